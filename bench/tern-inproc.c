/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-inproc: tern against tern in one process, back to back.
 *
 * Two ring ethdevs (rte_eth_from_rings) share two rte_rings crosswise,
 * so that what one port sends the other receives: an in-memory wire with
 * no kernel and no NIC. Two stack instances (struct tern_ctx, one per
 * port) run on it, each with the loop of the runtime:
 *   now = TSC ns; rx_burst -> tern_stack_step (input, app poll,
 *   timers, tx_burst)
 * The server (lib/http/httpd_core.c, tern-httpd's core) runs on the second
 * lcore, the client (bench/load_core.c, tern-load's engine) on the main
 * lcore; the result is one JSON record.
 *
 * --reflect measures the wire's ceiling instead: the second lcore swaps
 * the Ethernet, IPv4 and TCP addresses of every frame and sends it back
 * (testpmd's 5tswap), the main lcore keeps a fixed number of frames
 * circulating; the figure is frames in plus out per second of the
 * reflecting core.
 *
 * --lockstep runs both stacks on one lcore, alternately, on a virtual
 * clock, each stepping only when it has input or work due: exactly
 * repeatable, for instruction counts (bench/callgrind.sh counts
 * srv_step and cli_step, leaving out the PMD's srv/cli_tx_flush).
 *
 * The ports stand in for a NIC that checksums in hardware (TX checksums
 * are left to it, RX frames are marked verified), as the kernel's
 * loopback does; --no-offload makes both stacks checksum in software.
 *
 *   tern-inproc -l 0,1 --no-pci --no-huge --no-shconf -m 1024 --
 *       --mode rps --conns 64 --pipeline 8 --time 5
 *
 * --workers N (with --lockstep) runs N stacks a side, worker w on queue
 * pair w of the wire; each side owns flows as the runtime does with
 * several workers (tern_owner.h: a symmetric Toeplitz key, a table over
 * the workers, source ports of active opens chosen to come back to the
 * opening worker) and hands frames between its workers over steering
 * rings (tern_steer.h). The sending side's flush stands in for the
 * receiving NIC: a TCP frame goes onto the queue the peer's key and
 * table name, its hash in hash.rss as RSS would give it, and nothing
 * needs steering; with --no-rss every frame lands on queue 0 (a port
 * without RSS) and the peer's worker 0 steers in software.
 *
 * --ip6 runs the same load over IPv6: the server is 2001:2::1, the client
 * 2001:2::2 (/64, from the benchmarking range 2001:2::/48, RFC 5180);
 * both stacks run their duplicate address detection (docs/ipv6.md: one
 * probe, then 1 s of silence -- virtual time with --lockstep) before the
 * apps start, so the client's first SYN finds its address usable.
 *
 * --flood syn|ack|rst adds a flooder on the client's port (bench/flood.h):
 * next to the legitimate load, the client's lcore sends --flood-burst
 * forged segments every loop iteration, as fast as it goes (with
 * --lockstep: every tick of virtual time while the load runs); the record
 * then says how many, and how the server's pool did (docs/reliability.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "tern_clock.h"
#include "tern_config.h"
#include "tern_net.h"
#include "tern_owner.h"
#include "tern_stack.h"
#include "tern_steer.h"
#include "tern_tcp.h"
#include "httpd_core.h"
#include "sock_httpd.h"
#include "load_core.h"
#include "tern_bench.h"
#include "flood.h"

#define BENCH_NS_PER_S 1000000000ull
/* 198.18.0.1 and .2 (RTE_IPV4 shifts an int: undefined above 127). */
#define SERVER_IP ((198u << 24) | (18u << 16) | 1u)
#define CLIENT_IP ((198u << 24) | (18u << 16) | 2u)
#define PREFIX_LEN 24
/* The client's --src-addrs beyond CLIENT_IP: 198.18.0.10 on. */
#define CLIENT_EXTRA_IP ((198u << 24) | (18u << 16) | 10u)
/* --ip6: 2001:2::1 and 2001:2::2 (the last byte the IPv4 one's). */
#define PREFIX6_LEN 64
/* --ip6: how long both stacks may take to finish DAD before the load
 * (one probe and 1 s of silence each, docs/ipv6.md). */
#define DAD_LIMIT_NS (5ull * BENCH_NS_PER_S)
/* TX attempts per flush while the other lcore drains the ring. */
#define TX_ATTEMPTS 64
/* After the client is done, how long the server may take to see its
 * connections closed before it stops. */
#define SERVER_GRACE_NS (1000ull * 1000 * 1000)
/* Lockstep: virtual time per round; the clock jumps when both idle. */
#define LOCKSTEP_TICK_NS 1000
/* A lockstep run that makes no progress for this long is stuck. */
#define LOCKSTEP_IDLE_LIMIT_NS (600ull * BENCH_NS_PER_S)
/* --workers: stacks a side (a steering group's bound). */
#define INPROC_WORKERS_MAX TERN_STEER_WORKERS_MAX
/* --workers: the redirection table's entries, as many NICs have. */
#define INPROC_RETA_SIZE 128

/* One port, one stack instance, one role. */
struct side {
	struct tern_ctx ctx;        /* first: cache aligned */
	const char *name;
	uint16_t port;
	uint16_t queue;             /* --workers: this worker's queue pair */
	uint16_t wire_queues;       /* queue pairs of the wire */
	bool wire_one_queue;        /* --no-rss: all frames onto queue 0 */
	bool nic_hash;              /* RX: hash.rss given, as by RSS */
	const struct tern_ctx *peer; /* the receiving side's ownership */
	struct rte_mempool *pool;
	struct httpd *httpd;        /* server */
	void *sock;                 /* --sock-server: tern-sock-httpd */
	struct tern_sock_worker *sockw;
	struct load *load;          /* client */
	bool offload;
	bool spin;                  /* retry TX: the other lcore drains */
	struct rte_ether_addr mac;
	FILE *pcap;                 /* --pcap, or NULL */
	uint64_t heap_before;       /* DPDK heap before the stack existed */
	uint64_t heap_after;
	uint32_t tw_peak;           /* most TIME_WAIT records seen at once */
	uint32_t tw_end;            /* ...left when the run ended */
	int64_t heap_run_growth;    /* heap at the end of the run less after
				       setup: 0 when memory stayed flat */
	uint64_t busy_cycles;       /* iterations that moved frames */
	uint64_t loop_cycles;
	/* The thread's CPU time, sampled every millisecond or so, and the
	 * TSC time of the sample: wall time minus CPU time is time the
	 * polling thread was not running. */
	uint64_t cpu_ns;
	uint64_t cpu_at_cycles;
	uint64_t frames;            /* reflector / generator */
} __rte_cache_aligned;

/* Server figures at the client's window edges. */
struct srv_mark {
	uint64_t rx, tx, busy, loop, ns;
	uint64_t srv_cpu_ns, srv_at;    /* CPU time and when (TSC) */
	uint64_t cli_cpu_ns, cli_at;
};

struct inproc {
	struct load_conf conf;      /* first: load_opts parse into it */
	bool reflect;
	bool lockstep;
	bool sock_server;
	bool stop_server_open;      /* --stop-server-open */
	uint32_t stopped_open;      /* ...connections httpd_stop() ended */
	bool offload;
	bool ip6;                   /* --ip6: both stacks and the load */
	int64_t body_size;          /* -1: the hello page */
	uint32_t max_conns;
	uint32_t max_tw;
	uint32_t msl_ms;
	uint32_t reass_conns;
	uint32_t snd_buf;           /* 0: tern's default */
	bool tw_reuse;
	uint32_t tw_reuse_delay_ms;
	uint16_t port_min, port_max;
	uint32_t src_addrs;         /* client source addresses */
	uint32_t ring_size;
	uint32_t mbufs;
	const char *pcap_path;
	FILE *pcap;                 /* --pcap: both directions, in order */
	uint32_t frame_len;         /* reflect */
	uint32_t frames;            /* reflect: frames circulating */
	uint64_t seed;
	struct tern_clock clock;
	uint64_t sample_cycles;     /* CPU_SAMPLE_US in TSC cycles */
	uint16_t workers;           /* stacks a side, one queue pair each */
	bool no_rss;                /* senders put all on queue 0 */
	struct rte_ring *ring_c2s[INPROC_WORKERS_MAX];
	struct rte_ring *ring_s2c[INPROC_WORKERS_MAX];
	struct side *srv;           /* srvs[0] */
	struct side *cli;           /* clis[0] */
	struct side *srvs[INPROC_WORKERS_MAX];
	struct side *clis[INPROC_WORKERS_MAX];
	struct tern_steer *srv_steer; /* --workers > 1 */
	struct tern_steer *cli_steer;
	atomic_bool stop;
	uint64_t vnow_ns;           /* lockstep clock */
	struct srv_mark mark_start;
	struct srv_mark mark_end;
	uint8_t client_phase;
	uint64_t next_line_ns;
	uint64_t line_t0_ns;
	struct load_counters line_prev;
	struct bench_tern_mem mem;  /* read before the stacks go */
	struct bench_flood flood;   /* --flood */
	uint64_t flood_t0_ns, flood_t1_ns;
	uint32_t srv_mbufs_idle;    /* server pool in use before the load */
	uint32_t srv_mbufs_peak;    /* ...and its peak, sampled */
	uint64_t flood_loops;
	uint64_t mbufs_idle;        /* both pools, before the load */
	int64_t mbufs_run_growth;   /* ...after it, less those in flight */
};

/* ---- options ---- */

enum own_opt {
	OPT_REFLECT, OPT_LOCKSTEP, OPT_NO_OFFLOAD, OPT_BODY_SIZE,
	OPT_MAX_CONNS, OPT_MAX_TW, OPT_MSL_MS, OPT_RING_SIZE, OPT_MBUFS,
	OPT_FRAME_LEN, OPT_FRAMES, OPT_SEED, OPT_REASS_CONNS, OPT_PCAP,
	OPT_SND_BUF, OPT_NO_TW_REUSE, OPT_TW_REUSE_DELAY_MS, OPT_PORT_MIN,
	OPT_PORT_MAX, OPT_SRC_ADDRS, OPT_FLOOD, OPT_FLOOD_BURST,
	OPT_SOCK_SERVER, OPT_WORKERS, OPT_NO_RSS, OPT_IP6,
	OPT_STOP_SERVER_OPEN,
};

struct own_opt_desc {
	const char *name;
	const char *arg_name;
	const char *help;
	uint64_t min, max;
};

static const struct own_opt_desc own_opts[] = {
	[OPT_REFLECT] = { "reflect", NULL,
			  "measure the wire's ceiling (5-tuple swap)", 0, 0 },
	[OPT_LOCKSTEP] = { "lockstep", NULL, "one lcore, virtual clock, "
			   "exactly repeatable", 0, 0 },
	[OPT_NO_OFFLOAD] = { "no-offload", NULL,
			     "checksum in software on both stacks", 0, 0 },
	[OPT_BODY_SIZE] = { "body-size", "N", "server page size (default: "
			    "the hello page)", 0, HTTP_PAGE_MAX },
	[OPT_MAX_CONNS] = { "max-conns", "N", "connection records per stack "
			    "(default 65536)", 16, TERN_TCP_MAX_CONNS },
	[OPT_MAX_TW] = { "max-tw", "N", "TIME_WAIT records per stack "
			 "(default 65536)", 0, TERN_TCP_MAX_TW },
	[OPT_MSL_MS] = { "msl-ms", "MS", "MSL (TIME_WAIT lasts 2 MSL; "
			 "default 30000)", 1, 600000 },
	[OPT_RING_SIZE] = { "ring-size", "N", "frames each way on the wire "
			    "(power of 2; default 8192)", 64, 1u << 20 },
	[OPT_MBUFS] = { "mbufs", "N", "mbufs per side (default 65535)", 1024,
			1u << 24 },
	[OPT_FRAME_LEN] = { "frame-len", "N", "reflect: frame bytes "
			    "(default 64)", 60, 1514 },
	[OPT_FRAMES] = { "frames", "N", "reflect: frames circulating "
			 "(default 1024)", 1, 1u << 20 },
	[OPT_SEED] = { "seed", "N", "secret seed of both stacks (0: random; "
		       "lockstep default 1)", 0, UINT64_MAX },
	[OPT_REASS_CONNS] = { "reass-conns", "N", "connections that may hold "
			      "out-of-order data (0: max-conns/4)", 0,
			      TERN_TCP_MAX_REASS_CONNS },
	[OPT_PCAP] = { "pcap", "FILE", "write every frame on the wire to FILE "
		       "(pcap; slows the run down)", 0, 0 },
	[OPT_SND_BUF] = { "snd-buf", "BYTES", "send buffer of both stacks "
			  "(default 262144; small: back-pressure paths)",
			  64, 1u << 30 },
	[OPT_NO_TW_REUSE] = { "no-tw-reuse", NULL, "active opens never take "
			      "a TIME_WAIT 4-tuple (tcp.tw_reuse=false)", 0,
			      0 },
	[OPT_TW_REUSE_DELAY_MS] = { "tw-reuse-delay-ms", "MS", "TIME_WAIT "
				    "age before an active open may take it "
				    "(default 1000)", 0, 3600000 },
	[OPT_PORT_MIN] = { "port-min", "PORT", "first ephemeral port "
			   "(default 32768)", 1, UINT16_MAX },
	[OPT_PORT_MAX] = { "port-max", "PORT", "last ephemeral port "
			   "(default 60999)", 1, UINT16_MAX },
	[OPT_SRC_ADDRS] = { "src-addrs", "N", "client source addresses: "
			    "198.18.0.2 and N-1 from 198.18.0.10 (ip.extra; "
			    "default 1)", 1, 1 + TERN_CFG_EXTRA_IP_MAX },
	[OPT_FLOOD] = { "flood", "KIND", "also flood the server with forged "
			"syn, ack or rst segments (bench/flood.h)", 0, 0 },
	[OPT_FLOOD_BURST] = { "flood-burst", "N", "forged segments per client "
			      "loop iteration (default 32)", 1, 64 },
	[OPT_SOCK_SERVER] = { "sock-server", NULL, "serve with "
			      "tern-sock-httpd's epoll loop on "
			      "tern_socket.h instead of tern-httpd's "
			      "callbacks", 0, 0 },
	[OPT_WORKERS] = { "workers", "N", "stacks a side, each on a queue "
			  "pair of the wire, flows spread by Toeplitz "
			  "(default 1; more need --lockstep)", 1,
			  INPROC_WORKERS_MAX },
	[OPT_NO_RSS] = { "no-rss", NULL, "with --workers: senders put every "
			 "frame on queue 0, the receiving workers steer in "
			 "software", 0, 0 },
	[OPT_IP6] = { "ip6", NULL, "the load over IPv6: server 2001:2::1, "
		      "client 2001:2::2 (DAD done before it starts)", 0, 0 },
	[OPT_STOP_SERVER_OPEN] = { "stop-server-open", NULL, "lockstep: "
				   "stop tern-httpd (httpd_stop) as the load "
				   "ends, its connections open: each must end "
				   "by RST on both sides", 0, 0 },
};

static int
own_opt_set(struct inproc *ip, enum own_opt o, uint64_t v)
{
	switch (o) {
	case OPT_REFLECT: ip->reflect = true; break;
	case OPT_LOCKSTEP: ip->lockstep = true; break;
	case OPT_NO_OFFLOAD: ip->offload = false; break;
	case OPT_BODY_SIZE: ip->body_size = (int64_t)v; break;
	case OPT_MAX_CONNS: ip->max_conns = (uint32_t)v; break;
	case OPT_MAX_TW: ip->max_tw = (uint32_t)v; break;
	case OPT_MSL_MS: ip->msl_ms = (uint32_t)v; break;
	case OPT_RING_SIZE: ip->ring_size = (uint32_t)v; break;
	case OPT_MBUFS: ip->mbufs = (uint32_t)v; break;
	case OPT_FRAME_LEN: ip->frame_len = (uint32_t)v; break;
	case OPT_FRAMES: ip->frames = (uint32_t)v; break;
	case OPT_SEED: ip->seed = v; break;
	case OPT_REASS_CONNS: ip->reass_conns = (uint32_t)v; break;
	case OPT_PCAP: break;
	case OPT_SND_BUF: ip->snd_buf = (uint32_t)v; break;
	case OPT_NO_TW_REUSE: ip->tw_reuse = false; break;
	case OPT_TW_REUSE_DELAY_MS: ip->tw_reuse_delay_ms = (uint32_t)v; break;
	case OPT_PORT_MIN: ip->port_min = (uint16_t)v; break;
	case OPT_PORT_MAX: ip->port_max = (uint16_t)v; break;
	case OPT_SRC_ADDRS: ip->src_addrs = (uint32_t)v; break;
	case OPT_FLOOD: break;
	case OPT_FLOOD_BURST: ip->flood.burst = (uint16_t)v; break;
	case OPT_SOCK_SERVER: ip->sock_server = true; break;
	case OPT_WORKERS: ip->workers = (uint16_t)v; break;
	case OPT_NO_RSS: ip->no_rss = true; break;
	case OPT_IP6: ip->ip6 = true; break;
	case OPT_STOP_SERVER_OPEN: ip->stop_server_open = true; break;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tern-inproc [EAL options] -- [options]\n");
	for (size_t i = 0; i < RTE_DIM(own_opts); i++)
		fprintf(stderr, "  --%-14s %-6s %s\n", own_opts[i].name,
			own_opts[i].arg_name ? own_opts[i].arg_name : "",
			own_opts[i].help);
	for (const struct load_opt *o = load_opts; o->name != NULL; o++)
		fprintf(stderr, "  --%-14s %-6s %s\n", o->name,
			o->arg_name ? o->arg_name : "", o->help);
}

/* One option at argv[*i]. @return 0, 1 (--help) or -EINVAL. */
static int
parse_one(struct inproc *ip, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	const char *value = NULL;

	if (strncmp(argv[*i], "--", 2) != 0)
		return -EINVAL;
	if (strcmp(name, "help") == 0)
		return 1;
	for (size_t k = 0; k < RTE_DIM(own_opts); k++) {
		const struct own_opt_desc *d = &own_opts[k];
		uint64_t v = 0;

		if (strcmp(d->name, name) != 0)
			continue;
		if (k == OPT_PCAP && *i + 1 < argc) {
			ip->pcap_path = argv[++(*i)];
			return 0;
		}
		if (k == OPT_FLOOD) {
			if (*i + 1 >= argc ||
			    bench_flood_parse(argv[*i + 1],
					      &ip->flood.kind) != 0) {
				fprintf(stderr, "--flood: syn, ack or rst\n");
				return -EINVAL;
			}
			(*i)++;
			return 0;
		}
		if (d->arg_name != NULL) {
			if (*i + 1 >= argc || tern_parse_u64(argv[*i + 1], d->min,
							d->max, &v) != 0) {
				fprintf(stderr, "--%s: %" PRIu64 "..%" PRIu64
					"\n", d->name, d->min, d->max);
				return -EINVAL;
			}
			(*i)++;
		}
		return own_opt_set(ip, (enum own_opt)k, v);
	}
	for (const struct load_opt *o = load_opts; o->name != NULL; o++) {
		if (strcmp(o->name, name) != 0)
			continue;
		if (o->arg_name != NULL) {
			if (*i + 1 >= argc) {
				fprintf(stderr, "--%s needs a value\n", name);
				return -EINVAL;
			}
			value = argv[++(*i)];
		}
		return o->parse(&ip->conf, value);
	}
	fprintf(stderr, "tern-inproc: unknown option %s\n", argv[*i]);
	return -EINVAL;
}

/* --workers N: lockstep's one thread drives them all; the load and the
 * server are tern-load's and tern-httpd's cores, one per worker. */
static int
workers_check(const struct inproc *ip)
{
	if (ip->workers == 1) {
		if (ip->no_rss)
			fprintf(stderr, "tern-inproc: --no-rss needs "
				"--workers 2 or more\n");
		return ip->no_rss ? -EINVAL : 0;
	}
	if (!ip->lockstep || ip->reflect || ip->sock_server ||
	    ip->flood.kind != BENCH_FLOOD_NONE) {
		fprintf(stderr, "tern-inproc: --workers N needs --lockstep, "
			"and neither --reflect, --sock-server nor --flood\n");
		return -EINVAL;
	}
	if (ip->conf.conns < ip->workers) {
		fprintf(stderr, "tern-inproc: --workers %u: give at least as "
			"many --conns\n", ip->workers);
		return -EINVAL;
	}
	return 0;
}

/* The IPv6 address of @p addr's side: 2001:2::, the IPv4 one's last
 * byte. */
static struct tern_ip6
side_ip6(uint32_t addr)
{
	struct tern_ip6 a = { .b = { 0x20, 0x01, 0x00, 0x02 } };

	a.b[15] = (uint8_t)(addr & 0xff);
	return a;
}

/* --ip6: the client connects to the server's IPv6 address; what builds
 * IPv4 frames itself (the reflector, the flooder) or has IPv4-only
 * settings (extra source addresses, --connect A.B.C.D) is refused. */
static int
ip6_check(struct inproc *ip)
{
	struct tern_ip6 srv = side_ip6(SERVER_IP);

	if (!ip->ip6)
		return 0;
	if (ip->reflect || ip->flood.kind != BENCH_FLOOD_NONE ||
	    ip->src_addrs > 1 || ip->conf.v6 ||
	    ip->conf.daddr != rte_cpu_to_be_32(SERVER_IP)) {
		fprintf(stderr, "tern-inproc: --ip6 takes neither --reflect, "
			"--flood, --src-addrs nor --connect\n");
		return -EINVAL;
	}
	ip->conf.v6 = true;
	ip->conf.daddr = 0;
	memcpy(ip->conf.daddr6, srv.b, sizeof(ip->conf.daddr6));
	return 0;
}

static int
parse_args(struct inproc *ip, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int rc = parse_one(ip, argc, argv, &i);

		if (rc != 0) {
			usage();
			return rc;
		}
	}
	if (ip->lockstep && (ip->conf.time_s > 0 || ip->conf.warmup_s > 0 ||
			     (ip->conf.max_requests == 0 &&
			      ip->conf.mode != LOAD_HOLD))) {
		fprintf(stderr, "tern-inproc: --lockstep runs on virtual "
			"time: give --requests N (hold: nothing), not "
			"--time/--warmup\n");
		return -EINVAL;
	}
	if (ip->reflect && (ip->lockstep || ip->conf.time_s <= 0)) {
		fprintf(stderr, "tern-inproc: --reflect needs --time and two "
			"lcores\n");
		return -EINVAL;
	}
	if (ip->flood.kind != BENCH_FLOOD_NONE && ip->reflect) {
		fprintf(stderr, "tern-inproc: --flood measures a load, not "
			"--reflect\n");
		return -EINVAL;
	}
	if (ip->pcap_path != NULL && !ip->lockstep) {
		fprintf(stderr, "tern-inproc: --pcap needs --lockstep\n");
		return -EINVAL;
	}
	if ((ip->ring_size & (ip->ring_size - 1)) != 0) {
		fprintf(stderr, "tern-inproc: --ring-size: a power of 2\n");
		return -EINVAL;
	}
	if (ip->lockstep && ip->seed == 0)
		ip->seed = 1;
	if (ip->stop_server_open && (!ip->lockstep || ip->sock_server ||
				     ip->flood.kind != BENCH_FLOOD_NONE)) {
		fprintf(stderr, "tern-inproc: --stop-server-open needs "
			"--lockstep, and neither --sock-server nor --flood\n");
		return -EINVAL;
	}
	if (ip6_check(ip) != 0)
		return -EINVAL;
	return workers_check(ip);
}

/* ---- the wire ---- */

static int
port_setup(struct inproc *ip, const char *name, struct rte_ring **rx,
	   struct rte_ring **tx, struct side *s)
{
	struct rte_eth_conf conf = { 0 };
	uint16_t nq = ip->workers;
	int port, rc;
	char pname[RTE_MEMPOOL_NAMESIZE];

	snprintf(pname, sizeof(pname), "mb_%s", name);
	s->pool = rte_pktmbuf_pool_create(pname, ip->mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (s->pool == NULL)
		return -ENOMEM;
	port = rte_eth_from_rings(name, rx, nq, tx, nq, (unsigned int)
				  rte_socket_id());
	if (port < 0)
		return -rte_errno;
	s->port = (uint16_t)port;
	s->name = name;
	rc = rte_eth_dev_configure(s->port, nq, nq, &conf);
	for (uint16_t q = 0; q < nq && rc == 0; q++) {
		rc = rte_eth_rx_queue_setup(s->port, q, ip->ring_size,
					    (unsigned int)rte_socket_id(),
					    NULL, s->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(s->port, q, ip->ring_size,
					    (unsigned int)rte_socket_id(),
					    NULL);
	}
	if (rc == 0)
		rc = rte_eth_dev_start(s->port);
	return rc;
}

/* Worker @p w of a side: the port and pool of its worker 0, queue w. */
static void
workers_share_port(struct side *s, const struct side *first, uint16_t w)
{
	s->name = first->name;
	s->port = first->port;
	s->pool = first->pool;
	s->queue = w;
}

static int
wire_setup(struct inproc *ip)
{
	unsigned int flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
	char name[RTE_RING_NAMESIZE];
	int rc;

	/* One ring each way per queue pair; with several workers all of
	 * them run on lockstep's one thread, so one producer still. */
	for (uint16_t q = 0; q < ip->workers; q++) {
		snprintf(name, sizeof(name), "c2s%u", q);
		ip->ring_c2s[q] = rte_ring_create(name, ip->ring_size,
						  (int)rte_socket_id(), flags);
		snprintf(name, sizeof(name), "s2c%u", q);
		ip->ring_s2c[q] = rte_ring_create(name, ip->ring_size,
						  (int)rte_socket_id(), flags);
		if (ip->ring_c2s[q] == NULL || ip->ring_s2c[q] == NULL)
			return -ENOMEM;
	}
	rc = port_setup(ip, "srv", ip->ring_c2s, ip->ring_s2c, ip->srv);
	if (rc == 0)
		rc = port_setup(ip, "cli", ip->ring_s2c, ip->ring_c2s,
				ip->cli);
	for (uint16_t w = 1; w < ip->workers && rc == 0; w++) {
		workers_share_port(ip->srvs[w], ip->srv, w);
		workers_share_port(ip->clis[w], ip->cli, w);
	}
	return rc;
}

/* --workers, RSS: the hash the sender's flush put in hash.rss (and
 * flagged) stands for the NIC's; the rest as nic_rx(). */
static void
nic_rx_hashed(const struct side *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t cksum = s->offload ? RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				      RTE_MBUF_F_RX_L4_CKSUM_GOOD : 0;

	for (uint16_t i = 0; i < n; i++)
		pkts[i]->ol_flags = cksum | (pkts[i]->ol_flags &
					     RTE_MBUF_F_RX_RSS_HASH);
}

/* What a NIC with checksum offload reports on receive. */
static inline void
nic_rx(const struct side *s, struct rte_mbuf **pkts, uint16_t n)
{
	if (s->nic_hash) {
		nic_rx_hashed(s, pkts, n);
		return;
	}
	if (!s->offload)
		return;
	for (uint16_t i = 0; i < n; i++)
		pkts[i]->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				    RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

/* ---- --pcap: a classic libpcap file, microsecond stamps ---- */

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t zone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t sec, usec, caplen, len;
};

static FILE *
pcap_open(const char *path)
{
	struct pcap_file_hdr h = { 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };
	FILE *f = fopen(path, "wb");

	if (f != NULL && fwrite(&h, sizeof(h), 1, f) != 1) {
		fclose(f);
		f = NULL;
	}
	return f;
}

static void
pcap_write(FILE *f, uint64_t now_ns, const struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct pcap_rec_hdr h = {
		(uint32_t)(now_ns / BENCH_NS_PER_S),
		(uint32_t)(now_ns % BENCH_NS_PER_S / 1000), len, len };

	fwrite(&h, sizeof(h), 1, f);
	for (const struct rte_mbuf *seg = m; seg != NULL; seg = seg->next)
		fwrite(rte_pktmbuf_mtod(seg, const void *), 1, seg->data_len,
		       f);
}

/* @return how many of @p pkts queue @p q of the port took. */
static uint16_t
side_tx_queue(const struct side *s, uint16_t q, struct rte_mbuf **pkts,
	      uint16_t n)
{
	uint16_t sent = 0;

	for (unsigned int i = 0; sent < n &&
	     (i == 0 || (s->spin && i < TX_ATTEMPTS)); i++)
		sent += rte_eth_tx_burst(s->port, q, pkts + sent, n - sent);
	return sent;
}

/* wire_queue() of an IPv6 frame: RSS hashes TCP with no extension
 * header (what tern sends); the rest lands on queue 0. */
static uint16_t
wire_queue6(const struct side *s, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip6 =
		(const struct rte_ipv6_hdr *)(eh + 1);
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(ip6 + 1);
	struct tern_ip6 src, dst;
	uint32_t hash;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*ip6) + 4 ||
	    ip6->proto != IPPROTO_TCP)
		return 0;
	memcpy(src.b, ip6->src_addr, sizeof(src.b));
	memcpy(dst.b, ip6->dst_addr, sizeof(dst.b));
	hash = tern_flow_toeplitz6(s->peer, &src, &dst, th->src_port,
				   th->dst_port);
	m->hash.rss = hash;
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	return tern_flow_owner(&s->peer->ifc, hash);
}

/*
 * The queue of the peer's port a frame lands on, as the peer's NIC
 * would pick it: by RSS, the owner its key and table name
 * (tern_owner.h), the hash left in hash.rss and flagged for nic_rx();
 * queue 0 for what RSS does not hash (not TCP) and, --no-rss,
 * for everything.
 */
static uint16_t
wire_queue(const struct side *s, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	const struct rte_ipv4_hdr *ip4;
	const struct rte_tcp_hdr *th;
	uint32_t hash;

	if (s->wire_one_queue ||
	    rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*ip4) + 4)
		return 0;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		return wire_queue6(s, m);
	ip4 = (const struct rte_ipv4_hdr *)(eh + 1);
	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip4->next_proto_id != IPPROTO_TCP ||
	    rte_pktmbuf_data_len(m) < sizeof(*eh) + rte_ipv4_hdr_len(ip4) + 4)
		return 0;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip4 +
					  rte_ipv4_hdr_len(ip4));
	hash = tern_flow_toeplitz(s->peer, ip4->src_addr, ip4->dst_addr,
				  th->src_port, th->dst_port);
	m->hash.rss = hash;
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	return tern_flow_owner(&s->peer->ifc, hash);
}

/* --workers: each frame onto the peer's queue its NIC would pick, in
 * order per queue. @return the frames sent (the rest freed, counted). */
static uint16_t
side_tx_spread(struct side *s, struct tern_tx_batch *b)
{
	struct rte_mbuf *out[TERN_TX_BATCH_MAX];
	uint16_t queue[TERN_TX_BATCH_MAX];
	uint16_t sent = 0, n, k;

	for (uint16_t i = 0; i < b->count; i++)
		queue[i] = wire_queue(s, b->pkts[i]);
	for (uint16_t q = 0; q < s->wire_queues; q++) {
		n = 0;
		for (uint16_t i = 0; i < b->count; i++)
			if (queue[i] == q)
				out[n++] = b->pkts[i];
		if (n == 0)
			continue;
		k = side_tx_queue(s, q, out, n);
		if (unlikely(k < n)) {
			rte_pktmbuf_free_bulk(out + k, n - k);
			tern_stat_add(&s->ctx.stats, TERN_STAT_TX_RING_FULL,
				      n - k);
		}
		sent = (uint16_t)(sent + k);
	}
	return sent;
}

static void
side_tx_flush(struct tern_ctx *ctx)
{
	struct side *s = ctx->tx_flush_arg;
	struct tern_tx_batch *b = &ctx->tx;
	uint16_t sent;

	if (unlikely(s->pcap != NULL))
		for (uint16_t i = 0; i < b->count; i++)
			pcap_write(s->pcap, ctx->now_ns, b->pkts[i]);
	if (s->wire_queues > 1) {
		sent = side_tx_spread(s, b);
		b->count = sent;  /* what was not sent is freed and counted */
	} else {
		sent = side_tx_queue(s, 0, b->pkts, b->count);
	}
	if (unlikely(sent < b->count)) {
		rte_pktmbuf_free_bulk(b->pkts + sent, b->count - sent);
		tern_stat_add(&ctx->stats, TERN_STAT_TX_RING_FULL,
			      b->count - sent);
	}
	tern_stat_add(&ctx->stats, TERN_STAT_TX_PKTS, sent);
	tern_stat_inc(&ctx->stats, TERN_STAT_TX_BATCH_FLUSHES);
	b->count = 0;
}

/* Two names, so that callgrind can leave each side's PMD out. */
static __attribute__((noinline)) void
srv_tx_flush(struct tern_ctx *ctx)
{
	side_tx_flush(ctx);
}

static __attribute__((noinline)) void
cli_tx_flush(struct tern_ctx *ctx)
{
	side_tx_flush(ctx);
}

/* ---- stacks ---- */

/*
 * --workers: worker @p w of a side owns the flows the runtime would
 * give it -- the symmetric key ("symmetric" of [rss] key), a table of
 * INPROC_RETA_SIZE entries over the workers -- and both sides use the
 * same, as the two ends of a NIC pair configured alike would.
 */
static void
stack_owner_conf(const struct inproc *ip, struct tern_stack_conf *sc,
		 uint16_t w, struct tern_steer *steer)
{
	struct tern_if_conf *ifc = &sc->ifc;

	for (size_t i = 0; i + 1 < sizeof(ifc->rss_key); i += 2) {
		ifc->rss_key[i] = 0x6d;
		ifc->rss_key[i + 1] = 0x5a;
	}
	ifc->rx_rss_hash = true;
	ifc->nb_queues = ip->workers;
	ifc->reta_size = INPROC_RETA_SIZE;
	for (uint16_t i = 0; i < ifc->reta_size; i++)
		ifc->reta[i] = (uint16_t)(i % ip->workers);
	sc->worker_id = w;
	sc->queue_id = w;
	sc->steer = steer;
}

static int
stack_setup(struct inproc *ip, struct side *s, uint32_t addr,
	    tern_tx_flush_fn flush, unsigned int lcore, uint64_t now)
{
	struct tern_stack_conf sc = { 0 };
	struct rte_malloc_socket_stats st;

	s->offload = ip->offload;
	s->spin = !ip->lockstep;
	/* Ring ports have no MAC of their own worth using (they may share
	 * one) and filter nothing: each stack gets a distinct local one. */
	sc.ifc.mac = (struct rte_ether_addr){
		{ 0x02, 0, 0, 0, 0, (uint8_t)(addr & 0xff) } };
	s->mac = sc.ifc.mac;
	sc.ifc.ip = rte_cpu_to_be_32(addr);
	sc.ifc.netmask = rte_cpu_to_be_32(~0u << (32 - PREFIX_LEN));
	if (addr == CLIENT_IP) {
		sc.ifc.nb_extra_ip = (uint8_t)(ip->src_addrs - 1);
		for (uint8_t i = 0; i < sc.ifc.nb_extra_ip; i++)
			sc.ifc.extra_ip[i] = rte_cpu_to_be_32(CLIENT_EXTRA_IP +
							      i);
	}
	/* The flood's forged sources are off-link: the server answers
	 * them through the client's port, as through a router. */
	if (addr == SERVER_IP && ip->flood.kind != BENCH_FLOOD_NONE)
		sc.ifc.gateway = rte_cpu_to_be_32(CLIENT_IP);
	/* --ip6: IPv4 stays on (dual stack, as deployed); the load does
	 * not use it. */
	if (ip->ip6) {
		sc.ifc.ip6 = side_ip6(addr);
		sc.ifc.ip6_prefix_len = PREFIX6_LEN;
	}
	sc.ifc.mtu = RTE_ETHER_MTU;
	sc.ifc.tx_ip_cksum = ip->offload;
	sc.ifc.tx_tcp_cksum = ip->offload;
	sc.ifc.rx_cksum = ip->offload;
	tern_tcp_conf_defaults(&sc.tcp);
	sc.tcp.max_conns = ip->max_conns;
	sc.tcp.max_tw = ip->max_tw;
	sc.tcp.msl_ms = ip->msl_ms;
	sc.tcp.reass_conns = ip->reass_conns;
	sc.tcp.tw_reuse = ip->tw_reuse;
	sc.tcp.tw_reuse_delay_ms = ip->tw_reuse_delay_ms;
	sc.tcp.port_min = ip->port_min;
	sc.tcp.port_max = ip->port_max;
	if (ip->snd_buf != 0)
		sc.tcp.snd_buf = ip->snd_buf;
	sc.pool = s->pool;
	sc.tx_flush = flush;
	sc.tx_flush_arg = s;
	sc.lcore_id = lcore;
	sc.port_id = s->port;
	sc.now_ns = now;
	sc.secret_seed = ip->seed != 0 ? ip->seed + addr : 0;
	if (ip->workers > 1) {
		stack_owner_conf(ip, &sc, s->queue, addr == SERVER_IP ?
				 ip->srv_steer : ip->cli_steer);
		/* each worker its own secrets, as in the runtime */
		if (sc.secret_seed != 0)
			sc.secret_seed += (uint64_t)s->queue << 32;
	}
	rte_malloc_get_socket_stats((int)rte_socket_id(), &st);
	s->heap_before = st.heap_allocsz_bytes;
	return tern_stack_init(&s->ctx, &sc);
}

static uint64_t
heap_now(void)
{
	struct rte_malloc_socket_stats st;

	rte_malloc_get_socket_stats((int)rte_socket_id(), &st);
	return st.heap_allocsz_bytes;
}

/* --sock-server: a socket layer on the server's stack, and the loop of
 * app/tern-sock-httpd on it. */
static int
sock_server_setup(struct inproc *ip)
{
	struct tern_sock_worker_conf wc = {
		.ctx = &ip->srv->ctx,
		.id = 0,
		.max_fds = ip->max_conns + 16,
	};
	struct sh_conf sc = { .port = ip->conf.dport, .quiet = true };
	int rc;

	if (ip->body_size >= 0 || ip->conf.nb_ports > 1)
		return -ENOTSUP;
	rc = tern_sock_worker_create(&wc, &ip->srv->sockw);
	if (rc != 0)
		return rc;
	ip->srv->sock = sh_new(&sc, 0);
	return ip->srv->sock != NULL ? 0 : -EINVAL;
}

static void
sock_server_fini(struct side *s)
{
	if (s->sockw == NULL)
		return;
	/* Descriptors are found through the calling thread. */
	tern_sock_worker_enter(s->sockw);
	if (s->sock != NULL)
		sh_free(s->sock);
	tern_sock_worker_destroy(s->sockw);
	s->sock = NULL;
	s->sockw = NULL;
}

/* Connections the server still has: for the socket server also those
 * closed by the app that tern is still finishing (LAST_ACK...), as
 * httpd_open_conns() counts them until closed(). */
static uint32_t
srv_open_conns(const struct side *s)
{
	uint32_t counts[TERN_TCP_NSTATES];
	uint32_t n;

	if (s->sock == NULL)
		return httpd_open_conns(s->httpd);
	n = (uint32_t)sh_open_conns(s->sock);
	tern_tcp_state_counts(&s->ctx, counts);
	for (unsigned int i = 0; i < TERN_TCP_NSTATES; i++)
		if (i != TERN_TCP_LISTEN && i != TERN_TCP_TIME_WAIT)
			n += counts[i];
	return n;
}

/* Share @p total among @p n workers, worker @p i's part (as tern-load). */
static uint64_t
share_of(uint64_t total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n ? 1 : 0);
}

