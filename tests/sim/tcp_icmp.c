/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors about T's segments (issue 15): RFC 5927 validation of the
 * quoted sequence number (spoofed reports ignored and counted), RFC 1122
 * 4.2.3.9 soft errors recorded but never fatal, hard errors ending an
 * attempt in SYN_SENT (as Linux), and RFC 1191 Fragmentation Needed
 * lowering the MSS -- with a floor, never raised, only for datagrams
 * sent with DF -- and what no longer fits resent at once. The RFC 5927
 * check and the hard error in SYN_SENT run over IPv6 too, with the
 * ICMPv6 counterparts of the errors (icmp6_of()); the rest is about
 * ICMPv4's Fragmentation Needed and DF (IPv6's Packet Too Big has its
 * tests in tcp_ipv6.c).
 */
#include <string.h>
#include <netinet/in.h>

#include "tcp_fixture.h"
#include "tern_net.h"

#define IP_HLEN 20

/* What an ICMP error quotes of the datagram it is about (the
 * addresses of the sim's family). */
struct quote {
	rte_be32_t src, dst;
	struct tern_ip6 src6, dst6;
	uint16_t sport, dport;      /* host order */
	uint32_t seq;
	uint16_t total_len;
	bool df;
};

/* The ICMPv6 message (RFC 4443) of ICMP type @p type code @p code:
 * unreachable net/host/port -> destination unreachable no route/
 * address/port, fragmentation needed -> packet too big, time exceeded
 * and parameter problem -> theirs; type in the high byte. */
static uint16_t
icmp6_of(uint8_t type, uint8_t code)
{
	switch (type) {
	case 3:
		return code == 4 ? 2u << 8 :
		       code == 1 ? 1u << 8 | 3u :
		       code == 3 ? 1u << 8 | 4u : 1u << 8;
	case 11:
		return 3u << 8 | code;
	default:
		return 4u << 8;
	}
}

/* The ICMPv6 counterpart of icmp_err_send(): the error of icmp6_of()
 * quoting the IPv6 header and 8 bytes of TCP; the MTU of a packet too
 * big in its 32-bit field. */
static void
icmp6_err_send(struct sim_node *from, const struct sim_node *to,
	       uint8_t type, uint8_t code, uint16_t mtu, const struct quote *q)
{
	uint8_t msg[8 + 40 + 8] = { 0 };
	uint8_t *ip = msg + 8, *th = msg + 8 + 40;
	uint16_t t6 = icmp6_of(type, code);
	struct rte_mbuf *m;

	msg[0] = (uint8_t)(t6 >> 8);
	msg[1] = (uint8_t)t6;
	msg[6] = (uint8_t)(mtu >> 8);
	msg[7] = (uint8_t)mtu;
	ip[0] = 0x60;
	ip[4] = (uint8_t)((q->total_len - 40) >> 8);
	ip[5] = (uint8_t)(q->total_len - 40);
	ip[6] = IPPROTO_TCP;
	ip[7] = 64;
	memcpy(ip + 8, q->src6.b, 16);
	memcpy(ip + 24, q->dst6.b, 16);
	th[0] = (uint8_t)(q->sport >> 8);
	th[1] = (uint8_t)q->sport;
	th[2] = (uint8_t)(q->dport >> 8);
	th[3] = (uint8_t)q->dport;
	th[4] = (uint8_t)(q->seq >> 24);
	th[5] = (uint8_t)(q->seq >> 16);
	th[6] = (uint8_t)(q->seq >> 8);
	th[7] = (uint8_t)q->seq;
	m = sim_build_ipv6(from->pool, &from->mac, &to->mac, &from->ip6,
			   &to->ip6, IPPROTO_ICMPV6, 64, msg, sizeof(msg));
	SIM_ASSERT(m != NULL, "cannot build the ICMPv6 message");
	sim_wire_send(from, m);
}

/* Put on the wire, from @p from to @p to, an ICMP error quoting @p q:
 * its IPv4 header and the first 8 bytes of the TCP header (RFC 792);
 * over IPv6 its ICMPv6 counterpart (icmp6_err_send()). */
