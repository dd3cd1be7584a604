/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_SYNCOOKIE_H
#define TCP_SYNCOOKIE_H

/**
 * @file
 * SYN cookies: when a listener's backlog is full, its SYN+ACK carries
 * the whole half-open state in our ISS, and no record is kept; the
 * handshake's final ACK proves the cookie and creates the connection.
 *
 * Layout of the 32-bit cookie:
 *   bits 31..27  time counter (64 s units, mod 32)
 *   bits 26..24  index of the MSS in tcp_cookie_mss[]
 *   bits 23..0   SipHash-2-4(secret, 4-tuple, peer ISN, counter, index)
 * A cookie is accepted for up to two counter periods (64..128 s). A
 * forged ACK passes with probability 2^-24. What the cookie cannot hold
 * (window scale, SACK-permitted, timestamps) is not negotiated for such
 * connections, as with Linux cookies without timestamps.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp_isn.h"

#define TCP_COOKIE_NMSS 8

/** The MSS values a cookie can carry (the largest <= the peer's). */
extern const uint16_t tcp_cookie_mss[TCP_COOKIE_NMSS];

/** Cookie (our ISS) for a SYN of @p key with sequence @p peer_isn. */
uint32_t tcp_cookie_make(const struct tcp_isn_secret *s,
			 const struct tern_flow_key *key, uint32_t peer_isn,
			 uint16_t peer_mss, uint64_t now_ns);

/**
 * Check the cookie of the final ACK: @p cookie = SEG.ACK - 1 and
 * @p peer_isn = SEG.SEQ - 1. @return the MSS it carried, or 0 when it
 * is not a cookie of ours (forged, or too old).
 */
uint16_t tcp_cookie_check(const struct tcp_isn_secret *s,
			  const struct tern_flow_key *key, uint32_t peer_isn,
			  uint32_t cookie, uint64_t now_ns);

/**
 * The cookie functions of an IPv6 flow: the same over the full
 * addresses and the ports (network order) instead of the key.
 */
uint32_t tcp_cookie_make6(const struct tcp_isn_secret *s,
			  const struct tern_ip6 *laddr,
			  const struct tern_ip6 *faddr, uint16_t lport,
			  uint16_t fport, uint32_t peer_isn,
			  uint16_t peer_mss, uint64_t now_ns);
uint16_t tcp_cookie_check6(const struct tcp_isn_secret *s,
			   const struct tern_ip6 *laddr,
			   const struct tern_ip6 *faddr, uint16_t lport,
			   uint16_t fport, uint32_t peer_isn,
			   uint32_t cookie, uint64_t now_ns);

#endif /* TCP_SYNCOOKIE_H */
