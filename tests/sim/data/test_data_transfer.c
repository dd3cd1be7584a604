/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bulk transfers between two tern stacks over the simulated wire: sizes
 * from 1 KiB to 64 MiB, one way, the other way and both at once, on a
 * clean wire and with loss (up to 10 %), reordering, duplication,
 * corruption and delay. Every byte is checked against the sender's
 * pattern at the offset it lands (a gap, duplicate or corrupted byte
 * fails at once), the byte counts must match exactly, and the finish
 * asserts that no connection, frame or mbuf is left.
 *
 * CI sizes keep the binary well under a minute; TERN_SIM_DATA_SCALE
 * multiplies the sizes and TERN_SIM_DATA_SEEDS sets the seeds per
 * fault mix (default FAULT_SEEDS) for a soak.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "data_util.h"

/* Seeds per fault mix in CI: seed, seed + 7919, seed + 2 x 7919. */
#define FAULT_SEEDS 3
#define SEED_STEP 7919

/* Virtual-time bounds: generous, they only catch a stall. */
#define CLEAN_MAX_NS (600 * SIM_S)
#define LOSSY_MAX_NS (4 * 3600 * SIM_S)

/*
 * Nothing tern built was too big for the MTU: segments carrying SACK
 * blocks must shrink their payload by the option bytes (RFC 9293
 * 3.7.1, RFC 6691), or IPv4 output drops them (IpOutTooBig).
 */
static void
assert_no_oversize(const struct dpair *p)
{
	SIM_ASSERT(dpair_stat(p, TERN_STAT_IP_OUT_TOO_BIG) == 0,
		   "IpOutTooBig: A %" PRIu64 ", B %" PRIu64
		   " segments built larger than the MTU",
		   sim_stat(p->a, TERN_STAT_IP_OUT_TOO_BIG),
		   sim_stat(p->b, TERN_STAT_IP_OUT_TOO_BIG));
}

/* A clean transfer retransmits nothing and never times out. */
static void
assert_no_recovery(const struct dpair *p)
{
	assert_no_oversize(p);
	SIM_ASSERT_EQ(dpair_stat(p, TERN_STAT_TCP_RETRANS_SEGS), 0);
	SIM_ASSERT_EQ(dpair_stat(p, TERN_STAT_TCP_RTO_EXPIRED), 0);
	SIM_ASSERT_EQ(dpair_stat(p, TERN_STAT_TCP_FAST_RETRANS), 0);
	SIM_ASSERT_EQ(dpair_stat(p, TERN_STAT_TCP_DROP_OOO), 0);
}

