/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_STEER_H
#define TERN_STEER_H

/**
 * @file
 * Software steering between the workers of one port. A worker that
 * receives a TCP segment of a flow another worker owns (tern_owner.h)
 * hands the frame over on the single-producer/single-consumer ring of
 * that pair: burst enqueue, bounded, a full ring drops and counts
 * (SteerRingFull), nothing blocks and nothing is locked. Received ARP
 * frames for us are copied to every other worker, which learns from
 * them (tern_arp_learn_frame()). tern_stack_step() does all of it when
 * the context has a steering group (ctx->steer).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "tern_ctx.h"

/** Workers of one port a steering group can join. */
#define TERN_STEER_WORKERS_MAX 32
/** Default frames one ring between two workers holds. */
#define TERN_STEER_RING_DEFAULT 1024

struct tern_steer_conf {
	uint16_t nb_workers;    /**< 2 .. TERN_STEER_WORKERS_MAX */
	unsigned int ring_size; /**< power of two; 0: the default */
	int socket_id;          /**< NUMA node of the rings (or ANY) */
	/** The port's mbuf hash.rss (RTE_MBUF_F_RX_RSS_HASH) is the
	 *  Toeplitz hash with ifc.rss_key: use it rather than hash again. */
	bool port_hash;
};

/**
 * Make the rings of @p conf->nb_workers workers (one per ordered pair).
 * @return 0, -EINVAL (bad conf) or -ENOMEM.
 */
int tern_steer_create(const struct tern_steer_conf *conf,
		      struct tern_steer **out);

/**
 * Free the group and every frame still on its rings. Only once no
 * worker uses it any more (after tern_stack_fini of all of them).
 */
void tern_steer_free(struct tern_steer *st);

/**
 * Keep the frames of @p pkts this worker owns (compacted at the front,
 * order kept) and hand the others to their owners; ARP for us is also
 * copied to every other worker. @return how many are kept.
 */
uint16_t tern_steer_rx(struct tern_ctx *ctx, struct rte_mbuf **pkts,
		       uint16_t n);

/**
 * Take up to @p max frames the other workers handed to this one; ARP
 * copies among them are learned from and freed here. @return the number
 * of frames in @p pkts for input.
 */
uint16_t tern_steer_take(struct tern_ctx *ctx, struct rte_mbuf **pkts,
			 uint16_t max);

/** Frames waiting on the rings towards worker @p to (all senders). */
unsigned int tern_steer_pending(const struct tern_steer *st, uint16_t to);

#endif /* TERN_STEER_H */
