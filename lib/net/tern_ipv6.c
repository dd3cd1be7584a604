/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 (RFC 8200): input validation and delivery to ICMPv6, output with
 * checksums and next-hop selection (on-link prefix, link-local, or the
 * static default router). No fragmentation or reassembly, no extension
 * headers on output, no jumbograms.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "net_priv.h"
#include "tern_net.h"

#define IPV6_HOP_LIMIT_DEFAULT 64  /* Linux's, as IPv4's TTL */
#define TCP_HLEN_MIN 20u
#define ICMP6_TYPE_PARAM_PROB 4

const struct tern_ip6 *
net_ip6_source_for(const struct tern_ctx *ctx, const struct tern_ip6 *dst)
{
	const struct tern_nd_table *nd = ctx->nd;
	unsigned int slot = TERN_ND_ADDR_GLOBAL;

	if (tern_ip6_is_linklocal(dst) ||
	    (tern_ip6_is_multicast(dst) && tern_ip6_mc_scope(dst) <= 2))
		slot = TERN_ND_ADDR_LL;
	if (nd->addr_state[slot] != TERN_ND_ADDR_PREFERRED)
		return NULL;
	return &nd->addr[slot];
}

/* Is @p a a unicast address some peer may hold as its own? */
static bool
ipv6_src_is_ours(const struct tern_ctx *ctx, const struct tern_ip6 *a)
{
	const struct tern_nd_table *nd = ctx->nd;

	/* Tentative and duplicate ones too: ours, or claimed by a twin. */
	for (unsigned int i = 0; i < TERN_ND_ADDR_MAX; i++)
		if (nd->addr_state[i] != TERN_ND_ADDR_NONE &&
		    tern_ip6_eq(a, &nd->addr[i]))
			return true;
	return false;
}

static tern_stat_t
ipv6_check_addrs(const struct tern_ctx *ctx, const struct net_ipv6_repr *r)
{
	if (tern_ip6_is_multicast(&r->dst)) {
		if (!net_nd_is_our_group(ctx, &r->dst))
			return TERN_STAT_IP6_IN_ADDR_ERRORS;
	} else if (!net_ip6_is_ours(ctx, &r->dst)) {
		return TERN_STAT_IP6_IN_ADDR_ERRORS;
	}
	if (ipv6_src_is_ours(ctx, &r->src))
		return TERN_STAT_IP6_IN_BAD_SRC;
	return NET_ACCEPT;
}

static tern_stat_t
ipv6_validate(struct tern_ctx *ctx, const struct rte_mbuf *m,
	      struct net_ipv6_repr *r)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    NET_ETH_HLEN);
	uint32_t seg_len = rte_pktmbuf_data_len(m) - NET_ETH_HLEN;
	tern_stat_t verdict;

	verdict = net_ipv6_parse(l3, seg_len,
				 rte_pktmbuf_pkt_len(m) - NET_ETH_HLEN, r);
	if (verdict != NET_ACCEPT)
		return verdict;
	verdict = ipv6_check_addrs(ctx, r);
	if (verdict != NET_ACCEPT)
		return verdict;
	verdict = net_ipv6_parse_ext(l3, seg_len, r);
	if (verdict != NET_ACCEPT)
		return verdict;
	/* Only a DAD probe may come from nowhere (RFC 4862 5.4). */
	if (tern_ip6_is_unspec(&r->src) && r->proto != IPPROTO_ICMPV6)
		return TERN_STAT_IP6_IN_BAD_SRC;
	return NET_ACCEPT;
}

enum net_l4
net_ipv6_input(struct tern_ctx *ctx, struct rte_mbuf *m,
	       const struct net_eth_repr *eth)
{
	struct net_ipv6_repr r;
	tern_stat_t verdict;
	uint32_t ip_len;

	RTE_SET_USED(eth);
	tern_stat_inc(&ctx->stats, TERN_STAT_IP6_IN_RECEIVES);
	verdict = ipv6_validate(ctx, m, &r);
	if (verdict != NET_ACCEPT) {
		if (r.pp_code != NET_PP_NONE)
			net_icmp6_error(ctx, m, &r, ICMP6_TYPE_PARAM_PROB,
					r.pp_code, r.pp_ptr, r.pp_code == 2);
		tern_drop(ctx, m, verdict);
		return NET_L4_DROPPED;
	}
	ip_len = NET_IPV6_HLEN + (uint32_t)r.payload_len;
	if (rte_pktmbuf_pkt_len(m) > NET_ETH_HLEN + ip_len)
		net_mbuf_trim_to(m, NET_ETH_HLEN + ip_len);
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = r.l4_off;
	/* The headers are in the first segment: adj cannot fail. */
	rte_pktmbuf_adj(m, (uint16_t)(NET_ETH_HLEN + r.l4_off));
	tern_stat_inc(&ctx->stats, TERN_STAT_IP6_IN_DELIVERS);
	return r.proto == IPPROTO_TCP ? NET_L4_TCP : NET_L4_ICMP6;
}

