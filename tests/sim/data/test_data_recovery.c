/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss recovery, one chosen loss at a time (VPP tcp_tamper style): the
 * wire is clean except for the data segments a tamper hook drops, so
 * every retransmission and every recovery counter is accounted for.
 *
 *  - SACK on: a single loss, or several in one window, is repaired by
 *    one SACK recovery (RFC 6675) resending exactly the holes; no RTO.
 *  - SACK off: two losses in one window are repaired by NewReno (RFC
 *    6582): fast retransmit, then a partial ACK resends the second;
 *    no RTO.
 *  - A lost retransmission, and a lost last segment (no duplicate ACK
 *    can follow it), are repaired by the RTO.
 *  - The window after a loss: NewReno ssthresh = FlightSize / 2 (RFC
 *    5681 (4)), CUBIC ssthresh = 0.7 cwnd (RFC 9438 4.6).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "data_util.h"

/* RTT 10 ms: the window is wide open by segment 200. */
#define LATENCY (5 * SIM_MS)
#define XFER_MAX_NS (600 * SIM_S)
/* Data segments before the first loss: slow start is well under way. */
#define FIRST_LOSS 200

static void
create_pair_latency(struct dpair *p, const struct tern_tcp_conf *conf_a,
		    const struct tern_tcp_conf *conf_b, uint64_t latency_ns)
{
	const struct sim_faults f = { .latency_ns = latency_ns };

	dpair_create(p, sim_test_seed(), conf_a, conf_b, &f);
	dpair_connect(p, 5 * SIM_S);
}

static void
create_pair(struct dpair *p, const struct tern_tcp_conf *conf_a,
	    const struct tern_tcp_conf *conf_b)
{
	create_pair_latency(p, conf_a, conf_b, LATENCY);
}

static void
assert_stat(const struct sim_node *n, tern_stat_t id, uint64_t want)
{
	uint64_t got = sim_stat(n, id);

	SIM_ASSERT(got == want, "%s %s = %" PRIu64 ", expected %" PRIu64,
		   n->name, tern_stat_name(id), got, want);
}

/*
 * Data segments #200 .. from A to B dropped as listed (offsets from
 * FIRST_LOSS), 4 MiB A -> B; then the recovery counters of A.
 */
static void
sack_losses(const uint32_t *offsets, unsigned int n)
{
	struct data_dropper d;
	struct dpair p;

	memset(&d, 0, sizeof(d));
	for (unsigned int i = 0; i < n; i++)
		d.nth[i] = FIRST_LOSS + offsets[i];
	d.n = n;
	/* Losses of first transmissions: recovery may start before the
	 * last of them is sent, and its resends must not shift the count. */
	d.originals_only = true;
	create_pair(&p, NULL, NULL);
	SIM_ASSERT(p.c->info.sack_ok, "SACK not agreed");
	data_drop_data_segments(p.sim, p.a, p.b, &d);
	dpair_transfer(&p, 4 * MIB, 0, XFER_MAX_NS);
	SIM_ASSERT_EQ(d.dropped, n);
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, 0);
	assert_stat(p.a, TERN_STAT_TCP_SACK_RECOVERY, 1);
	assert_stat(p.a, TERN_STAT_TCP_RENO_RECOVERY, 0);
	assert_stat(p.a, TERN_STAT_TCP_FAST_RETRANS, 1);
	/* only the holes are resent */
	assert_stat(p.a, TERN_STAT_TCP_RETRANS_SEGS, n);
	SIM_ASSERT(sim_stat(p.b, TERN_STAT_TCP_OFO_QUEUE) > 0,
		   "B queued nothing out of order");
	assert_stat(p.b, TERN_STAT_TCP_DROP_OOO, 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

static void
test_sack_single_loss_no_rto(void)
{
	static const uint32_t one[] = { 0 };

	sack_losses(one, RTE_DIM(one));
}

/*
 * Four holes in one window: one recovery episode resends all four. The
 * flight that carries segment #200 ends at #208 (seed 1, 10 ms RTT);
 * a loss sent after recovery began (#209 on) is a new window's loss and
 * rightly starts a second episode.
 */
static void
test_sack_four_losses_one_window(void)
{
	static const uint32_t four[] = { 0, 2, 4, 6 };

	sack_losses(four, RTE_DIM(four));
}

/*
 * SACK off (B does not offer it). Two data segments of one window lost,
 * three apart: three duplicate ACKs trigger the fast retransmit of the
 * first (RFC 6582 3.2 step 2); its ACK is partial (it stops at the
 * second hole), so the second is resent at once (step 5). No RTO.
 */
static void
test_newreno_two_losses_partial_ack(void)
{
	struct tern_tcp_conf no_sack;
	struct data_dropper d;
	struct dpair p;

	data_conf(&no_sack);
	no_sack.sack = false;
	memset(&d, 0, sizeof(d));
	d.nth[0] = FIRST_LOSS;
	d.nth[1] = FIRST_LOSS + 3;
	d.n = 2;
	create_pair(&p, NULL, &no_sack);
	SIM_ASSERT(!p.c->info.sack_ok, "SACK agreed though B refused it");
	data_drop_data_segments(p.sim, p.a, p.b, &d);
	dpair_transfer(&p, 4 * MIB, 0, XFER_MAX_NS);
	SIM_ASSERT_EQ(d.dropped, 2);
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, 0);
	assert_stat(p.a, TERN_STAT_TCP_RENO_RECOVERY, 1);
	assert_stat(p.a, TERN_STAT_TCP_SACK_RECOVERY, 0);
	assert_stat(p.a, TERN_STAT_TCP_FAST_RETRANS, 1);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_PARTIAL_ACKS) >= 1,
		   "no partial ACK");
	assert_stat(p.a, TERN_STAT_TCP_RETRANS_SEGS, 2);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/* Drops data segment #nth and then the first retransmission of it. */
