/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "sim_frame.h"

#define ETH_HLEN 14
#define IP_HLEN_MIN 20
#define TCP_HLEN_MIN 20
#define IP6_HLEN 40
/* Extension headers the parser walks before it gives up (lib/net's
 * limit is 8; a trace only needs to show what the frame is). */
#define IP6_EXT_MAX 8
#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_DSTOPTS 60
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
/* A frame never exceeds MTU 9000 plus L2 in these tests; 16 KiB is slack. */
#define FRAME_COPY_MAX 16384

uint32_t
sim_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t
sim_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Our own reading of RFC 9293 3.1 / RFC 7323 / RFC 2018, independent of
 * lib/tcp/tcp_options.c. Known kinds with a wrong length are ignored. */
static void
parse_tcp_opts(const uint8_t *p, unsigned int len, struct sim_tcp_opts *o)
{
	unsigned int i = 0;

	o->len = (uint8_t)len;
	while (i < len) {
		uint8_t kind = p[i];
		uint8_t olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || p[i + 1] < 2 || i + p[i + 1] > len) {
			o->malformed = true;
			return;
		}
		olen = p[i + 1];
		switch (kind) {
		case 2:
			if (olen == 4) {
				o->mss_ok = true;
				o->mss = get16(p + i + 2);
			}
			break;
		case 3:
			if (olen == 3) {
				o->ws_ok = true;
				o->ws = p[i + 2];
			}
			break;
		case 4:
			if (olen == 2)
				o->sack_perm = true;
			break;
		case 5:
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				unsigned int n = (olen - 2u) / 8u;

				for (unsigned int k = 0; k < n && k < SIM_SACK_MAX;
				     k++) {
					o->sack[k].start =
						get32(p + i + 2 + 8 * k);
					o->sack[k].end =
						get32(p + i + 6 + 8 * k);
					o->nsack = (uint8_t)(k + 1);
				}
			}
			break;
		case 8:
			if (olen == 10) {
				o->ts_ok = true;
				o->tsval = get32(p + i + 2);
				o->tsecr = get32(p + i + 6);
			}
			break;
		default:
			o->nunknown++;
			break;
		}
		i += olen;
	}
}

/* @p pseudo: the sum of the pseudo-header of either family. */
static void
parse_tcp(uint32_t pseudo, const uint8_t *l4, uint32_t l4_len,
	  struct sim_hdr *h, const uint8_t **payload)
{
	if (l4_len < TCP_HLEN_MIN)
		return;
	h->kind = SIM_PKT_TCP;
	h->sport = get16(l4);
	h->dport = get16(l4 + 2);
	h->seq = get32(l4 + 4);
	h->ack = get32(l4 + 8);
	h->doff_bytes = (uint8_t)((l4[12] >> 4) * 4);
	h->flags = l4[13];
	h->win = get16(l4 + 14);
	h->urp = get16(l4 + 18);
	h->tcp_csum_ok = sim_csum_fold(sim_csum_add(pseudo, l4, l4_len)) == 0;
	if (h->doff_bytes < TCP_HLEN_MIN || h->doff_bytes > l4_len) {
		h->opts.malformed = true;
		return;
	}
	parse_tcp_opts(l4 + TCP_HLEN_MIN, h->doff_bytes - TCP_HLEN_MIN,
		       &h->opts);
	h->payload_len = l4_len - h->doff_bytes;
	*payload = l4 + h->doff_bytes;
}

/* ICMP (@p pseudo 0) or ICMPv6 (the pseudo-header's sum). */
static void
parse_icmp(uint32_t pseudo, const uint8_t *l4, uint32_t l4_len,
	   struct sim_hdr *h, const uint8_t **payload)
{
	if (l4_len < 8)
		return;
	h->kind = h->family == 6 ? SIM_PKT_ICMP6 : SIM_PKT_ICMP;
	h->icmp_type = l4[0];
	h->icmp_code = l4[1];
	h->icmp_id = get16(l4 + 4);
	h->icmp_seq = get16(l4 + 6);
	h->icmp_csum_ok =
		sim_csum_fold(sim_csum_add(pseudo, l4, l4_len)) == 0;
	h->payload_len = l4_len - 8;
	*payload = l4 + 8;
}

