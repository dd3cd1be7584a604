/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 (RFC 4443): checksum over the pseudo-header, echo replies,
 * Neighbour Discovery handed to tern_nd.c, and rate-limited error
 * messages about datagrams the IPv6 input refused. Other types (errors
 * from peers, router advertisements, MLD) are counted and dropped.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "net_priv.h"
#include "tern_net.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_ND_NS 135
#define ICMP6_ND_NA 136
#define ICMP6_PARAM_PROB 4
#define ICMP6_ERR_HLEN 8u
/* An error carries as much of the offending datagram as keeps it
 * within the minimum MTU (RFC 4443 2.4(c)). */
#define ICMP6_ERR_MAX (1280u - NET_IPV6_HLEN - ICMP6_ERR_HLEN)

/* The addresses and hop limit of the datagram that carried @p m (data
 * at ICMPv6, the IPv6 header l3_len bytes before). */
static void
icmp6_ip_repr(const struct rte_mbuf *m, struct net_ipv6_repr *r)
{
	const struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod_offset(m,
		const struct rte_ipv6_hdr *, -(int)m->l3_len);

	memcpy(r->src.b, ih->src_addr, 16);
	memcpy(r->dst.b, ih->dst_addr, 16);
	r->hop_limit = ih->hop_limits;
}

