/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6, extension-header, ICMPv6 and Neighbour Discovery parsers of
 * lib/net on exactly-sized heap buffers (ASan catches a read one byte
 * past the length a parser is told). Each malformed case must come back
 * as the counter it is dropped under, never as "accepted".
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "net_priv.h"

#define NH_HOP 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_NONE 59
#define NH_DSTOPTS 60
#define BUF_MAX 2048

/* 2001:2::2 (ours) and 2001:2::1 (the peer) */
static const uint8_t our_ip6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 2 };
static const uint8_t peer_ip6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 1 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 2 };

/* A heap copy of exactly @p len bytes; the caller frees it. */
static uint8_t *
exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len == 0 ? 1 : len);

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

/* A fixed IPv6 header at @p ip: @p nh next, @p payload bytes after it
 * (zeroed), from the peer to us, hop limit 64. @return the total. */
static size_t
ip6_hdr(uint8_t *ip, uint8_t nh, size_t payload)
{
	memset(ip, 0, NET_IPV6_HLEN + payload);
	ip[0] = 0x60 | 0x0a;         /* traffic class 0xab, flow 0xcdef1 */
	ip[1] = 0xbc;
	ip[2] = 0xde;
	ip[3] = 0xf1;
	set16(ip + 4, (uint16_t)payload);
	ip[6] = nh;
	ip[7] = 64;
	memcpy(ip + 8, peer_ip6, 16);
	memcpy(ip + 24, our_ip6, 16);
	return NET_IPV6_HLEN + payload;
}

static tern_stat_t
parse_exact(const uint8_t *ip, size_t seg_len, size_t l3_len,
	    struct net_ipv6_repr *r)
{
	uint8_t *p = exact(ip, seg_len);
	tern_stat_t v = net_ipv6_parse(p, (uint32_t)seg_len,
				       (uint32_t)l3_len, r);

	if (v == NET_ACCEPT)
		v = net_ipv6_parse_ext(p, (uint32_t)seg_len, r);
	free(p);
	return v;
}

static tern_stat_t
verdict(const uint8_t *ip, size_t len, struct net_ipv6_repr *r)
{
	return parse_exact(ip, len, len, r);
}

static void
test_ipv6_accepted(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);

	(void)state;
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	assert_int_equal(r.proto, IPPROTO_ICMPV6);
	assert_int_equal(r.l4_off, NET_IPV6_HLEN);
	assert_int_equal(r.payload_len, 8);
	assert_int_equal(r.hop_limit, 64);
	assert_int_equal(r.tc_flow, 0xabcdef1);
	assert_memory_equal(r.src.b, peer_ip6, 16);
	assert_memory_equal(r.dst.b, our_ip6, 16);
	/* Ethernet padding after the datagram is fine */
	assert_int_equal(parse_exact(ip, len + 6, len + 6, &r), NET_ACCEPT);
}

static void
test_ipv6_truncated(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);

	(void)state;
	for (size_t n = 0; n < NET_IPV6_HLEN; n++)
		assert_int_equal(verdict(ip, n, &r),
				 TERN_STAT_IP6_IN_HDR_ERRORS);
	/* the frame has it, the first segment does not */
	assert_int_equal(parse_exact(ip, 39, len, &r),
			 TERN_STAT_NET_DROP_HDR_SPLIT);
	/* payload length past the frame */
	assert_int_equal(verdict(ip, len - 1, &r),
			 TERN_STAT_IP6_IN_TRUNCATED);
	set16(ip + 4, 0xffff);
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_TRUNCATED);
	/* payload length 0 with hop-by-hop: a jumbogram, not supported */
	len = ip6_hdr(ip, NH_HOP, 8);
	set16(ip + 4, 0);
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
}

