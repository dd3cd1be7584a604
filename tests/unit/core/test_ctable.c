/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the flow table (lib/core/tern_ctable.c) over
 * caller-provided bucket memory: no EAL needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>

#include "tern_ctable.h"

#define NB_MAX 64

struct fixture {
	struct tern_ctable t;
	struct tern_hnode *buckets[NB_MAX];
	struct tern_hnode nodes[NB_MAX];
};

static struct tern_flow_key
make_key(uint32_t i)
{
	struct tern_flow_key k = {
		.laddr = rte_cpu_to_be_32(0xc6120001),       /* 198.18.0.1 */
		.faddr = rte_cpu_to_be_32(0xc6130000 + i),   /* 198.19.x.y */
		.lport = rte_cpu_to_be_16(80),
		.fport = rte_cpu_to_be_16((uint16_t)(10000 + i)),
	};

	return k;
}

static void
node_set(struct tern_hnode *n, uint32_t i, uint32_t hash)
{
	memset(n, 0xa5, sizeof(*n)); /* insert must not rely on next */
	n->key = make_key(i);
	n->hash = hash;
}

static int
setup_table(struct fixture *f, uint32_t capacity)
{
	return tern_ctable_init_mem(&f->t, capacity, f->buckets,
				    tern_ctable_buckets_for(capacity));
}

static void
test_buckets_for(void **state)
{
	(void)state;
	assert_int_equal(tern_ctable_buckets_for(0), 0);
	assert_int_equal(tern_ctable_buckets_for(1), 1);
	assert_int_equal(tern_ctable_buckets_for(3), 4);
	assert_int_equal(tern_ctable_buckets_for(4), 4);
	assert_int_equal(tern_ctable_buckets_for(5), 8);
	assert_int_equal(tern_ctable_buckets_for(65536), 65536);
	assert_int_equal(tern_ctable_buckets_for(65537), 131072);
	assert_int_equal(tern_ctable_buckets_for(TERN_CTABLE_MAX_CAPACITY),
			 TERN_CTABLE_MAX_CAPACITY);
	assert_int_equal(tern_ctable_buckets_for(TERN_CTABLE_MAX_CAPACITY + 1),
			 0);
	assert_int_equal(tern_ctable_buckets_for(UINT32_MAX), 0);
}

static void
test_init_mem_rejects_bad_args(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	(void)state;
	assert_non_null(f);
	assert_int_equal(tern_ctable_init_mem(&f->t, 0, f->buckets, 1),
			 -EINVAL);
	assert_int_equal(tern_ctable_init_mem(&f->t, 5, NULL, 8), -EINVAL);
	assert_int_equal(tern_ctable_init_mem(&f->t, 5, f->buckets, 5),
			 -EINVAL);
	assert_int_equal(tern_ctable_init_mem(&f->t, 5, f->buckets, 16),
			 -EINVAL);
	/* Dirty memory is zeroed by init. */
	memset(f->buckets, 0xff, sizeof(f->buckets));
	assert_int_equal(tern_ctable_init_mem(&f->t, 5, f->buckets, 8), 0);
	assert_int_equal(f->t.mask, 7);
	assert_int_equal(f->t.capacity, 5);
	assert_int_equal(f->t.count, 0);
	for (int i = 0; i < 8; i++)
		assert_null(f->buckets[i]);
	assert_false(f->t.owns_buckets);
	/* fini of caller memory frees nothing (ASan would tell) and empties. */
	tern_ctable_fini(&f->t);
	assert_null(f->t.buckets);
	assert_int_equal(f->t.count, 0);
	tern_ctable_fini(&f->t);
	free(f);
}

static void
test_insert_lookup_remove(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tern_flow_key k;

	(void)state;
	assert_non_null(f);
	assert_int_equal(setup_table(f, 16), 0);
	for (uint32_t i = 0; i < 16; i++) {
		k = make_key(i);
		node_set(&f->nodes[i], i, tern_flow_hash_sw(&k, 0x1234));
		assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[i]), 0);
		assert_int_equal(f->t.count, i + 1);
	}
	for (uint32_t i = 0; i < 16; i++) {
		k = make_key(i);
		assert_ptr_equal(tern_ctable_lookup(&f->t, &k,
						    tern_flow_hash_sw(&k,
								      0x1234)),
				 &f->nodes[i]);
	}
	k = make_key(99);
	assert_null(tern_ctable_lookup(&f->t, &k,
				       tern_flow_hash_sw(&k, 0x1234)));
	/* The right key under the wrong hash is not found. */
	k = make_key(3);
	assert_null(tern_ctable_lookup(&f->t, &k,
				       tern_flow_hash_sw(&k, 0x1234) ^ 1));

	for (uint32_t i = 0; i < 16; i += 2)
		assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[i]), 0);
	assert_int_equal(f->t.count, 8);
	for (uint32_t i = 0; i < 16; i++) {
		k = make_key(i);
		struct tern_hnode *n = tern_ctable_lookup(
			&f->t, &k, tern_flow_hash_sw(&k, 0x1234));

		if (i % 2 == 0)
			assert_null(n);
		else
			assert_ptr_equal(n, &f->nodes[i]);
	}
	/* Removing what is not there changes nothing. */
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[0]), -ENOENT);
	assert_int_equal(f->t.count, 8);
	tern_ctable_fini(&f->t);
	free(f);
}

