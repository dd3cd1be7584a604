/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The malformed-frame corpus. Each frame goes through tern_stack_input()
 * and must move exactly the counter named for it, by one; bad frames
 * move exactly one drop counter, good ones none; the mempool returns to
 * its baseline after each.
 *
 * mbuf data is mempool memory, which ASan does not poison, so reading
 * past data_len would go unnoticed there. Every single-segment frame is
 * therefore fed three times, placed so that different bytes follow it
 * inside the buffer: zeros, ones, and the continuation of the frame it
 * was cut from (so a parser that read past a truncated frame would find
 * the valid frame there and accept it). The verdict must not change.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_icmp.h>
#include <rte_tcp.h>

#include "net_harness.h"
#include "tern_net.h"

#define TAIL_LEN 64
#define MAX_CASES 1024
#define MAX_CUTS 4

struct corpus_case {
	char name[64];
	tern_stat_t expect;   /* the one counter it must move */
	uint64_t ol_flags;
	uint16_t len;            /* bytes fed */
	uint16_t ncuts;          /* > 0: fed as a chain of these segments */
	uint16_t cuts[MAX_CUTS];
	uint8_t bytes[NH_FRAME_MAX]; /* frame, then what followed it */
};

struct corpus {
	unsigned int n;
	struct corpus_case c[MAX_CASES];
};

static struct corpus *corpus;

static struct corpus_case *
add(tern_stat_t expect, const uint8_t *src, size_t len, const char *fmt,
    ...)
{
	struct corpus_case *c;
	va_list ap;

	assert_true(corpus->n < MAX_CASES);
	c = &corpus->c[corpus->n++];
	memset(c, 0, sizeof(*c));
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name), fmt, ap);
	va_end(ap);
	c->expect = expect;
	c->len = (uint16_t)len;
	/* Keep the bytes after the frame too: the continuation tail. */
	memcpy(c->bytes, src, NH_FRAME_MAX - TAIL_LEN);
	return c;
}

static void
add_chain(tern_stat_t expect, const uint8_t *src, size_t len,
	  uint16_t first, const char *name)
{
	struct corpus_case *c = add(expect, src, len, "%s", name);

	c->ncuts = 2;
	c->cuts[0] = first;
	c->cuts[1] = (uint16_t)(len - first);
}

static size_t
arp_request_frame(uint8_t *f)
{
	memset(f, 0, NH_FRAME_MAX);
	return nh_arp_frame(f, RTE_ARP_OP_REQUEST, &nh_bcast_mac, &nh_peer_mac,
			    NH_PEER_IP, &nh_zero_mac, NH_OUR_IP);
}

static size_t
echo_frame(uint8_t *f, size_t payload)
{
	memset(f, 0, NH_FRAME_MAX);
	return nh_icmp_echo_frame(f, payload, 1, 1);
}

static size_t
syn_frame(uint8_t *f)
{
	memset(f, 0, NH_FRAME_MAX);
	return nh_tcp_frame(f, RTE_TCP_SYN_FLAG, NULL, 0);
}

static void
set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
add_truncations(void)
{
	uint8_t f[NH_FRAME_MAX];
	size_t full, l;

	full = arp_request_frame(f);
	for (l = 0; l < full; l++)
		add(l < 14 ? TERN_STAT_ETH_DROP_RUNT :
			     TERN_STAT_ARP_DROP_MALFORMED,
		    f, l, "arp cut at %zu", l);
	add(TERN_STAT_ARP_REPLIES_SENT, f, full, "arp whole");

	full = echo_frame(f, 32);
	for (l = 0; l < full; l++)
		add(l < 14 ? TERN_STAT_ETH_DROP_RUNT :
		    l < 34 ? TERN_STAT_IP_IN_HDR_ERRORS :
			     TERN_STAT_IP_IN_TRUNCATED,
		    f, l, "icmp cut at %zu", l);
	add(TERN_STAT_ICMP_OUT_ECHO_REPS, f, full, "icmp whole");

	full = syn_frame(f);
	for (l = 0; l < full; l++)
		add(l < 14 ? TERN_STAT_ETH_DROP_RUNT :
		    l < 34 ? TERN_STAT_IP_IN_HDR_ERRORS :
			     TERN_STAT_IP_IN_TRUNCATED,
		    f, l, "tcp cut at %zu", l);
	add(TERN_STAT_IP_IN_DELIVERS, f, full, "tcp whole");
}