/* NS and NA (RFC 4861 4.3, 4.4): the target and a link-layer option. */
static void
parse_nd(const uint8_t *l4, uint32_t l4_len, struct sim_hdr *h)
{
	uint32_t off = 24;

	if (h->kind != SIM_PKT_ICMP6 || l4_len < 24 ||
	    (h->icmp_type != SIM_ND_NS && h->icmp_type != SIM_ND_NA))
		return;
	h->nd_flags = l4[4];
	memcpy(h->nd_target.b, l4 + 8, 16);
	while (off + 2 <= l4_len && l4[off + 1] != 0 &&
	       off + l4[off + 1] * 8u <= l4_len) {
		if ((l4[off] == ND_OPT_SLLA || l4[off] == ND_OPT_TLLA) &&
		    l4[off + 1] == 1) {
			h->nd_lladdr_ok = true;
			memcpy(&h->nd_lladdr, l4 + off + 2, 6);
		}
		off += l4[off + 1] * 8u;
	}
}

static void
parse_ipv4(const uint8_t *ip, uint32_t avail, struct sim_hdr *h,
	   const uint8_t **payload)
{
	unsigned int ihl;
	uint32_t tot;

	h->kind = SIM_PKT_IPV4;
	h->family = 4;
	if (avail < IP_HLEN_MIN)
		return;
	ihl = (ip[0] & 0x0f) * 4u;
	tot = get16(ip + 2);
	h->ip_len = (uint16_t)tot;
	h->ip_id = get16(ip + 4);
	h->ip_frag = get16(ip + 6);
	h->ip_ttl = ip[8];
	h->ip_proto = ip[9];
	memcpy(&h->ip_src, ip + 12, 4);
	memcpy(&h->ip_dst, ip + 16, 4);
	if (ihl < IP_HLEN_MIN || ihl > avail || tot < ihl || tot > avail)
		return;
	h->ip_csum_ok = sim_csum_fold(sim_csum_add(0, ip, ihl)) == 0;
	/* pseudo-header: src, dst, zero+proto, TCP length */
	if (h->ip_proto == IPPROTO_TCP)
		parse_tcp(sim_csum_add(0, ip + 12, 8) + IPPROTO_TCP + tot - ihl,
			  ip + ihl, tot - ihl, h, payload);
	else if (h->ip_proto == IPPROTO_ICMP)
		parse_icmp(0, ip + ihl, tot - ihl, h, payload);
}

uint32_t
sim_csum_pseudo6(const struct tern_ip6 *src, const struct tern_ip6 *dst,
		 uint8_t nh, uint32_t len)
{
	uint32_t sum = sim_csum_add(0, src->b, 16);

	sum = sim_csum_add(sum, dst->b, 16);
	return sum + (len >> 16) + (len & 0xffff) + nh;
}

/* IPv6 (RFC 8200): the fixed header, then hop-by-hop, routing and
 * destination options headers skipped (at most IP6_EXT_MAX); a
 * fragment or anything else but TCP and ICMPv6 stays SIM_PKT_IPV6. */
static void
parse_ipv6(const uint8_t *ip, uint32_t avail, struct sim_hdr *h,
	   const uint8_t **payload)
{
	uint32_t off = IP6_HLEN, end;
	uint8_t nh;

	h->kind = SIM_PKT_IPV6;
	h->family = 6;
	if (avail < IP6_HLEN || ip[0] >> 4 != 6)
		return;
	h->ip6_tc_flow = get32(ip) & 0x0fffffff;
	h->ip_len = (uint16_t)(IP6_HLEN + get16(ip + 4));
	h->ip_ttl = ip[7];
	memcpy(h->ip6_src.b, ip + 8, 16);
	memcpy(h->ip6_dst.b, ip + 24, 16);
	end = h->ip_len;
	if (end > avail)
		return;
	h->ip_csum_ok = true;
	nh = ip[6];
	while ((nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_DSTOPTS) &&
	       h->ip6_ext < IP6_EXT_MAX && off + 8 <= end) {
		uint32_t len = 8u + ip[off + 1] * 8u;

		h->ip6_ext++;
		nh = ip[off];
		off += len;
	}
	h->ip_proto = nh;
	if (off > end)
		return;
	if (nh == IPPROTO_TCP) {
		parse_tcp(sim_csum_pseudo6(&h->ip6_src, &h->ip6_dst, nh,
					   end - off),
			  ip + off, end - off, h, payload);
	} else if (nh == IPPROTO_ICMPV6) {
		parse_icmp(sim_csum_pseudo6(&h->ip6_src, &h->ip6_dst, nh,
					    end - off),
			   ip + off, end - off, h, payload);
		parse_nd(ip + off, end - off, h);
	}
}

