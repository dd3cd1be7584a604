/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the simulator itself, between two scripted endpoints (no tern
 * involved): frame builder and parser, latency, jitter without
 * reordering, each fault at its configured rate, determinism from the
 * seed, tamper hooks, ARP and ND answers of script nodes, IPv6 frames.
 */
#include <string.h>
#include <netinet/in.h>

#include "sim.h"
#include "sim_frame.h"
#include "sim_test.h"

#define NFRAMES 5000

static struct sim_tcp_spec
spec_between(const struct sim_node *a, const struct sim_node *b,
	     uint8_t flags, uint32_t seq)
{
	struct sim_tcp_spec s;

	memset(&s, 0, sizeof(s));
	s.eth_src = a->mac;
	s.eth_dst = b->mac;
	s.ip_src = a->ip;
	s.ip_dst = b->ip;
	s.sport = 1234;
	s.dport = 80;
	s.seq = seq;
	s.ack = 7;
	s.flags = flags;
	s.win = 1000;
	return s;
}

static void
send_seq(struct sim_node *a, struct sim_node *b, uint8_t flags,
	 uint32_t seq, const void *data, uint32_t len)
{
	struct sim_tcp_spec s = spec_between(a, b, flags, seq);
	struct rte_mbuf *m;

	s.data = data;
	s.len = len;
	m = sim_build_tcp(a->pool, &s);
	SIM_CHECK(m != NULL);
	sim_wire_send(a, m);
}

/* Pop every frame of @p n's inbox; return how many; seqs into @p out. */
static unsigned int
drain_seqs(struct sim_node *n, uint32_t *out, unsigned int max,
	   unsigned int *bad_csum)
{
	struct sim_pkt *pkt = sim_alloc(n->sim, sizeof(*pkt), NULL);
	struct rte_mbuf *m;
	unsigned int count = 0;

	while ((m = sim_inbox_pop(n)) != NULL) {
		sim_pkt_parse(m, pkt, false);
		rte_pktmbuf_free(m);
		if (pkt->h.kind != SIM_PKT_TCP || !pkt->h.ip_csum_ok ||
		    !pkt->h.tcp_csum_ok) {
			if (bad_csum != NULL)
				(*bad_csum)++;
			continue;
		}
		if (out != NULL && count < max)
			out[count] = pkt->h.seq;
		count++;
	}
	return count;
}

static void
test_frame_roundtrip(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_tcp_spec s = spec_between(a, b, SIM_SYN | SIM_ACK, 0xfffffff0);
	struct sim_pkt *p = sim_alloc(sim, sizeof(*p), NULL);
	static const char data[] = "odd-length payload";
	struct rte_mbuf *m;

	s.opts.mss_ok = true;
	s.opts.mss = 1460;
	s.opts.sack_perm = true;
	s.opts.ts_ok = true;
	s.opts.tsval = 0xdeadbeef;
	s.opts.tsecr = 42;
	s.opts.ws_ok = true;
	s.opts.ws = 7;
	s.urp = 3;
	s.data = data;
	s.len = sizeof(data);
	m = sim_build_tcp(a->pool, &s);
	SIM_CHECK(m != NULL);
	sim_pkt_parse(m, p, true);
	SIM_ASSERT_EQ(p->h.kind, SIM_PKT_TCP);
	SIM_CHECK(p->h.ip_csum_ok && p->h.tcp_csum_ok);
	SIM_ASSERT_EQ(p->h.seq, 0xfffffff0);
	SIM_ASSERT_EQ(p->h.ack, 7);
	SIM_ASSERT_EQ(p->h.flags, SIM_SYN | SIM_ACK);
	SIM_ASSERT_EQ(p->h.win, 1000);
	SIM_ASSERT_EQ(p->h.urp, 3);
	SIM_ASSERT_EQ(p->h.doff_bytes, 40);
	SIM_CHECK(p->h.opts.mss_ok && p->h.opts.mss == 1460);
	SIM_CHECK(p->h.opts.sack_perm);
	SIM_CHECK(p->h.opts.ts_ok && p->h.opts.tsval == 0xdeadbeef &&
		  p->h.opts.tsecr == 42);
	SIM_CHECK(p->h.opts.ws_ok && p->h.opts.ws == 7);
	SIM_ASSERT_EQ(p->h.payload_len, sizeof(data));
	SIM_CHECK(memcmp(p->payload, data, sizeof(data)) == 0);
	rte_pktmbuf_free(m);

	/* a deliberately wrong or zero checksum is seen as wrong */
	s.csum = SIM_CSUM_BAD;
	m = sim_build_tcp(a->pool, &s);
	sim_pkt_parse(m, p, false);
	SIM_CHECK(p->h.ip_csum_ok && !p->h.tcp_csum_ok);
	rte_pktmbuf_free(m);
	s.csum = SIM_CSUM_ZERO;
	m = sim_build_tcp(a->pool, &s);
	sim_pkt_parse(m, p, false);
	SIM_CHECK(!p->h.tcp_csum_ok);
	rte_pktmbuf_free(m);

	/* malformed option lists are flagged, never read past */
	{
		static const uint8_t bad_len0[] = { 2, 0, 1, 1 };
		static const uint8_t past_end[] = { 1, 1, 8, 10 };

		s.csum = SIM_CSUM_OK;
		s.raw_opts = bad_len0;
		s.raw_opts_len = sizeof(bad_len0);
		m = sim_build_tcp(a->pool, &s);
		sim_pkt_parse(m, p, false);
		SIM_CHECK(p->h.opts.malformed);
		rte_pktmbuf_free(m);
		s.raw_opts = past_end;
		s.raw_opts_len = sizeof(past_end);
		m = sim_build_tcp(a->pool, &s);
		sim_pkt_parse(m, p, false);
		SIM_CHECK(p->h.opts.malformed);
		rte_pktmbuf_free(m);
	}
	sim_destroy(sim);
}