/* The on-link neighbour to send to for unicast @p dst; NULL: none. */
static const struct tern_ip6 *
ipv6_next_hop(const struct tern_ctx *ctx, const struct tern_ip6 *dst)
{
	const struct tern_if_conf *ifc = &ctx->ifc;

	if (tern_ip6_is_unspec(dst) || tern_ip6_is_loopback(dst) ||
	    ipv6_src_is_ours(ctx, dst))
		return NULL;
	if (tern_ip6_is_linklocal(dst) ||
	    tern_ip6_prefix_eq(dst, &ifc->ip6, ifc->ip6_prefix_len))
		return dst;
	if (tern_ip6_is_unspec(&ifc->gw6))
		return NULL;
	return &ifc->gw6;
}

static void
ipv6_fill_header(struct rte_ipv6_hdr *ih, const struct tern_ip6 *src,
		 const struct tern_ip6 *dst, uint8_t proto,
		 uint8_t hop_limit, uint32_t tc_flow, uint32_t l4_len)
{
	ih->vtc_flow = rte_cpu_to_be_32(6u << 28 | (tc_flow & 0x0fffffffu));
	ih->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
	ih->proto = proto;
	ih->hop_limits = hop_limit;
	memcpy(ih->src_addr, src->b, 16);
	memcpy(ih->dst_addr, dst->b, 16);
}

/* TCP (offloaded when the port can) or ICMPv6 checksum: the upper-layer
 * sum over the pseudo-header of RFC 8200 8.1 (from @p src and @p dst,
 * aligned, rather than the frame's copies). */
static void
ipv6_fill_l4_cksum(const struct tern_ctx *ctx, struct rte_mbuf *m,
		   const struct rte_ipv6_hdr *ih, const struct tern_ip6 *src,
		   const struct tern_ip6 *dst, uint32_t l4_len)
{
	uint8_t *l4 = (uint8_t *)(uintptr_t)(ih + 1);
	rte_be16_t *field;
	uint32_t sum;

	if (ih->proto == IPPROTO_TCP) {
		field = &((struct rte_tcp_hdr *)l4)->cksum;
		if (ctx->ifc.tx_tcp_cksum) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV6 |
				       RTE_MBUF_F_TX_TCP_CKSUM;
			/* TSO: the length is left out, as the NIC adds
			 * each segment's */
			*field = tern_ip6_phdr_sum(src, dst,
				(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? 0 :
				l4_len, ih->proto);
			return;
		}
	} else if (ih->proto == IPPROTO_ICMPV6) {
		field = (rte_be16_t *)(l4 + 2);
	} else {
		return;
	}
	*field = 0;
	sum = (uint32_t)tern_net_cksum_mbuf(m, NET_ETH_HLEN + NET_IPV6_HLEN,
					    l4_len) +
	      tern_ip6_phdr_sum(src, dst, l4_len, ih->proto);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	*field = (uint16_t)~sum;
}

int
net_ipv6_prepend(struct tern_ctx *ctx, struct rte_mbuf *m,
		 const struct tern_ip6 *src, const struct tern_ip6 *dst,
		 uint8_t proto, uint8_t hop_limit, uint32_t tc_flow)
{
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ih;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m,
				 (uint16_t)(NET_ETH_HLEN + NET_IPV6_HLEN));
	if (eh == NULL) {
		tern_drop(ctx, m, TERN_STAT_IP6_OUT_NO_HEADROOM);
		return -ENOBUFS;
	}
	ih = (struct rte_ipv6_hdr *)(eh + 1);
	ipv6_fill_header(ih, src, dst, proto, hop_limit, tc_flow, l4_len);
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV6_HLEN;
	m->ol_flags &= ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 |
			 RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
	ipv6_fill_l4_cksum(ctx, m, ih, src, dst, l4_len);
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	tern_stat_inc(&ctx->stats, TERN_STAT_IP6_OUT_REQUESTS);
	return 0;
}

/* Two folded sums (at most 0xffff each) added and folded: one carry. */
static inline uint32_t
ipv6_fold2(uint32_t a, uint32_t b)
{
	uint32_t sum = a + b;

	return (sum & 0xffff) + (sum >> 16);
}

/*
 * Does output through resolved entry @p e send at once without a state
 * change (as nd_output_resolved() does for it)? REACHABLE within its
 * timeout, DELAY and PROBE (which run on their timers) do; STALE and an
 * expired REACHABLE enter DELAY, the general path's to do.
 */
