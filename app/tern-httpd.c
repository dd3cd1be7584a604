/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-httpd: an HTTP/1.1 server on tern, one server instance per worker
 * lcore (the server core is lib/http/httpd_core.c, shared with the
 * in-process benchmark). Every request gets the same in-memory page:
 * by default a small "hello" page, or --body-size N bytes, or a file.
 * Keep-alive, pipelining and "Connection: close" are honoured; malformed
 * requests get 400 and the connection is closed; request heads are
 * bounded (--max-head, 431/414 above) and bodies are skipped up to
 * --max-body (413 above).
 *
 *   tern-httpd [EAL options] -- [--ip A/len] [--port N] [--body-size N]
 *   tern-httpd [EAL options] -- --body-file index.html --port 8080
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_lcore.h>

#include "tern_runtime.h"
#include "tern_tcp.h"
#include "httpd_core.h"

#define HTTPD_DEFAULT_PORT 80

struct httpd_app {
	struct httpd_conf conf;
	char *page;                        /* --body-size / --body-file */
	const char *body_file;
	int64_t body_size;                 /* -1: not given */
	struct httpd *servers[RTE_MAX_LCORE];
	struct httpd_stats totals;         /* summed in lcore_fini */
};

/* ---- per-lcore hooks ---- */

static int
httpd_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct httpd_app *app = arg;
	struct httpd_conf conf = app->conf;
	int rc;

	/* The Date field follows the wall clock from here on, advanced by
	 * the loop's monotonic clock: no clock read per request. */
	conf.unix_sec = (int64_t)time(NULL);
	conf.unix_at_ns = ctx->now_ns;
	conf.max_conns = tern_rt_config(tern_rt_of_ctx(ctx))->tcp.max_conns;
	rc = httpd_create(ctx, &conf, &app->servers[ctx->lcore_id]);
	if (rc != 0)
		fprintf(stderr, "tern-httpd: lcore %u: cannot serve port %u: "
			"%s\n", ctx->lcore_id, conf.port, strerror(-rc));
	return rc;
}

static void
httpd_lcore_poll(struct tern_ctx *ctx, void *arg)
{
	struct httpd_app *app = arg;

	httpd_poll(app->servers[ctx->lcore_id]);
}

static void
stats_add(struct httpd_stats *sum, const struct httpd_stats *s)
{
	sum->accepted += s->accepted;
	sum->closed += s->closed;
	sum->closed_abnormal += s->closed_abnormal;
	sum->requests += s->requests;
	sum->responses_ok += s->responses_ok;
	sum->responses_err += s->responses_err;
	sum->bytes_in += s->bytes_in;
	sum->bytes_out += s->bytes_out;
	sum->held_overflow += s->held_overflow;
	sum->nomem += s->nomem;
	sum->send_retries += s->send_retries;
	sum->linger_timeouts += s->linger_timeouts;
	sum->linger_aborts += s->linger_aborts;
}

static void
httpd_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	struct httpd_app *app = arg;
	struct httpd *h = app->servers[ctx->lcore_id];

	if (h == NULL)
		return;
	/* Abort what is still open while our state exists, then count. */
	httpd_stop(h);
	stats_add(&app->totals, httpd_stats(h));
	httpd_destroy(h);
	app->servers[ctx->lcore_id] = NULL;
}

/* ---- options ---- */

static int
opt_u64(const char *opt, const char *value, uint64_t min, uint64_t max,
	uint64_t *out)
{
	if (tern_parse_u64(value, min, max, out) == 0)
		return 0;
	fprintf(stderr, "tern-httpd: --%s: %" PRIu64 "..%" PRIu64
		", got '%s'\n", opt, min, max, value);
	return -EINVAL;
}

static int
opt_port(void *arg, const char *value)
{
	struct httpd_app *app = arg;
	uint64_t v;

	if (opt_u64("port", value, 1, UINT16_MAX, &v) != 0)
		return -EINVAL;
	app->conf.port = (uint16_t)v;
	return 0;
}

static int
opt_ports(void *arg, const char *value)
{
	struct httpd_app *app = arg;
	uint64_t v;

	if (opt_u64("ports", value, 1, HTTPD_MAX_PORTS, &v) != 0)
		return -EINVAL;
	app->conf.nb_ports = (uint16_t)v;
	return 0;
}

static int
opt_body_size(void *arg, const char *value)
{
	struct httpd_app *app = arg;
	uint64_t v;

	if (opt_u64("body-size", value, 0, HTTP_PAGE_MAX, &v) != 0)
		return -EINVAL;
	app->body_size = (int64_t)v;
	return 0;
}

