/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Soak: for each of TERN_SIM_SEEDS seeds (1000 by default; TERN_SIM_SEED
 * replays one), two stacks run a random schedule of open / send /
 * shutdown / close / abort over a wire with random faults (drop,
 * duplicate, reorder, delay, corrupt); odd seeds free their sent frames
 * late (sim_set_tx_hold()), and one seed in eight turns zero-copy send
 * off. After every step of the
 * simulation:
 *  - the states of the two ends of each connection form a legal pair;
 *  - every byte received is the byte sent at that offset (no
 *    duplicate, gap or corruption reaches the app; checked in recv());
 *  - an end that saw the peer's FIN has received all the peer sent.
 * At the end every handle is closed, TIME_WAIT runs out, and: no
 * connection is left, closed() came exactly once per handle, no
 * segment was built larger than the MTU, and no mbuf is leaked (pools
 * back to their idle count, then to baseline).
 *
 * TERN_SIM_WORKERS=N (up to 3) makes each side a host of N workers
 * behind a NIC with N queues (sim_add_host), listeners on every worker;
 * then also: every connection is on the worker that owns its 4-tuple,
 * no steering ring overflowed, and frames were steered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "sim_app.h"
#include "sim_test.h"
#include "tern_owner.h"

#define SOAK_PORT 7000
#define SOAK_ACTIONS 60
#define SOAK_MAX_LIVE 8
#define SOAK_MAX_RECS 128
#define SOAK_SEND_MAX 30000
#define SOAK_DEFAULT_SEEDS 1000
/* A failing seed does not stop the soak (the next may show another
 * bug); this many do. */
#define SOAK_MAX_FAILED_SEEDS 5
/* TERN_SIM_WORKERS: workers of each of the two hosts (issue 10). */
#define SOAK_WORKERS_MAX 3
/* Virtual time the close-out may take: a FIN retransmitted up to
 * max_retries with RTOs capped at rto_max, plus 2MSL, with margin. */
#define SOAK_DRAIN_MAX (30 * 60 * SIM_S)

enum soak_action {
	ACT_OPEN,
	ACT_SEND,
	ACT_SHUTDOWN,
	ACT_CLOSE,
	ACT_ABORT,
	ACT_CONSUME,
	ACT_IDLE,
};

struct soak {
	struct sim *sim;
	unsigned int nw;                /**< workers per host */
	struct sim_node *n[2][SOAK_WORKERS_MAX];  /**< [host][worker] */
	struct sim_listener *l[2][SOAK_WORKERS_MAX];
	struct sim_rng rng;             /**< the schedule, not the wire */
	struct sim_conn *recs[SOAK_MAX_RECS];
	unsigned int nrecs;
	bool ended[SOAK_MAX_RECS];      /**< shutdown/close/abort called */
	bool fin_checked[SOAK_MAX_RECS];
	bool closed_called[SOAK_MAX_RECS]; /**< close() in the close-out */
	bool manual[SOAK_MAX_RECS];     /**< the app holds what it reads */
	uint64_t consumed[SOAK_MAX_RECS]; /**< released by recv_done() */
	uint64_t next_key;
	/* totals for the summary */
	uint64_t opens, bytes, fin_checks;
	uint32_t pairs_seen[TERN_TCP_NSTATES][TERN_TCP_NSTATES];
};