static void
icmp_err_send(struct sim_node *from, const struct sim_node *to, uint8_t type,
	      uint8_t code, uint16_t mtu, const struct quote *q)
{
	uint8_t icmp[8 + IP_HLEN + 8] = { type, code };
	uint8_t *ip = icmp + 8, *th = icmp + 8 + IP_HLEN;
	struct rte_mbuf *m;
	uint16_t csum;

	if (sim_family(from->sim) == 6) {
		icmp6_err_send(from, to, type, code, mtu, q);
		return;
	}
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(q->total_len >> 8);
	ip[3] = (uint8_t)q->total_len;
	ip[6] = q->df ? 0x40 : 0;
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &q->src, 4);
	memcpy(ip + 16, &q->dst, 4);
	csum = sim_csum_fold(sim_csum_add(0, ip, IP_HLEN));
	ip[10] = (uint8_t)(csum >> 8);
	ip[11] = (uint8_t)csum;
	th[0] = (uint8_t)(q->sport >> 8);
	th[1] = (uint8_t)q->sport;
	th[2] = (uint8_t)(q->dport >> 8);
	th[3] = (uint8_t)q->dport;
	th[4] = (uint8_t)(q->seq >> 24);
	th[5] = (uint8_t)(q->seq >> 16);
	th[6] = (uint8_t)(q->seq >> 8);
	th[7] = (uint8_t)q->seq;
	csum = sim_csum_fold(sim_csum_add(0, icmp, sizeof(icmp)));
	icmp[2] = (uint8_t)(csum >> 8);
	icmp[3] = (uint8_t)csum;
	m = sim_build_ipv4(from->pool, &from->mac, &to->mac, from->ip, to->ip,
			   IPPROTO_ICMP, icmp, sizeof(icmp));
	SIM_ASSERT(m != NULL, "cannot build the ICMP message");
	sim_wire_send(from, m);
}

/* P reports T's segment at @p seq (a full-sized one, DF as T sends). */
static void
peer_icmp(struct peer *p, uint8_t type, uint8_t code, uint16_t mtu,
	  uint32_t seq, bool df)
{
	struct quote q = {
		.src = p->t->ip, .dst = p->p->ip,
		.src6 = p->t->ip6, .dst6 = p->p->ip6,
		.sport = p->tport, .dport = p->port,
		.seq = seq, .total_len = 1500, .df = df,
	};

	icmp_err_send(p->p, p->t, type, code, mtu, &q);
	sim_settle(p->sim);
}

static struct tern_tcp_info
conn_info(const struct sim_conn *r)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(r->c, &info);
	return info;
}

/* Pop what T sent; assert each segment carries at most @p max bytes, in
 * sequence from @p seq on. @return the bytes. */
static uint32_t
expect_run(struct peer *p, uint32_t seq, uint32_t max, uint32_t bytes)
{
	struct sim_pkt seg;
	uint32_t got = 0;

	while (got < bytes) {
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, seq + got, SEQ_ANY);
		SIM_ASSERT(seg.h.payload_len > 0 && seg.h.payload_len <= max,
			   "segment of %u bytes, at most %u expected",
			   seg.h.payload_len, max);
		got += seg.h.payload_len;
	}
	SIM_ASSERT_EQ(got, bytes);
	return got;
}

/*
 * RFC 1191: Fragmentation Needed with next-hop MTU 1000 about the first
 * of two full segments in flight: the MSS drops to 960 and both go
 * again at once in 960-byte segments -- no RTO, no congestion response
 * -- and later data keeps to the new size.
 */
static void
test_icmp_frag_needed_lowers_mss(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t base = p->rcv_nxt;

	SIM_ASSERT_EQ(conn_info(r).mss, 1460);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 2920), 2920);
	expect_run(p, base, 1460, 2920);
	peer_icmp(p, 3, 4, 1000, base, true);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PMTU_LOWERED), 1);
	SIM_ASSERT_EQ(conn_info(r).mss, 960);
	SIM_ASSERT_EQ(conn_info(r).pmtu, 1000);
	/* what no longer fits goes again now, in segments that do */
	expect_run(p, base, 960, 2920);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	/* no congestion response: the window stays 10 segments (RFC 6928),
	 * of the new size */
	SIM_ASSERT_EQ(conn_info(r).ssthresh, UINT32_MAX);
	SIM_ASSERT_EQ(conn_info(r).cwnd, 10 * 960);
	peer_send_ack(p);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 5000), 5000);
	expect_run(p, base + 2920, 960, 5000);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ICMP_IN_DEST_UNREACHS), 1);
	peer_destroy(p);
}

