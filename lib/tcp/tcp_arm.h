/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The retransmission timer's and the loss probe's deadlines as a
 * segment going out sets them: what tcp_rtx_arm() and tcp_tlp_arm()
 * (tcp_timers.c) compute, inline, and both armed for the usual segment
 * with one look at the wheel (tcp_flight_arm_usual()).
 */
#ifndef TCP_ARM_H
#define TCP_ARM_H

#include "tcp_priv.h"

/* Floor of the probe timeout: Linux's TCP_TIMEOUT_MIN_US-like 10 ms. */
#define TCP_TLP_MIN_NS (10 * NS_PER_MS)

/* RFC 6298 5.5: the RTO, doubled per backoff, at most rto_max_ms. */
static inline uint64_t
tcp_rto_ns(const struct tern_ctx *ctx, const struct tern_conn *c)
{
	const struct tern_tcp_conf *conf = &tcp_of(ctx)->conf;
	uint64_t rto = (uint64_t)c->rto_ms << RTE_MIN(c->backoff, 30);

	if (rto > conf->rto_max_ms)
		rto = conf->rto_max_ms;
	return rto * NS_PER_MS;
}

/* RFC 8985 7.2: the probe timeout, 2 SRTT, at least TCP_TLP_MIN_NS. */
static inline uint64_t
tcp_pto_ns(const struct tern_conn *c)
{
	uint64_t pto = 2ull * c->srtt_us * NS_PER_US;

	return pto < TCP_TLP_MIN_NS ? TCP_TLP_MIN_NS : pto;
}

/*
 * The tests of tcp_tlp_allowed() on the connection's settings and
 * history: probes configured, a state that takes them, an RTT sample to
 * time them by, and no recovery, probe already sent, zero-window
 * persist or RTO aftermath.
 */
static inline bool
tcp_tlp_conn_allows(const struct tern_ctx *ctx, const struct tern_conn *c)
{
	return tcp_of(ctx)->conf.tlp &&
	       tcp_state_has(c->state, SP_TLP) && c->srtt_us != 0 &&
	       !(c->flags & (CF_RECOVERY | CF_TLP_SENT | CF_PERSIST |
			     CF_AFTER_RTO));
}

/*
 * RFC 8985 7.2: may a probe timeout be armed for @p c? Besides
 * tcp_tlp_conn_allows(), data in flight, queued bytes to probe with and
 * an open window to send them in.
 */
static inline bool
tcp_tlp_allowed(const struct tern_ctx *ctx, const struct tern_conn *c)
{
	return tcp_tlp_conn_allows(ctx, c) && c->snd_max != c->snd_una &&
	       c->snd_wnd != 0 && c->sq_bytes > 0;
}

/*
 * After the usual segment -- one or more new bytes sent with nothing in
 * flight before, the window having taken them, no recovery
 * (tcp_output_usual_ok()) -- what tcp_rtx_arm() and tcp_tlp_arm() do
 * when their deadlines are unset: data is in flight, queued and inside
 * a non-zero window, so of tcp_tlp_allowed() only
 * tcp_tlp_conn_allows() is left to test. The probe timeout, when set,
 * comes before the RTO, so the wheel entry is due by both if it is due
 * by the earlier: one look at the wheel (tcp_timer_deadline_set())
 * instead of two, and no call.
 */
static __rte_always_inline void
tcp_flight_arm_usual(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint64_t earliest_ns;
	bool set = false;

	if (c->rtx_deadline_ns == 0) {
		c->rtx_deadline_ns = ctx->now_ns + tcp_rto_ns(ctx, c);
		set = true;
	}
	earliest_ns = c->rtx_deadline_ns;
	if (c->tlp_deadline_ns == 0 && tcp_tlp_conn_allows(ctx, c)) {
		uint64_t tlp_ns = ctx->now_ns + tcp_pto_ns(c);

		/* A probe no earlier than the RTO is not armed. */
		if (tlp_ns < earliest_ns) {
			c->tlp_deadline_ns = tlp_ns;
			earliest_ns = tlp_ns;
			set = true;
		}
	}
	if (set)
		tcp_timer_deadline_set(ctx, c, earliest_ns);
}

#endif /* TCP_ARM_H */
