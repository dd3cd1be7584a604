/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Closing and TIME_WAIT: TCP-SCENARIOS.md lines 18-27, close in SYN_SENT
 * and SYN_RCVD, abort (RFC 9293 3.6, 3.10.4, 3.10.5, 3.10.7.4; RFC 1122
 * 4.2.2.13, 4.2.2.20; RFC 1337; RFC 6191).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "tcp_fixture.h"
#include "tcp_fsm.h"

/* 2MSL of the default configuration, and slack for the timer tick. */
#define TWO_MSL(conf) (2ull * (conf)->msl_ms * SIM_MS)
#define TICK_SLACK (10 * SIM_MS)

/* Line 18 between two stacks, asserting both ends at every step. */
static void
test_s18_active_close(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct duo d;
	uint64_t t_tw, t_close;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, 10000), 10000);
	SIM_ASSERT_EQ(sim_conn_send_pattern(s, 10000), 10000);
	SIM_WAIT(d.sim, c->rx_bytes == 10000 && s->rx_bytes == 10000,
		 5 * SIM_S);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_FIN_WAIT_1);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_ESTABLISHED);
	SIM_WAIT(d.sim, s->peer_closed == 1, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_FIN_WAIT_1);
	SIM_WAIT(d.sim, sim_conn_state(c) == TERN_TCP_FIN_WAIT_2, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	t_close = sim_now(d.sim);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_LAST_ACK);
	SIM_WAIT(d.sim, c->closed == 1, SIM_S);
	t_tw = sim_now(d.sim);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(c->peer_closed, 1);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_LAST_ACK);
	SIM_WAIT(d.sim, s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_conn_count(d.b), 0);
	/* A acked B's FIN at once: one round trip, no retransmission */
	SIM_ASSERT(s->closed_at_ns - t_close <= 2 * d.latency_ns + SIM_MS,
		   "LAST_ACK lasted %.3f s", (s->closed_at_ns - t_close) / 1e9);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_RETRANS_SEGS), 0);
	/* TIME_WAIT holds for 2MSL from its start, then goes */
	sim_run_for(d.sim, t_tw + TWO_MSL(&conf) - TICK_SLACK - sim_now(d.sim));
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_WAIT(d.sim, sim_state_count(d.a, TERN_TCP_TIME_WAIT) == 0,
		 2 * TICK_SLACK);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_EXPIRED), 1);
	duo_finish(&d);
}

/* Line 20, second half: a FIN that also acks ours goes straight from
 * FIN_WAIT_1 to TIME_WAIT. */
static void
test_s18_fin_wait_1_fin_ack_to_time_wait(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, TERN_TCP_FIN_WAIT_1,
					 FX_SHUTDOWN);
	struct sim_pkt seg;

	peer_send_fin(p);	/* acks p->rcv_nxt: T's FIN included */
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/* Line 19: passive close; after the last ACK a stray segment gets RST. */
static void
test_s19_passive_close(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, TERN_TCP_LAST_ACK, FX_CLOSE);
	struct sim_pkt seg;

	SIM_ASSERT_EQ(r->peer_closed, 1);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_send_data(p, "late", 4);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, p->rcv_nxt, SEQ_ANY);
	peer_destroy(p);
}

/* A FIN (with data) as the third segment of the handshake: accepted,
 * data, end of stream, in that order; CLOSE_WAIT. */
static void
test_s19_fin_completes_handshake(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	struct sim_conn *r;
	uint32_t fin;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_flags(p, SIM_FIN | SIM_ACK | SIM_PSH, p->snd_nxt, p->rcv_nxt,
			"bye", 3);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->iss + 5);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	SIM_ASSERT_EQ(r->rx_bytes, 3);
	SIM_CHECK(memcmp(r->rx, "bye", 3) == 0);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	fin = p->rcv_nxt;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, p->iss + 5);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	peer_destroy(p);
}

/* Line 20: FINs cross -> CLOSING, then TIME_WAIT on the ACK. */
static void
test_s20_simultaneous_close(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, TERN_TCP_CLOSING, FX_CLOSE);

	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->closed, 0);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/* Line 20 between two stacks closing at the same instant. */
static void
test_s20_simultaneous_close_two_stacks(void)
{
	struct sim_conn *c, *s;
	struct duo d;

	duo_create(&d, NULL);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_FIN_WAIT_1);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_FIN_WAIT_1);
	SIM_WAIT(d.sim, c->peer_closed == 1 && s->peer_closed == 1, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_CLOSING);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_CLOSING);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_state_count(d.b, TERN_TCP_TIME_WAIT), 1);
	duo_finish(&d);
}

/* Line 21: half-close; data keeps flowing to the closer (FIN_WAIT_2)
 * from the peer (CLOSE_WAIT); the peer's FIN completes the close. */
static void
test_s21_half_close(void)
{
	struct sim_conn *c, *s;
	struct duo d;
	const uint32_t total = 300000;

	duo_create(&d, NULL);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(tern_tcp_shutdown(c->c), 0);
	SIM_WAIT(d.sim, sim_conn_state(c) == TERN_TCP_FIN_WAIT_2, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(s->peer_closed, 1);
	SIM_ASSERT_EQ(tern_tcp_send(c->c, "x", 1), -EPIPE);
	while (s->tx_bytes < total) {
		SIM_ASSERT(sim_conn_send_pattern(s, total -
			   (uint32_t)s->tx_bytes) >= 0, "send in CLOSE_WAIT");
		sim_run_for(d.sim, 10 * SIM_MS);
		SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_FIN_WAIT_2);
	}
	SIM_WAIT(d.sim, c->rx_bytes == total, 10 * SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(c->rx_bytes, total);
	SIM_ASSERT_EQ(c->peer_closed, 1);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	duo_finish(&d);
}

/* Line 22: data arriving after close() -> RST instead, counted. */
static void
data_after_close(enum tern_tcp_state state)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, state, FX_CLOSE);
	struct sim_pkt seg;

	peer_send_data(p, "more", 4);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT(seg.h.flags & SIM_RST, "no RST for data after close");
	SIM_ASSERT_EQ(seg.h.seq, p->rcv_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_ABORTED);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RESET_ON_CLOSE), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

static void
test_s22_data_after_close_fin_wait_1(void)
{
	data_after_close(TERN_TCP_FIN_WAIT_1);
}

static void
test_s22_data_after_close_fin_wait_2(void)
{
	data_after_close(TERN_TCP_FIN_WAIT_2);
}

