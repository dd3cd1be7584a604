/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern-load's engine: C connection slots driven through tern's client
 * API by the workload of struct load_conf. See load_core.h.
 *
 * Every slot runs the same small machine (IDLE -> OPENING -> OPEN ->
 * CLOSING -> IDLE); the workload decides when a slot opens, how many
 * requests it keeps in flight and when it closes:
 *   cps      open, one request, close once answered (or when the server
 *            closes, with --server-closes), reopen
 *   rps      keep P requests in flight on each of C connections
 *   bulk     one large transfer after another on each connection
 *   latency  a pacer issues requests at the offered rate to slots with
 *            fewer than P in flight; latency runs from the intended time
 *   hold     open C connections once and leave them idle
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "tern_tcp.h"
#include "http.h"
#include "http_take.h"
#include "load_core.h"

#define BENCH_NS_PER_S 1000000000ull
/* The echo byte stream repeats this block; 4 KiB keeps it in L1. */
#define ECHO_BLOCK 4096u
/* Longest HTTP request text (the POST header is the longest). */
#define REQ_MAX 512
/* Connection attempts started per poll: spreads a large C over many
 * loop iterations so that SYNs do not arrive as one burst. */
#define OPEN_PER_POLL 64
/* Connections DRAIN closes per poll, and closes in flight at most (as
 * --max-opening bounds attempts): each close brings back about one
 * segment, and a poll reads at most one RX burst (32); closing a
 * million held connections in a few iterations would overflow the
 * peer's TX ring with the answers. */
#define DRAIN_PER_POLL 16
/* Hold: longest time to get every connection open before the window
 * (--time) starts anyway, with what could be opened. */
#define LOAD_HOLD_OPEN_MAX_NS (120ull * 1000000000ull)

enum slot_state {
	SLOT_IDLE,
	SLOT_OPENING,
	SLOT_OPEN,
	SLOT_CLOSING,
};

struct load_conn {
	struct tern_conn *c;
	struct load *L;
	struct http_reader rd;
	uint64_t *issued_ns;       /* ring of P: when each request in flight
				      was issued (intended, for latency) */
	uint64_t start_ns;         /* connect() time */
	uint64_t tx_stream;        /* bytes written on this connection */
	uint64_t rx_stream;        /* bytes received */
	uint32_t ring_head;
	uint32_t in_flight;        /* requests issued, response pending */
	uint32_t unsent;           /* requests issued, not fully written */
	uint64_t req_off;          /* bytes of the current request written */
	uint8_t state;             /* enum slot_state */
	bool exchange_done;        /* cps: the one response arrived */
	bool no_more;              /* server closes or said close */
	bool on_retry;
	TAILQ_ENTRY(load_conn) link;  /* idle list, or retry list */
};

TAILQ_HEAD(load_conn_list, load_conn);

struct load {
	struct tern_ctx *ctx;
	const struct load_conf *conf;
	struct load_share share;
	struct load_conn *slots;
	uint64_t *rings;
	struct load_conn_list idle;
	struct load_conn_list retry;
	uint32_t nb_open;           /* slots not IDLE */
	uint32_t nb_opening;
	uint32_t nb_closing;        /* slots CLOSING now */
	uint32_t nb_established;    /* slots OPEN now */
	uint32_t peak_open;
	uint32_t pace_next;         /* latency: round-robin cursor */
	uint32_t drain_next;        /* DRAIN: next slot to look at */
	uint8_t phase;
	bool started;
	bool aborting;              /* load_abort_all(): not failures */
	bool pace_started;
	uint64_t t0_ns;             /* first poll */
	uint64_t measure_ns;        /* window start */
	uint64_t end_ns;            /* window end */
	uint64_t drain_deadline_ns;
	uint64_t all_open_ns;       /* hold: when all C were open */
	uint64_t settled_ns;        /* hold: when no attempt was left */
	uint64_t pace_t0_ns;
	uint64_t paced;             /* latency: requests issued so far */
	uint32_t req_len;           /* HTTP request text / echo request */
	bool req_whole;             /* HTTP, no body: issue() sends it */
	/* conf's, read per response: one load each, not two. */
	bool http;                  /* proto HTTP */
	uint8_t mode;               /* enum load_mode */
	uint32_t pipeline;
	uint64_t body_len;          /* HTTP bulk up: POST body bytes */
	struct load_counters n;
	struct load_counters at_start;
	struct load_counters at_end;
	struct hist lat;
	/* The last response head parsed: the next, the same bytes, is
	 * compared, not parsed (http_reader_take_response_memo()). */
	struct http_resp_memo memo;
	char req[REQ_MAX];
	uint8_t block[ECHO_BLOCK];  /* echo stream / POST body bytes */
};

