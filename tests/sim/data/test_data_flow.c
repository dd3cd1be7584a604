/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow control and the data-path timers between two stacks:
 *  - a receiver that holds its data (tern_tcp_set_recv_manual) closes
 *    its window; the sender persists (RFC 9293 3.8.6.1, RFC 1122
 *    4.2.2.17: indefinitely while the probes are answered); the window
 *    reopens when the app consumes, by a worthwhile step only (receiver
 *    SWS avoidance, RFC 1122 4.2.3.3); nothing is lost;
 *  - a lost window update is recovered by the next probe;
 *  - persist_max_ms aborts a connection whose window stays shut;
 *  - Nagle (RFC 1122 4.2.3.4) off by default, on per connection or by
 *    default through the configuration;
 *  - keepalive (RFC 1122 4.2.3.6): probes after idle, answered probes
 *    keep the connection, cnt unanswered ones end it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "data_util.h"

#define LATENCY (5 * SIM_MS)
/* B's receive buffer: small, so the window shuts quickly. */
#define RCV_BUF (64 * KIB)

static void
set_recv_manual(struct sim_conn *rec, void *arg)
{
	(void)arg;
	SIM_ASSERT_EQ(tern_tcp_set_recv_manual(rec->c, true), 0);
}

/* A and B on a LATENCY wire; B's app holds what it receives. */
static void
create_holding_pair(struct dpair *p, const struct tern_tcp_conf *conf_a)
{
	const struct sim_faults f = { .latency_ns = LATENCY };
	struct tern_tcp_conf conf_b;

	data_conf(&conf_b);
	conf_b.rcv_buf = RCV_BUF;
	dpair_create(p, sim_test_seed(), conf_a, &conf_b, &f);
	p->l->on_accept = set_recv_manual;
	dpair_connect(p, 5 * SIM_S);
}

/* A has data queued and sees B's window shut. */
static bool
a_sees_zero_window(const struct dpair *p)
{
	struct tern_tcp_info info;

	if (p->c->c == NULL)
		return false;
	tern_tcp_get_info(p->c->c, &info);
	return info.snd_wnd == 0 && info.queued_bytes > 0;
}

/* B's app consumes everything it was given so far. */
static void
consume_all(struct sim_conn *r, uint64_t *consumed)
{
	if (r->c != NULL && r->rx_bytes > *consumed)
		tern_tcp_recv_done(r->c, (uint32_t)(r->rx_bytes - *consumed));
	*consumed = r->rx_bytes;
}

/* Data segments from @p from since recorder entry @p i0. */
static unsigned int
count_data(const struct sim_recorder *rec, unsigned int i0,
	   const struct sim_node *from)
{
	unsigned int n = 0;

	for (unsigned int i = i0; i < rec->n; i++)
		if (rec->e[i].from == from->idx &&
		    rec->e[i].h.kind == SIM_PKT_TCP &&
		    rec->e[i].h.payload_len > 0)
			n++;
	return n;
}

/* Segments from @p from since entry @p i0 advertising an open window. */
static unsigned int
count_open_window(const struct sim_recorder *rec, unsigned int i0,
		  const struct sim_node *from)
{
	unsigned int n = 0;

	for (unsigned int i = i0; i < rec->n; i++)
		if (rec->e[i].from == from->idx &&
		    rec->e[i].h.kind == SIM_PKT_TCP && rec->e[i].h.win > 0)
			n++;
	return n;
}

/*
 * The window shuts at B's buffer size and stays shut for five minutes:
 * A probes with a growing interval and never gives up (the probes are
 * answered). Then B's app reads: the window reopens and all of 1 MiB
 * arrives intact, with no retransmission timeout and nothing lost.
 */
