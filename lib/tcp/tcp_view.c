/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Views of this lcore's connections (tern_tcp_view.h). Reads only,
 * except the bulk close/abort of a graceful stop, which go through the
 * public calls (and so through the state table) like an app would.
 */
#include <string.h>

#include <netinet/in.h>

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tern_tcp_view.h"

static const char *const timer_names[] = {
		[TERN_TCP_TIMER_NONE] = "off",
		[TERN_TCP_TIMER_RTX] = "on",
		[TERN_TCP_TIMER_PERSIST] = "persist",
		[TERN_TCP_TIMER_DELACK] = "delack",
		[TERN_TCP_TIMER_TLP] = "tlp",
		[TERN_TCP_TIMER_KEEPALIVE] = "keepalive",
		[TERN_TCP_TIMER_FIN_WAIT_2] = "fin_wait2",
		[TERN_TCP_TIMER_TIME_WAIT] = "timewait",
};

const char *
tern_tcp_timer_name(enum tern_tcp_timer_kind k)
{
	return (unsigned int)k < RTE_DIM(timer_names) ? timer_names[k] : "?";
}

/* The earliest of a connection's deadlines and which one it is. */
static void
view_timer(const struct tern_ctx *ctx, const struct tern_conn *c,
	   struct tern_tcp_conn_view *v)
{
	const struct {
		uint64_t at;
		enum tern_tcp_timer_kind kind;
	} d[] = {
		{ c->rtx_deadline_ns, (c->flags & CF_PERSIST) ?
		  TERN_TCP_TIMER_PERSIST : TERN_TCP_TIMER_RTX },
		{ c->tlp_deadline_ns, TERN_TCP_TIMER_TLP },
		{ c->delack_deadline_ns, TERN_TCP_TIMER_DELACK },
		{ c->ka_deadline_ns, TERN_TCP_TIMER_KEEPALIVE },
		{ c->fw2_deadline_ns, TERN_TCP_TIMER_FIN_WAIT_2 },
	};
	uint64_t best = UINT64_MAX;

	v->timer = TERN_TCP_TIMER_NONE;
	v->timer_ms = 0;
	for (unsigned int i = 0; i < RTE_DIM(d); i++) {
		if (d[i].at == 0 || d[i].at >= best)
			continue;
		best = d[i].at;
		v->timer = d[i].kind;
	}
	if (v->timer != TERN_TCP_TIMER_NONE && best > ctx->now_ns)
		v->timer_ms = (best - ctx->now_ns) / NS_PER_MS;
}

static void
view_of_conn(const struct tern_ctx *ctx, const struct tern_conn *c,
	     struct tern_tcp_conn_view *v)
{
	memset(v, 0, sizeof(*v));
	v->id = c->id;
	tern_tcp_get_info(c, &v->info);
	v->recv_q = c->rcv_held + v->info.ooo_bytes;
	v->send_q = c->sq_bytes;
	v->app_owned = (c->flags & CF_APP_OWNED) &&
		       !(c->flags & CF_CLOSED_CB);
	view_timer(ctx, c, v);
}

static void
view_of_tw(const struct tern_ctx *ctx, const struct tcp_tw *tw,
	   struct tern_tcp_conn_view *v)
{
	uint32_t now_ms = tcp_now_ms(ctx);
	int32_t left = (int32_t)(tw->expire_ms - now_ms);

	memset(v, 0, sizeof(*v));
	v->info = (struct tern_tcp_info){
		.state = TERN_TCP_TIME_WAIT,
		.family = AF_INET,
		.laddr = tw->node.key.laddr,
		.faddr = tw->node.key.faddr,
		.lport = rte_be_to_cpu_16(tw->node.key.lport),
		.fport = rte_be_to_cpu_16(tw->node.key.fport),
		.snd_nxt = tw->snd_nxt,
		.rcv_nxt = tw->rcv_nxt,
		.ts_ok = tw->ts_ok != 0,
		.ssthresh = UINT32_MAX,
	};
	if (tcp_key_is6(&tw->node.key)) {
		v->info.family = AF_INET6;
		v->info.laddr = 0;
		v->info.faddr = 0;
		tcp_key6_addrs(ctx, &tw->node.key, &v->info.laddr6,
			       &v->info.faddr6);
	}
	v->timer = TERN_TCP_TIMER_TIME_WAIT;
	v->timer_ms = left > 0 ? (uint64_t)left : 0;
}

