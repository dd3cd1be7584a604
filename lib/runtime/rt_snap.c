/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Snapshots of the running stack (tern_rt_snap.h): copied on each
 * worker's lcore through its request ring, combined here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rt_priv.h"
#include "tcp_fsm.h"
#include "tern_rt_snap.h"

static void
copy_stats(struct tern_ctx *ctx, void *arg)
{
	*(struct tern_stats *)arg = ctx->stats;
}

int
tern_rt_snap_stats(struct tern_rt *rt, uint32_t worker,
		   struct tern_stats *out)
{
	struct tern_stats one;
	int rc;

	if (worker != TERN_RT_ALL_WORKERS)
		return tern_rt_worker_call(rt, worker, copy_stats, out);
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		rc = tern_rt_worker_call(rt, i, copy_stats, &one);
		if (rc != 0)
			return rc;
		tern_stats_add(out, &one);
	}
	return 0;
}

static void
copy_states(struct tern_ctx *ctx, void *arg)
{
	tern_tcp_state_counts(ctx, arg);
}

int
tern_rt_snap_states(struct tern_rt *rt, uint32_t counts[TERN_TCP_NSTATES])
{
	uint32_t one[TERN_TCP_NSTATES];
	int rc;

	memset(counts, 0, sizeof(one));
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		rc = tern_rt_worker_call(rt, i, copy_states, one);
		if (rc != 0)
			return rc;
		for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
			counts[s] += one[s];
	}
	return 0;
}

static void
add_fsm_hits(struct tern_ctx *ctx, void *arg)
{
	uint64_t *hits = arg;
	unsigned int rows = tern_tcp_fsm_entries();

	for (unsigned int i = 0; i < rows; i++)
		hits[i] += tern_tcp_fsm_hits(ctx, i);
}

int
tern_rt_snap_fsm(struct tern_rt *rt, uint64_t *hits)
{
	int rc;

	memset(hits, 0, sizeof(*hits) * tern_tcp_fsm_entries());
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		rc = tern_rt_worker_call(rt, i, add_fsm_hits, hits);
		if (rc != 0)
			return rc;
	}
	return 0;
}

uint64_t
tern_rt_conn_id(const struct tern_rt *rt, unsigned int worker, uint32_t id)
{
	if (id == 0)
		return 0;
	return (uint64_t)(id - 1) * rt->nb_workers + worker + 1;
}

struct conn_list {
	const struct tern_rt *rt;
	const struct tern_rt_conn_filter *filter;
	struct tern_rt_conn *out;
	unsigned int max;
	unsigned int written;
	unsigned int total;
	unsigned int worker;
	struct tern_tcp_walk walk;  /* of the current worker */
	bool done;
};

static bool
conn_matches(const struct tern_rt_conn_filter *f,
	     const struct tern_tcp_conn_view *v)
{
	if (f == NULL)
		return true;
	if (f->state >= 0 && (int)v->info.state != f->state)
		return false;
	return f->port == 0 || v->info.lport == f->port ||
	       v->info.fport == f->port;
}

static int
list_one(const struct tern_tcp_conn_view *v, void *arg)
{
	struct conn_list *l = arg;
	struct tern_rt_conn *c;

	if (!conn_matches(l->filter, v))
		return 0;
	l->total++;
	if (l->filter != NULL && l->total <= l->filter->skip)
		return 0;
	if (l->written == l->max)
		return 0;
	c = &l->out[l->written++];
	c->v = *v;
	c->worker = l->worker;
	c->id = tern_rt_conn_id(l->rt, l->worker, v->id);
	return 0;
}

/* Table buckets one request may walk (64 KiB of bucket pointers): a
 * small slice of the worker's time however many connections it has;
 * a listing of the default tables (64 Ki buckets each) takes 16. */
#define RT_WALK_BUCKETS 8192

static void
list_conns(struct tern_ctx *ctx, void *arg)
{
	struct conn_list *l = arg;

	l->done = tern_tcp_conn_walk_step(ctx, &l->walk, RT_WALK_BUCKETS,
					  list_one, l);
}

