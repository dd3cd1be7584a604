/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack layer: wires one lcore's net and TCP together. It is the only
 * library that knows both, so it owns what crosses them: the order of
 * initialisation, the hand-over of received TCP segments and of the ICMP
 * errors about ours from lib/net to lib/tcp, the merged deadline, and
 * the secrets (lib/tcp reads no random source).
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <rte_common.h>
#include <rte_random.h>
#include <rte_thash.h>

#include "tern_stack.h"
#include "tern_splitmix.h"
#include "tern_net.h"
#include "tern_tcp.h"
#include "tern_stack_stats.h"
#include "tern_steer.h"

/* Counter names for lib/core's rate-limited drop log: core cannot call
 * up into the layer that knows them. */
static const char *
stack_stat_name(unsigned int id)
{
	return tern_stat_name((tern_stat_t)id);
}

/* 0: production, everything random -- a full 128-bit ISN key (RFC 6528)
 * from the kernel, rte_rand() if that fails; else reproducible from the
 * seed (tests). */
static void
stack_draw_secrets(uint64_t seed, struct tern_tcp_secret *s,
		   uint32_t *hash_seed)
{
	uint64_t x = seed;

	if (seed == 0) {
		if (getrandom(s, sizeof(*s), 0) != (ssize_t)sizeof(*s)) {
			s->isn_k0 = rte_rand();
			s->isn_k1 = rte_rand();
			s->port_seed = rte_rand();
		}
		*hash_seed = (uint32_t)rte_rand();
		return;
	}
	*hash_seed = (uint32_t)(seed ^ (seed >> 32));
	s->isn_k0 = tern_splitmix64(&x);
	s->isn_k1 = tern_splitmix64(&x);
	s->port_seed = x;
}

int
tern_stack_init(struct tern_ctx *ctx, const struct tern_stack_conf *conf)
{
	struct tern_tcp_secret secret;
	int rc;

	if (conf->pool == NULL || conf->tx_flush == NULL)
		return -EINVAL;
	memset(ctx, 0, sizeof(*ctx));
	tern_ctx_set_now(ctx, conf->now_ns);
	tern_ctx_set_pool(ctx, conf->pool);
	ctx->mcache_lcore = LCORE_ID_ANY; /* and mcache NULL: its cache */
	ctx->tx_flush = conf->tx_flush;
	ctx->tx_flush_arg = conf->tx_flush_arg;
	ctx->ifc = conf->ifc;
	ctx->lcore_id = conf->lcore_id;
	ctx->port_id = conf->port_id;
	ctx->queue_id = conf->queue_id;
	ctx->worker_id = conf->worker_id;
	ctx->steer = conf->steer;
	ctx->stat_name = stack_stat_name;
	stack_draw_secrets(conf->secret_seed, &secret, &ctx->hash_seed);
	rte_convert_rss_key((const uint32_t *)ctx->ifc.rss_key,
			    ctx->rss_key_be, sizeof(ctx->ifc.rss_key));

	rc = tern_net_init(ctx);
	if (rc != 0)
		return rc;
	rc = tern_tcp_init(ctx, &conf->tcp, &secret);
	if (rc != 0) {
		tern_net_fini(ctx);
		return rc;
	}
	return 0;
}

void
tern_stack_fini(struct tern_ctx *ctx)
{
	tern_rx_free_flush(ctx);
	tern_tcp_fini(ctx);
	tern_net_fini(ctx);
	if (ctx->tx.count > 0)
		ctx->tx_flush(ctx);
}

/* Inlined in its three callers, as it was before IPv6 made it longer. */
static __rte_always_inline void
stack_input_frames(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *segs[TERN_RX_BURST];
	struct tern_icmp_errs errs;

	while (n > 0) {
		uint16_t chunk = RTE_MIN(n, (uint16_t)TERN_RX_BURST);
		uint16_t n6;
		uint16_t nsegs = tern_net_input_burst(ctx, pkts, chunk, segs,
						      &n6, &errs);

		/* After ARP and ICMP of the same chunk (lib/net/tern_eth.c);
		 * the IPv6 segments come last. */
		if (nsegs > n6)
			tern_tcp_input_burst(ctx, segs, (uint16_t)(nsegs - n6));
		if (unlikely(n6 > 0))
			tern_tcp_input_burst6(ctx, segs + nsegs - n6, n6);
		/* ICMP errors about our TCP segments (RFC 5927, 1191). */
		if (errs.n > 0)
			tern_tcp_icmp_input(ctx, errs.e, errs.n);
		pkts += chunk;
		n = (uint16_t)(n - chunk);
	}
}

void
tern_stack_input(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	tern_stat_add(&ctx->stats, TERN_STAT_RX_PKTS, n);
	stack_input_frames(ctx, pkts, n);
	tern_tcp_output(ctx);
	tern_rx_free_flush(ctx);
}

/*
 * With several workers: what the port gave this one is first sorted by
 * owner (the others' frames leave on the steering rings at once); then
 * what the other workers handed over goes in, before this worker's own
 * frames, since it was received earlier (a port that spreads one flow
 * over queues then reorders it less); one ring burst per step, so that
 * a worker flooded by its peers still gets to its own queue and timers.
 */
static void
stack_input_steered(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *in[TERN_RX_BURST];
	uint16_t kept = 0, k;

	tern_stat_add(&ctx->stats, TERN_STAT_RX_PKTS, n);
	if (n > 0)
		kept = tern_steer_rx(ctx, pkts, n);
	k = tern_steer_take(ctx, in, TERN_RX_BURST);
	if (k > 0)
		stack_input_frames(ctx, in, k);
	if (kept > 0)
		stack_input_frames(ctx, pkts, kept);
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

void
tern_stack_step(struct tern_ctx *ctx, uint64_t now_ns, struct rte_mbuf **pkts,
		uint16_t n, tern_stack_app_poll_fn app_poll, void *app_arg)
{
	tern_ctx_set_now(ctx, now_ns);
	ctx->in_step = true;
	if (ctx->steer != NULL) {
		stack_input_steered(ctx, pkts, n);
	} else if (n > 0) {
		tern_stat_add(&ctx->stats, TERN_STAT_RX_PKTS, n);
		stack_input_frames(ctx, pkts, n);
	}
	/* The input's spent mbufs back to the pool before the app and the
	 * output pass allocate (a small pool must not run dry on them). */
	tern_rx_free_flush(ctx);
	if (app_poll != NULL)
		app_poll(ctx, app_arg);
	/* Timers, then the one TCP output pass of the step: what the input
	 * owes and what the app wrote leave together (an answer and the
	 * ACK of its request in one segment, each connection served once). */
	tern_stack_poll(ctx);
	tern_rx_free_flush(ctx);
	ctx->in_step = false;
	/* The only flush of the loop iteration (one output discipline). */
	if (ctx->tx.count > 0)
		ctx->tx_flush(ctx);
}
