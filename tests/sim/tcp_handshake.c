/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opening connections: TCP-SCENARIOS.md lines 1-10, the listen backlog
 * and a full connection table (RFC 9293 3.5, 3.10.7.1-3, 3.8.3;
 * RFC 6528; RFC 7323 2.2/3.2).
 */
#include <string.h>

#include "tcp_fixture.h"

#define TS0 7000u

/* Line 1: every option offered is echoed, the SYN+ACK acks ISN+1. */
static void
test_s01_synack_echoes_options(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;
	uint32_t syn_tsval;

	p->syn_opts = (struct sim_tcp_opts){
		.mss_ok = true, .mss = 1460, .sack_perm = true, .ts_ok = true,
		.ws_ok = true, .ws = 7,
	};
	p->tsval = TS0;
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	syn_tsval = p->last.opts.tsval;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_ASSERT(seg.h.opts.mss_ok && seg.h.opts.mss > 0 &&
		   seg.h.opts.mss <= 1500 - 40, "MSS %u", seg.h.opts.mss);
	SIM_CHECK(seg.h.opts.ws_ok);
	SIM_ASSERT(seg.h.opts.ws <= 14, "wscale %u", seg.h.opts.ws);
	SIM_CHECK(seg.h.opts.sack_perm);
	SIM_CHECK(seg.h.opts.ts_ok);
	SIM_ASSERT_EQ(seg.h.opts.tsecr, syn_tsval);
	/* the window of a SYN+ACK is never scaled (RFC 7323 2.2) */
	SIM_ASSERT(seg.h.win > 0, "window %u", seg.h.win);
	SIM_ASSERT_EQ(seg.h.payload_len, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PASSIVE_OPENS), 1);

	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_CHECK(r->info.ts_ok && r->info.sack_ok);
	SIM_ASSERT_EQ(r->info.snd_wscale, 7);
	SIM_ASSERT_EQ(r->info.rcv_wscale, seg.h.opts.ws);
	SIM_ASSERT_EQ(r->info.irs, p->iss);
	SIM_ASSERT_EQ(r->info.iss, seg.h.seq);
	SIM_ASSERT_EQ(r->info.lport, FX_PORT);
	SIM_ASSERT_EQ(r->info.fport, p->port);

	/* later segments carry TS, no MSS, and a scaled window */
	SIM_ASSERT_EQ(sim_conn_send(r, "hello", 5), 5);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, r->info.iss + 1, p->iss + 1);
	SIM_ASSERT_EQ(seg.h.payload_len, 5);
	SIM_CHECK(seg.h.opts.ts_ok && !seg.h.opts.mss_ok && !seg.h.opts.ws_ok);
	SIM_ASSERT_EQ(seg.h.opts.tsecr, p->last.opts.tsval);
	peer_destroy(p);
}

/* Line 2: a SYN without options gets none back; then 536-byte segments
 * without timestamps. */
static void
test_s02_synack_without_options(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;
	uint32_t sent = 0;

	p->syn_opts = (struct sim_tcp_opts){ 0 };
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_CHECK(!seg.h.opts.ws_ok && !seg.h.opts.ts_ok &&
		  !seg.h.opts.sack_perm);
	peer_send_ack(p);
	r = l->last;
	SIM_CHECK(r != NULL);
	SIM_CHECK(!r->info.ts_ok && !r->info.sack_ok);
	SIM_ASSERT_EQ(r->info.snd_wscale, 0);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 3000), 3000);
	while (sent < 3000) {
		PEER_EXPECT(p, 2 * SIM_S, &seg);
		SIM_ASSERT(seg.h.payload_len > 0 && seg.h.payload_len <= 536,
			   "segment of %u bytes (peer MSS 536 by default)",
			   seg.h.payload_len);
		SIM_CHECK(!seg.h.opts.ts_ok && !seg.h.opts.mss_ok);
		SIM_ASSERT_EQ(seg.h.seq, r->info.iss + 1 + sent);
		sent += seg.h.payload_len;
		peer_send_ack(p);
	}
	SIM_ASSERT_EQ(sent, 3000);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 3: answers of a port nobody listens on. */
