/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_NET_H
#define TERN_NET_H

/**
 * @file
 * Ethernet II, ARP, IPv4, ICMP, IPv6, Neighbour Discovery and ICMPv6:
 * the layers below TCP (IPv6: docs/ipv6.md).
 *
 * Input: tern_net_input_burst() parses and validates a whole RX burst,
 * answers ARP and ICMP echo, and returns the TCP segments, which the
 * stack layer (lib/stack) hands to tern_tcp_input_burst() in one batch,
 * and the ICMP errors about TCP segments we sent, reduced to struct
 * tern_icmp_err, which it hands to tern_tcp_icmp_input(): lib/net never
 * calls up into TCP. Every frame it does not deliver is freed and
 * counted under a named reason (net_stats.def).
 *
 * Output: tern_ipv4_output() adds the IPv4 and Ethernet headers, fills
 * checksums (offloaded when the port offers it), resolves the next hop
 * and appends the frame to ctx->tx, or parks it until ARP answers.
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tern_arp.h"
#include "tern_ctx.h"
#include "tern_ip6.h"
#include "tern_nd.h"
#include "tern_net_stats.h"

struct tern_ctx;

/** Headroom an L4 packet needs for tern_ipv4_output(). */
#define TERN_L2L3_HDR_LEN (14 + 20)
/** Headroom an L4 packet needs for tern_ipv6_output(). */
#define TERN_L2L3_HDR_LEN6 (14 + 40)

/** ICMP error types handed to TCP (RFC 792; DPDK 22.11 names none). */
enum tern_icmp_err_type {
	TERN_ICMP_DEST_UNREACH = 3,
	TERN_ICMP_TIME_EXCEEDED = 11,
	TERN_ICMP_PARAM_PROBLEM = 12,
};

/** Destination unreachable codes TCP tells apart (RFC 792, 1122). */
enum tern_icmp_unreach_code {
	TERN_ICMP_NET_UNREACH = 0,
	TERN_ICMP_HOST_UNREACH = 1,
	TERN_ICMP_PROTO_UNREACH = 2,
	TERN_ICMP_PORT_UNREACH = 3,
	TERN_ICMP_FRAG_NEEDED = 4,     /**< and DF set: RFC 1191 */
	TERN_ICMP_SR_FAILED = 5,
};

/**
 * An ICMP error (destination unreachable, time exceeded, parameter
 * problem) quoting a TCP segment sent from one of our addresses
 * (RFC 792, RFC 1122 3.2.2): what TCP needs to find the connection and
 * check the report against its sequence space (RFC 5927). Everything is
 * in host order but the addresses and ports, which stay in network
 * order as in struct tern_flow_key.
 */
struct tern_icmp_err {
	uint8_t family;          /**< AF_INET, or AF_INET6: ICMPv6 (type
				      1, 2, 3 or 4, RFC 4443), addresses in
				      src6 and dst6 */
	uint8_t type;            /**< 3, 11 or 12 (ICMPv6: 1 to 4) */
	uint8_t code;
	uint16_t next_hop_mtu;   /**< type 3 code 4: RFC 1191's field; 0
				      when the router left it out (ICMPv6
				      packet too big: its MTU, at most
				      65535) */
	uint16_t quoted_len;     /**< total length of the quoted datagram */
	bool quoted_df;          /**< the quoted datagram had DF set */
	rte_be32_t src;          /**< the quoted datagram's source: ours */
	rte_be32_t dst;          /**< ... and destination: the peer */
	rte_be16_t sport;        /**< the quoted TCP header's ports */
	rte_be16_t dport;
	uint32_t seq;            /**< ... and sequence number */
	struct tern_ip6 src6, dst6; /**< AF_INET6: src and dst */
};

/** ICMPv6 error types handed to TCP (RFC 4443). */
enum tern_icmp6_err_type {
	TERN_ICMP6_DEST_UNREACH = 1,
	TERN_ICMP6_PKT_TOO_BIG = 2,
	TERN_ICMP6_TIME_EXCEEDED = 3,
	TERN_ICMP6_PARAM_PROBLEM = 4,
};

