/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

/**
 * @file
 * A latency histogram with HdrHistogram's bucket layout: values below
 * 2^(HIST_SUB_BITS+1) are exact, above that every power of two is split
 * into 2^HIST_SUB_BITS linear sub-buckets, so any recorded value is
 * known within 1 part in 128 (0.8%) from 1 ns to hours, in 40 KiB,
 * with O(1) recording and no allocation. Percentiles report the upper
 * edge of their bucket (never optimistic); min and max are exact.
 */

#include <stdint.h>
#include <stdio.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
/** Largest value kept apart; larger ones count in the last bucket. */
#define HIST_MAX_BITS 44
#define HIST_BUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

/* No count: the buckets' sum is one (hist_count()), a store fewer per
 * sample. */
struct hist {
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t b[HIST_BUCKETS];
};

void hist_init(struct hist *h);

/**
 * Bucket index of @p v: e * HIST_SUB + (v >> e), e the shift that leaves
 * HIST_SUB_BITS + 1 significant bits. Below 2 * HIST_SUB e is 0 (the
 * exact buckets): OR-ing in 2 * HIST_SUB - 1 gives every value at least
 * that many bits, so one count of leading zeros serves both ranges.
 */
static inline uint32_t
hist_index(uint64_t v)
{
	uint32_t e;

	/* Above the range: the largest value kept apart, the last bucket
	 * (a conditional move, not a branch). */
	if (v > (UINT64_C(1) << HIST_MAX_BITS) - 1)
		v = (UINT64_C(1) << HIST_MAX_BITS) - 1;
	e = (uint32_t)(63 - HIST_SUB_BITS) -
	    (uint32_t)__builtin_clzll(v | (2 * HIST_SUB - 1));
	return e * HIST_SUB + (uint32_t)(v >> e);
}

static inline void
hist_record(struct hist *h, uint64_t v)
{
	h->b[hist_index(v)]++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/** Samples recorded (the sum of the buckets). */
uint64_t hist_count(const struct hist *h);

/** Highest value that falls in bucket @p idx. */
uint64_t hist_bucket_high(uint32_t idx);

/** dst += src. */
void hist_merge(struct hist *dst, const struct hist *src);

/** Value at quantile @p q (0..1], capped by the exact max; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/**
 * Write {"count":..,"min":..,"mean":..,"p50":..,"p90":..,"p99":..,
 * "p999":..,"max":..} (values as recorded, e.g. ns) to @p f.
 */
void hist_write_json(const struct hist *h, FILE *f);

#endif /* BENCH_HIST_H */
