/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_FRAME_H
#define SIM_FRAME_H

/**
 * @file
 * Frames as the simulator and the scripted peer see them: a parser that
 * reduces an Ethernet frame (ARP, IPv4, ICMP, IPv6, ICMPv6 and ND, TCP
 * over either) to a plain struct,
 * a one-line formatter for traces, and builders for the frames a test
 * injects. Written independently of lib/net and lib/tcp (own option
 * encoder and parser, own checksum) so that the tests do not share the
 * engine's mistakes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "tern_ip6.h"

#define SIM_FIN RTE_TCP_FIN_FLAG
#define SIM_SYN RTE_TCP_SYN_FLAG
#define SIM_RST RTE_TCP_RST_FLAG
#define SIM_PSH RTE_TCP_PSH_FLAG
#define SIM_ACK RTE_TCP_ACK_FLAG
#define SIM_URG RTE_TCP_URG_FLAG

/** Largest payload a parsed packet keeps (an MTU-sized frame fits). */
#define SIM_PAYLOAD_MAX 2048
#define SIM_SACK_MAX 4

enum sim_pkt_kind {
	SIM_PKT_OTHER,    /**< unknown ethertype or truncated */
	SIM_PKT_ARP,
	SIM_PKT_IPV4,     /**< IPv4 with a protocol other than ICMP/TCP */
	SIM_PKT_ICMP,
	SIM_PKT_TCP,      /**< over IPv4 or IPv6 (sim_hdr.family) */
	SIM_PKT_IPV6,     /**< IPv6 with a protocol other than ICMPv6/TCP,
			       or cut short */
	SIM_PKT_ICMP6,    /**< ICMPv6, ND included (icmp_type 135, 136) */
};

#define SIM_ND_NS 135
#define SIM_ND_NA 136

/** TCP options, parsed or to be emitted. */
struct sim_tcp_opts {
	bool mss_ok, ws_ok, sack_perm, ts_ok;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	struct {
		uint32_t start, end;
	} sack[SIM_SACK_MAX];
	/* parse only: */
	bool malformed;       /**< length 0/1 or past the header */
	uint8_t nunknown;     /**< options of unknown kind */
	uint8_t len;          /**< option bytes in the header */
};

/** Headers of one frame, host byte order except addresses. */
struct sim_hdr {
	enum sim_pkt_kind kind;
	uint32_t frame_len;
	struct rte_ether_addr eth_src, eth_dst;
	uint16_t ethertype;
	/* ARP */
	uint16_t arp_op;
	struct rte_ether_addr arp_sha, arp_tha;
	rte_be32_t arp_spa, arp_tpa;
	/* IP of either family: family 4 or 6 (0: not IP). ip_ttl is the
	 * hop limit, ip_len the whole datagram (40 + payload length) and
	 * ip_csum_ok true for IPv6, which has no header checksum. */
	uint8_t family;
	rte_be32_t ip_src, ip_dst;
	uint8_t ip_proto, ip_ttl;
	uint16_t ip_len, ip_id, ip_frag;
	bool ip_csum_ok;
	/* IPv6 */
	struct tern_ip6 ip6_src, ip6_dst;
	uint32_t ip6_tc_flow;    /**< traffic class << 20 | flow label */
	uint8_t ip6_ext;      /**< extension headers walked */
	/* ND (ICMPv6 135, 136) */
	struct tern_ip6 nd_target;
	uint8_t nd_flags;     /**< NA: R 0x80, S 0x40, O 0x20 */
	bool nd_lladdr_ok;    /**< a source/target link-layer option */
	struct rte_ether_addr nd_lladdr;
	/* ICMP */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	bool icmp_csum_ok;
	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t doff_bytes;
	uint16_t win, urp;
	bool tcp_csum_ok;
	struct sim_tcp_opts opts;
	/* TCP payload, or ICMP data after the 8-byte ICMP header */
	uint32_t payload_len;
};

/** A parsed frame with its payload copied out. */
struct sim_pkt {
	struct sim_hdr h;
	uint8_t payload[SIM_PAYLOAD_MAX];
};

/**
 * Parse @p m (data at the Ethernet header) into @p out. With
 * @p copy_payload false only out->h is filled (cheap, for traces).
 */
void sim_pkt_parse(const struct rte_mbuf *m, struct sim_pkt *out,
		   bool copy_payload);

/** Parse headers only into @p h. */
void sim_hdr_parse(const struct rte_mbuf *m, struct sim_hdr *h);

/** One-line summary of @p h, tcpdump-like ("S. seq=.. ack=.. win=.."). */
void sim_hdr_format(const struct sim_hdr *h, char *buf, size_t size);

