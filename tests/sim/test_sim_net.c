/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two tern stacks on the simulated wire, below TCP: ARP resolution
 * (request, reply, learning the requester, cache reuse, retries and
 * giving up), ICMP echo between the stacks and from a scripted endpoint,
 * and a gratuitous ARP.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_arp.h>
#include <rte_ip.h>

#include "tern_net.h"
#include "sim.h"
#include "sim_frame.h"
#include "sim_test.h"

#define ICMP_ECHO_REQUEST 8
#define ICMP_ECHO_REPLY 0
#define ECHO_ID 0x7e57

/* Send an ICMP echo request of @p data_len data bytes from @p a to @p dst
 * through tern_ipv4_output(), as an application on tern would. */
static int
ping(struct sim_node *a, rte_be32_t dst, uint16_t seq, uint32_t data_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(a->pool);
	uint32_t len = 8 + data_len;
	uint8_t *p;

	SIM_CHECK(m != NULL);
	SIM_CHECK(rte_pktmbuf_headroom(m) >= TERN_L2L3_HDR_LEN);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	SIM_CHECK(p != NULL);
	for (uint32_t i = 0; i < data_len; i++)
		p[8 + i] = (uint8_t)(seq + i);
	sim_icmp_echo_fill(p, len, ICMP_ECHO_REQUEST, ECHO_ID, seq);
	return tern_ipv4_output(a->ctx, m, dst, IPPROTO_ICMP);
}

static const struct sim_rec_entry *
rec_at(const struct sim_recorder *r, unsigned int i)
{
	SIM_ASSERT(i < r->n, "only %u frames on the wire, wanted #%u", r->n,
		   i + 1);
	return &r->e[i];
}

static void
assert_arp(const struct sim_rec_entry *e, const struct sim_node *from,
	   uint16_t op, rte_be32_t target)
{
	SIM_ASSERT_EQ(e->h.kind, SIM_PKT_ARP);
	SIM_ASSERT_EQ(e->from, from->idx);
	SIM_ASSERT_EQ(e->h.arp_op, op);
	SIM_ASSERT_EQ(e->h.arp_spa, from->ip);
	SIM_CHECK(rte_is_same_ether_addr(&e->h.arp_sha, &from->mac));
	SIM_CHECK(rte_is_same_ether_addr(&e->h.eth_src, &from->mac));
	SIM_ASSERT_EQ(e->h.arp_tpa, target);
	if (op == RTE_ARP_OP_REQUEST)
		SIM_CHECK(rte_is_broadcast_ether_addr(&e->h.eth_dst) ||
			  e->h.arp_tpa != 0);
}

static void
assert_echo(const struct sim_rec_entry *e, const struct sim_node *from,
	    const struct sim_node *to, uint8_t type, uint16_t seq,
	    uint32_t data_len)
{
	SIM_ASSERT_EQ(e->h.kind, SIM_PKT_ICMP);
	SIM_ASSERT_EQ(e->from, from->idx);
	SIM_ASSERT_EQ(e->to, to->idx);
	SIM_CHECK(rte_is_same_ether_addr(&e->h.eth_src, &from->mac));
	SIM_CHECK(rte_is_same_ether_addr(&e->h.eth_dst, &to->mac));
	SIM_ASSERT_EQ(e->h.ip_src, from->ip);
	SIM_ASSERT_EQ(e->h.ip_dst, to->ip);
	SIM_CHECK(e->h.ip_csum_ok);
	SIM_CHECK(e->h.icmp_csum_ok);
	SIM_ASSERT_EQ(e->h.icmp_type, type);
	SIM_ASSERT_EQ(e->h.icmp_id, ECHO_ID);
	SIM_ASSERT_EQ(e->h.icmp_seq, seq);
	SIM_ASSERT_EQ(e->h.payload_len, data_len);
}

