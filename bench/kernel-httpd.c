/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kernel-httpd: the Linux-socket baseline of tern-httpd. One thread,
 * pinned to one CPU, one epoll loop, non-blocking sockets with
 * TCP_NODELAY (tern has Nagle off too). It parses with the same code
 * (http.c) and sends the same pre-rendered responses (http_resp.c) as
 * tern-httpd; the responses to all requests found in one read() go out
 * in one writev(), as a good event-loop server batches them.
 *
 *   kernel-httpd --ip 127.0.0.1|::1 --port 8080 [--ports N] [--cpu 1]
 *                [--body-size N] [--time SEC]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "http_resp.h"

#define KH_MAX_PORTS 256
#define KH_EVENTS 256
#define KH_READ_BUF (64u << 10)
/* Responses gathered per writev(); more wait for the next round. */
#define KH_IOV_MAX 64
#define KH_MIN(a, b) ((a) < (b) ? (a) : (b))

/* What epoll reports on: a listener or a connection. */
struct kh_sock {
	int fd;
	bool listener;
};

struct kh_conn {
	struct kh_sock sock;       /* first: epoll data points here */
	int fd;
	struct http_reader rd;
	uint8_t pending;           /* response kind of the request whose
				      body is being skipped */
	bool pending_head;
	bool closing;              /* close once the output is out */
	bool want_out;             /* output blocked: EPOLLOUT instead
				      of EPOLLIN, so the socket's buffers
				      push back on the client */
	/* Output not yet written: pieces of static responses. */
	struct iovec *out;
	uint32_t nb_out;
	uint32_t out_cap;
};

struct kh {
	struct http_resp_set resp;
	int ep;
	struct kh_sock listeners[KH_MAX_PORTS];
	uint16_t nb_ports;
	uint16_t port;
	int family;             /* of --ip: AF_INET or AF_INET6 */
	struct in_addr ip;
	struct in6_addr ip6;
	int cpu;
	double time_s;
	int64_t body_size;
	uint32_t max_head;
	uint64_t max_body;
	volatile sig_atomic_t *stop;
	uint64_t accepted, closed, requests, ok, errors;
	char buf[KH_READ_BUF];
};

/* The one piece of process-wide state: what a signal handler may set. */
static volatile sig_atomic_t kh_stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	kh_stop_flag = 1;
}

/* ---- output ---- */

static int
out_push(struct kh_conn *kc, const void *p, uint32_t len)
{
	if (kc->nb_out == kc->out_cap) {
		uint32_t cap = kc->out_cap != 0 ? kc->out_cap * 2 : KH_IOV_MAX;
		struct iovec *v = realloc(kc->out, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		kc->out = v;
		kc->out_cap = cap;
	}
	kc->out[kc->nb_out++] = (struct iovec){ (void *)(uintptr_t)p, len };
	return 0;
}

/* Write what is queued. @return 1 all out; 0 blocked; -1 error. */
static int
out_flush(struct kh_conn *kc)
{
	uint32_t first = 0;

	while (first < kc->nb_out) {
		uint32_t n = KH_MIN(kc->nb_out - first, IOV_MAX);
		ssize_t w = writev(kc->fd, kc->out + first, (int)n);

		if (w < 0 && errno != EAGAIN)
			return -1;
		if (w < 0) {
			/* Keep what is left at the front for next time. */
			memmove(kc->out, kc->out + first,
				(kc->nb_out - first) * sizeof(*kc->out));
			kc->nb_out -= first;
			return 0;
		}
		while (w > 0) {
			struct iovec *v = &kc->out[first];

			if ((size_t)w >= v->iov_len) {
				w -= (ssize_t)v->iov_len;
				first++;
			} else {
				v->iov_base = (char *)v->iov_base + w;
				v->iov_len -= (size_t)w;
				w = 0;
			}
		}
	}
	kc->nb_out = 0;
	return 1;
}

/* ---- input ---- */

static void
respond(struct kh *h, struct kh_conn *kc, enum http_resp_kind kind,
	bool head_only)
{
	const struct http_resp *r = &h->resp.r[kind];

	if (kind <= HTTP_RESP_OK_CLOSE)
		h->ok++;
	else
		h->errors++;
	if (out_push(kc, r->buf, head_only ? r->hdr_len : r->len) != 0 ||
	    r->close)
		kc->closing = true;
}

/* Parse p[0..len); @return bytes consumed (all unless closing). */
static uint32_t
parse(struct kh *h, struct kh_conn *kc, const char *p, uint32_t len)
{
	uint32_t off = 0, used;

	while (!kc->closing) {
		struct http_request req;
		int status = 0;
		enum http_ev ev = http_reader_feed_request(&kc->rd, p + off,
							   len - off, &used,
							   &req, &status);

		off += used;
		if (ev == HTTP_EV_NEED_MORE)
			break;
		if (ev == HTTP_EV_DONE) {
			respond(h, kc, (enum http_resp_kind)kc->pending,
				kc->pending_head);
			continue;
		}
		if (ev != HTTP_EV_HEAD) {
			respond(h, kc, ev == HTTP_EV_TOO_LONG ? HTTP_RESP_431 :
				ev == HTTP_EV_BAD_LINE ? HTTP_RESP_414 :
				HTTP_RESP_400, false);
			break;
		}
		h->requests++;
		if (status == 0 && req.body == HTTP_BODY_LENGTH &&
		    req.content_length > h->max_body)
			status = 413;
		if (status != 0) {
			respond(h, kc, http_resp_for_status(status), false);
			break;
		}
		kc->pending = (uint8_t)http_resp_for_request(&req);
		kc->pending_head = req.is_head;
		http_reader_set_body(&kc->rd, req.body, req.content_length);
		/* No body: the request is complete already. */
		if (http_reader_take_done(&kc->rd))
			respond(h, kc, (enum http_resp_kind)kc->pending,
				kc->pending_head);
	}
	return off;
}

static void
conn_free(struct kh *h, struct kh_conn *kc)
{
	close(kc->fd);
	http_reader_fini(&kc->rd);
	free(kc->out);
	free(kc);
	h->closed++;
}

static int
set_events(struct kh *h, struct kh_conn *kc, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = kc };

	return epoll_ctl(h->ep, EPOLL_CTL_MOD, kc->fd, &ev);
}

