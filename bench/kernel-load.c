/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kernel-load: the Linux-socket baseline of tern-load. Same options,
 * same workloads, same live line and JSON record (load_conf.h); one
 * thread pinned to one CPU, one epoll loop, non-blocking sockets with
 * TCP_NODELAY. It parses responses with the same code as tern-load.
 * Latency mode busy-polls epoll (timeout 0) to pace requests to the
 * microsecond, as tern's loop does; the other modes block in epoll_wait.
 *
 *   kernel-load --connect 127.0.0.1:8080 --mode rps --conns 64 --time 5
 *               [--cpu 0]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "load_conf.h"

#define KL_NS_PER_S 1000000000ull
#define KL_EVENTS 256
#define KL_READ_BUF (64u << 10)
#define KL_BLOCK 4096u
#define KL_REQ_MAX 512
#define KL_OPEN_PER_ROUND 64
#define KL_DRAIN_NS (3ull * KL_NS_PER_S)
/* Slots visited per loop iteration while draining (see load_core.c). */
#define KL_DRAIN_PER_ROUND 256
#define KL_HOLD_OPEN_MAX_NS (120ull * KL_NS_PER_S)

enum kl_state { KL_IDLE, KL_OPENING, KL_OPEN, KL_CLOSING };
enum kl_phase { KL_WARMUP, KL_MEASURE, KL_DRAIN, KL_DONE };

struct kl_conn {
	int fd;
	uint8_t state;
	bool exchange_done;
	bool no_more;
	bool want_out;
	struct http_reader rd;
	uint64_t *issued_ns;
	uint32_t ring_head;
	uint32_t in_flight;
	uint32_t unsent;
	uint64_t req_off;
	uint64_t tx_stream;
	uint64_t rx_stream;
	uint64_t start_ns;
	struct kl_conn *next_idle;
};

struct kl {
	struct load_conf conf;      /* first: load_opts parse into it */
	int cpu;
	int ep;
	struct kl_conn *slots;
	uint64_t *rings;
	struct kl_conn *idle;
	uint32_t nb_open, nb_opening, nb_established, peak_open;
	uint8_t phase;
	uint64_t now_ns;
	uint64_t t0_ns, measure_ns, end_ns, drain_deadline_ns, all_open_ns;
	uint64_t pace_t0_ns, paced;
	uint32_t pace_next;
	uint32_t drain_next;
	uint64_t settled_ns;
	uint32_t req_len;
	uint64_t body_len;
	struct load_counters n, at_start, at_end, line_prev;
	uint64_t next_line_ns;
	uint64_t slab_before;
	uint64_t slab_held;
	struct hist lat;
	char req[KL_REQ_MAX];
	uint8_t block[KL_BLOCK];
	char buf[KL_READ_BUF];
};

/* The one piece of process-wide state: what a signal handler may set. */
static volatile sig_atomic_t kl_stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	kl_stop_flag = 1;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * KL_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Slab memory of the whole machine (kB in /proc/meminfo), in bytes. */
static uint64_t
slab_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	uint64_t kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Slab: %" SCNu64, &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* RetransSegs of this network namespace (/proc/net/snmp, "Tcp:"). */
static uint64_t
snmp_retrans(void)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char names[1024], values[1024];
	uint64_t v = 0;

	if (f == NULL)
		return 0;
	while (fgets(names, sizeof(names), f) != NULL) {
		char *np, *vp, *n, *val;

		if (strncmp(names, "Tcp:", 4) != 0 ||
		    fgets(values, sizeof(values), f) == NULL)
			continue;
		n = strtok_r(names, " \n", &np);
		val = strtok_r(values, " \n", &vp);
		while (n != NULL && val != NULL) {
			if (strcmp(n, "RetransSegs") == 0)
				v = strtoull(val, NULL, 10);
			n = strtok_r(NULL, " \n", &np);
			val = strtok_r(NULL, " \n", &vp);
		}
		break;
	}
	fclose(f);
	return v;
}

/* ---- phases ---- */

static bool
issuing(const struct kl *L)
{
	return L->phase < KL_DRAIN && !kl_stop_flag;
}

static void
phase_measure(struct kl *L)
{
	L->n.retransmits = snmp_retrans();
	L->at_start = L->n;
	hist_init(&L->lat);
	L->measure_ns = L->now_ns;
	L->phase = KL_MEASURE;
}

