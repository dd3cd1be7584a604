/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The intern table of IPv6 peers (tcp_peer6.h): chained hashing over
 * indexes, a free list through the same links.
 */
#include <string.h>

#include "tcp_peer6.h"

uint32_t
tcp_peers6_buckets_for(uint32_t cap)
{
	uint32_t n = 1;

	while (n < cap && n < (UINT32_C(1) << 31))
		n <<= 1;
	return n;
}

void
tcp_peers6_init(struct tcp_peers6 *t, struct tcp_peer6 *e, uint32_t cap,
		uint32_t *bucket, uint32_t seed)
{
	uint32_t nb = tcp_peers6_buckets_for(cap);

	t->e = e;
	t->bucket = bucket;
	t->cap = cap;
	t->mask = nb - 1;
	t->used = 0;
	t->seed = seed;
	for (uint32_t i = 0; i < nb; i++)
		bucket[i] = TCP_PEER6_NONE;
	for (uint32_t i = 0; i < cap; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].next = i + 1 < cap ? i + 1 : TCP_PEER6_NONE;
	}
	t->free_head = cap > 0 ? 0 : TCP_PEER6_NONE;
	t->last = TCP_PEER6_NONE;
}

/* Keyed mix of the two halves: the seed keeps a peer from choosing
 * addresses that share a chain. */
static uint32_t
peers6_bucket(const struct tcp_peers6 *t, const struct tern_ip6 *a)
{
	uint64_t h = (a->w64[0] ^ t->seed) * UINT64_C(0x9e3779b97f4a7c15);

	h ^= a->w64[1] + (h >> 29);
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return (uint32_t)h & t->mask;
}

uint32_t
tcp_peers6_find(const struct tcp_peers6 *t, const struct tern_ip6 *a)
{
	uint32_t i;

	if (t->cap == 0)
		return TCP_PEER6_NONE;
	for (i = t->bucket[peers6_bucket(t, a)]; i != TCP_PEER6_NONE;
	     i = t->e[i].next)
		if (tern_ip6_eq(&t->e[i].addr, a))
			return i;
	return TCP_PEER6_NONE;
}

uint32_t
tcp_peers6_intern_chain(struct tcp_peers6 *t, const struct tern_ip6 *a)
{
	uint32_t i = tcp_peers6_find(t, a);
	uint32_t b;

	if (i != TCP_PEER6_NONE) {
		t->last = i;
		return i;
	}
	if (t->free_head == TCP_PEER6_NONE)
		return i;
	i = t->free_head;
	t->free_head = t->e[i].next;
	b = peers6_bucket(t, a);
	t->e[i].addr = *a;
	t->e[i].refs = 0;
	t->e[i].next = t->bucket[b];
	t->bucket[b] = i;
	t->used++;
	t->last = i;
	return i;
}

void
tcp_peers6_forget(struct tcp_peers6 *t, uint32_t i)
{
	uint32_t *pp;

	if (t->e[i].refs != 0)
		return;
	for (pp = &t->bucket[peers6_bucket(t, &t->e[i].addr)];
	     *pp != TCP_PEER6_NONE; pp = &t->e[*pp].next)
		if (*pp == i) {
			if (t->last == i)
				t->last = TCP_PEER6_NONE;
			*pp = t->e[i].next;
			t->e[i].next = t->free_head;
			t->free_head = i;
			t->used--;
			return;
		}
}
