/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The read-only views and the bulk calls of tern_tcp_view.h, as the
 * shell, telemetry and the graceful stop use them: what a walk lists in
 * each state, ids, and stop-accepting / close-all / abort-all asserted
 * on both ends.
 */
#include <string.h>

#include "tcp_fixture.h"
#include "tern_ctable.h"
#include "tern_tcp_view.h"

#define VIEW_MAX 16

struct view_list {
	unsigned int n;
	struct tern_tcp_conn_view v[VIEW_MAX];
};

static int
view_collect(const struct tern_tcp_conn_view *v, void *arg)
{
	struct view_list *l = arg;

	if (l->n < VIEW_MAX)
		l->v[l->n++] = *v;
	return 0;
}

static const struct tern_tcp_conn_view *
view_find(const struct view_list *l, enum tern_tcp_state s)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->v[i].info.state == s)
			return &l->v[i];
	return NULL;
}

static void
view_walk(struct sim_node *n, struct view_list *l)
{
	memset(l, 0, sizeof(*l));
	SIM_ASSERT_EQ(tern_tcp_conn_walk(n->ctx, view_collect, l), l->n);
}

/* Listener, connection, TIME_WAIT record: each listed as ss would. */
static void
test_view_walk_each_kind(void)
{
	const struct tern_tcp_conn_view *v;
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s;
	struct view_list l;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	view_walk(d.b, &l);
	SIM_ASSERT_EQ(l.n, 1);
	SIM_ASSERT_STATE(l.v[0].info.state, TERN_TCP_LISTEN);
	SIM_ASSERT_EQ(l.v[0].info.lport, DUO_PORT);
	SIM_ASSERT_EQ(l.v[0].id, 0);

	c = duo_connect(&d, &s);
	view_walk(d.b, &l);
	SIM_ASSERT_EQ(l.n, 2);
	v = view_find(&l, TERN_TCP_ESTABLISHED);
	SIM_ASSERT(v != NULL, "no ESTABLISHED entry");
	SIM_ASSERT(v->id != 0, "a connection has an id");
	SIM_ASSERT_EQ(v->id, tern_tcp_conn_id(s->c));
	SIM_ASSERT(tern_tcp_conn_by_id(d.b->ctx, v->id) == s->c,
		   "the id finds the connection");
	SIM_ASSERT(tern_tcp_conn_by_id(d.b->ctx, v->id + 1) == NULL,
		   "no other id is taken");
	SIM_ASSERT_EQ(v->info.lport, DUO_PORT);
	SIM_ASSERT_EQ(v->info.fport, c->info.lport);
	SIM_CHECK(sim_info_faddr_is(&v->info, d.a));
	SIM_ASSERT(v->app_owned, "the app holds it");

	/* Queued and not yet acknowledged: Send-Q, and the RTO armed. */
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, 10000), 10000);
	view_walk(d.a, &l);
	v = view_find(&l, TERN_TCP_ESTABLISHED);
	SIM_ASSERT(v != NULL, "no ESTABLISHED entry on A");
	SIM_ASSERT_EQ(v->send_q, 10000);
	SIM_WAIT(d.sim, s->rx_bytes == 10000, 5 * SIM_S);
	SIM_WAIT(d.sim, tern_tcp_send_space(c->c) == conf.snd_buf, 5 * SIM_S);
	view_walk(d.a, &l);
	SIM_ASSERT_EQ(view_find(&l, TERN_TCP_ESTABLISHED)->send_q, 0);

	/* A closes first and ends in TIME_WAIT: a record without an id,
	 * on the 2MSL timer. */
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, s->peer_closed == 1, SIM_S);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, SIM_S);
	view_walk(d.a, &l);
	SIM_ASSERT_EQ(l.n, 1);
	SIM_ASSERT_STATE(l.v[0].info.state, TERN_TCP_TIME_WAIT);
	SIM_ASSERT_EQ(l.v[0].id, 0);
	SIM_ASSERT_EQ(l.v[0].timer, TERN_TCP_TIMER_TIME_WAIT);
	SIM_ASSERT(l.v[0].timer_ms <= 2ull * conf.msl_ms &&
		   l.v[0].timer_ms > 2ull * conf.msl_ms - 1000,
		   "TIME_WAIT expires in %llu ms",
		   (unsigned long long)l.v[0].timer_ms);
	SIM_ASSERT_EQ(l.v[0].info.fport, DUO_PORT);
	duo_finish(&d);
}

