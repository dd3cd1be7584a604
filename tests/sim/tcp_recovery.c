/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly, flow control, loss recovery, Nagle and keepalive:
 * TCP-SCENARIOS.md lines 12, 16, 32, 41, 44-46, 48, 54, 55
 * (RFC 9293 3.8.6, 3.10.7.4; RFC 5681 3.2 and 4.2; RFC 6582;
 * RFC 2018; RFC 6675; RFC 1122 4.2.3.4 and 4.2.3.6).
 */
#include <string.h>

#include "tcp_fixture.h"

#define MSS fx_mss()
#define MAX_SEGS 256

/* Line 12: segments beyond a hole are held; each draws an immediate
 * duplicate ACK (with SACK blocks when agreed); the segment that fills
 * the hole draws one cumulative ACK; the app gets it all once, in
 * order. */
static void
reassembly_run(bool sack)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	uint8_t seg_data[3][1000];
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t base;

	p->syn_opts.sack_perm = sack;
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(r->info.sack_ok, sack);
	base = p->snd_nxt;
	for (int i = 0; i < 3; i++)
		memset(seg_data[i], 'a' + i, 1000);
	for (int i = 2; i >= 1; i--) {
		peer_send_flags(p, SIM_ACK | SIM_PSH, base + 1000u * i,
				p->rcv_nxt, seg_data[i], 1000);
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, base);
		if (sack) {
			SIM_ASSERT(seg.h.opts.nsack >= 1, "no SACK block");
			SIM_ASSERT_EQ(seg.h.opts.sack[0].start, base + 1000u * i);
			SIM_ASSERT_EQ(seg.h.opts.sack[0].end, base + 3000);
		} else {
			SIM_ASSERT_EQ(seg.h.opts.nsack, 0);
		}
	}
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, seg_data[0],
			1000);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, base + 3000);
	SIM_ASSERT_EQ(seg.h.opts.nsack, 0);
	p->snd_nxt = base + 3000;
	SIM_ASSERT_EQ(r->rx_bytes, 3000);
	for (int i = 0; i < 3000; i++)
		SIM_ASSERT_EQ(r->rx[i], 'a' + i / 1000);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

static void
test_s12_reassembly(void)
{
	reassembly_run(false);
}

static void
test_s12_reassembly_sack(void)
{
	reassembly_run(true);
}

/* Line 16: with Nagle small writes wait while data is unacknowledged,
 * then leave together; without it each write leaves at once. */
static void
nagle_run(bool on)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	unsigned int n = 0;

	SIM_ASSERT_EQ(tern_tcp_set_nagle(r->c, on), 0);
	for (int i = 0; i < 5; i++) {
		SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10), 10);
		sim_settle(p->sim);
		while (peer_recv(p, 0, &seg)) {
			SIM_ASSERT_EQ(seg.h.payload_len, 10);
			n++;
		}
	}
	if (!on) {
		SIM_ASSERT_EQ(n, 5);
		peer_send_ack(p);
		peer_destroy(p);
		return;
	}
	/* the first left alone; four wait for its ACK, then go as one */
	SIM_ASSERT_EQ(n, 1);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(seg.h.payload_len, 40);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

static void
test_s16_nagle_on(void)
{
	nagle_run(true);
}

static void
test_s16_nagle_off(void)
{
	nagle_run(false);
}

/* A connection whose app holds what it received (manual receive mode)
 * and a receive buffer of @p rcv_buf bytes; P fills it. */
static struct sim_conn *
fill_receive_window(struct peer **pp, struct sim_listener **l,
		    uint32_t rcv_buf)
{
	struct tern_tcp_conf conf;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint8_t buf[MSS];
	struct peer *p;
	uint32_t sent = 0;

	sim_tcp_conf_defaults(&conf);
	conf.rcv_buf = rcv_buf;
	p = fx_peer(&conf, l);
	r = peer_open_passive(p, *l);
	SIM_ASSERT_EQ(tern_tcp_set_recv_manual(r->c, true), 0);
	memset(buf, 'w', sizeof(buf));
	while (sent < rcv_buf) {
		uint32_t n = RTE_MIN((uint32_t)MSS, rcv_buf - sent);

		peer_send_data(p, buf, n);
		sent += n;
	}
	SIM_ASSERT_EQ(r->rx_bytes, rcv_buf);
	/* the last ACK closes the window */
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	while (seg.h.ack != p->snd_nxt)
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
	SIM_ASSERT_EQ(seg.h.win, 0);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_ZERO_WINDOW_ADV) >= 1,
		   "zero window not counted");
	*pp = p;
	return r;
}

