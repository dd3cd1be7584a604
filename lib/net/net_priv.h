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
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_ctx.h"
#include "tern_arp.h"
#include "tern_ip6.h"
#include "tern_nd.h"
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

#define NET_IPV6_HLEN 40u
/* Extension headers walked before the upper layer: more is refused
 * (Ip6InExtHdrLimit), so a chain of tiny headers cannot make one frame
 * cost unbounded work. RFC 8200 4.1 recommends at most one of each
 * kind (two destination options): 8 leaves room beyond that. */
#define NET_IPV6_EXT_MAX 8u
#define NET_ICMP6_HLEN 4u         /**< type, code, checksum */
#define NET_ND_NS_LEN 24u         /**< NS/NA without options */
#define NET_ND_HOP_LIMIT 255u     /**< RFC 4861 7.1: on-link only */
/* ICMPv6 errors per lcore (RFC 4443 2.4(f)): a token bucket of
 * Linux's global defaults, icmp_msgs_per_sec 1000 and burst 50. */
#define NET_ICMP6_ERR_BURST 50u
#define NET_ICMP6_ERR_TOKEN_NS 1000000u   /**< one token per ms */
/** No ICMPv6 parameter problem is due (net_ipv6_repr.pp_code). */
#define NET_PP_NONE UINT8_MAX

/** What the Ethernet parser learned about an accepted frame. */
struct net_eth_repr {
	uint16_t ethertype;      /**< host order: IPv4, ARP or IPv6 */
	bool link_bcast;         /**< sent to ff:ff:ff:ff:ff:ff (an IPv6
				      group's 33:33:... frames are let
				      through for IPv6 to judge) */
};

/** An accepted IPv6 header and the walk of its extension headers. */
struct net_ipv6_repr {
	struct tern_ip6 src;
	struct tern_ip6 dst;
	uint32_t tc_flow;        /**< host order: traffic class << 20 |
				      flow label */
	uint16_t payload_len;    /**< bytes after the fixed header */
	uint16_t l4_off;         /**< upper-layer header, from the IPv6
				      header (set by net_ipv6_parse_ext) */
	uint8_t next_hdr;        /**< of the fixed header */
	uint8_t proto;           /**< upper layer (net_ipv6_parse_ext) */
	uint8_t hop_limit;
	uint8_t pp_code;         /**< refused: the ICMPv6 parameter
				      problem code due, or NET_PP_NONE */
	uint16_t pp_ptr;         /**< its pointer, from the IPv6 header */
};

/** An accepted Neighbour Solicitation or Advertisement. */
struct net_nd_repr {
	uint8_t type;            /**< 135 NS or 136 NA */
	bool router;             /**< NA R flag */
	bool solicited;          /**< NA S flag */
	bool override;           /**< NA O flag */
	bool has_lla;            /**< source (NS) or target (NA) link-layer
				      address option present */
	struct rte_ether_addr lla;
	struct tern_ip6 target;
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

/*
 * Pure parsers, no EAL, no mbuf (net_parse.c, and inline here the ones
 * every frame or segment passes: Ethernet, the IPv4 header and
 * addresses, the martian test of output too -- a call and a
 * representation passed through memory cost more than their checks,
 * issue 11).
 */

/* An IPv6 group's frame (33:33:..., RFC 2464 7) while IPv6 is on: IPv6
 * input takes those of the groups it joined. */
static inline bool
net_eth_is_ip6_group(const struct rte_ether_hdr *eh,
		     const struct tern_if_conf *ifc)
{
	return eh->dst_addr.addr_bytes[0] == 0x33 &&
	       eh->dst_addr.addr_bytes[1] == 0x33 &&
	       eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
	       !tern_ip6_is_unspec(&ifc->ip6);
}

/**
 * Ethernet II: @p frame has @p seg_len readable bytes, the whole frame
 * @p pkt_len. @p ol_flags are the mbuf's RX flags (VLAN stripping).
 * Inline: every frame in passes here (issue 11).
 */
static inline tern_stat_t
net_eth_parse(const void *frame, uint32_t seg_len, uint32_t pkt_len,
	      uint64_t ol_flags, const struct tern_if_conf *ifc,
	      struct net_eth_repr *r)
{
	const struct rte_ether_hdr *eh = frame;
	uint16_t type;