static void
test_ipv6_header_fields(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len;

	(void)state;
	len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);
	ip[0] = 0x40;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	/* loopback source, loopback destination */
	len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);
	memset(ip + 8, 0, 16);
	ip[23] = 1;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);
	memset(ip + 24, 0, 16);
	ip[39] = 1;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	/* multicast source */
	len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);
	ip[8] = 0xff;
	ip[9] = 0x02;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	/* multicast destination of scope 1 and 0; scope 2 is fine here */
	for (uint8_t scope = 0; scope <= 2; scope++) {
		len = ip6_hdr(ip, IPPROTO_ICMPV6, 8);
		ip[24] = 0xff;
		ip[25] = scope;
		assert_int_equal(verdict(ip, len, &r), scope <= 1 ?
				 TERN_STAT_IP6_IN_HDR_ERRORS : NET_ACCEPT);
	}
}

/* Append an options header (hop-by-hop or destination options) of
 * @p units 8-byte units, PadN-filled, at @p off; @return its length. */
static size_t
opts_hdr(uint8_t *p, uint8_t next, uint8_t units)
{
	size_t len = (size_t)units * 8;

	memset(p, 0, len);
	p[0] = next;
	p[1] = (uint8_t)(units - 1);
	p[2] = 1;                   /* PadN covering the rest */
	p[3] = (uint8_t)(len - 4);
	return len;
}

/* A datagram of @p n destination-options headers, then ICMPv6. */
static size_t
dstopts_chain(uint8_t *ip, unsigned int n)
{
	size_t off = NET_IPV6_HLEN;

	ip6_hdr(ip, n > 0 ? NH_DSTOPTS : IPPROTO_ICMPV6, n * 8 + 8);
	for (unsigned int i = 0; i < n; i++)
		off += opts_hdr(ip + off, i + 1 < n ? NH_DSTOPTS :
				IPPROTO_ICMPV6, 1);
	return off + 8;
}

static void
test_ipv6_ext_chain_limit(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len;

	(void)state;
	len = dstopts_chain(ip, NET_IPV6_EXT_MAX);
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	assert_int_equal(r.l4_off, NET_IPV6_HLEN + 8 * NET_IPV6_EXT_MAX);
	assert_int_equal(r.proto, IPPROTO_ICMPV6);
	len = dstopts_chain(ip, NET_IPV6_EXT_MAX + 1);
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_EXT_LIMIT);
	/* a chain that "loops" (each header names its own kind) is the
	 * same: bounded */
	len = dstopts_chain(ip, 40);
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_EXT_LIMIT);
	/* a header that runs past the payload; one past the segment */
	len = dstopts_chain(ip, 2);
	ip[NET_IPV6_HLEN + 8 + 1] = 3;  /* second header: 32 bytes */
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	len = dstopts_chain(ip, 2);
	assert_int_equal(parse_exact(ip, NET_IPV6_HLEN + 12, len, &r),
			 TERN_STAT_NET_DROP_HDR_SPLIT);
	/* fewer than 8 bytes left for the header */
	ip6_hdr(ip, NH_DSTOPTS, 4);
	assert_int_equal(verdict(ip, NET_IPV6_HLEN + 4, &r),
			 TERN_STAT_IP6_IN_HDR_ERRORS);
}

static void
test_ipv6_hop_by_hop(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len;

	(void)state;
	/* first, with router alert: accepted */
	len = ip6_hdr(ip, NH_HOP, 16);
	opts_hdr(ip + NET_IPV6_HLEN, IPPROTO_ICMPV6, 1);
	ip[NET_IPV6_HLEN + 2] = 5;
	ip[NET_IPV6_HLEN + 3] = 2;
	ip[NET_IPV6_HLEN + 6] = 1;      /* PadN, 0 bytes */
	ip[NET_IPV6_HLEN + 7] = 0;
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	assert_int_equal(r.l4_off, NET_IPV6_HLEN + 8);
	/* after another header: unknown protocol, parameter problem code 1
	 * pointing at the next-header field that names it */
	len = ip6_hdr(ip, NH_DSTOPTS, 24);
	opts_hdr(ip + NET_IPV6_HLEN, NH_HOP, 1);
	opts_hdr(ip + NET_IPV6_HLEN + 8, IPPROTO_ICMPV6, 1);
	assert_int_equal(verdict(ip, len, &r),
			 TERN_STAT_IP6_IN_UNKNOWN_PROTO);
	assert_int_equal(r.pp_code, 1);
	assert_int_equal(r.pp_ptr, NET_IPV6_HLEN);
}

