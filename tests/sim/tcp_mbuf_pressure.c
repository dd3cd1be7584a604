/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running out of mbufs (issue 14, defects 1 and 5): a segment that finds
 * no mbuf waits for a later output opportunity or the retransmission
 * timer and is counted (MbufAllocFail), the worker never spins on it,
 * and the connection completes once mbufs come back; the send queue is
 * one valid mbuf chain (rte_mbuf_check) whatever is acknowledged.
 *
 * The simulator also checks every frame a stack sends and every chain a
 * stack holds after every step (sim.c audit_mbufs, check_tx_frame), so
 * every test in the suite guards the chains, not only these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#define MSS fx_mss()

/* The echo server of the issue: asked to send 60,000 bytes, 8 mbufs free. */
#define LIVELOCK_BYTES 60000
#define LIVELOCK_FREE_MBUFS 8

/* The crowd under pressure: clients and bytes each way per connection. */
#define CROWD_CONNS 100
#define CROWD_BYTES (16 * 1024)
#define CROWD_FREE_MBUFS 16
#define CROWD_PRESSURE_NS (30 * SIM_S)

/*
 * Defect 5: the send queue links its mbufs through m->next. Every chain
 * keeps nb_segs and pkt_len on its head (rte_mbuf_check() holds) while
 * partial ACKs cut into the first mbuf, free whole mbufs, and end it.
 */
static void
test_sq_chain_valid_across_partial_acks(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t una = p->rcv_nxt, total = 8000;
	struct tern_tcp_info info;
	struct sim_pkt seg;
	uint32_t got = 0;

	r->tx_key = 5;
	/* four mbufs of 2 KiB data room: a chain of four */
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, total), total);
	fx_assert_chains_valid(p->t);
	while (got < total) {
		PEER_EXPECT(p, SIM_S, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, una + got, p->snd_nxt);
		got += fx_take_data(p, r, &seg);
	}
	/* into the first mbuf, to its end, across two, then the rest */
	static const uint32_t acks[] = { 1000, 2048, 5000, 6143, 8000 };
	for (unsigned int i = 0; i < RTE_DIM(acks); i++) {
		peer_send_flags(p, SIM_ACK, p->snd_nxt, una + acks[i], NULL, 0);
		fx_assert_chains_valid(p->t);
		tern_tcp_get_info(r->c, &info);
		SIM_ASSERT_EQ(info.snd_una, una + acks[i]);
		SIM_ASSERT_EQ(info.queued_bytes, total - acks[i]);
	}
	/* and a queue that grows again after emptying */
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 3000), 3000);
	fx_assert_chains_valid(p->t);
	for (got = 0; got < 3000;) {
		PEER_EXPECT(p, SIM_S, &seg);
		got += fx_take_data(p, r, &seg);
	}
	peer_send_ack(p);
	fx_assert_chains_valid(p->t);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/*
 * Defect 1: an echo server asked to send 60,000 bytes with 8 mbufs free.
 * The send queue takes them all, so the first segment finds no mbuf.
 * tern must return to its loop (virtual time moves on), count the
 * failures, send nothing meanwhile, and once mbufs come back send the
 * whole stream -- as new data, not as retransmissions of a loss that
 * never happened.
 */