static void
test_s03_segments_to_no_connection(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_pkt seg;
	uint64_t rsts, flagless;

	p->tport = 81;
	/* SYN: RST+ACK, seq 0, ack ISN+1 */
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST | SIM_ACK, 0, p->iss + 1);
	SIM_ASSERT_EQ(seg.h.payload_len, 0);
	/* pure ACK: RST with seq = SEG.ACK, no ACK bit */
	peer_send_flags(p, SIM_ACK, 5555, 123456789, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, 123456789, SEQ_ANY);
	/* data without any of SYN/ACK/FIN/RST: RFC 9293 3.10.7.1 answers
	 * RST+ACK acking all of it; line 57 allows dropping flagless
	 * segments instead, counted */
	flagless = sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_FLAGS);
	peer_send_flags(p, SIM_PSH, 777, 0, "abcd", 4);
	if (peer_recv(p, 0, &seg))
		PEER_ASSERT_SEG(&seg, SIM_RST | SIM_ACK, 0, 777 + 4);
	else
		SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_FLAGS),
			      flagless + 1);
	/* FIN alone: SEG.LEN counts the FIN */
	peer_send_flags(p, SIM_FIN, 900, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST | SIM_ACK, 0, 901);
	rsts = sim_stat(p->t, TERN_STAT_TCP_OUT_RSTS);
	SIM_ASSERT(rsts == 3 || rsts == 4, "%" PRIu64 " RSTs", rsts);
	/* a RST is never answered */
	peer_send_flags(p, SIM_RST, 1000, 0, NULL, 0);
	peer_send_flags(p, SIM_RST | SIM_ACK, 1000, 2000, NULL, 0);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_RSTS), rsts);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_NO_CONN), rsts + 2);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* Line 3 between two stacks: the client is told REFUSED. */
static void
test_s03_connect_refused(void)
{
	struct duo d;
	struct sim_conn *c;
	uint64_t t0;

	duo_create(&d, NULL);
	t0 = sim_now(d.sim);
	c = sim_connect_to(d.a, d.b, DUO_PORT + 1);
	SIM_WAIT(d.sim, c->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(c->connected, 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_ACTIVE_OPENS), 1);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_ATTEMPT_FAILS), 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_OUT_RSTS), 1);
	/* one round trip for ARP, one for SYN and RST: no retransmission */
	SIM_ASSERT_EQ(c->closed_at_ns - t0, 4 * d.latency_ns);
	duo_finish(&d);
}

/*
 * Line 3 for a listener that does not take the SYN's family
 * (tern_tcp_listen_families(), as lib/socket sets it for an AF_INET or
 * IPV6_V6ONLY socket): a closed port, REFUSED, nothing half-open; taking
 * the family again, the next SYN gets in.
 */
static void
test_s03_listener_family_refused(void)
{
	struct duo d;
	struct sim_conn *c, *s;
	bool v6;

	duo_create(&d, NULL);
	v6 = sim_family(d.sim) == 6;
	tern_tcp_listen_families(d.l->l, v6, !v6);
	c = sim_connect_to(d.a, d.b, DUO_PORT);
	SIM_WAIT(d.sim, c->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(c->connected, 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_ATTEMPT_FAILS), 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_OUT_RSTS), 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_DROP_NO_CONN), 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_PASSIVE_OPENS), 0);
	SIM_ASSERT_EQ(sim_conn_count(d.b), 0);
	SIM_ASSERT_EQ(d.l->naccepted, 0);

	tern_tcp_listen_families(d.l->l, true, true);
	c = duo_connect(&d, &s);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(d.l->naccepted, 1);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	duo_finish(&d);
}

/* Line 4: what a listener does with anything but a SYN. */
static void
test_s04_listener_ignores_non_syn(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	uint64_t drops;
	static const uint8_t bad[] = {
		SIM_RST, 0, SIM_FIN, SIM_SYN | SIM_FIN,
	};

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_ACK, 4242, 31337, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, 31337, SEQ_ANY);
	drops = fx_tcp_drops(p->t);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++)
		peer_send_flags(p, bad[i], 5000 + i, 0, NULL, 0);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_EQ(fx_tcp_drops(p->t), drops + RTE_DIM(bad));
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(l->naccepted, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_LISTEN), 1);
	/* the listener still works */
	peer_open_passive(p, l);
	peer_destroy(p);
}