/* Flush; block reading while output is stuck. @return false: gone. */
static bool
progress(struct kh *h, struct kh_conn *kc)
{
	int rc = out_flush(kc);

	if (rc < 0) {
		conn_free(h, kc);
		return false;
	}
	if (rc == 0) {
		if (!kc->want_out) {
			kc->want_out = true;
			set_events(h, kc, EPOLLOUT);
		}
		return true;
	}
	if (kc->closing) {
		/* Half-close first, so a pipelining client sees our FIN
		 * rather than a reset for its unread requests. */
		shutdown(kc->fd, SHUT_WR);
		conn_free(h, kc);
		return false;
	}
	if (kc->want_out) {
		kc->want_out = false;
		set_events(h, kc, EPOLLIN);
	}
	return true;
}

static void
on_readable(struct kh *h, struct kh_conn *kc)
{
	ssize_t n = read(kc->fd, h->buf, sizeof(h->buf));

	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		conn_free(h, kc);
		return;
	}
	if (n < 0)
		return;
	parse(h, kc, h->buf, (uint32_t)n);
	progress(h, kc);
}

/* Output drained: progress() reads again (EPOLLIN). */
static void
on_writable(struct kh *h, struct kh_conn *kc)
{
	progress(h, kc);
}

static void
on_accept(struct kh *h, int lfd)
{
	for (;;) {
		int one = 1;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		struct kh_conn *kc;
		struct epoll_event ev;

		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		kc = calloc(1, sizeof(*kc));
		if (kc == NULL) {
			close(fd);
			continue;
		}
		kc->fd = fd;
		kc->sock.fd = fd;
		http_reader_init(&kc->rd, h->max_head);
		ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = kc };
		if (epoll_ctl(h->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_free(h, kc);
			continue;
		}
		h->accepted++;
	}
}

/* ---- setup ---- */

