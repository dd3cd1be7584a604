/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: echo requests are answered in the mbuf they came in; every other
 * type is counted and dropped (TCP reacts to no ICMP error yet).
 */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "net_priv.h"
#include "tern_net.h"

/* One's complement sum of the whole message, which may span segments
 * and have any length, odd ones included. */
static uint16_t
icmp_raw_sum(const struct rte_mbuf *m, uint32_t icmp_len)
{
	return tern_net_cksum_mbuf(m, 0, icmp_len);
}

/* Turn the request into the reply in place and send it back to its
 * source through the normal output path (route, ARP, offloads). */
static void
icmp_echo_reply(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod_offset(m,
		const struct rte_ipv4_hdr *, -(int)m->l3_len);
	struct rte_icmp_hdr *icmp = rte_pktmbuf_mtod(m, struct rte_icmp_hdr *);
	rte_be32_t peer = ih->src_addr;
	rte_be32_t ours = ih->dst_addr;   /* ifc.ip or an extra address */

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_code = 0;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~icmp_raw_sum(m, rte_pktmbuf_pkt_len(m));
	/* What the port reported on receive means nothing on transmit;
	 * the flags that say whose buffer this is (external, indirect)
	 * decide how it is freed after TX and must stay. */
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	if (tern_ipv4_output_from(ctx, m, ours, peer, IPPROTO_ICMP) == 0)
		tern_stat_inc(&ctx->stats, TERN_STAT_ICMP_OUT_ECHO_REPS);
}

void
net_icmp_input(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	uint32_t icmp_len = rte_pktmbuf_pkt_len(m);
	struct net_icmp_repr r;
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, TERN_STAT_ICMP_IN_MSGS);
	verdict = net_icmp_parse(rte_pktmbuf_mtod(m, const void *),
				 rte_pktmbuf_data_len(m), icmp_len, &r);
	if (verdict == NET_ACCEPT && icmp_raw_sum(m, icmp_len) != 0xffff)
		verdict = TERN_STAT_ICMP_IN_CSUM_ERRORS;
	if (verdict == NET_ACCEPT && r.type != RTE_IP_ICMP_ECHO_REQUEST)
		verdict = TERN_STAT_ICMP_IN_UNHANDLED;
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_ICMP_IN_ECHOS);
	icmp_echo_reply(ctx, m);
}
