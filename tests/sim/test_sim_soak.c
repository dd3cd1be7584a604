/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Soak: for each of TERN_SIM_SEEDS seeds (1000 by default; TERN_SIM_SEED
 * replays one), two stacks run a random schedule of open / send /
 * shutdown / close / abort over a wire with random faults (drop,
 * duplicate, reorder, delay, corrupt). After every step of the
 * simulation:
 *  - the states of the two ends of each connection form a legal pair;
 *  - every byte received is the byte sent at that offset (no
 *    duplicate, gap or corruption reaches the app; checked in recv());
 *  - an end that saw the peer's FIN has received all the peer sent.
 * At the end every handle is closed, TIME_WAIT runs out, and: no
 * connection is left, closed() came exactly once per handle, and no
 * mbuf is leaked (pools back to their idle count, then to baseline).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "sim_app.h"
#include "sim_test.h"

#define SOAK_PORT 7000
#define SOAK_ACTIONS 60
#define SOAK_MAX_LIVE 8
#define SOAK_MAX_RECS 128
#define SOAK_SEND_MAX 30000
#define SOAK_DEFAULT_SEEDS 1000
/* Virtual time the close-out may take: a FIN retransmitted up to
 * max_retries with RTOs capped at rto_max, plus 2MSL, with margin. */
#define SOAK_DRAIN_MAX (30 * 60 * SIM_S)

enum soak_action {
	ACT_OPEN,
	ACT_SEND,
	ACT_SHUTDOWN,
	ACT_CLOSE,
	ACT_ABORT,
	ACT_IDLE,
};

struct soak {
	struct sim *sim;
	struct sim_node *n[2];
	struct sim_listener *l[2];
	struct sim_rng rng;             /**< the schedule, not the wire */
	struct sim_conn *recs[SOAK_MAX_RECS];
	unsigned int nrecs;
	bool ended[SOAK_MAX_RECS];      /**< shutdown/close/abort called */
	bool fin_checked[SOAK_MAX_RECS];
	uint64_t next_key;
	/* totals for the summary */
	uint64_t opens, bytes;
};

struct soak_totals {
	uint64_t seeds, opens, bytes, frames, lost, corrupted;
};

static int
rec_index(const struct soak *s, const struct sim_conn *r)
{
	for (unsigned int i = 0; i < s->nrecs; i++)
		if (s->recs[i] == r)
			return (int)i;
	return -1;
}

static void
rec_add(struct soak *s, struct sim_conn *r)
{
	if (s->nrecs == SOAK_MAX_RECS) {
		sim_note_error(s->sim, "more than %d connections",
			       SOAK_MAX_RECS);
		return;
	}
	r->tx_key = ++s->next_key * 0x9e3779b97f4a7c15ull + sim_seed(s->sim);
	r->user = s;
	s->recs[s->nrecs++] = r;
}

/* Accepted on one node: find the client record it belongs to. */
static void
soak_on_accept(struct sim_conn *srv, void *arg)
{
	struct soak *s = arg;

	rec_add(s, srv);
	for (unsigned int i = 0; i < s->nrecs; i++) {
		struct sim_conn *cl = s->recs[i];

		/* an unpaired client record (user still s) of the other
		 * node with the same 4-tuple */
		if (!cl->active || cl->user != s || cl->node == srv->node)
			continue;
		if (cl->info.lport != srv->info.fport ||
		    cl->info.fport != srv->info.lport)
			continue;
		srv->rx_key = cl->tx_key;
		cl->rx_key = srv->tx_key;
		srv->user = cl;     /* the pair, through user */
		cl->user = srv;
		return;
	}
	sim_note_error(s->sim, "%s: accepted port %u from %u, no client "
		       "record matches", srv->node->name, srv->info.lport,
		       srv->info.fport);
}

static struct sim_conn *
peer_of(const struct soak *s, const struct sim_conn *r)
{
	return r->user == s ? NULL : r->user;
}

