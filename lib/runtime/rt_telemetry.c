/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_telemetry endpoints (read with dpdk-telemetry.py, tern-ss,
 * tern-nstat): /tern/info, /tern/stats, /tern/tcp/stats, /tern/conns,
 * /tern/fsm, /tern/arp, /tern/nd. Every answer is a snapshot taken on the workers
 * (tern_rt_snap.h), the same the shell prints.
 *
 * DPDK 22.11 callbacks take no user argument and commands cannot be
 * unregistered, so the one runtime of the process is found by name, as
 * DPDK objects are: a memzone holds a pointer to it and a lock that
 * destroy takes to unhook it while no callback runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_memzone.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "rt_priv.h"
#include "tcp_fsm.h"
#include "tern_build_config.h"
#include "tern_rt_snap.h"

/* /tern/conns lists at most this many (the reply must fit the 16 KiB
 * telemetry buffer); "limit=N" asks for fewer. */
#define TEL_CONNS_MAX 24u
#define TEL_ARP_MAX 64

#define TEL_HOOK_NAME "tern_telemetry"

/* In the memzone TEL_HOOK_NAME; only this process reads it. */
struct tel_hook {
	rte_spinlock_t lock;
	struct tern_rt *rt;
};

static void
dict_add_counters(struct rte_tel_data *d, const struct tern_stats *s,
		  tern_stat_t first, tern_stat_t end, bool nonzero)
{
	for (unsigned int i = first; i < end; i++)
		if (!nonzero || s->c[i] != 0)
			rte_tel_data_add_dict_u64(d,
				tern_stat_name((tern_stat_t)i), s->c[i]);
}

static int
tel_info(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	char ip[32];

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "app", rt->app.name);
	rte_tel_data_add_dict_string(d, "version", TERN_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_int(d, "pid", (int)getpid());
	rte_tel_data_add_dict_string(d, "port", rt->port.name);
	rte_tel_data_add_dict_string(d, "driver",
				     rt->port.info.driver_name != NULL ?
				     rt->port.info.driver_name : "?");
	tern_rt_format_addr(rt->cfg.ip, 0, ip, sizeof(ip));
	ip[strcspn(ip, ":")] = '\0';
	rte_tel_data_add_dict_string(d, "ip", ip);
	rte_tel_data_add_dict_int(d, "prefix_len", rt->cfg.prefix_len);
	rte_tel_data_add_dict_int(d, "mtu", rt->port.mtu);
	rte_tel_data_add_dict_int(d, "workers", (int)rt->nb_workers);
	rte_tel_data_add_dict_int(d, "draining", tern_rt_draining(rt));
	rte_tel_data_add_dict_int(d, "drain_ms", (int)rt->cfg.drain_ms);
	return 0;
}