/** The ICMP errors of one burst, for the caller to hand to TCP. */
struct tern_icmp_errs {
	uint16_t n;
	struct tern_icmp_err e[TERN_RX_BURST];
};

/**
 * Allocate and set up ctx->arp (empty; retry_ns 1 s, retries_max 3,
 * timeout_ns 60 s, which the runtime may change afterwards) and ctx->nd
 * (the neighbour cache, which uses the ARP timers; with ctx->ifc.ip6
 * set, the link-local and global addresses tentative until DAD has
 * run in tern_net_poll()); ctx->ifc must be filled, and ctx->ifc.mtu 0
 * becomes 1500.
 * @return 0, or -ENOMEM.
 */
int tern_net_init(struct tern_ctx *ctx);

/** Free what ARP still holds (pending packets) and ctx->arp. */
void tern_net_fini(struct tern_ctx *ctx);

/**
 * Process @p n (at most TERN_RX_BURST) received frames. Takes ownership
 * of every mbuf. A frame starts 2-byte aligned (struct rte_ether_hdr is;
 * every PMD delivers frames at the even RX headroom). ARP and ICMP are
 * answered before this returns.
 * The TCP segments are stored in @p tcp (room for @p n), in arrival
 * order, for the caller to pass on: each with data at the TCP header,
 * pkt_len trimmed to the IP payload, l2_len and l3_len set (the IPv4
 * header sits l3_len bytes before the data). The IPv4 header has been
 * validated (checksum included) and its addresses checked: destination
 * ours, source a unicast peer. Whenever the payload is long enough to
 * hold the TCP header (its data offset included), that header is in
 * the first segment.
 * TCP segments carried by IPv6 follow the IPv4 ones in @p tcp: the
 * last *@p ntcp6 of the returned count (the IPv6 header, extension
 * headers walked, l3_len bytes before the data; @p ntcp6 NULL: they
 * are dropped as Ip6InUnknownProtos).
 * The ICMP and ICMPv6 errors about TCP segments of ours are stored in
 * @p errs (errs->n of them; the frames themselves are freed); with
 * @p errs NULL they are counted as unhandled and dropped.
 * @return the number of TCP segments stored in @p tcp.
 */
uint16_t tern_net_input_burst(struct tern_ctx *ctx, struct rte_mbuf **pkts,
			      uint16_t n, struct rte_mbuf **tcp,
			      uint16_t *ntcp6, struct tern_icmp_errs *errs);

/**
 * Send the L4 packet @p m (data at the L4 header) to @p dst.
 * Prepends IPv4 (TTL 64, DF set, id 0) and Ethernet headers. For
 * IPPROTO_TCP the TCP checksum is filled here too (offload or software);
 * for other protocols the L4 checksum must already be correct.
 * The TCP header must be in the first segment. Always takes ownership
 * of @p m; every refusal is counted (net_stats.def) and frees it.
 * @return 0 sent or queued for ARP; -EHOSTUNREACH no route (no gateway
 *   for an off-link @p dst, or @p dst is ours, zero, broadcast,
 *   multicast or loopback); -ENOBUFS ARP queue or table full, or no
 *   headroom; -EMSGSIZE larger than the MTU (DF, no fragmentation);
 *   -EINVAL a TCP packet shorter than a TCP header in its first segment.
 */
int tern_ipv4_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		     rte_be32_t dst, uint8_t proto);

/**
 * tern_ipv4_output() from our address @p src (ifc.ip or one of
 * ifc.extra_ip; the caller guarantees it is ours): TCP sends from the
 * connection's local address. Same returns.
 */
int tern_ipv4_output_from(struct tern_ctx *ctx, struct rte_mbuf *m,
			  rte_be32_t src, rte_be32_t dst, uint8_t proto);