static const struct tern_tcp_ops load_ops;

size_t
load_conn_size(const struct load_conf *conf)
{
	return sizeof(struct load_conn) +
	       (conf->mode == LOAD_HOLD ? 0
					: conf->pipeline * sizeof(uint64_t));
}

/* ---- counters and phases ---- */

void
load_counters_now(const struct load *L, struct load_counters *out)
{
	*out = L->n;
	out->retransmits = L->ctx->stats.c[TERN_STAT_TCP_RETRANS_SEGS];
	out->heads_compared = L->memo.hits;
}

static void
phase_measure(struct load *L)
{
	load_counters_now(L, &L->at_start);
	hist_init(&L->lat);
	L->measure_ns = L->ctx->now_ns;
	L->phase = LOAD_PH_MEASURE;
}

static void
phase_drain(struct load *L)
{
	if (L->phase == LOAD_PH_WARMUP)
		phase_measure(L);
	load_counters_now(L, &L->at_end);
	L->end_ns = L->ctx->now_ns;
	/* More connections take longer to close (10 us each). */
	L->drain_deadline_ns = L->end_ns + LOAD_DRAIN_NS +
			       (uint64_t)L->nb_open * 10000;
	L->drain_next = 0;
	L->phase = LOAD_PH_DRAIN;
}

void
load_stop(struct load *L)
{
	if (L->phase < LOAD_PH_DRAIN)
		phase_drain(L);
}

enum load_phase
load_phase(const struct load *L)
{
	return (enum load_phase)L->phase;
}

void
load_window(const struct load *L, struct load_counters *out,
	    uint64_t *window_ns)
{
	struct load_counters end;

	if (L->phase < LOAD_PH_MEASURE) {
		memset(out, 0, sizeof(*out));
		*window_ns = 0;
		return;
	}
	if (L->phase >= LOAD_PH_DRAIN) {
		end = L->at_end;
		*window_ns = L->end_ns - L->measure_ns;
	} else {
		load_counters_now(L, &end);
		*window_ns = L->ctx->now_ns - L->measure_ns;
	}
	load_counters_sub(out, &end, &L->at_start);
}

const struct hist *
load_latency(const struct load *L)
{
	return &L->lat;
}

uint32_t
load_open_conns(const struct load *L)
{
	return L->nb_open;
}

uint32_t
load_peak_conns(const struct load *L)
{
	return L->peak_open;
}

uint64_t
load_all_open_ns(const struct load *L)
{
	return L->all_open_ns != 0 ? L->all_open_ns - L->t0_ns : 0;
}

/* Did the window reach its request (or connection) target? */
static bool
target_reached(const struct load *L)
{
	uint64_t done;

	if (L->share.max_requests == 0 || L->phase != LOAD_PH_MEASURE)
		return false;
	done = L->conf->mode == LOAD_CPS
		       ? L->n.completed - L->at_start.completed
		       : L->n.responses - L->at_start.responses;
	return done >= L->share.max_requests;
}

/* Hold: every connection was attempted and none is still opening. */
static bool
hold_settled(const struct load *L)
{
	return L->conf->mode == LOAD_HOLD && L->n.connects >= L->share.conns &&
	       L->nb_opening == 0;
}

static bool
issuing(const struct load *L)
{
	return L->phase < LOAD_PH_DRAIN;
}

/* ---- slots ---- */

static void
retry_add(struct load_conn *lc)
{
	if (lc->on_retry)
		return;
	lc->on_retry = true;
	TAILQ_INSERT_TAIL(&lc->L->retry, lc, link);
}

static void
retry_del(struct load_conn *lc)
{
	if (!lc->on_retry)
		return;
	lc->on_retry = false;
	TAILQ_REMOVE(&lc->L->retry, lc, link);
}

/* Close our side; closed() may run inside, freeing the slot. */
static void
slot_close(struct load_conn *lc)
{
	if (lc->state == SLOT_CLOSING)
		return;
	if (lc->state == SLOT_OPEN)
		lc->L->nb_established--;
	lc->state = SLOT_CLOSING;
	lc->L->nb_closing++;
	retry_del(lc);
	tern_tcp_close(lc->c);
}

/* @return false when the stack refused at once (no port, no record):
 * the slot is idle again. */
