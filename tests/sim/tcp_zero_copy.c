/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy send (tx_zero_copy, docs/tcp.md "Send side"): a send queue
 * of one mbuf that leaves whole goes as that mbuf, a second reference
 * taken; the queue's head is lent until the ACK. These tests hold the
 * sent frames the way a PMD does (sim_set_tx_hold(): freed only when
 * later sends need the room) so that the head is wanted again while
 * its frame is still held: for a retransmission, for a send behind it,
 * after a partial ACK. A held frame's fields are changed as a
 * receiver changes its own, and its bytes must not change. Others pass
 * frames by reference (sim_set_wire_by_reference(), as net_ring does):
 * the receiving stack reads and frees the very mbuf the sender still
 * holds. Every byte is checked where it lands; the sim audits every
 * chain a stack holds after every step and checks every frame it sends
 * (rte_mbuf_check()), and the pools end at baseline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

/* Request and response sizes of the exchange tests: each one mbuf. */
#define ZC_REQ_BYTES 300
#define ZC_RESP_BYTES 226
#define ZC_ROUNDS 200

/* Frames a held NIC keeps before freeing the oldest. */
#define ZC_HOLD 64

/* A duo (A connects to B, *s is B's end) whose NIC frees its sent
 * frames @p hold sends late (sim_set_tx_hold(); 0: at once). */
static struct sim_conn *
zc_open(struct duo *d, const struct tern_tcp_conf *conf, unsigned int hold,
	struct sim_conn **s)
{
	struct sim_conn *c;

	duo_create(d, conf);
	c = duo_connect(d, s);
	sim_set_tx_hold(d->sim, hold);
	return c;
}

/*
 * @p rounds request-response exchanges from c (on A) to s (on B), the
 * request sent in two parts when @p split: the second part goes once
 * the first has left and before its ACK is back, so it queues behind a
 * lent head.
 */
static void
zc_exchange(struct duo *d, struct sim_conn *c, struct sim_conn *s,
	    unsigned int rounds, bool split)
{
	for (unsigned int i = 0; i < rounds; i++) {
		uint64_t c_rx = c->rx_bytes, s_rx = s->rx_bytes;

		if (split) {
			SIM_ASSERT_EQ(sim_conn_send_pattern(c, 100), 100);
			/* the first part leaves at the end of this step */
			sim_run_for(d->sim, d->latency_ns / 4);
			SIM_ASSERT_EQ(sim_conn_send_pattern(c,
							    ZC_REQ_BYTES -
							    100),
				      ZC_REQ_BYTES - 100);
		} else {
			SIM_ASSERT_EQ(sim_conn_send_pattern(c, ZC_REQ_BYTES),
				      ZC_REQ_BYTES);
		}
		SIM_WAIT(d->sim, s->rx_bytes == s_rx + ZC_REQ_BYTES,
			 60 * SIM_S);
		SIM_ASSERT_EQ(sim_conn_send_pattern(s, ZC_RESP_BYTES),
			      ZC_RESP_BYTES);
		SIM_WAIT(d->sim, c->rx_bytes == c_rx + ZC_RESP_BYTES,
			 60 * SIM_S);
	}
	SIM_ASSERT_EQ(c->rx_bad_at, 0);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	SIM_ASSERT_EQ(c->rx_bytes, (uint64_t)rounds * ZC_RESP_BYTES);
	SIM_ASSERT_EQ(s->rx_bytes, (uint64_t)rounds * ZC_REQ_BYTES);
}

/* Close c, then s once c's FIN is in, both normally. */
static void
zc_close_both(struct duo *d, struct sim_conn *c, struct sim_conn *s)
{
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d->sim, s->peer_closed == 1, 60 * SIM_S);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d->sim, c->closed == 1 && s->closed == 1, 60 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
}

/* zc_close_both(), then finish the duo (pools at baseline). */
static void
zc_close_and_finish(struct duo *d, struct sim_conn *c, struct sim_conn *s)
{
	zc_close_both(d, c, s);
	duo_finish(d);
}

