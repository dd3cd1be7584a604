/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_util.h"

/* TIME_WAIT of 2 x 1 s: run-out costs little virtual time. */
#define DATA_MSL_MS 1000
/* Everything, TIME_WAIT included, gone within this after the close. */
#define DATA_RUN_OUT_NS (600 * SIM_S)
/* The pump refills a send buffer once this much room opened. */
#define PUMP_CHUNK (16 * KIB)

static uint64_t
env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long x;

	if (v == NULL || *v == '\0')
		return dflt;
	x = strtoull(v, &end, 0);
	if (*end != '\0' || x == 0) {
		fprintf(stderr, "%s=%s: not a positive integer; using %" PRIu64
			"\n", name, v, dflt);
		return dflt;
	}
	return x;
}

uint64_t
data_scale(void)
{
	return env_u64("TERN_SIM_DATA_SCALE", 1);
}

unsigned int
data_seeds(unsigned int dflt)
{
	return (unsigned int)env_u64("TERN_SIM_DATA_SEEDS", dflt);
}

void
data_conf(struct tern_tcp_conf *conf)
{
	sim_tcp_conf_defaults(conf);
	conf->msl_ms = DATA_MSL_MS;
}

void
dpair_create(struct dpair *p, uint64_t seed,
	     const struct tern_tcp_conf *conf_a,
	     const struct tern_tcp_conf *conf_b,
	     const struct sim_faults *faults)
{
	const struct sim_faults clean = { .latency_ns = 1 * SIM_MS };
	struct tern_tcp_conf dflt;

	data_conf(&dflt);
	memset(p, 0, sizeof(*p));
	p->sim = sim_create(seed);
	p->a = sim_add_stack(p->sim, "A", conf_a != NULL ? conf_a : &dflt);
	p->b = sim_add_stack(p->sim, "B", conf_b != NULL ? conf_b : &dflt);
	sim_set_faults_all(p->sim, faults != NULL ? faults : &clean);
	p->l = sim_listen(p->b, DATA_PORT);
}