/* Line 23: our lost FIN is retransmitted with backoff, then the
 * connection times out. */
static void
test_s23_fin_retransmission(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint64_t t[16];
	unsigned int n = 1;
	uint32_t fin;

	sim_tcp_conf_defaults(&conf);
	conf.max_retries = 4;
	p = fx_peer(&conf, &l);
	r = fx_to_state(p, l, TERN_TCP_FIN_WAIT_1, FX_CLOSE);
	t[0] = p->last_rx_ns;
	fin = p->rcv_nxt - 1;
	while (r->closed == 0 && peer_recv(p, 600 * SIM_S, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, p->snd_nxt);
		SIM_CHECK(n < RTE_DIM(t));
		t[n++] = p->last_rx_ns;
	}
	SIM_ASSERT_EQ(n, 1 + conf.max_retries);
	for (unsigned int i = 2; i < n; i++) {
		uint64_t prev = t[i - 1] - t[i - 2], got = t[i] - t[i - 1];

		SIM_ASSERT(got + 2 * SIM_MS >= 2 * prev &&
			   got <= 2 * prev + 2 * SIM_MS,
			   "FIN %u after %.3f s, the one before after %.3f s",
			   i, got / 1e9, prev / 1e9);
	}
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* Line 23: a FIN ahead of missing data is not acted on. */
static void
test_s23_fin_behind_hole(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t a[100], b[100];
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	peer_send_flags(p, SIM_FIN | SIM_ACK | SIM_PSH, base + 100, p->rcv_nxt,
			b, 100);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, a, 100);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	if (seg.h.ack == base + 100) {
		peer_send_flags(p, SIM_FIN | SIM_ACK | SIM_PSH, base + 100,
				p->rcv_nxt, b, 100);
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
	}
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 201);
	p->snd_nxt = base + 201;
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->rx_bytes, 200);
	SIM_CHECK(memcmp(r->rx, a, 100) == 0 && memcmp(r->rx + 100, b, 100) == 0);
	peer_destroy(p);
}

/*
 * Line 23: a bare FIN ahead of missing data is acted on as soon as the
 * data fills the hole: that in-order segment must not take the header
 * prediction path, which knows nothing of the FIN waiting above it.
 */
static void
test_s23_bare_fin_behind_hole(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t a[100];
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt;

	memset(a, 'a', sizeof(a));
	peer_send_flags(p, SIM_FIN | SIM_ACK, base + 100, p->rcv_nxt, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, a, 100);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 101);
	p->snd_nxt = base + 101;
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->rx_bytes, 100);
	SIM_CHECK(memcmp(r->rx, a, 100) == 0);
	peer_destroy(p);
}

/* Line 23: an orphaned FIN_WAIT_2 is reaped after fin_wait2_ms. */
static void
test_s23_orphan_fin_wait_2_reaped(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint64_t t0, fw2;

	sim_tcp_conf_defaults(&conf);
	p = fx_peer(&conf, &l);
	r = fx_to_state(p, l, TERN_TCP_FIN_WAIT_2, FX_CLOSE);
	t0 = sim_now(p->sim);
	fw2 = (uint64_t)conf.fin_wait2_ms * SIM_MS;
	sim_run_for(p->sim, fw2 - TICK_SLACK);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	sim_run_for(p->sim, 2 * TICK_SLACK);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT(r->closed_at_ns >= t0 + fw2, "reaped after %.3f s",
		   (r->closed_at_ns - t0) / 1e9);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_FIN_WAIT2_REAPED), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	while (peer_recv(p, 0, &seg))
		SIM_ASSERT(seg.h.flags & SIM_RST, "reaping sent a non-RST");
	/* the peer's late FIN finds no connection */
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT(seg.h.flags & SIM_RST, "late FIN not answered by RST");
	peer_destroy(p);
}

/* A FIN_WAIT_2 after shutdown() is a half-close: it is not reaped. */
static void
test_s23_fin_wait_2_after_shutdown_kept(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;

	sim_tcp_conf_defaults(&conf);
	p = fx_peer(&conf, &l);
	r = fx_to_state(p, l, TERN_TCP_FIN_WAIT_2, FX_SHUTDOWN);
	PEER_EXPECT_NONE(p, 3ull * conf.fin_wait2_ms * SIM_MS);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	peer_send_data(p, "still", 5);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	peer_send_fin(p);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/* Line 24: TIME_WAIT ACKs a retransmitted FIN and restarts 2MSL; after
 * 2MSL the 4-tuple is unknown. */
static void
test_s24_time_wait_reacks_fin(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt seg;
	uint64_t t_tw, t_re;

	sim_tcp_conf_defaults(&conf);
	p = fx_peer(&conf, &l);
	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_CLOSE);
	t_tw = sim_now(p->sim);
	PEER_EXPECT_NONE(p, TWO_MSL(&conf) / 2);
	peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt - 1, p->rcv_nxt,
			NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	t_re = sim_now(p->sim);
	PEER_EXPECT_NONE(p, t_tw + TWO_MSL(&conf) + TICK_SLACK -
			 sim_now(p->sim));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	PEER_EXPECT_NONE(p, t_re + TWO_MSL(&conf) + TICK_SLACK -
			 sim_now(p->sim));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_EXPIRED), 1);
	/* the 4-tuple is unknown now (port 80 only has its listener) */
	peer_send_ack(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, p->rcv_nxt, SEQ_ANY);
	peer_destroy(p);
}

/* Line 25: RST in TIME_WAIT is ignored (RFC 1337); a FIN is still
 * ACKed after it. */
static void
test_s25_rst_in_time_wait_ignored(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	uint64_t ignored;

	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_CLOSE);
	ignored = sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED);
	peer_send_flags(p, SIM_RST, p->snd_nxt, 0, NULL, 0);
	peer_send_flags(p, SIM_RST | SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED),
		      ignored + 2);
	peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt - 1, p->rcv_nxt,
			NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	peer_destroy(p);
}

/* A SYN from P's old port while T holds TIME_WAIT; @p seq_delta from
 * the old RCV.NXT. @return whether T answered SYN+ACK. */
