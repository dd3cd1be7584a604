/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options and hostile headers: TCP-SCENARIOS.md lines 33-39, 57, 59
 * (RFC 9293 3.1-3.2, RFC 7323 3 and 5, RFC 2018, RFC 1122 4.2.2.5,
 * RFC 1122 3.2.1.3 / 4.2.3.10).
 */
#include <string.h>

#include "tcp_fixture.h"

#define MAX_SEGS 256

/* A SYN from P with verbatim option bytes. */
static void
send_syn_raw(struct peer *p, const uint8_t *opts, uint8_t len)
{
	struct sim_tcp_spec s = peer_seg(p, SIM_SYN, p->iss, 0);

	s.opts = (struct sim_tcp_opts){ 0 };
	s.raw_opts = opts;
	s.raw_opts_len = len;
	peer_send(p, &s);
}

/* Data from P with verbatim option bytes. */
static void
send_data_raw(struct peer *p, const uint8_t *opts, uint8_t len,
	      const char *data)
{
	struct sim_tcp_spec s = peer_seg(p, SIM_ACK | SIM_PSH, p->snd_nxt,
					 p->rcv_nxt);

	s.raw_opts = opts;
	s.raw_opts_len = len;
	s.data = data;
	s.len = (uint32_t)strlen(data);
	peer_send(p, &s);
}

/* T sends @p total bytes; P acks all; @return the largest segment. */
static uint32_t
largest_segment(struct peer *p, struct sim_conn *r, uint32_t total)
{
	struct sim_pkt seg;
	uint32_t got = 0, largest = 0;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, total), total);
	while (got < total) {
		PEER_EXPECT(p, 2 * SIM_S, &seg);
		SIM_ASSERT(seg.h.payload_len > 0, "empty segment");
		SIM_ASSERT_EQ(seg.h.seq, r->info.iss + 1 + got);
		got += seg.h.payload_len;
		largest = RTE_MAX(largest, seg.h.payload_len);
		peer_send_ack(p);
	}
	return largest;
}

/* Finish a handshake P started with a raw SYN. */
static struct sim_conn *
complete_raw_handshake(struct peer *p, struct sim_listener *l,
		       struct sim_pkt *synack)
{
	PEER_EXPECT(p, 0, synack);
	PEER_ASSERT_SEG(synack, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 1);
	return l->last;
}

/* Line 33: unknown option kinds are skipped, in a SYN and in data. */
static void
test_s33_unknown_options(void)
{
	static const uint8_t syn[] = {
		2, 4, 0x03, 0xe8,             /* MSS 1000 */
		0xfe, 6, 1, 2, 3, 4,          /* unknown, 6 bytes */
		1, 1,
	};
	static const uint8_t data[] = { 30, 4, 0xaa, 0xbb };
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;

	p->tport = FX_PORT;
	send_syn_raw(p, syn, sizeof(syn));
	r = complete_raw_handshake(p, l, &seg);
	SIM_ASSERT_EQ(largest_segment(p, r, 3000), 1000);
	send_data_raw(p, data, sizeof(data), "unknown");
	SIM_ASSERT_EQ(r->rx_bytes, 7);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	peer_destroy(p);
}

/* Line 34: option length 0, 1, or past the header: the segment is
 * dropped and counted; the connection and its neighbour go on. */
static void
test_s34_malformed_options(void)
{
	static const uint8_t len0[] = { 2, 0, 1, 1 };
	static const uint8_t len1[] = { 1, 1, 8, 1 };
	static const uint8_t past[] = { 1, 1, 8, 10 };
	static const struct {
		const uint8_t *o;
		uint8_t len;
	} bad[] = { { len0, 4 }, { len1, 4 }, { past, 4 } };
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct peer first = *p;
	struct sim_conn *other;
	struct sim_pkt seg;
	uint32_t snd_nxt = p->snd_nxt;

	p->port = 40001;
	other = peer_open_passive(p, l);
	*p = first;
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		send_data_raw(p, bad[i].o, bad[i].len, "bad");
		p->snd_nxt = snd_nxt;
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_OPTS), i + 1);
	}
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_send_data(p, "good", 4);
	SIM_ASSERT_EQ(r->rx_bytes, 4);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	/* a malformed SYN opens nothing */
	p->port = 40002;
	p->tport = FX_PORT;
	send_syn_raw(p, len0, sizeof(len0));
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_OPTS), 4);
	SIM_ASSERT_STATE(sim_conn_state(other), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_conn_send(other, "fine", 4), 4);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(seg.h.dport, 40001);
	SIM_ASSERT_EQ(seg.h.payload_len, 4);
	peer_destroy(p);
}

