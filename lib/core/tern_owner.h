/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_OWNER_H
#define TERN_OWNER_H

/**
 * @file
 * Flow ownership: which worker of the port owns a TCP 4-tuple. One rule
 * for everyone -- the steering of received frames (lib/stack), the
 * choice of source ports for active opens (lib/tcp) and the simulator's
 * NIC model: the owner is reta[toeplitz(rss_key, tuple) % reta_size],
 * the queue the port's RSS picks. The driver fills the table: read back
 * from the device when the port hashes TCP with our symmetric key
 * (rte_eth_dev_rss_reta_query), else a table of its own over the
 * workers, with the frames that reach the wrong worker handed over in
 * software (docs/architecture.md, "Many workers").
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_thash.h>

#include "tern_ctx.h"

/**
 * The symmetric Toeplitz hash of a segment's 4-tuple, in the order the
 * NIC hashes the segment as it arrives: source (the peer) first. With a
 * symmetric key the order is immaterial; the NIC's order all the same.
 */
static inline uint32_t
tern_flow_toeplitz(const struct tern_ctx *ctx, rte_be32_t faddr,
		   rte_be32_t laddr, rte_be16_t fport, rte_be16_t lport)
{
	uint32_t tuple[3];

	tuple[0] = rte_be_to_cpu_32(faddr);
	tuple[1] = rte_be_to_cpu_32(laddr);
	tuple[2] = ((uint32_t)rte_be_to_cpu_16(fport) << 16) |
		   rte_be_to_cpu_16(lport);
	return rte_softrss_be(tuple, 3, (const uint8_t *)ctx->rss_key_be);
}

/**
 * tern_flow_toeplitz() of an IPv6 segment: the NIC's IPv6 TCP input
 * (source address, destination address, ports), 36 bytes. Out of line
 * (tern_owner.c): inlined next to the IPv4 one, its 9-word loop made
 * the compiler stop unrolling the IPv4 hash (callgrind).
 */
uint32_t tern_flow_toeplitz6(const struct tern_ctx *ctx,
			     const struct tern_ip6 *faddr,
			     const struct tern_ip6 *laddr, rte_be16_t fport,
			     rte_be16_t lport);

/** The worker owning a flow of Toeplitz hash @p hash (0: one worker). */
static inline uint16_t
tern_flow_owner(const struct tern_if_conf *ifc, uint32_t hash)
{
	if (ifc->reta_size == 0)
		return 0;
	return ifc->reta[hash % ifc->reta_size];
}

#endif /* TERN_OWNER_H */