static void
phase_drain(struct kl *L)
{
	if (L->phase == KL_WARMUP)
		phase_measure(L);
	L->n.retransmits = snmp_retrans();
	L->at_end = L->n;
	L->end_ns = L->now_ns;
	L->drain_deadline_ns = L->now_ns + KL_DRAIN_NS;
	L->drain_next = 0;
	L->phase = KL_DRAIN;
}

/* The window has run its --time (hold: counted once all have settled). */
static bool
window_over(struct kl *L)
{
	const struct load_conf *c = &L->conf;
	uint64_t t = (uint64_t)(c->time_s * 1e9);
	uint64_t since;

	if (c->mode != LOAD_HOLD)
		return t > 0 && L->now_ns - L->measure_ns >= t;
	if (L->settled_ns == 0 && L->n.connects >= c->conns &&
	    L->nb_opening == 0)
		L->settled_ns = L->now_ns;
	since = L->settled_ns;
	if (since == 0 && L->now_ns - L->measure_ns >= KL_HOLD_OPEN_MAX_NS)
		since = L->measure_ns + KL_HOLD_OPEN_MAX_NS;
	return since != 0 && L->now_ns - since >= t;
}

static void
phases(struct kl *L)
{
	const struct load_conf *c = &L->conf;
	uint64_t done;

	if (L->phase == KL_WARMUP &&
	    L->now_ns - L->t0_ns >= (uint64_t)(c->warmup_s * 1e9))
		phase_measure(L);
	if (L->phase != KL_MEASURE)
		return;
	done = c->mode == LOAD_CPS ? L->n.completed - L->at_start.completed
				   : L->n.responses - L->at_start.responses;
	if (kl_stop_flag || window_over(L) ||
	    (c->max_requests > 0 && c->mode != LOAD_HOLD &&
	     done >= c->max_requests))
		phase_drain(L);
}

/* ---- slots ---- */

static int
ev_set(struct kl *L, struct kl_conn *lc, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = lc };

	return epoll_ctl(L->ep, op, lc->fd, &ev);
}

static void
slot_release(struct kl *L, struct kl_conn *lc, bool ok)
{
	if (lc->state == KL_OPENING)
		L->nb_opening--;
	else if (lc->state == KL_OPEN)
		L->nb_established--;
	if (!ok)
		L->n.failed++;
	else if (L->conf.mode == LOAD_CPS && lc->exchange_done)
		L->n.completed++;
	close(lc->fd);
	http_reader_fini(&lc->rd);
	lc->fd = -1;
	lc->state = KL_IDLE;
	lc->next_idle = L->idle;
	L->idle = lc;
	L->nb_open--;
}

/* Our close: the kernel finishes the handshake (and keeps TIME_WAIT). */
static void
slot_close(struct kl *L, struct kl_conn *lc)
{
	slot_release(L, lc, true);
}

static void
slot_open(struct kl *L)
{
	const struct load_conf *c = &L->conf;
	struct kl_conn *lc = L->idle;
	uint16_t port = htons((uint16_t)(c->dport +
					 L->n.connects % c->nb_ports));
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = port,
		.sin_addr.s_addr = c->daddr,
	};
	struct sockaddr_in6 a6 = {
		.sin6_family = AF_INET6,
		.sin6_port = port,
	};
	const struct sockaddr *to = (const struct sockaddr *)&a;
	socklen_t to_len = sizeof(a);
	int one = 1;

	L->idle = lc->next_idle;
	memset(&lc->rd, 0, sizeof(lc->rd));
	lc->ring_head = lc->in_flight = lc->unsent = 0;
	lc->req_off = lc->tx_stream = lc->rx_stream = 0;
	lc->exchange_done = lc->no_more = lc->want_out = false;
	lc->start_ns = L->now_ns;
	http_reader_init(&lc->rd, 0);
	L->n.connects++;
	L->nb_open++;
	L->nb_opening++;
	if (L->nb_open > L->peak_open)
		L->peak_open = L->nb_open;
	lc->state = KL_OPENING;
	if (c->v6) {
		memcpy(&a6.sin6_addr, c->daddr6, sizeof(a6.sin6_addr));
		to = (const struct sockaddr *)&a6;
		to_len = sizeof(a6);
	}
	lc->fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lc->fd < 0) {
		L->n.failed++;
		lc->state = KL_IDLE;
		L->nb_open--;
		L->nb_opening--;
		lc->next_idle = L->idle;
		L->idle = lc;
		return;
	}
	setsockopt(lc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((connect(lc->fd, to, to_len) != 0 &&
	     errno != EINPROGRESS) ||
	    ev_set(L, lc, EPOLL_CTL_ADD, EPOLLOUT) != 0)
		slot_release(L, lc, false);
}

