/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_app.h"

/* tern_tcp_send() copies, so the chunk we build on the stack can be small */
#define SEND_CHUNK 16384

uint8_t
sim_pattern_byte(uint64_t key, uint64_t off)
{
	uint64_t s = key ^ ((off >> 3) * 0x9e3779b97f4a7c15ull);

	return (uint8_t)(sim_splitmix64(&s) >> ((off & 7) * 8));
}

void
sim_pattern_fill(uint64_t key, uint64_t off, uint8_t *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = sim_pattern_byte(key, off + i);
}

static void
rec_dtor(void *p)
{
	struct sim_conn *r = p;

	free(r->rx);
}

static struct sim_conn *
rec_new(struct sim_node *n)
{
	struct sim_conn *r = sim_alloc(n->sim, sizeof(*r), rec_dtor);

	r->node = n;
	r->next = n->app;
	n->app = r;
	return r;
}

struct sim_conn *
sim_app_conns(const struct sim_node *n)
{
	return n->app;
}

enum tern_tcp_state
sim_conn_state(const struct sim_conn *r)
{
	return r->c == NULL ? TERN_TCP_CLOSED : tern_tcp_state(r->c);
}

static int
app_accepted(struct tern_conn *c, void *listen_user)
{
	struct sim_listener *l = listen_user;
	struct sim_conn *r = rec_new(l->node);

	r->c = c;
	r->listener = l;
	r->accepted = 1;
	r->close_on_peer_closed = l->close_on_peer_closed;
	r->keep_rx = l->keep_rx;
	r->accept_ret = l->accept_ret;
	r->rx_key = l->rx_key;
	r->established_at_ns = l->node->ctx->now_ns;
	tern_tcp_get_info(c, &r->info);
	tern_tcp_set_user(c, r);
	if (r->info.state != TERN_TCP_ESTABLISHED &&
	    r->info.state != TERN_TCP_CLOSE_WAIT)
		sim_note_error(l->node->sim, "%s: accepted() in state %s",
			       l->node->name,
			       tern_tcp_state_name(r->info.state));
	l->naccepted++;
	l->last = r;
	if (l->on_accept != NULL)
		l->on_accept(r, l->on_accept_arg);
	return r->accept_ret;
}

static void
app_connected(struct tern_conn *c, void *user)
{
	struct sim_conn *r = user;

	r->connected++;
	r->established_at_ns = r->node->ctx->now_ns;
	tern_tcp_get_info(c, &r->info);
	if (r->connected > 1)
		sim_note_error(r->node->sim, "%s: connected() twice",
			       r->node->name);
	if (c != r->c)
		sim_note_error(r->node->sim, "%s: connected() for a handle "
			       "that is not the one connect() returned",
			       r->node->name);
}

/* Check and keep @p len bytes at @p p, landing at stream offset rx_bytes. */
static void
rx_take(struct sim_conn *r, const uint8_t *p, uint32_t len)
{
	if (r->rx_key != 0 && r->rx_bad_at == 0) {
		for (uint32_t i = 0; i < len; i++) {
			uint64_t off = r->rx_bytes + i;

			if (p[i] == sim_pattern_byte(r->rx_key, off))
				continue;
			r->rx_bad_at = off + 1;
			sim_note_error(r->node->sim, "%s port %u: byte %" PRIu64
				       " of the stream is 0x%02x, sent 0x%02x "
				       "(duplicate, gap or corruption)",
				       r->node->name, r->info.lport, off, p[i],
				       sim_pattern_byte(r->rx_key, off));
			break;
		}
	}
	if (r->keep_rx) {
		uint8_t *rx = realloc(r->rx, r->rx_bytes + len);

		if (rx == NULL) {
			sim_note_error(r->node->sim, "out of memory");
			return;
		}
		memcpy(rx + r->rx_bytes, p, len);
		r->rx = rx;
	}
	r->rx_bytes += len;
}

static void
app_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct sim_conn *r = user;

	r->rx_calls++;
	if (r->active && r->connected == 0)
		sim_note_error(r->node->sim, "%s: recv() before connected()",
			       r->node->name);
	if (r->peer_closed > 0)
		sim_note_error(r->node->sim, "%s: recv() after peer_closed()",
			       r->node->name);
	if (c != r->c)
		sim_note_error(r->node->sim, "%s: recv() on a stale handle",
			       r->node->name);
	for (struct rte_mbuf *s = data; s != NULL; s = s->next)
		rx_take(r, rte_pktmbuf_mtod(s, const uint8_t *),
			rte_pktmbuf_data_len(s));
	rte_pktmbuf_free(data);
}

