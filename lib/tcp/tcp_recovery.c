/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss recovery: fast retransmit on three duplicate ACKs (RFC 5681 3.2),
 * NewReno partial ACKs when SACK is off (RFC 6582), and SACK-driven
 * recovery that resends only the holes (after RFC 6675) when both ends
 * agreed on SACK, with RACK (RFC 8985 6, tcp_rack.h) watching its
 * retransmissions so a lost one is resent without waiting for the RTO.
 * A recovery whose every retransmission D-SACK reports needless is
 * undone (RFC 2883, RFC 3708). The RTO path (tcp_timers.c) resets it
 * all.
 */
#include "tcp_priv.h"

#define TCP_DUPTHRESH 3

/*
 * RFC 6675 "pipe" in SACK recovery with a scoreboard (tcp_pipe() has
 * the other cases): SACKed bytes and holes not yet resent (deemed lost)
 * do not count.
 */
uint32_t
tcp_pipe_sack_recovery(const struct tern_conn *c)
{
	uint32_t una = c->snd_una, high, holes, upto, resent;

	high = tcp_sb_high(&c->sb, una);
	holes = (high - una) - tcp_sb_sacked_in(&c->sb, una, high);
	upto = seq_max(c->rxt_next, una);
	if (seq_gt(upto, high))
		upto = high;
	resent = (upto - una) - tcp_sb_sacked_in(&c->sb, una, upto);
	return (c->snd_nxt - una) - c->sb.sacked - (holes - resent);
}

/*
 * Bytes deemed lost, as Linux's tcpi_lost reports them (lost_out, in
 * bytes here): after an RTO everything outstanding and not SACKed
 * (tcp_enter_loss()); in SACK recovery the holes below the highest
 * SACKed byte (RFC 6675 IsLost(), as tcp_pipe() counts them); in
 * NewReno recovery the first unacknowledged segment; else none.
 */
uint32_t
tcp_lost_bytes(const struct tern_conn *c)
{
	uint32_t una = c->snd_una, high;

	if (c->flags & CF_AFTER_RTO)
		return (c->snd_max - una) - c->sb.sacked;
	if (!(c->flags & CF_RECOVERY))
		return 0;
	if (!(c->flags & CF_SACK_OK) || c->sb.n == 0)
		return RTE_MIN(c->snd_max - una, (uint32_t)c->mss);
	high = tcp_sb_high(&c->sb, una);
	return (high - una) - tcp_sb_sacked_in(&c->sb, una, high);
}

/* Resend holes below the highest SACKed byte while pipe < cwnd. */
void
tcp_sack_retransmit(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t start, len;

	while (tcp_pipe(c) < c->cc.cwnd &&
	       tcp_sb_next_hole(&c->sb, seq_max(c->rxt_next, c->snd_una),
				c->mss, &start, &len)) {
		if (seq_geq(start, c->snd_nxt))
			break;
		if (seq_gt(start + len, c->snd_nxt))
			len = c->snd_nxt - start;
		/* No mbuf: the hole stays unsent for the next ACK or RTO. */
		if (tcp_send_at(ctx, c, start, len) != 0)
			break;
		c->rxt_next = start + len;
	}
}

static uint32_t
tcp_first_segment_len(const struct tern_conn *c)
{
	uint32_t len = c->snd_max - c->snd_una;

	if (len > c->sq_bytes)
		len = c->sq_bytes; /* not the FIN */
	return len < c->mss ? len : c->mss;
}

/* A loss episode begins: remember the window a D-SACK may restore. */
static void
tcp_undo_arm(struct tern_conn *c)
{
	c->undo_cwnd = c->cc.cwnd;
	c->undo_ssthresh = c->cc.ssthresh;
	c->undo_bytes = 0;
	c->undo_marker = c->snd_una;
	c->undo_high = c->snd_una;
}

static void
tcp_enter_recovery(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t len = tcp_first_segment_len(c);
	bool sack = (c->flags & CF_SACK_OK) != 0;

	tcp_undo_arm(c);
	c->flags |= CF_RECOVERY;
	c->recover = c->snd_max;
	tcp_cc_on_loss(&c->cc, flight, ctx->now_ns);
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_FAST_RETRANS);
	tern_stat_inc(&ctx->stats, sack ? TERN_STAT_TCP_SACK_RECOVERY
					: TERN_STAT_TCP_RENO_RECOVERY);
	if (!sack) {
		/* RFC 6582 3.2 step 2: inflate by the three dup ACKs. */
		c->cc.cwnd = c->cc.ssthresh + TCP_DUPTHRESH * c->mss;
	}
	if (len > 0 && tcp_send_at(ctx, c, c->snd_una, len) == 0)
		c->rxt_next = c->snd_una + len;
	/* More holes (SACK): the output pass resends them within cwnd. */
	if (sack)
		tcp_conn_work(ctx, c);
}

