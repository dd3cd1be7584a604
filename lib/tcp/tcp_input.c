/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input: validate a burst of segments once, find each one's owner
 * (connection, TIME_WAIT record, listener, or nobody), and reduce the
 * segment to one event of the state table after the ordered checks of
 * RFC 9293 3.10.7. ESTABLISHED in-order data and pure ACKs take the
 * header-prediction fast path; everything else goes through the table.
 * Its parts: listeners and half-open records (tcp_input_listen.c), the
 * ACK field, RTT and the send window (tcp_input_ack.c), the payload and
 * reassembly (tcp_input_data.c).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_input6.h"
#include "tcp_fsm_row.h"
#include "tcp_input_fin.h"
#include "tcp_learn_opts.h"
#include "tcp_open.h"
#include "tcp_parse.h"
#include "tcp_priv.h"
#include "tcp_rx.h"
#include "tern_flow_hash.h"
#include "tern_net.h"

/* ---- the ordered checks of the synchronized states ---- */

/* RFC 9293 3.10.7.4, first check: is any of the segment in the window? */
static bool
tcp_seq_acceptable(const struct tern_conn *c, const struct tcp_seg *seg)
{
	uint32_t len = seg->len + !!(seg->flags & TCP_SYN) +
		       !!(seg->flags & TCP_FIN);
	uint32_t wnd;

	/*
	 * The usual segment starts at RCV.NXT: acceptable when empty, or
	 * when the window is open -- and it is while the edge we
	 * advertised lies ahead (tcp_rcv_wnd() never returns less), so
	 * the window need not be worked out.
	 */
	if (seg->seq == c->rcv_nxt &&
	    (len == 0 || seq_gt(c->rcv_adv, c->rcv_nxt)))
		return true;
	wnd = tcp_rcv_wnd(c);
	if (len == 0) {
		if (wnd == 0)
			return seg->seq == c->rcv_nxt;
		return seq_in_range(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return seq_in_range(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
	       seq_in_range(seg->seq + len - 1, c->rcv_nxt,
			    c->rcv_nxt + wnd);
}

/* RFC 7323 5.3 PAWS: a timestamp older than TS.Recent is a duplicate. */
static bool
tcp_paws_reject(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return (c->flags & CF_TS_OK) && seg->opts.ts_ok &&
	       !(seg->flags & TCP_RST) &&
	       seq_lt(seg->opts.tsval, c->ts_recent);
}

static enum tcp_event
tcp_rst_event(const struct tern_conn *c)
{
	if (c->state == TERN_TCP_SYN_RCVD && !(c->flags & CF_PASSIVE))
		return TCP_EV_SEG_RST_REFUSED;
	return TCP_EV_SEG_RST;
}

/*
 * SYN_RCVD from an active open (simultaneous open, RFC 9293 figure 7):
 * the peer's SYN+ACK repeats its SYN, so it fails the window check,
 * yet it completes our handshake. Linux accepts it the same way.
 */
static bool
tcp_is_crossed_synack(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return c->state == TERN_TCP_SYN_RCVD && !(c->flags & CF_PASSIVE) &&
	       (seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
	       seg->seq + 1 == c->rcv_nxt && seg->ack == c->snd_max;
}

/*
 * RFC 9293 3.10.7.4, SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT. Also
 * asked in FIN_WAIT_1 while the SYN is unacknowledged (the app shut
 * down in SYN_RCVD): the open is not complete, so the same rule holds.
 */
static bool
tcp_ack_completes_open(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return seq_lt(c->snd_una, seg->ack) && seq_leq(seg->ack, c->snd_max);
}

/* The final ACK's window: the first scaled one (RFC 7323 2.2). */
static __rte_always_inline void
tcp_synrcvd_window(struct tern_conn *c, const struct tcp_seg *seg)
{
	c->snd_wnd = seg->wnd << c->snd_wscale;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
}

/*
 * The usual final ACK: it acks our SYN and nothing else was sent
 * (SEG.ACK = ISS + 1 = SND.MAX): tcp_ack_of_syn(), with the output pass
 * asked for only if the app queued data (a simultaneous open). Inline
 * in the prediction, which has tested that ACK value already.
 */
static __rte_always_inline void
tcp_synrcvd_acked_syn(struct tern_ctx *ctx, struct tern_conn *c,
		      const struct tcp_seg *seg)
{
	tcp_ack_of_syn(ctx, c, seg);
	/* Neither lies past SND.MAX, now SND.UNA. */
	c->snd_nxt = seg->ack;
	c->rxt_next = seg->ack;
	if (c->sq_bytes > 0)
		tcp_conn_work(ctx, c);
	tcp_synrcvd_window(c, seg);
}

/* The handshake's final ACK: the SYN is acknowledged. */
static void
tcp_synrcvd_acked(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg)
{
	if (seg->ack == c->iss + 1 && c->snd_max == seg->ack) {
		tcp_synrcvd_acked_syn(ctx, c, seg);
		return;
	}
	tcp_ack_advance(ctx, c, seg);
	tcp_synrcvd_window(c, seg);
}

/*
 * RFC 9293 3.10.7.4, SYN_RCVD through TIME_WAIT (the last held by the
 * compact record instead). Returns true when seg->m was consumed.
 */
static bool
tcp_input_synchronized(struct tern_ctx *ctx, struct tern_conn *c,
		       struct tcp_seg *seg)
{
	uint8_t f = seg->flags;
	bool synrcvd_ok = false, fin_acked = false, taken = false;
	bool fin;
	enum tcp_event ev;

	/* First: PAWS, then the sequence number. */
	if (tcp_paws_reject(c, seg)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PAWS_DROPS);
		tcp_ack_soon(ctx, c);
		return false;
	}
	if (!tcp_seq_acceptable(c, seg)) {
		if (c->state == TERN_TCP_SYN_RCVD &&
		    (f & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
		    seg->seq == c->irs) {
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN_DUP, seg);
			return false;
		}
		if (tcp_is_crossed_synack(c, seg)) {
			tcp_synrcvd_acked(ctx, c, seg);
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN_ACK, seg);
			return false;
		}
		if (f & TCP_SYN) {
			/* RFC 5961 4.2: whatever its sequence number. */
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
			return false;
		}
		if (f & TCP_RST) {
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_RST_IGNORED);
			return false;
		}
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_OUT_OF_WINDOW);
		/* Wholly received before: a duplicate (RFC 2883). */
		if (seg->len > 0 && seq_leq(seg->seq + seg->len, c->rcv_nxt))
			tcp_dsack_note(ctx, c, seg->seq, seg->seq + seg->len,
				       TERN_STAT_TCP_DSACK_OLD_SENT);
		tcp_ack_soon(ctx, c);
		return false;
	}
	/* Second: the RST bit (RFC 5961 3.2). */
	if (f & TCP_RST) {
		if (seg->seq == c->rcv_nxt)
			tcp_fsm_step(ctx, c, tcp_rst_event(c), seg);
		else
			tcp_send_challenge_ack(ctx, c);
		return false;
	}
	/* Fourth: the SYN bit (RFC 5961 4.2: challenge, never reset). */
	if (f & TCP_SYN) {
		tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
		return false;
	}
	/* Fifth: the ACK field. */
	if (!(f & TCP_ACK)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_BAD_FLAGS);
		return false;
	}
	if ((c->state == TERN_TCP_SYN_RCVD || (c->flags & CF_OPEN_PENDING)) &&
	    !tcp_ack_completes_open(c, seg)) {
		/* Nothing of it reaches the app before connected(). */
		tcp_fsm_step(ctx, c, TCP_EV_SEG_BAD_ACK, seg);
		return false;
	}
	if (c->state == TERN_TCP_SYN_RCVD) {
		tcp_synrcvd_acked(ctx, c, seg);
		synrcvd_ok = true;
	} else {
		if (seq_gt(seg->ack, c->snd_max) ||
		    seq_lt(seg->ack, c->snd_una - c->max_sndwnd)) {
			/* RFC 9293 / RFC 5961 5.2: ACK it, drop it. */
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_ACK_UNSENT);
			tcp_ack_soon(ctx, c);
			return false;
		}
		fin_acked = tcp_ack_input(ctx, c, seg);
	}
	if (c->flags & CF_OPEN_PENDING) {
		/* connected() now, before the data and the FIN below. */
		c->flags &= ~CF_OPEN_PENDING;
		tcp_fsm_step(ctx, c, TCP_EV_SEG_ACK_OF_SYN, seg);
	}
	/* RFC 7323 4.3: remember the newest in-sequence timestamp. */
	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok &&
	    seq_leq(seg->seq, c->last_ack_sent) &&
	    seq_geq(seg->opts.tsval, c->ts_recent))
		c->ts_recent = seg->opts.tsval;

	/* Seventh: the payload. */
	if (seg->len > 0 && tcp_state_has(c->state, SP_RECEIVES) &&
	    !(c->flags & CF_PEER_FIN)) {
		if (c->flags & CF_RCV_CLOSED) {
			/* RFC 1122 4.2.2.13: nobody will read it. */
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_RESET_ON_CLOSE);
			tcp_fsm_step(ctx, c, TCP_EV_SEG_DATA_AFTER_CLOSE, seg);
			return false;
		}
		taken = tcp_take_data(ctx, c, seg);
	} else if (seg->len == 0 && (f & TCP_FIN) &&
		   seq_gt(seg->seq, c->rcv_nxt) && !(c->flags & CF_PEER_FIN)) {
		/* A bare FIN above a hole: remember it, ask for the hole. */
		c->flags |= CF_OOO_FIN;
		c->ooo_fin_seq = seg->seq;
		tcp_send_ack(ctx, c);
	}
	/* Eighth: the FIN bit, acted on only in sequence. */
	fin = !(c->flags & CF_PEER_FIN) &&
	      (((seg->flags & TCP_FIN) && seg->seq + seg->len == c->rcv_nxt) ||
	       ((c->flags & CF_OOO_FIN) && c->ooo_fin_seq == c->rcv_nxt));
	if (fin) {
		c->rcv_nxt++;
		c->flags |= CF_PEER_FIN;
		tcp_ack_soon(ctx, c);
	}
	if (fin)
		ev = fin_acked ? TCP_EV_SEG_FIN_ACK_OF_FIN : TCP_EV_SEG_FIN;
	else
		ev = fin_acked ? TCP_EV_SEG_ACK_OF_FIN : TCP_EV_SEG_ACK;
	(void)synrcvd_ok;
	tcp_fsm_step(ctx, c, ev, seg);
	return taken;
}