static void
parse_arp(const uint8_t *a, uint32_t avail, struct sim_hdr *h)
{
	if (avail < 28)
		return;
	h->kind = SIM_PKT_ARP;
	h->arp_op = get16(a + 6);
	memcpy(&h->arp_sha, a + 8, 6);
	memcpy(&h->arp_spa, a + 14, 4);
	memcpy(&h->arp_tha, a + 18, 6);
	memcpy(&h->arp_tpa, a + 24, 4);
}

/* Fill @p h from the frame at @p f; *payload points into @p f. */
static void
parse_buf(const uint8_t *f, uint32_t len, struct sim_hdr *h,
	  const uint8_t **payload)
{
	memset(h, 0, sizeof(*h));
	*payload = NULL;
	h->frame_len = len;
	if (len < ETH_HLEN)
		return;
	memcpy(&h->eth_dst, f, 6);
	memcpy(&h->eth_src, f + 6, 6);
	h->ethertype = get16(f + 12);
	if (h->ethertype == RTE_ETHER_TYPE_ARP)
		parse_arp(f + ETH_HLEN, len - ETH_HLEN, h);
	else if (h->ethertype == RTE_ETHER_TYPE_IPV4)
		parse_ipv4(f + ETH_HLEN, len - ETH_HLEN, h, payload);
	else if (h->ethertype == RTE_ETHER_TYPE_IPV6)
		parse_ipv6(f + ETH_HLEN, len - ETH_HLEN, h, payload);
}

void
sim_pkt_parse(const struct rte_mbuf *m, struct sim_pkt *out,
	      bool copy_payload)
{
	uint8_t buf[FRAME_COPY_MAX];
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m),
			       (uint32_t)FRAME_COPY_MAX);
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, buf);
	const uint8_t *payload;

	parse_buf(f, f == NULL ? 0 : len, &out->h, &payload);
	if (copy_payload && payload != NULL)
		memcpy(out->payload, payload,
		       RTE_MIN(out->h.payload_len, (uint32_t)SIM_PAYLOAD_MAX));
}

void
sim_hdr_parse(const struct rte_mbuf *m, struct sim_hdr *h)
{
	uint8_t buf[FRAME_COPY_MAX];
	uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m),
			       (uint32_t)FRAME_COPY_MAX);
	const uint8_t *f = rte_pktmbuf_read(m, 0, len, buf);
	const uint8_t *payload;

	parse_buf(f, f == NULL ? 0 : len, h, &payload);
}

void
sim_flags_format(uint8_t flags, char *buf, size_t size)
{
	static const struct {
		uint8_t bit;
		char c;
	} names[] = {
		{ SIM_SYN, 'S' }, { SIM_FIN, 'F' }, { SIM_RST, 'R' },
		{ SIM_PSH, 'P' }, { SIM_URG, 'U' }, { RTE_TCP_ECE_FLAG, 'E' },
		{ RTE_TCP_CWR_FLAG, 'W' }, { SIM_ACK, '.' },
	};
	size_t n = 0;

	for (size_t i = 0; i < RTE_DIM(names) && n + 1 < size; i++)
		if (flags & names[i].bit)
			buf[n++] = names[i].c;
	if (n == 0 && size > 1)
		buf[n++] = '-';
	buf[n < size ? n : size - 1] = '\0';
}