static void
view_of_listener(const struct tern_listener *l, struct tern_tcp_conn_view *v)
{
	memset(v, 0, sizeof(*v));
	v->info = (struct tern_tcp_info){
		.state = TERN_TCP_LISTEN,
		.family = AF_INET,
		.laddr = l->ctx->ifc.ip,
		.lport = l->port,
		.ssthresh = UINT32_MAX,
	};
	v->recv_q = l->n_synrcvd;
	v->send_q = l->backlog;
}

/*
 * Visit each node of @p t. The next node is read before @p visit runs,
 * so a visit may remove the node it is given (close, abort).
 */
typedef int (*ctable_visit_fn)(struct tern_hnode *n, void *arg);

/* Buckets [*from, *from + count) of @p t; *from moves on. @return
 * nodes visited; *stopped when @p visit asked to stop. */
static unsigned int
ctable_walk_range(struct tern_ctable *t, uint32_t *from, uint32_t count,
		  ctable_visit_fn visit, void *arg, bool *stopped)
{
	unsigned int seen = 0;

	for (; t->buckets != NULL && *from <= t->mask && count > 0;
	     (*from)++, count--) {
		struct tern_hnode *n = t->buckets[*from], *next;

		for (; n != NULL; n = next) {
			next = n->next;
			seen++;
			if (visit(n, arg) != 0) {
				*stopped = true;
				return seen;
			}
		}
	}
	return seen;
}

static unsigned int
ctable_walk(struct tern_ctable *t, ctable_visit_fn visit, void *arg)
{
	uint32_t from = 0;
	bool stopped = false;

	return ctable_walk_range(t, &from, UINT32_MAX, visit, arg, &stopped);
}

/* Counts what tern_tcp_conn_walk() hands on. */
struct count_arg {
	tern_tcp_view_fn fn;
	void *arg;
	unsigned int seen;
};

static int
count_one(const struct tern_tcp_conn_view *v, void *arg)
{
	struct count_arg *c = arg;

	c->seen++;
	return c->fn(v, c->arg);
}

struct walk_arg {
	struct tern_ctx *ctx;
	tern_tcp_view_fn fn;
	void *arg;
	struct tern_tcp_conn_view v;
	bool stopped;
};

static int
walk_conn(struct tern_hnode *n, void *arg)
{
	struct walk_arg *w = arg;

	view_of_conn(w->ctx, container_of(n, struct tern_conn, node), &w->v);
	w->stopped = w->fn(&w->v, w->arg) != 0;
	return w->stopped;
}

static int
walk_tw(struct tern_hnode *n, void *arg)
{
	struct walk_arg *w = arg;

	view_of_tw(w->ctx, container_of(n, struct tcp_tw, node), &w->v);
	w->stopped = w->fn(&w->v, w->arg) != 0;
	return w->stopped;
}

enum walk_phase {
	WALK_LISTENERS,
	WALK_CONNS,
	WALK_TWS,
	WALK_DONE,
};

/* One table's share of a step. @return true when the walk must stop
 * here (budget spent or fn stopped it). */
static bool
walk_table(struct tern_ctable *t, ctable_visit_fn visit, struct walk_arg *a,
	   struct tern_tcp_walk *w, uint32_t *budget)
{
	uint32_t before = w->bucket;

	ctable_walk_range(t, &w->bucket, *budget, visit, a, &a->stopped);
	*budget -= RTE_MIN(*budget, w->bucket - before);
	if (a->stopped)
		return true;
	if (t->buckets == NULL || w->bucket > t->mask) {
		w->phase++;
		w->bucket = 0;
		return false;
	}
	return true;
}

