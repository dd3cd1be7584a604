/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Many workers on one port (issue 10). A host of N workers shares one
 * MAC and address behind a NIC with N queues (sim_add_host); a flow
 * belongs to the worker tern_flow_owner() names, and frames the NIC
 * delivers elsewhere are steered to it over the rings between workers.
 *
 *  - a flow on the wrong queue: every frame reaches worker 0 (a port
 *    without RSS); the connection lives on its owner, data both ways
 *    intact, the frames steered and counted;
 *  - a listener on every worker: each accepts the flows it owns, and
 *    behind a NIC that steers by the same table nothing is steered;
 *  - active opens from each worker come back to it: source ports chosen
 *    against the NIC's table (nothing steered) and against software
 *    steering (owner = opener);
 *  - ARP learned on one worker used by another: the reply reaches
 *    worker 0, the SYN parked on worker 1 leaves.
 */
#include <string.h>

#include "tcp_fixture.h"
#include "tern_owner.h"

#define WK_PORT 6000
#define WK_BYTES 20000

/* The worker of host @p h that owns record @p r's 4-tuple. */
static unsigned int
owner_of(const struct sim_node *h, const struct sim_conn *r)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(r->c, &info);
	return tern_flow_owner(&h->ctx->ifc, sim_flow_hash(h->ctx, &info));
}

static uint64_t
host_stat(struct sim *sim, const struct sim_node *h, tern_stat_t id)
{
	uint64_t sum = 0;

	for (unsigned int w = 0; w < h->nb_workers; w++)
		sum += sim_stat(sim_node(sim, h->idx + w), id);
	return sum;
}

/* Listeners on every worker of @p h, filled into @p l. */
static void
listen_all(struct sim *sim, struct sim_node *h, struct sim_listener **l)
{
	for (unsigned int w = 0; w < h->nb_workers; w++) {
		l[w] = sim_listen(sim_node(sim, h->idx + w), WK_PORT);
		l[w]->close_on_peer_closed = true;
	}
}

static void
unlisten_all(struct sim_node *h, struct sim_listener **l)
{
	for (unsigned int w = 0; w < h->nb_workers; w++)
		SIM_ASSERT_EQ(tern_tcp_unlisten(l[w]->l), 0);
}

/* @p c's stream to @p s and back, every byte checked by offset. */
static void
exchange(struct sim *sim, struct sim_conn *c, struct sim_conn *s)
{
	c->tx_key = sim_seed(sim) * 4 + 1;
	s->tx_key = sim_seed(sim) * 4 + 3;
	s->rx_key = c->tx_key;
	c->rx_key = s->tx_key;
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, WK_BYTES), WK_BYTES);
	SIM_ASSERT_EQ(sim_conn_send_pattern(s, WK_BYTES), WK_BYTES);
	SIM_WAIT(sim, c->rx_bytes == WK_BYTES && s->rx_bytes == WK_BYTES,
		 10 * SIM_S);
	SIM_ASSERT_EQ(c->rx_bad_at, 0);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
}

static void
test_workers_flow_on_wrong_queue(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_faults f = { .latency_ns = SIM_MS };
	struct sim_listener *l[2];
	struct sim_node *a, *b, *b1;
	struct sim_conn *c = NULL, *s;

	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_host(sim, "B", NULL, 2, SIM_NIC_QUEUE0);
	b1 = sim_node(sim, b->idx + 1);
	sim_set_faults_all(sim, &f);
	listen_all(sim, b, l);

	/* Connections until one belongs to worker 1: all its frames reach
	 * worker 0 first. */
	for (unsigned int i = 1; i <= 16 && l[1]->naccepted == 0; i++) {
		c = sim_connect_to(a, b, WK_PORT);
		SIM_WAIT(sim, c->connected == 1 &&
			 l[0]->naccepted + l[1]->naccepted == i, 5 * SIM_S);
	}
	SIM_ASSERT(l[1]->naccepted == 1, "no flow owned by worker 1 in 16");
	s = l[1]->last;
	SIM_ASSERT_EQ(s->node, b1);
	SIM_ASSERT_EQ(owner_of(b, s), 1);
	SIM_ASSERT_EQ(s->info.fport, c->info.lport);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_ESTABLISHED);
	exchange(sim, c, s);

	/* Worker 1 received nothing from the NIC: all came over the ring. */
	SIM_ASSERT_EQ(b1->frames_in, 0);
	SIM_ASSERT(sim_stat(b1, TERN_STAT_STEERED_IN) > 0, "nothing steered");
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_STEERED_OUT),
		      sim_stat(b1, TERN_STAT_STEERED_IN));
	SIM_ASSERT_EQ(host_stat(sim, b, TERN_STAT_STEER_RING_FULL), 0);
	/* ...and nobody was reset for want of a connection on worker 0 */
	SIM_ASSERT_EQ(host_stat(sim, b, TERN_STAT_TCP_OUT_RSTS), 0);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_OUT_RSTS), 0);

	for (struct sim_conn *r = sim_app_conns(a); r != NULL; r = r->next)
		SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	unlisten_all(b, l);
	fx_run_out(sim);
	sim_destroy(sim);
}

