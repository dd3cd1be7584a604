/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_CLOCK_H
#define TERN_CLOCK_H

/**
 * @file
 * The one clock of tern: the TSC converted to monotonic nanoseconds.
 *
 * Nothing else in lib/ reads a clock (the lint suite enforces it). The
 * runtime reads this clock once per loop iteration into ctx->now_ns and
 * the protocol code only ever sees that value, which is what lets the
 * simulator drive the same code with a virtual clock.
 *
 * The conversion is a 32.32 fixed-point multiply instead of a division
 * per read: the loop reads the clock on every iteration.
 */

#include <errno.h>
#include <stdint.h>

#include <rte_cycles.h>

/** Fraction bits of tern_clock.ns_per_cycle_fp. */
#define TERN_CLOCK_FP_SHIFT 32
#define TERN_NS_PER_S UINT64_C(1000000000)

struct tern_clock {
	uint64_t tsc_hz;            /**< TSC frequency */
	uint64_t ns_per_cycle_fp;   /**< ns per cycle, 32.32 fixed point */
};

/**
 * Calibrate @p clk from EAL's TSC frequency (call after rte_eal_init).
 * @return 0; -ENOTSUP when EAL knows no TSC frequency.
 */
static inline int
tern_clock_init(struct tern_clock *clk)
{
	uint64_t hz = rte_get_tsc_hz();

	if (hz == 0)
		return -ENOTSUP;
	clk->tsc_hz = hz;
	/* 1e9 << 32 is below 2^63, so this cannot overflow. */
	clk->ns_per_cycle_fp = (TERN_NS_PER_S << TERN_CLOCK_FP_SHIFT) / hz;
	return 0;
}

/** Convert a TSC value to nanoseconds. */
static inline uint64_t
tern_clock_cycles_to_ns(const struct tern_clock *clk, uint64_t cycles)
{
	/* 128-bit product: cycles * 2^32-scaled factor overflows 64 bits
	 * after a few seconds of uptime. */
	unsigned __int128 ns_fp = (unsigned __int128)cycles *
				  clk->ns_per_cycle_fp;

	return (uint64_t)(ns_fp >> TERN_CLOCK_FP_SHIFT);
}

/** Monotonic time in nanoseconds (the TSC is invariant on our targets). */
static inline uint64_t
tern_clock_now_ns(const struct tern_clock *clk)
{
	return tern_clock_cycles_to_ns(clk, rte_get_tsc_cycles());
}

#endif /* TERN_CLOCK_H */