/*
 * The usual exchange: every request and every response leaves as its
 * send queue's own mbuf (TxZeroCopy counts each), and with the frames
 * freed at once no head is ever copied back.
 */
static void
test_zc_request_response(void)
{
	struct sim_conn *c, *s;
	struct duo d;

	c = zc_open(&d, NULL, 0, &s);
	zc_exchange(&d, c, s, ZC_ROUNDS, false);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TX_ZC), ZC_ROUNDS);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TX_ZC), ZC_ROUNDS);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES), 0);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TX_ZC_COPIES), 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS), 0);
	zc_close_and_finish(&d, c, s);
}

/* tx_zero_copy = false: the same exchange, every segment a copy. */
static void
test_zc_off_copies_every_segment(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	conf.tx_zero_copy = false;
	c = zc_open(&d, &conf, 0, &s);
	zc_exchange(&d, c, s, ZC_ROUNDS / 4, false);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TX_ZC), 0);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TX_ZC), 0);
	zc_close_and_finish(&d, c, s);
}

/*
 * A NIC that frees what it sent 64 frames later, and a wire that loses
 * 3 % of the frames: requests sent in two parts (the second behind a
 * lent head) and retransmissions of lent heads find their frames
 * still held, and take the bytes back by a copy (TxZeroCopyCopies);
 * every byte arrives intact both ways.
 */
static void
test_zc_frames_held_by_the_nic(void)
{
	struct sim_conn *c, *s;
	struct duo d;
	uint64_t copies;

	c = zc_open(&d, NULL, ZC_HOLD, &s);
	sim_set_faults_all(d.sim, &(struct sim_faults){
		.latency_ns = DUO_LATENCY, .drop_ppm = 30000,
	});
	zc_exchange(&d, c, s, ZC_ROUNDS, true);
	copies = sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES) +
		 sim_stat(d.b, TERN_STAT_TCP_TX_ZC_COPIES);
	fprintf(stderr, "lent %" PRIu64 " / %" PRIu64 ", copied back %"
		PRIu64 ", retransmitted %" PRIu64 " / %" PRIu64 "\n",
		sim_stat(d.a, TERN_STAT_TCP_TX_ZC),
		sim_stat(d.b, TERN_STAT_TCP_TX_ZC), copies,
		sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS),
		sim_stat(d.b, TERN_STAT_TCP_RETRANS_SEGS));
	/* every split request queued its second part behind a lent head */
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES) >= ZC_ROUNDS / 2,
		   "A copied back %" PRIu64 " heads",
		   sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES));
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS) +
		   sim_stat(d.b, TERN_STAT_TCP_RETRANS_SEGS) > 0,
		   "3 %% loss and no retransmission");
	SIM_ASSERT(sim_stat(d.b, TERN_STAT_TCP_TX_ZC) > 0, "B lent nothing");
	zc_close_and_finish(&d, c, s);
}

/*
 * A wire that hands the receiver the sender's own mbuf (net_ring): the
 * receiving stack drops its reference while the sender's queue still
 * holds one (tern_rx_free()), the sender's ACK drops the queue's while
 * the receiver may still hold its own, and, with the NIC holding its
 * frames too (@p hold), a request's second part copies the head back.
 */
static void
zc_by_reference(unsigned int hold)
{
	struct sim_conn *c, *s;
	struct duo d;

	c = zc_open(&d, NULL, hold, &s);
	sim_set_wire_by_reference(d.sim, true);
	zc_exchange(&d, c, s, ZC_ROUNDS, true);
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_TX_ZC) >= ZC_ROUNDS,
		   "A lent %" PRIu64, sim_stat(d.a, TERN_STAT_TCP_TX_ZC));
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_TX_ZC), ZC_ROUNDS);
	/* the second part leaves before the first is read: held */
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES) >= ZC_ROUNDS / 2,
		   "A copied back %" PRIu64 " heads",
		   sim_stat(d.a, TERN_STAT_TCP_TX_ZC_COPIES));
	zc_close_and_finish(&d, c, s);
}

