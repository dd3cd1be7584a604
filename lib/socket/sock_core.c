/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Descriptors, the life of a TCP socket and the calls that change it:
 * socket, bind, listen, accept, connect, shutdown, close, the names.
 * The errno of each case follows Linux's inet_stream_connect(),
 * inet_shutdown(), inet_bind() and friends (docs/sockets.md).
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sock_priv.h"

/* ---- workers and descriptors ---- */

int
tern_sock_worker_create(const struct tern_sock_worker_conf *conf,
			struct tern_sock_worker **out)
{
	struct tern_sock_worker *w;

	if (conf == NULL || conf->ctx == NULL || out == NULL ||
	    conf->id >= TERN_SOCK_MAX_WORKERS || conf->max_fds == 0 ||
	    conf->max_fds > TERN_SOCK_FD_SPAN)
		return -EINVAL;
	if (sock_thread_get(conf->id) != NULL)
		return -EEXIST;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->files = calloc(conf->max_fds, sizeof(*w->files));
	if (w->files == NULL) {
		free(w);
		return -ENOMEM;
	}
	w->ctx = conf->ctx;
	w->id = conf->id;
	w->max_fds = conf->max_fds;
	w->drive = conf->drive;
	w->drive_arg = conf->drive_arg;
	w->clock = conf->clock;
	sock_thread_set(w->id, w);
	sock_thread_set_current(w);
	*out = w;
	return 0;
}

void
tern_sock_worker_destroy(struct tern_sock_worker *w)
{
	if (w == NULL)
		return;
	/* Listeners first: their queued children are closed with them. */
	for (uint32_t i = 0; i < w->max_fds; i++)
		if (w->files[i] != NULL && w->files[i]->kind == SOCK_KIND_TCP &&
		    w->files[i]->u.tcp.listening)
			tern_close(w->files[i]->fd);
	for (uint32_t i = 0; i < w->max_fds; i++)
		if (w->files[i] != NULL)
			tern_close(w->files[i]->fd);
	sock_thread_set(w->id, NULL);
	free(w->files);
	free(w);
}

void
tern_sock_worker_enter(struct tern_sock_worker *w)
{
	/* Also from another thread than the one that created it: the
	 * worker's descriptors are found through this thread from now. */
	sock_thread_set(w->id, w);
	sock_thread_set_current(w);
}

uint32_t
tern_sock_worker_open_fds(const struct tern_sock_worker *w)
{
	return w->open;
}

int
sock_fd_alloc(struct tern_sock_worker *w, struct sock_file *f)
{
	/* The lowest free number, as the kernel gives. */
	for (uint32_t i = w->next_free; i < w->max_fds; i++) {
		if (w->files[i] != NULL)
			continue;
		w->files[i] = f;
		w->next_free = i + 1;
		w->open++;
		f->w = w;
		f->fd = TERN_SOCK_FD_BASE + (int)(w->id * TERN_SOCK_FD_SPAN + i);
		return 0;
	}
	return -EMFILE;
}

static void
sock_fd_release(struct sock_file *f)
{
	struct tern_sock_worker *w = f->w;
	uint32_t i;

	if (f->fd < 0)
		return;
	i = (uint32_t)(f->fd - TERN_SOCK_FD_BASE) % TERN_SOCK_FD_SPAN;
	w->files[i] = NULL;
	w->open--;
	if (i < w->next_free)
		w->next_free = i;
	f->fd = -1;
}

struct sock_file *
sock_lookup_tcp(int fd, int *err)
{
	struct sock_file *f = sock_lookup(fd, err);

	if (f != NULL && f->kind != SOCK_KIND_TCP) {
		*err = ENOTSOCK;
		return NULL;
	}
	return f;
}

struct sock_file *
sock_file_new(struct tern_sock_worker *w, enum sock_kind kind)
{
	struct sock_file *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->kind = kind;
	f->fd = -1;
	f->w = w;
	TAILQ_INIT(&f->epitems);
	if (kind == SOCK_KIND_TCP)
		sock_opt_defaults(&f->u.tcp);
	else {
		TAILQ_INIT(&f->u.ep.items);
		TAILQ_INIT(&f->u.ep.ready);
	}
	return f;
}

