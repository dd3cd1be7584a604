/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The runtime's lifecycle: create (command line, configuration, EAL,
 * port, workers), run (one loop per worker lcore until stopped), and
 * destroy. Signals are not caught by a handler: SIGINT and SIGTERM are
 * blocked in every thread and a control thread takes them with
 * sigtimedwait(), so no file-scope state is needed to reach the runtime.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "rt_priv.h"
#include "tcp_fsm.h"
#include "tern_build_config.h"
#include "tern_net.h"
#include "tern_stack.h"

/* How often the control thread looks at the --duration deadline while
 * waiting for a signal: the granularity of --duration. */
#define RT_CONTROL_TICK_MS 50

static void
stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

void
tern_rt_request_stop(struct tern_rt *rt)
{
	atomic_store_explicit(&rt->stop, true, memory_order_relaxed);
}

bool
tern_rt_stopping(const struct tern_rt *rt)
{
	return atomic_load_explicit(&rt->stop, memory_order_relaxed);
}

struct tern_rt *
tern_rt_of_ctx(const struct tern_ctx *ctx)
{
	return ((const struct rt_worker *)ctx)->rt;
}

const struct tern_config *
tern_rt_config(const struct tern_rt *rt)
{
	return &rt->cfg;
}

unsigned int
tern_rt_worker_count(const struct tern_rt *rt)
{
	return rt->nb_workers;
}

static void
rt_fail(struct tern_rt *rt, int rc)
{
	int none = 0;

	atomic_compare_exchange_strong(&rt->run_rc, &none, rc);
	tern_rt_request_stop(rt);
}

static struct rt_worker *
worker_of_lcore(const struct tern_rt *rt, unsigned int lcore)
{
	for (unsigned int i = 0; i < rt->nb_workers; i++)
		if (rt->workers[i]->lcore_id == lcore)
			return rt->workers[i];
	return NULL;
}

/*
 * Each phase below runs on every lcore through rte_eal_mp_remote_launch
 * so that a worker's stack is built, driven and torn down by its own
 * lcore: allocations land on its NUMA node and mbufs go through its
 * mempool cache.
 */
static int
phase_stack_init(void *arg)
{
	struct tern_rt *rt = arg;
	struct rt_worker *w = worker_of_lcore(rt, rte_lcore_id());
	struct tern_stack_conf conf;

	if (w == NULL)
		return 0;
	rt_stack_conf_fill(rt, w, &conf);
	w->rc = tern_stack_init(&w->ctx, &conf);
	if (w->rc != 0) {
		RT_LOG(rt, ERR, "lcore %u: stack init: %s%s", w->lcore_id,
		       rte_strerror(-w->rc), w->rc == -ENOMEM ?
		       " (the pools of [tcp] max_conns, max_tw and "
		       "reass_conns did not fit the EAL's memory)" : "");
		rt_fail(rt, w->rc);
		return w->rc;
	}
	w->stack_ready = true;
	return 0;
}

/* The application's and the shell's share of a loop iteration. */
static void
worker_app_poll(struct tern_ctx *ctx, void *arg)
{
	struct rt_worker *w = arg;
	const struct tern_rt_app *app = &w->rt->app;

	if (app->lcore_poll != NULL) {
		w->in_app_poll = true;
		app->lcore_poll(ctx, app->arg);
		w->in_app_poll = false;
	}
	rt_ctl_serve(w);
}

/* One loop iteration: receive a burst, step the stack (input, @p poll,
 * timers, one flush). */
