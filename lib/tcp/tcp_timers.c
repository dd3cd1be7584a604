/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connection timers. Each connection keeps its deadlines (retransmission,
 * delayed ACK, FIN_WAIT_2 reaper) and sits on the lcore's wheel once, no
 * later than the earliest of them, as FreeBSD 14 does with one callout
 * per connection. The TIME_WAIT FIFO has one timer of its own.
 */
#include <stddef.h>

#include "tcp_arm.h"
#include "tcp_priv.h"

/*
 * The earliest deadline of @p c, 0 (unset, as each of them) when none
 * is. An unset deadline less one is UINT64_MAX, which no set one less
 * one exceeds: a minimum of five without a test for "set" each.
 */
static uint64_t
tcp_earliest_deadline(const struct tern_conn *c)
{
	uint64_t d = c->rtx_deadline_ns - 1;

	d = RTE_MIN(d, c->delack_deadline_ns - 1);
	d = RTE_MIN(d, c->fw2_deadline_ns - 1);
	d = RTE_MIN(d, c->ka_deadline_ns - 1);
	d = RTE_MIN(d, c->tlp_deadline_ns - 1);
	return d + 1;
}

/*
 * Make sure @p c is on the wheel no later than its earliest deadline.
 * Lazily, as Linux and FreeBSD do: a timer already due at or before
 * that stays where it is, also when no deadline is left, and
 * tcp_conn_timer_expired() re-checks every deadline and re-arms for
 * what is still ahead. Moving the wheel entry on every ACK (the
 * retransmission deadline cleared, the delayed ACK set) cost two wheel
 * operations per segment; the early expiry costs one per timeout. So a
 * deadline cleared needs no call at all, and one set needs only
 * tcp_timer_deadline_set().
 */
void
tcp_timer_update(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tern_wheel *w = &tcp_of(ctx)->wheel;
	uint64_t d = tcp_earliest_deadline(c);

	if (d == 0 || tern_timer_due_by(w, &c->timer, d))
		return;
	tern_timer_arm(w, &c->timer, d);
}

/* The retransmission deadline: RTO with exponential backoff. */
static inline void
tcp_rtx_deadline(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->rtx_deadline_ns = ctx->now_ns + tcp_rto_ns(ctx, c);
}

/* (Re)start the retransmission timer. */
void
tcp_rtx_arm(struct tern_ctx *ctx, struct tern_conn *c)
{
	tcp_rtx_deadline(ctx, c);
	tcp_timer_deadline_set(ctx, c, c->rtx_deadline_ns);
}

/*
 * Is the SYN's retransmission deadline, just set, @p c's earliest? A
 * new record has no other deadline but keepalive's, if configured (set
 * at its birth, and hours away): that is tested first, before the
 * minimum of all five.
 */
static inline bool
tcp_syn_rtx_earliest(const struct tern_conn *c)
{
	if ((c->delack_deadline_ns | c->fw2_deadline_ns |
	     c->tlp_deadline_ns) == 0 &&
	    (c->ka_deadline_ns == 0 || c->ka_deadline_ns >= c->rtx_deadline_ns))
		return true;
	return tcp_earliest_deadline(c) == c->rtx_deadline_ns;
}

/*
 * The retransmission timer of our SYN or SYN+ACK. A record off the
 * wheel whose earliest deadline this is (a new connection's, nearly
 * always) joins the lcore's queue of them instead (struct
 * tern_timer_queue): their deadlines come in order, now plus the same
 * initial RTO, so the queue's tail is its place. The move that
 * follows when the handshake completes -- to the earlier deadlines of
 * the first data -- takes it out of the queue as it would out of a
 * slot; what it saves is the wheel's placement at the SYN.
 */
void
tcp_syn_rtx_arm(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	tcp_rtx_deadline(ctx, c);
	if (tcp_syn_rtx_earliest(c) &&
	    tern_timer_queue_arm(&tcp->wheel, &tcp->syn_rtx, &c->timer,
				 c->rtx_deadline_ns))
		return;
	tcp_timer_deadline_set(ctx, c, c->rtx_deadline_ns);
}

/*
 * RFC 8985 7.2: with data in flight and no recovery going on, a probe
 * timeout of 2 SRTT (at least 10 ms), earlier than the RTO, so that a
 * lost tail -- or a lost ACK of the last flight -- costs a round trip
 * rather than an RTO.
 */
