/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_test.h"

#define MAX_LIVE_SIMS 8
/* Frames of the wire trace printed with a failure. */
#define FAIL_TRACE_FRAMES 80

/* The runner's state: one test runs at a time in this process. */
struct test_run {
	jmp_buf unwind;
	bool active;
	const char *prog;
	const char *name;
	uint64_t seed;
	bool seed_forced;
	bool quiet;
	uint8_t family;
	struct sim *live[MAX_LIVE_SIMS];
};

static struct test_run run;

uint8_t
sim_test_family(void)
{
	return run.family == 6 ? 6 : 4;
}

uint64_t
sim_test_seed(void)
{
	return run.seed;
}

const char *
sim_test_name(void)
{
	return run.name;
}

bool
sim_test_seed_forced(void)
{
	return run.seed_forced;
}

void
sim_test_set_seed(uint64_t seed)
{
	run.seed = seed;
}

void
sim_test_set_quiet(bool quiet)
{
	run.quiet = quiet;
}

void
sim_test_register(struct sim *sim)
{
	for (int i = 0; i < MAX_LIVE_SIMS; i++) {
		if (run.live[i] == NULL) {
			run.live[i] = sim;
			return;
		}
	}
}

void
sim_test_unregister(struct sim *sim)
{
	for (int i = 0; i < MAX_LIVE_SIMS; i++)
		if (run.live[i] == sim)
			run.live[i] = NULL;
}

void
sim_test_fail(const char *file, int line, const char *expr,
	      const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nFAIL %s at %s:%d: %s\n    ", run.name, file, line,
		expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (run.quiet) {
		fprintf(stderr, "    (seed %" PRIu64 ")\n", run.seed);
		goto unwind;
	}
	for (int i = 0; i < MAX_LIVE_SIMS; i++) {
		if (run.live[i] == NULL)
			continue;
		sim_trace_dump(run.live[i], FAIL_TRACE_FRAMES);
		if (getenv("TERN_SIM_STATS") != NULL)
			sim_stats_dump(run.live[i]);
	}
	fprintf(stderr, "seed %" PRIu64 "; replay: TERN_SIM_SEED=%" PRIu64
		" TERN_SIM_TRACE=1 %s%s --only %s\n"
		"(TERN_SIM_STATS=1 adds the counters of each stack)\n\n",
		run.seed, run.seed, run.prog,
		run.family == 6 ? " --family 6" : "", run.name);
unwind:
	fflush(stderr);
	if (!run.active)
		abort();
	longjmp(run.unwind, 1);
}

static void
destroy_live(void)
{
	for (int i = 0; i < MAX_LIVE_SIMS; i++)
		if (run.live[i] != NULL)
			sim_destroy_quiet(run.live[i]);
}

bool
sim_test_try(void (*fn)(void *), void *arg)
{
	jmp_buf outer;
	volatile bool ok = true;

	memcpy(outer, run.unwind, sizeof(outer));
	if (setjmp(run.unwind) == 0) {
		fn(arg);
	} else {
		ok = false;
		destroy_live();
	}
	memcpy(run.unwind, outer, sizeof(outer));
	return ok;
}

static bool
selected(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end == NULL ? strlen(p) : (size_t)(end - p);

		if (n == len && strncmp(p, name, n) == 0)
			return true;
		p = end == NULL ? NULL : end + 1;
	}
	return false;
}

/* Run one test; true when it passed. */
static bool
run_one(const struct sim_test *t)
{
	volatile bool passed = true;

	run.name = t->name;
	memset(run.live, 0, sizeof(run.live));
	run.active = true;
	if (setjmp(run.unwind) == 0) {
		t->fn();
	} else {
		passed = false;
		destroy_live();
	}
	run.active = false;
	run.quiet = false;
	/* a test that forgot sim_destroy() leaks its stacks: say so */
	for (int i = 0; i < MAX_LIVE_SIMS; i++) {
		if (run.live[i] != NULL) {
			fprintf(stderr, "FAIL %s: a simulation was not "
				"destroyed\n", t->name);
			sim_destroy_quiet(run.live[i]);
			passed = false;
		}
	}
	return passed;
}

static void
usage(const char *prog, const struct sim_test *tests, unsigned int n)
{
	fprintf(stderr, "usage: %s [--only NAME[,NAME...]] [--list] "
		"[--family 4|6]\n"
		"env: TERN_SIM_SEED=N (replay), TERN_SIM_TRACE=1 (print "
		"every frame), TERN_SIM_FAMILY=6 (as --family 6)\ntests:\n",
		prog);
	for (unsigned int i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", tests[i].name);
}

int
sim_test_main(int argc, char **argv, const struct sim_test *tests,
	      unsigned int n, uint64_t default_seed)
{
	const char *only = NULL;
	const char *seed_env = getenv("TERN_SIM_SEED");
	const char *family_env = getenv("TERN_SIM_FAMILY");
	unsigned int ran = 0, failed = 0, skipped_v4 = 0;
	const char *family = family_env != NULL ? family_env : "4";

	run.prog = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--family") == 0 && i + 1 < argc) {
			family = argv[++i];
		} else if (strcmp(argv[i], "--list") == 0) {
			for (unsigned int k = 0; k < n; k++)
				printf("%s\n", tests[k].name);
			return 0;
		} else {
			usage(argv[0], tests, n);
			return 2;
		}
	}
	if (strcmp(family, "4") != 0 && strcmp(family, "6") != 0) {
		usage(argv[0], tests, n);
		return 2;
	}
	run.family = (uint8_t)atoi(family);
	sim_eal_init(argv[0]);
	run.seed_forced = seed_env != NULL;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < n; i++) {
			const struct sim_test *t = &tests[i];
			bool after_all = (t->flags & SIM_TEST_AFTER_ALL) != 0;

			if (after_all != (pass == 1))
				continue;
			if (only != NULL && !selected(only, t->name))
				continue;
			if (after_all && only != NULL) {
				printf("skip %s (needs the full run)\n",
				       t->name);
				continue;
			}
			if ((t->flags & SIM_TEST_IPV4_ONLY) &&
			    run.family == 6) {
				printf("skip %s (IPv4 only)\n", t->name);
				skipped_v4++;
				continue;
			}
			run.seed = seed_env != NULL ?
				   strtoull(seed_env, NULL, 0) : default_seed;
			ran++;
			if (run_one(t)) {
				printf("ok   %s\n", t->name);
			} else {
				printf("FAIL %s\n", t->name);
				failed++;
			}
			fflush(stdout);
		}
	}
	printf("%u tests, %u passed, %u failed", ran, ran - failed, failed);
	if (run.family == 6)
		printf(" over IPv6; %u IPv4-only tests skipped", skipped_v4);
	printf("\n");
	if (only != NULL && ran == 0 && skipped_v4 == 0) {
		fprintf(stderr, "no test matches --only %s\n", only);
		return 2;
	}
	return failed == 0 ? 0 : 1;
}
