/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SOCK_PRIV_H
#define SOCK_PRIV_H

/*
 * Internals of lib/socket. A descriptor names a struct sock_file: a TCP
 * socket or an epoll instance. A TCP socket mirrors the two layers of
 * Linux's state: the socket's (UNCONNECTED, CONNECTING, CONNECTED, as
 * inet_stream_connect() keeps it) and the protocol's (the tern_conn's
 * state, or CLOSED / LISTEN when there is none), plus Linux's
 * sk_shutdown bits, sk_err and SOCK_DONE, since every errno rule of
 * tcp_recvmsg() and tcp_sendmsg() is written in those terms.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "tern_ctx.h"
#include "tern_tcp.h"
#include "tern_socket.h"

/* Linux's sk_shutdown bits. */
#define SOCK_RCV_SHUT 1u
#define SOCK_SND_SHUT 2u
#define SOCK_SHUT_MASK 3u

/* Linux's somaxconn (net.core.somaxconn, 4096 since 5.4). */
#define SOCK_SOMAXCONN 4096
/* Linux's bounds of SO_RCVBUF/SO_SNDBUF: the value is doubled (room
 * for bookkeeping) and at least SOCK_MIN_RCVBUF/SNDBUF. */
#define SOCK_MIN_RCVBUF 2304
#define SOCK_MIN_SNDBUF 4608
#define SOCK_DEFAULT_RCVBUF 131072
#define SOCK_DEFAULT_SNDBUF 16384
/* TCP_MSS_DEFAULT: what TCP_MAXSEG reads before a connection. */
#define SOCK_MSS_DEFAULT 536
/* Limits of TCP_KEEPIDLE/KEEPINTVL (s) and TCP_KEEPCNT, as Linux. */
#define SOCK_MAX_KEEPIDLE 32767
#define SOCK_MAX_KEEPCNT 127
/* Linux's defaults, reported before they are set. */
#define SOCK_KEEPIDLE_DEFAULT 7200
#define SOCK_KEEPINTVL_DEFAULT 75
#define SOCK_KEEPCNT_DEFAULT 9

enum sock_kind {
	SOCK_KIND_FREE,
	SOCK_KIND_TCP,
	SOCK_KIND_EPOLL,
};

/* The socket layer's view, as struct socket.state in Linux. */
enum sock_ss {
	SOCK_SS_UNCONNECTED,
	SOCK_SS_CONNECTING,
	SOCK_SS_CONNECTED,
};

struct sock_epoll;
struct sock_file;

/* One (epoll instance, descriptor) registration. */
struct sock_epitem {
	TAILQ_ENTRY(sock_epitem) on_file;   /* the file's registrations */
	TAILQ_ENTRY(sock_epitem) on_ready;  /* the epoll's ready list */
	TAILQ_ENTRY(sock_epitem) on_ep;     /* every item of the epoll */
	struct sock_epoll *ep;
	struct sock_file *file;
	uint32_t events;        /* interest, with EPOLLET/ONESHOT */
	uint64_t data;
	bool ready;             /* on the ready list */
};

TAILQ_HEAD(sock_epitem_list, sock_epitem);

struct sock_epoll {
	struct sock_epitem_list items;
	struct sock_epitem_list ready;
};

/*
 * Received in-order data: mbuf chains in arrival order. Reading frees
 * segments as it passes them, so chain[head] is the segment being read
 * (possibly in the middle of its chain: then its pkt_len and nb_segs
 * are stale) and head_off the bytes of it already read. cap is a power
 * of two.
 */
struct sock_rxq {
	struct rte_mbuf **chain;
	uint32_t head, count, cap;
	uint32_t head_off;
	uint32_t bytes;         /* readable */
};

struct sock_tcp {
	enum sock_ss ss;
	uint8_t shut;           /* SOCK_*_SHUT */
	bool done;              /* the peer's FIN arrived (SOCK_DONE) */
	bool listening;
	bool bound;
	bool synced;            /* the open completed (connected/accepted) */
	bool rcv_manual;        /* tern holds the window (see sock_io.c) */
	int err;                /* sk_err; 0: none */
	struct tern_conn *conn; /* NULL before connect and after closed() */
	struct tern_listener *l;
	struct sock_file *parent; /* accept queue we sit on, until accept */
	int domain;             /* AF_INET or AF_INET6 */
	bool v6only;            /* IPV6_V6ONLY (AF_INET6) */
	/* The addresses: IPv4 in laddr/faddr (0: any, not connected), and
	 * an AF_INET6 socket reports them v4-mapped; IPv6 (bound to an
	 * IPv6 address, or an IPv6 connection) in laddr6/faddr6. */
	bool laddr_is6, faddr_is6;
	rte_be32_t laddr, faddr;
	struct tern_ip6 laddr6, faddr6;
	uint16_t lport, fport;  /* host order */
	struct sock_rxq rxq;
	/* accept queue (listener) */
	struct sock_file **acq;
	uint32_t acq_head, acq_count, acq_cap;
	uint32_t backlog;
	/* options */
	bool reuseaddr, reuseport, keepalive, nodelay, linger_on;
	int linger_s;
	int rcvbuf, sndbuf, rcvlowat, maxseg;
	int keepidle_s, keepintvl_s, keepcnt, user_timeout_ms;
	enum tern_tcp_cc cc;
	uint64_t rcvtimeo_ns, sndtimeo_ns;  /* 0: none */
	/* TCP_INFO counts kept here (the engine counts per stack) */
	uint64_t bytes_received;
};

