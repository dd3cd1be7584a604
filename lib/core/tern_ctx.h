/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_CTX_H
#define TERN_CTX_H

/**
 * @file
 * The per-lcore context: everything one run-to-completion loop owns.
 *
 * The protocol code (lib/net, lib/tcp) reads time only from ctx->now_ns
 * (or its conversions next to it) and sends only by appending to ctx->tx.
 * Whoever drives the context -- the DPDK runtime (lib/runtime) or the
 * simulator (tests/sim) -- sets the time once per loop iteration with
 * tern_ctx_set_now() and supplies tx_flush, which empties
 * the batch into a port or onto a simulated wire. That is the seam that
 * keeps the core pure and deterministic under test. Randomness comes the
 * same way: lib/stack draws the secrets (or derives them from a test's
 * seed) and hands them down; nothing below it reads a clock or a random
 * source (docs/architecture.md, "Layers").
 */

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>
#include <rte_version.h>

#include "tern_ip6.h"
#include "tern_stats.h"
#include "tern_log.h"

/*
 * Frames one pass of the stack may queue before the driver flushes. The
 * protocol code never flushes (only the driver does, between steps), so
 * the batch holds what one RX burst and the output pass after it make:
 * the TCP output layer stops filling it with data TCP_TX_RESERVE short
 * of full (the rest waits on its work list for the next pass), which
 * leaves room for the few control segments a burst of input may answer
 * at once. What still finds it full is dropped and counted (TxBatchFull).
 */
#define TERN_TX_BATCH_MAX 512
#define TERN_RETA_MAX 512
#define TERN_RX_BURST 32
/** Addresses of ours beyond tern_if_conf.ip (sources of active opens). */
#define TERN_IFC_EXTRA_MAX 15

struct tern_ctx;
/* The layers above keep their per-lcore state behind these pointers:
 * the core cannot see inside (lib/core includes no net or TCP header). */
struct tern_arp_table;
struct tern_nd_table;
struct tern_tcp;
struct tern_steer;

/** Empty ctx->tx (all of it: send, or free and count what cannot go). */
typedef void (*tern_tx_flush_fn)(struct tern_ctx *ctx);

/** The interface as this lcore sees it; filled by the driver of the ctx. */
struct tern_if_conf {
	struct rte_ether_addr mac;
	rte_be32_t ip;        /**< our IPv4 address */
	/** More addresses of ours on the same link: ARP answers for them,
	 *  IPv4 takes them, and active opens take ip and these in turn as
	 *  sources (more 4-tuples per destination, docs/tcp.md).
	 *  Listeners stay on ip. */
	rte_be32_t extra_ip[TERN_IFC_EXTRA_MAX];
	uint8_t nb_extra_ip;
	rte_be32_t netmask;   /**< e.g. 255.255.255.0 for /24 */
	rte_be32_t gateway;   /**< next hop off-link; 0 = none */
	uint16_t mtu;         /**< IP MTU (1500 by default) */
	/** Our global IPv6 address; :: leaves IPv6 off (frames of
	 *  ethertype IPv6 dropped as before). The link-local address is
	 *  derived from mac (docs/ipv6.md). */
	struct tern_ip6 ip6;
	uint8_t ip6_prefix_len; /**< on-link prefix of ip6, 1..128 */
	struct tern_ip6 gw6;  /**< default router (link-local or on-link
				   global); :: = none */
	bool tx_ip_cksum;     /**< port computes IPv4 header checksums */
	bool tx_tcp_cksum;    /**< port computes TCP checksums */
	bool tx_tso;          /**< port segments TCP (TSO): TCP builds
				   segments of many MSS; implies the IPv4
				   and TCP checksum offloads */
	bool rx_cksum;        /**< port reports RX checksum status */
	bool rx_rss_hash;     /**< mbuf hash.rss is a symmetric TCP 4-tuple
				   Toeplitz hash with rss_key */
	uint8_t rss_key[40] __rte_aligned(4); /**< the key the port hashes
						   with */
	uint16_t nb_queues;   /**< RX queues sharing the port (RSS) */
	uint16_t reta_size;   /**< entries of reta[] in use; 0: one worker */
	uint16_t reta[TERN_RETA_MAX]; /**< flow ownership (tern_owner.h): the
					   worker of Toeplitz hash %
					   reta_size; the port's redirection
					   table when it steers by rss_key */
};