static void
test_wire_latency_and_fifo(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_faults f = { .latency_ns = 5 * SIM_MS,
				.jitter_ns = 3 * SIM_MS };
	uint32_t *seqs = sim_alloc(sim, NFRAMES * sizeof(*seqs), NULL);
	uint64_t t0 = sim_now(sim);
	unsigned int n;

	sim_set_faults(sim, a, b, &f);
	send_seq(a, b, SIM_ACK, 0, NULL, 0);
	sim_run_for(sim, 5 * SIM_MS - 1);
	SIM_ASSERT_EQ(sim_inbox_count(b), 0);
	sim_run_for(sim, 3 * SIM_MS + 1);
	SIM_ASSERT_EQ(sim_inbox_count(b), 1);
	SIM_ASSERT_EQ(sim_now(sim), t0 + 8 * SIM_MS);
	drain_seqs(b, NULL, 0, NULL);

	/* jitter must not reorder: frames keep the order they were sent */
	for (uint32_t i = 0; i < NFRAMES; i++) {
		send_seq(a, b, SIM_ACK, i, NULL, 0);
		sim_run_for(sim, 100 * SIM_US);
	}
	sim_run_for(sim, SIM_S);
	n = drain_seqs(b, seqs, NFRAMES, NULL);
	SIM_ASSERT_EQ(n, NFRAMES);
	for (uint32_t i = 0; i < NFRAMES; i++)
		SIM_ASSERT_EQ(seqs[i], i);
	sim_destroy(sim);
}

/* Send NFRAMES through faults @p f; return what the wire counted. */
static struct sim_wire_stats
run_faults(uint64_t seed, const struct sim_faults *f, unsigned int *got,
	   unsigned int *bad, unsigned int *out_of_order)
{
	struct sim *sim = sim_create(seed);
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	uint32_t *seqs = sim_alloc(sim, 2 * NFRAMES * sizeof(*seqs), NULL);
	static const char payload[64] = "0123456789abcdef";
	struct sim_wire_stats st;

	sim_set_faults(sim, a, b, f);
	for (uint32_t i = 0; i < NFRAMES; i++) {
		send_seq(a, b, SIM_ACK | SIM_PSH, i, payload, sizeof(payload));
		sim_run_for(sim, 10 * SIM_US);
	}
	sim_run_for(sim, SIM_S);
	*bad = 0;
	*got = drain_seqs(b, seqs, 2 * NFRAMES, bad);
	*out_of_order = 0;
	for (unsigned int i = 1; i < *got && i < 2 * NFRAMES; i++)
		if (seqs[i] < seqs[i - 1])
			(*out_of_order)++;
	st = *sim_wire_stats(sim);
	sim_destroy(sim);
	return st;
}