static void
add_ethernet_cases(void)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len;
	struct corpus_case *c;

	len = echo_frame(f, 1472);
	add(TERN_STAT_ICMP_OUT_ECHO_REPS, f, len, "icmp of MTU size");
	len = echo_frame(f, 1473);
	add(TERN_STAT_ETH_DROP_OVERSIZE, f, len, "oversize by one");

	len = echo_frame(f, 8);
	f[0] = 0x02;
	f[5] = 0x99;
	add(TERN_STAT_ETH_DROP_FOREIGN, f, len, "foreign unicast");
	memcpy(f, "\x01\x00\x5e\x00\x00\x01", 6);
	add(TERN_STAT_ETH_DROP_MULTICAST, f, len, "multicast");

	len = echo_frame(f, 8);
	c = add(TERN_STAT_ETH_DROP_VLAN, f, len, "vlan stripped by port");
	c->ol_flags = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	/* Insert an 802.1Q / 802.1ad tag. */
	{
		uint8_t g[NH_FRAME_MAX] = { 0 };

		memcpy(g, f, 12);
		set16(g + 12, RTE_ETHER_TYPE_VLAN);
		set16(g + 14, 5);
		memcpy(g + 16, f + 12, len - 12);
		add(TERN_STAT_ETH_DROP_VLAN, g, len + 4, "vlan 802.1Q");
		set16(g + 12, RTE_ETHER_TYPE_QINQ);
		add(TERN_STAT_ETH_DROP_VLAN, g, len + 4, "vlan 802.1ad");
	}
	set16(f + 12, RTE_ETHER_TYPE_IPV6);
	add(TERN_STAT_ETH_DROP_ETHERTYPE, f, len, "ethertype ipv6");
	set16(f + 12, 0x0040);
	add(TERN_STAT_ETH_DROP_ETHERTYPE, f, len, "802.3 length field");
}

static void
add_ipv4_header_cases(void)
{
	uint8_t f[NH_FRAME_MAX];
	uint8_t *ip = f + 14;
	size_t len;

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		len = echo_frame(f, 32);
		ip[0] = (uint8_t)(0x40 | ihl);
		nh_ipv4_fix_cksum(f);
		add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "ihl %u", ihl);
	}
	len = syn_frame(f);
	ip[0] = 0x4f;   /* 60-byte header in a 40-byte datagram */
	add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "ihl past the frame");
	len = echo_frame(f, 32);
	ip[0] = 0x4c;   /* 48 bytes, total length 40 */
	set16(ip + 2, 40);
	add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "ihl past total length");

	len = echo_frame(f, 32);
	ip[0] = 0x65;
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "version 6");

	len = echo_frame(f, 32);
	set16(ip + 2, (uint16_t)(len - 14 + 1));
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_TRUNCATED, f, len, "total length +1");
	set16(ip + 2, 1500);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_TRUNCATED, f, len, "total length 1500");
	set16(ip + 2, 19);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "total length 19");
	/* Shorter than the frame: the rest is padding, so the ICMP message
	 * loses its tail and with it a valid checksum. */
	set16(ip + 2, (uint16_t)(len - 14 - 5));
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_ICMP_IN_CSUM_ERRORS, f, len, "total length -5");
	/* ... and a frame with real padding is fine. */
	len = echo_frame(f, 0);
	memset(f + len, 0xee, 60 - len);
	add(TERN_STAT_ICMP_OUT_ECHO_REPS, f, 60, "padded to 60");

	len = echo_frame(f, 32);
	ip[10] ^= 0x01;
	add(TERN_STAT_IP_IN_CSUM_ERRORS, f, len, "bad ip checksum");

	len = echo_frame(f, 32);
	set16(ip + 6, RTE_IPV4_HDR_MF_FLAG);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_FRAGMENTS, f, len, "first fragment (MF)");
	set16(ip + 6, 1);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_FRAGMENTS, f, len, "last fragment (offset)");
	set16(ip + 6, RTE_IPV4_HDR_DF_FLAG);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_ICMP_OUT_ECHO_REPS, f, len, "DF only");

	len = echo_frame(f, 32);
	ip[8] = 0;
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_HDR_ERRORS, f, len, "ttl 0");
	ip[8] = 1;
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_ICMP_OUT_ECHO_REPS, f, len, "ttl 1");

	len = echo_frame(f, 32);
	ip[9] = IPPROTO_UDP;
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_UNKNOWN_PROTO, f, len, "udp");
}

