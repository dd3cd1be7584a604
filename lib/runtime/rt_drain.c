/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The graceful stop, driven by the control thread every tick:
 *
 *   begin:  every worker stops accepting (SYNs get RST), runs the
 *           app's lcore_drain, then closes every connection the app
 *           holds with FIN;
 *   drain:  until no connection is held or [run] drain_ms passed;
 *   end:    abort what is left (RST) and stop the loops.
 *
 * A second request (signal or quit) during the drain ends it at once.
 * The exit report says how many connections ended each way.
 */
#include <inttypes.h>

#include "rt_priv.h"
#include "tern_rt_ctl.h"
#include "tern_tcp_view.h"

struct drain_count {
	const struct tern_rt *rt;
	unsigned int held;
	unsigned int done;
};

static void
drain_begin_on_worker(struct tern_ctx *ctx, void *arg)
{
	struct drain_count *n = arg;
	const struct tern_rt_app *app = &n->rt->app;

	tern_tcp_stop_accepting(ctx);
	if (app->lcore_drain != NULL)
		app->lcore_drain(ctx, app->arg);
	n->held += tern_tcp_app_conns(ctx);
	n->done += tern_tcp_close_all(ctx);
}

/* Connection records still there (O(1), polled every tick): what the
 * app holds, plus half-open ones a listener still has. */
static void
held_on_worker(struct tern_ctx *ctx, void *arg)
{
	struct drain_count *n = arg;
	uint32_t st[TERN_TCP_NSTATES];

	tern_tcp_state_counts(ctx, st);
	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		if (s != TERN_TCP_CLOSED && s != TERN_TCP_LISTEN &&
		    s != TERN_TCP_TIME_WAIT)
			n->held += st[s];
}

static void
abort_on_worker(struct tern_ctx *ctx, void *arg)
{
	struct drain_count *n = arg;

	n->done += tern_tcp_abort_all(ctx);
}

static void
each_worker(struct tern_rt *rt, tern_rt_call_fn fn, struct drain_count *n)
{
	for (unsigned int i = 0; i < rt->nb_workers; i++)
		tern_rt_worker_call(rt, i, fn, n);
}

static void
drain_begin(struct tern_rt *rt)
{
	struct drain_count n = { .rt = rt };
	uint64_t now = tern_clock_now_ns(&rt->clock);

	atomic_store(&rt->drain.active, true);
	rt->drain.done = true;
	rt->drain.start_ns = now;
	rt->drain.deadline_ns = now + (uint64_t)rt->cfg.drain_ms * 1000000u;
	each_worker(rt, drain_begin_on_worker, &n);
	rt->drain.held = n.held;
	rt->drain.closed = n.done;
	RT_LOG(rt, NOTICE, "draining: %u connections, %u closed with FIN, "
	       "up to %u ms", n.held, n.done, rt->cfg.drain_ms);
}

static void
drain_end(struct tern_rt *rt)
{
	struct drain_count n = { .rt = rt };

	each_worker(rt, abort_on_worker, &n);
	rt->drain.aborted = n.done;
	rt->drain.end_ns = tern_clock_now_ns(&rt->clock);
	tern_rt_request_stop(rt);
}

void
rt_drain_poll(struct tern_rt *rt, bool signalled)
{
	struct drain_count n = { .rt = rt };
	int asked = atomic_exchange(&rt->drain.asked, 0) + (signalled ? 1 : 0);
	bool active = atomic_load(&rt->drain.active);

	if (asked > 0 && active) {
		RT_LOG(rt, NOTICE, "second stop request: aborting");
		drain_end(rt);
		return;
	}
	if (asked > 0) {
		drain_begin(rt);
		active = true;
		asked--;
		if (asked > 0 || rt->cfg.drain_ms == 0) {
			drain_end(rt);
			return;
		}
	}
	if (!active)
		return;
	each_worker(rt, held_on_worker, &n);
	if (n.held == 0 ||
	    tern_clock_now_ns(&rt->clock) >= rt->drain.deadline_ns)
		drain_end(rt);
}

void
tern_rt_request_drain(struct tern_rt *rt)
{
	atomic_fetch_add(&rt->drain.asked, 1);
}

bool
tern_rt_draining(const struct tern_rt *rt)
{
	return atomic_load(&rt->drain.active);
}

void
rt_drain_report(const struct tern_rt *rt, FILE *f)
{
	const struct rt_drain *d = &rt->drain;

	if (!d->done)
		return;
	fprintf(f, "drain: %u connections open, %u closed with FIN; "
		"%u finished, %u aborted after %" PRIu64 " ms\n", d->held,
		d->closed, d->held - RTE_MIN(d->aborted, d->held), d->aborted,
		(d->end_ns - d->start_ns) / 1000000u);
}
