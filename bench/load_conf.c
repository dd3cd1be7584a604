/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options, counters and reports shared by tern-load and kernel-load.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "load_conf.h"

#define BENCH_NS_PER_S 1e9

static const char *const mode_names[] = {
	[LOAD_CPS] = "cps",
	[LOAD_RPS] = "rps",
	[LOAD_BULK] = "bulk",
	[LOAD_LATENCY] = "latency",
	[LOAD_HOLD] = "hold",
};

const char *
load_mode_name(enum load_mode m)
{
	return (unsigned int)m < sizeof(mode_names) / sizeof(mode_names[0])
		       ? mode_names[m] : "?";
}

void
load_conf_defaults(struct load_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = LOAD_RPS;
	c->proto = LOAD_HTTP;
	c->dport = 80;
	c->nb_ports = 1;
	c->conns = 64;
	c->pipeline = 1;
	c->rate = 10000;
	c->bulk_bytes = 16u << 20;
	c->req_size = 64;
	c->max_opening = 256;
	snprintf(c->path, sizeof(c->path), "/");
}

/* ---- option parsers ---- */

static int
bad(const char *opt, const char *want, const char *value)
{
	fprintf(stderr, "--%s: %s, got '%s'\n", opt, want, value);
	return -EINVAL;
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) ||
	    v > 86400 * 365)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
opt_mode(void *arg, const char *v)
{
	struct load_conf *c = arg;

	for (unsigned int m = 0; m < sizeof(mode_names) / sizeof(*mode_names);
	     m++)
		if (strcmp(v, mode_names[m]) == 0) {
			c->mode = (enum load_mode)m;
			return 0;
		}
	return bad("mode", "cps, rps, bulk, latency or hold", v);
}

static int
opt_proto(void *arg, const char *v)
{
	struct load_conf *c = arg;

	if (strcmp(v, "http") == 0)
		c->proto = LOAD_HTTP;
	else if (strcmp(v, "echo") == 0)
		c->proto = LOAD_ECHO;
	else
		return bad("proto", "http or echo", v);
	return 0;
}

/* [ADDR6]:PORT */
static int
opt_connect6(struct load_conf *c, const char *v)
{
	const char *close = strchr(v, ']');
	char ip[INET6_ADDRSTRLEN];
	uint64_t port;

	if (close == NULL || close[1] != ':' ||
	    (size_t)(close - v - 1) >= sizeof(ip))
		return bad("connect", "[ADDR6]:PORT", v);
	memcpy(ip, v + 1, (size_t)(close - v - 1));
	ip[close - v - 1] = '\0';
	if (inet_pton(AF_INET6, ip, c->daddr6) != 1 ||
	    parse_u64(close + 2, 1, UINT16_MAX, &port) != 0)
		return bad("connect", "[ADDR6]:PORT", v);
	c->v6 = true;
	c->daddr = 0;
	c->dport = (uint16_t)port;
	return 0;
}

static int
opt_connect(void *arg, const char *v)
{
	struct load_conf *c = arg;
	const char *colon = strrchr(v, ':');
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	uint64_t port;

	if (v[0] == '[')
		return opt_connect6(c, v);
	if (colon == NULL || (size_t)(colon - v) >= sizeof(ip))
		return bad("connect", "A.B.C.D:PORT", v);
	memcpy(ip, v, (size_t)(colon - v));
	ip[colon - v] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1 ||
	    parse_u64(colon + 1, 1, UINT16_MAX, &port) != 0)
		return bad("connect", "A.B.C.D:PORT", v);
	c->daddr = a.s_addr;
	c->v6 = false;
	c->dport = (uint16_t)port;
	return 0;
}