/* RFC 9293 3.10.7.3: SYN_SENT. */
static void
tcp_input_syn_sent(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_seg *seg)
{
	uint8_t f = seg->flags;
	bool ack_ok = false;

	if (f & TCP_ACK) {
		ack_ok = seq_gt(seg->ack, c->iss) &&
			 seq_leq(seg->ack, c->snd_max);
		if (!ack_ok) {
			if (!(f & TCP_RST))
				tcp_fsm_step(ctx, c, TCP_EV_SEG_BAD_ACK, seg);
			else
				tern_stat_inc(&ctx->stats,
					      TERN_STAT_TCP_DROP_RST_IGNORED);
			return;
		}
	}
	if (f & TCP_RST) {
		if (ack_ok)
			tcp_fsm_step(ctx, c, TCP_EV_SEG_RST_REFUSED, seg);
		else
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_RST_IGNORED);
		return;
	}
	if (!(f & TCP_SYN)) {
		/* No such cell: dropped, counted. */
		tcp_fsm_step(ctx, c, TCP_EV_SEG_ACK, seg);
		return;
	}
	/* Data on a SYN is neither acknowledged nor delivered: resent. */
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_conn_learn_opts(ctx, c, seg);
	/* RFC 6928: 10 segments of the real MSS, whatever a resent SYN's
	 * RTO did to the state. */
	tcp_cc_init(&c->cc, (enum tcp_cc_algo)c->cc.algo, c->mss);
	/* RFC 7323 2.2: the window of a SYN is not scaled. */
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	if (!ack_ok) {
		/* Simultaneous open (RFC 9293 3.5 figure 7). */
		tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
		return;
	}
	tcp_ack_of_syn(ctx, c, seg);
	tcp_fsm_step_syn_ack(ctx, c, seg);
	if (c->sq_bytes > 0)
		tcp_conn_work(ctx, c);
}

