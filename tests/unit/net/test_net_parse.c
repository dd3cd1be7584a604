/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure parsers of lib/net on plain heap buffers, no EAL. Every input
 * is copied into a malloc'd buffer of exactly the length the parser is
 * told, so under ASan (the -Db_sanitize=address build) a read one byte
 * past it fails the test.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf_core.h>

#include "net_priv.h"

/* DPDK's RTE_IPV4() shifts an int left by 24: undefined for a first
 * octet >= 128. */
#define IPV4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
	 (uint32_t)(d))

#define OUR_IP RTE_BE32(IPV4(198, 18, 0, 1))
#define PEER_IP RTE_BE32(IPV4(198, 18, 0, 2))

static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 1 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 2 }};

static void
ifc_init(struct tern_if_conf *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->mac = our_mac;
	ifc->ip = OUR_IP;
	ifc->netmask = RTE_BE32(IPV4(255, 255, 255, 0));
	ifc->gateway = RTE_BE32(IPV4(198, 18, 0, 254));
	ifc->mtu = 1500;
}

/* A heap copy of exactly @p len bytes; the caller frees it. */
static uint8_t *
exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

static void
set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
sum16(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* A valid IPv4 header (IHL from ip[0]) with @p payload bytes after it. */
static size_t
ipv4_hdr(uint8_t *ip, uint8_t ihl, size_t payload)
{
	size_t hlen = (size_t)ihl * 4;
	rte_be32_t src = PEER_IP, dst = OUR_IP;

	memset(ip, 0, hlen + payload);
	memset(ip + 20, RTE_IPV4_HDR_OPT_NOP, hlen - 20);
	ip[0] = (uint8_t)(0x40 | ihl);
	set16(ip + 2, (uint16_t)(hlen + payload));
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	set16(ip + 10, (uint16_t)~sum16(ip, hlen));
	return hlen + payload;
}

static void
fix_ip_cksum(uint8_t *ip)
{
	set16(ip + 10, 0);
	set16(ip + 10, (uint16_t)~sum16(ip, (size_t)(ip[0] & 0xf) * 4));
}

static tern_stat_t
ipv4_parse_exact(const uint8_t *ip, size_t seg_len, size_t l3_len,
		 enum net_cksum_mode mode, struct net_ipv4_repr *r)
{
	uint8_t *p = exact(ip, seg_len);
	tern_stat_t v = net_ipv4_parse(p, (uint32_t)seg_len,
				       (uint32_t)l3_len, mode, r);

	free(p);
	return v;
}

static tern_stat_t
ipv4_verdict(const uint8_t *ip, size_t len)
{
	struct net_ipv4_repr r;

	return ipv4_parse_exact(ip, len, len, NET_CKSUM_VERIFY, &r);
}

static tern_stat_t
eth_parse_exact(const uint8_t *f, size_t seg_len, size_t pkt_len,
		uint64_t ol_flags, struct net_eth_repr *r)
{
	struct tern_if_conf ifc;
	uint8_t *p = exact(f, seg_len);
	tern_stat_t v;

	ifc_init(&ifc);
	v = net_eth_parse(p, (uint32_t)seg_len, (uint32_t)pkt_len, ol_flags,
			  &ifc, r);
	free(p);
	return v;
}

static size_t
eth_frame(uint8_t *f, const struct rte_ether_addr *dst, uint16_t type)
{
	memset(f, 0, 60);
	memcpy(f, dst, 6);
	memcpy(f + 6, &peer_mac, 6);
	set16(f + 12, type);
	return 60;
}

static void
test_eth_every_length(void **state)
{
	uint8_t f[60];
	struct net_eth_repr r;

	eth_frame(f, &our_mac, RTE_ETHER_TYPE_IPV4);
	for (size_t l = 0; l <= sizeof(f); l++)
		assert_int_equal(eth_parse_exact(f, l, l, 0, &r),
				 l < 14 ? TERN_STAT_ETH_DROP_RUNT : NET_ACCEPT);
	/* Header beyond the first segment. */
	assert_int_equal(eth_parse_exact(f, 13, 60, 0, &r),
			 TERN_STAT_NET_DROP_HDR_SPLIT);
}

static void
test_eth_classes(void **state)
{
	static const struct rte_ether_addr other = {{ 0x02, 0, 0, 0, 0, 9 }};
	static const struct rte_ether_addr mcast = {{ 0x01, 0, 0x5e, 0, 0,
						      1 }};
	static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff,
						      0xff, 0xff }};
	uint8_t f[60];
	struct net_eth_repr r;

	eth_frame(f, &our_mac, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r), NET_ACCEPT);
	assert_int_equal(r.ethertype, RTE_ETHER_TYPE_IPV4);
	assert_false(r.link_bcast);
	eth_frame(f, &bcast, RTE_ETHER_TYPE_ARP);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r), NET_ACCEPT);
	assert_int_equal(r.ethertype, RTE_ETHER_TYPE_ARP);
	assert_true(r.link_bcast);

	eth_frame(f, &other, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r),
			 TERN_STAT_ETH_DROP_FOREIGN);
	eth_frame(f, &mcast, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r),
			 TERN_STAT_ETH_DROP_MULTICAST);
	eth_frame(f, &our_mac, RTE_ETHER_TYPE_VLAN);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r),
			 TERN_STAT_ETH_DROP_VLAN);
	eth_frame(f, &our_mac, RTE_ETHER_TYPE_QINQ);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r),
			 TERN_STAT_ETH_DROP_VLAN);
	eth_frame(f, &our_mac, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(eth_parse_exact(f, 60, 60,
					 RTE_MBUF_F_RX_VLAN |
					 RTE_MBUF_F_RX_VLAN_STRIPPED, &r),
			 TERN_STAT_ETH_DROP_VLAN);
	eth_frame(f, &our_mac, RTE_ETHER_TYPE_IPV6);
	assert_int_equal(eth_parse_exact(f, 60, 60, 0, &r),
			 TERN_STAT_ETH_DROP_ETHERTYPE);

	/* Size limit: MTU plus the Ethernet header, not one byte more. */
	eth_frame(f, &our_mac, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(eth_parse_exact(f, 60, 1514, 0, &r), NET_ACCEPT);
	assert_int_equal(eth_parse_exact(f, 60, 1515, 0, &r),
			 TERN_STAT_ETH_DROP_OVERSIZE);
}

static void
test_ipv4_every_length(void **state)
{
	uint8_t ip[64];
	size_t total = ipv4_hdr(ip, 5, 12);
	struct net_ipv4_repr r;

	for (size_t l = 0; l < total; l++)
		assert_int_equal(ipv4_verdict(ip, l),
				 l < 20 ? TERN_STAT_IP_IN_HDR_ERRORS :
					  TERN_STAT_IP_IN_TRUNCATED);
	assert_int_equal(ipv4_parse_exact(ip, total, total, NET_CKSUM_VERIFY,
					  &r), NET_ACCEPT);
	assert_int_equal(r.hdr_len, 20);
	assert_int_equal(r.total_len, total);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_int_equal(r.src, PEER_IP);
	assert_int_equal(r.dst, OUR_IP);
	/* Padding after the datagram is fine. */
	assert_int_equal(ipv4_parse_exact(ip, total, total + 20,
					  NET_CKSUM_VERIFY, &r), NET_ACCEPT);
	/* Only the header need be in the first segment. */
	assert_int_equal(ipv4_parse_exact(ip, 20, total, NET_CKSUM_VERIFY,
					  &r), NET_ACCEPT);
	assert_int_equal(ipv4_parse_exact(ip, 19, total, NET_CKSUM_VERIFY,
					  &r), TERN_STAT_NET_DROP_HDR_SPLIT);
}

static void
test_ipv4_ihl(void **state)
{
	uint8_t ip[128];
	size_t total;
	struct net_ipv4_repr r;

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		total = ipv4_hdr(ip, 5, 40);
		ip[0] = (uint8_t)(0x40 | ihl);
		fix_ip_cksum(ip);
		assert_int_equal(ipv4_verdict(ip, total),
				 TERN_STAT_IP_IN_HDR_ERRORS);
	}
	/* Options: every legal IHL, header in exactly-sized buffers. */
	for (uint8_t ihl = 5; ihl <= 15; ihl++) {
		total = ipv4_hdr(ip, ihl, 4);
		assert_int_equal(ipv4_verdict(ip, total), NET_ACCEPT);
		assert_int_equal(ipv4_parse_exact(ip, (size_t)ihl * 4, total,
						  NET_CKSUM_VERIFY, &r),
				 NET_ACCEPT);
		assert_int_equal(r.hdr_len, ihl * 4);
		if (ihl > 5)
			assert_int_equal(
				ipv4_parse_exact(ip, (size_t)ihl * 4 - 1,
						 total, NET_CKSUM_VERIFY, &r),
				TERN_STAT_NET_DROP_HDR_SPLIT);
		/* Header longer than the frame. */
		if (ihl > 5)
			assert_int_equal(ipv4_verdict(ip, (size_t)ihl * 4 - 1),
					 TERN_STAT_IP_IN_HDR_ERRORS);
	}
	/* Header longer than the total length. */
	total = ipv4_hdr(ip, 8, 40);
	set16(ip + 2, 31);
	fix_ip_cksum(ip);
	assert_int_equal(ipv4_verdict(ip, total), TERN_STAT_IP_IN_HDR_ERRORS);
}

