/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-testpmd's commands: one table (pattern, arguments, help,
 * handler), one dispatcher. The shell (cmdline) and --cmdfile both hand
 * whole lines to tp_cmd_run(). Handlers run on the shell's control
 * thread; whatever touches a worker goes through tern_rt_worker_call()
 * or a tern_rt_snap_* snapshot.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "tcp_fsm.h"
#include "tern_rt_snap.h"
#include "testpmd.h"

#define TP_ARGS_MAX 16
/* show conns lists at most this many (the count says how many match). */
#define TP_CONNS_MAX 4096

struct tp_cmd {
	const char *words;      /* the command's fixed words */
	const char *args;       /* what follows, for help */
	const char *help;
	int (*fn)(struct tp_app *app, int argc, char **argv, FILE *out);
};

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (parse_u64(s, UINT16_MAX, &v) != 0 || v == 0)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int
parse_state(const char *s)
{
	for (int i = 0; i < TERN_TCP_NSTATES; i++)
		if (strcasecmp(s, tern_tcp_state_name(
				(enum tern_tcp_state)i)) == 0)
			return i;
	return -1;
}

static int
fail(FILE *out, int rc, const char *what)
{
	fprintf(out, "error: %s: %s\n", what, strerror(-rc));
	return rc;
}

/* ---- port ---- */

static int
cmd_port_info(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint16_t pid = tern_rt_port_id(app->rt);
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	char macs[RTE_ETHER_ADDR_FMT_SIZE], ls[RTE_ETH_LINK_MAX_STR_LEN];
	uint16_t mtu = 0;
	int rc = rte_eth_dev_info_get(pid, &info);

	if (rc != 0)
		return fail(out, rc, "port info");
	rte_eth_macaddr_get(pid, &mac);
	rte_ether_format_addr(macs, sizeof(macs), &mac);
	rte_eth_link_get_nowait(pid, &link);
	rte_eth_link_to_str(ls, sizeof(ls), &link);
	rte_eth_dev_get_mtu(pid, &mtu);
	fprintf(out, "port %u: %s\n", pid, tern_rt_port_name(app->rt));
	fprintf(out, "  driver        %s\n", info.driver_name);
	fprintf(out, "  mac           %s\n", macs);
	fprintf(out, "  link          %s\n", ls);
	fprintf(out, "  mtu           %u\n", mtu);
	fprintf(out, "  rx queues     %u (max %u)\n", info.nb_rx_queues,
		info.max_rx_queues);
	fprintf(out, "  tx queues     %u (max %u)\n", info.nb_tx_queues,
		info.max_tx_queues);
	fprintf(out, "  promiscuous   %s\n",
		rte_eth_promiscuous_get(pid) == 1 ? "on" : "off");
	return 0;
}

static int
cmd_port_stats(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint16_t pid = tern_rt_port_id(app->rt);
	struct rte_eth_stats s;
	int rc = rte_eth_stats_get(pid, &s);

	if (rc != 0)
		return fail(out, rc, "port stats");
	fprintf(out, "port %u stats:\n", pid);
	fprintf(out, "  RX-packets: %-12" PRIu64 " RX-bytes: %-14" PRIu64
		" RX-missed: %-8" PRIu64 " RX-errors: %-8" PRIu64
		" RX-nombuf: %" PRIu64 "\n", s.ipackets, s.ibytes, s.imissed,
		s.ierrors, s.rx_nombuf);
	fprintf(out, "  TX-packets: %-12" PRIu64 " TX-bytes: %-14" PRIu64
		" TX-errors: %" PRIu64 "\n", s.opackets, s.obytes, s.oerrors);
	return 0;
}

static int
cmd_port_xstats(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint16_t pid = tern_rt_port_id(app->rt);
	int n = rte_eth_xstats_get(pid, NULL, 0);
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;

	if (n < 0)
		return fail(out, n, "port xstats");
	names = calloc((size_t)n + 1, sizeof(*names));
	vals = calloc((size_t)n + 1, sizeof(*vals));
	if (names == NULL || vals == NULL) {
		free(names);
		free(vals);
		return fail(out, -ENOMEM, "port xstats");
	}
	if (rte_eth_xstats_get_names(pid, names, (unsigned int)n) == n &&
	    rte_eth_xstats_get(pid, vals, (unsigned int)n) == n) {
		fprintf(out, "port %u xstats (non-zero):\n", pid);
		for (int i = 0; i < n; i++)
			if (vals[i].value != 0)
				fprintf(out, "  %-40s %" PRIu64 "\n",
					names[vals[i].id].name, vals[i].value);
	}
	free(names);
	free(vals);
	return 0;
}

