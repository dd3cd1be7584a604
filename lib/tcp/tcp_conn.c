/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection records: allocation, the handshake's negotiated parameters,
 * the app notifications made after each state-machine step, and release.
 */
#include <string.h>

#include "tcp_input6.h"
#include "tcp_open.h"
#include "tcp_priv.h"
#include "tcp_rx.h"
#include "tern_owner.h"

uint32_t
tcp_flow_hash(const struct tern_ctx *ctx, const struct tern_flow_key *key)
{
	if (!ctx->ifc.rx_rss_hash)
		return tern_flow_hash_sw(key, ctx->hash_seed);
	/* The hash the NIC computes over the segment as it arrives. */
	return tern_flow_toeplitz(ctx, key->faddr, key->laddr, key->fport,
				  key->lport);
}

/* Inline: the teardown's last step (tcp_conn_destroy()). */
static __rte_always_inline void
tcp_conn_put(struct tern_tcp *tcp, struct tern_conn *c)
{
	if (tcp->conn_stash_n < TCP_CONN_STASH)
		tcp->conn_stash[tcp->conn_stash_n++] = c;
	else
		rte_mempool_put(tcp->conn_pool, c);
}

/* Hand the stashed records back (before the pool goes). */
void
tcp_conn_stash_drain(struct tern_tcp *tcp)
{
	while (tcp->conn_stash_n > 0)
		rte_mempool_put(tcp->conn_pool,
				tcp->conn_stash[--tcp->conn_stash_n]);
}

/* tcp_conn_new() for connect(): the initial window of the default MSS
 * until the SYN+ACK brings the peer's (RFC 9293 3.7.1). */
struct tern_conn *
tcp_conn_alloc(struct tern_ctx *ctx, const struct tern_flow_key *key,
	       uint32_t hash, uint8_t state)
{
	struct tern_conn *c = tcp_conn_new(ctx, key, hash, state, 0);

	if (c != NULL)
		tcp_cc_init_zeroed(&c->cc,
				   (enum tcp_cc_algo)tcp_of(ctx)->conf.cc,
				   TCP_DEFAULT_MSS);
	return c;
}

void
tcp_sq_free(struct tern_conn *c)
{
	/* A lent head's link is the frame holder's: free our one segment. */
	if (c->sq_lent_at != 0) {
		c->sq_lent_at = 0;
		rte_pktmbuf_free_seg(c->sq_head);
	} else {
		rte_pktmbuf_free(c->sq_head);
	}
	c->sq_head = NULL;
	c->sq_tail = NULL;
	c->sq_bytes = 0;
}

static void
tcp_free_mbuf(void *data)
{
	rte_pktmbuf_free(data);
}

void
tcp_rx_free(struct tern_ctx *ctx, struct tern_conn *c)
{
	rte_pktmbuf_free(c->rx_pending);
	c->rx_pending = NULL;
	if (c->reass != NULL) {
		tcp_reass_purge(c->reass, tcp_free_mbuf);
		rte_mempool_put(tcp_of(ctx)->reass_pool, c->reass);
		c->reass = NULL;
	}
}

/* closed(), once, to an app that holds the connection. Inline in
 * tcp_conn_settle(), which alone calls it. */
static __rte_always_inline void
tcp_notify_closed(struct tern_conn *c)
{
	if (!(c->flags & CF_APP_OWNED) || (c->flags & CF_CLOSED_CB))
		return;
	c->flags |= CF_CLOSED_CB;
	if (c->ops->closed != NULL) {
		c->busy++;
		c->ops->closed(c, c->user,
			       (enum tern_tcp_close_reason)c->close_reason);
		c->busy--;
	}
}

/*
 * Release the record (state CLOSED or LISTEN, or TIME_WAIT). @p tw_holds:
 * a TIME_WAIT record took the connection over, and with it the 4-tuple
 * and the state's count (tcp_tw_enter()): neither is given up here.
 * Inline in tcp_conn_leave(), its one caller.
 */
static __rte_always_inline void
tcp_conn_destroy(struct tern_ctx *ctx, struct tern_conn *c, bool tw_holds)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	tern_timer_cancel(&tcp->wheel, &c->timer);
	if (c->flags & CF_ON_WORK)
		TAILQ_REMOVE(&tcp->work, c, work);
	if (c->flags & CF_IN_TABLE) {
		tern_ctable_remove(&tcp->conns, &c->node);
		if (!tw_holds)
			tcp_port_freed(tcp, &c->node.key);
	}
	if (c->listener != NULL) {
		TAILQ_REMOVE(&c->listener->children, c, sibling);
		if (tcp_state_has(c->state, SP_HALF_OPEN))
			c->listener->n_synrcvd--;
	}
	/* Both are empty at the end of the usual connection: no calls
	 * that free nothing (the record is zeroed again at its next
	 * tcp_conn_new()). */
	if (unlikely(c->sq_head != NULL))
		tcp_sq_free(c);
	if (unlikely(c->rx_pending != NULL || c->reass != NULL))
		tcp_rx_free(ctx, c);
	if (!tw_holds)
		tcp_fsm_conn_gone(ctx, c);
	/* After the TIME_WAIT record, if any, took its own reference. */
	if (unlikely(tcp_key_is6(&c->node.key)))
		tcp_key6_put(tcp, &c->node.key);
	tcp_conn_put(tcp, c);
}

/*
 * The end of tcp_conn_settle() for a record that goes: closed() to the
 * app, then the record released -- in TIME_WAIT, after the ACK it owes
 * and its hand-over to a compact record. Out of line: once per
 * connection, and the settle of every other step keeps a small frame.
 */