/* A 32-bucket table holding @p n keys (0 .. n-1), all under @p hash:
 * one chain. */
static void
fill_one_chain(struct fixture *f, uint32_t n, uint32_t hash)
{
	assert_int_equal(setup_table(f, 32), 0);
	for (uint32_t i = 0; i < n; i++) {
		node_set(&f->nodes[i], i, hash);
		assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[i]), 0);
	}
}

/* Every key under one hash: one chain; remove head, middle and tail. */
static void
test_collisions_and_remove_mid_chain(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const uint32_t n = 8;
	struct tern_flow_key k;

	(void)state;
	assert_non_null(f);
	fill_one_chain(f, n, 42);
	/* Same bucket, different hash: must not match either. */
	node_set(&f->nodes[n], n, 42 + 32);
	assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[n]), 0);

	for (uint32_t i = 0; i < n; i++) {
		k = make_key(i);
		assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 42),
				 &f->nodes[i]);
	}
	k = make_key(n);
	assert_null(tern_ctable_lookup(&f->t, &k, 42));
	assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 42 + 32),
			 &f->nodes[n]);

	/* Chain order is newest first: nodes[4] sits in the middle. */
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[4]), 0);
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[n]), 0);
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[0]), 0);
	assert_int_equal(f->t.count, n - 2);
	for (uint32_t i = 0; i < n; i++) {
		k = make_key(i);
		if (i == 4 || i == 0)
			assert_null(tern_ctable_lookup(&f->t, &k, 42));
		else
			assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 42),
					 &f->nodes[i]);
	}
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[4]), -ENOENT);
	/* The chain is intact: walk it and count. */
	uint32_t len = 0;

	for (struct tern_hnode *p = f->buckets[42 & f->t.mask]; p != NULL;
	     p = p->next)
		len++;
	assert_int_equal(len, n - 2);
	tern_ctable_fini(&f->t);
	free(f);
}

static struct tern_flow_kh
make_kh(uint32_t i, uint32_t hash)
{
	struct tern_flow_kh kh;

	memset(&kh, 0, sizeof(kh));
	kh.key = make_key(i);
	kh.hash = hash;
	return kh;
}

/*
 * The two-word lookup finds what tern_ctable_lookup() finds: in one
 * chain, each entry by its key and hash; a key differing in any field
 * (either address, either port) or a hash differing in the bucket's
 * bits or above them is not found.
 */
static void
test_lookup_kh(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const uint32_t n = 8;
	struct tern_flow_kh kh;

	(void)state;
	assert_non_null(f);
	fill_one_chain(f, n, 42);
	for (uint32_t i = 0; i < n; i++) {
		kh = make_kh(i, 42);
		assert_ptr_equal(tern_ctable_lookup_kh(&f->t, &kh),
				 &f->nodes[i]);
		assert_ptr_equal(tern_ctable_lookup_kh(&f->t, &kh),
				 tern_ctable_lookup(&f->t, &kh.key, 42));
	}
	kh = make_kh(3, 42);
	kh.key.laddr ^= rte_cpu_to_be_32(1);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	kh = make_kh(3, 42);
	kh.key.faddr ^= rte_cpu_to_be_32(0x100);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	kh = make_kh(3, 42);
	kh.key.lport ^= rte_cpu_to_be_16(1);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	kh = make_kh(3, 42);
	kh.key.fport ^= rte_cpu_to_be_16(0x8000);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	/* Same bucket, another hash; another bucket. */
	kh = make_kh(3, 42 + 32);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	kh = make_kh(3, 43);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	/* Removed: gone. */
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[3]), 0);
	kh = make_kh(3, 42);
	assert_null(tern_ctable_lookup_kh(&f->t, &kh));
	tern_ctable_fini(&f->t);
	free(f);
}