/* tern-load's engine on each client worker, with its share. */
static int
loads_create(struct inproc *ip)
{
	int rc = 0;

	for (uint16_t w = 0; w < ip->workers && rc == 0; w++) {
		struct load_share share = {
			.conns = (uint32_t)share_of(ip->conf.conns,
						    ip->workers, w),
			.max_requests = share_of(ip->conf.max_requests,
						 ip->workers, w),
			.rate = ip->conf.rate / ip->workers,
		};

		rc = load_create(&ip->clis[w]->ctx, &ip->conf, &share,
				 &ip->clis[w]->load);
	}
	return rc;
}

static uint32_t
srv_open_all(const struct inproc *ip)
{
	uint32_t n = 0;

	for (uint16_t w = 0; w < ip->workers; w++)
		n += srv_open_conns(ip->srvs[w]);
	return n;
}

/* Connections on a server worker's stack (TIME_WAIT records are not
 * connections, listeners neither). */
static uint32_t
srv_stack_conns(const struct side *s)
{
	uint32_t counts[TERN_TCP_NSTATES];
	uint32_t open = 0;

	tern_tcp_state_counts(&s->ctx, counts);
	for (int st = 0; st < TERN_TCP_NSTATES; st++)
		if (st != TERN_TCP_TIME_WAIT && st != TERN_TCP_CLOSED &&
		    st != TERN_TCP_LISTEN)
			open += counts[st];
	return open;
}