static void
test_zero_window_persist_then_reopen(void)
{
	const uint64_t total = 1 * MIB;
	struct dpair p;
	uint64_t consumed = 0, probes, held;
	struct tern_tcp_info info;

	create_holding_pair(&p, NULL);
	sim_conn_send_pattern(p.c, (uint32_t)total);
	sim_run_for(p.sim, 5 * SIM_S);
	SIM_ASSERT(p.s->rx_bytes <= RCV_BUF && p.s->rx_bytes > RCV_BUF / 2,
		   "B holds %" PRIu64 " bytes with a %llu-byte buffer",
		   p.s->rx_bytes, RCV_BUF);
	tern_tcp_get_info(p.c->c, &info);
	SIM_ASSERT_EQ(info.snd_wnd, 0);
	SIM_ASSERT_EQ(info.snd_una, info.snd_nxt);
	probes = sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES);
	SIM_ASSERT(probes >= 2, "%" PRIu64 " window probes in 5 s", probes);

	/* Five more minutes shut: still ESTABLISHED, still probing, but
	 * with backoff (at most one probe a second on average). */
	held = p.s->rx_bytes;
	sim_run_for(p.sim, 300 * SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(p.c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES) > probes + 2,
		   "probing stopped: %" PRIu64 " probes",
		   sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES));
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES) < probes + 300,
		   "no backoff: %" PRIu64 " probes",
		   sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES));
	SIM_ASSERT_EQ(p.s->rx_bytes, held);

	/* The app reads: the rest flows. */
	while (p.s->rx_bytes < total) {
		uint64_t before = p.s->rx_bytes;

		consume_all(p.s, &consumed);
		if (p.c->tx_bytes < total)
			sim_conn_send_pattern(p.c,
					      (uint32_t)(total - p.c->tx_bytes));
		sim_run_for(p.sim, 20 * SIM_MS);
		SIM_ASSERT(p.s->rx_bytes > before || p.c->tx_bytes < total,
			   "stalled at %" PRIu64 " bytes after the reader "
			   "caught up", before);
	}
	consume_all(p.s, &consumed);
	SIM_ASSERT_EQ(p.s->rx_bytes, total);
	SIM_ASSERT_EQ(p.s->rx_bad_at, 0);
	SIM_ASSERT_EQ(sim_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED), 0);
	SIM_ASSERT_EQ(sim_stat(p.a, TERN_STAT_TCP_TIMEOUTS), 0);
	SIM_ASSERT_EQ(sim_wire_stats(p.sim)->fault_drops, 0);
	SIM_ASSERT_EQ(sim_stat(p.b, TERN_STAT_TCP_DROP_OOO), 0);
	/* the window B advertised fell to zero at least once */
	SIM_ASSERT(sim_stat(p.b, TERN_STAT_TCP_ZERO_WINDOW_ADV) >= 1,
		   "B advertised a zero window but TCPToZeroWindowAdv is 0");
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * Receiver SWS avoidance: from a shut window, reading a few bytes does
 * not announce a tiny window; reading a worthwhile step (min(buffer/2,
 * MSS)) does, at once.
 */
