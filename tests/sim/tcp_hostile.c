/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile input and exhaustion (issue 15): floods from forged sources
 * while legitimate traffic goes on, pile-ups of idle connections, and
 * the pool and the connection table of a stack driven to their limit
 * (out-of-order and SACK floods: tests/sim/data/test_data_hostile.c and
 * tcp_catalogue_sack.c). Each test
 * asserts what held (states, bytes delivered, counters) and that the
 * pools are back at baseline after; docs/reliability.md lists them with
 * the figures they print.
 *
 * The flooder is a script node "F" that forges frames; its own inbox
 * (what the victim answered) is read to measure amplification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

/* --- helpers --- */

/* A source address of either family; the sim's family picks one. */
struct forged_src {
	rte_be32_t ip;
	struct tern_ip6 ip6;
};

/* Forge a TCP segment on the wire from node @p from (any addresses). */
static void
forge_tcp(struct sim_node *from, const struct sim_node *to,
	  struct forged_src src, uint16_t sport, uint16_t dport,
	  uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct sim_tcp_spec s;
	struct rte_mbuf *m;

	memset(&s, 0, sizeof(s));
	sim_tcp_spec_route(&s, from, to);
	s.ip_src = src.ip;
	s.ip6_src = src.ip6;
	s.sport = sport;
	s.dport = dport;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	if (flags & SIM_SYN) {
		s.opts.mss_ok = true;
		s.opts.mss = 1460;
	}
	m = sim_build_tcp(from->pool, &s);
	SIM_ASSERT(m != NULL, "the flooder's pool is empty");
	sim_wire_send(from, m);
}

/* Free what reached script node @p n; @return how many TCP segments. */
static unsigned int
inbox_drain(struct sim_node *n)
{
	struct rte_mbuf *m;
	struct sim_hdr h;
	unsigned int tcp = 0;

	while ((m = sim_inbox_pop(n)) != NULL) {
		sim_hdr_parse(m, &h);
		tcp += h.kind == SIM_PKT_TCP;
		rte_pktmbuf_free(m);
	}
	return tcp;
}

/* A forged source off-link: 198.19.x.y (RFC 2544), never 0 or .255. */
static struct forged_src
random_source(struct sim_rng *r)
{
	uint32_t host = 1 + (uint32_t)sim_rng_below(r, 0xfffe);
	/* 2001:2:0:1::host, off the stacks' 2001:2::/64 */
	struct forged_src src = {
		.ip = rte_cpu_to_be_32((uint32_t)198 << 24 |
				       (uint32_t)19 << 16 | host),
		.ip6 = { .b = { 0x20, 0x01, 0x00, 0x02, 0, 0, 0, 1,
				[14] = (uint8_t)(host >> 8),
				[15] = (uint8_t)host } },
	};

	return src;
}

/* --- SYN flood with legitimate connections alongside --- */

#define SYNF_BACKLOG 64
#define SYNF_PER_MS 10          /* 10,000 forged SYNs per second */
#define SYNF_MS 2000
#define SYNF_LEGIT_EVERY_MS 4   /* 250 legitimate connections/s */

/*
 * 20,000 SYNs from random forged sources (off-link, so B answers
 * through its gateway, the flooder) while A opens 500 connections to
 * the same listener. The backlog fills with the flood's half-open
 * entries within the first milliseconds; from then on SYN cookies
 * answer everything, the legitimate handshakes complete through them,
 * B's memory stays flat, and the counters show it.
 */