/* The legal (unordered) pairs of states of the two ends, both with a
 * handle (TIME_WAIT has none). Derived from RFC 9293 3.5/3.6: an end
 * can only have received (or had acked) a FIN the other sent. */
static bool
legal_pair(enum tern_tcp_state a, enum tern_tcp_state b)
{
	static const enum tern_tcp_state pairs[][2] = {
		{ TERN_TCP_ESTABLISHED, TERN_TCP_ESTABLISHED },
		{ TERN_TCP_ESTABLISHED, TERN_TCP_FIN_WAIT_1 },
		{ TERN_TCP_FIN_WAIT_1, TERN_TCP_FIN_WAIT_1 },
		{ TERN_TCP_FIN_WAIT_1, TERN_TCP_CLOSE_WAIT },
		{ TERN_TCP_FIN_WAIT_1, TERN_TCP_LAST_ACK },
		{ TERN_TCP_FIN_WAIT_1, TERN_TCP_CLOSING },
		{ TERN_TCP_FIN_WAIT_2, TERN_TCP_CLOSE_WAIT },
		{ TERN_TCP_FIN_WAIT_2, TERN_TCP_LAST_ACK },
		{ TERN_TCP_FIN_WAIT_2, TERN_TCP_CLOSING },
		{ TERN_TCP_CLOSING, TERN_TCP_CLOSING },
	};

	for (unsigned int i = 0; i < RTE_DIM(pairs); i++)
		if ((pairs[i][0] == a && pairs[i][1] == b) ||
		    (pairs[i][0] == b && pairs[i][1] == a))
			return true;
	return false;
}

/* After every step: legal state pairs, complete streams at FIN. */
static void
soak_check(struct sim *sim, void *arg)
{
	struct soak *s = arg;

	for (unsigned int i = 0; i < s->nrecs; i++) {
		struct sim_conn *r = s->recs[i];
		struct sim_conn *p = peer_of(s, r);
		enum tern_tcp_state a, b;

		if (p == NULL)
			continue;
		if (r->peer_closed && !s->fin_checked[i]) {
			s->fin_checked[i] = true;
			SIM_ASSERT(r->rx_bytes == p->tx_bytes,
				   "%s port %u saw the FIN after %" PRIu64
				   " bytes; the peer sent %" PRIu64,
				   r->node->name, r->info.lport, r->rx_bytes,
				   p->tx_bytes);
		}
		if (r->c == NULL || p->c == NULL || !r->active)
			continue;
		a = tern_tcp_state(r->c);
		b = tern_tcp_state(p->c);
		SIM_ASSERT(legal_pair(a, b), "illegal pair at %.6f s: %s "
			   "port %u in %s, %s port %u in %s", sim_now(sim) / 1e9,
			   r->node->name, r->info.lport, tern_tcp_state_name(a),
			   p->node->name, p->info.lport,
			   tern_tcp_state_name(b));
	}
}

static struct sim_conn *
pick_live(struct soak *s, bool not_ended)
{
	unsigned int live[SOAK_MAX_RECS], n = 0;

	for (unsigned int i = 0; i < s->nrecs; i++)
		if (s->recs[i]->c != NULL && (!not_ended || !s->ended[i]))
			live[n++] = i;
	if (n == 0)
		return NULL;
	return s->recs[live[sim_rng_below(&s->rng, n)]];
}

static unsigned int
live_count(const struct soak *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nrecs; i++)
		n += s->recs[i]->c != NULL;
	return n;
}

static void
act_open(struct soak *s)
{
	unsigned int side = (unsigned int)sim_rng_below(&s->rng, 2);
	struct sim_node *from = s->n[side], *to = s->n[1 - side];
	struct sim_conn *r;

	if (live_count(s) >= SOAK_MAX_LIVE)
		return;
	r = sim_connect(from, to->ip, SOAK_PORT);
	rec_add(s, r);
	s->opens++;
}

