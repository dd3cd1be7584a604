/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TESTPMD_H
#define TESTPMD_H

/*
 * tern-testpmd: the stack's interactive console (in the manner of
 * dpdk-testpmd). The shell runs on the runtime's application control
 * thread, never on a worker: every command that touches a worker's
 * state reaches it through tern_rt_worker_call().
 *
 *   tern-testpmd.c   options, the runtime, the shell loop (cmdline)
 *   tp_cmds.c        the one command table and its handlers
 *   tp_svc.c         services run on the workers: echo, discard,
 *                    chargen, http listeners and the connect client
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tern_runtime.h"
#include "tern_rt_ctl.h"
#include "tern_tcp.h"

/* Listeners per worker: one per port. */
#define TP_LISTEN_MAX 16

enum tp_svc {
	TP_SVC_ECHO,
	TP_SVC_DISCARD,
	TP_SVC_CHARGEN,
	TP_SVC_HTTP,
	TP_SVC_MAX
};

struct tp_listen {
	uint16_t port;                  /* 0: slot free */
	enum tp_svc svc;
	struct tern_listener *l;
};

/* One worker's services; only its lcore touches it. */
struct tp_lcore {
	struct tp_listen listens[TP_LISTEN_MAX];
	uint64_t conns_accepted;
	uint64_t conns_connected;
	uint64_t bytes_in;
	uint64_t bytes_out;
};

struct tp_app {
	struct tern_rt *rt;
	struct tp_lcore *lcores[RTE_MAX_LCORE];
	const char *cmdfile;
	unsigned int stats_period_s;
	bool interactive;
	uint64_t next_stats_ms;         /* monotonic; next --stats-period line */
	/* --stats-period: the previous sample and what changed since. */
	struct {
		uint64_t last_rx, last_tx, last_opens;
		uint64_t rx, tx, opens;
	} period;
};

/* tp_svc.c: each returns 0 or -errno; run on a worker (worker_call). */
const char *tp_svc_name(enum tp_svc s);
int tp_svc_parse(const char *name, enum tp_svc *out);
int tp_svc_listen(struct tern_ctx *ctx, uint16_t port, enum tp_svc svc);
int tp_svc_unlisten(struct tern_ctx *ctx, uint16_t port);
void tp_svc_unlisten_all(struct tern_ctx *ctx);
/* Where `connect` goes: an IPv4 or an IPv6 address and a port. */
struct tp_dest {
	int family;             /* AF_INET or AF_INET6 */
	rte_be32_t ip;
	struct tern_ip6 ip6;
	uint16_t port;
};

int tp_svc_connect(struct tern_ctx *ctx, const struct tp_dest *to,
		   uint64_t bytes, bool echo, uint32_t *conn_id);

/* tp_cmds.c */
/* Run one command line; output to @p out. @return 0; -errno. */
int tp_cmd_run(struct tp_app *app, const char *line, FILE *out);
/* The first words of the commands other than show, '#'-separated, and
 * the words after show: for completion. */
const char *tp_cmd_verbs(void);
const char *tp_cmd_show_subjects(void);
/* One line of --stats-period. */
void tp_stats_line(struct tp_app *app, FILE *out);

#endif /* TESTPMD_H */
