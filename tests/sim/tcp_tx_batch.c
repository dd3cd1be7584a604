/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One output discipline (issue 9): every segment T sends is built by its
 * output layer and queued in its context's TX batch, and only the
 * driver -- here the simulator, between steps -- flushes the batch.
 *
 * 200 SYNs reach T at the same instant: one step of the simulator feeds
 * them to T in bursts of TERN_RX_BURST with no flush in between, so T
 * owes 200 SYN+ACKs before the driver gets to flush. Nothing may reach
 * the wire from inside the stack meanwhile, none may be dropped for want
 * of room, and every TCP frame on the wire must be one the output layer
 * built (TcpOutSegs counts exactly those). Left unanswered, the 200
 * retransmission timers then fire at one instant: the same holds for
 * what the timers send.
 */
#include <string.h>

#include "tcp_fixture.h"

#define NSYN 200
#define PORT0 20000

static uint32_t
syn_isn(unsigned int i)
{
	return 0x20000000u + i * 104729u;
}

/* SYN+ACKs to ports PORT0.. in P's inbox (the rest is counted apart). */
static unsigned int
count_synacks(struct peer *p, unsigned int *other)
{
	unsigned int n = 0;
	struct sim_pkt seg;
	struct rte_mbuf *m;

	while ((m = sim_inbox_pop(p->p)) != NULL) {
		sim_pkt_parse(m, &seg, false);
		rte_pktmbuf_free(m);
		if (seg.h.kind == SIM_PKT_TCP &&
		    seg.h.flags == (SIM_SYN | SIM_ACK) &&
		    seg.h.dport >= PORT0 && seg.h.dport <= PORT0 + NSYN &&
		    seg.h.ack == syn_isn(seg.h.dport - PORT0) + 1)
			n++;
		else
			(*other)++;
	}
	return n;
}

static void
test_tx_batch_flushed_only_by_driver(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	unsigned int other = 0;
	uint64_t segs0, frames0;
	struct peer *p;

	tern_tcp_conf_defaults(&conf);
	conf.backlog = 2 * NSYN;
	p = fx_peer(&conf, &l);

	/* One handshake first, so that T knows P's address (ARP). */
	fx_wire_segment(p, PORT0 + NSYN, SIM_SYN, syn_isn(NSYN), 0);
	sim_run_for(p->sim, 10 * SIM_MS);
	SIM_ASSERT_EQ(count_synacks(p, &other), 1);

	segs0 = sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS);
	frames0 = p->t->tcp_frames_out;
	for (unsigned int i = 0; i < NSYN; i++)
		fx_wire_segment(p, (uint16_t)(PORT0 + i), SIM_SYN, syn_isn(i),
				0);
	sim_run_for(p->sim, 10 * SIM_MS);

	/* One SYN+ACK each, none lost, none sent from inside a step. */
	SIM_ASSERT_EQ(count_synacks(p, &other), NSYN);
	SIM_ASSERT_EQ(other, 0);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), NSYN + 1);
	SIM_ASSERT_EQ(p->t->flushes_in_step, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TX_BATCH_FULL), 0);
	/* Every TCP frame on the wire was built by the output layer. */
	SIM_ASSERT_EQ(p->t->tcp_frames_out - frames0,
		      sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS) - segs0);
	SIM_ASSERT_EQ(p->t->tcp_frames_out - frames0, NSYN);

	/* Unanswered, they all time out at the same instant: the timers'
	 * SYN+ACKs leave through the batch too, from the output pass. */
	segs0 = sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS);
	frames0 = p->t->tcp_frames_out;
	sim_run_for(p->sim, conf.rto_initial_ms * SIM_MS);
	SIM_ASSERT_EQ(count_synacks(p, &other), NSYN + 1);
	SIM_ASSERT_EQ(other, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SYN_RETRANS), NSYN + 1);
	SIM_ASSERT_EQ(p->t->flushes_in_step, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TX_BATCH_FULL), 0);
	SIM_ASSERT_EQ(p->t->tcp_frames_out - frames0,
		      sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS) - segs0);

	/* P resets them all (exact RSTs): the half-open records go. */
	for (unsigned int i = 0; i <= NSYN; i++)
		fx_wire_segment(p, (uint16_t)(PORT0 + i), SIM_RST,
				syn_isn(i) + 1, 0);
	sim_run_for(p->sim, 10 * SIM_MS);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_SYN_RCVD), 0);
	SIM_ASSERT_EQ(p->t->flushes_in_step, 0);
	SIM_ASSERT_EQ(l->naccepted, 0);
	peer_destroy(p);
}

const struct sim_test tcp_tests_tx_batch[] = {
	SIM_TEST(test_tx_batch_flushed_only_by_driver),
};
const unsigned int tcp_tests_tx_batch_n = RTE_DIM(tcp_tests_tx_batch);
