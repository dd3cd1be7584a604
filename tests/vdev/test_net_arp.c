/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP: answers, resolution with parked packets, retries, refresh of
 * stale entries, reclaim, eviction, announcements. Time is virtual
 * (ctx->now_ns), so a 60 s timeout costs nothing.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_tcp.h>

#include "net_harness.h"
#include "tern_net.h"

#define MS (1000ull * 1000)
#define SEC (1000ull * MS)

static const struct rte_ether_addr peer_mac2 = {{ 0x02, 0, 0, 0, 0, 0x22 }};

/* Every field of an ARP frame we sent, padding included. */
static void
check_arp(const struct rte_mbuf *m, uint16_t op,
	  const struct rte_ether_addr *eth_dst,
	  const struct rte_ether_addr *tha, rte_be32_t tip)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *a = f + RTE_ETHER_HDR_LEN;
	rte_be32_t our_ip = NH_OUR_IP;

	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 60);
	assert_memory_equal(f, eth_dst, 6);
	assert_memory_equal(f + 6, &nh_our_mac, 6);
	assert_int_equal(f[12], 0x08);
	assert_int_equal(f[13], 0x06);
	assert_int_equal(a[0] << 8 | a[1], 1);         /* htype Ethernet */
	assert_int_equal(a[2] << 8 | a[3], 0x0800);    /* ptype IPv4 */
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(a[6] << 8 | a[7], op);
	assert_memory_equal(a + 8, &nh_our_mac, 6);
	assert_memory_equal(a + 14, &our_ip, 4);
	assert_memory_equal(a + 18, tha, 6);
	assert_memory_equal(a + 24, &tip, 4);
	for (unsigned int i = 42; i < 60; i++)
		assert_int_equal(f[i], 0);
}

/* The destination MAC and the TCP sequence number of a frame we sent. */
static void
check_tcp_to(const struct rte_mbuf *m, const struct rte_ether_addr *dst_mac,
	     rte_be32_t dst_ip, uint32_t seq)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
	const uint8_t *t = ip + 20;

	assert_memory_equal(f, dst_mac, 6);
	assert_memory_equal(f + 6, &nh_our_mac, 6);
	assert_memory_equal(ip + 16, &dst_ip, 4);
	assert_true(nh_ipv4_cksum_ok(ip));
	assert_true(nh_l4_cksum_ok(ip));
	assert_int_equal((uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7],
			 seq);
}

static void
input_arp(uint16_t op, const struct rte_ether_addr *eth_dst,
	  const struct rte_ether_addr *sha, rte_be32_t sip,
	  const struct rte_ether_addr *tha, rte_be32_t tip)
{
	uint8_t f[64];
	size_t len = nh_arp_frame(f, op, eth_dst, sha, sip, tha, tip);

	nh_input(nh_mbuf(f, len));
}

static int
send_tcp(rte_be32_t dst, uint32_t seq)
{
	return tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(10, seq), dst,
				IPPROTO_TCP);
}

static rte_be32_t
host(unsigned int i)
{
	return rte_cpu_to_be_32(NH_IPV4(198, 18, 0, 10 + i));
}

static void
test_request_for_us_is_answered(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;

	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_zero_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REPLY, &nh_peer_mac, &nh_peer_mac,
		  NH_PEER_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_IN), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REPLIES_SENT), 1);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats), nh_drop_sum(&before));
	nh_clear_sent();

	/* The asker was learned: output goes straight out, no request. */
	assert_int_equal(send_tcp(NH_PEER_IP, 7), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_tcp_to(nh_env.sent[0], &nh_peer_mac, NH_PEER_IP, 7);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REQUESTS_SENT), 0);
}

static void
test_request_for_other_is_dropped_and_not_learned(void **state)
{
	rte_be32_t other = RTE_BE32(NH_IPV4(198, 18, 0, 77));
	struct tern_stats before = nh_env.ctx.stats;

	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_zero_mac, other);
	assert_int_equal(nh_env.nsent, 0);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_DROP_NOT_FOR_US), 1);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 1);
	/* Not learned: the first packet to the peer asks for it. */
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_PEER_IP);
}

static void
test_probe_is_answered_not_learned(void **state)
{
	/* RFC 5227 probe: sender IP 0. */
	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac, 0,
		  &nh_zero_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REPLY, &nh_peer_mac, &nh_peer_mac,
		  0);
	/* Nothing learned from it. */
	for (unsigned int i = 0; i < TERN_ARP_ENTRIES; i++)
		assert_int_equal(nh_env.ctx.arp->e[i].state, TERN_ARP_FREE);
}