static int
cmd_port_clear(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint16_t pid = tern_rt_port_id(app->rt);

	rte_eth_stats_reset(pid);
	rte_eth_xstats_reset(pid);
	fprintf(out, "port %u: statistics cleared\n", pid);
	return 0;
}

/* ---- counters ---- */

static void
print_counters(const struct tern_stats *s, tern_stat_t first,
	       tern_stat_t end, FILE *out)
{
	for (unsigned int i = first; i < end; i++)
		fprintf(out, "%-24s %" PRIu64 "\n",
			tern_stat_name((tern_stat_t)i), s->c[i]);
}

static int
cmd_tcp_stats(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint32_t st[TERN_TCP_NSTATES];
	struct tern_stats s;
	int rc = tern_rt_snap_stats(app->rt, TERN_RT_ALL_WORKERS, &s);

	if (rc == 0)
		rc = tern_rt_snap_states(app->rt, st);
	if (rc != 0)
		return fail(out, rc, "tcp stats");
	/* CurrEstab as Linux counts it: ESTABLISHED and CLOSE_WAIT. */
	fprintf(out, "%-24s %u\n", "CurrEstab",
		st[TERN_TCP_ESTABLISHED] + st[TERN_TCP_CLOSE_WAIT]);
	print_counters(&s, TERN_STAT_TCP_ACTIVE_OPENS, TERN_STAT_MAX, out);
	fprintf(out, "connections by state:\n");
	for (unsigned int i = 0; i < TERN_TCP_NSTATES; i++)
		fprintf(out, "  %-22s %u\n",
			tern_tcp_state_name((enum tern_tcp_state)i), st[i]);
	return 0;
}

static int
cmd_net_stats(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct tern_stats s;
	int rc = tern_rt_snap_stats(app->rt, TERN_RT_ALL_WORKERS, &s);

	if (rc != 0)
		return fail(out, rc, "net stats");
	print_counters(&s, 0, TERN_STAT_TCP_ACTIVE_OPENS, out);
	return 0;
}

static void
zero_stats(struct tern_ctx *ctx, void *arg)
{
	memset(&ctx->stats, 0, sizeof(ctx->stats));
}

static int
cmd_clear_stats(struct tp_app *app, int argc, char **argv, FILE *out)
{
	unsigned int n = tern_rt_worker_count(app->rt);

	for (unsigned int i = 0; i < n; i++) {
		int rc = tern_rt_worker_call(app->rt, i, zero_stats, NULL);

		if (rc != 0)
			return fail(out, rc, "clear stats");
	}
	fprintf(out, "counters of %u workers cleared\n", n);
	return 0;
}

static void
copy_states(struct tern_ctx *ctx, void *arg)
{
	tern_tcp_state_counts(ctx, arg);
}

static int
cmd_workers(struct tp_app *app, int argc, char **argv, FILE *out)
{
	unsigned int n = tern_rt_worker_count(app->rt);

	for (unsigned int i = 0; i < n; i++) {
		uint32_t st[TERN_TCP_NSTATES];
		struct tern_rt_worker_info wi;
		struct tern_stats s;
		int rc;

		tern_rt_worker_info(app->rt, i, &wi);
		rc = tern_rt_snap_stats(app->rt, i, &s);
		if (rc == 0)
			rc = tern_rt_worker_call(app->rt, i, copy_states, st);
		if (rc != 0)
			return fail(out, rc, "workers");
		fprintf(out, "worker %u: lcore %u queue %u socket %d %s\n", i,
			wi.lcore_id, wi.queue_id, wi.socket_id,
			wi.running ? "running" : "stopped");
		fprintf(out, "  rx %" PRIu64 " tx %" PRIu64 " steered out "
			"%" PRIu64 " in %" PRIu64 " ring drops %" PRIu64
			" idle %.1f%% (%" PRIu64 " loops)\n",
			s.c[TERN_STAT_RX_PKTS], s.c[TERN_STAT_TX_PKTS],
			s.c[TERN_STAT_STEERED_OUT], s.c[TERN_STAT_STEERED_IN],
			s.c[TERN_STAT_STEER_RING_FULL],
			wi.loops != 0 ? 100.0 * (double)wi.idle_loops /
			(double)wi.loops : 0.0, wi.loops);
		fprintf(out, "  conns");
		for (unsigned int k = 0; k < TERN_TCP_NSTATES; k++)
			if (st[k] != 0)
				fprintf(out, " %s %u", tern_tcp_state_name(
					(enum tern_tcp_state)k), st[k]);
		fprintf(out, "\n");
	}
	return 0;
}

