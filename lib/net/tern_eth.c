/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame input: the whole RX burst is validated and sorted first (L2,
 * then L3), then ARP and ICMP are answered, then the TCP segments (and
 * the ICMP errors about TCP segments of ours) go back to the caller
 * (lib/stack), which hands them to TCP in one call --
 * after ARP, so that a reply learned in this burst is already usable by
 * whatever TCP sends in response. lib/net does not call up into TCP.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "net_priv.h"
#include "tern_net.h"

/* Frames whose data is prefetched ahead of the one being parsed: enough
 * to cover a DRAM miss at a few hundred cycles of parsing per frame. */
#define NET_PREFETCH_AHEAD 4

/* Where the frames other than IPv4 TCP go (those to the caller's array,
 * counted in a register of the burst's loop). */
struct net_rx_sorted {
	uint16_t ntcp6;
	uint16_t narp;
	uint16_t nicmp;
	struct rte_mbuf *arp[TERN_RX_BURST];
	struct rte_mbuf *icmp[TERN_RX_BURST];   /**< ICMP and ICMPv6 */
	struct rte_mbuf *tcp6[TERN_RX_BURST];
};

/*
 * What the frame of a plain IPv4 TCP segment to us is compared with,
 * loaded once per burst: nearly every frame is one, and its checks then
 * cost a few word compares instead of the general parsers' walk
 * (issue 11). Anything else -- and any frame that fails one of these
 * checks -- takes the general path, which judges and counts it afresh.
 */
struct net_rx_quick {
	uint64_t mac;             /**< our MAC, as its 6 bytes load in 8 */
	uint64_t mac_mask;        /**< the bits of those 6 bytes */
	uint32_t frame_span;      /**< MTU + Ethernet - NET_RX_QUICK_MIN */
	/** the RX flags of a frame the quick path takes without a look at
	 *  its header checksum (no VLAN tag stripped, checksum GOOD), under
	 *  NET_RX_QUICK_OL; all ones (never) when the port does not check
	 *  checksums */
	uint64_t ol_usual;
	rte_be32_t type4;         /**< EtherType, version and IHL as loaded;
				       all ones (never): no address */
	rte_be32_t ip;
	rte_be32_t src_ok;        /**< a source found acceptable ... */
	bool src_known;           /**< ... if true */
	uint64_t cksum_trusted;   /**< RX flag: header checksum verified */
	uint64_t cksum_bad;       /**< RX flag: header checksum wrong */
	uint32_t n4;              /**< IPv4 datagrams delivered */
	/* IPv6, to our global address while it is usable */
	rte_be32_t type6;         /**< EtherType and version as loaded;
				       0: no quick path for IPv6 */
	struct tern_ip6 ip6;
	struct tern_ip6 src6_ok;  /**< a source found acceptable ... */
	bool src6_known;          /**< ... if true */
	uint32_t n6;              /**< IPv6 datagrams delivered */
};

/* The shortest frame the quick path reads: Ethernet, an option-less
 * IPv4 header, a TCP header without options. */
#define NET_RX_QUICK_MIN (NET_ETH_HLEN + NET_IPV4_HLEN_MIN + 20)

/* The RX flags the quick path looks at: VLAN tags stripped, the IPv4
 * header checksum's state. */
#define NET_RX_QUICK_OL (RTE_MBUF_F_RX_VLAN_STRIPPED | \
			 RTE_MBUF_F_RX_QINQ_STRIPPED | \
			 RTE_MBUF_F_RX_IP_CKSUM_MASK)