/*
 * What keeps a connection off the header-prediction fast path: the
 * app closed its receiving side, the peer's FIN came, loss recovery or
 * an RTO's aftermath, a FIN waiting above a hole, a zero-window probe
 * (and, never set in ESTABLISHED, our FIN sent). CF_SYN_ACKED must be
 * set: tcp_ack_fast() counts no SYN.
 */
#define TCP_FAST_PATH_BLOCKERS \
	(CF_RCV_CLOSED | CF_PEER_FIN | CF_RECOVERY | CF_AFTER_RTO | \
	 CF_OOO_FIN | CF_PERSIST | CF_FIN_SENT)

/*
 * RFC 7323 4.3, as on the full path, for a segment the fast path takes
 * (PAWS passed). Before tcp_ack_fast(), which neither reads TS.Recent
 * nor sends (Last.ACK.sent stays): @p ts then need not be kept across
 * the call (callgrind).
 */
static __rte_always_inline void
tcp_fast_ts_recent(struct tern_conn *c, const struct tcp_seg *seg, bool ts)
{
	if (ts && seq_leq(seg->seq, c->last_ack_sent))
		c->ts_recent = seg->opts.tsval;
}

/*
 * Header prediction (Van Jacobson; RFC 9293 leaves it to us): an
 * ESTABLISHED segment with just ACK (and PSH), in sequence, acceptable
 * timestamp, an ACK within SND.UNA..SND.MAX, no SACK blocks, and either
 * a pure ACK of new data or in-order data that fits the window (acking
 * new data or not: a request that acks the last response). It skips the
 * ordered checks such a segment passes anyway; its ACK field (window
 * included) takes tcp_ack_fast(), which does what tcp_ack_input() does
 * for it. Anything unusual -- other flags, SACK or D-SACK blocks, a
 * duplicate ACK, a hole on either side, recovery, a FIN waiting above a
 * hole -- takes the full path. Returns false to take it, with nothing
 * changed; true when the segment is done with (its mbuf kept or freed).
 */
