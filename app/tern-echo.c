/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-echo: the first tern application.
 *
 * Server (default): answers ARP and ping (lib/net does that) and serves
 * every TCP connection on --port (default 7) in one of three modes:
 *   echo (default, RFC 862): every byte goes back. When the send buffer
 *     takes less than was received, the rest is kept in a bounded
 *     per-connection backlog and sent from writable(). A peer's FIN is
 *     answered once everything received was echoed. --close-after N:
 *     echo the first N bytes, then send FIN first (tern closes first);
 *     bytes beyond N are counted and dropped.
 *   --discard (RFC 863): count and SHA-256 what arrives, send nothing,
 *     close once the peer has.
 *   --source N: send N bytes of the seeded stream, then FIN (tern closes
 *     first); what arrives is counted and dropped.
 * In the --discard and --source modes each connection ends with a line
 * giving its bytes, their SHA-256, its duration and throughput.
 *
 * Client (--connect A:P or [ADDR6]:P, --send-bytes N): one connection from the first
 * worker; sends N pseudo-random bytes, half-closes (--close-last: waits
 * for the peer to close first instead), checks every byte that comes
 * back, and exits 0 iff all N bytes came back unchanged.
 *
 *   tern-echo [EAL options] -- [--ip A/len] [--port N]
 *             [--discard | --source N | --close-after N] [--seed S]
 *   tern-echo [EAL options] -- --connect A:P [--send-bytes N] [--seed S]
 *             [--close-last]
 *
 * Exit status: 0 success; 1 failure (options, port, a client that did not
 * get its bytes back, leaked mbufs); 2 the client's connection was
 * refused (the peer answered its SYN with a RST).
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

#include "tern_echo_sha256.h"
#include "tern_runtime.h"
#include "tern_splitmix.h"
#include "tern_tcp.h"

#define ECHO_DEFAULT_PORT 7            /* RFC 862 */
#define ECHO_DEFAULT_SEND_BYTES (1u << 20)
/* First allocation of a connection's backlog; it grows by doubling. */
#define ECHO_BACKLOG_MIN_CAP (64u * 1024)
/* Bytes of the stream generated per tern_tcp_send() call (client and
 * --source) and checked per step by the client. */
#define ECHO_CHUNK 16384

/* Exit statuses (see the top of this file). */
enum echo_exit {
	ECHO_EXIT_OK = 0,
	ECHO_EXIT_FAILED = 1,
	ECHO_EXIT_REFUSED = 2,
};

/* What the server does with a connection. */
enum echo_mode {
	ECHO_MODE_ECHO,              /* RFC 862, optionally --close-after */
	ECHO_MODE_DISCARD,           /* RFC 863: count and hash */
	ECHO_MODE_SOURCE,            /* send --source bytes, then FIN */
};

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
	uint64_t id;                 /* per lcore, from 1 */
	uint64_t start_ns;           /* when it was accepted */
	uint64_t rx_bytes;           /* received */
	uint64_t tx_bytes;           /* taken by tern_tcp_send() */
	uint64_t echo_taken;         /* echo: received bytes kept for echo
					(sent or in the backlog) */
	uint64_t dropped_bytes;      /* received and not served: past
					--close-after, or in --source */
	struct echo_sha256 rx_sha;   /* --discard: of rx_bytes */
	struct echo_sha256 tx_sha;   /* --source: of tx_bytes */
	bool peer_closed;
	bool shut;                   /* our FIN is queued */
	bool closing;                /* tern_tcp_close() was called */
	bool on_pending_list;
	TAILQ_ENTRY(echo_conn) pending_link;
};

TAILQ_HEAD(echo_conn_list, echo_conn);

/* Per worker lcore; only that lcore touches it until the loops stop. */
struct echo_lcore {
	struct echo_app *app;
	struct tern_listener *listener;
	/* Connections with sending to do that no callback will prompt: a
	 * send that failed for want of mbufs (no writable() follows), or a
	 * --source connection just accepted. The poll hook serves them. */
	struct echo_conn_list pending;
	unsigned int nb_pending;
	uint64_t next_id;
	uint64_t accepted;
	uint64_t closed;
	uint64_t echoed_bytes;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t dropped_bytes;
	uint8_t chunk[ECHO_CHUNK];   /* --source: the stream, generated */
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
	uint8_t buf[ECHO_CHUNK];     /* to send */
	uint8_t expect[ECHO_CHUNK];  /* what must come back */
};