static void
test_full_table_and_duplicate(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tern_hnode dup;

	(void)state;
	assert_non_null(f);
	/* Capacity 5 (8 buckets): the capacity, not the buckets, limits. */
	assert_int_equal(setup_table(f, 5), 0);
	for (uint32_t i = 0; i < 5; i++) {
		node_set(&f->nodes[i], i, i * 7);
		assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[i]), 0);
	}
	node_set(&f->nodes[5], 5, 5 * 7);
	assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[5]), -ENOSPC);
	assert_int_equal(f->t.count, 5);
	{
		struct tern_flow_key k = make_key(5);

		assert_null(tern_ctable_lookup(&f->t, &k, 5 * 7));
	}

	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[2]), 0);
	/* Duplicate of a present key, even as another node. */
	node_set(&dup, 3, 3 * 7);
	assert_int_equal(tern_ctable_insert(&f->t, &dup), -EEXIST);
	assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[1]), -EEXIST);
	assert_int_equal(f->t.count, 4);
	/* Room again after the remove. */
	assert_int_equal(tern_ctable_insert(&f->t, &f->nodes[5]), 0);
	assert_int_equal(f->t.count, 5);
	tern_ctable_fini(&f->t);
	free(f);
}

/* CRC32-C, bit by bit: what the SSE4.2 crc32 instruction computes. */
static uint32_t
crc32c_ref(const void *data, size_t len, uint32_t crc)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return crc;
}

/* link_new (room and absence checked by the caller): each node heads
 * its chain, is found, and comes out again; the count follows. */
static void
test_link_new(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tern_flow_key k;

	(void)state;
	assert_non_null(f);
	assert_int_equal(setup_table(f, 4), 0);
	for (uint32_t i = 0; i < 3; i++) {
		node_set(&f->nodes[i], i, 5);
		tern_ctable_link_new(&f->t, &f->nodes[i]);
		assert_int_equal(f->t.count, i + 1);
		assert_ptr_equal(tern_ctable_first(&f->t, 5), &f->nodes[i]);
	}
	for (uint32_t i = 0; i < 3; i++) {
		k = make_key(i);
		assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 5),
				 &f->nodes[i]);
	}
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[1]), 0);
	assert_int_equal(f->t.count, 2);
	k = make_key(1);
	assert_null(tern_ctable_lookup(&f->t, &k, 5));
	tern_ctable_fini(&f->t);
	free(f);
}

/* insert_new (a key the caller knows is absent): found like an insert's,
 * removable, and still refused at capacity. */
static void
test_insert_new(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct tern_flow_key k;

	(void)state;
	assert_non_null(f);
	assert_int_equal(setup_table(f, 4), 0);
	for (uint32_t i = 0; i < 4; i++) {
		k = make_key(i);
		/* One hash for all: a chain, the newest first. */
		node_set(&f->nodes[i], i, 7);
		assert_int_equal(tern_ctable_insert_new(&f->t, &f->nodes[i]),
				 0);
		assert_int_equal(f->t.count, i + 1);
	}
	node_set(&f->nodes[4], 4, 7);
	assert_int_equal(tern_ctable_insert_new(&f->t, &f->nodes[4]),
			 -ENOSPC);
	assert_int_equal(f->t.count, 4);
	for (uint32_t i = 0; i < 4; i++) {
		k = make_key(i);
		assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 7),
				 &f->nodes[i]);
	}
	assert_int_equal(tern_ctable_remove(&f->t, &f->nodes[2]), 0);
	k = make_key(2);
	assert_null(tern_ctable_lookup(&f->t, &k, 7));
	assert_int_equal(tern_ctable_insert_new(&f->t, &f->nodes[4]), 0);
	k = make_key(4);
	assert_ptr_equal(tern_ctable_lookup(&f->t, &k, 7), &f->nodes[4]);
	tern_ctable_fini(&f->t);
	free(f);
}

static void
test_hash_sw_is_crc32c_of_key(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		struct tern_flow_key k = make_key(i * 7919);
		uint32_t seed = i * 0x9e3779b9u;

		assert_int_equal(tern_flow_hash_sw(&k, seed),
				 crc32c_ref(&k, sizeof(k), seed));
	}
	/* Each field matters, and so does the seed. */
	struct tern_flow_key a = make_key(1), b;
	uint32_t ha = tern_flow_hash_sw(&a, 7);

	b = a;
	b.lport ^= 1;
	assert_int_not_equal(tern_flow_hash_sw(&b, 7), ha);
	b = a;
	b.fport ^= rte_cpu_to_be_16(0x100);
	assert_int_not_equal(tern_flow_hash_sw(&b, 7), ha);
	b = a;
	b.laddr ^= 1;
	assert_int_not_equal(tern_flow_hash_sw(&b, 7), ha);
	b = a;
	b.faddr ^= rte_cpu_to_be_32(1);
	assert_int_not_equal(tern_flow_hash_sw(&b, 7), ha);
	assert_int_not_equal(tern_flow_hash_sw(&a, 8), ha);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_for),
		cmocka_unit_test(test_init_mem_rejects_bad_args),
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_collisions_and_remove_mid_chain),
		cmocka_unit_test(test_lookup_kh),
		cmocka_unit_test(test_full_table_and_duplicate),
		cmocka_unit_test(test_insert_new),
		cmocka_unit_test(test_link_new),
		cmocka_unit_test(test_hash_sw_is_crc32c_of_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
