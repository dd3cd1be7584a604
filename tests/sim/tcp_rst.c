/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RST and SYN in synchronized states: TCP-SCENARIOS.md lines 28-31, 50,
 * and the SYN_RCVD rows (RFC 9293 3.10.7.3-4, RFC 5961 3 and 4).
 */
#include <string.h>

#include "tcp_fixture.h"

/* Line 28: RST with seq = RCV.NXT resets; the app is told RESET. */
static void
test_s28_exact_rst(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 3000), 3000);
	peer_send_flags(p, SIM_RST, p->snd_nxt, 0, NULL, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_RESET);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ESTAB_RESETS), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	/* the data T sent before the RST is in P's inbox; nothing after */
	{
		struct sim_pkt seg;
		uint32_t got = 0;

		while (peer_recv(p, 0, &seg)) {
			SIM_ASSERT(!(seg.h.flags & (SIM_RST | SIM_FIN)),
				   "T answered the RST");
			got += seg.h.payload_len;
		}
		SIM_ASSERT(got <= 3000, "%u bytes for 3000 sent", got);
	}
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	peer_destroy(p);
}

/* Line 29: an inexact in-window RST draws a challenge ACK; a burst of
 * them is rate-limited per connection, not across connections. */
static void
test_s29_challenge_ack_rate_limited(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p, first;
	struct sim_conn *r1, *r2;
	struct sim_pkt seg;
	unsigned int acks = 1;

	sim_tcp_conf_defaults(&conf);
	p = fx_peer(&conf, &l);
	r1 = peer_open_passive(p, l);
	peer_send_flags(p, SIM_RST, p->snd_nxt + 100, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_STATE(sim_conn_state(r1), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_ACKS), 1);
	for (uint32_t i = 0; i < 30; i++) {
		peer_send_flags(p, SIM_RST, p->snd_nxt + 200 + i, 0, NULL, 0);
		while (peer_recv(p, 0, &seg)) {
			PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
			acks++;
		}
	}
	SIM_ASSERT(acks <= conf.challenge_ack_per_sec,
		   "%u challenge ACKs within one instant (limit %u/s)", acks,
		   conf.challenge_ack_per_sec);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_LIMITED),
		      31 - acks);
	SIM_ASSERT_STATE(sim_conn_state(r1), TERN_TCP_ESTABLISHED);

	/* another connection has its own budget */
	first = *p;
	p->port = 40001;
	p->iss = 3000000;
	r2 = peer_open_passive(p, l);
	peer_send_flags(p, SIM_RST, p->snd_nxt + 100, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_STATE(sim_conn_state(r2), TERN_TCP_ESTABLISHED);

	/* a second later the first has budget again */
	*p = first;
	sim_run_for(p->sim, SIM_S + 10 * SIM_MS);
	peer_send_flags(p, SIM_RST, p->snd_nxt + 100, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_STATE(sim_conn_state(r1), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* Line 30: RSTs outside the window change nothing, in every
 * synchronized state (TIME_WAIT included). */
static void
test_s30_rst_out_of_window_every_state(void)
{
	for (unsigned int i = 0; i <= fx_sync_states_n; i++) {
		enum tern_tcp_state st = i < fx_sync_states_n ?
			fx_sync_states[i] : TERN_TCP_TIME_WAIT;
		struct sim_listener *l;
		struct peer *p = fx_peer(NULL, &l);
		struct sim_conn *r = fx_to_state(p, l, st, FX_SHUTDOWN);
		uint64_t ignored = sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED);

		peer_send_flags(p, SIM_RST, p->snd_nxt + 0x40000000u, 0, NULL, 0);
		peer_send_flags(p, SIM_RST | SIM_ACK, p->snd_nxt - 70000u,
				p->rcv_nxt, NULL, 0);
		PEER_EXPECT_NONE(p, 0);
		if (st == TERN_TCP_TIME_WAIT)
			SIM_ASSERT_EQ(sim_state_count(p->t, st), 1);
		else
			SIM_ASSERT_STATE(sim_conn_state(r), st);
		SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED) ==
			   ignored + 2, "%s: RstIgnored %" PRIu64 " -> %" PRIu64,
			   tern_tcp_state_name(st), ignored,
			   sim_stat(p->t, TERN_STAT_TCP_DROP_RST_IGNORED));
		peer_destroy(p);
	}
}

