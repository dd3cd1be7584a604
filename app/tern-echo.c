/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-echo: the first tern application.
 *
 * Server (default): answers ARP and ping (lib/net does that) and echoes
 * every byte of every TCP connection on --port (default 7, RFC 862).
 * When the send buffer takes less than was received, the rest is kept
 * in a bounded per-connection backlog and sent from writable(). A
 * peer's FIN is answered once everything received was echoed.
 *
 * Client (--connect A:P --send-bytes N): one connection from the first
 * worker; sends N pseudo-random bytes, half-closes, checks every byte
 * that comes back, and exits 0 iff all N bytes came back unchanged.
 *
 *   tern-echo [EAL options] -- [--ip A/len] [--port N]
 *   tern-echo [EAL options] -- --connect A:P [--send-bytes N] [--seed S]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "tern_runtime.h"
#include "tern_tcp.h"

#define ECHO_DEFAULT_PORT 7            /* RFC 862 */
#define ECHO_DEFAULT_SEND_BYTES (1u << 20)
/* First allocation of a connection's backlog; it grows by doubling. */
#define ECHO_BACKLOG_MIN_CAP (64u * 1024)
/* Bytes generated per tern_tcp_send() call of the client. */
#define ECHO_CLIENT_CHUNK 16384

/*
 * Echo bytes the send buffer did not take yet, copied out of the mbufs
 * so that they go back to the pool at once. Bounded by the receive
 * window: the connection runs in manual receive flow control, and bytes
 * are reported consumed (tern_tcp_recv_done) only once the send buffer
 * took them, so a peer that does not read its echo is made to wait.
 */
struct echo_backlog {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head;               /* first unsent byte */
	uint32_t len;                /* unsent bytes from head */
};

/* One server-side connection. */
struct echo_conn {
	struct tern_conn *c;
	struct echo_lcore *lc;
	struct echo_backlog backlog;
	bool peer_closed;
	bool on_retry_list;
	TAILQ_ENTRY(echo_conn) retry_link;
};

TAILQ_HEAD(echo_conn_list, echo_conn);

/* Per worker lcore; only that lcore touches it until the loops stop. */
struct echo_lcore {
	struct echo_app *app;
	struct tern_listener *listener;
	/* Connections whose send failed for want of mbufs: no writable()
	 * will come for them, so the poll hook retries. */
	struct echo_conn_list retry;
	unsigned int nb_retry;
	uint64_t accepted;
	uint64_t closed;
	uint64_t echoed_bytes;
};

struct echo_client {
	struct tern_conn *c;
	int connect_rc;
	bool connected;
	bool shut;                   /* our FIN is queued */
	bool finished;               /* closed() was called */
	enum tern_tcp_close_reason why;
	uint64_t sent;
	uint64_t received;
	uint64_t mismatches;
	uint64_t hash;               /* FNV-1a 64 of the received bytes */
	uint8_t buf[ECHO_CLIENT_CHUNK];
};

struct echo_app {
	uint16_t port;
	bool client_mode;
	rte_be32_t peer_ip;
	uint16_t peer_port;
	uint64_t send_bytes;
	uint64_t seed;
	struct echo_client client;
	struct echo_lcore lcores[RTE_MAX_LCORE];
};

/* ---- the client's byte stream ------------------------------------------ */

static uint64_t
splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Byte @p off of the stream: counter-based, so any range can be
 * regenerated for checking without keeping what was sent. */
static inline uint8_t
stream_byte(uint64_t seed, uint64_t off)
{
	return (uint8_t)(splitmix64(seed ^ (off >> 3) * 0x2545f4914f6cdd1dULL)
			 >> ((off & 7) * 8));
}

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

/* ---- server ----------------------------------------------------------- */

