/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_RACK_H
#define TCP_RACK_H

/**
 * @file
 * RACK's time-based loss detection (RFC 8985 6) for retransmissions:
 * a retransmission is lost when data first sent after it has been
 * delivered (SACKed) and it is itself still missing one RTT plus a
 * reordering window after it left. The duplicate-ACK rules cannot see
 * that loss (the hole was already "repaired"); without this only the
 * RTO would.
 *
 * tern keeps no per-segment send times: it keeps them for the
 * retransmissions of a SACK recovery, in a few records, each a range
 * resent with no new data sent in between (same SND.MAX), with the
 * time the last of it left. New data goes out in sequence order, so
 * "first sent after R" is "at or above R's SND.MAX". Pure logic,
 * bounded: TCP_RACK_RXT_MAX records, past that the newest absorbs the
 * next (its time the later one, which only delays a detection).
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_sack.h"

#define TCP_RACK_RXT_MAX 4

struct tcp_rack_rxt {
	uint32_t start, end;       /**< resent bytes [start, end) */
	uint32_t snd_max;          /**< SND.MAX when they left */
	uint64_t xmit_ns;          /**< when the last of them left */
};

struct tcp_rack {
	uint8_t n;                 /**< records, oldest first */
	bool lost_owed;            /**< [lost_start, lost_end) to resend */
	uint32_t lost_start, lost_end;
	struct tcp_rack_rxt r[TCP_RACK_RXT_MAX];
};

static inline void
tcp_rack_clear(struct tcp_rack *rk)
{
	rk->n = 0;
	rk->lost_owed = false;
}

/** @p len bytes at @p seq were resent at @p now_ns, SND.MAX @p snd_max. */
void tcp_rack_sent(struct tcp_rack *rk, uint32_t seq, uint32_t len,
		   uint32_t snd_max, uint64_t now_ns);

/** Forget what lies below the new @p snd_una. */
void tcp_rack_advance(struct tcp_rack *rk, uint32_t snd_una);

/**
 * RFC 8985 6.2 for each record: data sent after it SACKed (@p sb),
 * bytes of it still missing, and @p wait_ns (RTT + reordering window)
 * passed since it left (@p now_ns). Lost records leave the list; the
 * range they covered is merged into lost_start..lost_end (lost_owed).
 * @return the number of records found lost; *deadline_ns receives
 *   the earliest time a record with such evidence will be lost (0:
 *   none waiting), for the reordering timer.
 */
unsigned int tcp_rack_detect(struct tcp_rack *rk,
			     const struct tcp_scoreboard *sb,
			     uint32_t snd_una, uint64_t now_ns,
			     uint64_t wait_ns, uint64_t *deadline_ns);

#endif /* TCP_RACK_H */
