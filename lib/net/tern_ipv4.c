/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: input validation and delivery to TCP/ICMP, and output with
 * checksums (offloaded when the port can) and next-hop selection.
 * No fragmentation, no reassembly, no options on output.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "net_priv.h"
#include "tern_net.h"

#define IPV4_TTL_DEFAULT 64       /* RFC 1700's recommendation, as Linux */
#define TCP_HLEN_MIN 20u

static enum net_cksum_mode
ipv4_rx_cksum_mode(const struct tern_ctx *ctx, const struct rte_mbuf *m)
{
	if (!ctx->ifc.rx_cksum)
		return NET_CKSUM_VERIFY;
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
	case RTE_MBUF_F_RX_IP_CKSUM_NONE: /* header verified, field not */
		return NET_CKSUM_GOOD;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return NET_CKSUM_BAD;
	default:
		return NET_CKSUM_VERIFY;
	}
}

/*
 * TCP gets its whole header (options too) in the first segment whenever
 * the datagram holds it, so it never walks a chain to parse one. A header
 * the datagram does not hold is TCP's to count (DropBadHeader).
 */
static bool
ipv4_tcp_hdr_split(const uint8_t *l4, uint32_t seg_len, uint32_t l4_len)
{
	uint32_t doff_bytes;

	if (l4_len < TCP_HLEN_MIN)
		return false;
	if (seg_len < TCP_HLEN_MIN)
		return true;
	doff_bytes = (uint32_t)(l4[12] >> 4) * 4;
	return doff_bytes <= l4_len && doff_bytes > seg_len;
}

/* Cut @p m to @p len bytes (less than pkt_len), freeing whole segments
 * past it: Ethernet padding after the IP datagram. */
void
net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m;
	uint32_t kept = 0;
	uint16_t nb_segs = 1;

	while (kept + seg->data_len < len) {
		kept += seg->data_len;
		seg = seg->next;
		nb_segs++;
	}
	seg->data_len = (uint16_t)(len - kept);
	if (seg->next != NULL) {
		rte_pktmbuf_free(seg->next);
		seg->next = NULL;
	}
	m->nb_segs = nb_segs;
	m->pkt_len = len;
}

uint16_t
tern_raw_cksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;

	/*
	 * 32-bit halves of each 8-byte word into a 64-bit sum: 2^32 words
	 * before it could overflow, far beyond any packet.
	 */
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		sum += (w & 0xffffffffu) + (w >> 32);
	}
	for (; len >= 2; p += 2, len -= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		sum += h;
	}
	if (len == 1) {
		uint16_t h = 0;

		/* The odd byte pads to a word with zero after it. */
		memcpy(&h, p, 1);
		sum += h;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
tern_net_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct rte_mbuf *seg = m;
	uint32_t sum = 0, done = 0;

	if ((uint64_t)off + len > rte_pktmbuf_pkt_len(m))
		return 0;
	while (off >= seg->data_len && len > 0) {
		off -= seg->data_len;
		seg = seg->next;
	}
	while (done < len) {
		uint32_t n = RTE_MIN((uint32_t)seg->data_len - off, len - done);
		uint16_t part = tern_raw_cksum(
			rte_pktmbuf_mtod_offset(seg, const void *, off), n);

		/* A part starting at an odd offset of the whole has its
		 * bytes in the other halves of the 16-bit words. */
		if (done & 1)
			part = rte_bswap16(part);
		sum += part;
		done += n;
		off = 0;
		seg = seg->next;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static tern_stat_t
ipv4_validate(struct tern_ctx *ctx, const struct rte_mbuf *m,
	      const struct net_eth_repr *eth, struct net_ipv4_repr *r)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    NET_ETH_HLEN);
	uint32_t seg_len = rte_pktmbuf_data_len(m) - NET_ETH_HLEN;
	tern_stat_t verdict;

	verdict = net_ipv4_parse(l3, seg_len,
				 rte_pktmbuf_pkt_len(m) - NET_ETH_HLEN,
				 ipv4_rx_cksum_mode(ctx, m), r);
	if (verdict != NET_ACCEPT)
		return verdict;
	verdict = net_ipv4_check_addrs(r, &ctx->ifc, eth->link_bcast);
	if (verdict != NET_ACCEPT)
		return verdict;
	switch (r->proto) {
	case IPPROTO_TCP:
		if (ipv4_tcp_hdr_split(l3 + r->hdr_len, seg_len - r->hdr_len,
				       r->total_len - r->hdr_len))
			return TERN_STAT_NET_DROP_HDR_SPLIT;
		return NET_ACCEPT;
	case IPPROTO_ICMP:
		return NET_ACCEPT;
	default:
		return TERN_STAT_IP_IN_UNKNOWN_PROTO;
	}
}

