/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Services for testing and CI, run on the workers: echo (RFC 862),
 * discard (RFC 863), chargen (RFC 864), a minimal HTTP/1.1 responder,
 * and a client that connects, sends N bytes and expects them back
 * (mode echo) or not (mode discard). Everything here runs on the lcore
 * that owns the connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "testpmd.h"
#include "tern_tcp_view.h"

static const char *const svc_names[TP_SVC_MAX] = {
	[TP_SVC_ECHO] = "echo",
	[TP_SVC_DISCARD] = "discard",
	[TP_SVC_CHARGEN] = "chargen",
	[TP_SVC_HTTP] = "http",
};

/* RFC 864's rotating pattern, one 74-byte line per offset. */
static const char chargen_line[] =
	"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
	"abcdefghi\r\n";

static const char http_response[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: tern-testpmd\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 13\r\n"
	"\r\n"
	"hello, tern!\n";

static const char http_end[] = "\r\n\r\n";

/* Per connection; malloc'd on accept/connect, freed in closed(). */
struct tp_conn {
	struct tp_lcore *lc;
	enum tp_svc svc;
	bool client;
	bool client_echo;       /* expect our bytes back */
	bool peer_done;         /* the peer sent FIN */
	uint64_t to_send;       /* client: bytes left to send */
	uint64_t expect;        /* client echo: bytes still to come back */
	struct rte_mbuf *pending; /* echo: received, not yet sent back */
	uint32_t pending_off;
	uint32_t http_match;    /* bytes of http_end matched so far */
};

const char *
tp_svc_name(enum tp_svc s)
{
	return (unsigned int)s < TP_SVC_MAX ? svc_names[s] : "?";
}

int
tp_svc_parse(const char *name, enum tp_svc *out)
{
	for (unsigned int i = 0; i < TP_SVC_MAX; i++)
		if (strcmp(name, svc_names[i]) == 0) {
			*out = (enum tp_svc)i;
			return 0;
		}
	return -EINVAL;
}

static struct tp_lcore *
lcore_of(struct tern_ctx *ctx)
{
	return ctx->app;
}

/* Echo: send back what is pending; bytes sent leave the receive
 * window (manual receive), so a slow peer closes our window. */
static void
echo_flush(struct tern_conn *c, struct tp_conn *tc)
{
	while (tc->pending != NULL) {
		struct rte_mbuf *m = tc->pending;
		uint32_t len = m->data_len - tc->pending_off;
		int32_t n = 0;

		if (len > 0)
			n = tern_tcp_send(c, rte_pktmbuf_mtod_offset(m,
					  const char *, tc->pending_off), len);
		if (n < 0)
			n = 0;
		tern_tcp_recv_done(c, (uint32_t)n);
		tc->lc->bytes_out += (uint32_t)n;
		tc->pending_off += (uint32_t)n;
		if ((uint32_t)n < len)
			return;         /* writable() resumes */
		tc->pending = m->next;
		tc->pending_off = 0;
		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
	}
	if (tc->peer_done)
		tern_tcp_close(c);
}

static void
echo_append(struct tp_conn *tc, struct rte_mbuf *data)
{
	struct rte_mbuf *last;

	if (tc->pending == NULL) {
		tc->pending = data;
		return;
	}
	for (last = tc->pending; last->next != NULL; last = last->next)
		;
	last->next = data;
}

static void
chargen_fill(struct tern_conn *c, struct tp_conn *tc)
{
	const uint32_t len = sizeof(chargen_line) - 1;
	int32_t n;

	do {
		n = tern_tcp_send(c, chargen_line, len);
		if (n > 0)
			tc->lc->bytes_out += (uint32_t)n;
	} while (n == (int32_t)len);
}

/* Count complete requests (header ends) and answer each. */
static void
http_recv(struct tern_conn *c, struct tp_conn *tc, struct rte_mbuf *data)
{
	for (struct rte_mbuf *s = data; s != NULL; s = s->next) {
		const char *p = rte_pktmbuf_mtod(s, const char *);

		for (uint16_t i = 0; i < s->data_len; i++) {
			if (p[i] == http_end[tc->http_match])
				tc->http_match++;
			else
				tc->http_match = p[i] == '\r' ? 1 : 0;
			if (tc->http_match < sizeof(http_end) - 1)
				continue;
			tc->http_match = 0;
			if (tern_tcp_send(c, http_response,
					  sizeof(http_response) - 1) > 0)
				tc->lc->bytes_out += sizeof(http_response) - 1;
		}
	}
}

static void
client_send(struct tern_conn *c, struct tp_conn *tc)
{
	while (tc->to_send > 0) {
		uint32_t len = (uint32_t)RTE_MIN(tc->to_send,
					(uint64_t)sizeof(chargen_line) - 1);
		int32_t n = tern_tcp_send(c, chargen_line, len);

		if (n <= 0)
			return;
		tc->to_send -= (uint32_t)n;
		tc->lc->bytes_out += (uint32_t)n;
		if ((uint32_t)n < len)
			return;
	}
	if (!tc->client_echo || tc->expect == 0)
		tern_tcp_close(c);
}

static int
svc_accepted(struct tern_conn *c, void *listen_user)
{
	struct tern_ctx *ctx = tern_tcp_ctx(c);
	struct tp_conn *tc = calloc(1, sizeof(*tc));

	if (tc == NULL)
		return -ENOMEM;
	tc->lc = lcore_of(ctx);
	tc->svc = (enum tp_svc)(uintptr_t)listen_user;
	tc->lc->conns_accepted++;
	tern_tcp_set_user(c, tc);
	if (tc->svc == TP_SVC_ECHO)
		tern_tcp_set_recv_manual(c, true);
	if (tc->svc == TP_SVC_CHARGEN)
		chargen_fill(c, tc);
	return 0;
}

static void
svc_connected(struct tern_conn *c, void *user)
{
	struct tp_conn *tc = user;

	tc->lc->conns_connected++;
	if (tc->to_send > 0)
		client_send(c, tc);
}

static void
svc_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct tp_conn *tc = user;
	uint32_t len = rte_pktmbuf_pkt_len(data);

	tc->lc->bytes_in += len;
	if (tc->client) {
		tc->expect -= RTE_MIN((uint64_t)len, tc->expect);
		rte_pktmbuf_free(data);
		if (tc->client_echo && tc->to_send == 0 && tc->expect == 0)
			tern_tcp_close(c);
		return;
	}
	switch (tc->svc) {
	case TP_SVC_ECHO:
		echo_append(tc, data);
		echo_flush(c, tc);
		return;
	case TP_SVC_HTTP:
		http_recv(c, tc, data);
		break;
	default:
		break;
	}
	rte_pktmbuf_free(data);
}