void
sock_file_free(struct sock_file *f)
{
	sock_fd_release(f);
	free(f->u.tcp.rxq.chain);
	free(f->u.tcp.acq);
	free(f);
}

int
sock_block(struct tern_sock_worker *w, uint64_t timeout_ns,
	   sock_ready_fn ready, void *arg)
{
	uint64_t start = w->clock != NULL ? w->clock(w->drive_arg) :
					    w->ctx->now_ns;
	/* From the call, as Linux times a blocking call (see
	 * tern_sock_clock_fn): never earlier than the timeout asked. */
	uint64_t deadline = timeout_ns == UINT64_MAX ? UINT64_MAX :
		start + timeout_ns;
	int rc;

	while (!ready(arg)) {
		if (w->drive == NULL || w->ctx->now_ns >= deadline)
			return -EAGAIN;
		rc = w->drive(w->drive_arg, deadline);
		/* EDEADLK: a blocking call where the stack cannot be
		 * stepped (a stack callback); anything else: no more
		 * progress, as a signal ends a blocking call. */
		if (rc < 0)
			return rc == -EDEADLK ? rc : -EINTR;
	}
	return 0;
}

/* ---- state ---- */

enum tern_tcp_state
sock_tcp_state(const struct sock_file *f)
{
	const struct sock_tcp *t = &f->u.tcp;

	if (t->conn != NULL)
		return tern_tcp_state(t->conn);
	return t->listening ? TERN_TCP_LISTEN : TERN_TCP_CLOSED;
}

/* sock_error(): read and clear sk_err. */
int
sock_take_error(struct sock_file *f)
{
	int err = f->u.tcp.err;

	f->u.tcp.err = 0;
	return err;
}

uint32_t
sock_rxq_bytes(const struct sock_file *f)
{
	return f->u.tcp.rxq.bytes;
}

static void
sock_rxq_purge(struct sock_rxq *q)
{
	while (q->count > 0) {
		rte_pktmbuf_free(q->chain[q->head]);
		q->head = (q->head + 1) & (q->cap - 1);
		q->count--;
	}
	q->head_off = 0;
	q->bytes = 0;
}


/* ---- socket, bind, listen ---- */

int
tern_socket(int domain, int type, int protocol)
{
	struct tern_sock_worker *w = sock_thread_current();
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct sock_file *f;

	if (domain != AF_INET && domain != AF_INET6)
		return sock_fail(EAFNOSUPPORT);
	if (kind != SOCK_STREAM)
		return sock_fail(kind == SOCK_DGRAM || kind == SOCK_RAW ?
				 EPROTONOSUPPORT : EINVAL);
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return sock_fail(EPROTONOSUPPORT);
	if (w == NULL)
		return sock_fail(ENXIO);
	f = sock_file_new(w, SOCK_KIND_TCP);
	if (f == NULL)
		return sock_fail(ENOBUFS);
	f->nonblock = (type & SOCK_NONBLOCK) != 0;
	f->cloexec = (type & SOCK_CLOEXEC) != 0;
	f->u.tcp.domain = domain;
	if (sock_fd_alloc(w, f) < 0) {
		sock_file_free(f);
		return sock_fail(EMFILE);
	}
	return f->fd;
}

int
tern_epoll_create1(int flags)
{
	struct tern_sock_worker *w = sock_thread_current();
	struct sock_file *f;

	if (flags & ~EPOLL_CLOEXEC)
		return sock_fail(EINVAL);
	if (w == NULL)
		return sock_fail(ENXIO);
	f = sock_file_new(w, SOCK_KIND_EPOLL);
	if (f == NULL)
		return sock_fail(ENOMEM);
	f->cloexec = (flags & EPOLL_CLOEXEC) != 0;
	if (sock_fd_alloc(w, f) < 0) {
		sock_file_free(f);
		return sock_fail(EMFILE);
	}
	return f->fd;
}