struct drop_twice {
	uint32_t nth;
	uint32_t seen;
	uint32_t seq;
	unsigned int dropped;
};

static enum sim_verdict
drop_twice_fn(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct drop_twice *d = arg;

	(void)m;
	if (fc->h->payload_len == 0)
		return SIM_PASS;
	d->seen++;
	if (d->seen == d->nth || (d->dropped == 1 && fc->h->seq == d->seq)) {
		d->seq = fc->h->seq;
		d->dropped++;
		return SIM_DROP;
	}
	return SIM_PASS;
}

/*
 * The fast retransmission itself is lost: nothing in RFC 6675 sees
 * that, but RACK (RFC 8985 6) does -- data sent after the
 * retransmission is SACKed while it is still missing -- and resends it
 * without waiting for the RTO; the transfer ends intact.
 */
static void
test_lost_retransmission_found_by_rack(void)
{
	struct drop_twice d = { .nth = FIRST_LOSS };
	struct sim_tamper t = {
		.tcp_only = true, .fn = drop_twice_fn, .arg = &d,
	};
	struct dpair p;

	create_pair(&p, NULL, NULL);
	t.from = p.a;
	t.to = p.b;
	sim_tamper_add(p.sim, &t);
	dpair_transfer(&p, 4 * MIB, 0, XFER_MAX_NS);
	SIM_ASSERT_EQ(d.dropped, 2);
	assert_stat(p.a, TERN_STAT_TCP_SACK_RECOVERY, 1);
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, 0);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_LOST_RETRANSMIT) >= 1,
		   "the lost retransmission was not found by RACK");
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_RETRANS_SEGS) >= 2,
		   "RetransSegs %" PRIu64,
		   sim_stat(p.a, TERN_STAT_TCP_RETRANS_SEGS));
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * The last data segment of a transfer is lost: no later segment makes
 * a duplicate ACK, so the RTO (and nothing else) resends it, once --
 * or, with TLP, the loss probe. @p latency_ns one way: under half a
 * millisecond the round trip is under one tick of the timestamp clock
 * (1 ms), whose samples then read 0.
 */