/*
 * A forged next-hop MTU of 68 lowers the MSS only to the floor (path
 * MTU 552, as Linux's min_pmtu); a report that would raise it, or one
 * quoting a datagram without DF (T sets DF on all), changes nothing.
 */
static void
test_icmp_frag_needed_floor_never_raised_df(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t base = p->rcv_nxt;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 1460), 1460);
	expect_run(p, base, 1460, 1460);
	peer_icmp(p, 3, 4, 1200, base, false);
	SIM_ASSERT_EQ(conn_info(r).mss, 1460);
	PEER_EXPECT_NONE(p, 0);
	peer_icmp(p, 3, 4, 68, base, true);
	SIM_ASSERT_EQ(conn_info(r).mss, 552 - 40);
	SIM_ASSERT_EQ(conn_info(r).pmtu, 552);
	expect_run(p, base, 512, 1460);
	peer_icmp(p, 3, 4, 1400, base, true);
	SIM_ASSERT_EQ(conn_info(r).mss, 512);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PMTU_LOWERED), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PMTU_IGNORED), 2);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/*
 * RFC 5927 4.1: errors quoting a sequence number outside SND.UNA =<
 * SEG.SEQ < SND.NXT -- below what is in flight, at SND.NXT, far above
 * -- are spoofed or stale: ignored (no MSS change, no soft error
 * recorded, nothing sent) and counted. One about no connection of
 * ours is counted apart. Only then does an in-window report act.
 */
static void
test_icmp_spoofed_out_of_window_ignored(void)
{
	static const uint32_t off[] = { (uint32_t)-1, 1000, 1000000 };
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t base = p->rcv_nxt;
	struct quote q;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 1000), 1000);
	expect_run(p, base, 1000, 1000);
	for (unsigned int i = 0; i < RTE_DIM(off); i++) {
		peer_icmp(p, 3, 4, 576, base + off[i], true);
		peer_icmp(p, 3, 1, 0, base + off[i], true);
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_OUT_OF_WINDOW),
		      2 * RTE_DIM(off));
	SIM_ASSERT_EQ(conn_info(r).mss, fx_mss());
	SIM_ASSERT_EQ(conn_info(r).icmp_type, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_SOFT_ERRORS), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PMTU_LOWERED), 0);
	PEER_EXPECT_NONE(p, 0);
	/* the 4-tuple of no connection */
	q = (struct quote){ .src = p->t->ip, .dst = p->p->ip,
			    .src6 = p->t->ip6, .dst6 = p->p->ip6,
			    .sport = p->tport, .dport = p->port + 1,
			    .seq = base, .total_len = 1040, .df = true };
	icmp_err_send(p->p, p->t, 3, 4, 576, &q);
	sim_settle(p->sim);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_NO_CONN), 1);
	SIM_ASSERT_EQ(conn_info(r).mss, fx_mss());
	/* in window it counts (host unreachable; over IPv6 destination
	 * unreachable, address unreachable) */
	peer_icmp(p, 3, 1, 0, base + 999, true);
	SIM_ASSERT_EQ(conn_info(r).icmp_type,
		      sim_family(p->sim) == 6 ? icmp6_of(3, 1) >> 8 : 3);
	SIM_ASSERT_EQ(conn_info(r).icmp_code,
		      sim_family(p->sim) == 6 ? icmp6_of(3, 1) & 0xff : 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_SOFT_ERRORS), 1);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->closed, 0);
	peer_destroy(p);
}

/*
 * SYN_SENT: an error quoting our SYN ends the attempt at once with
 * UNREACHABLE (Linux's choice; RFC 1122 calls port unreachable hard);
 * one quoting any other sequence number is ignored and the SYN keeps
 * its timer. Nothing is sent in answer to either.
 */