static void
act_send(struct soak *s)
{
	struct sim_conn *r = pick_live(s, true);
	enum tern_tcp_state st;
	int32_t rc;

	if (r == NULL)
		return;
	st = tern_tcp_state(r->c);
	rc = sim_conn_send_pattern(r, 1 + (uint32_t)sim_rng_below(&s->rng,
							      SOAK_SEND_MAX));
	if (rc > 0)
		s->bytes += (uint32_t)rc;
	/* before our side ended, only a lack of mbufs may refuse */
	SIM_ASSERT(rc >= 0 || rc == -ENOBUFS, "send in %s: %d",
		   tern_tcp_state_name(st), rc);
}

static void
act_end(struct soak *s, enum soak_action what)
{
	struct sim_conn *r = pick_live(s, what != ACT_ABORT);
	int idx, rc;

	if (r == NULL)
		return;
	idx = rec_index(s, r);
	s->ended[idx] = true;
	if (what == ACT_ABORT) {
		tern_tcp_abort(r->c);
		SIM_ASSERT(r->closed == 1, "abort without closed()");
		return;
	}
	rc = what == ACT_CLOSE ? tern_tcp_close(r->c) : tern_tcp_shutdown(r->c);
	SIM_ASSERT(rc == 0 || rc == -ENOTCONN, "%s: %d",
		   what == ACT_CLOSE ? "close" : "shutdown", rc);
}

static enum soak_action
pick_action(struct soak *s)
{
	uint64_t x = sim_rng_below(&s->rng, 100);

	if (x < 20)
		return ACT_OPEN;
	if (x < 60)
		return ACT_SEND;
	if (x < 70)
		return ACT_SHUTDOWN;
	if (x < 82)
		return ACT_CLOSE;
	if (x < 86)
		return ACT_ABORT;
	return ACT_IDLE;
}

static void
soak_conf(struct sim_rng *rng, struct tern_tcp_conf *conf)
{
	sim_tcp_conf_defaults(conf);
	conf->max_conns = 64;
	conf->max_tw = 64;
	conf->msl_ms = 2000;
	conf->syn_retries = 4;
	conf->synack_retries = 3;
	conf->max_retries = 6;
	conf->rto_max_ms = 4000;
	conf->fin_wait2_ms = 5000;
	conf->snd_buf = 65536;
	conf->rcv_buf = 65536;
	conf->timestamps = sim_rng_below(rng, 2);
	conf->sack = sim_rng_below(rng, 2);
	conf->window_scale = sim_rng_below(rng, 2);
}

static void
soak_faults(struct sim_rng *rng, struct sim_faults *f)
{
	memset(f, 0, sizeof(*f));
	f->latency_ns = 100 * SIM_US + sim_rng_below(rng, 2 * SIM_MS);
	f->jitter_ns = sim_rng_below(rng, 500 * SIM_US);
	f->drop_ppm = (uint32_t)sim_rng_below(rng, 30000);
	f->dup_ppm = (uint32_t)sim_rng_below(rng, 20000);
	f->reorder_ppm = (uint32_t)sim_rng_below(rng, 20000);
	f->reorder_ns = SIM_MS + sim_rng_below(rng, 4 * SIM_MS);
	f->corrupt_ppm = (uint32_t)sim_rng_below(rng, 10000);
}

static bool
all_closed(struct sim *sim, void *arg)
{
	struct soak *s = arg;

	for (unsigned int i = 0; i < s->nrecs; i++)
		if (s->recs[i]->closed == 0)
			return false;
	return sim_conn_count(s->n[0]) == 0 && sim_conn_count(s->n[1]) == 0;
}

static void
close_everything(struct soak *s)
{
	for (unsigned int i = 0; i < s->nrecs; i++) {
		struct sim_conn *r = s->recs[i];

		if (r->c == NULL)
			continue;
		int rc;

		s->ended[i] = true;
		rc = tern_tcp_close(r->c);
		SIM_ASSERT(rc == 0 || rc == -ENOTCONN, "close: %d", rc);
	}
}