/* One option of @p type (2 data bytes) in a destination options
 * header; @return the datagram's length. */
static size_t
with_option(uint8_t *ip, uint8_t type)
{
	size_t len = ip6_hdr(ip, NH_DSTOPTS, 16);
	uint8_t *h = ip + NET_IPV6_HLEN;

	opts_hdr(h, IPPROTO_ICMPV6, 1);
	h[2] = type;
	h[3] = 2;
	h[6] = 1;
	h[7] = 0;
	return len;
}

static void
test_ipv6_unknown_options(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len;

	(void)state;
	len = with_option(ip, 0x1e);        /* 00: skip */
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	len = with_option(ip, 0x5e);        /* 01: discard */
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	assert_int_equal(r.pp_code, NET_PP_NONE);
	len = with_option(ip, 0x9e);        /* 10: discard, problem */
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	assert_int_equal(r.pp_code, 2);
	assert_int_equal(r.pp_ptr, NET_IPV6_HLEN + 2);
	len = with_option(ip, 0xde);        /* 11: problem if unicast */
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	assert_int_equal(r.pp_code, 2);
	ip[24] = 0xff;
	ip[25] = 0x02;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	assert_int_equal(r.pp_code, NET_PP_NONE);
	/* router alert is hop-by-hop's only */
	len = with_option(ip, 5);
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	/* an option running past its header; a lone type byte at its end */
	len = with_option(ip, 0x1e);
	ip[NET_IPV6_HLEN + 3] = 6;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
	len = with_option(ip, 0x1e);
	ip[NET_IPV6_HLEN + 3] = 3;          /* ends at byte 7: type only */
	ip[NET_IPV6_HLEN + 7] = 0x1e;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_HDR_ERRORS);
}

static void
test_ipv6_routing_header(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	uint8_t *h = ip + NET_IPV6_HLEN;
	size_t len;

	(void)state;
	for (uint8_t type = 0; type <= 4; type += 2) {
		len = ip6_hdr(ip, NH_ROUTING, 32);
		h[0] = IPPROTO_ICMPV6;
		h[1] = 2;                   /* 24 bytes: one address */
		h[2] = type;
		h[3] = 1;                   /* segments left */
		assert_int_equal(verdict(ip, len, &r),
				 TERN_STAT_IP6_IN_HDR_ERRORS);
		assert_int_equal(r.pp_code, 0);
		assert_int_equal(r.pp_ptr, NET_IPV6_HLEN + 2);
		h[3] = 0;                   /* none left: ignored */
		assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
		assert_int_equal(r.l4_off, NET_IPV6_HLEN + 24);
	}
}

static void
test_ipv6_fragments(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	uint8_t *h = ip + NET_IPV6_HLEN;
	size_t len;

	(void)state;
	len = ip6_hdr(ip, NH_FRAGMENT, 16);
	h[0] = IPPROTO_ICMPV6;
	h[3] = 1;                           /* M: first fragment */
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_FRAGMENTS);
	h[2] = 0x05;                        /* offset 160, last */
	h[3] = 0x00;
	assert_int_equal(verdict(ip, len, &r), TERN_STAT_IP6_IN_FRAGMENTS);
	h[2] = 0;                           /* atomic (RFC 6946) */
	h[3] = 0x06;                        /* reserved bits ignored */
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	assert_int_equal(r.l4_off, NET_IPV6_HLEN + 8);
}

static void
test_ipv6_upper_layers(void **state)
{
	uint8_t ip[BUF_MAX];
	struct net_ipv6_repr r;
	size_t len;

	(void)state;
	len = ip6_hdr(ip, IPPROTO_UDP, 8);
	assert_int_equal(verdict(ip, len, &r),
			 TERN_STAT_IP6_IN_UNKNOWN_PROTO);
	assert_int_equal(r.pp_code, 1);
	assert_int_equal(r.pp_ptr, 6);
	len = ip6_hdr(ip, NH_NONE, 8);
	assert_int_equal(verdict(ip, len, &r),
			 TERN_STAT_IP6_IN_NO_NEXT_HDR);
	len = ip6_hdr(ip, IPPROTO_TCP, 20);
	assert_int_equal(verdict(ip, len, &r), NET_ACCEPT);
	assert_int_equal(r.proto, IPPROTO_TCP);
}