static bool
slot_open(struct load *L, struct load_conn *lc)
{
	const struct load_conf *conf = L->conf;
	uint16_t port = conf->dport;
	int rc;

	if (conf->nb_ports > 1)
		port = (uint16_t)(conf->dport + L->n.connects % conf->nb_ports);
	TAILQ_REMOVE(&L->idle, lc, link);
	lc->state = SLOT_OPENING;
	lc->start_ns = L->ctx->now_ns;
	lc->tx_stream = 0;
	lc->rx_stream = 0;
	lc->ring_head = 0;
	lc->in_flight = 0;
	lc->unsent = 0;
	lc->req_off = 0;
	lc->exchange_done = false;
	lc->no_more = false;
	http_reader_init(&lc->rd, 0);
	L->n.connects++;
	L->nb_open++;
	L->nb_opening++;
	if (L->nb_open > L->peak_open)
		L->peak_open = L->nb_open;
	if (unlikely(conf->v6)) {
		struct tern_ip6 d;

		memcpy(d.b, conf->daddr6, sizeof(d.b));
		rc = tern_tcp_connect6(L->ctx, &d, port, &load_ops, lc,
				       &lc->c);
	} else {
		rc = tern_tcp_connect(L->ctx, conf->daddr, port, &load_ops,
				      lc, &lc->c);
	}
	if (rc != 0) {
		/* No closed() will come: undo here. No port is no attempt
		 * (the stack refused at once; the next poll tries again). */
		if (rc == -EADDRNOTAVAIL) {
			L->n.connects--;
			L->n.no_port++;
		} else {
			L->n.failed++;
		}
		L->nb_open--;
		L->nb_opening--;
		lc->state = SLOT_IDLE;
		lc->c = NULL;
		TAILQ_INSERT_HEAD(&L->idle, lc, link);
		return false;
	}
	return true;
}

/* ---- output ---- */

/* Bytes of one request (HTTP text plus POST body, or an echo). */
static uint64_t
request_bytes(const struct load *L)
{
	return L->req_len + L->body_len;
}

static bool
echo_stream(const struct load *L)
{
	return L->conf->proto == LOAD_ECHO && L->conf->mode == LOAD_BULK;
}

/* The next piece of output at stream offset @p lc->tx_stream. */
static const void *
next_piece(const struct load_conn *lc, uint32_t *len)
{
	const struct load *L = lc->L;
	uint64_t left;
	uint32_t off;

	if (L->conf->proto == LOAD_ECHO) {
		off = (uint32_t)(lc->tx_stream % ECHO_BLOCK);
		left = echo_stream(L) ? UINT32_MAX
				      : request_bytes(L) - lc->req_off;
		*len = (uint32_t)RTE_MIN(left, (uint64_t)(ECHO_BLOCK - off));
		return L->block + off;
	}
	if (lc->req_off < L->req_len) {
		*len = L->req_len - (uint32_t)lc->req_off;
		return L->req + lc->req_off;
	}
	left = request_bytes(L) - lc->req_off;
	*len = (uint32_t)RTE_MIN(left, (uint64_t)ECHO_BLOCK);
	return L->block;
}

static bool
half_close_after_request(const struct load *L)
{
	return L->conf->mode == LOAD_CPS && L->conf->proto == LOAD_ECHO &&
	       L->conf->server_closes;
}

/*
 * Write issued requests (or the echo stream) while the send buffer
 * takes them. @return false when the connection was aborted.
 */
static bool
pump(struct load_conn *lc)
{
	struct load *L = lc->L;

	while (lc->unsent > 0 || (echo_stream(L) && issuing(L))) {
		uint32_t len;
		const void *p = next_piece(lc, &len);
		int32_t n = tern_tcp_send(lc->c, p, len);

		if (n == -ENOBUFS) {
			retry_add(lc);
			return true;
		}
		if (n < 0) {
			L->n.proto_errors++;
			tern_tcp_abort(lc->c);
			return false;
		}
		L->n.tx_bytes += (uint32_t)n;
		lc->tx_stream += (uint32_t)n;
		lc->req_off += (uint32_t)n;
		if (!echo_stream(L) && lc->req_off == request_bytes(L)) {
			lc->unsent--;
			lc->req_off = 0;
		}
		if ((uint32_t)n < len)
			return true;      /* writable() resumes */
	}
	/* cps echo, server closes: our half-close asks it to. */
	if (half_close_after_request(L) && lc->unsent == 0 &&
	    lc->in_flight > 0 && tern_tcp_shutdown(lc->c) != 0)
		L->n.proto_errors++;
	return true;
}

