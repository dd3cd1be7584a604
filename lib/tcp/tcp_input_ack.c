/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input, the ACK field (RFC 9293 3.10.7.4, fifth): what an
 * acceptable ACK frees from the send queue, the round-trip samples it
 * gives (RFC 6298, RFC 7323), Eifel's undo of a spurious RTO (RFC 3522),
 * SACK blocks (RFC 2018) and D-SACK blocks (RFC 2883), duplicate ACKs
 * for recovery (RFC 5681), and the send window with its WL1/WL2 rule.
 */
#include "tcp_input_fin.h"
#include "tcp_priv.h"

/* Drop @p n acknowledged bytes from the head of the send queue. A lent
 * head (tcp_sq_lend()) is freed as one segment, our reference: its link
 * is the frame's; part of it is dropped in our books alone. */
static __rte_always_inline void
tcp_sq_trim(struct tern_ctx *ctx, struct tern_conn *c, uint32_t n)
{
	if (n == c->sq_bytes && n > 0) {
		/* All of it (a request-response exchange, every time):
		 * the chain goes whole, segment by segment, each back to
		 * the lcore's cache at once -- the next send takes it
		 * there, still in the CPU's cache (a bulk put at the
		 * step's end, tried, saved 10 instructions and lost a
		 * third of the timed rps: every send took a cold mbuf). */
		struct rte_mbuf *m = c->sq_head, *next;

		if (c->sq_lent_at != 0) {
			c->sq_lent_at = 0;
			/* The reference count first: the other fields are the
			 * holder's until it has let go. */
			if (rte_mbuf_refcnt_read(m) != 1) {
				rte_pktmbuf_free_seg(m);
			} else {
				rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
				tern_mbuf_put_seg(ctx, m);
			}
		} else {
			do {
				next = m->next;
				tern_mbuf_put_seg(ctx, m);
				m = next;
			} while (m != NULL);
		}
		c->sq_head = NULL;
		c->sq_tail = NULL;
		c->sq_bytes = 0;
		return;
	}
	c->sq_bytes -= n;
	if (unlikely(c->sq_lent_at != 0)) {
		c->sq_lent_at = (uint16_t)(c->sq_lent_at + n);
		return;
	}
	while (n > 0) {
		struct rte_mbuf *m = c->sq_head;

		if (n < m->data_len) {
			rte_pktmbuf_adj(m, (uint16_t)n);
			return;
		}
		n -= m->data_len;
		c->sq_head = tcp_mbuf_free_head(m);
	}
	if (c->sq_head == NULL)
		c->sq_tail = NULL;
}

/*
 * The peer's window opened again after we probed it. What was in flight
 * when it shut was likely dropped beyond its edge: go back to SND.UNA
 * now rather than at the next (backed-off) RTO, as Linux does.
 */
static void
tcp_window_reopened(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags &= ~CF_PERSIST;
	c->backoff = 0;
	c->retries = 0;
	if (c->snd_max != c->snd_una) {
		c->snd_nxt = c->snd_una;
		tcp_rtx_arm(ctx, c);
	}
	tcp_conn_work(ctx, c);
}

/* RFC 5681 2: a duplicate ACK acks nothing new, carries nothing, and
 * finds data outstanding and the window unchanged. */
static bool
tcp_is_dup_ack(const struct tern_conn *c, const struct tcp_seg *seg)
{
	/* A zero window is flow control, not a sign of loss. */
	return seg->ack == c->snd_una && seg->len == 0 &&
	       !(seg->flags & (TCP_SYN | TCP_FIN)) &&
	       c->snd_max != c->snd_una && c->snd_wnd != 0 &&
	       (seg->wnd << c->snd_wscale) == c->snd_wnd;
}

/*
 * RFC 2883 4: the first block is a D-SACK -- a duplicate the peer
 * received -- when it lies below the cumulative ACK or inside the
 * second block.
 */
static bool
tcp_is_dsack(const struct tcp_seg *seg)
{
	const struct tcp_sack_block *b = seg->opts.sack;

	if (!seq_lt(b[0].start, b[0].end))
		return false;
	if (seq_lt(b[0].start, seg->ack))
		return seq_leq(b[0].end, seg->ack);
	return seg->opts.nsack > 1 && seq_geq(b[0].start, b[1].start) &&
	       seq_leq(b[0].end, b[1].end);
}

