/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_NET_STATS_H
#define TERN_NET_STATS_H

/**
 * @file
 * The counters of lib/net (net_stats.def), numbered after the core's
 * (lib/core/tern_stats.h explains the layering).
 */

#include "tern_stats.h"

enum {
	TERN_STAT_NET_BASE_ = TERN_STAT_CORE_END - 1,
#define TERN_STAT(id, name, help) TERN_STAT_##id,
#include "net_stats.def"
#undef TERN_STAT
	TERN_STAT_NET_END   /**< the first counter of lib/tcp */
};

#endif /* TERN_NET_STATS_H */