/* Issue one request, intended at @p at_ns. */
static inline bool
issue(struct load_conn *lc, uint64_t at_ns)
{
	struct load *L = lc->L;
	uint32_t slot = lc->ring_head + lc->in_flight;

	/* Only hold issues nothing, and has no rings. */
	RTE_ASSERT(lc->issued_ns != NULL);
	/* Both below P: a compare, not a division. */
	if (slot >= L->pipeline)
		slot -= L->pipeline;
	lc->issued_ns[slot] = at_ns;
	lc->in_flight++;
	L->n.requests++;
	if (lc->unsent == 0 && L->req_whole) {
		/* The usual request: nothing before it unsent, its text
		 * taken whole (or in part: writable() resumes). Anything
		 * else (no room, no mbufs, an error) goes pump()'s way. */
		int32_t n = tern_tcp_send(lc->c, L->req, L->req_len);

		if (n > 0) {
			L->n.tx_bytes += (uint32_t)n;
			lc->tx_stream += (uint32_t)n;
			if ((uint32_t)n != L->req_len) {
				lc->unsent = 1;
				lc->req_off = (uint32_t)n;
			}
			return true;
		}
	}
	lc->unsent++;
	return pump(lc);
}

/* Fill the pipeline of a keep-alive slot. Nothing issue() does changes
 * the phase or no_more: they are asked once. */
static inline bool
refill(struct load_conn *lc)
{
	struct load *L = lc->L;

	if (!issuing(L) || lc->no_more)
		return true;
	while (lc->in_flight < L->pipeline)
		if (!issue(lc, L->ctx->now_ns))
			return false;
	return true;
}

/* ---- input ---- */

static __rte_always_inline void
record_latency(struct load_conn *lc)
{
	struct load *L = lc->L;
	uint64_t at = lc->start_ns;

	/* A request in flight was issued: the ring is there (hold, which
	 * has none, issues nothing). */
	if (lc->in_flight > 0) {
		at = lc->issued_ns[lc->ring_head];
		if (++lc->ring_head == L->pipeline)
			lc->ring_head = 0;
	}
	if (L->phase == LOAD_PH_MEASURE)
		hist_record(&L->lat, L->ctx->now_ns - at);
}

/*
 * One complete response. @return false when @p lc may be gone (it was
 * closed or aborted inside). Inline in the usual response's path,
 * on_response() elsewhere.
 */
static __rte_always_inline bool
response_done(struct load_conn *lc, bool ok)
{
	struct load *L = lc->L;

	record_latency(lc);
	if (lc->in_flight > 0)
		lc->in_flight--;
	if (ok)
		L->n.responses++;
	else
		L->n.bad_status++;
	switch (L->mode) {
	case LOAD_CPS:
		lc->exchange_done = true;
		/* Client closes first, unless the server said it will. */
		if (!L->conf->server_closes && !lc->no_more) {
			slot_close(lc);
			return false;
		}
		return true;
	case LOAD_RPS:
	case LOAD_BULK:
		if (lc->no_more || !issuing(L)) {
			if (lc->in_flight == 0) {
				slot_close(lc);
				return false;
			}
			return true;
		}
		return refill(lc);
	default:
		/* latency: the pacer issues; drain closes idle slots. */
		if ((lc->no_more || !issuing(L)) && lc->in_flight == 0) {
			slot_close(lc);
			return false;
		}
		return true;
	}
}

static bool
on_response(struct load_conn *lc, bool ok)
{
	return response_done(lc, ok);
}

/* A response head, parsed and well formed: what it says of the
 * connection and of the exchange. @return false for an interim one
 * (100 Continue), after which the real response's head follows. */
static __rte_always_inline bool
on_http_head(struct load_conn *lc, const struct http_response *resp)
{
	if (resp->status < 200)
		return false;
	if (!resp->keep_alive)
		lc->no_more = true;
	lc->exchange_done = resp->status < 300;
	return true;
}

/* A complete response. @return false when @p lc may be gone. */
static __rte_always_inline bool
http_response_done(struct load_conn *lc)
{
	if (lc->in_flight == 0) {
		/* A response nobody asked for. */
		lc->L->n.proto_errors++;
		tern_tcp_abort(lc->c);
		return false;
	}
	return response_done(lc, lc->exchange_done);
}

