/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_RUNTIME_H
#define TERN_RUNTIME_H

/**
 * @file
 * The DPDK runtime: one entry point that starts EAL, reads the
 * deployment (tern_config.h), brings one port up and runs one
 * run-to-completion loop per worker lcore, each with its own RX/TX queue
 * pair, NUMA-local mempool, statistics and struct tern_ctx.
 *
 * Command line: EAL arguments, then "--", then options. The runtime
 * handles the common ones (--config, --profile, --profile-dir,
 * --port-dev, --ip, --gw, --mtu, --workers, --mbufs, --duration,
 * --set, --print-config, --help); the application adds its own with
 * struct tern_rt_opt. Lcores are EAL's (-l / --lcores).
 *
 * The loop of each worker, per iteration:
 *   tern_ctx_set_now(ctx, clock); rte_eth_rx_burst(32) -> tern_stack_input();
 *   app lcore_poll(); tern_stack_poll(); one flush of ctx->tx.
 *
 * A typical application:
 *   rc = tern_rt_create(argc, argv, &app, &rt);
 *   if (rc == -ECANCELED) return 0;    (--help, --print-config)
 *   if (rc == 0) rc = tern_rt_run(rt);
 *   tern_rt_destroy(rt);
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tern_config.h"
#include "tern_ctx.h"
#include "tern_stack_stats.h"
#include "tern_tcp.h"

struct tern_rt;

/** One application option (after "--"): --name VALUE or --name=VALUE. */
struct tern_rt_opt {
	const char *name;       /**< long name without "--"; NULL ends */
	const char *arg_name;   /**< shown in usage; NULL: takes no value */
	const char *help;       /**< one line for --help */
	/**
	 * Store the option into the application's state @p app_arg.
	 * @p value is NULL for options without a value.
	 * @return 0, or a negative errno after printing why to stderr.
	 */
	int (*parse)(void *app_arg, const char *value);
};

/** What the application plugs into the runtime. */
struct tern_rt_app {
	const char *name;                /**< program name (usage, banner) */
	const char *summary;             /**< one line for --help */
	const struct tern_rt_opt *opts;  /**< ends with name == NULL; or NULL */
	void *arg;                       /**< given to every callback */
	/**
	 * On each worker lcore, before its loop (listen, connect, set
	 * ctx->app). @return 0, or a negative errno: every loop stops and
	 * tern_rt_run() fails with it.
	 */
	int (*lcore_init)(struct tern_ctx *ctx, void *arg);
	/** Each loop iteration, between input and timers. May be NULL. */
	void (*lcore_poll)(struct tern_ctx *ctx, void *arg);
	/**
	 * On each worker whose lcore_init succeeded, after every loop has
	 * stopped and the counters were printed, before the stack is torn
	 * down (connections still open are then aborted). May be NULL.
	 */
	void (*lcore_fini)(struct tern_ctx *ctx, void *arg);
	/**
	 * On each worker when a graceful stop begins (tern_rt_ctl.h
	 * tern_rt_request_drain, SIGINT/SIGTERM): stop accepting (unlisten)
	 * and opening. The runtime then closes every connection the app
	 * holds with FIN. May be NULL.
	 */
	void (*lcore_drain)(struct tern_ctx *ctx, void *arg);
	/**
	 * On a control thread of its own (not a worker lcore) once the
	 * loops run: a shell. Must return soon after tern_rt_stopping()
	 * becomes true. May be NULL.
	 */
	void (*control)(struct tern_rt *rt, void *arg);
};

/**
 * Parse the command line, read the configuration and profile, start EAL
 * (signals SIGINT/SIGTERM are taken over from here on), configure the
 * port, and set up one mempool and one struct tern_ctx per worker.
 * @p out is set even on failure (destroy it); NULL only on -ENOMEM.
 * @return 0; -ECANCELED --help or --print-config was served (exit 0);
 *   -EINVAL bad option or configuration; -ENOENT missing file or
 *   profile; -ENODEV no such port; -ENOTSUP the port lacks a required
 *   offload; -ENOMEM; or the -errno of the failing DPDK call.
 */
int tern_rt_create(int argc, char **argv, const struct tern_rt_app *app,
		   struct tern_rt **out);

/**
 * Start the port, print the banner, run every worker until a signal,
 * the --duration limit or tern_rt_request_stop(), then print the
 * counters summed over workers and the TCP connections per state, run
 * lcore_fini and tear the stacks down. The port stays configured.
 * @return 0; the error of a failed lcore_init; or the -errno of
 *   starting the port or launching the lcores.
 */
int tern_rt_run(struct tern_rt *rt);

/**
 * Stop and close the port, free the pools and stop EAL. Pools that
 * still have mbufs in use are reported (ERR log): that is a leak.
 * @return 0; -EBUSY when mbufs leaked. NULL is a no-op returning 0.
 */
int tern_rt_destroy(struct tern_rt *rt);

/** Ask every loop to stop after its current iteration (any thread). */
void tern_rt_request_stop(struct tern_rt *rt);

/** True once a stop was requested (signal, duration or request). */
bool tern_rt_stopping(const struct tern_rt *rt);

/**
 * One iteration of @p ctx's worker loop on behalf of a blocking call
 * made on that worker (lib/socket's tern_sock_worker_conf.drive): a
 * receive burst, tern_stack_step() with the clock read now (input,
 * timers, one flush), without calling the app's lcore_poll or serving
 * control requests. It busy-polls and returns after the iteration; the
 * caller compares ctx->now_ns with @p deadline_ns (runtime clock) and
 * calls again. Allowed from the app's lcore_poll, lcore_init, or any
 * code of the worker's lcore outside the stack.
 * @return 0; -EDEADLK called from inside a stack callback or another
 *   drive (the stack is mid-step); -ECANCELED the runtime is stopping.
 */
int tern_rt_drive(struct tern_ctx *ctx, uint64_t deadline_ns);

/**
 * The runtime's clock read now, in the ns of ctx->now_ns (which holds
 * the time the worker's current iteration started): what a blocking
 * call's timeout runs from (lib/socket's tern_sock_worker_conf.clock).
 */
uint64_t tern_rt_clock_ns(const struct tern_ctx *ctx);

/** The runtime that drives @p ctx (only for a ctx made by the runtime). */
struct tern_rt *tern_rt_of_ctx(const struct tern_ctx *ctx);

/** The effective configuration (after file, options and profile). */
const struct tern_config *tern_rt_config(const struct tern_rt *rt);

/** Number of worker lcores (= queue pairs in use). */
unsigned int tern_rt_worker_count(const struct tern_rt *rt);

/**
 * Sum every worker's counters into @p sum (zeroed first). Exact once
 * the loops have stopped; while they run, a recent approximation.
 */
void tern_rt_stats_sum(const struct tern_rt *rt, struct tern_stats *sum);

/**
 * TCP connections per state summed over workers (TIME_WAIT included).
 * Only while the loops are stopped: connection tables are per lcore.
 */
void tern_rt_tcp_state_counts(const struct tern_rt *rt,
			      uint32_t counts[TERN_TCP_NSTATES]);

/**
 * Print the summed counters, the port's counters, the TCP connections
 * per state and the rows of the TCP state table taken (with counts) to
 * @p f. Only while the loops are stopped.
 */
void tern_rt_print_stats(const struct tern_rt *rt, FILE *f);

#endif /* TERN_RUNTIME_H */
