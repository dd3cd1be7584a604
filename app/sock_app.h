/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SOCK_APP_H
#define SOCK_APP_H

/*
 * The frame of the socket examples (tern-sock-echo, tern-sock-httpd):
 * one event loop written against tern_socket.h that also compiles
 * against the kernel's sockets. Build with -DTERN_SOCK_KERNEL and SK(x)
 * is the libc call x; without it, tern_x. docs/sockets.md ("Porting").
 *
 * On tern, sock_app_main() starts the runtime; each worker lcore gets
 * its own socket worker (descriptor range), the app's state (new) and
 * its loop (iter) called once per runtime iteration with timeout 0 --
 * the loop never blocks the worker. On Linux, one thread runs the same
 * loop with a timeout until SIGINT/SIGTERM or --duration.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#ifdef TERN_SOCK_KERNEL
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#define SK(name) name
#else
#include "tern_socket.h"
#define SK(name) tern_##name
#endif

/** An option after "--" (tern) or on the command line (Linux). */
struct sock_app_opt {
	const char *name;        /**< long name without "--"; NULL ends */
	const char *arg_name;    /**< NULL: takes no value */
	const char *help;
	int (*parse)(void *app_arg, const char *value);
};

struct sock_app {
	const char *name;
	const char *summary;
	const struct sock_app_opt *opts;
	void *arg;               /**< the app's settings (options) */
	/** State of one worker: listen, epoll. NULL: failed. */
	void *(*worker_new)(void *arg, unsigned int worker);
	/** One pass of the event loop; may wait up to @p timeout_ms. */
	void (*iter)(void *state, int timeout_ms);
	/** Print the worker's account; close everything; free. */
	void (*worker_free)(void *state);
	/** After every worker_free: print the totals over the workers
	 *  (one line, as tern-echo's). May be NULL. */
	void (*report)(void *arg);
};

/** Run @p app; @return the process exit status. */
int sock_app_main(int argc, char **argv, const struct sock_app *app);

/** --port's value into @p port. @return 0, or -EINVAL (said on stderr). */
static inline int
sock_app_parse_port(const char *v, uint16_t *port)
{
	long p = strtol(v, NULL, 10);

	if (p <= 0 || p > 65535) {
		fprintf(stderr, "--port %s: expected 1..65535\n", v);
		return -EINVAL;
	}
	*port = (uint16_t)p;
	return 0;
}

/**
 * A non-blocking socket bound to any address, port @p port: AF_INET6
 * with IPV6_V6ONLY off, taking IPv6 and IPv4 (v4-mapped) alike, or
 * AF_INET where the stack has no IPv6 sockets. @return it, or -1.
 */
static inline int
sock_app_bind_any(uint16_t port)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, off = 0;
	int fd = SK(socket)(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 && errno == EAFNOSUPPORT) {
		fd = SK(socket)(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -1;
		if (SK(setsockopt)(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one)) == 0 &&
		    SK(bind)(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			return fd;
	} else if (fd >= 0 &&
		   SK(setsockopt)(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				  sizeof(off)) == 0 &&
		   SK(setsockopt)(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				  sizeof(one)) == 0 &&
		   SK(bind)(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0) {
		return fd;
	}
	if (fd >= 0)
		SK(close)(fd);
	return -1;
}

/**
 * A worker's epoll set and its non-blocking listening socket on @p port
 * (sock_app_bind_any(), SO_REUSEADDR, @p backlog), registered for
 * EPOLLIN with @p tag as its data. @return 0 with *ep and *lfd set; -1
 * (errno set, both closed).
 */
static inline int
sock_app_listen(uint16_t port, int backlog, void *tag, int *ep, int *lfd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	*ep = SK(epoll_create1)(0);
	*lfd = *ep >= 0 ? sock_app_bind_any(port) : -1;
	if (*ep >= 0 && *lfd >= 0 &&
	    SK(listen)(*lfd, backlog) == 0 &&
	    SK(epoll_ctl)(*ep, EPOLL_CTL_ADD, *lfd, &ev) == 0)
		return 0;
	if (*lfd >= 0)
		SK(close)(*lfd);
	if (*ep >= 0)
		SK(close)(*ep);
	return -1;
}

#endif /* SOCK_APP_H */