static void
worker_iteration(struct tern_rt *rt, struct rt_worker *w,
		 tern_stack_app_poll_fn poll)
{
	struct tern_ctx *ctx = &w->ctx;
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint64_t loops, idle;
	uint16_t n;

	n = rte_eth_rx_burst(ctx->port_id, ctx->queue_id, pkts,
			     TERN_RX_BURST);
	tern_stack_step(ctx, tern_clock_now_ns(&rt->clock), pkts, n, poll, w);
	/* Single writer: plain stores, read by the shell. */
	loops = atomic_load_explicit(&w->loops, memory_order_relaxed);
	atomic_store_explicit(&w->loops, loops + 1, memory_order_relaxed);
	if (n == 0) {
		idle = atomic_load_explicit(&w->idle_loops,
					    memory_order_relaxed);
		atomic_store_explicit(&w->idle_loops, idle + 1,
				      memory_order_relaxed);
	}
}

static void
worker_loop(struct tern_rt *rt, struct rt_worker *w)
{
	rt_ctl_worker_start(w);
	while (!tern_rt_stopping(rt))
		worker_iteration(rt, w, worker_app_poll);
	rt_ctl_worker_stop(w);
}

uint64_t
tern_rt_clock_ns(const struct tern_ctx *ctx)
{
	const struct rt_worker *w = (const struct rt_worker *)ctx;

	return tern_clock_now_ns(&w->rt->clock);
}

int
tern_rt_drive(struct tern_ctx *ctx, uint64_t deadline_ns)
{
	struct rt_worker *w = (struct rt_worker *)ctx;
	bool outer_in_step = ctx->in_step;

	/* The deadline is the caller's to check against ctx->now_ns: one
	 * busy-polling iteration never waits long enough to overrun it. */
	RTE_SET_USED(deadline_ns);
	/* Inside a stack callback, or inside a drive (whose step calls
	 * no app code but the stack's callbacks), the stack is half-way
	 * through a step: stepping it again would re-enter it. Only the
	 * app's poll, or a point outside any step, may drive. */
	if (w->driving || (ctx->in_step && !w->in_app_poll))
		return -EDEADLK;
	if (tern_rt_stopping(w->rt))
		return -ECANCELED;
	w->driving = true;
	/* No app poll and no control requests: a request may call into
	 * the app (a drain), which is blocked in this very call. */
	worker_iteration(w->rt, w, NULL);
	w->driving = false;
	/* Called from the app's poll: the outer step resumes. */
	ctx->in_step = outer_in_step;
	return 0;
}

static int
phase_run(void *arg)
{
	struct tern_rt *rt = arg;
	struct rt_worker *w = worker_of_lcore(rt, rte_lcore_id());
	int rc = 0;

	if (w == NULL || !w->stack_ready)
		return 0;
	tern_ctx_set_now(&w->ctx, tern_clock_now_ns(&rt->clock));
	if (rt->app.lcore_init != NULL)
		rc = rt->app.lcore_init(&w->ctx, rt->app.arg);
	if (rc != 0) {
		RT_LOG(rt, ERR, "lcore %u: application init: %s", w->lcore_id,
		       rte_strerror(-rc));
		rt_fail(rt, rc);
		return rc;
	}
	w->app_ready = true;
	/* Tell the segment who we are now, rather than at the first ARP
	 * request: the kernel side of a tap learns us without asking. */
	if (w->queue_id == 0)
		tern_arp_announce(&w->ctx);
	worker_loop(rt, w);
	return 0;
}

static int
phase_teardown(void *arg)
{
	struct tern_rt *rt = arg;
	struct rt_worker *w = worker_of_lcore(rt, rte_lcore_id());

	if (w == NULL)
		return 0;
	tern_ctx_set_now(&w->ctx, tern_clock_now_ns(&rt->clock));
	if (w->app_ready && rt->app.lcore_fini != NULL)
		rt->app.lcore_fini(&w->ctx, rt->app.arg);
	w->app_ready = false;
	if (w->stack_ready)
		tern_stack_fini(&w->ctx);
	w->stack_ready = false;
	return 0;
}

