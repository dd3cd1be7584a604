/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_SIPHASH_H
#define TCP_SIPHASH_H

/*
 * SipHash's rounds (tcp_isn.c says which variant serves what) and the
 * RFC 6528 ISN with the timestamp offset from one SipHash-1-3 of the
 * 4-tuple, inline: a passive open computes it in the SYN's path
 * (tcp_conn_init_seq()) without a call. Private to lib/tcp.
 */

#include <stdint.h>

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

/*
 * SipHash-1-3 of the 4-tuple's 12 wire bytes, laddr | lport | faddr |
 * fport -- tern_siphash13() of them, with the two message words built
 * from the key's fields in registers rather than copied into a buffer
 * and read back (one per connection, and again for a TIME_WAIT reuse).
 */
static __rte_always_inline uint64_t
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

/* tcp_isn_ts_offset(), inline (see tcp_isn.h). */
static __rte_always_inline uint32_t
tcp_isn_ts_offset_inline(const struct tcp_isn_secret *s,
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

#endif /* TCP_SIPHASH_H */
