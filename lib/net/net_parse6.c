/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pure parsers of IPv6, its extension headers, ICMPv6 and Neighbour
 * Discovery: bytes and lengths in, a representation or a drop reason
 * out, reading only bytes proven to be within seg_len (net_parse.c's
 * rules). The order of the checks is Linux's, so that one frame lands
 * in the same Ip6* counter on both stacks.
 */
#include <string.h>

#include <rte_ip.h>

#include "net_priv.h"

/* Next header values of RFC 8200 4 and the IANA registry. */
enum {
	NH_HOP = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_NONE = 59,
	NH_DSTOPTS = 60,
};

/* Option types of RFC 8200 4.2 that tern knows. */
enum {
	OPT_PAD1 = 0,
	OPT_PADN = 1,
	OPT_ROUTER_ALERT = 5,   /* RFC 2711, hop-by-hop: MLD carries it */
};

/* Neighbour Discovery option types (RFC 4861 4.6) */
enum {
	ND_OPT_SLLA = 1,
	ND_OPT_TLLA = 2,
};

#define ND_TYPE_NS 135
#define ND_TYPE_NA 136
#define ND_NA_FLAG_R 0x80
#define ND_NA_FLAG_S 0x40
#define ND_NA_FLAG_O 0x20

static tern_stat_t
ext_param_problem(struct net_ipv6_repr *r, uint8_t code, uint32_t ptr)
{
	r->pp_code = code;
	r->pp_ptr = (uint16_t)ptr;
	return code == 1 ? TERN_STAT_IP6_IN_UNKNOWN_PROTO :
			   TERN_STAT_IP6_IN_HDR_ERRORS;
}

/*
 * The TLV options of a hop-by-hop or destination options header of
 * @p len bytes at @p off (all within the first segment). An unknown
 * type is skipped or refused per its two high bits; only the refusals
 * with bit 0x80 set ask for a parameter problem (code 2), and with
 * 0xc0 only to a unicast destination.
 */
static tern_stat_t
ext_parse_options(const uint8_t *l3, uint32_t off, uint32_t len,
		  bool hop_by_hop, struct net_ipv6_repr *r)
{
	uint32_t i = off + 2, end = off + len;

	while (i < end) {
		uint8_t type = l3[i];
		uint32_t opt_len;

		if (type == OPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > end)
			return TERN_STAT_IP6_IN_HDR_ERRORS;
		opt_len = 2u + l3[i + 1];
		if (i + opt_len > end)
			return TERN_STAT_IP6_IN_HDR_ERRORS;
		if (type != OPT_PADN &&
		    !(type == OPT_ROUTER_ALERT && hop_by_hop)) {
			switch (type >> 6) {
			case 0:
				break;
			case 1:
				return TERN_STAT_IP6_IN_HDR_ERRORS;
			case 3:
				if (tern_ip6_is_multicast(&r->dst))
					return TERN_STAT_IP6_IN_HDR_ERRORS;
				/* fall through */
			default:
				return ext_param_problem(r, 2, i);
			}
		}
		i += opt_len;
	}
	return NET_ACCEPT;
}

/*
 * One extension header of type @p nh at @p off; on acceptance its length
 * in @p hlen. @p nh_ptr is where the next-header field naming it sits
 * (the pointer of a parameter problem about the type itself).
 */
static tern_stat_t
ext_parse_one(const uint8_t *l3, uint32_t seg_len, uint32_t ip_len,
	      uint8_t nh, uint32_t off, uint32_t nh_ptr,
	      struct net_ipv6_repr *r, uint32_t *hlen)
{
	uint16_t frag;

	if (off + 8 > ip_len)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	if (off + 8 > seg_len)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	*hlen = nh == NH_FRAGMENT ? 8u : (l3[off + 1] + 1u) * 8u;
	if (off + *hlen > ip_len)
		return TERN_STAT_IP6_IN_HDR_ERRORS;
	if (off + *hlen > seg_len)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	switch (nh) {
	case NH_HOP:
		/* RFC 8200 4.1: only right after the fixed header. */
		if (off != NET_IPV6_HLEN)
			return ext_param_problem(r, 1, nh_ptr);
		return ext_parse_options(l3, off, *hlen, true, r);
	case NH_DSTOPTS:
		return ext_parse_options(l3, off, *hlen, false, r);
	case NH_ROUTING:
		/* We route nothing: a header with segments left (RH0 or any
		 * other type, RFC 5095 3) is refused, pointing at the field;
		 * one with none left is ignored (RFC 8200 4.4). */
		if (l3[off + 3] != 0)
			return ext_param_problem(r, 0, off + 2);
		return NET_ACCEPT;
	case NH_FRAGMENT:
		/* An atomic fragment (offset 0, no more) is a whole
		 * datagram (RFC 6946); any other needs reassembly. */
		frag = (uint16_t)(l3[off + 2] << 8 | l3[off + 3]);
		if ((frag & 0xfff9u) != 0)
			return TERN_STAT_IP6_IN_FRAGMENTS;
		return NET_ACCEPT;
	}
	return TERN_STAT_IP6_IN_UNKNOWN_PROTO;
}

