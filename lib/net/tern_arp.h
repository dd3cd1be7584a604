/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_ARP_H
#define TERN_ARP_H

/**
 * @file
 * Per-lcore ARP cache with a bounded queue of packets waiting for
 * resolution. Owned by lib/net; embedded in struct tern_ctx.
 *
 * Entries live at fixed places in e[] (a packet path may hold a pointer
 * to one across a call) and are found through a chained hash: bucket[]
 * holds the first entry of each chain, entry.next the following one.
 * Free entries are chained the same way from free_head.
 *
 * Life of an entry (all times from ctx->now_ns):
 *   INCOMPLETE  created by a packet to an unknown next hop; the packet
 *               is parked and a broadcast request sent. tern_net_poll()
 *               repeats the request every retry_ns, up to retries_max
 *               times; when the last one has gone unanswered for
 *               retry_ns, the parked packets are dropped (counted) and
 *               the entry is freed.
 *   RESOLVED    a request or reply from the address confirmed its MAC.
 *               For timeout_ns after the confirmation the MAC is used
 *               as is. After that the entry is stale: it is still used
 *               (no stall on the fast path), but the first packet sent
 *               through it triggers a unicast request, repeated every
 *               retry_ns while traffic flows, up to retries_max + 1
 *               requests; an answer makes it fresh again, silence frees
 *               it and the next packet starts over as INCOMPLETE.
 *               Entries unused for timeout_ns + (retries_max + 2) *
 *               retry_ns are reclaimed by a sweep every timeout_ns.
 *
 * IPv4 output remembers the last destination it sent to through a fresh
 * entry (struct tern_arp_last): a segment to the same destination skips
 * the next-hop choice and the lookup. gen is bumped whenever an entry
 * is freed (and by a reset), so while it is unchanged the remembered
 * place still holds the same next hop, RESOLVED; the MAC is read from
 * the entry, so a neighbour that moved is followed at once, and the
 * entry is used this way only while fresh (confirmed within timeout_ns:
 * a stale one takes the full path, which refreshes it).
 */

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define TERN_ARP_ENTRIES 64         /**< power of two, at most 255 */
#define TERN_ARP_PENDING_MAX 16     /**< packets held per unresolved entry */

/** Chain terminator in bucket[], next and free_head. */
#define TERN_ARP_NIL UINT8_MAX

/* Defaults set by tern_net_init(); the runtime may change them after. */
#define TERN_ARP_RETRY_NS_DEFAULT (1000ull * 1000 * 1000)      /**< 1 s */
#define TERN_ARP_RETRIES_DEFAULT 3
/* 60 s as Linux's gc_stale_time: long enough that a busy neighbour is
 * re-confirmed once a minute, short enough to follow a moved address. */
#define TERN_ARP_TIMEOUT_NS_DEFAULT (60ull * 1000 * 1000 * 1000)

enum tern_arp_entry_state {
	TERN_ARP_FREE = 0,
	TERN_ARP_INCOMPLETE,  /**< request sent, no answer yet */
	TERN_ARP_RESOLVED,
};

struct tern_arp_entry {
	rte_be32_t ip;
	uint8_t state;                  /**< enum tern_arp_entry_state */
	uint8_t requests;               /**< sent since the last confirmation */
	uint8_t next;                   /**< hash or free chain; TERN_ARP_NIL */
	uint8_t npending;
	struct rte_ether_addr mac;      /**< valid when RESOLVED */
	uint64_t confirmed_ns;          /**< last request/reply from ip */
	uint64_t request_ns;            /**< last request we sent */
	struct rte_mbuf *pending[TERN_ARP_PENDING_MAX]; /**< FIFO, full
							     frames */
};

/** The last destination sent to through a fresh entry. */
struct tern_arp_last {
	rte_be32_t dst;                 /**< 0: none (never a destination) */
	uint32_t gen;                   /**< tern_arp_table.gen then */
	uint8_t idx;                    /**< the entry in e[] */
};

/**
 * IPv4 output's frame header for TCP from src to dst (lib/net/tern_ipv4.c),
 * kept while e[idx] is the fresh entry to dst as for tern_arp_last
 * (same gen): a segment is then one copy of hdr and a few field
 * writes. hdr is the Ethernet header but for the destination MAC (read
 * from the entry at each use, as tern_arp_last's users do) and the IPv4
 * header but for its total length and checksum (zero). The MTU and
 * the offloads are read from the interface at each use.
 */
struct tern_arp_tx4 {
	rte_be32_t dst;                 /**< 0: none (never a destination) */
	rte_be32_t src;
	uint32_t gen;                   /**< tern_arp_table.gen then */
	uint8_t idx;                    /**< the entry in e[] */
	uint32_t ip_sum;                /**< hdr's IPv4 words, folded */
	uint32_t phdr_sum;              /**< TCP pseudo-header without the
					     length, folded */
	uint8_t hdr[14 + 20] __rte_aligned(8);
};

struct tern_arp_table {
	uint64_t timeout_ns;            /**< resolved entry stays fresh */
	uint64_t retry_ns;              /**< interval between requests */
	uint32_t retries_max;           /**< requests after the first */
	uint32_t nincomplete;           /**< INCOMPLETE entries */
	uint64_t next_retry_ns;         /**< no INCOMPLETE entry is due
					     before this (may be early) */
	uint64_t next_sweep_ns;         /**< next reclaim of aged entries */
	uint8_t bucket[TERN_ARP_ENTRIES];
	uint8_t free_head;
	uint32_t gen;                   /**< bumped when an entry is freed */
	struct tern_arp_last last;
	struct tern_arp_tx4 tx4;
	struct tern_arp_entry e[TERN_ARP_ENTRIES];
};

#endif /* TERN_ARP_H */
