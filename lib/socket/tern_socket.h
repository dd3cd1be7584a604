/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_SOCKET_H
#define TERN_SOCKET_H

/**
 * @file
 * POSIX-like sockets and epoll over tern's callback core (docs/sockets.md).
 *
 * Every call takes the arguments of its POSIX namesake and returns what
 * Linux returns for the same situation: a value, or -1 with errno set to
 * Linux's errno. docs/sockets.md lists where tern differs and why.
 *
 * Threading: a worker (one struct tern_ctx) owns its sockets; calls on a
 * socket are made on the thread that runs its worker, either from the
 * application's loop that the worker calls each iteration (non-blocking
 * sockets, epoll_wait with timeout 0), or as blocking calls, which drive
 * the worker's own polling (tern_sock_worker_conf.drive) until the call
 * can complete or its timeout (SO_RCVTIMEO, SO_SNDTIMEO, the epoll or
 * poll timeout) expires. No other thread touches the worker.
 *
 * Descriptors: worker w's descriptors are TERN_SOCK_FD_BASE +
 * w * TERN_SOCK_FD_SPAN + i, above any descriptor the kernel hands out
 * (its limit, fs.nr_open, is 2^20 by default), so a program can tell a
 * tern socket from a kernel descriptor by its number alone
 * (tern_sock_is_fd()).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/epoll.h>
#include <poll.h>

#include <rte_mbuf.h>

struct tern_ctx;
struct tern_sock_worker;

#define TERN_SOCK_FD_BASE (1 << 30)
#define TERN_SOCK_FD_SPAN (1 << 20)   /**< descriptors per worker */
#define TERN_SOCK_MAX_WORKERS 64      /**< per thread */

/**
 * Run one iteration of the worker's loop (receive, timers, transmit),
 * waiting at most until @p deadline_ns (the ctx's clock; UINT64_MAX: no
 * limit) for something to happen. Called by blocking socket calls.
 * @return 0; -EDEADLK when the worker cannot be driven from where the
 *   call was made (inside a stack callback, or inside a drive: the
 *   blocking call fails with EDEADLK); another negative errno when
 *   nothing more can happen, as the runtime stopping (the blocking
 *   call fails with EINTR, as on a signal).
 */
typedef int (*tern_sock_drive_fn)(void *arg, uint64_t deadline_ns);

/**
 * The ctx's clock read now (ns, the clock ctx->now_ns comes from):
 * a blocking call's timeout runs from the call, while ctx->now_ns is
 * the time its step started, which may be well behind (an lcore
 * descheduled in the app's poll). NULL: ctx->now_ns is taken (a
 * simulator's virtual clock, exact at any point of its step).
 */
typedef uint64_t (*tern_sock_clock_fn)(void *arg);

struct tern_sock_worker_conf {
	struct tern_ctx *ctx;       /**< the worker's stack */
	unsigned int id;            /**< descriptor range, < MAX_WORKERS */
	uint32_t max_fds;           /**< sockets + epoll instances; <= SPAN */
	tern_sock_drive_fn drive;   /**< NULL: blocking calls time out at
					 once; under lib/runtime, a wrapper
					 of tern_rt_drive() */
	void *drive_arg;
	tern_sock_clock_fn clock;   /**< under lib/runtime, a wrapper of
					 tern_rt_clock_ns(); NULL: now_ns */
};

/**
 * Set up the socket layer of one worker and make it this thread's
 * current worker (tern_sock_worker_enter()).
 * @return 0; -EINVAL (id, max_fds); -EEXIST (id in use on this thread);
 *   -ENOMEM.
 */
int tern_sock_worker_create(const struct tern_sock_worker_conf *conf,
			    struct tern_sock_worker **out);

/** Close every descriptor (connections are reset) and free @p w. */
void tern_sock_worker_destroy(struct tern_sock_worker *w);

/**
 * Make @p w the worker that tern_socket() and tern_epoll_create1()
 * create on, and let this thread reach its descriptors (a worker set
 * up on one thread and run by another is entered there first). Calls
 * on an existing descriptor find their worker by number; a thread may
 * run several workers (the simulator does).
 */
void tern_sock_worker_enter(struct tern_sock_worker *w);

/** Descriptors open on @p w (leak checks in tests). */
uint32_t tern_sock_worker_open_fds(const struct tern_sock_worker *w);

/** Is @p fd in tern's descriptor range? */
static inline bool
tern_sock_is_fd(int fd)
{
	return fd >= TERN_SOCK_FD_BASE;
}

/* --- POSIX calls; -1 and errno on failure, as Linux --- */

/** AF_INET or AF_INET6 (dual-stack unless IPV6_V6ONLY, IPv4 as
 *  v4-mapped addresses), SOCK_STREAM (| SOCK_NONBLOCK | SOCK_CLOEXEC),
 *  0 or TCP. */
int tern_socket(int domain, int type, int protocol);
int tern_bind(int fd, const struct sockaddr *addr, socklen_t len);
int tern_listen(int fd, int backlog);
int tern_accept(int fd, struct sockaddr *addr, socklen_t *len);
int tern_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int tern_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t tern_read(int fd, void *buf, size_t len);
ssize_t tern_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t tern_recv(int fd, void *buf, size_t len, int flags);
ssize_t tern_write(int fd, const void *buf, size_t len);
ssize_t tern_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t tern_send(int fd, const void *buf, size_t len, int flags);
int tern_shutdown(int fd, int how);
int tern_close(int fd);
int tern_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int tern_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
/** F_GETFL, F_SETFL (O_NONBLOCK), F_GETFD, F_SETFD. */
int tern_fcntl(int fd, int cmd, ...);
/** FIONREAD, FIONBIO. */
int tern_ioctl(int fd, unsigned long req, ...);
int tern_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int tern_setsockopt(int fd, int level, int name, const void *val,
		    socklen_t len);
int tern_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
int tern_epoll_create1(int flags);
int tern_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int tern_epoll_wait(int epfd, struct epoll_event *evs, int max,
		    int timeout_ms);

/* --- zero-copy extras --- */

/**
 * Take the received bytes (up to @p max_len; 0: all) as an mbuf chain,
 * without copying. The caller frees it. Blocks like tern_recv().
 * @return bytes in *@p out (0 at end of stream, *out NULL); -1 and errno
 *   as tern_recv().
 */
ssize_t tern_recv_mbuf(int fd, struct rte_mbuf **out, size_t max_len,
		       int flags);

/**
 * Send the payload of mbuf chain @p m. tern copies it into its send
 * queue and frees @p m when all of it was taken; on a short count the
 * caller keeps @p m, of which the first (return value) bytes are sent.
 * @return bytes taken; -1 and errno as tern_send().
 */
ssize_t tern_send_mbuf(int fd, struct rte_mbuf *m, int flags);

#endif /* TERN_SOCKET_H */