static void
test_reply_sends_parked_packets_in_order(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;

	for (uint32_t seq = 1; seq <= 5; seq++)
		assert_int_equal(send_tcp(NH_PEER_IP, seq), 0);
	nh_flush();
	/* One request, however many packets wait. */
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_PEER_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REQUESTS_SENT), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_REQUESTS), 5);
	nh_clear_sent();
	assert_int_equal(tern_net_next_deadline_ns(&nh_env.ctx),
			 NH_T0_NS + nh_env.ctx.arp->retry_ns);

	tern_ctx_set_now(&nh_env.ctx, nh_env.ctx.now_ns + 3 * MS);
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 5);
	for (uint32_t i = 0; i < 5; i++)
		check_tcp_to(nh_env.sent[i], &nh_peer_mac, NH_PEER_IP, i + 1);
	assert_int_equal(tern_net_next_deadline_ns(&nh_env.ctx), UINT64_MAX);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats), nh_drop_sum(&before));
}

static void
test_request_from_awaited_host_resolves_too(void **state)
{
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 2), 0);
	nh_flush();
	nh_clear_sent();
	/* The peer happens to ask for us first: that answers us too. */
	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_zero_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 3);
	check_tcp_to(nh_env.sent[0], &nh_peer_mac, NH_PEER_IP, 1);
	check_tcp_to(nh_env.sent[1], &nh_peer_mac, NH_PEER_IP, 2);
	check_arp(nh_env.sent[2], RTE_ARP_OP_REPLY, &nh_peer_mac, &nh_peer_mac,
		  NH_PEER_IP);
}

static void
test_pending_queue_is_bounded(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;
	uint32_t seq;

	for (seq = 0; seq < TERN_ARP_PENDING_MAX; seq++)
		assert_int_equal(send_tcp(NH_PEER_IP, seq), 0);
	assert_int_equal(send_tcp(NH_PEER_IP, seq), -ENOBUFS);
	assert_int_equal(send_tcp(NH_PEER_IP, seq + 1), -ENOBUFS);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_PENDING_OVERFLOW), 2);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 2);
	nh_flush();
	nh_clear_sent();
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, TERN_ARP_PENDING_MAX);
	for (seq = 0; seq < TERN_ARP_PENDING_MAX; seq++)
		check_tcp_to(nh_env.sent[seq], &nh_peer_mac, NH_PEER_IP, seq);
}

static void
test_retries_then_drop(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	struct tern_stats before = ctx->stats;
	unsigned int in_use = nh_in_use();
	uint64_t t = NH_T0_NS;

	assert_int_equal(ctx->arp->retries_max, 3);
	assert_int_equal(ctx->arp->retry_ns, SEC);
	assert_int_equal(tern_net_next_deadline_ns(ctx), UINT64_MAX);
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 2), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);

	for (unsigned int retry = 1; retry <= 3; retry++) {
		assert_int_equal(tern_net_next_deadline_ns(ctx), t + SEC);
		/* Nothing due just before the deadline. */
		nh_poll_at(t + SEC - 1);
		assert_int_equal(nh_env.nsent, retry);
		t += SEC;
		nh_poll_at(t);
		assert_int_equal(nh_env.nsent, retry + 1);
		check_arp(nh_env.sent[retry], RTE_ARP_OP_REQUEST,
			  &nh_bcast_mac, &nh_zero_mac, NH_PEER_IP);
	}
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REQUESTS_SENT), 4);
	assert_int_equal(tern_net_next_deadline_ns(ctx), t + SEC);
	nh_poll_at(t + SEC);
	assert_int_equal(nh_env.nsent, 4);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_RESOLVE_FAILED), 2);
	assert_int_equal(nh_drop_sum(&ctx->stats) - nh_drop_sum(&before), 2);
	assert_int_equal(tern_net_next_deadline_ns(ctx), UINT64_MAX);
	nh_clear_sent();
	assert_int_equal(nh_in_use(), in_use);

	/* A late reply finds nothing to resolve and creates nothing. */
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 0);
	/* The next packet starts over. */
	assert_int_equal(send_tcp(NH_PEER_IP, 3), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_PEER_IP);
}

static void
test_retries_follow_runtime_settings(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	struct tern_stats before = ctx->stats;

	ctx->arp->retry_ns = 100 * MS;
	ctx->arp->retries_max = 0;
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	assert_int_equal(tern_net_next_deadline_ns(ctx),
			 NH_T0_NS + 100 * MS);
	nh_poll_at(NH_T0_NS + 100 * MS);
	assert_int_equal(nh_env.nsent, 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_RESOLVE_FAILED), 1);
}

