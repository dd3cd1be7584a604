/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state machine: the one table (tcp_fsm.def), the one function that
 * changes a connection's state, and the step that runs a cell's actions.
 */
#include <stdio.h>

#include <rte_log.h>

#include "tcp_priv.h"
#include "tcp_fsm.h"

static const struct tcp_fsm_cell tcp_fsm[TERN_TCP_NSTATES][TCP_EV_MAX] = {
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	[TERN_TCP_##from][TCP_EV_##ev] = {                                  \
		.actions = (act),                                           \
		.next = TERN_TCP_##to,                                      \
		.valid = 1,                                                 \
		.row = TCP_ROW_##from##__##ev,                              \
	},
#include "tcp_fsm.def"
#undef TCP_FSM
};

static const char *const tcp_fsm_row_names[TCP_FSM_NROWS] = {
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	[TCP_ROW_##from##__##ev] = #from " --" #ev "--> " #to,
#include "tcp_fsm.def"
#undef TCP_FSM
};

static const char *const tcp_state_names[TERN_TCP_NSTATES] = {
#define TERN_TCP_STATE(id, name, retry, props) [TERN_TCP_##id] = name,
#include "tcp_states.def"
#undef TERN_TCP_STATE
};

static const char *const tcp_event_names[TCP_EV_MAX] = {
#define TCP_EVENT(id, what) [TCP_EV_##id] = #id,
#include "tcp_events.def"
#undef TCP_EVENT
};

const uint8_t tcp_state_props[TERN_TCP_NSTATES] = {
#define TERN_TCP_STATE(id, name, retry, props) [TERN_TCP_##id] = (props),
#include "tcp_states.def"
#undef TERN_TCP_STATE
};

const char *
tern_tcp_state_name(enum tern_tcp_state s)
{
	return (unsigned int)s < TERN_TCP_NSTATES ? tcp_state_names[s] : "?";
}

const char *
tcp_event_name(enum tcp_event ev)
{
	return (unsigned int)ev < TCP_EV_MAX ? tcp_event_names[ev] : "?";
}

unsigned int
tern_tcp_fsm_entries(void)
{
	return TCP_FSM_NROWS;
}

const char *
tern_tcp_fsm_entry_name(unsigned int i)
{
	return i < TCP_FSM_NROWS ? tcp_fsm_row_names[i] : "?";
}

uint64_t
tern_tcp_fsm_hits(const struct tern_ctx *ctx, unsigned int i)
{
	return i < TCP_FSM_NROWS ? tcp_of(ctx)->fsm_hits[i] : 0;
}


/* Does the table have a transition for (state, ev)? Nothing is counted. */
bool
tcp_fsm_has(uint8_t state, enum tcp_event ev)
{
	return tcp_fsm[state][ev].valid != 0;
}

/*
 * The cell for (state, ev); NULL, counted as a drop, when the table has
 * no such transition. The row is counted only once the step has run it
 * (tcp_fsm_done), so the coverage test sees executed transitions only.
 */
static const struct tcp_fsm_cell *
tcp_fsm_lookup(struct tern_ctx *ctx, uint8_t state, enum tcp_event ev)
{
	const struct tcp_fsm_cell *cell = &tcp_fsm[state][ev];

	if (unlikely(!cell->valid)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_STATE);
		return NULL;
	}
	return cell;
}

static void
tcp_fsm_done(struct tern_ctx *ctx, const struct tcp_fsm_cell *cell)
{
	tcp_of(ctx)->fsm_hits[cell->row]++;
}

/* ---- records coming and going: the state counts ---- */

/* A new connection record, in @p state (CLOSED, or LISTEN for a
 * listener's child: it starts where its listener is). */
void
tcp_fsm_conn_born(struct tern_ctx *ctx, struct tern_conn *c, uint8_t state)
{
	c->state = state;
	tcp_of(ctx)->state_count[state]++;
}

/* The record is released (or handed over to a TIME_WAIT record). */
void
tcp_fsm_conn_gone(struct tern_ctx *ctx, const struct tern_conn *c)
{
	tcp_of(ctx)->state_count[c->state]--;
}

/* A compact TIME_WAIT record takes over a connection in TIME_WAIT. */
void
tcp_fsm_tw_born(struct tern_ctx *ctx)
{
	tcp_of(ctx)->state_count[TERN_TCP_TIME_WAIT]++;
}

/* A TIME_WAIT record ends outside the table: recycled at the cap, or
 * freed with the context. */