static int
lcores_run_phase(struct tern_rt *rt, lcore_function_t *phase)
{
	int rc = rte_eal_mp_remote_launch(phase, rt, CALL_MAIN);

	if (rc != 0) {
		RT_LOG(rt, ERR, "cannot launch the lcores: %s",
		       rte_strerror(-rc));
		return rc;
	}
	rte_eal_mp_wait_lcore();
	return atomic_load(&rt->run_rc);
}

static bool
stacks_up(const struct tern_rt *rt)
{
	for (unsigned int i = 0; i < rt->nb_workers; i++)
		if (rt->workers[i]->stack_ready)
			return true;
	return false;
}

/* Takes SIGINT/SIGTERM and watches the --duration deadline. */
static void *
control_thread_main(void *arg)
{
	struct tern_rt *rt = arg;
	const struct timespec tick = {
		.tv_sec = 0, .tv_nsec = RT_CONTROL_TICK_MS * 1000000L
	};
	sigset_t set;
	int sig;

	stop_signals(&set);
	while (!tern_rt_stopping(rt)) {
		sig = sigtimedwait(&set, NULL, &tick);
		if (sig > 0) {
			RT_LOG(rt, NOTICE, "%s: stopping", strsignal(sig));
			rt_drain_poll(rt, true);
		} else if (tern_clock_now_ns(&rt->clock) >= rt->deadline_ns) {
			RT_LOG(rt, NOTICE, "duration of %u.%03u s reached: "
			       "stopping", rt->cfg.duration_ms / 1000,
			       rt->cfg.duration_ms % 1000);
			tern_rt_request_stop(rt);
		} else {
			rt_drain_poll(rt, false);
		}
	}
	return NULL;
}

static void *
app_thread_main(void *arg)
{
	struct tern_rt *rt = arg;

	rt->app.control(rt, rt->app.arg);
	return NULL;
}

static int
app_thread_start(struct tern_rt *rt)
{
	int rc;

	if (rt->app.control == NULL)
		return 0;
	rc = rte_ctrl_thread_create(&rt->app_thread, "tern-app-ctl", NULL,
				    app_thread_main, rt);
	if (rc != 0) {
		RT_LOG(rt, ERR, "application control thread: %s",
		       rte_strerror(rc));
		return -rc;
	}
	rt->app_thread_running = true;
	return 0;
}

static void
app_thread_stop(struct tern_rt *rt)
{
	if (!rt->app_thread_running)
		return;
	tern_rt_request_stop(rt);
	pthread_join(rt->app_thread, NULL);
	rt->app_thread_running = false;
}

static int
control_thread_start(struct tern_rt *rt)
{
	uint64_t now = tern_clock_now_ns(&rt->clock);
	int rc;

	rt->deadline_ns = rt->cfg.duration_ms == 0 ? UINT64_MAX :
			  now + (uint64_t)rt->cfg.duration_ms * 1000000u;
	rc = rte_ctrl_thread_create(&rt->control_thread, "tern-control", NULL,
				    control_thread_main, rt);
	if (rc != 0) {
		RT_LOG(rt, ERR, "control thread: %s", rte_strerror(rc));
		return -rc;
	}
	rt->control_running = true;
	return 0;
}

static void
control_thread_stop(struct tern_rt *rt)
{
	if (!rt->control_running)
		return;
	tern_rt_request_stop(rt);
	pthread_join(rt->control_thread, NULL);
	rt->control_running = false;
}

static void
ipv4_format(rte_be32_t addr, char *out, size_t len)
{
	struct in_addr a = { .s_addr = addr };

	if (inet_ntop(AF_INET, &a, out, (socklen_t)len) == NULL)
		snprintf(out, len, "?");
}