static void
test_ipv4_fields(void **state)
{
	uint8_t ip[64], bad[64];
	size_t total = ipv4_hdr(ip, 5, 20);
	struct net_ipv4_repr r;

	memcpy(bad, ip, total);
	bad[0] = 0x65;
	fix_ip_cksum(bad);
	assert_int_equal(ipv4_verdict(bad, total), TERN_STAT_IP_IN_HDR_ERRORS);

	memcpy(bad, ip, total);
	bad[15] ^= 1;
	assert_int_equal(ipv4_verdict(bad, total),
			 TERN_STAT_IP_IN_CSUM_ERRORS);
	assert_int_equal(ipv4_parse_exact(bad, total, total, NET_CKSUM_GOOD,
					  &r), NET_ACCEPT);
	assert_int_equal(ipv4_parse_exact(ip, total, total, NET_CKSUM_BAD,
					  &r), TERN_STAT_IP_IN_CSUM_ERRORS);

	memcpy(bad, ip, total);
	set16(bad + 6, RTE_IPV4_HDR_MF_FLAG);
	fix_ip_cksum(bad);
	assert_int_equal(ipv4_verdict(bad, total), TERN_STAT_IP_IN_FRAGMENTS);
	set16(bad + 6, RTE_IPV4_HDR_OFFSET_MASK);
	fix_ip_cksum(bad);
	assert_int_equal(ipv4_verdict(bad, total), TERN_STAT_IP_IN_FRAGMENTS);
	set16(bad + 6, RTE_IPV4_HDR_DF_FLAG);
	fix_ip_cksum(bad);
	assert_int_equal(ipv4_verdict(bad, total), NET_ACCEPT);

	memcpy(bad, ip, total);
	bad[8] = 0;
	fix_ip_cksum(bad);
	assert_int_equal(ipv4_verdict(bad, total), TERN_STAT_IP_IN_HDR_ERRORS);
}