/* ---- connections ---- */

static int
cmd_conns(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct tern_rt_conn_filter f = { .state = -1, .port = 0 };
	struct tern_rt_conn *list;
	unsigned int total = 0;
	char line[512];
	uint16_t port;
	int n;

	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return fail(out, -EINVAL, "show conns [state S] "
				    "[port P]");
		if (strcmp(argv[i], "state") == 0) {
			f.state = parse_state(argv[i + 1]);
			if (f.state < 0)
				return fail(out, -EINVAL, argv[i + 1]);
		} else if (strcmp(argv[i], "port") == 0) {
			if (parse_port(argv[i + 1], &port) != 0)
				return fail(out, -EINVAL, argv[i + 1]);
			f.port = port;
		} else {
			return fail(out, -EINVAL, argv[i]);
		}
	}
	list = calloc(TP_CONNS_MAX, sizeof(*list));
	if (list == NULL)
		return fail(out, -ENOMEM, "show conns");
	n = tern_rt_snap_conns(app->rt, &f, list, TP_CONNS_MAX, &total);
	if (n < 0) {
		free(list);
		return fail(out, n, "show conns");
	}
	fprintf(out, "%s\n", tern_rt_conn_header());
	for (int i = 0; i < n; i++) {
		tern_rt_format_conn(&list[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	fprintf(out, "%u connections", total);
	if ((unsigned int)n < total)
		fprintf(out, " (%d shown)", n);
	fprintf(out, "\n");
	free(list);
	return 0;
}

static int
cmd_conn(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct tern_rt_conn *list;
	const struct tern_tcp_info *i;
	unsigned int total = 0;
	char local[TERN_RT_ADDR_STRLEN], peer[TERN_RT_ADDR_STRLEN];
	uint64_t id;
	int n, found = -1;

	if (argc != 1 || parse_u64(argv[0], UINT64_MAX, &id) != 0 || id == 0)
		return fail(out, -EINVAL, "show conn ID");
	list = calloc(TP_CONNS_MAX, sizeof(*list));
	if (list == NULL)
		return fail(out, -ENOMEM, "show conn");
	n = tern_rt_snap_conns(app->rt, NULL, list, TP_CONNS_MAX, &total);
	for (int k = 0; k < n; k++)
		if (list[k].id == id)
			found = k;
	if (found < 0) {
		free(list);
		return fail(out, n < 0 ? n : -ENOENT, argv[0]);
	}
	i = &list[found].v.info;
	fprintf(out, "connection %" PRIu64 " (worker %u)\n", id,
		list[found].worker);
	fprintf(out, "  state        %s\n", tern_tcp_state_name(i->state));
	tern_rt_format_conn_addrs(i, local, peer);
	fprintf(out, "  local        %s\n", local);
	fprintf(out, "  peer         %s\n", peer);
	fprintf(out, "  send         iss %u snd_una %u snd_nxt %u snd_wnd %u "
		"wscale %u\n", i->iss, i->snd_una, i->snd_nxt, i->snd_wnd,
		i->snd_wscale);
	fprintf(out, "  receive      irs %u rcv_nxt %u rcv_wnd %u wscale %u\n",
		i->irs, i->rcv_nxt, i->rcv_wnd, i->rcv_wscale);
	fprintf(out, "  queues       recv-q %u send-q %u unacked %u "
		"out-of-order %u sacked %u\n", list[found].v.recv_q,
		list[found].v.send_q, i->unacked_bytes, i->ooo_bytes,
		i->sacked_bytes);
	fprintf(out, "  rtt          srtt %u us rttvar %u us rto %u ms\n",
		i->srtt_us, i->rttvar_us, i->rto_ms);
	fprintf(out, "  congestion   %s cwnd %u ssthresh ",
		i->cc == TERN_TCP_CC_CUBIC ? "cubic" : "newreno", i->cwnd);
	if (i->ssthresh == UINT32_MAX)
		fprintf(out, "-");
	else
		fprintf(out, "%u", i->ssthresh);
	fprintf(out, " recovery %s\n", i->in_recovery ? "yes" : "no");
	fprintf(out, "  options      mss %u timestamps %s sack %s\n", i->mss,
		i->ts_ok ? "yes" : "no", i->sack_ok ? "yes" : "no");
	fprintf(out, "  retransmits  %u\n", i->retransmits);
	fprintf(out, "  timer        %s, expires in %" PRIu64 " ms\n",
		tern_tcp_timer_name(list[found].v.timer),
		list[found].v.timer_ms);
	free(list);
	return 0;
}

static int
cmd_fsm(struct tp_app *app, int argc, char **argv, FILE *out)
{
	unsigned int rows = tern_tcp_fsm_entries();
	uint64_t *hits = calloc(rows, sizeof(*hits));
	bool all = argc > 0 && strcmp(argv[0], "all") == 0;
	int rc;

	if (hits == NULL)
		return fail(out, -ENOMEM, "show fsm");
	rc = tern_rt_snap_fsm(app->rt, hits);
	if (rc == 0) {
		fprintf(out, "tcp transitions taken%s:\n",
			all ? " (every row)" : "");
		for (unsigned int i = 0; i < rows; i++)
			if (all || hits[i] != 0)
				fprintf(out, "  %-50s %" PRIu64 "\n",
					tern_tcp_fsm_entry_name(i), hits[i]);
	}
	free(hits);
	return rc != 0 ? fail(out, rc, "show fsm") : 0;
}

static int
cmd_arp(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct tern_rt_arp list[TERN_ARP_ENTRIES * 4];
	char ip[32], mac[RTE_ETHER_ADDR_FMT_SIZE];
	int n = tern_rt_snap_arp(app->rt, list, RTE_DIM(list));

	if (n < 0)
		return fail(out, n, "show arp");
	fprintf(out, "%-16s %-18s %-11s %-9s %-8s %s\n", "Address",
		"HWaddress", "State", "Age(ms)", "Pending", "Worker");
	for (int i = 0; i < n; i++) {
		tern_rt_format_addr(list[i].ip, 0, ip, sizeof(ip));
		ip[strcspn(ip, ":")] = '\0';
		rte_ether_format_addr(mac, sizeof(mac), &list[i].mac);
		fprintf(out, "%-16s %-18s %-11s %-9" PRIu64 " %-8u %u\n", ip,
			list[i].state == TERN_ARP_RESOLVED ? mac : "-",
			list[i].state == TERN_ARP_RESOLVED ? "RESOLVED" :
			"INCOMPLETE", list[i].age_ms, list[i].pending,
			list[i].worker);
	}
	return 0;
}

static int
cmd_nd(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct tern_rt_nd list[TERN_ND_ENTRIES * 4];
	char ip[INET6_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	int n = tern_rt_snap_nd(app->rt, list, RTE_DIM(list));

	if (n < 0)
		return fail(out, n, "show nd");
	fprintf(out, "%-40s %-18s %-11s %-9s %-8s %s\n", "Address",
		"HWaddress", "State", "Age(ms)", "Pending", "Worker");
	for (int i = 0; i < n; i++) {
		inet_ntop(AF_INET6, list[i].ip.b, ip, sizeof(ip));
		rte_ether_format_addr(mac, sizeof(mac), &list[i].mac);
		fprintf(out, "%-40s %-18s %-11s %-9" PRIu64 " %-8u %u\n", ip,
			list[i].state == TERN_ND_INCOMPLETE ? "-" : mac,
			tern_nd_state_name(list[i].state), list[i].age_ms,
			list[i].pending, list[i].worker);
	}
	return 0;
}

static int
cmd_config(struct tp_app *app, int argc, char **argv, FILE *out)
{
	return tern_config_write(tern_rt_config(app->rt), out);
}

/* ---- services ---- */

struct listen_req {
	uint16_t port;
	enum tp_svc svc;
	bool undo;
	int rc;
};

static void
listen_on_worker(struct tern_ctx *ctx, void *arg)
{
	struct listen_req *r = arg;

	r->rc = r->undo ? tp_svc_unlisten(ctx, r->port) :
			  tp_svc_listen(ctx, r->port, r->svc);
}

static int
listen_all(struct tp_app *app, struct listen_req *r, FILE *out)
{
	unsigned int n = tern_rt_worker_count(app->rt);

	for (unsigned int i = 0; i < n; i++) {
		int rc = tern_rt_worker_call(app->rt, i, listen_on_worker, r);

		if (rc == 0)
			rc = r->rc;
		if (rc != 0)
			return fail(out, rc, r->undo ? "unlisten" : "listen");
	}
	return 0;
}

static int
cmd_listen(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct listen_req r = { .svc = TP_SVC_ECHO };
	int rc;

	if (argc < 1 || argc > 2 || parse_port(argv[0], &r.port) != 0 ||
	    (argc == 2 && tp_svc_parse(argv[1], &r.svc) != 0))
		return fail(out, -EINVAL,
			    "listen PORT echo|discard|chargen|http");
	rc = listen_all(app, &r, out);
	if (rc == 0)
		fprintf(out, "listening on port %u (%s) on %u workers\n",
			r.port, tp_svc_name(r.svc),
			tern_rt_worker_count(app->rt));
	return rc;
}

static int
cmd_unlisten(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct listen_req r = { .undo = true };
	int rc;

	if (argc != 1 || parse_port(argv[0], &r.port) != 0)
		return fail(out, -EINVAL, "unlisten PORT");
	rc = listen_all(app, &r, out);
	if (rc == 0)
		fprintf(out, "port %u: no longer listening\n", r.port);
	return rc;
}

struct connect_req {
	struct tp_dest to;
	uint64_t bytes;
	bool echo;
	uint32_t id;
	int rc;
};

static void
connect_on_worker(struct tern_ctx *ctx, void *arg)
{
	struct connect_req *r = arg;

	r->rc = tp_svc_connect(ctx, &r->to, r->bytes, r->echo, &r->id);
}

/* IPV4:PORT or [IPV6]:PORT (the brackets of RFC 3986's URIs). */
static int
parse_ip_port(const char *s, struct tp_dest *to)
{
	char buf[64];
	char *colon, *host = buf;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strrchr(buf, ':');
	if (colon == NULL)
		return -EINVAL;
	*colon = '\0';
	if (buf[0] == '[') {
		size_t n = strlen(buf);

		if (n < 3 || buf[n - 1] != ']')
			return -EINVAL;
		buf[n - 1] = '\0';
		host = buf + 1;
		if (inet_pton(AF_INET6, host, to->ip6.b) != 1)
			return -EINVAL;
		to->family = AF_INET6;
	} else {
		struct in_addr a;

		if (inet_pton(AF_INET, host, &a) != 1)
			return -EINVAL;
		to->family = AF_INET;
		to->ip = a.s_addr;
	}
	return parse_port(colon + 1, &to->port);
}

static int
cmd_connect(struct tp_app *app, int argc, char **argv, FILE *out)
{
	struct connect_req r = { .echo = false };
	int rc;

	if (argc < 1 || parse_ip_port(argv[0], &r.to) != 0)
		goto usage;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "bytes") == 0) {
			if (parse_u64(argv[i + 1], UINT64_MAX / 2, &r.bytes))
				goto usage;
		} else if (strcmp(argv[i], "mode") == 0 &&
			   (strcmp(argv[i + 1], "echo") == 0 ||
			    strcmp(argv[i + 1], "discard") == 0)) {
			r.echo = strcmp(argv[i + 1], "echo") == 0;
		} else {
			goto usage;
		}
	}
	/* Worker 0 opens it; the source port is chosen so that the
	 * peer's answers come back to it (RSS). */
	rc = tern_rt_worker_call(app->rt, 0, connect_on_worker, &r);
	if (rc == 0)
		rc = r.rc;
	if (rc != 0)
		return fail(out, rc, "connect");
	fprintf(out, "connection %" PRIu64 ": connecting to %s\n",
		tern_rt_conn_id(app->rt, 0, r.id), argv[0]);
	return 0;
usage:
	return fail(out, -EINVAL, "connect IP:PORT|[IPV6]:PORT [bytes N] "
		    "[mode echo|discard]");
}