/* Our IPv6 addresses (link-local from the MAC) while DAD runs. */
static void
print_banner_ip6(const struct tern_config *cfg, FILE *f)
{
	char a[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];

	if (tern_ip6_is_unspec(&cfg->ip6))
		return;
	inet_ntop(AF_INET6, cfg->ip6.b, a, sizeof(a));
	if (tern_ip6_is_unspec(&cfg->gw6))
		snprintf(gw, sizeof(gw), "none");
	else
		inet_ntop(AF_INET6, cfg->gw6.b, gw, sizeof(gw));
	fprintf(f, "  ip6      %s/%u, gateway %s\n", a, cfg->ip6_prefix_len,
		gw);
}

static void
print_banner(const struct tern_rt *rt, FILE *f)
{
	const struct rt_port *p = &rt->port;
	const struct tern_config *cfg = &rt->cfg;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], hf[128];
	char ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	struct rte_eth_link link;

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	ipv4_format(cfg->ip, ip, sizeof(ip));
	if (cfg->gateway == 0)
		snprintf(gw, sizeof(gw), "none");
	else
		ipv4_format(cfg->gateway, gw, sizeof(gw));
	tern_rss_hf_format(p->rss_hf, hf, sizeof(hf));
	memset(&link, 0, sizeof(link));
	rte_eth_link_get_nowait(p->id, &link);

	fprintf(f, "%s: tern %s on %s\n", rt->app.name, TERN_VERSION,
		rte_version());
	fprintf(f, "  port     %u %s, driver %s, profile %s, mac %s, "
		"link %s\n", p->id, p->name, p->info.driver_name,
		cfg->profile.name, mac, link.link_status ? "up" : "down");
	fprintf(f, "  ip       %s/%u, gateway %s, mtu %u\n", ip,
		cfg->prefix_len, gw, p->mtu);
	print_banner_ip6(cfg, f);
	fprintf(f, "  lcores   %u, workers %u:", rte_lcore_count(),
		rt->nb_workers);
	for (unsigned int i = 0; i < rt->nb_workers; i++)
		fprintf(f, " lcore %u->queue %u (socket %d)",
			rt->workers[i]->lcore_id, rt->workers[i]->queue_id,
			rt->workers[i]->socket_id);
	fprintf(f, "\n  queues   %u, rx_desc %u, tx_desc %u, mbufs %u per "
		"worker\n", p->nb_queues, p->rx_desc, p->tx_desc, cfg->mbufs);
	fprintf(f, "  tcp      max_conns %u, max_tw %u per worker (%u MiB at "
		"%u bytes a TIME_WAIT record)\n", cfg->tcp.max_conns,
		cfg->tcp.max_tw, (unsigned int)(((uint64_t)cfg->tcp.max_tw *
		tern_tcp_tw_footprint_bytes(cfg->tcp.max_tw)) >> 20),
		tern_tcp_tw_footprint_bytes(cfg->tcp.max_tw));
	fprintf(f, "  rss      %s%s\n", p->rss_hf != 0 ? hf : "off",
		p->rx_rss_hash ? " (symmetric TCP hash used as flow hash)" :
		"");
	if (rt->nb_workers > 1)
		fprintf(f, "  flows    %s\n", p->port_steers ?
			"reach their owner by the port's RSS (redirection "
			"table read back)" : "owned by a software table, "
			"steered between workers over rings");
	fprintf(f, "  offloads rx-cksum %s, tx-ip-cksum %s, tx-tcp-cksum %s, "
		"tx-tso %s\n", p->rx_cksum ? "on" : "off",
		p->tx_ip_cksum ? "on" : "off", p->tx_tcp_cksum ? "on" : "off",
		p->tx_tso ? "on" : "off");
	if (cfg->fault_rx_drop_ppm != 0 || cfg->fault_tx_drop_ppm != 0)
		fprintf(f, "  fault    rx drop %u ppm, tx drop %u ppm, "
			"seed %u\n", cfg->fault_rx_drop_ppm, cfg->fault_tx_drop_ppm,
			cfg->fault_seed);
	fprintf(f, "%s: running%s\n", rt->app.name,
		cfg->duration_ms != 0 ? " (time-limited)" :
		" until SIGINT/SIGTERM");
	fflush(f);
}