static void
test_wire_fault_rates(void)
{
	/* 10% of 5000: mean 500, sd 21; +-20% is > 4.7 sd */
	struct sim_faults drop = { .drop_ppm = 100000 };
	struct sim_faults dup = { .dup_ppm = 100000 };
	struct sim_faults reorder = { .reorder_ppm = 100000,
				      .reorder_ns = 50 * SIM_US };
	struct sim_faults corrupt = { .corrupt_ppm = 100000 };
	struct sim_wire_stats st;
	unsigned int got, bad, ooo;

	st = run_faults(sim_test_seed(), &drop, &got, &bad, &ooo);
	SIM_ASSERT(st.fault_drops > 400 && st.fault_drops < 600, "%" PRIu64,
		   st.fault_drops);
	SIM_ASSERT_EQ(got, NFRAMES - st.fault_drops);
	SIM_ASSERT_EQ(bad, 0);
	SIM_ASSERT_EQ(ooo, 0);

	st = run_faults(sim_test_seed(), &dup, &got, &bad, &ooo);
	SIM_ASSERT(st.duplicated > 400 && st.duplicated < 600, "%" PRIu64,
		   st.duplicated);
	SIM_ASSERT_EQ(got, NFRAMES + st.duplicated);

	st = run_faults(sim_test_seed(), &reorder, &got, &bad, &ooo);
	SIM_ASSERT(st.reordered > 400 && st.reordered < 600, "%" PRIu64,
		   st.reordered);
	SIM_ASSERT_EQ(got, NFRAMES);
	/* a frame held 50 us lands behind the next ones (sent every 10 us) */
	SIM_ASSERT(ooo > 350, "only %u frames out of order", ooo);

	st = run_faults(sim_test_seed(), &corrupt, &got, &bad, &ooo);
	SIM_ASSERT(st.corrupted > 400 && st.corrupted < 600, "%" PRIu64,
		   st.corrupted);
	/* every flipped byte is caught by the IPv4 or the TCP checksum */
	SIM_ASSERT_EQ(bad, st.corrupted);
	SIM_ASSERT_EQ(got, NFRAMES - st.corrupted);
}

static void
test_wire_seed_determinism(void)
{
	struct sim_faults all = {
		.latency_ns = 10 * SIM_US, .jitter_ns = 20 * SIM_US,
		.drop_ppm = 50000, .dup_ppm = 50000, .reorder_ppm = 50000,
		.reorder_ns = 100 * SIM_US, .corrupt_ppm = 50000,
	};
	struct sim_wire_stats s1, s2, s3;
	unsigned int g1, g2, g3, b1, b2, b3, o1, o2, o3;
	uint64_t seed = sim_test_seed();

	s1 = run_faults(seed, &all, &g1, &b1, &o1);
	s2 = run_faults(seed, &all, &g2, &b2, &o2);
	s3 = run_faults(seed + 1, &all, &g3, &b3, &o3);
	SIM_CHECK(memcmp(&s1, &s2, sizeof(s1)) == 0);
	SIM_CHECK(g1 == g2 && b1 == b2 && o1 == o2);
	SIM_CHECK(memcmp(&s1, &s3, sizeof(s1)) != 0);
}

struct rewrite_arg {
	unsigned int calls;
};

/* Rewrite the window of every segment and fix the TCP checksum. */
static enum sim_verdict
rewrite_window(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct rewrite_arg *ra = arg;
	uint8_t *th = rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20);
	uint8_t *ip = th - 20;
	uint32_t tcp_len = fc->h->ip_len - 20u;
	uint32_t sum;
	uint16_t csum;

	ra->calls++;
	th[14] = 0x12;
	th[15] = 0x34;
	th[16] = 0;
	th[17] = 0;
	sum = sim_csum_add(0, ip + 12, 8);
	sum += IPPROTO_TCP + tcp_len;
	sum = sim_csum_add(sum, th, tcp_len);
	csum = sim_csum_fold(sum);
	th[16] = (uint8_t)(csum >> 8);
	th[17] = (uint8_t)csum;
	return SIM_PASS;
}