static int
format_opts(const struct sim_tcp_opts *o, char *buf, size_t size)
{
	int n = 0;

#define APPEND(...) \
	do { \
		if ((size_t)n < size) \
			n += snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
	if (o->malformed)
		APPEND("malformed,");
	if (o->mss_ok)
		APPEND("mss %u,", o->mss);
	if (o->sack_perm)
		APPEND("sackOK,");
	if (o->ts_ok)
		APPEND("TS %u:%u,", o->tsval, o->tsecr);
	if (o->ws_ok)
		APPEND("wscale %u,", o->ws);
	for (unsigned int i = 0; i < o->nsack; i++)
		APPEND("sack %u-%u,", o->sack[i].start, o->sack[i].end);
	if (o->nunknown)
		APPEND("unknown x%u,", o->nunknown);
#undef APPEND
	if (n > 0 && (size_t)n <= size)
		buf[n - 1] = '\0';
	return n;
}

static void
ip_format(rte_be32_t a, char *buf, size_t size)
{
	const uint8_t *b = (const uint8_t *)&a;

	snprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void
sim_ip6_format(const struct tern_ip6 *a, char *buf, size_t size)
{
	if (inet_ntop(AF_INET6, a->b, buf, (socklen_t)size) == NULL &&
	    size > 0)
		buf[0] = '\0';
}

static void
icmp6_format(const struct sim_hdr *h, char *buf, size_t size)
{
	char t[INET6_ADDRSTRLEN], l[24] = "";

	sim_ip6_format(&h->nd_target, t, sizeof(t));
	if (h->nd_lladdr_ok)
		snprintf(l, sizeof(l), " " RTE_ETHER_ADDR_PRT_FMT,
			 RTE_ETHER_ADDR_BYTES(&h->nd_lladdr));
	if (h->icmp_type == SIM_ND_NS)
		snprintf(buf, size, "ND NS who-has %s%s%s%s", t,
			 h->nd_lladdr_ok ? " tell" : "", l,
			 h->icmp_csum_ok ? "" : " BADSUM");
	else if (h->icmp_type == SIM_ND_NA)
		snprintf(buf, size, "ND NA %s%s%s is-at%s%s", t,
			 h->nd_flags & 0x40 ? " S" : "",
			 h->nd_flags & 0x20 ? " O" : "", l,
			 h->icmp_csum_ok ? "" : " BADSUM");
	else
		snprintf(buf, size, "ICMP6 type %u code %u id %u seq %u "
			 "len %u%s", h->icmp_type, h->icmp_code, h->icmp_id,
			 h->icmp_seq, h->payload_len,
			 h->icmp_csum_ok ? "" : " BADSUM");
}

void
sim_hdr_format(const struct sim_hdr *h, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], fl[12], opts[160];

	switch (h->kind) {
	case SIM_PKT_ARP:
		ip_format(h->arp_spa, a, sizeof(a));
		ip_format(h->arp_tpa, b, sizeof(b));
		if (h->arp_op == 1)
			snprintf(buf, size, "ARP who-has %s tell %s", b, a);
		else
			snprintf(buf, size, "ARP reply %s is-at "
				 RTE_ETHER_ADDR_PRT_FMT, a,
				 RTE_ETHER_ADDR_BYTES(&h->arp_sha));
		return;
	case SIM_PKT_ICMP:
		snprintf(buf, size, "ICMP type %u code %u id %u seq %u len %u%s",
			 h->icmp_type, h->icmp_code, h->icmp_id, h->icmp_seq,
			 h->payload_len, h->icmp_csum_ok ? "" : " BADSUM");
		return;
	case SIM_PKT_TCP:
		sim_flags_format(h->flags, fl, sizeof(fl));
		opts[0] = '\0';
		format_opts(&h->opts, opts, sizeof(opts));
		snprintf(buf, size,
			 "%u>%u %-3s seq=%u ack=%u win=%u len=%u%s%s%s%s",
			 h->sport, h->dport, fl, h->seq, h->ack, h->win,
			 h->payload_len, opts[0] ? " <" : "", opts,
			 opts[0] ? ">" : "",
			 !h->ip_csum_ok ? " BAD-IP-CSUM" :
			 !h->tcp_csum_ok ? " BAD-TCP-CSUM" : "");
		return;
	case SIM_PKT_ICMP6:
		icmp6_format(h, buf, size);
		return;
	case SIM_PKT_IPV6:
		sim_ip6_format(&h->ip6_src, a, sizeof(a));
		sim_ip6_format(&h->ip6_dst, b, sizeof(b));
		snprintf(buf, size, "IPv6 nh %u %s -> %s len %u", h->ip_proto,
			 a, b, h->ip_len);
		return;
	case SIM_PKT_IPV4:
		ip_format(h->ip_src, a, sizeof(a));
		ip_format(h->ip_dst, b, sizeof(b));
		snprintf(buf, size, "IPv4 proto %u %s -> %s len %u",
			 h->ip_proto, a, b, h->ip_len);
		return;
	default:
		snprintf(buf, size, "frame ethertype 0x%04x len %u",
			 h->ethertype, h->frame_len);
		return;
	}
}

unsigned int
sim_tcp_opts_encode(const struct sim_tcp_opts *o, uint8_t buf[40])
{
	unsigned int n = 0;

	if (o->mss_ok) {
		buf[n++] = 2;
		buf[n++] = 4;
		put16(buf + n, o->mss);
		n += 2;
	}
	if (o->sack_perm && o->ts_ok) {
		buf[n++] = 4;
		buf[n++] = 2;
	} else if (o->sack_perm) {
		buf[n++] = 1;
		buf[n++] = 1;
		buf[n++] = 4;
		buf[n++] = 2;
	} else if (o->ts_ok) {
		buf[n++] = 1;
		buf[n++] = 1;
	}
	if (o->ts_ok) {
		buf[n++] = 8;
		buf[n++] = 10;
		put32(buf + n, o->tsval);
		put32(buf + n + 4, o->tsecr);
		n += 8;
	}
	if (o->ws_ok) {
		buf[n++] = 1;
		buf[n++] = 3;
		buf[n++] = 3;
		buf[n++] = o->ws;
	}
	if (o->nsack > 0) {
		unsigned int k = RTE_MIN((unsigned int)o->nsack,
					 (40u - n - 2u) / 8u);

		if (k > 0) {
			buf[n++] = 1;
			buf[n++] = 1;
			buf[n++] = 5;
			buf[n++] = (uint8_t)(2 + 8 * k);
			for (unsigned int i = 0; i < k; i++) {
				put32(buf + n, o->sack[i].start);
				put32(buf + n + 4, o->sack[i].end);
				n += 8;
			}
		}
	}
	return n;
}

static struct rte_mbuf *
alloc_frame(struct rte_mempool *pool, uint32_t len, uint8_t **data)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return NULL;
	*data = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (*data == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(*data, 0, len);
	return m;
}

static void
fill_eth(uint8_t *f, const struct rte_ether_addr *src,
	 const struct rte_ether_addr *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
}

static void
fill_ipv4(uint8_t *ip, uint32_t tot, uint8_t proto, uint8_t ttl,
	  rte_be32_t src, rte_be32_t dst)
{
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = ttl == 0 ? 64 : ttl;
	ip[9] = proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, sim_csum_fold(sim_csum_add(0, ip, IP_HLEN_MIN)));
}