static void
add_address_cases(void)
{
	static const struct {
		uint32_t addr;
		const char *name;
	} bad_src[] = {
		{ NH_IPV4(255, 255, 255, 255), "limited broadcast" },
		{ NH_IPV4(198, 18, 0, 255), "subnet broadcast" },
		{ NH_IPV4(224, 0, 0, 5), "multicast" },
		{ NH_IPV4(0, 0, 0, 0), "zero" },
		{ NH_IPV4(127, 0, 0, 1), "loopback" },
		{ NH_IPV4(198, 18, 0, 1), "our own" },
	};
	uint8_t f[NH_FRAME_MAX];
	uint8_t *ip = f + 14;
	rte_be32_t a;
	size_t len;

	for (unsigned int i = 0; i < RTE_DIM(bad_src); i++) {
		a = rte_cpu_to_be_32(bad_src[i].addr);
		len = syn_frame(f);
		memcpy(ip + 12, &a, 4);
		nh_ipv4_fix_cksum(f);
		add(TERN_STAT_IP_IN_BAD_SRC, f, len, "tcp src %s",
		    bad_src[i].name);
		len = echo_frame(f, 8);
		memcpy(ip + 12, &a, 4);
		nh_ipv4_fix_cksum(f);
		add(TERN_STAT_IP_IN_BAD_SRC, f, len, "icmp src %s",
		    bad_src[i].name);
	}
	len = syn_frame(f);
	a = NH_PEER_IP;
	memcpy(ip + 16, &a, 4);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_ADDR_ERRORS, f, len, "dst not ours");
	a = RTE_BE32(NH_IPV4(255, 255, 255, 255));
	memcpy(ip + 16, &a, 4);
	nh_ipv4_fix_cksum(f);
	add(TERN_STAT_IP_IN_ADDR_ERRORS, f, len, "dst broadcast");
	len = syn_frame(f);
	memset(f, 0xff, 6);
	add(TERN_STAT_IP_IN_LINK_BCAST, f, len, "our ip via link broadcast");
}

static void
add_icmp_cases(void)
{
	uint8_t f[NH_FRAME_MAX];
	uint8_t *ip = f + 14;
	size_t len;

	len = echo_frame(f, 32);
	f[14 + 20 + 2] ^= 0x10;
	add(TERN_STAT_ICMP_IN_CSUM_ERRORS, f, len, "bad icmp checksum");
	len = echo_frame(f, 33);
	f[len - 1] ^= 0x01;   /* the odd last byte counts */
	add(TERN_STAT_ICMP_IN_CSUM_ERRORS, f, len, "bad odd last byte");

	for (uint16_t l4 = 0; l4 < 8; l4++) {
		len = echo_frame(f, 32);
		set16(ip + 2, (uint16_t)(20 + l4));
		nh_ipv4_fix_cksum(f);
		add(TERN_STAT_ICMP_IN_ERRORS, f, len, "icmp of %u bytes", l4);
	}
	len = echo_frame(f, 32);
	f[14 + 20] = 13;
	nh_icmp_fix_cksum(f);
	add(TERN_STAT_ICMP_IN_UNHANDLED, f, len, "icmp timestamp");
}