static void
test_wire_tamper(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_pkt *p = sim_alloc(sim, sizeof(*p), NULL);
	struct rewrite_arg ra = { 0 };
	struct sim_tamper rw = { .from = a, .to = b, .tcp_only = true,
				 .nth = 2, .fn = rewrite_window, .arg = &ra };
	uint32_t seqs[16];
	struct rte_mbuf *m;
	int id;

	/* drop the 3rd segment from A to B */
	id = sim_drop_nth(sim, a, b, 0, 3);
	for (uint32_t i = 1; i <= 5; i++)
		send_seq(a, b, SIM_ACK, i, NULL, 0);
	sim_run_for(sim, SIM_MS);
	SIM_ASSERT_EQ(drain_seqs(b, seqs, 16, NULL), 4);
	SIM_CHECK(seqs[0] == 1 && seqs[1] == 2 && seqs[2] == 4 &&
		  seqs[3] == 5);
	sim_tamper_del(sim, id);

	/* drop every segment with FIN, in that direction only */
	sim_drop_all(sim, a, b, SIM_FIN);
	send_seq(a, b, SIM_FIN | SIM_ACK, 10, NULL, 0);
	send_seq(a, b, SIM_ACK, 11, NULL, 0);
	send_seq(b, a, SIM_FIN | SIM_ACK, 12, NULL, 0);
	sim_run_for(sim, SIM_MS);
	SIM_ASSERT_EQ(drain_seqs(b, seqs, 16, NULL), 1);
	SIM_ASSERT_EQ(seqs[0], 11);
	SIM_ASSERT_EQ(drain_seqs(a, seqs, 16, NULL), 1);
	SIM_ASSERT_EQ(seqs[0], 12);
	SIM_ASSERT_EQ(sim_wire_stats(sim)->tamper_drops, 2);
	sim_tamper_clear(sim);

	/* a callback that modifies the 2nd segment it matches */
	sim_tamper_add(sim, &rw);
	for (uint32_t i = 20; i < 23; i++)
		send_seq(a, b, SIM_ACK, i, NULL, 0);
	sim_run_for(sim, SIM_MS);
	SIM_ASSERT_EQ(ra.calls, 1);
	for (uint32_t i = 20; i < 23; i++) {
		m = sim_inbox_pop(b);
		SIM_CHECK(m != NULL);
		sim_pkt_parse(m, p, false);
		rte_pktmbuf_free(m);
		SIM_ASSERT_EQ(p->h.seq, i);
		SIM_CHECK(p->h.tcp_csum_ok);
		SIM_ASSERT_EQ(p->h.win, i == 21 ? 0x1234 : 1000);
	}
	sim_destroy(sim);
}

static void
test_wire_script_answers_arp(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_node *c = sim_add_script(sim, "C");
	struct rte_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_ether_addr zero = { { 0 } };
	struct sim_pkt *p = sim_alloc(sim, sizeof(*p), NULL);
	struct rte_mbuf *m;

	/* A has no ARP answering: it sees the reply in its inbox */
	a->answer_arp = false;
	m = sim_build_arp(a->pool, 1, &bcast, &a->mac, a->ip, &zero, b->ip);
	sim_wire_send(a, m);
	sim_settle(sim);
	/* broadcast reached B and C; only B (the target) replied */
	SIM_ASSERT_EQ(b->frames_in, 1);
	SIM_ASSERT_EQ(c->frames_in, 1);
	SIM_ASSERT_EQ(sim_inbox_count(b), 0);
	SIM_ASSERT_EQ(sim_inbox_count(c), 0);
	m = sim_inbox_pop(a);
	SIM_CHECK(m != NULL);
	sim_pkt_parse(m, p, false);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(p->h.kind, SIM_PKT_ARP);
	SIM_ASSERT_EQ(p->h.arp_op, 2);
	SIM_CHECK(rte_is_same_ether_addr(&p->h.arp_sha, &b->mac));
	SIM_CHECK(rte_is_same_ether_addr(&p->h.eth_dst, &a->mac));
	SIM_ASSERT_EQ(p->h.arp_spa, b->ip);
	SIM_ASSERT_EQ(p->h.arp_tpa, a->ip);
	SIM_ASSERT_EQ(sim_inbox_count(a), 0);
	sim_destroy(sim);
}

/* IPv6: a TCP segment built and parsed back (pseudo-header checksum
 * over the 128-bit addresses, hop limit, lengths), a flipped address
 * byte caught by the TCP checksum, and a cut-short datagram not taken
 * for TCP. */
