/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Blocking sockets under the DPDK runtime (tests/sock/block_memif.sh):
 * two processes over a net_memif pair, each a program written the way
 * a blocking-socket program is -- one call after the other, no event
 * loop -- run from the worker's poll. Every blocking call drives the
 * worker (tern_rt_drive) until it completes or its timeout expires,
 * with the errno Linux gives:
 *
 *   server (--role server)            client (--role client)
 *   epoll_wait 200 ms, nothing: 0
 *   poll 200 ms, nothing: 0
 *   accept, SO_RCVTIMEO: EAGAIN
 *   "listening" ------------------->  connect to a closed port:
 *                                       ECONNREFUSED
 *                                     connect to the native listener:
 *                                       reset (read: ECONNRESET)
 *                                     connect into a black hole,
 *                                       SO_SNDTIMEO: EINPROGRESS
 *                                     ... without: ETIMEDOUT
 *   accept <------------------------  connect; write 1 MiB (blocks
 *   read 1 MiB (MSG_WAITALL)            on the send buffer)
 *   write 1 MiB back ------------->  read 1 MiB (MSG_WAITALL)
 *   read, SO_RCVTIMEO: EAGAIN         read 1 byte (waits)
 *   write 1 byte ------------------>
 *   accept (not reading)              write, SO_SNDTIMEO: partial,
 *                                       then EAGAIN
 *          <--------------------------connect; write the count sent
 *   read the count; read until EOF <- shutdown(SHUT_WR); read: EOF
 *   close ------------------------->
 *
 * The server also holds a native listener whose accepted() callback
 * makes a blocking call: it must fail with EDEADLK (the stack is in
 * the middle of a step), not re-enter it; the callback then resets the
 * connection. Each side prints
 * "<role>: OK" and exits 0, or names the failed step and exits 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <rte_ethdev.h>

#include "tern_runtime.h"
#include "tern_socket.h"
#include "tern_tcp.h"

#define BLK_PORT 5000           /* the server's blocking listener */
#define BLK_CLOSED_PORT 5001    /* listened on, then closed */
#define BLK_NATIVE_PORT 5002    /* the callback API's listener */
#define BLK_BYTES (1u << 20)
#define BLK_FLOOD (16u << 20)   /* more than both buffers hold */
#define BLK_TIMEO_MS 200

struct blk {
	bool server;
	struct in_addr peer;        /* the server (client role) */
	struct in_addr black_hole;  /* routed to the server, which drops */
	struct tern_sock_worker *w;
	bool ran;
	int failed;                 /* steps that failed */
	int native_rc, native_errno; /* the blocking call in a callback */
	bool native_called;
	uint8_t *buf;
};

static struct blk blk = { .native_rc = 1 };

#define CHECK(cond, ...) do {                                        \
	if (!(cond)) {                                                \
		printf("FAIL: %s:%d: ", blk.server ? "server" : "client", \
		       __LINE__);                                     \
		printf(__VA_ARGS__);                                  \
		printf(" (errno %s)\n", strerror(errno));             \
		blk.failed++;                                         \
		return -1;                                            \
	}                                                             \
} while (0)

static uint64_t
blk_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct sockaddr_in
blk_addr(struct in_addr ip, uint16_t port)
{
	return (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = ip,
	};
}

static int
blk_set_timeo(int fd, int name, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	return tern_setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

static void
blk_fill(uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((off + i) * 7 + 3);
}

static bool
blk_pattern_ok(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(i * 7 + 3))
			return false;
	return true;
}

static int
blk_listen(uint16_t port, int backlog)
{
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) };
	struct sockaddr_in sin = blk_addr(any, port);
	int fd = tern_socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || tern_bind(fd, (struct sockaddr *)&sin,
				sizeof(sin)) < 0 ||
	    tern_listen(fd, backlog) < 0)
		return -1;
	return fd;
}

/* ---- the native listener: a blocking call inside a callback ---- */

static int
blk_native_accepted(struct tern_conn *c, void *listen_user)
{
	int *lfd = listen_user;

	RTE_SET_USED(c);
	blk.native_called = true;
	/* Nothing waits on the socket listener: accept would block. */
	errno = 0;
	blk.native_rc = tern_accept(*lfd, NULL, NULL);
	blk.native_errno = errno;
	return -1;      /* reset: the client sees ECONNRESET */
}

static void
blk_native_closed(struct tern_conn *c, void *user,
		  enum tern_tcp_close_reason why)
{
	RTE_SET_USED(c);
	RTE_SET_USED(user);
	RTE_SET_USED(why);
}