/*
 * A SYN+ACK from the header template (T knows P's MAC from a first
 * connection) echoes only what its SYN offered: timestamps alone, then
 * nothing at all (RFC 7323, RFC 2018; the template's usual four
 * options are for a SYN that offered all four).
 */
static void
test_synack_template_echoes_only_offered(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint64_t no_neigh = sim_stat(p->t, TERN_STAT_TCP_TMPL_NO_NEIGH);
	struct sim_pkt seg;

	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	p->port = 40001;
	p->tport = FX_PORT;
	p->syn_opts = (struct sim_tcp_opts){ .ts_ok = true };
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_CHECK(seg.h.opts.mss_ok && seg.h.opts.ts_ok);
	SIM_CHECK(!seg.h.opts.sack_perm && !seg.h.opts.ws_ok);
	SIM_ASSERT_EQ(seg.h.opts.tsecr, p->last.opts.tsval);
	p->port = 40002;
	p->syn_opts = (struct sim_tcp_opts){ 0 };
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_CHECK(seg.h.opts.mss_ok && !seg.h.opts.ts_ok);
	SIM_CHECK(!seg.h.opts.sack_perm && !seg.h.opts.ws_ok);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 2);
	/* Both from the template: none wanted a neighbour entry. */
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TMPL_NO_NEIGH), no_neigh);
	peer_destroy(p);
}

/* Line 35: options at odd offsets parse; bytes after EOL are ignored. */
static void
test_s35_unaligned_options_and_eol(void)
{
	static const uint8_t syn[] = {
		1, 2, 4, 0x03, 0xe8, 1, 0,    /* NOP, MSS 1000, NOP, EOL */
		2, 4, 0x00, 0x10, 0,          /* after EOL: MSS 16, ignored */
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;

	p->tport = FX_PORT;
	send_syn_raw(p, syn, sizeof(syn));
	r = complete_raw_handshake(p, l, &seg);
	SIM_ASSERT_EQ(largest_segment(p, r, 5000), 1000);
	peer_destroy(p);
}

/* Line 36: known kinds with wrong lengths are ignored (no read past
 * them): no scaling, no timestamps, the default MSS of 536. */
static void
test_s36_known_options_wrong_length(void)
{
	static const uint8_t syn[] = {
		2, 5, 0x05, 0xb4, 0,          /* MSS with length 5 */
		3, 2,                         /* WS with length 2 */
		8, 9, 1, 2, 3, 4, 5, 6, 7,    /* TS with length 9 */
		1,
	};
	static const uint8_t sack7[] = { 5, 7, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1 };
	static const uint8_t sack11[] = {
		5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1,
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;

	p->tport = FX_PORT;
	send_syn_raw(p, syn, sizeof(syn));
	r = complete_raw_handshake(p, l, &seg);
	SIM_CHECK(!seg.h.opts.ws_ok && !seg.h.opts.ts_ok);
	SIM_ASSERT_EQ(r->info.snd_wscale, 0);
	SIM_CHECK(!r->info.ts_ok);
	SIM_ASSERT(largest_segment(p, r, 2000) <= 536, "MSS not 536");
	send_data_raw(p, sack7, sizeof(sack7), "s7");
	send_data_raw(p, sack11, sizeof(sack11), "s11");
	SIM_ASSERT(r->rx_bytes == 5 || r->rx_bytes == 0,
		   "%" PRIu64 " bytes", r->rx_bytes);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	sim_run_for(p->sim, SIM_S);
	while (peer_recv(p, 0, &seg))
		PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, SEQ_ANY);
	peer_destroy(p);
}

/* Line 37: with timestamps agreed every segment T sends carries TS;
 * old-TSval data is dropped and ACKed (PAWS); an old-TS RST still
 * resets. */
static void
test_s37_timestamps_and_paws(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;
	uint32_t got = 0, rcv_nxt, good_tsval;

	p->syn_opts.ts_ok = true;
	p->tsval = 1000000;
	r = peer_open_passive(p, l);
	SIM_CHECK(r->info.ts_ok);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 4000), 4000);
	while (got < 4000) {
		PEER_EXPECT(p, SIM_S, &seg);
		SIM_ASSERT(seg.h.opts.ts_ok, "segment without TS");
		SIM_ASSERT(seq_leq(seg.h.opts.tsecr, p->tsval) &&
			   seq_geq(seg.h.opts.tsecr, 1000000),
			   "TSecr %u", seg.h.opts.tsecr);
		got += seg.h.payload_len;
		peer_send_ack(p);
	}
	/* data with an old TSval */
	good_tsval = p->tsval;
	rcv_nxt = p->snd_nxt;
	p->tsval = good_tsval - 1000;
	peer_send_data(p, "stale", 5);
	p->snd_nxt = rcv_nxt;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_CHECK(seg.h.opts.ts_ok);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 1);
	/* the same with a fresh TSval is taken */
	p->tsval = good_tsval + 10;
	peer_send_data(p, "fresh", 5);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	SIM_CHECK(seg.h.opts.ts_ok);
	/* an exact RST with an old TSval resets all the same */
	p->tsval = good_tsval - 5000;
	peer_send_flags(p, SIM_RST, p->snd_nxt, 0, NULL, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_RESET);
	peer_destroy(p);
}

