/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the pure IPv4 / ARP / ICMP and IPv6 / extension
 * header / ICMPv6 / Neighbour Discovery parsers of lib/net (net_parse.c,
 * net_parse6.c) alone, without EAL or a stack: fast, so the campaign
 * tries millions of headers. Input: one control byte, then the frame.
 *
 * The control byte picks how the frame arrives: the length of its first
 * segment (the parsers must refuse a header split across segments
 * rather than read past it), a VLAN-stripped RX flag, and whether the
 * port claims to have checked the IPv4 checksum. The readable bytes are
 * copied into a heap buffer of exactly that size, so ASan reports any
 * read past them. What a parser accepts must satisfy its contract
 * (lengths consistent, a learned ARP sender a valid unicast MAC that is
 * not ours, an accepted IPv4 source not ours nor martian; an accepted
 * IPv6 header of version 6 from a unicast source, its extension headers
 * walked to TCP or ICMPv6 inside the payload, at most 8 of them; an
 * accepted NS or NA from hop limit 255 with a unicast target and any
 * option sized as RFC 4861 says); a violation aborts. Every refusal is a
 * counter: a parser that refuses returns the id of the counter that
 * names the reason, and it must be a valid one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "net_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static __rte_noreturn void
fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_net: %s\n", why);
	abort();
}

/* A refusal must name one of lib/net's counters (net_stats.def). */
static void
check_refusal(tern_stat_t v)
{
	if (v != NET_ACCEPT &&
	    (v <= TERN_STAT_NET_BASE_ || v >= TERN_STAT_NET_END))
		fuzz_fail("a refusal without a counter of lib/net");
}

static void
ifc_init(struct tern_if_conf *ifc, uint8_t ctl)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->mac = (struct rte_ether_addr){{ 0x02, 0, 0, 0, 0, 0x0a }};
	/* 198.18.0.10/24 */
	ifc->ip = rte_cpu_to_be_32(0xc612000a);
	ifc->netmask = rte_cpu_to_be_32((ctl & 0x10) ? 0xfffffffe :
						       0xffffff00);
	ifc->mtu = (ctl & 0x20) ? 576 : 1500;
	if (ctl & 0x40) {
		ifc->extra_ip[0] = rte_cpu_to_be_32(0xc612000b);
		ifc->nb_extra_ip = 1;
	}
	/* 2001:2::a/64 (RFC 5180) */
	ifc->ip6 = (struct tern_ip6){ .b = { 0x20, 0x01, 0x00, 0x02,
					     [15] = 0x0a } };
	ifc->ip6_prefix_len = 64;
}

static void
check_ipv4(const uint8_t *l3, uint32_t seg_len, uint32_t l3_len,
	   const struct tern_if_conf *ifc, bool bcast, uint8_t ctl)
{
	static const enum net_cksum_mode modes[] = {
		NET_CKSUM_VERIFY, NET_CKSUM_VERIFY, NET_CKSUM_GOOD,
		NET_CKSUM_BAD,
	};
	struct net_ipv4_repr r;
	struct net_icmp_repr ir;
	tern_stat_t v;
	uint32_t l4_seg;

	memset(&r, 0, sizeof(r));
	v = net_ipv4_parse(l3, seg_len, l3_len, modes[ctl & 3], &r);
	if (v != NET_ACCEPT)
		return;
	if (r.hdr_len < 20 || r.hdr_len > 60 || r.hdr_len > seg_len ||
	    r.total_len < r.hdr_len || r.total_len > l3_len)
		fuzz_fail("accepted IPv4 header with inconsistent lengths");
	if (modes[ctl & 3] == NET_CKSUM_BAD)
		fuzz_fail("accepted a header the port found corrupt");
	v = net_ipv4_check_addrs(&r, ifc, bcast);
	if (v == NET_ACCEPT &&
	    (!tern_ifc_is_ours(ifc, r.dst) || tern_ifc_is_ours(ifc, r.src) ||
	     net_ipv4_addr_is_martian(r.src, ifc)))
		fuzz_fail("accepted IPv4 addresses it must refuse");
	if (r.proto != IPPROTO_ICMP)
		return;
	l4_seg = seg_len - r.hdr_len;
	if (net_icmp_parse(l3 + r.hdr_len, l4_seg,
			   (uint32_t)(r.total_len - r.hdr_len), &ir) ==
	    NET_ACCEPT && (l4_seg < 8 || r.total_len - r.hdr_len < 8))
		fuzz_fail("accepted a truncated ICMP header");
}

