/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lint sample that must stay clean: prose may say clock_gettime(),
 * time(NULL), abort() or exit(1); strings too; fields may be called
 * time or clock; const tables, prototypes and types are not state.
 */
#include <stdint.h>
#include <rte_common.h>
#include <rte_log.h>

struct sample_ops {
	uint64_t (*time)(void *arg);
	void (*clock)(void);
	int state;
} __rte_cache_aligned;

enum sample_kind { SAMPLE_A, SAMPLE_B };

typedef void (*sample_cb)(int code);

extern int sample_extern_counter;

struct sample_fwd;

_Static_assert(sizeof(struct sample_ops) >= 8, "size");

RTE_LOG_REGISTER_DEFAULT(sample_logtype, INFO);

static const char *const sample_names[] = { "exit(1)", "abort()" };
static const struct sample_ops sample_default_ops = {
	.state = 0,
};
static void (*const sample_hooks[])(void) = { NULL };
const uint32_t sample_limits[2] __rte_aligned(8) = { 1, 2 };

static int sample_helper(int a[static 4]);

static inline int
sample_exit_code(int rc)
{
	return rc;
}

static int
sample_helper(int a[static 4])
{
	static const int k = 3;

	return a[0] + k;
}

uint64_t sample_use(struct sample_ops *ops, void *arg);

uint64_t
sample_use(struct sample_ops *ops, void *arg)
{
	int v[4] = { 0 };
	char c = '"';

	/* tern_exit_path(), rte_rdtsc() in a comment are fine */
	ops->clock();
	(void)c;
	return ops->time(arg) + sample_exit_code(sample_helper(v)) +
	       (uint64_t)sample_names[0][0] + sample_default_ops.state +
	       (sample_hooks[0] == NULL) + sample_limits[0];
}

/* Citations that resolve: docs/present.md, docs/present.md's heading,
 * present.md by its bare name, the folder docs/ itself, and a test by
 * its name (test_s55_zero_window_orphans_reaped). A path in a string
 * counts as a citation too: */
static const char *const sample_doc = "see docs/present.md";
