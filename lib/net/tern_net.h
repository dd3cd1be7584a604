/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_NET_H
#define TERN_NET_H

/**
 * @file
 * Ethernet II, ARP, IPv4 and ICMP: the layers below TCP.
 *
 * Input: tern_net_input_burst() parses and validates a whole RX burst,
 * answers ARP and ICMP echo, and hands TCP segments to
 * tern_tcp_input_burst() in one batch. Every frame it does not deliver
 * is freed and counted under a named reason (net_stats.def).
 *
 * Output: tern_ipv4_output() adds the IPv4 and Ethernet headers, fills
 * checksums (offloaded when the port offers it), resolves the next hop
 * and appends the frame to ctx->tx, or parks it until ARP answers.
 */

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>

struct tern_ctx;

/** Headroom an L4 packet needs for tern_ipv4_output(). */
#define TERN_L2L3_HDR_LEN (14 + 20)

/** Set up ctx->arp; ctx->ifc must be filled. */
void tern_net_init(struct tern_ctx *ctx);

/** Free what ARP still holds (pending packets). */
void tern_net_fini(struct tern_ctx *ctx);

/**
 * Process @p n received frames. Takes ownership of every mbuf.
 * TCP segments reach tern_tcp_input_burst() with data at the TCP header,
 * pkt_len trimmed to the IP payload, l2_len and l3_len set (the IPv4
 * header sits l3_len bytes before the data).
 */
void tern_net_input_burst(struct tern_ctx *ctx, struct rte_mbuf **pkts,
			  uint16_t n);

/**
 * Send the L4 packet @p m (data at the L4 header) to @p dst.
 * Prepends IPv4 (TTL 64, DF set, id 0) and Ethernet headers. For
 * IPPROTO_TCP the TCP checksum is filled here too (offload or software);
 * for other protocols the L4 checksum must already be correct.
 * Always takes ownership of @p m.
 * @return 0 sent or queued for ARP; -EHOSTUNREACH no route;
 *   -ENOBUFS ARP queue full or no headroom (counted, freed).
 */
int tern_ipv4_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		     rte_be32_t dst, uint8_t proto);

/** ARP housekeeping: retries, aging. Call once per loop iteration. */
void tern_net_poll(struct tern_ctx *ctx);

/** Broadcast a gratuitous ARP for our address. */
void tern_arp_announce(struct tern_ctx *ctx);

/** Earliest time tern_net_poll() has work to do (UINT64_MAX: none). */
uint64_t tern_net_next_deadline_ns(const struct tern_ctx *ctx);

#endif /* TERN_NET_H */
