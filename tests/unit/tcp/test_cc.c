/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion control (lib/tcp/tcp_cc.h) against hand-computed windows:
 * NewReno from RFC 5681 / RFC 6928, CUBIC from RFC 9438. MSS is 1000
 * bytes throughout so that windows in bytes read as segments * 1000.
 *
 * CUBIC is driven over virtual time by an ACK clock: each round trip
 * the sender gets one ACK of one MSS per segment of the window, evenly
 * spread over the RTT. The expected windows come from the RFC's
 * formulas evaluated by hand (values in the comments and tables).
 */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_cc.h"

#define MSS 1000u
#define NS_PER_S UINT64_C(1000000000)
/* Virtual time starts at 1 s: 0 is no valid time stamp. */
#define T0 NS_PER_S

/* RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta), beta = 0.7 */
#define ALPHA_CUBIC (3.0 * 0.3 / 1.7)

struct ack_clock {
	uint64_t now_ns;
	uint32_t rtt_us;
};

/*
 * One round trip of ACKs: one per MSS of the window at the start of
 * the round, spread evenly over the RTT.
 */
static void
ack_round(struct tcp_cc *cc, struct ack_clock *clk)
{
	uint32_t n = cc->cwnd / MSS;
	uint64_t start_ns = clk->now_ns;
	uint64_t rtt_ns = (uint64_t)clk->rtt_us * 1000;

	for (uint32_t i = 0; i < n; i++)
		tcp_cc_on_ack(cc, MSS, start_ns + rtt_ns * i / n, clk->rtt_us);
	/* exactly one RTT per round, so checkpoints fall on round ends */
	clk->now_ns = start_ns + rtt_ns;
}

/* Slow start from the initial window up to @p segs segments. */
static void
grow_to(struct tcp_cc *cc, uint32_t segs)
{
	while (cc->cwnd < segs * MSS)
		tcp_cc_on_ack(cc, MSS, T0, 100000);
	assert_int_equal(cc->cwnd, segs * MSS);
}

static void
assert_segs_near(double got_segs, double want_segs, double tol_frac,
		 const char *what)
{
	if (fabs(got_segs - want_segs) > want_segs * tol_frac)
		fail_msg("%s: cwnd %.3f segments, want %.3f +- %.1f%%", what,
			 got_segs, want_segs, tol_frac * 100);
}

/* ---- NewReno ---- */

/* RFC 6928: IW = 10 segments; no ssthresh until the first loss. */
static void
test_init_window(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, 1460);
	assert_int_equal(cc.cwnd, 14600);
	assert_int_equal(cc.ssthresh, UINT32_MAX);
	assert_int_equal(cc.mss, 1460);
	assert_int_equal(cc.algo, TCP_CC_NEWRENO);

	/* The SYN+ACK told a smaller MSS: IW follows it ... */
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_set_mss(&cc, 536);
	assert_int_equal(cc.cwnd, 5360);
	assert_int_equal(cc.mss, 536);
	/* ... but a window that already moved is left alone. */
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	tcp_cc_set_mss(&cc, 1460);
	assert_int_equal(cc.cwnd, 11000);
	assert_int_equal(cc.mss, 1460);
}

/*
 * RFC 5681 3.1 (2): in slow start cwnd += min(N, SMSS) per ACK.
 * 10000 + 500 = 10500; + min(3000, 1000) = 11500; one full window of
 * ACKs, one per segment, doubles it.
 */
static void
test_newreno_slow_start(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_ack(&cc, 500, T0, 0);
	assert_int_equal(cc.cwnd, 10500);
	tcp_cc_on_ack(&cc, 3000, T0, 0);
	assert_int_equal(cc.cwnd, 11500);

	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	for (int i = 0; i < 10; i++)
		tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 20000);
}

/*
 * RFC 5681 3.1 (3): in congestion avoidance cwnd += SMSS*SMSS/cwnd
 * per ACK. From 20000: + 1000000/20000 = 50 -> 20050; + 49 (49.88
 * rounded down) -> 20099. One window of ACKs (20) adds about one SMSS:
 * the sum of 1e6/cwnd over 20 ACKs from 20000 is 976 with rounding.
 */
static void
test_newreno_congestion_avoidance(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_loss(&cc, 40000, T0);
	assert_int_equal(cc.ssthresh, 20000);
	assert_int_equal(cc.cwnd, 20000);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 20050);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 20099);

	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_loss(&cc, 40000, T0);
	for (int i = 0; i < 20; i++)
		tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_in_range(cc.cwnd, 20950, 21000);
	assert_int_equal(cc.ssthresh, 20000);
}