static bool
ext_is_extension(uint8_t nh)
{
	return nh == NH_HOP || nh == NH_DSTOPTS || nh == NH_ROUTING ||
	       nh == NH_FRAGMENT;
}

tern_stat_t
net_ipv6_parse_ext_walk(const void *l3, uint32_t seg_len,
			struct net_ipv6_repr *r)
{
	const uint8_t *p = l3;
	uint32_t ip_len = NET_IPV6_HLEN + (uint32_t)r->payload_len;
	uint32_t off = NET_IPV6_HLEN;
	uint32_t nh_ptr = 6;            /* the fixed header's next header */
	uint8_t nh = r->next_hdr;
	unsigned int n;

	for (n = 0; ext_is_extension(nh); n++) {
		tern_stat_t verdict;
		uint32_t hlen;

		if (n == NET_IPV6_EXT_MAX)
			return TERN_STAT_IP6_IN_EXT_LIMIT;
		verdict = ext_parse_one(p, seg_len, ip_len, nh, off, nh_ptr, r,
					&hlen);
		if (verdict != NET_ACCEPT)
			return verdict;
		nh_ptr = off;
		nh = p[off];
		off += hlen;
	}
	if (nh == NH_NONE)
		return TERN_STAT_IP6_IN_NO_NEXT_HDR;
	r->proto = nh;
	r->l4_off = (uint16_t)off;
	if (nh != IPPROTO_ICMPV6 && nh != IPPROTO_TCP)
		return ext_param_problem(r, 1, nh_ptr);
	return NET_ACCEPT;
}

tern_stat_t
net_icmp6_parse(const void *l4, uint32_t seg_len, uint32_t len,
		struct net_icmp_repr *r)
{
	const uint8_t *p = l4;

	if (len < NET_ICMP6_HLEN)
		return TERN_STAT_ICMP6_IN_ERRORS;
	if (seg_len < NET_ICMP6_HLEN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	r->type = p[0];
	r->code = p[1];
	return NET_ACCEPT;
}

/* The options after the fixed NS/NA part: each of non-zero length and
 * within the message (RFC 4861 7.1.1); the link-layer address option
 * the message may carry is taken, others skipped (4.6). */
static tern_stat_t
nd_parse_options(const uint8_t *p, uint32_t len, struct net_nd_repr *nd)
{
	uint8_t lla_type = nd->type == ND_TYPE_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
	uint32_t off = NET_ND_NS_LEN;

	nd->has_lla = false;
	while (off < len) {
		uint32_t opt_len;

		if (off + 2 > len || p[off + 1] == 0)
			return TERN_STAT_ND_DROP_BAD_OPTION;
		opt_len = p[off + 1] * 8u;
		if (off + opt_len > len)
			return TERN_STAT_ND_DROP_BAD_OPTION;
		if (p[off] == lla_type) {
			/* Ethernet's: 6 bytes, one 8-byte unit (RFC 2464). */
			if (opt_len != 8)
				return TERN_STAT_ND_DROP_BAD_OPTION;
			if (!nd->has_lla)
				memcpy(&nd->lla, p + off + 2, 6);
			nd->has_lla = true;
		}
		off += opt_len;
	}
	return NET_ACCEPT;
}

tern_stat_t
net_nd_parse(const void *l4, uint32_t seg_len, uint32_t len,
	     const struct net_ipv6_repr *ip, struct net_nd_repr *nd)
{
	const uint8_t *p = l4;
	struct tern_ip6 group;
	tern_stat_t verdict;

	if (ip->hop_limit != NET_ND_HOP_LIMIT)
		return TERN_STAT_ND_DROP_HOP_LIMIT;
	if (len < NET_ND_NS_LEN || p[1] != 0)
		return TERN_STAT_ND_DROP_MALFORMED;
	/* Options are read in place: the whole message must be there. */
	if (seg_len < len)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	nd->type = p[0];
	nd->router = (p[4] & ND_NA_FLAG_R) != 0;
	nd->solicited = (p[4] & ND_NA_FLAG_S) != 0;
	nd->override = (p[4] & ND_NA_FLAG_O) != 0;
	memcpy(nd->target.b, p + 8, 16);
	if (tern_ip6_is_multicast(&nd->target))
		return TERN_STAT_ND_DROP_MALFORMED;
	verdict = nd_parse_options(p, len, nd);
	if (verdict != NET_ACCEPT)
		return verdict;
	if (nd->has_lla && !rte_is_valid_assigned_ether_addr(&nd->lla))
		return TERN_STAT_ND_DROP_BAD_OPTION;
	if (nd->type == ND_TYPE_NA)
		return nd->solicited && tern_ip6_is_multicast(&ip->dst) ?
		       TERN_STAT_ND_DROP_MALFORMED : NET_ACCEPT;
	if (!tern_ip6_is_unspec(&ip->src))
		return NET_ACCEPT;
	/* A DAD probe (RFC 4862 5.4.2): to the target's solicited-node
	 * group, without a source link-layer address (RFC 4861 7.1.1). */
	tern_ip6_solicited_node(&nd->target, &group);
	if (nd->has_lla || !tern_ip6_eq(&ip->dst, &group))
		return TERN_STAT_ND_DROP_BAD_SOURCE;
	return NET_ACCEPT;
}
