/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segments sent outside a connection's output pass, each built whole
 * by tcp_emit() from what the caller knows: a RST for an aborted
 * connection or for a segment that belongs to none, the SYN+ACK of a
 * SYN cookie (nothing kept), and TIME_WAIT's ACK from its compact
 * record.
 */
#include <string.h>

#include <rte_tcp.h>

#include "tcp_emit.h"
#include "tcp_input6.h"
#include "tcp_priv.h"

/* Reset @p c (RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>). */
void
tcp_send_rst(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tcp_emit e;

	memset(&e, 0, sizeof(e));
	e.key = &c->node.key;
	e.owner = c;
	e.seq = c->snd_nxt;
	e.flags = TCP_RST;
	tcp_emit(ctx, &e);
}

/*
 * Answer @p seg, which belongs to no connection (RFC 9293 3.10.7.1):
 * with ACK set, <SEQ=SEG.ACK><CTL=RST>; otherwise
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never answer a RST.
 */
void
tcp_reply_rst(struct tern_ctx *ctx, const struct tcp_seg *seg)
{
	struct tcp_emit e;

	if (seg->flags & TCP_RST)
		return;
	memset(&e, 0, sizeof(e));
	e.key = &seg->key;
	if (seg->flags & TCP_ACK) {
		e.seq = seg->ack;
		e.flags = TCP_RST;
	} else {
		e.seq = 0;
		e.ack = seg->seq + seg->len + !!(seg->flags & TCP_SYN) +
			!!(seg->flags & TCP_FIN);
		e.flags = TCP_RST | TCP_ACK;
	}
	tcp_emit(ctx, &e);
}

/*
 * SYN+ACK for a listener whose backlog (or the connection table) is full
 * (A_SEND_COOKIE): the ISS is the cookie, only MSS is offered (the cookie
 * cannot remember more), and nothing is kept. RFC 4987 3.6.
 */
void
tcp_send_cookie_synack(struct tern_ctx *ctx, const struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint16_t peer = seg->opts.mss_ok ? seg->opts.mss : TCP_DEFAULT_MSS;
	uint32_t iss = unlikely(tcp_key_is6(&seg->key)) ?
		tcp_cookie_make_key6(ctx, &seg->key, seg->seq, peer) :
		tcp_cookie_make(&tcp->isn_secret, &seg->key, seg->seq, peer,
				ctx->now_ns);
	uint16_t mss = tcp_cookie_mss[0] > peer ? tcp_cookie_mss[0] : peer;
	struct tcp_emit e;

	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYNCOOKIES_SENT);
	memset(&e, 0, sizeof(e));
	e.key = &seg->key;
	e.seq = iss;
	e.ack = seg->seq + 1;
	e.flags = TCP_SYN | TCP_ACK;
	e.wnd = (uint16_t)RTE_MIN(tcp->conf.rcv_buf, (uint32_t)UINT16_MAX);
	e.opts.mss_ok = true;
	e.opts.mss = RTE_MIN(mss, tcp_our_mss(tcp, &seg->key));
	tcp_emit(ctx, &e);
}

void
tcp_emit_tw_ack(struct tern_ctx *ctx, const struct tcp_tw *tw)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	struct tcp_emit e;
	uint32_t wnd = RTE_MIN(tcp->conf.rcv_buf,
			       (uint32_t)UINT16_MAX << tw->rcv_wscale);

	memset(&e, 0, sizeof(e));
	e.key = &tw->node.key;
	e.seq = tw->snd_nxt;
	e.ack = tw->rcv_nxt;
	e.flags = TCP_ACK;
	e.wnd = (uint16_t)(wnd >> tw->rcv_wscale);
	if (tw->ts_ok) {
		e.opts.ts_ok = true;
		e.opts.tsval = tcp_now_ms(ctx) + tw->ts_offset;
		e.opts.tsecr = tw->ts_recent;
	}
	tcp_emit(ctx, &e);
}
