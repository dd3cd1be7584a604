/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STATS_H
#define TERN_STATS_H

/**
 * @file
 * Per-lcore counters, declared once in the *.def files of each component
 * (core_stats.def, net_stats.def, tcp_stats.def) and generated here into
 * an enum, an array of counters and a table of names. Each lcore owns its
 * struct tern_stats; readers sum them with tern_stats_add().
 */

#include <stdint.h>
#include <stdio.h>

enum tern_stat {
#define TERN_STAT(id, name, help) TERN_STAT_##id,
#include "core_stats.def"
#include "net_stats.def"
#include "tcp_stats.def"
#undef TERN_STAT
	TERN_STAT_MAX
};

struct tern_stats {
	uint64_t c[TERN_STAT_MAX];
};

/** Name of counter @p id ("InSegs", ...). */
const char *tern_stat_name(enum tern_stat id);

/** One-line description of counter @p id. */
const char *tern_stat_help(enum tern_stat id);

/** Look a counter up by name; returns TERN_STAT_MAX when unknown. */
enum tern_stat tern_stat_by_name(const char *name);

/** dst += src, counter by counter (summing lcores on read). */
void tern_stats_add(struct tern_stats *dst, const struct tern_stats *src);

/** Print the non-zero counters, one "Name value" per line. */
void tern_stats_print(FILE *f, const struct tern_stats *s);

static inline void
tern_stat_inc(struct tern_stats *s, enum tern_stat id)
{
	s->c[id]++;
}

static inline void
tern_stat_add(struct tern_stats *s, enum tern_stat id, uint64_t n)
{
	s->c[id] += n;
}

#endif /* TERN_STATS_H */