/**
 * Send the L4 packet @p m (data at the L4 header) to @p dst over IPv6.
 * Prepends IPv6 (hop limit 64, traffic class and flow label from
 * @p tc_flow: class << 20 | label) and Ethernet headers; fills the TCP
 * or ICMPv6 checksum (TCP's offloaded when the port can). The next hop
 * is @p dst when link-local or inside ifc.ip6's prefix, else ifc.gw6;
 * multicast goes straight to its 33:33 group MAC. Always takes
 * ownership of @p m; every refusal is counted and frees it.
 * @param src one of our usable addresses, or NULL: the link-local one
 *   for link-local and link-scope destinations, else ifc.ip6.
 * @return 0 sent or queued for ND; -EHOSTUNREACH no route or no usable
 *   source (IPv6 off, DAD not finished or failed); -ENOBUFS ND queue or
 *   table full, or no headroom; -EMSGSIZE larger than the MTU (no
 *   fragmentation); -EINVAL a TCP packet shorter than a TCP header in
 *   its first segment.
 */
int tern_ipv6_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		     const struct tern_ip6 *src, const struct tern_ip6 *dst,
		     uint8_t proto, uint32_t tc_flow);

/**
 * Our IPv6 address in @p slot (TERN_ND_ADDR_LL or TERN_ND_ADDR_GLOBAL)
 * and its DAD state (enum tern_nd_addr_state); NONE when IPv6 is off.
 * Inline: TCP reads its source through it on every IPv6 segment.
 */
static inline enum tern_nd_addr_state
tern_ipv6_addr(const struct tern_ctx *ctx, enum tern_nd_addr_slot slot,
	       struct tern_ip6 *addr)
{
	*addr = ctx->nd->addr[slot];
	return (enum tern_nd_addr_state)ctx->nd->addr_state[slot];
}

/**
 * One's complement sum (not complemented, folded to 16 bits) of @p len
 * bytes of @p m from offset @p off, across segments of any length.
 * Use it instead of rte_raw_cksum_mbuf(): in DPDK 22.11 that function
 * truncates a segment's 32-bit partial sum to 16 bits before
 * byte-swapping it when the segment starts at an odd offset, losing
 * carries (wrong checksums for chains with odd segment lengths).
 * @return the sum; 0 when the range is not inside the packet.
 */
uint16_t tern_net_cksum_mbuf(const struct rte_mbuf *m, uint32_t off,
			     uint32_t len);

/**
 * One's complement sum (folded, not complemented) of @p len bytes at
 * @p buf, in the byte order of rte_raw_cksum() (RFC 1071). Eight bytes a
 * step with a 64-bit accumulator -- about four times fewer instructions
 * than rte_raw_cksum()'s 16-bit loop, and checksums are on every
 * segment of a port without offloads.
 */
uint16_t tern_raw_cksum(const void *buf, size_t len);

/** ARP and ND housekeeping: retries, aging, DAD. Call once per loop
 * iteration. */
void tern_net_poll(struct tern_ctx *ctx);

/** Broadcast a gratuitous ARP for our address. */
void tern_arp_announce(struct tern_ctx *ctx);

/**
 * Whether the ARP frame @p m (Ethernet header first, untagged) is one
 * this worker will accept and whose target is one of our addresses: the
 * frames worth sharing with the other workers of the port.
 */
bool tern_arp_frame_shareable(const struct tern_ctx *ctx,
			      const struct rte_mbuf *m);

/**
 * Learn from an ARP frame (Ethernet header first) that another worker
 * received and handled: refreshes or completes this worker's entry by
 * the rule of net_arp_input, sends what waited for it, answers nothing.
 * Frees @p m; a malformed frame is counted and dropped.
 */
void tern_arp_learn_frame(struct tern_ctx *ctx, struct rte_mbuf *m);

/** Earliest time tern_net_poll() has work to do (UINT64_MAX: none). */
uint64_t tern_net_next_deadline_ns(const struct tern_ctx *ctx);

/**
 * A flow's Ethernet and IP headers built once (tern_ipv4_tmpl_build(),
 * tern_ipv6_tmpl_build()), for a transport that sends many datagrams on
 * it: each is then a copy of the headers and a few field writes
 * (tern_ip_tmpl_send()). The neighbour entry the headers go through is
 * remembered by its place and the table's generation, as IPv4 and IPv6
 * output remember their last destination (tern_arp.h, tern_nd.h): the
 * template is used only while that entry is still the same and fresh
 * (tern_ip_tmpl_mac()), and its MAC is read from the entry each time.
 */
