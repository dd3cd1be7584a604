/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_SACK_H
#define TCP_SACK_H

/**
 * @file
 * The sender's SACK scoreboard (RFC 2018, RFC 6675): which bytes of
 * [SND.UNA, SND.MAX) the peer reported holding. Pure logic, bounded:
 * at most TCP_SB_MAX disjoint ranges (past that the lowest are
 * forgotten, which only costs a needless retransmission), so the work
 * per ACK is bounded whatever the peer sends.
 *
 * Blocks are ignored (and counted by the caller) when start >= end, when
 * they reach below SND.UNA (a D-SACK or a stale block) or above SND.MAX,
 * or when more than TCP_MAX_SACK_BLOCKS arrive.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_options.h"

#define TCP_SB_MAX 8

struct tcp_scoreboard {
	uint8_t n;                 /**< ranges, sorted, disjoint */
	uint32_t sacked;           /**< bytes in them */
	struct tcp_sack_block r[TCP_SB_MAX];
};

static inline void
tcp_sb_clear(struct tcp_scoreboard *sb)
{
	sb->n = 0;
	sb->sacked = 0;
}

/**
 * Merge the peer's @p n blocks. @return bytes newly reported; the
 * number of blocks rejected is stored in *rejected.
 */
uint32_t tcp_sb_update(struct tcp_scoreboard *sb, uint32_t snd_una,
		       uint32_t snd_max, const struct tcp_sack_block *blocks,
		       unsigned int n, unsigned int *rejected);

/** Forget what lies below the new @p snd_una. */
void tcp_sb_advance(struct tcp_scoreboard *sb, uint32_t snd_una);

/** End of the highest SACKed byte (or @p snd_una when none). */
uint32_t tcp_sb_high(const struct tcp_scoreboard *sb, uint32_t snd_una);

/** Bytes SACKed within [a, b). */
uint32_t tcp_sb_sacked_in(const struct tcp_scoreboard *sb, uint32_t a,
			  uint32_t b);

/**
 * The first hole at or after @p from and below the highest SACKed byte:
 * *start and *len (at most @p max_len). @return false when none.
 */
bool tcp_sb_next_hole(const struct tcp_scoreboard *sb, uint32_t from,
		      uint32_t max_len, uint32_t *start, uint32_t *len);

#endif /* TCP_SACK_H */
