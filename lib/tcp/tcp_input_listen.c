/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input for listeners (RFC 9293 3.10.7.2): a SYN within the backlog
 * gets a half-open record of its own, born in LISTEN like its listener
 * and stepped to SYN_RCVD; past the backlog, a SYN cookie (RFC 4987) or
 * nothing; the final ACK of a cookie handshake makes a connection from
 * what the cookie proves.
 */
#include "tcp_fsm_row.h"
#include "tcp_input6.h"
#include "tcp_learn_opts.h"
#include "tcp_open.h"
#include "tcp_priv.h"

/* A new record for a handshake on @p l, in LISTEN until its first step
 * (inline: the SYN's path makes one call fewer). */
static __rte_always_inline struct tern_conn *
tcp_spawn(struct tern_ctx *ctx, struct tern_listener *l,
	  const struct tcp_seg *seg, uint32_t iss_floor)
{
	struct tern_conn *c = tcp_conn_new(ctx, &seg->key, seg->hash,
					   TERN_TCP_LISTEN,
					   CF_PASSIVE | l->child_flags);

	if (c == NULL)
		return NULL;
	c->ops = l->ops;
	c->user = l->user;
	c->listener = l;
	TAILQ_INSERT_TAIL(&l->children, c, sibling);
	l->n_synrcvd++;
	tcp_conn_init_seq(ctx, c, iss_floor);
	return c;
}

/*
 * The final ACK of a cookie handshake (RFC 4987 3.6): the connection is
 * made ESTABLISHED from what the cookie proves, then the segment is
 * processed as any other (it may carry data). False: not a cookie.
 */
static bool
tcp_listen_cookie_ack(struct tern_ctx *ctx, struct tern_listener *l,
		      struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *c;
	uint16_t mss;

	/* A FIN may ride on it (a client that sends and closes at once):
	 * the cookie proves the handshake all the same. */
	if (!tcp->conf.syn_cookies || (seg->flags & (TCP_SYN | TCP_RST)))
		return false;
	if (unlikely(tcp_key_is6(&seg->key)))
		mss = tcp_cookie_check_key6(ctx, &seg->key, seg->seq - 1,
					    seg->ack - 1);
	else
		mss = tcp_cookie_check(&tcp->isn_secret, &seg->key,
				       seg->seq - 1, seg->ack - 1, ctx->now_ns);
	if (mss == 0) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYNCOOKIES_FAILED);
		return false;
	}
	c = tcp_spawn(ctx, l, seg, 0);
	if (c == NULL)
		return false;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYNCOOKIES_RECV);
	c->iss = seg->ack - 1;
	c->snd_una = seg->ack;
	c->flags |= CF_SYN_ACKED;	/* the cookie's ACK acknowledged it */
	c->snd_nxt = seg->ack;
	c->snd_max = seg->ack;
	c->rxt_next = seg->ack;
	c->irs = seg->seq - 1;
	c->rcv_nxt = seg->seq;
	c->rcv_adv = seg->seq;
	c->rcv_wscale = 0;
	c->snd_wscale = 0;
	if (mss > tcp_our_mss(tcp, &seg->key))
		mss = tcp_our_mss(tcp, &seg->key);
	c->mss = RTE_MAX(mss, (uint16_t)TCP_MIN_MSS);
	tcp_cc_init_zeroed(&c->cc, (enum tcp_cc_algo)tcp->conf.cc, c->mss);
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	tcp_fsm_step(ctx, c, TCP_EV_SEG_COOKIE_ACK, seg);
	/* The rest of the segment (data, FIN) as in ESTABLISHED. */
	if (tcp_input_conn(ctx, c, seg))
		tcp_fsm_count_fast(ctx, 1);
	return true;
}

/*
 * RFC 9293 3.10.7.2: LISTEN. A SYN within the backlog gets a record of
 * its own (born in LISTEN, stepped to SYN_RCVD); @p iss_floor, when not
 * 0, is the lowest ISS it may take (a SYN that ended a TIME_WAIT).
 */
void
tcp_input_listen(struct tern_ctx *ctx, struct tern_listener *l,
		 struct tcp_seg *seg, uint32_t iss_floor)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t f = seg->flags;
	struct tern_conn *c;

	if ((f & (TCP_RST | TCP_ACK | TCP_SYN)) != TCP_SYN) {
		if ((f & (TCP_RST | TCP_ACK)) == TCP_ACK) {
			if (tcp_listen_cookie_ack(ctx, l, seg))
				return;
			/* Only an ACK has a row (RST reply). */
			tcp_fsm_step_listener(ctx, l, TCP_EV_SEG_ACK, seg);
		}
		/* RST, FIN and the rest: dropped, counted once. */
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_LISTEN);
		rte_pktmbuf_free(seg->m);
		return;
	}
	if (unlikely(l->syn_paused)) {
		/* The app's accept queue is full: as Linux, the SYN is
		 * dropped (no cookie) and the peer retransmits it. */
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_LISTEN_DROPS);
		rte_pktmbuf_free(seg->m);
		return;
	}
	if (l->n_synrcvd >= l->backlog) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_LISTEN_OVERFLOWS);
		if (tcp->conf.syn_cookies)
			tcp_fsm_step_listener(ctx, l, TCP_EV_SEG_SYN_OVERFLOW,
					      seg);
		rte_pktmbuf_free(seg->m);
		return;
	}
	c = tcp_spawn(ctx, l, seg, iss_floor);
	if (c == NULL) {
		/*
		 * The connection table is full (counted by tcp_conn_new()).
		 * A cookie keeps nothing, so answer with one as for a full
		 * backlog: the handshake completes if a record is free when
		 * the ACK comes. Without cookies, refuse rather than stay
		 * silent.
		 */
		if (tcp->conf.syn_cookies)
			tcp_fsm_step_listener(ctx, l, TCP_EV_SEG_SYN_OVERFLOW,
					      seg);
		else
			tcp_reply_rst(ctx, seg);
		rte_pktmbuf_free(seg->m);
		return;
	}
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	tcp_conn_learn_opts(ctx, c, seg);
	/* RFC 6928: 10 segments of the real MSS, set once: the state is
	 * as tcp_conn_new() left it, zero. */
	tcp_cc_init_zeroed(&c->cc, (enum tcp_cc_algo)tcp->conf.cc, c->mss);
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->segs_in = 1;                /* the SYN, as Linux's child counts */
	tcp_fsm_step_listen_syn(ctx, c, seg);
	tern_rx_free(ctx, seg->m);
	/* The usual step (to SYN_RCVD, the SYN+ACK owed) leaves the app
	 * nothing to hear and the record nothing to release. */
	if (c->notify != 0 || (c->flags & CF_FREE) ||
	    tcp_state_has(c->state, SP_ENDED))
		tcp_conn_settle(ctx, c);
}