/* Line 5: ISNs differ between 4-tuples and grow with time for one. */
static void
test_s05_isn(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	uint32_t isn[3];
	static const uint16_t ports[3] = { 40000, 40001, 40000 };

	for (int i = 0; i < 3; i++) {
		if (i == 2)
			sim_run_for(p->sim, SIM_S);
		p->port = ports[i];
		p->tport = FX_PORT;
		peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
		isn[i] = seg.h.seq;
		/* an exact RST sends the half-open entry away */
		peer_send_flags(p, SIM_RST, p->iss + 1, 0, NULL, 0);
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	}
	SIM_ASSERT(isn[0] != isn[1], "two 4-tuples share ISN %u", isn[0]);
	SIM_ASSERT((uint32_t)(isn[1] - isn[0]) > 65536 &&
		   (uint32_t)(isn[0] - isn[1]) > 65536,
		   "ISNs of neighbouring ports are close: %u %u", isn[0],
		   isn[1]);
	SIM_ASSERT(seq_gt(isn[2], isn[0]),
		   "same 4-tuple 1 s later: ISN %u after %u", isn[2], isn[0]);
	SIM_ASSERT_EQ(l->naccepted, 0);
	peer_destroy(p);
}

/* Line 6: the SYN+ACK is retransmitted with doubling intervals, a
 * bounded number of times; then the half-open entry is gone, silently. */
static void
test_s06_synack_retransmission(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt seg;
	uint64_t t[16];
	unsigned int n = 0;

	sim_tcp_conf_defaults(&conf);
	p = fx_peer(&conf, &l);
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	while (peer_recv(p, 200 * SIM_S, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
		SIM_CHECK(n < RTE_DIM(t));
		t[n++] = p->last_rx_ns;
	}
	SIM_ASSERT_EQ(n, 1 + conf.synack_retries);
	for (unsigned int i = 1; i < n; i++) {
		uint64_t want = (uint64_t)conf.rto_initial_ms * SIM_MS << (i - 1);
		uint64_t got = t[i] - t[i - 1];

		want = RTE_MIN(want, (uint64_t)conf.rto_max_ms * SIM_MS);
		SIM_ASSERT(got >= want && got <= want + 10 * SIM_MS,
			   "retransmission %u after %.3f s, want %.3f s", i,
			   got / 1e9, want / 1e9);
	}
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS),
		      conf.synack_retries);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_RSTS), 0);
	SIM_ASSERT_EQ(l->naccepted, 0);
	/* the late ACK finds nothing: RST */
	peer_send_ack(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, p->rcv_nxt, SEQ_ANY);
	peer_destroy(p);
}

/* Line 7: every SYN lost -> backoff, then closed(TIMEOUT), no RST. */
static void
test_s07_syn_retransmission_timeout(void)
{
	struct tern_tcp_conf conf;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint64_t t[16];
	unsigned int n = 0;
	uint32_t iss = 0;

	sim_tcp_conf_defaults(&conf);
	p = peer_create(sim_test_seed(), &conf);
	r = sim_connect_to(p->t, p->p, p->port);
	while (r->closed == 0 && peer_recv(p, 300 * SIM_S, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_SYN, n == 0 ? SEQ_ANY : iss, SEQ_ANY);
		iss = seg.h.seq;
		SIM_CHECK(n < RTE_DIM(t));
		t[n++] = p->last_rx_ns;
	}
	SIM_ASSERT_EQ(n, 1 + conf.syn_retries);
	for (unsigned int i = 1; i < n; i++) {
		uint64_t want = (uint64_t)conf.rto_initial_ms * SIM_MS << (i - 1);
		uint64_t got = t[i] - t[i - 1];

		want = RTE_MIN(want, (uint64_t)conf.rto_max_ms * SIM_MS);
		SIM_ASSERT(got >= want && got <= want + 10 * SIM_MS,
			   "SYN %u after %.3f s, want %.3f s", i, got / 1e9,
			   want / 1e9);
	}
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT(r->closed_at_ns > t[n - 1], "closed before the last SYN");
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS),
		      conf.syn_retries);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_RSTS), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ATTEMPT_FAILS), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/*
 * First SYNs wait on the lcore's queue of their RTOs (tcp_syn_rtx_arm()):
 * A's is answered at once, so the queue's watch fires at A's old
 * deadline for nothing; B's SYN, sent 100 ms after A's, still goes again
 * one initial RTO after it went (not at A's deadline, not later), then
 * with the backoff, from the wheel.
 */