/* Merge the peer's SACK blocks into the scoreboard (RFC 2018); a
 * D-SACK block goes to the undo logic instead. */
static void
tcp_take_sack(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_seg *seg)
{
	const struct tcp_sack_block *blocks = seg->opts.sack;
	unsigned int n = seg->opts.nsack, rejected;

	if (n <= TCP_MAX_SACK_BLOCKS && tcp_is_dsack(seg)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DSACK_RECV);
		tcp_recovery_on_dsack(ctx, c, blocks[0].start, blocks[0].end);
		blocks++;
		n--;
	}
	tcp_sb_update(&c->sb, c->snd_una, c->snd_max, blocks, n, &rejected);
	if (rejected > 0)
		tern_stat_add(&ctx->stats, TERN_STAT_TCP_SACK_DISCARD,
			      rejected);
}

static __rte_always_inline void
tcp_update_window(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg)
{
	/* RFC 9293 3.10.7.4: only a newer segment may move the window. */
	if (seq_lt(c->snd_wl1, seg->seq) ||
	    (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, seg->ack))) {
		c->snd_wnd = seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		if (c->snd_wnd > c->max_sndwnd)
			c->max_sndwnd = c->snd_wnd;
		if (unlikely(c->snd_wnd > 0 && (c->flags & CF_PERSIST)))
			tcp_window_reopened(ctx, c);
	}
}

/* RFC 6298 2.2-2.3 with alpha 1/8, beta 1/4, K 4, G 1 ms; @p first:
 * the caller knows no sample came before (2.2, srtt_us 0). */
static __rte_always_inline void
tcp_rtt_sample(struct tern_conn *c, uint32_t rtt_us,
	       const struct tern_tcp_conf *conf, bool first)
{
	uint32_t rto_us, rto_ms;

	RTE_ASSERT(!first || c->srtt_us == 0);
	if (first || c->srtt_us == 0) {
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		uint32_t delta = c->srtt_us > rtt_us ? c->srtt_us - rtt_us
						     : rtt_us - c->srtt_us;

		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + rtt_us) / 8;
	}
	rto_us = c->srtt_us + RTE_MAX(1000u, 4 * c->rttvar_us);
	rto_ms = RTE_MAX(rto_us / 1000, conf->rto_min_ms);
	c->rto_ms = RTE_MIN(rto_ms, conf->rto_max_ms);
}

/*
 * The RTT sample an ACK gives, if any. @p first: the ACK of our SYN,
 * before which no sample was taken (constant where inlined): then no
 * echo can repeat the last sample's (rtt_tsecr is still 0, TSecr is
 * not) and the estimator starts afresh.
 */
static __rte_always_inline void
tcp_rtt_from_ack(struct tern_ctx *ctx, struct tern_conn *c,
		 const struct tcp_seg *seg, bool first)
{
	const struct tern_tcp_conf *conf = &tcp_of(ctx)->conf;

	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok && seg->opts.tsecr != 0) {
		/*
		 * RFC 7323 4.1: TSecr echoes our clock (plus offset). ACKs
		 * with the same echo within one tick of our clock (a burst
		 * of them, or the next request over a fast link) measure
		 * exactly what the first did: one sample, not one per ACK,
		 * which would also shorten the estimator's memory (RFC 7323
		 * appendix G).
		 */
		uint32_t tsecr = seg->opts.tsecr;
		uint32_t ts_now = tcp_now_ms(ctx) + c->ts_offset;
		uint32_t ms = ts_now - tsecr;

		if (!first && tsecr == c->rtt_tsecr &&
		    ts_now == c->rtt_ts_now)
			return;
		c->rtt_tsecr = tsecr;
		c->rtt_ts_now = ts_now;
		/* A round trip under one tick reads 0: it counts as one tick
		 * (as Linux's tcp_rtt_tsopt_us() does), never as "no sample",
		 * which would keep TLP off on a LAN (RFC 8985 7.2 wants
		 * an SRTT). */
		if (ms < 60 * 1000)
			tcp_rtt_sample(c, (ms != 0 ? ms : 1) * 1000, conf,
				       first);
	} else if ((c->flags & CF_RTT_TIMING) && seq_gt(seg->ack, c->rtt_seq)) {
		uint32_t us = (uint32_t)((ctx->now_ns - c->rtt_start_ns) /
					 NS_PER_US);

		c->flags &= ~CF_RTT_TIMING;
		/* Under a microsecond still counts (srtt_us 0: no sample). */
		tcp_rtt_sample(c, us != 0 ? us : 1, conf, first);
	}
}