static inline bool
ipv6_nd_sends_as_is(const struct tern_ctx *ctx, const struct tern_nd_entry *e)
{
	return net_nd_is_reachable(ctx, e) || e->state == TERN_ND_DELAY ||
	       e->state == TERN_ND_PROBE;
}

/* The header of TCP segments from @p src to @p dst through entry @p e,
 * for ipv6_output_tcp_quick(). */
static void
ipv6_tx6_build(struct tern_ctx *ctx, const struct tern_nd_entry *e,
	       const struct tern_ip6 *src, const struct tern_ip6 *dst)
{
	struct tern_nd_table *tbl = ctx->nd;
	struct tern_nd_tx6 *t = &tbl->tx6;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)(eh + 1);

	memset(t->hdr, 0, sizeof(t->hdr));
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ipv6_fill_header(ih, src, dst, IPPROTO_TCP, IPV6_HOP_LIMIT_DEFAULT,
			 0, 0);
	t->phdr_sum = tern_ip6_phdr_sum(src, dst, 0, IPPROTO_TCP);
	t->idx = (uint8_t)(e - tbl->e);
	t->gen = tbl->gen;
	t->src = *src;
	t->dst = *dst;
}

/* The TCP checksum in software: th->cksum holds the pseudo-header sum.
 * Out of line: the quick path then keeps few registers. */
static __rte_noinline void
ipv6_tcp_cksum_sw(const struct rte_mbuf *m, struct rte_tcp_hdr *th,
		  uint32_t l4_len)
{
	uint32_t phdr = th->cksum;

	th->cksum = 0;
	th->cksum = (uint16_t)~ipv6_fold2(
		tern_net_cksum_mbuf(m, TERN_L2L3_HDR_LEN6, l4_len), phdr);
}

/*
 * The TCP segment @p m (not TSO) from @p src to @p dst, when the header
 * kept for them still holds (ctx->nd->tx6: the same entry, REACHABLE
 * within its timeout): its frame is the kept header, the first word,
 * the length and the checksum (as net_ipv6_prepend() would write them),
 * and it is queued. False: nothing done, the general path takes it.
 */