static int
tel_stats(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	struct tern_stats s;
	struct rte_tel_data *c;
	char name[32];
	int rc = tern_rt_snap_stats(rt, TERN_RT_ALL_WORKERS, &s);

	if (rc != 0)
		return rc;
	rte_tel_data_start_dict(d);
	c = rte_tel_data_alloc();
	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	dict_add_counters(c, &s, 0, TERN_STAT_MAX, false);
	rte_tel_data_add_dict_container(d, "sum", c, 0);
	for (unsigned int w = 0; w < rt->nb_workers; w++) {
		struct tern_rt_worker_info wi;

		if (tern_rt_snap_stats(rt, w, &s) != 0)
			continue;
		tern_rt_worker_info(rt, w, &wi);
		c = rte_tel_data_alloc();
		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_int(c, "lcore", (int)wi.lcore_id);
		rte_tel_data_add_dict_int(c, "queue", wi.queue_id);
		rte_tel_data_add_dict_u64(c, "loops", wi.loops);
		rte_tel_data_add_dict_u64(c, "idle_loops", wi.idle_loops);
		/* Only what moved: the reply must fit 16 KiB. */
		dict_add_counters(c, &s, 0, TERN_STAT_MAX, true);
		snprintf(name, sizeof(name), "worker%u", w);
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	return 0;
}

static int
tel_tcp_stats(struct tern_rt *rt, const char *params,
	      struct rte_tel_data *d)
{
	uint32_t states[TERN_TCP_NSTATES];
	struct tern_stats s;
	struct rte_tel_data *c;
	int rc = tern_rt_snap_stats(rt, TERN_RT_ALL_WORKERS, &s);

	if (rc == 0)
		rc = tern_rt_snap_states(rt, states);
	if (rc != 0)
		return rc;
	rte_tel_data_start_dict(d);
	/* Linux's CurrEstab: ESTABLISHED and CLOSE_WAIT. */
	rte_tel_data_add_dict_u64(d, "CurrEstab",
				  states[TERN_TCP_ESTABLISHED] +
				  states[TERN_TCP_CLOSE_WAIT]);
	dict_add_counters(d, &s, TERN_STAT_TCP_ACTIVE_OPENS, TERN_STAT_MAX,
			  false);
	c = rte_tel_data_alloc();
	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	for (unsigned int i = 0; i < TERN_TCP_NSTATES; i++)
		rte_tel_data_add_dict_u64(c,
			tern_tcp_state_name((enum tern_tcp_state)i), states[i]);
	rte_tel_data_add_dict_container(d, "states", c, 0);
	return 0;
}

/* "ESTABLISHED", "state=ESTABLISHED", "port=80", "limit=5", "skip=32"
 * (paging), comma or space separated. @return 0; -EINVAL. */
static int
conns_params(const char *params, struct tern_rt_conn_filter *f,
	     unsigned int *limit)
{
	char buf[128], *tok, *save = NULL;

	f->state = -1;
	f->port = 0;
	f->skip = 0;
	*limit = TEL_CONNS_MAX;
	if (params == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", params);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	     tok = strtok_r(NULL, ", ", &save)) {
		const char *v = strchr(tok, '=');
		char *end;
		unsigned long n;

		if (v != NULL && strncmp(tok, "port=", 5) == 0) {
			n = strtoul(v + 1, &end, 10);
			if (*end != '\0' || n == 0 || n > UINT16_MAX)
				return -EINVAL;
			f->port = (uint32_t)n;
			continue;
		}
		if (v != NULL && strncmp(tok, "limit=", 6) == 0) {
			n = strtoul(v + 1, &end, 10);
			if (*end != '\0' || n == 0)
				return -EINVAL;
			*limit = (unsigned int)RTE_MIN(n, TEL_CONNS_MAX);
			continue;
		}
		if (v != NULL && strncmp(tok, "skip=", 5) == 0) {
			n = strtoul(v + 1, &end, 10);
			if (*end != '\0' || n > UINT32_MAX)
				return -EINVAL;
			f->skip = (uint32_t)n;
			continue;
		}
		if (v != NULL && strncmp(tok, "state=", 6) == 0)
			tok += 6;
		f->state = -1;
		for (int s = 0; s < TERN_TCP_NSTATES; s++)
			if (strcasecmp(tok, tern_tcp_state_name(
				(enum tern_tcp_state)s)) == 0)
				f->state = s;
		if (f->state < 0)
			return -EINVAL;
	}
	return 0;
}

static struct rte_tel_data *
conn_dict(const struct tern_rt_conn *c)
{
	const struct tern_tcp_info *i = &c->v.info;
	struct rte_tel_data *d = rte_tel_data_alloc();
	char local[TERN_RT_ADDR_STRLEN], peer[TERN_RT_ADDR_STRLEN];

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "id", c->id);
	rte_tel_data_add_dict_int(d, "worker", (int)c->worker);
	rte_tel_data_add_dict_string(d, "state", tern_tcp_state_name(i->state));
	tern_rt_format_conn_addrs(i, local, peer);
	rte_tel_data_add_dict_string(d, "local", local);
	rte_tel_data_add_dict_string(d, "peer", peer);
	rte_tel_data_add_dict_u64(d, "recv_q", c->v.recv_q);
	rte_tel_data_add_dict_u64(d, "send_q", c->v.send_q);
	rte_tel_data_add_dict_u64(d, "rtt_us", i->srtt_us);
	rte_tel_data_add_dict_u64(d, "rttvar_us", i->rttvar_us);
	rte_tel_data_add_dict_u64(d, "rto_ms", i->rto_ms);
	rte_tel_data_add_dict_u64(d, "cwnd", i->cwnd);
	rte_tel_data_add_dict_u64(d, "ssthresh",
				  i->ssthresh == UINT32_MAX ? 0 : i->ssthresh);
	rte_tel_data_add_dict_u64(d, "mss", i->mss);
	rte_tel_data_add_dict_u64(d, "retrans", i->retransmits);
	rte_tel_data_add_dict_string(d, "timer",
				     tern_tcp_timer_name(c->v.timer));
	rte_tel_data_add_dict_u64(d, "timer_ms", c->v.timer_ms);
	rte_tel_data_add_dict_u64(d, "snd_una", i->snd_una);
	rte_tel_data_add_dict_u64(d, "snd_nxt", i->snd_nxt);
	rte_tel_data_add_dict_u64(d, "rcv_nxt", i->rcv_nxt);
	rte_tel_data_add_dict_u64(d, "snd_wnd", i->snd_wnd);
	rte_tel_data_add_dict_u64(d, "rcv_wnd", i->rcv_wnd);
	return d;
}

