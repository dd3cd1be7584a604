/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The context's mbuf allocation (suite 'vdev': in-process EAL):
 * tern_mbuf_cache() gives the pool's cache of the calling lcore only,
 * NULL on a thread of no lcore, and the lcore's again after;
 * tern_mbuf_alloc() hands back an mbuf reset as rte_pktmbuf_alloc()
 * resets it, whatever its last user left, and counts a failure;
 * tern_mbuf_put_seg() frees as rte_pktmbuf_free_seg() does;
 * tern_ctx_set_pool()'s data offset is where a reset mbuf's data starts.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tern_ctx.h"
#include "tern_test_eal.h"

#define POOL_MBUFS 255
#define POOL_CACHE 32

static struct rte_mempool *pool;
static struct tern_ctx ctx;

static void
ctx_reset(void)
{
	memset(&ctx, 0, sizeof(ctx));
	tern_ctx_set_pool(&ctx, pool);
	ctx.mcache_lcore = LCORE_ID_ANY; /* as tern_stack_init() sets it */
}

struct thread_get {
	struct rte_mempool_cache *cache;
	struct rte_mbuf *m;
	unsigned int lcore;
};

/* Runs on a thread of no lcore (LCORE_ID_ANY). */
static void *
get_off_lcore(void *arg)
{
	struct thread_get *g = arg;

	g->lcore = rte_lcore_id();
	g->cache = tern_mbuf_cache(&ctx);
	g->m = tern_mbuf_alloc(&ctx);
	return NULL;
}