/*
 * RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS), FlightSize
 * and not cwnd (the RFC warns against cwnd explicitly).
 */
static void
test_newreno_loss_halves_flight(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);    /* cwnd 10000 */
	tcp_cc_on_loss(&cc, 6000, T0);            /* flight 6000 */
	assert_int_equal(cc.ssthresh, 3000);
	assert_int_equal(cc.cwnd, 3000);

	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_loss(&cc, 3000, T0);            /* 1500 < 2 SMSS */
	assert_int_equal(cc.ssthresh, 2000);
	assert_int_equal(cc.cwnd, 2000);
	tcp_cc_on_loss(&cc, 0, T0);
	assert_int_equal(cc.ssthresh, 2000);

	/* cwnd == ssthresh: congestion avoidance, not slow start. */
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_loss(&cc, 10000, T0);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 5000 + 200);
}

/*
 * RFC 5681 (4) and 3.1: on RTO ssthresh = max(FlightSize/2, 2 SMSS)
 * and cwnd = LW = 1 SMSS; then slow start up to ssthresh (1000 ->
 * 2000 -> 3000 -> 4000), congestion avoidance from there (+250).
 */
static void
test_newreno_rto(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_rto(&cc, 8000);
	assert_int_equal(cc.ssthresh, 4000);
	assert_int_equal(cc.cwnd, 1000);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 2000);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 4000);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, 4250);

	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	tcp_cc_on_rto(&cc, 1000);
	assert_int_equal(cc.ssthresh, 2000);
	assert_int_equal(cc.cwnd, 1000);
}

/* The window saturates instead of wrapping. */
static void
test_newreno_no_overflow(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NEWRENO, MSS);
	cc.cwnd = UINT32_MAX - 10;
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, UINT32_MAX);
	tcp_cc_on_ack(&cc, MSS, T0, 0);
	assert_int_equal(cc.cwnd, UINT32_MAX);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(tcp_cc_name(TCP_CC_NEWRENO), "newreno");
	assert_string_equal(tcp_cc_name(TCP_CC_CUBIC), "cubic");
	assert_string_equal(tcp_cc_name(TCP_CC_NALGOS), "?");
	assert_int_equal(tcp_cc_by_name("newreno"), TCP_CC_NEWRENO);
	assert_int_equal(tcp_cc_by_name("cubic"), TCP_CC_CUBIC);
	assert_int_equal(tcp_cc_by_name("reno"), -1);
	assert_int_equal(tcp_cc_by_name(""), -1);
	assert_int_equal(tcp_cc_by_name("CUBIC"), -1);
}

/* ---- CUBIC ---- */

/* Below ssthresh CUBIC slow-starts like Reno (RFC 9438 4.10). */
static void
test_cubic_slow_start(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	tcp_cc_on_ack(&cc, 3000, T0, 0);
	assert_int_equal(cc.cwnd, 11000);
	assert_int_equal(cc.epoch_ns, 0);
}

/*
 * RFC 9438 4.6: W_max = cwnd; ssthresh = cwnd = 0.7 cwnd (this module
 * uses cwnd, as 4.6 allows), at least 2 SMSS. From 100 segments: 70.
 * 4.2 (Figure 2): K = cbrt((W_max - cwnd_epoch) / C)
 *                   = cbrt((100 - 70) / 0.4) = cbrt(75) = 4.217163 s.
 */
static void
test_cubic_loss_and_k(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, T0);
	assert_int_equal(cc.cwnd, 70000);
	assert_int_equal(cc.ssthresh, 70000);
	assert_int_equal(cc.w_max, 100000);

	/* The first ACK in congestion avoidance opens the epoch. */
	tcp_cc_on_ack(&cc, MSS, T0 + NS_PER_S / 10, 100000);
	assert_int_equal(cc.epoch_ns, T0 + NS_PER_S / 10);
	assert_in_range(cc.k_us, 4217162, 4217164);
	assert_int_equal(cc.w_max, 100000);

	/* 2 SMSS floor: 0.7 * 2000 = 1400 -> 2000. */
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	cc.cwnd = 2000;
	tcp_cc_on_loss(&cc, 2000, T0);
	assert_int_equal(cc.cwnd, 2000);
	assert_int_equal(cc.ssthresh, 2000);
}

