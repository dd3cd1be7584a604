/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interpreter of the socket scenarios (sock_dual.h), built twice:
 * with SOCK_DUAL_KERNEL against Linux's sockets (run by
 * kernel_netns.sh inside a namespace of its own), and without it
 * against tern_socket.h on the simulator. The calls are the same
 * source, X(name) choosing name() or tern_name().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <poll.h>

#include "sock_dual.h"

#ifdef SOCK_DUAL_KERNEL
#define X(name) name
#define SX_STACK "linux"
#else
#include "tern_socket.h"
#include "sim.h"
#define X(name) tern_##name
#define SX_STACK "tern"
#endif

#define SX_PORT_BASE 20000
#define SX_MAX_IO (1 << 20)

struct sx_run {
	const struct sx_scenario *sc;
	unsigned int idx;
	int fd[16];
	uint64_t tx[16], rx[16];  /* pattern offsets sent / received */
	uint8_t *buf;
	char why[512];
#ifndef SOCK_DUAL_KERNEL
	struct sim *sim;
	struct tern_sock_worker *w[2];
#endif
};

static uint8_t
sx_byte(uint64_t off)
{
	return (uint8_t)(off * 131 + 17);
}

static in_addr_t
sx_addr(int node)
{
	switch (node) {
	case CLI: return htonl(0xc612000a);  /* 198.18.0.10 */
	case SRV: return htonl(0xc612000b);  /* 198.18.0.11 */
	case NOBODY: return htonl(0xc6120063); /* 198.18.0.99 */
	default: return htonl(INADDR_ANY);
	}
}

static bool
sx_node_is6(int node)
{
	return node >= CLI6;
}

/* The IPv6 form of @p node (sock_dual.h). */
static struct in6_addr
sx_addr6(int node)
{
	struct in6_addr a;
	static const int v4_of[] = {
		[CLI_MAP] = CLI, [SRV_MAP] = SRV, [NOBODY_MAP] = NOBODY,
	};
	static const uint8_t host_of[] = {
		[CLI6] = 0x0a, [SRV6] = 0x0b, [NOBODY6] = 0x63,
	};
	in_addr_t v4;

	memset(&a, 0, sizeof(a));
	switch (node) {
	case CLI6:
	case SRV6:
	case NOBODY6:
		a.s6_addr[0] = 0x20;
		a.s6_addr[1] = 0x01;
		a.s6_addr[3] = 0x02;
		a.s6_addr[15] = host_of[node];
		break;
	case CLI_MAP:
	case SRV_MAP:
	case NOBODY_MAP:
		v4 = sx_addr(v4_of[node]);
		a.s6_addr[10] = 0xff;
		a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], &v4, sizeof(v4));
		break;
	default:
		break;          /* ANY6: :: */
	}
	return a;
}

static uint16_t
sx_port(const struct sx_run *r, int n)
{
	return n == 0 ? 0 : (uint16_t)(SX_PORT_BASE + r->idx * 4 + n);
}

/* @p node's address and @p port into @p ss: a sockaddr_in, or for an
 * IPv6 node a sockaddr_in6; @p family overrides the family field.
 * @return its length. */