static void
tcp_exit_recovery(struct tern_conn *c)
{
	c->flags &= ~CF_RECOVERY;
	/* RFC 6582 3.2 step 3, option 2: deflate to ssthresh. */
	c->cc.cwnd = c->cc.ssthresh;
	/* Holes above the recovery point may be resent already: keep
	 * rxt_next so their duplicate ACKs do not start another round. */
	if (seq_lt(c->rxt_next, c->snd_una))
		c->rxt_next = c->snd_una;
}

/*
 * RFC 8985 6.2's wait: RACK.rtt plus the reordering window. RFC 8985
 * takes min_rtt / 4 for the window; tern tracks no minimum RTT and
 * takes SRTT / 4, which errs towards waiting. Without an RTT sample
 * yet, the RTO: no earlier than the timer would.
 */
static uint32_t
tcp_rack_wait_us(const struct tern_conn *c)
{
	if (c->srtt_us == 0)
		return c->rto_ms * 1000;
	return c->srtt_us + c->srtt_us / 4;
}

static uint32_t
tcp_now_us(const struct tern_ctx *ctx)
{
	return (uint32_t)(ctx->now_ns / NS_PER_US);
}

/*
 * RACK over this recovery's retransmissions (tcp_rack.h). Lost: every
 * hole below rxt_next counts as not resent again, so the output pass
 * resends them ahead of the others, within cwnd (pipe no longer counts
 * them: they left the network). Not yet: the reordering timer, in the
 * loss-probe slot that recovery leaves free.
 */
static void
tcp_rack_check(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t left_us;

	if (tcp_rack_lost(&c->sb, c->snd_una, c->rxt_next, c->rack_snd_max,
			  c->rack_xmit_us, tcp_now_us(ctx),
			  tcp_rack_wait_us(c), &left_us)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_LOST_RETRANSMIT);
		c->rxt_next = c->snd_una;
		tcp_conn_work(ctx, c);
		return;
	}
	if (left_us == 0)
		return;
	c->tlp_deadline_ns = ctx->now_ns + (uint64_t)left_us * NS_PER_US;
	tcp_timer_update(ctx, c);
}

/* The reordering timer (tcp_timers.c): the wait of the retransmissions,
 * with later data SACKed, is over. */
void
tcp_rack_timer(struct tern_ctx *ctx, struct tern_conn *c)
{
	if ((c->flags & (CF_RECOVERY | CF_SACK_OK)) ==
	    (CF_RECOVERY | CF_SACK_OK))
		tcp_rack_check(ctx, c);
}

/*
 * @p len bytes at @p seq went out again: a D-SACK may prove them
 * needless (undo), and RACK times them while SACK recovery runs.
 */
void
tcp_recovery_on_retransmit(struct tern_ctx *ctx, struct tern_conn *c,
			   uint32_t seq, uint32_t len)
{
	/* Only the episode's own resends: a tail loss probe (never during
	 * one) has its D-SACK too, which must not undo an old episode. */
	if (c->undo_cwnd != 0 && (c->flags & (CF_RECOVERY | CF_AFTER_RTO))) {
		c->undo_bytes += len;
		c->undo_high = seq_max(c->undo_high, seq + len);
	}
	if ((c->flags & (CF_RECOVERY | CF_SACK_OK)) ==
	    (CF_RECOVERY | CF_SACK_OK)) {
		c->rack_snd_max = c->snd_max;
		c->rack_xmit_us = tcp_now_us(ctx);
	}
}

/*
 * RFC 3708 with RFC 2883: the peer got [start, end) twice. Once the
 * duplicates reported cover every byte this episode resent, none of
 * the retransmissions was needed -- the originals were late, not lost
 * -- so the window goes back to what it was (as Linux's
 * tcp_try_undo_dsack()), and a recovery still running ends without
 * deflating.
 */
void
tcp_recovery_on_dsack(struct tern_ctx *ctx, struct tern_conn *c,
		      uint32_t start, uint32_t end)
{
	uint32_t s, e;

	if (c->undo_cwnd == 0)
		return;
	s = seq_max(start, c->undo_marker);
	e = seq_min(end, c->undo_high);
	if (!seq_lt(s, e))
		return;
	c->undo_bytes = e - s >= c->undo_bytes ? 0 : c->undo_bytes - (e - s);
	if (c->undo_bytes > 0)
		return;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DSACK_UNDO);
	c->cc.cwnd = RTE_MAX(c->cc.cwnd, c->undo_cwnd);
	c->cc.ssthresh = RTE_MAX(c->cc.ssthresh, c->undo_ssthresh);
	c->undo_cwnd = 0;
	c->prior_cwnd = 0; /* nothing left for Eifel to undo */
	if (c->flags & CF_RECOVERY) {
		/* The loss-probe slot held RACK's timer: TLP's again. */
		c->flags &= ~CF_RECOVERY;
		c->tlp_deadline_ns = 0;
		tcp_tlp_arm(ctx, c);
	}
	tcp_conn_work(ctx, c);
}

