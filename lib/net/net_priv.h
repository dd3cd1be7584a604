/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NET_PRIV_H
#define NET_PRIV_H

/**
 * @file
 * Internals of lib/net shared between its files (and its unit tests).
 *
 * Input is split in two: pure parsers (net_parse.c) that look at bytes
 * and lengths only and reduce a header to a small representation or to
 * the counter of the reason it is refused, and the packet path (eth,
 * arp, ipv4, icmp) that acts on those representations. The parsers never
 * read past the length they are given, so the unit tests run them on
 * exactly-sized heap buffers under ASan.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "tern_ctx.h"
#include "tern_arp.h"
#include "tern_net_stats.h"
#include "tern_net.h"

/** Parser verdict "accepted"; anything else is the drop counter. */
#define NET_ACCEPT TERN_STAT_NET_END

#define NET_ETH_HLEN 14u          /**< Ethernet II header, no tag */
#define NET_IPV4_HLEN_MIN 20u
#define NET_ARP_LEN 28u           /**< ARP for IPv4 over Ethernet */
#define NET_ICMP_HLEN 8u          /**< type, code, checksum, id, seq */
/* Minimum Ethernet frame without FCS; our ARP frames are padded to it
 * with zeros so no stale buffer bytes reach the wire. */
#define NET_ETH_FRAME_MIN 60u

/** What the Ethernet parser learned about an accepted frame. */
struct net_eth_repr {
	uint16_t ethertype;      /**< host order: IPv4 or ARP */
	bool link_bcast;         /**< sent to ff:ff:ff:ff:ff:ff */
};

/** An accepted IPv4 header. */
struct net_ipv4_repr {
	rte_be32_t src;
	rte_be32_t dst;
	uint16_t hdr_len;        /**< bytes, options included */
	uint16_t total_len;      /**< bytes, header included */
	uint8_t proto;
};

/** How the IPv4 header checksum is to be treated. */
enum net_cksum_mode {
	NET_CKSUM_VERIFY,        /**< compute it in software */
	NET_CKSUM_GOOD,          /**< the port verified it */
	NET_CKSUM_BAD,           /**< the port found it wrong */
};

/** An accepted ARP packet (IPv4 over Ethernet). */
struct net_arp_repr {
	uint16_t op;             /**< host order: request or reply */
	struct rte_ether_addr sha;
	struct rte_ether_addr tha;
	rte_be32_t sip;
	rte_be32_t tip;
};

/** An accepted ICMP header (checksum checked separately). */
struct net_icmp_repr {
	uint8_t type;
	uint8_t code;
};

/* net_parse.c: pure, no EAL, no mbuf. */

/**
 * Ethernet II: @p frame has @p seg_len readable bytes, the whole frame
 * @p pkt_len. @p ol_flags are the mbuf's RX flags (VLAN stripping).
 */
tern_stat_t net_eth_parse(const void *frame, uint32_t seg_len,
			  uint32_t pkt_len, uint64_t ol_flags,
			  const struct tern_if_conf *ifc,
			  struct net_eth_repr *r);

/**
 * IPv4 header syntax: @p l3 has @p seg_len readable bytes; the frame
 * carries @p l3_len bytes from @p l3 on (so total length may be less:
 * Ethernet padding). Addresses are not judged here.
 */
tern_stat_t net_ipv4_parse(const void *l3, uint32_t seg_len,
			   uint32_t l3_len, enum net_cksum_mode cksum,
			   struct net_ipv4_repr *r);

/**
 * IPv4 addresses: destination ours (and not by link broadcast), source
 * a possible unicast peer.
 */
tern_stat_t net_ipv4_check_addrs(const struct net_ipv4_repr *r,
				 const struct tern_if_conf *ifc,
				 bool link_bcast);

/** True for 0, 255.255.255.255, multicast, loopback or our subnet's
 * broadcast: addresses no peer may use as its own. */
bool net_ipv4_addr_is_martian(rte_be32_t addr,
			      const struct tern_if_conf *ifc);

/** ARP packet at @p l3 (@p seg_len readable, @p l3_len in the frame). */
tern_stat_t net_arp_parse(const void *l3, uint32_t seg_len,
			  uint32_t l3_len, const struct tern_if_conf *ifc,
			  struct net_arp_repr *r);

/** ICMP header at @p l4: @p seg_len readable, message @p icmp_len. */
tern_stat_t net_icmp_parse(const void *l4, uint32_t seg_len,
			   uint32_t icmp_len, struct net_icmp_repr *r);

/**
 * The datagram an ICMP error (type 3, 11 or 12, already parsed into
 * @p r) quotes: an IPv4 header and at least the first 8 bytes of a TCP
 * header (RFC 792), from one of our addresses. @p l4 is the ICMP
 * message, @p seg_len bytes of it readable, @p icmp_len long.
 * @return NET_ACCEPT with @p e filled; IcmpInBadQuote (truncated,
 *   malformed, or not sent by us); IcmpInUnhandled (not TCP).
 */
tern_stat_t net_icmp_err_parse(const void *l4, uint32_t seg_len,
			       uint32_t icmp_len,
			       const struct net_icmp_repr *r,
			       const struct tern_if_conf *ifc,
			       struct tern_icmp_err *e);

/* tern_ipv4.c */

/** What IPv4 input did with a datagram. */
enum net_l4 {
	NET_L4_DROPPED,          /**< freed and counted */
	NET_L4_TCP,              /**< data at TCP header, l2/l3_len set */
	NET_L4_ICMP,             /**< data at ICMP header, l2/l3_len set */
};

/** Validate the IPv4 datagram in frame @p m (data at Ethernet). */
enum net_l4 net_ipv4_input(struct tern_ctx *ctx, struct rte_mbuf *m,
			   const struct net_eth_repr *eth);

/* tern_icmp.c */

/**
 * ICMP message @p m from net_ipv4_input(); takes ownership. An error
 * about a TCP segment of ours goes to @p errs (NULL: dropped, counted).
 */
void net_icmp_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		    struct tern_icmp_errs *errs);

/* tern_arp.c */

/** ARP frame @p m (data at Ethernet); takes ownership. */
void net_arp_input(struct tern_ctx *ctx, struct rte_mbuf *m);

/**
 * Send frame @p m (complete but for the destination MAC) to the on-link
 * neighbour @p nexthop: now if resolved, else parked. Takes ownership.
 * @return 0; -ENOBUFS (dropped and counted).
 */
int net_neigh_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		     rte_be32_t nexthop);

/** Set the table empty with default timers. */
void net_arp_init(struct tern_ctx *ctx);

/** Free the packets still parked (counted) and empty the table. */
void net_arp_fini(struct tern_ctx *ctx);

/** Retries and aging due at ctx->now_ns. */
void net_arp_poll(struct tern_ctx *ctx);

#endif /* NET_PRIV_H */