/* The echo of @p type and @p seq sent by @p from among r->e[first..+n). */
static const struct sim_rec_entry *
find_echo(const struct sim_recorder *r, unsigned int first, unsigned int n,
	  const struct sim_node *from, uint8_t type, uint16_t seq)
{
	for (unsigned int i = first; i < first + n && i < r->n; i++) {
		const struct sim_rec_entry *e = &r->e[i];

		if (e->h.kind == SIM_PKT_ICMP && e->from == from->idx &&
		    e->h.icmp_type == type && e->h.icmp_seq == seq)
			return e;
	}
	sim_test_fail(__FILE__, __LINE__, "echo on the wire",
		      "no ICMP type %u seq %u from %s in frames %u..%u",
		      type, seq, from->name, first + 1, first + n);
}

/* B's extra address (ifc.extra_ip) is B's in ARP and IPv4: A's ARP for
 * it is answered from it, and the echo reply comes from it. */
static void
test_net_ping_extra_address(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_stack(sim, "A", NULL);
	struct sim_node *b = sim_add_stack(sim, "B", NULL);
	struct sim_faults f = { .latency_ns = 100 * SIM_US };
	struct sim_recorder *r = sim_record(sim);
	rte_be32_t x = sim_ip(200);

	sim_set_faults_all(sim, &f);
	b->ctx->ifc.extra_ip[0] = x;
	b->ctx->ifc.nb_extra_ip = 1;
	SIM_ASSERT_EQ(ping(a, x, 1, 56), 0);
	sim_run_for(sim, 10 * SIM_MS);
	SIM_ASSERT_EQ(r->n, 4);
	assert_arp(rec_at(r, 0), a, RTE_ARP_OP_REQUEST, x);
	SIM_ASSERT_EQ(r->e[1].h.kind, SIM_PKT_ARP);
	SIM_ASSERT_EQ(r->e[1].from, b->idx);
	SIM_ASSERT_EQ(r->e[1].h.arp_op, RTE_ARP_OP_REPLY);
	SIM_ASSERT_EQ(r->e[1].h.arp_spa, x);
	SIM_CHECK(rte_is_same_ether_addr(&r->e[1].h.arp_sha, &b->mac));
	SIM_ASSERT_EQ(r->e[2].h.ip_dst, x);
	SIM_ASSERT_EQ(r->e[3].h.kind, SIM_PKT_ICMP);
	SIM_ASSERT_EQ(r->e[3].from, b->idx);
	SIM_ASSERT_EQ(r->e[3].h.icmp_type, ICMP_ECHO_REPLY);
	SIM_ASSERT_EQ(r->e[3].h.ip_src, x);
	SIM_ASSERT_EQ(r->e[3].h.ip_dst, a->ip);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP_IN_MSGS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_IP_IN_ADDR_ERRORS), 0);
	sim_destroy(sim);
}

