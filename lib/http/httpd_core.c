/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/1.1 server core of tern-httpd. See httpd_core.h.
 *
 * Input is parsed straight from the received mbufs: each segment is fed
 * to the incremental reader (http.h), which only copies a request head
 * that spans segments. A response goes out with one tern_tcp_send() of
 * the pre-rendered header and body; when the send buffer takes less, the
 * rest of the response and the unparsed input are kept and parsing
 * resumes from writable(), so pipelined responses stay in order and the
 * memory held per connection stays bounded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_malloc.h>
#include <rte_mempool.h>

#include "tern_tcp.h"
#include "httpd_core.h"
#include "httpd_priv.h"
#include "httpd_hold.h"
#include "http_req_head.h"

size_t
httpd_conn_size(void)
{
	return sizeof(struct httpd_conn);
}

const struct httpd_stats *
httpd_stats(const struct httpd *h)
{
	return &h->st;
}

uint32_t
httpd_open_conns(const struct httpd *h)
{
	return h->nb_conns;
}

static bool
linger_due(const struct httpd *h)
{
	const struct httpd_conn *hc = TAILQ_FIRST(&h->linger);

	return hc != NULL && h->ctx->now_ns >= hc->linger_end_ns;
}

bool
httpd_busy(const struct httpd *h)
{
	return h->nb_retry > 0 || h->ctx->now_ns >= h->next_date_ns ||
	       linger_due(h);
}

/* ---- connection bookkeeping: httpd_hold.h ---- */

/*
 * The server is done with @p hc: close at once when the peer has
 * finished sending, else linger (see HTTPD_LINGER_NS). closed() may run
 * inside: @p hc may be gone after.
 */
static void
conn_close(struct httpd_conn *hc)
{
	if (hc->flags & HC_CLOSING)
		return;
	hc->flags |= HC_CLOSING;
	input_free(hc);
	retry_del(hc);
	if (hc->flags & HC_PEER_CLOSED) {
		tern_tcp_close(hc->c);
		return;
	}
	if (tern_tcp_shutdown(hc->c) != 0) {
		tern_tcp_abort(hc->c);
		return;
	}
	hc->flags |= HC_LINGER;
	hc->linger_end_ns = hc->h->ctx->now_ns + HTTPD_LINGER_NS;
	TAILQ_INSERT_TAIL(&hc->h->linger, hc, retry_link);
}

/* Lingering is over (peer closed, time, or bytes): close for good. */
static void
linger_end(struct httpd_conn *hc)
{
	linger_del(hc);
	tern_tcp_close(hc->c);
}

/* ---- output ---- */

/*
 * Part of the response went: keep the rest for writable() (or the
 * retry). @return 0, or -1 when the connection was aborted.
 */
static int
output_wait(struct httpd_conn *hc)
{
	/* The Date field may be rewritten before the rest goes. */
	if (hc->out_hdr == NULL && hc->out->date_off != UINT32_MAX &&
	    hc->out_off < hc->out->date_off + HTTP_DATE_LEN) {
		hc->out_hdr_len = hc->out->hdr_len - hc->out_off;
		hc->out_hdr = malloc(hc->out_hdr_len);
		if (hc->out_hdr == NULL) {
			hc->h->st.nomem++;
			tern_tcp_abort(hc->c);
			return -1;
		}
		memcpy(hc->out_hdr, hc->out->buf + hc->out_off,
		       hc->out_hdr_len);
	}
	return 0;
}

/*
 * tern_tcp_send() refused (@p n < 0): with no mbuf, try again later;
 * else the connection is broken. Same return values as output_flush().
 */
static int
output_refused(struct httpd_conn *hc, int32_t n)
{
	if (n == -ENOBUFS) {
		retry_add(hc);
		return 0;
	}
	tern_tcp_abort(hc->c);
	return -1;
}

