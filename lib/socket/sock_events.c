/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the stack tells a socket: the callbacks of tern_tcp.h turned
 * into socket state -- the accept queue, received data, writability,
 * the peer's FIN, the end of a connection and its errno (as Linux's
 * tcp_done(), tcp_reset() and icmp_err_convert[] give it).
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sock_priv.h"

static int sock_on_accepted(struct tern_conn *c, void *listen_user);
static void sock_on_connected(struct tern_conn *c, void *user);
static void sock_on_recv(struct tern_conn *c, void *user, struct rte_mbuf *m);
static void sock_on_writable(struct tern_conn *c, void *user);
static void sock_on_peer_closed(struct tern_conn *c, void *user);
static void sock_on_closed(struct tern_conn *c, void *user,
			   enum tern_tcp_close_reason why);

const struct tern_tcp_ops sock_tcp_ops = {
	.accepted = sock_on_accepted,
	.connected = sock_on_connected,
	.recv = sock_on_recv,
	.writable = sock_on_writable,
	.peer_closed = sock_on_peer_closed,
	.closed = sock_on_closed,
};

void
sock_set_conn(struct sock_file *f, struct tern_conn *c)
{
	struct sock_tcp *t = &f->u.tcp;

	t->conn = c;
	t->rcv_manual = false;
	tern_tcp_set_user(c, f);
	sock_opt_apply(f);
}

void
sock_acq_pause_check(struct sock_file *l)
{
	struct sock_tcp *t = &l->u.tcp;

	/* Linux's sk_acceptq_is_full(): more queued than the backlog. */
	if (t->l != NULL)
		tern_tcp_listen_pause(t->l, t->acq_count > t->backlog);
}

static int
sock_acq_push(struct sock_file *l, struct sock_file *child)
{
	struct sock_tcp *t = &l->u.tcp;

	if (t->acq_count == t->acq_cap) {
		uint32_t cap = t->acq_cap == 0 ? 8 : t->acq_cap * 2;
		struct sock_file **n = malloc(cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < t->acq_count; i++)
			n[i] = t->acq[(t->acq_head + i) % t->acq_cap];
		free(t->acq);
		t->acq = n;
		t->acq_cap = cap;
		t->acq_head = 0;
	}
	t->acq[(t->acq_head + t->acq_count) % t->acq_cap] = child;
	t->acq_count++;
	sock_acq_pause_check(l);
	return 0;
}

struct sock_file *
sock_acq_pop(struct sock_file *l)
{
	struct sock_tcp *t = &l->u.tcp;
	struct sock_file *child;

	if (t->acq_count == 0)
		return NULL;
	child = t->acq[t->acq_head];
	t->acq_head = (t->acq_head + 1) % t->acq_cap;
	t->acq_count--;
	sock_acq_pause_check(l);
	return child;
}

static void
sock_inherit(struct sock_tcp *child, const struct sock_tcp *parent)
{
	child->reuseaddr = parent->reuseaddr;
	child->keepalive = parent->keepalive;
	child->nodelay = parent->nodelay;
	child->linger_on = parent->linger_on;
	child->linger_s = parent->linger_s;
	child->rcvbuf = parent->rcvbuf;
	child->sndbuf = parent->sndbuf;
	child->rcvlowat = parent->rcvlowat;
	child->keepidle_s = parent->keepidle_s;
	child->keepintvl_s = parent->keepintvl_s;
	child->keepcnt = parent->keepcnt;
	child->user_timeout_ms = parent->user_timeout_ms;
	child->cc = parent->cc;
	child->rcvtimeo_ns = parent->rcvtimeo_ns;
	child->sndtimeo_ns = parent->sndtimeo_ns;
	child->domain = parent->domain;
	child->v6only = parent->v6only;
}

static int
sock_on_accepted(struct tern_conn *c, void *listen_user)
{
	struct sock_file *l = listen_user;
	struct sock_file *child;
	struct tern_tcp_info info;

	if (l == NULL)
		return -ECONNREFUSED;
	tern_tcp_get_info(c, &info);
	/* The stack refuses the families this socket does not take
	 * (tern_listen()); kept in case a connection got past. */
	if (!sock_listener_takes(l, info.family))
		return -ECONNREFUSED;
	child = sock_file_new(l->w, SOCK_KIND_TCP);
	if (child == NULL)
		return -ENOMEM;
	sock_inherit(&child->u.tcp, &l->u.tcp);
	sock_name_set_conn(child, &info);
	child->u.tcp.bound = true;
	child->u.tcp.ss = SOCK_SS_CONNECTED;
	child->u.tcp.parent = l;
	if (sock_acq_push(l, child) < 0) {
		sock_file_free(child);
		return -ENOMEM;
	}
	sock_set_conn(child, c);
	child->u.tcp.synced = true;
	sock_wake(l, EPOLLIN);
	return 0;
}