static socklen_t
sx_sockaddr(const struct sx_run *r, struct sockaddr_storage *ss, int node,
	    int port, int family)
{
	memset(ss, 0, sizeof(*ss));
	if (sx_node_is6(node)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = (sa_family_t)(family != 0 ? family :
						  AF_INET6);
		sin6->sin6_addr = sx_addr6(node);
		sin6->sin6_port = htons(sx_port(r, port));
		return sizeof(*sin6);
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	sin->sin_family = (sa_family_t)(family != 0 ? family : AF_INET);
	sin->sin_addr.s_addr = sx_addr(node);
	sin->sin_port = htons(sx_port(r, port));
	return sizeof(*sin);
}


/* ---- the two stacks ---- */

#ifdef SOCK_DUAL_KERNEL

static void
sx_enter(struct sx_run *r, int node)
{
	(void)r;
	(void)node;
}

static void
sx_settle(struct sx_run *r)
{
	(void)r;
	/* Loopback work runs in the sending call; a short pause lets a
	 * softirq deferred to ksoftirqd on a loaded machine finish. */
	usleep(2000);
}

static void
sx_sleep(struct sx_run *r, int ms)
{
	(void)r;
	usleep((useconds_t)ms * 1000);
}

static int
sx_badfd(void)
{
	return 4000;
}

#else

static void
sx_enter(struct sx_run *r, int node)
{
	bool srv = node == SRV || node == SRV6 || node == SRV_MAP;

	tern_sock_worker_enter(r->w[srv ? 1 : 0]);
}

static void
sx_settle(struct sx_run *r)
{
	sim_settle(r->sim);
}

static void
sx_sleep(struct sx_run *r, int ms)
{
	sim_run_for(r->sim, (uint64_t)ms * SIM_MS);
}

static int
sx_badfd(void)
{
	return TERN_SOCK_FD_BASE + 12345;
}

#endif

/* ---- one step ---- */

static int
sx_fd(const struct sx_run *r, int slot)
{
	return slot == BADFD ? sx_badfd() : r->fd[slot];
}

static const struct {
	int level, name;
} sx_opts[SX_NOPTS] = {
	[SX_REUSEADDR] = { SOL_SOCKET, SO_REUSEADDR },
	[SX_REUSEPORT] = { SOL_SOCKET, SO_REUSEPORT },
	[SX_KEEPALIVE] = { SOL_SOCKET, SO_KEEPALIVE },
	[SX_RCVBUF] = { SOL_SOCKET, SO_RCVBUF },
	[SX_SNDBUF] = { SOL_SOCKET, SO_SNDBUF },
	[SX_RCVLOWAT] = { SOL_SOCKET, SO_RCVLOWAT },
	[SX_ERROR] = { SOL_SOCKET, SO_ERROR },
	[SX_TYPE] = { SOL_SOCKET, SO_TYPE },
	[SX_ACCEPTCONN] = { SOL_SOCKET, SO_ACCEPTCONN },
	[SX_NODELAY] = { IPPROTO_TCP, TCP_NODELAY },
	[SX_MAXSEG] = { IPPROTO_TCP, TCP_MAXSEG },
	[SX_KEEPIDLE] = { IPPROTO_TCP, TCP_KEEPIDLE },
	[SX_KEEPINTVL] = { IPPROTO_TCP, TCP_KEEPINTVL },
	[SX_KEEPCNT] = { IPPROTO_TCP, TCP_KEEPCNT },
	[SX_USER_TIMEOUT] = { IPPROTO_TCP, TCP_USER_TIMEOUT },
	[SX_RCVTIMEO] = { SOL_SOCKET, SO_RCVTIMEO },
	[SX_SNDTIMEO] = { SOL_SOCKET, SO_SNDTIMEO },
	[SX_BADOPT] = { SOL_SOCKET, 9999 },
	[SX_V6ONLY] = { IPPROTO_IPV6, IPV6_V6ONLY },
};

static int
sx_send(struct sx_run *r, const struct sx_step *st, bool vec)
{
	int slot = st->a;
	uint32_t len = (uint32_t)st->x;
	ssize_t n;

	for (uint32_t i = 0; i < len; i++)
		r->buf[i] = sx_byte(r->tx[slot] + i);
	if (vec) {
		uint32_t a = len / 3, b = len / 3;
		struct iovec iov[3] = {
			{ r->buf, a }, { r->buf + a, b },
			{ r->buf + a + b, len - a - b },
		};

		n = X(writev)(sx_fd(r, slot), iov, 3);
	} else {
		n = X(send)(sx_fd(r, slot), r->buf, len, st->y | MSG_NOSIGNAL);
	}
	if (n > 0)
		r->tx[slot] += (uint64_t)n;
	return (int)n;
}

/* The bytes of a stream, checked against the pattern at their offset. */
static bool
sx_recv(struct sx_run *r, const struct sx_step *st, bool vec, int *ret)
{
	int slot = st->a;
	uint32_t len = (uint32_t)st->x;
	ssize_t n;

	memset(r->buf, 0, len);
	if (vec) {
		uint32_t a = len / 3, b = len / 3;
		struct iovec iov[3] = {
			{ r->buf, a }, { r->buf + a, b },
			{ r->buf + a + b, len - a - b },
		};

		n = X(readv)(sx_fd(r, slot), iov, 3);
	} else {
		n = X(recv)(sx_fd(r, slot), r->buf, len, st->y);
	}
	*ret = (int)n;
	for (ssize_t i = 0; i < n; i++)
		if (r->buf[i] != sx_byte(r->rx[slot] + (uint64_t)i)) {
			snprintf(r->why, sizeof(r->why),
				 "byte %" PRIu64 " of the stream differs",
				 r->rx[slot] + (uint64_t)i);
			return false;
		}
	if (n > 0 && !(st->y & MSG_PEEK))
		r->rx[slot] += (uint64_t)n;
	return true;
}

static int
sx_epwait(struct sx_run *r, const struct sx_step *st, uint32_t *ev)
{
	struct epoll_event evs[8];
	int n;

	n = X(epoll_wait)(sx_fd(r, st->a), evs, 8, st->x);
	*ev = 0;
	for (int i = 0; i < n; i++)
		if (evs[i].data.u32 == (uint32_t)st->b)
			*ev = evs[i].events;
	return n;
}

static int
sx_getint(struct sx_run *r, const struct sx_step *st)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	int rc;

	if (st->x == SX_RCVTIMEO || st->x == SX_SNDTIMEO) {
		struct timeval tv;

		len = sizeof(tv);
		rc = X(getsockopt)(sx_fd(r, st->a), sx_opts[st->x].level,
				   sx_opts[st->x].name, &tv, &len);
		return rc < 0 ? rc :
			(int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
	}
	rc = X(getsockopt)(sx_fd(r, st->a), sx_opts[st->x].level,
			   sx_opts[st->x].name, &v, &len);
	return rc < 0 ? rc : v;
}

static int
sx_setint(struct sx_run *r, const struct sx_step *st)
{
	int v = st->y;

	return X(setsockopt)(sx_fd(r, st->a), sx_opts[st->x].level,
			     sx_opts[st->x].name, &v, sizeof(v));
}

static int
sx_timeo(struct sx_run *r, const struct sx_step *st)
{
	struct timeval tv = { .tv_sec = st->y / 1000,
			      .tv_usec = (st->y % 1000) * 1000 };

	return X(setsockopt)(sx_fd(r, st->a), SOL_SOCKET, sx_opts[st->x].name,
			     &tv, sizeof(tv));
}

static int
sx_name(struct sx_run *r, const struct sx_step *st, bool peer, bool *ok)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int rc;

	memset(&sin, 0xff, sizeof(sin));
	rc = peer ? X(getpeername)(sx_fd(r, st->a), (struct sockaddr *)&sin,
				   &len) :
		X(getsockname)(sx_fd(r, st->a), (struct sockaddr *)&sin, &len);
	*ok = true;
	if (rc == 0 && st->x != -2) {
		uint16_t want = st->x == -1 ? 0 : sx_port(r, st->x);

		if (len != sizeof(sin) || sin.sin_family != AF_INET ||
		    ntohs(sin.sin_port) != want) {
			snprintf(r->why, sizeof(r->why),
				 "address family %u port %u, expected port %u",
				 sin.sin_family, ntohs(sin.sin_port), want);
			*ok = false;
		}
	}
	return rc;
}