static const struct tern_tcp_ops blk_native_ops = {
	.accepted = blk_native_accepted,
	.closed = blk_native_closed,
};

/* ---- server ---- */

/* Timeouts with nobody around: epoll, poll, accept. */
static int
server_idle_timeouts(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd pfd = { .events = POLLIN };
	uint64_t t0;
	int ep, lfd, rc;

	ep = tern_epoll_create1(0);
	lfd = blk_listen(BLK_CLOSED_PORT, 4);
	CHECK(ep >= 0 && lfd >= 0, "epoll and listener");
	CHECK(tern_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == 0, "epoll_ctl");
	/* Time spent in the app's poll before the call (as a descheduled
	 * lcore would): the timeout still runs from the call, not from the
	 * iteration's start (tern_sock_worker_conf.clock). */
	t0 = blk_now_ms();
	while (blk_now_ms() - t0 < BLK_TIMEO_MS / 2)
		;
	t0 = blk_now_ms();
	rc = tern_epoll_wait(ep, &ev, 1, BLK_TIMEO_MS);
	CHECK(rc == 0, "epoll_wait %d ms returned %d", BLK_TIMEO_MS, rc);
	/* A lower bound only: it waited (no upper bound on a busy VM). */
	CHECK(blk_now_ms() - t0 >= BLK_TIMEO_MS, "epoll_wait returned early");
	pfd.fd = lfd;
	t0 = blk_now_ms();
	rc = tern_poll(&pfd, 1, BLK_TIMEO_MS);
	CHECK(rc == 0, "poll %d ms returned %d", BLK_TIMEO_MS, rc);
	CHECK(blk_now_ms() - t0 >= BLK_TIMEO_MS, "poll returned early");
	CHECK(blk_set_timeo(lfd, SO_RCVTIMEO, BLK_TIMEO_MS) == 0,
	      "SO_RCVTIMEO");
	t0 = blk_now_ms();
	errno = 0;
	rc = tern_accept(lfd, NULL, NULL);
	CHECK(rc == -1 && errno == EAGAIN, "accept timed out: %d", rc);
	CHECK(blk_now_ms() - t0 >= BLK_TIMEO_MS, "accept returned early");
	tern_close(lfd);
	tern_close(ep);
	return 0;
}

static int
server_run(struct tern_ctx *ctx)
{
	struct tern_listener *native;
	uint64_t flood = 0, got = 0;
	int lfd, fd, cfd;
	ssize_t n;

	if (server_idle_timeouts() < 0)
		return -1;
	lfd = blk_listen(BLK_PORT, 4);
	CHECK(lfd >= 0, "listen on %u", BLK_PORT);
	CHECK(tern_tcp_listen(ctx, BLK_NATIVE_PORT, &blk_native_ops, &lfd,
			      &native) == 0, "native listener");
	printf("server: listening\n");
	fflush(stdout);
	fd = tern_accept(lfd, NULL, NULL);
	CHECK(fd >= 0, "blocking accept");
	/* The client's refused native connection came in before this one. */
	CHECK(blk.native_called, "the native listener saw no connection");
	CHECK(blk.native_rc == -1 && blk.native_errno == EDEADLK,
	      "blocking call in a callback: %d, %s", blk.native_rc,
	      strerror(blk.native_errno));
	tern_tcp_unlisten(native);
	memset(blk.buf, 0, BLK_BYTES);
	n = tern_recv(fd, blk.buf, BLK_BYTES, MSG_WAITALL);
	CHECK(n == BLK_BYTES, "read 1 MiB (MSG_WAITALL): %zd", n);
	CHECK(blk_pattern_ok(blk.buf, BLK_BYTES), "bytes differ");
	n = tern_write(fd, blk.buf, BLK_BYTES);
	CHECK(n == BLK_BYTES, "write 1 MiB back: %zd", n);
	CHECK(blk_set_timeo(fd, SO_RCVTIMEO, BLK_TIMEO_MS) == 0,
	      "SO_RCVTIMEO");
	errno = 0;
	n = tern_read(fd, blk.buf, 1);
	CHECK(n == -1 && errno == EAGAIN, "read timed out: %zd", n);
	CHECK(blk_set_timeo(fd, SO_RCVTIMEO, 0) == 0, "SO_RCVTIMEO 0");
	CHECK(tern_write(fd, "g", 1) == 1, "write the go byte");
	/* Not reading fd meanwhile: the client's send times out. */
	cfd = tern_accept(lfd, NULL, NULL);
	CHECK(cfd >= 0, "accept the count connection");
	n = tern_recv(cfd, &flood, sizeof(flood), MSG_WAITALL);
	CHECK(n == sizeof(flood), "read the count: %zd", n);
	for (;;) {
		n = tern_read(fd, blk.buf, BLK_BYTES);
		CHECK(n >= 0, "read the flood");
		if (n == 0)
			break;
		got += (uint64_t)n;
	}
	CHECK(got == flood, "read %" PRIu64 " of %" PRIu64 " bytes", got,
	      flood);
	printf("server: read %" PRIu64 " bytes to EOF\n", got);
	tern_close(cfd);
	tern_close(fd);
	tern_close(lfd);
	return 0;
}