int
tern_rt_snap_conns(struct tern_rt *rt,
		   const struct tern_rt_conn_filter *filter,
		   struct tern_rt_conn *out, unsigned int max,
		   unsigned int *total)
{
	struct conn_list l = {
		.rt = rt, .filter = filter, .out = out, .max = max,
	};
	int rc;

	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		l.worker = i;
		memset(&l.walk, 0, sizeof(l.walk));
		do {
			rc = tern_rt_worker_call(rt, i, list_conns, &l);
			if (rc != 0)
				return rc;
		} while (!l.done);
	}
	if (total != NULL)
		*total = l.total;
	return (int)l.written;
}

struct conn_call {
	uint32_t id;
	tern_rt_conn_fn fn;
	void *arg;
	bool found;
};

static void
call_on_conn(struct tern_ctx *ctx, void *arg)
{
	struct conn_call *cc = arg;
	struct tern_conn *c = tern_tcp_conn_by_id(ctx, cc->id);

	if (c == NULL)
		return;
	cc->found = true;
	cc->fn(c, cc->arg);
}

int
tern_rt_conn_call(struct tern_rt *rt, uint64_t id, tern_rt_conn_fn fn,
		  void *arg)
{
	struct conn_call cc = { .fn = fn, .arg = arg };
	unsigned int worker;
	uint64_t local;
	int rc;

	if (id == 0 || rt->nb_workers == 0)
		return -ENOENT;
	worker = (unsigned int)((id - 1) % rt->nb_workers);
	local = (id - 1) / rt->nb_workers + 1;
	if (local > UINT32_MAX)
		return -ENOENT;
	cc.id = (uint32_t)local;
	rc = tern_rt_worker_call(rt, worker, call_on_conn, &cc);
	if (rc != 0)
		return rc;
	return cc.found ? 0 : -ENOENT;
}

/* A table listing that every worker adds its entries to, in turn. */
struct snap_list {
	void *out;
	unsigned int max;
	unsigned int written;
	unsigned int worker;
};

/* Run @p list on every worker with @p l. @return entries or -errno. */
static int
snap_every_worker(struct tern_rt *rt,
		  void (*list)(struct tern_ctx *ctx, void *arg),
		  struct snap_list *l)
{
	int rc;

	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		l->worker = i;
		rc = tern_rt_worker_call(rt, i, list, l);
		if (rc != 0)
			return rc;
	}
	return (int)l->written;
}

static void
list_arp(struct tern_ctx *ctx, void *arg)
{
	struct snap_list *l = arg;
	struct tern_rt_arp *out = l->out;

	for (unsigned int i = 0; i < TERN_ARP_ENTRIES; i++) {
		const struct tern_arp_entry *e = &ctx->arp->e[i];
		struct tern_rt_arp *a;

		if (e->state == TERN_ARP_FREE || l->written == l->max)
			continue;
		a = &out[l->written++];
		a->worker = l->worker;
		a->ip = e->ip;
		a->mac = e->mac;
		a->state = e->state;
		a->pending = e->npending;
		a->age_ms = ctx->now_ns > e->confirmed_ns ?
			    (ctx->now_ns - e->confirmed_ns) / 1000000u : 0;
	}
}

int
tern_rt_snap_arp(struct tern_rt *rt, struct tern_rt_arp *out,
		 unsigned int max)
{
	struct snap_list l = { .out = out, .max = max };

	return snap_every_worker(rt, list_arp, &l);
}

static void
list_nd(struct tern_ctx *ctx, void *arg)
{
	struct snap_list *l = arg;
	struct tern_rt_nd *out = l->out;

	for (unsigned int i = 0; i < TERN_ND_ENTRIES; i++) {
		const struct tern_nd_entry *e = &ctx->nd->e[i];
		struct tern_rt_nd *a;

		if (e->state == TERN_ND_FREE || l->written == l->max)
			continue;
		a = &out[l->written++];
		a->worker = l->worker;
		a->ip = e->ip;
		a->mac = e->mac;
		a->state = e->state;
		a->pending = e->npending;
		a->age_ms = ctx->now_ns > e->confirmed_ns ?
			    (ctx->now_ns - e->confirmed_ns) / 1000000u : 0;
	}
}

