/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Requests from control threads to the workers (tern_rt_ctl.h).
 *
 * A request lives on the heap because a caller may give up waiting
 * (the worker stalled or stopped): whoever of caller and worker touches
 * it last frees it, decided by one atomic state:
 *
 *   QUEUED --worker takes it--> RUNNING --fn returned--> DONE (caller frees)
 *   QUEUED --caller gives up--> ABANDONED (worker frees, fn never runs)
 *
 * A caller that sees RUNNING waits for DONE: fn may use the caller's
 * memory, and requests are short.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "rt_priv.h"
#include "tern_rt_ctl.h"

/* Requests in flight per worker: callers are serialised, so one would
 * do; the rest leaves room for abandoned ones not yet freed. */
#define RT_REQ_RING_SIZE 64

enum rt_req_state {
	RT_REQ_QUEUED,
	RT_REQ_RUNNING,
	RT_REQ_DONE,
	RT_REQ_ABANDONED,
};

struct rt_req {
	tern_rt_call_fn fn;
	void *arg;
	atomic_int state;
};

int
rt_ctl_setup(struct tern_rt *rt)
{
	char name[RTE_RING_NAMESIZE];
	int rc = pthread_mutex_init(&rt->ctl_lock, NULL);

	if (rc != 0)
		return -rc;
	rt->ctl_lock_ready = true;
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		struct rt_worker *w = rt->workers[i];

		snprintf(name, sizeof(name), "tern_req_%u_%u", getpid() & 0xffff,
			 i);
		w->req_ring = rte_ring_create(name, RT_REQ_RING_SIZE,
					      w->socket_id,
					      RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->req_ring == NULL) {
			RT_LOG(rt, ERR, "request ring %s: %s", name,
			       rte_strerror(rte_errno));
			return -rte_errno;
		}
		atomic_init(&w->serving, RT_SERVE_NOT_YET);
	}
	return 0;
}

void
rt_ctl_free(struct tern_rt *rt)
{
	void *obj;

	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		struct rt_worker *w = rt->workers[i];

		if (w == NULL || w->req_ring == NULL)
			continue;
		/* Only abandoned requests can be left. */
		while (rte_ring_sc_dequeue(w->req_ring, &obj) == 0)
			free(obj);
		rte_ring_free(w->req_ring);
		w->req_ring = NULL;
	}
	if (rt->ctl_lock_ready)
		pthread_mutex_destroy(&rt->ctl_lock);
	rt->ctl_lock_ready = false;
}

void
rt_ctl_serve(struct rt_worker *w)
{
	struct rt_req *req;
	void *obj;
	int queued;

	while (rte_ring_sc_dequeue(w->req_ring, &obj) == 0) {
		req = obj;
		queued = RT_REQ_QUEUED;
		if (!atomic_compare_exchange_strong(&req->state, &queued,
						    RT_REQ_RUNNING)) {
			free(req);      /* abandoned by its caller */
			continue;
		}
		req->fn(&w->ctx, req->arg);
		atomic_store_explicit(&req->state, RT_REQ_DONE,
				      memory_order_release);
	}
}

void
rt_ctl_worker_start(struct rt_worker *w)
{
	atomic_store(&w->serving, RT_SERVE_RUNNING);
}

/* After the loop: no more requests are taken; serve what came in. */
void
rt_ctl_worker_stop(struct rt_worker *w)
{
	atomic_store(&w->serving, RT_SERVE_STOPPED);
	rt_ctl_serve(w);
}

static uint64_t
ctl_now_ms(const struct tern_rt *rt)
{
	return tern_clock_now_ns(&rt->clock) / 1000000u;
}

static void
ctl_pause(void)
{
	const struct timespec t = { .tv_sec = 0, .tv_nsec = 50000 };

	nanosleep(&t, NULL);
}

/* Wait until @p w serves requests. @return 0; -EAGAIN. */
static int
wait_serving(const struct tern_rt *rt, struct rt_worker *w,
	     uint64_t deadline_ms)
{
	for (;;) {
		int s = atomic_load(&w->serving);

		if (s == RT_SERVE_RUNNING)
			return 0;
		if (s == RT_SERVE_STOPPED || ctl_now_ms(rt) >= deadline_ms)
			return -EAGAIN;
		ctl_pause();
	}
}

/* Wait for @p req to be done. @return 0; or the error of giving up. */
static int
wait_done(const struct tern_rt *rt, struct rt_worker *w, struct rt_req *req,
	  uint64_t deadline_ms)
{
	for (;;) {
		int s = atomic_load_explicit(&req->state,
					     memory_order_acquire);
		bool late = ctl_now_ms(rt) >= deadline_ms;

		if (s == RT_REQ_DONE) {
			free(req);
			return 0;
		}
		if (s == RT_REQ_QUEUED &&
		    (late || atomic_load(&w->serving) == RT_SERVE_STOPPED)) {
			int queued = RT_REQ_QUEUED;

			/* The worker frees it if it ever takes it. */
			if (atomic_compare_exchange_strong(&req->state, &queued,
							   RT_REQ_ABANDONED))
				return late ? -ETIMEDOUT : -EAGAIN;
			continue;
		}
		ctl_pause();
	}
}

int
tern_rt_worker_call(struct tern_rt *rt, unsigned int worker,
		    tern_rt_call_fn fn, void *arg)
{
	uint64_t deadline_ms;
	struct rt_worker *w;
	struct rt_req *req;
	int rc;

	if (rt == NULL || worker >= rt->nb_workers || fn == NULL ||
	    !rt->ctl_lock_ready)
		return -EINVAL;
	w = rt->workers[worker];
	pthread_mutex_lock(&rt->ctl_lock);
	deadline_ms = ctl_now_ms(rt) + TERN_RT_CALL_TIMEOUT_MS;
	rc = wait_serving(rt, w, deadline_ms);
	if (rc != 0)
		goto out;
	req = malloc(sizeof(*req));
	if (req == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	req->fn = fn;
	req->arg = arg;
	atomic_init(&req->state, RT_REQ_QUEUED);
	if (rte_ring_sp_enqueue(w->req_ring, req) != 0) {
		free(req);
		rc = -EAGAIN;
		goto out;
	}
	rc = wait_done(rt, w, req, deadline_ms);
out:
	pthread_mutex_unlock(&rt->ctl_lock);
	return rc;
}

int
tern_rt_worker_info(const struct tern_rt *rt, unsigned int worker,
		    struct tern_rt_worker_info *info)
{
	const struct rt_worker *w;

	if (rt == NULL || worker >= rt->nb_workers)
		return -EINVAL;
	w = rt->workers[worker];
	*info = (struct tern_rt_worker_info){
		.lcore_id = w->lcore_id,
		.queue_id = w->queue_id,
		.socket_id = w->socket_id,
		.running = atomic_load(&w->serving) == RT_SERVE_RUNNING,
		.loops = atomic_load_explicit(&w->loops,
					      memory_order_relaxed),
		.idle_loops = atomic_load_explicit(&w->idle_loops,
						   memory_order_relaxed),
	};
	return 0;
}

uint16_t
tern_rt_port_id(const struct tern_rt *rt)
{
	return rt->port.id;
}

const char *
tern_rt_port_name(const struct tern_rt *rt)
{
	return rt->port.name;
}

const char *
tern_rt_app_name(const struct tern_rt *rt)
{
	return rt->app.name;
}
