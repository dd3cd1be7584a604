/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss recovery under unlucky loss (issue 15): RACK (RFC 8985 6) finds a
 * lost retransmission without the RTO; D-SACK (RFC 2883) reports a
 * duplicate segment in the first SACK block of the next ACK; a recovery
 * whose every retransmission the peer reports as a duplicate is undone
 * (RFC 3708 style: cwnd and ssthresh restored).
 */
#include <string.h>

#include "tcp_fixture.h"

#define MSS fx_mss()
#define MAX_SEGS 64

static struct tern_tcp_info
conn_info(const struct sim_conn *r)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(r->c, &info);
	return info;
}

/* Assert @p seg carries exactly the SACK blocks @p b (@p n of them). */
static void
assert_sack(const struct sim_pkt *seg, unsigned int n, const uint32_t b[][2])
{
	SIM_ASSERT_EQ(seg->h.opts.nsack, n);
	for (unsigned int i = 0; i < n; i++) {
		SIM_ASSERT_EQ(seg->h.opts.sack[i].start, b[i][0]);
		SIM_ASSERT_EQ(seg->h.opts.sack[i].end, b[i][1]);
	}
}

/*
 * RFC 2883 4.1: a segment T already acknowledged arrives again: the
 * immediate ACK carries a D-SACK block for it, below the cumulative
 * ACK. A duplicate of out-of-order data: the D-SACK block first, then
 * the SACK block holding it (4.1.3). A segment half old, half new: the
 * old half. Each duplicate is reported once; the app gets every byte
 * once.
 */
static void
test_dsack_sent_for_duplicate_segment(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	uint8_t data[1100];
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t base;

	memset(data, 'd', sizeof(data));
	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	SIM_ASSERT(r->info.sack_ok, "SACK not agreed");
	base = p->snd_nxt;
	peer_send_data(p, data, 1000);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 1000);
	SIM_ASSERT_EQ(seg.h.opts.nsack, 0);

	/* the same segment again */
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, data, 1000);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 1000);
	assert_sack(&seg, 1, (const uint32_t[][2]){ { base, base + 1000 } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_OLD_SENT), 1);

	/* out of order, then again */
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 2000, p->rcv_nxt, data,
			1000);
	PEER_EXPECT(p, 0, &seg);
	assert_sack(&seg, 1,
		    (const uint32_t[][2]){ { base + 2000, base + 3000 } });
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 2000, p->rcv_nxt, data,
			1000);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 1000);
	assert_sack(&seg, 2, (const uint32_t[][2]){
		{ base + 2000, base + 3000 }, { base + 2000, base + 3000 } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_OFO_SENT), 1);

	/* the hole filled by a segment that starts 100 bytes too early */
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 900, p->rcv_nxt, data,
			1100);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 3000);
	assert_sack(&seg, 1,
		    (const uint32_t[][2]){ { base + 900, base + 1000 } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_OLD_SENT), 2);

	/* reported once: the next ACK has no SACK option */
	p->snd_nxt = base + 3000;
	peer_send_data(p, data, 10);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 3010);
	SIM_ASSERT_EQ(seg.h.opts.nsack, 0);
	SIM_ASSERT_EQ(r->rx_bytes, 3010);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Without SACK agreed there is no D-SACK either. */
static void
test_dsack_needs_sack(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt;

	SIM_ASSERT(!r->info.sack_ok, "SACK agreed");
	peer_send_data(p, "dup", 3);
	PEER_EXPECT(p, SIM_S, &seg);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, "dup", 3);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 3);
	SIM_ASSERT_EQ(seg.h.opts.nsack, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_OLD_SENT), 0);
	SIM_ASSERT_EQ(r->rx_bytes, 3);
	peer_destroy(p);
}