	if (pkt_len < NET_ETH_HLEN)
		return TERN_STAT_ETH_DROP_RUNT;
	if (seg_len < NET_ETH_HLEN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	if (pkt_len > (uint32_t)ifc->mtu + NET_ETH_HLEN)
		return TERN_STAT_ETH_DROP_OVERSIZE;

	r->link_bcast = rte_is_broadcast_ether_addr(&eh->dst_addr);
	if (!r->link_bcast) {
		if (unlikely(rte_is_multicast_ether_addr(&eh->dst_addr))) {
			if (!net_eth_is_ip6_group(eh, ifc))
				return TERN_STAT_ETH_DROP_MULTICAST;
		} else if (!rte_is_same_ether_addr(&eh->dst_addr,
						   &ifc->mac)) {
			return TERN_STAT_ETH_DROP_FOREIGN;
		}
	}
	/* A port with VLAN stripping on hands us untagged-looking frames
	 * that belong to some VLAN: they are not ours either. */
	if ((ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED |
			 RTE_MBUF_F_RX_QINQ_STRIPPED)) != 0)
		return TERN_STAT_ETH_DROP_VLAN;

	type = rte_be_to_cpu_16(eh->ether_type);
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
	case RTE_ETHER_TYPE_ARP:
		r->ethertype = type;
		return NET_ACCEPT;
	case RTE_ETHER_TYPE_IPV6:
		/* IPv6 is off until an address is configured. */
		if (tern_ip6_is_unspec(&ifc->ip6))
			return TERN_STAT_ETH_DROP_ETHERTYPE;
		r->ethertype = type;
		return NET_ACCEPT;
	case RTE_ETHER_TYPE_VLAN:
	case RTE_ETHER_TYPE_QINQ:
	case RTE_ETHER_TYPE_QINQ1:
	case RTE_ETHER_TYPE_QINQ2:
	case RTE_ETHER_TYPE_QINQ3:
		return TERN_STAT_ETH_DROP_VLAN;
	default:
		return TERN_STAT_ETH_DROP_ETHERTYPE;
	}
}

/* Length checks in the order Linux's ip_rcv_core() makes them, so the
 * same frame lands in the same MIB counter on both stacks. */