static void
test_receiver_sws_avoidance(void)
{
	struct sim_recorder *rec;
	struct dpair p;
	uint64_t consumed = 0;
	unsigned int i0;

	create_holding_pair(&p, NULL);
	sim_conn_send_pattern(p.c, 256 * KIB);
	sim_run_for(p.sim, 2 * SIM_S);
	SIM_ASSERT(a_sees_zero_window(&p), "the window never shut");
	rec = sim_record(p.sim);
	i0 = rec->n;
	/* 100 bytes read: no window update, no data. */
	tern_tcp_recv_done(p.s->c, 100);
	consumed = 100;
	sim_run_for(p.sim, 3 * LATENCY);
	SIM_ASSERT_EQ(count_open_window(rec, i0, p.b), 0);
	SIM_ASSERT_EQ(count_data(rec, i0, p.a), 0);
	/* A full segment's worth read: the window opens, data flows. */
	tern_tcp_recv_done(p.s->c, p.s->info.mss);
	consumed += p.s->info.mss;
	sim_run_for(p.sim, 3 * LATENCY);
	SIM_ASSERT(count_open_window(rec, i0, p.b) >= 1,
		   "no window update after reading %" PRIu64 " bytes",
		   consumed);
	SIM_ASSERT(count_data(rec, i0, p.a) >= 1,
		   "no data after the window opened");
	sim_record_stop(p.sim);
	/* drain, then an orderly end */
	SIM_ASSERT_EQ(tern_tcp_set_recv_manual(p.s->c, false), 0);
	SIM_WAIT(p.sim, p.s->rx_bytes == p.c->tx_bytes, 60 * SIM_S);
	SIM_ASSERT_EQ(p.s->rx_bad_at, 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * Drops the first window update from B (a pure ACK opening a window
 * that was zero). The sender's next zero-window probe is answered with
 * the open window, and the transfer resumes.
 */
struct update_dropper {
	uint16_t last_win;
	bool seen_zero;
	unsigned int dropped;
};

static enum sim_verdict
drop_first_update(const struct sim_frame_ctx *fc, struct rte_mbuf *m,
		  void *arg)
{
	struct update_dropper *u = arg;
	uint16_t win = fc->h->win;

	(void)m;
	if (fc->h->flags & (SIM_SYN | SIM_FIN | SIM_RST))
		return SIM_PASS;
	if (win == 0)
		u->seen_zero = true;
	if (u->seen_zero && u->dropped == 0 && win > 0 &&
	    fc->h->payload_len == 0) {
		u->dropped++;
		return SIM_DROP;
	}
	u->last_win = win;
	return SIM_PASS;
}

static void
test_lost_window_update_probe_recovers(void)
{
	const uint64_t total = 512 * KIB;
	struct update_dropper u = { 0 };
	struct sim_tamper t = {
		.tcp_only = true, .fn = drop_first_update, .arg = &u,
	};
	struct dpair p;
	uint64_t consumed = 0, probes;

	create_holding_pair(&p, NULL);
	t.from = p.b;
	t.to = p.a;
	sim_tamper_add(p.sim, &t);
	sim_conn_send_pattern(p.c, (uint32_t)total);
	sim_run_for(p.sim, 2 * SIM_S);
	SIM_ASSERT(u.seen_zero, "the window never shut");
	probes = sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES);
	consume_all(p.s, &consumed);
	sim_run_for(p.sim, 3 * LATENCY);
	SIM_ASSERT_EQ(u.dropped, 1);
	/* the update is gone; the next probe (within the backoff) finds
	 * the open window */
	SIM_WAIT(p.sim, p.s->rx_bytes > consumed, 120 * SIM_S);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES) > probes,
		   "resumed without a probe?");
	SIM_ASSERT_EQ(tern_tcp_set_recv_manual(p.s->c, false), 0);
	while (p.c->tx_bytes < total)
		if (sim_conn_send_pattern(p.c,
				(uint32_t)(total - p.c->tx_bytes)) == 0)
			sim_run_for(p.sim, 10 * SIM_MS);
	SIM_WAIT(p.sim, p.s->rx_bytes == total, 60 * SIM_S);
	SIM_ASSERT_EQ(p.s->rx_bad_at, 0);
	SIM_ASSERT_EQ(sim_stat(p.a, TERN_STAT_TCP_RTO_EXPIRED), 0);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * persist_max_ms 5000: the window stays shut (probes answered), and A
 * gives up after 5 s, at the first probe timer past the limit (backoff
 * 0.2, 0.4, 0.8, 1.6, 3.2 s: by 12 s at the latest), with
 * closed(TIMEOUT) and TCPAbortOnTimeout counted.
 */
