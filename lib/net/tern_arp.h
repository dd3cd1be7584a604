/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_ARP_H
#define TERN_ARP_H

/**
 * @file
 * Per-lcore ARP cache with a bounded queue of packets waiting for
 * resolution. Owned by lib/net; embedded in struct tern_ctx.
 */

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define TERN_ARP_ENTRIES 64         /**< power of two */
#define TERN_ARP_PENDING_MAX 16     /**< packets held per unresolved entry */

enum tern_arp_entry_state {
	TERN_ARP_FREE = 0,
	TERN_ARP_INCOMPLETE,  /**< request sent, no answer yet */
	TERN_ARP_RESOLVED,
};

struct tern_arp_entry {
	rte_be32_t ip;
	uint8_t state;                  /**< enum tern_arp_entry_state */
	uint8_t retries;                /**< requests sent while incomplete */
	uint16_t npending;
	struct rte_ether_addr mac;
	uint64_t updated_ns;            /**< last confirmation or request */
	struct rte_mbuf *pending[TERN_ARP_PENDING_MAX];
};

struct tern_arp_table {
	uint64_t timeout_ns;            /**< resolved entry lifetime */
	uint64_t retry_ns;              /**< interval between requests */
	uint64_t next_scan_ns;
	struct tern_arp_entry e[TERN_ARP_ENTRIES];
};

#endif /* TERN_ARP_H */