/*
 * RFC 9438 4.2, 4.4, 4.5: after a loss at W_max = 100 segments, with an
 * RTT of 100 ms (Reno-friendly W_est = 70 + 0.53 t/RTT stays below the
 * curve), cwnd follows W_cubic(t) = C (t - K)^3 + W_max: concave up to
 * K = 4.217 s, flat around W_max, convex after. Values of W_cubic(t)
 * worked out for t = 1 .. 8 s. Each ACK moves cwnd toward W_cubic(t +
 * RTT) by (target - cwnd) / cwnd (4.4), so a window of ACKs brings it
 * to the curve one RTT later: at t it is within 1 % of W_cubic(t).
 */
static void
test_cubic_follows_curve(void **state)
{
	static const double w_cubic[] = {
		/* t = 0 */ 70.000,
		/* t = 1 */ 86.681,
		/* t = 2 */ 95.640,
		/* t = 3 */ 99.279,
		/* t = 4 */ 99.996,
		/* t = 5 */ 100.192,
		/* t = 6 */ 102.267,
		/* t = 7 */ 108.620,
		/* t = 8 */ 121.653,
	};
	struct ack_clock clk = { .now_ns = T0, .rtt_us = 100000 };
	struct tcp_cc cc;
	uint64_t epoch_ns;
	unsigned int sec;
	char what[32];

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, clk.now_ns);
	tcp_cc_on_ack(&cc, MSS, clk.now_ns, clk.rtt_us);
	epoch_ns = cc.epoch_ns;
	assert_int_equal(epoch_ns, T0);
	for (sec = 1; sec < sizeof(w_cubic) / sizeof(w_cubic[0]); sec++) {
		while (clk.now_ns < epoch_ns + sec * NS_PER_S)
			ack_round(&cc, &clk);
		snprintf(what, sizeof(what), "t = %u s", sec);
		assert_int_equal(clk.now_ns, epoch_ns + sec * NS_PER_S);
		assert_segs_near((double)cc.cwnd / MSS, w_cubic[sec], 0.01,
				 what);
		/* Never above W_cubic(t + RTT) + one step (4.2 target). */
		assert_true((double)cc.cwnd / MSS <
			    0.4 * pow((double)(clk.now_ns - epoch_ns) / 1e9 +
				      0.1 - 4.217163, 3) + 100 + 1);
	}
}

/*
 * RFC 9438 4.2: the target is at most 1.5 cwnd. Long after the epoch
 * opened (t = 100 s, W_cubic in the hundreds of thousands of segments)
 * one ACK of one MSS adds (1.5 cwnd - cwnd) / cwnd segments = 0.5 MSS.
 */
static void
test_cubic_target_capped(void **state)
{
	struct tcp_cc cc;
	uint32_t before;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, T0);
	tcp_cc_on_ack(&cc, MSS, T0, 0);  /* opens the epoch at T0 */
	before = cc.cwnd;
	tcp_cc_on_ack(&cc, MSS, T0 + 100 * NS_PER_S, 0);
	assert_in_range(cc.cwnd - before, 499, 500);
}

/*
 * RFC 9438 4.7 fast convergence: a loss while cwnd < W_max sets
 * W_max = cwnd (1 + beta) / 2. Two losses in a row from 100 segments:
 * first 100 -> 70 (W_max 100); then 70 < 100: W_max = 70 * 0.85 =
 * 59.5, cwnd = ssthresh = 49. Next epoch: K = cbrt((59.5 - 49) / 0.4)
 * = cbrt(26.25) = 2.971961 s.
 */
static void
test_cubic_fast_convergence(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, T0);
	tcp_cc_on_loss(&cc, 70000, T0);
	assert_int_equal(cc.w_max, 59500);
	assert_int_equal(cc.cwnd, 49000);
	assert_int_equal(cc.ssthresh, 49000);
	tcp_cc_on_ack(&cc, MSS, 2 * T0, 100000);
	assert_in_range(cc.k_us, 2971960, 2971962);
}

/* No fast convergence when the loss comes at or above W_max. */
static void
test_cubic_no_fast_convergence_above_w_max(void **state)
{
	struct ack_clock clk = { .now_ns = T0, .rtt_us = 100000 };
	struct tcp_cc cc;
	uint32_t at_loss;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, clk.now_ns);
	/* 7 s into the epoch cwnd is past W_max (108.6 segments). */
	while (clk.now_ns < T0 + 7 * NS_PER_S)
		ack_round(&cc, &clk);
	at_loss = cc.cwnd;
	assert_true(at_loss > 100000);
	tcp_cc_on_loss(&cc, at_loss, clk.now_ns);
	assert_int_equal(cc.w_max, at_loss);
	assert_int_equal(cc.cwnd, (uint32_t)(at_loss * 0.7));
}