/* An accepted NS or NA meets RFC 4861 7.1.1 / 7.1.2. */
static void
check_nd(const uint8_t *l4, uint32_t seg_len, uint32_t len,
	 const struct net_ipv6_repr *r)
{
	struct tern_ip6 group;
	struct net_nd_repr nd;
	tern_stat_t v;

	memset(&nd, 0, sizeof(nd));
	v = net_nd_parse(l4, seg_len, len, r, &nd);
	check_refusal(v);
	if (v != NET_ACCEPT)
		return;
	if (r->hop_limit != 255)
		fuzz_fail("accepted ND from a hop limit other than 255");
	if (len < 24 || seg_len < len || l4[1] != 0)
		fuzz_fail("accepted a short ND message or a non-zero code");
	if (tern_ip6_is_multicast(&nd.target))
		fuzz_fail("accepted ND for a multicast target");
	if (nd.has_lla && !rte_is_valid_assigned_ether_addr(&nd.lla))
		fuzz_fail("accepted a link-layer address that is no host's");
	for (uint32_t off = 24; off < len; off += l4[off + 1] * 8u)
		if (off + 2 > len || l4[off + 1] == 0 ||
		    off + l4[off + 1] * 8u > len)
			fuzz_fail("accepted an ND option of a bad length");
	if (nd.type == 135 && tern_ip6_is_unspec(&r->src)) {
		tern_ip6_solicited_node(&nd.target, &group);
		if (nd.has_lla || !tern_ip6_eq(&r->dst, &group))
			fuzz_fail("accepted a DAD probe that is not one");
	}
	if (nd.type == 136 && nd.solicited &&
	    tern_ip6_is_multicast(&r->dst))
		fuzz_fail("accepted a solicited NA to a group");
}

