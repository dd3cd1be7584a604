/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sock_app.h on two stacks: tern's runtime (one socket worker per
 * worker lcore, the app's loop called each iteration, as F-Stack's
 * ff_run) or Linux (one thread, the same loop with a timeout).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sock_app.h"

#ifdef TERN_SOCK_KERNEL

static volatile sig_atomic_t sock_app_stop;

static void
sock_app_on_signal(int sig)
{
	(void)sig;
	sock_app_stop = 1;
}

static int
sock_app_parse(int argc, char **argv, const struct sock_app *app,
	       double *duration_s)
{
	for (int i = 1; i < argc; i++) {
		const struct sock_app_opt *o;
		const char *name = argv[i];

		if (strcmp(name, "--") == 0)
			continue;
		if (strcmp(name, "--duration") == 0 && i + 1 < argc) {
			*duration_s = atof(argv[++i]);
			continue;
		}
		for (o = app->opts; o != NULL && o->name != NULL; o++)
			if (strncmp(name, "--", 2) == 0 &&
			    strcmp(name + 2, o->name) == 0)
				break;
		if (o == NULL || o->name == NULL) {
			fprintf(stderr, "%s: unknown option %s\n", app->name,
				name);
			return -EINVAL;
		}
		if (o->arg_name != NULL && i + 1 >= argc) {
			fprintf(stderr, "%s: %s needs a value\n", app->name,
				name);
			return -EINVAL;
		}
		if (o->parse(app->arg, o->arg_name ? argv[++i] : NULL) < 0)
			return -EINVAL;
	}
	return 0;
}

static double
sock_app_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
sock_app_main(int argc, char **argv, const struct sock_app *app)
{
	double duration_s = 0, start;
	void *state;

	if (sock_app_parse(argc, argv, app, &duration_s) < 0)
		return 2;
	signal(SIGINT, sock_app_on_signal);
	signal(SIGTERM, sock_app_on_signal);
	signal(SIGPIPE, SIG_IGN);
	state = app->worker_new(app->arg, 0);
	if (state == NULL)
		return 1;
	printf("%s: running on Linux sockets\n", app->name);
	fflush(stdout);
	start = sock_app_now_s();
	while (!sock_app_stop &&
	       (duration_s <= 0 || sock_app_now_s() - start < duration_s))
		app->iter(state, 100);
	printf("%s: stopped\n", app->name);
	app->worker_free(state);
	if (app->report != NULL)
		app->report(app->arg);
	return 0;
}

#else

#include "tern_runtime.h"

/* Per worker lcore: its socket layer and the app's state. */
struct sock_app_worker {
	struct tern_sock_worker *w;
	void *state;
};

/* The runtime hands the callbacks the app's settings (what the options
 * parse into); the app itself is process-wide, as main() is. */
static const struct sock_app *sock_app_running;

/* Blocking calls drive the worker they were made on (tern_rt_drive). */
static int
sock_app_drive(void *arg, uint64_t deadline_ns)
{
	return tern_rt_drive(arg, deadline_ns);
}

static uint64_t
sock_app_clock(void *arg)
{
	return tern_rt_clock_ns(arg);
}

static int
sock_app_lcore_init(struct tern_ctx *ctx, void *arg)
{
	const struct sock_app *app = sock_app_running;
	struct sock_app_worker *aw = calloc(1, sizeof(*aw));
	struct tern_sock_worker_conf wc = {
		.ctx = ctx,
		.id = ctx->queue_id,
		.max_fds = 1 << 16,
		.drive = sock_app_drive,
		.drive_arg = ctx,
		.clock = sock_app_clock,
	};
	int rc;

	if (aw == NULL)
		return -ENOMEM;
	rc = tern_sock_worker_create(&wc, &aw->w);
	if (rc < 0) {
		free(aw);
		return rc;
	}
	aw->state = app->worker_new(arg, ctx->queue_id);
	if (aw->state == NULL) {
		tern_sock_worker_destroy(aw->w);
		free(aw);
		return -EINVAL;
	}
	ctx->app = aw;
	return 0;
}

static void
sock_app_lcore_poll(struct tern_ctx *ctx, void *arg)
{
	struct sock_app_worker *aw = ctx->app;

	RTE_SET_USED(arg);
	sock_app_running->iter(aw->state, 0);
}

static void
sock_app_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	struct sock_app_worker *aw = ctx->app;

	RTE_SET_USED(arg);
	sock_app_running->worker_free(aw->state);
	tern_sock_worker_destroy(aw->w);
	free(aw);
	ctx->app = NULL;
}

int
sock_app_main(int argc, char **argv, const struct sock_app *app)
{
	struct tern_rt_app rt_app = {
		.name = app->name,
		.summary = app->summary,
		.arg = app->arg,
		.lcore_init = sock_app_lcore_init,
		.lcore_poll = sock_app_lcore_poll,
		.lcore_fini = sock_app_lcore_fini,
	};
	struct tern_rt_opt *rt_opts;
	struct tern_rt *rt = NULL;
	unsigned int n = 0;
	int rc;

	sock_app_running = app;
	while (app->opts != NULL && app->opts[n].name != NULL)
		n++;
	rt_opts = calloc(n + 1, sizeof(*rt_opts));
	if (rt_opts == NULL)
		return 1;
	for (unsigned int i = 0; i < n; i++)
		rt_opts[i] = (struct tern_rt_opt){
			.name = app->opts[i].name,
			.arg_name = app->opts[i].arg_name,
			.help = app->opts[i].help,
			.parse = app->opts[i].parse,
		};
	rt_app.opts = rt_opts;
	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	if (rc == -ECANCELED) {
		tern_rt_destroy(rt);
		free(rt_opts);
		return 0;
	}
	if (rc == 0)
		rc = tern_rt_run(rt);
	/* tern_rt_run() has run every worker's lcore_fini. */
	if (rc == 0 && app->report != NULL)
		app->report(app->arg);
	if (tern_rt_destroy(rt) < 0 && rc == 0)
		rc = -EBUSY;
	free(rt_opts);
	return rc == 0 ? 0 : 1;
}

#endif
