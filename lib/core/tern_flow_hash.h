/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_FLOW_HASH_H
#define TERN_FLOW_HASH_H

/**
 * @file
 * tern_flow_hash_sw() inline, for the input path, which hashes every
 * segment a NIC gave no RSS hash for (the call cost more than the two
 * CRC steps). A header of its own: rte_hash_crc.h brings a constructor
 * and the CPU-flag query with it, which tern_ctable.h's DPDK-free users
 * (unit tests built without the EAL) must not.
 */

#include <rte_hash_crc.h>

#include "tern_ctable.h"

/** What tern_flow_hash_sw() returns; it is this. */
static inline uint32_t
tern_flow_hash_sw_inline(const struct tern_flow_key *k, uint32_t seed)
{
	return rte_hash_crc(k, sizeof(*k), seed);
}

#endif /* TERN_FLOW_HASH_H */