/*
 * The piece's next message the general way: a head split over pieces
 * (or malformed), or a body its head's piece did not hold whole.
 * @return HTTP_EV_DONE (a complete response), HTTP_EV_HEAD (a head
 *   whose body follows, or an interim one), HTTP_EV_NEED_MORE, or an
 *   error; *used the bytes taken.
 */
static enum http_ev
http_feed_general(struct load_conn *lc, const char *p, uint32_t len,
		  uint32_t *used)
{
	enum http_ev ev = http_reader_feed(&lc->rd, p, len, used);
	struct http_response resp;
	uint32_t head_len, body;
	const char *head;

	if (ev != HTTP_EV_HEAD)
		return ev;
	head = http_reader_head(&lc->rd, &head_len);
	if (http_parse_response(head, head_len, false, &resp) != 0)
		return HTTP_EV_BAD_LINE;
	if (!on_http_head(lc, &resp)) {
		http_reader_next_head(&lc->rd);
		return HTTP_EV_HEAD;
	}
	/* The body lies whole in the piece: no second feed. */
	if (!http_reader_set_body_at_hand(&lc->rd, resp.body,
					  resp.content_length, len - *used,
					  &body))
		return HTTP_EV_HEAD;
	*used += body;
	return HTTP_EV_DONE;
}

/* The piece's next message: the usual one (a whole head, its body by
 * length whole in the piece) in one step, anything else the general
 * way. @return and *used as http_feed_general(). */
static inline enum http_ev
http_next(struct load_conn *lc, const char *p, uint32_t len, uint32_t *used)
{
	struct http_response resp;
	bool complete;
	uint32_t n = http_reader_take_response_memo(&lc->rd, &lc->L->memo, p,
						    len, false, &resp,
						    &complete);

	if (n == 0)
		return http_feed_general(lc, p, len, used);
	*used = n;
	/* An interim response is complete: the real one follows. */
	if (!on_http_head(lc, &resp) || !complete)
		return HTTP_EV_HEAD;
	return HTTP_EV_DONE;
}

/* Parse the HTTP of p[0..len) message by message (the part of a piece
 * after its first message). @return false when @p lc may be gone. */
static bool __rte_noinline
http_input_rest(struct load_conn *lc, const char *p, uint32_t len)
{
	uint32_t off = 0, used;

	for (;;) {
		enum http_ev ev = http_next(lc, p + off, len - off, &used);

		off += used;
		if (ev == HTTP_EV_NEED_MORE)
			return true;
		if (ev == HTTP_EV_HEAD)
			continue;
		if (ev != HTTP_EV_DONE) {
			lc->L->n.proto_errors++;
			tern_tcp_abort(lc->c);
			return false;
		}
		if (!http_response_done(lc))
			return false;
		/* Nothing left: the reader would only ask for more. */
		if (off == len)
			return true;
	}
}

/*
 * Parse HTTP from @p p: the usual piece, one whole response, inline;
 * the rest of any other through http_input_rest(). @return false when
 * @p lc may be gone.
 */
static __rte_always_inline bool
http_input(struct load_conn *lc, const char *p, uint32_t len)
{
	struct http_response resp;
	bool complete;
	uint32_t n = http_reader_take_response_memo(&lc->rd, &lc->L->memo, p,
						    len, false, &resp,
						    &complete);

	/* Taken: a head (interim, or its body to come) or a response. */
	if (n != 0 && on_http_head(lc, &resp) && complete &&
	    !http_response_done(lc))
		return false;
	return n == len || http_input_rest(lc, p + n, len - n);
}

/* Check echoed bytes against the stream; count whole echoes. */
static bool
echo_input(struct load_conn *lc, const uint8_t *p, uint32_t len)
{
	struct load *L = lc->L;
	uint64_t req = request_bytes(L);

	while (len > 0) {
		uint32_t off = (uint32_t)(lc->rx_stream % ECHO_BLOCK);
		uint32_t n = RTE_MIN(len, ECHO_BLOCK - off);

		if (lc->rx_stream + n > lc->tx_stream ||
		    memcmp(p, L->block + off, n) != 0) {
			L->n.proto_errors++;
			tern_tcp_abort(lc->c);
			return false;
		}
		if (!echo_stream(L)) {
			/* Requests end at multiples of req; at most one
			 * boundary per piece when n <= req. */
			uint64_t before = lc->rx_stream / req;

			if (n > req - lc->rx_stream % req)
				n = (uint32_t)(req - lc->rx_stream % req);
			lc->rx_stream += n;
			p += n;
			len -= n;
			if (lc->rx_stream / req != before &&
			    !on_response(lc, true))
				return false;
			continue;
		}
		lc->rx_stream += n;
		p += n;
		len -= n;
	}
	return true;
}

