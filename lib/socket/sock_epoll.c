/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Readiness: a socket's poll mask (Linux's tcp_poll()), epoll with its
 * ready list (level-triggered items go back on it after each report,
 * edge-triggered ones only at the next wake-up, EPOLLONESHOT disarms
 * until EPOLL_CTL_MOD, as fs/eventpoll.c), and poll().
 */
#include <stdlib.h>

#include "sock_priv.h"

/* Bits an item keeps for itself (Linux's EP_PRIVATE_BITS). */
#define SOCK_EP_PRIVATE (EPOLLET | EPOLLONESHOT | EPOLLWAKEUP | \
			 EPOLLEXCLUSIVE)
#define SOCK_EP_ALWAYS (EPOLLHUP | EPOLLERR)

static bool
sock_writeable(const struct sock_file *f)
{
	const struct sock_tcp *t = &f->u.tcp;

	/* A socket without a connection has all its buffer free. */
	return t->conn == NULL || tern_tcp_send_space(t->conn) > 0;
}

/* tcp_poll(); @p want: the bits asked for (EPOLLOUT costs a call). */
static inline uint32_t
sock_tcp_poll(const struct sock_file *f, uint32_t want)
{
	const struct sock_tcp *t = &f->u.tcp;
	enum tern_tcp_state s;
	uint32_t mask = 0;

	/* An open connection with nothing unusual (the common case). */
	if (likely(t->synced && t->conn != NULL && t->shut == 0 &&
		   t->err == 0)) {
		if (t->rxq.bytes >= (uint32_t)RTE_MAX(t->rcvlowat, 1))
			mask |= EPOLLIN | EPOLLRDNORM;
		if ((want & (EPOLLOUT | EPOLLWRNORM)) &&
		    tern_tcp_send_space(t->conn) > 0)
			mask |= EPOLLOUT | EPOLLWRNORM;
		return mask;
	}
	s = sock_tcp_state(f);
	if (s == TERN_TCP_LISTEN)
		return t->acq_count > 0 ? EPOLLIN | EPOLLRDNORM : 0;
	if (t->shut == SOCK_SHUT_MASK || s == TERN_TCP_CLOSED)
		mask |= EPOLLHUP;
	if (t->shut & SOCK_RCV_SHUT)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (s != TERN_TCP_SYN_SENT && s != TERN_TCP_SYN_RCVD) {
		uint32_t target = (uint32_t)RTE_MAX(t->rcvlowat, 1);

		if (t->rxq.bytes >= target)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(t->shut & SOCK_SND_SHUT)) {
			if (sock_writeable(f))
				mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (t->err != 0)
		mask |= EPOLLERR;
	return mask;
}

static uint32_t
sock_item_mask(const struct sock_epitem *it)
{
	uint32_t want = (it->events & ~SOCK_EP_PRIVATE) | SOCK_EP_ALWAYS;

	/* A disarmed EPOLLONESHOT item reports nothing, HUP and ERR too. */
	if ((it->events & ~SOCK_EP_PRIVATE) == 0)
		return 0;
	if (likely(it->file->kind == SOCK_KIND_TCP))
		return sock_tcp_poll(it->file, want) & want;
	return sock_poll_mask(it->file) & want;
}

static bool
sock_ep_has_ready(const struct sock_file *ep)
{
	const struct sock_epitem *it;

	TAILQ_FOREACH(it, &ep->u.ep.ready, on_ready)
		if (sock_item_mask(it) != 0)
			return true;
	return false;
}

uint32_t
sock_poll_mask(const struct sock_file *f)
{
	if (f->kind == SOCK_KIND_EPOLL)
		return sock_ep_has_ready(f) ? EPOLLIN | EPOLLRDNORM : 0;
	return sock_tcp_poll(f, UINT32_MAX);
}

static void
sock_ready_add(struct sock_epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	TAILQ_INSERT_TAIL(&it->ep->ready, it, on_ready);
}

static void
sock_ready_del(struct sock_epitem *it)
{
	if (!it->ready)
		return;
	it->ready = false;
	TAILQ_REMOVE(&it->ep->ready, it, on_ready);
}

void
sock_wake(struct sock_file *f, uint32_t key)
{
	struct sock_epitem *it;

	/* ep_poll_callback(): disarmed items and keys outside the
	 * interest do not queue the item. */
	TAILQ_FOREACH(it, &f->epitems, on_file) {
		uint32_t interest = it->events & ~SOCK_EP_PRIVATE;

		if (interest == 0)
			continue;
		if (key != 0 && !(key & (interest | SOCK_EP_ALWAYS)))
			continue;
		sock_ready_add(it);
	}
	/* An epoll instance watching an epoll instance is not supported
	 * (tern_epoll_ctl refuses it), so nothing propagates further. */
}

static void
sock_item_free(struct sock_epitem *it)
{
	sock_ready_del(it);
	TAILQ_REMOVE(&it->file->epitems, it, on_file);
	TAILQ_REMOVE(&it->ep->items, it, on_ep);
	free(it);
}

void
sock_epoll_forget(struct sock_file *f)
{
	struct sock_epitem *it;

	while ((it = TAILQ_FIRST(&f->epitems)) != NULL)
		sock_item_free(it);
}

void
sock_epoll_close(struct sock_file *f)
{
	struct sock_epitem *it;

	while ((it = TAILQ_FIRST(&f->u.ep.items)) != NULL)
		sock_item_free(it);
}

static struct sock_epitem *
sock_item_find(struct sock_file *ep, const struct sock_file *f)
{
	struct sock_epitem *it;

	TAILQ_FOREACH(it, &f->epitems, on_file)
		if (it->ep == &ep->u.ep)
			return it;
	return NULL;
}

int
tern_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct sock_file *ep, *f;
	struct sock_epitem *it;
	int err;

	ep = sock_lookup(epfd, &err);
	if (ep == NULL)
		return sock_fail(err);
	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (ep->kind != SOCK_KIND_EPOLL || ep == f)
		return sock_fail(EINVAL);
	if (op != EPOLL_CTL_DEL && ev == NULL)
		return sock_fail(EFAULT);
	/* Nested epoll and cross-worker sets are not supported. */
	if (f->kind == SOCK_KIND_EPOLL || f->w != ep->w)
		return sock_fail(EINVAL);
	it = sock_item_find(ep, f);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it != NULL)
			return sock_fail(EEXIST);
		it = calloc(1, sizeof(*it));
		if (it == NULL)
			return sock_fail(ENOMEM);
		it->ep = &ep->u.ep;
		it->file = f;
		TAILQ_INSERT_TAIL(&f->epitems, it, on_file);
		TAILQ_INSERT_TAIL(&ep->u.ep.items, it, on_ep);
		break;
	case EPOLL_CTL_MOD:
		if (it == NULL)
			return sock_fail(ENOENT);
		if (ev->events & EPOLLEXCLUSIVE)
			return sock_fail(EINVAL);
		break;
	case EPOLL_CTL_DEL:
		if (it == NULL)
			return sock_fail(ENOENT);
		sock_item_free(it);
		return 0;
	default:
		return sock_fail(EINVAL);
	}
	it->events = ev->events;
	it->data = ev->data.u64;
	if (sock_item_mask(it) != 0)
		sock_ready_add(it);
	return 0;
}

