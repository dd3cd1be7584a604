/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTPD_PRIV_H
#define TERN_HTTPD_PRIV_H

/*
 * Inside lib/http: the state of tern-httpd's server core (httpd_core.c),
 * per instance and per connection.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_mempool.h>

#include "http.h"
#include "http_resp.h"
#include "httpd_core.h"

#define HTTPD_NS_PER_S 1000000000ull
/*
 * Lingering close (RFC 9112 9.6): when the server ends a connection the
 * client may still be sending (pipelined requests after an error, the
 * rest of an oversized head). Closing at once would answer that data
 * with a reset, which can destroy our response in the client's receive
 * queue before it is read. So the server half-closes, discards input
 * until the client closes, and only then closes -- or after this long,
 * or this much discarded input (nginx: lingering_time, 30 s).
 */
#define HTTPD_LINGER_NS (5ull * HTTPD_NS_PER_S)
#define HTTPD_LINGER_MAX_BYTES (1u << 20)

enum httpd_conn_flag {
	HC_PEER_CLOSED = 1u << 0,   /* FIN received */
	HC_CLOSING = 1u << 1,       /* no more responses: lingering or
				       closed */
	HC_ON_RETRY = 1u << 2,
	HC_LINGER = 1u << 3,        /* half-closed, on the linger list */
};

struct httpd_conn {
	/* Up to c: zeroed when the record is taken. Input not parsed yet
	 * because a response waits for send space. */
	struct rte_mbuf *in;
	struct rte_mbuf *in_tail;
	uint32_t in_off;            /* bytes of the first segment consumed */
	uint32_t in_bytes;
	/* The response in progress: out->buf[out_off .. out_len). */
	const struct http_resp *out;
	uint32_t out_off;
	uint32_t out_len;
	/* Unsent header bytes copied, since Date may be rewritten. */
	char *out_hdr;
	uint32_t out_hdr_len;
	uint8_t flags;
	uint8_t pending;            /* enum http_resp_kind for the request
				       whose body is being skipped */
	bool pending_head;          /* ... and it was a HEAD */
	uint32_t lingered_bytes;    /* input discarded while lingering */
	/* From here on: each set by its own rule, not zeroed (the reader
	 * zeroes itself; the rest is valid once on its list or flagged). */
	struct tern_conn *c;
	struct httpd *h;
	struct http_reader rd;
	uint64_t linger_end_ns;     /* with HC_LINGER */
	TAILQ_ENTRY(httpd_conn) link;
	/* The retry list, or the linger list: never both at once (a
	 * lingering connection sends nothing more). */
	TAILQ_ENTRY(httpd_conn) retry_link;
};

TAILQ_HEAD(httpd_conn_list, httpd_conn);

/* Free httpd_conn records kept out of the pool. */
#define HTTPD_STASH 16

struct httpd {
	struct tern_ctx *ctx;
	struct httpd_conf conf;
	struct http_resp_set resp;
	struct rte_mempool *pool;   /* struct httpd_conn records */
	/* Records freed last, taken first: a get or put through the
	 * pool's ring ops costs some 50 instructions per connection. */
	uint32_t stash_n;
	struct httpd_conn *stash[HTTPD_STASH];
	struct tern_listener *listeners[HTTPD_MAX_PORTS];
	uint16_t nb_listeners;
	uint32_t nb_conns;
	uint32_t nb_retry;
	uint64_t next_date_ns;      /* when the Date field changes */
	struct httpd_conn_list conns;
	/* Connections whose send failed for want of mbufs: no writable()
	 * comes for them, so httpd_poll() retries. */
	struct httpd_conn_list retry;
	/* Half-closed connections, in order of linger_end_ns. */
	struct httpd_conn_list linger;
	struct httpd_stats st;
};

#endif /* TERN_HTTPD_PRIV_H */