static void
net_rx_quick_init(const struct tern_ctx *ctx, struct net_rx_quick *q)
{
	const struct tern_if_conf *ifc = &ctx->ifc;

	q->mac = 0;
	memcpy(&q->mac, &ifc->mac.addr_bytes[0], RTE_ETHER_ADDR_LEN);
	q->mac_mask = 0;
	memset(&q->mac_mask, 0xff, RTE_ETHER_ADDR_LEN);
	q->frame_span = (uint32_t)ifc->mtu + NET_ETH_HLEN - NET_RX_QUICK_MIN;
	q->ol_usual = ifc->rx_cksum ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : UINT64_MAX;
	/* Without an address no datagram is ours: the general path says
	 * why. */
	q->type4 = ifc->ip != 0 ? RTE_BE32(0x08004500) : UINT32_MAX;
	q->ip = ifc->ip;
	q->src_ok = 0;
	q->src_known = false;
	/* As ipv4_rx_cksum_mode(): GOOD or NONE trusted, BAD refused, else
	 * verified here. */
	q->cksum_trusted = ifc->rx_cksum ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : 0;
	q->cksum_bad = ifc->rx_cksum ? RTE_MBUF_F_RX_IP_CKSUM_BAD : 0;
	q->n4 = 0;
	q->type6 = 0;
	q->src6_known = false;
	q->n6 = 0;
	if (!tern_ip6_is_unspec(&ifc->ip6) &&
	    ctx->nd->addr_state[TERN_ND_ADDR_GLOBAL] ==
	    TERN_ND_ADDR_PREFERRED) {
		q->type6 = RTE_BE32(0x86dd6000);
		q->ip6 = ctx->nd->addr[TERN_ND_ADDR_GLOBAL];
	}
}

/* The one's complement sum of an option-less IPv4 header, its checksum
 * included, is all ones when it is right (rte_raw_cksum()'s sum, in
 * 32-bit words). */
static __rte_always_inline bool
net_ipv4_hdr20_cksum_ok(const uint8_t *ih)
{
	uint32_t w[5];
	uint64_t sum;

	memcpy(w, ih, sizeof(w));
	sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Frame @p m holds, all in its first segment, an IPv6 datagram to our
 * global address whose fixed header carries TCP, and passes every check
 * of net_eth_parse(), net_ipv6_parse(), ipv6_check_addrs() and
 * ipv6_validate(): then it is trimmed to the datagram, its data moved to
 * the TCP header (l2_len, l3_len set) and true returned. False: @p m is
 * as it was. The caller checked the frame's length and Ethernet header.
 */
static __rte_noinline bool
net_rx_ipv6_quick(const struct tern_ctx *ctx, struct net_rx_quick *q,
		  struct rte_mbuf *m, uint32_t frame_len)
{
	const uint8_t *ih = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    NET_ETH_HLEN);
	struct tern_ip6 a;
	uint32_t ip_len;
	uint16_t h;

	/* Payload length: room for a minimal TCP header (less is TCP's to
	 * count), within the frame. */
	memcpy(&h, ih + 4, sizeof(h));
	ip_len = NET_IPV6_HLEN + rte_be_to_cpu_16(h);
	if (ih[6] != IPPROTO_TCP || ip_len < NET_IPV6_HLEN + 20 ||
	    NET_ETH_HLEN + ip_len > frame_len)
		return false;
	memcpy(&a, ih + 24, sizeof(a));
	if (!tern_ip6_eq(&a, &q->ip6))
		return false;
	memcpy(&a, ih + 8, sizeof(a));
	if (!q->src6_known || !tern_ip6_eq(&a, &q->src6_ok)) {
		if (!net_ip6_tcp_src_ok(ctx, &a))
			return false;
		q->src6_ok = a;
		q->src6_known = true;
	}
	if (unlikely(frame_len > NET_ETH_HLEN + ip_len)) {
		if (m->next != NULL)
			return false;
		frame_len = NET_ETH_HLEN + ip_len;
	}
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV6_HLEN;
	m->data_off = (uint16_t)(m->data_off + NET_ETH_HLEN + NET_IPV6_HLEN);
	m->data_len = (uint16_t)(frame_len - NET_ETH_HLEN - NET_IPV6_HLEN);
	m->pkt_len = frame_len - NET_ETH_HLEN - NET_IPV6_HLEN;
	q->n6++;
	return true;
}

/* What net_rx_quick() made of a frame. */
enum net_rx_quick_verdict {
	NET_RX_GENERAL,           /**< untouched: the general path's */
	NET_RX_TCP4,
	NET_RX_TCP6,
};

