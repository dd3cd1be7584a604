/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_malloc.h>

#include "tern_ctable.h"
#include "tern_flow_hash.h"

/* The hash covers exactly the key bytes: no padding may hide in it. */
_Static_assert(sizeof(struct tern_flow_key) == 12,
	       "tern_flow_key must be 12 packed bytes");

uint32_t
tern_ctable_buckets_for(uint32_t capacity)
{
	if (capacity == 0 || capacity > TERN_CTABLE_MAX_CAPACITY)
		return 0;
	return rte_align32pow2(capacity);
}

static void
ctable_setup(struct tern_ctable *t, uint32_t capacity,
	     struct tern_hnode **buckets, uint32_t nb_buckets, bool owned)
{
	t->buckets = buckets;
	t->mask = nb_buckets - 1;
	t->count = 0;
	t->capacity = capacity;
	t->owns_buckets = owned;
}

int
tern_ctable_init(struct tern_ctable *t, uint32_t capacity, int socket)
{
	uint32_t nb_buckets = tern_ctable_buckets_for(capacity);
	struct tern_hnode **buckets;

	memset(t, 0, sizeof(*t));
	if (nb_buckets == 0)
		return -EINVAL;
	buckets = rte_zmalloc_socket("tern_ctable",
				     (size_t)nb_buckets * sizeof(*buckets),
				     RTE_CACHE_LINE_SIZE, socket);
	if (buckets == NULL)
		return -ENOMEM;
	ctable_setup(t, capacity, buckets, nb_buckets, true);
	return 0;
}

int
tern_ctable_init_mem(struct tern_ctable *t, uint32_t capacity,
		     struct tern_hnode **buckets, uint32_t nb_buckets)
{
	uint32_t needed = tern_ctable_buckets_for(capacity);

	memset(t, 0, sizeof(*t));
	if (needed == 0 || buckets == NULL || nb_buckets != needed)
		return -EINVAL;
	memset(buckets, 0, (size_t)nb_buckets * sizeof(*buckets));
	ctable_setup(t, capacity, buckets, nb_buckets, false);
	return 0;
}

void
tern_ctable_fini(struct tern_ctable *t)
{
	if (t->owns_buckets)
		rte_free(t->buckets);
	memset(t, 0, sizeof(*t));
}

uint32_t
tern_flow_hash_sw(const struct tern_flow_key *k, uint32_t seed)
{
	return tern_flow_hash_sw_inline(k, seed);
}

int
tern_ctable_insert(struct tern_ctable *t, struct tern_hnode *n)
{
	struct tern_hnode **head;

	if (t->count >= t->capacity)
		return -ENOSPC;
	if (tern_ctable_lookup(t, &n->key, n->hash) != NULL)
		return -EEXIST;
	head = &t->buckets[n->hash & t->mask];
	n->next = *head;
	*head = n;
	t->count++;
	return 0;
}

int
tern_ctable_insert_new(struct tern_ctable *t, struct tern_hnode *n)
{
	if (t->count >= t->capacity)
		return -ENOSPC;
	RTE_ASSERT(tern_ctable_lookup(t, &n->key, n->hash) == NULL);
	tern_ctable_link_new(t, n);
	return 0;
}

int
tern_ctable_remove(struct tern_ctable *t, struct tern_hnode *n)
{
	struct tern_hnode **link;

	if (t->buckets == NULL)
		return -ENOENT;
	for (link = &t->buckets[n->hash & t->mask]; *link != NULL;
	     link = &(*link)->next) {
		if (*link == n) {
			*link = n->next;
			n->next = NULL;
			t->count--;
			return 0;
		}
	}
	return -ENOENT;
}