static __rte_always_inline bool
tcp_fast_path(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_seg *seg)
{
	uint32_t cf = c->flags;
	bool ts = (cf & CF_TS_OK) && seg->opts.ts_ok;

	if (c->state != TERN_TCP_ESTABLISHED ||
	    (seg->flags & ~TCP_PSH) != TCP_ACK || seg->seq != c->rcv_nxt ||
	    (cf & (TCP_FAST_PATH_BLOCKERS | CF_SYN_ACKED)) != CF_SYN_ACKED ||
	    seg->opts.nsack > 0 || c->reass != NULL ||
	    seq_lt(seg->ack, c->snd_una) || seq_gt(seg->ack, c->snd_max))
		return false;
	/* RFC 7323 5.3 PAWS (tcp_paws_reject(): no RST here). */
	if (ts && seq_lt(seg->opts.tsval, c->ts_recent))
		return false;
	if (seg->len == 0) {
		if (seg->ack == c->snd_una)
			return false;   /* a duplicate ACK or window update */
		tcp_fast_ts_recent(c, seg, ts);
		tcp_ack_fast(ctx, c, seg);
		rte_pktmbuf_free(seg->m);
	} else {
		if (!tcp_rcv_wnd_fits(c, seg->len) || !tcp_rx_queue(c, seg->m))
			return false;
		tcp_fast_ts_recent(c, seg, ts);
		tcp_ack_fast(ctx, c, seg);
		c->rcv_nxt += seg->len;
		tcp_schedule_ack(ctx, c);
	}
	/* ESTABLISHED --SEG_ACK--> ESTABLISHED: counted by the caller. */
	return true;
}

/* What keeps the handshake's last ACK off its prediction path: the
 * app shut its receiving side, a FIN came or waits above a hole, or an
 * open completed by close() (none of them usual in SYN_RCVD). */
#define TCP_SYNRCVD_PREDICT_BLOCKERS \
	(CF_RCV_CLOSED | CF_PEER_FIN | CF_OOO_FIN | CF_OPEN_PENDING)

/*
 * Header prediction for the handshake's last ACK (SYN_RCVD): just ACK
 * (and PSH) at RCV.NXT, acknowledging our SYN with nothing else sent
 * (SEG.ACK = ISS + 1 = SND.MAX), an acceptable timestamp, nothing held
 * above RCV.NXT, and no data or in-order data inside the window (a
 * request sent with the ACK). Such a segment passes every ordered check
 * of tcp_input_synchronized() -- PAWS, the window, no RST or SYN, the
 * ACK in SND.UNA < SEG.ACK =< SND.NXT -- and this takes the same steps
 * without the tests it cannot fail; the state table still makes the
 * move (SYN_RCVD --SEG_ACK-->). Returns false, with nothing changed,
 * for any other segment; else sets @p taken (seg->m kept).
 */
static __rte_always_inline bool
tcp_synrcvd_predicted(struct tern_ctx *ctx, struct tern_conn *c,
		      struct tcp_seg *seg, bool *taken)
{
	bool ts = (c->flags & CF_TS_OK) && seg->opts.ts_ok;

