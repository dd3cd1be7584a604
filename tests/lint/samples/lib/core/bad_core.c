/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: every line marked lint-expect must be reported. */
#include <stdlib.h>
#include <time.h>
#include <rte_cycles.h>
#include <rte_debug.h>

#define NOW() rte_rdtsc() /* lint-expect: clock-read */

static int calls; /* lint-expect: file-state */
unsigned long total_bytes = 0; /* lint-expect: file-state */
static const char *names[] = { "a", "b" }; /* lint-expect: file-state */
static struct { /* lint-expect: file-state */
	int a;
} anon_state;
static void (*hook)(void); /* lint-expect: file-state */
__thread int per_thread; /* lint-expect: file-state */
RTE_DEFINE_PER_LCORE(int, per_lcore); /* lint-expect: file-state */

static uint64_t
sample_clocks(void)
{
	struct timespec ts;
	struct timeval tv;
	uint64_t t = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* lint-expect: clock-read */
	gettimeofday(&tv, NULL); /* lint-expect: clock-read */
	t += time(NULL); /* lint-expect: clock-read */
	t += rte_get_tsc_cycles(); /* lint-expect: clock-read */
	t += rte_rdtsc_precise(); /* lint-expect: clock-read */
	t += rte_get_timer_cycles(); /* lint-expect: clock-read */
	t += (uint64_t)clock(); /* lint-expect: clock-read */
	return t + NOW();
}

static void
sample_time_sets(struct tern_ctx *ctx, struct tern_rt_worker *w,
		 struct tern_stack_conf *conf, uint64_t t)
{
	conf->now_ns = t;
	ctx->now_ns = t; /* lint-expect: time-set */
	w->ctx.now_ns += t; /* lint-expect: time-set */
	ctx->now_ms = (uint32_t)t; /* lint-expect: time-set */
	ctx->now_ms++; /* lint-expect: time-set */
	t = ctx->now_ns + ctx->now_ms;
	if (ctx->now_ns == t)
		tern_ctx_set_now(ctx, t);
}

static void
sample_exits(int rc)
{
	if (rc == 1)
		rte_panic("bad %d\n", rc); /* lint-expect: no-exit */
	if (rc == 2)
		rte_exit(EXIT_FAILURE, "bad\n"); /* lint-expect: no-exit */
	if (rc == 3)
		abort(); /* lint-expect: no-exit */
	if (rc == 4)
		exit(1); /* lint-expect: no-exit */
	RTE_VERIFY(rc != 5); /* lint-expect: no-exit */
}

static int
sample_statics(void)
{
	static int hidden; /* lint-expect: static-local */
	static const char *label = "x"; /* lint-expect: static-local */
	static const int table[] = { 1, 2, 3 };
	static const char *const fixed = "y";
	if (hidden) {
	static unsigned int misindented; /* lint-expect: static-local */

		misindented++;
	}
	return ++hidden + table[0] + label[0] + fixed[0] + calls;
}

int sample_run(void);

int
sample_run(void)
{
	sample_exits(0);
	return (int)sample_clocks() + sample_statics();
}

/* Citations of documents that are not in the tree. */
/* docs/absent.md says why. lint-expect: docs-ref */
/* As DESIGN-NOTES.md asks. lint-expect: docs-ref */
/* The orphan case (catalogue 55). lint-expect: docs-ref */