static int
sx_name6(struct sx_run *r, const struct sx_step *st, bool *ok)
{
	struct sockaddr_in6 sin6;
	struct in6_addr want = sx_addr6(st->b);
	socklen_t len = sizeof(sin6);
	char got_s[INET6_ADDRSTRLEN], want_s[INET6_ADDRSTRLEN];
	int rc;

	memset(&sin6, 0xff, sizeof(sin6));
	rc = st->y ? X(getpeername)(sx_fd(r, st->a),
				    (struct sockaddr *)&sin6, &len) :
		X(getsockname)(sx_fd(r, st->a), (struct sockaddr *)&sin6,
			       &len);
	*ok = true;
	if (rc != 0)
		return rc;
	if (len != sizeof(sin6) || sin6.sin6_family != AF_INET6 ||
	    memcmp(&sin6.sin6_addr, &want, sizeof(want)) != 0 ||
	    (st->x != -2 && ntohs(sin6.sin6_port) != sx_port(r, st->x))) {
		inet_ntop(AF_INET6, &sin6.sin6_addr, got_s, sizeof(got_s));
		inet_ntop(AF_INET6, &want, want_s, sizeof(want_s));
		snprintf(r->why, sizeof(r->why),
			 "length %u family %u [%s]:%u, expected [%s]:%d",
			 (unsigned int)len, sin6.sin6_family, got_s,
			 ntohs(sin6.sin6_port), want_s,
			 st->x == -2 ? -1 : sx_port(r, st->x));
		*ok = false;
	}
	return rc;
}