static __rte_noinline void
tcp_conn_leave(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->state != TERN_TCP_TIME_WAIT) {
		tcp_notify_closed(c);
		tcp_conn_destroy(ctx, c, false);
		return;
	}
	/* The ACK of the peer's FIN is owed now: the record that would
	 * have sent it at the end of the burst is going. */
	if (c->flags & CF_ACK_NOW)
		tcp_send_ack(ctx, c);
	c->close_reason = TERN_TCP_CLOSE_NORMAL;
	tcp_notify_closed(c);
	if (tcp_tw_enter(ctx, c) == 0) {
		tcp_conn_destroy(ctx, c, true);
		return;
	}
	/* No record: the 4-tuple is forgotten at once. */
	tcp_conn_destroy(ctx, c, false);
}

/* accepted() or connected(); a refusal by accepted() resets. */
static void
tcp_notify_established(struct tern_conn *c)
{
	struct tern_listener *l = c->listener;

	c->flags |= CF_APP_OWNED;
	if (l != NULL) {
		TAILQ_REMOVE(&l->children, c, sibling);
		l->n_synrcvd--;
		c->listener = NULL;
		if (c->ops->accepted(c, l->user) < 0)
			tcp_conn_abort(c->ctx, c);
		return;
	}
	if (c->ops->connected != NULL)
		c->ops->connected(c, c->user);
}

static void
tcp_deliver_data(struct tern_conn *c)
{
	struct rte_mbuf *m = c->rx_pending;

	if (m == NULL)
		return;
	c->rx_pending = NULL;
	if (c->flags & CF_RCV_MANUAL)
		c->rcv_held += m->pkt_len;
	if (c->ops->recv != NULL)
		c->ops->recv(c, c->user, m);
	else
		rte_pktmbuf_free(m);
}

/* tcp_conn_settle()'s callbacks, until none is owed or the connection
 * ended. */
static __rte_always_inline void
tcp_conn_notify(struct tern_conn *c)
{
	while (c->notify != 0 && !(c->flags & CF_CLOSED_CB) &&
	       c->state != TERN_TCP_CLOSED && c->state != TERN_TCP_LISTEN) {
		uint8_t n = c->notify;

		c->notify = 0;
		if (n & N_ESTAB)
			tcp_notify_established(c);
		if (c->flags & CF_CLOSED_CB)
			break;
		if (n & N_DATA)
			tcp_deliver_data(c);
		if ((n & N_PEER_FIN) && !(c->flags & CF_CLOSED_CB) &&
		    c->ops->peer_closed != NULL)
			c->ops->peer_closed(c, c->user);
		if ((n & N_WRITABLE) && !(c->flags & CF_CLOSED_CB) &&
		    c->ops->writable != NULL)
			c->ops->writable(c, c->user);
	}
}

/*
 * Make the app callbacks the last step asked for, in the order of the
 * stream (established, data, end of stream, writable), then release the
 * record if the connection ended. Callbacks may call any API on any
 * connection; one that ends this connection stops the remaining
 * notifications. Nested calls (from inside a callback of @p c) only
 * notify closed(); the outermost call releases the record.
 */
void
tcp_conn_settle(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->busy) {
		if (c->state == TERN_TCP_CLOSED)
			tcp_notify_closed(c);
		return;
	}
	/* Nothing to tell (the usual last step: the ACK of our FIN, a
	 * close()'s move): straight to the end. Not busy here, so the
	 * callbacks' mark is set and cleared, not counted. */
	if (c->notify != 0) {
		c->busy = 1;
		tcp_conn_notify(c);
		c->busy = 0;
	}
	if (tcp_state_has(c->state, SP_LEAVES) || (c->flags & CF_FREE))
		tcp_conn_leave(ctx, c);
}

/*
 * tcp_conn_settle() after a callback outside it (tcp_conn_settle_data())
 * that left something to tell or moved the state. A close() there
 * (tern-load's, on a response) moves the connection on without ending
 * it: then nothing is left to settle, and no call is made.
 */
void
tcp_conn_settle_moved(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->notify == 0 && (c->flags & CF_FREE) == 0 &&
	    !tcp_state_has(c->state, SP_LEAVES))
		return;
	tcp_conn_settle(ctx, c);
}

/*
 * USER_ABORT: reset the connection and tell the app. A half-open record
 * still in LISTEN (no SYN+ACK sent) just ends (LISTEN --USER_CLOSE-->).
 */
void
tcp_conn_abort(struct tern_ctx *ctx, struct tern_conn *c)
{
	if ((c->flags & CF_CLOSED_CB) || c->state == TERN_TCP_CLOSED)
		return;
	tcp_fsm_step(ctx, c, c->state == TERN_TCP_LISTEN ?
			     TCP_EV_USER_CLOSE : TCP_EV_USER_ABORT, NULL);
	tcp_conn_settle(ctx, c);
}

/*
 * The app's promise (tern_tcp.h): its flag, which the FIN's prediction
 * reads (tcp_fin_event(), tcp_input_fin.h).
 */
int
tern_tcp_set_close_on_fin(struct tern_conn *c, bool on)
{
	if (on)
		c->flags |= CF_CLOSE_ON_FIN;
	else
		c->flags &= ~CF_CLOSE_ON_FIN;
	return 0;
}

/* The promise every connection of @p l starts with (tern_tcp.h). */
void
tern_tcp_listen_close_on_fin(struct tern_listener *l, bool on)
{
	l->child_flags = on ? CF_CLOSE_ON_FIN : 0;
}