enum net_l4
net_ipv4_input(struct tern_ctx *ctx, struct rte_mbuf *m,
	       const struct net_eth_repr *eth)
{
	struct net_ipv4_repr r;
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, TERN_STAT_IP_IN_RECEIVES);
	verdict = ipv4_validate(ctx, m, eth, &r);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return NET_L4_DROPPED;
	}
	if (rte_pktmbuf_pkt_len(m) > NET_ETH_HLEN + r.total_len)
		net_mbuf_trim_to(m, NET_ETH_HLEN + r.total_len);
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = r.hdr_len;
	/* Both headers are in the first segment: adj cannot fail. */
	rte_pktmbuf_adj(m, (uint16_t)(NET_ETH_HLEN + r.hdr_len));
	tern_stat_inc(&ctx->stats, TERN_STAT_IP_IN_DELIVERS);
	return r.proto == IPPROTO_TCP ? NET_L4_TCP : NET_L4_ICMP;
}

/* 0 when there is no way to @p dst: unconfigured, own, martian or
 * off-link without a gateway. */
static rte_be32_t
ipv4_next_hop(const struct tern_if_conf *ifc, rte_be32_t dst)
{
	if (ifc->ip == 0 || tern_ifc_is_ours(ifc, dst) ||
	    net_ipv4_addr_is_martian(dst, ifc))
		return 0;
	if (((dst ^ ifc->ip) & ifc->netmask) == 0)
		return dst;
	return ifc->gateway;
}

static void
ipv4_fill_header(struct rte_ipv4_hdr *ih, rte_be32_t src, rte_be32_t dst,
		 uint8_t proto, uint32_t l4_len)
{
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->type_of_service = 0;
	ih->total_length = rte_cpu_to_be_16((uint16_t)(NET_IPV4_HLEN_MIN +
						       l4_len));
	/* DF set: an atomic datagram may carry id 0 (RFC 6864 4.1). */
	ih->packet_id = 0;
	ih->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ih->time_to_live = IPV4_TTL_DEFAULT;
	ih->next_proto_id = proto;
	ih->hdr_checksum = 0;
	ih->src_addr = src;
	ih->dst_addr = dst;
}

/*
 * The pseudo-header sum (RFC 9293 3.1), as rte_ipv4_phdr_cksum() folds
 * it, in a few additions: 32-bit words summed natively fold to the same
 * one's complement sum as the 16-bit words in wire order. @p l4_len is
 * left out (0) for TSO, whose port adds each segment's own.
 */
static inline uint16_t
ipv4_phdr_sum(const struct rte_ipv4_hdr *ih, uint16_t l4_len)
{
	uint64_t sum = (uint64_t)ih->src_addr + ih->dst_addr +
		       rte_cpu_to_be_16((uint16_t)ih->next_proto_id) +
		       rte_cpu_to_be_16(l4_len);

	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* TCP checksum over the pseudo-header and the whole segment, which may
 * span segments; the TCP header itself is in the first one. */
static void
ipv4_fill_tcp_cksum(const struct tern_ctx *ctx, struct rte_mbuf *m,
		    struct rte_ipv4_hdr *ih, uint32_t l4_len)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ih + 1);
	uint32_t sum;

	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) {
		/* TSO: the port fills every segment's lengths and sums; the
		 * pseudo-header sum it starts from leaves the length out. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		ih->hdr_checksum = 0;
		th->cksum = ipv4_phdr_sum(ih, 0);
		return;
	}
	if (ctx->ifc.tx_tcp_cksum) {
		/* The port adds the segment to the pseudo-header sum. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = ipv4_phdr_sum(ih, (uint16_t)l4_len);
		return;
	}
	th->cksum = 0;
	sum = (uint32_t)tern_net_cksum_mbuf(m, TERN_L2L3_HDR_LEN, l4_len) +
	      ipv4_phdr_sum(ih, (uint16_t)l4_len);
	sum = (sum & 0xffff) + (sum >> 16);
	th->cksum = (uint16_t)~sum;
}

static void
ipv4_fill_cksums(const struct tern_ctx *ctx, struct rte_mbuf *m,
		 struct rte_ipv4_hdr *ih, uint32_t l4_len)
{
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV4_HLEN_MIN;
	m->ol_flags &= ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			 RTE_MBUF_F_TX_L4_MASK);
	if (ctx->ifc.tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ih->hdr_checksum = rte_ipv4_cksum(ih);
	if (ih->next_proto_id == IPPROTO_TCP)
		ipv4_fill_tcp_cksum(ctx, m, ih, l4_len);
}

/* A TSO frame may exceed the MTU: each segment the port cuts may not. */
static bool
ipv4_tso_fits(const struct tern_ctx *ctx, const struct rte_mbuf *m,
	      uint32_t l4_len)
{
	return (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) && ctx->ifc.tx_tso &&
	       m->tso_segsz != 0 &&
	       NET_IPV4_HLEN_MIN + m->l4_len + m->tso_segsz <= ctx->ifc.mtu &&
	       NET_IPV4_HLEN_MIN + l4_len <= UINT16_MAX;
}

int
tern_ipv4_output(struct tern_ctx *ctx, struct rte_mbuf *m, rte_be32_t dst,
		 uint8_t proto)
{
	return tern_ipv4_output_from(ctx, m, ctx->ifc.ip, dst, proto);
}

/* A one's complement sum folded to 16 bits (never 0 unless all its
 * words are). */
static inline uint32_t
ipv4_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

/* Two folded sums (at most 0xffff each) added and folded: one carry. */
static inline uint32_t
ipv4_fold2(uint32_t a, uint32_t b)
{
	uint32_t sum = a + b;

	return (sum & 0xffff) + (sum >> 16);
}

/* The header of TCP segments from @p src to @p dst through fresh entry
 * @p e, for ipv4_output_tcp_quick(). */
static void
ipv4_tx4_build(struct tern_ctx *ctx, const struct tern_arp_entry *e,
	       rte_be32_t src, rte_be32_t dst)
{
	struct tern_arp_table *tbl = ctx->arp;
	struct tern_arp_tx4 *t = &tbl->tx4;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);
	uint32_t w[5];

	memset(t->hdr, 0, sizeof(t->hdr));
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ipv4_fill_header(ih, src, dst, IPPROTO_TCP, 0);
	ih->total_length = 0;
	memcpy(w, ih, sizeof(w));
	t->ip_sum = ipv4_fold((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]);
	t->phdr_sum = ipv4_phdr_sum(ih, 0);
	t->idx = (uint8_t)(e - tbl->e);
	t->gen = tbl->gen;
	t->src = src;
	t->dst = dst;
}