static void
test_deadline_tracks_earliest_entry(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	rte_be32_t other = RTE_BE32(NH_IPV4(198, 18, 0, 3));

	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	tern_ctx_set_now(ctx, ctx->now_ns + 300 * MS);
	assert_int_equal(send_tcp(other, 1), 0);
	nh_flush();
	assert_int_equal(tern_net_next_deadline_ns(ctx), NH_T0_NS + SEC);
	nh_poll_at(NH_T0_NS + SEC);
	assert_int_equal(nh_env.nsent, 3);  /* 2 requests, 1 retry */
	assert_int_equal(tern_net_next_deadline_ns(ctx),
			 NH_T0_NS + 300 * MS + SEC);
	/* Resolving one leaves the other's deadline. */
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &nh_peer_mac, NH_PEER_IP,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(tern_net_next_deadline_ns(ctx),
			 NH_T0_NS + 300 * MS + SEC);
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &peer_mac2, other,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(tern_net_next_deadline_ns(ctx), UINT64_MAX);
	/* A later resolution owes nothing to the deadlines of the past. */
	tern_ctx_set_now(ctx, NH_T0_NS + 5 * SEC);
	assert_int_equal(send_tcp(NH_GW_IP, 1), 0);
	assert_int_equal(tern_net_next_deadline_ns(ctx), NH_T0_NS + 6 * SEC);
}

static void
test_stale_entry_is_used_and_refreshed(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	uint64_t stale = NH_T0_NS + ctx->arp->timeout_ns;

	nh_learn(NH_PEER_IP, &nh_peer_mac);
	tern_ctx_set_now(ctx, stale - 1);
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);   /* fresh: no request */
	nh_clear_sent();

	tern_ctx_set_now(ctx, stale);
	assert_int_equal(send_tcp(NH_PEER_IP, 2), 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 3), 0);
	nh_flush();
	/* Sent at once, plus one unicast refresh request. */
	assert_int_equal(nh_env.nsent, 3);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_peer_mac,
		  &nh_peer_mac, NH_PEER_IP);
	check_tcp_to(nh_env.sent[1], &nh_peer_mac, NH_PEER_IP, 2);
	check_tcp_to(nh_env.sent[2], &nh_peer_mac, NH_PEER_IP, 3);
	nh_clear_sent();
	/* A stale entry sets no deadline: refresh rides on traffic. */
	assert_int_equal(tern_net_next_deadline_ns(ctx), UINT64_MAX);

	/* The answer makes it fresh for another timeout. */
	tern_ctx_set_now(ctx, stale + 2 * MS);
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &peer_mac2, NH_PEER_IP,
		  &nh_our_mac, NH_OUR_IP);
	assert_int_equal(nh_env.nsent, 0);
	tern_ctx_set_now(ctx, stale + 2 * MS + ctx->arp->timeout_ns - 1);
	assert_int_equal(send_tcp(NH_PEER_IP, 4), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_tcp_to(nh_env.sent[0], &peer_mac2, NH_PEER_IP, 4);
}

static void
test_stale_entry_unanswered_starts_over(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	uint64_t t = NH_T0_NS + ctx->arp->timeout_ns;
	struct tern_stats before;

	nh_learn(NH_PEER_IP, &nh_peer_mac);
	before = ctx->stats;
	/* Traffic every retry interval; each one carries a refresh. */
	for (unsigned int i = 0; i <= ctx->arp->retries_max; i++) {
		tern_ctx_set_now(ctx, t + i * ctx->arp->retry_ns);
		assert_int_equal(send_tcp(NH_PEER_IP, i), 0);
		/* Within the interval no second request. */
		tern_ctx_set_now(ctx, ctx->now_ns + ctx->arp->retry_ns - 1);
		assert_int_equal(send_tcp(NH_PEER_IP, 100 + i), 0);
		nh_flush();
		assert_int_equal(nh_env.nsent, 3);
		check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_peer_mac,
			  &nh_peer_mac, NH_PEER_IP);
		check_tcp_to(nh_env.sent[1], &nh_peer_mac, NH_PEER_IP, i);
		check_tcp_to(nh_env.sent[2], &nh_peer_mac, NH_PEER_IP, 100 + i);
		nh_clear_sent();
	}
	/* Every refresh went unanswered: the next packet waits for a
	 * broadcast request like the first one ever did. */
	tern_ctx_set_now(ctx, t + (ctx->arp->retries_max + 1) *
			      ctx->arp->retry_ns);
	assert_int_equal(send_tcp(NH_PEER_IP, 9), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_PEER_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REQUESTS_SENT),
			 ctx->arp->retries_max + 2);
	assert_int_equal(tern_net_next_deadline_ns(ctx),
			 ctx->now_ns + ctx->arp->retry_ns);
}