static void
test_flood_syn_random_sources_with_legit(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn **legit;
	struct sim_node *f;
	struct sim_rng rng;
	struct duo d;
	unsigned int nlegit = 0, done = 0, idle, peak = 0, answers = 0;
	uint64_t cookies;

	sim_tcp_conf_defaults(&conf);
	conf.max_conns = 2048;
	conf.backlog = SYNF_BACKLOG;
	conf.msl_ms = 1000;
	duo_create(&d, &conf);
	f = sim_add_script(d.sim, "F");
	d.b->ctx->ifc.gateway = f->ip;
	d.b->ctx->ifc.gw6 = f->ip6;
	sim_rng_seed(&rng, sim_seed(d.sim) ^ 0x5f1d);
	legit = sim_alloc(d.sim, sizeof(*legit) *
			  (SYNF_MS / SYNF_LEGIT_EVERY_MS), NULL);
	sim_settle(d.sim);
	idle = rte_mempool_in_use_count(d.b->pool);

	for (unsigned int ms = 0; ms < SYNF_MS; ms++) {
		for (unsigned int i = 0; i < SYNF_PER_MS; i++)
			forge_tcp(f, d.b, random_source(&rng),
				  (uint16_t)(1024 + sim_rng_below(&rng, 60000)),
				  DUO_PORT, SIM_SYN,
				  (uint32_t)sim_rng_next(&rng), 0);
		if (ms % SYNF_LEGIT_EVERY_MS == 0)
			legit[nlegit++] = sim_connect_to(d.a, d.b, DUO_PORT);
		sim_run_for(d.sim, SIM_MS);
		answers += inbox_drain(f);
		peak = RTE_MAX(peak, rte_mempool_in_use_count(d.b->pool));
		SIM_ASSERT(sim_state_count(d.b, TERN_TCP_SYN_RCVD) <=
			   SYNF_BACKLOG + SYNF_LEGIT_EVERY_MS,
			   "%u half-open", sim_state_count(d.b,
							  TERN_TCP_SYN_RCVD));
	}
	sim_run_for(d.sim, 100 * SIM_MS);
	answers += inbox_drain(f);
	for (unsigned int i = 0; i < nlegit; i++)
		done += legit[i]->connected == 1 &&
			sim_conn_state(legit[i]) == TERN_TCP_ESTABLISHED;
	cookies = sim_stat(d.b, TERN_STAT_TCP_SYNCOOKIES_SENT);
	fprintf(stderr, "SYN flood: %u forged SYNs, %u SYN+ACKs to them, "
		"%u/%u legitimate handshakes completed, SyncookiesSent %"
		PRIu64 ", SyncookiesRecv %" PRIu64 ", ListenOverflows %"
		PRIu64 ", B mbufs in use: idle %u, peak %u\n",
		SYNF_PER_MS * SYNF_MS, answers, done, nlegit, cookies,
		sim_stat(d.b, TERN_STAT_TCP_SYNCOOKIES_RECV),
		sim_stat(d.b, TERN_STAT_TCP_LISTEN_OVERFLOWS), idle, peak);
	/* >= 99 % of the legitimate handshakes (all, here) */
	SIM_ASSERT(done * 100 >= nlegit * 99, "%u of %u completed", done,
		   nlegit);
	SIM_ASSERT(cookies >= SYNF_PER_MS * SYNF_MS - SYNF_BACKLOG,
		   "SyncookiesSent %" PRIu64, cookies);
	SIM_ASSERT(sim_stat(d.b, TERN_STAT_TCP_SYNCOOKIES_RECV) > 0,
		   "no legitimate handshake went through a cookie");
	/* one answer per forged SYN at most, plus the half-open entries'
	 * bounded retransmissions: no amplification */
	SIM_ASSERT(answers <= SYNF_PER_MS * SYNF_MS +
			      SYNF_BACKLOG * conf.synack_retries,
		   "%u answers", answers);
	/* memory flat: no mbuf per half-open entry or cookie; the
	 * legitimate connections hold none while idle */
	SIM_ASSERT(peak <= idle + 64, "%u mbufs in use, %u idle", peak, idle);

	for (unsigned int i = 0; i < nlegit; i++)
		if (legit[i]->c != NULL)
			tern_tcp_abort(legit[i]->c);
	SIM_ASSERT_EQ(tern_tcp_unlisten(d.l->l), 0);
	sim_run_for(d.sim, 200 * SIM_S);
	inbox_drain(f);
	fx_run_out(d.sim);
	inbox_drain(f);
	sim_destroy(d.sim);
}

/* --- ACK and RST floods at random sequence numbers --- */

#define ARF_CONNS 16
#define ARF_BYTES (64 * 1024)
#define ARF_PER_MS 20           /* 20,000 forged segments per second */
#define ARF_MS 2000
#define ARF_GLOBAL 50           /* challenge ACKs per second, lcore-wide */