/* ---- output ---- */

static bool
echo_stream(const struct kl *L)
{
	return L->conf.proto == LOAD_ECHO && L->conf.mode == LOAD_BULK;
}

static const void *
next_piece(const struct kl *L, const struct kl_conn *lc, uint32_t *len)
{
	uint64_t total = L->req_len + L->body_len, left;
	uint32_t off;

	if (L->conf.proto == LOAD_ECHO) {
		off = (uint32_t)(lc->tx_stream % KL_BLOCK);
		left = echo_stream(L) ? UINT32_MAX : total - lc->req_off;
		*len = (uint32_t)(left < KL_BLOCK - off ? left : KL_BLOCK - off);
		return L->block + off;
	}
	if (lc->req_off < L->req_len) {
		*len = L->req_len - (uint32_t)lc->req_off;
		return L->req + lc->req_off;
	}
	left = total - lc->req_off;
	*len = (uint32_t)(left < KL_BLOCK ? left : KL_BLOCK);
	return L->block;
}

/* Write while the socket takes it. @return false: the slot is gone. */
static bool
pump(struct kl *L, struct kl_conn *lc)
{
	uint64_t total = L->req_len + L->body_len;

	while (lc->unsent > 0 || (echo_stream(L) && issuing(L))) {
		uint32_t len;
		const void *p = next_piece(L, lc, &len);
		ssize_t n = send(lc->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			if (!lc->want_out) {
				lc->want_out = true;
				ev_set(L, lc, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
			}
			return true;
		}
		if (n < 0) {
			L->n.proto_errors++;
			slot_release(L, lc, false);
			return false;
		}
		L->n.tx_bytes += (uint64_t)n;
		lc->tx_stream += (uint64_t)n;
		lc->req_off += (uint64_t)n;
		if (!echo_stream(L) && lc->req_off == total) {
			lc->unsent--;
			lc->req_off = 0;
		}
	}
	if (lc->want_out) {
		lc->want_out = false;
		ev_set(L, lc, EPOLL_CTL_MOD, EPOLLIN);
	}
	if (L->conf.mode == LOAD_CPS && L->conf.proto == LOAD_ECHO &&
	    L->conf.server_closes && lc->unsent == 0 && lc->in_flight > 0)
		shutdown(lc->fd, SHUT_WR);
	return true;
}

static bool
issue(struct kl *L, struct kl_conn *lc, uint64_t at_ns)
{
	if (lc->issued_ns != NULL)
		lc->issued_ns[(lc->ring_head + lc->in_flight) %
			      L->conf.pipeline] = at_ns;
	lc->in_flight++;
	lc->unsent++;
	L->n.requests++;
	return pump(L, lc);
}

static bool
refill(struct kl *L, struct kl_conn *lc)
{
	while (issuing(L) && !lc->no_more && lc->in_flight < L->conf.pipeline)
		if (!issue(L, lc, L->now_ns))
			return false;
	return true;
}

/* ---- input ---- */

/* @return false: the slot was closed. */
static bool
on_response(struct kl *L, struct kl_conn *lc, bool ok)
{
	uint64_t at = lc->start_ns;

	if (lc->issued_ns != NULL && lc->in_flight > 0) {
		at = lc->issued_ns[lc->ring_head];
		lc->ring_head = (lc->ring_head + 1) % L->conf.pipeline;
	}
	if (L->phase == KL_MEASURE)
		hist_record(&L->lat, L->now_ns - at);
	if (lc->in_flight > 0)
		lc->in_flight--;
	if (ok)
		L->n.responses++;
	else
		L->n.bad_status++;
	switch (L->conf.mode) {
	case LOAD_CPS:
		lc->exchange_done = true;
		if (!L->conf.server_closes && !lc->no_more) {
			slot_close(L, lc);
			return false;
		}
		return true;
	case LOAD_RPS:
	case LOAD_BULK:
		if (lc->no_more || !issuing(L)) {
			if (lc->in_flight == 0) {
				slot_close(L, lc);
				return false;
			}
			return true;
		}
		return refill(L, lc);
	default:
		if ((lc->no_more || !issuing(L)) && lc->in_flight == 0) {
			slot_close(L, lc);
			return false;
		}
		return true;
	}
}

static bool
http_input(struct kl *L, struct kl_conn *lc, const char *p, uint32_t len)
{
	uint32_t off = 0, used;

	for (;;) {
		struct http_response resp;
		int rc = -1;
		enum http_ev ev = http_reader_feed_response(&lc->rd, p + off,
							    len - off, &used,
							    false, &resp, &rc);

		off += used;
		if (ev == HTTP_EV_NEED_MORE)
			return true;
		if (ev == HTTP_EV_DONE && lc->in_flight > 0) {
			if (!on_response(L, lc, lc->exchange_done))
				return false;
			continue;
		}
		if (ev == HTTP_EV_HEAD) {
			if (rc == 0) {
				if (resp.status < 200) {
					http_reader_next_head(&lc->rd);
					continue;
				}
				lc->no_more |= !resp.keep_alive;
				lc->exchange_done = resp.status < 300;
				http_reader_set_body(&lc->rd, resp.body,
						     resp.content_length);
				continue;
			}
		}
		L->n.proto_errors++;
		slot_release(L, lc, false);
		return false;
	}
}

static bool
echo_input(struct kl *L, struct kl_conn *lc, const uint8_t *p, uint32_t len)
{
	uint64_t req = L->req_len;

	while (len > 0) {
		uint32_t off = (uint32_t)(lc->rx_stream % KL_BLOCK);
		uint32_t n = len < KL_BLOCK - off ? len : KL_BLOCK - off;

		if (!echo_stream(L) && n > req - lc->rx_stream % req)
			n = (uint32_t)(req - lc->rx_stream % req);
		if (lc->rx_stream + n > lc->tx_stream ||
		    memcmp(p, L->block + off, n) != 0) {
			L->n.proto_errors++;
			slot_release(L, lc, false);
			return false;
		}
		lc->rx_stream += n;
		p += n;
		len -= n;
		if (!echo_stream(L) && lc->rx_stream % req == 0 &&
		    !on_response(L, lc, true))
			return false;
	}
	return true;
}

static void
on_connected(struct kl *L, struct kl_conn *lc)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(lc->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		slot_release(L, lc, false);
		return;
	}
	L->nb_opening--;
	L->nb_established++;
	L->n.established++;
	lc->state = KL_OPEN;
	ev_set(L, lc, EPOLL_CTL_MOD, EPOLLIN);
	if (L->conf.mode == LOAD_HOLD) {
		if (L->all_open_ns == 0 && L->nb_established == L->conf.conns) {
			L->all_open_ns = L->now_ns;
			L->slab_held = slab_bytes();
		}
		return;
	}
	if (!issuing(L)) {
		slot_close(L, lc);
		return;
	}
	if (L->conf.mode == LOAD_CPS)
		issue(L, lc, lc->start_ns);
	else if (echo_stream(L))
		pump(L, lc);
	else if (L->conf.mode != LOAD_LATENCY)
		refill(L, lc);
}