static inline tern_stat_t
net_ipv4_check_lengths(const struct rte_ipv4_hdr *ih, uint32_t seg_len,
		   uint32_t l3_len, struct net_ipv4_repr *r)
{
	if (l3_len < NET_IPV4_HLEN_MIN)
		return TERN_STAT_IP_IN_HDR_ERRORS;
	if (seg_len < NET_IPV4_HLEN_MIN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	if ((ih->version_ihl >> 4) != 4)
		return TERN_STAT_IP_IN_HDR_ERRORS;
	r->hdr_len = (uint16_t)((ih->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
				RTE_IPV4_IHL_MULTIPLIER);
	if (r->hdr_len < NET_IPV4_HLEN_MIN || r->hdr_len > l3_len)
		return TERN_STAT_IP_IN_HDR_ERRORS;
	if (r->hdr_len > seg_len)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	r->total_len = rte_be_to_cpu_16(ih->total_length);
	if (r->total_len < r->hdr_len)
		return TERN_STAT_IP_IN_HDR_ERRORS;
	if (r->total_len > l3_len)
		return TERN_STAT_IP_IN_TRUNCATED;
	return NET_ACCEPT;
}

/**
 * IPv4 header syntax: @p l3 has @p seg_len readable bytes; the frame
 * carries @p l3_len bytes from @p l3 on (so total length may be less:
 * Ethernet padding). Addresses are not judged here.
 */
static inline tern_stat_t
net_ipv4_parse(const void *l3, uint32_t seg_len, uint32_t l3_len,
	       enum net_cksum_mode cksum, struct net_ipv4_repr *r)
{
	const struct rte_ipv4_hdr *ih = l3;
	tern_stat_t verdict;

	verdict = net_ipv4_check_lengths(ih, seg_len, l3_len, r);
	if (verdict != NET_ACCEPT)
		return verdict;
	if (cksum == NET_CKSUM_BAD)
		return TERN_STAT_IP_IN_CSUM_ERRORS;
	/* The one's complement sum of a correct header, its checksum
	 * included, is all ones. */
	if (cksum == NET_CKSUM_VERIFY &&
	    rte_raw_cksum(ih, r->hdr_len) != 0xffff)
		return TERN_STAT_IP_IN_CSUM_ERRORS;
	if ((rte_be_to_cpu_16(ih->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return TERN_STAT_IP_IN_FRAGMENTS;
	if (ih->time_to_live == 0)
		return TERN_STAT_IP_IN_HDR_ERRORS;
	r->src = ih->src_addr;
	r->dst = ih->dst_addr;
	r->proto = ih->next_proto_id;
	return NET_ACCEPT;
}

/*
 * True for 0, 255.255.255.255, multicast, loopback or our subnet's
 * broadcast: addresses no peer may use as its own.
 * Tested in network byte order (masks and compares do not care which),
 * once per segment in and out: only the rare candidate for the subnet
 * broadcast converts its mask.
 */
static inline bool
net_ipv4_addr_is_martian(rte_be32_t addr, const struct tern_if_conf *ifc)
{
	rte_be32_t mask = ifc->netmask;

	if (addr == 0 || addr == UINT32_MAX)
		return true;
	if ((addr & RTE_BE32(0xf0000000)) == RTE_BE32(0xe0000000))
		return true;    /* 224.0.0.0/4 */
	if ((addr & RTE_BE32(0xff000000)) == RTE_BE32(0x7f000000))
		return true;    /* 127.0.0.0/8 */
	if ((addr | mask) != UINT32_MAX || ((addr ^ ifc->ip) & mask) != 0)
		return false;
	/* All host bits set in our subnet: its broadcast address, except
	 * in a /31 or /32, which have none (RFC 3021). */
	return (~rte_be_to_cpu_32(mask) >> 1) != 0;
}

/**
 * IPv4 addresses: destination ours (and not by link broadcast), source
 * a possible unicast peer.
 */
static inline tern_stat_t
net_ipv4_check_addrs(const struct net_ipv4_repr *r,
		     const struct tern_if_conf *ifc, bool link_bcast)
{
	if (!tern_ifc_is_ours(ifc, r->dst))
		return TERN_STAT_IP_IN_ADDR_ERRORS;
	if (link_bcast)
		return TERN_STAT_IP_IN_LINK_BCAST;
	if (tern_ifc_is_ours(ifc, r->src) ||
	    net_ipv4_addr_is_martian(r->src, ifc))
		return TERN_STAT_IP_IN_BAD_SRC;
	return NET_ACCEPT;
}

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
/* net_parse6.c and here (inline, as IPv4's: called per frame): pure, no
 * EAL, no mbuf. */

/**
 * The fixed IPv6 header at @p l3 (@p seg_len readable, @p l3_len in the
 * frame), checked in the order of Linux's ip6_rcv_core(): length,
 * version, loopback, multicast scopes 0 and 1, multicast source,
 * payload length (a jumbogram is refused).
 */
static inline tern_stat_t
net_ipv6_parse(const void *l3, uint32_t seg_len, uint32_t l3_len,
	       struct net_ipv6_repr *r)
{
	const struct rte_ipv6_hdr *ih = l3;
	uint32_t vtc_flow;

	r->pp_code = NET_PP_NONE;
	r->pp_ptr = 0;
	if (l3_len < NET_IPV6_HLEN)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	if (seg_len < NET_IPV6_HLEN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	vtc_flow = rte_be_to_cpu_32(ih->vtc_flow);
	if ((vtc_flow >> 28) != 6)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	memcpy(r->src.b, ih->src_addr, 16);
	memcpy(r->dst.b, ih->dst_addr, 16);
	/* RFC 4291 2.5.3: loopback never appears on a link. */
	if (tern_ip6_is_loopback(&r->src) || tern_ip6_is_loopback(&r->dst))
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	/* RFC 4291 2.7: scope 1 stays in the node, scope 0 is reserved. */
	if (tern_ip6_is_multicast(&r->dst) &&
	    tern_ip6_mc_scope(&r->dst) <= 1)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	if (tern_ip6_is_multicast(&r->src))
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	r->payload_len = rte_be_to_cpu_16(ih->payload_len);
	r->next_hdr = ih->proto;
	/* Payload length 0 before a hop-by-hop header announces a
	 * jumbogram (RFC 2675): not supported. */
	if (r->payload_len == 0 && r->next_hdr == 0 /* hop-by-hop */)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	if (NET_IPV6_HLEN + (uint32_t)r->payload_len > l3_len)
		return TERN_STAT_IP6_IN_TRUNCATED;
	r->hop_limit = ih->hop_limits;
	r->tc_flow = vtc_flow & 0x0fffffffu;
	return NET_ACCEPT;
}

/**
 * Walk the extension headers after the fixed header (net_ipv6_parse()
 * accepted @p l3), at most NET_IPV6_EXT_MAX of them, to the upper
 * layer: sets r->proto and r->l4_off. Hop-by-hop options only first;
 * options with an unknown type handled by its two high bits (RFC 8200
 * 4.2); a routing header with segments left refused, type 0 included
 * (RFC 5095), one without skipped; a fragment refused unless atomic
 * (RFC 6946). A refusal that RFC 8200 answers with a parameter problem
 * sets r->pp_code and r->pp_ptr.
 */
tern_stat_t net_ipv6_parse_ext_walk(const void *l3, uint32_t seg_len,
				    struct net_ipv6_repr *r);

/** As net_ipv6_parse_ext_walk(), which it is, inline when the fixed
 * header carries TCP or ICMPv6 directly (no extension header). */
static inline tern_stat_t
net_ipv6_parse_ext(const void *l3, uint32_t seg_len, struct net_ipv6_repr *r)
{
	if (r->next_hdr == IPPROTO_TCP || r->next_hdr == IPPROTO_ICMPV6) {
		r->proto = r->next_hdr;
		r->l4_off = NET_IPV6_HLEN;
		return NET_ACCEPT;
	}
	return net_ipv6_parse_ext_walk(l3, seg_len, r);
}

/** ICMPv6 header at @p l4: @p seg_len readable, message @p len. */
tern_stat_t net_icmp6_parse(const void *l4, uint32_t seg_len, uint32_t len,
			    struct net_icmp_repr *r);

/**
 * An NS or NA (checksum already verified) carried in the datagram @p ip,
 * validated as RFC 4861 7.1.1 / 7.1.2 require: hop limit 255, code 0,
 * length, target not multicast, every option of non-zero length within
 * the message, link-layer address options of Ethernet's size, no source
 * link-layer address from the unspecified address, DAD probes only to
 * the solicited-node group, no S flag to a multicast destination.
 */
tern_stat_t net_nd_parse(const void *l4, uint32_t seg_len, uint32_t len,
			 const struct net_ipv6_repr *ip,
			 struct net_nd_repr *nd);

/* tern_ipv6.c */

/** Validate the IPv6 datagram in frame @p m (data at Ethernet). */
enum net_l4 net_ipv6_input(struct tern_ctx *ctx, struct rte_mbuf *m,
			   const struct net_eth_repr *eth);

/**
 * Prepend IPv6 (@p hop_limit, @p tc_flow) and Ethernet headers (all but
 * the destination MAC) to the L4 packet @p m and fill its TCP or ICMPv6
 * checksum.
 * @return 0; -ENOBUFS no headroom (@p m freed and counted).
 */
int net_ipv6_prepend(struct tern_ctx *ctx, struct rte_mbuf *m,
		     const struct tern_ip6 *src, const struct tern_ip6 *dst,
		     uint8_t proto, uint8_t hop_limit, uint32_t tc_flow);

/** Is @p a one of our usable (preferred) addresses? Inline: IPv6 input
 * asks for every frame. */
static inline bool
net_ip6_is_ours(const struct tern_ctx *ctx, const struct tern_ip6 *a)
{
	const struct tern_nd_table *nd = ctx->nd;

	for (unsigned int i = 0; i < TERN_ND_ADDR_MAX; i++)
		if (nd->addr_state[i] == TERN_ND_ADDR_PREFERRED &&
		    tern_ip6_eq(a, &nd->addr[i]))
			return true;
	return false;
}

/**
 * May a TCP segment come from @p a: neither unspecified, loopback nor
 * multicast, nor one of our addresses in any state (tentative and
 * duplicate ones too)? As the general input path judges a source.
 */
static inline bool
net_ip6_tcp_src_ok(const struct tern_ctx *ctx, const struct tern_ip6 *a)
{
	const struct tern_nd_table *nd = ctx->nd;

	if (tern_ip6_is_unspec(a) || tern_ip6_is_loopback(a) ||
	    tern_ip6_is_multicast(a))
		return false;
	for (unsigned int i = 0; i < TERN_ND_ADDR_MAX; i++)
		if (nd->addr_state[i] != TERN_ND_ADDR_NONE &&
		    tern_ip6_eq(a, &nd->addr[i]))
			return false;
	return true;
}

/**
 * Our source address for @p dst (RFC 6724, reduced to our two): the
 * link-local one for link-local and link-scope multicast destinations,
 * else the global one. NULL when that address is not usable.
 */
const struct tern_ip6 *net_ip6_source_for(const struct tern_ctx *ctx,
					  const struct tern_ip6 *dst);

/* tern_icmp6.c */

/** ICMPv6 message @p m from net_ipv6_input(); takes ownership. */
void net_icmp6_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		     struct tern_icmp_errs *errs);

/**
 * Send an ICMPv6 error about the datagram in frame @p m (data at
 * Ethernet; not consumed), within the rate limit and never about an
 * error, a multicast destination (but for @p may_mcast) or an
 * unspecified or multicast source (RFC 4443 2.4).
 */
void net_icmp6_error(struct tern_ctx *ctx, const struct rte_mbuf *m,
		     const struct net_ipv6_repr *r, uint8_t type,
		     uint8_t code, uint32_t pointer, bool may_mcast);

/* tern_nd.c */

/** NS or NA @p m (data at ICMPv6, l3_len set); takes ownership. */
void net_nd_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		  const struct net_ipv6_repr *ip);

/**
 * Send frame @p m (complete but for the destination MAC) to the on-link
 * neighbour @p nexthop, the next hop to unicast IPv6 destination @p dst:
 * now if its MAC is known (remembering the entry for @p dst,
 * net_nd_last()), else parked. Takes ownership.
 * @return 0; -ENOBUFS (dropped and counted).
 */
int net_nd_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		  const struct tern_ip6 *nexthop, const struct tern_ip6 *dst);

/**
 * Send frame @p m through entry @p e, which net_nd_last() returned but
 * net_nd_is_reachable() did not accept: ND's state machine runs as in
 * net_nd_output() (a STALE or expired entry enters DELAY). Takes
 * ownership.
 */
void net_nd_output_entry(struct tern_ctx *ctx, struct rte_mbuf *m,
			 struct tern_nd_entry *e);

/**
 * The entry of on-link neighbour @p nexthop when a datagram may go to
 * its MAC without a state change (tern_nd_entry_sendable()), else NULL.
 */
const struct tern_nd_entry *net_nd_sendable(const struct tern_ctx *ctx,
					    const struct tern_ip6 *nexthop);

/**
 * The entry (resolved: its MAC is known) the last output to @p dst went
 * through, while no entry has been freed since; else NULL (take the full
 * path: next hop, then net_nd_output()). The next hop depends only on
 * @p dst and our addresses, which do not change while it runs
 * (tern_nd.h).
 */
static inline struct tern_nd_entry *
net_nd_last(const struct tern_ctx *ctx, const struct tern_ip6 *dst)
{
	struct tern_nd_table *tbl = ctx->nd;

	if (tbl->last.gen != tbl->gen || !tern_ip6_eq(&tbl->last.dst, dst))
		return NULL;
	return &tbl->e[tbl->last.idx];
}

/** Is @p e REACHABLE within timeout_ns (output needs no state change)? */
static inline bool
net_nd_is_reachable(const struct tern_ctx *ctx, const struct tern_nd_entry *e)
{
	return e->state == TERN_ND_REACHABLE &&
	       ctx->now_ns - e->confirmed_ns < ctx->arp->timeout_ns;
}

/** Frame @p m out to entry @p e's MAC (known). Takes ownership. */
static inline void
net_nd_xmit(struct tern_ctx *ctx, const struct tern_nd_entry *e,
	    struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	tern_ctx_tx(ctx, m);
}

/** Set up our addresses (DAD pending) and an empty neighbour cache. */
void net_nd_init(struct tern_ctx *ctx);

/** Free the packets still parked (counted) and empty the cache. */
void net_nd_fini(struct tern_ctx *ctx);

/** DAD steps and neighbour timers due at ctx->now_ns (when it has
 * reached ctx->nd->next_due_ns, which ND keeps no later than ARP's
 * next_sweep_ns: tern_net_poll() looks at ND only then). */
void net_nd_poll(struct tern_ctx *ctx);

/** Is @p dst a group we listen to (all-nodes, our solicited-node ones,
 * tentative addresses' included)? */
bool net_nd_is_our_group(const struct tern_ctx *ctx,
			 const struct tern_ip6 *dst);

/* tern_ipv4.c */

/** Cut @p m to @p len bytes (less than pkt_len): Ethernet padding. */
void net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len);

/** What IPv4 input did with a datagram. */
enum net_l4 {
	NET_L4_DROPPED,          /**< freed and counted */
	NET_L4_TCP,              /**< data at TCP header, l2/l3_len set */
	NET_L4_ICMP,             /**< data at ICMP header, l2/l3_len set */
	NET_L4_ICMP6,            /**< data at ICMPv6 header, l2/l3_len set
				      (l3_len: extension headers included) */
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
 * neighbour @p nexthop, the next hop to IPv4 destination @p dst: now if
 * resolved (remembering a fresh entry for @p dst, net_arp_last_fresh()),
 * else parked. Takes ownership.
 * @return 0; -ENOBUFS (dropped and counted).
 */
int net_neigh_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		     rte_be32_t nexthop, rte_be32_t dst);

/**
 * The entry the last output to @p dst went through, while no entry has
 * been freed since and it is still fresh; else NULL (take the full path:
 * next hop, then net_neigh_output()). The next hop depends only on @p dst
 * and the interface's addresses, which do not change while it runs.
 */
static inline const struct tern_arp_entry *
net_arp_last_fresh(const struct tern_ctx *ctx, rte_be32_t dst)
{
	const struct tern_arp_table *tbl = ctx->arp;
	const struct tern_arp_entry *e = &tbl->e[tbl->last.idx];

	if (tbl->last.dst != dst || tbl->last.gen != tbl->gen ||
	    ctx->now_ns - e->confirmed_ns >= tbl->timeout_ns)
		return NULL;
	return e;
}

/**
 * The entry of @p nexthop while resolved and fresh, else NULL: one
 * net_neigh_output() would send through as it is, without a request.
 */
const struct tern_arp_entry *net_arp_fresh(const struct tern_ctx *ctx,
					   rte_be32_t nexthop);

/** Frame @p m out to resolved entry @p e's MAC. Takes ownership. */
static inline void
net_arp_xmit(struct tern_ctx *ctx, const struct tern_arp_entry *e,
	     struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	tern_ctx_tx(ctx, m);
}

/** Set the table empty with default timers. */
void net_arp_init(struct tern_ctx *ctx);

/** Free the packets still parked (counted) and empty the table. */
void net_arp_fini(struct tern_ctx *ctx);

/** Retries and aging due at ctx->now_ns. */
void net_arp_poll(struct tern_ctx *ctx);

#endif /* NET_PRIV_H */