/* Connections httpd_stop() left on a server worker: none may stay
 * open (it unlistens, which ends what was not yet accepted, and
 * aborts each it holds). */
static uint32_t
httpd_left_open(const struct side *s)
{
	return srv_stack_conns(s) + httpd_open_conns(s->httpd);
}

/* --stop-server-open: every server's httpd stopped with connections
 * open; each must end at once, by RST (with keep-alive connections the
 * client's load then sees exactly that many resets). A stop with
 * nothing open would test nothing: it fails too. */
static int
servers_stop_open(struct inproc *ip)
{
	uint32_t left_open = 0;

	for (uint16_t w = 0; w < ip->workers; w++) {
		ip->stopped_open += srv_stack_conns(ip->srvs[w]);
		httpd_stop(ip->srvs[w]->httpd);
		left_open += httpd_left_open(ip->srvs[w]);
	}
	if (ip->stopped_open == 0 || left_open > 0) {
		fprintf(stderr, "tern-inproc: FAILED: --stop-server-open: %"
			PRIu32 " connections open at the stop, %" PRIu32
			" still open after it\n", ip->stopped_open,
			left_open);
		return -EPROTO;
	}
	return 0;
}

/* The client's phase: its slowest worker's. */
static enum load_phase
cli_phase(const struct inproc *ip)
{
	enum load_phase ph = load_phase(ip->cli->load);

	for (uint16_t w = 1; w < ip->workers; w++)
		ph = RTE_MIN(ph, load_phase(ip->clis[w]->load));
	return ph;
}

