/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_TCP_FIXTURE_H
#define SIM_TCP_FIXTURE_H

/**
 * @file
 * Fixtures of the TCP scenario tests (test_sim_tcp): put tern's end of a
 * connection with the scripted peer into any state (as smoltcp's tests
 * build a socket in a given state), and a pair of stacks joined by a
 * wire with latency. Tests are named after the lines of
 * /work/shared/TCP-SCENARIOS.md they cover (test_sNN_...).
 */

#include "peer.h"
#include "sim.h"
#include "sim_app.h"
#include "sim_test.h"
#include "tcp_seq.h"

/** The MSS a stack sends with on the sim's 1500-byte MTU: 1460 over
 * IPv4, 1440 over IPv6 (a 40-byte IP header). */
static inline uint32_t
fx_mss(void)
{
	return sim_test_family() == 6 ? 1440 : 1460;
}

/** T's listening port in scripted tests. */
#define FX_PORT 80

/** How T's app ends its side when a state needs it. */
enum fx_end {
	FX_SHUTDOWN,   /**< tern_tcp_shutdown(): half-close, still reading */
	FX_CLOSE,      /**< tern_tcp_close(): orphaned, no more reading */
};

/** A scripted peer with T listening on FX_PORT (l returned in *l). */
struct peer *fx_peer(const struct tern_tcp_conf *conf,
		     struct sim_listener **l);

/**
 * P moves to another MAC and says so with an ARP request from the new
 * one (T updates its entry in place); the sim runs until T has taken it.
 * IPv4 only. @return P's new MAC.
 */
struct rte_ether_addr fx_peer_moves_mac(struct peer *p);

/**
 * Open a connection (passive, from P) and drive T's end into @p state:
 * ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT, CLOSE_WAIT or
 * LAST_ACK. P has read everything T sent. For TIME_WAIT the record is
 * closed (its handle gone).
 */
struct sim_conn *fx_to_state(struct peer *p, struct sim_listener *l,
			     enum tern_tcp_state state, enum fx_end how);

/** States fx_to_state() can reach with a live handle. */
extern const enum tern_tcp_state fx_sync_states[];
extern const unsigned int fx_sync_states_n;

/**
 * T actively opening towards P, then receiving P's bare SYN (crossing
 * its own): T is in SYN_RCVD with a handle. *syn_seq is T's ISS.
 */
struct sim_conn *fx_simultaneous_syn_rcvd(struct peer *p, uint32_t *iss);

/** Sum of TCP drop counters of @p n (each dropped segment counts once). */
uint64_t fx_tcp_drops(const struct sim_node *n);

/** Pop every segment T sent within @p ns into @p out (max @p max). */
unsigned int fx_collect(struct peer *p, uint64_t ns, struct sim_pkt *out,
			unsigned int max);

/** Check data segment @p seg from T against r's stream (sim_pattern_byte
 *  at each offset from T's ISN); @return its payload length. */
uint32_t fx_take_data(const struct peer *p, const struct sim_conn *r,
		      const struct sim_pkt *seg);

/** Fail unless every mbuf chain @p n holds passes rte_mbuf_check()
 *  (tern_tcp_mbuf_audit()). */
void fx_assert_chains_valid(const struct sim_node *n);

/** Read and discard every frame T sent P so far. @return how many. */
unsigned int fx_drain(struct peer *p);

/** Two stacks "A" and "B" with a one-way latency, B listening. */
struct duo {
	struct sim *sim;
	struct sim_node *a, *b;
	struct sim_listener *l;
	uint64_t latency_ns;
};

#define DUO_PORT 5001
#define DUO_LATENCY (1 * SIM_MS)

void duo_create(struct duo *d, const struct tern_tcp_conf *conf);

/** A connects to B; both reach ESTABLISHED. *server is B's record. */
struct sim_conn *duo_connect(struct duo *d, struct sim_conn **server);

/**
 * End the test: unlisten, let every timer run out (TIME_WAIT included),
 * assert both stacks are idle and their pools at baseline, destroy.
 */
void duo_finish(struct duo *d);

/** Let TIME_WAIT and every other timer of @p sim run out, then assert
 *  quiescence (nothing left but listeners). */
void fx_run_out(struct sim *sim);

/**
 * Put on the wire a segment from P's address, port @p sport, to T's
 * listening port FX_PORT (with an MSS option when it is a SYN): for
 * tests that play many peers at once.
 */
void fx_wire_segment(struct peer *p, uint16_t sport, uint8_t flags,
		     uint32_t seq, uint32_t ack);

/* The test tables of each scenario file. */
extern const struct sim_test tcp_tests_handshake[];
extern const unsigned int tcp_tests_handshake_n;
extern const struct sim_test tcp_tests_data[];
extern const unsigned int tcp_tests_data_n;
extern const struct sim_test tcp_tests_close[];
extern const unsigned int tcp_tests_close_n;
extern const struct sim_test tcp_tests_rst[];
extern const unsigned int tcp_tests_rst_n;
extern const struct sim_test tcp_tests_options[];
extern const unsigned int tcp_tests_options_n;
extern const struct sim_test tcp_tests_matrix[];
extern const unsigned int tcp_tests_matrix_n;
extern const struct sim_test tcp_tests_recovery[];
extern const unsigned int tcp_tests_recovery_n;
extern const struct sim_test tcp_tests_catalogue_must[];
extern const unsigned int tcp_tests_catalogue_must_n;
extern const struct sim_test tcp_tests_catalogue_ip[];
extern const unsigned int tcp_tests_catalogue_ip_n;
extern const struct sim_test tcp_tests_catalogue_close[];
extern const unsigned int tcp_tests_catalogue_close_n;
extern const struct sim_test tcp_tests_catalogue_seqwrap[];
extern const unsigned int tcp_tests_catalogue_seqwrap_n;
extern const struct sim_test tcp_tests_catalogue_sack[];
extern const unsigned int tcp_tests_catalogue_sack_n;
extern const struct sim_test tcp_tests_catalogue_flood[];
extern const unsigned int tcp_tests_catalogue_flood_n;
extern const struct sim_test tcp_tests_mbuf_pressure[];
extern const unsigned int tcp_tests_mbuf_pressure_n;
extern const struct sim_test tcp_tests_zero_copy[];
extern const unsigned int tcp_tests_zero_copy_n;
extern const struct sim_test tcp_tests_tx_batch[];
extern const unsigned int tcp_tests_tx_batch_n;
extern const struct sim_test tcp_tests_workers[];
extern const unsigned int tcp_tests_workers_n;
extern const struct sim_test tcp_tests_hostile[];
extern const unsigned int tcp_tests_hostile_n;
extern const struct sim_test tcp_tests_view[];
extern const unsigned int tcp_tests_view_n;
extern const struct sim_test tcp_tests_icmp[];
extern const unsigned int tcp_tests_icmp_n;
extern const struct sim_test tcp_tests_rack[];
extern const unsigned int tcp_tests_rack_n;
/* Tests of requirements the engine does not meet yet: run only when
 * named (test_sim_tcp --only NAME, or --engine-bugs for all). */
extern const struct sim_test tcp_tests_catalogue_must_bugs[];
extern const unsigned int tcp_tests_catalogue_must_bugs_n;

#endif /* SIM_TCP_FIXTURE_H */