static bool
syn_into_time_wait(struct peer *p, int32_t seq_delta)
{
	struct sim_pkt seg;
	uint32_t old_snd_nxt = p->snd_nxt;
	uint32_t seq = p->snd_nxt + (uint32_t)seq_delta;
	bool synack = false;

	peer_send_flags(p, SIM_SYN, seq, 0, NULL, 0);
	while (peer_recv(p, 0, &seg)) {
		SIM_ASSERT(!(seg.h.flags & SIM_RST), "RST to a SYN in TIME_WAIT");
		if (seg.h.flags & SIM_SYN) {
			PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY,
					seq + 1);
			synack = true;
		} else {
			/* tolerated: Linux re-ACKs; RFC 6191 drops */
			PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, SEQ_ANY);
		}
	}
	if (!synack)
		p->snd_nxt = old_snd_nxt;
	return synack;
}

/* Line 26, no timestamps: a SYN above RCV.NXT opens a new connection. */
static void
test_s26_syn_in_time_wait_higher_seq(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);

	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_CLOSE);
	SIM_CHECK(syn_into_time_wait(p, 100000));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_REUSED), 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 2);
	SIM_ASSERT_STATE(sim_conn_state(l->last), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* Line 26, no timestamps: a SYN below RCV.NXT is ignored. */
static void
test_s26_syn_in_time_wait_old_seq(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);

	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_CLOSE);
	SIM_CHECK(!syn_into_time_wait(p, -1000));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(l->naccepted, 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_REUSED), 0);
	peer_destroy(p);
}

/* Line 26 with timestamps: the timestamp decides, not the sequence. */
static void
test_s26_syn_in_time_wait_timestamps(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);

	p->syn_opts.ts_ok = true;
	p->tsval = 100000;
	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_CLOSE);
	/* older timestamp, higher sequence: ignored */
	p->tsval = 50000;
	SIM_CHECK(!syn_into_time_wait(p, 100000));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	/* newer timestamp, lower sequence: a new connection */
	p->tsval = 200000;
	SIM_CHECK(syn_into_time_wait(p, -1000));
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_REUSED), 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 2);
	peer_destroy(p);
}

/* Line 27: beyond max_tw the oldest TIME_WAIT is recycled, counted;
 * memory stays flat. */
static void
test_s27_time_wait_cap(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	unsigned int in_use = 0;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	conf.max_tw = 4;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	for (int i = 0; i < 10; i++) {
		c = duo_connect(&d, &s);
		SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
		SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
		SIM_ASSERT(sim_state_count(d.a, TERN_TCP_TIME_WAIT) ==
			   (uint32_t)RTE_MIN(i + 1, 4),
			   "%u TIME_WAITs after %d closes",
			   sim_state_count(d.a, TERN_TCP_TIME_WAIT), i + 1);
		if (i == 4)
			in_use = rte_mempool_in_use_count(d.a->pool);
	}
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_RECYCLED), 6);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(d.a->pool), in_use);
	duo_finish(&d);
}

/*
 * Line 27, max_tw 20: more than a bulk refill of the free records' stash
 * leaves in the pool. Every record is still used before the oldest is
 * recycled (20 TIME_WAITs, then TWRecycled 4 of 24 closes); once 2 MSL
 * pass all come back, and a second round uses all 20 again.
 */
static void
test_s27_time_wait_cap_past_a_refill(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	conf.max_tw = 20;
	conf.msl_ms = 1000;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	for (int round = 1; round <= 2; round++) {
		for (int i = 0; i < 24; i++) {
			c = duo_connect(&d, &s);
			SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
			SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1,
				 5 * SIM_S);
			SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT),
				      (uint32_t)RTE_MIN(i + 1, 20));
		}
		SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_RECYCLED),
			      4 * round);
		SIM_WAIT(d.sim, sim_state_count(d.a, TERN_TCP_TIME_WAIT) == 0,
			 5 * SIM_S);
		SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_EXPIRED),
			      20 * round);
	}
	duo_finish(&d);
}

/*
 * Line 27 with max_tw 0: TIME_WAIT is not kept. A segment for no
 * connection is answered (the TIME_WAIT table it would be looked up in
 * does not exist); the active closer goes straight to CLOSED, counted
 * (TWSkipped); a retransmitted FIN then finds nothing and gets a RST.
 */
static void
test_s27_max_tw_zero(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct sim_pkt seg;
	struct peer *p;

	sim_tcp_conf_defaults(&conf);
	conf.max_tw = 0;
	p = fx_peer(&conf, &l);
	p->tport = FX_PORT + 1;	/* nobody there */
	peer_send_flags(p, SIM_ACK, 1000, 2000, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, 2000, SEQ_ANY);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_NO_CONN), 1);
	r = fx_to_state(p, l, TERN_TCP_FIN_WAIT_2, FX_CLOSE);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_SKIPPED), 1);
	/* P's FIN again, as if our ACK were lost */
	peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt - 1, p->rcv_nxt,
			NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, p->rcv_nxt, SEQ_ANY);
	fx_run_out(p->sim);
	peer_destroy(p);
}

/* ---- active opens reusing TIME_WAIT 4-tuples (conf.tw_reuse) ---- */

/* One ephemeral port: every active open to B needs the same 4-tuple. */
#define ONE_PORT 40000

static void
one_port_conf(struct tern_tcp_conf *conf)
{
	sim_tcp_conf_defaults(conf);
	conf->port_min = ONE_PORT;
	conf->port_max = ONE_PORT;
}

/* A connects to B, sends @p bytes, closes first: A holds the TIME_WAIT.
 * @return the sequence number just past A's FIN (the record's SND.NXT). */
static uint32_t
duo_active_close(struct duo *d, uint32_t bytes)
{
	struct sim_conn *c, *s;
	struct tern_tcp_info info;
	uint32_t sent = 0;

	c = duo_connect(d, &s);
	SIM_ASSERT_EQ(c->info.lport, ONE_PORT);
	while (sent < bytes) {
		int32_t n = sim_conn_send_pattern(c, bytes - sent);

		SIM_ASSERT(n >= 0, "send: %d", n);
		sent += (uint32_t)n;
		SIM_WAIT(d->sim, s->rx_bytes == sent, 10 * SIM_S);
	}
	tern_tcp_get_info(c->c, &info);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d->sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(d->a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_state_count(d->b, TERN_TCP_TIME_WAIT), 0);
	return info.snd_nxt + 1;
}

static int
duo_try_connect(struct duo *d, struct tern_conn **out)
{
	return sim_tcp_connect_to(d->a, d->b, DUO_PORT, NULL, out);
}

