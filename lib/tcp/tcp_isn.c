/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012), its 2-4 and 1-3 variants, and RFC 6528 initial sequence
 * numbers built on SipHash-1-3.
 *
 * SipHash is used rather than a general-purpose hash because RFC 9293
 * MUST-9 asks that F() not be computable from outside: with a secret
 * 128-bit key, SipHash is a PRF, so seeing the ISNs of some connections
 * does not reveal those of others. The ISN takes SipHash-1-3 (one
 * compression round per word, three to finish: five rounds for the
 * 12-byte tuple instead of eight), as CPython's str hash and Rust's
 * HashMap do (Linux's secure_tcp_seq() keeps SipHash-2-4; its
 * hsiphash, SipHash-1-3 on 64-bit machines, serves its hash tables): no
 * attack on SipHash-1-3 as a PRF is known, and an observer sees at most
 * 32 bits of it mixed with a clock. The SYN cookies, whose 24 bits are all an attacker must
 * guess, keep SipHash-2-4 (tcp_syncookie.c).
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "tcp_siphash.h"

/* The message is read as little-endian words whatever the host's byte
 * order: a whole word in one load, ... */
static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return rte_le_to_cpu_64(w);
}

/* ... the last @p n (0..7) bytes a half word and bytes at a time (the
 * 4-tuple's 12 bytes end in one half word). */
static inline uint64_t
load_le_tail(const uint8_t *p, unsigned int n)
{
	uint64_t w = 0;
	unsigned int i = 0;

	if (n >= 4) {
		uint32_t h;

		memcpy(&h, p, sizeof(h));
		w = rte_le_to_cpu_32(h);
		i = 4;
	}
	for (; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/* SipHash-c-d of @p len bytes (c: 1 or 2, d: 3 or 4). */
static __rte_always_inline uint64_t
siphash_cd(const void *data, unsigned int len, uint64_t k0, uint64_t k1,
	   unsigned int c, unsigned int d)
{
	const uint8_t *p = data;
	unsigned int tail = len % 8;
	const uint8_t *end = p + (len - tail);
	struct sip_state s;

	sip_init(&s, k0, k1);
	for (; p != end; p += 8)
		sip_compress(&s, load_le64(p), c);
	/* Last word: the remaining bytes, and the length mod 256 in the
	 * top byte so that messages differing only in trailing zeros
	 * hash differently. */
	sip_compress(&s, load_le_tail(p, tail) | ((uint64_t)(len & 0xff) << 56),
		     c);
	sip_finalize(&s, d);
	return sip_result(&s);
}

uint64_t
tern_siphash24(const void *data, unsigned int len, uint64_t k0, uint64_t k1)
{
	return siphash_cd(data, len, k0, k1, 2, 4);
}

uint64_t
tern_siphash13(const void *data, unsigned int len, uint64_t k0, uint64_t k1)
{
	return siphash_cd(data, len, k0, k1, 1, 3);
}

uint32_t
tcp_isn(const struct tcp_isn_secret *s, const struct tern_flow_key *key,
	uint64_t now_ns)
{
	uint32_t ts_offset;

	return tcp_isn_ts_offset(s, key, now_ns, &ts_offset);
}

uint32_t
tcp_isn_ts_offset(const struct tcp_isn_secret *s,
		  const struct tern_flow_key *key, uint64_t now_ns,
		  uint32_t *ts_offset)
{
	return tcp_isn_ts_offset_inline(s, key, now_ns, ts_offset);
}

uint32_t
tcp_isn_ts_offset6(const struct tcp_isn_secret *s,
		   const struct tern_ip6 *laddr, const struct tern_ip6 *faddr,
		   uint16_t lport, uint16_t fport, uint64_t now_ns,
		   uint32_t *ts_offset)
{
	uint8_t msg[16 + 2 + 16 + 2];
	uint32_t m = (uint32_t)(now_ns / TCP_ISN_TICK_NS);
	uint64_t h;

	/* The IPv4 layout with 16-byte addresses: no IPv4 tuple has this
	 * length, so the two families never share a hash input. */
	memcpy(msg, laddr->b, 16);
	memcpy(msg + 16, &lport, 2);
	memcpy(msg + 18, faddr->b, 16);
	memcpy(msg + 34, &fport, 2);
	h = tern_siphash13(msg, sizeof(msg), s->k0, s->k1);
	*ts_offset = (uint32_t)(h >> 32);
	return m + (uint32_t)h;
}
