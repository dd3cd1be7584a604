/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: the clock module is the one place allowed to read it. */
#ifndef SAMPLE_CLOCK_H
#define SAMPLE_CLOCK_H
#include <stdint.h>
#include <rte_cycles.h>

static inline uint64_t
sample_clock_ns(uint64_t ns_per_cycle)
{
	return rte_get_tsc_cycles() * ns_per_cycle;
}
#endif
