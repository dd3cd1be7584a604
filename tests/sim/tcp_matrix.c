/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State x event: each event applied in every state it belongs to, as
 * FreeBSD's tcp-testsuite does -- exact RST, abort, retransmission limit,
 * an ACK that does not ack our FIN, closing a listener. Together with
 * the scenario files these take every row of lib/tcp/tcp_fsm.def
 * (test_fsm_coverage checks it).
 */
#include <string.h>

#include "tcp_fixture.h"

/* Exact RST (seq = RCV.NXT) in every synchronized state: RESET. */
static void
test_s28_exact_rst_every_state(void)
{
	for (unsigned int i = 0; i < fx_sync_states_n; i++) {
		enum tern_tcp_state st = fx_sync_states[i];
		struct sim_listener *l;
		struct peer *p = fx_peer(NULL, &l);
		struct sim_conn *r = fx_to_state(p, l, st, FX_SHUTDOWN);

		peer_send_flags(p, SIM_RST | SIM_ACK, p->snd_nxt, p->rcv_nxt,
				NULL, 0);
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT(r->closed == 1 && r->why == TERN_TCP_CLOSE_RESET,
			   "%s: closed %u why %d", tern_tcp_state_name(st),
			   r->closed, r->why);
		SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
		PEER_EXPECT_NONE(p, 10 * SIM_S);
		peer_destroy(p);
	}
}

/* abort() in every state with a handle: closed(ABORTED) before it
 * returns; RST with seq = SND.NXT, except from SYN_SENT. */
static void
test_abort_every_state(void)
{
	for (unsigned int i = 0; i < fx_sync_states_n + 2; i++) {
		struct sim_listener *l;
		struct peer *p = fx_peer(NULL, &l);
		struct sim_conn *r;
		struct sim_pkt seg;
		enum tern_tcp_state st;
		uint32_t iss = 0;

		if (i < fx_sync_states_n) {
			st = fx_sync_states[i];
			r = fx_to_state(p, l, st, FX_SHUTDOWN);
		} else if (i == fx_sync_states_n) {
			st = TERN_TCP_SYN_RCVD;
			r = fx_simultaneous_syn_rcvd(p, &iss);
		} else {
			st = TERN_TCP_SYN_SENT;
			r = sim_connect_to(p->t, p->p, p->port);
			PEER_EXPECT(p, 0, &seg);
		}
		tern_tcp_abort(r->c);
		SIM_ASSERT(r->closed == 1 && r->why == TERN_TCP_CLOSE_ABORTED,
			   "%s: closed %u why %d", tern_tcp_state_name(st),
			   r->closed, r->why);
		if (st == TERN_TCP_SYN_SENT) {
			PEER_EXPECT_NONE(p, 0);
		} else {
			PEER_EXPECT(p, 0, &seg);
			SIM_ASSERT(seg.h.flags & SIM_RST, "%s: no RST",
				   tern_tcp_state_name(st));
			SIM_ASSERT(seg.h.seq == p->rcv_nxt,
				   "%s: RST seq %u, SND.NXT %u",
				   tern_tcp_state_name(st), seg.h.seq,
				   p->rcv_nxt);
		}
		SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
		PEER_EXPECT_NONE(p, 10 * SIM_S);
		peer_destroy(p);
	}
}

/* Run until @p r closes; every segment T sends meanwhile must carry
 * @p flags (its retransmissions). */
static void
expect_timeout(struct peer *p, struct sim_conn *r, uint8_t flags,
	       const char *what)
{
	struct sim_pkt seg;
	unsigned int n = 0;

	while (r->closed == 0 && peer_recv(p, 900 * SIM_S, &seg)) {
		SIM_ASSERT((seg.h.flags & flags) == flags,
			   "%s: segment with flags 0x%x", what, seg.h.flags);
		n++;
	}
	SIM_ASSERT(r->closed == 1 && r->why == TERN_TCP_CLOSE_TIMEOUT,
		   "%s: closed %u why %d after %u retransmissions", what,
		   r->closed, r->why, n);
	SIM_ASSERT(n > 0, "%s: no retransmission before the timeout", what);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
}

