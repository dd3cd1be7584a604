/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <inttypes.h>

#include "tern_stack_stats.h"

_Static_assert(TERN_STAT_MAX <= TERN_STATS_CAPACITY,
	       "raise TERN_STATS_CAPACITY in lib/core/tern_stats.h");

static const char *const stat_names[TERN_STAT_MAX] = {
#define TERN_STAT(id, name, help) [TERN_STAT_##id] = name,
#include "core_stats.def"
#include "net_stats.def"
#include "tcp_stats.def"
#undef TERN_STAT
};

static const char *const stat_helps[TERN_STAT_MAX] = {
#define TERN_STAT(id, name, help) [TERN_STAT_##id] = help,
#include "core_stats.def"
#include "net_stats.def"
#include "tcp_stats.def"
#undef TERN_STAT
};

const char *
tern_stat_name(tern_stat_t id)
{
	return id < TERN_STAT_MAX ? stat_names[id] : "?";
}

const char *
tern_stat_help(tern_stat_t id)
{
	return id < TERN_STAT_MAX ? stat_helps[id] : "?";
}

tern_stat_t
tern_stat_by_name(const char *name)
{
	for (unsigned int i = 0; i < TERN_STAT_MAX; i++)
		if (strcmp(stat_names[i], name) == 0)
			return (tern_stat_t)i;
	return TERN_STAT_MAX;
}

void
tern_stats_add(struct tern_stats *dst, const struct tern_stats *src)
{
	for (unsigned int i = 0; i < TERN_STAT_MAX; i++)
		dst->c[i] += src->c[i];
}

void
tern_stats_print(FILE *f, const struct tern_stats *s)
{
	for (unsigned int i = 0; i < TERN_STAT_MAX; i++)
		if (s->c[i] != 0)
			fprintf(f, "  %-22s %" PRIu64 "\n", stat_names[i],
				s->c[i]);
}
