/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_H
#define SIM_H

/**
 * @file
 * The deterministic simulator: N tern stacks (and scripted endpoints) in
 * one process, joined by an in-memory Ethernet segment with seeded faults,
 * driven on a virtual clock.
 *
 * Each stack has its own struct tern_ctx and its own mempool. A frame a
 * stack sends (its tx_flush) is copied into the receiver's pool -- as a
 * NIC would receive it -- and the sender's mbuf is freed, so the in-use
 * count of a pool is exactly what that stack (or the frames in flight to
 * it) holds, and a leak is attributable.
 *
 * The loop (sim_step) jumps the clock to the next event: the earliest
 * frame due on the wire or the earliest tern_stack_next_deadline_ns().
 * It then sets ctx->now_ns on every stack, delivers what is due, polls
 * every stack and flushes. No sleeps, no wall time: a 60 s TIME_WAIT costs
 * microseconds, and a run is replayed exactly from its seed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tern_ctx.h"
#include "tern_stack.h"
#include "tern_steer.h"
#include "tern_tcp.h"
#include "sim_frame.h"
#include "sim_test.h"

#define SIM_US 1000ull
#define SIM_MS 1000000ull
#define SIM_S 1000000000ull

#define SIM_MAX_NODES 8

/** 198.18.0.@p host (RFC 2544 benchmarking range) in network order. */
static inline rte_be32_t
sim_ip(uint8_t host)
{
	return rte_cpu_to_be_32((uint32_t)198 << 24 | (uint32_t)18 << 16 |
				host);
}

/** 2001:2::@p host (RFC 5180 benchmarking range). */
static inline struct tern_ip6
sim_ip6(uint8_t host)
{
	struct tern_ip6 a = { .b = { 0x20, 0x01, 0x00, 0x02, [15] = host } };

	return a;
}

/* --- PRNG: xoshiro256** seeded through splitmix64 --- */

struct sim_rng {
	uint64_t s[4];
};

uint64_t sim_splitmix64(uint64_t *state);
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/** Uniform in [0, n); 0 when n is 0. */
uint64_t sim_rng_below(struct sim_rng *r, uint64_t n);
/** True with probability @p ppm / 1e6. */
bool sim_rng_ppm(struct sim_rng *r, uint32_t ppm);

/* --- wire faults, per direction --- */

struct sim_faults {
	uint64_t latency_ns;   /**< base one-way delay */
	uint64_t jitter_ns;    /**< plus uniform [0, jitter); order kept */
	uint32_t drop_ppm;     /**< frame lost */
	uint32_t dup_ppm;      /**< frame delivered twice */
	uint32_t reorder_ppm;  /**< frame held back by reorder_ns extra */
	uint64_t reorder_ns;
	uint32_t corrupt_ppm;  /**< one byte of the IPv4 packet flipped */
};

/* --- nodes --- */

enum sim_node_kind {
	SIM_NODE_STACK,   /**< a tern stack */
	SIM_NODE_SCRIPT,  /**< frames land in an inbox the test reads */
};

struct sim_inbox {
	struct rte_mbuf **q;
	unsigned int head, count, cap;
};

/** Mbufs a test took out of a node's pool to starve it. */
struct sim_pool_hold {
	struct rte_mbuf **m;
	unsigned int n, cap;
	bool keep_free;          /**< sim_pool_keep_free() in force */
	unsigned int free_left;  /**< ...with this many free */
};

/** How the NIC of a host of several workers picks a queue (issue 10). */
enum sim_nic_mode {
	/** RSS by the stack's key and redirection table, hash in the mbuf:
	 *  every TCP frame reaches its owner (a NIC tern configured). */
	SIM_NIC_RSS,
	/** Its own hash of the 4-tuple (the kernel's tap): about 1 - 1/N of
	 *  the flows arrive at the wrong worker and are steered. */
	SIM_NIC_OTHER_HASH,
	/** Everything on queue 0 (a port without RSS). */
	SIM_NIC_QUEUE0,
};