/* A pings B: ARP first, then echo and reply; the caches are used after. */
static void
test_net_ping_two_stacks(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_stack(sim, "A", NULL);
	struct sim_node *b = sim_add_stack(sim, "B", NULL);
	struct sim_faults f = { .latency_ns = 100 * SIM_US };
	struct sim_recorder *r = sim_record(sim);
	static const uint32_t sizes[] = { 56, 0, 1, 63, 1472 };

	sim_set_faults_all(sim, &f);
	SIM_ASSERT_EQ(ping(a, b->ip, 1, 56), 0);
	sim_run_for(sim, 10 * SIM_MS);
	assert_arp(rec_at(r, 0), a, RTE_ARP_OP_REQUEST, b->ip);
	SIM_CHECK(rte_is_broadcast_ether_addr(&r->e[0].h.eth_dst));
	assert_arp(rec_at(r, 1), b, RTE_ARP_OP_REPLY, a->ip);
	SIM_CHECK(rte_is_same_ether_addr(&r->e[1].h.arp_tha, &a->mac));
	assert_echo(rec_at(r, 2), a, b, ICMP_ECHO_REQUEST, 1, 56);
	/* B learnt A from A's request (RFC 826): no ARP of its own */
	assert_echo(rec_at(r, 3), b, a, ICMP_ECHO_REPLY, 1, 56);
	SIM_ASSERT_EQ(r->n, 4);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_REQUESTS_SENT), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_REQUESTS_SENT), 0);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_REPLIES_SENT), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP_IN_ECHOS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP_OUT_ECHO_REPS), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP_IN_MSGS), 1);

	/* both caches are warm: pings of every size both ways, no ARP */
	r = sim_record(sim);
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		SIM_ASSERT_EQ(ping(a, b->ip, (uint16_t)(10 + i), sizes[i]), 0);
		SIM_ASSERT_EQ(ping(b, a->ip, (uint16_t)(20 + i), sizes[i]), 0);
		sim_run_for(sim, 10 * SIM_MS);
	}
	SIM_ASSERT_EQ(r->n, 4 * RTE_DIM(sizes));
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		uint16_t sa = (uint16_t)(10 + i), sb = (uint16_t)(20 + i);

		/* requests leave before the replies they cause */
		assert_echo(find_echo(r, 4 * i, 2, a, ICMP_ECHO_REQUEST, sa),
			    a, b, ICMP_ECHO_REQUEST, sa, sizes[i]);
		assert_echo(find_echo(r, 4 * i, 2, b, ICMP_ECHO_REQUEST, sb),
			    b, a, ICMP_ECHO_REQUEST, sb, sizes[i]);
		assert_echo(find_echo(r, 4 * i + 2, 2, b, ICMP_ECHO_REPLY, sa),
			    b, a, ICMP_ECHO_REPLY, sa, sizes[i]);
		assert_echo(find_echo(r, 4 * i + 2, 2, a, ICMP_ECHO_REPLY, sb),
			    a, b, ICMP_ECHO_REPLY, sb, sizes[i]);
	}
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_REQUESTS_SENT), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_REQUESTS_SENT), 0);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP_OUT_ECHO_REPS),
		      1 + RTE_DIM(sizes));
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP_OUT_ECHO_REPS),
		      RTE_DIM(sizes));
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* The echo reply carries the request's data byte for byte. */
static void
test_net_ping_from_script(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t = sim_add_stack(sim, "T", NULL);
	struct sim_node *p = sim_add_script(sim, "P");
	struct sim_pkt *pkt = sim_alloc(sim, sizeof(*pkt), NULL);
	uint8_t icmp[8 + 101];
	struct rte_mbuf *m;

	for (unsigned int i = 8; i < sizeof(icmp); i++)
		icmp[i] = (uint8_t)(i * 7);
	sim_icmp_echo_fill(icmp, sizeof(icmp), ICMP_ECHO_REQUEST, ECHO_ID, 9);
	m = sim_build_ipv4(p->pool, &p->mac, &t->mac, p->ip, t->ip,
			   IPPROTO_ICMP, icmp, sizeof(icmp));
	SIM_CHECK(m != NULL);
	sim_wire_send(p, m);
	sim_settle(sim);
	/* T asked who P is (P answered it), then replied */
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP_OUT_ECHO_REPS), 1);
	m = sim_inbox_pop(p);
	SIM_ASSERT(m != NULL, "no echo reply");
	sim_pkt_parse(m, pkt, true);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(pkt->h.kind, SIM_PKT_ICMP);
	SIM_ASSERT_EQ(pkt->h.icmp_type, ICMP_ECHO_REPLY);
	SIM_CHECK(pkt->h.icmp_csum_ok && pkt->h.ip_csum_ok);
	SIM_ASSERT_EQ(pkt->h.ip_src, t->ip);
	SIM_ASSERT_EQ(pkt->h.ip_dst, p->ip);
	SIM_ASSERT_EQ(pkt->h.payload_len, sizeof(icmp) - 8);
	SIM_CHECK(memcmp(pkt->payload, icmp + 8, sizeof(icmp) - 8) == 0);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);

	/* the same request with a broken ICMP checksum: dropped, counted */
	icmp[2] ^= 0x10;
	m = sim_build_ipv4(p->pool, &p->mac, &t->mac, p->ip, t->ip,
			   IPPROTO_ICMP, icmp, sizeof(icmp));
	sim_wire_send(p, m);
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP_IN_CSUM_ERRORS), 1);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP_OUT_ECHO_REPS), 1);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* Nobody has the address: requests every retry_ns, then the parked
 * packets are dropped and counted; no mbuf is kept. */
