/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_TCP_VIEW_H
#define TERN_TCP_VIEW_H

/**
 * @file
 * Read-only views of one lcore's connections for shells and telemetry
 * (tern-testpmd's `show conns`, /tern/conns), and the bulk close and
 * abort the runtime's graceful stop uses. Every call runs on the lcore
 * that owns @p ctx (the runtime gets there through its request rings),
 * so what it sees is consistent: the loop is between two iterations.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tern_tcp.h"

struct tern_ctx;

/** The timer a connection waits on next, in the manner of `ss -o`. */
enum tern_tcp_timer_kind {
	TERN_TCP_TIMER_NONE,
	TERN_TCP_TIMER_RTX,        /**< "on": SYN, data or FIN retransmission */
	TERN_TCP_TIMER_PERSIST,    /**< zero-window probe */
	TERN_TCP_TIMER_DELACK,     /**< delayed ACK */
	TERN_TCP_TIMER_TLP,        /**< tail loss probe */
	TERN_TCP_TIMER_KEEPALIVE,
	TERN_TCP_TIMER_FIN_WAIT_2, /**< orphan reaper */
	TERN_TCP_TIMER_TIME_WAIT,  /**< 2 MSL */
};

/** One connection (or TIME_WAIT record, or listener) as a shell shows it. */
struct tern_tcp_conn_view {
	uint32_t id;             /**< per lcore, from 1; 0: TIME_WAIT record
				      or listener (no handle to act on) */
	struct tern_tcp_info info; /**< TIME_WAIT: state, addresses, snd_nxt,
					rcv_nxt; listener: state, lport */
	uint32_t recv_q;         /**< delivered, not released by the app
				      (manual receive) plus out of order;
				      listener: half-open children */
	uint32_t send_q;         /**< bytes queued from snd_una on;
				      listener: backlog */
	enum tern_tcp_timer_kind timer;
	uint64_t timer_ms;       /**< until it expires (0: due) */
	bool app_owned;          /**< the app holds the handle */
};

/**
 * Called per entry; a non-zero return stops the walk.
 */
typedef int (*tern_tcp_view_fn)(const struct tern_tcp_conn_view *v,
				void *arg);

/** Name of a timer kind as ss prints it ("on", "persist", ...). */
const char *tern_tcp_timer_name(enum tern_tcp_timer_kind k);

/**
 * Call @p fn for every listener, full connection record and TIME_WAIT
 * record of this lcore, in that order.
 * @return entries visited.
 */
unsigned int tern_tcp_conn_walk(struct tern_ctx *ctx, tern_tcp_view_fn fn,
				void *arg);

/** Where a walk in steps stands; zero it to start. */
struct tern_tcp_walk {
	uint8_t phase;          /**< listeners, connections, TIME_WAIT, done */
	uint32_t bucket;        /**< next bucket of the current table */
};

/**
 * Go on with a walk for at most @p buckets table buckets, so that a
 * caller reaching the lcore between two loop iterations never holds it
 * for long, whatever the number of connections. Between steps the
 * tables may change: an entry may be seen twice or not at all, as with
 * `ss` reading the kernel's tables.
 * @return true when the walk is complete (or @p fn stopped it).
 */
bool tern_tcp_conn_walk_step(struct tern_ctx *ctx, struct tern_tcp_walk *w,
			     uint32_t buckets, tern_tcp_view_fn fn,
			     void *arg);

/** The id of @p c (as in struct tern_tcp_conn_view). */
uint32_t tern_tcp_conn_id(const struct tern_conn *c);

/** Look up a connection by its id. @return it, or NULL. */
struct tern_conn *tern_tcp_conn_by_id(struct tern_ctx *ctx, uint32_t id);

/**
 * Stop accepting: from now on a SYN to any listener of this lcore is
 * answered as if nobody listened (RST, counted as DropNoConn). The
 * listeners stay; the app unlistens them as usual. The first step of a
 * graceful stop.
 */
void tern_tcp_stop_accepting(struct tern_ctx *ctx);

/**
 * Close (FIN after queued data) every connection the app holds that has
 * not closed its side yet: the first half of a graceful stop.
 * @return connections closed.
 */
unsigned int tern_tcp_close_all(struct tern_ctx *ctx);

/**
 * Abort (RST) every connection the app still holds: the end of a
 * graceful stop's drain. @return connections aborted.
 */
unsigned int tern_tcp_abort_all(struct tern_ctx *ctx);

/**
 * Connections the app still holds (their closed() has not run).
 */
unsigned int tern_tcp_app_conns(struct tern_ctx *ctx);

#endif /* TERN_TCP_VIEW_H */