struct tern_ip_tmpl {
	uint32_t gen;           /**< neighbour table generation when built */
	uint8_t idx;            /**< the neighbour entry */
	uint8_t is6;
	uint8_t hdr_len;        /**< Ethernet + IP: 34 or 54 */
	uint8_t proto;
	uint32_t phdr_sum;      /**< pseudo-header sum less the length,
				     folded to 16 bits */
	uint32_t ip_sum;        /**< IPv4 header sum less total_length,
				     folded to 16 bits */
};

/** Bytes the headers of a template take at most. */
#define TERN_IP_TMPL_HDR_MAX TERN_L2L3_HDR_LEN6

/**
 * Build the Ethernet and IPv4 headers from @p src to @p dst (protocol
 * @p proto) into @p hdr (TERN_L2L3_HDR_LEN bytes; the lengths and the
 * checksum are left to tern_ip_tmpl_send()) and @p t, when the ARP
 * entry of @p dst's next hop is resolved and fresh (the one the last
 * datagram to @p dst went through, or found by the next hop).
 * @return 0; -EAGAIN: no such entry, or no route (send through
 *   tern_ipv4_output_from(), which resolves or refreshes it or counts
 *   the drop, and build again after).
 */
int tern_ipv4_tmpl_build(const struct tern_ctx *ctx, rte_be32_t src,
			 rte_be32_t dst, uint8_t proto, uint8_t *hdr,
			 struct tern_ip_tmpl *t);

/**
 * The same for IPv6 (TERN_L2L3_HDR_LEN6 bytes), with traffic class and
 * flow label @p tc_flow, when the neighbour entry of @p dst's next hop
 * (the one the last datagram to @p dst went through, or found by the
 * next hop) needs no state change to send through
 * (tern_nd_entry_sendable()).
 * @return 0; -EAGAIN: no such entry (send through tern_ipv6_output()).
 */
int tern_ipv6_tmpl_build(const struct tern_ctx *ctx,
			 const struct tern_ip6 *src,
			 const struct tern_ip6 *dst, uint8_t proto,
			 uint32_t tc_flow, uint8_t *hdr,
			 struct tern_ip_tmpl *t);

/**
 * May a datagram go to resolved neighbour entry @p e's MAC without a
 * state change? REACHABLE within timeout_ns, or DELAY or PROBE, which
 * run on their timers (RFC 4861 7.3.3: packets go to the cached
 * address meanwhile). Not STALE or a REACHABLE one past its timeout:
 * the first packet moves those to DELAY (the full output's work).
 */
static inline bool
tern_nd_entry_sendable(const struct tern_ctx *ctx,
		       const struct tern_nd_entry *e)
{
	if (e->state == TERN_ND_REACHABLE)
		return ctx->now_ns - e->confirmed_ns < ctx->arp->timeout_ns;
	return e->state == TERN_ND_DELAY || e->state == TERN_ND_PROBE;
}

/**
 * The MAC a datagram built from @p t goes to now, or NULL when the entry
 * is no longer the one it was built with or not fresh any more (send
 * through the full output, which runs ARP's or ND's state machine).
 */
static inline const struct rte_ether_addr *
tern_ip_tmpl_mac(const struct tern_ctx *ctx, const struct tern_ip_tmpl *t)
{
	if (likely(!t->is6)) {
		const struct tern_arp_table *tbl = ctx->arp;
		const struct tern_arp_entry *e = &tbl->e[t->idx];

		if (t->gen != tbl->gen ||
		    ctx->now_ns - e->confirmed_ns >= tbl->timeout_ns)
			return NULL;
		return &e->mac;
	} else {
		const struct tern_nd_table *tbl = ctx->nd;
		const struct tern_nd_entry *e = &tbl->e[t->idx];

		if (t->gen != tbl->gen || !tern_nd_entry_sendable(ctx, e))
			return NULL;
		return &e->mac;
	}
}