/* Is @p port taken by another socket of the worker (bind's rules)? */
static bool
sock_port_in_use(const struct sock_file *self, uint16_t port)
{
	const struct tern_sock_worker *w = self->w;

	for (uint32_t i = 0; i < w->max_fds; i++) {
		const struct sock_file *o = w->files[i];

		if (o == NULL || o == self || o->kind != SOCK_KIND_TCP ||
		    !o->u.tcp.bound || o->u.tcp.lport != port)
			continue;
		if (o->u.tcp.reuseport && self->u.tcp.reuseport)
			continue;
		/* SO_REUSEADDR on both: fine unless the other listens. */
		if (o->u.tcp.reuseaddr && self->u.tcp.reuseaddr &&
		    !o->u.tcp.listening)
			continue;
		return true;
	}
	return false;
}

static uint16_t
sock_pick_port(const struct sock_file *f)
{
	/* Linux's ip_local_port_range. */
	for (uint32_t p = 32768; p <= 60999; p++)
		if (!sock_port_in_use(f, (uint16_t)p))
			return (uint16_t)p;
	return 0;
}

int
tern_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock_name name;
	struct sock_file *f;
	struct sock_tcp *t;
	uint16_t port;
	int err;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	t = &f->u.tcp;
	err = sock_name_parse(f, addr, len, &name);
	if (err < 0)
		return sock_fail(-err);
	if (t->domain == AF_INET6) {
		/* __inet6_bind(): a stream socket on a multicast address,
		 * then a second bind, then v4-mapped on a v6-only socket,
		 * a link-local address without its interface -- before
		 * the address is looked up. */
		if (name.is6 && tern_ip6_is_multicast(&name.ip6))
			return sock_fail(EINVAL);
		if (t->bound || sock_tcp_state(f) != TERN_TCP_CLOSED)
			return sock_fail(EINVAL);
		if (name.mapped && t->v6only)
			return sock_fail(EINVAL);
		if (name.is6 && tern_ip6_is_linklocal(&name.ip6) &&
		    name.scope_id == 0)
			return sock_fail(EINVAL);
	}
	/* __inet_bind() looks the address up first. */
	if (!sock_name_is_local(f, &name))
		return sock_fail(EADDRNOTAVAIL);
	if (t->bound || sock_tcp_state(f) != TERN_TCP_CLOSED)
		return sock_fail(EINVAL);
	port = name.port;
	if (port == 0)
		port = sock_pick_port(f);
	else if (sock_port_in_use(f, port))
		return sock_fail(EADDRINUSE);
	if (port == 0)
		return sock_fail(EADDRINUSE);
	t->laddr = name.is6 ? 0 : name.v4;
	t->laddr_is6 = name.is6 && !tern_ip6_is_unspec(&name.ip6);
	t->laddr6 = name.ip6;
	t->lport = port;
	t->bound = true;
	return 0;
}

int
tern_listen(int fd, int backlog)
{
	struct sock_file *f;
	struct sock_tcp *t;
	int err, rc;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	t = &f->u.tcp;
	if (t->ss != SOCK_SS_UNCONNECTED)
		return sock_fail(EINVAL);
	/* inet_listen(): negative and huge backlogs mean somaxconn. */
	if ((unsigned int)backlog > SOCK_SOMAXCONN)
		backlog = SOCK_SOMAXCONN;
	if (t->listening) {
		t->backlog = (uint32_t)backlog;
		sock_acq_pause_check(f);
		return 0;
	}
	if (sock_tcp_state(f) != TERN_TCP_CLOSED)
		return sock_fail(EINVAL);
	if (!t->bound) {
		t->lport = sock_pick_port(f);
		if (t->lport == 0)
			return sock_fail(EADDRINUSE);
		t->bound = true;
	} else if (sock_port_in_use(f, t->lport)) {
		return sock_fail(EADDRINUSE);
	}
	rc = tern_tcp_listen(f->w->ctx, t->lport, &sock_tcp_ops, f, &t->l);
	if (rc < 0)
		return sock_fail(-rc);
	/* A SYN of a family the socket does not take is refused as Linux
	 * refuses it, by the stack (RST), never handed over. */
	tern_tcp_listen_families(t->l, sock_listener_takes(f, AF_INET),
				 sock_listener_takes(f, AF_INET6));
	t->backlog = (uint32_t)backlog;
	t->listening = true;
	t->shut = 0;
	sock_acq_pause_check(f);
	return 0;
}