static void
test_sweep_reclaims_unused_entries(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	uint64_t max_age = ctx->arp->timeout_ns +
			   (ctx->arp->retries_max + 2) * ctx->arp->retry_ns;

	nh_learn(NH_PEER_IP, &nh_peer_mac);
	/* Sweeps run every timeout_ns; the one after max_age frees it. */
	nh_poll_at(NH_T0_NS + ctx->arp->timeout_ns);
	nh_poll_at(NH_T0_NS + max_age);
	assert_int_equal(nh_env.nsent, 0);
	nh_poll_at(NH_T0_NS + 2 * ctx->arp->timeout_ns);
	assert_int_equal(nh_env.nsent, 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_PEER_IP);
}

static void
test_sweep_keeps_recently_confirmed(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;

	nh_poll_at(NH_T0_NS + ctx->arp->timeout_ns);   /* sweep, empty */
	nh_learn(NH_PEER_IP, &nh_peer_mac);
	nh_poll_at(NH_T0_NS + 2 * ctx->arp->timeout_ns); /* age < max age */
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	/* Still known (stale: used, plus a unicast refresh). */
	assert_int_equal(nh_env.nsent, 2);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_peer_mac,
		  &nh_peer_mac, NH_PEER_IP);
	check_tcp_to(nh_env.sent[1], &nh_peer_mac, NH_PEER_IP, 1);
}

static void
test_cache_refreshed_by_arp_not_for_us(void **state)
{
	struct tern_stats before;

	nh_learn(NH_PEER_IP, &nh_peer_mac);
	before = nh_env.ctx.stats;
	/* The peer moved and says so (gratuitous ARP): RFC 826 merge. */
	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &peer_mac2, NH_PEER_IP,
		  &nh_zero_mac, NH_PEER_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_DROP_NOT_FOR_US), 1);
	assert_int_equal(nh_env.nsent, 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_tcp_to(nh_env.sent[0], &peer_mac2, NH_PEER_IP, 1);
}

/*
 * Output remembers the entry of the last destination (tern_arp.h); an
 * entry whose MAC changed in between is not the remembered one.
 */
static void
test_moved_peer_followed_right_after_output(void **state)
{
	struct tern_stats before;

	nh_learn(NH_PEER_IP, &nh_peer_mac);
	assert_int_equal(send_tcp(NH_PEER_IP, 1), 0);
	nh_flush();
	check_tcp_to(nh_env.sent[0], &nh_peer_mac, NH_PEER_IP, 1);
	nh_clear_sent();
	before = nh_env.ctx.stats;
	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &peer_mac2, NH_PEER_IP,
		  &nh_zero_mac, NH_PEER_IP);
	assert_int_equal(send_tcp(NH_PEER_IP, 2), 0);
	assert_int_equal(send_tcp(NH_PEER_IP, 3), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 2);
	check_tcp_to(nh_env.sent[0], &peer_mac2, NH_PEER_IP, 2);
	check_tcp_to(nh_env.sent[1], &peer_mac2, NH_PEER_IP, 3);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REQUESTS_SENT), 0);
}

/* The remembered entry evicted and its place taken by another address:
 * output to the old one resolves it again. */
static void
test_remembered_entry_evicted(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	struct tern_stats before = ctx->stats;
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		tern_ctx_set_now(ctx, NH_T0_NS + i);
		nh_learn(host(i), &nh_peer_mac);
	}
	assert_int_equal(send_tcp(host(0), 1), 0);   /* remembered */
	assert_int_equal(send_tcp(host(i), 2), 0);   /* evicts host(0) */
	input_arp(RTE_ARP_OP_REPLY, &nh_our_mac, &peer_mac2, host(i),
		  &nh_our_mac, NH_OUR_IP);
	nh_flush();
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_EVICTIONS), 1);
	assert_int_equal(nh_env.nsent, 3);
	check_tcp_to(nh_env.sent[0], &nh_peer_mac, host(0), 1);
	check_arp(nh_env.sent[1], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, host(i));
	check_tcp_to(nh_env.sent[2], &peer_mac2, host(i), 2);
	nh_clear_sent();
	assert_int_equal(send_tcp(host(0), 3), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, host(0));
}