/* The one's complement sum @p sum (at most 0xffff) plus @p v16. */
static inline uint16_t
tern_ip_tmpl_sum_add(uint32_t sum, uint16_t v16)
{
	sum += v16;
	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/**
 * The headers of frame @p m, whose data, at @p p (given: the caller
 * has it, and the compiler would load it again after the caller's
 * stores into the frame), starts with @p t's headers followed
 * by an @p l4_len-byte TCP segment (its checksum field zero), all in the
 * first segment of @p m, to @p mac (tern_ip_tmpl_mac()): the MAC, the
 * lengths, the IP checksum (offloaded where the port offers it) and, when
 * the port adds the segment's sum, the TCP checksum field; counted as the
 * full output counts. Sets all of m's tx_offload (not a TSO frame: one
 * MTU at most). The segment's bytes may still be written after:
 * tern_ip_tmpl_queue() sums them when the port does not.
 */
static inline void
tern_ip_tmpl_head(struct tern_ctx *ctx, struct rte_mbuf *m, uint8_t *p,
		  const struct tern_ip_tmpl *t,
		  const struct rte_ether_addr *mac, uint32_t l4_len)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(p + t->hdr_len);
	uint16_t len_be = rte_cpu_to_be_16((uint16_t)l4_len);
	uint64_t ol = 0;

	rte_ether_addr_copy(mac, (struct rte_ether_addr *)p);
	/* All the offload lengths in one write: no TSO here (one MTU). */
	m->tx_offload = rte_mbuf_tx_offload(RTE_ETHER_HDR_LEN, t->is6 ?
		sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr),
		0, 0, 0, 0, 0);
	if (likely(!t->is6)) {
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)
			(p + RTE_ETHER_HDR_LEN);
		uint16_t tot_be = rte_cpu_to_be_16((uint16_t)(l4_len +
					sizeof(struct rte_ipv4_hdr)));

		ih->total_length = tot_be;
		if (ctx->ifc.tx_ip_cksum) {
			ol = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		} else {
			uint16_t ck = (uint16_t)~tern_ip_tmpl_sum_add(t->ip_sum,
								      tot_be);

			/* As rte_ipv4_cksum(): 0 is sent as 0xffff. */
			ih->hdr_checksum = ck != 0 ? ck : 0xffff;
		}
		tern_stat_inc(&ctx->stats, TERN_STAT_IP_OUT_REQUESTS);
	} else {
		struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)
			(p + RTE_ETHER_HDR_LEN);

		ih->payload_len = len_be;
		tern_stat_inc(&ctx->stats, TERN_STAT_IP6_OUT_REQUESTS);
	}
	if (ctx->ifc.tx_tcp_cksum) {
		/* The port adds the segment to the pseudo-header sum. */
		ol |= (t->is6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		      RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = tern_ip_tmpl_sum_add(t->phdr_sum, len_be);
	}
	m->ol_flags |= ol;
}

/**
 * Frame @p m, its headers written by tern_ip_tmpl_head() with the same
 * @p t and @p l4_len and its segment complete, into the TX batch, with
 * the TCP checksum when the port does not add it. Takes ownership.
 */
static inline void
tern_ip_tmpl_queue(struct tern_ctx *ctx, struct rte_mbuf *m,
		   const struct tern_ip_tmpl *t, uint32_t l4_len)
{
	if (!ctx->ifc.tx_tcp_cksum) {
		struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
				struct rte_tcp_hdr *, t->hdr_len);
		uint16_t len_be = rte_cpu_to_be_16((uint16_t)l4_len);
		uint16_t sum = tern_ip_tmpl_sum_add(
			tern_net_cksum_mbuf(m, t->hdr_len, l4_len),
			tern_ip_tmpl_sum_add(t->phdr_sum, len_be));

		th->cksum = (uint16_t)~sum;
	}
	tern_ctx_tx(ctx, m);
}

/**
 * Send frame @p m as tern_ip_tmpl_head() and tern_ip_tmpl_queue() do,
 * its segment already complete. Takes ownership.
 */
static inline void
tern_ip_tmpl_send(struct tern_ctx *ctx, struct rte_mbuf *m,
		  const struct tern_ip_tmpl *t,
		  const struct rte_ether_addr *mac, uint32_t l4_len)
{
	tern_ip_tmpl_head(ctx, m, rte_pktmbuf_mtod(m, uint8_t *), t, mac,
			  l4_len);
	tern_ip_tmpl_queue(ctx, m, t, l4_len);
}

#endif /* TERN_NET_H */