/*
 * RFC 9438 4.3, the Reno-friendly region: with a 1 ms RTT, the curve
 * after a loss at 100 segments is still near cwnd_epoch = 70 after
 * 100 RTTs (W_cubic(0.101 s) = 72.1), while W_est grows by alpha =
 * 0.5294 segment per RTT (W_est += alpha * segments_acked / cwnd):
 * 70 + 100 * 0.5294 = 122.94 segments, and cwnd = W_est.
 */
static void
test_cubic_reno_friendly(void **state)
{
	struct ack_clock clk = { .now_ns = T0, .rtt_us = 1000 };
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_loss(&cc, 100000, clk.now_ns);
	for (int round = 0; round < 100; round++)
		ack_round(&cc, &clk);
	assert_segs_near((double)cc.cwnd / MSS, 70 + 100 * ALPHA_CUBIC, 0.01,
			 "W_est after 100 RTTs from 70 segments");
}

/*
 * The same at a large window: W_max 2000 segments, cwnd_epoch 1400,
 * 200 RTTs of 1 ms: W_est = 1400 + 200 * 0.5294 = 1505.9 segments,
 * above W_cubic(0.201 s) = 2000 + 0.4 (0.201 - cbrt(1500))^3 = 1431.1.
 * (Per ACK W_est grows by alpha * MSS * MSS / cwnd = 0.38 byte here:
 * an implementation adding whole bytes per ACK loses all of it.)
 */
static void
test_cubic_reno_friendly_large_window(void **state)
{
	struct ack_clock clk = { .now_ns = T0, .rtt_us = 1000 };
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 2000);
	tcp_cc_on_loss(&cc, 2000000, clk.now_ns);
	assert_int_equal(cc.cwnd, 1400000);
	for (int round = 0; round < 200; round++)
		ack_round(&cc, &clk);
	assert_segs_near((double)cc.cwnd / MSS, 1400 + 200 * ALPHA_CUBIC,
			 0.01, "W_est after 200 RTTs from 1400 segments");
}

/*
 * RFC 9438 4.8: on RTO, cwnd = 1 segment (RFC 5681) and ssthresh =
 * 0.7 cwnd as in 4.6: from 100 segments, ssthresh 70, cwnd 1.
 */
static void
test_cubic_rto(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_rto(&cc, 100000);
	assert_int_equal(cc.cwnd, 1000);
	assert_int_equal(cc.ssthresh, 70000);
	/* slow start: 1 -> 2 segments */
	tcp_cc_on_ack(&cc, MSS, T0, 100000);
	assert_int_equal(cc.cwnd, 2000);
}

/*
 * RFC 9438 4.8: "During the first congestion avoidance stage after a
 * timeout, CUBIC increases its congestion window size using Figure 1,
 * where t is the elapsed time since the beginning of the current
 * congestion avoidance stage, K is set to 0, and W_max is set to the
 * congestion window size at the beginning of the current congestion
 * avoidance stage." After slow start from 1 to ssthresh = 70 segments,
 * the epoch opens with K = 0 and W_max = 70 segments.
 */
static void
test_cubic_first_epoch_after_rto(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	grow_to(&cc, 100);
	tcp_cc_on_rto(&cc, 100000);
	while (cc.cwnd < cc.ssthresh)
		tcp_cc_on_ack(&cc, MSS, T0, 100000);
	assert_int_equal(cc.cwnd, 70000);
	tcp_cc_on_ack(&cc, MSS, 2 * T0, 100000);
	assert_int_equal(cc.epoch_ns, 2 * T0);
	assert_int_equal(cc.k_us, 0);
	assert_int_equal(cc.w_max, 70000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_window),
		cmocka_unit_test(test_newreno_slow_start),
		cmocka_unit_test(test_newreno_congestion_avoidance),
		cmocka_unit_test(test_newreno_loss_halves_flight),
		cmocka_unit_test(test_newreno_rto),
		cmocka_unit_test(test_newreno_no_overflow),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cubic_slow_start),
		cmocka_unit_test(test_cubic_loss_and_k),
		cmocka_unit_test(test_cubic_follows_curve),
		cmocka_unit_test(test_cubic_target_capped),
		cmocka_unit_test(test_cubic_fast_convergence),
		cmocka_unit_test(test_cubic_no_fast_convergence_above_w_max),
		cmocka_unit_test(test_cubic_reno_friendly),
		cmocka_unit_test(test_cubic_reno_friendly_large_window),
		cmocka_unit_test(test_cubic_rto),
		cmocka_unit_test(test_cubic_first_epoch_after_rto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