static void
test_icmp6_header(void **state)
{
	uint8_t m[8] = { 128, 0 };
	struct net_icmp_repr r;

	(void)state;
	for (uint32_t n = 0; n < NET_ICMP6_HLEN; n++) {
		uint8_t *p = exact(m, n);

		assert_int_equal(net_icmp6_parse(p, n, n, &r),
				 TERN_STAT_ICMP6_IN_ERRORS);
		free(p);
	}
	assert_int_equal(net_icmp6_parse(m, 8, 8, &r), NET_ACCEPT);
	assert_int_equal(r.type, 128);
}

/* An NS for our address from the peer with its link-layer address;
 * @p ip gets the datagram's repr. @return the message length. */
static size_t
ns_msg(uint8_t *m, struct net_ipv6_repr *ip)
{
	memset(ip, 0, sizeof(*ip));
	memcpy(ip->src.b, peer_ip6, 16);
	tern_ip6_solicited_node((const struct tern_ip6 *)our_ip6, &ip->dst);
	ip->hop_limit = 255;
	memset(m, 0, 32);
	m[0] = 135;
	memcpy(m + 8, our_ip6, 16);
	m[24] = 1;
	m[25] = 1;
	memcpy(m + 26, peer_mac, 6);
	return 32;
}

static tern_stat_t
nd_verdict(const uint8_t *m, size_t len, const struct net_ipv6_repr *ip,
	   struct net_nd_repr *nd)
{
	uint8_t *p = exact(m, len);
	tern_stat_t v = net_nd_parse(p, (uint32_t)len, (uint32_t)len, ip, nd);

	free(p);
	return v;
}

static void
test_nd_accepted(void **state)
{
	struct net_ipv6_repr ip;
	struct net_nd_repr nd;
	uint8_t m[64];
	size_t len = ns_msg(m, &ip);

	(void)state;
	assert_int_equal(nd_verdict(m, len, &ip, &nd), NET_ACCEPT);
	assert_int_equal(nd.type, 135);
	assert_true(nd.has_lla);
	assert_memory_equal(nd.lla.addr_bytes, peer_mac, 6);
	assert_memory_equal(nd.target.b, our_ip6, 16);
	/* an unknown option is skipped; without options is fine too */
	m[32] = 14;
	m[33] = 2;
	memset(m + 34, 0, 14);
	assert_int_equal(nd_verdict(m, 48, &ip, &nd), NET_ACCEPT);
	assert_int_equal(nd_verdict(m, 24, &ip, &nd), NET_ACCEPT);
	assert_false(nd.has_lla);
	/* an NA with its flags */
	len = ns_msg(m, &ip);
	m[0] = 136;
	m[4] = 0xe0;
	m[24] = 2;
	memcpy(ip.dst.b, our_ip6, 16);
	assert_int_equal(nd_verdict(m, len, &ip, &nd), NET_ACCEPT);
	assert_true(nd.router && nd.solicited && nd.override && nd.has_lla);
}

static void
test_nd_hop_limit(void **state)
{
	struct net_ipv6_repr ip;
	struct net_nd_repr nd;
	uint8_t m[64];
	size_t len = ns_msg(m, &ip);

	(void)state;
	for (unsigned int h = 0; h < 255; h += 17) {
		ip.hop_limit = (uint8_t)h;
		assert_int_equal(nd_verdict(m, len, &ip, &nd),
				 TERN_STAT_ND_DROP_HOP_LIMIT);
	}
	ip.hop_limit = 254;
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_HOP_LIMIT);
}

