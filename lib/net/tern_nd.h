/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_ND_H
#define TERN_ND_H

/**
 * @file
 * IPv6 Neighbour Discovery state of one lcore (RFC 4861, RFC 4862): our
 * addresses with their Duplicate Address Detection state, the neighbour
 * cache, and the ICMPv6 error rate limit. Owned by lib/net.
 *
 * The cache has the shape of the ARP cache (tern_arp.h): entries at
 * fixed places in e[], a chained hash, a bounded queue of parked
 * packets per unresolved entry, and the same timers, read from the ARP
 * table so that one setting governs both (retry_ns, retries_max,
 * timeout_ns). The states are RFC 4861's (7.3.2):
 *   INCOMPLETE  solicitation multicast to the solicited-node group,
 *               repeated every retry_ns, retries_max + 1 in all; then the
 *               parked packets are dropped (NdResolveFailed).
 *   REACHABLE   confirmed by a solicited advertisement; for timeout_ns.
 *   STALE       older than that, or learned unconfirmed (an NS carrying
 *               a source link-layer address, an unsolicited NA). Still
 *               used; the first packet sent moves it to DELAY.
 *   DELAY       retry_ns for a confirmation to arrive anyway, then
 *   PROBE       unicast solicitations every retry_ns, retries_max + 1
 *               in all; silence frees the entry (the next packet starts
 *               over as INCOMPLETE).
 * The MAC of a STALE/DELAY/PROBE entry is used meanwhile (no stall on
 * the fast path), as RFC 4861 7.3.3 prescribes.
 *
 * IPv6 output remembers the last unicast destination it sent to and the
 * resolved entry it went through (struct tern_nd_last), as IPv4 output
 * does with ARP (tern_arp.h): a segment to the same destination skips
 * the next-hop choice and the lookup. gen is bumped whenever an entry
 * is freed (and by a reset), so while it is unchanged the remembered
 * place still holds the same next hop, resolved (an entry becomes
 * INCOMPLETE only when allocated); the MAC is read from the entry. Only
 * a REACHABLE entry within timeout_ns is sent through inline; any other
 * (STALE, DELAY, PROBE, or past timeout_ns) goes through the same state
 * code as a looked-up entry (net_nd_output_entry()), so the state
 * machine above still runs.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "tern_ip6.h"

#define TERN_ND_ENTRIES 64          /**< power of two, at most 255 */
#define TERN_ND_PENDING_MAX 16      /**< packets held per unresolved entry */
#define TERN_ND_NIL UINT8_MAX       /**< chain terminator */

enum tern_nd_state {
	TERN_ND_FREE = 0,
	TERN_ND_INCOMPLETE,
	TERN_ND_REACHABLE,
	TERN_ND_STALE,
	TERN_ND_DELAY,
	TERN_ND_PROBE,
};

struct tern_nd_entry {
	struct tern_ip6 ip;
	uint8_t state;                  /**< enum tern_nd_state */
	uint8_t probes;                 /**< solicitations sent in this state */
	uint8_t next;                   /**< hash or free chain; TERN_ND_NIL */
	uint8_t npending;
	struct rte_ether_addr mac;      /**< valid unless INCOMPLETE */
	uint64_t confirmed_ns;          /**< last reachability confirmation */
	uint64_t due_ns;                /**< INCOMPLETE, DELAY, PROBE: next
					     timer event */
	struct rte_mbuf *pending[TERN_ND_PENDING_MAX]; /**< FIFO, frames */
};

/** Our addresses, in this order: link-local first (RFC 4862 5.3). */
enum tern_nd_addr_slot {
	TERN_ND_ADDR_LL = 0,
	TERN_ND_ADDR_GLOBAL,
	TERN_ND_ADDR_MAX,
};

enum tern_nd_addr_state {
	TERN_ND_ADDR_NONE = 0,          /**< not configured */
	TERN_ND_ADDR_TENTATIVE,         /**< DAD running: not used yet */
	TERN_ND_ADDR_PREFERRED,         /**< usable */
	TERN_ND_ADDR_DUPLICATE,         /**< another node has it: unused */
};

/** The last unicast destination sent to through a resolved entry. */
struct tern_nd_last {
	struct tern_ip6 dst;
	uint32_t gen;                   /**< tern_nd_table.gen then */
	uint8_t idx;                    /**< the entry in e[] */
};

/**
 * IPv6 output's frame header for TCP from src to dst (lib/net/tern_ipv6.c),
 * kept while e[idx] is the entry to dst as for tern_nd_last (same gen)
 * and used while output through that entry changes no state (REACHABLE
 * within its timeout, DELAY, PROBE): a segment
 * is then one copy of hdr and a few field writes. hdr is the Ethernet
 * header but for the destination MAC (read from the entry at each use)
 * and the IPv6 header but for its first word and payload length. The
 * MTU and the offloads are read from the interface at each use.
 */
struct tern_nd_tx6 {
	struct tern_ip6 dst;            /**< :: none (never a destination) */
	struct tern_ip6 src;
	uint32_t gen;                   /**< tern_nd_table.gen then */
	uint8_t idx;                    /**< the entry in e[] */
	uint32_t phdr_sum;              /**< TCP pseudo-header without the
					     length, folded */
	uint8_t hdr[14 + 40] __rte_aligned(8);
};

struct tern_nd_table {
	struct tern_ip6 addr[TERN_ND_ADDR_MAX];
	uint8_t addr_state[TERN_ND_ADDR_MAX];  /**< enum tern_nd_addr_state */
	uint8_t dad_probes[TERN_ND_ADDR_MAX];  /**< DAD solicitations sent */
	uint64_t dad_due_ns;            /**< next DAD step; UINT64_MAX none */
	uint64_t next_due_ns;           /**< no entry timer and no DAD step
					     is due before this (may be
					     early); the ARP table's
					     next_sweep_ns is kept no later,
					     which is when tern_net_poll()
					     looks at ND */
	uint32_t ntimed;                /**< entries INCOMPLETE/DELAY/PROBE */
	uint32_t err_tokens;            /**< ICMPv6 errors we may send now */
	uint64_t err_refill_ns;         /**< when the last token was added */
	uint8_t bucket[TERN_ND_ENTRIES];
	uint8_t free_head;
	uint32_t gen;                   /**< bumped when an entry is freed */
	struct tern_nd_last last;
	struct tern_nd_tx6 tx6;
	struct tern_nd_entry e[TERN_ND_ENTRIES];
};

/** RFC 4861's name of a neighbour state (enum tern_nd_state); "?" for
 * a value out of range. */
const char *tern_nd_state_name(unsigned int state);

#endif /* TERN_ND_H */