/* Does the message with its pseudo-header sum to all ones? */
static bool
icmp6_cksum_ok(const struct rte_mbuf *m, uint32_t len)
{
	const struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod_offset(m,
		const struct rte_ipv6_hdr *, -(int)m->l3_len);
	struct rte_ipv6_hdr ph = *ih;
	uint32_t sum;

	/* The pseudo-header's length is the upper layer's, not the
	 * payload's (extension headers are not part of it). */
	ph.payload_len = rte_cpu_to_be_16((uint16_t)len);
	sum = (uint32_t)rte_ipv6_phdr_cksum(&ph, 0) +
	      tern_net_cksum_mbuf(m, 0, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The request becomes the reply in place; to a request sent to a group
 * we answer from our own address for the peer. */
static void
icmp6_echo_reply(struct tern_ctx *ctx, struct rte_mbuf *m,
		 const struct net_ipv6_repr *ip)
{
	struct tern_ip6 peer = ip->src;
	struct tern_ip6 ours = ip->dst;
	const struct tern_ip6 *src = &ours;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	/* NULL: tern_ipv6_output() picks our address for the peer. */
	if (tern_ip6_is_multicast(&ours))
		src = NULL;
	p[0] = ICMP6_ECHO_REPLY;
	p[1] = 0;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	if (tern_ipv6_output(ctx, m, src, &peer, IPPROTO_ICMPV6, 0) == 0)
		tern_stat_inc(&ctx->stats, TERN_STAT_ICMP6_OUT_ECHO_REPS);
}

/* The counter of an error type TCP may take; NET_ACCEPT for others. */
static tern_stat_t
icmp6_err_counter(uint8_t type)
{
	switch (type) {
	case TERN_ICMP6_DEST_UNREACH:
		return TERN_STAT_ICMP6_IN_DEST_UNREACHS;
	case TERN_ICMP6_PKT_TOO_BIG:
		return TERN_STAT_ICMP6_IN_PKT_TOO_BIGS;
	case TERN_ICMP6_TIME_EXCEEDED:
		return TERN_STAT_ICMP6_IN_TIME_EXCDS;
	case TERN_ICMP6_PARAM_PROBLEM:
		return TERN_STAT_ICMP6_IN_PARM_PROBS;
	default:
		return NET_ACCEPT;
	}
}

/*
 * The error message @p p (@p len bytes, all in the first segment)
 * reduced to what TCP needs: the quoted IPv6 header must come from one
 * of our usable addresses and carry TCP right after it (tern sends no
 * extension headers), with the 8 bytes of TCP header RFC 4443 2.4(c)
 * leaves room for.
 */
static tern_stat_t
icmp6_err_parse(const struct tern_ctx *ctx, const uint8_t *p, uint32_t len,
		struct tern_icmp_err *e)
{
	const struct rte_ipv6_hdr *ih =
		(const struct rte_ipv6_hdr *)(p + ICMP6_ERR_HLEN);
	const uint8_t *th = p + ICMP6_ERR_HLEN + NET_IPV6_HLEN;
	uint32_t mtu;

	if (len < ICMP6_ERR_HLEN + NET_IPV6_HLEN + 8u ||
	    (rte_be_to_cpu_32(ih->vtc_flow) >> 28) != 6)
		return TERN_STAT_ICMP6_IN_BAD_QUOTE;
	memcpy(e->src6.b, ih->src_addr, 16);
	memcpy(e->dst6.b, ih->dst_addr, 16);
	if (!net_ip6_is_ours(ctx, &e->src6))
		return TERN_STAT_ICMP6_IN_BAD_QUOTE;
	if (ih->proto != IPPROTO_TCP)
		return TERN_STAT_ICMP6_IN_UNHANDLED;
	e->family = AF_INET6;
	e->type = p[0];
	e->code = p[1];
	mtu = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) |
	      ((uint32_t)p[6] << 8) | p[7];
	e->next_hop_mtu = e->type == TERN_ICMP6_PKT_TOO_BIG ?
			  (uint16_t)RTE_MIN(mtu, (uint32_t)UINT16_MAX) : 0;
	e->quoted_len = (uint16_t)(NET_IPV6_HLEN +
				   rte_be_to_cpu_16(ih->payload_len));
	e->quoted_df = true;       /* IPv6 routers never fragment */
	e->src = 0;
	e->dst = 0;
	memcpy(&e->sport, th, 2);
	memcpy(&e->dport, th + 2, 2);
	e->seq = ((uint32_t)th[4] << 24) | ((uint32_t)th[5] << 16) |
		 ((uint32_t)th[6] << 8) | th[7];
	return NET_ACCEPT;
}

/* An error about one of our datagrams: its summary goes to @p errs. */
static void
icmp6_error_input(struct tern_ctx *ctx, struct rte_mbuf *m, uint8_t type,
		  struct tern_icmp_errs *errs)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, icmp6_err_counter(type));
	if (errs == NULL || errs->n == RTE_DIM(errs->e)) {
		tern_drop(ctx, m, TERN_STAT_ICMP6_IN_UNHANDLED);
		return;
	}
	if (rte_pktmbuf_data_len(m) < RTE_MIN(len, ICMP6_ERR_HLEN +
					      NET_IPV6_HLEN + 8u)) {
		tern_drop(ctx, m, TERN_STAT_NET_DROP_HDR_SPLIT);
		return;
	}
	verdict = icmp6_err_parse(ctx, rte_pktmbuf_mtod(m, const uint8_t *),
				  len, &errs->e[errs->n]);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	errs->n++;
	rte_pktmbuf_free(m);
}

void
net_icmp6_input(struct tern_ctx *ctx, struct rte_mbuf *m,
		struct tern_icmp_errs *errs)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct net_ipv6_repr ip;
	struct net_icmp_repr r;
	tern_stat_t verdict;

	tern_stat_inc(&ctx->stats, TERN_STAT_ICMP6_IN_MSGS);
	icmp6_ip_repr(m, &ip);
	verdict = net_icmp6_parse(rte_pktmbuf_mtod(m, const void *),
				  rte_pktmbuf_data_len(m), len, &r);
	if (verdict == NET_ACCEPT && !icmp6_cksum_ok(m, len))
		verdict = TERN_STAT_ICMP6_IN_CSUM_ERRORS;
	if (verdict == NET_ACCEPT && r.type == ICMP6_ECHO_REQUEST &&
	    len < NET_ICMP_HLEN)
		verdict = TERN_STAT_ICMP6_IN_ERRORS;
	if (verdict == NET_ACCEPT && r.type != ICMP6_ND_NS &&
	    r.type != ICMP6_ND_NA && tern_ip6_is_unspec(&ip.src))
		verdict = TERN_STAT_IP6_IN_BAD_SRC;
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	switch (r.type) {
	case ICMP6_ECHO_REQUEST:
		tern_stat_inc(&ctx->stats, TERN_STAT_ICMP6_IN_ECHOS);
		icmp6_echo_reply(ctx, m, &ip);
		return;
	case ICMP6_ND_NS:
	case ICMP6_ND_NA:
		net_nd_input(ctx, m, &ip);
		return;
	case TERN_ICMP6_DEST_UNREACH:
	case TERN_ICMP6_PKT_TOO_BIG:
	case TERN_ICMP6_TIME_EXCEEDED:
	case TERN_ICMP6_PARAM_PROBLEM:
		icmp6_error_input(ctx, m, r.type, errs);
		return;
	default:
		tern_drop(ctx, m, TERN_STAT_ICMP6_IN_UNHANDLED);
		return;
	}
}

