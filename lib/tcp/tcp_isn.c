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

#include "tcp_isn.h"

/* The initialisation constants of the paper: "somepseudorandomlygenerat
 * edbytes" in ASCII, chosen so that no state word starts at zero. */
#define SIP_INIT_V0 UINT64_C(0x736f6d6570736575)
#define SIP_INIT_V1 UINT64_C(0x646f72616e646f6d)
#define SIP_INIT_V2 UINT64_C(0x6c7967656e657261)
#define SIP_INIT_V3 UINT64_C(0x7465646279746573)

/* SipHash-c-d: c compression rounds per message word, d finalisation
 * rounds. 2-4 is the paper's recommendation (the SYN cookies); 1-3 the
 * lighter variant (the ISN and timestamp offset, see tcp_isn.h). */
#define SIP_C_ROUNDS_MAX 2
#define SIP_D_ROUNDS_MAX 4

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline uint64_t
rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

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

/* The SipRound ARX network, as in figure 2.1 of the paper. */
static inline void
sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotl64(s->v2, 32);
}

/* The rounds written out: the compiler kept the loops (a counter and
 * a branch per round, on every connection's ISN); with @p c and @p d
 * constants the branches below fold away. */
static __rte_always_inline void
sip_compress(struct sip_state *s, uint64_t m, unsigned int c)
{
	RTE_BUILD_BUG_ON(SIP_C_ROUNDS_MAX != 2);
	s->v3 ^= m;
	sip_round(s);
	if (c == 2)
		sip_round(s);
	s->v0 ^= m;
}

static __rte_always_inline void
sip_finalize(struct sip_state *s, unsigned int d)
{
	RTE_BUILD_BUG_ON(SIP_D_ROUNDS_MAX != 4);
	s->v2 ^= 0xff;
	sip_round(s);
	sip_round(s);
	sip_round(s);
	if (d == 4)
		sip_round(s);
}

static __rte_always_inline void
sip_init(struct sip_state *s, uint64_t k0, uint64_t k1)
{
	s->v0 = k0 ^ SIP_INIT_V0;
	s->v1 = k1 ^ SIP_INIT_V1;
	s->v2 = k0 ^ SIP_INIT_V2;
	s->v3 = k1 ^ SIP_INIT_V3;
}

static __rte_always_inline uint64_t
sip_result(const struct sip_state *s)
{
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
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

/*
 * SipHash-1-3 of the 4-tuple's 12 wire bytes, laddr | lport | faddr |
 * fport -- tern_siphash13() of them, with the two message words built
 * from the key's fields in registers rather than copied into a buffer
 * and read back (one per connection, and again for a TIME_WAIT reuse).
 */
static uint64_t
tcp_tuple_hash(const struct tcp_isn_secret *s, const struct tern_flow_key *key)
{
	/* The bytes in wire order are the fields' memory bytes, so a
	 * little-endian read of each gives its share of the words. */
	uint64_t laddr = rte_le_to_cpu_32(key->laddr);
	uint64_t faddr = rte_le_to_cpu_32(key->faddr);
	uint64_t lport = rte_le_to_cpu_16(key->lport);
	uint64_t fport = rte_le_to_cpu_16(key->fport);
	struct sip_state st;

	sip_init(&st, s->k0, s->k1);
	/* bytes 0-7: laddr, lport, faddr's first two */
	sip_compress(&st, laddr | lport << 32 | (faddr & 0xffff) << 48, 1);
	/* bytes 8-11: faddr's last two, fport; the length (12) on top */
	sip_compress(&st, faddr >> 16 | fport << 16 | UINT64_C(12) << 56, 1);
	sip_finalize(&st, 3);
	return sip_result(&st);
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
	uint64_t h = tcp_tuple_hash(s, key);
	/* F(localip, localport, remoteip, remoteport, secretkey): the low
	 * half. M ticks every 4 us and, truncated to 32 bits, wraps in
	 * about 4.77 hours: far longer than an MSL (RFC 9293 3.4.1). */
	uint32_t m = (uint32_t)(now_ns / TCP_ISN_TICK_NS);

	/* The high half, independent of the low, is the per-connection
	 * timestamp offset (RFC 7323 5.4): one hash serves both. */
	*ts_offset = (uint32_t)(h >> 32);
	return m + (uint32_t)h;
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