static int
sx_congestion(struct sx_run *r, const struct sx_step *st)
{
	static const char *const names[] = { "cubic", "reno", "nonesuch" };
	const char *n = names[st->x];

	return X(setsockopt)(sx_fd(r, st->a), IPPROTO_TCP, TCP_CONGESTION, n,
			     (socklen_t)strlen(n));
}

static int
sx_getcc(struct sx_run *r, const struct sx_step *st)
{
	char name[16] = { 0 };
	socklen_t len = sizeof(name);
	int rc;

	rc = X(getsockopt)(sx_fd(r, st->a), IPPROTO_TCP, TCP_CONGESTION,
			   name, &len);
	if (rc < 0)
		return rc;
	return strcmp(name, "reno") == 0 ? 1 : strcmp(name, "cubic") == 0 ?
		0 : 2;
}

static int
sx_tcpinfo(struct sx_run *r, const struct sx_step *st)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int rc;

	memset(&ti, 0, sizeof(ti));
	rc = X(getsockopt)(sx_fd(r, st->a), IPPROTO_TCP, TCP_INFO, &ti, &len);
	return rc < 0 ? rc : ti.tcpi_state;
}

/* Run @p st; @return false with r->why set when it did not go as stated. */
static bool
sx_step(struct sx_run *r, const struct sx_step *st)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct epoll_event eev;
	struct pollfd pfd;
	uint32_t ev = 0;
	bool check_ev = false, ok = true;
	int ret = 0, on;

	errno = 0;
	switch (st->op) {
	case OP_SOCKET:
		sx_enter(r, st->b);
		ret = X(socket)(st->y != 0 ? st->y : AF_INET,
				SOCK_STREAM | st->x, 0);
		if (ret >= 0)
			r->fd[st->a] = ret;
		break;
	case OP_SOCKET_RAW:
		sx_enter(r, CLI);
		ret = X(socket)(st->x, st->y, 0);
		if (ret >= 0)
			X(close)(ret);
		break;
	case OP_BIND:
		sslen = sx_sockaddr(r, &ss, st->b, st->x, st->y);
		ret = X(bind)(sx_fd(r, st->a), (struct sockaddr *)&ss, sslen);
		break;
	case OP_LISTEN:
		ret = X(listen)(sx_fd(r, st->a), st->x);
		break;
	case OP_ACCEPT: {
		sslen = sizeof(ss);
		ret = X(accept4)(sx_fd(r, st->a), (struct sockaddr *)&ss,
				 &sslen, st->x);
		if (ret >= 0)
			r->fd[st->b] = ret;
		break;
	}
	case OP_CONNECT:
		sslen = sx_sockaddr(r, &ss, st->b, st->x, st->y);
		ret = X(connect)(sx_fd(r, st->a), (struct sockaddr *)&ss,
				 sslen);
		break;
	case OP_SEND:
	case OP_WRITEV:
		ret = sx_send(r, st, st->op == OP_WRITEV);
		break;
	case OP_RECV:
	case OP_READV:
		ok = sx_recv(r, st, st->op == OP_READV, &ret);
		break;
	case OP_SHUTDOWN:
		ret = X(shutdown)(sx_fd(r, st->a), st->x);
		break;
	case OP_CLOSE:
		ret = X(close)(sx_fd(r, st->a));
		if (ret == 0)
			r->fd[st->a] = -1;
		break;
	case OP_SETNB:
		ret = X(fcntl)(sx_fd(r, st->a), F_GETFL);
		if (ret >= 0)
			ret = X(fcntl)(sx_fd(r, st->a), F_SETFL, st->x ?
				       ret | O_NONBLOCK : ret & ~O_NONBLOCK);
		break;
	case OP_GETNB:
		ret = X(fcntl)(sx_fd(r, st->a), F_GETFL);
		if (ret >= 0)
			ret = (ret & O_NONBLOCK) != 0;
		break;
	case OP_FIONBIO:
		on = st->x;
		ret = X(ioctl)(sx_fd(r, st->a), FIONBIO, &on);
		break;
	case OP_FIONREAD:
		on = -1;
		ret = X(ioctl)(sx_fd(r, st->a), FIONREAD, &on);
		if (ret == 0)
			ret = on;
		break;
	case OP_SETINT:
		ret = sx_setint(r, st);
		break;
	case OP_GETINT:
		ret = sx_getint(r, st);
		break;
	case OP_LINGER: {
		struct linger lg = { .l_onoff = st->x, .l_linger = st->y };

		ret = X(setsockopt)(sx_fd(r, st->a), SOL_SOCKET, SO_LINGER,
				    &lg, sizeof(lg));
		break;
	}
	case OP_TIMEO:
		ret = sx_timeo(r, st);
		break;
	case OP_CONGESTION:
		ret = sx_congestion(r, st);
		break;
	case OP_GETCC:
		ret = sx_getcc(r, st);
		break;
	case OP_TCPINFO:
		ret = sx_tcpinfo(r, st);
		break;
	case OP_EPCREATE:
		sx_enter(r, st->b);
		ret = X(epoll_create1)(st->x);
		if (ret >= 0)
			r->fd[st->a] = ret;
		break;
	case OP_EPCTL:
		memset(&eev, 0, sizeof(eev));
		eev.events = (uint32_t)st->y;
		eev.data.u32 = (uint32_t)st->b;
		ret = X(epoll_ctl)(sx_fd(r, st->a), st->x, sx_fd(r, st->b),
				   &eev);
		break;
	case OP_EPWAIT:
		ret = sx_epwait(r, st, &ev);
		check_ev = true;
		break;
	case OP_POLL:
		pfd.fd = sx_fd(r, st->a);
		pfd.events = (short)st->x;
		pfd.revents = 0;
		ret = X(poll)(&pfd, 1, st->y);
		ev = (uint16_t)pfd.revents;
		check_ev = true;
		break;
	case OP_SOCKNAME:
	case OP_PEERNAME:
		ret = sx_name(r, st, st->op == OP_PEERNAME, &ok);
		break;
	case OP_NAME6:
		ret = sx_name6(r, st, &ok);
		break;
	case OP_SLEEP:
		sx_sleep(r, st->x);
		break;
	default:
		snprintf(r->why, sizeof(r->why), "unknown op %u", st->op);
		return false;
	}
	if (!ok)
		return false;
	if (!(st->ret == ret || (st->ret == R_FD && ret >= 0) ||
	      (st->ret == R_POS && ret > 0) || st->ret == R_ANY)) {
		snprintf(r->why, sizeof(r->why),
			 "returned %d (errno %d %s), expected %d", ret, errno,
			 strerror(errno), st->ret);
		return false;
	}
	if (ret == -1 && st->ret == -1 && errno != st->err) {
		snprintf(r->why, sizeof(r->why),
			 "errno %d (%s), expected %d (%s)", errno,
			 strerror(errno), st->err, strerror(st->err));
		return false;
	}
	if (check_ev && ret > 0 && ev != st->ev) {
		snprintf(r->why, sizeof(r->why),
			 "events 0x%x, expected 0x%x", ev, st->ev);
		return false;
	}
	return true;
}

