/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SOCK_HTTPD_H
#define SOCK_HTTPD_H

/*
 * tern-sock-httpd's server: an epoll HTTP/1.1 loop over sock_app.h's
 * SK() calls, serving lib/http's pre-rendered responses. The app runs it
 * through sock_app_main(); bench/tern-inproc --server sock runs it on a
 * stack of its own, to price the socket layer against tern-httpd's
 * callback core (bench/callgrind.sh).
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sock_app.h"

/** The account of all workers, added to by each in sh_free(). */
struct sh_total {
	_Atomic uint64_t accepted, closed, requests, errors;
};

struct sh_conf {
	uint16_t port;
	bool quiet;              /**< no banner, no account at the end;
				      then @p conf need not outlive sh_new */
	struct sh_total total;
};

/** --port N. */
int sh_parse_port(void *conf, const char *v);
/** Listen on conf->port; @return the server's state, NULL on failure. */
void *sh_new(void *conf, unsigned int worker);
/** One pass: epoll_wait(@p timeout_ms), then serve what is ready. */
void sh_iter(void *state, int timeout_ms);
/** Print the worker's account (unless quiet), add it to the total,
 *  close everything, free. */
void sh_free(void *state);
/** Print the total over the workers (unless quiet). */
void sh_report(void *conf);
uint64_t sh_open_conns(const void *state);
uint64_t sh_requests(const void *state);

#endif /* SOCK_HTTPD_H */