static void
test_syn_rto_queued_behind_answered_head(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *a, *b;
	struct sim_pkt seg;
	struct peer *p;
	uint64_t t_b, want = 0;
	uint32_t iss_b;

	sim_tcp_conf_defaults(&conf);
	p = peer_create(sim_test_seed(), &conf);
	a = peer_open_active(p);
	sim_run_for(p->sim, 100 * SIM_MS);
	b = sim_connect_to(p->t, p->p, p->port);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN, SEQ_ANY, SEQ_ANY);
	SIM_CHECK(seg.h.sport != p->tport);
	iss_b = seg.h.seq;
	t_b = p->last_rx_ns;
	for (unsigned int i = 0; i < 2; i++) {
		want += (uint64_t)conf.rto_initial_ms * SIM_MS << i;
		PEER_EXPECT(p, 5 * SIM_S, &seg);
		PEER_ASSERT_SEG(&seg, SIM_SYN, iss_b, SEQ_ANY);
		SIM_ASSERT(p->last_rx_ns - t_b >= want &&
			   p->last_rx_ns - t_b <= want + 10 * SIM_MS,
			   "SYN %u after %.3f s, want %.3f s", i + 1,
			   (p->last_rx_ns - t_b) / 1e9, want / 1e9);
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS), 2);
	SIM_ASSERT_STATE(sim_conn_state(a), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(b), TERN_TCP_SYN_SENT);
	tern_tcp_abort(b->c);
	tern_tcp_abort(a->c);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, SEQ_ANY, SEQ_ANY);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* Line 8: simultaneous open; P's SYN+ACK completes it. */
static void
test_s08_simultaneous_open(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = fx_simultaneous_syn_rcvd(p, &iss);
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, iss + 1, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 1, p->iss + 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->connected, 1);
	/* data flows both ways */
	peer_send_data(p, "sim", 3);
	SIM_ASSERT_EQ(r->rx_bytes, 3);
	SIM_ASSERT_EQ(sim_conn_send(r, "open", 4), 4);
	PEER_EXPECT(p, SIM_S, &seg);
	if (seg.h.payload_len == 0)	/* the (delayed) ACK of "sim" */
		PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 1, p->iss + 4);
	SIM_ASSERT_EQ(seg.h.payload_len, 4);
	peer_destroy(p);
}

/* Line 8, other ending: P answers T's SYN+ACK with a plain ACK. */
static void
test_s08_simultaneous_open_ack(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	uint32_t iss;

	r = fx_simultaneous_syn_rcvd(p, &iss);
	peer_send_flags(p, SIM_ACK, p->iss + 1, iss + 1, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->connected, 1);
	peer_destroy(p);
}

/* Line 9: SYN_SENT and a wrong ACK, RSTs with and without ACK. */
static void
test_s09_syn_sent_bad_ack_and_rst(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = peer_connect_syn(p, &seg);
	iss = seg.h.seq;
	/* SYN+ACK acking what was never sent: RST seq = SEG.ACK */
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, iss + 1000, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, iss + 1000, SEQ_ANY);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	/* RST without ACK: ignored */
	peer_send_flags(p, SIM_RST, p->iss, 0, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED), 1);
	/* RST with an unacceptable ACK: dropped, never answered */
	peer_send_flags(p, SIM_RST | SIM_ACK, p->iss, iss + 5, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	/* still trying: the SYN is retransmitted */
	PEER_EXPECT(p, 2 * SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN, iss, SEQ_ANY);
	/* RST with an acceptable ACK: refused */
	peer_send_flags(p, SIM_RST | SIM_ACK, 0, iss + 1, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/*
 * Line 9, and RFC 9293 3.10.7.3's last SYN_SENT case: an acceptable ACK
 * without SYN or RST is dropped -- the table has no such cell -- and
 * counted; the connection stays where it was, and P's SYN+ACK still
 * completes it.
 */
static void
test_s09_syn_sent_ack_without_syn(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = peer_connect_syn(p, &seg);
	iss = seg.h.seq;
	peer_send_flags(p, SIM_ACK, p->iss + 1, iss + 1, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_STATE), 1);
	SIM_ASSERT_EQ(r->connected, 0);
	SIM_ASSERT_EQ(r->closed, 0);
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, iss + 1, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 1, p->iss + 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->connected, 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_STATE), 1);
	peer_destroy(p);
}