struct arf_conns {
	struct sim_conn *c[ARF_CONNS], *s[ARF_CONNS];
};

static bool
arf_all_received(const struct arf_conns *a)
{
	for (unsigned int i = 0; i < ARF_CONNS; i++)
		if (a->s[i]->rx_bytes != ARF_BYTES)
			return false;
	return true;
}

static bool
arf_all_closed(const struct arf_conns *a)
{
	for (unsigned int i = 0; i < ARF_CONNS; i++)
		if (a->c[i]->closed != 1 || a->s[i]->closed != 1)
			return false;
	return true;
}

static void
arf_keep_sending(struct sim *sim, void *arg)
{
	struct arf_conns *a = arg;

	RTE_SET_USED(sim);
	for (unsigned int i = 0; i < ARF_CONNS; i++)
		if (a->c[i]->c != NULL && a->c[i]->tx_bytes < ARF_BYTES)
			sim_conn_send_pattern(a->c[i], (uint32_t)(ARF_BYTES -
							a->c[i]->tx_bytes));
}

/*
 * 16 connections A -> B each carry 64 KiB while F forges 40,000 ACKs and
 * RSTs with the connections' own addresses and ports and random
 * sequence and acknowledgement numbers. RFC 5961: nothing is accepted
 * (no connection reset, every byte delivered intact, none acknowledged
 * that was not sent), the challenge ACKs stay within the lcore-wide
 * budget (about 50 a second here, at most 3/2 of it) as well as the
 * per-connection one, and B sends no more segments than it is sent.
 */