static void
tail_loss(bool tlp, uint64_t latency_ns)
{
	/* 64 full segments: 64 x MSS of data (MSS 1448 with timestamps) */
	struct tern_tcp_conf conf;
	struct data_dropper d;
	struct dpair p;
	uint32_t mss;

	data_conf(&conf);
	conf.tlp = tlp;
	create_pair_latency(&p, &conf, NULL, latency_ns);
	mss = p.c->info.mss;
	SIM_ASSERT(mss > 0, "no MSS");
	memset(&d, 0, sizeof(d));
	d.nth[0] = 64;
	d.n = 1;
	data_drop_data_segments(p.sim, p.a, p.b, &d);
	dpair_transfer(&p, 64ull * mss, 0, XFER_MAX_NS);
	SIM_ASSERT_EQ(d.dropped, 1);
	SIM_ASSERT_EQ(d.dropped_seq[0], p.c->info.snd_nxt + 63ull * mss);
	/* Without TLP the RTO resends the tail; with it, the probe does
	 * (RFC 8985 7), a round trip instead of an RTO. */
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, tlp ? 0 : 1);
	assert_stat(p.a, TERN_STAT_TCP_LOSS_PROBES, tlp ? 1 : 0);
	assert_stat(p.a, TERN_STAT_TCP_RETRANS_SEGS, 1);
	assert_stat(p.a, TERN_STAT_TCP_FAST_RETRANS, 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

static void
test_tail_loss_rto(void)
{
	tail_loss(false, LATENCY);
}

static void
test_tail_loss_probe(void)
{
	tail_loss(true, LATENCY);
}

/*
 * A LAN's round trip (100 us) is under the timestamp clock's tick: its
 * samples read 0 ms. They are still samples (one tick, as Linux counts
 * them): the probe must not wait for an SRTT that never comes.
 */
static void
test_tail_loss_probe_sub_ms_rtt(void)
{
	tail_loss(true, 50 * SIM_US);
}

/* What A's window looked like just before and just after a loss. */
struct window_watch {
	struct sim_conn *r;
	struct tern_tcp_info before;  /**< last snapshot out of recovery */
	struct tern_tcp_info at;      /**< first snapshot in recovery */
	bool entered;
};

static void
window_watch_step(struct sim *sim, void *arg)
{
	struct window_watch *w = arg;
	struct tern_tcp_info info;

	(void)sim;
	if (w->entered || w->r->c == NULL)
		return;
	tern_tcp_get_info(w->r->c, &info);
	if (info.in_recovery) {
		w->at = info;
		w->entered = true;
	} else {
		w->before = info;
	}
}

/*
 * One loss, then the window of A on entering recovery: NewReno
 * ssthresh = max(FlightSize / 2, 2 SMSS) (RFC 5681 (4)); CUBIC
 * ssthresh = max(0.7 FlightSize, 2 SMSS) (RFC 9438 4.6).
 */
static void
window_after_loss(enum tern_tcp_cc cc)
{
	struct tern_tcp_conf conf;
	struct data_dropper d;
	struct window_watch w;
	struct dpair p;
	uint32_t flight_lo, flight_hi, want_lo, want_hi;

	data_conf(&conf);
	conf.cc = cc;
	memset(&d, 0, sizeof(d));
	d.nth[0] = FIRST_LOSS;
	d.n = 1;
	create_pair(&p, &conf, NULL);
	memset(&w, 0, sizeof(w));
	w.r = p.c;
	sim_set_step_hook(p.sim, window_watch_step, &w);
	data_drop_data_segments(p.sim, p.a, p.b, &d);
	dpair_transfer(&p, 4 * MIB, 0, XFER_MAX_NS);
	sim_set_step_hook(p.sim, NULL, NULL);
	SIM_ASSERT(w.entered, "A never entered recovery");
	SIM_ASSERT_EQ(w.at.cc, cc);
	SIM_ASSERT_EQ(w.before.ssthresh, UINT32_MAX);
	/*
	 * One simulator step may carry several ACKs (new data acked, then
	 * the duplicates that start recovery), and new data may leave right
	 * after entry: the flight at entry lies between what was sent before
	 * that step and after it, measured from snd_una at entry (duplicate
	 * ACKs do not move it).
	 */
	flight_lo = w.before.snd_nxt - w.at.snd_una;
	flight_hi = w.at.snd_nxt - w.at.snd_una;
	if (cc == TERN_TCP_CC_NEWRENO) {
		want_lo = flight_lo / 2;
		want_hi = flight_hi / 2;
	} else {
		/* RFC 9438 4.6: flight_size * beta_cubic. */
		want_lo = (uint32_t)(flight_lo * 0.7);
		want_hi = (uint32_t)(flight_hi * 0.7);
	}
	want_lo = RTE_MAX(want_lo, 2u * w.at.mss);
	want_hi = RTE_MAX(want_hi, 2u * w.at.mss);
	SIM_ASSERT(w.at.ssthresh >= want_lo && w.at.ssthresh <= want_hi,
		   "%s: ssthresh %u, expected %u..%u (flight %u..%u)",
		   cc == TERN_TCP_CC_NEWRENO ? "newreno" : "cubic",
		   w.at.ssthresh, want_lo, want_hi, flight_lo, flight_hi);
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

static void
test_newreno_ssthresh_half_flight(void)
{
	window_after_loss(TERN_TCP_CC_NEWRENO);
}

static void
test_cubic_ssthresh_seven_tenths(void)
{
	window_after_loss(TERN_TCP_CC_CUBIC);
}

/*
 * Data both ways and one A -> B segment lost: B's data segments now
 * carry SACK blocks (RFC 2018: in every ACK while data is held out of
 * order), which take option space. Every frame still fits the MTU
 * (1500-byte IPv4 packets), nothing is dropped as too big, and the
 * loss is repaired without an RTO.
 */
static void
test_sack_blocks_on_full_data_segments(void)
{
	struct data_dropper d;
	struct sim_recorder *rec;
	struct dpair p;
	unsigned int with_sack = 0;

	memset(&d, 0, sizeof(d));
	d.nth[0] = FIRST_LOSS;
	d.n = 1;
	create_pair(&p, NULL, NULL);
	rec = sim_record(p.sim);
	data_drop_data_segments(p.sim, p.a, p.b, &d);
	dpair_transfer(&p, 2 * MIB, 2 * MIB, XFER_MAX_NS);
	SIM_ASSERT_EQ(d.dropped, 1);
	assert_stat(p.a, TERN_STAT_IP_OUT_TOO_BIG, 0);
	assert_stat(p.b, TERN_STAT_IP_OUT_TOO_BIG, 0);
	for (unsigned int i = 0; i < rec->n; i++) {
		const struct sim_hdr *h = &rec->e[i].h;

		if (h->kind != SIM_PKT_TCP)
			continue;
		SIM_ASSERT(h->ip_len <= 1500, "a %u-byte IPv4 packet on the "
			   "wire (payload %u, options %u)", h->ip_len,
			   h->payload_len, h->opts.len);
		if (h->payload_len > 0 && h->opts.nsack > 0)
			with_sack++;
	}
	sim_record_stop(p.sim);
	SIM_ASSERT(with_sack > 0, "no data segment carried SACK blocks");
	assert_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED, 0);
	assert_stat(p.b, TERN_STAT_TCP_RTO_EXPIRED, 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * Pure ACKs lost, data never: cumulative ACKs cover for the lost ones
 * and nothing is retransmitted by fast retransmit (there is no hole).
 */
static void
test_ack_loss_only(void)
{
	const struct sim_faults clean = { .latency_ns = LATENCY };
	const struct sim_faults ack_loss = {
		.latency_ns = LATENCY, .drop_ppm = 200000,
	};
	struct dpair p;

	create_pair(&p, NULL, NULL);
	sim_set_faults(p.sim, p.a, p.b, &clean);
	sim_set_faults(p.sim, p.b, p.a, &ack_loss);
	dpair_transfer(&p, 4 * MIB, 0, XFER_MAX_NS);
	SIM_ASSERT(sim_wire_stats(p.sim)->fault_drops > 0, "no ACK lost");
	assert_stat(p.a, TERN_STAT_TCP_FAST_RETRANS, 0);
	assert_stat(p.b, TERN_STAT_TCP_OFO_QUEUE, 0);
	sim_set_faults(p.sim, p.b, p.a, &clean);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

int
main(int argc, char **argv)
{
	static const struct sim_test tests[] = {
		SIM_TEST(test_sack_single_loss_no_rto),
		SIM_TEST(test_sack_four_losses_one_window),
		SIM_TEST(test_newreno_two_losses_partial_ack),
		SIM_TEST(test_lost_retransmission_found_by_rack),
		SIM_TEST(test_tail_loss_rto),
	SIM_TEST(test_tail_loss_probe),
	SIM_TEST(test_tail_loss_probe_sub_ms_rtt),
		SIM_TEST(test_newreno_ssthresh_half_flight),
		SIM_TEST(test_cubic_ssthresh_seven_tenths),
		SIM_TEST(test_sack_blocks_on_full_data_segments),
		SIM_TEST(test_ack_loss_only),
	};

	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
