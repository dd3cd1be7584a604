/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading and writing: read/readv/recv, write/writev/send, the mbuf
 * variants, fcntl and ioctl. The order of the checks -- which errno wins
 * when several apply -- is that of Linux's tcp_recvmsg_locked() and
 * tcp_sendmsg_locked() (docs/sockets.md).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sock_priv.h"

/* ---- receive ---- */

struct sock_rx_wait {
	const struct sock_file *f;
	uint32_t have;          /* bytes already seen (MSG_PEEK) */
};

static bool
sock_rx_ready(void *arg)
{
	const struct sock_rx_wait *rw = arg;
	const struct sock_tcp *t = &rw->f->u.tcp;

	return t->rxq.bytes > rw->have || t->done || t->err != 0 ||
	       (t->shut & SOCK_RCV_SHUT) || t->conn == NULL;
}

/*
 * Copy up to @p len bytes from offset @p skip of the receive queue into
 * @p iov (from *@p iov_off on), without consuming. @return bytes copied.
 */
static uint32_t
sock_rxq_copy(const struct sock_rxq *q, uint32_t skip, uint8_t *dst,
	      uint32_t len)
{
	uint32_t done = 0;

	skip += q->head_off;
	for (uint32_t i = 0; i < q->count && done < len; i++) {
		const struct rte_mbuf *m = q->chain[(q->head + i) % q->cap];

		for (; m != NULL && done < len; m = m->next) {
			uint32_t seg = m->data_len;
			uint32_t n;

			if (skip >= seg) {
				skip -= seg;
				continue;
			}
			n = RTE_MIN(seg - skip, len - done);
			memcpy(dst + done,
			       rte_pktmbuf_mtod_offset(m, const uint8_t *, skip),
			       n);
			done += n;
			skip = 0;
		}
	}
	return done;
}

/* Drop @p len bytes from the head of the queue; the window reopens. */
static void
sock_rxq_consume(struct sock_file *f, uint32_t len)
{
	struct sock_tcp *t = &f->u.tcp;
	struct sock_rxq *q = &t->rxq;
	uint32_t left = len;

	while (left > 0 && q->count > 0) {
		struct rte_mbuf *m = q->chain[q->head];
		uint32_t rest = rte_pktmbuf_pkt_len(m) - q->head_off;

		if (left < rest) {
			q->head_off += left;
			left = 0;
			break;
		}
		left -= rest;
		rte_pktmbuf_free(m);
		q->head = (q->head + 1) % q->cap;
		q->count--;
		q->head_off = 0;
	}
	q->bytes -= len;
	if (t->conn != NULL)
		tern_tcp_recv_done(t->conn, len);
}

static uint64_t
sock_rx_timeout(const struct sock_file *f, int flags)
{
	if (f->nonblock || (flags & MSG_DONTWAIT))
		return 0;
	return f->u.tcp.rcvtimeo_ns ? f->u.tcp.rcvtimeo_ns : UINT64_MAX;
}

static uint64_t
sock_tx_timeout(const struct sock_file *f, int flags)
{
	if (f->nonblock || (flags & MSG_DONTWAIT))
		return 0;
	return f->u.tcp.sndtimeo_ns ? f->u.tcp.sndtimeo_ns : UINT64_MAX;
}

static bool
sock_state_closed(const struct sock_file *f)
{
	return sock_tcp_state(f) == TERN_TCP_CLOSED;
}

/*
 * Wait until @p want bytes (beyond @p have when peeking) can be taken,
 * or the stream ends. @return bytes available to take (>= 0), or
 * -errno.
 */
static ssize_t
sock_rx_avail(struct sock_file *f, uint32_t want, int flags)
{
	struct sock_tcp *t = &f->u.tcp;
	uint64_t timeout = sock_rx_timeout(f, flags);
	uint32_t target;

	if (t->listening)
		return -ENOTCONN;
	/* tcp_recvmsg(): at least one byte is waited for, even when none
	 * is asked (a zero-length read returns 0 only with data queued). */
	if (want == 0 && t->rxq.bytes > 0)
		return 0;
	target = (uint32_t)(t->rcvlowat > 1 ? t->rcvlowat : 1);
	if ((flags & MSG_WAITALL) || target > want)
		target = want;
	if (target == 0)
		target = 1;
	for (;;) {
		struct sock_rx_wait rw = { .f = f, .have = t->rxq.bytes };
		int rc;

		if (t->rxq.bytes >= target)
			return RTE_MIN(t->rxq.bytes, want);
		if (t->rxq.bytes > 0) {
			if (timeout == 0 || t->err != 0 ||
			    sock_state_closed(f) || (t->shut & SOCK_RCV_SHUT) ||
			    (flags & MSG_PEEK))
				return t->rxq.bytes;
		} else {
			if (t->done)
				return 0;
			if (t->err != 0)
				return -sock_take_error(f);
			if (t->shut & SOCK_RCV_SHUT)
				return 0;
			if (sock_state_closed(f))
				return -ENOTCONN;
			if (timeout == 0)
				return -EAGAIN;
		}
		rc = sock_block(f->w, timeout, sock_rx_ready, &rw);
		if (rc < 0)
			return t->rxq.bytes > 0 ? (ssize_t)t->rxq.bytes : rc;
	}
}

