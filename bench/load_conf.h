/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef BENCH_LOAD_CONF_H
#define BENCH_LOAD_CONF_H

/**
 * @file
 * What a load generator run is asked to do, what it counts and how it
 * reports, shared by tern-load (tern's client side) and kernel-load (the
 * Linux socket baseline) so that both take the same options and print the
 * same live lines and the same JSON record.
 *
 * Workloads (--mode):
 *   cps      connect, one request, one response, close; the client closes
 *            first unless --server-closes; C connections at a time
 *   rps      C keep-alive connections, P requests in flight on each
 *   bulk     C connections streaming: --direction down (GETs of a large
 *            page) or up (POSTs of --bulk-bytes); echo streams both ways
 *   latency  requests at a fixed offered --rate over C connections (at
 *            most P in flight each); latency from the intended send time,
 *            so a stalled server cannot hide its queueing (no coordinated
 *            omission)
 *   hold     open C connections and keep them idle; report memory
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

enum load_mode {
	LOAD_CPS,
	LOAD_RPS,
	LOAD_BULK,
	LOAD_LATENCY,
	LOAD_HOLD,
};

enum load_proto {
	LOAD_HTTP,      /**< HTTP/1.1 GET (POST for bulk up) */
	LOAD_ECHO,      /**< raw bytes, echoed back (tern-echo, RFC 862) */
};

/** Longest Host / path / label we keep. */
#define LOAD_NAME_MAX 128
/** Largest pipeline depth (requests in flight per connection). */
#define LOAD_PIPELINE_MAX 256

struct load_conf {
	enum load_mode mode;
	enum load_proto proto;
	uint32_t daddr;           /**< server, network order */
	bool v6;                  /**< the server is daddr6 (tern-load) */
	uint8_t daddr6[16];       /**< --connect [ADDR6]:PORT */
	uint16_t dport;           /**< first server port */
	uint16_t nb_ports;        /**< spread over this many ports */
	uint32_t conns;           /**< C */
	uint32_t pipeline;        /**< P */
	uint64_t max_requests;    /**< stop after this many responses (or
				       connections, cps); 0: by time */
	double time_s;            /**< measurement window; 0: until told */
	double warmup_s;          /**< not measured, before the window */
	double rate;              /**< latency: offered requests/s */
	bool server_closes;       /**< cps: ask the server to close first */
	bool upload;              /**< bulk: client to server */
	uint64_t bulk_bytes;      /**< bulk up: body bytes per POST */
	uint32_t req_size;        /**< echo: bytes per request */
	uint32_t max_opening;     /**< connection attempts in flight */
	bool quiet;               /**< no live line */
	char host[LOAD_NAME_MAX]; /**< Host field; "": the address */
	char path[LOAD_NAME_MAX];
	char label[LOAD_NAME_MAX];/**< "stack" in the JSON record */
	char json_path[LOAD_NAME_MAX]; /**< "": JSON to stdout */
};

/** Counters; all monotonic so that a window is end minus start. */
struct load_counters {
	uint64_t connects;        /**< connection attempts */
	uint64_t established;
	uint64_t completed;       /**< cps: exchanges done, closed normally */
	uint64_t failed;          /**< refused, reset, timed out, no record */
	uint64_t no_port;         /**< connects refused with EADDRNOTAVAIL:
				       every source port to the target is
				       in use or in a young TIME_WAIT (not
				       counted in connects or failed) */
	uint64_t requests;        /**< requests sent */
	uint64_t responses;       /**< complete 2xx responses / echoes */
	uint64_t bad_status;      /**< complete non-2xx responses */
	uint64_t proto_errors;    /**< malformed responses, wrong echoes */
	uint64_t tx_bytes;        /**< payload handed to the stack */
	uint64_t rx_bytes;        /**< payload received */
	uint64_t retransmits;     /**< segments, from the stack */
	uint64_t heads_compared;  /**< response heads taken by comparing
				       them with the last one parsed, not
				       parsed (tern-load's memo) */
};

/** One option: --name VALUE (same shape as tern's struct tern_rt_opt). */
struct load_opt {
	const char *name;
	const char *arg_name;     /**< NULL: takes no value */
	const char *help;
	int (*parse)(void *conf, const char *value);
};

/** The options, ending with name == NULL; parse() takes a load_conf. */
extern const struct load_opt load_opts[];

/** Fill @p c with the defaults (rps, http, C 64, P 1). */
void load_conf_defaults(struct load_conf *c);

/**
 * Cross-option checks and derived defaults (Host from the address).
 * @return 0 or -EINVAL after printing why (prefixed with @p prog).
 */
int load_conf_finish(struct load_conf *c, const char *prog);

const char *load_mode_name(enum load_mode m);

/** The request an HTTP client sends (Connection: close for cps
 * --server-closes; POST with Content-Length for bulk up). Returns its
 * length; the text is written to @p buf (NUL-terminated). */
uint32_t load_http_request(const struct load_conf *c, char *buf,
			   uint32_t size);

/** a - b, field by field. */
void load_counters_sub(struct load_counters *out,
		       const struct load_counters *a,
		       const struct load_counters *b);

/** out += a, field by field. */
void load_counters_add(struct load_counters *out,
		       const struct load_counters *a);

/** The figure a mode is judged by, per second of @p elapsed_ns. */
double load_rate(const struct load_conf *c, const struct load_counters *n,
		 uint64_t elapsed_ns);

/** Its unit ("conn/s", "req/s", "bit/s"). */
const char *load_rate_unit(const struct load_conf *c);

/**
 * One live line: "t=3.0s 1234567 req/s err 0 retrans 0 | states".
 * @p delta holds the last interval's counters; @p states is free text.
 */
void load_live_line(FILE *f, const struct load_conf *c, double t_s,
		    const struct load_counters *delta, uint64_t interval_ns,
		    const char *states);

/**
 * The final JSON record, one line. @p lat may be NULL. @p extra is a
 * list of further "key":value members (without braces), or NULL.
 * @return 0 or -errno when the file cannot be written.
 */
int load_write_json(const struct load_conf *c, const char *tool,
		    const struct load_counters *n, uint64_t elapsed_ns,
		    const struct hist *lat, const char *extra);

#endif /* BENCH_LOAD_CONF_H */
