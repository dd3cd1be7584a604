/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_RACK_H
#define TCP_RACK_H

/**
 * @file
 * RACK's time-based loss detection (RFC 8985 6.2) for the
 * retransmissions of a SACK recovery: a retransmission is lost when
 * data first sent after it has been delivered (SACKed) while it is
 * itself still missing one RTT plus a reordering window after it left.
 * The duplicate-ACK rules cannot see that loss (the hole was already
 * "repaired"); without this only the RTO would.
 *
 * tern keeps no per-segment send times. It keeps, per connection, two
 * words: SND.MAX and the time when the latest retransmission left. New
 * data goes out in sequence order, so "first sent after it" is "at or
 * above that SND.MAX"; and every earlier retransmission left no later,
 * so when the latest one is overdue they all are. Judging the earlier
 * ones by the latest send time can only make a detection later, never
 * earlier than RFC 8985's per-segment rule.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_sack.h"

/**
 * Are the retransmissions below @p rxt_next (holes of [@p snd_una,
 * @p rxt_next) not SACKed) lost? Evidence: a SACKed byte at or above
 * @p rack_snd_max. Then lost once @p wait_us passed since
 * @p rack_xmit_us (microseconds, modulo 2^32, like @p now_us).
 * @return true when lost; otherwise *left_us is the time still to wait
 *   when there is evidence, 0 when there is none.
 */
bool tcp_rack_lost(const struct tcp_scoreboard *sb, uint32_t snd_una,
		   uint32_t rxt_next, uint32_t rack_snd_max,
		   uint32_t rack_xmit_us, uint32_t now_us, uint32_t wait_us,
		   uint32_t *left_us);

#endif /* TCP_RACK_H */