void
tcp_fsm_tw_gone(struct tern_ctx *ctx)
{
	tcp_of(ctx)->state_count[TERN_TCP_TIME_WAIT]--;
}

/* ---- the state of a connection ---- */

/*
 * Is tern.tcp.fsm at DEBUG? Asked once per output pass (tern_tcp_poll(),
 * every step), so a level set at run time applies from the next step.
 */
void
tcp_fsm_log_refresh(struct tern_ctx *ctx)
{
	tcp_of(ctx)->log_fsm =
		rte_log_can_log((uint32_t)tern_logtype_tcp_fsm, RTE_LOG_DEBUG);
}

/* tern.tcp.fsm: every change; tern.tcp: ends that were not asked for. */
static void
tcp_log_state(struct tern_ctx *ctx, const struct tern_conn *c, uint8_t prev)
{
	const uint8_t *f = (const uint8_t *)&c->node.key.faddr;
	uint16_t lport = rte_be_to_cpu_16(c->node.key.lport);
	uint16_t fport = rte_be_to_cpu_16(c->node.key.fport);

	if (unlikely(tcp_of(ctx)->log_fsm))
		TERN_DP_LOG(ctx, tern_logtype_tcp_fsm, DEBUG,
			    "tern.tcp.fsm: lcore %u: :%u <-> %u.%u.%u.%u:%u "
			    "%s -> %s", ctx->lcore_id, lport, f[0], f[1], f[2],
			    f[3], fport, tern_tcp_state_name(prev),
			    tern_tcp_state_name(c->state));
	if (c->state == TERN_TCP_CLOSED &&
	    (c->close_reason == TERN_TCP_CLOSE_TIMEOUT ||
	     c->close_reason == TERN_TCP_CLOSE_RESET))
		TERN_DP_LOG(ctx, tern_logtype_tcp, INFO,
			    "tern.tcp: lcore %u: :%u <-> %u.%u.%u.%u:%u in %s: "
			    "%s", ctx->lcore_id, lport, f[0], f[1], f[2], f[3],
			    fport, tern_tcp_state_name(prev),
			    c->close_reason == TERN_TCP_CLOSE_TIMEOUT ?
			    "timed out" : "reset by the peer");
}

/* The only place a connection's state changes (the lint's state-assign
 * rule, tests/lint/README.md). */
static void
tcp_set_state(struct tern_ctx *ctx, struct tern_conn *c, uint8_t next)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t prev = c->state;

	if (prev == next)
		return;
	tcp->state_count[prev]--;
	tcp->state_count[next]++;
	c->state = next;
	/* Logged: every change at DEBUG, an unasked end at INFO. */
	if (unlikely(tcp->log_fsm) || next == TERN_TCP_CLOSED)
		tcp_log_state(ctx, c, prev);

	switch (next) {
	case TERN_TCP_SYN_SENT:
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ACTIVE_OPENS);
		break;
	case TERN_TCP_SYN_RCVD:
		if (prev == TERN_TCP_LISTEN)
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_PASSIVE_OPENS);
		break;
	case TERN_TCP_CLOSED:
	case TERN_TCP_LISTEN:
		/* RFC 4022 tcpAttemptFails / tcpEstabResets. */
		if (prev == TERN_TCP_SYN_SENT || prev == TERN_TCP_SYN_RCVD)
			tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ATTEMPT_FAILS);
		else if ((prev == TERN_TCP_ESTABLISHED ||
			  prev == TERN_TCP_CLOSE_WAIT) &&
			 c->close_reason == TERN_TCP_CLOSE_RESET)
			tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ESTAB_RESETS);
		break;
	default:
		break;
	}
}

static void
tcp_set_close_reason(struct tern_conn *c, uint32_t actions)
{
	if (actions & A_CLOSE_RESET)
		c->close_reason = TERN_TCP_CLOSE_RESET;
	else if (actions & A_CLOSE_REFUSED)
		c->close_reason = TERN_TCP_CLOSE_REFUSED;
	else if (actions & A_CLOSE_TIMEOUT)
		c->close_reason = TERN_TCP_CLOSE_TIMEOUT;
	else if (actions & A_CLOSE_ABORTED)
		c->close_reason = TERN_TCP_CLOSE_ABORTED;
	else if (actions & A_CLOSE_UNREACH)
		c->close_reason = TERN_TCP_CLOSE_UNREACHABLE;
	else
		c->close_reason = TERN_TCP_CLOSE_NORMAL;
}

