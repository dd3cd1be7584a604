/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our SYN or SYN+ACK owed to the output pass (tcp_owe_syn(), the state
 * table's A_SEND_SYN and A_SEND_SYNACK, and the RTO's resend): sent by
 * the output pass after the burst. Sending the first one from the step
 * itself (tcp_send_syn(), session 25) saved about 90 instructions per
 * connection on each side but cost 15-20 % of timed cps (tern-inproc,
 * two lcores), so it was taken out; see docs/benchmarks.md.
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