/* Line 10: data on a SYN reaches the app once, after ESTABLISHED. */
static void
test_s10_data_on_syn(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, "early", 5);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT(seg.h.ack == p->iss + 1 || seg.h.ack == p->iss + 6,
		   "SYN+ACK acks %u (ISN %u)", seg.h.ack, p->iss);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, seg.h.ack);
	SIM_ASSERT_EQ(l->naccepted, 0);
	/* P ACKs what T acknowledged, then retransmits the SYN's data (as
	 * it would when the SYN+ACK did not ack it) */
	p->snd_nxt = seg.h.ack;
	peer_send_flags(p, SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, p->rcv_nxt, "early",
			5);
	p->snd_nxt = p->iss + 6;
	sim_run_for(p->sim, SIM_S);
	while (peer_recv(p, 0, &seg))
		PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->iss + 6);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	SIM_CHECK(memcmp(r->rx, "early", 5) == 0);
	peer_destroy(p);
}

/*
 * The handshake's last ACK, usually taken by a prediction path
 * (tcp_input.c): each check it must keep still holds in SYN_RCVD. An
 * old TSval (PAWS) is dropped and ACKed, an ACK of more than T sent is
 * answered with a RST; the record stays half-open, nothing accepted or
 * delivered, until the usual ACK, whose data reaches the app once and
 * whose TSval T echoes.
 */
static void
test_synrcvd_final_ack_checks(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;
	uint32_t tsval;

	p->syn_opts.ts_ok = true;
	p->tsval = TS0;
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_CHECK(p->ts);
	tsval = p->tsval;

	/* PAWS (RFC 7323 5.3): a TSval older than the SYN's */
	p->tsval = TS0 - 100;
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, p->rcv_nxt, "stale",
			5);
	p->snd_nxt = p->iss + 1;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->irs + 1, p->iss + 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 1);
	SIM_ASSERT_EQ(l->naccepted, 0);

	/* RFC 9293 3.10.7.4: SEG.ACK past SND.NXT gets <SEQ=SEG.ACK><RST> */
	p->tsval = tsval;
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, p->rcv_nxt + 1,
			"wrong", 5);
	p->snd_nxt = p->iss + 1;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, p->rcv_nxt + 1, SEQ_ANY);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 1);
	SIM_ASSERT_EQ(l->naccepted, 0);

	/* the usual one */
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, p->rcv_nxt, "hello",
			5);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	SIM_CHECK(memcmp(r->rx, "hello", 5) == 0);
	SIM_ASSERT_EQ(sim_conn_send(r, "world", 5), 5);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->irs + 1, p->iss + 6);
	SIM_ASSERT_EQ(seg.h.payload_len, 5);
	SIM_ASSERT_EQ(seg.h.opts.tsecr, p->last.opts.tsval);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 1);
	peer_destroy(p);
}

/* The listen backlog bounds half-open connections; overflow is counted
 * and the listener recovers once the half-open entries time out
 * (SYN cookies off: the overflowing SYNs get no answer). */
static void
test_s52_listen_backlog_overflow(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt seg;
	unsigned int synacks = 0, in_use = 0;

	sim_tcp_conf_defaults(&conf);
	conf.backlog = 4;
	conf.syn_cookies = false;
	p = fx_peer(&conf, &l);
	p->tport = FX_PORT;
	for (uint16_t i = 0; i < 10; i++) {
		if (i == 4)
			in_use = rte_mempool_in_use_count(p->t->pool);
		p->port = (uint16_t)(50000 + i);
		peer_send_flags(p, SIM_SYN, p->iss + i * 100000u, 0, NULL, 0);
	}
	/* the refused SYNs cost no memory */
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), in_use);
	while (peer_recv(p, 0, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, SEQ_ANY);
		synacks++;
	}
	SIM_ASSERT_EQ(synacks, 4);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 4);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_LISTEN_OVERFLOWS), 6);
	/* the half-open entries time out (their SYN+ACKs are not read) */
	sim_run_for(p->sim, 200 * SIM_S);
	while (peer_recv(p, 0, &seg))
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, SEQ_ANY);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	p->port = 40000;
	peer_open_passive(p, l);
	peer_destroy(p);
}

