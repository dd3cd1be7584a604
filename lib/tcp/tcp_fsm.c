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
#define TERN_TCP_STATE(id, name) [TERN_TCP_##id] = name,
#include "tcp_states.def"
#undef TERN_TCP_STATE
};

static const char *const tcp_event_names[TCP_EV_MAX] = {
	[TCP_EV_SEG_ANY] = "SEG_ANY",
	[TCP_EV_SEG_SYN] = "SEG_SYN",
	[TCP_EV_SEG_SYN_DUP] = "SEG_SYN_DUP",
	[TCP_EV_SEG_SYN_ACK] = "SEG_SYN_ACK",
	[TCP_EV_SEG_BAD_ACK] = "SEG_BAD_ACK",
	[TCP_EV_SEG_ACK] = "SEG_ACK",
	[TCP_EV_SEG_ACK_OF_FIN] = "SEG_ACK_OF_FIN",
	[TCP_EV_SEG_FIN] = "SEG_FIN",
	[TCP_EV_SEG_FIN_ACK_OF_FIN] = "SEG_FIN_ACK_OF_FIN",
	[TCP_EV_SEG_RST] = "SEG_RST",
	[TCP_EV_SEG_RST_REFUSED] = "SEG_RST_REFUSED",
	[TCP_EV_SEG_DATA_AFTER_CLOSE] = "SEG_DATA_AFTER_CLOSE",
	[TCP_EV_SEG_SYN_OVERFLOW] = "SEG_SYN_OVERFLOW",
	[TCP_EV_SEG_COOKIE_ACK] = "SEG_COOKIE_ACK",
	[TCP_EV_SEG_ACK_OF_SYN] = "SEG_ACK_OF_SYN",
	[TCP_EV_USER_LISTEN] = "USER_LISTEN",
	[TCP_EV_USER_CONNECT] = "USER_CONNECT",
	[TCP_EV_USER_CLOSE] = "USER_CLOSE",
	[TCP_EV_USER_ABORT] = "USER_ABORT",
	[TCP_EV_TIMER_LIMIT] = "TIMER_LIMIT",
	[TCP_EV_TIMER_FW2] = "TIMER_FW2",
	[TCP_EV_TIMER_2MSL] = "TIMER_2MSL",
	[TCP_EV_TIMER_KEEPALIVE] = "TIMER_KEEPALIVE",
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

/*
 * The cell for (state, ev), counted as taken; NULL (and counted as a
 * drop) when the table has no such transition.
 */
const struct tcp_fsm_cell *
tcp_fsm_cell(struct tern_ctx *ctx, uint8_t state, enum tcp_event ev)
{
	const struct tcp_fsm_cell *cell = &tcp_fsm[state][ev];

	if (unlikely(!cell->valid)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_STATE);
		return NULL;
	}
	tcp_of(ctx)->fsm_hits[cell->row]++;
	return cell;
}

/* tern.tcp.fsm: every change; tern.tcp: ends that were not asked for. */
static void
tcp_log_state(struct tern_ctx *ctx, const struct tern_conn *c, uint8_t prev)
{
	const uint8_t *f = (const uint8_t *)&c->node.key.faddr;
	uint16_t lport = rte_be_to_cpu_16(c->node.key.lport);
	uint16_t fport = rte_be_to_cpu_16(c->node.key.fport);

	TERN_DP_LOG(ctx, tern_logtype_tcp_fsm, DEBUG,
		    "tern.tcp.fsm: lcore %u: :%u <-> %u.%u.%u.%u:%u %s -> %s",
		    ctx->lcore_id, lport, f[0], f[1], f[2], f[3], fport,
		    tern_tcp_state_name(prev), tern_tcp_state_name(c->state));
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
void
tcp_set_state(struct tern_ctx *ctx, struct tern_conn *c, uint8_t next)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t prev = c->state;

	if (prev == next)
		return;
	tcp->state_count[prev]--;
	tcp->state_count[next]++;
	c->state = next;
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
 * Take the transition (c->state, ev): run its actions and move to its
 * next state. @p seg is the segment that raised @p ev (NULL for user and
 * timer events). Returns -1 when the table has no such cell (the caller
 * drops the segment; it is counted), 0 otherwise. The app callbacks the
 * actions ask for are only recorded here; tcp_conn_settle() makes them.
 */
int
tcp_fsm_step(struct tern_ctx *ctx, struct tern_conn *c, enum tcp_event ev,
	     const struct tcp_seg *seg)
{
	const struct tcp_fsm_cell *cell = tcp_fsm_cell(ctx, c->state, ev);
	uint32_t a;

	if (cell == NULL)
		return -1;
	a = cell->actions;

	if (a & (A_CLOSE_NORMAL | A_CLOSE_RESET | A_CLOSE_REFUSED |
		 A_CLOSE_TIMEOUT | A_CLOSE_ABORTED))
		tcp_set_close_reason(c, a);
	if (a & A_SEND_RST)
		tcp_send_rst(ctx, c);
	if ((a & A_RST_REPLY) && seg != NULL)
		tcp_reply_rst(ctx, seg);
	if (a & A_CHALLENGE_ACK)
		tcp_send_challenge_ack(ctx, c);

	tcp_set_state(ctx, c, cell->next);

	if (a & A_SEND_SYN)
		tcp_send_syn(ctx, c);
	if (a & A_SEND_SYNACK)
		tcp_send_syn(ctx, c);
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
		tcp_timer_update(ctx, c);
	}
	if (a & (A_SEND_ACK | A_SEND_FIN))
		tcp_conn_work(ctx, c);
	return 0;
}
