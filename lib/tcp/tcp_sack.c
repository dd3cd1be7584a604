/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_sack.h"
#include "tcp_seq.h"

static void
sb_remove(struct tcp_scoreboard *sb, unsigned int i)
{
	sb->sacked -= sb->r[i].end - sb->r[i].start;
	memmove(&sb->r[i], &sb->r[i + 1], (sb->n - i - 1) * sizeof(sb->r[0]));
	sb->n--;
}

/* Add [s, e), merging with what it touches. */
static void
sb_add(struct tcp_scoreboard *sb, uint32_t s, uint32_t e)
{
	unsigned int i = 0;

	while (i < sb->n && seq_lt(sb->r[i].end, s))
		i++;
	/* Absorb every range that overlaps or touches [s, e). */
	while (i < sb->n && seq_leq(sb->r[i].start, e)) {
		s = seq_min(s, sb->r[i].start);
		e = seq_max(e, sb->r[i].end);
		sb_remove(sb, i);
	}
	if (sb->n == TCP_SB_MAX) {
		/* Full: forget the lowest range (it is resent, harmlessly). */
		if (i == 0)
			return;
		sb_remove(sb, 0);
		i--;
	}
	memmove(&sb->r[i + 1], &sb->r[i], (sb->n - i) * sizeof(sb->r[0]));
	sb->r[i].start = s;
	sb->r[i].end = e;
	sb->n++;
	sb->sacked += e - s;
}

uint32_t
tcp_sb_update(struct tcp_scoreboard *sb, uint32_t snd_una, uint32_t snd_max,
	      const struct tcp_sack_block *blocks, unsigned int n,
	      unsigned int *rejected)
{
	uint32_t added = 0;

	*rejected = 0;
	if (n > TCP_MAX_SACK_BLOCKS) {
		*rejected = n;
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint32_t s = blocks[i].start, e = blocks[i].end, before;

		if (!seq_lt(s, e) || seq_lt(s, snd_una) || seq_gt(e, snd_max)) {
			(*rejected)++;
			continue;
		}
		/* New to us: what of the block the board holds only now
		 * (nothing, when a full board forgot it again). */
		before = tcp_sb_sacked_in(sb, s, e);
		sb_add(sb, s, e);
		added += tcp_sb_sacked_in(sb, s, e) - before;
	}
	return added;
}

void
tcp_sb_advance(struct tcp_scoreboard *sb, uint32_t snd_una)
{
	while (sb->n > 0 && seq_leq(sb->r[0].end, snd_una))
		sb_remove(sb, 0);
	if (sb->n > 0 && seq_lt(sb->r[0].start, snd_una)) {
		sb->sacked -= snd_una - sb->r[0].start;
		sb->r[0].start = snd_una;
	}
}

uint32_t
tcp_sb_high(const struct tcp_scoreboard *sb, uint32_t snd_una)
{
	return sb->n > 0 ? sb->r[sb->n - 1].end : snd_una;
}

uint32_t
tcp_sb_sacked_in(const struct tcp_scoreboard *sb, uint32_t a, uint32_t b)
{
	uint32_t sum = 0;

	for (unsigned int i = 0; i < sb->n; i++) {
		uint32_t s = seq_max(sb->r[i].start, a);
		uint32_t e = seq_min(sb->r[i].end, b);

		if (seq_lt(s, e))
			sum += e - s;
	}
	return sum;
}

bool
tcp_sb_next_hole(const struct tcp_scoreboard *sb, uint32_t from,
		 uint32_t max_len, uint32_t *start, uint32_t *len)
{
	uint32_t high;

	if (sb->n == 0)
		return false;
	high = sb->r[sb->n - 1].end;
	for (unsigned int i = 0; i < sb->n; i++) {
		if (seq_leq(sb->r[i].end, from))
			continue;
		if (seq_leq(sb->r[i].start, from)) {
			from = sb->r[i].end; /* inside a SACKed range */
			continue;
		}
		/* [from, r[i].start) is a hole. */
		*start = from;
		*len = sb->r[i].start - from;
		if (*len > max_len)
			*len = max_len;
		return seq_lt(from, high);
	}
	return false;
}
