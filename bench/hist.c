/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>

#include "hist.h"

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t
hist_count(const struct hist *h)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < HIST_BUCKETS; i++)
		n += h->b[i];
	return n;
}

uint64_t
hist_bucket_high(uint32_t idx)
{
	uint32_t e;

	if (idx < 2 * HIST_SUB)
		return idx;
	e = idx / HIST_SUB - 1;
	return ((uint64_t)(idx - e * HIST_SUB + 1) << e) - 1;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	for (uint32_t i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, count = hist_count(h);

	if (count == 0)
		return 0;
	/* The smallest value with at least q of the samples at or below. */
	rank = (uint64_t)(q * (double)count + 0.999999);
	if (rank == 0)
		rank = 1;
	for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t v = hist_bucket_high(i);

			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

void
hist_write_json(const struct hist *h, FILE *f)
{
	uint64_t count = hist_count(h);

	fprintf(f, "{\"count\":%" PRIu64 ",\"min\":%" PRIu64
		",\"mean\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
		",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
		"}", count, count > 0 ? h->min : 0,
		count > 0 ? h->sum / count : 0, hist_quantile(h, 0.5),
		hist_quantile(h, 0.9), hist_quantile(h, 0.99),
		hist_quantile(h, 0.999), h->max);
}