/* Line 41: a full receive buffer advertises 0; data beyond it is
 * dropped and ACKed with window 0; the window reopens only in a
 * worthwhile step. */
static void
test_s41_zero_receive_window(void)
{
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r = fill_receive_window(&p, &l, 8192);
	struct sim_pkt seg;
	uint32_t rcv_nxt = p->snd_nxt;

	peer_send_data(p, "beyond", 6);
	p->snd_nxt = rcv_nxt;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT_EQ(seg.h.win, 0);
	SIM_ASSERT_EQ(r->rx_bytes, 8192);
	/* a pure ACK is still processed quietly */
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	/* 100 bytes freed: not worth opening (SWS avoidance) */
	tern_tcp_recv_done(r->c, 100);
	sim_run_for(p->sim, SIM_S);
	while (peer_recv(p, 0, &seg))
		SIM_ASSERT(seg.h.win == 0 || seg.h.win >= MSS,
			   "window opened by %u bytes", seg.h.win);
	tern_tcp_recv_done(r->c, 8092);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT(seg.h.win >= 4096, "window update of %u bytes",
		   seg.h.win);
	peer_send_data(p, "beyond", 6);
	SIM_ASSERT_EQ(r->rx_bytes, 8198);
	peer_destroy(p);
}

/* Line 41: at receive window 0 a FIN is not acceptable either (it
 * takes a sequence number, RFC 9293 3.10.7.4): ACKed with window 0 and
 * dropped; once the window reopens, the peer's resent FIN is taken. */
static void
test_s41_fin_at_zero_window(void)
{
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r = fill_receive_window(&p, &l, 8192);
	struct sim_pkt seg;
	uint32_t rcv_nxt = p->snd_nxt;
	uint64_t drops = sim_stat(p->t, TERN_STAT_TCP_DROP_OUT_OF_WINDOW);

	peer_send_fin(p);
	p->snd_nxt = rcv_nxt;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT_EQ(seg.h.win, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_OUT_OF_WINDOW),
		      drops + 1);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	tern_tcp_recv_done(r->c, 8192);
	PEER_EXPECT(p, SIM_S, &seg);
	SIM_ASSERT(seg.h.win > 0, "window still 0");
	peer_send_fin(p);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt + 1);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->rx_bytes, 8192);
	peer_destroy(p);
}

/* Line 32: an exact RST is honoured at receive window 0. */
static void
test_s32_exact_rst_at_zero_window(void)
{
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r = fill_receive_window(&p, &l, 4096);

	peer_send_flags(p, SIM_RST, p->snd_nxt, 0, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_RESET);
	peer_destroy(p);
}

/* T sends @p nsegs full segments; P reads them all (nothing acked).
 * @return SND.UNA. */
static uint32_t
send_flight(struct peer *p, struct sim_conn *r, unsigned int nsegs,
	    uint32_t *seqs)
{
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	uint32_t una = p->rcv_nxt;
	unsigned int n;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, nsegs * MSS), nsegs * MSS);
	n = fx_collect(p, 0, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, nsegs);
	for (unsigned int i = 0; i < n; i++) {
		SIM_ASSERT_EQ(segs[i].h.payload_len, MSS);
		SIM_ASSERT_EQ(segs[i].h.seq, una + i * MSS);
		if (seqs != NULL)
			seqs[i] = segs[i].h.seq;
	}
	return una;
}

/* Line 44: the third duplicate ACK retransmits at once, before any RTO;
 * cwnd is halved (NewReno). */