	if ((seg->flags & ~TCP_PSH) != TCP_ACK || seg->seq != c->rcv_nxt ||
	    seg->ack != c->iss + 1 || c->snd_max != seg->ack ||
	    (c->flags & TCP_SYNRCVD_PREDICT_BLOCKERS) || c->reass != NULL)
		return false;
	/* RFC 7323 5.3 PAWS (tcp_paws_reject(): no RST here). */
	if (ts && seq_lt(seg->opts.tsval, c->ts_recent))
		return false;
	/* Queued first, as tcp_fast_path() does: a chain that cannot take
	 * it leaves everything to the full path. */
	if (seg->len > 0 &&
	    (!tcp_rcv_wnd_fits(c, seg->len) || !tcp_rx_queue(c, seg->m)))
		return false;
	tcp_synrcvd_acked_syn(ctx, c, seg);
	/* RFC 7323 4.3, as on the full path; PAWS passed above. */
	if (ts && seq_leq(seg->seq, c->last_ack_sent))
		c->ts_recent = seg->opts.tsval;
	*taken = seg->len > 0;
	if (*taken) {
		c->rcv_nxt += seg->len;
		tcp_schedule_ack(ctx, c);
	}
	tcp_fsm_step_synrcvd_ack(ctx, c, seg);
	return true;
}

/* Everything but the fast path: the ordered checks of each state (the
 * handshake's last ACK and the close's segments by their predictions). */
static __rte_noinline void
tcp_input_full(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_seg *seg)
{
	bool taken = false;

	if (c->state == TERN_TCP_SYN_SENT)
		tcp_input_syn_sent(ctx, c, seg);
	else if (c->state == TERN_TCP_SYN_RCVD ?
		 !tcp_synrcvd_predicted(ctx, c, seg, &taken) :
		 !tcp_close_predicted(ctx, c, seg))
		taken = tcp_input_synchronized(ctx, c, seg);
	if (!taken)
		tern_rx_free(ctx, seg->m);
	tcp_conn_settle(ctx, c);
}

/* A segment for connection @p c; inlined in the burst loops. */
static __rte_always_inline bool
tcp_input_conn_inline(struct tern_ctx *ctx, struct tern_conn *c,
		      struct tcp_seg *seg)
{
	c->segs_in++;
	c->last_rx_ns = ctx->now_ns;
	c->ka_probes = 0;
	if (!tcp_fast_path(ctx, c, seg)) {
		tcp_input_full(ctx, c, seg);
		return false;
	}
	/*
	 * The fast path leaves the connection ESTABLISHED and in use:
	 * there is only the app to tell, if anything.
	 */
	if (c->notify != 0)
		tcp_conn_settle_data(ctx, c);
	return true;
}

bool
tcp_input_conn(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_seg *seg)
{
	return tcp_input_conn_inline(ctx, c, seg);
}

/* Inlined in both families' loops: IPv4 keeps the code it had. True
 * when @p seg took the fast path (the caller counts its row). */
static __rte_always_inline bool
tcp_input_one(struct tern_ctx *ctx, struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_hnode *n;
	struct tern_listener *l;
	struct tcp_tw *tw;

	n = tern_ctable_lookup_kh(&tcp->conns, &seg->kh);
	if (n != NULL)
		return tcp_input_conn_inline(ctx, (struct tern_conn *)n, seg);
	tw = tcp_tw_lookup(tcp, &seg->key, seg->hash);
	if (tw != NULL) {
		tcp_tw_input(ctx, tw, seg);
		return false;
	}
	l = tcp_find_listener(tcp, seg->key.lport);
	/* Listeners are dual-stack unless told otherwise: our IPv4 address
	 * or any IPv6 one. */
	if (l != NULL && tcp_listener_takes(l, &seg->key) &&
	    (seg->key.laddr == ctx->ifc.ip || tcp_key_is6(&seg->key))) {
		tcp_input_listen(ctx, l, seg, 0);
		return false;
	}
	/* RFC 9293 3.10.7.1: CLOSED. Never answer a RST. */
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_NO_CONN);
	if (!(seg->flags & TCP_RST))
		tcp_fsm_step_closed(ctx, TCP_EV_SEG_ANY, seg);
	rte_pktmbuf_free(seg->m);
	return false;
}