/*
 * Frame @p m holds, all in its first segment, an option-less IPv4
 * datagram to our address carrying TCP, and passes every check of
 * net_eth_parse(), net_ipv4_parse() and net_ipv4_check_addrs(): then it
 * is trimmed to the datagram, its data moved to the TCP header (l2_len,
 * l3_len set) and NET_RX_TCP4 returned. The same for IPv6
 * (net_rx_ipv6_quick()): NET_RX_TCP6. Else @p m is as it was.
 */
static __rte_always_inline enum net_rx_quick_verdict
net_rx_quick(const struct tern_ctx *ctx, struct net_rx_quick *q,
	     struct rte_mbuf *m)
{
	const uint8_t *eh = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ih = eh + NET_ETH_HLEN;
	uint32_t frame_len = rte_pktmbuf_pkt_len(m);
	uint64_t flags = m->ol_flags;
	uint32_t w, ip_len;
	uint64_t dst;
	rte_be32_t src;
	uint16_t h;

	/* Nothing is read past the frame: a runt, even one shorter than
	 * the Ethernet header, is the general path's to count (it wraps
	 * the span's unsigned compare), and so is one over the MTU. */
	if (frame_len != rte_pktmbuf_data_len(m) ||
	    frame_len - NET_RX_QUICK_MIN > q->frame_span)
		return NET_RX_GENERAL;
	/* The destination MAC and the source's first two bytes. */
	memcpy(&dst, eh, sizeof(dst));
	if ((dst & q->mac_mask) != q->mac)
		return NET_RX_GENERAL;
	/* EtherType IPv4, version 4, IHL 5 (no options), in one word. */
	memcpy(&w, eh + 12, sizeof(w));
	if ((w & RTE_BE32(0xffffff00)) != q->type4) {
		if ((w & RTE_BE32(0xfffff000)) == q->type6 &&
		    (flags & (RTE_MBUF_F_RX_VLAN_STRIPPED |
			      RTE_MBUF_F_RX_QINQ_STRIPPED)) == 0 &&
		    net_rx_ipv6_quick(ctx, q, m, frame_len))
			return NET_RX_TCP6;
		return NET_RX_GENERAL;
	}
	/* Flags and fragment offset, TTL, protocol: no MF, offset 0,
	 * TTL not 0, TCP. */
	memcpy(&w, ih + 6, sizeof(w));
	if ((w & RTE_BE32(0x3fff00ff)) != RTE_BE32(IPPROTO_TCP) ||
	    (w & RTE_BE32(0x0000ff00)) == 0)
		return NET_RX_GENERAL;
	/* Room for a minimal TCP header (a shorter datagram is TCP's to
	 * count, through the general path), within the frame: one unsigned
	 * compare, as frame_len is at least NET_RX_QUICK_MIN. */
	memcpy(&h, ih + 2, sizeof(h));
	ip_len = rte_be_to_cpu_16(h);
	if (ip_len - (NET_IPV4_HLEN_MIN + 20) > frame_len - NET_RX_QUICK_MIN)
		return NET_RX_GENERAL;
	memcpy(&w, ih + 16, sizeof(w));
	if (w != q->ip)
		return NET_RX_GENERAL;
	memcpy(&src, ih + 12, sizeof(src));
	if (src != q->src_ok || !q->src_known) {
		if (tern_ifc_is_ours(&ctx->ifc, src) ||
		    net_ipv4_addr_is_martian(src, &ctx->ifc))
			return NET_RX_GENERAL;
		q->src_ok = src;
		q->src_known = true;
	}
	/* No VLAN tag stripped, and the header checksum right: GOOD in
	 * one test; else as ipv4_rx_cksum_mode() judges it. */
	if (unlikely((flags & NET_RX_QUICK_OL) != q->ol_usual) &&
	    ((flags & (RTE_MBUF_F_RX_VLAN_STRIPPED |
		       RTE_MBUF_F_RX_QINQ_STRIPPED)) != 0 ||
	     ((flags & q->cksum_trusted) == 0 &&
	      ((flags & q->cksum_bad) != 0 || !net_ipv4_hdr20_cksum_ok(ih)))))
		return NET_RX_GENERAL;
	/* Ethernet padding after the datagram. */
	if (unlikely(frame_len > NET_ETH_HLEN + ip_len)) {
		if (m->next != NULL)
			return NET_RX_GENERAL;
		frame_len = NET_ETH_HLEN + ip_len;
	}
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV4_HLEN_MIN;
	m->data_off = (uint16_t)(m->data_off + NET_ETH_HLEN +
				 NET_IPV4_HLEN_MIN);
	m->data_len = (uint16_t)(frame_len - NET_ETH_HLEN - NET_IPV4_HLEN_MIN);
	m->pkt_len = frame_len - NET_ETH_HLEN - NET_IPV4_HLEN_MIN;
	q->n4++;
	return NET_RX_TCP4;
}