static tern_stat_t
addrs(uint32_t src, uint32_t dst, bool link_bcast,
      const struct tern_if_conf *ifc)
{
	struct net_ipv4_repr r = {
		.src = rte_cpu_to_be_32(src),
		.dst = rte_cpu_to_be_32(dst),
	};

	return net_ipv4_check_addrs(&r, ifc, link_bcast);
}

static void
test_ipv4_addresses(void **state)
{
	const uint32_t us = IPV4(198, 18, 0, 1);
	const uint32_t peer = IPV4(198, 18, 0, 2);
	static const uint32_t martians[] = {
		0, IPV4(255, 255, 255, 255), IPV4(198, 18, 0, 255),
		IPV4(224, 0, 0, 1), IPV4(239, 1, 2, 3),
		IPV4(127, 0, 0, 1), IPV4(127, 9, 9, 9),
	};
	struct tern_if_conf ifc;

	ifc_init(&ifc);
	assert_int_equal(addrs(peer, us, false, &ifc), NET_ACCEPT);
	assert_int_equal(addrs(IPV4(8, 8, 8, 8), us, false, &ifc),
			 NET_ACCEPT);
	assert_int_equal(addrs(peer, peer, false, &ifc),
			 TERN_STAT_IP_IN_ADDR_ERRORS);
	assert_int_equal(addrs(peer, IPV4(255, 255, 255, 255), false,
			       &ifc), TERN_STAT_IP_IN_ADDR_ERRORS);
	assert_int_equal(addrs(peer, us, true, &ifc),
			 TERN_STAT_IP_IN_LINK_BCAST);
	assert_int_equal(addrs(us, us, false, &ifc), TERN_STAT_IP_IN_BAD_SRC);
	for (unsigned int i = 0; i < RTE_DIM(martians); i++) {
		assert_int_equal(addrs(martians[i], us, false, &ifc),
				 TERN_STAT_IP_IN_BAD_SRC);
		assert_true(net_ipv4_addr_is_martian(
			rte_cpu_to_be_32(martians[i]), &ifc));
	}
	/* Another subnet's .255 is someone's unicast address. */
	assert_int_equal(addrs(IPV4(10, 0, 0, 255), us, false, &ifc),
			 NET_ACCEPT);
	/* /31 and /32 have no broadcast address (RFC 3021). */
	ifc.netmask = RTE_BE32(IPV4(255, 255, 255, 254));
	ifc.ip = RTE_BE32(IPV4(198, 18, 0, 254));
	assert_int_equal(addrs(IPV4(198, 18, 0, 255),
			       IPV4(198, 18, 0, 254), false, &ifc),
			 NET_ACCEPT);
	/* An unconfigured interface owns no address, not even 0. */
	ifc.ip = 0;
	assert_int_equal(addrs(peer, 0, false, &ifc),
			 TERN_STAT_IP_IN_ADDR_ERRORS);
}

