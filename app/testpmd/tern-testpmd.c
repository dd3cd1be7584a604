/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-testpmd: the stack's console, in the manner of dpdk-testpmd.
 *
 *   tern-testpmd EAL-ARGS -- [runtime options] [-i|--interactive]
 *       [--cmdfile FILE] [--stats-period N]
 *
 * Without -i it runs --cmdfile (if any) and then until SIGINT/SIGTERM
 * or a `quit` in the command file. With -i it reads commands at a
 * "tern> " prompt (DPDK cmdline: history, tab completion, help). The
 * shell is the runtime's application control thread, never a worker
 * lcore. Commands: tp_cmds.c; docs/operations.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_string.h>
#include <cmdline_rdline.h>
#include <cmdline_socket.h>

#include "testpmd.h"
#include "tern_tcp_view.h"

/* How long the shell waits for a key before it looks at the stop flag
 * and the --stats-period clock. */
#define TP_POLL_MS 100
/* Longest command line of --cmdfile. */
#define TP_LINE_MAX 1024

/* ---- worker side ---- */

static int
tp_lcore_init(struct tern_ctx *ctx, void *arg)
{
	struct tp_app *app = arg;
	struct tp_lcore *lc = calloc(1, sizeof(*lc));

	if (lc == NULL)
		return -ENOMEM;
	app->lcores[ctx->lcore_id] = lc;
	ctx->app = lc;
	return 0;
}

/* Graceful stop: no new connections; the runtime then FINs the rest. */
static void
tp_lcore_drain(struct tern_ctx *ctx, void *arg)
{
	tp_svc_unlisten_all(ctx);
}

static void
tp_lcore_fini(struct tern_ctx *ctx, void *arg)
{
	struct tp_app *app = arg;

	tp_svc_unlisten_all(ctx);
	/* Connections still open are aborted by the stack's teardown and
	 * their closed() frees their state; ours goes after. */
	tern_tcp_abort_all(ctx);
	free(app->lcores[ctx->lcore_id]);
	app->lcores[ctx->lcore_id] = NULL;
	ctx->app = NULL;
}

/* ---- the shell ---- */

struct tp_res {
	cmdline_fixed_string_t w0;
	cmdline_fixed_string_t w1;
	cmdline_multi_string_t rest;
};

/* Tokens and instructions: DPDK's cmdline keeps pointers to them, so
 * they live as long as the program. Every instruction hands the line
 * back to the one command table (tp_cmd_run); the tokens only give
 * completion its words. */
static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct tp_res, w0, "show");
static cmdline_parse_token_string_t tok_subject =
	TOKEN_STRING_INITIALIZER(struct tp_res, w1, NULL);
static cmdline_parse_token_string_t tok_verb =
	TOKEN_STRING_INITIALIZER(struct tp_res, w0, NULL);
static cmdline_parse_token_string_t tok_rest =
	TOKEN_STRING_INITIALIZER(struct tp_res, rest, TOKEN_STRING_MULTI);

static void
tp_cmdline_cb(void *parsed, struct cmdline *cl, void *data)
{
	const struct tp_res *r = parsed;
	struct tp_app *app = data;
	char line[sizeof(r->rest) + 2 * sizeof(r->w0) + 3];

	snprintf(line, sizeof(line), "%s %s %s", r->w0, r->w1, r->rest);
	tp_cmd_run(app, line, stdout);
}

static cmdline_parse_inst_t inst_show_rest = {
	.f = tp_cmdline_cb,
	.help_str = "show SUBJECT ...: see help",
	.tokens = { (void *)&tok_show, (void *)&tok_subject,
		    (void *)&tok_rest, NULL },
};
static cmdline_parse_inst_t inst_show = {
	.f = tp_cmdline_cb,
	.help_str = "show SUBJECT: see help",
	.tokens = { (void *)&tok_show, (void *)&tok_subject, NULL },
};
static cmdline_parse_inst_t inst_verb_rest = {
	.f = tp_cmdline_cb,
	.help_str = "COMMAND ...: see help",
	.tokens = { (void *)&tok_verb, (void *)&tok_rest, NULL },
};
static cmdline_parse_inst_t inst_verb = {
	.f = tp_cmdline_cb,
	.help_str = "COMMAND: see help",
	.tokens = { (void *)&tok_verb, NULL },
};
/* A multi-string token needs at least one word, and "show" is not among
 * tok_verb's words: exactly one instruction matches any line (cmdline
 * refuses ambiguous ones). */