static void
test_flood_ack_rst_random_seq(void)
{
	struct tern_tcp_conf conf;
	struct arf_conns *a;
	struct sim_node *f;
	struct sim_rng rng;
	struct duo d;
	uint64_t b_out0, b_out, forged = 0, chal, t0, seconds;

	sim_tcp_conf_defaults(&conf);
	conf.challenge_ack_global_per_sec = ARF_GLOBAL;
	conf.msl_ms = 1000;
	duo_create(&d, &conf);
	f = sim_add_script(d.sim, "F");
	sim_rng_seed(&rng, sim_seed(d.sim) ^ 0xac4);
	a = sim_alloc(d.sim, sizeof(*a), NULL);
	d.l->close_on_peer_closed = true;
	for (unsigned int i = 0; i < ARF_CONNS; i++)
		a->c[i] = duo_connect(&d, &a->s[i]);
	sim_set_step_hook(d.sim, arf_keep_sending, a);
	b_out0 = d.b->tcp_frames_out;
	t0 = sim_now(d.sim);

	for (unsigned int ms = 0; ms < ARF_MS; ms++) {
		for (unsigned int i = 0; i < ARF_PER_MS; i++) {
			unsigned int k = (unsigned int)sim_rng_below(&rng,
								   ARF_CONNS);
			uint8_t flags = sim_rng_below(&rng, 2) ? SIM_RST :
								  SIM_ACK;

			uint32_t seq = (uint32_t)sim_rng_next(&rng);
			struct tern_tcp_info bi;

			/* half of them blind guesses inside the window (an
			 * attacker who knows roughly where it is), never
			 * exactly RCV.NXT */
			if (sim_rng_below(&rng, 2)) {
				tern_tcp_get_info(a->s[k]->c, &bi);
				seq = bi.rcv_nxt + 1 + (uint32_t)sim_rng_below(
					&rng, RTE_MAX(bi.rcv_wnd, 2u) - 1);
			}
			forge_tcp(f, d.b, (struct forged_src){ d.a->ip,
							       d.a->ip6 },
				  a->c[k]->info.lport,
				  DUO_PORT, flags, seq,
				  (uint32_t)sim_rng_next(&rng));
			forged++;
		}
		sim_run_for(d.sim, SIM_MS);
		SIM_ASSERT_EQ(inbox_drain(f), 0);
	}
	b_out = d.b->tcp_frames_out - b_out0;
	chal = sim_stat(d.b, TERN_STAT_TCP_CHALLENGE_ACKS);
	seconds = (sim_now(d.sim) - t0) / SIM_S + 1;
	fprintf(stderr, "ACK/RST flood: %" PRIu64 " forged, B sent %" PRIu64
		" segments (data and ACKs included), ChallengeACKs %" PRIu64
		", ChallengeACKLimited %" PRIu64 ", ChallengeACKGlobalLimited %"
		PRIu64 "\n", forged, b_out, chal,
		sim_stat(d.b, TERN_STAT_TCP_CHALLENGE_LIMITED),
		sim_stat(d.b, TERN_STAT_TCP_CHALLENGE_GLOBAL_LIMITED));
	for (unsigned int i = 0; i < ARF_CONNS; i++) {
		SIM_ASSERT_STATE(sim_conn_state(a->c[i]), TERN_TCP_ESTABLISHED);
		SIM_ASSERT_STATE(sim_conn_state(a->s[i]), TERN_TCP_ESTABLISHED);
	}
	/* bounded globally: each second's budget is below 3/2 of it */
	SIM_ASSERT(chal <= seconds * ARF_GLOBAL * 3 / 2,
		   "%" PRIu64 " challenge ACKs in %" PRIu64 " s", chal,
		   seconds);
	SIM_ASSERT(sim_stat(d.b, TERN_STAT_TCP_CHALLENGE_GLOBAL_LIMITED) > 0,
		   "the lcore-wide limit never applied");
	SIM_ASSERT(b_out <= forged, "B sent %" PRIu64 " for %" PRIu64
		   " forged", b_out, forged);

	/* every byte arrives intact, then an orderly close */
	SIM_WAIT(d.sim, arf_all_received(a), 120 * SIM_S);
	sim_set_step_hook(d.sim, NULL, NULL);
	for (unsigned int i = 0; i < ARF_CONNS; i++) {
		SIM_ASSERT_EQ(a->s[i]->rx_bad_at, 0);
		SIM_ASSERT_EQ(a->c[i]->closed + a->s[i]->closed, 0);
		SIM_ASSERT_EQ(tern_tcp_close(a->c[i]->c), 0);
	}
	SIM_WAIT(d.sim, arf_all_closed(a), 60 * SIM_S);
	for (unsigned int i = 0; i < ARF_CONNS; i++) {
		SIM_ASSERT_EQ(a->c[i]->why, TERN_TCP_CLOSE_NORMAL);
		SIM_ASSERT_EQ(a->s[i]->why, TERN_TCP_CLOSE_NORMAL);
	}
	inbox_drain(f);
	duo_finish(&d);
}

/*
 * The lcore-wide challenge-ACK budget on its own: 40 connections each
 * sent 10 in-window SYNs at one instant would draw 400 challenge ACKs
 * under the per-connection limit alone; the global one (20 a second:
 * a budget in [10, 30)) lets fewer than 30 go, counts the rest, and a
 * second later gives a fresh budget.
 */
static void
test_challenge_ack_global_limit(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	uint32_t rcv_nxt[40];
	uint64_t chal;
	unsigned int n = 40;

	sim_tcp_conf_defaults(&conf);
	conf.challenge_ack_global_per_sec = 20;
	p = fx_peer(&conf, &l);
	for (unsigned int i = 0; i < n; i++) {
		p->port = (uint16_t)(42000 + i);
		peer_open_passive(p, l);
		rcv_nxt[i] = p->snd_nxt;
	}
	fx_drain(p);
	for (int round = 0; round < 2; round++) {
		uint64_t before = sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_ACKS);

		for (unsigned int i = 0; i < n; i++)
			for (unsigned int k = 0; k < 10; k++)
				fx_wire_segment(p, (uint16_t)(42000 + i),
						SIM_SYN, rcv_nxt[i] + 5 + k, 0);
		sim_settle(p->sim);
		chal = sim_stat(p->t, TERN_STAT_TCP_CHALLENGE_ACKS) - before;
		SIM_ASSERT(chal >= 10 && chal < 30, "%" PRIu64 " challenge "
			   "ACKs for 400 SYNs", chal);
		SIM_ASSERT_EQ(fx_drain(p), chal);
		SIM_ASSERT(sim_stat(p->t,
				    TERN_STAT_TCP_CHALLENGE_GLOBAL_LIMITED) >=
			   (uint64_t)(round + 1) * (n * 10 - 30),
			   "suppressed ones not counted");
		SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_ESTABLISHED), n);
		sim_run_for(p->sim, SIM_S);
	}
	peer_destroy(p);
}

