/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_syncookie.h"

#define COOKIE_PERIOD_NS (64ull * 1000 * 1000 * 1000)
#define COOKIE_HASH_MASK 0x00ffffffu

/* Common link MSS values, as Linux's msstab: most peers land on one. */
const uint16_t tcp_cookie_mss[TCP_COOKIE_NMSS] = {
	216, 536, 1200, 1360, 1400, 1440, 1460, 8960,
};

/* The flow part of a cookie's hash input: the key (IPv4), or the full
 * addresses and ports (IPv6, 36 bytes: never an IPv4 length). */
struct cookie_flow {
	uint8_t b[36];
	unsigned int len;
};

static uint32_t
cookie_hash(const struct tcp_isn_secret *s, const struct cookie_flow *f,
	    uint32_t peer_isn, uint32_t counter, uint32_t mss_idx)
{
	uint8_t msg[sizeof(f->b) + 12];

	memcpy(msg, f->b, f->len);
	memcpy(msg + f->len, &peer_isn, 4);
	memcpy(msg + f->len + 4, &counter, 4);
	memcpy(msg + f->len + 8, &mss_idx, 4);
	/* The key halves swapped: a domain of its own, apart from ISNs. */
	return (uint32_t)tern_siphash24(msg, f->len + 12, s->k1, s->k0) &
	       COOKIE_HASH_MASK;
}

static void
cookie_flow4(const struct tern_flow_key *key, struct cookie_flow *f)
{
	memcpy(f->b, key, sizeof(*key));
	f->len = sizeof(*key);
}

static void
cookie_flow6(const struct tern_ip6 *laddr, const struct tern_ip6 *faddr,
	     uint16_t lport, uint16_t fport, struct cookie_flow *f)
{
	memcpy(f->b, laddr->b, 16);
	memcpy(f->b + 16, faddr->b, 16);
	memcpy(f->b + 32, &lport, 2);
	memcpy(f->b + 34, &fport, 2);
	f->len = 36;
}

static uint32_t
cookie_make(const struct tcp_isn_secret *s, const struct cookie_flow *f,
	    uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns)
{
	uint32_t counter = (uint32_t)(now_ns / COOKIE_PERIOD_NS) & 31;
	uint32_t idx = 0;

	for (uint32_t i = 0; i < TCP_COOKIE_NMSS; i++)
		if (tcp_cookie_mss[i] <= peer_mss)
			idx = i;
	return counter << 27 | idx << 24 |
	       cookie_hash(s, f, peer_isn, counter, idx);
}

static uint16_t
cookie_check(const struct tcp_isn_secret *s, const struct cookie_flow *f,
	     uint32_t peer_isn, uint32_t cookie, uint64_t now_ns)
{
	uint32_t now = (uint32_t)(now_ns / COOKIE_PERIOD_NS) & 31;
	uint32_t counter = cookie >> 27;
	uint32_t idx = (cookie >> 24) & 7;
	uint32_t age = (now - counter) & 31;

	if (age > 1)
		return 0;
	if (cookie_hash(s, f, peer_isn, counter, idx) !=
	    (cookie & COOKIE_HASH_MASK))
		return 0;
	return tcp_cookie_mss[idx];
}

uint32_t
tcp_cookie_make(const struct tcp_isn_secret *s, const struct tern_flow_key *key,
		uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns)
{
	struct cookie_flow f;

	cookie_flow4(key, &f);
	return cookie_make(s, &f, peer_isn, peer_mss, now_ns);
}

uint16_t
tcp_cookie_check(const struct tcp_isn_secret *s,
		 const struct tern_flow_key *key, uint32_t peer_isn,
		 uint32_t cookie, uint64_t now_ns)
{
	struct cookie_flow f;

	cookie_flow4(key, &f);
	return cookie_check(s, &f, peer_isn, cookie, now_ns);
}

uint32_t
tcp_cookie_make6(const struct tcp_isn_secret *s, const struct tern_ip6 *laddr,
		 const struct tern_ip6 *faddr, uint16_t lport, uint16_t fport,
		 uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns)
{
	struct cookie_flow f;

	cookie_flow6(laddr, faddr, lport, fport, &f);
	return cookie_make(s, &f, peer_isn, peer_mss, now_ns);
}

uint16_t
tcp_cookie_check6(const struct tcp_isn_secret *s, const struct tern_ip6 *laddr,
		  const struct tern_ip6 *faddr, uint16_t lport,
		  uint16_t fport, uint32_t peer_isn, uint32_t cookie,
		  uint64_t now_ns)
{
	struct cookie_flow f;

	cookie_flow6(laddr, faddr, lport, fport, &f);
	return cookie_check(s, &f, peer_isn, cookie, now_ns);
}