/* ---- client ---- */

static int
client_connect(struct in_addr ip, uint16_t port, int sndtimeo_ms)
{
	struct sockaddr_in sin = blk_addr(ip, port);
	int fd = tern_socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (sndtimeo_ms > 0 && blk_set_timeo(fd, SO_SNDTIMEO, sndtimeo_ms) < 0)
		return -1;
	if (tern_connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int err = errno;

		tern_close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int
client_failed_connects(void)
{
	ssize_t n;
	char b;
	int fd;

	errno = 0;
	CHECK(client_connect(blk.peer, BLK_CLOSED_PORT, 0) == -1 &&
	      errno == ECONNREFUSED, "connect to a closed port");
	/* The native listener resets in its callback, once established. */
	fd = client_connect(blk.peer, BLK_NATIVE_PORT, 0);
	CHECK(fd >= 0, "connect to the native listener");
	errno = 0;
	n = tern_read(fd, &b, 1);
	tern_close(fd);
	CHECK(n == -1 && errno == ECONNRESET, "read after its reset: %zd", n);
	/* Linux: a blocking connect cut short by SO_SNDTIMEO says the
	 * handshake is still in progress. */
	errno = 0;
	CHECK(client_connect(blk.black_hole, BLK_PORT, BLK_TIMEO_MS) == -1 &&
	      errno == EINPROGRESS, "connect with SO_SNDTIMEO");
	/* Without it, the SYN retransmissions run out ([tcp]
	 * syn_retries). */
	errno = 0;
	CHECK(client_connect(blk.black_hole, BLK_PORT, 0) == -1 &&
	      errno == ETIMEDOUT, "connect into a black hole");
	return 0;
}

/* Write until SO_SNDTIMEO expires: a short count, then EAGAIN.
 * @return bytes written, or -1. */
static int64_t
client_flood(int fd)
{
	uint8_t *big = calloc(1, BLK_FLOOD);
	ssize_t n;

	CHECK(big != NULL, "calloc");
	CHECK(blk_set_timeo(fd, SO_SNDTIMEO, BLK_TIMEO_MS) == 0, "SO_SNDTIMEO");
	n = tern_write(fd, big, BLK_FLOOD);
	if (n <= 0 || n >= (ssize_t)BLK_FLOOD)
		free(big);
	CHECK(n > 0 && n < (ssize_t)BLK_FLOOD,
	      "write timed out with a short count: %zd", n);
	errno = 0;
	CHECK(tern_write(fd, big, BLK_FLOOD) == -1 && errno == EAGAIN,
	      "write timed out");
	free(big);
	return n;
}

/* memif connects some time after the port starts; a blocking poll of
 * nothing drives the worker meanwhile. */
static int
client_wait_link(struct tern_ctx *ctx)
{
	struct rte_eth_link link;

	for (int i = 0; i < 300; i++) {
		if (rte_eth_link_get_nowait(ctx->port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		CHECK(tern_poll(NULL, 0, 100) == 0, "poll of nothing");
	}
	printf("FAIL: client: the link stayed down\n");
	blk.failed++;
	return -1;
}

static int
client_run(struct tern_ctx *ctx)
{
	int64_t flood;
	ssize_t n;
	char b;
	int fd, cfd;

	if (client_wait_link(ctx) < 0 || client_failed_connects() < 0)
		return -1;
	fd = client_connect(blk.peer, BLK_PORT, 0);
	CHECK(fd >= 0, "blocking connect");
	blk_fill(blk.buf, BLK_BYTES, 0);
	n = tern_write(fd, blk.buf, BLK_BYTES);
	CHECK(n == BLK_BYTES, "write 1 MiB: %zd", n);
	memset(blk.buf, 0, BLK_BYTES);
	n = tern_recv(fd, blk.buf, BLK_BYTES, MSG_WAITALL);
	CHECK(n == BLK_BYTES, "read 1 MiB back (MSG_WAITALL): %zd", n);
	CHECK(blk_pattern_ok(blk.buf, BLK_BYTES), "bytes differ");
	n = tern_read(fd, &b, 1);
	CHECK(n == 1 && b == 'g', "read the go byte: %zd", n);
	flood = client_flood(fd);
	if (flood < 0)
		return -1;
	printf("client: the send timed out after %" PRId64 " bytes\n", flood);
	CHECK(blk_set_timeo(fd, SO_SNDTIMEO, 0) == 0, "SO_SNDTIMEO 0");
	cfd = client_connect(blk.peer, BLK_PORT, 0);
	CHECK(cfd >= 0, "connect for the count");
	CHECK(tern_write(cfd, &flood, sizeof(flood)) == sizeof(flood),
	      "write the count");
	CHECK(tern_shutdown(fd, SHUT_WR) == 0, "shutdown");
	n = tern_read(fd, &b, 1);
	CHECK(n == 0, "read EOF: %zd", n);
	tern_close(cfd);
	tern_close(fd);
	return 0;
}

/* ---- the runtime app ---- */

static int
blk_drive(void *arg, uint64_t deadline_ns)
{
	return tern_rt_drive(arg, deadline_ns);
}

static uint64_t
blk_clock(void *arg)
{
	return tern_rt_clock_ns(arg);
}

static int
blk_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct tern_sock_worker_conf wc = {
		.ctx = ctx,
		.id = 0,
		.max_fds = 64,
		.drive = blk_drive,
		.drive_arg = ctx,
		.clock = blk_clock,
	};

	RTE_SET_USED(arg);
	blk.buf = malloc(BLK_BYTES);
	if (blk.buf == NULL)
		return -ENOMEM;
	return tern_sock_worker_create(&wc, &blk.w);
}

/* The whole program runs in the first poll, one blocking call after
 * the other; then the runtime stops. */
static void
blk_lcore_poll(struct tern_ctx *ctx, void *arg)
{
	int rc;

	RTE_SET_USED(arg);
	if (blk.ran)
		return;
	blk.ran = true;
	rc = blk.server ? server_run(ctx) : client_run(ctx);
	if (rc == 0 && blk.failed == 0)
		printf("%s: OK\n", blk.server ? "server" : "client");
	else
		blk.failed++;
	printf("%s: %u descriptors open\n", blk.server ? "server" : "client",
	       tern_sock_worker_open_fds(blk.w));
	fflush(stdout);
	tern_rt_request_stop(tern_rt_of_ctx(ctx));
}

static void
blk_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(arg);
	tern_sock_worker_destroy(blk.w);
	free(blk.buf);
}

static int
blk_parse_role(void *arg, const char *v)
{
	struct blk *b = arg;

	if (strcmp(v, "server") != 0 && strcmp(v, "client") != 0) {
		fprintf(stderr, "--role %s: server or client\n", v);
		return -EINVAL;
	}
	b->server = strcmp(v, "server") == 0;
	return 0;
}

static int
blk_parse_ip(struct in_addr *ip, const char *v)
{
	if (inet_pton(AF_INET, v, ip) != 1) {
		fprintf(stderr, "%s: not an IPv4 address\n", v);
		return -EINVAL;
	}
	return 0;
}

static int
blk_parse_peer(void *arg, const char *v)
{
	return blk_parse_ip(&((struct blk *)arg)->peer, v);
}

static int
blk_parse_black_hole(void *arg, const char *v)
{
	return blk_parse_ip(&((struct blk *)arg)->black_hole, v);
}

static const struct tern_rt_opt blk_opts[] = {
	{ "role", "server|client", "which side to play", blk_parse_role },
	{ "peer", "A.B.C.D", "the server (client)", blk_parse_peer },
	{ "black-hole", "A.B.C.D", "an address nobody answers (client)",
	  blk_parse_black_hole },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	const struct tern_rt_app app = {
		.name = "test_sock_block",
		.summary = "blocking sockets under the runtime (tests)",
		.opts = blk_opts,
		.arg = &blk,
		.lcore_init = blk_lcore_init,
		.lcore_poll = blk_lcore_poll,
		.lcore_fini = blk_lcore_fini,
	};
	struct tern_rt *rt = NULL;
	int rc;

	rc = tern_rt_create(argc, argv, &app, &rt);
	if (rc == -ECANCELED) {
		tern_rt_destroy(rt);
		return 0;
	}
	if (rc == 0)
		rc = tern_rt_run(rt);
	if (tern_rt_destroy(rt) < 0 && rc == 0)
		rc = -EBUSY;
	if (rc == 0 && !blk.ran)
		rc = -EINVAL;
	return rc == 0 && blk.failed == 0 ? 0 : 1;
}