void
tern_rt_stats_sum(const struct tern_rt *rt, struct tern_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < rt->nb_workers; i++)
		tern_stats_add(sum, &rt->workers[i]->ctx.stats);
}

void
tern_rt_tcp_state_counts(const struct tern_rt *rt,
			 uint32_t counts[TERN_TCP_NSTATES])
{
	uint32_t one[TERN_TCP_NSTATES];

	memset(counts, 0, sizeof(uint32_t) * TERN_TCP_NSTATES);
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		if (!rt->workers[i]->stack_ready)
			continue;
		tern_tcp_state_counts(&rt->workers[i]->ctx, one);
		for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
			counts[s] += one[s];
	}
}

/* The rows of the TCP state table taken on any worker, with how often:
 * the path connections went (ESTABLISHED --SEG_FIN--> CLOSE_WAIT, ...).
 * Only while the loops are stopped, like the state counts. */
static void
print_tcp_transitions(const struct tern_rt *rt, FILE *f)
{
	unsigned int rows = tern_tcp_fsm_entries();

	fprintf(f, "tcp transitions taken:\n");
	for (unsigned int i = 0; i < rows; i++) {
		uint64_t hits = 0;

		for (unsigned int w = 0; w < rt->nb_workers; w++)
			if (rt->workers[w]->stack_ready)
				hits += tern_tcp_fsm_hits(&rt->workers[w]->ctx,
							  i);
		if (hits != 0)
			fprintf(f, "  %-50s %" PRIu64 "\n",
				tern_tcp_fsm_entry_name(i), hits);
	}
}

/* Who owned what: connections opened, frames handed between workers,
 * and the connections each holds now. Only while the loops are
 * stopped, like the state counts. */
static void
print_workers(const struct tern_rt *rt, FILE *f)
{
	uint32_t states[TERN_TCP_NSTATES];

	fprintf(f, "workers (%u, flows %s):\n", rt->nb_workers,
		rt->nb_workers < 2 ? "all on one" : rt->port.port_steers ?
		"owned by the port's RSS table" :
		"owned by a software table, steered between workers");
	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		const struct rt_worker *w = rt->workers[i];
		const struct tern_stats *s = &w->ctx.stats;

		fprintf(f, "  worker %u lcore %u queue %u: conns %" PRIu64
			" (passive %" PRIu64 " active %" PRIu64 ") steered "
			"out %" PRIu64 " in %" PRIu64 " ring drops %" PRIu64
			"\n", i, w->lcore_id, w->queue_id,
			s->c[TERN_STAT_TCP_PASSIVE_OPENS] +
			s->c[TERN_STAT_TCP_ACTIVE_OPENS],
			s->c[TERN_STAT_TCP_PASSIVE_OPENS],
			s->c[TERN_STAT_TCP_ACTIVE_OPENS],
			s->c[TERN_STAT_STEERED_OUT],
			s->c[TERN_STAT_STEERED_IN],
			s->c[TERN_STAT_STEER_RING_FULL]);
		if (!w->stack_ready)
			continue;
		tern_tcp_state_counts(&w->ctx, states);
		fprintf(f, "    by state:");
		for (unsigned int k = 0; k < TERN_TCP_NSTATES; k++)
			if (states[k] != 0)
				fprintf(f, " %s %u", tern_tcp_state_name(
					(enum tern_tcp_state)k), states[k]);
		fprintf(f, "\n");
	}
}