static void
test_pool_empty_send_waits_and_completes(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t una = p->rcv_nxt, got = 0;
	uint64_t fails, t0;
	struct tern_tcp_info info;
	struct sim_pkt seg;
	int32_t queued;

	r->tx_key = 7;
	sim_pool_hold(p->t, LIVELOCK_FREE_MBUFS);
	queued = sim_conn_send_pattern(r, LIVELOCK_BYTES);
	SIM_ASSERT(queued > 0 && queued < LIVELOCK_BYTES,
		   "queued %d of %d bytes with %d mbufs", queued,
		   LIVELOCK_BYTES, LIVELOCK_FREE_MBUFS);
	SIM_ASSERT_EQ(sim_pool_free_count(p->t), 0);

	/* No mbuf for a segment: nothing goes out, and time goes on. */
	t0 = sim_now(p->sim);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	SIM_ASSERT_EQ(sim_now(p->sim), t0 + 5 * SIM_S);
	fails = sim_stat(p->t, TERN_STAT_MBUF_ALLOC_FAIL);
	SIM_ASSERT(fails >= 2, "MbufAllocFail %" PRIu64 ": the retry timer "
		   "should have tried again", fails);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.snd_nxt, una);
	SIM_ASSERT_EQ(info.queued_bytes, (uint32_t)queued);

	/* Mbufs return: the retry sends; P acks all it gets. */
	sim_pool_release(p->t);
	while (got < LIVELOCK_BYTES) {
		PEER_EXPECT(p, 60 * SIM_S, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, una + got, SEQ_ANY);
		got += fx_take_data(p, r, &seg);
		peer_send_ack(p);
		if (r->tx_bytes < LIVELOCK_BYTES)
			sim_conn_send_pattern(r, (uint32_t)(LIVELOCK_BYTES -
							    r->tx_bytes));
	}
	SIM_ASSERT_EQ(r->tx_bytes, LIVELOCK_BYTES);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.queued_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/*
 * An ACK that finds no mbuf stays owed: the delayed-ACK timer tries
 * again and sends it once mbufs are back, without the peer having to
 * retransmit anything.
 */
static void
test_pool_empty_ack_is_sent_later(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t buf[MSS];
	struct sim_pkt seg;
	uint64_t fails;

	memset(buf, 0x5a, sizeof(buf));
	/* one segment: its ACK is delayed; the pool is gone before then */
	peer_send_data(p, buf, MSS);
	SIM_ASSERT_EQ(r->rx_bytes, MSS);
	sim_pool_hold(p->t, 0);
	PEER_EXPECT_NONE(p, SIM_S);
	fails = sim_stat(p->t, TERN_STAT_MBUF_ALLOC_FAIL);
	SIM_ASSERT(fails >= 2, "MbufAllocFail %" PRIu64 ": the ACK should "
		   "have been tried again", fails);
	sim_pool_release(p->t);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/*
 * A response of less than an MSS (the output pass's usual segment,
 * tcp_output_usual()) after a request whose ACK is owed, with the one
 * mbuf left taken by the send queue: no segment, nothing sent as sent
 * (snd_nxt stays), the ACK still owed. Once mbufs are back the response
 * goes, as new data, carrying the ACK of the request.
 */
static void
test_pool_empty_usual_segment_waits(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t una = p->rcv_nxt;
	struct tern_tcp_info info;
	struct sim_pkt seg;
	uint8_t req[100];

	memset(req, 0x33, sizeof(req));
	peer_send_data(p, req, sizeof(req));
	SIM_ASSERT_EQ(r->rx_bytes, sizeof(req));
	r->tx_key = 9;
	sim_pool_hold(p->t, 1);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 226), 226);
	SIM_ASSERT_EQ(sim_pool_free_count(p->t), 0);

	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_MBUF_ALLOC_FAIL) >= 2,
		   "MbufAllocFail %" PRIu64 ": the segment should have been "
		   "tried again", sim_stat(p->t, TERN_STAT_MBUF_ALLOC_FAIL));
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.snd_nxt, una);
	SIM_ASSERT_EQ(info.queued_bytes, 226);

	sim_pool_release(p->t);
	PEER_EXPECT(p, 5 * SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una, p->snd_nxt);
	SIM_ASSERT_EQ(fx_take_data(p, r, &seg), 226);
	peer_send_ack(p);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.queued_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* --- a crowd of connections on a starved worker --- */

/* One end of a crowd connection and how far its app got. */
struct crowd_end {
	struct sim_conn *r;    /**< NULL: the server never accepted it */
	bool fin_queued;       /**< tern_tcp_shutdown() after every byte */
	bool close_called;     /**< tern_tcp_close() after the peer's FIN */
};

struct crowd {
	struct duo d;
	struct crowd_end end[CROWD_CONNS][2];   /**< client, server */
};

/* The stream keys of the connection from client port @p port. */
static uint64_t
crowd_key(uint16_t port, bool from_client)
{
	return (uint64_t)port * 4 + (from_client ? 1 : 3);
}

