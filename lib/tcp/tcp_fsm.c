/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state machine: the one table (tcp_fsm.def), the one function that
 * changes a connection's state, and the step that runs a cell's actions.
 */
#include <stdio.h>

#include <rte_log.h>

#include "tcp_fsm_row.h"
#include "tcp_open.h"
#include "tcp_priv.h"
#include "tcp_fsm.h"

/* The A_CLOSE_* bits: an end with a reason for closed(). */
#define A_CLOSE_ANY                                                       \
	(A_CLOSE_NORMAL | A_CLOSE_RESET | A_CLOSE_REFUSED | A_CLOSE_TIMEOUT | \
	 A_CLOSE_ABORTED | A_CLOSE_UNREACH)

/* A cell's move bumps no counter (struct tcp_fsm_cell's mib). */
#define TCP_FSM_NO_MIB 0

/* One (state, event) cell: actions, next, valid and row are the row of
 * tcp_fsm.def; the others are derived from it when the table is built
 * (below). */
struct tcp_fsm_cell {
	uint32_t actions;   /* enum tcp_action bits */
	uint32_t conn_flags; /* enum tcp_conn_flag bits the actions set */
	uint8_t next;       /* enum tern_tcp_state */
	uint8_t valid;
	uint8_t row;        /* enum tcp_fsm_row */
	uint8_t notify;     /* enum tcp_notify bits the actions set */
	uint8_t close_reason; /* of the A_CLOSE_* bits, if any */
	uint8_t todo;       /* enum tcp_fsm_todo: what a connection's step
			       does (an empty cell is 0: not T_FAST) */
	uint16_t mib;       /* tern_stat_t the move bumps, or TCP_FSM_NO_MIB */
};

/*
 * What a connection's step has to do for a cell, one bit per branch of
 * tcp_fsm_step_cell(), derived from the row (below), so that the step
 * tests bits of one byte it has already loaded instead of the actions
 * and the states.
 */
enum tcp_fsm_todo {
	T_FAST = 1u << 0,   /* a valid cell the fast way takes */
	T_MOVES = 1u << 1,  /* TO is not FROM: a state change */
	T_REASON = 1u << 2, /* an A_CLOSE_* bit: the close reason */
	T_WORK = 1u << 3,   /* A_SEND_ACK or A_SEND_FIN: the output pass */
	T_SYN = 1u << 4,    /* A_SEND_SYN or A_SEND_SYNACK */
	T_FW2 = 1u << 5,    /* A_ARM_FW2 */
};

/*
 * Columns derived from a row's ACTIONS, FROM and TO when the table is
 * built, so that a connection's step ORs them in instead of testing
 * action bits one by one: the connection flags and app notifications
 * the actions set, the close reason the A_CLOSE_* bits give (the first
 * in this order wins), and the RFC 4022 counter the move bumps.
 */
#define TCP_FSM_CONN_FLAGS(act)                                             \
	((((act) & A_SEND_ACK) ? CF_ACK_NOW : 0u) |                         \
	 (((act) & A_SEND_FIN) ? CF_FIN_QUEUED : 0u) |                      \
	 (((act) & A_RCV_CLOSED) ? CF_RCV_CLOSED : 0u) |                    \
	 (((act) & A_FREE) ? CF_FREE : 0u))
#define TCP_FSM_NOTIFY(act)                                                 \
	((((act) & A_NOTIFY_ESTAB) ? N_ESTAB : 0u) |                        \
	 (((act) & A_NOTIFY_FIN) ? N_PEER_FIN : 0u))
#define TCP_FSM_CLOSE_REASON(act)                                           \
	(((act) & A_CLOSE_RESET) ? TERN_TCP_CLOSE_RESET :                   \
	 ((act) & A_CLOSE_REFUSED) ? TERN_TCP_CLOSE_REFUSED :               \
	 ((act) & A_CLOSE_TIMEOUT) ? TERN_TCP_CLOSE_TIMEOUT :               \
	 ((act) & A_CLOSE_ABORTED) ? TERN_TCP_CLOSE_ABORTED :               \
	 ((act) & A_CLOSE_UNREACH) ? TERN_TCP_CLOSE_UNREACHABLE :           \
	 TERN_TCP_CLOSE_NORMAL)
