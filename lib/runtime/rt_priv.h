/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RT_PRIV_H
#define RT_PRIV_H

/*
 * Internals of the runtime, shared by tern_runtime.c (lifecycle, loops,
 * signals), rt_args.c (command line, EAL arguments) and rt_port.c (the
 * port, its queues and the per-worker pools).
 */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "tern_clock.h"
#include "tern_config.h"
#include "tern_ctx.h"
#include "tern_runtime.h"
#include "tern_stack.h"
#include "tern_steer.h"

/* Entries of the ownership table of a port that does not steer by our
 * key: a multiple of every worker count up to 8 would need 840; 128
 * keeps the shares within 1/128 of each other. */
#define RT_SOFT_RETA_SIZE 128

#define RT_LOG(rt, level, fmt, ...) \
	rte_log(RTE_LOG_##level, (rt)->logtype, "tern.runtime: " fmt "\n", \
		##__VA_ARGS__)

/* One worker lcore: its stack instance, queue pair and pool. */
struct rt_worker {
	struct tern_ctx ctx;        /* first: tern_rt_of_ctx() relies on it */
	struct tern_rt *rt;
	struct rte_mempool *pool;
	unsigned int lcore_id;
	uint16_t queue_id;
	int socket_id;
	int rc;                     /* result of this worker's last phase */
	bool stack_ready;           /* tern_stack_init() done, not fini'd */
	bool app_ready;             /* app lcore_init() succeeded */
	bool in_app_poll;           /* inside the app's lcore_poll */
	bool driving;               /* inside tern_rt_drive() */
	/* [fault]: the RX callback dropping frames, and the PRNG state of
	 * the drop decisions (only this worker's lcore draws from it). */
	const struct rte_eth_rxtx_callback *fault_cb;
	uint64_t fault_rng;
	/* rt_ctl.c: requests from control threads, and whether the loop
	 * takes them (enum rt_serve). */
	struct rte_ring *req_ring;
	atomic_int serving;
	/* Written by the worker only, read by the shell (show workers). */
	_Atomic uint64_t loops;
	_Atomic uint64_t idle_loops;
} __rte_cache_aligned;

enum rt_serve {
	RT_SERVE_NOT_YET,
	RT_SERVE_RUNNING,
	RT_SERVE_STOPPED,
};

/* The graceful stop (tern_rt_request_drain), run by the control thread. */
struct rt_drain {
	atomic_int asked;           /* drain requests not yet acted on */
	atomic_bool active;
	bool done;                  /* a drain ran: report it */
	uint64_t start_ns, deadline_ns, end_ns;
	unsigned int held;          /* connections the apps held at start */
	unsigned int closed;        /* ... that were closed with FIN */
	unsigned int aborted;       /* ... aborted when time was up */
};

/* What the port offers and what was chosen from it and the profile. */
struct rt_port {
	uint16_t id;
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	uint16_t nb_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;
	uint32_t mbuf_data_room;
	uint64_t rx_offloads;
	uint64_t tx_offloads;
	uint64_t rss_hf;            /* 0: RSS not configured */
	uint8_t rss_key[TERN_RSS_KEY_MAX];
	uint8_t rss_key_len;
	bool rx_rss_hash;           /* hash.rss is a symmetric TCP hash */
	bool rx_cksum;
	bool tx_ip_cksum;
	bool tx_tcp_cksum;
	bool tx_tso;                /* the port segments TCP for us */
	bool port_steers;           /* flows arrive at their owner by the
				       port's own RSS (rt_ownership_choose) */
	bool configured;
	bool started;
};

/* What the command line asked besides configuration keys. */
struct rt_cmdline {
	int eal_argc;               /* user EAL arguments, argv[0] included */
	char **eal_argv;
	bool help;
	bool print_config;
};

struct tern_rt {
	struct tern_config cfg;
	struct tern_rt_app app;
	struct tern_clock clock;
	int logtype;
	atomic_bool stop;
	atomic_int run_rc;          /* first failure of an lcore phase */
	uint64_t deadline_ns;       /* --duration; UINT64_MAX = none */
	struct rt_cmdline cmd;
	/* The argument vector handed to rte_eal_init() and its storage. */
	int eal_argc;
	char **eal_argv;
	char *eal_strings;
	bool eal_ready;
	struct rt_port port;
	unsigned int nb_workers;
	struct rt_worker *workers[RTE_MAX_LCORE];
	/* With several workers: who owns a flow (only key and reta are
	 * used) and the steering rings between them (lib/stack). */
	struct tern_if_conf owner;
	struct tern_steer *steer;
	sigset_t saved_sigmask;
	bool sigmask_saved;
	pthread_t control_thread;
	bool control_running;
	/* rt_ctl.c: serialises control-side callers of the request rings. */
	pthread_mutex_t ctl_lock;
	bool ctl_lock_ready;
	/* The application's control thread (struct tern_rt_app control). */
	pthread_t app_thread;
	bool app_thread_running;
	struct rt_drain drain;
	/* rt_telemetry.c: endpoints reach this runtime through it. */
	bool telemetry_registered;
	bool pdump_ready;           /* rte_pdump_init() served */
};

/* rt_args.c */
int rt_cmdline_parse(struct tern_rt *rt, int argc, char **argv);
void rt_usage(const struct tern_rt *rt, FILE *f);
int rt_resolve_port(struct tern_rt *rt);
int rt_eal_args_build(struct tern_rt *rt);
void rt_dev_name_of(const char *dev, char *out, size_t out_len);

/* rt_ctl.c */
int rt_ctl_setup(struct tern_rt *rt);
void rt_ctl_free(struct tern_rt *rt);
void rt_ctl_serve(struct rt_worker *w);
void rt_ctl_worker_start(struct rt_worker *w);
void rt_ctl_worker_stop(struct rt_worker *w);

/* rt_drain.c */
void rt_drain_poll(struct tern_rt *rt, bool signalled);
void rt_drain_report(const struct tern_rt *rt, FILE *f);

/* rt_telemetry.c */
int rt_telemetry_register(struct tern_rt *rt);
void rt_telemetry_unregister(struct tern_rt *rt);

/* rt_fault.c */
int rt_fault_install(struct tern_rt *rt);
void rt_fault_remove(struct tern_rt *rt);
void rt_fault_tx(struct rt_worker *w, struct tern_tx_batch *b);

/* rt_port.c */
int rt_port_find(struct tern_rt *rt);
int rt_port_configure(struct tern_rt *rt);
int rt_workers_setup(struct tern_rt *rt);
void rt_ownership_choose(struct tern_rt *rt);
void rt_tw_fit(struct tern_rt *rt);
int rt_steer_setup(struct tern_rt *rt);
void rt_steer_free(struct tern_rt *rt);
int rt_port_start(struct tern_rt *rt);
void rt_port_close(struct tern_rt *rt);
int rt_pools_free(struct tern_rt *rt);
void rt_tx_flush(struct tern_ctx *ctx);
void rt_stack_conf_fill(const struct tern_rt *rt, const struct rt_worker *w,
			struct tern_stack_conf *conf);

#endif /* RT_PRIV_H */
