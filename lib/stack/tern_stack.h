/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STACK_H
#define TERN_STACK_H

/**
 * @file
 * Setting up and driving one per-lcore stack instance (struct tern_ctx).
 *
 * The driver (runtime or simulator) calls, once per loop iteration:
 *   ctx->now_ns = <clock>;
 *   tern_stack_input(ctx, pkts, n);   for what the wire delivered
 *   tern_stack_poll(ctx);             timers: TCP, ARP
 *   ctx->tx_flush(ctx);               when ctx->tx.count > 0
 * and may sleep (or jump virtual time) until tern_stack_next_deadline_ns().
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
	uint64_t now_ns;          /**< time at start */
	uint64_t secret_seed;     /**< seeds ISN secret and hash seed;
				       0 = random (production);
				       non-zero = reproducible (tests) */
};

/** Initialise @p ctx (zeroed by this call). @return 0 or -errno. */
int tern_stack_init(struct tern_ctx *ctx, const struct tern_stack_conf *conf);

/** Release everything the stack holds (connections, ARP queue, TX batch). */
void tern_stack_fini(struct tern_ctx *ctx);

/** Feed @p n received frames (ownership taken). */
void tern_stack_input(struct tern_ctx *ctx, struct rte_mbuf **pkts,
		      uint16_t n);

/** Run timers due at ctx->now_ns. */
void tern_stack_poll(struct tern_ctx *ctx);

/** When the stack next needs to run (UINT64_MAX: only on input). */
uint64_t tern_stack_next_deadline_ns(const struct tern_ctx *ctx);

#endif /* TERN_STACK_H */