static void
test_s44_fast_retransmit(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct tern_tcp_info info;
	struct sim_pkt seg;
	uint32_t una;

	SIM_ASSERT_EQ(tern_tcp_set_cc(r->c, TERN_TCP_CC_NEWRENO), 0);
	una = send_flight(p, r, 10, NULL);
	for (int i = 0; i < 2; i++) {
		peer_send_flags(p, SIM_ACK, p->snd_nxt, una, NULL, 0);
		PEER_EXPECT_NONE(p, 0);
	}
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una, SEQ_ANY);
	SIM_ASSERT_EQ(seg.h.payload_len, MSS);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_FAST_RETRANS), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	tern_tcp_get_info(r->c, &info);
	SIM_CHECK(info.in_recovery);
	SIM_ASSERT_EQ(info.ssthresh, 10 * MSS / 2);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 10 * MSS, NULL, 0);
	tern_tcp_get_info(r->c, &info);
	SIM_CHECK(!info.in_recovery);
	SIM_ASSERT_EQ(info.cwnd, info.ssthresh);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	peer_destroy(p);
}

/* Line 45: two losses in one window without SACK: the partial ACK
 * resends the second hole at once (NewReno), no RTO. */
static void
test_s45_newreno_partial_ack(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint32_t una;

	SIM_ASSERT_EQ(tern_tcp_set_cc(r->c, TERN_TCP_CC_NEWRENO), 0);
	una = send_flight(p, r, 10, NULL);
	/* segments 0 and 4 lost: three duplicates for 1, 2, 3 */
	for (int i = 0; i < 3; i++)
		peer_send_flags(p, SIM_ACK, p->snd_nxt, una, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una, SEQ_ANY);
	/* segment 0 arrives: the ACK stops at the second hole */
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 4 * MSS, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una + 4 * MSS, SEQ_ANY);
	SIM_ASSERT_EQ(seg.h.payload_len, MSS);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PARTIAL_ACKS), 1);
	while (peer_recv(p, 0, &seg))
		SIM_ASSERT(seq_geq(seg.h.seq, una + 10 * MSS),
			   "resent %u again", seg.h.seq);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 10 * MSS, NULL, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 2);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	peer_destroy(p);
}

/* Line 46: SACK with three holes: only the holes are resent. P plays a
 * receiver that got every segment but 0, 3 and 6 and ACKs each arrival
 * with its cumulative ACK and SACK blocks. */
static void
test_s46_sack_only_holes_resent(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r;
	bool have[10] = { 0 }, resent[10] = { 0 };
	struct sim_tcp_spec s;
	struct sim_pkt seg;
	uint32_t una;
	int rounds = 0;

	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	una = send_flight(p, r, 10, NULL);
	for (int i = 0; i < 10; i++)
		have[i] = i != 0 && i != 3 && i != 6;
	for (;;) {
		unsigned int cum = 0, nsack = 0;

		while (cum < 10 && have[cum])
			cum++;
		if (cum == 10)
			break;
		/* one ACK per segment the receiver got beyond the hole */
		s = peer_seg(p, SIM_ACK, p->snd_nxt, una + cum * MSS);
		/* SACK blocks: each run of received segments above cum */
		for (unsigned int i = cum + 1; i < 10 && nsack < 3; i++) {
			unsigned int j = i;

			if (!have[i] || have[i - 1])
				continue;
			while (j < 10 && have[j])
				j++;
			s.opts.sack[nsack].start = una + i * MSS;
			s.opts.sack[nsack].end = una + j * MSS;
			nsack++;
		}
		s.opts.nsack = (uint8_t)nsack;
		peer_send(p, &s);
		while (peer_recv(p, 0, &seg)) {
			unsigned int k = (seg.h.seq - una) / MSS;

			SIM_ASSERT(seg.h.payload_len == MSS && k < 10 &&
				   !have[k], "resent segment %u, which the "
				   "receiver has", k);
			SIM_ASSERT(!resent[k], "segment %u resent twice", k);
			resent[k] = true;
			have[k] = true;
		}
		SIM_ASSERT(++rounds < 20, "no progress");
	}
	SIM_CHECK(resent[0] && resent[3] && resent[6]);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 3);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 10 * MSS, NULL, 0);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	peer_destroy(p);
}

/* Line 48: keepalive on: a probe (seq SND.NXT-1) after the idle time;
 * answered ones keep the connection; cnt unanswered ones end it. */