static void
close_conn(struct tern_conn *c, void *arg)
{
	*(int *)arg = tern_tcp_close(c);
}

static void
abort_conn(struct tern_conn *c, void *arg)
{
	tern_tcp_abort(c);
}

static int
conn_act(struct tp_app *app, int argc, char **argv, FILE *out, bool abort)
{
	uint64_t id;
	int res = 0, rc;

	if (argc != 1 || parse_u64(argv[0], UINT64_MAX, &id) != 0)
		return fail(out, -EINVAL, abort ? "abort ID" : "close ID");
	rc = tern_rt_conn_call(app->rt, id, abort ? abort_conn : close_conn,
			       &res);
	if (rc == 0)
		rc = res;
	if (rc != 0)
		return fail(out, rc, argv[0]);
	fprintf(out, "connection %" PRIu64 ": %s\n", id,
		abort ? "aborted (RST)" : "closing (FIN)");
	return 0;
}

static int
cmd_close(struct tp_app *app, int argc, char **argv, FILE *out)
{
	return conn_act(app, argc, argv, out, false);
}

static int
cmd_abort(struct tp_app *app, int argc, char **argv, FILE *out)
{
	return conn_act(app, argc, argv, out, true);
}

/* ---- logging, quit, help ---- */

static const char *const log_levels[] = {
	[RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert",
	[RTE_LOG_CRIT] = "critical", [RTE_LOG_ERR] = "error",
	[RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
	[RTE_LOG_INFO] = "info", [RTE_LOG_DEBUG] = "debug",
};

static int
cmd_set_log(struct tp_app *app, int argc, char **argv, FILE *out)
{
	uint32_t level = 0;

	if (argc != 2)
		return fail(out, -EINVAL, "set log TYPE LEVEL");
	for (uint32_t i = RTE_LOG_EMERG; i < RTE_DIM(log_levels); i++)
		if (strcmp(argv[1], log_levels[i]) == 0 ||
		    (argv[1][0] >= '1' && argv[1][0] <= '8' &&
		     argv[1][1] == '\0' && (uint32_t)(argv[1][0] - '0') == i))
			level = i;
	if (level == 0)
		return fail(out, -EINVAL, argv[1]);
	if (rte_log_set_level_pattern(argv[0], level) != 0)
		return fail(out, -EINVAL, argv[0]);
	fprintf(out, "log %s: %s\n", argv[0], log_levels[level]);
	return 0;
}

static int
cmd_quit(struct tp_app *app, int argc, char **argv, FILE *out)
{
	fprintf(out, "stopping: draining connections for up to %u ms\n",
		tern_rt_config(app->rt)->drain_ms);
	tern_rt_request_drain(app->rt);
	return 0;
}

static int cmd_help(struct tp_app *app, int argc, char **argv, FILE *out);

static const struct tp_cmd tp_cmds[] = {
	{ "show port info", "", "the port: driver, MAC, link, queues",
	  cmd_port_info },
	{ "show port stats", "", "the port's basic counters", cmd_port_stats },
	{ "show port xstats", "", "the port's extended counters (non-zero)",
	  cmd_port_xstats },
	{ "clear port stats", "", "reset the port's counters",
	  cmd_port_clear },
	{ "show workers", "", "per worker: lcore, queue, rx/tx, idle share, "
	  "connections by state", cmd_workers },
	{ "show tcp stats", "", "TCP MIB counters (nstat names) and "
	  "connections by state", cmd_tcp_stats },
	{ "show net stats", "", "Ethernet, ARP, IPv4, ICMP and port I/O "
	  "counters", cmd_net_stats },
	{ "clear stats", "", "reset every worker's counters",
	  cmd_clear_stats },
	{ "show conns", "[state S] [port P]", "connections, one line each "
	  "(as ss -tin)", cmd_conns },
	{ "show conn", "ID", "everything about one connection", cmd_conn },
	{ "show fsm", "[all]", "TCP state-table rows taken, with counts",
	  cmd_fsm },
	{ "show arp", "", "ARP entries in use", cmd_arp },
	{ "show nd", "", "IPv6 neighbour entries in use", cmd_nd },
	{ "show config", "", "the effective configuration (INI)",
	  cmd_config },
	{ "listen", "PORT [echo|discard|chargen|http]", "serve PORT on "
	  "every worker (default echo)", cmd_listen },
	{ "unlisten", "PORT", "stop serving PORT", cmd_unlisten },
	{ "connect", "IP:PORT|[IPV6]:PORT [bytes N] [mode echo|discard]",
	  "open a connection, send N bytes, expect them back (echo) or not",
	  cmd_connect },
	{ "close", "ID", "close a connection (FIN)", cmd_close },
	{ "abort", "ID", "abort a connection (RST)", cmd_abort },
	{ "set log", "TYPE LEVEL", "log level of a type or pattern "
	  "(tern.tcp debug)", cmd_set_log },
	{ "quit", "", "stop gracefully: FIN every connection, drain, exit",
	  cmd_quit },
	{ "help", "", "this list", cmd_help },
};

static int
cmd_help(struct tp_app *app, int argc, char **argv, FILE *out)
{
	for (unsigned int i = 0; i < RTE_DIM(tp_cmds); i++) {
		char synopsis[96];

		snprintf(synopsis, sizeof(synopsis), "%s %s", tp_cmds[i].words,
			 tp_cmds[i].args);
		fprintf(out, "  %-44s %s\n", synopsis, tp_cmds[i].help);
	}
	return 0;
}

/* How many of @p words lead @p argv; 0 unless all of them do. */
static int
words_match(const char *words, int argc, char **argv)
{
	char buf[64], *tok, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n >= argc || strcmp(tok, argv[n]) != 0)
			return 0;
		n++;
	}
	return n;
}