/*
 * Send what is left of the current response.
 * @return 1 all queued; 0 waiting (writable or retry); -1 done with the
 *   connection (closing after the response, or aborted): @p hc may be
 *   gone.
 */
static int
output_flush(struct httpd_conn *hc)
{
	bool close;

	while (hc->out_off < hc->out_len) {
		const char *p;
		uint32_t len;
		int32_t n;

		if (hc->out_hdr != NULL) {
			p = hc->out_hdr + (hc->out_hdr_len -
					   (hc->out->hdr_len - hc->out_off));
			len = hc->out->hdr_len - hc->out_off;
		} else {
			p = hc->out->buf + hc->out_off;
			len = hc->out_len - hc->out_off;
		}
		n = tern_tcp_send(hc->c, p, len);
		if (n < 0)
			return output_refused(hc, n);
		hc->out_off += (uint32_t)n;
		hc->h->st.bytes_out += (uint32_t)n;
		if (hc->out_hdr != NULL && hc->out_off >= hc->out->hdr_len) {
			free(hc->out_hdr);
			hc->out_hdr = NULL;
		}
		if ((uint32_t)n < len)
			break;
	}
	if (hc->out_off < hc->out_len)
		return output_wait(hc);
	close = hc->out->close;
	hc->out = NULL;
	if (close) {
		conn_close(hc);     /* may free hc */
		return -1;
	}
	close_on_fin_renew(hc);
	return 1;
}

/*
 * The rest of respond() once tern_tcp_send() gave @p n for @p r's
 * @p len bytes: a response that closes, or one not taken whole.
 */
static int
respond_rest(struct httpd_conn *hc, const struct http_resp *r, uint32_t len,
	     int32_t n)
{
	if (n == (int32_t)len) {
		hc->h->st.bytes_out += len;
		conn_close(hc);     /* may free hc */
		return -1;
	}
	hc->out = r;
	hc->out_off = 0;
	hc->out_len = len;
	close_on_fin_withdraw(hc);
	if (n < 0)
		return output_refused(hc, n);
	hc->out_off = (uint32_t)n;
	hc->h->st.bytes_out += (uint32_t)n;
	return output_wait(hc);
}

/* Start response @p kind. Same return values as output_flush(). Inline:
 * the usual response (taken whole, the connection kept) is a send and
 * two counters, less than a call costs. */
static inline int
respond(struct httpd_conn *hc, enum http_resp_kind kind, bool head_only)
{
	const struct http_resp *r = &hc->h->resp.r[kind];
	uint32_t len = head_only ? r->hdr_len : r->len;
	int32_t n;

	if (kind <= HTTP_RESP_OK_CLOSE)
		hc->h->st.responses_ok++;
	else if (kind != HTTP_RESP_100)
		hc->h->st.responses_err++;
	/* Nothing is waiting (parsing stops while a response does): the
	 * usual send takes it all, and nothing is left to keep. */
	n = tern_tcp_send(hc->c, r->buf, len);
	if (likely(n == (int32_t)len && !r->close)) {
		hc->h->st.bytes_out += len;
		return 1;
	}
	return respond_rest(hc, r, len, n);
}

/* ---- input ---- */

/*
 * A valid request head, its body (if any) being skipped by the reader:
 * respond now when the request is complete, else once the body is.
 */
static inline __attribute__((always_inline)) int
on_request(struct httpd_conn *hc, const struct http_request *req)
{
	if (req->body == HTTP_BODY_NONE)
		return respond(hc, http_resp_for_request(req), req->is_head);
	if (req->body == HTTP_BODY_LENGTH &&
	    req->content_length > hc->h->conf.max_body)
		return respond(hc, HTTP_RESP_413, false);
	hc->pending = (uint8_t)http_resp_for_request(req);
	hc->pending_head = req->is_head;
	/* The client waits for this before sending the body. */
	if (req->expect_continue)
		return respond(hc, HTTP_RESP_100, false);
	return 1;
}

