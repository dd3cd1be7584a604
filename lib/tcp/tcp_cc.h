/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_CC_H
#define TCP_CC_H

/**
 * @file
 * Congestion control: a small interface, chosen per connection, with
 * NewReno (RFC 5681, RFC 6582) and CUBIC (RFC 9438). Pure arithmetic on
 * struct tcp_cc: the connection calls it on ACKs of new data outside
 * recovery, on entering loss recovery, and on a retransmission timeout;
 * recovery itself (which segments to resend) is the caller's.
 * Windows are in bytes; the initial window is 10 segments (RFC 6928).
 */

#include <stdint.h>
#include <string.h>

enum tcp_cc_algo {
	TCP_CC_NEWRENO,
	TCP_CC_CUBIC,
	TCP_CC_NALGOS
};

struct tcp_cc {
	uint32_t cwnd;          /**< bytes */
	uint32_t ssthresh;      /**< bytes; UINT32_MAX until the first loss */
	uint16_t mss;
	uint8_t algo;           /**< enum tcp_cc_algo */
	/* CUBIC */
	uint32_t w_max;         /**< cwnd before the last reduction */
	double w_est;           /**< Reno-friendly estimate, bytes (RFC 9438
				     4.3; fractional so slow growth adds up) */
	uint32_t k_us;          /**< K of the current epoch */
	uint64_t epoch_ns;      /**< start of this epoch; 0 = none yet */
};

/** The initial window in segments (RFC 6928). */
#define TCP_INIT_WINDOW_SEGS 10

/**
 * Start with 10 segments of @p mss bytes and no ssthresh. Inline: it
 * runs twice per connection (the record's birth, then the handshake's
 * MSS), a few stores each. tcp_cc_init_zeroed() is the same for a
 * state already all zero (a new record, zeroed whole at its birth):
 * the other fields stay as they are.
 */
static inline void
tcp_cc_init_zeroed(struct tcp_cc *cc, enum tcp_cc_algo algo, uint16_t mss)
{
	cc->algo = (uint8_t)algo;
	cc->mss = mss;
	cc->cwnd = TCP_INIT_WINDOW_SEGS * (uint32_t)mss;
	cc->ssthresh = UINT32_MAX;
}

static inline void
tcp_cc_init(struct tcp_cc *cc, enum tcp_cc_algo algo, uint16_t mss)
{
	memset(cc, 0, sizeof(*cc));
	tcp_cc_init_zeroed(cc, algo, mss);
}

/** The MSS became known (SYN+ACK): rescale the initial window. */
void tcp_cc_set_mss(struct tcp_cc *cc, uint16_t mss);

/* tcp_cc_on_ack() above ssthresh: congestion avoidance. */
void tcp_cc_on_ack_avoid(struct tcp_cc *cc, uint32_t acked, uint64_t now_ns,
			 uint32_t srtt_us);

/**
 * @p acked new bytes were acknowledged at @p now_ns (not in recovery).
 * Slow start (RFC 5681 3.1, byte counting, at most one MSS per ACK) is
 * the same for every algorithm, and inline: the ACK clock of a
 * connection that never lost a segment runs here.
 */
static inline void
tcp_cc_on_ack(struct tcp_cc *cc, uint32_t acked, uint64_t now_ns,
	      uint32_t srtt_us)
{
	uint32_t inc;

	if (cc->cwnd >= cc->ssthresh) {
		tcp_cc_on_ack_avoid(cc, acked, now_ns, srtt_us);
		return;
	}
	inc = acked < cc->mss ? acked : cc->mss;
	cc->cwnd = cc->cwnd > UINT32_MAX - inc ? UINT32_MAX : cc->cwnd + inc;
}

/** Loss detected by duplicate ACKs or SACK: @p flight bytes outstanding. */
void tcp_cc_on_loss(struct tcp_cc *cc, uint32_t flight, uint64_t now_ns);

/** The retransmission timer expired with @p flight bytes outstanding. */
void tcp_cc_on_rto(struct tcp_cc *cc, uint32_t flight);

/** "newreno" / "cubic". */
const char *tcp_cc_name(enum tcp_cc_algo algo);

/** Look a name up; @return the algorithm or -1. */
int tcp_cc_by_name(const char *name);

#endif /* TCP_CC_H */