static void
on_readable(struct kl *L, struct kl_conn *lc)
{
	ssize_t n = read(lc->fd, L->buf, sizeof(L->buf));

	if (n > 0) {
		L->n.rx_bytes += (uint64_t)n;
		if (L->conf.proto == LOAD_HTTP)
			http_input(L, lc, L->buf, (uint32_t)n);
		else
			echo_input(L, lc, (const uint8_t *)L->buf, (uint32_t)n);
		return;
	}
	if (n < 0 && errno == EAGAIN)
		return;
	if (n < 0) {
		slot_release(L, lc, false);
		return;
	}
	/* End of stream: completes a body delimited by it. */
	if (L->conf.proto == LOAD_HTTP && http_reader_to_eof(&lc->rd)) {
		http_reader_set_body(&lc->rd, HTTP_BODY_NONE, 0);
		if (!on_response(L, lc, lc->exchange_done))
			return;
	}
	if (lc->in_flight > 0)
		L->n.proto_errors++;
	slot_close(L, lc);
}

/* ---- the loop ---- */

static void
open_slots(struct kl *L)
{
	unsigned int started = 0;

	if (!issuing(L) || (L->conf.mode == LOAD_HOLD &&
			    L->n.connects >= L->conf.conns))
		return;
	while (L->nb_open < L->conf.conns && L->idle != NULL &&
	       L->nb_opening < L->conf.max_opening &&
	       started++ < KL_OPEN_PER_ROUND) {
		uint64_t failed = L->n.failed;

		slot_open(L);
		if (L->n.failed != failed)
			break;
	}
}

