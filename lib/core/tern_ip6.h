/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_IP6_H
#define TERN_IP6_H

/**
 * @file
 * The IPv6 address as every layer holds it: 16 bytes in network order,
 * readable as two 64-bit words so that comparing, hashing and copying
 * one costs two loads, not a 16-byte memcmp. The words are in memory
 * order (not converted), so they are only compared with each other,
 * never against constants; helpers that test a prefix read bytes.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

struct tern_ip6 {
	union {
		uint8_t b[16];
		rte_be32_t w32[4];
		uint64_t w64[2];
	};
};

static inline bool
tern_ip6_eq(const struct tern_ip6 *a, const struct tern_ip6 *b)
{
	return ((a->w64[0] ^ b->w64[0]) | (a->w64[1] ^ b->w64[1])) == 0;
}

/** :: (RFC 4291 2.5.2): the unspecified address, "none" in configs. */
static inline bool
tern_ip6_is_unspec(const struct tern_ip6 *a)
{
	return (a->w64[0] | a->w64[1]) == 0;
}

/** ::1 (RFC 4291 2.5.3). */
static inline bool
tern_ip6_is_loopback(const struct tern_ip6 *a)
{
	return a->w64[0] == 0 && a->w32[2] == 0 &&
	       a->w32[3] == RTE_BE32(1);
}

/** ff00::/8 */
static inline bool
tern_ip6_is_multicast(const struct tern_ip6 *a)
{
	return a->b[0] == 0xff;
}

/** fe80::/10 */
static inline bool
tern_ip6_is_linklocal(const struct tern_ip6 *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/** Scope of a multicast address (RFC 4291 2.7): 1 interface, 2 link. */
static inline uint8_t
tern_ip6_mc_scope(const struct tern_ip6 *a)
{
	return a->b[1] & 0x0f;
}

/**
 * Do @p a and @p b share their first @p len bits (0..128)? Word-wise:
 * on every IPv6 output (the next hop's on-link test), where a memcmp
 * call cost more than the rest of the test (callgrind, issue 16).
 */
static inline bool
tern_ip6_prefix_eq(const struct tern_ip6 *a, const struct tern_ip6 *b,
		   uint8_t len)
{
	uint64_t hi = rte_be_to_cpu_64(a->w64[0] ^ b->w64[0]);
	uint64_t lo = rte_be_to_cpu_64(a->w64[1] ^ b->w64[1]);

	if (len == 0)
		return true;
	if (len <= 64)
		return (hi >> (64u - len)) == 0;
	return hi == 0 && (lo >> (128u - RTE_MIN(len, 128u))) == 0;
}

/**
 * The IPv6 pseudo-header's sum (RFC 8200 8.1) for an upper-layer
 * packet of @p l4_len bytes of protocol @p proto from @p src to
 * @p dst: folded to 16 bits, not complemented, in memory order -- the
 * value rte_ipv6_phdr_cksum() gives (length 0 for TSO is the caller's
 * choice). Sums 32-bit words of the aligned addresses: a quarter of the
 * additions of rte_ipv6_phdr_cksum()'s 16-bit loop over a copy, on
 * every IPv6 segment sent with checksum offload.
 */
static inline uint16_t
tern_ip6_phdr_sum(const struct tern_ip6 *src, const struct tern_ip6 *dst,
		  uint32_t l4_len, uint8_t proto)
{
	uint64_t sum = (uint64_t)rte_cpu_to_be_32(l4_len) +
		       rte_cpu_to_be_32((uint32_t)proto);

	for (unsigned int i = 0; i < 4; i++)
		sum += (uint64_t)src->w32[i] + dst->w32[i];
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/** ff02::1:ffXX:XXXX, the solicited-node group of @p a (RFC 4291 2.7.1). */
static inline void
tern_ip6_solicited_node(const struct tern_ip6 *a, struct tern_ip6 *group)
{
	memset(group, 0, sizeof(*group));
	group->b[0] = 0xff;
	group->b[1] = 0x02;
	group->b[11] = 0x01;
	group->b[12] = 0xff;
	group->b[13] = a->b[13];
	group->b[14] = a->b[14];
	group->b[15] = a->b[15];
}

/** 33:33 followed by the group's last 32 bits (RFC 2464 7). */
static inline void
tern_ip6_mc_mac(const struct tern_ip6 *group, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], &group->b[12], 4);
}

/** fe80::/64 with the modified EUI-64 of @p mac (RFC 4291 2.5.1). */
static inline void
tern_ip6_linklocal_from_mac(const struct rte_ether_addr *mac,
			    struct tern_ip6 *a)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = 0xfe;
	a->b[1] = 0x80;
	a->b[8] = mac->addr_bytes[0] ^ 0x02;
	a->b[9] = mac->addr_bytes[1];
	a->b[10] = mac->addr_bytes[2];
	a->b[11] = 0xff;
	a->b[12] = 0xfe;
	a->b[13] = mac->addr_bytes[3];
	a->b[14] = mac->addr_bytes[4];
	a->b[15] = mac->addr_bytes[5];
}

#endif /* TERN_IP6_H */