static int
apps_setup(struct inproc *ip, char **page_out)
{
	struct httpd_conf hc = { 0 };
	char *page = NULL;
	int rc;

	if (ip->body_size >= 0) {
		rc = http_page_of_size((uint32_t)ip->body_size, &page);
		if (rc != 0)
			return rc;
		hc.page = page;
		hc.page_len = (uint32_t)ip->body_size;
	}
	*page_out = page;
	hc.port = ip->conf.dport;
	hc.nb_ports = ip->conf.nb_ports;
	hc.max_conns = ip->max_conns;
	hc.unix_sec = bench_unix_now();
	hc.unix_at_ns = ip->srv->ctx.now_ns;
	if (ip->sock_server) {
		/* tern-httpd's core stays for the report, on a port no
		 * one asks for. */
		hc.port = (uint16_t)(ip->conf.dport + 1);
		rc = sock_server_setup(ip);
		if (rc != 0)
			return rc;
	}
	/* a listener on every worker: each accepts the flows it owns */
	rc = 0;
	for (uint16_t w = 0; w < ip->workers && rc == 0; w++)
		rc = httpd_create(&ip->srvs[w]->ctx, &hc, &ip->srvs[w]->httpd);
	ip->srv->heap_after = heap_now();
	if (rc != 0)
		return rc;
	rc = loads_create(ip);
	ip->cli->heap_after = heap_now();
	return rc;
}

/* ---- one loop iteration of each side ---- */

static void
srv_app_poll(struct tern_ctx *ctx, void *arg)
{
	struct side *s = arg;

	RTE_SET_USED(ctx);
	if (s->sock != NULL)
		sh_iter(s->sock, 0);
	else
		httpd_poll(s->httpd);
}

static void
cli_app_poll(struct tern_ctx *ctx, void *arg)
{
	struct side *s = arg;

	RTE_SET_USED(ctx);
	load_poll(s->load);
}

/* The runtime's step (tern_stack_step), kept as named functions for
 * bench/callgrind.sh; the clock was set by the caller. */
static __attribute__((noinline)) void
srv_step(struct side *s, struct rte_mbuf **pkts, uint16_t n)
{
	tern_stack_step(&s->ctx, s->ctx.now_ns, pkts, n, srv_app_poll, s);
}

static __attribute__((noinline)) void
cli_step(struct side *s, struct rte_mbuf **pkts, uint16_t n)
{
	tern_stack_step(&s->ctx, s->ctx.now_ns, pkts, n, cli_app_poll, s);
}

/* The TIME_WAIT population's high-water mark (its plateau under churn:
 * rate x 2 MSL, or max_tw). */
static void
tw_sample(struct side *s)
{
	uint32_t counts[TERN_TCP_NSTATES];

	tern_tcp_state_counts(&s->ctx, counts);
	if (counts[TERN_TCP_TIME_WAIT] > s->tw_peak)
		s->tw_peak = counts[TERN_TCP_TIME_WAIT];
}

static void
tw_end_take(struct side *s)
{
	uint32_t counts[TERN_TCP_NSTATES];

	if (s->ctx.tcp == NULL)
		return;
	tern_tcp_state_counts(&s->ctx, counts);
	s->tw_end = counts[TERN_TCP_TIME_WAIT];
}

