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

/* Copy up to @p len bytes from offset @p skip of the queue (MSG_PEEK). */
static uint32_t
sock_rxq_peek(const struct sock_rxq *q, uint32_t skip, uint8_t *dst,
	      uint32_t len)
{
	uint32_t done = 0;

	skip += q->head_off;
	for (uint32_t i = 0; i < q->count && done < len; i++) {
		const struct rte_mbuf *m =
			q->chain[(q->head + i) & (q->cap - 1)];

		for (; m != NULL && done < len; m = m->next) {
			uint32_t n;

			if (skip >= m->data_len) {
				skip -= m->data_len;
				continue;
			}
			n = RTE_MIN(m->data_len - skip, len - done);
			memcpy(dst + done,
			       rte_pktmbuf_mtod_offset(m, const uint8_t *, skip),
			       n);
			done += n;
			skip = 0;
		}
	}
	return done;
}

/*
 * @p len bytes left the receive queue. tern's window counts them only
 * while it holds the window for a reader that fell behind (more than
 * SO_RCVBUF unread, sock_on_recv); then they are handed back, and once
 * the reader is down to half of SO_RCVBUF the window is tern's again.
 */
static __rte_always_inline void
sock_rxq_release(struct sock_file *f, uint32_t len)
{
	struct sock_tcp *t = &f->u.tcp;

	if (likely(!t->rcv_manual) || t->conn == NULL)
		return;
	tern_tcp_recv_done(t->conn, len);
	if (t->rxq.bytes <= (uint32_t)t->rcvbuf / 2) {
		t->rcv_manual = false;
		tern_tcp_set_recv_manual(t->conn, false);
	}
}

/* Move up to @p len bytes into @p dst, freeing what is read.
 * @return bytes moved. */
static __rte_always_inline uint32_t
sock_rxq_take(struct sock_rxq *q, uint8_t *dst, uint32_t len)
{
	uint32_t done = 0;

	/* The common case of a request: one segment, unread, read whole. */
	if (likely(q->count == 1 && q->head_off == 0)) {
		struct rte_mbuf *m = q->chain[q->head];

		if (likely(m->next == NULL && m->data_len <= len)) {
			done = m->data_len;
			memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t *), done);
			rte_pktmbuf_free_seg(m);
			q->chain[q->head] = NULL;
			q->head = (q->head + 1) & (q->cap - 1);
			q->count = 0;
			q->bytes -= done;
			return done;
		}
	}
	while (done < len && q->count > 0) {
		struct rte_mbuf *m = q->chain[q->head];
		uint32_t n = RTE_MIN((uint32_t)m->data_len - q->head_off,
				     len - done);

		memcpy(dst + done, rte_pktmbuf_mtod_offset(m, const uint8_t *,
							   q->head_off), n);
		done += n;
		q->head_off += n;
		if (q->head_off < m->data_len)
			break;
		/* Segment read: free it, go on with the next one. */
		q->head_off = 0;
		q->chain[q->head] = m->next;
		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
		if (q->chain[q->head] == NULL) {
			q->head = (q->head + 1) & (q->cap - 1);
			q->count--;
		}
	}
	q->bytes -= done;
	return done;
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
sock_rx_avail_within(struct sock_file *f, uint32_t want, int flags,
		     uint64_t timeout)
{
	struct sock_tcp *t = &f->u.tcp;
	uint32_t target;

	/* The common case: bytes queued, no flag asks for more. */
	if (likely(t->rxq.bytes > 0 && want > 0 && t->rcvlowat <= 1 &&
		   !(flags & (MSG_WAITALL | MSG_PEEK))))
		return RTE_MIN(t->rxq.bytes, want);
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
sock_rx_avail(struct sock_file *f, uint32_t want, int flags)
{
	return sock_rx_avail_within(f, want, flags,
				    sock_rx_timeout(f, flags));
}

/* What is left of @p timeout (UINT64_MAX: none) that started at
 * @p start_ns. */
static uint64_t
sock_timeout_left(const struct sock_file *f, uint64_t timeout,
		  uint64_t start_ns)
{
	uint64_t spent = f->w->ctx->now_ns - start_ns;

	if (timeout == UINT64_MAX)
		return UINT64_MAX;
	return spent >= timeout ? 0 : timeout - spent;
}

/*
 * MSG_WAITALL (without MSG_PEEK) for @p total bytes: take them as they
 * arrive, so that the receive window reopens -- waiting for all of them
 * to be queued first stalls once @p total exceeds the receive buffer.
 * One timeout for the whole call; the stream ending, an error or the
 * timeout return what was read, if anything (tcp_recvmsg_locked()).
 */
static ssize_t
sock_recv_waitall(struct sock_file *f, const struct iovec *iov, int iovcnt,
		  uint32_t total, int flags)
{
	uint64_t timeout = sock_rx_timeout(f, flags);
	uint64_t start_ns = f->w->ctx->now_ns;
	uint32_t done = 0;
	size_t in_iov = 0;      /* bytes of iov[i] filled */
	int i = 0;

	flags &= ~MSG_WAITALL;
	while (done < total) {
		ssize_t n = sock_rx_avail_within(f, total - done, flags,
				sock_timeout_left(f, timeout, start_ns));
		uint32_t got = 0;

		if (n <= 0) {
			if (done > 0 || n == 0)
				return done;
			return sock_fail((int)-n);
		}
		while (got < (uint32_t)n && i < iovcnt) {
			uint32_t want = (uint32_t)RTE_MIN(
				iov[i].iov_len - in_iov, (size_t)n - got);

			got += sock_rxq_take(&f->u.tcp.rxq,
					     (uint8_t *)iov[i].iov_base +
					     in_iov, want);
			in_iov += want;
			if (in_iov == iov[i].iov_len) {
				i++;
				in_iov = 0;
			}
		}
		sock_rxq_release(f, got);
		done += got;
	}
	return done;
}

static ssize_t
sock_recv_iov(struct sock_file *f, const struct iovec *iov, int iovcnt,
	      int flags)
{
	struct sock_rxq *q = &f->u.tcp.rxq;
	size_t total = 0;
	ssize_t n;
	uint32_t off = 0;

	if (f->kind != SOCK_KIND_TCP)
		return sock_fail(EINVAL);
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > INT32_MAX)
		total = INT32_MAX;
	if ((flags & (MSG_WAITALL | MSG_PEEK)) == MSG_WAITALL && total > 0 &&
	    !f->u.tcp.listening)
		return sock_recv_waitall(f, iov, iovcnt, (uint32_t)total,
					 flags);
	n = sock_rx_avail(f, (uint32_t)total, flags);
	if (n < 0)
		return sock_fail((int)-n);
	for (int i = 0; i < iovcnt && off < (uint32_t)n; i++) {
		uint32_t want = (uint32_t)RTE_MIN(iov[i].iov_len,
						  (size_t)n - off);

		if (flags & MSG_PEEK)
			off += sock_rxq_peek(q, off, iov[i].iov_base, want);
		else
			off += sock_rxq_take(q, iov[i].iov_base, want);
	}
	if (!(flags & MSG_PEEK))
		sock_rxq_release(f, off);
	return off;
}

