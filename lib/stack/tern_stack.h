/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STACK_H
#define TERN_STACK_H

/**
 * @file
 * Setting up and driving one per-lcore stack instance (struct tern_ctx).
 *
 * Every driver -- the runtime's worker loop, the simulator, the in-process
 * benchmark -- runs one loop iteration of a worker as one call:
 *   n = <receive a burst from its port queue>;
 *   tern_stack_step(ctx, now_ns, pkts, n, app_poll, app_arg);
 * which inputs the frames, lets the application work, runs the timers and
 * flushes the TX batch; a driver may then sleep (or jump virtual time)
 * until tern_stack_next_deadline_ns().
 */

#include <stdint.h>
#include "tern_ctx.h"
#include "tern_stack_stats.h"
#include "tern_tcp.h"

struct tern_stack_conf {
	struct tern_if_conf ifc;
	struct tern_tcp_conf tcp;
	struct rte_mempool *pool;
	tern_tx_flush_fn tx_flush;
	void *tx_flush_arg;
	unsigned int lcore_id;
	uint16_t port_id;
	uint16_t queue_id;
	/** This worker's index among the port's workers (tern_owner.h). */
	uint16_t worker_id;
	/** The port's steering group (tern_steer.h); NULL: one worker. */
	struct tern_steer *steer;
	uint64_t now_ns;          /**< time at start */
	uint64_t secret_seed;     /**< seeds ISN secret and hash seed;
				       0 = random (production);
				       non-zero = reproducible (tests) */
};

/** Initialise @p ctx (zeroed by this call). @return 0 or -errno. */
int tern_stack_init(struct tern_ctx *ctx, const struct tern_stack_conf *conf);

/** Release everything the stack holds (connections, ARP queue, TX batch). */
void tern_stack_fini(struct tern_ctx *ctx);

/** The application's work once per loop iteration (between input and
 *  timers): polling its sources, sending what became possible. */
typedef void (*tern_stack_app_poll_fn)(struct tern_ctx *ctx, void *arg);

/**
 * One loop iteration of a worker, in this order: set the clock to
 * @p now_ns; input the @p n frames @p pkts the driver received (ownership
 * taken); run @p app_poll (may be NULL); run the timers due; flush the
 * TX batch through ctx->tx_flush. Nothing reaches the wire before that
 * last flush (ctx->in_step is true until then).
 */
void tern_stack_step(struct tern_ctx *ctx, uint64_t now_ns,
		     struct rte_mbuf **pkts, uint16_t n,
		     tern_stack_app_poll_fn app_poll, void *app_arg);

/** Feed @p n received frames (ownership taken) and build what they owe
 *  (TCP's output pass). The step inputs alike but leaves that pass for
 *  after the app's poll. */
void tern_stack_input(struct tern_ctx *ctx, struct rte_mbuf **pkts,
		      uint16_t n);

/** Run timers due at ctx->now_ns; part of the step. */
void tern_stack_poll(struct tern_ctx *ctx);

/** When the stack next needs to run (UINT64_MAX: only on input). */
uint64_t tern_stack_next_deadline_ns(const struct tern_ctx *ctx);

#endif /* TERN_STACK_H */