/** Is @p addr one of our addresses (ip or an extra one)? */
static inline bool
tern_ifc_is_ours(const struct tern_if_conf *ifc, rte_be32_t addr)
{
	if (ifc->ip == 0)
		return false;
	if (addr == ifc->ip)
		return true;
	for (unsigned int i = 0; i < ifc->nb_extra_ip; i++)
		if (addr == ifc->extra_ip[i])
			return true;
	return false;
}

struct tern_tx_batch {
	uint16_t count;
	struct rte_mbuf *pkts[TERN_TX_BATCH_MAX];
};

/** Received mbufs freed later, with one mempool call per step
 *  (tern_rx_free()). */
#define TERN_RX_FREE_MAX 64

struct tern_rx_free {
	uint16_t count;
	struct rte_mempool *pool;    /**< of every mbuf in m[] */
	struct rte_mbuf *m[TERN_RX_FREE_MAX];
};

struct tern_ctx {
	uint64_t now_ns;             /**< monotonic, set by the driver */
	uint32_t now_ms;             /**< now_ns in ms, mod 2^32 */
	struct tern_tx_batch tx;
	struct tern_rx_free rx_free;  /**< emptied by the stack per step */
	tern_tx_flush_fn tx_flush;
	void *tx_flush_arg;          /**< for the driver of tx_flush */
	struct rte_mempool *pool;    /**< NUMA-local mbufs of this lcore */
	/** pool's cache for the lcore mcache_lcore, as
	 *  rte_mempool_default_cache() gives it (NULL: none, the pool's
	 *  ring); looked up again when the caller's lcore is another
	 *  (tern_mbuf_cache()). */
	struct rte_mempool_cache *mcache;
	unsigned int mcache_lcore;
	/** Bytes from an mbuf of pool to its first frame byte once reset
	 *  (tern_ctx_set_pool()): where tern_mbuf_prefetch_next() finds
	 *  the headers' lines without reading the mbuf. */
	uint32_t mbuf_data_at;
	struct tern_if_conf ifc;
	struct tern_stats stats;
	struct tern_arp_table *arp;  /**< allocated by tern_net_init() */
	struct tern_nd_table *nd;    /**< allocated by tern_net_init() */
	struct tern_tcp *tcp;        /**< allocated by tern_tcp_init() */
	uint32_t hash_seed;          /**< software flow-hash seed */
	uint32_t rss_key_be[10];     /**< rss_key converted for softrss */
	unsigned int lcore_id;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t worker_id;          /**< owner index in ifc.reta */
	struct tern_steer *steer;    /**< lib/stack: rings between workers;
					  NULL with one worker */
	void *app;                   /**< the application's per-lcore state */
	struct tern_log_budget log;  /**< TERN_DP_LOG rate limit */
	/** Counter names for logs, set by the stack (which gathers the
	 *  components' counters); NULL: logs give the counter's number. */
	const char *(*stat_name)(unsigned int id);
	/** Inside tern_stack_step(), before its flush: a tx_flush now is
	 *  not the driver's (tests/sim checks the output discipline). */
	bool in_step;
} __rte_cache_aligned;

/** Nanoseconds per millisecond, the unit of tern_ctx.now_ms. */
#define TERN_NS_PER_MS UINT64_C(1000000)

/**
 * Set the time of @p ctx to @p now_ns, the driver's one clock read of
 * the step, with its millisecond form: the TCP timestamp clock, RTT
 * samples and the TIME-WAIT deadlines read it per segment, so it is
 * converted here once rather than divided out at every use.
 */
