/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_INPUT_FIN_H
#define TCP_INPUT_FIN_H

/*
 * Header prediction for the peer's FIN, inline in tcp_input_full()
 * (tcp_input.c): once per connection on each side, the usual end of a
 * connection.
 */
#include "tcp_priv.h"
#include "tcp_seq.h"

/* What keeps a FIN off its prediction path: a FIN already taken or
 * waiting above a hole, an open completed by close() (its ACK must
 * complete the open first). */
#define TCP_FIN_PREDICT_BLOCKERS (CF_PEER_FIN | CF_OOO_FIN | CF_OPEN_PENDING)

/*
 * The peer's FIN in ESTABLISHED, FIN_WAIT_1 or FIN_WAIT_2 (a state that
 * takes the peer's bytes, our SYN acknowledged): just FIN+ACK (and PSH)
 * with no payload at RCV.NXT, an ACK within SND.UNA..SND.MAX, no SACK
 * blocks, an acceptable timestamp, nothing held above RCV.NXT. Such a
 * segment passes every ordered check of RFC 9293 3.10.7.4 that
 * tcp_input_synchronized() makes -- PAWS; the sequence number (a
 * zero-length segment at RCV.NXT is acceptable whatever the window);
 * no RST, no SYN; the ACK bit on and its field in range; no payload;
 * the FIN in sequence -- and this takes the same steps without the
 * tests it cannot fail: the ACK field (tcp_ack_input(), which tells an
 * ACK of our FIN), RFC 7323 4.3's TS.Recent, the FIN (RCV.NXT past it,
 * an ACK owed), then the state table's move (SEG_FIN or
 * SEG_FIN_ACK_OF_FIN). Returns false, with nothing changed, for any
 * other segment; seg->m stays the caller's.
 */
static __rte_always_inline bool
tcp_fin_predicted(struct tern_ctx *ctx, struct tern_conn *c,
		  struct tcp_seg *seg)
{
	bool ts = (c->flags & CF_TS_OK) && seg->opts.ts_ok;
	bool fin_acked;

	if ((seg->flags & ~TCP_PSH) != (TCP_ACK | TCP_FIN) || seg->len != 0 ||
	    seg->seq != c->rcv_nxt ||
	    (c->flags & (TCP_FIN_PREDICT_BLOCKERS | CF_SYN_ACKED)) !=
		    CF_SYN_ACKED ||
	    !tcp_state_has(c->state, SP_RECEIVES) ||
	    seg->opts.nsack > 0 || c->reass != NULL ||
	    seq_lt(seg->ack, c->snd_una) || seq_gt(seg->ack, c->snd_max))
		return false;
	/* RFC 7323 5.3 PAWS (tcp_paws_reject(): no RST here). */
	if (ts && seq_lt(seg->opts.tsval, c->ts_recent))
		return false;
	fin_acked = tcp_ack_input(ctx, c, seg);
	/* RFC 7323 4.3, as on the full path; PAWS passed above. */
	if (ts && seq_leq(seg->seq, c->last_ack_sent))
		c->ts_recent = seg->opts.tsval;
	c->rcv_nxt++;
	c->flags |= CF_PEER_FIN;
	tcp_ack_soon(ctx, c);
	tcp_fsm_step(ctx, c, fin_acked ? TCP_EV_SEG_FIN_ACK_OF_FIN :
					 TCP_EV_SEG_FIN, seg);
	return true;
}

#endif /* TCP_INPUT_FIN_H */