int
tern_rt_snap_nd(struct tern_rt *rt, struct tern_rt_nd *out,
		unsigned int max)
{
	struct snap_list l = { .out = out, .max = max };

	return snap_every_worker(rt, list_nd, &l);
}

char *
tern_rt_format_addr(rte_be32_t ip, uint16_t port, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = ip };
	char s[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &a, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	if (port == 0)
		snprintf(buf, len, "%s:*", s);
	else
		snprintf(buf, len, "%s:%u", s, port);
	return buf;
}

char *
tern_rt_format_addr6(const struct tern_ip6 *ip, uint16_t port, char *buf,
		     size_t len)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, ip->b, s, sizeof(s)) == NULL)
		snprintf(s, sizeof(s), "?");
	snprintf(buf, len, "[%s]:%u", s, port);
	return buf;
}

void
tern_rt_format_conn_addrs(const struct tern_tcp_info *i,
			  char local[TERN_RT_ADDR_STRLEN],
			  char peer[TERN_RT_ADDR_STRLEN])
{
	bool v6 = i->family == AF_INET6;

	if (v6)
		tern_rt_format_addr6(&i->laddr6, i->lport, local,
				     TERN_RT_ADDR_STRLEN);
	else
		tern_rt_format_addr(i->laddr, i->lport, local,
				    TERN_RT_ADDR_STRLEN);
	if (i->state == TERN_TCP_LISTEN)
		snprintf(peer, TERN_RT_ADDR_STRLEN, "%s",
			 v6 ? "[::]:*" : "0.0.0.0:*");
	else if (v6)
		tern_rt_format_addr6(&i->faddr6, i->fport, peer,
				     TERN_RT_ADDR_STRLEN);
	else
		tern_rt_format_addr(i->faddr, i->fport, peer,
				    TERN_RT_ADDR_STRLEN);
}

const char *
tern_rt_conn_header(void)
{
	return "ID     State        Recv-Q  Send-Q  Local Address:Port     "
	       "Peer Address:Port      Details";
}

void
tern_rt_format_conn(const struct tern_rt_conn *c, char *buf, size_t len)
{
	const struct tern_tcp_info *i = &c->v.info;
	char local[TERN_RT_ADDR_STRLEN], peer[TERN_RT_ADDR_STRLEN];
	char id[24], ssthresh[16];

	tern_rt_format_conn_addrs(i, local, peer);
	if (c->id != 0)
		snprintf(id, sizeof(id), "%" PRIu64, c->id);
	else
		snprintf(id, sizeof(id), "-");
	if (i->ssthresh == UINT32_MAX)
		snprintf(ssthresh, sizeof(ssthresh), "-");
	else
		snprintf(ssthresh, sizeof(ssthresh), "%u", i->ssthresh);
	if (i->state == TERN_TCP_LISTEN || i->state == TERN_TCP_TIME_WAIT) {
		snprintf(buf, len, "%-6s %-12s %-7u %-7u %-22s %-22s "
			 "timer:(%s,%" PRIu64 "ms) worker:%u", id,
			 tern_tcp_state_name(i->state), c->v.recv_q,
			 c->v.send_q, local, peer,
			 tern_tcp_timer_name(c->v.timer), c->v.timer_ms,
			 c->worker);
		return;
	}
	snprintf(buf, len, "%-6s %-12s %-7u %-7u %-22s %-22s "
		 "rtt:%u.%03u/%u.%03u rto:%u cwnd:%u ssthresh:%s mss:%u "
		 "retrans:%u timer:(%s,%" PRIu64 "ms) worker:%u", id,
		 tern_tcp_state_name(i->state), c->v.recv_q, c->v.send_q,
		 local, peer, i->srtt_us / 1000, i->srtt_us % 1000,
		 i->rttvar_us / 1000, i->rttvar_us % 1000, i->rto_ms,
		 i->cwnd, ssthresh, i->mss, i->retransmits,
		 tern_tcp_timer_name(c->v.timer), c->v.timer_ms, c->worker);
}