/* May one more error go out now? Tokens accrue one per
 * NET_ICMP6_ERR_TOKEN_NS up to the burst. */
static bool
icmp6_err_allowed(struct tern_ctx *ctx)
{
	struct tern_nd_table *nd = ctx->nd;
	uint64_t earned = (ctx->now_ns - nd->err_refill_ns) /
			  NET_ICMP6_ERR_TOKEN_NS;

	if (earned != 0) {
		nd->err_tokens = (uint32_t)RTE_MIN((uint64_t)NET_ICMP6_ERR_BURST,
						   nd->err_tokens + earned);
		nd->err_refill_ns += earned * NET_ICMP6_ERR_TOKEN_NS;
	}
	if (nd->err_tokens == 0) {
		tern_stat_inc(&ctx->stats, TERN_STAT_ICMP6_OUT_RATELIMIT);
		return false;
	}
	nd->err_tokens--;
	return true;
}

void
net_icmp6_error(struct tern_ctx *ctx, const struct rte_mbuf *m,
		const struct net_ipv6_repr *r, uint8_t type, uint8_t code,
		uint32_t pointer, bool may_mcast)
{
	/* The datagram without Ethernet padding: net_ipv6_parse() has
	 * checked the frame holds its payload length. */
	uint32_t copy_len = RTE_MIN(NET_IPV6_HLEN + (uint32_t)r->payload_len,
				    ICMP6_ERR_MAX);
	const struct tern_ip6 *src = &r->dst;
	struct rte_mbuf *e;
	const void *orig;
	uint8_t *p;

	if (tern_ip6_is_unspec(&r->src) || tern_ip6_is_multicast(&r->src) ||
	    (tern_ip6_is_multicast(&r->dst) && !may_mcast))
		return;
	if (tern_ip6_is_multicast(&r->dst))
		src = net_ip6_source_for(ctx, &r->src);
	if (src == NULL || !icmp6_err_allowed(ctx))
		return;
	e = tern_mbuf_alloc(ctx);
	if (e == NULL)
		return;
	p = (uint8_t *)rte_pktmbuf_append(e, (uint16_t)(ICMP6_ERR_HLEN +
							 copy_len));
	if (p == NULL) {
		tern_drop(ctx, e, TERN_STAT_MBUF_ALLOC_FAIL);
		return;
	}
	p[0] = type;
	p[1] = code;
	p[2] = 0;
	p[3] = 0;
	*(rte_be32_t *)(p + 4) = rte_cpu_to_be_32(pointer);
	orig = rte_pktmbuf_read(m, NET_ETH_HLEN, copy_len, p + ICMP6_ERR_HLEN);
	if (orig != p + ICMP6_ERR_HLEN)
		memcpy(p + ICMP6_ERR_HLEN, orig, copy_len);
	if (tern_ipv6_output(ctx, e, src, &r->src, IPPROTO_ICMPV6, 0) == 0 &&
	    type == ICMP6_PARAM_PROB)
		tern_stat_inc(&ctx->stats, TERN_STAT_ICMP6_OUT_PARM_PROBS);
}