void
tcp_tlp_arm(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (!tcp_tlp_allowed(ctx, c)) {
		/* In recovery the slot is RACK's (tcp_rack_timer). */
		if (!(c->flags & CF_RECOVERY))
			c->tlp_deadline_ns = 0;
		return;
	}
	c->tlp_deadline_ns = ctx->now_ns + tcp_pto_ns(c);
	if (c->rtx_deadline_ns != 0 && c->tlp_deadline_ns >= c->rtx_deadline_ns)
		c->tlp_deadline_ns = 0;
	else
		tcp_timer_deadline_set(ctx, c, c->tlp_deadline_ns);
}

/* RFC 8985 7.3: the output pass sends new data if the windows allow,
 * else the last segment again; its ACK (or SACK) restarts the ACK clock. */
static void
tcp_tlp_expired(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->tlp_deadline_ns = 0;
	if (c->flags & CF_RECOVERY) {
		tcp_rack_timer(ctx, c);
		return;
	}
	if (!tcp_tlp_allowed(ctx, c))
		return;
	c->flags |= CF_TLP_SENT;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_LOSS_PROBES);
	tcp_owe_tlp(ctx, c);
}

/* The RETRY column of tcp_states.def. */
static uint32_t
tcp_retry_limit(const struct tern_tcp_conf *conf, uint8_t state)
{
	switch (state) {
#define TERN_TCP_STATE(id, name, retry, props)                              \
	case TERN_TCP_##id:                                                 \
		return conf->retry;
#include "tcp_states.def"
#undef TERN_TCP_STATE
	default:
		return conf->max_retries;
	}
}

/* How long a zero window may stay shut before we give up (0: forever). */
static uint64_t
tcp_persist_limit_ns(const struct tern_tcp_conf *conf,
		     const struct tern_conn *c)
{
	uint32_t ms = conf->persist_max_ms;

	/* An orphan (the app closed) must not live forever
	 * (test_s55_zero_window_orphans_reaped). */
	if (ms == 0 && (c->flags & CF_RCV_CLOSED))
		ms = conf->fin_wait2_ms;
	return (uint64_t)ms * NS_PER_MS;
}

static void
tcp_rtx_expired(struct tern_ctx *ctx, struct tern_conn *c)
{
	const struct tern_tcp_conf *conf = &tcp_of(ctx)->conf;
	/*
	 * A zero window -- even one the peer shrank over data in flight --
	 * turns retransmissions into probes that never time the
	 * connection out while answered (as Linux does); only the persist
	 * limit ends it.
	 */
	bool probing = c->snd_wnd == 0 && c->sq_bytes > 0 &&
		       tcp_syn_acked(c);
	uint64_t limit = tcp_persist_limit_ns(conf, c);

	c->rtx_deadline_ns = 0;
	c->tlp_deadline_ns = 0;
	if (probing && !(c->flags & CF_PERSIST)) {
		c->flags |= CF_PERSIST;
		c->persist_start_ns = ctx->now_ns;
	}
	if (probing && (c->flags & CF_PERSIST) && limit != 0 &&
	    ctx->now_ns - c->persist_start_ns >= limit) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TIMEOUTS);
		tcp_fsm_step(ctx, c, TCP_EV_TIMER_LIMIT, NULL);
		return;
	}
	/* Zero-window probes that get answered never end the connection. */
	if (!probing && c->retries >= tcp_retry_limit(conf, c->state)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TIMEOUTS);
		tcp_fsm_step(ctx, c, TCP_EV_TIMER_LIMIT, NULL);
		return;
	}
	if (!probing)
		c->retries++;
	if (c->backoff < 30)
		c->backoff++;
	tcp_retransmit(ctx, c);
	if (c->rtx_deadline_ns == 0 && c->snd_max != c->snd_una)
		tcp_rtx_arm(ctx, c);
}

