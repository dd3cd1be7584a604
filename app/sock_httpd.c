/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server of tern-sock-httpd (sock_httpd.h), also run by
 * bench/tern-inproc --server sock. Per readable connection: one read, every complete request in it
 * answered, the answers written with one writev(); what does not fit
 * waits for EPOLLOUT and the connection is not read meanwhile.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/tcp.h>

#include "http.h"
#include "http_resp.h"
#include "sock_httpd.h"

#define SH_READ_BUF (16u << 10)
#define SH_EVENTS 64
#define SH_IOV_MAX 64
#define SH_MAX_BODY (1u << 20)

struct sh_conn {
	int fd;
	bool listener;
	bool closing;             /* close once the output is out */
	bool want_out;
	uint8_t pending;          /* response of the request in progress */
	bool pending_head;
	struct http_reader rd;
	struct iovec out[SH_IOV_MAX];
	uint32_t nb_out;
};

struct sh {
	int ep;
	struct sh_conn lst;
	struct http_resp_set resp;
	uint64_t accepted, closed, requests, errors;
	unsigned int worker;
	struct sh_total *total;
	bool quiet;
	char buf[SH_READ_BUF];
};

int
sh_parse_port(void *arg, const char *v)
{
	struct sh_conf *conf = arg;

	return sock_app_parse_port(v, &conf->port);
}

static void
sh_close(struct sh *h, struct sh_conn *c)
{
	SK(close)(c->fd);
	http_reader_fini(&c->rd);
	free(c);
	h->closed++;
}

/* Queue response @p kind. @return false when the queue is full. */
static bool
sh_respond(struct sh *h, struct sh_conn *c, enum http_resp_kind kind,
	   bool head_only)
{
	const struct http_resp *r = &h->resp.r[kind];

	if (c->nb_out == SH_IOV_MAX)
		return false;
	c->out[c->nb_out++] = (struct iovec){ r->buf,
		head_only ? r->hdr_len : r->len };
	if (r->close)
		c->closing = true;
	if (kind != HTTP_RESP_OK && kind != HTTP_RESP_OK_KEEP_10 &&
	    kind != HTTP_RESP_OK_CLOSE && kind != HTTP_RESP_100)
		h->errors++;
	return true;
}

static bool
sh_on_head(struct sh *h, struct sh_conn *c)
{
	struct http_request req;
	uint32_t len;
	const char *p = http_reader_head(&c->rd, &len);
	int status = http_parse_request(p, len, &req);

	h->requests++;
	if (status == 0 && req.body == HTTP_BODY_LENGTH &&
	    req.content_length > SH_MAX_BODY)
		status = 413;
	if (status != 0)
		return sh_respond(h, c, http_resp_for_status(status), false);
	c->pending = (uint8_t)http_resp_for_request(&req);
	c->pending_head = req.is_head;
	http_reader_set_body(&c->rd, req.body, req.content_length);
	if (req.expect_continue)
		return sh_respond(h, c, HTTP_RESP_100, false);
	return true;
}

static enum http_resp_kind
sh_reader_error(enum http_ev ev)
{
	switch (ev) {
	case HTTP_EV_TOO_LONG: return HTTP_RESP_431;
	case HTTP_EV_BAD_LINE: return HTTP_RESP_414;
	case HTTP_EV_NOMEM: return HTTP_RESP_500;
	default: return HTTP_RESP_400;
	}
}

/* Answer every complete request of @p p[0..len). */
static void
sh_parse(struct sh *h, struct sh_conn *c, const char *p, uint32_t len)
{
	uint32_t off = 0, used;

	while (!c->closing) {
		enum http_ev ev = http_reader_feed(&c->rd, p + off, len - off,
						   &used);
		bool ok;

		off += used;
		if (ev == HTTP_EV_NEED_MORE)
			return;
		if (ev == HTTP_EV_HEAD)
			ok = sh_on_head(h, c);
		else if (ev == HTTP_EV_DONE)
			ok = sh_respond(h, c, (enum http_resp_kind)c->pending,
					c->pending_head);
		else
			ok = sh_respond(h, c, sh_reader_error(ev), false);
		if (!ok) {
			/* Pipelined beyond SH_IOV_MAX answers: give up. */
			c->closing = true;
			return;
		}
	}
}

/* Write the queued answers. @return 1 all out; 0 blocked; -1 error. */
static int
sh_flush(struct sh_conn *c)
{
	uint32_t first = 0;

	if (c->nb_out == 0)
		return 1;

	while (first < c->nb_out) {
		ssize_t n = SK(writev)(c->fd, c->out + first,
				       (int)(c->nb_out - first));

		if (n < 0) {
			if (errno != EAGAIN)
				return -1;
			memmove(c->out, c->out + first,
				(c->nb_out - first) * sizeof(c->out[0]));
			c->nb_out -= first;
			return 0;
		}
		while (first < c->nb_out && (size_t)n >= c->out[first].iov_len)
			n -= (ssize_t)c->out[first++].iov_len;
		if (n > 0) {
			c->out[first].iov_base = (char *)c->out[first].iov_base +
				n;
			c->out[first].iov_len -= (size_t)n;
		}
	}
	c->nb_out = 0;
	return 1;
}