#define WK_LISTEN_CONNS 30
/* One client's ports are consecutive and the Toeplitz hash of a
 * symmetric key is linear in them: a range may miss a worker (over
 * IPv6 the first 30 ports tern picks do), so more connections come
 * until each worker has one. */
#define WK_LISTEN_CONNS_MAX 96

static unsigned int
accepted_by_all(struct sim_listener *const l[3])
{
	return l[0]->naccepted + l[1]->naccepted + l[2]->naccepted;
}

static void
test_workers_listener_on_every_worker(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_faults f = { .latency_ns = SIM_MS };
	struct sim_conn *c[WK_LISTEN_CONNS_MAX];
	struct sim_listener *l[3];
	unsigned int accepted = 0, n = 0;
	struct sim_node *a, *b;

	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_host(sim, "B", NULL, 3, SIM_NIC_RSS);
	sim_set_faults_all(sim, &f);
	listen_all(sim, b, l);
	for (; n < WK_LISTEN_CONNS; n++)
		c[n] = sim_connect_to(a, b, WK_PORT);
	SIM_WAIT(sim, accepted_by_all(l) == n, 5 * SIM_S);
	while ((l[0]->naccepted == 0 || l[1]->naccepted == 0 ||
		l[2]->naccepted == 0) && n < WK_LISTEN_CONNS_MAX) {
		c[n++] = sim_connect_to(a, b, WK_PORT);
		SIM_WAIT(sim, accepted_by_all(l) == n, 5 * SIM_S);
	}
	for (unsigned int i = 0; i < n; i++)
		SIM_ASSERT_STATE(sim_conn_state(c[i]), TERN_TCP_ESTABLISHED);
	for (unsigned int w = 0; w < 3; w++) {
		struct sim_node *wn = sim_node(sim, b->idx + w);

		/* each worker accepted its share, only flows it owns */
		SIM_ASSERT(l[w]->naccepted > 0, "worker %u accepted none of "
			   "%u", w, n);
		for (struct sim_conn *r = sim_app_conns(wn); r != NULL;
		     r = r->next) {
			SIM_ASSERT_EQ(owner_of(b, r), w);
			accepted++;
		}
		SIM_ASSERT_EQ(sim_state_count(wn, TERN_TCP_ESTABLISHED),
			      l[w]->naccepted);
		/* the NIC steers by the same table: nothing to hand over */
		SIM_ASSERT_EQ(sim_stat(wn, TERN_STAT_STEERED_OUT), 0);
		SIM_ASSERT_EQ(sim_stat(wn, TERN_STAT_STEERED_IN), 0);
	}
	SIM_ASSERT_EQ(accepted, n);
	for (unsigned int i = 0; i < n; i++)
		SIM_ASSERT_EQ(tern_tcp_close(c[i]->c), 0);
	unlisten_all(b, l);
	fx_run_out(sim);
	sim_destroy(sim);
}

#define WK_OPENS 8

/* Each worker of B opens WK_OPENS connections to A: every one owned by
 * its opener; behind @p nic. */