static int
opt_body_file(void *arg, const char *value)
{
	struct httpd_app *app = arg;

	app->body_file = value;
	return 0;
}

static int
opt_content_type(void *arg, const char *value)
{
	struct httpd_app *app = arg;

	for (const char *p = value; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "tern-httpd: --content-type: control "
				"characters are not allowed\n");
			return -EINVAL;
		}
	app->conf.content_type = value;
	return 0;
}

static int
opt_max_head(void *arg, const char *value)
{
	struct httpd_app *app = arg;
	uint64_t v;

	if (opt_u64("max-head", value, 256, 1u << 20, &v) != 0)
		return -EINVAL;
	app->conf.max_head = (uint32_t)v;
	return 0;
}

static int
opt_max_body(void *arg, const char *value)
{
	struct httpd_app *app = arg;

	return opt_u64("max-body", value, 0, UINT64_MAX >> 4,
		       &app->conf.max_body);
}

static const struct tern_rt_opt httpd_opts[] = {
	{ "port", "N", "TCP port to serve (default 80)", opt_port },
	{ "ports", "N", "listen on N consecutive ports from --port "
	  "(default 1)", opt_ports },
	{ "body-size", "N", "serve N bytes of generated text instead of the "
	  "hello page", opt_body_size },
	{ "body-file", "FILE", "serve the contents of FILE", opt_body_file },
	{ "content-type", "TYPE", "Content-Type of the page (default "
	  "text/html)", opt_content_type },
	{ "max-head", "BYTES", "bound of a request head (default 8192)",
	  opt_max_head },
	{ "max-body", "BYTES", "bound of a request body (default 64 MiB)",
	  opt_max_body },
	{ NULL, NULL, NULL, NULL },
};

/* ---- main ---- */

static int
page_load(struct httpd_app *app)
{
	int rc = 0;

	if (app->body_file != NULL && app->body_size >= 0) {
		fprintf(stderr, "tern-httpd: --body-file and --body-size "
			"exclude each other\n");
		return -EINVAL;
	}
	if (app->body_file != NULL) {
		rc = http_page_from_file(app->body_file, &app->page,
					 &app->conf.page_len);
		if (rc != 0)
			fprintf(stderr, "tern-httpd: %s: %s\n", app->body_file,
				strerror(-rc));
	} else if (app->body_size >= 0) {
		app->conf.page_len = (uint32_t)app->body_size;
		rc = http_page_of_size(app->conf.page_len, &app->page);
	}
	app->conf.page = app->page;
	return rc;
}

static void
report(const struct httpd_app *app)
{
	const struct httpd_stats *s = &app->totals;

	printf("tern-httpd: accepted %" PRIu64 ", closed %" PRIu64
	       " (%" PRIu64 " abnormally), requests %" PRIu64
	       ", 200 %" PRIu64 ", errors %" PRIu64 ", bytes in %" PRIu64
	       ", out %" PRIu64 ", reset for held input %" PRIu64
	       ", out of memory %" PRIu64 ", lingering closes timed out %"
	       PRIu64 ", reset while lingering %" PRIu64 "\n", s->accepted,
	       s->closed, s->closed_abnormal, s->requests, s->responses_ok,
	       s->responses_err, s->bytes_in, s->bytes_out, s->held_overflow,
	       s->nomem, s->linger_timeouts, s->linger_aborts);
}

int
main(int argc, char **argv)
{
	struct httpd_app *app = calloc(1, sizeof(*app));
	const struct tern_rt_app rt_app = {
		.name = "tern-httpd",
		.summary = "HTTP/1.1 server on tern: keep-alive, pipelining, "
			   "one in-memory page.",
		.opts = httpd_opts,
		.arg = app,
		.lcore_init = httpd_lcore_init,
		.lcore_poll = httpd_lcore_poll,
		.lcore_fini = httpd_lcore_fini,
	};
	struct tern_rt *rt = NULL;
	bool ok;
	int rc;

	if (app == NULL)
		return EXIT_FAILURE;
	app->conf.port = HTTPD_DEFAULT_PORT;
	app->conf.nb_ports = 1;
	app->body_size = -1;

	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	if (rc == 0)
		rc = page_load(app);
	if (rc == 0)
		rc = tern_rt_run(rt);
	ok = rc == 0 || rc == -ECANCELED;
	if (!ok)
		fprintf(stderr, "tern-httpd: %s\n", strerror(-rc));
	if (rc == 0)
		report(app);
	if (tern_rt_destroy(rt) != 0)
		ok = false;
	free(app->page);
	free(app);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