struct echo_app {
	uint16_t port;
	enum echo_mode mode;
	uint64_t close_after;        /* echo: FIN after this many; 0 = no */
	uint64_t source_bytes;       /* --source */
	bool client_mode;
	bool close_last;             /* client: the peer closes first */
	rte_be32_t peer_ip;
	bool peer_v6;                /* --connect [ADDR6]:P */
	struct tern_ip6 peer_ip6;
	uint16_t peer_port;
	uint64_t send_bytes;
	uint64_t seed;
	struct echo_client client;
	struct echo_lcore lcores[RTE_MAX_LCORE];
};

/* ---- the byte stream of the client and --source ------------------------ */

/* One value of the stream seeded by @p x: a pure function of x. */
static uint64_t
splitmix64(uint64_t x)
{
	return tern_splitmix64(&x);
}

/*
 * Bytes [@p off, @p off + @p len) of the stream of @p seed into @p buf.
 * Counter-based: byte i is byte (i mod 8) of splitmix64 of word i / 8,
 * so any range can be regenerated for checking without keeping what was
 * sent.
 */
static void
stream_fill(uint64_t seed, uint64_t off, uint8_t *buf, uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		uint64_t pos = off + i;
		uint64_t word = splitmix64(seed ^ (pos >> 3) *
					   0x2545f4914f6cdd1dULL);

		for (unsigned int b = pos & 7; b < 8 && i < len; b++, i++)
			buf[i] = (uint8_t)(word >> (b * 8));
	}
}

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

/* ---- server: bookkeeping ------------------------------------------------- */

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
pending_list_add(struct echo_conn *ec)
{
	if (ec->on_pending_list)
		return;
	TAILQ_INSERT_TAIL(&ec->lc->pending, ec, pending_link);
	ec->lc->nb_pending++;
	ec->on_pending_list = true;
}

static void
pending_list_del(struct echo_conn *ec)
{
	if (!ec->on_pending_list)
		return;
	TAILQ_REMOVE(&ec->lc->pending, ec, pending_link);
	ec->lc->nb_pending--;
	ec->on_pending_list = false;
}

/* Received bytes this connection will not serve: consumed at once (they
 * must not hold the receive window shut) and counted. */
static void
conn_drop_bytes(struct echo_conn *ec, uint32_t n)
{
	if (n == 0)
		return;
	if (ec->lc->app->mode == ECHO_MODE_ECHO)
		tern_tcp_recv_done(ec->c, n);
	ec->dropped_bytes += n;
}

/* ---- server: echo -------------------------------------------------------- */

/* tern_tcp_send() that folds "no mbuf now" into "took nothing" and
 * queues the connection for a retry from the poll hook (no writable()
 * follows a failed allocation). */