static size_t
arp_packet(uint8_t *a, uint16_t op, rte_be32_t sip, rte_be32_t tip)
{
	set16(a, RTE_ARP_HRD_ETHER);
	set16(a + 2, RTE_ETHER_TYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	set16(a + 6, op);
	memcpy(a + 8, &peer_mac, 6);
	memcpy(a + 14, &sip, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, &tip, 4);
	return 28;
}

static tern_stat_t
arp_parse_exact(const uint8_t *a, size_t seg_len, size_t l3_len,
		struct net_arp_repr *r)
{
	struct tern_if_conf ifc;
	uint8_t *p = exact(a, seg_len);
	tern_stat_t v;

	ifc_init(&ifc);
	v = net_arp_parse(p, (uint32_t)seg_len, (uint32_t)l3_len, &ifc, r);
	free(p);
	return v;
}

static void
test_arp(void **state)
{
	uint8_t a[28], b[28];
	size_t len = arp_packet(a, RTE_ARP_OP_REQUEST, PEER_IP, OUR_IP);
	struct net_arp_repr r;
	rte_be32_t ip;

	for (size_t l = 0; l < len; l++)
		assert_int_equal(arp_parse_exact(a, l, l, &r),
				 TERN_STAT_ARP_DROP_MALFORMED);
	assert_int_equal(arp_parse_exact(a, 27, 46, &r),
			 TERN_STAT_NET_DROP_HDR_SPLIT);
	assert_int_equal(arp_parse_exact(a, len, 46, &r), NET_ACCEPT);
	assert_int_equal(r.op, RTE_ARP_OP_REQUEST);
	assert_memory_equal(&r.sha, &peer_mac, 6);
	assert_int_equal(r.sip, PEER_IP);
	assert_int_equal(r.tip, OUR_IP);

	struct {
		unsigned int off;
		uint8_t val;
		tern_stat_t v;
	} pokes[] = {
		{ 1, 6, TERN_STAT_ARP_DROP_MALFORMED },    /* htype */
		{ 2, 0x86, TERN_STAT_ARP_DROP_MALFORMED }, /* ptype */
		{ 4, 8, TERN_STAT_ARP_DROP_MALFORMED },    /* hlen */
		{ 5, 16, TERN_STAT_ARP_DROP_MALFORMED },   /* plen */
		{ 7, 3, TERN_STAT_ARP_DROP_OPCODE },
		{ 7, 0, TERN_STAT_ARP_DROP_OPCODE },
		{ 7, 2, NET_ACCEPT },                      /* reply */
		{ 8, 0x01, TERN_STAT_ARP_DROP_BAD_SENDER }, /* mcast sha */
		{ 14, 224, TERN_STAT_ARP_DROP_BAD_SENDER }, /* mcast sip */
		{ 14, 127, TERN_STAT_ARP_DROP_BAD_SENDER }, /* loopback */
	};
	for (unsigned int i = 0; i < RTE_DIM(pokes); i++) {
		memcpy(b, a, len);
		b[pokes[i].off] = pokes[i].val;
		assert_int_equal(arp_parse_exact(b, len, len, &r), pokes[i].v);
	}
	memcpy(b, a, len);
	memcpy(b + 8, &our_mac, 6);
	assert_int_equal(arp_parse_exact(b, len, len, &r),
			 TERN_STAT_ARP_DROP_BAD_SENDER);
	memset(b + 8, 0, 6);
	assert_int_equal(arp_parse_exact(b, len, len, &r),
			 TERN_STAT_ARP_DROP_BAD_SENDER);
	ip = OUR_IP;
	arp_packet(b, RTE_ARP_OP_REQUEST, ip, OUR_IP);
	assert_int_equal(arp_parse_exact(b, len, len, &r),
			 TERN_STAT_ARP_DROP_CONFLICT);
	/* Probe: sender 0.0.0.0 is legal. */
	arp_packet(b, RTE_ARP_OP_REQUEST, 0, OUR_IP);
	assert_int_equal(arp_parse_exact(b, len, len, &r), NET_ACCEPT);
}

static void
test_icmp(void **state)
{
	uint8_t m[8] = { RTE_IP_ICMP_ECHO_REQUEST, 0, 0, 0, 0, 1, 0, 1 };
	struct net_icmp_repr r;

	for (size_t l = 0; l < sizeof(m); l++) {
		uint8_t *p = exact(m, l);

		assert_int_equal(net_icmp_parse(p, (uint32_t)l, (uint32_t)l,
						&r),
				 TERN_STAT_ICMP_IN_ERRORS);
		assert_int_equal(net_icmp_parse(p, (uint32_t)l, 100, &r),
				 TERN_STAT_NET_DROP_HDR_SPLIT);
		free(p);
	}
	{
		uint8_t *p = exact(m, sizeof(m));

		assert_int_equal(net_icmp_parse(p, 8, 8, &r), NET_ACCEPT);
		assert_int_equal(r.type, RTE_IP_ICMP_ECHO_REQUEST);
		assert_int_equal(r.code, 0);
		free(p);
	}
}

/* A Fragmentation Needed (next-hop MTU 1200) quoting a TCP segment
 * 198.18.0.1:80 -> 198.18.0.2:40000, seq 0x01020304, DF, 1500 bytes. */
static size_t
icmp_err_msg(uint8_t *m, uint8_t ihl_words, uint8_t proto, rte_be32_t src)
{
	uint8_t *ip = m + 8, *th;
	rte_be32_t dst = PEER_IP;

	memset(m, 0, 8 + 60 + 8);
	m[0] = 3;
	m[1] = 4;
	m[6] = 1200 >> 8;
	m[7] = 1200 & 0xff;
	ip[0] = (uint8_t)(0x40 | ihl_words);
	ip[2] = 1500 >> 8;
	ip[3] = 1500 & 0xff;
	ip[6] = 0x40;
	ip[9] = proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	th = ip + ihl_words * 4;
	th[1] = 80;
	th[2] = 0x9c;
	th[3] = 0x40;
	th[4] = 1;
	th[5] = 2;
	th[6] = 3;
	th[7] = 4;
	return 8 + ihl_words * 4u + 8;
}

/*
 * The datagram an ICMP error quotes: every length short of IPv4 header
 * plus 8 bytes refused (IcmpInBadQuote, or HDR_SPLIT when only the first
 * segment is short), an IHL below 5 refused, IP options skipped, a
 * source not ours refused, a protocol other than TCP unhandled; the
 * fields of an accepted one, in host order.
 */
static void
test_icmp_error_quote(void **state)
{
	struct net_icmp_repr r = { .type = 3, .code = 4 };
	struct tern_if_conf ifc;
	struct tern_icmp_err e;
	uint8_t m[8 + 60 + 8];
	size_t len;

	ifc_init(&ifc);
	len = icmp_err_msg(m, 5, IPPROTO_TCP, OUR_IP);
	for (size_t l = 0; l < len; l++) {
		uint8_t *p = exact(m, l);

		assert_int_equal(net_icmp_err_parse(p, (uint32_t)l,
						    (uint32_t)l, &r, &ifc, &e),
				 TERN_STAT_ICMP_IN_BAD_QUOTE);
		assert_int_equal(net_icmp_err_parse(p, (uint32_t)l, 100, &r,
						    &ifc, &e),
				 TERN_STAT_NET_DROP_HDR_SPLIT);
		free(p);
	}
	{
		uint8_t *p = exact(m, len);

		assert_int_equal(net_icmp_err_parse(p, (uint32_t)len,
						    (uint32_t)len, &r, &ifc,
						    &e), NET_ACCEPT);
		assert_int_equal(e.type, 3);
		assert_int_equal(e.code, 4);
		assert_int_equal(e.next_hop_mtu, 1200);
		assert_int_equal(e.quoted_len, 1500);
		assert_true(e.quoted_df);
		assert_int_equal(e.src, OUR_IP);
		assert_int_equal(e.dst, PEER_IP);
		assert_int_equal(e.sport, RTE_BE16(80));
		assert_int_equal(e.dport, RTE_BE16(40000));
		assert_int_equal(e.seq, 0x01020304);
		free(p);
	}
	len = icmp_err_msg(m, 4, IPPROTO_TCP, OUR_IP);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len, (uint32_t)len,
					    &r, &ifc, &e),
			 TERN_STAT_ICMP_IN_BAD_QUOTE);
	len = icmp_err_msg(m, 15, IPPROTO_TCP, OUR_IP);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len, (uint32_t)len,
					    &r, &ifc, &e), NET_ACCEPT);
	assert_int_equal(e.seq, 0x01020304);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len - 1,
					    (uint32_t)len - 1, &r, &ifc, &e),
			 TERN_STAT_ICMP_IN_BAD_QUOTE);
	len = icmp_err_msg(m, 5, IPPROTO_TCP, PEER_IP);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len, (uint32_t)len,
					    &r, &ifc, &e),
			 TERN_STAT_ICMP_IN_BAD_QUOTE);
	len = icmp_err_msg(m, 5, IPPROTO_UDP, OUR_IP);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len, (uint32_t)len,
					    &r, &ifc, &e),
			 TERN_STAT_ICMP_IN_UNHANDLED);
	/* time exceeded: no MTU field */
	r.type = 11;
	r.code = 0;
	len = icmp_err_msg(m, 5, IPPROTO_TCP, OUR_IP);
	assert_int_equal(net_icmp_err_parse(m, (uint32_t)len, (uint32_t)len,
					    &r, &ifc, &e), NET_ACCEPT);
	assert_int_equal(e.next_hop_mtu, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_every_length),
		cmocka_unit_test(test_eth_classes),
		cmocka_unit_test(test_ipv4_every_length),
		cmocka_unit_test(test_ipv4_ihl),
		cmocka_unit_test(test_ipv4_fields),
		cmocka_unit_test(test_ipv4_addresses),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_icmp_error_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
