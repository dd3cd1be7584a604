/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our SYN or SYN+ACK owed to the output pass (tcp_owe_syn(), the state
 * table's A_SEND_SYN and A_SEND_SYNACK, and the RTO's resend), or sent
 * from the state-table step (tcp_send_syn()) when it is the first.
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
 * The SYN or SYN+ACK of a state-table step (a connect(), a SYN that
 * opens or repeats). The first one (no retransmission timer yet) goes
 * at once while the TX batch has room beyond the reserve, as an answer
 * to input does: no trip through the work list and the output pass's
 * decision, for a connection that owes nothing else yet (a row with
 * A_SEND_SYN or A_SEND_SYNACK sets no other flag). Otherwise, and again
 * (a repeated SYN, a simultaneous open), it is owed (tcp_owe_syn()) and
 * waits for the pass after the driver's flush.
 */
void
tcp_send_syn(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->rtx_deadline_ns != 0 ||
	    tern_ctx_tx_room(ctx) <= TCP_TX_RESERVE) {
		tcp_owe_syn(ctx, c);
		return;
	}
	tcp_syn_take_space(ctx, c);
	tcp_emit_syn(ctx, c);
}