static void
fill_ipv6(uint8_t *ip, uint32_t plen, uint8_t nh, uint8_t hlim,
	  const struct tern_ip6 *src, const struct tern_ip6 *dst)
{
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)plen);
	ip[6] = nh;
	ip[7] = hlim == 0 ? 64 : hlim;
	memcpy(ip + 8, src->b, 16);
	memcpy(ip + 24, dst->b, 16);
}

struct rte_mbuf *
sim_build_tcp(struct rte_mempool *pool, const struct sim_tcp_spec *s)
{
	uint8_t opts[64] = { 0 };
	unsigned int olen, hlen, doff, iphlen;
	uint32_t tcp_len, sum;
	struct rte_mbuf *m;
	uint8_t *f, *ip, *th;
	uint16_t csum;

	if (s->raw_opts != NULL) {
		olen = RTE_MIN((unsigned int)s->raw_opts_len, 60u);
		memcpy(opts, s->raw_opts, olen);
	} else {
		olen = sim_tcp_opts_encode(&s->opts, opts);
	}
	hlen = TCP_HLEN_MIN + RTE_ALIGN_CEIL(olen, 4u);
	doff = s->doff_words != 0 ? s->doff_words : hlen / 4;
	tcp_len = hlen + s->len;
	iphlen = s->family == 6 ? IP6_HLEN : IP_HLEN_MIN;
	m = alloc_frame(pool, ETH_HLEN + iphlen + tcp_len, &f);
	if (m == NULL)
		return NULL;
	ip = f + ETH_HLEN;
	if (s->family == 6) {
		fill_eth(f, &s->eth_src, &s->eth_dst, RTE_ETHER_TYPE_IPV6);
		fill_ipv6(ip, tcp_len, IPPROTO_TCP, s->ttl, &s->ip6_src,
			  &s->ip6_dst);
		sum = sim_csum_pseudo6(&s->ip6_src, &s->ip6_dst, IPPROTO_TCP,
				       tcp_len);
	} else {
		fill_eth(f, &s->eth_src, &s->eth_dst, RTE_ETHER_TYPE_IPV4);
		fill_ipv4(ip, IP_HLEN_MIN + tcp_len, IPPROTO_TCP, s->ttl,
			  s->ip_src, s->ip_dst);
		sum = sim_csum_add(0, ip + 12, 8) + IPPROTO_TCP + tcp_len;
	}
	th = ip + iphlen;
	put16(th, s->sport);
	put16(th + 2, s->dport);
	put32(th + 4, s->seq);
	put32(th + 8, s->ack);
	th[12] = (uint8_t)((doff & 0x0f) << 4);
	th[13] = s->flags;
	put16(th + 14, s->win);
	put16(th + 18, s->urp);
	memcpy(th + TCP_HLEN_MIN, opts, hlen - TCP_HLEN_MIN);
	if (s->len > 0)
		memcpy(th + hlen, s->data, s->len);
	csum = sim_csum_fold(sim_csum_add(sum, th, tcp_len));
	/* 0 would mean "no checksum" in UDP; TCP sends it as 0xffff. */
	if (csum == 0)
		csum = 0xffff;
	if (s->csum == SIM_CSUM_BAD)
		csum ^= 0x0100;
	else if (s->csum == SIM_CSUM_ZERO)
		csum = 0;
	put16(th + 16, csum);
	return m;
}