static void
keepalive_run(enum tern_tcp_state st, bool answer_first)
{
	const uint32_t idle_ms = 1000, intvl_ms = 500, cnt = 3;
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, st, FX_SHUTDOWN);
	struct sim_pkt seg;
	uint64_t t0 = sim_now(p->sim), last;
	unsigned int probes = 0;

	SIM_ASSERT_EQ(tern_tcp_set_keepalive(r->c, idle_ms, intvl_ms, cnt), 0);
	PEER_EXPECT(p, 2 * idle_ms * SIM_MS, &seg);
	SIM_ASSERT(p->last_rx_ns - t0 >= idle_ms * SIM_MS,
		   "first probe after %.3f s", (p->last_rx_ns - t0) / 1e9);
	SIM_ASSERT(seg.h.seq == p->rcv_nxt - 1, "probe seq %u, SND.NXT %u",
		   seg.h.seq, p->rcv_nxt);
	SIM_ASSERT(seg.h.payload_len <= 1, "probe with %u bytes",
		   seg.h.payload_len);
	if (answer_first) {
		peer_send_ack(p);
		PEER_EXPECT_NONE(p, (idle_ms - 10) * SIM_MS);
		PEER_EXPECT(p, 20 * SIM_MS, &seg);
	}
	probes = 1;
	last = p->last_rx_ns;
	while (r->closed == 0 && peer_recv(p, 10ull * intvl_ms * SIM_MS,
					   &seg)) {
		SIM_ASSERT(p->last_rx_ns - last >= intvl_ms * SIM_MS - SIM_MS,
			   "probe %u after %.3f s", probes,
			   (p->last_rx_ns - last) / 1e9);
		last = p->last_rx_ns;
		probes++;
	}
	SIM_ASSERT_EQ(probes, cnt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT(r->closed_at_ns - last <= intvl_ms * SIM_MS + 10 * SIM_MS,
		   "aborted %.3f s after the last probe",
		   (r->closed_at_ns - last) / 1e9);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_KEEPALIVES) >= cnt,
		   "TCPKeepAlive %" PRIu64,
		   sim_stat(p->t, TERN_STAT_TCP_KEEPALIVES));
	peer_destroy(p);
}

static void
test_s48_keepalive_established(void)
{
	keepalive_run(TERN_TCP_ESTABLISHED, true);
}

static void
test_s48_keepalive_close_wait(void)
{
	keepalive_run(TERN_TCP_CLOSE_WAIT, false);
}

static void
test_s48_keepalive_fin_wait_2(void)
{
	keepalive_run(TERN_TCP_FIN_WAIT_2, false);
}

/* Line 54: a flood of tiny out-of-order segments: reassembly memory
 * is capped, the stream ends up intact. */
static void
test_s54_out_of_order_flood(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_rng rng;
	struct tern_tcp_info info;
	const uint32_t total = 20000;
	uint8_t *data = sim_alloc(p->sim, total, NULL);
	unsigned int peak = 0, idle = rte_mempool_in_use_count(p->t->pool);
	uint32_t base = p->snd_nxt;
	struct sim_pkt seg;

	r->rx_key = 77;
	sim_pattern_fill(77, 0, data, total);
	sim_rng_seed(&rng, sim_test_seed());
	/* every byte but the first two, one per segment, shuffled */
	for (uint32_t i = 0; i < total; i++) {
		uint32_t off = 2 + (uint32_t)sim_rng_below(&rng, total - 2);

		peer_send_flags(p, SIM_ACK | SIM_PSH, base + off, p->rcv_nxt,
				data + off, 1);
		while (peer_recv(p, 0, &seg))
			;
		peak = RTE_MAX(peak, rte_mempool_in_use_count(p->t->pool));
	}
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT(info.ooo_bytes > 0 && info.ooo_bytes < total / 10,
		   "%u bytes held out of order", info.ooo_bytes);
	SIM_ASSERT(peak - idle <= 256, "%u mbufs held during the flood",
		   peak - idle);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_DROP_OOO) > total / 2,
		   "only %" PRIu64 " segments dropped at the cap",
		   sim_stat(p->t, TERN_STAT_TCP_DROP_OOO));
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	/* the whole stream again, in order, in full segments */
	p->snd_nxt = base;
	for (uint32_t off = 0; off < total; off += 1000)
		peer_send_data(p, data + off, RTE_MIN(1000u, total - off));
	sim_run_for(p->sim, SIM_S);
	while (peer_recv(p, 0, &seg))
		;
	SIM_ASSERT_EQ(r->rx_bytes, total);
	SIM_ASSERT_EQ(r->rx_bad_at, 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, 0);
	peer_destroy(p);
}