/* Line 38: nonsense SACK blocks are ignored and retransmit nothing. */
static void
test_s38_bogus_sack_blocks(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct sim_tcp_spec s;
	struct sim_conn *r;
	uint32_t una, nxt;
	unsigned int n;

	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	SIM_CHECK(r->info.sack_ok);
	una = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 3000), 3000);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	SIM_ASSERT(n > 0, "nothing sent");
	nxt = p->rcv_nxt;
	SIM_ASSERT_EQ(nxt - una, 3000);
	s = peer_seg(p, SIM_ACK, p->snd_nxt, una + 1000);
	s.opts.nsack = 4;
	s.opts.sack[0].start = una + 2000;      /* start == end */
	s.opts.sack[0].end = una + 2000;
	s.opts.sack[1].start = una - 5000;      /* below SND.UNA */
	s.opts.sack[1].end = una - 4000;
	s.opts.sack[2].start = nxt + 1000;      /* above SND.NXT */
	s.opts.sack[2].end = nxt + 2000;
	s.opts.sack[3].start = una + 2500;      /* start > end */
	s.opts.sack[3].end = una + 1500;
	peer_send(p, &s);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, nxt, NULL, 0);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_destroy(p);
}

/* Line 39: MSS 0, 1 or 40 from the peer: no division by zero, a floor. */
static void
test_s39_tiny_peer_mss(void)
{
	static const uint16_t mss[] = { 0, 1, 40 };

	for (unsigned int i = 0; i < RTE_DIM(mss); i++) {
		struct sim_listener *l;
		struct peer *p = fx_peer(NULL, &l);
		struct sim_conn *r;
		uint32_t largest;

		p->syn_opts.mss = mss[i];
		r = peer_open_passive(p, l);
		largest = largest_segment(p, r, 2000);
		SIM_ASSERT(largest >= 32 && largest <= 536,
			   "peer MSS %u: segments of %u bytes", mss[i],
			   largest);
		SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
		peer_destroy(p);
	}
}

/*
 * Line 36's neighbour: the usual SYN layout (MSS, SACK-permitted + TS,
 * NOP WS; read at its fixed place, not by the general loop) with a
 * shift above 14 and a small MSS: the shift is used as 14 (RFC 7323
 * 2.3), the MSS as sent, SACK and timestamps agreed.
 */