/*
 * With timestamps, an active open takes its own TIME_WAIT 4-tuple once
 * the record is tw_reuse_delay_ms old: before, connect fails at once
 * with EADDRNOTAVAIL (counted); after, the new SYN's ISS lies above the
 * old sequence space and the connection carries data both ways.
 */
static void
test_tw_reuse_active(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct tern_conn *h;
	uint32_t old_snd_nxt;
	struct duo d;

	one_port_conf(&conf);
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	/* More than the ISN clock moves in a few seconds (250,000 a second):
	 * only the placement above the old SND.NXT keeps the new ISS there. */
	old_snd_nxt = duo_active_close(&d, 4000000);
	/* too young: refused, the record stays */
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 2);
	sim_run_for(d.sim, conf.tw_reuse_delay_ms * SIM_MS - 100 * SIM_MS);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 0);
	/* old enough: the same 4-tuple again */
	sim_run_for(d.sim, 200 * SIM_MS);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(c->info.lport, ONE_PORT);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 1);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT(seq_geq(c->info.iss, old_snd_nxt + UINT16_MAX + 2),
		   "new ISS %u not above the old SND.NXT %u", c->info.iss,
		   old_snd_nxt);
	SIM_ASSERT(s->info.ts_ok && c->info.ts_ok, "timestamps not agreed");
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, 5000), 5000);
	SIM_ASSERT_EQ(sim_conn_send_pattern(s, 5000), 5000);
	SIM_WAIT(d.sim, c->rx_bytes == 5000 && s->rx_bytes == 5000, SIM_S);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_PAWS_DROPS), 0);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_PAWS_DROPS), 0);
	/* and it closes into a TIME_WAIT of its own */
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	duo_finish(&d);
}

/*
 * Without timestamps a TIME_WAIT 4-tuple is never reused: connect fails
 * with EADDRNOTAVAIL for all of 2MSL, at once each time, and works again
 * as soon as the record expires.
 */
static void
test_tw_reuse_refused_without_timestamps(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct tern_conn *h;
	struct duo d;

	one_port_conf(&conf);
	conf.timestamps = false;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	(void)duo_active_close(&d, 3000);
	for (int i = 0; i < 10; i++) {
		sim_run_for(d.sim, 5 * SIM_S);
		SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	}
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 10);
	SIM_WAIT(d.sim, sim_state_count(d.a, TERN_TCP_TIME_WAIT) == 0,
		 TWO_MSL(&conf));
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(c->info.lport, ONE_PORT);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_EXPIRED), 1);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	duo_finish(&d);
}

/* With reuse off, timestamps or not, the same as without timestamps. */
static void
test_tw_reuse_off(void)
{
	struct tern_tcp_conf conf;
	struct tern_conn *h;
	struct duo d;

	one_port_conf(&conf);
	conf.tw_reuse = false;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	(void)duo_active_close(&d, 3000);
	sim_run_for(d.sim, 10 * SIM_S);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 1);
	duo_finish(&d);
}

/*
 * Even with no delay asked for, the new SYN's TSval must be above the
 * old connection's last one: not within the millisecond the record was
 * written, and then at once.
 */
static void
test_tw_reuse_needs_newer_timestamp(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct tern_conn *h;
	struct duo d;

	one_port_conf(&conf);
	conf.tw_reuse_delay_ms = 0;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	/* the step that enters TIME_WAIT, still in its millisecond */
	SIM_WAIT(d.sim, c->closed == 1, SIM_S);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 0);
	SIM_WAIT(d.sim, s->closed == 1, SIM_S);
	sim_run_for(d.sim, SIM_MS);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TW_REUSED_ACTIVE), 1);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	duo_finish(&d);
}

/*
 * Source addresses multiply the tuple space: with reuse off and one
 * port, A (four addresses) opens and closes four connections to the same
 * B:port, one from each address (ARP answered for each), and only the
 * fifth finds nothing, at once.
 */
static void
test_src_addrs_multiply_tuple_space(void)
{
	struct tern_tcp_conf conf;
	struct tern_if_conf *ifc;
	rte_be32_t used[4];
	struct tern_conn *h;
	struct duo d;

	one_port_conf(&conf);
	conf.tw_reuse = false;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	ifc = &d.a->ctx->ifc;
	for (uint8_t i = 0; i < 3; i++)
		ifc->extra_ip[i] = sim_ip((uint8_t)(100 + i));
	ifc->nb_extra_ip = 3;
	for (int i = 0; i < 4; i++) {
		struct sim_conn *c, *s;

		c = duo_connect(&d, &s);
		used[i] = c->info.laddr;
		SIM_ASSERT(s->info.faddr == used[i], "B sees another source");
		for (int j = 0; j < i; j++)
			SIM_ASSERT(used[j] != used[i],
				   "source address used twice");
		SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
		SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
		SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	}
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 4);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_ARP_REPLIES_SENT), 3);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 1);
	duo_finish(&d);
}

/* Abort @p c (an RST to its peer @p s) and wait until both are gone. */
static void
duo_abort(struct duo *d, struct sim_conn *c, struct sim_conn *s)
{
	tern_tcp_abort(c->c);
	SIM_WAIT(d->sim, c->closed == 1 && s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_RESET);
}

/* The @p i th port of the three from ONE_PORT after @p first. */
static uint16_t
third_port(uint16_t first, uint16_t i)
{
	return (uint16_t)(ONE_PORT + (first - ONE_PORT + i) % 3);
}

/*
 * Three ephemeral ports, the rotor back on the first one taken: a free
 * port is taken where the rotor stands; one held by a live connection
 * is passed over for the next free one; with all three held, connect
 * fails at once (EADDRNOTAVAIL, counted).
 */
static void
test_connect_rotor_passes_live_tuple(void)
{
	struct sim_conn *c[3], *s[3], *n, *ns, *m, *ms;
	struct tern_tcp_conf conf;
	struct tern_conn *h;
	uint16_t first;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	conf.port_min = ONE_PORT;
	conf.port_max = ONE_PORT + 2;
	duo_create(&d, &conf);
	for (uint16_t i = 0; i < 3; i++)
		c[i] = duo_connect(&d, &s[i]);
	first = c[0]->info.lport;    /* the rotor starts anywhere */
	SIM_ASSERT_EQ(c[1]->info.lport, third_port(first, 1));
	SIM_ASSERT_EQ(c[2]->info.lport, third_port(first, 2));
	duo_abort(&d, c[0], s[0]);
	duo_abort(&d, c[2], s[2]);
	n = duo_connect(&d, &ns);
	SIM_ASSERT_EQ(n->info.lport, first);
	/* the rotor stands on c[1]'s port */
	m = duo_connect(&d, &ms);
	SIM_ASSERT_EQ(m->info.lport, third_port(first, 2));
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 0);
	SIM_ASSERT_EQ(duo_try_connect(&d, &h), -EADDRNOTAVAIL);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_CONNECT_NO_PORT), 1);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_ESTABLISHED), 3);
	duo_abort(&d, c[1], s[1]);
	duo_abort(&d, n, ns);
	duo_abort(&d, m, ms);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 0);
	duo_finish(&d);
}