static void
tcp_queue_fin(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags |= CF_FIN_QUEUED;
	tcp_conn_work(ctx, c);
}

/*
 * What a step acts on: a connection (or half-open) record, a listener,
 * a TIME_WAIT record, or none of them (a segment for no one, CLOSED);
 * and the segment that raised the event (NULL for user and timer
 * events).
 */
struct tcp_fsm_subject {
	struct tern_conn *c;
	struct tern_listener *l;
	struct tcp_tw *tw;
	const struct tcp_seg *seg;
};

/* Move the subject to @p next: its state and the state counts. */
static __rte_always_inline void
tcp_fsm_move(struct tern_ctx *ctx, const struct tcp_fsm_subject *s,
	     uint8_t next)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	if (s->c != NULL) {
		tcp_set_state(ctx, s->c, next);
	} else if (s->l != NULL) {
		/* A CLOSED listener is no record: only LISTEN is counted. */
		if (s->l->state != TERN_TCP_CLOSED)
			tcp->state_count[s->l->state]--;
		if (next != TERN_TCP_CLOSED)
			tcp->state_count[next]++;
		s->l->state = next;
	} else if (s->tw != NULL && next != TERN_TCP_TIME_WAIT) {
		/* Out of TIME_WAIT nothing is kept: the record goes. */
		tcp->state_count[TERN_TCP_TIME_WAIT]--;
		tcp_tw_release(ctx, s->tw);
		tcp_tw_rearm(ctx);
	}
}

/* The actions that come before the move (they see the old state). */
#define A_BEFORE_MOVE                                                     \
	(A_CLOSE_NORMAL | A_CLOSE_RESET | A_CLOSE_REFUSED | A_CLOSE_TIMEOUT | \
	 A_CLOSE_ABORTED | A_CLOSE_UNREACH | A_SEND_RST | A_RST_REPLY |       \
	 A_CHALLENGE_ACK |                                                    \
	 A_SEND_COOKIE | A_RESTART_2MSL | A_TW_REUSE)
static __rte_always_inline void
tcp_fsm_exec_before(struct tern_ctx *ctx, const struct tcp_fsm_subject *s,
		    enum tcp_event ev, uint32_t a)
{
	struct tern_conn *c = s->c;

	if (c != NULL && (a & (A_CLOSE_NORMAL | A_CLOSE_RESET |
			       A_CLOSE_REFUSED | A_CLOSE_TIMEOUT |
			       A_CLOSE_ABORTED | A_CLOSE_UNREACH)))
		tcp_set_close_reason(c, a);
	if (c != NULL && (a & A_SEND_RST))
		tcp_send_rst(ctx, c);
	if ((a & A_RST_REPLY) && s->seg != NULL)
		tcp_reply_rst(ctx, s->seg);
	if (c != NULL && (a & A_CHALLENGE_ACK))
		tcp_send_challenge_ack(ctx, c);
	if (s->l != NULL && (a & A_SEND_COOKIE) && s->seg != NULL)
		tcp_send_cookie_synack(ctx, s->seg);
	if (s->tw != NULL && (a & A_RESTART_2MSL))
		tcp_tw_restart(ctx, s->tw);
	if (s->tw != NULL && (a & A_SEND_ACK))
		tcp_emit_tw_ack(ctx, s->tw);
	/* The 4-tuple goes to a peer's new SYN, or to our own connect(). */
	if (s->tw != NULL && (a & A_TW_REUSE))
		tern_stat_inc(&ctx->stats, ev == TCP_EV_USER_CONNECT ?
					   TERN_STAT_TCP_TW_REUSED_ACTIVE :
					   TERN_STAT_TCP_TW_REUSED);
}

/* The actions of a connection that come after the move. */
static void
tcp_fsm_exec_after(struct tern_ctx *ctx, struct tern_conn *c, uint32_t a)
{
	if (a & (A_SEND_SYN | A_SEND_SYNACK))
		tcp_owe_syn(ctx, c);
	if (a & A_SEND_ACK)
		c->flags |= CF_ACK_NOW;
	if (a & A_SEND_FIN)
		tcp_queue_fin(ctx, c);
	if (a & A_NOTIFY_ESTAB)
		c->notify |= N_ESTAB;
	if (a & A_NOTIFY_FIN)
		c->notify |= N_PEER_FIN;
	if ((a & A_ARM_FW2) && (c->flags & CF_RCV_CLOSED)) {
		c->fw2_deadline_ns = ctx->now_ns +
			(uint64_t)tcp_of(ctx)->conf.fin_wait2_ms * NS_PER_MS;
		tcp_timer_deadline_set(ctx, c, c->fw2_deadline_ns);
	}
	if (a & (A_SEND_ACK | A_SEND_FIN))
		tcp_conn_work(ctx, c);
	if (a & A_FREE)
		c->flags |= CF_FREE;
}

