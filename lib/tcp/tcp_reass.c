/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_reass.h"
#include "tcp_seq.h"

/* Index of the first range whose end is above @p seq. */
static uint32_t
reass_first_after(const struct tcp_reass *r, uint32_t seq)
{
	uint32_t i = 0;

	while (i < r->n && seq_leq(r->s[i].seq + r->s[i].len, seq))
		i++;
	return i;
}

enum tcp_reass_verdict
tcp_reass_insert(struct tcp_reass *r, uint32_t seq, uint32_t len, void *data,
		 uint32_t max_bytes, uint32_t *keep_skip, uint32_t *keep_len)
{
	uint32_t end = seq + len;
	uint32_t i = reass_first_after(r, seq);
	uint32_t start = seq;

	/* Inside queued bytes at the head? Move past them. */
	while (i < r->n && seq_leq(r->s[i].seq, start)) {
		start = r->s[i].seq + r->s[i].len;
		i++;
	}
	if (seq_geq(start, end)) {
		/* RFC 2018 4: the next ACK's first block is the one holding
		 * the segment that triggered it. */
		uint32_t j = reass_first_after(r, seq);

		if (j < r->n)
			r->s[j].stamp = ++r->stamp;
		return TCP_REASS_DUPLICATE;
	}
	/* Keep only up to the next queued range: the first gap covered. */
	if (i < r->n && seq_lt(r->s[i].seq, end))
		end = r->s[i].seq;
	if (r->n == TCP_REASS_MAX || r->bytes + (end - start) > max_bytes)
		return TCP_REASS_FULL;

	memmove(&r->s[i + 1], &r->s[i], (r->n - i) * sizeof(r->s[0]));
	r->s[i] = (struct tcp_reass_seg){
		.seq = start,
		.len = end - start,
		.skip = start - seq,
		.stamp = ++r->stamp,
		.data = data,
	};
	r->n++;
	r->bytes += end - start;
	*keep_skip = start - seq;
	*keep_len = end - seq;
	return TCP_REASS_QUEUED;
}

bool
tcp_reass_pop(struct tcp_reass *r, uint32_t rcv_nxt, struct tcp_reass_seg *out)
{
	uint32_t below;

	if (r->n == 0 || seq_gt(r->s[0].seq, rcv_nxt))
		return false;
	*out = r->s[0];
	r->bytes -= out->len;
	r->n--;
	memmove(&r->s[0], &r->s[1], r->n * sizeof(r->s[0]));
	below = rcv_nxt - out->seq;
	if (below >= out->len) {
		out->skip += out->len;
		out->seq += out->len;
		out->len = 0;
	} else {
		out->skip += below;
		out->seq += below;
		out->len -= below;
	}
	return true;
}

unsigned int
tcp_reass_sack_blocks(const struct tcp_reass *r, struct tcp_sack_block *blocks,
		      unsigned int max)
{
	struct tcp_sack_block all[TCP_REASS_MAX];
	uint32_t newest[TCP_REASS_MAX];
	unsigned int nb = 0, out = 0;

	/* Merge touching ranges into blocks, noting each block's newest. */
	for (uint32_t i = 0; i < r->n; i++) {
		const struct tcp_reass_seg *s = &r->s[i];

		if (nb > 0 && all[nb - 1].end == s->seq) {
			all[nb - 1].end = s->seq + s->len;
			if (seq_gt(s->stamp, newest[nb - 1]))
				newest[nb - 1] = s->stamp;
			continue;
		}
		all[nb].start = s->seq;
		all[nb].end = s->seq + s->len;
		newest[nb] = s->stamp;
		nb++;
	}
	/* Most recent first (a selection: nb <= 32, max <= 4). */
	while (out < max && out < nb) {
		unsigned int best = out;

		for (unsigned int j = out + 1; j < nb; j++)
			if (seq_gt(newest[j], newest[best]))
				best = j;
		if (best != out) {
			struct tcp_sack_block tb = all[out];
			uint32_t ts = newest[out];

			all[out] = all[best];
			newest[out] = newest[best];
			all[best] = tb;
			newest[best] = ts;
		}
		blocks[out] = all[out];
		out++;
	}
	return out;
}

void
tcp_reass_purge(struct tcp_reass *r, tcp_reass_free_fn free_fn)
{
	for (uint32_t i = 0; i < r->n; i++)
		free_fn(r->s[i].data);
	tcp_reass_init(r);
}