/* T's active close against P, both with timestamps: T ends in TIME_WAIT. */
static void
peer_active_close(struct peer *p, struct sim_conn *r)
{
	struct sim_pkt seg;

	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, SEQ_ANY, p->snd_nxt);
	peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
}

/*
 * The TSval of the SYN that reuses a TIME_WAIT 4-tuple is above every
 * TSval of the old connection, its ISS above the old SND.NXT; and a
 * delayed duplicate of the peer's old connection, in sequence for the
 * new one, is dropped by PAWS.
 */
static void
test_tw_reuse_active_paws(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *r, *r2;
	struct sim_tcp_spec stale;
	struct sim_pkt seg;
	uint32_t old_tsval_max, old_snd_nxt, rcv_nxt;
	struct tern_conn *h;
	struct peer *p;

	one_port_conf(&conf);
	p = peer_create(sim_test_seed(), &conf);
	p->syn_opts.ts_ok = true;
	p->tsval = 5000;
	r = peer_open_active(p);
	SIM_CHECK(p->ts);
	/* P's last data of the old connection, kept to be replayed */
	peer_send_data(p, "old", 3);
	stale = p->last;
	PEER_EXPECT(p, SIM_S, &seg);
	SIM_ASSERT_EQ(r->rx_bytes, 3);
	peer_active_close(p, r);
	old_tsval_max = p->ts_recent;
	old_snd_nxt = p->rcv_nxt;
	/* too early: no SYN */
	SIM_ASSERT(sim_tcp_connect_to(p->t, p->p, p->port, NULL, &h) ==
		   -EADDRNOTAVAIL,
		   "a young TIME_WAIT was reused");
	PEER_EXPECT_NONE(p, 10 * SIM_MS);
	sim_run_for(p->sim, conf.tw_reuse_delay_ms * SIM_MS);
	/* P's timestamp clock went on: its new TSvals are higher */
	p->tsval += 100000;
	r2 = peer_open_active(p);
	SIM_ASSERT_EQ(p->tport, ONE_PORT);
	SIM_ASSERT(seq_geq(p->irs, old_snd_nxt + UINT16_MAX + 2),
		   "ISS %u not above the old SND.NXT %u", p->irs, old_snd_nxt);
	SIM_ASSERT(seq_gt(p->ts_recent, old_tsval_max),
		   "SYN TSval %u not above the old %u", p->ts_recent,
		   old_tsval_max);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_REUSED_ACTIVE), 1);
	/* the old duplicate, in sequence for the new connection */
	rcv_nxt = p->snd_nxt;
	stale.seq = rcv_nxt;
	stale.ack = p->rcv_nxt;
	peer_send(p, &stale);
	p->snd_nxt = rcv_nxt;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT_EQ(r2->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 1);
	/* the new connection's own data is taken */
	peer_send_data(p, "new", 3);
	SIM_ASSERT_EQ(r2->rx_bytes, 3);
	PEER_EXPECT(p, SIM_S, &seg);
	tern_tcp_abort(r2->c);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, SEQ_ANY, SEQ_ANY);
	peer_destroy(p);
}

/* close() in SYN_SENT: gone at once, nothing more sent. */
static void
test_close_in_syn_sent(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = peer_connect_syn(p, &seg);
	iss = seg.h.seq;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	sim_settle(p->sim);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->connected, 0);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	PEER_EXPECT_NONE(p, 10 * SIM_S);
	/* the late SYN+ACK finds no connection */
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, iss + 1, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, iss + 1, SEQ_ANY);
	peer_destroy(p);
}

/* close() in SYN_RCVD (simultaneous open): FIN at once, FIN_WAIT_1. */
static void
test_close_in_syn_rcvd(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = fx_simultaneous_syn_rcvd(p, &iss);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, iss + 1, p->iss + 1);
	/* P acks SYN and FIN, then closes too */
	peer_send_flags(p, SIM_ACK, p->iss + 1, iss + 2, NULL, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 2, p->iss + 2);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/*
 * shutdown() in SYN_RCVD (simultaneous open): FIN_WAIT_1 with our SYN
 * unacknowledged. Data whose ACK does not cover the SYN is refused as
 * in SYN_RCVD (RFC 9293 3.10.7.4: RST <SEQ=SEG.ACK>, segment dropped):
 * no recv() before connected(). The ACK of SYN and FIN completes the
 * open: connected(), then the data it carries, then FIN_WAIT_2.
 */
static void
test_shutdown_in_syn_rcvd_no_data_before_connected(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t iss;

	r = fx_simultaneous_syn_rcvd(p, &iss);
	SIM_ASSERT_EQ(tern_tcp_shutdown(r->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, iss + 1, p->iss + 1);
	/* data acking nothing of ours (SEG.ACK = SND.UNA = ISS) */
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, iss, "early", 5);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, iss, SEQ_ANY);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->rx_calls, 0);
	SIM_ASSERT_EQ(r->connected, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	/* the same data again, now acking SYN and FIN */
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->iss + 1, iss + 2, "early", 5);
	SIM_ASSERT_EQ(r->connected, 1);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 2, p->iss + 6);
	/* P closes: TIME_WAIT, closed(NORMAL) */
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 2, p->iss + 7);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/* abort(): RST to the peer, closed(ABORTED) at once here, RESET there. */
static void
test_abort_resets_peer(void)
{
	struct sim_conn *c, *s;
	struct duo d;

	duo_create(&d, NULL);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, 5000), 5000);
	tern_tcp_abort(c->c);
	SIM_ASSERT_EQ(c->closed, 1);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_ABORTED);
	SIM_WAIT(d.sim, s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_RESET);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_OUT_RSTS), 1);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_ESTAB_RESETS), 1);
	duo_finish(&d);
}