/* --- idle half-open and FIN_WAIT_2 pile-ups --- */

#define PILE 200

/*
 * 200 half-open connections (SYNs never completed) and 200 orphaned
 * FIN_WAIT_2 connections (the app closed, the peer acknowledged the
 * FIN and went silent) are all reaped by their timers -- SYN+ACK
 * retries and fin_wait2_ms -- counted, and the pool is back at its
 * idle count.
 */
static void
test_pileup_half_open_and_fin_wait2_reaped(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	unsigned int idle;

	sim_tcp_conf_defaults(&conf);
	conf.max_conns = 1024;
	conf.backlog = 1024;
	conf.fin_wait2_ms = 30000;
	p = fx_peer(&conf, &l);
	idle = rte_mempool_in_use_count(p->t->pool);
	for (unsigned int i = 0; i < PILE; i++) {
		p->port = (uint16_t)(20000 + i);
		fx_to_state(p, l, TERN_TCP_FIN_WAIT_2, FX_CLOSE);
	}
	for (unsigned int i = 0; i < PILE; i++)
		fx_wire_segment(p, (uint16_t)(30000 + i), SIM_SYN, 77 * i, 0);
	sim_settle(p->sim);
	fx_drain(p);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_FIN_WAIT_2), PILE);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), PILE);
	for (int s = 0; s < 200 && sim_conn_count(p->t) > 0; s++) {
		sim_run_for(p->sim, SIM_S);
		fx_drain(p);
	}
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_FIN_WAIT2_REAPED), PILE);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS),
		      PILE * conf.synack_retries);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);
	peer_destroy(p);
}

/* --- exhaustion: the mbuf pool --- */

#define PX_CONNS 32
#define PX_FREE 256

/*
 * 32 connections A -> B fill their send buffers while B stalls (none
 * of its segments reach A) and A's pool is down to 256 free mbufs: the
 * send buffers drain the pool, send() reports -ENOBUFS, retransmissions
 * count MbufAllocFail. B comes back while A's pool is still empty: its
 * frames are lost at A's "NIC" (rx_nombuf). Then the pool comes back:
 * every connection delivers every byte it accepted, closes normally,
 * and both pools return to baseline.
 */
static bool
px_all_received(struct sim_conn *const *c, struct sim_conn *const *s)
{
	for (unsigned int i = 0; i < PX_CONNS; i++)
		if (s[i]->rx_bytes != c[i]->tx_bytes ||
		    c[i]->rx_bytes != s[i]->tx_bytes)
			return false;
	return true;
}

static bool
px_all_closed(struct sim_conn *const *c, struct sim_conn *const *s)
{
	for (unsigned int i = 0; i < PX_CONNS; i++)
		if (c[i]->closed != 1 || s[i]->closed != 1)
			return false;
	return true;
}

