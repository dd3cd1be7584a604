/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NET_HARNESS_H
#define NET_HARNESS_H

/**
 * @file
 * A stack instance on an in-process EAL for the lib/net tests: a test
 * mempool, a TX flush that collects frames for inspection, frame
 * builders, and checksums computed here (RFC 1071, written out) rather
 * than with DPDK's helpers, so that the stack is checked independently.
 *
 * Addresses (198.18.0.0/15, reserved for benchmarking):
 *   us       198.18.0.1/24  02:00:00:00:00:01
 *   peer     198.18.0.2     02:00:00:00:00:02
 *   gateway  198.18.0.254   02:00:00:00:00:fe
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tern_ctx.h"
#include "tern_stack.h"

/* DPDK's NH_IPV4() shifts an int left by 24: undefined for a first
 * octet >= 128 (UBSan says so). */
#define NH_IPV4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
	 (uint32_t)(d))

#define NH_OUR_IP RTE_BE32(NH_IPV4(198, 18, 0, 1))
#define NH_PEER_IP RTE_BE32(NH_IPV4(198, 18, 0, 2))
#define NH_GW_IP RTE_BE32(NH_IPV4(198, 18, 0, 254))
#define NH_NETMASK RTE_BE32(NH_IPV4(255, 255, 255, 0))
#define NH_FAR_IP RTE_BE32(NH_IPV4(198, 19, 7, 9))   /**< off-link */

#define NH_SENT_MAX 512
#define NH_FRAME_MAX 2048
#define NH_T0_NS (1000ull * 1000 * 1000 * 1000)  /**< start time */

extern const struct rte_ether_addr nh_our_mac;
extern const struct rte_ether_addr nh_peer_mac;
extern const struct rte_ether_addr nh_gw_mac;
extern const struct rte_ether_addr nh_bcast_mac;
extern const struct rte_ether_addr nh_zero_mac;

struct nh {
	struct tern_ctx ctx;
	struct rte_mempool *pool;
	unsigned int in_use_baseline;
	uint32_t nsent;
	struct rte_mbuf *sent[NH_SENT_MAX];
};

/** The one harness of the process (a tern_ctx is cache aligned). */
extern struct nh nh_env;

/** EAL and the test mempool. @return 0 or -1. */
int nh_eal_init(const char *prog);

/** The interface configuration tests start from. */
void nh_default_ifc(struct tern_if_conf *ifc);

/** tern_stack_init() on nh_env with @p ifc (NULL: the default). */
void nh_setup(const struct tern_if_conf *ifc);

/** tern_stack_fini(), free what was sent, check the pool is back to its
 * baseline. */
void nh_teardown(void);

/** cmocka-shaped wrappers of the two above. */
int nh_cm_setup(void **state);
int nh_cm_teardown(void **state);

/** Feed one frame through tern_stack_input() and flush TX. */
void nh_input(struct rte_mbuf *m);

/** Feed a burst. */
void nh_input_burst(struct rte_mbuf **pkts, uint16_t n);

/** Set the clock, run tern_stack_poll(), flush TX. */
void nh_poll_at(uint64_t now_ns);

/** Flush ctx->tx into nh_env.sent. */
void nh_flush(void);

/** Free every collected frame. */
void nh_clear_sent(void);

/** rte_mempool_in_use_count() of the test pool. */
unsigned int nh_in_use(void);

/* Mbufs. */

/** A single-segment mbuf holding @p len bytes of @p frame, the rest of
 * its buffer filled with 0xa5. */
struct rte_mbuf *nh_mbuf(const void *frame, size_t len);

/**
 * A single-segment mbuf holding @p len bytes of @p frame placed near the
 * end of the buffer (2-byte aligned) so that @p tail_len bytes of @p tail
 * follow it (data_len stays @p len): a parser that reads past data_len
 * sees @p tail.
 */
struct rte_mbuf *nh_mbuf_with_tail(const void *frame, size_t len,
				   const void *tail, size_t tail_len);

/** A chain: @p frame cut into segments of @p seg_lens (summing to len),
 * each made by nh_mbuf(). */
struct rte_mbuf *nh_mbuf_chain(const void *frame, size_t len,
			       const uint16_t *seg_lens, unsigned int nsegs);

/** Copy a (possibly chained) mbuf into @p buf; @return its length. */
size_t nh_linearize(const struct rte_mbuf *m, uint8_t *buf, size_t cap);

/* Checksums, written out independently of DPDK. */

/** One's complement sum of @p len bytes, folded, not complemented. */
uint16_t nh_sum16(const void *buf, size_t len, uint32_t initial);

/** True when the IPv4 header at @p ip has a valid checksum. */
bool nh_ipv4_cksum_ok(const uint8_t *ip);

/** True when the TCP/UDP checksum of the datagram at @p ip is valid. */
bool nh_l4_cksum_ok(const uint8_t *ip);

/** Recompute the IPv4 header checksum of the frame at @p frame. */
void nh_ipv4_fix_cksum(uint8_t *frame);

/** Recompute the ICMP checksum of the frame at @p frame. */
void nh_icmp_fix_cksum(uint8_t *frame);

/** The pseudo-header sum (not complemented) of the datagram at @p ip. */
uint16_t nh_pseudo_sum(const uint8_t *ip);

/* Frames from the peer to us (valid unless the test breaks them). */

/** ARP: @return length (42). */
size_t nh_arp_frame(uint8_t *buf, uint16_t op,
		    const struct rte_ether_addr *eth_dst,
		    const struct rte_ether_addr *sha, rte_be32_t sip,
		    const struct rte_ether_addr *tha, rte_be32_t tip);

/** IPv4 datagram with @p l4 as payload; @return frame length. */
size_t nh_ipv4_frame(uint8_t *buf, rte_be32_t src, rte_be32_t dst,
		     uint8_t proto, const void *l4, size_t l4_len);

/** ICMP echo request with a patterned payload; @return frame length. */
size_t nh_icmp_echo_frame(uint8_t *buf, size_t payload_len, uint16_t id,
			  uint16_t seq);

/** TCP segment (flags, payload) peer:40000 -> us:80; @return length. */
size_t nh_tcp_frame(uint8_t *buf, uint8_t flags, const void *payload,
		    size_t payload_len);

/** The payload byte nh_icmp_echo_frame() puts at offset @p i. */
uint8_t nh_pattern(size_t i);

/* Counters. */

/** Counters that mean "a frame or packet was dropped" (lib/net). */
extern const tern_stat_t nh_drop_stats[];
extern const unsigned int nh_ndrop_stats;

/** True when @p id is one of nh_drop_stats. */
bool nh_is_drop_stat(tern_stat_t id);

/** Sum of the drop counters in @p s. */
uint64_t nh_drop_sum(const struct tern_stats *s);

/** Counter delta. */
static inline uint64_t
nh_delta(const struct tern_stats *before, tern_stat_t id)
{
	return nh_env.ctx.stats.c[id] - before->c[id];
}

/** Learn the peer (and gateway) MACs via ARP requests for us. */
void nh_learn(rte_be32_t ip, const struct rte_ether_addr *mac);

/** An L4 packet ready for tern_ipv4_output(): a TCP header (ports
 * 80 -> 40000, ACK) and @p payload_len patterned bytes. */
struct rte_mbuf *nh_tcp_packet(size_t payload_len, uint32_t seq);

#endif /* NET_HARNESS_H */
