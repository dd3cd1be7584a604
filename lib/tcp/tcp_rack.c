/* SPDX-License-Identifier: BSD-3-Clause */
#include "tcp_rack.h"
#include "tcp_seq.h"

bool
tcp_rack_lost(const struct tcp_scoreboard *sb, uint32_t snd_una,
	      uint32_t rxt_next, uint32_t rack_snd_max, uint32_t rack_xmit_us,
	      uint32_t now_us, uint32_t wait_us, uint32_t *left_us)
{
	uint32_t elapsed;

	*left_us = 0;
	/* Nothing resent is outstanding, or all of it is SACKed. */
	if (!seq_lt(snd_una, rxt_next) ||
	    tcp_sb_sacked_in(sb, snd_una, rxt_next) == rxt_next - snd_una)
		return false;
	/* Nothing first sent after the latest retransmission delivered. */
	if (!seq_gt(tcp_sb_high(sb, snd_una), rack_snd_max))
		return false;
	elapsed = now_us - rack_xmit_us;
	if (elapsed >= wait_us)
		return true;
	*left_us = wait_us - elapsed;
	return false;
}
