/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the IPv6 input parsers (net_parse6.c): the fixed
 * header, the extension-header walk, the ICMPv6 header and Neighbour
 * Discovery. Input: one byte of "segment cut" (how much of the datagram
 * the first mbuf segment holds), then the datagram from its IPv6
 * header on. Checks, aborting on failure:
 *  - an accepted datagram's upper layer starts inside it, after the
 *    fixed header, and is TCP or ICMPv6;
 *  - a refusal is one of lib/net's counters, and asks for a parameter
 *    problem only with a code of 0, 1 or 2 pointing inside the
 *    datagram;
 *  - an accepted ND message has a non-multicast target.
 * libFuzzer hands over a heap copy of exactly the input size, so ASan
 * reports any read past what a parser was told it may read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "net_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_parse6: %s\n", why);
	abort();
}

static void
check_refusal(tern_stat_t v, const struct net_ipv6_repr *r, uint32_t len)
{
	if (v < TERN_STAT_CORE_END || v >= NET_ACCEPT)
		fuzz_fail("refusal is not a lib/net counter");
	if (r->pp_code == NET_PP_NONE)
		return;
	if (r->pp_code > 2)
		fuzz_fail("parameter problem code out of range");
	if (r->pp_ptr >= len)
		fuzz_fail("parameter problem points past the datagram");
}

static void
fuzz_nd(const uint8_t *l4, uint32_t seg_len, uint32_t len,
	const struct net_ipv6_repr *r)
{
	struct net_nd_repr nd;

	if (net_nd_parse(l4, seg_len, len, r, &nd) != NET_ACCEPT)
		return;
	if (tern_ip6_is_multicast(&nd.target))
		fuzz_fail("ND accepted a multicast target");
	if (len < NET_ND_NS_LEN)
		fuzz_fail("ND accepted a short message");
}

/* @p data: the first @p seg_len bytes of a datagram of @p len. */
static void
fuzz_datagram(const uint8_t *data, uint32_t seg_len, uint32_t len)
{
	struct net_ipv6_repr r;
	struct net_icmp_repr icmp;
	uint32_t ip_len;
	tern_stat_t v;

	memset(&r, 0, sizeof(r));
	v = net_ipv6_parse(data, seg_len, len, &r);
	if (v == NET_ACCEPT)
		v = net_ipv6_parse_ext(data, seg_len, &r);
	if (v != NET_ACCEPT) {
		check_refusal(v, &r, len);
		return;
	}
	ip_len = NET_IPV6_HLEN + r.payload_len;
	if (ip_len > len || r.l4_off < NET_IPV6_HLEN || r.l4_off > ip_len ||
	    r.l4_off > seg_len)
		fuzz_fail("upper layer outside the datagram or segment");
	if (r.proto != IPPROTO_TCP && r.proto != IPPROTO_ICMPV6)
		fuzz_fail("accepted an upper layer that is not handled");
	if (r.proto != IPPROTO_ICMPV6)
		return;
	if (net_icmp6_parse(data + r.l4_off, seg_len - r.l4_off,
			    ip_len - r.l4_off, &icmp) == NET_ACCEPT &&
	    (icmp.type == 135 || icmp.type == 136))
		fuzz_nd(data + r.l4_off, seg_len - r.l4_off, ip_len - r.l4_off,
			&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len, seg_len;
	uint8_t *seg;

	if (size < 1 || size > 4096)
		return 0;
	len = (uint32_t)(size - 1);
	/* Three quarters of it or more, in an exact copy, so that ASan
	 * sees any read past what the parsers are told is readable. */
	seg_len = len - (len * data[0]) / 1024;
	seg = malloc(seg_len == 0 ? 1 : seg_len);
	if (seg == NULL)
		return 0;
	memcpy(seg, data + 1, seg_len);
	fuzz_datagram(seg, seg_len, len);
	free(seg);
	return 0;
}