static void
test_zc_wire_by_reference(void)
{
	zc_by_reference(0);
}

static void
test_zc_wire_by_reference_nic_holds(void)
{
	zc_by_reference(ZC_HOLD);
}

/* A close() right behind the data: the close pass sends the bytes and
 * the FIN in one segment, lent. */
static void
test_zc_data_and_fin_lent(void)
{
	struct sim_conn *c, *s;
	struct duo d;

	c = zc_open(&d, NULL, ZC_HOLD, &s);
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, ZC_REQ_BYTES), ZC_REQ_BYTES);
	/* the close() in the same step: the FIN rides on the data */
	zc_close_both(&d, c, s);
	SIM_ASSERT_EQ(s->rx_bytes, ZC_REQ_BYTES);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TX_ZC), 1);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS), 0);
	duo_finish(&d);
}

/* An abort while the head is lent and its frame still held: the queue
 * lets its reference go, the NIC frees the frame later, nothing leaks. */
static void
test_zc_abort_while_lent(void)
{
	struct sim_conn *c, *s;
	struct duo d;

	c = zc_open(&d, NULL, ZC_HOLD, &s);
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, ZC_REQ_BYTES), ZC_REQ_BYTES);
	sim_run_for(d.sim, d.latency_ns / 4);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TX_ZC), 1);
	tern_tcp_abort(c->c);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_ABORTED);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_RESET);
	duo_finish(&d);
}

/*
 * A partial ACK of a lent head moves the queue's start in the books
 * only (the mbuf's fields are the frame's); the retransmission of the
 * rest reads its bytes from there: through a copy while the frame is
 * held (@p hold), in place once it is freed.
 */
static void
zc_partial_ack(unsigned int hold)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t una, total = 1000, part = 400, warm = 100;
	struct tern_tcp_info info;
	struct sim_pkt seg;

	sim_set_tx_hold(p->sim, hold);
	r->tx_key = 41;
	/* The first segment takes the IP output (the handshake's SYN+ACK
	 * waited for ARP) and builds the header template behind it. */
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, warm), warm);
	PEER_EXPECT(p, SIM_S, &seg);
	SIM_ASSERT_EQ(fx_take_data(p, r, &seg), warm);
	peer_send_ack(p);
	una = p->rcv_nxt;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, total), total);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK | SIM_PSH, una, p->snd_nxt);
	SIM_ASSERT_EQ(fx_take_data(p, r, &seg), total);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TX_ZC), 1);

	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + part, NULL, 0);
	fx_assert_chains_valid(p->t);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.snd_una, una + part);
	SIM_ASSERT_EQ(info.queued_bytes, total - part);

	/* the rest again, from where the ACK left it (TLP or RTO) */
	PEER_EXPECT(p, 5 * SIM_S, &seg);
	SIM_ASSERT_EQ(seg.h.seq, una + part);
	SIM_ASSERT_EQ(fx_take_data(p, r, &seg), total - part);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TX_ZC_COPIES),
		      hold > 0 ? 1 : 0);
	peer_send_ack(p);
	fx_assert_chains_valid(p->t);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.queued_bytes, 0);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

static void
test_zc_partial_ack_frame_held(void)
{
	zc_partial_ack(ZC_HOLD);
}

static void
test_zc_partial_ack_frame_freed(void)
{
	zc_partial_ack(0);
}

const struct sim_test tcp_tests_zero_copy[] = {
	SIM_TEST(test_zc_request_response),
	SIM_TEST(test_zc_off_copies_every_segment),
	SIM_TEST(test_zc_frames_held_by_the_nic),
	SIM_TEST(test_zc_partial_ack_frame_held),
	SIM_TEST(test_zc_partial_ack_frame_freed),
	SIM_TEST(test_zc_wire_by_reference),
	SIM_TEST(test_zc_wire_by_reference_nic_holds),
	SIM_TEST(test_zc_data_and_fin_lent),
	SIM_TEST(test_zc_abort_while_lent),
};
const unsigned int tcp_tests_zero_copy_n = RTE_DIM(tcp_tests_zero_copy);
