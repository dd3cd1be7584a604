/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection ([fault] section): frames dropped on purpose, on the
 * way in (rx_drop_ppm: an ethdev RX callback on each worker's queue drops
 * that fraction of what rte_eth_rx_burst() returns, before the stack sees
 * it) and on the way out (tx_drop_ppm: rt_tx_flush() drops that fraction
 * of the batch before rte_eth_tx_burst()). It gives a lossless wire
 * (net_tap in the interop tests) the losses the stack must recover from:
 * fast retransmit, SACK recovery, RTO, out-of-order reassembly. Each
 * worker draws from its own seeded PRNG, so a run is repeatable as far as
 * the frame sequence on each queue is.
 *
 * Output drops are not an ethdev TX callback: a callback that frees
 * frames breaks the caller's accounting when the PMD then takes only
 * part of the burst (the caller would free the dropped frames again).
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "rt_priv.h"
#include "tern_splitmix.h"


/* True with probability ppm / 10^6: 32 random bits scaled to
 * [0, 10^6) by a multiply and a shift (no division, no modulo bias
 * beyond 2^-12). */
static inline bool
fault_should_drop(struct rt_worker *w, uint32_t ppm)
{
	uint32_t r = (uint32_t)(tern_splitmix64(&w->fault_rng) >> 32);

	return (uint32_t)(((uint64_t)r * TERN_FAULT_PPM_MAX) >> 32) < ppm;
}

/* Runs inside rte_eth_rx_burst() on the worker's own lcore. */
static uint16_t
fault_rx_callback(uint16_t port_id, uint16_t queue_id,
		  struct rte_mbuf *pkts[], uint16_t nb_pkts,
		  uint16_t max_pkts, void *arg)
{
	struct rt_worker *w = arg;
	uint32_t ppm = w->rt->cfg.fault_rx_drop_ppm;
	uint16_t kept = 0;

	RTE_SET_USED(port_id);
	RTE_SET_USED(queue_id);
	RTE_SET_USED(max_pkts);
	for (uint16_t i = 0; i < nb_pkts; i++) {
		if (fault_should_drop(w, ppm))
			tern_drop(&w->ctx, pkts[i], TERN_STAT_FAULT_RX_DROPS);
		else
			pkts[kept++] = pkts[i];
	}
	return kept;
}

void
rt_fault_tx(struct rt_worker *w, struct tern_tx_batch *b)
{
	uint32_t ppm = w->rt->cfg.fault_tx_drop_ppm;
	uint16_t kept = 0;

	for (uint16_t i = 0; i < b->count; i++) {
		if (fault_should_drop(w, ppm))
			tern_drop(&w->ctx, b->pkts[i],
				  TERN_STAT_FAULT_TX_DROPS);
		else
			b->pkts[kept++] = b->pkts[i];
	}
	b->count = kept;
}

int
rt_fault_install(struct tern_rt *rt)
{
	const struct tern_config *cfg = &rt->cfg;

	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		struct rt_worker *w = rt->workers[i];

		w->fault_rng = (uint64_t)cfg->fault_seed + w->queue_id;
		if (cfg->fault_rx_drop_ppm == 0)
			continue;
		w->fault_cb = rte_eth_add_rx_callback(rt->port.id, w->queue_id,
						      fault_rx_callback, w);
		if (w->fault_cb == NULL) {
			RT_LOG(rt, ERR, "port %s queue %u: no RX callback for "
			       "[fault] rx_drop_ppm: %s", rt->port.name,
			       w->queue_id, rte_strerror(rte_errno));
			return rte_errno != 0 ? -rte_errno : -ENOTSUP;
		}
	}
	if (cfg->fault_rx_drop_ppm != 0 || cfg->fault_tx_drop_ppm != 0)
		RT_LOG(rt, WARNING, "fault injection: dropping %u ppm of the "
		       "frames received and %u ppm of those sent, on each "
		       "queue (seed %u)", cfg->fault_rx_drop_ppm,
		       cfg->fault_tx_drop_ppm, cfg->fault_seed);
	return 0;
}

void
rt_fault_remove(struct tern_rt *rt)
{
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		struct rt_worker *w = rt->workers[i];

		if (w->fault_cb == NULL)
			continue;
		/* Removal unlinks; the memory is ours to free once no
		 * rx_burst can be running the callback (port stopped). */
		if (rte_eth_remove_rx_callback(rt->port.id, w->queue_id,
					       w->fault_cb) == 0)
			rte_free((void *)(uintptr_t)w->fault_cb);
		w->fault_cb = NULL;
	}
}