/* The TCP checksum in software: th->cksum holds the pseudo-header sum.
 * Out of line: the quick path then keeps few registers. */
static __rte_noinline void
ipv4_tcp_cksum_sw(const struct rte_mbuf *m, struct rte_tcp_hdr *th,
		  uint32_t l4_len)
{
	uint32_t phdr = th->cksum;

	th->cksum = 0;
	th->cksum = (uint16_t)~ipv4_fold2(
		tern_net_cksum_mbuf(m, TERN_L2L3_HDR_LEN, l4_len), phdr);
}

/*
 * The TCP segment @p m (not TSO) from @p src to @p dst, when the header
 * kept for them still holds (ctx->arp->tx4: the same entry, still
 * fresh): its frame is the kept header, the lengths and the checksums
 * (as ipv4_fill_header() and ipv4_fill_cksums() would write them), and
 * it is queued. False: nothing done, the general path takes it.
 */
static __rte_always_inline bool
ipv4_output_tcp_quick(struct tern_ctx *ctx, struct rte_mbuf *m,
		      rte_be32_t src, rte_be32_t dst)
{
	const struct tern_arp_table *tbl = ctx->arp;
	const struct tern_arp_tx4 *t = &tbl->tx4;
	const struct tern_arp_entry *e = &tbl->e[t->idx];
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ih;
	struct rte_tcp_hdr *th;
	rte_be16_t ip_len;
	uint64_t flags;

	if (t->dst != dst || t->src != src || t->gen != tbl->gen ||
	    ctx->now_ns - e->confirmed_ns >= tbl->timeout_ns)
		return false;
	/* A full batch is the general path's to count (TxBatchFull). */
	if (l4_len + NET_IPV4_HLEN_MIN > ctx->ifc.mtu ||
	    rte_pktmbuf_data_len(m) < TCP_HLEN_MIN ||
	    m->data_off < TERN_L2L3_HDR_LEN ||
	    (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0 ||
	    ctx->tx.count == TERN_TX_BATCH_MAX)
		return false;
	m->data_off = (uint16_t)(m->data_off - TERN_L2L3_HDR_LEN);
	m->data_len = (uint16_t)(m->data_len + TERN_L2L3_HDR_LEN);
	m->pkt_len += TERN_L2L3_HDR_LEN;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memcpy(eh, t->hdr, sizeof(t->hdr));
	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	ih = (struct rte_ipv4_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ih + 1);
	ip_len = rte_cpu_to_be_16((uint16_t)(NET_IPV4_HLEN_MIN + l4_len));
	ih->total_length = ip_len;
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV4_HLEN_MIN;
	flags = m->ol_flags & ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
				RTE_MBUF_F_TX_L4_MASK);
	if (ctx->ifc.tx_ip_cksum)
		flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ih->hdr_checksum = (uint16_t)~ipv4_fold2(t->ip_sum, ip_len);
	if (ctx->ifc.tx_tcp_cksum)
		flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	m->ol_flags = flags;
	/* The port adds the segment to the pseudo-header sum. */
	th->cksum = (uint16_t)ipv4_fold2(t->phdr_sum,
					 rte_cpu_to_be_16((uint16_t)l4_len));
	if (!ctx->ifc.tx_tcp_cksum)
		ipv4_tcp_cksum_sw(m, th, l4_len);
	tern_stat_inc(&ctx->stats, TERN_STAT_IP_OUT_REQUESTS);
	ctx->tx.pkts[ctx->tx.count++] = m;
	return true;
}