/*
 * An ACK that was acceptable: @p acked new bytes (0 for a duplicate,
 * then @p dup is true). Called after the scoreboard and snd_una moved.
 */
void
tcp_recovery_on_ack(struct tern_ctx *ctx, struct tern_conn *c,
		    const struct tcp_seg *seg, uint32_t acked, bool dup)
{
	bool sack = (c->flags & CF_SACK_OK) != 0;

	if (dup) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DUP_ACKS);
		if (c->dupacks < UINT8_MAX)
			c->dupacks++;
		if (c->flags & CF_RECOVERY) {
			if (!sack)
				c->cc.cwnd += c->mss; /* RFC 6582 step 4 */
			else
				tcp_rack_check(ctx, c);
			tcp_conn_work(ctx, c);
			return;
		}
		/* The hole at SND.UNA was resent in the last round and is
		 * on its way: only the RTO may call it lost again. */
		if (sack && seq_lt(c->snd_una, c->rxt_next))
			return;
		/* RFC 6582 3.2 step 1: after an RTO, duplicates caused by
		 * our own go-back-N resends start no fast retransmit until
		 * the ACK passes what was outstanding at the timeout. */
		if (c->flags & CF_AFTER_RTO)
			return;
		/* RFC 6675 IsLost(SND.UNA): enough SACKed above it. */
		if (c->dupacks >= TCP_DUPTHRESH ||
		    (sack && c->sb.sacked > (TCP_DUPTHRESH - 1) * c->mss))
			tcp_enter_recovery(ctx, c);
		return;
	}
	c->dupacks = 0;
	if ((c->flags & CF_AFTER_RTO) && seq_geq(c->snd_una, c->recover))
		c->flags &= ~CF_AFTER_RTO;
	if (!(c->flags & CF_RECOVERY)) {
		tcp_cc_on_ack(&c->cc, acked, ctx->now_ns, c->srtt_us);
		return;
	}
	if (seq_geq(seg->ack, c->recover)) {
		tcp_exit_recovery(c);
		return;
	}
	/* A partial ACK: the next hole is lost too. */
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PARTIAL_ACKS);
	if (seq_lt(c->rxt_next, c->snd_una))
		c->rxt_next = c->snd_una;
	if (sack) {
		tcp_rack_check(ctx, c);
	} else {
		uint32_t len = tcp_first_segment_len(c);

		/* RFC 6582 3.2 step 5: resend, deflate, re-inflate. */
		if (len > 0)
			tcp_send_at(ctx, c, c->snd_una, len);
		c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : c->mss;
		if (acked >= c->mss)
			c->cc.cwnd += c->mss;
	}
	tcp_conn_work(ctx, c);
}

/* The retransmission timer fired: recovery and SACK state start over. */
void
tcp_recovery_on_rto(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_RTO_EXPIRED);
	if (c->retries == 1) {
		/* Remember the window in case the RTO proves spurious. */
		c->prior_cwnd = c->cc.cwnd;
		c->prior_ssthresh = c->cc.ssthresh;
		c->rto_tsval = (c->flags & CF_TS_OK) ?
			tcp_now_ms(ctx) + c->ts_offset : 0;
		/* A recovery before this RTO keeps the older window. */
		if (!(c->flags & CF_RECOVERY))
			tcp_undo_arm(c);
	}
	c->flags &= ~CF_RECOVERY;
	c->flags |= CF_AFTER_RTO;
	c->recover = c->snd_max;
	c->dupacks = 0;
	/* RFC 6675 5.1: the peer may have reneged; resend from SND.UNA. */
	tcp_sb_clear(&c->sb);
	tcp_cc_on_rto(&c->cc, flight);
	c->rxt_next = c->snd_una;
}

/*
 * The path MTU fell (RFC 1191, tcp_icmp.c): what is in flight went in
 * segments too large for the path and was dropped on the way. Send it
 * again at the new size now, as Linux's tcp_simple_retransmit() does:
 * go back to SND.UNA like an RTO, but this is no congestion signal, so
 * cwnd and ssthresh stay and no timeout is counted.
 */
void
tcp_recovery_on_pmtu(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (!tcp_syn_acked(c) || c->snd_max == c->snd_una)
		return;
	c->flags &= ~(CF_RECOVERY | CF_RTT_TIMING);
	/* Duplicate ACKs our resends cause start no fast retransmit. */
	c->flags |= CF_AFTER_RTO;
	c->recover = c->snd_max;
	c->dupacks = 0;
	tcp_sb_clear(&c->sb);
	c->rxt_next = c->snd_una;
	c->snd_nxt = c->snd_una;
	tcp_conn_work(ctx, c);
}
