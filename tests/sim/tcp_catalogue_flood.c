/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP-SCENARIOS.md line 52: a SYN flood far beyond the listen backlog.
 *
 * The backlog bounds the half-open connections. Beyond it, with SYN
 * cookies (the default, RFC 4987) every SYN gets one SYN+ACK whose ISS
 * is the cookie and nothing is kept; without them the SYN is dropped.
 * Either way: memory stays flat whatever the flood's size, the flood
 * costs no more segments than one SYN+ACK per SYN plus the backlog's
 * bounded retransmissions, ListenOverflows counts, forged ACKs create
 * nothing, an established connection carries on, and once the half-open
 * entries time out new handshakes complete with all their options.
 * With cookies a legitimate client also gets through during the flood;
 * a cookie is bound to its 4-tuple and expires.
 */
#include <string.h>

#include "tcp_fixture.h"

#define BACKLOG 64
#define FLOOD 5000
#define FLOOD_PORT0 10000
#define BURST 32
/* after this many SYNs (a whole number of bursts) a legitimate client */
#define LEGIT_AT (FLOOD / 2 / BURST * BURST)
#define LEGIT_PORT 45000
#define LATE_PORT 46000

/* What T sent during the flood, sorted by destination port. */
struct flood_tally {
	unsigned int synacks;        /* to flood ports */
	unsigned int rsts;           /* to flood ports */
	unsigned int to_est;         /* to the established connection */
	unsigned int to_legit;       /* to the legitimate late-comer */
	unsigned int other;
	uint32_t *iss;               /* per flood port: last SYN+ACK's seq */
};

/* The ISN of the flood's SYN from port FLOOD_PORT0 + @p i. */
static uint32_t
flood_isn(unsigned int i)
{
	return 0x10000000u + i * 7919u;
}

/*
 * Sort what T sent since the last call. Frames are popped raw: P's
 * sequence tracking (peer_recv) follows the established connection, so
 * only its segments move it.
 */
static void
tally(struct peer *p, struct flood_tally *t, struct sim_pkt *seg,
      uint16_t est_port)
{
	const struct sim_hdr *h = &seg->h;
	struct rte_mbuf *m;

	while ((m = sim_inbox_pop(p->p)) != NULL) {
		sim_pkt_parse(m, seg, false);
		rte_pktmbuf_free(m);
		if (h->kind != SIM_PKT_TCP) {
			t->other++;
		} else if (h->dport == est_port) {
			t->to_est++;
			if (h->seq == p->rcv_nxt)
				p->rcv_nxt += h->payload_len;
		} else if (h->dport == LEGIT_PORT) {
			t->to_legit++;
		} else if (h->dport < FLOOD_PORT0 ||
			   h->dport >= FLOOD_PORT0 + FLOOD) {
			t->other++;
		} else if (h->flags == (SIM_SYN | SIM_ACK)) {
			t->synacks++;
			t->iss[h->dport - FLOOD_PORT0] = h->seq;
		} else if (h->flags & SIM_RST) {
			t->rsts++;
		} else {
			t->other++;
		}
	}
}

/* P's state for another of its ports, then back. */
struct peer_port {
	uint16_t port;
	uint32_t snd_nxt, rcv_nxt, irs;
	struct sim_tcp_opts syn_opts;
	bool ts;
};

static void
peer_port_swap(struct peer *p, struct peer_port *pp)
{
	struct peer_port cur = {
		p->port, p->snd_nxt, p->rcv_nxt, p->irs, p->syn_opts, p->ts,
	};

	p->port = pp->port;
	p->snd_nxt = pp->snd_nxt;
	p->rcv_nxt = pp->rcv_nxt;
	p->irs = pp->irs;
	p->syn_opts = pp->syn_opts;
	p->ts = pp->ts;
	*pp = cur;
}

/*
 * A legitimate client (SACK, timestamps, window scale offered) from
 * @p port while the flood fills the backlog: with cookies it gets a
 * cookie SYN+ACK (MSS only), completes and carries data; without, it
 * is refused.
 */
static void
legit_during_flood(struct peer *p, struct sim_listener *l, bool cookies)
{
	struct peer_port legit = {
		.port = LEGIT_PORT,
		.syn_opts = { .mss_ok = true, .mss = 1460, .sack_perm = true,
			      .ts_ok = true, .ws_ok = true, .ws = 7 },
	};
	unsigned int accepted = l->naccepted;
	struct sim_pkt seg;
	struct sim_conn *r;

	peer_port_swap(p, &legit);
	if (!cookies) {
		peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT_EQ(l->naccepted, accepted);
		peer_port_swap(p, &legit);
		return;
	}
	r = peer_open_passive(p, l);
	SIM_CHECK(!r->info.sack_ok && !r->info.ts_ok);
	SIM_ASSERT_EQ(r->info.snd_wscale, 0);
	SIM_ASSERT_EQ(r->info.mss, fx_mss());
	peer_send_data(p, "legit", 5);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	SIM_ASSERT_EQ(sim_conn_send(r, "welcome", 7), 7);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(seg.h.payload_len, 7);
	peer_send_ack(p);
	peer_port_swap(p, &legit);
}