/* P acknowledges @p ack with the SACK blocks @p b (@p n of them). */
static void
peer_sack(struct peer *p, uint32_t ack, unsigned int n, const uint32_t b[][2])
{
	struct sim_tcp_spec s = peer_seg(p, SIM_ACK, p->snd_nxt, ack);

	s.opts.nsack = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++) {
		s.opts.sack[i].start = b[i][0];
		s.opts.sack[i].end = b[i][1];
	}
	peer_send(p, &s);
}

/*
 * Reordering, not loss: segment 0 of ten is late; P SACKs 1-3, T fast
 * retransmits 0 and halves its window; then the original arrives (the
 * cumulative ACK covers all ten) and the retransmission after it, which
 * P reports with a D-SACK. A D-SACK for a segment T never resent
 * changes nothing; the one for the resent segment covers every byte of
 * the episode's retransmissions: cwnd and ssthresh come back
 * (TCPDSACKUndo).
 */
static void
test_dsack_undo_spurious_retransmission(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct tern_tcp_info before, info;
	struct sim_conn *r;
	uint32_t una;
	unsigned int n;

	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	una = p->rcv_nxt;
	before = conn_info(r);
	SIM_ASSERT_EQ(before.ssthresh, UINT32_MAX);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10 * MSS), 10 * MSS);
	SIM_ASSERT_EQ(fx_collect(p, 0, segs, MAX_SEGS), 10);
	for (unsigned int k = 1; k <= 3; k++)
		peer_sack(p, una, 1, (const uint32_t[][2]){
			{ una + MSS, una + (k + 1) * MSS } });
	n = fx_collect(p, 0, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 1);
	PEER_ASSERT_SEG(&segs[0], SIM_ACK, una, SEQ_ANY);
	SIM_ASSERT_EQ(segs[0].h.payload_len, MSS);
	info = conn_info(r);
	SIM_ASSERT(info.in_recovery, "no recovery");
	SIM_ASSERT(info.ssthresh < before.cwnd, "ssthresh %u", info.ssthresh);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_FAST_RETRANS), 1);

	/* the original arrives: everything acknowledged, recovery over */
	peer_sack(p, una + 10 * MSS, 0, NULL);
	info = conn_info(r);
	SIM_ASSERT(!info.in_recovery, "still in recovery");
	SIM_ASSERT(info.cwnd < before.cwnd, "cwnd %u", info.cwnd);

	/* a D-SACK for segment 1, never resent: nothing to undo */
	peer_sack(p, una + 10 * MSS, 1,
		  (const uint32_t[][2]){ { una + MSS, una + 2 * MSS } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_RECV), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_UNDO), 0);
	SIM_ASSERT_EQ(conn_info(r).ssthresh, info.ssthresh);

	/* the D-SACK for the retransmission of segment 0 */
	peer_sack(p, una + 10 * MSS, 1,
		  (const uint32_t[][2]){ { una, una + MSS } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_RECV), 2);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_UNDO), 1);
	info = conn_info(r);
	SIM_ASSERT_EQ(info.ssthresh, before.ssthresh);
	SIM_ASSERT(info.cwnd >= before.cwnd, "cwnd %u, was %u", info.cwnd,
		   before.cwnd);
	/* D-SACK blocks are not SACK blocks gone wrong */
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SACK_DISCARD), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/*
 * A retransmission that is needed -- segment 0 really lost -- is never
 * undone: P's D-SACK for another resent segment does not cover it.
 */
