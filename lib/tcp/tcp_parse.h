/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_PARSE_H
#define TCP_PARSE_H

/*
 * TCP input's parse: a received segment's bytes to struct tcp_seg,
 * once, at the edge (checksum verdict, header, options). Only
 * tcp_input.c includes it, so that its burst loops inline the parse as
 * before; the functions are static for that one includer.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tern_flow_hash.h"
#include "tern_net.h"

/* ---- parsing: bytes to struct tcp_seg, once, at the edge ---- */

/*
 * The RX flags of the TCP checksum's verdict that a burst's parse reads:
 * all of them when the port checks checksums, else none (a verdict it
 * did not make is not trusted). Worked out once per burst: the parse's
 * stores to the segments could alias the context, so gcc reloaded the
 * port's setting for each segment (callgrind).
 */
static __rte_always_inline uint64_t
tcp_cksum_verdict_mask(const struct tern_ctx *ctx)
{
	return ctx->ifc.rx_cksum ? RTE_MBUF_F_RX_L4_CKSUM_MASK : 0;
}

/* The port checked the TCP checksum and found it right (@p verdict:
 * tcp_cksum_verdict_mask()). */
static __rte_always_inline bool
tcp_cksum_offloaded_good(const struct rte_mbuf *m, uint64_t verdict)
{
	return (m->ol_flags & verdict) == RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

static bool
tcp_cksum_ok(const struct tern_ctx *ctx, struct rte_mbuf *m,
	     const struct rte_ipv4_hdr *ip)
{
	uint64_t st = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t sum;

	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	/*
	 * Not rte_ipv4_udptcp_cksum_mbuf_verify(): in DPDK 22.11 it loses
	 * carries on chains with odd-length segments (see tern_net.h).
	 */
	sum = (uint32_t)tern_net_cksum_mbuf(m, 0, m->pkt_len) +
	      rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* A SYN's options as Linux and tern send them with everything on,
 * 20 bytes: MSS, SACK-permitted + TS, NOP WS (tcp_options.h). */
#define TCP_SYN_USUAL_LEN 20

/*
 * The usual SYN (or SYN+ACK) in three word compares, written as
 * tcp_opts_parse_any() would record it (RFC 7323 2.3's clamp of the
 * shift included); false for any other layout.
 */
static __rte_always_inline bool
tcp_opts_parse_syn_usual(const uint8_t *opts, struct tcp_opts *o)
{
	uint32_t w[5];
	uint8_t ws;

	memcpy(w, opts, sizeof(w));
	if ((w[0] & RTE_BE32(0xffff0000)) != RTE_BE32(0x02040000) ||
	    w[1] != RTE_BE32(0x0402080a) ||
	    (w[4] & RTE_BE32(0xffffff00)) != RTE_BE32(0x01030300))
		return false;
	ws = (uint8_t)rte_be_to_cpu_32(w[4]);
	o->mss_ok = true;
	o->ws_ok = true;
	o->sack_perm = true;
	o->ts_ok = true;
	o->ws = ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ws;
	o->nsack = 0;
	o->mss = (uint16_t)rte_be_to_cpu_32(w[0]);
	o->tsval = rte_be_to_cpu_32(w[2]);
	o->tsecr = rte_be_to_cpu_32(w[3]);
	return true;
}

/*
 * Options other than NOP NOP TS: the usual SYN, else the general
 * parser. Out of line, so that the burst loop around the inlined
 * NOP NOP TS test stays as small as it was.
 */
static __rte_noinline bool
tcp_opts_parse_other(const uint8_t *opts, unsigned int len, bool syn,
		     struct tcp_opts *o)
{
	if (syn && len == TCP_SYN_USUAL_LEN &&
	    tcp_opts_parse_syn_usual(opts, o))
		return true;
	return tcp_opts_parse_any(opts, len, syn, o) == TCP_OPTS_OK;
}

/*
 * The options of a segment into @p o; false when malformed. NOP NOP TS
 * alone -- nearly every segment of a connection with timestamps -- is
 * read here at its fixed place, the usual SYN layout at its own in
 * tcp_opts_parse_other(), and only the fields the engine reads of a
 * segment without SACK blocks are written (the blocks are read only up
 * to nsack); anything else takes the general parser.
 */
static __rte_always_inline bool
tcp_opts_parse_seg(const uint8_t *opts, unsigned int len, bool syn,
		   struct tcp_opts *o)
{
	rte_be32_t kinds, tsval, tsecr;

	/* Word by word, not one 12-byte copy: gcc kept that array on the
	 * stack, a store and a load more per word (callgrind). */
	if (len == TCP_OPTS_TS_LEN) {
		memcpy(&kinds, opts, sizeof(kinds));
		if (kinds == RTE_BE32(0x0101080a)) {
			memcpy(&tsval, opts + 4, sizeof(tsval));
			memcpy(&tsecr, opts + 8, sizeof(tsecr));
			o->mss_ok = false;
			o->ws_ok = false;
			o->sack_perm = false;
			o->ts_ok = true;
			o->ws = 0;
			o->nsack = 0;
			o->mss = 0;
			o->tsval = rte_be_to_cpu_32(tsval);
			o->tsecr = rte_be_to_cpu_32(tsecr);
			return true;
		}
	}
	return tcp_opts_parse_other(opts, len, syn, o);
}

/*
 * Validate @p m (data at the TCP header) into @p seg. On failure the
 * reason is returned (the caller counts it and frees the mbuf). One
 * body for both families, @p v6 a constant in each caller.
 */
static __rte_always_inline tern_stat_t
tcp_parse_family(struct tern_ctx *ctx, struct rte_mbuf *m,
		 struct tcp_seg *seg, uint64_t verdict, bool v6)
{
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	unsigned int hdr_len;
	uint8_t f;

	/* The first segment's data_len is at most pkt_len (an mbuf
	 * invariant): what fits in it fits in the packet. */
	if (m->data_len < TCP_HDR_LEN)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	th = rte_pktmbuf_mtod(m, const struct rte_tcp_hdr *);
	/* From the TCP header back: an unsigned length off a pointer
	 * already at hand, not mtod_offset()'s negated int (callgrind). */
	ip = (const struct rte_ipv4_hdr *)((const uint8_t *)th - m->l3_len);
	hdr_len = (th->data_off >> 4) * 4u;
	/* Options must sit in the first segment of an LRO chain too. */
	if (hdr_len < TCP_HDR_LEN || hdr_len > m->data_len)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	if (th->src_port == 0 || th->dst_port == 0)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	/* The port's verdict inline: IPv6's own test is out of line. */
	if (!tcp_cksum_offloaded_good(m, verdict) &&
	    (v6 ? !tcp_cksum6_ok(ctx, m) : !tcp_cksum_ok(ctx, m, ip)))
		return TERN_STAT_TCP_IN_CSUM_ERRORS;

	f = th->tcp_flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_ACK |
			     TCP_URG);
	if (likely((f & (TCP_SYN | TCP_RST | TCP_FIN)) == 0)) {
		/* Most segments: only ACK (with PSH, URG) can be wrong. */
		if (!(f & TCP_ACK))
			return TERN_STAT_TCP_DROP_BAD_FLAGS;
	} else if ((f & (TCP_SYN | TCP_FIN)) == (TCP_SYN | TCP_FIN) ||
		   (f & (TCP_SYN | TCP_RST)) == (TCP_SYN | TCP_RST)) {
		/* Impossible mixes (the flagless segment is above). */
		return TERN_STAT_TCP_DROP_BAD_FLAGS;
	}
	if (!tcp_opts_parse_seg((const uint8_t *)(th + 1),
				hdr_len - TCP_HDR_LEN, (f & TCP_SYN) != 0,
				&seg->opts))
		return TERN_STAT_TCP_DROP_BAD_OPTS;

	seg->m = m;
	seg->flags = f;
	seg->seq = rte_be_to_cpu_32(th->sent_seq);
	seg->ack = rte_be_to_cpu_32(th->recv_ack);
	seg->wnd = rte_be_to_cpu_16(th->rx_win);
	seg->len = m->pkt_len - hdr_len;
	seg->key.lport = th->dst_port;
	seg->key.fport = th->src_port;
	if (v6) {
		tern_stat_t why = tcp_key6_from_ip(ctx, m, seg);

		if (why != TERN_STAT_MAX)
			return why;
	} else {
		seg->key.laddr = ip->dst_addr;
		seg->key.faddr = ip->src_addr;
		if (!ctx->ifc.rx_rss_hash)
			seg->hash = tern_flow_hash_sw_inline(&seg->key,
							     ctx->hash_seed);
		else if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
			seg->hash = m->hash.rss;
		else
			seg->hash = tcp_flow_hash(ctx, &seg->key);
	}
	/* From here on the mbuf holds just the payload (hdr_len was
	 * checked against data_len: rte_pktmbuf_adj() without its test). */
	m->data_off = (uint16_t)(m->data_off + hdr_len);
	m->data_len = (uint16_t)(m->data_len - hdr_len);
	m->pkt_len -= hdr_len;
	return TERN_STAT_MAX;
}

static tern_stat_t
tcp_parse(struct tern_ctx *ctx, struct rte_mbuf *m, struct tcp_seg *seg,
	  uint64_t verdict)
{
	return tcp_parse_family(ctx, m, seg, verdict, false);
}

#endif /* TCP_PARSE_H */