/*
 * SYN cookies (RFC 4987): beyond the backlog every SYN still gets a
 * SYN+ACK, at no memory cost; the final ACK of a cookie handshake makes
 * an ESTABLISHED connection that carries data; a forged cookie ACK is
 * answered with RST and counted, and creates nothing.
 */
static void
test_s52_syn_cookies(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt seg;
	unsigned int synacks = 0, in_use = 0;
	uint32_t cookie = 0, cookie_iss = 0;

	sim_tcp_conf_defaults(&conf);
	conf.backlog = 4;
	p = fx_peer(&conf, &l);
	l->keep_rx = true;
	p->tport = FX_PORT;
	for (uint16_t i = 0; i < 10; i++) {
		if (i == 4)
			in_use = rte_mempool_in_use_count(p->t->pool);
		p->port = (uint16_t)(50000 + i);
		peer_send_flags(p, SIM_SYN, p->iss + i * 100000u, 0, NULL, 0);
	}
	/* the SYNs answered with cookies cost no memory */
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), in_use);
	while (peer_recv(p, 0, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, SEQ_ANY);
		if (seg.h.dport == 50009) {
			cookie = seg.h.seq;
			cookie_iss = seg.h.ack - 1;
		}
		synacks++;
	}
	SIM_ASSERT_EQ(synacks, 10);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 4);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_SENT), 6);
	SIM_ASSERT_EQ(cookie_iss, p->iss + 9 * 100000u);

	/* a forged cookie: RST, nothing created */
	p->port = 50008;
	peer_send_flags(p, SIM_ACK, p->iss + 8 * 100000u + 1, 12345, NULL, 0);
	SIM_CHECK(peer_recv(p, 0, &seg));
	PEER_ASSERT_SEG(&seg, SIM_RST, 12345, SEQ_ANY);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_FAILED), 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_ESTABLISHED), 0);

	/* the real one, with data: accepted and delivered */
	p->port = 50009;
	peer_send_flags(p, SIM_ACK | SIM_PSH, cookie_iss + 1, cookie + 1,
			"cookie", 6);
	sim_run_for(p->sim, 100 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_RECV), 1);
	SIM_ASSERT_EQ(l->naccepted, 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_ESTABLISHED), 1);
	SIM_ASSERT_EQ(l->last->rx_bytes, 6);
	SIM_CHECK(memcmp(l->last->rx, "cookie", 6) == 0);
	while (peer_recv(p, 0, &seg))
		;
	tern_tcp_abort(l->last->c);
	sim_run_for(p->sim, 200 * SIM_S);
	while (peer_recv(p, 0, &seg))
		;
	peer_destroy(p);
}

/* A full connection table refuses, counted; connect() says -ENOMEM.
 * (With SYN cookies, the default, the SYN gets a cookie instead:
 * tcp_hostile.c, test_exhaust_conn_table_cookies.) */
static void
test_table_full_refusal(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt seg;
	struct tern_conn *c = NULL;
	struct sim_conn *spare;
	int rc;

	sim_tcp_conf_defaults(&conf);
	conf.max_conns = 3;
	conf.syn_cookies = false;
	p = fx_peer(&conf, &l);
	for (uint16_t i = 0; i < 3; i++) {
		p->port = (uint16_t)(41000 + i);
		peer_open_passive(p, l);
	}
	p->port = 41003;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	while (peer_recv(p, 0, &seg))
		SIM_ASSERT(!(seg.h.flags & SIM_SYN), "table full, yet SYN+ACK");
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_TABLE_FULL), 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_ESTABLISHED), 3);
	SIM_ASSERT_EQ(l->naccepted, 3);
	/* a record for the callbacks, should connect() wrongly succeed */
	spare = sim_alloc(p->sim, sizeof(*spare), NULL);
	spare->node = p->t;
	rc = sim_tcp_connect_to(p->t, p->p, 9, spare, &c);
	SIM_ASSERT_EQ(rc, -ENOMEM);
	peer_destroy(p);
}

/*
 * Our SYN and SYN+ACK go from the connection's header template, built
 * for the segments to come before the first of them (tcp_output.c), and
 * carry what tcp_emit() wrote: the usual four options, the unscaled
 * window, checksums, the MAC the ARP entry has now.
 */
