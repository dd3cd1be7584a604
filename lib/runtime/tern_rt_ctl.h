/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_RT_CTL_H
#define TERN_RT_CTL_H

/**
 * @file
 * Reaching the workers from control threads (shell, telemetry, the
 * graceful stop) without locks in the data path: each worker has a
 * single-producer/single-consumer request ring that its loop looks at
 * once per iteration. A request runs a function on the worker's lcore
 * between two iterations, so it sees the worker's tables and counters
 * in a consistent state; the caller waits for a completion flag.
 * Callers are serialised among themselves by a mutex on the control
 * side only. Requests must be short: they run in the data path.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tern_runtime.h"

/** A function run on a worker's lcore with its context. */
typedef void (*tern_rt_call_fn)(struct tern_ctx *ctx, void *arg);

/** How long a request may wait for its worker before it is given up. */
#define TERN_RT_CALL_TIMEOUT_MS 2000

/**
 * Run @p fn(ctx, @p arg) on worker @p worker (0 .. worker count - 1)
 * between two iterations of its loop and wait until it has run. A
 * worker whose loop has not started yet is waited for.
 * @return 0; -EINVAL no such worker; -EAGAIN the worker's loop is not
 *   running (stopped, or did not start in time); -ETIMEDOUT the worker
 *   did not take the request in time (it is then never run); -ENOMEM.
 */
int tern_rt_worker_call(struct tern_rt *rt, unsigned int worker,
			tern_rt_call_fn fn, void *arg);

/** What the runtime knows of one worker, read from a control thread. */
struct tern_rt_worker_info {
	unsigned int lcore_id;
	uint16_t queue_id;
	int socket_id;
	bool running;           /**< its loop serves requests */
	uint64_t loops;         /**< loop iterations so far */
	uint64_t idle_loops;    /**< iterations that received nothing */
};

/** Fill @p info for worker @p worker. @return 0; -EINVAL. */
int tern_rt_worker_info(const struct tern_rt *rt, unsigned int worker,
			struct tern_rt_worker_info *info);

/** The DPDK port id the runtime drives. */
uint16_t tern_rt_port_id(const struct tern_rt *rt);

/** The port's name ("net_tap0", a PCI address). */
const char *tern_rt_port_name(const struct tern_rt *rt);

/** The application's name given in struct tern_rt_app. */
const char *tern_rt_app_name(const struct tern_rt *rt);

/**
 * Stop gracefully: run each worker's lcore_drain (stop accepting),
 * close every connection with FIN, let them finish for up to the
 * configured drain time ([run] drain_ms, --drain-ms), abort the rest,
 * then stop the loops. Returns at once; any thread. A second request,
 * or a stop signal during the drain, aborts at once.
 */
void tern_rt_request_drain(struct tern_rt *rt);

/** True from the start of a graceful stop until the loops stop. */
bool tern_rt_draining(const struct tern_rt *rt);

#endif /* TERN_RT_CTL_H */