static void
backlog_free(struct echo_backlog *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* Append @p n bytes. @return 0; -ENOMEM. */
static int
backlog_push(struct echo_backlog *b, const uint8_t *data, uint32_t n)
{
	uint32_t need = b->len + n;

	if (b->head + need > b->cap && need <= b->cap) {
		memmove(b->buf, b->buf + b->head, b->len);
		b->head = 0;
	} else if (need > b->cap) {
		uint32_t cap = RTE_MAX(b->cap * 2, ECHO_BACKLOG_MIN_CAP);
		uint8_t *buf;

		cap = RTE_MAX(cap, need);
		buf = malloc(cap);
		if (buf == NULL)
			return -ENOMEM;
		if (b->len > 0)
			memcpy(buf, b->buf + b->head, b->len);
		free(b->buf);
		b->buf = buf;
		b->cap = cap;
		b->head = 0;
	}
	memcpy(b->buf + b->head + b->len, data, n);
	b->len = need;
	return 0;
}

static void
retry_list_add(struct echo_conn *ec)
{
	if (ec->on_retry_list)
		return;
	TAILQ_INSERT_TAIL(&ec->lc->retry, ec, retry_link);
	ec->lc->nb_retry++;
	ec->on_retry_list = true;
}

static void
retry_list_del(struct echo_conn *ec)
{
	if (!ec->on_retry_list)
		return;
	TAILQ_REMOVE(&ec->lc->retry, ec, retry_link);
	ec->lc->nb_retry--;
	ec->on_retry_list = false;
}

/* tern_tcp_send() that folds "no mbuf now" into "took nothing" and
 * queues the connection for a retry from the poll hook (no writable()
 * follows a failed allocation). */
static int32_t
echo_send(struct echo_conn *ec, const void *data, uint32_t len)
{
	int32_t n = tern_tcp_send(ec->c, data, len);

	if (n == -ENOBUFS) {
		retry_list_add(ec);
		return 0;
	}
	if (n > 0) {
		/* Echoed: these bytes may now leave the receive window. */
		tern_tcp_recv_done(ec->c, (uint32_t)n);
		ec->lc->echoed_bytes += (uint32_t)n;
	}
	return n;
}

/*
 * Send the backlog until the send buffer is full.
 * @return 0 (all sent, or waiting for writable()/retry); a negative
 * errno when the connection can no longer send.
 */
static int
echo_flush(struct echo_conn *ec)
{
	struct echo_backlog *b = &ec->backlog;
	int32_t n;

	while (b->len > 0) {
		n = echo_send(ec, b->buf + b->head, b->len);
		if (n <= 0)
			return n;
		b->head += (uint32_t)n;
		b->len -= (uint32_t)n;
	}
	b->head = 0;
	return 0;
}

/* Echo @p data (and free it): straight into the send buffer while
 * nothing older waits, the rest into the backlog. */
static int
echo_data(struct echo_conn *ec, struct rte_mbuf *data)
{
	int rc = 0;

	for (struct rte_mbuf *seg = data; seg != NULL && rc == 0;
	     seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);
		uint32_t len = seg->data_len;
		int32_t n = 0;

		if (ec->backlog.len == 0 && len > 0)
			n = echo_send(ec, p, len);
		if (n < 0)
			rc = n;
		else if ((uint32_t)n < len)
			rc = backlog_push(&ec->backlog, p + n, len - n);
	}
	rte_pktmbuf_free(data);
	return rc;
}

/* Flush, then close once the peer is done and everything was echoed.
 * May free @p ec (through closed()). */
static void
echo_progress(struct echo_conn *ec)
{
	if (echo_flush(ec) < 0) {
		tern_tcp_abort(ec->c);
		return;
	}
	if (ec->backlog.len == 0 && ec->peer_closed)
		tern_tcp_close(ec->c);
}

static int
server_accepted(struct tern_conn *c, void *listen_user)
{
	struct echo_lcore *lc = listen_user;
	struct echo_conn *ec = calloc(1, sizeof(*ec));

	if (ec == NULL)
		return -ENOMEM;
	ec->c = c;
	ec->lc = lc;
	tern_tcp_set_user(c, ec);
	tern_tcp_set_recv_manual(c, true);
	lc->accepted++;
	return 0;
}

static void
server_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	if (echo_data(user, data) < 0)
		tern_tcp_abort(c);
}

static void
server_writable(struct tern_conn *c, void *user)
{
	echo_progress(user);
}

static void
server_peer_closed(struct tern_conn *c, void *user)
{
	struct echo_conn *ec = user;

	ec->peer_closed = true;
	echo_progress(ec);
}

static void
server_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	struct echo_conn *ec = user;

	retry_list_del(ec);
	backlog_free(&ec->backlog);
	ec->lc->closed++;
	free(ec);
}

static const struct tern_tcp_ops server_ops = {
	.accepted = server_accepted,
	.recv = server_recv,
	.writable = server_writable,
	.peer_closed = server_peer_closed,
	.closed = server_closed,
};

static void
server_retry(struct echo_lcore *lc)
{
	/* Only those queued now: a retry that fails queues itself again. */
	unsigned int n = lc->nb_retry;
	struct echo_conn *ec;

	while (n-- > 0 && (ec = TAILQ_FIRST(&lc->retry)) != NULL) {
		retry_list_del(ec);
		echo_progress(ec);
	}
}

/* ---- client ----------------------------------------------------------- */