struct sim_node {
	struct sim *sim;
	unsigned int idx;
	char name[16];
	enum sim_node_kind kind;
	struct rte_ether_addr mac;
	rte_be32_t ip;
	struct tern_ip6 ip6;            /**< 2001:2::(10 + index) once
					     sim_use_ipv6(); :: before */
	struct rte_mempool *pool;
	unsigned int pool_in_use_base;  /**< before tern_stack_init */
	unsigned int pool_in_use_idle;  /**< right after tern_stack_init */
	struct tern_ctx *ctx;           /**< stacks only */
	struct sim_inbox inbox;         /**< script nodes only */
	struct sim_pool_hold pool_held; /**< sim_pool_hold() */
	bool answer_arp;                /**< script: reply to ARP for ip and
					     to NS for ip6 (and swallow
					     other ARP and NS) */
	uint64_t frames_in, frames_out;
	uint64_t tcp_frames_out;        /**< TCP segments among frames_out */
	uint64_t flushes_in_step;       /**< TX flushes the stack made itself
					     (inside a step; must stay 0) */
	void *app;                      /**< sim_app's records of this node */
	/* Workers of one host (sim_add_host): one MAC and address behind a
	 * NIC with a queue per worker. host: the first worker (the node
	 * itself for sim_add_stack); worker: this one's index. */
	struct sim_node *host;
	unsigned int worker, nb_workers;
	enum sim_nic_mode nic;          /**< host: how its NIC picks queues */
	struct tern_steer *steer;       /**< host: the workers' rings */
};

/* --- tamper hooks (VPP tcp_tamper style) --- */

enum sim_verdict {
	SIM_PASS,
	SIM_DROP,
};

/** What a tamper callback sees of a frame about to go on the wire. */
struct sim_frame_ctx {
	struct sim *sim;
	const struct sim_node *from, *to;
	const struct sim_hdr *h;     /**< parsed before any change */
	uint64_t now_ns;
	uint32_t match;              /**< 1-based count of matching frames */
};

/** May modify @p m (the receiver's copy; fix checksums if wanted). */
typedef enum sim_verdict (*sim_tamper_fn)(const struct sim_frame_ctx *fc,
					   struct rte_mbuf *m, void *arg);

struct sim_tamper {
	const struct sim_node *from;  /**< NULL: any sender */
	const struct sim_node *to;    /**< NULL: any receiver */
	bool tcp_only;                /**< match only TCP segments */
	uint8_t tcp_flags;            /**< ...carrying all these flags */
	uint32_t nth;                 /**< act on the nth match only (1-based);
					   0: on every match */
	sim_tamper_fn fn;             /**< decides; NULL: drop */
	void *arg;
};

/* --- statistics of the wire --- */

struct sim_wire_stats {
	uint64_t sent;          /**< frames handed to the wire (per receiver) */
	uint64_t delivered;
	uint64_t fault_drops;
	uint64_t tamper_drops;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t corrupted;
	uint64_t no_receiver;   /**< unicast to a MAC nobody has */
	uint64_t rx_nombuf;     /**< lost: the receiver's pool was held
				     empty (a NIC that cannot refill RX) */
};

struct sim;

/** Bring up the EAL once per process (idempotent); fails the test. */
void sim_eal_init(const char *prog);

/**
 * A new, empty simulation at virtual time 1 s (so that "0" is never a
 * valid time stamp), seeded with @p seed. Registered with the runner.
 */
struct sim *sim_create(uint64_t seed);

/**
 * Tear down: fini every stack, free frames in flight and in inboxes,
 * then assert that every pool is back to its baseline in-use count.
 */
void sim_destroy(struct sim *sim);

/** Tear down without assertions (after a failure). */
void sim_destroy_quiet(struct sim *sim);

/**
 * Add a tern stack named @p name with TCP settings @p tcp (NULL: the
 * defaults with small table sizes). Address 198.18.0.(10 + index),
 * MAC 02:00:00:00:00:(10 + index).
 */
struct sim_node *sim_add_stack(struct sim *sim, const char *name,
			       const struct tern_tcp_conf *tcp);

/**
 * Add a host of @p nb_workers tern workers (2 .. SIM_MAX_NODES) sharing
 * one MAC and address (those of its first node), each a node of its own
 * at consecutive indexes (name0, name1, ...), joined by steering rings
 * (lib/stack/tern_steer.h), behind a NIC that picks their queues as
 * @p nic says. @return the first worker; the others follow it in
 * sim_node().
 */
struct sim_node *sim_add_host(struct sim *sim, const char *name,
			      const struct tern_tcp_conf *tcp,
			      unsigned int nb_workers, enum sim_nic_mode nic);

/**
 * Give the stacks added from now on IPv6 too: ifc.ip6 = n->ip6 (/64).
 * Their addresses are tentative until DAD has run (1 s of virtual time:
 * sim_run_for()).
 */
void sim_use_ipv6(struct sim *sim, bool on);

