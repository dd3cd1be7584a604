/* SPDX-License-Identifier: BSD-3-Clause */
/* Temporary placeholder so that the tree links while lib/tcp is written. */
#include <errno.h>
#include "tern_ctx.h"
#include "tern_tcp.h"

void
tern_tcp_conf_defaults(struct tern_tcp_conf *conf)
{
	*conf = (struct tern_tcp_conf){ .max_conns = 65536 };
}

int
tern_tcp_init(struct tern_ctx *ctx, const struct tern_tcp_conf *conf,
	      uint64_t secret_seed)
{
	return 0;
}

void
tern_tcp_fini(struct tern_ctx *ctx)
{
}

void
tern_tcp_input_burst(struct tern_ctx *ctx, struct rte_mbuf **segs,
		     uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		tern_drop(ctx, segs[i], TERN_STAT_TCP_DROP_NO_CONN);
}

void
tern_tcp_poll(struct tern_ctx *ctx)
{
}

uint64_t
tern_tcp_next_deadline_ns(const struct tern_ctx *ctx)
{
	return UINT64_MAX;
}
