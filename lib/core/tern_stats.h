/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STATS_H
#define TERN_STATS_H

/**
 * @file
 * Per-lcore counters, declared once in the *.def file of each component.
 * The numbering is layered like the libraries: the core's counters
 * (core_stats.def) come first, and each layer above continues from the
 * end of the one below in its own header (lib/net/tern_net_stats.h,
 * lib/tcp/tern_tcp_stats.h), so that the core never names a counter of a
 * layer above it. Each lcore owns its struct tern_stats; the stack layer
 * (lib/stack/tern_stack_stats.h) names the counters and sums lcores.
 */

#include <stdint.h>

/** A counter's index into struct tern_stats (TERN_STAT_*). */
typedef unsigned int tern_stat_t;

enum {
#define TERN_STAT(id, name, help) TERN_STAT_##id,
#include "core_stats.def"
#undef TERN_STAT
	TERN_STAT_CORE_END  /**< the first counter of lib/net */
};

/** Room for the counters of every layer; lib/stack checks they fit. */
#define TERN_STATS_CAPACITY 192

struct tern_stats {
	uint64_t c[TERN_STATS_CAPACITY];
};

static inline void
tern_stat_inc(struct tern_stats *s, tern_stat_t id)
{
	s->c[id]++;
}

static inline void
tern_stat_add(struct tern_stats *s, tern_stat_t id, uint64_t n)
{
	s->c[id] += n;
}

#endif /* TERN_STATS_H */
