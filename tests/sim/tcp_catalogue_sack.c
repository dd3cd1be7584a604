/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SACK against a peer that lies or attacks: TCP-SCENARIOS.md line 46
 * (reneging: after an RTO the data the peer SACKed is sent again,
 * RFC 2018 8, RFC 6675 5.1) and line 53 (the smallest MSS the engine
 * accepts plus adversarial SACK patterns during a large send: no crash,
 * bounded work per ACK, other connections unaffected).
 */
#include <string.h>

#include "tcp_fixture.h"
#include "tcp_sack.h"

#define MSS fx_mss()
#define MAX_SEGS 512

/* Check @p seg's payload against T's stream, @p off bytes in. */
static void
check_payload(const struct sim_conn *r, const struct sim_pkt *seg,
	      uint32_t off)
{
	for (uint32_t k = 0; k < seg->h.payload_len; k++)
		SIM_ASSERT(seg->payload[k] ==
			   sim_pattern_byte(r->tx_key, off + k),
			   "byte %u of the stream differs", off + k);
}

/*
 * Line 46, reneging: of ten segments P SACKs 1-9; only 0 is resent.
 * Then P reneges -- it threw 1-9 away and lost the resent 0 too -- and
 * from then on sends only cumulative ACKs. The RTO must forget the
 * scoreboard: every segment from SND.UNA on is sent again, the SACKed
 * ones included, and the stream completes intact.
 */
