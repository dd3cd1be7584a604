/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: echo requests are answered in the mbuf they came in; errors
 * (destination unreachable, time exceeded, parameter problem) quoting a
 * TCP segment of ours are reduced to struct tern_icmp_err for the caller
 * to hand to TCP (lib/net does not call up); every other type --
 * Source Quench included (RFC 6633) -- is counted and dropped.
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

/* The counter of an error type we pass on; NET_ACCEPT for any other. */
static tern_stat_t
icmp_err_counter(uint8_t type)
{
	switch (type) {
	case TERN_ICMP_DEST_UNREACH:
		return TERN_STAT_ICMP_IN_DEST_UNREACHS;
	case TERN_ICMP_TIME_EXCEEDED:
		return TERN_STAT_ICMP_IN_TIME_EXCDS;
	case TERN_ICMP_PARAM_PROBLEM:
		return TERN_STAT_ICMP_IN_PARM_PROBS;
	default:
		return NET_ACCEPT;
	}
}

/* An error about one of our datagrams: its summary goes to @p errs. */
static void
icmp_error_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		 const struct net_icmp_repr *r, struct tern_icmp_errs *errs)
{
	struct tern_icmp_err *e;
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, icmp_err_counter(r->type));
	if (errs == NULL || errs->n == RTE_DIM(errs->e)) {
		tern_drop(ctx, m, TERN_STAT_ICMP_IN_UNHANDLED);
		return;
	}
	e = &errs->e[errs->n];
	verdict = net_icmp_err_parse(rte_pktmbuf_mtod(m, const void *),
				     rte_pktmbuf_data_len(m),
				     rte_pktmbuf_pkt_len(m), r, &ctx->ifc, e);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	errs->n++;
	rte_pktmbuf_free(m);
}

void
net_icmp_input(struct tern_ctx *ctx, struct rte_mbuf *m,
	       struct tern_icmp_errs *errs)
{
	uint32_t icmp_len = rte_pktmbuf_pkt_len(m);
	struct net_icmp_repr r;
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, TERN_STAT_ICMP_IN_MSGS);
	verdict = net_icmp_parse(rte_pktmbuf_mtod(m, const void *),
				 rte_pktmbuf_data_len(m), icmp_len, &r);
	if (verdict == NET_ACCEPT && icmp_raw_sum(m, icmp_len) != 0xffff)
		verdict = TERN_STAT_ICMP_IN_CSUM_ERRORS;
	if (verdict == NET_ACCEPT && icmp_err_counter(r.type) != NET_ACCEPT) {
		icmp_error_input(ctx, m, &r, errs);
		return;
	}
	if (verdict == NET_ACCEPT && r.type != RTE_IP_ICMP_ECHO_REQUEST)
		verdict = TERN_STAT_ICMP_IN_UNHANDLED;
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_ICMP_IN_ECHOS);
	icmp_echo_reply(ctx, m);
}