static void
test_persist_abort(void)
{
	struct tern_tcp_conf conf_a;
	struct dpair p;
	uint64_t shut_at;

	data_conf(&conf_a);
	conf_a.persist_max_ms = 5000;
	create_holding_pair(&p, &conf_a);
	sim_conn_send_pattern(p.c, 512 * KIB);
	SIM_WAIT(p.sim, a_sees_zero_window(&p), 5 * SIM_S);
	shut_at = sim_now(p.sim);
	SIM_WAIT(p.sim, p.c->closed == 1, 60 * SIM_S);
	SIM_ASSERT_EQ(p.c->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT(p.c->closed_at_ns - shut_at >= 5 * SIM_S - 2 * LATENCY &&
		   p.c->closed_at_ns - shut_at <= 12 * SIM_S,
		   "aborted %.3f s after the window shut",
		   (p.c->closed_at_ns - shut_at) / 1e9);
	SIM_ASSERT_EQ(sim_stat(p.a, TERN_STAT_TCP_TIMEOUTS), 1);
	SIM_ASSERT(sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES) >= 3,
		   "%" PRIu64 " probes before giving up",
		   sim_stat(p.a, TERN_STAT_TCP_WIN_PROBES));
	SIM_ASSERT_EQ(p.s->rx_bad_at, 0);
	/* B is left holding a dead connection: end it here */
	if (p.s->c != NULL)
		tern_tcp_abort(p.s->c);
	SIM_ASSERT_EQ(p.s->closed, 1);
	dpair_finish(&p);
}

/* ---- Nagle ---- */

#define NAGLE_WRITES 20
#define NAGLE_WRITE_LEN 10

/*
 * NAGLE_WRITES writes of NAGLE_WRITE_LEN bytes, 1 ms apart, on an RTT
 * of 2 x LATENCY = 10 ms (and B delays its ACKs). @return the data
 * segments A sent for them.
 */
static unsigned int
small_writes(struct dpair *p)
{
	struct sim_recorder *rec = sim_record(p->sim);
	unsigned int n;

	for (int i = 0; i < NAGLE_WRITES; i++) {
		SIM_ASSERT_EQ(sim_conn_send_pattern(p->c, NAGLE_WRITE_LEN),
			      NAGLE_WRITE_LEN);
		sim_run_for(p->sim, 1 * SIM_MS);
	}
	SIM_WAIT(p->sim, p->s->rx_bytes == p->c->tx_bytes, 5 * SIM_S);
	n = data_rec_count_payload(rec, p->a, p->b);
	sim_record_stop(p->sim);
	SIM_ASSERT_EQ(p->s->rx_bad_at, 0);
	return n;
}

static void
create_plain_pair(struct dpair *p, const struct tern_tcp_conf *conf_a)
{
	const struct sim_faults f = { .latency_ns = LATENCY };

	dpair_create(p, sim_test_seed(), conf_a, NULL, &f);
	dpair_connect(p, 5 * SIM_S);
}