/* B accepted a connection: pair the record with its client. */
static void
crowd_on_accept(struct sim_conn *rec, void *arg)
{
	struct crowd *cr = arg;

	rec->tx_key = crowd_key(rec->info.fport, false);
	rec->rx_key = crowd_key(rec->info.fport, true);
	for (unsigned int i = 0; i < CROWD_CONNS; i++) {
		if (cr->end[i][0].r->info.lport != rec->info.fport)
			continue;
		if (cr->end[i][1].r != NULL)
			sim_note_error(cr->d.sim, "port %u accepted twice",
				       rec->info.fport);
		cr->end[i][1].r = rec;
		return;
	}
	sim_note_error(cr->d.sim, "B accepted port %u nobody opened",
		       rec->info.fport);
}

/*
 * The app of either end: once established, keep CROWD_BYTES of its
 * stream queued as room allows (a send that finds no mbuf is tried
 * again on the next step), half-close once all went in, close once the
 * peer has finished too.
 */
static void
crowd_app_step(struct crowd_end *e)
{
	struct sim_conn *r = e->r;

	if (r == NULL || r->c == NULL || (!r->connected && !r->accepted))
		return;
	if (r->tx_bytes < CROWD_BYTES)
		sim_conn_send_pattern(r, (uint32_t)(CROWD_BYTES - r->tx_bytes));
	if (r->tx_bytes == CROWD_BYTES && !e->fin_queued) {
		SIM_ASSERT_EQ(tern_tcp_shutdown(r->c), 0);
		e->fin_queued = true;
	}
	if (e->fin_queued && r->peer_closed > 0 && !e->close_called) {
		SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
		e->close_called = true;
	}
}

static void
crowd_step_hook(struct sim *sim, void *arg)
{
	struct crowd *cr = arg;

	RTE_SET_USED(sim);
	for (unsigned int i = 0; i < CROWD_CONNS; i++)
		for (unsigned int k = 0; k < 2; k++)
			crowd_app_step(&cr->end[i][k]);
}

/* Every end that exists has been closed (a client that never got
 * through has no server end). */
static bool
crowd_all_closed(struct sim *sim, void *arg)
{
	const struct crowd *cr = arg;

	RTE_SET_USED(sim);
	for (unsigned int i = 0; i < CROWD_CONNS; i++)
		for (unsigned int k = 0; k < 2; k++)
			if (cr->end[i][k].r != NULL &&
			    cr->end[i][k].r->closed == 0)
				return false;
	return true;
}

static uint64_t
crowd_rx_bytes(const struct crowd *cr)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < CROWD_CONNS; i++)
		for (unsigned int k = 0; k < 2; k++)
			if (cr->end[i][k].r != NULL)
				sum += cr->end[i][k].r->rx_bytes;
	return sum;
}

/* Completed: every byte arrived and the close was orderly. */
static bool
crowd_end_completed(const struct sim_conn *r)
{
	return r != NULL && r->rx_bytes == CROWD_BYTES &&
	       r->why == TERN_TCP_CLOSE_NORMAL;
}

/* Ended by the RFC's rules: a reset, a refusal or a retry limit. */
static bool
crowd_end_reset(const struct sim_conn *r)
{
	return r != NULL && (r->why == TERN_TCP_CLOSE_RESET ||
			     r->why == TERN_TCP_CLOSE_REFUSED ||
			     r->why == TERN_TCP_CLOSE_TIMEOUT);
}

/*
 * Done-when 2 of issue 14: 100 connections open, send and receive 16 KiB
 * each way while B's pool starts every step with only a few mbufs free,
 * so SYN+ACKs, ACKs, data, retransmissions and FINs all meet failed
 * allocations. The clock advances (no livelock), B counts the failures,
 * every connection completes or is reset by the RFC's rules once the
 * pool comes back, and both pools return to their baseline.
 */
