/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pure parsers of the input path: bytes and lengths in, a representation
 * or a drop reason out. Each check reads only bytes it has just proven
 * to be within seg_len; a header that the frame holds but the first
 * segment does not is refused as NET_DROP_HDR_SPLIT (every real PMD puts
 * at least the first 2 KiB of a frame in the first segment). Those of
 * every frame (Ethernet, IPv4) are inline in net_priv.h.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "net_priv.h"

tern_stat_t
net_arp_parse(const void *l3, uint32_t seg_len, uint32_t l3_len,
	      const struct tern_if_conf *ifc, struct net_arp_repr *r)
{
	const struct rte_arp_hdr *ah = l3;

	if (l3_len < NET_ARP_LEN)
		return TERN_STAT_ARP_DROP_MALFORMED;
	if (seg_len < NET_ARP_LEN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	if (ah->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4)
		return TERN_STAT_ARP_DROP_MALFORMED;
	r->op = rte_be_to_cpu_16(ah->arp_opcode);
	if (r->op != RTE_ARP_OP_REQUEST && r->op != RTE_ARP_OP_REPLY)
		return TERN_STAT_ARP_DROP_OPCODE;

	memcpy(&r->sha, &ah->arp_data.arp_sha, sizeof(r->sha));
	memcpy(&r->tha, &ah->arp_data.arp_tha, sizeof(r->tha));
	r->sip = ah->arp_data.arp_sip;
	r->tip = ah->arp_data.arp_tip;

	if (!rte_is_valid_assigned_ether_addr(&r->sha) ||
	    rte_is_same_ether_addr(&r->sha, &ifc->mac))
		return TERN_STAT_ARP_DROP_BAD_SENDER;
	/* Sender 0.0.0.0 is an address probe (RFC 5227): answered, never
	 * learned. Any other martian sender is refused. */
	if (r->sip != 0 && net_ipv4_addr_is_martian(r->sip, ifc))
		return TERN_STAT_ARP_DROP_BAD_SENDER;
	if (tern_ifc_is_ours(ifc, r->sip))
		return TERN_STAT_ARP_DROP_CONFLICT;
	return NET_ACCEPT;
}

tern_stat_t
net_icmp_parse(const void *l4, uint32_t seg_len, uint32_t icmp_len,
	       struct net_icmp_repr *r)
{
	const struct rte_icmp_hdr *icmp = l4;

	if (icmp_len < NET_ICMP_HLEN)
		return TERN_STAT_ICMP_IN_ERRORS;
	if (seg_len < NET_ICMP_HLEN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	r->type = icmp->icmp_type;
	r->code = icmp->icmp_code;
	return NET_ACCEPT;
}

/* The quoted TCP header bytes RFC 792 promises: ports and sequence. */
#define NET_ICMP_QUOTE_L4 8u

tern_stat_t
net_icmp_err_parse(const void *l4, uint32_t seg_len, uint32_t icmp_len,
		   const struct net_icmp_repr *r,
		   const struct tern_if_conf *ifc, struct tern_icmp_err *e)
{
	const uint8_t *icmp = l4;
	const struct rte_ipv4_hdr *ih;
	const uint8_t *th;
	uint32_t ihl;

	if (icmp_len < NET_ICMP_HLEN + NET_IPV4_HLEN_MIN)
		return TERN_STAT_ICMP_IN_BAD_QUOTE;
	if (seg_len < NET_ICMP_HLEN + NET_IPV4_HLEN_MIN)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	ih = (const struct rte_ipv4_hdr *)(icmp + NET_ICMP_HLEN);
	ihl = (uint32_t)(ih->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
	      RTE_IPV4_IHL_MULTIPLIER;
	if ((ih->version_ihl >> 4) != 4 || ihl < NET_IPV4_HLEN_MIN ||
	    icmp_len < NET_ICMP_HLEN + ihl + NET_ICMP_QUOTE_L4)
		return TERN_STAT_ICMP_IN_BAD_QUOTE;
	if (seg_len < NET_ICMP_HLEN + ihl + NET_ICMP_QUOTE_L4)
		return TERN_STAT_NET_DROP_HDR_SPLIT;
	/* An error about a datagram we did not send is forged or lost
	 * its way: nothing of ours to tell. */
	if (!tern_ifc_is_ours(ifc, ih->src_addr))
		return TERN_STAT_ICMP_IN_BAD_QUOTE;
	if (ih->next_proto_id != IPPROTO_TCP)
		return TERN_STAT_ICMP_IN_UNHANDLED;
	th = (const uint8_t *)ih + ihl;
	e->family = AF_INET;
	e->type = r->type;
	e->code = r->code;
	/* RFC 1191 4: the next-hop MTU in the low half of the unused word. */
	e->next_hop_mtu = (uint16_t)((icmp[6] << 8) | icmp[7]);
	if (r->type != TERN_ICMP_DEST_UNREACH)
		e->next_hop_mtu = 0;
	e->quoted_len = rte_be_to_cpu_16(ih->total_length);
	e->quoted_df = (ih->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG))
		       != 0;
	e->src = ih->src_addr;
	e->dst = ih->dst_addr;
	memcpy(&e->sport, th, 2);
	memcpy(&e->dport, th + 2, 2);
	e->seq = ((uint32_t)th[4] << 24) | ((uint32_t)th[5] << 16) |
		 ((uint32_t)th[6] << 8) | th[7];
	return NET_ACCEPT;
}
