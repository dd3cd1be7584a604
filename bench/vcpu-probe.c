/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How far apart two CPUs are right now: one thread on each passes a
 * cache line back and forth, and each sample is the mean round trip of
 * many passes, in nanoseconds. bench/run.sh runs it before and after
 * each run whose every frame crosses from one lcore to the other
 * (tern-inproc's ring pair): on a virtual machine the host places the two vCPUs, and
 * moves them, so that the same pair of CPUs is sometimes one core's
 * neighbours and sometimes far apart (docs/benchmarks.md). Samples are
 * spaced so that a move between them shows.
 *
 *   vcpu-probe [--cpus A,B] [--samples N] [--passes N] [--gap-ms MS]
 *              [--json FILE]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SAMPLES_MAX 1000

struct probe {
	int cpu[2];
	unsigned int samples;
	unsigned int passes;      /* round trips per sample */
	unsigned int gap_ms;      /* between samples */
	const char *json;
	double ns[SAMPLES_MAX];
};

/* The line the two threads pass: odd when the far thread's turn, even
 * when the near one's. A line of its own, so that nothing else moves
 * with it; the far thread's stop flag and ready flag on another. */
static struct {
	_Alignas(64) atomic_uint_fast64_t turn;
	_Alignas(64) atomic_bool stop;
	atomic_bool ready;
	char pad[64];
} shared;

static int
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The far thread: answers each odd turn with the next even one. */
static void *
far_side(void *arg)
{
	const struct probe *p = arg;

	if (pin(p->cpu[1]) != 0) {
		fprintf(stderr, "vcpu-probe: cannot run on CPU %d\n",
			p->cpu[1]);
		exit(1);
	}
	atomic_store(&shared.ready, true);
	while (!atomic_load_explicit(&shared.stop, memory_order_relaxed)) {
		uint_fast64_t t = atomic_load_explicit(&shared.turn,
						       memory_order_acquire);

		if (t & 1)
			atomic_store_explicit(&shared.turn, t + 1,
					      memory_order_release);
	}
	return NULL;
}

/* One sample: the mean round trip of p->passes passes, in ns. */
static double
sample(const struct probe *p)
{
	uint64_t t0 = now_ns();

	for (unsigned int i = 0; i < p->passes; i++) {
		uint_fast64_t t = atomic_load_explicit(&shared.turn,
						       memory_order_relaxed);

		atomic_store_explicit(&shared.turn, t + 1,
				      memory_order_release);
		while (atomic_load_explicit(&shared.turn,
					    memory_order_acquire) & 1)
			;
	}
	return (double)(now_ns() - t0) / p->passes;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A decimal number from @p lo to @p hi, all of @p v, into *out. */
static int
parse_uint(const char *v, unsigned long lo, unsigned long hi,
	   unsigned int *out)
{
	unsigned long n;
	char *end;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (unsigned int)n;
	return 0;
}

static int
parse_args(struct probe *p, int argc, char **argv)
{
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned int a, b;
		int used = 0;

		if (strcmp(argv[i], "--json") == 0 && v != NULL)
			p->json = v;
		else if (strcmp(argv[i], "--cpus") == 0 && v != NULL &&
			 sscanf(v, "%u,%u%n", &a, &b, &used) == 2 &&
			 v[used] == '\0' && a != b && a < CPU_SETSIZE &&
			 b < CPU_SETSIZE) {
			p->cpu[0] = (int)a;
			p->cpu[1] = (int)b;
		} else if (strcmp(argv[i], "--samples") == 0) {
			if (parse_uint(v, 1, SAMPLES_MAX, &p->samples) != 0)
				return -1;
		} else if (strcmp(argv[i], "--passes") == 0) {
			if (parse_uint(v, 1, 10000000, &p->passes) != 0)
				return -1;
		} else if (strcmp(argv[i], "--gap-ms") == 0) {
			if (parse_uint(v, 0, 60000, &p->gap_ms) != 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

static void
report(const struct probe *p, FILE *f)
{
	double sorted[SAMPLES_MAX];

	memcpy(sorted, p->ns, p->samples * sizeof(sorted[0]));
	qsort(sorted, p->samples, sizeof(sorted[0]), cmp_double);
	fprintf(f, "{\"tool\":\"vcpu-probe\",\"cpus\":[%d,%d],"
		"\"passes\":%u,\"round_trip_ns\":[", p->cpu[0], p->cpu[1],
		p->passes);
	for (unsigned int i = 0; i < p->samples; i++)
		fprintf(f, "%s%.1f", i ? "," : "", p->ns[i]);
	/* The lower middle of an even count, as bench/report.py takes a
	 * median. */
	fprintf(f, "],\"min_ns\":%.1f,\"median_ns\":%.1f,\"max_ns\":%.1f}\n",
		sorted[0], sorted[(p->samples - 1) / 2],
		sorted[p->samples - 1]);
}

int
main(int argc, char **argv)
{
	static struct probe p = {
		.cpu = { 0, 1 }, .samples = 5, .passes = 20000, .gap_ms = 200,
	};
	struct timespec gap;
	pthread_t far;
	FILE *f = stdout;

	if (parse_args(&p, argc, argv) != 0) {
		fprintf(stderr, "usage: vcpu-probe [--cpus A,B] [--samples N "
			"(1-%d)] [--passes N] [--gap-ms MS] [--json FILE]\n",
			SAMPLES_MAX);
		return 2;
	}
	if (pin(p.cpu[0]) != 0) {
		fprintf(stderr, "vcpu-probe: cannot run on CPU %d\n", p.cpu[0]);
		return 1;
	}
	if (pthread_create(&far, NULL, far_side, &p) != 0)
		return 1;
	/* The far thread on its CPU, and one sample thrown away: the first
	 * passes would time its start. */
	while (!atomic_load(&shared.ready))
		;
	(void)sample(&p);
	gap.tv_sec = p.gap_ms / 1000;
	gap.tv_nsec = (long)(p.gap_ms % 1000) * 1000000L;
	for (unsigned int i = 0; i < p.samples; i++) {
		if (i > 0)
			nanosleep(&gap, NULL);
		p.ns[i] = sample(&p);
	}
	atomic_store(&shared.stop, true);
	pthread_join(far, NULL);
	if (p.json != NULL && (f = fopen(p.json, "w")) == NULL) {
		fprintf(stderr, "vcpu-probe: %s: %s\n", p.json,
			strerror(errno));
		return 1;
	}
	report(&p, f);
	if ((f != stdout ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "vcpu-probe: %s: %s\n",
			p.json != NULL ? p.json : "stdout", strerror(errno));
		return 1;
	}
	return 0;
}
