/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_ISN_H
#define TCP_ISN_H

/**
 * @file
 * Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret),
 * where M is a 4-microsecond clock and F is SipHash-1-3 keyed with a
 * 128-bit secret drawn at start (tcp_isn.c says why 1-3). Also
 * SipHash-2-4 for other keyed uses (the SYN cookies).
 */

#include <stdint.h>
#include "tern_ctable.h"
#include "tern_ip6.h"

/** M advances by one every 4 microseconds (RFC 9293 3.4.1). */
#define TCP_ISN_TICK_NS 4000

/** The 128-bit SipHash key; draw it from a good random source at start
 *  and never expose it (RFC 9293 MUST-9). */
struct tcp_isn_secret {
	uint64_t k0, k1;
};

/**
 * SipHash-2-4 of @p len bytes at @p data with key (k0, k1), the key
 * bytes being k0 then k1 in little-endian order as in the paper's
 * reference code. Byte-order independent: reads the message bytewise.
 */
uint64_t tern_siphash24(const void *data, unsigned int len, uint64_t k0,
			uint64_t k1);

/**
 * SipHash-1-3 of @p len bytes at @p data with key (k0, k1), as
 * tern_siphash24() with one compression and three finalisation rounds.
 */
uint64_t tern_siphash13(const void *data, unsigned int len, uint64_t k0,
			uint64_t k1);

/**
 * RFC 6528 ISN for @p key at time @p now_ns:
 * (now_ns / TCP_ISN_TICK_NS) + SipHash-1-3(laddr | lport | faddr | fport)
 * mod 2^32, the 4-tuple hashed as its 12 network-order bytes.
 */
uint32_t tcp_isn(const struct tcp_isn_secret *s,
		 const struct tern_flow_key *key, uint64_t now_ns);

/**
 * tcp_isn() and, from the other half of the same SipHash output, the
 * connection's RFC 7323 timestamp offset (@p ts_offset): one hash per
 * connection instead of two.
 */
uint32_t tcp_isn_ts_offset(const struct tcp_isn_secret *s,
			   const struct tern_flow_key *key, uint64_t now_ns,
			   uint32_t *ts_offset);

/**
 * tcp_isn_ts_offset() of an IPv6 flow: the same function over the full
 * addresses (@p laddr, @p faddr) and the ports (network order).
 */
uint32_t tcp_isn_ts_offset6(const struct tcp_isn_secret *s,
			    const struct tern_ip6 *laddr,
			    const struct tern_ip6 *faddr, uint16_t lport,
			    uint16_t fport, uint64_t now_ns,
			    uint32_t *ts_offset);

#endif /* TCP_ISN_H */