/* How often @p what occurs in @p text. */
static unsigned int
count_of(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/*
 * One connection closed normally and one reset, with tern.tcp.fsm at
 * @p fsm_level and tern.tcp at INFO; returns what was logged (free()).
 */
static char *
log_two_lifecycles(uint32_t fsm_level)
{
	int fsm_was = rte_log_get_level((uint32_t)tern_logtype_tcp_fsm);
	int tcp_was = rte_log_get_level((uint32_t)tern_logtype_tcp);
	struct sim_conn *c, *s;
	char *text = NULL;
	size_t len = 0;
	struct duo d;
	FILE *f;

	f = open_memstream(&text, &len);
	SIM_ASSERT(f != NULL, "open_memstream");
	SIM_ASSERT_EQ(rte_openlog_stream(f), 0);
	rte_log_set_level((uint32_t)tern_logtype_tcp_fsm, fsm_level);
	rte_log_set_level((uint32_t)tern_logtype_tcp, RTE_LOG_INFO);
	duo_create(&d, NULL);
	/* A closes first: its end is TIME_WAIT, B's LAST_ACK -> CLOSED */
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, s->peer_closed == 1, SIM_S);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d.sim, s->closed == 1 && c->closed == 1, SIM_S);
	/* A aborts: B is reset by the peer */
	c = duo_connect(&d, &s);
	tern_tcp_abort(c->c);
	SIM_WAIT(d.sim, s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_RESET);
	duo_finish(&d);
	rte_log_set_level((uint32_t)tern_logtype_tcp_fsm, (uint32_t)fsm_was);
	rte_log_set_level((uint32_t)tern_logtype_tcp, (uint32_t)tcp_was);
	rte_openlog_stream(NULL);
	fclose(f);
	return text;
}

/*
 * tern.tcp.fsm at DEBUG traces every state change of both ends, in
 * order; tern.tcp reports the end that was not asked for (the reset),
 * and only that one, whatever tern.tcp.fsm's level.
 */
static void
assert_logged_in_order(const char *text, const char *const *changes,
		       unsigned int n)
{
	const char *prev = text;

	for (unsigned int i = 0; i < n; i++) {
		const char *at = strstr(text, changes[i]);

		SIM_ASSERT(at != NULL, "no \"%s\" in:\n%s", changes[i], text);
		SIM_ASSERT(at >= prev, "\"%s\" before \"%s\" in:\n%s",
			   changes[i], changes[i - 1], text);
		prev = at;
	}
}

static void
test_fsm_log_traces_every_change(void)
{
	static const char *const active[] = {
		"CLOSED -> SYN_SENT", "SYN_SENT -> ESTABLISHED",
		"ESTABLISHED -> FIN_WAIT_1", "FIN_WAIT_1 -> FIN_WAIT_2",
		"FIN_WAIT_2 -> TIME_WAIT",
	};
	static const char *const passive[] = {
		"LISTEN -> SYN_RCVD", "SYN_RCVD -> ESTABLISHED",
		"ESTABLISHED -> CLOSE_WAIT", "CLOSE_WAIT -> LAST_ACK",
		"LAST_ACK -> CLOSED",
	};
	char *text = log_two_lifecycles(RTE_LOG_DEBUG);

	/* the normal lifecycle: five changes each end, in order */
	assert_logged_in_order(text, active, RTE_DIM(active));
	assert_logged_in_order(text, passive, RTE_DIM(passive));
	/* the reset one's: opened as above, then ESTABLISHED -> CLOSED on
	 * both ends; 16 in all */
	SIM_ASSERT_EQ(count_of(text, "CLOSED -> SYN_SENT"), 2);
	SIM_ASSERT_EQ(count_of(text, "ESTABLISHED -> CLOSED"), 2);
	SIM_ASSERT_EQ(count_of(text, " -> "), 16);
	SIM_ASSERT_EQ(count_of(text, "tern.tcp.fsm: "), 16);
	SIM_ASSERT_EQ(count_of(text, "in ESTABLISHED: reset by the peer"), 1);
	SIM_ASSERT_EQ(count_of(text, "tern.tcp: "), 1);
	free(text);

	text = log_two_lifecycles(RTE_LOG_NOTICE);
	SIM_ASSERT_EQ(count_of(text, " -> "), 0);
	SIM_ASSERT_EQ(count_of(text, "in ESTABLISHED: reset by the peer"), 1);
	SIM_ASSERT_EQ(count_of(text, "tern.tcp: "), 1);
	free(text);
}

/*
 * The ACK of our FIN ends our sending: it is no RTT sample (nothing of
 * ours is timed again), the retransmission timer is off, and nothing
 * is sent in FIN_WAIT_2 until the peer's FIN, which is acknowledged.
 */