/*
 * Move what is ready into @p evs. @return how many. Reported level-
 * triggered items stay on the ready list; when @p evs filled up before
 * the list ended they go behind the rest, as ep_send_events() puts
 * them, so that no item starves the others.
 */
static int
sock_ep_collect(struct sock_file *ep, struct epoll_event *evs, int max)
{
	struct sock_epitem_list *ready = &ep->u.ep.ready;
	struct sock_epitem *it, *next;
	int n = 0;

	for (it = TAILQ_FIRST(ready); it != NULL && n < max; it = next) {
		uint32_t mask = sock_item_mask(it);

		next = TAILQ_NEXT(it, on_ready);
		if (mask == 0) {
			sock_ready_del(it);
			continue;
		}
		evs[n].events = mask;
		evs[n].data.u64 = it->data;
		n++;
		if (it->events & EPOLLONESHOT) {
			it->events &= SOCK_EP_PRIVATE;
			sock_ready_del(it);
		} else if (it->events & EPOLLET) {
			sock_ready_del(it);
		}
	}
	if (it != NULL) {
		struct sock_epitem *first;

		while ((first = TAILQ_FIRST(ready)) != it) {
			TAILQ_REMOVE(ready, first, on_ready);
			TAILQ_INSERT_TAIL(ready, first, on_ready);
		}
	}
	return n;
}

static bool
sock_ep_ready(void *arg)
{
	return sock_ep_has_ready(arg);
}

static uint64_t
sock_timeout_ns(int timeout_ms)
{
	return timeout_ms < 0 ? UINT64_MAX : (uint64_t)timeout_ms * 1000000u;
}

int
tern_epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout_ms)
{
	struct sock_file *ep;
	int err, n, rc;

	ep = sock_lookup(epfd, &err);
	if (ep == NULL)
		return sock_fail(err);
	if (ep->kind != SOCK_KIND_EPOLL || max <= 0)
		return sock_fail(EINVAL);
	if (evs == NULL)
		return sock_fail(EFAULT);
	for (;;) {
		n = sock_ep_collect(ep, evs, max);
		if (n > 0 || timeout_ms == 0)
			return n;
		rc = sock_block(ep->w, sock_timeout_ns(timeout_ms),
				sock_ep_ready, ep);
		if (rc == -EAGAIN)
			return sock_ep_collect(ep, evs, max);
		if (rc < 0)
			return sock_fail(-rc);
	}
}

/* ---- poll ---- */

struct sock_poll_set {
	struct pollfd *fds;
	nfds_t n;
	int ready;
};

static int
sock_poll_scan(struct sock_poll_set *ps)
{
	int ready = 0;

	for (nfds_t i = 0; i < ps->n; i++) {
		struct pollfd *p = &ps->fds[i];
		struct sock_file *f;
		int err;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		f = sock_lookup(p->fd, &err);
		if (f == NULL)
			p->revents = POLLNVAL;
		else
			p->revents = (short)(sock_poll_mask(f) &
				((uint16_t)p->events | POLLHUP | POLLERR));
		if (p->revents != 0)
			ready++;
	}
	ps->ready = ready;
	return ready;
}

static bool
sock_poll_ready(void *arg)
{
	return sock_poll_scan(arg) > 0;
}

int
tern_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct sock_poll_set ps = { .fds = fds, .n = n };
	struct tern_sock_worker *w = NULL;
	int rc;

	if (n > TERN_SOCK_FD_SPAN)
		return sock_fail(EINVAL);
	if (sock_poll_scan(&ps) > 0 || timeout_ms == 0)
		return ps.ready;
	for (nfds_t i = 0; i < n && w == NULL; i++) {
		struct sock_file *f;
		int err;

		f = fds[i].fd >= 0 ? sock_lookup(fds[i].fd, &err) : NULL;
		if (f != NULL)
			w = f->w;
	}
	if (w == NULL)
		w = sock_thread_current();
	if (w == NULL)
		return 0;
	rc = sock_block(w, sock_timeout_ns(timeout_ms), sock_poll_ready, &ps);
	if (rc < 0 && rc != -EAGAIN)
		return sock_fail(-rc);
	return sock_poll_scan(&ps);
}
