/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef BENCH_TERN_BENCH_H
#define BENCH_TERN_BENCH_H

/**
 * @file
 * Helpers the tern-side benchmark drivers (tern-load, tern-inproc) share:
 * the live line's connection states, the size of tern's per-connection
 * records as allocated, and JSON fragments of tern's counters.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tern_stack_stats.h"
#include "tern_tcp.h"

/** "SYN_SENT 3 ESTABLISHED 61" for the non-zero, non-LISTEN states. */
void bench_states_format(const uint32_t counts[TERN_TCP_NSTATES], char *buf,
			 size_t size);

/** What tern's records of one lcore take, as found in its mempools. */
struct bench_tern_mem {
	uint32_t conn_record;       /**< sizeof the connection record */
	uint32_t conn_tmpl;         /**< its header template, behind it */
	uint32_t conn_object;       /**< ... with mempool header/trailer */
	uint32_t tw_record;         /**< compact TIME_WAIT record */
	uint32_t tw_object;
	uint64_t conn_pool_bytes;   /**< all connection pools, reserved */
	uint64_t tw_pool_bytes;     /**< all TIME_WAIT pools */
	uint64_t reass_pool_bytes;  /**< all reassembly pools */
	uint64_t heap_bytes;        /**< DPDK heap in use, all sockets */
};

/**
 * Look tern's connection, TIME_WAIT and reassembly pools up (record
 * sizes: any lcore's, they share a layout; bytes: summed) and read the
 * DPDK heap usage.
 */
void bench_tern_mem_read(struct bench_tern_mem *m);

/**
 * Write "name":value members for the TCP counters a benchmark reports
 * (ActiveOpens, PassiveOpens, RetransSegs, ... and every drop that is
 * non-zero) to @p f, without braces, comma separated.
 */
void bench_stats_json(FILE *f, const struct tern_stats *s);

/** Seconds since the epoch (wall clock), for Date fields. */
int64_t bench_unix_now(void);

#endif /* BENCH_TERN_BENCH_H */
