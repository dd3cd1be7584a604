/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-hello: the example of docs/api.md (the doc quotes this file and
 * tests/lint checks that the quote is current). Every connection to
 * --port (default 8080) gets "hello, <what it sent>" back for each
 * chunk of bytes that arrives, and is closed when the peer closes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern_runtime.h"
#include "tern_tcp.h"

struct hello {
	uint16_t port;
};

static int
hello_accepted(struct tern_conn *c, void *listen_user)
{
	return 0; /* keep every connection; no per-connection state */
}

static void
hello_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	static const char greeting[] = "hello, ";
	char line[256], tmp[256];
	uint32_t n = rte_pktmbuf_pkt_len(data);
	const void *bytes;

	/* Data arrives as mbufs, zero-copy; we copy out and free them.
	 * rte_pktmbuf_read() points into the mbuf when the bytes are
	 * contiguous and copies into tmp only when they are not. */
	if (n > sizeof(line) - (sizeof(greeting) - 1))
		n = sizeof(line) - (sizeof(greeting) - 1);
	memcpy(line, greeting, sizeof(greeting) - 1);
	bytes = rte_pktmbuf_read(data, 0, n, tmp);
	memcpy(line + sizeof(greeting) - 1, bytes, n);
	rte_pktmbuf_free(data);
	/* Queued at once, sent when the loop flushes; never blocks. */
	if (tern_tcp_send(c, line, sizeof(greeting) - 1 + n) < 0)
		tern_tcp_abort(c);
}

static void
hello_peer_closed(struct tern_conn *c, void *user)
{
	tern_tcp_close(c); /* FIN after what we queued */
}

static void
hello_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	/* The handle is dead after this returns; nothing of ours to free. */
}

static const struct tern_tcp_ops hello_ops = {
	.accepted = hello_accepted,
	.recv = hello_recv,
	.peer_closed = hello_peer_closed,
	.closed = hello_closed,
};

/* Runs on each worker lcore before its loop starts. */
static int
hello_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct hello *h = arg;
	struct tern_listener *l;

	return tern_tcp_listen(ctx, h->port, &hello_ops, h, &l);
}

static int
hello_parse_port(void *arg, const char *value)
{
	struct hello *h = arg;
	long port = strtol(value, NULL, 10);

	if (port <= 0 || port > 65535) {
		fprintf(stderr, "--port: 1..65535\n");
		return -EINVAL;
	}
	h->port = (uint16_t)port;
	return 0;
}

static const struct tern_rt_opt hello_opts[] = {
	{ "port", "N", "TCP port to serve (default 8080)", hello_parse_port },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char **argv)
{
	struct hello h = { .port = 8080 };
	const struct tern_rt_app app = {
		.name = "tern-hello",
		.summary = "greets every TCP peer (the docs/api.md example)",
		.opts = hello_opts,
		.arg = &h,
		.lcore_init = hello_lcore_init,
	};
	struct tern_rt *rt;
	int rc = tern_rt_create(argc, argv, &app, &rt);

	if (rc == 0)
		rc = tern_rt_run(rt);
	if (tern_rt_destroy(rt) != 0 && rc == 0)
		rc = -EBUSY;
	if (rc == -ECANCELED)
		rc = 0; /* --help */
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
