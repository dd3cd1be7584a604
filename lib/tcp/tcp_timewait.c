/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME_WAIT as a compact record (struct tcp_tw, 64 bytes). Entering
 * TIME_WAIT releases the full connection record and its buffers; the
 * record keeps what RFC 9293 3.10.7.4 and RFC 6191 need: re-ACK a
 * retransmitted FIN (and restart 2MSL), ignore RSTs (RFC 1337), and let
 * a SYN with a newer timestamp or a higher sequence open a new
 * connection. Records live in a FIFO ordered by expiry; past the cap
 * (conf.max_tw) the oldest is recycled, as Linux's tcp_max_tw_buckets.
 * The transitions taken are the TIME_WAIT rows of tcp_fsm.def.
 */
#include <stddef.h>
#include <string.h>

#include "tcp_input6.h"
#include "tcp_priv.h"

_Static_assert(sizeof(struct tcp_tw) <= 64, "TIME_WAIT record too big");

static uint32_t
tcp_tw_lifetime_ms(const struct tern_tcp *tcp)
{
	return 2 * tcp->conf.msl_ms;
}

static bool
tcp_tw_due(const struct tcp_tw *tw, uint32_t now_ms)
{
	return (int32_t)(tw->expire_ms - now_ms) <= 0;
}

void
tcp_tw_rearm(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tcp_tw *head = TAILQ_FIRST(&tcp->tw_fifo);
	uint64_t now_ms = ctx->now_ns / NS_PER_MS;
	int32_t left;

	if (head == NULL) {
		tern_timer_cancel(&tcp->wheel, &tcp->tw_timer);
		return;
	}
	left = (int32_t)(head->expire_ms - (uint32_t)now_ms);
	if (left < 0)
		left = 0;
	/* +1 ms: the record is due once the ms counter reaches expire_ms. */
	tern_timer_arm(&tcp->wheel, &tcp->tw_timer,
		       (now_ms + (uint64_t)left + 1) * NS_PER_MS);
}

/*
 * Free records are kept in a small stash before their pool: a get or put
 * through the pool's ring costs some 50 instructions, the stash a few.
 * An empty stash is refilled with half its size in one bulk get, so that
 * a record entered per close costs the ring a fraction of one get, while
 * the records expiries free have room to come back.
 */
static struct tcp_tw *
tcp_tw_stash_get(struct tern_tcp *tcp)
{
	void *obj;

	if (likely(tcp->tw_stash_n > 0))
		return tcp->tw_stash[--tcp->tw_stash_n];
	if (rte_mempool_get_bulk(tcp->tw_pool, (void **)tcp->tw_stash,
				 TCP_TW_STASH / 2) == 0) {
		tcp->tw_stash_n = TCP_TW_STASH / 2 - 1;
		return tcp->tw_stash[TCP_TW_STASH / 2 - 1];
	}
	/* Fewer than that left (near max_tw): one at a time. */
	return rte_mempool_get(tcp->tw_pool, &obj) == 0 ? obj : NULL;
}

static void
tcp_tw_put(struct tern_tcp *tcp, struct tcp_tw *tw)
{
	if (tcp->tw_stash_n < TCP_TW_STASH)
		tcp->tw_stash[tcp->tw_stash_n++] = tw;
	else
		rte_mempool_put(tcp->tw_pool, tw);
}

/* Hand the stashed records back (before the pool goes). */
void
tcp_tw_stash_drain(struct tern_tcp *tcp)
{
	while (tcp->tw_stash_n > 0)
		rte_mempool_put(tcp->tw_pool,
				tcp->tw_stash[--tcp->tw_stash_n]);
}

/* Unlink and free @p tw (its state count is tcp_fsm.c's business). */
void
tcp_tw_release(struct tern_ctx *ctx, struct tcp_tw *tw)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	TAILQ_REMOVE(&tcp->tw_fifo, tw, fifo);
	tern_ctable_remove(&tcp->tws, &tw->node);
	if (unlikely(tcp_key_is6(&tw->node.key)))
		tcp_key6_put(tcp, &tw->node.key);
	tcp_tw_put(tcp, tw);
}

/* A_RESTART_2MSL: the peer's FIN came again; start 2MSL over. */
void
tcp_tw_restart(struct tern_ctx *ctx, struct tcp_tw *tw)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	tw->expire_ms = tcp_now_ms(ctx) + tcp_tw_lifetime_ms(tcp);
	TAILQ_REMOVE(&tcp->tw_fifo, tw, fifo);
	TAILQ_INSERT_TAIL(&tcp->tw_fifo, tw, fifo);
	tcp_tw_rearm(ctx);
}

static struct tcp_tw *
tcp_tw_get(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tcp_tw *oldest, *tw;

	tw = tcp_tw_stash_get(tcp);
	if (tw != NULL)
		return tw;
	/* At the cap: the oldest record makes room (counted). */
	oldest = TAILQ_FIRST(&tcp->tw_fifo);
	if (oldest == NULL)
		return NULL;
	tcp_fsm_tw_gone(ctx);
	tcp_port_freed(tcp, &oldest->node.key);
	tcp_tw_release(ctx, oldest);
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TW_RECYCLED);
	return tcp_tw_stash_get(tcp);
}