static cmdline_parse_ctx_t tp_ctx[] = {
	&inst_show, &inst_show_rest, &inst_verb, &inst_verb_rest, NULL,
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --stats-period: print the line when its time has come. */
static void
stats_tick(struct tp_app *app)
{
	if (app->stats_period_s == 0 || mono_ms() < app->next_stats_ms)
		return;
	tp_stats_line(app, stdout);
	app->next_stats_ms += app->stats_period_s * 1000u;
}

static void
run_line(struct tp_app *app, char *line)
{
	line[strcspn(line, "\r")] = '\0';
	if (line[strspn(line, " \t")] == '\0' || line[0] == '#')
		return;
	printf("tern> %s\n", line);
	tp_cmd_run(app, line, stdout);
}

/*
 * The command file is read with poll() rather than stdio so that a
 * FIFO that stays open (a test feeding commands step by step) never
 * keeps the shell from noticing a stop.
 */
static void
run_cmdfile(struct tp_app *app)
{
	char buf[TP_LINE_MAX + 1];
	size_t used = 0;
	int fd = open(app->cmdfile, O_RDONLY | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr, "tern-testpmd: %s: %s\n", app->cmdfile,
			strerror(errno));
		return;
	}
	printf("tern-testpmd: reading commands from %s\n", app->cmdfile);
	while (!tern_rt_stopping(app->rt)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char *nl;
		ssize_t n;

		stats_tick(app);
		if (poll(&p, 1, TP_POLL_MS) <= 0)
			continue;
		n = read(fd, buf + used, TP_LINE_MAX - used);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;          /* end of file */
		used += (size_t)n;
		buf[used] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			run_line(app, buf);
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
		if (used == TP_LINE_MAX) {
			fprintf(stderr, "tern-testpmd: %s: line too long\n",
				app->cmdfile);
			used = 0;
		}
	}
	if (used > 0 && !tern_rt_stopping(app->rt))
		run_line(app, buf);     /* last line without a newline */
	close(fd);
}

/* Wait up to TP_POLL_MS for a key. @return true when one is there. */
static bool
key_ready(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, TP_POLL_MS) > 0;
}

static void
tp_control(struct tern_rt *rt, void *arg)
{
	struct tp_app *app = arg;
	struct cmdline *cl = NULL;

	app->rt = rt;
	inst_show.data = inst_show_rest.data = app;
	inst_verb.data = inst_verb_rest.data = app;
	tok_subject.string_data.str = tp_cmd_show_subjects();
	tok_verb.string_data.str = tp_cmd_verbs();
	app->next_stats_ms = mono_ms() + app->stats_period_s * 1000u;
	if (app->cmdfile != NULL)
		run_cmdfile(app);
	if (app->interactive && !tern_rt_stopping(rt)) {
		cl = cmdline_stdin_new(tp_ctx, "tern> ");
		if (cl == NULL)
			fprintf(stderr, "tern-testpmd: no prompt\n");
	}
	while (!tern_rt_stopping(rt)) {
		if (cl != NULL && key_ready()) {
			if (cmdline_poll(cl) == RDLINE_EXITED) {
				/* Ctrl-D or end of input: as quit. */
				tern_rt_request_drain(rt);
				cmdline_stdin_exit(cl);
				cl = NULL;
			}
		} else if (cl == NULL) {
			struct timespec t = { 0, TP_POLL_MS * 1000000L };

			nanosleep(&t, NULL);
		}
		stats_tick(app);
	}
	if (cl != NULL)
		cmdline_stdin_exit(cl);
}

/* ---- options ---- */

static int
opt_interactive(void *arg, const char *value)
{
	((struct tp_app *)arg)->interactive = true;
	return 0;
}

static int
opt_cmdfile(void *arg, const char *value)
{
	((struct tp_app *)arg)->cmdfile = value;
	return 0;
}

static int
opt_stats_period(void *arg, const char *value)
{
	uint64_t v;

	if (tern_parse_u64(value, 0, 3600, &v) != 0) {
		fprintf(stderr, "tern-testpmd: --stats-period: 0..3600 "
			"seconds\n");
		return -EINVAL;
	}
	((struct tp_app *)arg)->stats_period_s = (unsigned int)v;
	return 0;
}

static const struct tern_rt_opt tp_opts[] = {
	{ "interactive", NULL, "a prompt with history and completion "
	  "(also -i)", opt_interactive },
	{ "cmdfile", "FILE", "run the commands of FILE at start",
	  opt_cmdfile },
	{ "stats-period", "N", "one line of rates every N seconds "
	  "(0: none)", opt_stats_period },
	{ NULL, NULL, NULL, NULL },
};

/* testpmd spells it -i: the runtime's parser knows long options only. */
static void
short_options(int argc, char **argv)
{
	bool app_opts = false;
	static char interactive[] = "--interactive";

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			app_opts = true;
		else if (app_opts && strcmp(argv[i], "-i") == 0)
			argv[i] = interactive;
	}
}

int
main(int argc, char **argv)
{
	struct tp_app *app = calloc(1, sizeof(*app));
	const struct tern_rt_app rt_app = {
		.name = "tern-testpmd",
		.summary = "tern's console: show conns, tcp stats, fsm, "
			   "listen/connect services, graceful quit.",
		.opts = tp_opts,
		.arg = app,
		.lcore_init = tp_lcore_init,
		.lcore_fini = tp_lcore_fini,
		.lcore_drain = tp_lcore_drain,
		.control = tp_control,
	};
	struct tern_rt *rt = NULL;
	bool ok;
	int rc;

	if (app == NULL)
		return EXIT_FAILURE;
	short_options(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = tern_rt_create(argc, argv, &rt_app, &rt);
	if (rc == 0)
		rc = tern_rt_run(rt);
	ok = rc == 0 || rc == -ECANCELED;
	if (!ok)
		fprintf(stderr, "tern-testpmd: %s\n", strerror(-rc));
	if (tern_rt_destroy(rt) != 0)
		ok = false;
	free(app);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