static int32_t
echo_send(struct echo_conn *ec, const void *data, uint32_t len)
{
	int32_t n = tern_tcp_send(ec->c, data, len);

	if (n == -ENOBUFS) {
		pending_list_add(ec);
		return 0;
	}
	if (n > 0) {
		/* Echoed: these bytes may now leave the receive window. */
		tern_tcp_recv_done(ec->c, (uint32_t)n);
		ec->tx_bytes += (uint32_t)n;
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

/* How many of @p len newly received bytes are still to be echoed under
 * --close-after. */
static uint32_t
echo_quota(const struct echo_conn *ec, uint32_t len)
{
	uint64_t limit = ec->lc->app->close_after;

	if (limit == 0)
		return len;
	if (ec->echo_taken >= limit)
		return 0;
	return (uint32_t)RTE_MIN((uint64_t)len, limit - ec->echo_taken);
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
		uint32_t len = echo_quota(ec, seg->data_len);
		int32_t n = 0;

		conn_drop_bytes(ec, seg->data_len - len);
		ec->echo_taken += len;
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

/* ---- server: discard and source ------------------------------------------ */

static void
discard_data(struct echo_conn *ec, struct rte_mbuf *data)
{
	for (struct rte_mbuf *seg = data; seg != NULL; seg = seg->next)
		echo_sha256_update(&ec->rx_sha,
				   rte_pktmbuf_mtod(seg, const uint8_t *),
				   seg->data_len);
	rte_pktmbuf_free(data);
}

/*
 * Send the stream until the send buffer is full or --source bytes went.
 * @return 0 (done, or waiting for writable()/retry); a negative errno
 * when the connection can no longer send.
 */
static int
source_pump(struct echo_conn *ec)
{
	const struct echo_app *app = ec->lc->app;
	uint8_t *buf = ec->lc->chunk;

	while (ec->tx_bytes < app->source_bytes) {
		uint64_t left = app->source_bytes - ec->tx_bytes;
		uint32_t n = (uint32_t)RTE_MIN((uint64_t)ECHO_CHUNK, left);
		/* Generate no more than fits, but ask for one byte at least
		 * when nothing does: only a send that takes less than asked
		 * brings writable() back. */
		uint32_t room = RTE_MAX(tern_tcp_send_space(ec->c), 1u);
		int32_t taken;

		n = RTE_MIN(n, room);
		stream_fill(app->seed, ec->tx_bytes, buf, n);
		taken = tern_tcp_send(ec->c, buf, n);
		if (taken == -ENOBUFS) {
			pending_list_add(ec);
			return 0;
		}
		if (taken < 0)
			return taken;
		echo_sha256_update(&ec->tx_sha, buf, (uint32_t)taken);
		ec->tx_bytes += (uint32_t)taken;
		if ((uint32_t)taken < n)
			return 0;   /* writable() follows */
	}
	return 0;
}

/* ---- server: one connection's progress ----------------------------------- */

/* Nothing more to send (FIN or close may follow). */
static bool
conn_sending_done(const struct echo_conn *ec)
{
	const struct echo_app *app = ec->lc->app;

	switch (app->mode) {
	case ECHO_MODE_ECHO:
		return ec->backlog.len == 0 &&
		       (app->close_after == 0 ||
			ec->echo_taken >= app->close_after);
	case ECHO_MODE_SOURCE:
		return ec->tx_bytes >= app->source_bytes;
	case ECHO_MODE_DISCARD:
		break;
	}
	return true;
}

/* The modes in which tern sends FIN first, not waiting for the peer's. */
static bool
conn_closes_first(const struct echo_app *app)
{
	return app->mode == ECHO_MODE_SOURCE ||
	       (app->mode == ECHO_MODE_ECHO && app->close_after != 0);
}

/*
 * Send what is pending; once nothing is left to send, FIN (when tern
 * closes first) or close (once the peer has). May free @p ec (through
 * closed()): do not touch it after.
 */
static void
conn_progress(struct echo_conn *ec)
{
	const struct echo_app *app = ec->lc->app;
	int rc = 0;

	if (app->mode == ECHO_MODE_ECHO)
		rc = echo_flush(ec);
	else if (app->mode == ECHO_MODE_SOURCE)
		rc = source_pump(ec);
	if (rc < 0) {
		tern_tcp_abort(ec->c);
		return;
	}
	if (ec->closing || !conn_sending_done(ec))
		return;
	if (ec->peer_closed) {
		ec->closing = true;
		tern_tcp_close(ec->c);
	} else if (conn_closes_first(app) && !ec->shut &&
		   tern_tcp_shutdown(ec->c) == 0) {
		ec->shut = true;
	}
}

/* ---- server: callbacks --------------------------------------------------- */

static int
server_accepted(struct tern_conn *c, void *listen_user)
{
	struct echo_lcore *lc = listen_user;
	struct echo_conn *ec = calloc(1, sizeof(*ec));

	if (ec == NULL)
		return -ENOMEM;
	ec->c = c;
	ec->lc = lc;
	ec->id = ++lc->next_id;
	ec->start_ns = tern_tcp_ctx(c)->now_ns;
	echo_sha256_init(&ec->rx_sha);
	echo_sha256_init(&ec->tx_sha);
	tern_tcp_set_user(c, ec);
	if (lc->app->mode == ECHO_MODE_ECHO)
		tern_tcp_set_recv_manual(c, true);
	/* A source starts sending from the poll hook, not from inside the
	 * stack's accept step. */
	if (lc->app->mode == ECHO_MODE_SOURCE)
		pending_list_add(ec);
	lc->accepted++;
	return 0;
}

static void
server_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct echo_conn *ec = user;
	uint32_t len = rte_pktmbuf_pkt_len(data);

	ec->rx_bytes += len;
	switch (ec->lc->app->mode) {
	case ECHO_MODE_ECHO:
		if (echo_data(ec, data) < 0)
			tern_tcp_abort(c);
		else
			conn_progress(ec);
		return;
	case ECHO_MODE_DISCARD:
		discard_data(ec, data);
		return;
	case ECHO_MODE_SOURCE:
		conn_drop_bytes(ec, len);
		rte_pktmbuf_free(data);
		return;
	}
}

static void
server_writable(struct tern_conn *c, void *user)
{
	conn_progress(user);
}

static void
server_peer_closed(struct tern_conn *c, void *user)
{
	struct echo_conn *ec = user;

	ec->peer_closed = true;
	conn_progress(ec);
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
	case TERN_TCP_CLOSE_UNREACHABLE:
		return "unreachable";
	}
	return "?";
}

/* One line per connection in the modes whose result is a digest. */
static void
conn_report(const struct echo_conn *ec, uint64_t end_ns,
	    enum tern_tcp_close_reason why)
{
	char rx_hex[ECHO_SHA256_HEX_LEN], tx_hex[ECHO_SHA256_HEX_LEN];
	double sec = (double)(end_ns - ec->start_ns) / 1e9;
	uint64_t bytes = RTE_MAX(ec->rx_bytes, ec->tx_bytes);

	echo_sha256_hex(&ec->rx_sha, rx_hex);
	echo_sha256_hex(&ec->tx_sha, tx_hex);
	printf("tern-echo: connection %u.%" PRIu64 ": received %" PRIu64
	       " bytes (sha256 %s), sent %" PRIu64 " bytes (sha256 %s), "
	       "dropped %" PRIu64 ", %.3f s, %.1f MiB/s, %s\n",
	       rte_lcore_id(), ec->id, ec->rx_bytes,
	       ec->lc->app->mode == ECHO_MODE_DISCARD ? rx_hex : "-",
	       ec->tx_bytes,
	       ec->lc->app->mode == ECHO_MODE_SOURCE ? tx_hex : "-",
	       ec->dropped_bytes, sec,
	       sec > 0 ? (double)bytes / (1 << 20) / sec : 0.0,
	       close_reason_name(why));
	fflush(stdout);
}

static void
server_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	struct echo_conn *ec = user;
	struct echo_lcore *lc = ec->lc;

	if (lc->app->mode != ECHO_MODE_ECHO)
		conn_report(ec, tern_tcp_ctx(c)->now_ns, why);
	pending_list_del(ec);
	backlog_free(&ec->backlog);
	lc->closed++;
	lc->rx_bytes += ec->rx_bytes;
	lc->tx_bytes += ec->tx_bytes;
	lc->dropped_bytes += ec->dropped_bytes;
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
server_pending(struct echo_lcore *lc)
{
	/* Only those queued now: one that fails again queues itself anew. */
	unsigned int n = lc->nb_pending;
	struct echo_conn *ec;

	while (n-- > 0 && (ec = TAILQ_FIRST(&lc->pending)) != NULL) {
		pending_list_del(ec);
		conn_progress(ec);
	}
}

/* ---- client ----------------------------------------------------------- */

static void
client_pump(struct echo_app *app)
{
	struct echo_client *cl = &app->client;

	while (cl->sent < app->send_bytes) {
		uint32_t room = tern_tcp_send_space(cl->c);
		uint32_t n = (uint32_t)RTE_MIN((uint64_t)ECHO_CHUNK,
					       app->send_bytes - cl->sent);
		int32_t taken;

		n = RTE_MIN(n, room);
		if (n == 0)
			return;
		stream_fill(app->seed, cl->sent, cl->buf, n);
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
	/* --close-last: our FIN waits for the peer's (client_peer_closed). */
	if (!app->close_last && !cl->shut && tern_tcp_shutdown(cl->c) == 0)
		cl->shut = true;
}

static void
client_connected(struct tern_conn *c, void *user)
{
	struct echo_app *app = user;

	app->client.connected = true;
	client_pump(app);
}

/* Compare @p len received bytes with the stream at the current offset. */
static void
client_check(struct echo_app *app, const uint8_t *p, uint32_t len)
{
	struct echo_client *cl = &app->client;

	while (len > 0) {
		uint32_t n = RTE_MIN(len, (uint32_t)ECHO_CHUNK);

		stream_fill(app->seed, cl->received, cl->expect, n);
		for (uint32_t i = 0; i < n; i++) {
			if (cl->received + i >= app->send_bytes ||
			    p[i] != cl->expect[i])
				cl->mismatches++;
			cl->hash = (cl->hash ^ p[i]) * FNV64_PRIME;
		}
		cl->received += n;
		p += n;
		len -= n;
	}
}

static void
client_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	for (struct rte_mbuf *seg = data; seg != NULL; seg = seg->next)
		client_check(user, rte_pktmbuf_mtod(seg, const uint8_t *),
			     seg->data_len);
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
	TAILQ_INIT(&lc->pending);
	ctx->app = lc;
	if (!app->client_mode)
		return tern_tcp_listen(ctx, app->port, &server_ops, lc,
				       &lc->listener);
	if (ctx->queue_id != 0)
		return 0;
	cl->hash = FNV64_OFFSET;
	if (app->peer_v6)
		rc = tern_tcp_connect6(ctx, &app->peer_ip6, app->peer_port,
				       &client_ops, app, &cl->c);
	else
		rc = tern_tcp_connect(ctx, app->peer_ip, app->peer_port,
				      &client_ops, app, &cl->c);
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

	if (!TAILQ_EMPTY(&lc->pending))
		server_pending(lc);
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
opt_port(void *arg, const char *value)
{
	struct echo_app *app = arg;
	uint64_t v;

	if (tern_parse_u64(value, 1, UINT16_MAX, &v) != 0) {
		fprintf(stderr, "tern-echo: --port: 1..65535, got '%s'\n",
			value);
		return -EINVAL;
	}
	app->port = (uint16_t)v;
	return 0;
}

/* --connect [ADDR6]:P */
static int
opt_connect6(struct echo_app *app, const char *value)
{
	const char *close = strchr(value, ']');
	char ip[INET6_ADDRSTRLEN];
	uint64_t port;

	if (close == NULL || close[1] != ':' ||
	    (size_t)(close - value - 1) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, value + 1, close - value - 1);
	ip[close - value - 1] = '\0';
	if (inet_pton(AF_INET6, ip, app->peer_ip6.b) != 1 ||
	    tern_parse_u64(close + 2, 1, UINT16_MAX, &port) != 0)
		return -EINVAL;
	app->client_mode = true;
	app->peer_v6 = true;
	app->peer_port = (uint16_t)port;
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

	if (value[0] == '[') {
		if (opt_connect6(app, value) == 0)
			return 0;
		goto bad;
	}
	if (colon == NULL || (size_t)(colon - value) >= sizeof(ip))
		goto bad;
	memcpy(ip, value, colon - value);
	ip[colon - value] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1 ||
	    tern_parse_u64(colon + 1, 1, UINT16_MAX, &port) != 0)
		goto bad;
	app->client_mode = true;
	app->peer_ip = a.s_addr;
	app->peer_port = (uint16_t)port;
	return 0;
bad:
	fprintf(stderr, "tern-echo: --connect: expected A.B.C.D:PORT or "
		"[ADDR6]:PORT, got "
		"'%s'\n", value);
	return -EINVAL;
}

/* A byte count > 0 for option @p name. */
static int
parse_byte_count(const char *name, const char *value, uint64_t *out)
{
	if (tern_parse_u64(value, 1, UINT64_MAX / 2, out) != 0) {
		fprintf(stderr, "tern-echo: --%s: a count > 0, got '%s'\n",
			name, value);
		return -EINVAL;
	}
	return 0;
}

static int
opt_send_bytes(void *arg, const char *value)
{
	struct echo_app *app = arg;

	return parse_byte_count("send-bytes", value, &app->send_bytes);
}

static int
opt_seed(void *arg, const char *value)
{
	struct echo_app *app = arg;

	if (tern_parse_u64(value, 0, UINT64_MAX, &app->seed) != 0) {
		fprintf(stderr, "tern-echo: --seed: a number, got '%s'\n",
			value);
		return -EINVAL;
	}
	return 0;
}

/* The server modes exclude each other. */
static int
set_mode(struct echo_app *app, enum echo_mode mode, const char *name)
{
	if (app->mode != ECHO_MODE_ECHO || app->close_after != 0) {
		fprintf(stderr, "tern-echo: --%s: only one of --discard, "
			"--source and --close-after\n", name);
		return -EINVAL;
	}
	app->mode = mode;
	return 0;
}

static int
opt_discard(void *arg, const char *value)
{
	RTE_SET_USED(value);
	return set_mode(arg, ECHO_MODE_DISCARD, "discard");
}

static int
opt_source(void *arg, const char *value)
{
	struct echo_app *app = arg;
	int rc = set_mode(app, ECHO_MODE_SOURCE, "source");

	return rc != 0 ? rc :
	       parse_byte_count("source", value, &app->source_bytes);
}

static int
opt_close_after(void *arg, const char *value)
{
	struct echo_app *app = arg;
	int rc = set_mode(app, ECHO_MODE_ECHO, "close-after");

	return rc != 0 ? rc :
	       parse_byte_count("close-after", value, &app->close_after);
}

static int
opt_close_last(void *arg, const char *value)
{
	struct echo_app *app = arg;

	RTE_SET_USED(value);
	app->close_last = true;
	return 0;
}

static const struct tern_rt_opt echo_opts[] = {
	{ "port", "N", "TCP port to serve (default 7)", opt_port },
	{ "discard", NULL, "server: count and SHA-256 what arrives, send "
	  "nothing (RFC 863)", opt_discard },
	{ "source", "N", "server: send N bytes of the stream, then FIN",
	  opt_source },
	{ "close-after", "N", "server: echo N bytes, then FIN (tern closes "
	  "first)", opt_close_after },
	{ "connect", "A.B.C.D:P", "client mode: connect to this echo server "
	  "([ADDR6]:P over IPv6, with --ip6)",
	  opt_connect },
	{ "send-bytes", "N", "client: bytes to send and check (default 1 MiB)",
	  opt_send_bytes },
	{ "close-last", NULL, "client: no FIN after the last byte; close once "
	  "the peer has", opt_close_last },
	{ "seed", "N", "seed of the client's and --source's byte stream "
	  "(default 1)", opt_seed },
	{ NULL, NULL, NULL, NULL },
};

/* Options that only make sense on the other side. */
static int
options_check(const struct echo_app *app)
{
	if (app->client_mode &&
	    (app->mode != ECHO_MODE_ECHO || app->close_after != 0)) {
		fprintf(stderr, "tern-echo: --discard, --source and "
			"--close-after are server options, not for "
			"--connect\n");
		return -EINVAL;
	}
	if (!app->client_mode && app->close_last) {
		fprintf(stderr, "tern-echo: --close-last needs --connect\n");
		return -EINVAL;
	}
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static void
server_report(const struct echo_app *app)
{
	uint64_t accepted = 0, closed = 0, echoed = 0;
	uint64_t rx = 0, tx = 0, dropped = 0;

	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		const struct echo_lcore *lc = &app->lcores[i];

		accepted += lc->accepted;
		closed += lc->closed;
		echoed += lc->echoed_bytes;
		rx += lc->rx_bytes;
		tx += lc->tx_bytes;
		dropped += lc->dropped_bytes;
	}
	printf("tern-echo: server: accepted %" PRIu64 ", closed %" PRIu64
	       ", echoed %" PRIu64 " bytes; received %" PRIu64 ", sent %"
	       PRIu64 ", dropped %" PRIu64 " bytes in closed connections\n",
	       accepted, closed, echoed, rx, tx, dropped);
}

/* @return ECHO_EXIT_OK iff every byte came back unchanged. */
static enum echo_exit
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
	if (ok)
		return ECHO_EXIT_OK;
	return cl->finished && cl->why == TERN_TCP_CLOSE_REFUSED ?
	       ECHO_EXIT_REFUSED : ECHO_EXIT_FAILED;
}