/*
 * Forged ACKs to the listener. With cookies: a guessed cookie from a
 * flood port, and a real cookie replayed from another port (the cookie
 * is bound to its 4-tuple): RST each, SyncookiesFailed, nothing made.
 * Without: ports with a half-open entry get a RST for the bad ACK and
 * keep it; ports without one get a RST.
 */
static void
forged_acks(struct peer *p, struct sim_listener *l, struct flood_tally *ft,
	    struct sim_pkt *seg, uint16_t est_port, bool cookies)
{
	unsigned int rsts = ft->rsts, accepted = l->naccepted;
	uint64_t failed = sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_FAILED);
	unsigned int n = 0;

	for (unsigned int i = 0; i < FLOOD; i += 37, n++)
		fx_wire_segment(p, (uint16_t)(FLOOD_PORT0 + i), SIM_ACK,
			     flood_isn(i) + 1, 0xdead0000u + i);
	if (cookies) {
		/* port FLOOD-1's cookie, presented by port FLOOD-2 */
		fx_wire_segment(p, FLOOD_PORT0 + FLOOD - 2, SIM_ACK,
			     flood_isn(FLOOD - 2) + 1,
			     ft->iss[FLOOD - 1] + 1);
		n++;
	}
	sim_settle(p->sim);
	tally(p, ft, seg, est_port);
	SIM_ASSERT_EQ(ft->rsts - rsts, n);
	SIM_ASSERT_EQ(l->naccepted, accepted);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), BACKLOG);
	if (cookies)	/* the ones to half-open entries are no cookies */
		SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_FAILED) -
			      failed, n - (BACKLOG + 36) / 37);
}

/*
 * 5000 SYNs from distinct ports in bursts of 32, while an established
 * connection exchanges data; a legitimate client half-way; forged
 * ACKs; then the flood stops and the half-open entries run out.
 */
static void
flood_run(bool cookies)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt *seg;
	struct sim_conn *est;
	struct flood_tally ft = { 0 };
	unsigned int idle, peak = 0, synacks_before, rsts;
	uint64_t est_rx = 0, t_cookie = 0;
	uint16_t est_port;

	sim_tcp_conf_defaults(&conf);
	conf.backlog = BACKLOG;
	conf.syn_cookies = cookies;
	p = fx_peer(&conf, &l);
	seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	ft.iss = sim_alloc(p->sim, FLOOD * sizeof(*ft.iss), NULL);
	est = peer_open_passive(p, l);
	est_port = p->port;
	fx_drain(p);
	idle = rte_mempool_in_use_count(p->t->pool);

	for (unsigned int i = 0; i < FLOOD; i++) {
		fx_wire_segment(p, (uint16_t)(FLOOD_PORT0 + i), SIM_SYN,
			     flood_isn(i), 0);
		if ((i + 1) % BURST != 0 && i + 1 != FLOOD)
			continue;
		sim_settle(p->sim);
		peak = RTE_MAX(peak, rte_mempool_in_use_count(p->t->pool));
		tally(p, &ft, seg, est_port);
		if (i + 1 == LEGIT_AT) {
			legit_during_flood(p, l, cookies);
			tally(p, &ft, seg, est_port);
		}
		/* the established connection works through the flood */
		if ((i + 1) % (8 * BURST) == 0) {
			peer_send_data(p, "flood", 5);
			est_rx += 5;
			SIM_ASSERT_EQ(est->rx_bytes, est_rx);
			SIM_ASSERT_EQ(sim_conn_send(est, "calm", 4), 4);
			sim_settle(p->sim);
			tally(p, &ft, seg, est_port);
			peer_send_ack(p);
		}
	}
	t_cookie = sim_now(p->sim);
	SIM_ASSERT_EQ(ft.synacks, cookies ? FLOOD : BACKLOG);
	SIM_ASSERT_EQ(ft.rsts + ft.other, 0);
	SIM_ASSERT(ft.to_est >= FLOOD / (8 * BURST),
		   "%u segments on the established connection", ft.to_est);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_LISTEN_OVERFLOWS),
		      FLOOD - BACKLOG + 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_SENT),
		      cookies ? FLOOD - BACKLOG + 1 : 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), BACKLOG);
	SIM_ASSERT_EQ(sim_conn_count(p->t), BACKLOG + 1 + cookies);
	/* a half-open entry or a cookie holds no mbuf */
	SIM_ASSERT(peak <= idle + 4, "%u mbufs in use, %u idle", peak, idle);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);

	forged_acks(p, l, &ft, seg, est_port, cookies);

	/* the flood stops: the half-open entries resend their SYN+ACK a
	 * bounded number of times (cookies never), then go */
	synacks_before = ft.synacks;
	for (int s = 0; s < 300; s++) {
		if (sim_state_count(p->t, TERN_TCP_SYN_RCVD) == 0)
			break;
		sim_run_for(p->sim, SIM_S);
		tally(p, &ft, seg, est_port);
	}
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(ft.synacks - synacks_before,
		      BACKLOG * conf.synack_retries);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS),
		      BACKLOG * conf.synack_retries);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);

	if (cookies) {
		/* a genuine cookie, but more than two periods old */
		sim_run_for(p->sim, t_cookie + 130 * SIM_S - sim_now(p->sim));
		rsts = ft.rsts;
		fx_wire_segment(p, FLOOD_PORT0 + FLOOD - 1, SIM_ACK,
			     flood_isn(FLOOD - 1) + 1,
			     ft.iss[FLOOD - 1] + 1);
		sim_settle(p->sim);
		tally(p, &ft, seg, est_port);
		SIM_ASSERT_EQ(ft.rsts, rsts + 1);
		SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_RECV),
			      1);
	}

	/* the established connection is intact; a new client gets a full
	 * handshake (no cookie: its options are echoed) */
	SIM_ASSERT_STATE(sim_conn_state(est), TERN_TCP_ESTABLISHED);
	peer_send_data(p, "after", 5);
	SIM_ASSERT_EQ(est->rx_bytes, est_rx + 5);
	fx_drain(p);
	p->port = LATE_PORT;
	p->syn_opts.sack_perm = true;
	SIM_CHECK(peer_open_passive(p, l)->info.sack_ok);
	SIM_ASSERT_EQ(l->naccepted, 2 + cookies);
	SIM_ASSERT_EQ(ft.other, 0);
	peer_destroy(p);
}