/**
 * The address family the scenario runs over: 4, or 6 when the runner
 * was given --family 6 (sim_test_family()). A sim of family 6 gives
 * every stack IPv6 as sim_use_ipv6() does (IPv4 stays configured) and
 * lets each new stack's DAD run to its end (1 s of virtual time) inside
 * sim_add_stack()/sim_add_host(), so the scenario starts with usable
 * addresses; scripted nodes answer ND as they answer ARP.
 */
uint8_t sim_family(const struct sim *sim);

/** Address @p s from node @p from to node @p to: their MACs and their
 * addresses of the sim's family (both families' are filled). */
void sim_tcp_spec_route(struct sim_tcp_spec *s, const struct sim_node *from,
			const struct sim_node *to);

/** Is node @p n the foreign address of the connection @p info
 * describes (in @p info's family)? */
bool sim_info_faddr_is(const struct tern_tcp_info *info,
		       const struct sim_node *n);

/** The Toeplitz hash of the connection @p info describes (either
 * family), as the NIC computes it for a segment from the peer. */
uint32_t sim_flow_hash(const struct tern_ctx *ctx,
		       const struct tern_tcp_info *info);

/** Add a scripted endpoint (answers ARP and ND for its addresses by
 * default: answer_arp). */
struct sim_node *sim_add_script(struct sim *sim, const char *name);

/** Small-table TCP defaults used by sim_add_stack(NULL). */
void sim_tcp_conf_defaults(struct tern_tcp_conf *conf);

struct sim_node *sim_node(struct sim *sim, unsigned int idx);
unsigned int sim_node_count(const struct sim *sim);
uint64_t sim_now(const struct sim *sim);
uint64_t sim_seed(const struct sim *sim);
const struct sim_wire_stats *sim_wire_stats(const struct sim *sim);

/** Faults from @p from to @p to (one direction). */
void sim_set_faults(struct sim *sim, const struct sim_node *from,
		    const struct sim_node *to, const struct sim_faults *f);

/**
 * Free each frame a node sends only @p frames sends (of any node) later,
 * as a PMD frees what it sent when its TX ring needs room; 0 (the
 * default) frees it at once. A frame on the wire is a copy either way:
 * what the hold shows is the sender's mbuf kept referenced -- a
 * zero-copy send's frame still held when its bytes are wanted again
 * (docs/tcp.md, tx_zero_copy). sim_assert_quiescent(), sim_destroy()
 * and sim_tx_complete() free what is held.
 */
void sim_set_tx_hold(struct sim *sim, unsigned int frames);

/**
 * Deliver the sender's own mbuf, a reference taken, instead of a copy,
 * as net_ring does between two lcores (the receiver then reads and frees
 * the very frame a zero-copy sender still holds); not with corruption
 * faults or tamper hooks, which write into what they see: those frames
 * are still copied.
 */
void sim_set_wire_by_reference(struct sim *sim, bool on);

/** Free every frame sim_set_tx_hold() holds (a NIC gone idle). */
void sim_tx_complete(struct sim *sim);

/** The same faults on every direction between every pair of nodes. */
void sim_set_faults_all(struct sim *sim, const struct sim_faults *f);

/** Add a tamper hook. @return its id (for sim_tamper_del). */
int sim_tamper_add(struct sim *sim, const struct sim_tamper *t);
void sim_tamper_del(struct sim *sim, int id);
void sim_tamper_clear(struct sim *sim);

/** Drop the @p nth TCP segment from @p from to @p to carrying @p flags. */
int sim_drop_nth(struct sim *sim, const struct sim_node *from,
		 const struct sim_node *to, uint8_t flags, uint32_t nth);

/** Drop every TCP segment from @p from to @p to carrying @p flags. */
int sim_drop_all(struct sim *sim, const struct sim_node *from,
		 const struct sim_node *to, uint8_t flags);

/**
 * Zeroed memory that lives until the sim is freed (after its stacks are
 * finished, so tern callbacks run by tern_stack_fini may still use it);
 * @p dtor (may be NULL) runs on it first.
 */
void *sim_alloc(struct sim *sim, size_t size, void (*dtor)(void *));

/** Put frame @p m (in @p from's pool) on the wire from node @p from. */
void sim_wire_send(struct sim_node *from, struct rte_mbuf *m);

/** Pop the oldest frame delivered to script node @p n (NULL: none). */
struct rte_mbuf *sim_inbox_pop(struct sim_node *n);
unsigned int sim_inbox_count(const struct sim_node *n);

/* --- a recorder of every frame put on the wire --- */

struct sim_rec_entry {
	uint64_t t_ns;
	uint8_t from, to;
	bool lost;           /**< dropped by a fault or a tamper hook */
	struct sim_hdr h;
};