static int
listen_all(struct kh *h)
{
	for (uint16_t i = 0; i < h->nb_ports; i++) {
		uint16_t port = htons((uint16_t)(h->port + i));
		struct sockaddr_in a = {
			.sin_family = AF_INET,
			.sin_port = port,
			.sin_addr = h->ip,
		};
		struct sockaddr_in6 a6 = {
			.sin6_family = AF_INET6,
			.sin6_port = port,
			.sin6_addr = h->ip6,
		};
		bool v6 = h->family == AF_INET6;
		const struct sockaddr *at = v6 ? (const struct sockaddr *)&a6 :
					   (const struct sockaddr *)&a;
		socklen_t at_len = v6 ? sizeof(a6) : sizeof(a);
		struct epoll_event ev = { .events = EPOLLIN };
		int one = 1;
		int fd = socket(h->family, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (fd < 0)
			return -errno;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, at, at_len) != 0 ||
		    listen(fd, 65535) != 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		h->listeners[i] = (struct kh_sock){ .fd = fd, .listener = true };
		ev.data.ptr = &h->listeners[i];
		if (epoll_ctl(h->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
			return -errno;
	}
	return 0;
}

static int
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : -errno;
}

static int64_t
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts.tv_sec;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
serve(struct kh *h)
{
	struct epoll_event evs[KH_EVENTS];
	double end = h->time_s > 0 ? mono_now() + h->time_s : 0;

	while (!*h->stop && (end == 0 || mono_now() < end)) {
		int n = epoll_wait(h->ep, evs, KH_EVENTS, 1000);

		if (n < 0 && errno != EINTR)
			return -errno;
		http_resp_set_date(&h->resp, wall_now());
		for (int i = 0; i < n; i++) {
			struct kh_sock *ks = evs[i].data.ptr;

			if (ks->listener)
				on_accept(h, ks->fd);
			else if (evs[i].events & EPOLLOUT)
				on_writable(h, evs[i].data.ptr);
			else
				on_readable(h, evs[i].data.ptr);
		}
	}
	return 0;
}

/* ---- options ---- */

static int
parse_args(struct kh *h, int argc, char **argv)
{
	/* Every option takes a value: step over both. */
	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (v == NULL)
			goto bad;
		if (strcmp(o, "--ip") == 0) {
			if (inet_pton(AF_INET, v, &h->ip) == 1)
				h->family = AF_INET;
			else if (inet_pton(AF_INET6, v, &h->ip6) == 1)
				h->family = AF_INET6;
			else
				goto bad;
		} else if (strcmp(o, "--port") == 0) {
			h->port = (uint16_t)strtoul(v, &end, 0);
		} else if (strcmp(o, "--ports") == 0) {
			h->nb_ports = (uint16_t)strtoul(v, &end, 0);
		} else if (strcmp(o, "--cpu") == 0) {
			h->cpu = (int)strtol(v, &end, 0);
		} else if (strcmp(o, "--body-size") == 0) {
			h->body_size = (int64_t)strtoull(v, &end, 0);
		} else if (strcmp(o, "--time") == 0) {
			h->time_s = strtod(v, &end);
		} else if (strcmp(o, "--max-head") == 0) {
			h->max_head = (uint32_t)strtoul(v, &end, 0);
		} else {
			goto bad;
		}
		if (end != NULL && *end != '\0')
			goto bad;
	}
	if (h->port == 0 || h->nb_ports == 0 || h->nb_ports > KH_MAX_PORTS ||
	    h->port + h->nb_ports - 1 > 65535 || h->body_size > HTTP_PAGE_MAX)
		goto bad;
	return 0;
bad:
	fprintf(stderr, "usage: kernel-httpd --ip A|A6 --port N [--ports K] "
		"[--cpu C] [--body-size N] [--max-head N] [--time SEC]\n");
	return -EINVAL;
}

int
main(int argc, char **argv)
{
	struct kh *h = calloc(1, sizeof(*h));
	struct rlimit rl = { 1u << 20, 1u << 20 };
	char *page = NULL;
	int rc;

	if (h == NULL)
		return EXIT_FAILURE;
	h->port = 80;
	h->nb_ports = 1;
	h->cpu = -1;
	h->body_size = -1;
	h->max_body = 64ull << 20;
	h->family = AF_INET;
	h->ip.s_addr = htonl(INADDR_LOOPBACK);
	h->stop = &kh_stop_flag;
	rc = parse_args(h, argc, argv);
	if (rc == 0 && setrlimit(RLIMIT_NOFILE, &rl) != 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		/* Not allowed above the hard limit: take all of it. */
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rc == 0)
		rc = pin(h->cpu);
	if (rc == 0 && h->body_size >= 0)
		rc = http_page_of_size((uint32_t)h->body_size, &page);
	if (rc == 0)
		rc = http_resp_set_init(&h->resp, "kern-httpd", page,
					page != NULL ? (uint32_t)h->body_size
						     : 0, "text/html",
					wall_now());
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (rc == 0) {
		h->ep = epoll_create1(0);
		rc = h->ep < 0 ? -errno : listen_all(h);
	}
	if (rc == 0) {
		char addr[INET6_ADDRSTRLEN];

		inet_ntop(h->family, h->family == AF_INET6 ?
				     (const void *)&h->ip6 :
				     (const void *)&h->ip, addr, sizeof(addr));
		fprintf(stderr, "kernel-httpd: serving %s port %u (%u ports), "
			"cpu %d\n", addr, h->port, h->nb_ports, h->cpu);
		rc = serve(h);
	}
	if (rc != 0)
		fprintf(stderr, "kernel-httpd: %s\n", strerror(-rc));
	else
		printf("kernel-httpd: accepted %" PRIu64 ", closed %" PRIu64
		       ", requests %" PRIu64 ", 200 %" PRIu64 ", errors %"
		       PRIu64 "\n", h->accepted, h->closed, h->requests,
		       h->ok, h->errors);
	http_resp_set_fini(&h->resp);
	free(page);
	free(h);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