#define TCP_FSM_ENDS(to) (TERN_TCP_##to == TERN_TCP_CLOSED ||               \
			  TERN_TCP_##to == TERN_TCP_LISTEN)
/*
 * ActiveOpens, PassiveOpens, and RFC 4022 tcpAttemptFails and
 * tcpEstabResets. A synchronized connection is reset only by a row with
 * A_CLOSE_RESET (every row that ends one names its close reason, and
 * RESET comes first), so the row alone tells an EstabReset.
 */
#define TCP_FSM_MIB(from, to, act)                                          \
	(TERN_TCP_##from == TERN_TCP_##to ? TCP_FSM_NO_MIB :                \
	 TERN_TCP_##to == TERN_TCP_SYN_SENT ? TERN_STAT_TCP_ACTIVE_OPENS :   \
	 TERN_TCP_##to == TERN_TCP_SYN_RCVD &&                              \
	 TERN_TCP_##from == TERN_TCP_LISTEN ? TERN_STAT_TCP_PASSIVE_OPENS :  \
	 TCP_FSM_ENDS(to) && (TERN_TCP_##from == TERN_TCP_SYN_SENT ||       \
			      TERN_TCP_##from == TERN_TCP_SYN_RCVD) ?       \
		TERN_STAT_TCP_ATTEMPT_FAILS :                               \
	 TCP_FSM_ENDS(to) && (TERN_TCP_##from == TERN_TCP_ESTABLISHED ||    \
			      TERN_TCP_##from == TERN_TCP_CLOSE_WAIT) &&    \
	 ((act) & A_CLOSE_RESET) ? TERN_STAT_TCP_ESTAB_RESETS :             \
	 TCP_FSM_NO_MIB)

/* The actions of a connection that answer the segment or the peer
 * before the move (they see the old state). */
#define A_CONN_BEFORE_MOVE (A_SEND_RST | A_RST_REPLY | A_CHALLENGE_ACK)
/*
 * A connection's step takes tcp_fsm_step_slow() for the rows that answer
 * before the move, and for those that end it logged (tcp_log_state():
 * timed out or reset; CLOSED with no reason of its own keeps the one it
 * has).
 */
#define TCP_FSM_SLOW(to, act)                                               \
	(((act) & A_CONN_BEFORE_MOVE) != 0 ||                               \
	 (TERN_TCP_##to == TERN_TCP_CLOSED &&                               \
	  (((act) & A_CLOSE_ANY) == 0 ||                                    \
	   TCP_FSM_CLOSE_REASON(act) == TERN_TCP_CLOSE_TIMEOUT ||           \
	   TCP_FSM_CLOSE_REASON(act) == TERN_TCP_CLOSE_RESET)))

#define TCP_FSM_TODO(from, to, act)                                         \
	((TCP_FSM_SLOW(to, act) ? 0u : T_FAST) |                            \
	 (TERN_TCP_##from != TERN_TCP_##to ? T_MOVES : 0u) |                \
	 (((act) & A_CLOSE_ANY) ? T_REASON : 0u) |                          \
	 (((act) & (A_SEND_ACK | A_SEND_FIN)) ? T_WORK : 0u) |              \
	 (((act) & (A_SEND_SYN | A_SEND_SYNACK)) ? T_SYN : 0u) |            \
	 (((act) & A_ARM_FW2) ? T_FW2 : 0u))

_Static_assert(TCP_FSM_NROWS <= UINT8_MAX + 1, "a row index is a byte");

/*
 * A state's cells, padded to a power of two: a step finds its cell by a
 * shift rather than a multiply (at 25 events, two instructions more in
 * every step). The pad cells are empty.
 */
#define TCP_FSM_STRIDE 32
_Static_assert(TCP_EV_MAX <= TCP_FSM_STRIDE, "TCP_FSM_STRIDE: too few");

static const struct tcp_fsm_cell tcp_fsm[TERN_TCP_NSTATES][TCP_FSM_STRIDE] = {
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	[TERN_TCP_##from][TCP_EV_##ev] = {                                  \
		.actions = (act),                                           \
		.conn_flags = TCP_FSM_CONN_FLAGS(act),                      \
		.next = TERN_TCP_##to,                                      \
		.valid = 1,                                                 \
		.row = TCP_ROW_##from##__##ev,                              \
		.notify = TCP_FSM_NOTIFY(act),                              \
		.close_reason = TCP_FSM_CLOSE_REASON(act),                  \
		.todo = TCP_FSM_TODO(from, to, act),                        \
		.mib = TCP_FSM_MIB(from, to, act),                          \
	},
#include "tcp_fsm.def"
#undef TCP_FSM
};

/* TCP_FSM_MIB's EstabResets reads A_CLOSE_RESET off the row: a row that
 * ends a synchronized connection must name its close reason. */
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	_Static_assert(!TCP_FSM_ENDS(to) ||                                 \
		       (TERN_TCP_##from != TERN_TCP_ESTABLISHED &&          \
			TERN_TCP_##from != TERN_TCP_CLOSE_WAIT) ||          \
		       ((act) & A_CLOSE_ANY) != 0,                          \
		       #from " --" #ev "--> " #to ": no A_CLOSE_* reason");
#include "tcp_fsm.def"
#undef TCP_FSM

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


/* The header-prediction fast path counts its segments under this row
 * without a step (tcp_fsm_count_fast()): it must stay a row that does
 * nothing but count. */
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	_Static_assert(TCP_ROW_##from##__##ev !=                            \
		       TCP_ROW_ESTABLISHED__SEG_ACK ||                      \
		       ((act) == 0 && TERN_TCP_##from == TERN_TCP_##to),    \
		       #from " --" #ev "--> " #to ": the fast path's row "  \
		       "must have no action and keep the state");
#include "tcp_fsm.def"
#undef TCP_FSM

/*
 * @p n segments of one RX burst took the header-prediction fast path
 * (tcp_input.c): each of them was ESTABLISHED --SEG_ACK--> ESTABLISHED,
 * a row with nothing to do, so the burst counts them once instead of
 * stepping each.
 */
void
tcp_fsm_count_fast(struct tern_ctx *ctx, uint32_t n)
{
	tcp_of(ctx)->fsm_hits[TCP_ROW_ESTABLISHED__SEG_ACK] += n;
}

/* Does the table have a transition for (state, ev)? Nothing is counted. */
static bool
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

/* A compact TIME_WAIT record that takes over a connection in TIME_WAIT
 * (tcp_tw_enter()) takes its count with it: the record's release and
 * the TIME_WAIT record's birth leave the count as it is, and neither
 * is counted. */

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

/* tern.tcp.fsm: every change; tern.tcp: ends that were not asked for.
 * Out of line: the step's frame stays small. */
static __rte_noinline __rte_cold void
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

/*
 * The only place a connection's state changes (the lint's state-assign
 * rule, tests/lint/README.md): the state counts, the log, and the
 * counter the cell names (its mib column). @p quiet: the caller knows
 * the move logs nothing (tcp_fsm_step()'s fast way).
 */
static __rte_always_inline void
tcp_set_state(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_fsm_cell *cell, bool quiet)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t prev = c->state;
	uint8_t next = cell->next;

	tcp->state_count[prev]--;
	tcp->state_count[next]++;
	c->state = next;
	/* Logged: every change at DEBUG, an unasked end at INFO. */
	if (!quiet && (unlikely(tcp->log_fsm) || next == TERN_TCP_CLOSED))
		tcp_log_state(ctx, c, prev);
	if (cell->mib != TCP_FSM_NO_MIB)
		tern_stat_inc(&ctx->stats, cell->mib);
}

/*
 * What a step acts on, when not a connection record: a listener, a
 * TIME_WAIT record, or neither (a segment for no one, CLOSED); and the
 * segment that raised the event (NULL for user and timer events).
 */
struct tcp_fsm_subject {
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

	if (s->l != NULL) {
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

/* The actions of a listener, a TIME_WAIT record or no one (all come
 * before the move: they see the old state). */
static __rte_always_inline void
tcp_fsm_exec_actions(struct tern_ctx *ctx, const struct tcp_fsm_subject *s,
		     enum tcp_event ev, uint32_t a)
{
	if ((a & A_RST_REPLY) && s->seg != NULL)
		tcp_reply_rst(ctx, s->seg);
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

/*
 * The step of a subject that is not a connection record: take the
 * transition (state, ev) -- run the cell's actions, move to its next
 * state -- and only then count the row. Returns -1 when the table has
 * no such cell (counted as a drop; the caller drops the segment), 0
 * otherwise. Inlined into each kind of subject's entry point, where the
 * compiler drops what cannot apply.
 */
static __rte_always_inline int
tcp_fsm_exec(struct tern_ctx *ctx, const struct tcp_fsm_subject *s,
	     uint8_t state, enum tcp_event ev)
{
	const struct tcp_fsm_cell *cell = tcp_fsm_lookup(ctx, state, ev);

	if (cell == NULL)
		return -1;
	if (cell->actions != 0)
		tcp_fsm_exec_actions(ctx, s, ev, cell->actions);
	if (cell->next != state)
		tcp_fsm_move(ctx, s, cell->next);
	tcp_fsm_done(ctx, cell);
	return 0;
}

/* A row's SYN, SYN+ACK or FIN_WAIT_2 reaper is the last of its actions
 * (tcp_fsm_step()): such a row sets no flag, tells the app nothing and
 * has no other of these. */
#define TCP_FSM(from, ev, act, to, rfc)                                     \
	_Static_assert(!((act) & (A_SEND_SYN | A_SEND_SYNACK | A_ARM_FW2)) || \
		       (TCP_FSM_CONN_FLAGS(act) == 0 &&                     \
			TCP_FSM_NOTIFY(act) == 0 &&                         \
			(!((act) & A_ARM_FW2) ||                            \
			 !((act) & (A_SEND_SYN | A_SEND_SYNACK)))),         \
		       #from " --" #ev "--> " #to ": SYN or FW2 with more");
#include "tcp_fsm.def"
#undef TCP_FSM

/* An orphan's FIN_WAIT_2 reaper (A_ARM_FW2). */
static void
tcp_fsm_arm_fw2(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (!(c->flags & CF_RCV_CLOSED))
		return;
	c->fw2_deadline_ns = ctx->now_ns +
		(uint64_t)tcp_of(ctx)->conf.fin_wait2_ms * NS_PER_MS;
	tcp_timer_deadline_set(ctx, c, c->fw2_deadline_ns);
}

/*
 * tcp_fsm_step() of a slow cell, or of any move while tern.tcp.fsm logs:
 * every action in order -- the close reason, what answers before the
 * move, the move, then what the actions owe -- and only then the row.
 */
static __rte_noinline int
tcp_fsm_step_slow(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_fsm_cell *cell, const struct tcp_seg *seg)
{
	uint32_t a = cell->actions;

	if (a & A_CLOSE_ANY)
		c->close_reason = cell->close_reason;
	if (a & A_SEND_RST)
		tcp_send_rst(ctx, c);
	if ((a & A_RST_REPLY) && seg != NULL)
		tcp_reply_rst(ctx, seg);
	if (a & A_CHALLENGE_ACK)
		tcp_send_challenge_ack(ctx, c);
	if (cell->next != c->state)
		tcp_set_state(ctx, c, cell, false);
	if (a & (A_SEND_SYN | A_SEND_SYNACK))
		tcp_owe_syn(ctx, c);
	c->flags |= cell->conn_flags;
	c->notify |= cell->notify;
	if (a & A_ARM_FW2)
		tcp_fsm_arm_fw2(ctx, c);
	if (a & (A_SEND_ACK | A_SEND_FIN))
		tcp_conn_work(ctx, c);
	tcp_fsm_done(ctx, cell);
	return 0;
}

/*
 * The step of a connection (or half-open) record: take the transition
 * (state, ev) -- the close reason, the move, then what the actions owe:
 * the ACK or FIN (a flag and the output pass), the app notifications,
 * the SYN or SYN+ACK, the FIN_WAIT_2 reaper -- and count the row. The
 * flags and notifications are the cell's derived columns, ORed in, and
 * each branch tests a bit of its todo column. The rows that answer
 * before the move or end the connection logged take
 * tcp_fsm_step_slow(), so that this way calls nothing but its last
 * action and needs no frame. Returns -1 when the table has no such cell
 * (counted as a drop, unless @p user; the caller drops the segment),
 * 0 otherwise. App
 * callbacks are only recorded; tcp_conn_settle() makes them. Inlined
 * into the entry points below (through tcp_fsm_step_cell() where the
 * cell is found at run time).
 */
static __rte_always_inline int
tcp_fsm_take_cell(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_fsm_cell *cell, enum tcp_event ev,
		  const struct tcp_seg *seg, bool user)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t todo = cell->todo;

	/* One test for the usual cell: valid, and not a slow one. */
	if (unlikely(!(todo & T_FAST) ||
		     ((todo & T_MOVES) && tcp->log_fsm))) {
		/* A user call without a row is no drop (@p user). */
		if (user && !cell->valid)
			return -1;
		if (tcp_fsm_lookup(ctx, c->state, ev) == NULL)
			return -1;
		return tcp_fsm_step_slow(ctx, c, cell, seg);
	}
	if (todo & T_REASON)
		c->close_reason = cell->close_reason;
	if (todo & T_MOVES)
		tcp_set_state(ctx, c, cell, true);
	c->flags |= cell->conn_flags;
	c->notify |= cell->notify;
	if (todo & T_WORK)
		tcp_conn_work(ctx, c);
	tcp->fsm_hits[cell->row]++;
	/* Last: the row has nothing else to do (see the assertion above). */
	if (todo & T_SYN)
		tcp_owe_syn(ctx, c);
	else if (todo & T_FW2)
		tcp_fsm_arm_fw2(ctx, c);
	return 0;
}

/*
 * tcp_fsm_take_cell() for a cell found at run time, its address kept in
 * a register: gcc otherwise works it out again from the state and the
 * event for each field it reads (four instructions each time,
 * callgrind). A cell known at build time (tcp_fsm_step_connect()) is
 * taken without it, so that its tests fold away.
 */
static __rte_always_inline int
tcp_fsm_step_cell(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_fsm_cell *cell, enum tcp_event ev,
		  const struct tcp_seg *seg, bool user)
{
	__asm__("" : "+r"(cell));
	return tcp_fsm_take_cell(ctx, c, cell, ev, seg, user);
}

int
tcp_fsm_step(struct tern_ctx *ctx, struct tern_conn *c, enum tcp_event ev,
	     const struct tcp_seg *seg)
{
	return tcp_fsm_step_cell(ctx, c, &tcp_fsm[c->state][ev], ev, seg,
				 false);
}

/*
 * A user call's step (close(), shutdown()): the transition as
 * tcp_fsm_step() takes it. A state without a row for @p ev is no drop
 * here: -1, nothing counted (for USER_CLOSE, our FIN is already on its
 * way); an empty cell is not a fast one, so the usual close() tests
 * that only past the fast way's test.
 */
int
tcp_fsm_step_user(struct tern_ctx *ctx, struct tern_conn *c,
		  enum tcp_event ev)
{
	return tcp_fsm_step_cell(ctx, c, &tcp_fsm[c->state][ev], ev, NULL,
				 true);
}

/*
 * connect()'s step, CLOSED --USER_CONNECT--> SYN_SENT, on a record just
 * allocated: the cell is known at build time, so its tests fold away,
 * and the SYN the row owes goes to the output pass (tcp_owe_syn()).
 */
int
tcp_fsm_step_connect(struct tern_ctx *ctx, struct tern_conn *c)
{
	RTE_ASSERT(c->state == TERN_TCP_CLOSED);
	return tcp_fsm_take_cell(ctx, c,
				 &tcp_fsm[TERN_TCP_CLOSED][TCP_EV_USER_CONNECT],
				 TCP_EV_USER_CONNECT, NULL, false);
}

/* The SYN+ACK that completes an active open, SYN_SENT --SEG_SYN_ACK-->
 * ESTABLISHED, its cell known at build time as connect()'s is. */
int
tcp_fsm_step_syn_ack(struct tern_ctx *ctx, struct tern_conn *c,
		     const struct tcp_seg *seg)
{
	RTE_ASSERT(c->state == TERN_TCP_SYN_SENT);
	return tcp_fsm_take_cell(ctx, c,
				 &tcp_fsm[TERN_TCP_SYN_SENT][TCP_EV_SEG_SYN_ACK],
				 TCP_EV_SEG_SYN_ACK, seg, false);
}

/*
 * The step of the row (@p state, @p ev) on @p c, in @p state: constants
 * at each call below, so the cell read from the table is one too.
 */
static __rte_always_inline int
tcp_fsm_step_row(struct tern_ctx *ctx, struct tern_conn *c, uint8_t state,
		 enum tcp_event ev, const struct tcp_seg *seg)
{
	RTE_ASSERT(c->state == state);
	return tcp_fsm_take_cell(ctx, c, &tcp_fsm[state][ev], ev, seg, false);
}

/* A listener's child is born in LISTEN: its SYN's row is known. */
int
tcp_fsm_step_listen_syn(struct tern_ctx *ctx, struct tern_conn *c,
			const struct tcp_seg *seg)
{
	return tcp_fsm_step_row(ctx, c, TERN_TCP_LISTEN, TCP_EV_SEG_SYN, seg);
}

/* The handshake's last ACK (tcp_synrcvd_predicted(): in SYN_RCVD). */
int
tcp_fsm_step_synrcvd_ack(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg)
{
	return tcp_fsm_step_row(ctx, c, TERN_TCP_SYN_RCVD, TCP_EV_SEG_ACK,
				seg);
}

/* close() in ESTABLISHED, the usual one, by its row; else as any user
 * step (tcp_fsm_step_user(): -1 without a row). */
int
tcp_fsm_step_user_close(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->state == TERN_TCP_ESTABLISHED)
		return tcp_fsm_step_row(ctx, c, TERN_TCP_ESTABLISHED,
					TCP_EV_USER_CLOSE, NULL);
	return tcp_fsm_step_user(ctx, c, TCP_EV_USER_CLOSE);
}

/*
 * The peer's FIN or the ACK of ours, predicted (tcp_close_seg_take()),
 * with @p ev as it chose: the usual rows by a constant cell each -- the
 * promised close in ESTABLISHED, the FIN after ours in FIN_WAIT_1 (with
 * its ACK) or FIN_WAIT_2, the last ACK in LAST_ACK or FIN_WAIT_1 --
 * any other pair as tcp_fsm_step().
 */
int
tcp_fsm_step_close_seg(struct tern_ctx *ctx, struct tern_conn *c,
		       enum tcp_event ev, const struct tcp_seg *seg)
{
	switch (c->state) {
	case TERN_TCP_ESTABLISHED:
		if (ev == TCP_EV_SEG_FIN_CLOSE)
			return tcp_fsm_step_row(ctx, c, TERN_TCP_ESTABLISHED,
						TCP_EV_SEG_FIN_CLOSE, seg);
		break;
	case TERN_TCP_FIN_WAIT_1:
		if (ev == TCP_EV_SEG_FIN_ACK_OF_FIN)
			return tcp_fsm_step_row(ctx, c, TERN_TCP_FIN_WAIT_1,
						TCP_EV_SEG_FIN_ACK_OF_FIN,
						seg);
		if (ev == TCP_EV_SEG_ACK_OF_FIN)
			return tcp_fsm_step_row(ctx, c, TERN_TCP_FIN_WAIT_1,
						TCP_EV_SEG_ACK_OF_FIN, seg);
		break;
	case TERN_TCP_FIN_WAIT_2:
		if (ev == TCP_EV_SEG_FIN)
			return tcp_fsm_step_row(ctx, c, TERN_TCP_FIN_WAIT_2,
						TCP_EV_SEG_FIN, seg);
		break;
	case TERN_TCP_LAST_ACK:
		if (ev == TCP_EV_SEG_ACK_OF_FIN)
			return tcp_fsm_step_row(ctx, c, TERN_TCP_LAST_ACK,
						TCP_EV_SEG_ACK_OF_FIN, seg);
		break;
	default:
		break;
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
