/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_CTABLE_H
#define TERN_CTABLE_H

/**
 * @file
 * Per-lcore flow table: chained hash of intrusive nodes keyed by the
 * 4-tuple. Owned by one lcore, so no locks and no atomics. The caller
 * supplies the hash (the NIC's RSS hash when usable, else
 * tern_flow_hash_sw()) so that a burst can be hashed and prefetched
 * before any lookup.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <rte_byteorder.h>
#include <rte_prefetch.h>

/** 4-tuple from our side: l = local, f = foreign; network byte order. */
struct tern_flow_key {
	rte_be32_t laddr;
	rte_be32_t faddr;
	rte_be16_t lport;
	rte_be16_t fport;
};

/** A flow's key and its hash side by side (16 bytes), as a node holds
 *  them: tern_ctable_lookup_kh() compares both in two 64-bit words. */
struct tern_flow_kh {
	struct tern_flow_key key;
	uint32_t hash;
};

struct tern_hnode {
	struct tern_hnode *next;
	union {
		struct tern_flow_kh kh;
		struct {
			struct tern_flow_key key;
			uint32_t hash;
		};
	};
};

struct tern_ctable {
	struct tern_hnode **buckets;
	uint32_t mask;      /**< number of buckets - 1 (power of two) */
	uint32_t count;     /**< entries present */
	uint32_t capacity;  /**< entries allowed; insert beyond is refused */
	bool owns_buckets;  /**< buckets came from rte_zmalloc_socket() */
};

/** Largest capacity a table accepts (its buckets must fit a uint32_t). */
#define TERN_CTABLE_MAX_CAPACITY (UINT32_C(1) << 31)

/**
 * Number of buckets a table of @p capacity entries uses: the smallest
 * power of two >= @p capacity, so the load factor never exceeds 1.
 * @return that number; 0 when @p capacity is 0 or above
 *   TERN_CTABLE_MAX_CAPACITY.
 */
uint32_t tern_ctable_buckets_for(uint32_t capacity);

/**
 * Allocate buckets for @p capacity entries on NUMA @p socket (or
 * SOCKET_ID_ANY), cache-line aligned and zeroed. Needs the EAL.
 * @return 0, -EINVAL (capacity 0 or above TERN_CTABLE_MAX_CAPACITY),
 *   -ENOMEM.
 */
int tern_ctable_init(struct tern_ctable *t, uint32_t capacity, int socket);

/**
 * Set @p t up over caller-provided memory: @p buckets holds @p nb_buckets
 * pointers, which must equal tern_ctable_buckets_for(@p capacity); this
 * call zeroes them. The memory stays the caller's (fini does not free
 * it). Needs no EAL.
 * @return 0, -EINVAL (capacity out of range, buckets NULL, or
 *   nb_buckets not the required count).
 */
int tern_ctable_init_mem(struct tern_ctable *t, uint32_t capacity,
			 struct tern_hnode **buckets, uint32_t nb_buckets);

/**
 * Release the buckets if this table allocated them (entries are owned
 * by the caller) and leave @p t empty; calling it again is harmless.
 */
void tern_ctable_fini(struct tern_ctable *t);

/**
 * Keyed software hash of @p k (seed chosen by the caller at start):
 * CRC32-C over the 12 key bytes, with the SSE4.2 instruction when the
 * CPU has it.
 */
uint32_t tern_flow_hash_sw(const struct tern_flow_key *k, uint32_t seed);

_Static_assert(sizeof(struct tern_flow_key) == 12 &&
	       offsetof(struct tern_flow_key, lport) == sizeof(uint64_t),
	       "a flow key is two addresses, then two ports, unpadded");
_Static_assert(sizeof(struct tern_flow_kh) == 16 &&
	       offsetof(struct tern_flow_kh, hash) ==
	       sizeof(struct tern_flow_key),
	       "a keyed hash is the key, then its hash, unpadded");

/* Equal keys: the addresses as one 64-bit word, the ports as one 32-bit
 * word, without a branch (every segment's lookup compares one). */
