/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_TEST_H
#define SIM_TEST_H

/**
 * @file
 * A small runner for simulator tests: named test functions, --only and
 * --list, a seed per run (env TERN_SIM_SEED), assertions that print the
 * recent wire trace, the seed and a one-line replay command, then unwind
 * to the runner, which tears down the simulations the test left alive.
 *
 * Assertions must not be used inside tern callbacks (unwinding through
 * the engine would leave it inconsistent): callbacks record a failure
 * with sim_note_error() and the simulator raises it after the step.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

struct sim;

typedef void (*sim_test_fn)(void);

/** Runs after every other test, and only when no --only filter is set. */
#define SIM_TEST_AFTER_ALL 0x1u
/**
 * IPv4 by nature (TTL, IP ID, DF and fragments, IPv4 options, ICMPv4,
 * IPv4 address classes): skipped, and counted as skipped, when the
 * runner is given --family 6.
 */
#define SIM_TEST_IPV4_ONLY 0x2u

struct sim_test {
	const char *name;
	sim_test_fn fn;
	unsigned int flags;
};

#define SIM_TEST(fn) { #fn, fn, 0 }
#define SIM_TEST_V4(fn) { #fn, fn, SIM_TEST_IPV4_ONLY }

/**
 * Run @p tests (or those named by --only a,b,c). Each test gets the seed
 * of TERN_SIM_SEED when set, else @p default_seed. --family 6 runs them
 * over IPv6 (sim_test_family(); env TERN_SIM_FAMILY=6 does the same),
 * leaving out those flagged SIM_TEST_IPV4_ONLY.
 * @return process exit status: 0 when every test ran passed.
 */
int sim_test_main(int argc, char **argv, const struct sim_test *tests,
		  unsigned int n, uint64_t default_seed);

/** Address family the tests run over: 4 (default) or 6. */
uint8_t sim_test_family(void);

/** Seed of the running test. */
uint64_t sim_test_seed(void);

/** Name of the running test. */
const char *sim_test_name(void);

/** True when TERN_SIM_SEED was given (a replay of one seed). */
bool sim_test_seed_forced(void);

/**
 * Override what the replay line says (the soak runs many seeds inside
 * one test and reports the failing one).
 */
void sim_test_set_seed(uint64_t seed);

/**
 * Run @p fn(@p arg) so that a failure inside it (reported as usual) comes
 * back here as false instead of ending the test; the simulations it left
 * alive are torn down. Lets the soak go on past a failing seed.
 */
bool sim_test_try(void (*fn)(void *), void *arg);

/** Print failures as one line, without the trace (later soak seeds). */
void sim_test_set_quiet(bool quiet);

/** Simulations to dump and tear down when the running test fails. */
void sim_test_register(struct sim *sim);
void sim_test_unregister(struct sim *sim);

/** Report a failure and unwind to the runner. */
__rte_noreturn void sim_test_fail(const char *file, int line,
				  const char *expr, const char *fmt, ...)
	__rte_format_printf(4, 5);

#define SIM_ASSERT(cond, ...) \
	do { \
		if (!(cond)) \
			sim_test_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

#define SIM_CHECK(cond) SIM_ASSERT(cond, "%s", "")

#define SIM_ASSERT_EQ(a, b) \
	do { \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
		if (a_ != b_) \
			sim_test_fail(__FILE__, __LINE__, #a " == " #b, \
				      "%" PRIu64 " != %" PRIu64 \
				      " (0x%" PRIx64 " vs 0x%" PRIx64 ")", \
				      a_, b_, a_, b_); \
	} while (0)

#define SIM_ASSERT_STATE(got, want) \
	do { \
		enum tern_tcp_state g_ = (got), w_ = (want); \
		if (g_ != w_) \
			sim_test_fail(__FILE__, __LINE__, #got " == " #want, \
				      "state %s, expected %s", \
				      tern_tcp_state_name(g_), \
				      tern_tcp_state_name(w_)); \
	} while (0)

#endif /* SIM_TEST_H */