static void
test_nd_malformed(void **state)
{
	struct net_ipv6_repr ip;
	struct net_nd_repr nd;
	uint8_t m[64];
	size_t len = ns_msg(m, &ip);

	(void)state;
	for (size_t n = 0; n < NET_ND_NS_LEN; n++)
		assert_int_equal(nd_verdict(m, n, &ip, &nd),
				 TERN_STAT_ND_DROP_MALFORMED);
	m[1] = 1;                               /* code */
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_MALFORMED);
	len = ns_msg(m, &ip);
	m[8] = 0xff;                            /* multicast target */
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_MALFORMED);
	/* a solicited NA to a multicast destination */
	len = ns_msg(m, &ip);
	m[0] = 136;
	m[4] = 0x40;
	m[24] = 2;
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_MALFORMED);
}

static void
test_nd_bad_options(void **state)
{
	struct net_ipv6_repr ip;
	struct net_nd_repr nd;
	uint8_t m[64];
	size_t len;

	(void)state;
	len = ns_msg(m, &ip);
	m[25] = 0;                              /* length 0 */
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	len = ns_msg(m, &ip);
	m[25] = 2;                              /* past the message */
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	len = ns_msg(m, &ip);
	assert_int_equal(nd_verdict(m, len - 1, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	assert_int_equal(nd_verdict(m, 25, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	len = ns_msg(m, &ip);                   /* SLLA of 16 bytes */
	m[25] = 2;
	memset(m + 32, 0, 8);
	assert_int_equal(nd_verdict(m, 40, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	len = ns_msg(m, &ip);                   /* multicast MAC */
	m[26] = 0x33;
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
	len = ns_msg(m, &ip);                   /* zero MAC */
	memset(m + 26, 0, 6);
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_OPTION);
}

static void
test_nd_dad_probe(void **state)
{
	struct net_ipv6_repr ip;
	struct net_nd_repr nd;
	uint8_t m[64];
	size_t len = ns_msg(m, &ip);

	(void)state;
	memset(ip.src.b, 0, 16);
	/* from :: with a source link-layer address */
	assert_int_equal(nd_verdict(m, len, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_SOURCE);
	/* from :: without, to the solicited-node group: a DAD probe */
	assert_int_equal(nd_verdict(m, NET_ND_NS_LEN, &ip, &nd), NET_ACCEPT);
	/* from :: to our unicast address */
	memcpy(ip.dst.b, our_ip6, 16);
	assert_int_equal(nd_verdict(m, NET_ND_NS_LEN, &ip, &nd),
			 TERN_STAT_ND_DROP_BAD_SOURCE);
}

/* The Ethernet parser takes IPv6 only once an address is configured,
 * and 33:33 group frames only for IPv6. */
static void
test_eth_ipv6(void **state)
{
	struct tern_if_conf ifc;
	struct net_eth_repr r;
	uint8_t f[60];

	(void)state;
	memset(&ifc, 0, sizeof(ifc));
	ifc.mac.addr_bytes[0] = 0x02;
	ifc.mac.addr_bytes[5] = 0x01;
	ifc.mtu = 1500;
	memset(f, 0, sizeof(f));
	memcpy(f, ifc.mac.addr_bytes, 6);
	memcpy(f + 6, peer_mac, 6);
	set16(f + 12, RTE_ETHER_TYPE_IPV6);
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r),
			 TERN_STAT_ETH_DROP_ETHERTYPE);
	f[0] = 0x33;
	f[1] = 0x33;
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r),
			 TERN_STAT_ETH_DROP_MULTICAST);
	memcpy(ifc.ip6.b, our_ip6, 16);
	ifc.ip6_prefix_len = 64;
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r), NET_ACCEPT);
	assert_false(r.link_bcast);
	assert_int_equal(r.ethertype, RTE_ETHER_TYPE_IPV6);
	set16(f + 12, RTE_ETHER_TYPE_IPV4);
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r),
			 TERN_STAT_ETH_DROP_MULTICAST);
	memcpy(f, ifc.mac.addr_bytes, 6);
	set16(f + 12, RTE_ETHER_TYPE_IPV6);
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r), NET_ACCEPT);
	/* another group's frame is still refused */
	f[0] = 0x01;
	f[1] = 0x00;
	f[2] = 0x5e;
	assert_int_equal(net_eth_parse(f, 60, 60, 0, &ifc, &r),
			 TERN_STAT_ETH_DROP_MULTICAST);
}