static void
opens_come_back(enum sim_nic_mode nic)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_faults f = { .latency_ns = SIM_MS };
	struct sim_conn *c[2][WK_OPENS];
	struct sim_listener *l;
	struct sim_node *a, *b;

	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_host(sim, "B", NULL, 2, nic);
	sim_set_faults_all(sim, &f);
	l = sim_listen(a, WK_PORT);
	l->close_on_peer_closed = true;
	for (unsigned int w = 0; w < 2; w++)
		for (int i = 0; i < WK_OPENS; i++)
			c[w][i] = sim_connect_to(sim_node(sim, b->idx + w), a,
					      WK_PORT);
	SIM_WAIT(sim, l->naccepted == 2 * WK_OPENS, 5 * SIM_S);
	for (unsigned int w = 0; w < 2; w++) {
		struct sim_node *n = sim_node(sim, b->idx + w);

		for (int i = 0; i < WK_OPENS; i++) {
			SIM_ASSERT_STATE(sim_conn_state(c[w][i]),
					 TERN_TCP_ESTABLISHED);
			SIM_ASSERT_EQ(owner_of(b, c[w][i]), w);
		}
		SIM_ASSERT_EQ(sim_stat(n, TERN_STAT_TCP_ATTEMPT_FAILS), 0);
		SIM_ASSERT_EQ(sim_stat(n, TERN_STAT_TCP_OUT_RSTS), 0);
	}
	/* A NIC by our table delivers every reply to its opener. */
	if (nic == SIM_NIC_RSS)
		SIM_ASSERT_EQ(host_stat(sim, b, TERN_STAT_STEERED_OUT), 0);
	else
		SIM_ASSERT(host_stat(sim, b, TERN_STAT_STEERED_OUT) > 0,
			   "the NIC's own hash steered nothing");
	for (unsigned int w = 0; w < 2; w++)
		for (int i = 0; i < WK_OPENS; i++)
			SIM_ASSERT_EQ(tern_tcp_close(c[w][i]->c), 0);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	fx_run_out(sim);
	sim_destroy(sim);
}

static void
test_workers_opens_come_back_by_nic_table(void)
{
	opens_come_back(SIM_NIC_RSS);
}

static void
test_workers_opens_come_back_by_steering(void)
{
	opens_come_back(SIM_NIC_OTHER_HASH);
}

static void
test_workers_arp_learned_on_one_used_by_another(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_faults f = { .latency_ns = SIM_MS };
	struct sim_node *a, *b, *b1;
	struct sim_listener *l;
	struct sim_conn *c;
	uint64_t solicits;

	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_host(sim, "B", NULL, 2, SIM_NIC_QUEUE0);
	b1 = sim_node(sim, b->idx + 1);
	sim_set_faults_all(sim, &f);
	l = sim_listen(a, WK_PORT);
	l->close_on_peer_closed = true;

	/* Worker 1 knows nobody: its SYN waits for ARP (over IPv6: ND),
	 * whose reply the NIC hands to worker 0. */
	solicits = sim_stat(b1, TERN_STAT_ND_OUT_SOLICITS);
	c = sim_connect_to(b1, a, WK_PORT);
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_SYN_SENT);
	SIM_WAIT(sim, c->connected == 1 && l->naccepted == 1, 500 * SIM_MS);
	SIM_ASSERT_EQ(b1->frames_in, 0);
	SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_TCP_SYN_RETRANS), 0);
	/* the shared copy is no steered frame on either side */
	SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_STEERED_IN),
		      sim_stat(b, TERN_STAT_STEERED_OUT));
	if (sim_family(sim) == 6) {
		SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_SHARED), 1);
		SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_SHARED), 0);
		/* one solicitation; the advertisement B0 shared learned */
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ND_OUT_SOLICITS),
			      solicits + 1);
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ND_IN_ADVERTS), 1);
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ND_RESOLVE_FAILED), 0);
	} else {
		SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ARP_SHARED), 1);
		SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_SHARED), 0);
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ARP_REQUESTS_SENT), 1);
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ARP_LEARNED_SHARED), 1);
		SIM_ASSERT_EQ(sim_stat(b1, TERN_STAT_ARP_RESOLVE_FAILED), 0);
	}

	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	fx_run_out(sim);
	sim_destroy(sim);
}

const struct sim_test tcp_tests_workers[] = {
	SIM_TEST(test_workers_flow_on_wrong_queue),
	SIM_TEST(test_workers_listener_on_every_worker),
	SIM_TEST(test_workers_opens_come_back_by_nic_table),
	SIM_TEST(test_workers_opens_come_back_by_steering),
	SIM_TEST(test_workers_arp_learned_on_one_used_by_another),
};
const unsigned int tcp_tests_workers_n = RTE_DIM(tcp_tests_workers);
