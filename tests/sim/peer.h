/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_PEER_H
#define SIM_PEER_H

/**
 * @file
 * A scripted TCP peer (packetdrill-like): one tern stack "T" and a
 * scripted endpoint "P" on a zero-latency wire. The test injects
 * hand-built segments from P and pops/asserts what T emitted, so a test
 * reads like a packet trace:
 *
 *   peer_send_flags(p, SIM_SYN, iss, 0, NULL, 0);
 *   PEER_EXPECT(p, 0, &seg);
 *   PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, iss + 1);
 *
 * P answers T's ARP requests and Neighbour Solicitations itself. The
 * segments are IPv4 or IPv6 as the sim's family says (sim_family()):
 * a script reads the same over both. The helpers keep P's view of the
 * connection (snd_nxt, rcv_nxt, the timestamp to echo) up to date from
 * what it sends and receives, so scripts need not do sequence sums.
 */

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"
#include "sim_app.h"
#include "sim_frame.h"

/** In PEER_ASSERT_SEG: do not check this field. */
#define SEQ_ANY 0x1ffffffffull

struct peer {
	struct sim *sim;
	struct sim_node *t;         /**< the tern stack */
	struct sim_node *p;         /**< the scripted endpoint */
	uint16_t port;              /**< P's TCP port */
	uint16_t tport;             /**< T's TCP port */
	uint32_t iss;               /**< P's initial sequence number */
	uint32_t snd_nxt;           /**< next sequence number P sends */
	uint32_t rcv_nxt;           /**< next sequence number P expects */
	uint32_t irs;               /**< T's ISN as P saw it */
	uint16_t win;               /**< window P advertises (unscaled) */
	struct sim_tcp_opts syn_opts;  /**< options of P's SYN / SYN+ACK */
	bool ts;                    /**< timestamps in use: add TS to every
					 segment P builds */
	uint32_t tsval;             /**< P's next TSval */
	uint32_t ts_recent;         /**< T's last TSval, echoed as TSecr */
	uint64_t last_rx_ns;        /**< when the last popped frame came */
	struct sim_tcp_spec last;   /**< the last segment P sent */
};

/**
 * A simulation with one stack (TCP settings @p conf, NULL: sim
 * defaults) and one scripted endpoint. P's port is 40000, its ISN
 * 1000000, window 65535, SYN options: MSS 1460 only.
 */
struct peer *peer_create(uint64_t seed, const struct tern_tcp_conf *conf);

/** Assert that P read every frame T sent, then destroy the sim. */
void peer_destroy(struct peer *p);

/** A segment from P to T with P's addresses, ports, window and TS. */
struct sim_tcp_spec peer_seg(struct peer *p, uint8_t flags, uint32_t seq,
			     uint32_t ack);

/** Inject @p s from P, advance P's snd_nxt past it, settle. */
void peer_send(struct peer *p, const struct sim_tcp_spec *s);

/** peer_send() of a segment with these fields and payload. */
void peer_send_flags(struct peer *p, uint8_t flags, uint32_t seq,
		     uint32_t ack, const void *data, uint32_t len);

/** Data at snd_nxt with ACK of rcv_nxt (ACK|PSH). */
void peer_send_data(struct peer *p, const void *data, uint32_t len);

/** Pure ACK of rcv_nxt at snd_nxt. */
void peer_send_ack(struct peer *p);

/** FIN|ACK at snd_nxt. */
void peer_send_fin(struct peer *p);

/** Inject raw bytes (an Ethernet frame) from P. */
void peer_send_frame(struct peer *p, const void *frame, uint32_t len);

/**
 * An ICMP error from P about T's segment to P at @p seq, quoting the IP
 * header and the first 8 bytes of TCP (RFC 792, RFC 4443 2.4): ICMP
 * @p type / @p code over IPv4, ICMPv6 @p type / @p code over IPv6 (the
 * caller picks the message of the sim's family); @p word is the 32 bits
 * after the checksum (an MTU, a pointer). Settles.
 */
void peer_send_icmp_error(struct peer *p, uint8_t type, uint8_t code,
			  uint32_t word, uint32_t seq);

/**
 * Pop the next frame T sent to P, running the sim up to @p max_ns for
 * it to come. TCP frames update rcv_nxt / ts_recent.
 * @return false when none came.
 */
bool peer_recv(struct peer *p, uint64_t max_ns, struct sim_pkt *out);

/** Fail unless a TCP segment from T arrives within @p max_ns. */
#define PEER_EXPECT(p, max_ns, out) \
	do { \
		if (!peer_recv((p), (max_ns), (out))) \
			sim_test_fail(__FILE__, __LINE__, \
				      "a segment from T", \
				      "none within %.3f s", \
				      (double)(max_ns) / 1e9); \
		if ((out)->h.kind != SIM_PKT_TCP) \
			peer_unexpected((p), __FILE__, __LINE__, (out)); \
	} while (0)

/** Fail if T sends anything to P within @p ns (runs the sim that long). */
#define PEER_EXPECT_NONE(p, ns) \
	peer_expect_none((p), (ns), __FILE__, __LINE__)

/**
 * Check flags (PSH ignored), seq and ack of @p seg; SEQ_ANY skips a
 * field.
 */
#define PEER_ASSERT_SEG(seg, flags, seq, ack) \
	peer_assert_seg((seg), (flags), (seq), (ack), __FILE__, __LINE__)

void peer_expect_none(struct peer *p, uint64_t ns, const char *file,
		      int line);
void peer_assert_seg(const struct sim_pkt *seg, uint8_t flags,
		     uint64_t seq, uint64_t ack, const char *file, int line);
__rte_noreturn void peer_unexpected(struct peer *p, const char *file,
				    int line, const struct sim_pkt *pkt);

/**
 * Passive open of T: P sends SYN (syn_opts) to tport, expects SYN+ACK
 * acking it, ACKs it, and returns the record T's listener accepted.
 */
struct sim_conn *peer_open_passive(struct peer *p, struct sim_listener *l);

/** T connects to P's port; P expects its SYN, checked as one, in @p seg. */
struct sim_conn *peer_connect_syn(struct peer *p, struct sim_pkt *seg);

/**
 * Active open of T: T connects to P's port; P expects the SYN, answers
 * SYN+ACK (syn_opts), expects nothing more than the ACK and returns the
 * connected record.
 */
struct sim_conn *peer_open_active(struct peer *p);

#endif /* SIM_PEER_H */