static void
test_s36_usual_syn_layout(void)
{
	static const uint8_t opts[20] = {
		2, 4, 0x02, 0x18,               /* MSS 536 */
		4, 2, 8, 10, 0, 0, 0x10, 0x01,  /* SACK-perm, TS 4097 */
		0, 0, 0, 0,                     /* TSecr 0 */
		1, 3, 3, 15,                    /* NOP, WS 15 */
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt synack;
	struct sim_conn *r;

	p->tport = FX_PORT;
	send_syn_raw(p, opts, sizeof(opts));
	r = complete_raw_handshake(p, l, &synack);
	SIM_CHECK(synack.h.opts.ws_ok && synack.h.opts.ts_ok &&
		  synack.h.opts.sack_perm);
	SIM_ASSERT_EQ(r->info.snd_wscale, 14);
	SIM_ASSERT_EQ(r->info.mss, 536 - 12);
	SIM_ASSERT(r->info.ts_ok && r->info.sack_ok, "TS %d SACK %d",
		   r->info.ts_ok, r->info.sack_ok);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* Line 57: bad data offsets and impossible flag sets are dropped and
 * counted; nothing is delivered; the connection lives on. */
static void
test_s57_malformed_headers(void)
{
	static const uint8_t flags[] = {
		SIM_SYN | SIM_FIN | SIM_ACK, SIM_SYN | SIM_RST | SIM_ACK, 0,
		0x3f,
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t snd_nxt = p->snd_nxt;
	struct sim_tcp_spec s;
	struct sim_pkt seg;
	uint64_t drops;
	unsigned int sent = 0;

	drops = fx_tcp_drops(p->t);
	/* data offset 4 (< 5) and 15 (past the segment) */
	for (uint8_t doff = 4; doff <= 15; doff += 11) {
		s = peer_seg(p, SIM_ACK | SIM_PSH, snd_nxt, p->rcv_nxt);
		s.data = "hdr";
		s.len = 3;
		s.doff_words = doff;
		peer_send(p, &s);
		sent++;
	}
	for (unsigned int i = 0; i < RTE_DIM(flags); i++) {
		s = peer_seg(p, flags[i], snd_nxt, p->rcv_nxt);
		s.data = "flg";
		s.len = 3;
		peer_send(p, &s);
		sent++;
	}
	p->snd_nxt = snd_nxt;
	while (peer_recv(p, 0, &seg))
		SIM_ASSERT(!(seg.h.flags & (SIM_RST | SIM_SYN | SIM_FIN)) &&
			   seg.h.payload_len == 0,
			   "answer to a malformed segment: flags 0x%x",
			   seg.h.flags);
	SIM_ASSERT_EQ(fx_tcp_drops(p->t), drops + sent);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_send_data(p, "ok", 2);
	SIM_ASSERT_EQ(r->rx_bytes, 2);
	SIM_CHECK(memcmp(r->rx, "ok", 2) == 0);
	peer_destroy(p);
}

/* Line 59: SYNs to broadcast/multicast or from unusable sources are
 * discarded silently and counted. */
static uint64_t
s59_drops(const struct sim_node *t)
{
	return fx_tcp_drops(t) +
	       sim_stat(t, TERN_STAT_IP_IN_ADDR_ERRORS) +
	       sim_stat(t, TERN_STAT_IP_IN_LINK_BCAST) +
	       sim_stat(t, TERN_STAT_IP_IN_BAD_SRC) +
	       sim_stat(t, TERN_STAT_ETH_DROP_MULTICAST) +
	       sim_stat(t, TERN_STAT_IP6_IN_ADDR_ERRORS) +
	       sim_stat(t, TERN_STAT_IP6_IN_BAD_SRC) +
	       sim_stat(t, TERN_STAT_IP6_IN_HDR_ERRORS) +
	       sim_stat(t, TERN_STAT_TCP_IN6_NOT_UNICAST);
}

/* Over IPv6 (no broadcast): from ::, from a group, from T's own
 * address, to all nodes and to a group T has not joined. */
static void
s59_cases6(struct peer *p)
{
	static const struct rte_ether_addr all_nodes_mac = {
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 } };
	static const struct rte_ether_addr group_mac = {
		{ 0x33, 0x33, 0x00, 0x00, 0x01, 0x01 } };
	const struct tern_ip6 unspec = { .b = { 0 } };
	const struct tern_ip6 all_nodes = { .b = { 0xff, 0x02, [15] = 1 } };
	const struct tern_ip6 group = { .b = { 0xff, 0x0e, [14] = 1,
					       [15] = 1 } };
	struct {
		const struct tern_ip6 *src, *dst;
		const struct rte_ether_addr *eth_dst;
	} cases[] = {
		{ &unspec, NULL, NULL },
		{ &all_nodes, NULL, NULL },
		{ &p->t->ip6, NULL, NULL },
		{ NULL, &all_nodes, &all_nodes_mac },
		{ NULL, &group, &group_mac },
	};
	uint64_t nd = sim_stat(p->t, TERN_STAT_ND_OUT_SOLICITS);

	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		struct sim_tcp_spec s = peer_seg(p, SIM_SYN, p->iss, 0);
		uint64_t before = s59_drops(p->t);

		if (cases[i].src != NULL)
			s.ip6_src = *cases[i].src;
		if (cases[i].dst != NULL)
			s.ip6_dst = *cases[i].dst;
		if (cases[i].eth_dst != NULL)
			s.eth_dst = *cases[i].eth_dst;
		p->port = (uint16_t)(42000 + i);
		s.sport = p->port;
		peer_send(p, &s);
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT(s59_drops(p->t) == before + 1, "case %u: %" PRIu64
			   " drops counted", i, s59_drops(p->t) - before);
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ND_OUT_SOLICITS), nd);
}