struct tcp_tw *
tcp_tw_lookup(const struct tern_tcp *tcp, const struct tern_flow_key *key,
	      uint32_t hash)
{
	/* max_tw 0: no table at all. */
	if (tcp->tws.count == 0)
		return NULL;
	return (struct tcp_tw *)tern_ctable_lookup(&tcp->tws, key, hash);
}

/*
 * Hand @p c, now in TIME_WAIT, over to a compact record. The caller then
 * destroys @p c. Returns 0, or -ENOMEM when no record could be had
 * (max_tw 0: TIME_WAIT is not kept, as Linux's tcp_max_tw_buckets = 0):
 * the 4-tuple is then forgotten at once, counted.
 */
int
tcp_tw_enter(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tcp_tw *tw = tcp->tw_pool != NULL ? tcp_tw_get(ctx) : NULL;
	bool was_empty;

	if (tw == NULL) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TW_SKIPPED);
		return -ENOMEM;
	}
	/* Every field is written here or by the two inserts below: no
	 * memset first. */
	tw->node.key = c->node.key;
	tw->node.hash = c->node.hash;
	tw->snd_nxt = c->snd_nxt;
	tw->rcv_nxt = c->rcv_nxt;
	tw->ts_recent = c->ts_recent;
	tw->ts_offset = c->ts_offset;
	tw->ts_ok = (c->flags & CF_TS_OK) != 0;
	tw->rcv_wscale = c->rcv_wscale;
	tw->pad = 0;
	tw->expire_ms = tcp_now_ms(ctx) + tcp_tw_lifetime_ms(tcp);
	/* No TIME_WAIT record has c's 4-tuple: c holds it in the
	 * connection table, and a record is released before its tuple
	 * goes to a new connection (tcp_tw_take(), A_TW_REUSE). */
	if (tern_ctable_insert_new(&tcp->tws, &tw->node) != 0) {
		tcp_tw_put(tcp, tw);
		return -ENOMEM;
	}
	/* After tcp_tw_get(), which may have recycled the oldest: the new
	 * record is the first to expire only in an empty FIFO. */
	was_empty = TAILQ_EMPTY(&tcp->tw_fifo);
	TAILQ_INSERT_TAIL(&tcp->tw_fifo, tw, fifo);
	if (unlikely(tcp_key_is6(&tw->node.key)))
		tcp_key6_hold(tcp, &tw->node.key);
	/* The TIME_WAIT count stays as it is: @p c's passes to the record
	 * (tcp_conn_settle() releases c without giving it up). */
	if (was_empty)
		tcp_tw_rearm(ctx);
	return 0;
}

/*
 * Active opens (as Linux's tcp_tw_reuse, with RFC 6191's conditions on
 * our side of the 4-tuple): the record's tuple may carry a new
 * connection of ours when the old one used timestamps, so that
 * - the new SYN's TSval is above every TSval the old connection sent
 *   (the peer's PAWS, RFC 7323 5, tells our old segments from new),
 * - the peer's TSvals on the new connection are above its old ones
 *   once its timestamp clock ticked: our PAWS drops its old duplicates
 *   (RFC 7323 allows ticks up to 1 s: hence conf.tw_reuse_delay_ms,
 *   1000 by default, as Linux's tcp_tw_reuse_delay),
 * - the new ISS lies above the old sequence space (tcp_tw_take()).
 * The record was last written (entered, or restarted by a retransmitted
 * FIN, when we also sent an ACK) 2MSL before it expires: no segment of
 * the old connection left us later.
 */
static uint32_t
tcp_tw_last_sent_ms(const struct tern_tcp *tcp, const struct tcp_tw *tw)
{
	return tw->expire_ms - tcp_tw_lifetime_ms(tcp);
}

enum tcp_tw_reuse
tcp_tw_reusable(const struct tern_ctx *ctx, const struct tcp_tw *tw,
		uint32_t *at_ms)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t last_ms = tcp_tw_last_sent_ms(tcp, tw);
	uint32_t now_ms = tcp_now_ms(ctx);
	uint32_t new_off, last_tsval;

	if (!tcp->conf.tw_reuse || !tcp->conf.timestamps || !tw->ts_ok)
		return TCP_TW_REUSE_NEVER;
	*at_ms = last_ms + tcp->conf.tw_reuse_delay_ms;
	if ((int32_t)(now_ms - *at_ms) < 0)
		return TCP_TW_REUSE_LATER;
	/* The offset the new connection will get (tcp_conn_init_seq). */
	if (unlikely(tcp_key_is6(&tw->node.key)))
		(void)tcp_isn_ts_offset_key6(ctx, &tw->node.key, &new_off);
	else
		(void)tcp_isn_ts_offset(&tcp->isn_secret, &tw->node.key,
					ctx->now_ns, &new_off);
	last_tsval = last_ms + tw->ts_offset;
	if (!seq_gt(now_ms + new_off, last_tsval)) {
		/* Our TSval would not be newer (a delay of 0, same ms). */
		*at_ms = now_ms + 1;
		return TCP_TW_REUSE_LATER;
	}
	return TCP_TW_REUSE_NOW;
}

