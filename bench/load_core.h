/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef BENCH_LOAD_CORE_H
#define BENCH_LOAD_CORE_H

/**
 * @file
 * The load generator of tern-load, one instance per lcore, on tern's
 * client side (tern_tcp_connect and the callback API). Driver-agnostic:
 * bench/tern-load.c runs it on the DPDK runtime, bench/tern-inproc.c
 * against tern-httpd's core in the same process.
 *
 * An instance goes through phases, all timed by ctx->now_ns:
 *   WARMUP   load runs, nothing is measured (--warmup)
 *   MEASURE  counters and latency are taken (--time, or --requests)
 *   DRAIN    no new connection or request; connections close as their
 *            last response arrives (what is left is aborted after
 *            LOAD_DRAIN_NS plus 10 us per connection then open)
 *   DONE     every connection is closed
 */

#include <stdbool.h>
#include <stdint.h>

#include "tern_ctx.h"
#include "load_conf.h"

/** How long DRAIN waits for the last responses before aborting. */
#define LOAD_DRAIN_NS (3ull * 1000000000ull)

enum load_phase {
	LOAD_PH_WARMUP,
	LOAD_PH_MEASURE,
	LOAD_PH_DRAIN,
	LOAD_PH_DONE,
};

/** This instance's share of the run (the driver splits C, N and R). */
struct load_share {
	uint32_t conns;
	uint64_t max_requests;   /**< 0: by time only */
	double rate;             /**< latency mode */
};

struct load;

/**
 * Create the instance of @p ctx's lcore; it starts at the next poll.
 * @p conf must outlive it. @return 0; -EINVAL; -ENOMEM.
 */
int load_create(struct tern_ctx *ctx, const struct load_conf *conf,
		const struct load_share *share, struct load **out);

/** Once per loop iteration: phases, opening, pacing, retries. */
void load_poll(struct load *L);

/** Whether load_poll() has work now (for event-driven drivers). */
bool load_busy(const struct load *L);

enum load_phase load_phase(const struct load *L);

/** End the measurement now (if running) and start draining. */
void load_stop(struct load *L);

/** Abort every connection (closed() runs for each). */
void load_abort_all(struct load *L);

/** Counters since creation (approximate while another lcore runs it). */
void load_counters_now(const struct load *L, struct load_counters *out);

/** Counters of the measurement window and its length. Until the window
 * has ended, up to now. */
void load_window(const struct load *L, struct load_counters *out,
		 uint64_t *window_ns);

/** Latency of the window: per request, or per connection for cps. */
const struct hist *load_latency(const struct load *L);

/** Connections open now; the most open at once; how long after the
 * start all C of hold were established (0: not yet). */
uint32_t load_open_conns(const struct load *L);
uint32_t load_peak_conns(const struct load *L);
uint64_t load_all_open_ns(const struct load *L);

/** Bytes of application state per connection slot. */
size_t load_conn_size(const struct load_conf *conf);

void load_destroy(struct load *L);

#endif /* BENCH_LOAD_CORE_H */