static void
add_arp_cases(void)
{
	static const struct rte_ether_addr mcast = {{ 0x01, 0, 0x5e, 0, 0,
						      1 }};
	uint8_t f[NH_FRAME_MAX];
	uint8_t *a = f + 14;
	rte_be32_t ip;
	size_t len;

	len = arp_request_frame(f);
	set16(a, 6);
	add(TERN_STAT_ARP_DROP_MALFORMED, f, len, "arp htype 6");
	len = arp_request_frame(f);
	set16(a + 2, RTE_ETHER_TYPE_IPV6);
	add(TERN_STAT_ARP_DROP_MALFORMED, f, len, "arp ptype ipv6");
	len = arp_request_frame(f);
	a[4] = 8;
	add(TERN_STAT_ARP_DROP_MALFORMED, f, len, "arp hlen 8");
	len = arp_request_frame(f);
	a[5] = 16;
	add(TERN_STAT_ARP_DROP_MALFORMED, f, len, "arp plen 16");
	len = arp_request_frame(f);
	set16(a + 6, RTE_ARP_OP_REVREQUEST);
	add(TERN_STAT_ARP_DROP_OPCODE, f, len, "rarp opcode");
	set16(a + 6, 0);
	add(TERN_STAT_ARP_DROP_OPCODE, f, len, "opcode 0");

	len = arp_request_frame(f);
	memcpy(a + 8, &mcast, 6);
	add(TERN_STAT_ARP_DROP_BAD_SENDER, f, len, "arp sender mac mcast");
	memset(a + 8, 0, 6);
	add(TERN_STAT_ARP_DROP_BAD_SENDER, f, len, "arp sender mac zero");
	memcpy(a + 8, &nh_our_mac, 6);
	add(TERN_STAT_ARP_DROP_BAD_SENDER, f, len, "arp sender mac ours");
	len = arp_request_frame(f);
	ip = RTE_BE32(NH_IPV4(255, 255, 255, 255));
	memcpy(a + 14, &ip, 4);
	add(TERN_STAT_ARP_DROP_BAD_SENDER, f, len, "arp sender ip bcast");
	ip = RTE_BE32(NH_IPV4(224, 1, 2, 3));
	memcpy(a + 14, &ip, 4);
	add(TERN_STAT_ARP_DROP_BAD_SENDER, f, len, "arp sender ip mcast");
	ip = NH_OUR_IP;
	memcpy(a + 14, &ip, 4);
	add(TERN_STAT_ARP_DROP_CONFLICT, f, len, "arp sender ip ours");
	len = arp_request_frame(f);
	ip = RTE_BE32(NH_IPV4(198, 18, 0, 99));
	memcpy(a + 24, &ip, 4);
	add(TERN_STAT_ARP_DROP_NOT_FOR_US, f, len, "arp for another");
	/* A padded request is fine. */
	len = arp_request_frame(f);
	add(TERN_STAT_ARP_REPLIES_SENT, f, 60, "arp padded to 60");
}

static void
add_segment_cases(void)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len;

	len = echo_frame(f, 100);
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 10, "eth split");
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 20, "ipv4 split");
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 38, "icmp split");
	add_chain(TERN_STAT_ICMP_OUT_ECHO_REPS, f, len, 42, "icmp chain");
	/* IPv4 options cut by the segment boundary. */
	{
		uint8_t g[NH_FRAME_MAX] = { 0 };

		memcpy(g, f, 34);
		memset(g + 34, RTE_IPV4_HDR_OPT_NOP, 8);
		memcpy(g + 42, f + 34, len - 34);
		g[14] = 0x47;
		set16(g + 16, (uint16_t)(len - 14 + 8));
		nh_ipv4_fix_cksum(g);
		add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, g, len + 8, 36,
			  "ipv4 options split");
		add_chain(TERN_STAT_ICMP_OUT_ECHO_REPS, g, len + 8, 50,
			  "ipv4 options chain");
	}
	/* TCP options (data offset 8) cut by the segment boundary. */
	len = syn_frame(f);
	{
		uint8_t g[NH_FRAME_MAX] = { 0 };

		memcpy(g, f, len);
		memset(g + len, 1, 12);          /* NOP options */
		g[14 + 20 + 12] = 8 << 4;
		set16(g + 16, (uint16_t)(len - 14 + 12));
		nh_ipv4_fix_cksum(g);
		add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, g, len + 12, 54,
			  "tcp options split");
		add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, g, len + 12, 65,
			  "tcp options split -1");
		add_chain(TERN_STAT_IP_IN_DELIVERS, g, len + 12, 66,
			  "tcp options chain");
	}
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 40, "tcp split");
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 53, "tcp split -1");
	memset(f, 0, NH_FRAME_MAX);
	len = nh_tcp_frame(f, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, "0123456789",
			   10);
	add_chain(TERN_STAT_IP_IN_DELIVERS, f, len, 54, "tcp chain");
	len = arp_request_frame(f);
	add_chain(TERN_STAT_NET_DROP_HDR_SPLIT, f, len, 30, "arp split");
	add(TERN_STAT_ETH_DROP_RUNT, f, 0, "zero length");
}

static int
build_corpus(void **state)
{
	corpus = calloc(1, sizeof(*corpus));
	if (corpus == NULL)
		return -1;
	add_truncations();
	add_ethernet_cases();
	add_ipv4_header_cases();
	add_address_cases();
	add_icmp_cases();
	add_arp_cases();
	add_segment_cases();
	return 0;
}

static int
free_corpus(void **state)
{
	free(corpus);
	corpus = NULL;
	return 0;
}

static bool
is_bad(const struct corpus_case *c)
{
	return nh_is_drop_stat(c->expect);
}