static bool
is_ext_header(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

/* Extension headers from the fixed header to @p l4_off, walked again
 * (all inside the first segment: the parser accepted them). */
static unsigned int
ext_count(const uint8_t *l3, uint8_t nh, uint32_t l4_off)
{
	unsigned int n = 0;

	for (uint32_t off = 40; off < l4_off && is_ext_header(nh); n++) {
		uint32_t len = nh == 44 ? 8u : (l3[off + 1] + 1u) * 8u;

		nh = l3[off];
		off += len;
	}
	return n;
}

static void
check_ipv6(const uint8_t *l3, uint32_t seg_len, uint32_t l3_len)
{
	struct net_ipv6_repr r;
	struct net_icmp_repr ir;
	uint32_t ip_len, l4_seg;
	tern_stat_t v;

	memset(&r, 0, sizeof(r));
	v = net_ipv6_parse(l3, seg_len, l3_len, &r);
	check_refusal(v);
	if (v != NET_ACCEPT)
		return;
	ip_len = 40u + r.payload_len;
	if (seg_len < 40 || ip_len > l3_len || l3[0] >> 4 != 6)
		fuzz_fail("accepted an IPv6 header cut short or of another "
			  "version");
	if (tern_ip6_is_multicast(&r.src) || tern_ip6_is_loopback(&r.src) ||
	    tern_ip6_is_loopback(&r.dst))
		fuzz_fail("accepted an IPv6 source or destination it must "
			  "refuse");
	v = net_ipv6_parse_ext(l3, seg_len, &r);
	check_refusal(v);
	if (v != NET_ACCEPT)
		return;
	if (r.l4_off < 40 || r.l4_off > ip_len || r.l4_off > seg_len)
		fuzz_fail("the upper layer starts outside the datagram");
	if (ext_count(l3, r.next_hdr, r.l4_off) > 8 ||
	    is_ext_header(r.proto) ||
	    (r.proto != IPPROTO_TCP && r.proto != IPPROTO_ICMPV6))
		fuzz_fail("an extension header walk that did not end at TCP "
			  "or ICMPv6");
	if (r.proto != IPPROTO_ICMPV6)
		return;
	l4_seg = seg_len - r.l4_off;
	memset(&ir, 0, sizeof(ir));
	v = net_icmp6_parse(l3 + r.l4_off, l4_seg, ip_len - r.l4_off, &ir);
	check_refusal(v);
	if (v != NET_ACCEPT)
		return;
	if (l4_seg < 4 || ip_len - r.l4_off < 4)
		fuzz_fail("accepted a truncated ICMPv6 header");
	if (ir.type == 135 || ir.type == 136)
		check_nd(l3 + r.l4_off, l4_seg, ip_len - r.l4_off, &r);
}

static void
check_arp(const uint8_t *l3, uint32_t seg_len, uint32_t l3_len,
	  const struct tern_if_conf *ifc)
{
	struct net_arp_repr r;

	if (net_arp_parse(l3, seg_len, l3_len, ifc, &r) != NET_ACCEPT)
		return;
	if (seg_len < 28 || l3_len < 28)
		fuzz_fail("accepted a truncated ARP packet");
	if (r.op != 1 && r.op != 2)
		fuzz_fail("accepted an unknown ARP opcode");
	if (!rte_is_valid_assigned_ether_addr(&r.sha) ||
	    rte_is_same_ether_addr(&r.sha, &ifc->mac))
		fuzz_fail("accepted an ARP sender MAC it must refuse");
	if (tern_ifc_is_ours(ifc, r.sip))
		fuzz_fail("accepted an ARP packet claiming our address");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tern_if_conf ifc;
	struct net_eth_repr er;
	uint32_t pkt_len, seg_len;
	uint64_t ol_flags;
	uint8_t ctl, *frame;

	if (size < 1)
		return 0;
	ctl = data[0];
	pkt_len = (uint32_t)(size - 1);
	/* the first segment: all of the frame, or a short prefix of it */
	seg_len = (ctl & 0x80) ? RTE_MIN(pkt_len, (uint32_t)(ctl & 0x3f)) :
				 pkt_len;
	ol_flags = (ctl & 0x08) ? RTE_MBUF_F_RX_VLAN_STRIPPED : 0;
	ifc_init(&ifc, ctl);
	frame = malloc(seg_len == 0 ? 1 : seg_len);
	if (frame == NULL)
		return 0;
	memcpy(frame, data + 1, seg_len);
	memset(&er, 0, sizeof(er));
	if (net_eth_parse(frame, seg_len, pkt_len, ol_flags, &ifc, &er) ==
	    NET_ACCEPT) {
		if (seg_len < 14 || pkt_len > (uint32_t)ifc.mtu + 14u)
			fuzz_fail("accepted a runt or oversized frame");
		if (er.ethertype == RTE_ETHER_TYPE_IPV4)
			check_ipv4(frame + 14, seg_len - 14, pkt_len - 14,
				   &ifc, er.link_bcast, ctl >> 2);
		else if (er.ethertype == RTE_ETHER_TYPE_ARP)
			check_arp(frame + 14, seg_len - 14, pkt_len - 14,
				  &ifc);
		else if (er.ethertype == RTE_ETHER_TYPE_IPV6)
			check_ipv6(frame + 14, seg_len - 14, pkt_len - 14);
		else
			fuzz_fail("accepted an ethertype it does not handle");
	}
	free(frame);
	return 0;
}
