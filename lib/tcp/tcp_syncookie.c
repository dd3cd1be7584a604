/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_syncookie.h"

#define COOKIE_PERIOD_NS (64ull * 1000 * 1000 * 1000)
#define COOKIE_HASH_MASK 0x00ffffffu

/* Common link MSS values, as Linux's msstab: most peers land on one. */
const uint16_t tcp_cookie_mss[TCP_COOKIE_NMSS] = {
	216, 536, 1200, 1360, 1400, 1440, 1460, 8960,
};

static uint32_t
cookie_hash(const struct tcp_isn_secret *s, const struct tern_flow_key *key,
	    uint32_t peer_isn, uint32_t counter, uint32_t mss_idx)
{
	uint8_t msg[sizeof(*key) + 12];

	memcpy(msg, key, sizeof(*key));
	memcpy(msg + sizeof(*key), &peer_isn, 4);
	memcpy(msg + sizeof(*key) + 4, &counter, 4);
	memcpy(msg + sizeof(*key) + 8, &mss_idx, 4);
	/* The key halves swapped: a domain of its own, apart from ISNs. */
	return (uint32_t)tern_siphash24(msg, sizeof(msg), s->k1, s->k0) &
	       COOKIE_HASH_MASK;
}

uint32_t
tcp_cookie_make(const struct tcp_isn_secret *s, const struct tern_flow_key *key,
		uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns)
{
	uint32_t counter = (uint32_t)(now_ns / COOKIE_PERIOD_NS) & 31;
	uint32_t idx = 0;

	for (uint32_t i = 0; i < TCP_COOKIE_NMSS; i++)
		if (tcp_cookie_mss[i] <= peer_mss)
			idx = i;
	return counter << 27 | idx << 24 |
	       cookie_hash(s, key, peer_isn, counter, idx);
}

uint16_t
tcp_cookie_check(const struct tcp_isn_secret *s,
		 const struct tern_flow_key *key, uint32_t peer_isn,
		 uint32_t cookie, uint64_t now_ns)
{
	uint32_t now = (uint32_t)(now_ns / COOKIE_PERIOD_NS) & 31;
	uint32_t counter = cookie >> 27;
	uint32_t idx = (cookie >> 24) & 7;
	uint32_t age = (now - counter) & 31;

	if (age > 1)
		return 0;
	if (cookie_hash(s, key, peer_isn, counter, idx) !=
	    (cookie & COOKIE_HASH_MASK))
		return 0;
	return tcp_cookie_mss[idx];
}