/*
 * RFC 3522 (Eifel): the first ACK after an RTO echoes a timestamp older
 * than the retransmission, so the original arrived: undo the collapse.
 * Only asked while an RTO's collapse may be undone (prior_cwnd set).
 */
static void
tcp_check_spurious_rto(struct tern_ctx *ctx, struct tern_conn *c,
		       const struct tcp_seg *seg)
{
	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok && seg->opts.tsecr != 0 &&
	    seq_lt(seg->opts.tsecr, c->rto_tsval)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SPURIOUS_RTO);
		c->cc.cwnd = c->prior_cwnd;
		c->cc.ssthresh = c->prior_ssthresh;
	}
	c->prior_cwnd = 0;
}

/*
 * @p acked new bytes of data (SYN and FIN not counted) are
 * acknowledged: free them, sample the RTT, let congestion control and
 * recovery see it, restart or stop the retransmission timer. Both the
 * full path and the fast path take it, inlined.
 */
static __rte_always_inline void
tcp_ack_take(struct tern_ctx *ctx, struct tern_conn *c,
	     const struct tcp_seg *seg, uint32_t acked)
{
	tcp_sq_trim(ctx, c, acked);
	c->snd_una = seg->ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (seq_lt(c->rxt_next, c->snd_una))
		c->rxt_next = c->snd_una;
	/* An empty scoreboard (no SACK blocks) has nothing to move. */
	if (c->sb.n > 0)
		tcp_sb_advance(&c->sb, c->snd_una);
	tcp_rtt_from_ack(ctx, c, seg, false);
	if (unlikely(c->prior_cwnd != 0))
		tcp_check_spurious_rto(ctx, c, seg);
	if (acked > 0 || (c->flags & (CF_RECOVERY | CF_AFTER_RTO)))
		tcp_recovery_on_new_ack(ctx, c, seg, acked);
	else
		c->dupacks = 0; /* no data acknowledged: cwnd stays */
	c->retries = 0;
	c->backoff = 0;
	c->flags &= ~CF_TLP_SENT;
	if (c->snd_una == c->snd_max) {
		/* Cleared: the wheel entry finds nothing due (lazy). */
		c->rtx_deadline_ns = 0;
		c->tlp_deadline_ns = 0;
	} else {
		tcp_rtx_arm(ctx, c);
		tcp_tlp_arm(ctx, c);
	}
	if ((c->flags & CF_WANT_WRITABLE) && acked > 0) {
		c->flags &= ~CF_WANT_WRITABLE;
		c->notify |= N_WRITABLE;
	}
	tcp_conn_work(ctx, c);
}

/*
 * The ACK covers our FIN and no data: our sending is over (the FIN is
 * the last of our sequence space, so SND.UNA reaches SND.MAX) and
 * nothing of ours will be timed or sent again, so neither an RTT sample
 * (RFC 6298 and RFC 7323 4 time what may be retransmitted) nor the
 * retransmission and probe timers, nor an output pass (an ACK we owe
 * asks for its own) are of use. Recovery, if any, still ends as
 * tcp_ack_take() ends it, and Eifel still judges a resent FIN.
 */
static __rte_always_inline void
tcp_ack_of_fin(struct tern_ctx *ctx, struct tern_conn *c,
	       const struct tcp_seg *seg)
{
	/* SND.NXT and the resend point lie at or below SND.MAX, which
	 * is SEG.ACK now. */
	c->snd_una = seg->ack;
	c->snd_nxt = seg->ack;
	c->rxt_next = seg->ack;
	if (c->sb.n > 0)
		tcp_sb_advance(&c->sb, c->snd_una);
	if (unlikely(c->prior_cwnd != 0))
		tcp_check_spurious_rto(ctx, c, seg);
	if (unlikely(c->flags & (CF_RECOVERY | CF_AFTER_RTO)))
		tcp_recovery_on_ack(ctx, c, seg, 0, false);
	else
		c->dupacks = 0;
	c->retries = 0;
	c->backoff = 0;
	c->flags &= ~CF_TLP_SENT;
	c->rtx_deadline_ns = 0;
	c->tlp_deadline_ns = 0;
}