bool
tern_tcp_conn_walk_step(struct tern_ctx *ctx, struct tern_tcp_walk *w,
			uint32_t buckets, tern_tcp_view_fn fn, void *arg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct walk_arg a = { .ctx = ctx, .fn = fn, .arg = arg };
	uint32_t budget = buckets;

	if (tcp == NULL)
		w->phase = WALK_DONE;
	if (w->phase == WALK_LISTENERS) {
		for (struct tern_listener *l = tcp->listeners; l != NULL;
		     l = l->next) {
			view_of_listener(l, &a.v);
			if (fn(&a.v, arg) != 0) {
				w->phase = WALK_DONE;
				return true;
			}
		}
		w->phase = WALK_CONNS;
		w->bucket = 0;
	}
	if (w->phase == WALK_CONNS &&
	    walk_table(&tcp->conns, walk_conn, &a, w, &budget))
		goto out;
	if (w->phase == WALK_TWS &&
	    walk_table(&tcp->tws, walk_tw, &a, w, &budget))
		goto out;
out:
	if (a.stopped)
		w->phase = WALK_DONE;
	return w->phase >= WALK_DONE;
}

unsigned int
tern_tcp_conn_walk(struct tern_ctx *ctx, tern_tcp_view_fn fn, void *arg)
{
	struct tern_tcp_walk w = { 0 };
	struct count_arg c = { .fn = fn, .arg = arg };

	while (!tern_tcp_conn_walk_step(ctx, &w, UINT32_MAX, count_one, &c))
		;
	return c.seen;
}

struct find_arg {
	uint32_t id;
	struct tern_conn *found;
};

static int
find_conn(struct tern_hnode *n, void *arg)
{
	struct find_arg *f = arg;
	struct tern_conn *c = container_of(n, struct tern_conn, node);

	if (c->id != f->id)
		return 0;
	f->found = c;
	return 1;
}

uint32_t
tern_tcp_conn_id(const struct tern_conn *c)
{
	return c->id;
}

struct tern_conn *
tern_tcp_conn_by_id(struct tern_ctx *ctx, uint32_t id)
{
	struct find_arg f = { .id = id };

	if (tcp_of(ctx) == NULL || id == 0)
		return NULL;
	ctable_walk(&tcp_of(ctx)->conns, find_conn, &f);
	return f.found;
}

static bool
app_holds(const struct tern_conn *c)
{
	return (c->flags & CF_APP_OWNED) && !(c->flags & CF_CLOSED_CB);
}

void
tern_tcp_stop_accepting(struct tern_ctx *ctx)
{
	if (tcp_of(ctx) != NULL)
		tcp_of(ctx)->stop_accepting = true;
}

static int
close_one(struct tern_hnode *n, void *arg)
{
	struct tern_conn *c = container_of(n, struct tern_conn, node);
	unsigned int *count = arg;

	if (app_holds(c) && !(c->flags & CF_FIN_QUEUED) &&
	    tern_tcp_close(c) == 0)
		(*count)++;
	return 0;
}

unsigned int
tern_tcp_close_all(struct tern_ctx *ctx)
{
	unsigned int count = 0;

	if (tcp_of(ctx) != NULL)
		ctable_walk(&tcp_of(ctx)->conns, close_one, &count);
	return count;
}

static int
abort_one(struct tern_hnode *n, void *arg)
{
	struct tern_conn *c = container_of(n, struct tern_conn, node);
	unsigned int *count = arg;

	if (app_holds(c)) {
		tcp_conn_abort(c->ctx, c);
		(*count)++;
	}
	return 0;
}

unsigned int
tern_tcp_abort_all(struct tern_ctx *ctx)
{
	unsigned int count = 0;

	if (tcp_of(ctx) != NULL)
		ctable_walk(&tcp_of(ctx)->conns, abort_one, &count);
	return count;
}

static int
count_held(struct tern_hnode *n, void *arg)
{
	unsigned int *count = arg;

	if (app_holds(container_of(n, struct tern_conn, node)))
		(*count)++;
	return 0;
}

unsigned int
tern_tcp_app_conns(struct tern_ctx *ctx)
{
	unsigned int count = 0;

	if (tcp_of(ctx) != NULL)
		ctable_walk(&tcp_of(ctx)->conns, count_held, &count);
	return count;
}