int
tern_net_init(struct tern_ctx *ctx)
{
	int socket = rte_socket_id() == (unsigned int)SOCKET_ID_ANY ?
			     0 : (int)rte_socket_id();

	ctx->arp = rte_zmalloc_socket("tern_arp", sizeof(*ctx->arp),
				      RTE_CACHE_LINE_SIZE, socket);
	if (ctx->arp == NULL)
		return -ENOMEM;
	ctx->nd = rte_zmalloc_socket("tern_nd", sizeof(*ctx->nd),
				     RTE_CACHE_LINE_SIZE, socket);
	if (ctx->nd == NULL) {
		rte_free(ctx->arp);
		ctx->arp = NULL;
		return -ENOMEM;
	}
	if (ctx->ifc.mtu == 0)
		ctx->ifc.mtu = RTE_ETHER_MTU;
	net_arp_init(ctx);
	net_nd_init(ctx);
	return 0;
}

void
tern_net_fini(struct tern_ctx *ctx)
{
	if (ctx->nd != NULL) {
		net_nd_fini(ctx);
		rte_free(ctx->nd);
		ctx->nd = NULL;
	}
	if (ctx->arp == NULL)
		return;
	net_arp_fini(ctx);
	rte_free(ctx->arp);
	ctx->arp = NULL;
}

/* Out of line: the IPv4 loop keeps its registers (callgrind). */
static __rte_noinline void
net_sort_ipv6(struct tern_ctx *ctx, struct rte_mbuf *m,
	      const struct net_eth_repr *eth, struct net_rx_sorted *s)
{
	switch (net_ipv6_input(ctx, m, eth)) {
	case NET_L4_ICMP6:
		s->icmp[s->nicmp++] = m;
		break;
	case NET_L4_TCP:
		s->tcp6[s->ntcp6++] = m;
		break;
	default:
		break;
	}
}

/* The general path: true when @p m is a TCP segment over IPv4 (for the
 * caller's array), else it went to @p s or was dropped. */
static __rte_noinline bool
net_sort_frame(struct tern_ctx *ctx, struct rte_mbuf *m,
	       struct net_rx_sorted *s)
{
	struct net_eth_repr eth;
	tern_stat_t verdict;

	verdict = net_eth_parse(rte_pktmbuf_mtod(m, const void *),
				rte_pktmbuf_data_len(m),
				rte_pktmbuf_pkt_len(m), m->ol_flags,
				&ctx->ifc, &eth);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return false;
	}
	/* IPv4 first: the frames of every TCP segment pass here. */
	if (likely(eth.ethertype == RTE_ETHER_TYPE_IPV4)) {
		enum net_l4 l4 = net_ipv4_input(ctx, m, &eth);

		if (l4 == NET_L4_TCP)
			return true;
		if (l4 == NET_L4_ICMP)
			s->icmp[s->nicmp++] = m;
		return false;
	}
	if (eth.ethertype == RTE_ETHER_TYPE_ARP) {
		s->arp[s->narp++] = m;
		return false;
	}
	net_sort_ipv6(ctx, m, &eth, s);
	return false;
}