/* Stop listening: queued connections are reset, as Linux does. */
static void
sock_unlisten(struct sock_file *f)
{
	struct sock_tcp *t = &f->u.tcp;
	struct sock_file *child;

	if (!t->listening)
		return;
	tern_tcp_unlisten(t->l);
	t->l = NULL;
	t->listening = false;
	while ((child = sock_acq_pop(f)) != NULL) {
		sock_orphan(child, true);
		sock_rxq_purge(&child->u.tcp.rxq);
		sock_file_free(child);
	}
}

/* ---- accept ---- */

static bool
sock_acq_ready(void *arg)
{
	const struct sock_file *f = arg;

	return f->u.tcp.acq_count > 0 || !f->u.tcp.listening;
}

int
tern_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sock_file *f, *child;
	int err, rc;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return sock_fail(EINVAL);
	if (!f->u.tcp.listening)
		return sock_fail(EINVAL);
	if (f->u.tcp.acq_count == 0) {
		if (f->nonblock)
			return sock_fail(EAGAIN);
		rc = sock_block(f->w, f->u.tcp.rcvtimeo_ns ?
				f->u.tcp.rcvtimeo_ns : UINT64_MAX,
				sock_acq_ready, f);
		if (rc < 0)
			return sock_fail(-rc);
		if (!f->u.tcp.listening)
			return sock_fail(EINVAL);
	}
	child = sock_acq_pop(f);
	if (sock_fd_alloc(f->w, child) < 0) {
		sock_orphan(child, true);
		sock_file_free(child);
		return sock_fail(EMFILE);
	}
	child->u.tcp.parent = NULL;
	child->nonblock = (flags & SOCK_NONBLOCK) != 0;
	child->cloexec = (flags & SOCK_CLOEXEC) != 0;
	sock_name_fill(child, true, addr, len);
	return child->fd;
}

int
tern_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return tern_accept4(fd, addr, len, 0);
}

/* ---- connect ---- */

static bool
sock_opening_done(void *arg)
{
	enum tern_tcp_state s = sock_tcp_state(arg);

	return s != TERN_TCP_SYN_SENT && s != TERN_TCP_SYN_RCVD;
}

/* Linux's tcp_disconnect(): back to a fresh, unconnected socket. */
static void
sock_disconnect(struct sock_file *f)
{
	struct sock_tcp *t = &f->u.tcp;

	sock_orphan(f, true);
	sock_rxq_purge(&t->rxq);
	t->shut = 0;
	t->done = false;
	t->synced = false;
	t->ss = SOCK_SS_UNCONNECTED;
	t->faddr = 0;
	t->faddr_is6 = false;
	t->fport = 0;
	if (!t->listening) {
		t->bound = false;
		t->laddr = 0;
		t->laddr_is6 = false;
		t->lport = 0;
	}
}

static int
sock_connect_start(struct sock_file *f, const struct sock_name *to)
{
	struct sock_tcp *t = &f->u.tcp;
	struct tern_conn *c;
	struct tern_tcp_info info;
	int rc;

	if (to->is6)
		rc = tern_tcp_connect6(f->w->ctx, &to->ip6, to->port,
				       &sock_tcp_ops, f, &c);
	else
		rc = tern_tcp_connect(f->w->ctx, to->v4, to->port,
				      &sock_tcp_ops, f, &c);
	if (rc < 0)
		return rc == -ENOMEM ? -ENOBUFS : rc;
	tern_tcp_get_info(c, &info);
	sock_name_set_conn(f, &info);
	t->bound = true;
	t->shut = 0;
	t->done = false;
	sock_set_conn(f, c);
	return 0;
}