void
tern_rt_print_stats(const struct tern_rt *rt, FILE *f)
{
	uint32_t states[TERN_TCP_NSTATES];
	struct rte_eth_stats ps;
	struct tern_stats sum;

	tern_rt_stats_sum(rt, &sum);
	fprintf(f, "counters (sum of %u workers):\n", rt->nb_workers);
	tern_stats_print(f, &sum);
	if (rt->port.configured && rte_eth_stats_get(rt->port.id, &ps) == 0)
		fprintf(f, "port %s: ipackets %" PRIu64 " opackets %" PRIu64
			" imissed %" PRIu64 " ierrors %" PRIu64 " oerrors %"
			PRIu64 " rx_nombuf %" PRIu64 "\n", rt->port.name,
			ps.ipackets, ps.opackets, ps.imissed, ps.ierrors,
			ps.oerrors, ps.rx_nombuf);
	tern_rt_tcp_state_counts(rt, states);
	fprintf(f, "tcp connections by state:\n");
	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		fprintf(f, "  %-22s %u\n",
			tern_tcp_state_name((enum tern_tcp_state)s),
			states[s]);
	print_tcp_transitions(rt, f);
	print_workers(rt, f);
	fflush(f);
}

/*
 * [run] hold_port: the workers have stopped polling; keep the port open
 * until the next stop signal. DPDK 22.11's memif PMD unmaps the shared
 * rings from its interrupt thread when the peer disconnects, with no
 * synchronisation against an rx_burst in progress on a worker: a
 * process still polling when its peer closes can crash inside the PMD.
 * Two processes over one memif pair therefore stop polling first, both,
 * and only then close their ports (tests/interop/vdev_runtime.sh).
 */
static void
hold_port(struct tern_rt *rt)
{
	const struct timespec limit = { TERN_RT_HOLD_PORT_MAX_S, 0 };
	sigset_t set;

	printf("%s: holding the port until SIGINT/SIGTERM\n", rt->app.name);
	fflush(stdout);
	stop_signals(&set);
	if (sigtimedwait(&set, NULL, &limit) < 0)
		printf("%s: no signal in %d s: closing the port\n",
		       rt->app.name, TERN_RT_HOLD_PORT_MAX_S);
}

int
tern_rt_run(struct tern_rt *rt)
{
	int rc;

	if (rt == NULL || !rt->eal_ready || rt->nb_workers == 0)
		return -EINVAL;
	rc = rt_port_start(rt);
	if (rc != 0)
		return rc;
	print_banner(rt, stdout);
	rc = control_thread_start(rt);
	if (rc == 0)
		rc = app_thread_start(rt);
	if (rc == 0)
		rc = lcores_run_phase(rt, phase_run);
	control_thread_stop(rt);
	app_thread_stop(rt);
	printf("%s: stopped\n", rt->app.name);
	rt_drain_report(rt, stdout);
	tern_rt_print_stats(rt, stdout);
	if (rt->cfg.hold_port)
		hold_port(rt);
	lcores_run_phase(rt, phase_teardown);
	return rc;
}

static int
logtype_register(void)
{
	int type = rte_log_register_type_and_pick_level("tern.runtime",
							 RTE_LOG_INFO);

	return type >= 0 ? type : RTE_LOGTYPE_USER1;
}

/* Block SIGINT/SIGTERM before EAL starts its threads, which inherit the
 * mask: only the control thread then takes them. */
static int
signals_take_over(struct tern_rt *rt)
{
	sigset_t set;
	int rc;

	stop_signals(&set);
	rc = pthread_sigmask(SIG_BLOCK, &set, &rt->saved_sigmask);
	if (rc != 0)
		return -rc;
	rt->sigmask_saved = true;
	return 0;
}

/* Drop a stop signal still pending (a second Ctrl-C while stopping)
 * so that unblocking it does not kill the process on its way out. */
static void
signals_restore(struct tern_rt *rt)
{
	const struct timespec zero = { 0, 0 };
	sigset_t set;

	if (!rt->sigmask_saved)
		return;
	stop_signals(&set);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &rt->saved_sigmask, NULL);
	rt->sigmask_saved = false;
}

/*
 * Let dpdk-dumpcap (a secondary process) capture our RX and TX. It
 * needs a shared configuration: without one (--in-memory, --no-shconf)
 * there is nobody to serve it, which is not an error.
 */