static int
on_reader_error(struct httpd_conn *hc, enum http_ev ev)
{
	switch (ev) {
	case HTTP_EV_TOO_LONG:
		return respond(hc, HTTP_RESP_431, false);
	case HTTP_EV_BAD_LINE:
		return respond(hc, HTTP_RESP_414, false);
	case HTTP_EV_NOMEM:
		hc->h->st.nomem++;
		return respond(hc, HTTP_RESP_500, false);
	default:
		return respond(hc, HTTP_RESP_400, false);
	}
}

/*
 * An event of the general feed (not HTTP_EV_NEED_MORE); @p req and
 * @p status as http_reader_feed_request() gives them on a head. Same
 * return values as parse_piece()'s *state.
 */
static int
on_feed_event(struct httpd_conn *hc, enum http_ev ev,
	      const struct http_request *req, int status)
{
	switch (ev) {
	case HTTP_EV_HEAD:
		hc->h->st.requests++;
		if (status != 0)
			return respond(hc, http_resp_for_status(status),
				       false);
		http_reader_set_body(&hc->rd, req->body, req->content_length);
		/* No body: the message is complete already. */
		http_reader_take_done(&hc->rd);
		return on_request(hc, req);
	case HTTP_EV_DONE:
		return respond(hc, (enum http_resp_kind)hc->pending,
			       hc->pending_head);
	default:
		return on_reader_error(hc, ev);
	}
}

/*
 * Parse from @p p as far as the output allows: the usual request whole
 * in one step (http_reader_take_request()), anything else through the
 * general feed. Inlined into both callers: the call and *state in
 * memory cost some 20 instructions a request.
 * @return bytes consumed; *state 1 go on, 0 blocked on output, -1 done
 *   with this connection (closing or aborted).
 */
static inline __attribute__((always_inline)) uint32_t
parse_piece(struct httpd_conn *hc, const char *p, uint32_t len, int *state)
{
	uint32_t off = 0, used;
	struct http_request req;
	enum http_ev ev;
	int status = 0;

	for (;;) {
		used = http_reader_take_request(&hc->rd, p + off, len - off,
						&req);
		if (likely(used != 0)) {
			off += used;
			hc->h->st.requests++;
			*state = on_request(hc, &req);
		} else {
			ev = http_reader_feed_request(&hc->rd, p + off,
						      len - off, &used, &req,
						      &status);
			off += used;
			if (ev == HTTP_EV_NEED_MORE) {
				*state = 1;
				return off;
			}
			*state = on_feed_event(hc, ev, &req, status);
		}
		if (*state == 1 && (hc->flags & HC_CLOSING))
			*state = -1;
		/* No byte left: the reader would only say it needs more
		 * (it never holds a DONE to report: a head's empty body
		 * is taken at once). */
		if (*state != 1 || off == len)
			return off;
	}
}

/*
 * Parse the held input until it is used up, output blocks, or the
 * connection is done; then close it if the peer has finished.
 */
static void
input_process(struct httpd_conn *hc)
{
	int state = 1;

	while (hc->in != NULL) {
		struct rte_mbuf *seg = hc->in;
		uint32_t n = parse_piece(hc, rte_pktmbuf_mtod_offset(seg,
					 const char *, hc->in_off),
					 seg->data_len - hc->in_off, &state);

		if (state < 0)
			return;
		hc->in_off += n;
		hc->in_bytes -= n;
		if (hc->in_off == seg->data_len)
			input_pop(hc);
		if (state == 0)
			return;
	}
	if ((hc->flags & HC_PEER_CLOSED) && hc->out == NULL)
		conn_close(hc);
}

/*
 * The rest of a piece parsed where it lies (input_direct()): @p off
 * bytes taken by http_reader_take_request() into @p req (none when 0),
 * a request with a body or more requests after it. What is left is held
 * only when a response blocks on send space.
 */
