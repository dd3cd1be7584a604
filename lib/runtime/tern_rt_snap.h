/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_RT_SNAP_H
#define TERN_RT_SNAP_H

/**
 * @file
 * Consistent snapshots of the running stack for shells and telemetry:
 * each is copied on the worker's own lcore between two loop iterations
 * (tern_rt_worker_call), then summed or listed on the control side. The
 * shell (tern-testpmd) and the /tern/... telemetry endpoints read the
 * same snapshots, so they always agree.
 */

#include <stdint.h>

#include "tern_arp.h"
#include "tern_nd.h"
#include "tern_rt_ctl.h"
#include "tern_stats.h"
#include "tern_tcp_view.h"

/** All workers, for tern_rt_snap_stats(). */
#define TERN_RT_ALL_WORKERS UINT32_MAX

/**
 * Copy worker @p worker's counters into @p out, or the sum of all with
 * TERN_RT_ALL_WORKERS. @return 0; or the error of tern_rt_worker_call().
 */
int tern_rt_snap_stats(struct tern_rt *rt, uint32_t worker,
		       struct tern_stats *out);

/** Connections per state summed over workers. @return 0; -errno. */
int tern_rt_snap_states(struct tern_rt *rt,
			uint32_t counts[TERN_TCP_NSTATES]);

/**
 * Hits of each state-table row summed over workers into @p hits
 * (tern_tcp_fsm_entries() entries). @return 0; -errno.
 */
int tern_rt_snap_fsm(struct tern_rt *rt, uint64_t *hits);

/** Which connections to list. */
struct tern_rt_conn_filter {
	int state;          /**< enum tern_tcp_state, or -1: any */
	uint32_t port;      /**< local or remote port; 0: any */
	uint32_t skip;      /**< leave out the first matches (paging) */
};

/** One listed connection. */
struct tern_rt_conn {
	uint64_t id;        /**< process-wide (tern_rt_conn_id); 0: none */
	unsigned int worker;
	struct tern_tcp_conn_view v;
};

/**
 * List up to @p max connections matching @p filter (NULL: all) into
 * @p out; @p total receives how many matched in all.
 * @return entries written (>= 0); -errno.
 */
int tern_rt_snap_conns(struct tern_rt *rt,
		       const struct tern_rt_conn_filter *filter,
		       struct tern_rt_conn *out, unsigned int max,
		       unsigned int *total);

/** Process-wide id of connection @p id of worker @p worker. */
uint64_t tern_rt_conn_id(const struct tern_rt *rt, unsigned int worker,
			 uint32_t id);

/** A function run on one connection, on its worker's lcore. */
typedef void (*tern_rt_conn_fn)(struct tern_conn *c, void *arg);

/**
 * Run @p fn on the connection with process-wide id @p id, on its
 * worker. @return 0; -ENOENT no such connection; -errno.
 */
int tern_rt_conn_call(struct tern_rt *rt, uint64_t id, tern_rt_conn_fn fn,
		      void *arg);

/** One ARP entry in use. */
struct tern_rt_arp {
	unsigned int worker;
	rte_be32_t ip;
	struct rte_ether_addr mac;
	uint8_t state;              /**< enum tern_arp_entry_state */
	uint64_t age_ms;            /**< since last confirmed */
	uint8_t pending;            /**< packets waiting for it */
};

/** List ARP entries in use. @return entries written; -errno. */
int tern_rt_snap_arp(struct tern_rt *rt, struct tern_rt_arp *out,
		     unsigned int max);

/** One IPv6 neighbour cache entry in use. */
struct tern_rt_nd {
	unsigned int worker;
	struct tern_ip6 ip;
	struct rte_ether_addr mac;  /**< none while INCOMPLETE */
	uint8_t state;              /**< enum tern_nd_state */
	uint64_t age_ms;            /**< since last confirmed */
	uint8_t pending;            /**< packets waiting for it */
};

/** List IPv6 neighbour entries in use. @return entries written; -errno. */
int tern_rt_snap_nd(struct tern_rt *rt, struct tern_rt_nd *out,
		    unsigned int max);

/** "198.18.0.2:7" into @p buf. @return buf. */
char *tern_rt_format_addr(rte_be32_t ip, uint16_t port, char *buf,
			  size_t len);

/** "[2001:2::2]:7" into @p buf. @return buf. */
char *tern_rt_format_addr6(const struct tern_ip6 *ip, uint16_t port,
			   char *buf, size_t len);

/** Room for an address and port of either family ("[v6]:65535"). */
#define TERN_RT_ADDR_STRLEN 56

/**
 * The local and peer address of connection @p i as the views show them,
 * in its family ("198.18.0.2:7", "[2001:2::2]:7"; a listener's peer
 * "0.0.0.0:*" or "[::]:*"), each into TERN_RT_ADDR_STRLEN bytes.
 */
void tern_rt_format_conn_addrs(const struct tern_tcp_info *i,
			       char local[TERN_RT_ADDR_STRLEN],
			       char peer[TERN_RT_ADDR_STRLEN]);

/** One line in the manner of `ss -tin` for @p c (no newline). */
void tern_rt_format_conn(const struct tern_rt_conn *c, char *buf,
			 size_t len);

/** The header line matching tern_rt_format_conn(). */
const char *tern_rt_conn_header(void);

#endif /* TERN_RT_SNAP_H */
