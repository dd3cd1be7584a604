/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_SEQ_H
#define TCP_SEQ_H

/**
 * @file
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4), as FreeBSD's
 * tcp_seq.h does with macros: a < b when the signed distance from a to
 * b is positive. Valid while the two are less than 2^31 apart.
 */

#include <stdbool.h>
#include <stdint.h>

static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/** lo <= x < hi, modulo 2^32. */
static inline bool
seq_in_range(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x - lo < hi - lo;
}

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t
seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif /* TCP_SEQ_H */