static __attribute__((noinline)) void
input_direct_rest(struct httpd_conn *hc, struct rte_mbuf *data, uint32_t off,
		  const struct http_request *req)
{
	struct tern_ctx *ctx = hc->h->ctx;
	int state = 1;

	if (off != 0) {
		hc->h->st.requests++;
		state = on_request(hc, req);
		if (state == 1 && (hc->flags & HC_CLOSING))
			state = -1;
	}
	if (state == 1 && off < data->data_len)
		off += parse_piece(hc, rte_pktmbuf_mtod_offset(data,
				   const char *, off), data->data_len - off,
				   &state);
	/* Parsed whole: freed with the step's other received mbufs, in one
	 * mempool call (the stack flushes them as the step's input ends). */
	if (state < 0) {
		tern_rx_free(ctx, data);   /* hc may be gone */
		return;
	}
	if (off < data->data_len) {
		input_append(hc, data);
		hc->in_off = off;
		hc->in_bytes -= off;
		return;
	}
	tern_rx_free(ctx, data);
	if (state == 1 && (hc->flags & HC_PEER_CLOSED) && hc->out == NULL)
		conn_close(hc);
}

/*
 * The usual piece -- one segment, nothing held, no response waiting --
 * is parsed where it lies. The usual request, the whole piece and
 * without a body, is answered here; anything else goes on in
 * input_direct_rest().
 */
static inline void
input_direct(struct httpd_conn *hc, struct rte_mbuf *data)
{
	struct tern_ctx *ctx = hc->h->ctx;
	struct http_request req;
	uint32_t len = data->data_len;
	uint32_t n = http_take_request(&hc->rd,
		rte_pktmbuf_mtod(data, const char *), len, &req);
	int state;

	if (unlikely(n != len || n == 0 || req.body != HTTP_BODY_NONE)) {
		input_direct_rest(hc, data, n, &req);
		return;
	}
	hc->h->st.requests++;
	state = respond(hc, http_resp_for_request(&req), req.is_head);
	tern_rx_free(ctx, data);   /* hc may be gone when state < 0 */
	/* A response taken whole leaves nothing waiting: with the peer
	 * done sending, the server is done too. */
	if (state == 1 && (hc->flags & (HC_CLOSING | HC_PEER_CLOSED)) ==
			  HC_PEER_CLOSED)
		conn_close(hc);
}

/*
 * Input while a response waits or input is held, or after the server
 * is done with the connection (lingering: discarded and counted).
 */
static __attribute__((noinline)) void
input_other(struct tern_conn *c, struct httpd_conn *hc, struct rte_mbuf *data)
{
	if (hc->flags & HC_CLOSING) {
		hc->lingered_bytes += rte_pktmbuf_pkt_len(data);
		rte_pktmbuf_free(data);
		if (hc->lingered_bytes > HTTPD_LINGER_MAX_BYTES) {
			hc->h->st.linger_aborts++;
			tern_tcp_abort(c);
		}
		return;
	}
	input_append(hc, data);
	if (hc->out != NULL) {
		/* Blocked on output: keep it, within bounds. */
		if (hc->in_bytes > hc->h->conf.max_held) {
			hc->h->st.held_overflow++;
			tern_tcp_abort(c);
		}
		return;
	}
	input_process(hc);
}

/* ---- callbacks ---- */

/* A record from the pool once the stash is empty. Out of line: the
 * pool's ops kept on_accepted() saving registers for every connection. */
static __attribute__((noinline)) void *
conn_record_get(struct httpd *h)
{
	void *obj;

	if (rte_mempool_get(h->pool, &obj) != 0) {
		h->st.nomem++;
		return NULL;
	}
	return obj;
}

/* A record back to the pool once the stash is full (out of line, as
 * conn_record_get()). */
static __attribute__((noinline)) void
conn_record_put(struct httpd *h, struct httpd_conn *hc)
{
	rte_mempool_put(h->pool, hc);
}