ssize_t
tern_recv(int fd, void *buf, size_t len, int flags)
{
	struct sock_file *f;
	struct iovec iov;
	int err;

	f = sock_lookup(fd, &err);
	if (unlikely(f == NULL))
		return sock_fail(err);
	/* The common case: bytes queued, a plain read. */
	if (likely(f->kind == SOCK_KIND_TCP && flags == 0 && len > 0 &&
		   f->u.tcp.rxq.bytes > 0 && f->u.tcp.rcvlowat <= 1)) {
		uint32_t n = sock_rxq_take(&f->u.tcp.rxq, buf,
					   len > INT32_MAX ? INT32_MAX :
					   (uint32_t)len);

		sock_rxq_release(f, n);
		return n;
	}
	iov.iov_base = buf;
	iov.iov_len = len;
	return sock_recv_iov(f, &iov, 1, flags);
}

ssize_t
tern_read(int fd, void *buf, size_t len)
{
	return tern_recv(fd, buf, len, 0);
}

ssize_t
tern_readv(int fd, const struct iovec *iov, int iovcnt)
{
	struct sock_file *f;
	int err;

	f = sock_lookup(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	return sock_recv_iov(f, iov, iovcnt, 0);
}

/* The chain at the head of @p q, as received (trimmed of what was read),
 * taken out of the queue. @return its bytes. */
static uint32_t
sock_rxq_take_chain(struct sock_rxq *q, struct rte_mbuf **out)
{
	struct rte_mbuf *m = q->chain[q->head];
	uint32_t len = 0;
	uint16_t segs = 0;

	/* A head in the middle of its chain has stale totals: recount. */
	rte_pktmbuf_adj(m, (uint16_t)q->head_off);
	for (struct rte_mbuf *s = m; s != NULL; s = s->next) {
		len += s->data_len;
		segs++;
	}
	m->pkt_len = len;
	m->nb_segs = segs;
	q->head_off = 0;
	q->chain[q->head] = NULL;
	q->head = (q->head + 1) & (q->cap - 1);
	q->count--;
	q->bytes -= len;
	*out = m;
	return len;
}

ssize_t
tern_recv_mbuf(int fd, struct rte_mbuf **out, size_t max_len, int flags)
{
	struct sock_file *f;
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
	/* Whole chains, as tern received them. */
	n = sock_rxq_take_chain(&f->u.tcp.rxq, out);
	sock_rxq_release(f, (uint32_t)n);
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
sock_send_iov(struct sock_file *f, const struct iovec *iov, int iovcnt,
	      int flags)
{
	struct sock_tcp *t;
	uint64_t timeout;
	size_t copied = 0;
	int rc;

	if (f->kind != SOCK_KIND_TCP)
		return sock_fail(EINVAL);
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	t = &f->u.tcp;
	timeout = sock_tx_timeout(f, flags);
	/* ESTABLISHED or CLOSE_WAIT without asking tern: open, our FIN not
	 * queued (that sets SND_SHUT), no error. */
	if (unlikely(!t->synced || t->conn == NULL || t->err != 0 ||
		     (t->shut & SOCK_SND_SHUT))) {
		rc = sock_tx_wait_connect(f, timeout);
		if (rc < 0)
			return sock_fail(-rc);
	}
	/* The common case: it all fits. */
	if (likely(iovcnt == 1 && t->synced && iov[0].iov_len > 0 &&
		   iov[0].iov_len <= INT32_MAX)) {
		int32_t n = tern_tcp_send(t->conn, iov[0].iov_base,
					  (uint32_t)iov[0].iov_len);

		if (likely(n == (int32_t)iov[0].iov_len))
			return n;
		if (n > 0)
			copied = (size_t)n;
	}
	for (int i = 0; i < iovcnt; i++) {
		/* Part of iov[0] may have gone in the fast path above. */
		size_t skip = i == 0 ? copied : 0;
		const uint8_t *p = (const uint8_t *)iov[i].iov_base + skip;
		size_t left = iov[i].iov_len - skip;

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

/*
 * One buffer on an open connection (the common case of a write), past
 * the general path's checks: what tern takes of it at once.
 * @return bytes taken (0..len); -1 when the general path must decide.
 */
static __rte_always_inline int32_t
sock_send_fast(struct sock_file *f, const void *buf, size_t len)
{
	const struct sock_tcp *t = &f->u.tcp;
	int32_t n;

	if (unlikely(f->kind != SOCK_KIND_TCP || !t->synced ||
		     t->conn == NULL || t->err != 0 ||
		     (t->shut & SOCK_SND_SHUT) || len == 0 ||
		     len > INT32_MAX))
		return -1;
	n = tern_tcp_send(t->conn, buf, (uint32_t)len);
	return n > 0 ? n : -1;
}

/* Send @p len bytes of @p buf, the fast way when it all goes at once. */
static ssize_t
sock_send_buf(struct sock_file *f, const void *buf, size_t len, int flags)
{
	int32_t n = sock_send_fast(f, buf, len);
	struct iovec iov;
	ssize_t rest;

	if (likely((size_t)n == len))
		return n;
	if (n < 0)
		n = 0;
	iov.iov_base = (uint8_t *)(uintptr_t)buf + n;
	iov.iov_len = len - (size_t)n;
	rest = sock_send_iov(f, &iov, 1, flags);
	/* Bytes already taken are reported, an error after them is not
	 * (tcp_sendmsg() does the same). */
	if (rest < 0)
		return n > 0 ? n : -1;
	return n + rest;
}

ssize_t
tern_send(int fd, const void *buf, size_t len, int flags)
{
	struct sock_file *f;
	int err;

	f = sock_lookup(fd, &err);
	if (unlikely(f == NULL))
		return sock_fail(err);
	return sock_send_buf(f, buf, len, flags);
}

ssize_t
tern_write(int fd, const void *buf, size_t len)
{
	return tern_send(fd, buf, len, 0);
}

ssize_t
tern_writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct sock_file *f;
	int err;

	f = sock_lookup(fd, &err);
	if (unlikely(f == NULL))
		return sock_fail(err);
	if (likely(iovcnt == 1))
		return sock_send_buf(f, iov[0].iov_base, iov[0].iov_len, 0);
	return sock_send_iov(f, iov, iovcnt, 0);
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