static void
test_icmp_syn_sent_hard_error(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r = sim_connect_to(p->t, p->p, p->port);
	struct sim_pkt syn;
	uint32_t iss;

	PEER_EXPECT(p, 0, &syn);
	PEER_ASSERT_SEG(&syn, SIM_SYN, SEQ_ANY, SEQ_ANY);
	p->tport = syn.h.sport;
	iss = syn.h.seq;
	peer_icmp(p, 3, 3, 0, iss + 1, true);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_OUT_OF_WINDOW), 1);
	peer_icmp(p, 3, 3, 0, iss, true);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_UNREACHABLE);
	SIM_ASSERT_EQ(r->connected, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_HARD_ERRORS), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ATTEMPT_FAILS), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	PEER_EXPECT_NONE(p, 10 * SIM_S);
	peer_destroy(p);
}

/* The "router" of the duo test: A's TCP datagrams longer than its MTU
 * are dropped and answered with Fragmentation Needed, from B. */
struct router {
	uint16_t mtu;
	unsigned int reports;
};

static enum sim_verdict
router_fn(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct router *rt = arg;
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);
	struct quote q;

	if (fc->h->ip_len <= rt->mtu)
		return SIM_PASS;
	q = (struct quote){
		.src = fc->h->ip_src, .dst = fc->h->ip_dst,
		.sport = fc->h->sport, .dport = fc->h->dport,
		.seq = fc->h->seq, .total_len = fc->h->ip_len,
		.df = (ip[6] & 0x40) != 0,
	};
	icmp_err_send(sim_node(fc->sim, fc->to->idx), fc->from, 3, 4, rt->mtu,
		      &q);
	rt->reports++;
	return SIM_DROP;
}

/*
 * PMTU discovery end to end: a path of MTU 1200 between two stacks with
 * MTU 1500 and timestamps. A's first flight is too large; the first
 * report lowers its MSS (the later ones of the same flight are
 * ignored), everything goes again in segments that fit, and 1 MiB
 * arrives byte-exact without one retransmission timeout.
 */
static void
test_icmp_pmtu_bulk_transfer(void)
{
	struct router rt = { .mtu = 1200 };
	struct sim_conn *c, *s;
	struct duo d;
	struct sim_tamper t;
	const uint32_t total = 1u << 20;
	uint32_t sent = 0;

	duo_create(&d, NULL);
	c = duo_connect(&d, &s);
	SIM_ASSERT(c->info.ts_ok, "timestamps not agreed");
	t = (struct sim_tamper){ .from = d.a, .to = d.b, .tcp_only = true,
				 .fn = router_fn, .arg = &rt };
	sim_tamper_add(d.sim, &t);
	while (sent < total) {
		int32_t n = sim_conn_send_pattern(c, total - sent);

		SIM_ASSERT(n >= 0, "send failed: %d", n);
		sent += (uint32_t)n;
		sim_run_for(d.sim, 5 * SIM_MS);
	}
	SIM_WAIT(d.sim, s->rx_bytes == total, 30 * SIM_S);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	SIM_ASSERT(rt.reports >= 1, "no datagram was too big");
	SIM_ASSERT_EQ(conn_info(c).mss, 1200 - 40 - 12);
	SIM_ASSERT_EQ(conn_info(c).pmtu, 1200);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_PMTU_LOWERED), 1);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_PMTU_IGNORED),
		      rt.reports - 1);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_RTO_EXPIRED), 0);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 30 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	sim_tamper_clear(d.sim);
	duo_finish(&d);
}

const struct sim_test tcp_tests_icmp[] = {
	SIM_TEST_V4(test_icmp_frag_needed_lowers_mss),
	SIM_TEST_V4(test_icmp_frag_needed_floor_never_raised_df),
	SIM_TEST(test_icmp_spoofed_out_of_window_ignored),
	SIM_TEST(test_icmp_syn_sent_hard_error),
	SIM_TEST_V4(test_icmp_pmtu_bulk_transfer),
};
const unsigned int tcp_tests_icmp_n = RTE_DIM(tcp_tests_icmp);
