/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our SYN or SYN+ACK owed to the output pass (tcp_owe_syn(), the state
 * table's A_SEND_SYN and A_SEND_SYNACK, and the RTO's resend), or, for
 * connect(), sent from the call (tcp_send_syn()).
 */
#include "tcp_emit.h"
#include "tcp_open.h"
#include "tcp_priv.h"

/* The SYN's sequence space taken and its retransmission timer run. */
static __rte_always_inline void
tcp_syn_take_space(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->snd_nxt = c->iss + 1;
	if (seq_lt(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
	if (c->rtx_deadline_ns == 0)
		tcp_syn_rtx_arm(ctx, c);
}

/*
 * Owe our SYN (SYN_SENT) or SYN+ACK (SYN_RCVD), first time or again: the
 * sequence space is taken and the retransmission timer runs now; the
 * output pass builds the segment.
 */
void
tcp_owe_syn(struct tern_ctx *ctx, struct tern_conn *c)
{
	tcp_syn_take_space(ctx, c);
	c->flags |= CF_SYN_OWED;
	tcp_conn_work(ctx, c);
}

/*
 * connect()'s SYN, sent from the call rather than owed to the output
 * pass: the same sequence space, timer and segment as tcp_owe_syn() and
 * the pass's tcp_emit_syn(), without the work list's round and the
 * pass's tests (a new record owes nothing else). With the TX batch down
 * to the pass's reserve, it is owed as usual and waits for the pass
 * after the driver's flush.
 */
void
tcp_send_syn(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (unlikely(tern_ctx_tx_room(ctx) <= TCP_TX_RESERVE)) {
		tcp_owe_syn(ctx, c);
		return;
	}
	tcp_syn_take_space(ctx, c);
	tcp_emit_syn(ctx, c);
}
