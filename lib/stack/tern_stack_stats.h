/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STACK_STATS_H
#define TERN_STACK_STATS_H

/**
 * @file
 * The counters of every layer by name: the stack is the layer that
 * knows them all (core_stats.def, net_stats.def, tcp_stats.def).
 */

#include <stdio.h>

#include "tern_stats.h"
#include "tern_net_stats.h"
#include "tern_tcp_stats.h"

/** Name of counter @p id ("InSegs", ...). */
const char *tern_stat_name(tern_stat_t id);

/** One-line description of counter @p id. */
const char *tern_stat_help(tern_stat_t id);

/** Look a counter up by name; returns TERN_STAT_MAX when unknown. */
tern_stat_t tern_stat_by_name(const char *name);

/** dst += src, counter by counter (summing lcores on read). */
void tern_stats_add(struct tern_stats *dst, const struct tern_stats *src);

/** Print the non-zero counters, one "Name value" per line. */
void tern_stats_print(FILE *f, const struct tern_stats *s);

#endif /* TERN_STACK_STATS_H */