static inline void
tern_ctx_set_now(struct tern_ctx *ctx, uint64_t now_ns)
{
	ctx->now_ns = now_ns;
	ctx->now_ms = (uint32_t)(now_ns / TERN_NS_PER_MS);
}

/**
 * Queue @p m for transmission. Never flushes: frames reach the wire only
 * when the driver calls tx_flush between steps. A full batch drops @p m
 * (counted as TxBatchFull).
 */
static inline void
tern_ctx_tx(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	if (unlikely(ctx->tx.count == TERN_TX_BATCH_MAX)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TX_BATCH_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	ctx->tx.pkts[ctx->tx.count++] = m;
}

/** Frames the TX batch can still take before the driver flushes it. */
static inline uint16_t
tern_ctx_tx_room(const struct tern_ctx *ctx)
{
	return (uint16_t)(TERN_TX_BATCH_MAX - ctx->tx.count);
}

/** Free @p m and count it under @p reason (logged at tern.net DEBUG). */
static inline void
tern_drop(struct tern_ctx *ctx, struct rte_mbuf *m, tern_stat_t reason)
{
	tern_stat_inc(&ctx->stats, reason);
	TERN_DP_LOG(ctx, tern_logtype_net, DEBUG,
		    "tern.net: lcore %u: drop %s #%u (%u bytes)", ctx->lcore_id,
		    ctx->stat_name != NULL ? ctx->stat_name(reason) : "counter",
		    (unsigned int)reason,
		    m != NULL ? rte_pktmbuf_pkt_len(m) : 0);
	rte_pktmbuf_free(m);
}

/* Return the mbufs @p f held to their pool. */
static inline void
tern_free_batch_put(struct tern_rx_free *f)
{
	if (f->count == 0)
		return;
	rte_mempool_put_bulk(f->pool, (void **)f->m, f->count);
	f->count = 0;
}

/** Return the mbufs tern_rx_free() held to their pools. */
static inline void
tern_rx_free_flush(struct tern_ctx *ctx)
{
	tern_free_batch_put(&ctx->rx_free);
}

/**
 * Free @p m, a received segment the stack is done with: a plain mbuf
 * (direct, one segment, its only reference) waits, with others of its
 * pool, for one rte_mempool_put_bulk() (tern_rx_free_flush(), called by
 * the stack once a step's input is done and again at its end), cheaper
 * than a free each; a plain one still referenced elsewhere loses our
 * reference; any other mbuf is freed at once.
 */
static inline void
tern_rx_free(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	struct tern_rx_free *f = &ctx->rx_free;

	if (unlikely(!RTE_MBUF_DIRECT(m) || m->next != NULL ||
		     m->nb_segs != 1)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(rte_mbuf_refcnt_read(m) != 1)) {
		/* Its sender holds it too (lib/tcp's zero-copy send over a
		 * software wire): our reference goes, and whoever lets go
		 * last frees it (rte_pktmbuf_prefree_seg()'s way). */
		if (rte_mbuf_refcnt_update(m, -1) != 0)
			return;
		rte_mbuf_refcnt_set(m, 1);
	}
	if (unlikely(m->pool != f->pool || f->count == TERN_RX_FREE_MAX)) {
		tern_free_batch_put(f);
		f->pool = m->pool;
	}
	f->m[f->count++] = m;
}

/* tern_mbuf_take_cached(), tern_mbuf_put_seg() and tern_mbuf_get_kept()
 * use struct rte_mempool_cache as DPDK 22.11 lays it out and flushes it
 * (objs[], len, flushthresh); a newer DPDK must be checked first. */
static_assert(RTE_VERSION < RTE_VERSION_NUM(23, 3, 0, 0),
	      "check the mempool cache helpers against this DPDK");

/**
 * The cache of ctx->pool for the calling thread's lcore. Resolved once
 * and kept: rte_mempool_default_cache() per mbuf costs a dozen
 * instructions. A context may run on another lcore than the one that
 * resolved it (or on a thread of none, which gets NULL: the pool's ring,
 * safe from any thread), so the lcore id is compared each time; a cache
 * is only ever used from its own lcore.
 */
static inline struct rte_mempool_cache *
tern_mbuf_cache(struct tern_ctx *ctx)
{
	unsigned int lcore = rte_lcore_id();

	if (unlikely(lcore != ctx->mcache_lcore)) {
		ctx->mcache = rte_mempool_default_cache(ctx->pool, lcore);
		ctx->mcache_lcore = lcore;
	}
	return ctx->mcache;
}

/**
 * Use @p pool for @p ctx's mbufs. Its mbufs' layout is fixed by the pool
 * (rte_pktmbuf_init()): the buffer follows the mbuf and its private
 * area, the data the headroom. The lcore's cache is looked up again
 * (tern_mbuf_cache()): one of another pool must not take these mbufs.
 */
static inline void
tern_ctx_set_pool(struct tern_ctx *ctx, struct rte_mempool *pool)
{
	ctx->pool = pool;
	ctx->mcache = NULL;
	ctx->mcache_lcore = LCORE_ID_ANY;
	ctx->mbuf_data_at = (uint32_t)(sizeof(struct rte_mbuf) +
				       rte_pktmbuf_priv_size(pool) +
				       RTE_PKTMBUF_HEADROOM);
}

/*
 * Prefetch what a coming allocation writes in @p m, an mbuf near the
 * top of the cache (tern_mbuf_pop() says which): its two lines (the
 * reset), the first two of its data (a template segment's headers; a
 * send queue's bytes), and, when the allocation now under way is for a
 * frame of @p bytes, the data lines such a frame fills, six in all at
 * most (384 bytes): the frames that follow in a keep-alive exchange, in
 * a bulk flow, are likely as long (a longer one's copy streams, and the
 * CPU's own prefetcher follows it). @p bytes is 0 where the length is
 * not known.
 * An mbuf that was sent comes back to this cache cold, by a refill from
 * the pool's ring: freed on another core (the other end of a software
 * wire) and, in a large pool, long out of every cache. Fetched a few
 * allocations ahead, its misses overlap the work of the segments before
 * it (timed side by side in docs/benchmarks.md; callgrind, which sees no
 * cache, counts only its few instructions). rte_prefetch0_write() is
 * PREFETCHW where the build's -march has it, PREFETCHT0 otherwise
 * (DPDK's corei7): both measured the same.
 */
static __rte_always_inline void
tern_mbuf_prefetch_next(const struct tern_ctx *ctx, const struct rte_mbuf *m,
			uint32_t bytes)
{
	const char *p = (const char *)m;
	const char *data = p + ctx->mbuf_data_at;

	rte_prefetch0_write(p);
	rte_prefetch0_write(p + RTE_CACHE_LINE_SIZE);
	rte_prefetch0_write(data);
	rte_prefetch0_write(data + RTE_CACHE_LINE_SIZE);
	/* Nested: a frame of two lines or less costs one compare. */
	if (bytes > 2 * RTE_CACHE_LINE_SIZE) {
		rte_prefetch0_write(data + 2 * RTE_CACHE_LINE_SIZE);
		if (bytes > 3 * RTE_CACHE_LINE_SIZE) {
			rte_prefetch0_write(data + 3 * RTE_CACHE_LINE_SIZE);
			if (bytes > 4 * RTE_CACHE_LINE_SIZE) {
				rte_prefetch0_write(data +
						    4 * RTE_CACHE_LINE_SIZE);
				if (bytes > 5 * RTE_CACHE_LINE_SIZE)
					rte_prefetch0_write(data + 5 *
							RTE_CACHE_LINE_SIZE);
			}
		}
	}
}

/*
 * How far down the cache tern_mbuf_pop() prefetches: the mbuf that the
 * third allocation from now takes. One allocation ahead left most of a
 * cold mbuf's misses in the next emit (a segment's work is a few hundred
 * cycles; a line last held by the other core of a software wire takes
 * as long, or far longer when the host places the vCPUs apart). Three
 * ahead cut the cycles per frame by 2-8 % on both sides of tern-inproc's
 * rps and cps (interleaved, docs/benchmarks.md); five ahead timed the
 * same as three. An mbuf freed on top between pops (an acknowledged send
 * queue's, hot) takes the top, and the others stay where they are, one
 * allocation further away: nothing is lost but a prefetch repeated.
 */
#define TERN_MBUF_PREFETCH_DEPTH 3

/* The cache's top mbuf, taken off it (it holds one at least), the one
 * TERN_MBUF_PREFETCH_DEPTH allocations ahead (or, near the cache's
 * bottom, the next) prefetched for a frame of @p bytes
 * (tern_mbuf_prefetch_next()). */
static __rte_always_inline struct rte_mbuf *
tern_mbuf_pop(const struct tern_ctx *ctx, struct rte_mempool_cache *cache,
	      uint32_t bytes)
{
	struct rte_mbuf *m = cache->objs[--cache->len];

	/* The usual case costs the one compare the next's prefetch did. */
	if (likely(cache->len >= TERN_MBUF_PREFETCH_DEPTH))
		tern_mbuf_prefetch_next(ctx, cache->objs[cache->len -
						TERN_MBUF_PREFETCH_DEPTH], bytes);
	else if (cache->len != 0)
		tern_mbuf_prefetch_next(ctx, cache->objs[cache->len - 1],
					bytes);
	return m;
}

/*
 * tern_mbuf_get() from an empty cache (rte_mempool_generic_get() refills
 * it, and its top TERN_MBUF_PREFETCH_DEPTH are prefetched) or from the
 * ring without one, or NULL. Out of line: inline, its calls made every
 * caller of the usual get save registers it does not need.
 */
static __rte_noinline __rte_unused struct rte_mbuf *
tern_mbuf_get_refill(struct tern_ctx *ctx, struct rte_mempool_cache *cache,
		     uint32_t bytes)
{
	struct rte_mbuf *m;

	if (rte_mempool_generic_get(ctx->pool, (void **)&m, 1, cache) != 0)
		return NULL;
	/* The new top three, cold from the ring, which the next pops'
	 * prefetch (three ahead) will not reach. Once per cache's worth
	 * of allocations. */
	for (unsigned int i = 1; cache != NULL && i <= cache->len &&
	     i <= TERN_MBUF_PREFETCH_DEPTH; i++)
		tern_mbuf_prefetch_next(ctx, cache->objs[cache->len - i],
					bytes);
	return m;
}

/*
 * An mbuf from the top of this lcore's cache, as it lies there (next
 * NULL and nb_segs 1, rte_mbuf_raw_alloc()'s contract, kept by every
 * free), or NULL when the cache is empty or there is none: what
 * rte_mempool_generic_get() does for one object, whose loops are not
 * folded away for n == 1.
 */
static __rte_always_inline struct rte_mbuf *
tern_mbuf_take_cached(struct tern_ctx *ctx)
{
	struct rte_mempool_cache *cache = tern_mbuf_cache(ctx);

	if (likely(cache != NULL && cache->len != 0))
		return tern_mbuf_pop(ctx, cache, 0);
	return NULL;
}

/**
 * An mbuf from this lcore's pool for a frame of @p bytes (0: not known),
 * reset as rte_pktmbuf_alloc() resets it, or NULL (not counted: see
 * tern_mbuf_alloc()). The mbuf TERN_MBUF_PREFETCH_DEPTH allocations
 * ahead is prefetched for a frame as long (tern_mbuf_pop()). Always
 * inline: the send path's two allocations per segment take it.
 */
static __rte_always_inline struct rte_mbuf *
tern_mbuf_get_for(struct tern_ctx *ctx, uint32_t bytes)
{
	struct rte_mempool_cache *cache = tern_mbuf_cache(ctx);
	struct rte_mbuf *m;

	/* tern_mbuf_take_cached()'s test, with the refill on its other
	 * way: an mbuf taken from the cache is not tested for NULL. */
	if (likely(cache != NULL && cache->len != 0))
		m = tern_mbuf_pop(ctx, cache, bytes);
	else if ((m = tern_mbuf_get_refill(ctx, cache, bytes)) == NULL)
		return NULL;
	/* rte_pktmbuf_reset(), less next and nb_segs (see above). */
	m->pkt_len = 0;
	m->data_len = 0;
	m->tx_offload = 0;
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
	m->port = RTE_MBUF_PORT_INVALID;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;
	m->packet_type = 0;
	rte_pktmbuf_reset_headroom(m);
	return m;
}

/** tern_mbuf_get_for() a frame of a length not known. */
static __rte_always_inline struct rte_mbuf *
tern_mbuf_get(struct tern_ctx *ctx)
{
	return tern_mbuf_get_for(ctx, 0);
}

/**
 * Free @p m, one segment of a chain freed whole (the caller took its
 * next link), as rte_pktmbuf_free_seg() frees it. A plain mbuf of this
 * lcore's pool (direct, its only reference) goes on top of the pool's
 * cache for this lcore, where tern_mbuf_get() takes the next one while
 * it is still in the CPU's cache -- the cache rte_pktmbuf_free_seg()
 * would put it in, without its pool's cache lookup per mbuf; any other
 * mbuf, or one that would fill the cache to its flush threshold, goes
 * through rte_pktmbuf_free_seg(). Always inline: the ACK of every
 * response or request frees its send queue through it.
 */
static __rte_always_inline void
tern_mbuf_put_seg(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	struct rte_mempool_cache *cache;

	__rte_mbuf_sanity_check(m, 0);  /* RTE_LIBRTE_MBUF_DEBUG builds */
#ifndef RTE_LIBRTE_MEMPOOL_DEBUG  /* else the pool's cookies: DPDK's put */
	if (likely(m->pool == ctx->pool && RTE_MBUF_DIRECT(m) &&
		   rte_mbuf_refcnt_read(m) == 1)) {
		cache = tern_mbuf_cache(ctx);
		/* rte_mempool_do_generic_put()'s test for one object. */
		if (likely(cache != NULL &&
			   cache->len < cache->flushthresh)) {
			/* rte_pktmbuf_prefree_seg()'s reset: a pool's mbufs
			 * have no next and one segment. */
			m->next = NULL;
			m->nb_segs = 1;
			cache->objs[cache->len++] = m;
			return;
		}
	}
#endif
	rte_pktmbuf_free_seg(m);
}

/*
 * An mbuf for bytes the stack keeps (a send queue's), from the top of
 * this lcore's cache, or NULL when the cache is empty (the caller's
 * general way allocates with a refill, and counts). Only the lengths
 * and the data offset are reset: nothing reads the offload, VLAN, port
 * or packet-type fields of a kept mbuf, and the one way it is sent
 * itself (lib/tcp's tcp_sq_lend()) resets them first.
 */
static __rte_always_inline struct rte_mbuf *
tern_mbuf_get_kept(struct tern_ctx *ctx)
{
	struct rte_mbuf *m = tern_mbuf_take_cached(ctx);

	if (likely(m != NULL)) {
		m->pkt_len = 0;
		m->data_len = 0;
		rte_pktmbuf_reset_headroom(m);
	}
	return m;
}

/** Allocate an mbuf from this lcore's pool, counting failures. */
static inline struct rte_mbuf *
tern_mbuf_alloc(struct tern_ctx *ctx)
{
	struct rte_mbuf *m = tern_mbuf_get(ctx);

	if (unlikely(m == NULL))
		tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
	return m;
}

#endif /* TERN_CTX_H */
