/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTPD_CORE_H
#define TERN_HTTPD_CORE_H

/**
 * @file
 * The HTTP/1.1 server of tern-httpd, one instance per lcore, over tern's
 * callback TCP API. Driver-agnostic: app/tern-httpd.c runs it on the DPDK
 * runtime, bench/tern-inproc runs it against tern-load in one process.
 *
 * Behaviour: persistent connections (HTTP/1.1 default, HTTP/1.0 with
 * "Connection: keep-alive"), pipelining (requests are answered in order;
 * parsing pauses while a response waits for send space), "Connection:
 * close", request bodies skipped (Content-Length or chunked), the same
 * in-memory page for every request (HEAD gets its header block), and
 * 400/413/414/431/505 responses that close the connection. Request heads
 * are bounded (431, or 414 when not even the request line fits).
 * "Expect: 100-continue" gets its interim response. When the server ends
 * a connection it half-closes and lingers until the client closes
 * (RFC 9112 9.6), so its last response is not lost to a reset.
 */

#include <stdint.h>

#include "tern_ctx.h"
#include "http_resp.h"

/** Largest number of consecutive ports one instance listens on. */
#define HTTPD_MAX_PORTS 256
/** Default bound of a request body (bytes skipped per request). */
#define HTTPD_DEFAULT_MAX_BODY (64ull << 20)
/** Default bound of input held while a response waits for send space. */
#define HTTPD_DEFAULT_MAX_HELD (256u << 10)

struct httpd_conf {
	uint16_t port;            /**< first port to listen on */
	uint16_t nb_ports;        /**< ports port .. port + nb_ports - 1 */
	const char *page;         /**< 200 body; NULL: HTTP_DEFAULT_PAGE */
	uint32_t page_len;
	const char *content_type; /**< of the page; NULL: text/html */
	uint32_t max_head;        /**< request head bound; 0: 8 KiB */
	uint64_t max_body;        /**< request body bound; 0: 64 MiB */
	uint32_t max_held;        /**< held input bound; 0: 256 KiB */
	uint32_t max_conns;       /**< connection records to provide */
	int64_t unix_sec;         /**< wall clock (s) when ctx->now_ns was */
	uint64_t unix_at_ns;      /**<   this value: Date fields follow it */
};

/** Counters of one instance (read them once its lcore stopped). */
struct httpd_stats {
	uint64_t accepted;
	uint64_t closed;
	uint64_t closed_abnormal;   /**< reset, timed out or aborted */
	uint64_t requests;          /**< request heads parsed */
	uint64_t responses_ok;      /**< 200s queued in full */
	uint64_t responses_err;     /**< 4xx/5xx queued */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t held_overflow;     /**< reset: too much input held */
	uint64_t nomem;             /**< refused or reset for want of memory */
	uint64_t send_retries;      /**< sends retried for want of mbufs */
	uint64_t linger_timeouts;   /**< closed: client did not close in time */
	uint64_t linger_aborts;     /**< reset: client sent too much after */
};

struct httpd;

/**
 * Create the server of @p ctx's lcore and start listening.
 * @return 0 and *out; -EINVAL (bad conf); -ENOMEM; or the error of
 *   tern_tcp_listen(). On error nothing is left listening.
 */
int httpd_create(struct tern_ctx *ctx, const struct httpd_conf *conf,
		 struct httpd **out);

/** Once per loop iteration: retries and the Date field. */
void httpd_poll(struct httpd *h);

/** Whether httpd_poll() has work now (for event-driven drivers). */
bool httpd_busy(const struct httpd *h);

/** Stop listening and abort every connection (closed() runs for each). */
void httpd_stop(struct httpd *h);

/** httpd_stop() if needed, then free @p h. NULL is a no-op. */
void httpd_destroy(struct httpd *h);

const struct httpd_stats *httpd_stats(const struct httpd *h);

/** Connections currently open. */
uint32_t httpd_open_conns(const struct httpd *h);

/** Bytes of application state per connection (for memory reports). */
size_t httpd_conn_size(void);

#endif /* TERN_HTTPD_CORE_H */