/* ---- callbacks ---- */

static void
on_connected(struct tern_conn *c, void *user)
{
	struct load_conn *lc = user;
	struct load *L = lc->L;

	L->nb_opening--;
	L->nb_established++;
	L->n.established++;
	lc->state = SLOT_OPEN;
	if (L->conf->mode == LOAD_HOLD) {
		if (L->all_open_ns == 0 && L->nb_established == L->share.conns)
			L->all_open_ns = L->ctx->now_ns;
		return;
	}
	if (!issuing(L)) {
		slot_close(lc);
		return;
	}
	if (L->conf->mode == LOAD_CPS) {
		issue(lc, lc->start_ns);
		return;
	}
	if (echo_stream(L)) {
		pump(lc);
		return;
	}
	if (L->conf->mode != LOAD_LATENCY)
		refill(lc);
}

/*
 * One segment of received payload. @return false when @p lc may be
 * gone, or when nothing more is wanted (our side closing, no response
 * under way): the rest is dropped unread.
 */
static __rte_always_inline bool
recv_seg(struct load_conn *lc, const struct rte_mbuf *seg)
{
	if (!lc->L->http)
		return echo_input(lc, rte_pktmbuf_mtod(seg, const uint8_t *),
				  seg->data_len);
	if (lc->state == SLOT_CLOSING && http_reader_idle(&lc->rd))
		return false;
	return http_input(lc, rte_pktmbuf_mtod(seg, const char *),
			  seg->data_len);
}

/* recv_seg() for a chain's segments, the unusual case: a call. */
static bool __rte_noinline
recv_seg_chained(struct load_conn *lc, const struct rte_mbuf *seg)
{
	return recv_seg(lc, seg);
}

static void
on_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	struct load_conn *lc = user;
	struct rte_mbuf *seg;

	struct tern_ctx *ctx = lc->L->ctx;   /* lc may be gone below */

	lc->L->n.rx_bytes += rte_pktmbuf_pkt_len(data);
	/* The usual payload is one segment: it waits for the step's bulk
	 * free, as tern-httpd's do. */
	if (likely(data->next == NULL)) {
		recv_seg(lc, data);
		tern_rx_free(ctx, data);
		return;
	}
	for (seg = data; seg != NULL; seg = seg->next)
		if (!recv_seg_chained(lc, seg))
			break;
	rte_pktmbuf_free(data);
}

static void
on_writable(struct tern_conn *c, void *user)
{
	struct load_conn *lc = user;

	if (lc->state == SLOT_OPEN)
		pump(lc);
}

static void
on_peer_closed(struct tern_conn *c, void *user)
{
	struct load_conn *lc = user;

	lc->no_more = true;
	/* A body delimited by the end of the connection is complete. */
	if (lc->L->conf->proto == LOAD_HTTP &&
	    http_reader_to_eof(&lc->rd)) {
		http_reader_set_body(&lc->rd, HTTP_BODY_NONE, 0);
		if (!on_response(lc, lc->exchange_done))
			return;
	}
	if (lc->in_flight > 0)
		lc->L->n.proto_errors++;   /* requests left unanswered */
	slot_close(lc);
}

static void
on_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	struct load_conn *lc = user;
	struct load *L = lc->L;

	/* Most connections end after our close: CLOSING first. */
	if (lc->state == SLOT_CLOSING)
		L->nb_closing--;
	else if (lc->state == SLOT_OPENING)
		L->nb_opening--;
	else if (lc->state == SLOT_OPEN)
		L->nb_established--;
	/* Our own aborts (the drain's deadline, the end) are no failure
	 * of the connection. */
	if (why != TERN_TCP_CLOSE_NORMAL &&
	    !(why == TERN_TCP_CLOSE_ABORTED && L->aborting))
		L->n.failed++;
	else if (L->conf->mode == LOAD_CPS && lc->exchange_done)
		L->n.completed++;
	retry_del(lc);
	http_reader_fini(&lc->rd);
	lc->c = NULL;
	lc->state = SLOT_IDLE;
	L->nb_open--;
	TAILQ_INSERT_TAIL(&L->idle, lc, link);
}

static const struct tern_tcp_ops load_ops = {
	.connected = on_connected,
	.recv = on_recv,
	.writable = on_writable,
	.peer_closed = on_peer_closed,
	.closed = on_closed,
};