static void
test_ack_of_fin_ends_sending(void)
{
	struct tern_tcp_info before, after;
	struct sim_listener *l;
	struct sim_pkt seg;
	struct sim_conn *r;
	struct peer *p;
	uint32_t fin;

	p = fx_peer(NULL, &l);
	p->syn_opts.ts_ok = true;
	r = peer_open_passive(p, l);
	SIM_CHECK(r->info.ts_ok);
	fin = p->rcv_nxt;
	SIM_ASSERT_EQ(tern_tcp_shutdown(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, p->snd_nxt);
	tern_tcp_get_info(r->c, &before);
	SIM_ASSERT(before.srtt_us != 0, "no sample from the handshake");
	/* 50 ms later, echoing the FIN's TSval: a 50 ms round trip, were
	 * it taken. */
	sim_run_for(p->sim, 50 * SIM_MS);
	peer_send_ack(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	tern_tcp_get_info(r->c, &after);
	SIM_ASSERT_EQ(after.snd_una, fin + 1);
	SIM_ASSERT_EQ(after.snd_nxt, fin + 1);
	SIM_ASSERT_EQ(after.unacked_bytes, 0);
	SIM_ASSERT_EQ(after.srtt_us, before.srtt_us);
	SIM_ASSERT_EQ(after.rttvar_us, before.rttvar_us);
	SIM_ASSERT_EQ(after.rto_ms, before.rto_ms);
	/* Nothing resent, nothing probed. */
	PEER_EXPECT_NONE(p, 10 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, fin + 1, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/*
 * The peer's FIN+ACK in ESTABLISHED, acking our data (the usual end of
 * a request): the ordered checks of RFC 9293 3.10.7.4 still apply to
 * it. A stale timestamp (PAWS) and an ACK of bytes never sent each get
 * the segment dropped and an ACK back, the FIN not taken; the good one
 * takes the FIN and the ACK together (CLOSE_WAIT, peer_closed()); in
 * LAST_ACK an ACK of our FIN with a stale timestamp ends nothing. Then
 * the FIN+ACK in FIN_WAIT_1 that covers our FIN moves straight to
 * TIME_WAIT.
 */
static void
test_fin_ack_checked_in_order(void)
{
	struct tern_tcp_info info;
	struct sim_tcp_spec fin;
	struct sim_listener *l;
	struct sim_pkt seg;
	struct sim_conn *r;
	struct peer *p;
	uint32_t data_at, seq;

	p = fx_peer(NULL, &l);
	p->syn_opts.ts_ok = true;
	r = peer_open_passive(p, l);
	SIM_CHECK(r->info.ts_ok);
	data_at = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 100), 100);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 100);
	seq = p->snd_nxt;
	/* PAWS: a TSval older than the last one taken. */
	fin = peer_seg(p, SIM_FIN | SIM_ACK, seq, p->rcv_nxt);
	fin.opts.tsval -= 1000;
	peer_send(p, &fin);
	p->snd_nxt = seq;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at + 100, seq);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.unacked_bytes, 100);
	/* An ACK of bytes we never sent (RFC 9293, RFC 5961 5.2). */
	peer_send_flags(p, SIM_FIN | SIM_ACK, seq, p->rcv_nxt + 10, NULL, 0);
	p->snd_nxt = seq;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at + 100, seq);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_ACK_UNSENT), 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(r->peer_closed, 0);
	/* The good one: the data acknowledged, the FIN taken. */
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at + 100, seq + 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.unacked_bytes, 0);
	SIM_ASSERT_EQ(info.snd_una, data_at + 100);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, data_at + 100, seq + 1);
	/* LAST_ACK: the ACK of our FIN with a stale TSval is no ACK. */
	fin = peer_seg(p, SIM_ACK, seq + 1, p->rcv_nxt);
	fin.opts.tsval -= 1000;
	peer_send(p, &fin);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at + 101, seq + 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_PAWS_DROPS), 2);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	SIM_ASSERT_EQ(r->closed, 0);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_destroy(p);

	/* Active close: our FIN, then the peer's FIN+ACK covering it. */
	p = fx_peer(NULL, &l);
	p->syn_opts.ts_ok = true;
	r = peer_open_passive(p, l);
	data_at = p->rcv_nxt;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, data_at, p->snd_nxt);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	seq = p->snd_nxt;
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at + 1, seq + 1);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	/* The TIME_WAIT record alone is left. */
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 1);
	peer_destroy(p);
}

/*
 * close() right behind a send(), nothing in flight: the bytes and the
 * FIN leave in one segment; the peer's ACK of both moves us to
 * FIN_WAIT_2.
 */
static void
test_close_fin_rides_queued_data(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t start = p->rcv_nxt;
	struct sim_pkt seg;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 300), 300);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, start, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 300);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(p->rcv_nxt, start + 301);
	peer_send_ack(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, start + 301, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_destroy(p);
}

/*
 * close() behind more bytes than the peer's window takes: the FIN
 * waits for the last of them, and goes with it once the window opens.
 */
static void
test_close_fin_waits_for_the_window(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t start;

	p->win = 100;
	r = peer_open_passive(p, l);
	start = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 250), 250);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, start, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 100);
	PEER_EXPECT_NONE(p, 0);
	peer_send_ack(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, start + 100, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 100);
	PEER_EXPECT_NONE(p, 0);
	peer_send_ack(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, start + 200, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 50);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	peer_send_ack(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(r->closed, 1);
	peer_destroy(p);
}

/* The hits of the state table's row called @p name on @p n. */
static uint64_t
close_row_hits(const struct sim_node *n, const char *name)
{
	unsigned int rows = tern_tcp_fsm_entries();

	for (unsigned int i = 0; i < rows; i++)
		if (strcmp(tern_tcp_fsm_entry_name(i), name) == 0)
			return tern_tcp_fsm_hits(n->ctx, i);
	SIM_ASSERT(false, "no row %s", name);
	return 0;
}

#define ROW_FIN_CLOSE "ESTABLISHED --SEG_FIN_CLOSE--> LAST_ACK"
#define ROW_FIN "ESTABLISHED --SEG_FIN--> CLOSE_WAIT"
#define ROW_USER_CLOSE "CLOSE_WAIT --USER_CLOSE--> LAST_ACK"

/*
 * The app's promise to close on the peer's FIN (tern_tcp_set_close_on_fin()):
 * the peer's bare FIN+ACK, acknowledging the response, takes one step,
 * ESTABLISHED -> LAST_ACK, our FIN leaves with the ACK of the peer's in
 * one segment, and peer_closed() is called in LAST_ACK, where close() is
 * a no-op and send() refused. The last ACK ends it; no mbuf is kept.
 */
static void
test_close_on_fin_one_step(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	uint64_t fin_close, fin, user_close;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t data_at, seq;

	p->syn_opts.ts_ok = true;
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(tern_tcp_set_close_on_fin(r->c, true), 0);
	data_at = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 226), 226);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 226);
	fin_close = close_row_hits(p->t, ROW_FIN_CLOSE);
	fin = close_row_hits(p->t, ROW_FIN);
	user_close = close_row_hits(p->t, ROW_USER_CLOSE);
	seq = p->snd_nxt;
	peer_send_fin(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(r->closed, 0);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN_CLOSE), fin_close + 1);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN), fin);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_USER_CLOSE), user_close);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, data_at + 226, seq + 1);
	SIM_ASSERT_EQ(seg.h.payload_len, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	SIM_ASSERT_EQ(sim_conn_send(r, "x", 1), -EPIPE);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(p->rcv_nxt, data_at + 227);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	SIM_ASSERT_EQ(fx_tcp_drops(p->t), 0);
	sim_assert_quiescent(p->sim);
	peer_destroy(p);
}

/*
 * Under the promise, a FIN that carries data (a request and its FIN in
 * one segment) goes the ordered way: the data is delivered, CLOSE_WAIT,
 * peer_closed(), the ACK; the app answers and closes, and the response
 * goes out before our FIN, in one segment.
 */
