/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour Discovery under IPv6 output: the entry the last destination
 * went through is reused only while it is the same entry, REACHABLE and
 * fresh (lib/net/tern_nd.h). Time is virtual (ctx->now_ns).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ether.h>

#include "net_harness.h"
#include "net_priv.h"
#include "tern_net.h"

#define SEC (1000ull * 1000 * 1000)
#define ND_TYPE_NS 135
#define ND_TYPE_NA 136
#define ND_NA_FLAGS_SO 0x60  /* solicited, override */
#define IP6_OFF RTE_ETHER_HDR_LEN
#define ICMP6_OFF (IP6_OFF + 40)

static const struct rte_ether_addr peer_mac2 = {{ 0x02, 0, 0, 0, 0, 0x22 }};
static const struct tern_ip6 our_ip6 = {{{ 0x20, 0x01, 0, 2, [15] = 1 }}};

static struct tern_ip6
host(unsigned int i)
{
	struct tern_ip6 a = our_ip6;

	a.b[14] = (uint8_t)(i >> 8);
	a.b[15] = (uint8_t)(10 + i);
	return a;
}

static int
send_tcp6(const struct tern_ip6 *dst, uint32_t seq)
{
	return tern_ipv6_output(&nh_env.ctx, nh_tcp_packet(10, seq), &our_ip6,
				dst, IPPROTO_TCP, 0);
}

/* A solicited, overriding advertisement of @p target at @p mac. */
static void
input_na(const struct tern_ip6 *target, const struct rte_ether_addr *mac)
{
	uint8_t f[ICMP6_OFF + 32] = { 0 };
	uint8_t *ip = f + IP6_OFF, *icmp = f + ICMP6_OFF;
	uint16_t sum;

	memcpy(f, &nh_our_mac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;                     /* payload length */
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255;                    /* hop limit ND requires */
	memcpy(ip + 8, target->b, 16);
	memcpy(ip + 24, our_ip6.b, 16);
	icmp[0] = ND_TYPE_NA;
	icmp[4] = ND_NA_FLAGS_SO;
	memcpy(icmp + 8, target->b, 16);
	icmp[24] = 2;                   /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	sum = nh_sum16(ip + 8, 32, 32 + IPPROTO_ICMPV6);
	sum = nh_sum16(icmp, 32, sum);
	icmp[2] = (uint8_t)(~sum >> 8);
	icmp[3] = (uint8_t)~sum;
	nh_input(nh_mbuf(f, sizeof(f)));
}

static void
check_tcp6_to(const struct rte_mbuf *m, const struct rte_ether_addr *mac,
	      const struct tern_ip6 *dst, uint32_t seq)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *t = f + ICMP6_OFF;

	assert_memory_equal(f, mac, 6);
	assert_int_equal(f[12] << 8 | f[13], RTE_ETHER_TYPE_IPV6);
	assert_int_equal(f[IP6_OFF + 6], IPPROTO_TCP);
	assert_memory_equal(f + IP6_OFF + 24, dst->b, 16);
	assert_int_equal((uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7],
			 seq);
}

/* A neighbour solicitation for @p target: multicast (resolution) when
 * @p mac is NULL, else unicast to @p mac (a probe). */
static void
check_ns(const struct rte_mbuf *m, const struct tern_ip6 *target,
	 const struct rte_ether_addr *mac)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	if (mac == NULL) {
		assert_int_equal(f[0], 0x33);
		assert_int_equal(f[1], 0x33);
	} else {
		assert_memory_equal(f, mac, 6);
	}
	assert_int_equal(f[12] << 8 | f[13], RTE_ETHER_TYPE_IPV6);
	assert_int_equal(f[IP6_OFF + 6], IPPROTO_ICMPV6);
	assert_int_equal(f[ICMP6_OFF], ND_TYPE_NS);
	assert_memory_equal(f + ICMP6_OFF + 8, target->b, 16);
}

/* Resolve @p dst to @p mac: a packet out (parked), the answer. */
static void
resolve(const struct tern_ip6 *dst, const struct rte_ether_addr *mac)
{
	assert_int_equal(send_tcp6(dst, 0), 0);
	input_na(dst, mac);
}