static ssize_t
sock_recv_iov(int fd, const struct iovec *iov, int iovcnt, int flags)
{
	struct sock_file *f;
	size_t total = 0;
	ssize_t n;
	uint32_t off = 0;
	int err;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (f->kind != SOCK_KIND_TCP)
		return sock_fail(EINVAL);
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > INT32_MAX)
		total = INT32_MAX;
	n = sock_rx_avail(f, (uint32_t)total, flags);
	if (n < 0)
		return sock_fail((int)-n);
	for (int i = 0; i < iovcnt && off < (uint32_t)n; i++) {
		uint32_t want = (uint32_t)RTE_MIN(iov[i].iov_len,
						  (size_t)n - off);

		off += sock_rxq_copy(&f->u.tcp.rxq, off, iov[i].iov_base,
				     want);
	}
	if (!(flags & MSG_PEEK))
		sock_rxq_consume(f, off);
	return off;
}

ssize_t
tern_recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return sock_recv_iov(fd, &iov, 1, flags);
}

ssize_t
tern_read(int fd, void *buf, size_t len)
{
	return tern_recv(fd, buf, len, 0);
}

ssize_t
tern_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return sock_recv_iov(fd, iov, iovcnt, 0);
}

ssize_t
tern_recv_mbuf(int fd, struct rte_mbuf **out, size_t max_len, int flags)
{
	struct sock_file *f;
	struct sock_rxq *q;
	struct rte_mbuf *m;
	ssize_t n;
	int err;

	*out = NULL;
	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (flags & MSG_PEEK)
		return sock_fail(EINVAL);
	n = sock_rx_avail(f, max_len == 0 || max_len > INT32_MAX ?
			  INT32_MAX : (uint32_t)max_len,
			  flags & ~MSG_WAITALL);
	if (n <= 0)
		return n == 0 ? 0 : sock_fail((int)-n);
	q = &f->u.tcp.rxq;
	/* Whole chains only: the head chain, trimmed of what was read. */
	m = q->chain[q->head];
	if (q->head_off > 0 && rte_pktmbuf_adj(m, (uint16_t)RTE_MIN(
			q->head_off, m->data_len)) == NULL)
		return sock_fail(EIO);
	n = rte_pktmbuf_pkt_len(m);
	q->head_off = 0;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->bytes -= (uint32_t)n;
	if (f->u.tcp.conn != NULL)
		tern_tcp_recv_done(f->u.tcp.conn, (uint32_t)n);
	*out = m;
	return n;
}

/* ---- send ---- */

static bool
sock_tx_ready(void *arg)
{
	const struct sock_file *f = arg;
	const struct sock_tcp *t = &f->u.tcp;

	return t->conn == NULL || t->err != 0 ||
	       tern_tcp_send_space(t->conn) > 0;
}

static bool
sock_state_sends(enum tern_tcp_state s)
{
	return s == TERN_TCP_ESTABLISHED || s == TERN_TCP_CLOSE_WAIT;
}

static bool
sock_state_opening(enum tern_tcp_state s)
{
	return s == TERN_TCP_SYN_SENT || s == TERN_TCP_SYN_RCVD;
}