#define U64_OPT(fn, field, min, max, what)                           \
	static int                                                   \
	fn(void *arg, const char *v)                                 \
	{                                                            \
		struct load_conf *c = arg;                           \
		uint64_t x;                                          \
								     \
		if (parse_u64(v, min, max, &x) != 0)                 \
			return bad(#field, what, v);                 \
		c->field = x;                                        \
		return 0;                                            \
	}

U64_OPT(opt_ports, nb_ports, 1, 256, "1..256")
U64_OPT(opt_conns, conns, 1, 1u << 24, "1..16777216")
U64_OPT(opt_pipeline, pipeline, 1, LOAD_PIPELINE_MAX, "1..256")
U64_OPT(opt_requests, max_requests, 0, UINT64_MAX, "a count")
U64_OPT(opt_bulk_bytes, bulk_bytes, 1, UINT64_MAX >> 4, "bytes > 0")
U64_OPT(opt_req_size, req_size, 1, 1u << 20, "1..1048576")
U64_OPT(opt_max_opening, max_opening, 1, 1u << 20, "1..1048576")

static int
opt_time(void *arg, const char *v)
{
	struct load_conf *c = arg;

	return parse_seconds(v, &c->time_s) == 0 ? 0
		: bad("time", "seconds >= 0", v);
}

static int
opt_warmup(void *arg, const char *v)
{
	struct load_conf *c = arg;

	return parse_seconds(v, &c->warmup_s) == 0 ? 0
		: bad("warmup", "seconds >= 0", v);
}

static int
opt_rate(void *arg, const char *v)
{
	struct load_conf *c = arg;
	char *end;

	c->rate = strtod(v, &end);
	if (end == v || *end != '\0' || !(c->rate > 0) || c->rate > 1e9)
		return bad("rate", "requests/s in (0, 1e9]", v);
	return 0;
}

static int
opt_server_closes(void *arg, const char *v)
{
	((struct load_conf *)arg)->server_closes = true;
	return 0;
}

static int
opt_direction(void *arg, const char *v)
{
	struct load_conf *c = arg;

	if (strcmp(v, "down") == 0)
		c->upload = false;
	else if (strcmp(v, "up") == 0)
		c->upload = true;
	else
		return bad("direction", "down or up", v);
	return 0;
}

static int
opt_quiet(void *arg, const char *v)
{
	((struct load_conf *)arg)->quiet = true;
	return 0;
}

static int
copy_name(const char *opt, char *dst, const char *v, bool path)
{
	size_t n = strlen(v);

	if (n == 0 || n >= LOAD_NAME_MAX)
		return bad(opt, "1..127 characters", v);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
			return bad(opt, "no spaces or control characters", v);
	if (path && v[0] != '/')
		return bad(opt, "an absolute path", v);
	memcpy(dst, v, n + 1);
	return 0;
}

static int
opt_host(void *arg, const char *v)
{
	return copy_name("host", ((struct load_conf *)arg)->host, v, false);
}

static int
opt_path(void *arg, const char *v)
{
	return copy_name("path", ((struct load_conf *)arg)->path, v, true);
}

static int
opt_label(void *arg, const char *v)
{
	return copy_name("label", ((struct load_conf *)arg)->label, v, false);
}

static int
opt_json(void *arg, const char *v)
{
	return copy_name("json", ((struct load_conf *)arg)->json_path, v,
			 false);
}

const struct load_opt load_opts[] = {
	{ "mode", "MODE", "cps, rps (default), bulk, latency or hold",
	  opt_mode },
	{ "proto", "P", "http (default) or echo (raw bytes echoed back)",
	  opt_proto },
	{ "connect", "A.B.C.D:PORT", "the server (default port 80); "
	  "[ADDR6]:PORT for IPv6 (tern-load, with --ip6)",
	  opt_connect },
	{ "ports", "N", "spread connections over N ports from PORT",
	  opt_ports },
	{ "conns", "C", "concurrent connections (default 64)", opt_conns },
	{ "pipeline", "P", "requests in flight per connection (default 1)",
	  opt_pipeline },
	{ "requests", "N", "stop after N responses (cps: connections)",
	  opt_requests },
	{ "time", "SEC", "measure for SEC seconds, then close and stop",
	  opt_time },
	{ "warmup", "SEC", "run SEC seconds before measuring", opt_warmup },
	{ "rate", "R", "latency: offered requests/s (default 10000)",
	  opt_rate },
	{ "server-closes", NULL, "cps: ask the server to close first "
	  "(Connection: close)", opt_server_closes },
	{ "direction", "D", "bulk: down (default) or up", opt_direction },
	{ "bulk-bytes", "N", "bulk up: bytes per POST (default 16 MiB)",
	  opt_bulk_bytes },
	{ "req-size", "N", "echo: bytes per request (default 64)",
	  opt_req_size },
	{ "max-opening", "N", "connection attempts in flight (default 256)",
	  opt_max_opening },
	{ "host", "NAME", "Host field (default: the address)", opt_host },
	{ "path", "PATH", "request target (default /)", opt_path },
	{ "label", "NAME", "stack name in the JSON record", opt_label },
	{ "json", "FILE", "write the JSON record to FILE (default stdout)",
	  opt_json },
	{ "quiet", NULL, "no live line per second", opt_quiet },
	{ NULL, NULL, NULL, NULL },
};

/* The server's address as text: A.B.C.D, or [ADDR6] (RFC 3986's
 * form, fit for a Host header). */
static int
load_target_addr(const struct load_conf *c, char *out, size_t len)
{
	char a6[INET6_ADDRSTRLEN];

	if (!c->v6)
		return inet_ntop(AF_INET, &c->daddr, out, (socklen_t)len) ==
		       NULL ? -EINVAL : 0;
	if (inet_ntop(AF_INET6, c->daddr6, a6, sizeof(a6)) == NULL)
		return -EINVAL;
	return snprintf(out, len, "[%s]", a6) < (int)len ? 0 : -EINVAL;
}

int
load_conf_finish(struct load_conf *c, const char *prog)
{
	if (c->daddr == 0 && !c->v6) {
		fprintf(stderr, "%s: --connect A.B.C.D:PORT is required\n",
			prog);
		return -EINVAL;
	}
	if ((uint32_t)c->dport + c->nb_ports - 1 > UINT16_MAX) {
		fprintf(stderr, "%s: --ports runs past port 65535\n", prog);
		return -EINVAL;
	}
	if (c->mode == LOAD_CPS || c->mode == LOAD_BULK)
		c->pipeline = 1;
	if (c->host[0] == '\0' && load_target_addr(c, c->host,
						   sizeof(c->host)) != 0)
		return -EINVAL;
	if (c->label[0] == '\0')
		snprintf(c->label, sizeof(c->label), "unknown");
	return 0;
}

uint32_t
load_http_request(const struct load_conf *c, char *buf, uint32_t size)
{
	int n;

	if (c->mode == LOAD_BULK && c->upload)
		n = snprintf(buf, size, "POST %s HTTP/1.1\r\nHost: %s\r\n"
			     "Content-Length: %" PRIu64 "\r\n\r\n", c->path,
			     c->host, c->bulk_bytes);
	else if (c->mode == LOAD_CPS && c->server_closes)
		n = snprintf(buf, size, "GET %s HTTP/1.1\r\nHost: %s\r\n"
			     "Connection: close\r\n\r\n", c->path, c->host);
	else
		n = snprintf(buf, size, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
			     c->path, c->host);
	return n < 0 || (uint32_t)n >= size ? 0 : (uint32_t)n;
}

#define COUNTER_FIELDS(X) \
	X(connects) X(established) X(completed) X(failed) X(no_port) \
	X(requests) \
	X(responses) X(bad_status) X(proto_errors) X(tx_bytes) X(rx_bytes) \
	X(retransmits) X(heads_compared)

void
load_counters_sub(struct load_counters *out, const struct load_counters *a,
		  const struct load_counters *b)
{
#define SUB(f) out->f = a->f - b->f;
	COUNTER_FIELDS(SUB)
#undef SUB
}

void
load_counters_add(struct load_counters *out, const struct load_counters *a)
{
#define ADD(f) out->f += a->f;
	COUNTER_FIELDS(ADD)
#undef ADD
}

double
load_rate(const struct load_conf *c, const struct load_counters *n,
	  uint64_t elapsed_ns)
{
	double s = (double)elapsed_ns / BENCH_NS_PER_S;

	if (s <= 0)
		return 0;
	switch (c->mode) {
	case LOAD_CPS:
		return (double)n->completed / s;
	case LOAD_BULK:
		return 8.0 * (double)(c->upload && c->proto == LOAD_HTTP
				      ? n->tx_bytes : n->rx_bytes) / s;
	case LOAD_HOLD:
		return (double)n->established / s;
	default:
		return (double)n->responses / s;
	}
}

const char *
load_rate_unit(const struct load_conf *c)
{
	switch (c->mode) {
	case LOAD_CPS:
	case LOAD_HOLD:
		return "conn/s";
	case LOAD_BULK:
		return "bit/s";
	default:
		return "req/s";
	}
}

void
load_live_line(FILE *f, const struct load_conf *c, double t_s,
	       const struct load_counters *d, uint64_t interval_ns,
	       const char *states)
{
	fprintf(f, "t=%.1fs %.0f %s err %" PRIu64 " retrans %" PRIu64
		" | %s\n", t_s, load_rate(c, d, interval_ns),
		load_rate_unit(c), d->failed + d->bad_status + d->proto_errors,
		d->retransmits, states);
	if (d->no_port > 0)
		fprintf(f, "  no port: %" PRIu64 " connects refused "
			"(EADDRNOTAVAIL): every source port to the target is "
			"open or in TIME_WAIT (more: --src-ip, "
			"tcp.port_min/port_max, --ports; docs/tcp.md)\n",
			d->no_port);
	fflush(f);
}

int
load_write_json(const struct load_conf *c, const char *tool,
		const struct load_counters *n, uint64_t elapsed_ns,
		const struct hist *lat, const char *extra)
{
	FILE *f = stdout;
	char addr[INET6_ADDRSTRLEN + 2] = "?";

	if (c->json_path[0] != '\0') {
		f = fopen(c->json_path, "w");
		if (f == NULL) {
			fprintf(stderr, "%s: %s: %s\n", tool, c->json_path,
				strerror(errno));
			return -errno;
		}
	}
	(void)load_target_addr(c, addr, sizeof(addr));
	fprintf(f, "{\"tool\":\"%s\",\"stack\":\"%s\",\"mode\":\"%s\","
		"\"proto\":\"%s\",\"target\":\"%s:%u\",\"ports\":%u,"
		"\"conns\":%u,\"pipeline\":%u,\"server_closes\":%s,"
		"\"direction\":\"%s\",\"offered_rate\":%.0f,"
		"\"elapsed_s\":%.6f,\"rate\":%.1f,\"rate_unit\":\"%s\","
		"\"connects\":%" PRIu64 ",\"established\":%" PRIu64
		",\"completed\":%" PRIu64 ",\"failed\":%" PRIu64
		",\"no_port\":%" PRIu64 ",\"requests\":%" PRIu64 ",\"responses\":%" PRIu64
		",\"bad_status\":%" PRIu64 ",\"proto_errors\":%" PRIu64
		",\"tx_bytes\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
		",\"retransmits\":%" PRIu64 ",\"heads_compared\":%" PRIu64
		",\"latency_ns\":",
		tool, c->label, load_mode_name(c->mode),
		c->proto == LOAD_HTTP ? "http" : "echo", addr, c->dport,
		c->nb_ports, c->conns, c->pipeline,
		c->server_closes ? "true" : "false",
		c->upload ? "up" : "down",
		c->mode == LOAD_LATENCY ? c->rate : 0.0,
		(double)elapsed_ns / BENCH_NS_PER_S, load_rate(c, n, elapsed_ns),
		load_rate_unit(c), n->connects, n->established, n->completed,
		n->failed, n->no_port, n->requests, n->responses,
		n->bad_status,
		n->proto_errors, n->tx_bytes, n->rx_bytes, n->retransmits,
		n->heads_compared);
	if (lat != NULL)
		hist_write_json(lat, f);
	else
		fputs("null", f);
	if (extra != NULL && extra[0] != '\0')
		fprintf(f, ",%s", extra);
	fputs("}\n", f);
	if (f != stdout)
		return fclose(f) == 0 ? 0 : -EIO;
	fflush(f);
	return 0;
}