static void
test_s46_reneged_sack_resent_after_rto(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct tern_tcp_info info;
	bool again[10] = { false };
	struct sim_tcp_spec s;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t una, got = 0;
	unsigned int n;

	p->syn_opts.sack_perm = true;
	r = peer_open_passive(p, l);
	una = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10 * MSS), 10 * MSS);
	n = fx_collect(p, 0, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 10);
	s = peer_seg(p, SIM_ACK, p->snd_nxt, una);
	s.opts.nsack = 1;
	s.opts.sack[0].start = una + MSS;
	s.opts.sack[0].end = una + 10 * MSS;
	peer_send(p, &s);
	n = fx_collect(p, 0, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 1);
	PEER_ASSERT_SEG(&segs[0], SIM_ACK, una, SEQ_ANY);
	SIM_ASSERT_EQ(segs[0].h.payload_len, MSS);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.sacked_bytes, 9 * MSS);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);

	/* silence: the RTO resends from SND.UNA */
	PEER_EXPECT(p, 10 * SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una, SEQ_ANY);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 1);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.sacked_bytes, 0);
	for (;;) {
		uint32_t off = seg.h.seq - una;

		if (off == got && seg.h.payload_len > 0) {
			check_payload(r, &seg, off);
			again[off / MSS] = true;
			got += seg.h.payload_len;
			/* cumulative only: P holds nothing above it */
			peer_send_flags(p, SIM_ACK, p->snd_nxt, una + got,
					NULL, 0);
		}
		if (got == 10 * MSS)
			break;
		PEER_EXPECT(p, 10 * SIM_S, &seg);
	}
	for (unsigned int i = 0; i < 10; i++)
		SIM_ASSERT(again[i], "segment %u not sent after the RTO", i);
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS) >= 11,
		   "RetransSegs %" PRIu64,
		   sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS));
	fx_drain(p);
	PEER_EXPECT_NONE(p, 5 * SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* ---- line 53 ---- */

#define TINY_TOTAL 200000u       /* T -> P under attack */
#define BULK_TOTAL (1u << 20)    /* each way between T and B */
#define ATTACK_ROUNDS 1500       /* one ACK per millisecond */
#define TINY_MSS 64              /* the engine's floor (TCP_MIN_MSS) */
#define TINY_WIN 65535u

/* P's view of what T sent it, and the attack's state. */
struct adversary {
	struct peer *p;
	struct sim_conn *r;          /* T's end */
	struct sim_pkt *seg;
	uint8_t *got;                /* per stream byte: reached P */
	uint32_t una;                /* T's ISS + 1 */
	uint32_t acked;              /* P's cumulative ACK, stream offset */
	uint32_t high;               /* end of what T sent, offset */
	uint32_t edge;               /* right edge P advertised, offset */
	struct sim_rng rng;
	unsigned int max_per_ack;
	uint64_t segs;
};

/* Read what T sent P; check every byte and the window. @return segs. */
static unsigned int
adv_take(struct adversary *a)
{
	unsigned int n = 0;

	while (peer_recv(a->p, 0, a->seg)) {
		const struct sim_hdr *h = &a->seg->h;
		uint32_t off = h->seq - a->una;

		if (h->kind != SIM_PKT_TCP)
			peer_unexpected(a->p, __FILE__, __LINE__, a->seg);
		SIM_ASSERT(!(h->flags & (SIM_RST | SIM_SYN | SIM_FIN)),
			   "T sent flags 0x%x under attack", h->flags);
		n++;
		if (h->payload_len == 0)
			continue;
		SIM_ASSERT(h->payload_len <= TINY_MSS,
			   "%u-byte segment, MSS %u", h->payload_len, TINY_MSS);
		SIM_ASSERT(off + h->payload_len <= TINY_TOTAL &&
			   off + h->payload_len <= a->edge,
			   "bytes [%u, %u) sent, window ends at %u", off,
			   off + h->payload_len, a->edge);
		check_payload(a->r, a->seg, off);
		memset(a->got + off, 1, h->payload_len);
		a->high = RTE_MAX(a->high, off + h->payload_len);
	}
	a->segs += n;
	return n;
}

/* Offset of the first byte P has not got. */
static uint32_t
adv_contiguous(const struct adversary *a)
{
	uint32_t off = a->acked;

	while (off < a->high && a->got[off])
		off++;
	return off;
}

/* A random offset in [lo, hi) (lo when the range is empty). */
static uint32_t
adv_pick(struct adversary *a, uint32_t lo, uint32_t hi)
{
	return hi > lo ? lo + (uint32_t)sim_rng_below(&a->rng, hi - lo) : lo;
}

static void
adv_block(struct sim_tcp_spec *s, const struct adversary *a, uint32_t from,
	  uint32_t to)
{
	s->opts.sack[s->opts.nsack].start = a->una + from;
	s->opts.sack[s->opts.nsack].end = a->una + to;
	s->opts.nsack++;
}

/* The SACK blocks of attack round @p round, in one of six patterns. */
static void
adv_pattern(struct adversary *a, struct sim_tcp_spec *s, unsigned int round)
{
	uint32_t lo = a->acked, hi = a->high, x;

	switch (round % 6) {
	case 0:	/* four scattered one-byte blocks */
		for (int i = 0; i < 4; i++) {
			x = adv_pick(a, lo, hi);
			adv_block(s, a, x, x + 1);
		}
		break;
	case 1:	/* every other segment of a random stretch */
		x = adv_pick(a, lo, hi);
		for (uint32_t i = 0; i < 4; i++) {
			uint32_t b = x + 2 * i * TINY_MSS;

			if (b + TINY_MSS <= hi)
				adv_block(s, a, b, b + TINY_MSS);
		}
		break;
	case 2:	/* the very last byte: all below it looks lost */
		adv_block(s, a, hi - 1, hi);
		break;
	case 3:	/* nonsense: under SND.UNA, past SND.MAX, reversed, empty */
		x = adv_pick(a, lo, hi);
		adv_block(s, a, lo - 2000, lo - 1000);
		adv_block(s, a, hi + 100, hi + 200);
		adv_block(s, a, x + 10, x);
		adv_block(s, a, x, x);
		break;
	case 4:	/* everything but the first segment */
		adv_block(s, a, RTE_MIN(lo + TINY_MSS, hi - 1), hi);
		break;
	default: /* overlapping copies of one block, and a sub-block */
		x = adv_pick(a, lo, hi);
		adv_block(s, a, x, RTE_MIN(x + 300, hi));
		adv_block(s, a, x, RTE_MIN(x + 300, hi));
		adv_block(s, a, x + 1, RTE_MIN(x + 2, hi));
		break;
	}
	if (s->opts.nsack == 0 || hi <= lo)
		s->opts.nsack = 0;
}

/*
 * One ACK from P: cumulative ACK of a->acked plus @p round's blocks
 * (no blocks when @p round is negative). Returns how many segments T
 * sent in answer, checked against what cwnd allows: new data up to
 * cwnd, plus at most one resent piece per hole of the scoreboard.
 */
static unsigned int
adv_ack(struct adversary *a, int round)
{
	struct sim_tcp_spec s = peer_seg(a->p, SIM_ACK, a->p->snd_nxt,
					 a->una + a->acked);
	struct tern_tcp_info before, after;
	unsigned int n, bound;

	if (round >= 0 && a->high > a->acked)
		adv_pattern(a, &s, (unsigned int)round);
	tern_tcp_get_info(a->r->c, &before);
	a->edge = RTE_MAX(a->edge, a->acked + TINY_WIN);
	peer_send(a->p, &s);
	n = adv_take(a);
	SIM_ASSERT(a->r->c != NULL, "T's connection ended under attack");
	tern_tcp_get_info(a->r->c, &after);
	bound = RTE_MAX(before.cwnd, after.cwnd) / after.mss +
		TCP_SB_MAX + 2;
	SIM_ASSERT(n <= bound, "round %d: %u segments for one ACK (cwnd "
		   "%u, bound %u)", round, n, after.cwnd, bound);
	a->max_per_ack = RTE_MAX(a->max_per_ack, n);
	return n;
}

/* Keep both bulk transfers between T and B fed. */
static void
feed_bulk(struct sim_conn *x, struct sim_conn *y)
{
	if (x->tx_bytes < BULK_TOTAL)
		sim_conn_send_pattern(x, BULK_TOTAL - (uint32_t)x->tx_bytes);
	if (y->tx_bytes < BULK_TOTAL)
		sim_conn_send_pattern(y, BULK_TOTAL - (uint32_t)y->tx_bytes);
}

/*
 * Line 53. P offers MSS 1 (floored to 64 bytes) and SACK; T sends it
 * 200 KB while P answers every millisecond with an ACK in one of six
 * SACK patterns -- scattered one-byte blocks, alternating segments, the
 * last byte only, nonsense, all but the first segment, overlapping
 * copies -- and lets its cumulative ACK creep forward only part of the
 * time, so RTOs interleave with recovery. Meanwhile T and a second
 * stack B exchange 1 MiB each way over a 1 ms wire.
 *
 * Asserted: every byte T sends P is right and inside P's window; for
 * each ACK T sends at most cwnd/MSS + one piece per scoreboard hole
 * + 2 segments; the connection survives; once P turns honest the
 * transfer completes; B's transfers complete intact during the attack,
 * B retransmits nothing.
 */
static void
test_s53_tiny_mss_adversarial_sack(void)
{
	const struct sim_faults wire = { .latency_ns = SIM_MS };
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t = sim_add_stack(sim, "T", NULL);
	struct sim_node *pn = sim_add_script(sim, "P");
	struct sim_node *b = sim_add_stack(sim, "B", NULL);
	struct adversary *a = sim_alloc(sim, sizeof(*a), NULL);
	struct peer *p = sim_alloc(sim, sizeof(*p), NULL);
	struct sim_conn *tb, *bt;
	struct sim_listener *l;
	struct tern_tcp_info info;
	uint64_t bulk_done_ns = 0;

	sim_set_faults(sim, t, b, &wire);
	sim_set_faults(sim, b, t, &wire);
	p->sim = sim;
	p->t = t;
	p->p = pn;
	p->port = 40000;
	p->iss = 1000000;
	p->snd_nxt = p->iss;
	p->win = TINY_WIN;
	p->tsval = 1000;
	p->syn_opts.mss_ok = true;
	p->syn_opts.mss = 1;
	p->syn_opts.sack_perm = true;
	l = sim_listen(t, FX_PORT);

	a->p = p;
	a->seg = sim_alloc(sim, sizeof(*a->seg), NULL);
	a->got = sim_alloc(sim, TINY_TOTAL, NULL);
	sim_rng_seed(&a->rng, sim_test_seed() * 53 + 1);
	a->r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(a->r->info.mss, TINY_MSS);
	SIM_CHECK(a->r->info.sack_ok);
	a->una = p->rcv_nxt;
	a->edge = TINY_WIN;

	bt = sim_connect_to(b, t, FX_PORT);
	SIM_WAIT(sim, bt->connected == 1 && l->naccepted == 2, 5 * SIM_S);
	tb = l->last;
	bt->tx_key = 0xb0b1;
	tb->tx_key = 0xb0b2;
	tb->rx_key = bt->tx_key;
	bt->rx_key = tb->tx_key;

	SIM_ASSERT_EQ(sim_conn_send_pattern(a->r, TINY_TOTAL), TINY_TOTAL);
	adv_take(a);
	for (int round = 0; round < ATTACK_ROUNDS; round++) {
		/* the cumulative ACK creeps forward 200 rounds in 700 */
		if (round % 700 < 200 && round % 6 == 5)
			a->acked = RTE_MIN(adv_contiguous(a), a->acked +
				(uint32_t)sim_rng_below(&a->rng,
							16 * TINY_MSS));
		adv_ack(a, round);
		feed_bulk(bt, tb);
		sim_run_for(sim, SIM_MS);
		adv_take(a);
		if (bulk_done_ns == 0 && bt->rx_bytes == BULK_TOTAL &&
		    tb->rx_bytes == BULK_TOTAL)
			bulk_done_ns = sim_now(sim);
	}
	SIM_ASSERT(bulk_done_ns != 0, "B's transfers stalled: %" PRIu64
		   " and %" PRIu64 " of %u bytes", bt->rx_bytes, tb->rx_bytes,
		   BULK_TOTAL);
	SIM_ASSERT_EQ(bt->rx_bad_at, 0);
	SIM_ASSERT_EQ(tb->rx_bad_at, 0);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_TCP_RETRANS_SEGS), 0);
	/* the attack reached what it aimed at */
	SIM_ASSERT(sim_stat(t, TERN_STAT_TCP_SACK_DISCARD) > 0,
		   "the nonsense blocks were not discarded");
	SIM_ASSERT(sim_stat(t, TERN_STAT_TCP_SACK_RECOVERY) > 0 &&
		   sim_stat(t, TERN_STAT_TCP_RTO_EXPIRED) > 0,
		   "no SACK recovery (%" PRIu64 ") or no RTO (%" PRIu64 ")",
		   sim_stat(t, TERN_STAT_TCP_SACK_RECOVERY),
		   sim_stat(t, TERN_STAT_TCP_RTO_EXPIRED));

	/* P turns honest: it ACKs all it has; the transfer completes */
	for (int i = 0; a->acked < TINY_TOTAL; i++) {
		SIM_ASSERT(i < 100000, "stuck at %u of %u bytes", a->acked,
			   TINY_TOTAL);
		a->acked = adv_contiguous(a);
		adv_ack(a, -1);
		if (a->acked < TINY_TOTAL && adv_take(a) == 0)
			sim_run_for(sim, SIM_MS);
		adv_take(a);
	}
	tern_tcp_get_info(a->r->c, &info);
	SIM_ASSERT_EQ(info.unacked_bytes, 0);
	SIM_ASSERT_EQ(info.queued_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(a->r), TERN_TCP_ESTABLISHED);

	tern_tcp_abort(a->r->c);
	fx_drain(p);
	SIM_ASSERT_EQ(tern_tcp_close(bt->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(tb->c), 0);
	SIM_WAIT(sim, bt->closed == 1 && tb->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	fx_run_out(sim);
	peer_destroy(p);
}

const struct sim_test tcp_tests_catalogue_sack[] = {
	SIM_TEST(test_s46_reneged_sack_resent_after_rto),
	SIM_TEST(test_s53_tiny_mss_adversarial_sack),
};
const unsigned int tcp_tests_catalogue_sack_n =
	RTE_DIM(tcp_tests_catalogue_sack);