/* The retransmission limit in the states not covered elsewhere. */
static void
test_s43_retransmission_limit_every_state(void)
{
	static const enum tern_tcp_state states[] = {
		TERN_TCP_CLOSING, TERN_TCP_LAST_ACK, TERN_TCP_CLOSE_WAIT,
	};
	struct tern_tcp_conf conf;

	sim_tcp_conf_defaults(&conf);
	conf.max_retries = 3;
	conf.synack_retries = 2;
	for (unsigned int i = 0; i < RTE_DIM(states); i++) {
		struct sim_listener *l;
		struct peer *p = fx_peer(&conf, &l);
		struct sim_conn *r = fx_to_state(p, l, states[i], FX_CLOSE);
		uint8_t flags = SIM_FIN | SIM_ACK;

		if (states[i] == TERN_TCP_CLOSE_WAIT) {
			SIM_ASSERT_EQ(sim_conn_send(r, "unacked", 7), 7);
			flags = SIM_ACK;
		}
		expect_timeout(p, r, flags, tern_tcp_state_name(states[i]));
		peer_destroy(p);
	}
	/* SYN_RCVD of an active open: the SYN+ACK is never answered */
	{
		struct peer *p = peer_create(sim_test_seed(), &conf);
		uint32_t iss;
		struct sim_conn *r = fx_simultaneous_syn_rcvd(p, &iss);

		expect_timeout(p, r, SIM_SYN | SIM_ACK, "SYN_RCVD");
		peer_destroy(p);
	}
}

/* An ACK that leaves our FIN unacknowledged changes no state. */
static void
test_ack_without_fin_every_closing_state(void)
{
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;
	bool fin_seen = false;
	uint32_t data_end;

	/* FIN_WAIT_1: data then FIN; P acks the data only */
	p = fx_peer(NULL, &l);
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(sim_conn_send(r, "abc", 3), 3);
	data_end = p->rcv_nxt + 3;
	SIM_ASSERT_EQ(tern_tcp_shutdown(r->c), 0);
	while (!fin_seen) {
		PEER_EXPECT(p, 0, &seg);
		fin_seen = (seg.h.flags & SIM_FIN) != 0;
	}
	peer_send_flags(p, SIM_ACK, p->snd_nxt, data_end, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	peer_send_ack(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	/* FIN_WAIT_2: a duplicate ACK */
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
	peer_destroy(p);

	/* CLOSING: an ACK of everything but our FIN */
	p = fx_peer(NULL, &l);
	r = fx_to_state(p, l, TERN_TCP_CLOSING, FX_SHUTDOWN);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, p->rcv_nxt - 1, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSING);
	peer_destroy(p);

	/* CLOSE_WAIT: T sends, P acks; then LAST_ACK with data unacked */
	p = fx_peer(NULL, &l);
	r = fx_to_state(p, l, TERN_TCP_CLOSE_WAIT, FX_SHUTDOWN);
	SIM_ASSERT_EQ(sim_conn_send(r, "wait", 4), 4);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(seg.h.payload_len, 4);
	peer_send_ack(p);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
	SIM_ASSERT_EQ(sim_conn_send(r, "last", 4), 4);
	data_end = p->rcv_nxt + 4;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	fin_seen = false;
	while (!fin_seen) {
		PEER_EXPECT(p, 0, &seg);
		fin_seen = (seg.h.flags & SIM_FIN) != 0;
	}
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, data_end, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	peer_destroy(p);

	/* TIME_WAIT: a duplicate ACK is absorbed */
	p = fx_peer(NULL, &l);
	fx_to_state(p, l, TERN_TCP_TIME_WAIT, FX_SHUTDOWN);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

/* Closing a listener: a later SYN is refused; half-open children are
 * reset. */
static void
test_unlisten(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	sim_settle(p->sim);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT(seg.h.flags & SIM_RST, "half-open child not reset");
	SIM_ASSERT_EQ(seg.h.seq, p->rcv_nxt);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_LISTEN), 0);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	p->port = 40003;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST | SIM_ACK, 0, p->iss + 1);
	peer_destroy(p);
}

const struct sim_test tcp_tests_matrix[] = {
	SIM_TEST(test_s28_exact_rst_every_state),
	SIM_TEST(test_abort_every_state),
	SIM_TEST(test_s43_retransmission_limit_every_state),
	SIM_TEST(test_ack_without_fin_every_closing_state),
	SIM_TEST(test_unlisten),
};
const unsigned int tcp_tests_matrix_n = RTE_DIM(tcp_tests_matrix);
