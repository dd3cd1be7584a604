/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-sock-httpd: an epoll HTTP/1.1 server written against
 * tern_socket.h, serving the same pre-rendered responses as tern-httpd
 * (lib/http). With -DTERN_SOCK_KERNEL the same source runs on the
 * kernel's sockets (tern-sock-httpd-kernel).
 *
 *   tern-sock-httpd [EAL args] -- --ip 198.18.0.2/24 [--port 80]
 *   tern-sock-httpd-kernel [--port 80] [--duration SEC]
 */
#include <stddef.h>

#include "sock_httpd.h"

static struct sh_conf sh_conf = { .port = 80 };

static const struct sock_app_opt sh_opts[] = {
	{ "port", "N", "TCP port to serve HTTP on (80)", sh_parse_port },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	const struct sock_app app = {
		.name = "tern-sock-httpd",
		.summary = "an epoll HTTP/1.1 server on tern_socket.h",
		.opts = sh_opts,
		.arg = &sh_conf,
		.worker_new = sh_new,
		.iter = sh_iter,
		.worker_free = sh_free,
		.report = sh_report,
	};

	return sock_app_main(argc, argv, &app);
}