/* RFC 1122 4.2.3.6: probe an idle connection; give up after ka_cnt. */
static void
tcp_keepalive_expired(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint64_t now = ctx->now_ns;
	uint64_t idle_end = c->last_rx_ns + (uint64_t)c->ka_idle_ms * NS_PER_MS;

	c->ka_deadline_ns = 0;
	if (c->ka_idle_ms == 0)
		return;
	if (c->ka_probes == 0 && idle_end > now) {
		c->ka_deadline_ns = idle_end; /* input came meanwhile */
		return;
	}
	if (!tcp_state_has(c->state, SP_KEEPALIVE) || c->snd_max != c->snd_una) {
		/* Not idle: the retransmission timer watches the peer. */
		c->ka_probes = 0;
		c->ka_deadline_ns = now + (uint64_t)c->ka_idle_ms * NS_PER_MS;
		return;
	}
	if (c->ka_probes >= c->ka_cnt) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TIMEOUTS);
		tcp_fsm_step(ctx, c, TCP_EV_TIMER_KEEPALIVE, NULL);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_KEEPALIVES);
	tcp_owe_probe(ctx, c);
	c->ka_probes++;
	c->ka_deadline_ns = now + (uint64_t)c->ka_intvl_ms * NS_PER_MS;
}

static void
tcp_conn_timer_expired(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint64_t now = ctx->now_ns;

	if (c->delack_deadline_ns != 0 && c->delack_deadline_ns <= now) {
		c->delack_deadline_ns = 0;
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DELAYED_ACKS);
		c->flags |= CF_ACK_NOW;
		tcp_conn_work(ctx, c);
	}
	if (c->fw2_deadline_ns != 0 && c->fw2_deadline_ns <= now) {
		c->fw2_deadline_ns = 0;
		if (c->state == TERN_TCP_FIN_WAIT_2) {
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_FIN_WAIT2_REAPED);
			tcp_fsm_step(ctx, c, TCP_EV_TIMER_FW2, NULL);
		}
	}
	if (c->state != TERN_TCP_CLOSED && c->rtx_deadline_ns != 0 &&
	    c->rtx_deadline_ns <= now)
		tcp_rtx_expired(ctx, c);
	if (c->state != TERN_TCP_CLOSED && c->ka_deadline_ns != 0 &&
	    c->ka_deadline_ns <= now)
		tcp_keepalive_expired(ctx, c);
	if (c->state != TERN_TCP_CLOSED && c->tlp_deadline_ns != 0 &&
	    c->tlp_deadline_ns <= now)
		tcp_tlp_expired(ctx, c);
	if (c->state != TERN_TCP_CLOSED)
		tcp_timer_update(ctx, c);
	tcp_conn_settle(ctx, c);
}

/* Advance the wheel to ctx->now_ns and run what expired. */
void
tcp_timers_run(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_timer *t;

	tern_wheel_advance(&tcp->wheel, ctx->now_ns);
	while ((t = tern_wheel_pop_expired(&tcp->wheel)) != NULL) {
		if (t == &tcp->tw_timer) {
			tcp_tw_expire(ctx);
			continue;
		}
		if (t == &tcp->syn_rtx.watch) {
			tern_timer_queue_expired(&tcp->wheel, &tcp->syn_rtx);
			continue;
		}
		tcp_conn_timer_expired(ctx,
			(struct tern_conn *)((char *)t -
					     offsetof(struct tern_conn, timer)));
	}
}

/*
 * The retransmission timer fired: owe the SYN or SYN+ACK again, a
 * zero-window probe, or go back to snd_una (RFC 6298 5.4-5.6, RFC 5681
 * 3.1); the output pass sends it. The caller has counted the attempt
 * against the retry limit.
 */
void
tcp_retransmit(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (!tcp_syn_acked(c)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYN_RETRANS);
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_RETRANS_SEGS);
		c->retrans_total++;
		tcp_owe_syn(ctx, c);
		return;
	}
	c->flags &= ~CF_RTT_TIMING;
	if (c->snd_wnd == 0 && c->sq_bytes > 0) {
		/*
		 * Persist (RFC 9293 3.8.6.1): ask for the window again. With
		 * data in flight (the peer shrank its window over it) the
		 * first unacknowledged segment is the probe; otherwise an
		 * ACK of SND.UNA - 1.
		 */
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_WIN_PROBES);
		tcp_owe_probe(ctx, c);
		tcp_rtx_arm(ctx, c);
		return;
	}
	if (c->snd_max == c->snd_una) {
		/*
		 * Nothing was in flight: the timer was armed because output
		 * found no mbuf. No loss happened, so cwnd stays; just try
		 * again (the retry still counts against the limit, so a pool
		 * that never recovers ends the connection).
		 */
		tcp_conn_work(ctx, c);
		return;
	}
	tcp_recovery_on_rto(ctx, c);
	c->snd_nxt = c->snd_una;
	tcp_conn_work(ctx, c);
}