static void
client_pump(struct echo_app *app)
{
	struct echo_client *cl = &app->client;

	while (cl->sent < app->send_bytes) {
		uint32_t room = tern_tcp_send_space(cl->c);
		uint32_t n = (uint32_t)RTE_MIN((uint64_t)ECHO_CLIENT_CHUNK,
					       app->send_bytes - cl->sent);
		int32_t taken;

		n = RTE_MIN(n, room);
		if (n == 0)
			return;
		for (uint32_t i = 0; i < n; i++)
			cl->buf[i] = stream_byte(app->seed, cl->sent + i);
		taken = tern_tcp_send(cl->c, cl->buf, n);
		if (taken == -ENOBUFS || taken == 0)
			return;     /* the poll hook tries again */
		if (taken < 0) {
			fprintf(stderr, "tern-echo: send: %s\n",
				strerror(-taken));
			tern_tcp_abort(cl->c);
			return;
		}
		cl->sent += (uint32_t)taken;
	}
	if (!cl->shut && tern_tcp_shutdown(cl->c) == 0)
		cl->shut = true;
}

static void
client_connected(struct tern_conn *c, void *user)
{
	struct echo_app *app = user;

	app->client.connected = true;
	client_pump(app);
}

static void
client_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct echo_app *app = user;
	struct echo_client *cl = &app->client;

	for (struct rte_mbuf *seg = data; seg != NULL; seg = seg->next) {
		const uint8_t *p = rte_pktmbuf_mtod(seg, const uint8_t *);

		for (uint16_t i = 0; i < seg->data_len; i++) {
			if (cl->received >= app->send_bytes ||
			    p[i] != stream_byte(app->seed, cl->received))
				cl->mismatches++;
			cl->hash = (cl->hash ^ p[i]) * FNV64_PRIME;
			cl->received++;
		}
	}
	rte_pktmbuf_free(data);
}

static void
client_writable(struct tern_conn *c, void *user)
{
	client_pump(user);
}

static void
client_peer_closed(struct tern_conn *c, void *user)
{
	tern_tcp_close(c);
}

static void
client_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	struct echo_app *app = user;

	app->client.finished = true;
	app->client.why = why;
	app->client.c = NULL;
	tern_rt_request_stop(tern_rt_of_ctx(tern_tcp_ctx(c)));
}

static const struct tern_tcp_ops client_ops = {
	.connected = client_connected,
	.recv = client_recv,
	.writable = client_writable,
	.peer_closed = client_peer_closed,
	.closed = client_closed,
};

/* ---- per-lcore hooks ---------------------------------------------------- */

static int
echo_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct echo_app *app = arg;
	struct echo_lcore *lc = &app->lcores[ctx->lcore_id];
	struct echo_client *cl = &app->client;
	int rc;

	lc->app = app;
	TAILQ_INIT(&lc->retry);
	ctx->app = lc;
	if (!app->client_mode)
		return tern_tcp_listen(ctx, app->port, &server_ops, lc,
				       &lc->listener);
	if (ctx->queue_id != 0)
		return 0;
	cl->hash = FNV64_OFFSET;
	rc = tern_tcp_connect(ctx, app->peer_ip, app->peer_port, &client_ops,
			      app, &cl->c);
	if (rc != 0) {
		cl->connect_rc = rc;
		fprintf(stderr, "tern-echo: connect: %s\n", strerror(-rc));
		tern_rt_request_stop(tern_rt_of_ctx(ctx));
	}
	return 0;
}

static void
echo_lcore_poll(struct tern_ctx *ctx, void *arg)
{
	struct echo_app *app = arg;
	struct echo_lcore *lc = ctx->app;

	if (!TAILQ_EMPTY(&lc->retry))
		server_retry(lc);
	if (app->client_mode && ctx->queue_id == 0 &&
	    app->client.connected && app->client.c != NULL &&
	    app->client.sent < app->send_bytes)
		client_pump(app);
}

static void
echo_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	struct echo_lcore *lc = ctx->app;

	if (lc->listener != NULL)
		tern_tcp_unlisten(lc->listener);
	lc->listener = NULL;
	/* Connections still open are aborted by the stack's teardown. */
}

/* ---- options ------------------------------------------------------------ */

static int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
opt_port(void *arg, const char *value)
{
	struct echo_app *app = arg;
	uint64_t v;

	if (parse_uint(value, 1, UINT16_MAX, &v) != 0) {
		fprintf(stderr, "tern-echo: --port: 1..65535, got '%s'\n",
			value);
		return -EINVAL;
	}
	app->port = (uint16_t)v;
	return 0;
}