static void
capture_init(struct tern_rt *rt)
{
	if (rte_pdump_init() != 0)
		RT_LOG(rt, INFO, "packet capture (dpdk-dumpcap) unavailable: "
		       "%s", rte_strerror(rte_errno));
	else
		rt->pdump_ready = true;
}

/* Everything before rte_eal_init(): options, files, profile. */
static int
create_config(struct tern_rt *rt, int argc, char **argv)
{
	int rc = rt_cmdline_parse(rt, argc, argv);

	if (rc != 0)
		return rc;
	if (rt->cmd.help) {
		rt_usage(rt, stdout);
		return -ECANCELED;
	}
	rc = rt_resolve_port(rt);
	if (rc == 0)
		rc = tern_config_check(&rt->cfg);
	if (rc != 0)
		return rc;
	if (rt->cmd.print_config) {
		tern_config_write(&rt->cfg, stdout);
		return -ECANCELED;
	}
	return rt_eal_args_build(rt);
}

static int
create_eal(struct tern_rt *rt)
{
	int rc = signals_take_over(rt);

	if (rc != 0)
		return rc;
	if (rte_eal_init(rt->eal_argc, rt->eal_argv) < 0) {
		rc = -rte_errno;
		RT_LOG(rt, ERR, "EAL init failed: %s", rte_strerror(rte_errno));
		return rc != 0 ? rc : -EINVAL;
	}
	rt->eal_ready = true;
	rc = tern_clock_init(&rt->clock);
	if (rc != 0) {
		RT_LOG(rt, ERR, "no TSC frequency: no clock");
		return rc;
	}
	capture_init(rt);
	return 0;
}

int
tern_rt_create(int argc, char **argv, const struct tern_rt_app *app,
	       struct tern_rt **out)
{
	struct tern_rt *rt = calloc(1, sizeof(*rt));
	int rc;

	*out = rt;
	if (rt == NULL)
		return -ENOMEM;
	rt->app = *app;
	if (rt->app.name == NULL)
		rt->app.name = "tern";
	rt->logtype = logtype_register();
	atomic_init(&rt->stop, false);
	atomic_init(&rt->run_rc, 0);
	tern_config_defaults(&rt->cfg, rt->logtype);

	rc = create_config(rt, argc, argv);
	if (rc == 0)
		rc = create_eal(rt);
	if (rc == 0)
		rc = rt_port_find(rt);
	if (rc == 0)
		rc = rt_port_configure(rt);
	if (rc == 0)
		rc = rt_workers_setup(rt);
	if (rc == 0)
		rc = rt_steer_setup(rt);
	if (rc == 0)
		rt_tw_fit(rt);
	if (rc == 0)
		rc = rt_ctl_setup(rt);
	if (rc == 0)
		rc = rt_fault_install(rt);
	if (rc == 0)
		rc = lcores_run_phase(rt, phase_stack_init);
	if (rc == 0)
		rc = rt_telemetry_register(rt);
	return rc;
}

int
tern_rt_destroy(struct tern_rt *rt)
{
	int rc = 0;

	if (rt == NULL)
		return 0;
	control_thread_stop(rt);
	app_thread_stop(rt);
	rt_telemetry_unregister(rt);
	if (rt->eal_ready && stacks_up(rt))
		lcores_run_phase(rt, phase_teardown);
	rt_ctl_free(rt);
	/* Every loop has stopped: the frames left on the rings go back to
	 * their pools before those are checked. */
	rt_steer_free(rt);
	if (rt->pdump_ready)
		rte_pdump_uninit();
	rt_port_close(rt);
	rc = rt_pools_free(rt);
	if (rt->eal_ready)
		rte_eal_cleanup();
	signals_restore(rt);
	free(rt->eal_argv);
	free(rt->eal_strings);
	free(rt);
	return rc;
}