static int
on_accepted(struct tern_conn *c, void *listen_user)
{
	struct httpd *h = listen_user;
	struct httpd_conn *hc;
	void *obj;

	if (likely(h->stash_n > 0)) {
		obj = h->stash[--h->stash_n];
	} else {
		obj = conn_record_get(h);
		if (obj == NULL)
			return -ENOMEM;
	}
	hc = obj;
	memset(hc, 0, offsetof(struct httpd_conn, c));
	hc->c = c;
	hc->h = h;
	http_reader_init(&hc->rd, h->conf.max_head);
	TAILQ_INSERT_TAIL(&h->conns, hc, link);
	h->nb_conns++;
	h->st.accepted++;
	tern_tcp_set_user(c, hc);
	return 0;
}

static void
on_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct httpd_conn *hc = user;

	hc->h->st.bytes_in += rte_pktmbuf_pkt_len(data);
	if (likely(hc->in == NULL && hc->out == NULL &&
		   !(hc->flags & HC_CLOSING) && data->nb_segs == 1)) {
		input_direct(hc, data);
		return;
	}
	input_other(c, hc, data);
}

static void
on_writable(struct tern_conn *c, void *user)
{
	struct httpd_conn *hc = user;

	if (hc->out == NULL || output_flush(hc) != 1)
		return;
	input_process(hc);
}

static void
on_peer_closed(struct tern_conn *c, void *user)
{
	struct httpd_conn *hc = user;

	/* The usual end: no flag yet, nothing held or waiting. Closed at
	 * once, as conn_close() would (nothing to free or unlink); a bare
	 * FIN found the promise (httpd_hold.h) and the stack closed in its
	 * step (LAST_ACK): close() is then a no-op. */
	if (likely(hc->flags == 0 && hc->out == NULL && hc->in == NULL)) {
		hc->flags = HC_PEER_CLOSED | HC_CLOSING;
		tern_tcp_close(c);
		return;
	}
	hc->flags |= HC_PEER_CLOSED;
	if (hc->flags & HC_LINGER)
		linger_end(hc);
	else if (hc->out == NULL && hc->in == NULL)
		conn_close(hc);
}

/* What a closing connection may still hold: on a list, input, or the
 * rest of a response header. */
static __attribute__((noinline)) void
conn_release(struct httpd_conn *hc)
{
	retry_del(hc);
	linger_del(hc);
	input_free(hc);
	if (hc->out_hdr != NULL)   /* only after a partial send */
		free(hc->out_hdr);
}

static void
on_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	struct httpd_conn *hc = user;
	struct httpd *h = hc->h;

	/* The usual connection holds nothing by now: one test. */
	if (unlikely((hc->flags & (HC_ON_RETRY | HC_LINGER)) != 0 ||
		     hc->in != NULL || hc->out_hdr != NULL))
		conn_release(hc);
	http_reader_fini(&hc->rd);
	TAILQ_REMOVE(&h->conns, hc, link);
	h->nb_conns--;
	h->st.closed++;
	if (why != TERN_TCP_CLOSE_NORMAL)
		h->st.closed_abnormal++;
	if (likely(h->stash_n < HTTPD_STASH))
		h->stash[h->stash_n++] = hc;
	else
		conn_record_put(h, hc);
}

static const struct tern_tcp_ops httpd_ops = {
	.accepted = on_accepted,
	.recv = on_recv,
	.writable = on_writable,
	.peer_closed = on_peer_closed,
	.closed = on_closed,
};

/* ---- instance ---- */

static int64_t
httpd_unix_now(const struct httpd *h)
{
	return h->conf.unix_sec + (int64_t)((h->ctx->now_ns -
		h->conf.unix_at_ns) / HTTPD_NS_PER_S);
}