static void
test_pool_pressure_100_conns(void)
{
	struct tern_tcp_conf conf;
	unsigned int completed = 0, reset = 0;
	uint64_t t0, rx_under_pressure, fails;
	struct crowd *cr;
	struct sim *sim;

	sim_tcp_conf_defaults(&conf);
	conf.msl_ms = 1000; /* TIME_WAIT of 2 s keeps the run-out short */
	cr = calloc(1, sizeof(*cr));
	SIM_ASSERT(cr != NULL, "calloc");
	duo_create(&cr->d, &conf);
	sim = cr->d.sim;
	cr->d.l->on_accept = crowd_on_accept;
	cr->d.l->on_accept_arg = cr;
	/* a little loss and jitter, so that each seed plays differently */
	sim_set_faults_all(sim, &(struct sim_faults){
		.latency_ns = DUO_LATENCY, .jitter_ns = 200 * SIM_US,
		.drop_ppm = 5000,
	});

	sim_pool_keep_free(cr->d.b, CROWD_FREE_MBUFS);
	for (unsigned int i = 0; i < CROWD_CONNS; i++) {
		struct sim_conn *c = sim_connect_to(cr->d.a, cr->d.b,
						 DUO_PORT);

		c->tx_key = crowd_key(c->info.lport, true);
		c->rx_key = crowd_key(c->info.lport, false);
		cr->end[i][0].r = c;
	}
	sim_set_step_hook(sim, crowd_step_hook, cr);
	t0 = sim_now(sim);
	sim_run_for(sim, CROWD_PRESSURE_NS);
	SIM_ASSERT_EQ(sim_now(sim), t0 + CROWD_PRESSURE_NS);
	rx_under_pressure = crowd_rx_bytes(cr);
	fails = sim_stat(cr->d.b, TERN_STAT_MBUF_ALLOC_FAIL);
	SIM_ASSERT(rx_under_pressure > 0, "nothing moved under pressure");
	SIM_ASSERT(rx_under_pressure < 2ull * CROWD_CONNS * CROWD_BYTES,
		   "everything moved: the pool was not the limit");
	SIM_ASSERT(fails > 0, "B counted no allocation failure");
	fprintf(stderr, "under pressure: %" PRIu64 " of %llu bytes moved, B "
		"MbufAllocFail %" PRIu64 ", frames lost for want of an RX "
		"mbuf %" PRIu64 "\n", rx_under_pressure,
		2ull * CROWD_CONNS * CROWD_BYTES, fails,
		sim_wire_stats(sim)->rx_nombuf);

	/* The pool comes back: everything finishes one way or the other. */
	sim_pool_release(cr->d.b);
	SIM_ASSERT(sim_run_until(sim, crowd_all_closed, cr, 3600 * SIM_S),
		   "connections open an hour after the pool came back");
	sim_set_step_hook(sim, NULL, NULL);
	for (unsigned int i = 0; i < CROWD_CONNS; i++) {
		const struct sim_conn *c = cr->end[i][0].r;
		const struct sim_conn *s = cr->end[i][1].r;

		if (crowd_end_completed(c) && crowd_end_completed(s)) {
			completed++;
			continue;
		}
		SIM_ASSERT(crowd_end_reset(c) || crowd_end_reset(s),
			   "connection %u neither completed nor reset: client "
			   "got %" PRIu64 " bytes (reason %d), server %s",
			   i, c->rx_bytes, c->why,
			   s == NULL ? "never accepted" : "did not finish");
		reset++;
	}
	fprintf(stderr, "%u connections completed, %u reset\n", completed,
		reset);
	SIM_ASSERT(completed > 0, "no connection completed");
	duo_finish(&cr->d);
	free(cr);
}

const struct sim_test tcp_tests_mbuf_pressure[] = {
	SIM_TEST(test_sq_chain_valid_across_partial_acks),
	SIM_TEST(test_pool_empty_send_waits_and_completes),
	SIM_TEST(test_pool_empty_ack_is_sent_later),
	SIM_TEST(test_pool_empty_usual_segment_waits),
	SIM_TEST(test_pool_pressure_100_conns),
};
const unsigned int tcp_tests_mbuf_pressure_n =
	RTE_DIM(tcp_tests_mbuf_pressure);