static int
setup(void **state)
{
	struct tern_if_conf ifc;
	uint64_t t;

	nh_default_ifc(&ifc);
	ifc.ip6 = our_ip6;
	ifc.ip6_prefix_len = 64;
	nh_setup(&ifc);
	/* Duplicate address detection: unanswered, so both ours. */
	for (t = NH_T0_NS; t < NH_T0_NS + 10 * SEC; t += SEC / 10)
		nh_poll_at(t);
	assert_int_equal(nh_env.ctx.nd->addr_state[TERN_ND_ADDR_GLOBAL],
			 TERN_ND_ADDR_PREFERRED);
	tern_ctx_set_now(&nh_env.ctx, NH_T0_NS);
	nh_clear_sent();
	return 0;
}

static void
test_remembered_entry_evicted(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	struct tern_stats before = ctx->stats;
	struct tern_ip6 h0 = host(0), hn = host(TERN_ND_ENTRIES);
	unsigned int i;

	for (i = 0; i < TERN_ND_ENTRIES; i++) {
		struct tern_ip6 h = host(i);

		tern_ctx_set_now(ctx, NH_T0_NS + i);
		resolve(&h, &nh_peer_mac);
	}
	nh_flush();
	nh_clear_sent();
	assert_int_equal(send_tcp6(&h0, 1), 0);   /* remembered */
	assert_int_equal(send_tcp6(&hn, 2), 0);   /* evicts host(0) */
	input_na(&hn, &peer_mac2);
	nh_flush();
	assert_int_equal(nh_delta(&before, TERN_STAT_ND_EVICTIONS), 1);
	assert_int_equal(nh_env.nsent, 3);
	check_tcp6_to(nh_env.sent[0], &nh_peer_mac, &h0, 1);
	check_ns(nh_env.sent[1], &hn, NULL);
	check_tcp6_to(nh_env.sent[2], &peer_mac2, &hn, 2);
	nh_clear_sent();
	/* host(0)'s place holds host(n) now: host(0) is asked for again. */
	assert_int_equal(send_tcp6(&h0, 3), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	check_ns(nh_env.sent[0], &h0, NULL);
}

static void
test_remembered_entry_goes_stale(void **state)
{
	struct tern_ctx *ctx = &nh_env.ctx;
	uint64_t timeout = ctx->arp->timeout_ns, retry = ctx->arp->retry_ns;
	struct tern_ip6 h0 = host(0);

	resolve(&h0, &nh_peer_mac);
	assert_int_equal(send_tcp6(&h0, 1), 0);   /* remembered */
	nh_flush();
	nh_clear_sent();
	/* Past timeout_ns: the full path moves it to DELAY, then PROBE. */
	tern_ctx_set_now(ctx, NH_T0_NS + timeout);
	assert_int_equal(send_tcp6(&h0, 2), 0);
	nh_poll_at(NH_T0_NS + timeout + retry);
	assert_int_equal(nh_env.nsent, 2);
	check_tcp6_to(nh_env.sent[0], &nh_peer_mac, &h0, 2);
	check_ns(nh_env.sent[1], &h0, &nh_peer_mac);
}

static void
test_moved_peer_followed_right_after_output(void **state)
{
	struct tern_ip6 h0 = host(0);

	resolve(&h0, &nh_peer_mac);
	nh_flush();
	nh_clear_sent();
	assert_int_equal(send_tcp6(&h0, 1), 0);   /* remembered */
	input_na(&h0, &peer_mac2);
	assert_int_equal(send_tcp6(&h0, 2), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 2);
	check_tcp6_to(nh_env.sent[0], &nh_peer_mac, &h0, 1);
	check_tcp6_to(nh_env.sent[1], &peer_mac2, &h0, 2);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, nh_cm_teardown)
		T(test_remembered_entry_evicted),
		T(test_remembered_entry_goes_stale),
		T(test_moved_peer_followed_right_after_output),
#undef T
	};
	int rc;

	if (nh_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
