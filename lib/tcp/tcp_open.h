/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_OPEN_H
#define TCP_OPEN_H

/*
 * A new record's sequence numbers, inline where records are opened (a
 * passive open's SYN, connect()): the ISN's SipHash-1-3 without a call;
 * connect()'s step and SYN. Private to lib/tcp.
 */

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tcp_siphash.h"

/* ISS (RFC 6528) and the RFC 7323 timestamp offset of a new connection;
 * @p iss_floor, when not 0, the lowest ISS it may take. */
static __rte_always_inline void
tcp_conn_init_seq(struct tern_ctx *ctx, struct tern_conn *c,
		  uint32_t iss_floor)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t isn;

	if (unlikely(tcp_key_is6(&c->node.key)))
		isn = tcp_isn_ts_offset_key6(ctx, &c->node.key, &c->ts_offset);
	else
		isn = tcp_isn_ts_offset_inline(&tcp->isn_secret,
					       &c->node.key, ctx->now_ns,
					       &c->ts_offset);

	/* After a TIME_WAIT reuse, stay above the old sequence space. */
	if (iss_floor != 0 && seq_lt(isn, iss_floor))
		isn = iss_floor;
	c->iss = isn;
	c->snd_una = isn;
	c->snd_nxt = isn;
	c->snd_max = isn;
	c->rxt_next = isn;
	/* c->ts_offset, set above, keeps TSval from leaking our uptime. */
	c->rcv_wscale = tcp->rcv_wscale;
}

/* connect()'s state-table step, its SYN sent at once (tcp_fsm.c). */
int tcp_fsm_step_connect(struct tern_ctx *ctx, struct tern_conn *c);
/* The SYN+ACK's step in SYN_SENT, its row known (tcp_fsm.c). */
int tcp_fsm_step_syn_ack(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg);
/* connect()'s SYN from the call, not the output pass (tcp_syn_out.c). */
void tcp_send_syn(struct tern_ctx *ctx, struct tern_conn *c);
/* Our SYN or SYN+ACK, built and sent now (tcp_output.c). */
void tcp_emit_syn(struct tern_ctx *ctx, struct tern_conn *c);

#endif /* TCP_OPEN_H */
