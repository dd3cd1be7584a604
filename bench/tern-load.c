/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-load: a load generator on tern's client side, on the DPDK runtime
 * (any port: net_tap, net_memif, a NIC). One engine (load_core.c) per
 * worker lcore, each with its share of the connections, requests and
 * offered rate. The first worker prints a live line per second; at the
 * end one JSON record goes to stdout (or --json FILE).
 *
 *   tern-load [EAL options] -- --ip 198.18.0.2/24 --connect 198.18.0.1:80
 *             --mode rps --conns 64 --pipeline 4 --time 10
 *
 * Workloads and options: bench/load_conf.h; --help lists them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>

#include "tern_runtime.h"
#include "load_core.h"
#include "tern_bench.h"

#define BENCH_NS_PER_S 1000000000ull

struct tload_lcore {
	struct tern_ctx *ctx;
	struct load *load;
	struct bench_tern_mem mem;    /* read before the stack goes */
	struct load_counters window;  /* taken in lcore_fini */
	uint64_t window_ns;
	struct hist lat;
	uint32_t peak_conns;
	uint64_t all_open_ns;
	bool done;
};

struct tload_app {
	struct load_conf conf;
	struct tern_rt *rt;
	unsigned int nb_workers;
	/* Live line (first worker only). */
	uint64_t next_line_ns;
	uint64_t line_start_ns;
	struct load_counters line_prev;
	struct tern_rt_opt opts[64];
	struct tload_lcore lcores[RTE_MAX_LCORE];
};

/* ---- per-lcore hooks ---- */

/* Share @p total among @p n workers, worker @p i's part. */
static uint64_t
share_of(uint64_t total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n ? 1 : 0);
}

static int
tload_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct tload_app *app = arg;
	struct tload_lcore *lc = &app->lcores[ctx->lcore_id];
	unsigned int n = tern_rt_worker_count(tern_rt_of_ctx(ctx));
	struct load_share share = {
		.conns = (uint32_t)share_of(app->conf.conns, n, ctx->queue_id),
		.max_requests = share_of(app->conf.max_requests, n,
					 ctx->queue_id),
		.rate = app->conf.rate / n,
	};
	int rc;

	app->nb_workers = n;
	lc->ctx = ctx;
	ctx->app = lc;
	if (share.conns == 0) {
		lc->done = true;      /* more workers than connections */
		return 0;
	}
	rc = load_create(ctx, &app->conf, &share, &lc->load);
	if (rc != 0)
		fprintf(stderr, "tern-load: lcore %u: %s\n", ctx->lcore_id,
			strerror(-rc));
	if (ctx->queue_id == 0) {
		app->line_start_ns = ctx->now_ns;
		app->next_line_ns = ctx->now_ns + BENCH_NS_PER_S;
	}
	return rc;
}

static void
sum_live(struct tload_app *app, struct load_counters *sum, char *states,
	 size_t size)
{
	uint32_t counts[TERN_TCP_NSTATES] = { 0 };

	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		struct tload_lcore *lc = &app->lcores[i];
		struct load_counters n;
		uint32_t c[TERN_TCP_NSTATES];

		if (lc->load == NULL)
			continue;
		/* Other lcores' counters, read racily: a live estimate. */
		load_counters_now(lc->load, &n);
		load_counters_add(sum, &n);
		tern_tcp_state_counts(lc->ctx, c);
		for (int s = 0; s < TERN_TCP_NSTATES; s++)
			counts[s] += c[s];
	}
	bench_states_format(counts, states, size);
}

static void
live_line(struct tload_app *app, struct tern_ctx *ctx)
{
	struct load_counters sum, delta;
	char states[256];

	sum_live(app, &sum, states, sizeof(states));
	load_counters_sub(&delta, &sum, &app->line_prev);
	app->line_prev = sum;
	load_live_line(stderr, &app->conf,
		       (double)(ctx->now_ns - app->line_start_ns) /
		       BENCH_NS_PER_S, &delta, BENCH_NS_PER_S, states);
}

static bool
all_done(const struct tload_app *app)
{
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		const struct tload_lcore *lc = &app->lcores[i];

		if (lc->ctx != NULL && !lc->done)
			return false;
	}
	return true;
}

static void
tload_lcore_poll(struct tern_ctx *ctx, void *arg)
{
	struct tload_app *app = arg;
	struct tload_lcore *lc = ctx->app;

	if (lc->load != NULL && !lc->done) {
		load_poll(lc->load);
		lc->done = load_phase(lc->load) == LOAD_PH_DONE;
	}
	if (ctx->queue_id != 0)
		return;
	if (!app->conf.quiet && ctx->now_ns >= app->next_line_ns) {
		app->next_line_ns += BENCH_NS_PER_S;
		live_line(app, ctx);
	}
	if (all_done(app))
		tern_rt_request_stop(tern_rt_of_ctx(ctx));
}