static int
tel_conns(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	struct tern_rt_conn list[TEL_CONNS_MAX];
	struct tern_rt_conn_filter f;
	unsigned int limit;
	int n, rc = conns_params(params, &f, &limit);

	if (rc != 0)
		return rc;
	n = tern_rt_snap_conns(rt, &f, list, limit, NULL);
	if (n < 0)
		return n;
	/* An object of objects keyed "0", "1", ... in listing order: DPDK
	 * 22.11 arrays cannot hold objects. */
	rte_tel_data_start_dict(d);
	for (int i = 0; i < n; i++) {
		struct rte_tel_data *c = conn_dict(&list[i]);
		char key[16];

		if (c == NULL)
			return -ENOMEM;
		snprintf(key, sizeof(key), "%d", i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return 0;
}

/*
 * "ESTABLISHED --SEG_FIN--> CLOSE_WAIT" as "ESTABLISHED/SEG_FIN/CLOSE_WAIT":
 * telemetry refuses names with spaces or '>' (they are dropped silently).
 */
static void
fsm_key(const char *row, char *key, size_t len)
{
	char from[32] = "", ev[48] = "", to[32] = "";

	if (sscanf(row, "%31s --%47[A-Z0-9_]--> %31s", from, ev, to) == 3)
		snprintf(key, len, "%s/%s/%s", from, ev, to);
	else
		snprintf(key, len, "row/%s", row);
}

static int
tel_fsm(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	char key[RTE_TEL_MAX_STRING_LEN];

	unsigned int rows = tern_tcp_fsm_entries();
	uint64_t *hits = calloc(rows, sizeof(*hits));
	int rc;

	if (hits == NULL)
		return -ENOMEM;
	rc = tern_rt_snap_fsm(rt, hits);
	if (rc == 0) {
		rte_tel_data_start_dict(d);
		/* Rows taken only: all of them would not fit 16 KiB. */
		for (unsigned int i = 0; i < rows; i++)
			if (hits[i] != 0) {
				fsm_key(tern_tcp_fsm_entry_name(i), key,
					sizeof(key));
				rte_tel_data_add_dict_u64(d, key, hits[i]);
			}
	}
	free(hits);
	return rc;
}

static int
tel_arp(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	struct tern_rt_arp list[TEL_ARP_MAX];
	int n = tern_rt_snap_arp(rt, list, TEL_ARP_MAX);
	char s[RTE_ETHER_ADDR_FMT_SIZE + 8];

	if (n < 0)
		return n;
	rte_tel_data_start_dict(d);     /* as /tern/conns */
	for (int i = 0; i < n; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		char key[16];

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		tern_rt_format_addr(list[i].ip, 0, s, sizeof(s));
		s[strcspn(s, ":")] = '\0';
		rte_tel_data_add_dict_string(c, "ip", s);
		rte_ether_format_addr(s, sizeof(s), &list[i].mac);
		rte_tel_data_add_dict_string(c, "mac", s);
		rte_tel_data_add_dict_string(c, "state",
			list[i].state == TERN_ARP_RESOLVED ? "RESOLVED" :
			"INCOMPLETE");
		rte_tel_data_add_dict_u64(c, "age_ms", list[i].age_ms);
		rte_tel_data_add_dict_int(c, "pending", list[i].pending);
		rte_tel_data_add_dict_int(c, "worker", (int)list[i].worker);
		snprintf(key, sizeof(key), "%d", i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return 0;
}

static int
tel_nd(struct tern_rt *rt, const char *params, struct rte_tel_data *d)
{
	struct tern_rt_nd list[TEL_ARP_MAX];
	int n = tern_rt_snap_nd(rt, list, TEL_ARP_MAX);
	char s[INET6_ADDRSTRLEN];

	RTE_SET_USED(params);
	if (n < 0)
		return n;
	rte_tel_data_start_dict(d);     /* as /tern/arp */
	for (int i = 0; i < n; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		char key[16];

		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		inet_ntop(AF_INET6, list[i].ip.b, s, sizeof(s));
		rte_tel_data_add_dict_string(c, "ip", s);
		rte_ether_format_addr(s, sizeof(s), &list[i].mac);
		rte_tel_data_add_dict_string(c, "mac", s);
		rte_tel_data_add_dict_string(c, "state",
					     tern_nd_state_name(list[i].state));
		rte_tel_data_add_dict_u64(c, "age_ms", list[i].age_ms);
		rte_tel_data_add_dict_int(c, "pending", list[i].pending);
		rte_tel_data_add_dict_int(c, "worker", (int)list[i].worker);
		snprintf(key, sizeof(key), "%d", i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return 0;
}

typedef int (*tel_fn)(struct tern_rt *rt, const char *params,
		      struct rte_tel_data *d);

static struct tel_hook *
tel_hook(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(TEL_HOOK_NAME);

	return mz != NULL ? mz->addr : NULL;
}

static int
tel_dispatch(tel_fn fn, const char *params, struct rte_tel_data *d)
{
	struct tel_hook *h = tel_hook();
	int rc;

	if (h == NULL)
		return -ENODEV;
	rte_spinlock_lock(&h->lock);
	rc = h->rt != NULL ? fn(h->rt, params, d) : -ENODEV;
	rte_spinlock_unlock(&h->lock);
	return rc;
}

#define TEL_CB(name) \
	static int \
	cb_##name(const char *cmd, const char *params, struct rte_tel_data *d) \
	{ \
		return tel_dispatch(tel_##name, params, d); \
	}
TEL_CB(info)
TEL_CB(stats)
TEL_CB(tcp_stats)
TEL_CB(conns)
TEL_CB(fsm)
TEL_CB(arp)
TEL_CB(nd)

struct tel_cmd {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
};

static const struct tel_cmd tel_cmds[] = {
	{ "/tern/info", cb_info, "tern: application, port, address, "
	  "workers. No parameters" },
	{ "/tern/stats", cb_stats, "tern: counters summed and per worker. "
	  "No parameters" },
	{ "/tern/tcp/stats", cb_tcp_stats, "tern: TCP MIB counters "
	  "(nstat names) and connections per state. No parameters" },
	{ "/tern/conns", cb_conns, "tern: connections as `ss -ti` shows "
	  "them. Parameters: [STATE][,port=P][,limit=N][,skip=N]" },
	{ "/tern/fsm", cb_fsm, "tern: TCP state-table rows taken, with "
	  "counts. No parameters" },
	{ "/tern/arp", cb_arp, "tern: ARP entries in use. No parameters" },
	{ "/tern/nd", cb_nd, "tern: IPv6 neighbour entries in use. No "
	  "parameters" },
};

int
rt_telemetry_register(struct tern_rt *rt)
{
	const struct rte_memzone *mz = rte_memzone_lookup(TEL_HOOK_NAME);
	struct tel_hook *h;

	if (mz == NULL) {
		mz = rte_memzone_reserve(TEL_HOOK_NAME, sizeof(*h),
					 SOCKET_ID_ANY, 0);
		if (mz == NULL) {
			RT_LOG(rt, WARNING, "telemetry: no memzone: %s",
			       rte_strerror(rte_errno));
			return 0;
		}
		h = mz->addr;
		rte_spinlock_init(&h->lock);
		h->rt = NULL;
		for (unsigned int i = 0; i < RTE_DIM(tel_cmds); i++)
			if (rte_telemetry_register_cmd(tel_cmds[i].cmd,
						       tel_cmds[i].fn,
						       tel_cmds[i].help) != 0)
				RT_LOG(rt, WARNING, "telemetry: cannot "
				       "register %s", tel_cmds[i].cmd);
	}
	h = mz->addr;
	rte_spinlock_lock(&h->lock);
	h->rt = rt;
	rte_spinlock_unlock(&h->lock);
	rt->telemetry_registered = true;
	return 0;
}

void
rt_telemetry_unregister(struct tern_rt *rt)
{
	struct tel_hook *h;

	if (!rt->telemetry_registered)
		return;
	h = tel_hook();
	if (h != NULL) {
		rte_spinlock_lock(&h->lock);
		if (h->rt == rt)
			h->rt = NULL;
		rte_spinlock_unlock(&h->lock);
	}
	rt->telemetry_registered = false;
}
