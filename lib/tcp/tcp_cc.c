/* SPDX-License-Identifier: BSD-3-Clause */
#include <math.h>
#include <string.h>

#include "tcp_cc.h"

#define CUBIC_C 0.4              /* RFC 9438 4.1, segments / s^3 */
#define CUBIC_BETA 0.7           /* RFC 9438 4.6 */

static const char *const cc_names[TCP_CC_NALGOS] = {
	[TCP_CC_NEWRENO] = "newreno",
	[TCP_CC_CUBIC] = "cubic",
};

const char *
tcp_cc_name(enum tcp_cc_algo algo)
{
	return (unsigned int)algo < TCP_CC_NALGOS ? cc_names[algo] : "?";
}

int
tcp_cc_by_name(const char *name)
{
	for (int i = 0; i < TCP_CC_NALGOS; i++)
		if (strcmp(cc_names[i], name) == 0)
			return i;
	return -1;
}

void
tcp_cc_set_mss(struct tcp_cc *cc, uint16_t mss)
{
	if (cc->ssthresh == UINT32_MAX &&
	    cc->cwnd == TCP_INIT_WINDOW_SEGS * (uint32_t)cc->mss)
		cc->cwnd = TCP_INIT_WINDOW_SEGS * (uint32_t)mss;
	cc->mss = mss;
}

static uint32_t
cc_min_ssthresh(const struct tcp_cc *cc)
{
	return 2u * cc->mss;
}

/* RFC 5681 3.1: congestion avoidance (slow start: tcp_cc.h). */
static void
reno_on_ack(struct tcp_cc *cc)
{
	uint32_t inc = (uint32_t)((uint64_t)cc->mss * cc->mss / cc->cwnd);

	if (inc == 0)
		inc = 1;
	cc->cwnd = cc->cwnd > UINT32_MAX - inc ? UINT32_MAX : cc->cwnd + inc;
}

/* RFC 9438 4.2-4.4, in segments and seconds. */
static void
cubic_on_ack(struct tcp_cc *cc, uint32_t acked, uint64_t now_ns,
	     uint32_t srtt_us)
{
	double mss = cc->mss, cwnd = cc->cwnd / mss, t, k, target, w_max;
	double alpha = 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);

	if (cc->epoch_ns == 0) {
		cc->epoch_ns = now_ns;
		if (cc->w_max < cc->cwnd)
			cc->w_max = cc->cwnd;
		cc->k_us = (uint32_t)(cbrt((cc->w_max - cc->cwnd) / mss /
					   CUBIC_C) * 1e6);
		cc->w_est = cc->cwnd;
	}
	w_max = cc->w_max / mss;
	k = cc->k_us / 1e6;
	t = (double)(now_ns - cc->epoch_ns) / 1e9 + srtt_us / 1e6;
	target = CUBIC_C * (t - k) * (t - k) * (t - k) + w_max;
	/* 4.2: the target lies within [cwnd, 1.5 cwnd]. */
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	/* 4.3: the Reno-friendly region, against W_cubic(t) itself. */
	cc->w_est += alpha * acked * mss / cc->cwnd;
	if (cc->w_est / mss > CUBIC_C * (t - k) * (t - k) * (t - k) + w_max &&
	    cc->w_est > cc->cwnd) {
		cc->cwnd = (uint32_t)cc->w_est;
		return;
	}
	cc->cwnd += (uint32_t)((target - cwnd) * acked / cwnd);
}

void
tcp_cc_on_ack_avoid(struct tcp_cc *cc, uint32_t acked, uint64_t now_ns,
		    uint32_t srtt_us)
{
	if (cc->algo == TCP_CC_CUBIC)
		cubic_on_ack(cc, acked, now_ns, srtt_us);
	else
		reno_on_ack(cc);
}

void
tcp_cc_on_loss(struct tcp_cc *cc, uint32_t flight, uint64_t now_ns)
{
	uint32_t ss;

	if (cc->algo == TCP_CC_CUBIC) {
		/* 4.7 fast convergence: release bandwidth to newer flows. */
		if (cc->cwnd < cc->w_max)
			cc->w_max = (uint32_t)(cc->cwnd * (1.0 + CUBIC_BETA) /
					       2.0);
		else
			cc->w_max = cc->cwnd;
		/* 4.6: from the bytes in flight, which an application-
		 * limited sender keeps below cwnd. */
		ss = (uint32_t)(flight * CUBIC_BETA);
		cc->epoch_ns = 0;
	} else {
		ss = flight / 2; /* RFC 5681 (4) */
	}
	if (ss < cc_min_ssthresh(cc))
		ss = cc_min_ssthresh(cc);
	cc->ssthresh = ss;
	cc->cwnd = ss;
}

void
tcp_cc_on_rto(struct tcp_cc *cc, uint32_t flight)
{
	uint32_t ss;

	if (cc->algo == TCP_CC_CUBIC) {
		ss = (uint32_t)(flight * CUBIC_BETA);
		/* 4.8: the first epoch after a timeout starts with K = 0 and
		 * W_max = cwnd at that time (set when the epoch begins). */
		cc->w_max = 0;
		cc->epoch_ns = 0;
	} else {
		ss = flight / 2;
	}
	if (ss < cc_min_ssthresh(cc))
		ss = cc_min_ssthresh(cc);
	cc->ssthresh = ss;
	cc->cwnd = cc->mss; /* RFC 5681 3.1: the loss window, one segment */
}
