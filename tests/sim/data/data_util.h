/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_DATA_UTIL_H
#define SIM_DATA_UTIL_H

/**
 * @file
 * Helpers of the data-path simulator tests (tests/sim/data): two stacks
 * "A" (connects) and "B" (listens) on a wire with chosen faults, a pump
 * that keeps both send buffers full until a byte count went through
 * each way (every byte checked against the sender's pattern where it
 * lands), an orderly close, and a finish that lets TIME_WAIT run out
 * and asserts that no connection, frame or mbuf is left.
 *
 * Sizes scale with env TERN_SIM_DATA_SCALE (an integer, default 1) and
 * the seeds of the randomised tests with TERN_SIM_DATA_SEEDS, so CI
 * runs a small matrix and a soak run a large one.
 */

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"
#include "sim_app.h"
#include "sim_test.h"

#define DATA_PORT 5001
#define KIB 1024ull
#define MIB (1024ull * 1024ull)

struct dpair {
	struct sim *sim;
	struct sim_node *a, *b;
	struct sim_listener *l;
	struct sim_conn *c;        /**< A's end */
	struct sim_conn *s;        /**< B's end */
};

/** Env TERN_SIM_DATA_SCALE, at least 1. */
uint64_t data_scale(void);

/** Env TERN_SIM_DATA_SEEDS, else @p dflt. */
unsigned int data_seeds(unsigned int dflt);

/** Sim defaults (small tables) with a short MSL: TIME_WAIT is 2 s. */
void data_conf(struct tern_tcp_conf *conf);

/**
 * A and B with TCP settings @p conf_a / @p conf_b (NULL: data_conf())
 * and @p faults on both directions (NULL: a clean wire with 1 ms of
 * latency). B listens on DATA_PORT.
 */
void dpair_create(struct dpair *p, uint64_t seed,
		  const struct tern_tcp_conf *conf_a,
		  const struct tern_tcp_conf *conf_b,
		  const struct sim_faults *faults);

/** A connects to B; both ends ESTABLISHED; stream keys set. */
void dpair_connect(struct dpair *p, uint64_t max_ns);

/**
 * Push @p a_to_b more bytes from A and @p b_to_a from B, keeping the
 * send buffers full, until the receivers got them all (fails after
 * @p max_ns of virtual time). Bytes are checked as they arrive.
 */
void dpair_transfer(struct dpair *p, uint64_t a_to_b, uint64_t b_to_a,
		    uint64_t max_ns);

/** Both ends close; both see peer_closed() and closed(NORMAL). */
void dpair_close(struct dpair *p, uint64_t max_ns);

/**
 * Unlisten, run until no connection is left (TIME_WAIT included),
 * assert the sim is quiescent (pools at their idle counts) and destroy
 * it (which asserts pools back to their baseline).
 */
void dpair_finish(struct dpair *p);

/** Sum of counter @p id over A and B. */
uint64_t dpair_stat(const struct dpair *p, tern_stat_t id);

/** TCP segments from @p from to @p to with payload, in recorder @p r. */
unsigned int data_rec_count_payload(const struct sim_recorder *r,
				    const struct sim_node *from,
				    const struct sim_node *to);

/**
 * A tamper hook that drops chosen data segments (payload > 0) of one
 * direction, counted from 1 in the order they go on the wire, first
 * transmissions and retransmissions alike.
 */
struct data_dropper {
	uint32_t nth[8];           /**< which data segments to drop */
	unsigned int n;            /**< entries in nth[] */
	uint32_t seen;             /**< data segments seen so far */
	uint32_t dropped;
	uint32_t dropped_seq[8];   /**< sequence numbers dropped */
	bool originals_only;       /**< count first transmissions only:
					nth[] then names new data segments */
	bool started;
	uint32_t high_end;         /**< highest sequence end seen */
};

/** Install @p d on the data segments from @p from to @p to. */
int data_drop_data_segments(struct sim *sim, const struct sim_node *from,
			    const struct sim_node *to,
			    struct data_dropper *d);

/** A short description of A's and B's recovery counters on stderr. */
void dpair_print_counters(const struct dpair *p, const char *label);

#endif /* SIM_DATA_UTIL_H */