/* Line 55: many connections whose peer keeps the window shut: memory
 * stays bounded, the orphans are reaped, new connections still come. */
static void
test_s55_zero_window_orphans_reaped(void)
{
	enum { NCONN = 20 };
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r[NCONN];
	struct peer *p;
	struct sim_pkt seg;
	unsigned int idle, held;
	uint64_t t_close;

	sim_tcp_conf_defaults(&conf);
	conf.snd_buf = 16384;
	p = fx_peer(&conf, &l);
	idle = rte_mempool_in_use_count(p->t->pool);
	for (int i = 0; i < NCONN; i++) {
		p->port = (uint16_t)(44000 + i);
		p->tport = FX_PORT;
		p->win = 65535;
		peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
		p->win = 0;
		peer_send_ack(p);
		r[i] = l->last;
		SIM_ASSERT_EQ(l->naccepted, (unsigned int)i + 1);
		SIM_ASSERT_EQ(sim_conn_send_pattern(r[i], 2 * conf.snd_buf),
			      conf.snd_buf);
	}
	PEER_EXPECT_NONE(p, 0);
	sim_run_for(p->sim, 10 * SIM_S);
	while (peer_recv(p, 0, &seg))	/* unanswered window probes */
		SIM_ASSERT(seg.h.payload_len <= 1, "%u bytes into a zero "
			   "window", seg.h.payload_len);
	held = rte_mempool_in_use_count(p->t->pool) - idle;
	SIM_ASSERT(held <= NCONN * (conf.snd_buf / 1024 + 4),
		   "%u mbufs held for %d blocked connections", held, NCONN);
	for (int i = 0; i < NCONN; i++)
		if (r[i]->c != NULL)
			SIM_ASSERT_EQ(tern_tcp_close(r[i]->c), 0);
	t_close = sim_now(p->sim);
	/* a newcomer is still served */
	p->port = 45000;
	p->win = 65535;
	peer_open_passive(p, l);
	SIM_ASSERT_EQ(l->naccepted, NCONN + 1);
	sim_run_for(p->sim, conf.fin_wait2_ms * SIM_MS + 5 * SIM_S);
	while (peer_recv(p, 0, &seg))
		;
	for (int i = 0; i < NCONN; i++) {
		SIM_ASSERT(r[i]->closed == 1, "orphan %d not reaped", i);
		SIM_ASSERT(r[i]->closed_at_ns - t_close <=
			   conf.fin_wait2_ms * SIM_MS + 5 * SIM_S,
			   "orphan %d lived %.3f s", i,
			   (r[i]->closed_at_ns - t_close) / 1e9);
	}
	SIM_ASSERT_EQ(sim_conn_count(p->t), 1);
	SIM_ASSERT(rte_mempool_in_use_count(p->t->pool) - idle <= 4,
		   "%u mbufs still held",
		   rte_mempool_in_use_count(p->t->pool) - idle);
	peer_destroy(p);
}

const struct sim_test tcp_tests_recovery[] = {
	SIM_TEST(test_s12_reassembly),
	SIM_TEST(test_s12_reassembly_sack),
	SIM_TEST(test_s16_nagle_on),
	SIM_TEST(test_s16_nagle_off),
	SIM_TEST(test_s41_zero_receive_window),
	SIM_TEST(test_s32_exact_rst_at_zero_window),
	SIM_TEST(test_s41_fin_at_zero_window),
	SIM_TEST(test_s44_fast_retransmit),
	SIM_TEST(test_s45_newreno_partial_ack),
	SIM_TEST(test_s46_sack_only_holes_resent),
	SIM_TEST(test_s48_keepalive_established),
	SIM_TEST(test_s48_keepalive_close_wait),
	SIM_TEST(test_s48_keepalive_fin_wait_2),
	SIM_TEST(test_s54_out_of_order_flood),
	SIM_TEST(test_s55_zero_window_orphans_reaped),
};
const unsigned int tcp_tests_recovery_n = RTE_DIM(tcp_tests_recovery);