static void
test_exhaust_pool_stalled_peer(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c[PX_CONNS], *s[PX_CONNS];
	unsigned int enobufs = 0;
	uint64_t rx_nombuf0;
	struct duo d;
	int stall;

	sim_tcp_conf_defaults(&conf);
	conf.msl_ms = 1000;
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = true;
	for (unsigned int i = 0; i < PX_CONNS; i++)
		c[i] = duo_connect(&d, &s[i]);
	stall = sim_drop_all(d.sim, d.b, d.a, 0);
	sim_pool_hold(d.a, PX_FREE);
	for (unsigned int i = 0; i < PX_CONNS; i++)
		SIM_ASSERT_EQ(sim_conn_send_pattern(s[i], 4096), 4096);
	for (int round = 0; round < 4; round++) {
		for (unsigned int i = 0; i < PX_CONNS; i++) {
			int32_t rc = sim_conn_send_pattern(c[i], 64 * 1024);

			SIM_ASSERT(rc >= 0 || rc == -ENOBUFS, "send: %d", rc);
			enobufs += rc == -ENOBUFS;
		}
		sim_run_for(d.sim, SIM_S);
	}
	SIM_ASSERT_EQ(sim_pool_free_count(d.a), 0);
	SIM_ASSERT(enobufs > 0, "send() never said -ENOBUFS");
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_MBUF_ALLOC_FAIL) > 0,
		   "no allocation failure counted");
	/* B is heard again while A's pool is still empty */
	sim_tamper_del(d.sim, stall);
	rx_nombuf0 = sim_wire_stats(d.sim)->rx_nombuf;
	sim_run_for(d.sim, 5 * SIM_S);
	SIM_ASSERT(sim_wire_stats(d.sim)->rx_nombuf > rx_nombuf0,
		   "no frame lost to the empty pool");
	fprintf(stderr, "pool drained: %u sends refused with -ENOBUFS, A "
		"MbufAllocFail %" PRIu64 ", frames lost at A for want of an "
		"RX mbuf %" PRIu64 "\n", enobufs,
		sim_stat(d.a, TERN_STAT_MBUF_ALLOC_FAIL),
		sim_wire_stats(d.sim)->rx_nombuf);
	for (unsigned int i = 0; i < PX_CONNS; i++)
		SIM_ASSERT_STATE(sim_conn_state(c[i]), TERN_TCP_ESTABLISHED);

	/* the pressure ends: every connection recovers, the ones whose
	 * sends were all refused included */
	sim_pool_release(d.a);
	sim_run_for(d.sim, SIM_S);
	for (unsigned int i = 0; i < PX_CONNS; i++)
		SIM_ASSERT(sim_conn_send_pattern(c[i], 16 * 1024) > 0,
			   "connection %u cannot send after the pressure", i);
	SIM_WAIT(d.sim, px_all_received(c, s), 600 * SIM_S);
	for (unsigned int i = 0; i < PX_CONNS; i++) {
		SIM_ASSERT_EQ(s[i]->rx_bad_at, 0);
		SIM_ASSERT_EQ(c[i]->rx_bad_at, 0);
		SIM_ASSERT_EQ(tern_tcp_close(c[i]->c), 0);
	}
	SIM_WAIT(d.sim, px_all_closed(c, s), 60 * SIM_S);
	for (unsigned int i = 0; i < PX_CONNS; i++)
		SIM_ASSERT_EQ(c[i]->why, TERN_TCP_CLOSE_NORMAL);
	duo_finish(&d);
}

/* --- exhaustion: the connection table --- */

/*
 * max_conns 4, all in use: a new SYN is answered with a SYN cookie
 * (SYN+ACK with MSS only), counted, not dropped in silence. Its ACK
 * while the table is still full is refused with RST; once a record is
 * free the same cookie makes the connection.
 */
static void
test_exhaust_conn_table_cookies(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *first = NULL;
	struct sim_pkt seg;
	struct peer *p;
	uint32_t cookie;

	sim_tcp_conf_defaults(&conf);
	conf.max_conns = 4;
	p = fx_peer(&conf, &l);
	for (uint16_t i = 0; i < 4; i++) {
		struct sim_conn *r;

		p->port = (uint16_t)(41000 + i);
		r = peer_open_passive(p, l);
		if (first == NULL)
			first = r;
	}
	fx_drain(p);
	p->port = 41004;
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_CHECK(seg.h.opts.mss_ok && !seg.h.opts.ts_ok &&
		  !seg.h.opts.sack_perm && !seg.h.opts.ws_ok);
	cookie = seg.h.seq;
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_TABLE_FULL), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_SENT), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 4);

	/* still full: the cookie checks but no record can be had */
	peer_send_flags(p, SIM_ACK, p->iss + 1, cookie + 1, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_RST, cookie + 1, SEQ_ANY);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_TABLE_FULL), 2);
	SIM_ASSERT_EQ(l->naccepted, 4);

	/* a record is freed: the same cookie now makes the connection */
	tern_tcp_abort(first->c);
	fx_drain(p);
	peer_send_flags(p, SIM_ACK, p->iss + 1, cookie + 1, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(l->naccepted, 5);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_RECV), 1);
	SIM_ASSERT_STATE(sim_conn_state(l->last), TERN_TCP_ESTABLISHED);
	p->irs = cookie;
	p->rcv_nxt = cookie + 1;
	peer_send_data(p, "after", 5);
	SIM_ASSERT_EQ(l->last->rx_bytes, 5);
	fx_drain(p);
	peer_destroy(p);
}