static void
tload_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	struct tload_lcore *lc = ctx->app;

	if (lc == NULL || lc->load == NULL)
		return;
	load_stop(lc->load);
	load_window(lc->load, &lc->window, &lc->window_ns);
	lc->lat = *load_latency(lc->load);
	lc->peak_conns = load_peak_conns(lc->load);
	lc->all_open_ns = load_all_open_ns(lc->load);
	bench_tern_mem_read(&lc->mem);
	/* Our state goes before the stack's: abort while it exists. */
	load_destroy(lc->load);
	lc->load = NULL;
}

/* ---- report ---- */

static int
report(struct tload_app *app)
{
	struct load_counters sum = { 0 };
	struct bench_tern_mem mem = { 0 };
	struct tern_stats stats;
	uint64_t window_ns = 0, all_open_ns = 0;
	uint32_t peak = 0;
	struct hist *lat = malloc(sizeof(*lat));
	char *extra = NULL;
	size_t extra_len = 0;
	FILE *f;
	int rc;

	if (lat == NULL)
		return -ENOMEM;
	hist_init(lat);
	for (unsigned int i = 0; i < RTE_MAX_LCORE; i++) {
		struct tload_lcore *lc = &app->lcores[i];

		if (lc->ctx == NULL)
			continue;
		load_counters_add(&sum, &lc->window);
		hist_merge(lat, &lc->lat);
		window_ns = RTE_MAX(window_ns, lc->window_ns);
		all_open_ns = RTE_MAX(all_open_ns, lc->all_open_ns);
		peak += lc->peak_conns;
		mem = lc->mem;
	}
	tern_rt_stats_sum(app->rt, &stats);
	f = open_memstream(&extra, &extra_len);
	if (f == NULL) {
		free(lat);
		return -ENOMEM;
	}
	/* In use per open connection: its record as the pool holds it, a
	 * hash bucket pointer, and this program's slot. */
	fprintf(f, "\"lcores\":%u,\"peak_conns\":%" PRIu32
		",\"all_open_s\":%.6f,\"conn_record_bytes\":%" PRIu32
		",\"conn_tmpl_bytes\":%" PRIu32
		",\"conn_object_bytes\":%" PRIu32 ",\"tw_record_bytes\":%"
		PRIu32 ",\"app_conn_bytes\":%zu,\"memory_per_conn_bytes\":%zu"
		",\"tcp\":{", app->nb_workers, peak,
		(double)all_open_ns / BENCH_NS_PER_S, mem.conn_record,
		mem.conn_tmpl, mem.conn_object, mem.tw_record, load_conn_size(&app->conf),
		(size_t)mem.conn_object + sizeof(void *) +
		load_conn_size(&app->conf));
	bench_stats_json(f, &stats);
	fputs("}", f);
	fclose(f);
	rc = load_write_json(&app->conf, "tern-load", &sum, window_ns, lat,
			     extra);
	free(extra);
	free(lat);
	return rc;
}

/* ---- main ---- */

static void
opts_build(struct tload_app *app)
{
	unsigned int i = 0;

	for (const struct load_opt *o = load_opts; o->name != NULL &&
	     i < RTE_DIM(app->opts) - 1; o++, i++)
		app->opts[i] = (struct tern_rt_opt){
			.name = o->name,
			.arg_name = o->arg_name,
			.help = o->help,
			.parse = o->parse,
		};
	app->opts[i] = (struct tern_rt_opt){ NULL, NULL, NULL, NULL };
}

int
main(int argc, char **argv)
{
	struct tload_app *app = calloc(1, sizeof(*app));
	struct tern_rt_app rt_app = {
		.name = "tern-load",
		.summary = "load generator on tern: cps, rps, bulk, latency, "
			   "hold; HTTP/1.1 or echo.",
		.lcore_init = tload_lcore_init,
		.lcore_poll = tload_lcore_poll,
		.lcore_fini = tload_lcore_fini,
	};
	struct tern_rt *rt = NULL;
	bool ok;
	int rc;

	if (app == NULL)
		return EXIT_FAILURE;
	load_conf_defaults(&app->conf);
	snprintf(app->conf.label, sizeof(app->conf.label), "tern");
	opts_build(app);
	rt_app.opts = app->opts;
	/* The load options write into app->conf: the first member. */
	rt_app.arg = app;

	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	app->rt = rt;
	if (rc == 0)
		rc = load_conf_finish(&app->conf, "tern-load");
	if (rc == 0)
		rc = tern_rt_run(rt);
	ok = rc == 0 || rc == -ECANCELED;
	if (!ok)
		fprintf(stderr, "tern-load: %s\n", strerror(-rc));
	if (rc == 0 && report(app) != 0)
		ok = false;
	if (tern_rt_destroy(rt) != 0)
		ok = false;
	free(app);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