/* The IPv6 TCP segments after the IPv4 ones, for the caller. */
static __rte_noinline uint16_t
net_append_tcp6(struct tern_ctx *ctx, struct net_rx_sorted *s,
		struct rte_mbuf **tcp, uint16_t ntcp, uint16_t *ntcp6)
{
	if (ntcp6 == NULL) {
		for (uint16_t i = 0; i < s->ntcp6; i++)
			tern_drop(ctx, s->tcp6[i],
				  TERN_STAT_IP6_IN_UNKNOWN_PROTO);
		return ntcp;
	}
	memcpy(tcp + ntcp, s->tcp6, s->ntcp6 * sizeof(s->tcp6[0]));
	*ntcp6 = s->ntcp6;
	return (uint16_t)(ntcp + s->ntcp6);
}

/* ICMP or ICMPv6, by the version of the IP header before it. */
static __rte_noinline void
net_icmp_any_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		   struct tern_icmp_errs *errs)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    -(int)m->l3_len);

	if ((ip[0] >> 4) == 6)
		net_icmp6_input(ctx, m, errs);
	else
		net_icmp_input(ctx, m, errs);
}

/* Frame @p m to the caller's array @p tcp (its count @p ntcp returned),
 * to @p s, or dropped. Inlined in the burst's two loops. */
static __rte_always_inline uint16_t
net_rx_sort(struct tern_ctx *ctx, struct net_rx_quick *q,
	    struct net_rx_sorted *s, struct rte_mbuf *m,
	    struct rte_mbuf **tcp, uint16_t ntcp)
{
	switch (net_rx_quick(ctx, q, m)) {
	case NET_RX_TCP4:
		tcp[ntcp++] = m;
		break;
	case NET_RX_TCP6:
		s->tcp6[s->ntcp6++] = m;
		break;
	default:
		if (net_sort_frame(ctx, m, s))
			tcp[ntcp++] = m;
		break;
	}
	return ntcp;
}

uint16_t
tern_net_input_burst(struct tern_ctx *ctx, struct rte_mbuf **pkts,
		     uint16_t n, struct rte_mbuf **tcp, uint16_t *ntcp6,
		     struct tern_icmp_errs *errs)
{
	struct net_rx_sorted s;
	struct net_rx_quick q;
	uint16_t i, ntcp = 0;

	RTE_ASSERT(n <= TERN_RX_BURST);
	s.ntcp6 = 0;
	s.narp = 0;
	s.nicmp = 0;
	net_rx_quick_init(ctx, &q);
	for (i = 0; i < n && i < NET_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	/* The same prefetches as a test per frame would issue: those
	 * frames that have one NET_PREFETCH_AHEAD behind them, then the
	 * rest. */
	for (i = 0; i + NET_PREFETCH_AHEAD < n; i++) {
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i + NET_PREFETCH_AHEAD],
					       void *));
		ntcp = net_rx_sort(ctx, &q, &s, pkts[i], tcp, ntcp);
	}
	for (; i < n; i++)
		ntcp = net_rx_sort(ctx, &q, &s, pkts[i], tcp, ntcp);
	/* Each such datagram counted as the general path counts it. */
	tern_stat_add(&ctx->stats, TERN_STAT_IP_IN_RECEIVES, q.n4);
	tern_stat_add(&ctx->stats, TERN_STAT_IP_IN_DELIVERS, q.n4);
	if (q.n6 > 0) {
		tern_stat_add(&ctx->stats, TERN_STAT_IP6_IN_RECEIVES, q.n6);
		tern_stat_add(&ctx->stats, TERN_STAT_IP6_IN_DELIVERS, q.n6);
	}
	for (i = 0; i < s.narp; i++)
		net_arp_input(ctx, s.arp[i]);
	if (errs != NULL)
		errs->n = 0;
	for (i = 0; i < s.nicmp; i++)
		net_icmp_any_input(ctx, s.icmp[i], errs);
	if (unlikely(s.ntcp6 > 0))
		return net_append_tcp6(ctx, &s, tcp, ntcp, ntcp6);
	if (ntcp6 != NULL)
		*ntcp6 = 0;
	return ntcp;
}