/* --- exhaustion: the TIME_WAIT table --- */

#define TWX_MAX 4
#define TWX_CONNS 10

/* P's numbers for one port whose connection T left in TIME_WAIT. */
struct twx_port {
	uint16_t port;
	uint32_t fin_seq, rcv_nxt;
};

/* Open from P's port @p port, T closes first, P acks and sends FIN:
 * T's record goes to TIME_WAIT (or takes the oldest's place). */
static void
twx_close_into_time_wait(struct peer *p, struct sim_listener *l,
			 struct twx_port *tp)
{
	struct sim_conn *r;
	struct sim_pkt seg;

	p->port = tp->port;
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	/* peer_recv() moved P's rcv_nxt past the FIN */
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, p->rcv_nxt - 1, p->snd_nxt);
	peer_send_ack(p);
	tp->fin_seq = p->snd_nxt;
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	tp->rcv_nxt = p->rcv_nxt;
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
}

/*
 * max_tw 4 and 10 connections closed by T: each new TIME_WAIT record
 * past the cap takes the oldest's place (TWRecycled 6, 4 records). A
 * retransmitted FIN from the newest port is answered from its record
 * (an ACK); from the oldest, whose record was recycled, it finds no
 * connection (RST). New connections keep opening; once 2 MSL pass the
 * table is empty and the pool at its idle count.
 */
static void
test_exhaust_time_wait_table_recycles_oldest(void)
{
	struct twx_port tp[TWX_CONNS];
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_pkt seg;
	struct peer *p;
	unsigned int idle;

	sim_tcp_conf_defaults(&conf);
	conf.max_tw = TWX_MAX;
	conf.msl_ms = 1000;
	p = fx_peer(&conf, &l);
	idle = rte_mempool_in_use_count(p->t->pool);
	for (unsigned int i = 0; i < TWX_CONNS; i++) {
		tp[i].port = (uint16_t)(44000 + i);
		twx_close_into_time_wait(p, l, &tp[i]);
		SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT),
			      RTE_MIN(i + 1, (unsigned int)TWX_MAX));
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TW_RECYCLED),
		      TWX_CONNS - TWX_MAX);

	fx_wire_segment(p, tp[TWX_CONNS - 1].port, SIM_FIN | SIM_ACK,
			tp[TWX_CONNS - 1].fin_seq, tp[TWX_CONNS - 1].rcv_nxt);
	sim_settle(p->sim);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, tp[TWX_CONNS - 1].rcv_nxt,
			tp[TWX_CONNS - 1].fin_seq + 1);
	fx_wire_segment(p, tp[0].port, SIM_FIN | SIM_ACK, tp[0].fin_seq,
			tp[0].rcv_nxt);
	sim_settle(p->sim);
	PEER_EXPECT(p, 0, &seg);
	SIM_CHECK(seg.h.flags & SIM_RST);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), TWX_MAX);

	for (int s = 0; s < 10 && sim_conn_count(p->t) > 0; s++)
		sim_run_for(p->sim, SIM_S);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);
	fx_drain(p);
	peer_destroy(p);
}

const struct sim_test tcp_tests_hostile[] = {
	SIM_TEST(test_flood_syn_random_sources_with_legit),
	SIM_TEST(test_flood_ack_rst_random_seq),
	SIM_TEST(test_challenge_ack_global_limit),
	SIM_TEST(test_pileup_half_open_and_fin_wait2_reaped),
	SIM_TEST(test_exhaust_pool_stalled_peer),
	SIM_TEST(test_exhaust_conn_table_cookies),
	SIM_TEST(test_exhaust_time_wait_table_recycles_oldest),
};
const unsigned int tcp_tests_hostile_n = RTE_DIM(tcp_tests_hostile);
