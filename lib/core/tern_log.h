/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_LOG_H
#define TERN_LOG_H

/**
 * @file
 * rte_log types per component, set like any DPDK log type:
 * --log-level=tern.tcp.fsm:debug on the EAL command line, `set log` in
 * tern-testpmd, rte_log_set_level_pattern() in code.
 *
 *   tern.runtime   EAL, port, workers, drain (lib/runtime)
 *   tern.net       every dropped frame and its counter (DEBUG)
 *   tern.arp       resolution failures (NOTICE)
 *   tern.nd        IPv6 neighbour resolution failures (NOTICE), DAD
 *                  results (duplicate address: ERR)
 *   tern.tcp       connections ended by timeout or reset (INFO)
 *   tern.tcp.fsm   every state change of a connection (DEBUG; its
 *                  level is read once per step, so a change applies
 *                  from the next step)
 *
 * Messages from the data path go through TERN_DP_LOG: nothing is
 * formatted unless the type's level lets it through, and each lcore
 * prints at most TERN_LOG_BURST of them per second; the rest are
 * counted and reported as suppressed when the next second starts.
 * The time is ctx->now_ns: no clock is read here.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_log.h>

/** Data-path messages per lcore per second before suppression. */
#define TERN_LOG_BURST 20

extern int tern_logtype_net;
extern int tern_logtype_arp;
extern int tern_logtype_nd;
extern int tern_logtype_tcp;
extern int tern_logtype_tcp_fsm;

/** The per-lcore budget of TERN_DP_LOG (in struct tern_ctx). */
struct tern_log_budget {
	uint64_t window_ns;     /**< start of the current second */
	uint32_t used;          /**< messages printed in it */
	uint32_t suppressed;    /**< messages left out in it */
};

/**
 * May one more data-path message be printed at @p now_ns? Reports the
 * messages suppressed in the last window when a new one starts.
 */
bool tern_log_budget_take(struct tern_log_budget *b, uint64_t now_ns,
			  unsigned int lcore);

#define TERN_DP_LOG(ctx, type, level, fmt, ...) \
	do { \
		if (unlikely(rte_log_can_log((uint32_t)(type), \
					     RTE_LOG_##level)) && \
		    tern_log_budget_take(&(ctx)->log, (ctx)->now_ns, \
					 (ctx)->lcore_id)) \
			rte_log(RTE_LOG_##level, (uint32_t)(type), \
				fmt "\n", ##__VA_ARGS__); \
	} while (0)

#endif /* TERN_LOG_H */
