/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_OPEN_H
#define TCP_OPEN_H

/*
 * A new record and its sequence numbers, inline where records are
 * opened: the passive open's SYN takes the record (tcp_conn_new())
 * and the ISN's SipHash-1-3 without a call; connect() the record
 * through tcp_conn_alloc(), the ISN inline, its step and its SYN.
 * Private to lib/tcp.
 */

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tcp_siphash.h"

_Static_assert(TERN_TCP_CLOSED == 0, "a zeroed record must be CLOSED");

/* A free record: the one freed last if any (warm), else the pool's. */
static __rte_always_inline struct tern_conn *
tcp_conn_get(struct tern_tcp *tcp)
{
	void *obj;

	if (tcp->conn_stash_n > 0)
		return tcp->conn_stash[--tcp->conn_stash_n];
	return rte_mempool_get(tcp->conn_pool, &obj) == 0 ? obj : NULL;
}

/*
 * Zero a record with 16-byte stores. gcc inlines memset() of the 512
 * bytes as a `rep stosq`, which callgrind counts as 64 instructions
 * (one per word) and which pays the string instructions' start-up on
 * the CPU; 32 vector stores do the same. The loop is unrolled by hand
 * in effect: its count is a constant and it has no other work.
 */
static __rte_always_inline void
tcp_conn_zero(struct tern_conn *c)
{
	typedef uint64_t tcp_zero16
		__attribute__((vector_size(16), aligned(1), may_alias));
	tcp_zero16 *v = (tcp_zero16 *)(void *)c;
	unsigned int i;

	RTE_BUILD_BUG_ON(sizeof(*c) % sizeof(*v) != 0);
#pragma GCC unroll 32
	for (i = 0; i < sizeof(*c) / sizeof(*v); i++)
		v[i] = (tcp_zero16){ 0, 0 };
}

/*
 * A new record for @p key (hash @p hash), in @p state and in the
 * connection table, with @p flags (and the configured ones) set, or
 * NULL (counted) when the table is full. Every
 * caller has just looked the tuple up and not found it (the listener's
 * SYN or cookie ACK after the table's miss, connect() after its port
 * choice). The congestion state is left zero: the caller sets it once
 * (tcp_cc_init_zeroed()) with the MSS it knows -- a passive open's
 * from the SYN, tcp_conn_alloc()'s the default.
 */
static __rte_always_inline struct tern_conn *
tcp_conn_new(struct tern_ctx *ctx, const struct tern_flow_key *key,
	     uint32_t hash, uint8_t state, uint32_t flags)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *c;

	if (tcp->conns.count >= tcp->conns.capacity ||
	    (c = tcp_conn_get(tcp)) == NULL) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_TABLE_FULL);
		return NULL;
	}
	tcp_conn_zero(c);
	tcp_tmpl_of(c)->tcp_hdr_len = 0; /* no header template (tcp_tmpl.c) */
	c->node.key = *key;
	c->node.hash = hash;
	c->ctx = ctx;
	/* 0 is "none" (TIME_WAIT records in tern_tcp_view.h). */
	c->id = ++tcp->next_conn_id != 0 ? tcp->next_conn_id :
		++tcp->next_conn_id;
	tcp_fsm_conn_born(ctx, c, state);
	tern_timer_init(&c->timer);
	c->rto_ms = tcp->conf.rto_initial_ms;
	if (tcp->conf.keepalive_idle_ms != 0) {
		c->ka_idle_ms = tcp->conf.keepalive_idle_ms;
		c->ka_intvl_ms = tcp->conf.keepalive_intvl_ms;
		c->ka_cnt = (uint8_t)RTE_MIN(tcp->conf.keepalive_cnt, 255u);
		c->ka_deadline_ns = ctx->now_ns +
				    (uint64_t)c->ka_idle_ms * NS_PER_MS;
	}
	c->last_rx_ns = ctx->now_ns;
	c->chal_second = UINT32_MAX;
	/* Room was checked above and the tuple is absent (see above): no
	 * second search. */
	RTE_ASSERT(tern_ctable_lookup(&tcp->conns, key, hash) == NULL);
	tern_ctable_link_new(&tcp->conns, &c->node);
	/* One store: the zeroing left none set. */
	c->flags = flags | CF_IN_TABLE | (tcp->conf.nagle ? CF_NAGLE : 0);
	if (unlikely(tcp_key_is6(key)))
		tcp_key6_hold(tcp, key);
	return c;
}

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

#endif /* TCP_OPEN_H */