int
tern_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock_name to;
	struct sock_file *f;
	struct sock_tcp *t;
	uint64_t timeout;
	int err, rc;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	t = &f->u.tcp;
	if (addr == NULL || len < sizeof(sa_family_t))
		return sock_fail(EINVAL);
	err = sock_name_parse(f, addr, len, &to);
	if (err < 0)
		return sock_fail(-err);
	/* tcp_v6_connect(): a v6-only socket has no route to IPv4. */
	if (to.mapped && t->v6only)
		return sock_fail(ENETUNREACH);
	switch (t->ss) {
	case SOCK_SS_CONNECTED:
		return sock_fail(EISCONN);
	case SOCK_SS_CONNECTING:
		err = EALREADY;
		break;
	case SOCK_SS_UNCONNECTED:
	default:
		if (sock_tcp_state(f) != TERN_TCP_CLOSED)
			return sock_fail(EISCONN);
		rc = sock_connect_start(f, &to);
		if (rc < 0)
			return sock_fail(-rc);
		t->ss = SOCK_SS_CONNECTING;
		err = EINPROGRESS;
		break;
	}
	timeout = f->nonblock ? 0 : (t->sndtimeo_ns ? t->sndtimeo_ns :
				     UINT64_MAX);
	if (!sock_opening_done(f)) {
		if (timeout == 0)
			return sock_fail(err);
		rc = sock_block(f->w, timeout, sock_opening_done, f);
		if (rc < 0)
			return sock_fail(rc == -EAGAIN ? err : -rc);
	}
	if (sock_tcp_state(f) == TERN_TCP_CLOSED) {
		err = sock_take_error(f);
		sock_disconnect(f);
		return sock_fail(err != 0 ? err : ECONNABORTED);
	}
	t->ss = SOCK_SS_CONNECTED;
	return 0;
}

/* ---- shutdown, close ---- */

int
tern_shutdown(int fd, int how)
{
	struct sock_file *f;
	struct sock_tcp *t;
	enum tern_tcp_state s;
	unsigned int bits;
	int err;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	t = &f->u.tcp;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return sock_fail(EINVAL);
	bits = (unsigned int)how + 1;
	s = sock_tcp_state(f);
	if (t->ss == SOCK_SS_CONNECTING && s != TERN_TCP_SYN_SENT &&
	    s != TERN_TCP_SYN_RCVD && s != TERN_TCP_CLOSED)
		t->ss = SOCK_SS_CONNECTED;
	switch (s) {
	case TERN_TCP_CLOSED:
		/* Linux sets the bits anyway (pollers see EPOLLHUP). */
		t->shut |= bits;
		sock_wake(f, 0);
		return sock_fail(ENOTCONN);
	case TERN_TCP_LISTEN:
		if (bits & SOCK_RCV_SHUT) {
			sock_unlisten(f);
			t->ss = SOCK_SS_UNCONNECTED;
			sock_wake(f, 0);
		}
		return 0;
	case TERN_TCP_SYN_SENT:
		sock_disconnect(f);
		t->err = ECONNRESET;
		sock_wake(f, 0);
		return 0;
	default:
		break;
	}
	if ((bits & SOCK_SND_SHUT) && !(t->shut & SOCK_SND_SHUT))
		tern_tcp_shutdown(t->conn);
	t->shut |= bits;
	sock_wake(f, 0);
	return 0;
}

static void
sock_close_tcp(struct sock_file *f)
{
	struct sock_tcp *t = &f->u.tcp;
	bool reset;

	sock_unlisten(f);
	/* tcp_close(): unread data or SO_LINGER {1, 0} reset the
	 * connection instead of closing it with FIN. */
	reset = t->rxq.bytes > 0 || (t->linger_on && t->linger_s == 0);
	sock_orphan(f, reset);
	sock_rxq_purge(&t->rxq);
}

int
tern_close(int fd)
{
	struct sock_file *f;
	int err;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	sock_epoll_forget(f);
	if (f->kind == SOCK_KIND_TCP)
		sock_close_tcp(f);
	else
		sock_epoll_close(f);
	sock_file_free(f);
	return 0;
}

/* ---- names ---- */

int
tern_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sock_file *f;
	int err;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (addr == NULL || len == NULL)
		return sock_fail(EFAULT);
	if ((int)*len < 0)
		return sock_fail(EINVAL);
	sock_name_fill(f, false, addr, len);
	return 0;
}

int
tern_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sock_file *f;
	enum tern_tcp_state s;
	int err;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (addr == NULL || len == NULL)
		return sock_fail(EFAULT);
	s = sock_tcp_state(f);
	if (f->u.tcp.fport == 0 || s == TERN_TCP_CLOSED ||
	    s == TERN_TCP_SYN_SENT || s == TERN_TCP_LISTEN)
		return sock_fail(ENOTCONN);
	sock_name_fill(f, true, addr, len);
	return 0;
}