struct soak_totals {
	uint64_t seeds, opens, bytes, verified, fin_checks, steered;
	uint64_t frames, lost, corrupted;
	uint64_t zc_sent, zc_copies;   /* TxZeroCopy, TxZeroCopyCopies */
	uint64_t pairs_seen[TERN_TCP_NSTATES][TERN_TCP_NSTATES];
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
	/* per connection: a slow reader (zero windows, persist probes)
	 * and Nagle, each on a third of them */
	s->manual[s->nrecs] = sim_rng_below(&s->rng, 3) == 0;
	if (r->c != NULL) {
		if (s->manual[s->nrecs])
			tern_tcp_set_recv_manual(r->c, true);
		if (sim_rng_below(&s->rng, 3) == 0)
			tern_tcp_set_nagle(r->c, true);
	}
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
		if (!cl->active || cl->user != s ||
		    cl->node->host == srv->node->host)
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

/* With workers: a connection lives on the worker that owns its 4-tuple
 * (lib/core/tern_owner.h), whether it opened it or accepted it. */
static void
check_owner(const struct sim_conn *r)
{
	struct tern_tcp_info info;
	uint32_t hash;

	tern_tcp_get_info(r->c, &info);
	hash = sim_flow_hash(r->node->ctx, &info);
	SIM_ASSERT(tern_flow_owner(&r->node->ctx->ifc, hash) ==
		   r->node->worker, "%s port %u->%u (%s, %s) is owned by "
		   "worker %u", r->node->name, info.lport, info.fport,
		   r->active ? "opened" : "accepted",
		   tern_tcp_state_name(info.state),
		   tern_flow_owner(&r->node->ctx->ifc, hash));
}

/* After every step: legal state pairs, complete streams at FIN, and
 * each connection on its owner. */
static void
soak_check(struct sim *sim, void *arg)
{
	struct soak *s = arg;

	for (unsigned int i = 0; i < s->nrecs; i++) {
		struct sim_conn *r = s->recs[i];
		struct sim_conn *p = peer_of(s, r);
		enum tern_tcp_state a, b;

		if (s->nw > 1 && r->c != NULL)
			check_owner(r);

		if (p == NULL)
			continue;
		if (r->peer_closed && !s->fin_checked[i]) {
			s->fin_checked[i] = true;
			s->fin_checks++;
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
		s->pairs_seen[a][b] = 1;
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
	struct sim_node *from = s->n[side][0], *to = s->n[1 - side][0];
	struct sim_conn *r;

	if (live_count(s) >= SOAK_MAX_LIVE)
		return;
	/* from any worker of the host */
	if (s->nw > 1)
		from = s->n[side][sim_rng_below(&s->rng, s->nw)];
	r = sim_connect_to(from, to, SOAK_PORT);
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

/* A slow reader releases part (or all) of what it holds. */
static void
consume(struct soak *s, unsigned int i, bool all)
{
	struct sim_conn *r = s->recs[i];
	uint64_t held = r->rx_bytes - s->consumed[i];
	uint32_t n;

	if (!s->manual[i] || r->c == NULL || held == 0)
		return;
	n = all ? (uint32_t)held :
		  (uint32_t)(1 + sim_rng_below(&s->rng, held));
	tern_tcp_recv_done(r->c, n);
	s->consumed[i] += n;
}

static void
act_consume(struct soak *s)
{
	struct sim_conn *r = pick_live(s, false);

	if (r != NULL)
		consume(s, (unsigned int)rec_index(s, r),
			sim_rng_below(&s->rng, 2) == 0);
}

static enum soak_action
pick_action(struct soak *s)
{
	uint64_t x = sim_rng_below(&s->rng, 100);

	if (x < 18)
		return ACT_OPEN;
	if (x < 50)
		return ACT_SEND;
	if (x < 58)
		return ACT_SHUTDOWN;
	if (x < 68)
		return ACT_CLOSE;
	if (x < 72)
		return ACT_ABORT;
	if (x < 90)
		return ACT_CONSUME;
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
	for (unsigned int h = 0; h < 2; h++)
		for (unsigned int w = 0; w < s->nw; w++)
			if (sim_conn_count(s->n[h][w]) != 0)
				return false;
	return true;
}

static void
close_everything(struct soak *s)
{
	for (unsigned int i = 0; i < s->nrecs; i++) {
		struct sim_conn *r = s->recs[i];

		if (r->c == NULL)
			continue;
		/* slow readers catch up, so that closing is not a reset
		 * for unread data */
		consume(s, i, true);
		if (s->closed_called[i])
			continue;
		s->closed_called[i] = true;
		int rc;

		s->ended[i] = true;
		rc = tern_tcp_close(r->c);
		SIM_ASSERT(rc == 0 || rc == -ENOTCONN, "close: %d", rc);
	}
}

/* What is still open after the close-out, for the failure report. */
static void
report_left(const struct soak *s)
{
	for (unsigned int i = 0; i < 2 * s->nw; i++) {
		const struct sim_node *n = s->n[i / s->nw][i % s->nw];
		uint32_t counts[TERN_TCP_NSTATES];

		tern_tcp_state_counts(n->ctx, counts);
		for (int st = 0; st < TERN_TCP_NSTATES; st++)
			if (st != TERN_TCP_LISTEN && counts[st] > 0)
				fprintf(stderr, "%s: %u in %s\n", n->name,
					counts[st], tern_tcp_state_name(st));
	}
	for (unsigned int i = 0; i < s->nrecs; i++) {
		const struct sim_conn *r = s->recs[i];
		struct tern_tcp_info info;

		if (r->c == NULL)
			continue;
		tern_tcp_get_info(r->c, &info);
		fprintf(stderr, "%s port %u->%u: %s, snd_una %u snd_nxt %u "
			"rcv_nxt %u, unacked %u queued %u, peer_closed %u\n",
			r->node->name, info.lport, info.fport,
			tern_tcp_state_name(info.state), info.snd_una,
			info.snd_nxt, info.rcv_nxt, info.unacked_bytes,
			info.queued_bytes, r->peer_closed);
	}
}

/* Host @p name of the soak: one stack, or nw workers behind a NIC. */
static void
soak_host(struct soak *s, unsigned int h, const char *name,
	  const struct tern_tcp_conf *conf, enum sim_nic_mode nic)
{
	struct sim_node *first = s->nw == 1 ?
		sim_add_stack(s->sim, name, conf) :
		sim_add_host(s->sim, name, conf, s->nw, nic);

	for (unsigned int w = 0; w < s->nw; w++) {
		s->n[h][w] = sim_node(s->sim, first->idx + w);
		/* listeners on every worker: each accepts what it owns */
		s->l[h][w] = sim_listen(s->n[h][w], SOAK_PORT);
		s->l[h][w]->on_accept = soak_on_accept;
		s->l[h][w]->on_accept_arg = s;
	}
}

static void
run_seed(uint64_t seed, unsigned int nw, struct soak_totals *tot)
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
	/* From the seed, not the draws above (the seeds' schedules stay
	 * what they were): one seed in eight copies every segment, and
	 * one in two frees its sent frames late, as a PMD does, so that
	 * zero-copy sends find their frames still held (docs/tcp.md). */
	conf[0].tx_zero_copy = seed / 2 % 8 != 3;
	conf[1].tx_zero_copy = seed / 2 % 8 != 3;

	{
		struct sim *sim = sim_create(seed);

		s = sim_alloc(sim, sizeof(*s), NULL);
		s->sim = sim;
		if (seed % 2 == 1)
			sim_set_tx_hold(sim, 1 + (unsigned int)(seed / 2 % 96));
	}
	sim_rng_seed(&s->rng, seed ^ 0x50a450a4ull);
	s->nw = nw;
	/* with workers, each host's NIC by turns: RSS by our table (no
	 * steering), its own hash (steering), everything on queue 0 */
	soak_host(s, 0, "A", &conf[0], (enum sim_nic_mode)(seed % 3));
	soak_host(s, 1, "B", &conf[1], (enum sim_nic_mode)((seed / 3) % 3));
	sim_set_faults(s->sim, s->n[0][0], s->n[1][0], &f[0]);
	sim_set_faults(s->sim, s->n[1][0], s->n[0][0], &f[1]);
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
		case ACT_CONSUME:
			act_consume(s);
			break;
		case ACT_IDLE:
			sim_run_for(s->sim, sim_rng_below(&s->rng, SIM_S));
			break;
		}
		soak_check(s->sim, s);
		sim_run_for(s->sim, sim_rng_below(&s->rng, 200 * SIM_MS));
	}

	/* close-out: no new connections, every handle closed (again, for
	 * any accepted while the others closed), timers run out */
	for (unsigned int i = 0; i < 2 * s->nw; i++)
		SIM_ASSERT_EQ(tern_tcp_unlisten(s->l[i / s->nw][i % s->nw]->l),
			      0);
	for (uint64_t t = 0; t < SOAK_DRAIN_MAX && !all_closed(s->sim, s);
	     t += SIM_S) {
		close_everything(s);
		sim_run_until(s->sim, all_closed, s, SIM_S);
	}
	if (!all_closed(s->sim, s)) {
		report_left(s);
		sim_test_fail(__FILE__, __LINE__, "all closed",
			      "connections left after %.0f s of close-out",
			      SOAK_DRAIN_MAX / 1e9);
	}
	for (unsigned int i = 0; i < s->nrecs; i++)
		SIM_ASSERT(s->recs[i]->closed == 1, "closed() %u times for "
			   "one handle", s->recs[i]->closed);
	/* no segment was cut larger than the path allows */
	for (unsigned int i = 0; i < 2 * s->nw; i++) {
		const struct sim_node *n = s->n[i / s->nw][i % s->nw];

		SIM_ASSERT(sim_stat(n, TERN_STAT_IP_OUT_TOO_BIG) == 0,
			   "%s built %" PRIu64 " segments larger than the MTU",
			   n->name, sim_stat(n, TERN_STAT_IP_OUT_TOO_BIG));
		/* no ring between workers ever overflowed */
		SIM_ASSERT(sim_stat(n, TERN_STAT_STEER_RING_FULL) == 0,
			   "%s dropped %" PRIu64 " frames on full rings",
			   n->name, sim_stat(n, TERN_STAT_STEER_RING_FULL));
		tot->steered += sim_stat(n, TERN_STAT_STEERED_IN);
	}
	/* late duplicates and RSTs for the gone connections settle */
	sim_set_step_hook(s->sim, NULL, NULL);
	sim_run_for(s->sim, 10 * SIM_S);
	sim_assert_quiescent(s->sim);

	tot->seeds++;
	tot->opens += s->opens;
	tot->bytes += s->bytes;
	tot->fin_checks += s->fin_checks;
	for (unsigned int i = 0; i < s->nrecs; i++)
		if (s->recs[i]->rx_key != 0)
			tot->verified += s->recs[i]->rx_bytes;
	for (int a = 0; a < TERN_TCP_NSTATES; a++)
		for (int b = 0; b < TERN_TCP_NSTATES; b++)
			tot->pairs_seen[a][b] += s->pairs_seen[a][b];
	for (unsigned int h = 0; h < 2; h++)
		for (unsigned int w = 0; w < s->nw; w++) {
			tot->zc_sent += sim_stat(s->n[h][w], TERN_STAT_TCP_TX_ZC);
			tot->zc_copies += sim_stat(s->n[h][w],
						   TERN_STAT_TCP_TX_ZC_COPIES);
		}
	tot->frames += sim_wire_stats(s->sim)->sent;
	tot->lost += sim_wire_stats(s->sim)->fault_drops;
	tot->corrupted += sim_wire_stats(s->sim)->corrupted;
	sim_destroy(s->sim);
}

struct seed_run {
	uint64_t seed;
	unsigned int nw;
	struct soak_totals *tot;
};

static void
seed_fn(void *arg)
{
	struct seed_run *sr = arg;

	run_seed(sr->seed, sr->nw, sr->tot);
}

static void
soak(void)
{
	const char *env = getenv("TERN_SIM_SEEDS");
	const char *wenv = getenv("TERN_SIM_WORKERS");
	uint64_t n = env != NULL ? strtoull(env, NULL, 0) : SOAK_DEFAULT_SEEDS;
	unsigned int nw = wenv != NULL ? (unsigned int)atoi(wenv) : 1;
	uint64_t first = 1, failed[SOAK_MAX_FAILED_SEEDS];
	struct soak_totals tot = { 0 };
	unsigned int nfailed = 0;
	struct timespec t0, t1;

	SIM_ASSERT(nw >= 1 && nw <= SOAK_WORKERS_MAX,
		   "TERN_SIM_WORKERS=%u: 1 to %d", nw, SOAK_WORKERS_MAX);

	if (sim_test_seed_forced()) {
		first = sim_test_seed();
		n = 1;
	}
	/* wall time only for the summary line: CI wants to know the cost */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t seed = first; seed < first + n &&
	     nfailed < SOAK_MAX_FAILED_SEEDS; seed++) {
		struct seed_run sr = { seed, nw, &tot };

		if (!sim_test_try(seed_fn, &sr)) {
			failed[nfailed++] = seed;
			/* the first failure has the trace; then one line */
			sim_test_set_quiet(true);
		}
	}
	sim_test_set_quiet(false);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("soak: %" PRIu64 " seeds, %" PRIu64 " connections, %" PRIu64
	       " bytes sent, %" PRIu64 " received and checked by offset, %"
	       PRIu64 " FIN checks, %" PRIu64 " frames (%" PRIu64 " lost, %"
	       PRIu64 " corrupted) in %.1f s\n", tot.seeds, tot.opens,
	       tot.bytes, tot.verified, tot.fin_checks, tot.frames, tot.lost,
	       tot.corrupted, (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (sim_test_family() == 6)
		printf("soak: over IPv6 (each stack's DAD and ND included in "
		       "the frames)\n");
	printf("soak: %" PRIu64 " segments sent zero-copy, %" PRIu64 " heads "
	       "copied back from frames still held\n", tot.zc_sent,
	       tot.zc_copies);
	if (nw > 1)
		printf("soak: %u workers per host, %" PRIu64 " frames steered "
		       "between workers\n", nw, tot.steered);
	printf("soak: state pairs seen (client, server: seeds):");
	for (int a = 0; a < TERN_TCP_NSTATES; a++)
		for (int b = 0; b < TERN_TCP_NSTATES; b++)
			if (tot.pairs_seen[a][b] > 0)
				printf(" %s/%s:%" PRIu64, tern_tcp_state_name(a),
				       tern_tcp_state_name(b),
				       tot.pairs_seen[a][b]);
	printf("\n");
	if (nfailed > 0) {
		printf("soak: failing seeds:");
		for (unsigned int i = 0; i < nfailed; i++)
			printf(" %" PRIu64, failed[i]);
		printf("%s\n", nfailed == SOAK_MAX_FAILED_SEEDS ?
		       " (stopped there)" : "");
		sim_test_set_seed(failed[0]);
		SIM_ASSERT(nfailed == 0, "%u seeds failed; the first is %" PRIu64,
			   nfailed, failed[0]);
	}
	/* the checks must have had something to check */
	SIM_ASSERT(tot.verified > 0 && (tot.seeds < 10 || tot.fin_checks > 0),
		   "nothing verified");
	SIM_ASSERT(tot.seeds < 10 || (tot.zc_sent > 0 && tot.zc_copies > 0),
		   "zero-copy: %" PRIu64 " sent, %" PRIu64 " copied back",
		   tot.zc_sent, tot.zc_copies);
	SIM_ASSERT(nw == 1 || tot.seeds < 10 || tot.steered > 0,
		   "%u workers per host, but no frame was steered", nw);
}

static const struct sim_test tests[] = {
	SIM_TEST(soak),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
