/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_TCP_STATS_H
#define TERN_TCP_STATS_H

/**
 * @file
 * The counters of lib/tcp (tcp_stats.def), numbered after lib/net's
 * (lib/core/tern_stats.h explains the layering). TCP is the top layer
 * with counters, so its end is the number of counters of the stack.
 */

#include "tern_net_stats.h"

enum {
	TERN_STAT_TCP_BASE_ = TERN_STAT_NET_END - 1,
#define TERN_STAT(id, name, help) TERN_STAT_##id,
#include "tcp_stats.def"
#undef TERN_STAT
	TERN_STAT_MAX       /**< number of counters, all layers */
};

#endif /* TERN_TCP_STATS_H */