static uint16_t
side_rx(struct side *s, struct rte_mbuf **pkts)
{
	uint16_t n = rte_eth_rx_burst(s->port, s->queue, pkts, TERN_RX_BURST);

	nic_rx(s, pkts, n);
	return n;
}

/* ---- threaded loops ---- */

/*
 * tern's lcores poll and never block: any wall time their thread did not
 * spend on a CPU it was descheduled (a shared machine, a hypervisor), and
 * every connection of that lcore stalled meanwhile. Each loop samples
 * its thread's CPU time this often; the report gives the share of the
 * window so lost.
 */
#define CPU_SAMPLE_US 1000

static void
cpu_sample(struct side *s, uint64_t now_cycles)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return;
	s->cpu_ns = (uint64_t)ts.tv_sec * BENCH_NS_PER_S + (uint64_t)ts.tv_nsec;
	s->cpu_at_cycles = now_cycles;
}

static void
account(struct side *s, uint64_t t0, uint64_t t1, bool busy,
	uint64_t sample_cycles)
{
	s->loop_cycles += t1 - t0;
	if (busy)
		s->busy_cycles += t1 - t0;
	if (t1 - s->cpu_at_cycles >= sample_cycles)
		cpu_sample(s, t1);
}

static int
server_lcore(void *arg)
{
	struct inproc *ip = arg;
	struct side *s = ip->srv;
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint64_t grace_end = UINT64_MAX;

	if (s->sockw != NULL)
		tern_sock_worker_enter(s->sockw);
	cpu_sample(s, rte_get_tsc_cycles());
	for (;;) {
		uint64_t t0 = rte_get_tsc_cycles();
		uint64_t tx0 = s->ctx.stats.c[TERN_STAT_TX_PKTS];
		uint16_t n;

		tern_ctx_set_now(&s->ctx,
				 tern_clock_cycles_to_ns(&ip->clock, t0));
		n = side_rx(s, pkts);
		srv_step(s, pkts, n);
		tw_sample(s);
		account(s, t0, rte_get_tsc_cycles(),
			n > 0 || s->ctx.stats.c[TERN_STAT_TX_PKTS] != tx0,
			ip->sample_cycles);
		if (!atomic_load_explicit(&ip->stop, memory_order_relaxed))
			continue;
		/* The client is done: see our side of its last closes
		 * through (the final ACKs are still on the wire). */
		if (grace_end == UINT64_MAX)
			grace_end = s->ctx.now_ns + SERVER_GRACE_NS;
		if (srv_open_conns(s) == 0 ||
		    s->ctx.now_ns >= grace_end)
			break;
	}
	return 0;
}

static void
srv_mark_take(struct inproc *ip, struct srv_mark *m, uint64_t now)
{
	const struct side *s = ip->srv;

	/* The server's counters, read from the client's lcore: exact to
	 * within the iteration in progress over there. */
	m->rx = s->ctx.stats.c[TERN_STAT_RX_PKTS];
	m->tx = s->ctx.stats.c[TERN_STAT_TX_PKTS];
	m->busy = s->busy_cycles;
	m->loop = s->loop_cycles;
	/* The client's own sample, taken now: this runs on its lcore. */
	if (!ip->lockstep)
		cpu_sample(ip->cli, rte_get_tsc_cycles());
	m->srv_cpu_ns = s->cpu_ns;
	m->srv_at = s->cpu_at_cycles;
	m->cli_cpu_ns = ip->cli->cpu_ns;
	m->cli_at = ip->cli->cpu_at_cycles;
	m->ns = now;
}

/* Add @p ctx's connections by state to @p sum. */
static void
states_add(const struct tern_ctx *ctx, uint32_t *sum)
{
	uint32_t counts[TERN_TCP_NSTATES];

	tern_tcp_state_counts(ctx, counts);
	for (unsigned int i = 0; i < TERN_TCP_NSTATES; i++)
		sum[i] += counts[i];
}

static void
live_line(struct inproc *ip, uint64_t now)
{
	uint32_t cs[TERN_TCP_NSTATES], ss[TERN_TCP_NSTATES];
	struct load_counters n, d;
	char cli[160], srv[160], states[340];

	memset(&n, 0, sizeof(n));
	memset(cs, 0, sizeof(cs));
	memset(ss, 0, sizeof(ss));
	for (uint16_t w = 0; w < ip->workers; w++) {
		load_counters_now(ip->clis[w]->load, &d);
		load_counters_add(&n, &d);
		states_add(&ip->clis[w]->ctx, cs);
		states_add(&ip->srvs[w]->ctx, ss);
	}
	load_counters_sub(&d, &n, &ip->line_prev);
	ip->line_prev = n;
	bench_states_format(cs, cli, sizeof(cli));
	bench_states_format(ss, srv, sizeof(srv));
	snprintf(states, sizeof(states), "client %s | server %s", cli, srv);
	load_live_line(stderr, &ip->conf,
		       (double)(now - ip->line_t0_ns) / BENCH_NS_PER_S, &d,
		       BENCH_NS_PER_S, states);
}

/* Follow the client's phases to take the server's figures. */
static void
watch_phase(struct inproc *ip, uint64_t now)
{
	uint8_t ph = (uint8_t)cli_phase(ip);

	if (ph == ip->client_phase)
		return;
	if (ip->client_phase < LOAD_PH_MEASURE && ph >= LOAD_PH_MEASURE)
		srv_mark_take(ip, &ip->mark_start, now);
	if (ip->client_phase < LOAD_PH_DRAIN && ph >= LOAD_PH_DRAIN)
		srv_mark_take(ip, &ip->mark_end, now);
	ip->client_phase = ph;
}

/* How often the client's loop samples the server's pool (a count sums
 * every lcore's cache: too dear for each iteration). */
#define FLOOD_SAMPLE_LOOPS 1024

/* --flood: one burst of forged segments onto the client's port. */
static void
flood_burst(struct inproc *ip, struct side *s)
{
	struct rte_mbuf *pkts[64];
	uint16_t n, sent;

	if (ip->flood_t0_ns == 0)
		ip->flood_t0_ns = s->ctx.now_ns;
	ip->flood_t1_ns = s->ctx.now_ns;
	n = bench_flood_fill(&ip->flood, s->pool, pkts);
	sent = rte_eth_tx_burst(s->port, 0, pkts, n);
	if (sent < n)
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	ip->flood.sent += sent;
	ip->flood.refused += n - sent;
	if (++ip->flood_loops % FLOOD_SAMPLE_LOOPS == 0)
		ip->srv_mbufs_peak = RTE_MAX(ip->srv_mbufs_peak,
				rte_mempool_in_use_count(ip->srv->pool));
}

static void
client_loop(struct inproc *ip)
{
	struct side *s = ip->cli;
	struct rte_mbuf *pkts[TERN_RX_BURST];

	ip->line_t0_ns = s->ctx.now_ns;
	ip->next_line_ns = s->ctx.now_ns + BENCH_NS_PER_S;
	cpu_sample(s, rte_get_tsc_cycles());
	while (load_phase(s->load) != LOAD_PH_DONE) {
		uint64_t t0 = rte_get_tsc_cycles();
		uint64_t tx0 = s->ctx.stats.c[TERN_STAT_TX_PKTS];
		uint16_t n;

		tern_ctx_set_now(&s->ctx,
				 tern_clock_cycles_to_ns(&ip->clock, t0));
		n = side_rx(s, pkts);
		cli_step(s, pkts, n);
		tw_sample(s);
		if (ip->flood.kind != BENCH_FLOOD_NONE &&
		    load_phase(s->load) < LOAD_PH_DRAIN)
			flood_burst(ip, s);
		watch_phase(ip, s->ctx.now_ns);
		account(s, t0, rte_get_tsc_cycles(),
			n > 0 || s->ctx.stats.c[TERN_STAT_TX_PKTS] != tx0,
			ip->sample_cycles);
		if (!ip->conf.quiet && s->ctx.now_ns >= ip->next_line_ns) {
			ip->next_line_ns += BENCH_NS_PER_S;
			live_line(ip, s->ctx.now_ns);
		}
	}
}

static int
run_threaded(struct inproc *ip, unsigned int srv_lcore)
{
	int rc = rte_eal_remote_launch(server_lcore, ip, srv_lcore);

	if (rc != 0)
		return rc;
	client_loop(ip);
	atomic_store(&ip->stop, true);
	return rte_eal_wait_lcore(srv_lcore);
}

/* ---- lockstep ---- */

/* A timer due, or frames its other workers handed it. */
static bool
side_due(const struct side *s, uint64_t now)
{
	return tern_stack_next_deadline_ns(&s->ctx) <= now ||
	       (s->ctx.steer != NULL &&
		tern_steer_pending(s->ctx.steer, s->ctx.worker_id) > 0);
}

static uint64_t
next_event_ns(const struct inproc *ip)
{
	uint64_t next = UINT64_MAX;

	for (uint16_t w = 0; w < ip->workers; w++) {
		next = RTE_MIN(next,
			       tern_stack_next_deadline_ns(&ip->srvs[w]->ctx));
		next = RTE_MIN(next,
			       tern_stack_next_deadline_ns(&ip->clis[w]->ctx));
	}
	return next;
}

/* Frames on the wire or on a steering ring. */
static bool
frames_in_flight(const struct inproc *ip)
{
	for (uint16_t w = 0; w < ip->workers; w++)
		if (rte_ring_count(ip->ring_c2s[w]) > 0 ||
		    rte_ring_count(ip->ring_s2c[w]) > 0 ||
		    (ip->srv_steer != NULL &&
		     tern_steer_pending(ip->srv_steer, w) > 0) ||
		    (ip->cli_steer != NULL &&
		     tern_steer_pending(ip->cli_steer, w) > 0))
			return true;
	return false;
}

static bool
loads_busy(const struct inproc *ip)
{
	for (uint16_t w = 0; w < ip->workers; w++)
		if (load_busy(ip->clis[w]->load))
			return true;
	return false;
}

/* One tick of every server worker, then of every client worker (the
 * order of the one-worker run). @return whether any received frames. */
static bool
lockstep_tick(struct inproc *ip, struct rte_mbuf **pkts)
{
	bool worked = false;
	uint16_t n;

	for (uint16_t w = 0; w < ip->workers; w++) {
		struct side *srv = ip->srvs[w];

		tern_ctx_set_now(&srv->ctx, ip->vnow_ns);
		n = side_rx(srv, pkts);
		if (n > 0 || side_due(srv, ip->vnow_ns) ||
		    httpd_busy(srv->httpd)) {
			srv_step(srv, pkts, n);
			tw_sample(srv);
			worked |= n > 0;
		}
	}
	for (uint16_t w = 0; w < ip->workers; w++) {
		struct side *cli = ip->clis[w];

		tern_ctx_set_now(&cli->ctx, ip->vnow_ns);
		n = side_rx(cli, pkts);
		if (n > 0 || side_due(cli, ip->vnow_ns) ||
		    load_busy(cli->load)) {
			cli_step(cli, pkts, n);
			tw_sample(cli);
			worked |= n > 0;
		}
	}
	return worked;
}