static void
pace(struct kl *L)
{
	uint32_t C = L->conf.conns;
	uint64_t due;

	if (!issuing(L))
		return;
	if (L->pace_t0_ns == 0)
		L->pace_t0_ns = L->now_ns;
	/* Request k is due at t0 + k / rate: k = 0 at once. */
	due = (uint64_t)((double)(L->now_ns - L->pace_t0_ns) * L->conf.rate /
			 1e9) + 1;
	while (L->paced < due) {
		struct kl_conn *lc = NULL;

		for (uint32_t i = 0; i < C; i++) {
			struct kl_conn *s = &L->slots[(L->pace_next + i) % C];

			if (s->state == KL_OPEN && !s->no_more &&
			    s->in_flight < L->conf.pipeline) {
				lc = s;
				L->pace_next = (L->pace_next + i + 1) % C;
				break;
			}
		}
		if (lc == NULL)
			return;
		issue(L, lc, L->pace_t0_ns + (uint64_t)((double)L->paced *
							1e9 / L->conf.rate));
		L->paced++;
	}
}

static void
drain(struct kl *L)
{
	uint32_t stop = L->drain_next + KL_DRAIN_PER_ROUND;

	if (stop > L->conf.conns)
		stop = L->conf.conns;
	if (L->now_ns >= L->drain_deadline_ns) {
		for (uint32_t i = 0; i < L->conf.conns; i++)
			if (L->slots[i].state != KL_IDLE)
				slot_release(L, &L->slots[i], false);
	} else {
		for (; L->drain_next < stop; L->drain_next++) {
			struct kl_conn *lc = &L->slots[L->drain_next];

			if (lc->state == KL_OPEN &&
			    (lc->in_flight == 0 || echo_stream(L)))
				slot_close(L, lc);
		}
	}
	if (L->nb_open == 0)
		L->phase = KL_DONE;
}

static void
live_line(struct kl *L)
{
	struct load_counters d;
	char states[128];

	load_counters_sub(&d, &L->n, &L->line_prev);
	L->line_prev = L->n;
	snprintf(states, sizeof(states), "connecting %u established %u",
		 L->nb_opening, L->nb_established);
	load_live_line(stderr, &L->conf,
		       (double)(L->now_ns - L->t0_ns) / KL_NS_PER_S, &d,
		       KL_NS_PER_S, states);
}

static void
dispatch(struct kl *L, struct kl_conn *lc, uint32_t events)
{
	if (lc->state == KL_OPENING) {
		on_connected(L, lc);
		return;
	}
	if (lc->state != KL_OPEN)
		return;
	if ((events & EPOLLOUT) && !pump(L, lc))
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		on_readable(L, lc);
}

static int
run(struct kl *L)
{
	struct epoll_event evs[KL_EVENTS];
	bool busy_poll = L->conf.mode == LOAD_LATENCY;

	L->now_ns = mono_ns();
	L->t0_ns = L->now_ns;
	L->next_line_ns = L->now_ns + KL_NS_PER_S;
	L->slab_before = slab_bytes();
	if (L->conf.warmup_s <= 0)
		phase_measure(L);
	while (L->phase != KL_DONE) {
		int n = epoll_wait(L->ep, evs, KL_EVENTS, busy_poll ? 0 : 1);

		if (n < 0 && errno != EINTR)
			return -errno;
		L->now_ns = mono_ns();
		for (int i = 0; i < n; i++)
			dispatch(L, evs[i].data.ptr, evs[i].events);
		phases(L);
		if (L->phase == KL_DRAIN) {
			drain(L);
			continue;
		}
		open_slots(L);
		if (L->conf.mode == LOAD_LATENCY)
			pace(L);
		if (!L->conf.quiet && L->now_ns >= L->next_line_ns) {
			L->next_line_ns += KL_NS_PER_S;
			live_line(L);
		}
	}
	return 0;
}

/* ---- setup and report ---- */