int
main(int argc, char **argv)
{
	struct echo_app *app = calloc(1, sizeof(*app));
	const struct tern_rt_app rt_app = {
		.name = "tern-echo",
		.summary = "TCP echo (RFC 862), discard and source server and "
			   "checking client on tern; answers ARP and ping.",
		.opts = echo_opts,
		.arg = app,
		.lcore_init = echo_lcore_init,
		.lcore_poll = echo_lcore_poll,
		.lcore_fini = echo_lcore_fini,
	};
	enum echo_exit status = ECHO_EXIT_OK;
	struct tern_rt *rt;
	int rc;

	if (app == NULL)
		return ECHO_EXIT_FAILED;
	app->port = ECHO_DEFAULT_PORT;
	app->send_bytes = ECHO_DEFAULT_SEND_BYTES;
	app->seed = 1;

	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	if (rc == 0)
		rc = options_check(app);
	if (rc == 0)
		rc = tern_rt_run(rt);
	if (rc != 0 && rc != -ECANCELED) {
		fprintf(stderr, "tern-echo: %s\n", strerror(-rc));
		status = ECHO_EXIT_FAILED;
	}
	if (rc == 0 && app->client_mode)
		status = client_report(app);
	else if (rc == 0)
		server_report(app);
	if (tern_rt_destroy(rt) != 0)
		status = ECHO_EXIT_FAILED;
	free(app);
	return status;
}