static struct rte_mbuf *
case_mbuf(const struct corpus_case *c, int tail_kind)
{
	uint8_t tail[TAIL_LEN];
	struct rte_mbuf *m;

	if (c->ncuts > 0) {
		m = nh_mbuf_chain(c->bytes, c->len, c->cuts, c->ncuts);
	} else {
		if (tail_kind == 0)
			memset(tail, 0, sizeof(tail));
		else if (tail_kind == 1)
			memset(tail, 0xff, sizeof(tail));
		else
			memcpy(tail, c->bytes + c->len, sizeof(tail));
		m = nh_mbuf_with_tail(c->bytes, c->len, tail, sizeof(tail));
	}
	m->ol_flags = c->ol_flags;
	return m;
}

static void
run_case(const struct corpus_case *c, int tail_kind)
{
	struct tern_stats before = nh_env.ctx.stats;
	unsigned int in_use = nh_in_use();
	uint64_t moved, dropped;

	nh_input(case_mbuf(c, tail_kind));
	moved = nh_delta(&before, c->expect);
	dropped = nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before);
	if (moved != 1 || dropped != (is_bad(c) ? 1u : 0u)) {
		print_error("case '%s' (tail %d): %s moved by %lu, drops %lu\n",
			    c->name, tail_kind, tern_stat_name(c->expect),
			    (unsigned long)moved, (unsigned long)dropped);
		tern_stats_print(stderr, &nh_env.ctx.stats);
		fail();
	}
	if (is_bad(c))
		assert_int_equal(nh_env.nsent, 0);
	nh_clear_sent();
	assert_int_equal(nh_in_use(), in_use);
}

static void
test_each_frame_alone(void **state)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < corpus->n; i++) {
		const struct corpus_case *c = &corpus->c[i];
		int variants = c->ncuts > 0 ? 1 : 3;

		for (int t = 0; t < variants; t++)
			run_case(c, t);
		bad += is_bad(c);
	}
	/* The corpus covers what it claims to. */
	assert_true(corpus->n > 200);
	assert_true(bad > 180);
}

/* The whole corpus as bursts much larger than one RX burst: counters
 * add up exactly the same. */
static void
test_whole_corpus_in_bursts(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;
	uint64_t expected[TERN_STAT_MAX] = { 0 };
	struct rte_mbuf *burst[200];
	unsigned int in_use = nh_in_use();
	unsigned int bad = 0, i = 0;

	while (i < corpus->n) {
		uint16_t n = 0;

		while (i < corpus->n && n < RTE_DIM(burst)) {
			const struct corpus_case *c = &corpus->c[i++];

			expected[c->expect]++;
			bad += is_bad(c);
			burst[n++] = case_mbuf(c, 2);
		}
		nh_input_burst(burst, n);
		nh_clear_sent();
	}
	for (unsigned int s = 0; s < nh_ndrop_stats; s++)
		assert_int_equal(nh_delta(&before, nh_drop_stats[s]),
				 expected[nh_drop_stats[s]]);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 bad);
	assert_int_equal(nh_delta(&before, TERN_STAT_RX_PKTS), corpus->n);
	assert_int_equal(nh_in_use(), in_use);
}

/*
 * The frame of a TCP segment takes the quick IPv4 input (tern_eth.c),
 * which reads the RX flags in one test for the usual frame: a VLAN tag
 * the port stripped, a header checksum the port calls bad, and one it
 * did not check that is wrong must still get the general path's
 * verdicts, with the port's checksum offload on and off.
 */