/* Everything but the quick way: out of line, so that the quick one
 * saves no registers for it. */
static __rte_noinline int
ipv4_output_general(struct tern_ctx *ctx, struct rte_mbuf *m,
		    rte_be32_t src, rte_be32_t dst, uint8_t proto)
{
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	const struct tern_arp_entry *last;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ih;
	rte_be32_t nexthop = 0;
	int rc;

	if (l4_len + NET_IPV4_HLEN_MIN > ctx->ifc.mtu &&
	    !ipv4_tso_fits(ctx, m, l4_len)) {
		tern_drop(ctx, m, TERN_STAT_IP_OUT_TOO_BIG);
		return -EMSGSIZE;
	}
	if (proto == IPPROTO_TCP && rte_pktmbuf_data_len(m) < TCP_HLEN_MIN) {
		tern_drop(ctx, m, TERN_STAT_IP_OUT_BAD_L4);
		return -EINVAL;
	}
	/* A segment to where the last one went: same next hop, entry
	 * still fresh (lib/net/tern_arp.h). */
	last = net_arp_last_fresh(ctx, dst);
	if (last == NULL) {
		nexthop = ipv4_next_hop(&ctx->ifc, dst);
		if (nexthop == 0) {
			tern_drop(ctx, m, TERN_STAT_IP_OUT_NO_ROUTE);
			return -EHOSTUNREACH;
		}
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m,
						 TERN_L2L3_HDR_LEN);
	if (eh == NULL) {
		tern_drop(ctx, m, TERN_STAT_IP_OUT_NO_HEADROOM);
		return -ENOBUFS;
	}
	ih = (struct rte_ipv4_hdr *)(eh + 1);
	ipv4_fill_header(ih, src, dst, proto, l4_len);
	ipv4_fill_cksums(ctx, m, ih, l4_len);
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	tern_stat_inc(&ctx->stats, TERN_STAT_IP_OUT_REQUESTS);
	if (last != NULL) {
		net_arp_xmit(ctx, last, m);
		rc = 0;
	} else {
		rc = net_neigh_output(ctx, m, nexthop, dst);
		last = net_arp_last_fresh(ctx, dst);
	}
	/* The next segment to where this one went takes the quick way
	 * (this one did not: another source or destination, TSO, or the
	 * entry was not the kept one). */
	if (proto == IPPROTO_TCP && last != NULL)
		ipv4_tx4_build(ctx, last, src, dst);
	return rc;
}

int
tern_ipv4_output_from(struct tern_ctx *ctx, struct rte_mbuf *m,
		      rte_be32_t src, rte_be32_t dst, uint8_t proto)
{
	if (likely(proto == IPPROTO_TCP) &&
	    ipv4_output_tcp_quick(ctx, m, src, dst))
		return 0;
	return ipv4_output_general(ctx, m, src, dst, proto);
}

int
tern_ipv4_tmpl_build(const struct tern_ctx *ctx, rte_be32_t src,
		     rte_be32_t dst, uint8_t proto, uint8_t *hdr,
		     struct tern_ip_tmpl *t)
{
	const struct tern_arp_entry *e = net_arp_last_fresh(ctx, dst);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);

	if (e == NULL) {
		/* The last datagram went elsewhere (a server answering
		 * many peers, before its SYN+ACK): dst's next hop's own
		 * entry, if resolved and fresh. */
		rte_be32_t nexthop = ipv4_next_hop(&ctx->ifc, dst);

		if (nexthop == 0 || (e = net_arp_fresh(ctx, nexthop)) == NULL)
			return -EAGAIN;
	}
	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	/* Lengths 0: tern_ip_tmpl_send() adds each datagram's to the sums. */
	ipv4_fill_header(ih, src, dst, proto, 0);
	ih->total_length = 0;
	t->gen = ctx->arp->gen;
	t->idx = (uint8_t)(e - ctx->arp->e);
	t->is6 = 0;
	t->hdr_len = TERN_L2L3_HDR_LEN;
	t->proto = proto;
	/* Only a port without IPv4 checksum offload needs the sum. */
	t->ip_sum = ctx->ifc.tx_ip_cksum ? 0 : rte_raw_cksum(ih, sizeof(*ih));
	t->phdr_sum = ipv4_phdr_sum(ih, 0);
	return 0;
}