static int
run_lockstep(struct inproc *ip)
{
	struct side *cli = ip->cli;
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint64_t idle_since = ip->vnow_ns;

	/* Live lines on virtual time: per virtual second, load-independent. */
	ip->line_t0_ns = ip->vnow_ns;
	ip->next_line_ns = ip->vnow_ns + BENCH_NS_PER_S;
	while (cli_phase(ip) != LOAD_PH_DONE || srv_open_all(ip) > 0) {
		bool worked;

		ip->vnow_ns += LOCKSTEP_TICK_NS;
		worked = lockstep_tick(ip, pkts);
		/* the flooder sends every tick while the load runs */
		if (ip->flood.kind != BENCH_FLOOD_NONE &&
		    load_phase(cli->load) < LOAD_PH_DRAIN) {
			flood_burst(ip, cli);
			worked = true;
		}
		watch_phase(ip, ip->vnow_ns);
		if (ip->stop_server_open && ip->stopped_open == 0 &&
		    ip->client_phase >= LOAD_PH_DRAIN &&
		    servers_stop_open(ip) != 0)
			return -EPROTO;
		if (!ip->conf.quiet && ip->vnow_ns >= ip->next_line_ns) {
			ip->next_line_ns += BENCH_NS_PER_S;
			live_line(ip, ip->vnow_ns);
		}
		if (worked || frames_in_flight(ip)) {
			idle_since = ip->vnow_ns;
			continue;
		}
		/* Nothing on the wire: jump to the next timer. */
		if (!loads_busy(ip) && next_event_ns(ip) != UINT64_MAX &&
		    next_event_ns(ip) > ip->vnow_ns)
			ip->vnow_ns = next_event_ns(ip) - LOCKSTEP_TICK_NS;
		if (ip->vnow_ns - idle_since > LOCKSTEP_IDLE_LIMIT_NS) {
			fprintf(stderr, "tern-inproc: lockstep: no progress "
				"for %llu s of virtual time\n",
				LOCKSTEP_IDLE_LIMIT_NS / BENCH_NS_PER_S);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

/* ---- reflector ---- */

static inline void
swap5(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip4 = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip4 + 1);
	struct rte_ether_addr a = eth->src_addr;
	rte_be32_t ip = ip4->src_addr;
	rte_be16_t p = tcp->src_port;

	eth->src_addr = eth->dst_addr;
	eth->dst_addr = a;
	ip4->src_addr = ip4->dst_addr;
	ip4->dst_addr = ip;
	tcp->src_port = tcp->dst_port;
	tcp->dst_port = p;
}

static int
reflector_lcore(void *arg)
{
	struct inproc *ip = arg;
	struct side *s = ip->srv;
	struct rte_mbuf *pkts[TERN_RX_BURST];

	cpu_sample(s, rte_get_tsc_cycles());
	while (!atomic_load_explicit(&ip->stop, memory_order_relaxed)) {
		uint64_t t0 = rte_get_tsc_cycles();
		uint16_t n = rte_eth_rx_burst(s->port, 0, pkts, TERN_RX_BURST);
		uint16_t sent = 0;

		for (uint16_t i = 0; i < n; i++)
			swap5(pkts[i]);
		while (sent < n)
			sent += rte_eth_tx_burst(s->port, 0, pkts + sent,
						 n - sent);
		s->frames += n;
		account(s, t0, rte_get_tsc_cycles(), n > 0, ip->sample_cycles);
	}
	return 0;
}

static struct rte_mbuf *
frame_make(struct inproc *ip, uint32_t i)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ip->cli->pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip4;
	struct rte_tcp_hdr *tcp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		(uint16_t)ip->frame_len);
	memset(eth, 0, ip->frame_len);
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 2 } };
	eth->dst_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 1 } };
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip4 = (struct rte_ipv4_hdr *)(eth + 1);
	ip4->version_ihl = RTE_IPV4_VHL_DEF;
	ip4->total_length = rte_cpu_to_be_16((uint16_t)(ip->frame_len -
							 sizeof(*eth)));
	ip4->time_to_live = 64;
	ip4->next_proto_id = IPPROTO_TCP;
	ip4->src_addr = rte_cpu_to_be_32(CLIENT_IP);
	ip4->dst_addr = rte_cpu_to_be_32(SERVER_IP);
	ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	tcp = (struct rte_tcp_hdr *)(ip4 + 1);
	tcp->src_port = rte_cpu_to_be_16((uint16_t)(32768 + i % 28232));
	tcp->dst_port = rte_cpu_to_be_16(ip->conf.dport);
	tcp->data_off = 5 << 4;
	tcp->tcp_flags = RTE_TCP_ACK_FLAG;
	return m;
}

static int
run_reflect(struct inproc *ip, unsigned int srv_lcore)
{
	struct side *g = ip->cli;
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint64_t t_end, t0;
	int rc;

	for (uint32_t i = 0; i < ip->frames; i++) {
		struct rte_mbuf *m = frame_make(ip, i);

		if (m == NULL || rte_eth_tx_burst(g->port, 0, &m, 1) != 1) {
			rte_pktmbuf_free(m);
			return -ENOMEM;
		}
	}
	rc = rte_eal_remote_launch(reflector_lcore, ip, srv_lcore);
	if (rc != 0)
		return rc;
	t0 = rte_get_tsc_cycles();
	ip->mark_start.ns = tern_clock_cycles_to_ns(&ip->clock, t0);
	ip->mark_start.rx = ip->srv->frames;
	ip->mark_start.busy = ip->srv->busy_cycles;
	ip->mark_start.loop = ip->srv->loop_cycles;
	ip->mark_start.srv_cpu_ns = ip->srv->cpu_ns;
	ip->mark_start.srv_at = ip->srv->cpu_at_cycles;
	t_end = t0 + (uint64_t)(ip->conf.time_s * (double)rte_get_tsc_hz());
	while (rte_get_tsc_cycles() < t_end) {
		uint16_t n = rte_eth_rx_burst(g->port, 0, pkts, TERN_RX_BURST);
		uint16_t sent = 0;

		while (sent < n)
			sent += rte_eth_tx_burst(g->port, 0, pkts + sent,
						 n - sent);
		g->frames += n;
	}
	ip->mark_end.ns = tern_clock_now_ns(&ip->clock);
	ip->mark_end.rx = ip->srv->frames;
	ip->mark_end.busy = ip->srv->busy_cycles;
	ip->mark_end.loop = ip->srv->loop_cycles;
	ip->mark_end.srv_cpu_ns = ip->srv->cpu_ns;
	ip->mark_end.srv_at = ip->srv->cpu_at_cycles;
	atomic_store(&ip->stop, true);
	return rte_eal_wait_lcore(srv_lcore);
}

/* ---- reports ---- */

static double
pct(uint64_t part, uint64_t whole)
{
	return whole > 0 ? 100.0 * (double)part / (double)whole : 0;
}

/* Share of the time between two CPU-time samples a thread was away. */
static double
stalled_pct(const struct inproc *ip, uint64_t cpu0, uint64_t at0,
	    uint64_t cpu1, uint64_t at1)
{
	double wall = (double)(at1 - at0) * BENCH_NS_PER_S /
		      (double)rte_get_tsc_hz();
	double away = wall - (double)(cpu1 - cpu0);

	if (ip->lockstep || at1 <= at0 || wall <= 0)
		return 0.0;
	return away > 0 ? 100.0 * away / wall : 0.0;
}

static int
report_reflect(struct inproc *ip)
{
	uint64_t ns = ip->mark_end.ns - ip->mark_start.ns;
	uint64_t frames = ip->mark_end.rx - ip->mark_start.rx;
	double pps = ns > 0 ? 2.0 * (double)frames * BENCH_NS_PER_S /
			      (double)ns : 0;
	FILE *f = stdout;

	if (ip->conf.json_path[0] != '\0') {
		f = fopen(ip->conf.json_path, "w");
		if (f == NULL)
			return -errno;
	}
	fprintf(f, "{\"tool\":\"tern-inproc\",\"stack\":\"reflector\","
		"\"mode\":\"reflect\",\"topology\":\"inproc-ring\","
		"\"elapsed_s\":%.6f,\"frames\":%" PRIu64 ",\"frame_len\":%u,"
		"\"in_flight\":%u,\"pps\":%.1f,\"rate\":%.1f,"
		"\"rate_unit\":\"pkt/s\",\"server_stalled_pct\":%.2f,"
		"\"server_busy_pct\":%.2f}\n",
		(double)ns / BENCH_NS_PER_S, frames, ip->frame_len, ip->frames,
		pps, pps, stalled_pct(ip, ip->mark_start.srv_cpu_ns,
				      ip->mark_start.srv_at,
				      ip->mark_end.srv_cpu_ns,
				      ip->mark_end.srv_at),
		pct(ip->mark_end.busy - ip->mark_start.busy,
			 ip->mark_end.loop - ip->mark_start.loop));
	if (!ip->conf.quiet)
		fprintf(stderr, "tern-inproc: reflector: %.0f frames in+out "
			"per second on one core\n", pps);
	if (f != stdout)
		return fclose(f) == 0 ? 0 : -EIO;
	return 0;
}

/* The counters of a side's workers, summed. */
static void
stats_sum(struct side *const *sides, uint16_t n, struct tern_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (uint16_t w = 0; w < n; w++)
		for (unsigned int i = 0; i < TERN_STATS_CAPACITY; i++)
			sum->c[i] += sides[w]->ctx.stats.c[i];
}

/* What the server's workers did, summed (the figures the record
 * gives). */
static void
httpd_stats_sum(const struct inproc *ip, struct httpd_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (uint16_t w = 0; w < ip->workers; w++) {
		const struct httpd_stats *hs = httpd_stats(ip->srvs[w]->httpd);

		sum->accepted += hs->accepted;
		sum->requests += hs->requests;
		sum->responses_ok += hs->responses_ok;
		sum->responses_err += hs->responses_err;
		sum->closed_abnormal += hs->closed_abnormal;
	}
}

/* Per worker: the connections it owned and the frames it handed over. */
static void
workers_json(FILE *f, const struct inproc *ip)
{
	fprintf(f, "\"workers\":%u,\"no_rss\":%s,\"server_workers\":[",
		ip->workers, ip->no_rss ? "true" : "false");
	for (uint16_t w = 0; w < ip->workers; w++) {
		const uint64_t *c = ip->srvs[w]->ctx.stats.c;

		fprintf(f, "%s{\"accepted\":%" PRIu64 ",\"steered_out\":%"
			PRIu64 ",\"steered_in\":%" PRIu64 ",\"steer_ring_full"
			"\":%" PRIu64 "}", w > 0 ? "," : "",
			httpd_stats(ip->srvs[w]->httpd)->accepted,
			c[TERN_STAT_STEERED_OUT], c[TERN_STAT_STEERED_IN],
			c[TERN_STAT_STEER_RING_FULL]);
	}
	fputs("],\"client_workers\":[", f);
	for (uint16_t w = 0; w < ip->workers; w++) {
		const uint64_t *c = ip->clis[w]->ctx.stats.c;

		fprintf(f, "%s{\"active_opens\":%" PRIu64 ",\"steered_out\":%"
			PRIu64 ",\"steered_in\":%" PRIu64 ",\"steer_ring_full"
			"\":%" PRIu64 "}", w > 0 ? "," : "",
			c[TERN_STAT_TCP_ACTIVE_OPENS], c[TERN_STAT_STEERED_OUT],
			c[TERN_STAT_STEERED_IN], c[TERN_STAT_STEER_RING_FULL]);
	}
	fprintf(f, "],\"mbufs_run_growth\":%" PRId64 ",",
		ip->mbufs_run_growth);
}

/* A side's TIME_WAIT records: the workers' peaks (or what was left at
 * the end, @p end), summed. */
static uint32_t
tw_sum(struct side *const *sides, uint16_t n, bool end)
{
	uint32_t sum = 0;

	for (uint16_t w = 0; w < n; w++)
		sum += end ? sides[w]->tw_end : sides[w]->tw_peak;
	return sum;
}