/* ---- poll ---- */

/*
 * Until a first connection is established, one attempt at a time: the
 * server's address is not resolved yet, and a burst of SYNs would
 * overflow what ARP holds for an unresolved neighbour (dropped, then
 * retransmitted a second later).
 */
static uint32_t
first_opening_limit(const struct load *L)
{
	return L->n.established == 0 ? 1 : L->conf->max_opening;
}

static void
open_slots(struct load *L)
{
	const struct load_conf *conf = L->conf;
	unsigned int started = 0;
	struct load_conn *lc;

	if (!issuing(L))
		return;
	/* Hold opens each slot once; the others replace what closes. */
	if (conf->mode == LOAD_HOLD && L->n.connects >= L->share.conns)
		return;
	while (L->nb_open < L->share.conns &&
	       L->nb_opening < first_opening_limit(L) &&
	       started < OPEN_PER_POLL &&
	       (lc = TAILQ_FIRST(&L->idle)) != NULL) {
		started++;
		if (!slot_open(L, lc))
			break;    /* no port or no record: try next poll */
	}
}

/* Latency mode: issue what the offered rate has made due. */
static void
pace(struct load *L)
{
	uint32_t C = L->share.conns;
	uint64_t due;

	if (!issuing(L) || L->share.rate <= 0)
		return;
	if (!L->pace_started) {
		L->pace_started = true;
		L->pace_t0_ns = L->ctx->now_ns;
	}
	/* Request k is due at t0 + k / rate: k = 0 at once. */
	due = (uint64_t)((double)(L->ctx->now_ns - L->pace_t0_ns) *
			 L->share.rate / 1e9) + 1;
	while (L->paced < due) {
		struct load_conn *lc = NULL;

		for (uint32_t i = 0; i < C; i++) {
			struct load_conn *s = &L->slots[(L->pace_next + i) % C];

			if (s->state == SLOT_OPEN && !s->no_more &&
			    s->in_flight < L->conf->pipeline) {
				lc = s;
				L->pace_next = (L->pace_next + i + 1) % C;
				break;
			}
		}
		if (lc == NULL)
			return;   /* all busy: it waits, its clock running */
		issue(lc, L->pace_t0_ns + (uint64_t)((double)L->paced * 1e9 /
						      L->share.rate));
		L->paced++;
	}
}

static void
retry_sends(struct load *L)
{
	struct load_conn *lc;
	struct load_conn_list batch = TAILQ_HEAD_INITIALIZER(batch);

	/* Only those queued now: a retry that fails queues itself again. */
	TAILQ_CONCAT(&batch, &L->retry, link);
	while ((lc = TAILQ_FIRST(&batch)) != NULL) {
		TAILQ_REMOVE(&batch, lc, link);
		lc->on_retry = false;
		if (lc->state == SLOT_OPEN)
			pump(lc);
	}
}

/*
 * DRAIN: one pass over the slots, a slice per poll, closing those with
 * nothing in flight (the others close as their last response arrives,
 * in on_response()); abort what is left at the deadline.
 */
static void
drain(struct load *L)
{
	unsigned int closed = 0;

	if (L->ctx->now_ns >= L->drain_deadline_ns) {
		load_abort_all(L);
	} else {
		for (; L->drain_next < L->share.conns &&
		     closed < DRAIN_PER_POLL &&
		     L->nb_closing < L->conf->max_opening; L->drain_next++) {
			struct load_conn *lc = &L->slots[L->drain_next];

			if (lc->state == SLOT_OPEN &&
			    (lc->in_flight == 0 || echo_stream(L))) {
				slot_close(lc);
				closed++;
			}
		}
	}
	if (L->nb_open == 0)
		L->phase = LOAD_PH_DONE;
}

/*
 * Has the measurement window run its --time? Hold counts it from when
 * every attempt has settled (all open, or failed), or from when opening
 * took too long; hold without --time ends as it settles.
 */
static bool
window_over(struct load *L, uint64_t now)
{
	uint64_t t = (uint64_t)(L->conf->time_s * 1e9);
	uint64_t since;

	if (L->conf->mode != LOAD_HOLD)
		return t > 0 && now - L->measure_ns >= t;
	if (hold_settled(L) && L->settled_ns == 0)
		L->settled_ns = now;
	since = L->settled_ns;
	if (since == 0 && now - L->measure_ns >= LOAD_HOLD_OPEN_MAX_NS)
		since = L->measure_ns + LOAD_HOLD_OPEN_MAX_NS;
	return since != 0 && now - since >= t;
}