static inline bool
tern_flow_key_eq(const struct tern_flow_key *a, const struct tern_flow_key *b)
{
	uint64_t addrs_a, addrs_b;
	uint32_t ports_a, ports_b;

	memcpy(&addrs_a, a, sizeof(addrs_a));
	memcpy(&addrs_b, b, sizeof(addrs_b));
	memcpy(&ports_a, (const uint8_t *)a + sizeof(addrs_a), sizeof(ports_a));
	memcpy(&ports_b, (const uint8_t *)b + sizeof(addrs_b), sizeof(ports_b));
	return ((addrs_a ^ addrs_b) | (ports_a ^ ports_b)) == 0;
}

static inline void
tern_ctable_prefetch(const struct tern_ctable *t, uint32_t hash)
{
	rte_prefetch0(&t->buckets[hash & t->mask]);
}

/** The first entry of @p hash's bucket (for a prefetch), or NULL. */
static inline const struct tern_hnode *
tern_ctable_first(const struct tern_ctable *t, uint32_t hash)
{
	return t->buckets[hash & t->mask];
}

/** Find the entry for @p key (hash @p hash) or NULL. */
static inline struct tern_hnode *
tern_ctable_lookup(const struct tern_ctable *t,
		   const struct tern_flow_key *key, uint32_t hash)
{
	struct tern_hnode *n;

	for (n = t->buckets[hash & t->mask]; n != NULL; n = n->next)
		if (n->hash == hash && tern_flow_key_eq(&n->key, key))
			return n;
	return NULL;
}

/**
 * tern_ctable_lookup() of a key held with its hash (@p kh): the key
 * and the hash are compared as two 64-bit words together, one test per
 * entry (every received segment's lookup takes it).
 */
static inline struct tern_hnode *
tern_ctable_lookup_kh(const struct tern_ctable *t,
		      const struct tern_flow_kh *kh)
{
	struct tern_hnode *n;
	uint64_t w0, w1, n0, n1;

	memcpy(&w0, kh, sizeof(w0));
	memcpy(&w1, (const uint8_t *)kh + sizeof(w0), sizeof(w1));
	for (n = t->buckets[kh->hash & t->mask]; n != NULL; n = n->next) {
		memcpy(&n0, &n->kh, sizeof(n0));
		memcpy(&n1, (const uint8_t *)&n->kh + sizeof(n0), sizeof(n1));
		if (((n0 ^ w0) | (n1 ^ w1)) == 0)
			return n;
	}
	return NULL;
}

/**
 * Insert @p n with @p n->key and @p n->hash already set. The caller
 * must use one hash function for all entries of a table: a duplicate
 * key is found only under the same hash.
 * @return 0, -ENOSPC when the table holds capacity entries (checked
 *   first), -EEXIST when the key is present.
 */
int tern_ctable_insert(struct tern_ctable *t, struct tern_hnode *n);

/**
 * tern_ctable_insert() for a key the caller knows is absent (an
 * invariant of its own, not a peer's input): no duplicate search.
 * @return 0, or -ENOSPC when the table holds capacity entries.
 */
int tern_ctable_insert_new(struct tern_ctable *t, struct tern_hnode *n);

/**
 * Link @p n (key and hash set) at the head of its chain, with neither
 * of tern_ctable_insert_new()'s refusals: the caller has checked that
 * @p t holds fewer than capacity entries and knows that @p n's key is
 * absent (a lookup it has just made). Inline: a connection's record
 * joins its table this way.
 */
static inline void
tern_ctable_link_new(struct tern_ctable *t, struct tern_hnode *n)
{
	struct tern_hnode **head = &t->buckets[n->hash & t->mask];

	n->next = *head;
	*head = n;
	t->count++;
}

/**
 * Remove @p n, which must be in @p t (O(length of its chain)).
 * @return 0, -ENOENT when @p n is not in @p t (nothing changed).
 */
int tern_ctable_remove(struct tern_ctable *t, struct tern_hnode *n);

#endif /* TERN_CTABLE_H */