static struct sim_hdr
syn_expect(struct peer *p, uint8_t flags, const struct rte_ether_addr *to,
	   uint64_t max_ns)
{
	struct tern_tcp_conf conf;
	struct sim_pkt seg;

	sim_tcp_conf_defaults(&conf);
	PEER_EXPECT(p, max_ns, &seg);
	PEER_ASSERT_SEG(&seg, flags, SEQ_ANY,
			(flags & SIM_ACK) ? p->iss + 1 : SEQ_ANY);
	SIM_CHECK(seg.h.opts.mss_ok && seg.h.opts.mss == fx_mss());
	SIM_CHECK(seg.h.opts.ws_ok && seg.h.opts.sack_perm &&
		  seg.h.opts.ts_ok);
	SIM_ASSERT_EQ(seg.h.win, RTE_MIN(conf.rcv_buf, 65535u));
	SIM_ASSERT_EQ(seg.h.doff_bytes, 20 + 20);
	SIM_ASSERT_EQ(seg.h.payload_len, 0);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_CHECK(rte_is_same_ether_addr(&seg.h.eth_dst, to));
	return seg.h;
}

/* The data segment T sends on @p r after the handshake: timestamps
 * (@p ts) or no option, checksums, payload, MAC. */
static void
tmpl_data_expect(struct peer *p, struct sim_conn *r, bool ts,
		 const struct rte_ether_addr *to)
{
	static const char msg[] = "after the handshake";
	uint32_t seq = p->rcv_nxt;
	struct sim_pkt seg;

	SIM_ASSERT_EQ(sim_conn_send(r, msg, sizeof(msg)), sizeof(msg));
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, seq, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, sizeof(msg));
	SIM_CHECK(memcmp(seg.payload, msg, sizeof(msg)) == 0);
	SIM_ASSERT_EQ(seg.h.opts.ts_ok, ts);
	SIM_ASSERT_EQ(seg.h.doff_bytes, ts ? 20 + 12 : 20);
	SIM_CHECK(!seg.h.opts.mss_ok && !seg.h.opts.ws_ok &&
		  !seg.h.opts.sack_perm);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_CHECK(rte_is_same_ether_addr(&seg.h.eth_dst, to));
	peer_send_ack(p);
}

/* Passive: the SYN+ACK again, after P moved to another MAC (an ARP
 * request from the new one), goes to the new one; the data after the
 * handshake goes from the same template, timestamps included. IPv4 only
 * (an ARP exchange). */
static void
test_synack_template_follows_neighbour(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct rte_ether_addr moved;
	uint32_t iss;

	p->syn_opts = (struct sim_tcp_opts){
		.mss_ok = true, .mss = 1460, .sack_perm = true, .ts_ok = true,
		.ws_ok = true, .ws = 7,
	};
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	iss = syn_expect(p, SIM_SYN | SIM_ACK, &p->p->mac, 0).seq;
	moved = fx_peer_moves_mac(p);
	/* P's ACK was lost: the RTO sends the SYN+ACK again. */
	SIM_ASSERT_EQ(syn_expect(p, SIM_SYN | SIM_ACK, &moved,
				 4 * SIM_S).seq, iss);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS), 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 1);
	SIM_ASSERT_STATE(sim_conn_state(l->last), TERN_TCP_ESTABLISHED);
	tmpl_data_expect(p, l->last, true, &moved);
	tmpl_data_expect(p, l->last, true, &moved);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS), 4);
	peer_destroy(p);
}

/* Passive, a server with two peers: C connects, then A, then C again.
 * When C's second SYN comes, B last sent to A, yet C's ARP entry is
 * resolved and fresh: the SYN+ACK goes from the header template built
 * from that entry, not through the IP output (which before waited for
 * the last datagram to have gone to C). ARP's entry or ND's. */