/*
 * SND.UNA < SEG.ACK <= SND.MAX: what it acknowledges of our SYN, our
 * data and our FIN (tcp_ack_take()). Returns true when this ACK covers
 * our FIN for the first time.
 */
bool
tcp_ack_advance(struct tern_ctx *ctx, struct tern_conn *c,
		const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - c->snd_una;
	bool fin_acked = false;

	if (!tcp_syn_acked(c)) {
		acked--; /* our SYN */
		c->flags |= CF_SYN_ACKED;
	}
	if ((c->flags & CF_FIN_SENT) && acked > c->sq_bytes) {
		acked--; /* our FIN */
		fin_acked = true;
		c->flags |= CF_FIN_ACKED;
	}
	/* Only our SYN or FIN (the handshake's last ACK, the ACK of a
	 * FIN): the take with nothing to free, no window to grow and no
	 * writer to wake, folded at compile time; the FIN's ends our
	 * sending. */
	if (acked == 0 && fin_acked)
		tcp_ack_of_fin(ctx, c, seg);
	else if (acked == 0)
		tcp_ack_take(ctx, c, seg, 0);
	else
		tcp_ack_take(ctx, c, seg, acked);
	return fin_acked;
}

/*
 * An ACK of our SYN and of nothing else, when nothing else was sent:
 * the SYN+ACK in SYN_SENT (RFC 9293 3.10.7.3), the handshake's last
 * ACK in SYN_RCVD when it acks SND.MAX = ISS + 1. What tcp_ack_take()
 * does for it, without what cannot apply before the SYN is acked (no
 * data to free, SACK blocks, recovery, loss probe, writer to wake).
 */
void
tcp_ack_of_syn(struct tern_ctx *ctx, struct tern_conn *c,
	       const struct tcp_seg *seg)
{
	c->snd_una = seg->ack;
	c->flags |= CF_SYN_ACKED;
	tcp_rtt_from_ack(ctx, c, seg, true);
	c->retries = 0;
	c->backoff = 0;
	c->rtx_deadline_ns = 0;
}

/*
 * The ACK of a synchronized connection past SYN_RCVD, already checked
 * to lie within SND.UNA - MAX.SND.WND .. SND.MAX: SACK blocks, new
 * bytes or a duplicate, then the window. Returns true when it covers
 * our FIN for the first time. Out of line, also for
 * tcp_ack_input_close(), which ends in a jump to it.
 */
__rte_noinline bool
tcp_ack_input(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_seg *seg)
{
	bool fin_acked = false;

	if ((c->flags & CF_SACK_OK) && seg->opts.nsack > 0)
		tcp_take_sack(ctx, c, seg);
	if (seq_gt(seg->ack, c->snd_una))
		fin_acked = tcp_ack_advance(ctx, c, seg);
	else if (tcp_is_dup_ack(c, seg))
		tcp_recovery_on_ack(ctx, c, seg, 0, true);
	tcp_update_window(ctx, c, seg);
	if (c->snd_wnd > 0 && c->sq_bytes > 0)
		tcp_conn_work(ctx, c);
	return fin_acked;
}

/*
 * The ACK field of a segment on the header-prediction fast path
 * (tcp_input.c): ESTABLISHED, our SYN acknowledged and no FIN sent, no
 * SACK blocks, SND.UNA <= SEG.ACK <= SND.MAX, and not a duplicate ACK.
 * What tcp_ack_input() does for such a segment, without the cases it
 * cannot meet.
 */
/*
 * The fast path's ACK of everything in flight (SEG.ACK = SND.MAX, new
 * data acknowledged: a request's ACK of the last response, a response's
 * of its request). What tcp_ack_take() does for it, without the tests
 * the fast path's admission has settled: no SYN or FIN in the range
 * (tcp_ack_fast()), no recovery and no RTO's aftermath (slow start or
 * avoidance straight away), and nothing left in flight to time (both
 * deadlines cleared, no re-arm).
 */