static void
test_dsack_no_undo_for_needed_retransmission(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct sim_conn *r;
	uint32_t una, ssthresh;

	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	una = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10 * MSS), 10 * MSS);
	SIM_ASSERT_EQ(fx_collect(p, 0, segs, MAX_SEGS), 10);
	/* 0 and 2 lost: both resent */
	peer_sack(p, una, 2, (const uint32_t[][2]){
		{ una + 3 * MSS, una + 6 * MSS }, { una + MSS, una + 2 * MSS } });
	SIM_ASSERT_EQ(fx_collect(p, 0, segs, MAX_SEGS), 2);
	PEER_ASSERT_SEG(&segs[0], SIM_ACK, una, SEQ_ANY);
	PEER_ASSERT_SEG(&segs[1], SIM_ACK, una + 2 * MSS, SEQ_ANY);
	ssthresh = conn_info(r).ssthresh;
	/* 2 turns out late (its retransmission a duplicate), 0 was lost */
	peer_sack(p, una + 10 * MSS, 1, (const uint32_t[][2]){
		{ una + 2 * MSS, una + 3 * MSS } });
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_RECV), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DSACK_UNDO), 0);
	SIM_ASSERT_EQ(conn_info(r).ssthresh, ssthresh);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/*
 * A's segments: the first transmission of one of them and then its
 * first retransmission are dropped.
 */
struct lose_twice {
	unsigned int nth;           /* which data segment to lose */
	unsigned int data_seen;
	bool have_seq;
	uint32_t seq;
	unsigned int dropped;
};

static enum sim_verdict
lose_twice_fn(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct lose_twice *lt = arg;

	(void)m;
	if (fc->h->payload_len == 0)
		return SIM_PASS;
	if (!lt->have_seq && ++lt->data_seen == lt->nth) {
		lt->have_seq = true;
		lt->seq = fc->h->seq;
		lt->dropped++;
		return SIM_DROP;
	}
	if (lt->have_seq && lt->dropped < 2 && fc->h->seq == lt->seq) {
		lt->dropped++;
		return SIM_DROP;
	}
	return SIM_PASS;
}

/*
 * RFC 8985 6: a segment lost, and its fast retransmission lost too.
 * The duplicate-ACK rules see nothing new -- the hole was "repaired"
 * -- but data sent after the retransmission is SACKed: one RTT plus the
 * reordering window after it left, RACK calls it lost and sends it
 * again. 1 MiB arrives byte-exact (every byte checked at its offset)
 * without a single retransmission timeout.
 */
static void
test_rack_lost_retransmission_no_rto(void)
{
	struct lose_twice lt = { .nth = 40 };
	const uint32_t total = 1u << 20;
	struct sim_conn *c, *s;
	struct sim_tamper t;
	struct duo d;
	uint32_t sent = 0;

	duo_create(&d, NULL);
	c = duo_connect(&d, &s);
	SIM_ASSERT(c->info.sack_ok, "SACK not agreed");
	t = (struct sim_tamper){ .from = d.a, .to = d.b, .tcp_only = true,
				 .fn = lose_twice_fn, .arg = &lt };
	sim_tamper_add(d.sim, &t);
	while (sent < total) {
		int32_t n = sim_conn_send_pattern(c, total - sent);

		SIM_ASSERT(n >= 0, "send failed: %d", n);
		sent += (uint32_t)n;
		sim_run_for(d.sim, 5 * SIM_MS);
	}
	SIM_WAIT(d.sim, s->rx_bytes == total, 30 * SIM_S);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	SIM_ASSERT_EQ(lt.dropped, 2);
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_SACK_RECOVERY) >= 1,
		   "no SACK recovery");
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_RTO_EXPIRED), 0);
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_TCP_TIMEOUTS), 0);
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_LOST_RETRANSMIT) >= 1,
		   "RACK found no lost retransmission");
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 30 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	sim_tamper_clear(d.sim);
	duo_finish(&d);
}

const struct sim_test tcp_tests_rack[] = {
	SIM_TEST(test_dsack_sent_for_duplicate_segment),
	SIM_TEST(test_dsack_needs_sack),
	SIM_TEST(test_dsack_undo_spurious_retransmission),
	SIM_TEST(test_dsack_no_undo_for_needed_retransmission),
	SIM_TEST(test_rack_lost_retransmission_no_rto),
};
const unsigned int tcp_tests_rack_n = RTE_DIM(tcp_tests_rack);