void
dpair_connect(struct dpair *p, uint64_t max_ns)
{
	unsigned int before = p->l->naccepted;
	uint64_t seed = sim_seed(p->sim);

	p->c = sim_connect(p->a, p->b->ip, DATA_PORT);
	SIM_WAIT(p->sim, p->c->connected == 1 &&
		 p->l->naccepted == before + 1, max_ns);
	p->s = p->l->last;
	SIM_ASSERT_STATE(sim_conn_state(p->c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(p->s), TERN_TCP_ESTABLISHED);
	/* distinct, non-zero stream keys per direction and per seed */
	p->c->tx_key = seed * 4 + 1;
	p->s->tx_key = seed * 4 + 3;
	p->s->rx_key = p->c->tx_key;
	p->c->rx_key = p->s->tx_key;
}

struct pump {
	struct dpair *p;
	uint64_t a_total, b_total;  /**< tx_bytes to reach, per end */
};

static bool
pump_done(const struct pump *u)
{
	return u->p->s->rx_bytes >= u->a_total &&
	       u->p->c->rx_bytes >= u->b_total;
}

/* This end has more to send and room for a useful chunk of it. */
static bool
pump_can_push(const struct sim_conn *r, uint64_t total)
{
	uint64_t left;
	uint32_t space;

	if (r->c == NULL || r->tx_bytes >= total)
		return false;
	left = total - r->tx_bytes;
	space = tern_tcp_send_space(r->c);
	return space >= PUMP_CHUNK || space >= left;
}

static bool
pump_ready(struct sim *sim, void *arg)
{
	const struct pump *u = arg;

	(void)sim;
	return pump_done(u) || pump_can_push(u->p->c, u->a_total) ||
	       pump_can_push(u->p->s, u->b_total) ||
	       u->p->c->closed > 0 || u->p->s->closed > 0;
}

static void
pump_push(struct sim_conn *r, uint64_t total)
{
	int32_t rc;

	if (r->c == NULL || r->tx_bytes >= total)
		return;
	rc = sim_conn_send_pattern(r, (uint32_t)RTE_MIN(total - r->tx_bytes,
							  (uint64_t)INT32_MAX));
	SIM_ASSERT(rc >= 0, "%s: tern_tcp_send() = %d", r->node->name, rc);
}

void
dpair_transfer(struct dpair *p, uint64_t a_to_b, uint64_t b_to_a,
	       uint64_t max_ns)
{
	struct pump u = {
		.p = p,
		.a_total = p->c->tx_bytes + a_to_b,
		.b_total = p->s->tx_bytes + b_to_a,
	};
	uint64_t deadline = sim_now(p->sim) + max_ns;

	/* The receivers are caught up before a transfer starts. */
	SIM_ASSERT_EQ(p->s->rx_bytes, p->c->tx_bytes);
	SIM_ASSERT_EQ(p->c->rx_bytes, p->s->tx_bytes);
	while (!pump_done(&u)) {
		uint64_t before = p->c->tx_bytes + p->s->tx_bytes;

		SIM_ASSERT(p->c->closed == 0 && p->s->closed == 0,
			   "connection closed mid-transfer: A why %d, B why %d",
			   p->c->why, p->s->why);
		SIM_ASSERT(sim_now(p->sim) < deadline,
			   "after %.3f s: A sent %" PRIu64 "/%" PRIu64
			   ", B got %" PRIu64 "; B sent %" PRIu64 "/%" PRIu64
			   ", A got %" PRIu64, max_ns / 1e9, p->c->tx_bytes,
			   u.a_total, p->s->rx_bytes, p->s->tx_bytes,
			   u.b_total, p->c->rx_bytes);
		pump_push(p->c, u.a_total);
		pump_push(p->s, u.b_total);
		if (p->c->tx_bytes + p->s->tx_bytes == before &&
		    pump_ready(p->sim, &u))
			sim_step(p->sim, deadline); /* nothing to push: move */
		else
			sim_run_until(p->sim, pump_ready, &u,
				      deadline - sim_now(p->sim));
	}
	SIM_ASSERT_EQ(p->s->rx_bytes, u.a_total);
	SIM_ASSERT_EQ(p->c->rx_bytes, u.b_total);
	SIM_ASSERT_EQ(p->s->rx_bad_at, 0);
	SIM_ASSERT_EQ(p->c->rx_bad_at, 0);
}

void
dpair_close(struct dpair *p, uint64_t max_ns)
{
	SIM_ASSERT_EQ(tern_tcp_close(p->c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(p->s->c), 0);
	SIM_WAIT(p->sim, p->c->closed == 1 && p->s->closed == 1, max_ns);
	SIM_ASSERT_EQ(p->c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(p->s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(p->c->peer_closed, 1);
	SIM_ASSERT_EQ(p->s->peer_closed, 1);
	/* nothing beyond what was sent ever arrived */
	SIM_ASSERT_EQ(p->s->rx_bytes, p->c->tx_bytes);
	SIM_ASSERT_EQ(p->c->rx_bytes, p->s->tx_bytes);
}

static bool
no_connections(struct sim *sim, void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < sim_node_count(sim); i++) {
		const struct sim_node *n = sim_node(sim, i);

		if (n->ctx != NULL && sim_conn_count(n) > 0)
			return false;
	}
	return true;
}

void
dpair_finish(struct dpair *p)
{
	SIM_ASSERT_EQ(tern_tcp_unlisten(p->l->l), 0);
	SIM_ASSERT(sim_run_until(p->sim, no_connections, NULL,
				 DATA_RUN_OUT_NS),
		   "connections left: A %u, B %u", sim_conn_count(p->a),
		   sim_conn_count(p->b));
	/* what the last state changes sent is delivered and handled */
	sim_run_for(p->sim, SIM_S);
	sim_assert_quiescent(p->sim);
	sim_destroy(p->sim);
	p->sim = NULL;
}

uint64_t
dpair_stat(const struct dpair *p, tern_stat_t id)
{
	return sim_stat(p->a, id) + sim_stat(p->b, id);
}

unsigned int
data_rec_count_payload(const struct sim_recorder *r,
		       const struct sim_node *from, const struct sim_node *to)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct sim_rec_entry *e = &r->e[i];

		if (e->h.kind == SIM_PKT_TCP && e->h.payload_len > 0 &&
		    (from == NULL || e->from == from->idx) &&
		    (to == NULL || e->to == to->idx))
			n++;
	}
	return n;
}

static enum sim_verdict
dropper_fn(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct data_dropper *d = arg;

	(void)m;
	if (fc->h->payload_len == 0)
		return SIM_PASS;
	if (d->originals_only) {
		uint32_t end = fc->h->seq + fc->h->payload_len;

		if (d->started && (int32_t)(end - d->high_end) <= 0)
			return SIM_PASS; /* a retransmission */
		d->started = true;
		d->high_end = end;
	}
	d->seen++;
	for (unsigned int i = 0; i < d->n; i++) {
		if (d->nth[i] != d->seen)
			continue;
		if (d->dropped < RTE_DIM(d->dropped_seq))
			d->dropped_seq[d->dropped] = fc->h->seq;
		d->dropped++;
		return SIM_DROP;
	}
	return SIM_PASS;
}

int
data_drop_data_segments(struct sim *sim, const struct sim_node *from,
			const struct sim_node *to, struct data_dropper *d)
{
	const struct sim_tamper t = {
		.from = from,
		.to = to,
		.tcp_only = true,
		.fn = dropper_fn,
		.arg = d,
	};

	return sim_tamper_add(sim, &t);
}

void
dpair_print_counters(const struct dpair *p, const char *label)
{
	static const tern_stat_t ids[] = {
		TERN_STAT_TCP_OUT_SEGS, TERN_STAT_TCP_RETRANS_SEGS,
		TERN_STAT_TCP_FAST_RETRANS, TERN_STAT_TCP_SACK_RECOVERY,
		TERN_STAT_TCP_RENO_RECOVERY, TERN_STAT_TCP_PARTIAL_ACKS,
		TERN_STAT_TCP_RTO_EXPIRED, TERN_STAT_TCP_SPURIOUS_RTO,
		TERN_STAT_TCP_DUP_ACKS, TERN_STAT_TCP_OFO_QUEUE,
		TERN_STAT_TCP_DROP_OOO, TERN_STAT_TCP_IN_CSUM_ERRORS,
	};
	const struct sim_node *nodes[] = { p->a, p->b };

	for (unsigned int k = 0; k < RTE_DIM(nodes); k++) {
		fprintf(stderr, "  %s %s:", label, nodes[k]->name);
		for (unsigned int i = 0; i < RTE_DIM(ids); i++)
			fprintf(stderr, " %s=%" PRIu64, tern_stat_name(ids[i]),
				sim_stat(nodes[k], ids[i]));
		fprintf(stderr, "\n");
	}
}