struct sim_recorder {
	struct sim_rec_entry *e;
	unsigned int n, cap;
};

/** Start recording (one recorder per sim; restarts it when called again). */
struct sim_recorder *sim_record(struct sim *sim);

/** Stop recording (the entries stay readable). */
void sim_record_stop(struct sim *sim);

/**
 * Entries from @p from to @p to (NULL: any) that are TCP segments
 * carrying all of @p flags and none of @p not_flags.
 */
unsigned int sim_rec_count_tcp(const struct sim_recorder *r,
			       const struct sim_node *from,
			       const struct sim_node *to, uint8_t flags,
			       uint8_t not_flags);

/* --- running --- */

/**
 * One iteration at the next event, if that is at or before the absolute
 * time @p until_ns. @return false (clock moved to @p until_ns) when
 * nothing happens until then.
 */
bool sim_step(struct sim *sim, uint64_t until_ns);

/** Run until @p pred holds or @p max_ns of virtual time passed.
 *  @return the final value of @p pred. */
bool sim_run_until(struct sim *sim, bool (*pred)(struct sim *, void *),
		   void *arg, uint64_t max_ns);

/** Run for @p ns of virtual time. */
void sim_run_for(struct sim *sim, uint64_t ns);

/** Run every step due at the current instant, without moving the clock
 *  (a zero-latency exchange plays out; timers further ahead do not). */
void sim_settle(struct sim *sim);

/** Fail the test unless @p cond becomes true within @p max_ns. */
#define SIM_WAIT(sim, cond, max_ns) \
	do { \
		uint64_t end_ = sim_now(sim) + (max_ns); \
		while (!(cond) && sim_step((sim), end_)) \
			; \
		if (!(cond)) \
			sim_test_fail(__FILE__, __LINE__, #cond, \
				      "still false after %.3f s of virtual " \
				      "time", (double)(max_ns) / 1e9); \
	} while (0)

/** Called after every step, outside tern: invariant checks may fail. */
typedef void (*sim_step_hook_fn)(struct sim *sim, void *arg);
void sim_set_step_hook(struct sim *sim, sim_step_hook_fn fn, void *arg);

/** From a tern callback: record a failure, raised after the step. */
void sim_note_error(struct sim *sim, const char *fmt, ...)
	__rte_format_printf(2, 3);

/* --- memory pressure --- */

/**
 * Take mbufs out of @p n's pool until only @p free_left remain free (or
 * as many as there are), as if something else on the lcore held them.
 * While a node holds mbufs, a frame that finds its pool empty is lost
 * (counted in rx_nombuf, traced) instead of failing the test. The
 * simulator releases what is held before its leak checks.
 */
void sim_pool_hold(struct sim_node *n, unsigned int free_left);

/**
 * Like sim_pool_hold(), again at the start of every step: hold what the
 * stack freed beyond @p free_left, give back what it took below it (as
 * far as held mbufs allow), so each step starts with that many free --
 * the rest of a busy worker taking all but a few. sim_pool_release()
 * ends it.
 */
void sim_pool_keep_free(struct sim_node *n, unsigned int free_left);

/** Give @p count held mbufs back to @p n's pool. */
void sim_pool_give(struct sim_node *n, unsigned int count);

/** Give every held mbuf back. */
void sim_pool_release(struct sim_node *n);

/** Free mbufs in @p n's pool now. */
unsigned int sim_pool_free_count(const struct sim_node *n);

/* --- checks --- */

/** Frames on the wire, not yet delivered. */
unsigned int sim_in_flight(const struct sim *sim);

/** Sum of the stack's per-state connection counts except LISTEN. */
uint32_t sim_conn_count(const struct sim_node *n);

/** Count of connections of @p n in state @p s (TIME_WAIT included). */
uint32_t sim_state_count(const struct sim_node *n, enum tern_tcp_state s);

/** Value of counter @p id on node @p n. */
uint64_t sim_stat(const struct sim_node *n, tern_stat_t id);

/**
 * Assert the simulation is idle: nothing in flight, inboxes empty, no
 * connection left (listeners allowed), every pool at its idle count.
 */
void sim_assert_quiescent(struct sim *sim);

/** Print the non-zero counters of every stack to stderr. */
void sim_stats_dump(const struct sim *sim);

/** Print the last @p n trace records to stderr. */
void sim_trace_dump(const struct sim *sim, unsigned int n);

/** Hits of FSM entry @p i, summed over every stack destroyed so far
 *  in this process. */
uint64_t sim_fsm_tally(unsigned int i);

#endif /* SIM_H */