static __rte_always_inline void
tcp_ack_fast_all(struct tern_ctx *ctx, struct tern_conn *c,
		 const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - c->snd_una;

	tcp_sq_trim(ctx, c, acked);
	/* SND.NXT and the resend point lie at or below SND.MAX. */
	c->snd_una = seg->ack;
	c->snd_nxt = seg->ack;
	c->rxt_next = seg->ack;
	if (c->sb.n > 0)
		tcp_sb_advance(&c->sb, c->snd_una);
	tcp_rtt_from_ack(ctx, c, seg, false);
	if (unlikely(c->prior_cwnd != 0))
		tcp_check_spurious_rto(ctx, c, seg);
	c->dupacks = 0;
	tcp_cc_on_ack(&c->cc, acked, ctx->now_ns, c->srtt_us);
	c->retries = 0;
	c->backoff = 0;
	c->flags &= ~CF_TLP_SENT;
	/* Nothing in flight: the wheel entry finds nothing due (lazy). */
	c->rtx_deadline_ns = 0;
	c->tlp_deadline_ns = 0;
	if (c->flags & CF_WANT_WRITABLE) {
		c->flags &= ~CF_WANT_WRITABLE;
		c->notify |= N_WRITABLE;
	}
	tcp_conn_work(ctx, c);
}

void
tcp_ack_fast(struct tern_ctx *ctx, struct tern_conn *c,
	     const struct tcp_seg *seg)
{
	if (seg->ack == c->snd_max && seg->ack != c->snd_una) {
		/* Queued the connection: as below. */
		tcp_ack_fast_all(ctx, c, seg);
		tcp_update_window(ctx, c, seg);
		return;
	}
	if (seg->ack != c->snd_una) {
		/* tcp_ack_take() put the connection on the work list: the
		 * window's test below has nothing to add (a window that
		 * reopens after a probe never takes the fast path). */
		tcp_ack_take(ctx, c, seg, seg->ack - c->snd_una);
		tcp_update_window(ctx, c, seg);
		return;
	}
	tcp_update_window(ctx, c, seg);
	if (c->snd_wnd > 0 && c->sq_bytes > 0)
		tcp_conn_work(ctx, c);
}

/* tcp_ack_input_close()'s ACK of everything, out of line: the test before
 * it then needs no frame (a jump to either). */
static __rte_noinline void
tcp_ack_fin_of_all(struct tern_ctx *ctx, struct tern_conn *c,
		   const struct tcp_seg *seg)
{
	/* Queued the connection: tcp_ack_input()'s window test has
	 * nothing to add. */
	tcp_ack_fast_all(ctx, c, seg);
	tcp_update_window(ctx, c, seg);
}

/* tcp_ack_input_close()'s ACK of our FIN alone, out of line as above:
 * what tcp_ack_advance() does for it (no SYN, no data: tcp_ack_of_fin())
 * and tcp_ack_input()'s window update. */
static __rte_noinline bool
tcp_ack_fin_alone(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg)
{
	c->flags |= CF_FIN_ACKED;
	tcp_ack_of_fin(ctx, c, seg);
	/* Nothing queued: tcp_ack_input()'s work test cannot hold. */
	tcp_update_window(ctx, c, seg);
	return true;
}

/*
 * The ACK field of a segment of the close without data or SACK blocks
 * (tcp_fin_predicted(), tcp_ack_of_fin_predicted(): our SYN acked,
 * SEG.ACK within SND.UNA..SND.MAX). An ACK of our FIN alone (nothing
 * queued, one sequence number acknowledged: the final ACK, the peer's
 * FIN+ACK of our FIN) takes tcp_ack_fin_alone(); an ACK of all we sent
 * that holds new data and none of our SYN or FIN -- the FIN+ACK of our
 * last response, before our FIN -- outside recovery and an RTO's
 * aftermath takes the fast path's ACK of everything
 * (tcp_ack_fin_of_all()); each does what tcp_ack_input() does for it,
 * and any other ACK takes tcp_ack_input(). One call from the caller
 * either way. Returns true when the ACK covers our FIN for the first
 * time.
 */
bool
tcp_ack_input_close(struct tern_ctx *ctx, struct tern_conn *c,
		    const struct tcp_seg *seg)
{
	uint32_t cf = c->flags;

	if ((cf & (CF_FIN_SENT | CF_FIN_ACKED)) == CF_FIN_SENT &&
	    seg->ack - c->snd_una == 1 && c->sq_bytes == 0)
		return tcp_ack_fin_alone(ctx, c, seg);
	if (!(cf & (CF_FIN_SENT | CF_RECOVERY | CF_AFTER_RTO)) &&
	    seg->ack == c->snd_max && seg->ack != c->snd_una) {
		tcp_ack_fin_of_all(ctx, c, seg);
		return false;
	}
	return tcp_ack_input(ctx, c, seg);
}