/* Line 31: SYN_RCVD from a listener + exact RST: back to listening, the
 * app never hears of it. */
static void
test_s31_syn_rcvd_rst_back_to_listen(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_flags(p, SIM_RST, p->iss + 1, 0, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_LISTEN), 1);
	SIM_ASSERT_EQ(l->naccepted, 0);
	SIM_ASSERT_EQ(sim_app_conns(p->t), NULL);
	PEER_EXPECT_NONE(p, 10 * SIM_S);
	p->port = 40002;
	peer_open_passive(p, l);
	peer_destroy(p);
}

/* Line 31: SYN_RCVD from an active open + RST: refused. */
static void
test_s31_simultaneous_open_rst_refused(void)
{
	struct peer *p = peer_create(sim_test_seed(), NULL);
	struct sim_conn *r;
	uint32_t iss;

	r = fx_simultaneous_syn_rcvd(p, &iss);
	peer_send_flags(p, SIM_RST, p->iss + 1, 0, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* A SYN at @p delta from RCV.NXT into @p st: a challenge ACK, counted
 * as one (and so rate-limited), nothing changed. */
static void
syn_challenge(enum tern_tcp_state st, uint32_t delta)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = fx_to_state(p, l, st, FX_SHUTDOWN);
	struct sim_pkt seg;

	peer_send_flags(p, SIM_SYN, p->snd_nxt + delta, 0, NULL, 0);
	p->snd_nxt -= delta + 1;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	SIM_ASSERT_STATE(sim_conn_state(r), st);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_ACKS) == 1,
		   "%s, SYN at RCV.NXT%+d: ChallengeACKs %" PRIu64,
		   tern_tcp_state_name(st), (int32_t)delta,
		   sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_ACKS));
	peer_destroy(p);
}

/* Line 50: a SYN in the window of a synchronized state draws a
 * challenge ACK and changes nothing. */
static void
test_s50_syn_challenge_every_state(void)
{
	for (unsigned int i = 0; i < fx_sync_states_n; i++)
		syn_challenge(fx_sync_states[i], 5);
}

/* Line 50, "any sequence": RFC 5961 4.2 answers a SYN outside the
 * window with a challenge ACK too (counted and rate-limited as one). */
static void
test_s50_syn_out_of_window_challenge(void)
{
	for (unsigned int i = 0; i < fx_sync_states_n; i++)
		syn_challenge(fx_sync_states[i], 0x40000000u);
}

/* SYN_RCVD: a retransmitted SYN gets the SYN+ACK again; a SYN with
 * another sequence number a challenge ACK. */
static void
test_s50_syn_in_syn_rcvd(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	uint32_t iss;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	iss = seg.h.seq;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, iss, p->iss + 1);
	peer_send_flags(p, SIM_SYN, p->iss + 5000, 0, NULL, 0);
	p->snd_nxt = p->iss + 1;
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, iss + 1, p->iss + 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 1);
	peer_destroy(p);
}

/* SYN_RCVD: an ACK of something never sent -> RST seq = SEG.ACK; the
 * half-open connection stays and completes with the right ACK. */
static void
test_syn_rcvd_bad_ack(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt seg;
	uint32_t iss;

	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	iss = seg.h.seq;
	peer_send_flags(p, SIM_ACK, p->iss + 1, iss + 1000, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, iss + 1000, SEQ_ANY);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 1);
	SIM_ASSERT_EQ(l->naccepted, 0);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 1);
	peer_destroy(p);
}

const struct sim_test tcp_tests_rst[] = {
	SIM_TEST(test_s28_exact_rst),
	SIM_TEST(test_s29_challenge_ack_rate_limited),
	SIM_TEST(test_s30_rst_out_of_window_every_state),
	SIM_TEST(test_s31_syn_rcvd_rst_back_to_listen),
	SIM_TEST(test_s31_simultaneous_open_rst_refused),
	SIM_TEST(test_s50_syn_challenge_every_state),
	SIM_TEST(test_s50_syn_out_of_window_challenge),
	SIM_TEST(test_s50_syn_in_syn_rcvd),
	SIM_TEST(test_syn_rcvd_bad_ack),
};
const unsigned int tcp_tests_rst_n = RTE_DIM(tcp_tests_rst);