/* sk_stream_wait_connect(): @return 0 once the socket may send. */
static int
sock_tx_wait_connect(struct sock_file *f, uint64_t timeout)
{
	struct sock_tcp *t = &f->u.tcp;

	while (!sock_state_sends(sock_tcp_state(f))) {
		int rc;

		if (t->err != 0)
			return -sock_take_error(f);
		if (!sock_state_opening(sock_tcp_state(f)))
			return -EPIPE;
		if (timeout == 0)
			return -EAGAIN;
		rc = sock_block(f->w, timeout, sock_tx_ready, f);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static ssize_t
sock_send_iov(int fd, const struct iovec *iov, int iovcnt, int flags)
{
	struct sock_file *f;
	struct sock_tcp *t;
	uint64_t timeout;
	size_t copied = 0;
	int err, rc;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (f->kind != SOCK_KIND_TCP)
		return sock_fail(EINVAL);
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	t = &f->u.tcp;
	timeout = sock_tx_timeout(f, flags);
	rc = sock_tx_wait_connect(f, timeout);
	if (rc < 0)
		return sock_fail(-rc);
	for (int i = 0; i < iovcnt; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left > 0) {
			int32_t n;

			if (t->err != 0 || (t->shut & SOCK_SND_SHUT) ||
			    t->conn == NULL)
				goto pipe;
			n = tern_tcp_send(t->conn, p, left > INT32_MAX ?
					  INT32_MAX : (uint32_t)left);
			if (n == -EPIPE)
				goto pipe;
			if (n > 0) {
				p += n;
				left -= (size_t)n;
				copied += (size_t)n;
				continue;
			}
			/* Full (or no mbuf): wait for room. */
			if (timeout == 0 ||
			    sock_block(f->w, timeout, sock_tx_ready, f) < 0) {
				if (copied > 0)
					return (ssize_t)copied;
				return sock_fail(EAGAIN);
			}
		}
	}
	return (ssize_t)copied;
pipe:
	if (copied > 0)
		return (ssize_t)copied;
	/* tcp_sendmsg_locked(): sk_err or SEND_SHUTDOWN is EPIPE (Linux
	 * also raises SIGPIPE without MSG_NOSIGNAL; tern never does). */
	return sock_fail(EPIPE);
}

ssize_t
tern_send(int fd, const void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf,
			     .iov_len = len };

	return sock_send_iov(fd, &iov, 1, flags);
}

ssize_t
tern_write(int fd, const void *buf, size_t len)
{
	return tern_send(fd, buf, len, 0);
}

ssize_t
tern_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return sock_send_iov(fd, iov, iovcnt, 0);
}

ssize_t
tern_send_mbuf(int fd, struct rte_mbuf *m, int flags)
{
	uint32_t off = 0;
	ssize_t n = 0;

	for (struct rte_mbuf *s = m; s != NULL; s = s->next) {
		n = tern_send(fd, rte_pktmbuf_mtod(s, void *), s->data_len,
			      flags | MSG_DONTWAIT);
		if (n < 0)
			break;
		off += (uint32_t)n;
		if ((uint32_t)n < s->data_len)
			break;
	}
	if (off == 0 && n < 0)
		return -1;
	if (off == rte_pktmbuf_pkt_len(m))
		rte_pktmbuf_free(m);
	return off;
}

/* ---- fcntl, ioctl ---- */

int
tern_fcntl(int fd, int cmd, ...)
{
	struct sock_file *f;
	va_list ap;
	int err, arg;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	switch (cmd) {
	case F_GETFL:
		return O_RDWR | (f->nonblock ? O_NONBLOCK : 0);
	case F_GETFD:
		return f->cloexec ? FD_CLOEXEC : 0;
	case F_SETFL:
	case F_SETFD:
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
		if (cmd == F_SETFL)
			f->nonblock = (arg & O_NONBLOCK) != 0;
		else
			f->cloexec = (arg & FD_CLOEXEC) != 0;
		return 0;
	default:
		return sock_fail(EINVAL);
	}
}

int
tern_ioctl(int fd, unsigned long req, ...)
{
	struct sock_file *f;
	va_list ap;
	int *arg;
	int err;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	va_start(ap, req);
	arg = va_arg(ap, int *);
	va_end(ap);
	switch (req) {
	case FIONBIO:
		if (arg == NULL)
			return sock_fail(EFAULT);
		f->nonblock = *arg != 0;
		return 0;
	case FIONREAD:
		if (f->kind != SOCK_KIND_TCP)
			return sock_fail(ENOTTY);
		if (arg == NULL)
			return sock_fail(EFAULT);
		if (f->u.tcp.listening)
			return sock_fail(EINVAL);
		*arg = (int)RTE_MIN(f->u.tcp.rxq.bytes, (uint32_t)INT_MAX);
		return 0;
	default:
		return sock_fail(ENOTTY);
	}
}
