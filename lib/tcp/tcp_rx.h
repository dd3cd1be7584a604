/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_RX_H
#define TCP_RX_H

/*
 * Receiving in-order data, inline: the header-prediction fast path
 * (tcp_input.c) and tcp_take_data() (tcp_input_data.c) both take it for
 * every data segment.
 */
#include "tcp_priv.h"

/* tcp_conn.c: tcp_conn_settle() when it has something to do. */
void tcp_conn_settle_moved(struct tern_ctx *ctx, struct tern_conn *c);

/*
 * Hold in-order payload for the app until the step is complete. Each
 * segment is settled before the next, so at most one is normally
 * waiting. Returns false when @p m cannot be linked (a chain at the
 * segment limit): the caller then leaves it unacknowledged, to come again.
 * Inline: every data segment of the fast path takes it.
 */
static inline bool
tcp_rx_queue(struct tern_conn *c, struct rte_mbuf *m)
{
	if (likely(c->rx_pending == NULL))
		c->rx_pending = m;
	else if (rte_pktmbuf_chain(c->rx_pending, m) != 0)
		return false;
	c->notify |= N_DATA;
	return true;
}

/* Delayed ACK (RFC 9293 3.8.6.3): every second segment, or the timer. */
static inline void
tcp_schedule_ack(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (++c->segs_unacked >= TCP_DELACK_SEGS) {
		tcp_ack_soon(ctx, c);
		return;
	}
	if (c->delack_deadline_ns == 0) {
		c->delack_deadline_ns = ctx->now_ns +
			(uint64_t)tcp_of(ctx)->conf.delack_ms * NS_PER_MS;
		tcp_timer_deadline_set(ctx, c, c->delack_deadline_ns);
	}
}

/*
 * tcp_conn_settle() after the header-prediction fast path, which leaves
 * the connection ESTABLISHED: in the usual case (in-order data, nothing
 * else to tell, the app takes it through recv()) the data goes straight
 * to the app; anything else -- and whatever the callback left to do --
 * is tcp_conn_settle()'s, which then does what its loop would have.
 * Inline: every data segment of the fast path takes it.
 */
static __rte_always_inline void
tcp_conn_settle_data(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct rte_mbuf *m = c->rx_pending;

	/* ESTABLISHED: the fast path admits no other state and moves
	 * none (asserted, not tested). */
	RTE_ASSERT(c->state == TERN_TCP_ESTABLISHED);
	if (unlikely(c->busy != 0 || c->notify != N_DATA || m == NULL ||
		     (c->flags & (CF_RCV_MANUAL | CF_CLOSED_CB)) != 0 ||
		     c->ops->recv == NULL)) {
		tcp_conn_settle(ctx, c);
		return;
	}
	c->notify = 0;
	c->rx_pending = NULL;
	c->busy = 1;
	c->ops->recv(c, c->user, m);
	c->busy = 0;
	if (unlikely(c->notify != 0 || c->state != TERN_TCP_ESTABLISHED ||
		     (c->flags & CF_FREE) != 0))
		tcp_conn_settle_moved(ctx, c);
}

#endif /* TCP_RX_H */