static void
svc_writable(struct tern_conn *c, void *user)
{
	struct tp_conn *tc = user;

	if (tc->client)
		client_send(c, tc);
	else if (tc->svc == TP_SVC_ECHO)
		echo_flush(c, tc);
	else if (tc->svc == TP_SVC_CHARGEN)
		chargen_fill(c, tc);
}

static void
svc_peer_closed(struct tern_conn *c, void *user)
{
	struct tp_conn *tc = user;

	tc->peer_done = true;
	if (tc->client && tc->to_send > 0)
		return;         /* a half-close: keep sending */
	if (!tc->client && tc->svc == TP_SVC_ECHO && tc->pending != NULL)
		return;         /* echo_flush closes once empty */
	tern_tcp_close(c);
}

static void
svc_closed(struct tern_conn *c, void *user,
	   enum tern_tcp_close_reason why)
{
	struct tp_conn *tc = user;

	if (tc == NULL || (uintptr_t)tc < TP_SVC_MAX)
		return;         /* never accepted: the listener's user */
	rte_pktmbuf_free(tc->pending);
	free(tc);
}

static const struct tern_tcp_ops svc_ops = {
	.accepted = svc_accepted,
	.connected = svc_connected,
	.recv = svc_recv,
	.writable = svc_writable,
	.peer_closed = svc_peer_closed,
	.closed = svc_closed,
};

int
tp_svc_listen(struct tern_ctx *ctx, uint16_t port, enum tp_svc svc)
{
	struct tp_lcore *lc = lcore_of(ctx);
	struct tp_listen *slot = NULL;
	int rc;

	for (unsigned int i = 0; i < TP_LISTEN_MAX; i++) {
		if (lc->listens[i].port == port)
			return -EADDRINUSE;
		if (lc->listens[i].port == 0 && slot == NULL)
			slot = &lc->listens[i];
	}
	if (slot == NULL)
		return -ENOSPC;
	rc = tern_tcp_listen(ctx, port, &svc_ops, (void *)(uintptr_t)svc,
			     &slot->l);
	if (rc != 0)
		return rc;
	slot->port = port;
	slot->svc = svc;
	return 0;
}

int
tp_svc_unlisten(struct tern_ctx *ctx, uint16_t port)
{
	struct tp_lcore *lc = lcore_of(ctx);

	for (unsigned int i = 0; i < TP_LISTEN_MAX; i++) {
		struct tp_listen *s = &lc->listens[i];

		if (s->port != port)
			continue;
		tern_tcp_unlisten(s->l);
		memset(s, 0, sizeof(*s));
		return 0;
	}
	return -ENOENT;
}

void
tp_svc_unlisten_all(struct tern_ctx *ctx)
{
	struct tp_lcore *lc = lcore_of(ctx);

	for (unsigned int i = 0; i < TP_LISTEN_MAX; i++)
		if (lc->listens[i].port != 0)
			tp_svc_unlisten(ctx, lc->listens[i].port);
}

int
tp_svc_connect(struct tern_ctx *ctx, const struct tp_dest *to,
	       uint64_t bytes, bool echo, uint32_t *conn_id)
{
	struct tp_conn *tc = calloc(1, sizeof(*tc));
	struct tern_conn *c;
	int rc;

	if (tc == NULL)
		return -ENOMEM;
	tc->lc = lcore_of(ctx);
	tc->client = true;
	tc->client_echo = echo;
	tc->to_send = bytes;
	tc->expect = echo ? bytes : 0;
	if (to->family == AF_INET6)
		rc = tern_tcp_connect6(ctx, &to->ip6, to->port, &svc_ops, tc,
				       &c);
	else
		rc = tern_tcp_connect(ctx, to->ip, to->port, &svc_ops, tc, &c);
	if (rc != 0) {
		free(tc);
		return rc;
	}
	*conn_id = tern_tcp_conn_id(c);
	return 0;
}