static void
one_size(uint64_t seed, uint64_t bytes)
{
	struct dpair p;

	dpair_create(&p, seed, NULL, NULL, NULL);
	dpair_connect(&p, 5 * SIM_S);
	dpair_transfer(&p, bytes, 0, CLEAN_MAX_NS);
	dpair_transfer(&p, 0, bytes, CLEAN_MAX_NS);
	assert_no_recovery(&p);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/* 1 byte .. 4 MiB, each way on its own, on a fresh connection each. */
static void
test_sizes_each_way(void)
{
	static const uint64_t sizes[] = {
		1, 1 * KIB, 1460, 1461, 64 * KIB, 1 * MIB, 4 * MIB,
	};

	for (unsigned int i = 0; i < RTE_DIM(sizes); i++)
		one_size(sim_test_seed() + i, sizes[i] * data_scale());
}

/* 64 MiB one way: the sequence space moves far, pools stay bounded. */
static void
test_64mib_one_way(void)
{
	struct dpair p;

	dpair_create(&p, sim_test_seed(), NULL, NULL, NULL);
	dpair_connect(&p, 5 * SIM_S);
	dpair_transfer(&p, 64 * MIB * data_scale(), 0, CLEAN_MAX_NS);
	assert_no_recovery(&p);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

static void
test_both_ways_at_once(void)
{
	struct dpair p;

	dpair_create(&p, sim_test_seed(), NULL, NULL, NULL);
	dpair_connect(&p, 5 * SIM_S);
	dpair_transfer(&p, 8 * MIB * data_scale(), 8 * MIB * data_scale(),
		       CLEAN_MAX_NS);
	assert_no_recovery(&p);
	SIM_ASSERT(p.c->writable > 0 && p.s->writable > 0,
		   "a send buffer never filled: writable A %u, B %u",
		   p.c->writable, p.s->writable);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * Long delay and jitter (order kept): RTT 40-50 ms. The RTO follows
 * the RTT estimate (RFC 6298), so there is no spurious timeout.
 */
static void
test_delay_and_jitter(void)
{
	const struct sim_faults f = {
		.latency_ns = 20 * SIM_MS, .jitter_ns = 5 * SIM_MS,
	};
	struct dpair p;

	dpair_create(&p, sim_test_seed(), NULL, NULL, &f);
	dpair_connect(&p, 5 * SIM_S);
	dpair_transfer(&p, 2 * MIB * data_scale(), 2 * MIB * data_scale(),
		       CLEAN_MAX_NS);
	assert_no_recovery(&p);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * One fault mix over data_seeds() seeds: @p a_to_b and @p b_to_a bytes
 * at once. The last pair is left open in *out_last for the caller to
 * assert its counters and finish.
 */
static void
faulty_transfer(const char *what, const struct sim_faults *f,
		const struct tern_tcp_conf *conf_a,
		const struct tern_tcp_conf *conf_b, uint64_t a_to_b,
		uint64_t b_to_a, struct dpair *out_last)
{
	unsigned int seeds = data_seeds(FAULT_SEEDS);
	uint64_t base = sim_test_seed();

	for (unsigned int i = 0; i < seeds; i++) {
		uint64_t seed = base + i * SEED_STEP;
		struct dpair p;

		/* a failure names this seed: a replay starts from it */
		sim_test_set_seed(seed);
		dpair_create(&p, seed, conf_a, conf_b, f);
		dpair_connect(&p, 600 * SIM_S);
		dpair_transfer(&p, a_to_b, b_to_a, LOSSY_MAX_NS);
		assert_no_oversize(&p);
		if (getenv("TERN_SIM_DATA_VERBOSE") != NULL) {
			fprintf(stderr, "%s seed %" PRIu64 ": %.1f s virtual\n",
				what, seed, sim_now(p.sim) / 1e9);
			dpair_print_counters(&p, what);
		}
		dpair_close(&p, LOSSY_MAX_NS);
		if (i + 1 == seeds) {
			/* the caller asserts counters, then finishes */
			*out_last = p;
			return;
		}
		dpair_finish(&p);
	}
}

static void
lossy(uint32_t drop_ppm, uint64_t bytes)
{
	const struct sim_faults f = {
		.latency_ns = 2 * SIM_MS, .drop_ppm = drop_ppm,
	};
	struct dpair p;
	char what[32];

	snprintf(what, sizeof(what), "loss %.1f%%", drop_ppm / 1e4);
	faulty_transfer(what, &f, NULL, NULL, bytes * data_scale(),
			bytes * data_scale(), &p);
	SIM_ASSERT(sim_wire_stats(p.sim)->fault_drops > 0, "nothing lost?");
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_RETRANS_SEGS) > 0,
		   "losses but no retransmission");
	/* SACK is on by default on both ends: recovery uses it. */
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_SACK_RECOVERY) > 0,
		   "no SACK recovery");
	SIM_ASSERT_EQ(dpair_stat(&p, TERN_STAT_TCP_RENO_RECOVERY), 0);
	dpair_finish(&p);
}

static void
test_loss_1pct(void)
{
	lossy(10000, 2 * MIB);
}

static void
test_loss_3pct(void)
{
	lossy(30000, 1 * MIB);
}

static void
test_loss_10pct(void)
{
	lossy(100000, 256 * KIB);
}

/*
 * Reordering: 5 % of frames held back 3 ms behind the others (RTT
 * 2 ms). The receiver queues out-of-order data and SACKs it; the
 * stream arrives intact.
 */
static void
test_reorder(void)
{
	const struct sim_faults f = {
		.latency_ns = 1 * SIM_MS, .reorder_ppm = 50000,
		.reorder_ns = 3 * SIM_MS,
	};
	struct dpair p;

	faulty_transfer("reorder", &f, NULL, NULL, 2 * MIB * data_scale(),
			2 * MIB * data_scale(), &p);
	SIM_ASSERT(sim_wire_stats(p.sim)->reordered > 0, "nothing reordered");
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_OFO_QUEUE) > 0,
		   "reordered data never queued out of order");
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_DUP_ACKS) > 0,
		   "no duplicate ACK for out-of-order data");
	dpair_finish(&p);
}

/* Duplicated frames: every byte delivered exactly once. */
static void
test_duplicate(void)
{
	const struct sim_faults f = {
		.latency_ns = 1 * SIM_MS, .dup_ppm = 50000,
	};
	struct dpair p;

	faulty_transfer("duplicate", &f, NULL, NULL, 2 * MIB * data_scale(),
			2 * MIB * data_scale(), &p);
	SIM_ASSERT(sim_wire_stats(p.sim)->duplicated > 0,
		   "nothing duplicated");
	dpair_finish(&p);
}

