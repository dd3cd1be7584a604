/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef BENCH_FLOOD_H
#define BENCH_FLOOD_H

/**
 * @file
 * Forged TCP segments for tern-inproc's --flood (docs/reliability.md):
 * a flooder that shares the client's port and sends, next to the
 * legitimate load, segments nobody asked for.
 *   syn  SYNs from random off-link sources (198.19.0.0/16) and ports to
 *        the server's ports: the listener's backlog fills, SYN cookies
 *        answer the rest
 *   ack  ACKs with the legitimate client's address, ports from its
 *        ephemeral range, random sequence and acknowledgement numbers
 *   rst  the same with RST: RFC 5961 must accept none of them
 * Checksums are always computed in software (valid frames, so the
 * server's TCP, not its checksum check, meets them).
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

enum bench_flood_kind {
	BENCH_FLOOD_NONE,
	BENCH_FLOOD_SYN,
	BENCH_FLOOD_ACK,
	BENCH_FLOOD_RST,
};

struct bench_flood {
	enum bench_flood_kind kind;
	uint16_t burst;               /**< frames per call (<= 64) */
	struct rte_ether_addr src_mac, dst_mac;
	uint32_t dst_ip;              /**< the server, host order */
	uint32_t client_ip;           /**< ack/rst: source, host order */
	uint16_t dport, nb_dports;    /**< the server's ports */
	uint16_t sport_min, sport_max;/**< ack/rst: the client's range */
	uint64_t rng;                 /**< splitmix64 state */
	uint64_t sent;                /**< frames handed to the port */
	uint64_t refused;             /**< frames the port did not take */
};

/** "syn", "ack" or "rst". @return 0 or -EINVAL. */
int bench_flood_parse(const char *s, enum bench_flood_kind *kind);

/** The name of @p kind ("none" for BENCH_FLOOD_NONE). */
const char *bench_flood_name(enum bench_flood_kind kind);

/**
 * Build up to @p f->burst forged frames from @p mp into @p pkts.
 * @return how many (fewer when the pool is short).
 */
uint16_t bench_flood_fill(struct bench_flood *f, struct rte_mempool *mp,
			  struct rte_mbuf **pkts);

#endif /* BENCH_FLOOD_H */