/* The most connections the client's workers had open, summed. */
static uint32_t
peak_conns_sum(const struct inproc *ip)
{
	uint32_t sum = 0;

	for (uint16_t w = 0; w < ip->workers; w++)
		sum += load_peak_conns(ip->clis[w]->load);
	return sum;
}

/* Members about the server and the wire, appended to the load record. */
static char *
report_extra(struct inproc *ip, uint64_t leaked)
{
	struct httpd_stats sum, *hs = &sum;
	struct tern_stats tcp_sum;
	const struct srv_mark *a = &ip->mark_start, *b = &ip->mark_end;
	uint64_t ns = b->ns - a->ns;
	double pps = ns > 0 ? (double)(b->rx + b->tx - a->rx - a->tx) *
			      BENCH_NS_PER_S / (double)ns : 0;
	const struct bench_tern_mem *mem = &ip->mem;
	char *extra = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&extra, &len);

	if (f == NULL)
		return NULL;
	httpd_stats_sum(ip, hs);
	workers_json(f, ip);
	fprintf(f, "\"server_stalled_pct\":%.2f,\"client_stalled_pct\":%.2f,",
		stalled_pct(ip, a->srv_cpu_ns, a->srv_at, b->srv_cpu_ns,
			    b->srv_at),
		stalled_pct(ip, a->cli_cpu_ns, a->cli_at, b->cli_cpu_ns,
			    b->cli_at));
	fprintf(f, "\"topology\":\"inproc-ring\",\"family\":%d,"
		"\"lockstep\":%s,"
		"\"offload\":%s,\"server_pps\":%.1f,\"server_busy_pct\":%.2f,"
		"\"client_busy_pct\":%.2f,\"peak_conns\":%" PRIu32
		",\"all_open_s\":%.6f,\"conn_record_bytes\":%" PRIu32
		",\"conn_tmpl_bytes\":%" PRIu32
		",\"conn_object_bytes\":%" PRIu32 ",\"tw_record_bytes\":%"
		PRIu32 ",\"tw_object_bytes\":%" PRIu32
		",\"conn_pools_bytes\":%" PRIu64 ",\"tw_pools_bytes\":%" PRIu64
		",\"reass_pools_bytes\":%" PRIu64
		",\"server_app_conn_bytes\":%zu,\"client_app_conn_bytes\":%zu"
		",\"max_conns\":%" PRIu32 ",\"server_heap_per_conn\":%.1f"
		",\"client_heap_per_conn\":%.1f,\"mbufs_leaked\":%" PRIu64
		",\"httpd\":{\"accepted\":%" PRIu64 ",\"requests\":%" PRIu64
		",\"ok\":%" PRIu64 ",\"errors\":%" PRIu64 ",\"abnormal\":%"
		PRIu64 "},",
		ip->ip6 ? 6 : 4,
		ip->lockstep ? "true" : "false", ip->offload ? "true" : "false",
		pps, pct(b->busy - a->busy, b->loop - a->loop),
		pct(ip->cli->busy_cycles, ip->cli->loop_cycles),
		peak_conns_sum(ip),
		(double)load_all_open_ns(ip->cli->load) / BENCH_NS_PER_S,
		mem->conn_record, mem->conn_tmpl, mem->conn_object,
		mem->tw_record, mem->tw_object, mem->conn_pool_bytes,
		mem->tw_pool_bytes, mem->reass_pool_bytes,
		httpd_conn_size(), load_conn_size(&ip->conf), ip->max_conns,
		(double)(ip->srv->heap_after - ip->srv->heap_before) /
			ip->max_conns,
		(double)(ip->cli->heap_after - ip->cli->heap_before) /
			ip->max_conns, leaked,
		hs->accepted, hs->requests, hs->responses_ok,
		hs->responses_err, hs->closed_abnormal);
	/* TIME_WAIT under churn: the population's peak and what is left,
	 * and whether the heap moved while it turned over (it must not:
	 * records come from pools made at start). With several workers,
	 * the sums of theirs. */
	fprintf(f, "\"server_tw_peak\":%" PRIu32 ",\"server_tw_end\":%"
		PRIu32 ",\"client_tw_peak\":%" PRIu32 ",\"client_tw_end\":%"
		PRIu32 ",\"heap_run_growth\":%" PRId64 ",",
		tw_sum(ip->srvs, ip->workers, false),
		tw_sum(ip->srvs, ip->workers, true),
		tw_sum(ip->clis, ip->workers, false),
		tw_sum(ip->clis, ip->workers, true),
		ip->srv->heap_run_growth);
	if (ip->flood.kind != BENCH_FLOOD_NONE) {
		uint64_t fns = ip->flood_t1_ns - ip->flood_t0_ns;

		fprintf(f, "\"flood\":{\"kind\":\"%s\",\"burst\":%u,"
			"\"frames\":%" PRIu64 ",\"refused\":%" PRIu64
			",\"pps\":%.1f},\"server_mbufs_idle\":%" PRIu32
			",\"server_mbufs_peak\":%" PRIu32 ",",
			bench_flood_name(ip->flood.kind), ip->flood.burst,
			ip->flood.sent, ip->flood.refused,
			fns > 0 ? (double)ip->flood.sent * BENCH_NS_PER_S /
				  (double)fns : 0.0,
			ip->srv_mbufs_idle, ip->srv_mbufs_peak);
	}
	fputs("\"server_tcp\":{", f);
	stats_sum(ip->srvs, ip->workers, &tcp_sum);
	bench_stats_json(f, &tcp_sum);
	fputs("},\"client_tcp\":{", f);
	stats_sum(ip->clis, ip->workers, &tcp_sum);
	bench_stats_json(f, &tcp_sum);
	fputs("}", f);
	fclose(f);
	return extra;
}

/* Frames on the wire and on the steering rings (nobody holds them). */
static uint64_t
frames_on_rings(const struct inproc *ip)
{
	uint64_t n = 0;

	for (uint16_t w = 0; w < ip->workers; w++) {
		n += rte_ring_count(ip->ring_c2s[w]) +
		     rte_ring_count(ip->ring_s2c[w]);
		if (ip->srv_steer != NULL)
			n += tern_steer_pending(ip->srv_steer, w);
		if (ip->cli_steer != NULL)
			n += tern_steer_pending(ip->cli_steer, w);
	}
	return n;
}