static void
sock_on_connected(struct tern_conn *c, void *user)
{
	struct sock_file *f = user;

	RTE_SET_USED(c);
	if (f == NULL)
		return;
	f->u.tcp.synced = true;
	sock_wake(f, 0);
}

static void
sock_on_recv(struct tern_conn *c, void *user, struct rte_mbuf *m)
{
	struct sock_file *f = user;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (f == NULL || sock_rxq_push(&f->u.tcp.rxq, m) < 0) {
		/* An orphan (closed descriptor), or no memory: gone. */
		tern_tcp_recv_done(c, len);
		rte_pktmbuf_free(m);
		return;
	}
	f->u.tcp.bytes_received += len;
	/* Beyond SO_RCVBUF unread, tern holds the window: a reader that
	 * does not keep up closes it (sock_rxq_consume reopens it). */
	if (!f->u.tcp.rcv_manual &&
	    f->u.tcp.rxq.bytes > (uint32_t)f->u.tcp.rcvbuf) {
		f->u.tcp.rcv_manual = true;
		tern_tcp_set_recv_manual(c, true);
	}
	sock_wake(f, EPOLLIN);
}

static void
sock_on_writable(struct tern_conn *c, void *user)
{
	RTE_SET_USED(c);
	if (user != NULL)
		sock_wake(user, EPOLLOUT);
}

static void
sock_on_peer_closed(struct tern_conn *c, void *user)
{
	struct sock_file *f = user;

	RTE_SET_USED(c);
	if (f == NULL)
		return;
	f->u.tcp.shut |= SOCK_RCV_SHUT;
	f->u.tcp.done = true;
	sock_wake(f, 0);
}

/* The errno Linux gives an ICMP error that ended a connect()
 * (icmp_err_convert[]): destination unreachable by its code, any other
 * type a host unreachable. */
static int
sock_icmp_errno(const struct tern_conn *c)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(c, &info);
	if (info.icmp_type != 3)
		return EHOSTUNREACH;
	switch (info.icmp_code) {
	case 0:
		return ENETUNREACH;
	case 2:
		return ENOPROTOOPT;
	case 3:
		return ECONNREFUSED;
	case 4:
		return EMSGSIZE;
	case 5:
		return EOPNOTSUPP;
	default:
		return EHOSTUNREACH;
	}
}

static int
sock_close_errno(const struct tern_conn *c, enum tern_tcp_close_reason why)
{
	switch (why) {
	case TERN_TCP_CLOSE_NORMAL:
		return 0;
	case TERN_TCP_CLOSE_RESET:
		return ECONNRESET;
	case TERN_TCP_CLOSE_REFUSED:
		return ECONNREFUSED;
	case TERN_TCP_CLOSE_TIMEOUT:
		return ETIMEDOUT;
	case TERN_TCP_CLOSE_ABORTED:
		return ECONNABORTED;
	case TERN_TCP_CLOSE_UNREACHABLE:
		return sock_icmp_errno(c);
	}
	return ECONNABORTED;
}

static void
sock_on_closed(struct tern_conn *c, void *user,
	       enum tern_tcp_close_reason why)
{
	struct sock_file *f = user;
	struct sock_tcp *t;
	bool close_wait;

	RTE_SET_USED(c);
	if (f == NULL)
		return;
	t = &f->u.tcp;
	/* CLOSE_WAIT: the peer's FIN came, ours has not gone. */
	close_wait = t->done && !(t->shut & SOCK_SND_SHUT);
	t->conn = NULL;
	/* tcp_done(): both directions shut, the error reported; a reset
	 * in CLOSE_WAIT is EPIPE (tcp_reset()). */
	t->shut = SOCK_SHUT_MASK;
	if (why != TERN_TCP_CLOSE_NORMAL)
		t->err = why == TERN_TCP_CLOSE_RESET && close_wait ? EPIPE :
			sock_close_errno(c, why);
	sock_wake(f, 0);
}

/* Let go of the connection: no callback reaches @p f any more. */
void
sock_orphan(struct sock_file *f, bool reset)
{
	struct tern_conn *c = f->u.tcp.conn;

	if (c == NULL)
		return;
	f->u.tcp.conn = NULL;
	tern_tcp_set_user(c, NULL);
	if (reset) {
		tern_tcp_abort(c);
		return;
	}
	if (f->u.tcp.rcv_manual)
		tern_tcp_set_recv_manual(c, false);
	tern_tcp_close(c);
}