static void
test_announce(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;

	tern_arp_announce(&nh_env.ctx);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_arp(nh_env.sent[0], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, NH_OUR_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_ANNOUNCES_SENT), 1);
}

static void
test_eviction_then_table_full(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	struct tern_stats before = ctx->stats;
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		tern_ctx_set_now(ctx, NH_T0_NS + i);
		nh_learn(host(i), &nh_peer_mac);
	}
	/* A new next hop evicts the entry confirmed longest ago. */
	assert_int_equal(send_tcp(host(i), 1), 0);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_EVICTIONS), 1);
	nh_flush();
	nh_clear_sent();
	assert_int_equal(send_tcp(host(1), 1), 0);  /* kept: sent */
	assert_int_equal(send_tcp(host(0), 1), 0);  /* evicted: asks */
	nh_flush();
	assert_int_equal(nh_env.nsent, 2);
	check_tcp_to(nh_env.sent[0], &nh_peer_mac, host(1), 1);
	check_arp(nh_env.sent[1], RTE_ARP_OP_REQUEST, &nh_bcast_mac,
		  &nh_zero_mac, host(0));
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_EVICTIONS), 2);
	nh_clear_sent();

	/* Fill the table with resolving entries: nothing is evictable. */
	for (i = 0; i < 2 * TERN_ARP_ENTRIES; i++)
		(void)send_tcp(host(100 + i), 1);
	nh_flush();
	assert_int_equal(ctx->arp->nincomplete, TERN_ARP_ENTRIES);
	assert_true(nh_delta(&before, TERN_STAT_ARP_TABLE_FULL) > 0);
	before = ctx->stats;
	assert_int_equal(send_tcp(host(240), 1), -ENOBUFS);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_TABLE_FULL), 1);
	/* Learning from a request then has no room either, but we answer. */
	input_arp(RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac, host(241),
		  &nh_zero_mac, NH_OUR_IP);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_LEARN_SKIPPED), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_REPLIES_SENT), 1);
	/* Shutdown frees the parked packets, counted (teardown checks the
	 * pool). */
	before = ctx->stats;
	tern_net_fini(ctx);
	assert_int_equal(nh_delta(&before, TERN_STAT_ARP_PENDING_FLUSHED),
			 TERN_ARP_ENTRIES);
	assert_int_equal(tern_net_init(ctx), 0);
}

static void
test_hash_chains_survive_churn(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;

	/* Many addresses through few buckets: learn, evict, relearn; every
	 * lookup must still find exactly what is there. */
	for (unsigned int round = 0; round < 4; round++) {
		for (unsigned int i = 0; i < 3 * TERN_ARP_ENTRIES; i++) {
			tern_ctx_set_now(ctx, NH_T0_NS + round * 1000 + i);
			nh_learn(host(i), &nh_peer_mac);
		}
	}
	/* The last TERN_ARP_ENTRIES learned are the ones kept. */
	for (unsigned int i = 2 * TERN_ARP_ENTRIES; i < 3 * TERN_ARP_ENTRIES;
	     i++)
		assert_int_equal(send_tcp(host(i), i), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, TERN_ARP_ENTRIES);
	for (unsigned int i = 0; i < TERN_ARP_ENTRIES; i++)
		check_tcp_to(nh_env.sent[i], &nh_peer_mac,
			     host(2 * TERN_ARP_ENTRIES + i),
			     2 * TERN_ARP_ENTRIES + i);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, nh_cm_setup, nh_cm_teardown)
		T(test_request_for_us_is_answered),
		T(test_request_for_other_is_dropped_and_not_learned),
		T(test_probe_is_answered_not_learned),
		T(test_reply_sends_parked_packets_in_order),
		T(test_request_from_awaited_host_resolves_too),
		T(test_pending_queue_is_bounded),
		T(test_retries_then_drop),
		T(test_retries_follow_runtime_settings),
		T(test_deadline_tracks_earliest_entry),
		T(test_stale_entry_is_used_and_refreshed),
		T(test_stale_entry_unanswered_starts_over),
		T(test_sweep_reclaims_unused_entries),
		T(test_sweep_keeps_recently_confirmed),
		T(test_cache_refreshed_by_arp_not_for_us),
		T(test_moved_peer_followed_right_after_output),
		T(test_remembered_entry_evicted),
		T(test_announce),
		T(test_eviction_then_table_full),
		T(test_hash_chains_survive_churn),
#undef T
	};
	int rc;

	if (nh_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