void
httpd_poll(struct httpd *h)
{
	unsigned int n = h->nb_retry;
	struct httpd_conn *hc;

	if (h->ctx->now_ns >= h->next_date_ns) {
		uint64_t into = (h->ctx->now_ns - h->conf.unix_at_ns) %
				HTTPD_NS_PER_S;

		http_resp_set_date(&h->resp, httpd_unix_now(h));
		h->next_date_ns = h->ctx->now_ns + HTTPD_NS_PER_S - into;
	}
	/* Only those queued now: a retry that fails queues itself again. */
	while (n-- > 0 && (hc = TAILQ_FIRST(&h->retry)) != NULL) {
		retry_del(hc);
		on_writable(hc->c, hc);
	}
	while (linger_due(h)) {
		h->st.linger_timeouts++;
		linger_end(TAILQ_FIRST(&h->linger));
	}
}

static int
conf_check(const struct httpd_conf *conf)
{
	if (conf->port == 0 || conf->nb_ports == 0 ||
	    conf->nb_ports > HTTPD_MAX_PORTS ||
	    (uint32_t)conf->port + conf->nb_ports - 1 > UINT16_MAX ||
	    conf->max_conns == 0)
		return -EINVAL;
	return 0;
}

int
httpd_create(struct tern_ctx *ctx, const struct httpd_conf *conf,
	     struct httpd **out)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct httpd *h;
	int rc;

	*out = NULL;
	if (conf_check(conf) != 0)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->ctx = ctx;
	h->conf = *conf;
	if (h->conf.max_body == 0)
		h->conf.max_body = HTTPD_DEFAULT_MAX_BODY;
	if (h->conf.max_held == 0)
		h->conf.max_held = HTTPD_DEFAULT_MAX_HELD;
	if (h->conf.content_type == NULL)
		h->conf.content_type = "text/html";
	TAILQ_INIT(&h->conns);
	TAILQ_INIT(&h->retry);
	TAILQ_INIT(&h->linger);
	h->next_date_ns = ctx->now_ns;
	rc = http_resp_set_init(&h->resp, "tern-httpd", conf->page,
				conf->page_len, h->conf.content_type,
				httpd_unix_now(h));
	if (rc != 0) {
		free(h);
		return rc;
	}
	/* One lcore owns it: single producer and consumer, no cache. */
	snprintf(name, sizeof(name), "httpd%" PRIxPTR, (uintptr_t)h);
	h->pool = rte_mempool_create(name, conf->max_conns,
				     sizeof(struct httpd_conn), 0, 0, NULL,
				     NULL, NULL, NULL, (int)rte_socket_id(),
				     RTE_MEMPOOL_F_SP_PUT |
				     RTE_MEMPOOL_F_SC_GET);
	if (h->pool == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < conf->nb_ports; i++) {
		rc = tern_tcp_listen(ctx, (uint16_t)(conf->port + i),
				     &httpd_ops, h,
				     &h->listeners[h->nb_listeners]);
		if (rc != 0)
			goto fail;
		/* A new connection holds nothing: the peer's FIN alone
		 * would close it (httpd_hold.h). */
		tern_tcp_listen_close_on_fin(h->listeners[h->nb_listeners],
					     true);
		h->nb_listeners++;
	}
	*out = h;
	return 0;
fail:
	httpd_destroy(h);
	return rc;
}

void
httpd_stop(struct httpd *h)
{
	struct httpd_conn *hc;

	while (h->nb_listeners > 0)
		tern_tcp_unlisten(h->listeners[--h->nb_listeners]);
	/* abort() runs closed() at once, which unlinks the record. */
	while ((hc = TAILQ_FIRST(&h->conns)) != NULL)
		tern_tcp_abort(hc->c);
}

void
httpd_destroy(struct httpd *h)
{
	if (h == NULL)
		return;
	httpd_stop(h);
	while (h->stash_n > 0)
		rte_mempool_put(h->pool, h->stash[--h->stash_n]);
	rte_mempool_free(h->pool);
	http_resp_set_fini(&h->resp);
	free(h);
}
