/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef UNIT_RNG_H
#define UNIT_RNG_H

/*
 * A seeded generator for randomised unit tests: splitmix64 (Steele, Lea
 * and Flood, OOPSLA 2014). Tiny, fast, and every seed gives a full
 * period, so a failing run is replayed exactly from the seed it prints.
 */

#include <stdint.h>
#include <stdlib.h>

#include "tern_splitmix.h"

#define UNIT_RNG_DEFAULT_SEED UINT64_C(0x7465726e2d746370) /* "tern-tcp" */

struct unit_rng {
	uint64_t s;
};

static inline uint64_t
unit_rng_next(struct unit_rng *r)
{
	return tern_splitmix64(&r->s);
}

/* Uniform in [0, n); n > 0. The modulo bias is irrelevant here. */
static inline uint32_t
unit_rng_below(struct unit_rng *r, uint32_t n)
{
	return (uint32_t)(unit_rng_next(r) % n);
}

/* The seed: $TERN_TEST_SEED when set (to replay a failure), else the
 * fixed default so that CI runs are reproducible. */
static inline uint64_t
unit_rng_seed_from_env(void)
{
	const char *env = getenv("TERN_TEST_SEED");

	if (env == NULL || *env == '\0')
		return UNIT_RNG_DEFAULT_SEED;
	return strtoull(env, NULL, 0);
}

#endif /* UNIT_RNG_H */