/*
 * RFC 4987 3.6 and RFC 9293 3.10.7.4: the ACK that completes a cookie
 * handshake may carry data and a FIN too (a client that sends its
 * request and closes at once). The cookie makes the connection, the
 * data is delivered, the FIN acknowledged and reported, and the close
 * ends normally. @p data_len 0: a bare FIN|ACK.
 */
static void
cookie_ack_carries_fin(uint32_t data_len)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_pkt seg;
	struct sim_conn *r;
	struct peer *p;
	unsigned int idle;

	sim_tcp_conf_defaults(&conf);
	conf.backlog = 1;
	p = fx_peer(&conf, &l);
	l->close_on_peer_closed = true;
	idle = rte_mempool_in_use_count(p->t->pool);
	/* the backlog's one place taken by a half-open entry */
	fx_wire_segment(p, FLOOD_PORT0, SIM_SYN, flood_isn(0), 0);
	sim_settle(p->sim);
	SIM_ASSERT_EQ(fx_drain(p), 1);
	p->tport = l->port;
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_SENT), 1);

	peer_send_flags(p, SIM_FIN | SIM_ACK | (data_len ? SIM_PSH : 0),
			p->snd_nxt, p->rcv_nxt, req, data_len);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYNCOOKIES_RECV), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_LISTEN), 0);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	SIM_ASSERT_EQ(r->info.fport, p->port);
	SIM_ASSERT_EQ(r->rx_bytes, data_len);
	SIM_ASSERT_EQ(r->peer_closed, 1);
	/* the app closed in peer_closed(): one FIN|ACK acks data and FIN */
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, p->irs + 1, p->snd_nxt);
	peer_send_ack(p);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);
	peer_destroy(p);
}

static void
test_s52_cookie_ack_with_data_and_fin(void)
{
	cookie_ack_carries_fin(sizeof("GET / HTTP/1.0\r\n\r\n") - 1);
}

static void
test_s52_cookie_ack_with_fin(void)
{
	cookie_ack_carries_fin(0);
}

static void
test_s52_syn_flood_with_cookies(void)
{
	flood_run(true);
}

static void
test_s52_syn_flood_without_cookies(void)
{
	flood_run(false);
}

const struct sim_test tcp_tests_catalogue_flood[] = {
	SIM_TEST(test_s52_syn_flood_with_cookies),
	SIM_TEST(test_s52_syn_flood_without_cookies),
	SIM_TEST(test_s52_cookie_ack_with_data_and_fin),
	SIM_TEST(test_s52_cookie_ack_with_fin),
};
const unsigned int tcp_tests_catalogue_flood_n =
	RTE_DIM(tcp_tests_catalogue_flood);