static void
app_writable(struct tern_conn *c, void *user)
{
	struct sim_conn *r = user;

	r->writable++;
}

static void
app_peer_closed(struct tern_conn *c, void *user)
{
	struct sim_conn *r = user;

	r->peer_closed++;
	if (r->peer_closed > 1)
		sim_note_error(r->node->sim, "%s: peer_closed() twice",
			       r->node->name);
	if (r->close_on_peer_closed)
		tern_tcp_close(c);
}

static void
app_closed(struct tern_conn *c, void *user,
	   enum tern_tcp_close_reason why)
{
	struct sim_conn *r = user;

	r->closed++;
	if (r->closed > 1)
		sim_note_error(r->node->sim, "%s: closed() twice for one "
			       "handle", r->node->name);
	if (c != r->c && r->closed == 1)
		sim_note_error(r->node->sim, "%s: closed() on a handle that "
			       "is not this record's", r->node->name);
	r->why = why;
	r->state_before_close = tern_tcp_state(c);
	r->closed_at_ns = r->node->ctx->now_ns;
	r->c = NULL;
}

const struct tern_tcp_ops sim_app_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.recv = app_recv,
	.writable = app_writable,
	.peer_closed = app_peer_closed,
	.closed = app_closed,
};

struct sim_listener *
sim_listen(struct sim_node *n, uint16_t port)
{
	struct sim_listener *l = sim_alloc(n->sim, sizeof(*l), NULL);
	int rc;

	l->node = n;
	l->port = port;
	rc = tern_tcp_listen(n->ctx, port, &sim_app_ops, l, &l->l);
	SIM_ASSERT(rc == 0, "tern_tcp_listen(%s, %u) = %d", n->name, port,
		   rc);
	return l;
}

struct sim_conn *
sim_connect(struct sim_node *n, rte_be32_t daddr, uint16_t port)
{
	struct sim_conn *r = rec_new(n);
	int rc;

	r->active = true;
	rc = tern_tcp_connect(n->ctx, daddr, port, &sim_app_ops, r, &r->c);
	SIM_ASSERT(rc == 0, "tern_tcp_connect(%s, port %u) = %d", n->name,
		   port, rc);
	SIM_ASSERT(r->c != NULL, "connect gave no handle");
	tern_tcp_get_info(r->c, &r->info);
	return r;
}

struct sim_conn *
sim_connect6(struct sim_node *n, const struct tern_ip6 *daddr, uint16_t port)
{
	struct sim_conn *r = rec_new(n);
	int rc;

	r->active = true;
	rc = tern_tcp_connect6(n->ctx, daddr, port, &sim_app_ops, r, &r->c);
	SIM_ASSERT(rc == 0, "tern_tcp_connect6(%s, port %u) = %d", n->name,
		   port, rc);
	tern_tcp_get_info(r->c, &r->info);
	return r;
}

int32_t
sim_conn_send(struct sim_conn *r, const void *buf, uint32_t len)
{
	SIM_ASSERT(r->c != NULL, "%s: send on a closed record", r->node->name);
	return tern_tcp_send(r->c, buf, len);
}

int32_t
sim_conn_send_pattern(struct sim_conn *r, uint32_t len)
{
	uint8_t chunk[SEND_CHUNK];
	int32_t total = 0;

	SIM_ASSERT(r->c != NULL, "%s: send on a closed record", r->node->name);
	while (len > 0) {
		uint32_t n = RTE_MIN(len, (uint32_t)SEND_CHUNK);
		int32_t rc;

		sim_pattern_fill(r->tx_key, r->tx_bytes, chunk, n);
		rc = tern_tcp_send(r->c, chunk, n);
		if (rc < 0)
			return total > 0 ? total : rc;
		r->tx_bytes += (uint32_t)rc;
		total += rc;
		len -= (uint32_t)rc;
		if ((uint32_t)rc < n)
			break;
	}
	return total;
}
