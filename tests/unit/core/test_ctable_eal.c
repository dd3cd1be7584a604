/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow table with EAL-allocated buckets (suite 'vdev'): allocation
 * on a socket, cache alignment, a full table of software-hashed flows,
 * and the heap back to its baseline after fini.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "tern_ctable.h"
#include "tern_test_eal.h"

#define CAPACITY 5000

static size_t
heap_alloc_bytes(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats((int)rte_socket_id(), &st) != 0)
		fail_msg("rte_malloc_get_socket_stats failed");
	return st.heap_allocsz_bytes;
}

static struct tern_flow_key
key_of(uint32_t i)
{
	struct tern_flow_key k = {
		.laddr = rte_cpu_to_be_32(0xc6120001),
		.faddr = rte_cpu_to_be_32(0xc6120000 + (i >> 12)),
		.lport = rte_cpu_to_be_16(443),
		.fport = rte_cpu_to_be_16((uint16_t)(1024 + (i & 0xfff))),
	};

	return k;
}

static void
test_init_rejects_zero(void **state)
{
	struct tern_ctable t;

	(void)state;
	assert_int_equal(tern_ctable_init(&t, 0, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(tern_ctable_init(&t, TERN_CTABLE_MAX_CAPACITY + 1,
					  SOCKET_ID_ANY),
			 -EINVAL);
	assert_null(t.buckets);
}

static void
test_full_cycle_on_socket(void **state)
{
	struct tern_hnode *nodes = calloc(CAPACITY + 1, sizeof(*nodes));
	size_t baseline = heap_alloc_bytes();
	const uint32_t seed = 0xdecafbad;
	struct tern_ctable t;
	struct tern_flow_key k;

	(void)state;
	assert_non_null(nodes);
	assert_int_equal(tern_ctable_init(&t, CAPACITY, (int)rte_socket_id()),
			 0);
	assert_true(heap_alloc_bytes() > baseline);
	assert_true(t.owns_buckets);
	assert_int_equal(t.mask, 8191);
	assert_int_equal((uintptr_t)t.buckets % RTE_CACHE_LINE_SIZE, 0);
	for (uint32_t b = 0; b <= t.mask; b++)
		assert_null(t.buckets[b]);

	for (uint32_t i = 0; i <= CAPACITY; i++) {
		nodes[i].key = key_of(i);
		nodes[i].hash = tern_flow_hash_sw(&nodes[i].key, seed);
	}
	for (uint32_t i = 0; i < CAPACITY; i++)
		assert_int_equal(tern_ctable_insert(&t, &nodes[i]), 0);
	assert_int_equal(tern_ctable_insert(&t, &nodes[CAPACITY]), -ENOSPC);
	for (uint32_t i = 0; i < CAPACITY; i++) {
		uint32_t hash;

		k = key_of(i);
		hash = tern_flow_hash_sw(&k, seed);
		tern_ctable_prefetch(&t, hash);
		assert_ptr_equal(tern_ctable_lookup(&t, &k, hash), &nodes[i]);
	}
	for (uint32_t i = 0; i < CAPACITY; i++)
		assert_int_equal(tern_ctable_remove(&t, &nodes[i]), 0);
	assert_int_equal(t.count, 0);
	for (uint32_t b = 0; b <= t.mask; b++)
		assert_null(t.buckets[b]);

	tern_ctable_fini(&t);
	assert_null(t.buckets);
	assert_int_equal(heap_alloc_bytes(), baseline);
	free(nodes);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_zero),
		cmocka_unit_test(test_full_cycle_on_socket),
	};
	int rc;

	(void)argc;
	if (tern_test_eal_init(argv[0], NULL) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
