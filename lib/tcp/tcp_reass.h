/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_REASS_H
#define TCP_REASS_H

/**
 * @file
 * The receive side's out-of-order queue: a small sorted array of
 * non-overlapping byte ranges above RCV.NXT, each holding an opaque
 * buffer (an mbuf in tern). Pure logic, no DPDK calls, so it is unit
 * tested on its own; the caller trims and frees buffers as told.
 *
 * Rules (RFC 9293 3.10.7.4, RFC 2018):
 *  - The first copy of a byte wins: a new range is cut to the first gap
 *    it covers (its head or tail overlapping queued bytes is trimmed; if
 *    it spans a queued range, only the part before that range is kept --
 *    the lowest gap always fills, so repeated retransmissions progress).
 *  - At most TCP_REASS_MAX segments and max_bytes bytes per connection:
 *    beyond that a new range is refused (the caller counts and frees it).
 *  - SACK blocks report the range holding the most recent arrival
 *    first, then the others by recency (RFC 2018 4).
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_options.h"

/*
 * Segments held per connection: a 256 KiB window of 1448-byte segments
 * is 181, so 128 rides out several losses a window at line rate (32 cost
 * the kernel -> tern transfer at 1 % loss two thirds of its segments),
 * while the work per segment stays bounded (a memmove of at most 3 KiB).
 */
#define TCP_REASS_MAX 128

struct tcp_reass_seg {
	uint32_t seq;      /**< first byte held */
	uint32_t len;      /**< bytes held */
	uint32_t skip;     /**< bytes to drop at the head of data */
	uint32_t stamp;    /**< arrival order, for SACK block order */
	void *data;        /**< the caller's buffer */
};

struct tcp_reass {
	uint32_t n;        /**< ranges queued, sorted by seq */
	uint32_t bytes;    /**< bytes queued */
	uint32_t stamp;    /**< arrival counter */
	struct tcp_reass_seg s[TCP_REASS_MAX];
};

enum tcp_reass_verdict {
	TCP_REASS_QUEUED,     /**< kept; see *keep_skip / *keep_len */
	TCP_REASS_DUPLICATE,  /**< every byte already queued: free it */
	TCP_REASS_FULL,       /**< no room: free it (count it) */
};

static inline void
tcp_reass_init(struct tcp_reass *r)
{
	r->n = 0;
	r->bytes = 0;
	r->stamp = 0;
}

/**
 * Queue bytes [seq, seq + len) held in @p data, all above @p rcv_nxt.
 * On TCP_REASS_QUEUED, *keep_skip bytes at the head and everything past
 * *keep_len are not kept (the caller trims the tail of its buffer; the
 * head skip is recorded and handed back by tcp_reass_pop()).
 */
enum tcp_reass_verdict tcp_reass_insert(struct tcp_reass *r, uint32_t seq,
					uint32_t len, void *data,
					uint32_t max_bytes,
					uint32_t *keep_skip,
					uint32_t *keep_len);

/**
 * Take the first range if it starts at or below @p rcv_nxt. Bytes below
 * rcv_nxt (already delivered) are added to out->skip, and a range wholly
 * below rcv_nxt comes back with len 0 (free it). @return false when the
 * first range starts above rcv_nxt (a hole remains) or none is queued.
 */
bool tcp_reass_pop(struct tcp_reass *r, uint32_t rcv_nxt,
		   struct tcp_reass_seg *out);

/** Fill up to @p max SACK blocks; @return how many. */
unsigned int tcp_reass_sack_blocks(const struct tcp_reass *r,
				   struct tcp_sack_block *blocks,
				   unsigned int max);

/**
 * Remove every range, calling @p free_fn on each buffer (for reset,
 * close, or a memory-pressure purge).
 */
typedef void (*tcp_reass_free_fn)(void *data);

void tcp_reass_purge(struct tcp_reass *r, tcp_reass_free_fn free_fn);

#endif /* TCP_REASS_H */