static const char *const sx_op_names[] = {
	"END", "SOCKET", "SOCKET_RAW", "BIND", "LISTEN", "ACCEPT",
	"CONNECT", "SEND", "WRITEV", "RECV", "READV", "SHUTDOWN", "CLOSE",
	"SETNB", "GETNB", "FIONBIO", "FIONREAD", "SETINT", "GETINT",
	"LINGER", "TIMEO", "CONGESTION", "GETCC", "TCPINFO", "EPCREATE",
	"EPCTL", "EPWAIT", "POLL", "SOCKNAME", "PEERNAME", "SLEEP",
};

/* @return 0 passed; the failing step's number otherwise. */
static int
sx_run_steps(struct sx_run *r)
{
	int i;

	for (i = 0; r->sc->steps[i].op != OP_END; i++) {
		const struct sx_step *st = &r->sc->steps[i];

		sx_settle(r);
		if (getenv("SX_TRACE") != NULL)
			fprintf(stderr, "%s: step %d line %d\n", r->sc->name,
				i + 1, st->line);
		if (!sx_step(r, st)) {
			fprintf(stderr, "%s: %s: step %d (%s, line %d): %s\n",
				SX_STACK, r->sc->name, i + 1,
				sx_op_names[st->op], st->line, r->why);
			return i + 1;
		}
	}
	return 0;
}

static void
sx_close_all(struct sx_run *r)
{
	for (int i = 0; i < SX_NSLOTS; i++)
		if (r->fd[i] >= 0) {
			X(close)(r->fd[i]);
			r->fd[i] = -1;
		}
}