/*
 * The fast path's lines of the record a segment will most likely find
 * (its bucket's first entry), fetched for the whole burst before its
 * first segment is processed: with many connections each record is
 * cold, and one segment's processing is too long for the CPU to overlap
 * the next one's misses with it. With fewer than this many records they
 * stay in the core's caches (256 of 768 bytes: 192 KiB, a part of an
 * L2 that the mbufs share), and the pass would be instructions for
 * nothing.
 */
#define TCP_PREFETCH_MIN_CONNS 256

/* Prefetch the record @p hash most likely finds (see above). */
static inline void
tcp_conn_prefetch(const struct tern_tcp *tcp, uint32_t hash)
{
	const char *p = (const char *)tern_ctable_first(&tcp->conns, hash);
	unsigned int i;

	if (p == NULL)
		return;
#pragma GCC unroll 8
	for (i = 0; i < TCP_CONN_HOT_LINES; i++)
		rte_prefetch0(p + i * RTE_CACHE_LINE_SIZE);
}

void
tern_tcp_input_burst(struct tern_ctx *ctx, struct rte_mbuf **segs, uint16_t n)
{
	struct tcp_seg seg[TERN_RX_BURST];
	struct tern_tcp *tcp = tcp_of(ctx);
	uint64_t verdict = tcp_cksum_verdict_mask(ctx);
	uint32_t nfast = 0;
	uint16_t done = 0;

	tern_stat_add(&ctx->stats, TERN_STAT_TCP_IN_SEGS, n);
	while (done < n) {
		uint16_t chunk = RTE_MIN((uint16_t)(n - done),
					 (uint16_t)TERN_RX_BURST);
		struct tcp_seg *next = seg;
		uint16_t nvalid, i;

		/* A cursor, not seg[nvalid]: gcc worked the element's
		 * address out again for each field (callgrind). */
		for (i = 0; i < chunk; i++) {
			struct rte_mbuf *m = segs[done + i];
			tern_stat_t why;

			why = tcp_parse(ctx, m, next, verdict);
			if (why != TERN_STAT_MAX) {
				tern_stat_inc(&ctx->stats,
					      TERN_STAT_TCP_IN_ERRS);
				tern_drop(ctx, m, why);
				continue;
			}
			tern_ctable_prefetch(&tcp->conns, next->hash);
			next++;
		}
		nvalid = (uint16_t)(next - seg);
		if (tcp->conns.count >= TCP_PREFETCH_MIN_CONNS)
			for (i = 0; i < nvalid; i++)
				tcp_conn_prefetch(tcp, seg[i].hash);
		/*
		 * Look each segment up only when its turn comes: an earlier
		 * one may have closed or created a connection.
		 */
		for (i = 0; i < nvalid; i++)
			nfast += tcp_input_one(ctx, &seg[i]);
		done += chunk;
	}
	/* The fast path's row, once for the burst (its segments are done). */
	if (nfast > 0)
		tcp_fsm_count_fast(ctx, nfast);
	/* What the segments owe leaves with the caller's output pass
	 * (tern_tcp_output(), or tern_tcp_poll() after the app's poll). */
}

/*
 * IPv6 segments: one at a time, parsed just before they are processed,
 * so that the peer each one interned is held (a reference of the
 * segment's own) across its processing, and let go after it: a peer
 * no record kept leaves the intern table with its segment.
 */
void
tern_tcp_input_burst6(struct tern_ctx *ctx, struct rte_mbuf **segs,
		      uint16_t n)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint64_t verdict = tcp_cksum_verdict_mask(ctx);
	uint32_t nfast = 0;

	tern_stat_add(&ctx->stats, TERN_STAT_TCP_IN_SEGS, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = segs[i];
		struct tcp_seg seg;
		tern_stat_t why;
		uint32_t peer;

		if (unlikely(tcp->peers6.cap == 0)) {
			/* IPv6 came on after TCP was set up: no table. */
			why = TERN_STAT_TCP_IN6_PEERS_FULL;
		} else {
			why = tcp_parse_family(ctx, m, &seg, verdict,
					       true);
		}
		if (why != TERN_STAT_MAX) {
			tern_stat_inc(&ctx->stats, TERN_STAT_TCP_IN_ERRS);
			tern_drop(ctx, m, why);
			continue;
		}
		peer = seg.key.faddr;
		tcp_peers6_hold(&tcp->peers6, peer);
		nfast += tcp_input_one(ctx, &seg);
		tcp_peers6_put(&tcp->peers6, peer);
	}
	if (nfast > 0)
		tcp_fsm_count_fast(ctx, nfast);
}