/* Off by default: every write leaves at once, in its own segment. */
static void
test_nagle_off_by_default(void)
{
	struct dpair p;

	create_plain_pair(&p, NULL);
	SIM_ASSERT_EQ(small_writes(&p), NAGLE_WRITES);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/*
 * On: the first small write leaves (nothing is in flight), the next
 * ones wait for its ACK and leave together: 2 segments. Full-sized
 * segments are never held: 3 MSS + 10 bytes written at once send 3
 * full segments at once, the 10-byte tail after they are acknowledged.
 */
static void
nagle_on(struct dpair *p)
{
	struct sim_recorder *rec;
	uint32_t mss = p->c->info.mss;
	unsigned int last = 0;

	SIM_ASSERT_EQ(small_writes(p), 2);
	rec = sim_record(p->sim);
	SIM_ASSERT_EQ(sim_conn_send_pattern(p->c, 3 * mss + 10), 3 * mss + 10);
	sim_run_for(p->sim, LATENCY / 2);
	SIM_ASSERT_EQ(data_rec_count_payload(rec, p->a, p->b), 3);
	for (unsigned int i = 0; i < rec->n; i++)
		if (rec->e[i].from == p->a->idx &&
		    rec->e[i].h.payload_len > 0)
			SIM_ASSERT_EQ(rec->e[i].h.payload_len, mss);
	SIM_WAIT(p->sim, p->s->rx_bytes == p->c->tx_bytes, 5 * SIM_S);
	SIM_ASSERT_EQ(data_rec_count_payload(rec, p->a, p->b), 4);
	for (unsigned int i = 0; i < rec->n; i++)
		if (rec->e[i].from == p->a->idx &&
		    rec->e[i].h.payload_len > 0)
			last = i;
	SIM_ASSERT_EQ(rec->e[last].h.payload_len, 10);
	sim_record_stop(p->sim);
}

static void
test_nagle_on_per_connection(void)
{
	struct tern_tcp_conf conf;
	struct dpair p;

	/* Segment counts exact: no tail loss probe while B delays ACKs. */
	data_conf(&conf);
	conf.tlp = false;
	create_plain_pair(&p, &conf);
	SIM_ASSERT_EQ(tern_tcp_set_nagle(p.c->c, true), 0);
	nagle_on(&p);
	/* and off again */
	SIM_ASSERT_EQ(tern_tcp_set_nagle(p.c->c, false), 0);
	SIM_ASSERT_EQ(small_writes(&p), NAGLE_WRITES);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

static void
test_nagle_on_by_configuration(void)
{
	struct tern_tcp_conf conf;
	struct dpair p;

	data_conf(&conf);
	conf.nagle = true;
	conf.tlp = false;
	create_plain_pair(&p, &conf);
	nagle_on(&p);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

/* ---- keepalive ---- */

#define KA_IDLE_MS 2000
#define KA_INTVL_MS 1000
#define KA_CNT 3

/* Keepalive probes A sent since recorder entry @p i0: seq SND.NXT - 1. */
static unsigned int
count_ka_probes(const struct sim_recorder *rec, unsigned int i0,
		const struct dpair *p, uint32_t snd_nxt)
{
	unsigned int n = 0;

	for (unsigned int i = i0; i < rec->n; i++) {
		const struct sim_rec_entry *e = &rec->e[i];

		if (e->from != p->a->idx || e->h.kind != SIM_PKT_TCP)
			continue;
		SIM_ASSERT(e->h.seq == snd_nxt - 1 && e->h.payload_len <= 1,
			   "an idle A sent seq %u len %u (SND.NXT %u)",
			   e->h.seq, e->h.payload_len, snd_nxt);
		n++;
	}
	return n;
}

/*
 * Probes every KA_IDLE_MS of silence while B answers: the connection
 * stays; then B's answers are lost: KA_CNT probes KA_INTVL_MS apart,
 * then closed(TIMEOUT), KA_IDLE + KA_CNT x KA_INTVL after the last
 * input at the latest.
 */
static void
keepalive(struct dpair *p)
{
	struct sim_recorder *rec = sim_record(p->sim);
	struct tern_tcp_info info;
	uint64_t t0, cut;
	unsigned int i0, answered;

	/* some data first: the probes carry the right sequence numbers */
	dpair_transfer(p, 10 * KIB, 10 * KIB, 10 * SIM_S);
	tern_tcp_get_info(p->c->c, &info);
	t0 = sim_now(p->sim);
	i0 = rec->n;
	sim_run_for(p->sim, 7 * SIM_S);
	answered = count_ka_probes(rec, i0, p, info.snd_nxt);
	/* idle 2 s -> probe, answered -> idle 2 s -> probe ...: 3 in 7 s */
	SIM_ASSERT(answered == 3, "%u probes in 7 s idle (idle %u ms)",
		   answered, KA_IDLE_MS);
	SIM_ASSERT_EQ(sim_stat(p->a, TERN_STAT_TCP_KEEPALIVES), answered);
	SIM_ASSERT_STATE(sim_conn_state(p->c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT(sim_now(p->sim) - t0 >= 7 * SIM_S, "clock");

	/* B's answers are lost from now on */
	sim_drop_all(p->sim, p->b, p->a, 0);
	cut = sim_now(p->sim);
	i0 = rec->n;
	SIM_WAIT(p->sim, p->c->closed == 1, 30 * SIM_S);
	SIM_ASSERT_EQ(p->c->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT_EQ(count_ka_probes(rec, i0, p, info.snd_nxt), KA_CNT);
	SIM_ASSERT(p->c->closed_at_ns - cut >= (uint64_t)KA_CNT * KA_INTVL_MS *
		   SIM_MS && p->c->closed_at_ns - cut <=
		   (uint64_t)(KA_IDLE_MS + KA_CNT * KA_INTVL_MS) * SIM_MS,
		   "aborted %.3f s after the answers stopped",
		   (p->c->closed_at_ns - cut) / 1e9);
	SIM_ASSERT_EQ(sim_stat(p->a, TERN_STAT_TCP_TIMEOUTS), 1);
	sim_record_stop(p->sim);
	sim_tamper_clear(p->sim);
	if (p->s->c != NULL)
		tern_tcp_abort(p->s->c);
	SIM_ASSERT_EQ(p->s->closed, 1);
}

static void
test_keepalive_per_connection(void)
{
	struct dpair p;

	create_plain_pair(&p, NULL);
	SIM_ASSERT_EQ(tern_tcp_set_keepalive(p.c->c, KA_IDLE_MS, 0, KA_CNT),
		      -EINVAL);
	SIM_ASSERT_EQ(tern_tcp_set_keepalive(p.c->c, KA_IDLE_MS, KA_INTVL_MS,
					     0), -EINVAL);
	SIM_ASSERT_EQ(tern_tcp_set_keepalive(p.c->c, KA_IDLE_MS, KA_INTVL_MS,
					     KA_CNT), 0);
	keepalive(&p);
	dpair_finish(&p);
}

static void
test_keepalive_by_configuration(void)
{
	struct tern_tcp_conf conf;
	struct dpair p;

	data_conf(&conf);
	conf.keepalive_idle_ms = KA_IDLE_MS;
	conf.keepalive_intvl_ms = KA_INTVL_MS;
	conf.keepalive_cnt = KA_CNT;
	create_plain_pair(&p, &conf);
	keepalive(&p);
	dpair_finish(&p);
}

/* Turned off again, an idle connection sends nothing for an hour. */
static void
test_keepalive_off_again(void)
{
	struct sim_recorder *rec;
	struct dpair p;

	create_plain_pair(&p, NULL);
	SIM_ASSERT_EQ(tern_tcp_set_keepalive(p.c->c, KA_IDLE_MS, KA_INTVL_MS,
					     KA_CNT), 0);
	SIM_ASSERT_EQ(tern_tcp_set_keepalive(p.c->c, 0, 0, 0), 0);
	rec = sim_record(p.sim);
	sim_run_for(p.sim, 3600 * SIM_S);
	SIM_ASSERT_EQ(rec->n, 0);
	SIM_ASSERT_EQ(sim_stat(p.a, TERN_STAT_TCP_KEEPALIVES), 0);
	sim_record_stop(p.sim);
	dpair_close(&p, 10 * SIM_S);
	dpair_finish(&p);
}

int
main(int argc, char **argv)
{
	static const struct sim_test tests[] = {
		SIM_TEST(test_zero_window_persist_then_reopen),
		SIM_TEST(test_receiver_sws_avoidance),
		SIM_TEST(test_lost_window_update_probe_recovers),
		SIM_TEST(test_persist_abort),
		SIM_TEST(test_nagle_off_by_default),
		SIM_TEST(test_nagle_on_per_connection),
		SIM_TEST(test_nagle_on_by_configuration),
		SIM_TEST(test_keepalive_per_connection),
		SIM_TEST(test_keepalive_by_configuration),
		SIM_TEST(test_keepalive_off_again),
	};

	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