static void
test_frame_roundtrip_ipv6(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_tcp_spec s = spec_between(a, b, SIM_ACK | SIM_PSH, 77);
	struct sim_pkt *p = sim_alloc(sim, sizeof(*p), NULL);
	static const char data[] = "over IPv6";
	struct rte_mbuf *m;
	uint8_t *f;

	sim_tcp_spec_route(&s, a, b);
	s.family = 6;
	s.opts.ts_ok = true;
	s.opts.tsval = 5;
	s.data = data;
	s.len = sizeof(data);
	s.ttl = 17;
	m = sim_build_tcp(a->pool, &s);
	SIM_CHECK(m != NULL);
	SIM_ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14 + 40 + 32 + sizeof(data));
	sim_pkt_parse(m, p, true);
	SIM_ASSERT_EQ(p->h.kind, SIM_PKT_TCP);
	SIM_ASSERT_EQ(p->h.family, 6);
	SIM_ASSERT_EQ(p->h.ethertype, RTE_ETHER_TYPE_IPV6);
	SIM_CHECK(tern_ip6_eq(&p->h.ip6_src, &a->ip6) &&
		  tern_ip6_eq(&p->h.ip6_dst, &b->ip6));
	SIM_CHECK(p->h.ip_csum_ok && p->h.tcp_csum_ok);
	SIM_ASSERT_EQ(p->h.ip_ttl, 17);
	SIM_ASSERT_EQ(p->h.ip_len, 40 + 32 + sizeof(data));
	SIM_ASSERT_EQ(p->h.seq, 77);
	SIM_CHECK(p->h.opts.ts_ok && p->h.opts.tsval == 5);
	SIM_ASSERT_EQ(p->h.payload_len, sizeof(data));
	SIM_CHECK(memcmp(p->payload, data, sizeof(data)) == 0);
	/* the pseudo-header covers every byte of the source address */
	f = rte_pktmbuf_mtod(m, uint8_t *);
	f[14 + 8 + 3] ^= 0x10;
	sim_pkt_parse(m, p, false);
	SIM_CHECK(p->h.kind == SIM_PKT_TCP && !p->h.tcp_csum_ok);
	/* a payload length past the frame: IPv6, not TCP */
	f[14 + 8 + 3] ^= 0x10;
	f[14 + 4] = 0x05;
	sim_pkt_parse(m, p, false);
	SIM_ASSERT_EQ(p->h.kind, SIM_PKT_IPV6);
	rte_pktmbuf_free(m);
	sim_destroy(sim);
}

/* A script answers a Neighbour Solicitation for its address with a
 * solicited NA carrying its MAC, to the asker; an NS for another
 * address and a DAD probe (from ::) are swallowed unanswered. */
static void
test_wire_script_answers_nd(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a = sim_add_script(sim, "A");
	struct sim_node *b = sim_add_script(sim, "B");
	struct sim_pkt *p = sim_alloc(sim, sizeof(*p), NULL);
	struct tern_ip6 group, unspec = { .b = { 0 } };
	struct rte_ether_addr gmac;
	struct rte_mbuf *m;
	uint8_t ns[32] = { SIM_ND_NS };

	a->answer_arp = false;
	memcpy(ns + 8, b->ip6.b, 16);
	ns[24] = 1;
	ns[25] = 1;
	memcpy(ns + 26, a->mac.addr_bytes, 6);
	tern_ip6_solicited_node(&b->ip6, &group);
	tern_ip6_mc_mac(&group, &gmac);
	sim_wire_send(a, sim_build_ipv6(a->pool, &a->mac, &gmac, &a->ip6,
					&group, IPPROTO_ICMPV6, 255, ns,
					sizeof(ns)));
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_inbox_count(b), 0);
	m = sim_inbox_pop(a);
	SIM_CHECK(m != NULL);
	sim_pkt_parse(m, p, false);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(p->h.kind, SIM_PKT_ICMP6);
	SIM_ASSERT_EQ(p->h.icmp_type, SIM_ND_NA);
	SIM_CHECK(p->h.icmp_csum_ok);
	SIM_ASSERT_EQ(p->h.ip_ttl, 255);
	SIM_ASSERT_EQ(p->h.nd_flags, 0x60);
	SIM_CHECK(tern_ip6_eq(&p->h.nd_target, &b->ip6));
	SIM_CHECK(tern_ip6_eq(&p->h.ip6_dst, &a->ip6));
	SIM_CHECK(p->h.nd_lladdr_ok &&
		  rte_is_same_ether_addr(&p->h.nd_lladdr, &b->mac));
	SIM_CHECK(rte_is_same_ether_addr(&p->h.eth_dst, &a->mac));
	/* a DAD probe for B's address: no answer, nothing in any inbox */
	sim_wire_send(a, sim_build_ipv6(a->pool, &a->mac, &gmac, &unspec,
					&group, IPPROTO_ICMPV6, 255, ns, 24));
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_inbox_count(a) + sim_inbox_count(b), 0);
	sim_destroy(sim);
}

static const struct sim_test tests[] = {
	SIM_TEST(test_frame_roundtrip),
	SIM_TEST(test_frame_roundtrip_ipv6),
	SIM_TEST(test_wire_script_answers_nd),
	SIM_TEST(test_wire_latency_and_fifo),
	SIM_TEST(test_wire_fault_rates),
	SIM_TEST(test_wire_seed_determinism),
	SIM_TEST(test_wire_tamper),
	SIM_TEST(test_wire_script_answers_arp),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
