/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_random.h>
#include <rte_thash.h>

#include "tern_stack.h"
#include "tern_net.h"
#include "tern_tcp.h"

static const char *
stack_stat_name(unsigned int id)
{
	return tern_stat_name((enum tern_stat)id);
}

int
tern_stack_init(struct tern_ctx *ctx, const struct tern_stack_conf *conf)
{
	uint64_t seed = conf->secret_seed;
	int rc;

	if (conf->pool == NULL || conf->tx_flush == NULL)
		return -EINVAL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->now_ns = conf->now_ns;
	ctx->pool = conf->pool;
	ctx->tx_flush = conf->tx_flush;
	ctx->tx_flush_arg = conf->tx_flush_arg;
	ctx->ifc = conf->ifc;
	ctx->lcore_id = conf->lcore_id;
	ctx->port_id = conf->port_id;
	ctx->queue_id = conf->queue_id;
	ctx->stat_name = stack_stat_name;
	/* 0: production, everything random; else reproducible (tests). */
	ctx->hash_seed = seed != 0 ? (uint32_t)(seed ^ (seed >> 32))
				   : (uint32_t)rte_rand();
	rte_convert_rss_key((const uint32_t *)ctx->ifc.rss_key,
			    ctx->rss_key_be, sizeof(ctx->ifc.rss_key));

	tern_net_init(ctx);
	rc = tern_tcp_init(ctx, &conf->tcp, conf->secret_seed);
	if (rc != 0) {
		tern_net_fini(ctx);
		return rc;
	}
	return 0;
}

void
tern_stack_fini(struct tern_ctx *ctx)
{
	tern_tcp_fini(ctx);
	tern_net_fini(ctx);
	if (ctx->tx.count > 0)
		ctx->tx_flush(ctx);
}

void
tern_stack_input(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	tern_stat_add(&ctx->stats, TERN_STAT_RX_PKTS, n);
	tern_net_input_burst(ctx, pkts, n);
}

void
tern_stack_poll(struct tern_ctx *ctx)
{
	tern_net_poll(ctx);
	tern_tcp_poll(ctx);
}

uint64_t
tern_stack_next_deadline_ns(const struct tern_ctx *ctx)
{
	uint64_t net = tern_net_next_deadline_ns(ctx);
	uint64_t tcp = tern_tcp_next_deadline_ns(ctx);

	return net < tcp ? net : tcp;
}