/*
 * Corruption: 2 % of frames get one byte of their IPv4 packet flipped.
 * A single changed byte always changes the ones' complement sum, so
 * the IPv4 or TCP checksum (or a header check before it) rejects each
 * one: the stream is intact and the checksum counters moved.
 */
static void
test_corrupt(void)
{
	const struct sim_faults f = {
		.latency_ns = 1 * SIM_MS, .corrupt_ppm = 20000,
	};
	struct dpair p;
	uint64_t csum;

	faulty_transfer("corrupt", &f, NULL, NULL, 1 * MIB * data_scale(),
			1 * MIB * data_scale(), &p);
	csum = dpair_stat(&p, TERN_STAT_TCP_IN_CSUM_ERRORS) +
	       dpair_stat(&p, TERN_STAT_IP_IN_CSUM_ERRORS);
	SIM_ASSERT(sim_wire_stats(p.sim)->corrupted > 0, "nothing corrupted");
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_IN_CSUM_ERRORS) > 0,
		   "no TCP checksum error counted for %" PRIu64
		   " corrupted frames", sim_wire_stats(p.sim)->corrupted);
	SIM_ASSERT(csum <= sim_wire_stats(p.sim)->corrupted,
		   "%" PRIu64 " checksum errors, %" PRIu64 " frames corrupted",
		   csum, sim_wire_stats(p.sim)->corrupted);
	dpair_finish(&p);
}

/* Everything at once, with each congestion control. */
static void
all_faults(enum tern_tcp_cc cc)
{
	const struct sim_faults f = {
		.latency_ns = 2 * SIM_MS, .jitter_ns = 500 * SIM_US,
		.drop_ppm = 20000, .dup_ppm = 10000, .reorder_ppm = 20000,
		.reorder_ns = 4 * SIM_MS, .corrupt_ppm = 10000,
	};
	struct tern_tcp_conf conf;
	struct dpair p;

	data_conf(&conf);
	conf.cc = cc;
	faulty_transfer(cc == TERN_TCP_CC_CUBIC ? "all/cubic" : "all/newreno",
			&f, &conf, &conf, 1 * MIB * data_scale(),
			1 * MIB * data_scale(), &p);
	SIM_ASSERT_EQ(p.c->info.cc, cc);
	SIM_ASSERT_EQ(p.s->info.cc, cc);
	SIM_ASSERT(dpair_stat(&p, TERN_STAT_TCP_RETRANS_SEGS) > 0,
		   "losses but no retransmission");
	dpair_finish(&p);
}

static void
test_all_faults_newreno(void)
{
	all_faults(TERN_TCP_CC_NEWRENO);
}

static void
test_all_faults_cubic(void)
{
	all_faults(TERN_TCP_CC_CUBIC);
}

/*
 * SACK refused by B: both ends fall back to NewReno recovery (RFC
 * 6582) and still deliver everything through 3 % loss. One way: with
 * data both ways the receiver's ACKs ride on data segments, which are
 * not duplicate ACKs (RFC 5681 2), and only the RTO would recover.
 */
static void
test_loss_without_sack(void)
{
	const struct sim_faults f = {
		.latency_ns = 2 * SIM_MS, .drop_ppm = 30000,
	};
	struct tern_tcp_conf no_sack;
	struct dpair p;

	data_conf(&no_sack);
	no_sack.sack = false;
	faulty_transfer("no-sack", &f, NULL, &no_sack, 1 * MIB * data_scale(),
			0, &p);
	SIM_ASSERT(!p.c->info.sack_ok && !p.s->info.sack_ok,
		   "SACK agreed though B did not offer it");
	SIM_ASSERT_EQ(dpair_stat(&p, TERN_STAT_TCP_SACK_RECOVERY), 0);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_RENO_RECOVERY) > 0,
		   "no NewReno recovery through 3 %% loss");
	dpair_finish(&p);
}

int
main(int argc, char **argv)
{
	static const struct sim_test tests[] = {
		SIM_TEST(test_sizes_each_way),
		SIM_TEST(test_64mib_one_way),
		SIM_TEST(test_both_ways_at_once),
		SIM_TEST(test_delay_and_jitter),
		SIM_TEST(test_loss_1pct),
		SIM_TEST(test_loss_3pct),
		SIM_TEST(test_loss_10pct),
		SIM_TEST(test_reorder),
		SIM_TEST(test_duplicate),
		SIM_TEST(test_corrupt),
		SIM_TEST(test_all_faults_newreno),
		SIM_TEST(test_all_faults_cubic),
		SIM_TEST(test_loss_without_sack),
	};

	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