int
tp_cmd_run(struct tp_app *app, const char *line, FILE *out)
{
	char buf[512], *argv[TP_ARGS_MAX], *tok, *save = NULL;
	const struct tp_cmd *best = NULL;
	int argc = 0, best_n = 0, rc;

	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "#\r\n")] = '\0';      /* comments */
	for (tok = strtok_r(buf, " \t", &save); tok != NULL && argc <
	     TP_ARGS_MAX; tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return 0;
	for (unsigned int i = 0; i < RTE_DIM(tp_cmds); i++) {
		int n = words_match(tp_cmds[i].words, argc, argv);

		if (n > best_n) {
			best_n = n;
			best = &tp_cmds[i];
		}
	}
	if (best == NULL) {
		fprintf(out, "error: unknown command '%s' (try help)\n",
			argv[0]);
		rc = -EINVAL;
	} else {
		rc = best->fn(app, argc - best_n, argv + best_n, out);
	}
	fflush(out);
	return rc;
}

const char *
tp_cmd_verbs(void)
{
	return "clear#listen#unlisten#connect#close#abort#set#quit#help";
}

const char *
tp_cmd_show_subjects(void)
{
	return "port#workers#tcp#net#conns#conn#fsm#arp#nd#config";
}

void
tp_stats_line(struct tp_app *app, FILE *out)
{
	struct tern_stats s;
	uint32_t st[TERN_TCP_NSTATES];
	uint64_t drops = 0;

	if (tern_rt_snap_stats(app->rt, TERN_RT_ALL_WORKERS, &s) != 0 ||
	    tern_rt_snap_states(app->rt, st) != 0)
		return;
	for (unsigned int i = 0; i < TERN_STAT_MAX; i++) {
		const char *name = tern_stat_name((tern_stat_t)i);

		if (strstr(name, "Drop") != NULL ||
		    strstr(name, "Errors") != NULL || i == TERN_STAT_TX_RING_FULL)
			drops += s.c[i];
	}
	app->period.rx = s.c[TERN_STAT_RX_PKTS] - app->period.last_rx;
	app->period.tx = s.c[TERN_STAT_TX_PKTS] - app->period.last_tx;
	app->period.opens = s.c[TERN_STAT_TCP_ACTIVE_OPENS] +
		s.c[TERN_STAT_TCP_PASSIVE_OPENS] - app->period.last_opens;
	app->period.last_rx = s.c[TERN_STAT_RX_PKTS];
	app->period.last_tx = s.c[TERN_STAT_TX_PKTS];
	app->period.last_opens = s.c[TERN_STAT_TCP_ACTIVE_OPENS] +
		s.c[TERN_STAT_TCP_PASSIVE_OPENS];
	fprintf(out, "stats: rx %" PRIu64 " pps, tx %" PRIu64 " pps, "
		"new %" PRIu64 " conn/s, established %u, time_wait %u, "
		"drops %" PRIu64 ", retrans %" PRIu64 "\n",
		app->period.rx / app->stats_period_s,
		app->period.tx / app->stats_period_s,
		app->period.opens / app->stats_period_s,
		st[TERN_TCP_ESTABLISHED], st[TERN_TCP_TIME_WAIT], drops,
		s.c[TERN_STAT_TCP_RETRANS_SEGS]);
	fflush(out);
}
