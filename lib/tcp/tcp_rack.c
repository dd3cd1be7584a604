/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_rack.h"
#include "tcp_seq.h"

static void
rack_remove(struct tcp_rack *rk, unsigned int i)
{
	memmove(&rk->r[i], &rk->r[i + 1], (rk->n - i - 1) * sizeof(rk->r[0]));
	rk->n--;
}

void
tcp_rack_sent(struct tcp_rack *rk, uint32_t seq, uint32_t len,
	      uint32_t snd_max, uint64_t now_ns)
{
	struct tcp_rack_rxt *last = rk->n > 0 ? &rk->r[rk->n - 1] : NULL;
	uint32_t end = seq + len;

	/* The same round: no new data went out since the last resend. */
	if (last != NULL && last->snd_max == snd_max &&
	    seq_geq(seq, last->start)) {
		last->end = seq_max(last->end, end);
		last->xmit_ns = now_ns;
		return;
	}
	if (rk->n == TCP_RACK_RXT_MAX) {
		/* Full: the newest absorbs it, later in time, so it is
		 * judged by the later send (never too early). */
		last->start = seq_min(last->start, seq);
		last->end = seq_max(last->end, end);
		last->snd_max = snd_max;
		last->xmit_ns = now_ns;
		return;
	}
	rk->r[rk->n++] = (struct tcp_rack_rxt){
		.start = seq, .end = end, .snd_max = snd_max,
		.xmit_ns = now_ns,
	};
}

void
tcp_rack_advance(struct tcp_rack *rk, uint32_t snd_una)
{
	unsigned int i = 0;

	while (i < rk->n) {
		if (seq_leq(rk->r[i].end, snd_una)) {
			rack_remove(rk, i);
			continue;
		}
		if (seq_lt(rk->r[i].start, snd_una))
			rk->r[i].start = snd_una;
		i++;
	}
	if (rk->lost_owed && seq_leq(rk->lost_end, snd_una))
		rk->lost_owed = false;
	else if (rk->lost_owed && seq_lt(rk->lost_start, snd_una))
		rk->lost_start = snd_una;
}

static void
rack_mark_lost(struct tcp_rack *rk, const struct tcp_rack_rxt *r)
{
	if (!rk->lost_owed) {
		rk->lost_owed = true;
		rk->lost_start = r->start;
		rk->lost_end = r->end;
		return;
	}
	rk->lost_start = seq_min(rk->lost_start, r->start);
	rk->lost_end = seq_max(rk->lost_end, r->end);
}

unsigned int
tcp_rack_detect(struct tcp_rack *rk, const struct tcp_scoreboard *sb,
		uint32_t snd_una, uint64_t now_ns, uint64_t wait_ns,
		uint64_t *deadline_ns)
{
	uint32_t high = tcp_sb_high(sb, snd_una);
	unsigned int lost = 0, i = 0;

	*deadline_ns = 0;
	while (i < rk->n) {
		const struct tcp_rack_rxt *r = &rk->r[i];
		uint64_t due = r->xmit_ns + wait_ns;

		/* Delivered after it? Something first sent later is SACKed
		 * -- and of the record itself, something is still missing. */
		if (!seq_gt(high, r->snd_max) ||
		    tcp_sb_sacked_in(sb, r->start, r->end) ==
			    r->end - r->start) {
			i++;
			continue;
		}
		if (now_ns < due) {
			if (*deadline_ns == 0 || due < *deadline_ns)
				*deadline_ns = due;
			i++;
			continue;
		}
		rack_mark_lost(rk, r);
		rack_remove(rk, i);
		lost++;
	}
	return lost;
}