static void
phases(struct load *L)
{
	const struct load_conf *conf = L->conf;
	uint64_t now = L->ctx->now_ns;

	if (!L->started) {
		L->started = true;
		L->t0_ns = now;
		if (conf->warmup_s <= 0)
			phase_measure(L);
	}
	if (L->phase == LOAD_PH_WARMUP &&
	    now - L->t0_ns >= (uint64_t)(conf->warmup_s * 1e9))
		phase_measure(L);
	if (L->phase == LOAD_PH_MEASURE &&
	    (window_over(L, now) || target_reached(L)))
		phase_drain(L);
}

void
load_poll(struct load *L)
{
	bool drain_once;

	phases(L);
	drain_once = L->phase == LOAD_PH_DRAIN;
	if (L->phase == LOAD_PH_DONE)
		return;
	if (!TAILQ_EMPTY(&L->retry))
		retry_sends(L);
	if (drain_once) {
		drain(L);
		return;
	}
	open_slots(L);
	if (L->conf->mode == LOAD_LATENCY)
		pace(L);
}

bool
load_busy(const struct load *L)
{
	if (L->phase == LOAD_PH_DONE)
		return false;
	if (target_reached(L) || (L->phase == LOAD_PH_MEASURE &&
				   L->conf->time_s <= 0 && hold_settled(L)))
		return true;
	if (!L->started || L->phase == LOAD_PH_DRAIN ||
	    !TAILQ_EMPTY(&L->retry) || L->conf->mode == LOAD_LATENCY ||
	    L->conf->time_s > 0 || L->conf->warmup_s > 0)
		return true;
	return L->nb_open < L->share.conns && !TAILQ_EMPTY(&L->idle) &&
	       L->nb_opening < first_opening_limit(L) &&
	       !(L->conf->mode == LOAD_HOLD &&
		 L->n.connects >= L->share.conns);
}

void
load_abort_all(struct load *L)
{
	L->aborting = true;
	for (uint32_t i = 0; i < L->share.conns; i++)
		if (L->slots[i].state != SLOT_IDLE)
			tern_tcp_abort(L->slots[i].c);
	L->aborting = false;
}

/* ---- instance ---- */

static void
block_fill(uint8_t *b, uint32_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (uint32_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
}

int
load_create(struct tern_ctx *ctx, const struct load_conf *conf,
	    const struct load_share *share, struct load **out)
{
	struct load *L;

	*out = NULL;
	if (share->conns == 0 || conf->pipeline == 0 ||
	    conf->pipeline > LOAD_PIPELINE_MAX)
		return -EINVAL;
	L = calloc(1, sizeof(*L));
	if (L == NULL)
		return -ENOMEM;
	L->ctx = ctx;
	L->conf = conf;
	L->share = *share;
	L->phase = LOAD_PH_WARMUP;
	L->http = conf->proto == LOAD_HTTP;
	L->mode = (uint8_t)conf->mode;
	L->pipeline = conf->pipeline;
	TAILQ_INIT(&L->idle);
	TAILQ_INIT(&L->retry);
	hist_init(&L->lat);
	block_fill(L->block, sizeof(L->block));
	if (conf->proto == LOAD_HTTP) {
		L->req_len = load_http_request(conf, L->req, sizeof(L->req));
		if (L->req_len == 0) {
			free(L);
			return -EINVAL;
		}
		if (conf->mode == LOAD_BULK && conf->upload)
			L->body_len = conf->bulk_bytes;
		L->req_whole = L->body_len == 0;
	} else {
		L->req_len = conf->req_size;
	}
	L->slots = calloc(share->conns, sizeof(*L->slots));
	if (conf->mode != LOAD_HOLD)
		L->rings = calloc((size_t)share->conns * conf->pipeline,
				  sizeof(uint64_t));
	if (L->slots == NULL || (conf->mode != LOAD_HOLD && L->rings == NULL)) {
		load_destroy(L);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < share->conns; i++) {
		struct load_conn *lc = &L->slots[i];

		lc->L = L;
		if (L->rings != NULL)
			lc->issued_ns = L->rings + (size_t)i * conf->pipeline;
		TAILQ_INSERT_TAIL(&L->idle, lc, link);
	}
	*out = L;
	return 0;
}

void
load_destroy(struct load *L)
{
	if (L == NULL)
		return;
	if (L->slots != NULL)
		load_abort_all(L);
	free(L->slots);
	free(L->rings);
	free(L);
}