static int
parse_args(struct kl *L, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *name = argv[i] + 2;
		const struct load_opt *o;

		if (strncmp(argv[i], "--", 2) != 0)
			goto bad;
		if (strcmp(name, "cpu") == 0 && i + 1 < argc) {
			L->cpu = atoi(argv[++i]);
			continue;
		}
		for (o = load_opts; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				break;
		if (o->name == NULL || (o->arg_name != NULL && i + 1 >= argc))
			goto bad;
		if (o->parse(&L->conf, o->arg_name != NULL ? argv[++i]
							    : NULL) != 0)
			return -EINVAL;
	}
	return load_conf_finish(&L->conf, "kernel-load");
bad:
	fprintf(stderr, "usage: kernel-load [--cpu N] [load options]:\n");
	for (const struct load_opt *o = load_opts; o->name != NULL; o++)
		fprintf(stderr, "  --%-14s %-12s %s\n", o->name,
			o->arg_name != NULL ? o->arg_name : "", o->help);
	return -EINVAL;
}

static int
setup(struct kl *L)
{
	const struct load_conf *c = &L->conf;
	struct rlimit rl = { 1u << 20, 1u << 20 };
	uint64_t x = 0x9e3779b97f4a7c15ull;

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		/* Not allowed above the hard limit: take all of it. */
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (c->conns + 64 > rl.rlim_cur) {
		fprintf(stderr, "kernel-load: %u connections need more file "
			"descriptors than the limit of %lu\n", c->conns,
			(unsigned long)rl.rlim_cur);
		return -EMFILE;
	}
	if (L->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(L->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			return -errno;
	}
	/* The same stream bytes as tern-load's. */
	for (uint32_t i = 0; i < KL_BLOCK; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		L->block[i] = (uint8_t)x;
	}
	if (c->proto == LOAD_HTTP) {
		L->req_len = load_http_request(c, L->req, sizeof(L->req));
		if (c->mode == LOAD_BULK && c->upload)
			L->body_len = c->bulk_bytes;
	} else {
		L->req_len = c->req_size;
	}
	L->slots = calloc(c->conns, sizeof(*L->slots));
	L->rings = calloc((size_t)c->conns * c->pipeline, sizeof(uint64_t));
	L->ep = epoll_create1(0);
	if (L->slots == NULL || L->rings == NULL || L->ep < 0 ||
	    L->req_len == 0)
		return -ENOMEM;
	for (uint32_t i = c->conns; i-- > 0;) {
		L->slots[i].fd = -1;
		L->slots[i].issued_ns = L->rings + (size_t)i * c->pipeline;
		L->slots[i].next_idle = L->idle;
		L->idle = &L->slots[i];
	}
	hist_init(&L->lat);
	return 0;
}

static int
report(struct kl *L)
{
	struct load_counters w;
	char extra[256];
	uint64_t held = L->slab_held > L->slab_before
				? L->slab_held - L->slab_before : 0;

	load_counters_sub(&w, &L->at_end, &L->at_start);
	/* Both ends of every connection are sockets of this kernel. */
	snprintf(extra, sizeof(extra), "\"topology\":\"kernel-loopback\","
		 "\"peak_conns\":%u,\"all_open_s\":%.6f,"
		 "\"kernel_slab_per_socket\":%.1f",
		 L->peak_open, L->all_open_ns != 0
			 ? (double)(L->all_open_ns - L->t0_ns) / KL_NS_PER_S
			 : 0.0,
		 L->conf.mode == LOAD_HOLD && L->all_open_ns != 0
			 ? (double)held / (2.0 * L->conf.conns) : 0.0);
	return load_write_json(&L->conf, "kernel-load", &w,
			       L->end_ns - L->measure_ns, &L->lat, extra);
}

int
main(int argc, char **argv)
{
	struct kl *L = calloc(1, sizeof(*L));
	int rc;

	if (L == NULL)
		return EXIT_FAILURE;
	load_conf_defaults(&L->conf);
	snprintf(L->conf.label, sizeof(L->conf.label), "linux");
	L->cpu = -1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	rc = parse_args(L, argc, argv);
	if (rc == 0)
		rc = setup(L);
	if (rc == 0)
		rc = run(L);
	if (rc == 0)
		rc = report(L);
	if (rc != 0)
		fprintf(stderr, "kernel-load: %s\n", strerror(-rc));
	free(L->slots);
	free(L->rings);
	free(L);
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