static void
test_net_arp_unanswered(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_stack(sim, "A", NULL);
	struct sim_node *b = sim_add_stack(sim, "B", NULL);
	struct sim_recorder *r = sim_record(sim);
	rte_be32_t ghost = sim_ip(99);
	uint64_t retry_ns = a->ctx->arp->retry_ns;
	uint32_t retries = a->ctx->arp->retries_max;
	uint64_t t0 = sim_now(sim);

	SIM_ASSERT(retry_ns > 0, "retry_ns %" PRIu64, retry_ns);
	for (uint16_t i = 0; i < 3; i++)
		SIM_ASSERT_EQ(ping(a, ghost, i, 10), 0);
	sim_run_for(sim, (retries + 3) * retry_ns);
	SIM_ASSERT_EQ(r->n, 1 + retries);
	for (unsigned int i = 0; i < r->n; i++) {
		assert_arp(&r->e[i], a, RTE_ARP_OP_REQUEST, ghost);
		SIM_ASSERT_EQ(r->e[i].t_ns, t0 + i * retry_ns);
	}
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_REQUESTS_SENT), 1 + retries);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_RESOLVE_FAILED), 3);
	/* B saw the requests, answered none, and counted them */
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_REPLIES_SENT), 0);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_DROP_NOT_FOR_US), 1 + retries);
	SIM_ASSERT_EQ(tern_net_next_deadline_ns(a->ctx), UINT64_MAX);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* A lost reply: the request is repeated and the parked ping still goes. */
static void
test_net_arp_retry_after_loss(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_stack(sim, "A", NULL);
	struct sim_node *b = sim_add_stack(sim, "B", NULL);
	struct sim_tamper lose_first = { .from = b, .to = a, .nth = 1 };
	uint64_t retry_ns = a->ctx->arp->retry_ns;

	sim_tamper_add(sim, &lose_first);
	SIM_ASSERT_EQ(ping(a, b->ip, 1, 20), 0);
	sim_run_for(sim, retry_ns / 2);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP_IN_ECHOS), 0);
	sim_run_for(sim, retry_ns);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_REQUESTS_SENT), 2);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP_IN_ECHOS), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP_IN_MSGS), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_RESOLVE_FAILED), 0);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

static void
test_net_gratuitous_arp(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_stack(sim, "A", NULL);
	struct sim_node *p = sim_add_script(sim, "P");
	struct sim_pkt *pkt = sim_alloc(sim, sizeof(*pkt), NULL);
	struct rte_mbuf *m;

	p->answer_arp = false;
	tern_arp_announce(a->ctx);
	sim_settle(sim);
	m = sim_inbox_pop(p);
	SIM_ASSERT(m != NULL, "no gratuitous ARP on the wire");
	sim_pkt_parse(m, pkt, false);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(pkt->h.kind, SIM_PKT_ARP);
	SIM_CHECK(rte_is_broadcast_ether_addr(&pkt->h.eth_dst));
	SIM_ASSERT_EQ(pkt->h.arp_spa, a->ip);
	SIM_ASSERT_EQ(pkt->h.arp_tpa, a->ip);
	SIM_CHECK(rte_is_same_ether_addr(&pkt->h.arp_sha, &a->mac));
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ARP_ANNOUNCES_SENT), 1);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

static const struct sim_test tests[] = {
	SIM_TEST(test_net_ping_two_stacks),
	SIM_TEST(test_net_ping_extra_address),
	SIM_TEST(test_net_ping_from_script),
	SIM_TEST(test_net_arp_unanswered),
	SIM_TEST(test_net_arp_retry_after_loss),
	SIM_TEST(test_net_gratuitous_arp),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
