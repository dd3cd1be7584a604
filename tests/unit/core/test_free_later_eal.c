/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern_free_chain_later() (suite 'vdev', it needs mempools): a chain of
 * acknowledged send-queue mbufs waits for the step's flush when each
 * segment is plain and its only reference; a segment someone else still
 * references, an indirect one and one of another pool are each handled
 * as rte_pktmbuf_free_seg() would, and every pool is back to where it
 * was once the flush ran.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tern_ctx.h"
#include "tern_test_eal.h"

#define POOL_SIZE 255

static struct rte_mempool *pool_a, *pool_b;
static struct tern_ctx ctx;

static struct rte_mempool *
make_pool(const char *name)
{
	/* No per-lcore cache: the in-use counts are exact. */
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, POOL_SIZE, 0,
							 0, 512,
							 (int)rte_socket_id());

	if (mp == NULL)
		fprintf(stderr, "rte_pktmbuf_pool_create(%s) failed\n", name);
	return mp;
}

static int
setup(void **state)
{
	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	return 0;
}

/* Chain @p n fresh mbufs, taken from @p pools in turn, into one. */
static struct rte_mbuf *
make_chain(struct rte_mempool *const *pools, unsigned int n,
	   struct rte_mbuf **segs)
{
	struct rte_mbuf *head = NULL;

	for (unsigned int i = 0; i < n; i++) {
		segs[i] = rte_pktmbuf_alloc(pools[i]);
		assert_non_null(segs[i]);
		assert_non_null(rte_pktmbuf_append(segs[i], 100));
		if (head == NULL)
			head = segs[i];
		else
			assert_int_equal(rte_pktmbuf_chain(head, segs[i]), 0);
	}
	return head;
}

static void
test_plain_chain_waits_for_flush(void **state)
{
	struct rte_mempool *pools[3] = { pool_a, pool_a, pool_a };
	struct rte_mbuf *segs[3];

	(void)state;
	tern_free_chain_later(&ctx, make_chain(pools, 3, segs));
	/* Held, not yet returned: one bulk put per step. */
	assert_int_equal(rte_mempool_in_use_count(pool_a), 3);
	assert_int_equal(ctx.acked_free.count, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_null(segs[i]->next);
		assert_int_equal(segs[i]->nb_segs, 1);
	}
	tern_rx_free_flush(&ctx);
	assert_int_equal(ctx.acked_free.count, 0);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

static void
test_shared_segment_loses_one_reference(void **state)
{
	struct rte_mempool *pools[3] = { pool_a, pool_a, pool_a };
	struct rte_mbuf *segs[3];
	struct rte_mbuf *head = make_chain(pools, 3, segs);

	(void)state;
	/* The middle segment is also held elsewhere (a retransmission
	 * still in a TX queue, say). */
	rte_mbuf_refcnt_update(segs[1], 1);
	tern_free_chain_later(&ctx, head);
	assert_int_equal(ctx.acked_free.count, 2);
	assert_int_equal(rte_mbuf_refcnt_read(segs[1]), 1);
	tern_rx_free_flush(&ctx);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 1);
	/* The other holder lets its reference go as DPDK's own chain free
	 * would have left it: a segment (its next still names the freed
	 * third, as after rte_pktmbuf_free() of the chain), so by
	 * rte_pktmbuf_free_seg(), which unlinks it. */
	rte_pktmbuf_free_seg(segs[1]);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

static void
test_indirect_segment_detached_at_once(void **state)
{
	struct rte_mempool *pools[2] = { pool_a, pool_a };
	struct rte_mbuf *segs[2];
	struct rte_mbuf *head = make_chain(pools, 2, segs);
	struct rte_mbuf *base = rte_pktmbuf_alloc(pool_a);
	struct rte_mbuf *ind = rte_pktmbuf_alloc(pool_a);

	(void)state;
	assert_non_null(base);
	assert_non_null(ind);
	rte_pktmbuf_attach(ind, base);
	assert_int_equal(rte_mbuf_refcnt_read(base), 2);
	assert_int_equal(rte_pktmbuf_chain(head, ind), 0);
	tern_free_chain_later(&ctx, head);
	/* The indirect one went at once, letting go of base. */
	assert_int_equal(ctx.acked_free.count, 2);
	assert_int_equal(rte_mbuf_refcnt_read(base), 1);
	tern_rx_free_flush(&ctx);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 1);
	rte_pktmbuf_free(base);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

static void
test_two_pools_each_back_home(void **state)
{
	struct rte_mempool *pools[4] = { pool_a, pool_b, pool_b, pool_a };
	struct rte_mbuf *segs[4];

	(void)state;
	tern_free_chain_later(&ctx, make_chain(pools, 4, segs));
	tern_rx_free_flush(&ctx);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
	assert_int_equal(rte_mempool_in_use_count(pool_b), 0);
	assert_int_equal(rte_mempool_avail_count(pool_a), POOL_SIZE);
	assert_int_equal(rte_mempool_avail_count(pool_b), POOL_SIZE);
}

static void
test_more_than_a_batch(void **state)
{
	enum { N = TERN_RX_FREE_MAX + 5 };
	struct rte_mempool *pools[N];
	struct rte_mbuf *segs[N];

	(void)state;
	for (unsigned int i = 0; i < N; i++)
		pools[i] = pool_a;
	tern_free_chain_later(&ctx, make_chain(pools, N, segs));
	/* A full batch went back on the way; the rest waits. */
	assert_int_equal(rte_mempool_in_use_count(pool_a),
			 N - TERN_RX_FREE_MAX);
	tern_rx_free_flush(&ctx);
	assert_int_equal(rte_mempool_in_use_count(pool_a), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_chain_waits_for_flush, setup),
		cmocka_unit_test_setup(test_shared_segment_loses_one_reference,
				       setup),
		cmocka_unit_test_setup(test_indirect_segment_detached_at_once,
				       setup),
		cmocka_unit_test_setup(test_two_pools_each_back_home, setup),
		cmocka_unit_test_setup(test_more_than_a_batch, setup),
	};
	int rc;

	(void)argc;
	if (tern_test_eal_init(argv[0], NULL) != 0)
		return 1;
	pool_a = make_pool("free_later_a");
	pool_b = make_pool("free_later_b");
	if (pool_a == NULL || pool_b == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_mempool_free(pool_a);
	rte_mempool_free(pool_b);
	rte_eal_cleanup();
	return rc;
}