static void
test_synack_template_by_neighbour_entry(void)
{
	struct sim_conn *c1, *c2, *a1, *s1, *s2, *sa;
	struct sim_node *cn;
	uint64_t no_neigh, out_segs;
	struct duo d;

	duo_create(&d, NULL);
	cn = sim_add_stack(d.sim, "C", NULL);
	c1 = sim_connect_to(cn, d.b, DUO_PORT);
	SIM_WAIT(d.sim, c1->connected == 1 && d.l->naccepted == 1, 5 * SIM_S);
	s1 = d.l->last;
	a1 = duo_connect(&d, &sa);
	SIM_ASSERT(sa != s1, "A's connection is a record of its own");
	no_neigh = sim_stat(d.b, TERN_STAT_TCP_TMPL_NO_NEIGH);
	out_segs = sim_stat(d.b, TERN_STAT_TCP_OUT_SEGS);
	c2 = sim_connect_to(cn, d.b, DUO_PORT);
	SIM_WAIT(d.sim, c2->connected == 1 && d.l->naccepted == 3, 5 * SIM_S);
	s2 = d.l->last;
	SIM_ASSERT_STATE(sim_conn_state(c2), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(s2), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_OUT_SEGS), out_segs + 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TMPL_NO_NEIGH), no_neigh);
	/* The data after it goes to C from the same template. */
	SIM_ASSERT_EQ(sim_conn_send_pattern(s2, 3000), 3000);
	SIM_WAIT(d.sim, c2->rx_bytes == 3000, 5 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TMPL_NO_NEIGH), no_neigh);
	SIM_ASSERT_STATE(sim_conn_state(c1), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(a1), TERN_TCP_ESTABLISHED);
	tern_tcp_abort(c1->c);
	tern_tcp_abort(c2->c);
	tern_tcp_abort(a1->c);
	SIM_WAIT(d.sim, s1->closed == 1 && s2->closed == 1 && sa->closed == 1,
		 5 * SIM_S);
	duo_finish(&d);
}

/* Active: the template is built with the timestamps our SYN offers
 * (T knows P's MAC from an earlier connection, so the SYN goes from
 * it); P agrees none of the options, so the segments after the
 * handshake cannot use it: they go without options (20-byte header),
 * from the template built again. */
static void
test_syn_template_peer_refuses_timestamps(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r = peer_open_active(p);
	struct sim_pkt seg;
	uint64_t out0;

	/* The first connection resolved P's address: end it. */
	tern_tcp_abort(r->c);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, SEQ_ANY, SEQ_ANY);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	out0 = sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS);
	p->port++;
	r = sim_connect_to(p->t, p->p, p->port);
	p->tport = 0;
	p->tport = syn_expect(p, SIM_SYN, &p->p->mac, 0).sport;
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	p->snd_nxt = p->iss;
	p->syn_opts = (struct sim_tcp_opts){ .mss_ok = true, .mss = 1460 };
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, p->rcv_nxt, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->irs + 1, p->iss + 1);
	SIM_CHECK(!seg.h.opts.ts_ok);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_CHECK(!r->info.ts_ok && !r->info.sack_ok);
	tmpl_data_expect(p, r, false, &p->p->mac);
	tmpl_data_expect(p, r, false, &p->p->mac);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS), out0 + 4);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_destroy(p);
}

const struct sim_test tcp_tests_handshake[] = {
	SIM_TEST(test_s01_synack_echoes_options),
	SIM_TEST(test_s02_synack_without_options),
	SIM_TEST(test_s03_segments_to_no_connection),
	SIM_TEST(test_s03_connect_refused),
	SIM_TEST(test_s03_listener_family_refused),
	SIM_TEST(test_s04_listener_ignores_non_syn),
	SIM_TEST(test_s05_isn),
	SIM_TEST(test_s06_synack_retransmission),
	SIM_TEST(test_s07_syn_retransmission_timeout),
	SIM_TEST(test_syn_rto_queued_behind_answered_head),
	SIM_TEST(test_s08_simultaneous_open),
	SIM_TEST(test_s08_simultaneous_open_ack),
	SIM_TEST(test_s09_syn_sent_bad_ack_and_rst),
	SIM_TEST(test_s09_syn_sent_ack_without_syn),
	SIM_TEST(test_s10_data_on_syn),
	SIM_TEST(test_synrcvd_final_ack_checks),
	SIM_TEST(test_s52_listen_backlog_overflow),
	SIM_TEST(test_s52_syn_cookies),
	SIM_TEST(test_table_full_refusal),
	SIM_TEST_V4(test_synack_template_follows_neighbour),
	SIM_TEST(test_synack_template_by_neighbour_entry),
	SIM_TEST(test_syn_template_peer_refuses_timestamps),
};
const unsigned int tcp_tests_handshake_n = RTE_DIM(tcp_tests_handshake);