static void
wire_drain(struct rte_ring *r)
{
	void *m = NULL;

	while (rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

static uint64_t
mbufs_in_use(const struct inproc *ip)
{
	return rte_mempool_in_use_count(ip->srv->pool) +
	       rte_mempool_in_use_count(ip->cli->pool);
}

/* The client workers' windows: counters summed, latencies merged; the
 * window is the first worker's. */
static void
loads_window(const struct inproc *ip, struct load_counters *sum,
	     uint64_t *window_ns, struct hist *lat)
{
	struct load_counters n;
	uint64_t ns;

	load_window(ip->cli->load, sum, window_ns);
	*lat = *load_latency(ip->cli->load);
	for (uint16_t w = 1; w < ip->workers; w++) {
		load_window(ip->clis[w]->load, &n, &ns);
		load_counters_add(sum, &n);
		hist_merge(lat, load_latency(ip->clis[w]->load));
	}
}

/* Counters of every client worker's whole run (warm-up and drain
 * included: a failure there is one too). */
static void
loads_total(const struct inproc *ip, struct load_counters *sum)
{
	struct load_counters n;

	load_counters_now(ip->cli->load, sum);
	for (uint16_t w = 1; w < ip->workers; w++) {
		load_counters_now(ip->clis[w]->load, &n);
		load_counters_add(sum, &n);
	}
}

/* Datagrams of family @p ip6 both sides' workers took, or 0 when any
 * of the other family reached a side's TCP. */
static uint64_t
family_delivers(const struct inproc *ip, bool ip6)
{
	uint64_t ours = 0, other = 0;

	for (uint16_t w = 0; w < ip->workers; w++) {
		const struct side *s[2] = { ip->srvs[w], ip->clis[w] };

		for (unsigned int i = 0; i < 2; i++) {
			const uint64_t *c = s[i]->ctx.stats.c;

			ours += c[ip6 ? TERN_STAT_IP6_IN_DELIVERS :
					TERN_STAT_IP_IN_DELIVERS];
			other += c[ip6 ? TERN_STAT_IP_IN_DELIVERS :
					 TERN_STAT_IP6_IN_DELIVERS];
		}
	}
	return other == 0 ? ours : 0;
}

static int
report_load(struct inproc *ip, uint64_t leaked)
{
	struct load_counters n;
	uint64_t window_ns;
	struct hist *lat = malloc(sizeof(*lat));
	char *extra = report_extra(ip, leaked);
	int rc;

	if (lat == NULL) {
		free(extra);
		return -ENOMEM;
	}
	loads_window(ip, &n, &window_ns, lat);
	if (ip->lockstep)
		window_ns = ip->mark_end.ns - ip->mark_start.ns;
	rc = load_write_json(&ip->conf, "tern-inproc", &n, window_ns, lat,
			     extra);
	free(extra);
	free(lat);
	if (rc != 0)
		return rc;
	/* A SYN flood that never filled the backlog tested nothing. */
	if (ip->flood.kind == BENCH_FLOOD_SYN &&
	    ip->srv->ctx.stats.c[TERN_STAT_TCP_SYNCOOKIES_SENT] == 0) {
		fprintf(stderr, "tern-inproc: FAILED: --flood syn: no SYN "
			"cookie sent (the backlog never filled)\n");
		return -EPROTO;
	}
	/* The load went over the family asked for, and only over it. */
	if (ip->conf.mode != LOAD_HOLD && family_delivers(ip, ip->ip6) == 0) {
		fprintf(stderr, "tern-inproc: FAILED: the load did not go "
			"over IPv%d alone\n", ip->ip6 ? 6 : 4);
		return -EPROTO;
	}
	/* Failures anywhere in the run count, not only the window's;
	 * --stop-server-open: each connection the stop ended, reset. */
	loads_total(ip, &n);
	if (ip->stop_server_open) {
		if (n.failed != ip->stopped_open) {
			fprintf(stderr, "tern-inproc: FAILED: --stop-server-"
				"open: %" PRIu64 " connections reset, %" PRIu32
				" open at the stop\n", n.failed,
				ip->stopped_open);
			return -EPROTO;
		}
		n.failed = 0;
	}
	if (n.failed + n.bad_status + n.proto_errors > 0 || leaked > 0) {
		fprintf(stderr, "tern-inproc: FAILED: %" PRIu64 " failed, %"
			PRIu64 " bad status, %" PRIu64 " protocol errors, %"
			PRIu64 " mbufs leaked\n", n.failed, n.bad_status,
			n.proto_errors, leaked);
		return -EPROTO;
	}
	return 0;
}

/* ---- main ---- */

static void
inproc_defaults(struct inproc *ip)
{
	load_conf_defaults(&ip->conf);
	ip->conf.daddr = rte_cpu_to_be_32(SERVER_IP);
	snprintf(ip->conf.label, sizeof(ip->conf.label), "tern");
	ip->offload = true;
	ip->body_size = -1;
	ip->max_conns = 65536;
	ip->max_tw = 65536;
	ip->msl_ms = 30000;
	ip->tw_reuse = true;
	ip->tw_reuse_delay_ms = 1000;
	ip->port_min = 32768;
	ip->flood.burst = 32;
	ip->port_max = 60999;
	ip->src_addrs = 1;
	ip->ring_size = 8192;
	ip->mbufs = 65535;
	ip->frame_len = 64;
	ip->frames = 1024;
	ip->workers = 1;
}

static int
sides_alloc(struct inproc *ip)
{
	for (uint16_t w = 0; w < ip->workers; w++) {
		ip->srvs[w] = rte_zmalloc("srv", sizeof(struct side),
					  RTE_CACHE_LINE_SIZE);
		ip->clis[w] = rte_zmalloc("cli", sizeof(struct side),
					  RTE_CACHE_LINE_SIZE);
		if (ip->srvs[w] == NULL || ip->clis[w] == NULL)
			return -ENOMEM;
	}
	ip->srv = ip->srvs[0];
	ip->cli = ip->clis[0];
	return 0;
}

/* --workers: a steering group a side; the wire's RSS gives the hash
 * (port_hash) unless --no-rss. */
static int
steer_setup(struct inproc *ip)
{
	struct tern_steer_conf sc = {
		.nb_workers = ip->workers,
		.socket_id = (int)rte_socket_id(),
		.port_hash = !ip->no_rss,
	};
	int rc;

	if (ip->workers < 2)
		return 0;
	rc = tern_steer_create(&sc, &ip->srv_steer);
	if (rc == 0)
		rc = tern_steer_create(&sc, &ip->cli_steer);
	return rc;
}

/* The wire between the workers of both sides: what each sender's
 * flush needs to pick the receiving queue. */
static void
sides_link(struct inproc *ip)
{
	for (uint16_t w = 0; w < ip->workers; w++) {
		struct side *s = ip->srvs[w], *c = ip->clis[w];

		s->peer = &ip->cli->ctx;
		c->peer = &ip->srv->ctx;
		s->wire_queues = ip->workers;
		c->wire_queues = ip->workers;
		s->wire_one_queue = ip->no_rss;
		c->wire_one_queue = ip->no_rss;
		s->nic_hash = ip->workers > 1 && !ip->no_rss;
		c->nic_hash = s->nic_hash;
	}
}

/* Every worker of both sides: @return the first failure. */
static int
stacks_setup(struct inproc *ip, unsigned int srv_lcore, uint64_t now)
{
	int rc = steer_setup(ip);

	for (uint16_t w = 0; w < ip->workers && rc == 0; w++)
		rc = stack_setup(ip, ip->srvs[w], SERVER_IP, srv_tx_flush,
				 srv_lcore, now);
	for (uint16_t w = 0; w < ip->workers && rc == 0; w++)
		rc = stack_setup(ip, ip->clis[w], CLIENT_IP, cli_tx_flush,
				 rte_lcore_id(), now);
	sides_link(ip);
	return rc;
}

/* Apps first (they abort what is open), then the stacks, then the
 * steering rings (with what is still on them). @return connections
 * httpd_stop() failed to end (0 unless that is broken). */
static uint32_t
stacks_fini(struct inproc *ip)
{
	uint32_t left_open = 0;

	sock_server_fini(ip->srv);
	for (uint16_t w = 0; w < ip->workers; w++) {
		if (ip->srvs[w]->httpd == NULL)
			continue;
		httpd_stop(ip->srvs[w]->httpd);
		left_open += httpd_left_open(ip->srvs[w]);
	}
	for (uint16_t w = 0; w < ip->workers; w++)
		if (ip->clis[w]->load != NULL)
			load_abort_all(ip->clis[w]->load);
	for (uint16_t w = 0; w < ip->workers; w++)
		tern_stack_fini(&ip->clis[w]->ctx);
	for (uint16_t w = 0; w < ip->workers; w++)
		tern_stack_fini(&ip->srvs[w]->ctx);
	tern_steer_free(ip->srv_steer);
	tern_steer_free(ip->cli_steer);
	ip->srv_steer = NULL;
	ip->cli_steer = NULL;
	return left_open;
}

static void
flood_setup(struct inproc *ip)
{
	struct bench_flood *f = &ip->flood;

	f->src_mac = ip->cli->mac;
	f->dst_mac = ip->srv->mac;
	f->dst_ip = SERVER_IP;
	f->client_ip = CLIENT_IP;
	f->dport = ip->conf.dport;
	f->nb_dports = ip->conf.nb_ports;
	f->sport_min = ip->port_min;
	f->sport_max = RTE_MAX(ip->port_max, ip->port_min);
	f->rng = ip->seed != 0 ? ip->seed : rte_get_tsc_cycles();
	ip->srv_mbufs_idle = rte_mempool_in_use_count(ip->srv->pool);
	ip->srv_mbufs_peak = ip->srv_mbufs_idle;
}

/* --ip6: both addresses of every worker of both sides usable. */
static bool
ip6_ready(const struct inproc *ip)
{
	const struct side *all[2 * INPROC_WORKERS_MAX];
	struct tern_ip6 a;
	unsigned int n = 0;

	for (uint16_t w = 0; w < ip->workers; w++) {
		all[n++] = ip->srvs[w];
		all[n++] = ip->clis[w];
	}
	for (unsigned int i = 0; i < n; i++)
		if (tern_ipv6_addr(&all[i]->ctx, TERN_ND_ADDR_LL, &a) !=
			    TERN_ND_ADDR_PREFERRED ||
		    tern_ipv6_addr(&all[i]->ctx, TERN_ND_ADDR_GLOBAL, &a) !=
			    TERN_ND_ADDR_PREFERRED)
			return false;
	return true;
}

/* One step of @p s with no app (before the apps exist). */
static void
dad_step(struct side *s, uint64_t now)
{
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint16_t n;

	tern_ctx_set_now(&s->ctx, now);
	n = side_rx(s, pkts);
	tern_stack_step(&s->ctx, now, pkts, n, NULL, NULL);
}

/*
 * --ip6: run every stack, with no app yet, until DAD has made all their
 * addresses usable, so that the load starts as over IPv4 (an active
 * open during DAD loses its first SYN to an RTO). On the main lcore in
 * both modes: the server's lcore starts with the load. Not stepped
 * through srv_step()/cli_step(): callgrind leaves it out.
 */
static int
dad_settle(struct inproc *ip)
{
	uint64_t t0 = ip->lockstep ? ip->vnow_ns
				   : tern_clock_now_ns(&ip->clock);
	uint64_t now = t0, next;

	while (!ip6_ready(ip)) {
		if (now - t0 > DAD_LIMIT_NS) {
			fprintf(stderr, "tern-inproc: --ip6: DAD not done "
				"after %llu s\n", DAD_LIMIT_NS / BENCH_NS_PER_S);
			return -ETIMEDOUT;
		}
		for (uint16_t w = 0; w < ip->workers; w++)
			dad_step(ip->srvs[w], now);
		for (uint16_t w = 0; w < ip->workers; w++)
			dad_step(ip->clis[w], now);
		if (!ip->lockstep) {
			now = tern_clock_now_ns(&ip->clock);
			continue;
		}
		/* virtual time: a tick, or straight to the next timer */
		next = next_event_ns(ip);
		ip->vnow_ns += LOCKSTEP_TICK_NS;
		if (!frames_in_flight(ip) && next != UINT64_MAX &&
		    next > ip->vnow_ns)
			ip->vnow_ns = next;
		now = ip->vnow_ns;
	}
	return 0;
}

static int
run(struct inproc *ip, unsigned int srv_lcore)
{
	uint64_t now = ip->lockstep ? BENCH_NS_PER_S
				    : tern_clock_now_ns(&ip->clock);
	char *page = NULL;
	uint32_t left_open;
	uint64_t leaked;
	int rc;

	ip->vnow_ns = now;
	rc = stacks_setup(ip, srv_lcore, now);
	if (rc == 0 && ip->pcap_path != NULL) {
		ip->pcap = pcap_open(ip->pcap_path);
		if (ip->pcap == NULL)
			rc = -errno;
		/* Both sides write: the lockstep loop keeps them in order. */
		for (uint16_t w = 0; w < ip->workers; w++) {
			ip->srvs[w]->pcap = ip->pcap;
			ip->clis[w]->pcap = ip->pcap;
		}
	}
	if (rc == 0 && ip->ip6)
		rc = dad_settle(ip);
	if (rc == 0)
		rc = apps_setup(ip, &page);
	if (rc == 0 && ip->flood.kind != BENCH_FLOOD_NONE)
		flood_setup(ip);
	ip->mbufs_idle = mbufs_in_use(ip);
	if (rc == 0)
		rc = ip->lockstep ? run_lockstep(ip)
				  : run_threaded(ip, srv_lcore);
	ip->mbufs_run_growth = (int64_t)(mbufs_in_use(ip) -
					 frames_on_rings(ip) - ip->mbufs_idle);
	if (rc == 0 && ip->mark_end.ns == 0)
		srv_mark_take(ip, &ip->mark_end, ip->cli->ctx.now_ns);
	bench_tern_mem_read(&ip->mem);
	for (uint16_t w = 0; w < ip->workers; w++) {
		tw_end_take(ip->srvs[w]);
		tw_end_take(ip->clis[w]);
	}
	/* one heap for both sides: since the client's setup, the later */
	ip->srv->heap_run_growth = (int64_t)(heap_now() - ip->cli->heap_after);
	left_open = stacks_fini(ip);
	if (left_open > 0 && rc == 0) {
		fprintf(stderr, "httpd_stop() left %" PRIu32
			" connections open\n", left_open);
		rc = -EPROTO;
	}
	/* What is still on the wire is no one's leak. */
	rte_eth_dev_stop(ip->srv->port);
	rte_eth_dev_stop(ip->cli->port);
	for (uint16_t q = 0; q < ip->workers; q++) {
		wire_drain(ip->ring_c2s[q]);
		wire_drain(ip->ring_s2c[q]);
	}
	leaked = mbufs_in_use(ip);
	if (rc == 0)
		rc = report_load(ip, leaked);
	for (uint16_t w = 0; w < ip->workers; w++) {
		load_destroy(ip->clis[w]->load);
		httpd_destroy(ip->srvs[w]->httpd);
	}
	free(page);
	if (ip->pcap != NULL)
		fclose(ip->pcap);
	return rc;
}

int
main(int argc, char **argv)
{
	struct inproc *ip = calloc(1, sizeof(*ip));
	unsigned int srv_lcore;
	int rc, n;

	if (ip == NULL)
		return EXIT_FAILURE;
	inproc_defaults(ip);
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "tern-inproc: EAL: %s\n",
			rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	argv[n] = argv[0];
	rc = parse_args(ip, argc - n, argv + n);
	if (rc == 0)
		rc = load_conf_finish(&ip->conf, "tern-inproc");
	srv_lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
	if (rc == 0 && !ip->lockstep && srv_lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-inproc: needs two lcores (-l 0,1) "
			"unless --lockstep\n");
		rc = -EINVAL;
	}
	if (ip->lockstep)
		srv_lcore = rte_lcore_id();
	if (rc == 0)
		rc = tern_clock_init(&ip->clock);
	ip->sample_cycles = rte_get_tsc_hz() / 1000000 * CPU_SAMPLE_US;
	if (rc == 0)
		rc = sides_alloc(ip);
	if (rc == 0)
		rc = wire_setup(ip);
	if (rc == 0 && ip->reflect) {
		rc = run_reflect(ip, srv_lcore);
		if (rc == 0)
			rc = report_reflect(ip);
	} else if (rc == 0) {
		rc = run(ip, srv_lcore);
	}
	if (rc > 0)
		rc = 0;   /* --help */
	if (rc < 0)
		fprintf(stderr, "tern-inproc: %s\n", strerror(-rc));
	rte_eal_cleanup();
	free(ip);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