/*
 * An active open takes @p tw's 4-tuple (tcp_tw_reusable() said so): the
 * record goes, and the new connection's ISS is set above the old
 * sequence space (as the passive side does below, and Linux's
 * tcp_twsk_unique: old snd_nxt + 65535 + 2).
 * The lowest ISS the new connection may take is set in @p iss_floor.
 * @return 0; -EPERM when the state table has no such transition.
 */
int
tcp_tw_take(struct tern_ctx *ctx, struct tcp_tw *tw, uint32_t *iss_floor)
{
	uint32_t floor = tw->snd_nxt + UINT16_MAX + 2;

	/* TIME_WAIT --USER_CONNECT--> CLOSED (A_TW_REUSE): the record goes. */
	if (tcp_fsm_step_tw(ctx, tw, TCP_EV_USER_CONNECT, NULL) <= 0)
		return -EPERM;
	*iss_floor = floor;
	return 0;
}

/* RFC 6191 / RFC 9293 3.6.1: may this SYN end the TIME_WAIT? */
static bool
tcp_tw_syn_acceptable(const struct tcp_tw *tw, const struct tcp_seg *seg)
{
	if (tw->ts_ok && seg->opts.ts_ok)
		return seq_gt(seg->opts.tsval, tw->ts_recent);
	return seq_gt(seg->seq, tw->rcv_nxt);
}

/*
 * RFC 9293 3.10.7.4 for a connection in TIME_WAIT, reduced to an event
 * of the table's TIME_WAIT rows; tcp_fsm_step_tw() does the rest.
 */
void
tcp_tw_input(struct tern_ctx *ctx, struct tcp_tw *tw, struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t f = seg->flags;

	if (f & TCP_RST) {
		/* RFC 1337: no TIME_WAIT assassination. */
		tcp_fsm_step_tw(ctx, tw, TCP_EV_SEG_RST, seg);
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_RST_IGNORED);
		rte_pktmbuf_free(seg->m);
		return;
	}
	if ((f & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		struct tern_listener *l;
		/* The new ISS must lie above the old connection's space. */
		uint32_t iss_floor = tw->snd_nxt + UINT16_MAX + 2;

		/* An old duplicate has no cell: dropped, counted. */
		if (tcp_fsm_step_tw(ctx, tw, tcp_tw_syn_acceptable(tw, seg) ?
				    TCP_EV_SEG_SYN : TCP_EV_SEG_SYN_DUP,
				    seg) <= 0) {
			rte_pktmbuf_free(seg->m);
			return;
		}
		/* A_TW_REUSE: the record is gone; the SYN opens anew. */
		l = tcp_find_listener(tcp, seg->key.lport);
		if (l == NULL || !tcp_listener_takes(l, &seg->key)) {
			tcp_fsm_step_closed(ctx, TCP_EV_SEG_ANY, seg);
			rte_pktmbuf_free(seg->m);
			return;
		}
		tcp_input_listen(ctx, l, seg, iss_floor);
		return;
	}
	if ((f & TCP_FIN) && seg->seq + seg->len + 1 == tw->rcv_nxt) {
		/* The peer's FIN again: our last ACK was lost. */
		tcp_fsm_step_tw(ctx, tw, TCP_EV_SEG_FIN, seg);
		rte_pktmbuf_free(seg->m);
		return;
	}
	/* Anything else that is not exactly in sequence gets an ACK
	 * (RFC 9293 3.10.7.4: an unacceptable segment is answered). */
	if (seg->seq != tw->rcv_nxt || seg->len > 0 || (f & TCP_SYN))
		tcp_emit_tw_ack(ctx, tw);
	tcp_fsm_step_tw(ctx, tw, TCP_EV_SEG_ACK, seg);
	rte_pktmbuf_free(seg->m);
}

/* The FIFO head's time came: end every record that is due. */
void
tcp_tw_expire(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t now_ms = tcp_now_ms(ctx);
	struct tcp_tw *tw;

	while ((tw = TAILQ_FIRST(&tcp->tw_fifo)) != NULL &&
	       tcp_tw_due(tw, now_ms)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TW_EXPIRED);
		tcp_port_freed(tcp, &tw->node.key);
		tcp_fsm_step_tw(ctx, tw, TCP_EV_TIMER_2MSL, NULL);
	}
	tcp_tw_rearm(ctx);
}

void
tcp_tw_free_all(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tcp_tw *tw;

	while ((tw = TAILQ_FIRST(&tcp->tw_fifo)) != NULL) {
		tcp_fsm_tw_gone(ctx);
		tcp_tw_release(ctx, tw);
	}
	tern_timer_cancel(&tcp->wheel, &tcp->tw_timer);
}
