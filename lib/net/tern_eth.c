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

struct net_rx_sorted {
	uint16_t ntcp;
	uint16_t ntcp6;
	uint16_t narp;
	uint16_t nicmp;
	struct rte_mbuf **tcp;   /**< the caller's array */
	struct rte_mbuf *arp[TERN_RX_BURST];
	struct rte_mbuf *icmp[TERN_RX_BURST];   /**< ICMP and ICMPv6 */
	struct rte_mbuf *tcp6[TERN_RX_BURST];
};

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

static void
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
		return;
	}
	/* IPv4 first: the frames of every TCP segment pass here. */
	if (likely(eth.ethertype == RTE_ETHER_TYPE_IPV4)) {
		enum net_l4 l4 = net_ipv4_input(ctx, m, &eth);

		if (l4 == NET_L4_TCP)
			s->tcp[s->ntcp++] = m;
		else if (l4 == NET_L4_ICMP)
			s->icmp[s->nicmp++] = m;
		return;
	}
	if (eth.ethertype == RTE_ETHER_TYPE_ARP) {
		s->arp[s->narp++] = m;
		return;
	}
	net_sort_ipv6(ctx, m, &eth, s);
}

/* The IPv6 TCP segments after the IPv4 ones, for the caller. */
static __rte_noinline uint16_t
net_append_tcp6(struct tern_ctx *ctx, struct net_rx_sorted *s,
		uint16_t *ntcp6)
{
	if (ntcp6 == NULL) {
		for (uint16_t i = 0; i < s->ntcp6; i++)
			tern_drop(ctx, s->tcp6[i],
				  TERN_STAT_IP6_IN_UNKNOWN_PROTO);
		return s->ntcp;
	}
	memcpy(s->tcp + s->ntcp, s->tcp6, s->ntcp6 * sizeof(s->tcp6[0]));
	*ntcp6 = s->ntcp6;
	return (uint16_t)(s->ntcp + s->ntcp6);
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

uint16_t
tern_net_input_burst(struct tern_ctx *ctx, struct rte_mbuf **pkts,
		     uint16_t n, struct rte_mbuf **tcp, uint16_t *ntcp6,
		     struct tern_icmp_errs *errs)
{
	struct net_rx_sorted s;
	uint16_t i;

	RTE_ASSERT(n <= TERN_RX_BURST);
	s.ntcp = 0;
	s.ntcp6 = 0;
	s.narp = 0;
	s.nicmp = 0;
	s.tcp = tcp;
	for (i = 0; i < n && i < NET_PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + NET_PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(
				pkts[i + NET_PREFETCH_AHEAD], void *));
		net_sort_frame(ctx, pkts[i], &s);
	}
	for (i = 0; i < s.narp; i++)
		net_arp_input(ctx, s.arp[i]);
	if (errs != NULL)
		errs->n = 0;
	for (i = 0; i < s.nicmp; i++)
		net_icmp_any_input(ctx, s.icmp[i], errs);
	if (unlikely(s.ntcp6 > 0))
		return net_append_tcp6(ctx, &s, ntcp6);
	if (ntcp6 != NULL)
		*ntcp6 = 0;
	return s.ntcp;
}