/* A graceful stop's first steps on B: SYNs are refused, the held
 * connection is closed with FIN and ends normally on both sides. */
static void
test_view_stop_accepting_then_close_all(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c, *s, *late;
	uint64_t no_conn;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	d.l->close_on_peer_closed = false;
	c = duo_connect(&d, &s);
	c->close_on_peer_closed = true;
	SIM_ASSERT_EQ(tern_tcp_app_conns(d.b->ctx), 1);

	tern_tcp_stop_accepting(d.b->ctx);
	no_conn = sim_stat(d.b, TERN_STAT_TCP_DROP_NO_CONN);
	late = sim_connect_to(d.a, d.b, DUO_PORT);
	SIM_WAIT(d.sim, late->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(late->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_DROP_NO_CONN), no_conn + 1);
	SIM_ASSERT_EQ(d.l->naccepted, 1);

	SIM_ASSERT_EQ(tern_tcp_close_all(d.b->ctx), 1);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_FIN_WAIT_1);
	/* Closing twice is not counted twice. */
	SIM_ASSERT_EQ(tern_tcp_close_all(d.b->ctx), 0);
	SIM_WAIT(d.sim, s->closed == 1 && c->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(tern_tcp_app_conns(d.b->ctx), 0);
	SIM_ASSERT_EQ(sim_stat(d.b, TERN_STAT_TCP_OUT_RSTS), 1);
	duo_finish(&d);
}

/* The end of a drain: what is still held is reset; the peer sees it. */
static void
test_view_abort_all(void)
{
	struct tern_tcp_conf conf;
	struct sim_conn *c1, *c2, *s1, *s2;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	c1 = duo_connect(&d, &s1);
	c2 = duo_connect(&d, &s2);
	SIM_ASSERT_EQ(tern_tcp_app_conns(d.a->ctx), 2);
	SIM_ASSERT_EQ(tern_tcp_abort_all(d.a->ctx), 2);
	SIM_ASSERT_EQ(c1->closed, 1);
	SIM_ASSERT_EQ(c2->closed, 1);
	SIM_ASSERT_EQ(c1->why, TERN_TCP_CLOSE_ABORTED);
	SIM_ASSERT_EQ(tern_tcp_app_conns(d.a->ctx), 0);
	SIM_WAIT(d.sim, s1->closed == 1 && s2->closed == 1, SIM_S);
	SIM_ASSERT_EQ(s1->why, TERN_TCP_CLOSE_RESET);
	SIM_ASSERT_EQ(s2->why, TERN_TCP_CLOSE_RESET);
	SIM_ASSERT_EQ(tern_tcp_abort_all(d.a->ctx), 0);
	duo_finish(&d);
}

/* A walk in steps of one bucket sees what one full walk sees, and
 * each step visits at most its budget of buckets. */
static void
test_view_walk_in_steps(void)
{
	struct tern_tcp_conf conf;
	struct tern_tcp_walk w = { 0 };
	struct view_list full, steps;
	struct sim_conn *s;
	unsigned int calls = 0;
	struct duo d;

	sim_tcp_conf_defaults(&conf);
	duo_create(&d, &conf);
	for (unsigned int i = 0; i < 5; i++)
		duo_connect(&d, &s);
	view_walk(d.b, &full);
	SIM_ASSERT_EQ(full.n, 6);       /* the listener and 5 connections */
	memset(&steps, 0, sizeof(steps));
	while (!tern_tcp_conn_walk_step(d.b->ctx, &w, 1, view_collect,
					&steps))
		calls++;
	SIM_ASSERT_EQ(steps.n, full.n);
	for (unsigned int i = 0; i < full.n; i++)
		SIM_ASSERT_EQ(steps.v[i].id, full.v[i].id);
	/* One bucket per step: at least one step per bucket of the
	 * connection table. */
	SIM_ASSERT(calls >= tern_ctable_buckets_for(conf.max_conns),
		   "%u steps", calls);
	SIM_ASSERT_EQ(tern_tcp_abort_all(d.a->ctx), 5);
	SIM_WAIT(d.sim, tern_tcp_app_conns(d.b->ctx) == 0, SIM_S);
	duo_finish(&d);
}

const struct sim_test tcp_tests_view[] = {
	SIM_TEST(test_view_walk_in_steps),
	SIM_TEST(test_view_walk_each_kind),
	SIM_TEST(test_view_stop_accepting_then_close_all),
	SIM_TEST(test_view_abort_all),
};
const unsigned int tcp_tests_view_n = RTE_DIM(tcp_tests_view);