struct sock_file {
	enum sock_kind kind;
	int fd;                 /* -1: accepted but not yet accept()ed */
	bool nonblock, cloexec;
	struct tern_sock_worker *w;
	struct sock_epitem_list epitems;
	union {
		struct sock_tcp tcp;
		struct sock_epoll ep;
	} u;
};

struct tern_sock_worker {
	struct tern_ctx *ctx;
	unsigned int id;
	uint32_t max_fds;
	uint32_t open;
	uint32_t next_free;     /* lowest index that may be free */
	tern_sock_drive_fn drive;
	void *drive_arg;
	tern_sock_clock_fn clock;
	struct sock_file **files;
};

/* sock_thread.c: this thread's workers. */
void sock_thread_set(unsigned int id, struct tern_sock_worker *w);
struct tern_sock_worker *sock_thread_get(unsigned int id);
void sock_thread_set_current(struct tern_sock_worker *w);
struct tern_sock_worker *sock_thread_current(void);

/* sock_core.c */
struct sock_file *sock_lookup(int fd, int *err);
struct sock_file *sock_lookup_tcp(int fd, int *err);
int sock_fd_alloc(struct tern_sock_worker *w, struct sock_file *f);
void sock_file_free(struct sock_file *f);
enum tern_tcp_state sock_tcp_state(const struct sock_file *f);
int sock_take_error(struct sock_file *f);
/*
 * Drive the worker until @p ready(@p arg) holds or @p timeout_ns passes
 * (UINT64_MAX: no limit). @return 0 ready; -EAGAIN timed out; -EINTR
 * nothing more can happen; -EDEADLK the drive refused (the stack is
 * mid-step).
 */
typedef bool (*sock_ready_fn)(void *arg);
int sock_block(struct tern_sock_worker *w, uint64_t timeout_ns,
	       sock_ready_fn ready, void *arg);
uint32_t sock_rxq_bytes(const struct sock_file *f);

/* sock_core.c */
struct sock_file *sock_file_new(struct tern_sock_worker *w,
				enum sock_kind kind);

/* sock_events.c: the stack's callbacks, and the accept queue */
extern const struct tern_tcp_ops sock_tcp_ops;
void sock_set_conn(struct sock_file *f, struct tern_conn *c);
/* Pause the listener while its accept queue is over the backlog. */
void sock_acq_pause_check(struct sock_file *l);
struct sock_file *sock_acq_pop(struct sock_file *l);
/* Let go of the connection: no callback reaches @p f any more; with
 * @p reset, a RST ends it. */
void sock_orphan(struct sock_file *f, bool reset);

/* Append @p m to the receive queue @p q (grown on demand). */
static __rte_always_inline int
sock_rxq_push(struct sock_rxq *q, struct rte_mbuf *m)
{
	if (unlikely(q->count == q->cap)) {
		uint32_t cap = q->cap == 0 ? 16 : q->cap * 2;
		struct rte_mbuf **n = malloc(cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		for (uint32_t i = 0; i < q->count; i++)
			n[i] = q->chain[(q->head + i) & (q->cap - 1)];
		free(q->chain);
		q->chain = n;
		q->cap = cap;
		q->head = 0;
	}
	q->chain[(q->head + q->count) & (q->cap - 1)] = m;
	q->count++;
	q->bytes += rte_pktmbuf_pkt_len(m);
	return 0;
}

/* sock_epoll.c */
uint32_t sock_poll_mask(const struct sock_file *f);
/* Something happened on @p f: @p key the poll bits it concerns, 0 all
 * (Linux's wake-up key). */
void sock_wake(struct sock_file *f, uint32_t key);
void sock_epoll_forget(struct sock_file *f);
void sock_epoll_close(struct sock_file *f);

/* sock_addr.c: socket addresses, as AF_INET or AF_INET6 sockets see
 * them. */
struct sock_name {
	bool is6;               /* ip6 holds it; else v4 */
	bool mapped;            /* given as ::ffff:a.b.c.d */
	rte_be32_t v4;
	struct tern_ip6 ip6;
	uint32_t scope_id;
	uint16_t port;          /* host order */
};
/* The address @p addr of @p len bytes that bind() or connect() gives
 * socket @p f. @return 0; -EINVAL; -EAFNOSUPPORT (Linux's order). */
int sock_name_parse(const struct sock_file *f, const struct sockaddr *addr,
		    socklen_t len, struct sock_name *n);
/* Write @p f's local (or, @p peer, remote) address into @p addr as its
 * domain has it, truncated to *@p len; *@p len becomes its full size. */
void sock_name_fill(const struct sock_file *f, bool peer,
		    struct sockaddr *addr, socklen_t *len);
/* Is @p n one of the worker's addresses (or any)? */
bool sock_name_is_local(const struct sock_file *f, const struct sock_name *n);
/* May listener @p l take a connection of @p family (IPV6_V6ONLY, the
 * family and address it is bound to)? */
bool sock_listener_takes(const struct sock_file *l, uint8_t family);
/* Record the addresses of connection @p info on @p f. */
void sock_name_set_conn(struct sock_file *f,
			const struct tern_tcp_info *info);

/* sock_opt.c */
void sock_opt_defaults(struct sock_tcp *t);
void sock_opt_apply(struct sock_file *f);

static inline int
sock_fail(int err)
{
	errno = err;
	return -1;
}

#endif /* SOCK_PRIV_H */