static void
test_tcp_frame_rx_flags(void **state)
{
	static const uint64_t vlan = RTE_MBUF_F_RX_VLAN |
				     RTE_MBUF_F_RX_VLAN_STRIPPED;
	uint8_t good[NH_FRAME_MAX], bad[NH_FRAME_MAX];
	size_t len = syn_frame(good);
	const struct {
		bool offload;
		bool cksum_right;
		uint64_t ol_flags;
		tern_stat_t expect;
	} cases[] = {
		{ false, true, 0, TERN_STAT_IP_IN_DELIVERS },
		/* Port off: its flags are meaningless and ignored. */
		{ false, false, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		  TERN_STAT_IP_IN_CSUM_ERRORS },
		{ false, true, vlan, TERN_STAT_ETH_DROP_VLAN },
		{ false, true, RTE_MBUF_F_RX_QINQ_STRIPPED,
		  TERN_STAT_ETH_DROP_VLAN },
		/* Port on: GOOD and NONE vouch for the header. */
		{ true, false, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		  TERN_STAT_IP_IN_DELIVERS },
		{ true, false, RTE_MBUF_F_RX_IP_CKSUM_NONE,
		  TERN_STAT_IP_IN_DELIVERS },
		{ true, true, RTE_MBUF_F_RX_IP_CKSUM_BAD,
		  TERN_STAT_IP_IN_CSUM_ERRORS },
		{ true, false, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
		  TERN_STAT_IP_IN_CSUM_ERRORS },
		{ true, true, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
		  TERN_STAT_IP_IN_DELIVERS },
		{ true, true, RTE_MBUF_F_RX_IP_CKSUM_GOOD | vlan,
		  TERN_STAT_ETH_DROP_VLAN },
		{ true, true, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
		  RTE_MBUF_F_RX_QINQ_STRIPPED, TERN_STAT_ETH_DROP_VLAN },
	};
	unsigned int in_use = nh_in_use();

	memcpy(bad, good, sizeof(bad));
	bad[14 + 10] ^= 0x5a;   /* IP checksum */
	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		struct tern_stats before = nh_env.ctx.stats;
		struct rte_mbuf *m;
		bool drop = nh_is_drop_stat(cases[i].expect);

		nh_env.ctx.ifc.rx_cksum = cases[i].offload;
		m = nh_mbuf(cases[i].cksum_right ? good : bad, len);
		m->ol_flags = cases[i].ol_flags;
		nh_input(m);
		if (nh_delta(&before, cases[i].expect) != 1 ||
		    nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before) !=
		    (drop ? 1u : 0u))
			fail_msg("case %u: %s not counted alone", i,
				 tern_stat_name(cases[i].expect));
		/* Delivered, the SYN to no listener is answered (RST). */
		assert_int_equal(nh_env.nsent, drop ? 0 : 1);
		nh_clear_sent();
		assert_int_equal(nh_in_use(), in_use);
	}
}

/* Every lib/net counter is either a drop reason (nh_drop_stats) or one
 * of these, so that the sums above mean what they say when someone adds
 * a counter. */
static void
test_every_net_counter_is_classified(void **state)
{
	static const tern_stat_t not_drops[] = {
		TERN_STAT_ARP_IN,
		TERN_STAT_ARP_REPLIES_SENT,
		TERN_STAT_ARP_REQUESTS_SENT,
		TERN_STAT_ARP_ANNOUNCES_SENT,
		TERN_STAT_ARP_EVICTIONS,
		TERN_STAT_ARP_LEARN_SKIPPED,
		TERN_STAT_ARP_LEARNED_SHARED,
		TERN_STAT_IP_IN_RECEIVES,
		TERN_STAT_IP_IN_DELIVERS,
		TERN_STAT_IP_OUT_REQUESTS,
		TERN_STAT_ICMP_IN_MSGS,
		TERN_STAT_ICMP_IN_ECHOS,
		TERN_STAT_ICMP_IN_DEST_UNREACHS,
		TERN_STAT_ICMP_IN_TIME_EXCDS,
		TERN_STAT_ICMP_IN_PARM_PROBS,
		TERN_STAT_ICMP_OUT_ECHO_REPS,
	};
	unsigned int classified = 0;

	for (unsigned int id = TERN_STAT_ETH_DROP_RUNT;
	     id <= TERN_STAT_ICMP_OUT_ECHO_REPS; id++) {
		bool other = false;

		for (unsigned int j = 0; j < RTE_DIM(not_drops); j++)
			other |= not_drops[j] == id;
		if (nh_is_drop_stat((tern_stat_t)id) == other)
			fail_msg("counter %s: classify it in the test",
				 tern_stat_name((tern_stat_t)id));
		classified++;
	}
	assert_int_equal(classified, nh_ndrop_stats + RTE_DIM(not_drops));
}

static int
setup_peer_known(void **state)
{
	nh_setup(NULL);
	nh_learn(NH_PEER_IP, &nh_peer_mac);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_peer_known, \
					     nh_cm_teardown)
		T(test_each_frame_alone),
		T(test_whole_corpus_in_bursts),
		T(test_every_net_counter_is_classified),
		T(test_tcp_frame_rx_flags),
#undef T
	};
	int rc;

	if (nh_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, build_corpus, free_corpus);
	rte_eal_cleanup();
	return rc;
}
