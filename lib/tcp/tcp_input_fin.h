/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_INPUT_FIN_H
#define TCP_INPUT_FIN_H

/*
 * Header prediction for the segments that end a connection, inline in
 * tcp_input_full() (tcp_input.c): the peer's FIN and the ACK of ours,
 * each once per connection on one side or the other.
 */
#include "tcp_fsm_row.h"
#include "tcp_priv.h"
#include "tcp_seq.h"

/* What keeps a segment of the close off its prediction path: a FIN
 * waiting above a hole, an open completed by close() (its ACK must
 * complete the open first). */
#define TCP_CLOSE_PREDICT_BLOCKERS (CF_OOO_FIN | CF_OPEN_PENDING)

/* tcp_input_ack.c: the ACK field of the segments predicted here. */
bool tcp_ack_input_close(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg);

/*
 * The event of the peer's bare FIN in order: SEG_FIN_ACK_OF_FIN when it
 * also acknowledges ours; SEG_FIN_CLOSE when the app promised close()
 * on it (tern_tcp_set_close_on_fin()) and has not closed yet (no FIN of
 * ours queued: ESTABLISHED, where the table takes the promise; in
 * FIN_WAIT_1 and FIN_WAIT_2 the close is done); SEG_FIN otherwise.
 */
static __rte_always_inline enum tcp_event
tcp_fin_event(const struct tern_conn *c, bool fin_acked)
{
	if (fin_acked)
		return TCP_EV_SEG_FIN_ACK_OF_FIN;
	if ((c->flags & (CF_CLOSE_ON_FIN | CF_FIN_QUEUED)) == CF_CLOSE_ON_FIN)
		return TCP_EV_SEG_FIN_CLOSE;
	return TCP_EV_SEG_FIN;
}

/*
 * A usual segment of the close (tcp_fin_predicted(),
 * tcp_ack_of_fin_predicted()) in a synchronized state, @p fin with the
 * peer's FIN: no payload, at RCV.NXT, an ACK within SND.UNA..SND.MAX,
 * no SACK blocks, nothing held above RCV.NXT. It passes every ordered
 * check of RFC 9293 3.10.7.4 that tcp_input_synchronized() makes --
 * PAWS; the sequence number (at RCV.NXT, with the window open for a
 * FIN's one sequence number); no RST, no SYN; the ACK bit on and
 * its field in range; no payload; a FIN in sequence -- and this takes
 * the same steps without the tests it cannot fail: the ACK field
 * (tcp_ack_input_close(), which tells an ACK of our FIN), RFC 7323 4.3's
 * TS.Recent, the FIN if any (RCV.NXT past it, an ACK owed), then the
 * state table's move (for a FIN, tcp_fin_event()'s). Returns false,
 * with nothing changed, when PAWS rejects the segment (the ordered path
 * drops it).
 */
static __rte_always_inline bool
tcp_close_seg_take(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_seg *seg, bool fin)
{
	bool ts = (c->flags & CF_TS_OK) && seg->opts.ts_ok;
	bool fin_acked;

	/* RFC 7323 5.3 PAWS (tcp_paws_reject(): no RST here). */
	if (ts && seq_lt(seg->opts.tsval, c->ts_recent))
		return false;
	fin_acked = tcp_ack_input_close(ctx, c, seg);
	/* RFC 7323 4.3, as on the full path; PAWS passed above. */
	if (ts && seq_leq(seg->seq, c->last_ack_sent))
		c->ts_recent = seg->opts.tsval;
	if (fin) {
		c->rcv_nxt++;
		c->flags |= CF_PEER_FIN;
		tcp_ack_soon(ctx, c);
		tcp_fsm_step_close_seg(ctx, c, tcp_fin_event(c, fin_acked),
				       seg);
	} else {
		tcp_fsm_step_close_seg(ctx, c, fin_acked ?
				       TCP_EV_SEG_ACK_OF_FIN : TCP_EV_SEG_ACK,
				       seg);
	}
	return true;
}

/*
 * The peer's FIN+ACK (and PSH) without data at RCV.NXT while its FIN is
 * still to come (ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2; the other
 * synchronized states have it), our SYN acknowledged, the window we
 * advertised open (RFC 9293 3.10.7.4: a FIN takes a sequence number,
 * so at window 0 it is not acceptable: the ordered path ACKs and drops
 * it), as tcp_close_seg_take() describes. Returns false, with nothing
 * changed, for any other segment; seg->m stays the caller's.
 */
static __rte_always_inline bool
tcp_fin_predicted(struct tern_ctx *ctx, struct tern_conn *c,
		  struct tcp_seg *seg)
{
	if ((seg->flags & ~TCP_PSH) != (TCP_ACK | TCP_FIN) || seg->len != 0 ||
	    seg->seq != c->rcv_nxt || !seq_gt(c->rcv_adv, c->rcv_nxt) ||
	    (c->flags & (TCP_CLOSE_PREDICT_BLOCKERS | CF_PEER_FIN |
			 CF_SYN_ACKED)) != CF_SYN_ACKED ||
	    seg->opts.nsack > 0 || c->reass != NULL ||
	    seq_lt(seg->ack, c->snd_una) || seq_gt(seg->ack, c->snd_max))
		return false;
	return tcp_close_seg_take(ctx, c, seg, true);
}

/*
 * The ACK (and PSH) without data at RCV.NXT of all we sent, our FIN
 * included, while that FIN is unacknowledged (FIN_WAIT_1, CLOSING,
 * LAST_ACK), our SYN acknowledged, as tcp_close_seg_take() describes.
 * Returns false, with nothing changed, for any other segment.
 */
static __rte_always_inline bool
tcp_ack_of_fin_predicted(struct tern_ctx *ctx, struct tern_conn *c,
			 struct tcp_seg *seg)
{
	if ((seg->flags & ~TCP_PSH) != TCP_ACK || seg->len != 0 ||
	    seg->seq != c->rcv_nxt ||
	    (c->flags & (TCP_CLOSE_PREDICT_BLOCKERS | CF_FIN_SENT |
			 CF_FIN_ACKED | CF_SYN_ACKED)) !=
		    (CF_FIN_SENT | CF_SYN_ACKED) ||
	    seg->ack != c->snd_max || seg->opts.nsack > 0 || c->reass != NULL)
		return false;
	return tcp_close_seg_take(ctx, c, seg, false);
}

/* The close's usual segments (above) by their predictions. */
static __rte_always_inline bool
tcp_close_predicted(struct tern_ctx *ctx, struct tern_conn *c,
		    struct tcp_seg *seg)
{
	return tcp_fin_predicted(ctx, c, seg) ||
	       tcp_ack_of_fin_predicted(ctx, c, seg);
}

#endif /* TCP_INPUT_FIN_H */