static void
run_seed(uint64_t seed, struct soak_totals *tot)
{
	struct soak *s;
	struct tern_tcp_conf conf[2];
	struct sim_faults f[2];
	struct sim_rng setup;

	sim_test_set_seed(seed);
	sim_rng_seed(&setup, seed);
	soak_conf(&setup, &conf[0]);
	soak_conf(&setup, &conf[1]);
	soak_faults(&setup, &f[0]);
	soak_faults(&setup, &f[1]);

	{
		struct sim *sim = sim_create(seed);

		s = sim_alloc(sim, sizeof(*s), NULL);
		s->sim = sim;
	}
	sim_rng_seed(&s->rng, seed ^ 0x50a450a4ull);
	s->n[0] = sim_add_stack(s->sim, "A", &conf[0]);
	s->n[1] = sim_add_stack(s->sim, "B", &conf[1]);
	sim_set_faults(s->sim, s->n[0], s->n[1], &f[0]);
	sim_set_faults(s->sim, s->n[1], s->n[0], &f[1]);
	for (int i = 0; i < 2; i++) {
		s->l[i] = sim_listen(s->n[i], SOAK_PORT);
		s->l[i]->on_accept = soak_on_accept;
		s->l[i]->on_accept_arg = s;
	}
	sim_set_step_hook(s->sim, soak_check, s);

	for (int k = 0; k < SOAK_ACTIONS; k++) {
		switch (pick_action(s)) {
		case ACT_OPEN:
			act_open(s);
			break;
		case ACT_SEND:
			act_send(s);
			break;
		case ACT_SHUTDOWN:
			act_end(s, ACT_SHUTDOWN);
			break;
		case ACT_CLOSE:
			act_end(s, ACT_CLOSE);
			break;
		case ACT_ABORT:
			act_end(s, ACT_ABORT);
			break;
		case ACT_IDLE:
			sim_run_for(s->sim, sim_rng_below(&s->rng, SIM_S));
			break;
		}
		soak_check(s->sim, s);
		sim_run_for(s->sim, sim_rng_below(&s->rng, 200 * SIM_MS));
	}

	close_everything(s);
	SIM_ASSERT(sim_run_until(s->sim, all_closed, s, SOAK_DRAIN_MAX),
		   "connections left after %.0f s of close-out",
		   SOAK_DRAIN_MAX / 1e9);
	for (unsigned int i = 0; i < s->nrecs; i++)
		SIM_ASSERT(s->recs[i]->closed == 1, "closed() %u times for "
			   "one handle", s->recs[i]->closed);
	for (int i = 0; i < 2; i++)
		SIM_ASSERT_EQ(tern_tcp_unlisten(s->l[i]->l), 0);
	/* late duplicates and RSTs for the gone connections settle */
	sim_set_step_hook(s->sim, NULL, NULL);
	sim_run_for(s->sim, 10 * SIM_S);
	sim_assert_quiescent(s->sim);

	tot->seeds++;
	tot->opens += s->opens;
	tot->bytes += s->bytes;
	tot->frames += sim_wire_stats(s->sim)->sent;
	tot->lost += sim_wire_stats(s->sim)->fault_drops;
	tot->corrupted += sim_wire_stats(s->sim)->corrupted;
	sim_destroy(s->sim);
}

static void
soak(void)
{
	const char *env = getenv("TERN_SIM_SEEDS");
	uint64_t n = env != NULL ? strtoull(env, NULL, 0) : SOAK_DEFAULT_SEEDS;
	struct soak_totals tot = { 0 };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sim_test_seed_forced()) {
		run_seed(sim_test_seed(), &tot);
	} else {
		for (uint64_t seed = 1; seed <= n; seed++)
			run_seed(seed, &tot);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("soak: %" PRIu64 " seeds, %" PRIu64 " connections, %" PRIu64
	       " bytes sent, %" PRIu64 " frames (%" PRIu64 " lost, %" PRIu64
	       " corrupted) in %.1f s\n", tot.seeds, tot.opens, tot.bytes,
	       tot.frames, tot.lost, tot.corrupted,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
}

static const struct sim_test tests[] = {
	SIM_TEST(soak),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