/** "S.", "F.", "R", "P.", ... for @p flags. */
void sim_flags_format(uint8_t flags, char *buf, size_t size);

/** Ones' complement sum of @p len bytes folded into @p sum (no invert). */
uint32_t sim_csum_add(uint32_t sum, const void *data, size_t len);

/** Final 16-bit Internet checksum of a running sum (inverted). */
uint16_t sim_csum_fold(uint32_t sum);

enum sim_csum_mode {
	SIM_CSUM_OK = 0,
	SIM_CSUM_BAD,      /**< correct checksum with one bit flipped */
	SIM_CSUM_ZERO,     /**< checksum field 0 */
};

/** A TCP segment a test wants on the wire. */
struct sim_tcp_spec {
	struct rte_ether_addr eth_src, eth_dst;
	uint8_t family;              /**< 6: over IPv6 (ip6_*); else IPv4 */
	rte_be32_t ip_src, ip_dst;
	struct tern_ip6 ip6_src, ip6_dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t urp;
	struct sim_tcp_opts opts;    /**< encoded unless raw_opts is set */
	const uint8_t *raw_opts;     /**< verbatim option bytes, padded
					  with zeros to a multiple of 4 */
	uint8_t raw_opts_len;
	const void *data;
	uint32_t len;
	uint8_t doff_words;          /**< 0: computed; else forced */
	enum sim_csum_mode csum;
	uint8_t ttl;                 /**< 0: 64 (the hop limit in IPv6) */
};

/** Encode @p o (Linux order: MSS, SACK-perm+TS, WS, SACK) at @p buf. */
unsigned int sim_tcp_opts_encode(const struct sim_tcp_opts *o,
				 uint8_t buf[40]);

/** Build the Ethernet/IPv4/TCP or Ethernet/IPv6/TCP frame of @p spec
 * from @p pool. */
struct rte_mbuf *sim_build_tcp(struct rte_mempool *pool,
			       const struct sim_tcp_spec *spec);

/** Build an ARP request or reply (@p op host order: 1 or 2). */
struct rte_mbuf *sim_build_arp(struct rte_mempool *pool, uint16_t op,
			       const struct rte_ether_addr *eth_dst,
			       const struct rte_ether_addr *sha,
			       rte_be32_t spa,
			       const struct rte_ether_addr *tha,
			       rte_be32_t tpa);

/**
 * Build an IPv4 packet of protocol @p proto carrying @p len bytes of
 * @p l4 verbatim (the caller fills any L4 checksum).
 */
struct rte_mbuf *sim_build_ipv4(struct rte_mempool *pool,
				const struct rte_ether_addr *eth_src,
				const struct rte_ether_addr *eth_dst,
				rte_be32_t ip_src, rte_be32_t ip_dst,
				uint8_t proto, const void *l4, uint32_t len);

/**
 * Build an IPv6 packet (no extension header) of next header @p nh and
 * hop limit @p hlim carrying @p len bytes of @p l4 verbatim. For
 * ICMPv6 the checksum is filled (the caller's is overwritten).
 */
struct rte_mbuf *sim_build_ipv6(struct rte_mempool *pool,
				const struct rte_ether_addr *eth_src,
				const struct rte_ether_addr *eth_dst,
				const struct tern_ip6 *src,
				const struct tern_ip6 *dst, uint8_t nh,
				uint8_t hlim, const void *l4, uint32_t len);

/**
 * A Neighbour Advertisement from @p src (MAC @p sha) to @p dst at MAC
 * @p eth_dst for @p target with flags @p flags (0x40 solicited, 0x20
 * override) and a target link-layer address option.
 */
struct rte_mbuf *sim_build_na(struct rte_mempool *pool,
			      const struct rte_ether_addr *sha,
			      const struct rte_ether_addr *eth_dst,
			      const struct tern_ip6 *src,
			      const struct tern_ip6 *dst,
			      const struct tern_ip6 *target, uint8_t flags);

/** The ones' complement sum of the IPv6 pseudo-header (RFC 8200 8.1)
 * of an upper-layer packet of @p len bytes, for sim_csum_add(). */
uint32_t sim_csum_pseudo6(const struct tern_ip6 *src,
			  const struct tern_ip6 *dst, uint8_t nh,
			  uint32_t len);

/** "2001:2::a" for @p a (inet_ntop's form). */
void sim_ip6_format(const struct tern_ip6 *a, char *buf, size_t size);

/** Fill @p buf with an ICMP echo request (@p len >= 8); checksum set. */
void sim_icmp_echo_fill(uint8_t *buf, uint32_t len, uint8_t type,
			uint16_t id, uint16_t seq);

#endif /* SIM_FRAME_H */