/* The bit-by-bit reading of "the first @p len bits are equal". */
static bool
prefix_eq_bitwise(const struct tern_ip6 *a, const struct tern_ip6 *b,
		  unsigned int len)
{
	for (unsigned int i = 0; i < len; i++) {
		unsigned int bit = 0x80u >> (i % 8);

		if ((a->b[i / 8] & bit) != (b->b[i / 8] & bit))
			return false;
	}
	return true;
}

/* Word-wise prefix test: every length 0..128 against the bitwise one,
 * for addresses differing in one bit at every position. */
static void
test_ip6_prefix_eq(void **state)
{
	struct tern_ip6 a, b;

	(void)state;
	memcpy(a.b, our_ip6, 16);
	for (unsigned int diff = 0; diff <= 128; diff++) {
		b = a;
		if (diff < 128)
			b.b[diff / 8] ^= (uint8_t)(0x80u >> (diff % 8));
		for (unsigned int len = 0; len <= 128; len++)
			assert_int_equal(tern_ip6_prefix_eq(&a, &b,
							    (uint8_t)len),
					 prefix_eq_bitwise(&a, &b, len));
	}
	/* 2001:2::/48 (the benchmarking range) holds both test addresses */
	memcpy(b.b, peer_ip6, 16);
	assert_true(tern_ip6_prefix_eq(&a, &b, 48));
	assert_true(tern_ip6_prefix_eq(&a, &b, 126));
	assert_false(tern_ip6_prefix_eq(&a, &b, 127));
}

/* The pseudo-header sum equals DPDK's over a header of the same
 * addresses, length and protocol, for addresses and lengths that make
 * every fold carry. */
static void
test_ip6_phdr_sum(void **state)
{
	static const uint16_t lens[] = { 0, 1, 20, 226, 1440, 65535 };
	struct rte_ipv6_hdr ih;
	struct tern_ip6 src, dst;
	uint32_t x = 0x9e3779b9u;

	(void)state;
	for (unsigned int round = 0; round < 64; round++) {
		for (unsigned int i = 0; i < 16; i++) {
			x = x * 1664525u + 1013904223u;
			src.b[i] = round == 0 ? 0xff : (uint8_t)(x >> 24);
			dst.b[i] = round == 0 ? 0xff : (uint8_t)(x >> 16);
		}
		memcpy(ih.src_addr, src.b, 16);
		memcpy(ih.dst_addr, dst.b, 16);
		for (unsigned int k = 0; k < RTE_DIM(lens); k++) {
			uint8_t proto = k % 2 ? IPPROTO_TCP : IPPROTO_ICMPV6;

			ih.proto = proto;
			ih.payload_len = rte_cpu_to_be_16(lens[k]);
			assert_int_equal(tern_ip6_phdr_sum(&src, &dst, lens[k],
							   proto),
					 rte_ipv6_phdr_cksum(&ih, 0));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_accepted),
		cmocka_unit_test(test_ipv6_truncated),
		cmocka_unit_test(test_ipv6_header_fields),
		cmocka_unit_test(test_ipv6_ext_chain_limit),
		cmocka_unit_test(test_ipv6_hop_by_hop),
		cmocka_unit_test(test_ipv6_unknown_options),
		cmocka_unit_test(test_ipv6_routing_header),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv6_upper_layers),
		cmocka_unit_test(test_icmp6_header),
		cmocka_unit_test(test_nd_accepted),
		cmocka_unit_test(test_nd_hop_limit),
		cmocka_unit_test(test_nd_malformed),
		cmocka_unit_test(test_nd_bad_options),
		cmocka_unit_test(test_nd_dad_probe),
		cmocka_unit_test(test_eth_ipv6),
		cmocka_unit_test(test_ip6_prefix_eq),
		cmocka_unit_test(test_ip6_phdr_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
