/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_LEARN_OPTS_H
#define TCP_LEARN_OPTS_H

/*
 * What a SYN or SYN+ACK's options make of a new record, inline in the
 * two inputs that learn them (a listener's SYN, the SYN+ACK in
 * SYN_SENT): one call fewer per handshake on each side. Private to
 * lib/tcp.
 */

#include "tcp_priv.h"

/*
 * Adopt what the peer's SYN or SYN+ACK offered. Options we offered
 * count only when the peer offered them too (RFC 7323, RFC 2018); a
 * passive open echoes only what the SYN offered. The caller sets the
 * initial window from the MSS learnt (RFC 6928): a passive open's record
 * still holds the congestion state of its birth, nothing else does.
 */
static __rte_always_inline void
tcp_conn_learn_opts(struct tern_ctx *ctx, struct tern_conn *c,
		    const struct tcp_seg *seg)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t peer_mss = seg->opts.mss_ok ? seg->opts.mss : TCP_DEFAULT_MSS;
	uint32_t agreed = 0;	/* the flags, ORed into the record once */
	uint32_t mss;

	if (tcp->conf.timestamps && seg->opts.ts_ok) {
		agreed |= CF_TS_OK;
		c->ts_recent = seg->opts.tsval;
	}
	if (tcp->conf.sack && seg->opts.sack_perm)
		agreed |= CF_SACK_OK;
	if (tcp->conf.window_scale && seg->opts.ws_ok) {
		agreed |= CF_WS_OK;
		c->snd_wscale = seg->opts.ws;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	c->flags |= agreed;
	mss = RTE_MIN(peer_mss, (uint32_t)tcp_our_mss(tcp, &c->node.key));
	mss = RTE_MAX(mss, (uint32_t)TCP_MIN_MSS);
	if (agreed & CF_TS_OK)
		mss -= 12; /* every segment carries NOP NOP TS */
	c->mss = (uint16_t)mss;
}

#endif /* TCP_LEARN_OPTS_H */