static void
test_s59_syn_bad_addresses(void)
{
	static const struct rte_ether_addr bcast = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr mcast = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct {
		rte_be32_t src, dst;
		const struct rte_ether_addr *eth_dst;
	} cases[] = {
		{ 0, 0, NULL },
		{ RTE_BE32(0xffffffff), 0, NULL },
		{ RTE_BE32(0xe0000001), 0, NULL },
		{ p->t->ip, 0, NULL },
		{ 0, RTE_BE32(0xffffffff), &bcast },
		{ 0, RTE_BE32(0xc61200ff), &bcast },   /* 198.18.0.255 */
		{ 0, RTE_BE32(0xe0000001), &mcast },
	};
	uint64_t arp = sim_stat(p->t, TERN_STAT_ARP_REQUESTS_SENT);

	p->tport = FX_PORT;
	if (sim_family(p->sim) == 6)
		s59_cases6(p);
	for (unsigned int i = 0; i < RTE_DIM(cases) &&
	     sim_family(p->sim) == 4; i++) {
		struct sim_tcp_spec s = peer_seg(p, SIM_SYN, p->iss, 0);
		uint64_t before = s59_drops(p->t);
		uint64_t after;

		if (cases[i].src != 0)
			s.ip_src = cases[i].src;
		if (cases[i].dst != 0)
			s.ip_dst = cases[i].dst;
		if (cases[i].src == 0 && cases[i].dst == 0)
			s.ip_src = 0;
		if (cases[i].eth_dst != NULL)
			s.eth_dst = *cases[i].eth_dst;
		p->port = (uint16_t)(42000 + i);
		s.sport = p->port;
		peer_send(p, &s);
		PEER_EXPECT_NONE(p, 0);
		after = s59_drops(p->t);
		SIM_ASSERT(after == before + 1, "case %u: %" PRIu64
			   " drops counted", i, after - before);
	}
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ARP_REQUESTS_SENT), arp);
	p->port = 40000;
	peer_open_passive(p, l);
	peer_destroy(p);
}

const struct sim_test tcp_tests_options[] = {
	SIM_TEST(test_s33_unknown_options),
	SIM_TEST(test_s34_malformed_options),
	SIM_TEST(test_s35_unaligned_options_and_eol),
	SIM_TEST(test_s36_known_options_wrong_length),
	SIM_TEST(test_s36_usual_syn_layout),
	SIM_TEST(test_s37_timestamps_and_paws),
	SIM_TEST(test_s38_bogus_sack_blocks),
	SIM_TEST(test_s39_tiny_peer_mss),
	SIM_TEST(test_s57_malformed_headers),
	SIM_TEST(test_s59_syn_bad_addresses),
	SIM_TEST(test_synack_template_echoes_only_offered),
};
const unsigned int tcp_tests_options_n = RTE_DIM(tcp_tests_options);