static int
sh_want(struct sh *h, struct sh_conn *c, bool out)
{
	struct epoll_event ev = { .events = out ? EPOLLOUT : EPOLLIN,
				  .data.ptr = c };

	if (c->want_out == out)
		return 0;
	c->want_out = out;
	return SK(epoll_ctl)(h->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
sh_serve(struct sh *h, struct sh_conn *c)
{
	int rc = sh_flush(c);

	if (rc == 1 && !c->closing) {
		ssize_t n = SK(read)(c->fd, h->buf, sizeof(h->buf));

		if (n == 0 || (n < 0 && errno != EAGAIN))
			goto close;
		if (n > 0) {
			sh_parse(h, c, h->buf, (uint32_t)n);
			rc = sh_flush(c);
		}
	}
	if (rc < 0 || (rc == 1 && c->closing))
		goto close;
	if (sh_want(h, c, rc == 0) < 0)
		goto close;
	return;
close:
	sh_close(h, c);
}

static void
sh_accept(struct sh *h)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct sh_conn *c;
		int one = 1;
		int fd = SK(accept4)(h->lst.fd, NULL, NULL, SOCK_NONBLOCK);

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			SK(close)(fd);
			continue;
		}
		c->fd = fd;
		http_reader_init(&c->rd, 0);
		SK(setsockopt)(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.data.ptr = c;
		if (SK(epoll_ctl)(h->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			SK(close)(fd);
			free(c);
			continue;
		}
		h->accepted++;
	}
}

void
sh_iter(void *state, int timeout_ms)
{
	struct sh *h = state;
	struct epoll_event evs[SH_EVENTS];
	int n = SK(epoll_wait)(h->ep, evs, SH_EVENTS, timeout_ms);

	if (n > 0)
		http_resp_set_date(&h->resp, (int64_t)time(NULL));
	for (int i = 0; i < n; i++) {
		struct sh_conn *c = evs[i].data.ptr;

		if (c->listener)
			sh_accept(h);
		else
			sh_serve(h, c);
	}
}

void *
sh_new(void *arg, unsigned int worker)
{
	struct sh_conf *conf = arg;
	struct sh *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->worker = worker;
	/* Quiet: nothing to account for, and the conf may be gone by
	 * sh_free() (tern-inproc's is). */
	h->total = conf->quiet ? NULL : &conf->total;
	if (http_resp_set_init(&h->resp, "tern-sock", NULL, 0, NULL,
			       (int64_t)time(NULL)) < 0) {
		free(h);
		return NULL;
	}
	h->lst.listener = true;
	if (sock_app_listen(conf->port, 4096, &h->lst, &h->ep,
			    &h->lst.fd) < 0) {
		perror("tern-sock-httpd: listen");
		http_resp_set_fini(&h->resp);
		free(h);
		return NULL;
	}
	h->quiet = conf->quiet;
	if (!h->quiet)
		printf("tern-sock-httpd: listening on port %u\n", conf->port);
	return h;
}

void
sh_free(void *state)
{
	struct sh *h = state;

	if (!h->quiet)
		printf("tern-sock-httpd: worker %u: accepted %" PRIu64
		       ", closed %" PRIu64 ", requests %" PRIu64 ", errors %"
		       PRIu64 "\n", h->worker, h->accepted, h->closed,
		       h->requests, h->errors);
	if (h->total != NULL) {
		atomic_fetch_add(&h->total->accepted, h->accepted);
		atomic_fetch_add(&h->total->closed, h->closed);
		atomic_fetch_add(&h->total->requests, h->requests);
		atomic_fetch_add(&h->total->errors, h->errors);
	}
	SK(close)(h->lst.fd);
	SK(close)(h->ep);
	http_resp_set_fini(&h->resp);
	free(h);
}

void
sh_report(void *arg)
{
	struct sh_conf *conf = arg;

	if (conf->quiet)
		return;
	printf("httpd: accepted %" PRIu64 ", closed %" PRIu64 ", requests %"
	       PRIu64 ", errors %" PRIu64 "\n",
	       atomic_load(&conf->total.accepted),
	       atomic_load(&conf->total.closed),
	       atomic_load(&conf->total.requests),
	       atomic_load(&conf->total.errors));
}

uint64_t
sh_open_conns(const void *state)
{
	const struct sh *h = state;

	return h->accepted - h->closed;
}

uint64_t
sh_requests(const void *state)
{
	return ((const struct sh *)state)->requests;
}