struct rte_mbuf *
sim_build_arp(struct rte_mempool *pool, uint16_t op,
	      const struct rte_ether_addr *eth_dst,
	      const struct rte_ether_addr *sha, rte_be32_t spa,
	      const struct rte_ether_addr *tha, rte_be32_t tpa)
{
	struct rte_mbuf *m;
	uint8_t *f, *a;

	m = alloc_frame(pool, ETH_HLEN + 28, &f);
	if (m == NULL)
		return NULL;
	fill_eth(f, sha, eth_dst, RTE_ETHER_TYPE_ARP);
	a = f + ETH_HLEN;
	put16(a, 1);                      /* Ethernet */
	put16(a + 2, RTE_ETHER_TYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tpa, 4);
	return m;
}

struct rte_mbuf *
sim_build_ipv4(struct rte_mempool *pool,
	       const struct rte_ether_addr *eth_src,
	       const struct rte_ether_addr *eth_dst,
	       rte_be32_t ip_src, rte_be32_t ip_dst, uint8_t proto,
	       const void *l4, uint32_t len)
{
	struct rte_mbuf *m;
	uint8_t *f;

	m = alloc_frame(pool, ETH_HLEN + IP_HLEN_MIN + len, &f);
	if (m == NULL)
		return NULL;
	fill_eth(f, eth_src, eth_dst, RTE_ETHER_TYPE_IPV4);
	fill_ipv4(f + ETH_HLEN, IP_HLEN_MIN + len, proto, 64, ip_src, ip_dst);
	if (len > 0)
		memcpy(f + ETH_HLEN + IP_HLEN_MIN, l4, len);
	return m;
}

struct rte_mbuf *
sim_build_ipv6(struct rte_mempool *pool,
	       const struct rte_ether_addr *eth_src,
	       const struct rte_ether_addr *eth_dst,
	       const struct tern_ip6 *src, const struct tern_ip6 *dst,
	       uint8_t nh, uint8_t hlim, const void *l4, uint32_t len)
{
	struct rte_mbuf *m;
	uint8_t *f, *l;
	uint16_t csum;

	m = alloc_frame(pool, ETH_HLEN + IP6_HLEN + len, &f);
	if (m == NULL)
		return NULL;
	fill_eth(f, eth_src, eth_dst, RTE_ETHER_TYPE_IPV6);
	fill_ipv6(f + ETH_HLEN, len, nh, hlim, src, dst);
	l = f + ETH_HLEN + IP6_HLEN;
	if (len > 0)
		memcpy(l, l4, len);
	if (nh == IPPROTO_ICMPV6 && len >= 4) {
		l[2] = 0;
		l[3] = 0;
		csum = sim_csum_fold(sim_csum_add(sim_csum_pseudo6(src, dst,
								   nh, len),
						  l, len));
		put16(l + 2, csum);
	}
	return m;
}

struct rte_mbuf *
sim_build_na(struct rte_mempool *pool, const struct rte_ether_addr *sha,
	     const struct rte_ether_addr *eth_dst, const struct tern_ip6 *src,
	     const struct tern_ip6 *dst, const struct tern_ip6 *target,
	     uint8_t flags)
{
	uint8_t na[32] = { SIM_ND_NA };

	na[4] = flags;
	memcpy(na + 8, target->b, 16);
	na[24] = ND_OPT_TLLA;
	na[25] = 1;
	memcpy(na + 26, sha->addr_bytes, 6);
	return sim_build_ipv6(pool, sha, eth_dst, src, dst, IPPROTO_ICMPV6,
			      255, na, sizeof(na));
}

void
sim_icmp_echo_fill(uint8_t *buf, uint32_t len, uint8_t type, uint16_t id,
		   uint16_t seq)
{
	buf[0] = type;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 0;
	put16(buf + 4, id);
	put16(buf + 6, seq);
	put16(buf + 2, sim_csum_fold(sim_csum_add(0, buf, len)));
}