static __rte_always_inline bool
ipv6_output_tcp_quick(struct tern_ctx *ctx, struct rte_mbuf *m,
		      const struct tern_ip6 *src, const struct tern_ip6 *dst,
		      uint32_t tc_flow)
{
	const struct tern_nd_table *tbl = ctx->nd;
	const struct tern_nd_tx6 *t = &tbl->tx6;
	const struct tern_nd_entry *e = &tbl->e[t->idx];
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ih;
	struct rte_tcp_hdr *th;
	uint64_t flags;

	if (!tern_ip6_eq(&t->dst, dst) || !tern_ip6_eq(&t->src, src) ||
	    t->gen != tbl->gen || !ipv6_nd_sends_as_is(ctx, e))
		return false;
	/* A full batch is the general path's to count (TxBatchFull). */
	if (l4_len + NET_IPV6_HLEN > ctx->ifc.mtu ||
	    rte_pktmbuf_data_len(m) < TCP_HLEN_MIN ||
	    m->data_off < TERN_L2L3_HDR_LEN6 ||
	    (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0 ||
	    ctx->tx.count == TERN_TX_BATCH_MAX)
		return false;
	m->data_off = (uint16_t)(m->data_off - TERN_L2L3_HDR_LEN6);
	m->data_len = (uint16_t)(m->data_len + TERN_L2L3_HDR_LEN6);
	m->pkt_len += TERN_L2L3_HDR_LEN6;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	memcpy(eh, t->hdr, sizeof(t->hdr));
	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	ih = (struct rte_ipv6_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ih + 1);
	ih->vtc_flow = rte_cpu_to_be_32(6u << 28 | (tc_flow & 0x0fffffffu));
	ih->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
	m->l2_len = NET_ETH_HLEN;
	m->l3_len = NET_IPV6_HLEN;
	flags = m->ol_flags & ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 |
				RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
	/* The port adds the segment to the pseudo-header sum. */
	th->cksum = (uint16_t)ipv6_fold2(t->phdr_sum, ih->payload_len);
	if (ctx->ifc.tx_tcp_cksum)
		flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
	else
		ipv6_tcp_cksum_sw(m, th, l4_len);
	m->ol_flags = flags;
	tern_stat_inc(&ctx->stats, TERN_STAT_IP6_OUT_REQUESTS);
	ctx->tx.pkts[ctx->tx.count++] = m;
	/* As net_nd_output_entry(): ND's next timer within the poll's. */
	if (tbl->next_due_ns < ctx->arp->next_sweep_ns)
		ctx->arp->next_sweep_ns = tbl->next_due_ns;
	return true;
}

/* Everything but the quick way: out of line, so that the quick one
 * saves no registers for it. */
static __rte_noinline int
ipv6_output_general(struct tern_ctx *ctx, struct rte_mbuf *m,
		    const struct tern_ip6 *src, const struct tern_ip6 *dst,
		    uint8_t proto, uint32_t tc_flow)
{
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	const struct tern_ip6 *nexthop = NULL;
	struct tern_nd_entry *last;
	struct rte_ether_hdr *eh;
	int rc;

	if (l4_len + NET_IPV6_HLEN > ctx->ifc.mtu) {
		tern_drop(ctx, m, TERN_STAT_IP6_OUT_TOO_BIG);
		return -EMSGSIZE;
	}
	if (proto == IPPROTO_TCP && rte_pktmbuf_data_len(m) < TCP_HLEN_MIN) {
		tern_drop(ctx, m, TERN_STAT_IP_OUT_BAD_L4);
		return -EINVAL;
	}
	/* A segment to where the last one went: same next hop, same
	 * entry (lib/net/tern_nd.h). */
	last = net_nd_last(ctx, dst);
	if (last == NULL && !tern_ip6_is_multicast(dst))
		nexthop = ipv6_next_hop(ctx, dst);
	if (src == NULL)
		src = net_ip6_source_for(ctx, dst);
	if (src == NULL || (last == NULL && nexthop == NULL &&
			    !tern_ip6_is_multicast(dst))) {
		tern_drop(ctx, m, TERN_STAT_IP6_OUT_NO_ROUTE);
		return -EHOSTUNREACH;
	}
	if (net_ipv6_prepend(ctx, m, src, dst, proto, IPV6_HOP_LIMIT_DEFAULT,
			     tc_flow) != 0)
		return -ENOBUFS;
	if (last != NULL) {
		if (net_nd_is_reachable(ctx, last))
			net_nd_xmit(ctx, last, m);
		else
			net_nd_output_entry(ctx, m, last);
		rc = 0;
	} else if (nexthop != NULL) {
		rc = net_nd_output(ctx, m, nexthop, dst);
	} else {
		eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		tern_ip6_mc_mac(dst, &eh->dst_addr);
		tern_ctx_tx(ctx, m);
		return 0;
	}
	/* The next segment to where this one went takes the quick way
	 * (this one did not: another source or destination, or the entry
	 * was not the kept one, or not REACHABLE). */
	last = net_nd_last(ctx, dst);
	if (proto == IPPROTO_TCP && last != NULL &&
	    ipv6_nd_sends_as_is(ctx, last))
		ipv6_tx6_build(ctx, last, src, dst);
	return rc;
}

int
tern_ipv6_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		 const struct tern_ip6 *src, const struct tern_ip6 *dst,
		 uint8_t proto, uint32_t tc_flow)
{
	if (likely(proto == IPPROTO_TCP && src != NULL) &&
	    ipv6_output_tcp_quick(ctx, m, src, dst, tc_flow))
		return 0;
	return ipv6_output_general(ctx, m, src, dst, proto, tc_flow);
}

int
tern_ipv6_tmpl_build(const struct tern_ctx *ctx, const struct tern_ip6 *src,
		     const struct tern_ip6 *dst, uint8_t proto,
		     uint32_t tc_flow, uint8_t *hdr, struct tern_ip_tmpl *t)
{
	const struct tern_nd_entry *e = net_nd_last(ctx, dst);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)hdr;
	struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)(eh + 1);

	if (e == NULL) {
		/* The last datagram went elsewhere (a server answering
		 * many peers): dst's next hop's own entry. */
		const struct tern_ip6 *nexthop = ipv6_next_hop(ctx, dst);

		if (nexthop == NULL ||
		    (e = net_nd_sendable(ctx, nexthop)) == NULL)
			return -EAGAIN;
	} else if (!tern_nd_entry_sendable(ctx, e)) {
		return -EAGAIN;
	}
	rte_ether_addr_copy(&e->mac, &eh->dst_addr);
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	/* Length 0: tern_ip_tmpl_send() writes each datagram's. */
	ipv6_fill_header(ih, src, dst, proto, IPV6_HOP_LIMIT_DEFAULT, tc_flow,
			 0);
	t->gen = ctx->nd->gen;
	t->idx = (uint8_t)(e - ctx->nd->e);
	t->is6 = 1;
	t->hdr_len = TERN_L2L3_HDR_LEN6;
	t->proto = proto;
	t->ip_sum = 0;
	t->phdr_sum = tern_ip6_phdr_sum(src, dst, 0, proto);
	return 0;
}