#ifdef SOCK_DUAL_KERNEL

static bool
sx_selected(const char *name, const char *only)
{
	const char *p = only;
	size_t n = strlen(name);

	if (only == NULL)
		return true;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return true;
		p += n;
	}
	return false;
}

static const char *
sx_only_arg(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--only") == 0)
			return argv[i + 1];
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *only = sx_only_arg(argc, argv);
	static uint8_t buf[SX_MAX_IO];
	unsigned int failed = 0, ran = 0;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned int i = 0; i < sx_nscenarios; i++) {
		struct sx_run r;

		if (!sx_selected(sx_scenarios[i].name, only))
			continue;
		memset(&r, 0, sizeof(r));
		r.sc = &sx_scenarios[i];
		r.idx = i;
		r.buf = buf;
		memset(r.fd, -1, sizeof(r.fd));
		ran++;
		if (sx_run_steps(&r) != 0)
			failed++;
		else
			printf("ok %s\n", r.sc->name);
		sx_close_all(&r);
	}
	printf("%s: %u scenarios, %u failed\n", SX_STACK, ran, failed);
	return failed == 0 && ran > 0 ? 0 : 1;
}

#else

static int
sx_drive(void *arg, uint64_t deadline_ns)
{
	struct sim *sim = arg;

	if (deadline_ns == UINT64_MAX) {
		/* Nothing will ever happen: a blocking call would hang. */
		if (!sim_step(sim, sim_now(sim) + 3600 * SIM_S))
			return -EDEADLK;
		return 0;
	}
	sim_step(sim, deadline_ns);
	return 0;
}

/* Scenarios that need IPv6 on both stacks. */
static bool
sx_needs_ipv6(const struct sx_scenario *sc)
{
	return strncmp(sc->name, "inet6_", 6) == 0;
}

static void
sx_sim_run(void)
{
	static uint8_t buf[SX_MAX_IO];
	const char *name = sim_test_name();
	struct sx_run r;
	unsigned int i;
	int step;

	for (i = 0; i < sx_nscenarios; i++)
		if (strcmp(sx_scenarios[i].name, name) == 0)
			break;
	SIM_CHECK(i < sx_nscenarios);
	memset(&r, 0, sizeof(r));
	r.sc = &sx_scenarios[i];
	r.idx = i;
	r.buf = buf;
	memset(r.fd, -1, sizeof(r.fd));
	r.sim = sim_create(sim_test_seed());
	sim_use_ipv6(r.sim, sx_needs_ipv6(r.sc));
	for (unsigned int n = 0; n < 2; n++) {
		struct sim_node *node = sim_add_stack(r.sim, n ? "srv" : "cli",
						      NULL);
		struct tern_sock_worker_conf wc = {
			.ctx = node->ctx, .id = n, .max_fds = 64,
			.drive = sx_drive, .drive_arg = r.sim,
		};

		SIM_ASSERT_EQ(tern_sock_worker_create(&wc, &r.w[n]), 0);
	}
	/* DAD (1 s) makes the IPv6 addresses usable, as they are on the
	 * kernel's lo (added with nodad). */
	if (sx_needs_ipv6(r.sc))
		sim_run_for(r.sim, 2 * SIM_S);
	step = sx_run_steps(&r);
	sx_close_all(&r);
	for (unsigned int n = 0; n < 2; n++) {
		SIM_ASSERT_EQ(tern_sock_worker_open_fds(r.w[n]), 0);
		tern_sock_worker_destroy(r.w[n]);
	}
	/* Closed sockets end on the wire (FIN, RST, TIME_WAIT). */
	sim_run_for(r.sim, 300 * SIM_S);
	SIM_ASSERT(step == 0, "scenario %s failed at step %d: %s",
		   r.sc->name, step, r.why);
	SIM_ASSERT_EQ(sim_conn_count(sim_node(r.sim, 0)), 0);
	SIM_ASSERT_EQ(sim_conn_count(sim_node(r.sim, 1)), 0);
	sim_destroy(r.sim);
}

int
main(int argc, char **argv)
{
	struct sim_test *tests = calloc(sx_nscenarios, sizeof(*tests));

	if (tests == NULL)
		return 1;
	for (unsigned int i = 0; i < sx_nscenarios; i++)
		tests[i] = (struct sim_test){ sx_scenarios[i].name, sx_sim_run,
					      0 };
	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, sx_nscenarios, 13);
}

#endif
