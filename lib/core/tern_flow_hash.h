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

#include <assert.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "tern_ctable.h"

#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
#include <nmmintrin.h>

/*
 * CRC32-C steps as rte_hash_crc_8byte() and rte_hash_crc_4byte() take
 * them, the same values. Those pick the instruction at run time (a load
 * and a test of their choice per hash); a build for a CPU with SSE4.2
 * (DPDK's x86 baseline) knows it is there.
 */
static inline uint32_t
tern_crc32c_8byte(uint64_t data, uint32_t init)
{
	return (uint32_t)_mm_crc32_u64(init, data);
}

static inline uint32_t
tern_crc32c_4byte(uint32_t data, uint32_t init)
{
	return _mm_crc32_u32(init, data);
}
#else
static inline uint32_t
tern_crc32c_8byte(uint64_t data, uint32_t init)
{
	return rte_hash_crc_8byte(data, init);
}

static inline uint32_t
tern_crc32c_4byte(uint32_t data, uint32_t init)
{
	return rte_hash_crc_4byte(data, init);
}
#endif

static_assert(sizeof(struct tern_flow_key) == 12,
	      "tern_flow_hash_sw_inline() hashes the key as 8 + 4 bytes");

/** What tern_flow_hash_sw() returns; it is this: rte_hash_crc() of
 *  the key's 12 bytes. */
static inline uint32_t
tern_flow_hash_sw_inline(const struct tern_flow_key *k, uint32_t seed)
{
	uint64_t addrs;
	uint32_t ports;

	memcpy(&addrs, k, sizeof(addrs));
	memcpy(&ports, (const uint8_t *)k + sizeof(addrs), sizeof(ports));
	return tern_crc32c_4byte(ports, tern_crc32c_8byte(addrs, seed));
}

#endif /* TERN_FLOW_HASH_H */