/*
 * The step: take the transition (state, ev) of subject @p s -- run the
 * cell's actions, move to its next state -- and only then count the
 * row. Every row of every kind of subject is executed here. Returns -1
 * when the table has no such cell (counted as a drop; the caller drops
 * the segment), 0 otherwise. App callbacks the actions ask for are only
 * recorded; tcp_conn_settle() makes them. Inlined into each kind of
 * subject's entry point, where the compiler drops what cannot apply.
 */
static __rte_always_inline int
tcp_fsm_exec(struct tern_ctx *ctx, const struct tcp_fsm_subject *s,
	     uint8_t state, enum tcp_event ev)
{
	const struct tcp_fsm_cell *cell = tcp_fsm_lookup(ctx, state, ev);

	if (cell == NULL)
		return -1;
	/* A TIME_WAIT record's ACK goes before its move too. */
	if ((cell->actions & A_BEFORE_MOVE) ||
	    (s->tw != NULL && cell->actions != 0))
		tcp_fsm_exec_before(ctx, s, ev, cell->actions);
	if (cell->next != state)
		tcp_fsm_move(ctx, s, cell->next);
	if (s->c != NULL && (cell->actions & ~A_BEFORE_MOVE))
		tcp_fsm_exec_after(ctx, s->c, cell->actions);
	tcp_fsm_done(ctx, cell);
	return 0;
}

/* A connection or half-open record. */
int
tcp_fsm_step(struct tern_ctx *ctx, struct tern_conn *c, enum tcp_event ev,
	     const struct tcp_seg *seg)
{
	const struct tcp_fsm_subject s = { .c = c, .seg = seg };

	return tcp_fsm_exec(ctx, &s, c->state, ev);
}

/*
 * The fast path's step (tcp_fast_path()): its rows (ESTABLISHED's ACK)
 * neither act nor move, so the step only counts the row, without the
 * general step's frame; any other row takes tcp_fsm_step().
 */
int
tcp_fsm_step_quiet(struct tern_ctx *ctx, struct tern_conn *c,
		   enum tcp_event ev, const struct tcp_seg *seg)
{
	const struct tcp_fsm_cell *cell = &tcp_fsm[c->state][ev];

	if (likely(cell->valid && cell->actions == 0 &&
		   cell->next == c->state)) {
		tcp_fsm_done(ctx, cell);
		return 0;
	}
	return tcp_fsm_step(ctx, c, ev, seg);
}

/*
 * A listener: listen(), a stray ACK (reset), a SYN past the backlog (a
 * cookie), unlisten(). Its SYNs and cookie ACKs are stepped on the
 * child record, born in LISTEN.
 */
int
tcp_fsm_step_listener(struct tern_ctx *ctx, struct tern_listener *l,
		      enum tcp_event ev, const struct tcp_seg *seg)
{
	const struct tcp_fsm_subject s = { .l = l, .seg = seg };

	return tcp_fsm_exec(ctx, &s, l->state, ev);
}

/*
 * A compact TIME_WAIT record. A step to CLOSED (A_TW_REUSE, A_FREE)
 * releases the record: then 1 is returned and @p tw is gone; 0 when it
 * stays, -1 when there is no such cell.
 */
int
tcp_fsm_step_tw(struct tern_ctx *ctx, struct tcp_tw *tw, enum tcp_event ev,
		const struct tcp_seg *seg)
{
	const struct tcp_fsm_subject s = { .tw = tw, .seg = seg };

	if (tcp_fsm_exec(ctx, &s, TERN_TCP_TIME_WAIT, ev) != 0)
		return -1;
	return tcp_fsm_has(TERN_TCP_TIME_WAIT, ev) &&
	       tcp_fsm[TERN_TCP_TIME_WAIT][ev].next != TERN_TCP_TIME_WAIT;
}

/* A segment for no connection, no TIME_WAIT record and no listener. */
int
tcp_fsm_step_closed(struct tern_ctx *ctx, enum tcp_event ev,
		    const struct tcp_seg *seg)
{
	const struct tcp_fsm_subject s = { .seg = seg };

	return tcp_fsm_exec(ctx, &s, TERN_TCP_CLOSED, ev);
}
