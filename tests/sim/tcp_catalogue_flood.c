/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP-SCENARIOS.md line 52: a SYN flood far beyond the listen backlog.
 *
 * tern has no SYN cookies (docs/conformance.md): the backlog bounds the
 * half-open connections, and a SYN beyond it is dropped and counted
 * (ListenOverflows) -- a legitimate one too, while the flood lasts.
 * What must hold: memory stays flat whatever the flood's size; the
 * flood costs no more segments than the backlog's SYN+ACKs and their
 * bounded retransmissions; forged ACKs create nothing; established
 * connections carry on; once the half-open entries time out, new
 * handshakes complete.
 */
#include <string.h>

#include "tcp_fixture.h"

#define BACKLOG 64
#define FLOOD 5000
#define FLOOD_PORT0 10000
#define BURST 32
#define LEGIT_PORT 45000

/* What T sent during the flood, sorted by destination. */
struct flood_tally {
	unsigned int synacks;        /* to flood ports */
	unsigned int rsts;           /* to flood ports */
	unsigned int to_established; /* to the established connection */
	unsigned int other;
};

/* A segment from P's address, port @p sport, to T's listening port. */
static void
wire_segment(struct peer *p, uint16_t sport, uint8_t flags, uint32_t seq,
	     uint32_t ack)
{
	struct sim_tcp_spec s;
	struct rte_mbuf *m;

	memset(&s, 0, sizeof(s));
	s.eth_src = p->p->mac;
	s.eth_dst = p->t->mac;
	s.ip_src = p->p->ip;
	s.ip_dst = p->t->ip;
	s.sport = sport;
	s.dport = FX_PORT;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	if (flags & SIM_SYN) {
		s.opts.mss_ok = true;
		s.opts.mss = 1460;
	}
	m = sim_build_tcp(p->p->pool, &s);
	SIM_ASSERT(m != NULL, "cannot build a segment (pool of P empty?)");
	sim_wire_send(p->p, m);
}

/* Sort what T sent since the last call. */
static void
tally(struct peer *p, struct flood_tally *t, struct sim_pkt *seg,
      struct sim_conn *est)
{
	while (peer_recv(p, 0, seg)) {
		const struct sim_hdr *h = &seg->h;

		if (h->kind != SIM_PKT_TCP)
			t->other++;
		else if (h->dport == est->info.fport)
			t->to_established++;
		else if (h->flags == (SIM_SYN | SIM_ACK))
			t->synacks++;
		else if (h->flags & SIM_RST)
			t->rsts++;
		else
			t->other++;
	}
}

/*
 * 5000 SYNs (backlog 64) from distinct ports, in bursts, while an
 * established connection exchanges data; then forged ACKs; then the
 * flood stops and the half-open entries run out.
 */
static void
test_s52_syn_flood_bounded_then_recovers(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_pkt *seg;
	struct sim_conn *est;
	struct flood_tally ft = { 0 };
	unsigned int idle, peak = 0, rst_before, synacks_after;
	uint64_t overflows, est_rx = 0;

	sim_tcp_conf_defaults(&conf);
	conf.backlog = BACKLOG;
	p = fx_peer(&conf, &l);
	seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	est = peer_open_passive(p, l);
	fx_drain(p);
	idle = rte_mempool_in_use_count(p->t->pool);

	for (unsigned int i = 0; i < FLOOD; i++) {
		wire_segment(p, (uint16_t)(FLOOD_PORT0 + i), SIM_SYN,
			     0x10000000u + i * 7919u, 0);
		if ((i + 1) % BURST != 0)
			continue;
		sim_settle(p->sim);
		peak = RTE_MAX(peak, rte_mempool_in_use_count(p->t->pool));
		tally(p, &ft, seg, est);
		/* the established connection works through the flood */
		if ((i + 1) % (8 * BURST) == 0) {
			peer_send_data(p, "flood", 5);
			est_rx += 5;
			SIM_ASSERT_EQ(est->rx_bytes, est_rx);
			SIM_ASSERT_EQ(sim_conn_send(est, "calm", 4), 4);
			sim_settle(p->sim);
			tally(p, &ft, seg, est);
			peer_send_ack(p);
		}
	}
	sim_settle(p->sim);
	tally(p, &ft, seg, est);
	SIM_ASSERT_EQ(ft.synacks, BACKLOG);
	SIM_ASSERT_EQ(ft.rsts, 0);
	SIM_ASSERT_EQ(ft.other, 0);
	SIM_ASSERT(ft.to_established >= FLOOD / (8 * BURST),
		   "%u segments on the established connection",
		   ft.to_established);
	overflows = sim_stat(p->t, TERN_STAT_TCP_LISTEN_OVERFLOWS);
	SIM_ASSERT_EQ(overflows, FLOOD - BACKLOG);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), BACKLOG);
	SIM_ASSERT_EQ(sim_conn_count(p->t), BACKLOG + 1);
	/* half-open entries hold no mbuf; a burst in flight is all */
	SIM_ASSERT(peak <= idle + BURST, "%u mbufs in use, %u idle", peak,
		   idle);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);

	/* no SYN cookies: a legitimate SYN now is refused like the flood */
	wire_segment(p, LEGIT_PORT, SIM_SYN, 5555, 0);
	sim_settle(p->sim);
	tally(p, &ft, seg, est);
	SIM_ASSERT_EQ(ft.synacks, BACKLOG);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_LISTEN_OVERFLOWS),
		      overflows + 1);

	/* forged ACKs: to ports with a half-open entry (a guessed ACK
	 * number) and to ports without one. Each gets a RST; nothing is
	 * created, nothing half-open is lost. */
	rst_before = ft.rsts;
	for (unsigned int i = 0; i < 2 * BACKLOG; i++)
		wire_segment(p, (uint16_t)(FLOOD_PORT0 + i * 37), SIM_ACK,
			     0x10000000u + i * 37 * 7919u + 1, 0xdead0000u + i);
	sim_settle(p->sim);
	tally(p, &ft, seg, est);
	SIM_ASSERT_EQ(ft.rsts - rst_before, 2 * BACKLOG);
	SIM_ASSERT_EQ(l->naccepted, 1);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), BACKLOG);
	SIM_ASSERT_EQ(sim_conn_count(p->t), BACKLOG + 1);

	/* the flood stops: the half-open entries retransmit their SYN+ACK
	 * a bounded number of times, then go */
	synacks_after = ft.synacks;
	for (int s = 0; s < 200 && sim_state_count(p->t,
						    TERN_TCP_SYN_RCVD) > 0; s++) {
		sim_run_for(p->sim, SIM_S);
		tally(p, &ft, seg, est);
	}
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(ft.synacks - synacks_after,
		      BACKLOG * conf.synack_retries);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS),
		      BACKLOG * conf.synack_retries);
	SIM_ASSERT_EQ(rte_mempool_in_use_count(p->t->pool), idle);

	/* a legitimate client gets through now, the old one still works */
	SIM_ASSERT_STATE(sim_conn_state(est), TERN_TCP_ESTABLISHED);
	peer_send_data(p, "after", 5);
	SIM_ASSERT_EQ(est->rx_bytes, est_rx + 5);
	fx_drain(p);
	p->port = LEGIT_PORT;
	peer_open_passive(p, l);
	SIM_ASSERT_EQ(l->naccepted, 2);
	peer_destroy(p);
}

const struct sim_test tcp_tests_catalogue_flood[] = {
	SIM_TEST(test_s52_syn_flood_bounded_then_recovers),
};
const unsigned int tcp_tests_catalogue_flood_n =
	RTE_DIM(tcp_tests_catalogue_flood);