static void
test_close_on_fin_with_data_answered(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	uint64_t fin_close, fin;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t data_at, seq;

	p->syn_opts.ts_ok = true;
	r = peer_open_passive(p, l);
	r->keep_rx = true;
	SIM_ASSERT_EQ(tern_tcp_set_close_on_fin(r->c, true), 0);
	data_at = p->rcv_nxt;
	fin_close = close_row_hits(p->t, ROW_FIN_CLOSE);
	fin = close_row_hits(p->t, ROW_FIN);
	seq = p->snd_nxt;
	peer_send_flags(p, SIM_FIN | SIM_ACK | SIM_PSH, seq, p->rcv_nxt,
			"ping", 4);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->rx_bytes, 4);
	SIM_CHECK(memcmp(r->rx, "ping", 4) == 0);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN_CLOSE), fin_close);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN), fin + 1);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at, seq + 5);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 226), 226);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, data_at, seq + 5);
	SIM_ASSERT_EQ(seg.h.payload_len, 226);
	PEER_EXPECT_NONE(p, 0);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(p->rcv_nxt, data_at + 227);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	sim_assert_quiescent(p->sim);
	peer_destroy(p);
}

/*
 * The promise withdrawn: the bare FIN is taken as without it --
 * CLOSE_WAIT, an ACK alone, peer_closed() -- and close() sends our FIN.
 */
static void
test_close_on_fin_withdrawn(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	uint64_t fin_close, fin;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t data_at, seq;

	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(tern_tcp_set_close_on_fin(r->c, true), 0);
	SIM_ASSERT_EQ(tern_tcp_set_close_on_fin(r->c, false), 0);
	data_at = p->rcv_nxt;
	fin_close = close_row_hits(p->t, ROW_FIN_CLOSE);
	fin = close_row_hits(p->t, ROW_FIN);
	seq = p->snd_nxt;
	peer_send_fin(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, data_at, seq + 1);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN_CLOSE), fin_close);
	SIM_ASSERT_EQ(close_row_hits(p->t, ROW_FIN), fin + 1);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, data_at, seq + 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	sim_assert_quiescent(p->sim);
	peer_destroy(p);
}

/*
 * Between two stacks, the promise given by B's listener
 * (tern_tcp_listen_close_on_fin()) to each connection it accepts: bytes
 * both ways, A closes, B goes from ESTABLISHED to LAST_ACK in one step
 * and its FIN+ACK takes A to TIME_WAIT; both ends closed NORMAL, no
 * retransmission, pools back at baseline.
 */
static void
test_close_on_fin_by_listener(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	uint64_t fin_close, user_close;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	tern_tcp_listen_close_on_fin(d.l->l, true);
	c = duo_connect(&d, &s);
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, 10000), 10000);
	SIM_ASSERT_EQ(sim_conn_send_pattern(s, 10000), 10000);
	SIM_WAIT(d.sim, c->rx_bytes == 10000 && s->rx_bytes == 10000,
		 5 * SIM_S);
	fin_close = close_row_hits(d.b, ROW_FIN_CLOSE);
	user_close = close_row_hits(d.b, ROW_USER_CLOSE);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, s->peer_closed == 1, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_LAST_ACK);
	SIM_ASSERT_EQ(close_row_hits(d.b, ROW_FIN_CLOSE), fin_close + 1);
	SIM_ASSERT_EQ(close_row_hits(d.b, ROW_USER_CLOSE), user_close);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(c->peer_closed, 1);
	SIM_ASSERT_EQ(c->rx_bad_at, 0);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	SIM_ASSERT_EQ(sim_state_count(d.a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_conn_count(d.b), 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS), 0);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_RETRANS_SEGS), 0);
	duo_finish(&d);
}

const struct sim_test tcp_tests_close[] = {
	SIM_TEST(test_s18_active_close),
	SIM_TEST(test_s18_fin_wait_1_fin_ack_to_time_wait),
	SIM_TEST(test_s19_passive_close),
	SIM_TEST(test_s19_fin_completes_handshake),
	SIM_TEST(test_s20_simultaneous_close),
	SIM_TEST(test_s20_simultaneous_close_two_stacks),
	SIM_TEST(test_s21_half_close),
	SIM_TEST(test_s22_data_after_close_fin_wait_1),
	SIM_TEST(test_s22_data_after_close_fin_wait_2),
	SIM_TEST(test_s23_fin_retransmission),
	SIM_TEST(test_s23_fin_behind_hole),
	SIM_TEST(test_s23_bare_fin_behind_hole),
	SIM_TEST(test_s23_orphan_fin_wait_2_reaped),
	SIM_TEST(test_s23_fin_wait_2_after_shutdown_kept),
	SIM_TEST(test_s24_time_wait_reacks_fin),
	SIM_TEST(test_s25_rst_in_time_wait_ignored),
	SIM_TEST(test_s26_syn_in_time_wait_higher_seq),
	SIM_TEST(test_s26_syn_in_time_wait_old_seq),
	SIM_TEST(test_s26_syn_in_time_wait_timestamps),
	SIM_TEST(test_s27_time_wait_cap),
	SIM_TEST(test_s27_time_wait_cap_past_a_refill),
	SIM_TEST(test_s27_max_tw_zero),
	SIM_TEST(test_tw_reuse_active),
	SIM_TEST(test_tw_reuse_refused_without_timestamps),
	SIM_TEST(test_tw_reuse_off),
	SIM_TEST(test_tw_reuse_needs_newer_timestamp),
	SIM_TEST_V4(test_src_addrs_multiply_tuple_space),
	SIM_TEST(test_connect_rotor_passes_live_tuple),
	SIM_TEST(test_tw_reuse_active_paws),
	SIM_TEST(test_close_in_syn_sent),
	SIM_TEST(test_close_in_syn_rcvd),
	SIM_TEST(test_shutdown_in_syn_rcvd_no_data_before_connected),
	SIM_TEST(test_abort_resets_peer),
	SIM_TEST(test_fsm_log_traces_every_change),
	SIM_TEST(test_ack_of_fin_ends_sending),
	SIM_TEST(test_fin_ack_checked_in_order),
	SIM_TEST(test_close_fin_rides_queued_data),
	SIM_TEST(test_close_fin_waits_for_the_window),
	SIM_TEST(test_close_on_fin_one_step),
	SIM_TEST(test_close_on_fin_with_data_answered),
	SIM_TEST(test_close_on_fin_withdrawn),
	SIM_TEST(test_close_on_fin_by_listener),
};
const unsigned int tcp_tests_close_n = RTE_DIM(tcp_tests_close);