static void
test_cache_of_the_calling_lcore(void **state)
{
	struct rte_mempool_cache *mine =
		rte_mempool_default_cache(pool, rte_lcore_id());
	struct thread_get g = { 0 };
	pthread_t t;

	(void)state;
	ctx_reset();
	assert_non_null(mine);
	assert_ptr_equal(tern_mbuf_cache(&ctx), mine);
	assert_int_equal(ctx.mcache_lcore, rte_lcore_id());

	/* Another thread calls in: not this lcore's cache, the ring. */
	assert_int_equal(pthread_create(&t, NULL, get_off_lcore, &g), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(g.lcore, LCORE_ID_ANY);
	assert_null(g.cache);
	assert_non_null(g.m);
	rte_pktmbuf_free(g.m);

	/* Back on the lcore: its cache again. */
	assert_ptr_equal(tern_mbuf_cache(&ctx), mine);
	rte_mempool_cache_flush(mine, pool);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

static void
test_alloc_resets_what_the_last_user_left(void **state)
{
	struct rte_mbuf *m, *again;

	(void)state;
	ctx_reset();
	m = tern_mbuf_alloc(&ctx);
	assert_non_null(m);
	rte_pktmbuf_append(m, 100);
	rte_pktmbuf_adj(m, 10);
	m->tx_offload = UINT64_MAX;
	m->vlan_tci = 7;
	m->vlan_tci_outer = 8;
	m->port = 3;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->packet_type = RTE_PTYPE_L3_IPV4;
	rte_pktmbuf_free(m);

	/* The cache gives back the mbuf it took last. */
	again = tern_mbuf_alloc(&ctx);
	assert_ptr_equal(again, m);
	assert_null(again->next);
	assert_int_equal(again->nb_segs, 1);
	assert_int_equal(rte_mbuf_refcnt_read(again), 1);
	assert_int_equal(again->pkt_len, 0);
	assert_int_equal(again->data_len, 0);
	assert_int_equal(again->data_off,
			 RTE_MIN(RTE_PKTMBUF_HEADROOM, again->buf_len));
	assert_int_equal(again->tx_offload, 0);
	assert_int_equal(again->vlan_tci, 0);
	assert_int_equal(again->vlan_tci_outer, 0);
	assert_int_equal(again->port, RTE_MBUF_PORT_INVALID);
	assert_int_equal(again->ol_flags, 0);
	assert_int_equal(again->packet_type, 0);
	rte_pktmbuf_free(again);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

static void
test_empty_pool_counted(void **state)
{
	struct rte_mbuf *all[POOL_MBUFS];

	(void)state;
	ctx_reset();
	assert_int_equal(rte_pktmbuf_alloc_bulk(pool, all, POOL_MBUFS), 0);
	assert_null(tern_mbuf_alloc(&ctx));
	assert_int_equal(ctx.stats.c[TERN_STAT_MBUF_ALLOC_FAIL], 1);
	assert_null(tern_mbuf_get(&ctx)); /* its caller counts */
	assert_int_equal(ctx.stats.c[TERN_STAT_MBUF_ALLOC_FAIL], 1);
	rte_pktmbuf_free_bulk(all, POOL_MBUFS);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

/*
 * tern_mbuf_put_seg() frees as rte_pktmbuf_free_seg() does: a plain mbuf
 * of the context's pool on top of the lcore's cache, reset for its next
 * user; a shared, indirect or foreign one, or one past the cache's flush
 * threshold, the way DPDK frees it.
 */
static void
test_put_seg_frees_as_dpdk_does(void **state)
{
	struct rte_mempool *other;
	struct rte_mbuf *a, *b, *clone, *m[POOL_MBUFS];
	unsigned int i, n;

	(void)state;
	ctx_reset();
	/* A chain's head, its next link taken by the caller first. */
	a = tern_mbuf_alloc(&ctx);
	b = tern_mbuf_alloc(&ctx);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(rte_pktmbuf_chain(a, b), 0);
	tern_mbuf_put_seg(&ctx, a);
	tern_mbuf_put_seg(&ctx, b);
	assert_ptr_equal(tern_mbuf_get(&ctx), b);
	assert_ptr_equal(tern_mbuf_get(&ctx), a);
	assert_null(a->next);
	assert_int_equal(a->nb_segs, 1);

	/* Shared: only the reference goes. */
	rte_mbuf_refcnt_update(a, 1);
	tern_mbuf_put_seg(&ctx, a);
	assert_int_equal(rte_mbuf_refcnt_read(a), 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 2);
	/* Indirect: detached, its buffer's owner let go. */
	clone = rte_pktmbuf_clone(a, pool);
	assert_non_null(clone);
	assert_int_equal(rte_mbuf_refcnt_read(a), 2);
	tern_mbuf_put_seg(&ctx, clone);
	assert_int_equal(rte_mbuf_refcnt_read(a), 1);
	tern_mbuf_put_seg(&ctx, a);
	tern_mbuf_put_seg(&ctx, b);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	/* Another pool's mbuf goes back to that pool. */
	other = rte_pktmbuf_pool_create("mbuf_other", 63, 0, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					(int)rte_socket_id());
	assert_non_null(other);
	a = rte_pktmbuf_alloc(other);
	assert_non_null(a);
	tern_mbuf_put_seg(&ctx, a);
	assert_int_equal(rte_mempool_avail_count(other), 63);
	rte_mempool_free(other);

	/* More than the cache holds: flushed past its threshold. */
	n = POOL_MBUFS;
	for (i = 0; i < n; i++) {
		m[i] = tern_mbuf_alloc(&ctx);
		assert_non_null(m[i]);
	}
	for (i = 0; i < n; i++)
		tern_mbuf_put_seg(&ctx, m[i]);
	assert_true(tern_mbuf_cache(&ctx)->len <=
		    tern_mbuf_cache(&ctx)->flushthresh);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
	rte_mempool_cache_flush(tern_mbuf_cache(&ctx), pool);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

/*
 * tern_ctx_set_pool()'s offset, where tern_mbuf_prefetch_next() prefetches
 * an mbuf's headers without reading it, is where a reset mbuf's data
 * starts, with or without a private area; and the allocations that
 * prefetch, for a frame's length or not, still hand the cache's mbufs
 * back last in, first out.
 */
static void
test_data_offset_of_the_pool(void **state)
{
	struct rte_mempool *priv;
	struct rte_mbuf *a, *b, *c;

	(void)state;
	ctx_reset();
	a = tern_mbuf_alloc(&ctx);
	assert_non_null(a);
	assert_ptr_equal((char *)a + ctx.mbuf_data_at,
			 rte_pktmbuf_mtod(a, char *));
	b = tern_mbuf_alloc(&ctx);
	assert_non_null(b);
	tern_mbuf_put_seg(&ctx, a);
	tern_mbuf_put_seg(&ctx, b);
	c = tern_mbuf_get_kept(&ctx);
	assert_ptr_equal(c, b);
	assert_ptr_equal(tern_mbuf_get(&ctx), a);
	/* For a frame of a known length (the one a few allocations ahead
	 * prefetched as for such a frame): the same mbuf, as reset. */
	a->data_len = 60;
	a->pkt_len = 60;
	tern_mbuf_put_seg(&ctx, a);
	assert_ptr_equal(tern_mbuf_get_for(&ctx, 1514), a);
	assert_int_equal(a->data_len, 0);
	assert_int_equal(a->pkt_len, 0);
	assert_int_equal(a->data_off, RTE_PKTMBUF_HEADROOM);
	tern_mbuf_put_seg(&ctx, a);
	tern_mbuf_put_seg(&ctx, c);
	assert_int_equal(rte_mempool_in_use_count(pool), 0);

	priv = rte_pktmbuf_pool_create("mbuf_priv", 63, 8, 64,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	assert_non_null(priv);
	ctx_reset();
	tern_ctx_set_pool(&ctx, priv);
	a = tern_mbuf_alloc(&ctx);
	assert_non_null(a);
	assert_ptr_equal((char *)a + ctx.mbuf_data_at,
			 rte_pktmbuf_mtod(a, char *));
	assert_int_not_equal(ctx.mbuf_data_at,
			     sizeof(struct rte_mbuf) + RTE_PKTMBUF_HEADROOM);
	rte_pktmbuf_free(a);
	assert_int_equal(rte_mempool_avail_count(priv), 63);
	ctx_reset();
	rte_mempool_free(priv);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_of_the_calling_lcore),
		cmocka_unit_test(test_alloc_resets_what_the_last_user_left),
		cmocka_unit_test(test_empty_pool_counted),
		cmocka_unit_test(test_put_seg_frees_as_dpdk_does),
		cmocka_unit_test(test_data_offset_of_the_pool),
	};
	int rc;

	(void)argc;
	if (tern_test_eal_init(argv[0], NULL) != 0)
		return 1;
	pool = rte_pktmbuf_pool_create("mbuf_test", POOL_MBUFS, POOL_CACHE, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (pool == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return rc;
}