static int
opt_connect(void *arg, const char *value)
{
	struct echo_app *app = arg;
	const char *colon = strrchr(value, ':');
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	uint64_t port;

	if (colon == NULL || (size_t)(colon - value) >= sizeof(ip))
		goto bad;
	memcpy(ip, value, colon - value);
	ip[colon - value] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1 ||
	    parse_uint(colon + 1, 1, UINT16_MAX, &port) != 0)
		goto bad;
	app->client_mode = true;
	app->peer_ip = a.s_addr;
	app->peer_port = (uint16_t)port;
	return 0;
bad:
	fprintf(stderr, "tern-echo: --connect: expected A.B.C.D:PORT, got "
		"'%s'\n", value);
	return -EINVAL;
}

static int
opt_send_bytes(void *arg, const char *value)
{
	struct echo_app *app = arg;

	if (parse_uint(value, 1, UINT64_MAX / 2, &app->send_bytes) != 0) {
		fprintf(stderr, "tern-echo: --send-bytes: a count > 0, got "
			"'%s'\n", value);
		return -EINVAL;
	}
	return 0;
}

static int
opt_seed(void *arg, const char *value)
{
	struct echo_app *app = arg;

	if (parse_uint(value, 0, UINT64_MAX, &app->seed) != 0) {
		fprintf(stderr, "tern-echo: --seed: a number, got '%s'\n",
			value);
		return -EINVAL;
	}
	return 0;
}

static const struct tern_rt_opt echo_opts[] = {
	{ "port", "N", "TCP port to serve (default 7)", opt_port },
	{ "connect", "A.B.C.D:P", "client mode: connect to this echo server",
	  opt_connect },
	{ "send-bytes", "N", "client: bytes to send and check (default 1 MiB)",
	  opt_send_bytes },
	{ "seed", "N", "client: seed of the byte stream (default 1)",
	  opt_seed },
	{ NULL, NULL, NULL, NULL },
};

/* ---- main --------------------------------------------------------------- */

static void
server_report(const struct echo_app *app)
{
	uint64_t accepted = 0, closed = 0, bytes = 0;

	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		accepted += app->lcores[i].accepted;
		closed += app->lcores[i].closed;
		bytes += app->lcores[i].echoed_bytes;
	}
	printf("tern-echo: server: accepted %" PRIu64 ", closed %" PRIu64
	       ", echoed %" PRIu64 " bytes\n", accepted, closed, bytes);
}

static const char *
close_reason_name(enum tern_tcp_close_reason why)
{
	switch (why) {
	case TERN_TCP_CLOSE_NORMAL:
		return "closed";
	case TERN_TCP_CLOSE_RESET:
		return "reset by the peer";
	case TERN_TCP_CLOSE_REFUSED:
		return "refused";
	case TERN_TCP_CLOSE_TIMEOUT:
		return "timed out";
	case TERN_TCP_CLOSE_ABORTED:
		return "aborted";
	}
	return "?";
}

/* @return true iff every byte came back unchanged. */
static bool
client_report(const struct echo_app *app)
{
	const struct echo_client *cl = &app->client;
	bool ok = cl->connect_rc == 0 && cl->received == app->send_bytes &&
		  cl->mismatches == 0;

	printf("tern-echo: client: sent %" PRIu64 " of %" PRIu64 " bytes, "
	       "received %" PRIu64 ", mismatched %" PRIu64 ", fnv1a64 "
	       "0x%016" PRIx64 ", connection %s: %s\n", cl->sent,
	       app->send_bytes, cl->received, cl->mismatches, cl->hash,
	       cl->finished ? close_reason_name(cl->why) : "still open",
	       ok ? "OK" : "FAILED");
	return ok;
}

int
main(int argc, char **argv)
{
	struct echo_app *app = calloc(1, sizeof(*app));
	const struct tern_rt_app rt_app = {
		.name = "tern-echo",
		.summary = "TCP echo server (RFC 862) and checking client on "
			   "tern; answers ARP and ping.",
		.opts = echo_opts,
		.arg = app,
		.lcore_init = echo_lcore_init,
		.lcore_poll = echo_lcore_poll,
		.lcore_fini = echo_lcore_fini,
	};
	struct tern_rt *rt;
	bool ok;
	int rc;

	if (app == NULL)
		return EXIT_FAILURE;
	app->port = ECHO_DEFAULT_PORT;
	app->send_bytes = ECHO_DEFAULT_SEND_BYTES;
	app->seed = 1;

	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	if (rc == 0)
		rc = tern_rt_run(rt);
	ok = rc == 0 || rc == -ECANCELED;
	if (rc != 0 && rc != -ECANCELED)
		fprintf(stderr, "tern-echo: %s\n", strerror(-rc));
	if (rc == 0 && app->client_mode)
		ok = client_report(app);
	else if (rc == 0)
		server_report(app);
	if (tern_rt_destroy(rt) != 0)
		ok = false;
	free(app);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
