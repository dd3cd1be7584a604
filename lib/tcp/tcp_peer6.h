/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_PEER6_H
#define TCP_PEER6_H

/**
 * @file
 * The per-worker intern table of IPv6 peers (docs/ipv6.md, "TCP over
 * IPv6"). An IPv6 flow keeps the 12-byte key of IPv4: its foreign
 * address is the index of the peer's 16-byte address here. Every
 * connection record and TIME_WAIT record of the peer holds a reference;
 * the entry goes back to the free list when the last one is put. Pure
 * code over caller-provided memory (unit-tested without the EAL).
 */

#include <stdbool.h>
#include <stdint.h>

#include "tern_ip6.h"

/** No entry (a full table, or an address not interned). */
#define TCP_PEER6_NONE UINT32_MAX

struct tcp_peer6 {
	struct tern_ip6 addr;
	uint32_t refs;
	uint32_t next;       /**< hash chain, or free list */
};

struct tcp_peers6 {
	struct tcp_peer6 *e;     /**< cap entries */
	uint32_t *bucket;        /**< mask + 1 chain heads */
	uint32_t cap, mask;
	uint32_t used;           /**< entries interned */
	uint32_t free_head;
	uint32_t seed;
	uint32_t last;           /**< the entry interned last (a segment
				      mostly comes from the previous one's
				      peer); TCP_PEER6_NONE once freed */
};

/** Buckets a table of @p cap entries needs (a power of two >= cap). */
uint32_t tcp_peers6_buckets_for(uint32_t cap);

/** Set @p t up over @p e (cap entries) and @p bucket
 *  (tcp_peers6_buckets_for(cap) heads). */
void tcp_peers6_init(struct tcp_peers6 *t, struct tcp_peer6 *e,
		     uint32_t cap, uint32_t *bucket, uint32_t seed);

/** The index of @p a, or TCP_PEER6_NONE. */
uint32_t tcp_peers6_find(const struct tcp_peers6 *t,
			 const struct tern_ip6 *a);

/** tcp_peers6_intern() past the last entry interned. */
uint32_t tcp_peers6_intern_chain(struct tcp_peers6 *t,
				 const struct tern_ip6 *a);

/** The index of @p a, added with no reference when absent;
 *  TCP_PEER6_NONE when the table is full. Inline when @p a is the
 *  address interned last: every segment of a flow interns its source. */
static inline uint32_t
tcp_peers6_intern(struct tcp_peers6 *t, const struct tern_ip6 *a)
{
	if (t->last != TCP_PEER6_NONE && tern_ip6_eq(&t->e[t->last].addr, a))
		return t->last;
	return tcp_peers6_intern_chain(t, a);
}

/** One more holder of entry @p i. */
static inline void
tcp_peers6_hold(struct tcp_peers6 *t, uint32_t i)
{
	t->e[i].refs++;
}

/** Free entry @p i if nobody holds it (an intern that came to nothing). */
void tcp_peers6_forget(struct tcp_peers6 *t, uint32_t i);

/** A holder of entry @p i let go; the last one frees it. */
static inline void
tcp_peers6_put(struct tcp_peers6 *t, uint32_t i)
{
	if (--t->e[i].refs == 0)
		tcp_peers6_forget(t, i);
}

static inline const struct tern_ip6 *
tcp_peers6_addr(const struct tcp_peers6 *t, uint32_t i)
{
	return &t->e[i].addr;
}

#endif /* TCP_PEER6_H */
