/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-sock-echo: an epoll echo server written against tern_socket.h.
 * The same source builds against the kernel's sockets with
 * -DTERN_SOCK_KERNEL (tern-sock-echo-kernel); docs/sockets.md walks
 * through it as the porting example.
 *
 *   tern-sock-echo [EAL args] -- --ip 198.18.0.2/24 [--port 7]
 *   tern-sock-echo-kernel [--port 7] [--duration SEC]
 *
 * Level-triggered: a connection is read only when its last echo is out,
 * so a client that does not read stops the server from reading (the
 * receive window closes; nothing is dropped).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>

#include "sock_app.h"

#define ECHO_BUF (64u << 10)
#define ECHO_EVENTS 64

/* The account of all workers, added to by each as it ends. */
struct echo_total {
	_Atomic uint64_t accepted, closed, echoed;
};

struct echo_conf {
	uint16_t port;
	struct echo_total total;
};

struct echo_conn {
	int fd;
	bool listener;
	bool eof;              /* the peer is done sending */
	uint32_t len, off;     /* buf[off..len) still to echo */
	uint8_t buf[ECHO_BUF];
};

struct echo {
	int ep;
	unsigned int worker;
	struct echo_total *total;
	struct echo_conn lst;
	uint64_t accepted, closed, echoed;
};

static int
echo_parse_port(void *arg, const char *v)
{
	struct echo_conf *conf = arg;

	return sock_app_parse_port(v, &conf->port);
}

static void
echo_close(struct echo *e, struct echo_conn *c)
{
	SK(close)(c->fd);   /* also leaves the epoll set */
	free(c);
	e->closed++;
}

static int
echo_want(struct echo *e, struct echo_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	return SK(epoll_ctl)(e->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
echo_accept(struct echo *e)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct echo_conn *c;
		int one = 1;
		int fd;

		fd = SK(accept4)(e->lst.fd, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			SK(close)(fd);
			continue;
		}
		c->fd = fd;
		SK(setsockopt)(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ev.data.ptr = c;
		if (SK(epoll_ctl)(e->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			SK(close)(fd);
			free(c);
			continue;
		}
		e->accepted++;
	}
}

/* Write what is pending. @return 1 all out, 0 blocked, -1 error. */
static int
echo_flush(struct echo *e, struct echo_conn *c)
{
	while (c->off < c->len) {
		ssize_t n = SK(send)(c->fd, c->buf + c->off, c->len - c->off,
				     MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->off += (uint32_t)n;
		e->echoed += (uint64_t)n;
	}
	c->off = c->len = 0;
	return 1;
}

static void
echo_serve(struct echo *e, struct echo_conn *c, uint32_t events)
{
	int rc = echo_flush(e, c);

	if (rc < 0)
		goto close;
	if (rc == 0)
		return;   /* still waiting for EPOLLOUT */
	if (events & EPOLLOUT) {
		/* Drained: back to reading. */
		if (c->eof || echo_want(e, c, EPOLLIN) < 0)
			goto close;
	}
	while (!c->eof) {
		ssize_t n = SK(read)(c->fd, c->buf, sizeof(c->buf));

		if (n == 0) {
			c->eof = true;
			break;
		}
		if (n < 0) {
			if (errno == EAGAIN)
				return;
			goto close;
		}
		c->len = (uint32_t)n;
		rc = echo_flush(e, c);
		if (rc < 0)
			goto close;
		if (rc == 0) {
			if (echo_want(e, c, EPOLLOUT) < 0)
				goto close;
			return;
		}
	}
close:
	echo_close(e, c);
}

static void
echo_iter(void *state, int timeout_ms)
{
	struct echo *e = state;
	struct epoll_event evs[ECHO_EVENTS];
	int n = SK(epoll_wait)(e->ep, evs, ECHO_EVENTS, timeout_ms);

	for (int i = 0; i < n; i++) {
		struct echo_conn *c = evs[i].data.ptr;

		if (c->listener)
			echo_accept(e);
		else
			echo_serve(e, c, evs[i].events);
	}
}

static void *
echo_new(void *arg, unsigned int worker)
{
	struct echo_conf *conf = arg;
	struct echo *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->worker = worker;
	e->total = &conf->total;
	e->lst.listener = true;
	if (sock_app_listen(conf->port, 1024, &e->lst, &e->ep,
			    &e->lst.fd) < 0) {
		perror("tern-sock-echo: listen");
		free(e);
		return NULL;
	}
	printf("tern-sock-echo: listening on port %u\n", conf->port);
	return e;
}

static void
echo_free(void *state)
{
	struct echo *e = state;

	/* Connections still open are closed with the worker (tern) or
	 * the process (Linux). */
	printf("tern-sock-echo: worker %u: accepted %" PRIu64 ", closed %"
	       PRIu64 ", echoed %" PRIu64 " bytes\n", e->worker, e->accepted,
	       e->closed, e->echoed);
	atomic_fetch_add(&e->total->accepted, e->accepted);
	atomic_fetch_add(&e->total->closed, e->closed);
	atomic_fetch_add(&e->total->echoed, e->echoed);
	SK(close)(e->lst.fd);
	SK(close)(e->ep);
	free(e);
}

static void
echo_report(void *arg)
{
	struct echo_conf *conf = arg;

	printf("tern-sock-echo: server: accepted %" PRIu64 ", closed %"
	       PRIu64 ", echoed %" PRIu64 " bytes\n",
	       atomic_load(&conf->total.accepted),
	       atomic_load(&conf->total.closed),
	       atomic_load(&conf->total.echoed));
}

static struct echo_conf echo_conf = { .port = 7 };

static const struct sock_app_opt echo_opts[] = {
	{ "port", "N", "TCP port to echo on (7)", echo_parse_port },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	const struct sock_app app = {
		.name = "tern-sock-echo",
		.summary = "an epoll echo server on tern_socket.h",
		.opts = echo_opts,
		.arg = &echo_conf,
		.worker_new = echo_new,
		.iter = echo_iter,
		.worker_free = echo_free,
		.report = echo_report,
	};

	return sock_app_main(argc, argv, &app);
}
