/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The intern table of IPv6 peers (lib/tcp/tcp_peer6.c): an address
 * interned twice is one entry, references keep it, the last put frees
 * it, a full table refuses, freed entries are reused, colliding chains
 * unlink the right entry, forget leaves a held entry alone, and the
 * entry interned last is not found again once freed.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_peer6.h"

#define CAP 8

struct table {
	struct tcp_peers6 t;
	struct tcp_peer6 e[CAP];
	uint32_t bucket[CAP];
};

static struct tern_ip6
addr(uint8_t last, uint8_t second)
{
	struct tern_ip6 a = { .b = { 0x20, 0x01, 0x00, 0x02 } };

	a.b[15] = last;
	a.b[9] = second;
	return a;
}

static void
table_init(struct table *tb, uint32_t cap)
{
	assert_int_equal(tcp_peers6_buckets_for(cap) <= CAP, 1);
	tcp_peers6_init(&tb->t, tb->e, cap, tb->bucket, 0x1234);
}

static void
test_intern_is_idempotent(void **state)
{
	struct table tb;
	struct tern_ip6 a = addr(1, 0), b = addr(2, 0);
	uint32_t ia, ib;

	(void)state;
	table_init(&tb, CAP);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), TCP_PEER6_NONE);
	ia = tcp_peers6_intern(&tb.t, &a);
	ib = tcp_peers6_intern(&tb.t, &b);
	assert_int_not_equal(ia, TCP_PEER6_NONE);
	assert_int_not_equal(ia, ib);
	assert_int_equal(tcp_peers6_intern(&tb.t, &a), ia);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), ia);
	assert_int_equal(tb.t.used, 2);
	assert_memory_equal(tcp_peers6_addr(&tb.t, ib)->b, b.b, 16);
}

static void
test_references(void **state)
{
	struct table tb;
	struct tern_ip6 a = addr(1, 0);
	uint32_t i;

	(void)state;
	table_init(&tb, CAP);
	i = tcp_peers6_intern(&tb.t, &a);
	tcp_peers6_hold(&tb.t, i);
	tcp_peers6_hold(&tb.t, i);
	tcp_peers6_forget(&tb.t, i);        /* held: stays */
	assert_int_equal(tcp_peers6_find(&tb.t, &a), i);
	tcp_peers6_put(&tb.t, i);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), i);
	tcp_peers6_put(&tb.t, i);           /* the last one */
	assert_int_equal(tcp_peers6_find(&tb.t, &a), TCP_PEER6_NONE);
	assert_int_equal(tb.t.used, 0);
	/* an intern nobody held goes with forget */
	i = tcp_peers6_intern(&tb.t, &a);
	tcp_peers6_forget(&tb.t, i);
	assert_int_equal(tb.t.used, 0);
	/* forgetting twice is harmless */
	tcp_peers6_forget(&tb.t, i);
	assert_int_equal(tb.t.used, 0);
}

/* The entry interned last answers the next intern of its address
 * without the chain walk, but not once it is back on the free list. */
static void
test_last_interned_forgotten(void **state)
{
	struct table tb;
	struct tern_ip6 a = addr(1, 0), b = addr(2, 0);
	uint32_t ia, ib;

	(void)state;
	table_init(&tb, CAP);
	ia = tcp_peers6_intern(&tb.t, &a);
	assert_int_equal(tcp_peers6_intern(&tb.t, &a), ia);
	tcp_peers6_forget(&tb.t, ia);
	assert_int_equal(tb.t.used, 0);
	ia = tcp_peers6_intern(&tb.t, &a);      /* interned anew */
	assert_int_equal(tb.t.used, 1);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), ia);
	ib = tcp_peers6_intern(&tb.t, &b);
	assert_int_equal(tcp_peers6_intern(&tb.t, &a), ia);
	assert_int_equal(tcp_peers6_intern(&tb.t, &b), ib);
	assert_int_equal(tb.t.used, 2);
}

static void
test_full_and_reuse(void **state)
{
	struct table tb;
	uint32_t idx[4];
	struct tern_ip6 extra = addr(99, 0), a;

	(void)state;
	table_init(&tb, 4);
	for (unsigned int k = 0; k < 4; k++) {
		a = addr((uint8_t)k, 0);
		idx[k] = tcp_peers6_intern(&tb.t, &a);
		assert_int_not_equal(idx[k], TCP_PEER6_NONE);
		tcp_peers6_hold(&tb.t, idx[k]);
	}
	assert_int_equal(tcp_peers6_intern(&tb.t, &extra), TCP_PEER6_NONE);
	tcp_peers6_put(&tb.t, idx[2]);
	assert_int_equal(tcp_peers6_intern(&tb.t, &extra), idx[2]);
	for (unsigned int k = 0; k < 4; k++) {
		a = addr((uint8_t)k, 0);
		if (k != 2)
			assert_int_equal(tcp_peers6_find(&tb.t, &a), idx[k]);
	}
}

/* With one bucket every address shares a chain: unlinking the middle,
 * the head and the tail keeps the others findable. */
static void
test_one_chain(void **state)
{
	struct table tb;
	uint32_t idx[3];
	struct tern_ip6 a;

	(void)state;
	/* three entries, and a mask that sends every address to bucket 0 */
	table_init(&tb, 3);
	tb.t.mask = 0;
	for (unsigned int k = 0; k < 3; k++) {
		a = addr(0, (uint8_t)k);
		idx[k] = tcp_peers6_intern(&tb.t, &a);
		tcp_peers6_hold(&tb.t, idx[k]);
	}
	tcp_peers6_put(&tb.t, idx[1]);
	a = addr(0, 0);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), idx[0]);
	a = addr(0, 2);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), idx[2]);
	tcp_peers6_put(&tb.t, idx[2]);
	a = addr(0, 0);
	assert_int_equal(tcp_peers6_find(&tb.t, &a), idx[0]);
	tcp_peers6_put(&tb.t, idx[0]);
	assert_int_equal(tb.t.used, 0);
	assert_int_equal(tb.bucket[0], TCP_PEER6_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_is_idempotent),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_last_interned_forgotten),
		cmocka_unit_test(test_full_and_reuse),
		cmocka_unit_test(test_one_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
