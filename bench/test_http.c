/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of lib/http/http.c (framing and heads), http_resp.c and hist.c:
 * every message is fed whole, byte by byte and split at every offset,
 * and must give the same events; malformed heads get their status.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"
#include "http.h"
#include "http_take.h"
#include "http_resp.h"

/* What a stream of requests produced, event by event. */
struct trace {
	char log[4096];
	size_t len;
	int errors;
	int takes;      /* heads http_reader_take_request() took */
};

static void
trace_add(struct trace *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	t->len += (size_t)vsnprintf(t->log + t->len, sizeof(t->log) - t->len,
				    fmt, ap);
	va_end(ap);
}

/* How feed_requests() reads: http_reader_feed() and http_parse_request()
 * apart; http_reader_feed_request() (one pass over a whole head) and
 * http_reader_take_done(); or, as tern-httpd does, the usual request by
 * http_reader_take_request() and the rest as FEED_FUSED. */
enum feed_mode {
	FEED_TWO_STEP,
	FEED_FUSED,
	FEED_TAKE,
	FEED_MODES,
};

static const char *const feed_mode_name[FEED_MODES] = {
	"two-step", "fused", "take",
};

static void
trace_head(struct trace *t, int st, const struct http_request *req)
{
	trace_add(t, "head %d %s 1.%d ka%d body%d/%llu;", st,
		  req->is_head ? "HEAD" : "-", req->version_minor,
		  req->keep_alive, (int)req->body,
		  (unsigned long long)req->content_length);
}

/* FEED_TAKE's first step on p[0..n): @return the bytes taken (0: none,
 * feed as FEED_FUSED), with the trace a feed would leave. */
static uint32_t
take_request(struct http_reader *r, const char *p, uint32_t n,
	     struct trace *t)
{
	struct http_request req;
	uint32_t used = http_reader_take_request(r, p, n, &req);

	if (used == 0)
		return 0;
	t->takes++;
	trace_head(t, 0, &req);
	if (req.body == HTTP_BODY_NONE)
		trace_add(t, "done;");
	return used;
}

/* Feed @p msg in pieces of at most @p piece bytes (0: the split at
 * @p cut only) as a server would, recording every event, read as
 * @p mode says. */
static void
feed_requests(const char *msg, size_t len, size_t piece, size_t cut,
	      enum feed_mode mode, struct trace *t)
{
	bool fused = mode != FEED_TWO_STEP;

	struct http_reader r;
	size_t pos = 0;

	memset(t, 0, sizeof(*t));
	http_reader_init(&r, 256);
	while (pos < len && t->errors == 0) {
		size_t n = piece != 0 ? piece : (pos < cut ? cut : len - pos);
		uint32_t off = 0, used;

		if (n > len - pos)
			n = len - pos;
		for (;;) {
			struct http_request req;
			const char *head;
			uint32_t hlen;
			int st = -1;
			enum http_ev ev;

			if (mode == FEED_TAKE) {
				used = take_request(&r, msg + pos + off,
						    (uint32_t)(n - off), t);
				off += used;
				if (used != 0 && off == n)
					break;
				if (used != 0)
					continue;
			}
			ev = fused ?
				http_reader_feed_request(&r, msg + pos + off,
							 (uint32_t)(n - off),
							 &used, &req, &st) :
				http_reader_feed(&r, msg + pos + off,
						 (uint32_t)(n - off), &used);

			off += used;
			if (ev == HTTP_EV_NEED_MORE)
				break;
			if (ev == HTTP_EV_DONE) {
				trace_add(t, "done;");
				continue;
			}
			if (ev != HTTP_EV_HEAD) {
				trace_add(t, "err%d;", (int)ev);
				t->errors++;
				break;
			}
			if (!fused) {
				head = http_reader_head(&r, &hlen);
				st = http_parse_request(head, hlen, &req);
			}
			trace_head(t, st, &req);
			http_reader_set_body(&r, req.body, req.content_length);
			/* The server's way: a message without a body is
			 * complete at once, no feed to report it. */
			if (fused && http_reader_take_done(&r))
				trace_add(t, "done;");
		}
		pos += n;
	}
	http_reader_fini(&r);
}

static const char pipeline[] =
	"\r\n"
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
	"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
	"POST /c HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n"
	"\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n"
	"HEAD /h HTTP/1.0\nConnection: keep-alive\n\n"
	"GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

static const char pipeline_trace[] =
	"head 0 - 1.1 ka1 body0/0;done;"
	"head 0 - 1.1 ka1 body1/5;done;"
	"head 0 - 1.1 ka1 body2/0;done;"
	"head 0 HEAD 1.0 ka1 body0/0;done;"
	"head 0 - 1.1 ka0 body0/0;done;";

static void
test_pipeline_whole(void **state)
{
	struct trace t;

	(void)state;
	for (int mode = 0; mode < FEED_MODES; mode++) {
		feed_requests(pipeline, sizeof(pipeline) - 1,
			      sizeof(pipeline), 0, mode, &t);
		assert_int_equal(t.errors, 0);
		assert_string_equal(t.log, pipeline_trace);
	}
}

static void
test_pipeline_bytewise(void **state)
{
	struct trace t;

	(void)state;
	for (int mode = 0; mode < FEED_MODES; mode++) {
		feed_requests(pipeline, sizeof(pipeline) - 1, 1, 0, mode, &t);
		assert_string_equal(t.log, pipeline_trace);
	}
}

static void
test_pipeline_every_split(void **state)
{
	struct trace t;

	(void)state;
	for (int mode = 0; mode < FEED_MODES; mode++) {
		int takes = 0;

		for (size_t cut = 1; cut < sizeof(pipeline) - 1; cut++) {
			feed_requests(pipeline, sizeof(pipeline) - 1, 0, cut,
				      mode, &t);
			takes += t.takes;
			if (strcmp(t.log, pipeline_trace) != 0)
				fail_msg("%s split at %zu: %s",
					 feed_mode_name[mode], cut, t.log);
		}
		/* Heads that start a piece whole were taken in one step. */
		assert_true((mode == FEED_TAKE) == (takes > 0));
	}
}

/* http_reader_take_request() takes a whole head at the start of a
 * piece, setting its body as set_body() would, and leaves anything else
 * to the feed with the reader untouched. */
static void
test_take_request(void **state)
{
	static const char get[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char post[] = "POST / HTTP/1.1\r\nHost: a\r\n"
				   "Content-Length: 3\r\n\r\n";
	static const char *const declined[] = {
		"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",  /* empty line */
		"GET / HTTP/1.1\r\nHost: a\r\n",          /* head split */
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /",  /* ends mid-line */
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",      /* malformed: 400 */
		("GET / HTTP/1.1\r\nHost: a\r\nX-Long: "     /* over 64 bytes */
		 "0123456789012345678901234567890123\r\n\r\n"),
	};
	struct http_request req;
	struct http_reader r;
	uint32_t used;
	int st;

	(void)state;
	http_reader_init(&r, 64);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(http_reader_take_request(&r, get,
			sizeof(get) - 1, &req), sizeof(get) - 1);
		assert_int_equal(req.body, HTTP_BODY_NONE);
		assert_true(req.keep_alive);
		assert_true(http_reader_idle(&r));
	}
	/* With a body: skipped by the next feed, which reports the end. */
	assert_int_equal(http_reader_take_request(&r, post, sizeof(post) - 1,
						  &req), sizeof(post) - 1);
	assert_int_equal(req.body, HTTP_BODY_LENGTH);
	assert_int_equal(req.content_length, 3);
	assert_false(http_reader_idle(&r));
	assert_int_equal(http_reader_take_request(&r, get, sizeof(get) - 1,
						  &req), 0);
	assert_int_equal(http_reader_feed(&r, "abcGET", 6, &used),
			 HTTP_EV_DONE);
	assert_int_equal(used, 3);
	assert_true(http_reader_idle(&r));
	for (size_t i = 0; i < sizeof(declined) / sizeof(declined[0]); i++) {
		uint32_t len = (uint32_t)strlen(declined[i]);

		assert_int_equal(http_reader_take_request(&r, declined[i],
							  len, &req), 0);
		assert_true(http_reader_idle(&r));
	}
	/* The malformed head gets its status from the feed. */
	assert_int_equal(http_reader_feed_request(&r, declined[3],
		(uint32_t)strlen(declined[3]), &used, &req, &st),
		HTTP_EV_HEAD);
	assert_int_equal(st, 400);
	http_reader_fini(&r);
}

/*
 * The usual request's take on the edges of its scans: the Host line's
 * CRLF at every offset of the sixteen-byte blocks (the head alone, and
 * with a second request, whole or cut, after it), a NUL or another CTL
 * at each byte of the value, and names that start as the ones acted on
 * do but are others (the take acts only on those it tells by their
 * first bytes: a look-alike must count as nothing).
 */
static void
test_take_edges(void **state)
{
	static const unsigned char ctl[] = { 0x00, 0x01, 0x08, 0x0b, 0x1f,
					     0x7f, '\r' };
	static const char *const decoys[] = {
		"Hos: a", "Hosts: a", "Host-: a", "Expectx: 100-continue",
		"Connections: close", "Connectio: close",
		"Content-Lengths: 5", "Content_Length: 5", "Content-Lengt: 5",
		"Transfer-Encodings: chunked", "Transfer_Encoding: chunked",
	};
	struct http_request req;
	struct http_reader r;
	char head[160], piece[200];
	uint32_t used;
	int len, st;

	(void)state;
	http_reader_init(&r, 256);
	assert_int_equal(http_reader_take_request(&r, "", 0, &req), 0);
	assert_int_equal(http_reader_take_request(&r,
		"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 27, &req), 0);
	assert_true(http_reader_idle(&r));
	for (int vlen = 0; vlen < 48; vlen++) {
		len = snprintf(head, sizeof(head),
			       "GET / HTTP/1.1\r\nHost: %.*s\r\n\r\n", vlen,
			       "0123456789abcdef0123456789abcdef0123456789abcdef");
		assert_int_equal(http_reader_take_request(&r, head,
			(uint32_t)len, &req), len);
		assert_true(req.keep_alive && req.body == HTTP_BODY_NONE);
		/* A second request after it: taken alone; cut: declined. */
		memcpy(piece, head, (size_t)len);
		memcpy(piece + len, head, (size_t)len);
		assert_int_equal(http_reader_take_request(&r, piece,
			(uint32_t)(2 * len), &req), len);
		assert_int_equal(http_reader_take_request(&r, piece,
			(uint32_t)(2 * len - 3), &req), 0);
		assert_true(http_reader_idle(&r));
		for (int at = 0; at < vlen; at++) {
			for (size_t k = 0; k < sizeof(ctl); k++) {
				char was = head[22 + at];

				head[22 + at] = (char)ctl[k];
				if (http_reader_take_request(&r, head,
					(uint32_t)len, &req) != 0 ||
				    http_parse_request(head, (uint32_t)len,
						       &req) != 400)
					fail_msg("byte %#x at %d of %d taken",
						 ctl[k], at, vlen);
				head[22 + at] = was;
			}
		}
	}
	for (size_t i = 0; i < sizeof(decoys) / sizeof(decoys[0]); i++) {
		/* Beside Host, acted on as nothing. */
		len = snprintf(head, sizeof(head),
			       "POST / HTTP/1.1\r\nHost: a\r\n%s\r\n\r\n",
			       decoys[i]);
		assert_int_equal(http_reader_take_request(&r, head,
			(uint32_t)len, &req), len);
		if (!req.keep_alive || req.body != HTTP_BODY_NONE ||
		    req.expect_continue)
			fail_msg("%s acted on", decoys[i]);
		/* Instead of Host: no Host, 400 (and no take). */
		len = snprintf(head, sizeof(head),
			       "GET / HTTP/1.1\r\n%s\r\n\r\n", decoys[i]);
		assert_int_equal(http_reader_take_request(&r, head,
			(uint32_t)len, &req), 0);
		assert_int_equal(http_reader_feed_request(&r, head,
			(uint32_t)len, &used, &req, &st), HTTP_EV_HEAD);
		assert_int_equal(st, 400);
		http_reader_fini(&r);
		http_reader_init(&r, 256);
	}
	http_reader_fini(&r);
}

/*
 * http_reader_take_request() on exactly @p p[0..len), whose status
 * alone is @p st and request @p want: the take has its own copy of the
 * parse, so it must take the head iff the status is 0 (the same request
 * then), and otherwise leave the reader as it was.
 */
static void
take_agrees(const char *p, size_t len, int st, const struct http_request *want)
{
	struct http_request req;
	struct http_reader r;
	uint32_t n;

	http_reader_init(&r, 512);
	n = http_reader_take_request(&r, p, (uint32_t)len, &req);
	if ((n != 0) != (st == 0))
		fail_msg("status %d, taken %u: %.*s", st, n, (int)len, p);
	if (n != 0 && memcmp(&req, want, sizeof(req)) != 0)
		fail_msg("taken otherwise than parsed: %.*s", (int)len, p);
	if (n == 0)
		assert_true(http_reader_idle(&r));
	http_reader_fini(&r);
}

static int
status_of(const char *head)
{
	struct http_request req;
	uint32_t len = (uint32_t)strlen(head);
	int st = http_parse_request(head, len, &req);

	if (len <= 512)
		take_agrees(head, len, st, &req);
	return st;
}

/*
 * The status of @p head fed whole to http_reader_feed_request(), as the
 * first message of a piece that ends after it (@p tail follows): -1
 * when no head event came or it did not end where the head does.
 */
static int
fused_status_of(const char *head, const char *tail)
{
	char buf[512];
	size_t hlen = strlen(head), len = hlen + strlen(tail);
	struct http_reader r;
	struct http_request req;
	uint32_t used;
	int st = -1;

	assert_true(len <= sizeof(buf));
	memcpy(buf, head, hlen);
	memcpy(buf + hlen, tail, len - hlen);
	http_reader_init(&r, 256);
	if (http_reader_feed_request(&r, buf, (uint32_t)len, &used, &req,
				     &st) != HTTP_EV_HEAD || used != hlen)
		st = -1;
	http_reader_fini(&r);
	return st;
}

static void
test_request_errors(void **state)
{
	static const struct {
		const char *head;
		int status;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 },               /* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },   /* SP colon */
		{ "GET / HTTP/1.1\r\nHost: a\r\n X: y\r\n\r\n", 400 }, /* fold */
		{ "GET / HTTP/1.1\r\nHost: a\rX\r\n\r\n", 400 }, /* bare CR */
		{ "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", 400 }, /* CTL */
		{ "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
		{ "GET / HTTQ/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400 },
		/* The version and line end compared as one word and one
		 * half: whatever differs goes the byte-wise way. */
		{ "GET / HTTP/1.1\rX\nHost: a\r\n\r\n", 400 }, /* bare CR */
		{ "GET / HTTP/1.11\r\nHost: a\r\n\r\n", 400 },
		{ "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\nHost: a\n\n", 0 },           /* bare LF */
		{ "GET / HTTP/1.1\nHost: a\r\n\r\n", 0 },
		{ "GET / HTTP/1.9\r\nHost: a\r\n\r\n", 0 },
		{ "GET / HTTP/3.1\r\nHost: a\r\n\r\n", 505 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		  "Content-Length: 2\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
		  "Content-Length: 2\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		  "Transfer-Encoding: chunked\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
		{ ": x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400 },
		/* Long values are scanned eight bytes at a time: a CTL or
		 * DEL deep inside one is still refused, HTAB and obs-text
		 * still taken. */
		{ "GET / HTTP/1.1\r\nHost: abcdefghijk\x01lmnopqrstu\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: abcdefghij\x7fklmnopqrstu\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: abcdefghijklmnop\rq\r\n\r\n", 400 },
		/* The first stop byte of a word is found exactly: an HTAB
		 * before a CTL or DEL in the same eight bytes. */
		{ "GET / HTTP/1.1\r\nHost: a\r\n"
		  "X: ab\tc\x01" "defghijklmn\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n"
		  "X: a\t\tb\x7f" "defghijklm\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\t\tb\tdefghijklm\r\n\r\n",
		  0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX-Long: abcdefgh\tijklmnop"
		  "\xe9qrstuvwxyz0123456789\r\n\r\n", 0 },
	};

	/* What may follow a head in the same piece: nothing, a body, the
	 * next request (with or without a line end in it). */
	static const char *const tails[] = {
		"", "hello", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (status_of(cases[i].head) != cases[i].status)
			fail_msg("case %zu: got %d, want %d", i,
				 status_of(cases[i].head), cases[i].status);
		for (size_t k = 0; k < sizeof(tails) / sizeof(tails[0]); k++)
			if (fused_status_of(cases[i].head, tails[k]) !=
			    cases[i].status)
				fail_msg("case %zu tail %zu: fused got %d", i,
					 k, fused_status_of(cases[i].head,
							    tails[k]));
	}
}

/* A request head with one field "name: value" after Host. */
static int
field_status(const char *name, const char *value, const char *tail)
{
	char head[256];
	int st, fst;

	snprintf(head, sizeof(head), "GET / HTTP/1.1\r\nHost: a\r\n%s: %s\r\n\r\n",
		 name, value);
	st = status_of(head);
	fst = fused_status_of(head, tail);
	if (fst != st)
		fail_msg("%s: two-step %d, fused %d", head, st, fst);
	return st;
}

/*
 * The head scans take sixteen bytes at a time (and the last few from
 * the sixteen ending the head): a byte that ends a name, a value or a
 * target is found wherever it falls in those blocks, for every length
 * of what precedes it, and the bytes that do not end one never do.
 */
static void
test_scan_positions(void **state)
{
	static const char *const tails[] = { "", "GET / HTTP/1.1\r\n" };
	static const unsigned char value_stops[] = { 0x01, 0x7f, 0x1f, 0x00,
						     '\r' };
	static const unsigned char value_ok[] = { '\t', 0x80, 0xff, ' ', '~',
						  '"' };
	static const unsigned char name_stops[] = { '(', '/', '@', '[', '{',
						    '"', ' ', 0x80, 0x7f, 0x01,
						    '\t', '}', ',', '=' };
	static const char name_ok[] = "!#$%&'*+-.^_`|~09AZaz";
	char value[48], name[40], target[48], head[160];

	(void)state;
	for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		for (size_t len = 1; len < sizeof(value); len++) {
			memset(value, 'v', len);
			value[len] = '\0';
			assert_int_equal(field_status("X", value, tails[t]), 0);
			for (size_t at = 0; at + 1 < len; at++) {
				for (size_t k = 0; k < sizeof(value_stops); k++) {
					value[at] = (char)value_stops[k];
					/* A NUL ends the string: at least
					 * the line end is missing then. */
					if (value_stops[k] == 0)
						continue;
					if (field_status("X", value,
							 tails[t]) != 400)
						fail_msg("value stop %#x at %zu/%zu",
							 value_stops[k], at, len);
				}
				for (size_t k = 0; k < sizeof(value_ok); k++) {
					value[at + 1] = (char)value_ok[k];
					value[at] = 'v';
					if (field_status("X", value,
							 tails[t]) != 0)
						fail_msg("value byte %#x at %zu/%zu",
							 value_ok[k], at + 1, len);
				}
				memset(value, 'v', len);
			}
		}
		for (size_t len = 1; len < sizeof(name); len++) {
			memset(name, 'n', len);
			name[len] = '\0';
			assert_int_equal(field_status(name, "v", tails[t]), 0);
			for (size_t at = 0; at < len; at++) {
				for (size_t k = 0; k < sizeof(name_stops); k++) {
					name[at] = (char)name_stops[k];
					if (field_status(name, "v",
							 tails[t]) != 400)
						fail_msg("name stop %#x at %zu/%zu",
							 name_stops[k], at, len);
				}
				for (size_t k = 0; k + 1 < sizeof(name_ok); k++) {
					name[at] = name_ok[k];
					if (field_status(name, "v",
							 tails[t]) != 0)
						fail_msg("name byte %c at %zu/%zu",
							 name_ok[k], at, len);
				}
				name[at] = 'n';
			}
		}
		/* A request target ends at SP: a CTL or DEL in it is bad. */
		for (size_t len = 1; len < sizeof(target); len++) {
			memset(target, 't', len);
			target[0] = '/';
			target[len] = '\0';
			snprintf(head, sizeof(head),
				 "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", target);
			assert_int_equal(status_of(head), 0);
			assert_int_equal(fused_status_of(head, tails[t]), 0);
			for (size_t at = 1; at < len; at++) {
				target[at] = (at & 1) ? 0x7f : 0x01;
				snprintf(head, sizeof(head),
					 "GET %s HTTP/1.1\r\nHost: a\r\n\r\n",
					 target);
				if (status_of(head) != 400 ||
				    fused_status_of(head, tails[t]) != 400)
					fail_msg("target stop at %zu/%zu", at,
						 len);
				target[at] = (char)0x80;  /* obs-text: taken */
				snprintf(head, sizeof(head),
					 "GET %s HTTP/1.1\r\nHost: a\r\n\r\n",
					 target);
				if (status_of(head) != 0)
					fail_msg("target 0x80 at %zu/%zu", at,
						 len);
				target[at] = 't';
			}
		}
	}
}

/* Field names in any case; values trimmed of OWS only where read. */
static void
test_field_case(void **state)
{
	static const struct {
		const char *head;
		int status;
		bool keep_alive;
		enum http_body body;
		uint64_t length;
	} cases[] = {
		{ "GET / HTTP/1.1\r\nhOsT: a\r\n\r\n", 0, true, HTTP_BODY_NONE,
		  0 },
		{ "GET / HTTP/1.1\r\nHOST: a\r\ncOnNeCtIoN: ClOsE\r\n\r\n", 0,
		  false, HTTP_BODY_NONE, 0 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nCONTENT-LENGTH: \t 7 \t\r\n\r\n",
		  0, true, HTTP_BODY_LENGTH, 7 },
		{ "POST / HTTP/1.1\r\nHost: a\r\ncontent-length:7\r\n\r\n", 0,
		  true, HTTP_BODY_LENGTH, 7 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7 7\r\n\r\n",
		  400, false, HTTP_BODY_NONE, 0 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400,
		  false, HTTP_BODY_NONE, 0 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTRANSFER-encoding:  Chunked \r\n"
		  "\r\n", 0, true, HTTP_BODY_CHUNKED, 0 },
		{ "GET / HTTP/1.0\r\nConnection:keep-alive\r\n\r\n", 0, true,
		  HTTP_BODY_NONE, 0 },
		/* A known name's length, another name. */
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Lengtx: zz\r\n"
		  "Connectiox: close\r\n\r\n", 0, true, HTTP_BODY_NONE, 0 },
		/* Obs-fold and a field without colon stay refused. */
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\tz\r\n\r\n", 400, false,
		  HTTP_BODY_NONE, 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nGarbage\r\n\r\n", 400, false,
		  HTTP_BODY_NONE, 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r", 400, false,
		  HTTP_BODY_NONE, 0 },
		/* Heads shorter than a block (and than "GET " plus a
		 * version): byte by byte. */
		{ "GET\n", 400, false, HTTP_BODY_NONE, 0 },
		{ "GET /\n", 400, false, HTTP_BODY_NONE, 0 },
		{ "GET / HTTP/1.0\n\n", 0, false, HTTP_BODY_NONE, 0 },
		{ "GET /x HTTP/1.0\r\n\r\n", 0, false, HTTP_BODY_NONE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_request req;
		int st = http_parse_request(cases[i].head,
					    (uint32_t)strlen(cases[i].head),
					    &req);

		if (st != cases[i].status)
			fail_msg("case %zu: got %d, want %d", i, st,
				 cases[i].status);
		if (st != 0)
			continue;
		assert_int_equal(req.keep_alive, cases[i].keep_alive);
		assert_int_equal(req.body, cases[i].body);
		assert_int_equal(req.content_length, cases[i].length);
	}
}

static enum http_ev
feed_all(struct http_reader *r, const char *p, uint32_t len)
{
	uint32_t used;

	return http_reader_feed(r, p, len, &used);
}

static void
test_bounds(void **state)
{
	char big[600];
	struct http_reader r;

	(void)state;
	/* A request line that does not fit: 414. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	http_reader_init(&r, 256);
	assert_int_equal(feed_all(&r, big, sizeof(big)), HTTP_EV_BAD_LINE);
	http_reader_fini(&r);
	/* The same, arriving in two pieces (carry path). */
	http_reader_init(&r, 256);
	assert_int_equal(feed_all(&r, big, 100), HTTP_EV_NEED_MORE);
	assert_int_equal(feed_all(&r, big + 100, 500), HTTP_EV_BAD_LINE);
	http_reader_fini(&r);
	/* A whole head, then more body than a head's bound without a line
	 * end (the one-pass parse searches a line end within the bound
	 * only): the head is reported, with what it consumed. */
	{
		static const char head[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
		char piece[600];
		struct http_request req;
		uint32_t used;
		int st = -1;

		memset(piece, 'x', sizeof(piece));
		memcpy(piece, head, sizeof(head) - 1);
		http_reader_init(&r, 256);
		assert_int_equal(http_reader_feed_request(&r, piece,
							  sizeof(piece), &used,
							  &req, &st),
				 HTTP_EV_HEAD);
		assert_int_equal(used, sizeof(head) - 1);
		assert_int_equal(st, 0);
		http_reader_fini(&r);
	}
	/* Fields that do not fit: 431. */
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	http_reader_init(&r, 256);
	assert_int_equal(feed_all(&r, big, sizeof(big)), HTTP_EV_TOO_LONG);
	http_reader_fini(&r);
}

static void
test_chunk_errors(void **state)
{
	static const char *bad[] = {
		"zz\r\n", "\r\n", "5\rx", "5\r\nhelloX", "0\r\nX-T: 1\rq",
		"fffffffffffffffffff\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_reader r;
		enum http_ev ev;

		http_reader_init(&r, 256);
		assert_int_equal(feed_all(&r, "GET / HTTP/1.1\r\n\r\n", 18),
				 HTTP_EV_HEAD);
		http_reader_set_body(&r, HTTP_BODY_CHUNKED, 0);
		ev = feed_all(&r, bad[i], (uint32_t)strlen(bad[i]));
		if (ev != HTTP_EV_BAD_CHUNK)
			fail_msg("case %zu: event %d", i, (int)ev);
		http_reader_fini(&r);
	}
}

/*
 * @p head fed to http_reader_feed_response() in one piece with a body
 * after it: @return what it says of the head (-2: no head event, or
 * it did not end where the head does).
 */
static int
fused_response(const char *head, bool head_req, struct http_response *resp)
{
	static const char body[] = "<p>\n</p>";
	char buf[512];
	size_t hlen = strlen(head);
	struct http_reader r;
	uint32_t used;
	int rc = -2;

	assert_true(hlen + sizeof(body) <= sizeof(buf));
	memcpy(buf, head, hlen);
	memcpy(buf + hlen, body, sizeof(body));
	http_reader_init(&r, 256);
	if (http_reader_feed_response(&r, buf, (uint32_t)(hlen + sizeof(body)),
				      &used, head_req, resp, &rc) !=
	    HTTP_EV_HEAD || used != hlen)
		rc = -2;
	http_reader_fini(&r);
	return rc;
}

static void
test_responses(void **state)
{
	static const struct {
		const char *head;
		bool head_req;
		int rc;
		int status;
		enum http_body body;
		bool keep_alive;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, 0, 200,
		  HTTP_BODY_LENGTH, true },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false,
		  0, 200, HTTP_BODY_CHUNKED, true },
		{ "HTTP/1.1 200 OK\r\n\r\n", false, 0, 200, HTTP_BODY_TO_EOF,
		  false },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", true, 0, 200,
		  HTTP_BODY_NONE, true },
		{ "HTTP/1.1 204 No Content\r\n\r\n", false, 0, 204,
		  HTTP_BODY_NONE, true },
		{ "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, 0, 200,
		  HTTP_BODY_LENGTH, false },
		{ "HTTP/1.0 200\r\nConnection: Keep-Alive\r\n"
		  "Content-Length: 0\r\n\r\n", false, 0, 200, HTTP_BODY_LENGTH,
		  true },
		{ "HTTP/1.1 2x0 OK\r\n\r\n", false, -1, 0, HTTP_BODY_NONE,
		  false },
		/* "OK" and its line end are compared whole: the line ends
		 * and reason phrases around that comparison. */
		{ "HTTP/1.1 200 OK\nContent-Length: 3\n\n", false, 0, 200,
		  HTTP_BODY_LENGTH, true },
		{ "HTTP/1.1 200 OKAY\r\nContent-Length: 3\r\n\r\n", false, 0,
		  200, HTTP_BODY_LENGTH, true },
		{ "HTTP/1.1 200 OK \r\nContent-Length: 3\r\n\r\n", false, 0,
		  200, HTTP_BODY_LENGTH, true },
		{ "HTTP/1.1 200 \r\nContent-Length: 3\r\n\r\n", false, 0,
		  200, HTTP_BODY_LENGTH, true },
		{ "HTTP/1.1 200 OK\rContent-Length: 3\r\n\r\n", false, -1, 0,
		  HTTP_BODY_NONE, false },
		{ "HTTP/1.1 200 O\x01\r\nContent-Length: 3\r\n\r\n", false, -1,
		  0, HTTP_BODY_NONE, false },
		{ "HTTP/1.1 200OK\r\nContent-Length: 3\r\n\r\n", false, -1, 0,
		  HTTP_BODY_NONE, false },
		{ "HTTP/1.1 200\tOK\r\nContent-Length: 3\r\n\r\n", false, -1,
		  0, HTTP_BODY_NONE, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_response resp;
		int rc = http_parse_response(cases[i].head,
					     (uint32_t)strlen(cases[i].head),
					     cases[i].head_req, &resp);

		struct http_response fresp;
		int frc = fused_response(cases[i].head, cases[i].head_req,
					 &fresp);

		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(frc, cases[i].rc);
		if (rc != 0)
			continue;
		assert_int_equal(resp.status, cases[i].status);
		assert_int_equal(resp.body, cases[i].body);
		assert_int_equal(resp.keep_alive, cases[i].keep_alive);
		assert_memory_equal(&fresp, &resp, sizeof(resp));
	}
}

/*
 * The status line's SP and three digits, compared as one word: every
 * byte value at each of those four places is taken exactly when it is
 * what RFC 9112 4 asks there (SP, then DIGIT), and the code read back;
 * other versions go the byte-wise way.
 */
static void
test_status_code_bytes(void **state)
{
	static const char *const versions[] = {
		"HTTP/1.1", "HTTP/1.0", "HTTP/1.9", "HTTP/2.0", "HTTP/1.x",
		"HTTQ/1.1", "http/1.1",
	};
	char head[64];

	(void)state;
	for (uint32_t at = 8; at < 12; at++) {
		for (uint32_t b = 0; b < 256; b++) {
			struct http_response resp;
			bool want = at == 8 ? b == ' ' : isdigit((int)b) != 0;
			int rc;

			memcpy(head, "HTTP/1.1 205 OK\r\nContent-Length: 0"
			       "\r\n\r\n", 39);
			head[at] = (char)b;
			rc = http_parse_response(head, 38, false, &resp);
			if ((rc == 0) != want)
				fail_msg("byte 0x%02x at %u: %d", b, at, rc);
			if (rc == 0)
				assert_int_equal(resp.status,
						 (head[9] - '0') * 100 +
						 (head[10] - '0') * 10 +
						 (head[11] - '0'));
		}
	}
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		struct http_response resp;
		int rc;

		snprintf(head, sizeof(head), "%s 200 OK\r\n\r\n",
			 versions[i]);
		rc = http_parse_response(head, (uint32_t)strlen(head), false,
					 &resp);
		assert_int_equal(rc, i < 3 ? 0 : -1);
		if (rc == 0)
			assert_int_equal(resp.version_minor, i == 1 ? 0 : 1);
	}
	/* Too short for a status code. */
	assert_int_equal(http_parse_response("HTTP/1.1 20\n\n", 13, false,
					     &(struct http_response){ 0 }),
			 -1);
}

/*
 * A response's field lines go a loop of their own (content-length read
 * there), which hands anything unusual to the request's field pass:
 * each set of lines below, after a Server line of every length from 1
 * to 40 (every alignment to the sixteen-byte loads), as the whole
 * buffer or followed by a body with line feeds, gets the verdict, the
 * length and the persistence a request with the same lines gets.
 */
static void
test_response_fields_as_requests(void **state)
{
	static const char *const lines[] = {
		"Content-Length: 226\r\n",
		"Content-Length:226\r\n",
		"Content-Length: \t 226 \t\r\n",
		"Content-Length: 2 26\r\n",
		"Content-Length: 22x\r\n",
		"Content-Length: \r\n",
		"Content-Length: 123456789012345678\r\n",
		"Content-Length: 1234567890123456789\r\n",
		"Content-Length: 9876543\r\n",
		"Content-Length: 98765432\r\n",
		"Content-Length: 0000226 \r\n",
		"Content-Length: 0\r\n",
		"Content-Length: 22/\r\n",
		"Content-Length: 22:\r\n",
		"Content-Length: 2\x82\r\n",
		"Content-Length: 22\xb0\r\n",
		"Content-Length: 5\r\nContent-Length: 5\r\n",
		"Content-Length: 5\r\nContent-Length: 6\r\n",
		"content-LENGTH: 7\n",
		"Content-Length : 5\r\n",
		" Content-Length: 5\r\n",
		"Content-Length: 5\r\r\n",
		"Content-Length: 5\r",
		"X: a\r\n b\r\nContent-Length: 1\r\n",
		"X: a\rb\r\nContent-Length: 1\r\n",
		"X: a\x01" "b\r\nContent-Length: 1\r\n",
		"X: a\x7f\r\nContent-Length: 1\r\n",
		"X: caf\xc3\xa9\r\nContent-Length: 1\r\n",
		"X: a\tb\r\nContent-Length: 1\r\n",
		"X:\r\nContent-Length: 1\r\n",
		": a\r\nContent-Length: 1\r\n",
		"X\"Y: v\r\nContent-Length: 1\r\n",
		"X Y: v\r\nContent-Length: 1\r\n",
		"X-A-Field-Name-Of-Thirty-Bytes: v\r\nContent-Length: 2\r\n",
		"X-Sixteen-Bytes!: v\r\nContent-Length: 2\r\n",
		"Content-Lengthy: 4\r\nContent-Length: 3\r\n",
		"Content-Lenght: 4\r\nContent-Length: 3\r\n",
		"Connections: close\r\nContent-Length: 3\r\n",
		"Connection: close\r\nContent-Length: 1\r\n",
		"Connection: keep-alive, Close\r\nContent-Length: 1\r\n",
		"Connectiom: close\r\nContent-Length: 1\r\n",
		"Transfer-Encoding: chunked\r\n",
		"Transfer-Encoding: chunked\r\nContent-Length: 1\r\n",
		"Transfer-Encodinx: chunked\r\nContent-Length: 1\r\n",
		"Date: Sun, 06 Dec 2026 13:38:24 GMT\r\n"
		"Content-Type: text/plain\r\nContent-Length: 110\r\n",
		"Content-Length: 1\r\n\x01\r\n",
		"Content-Length: 1\r\n\x0e: v\r\n",
		"",
	};
	char head[256], buf[320];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		for (int slen = 1; slen <= 40; slen++) {
			struct http_response resp, fresp;
			struct http_request req;
			struct http_reader r;
			int len, st, rc, frc = -2;
			uint32_t used;

			len = snprintf(head, sizeof(head),
				       "GET / HTTP/1.1\r\nHost: a\r\n"
				       "Server: %.*s\r\n%s\r\n", slen,
				       "ssssssssssssssssssssssssssssssssssssssss",
				       lines[i]);
			st = http_parse_request(head, (uint32_t)len, &req);
			/* The same lines after a status line. */
			len = snprintf(head, sizeof(head),
				       "HTTP/1.1 200 OK\r\n"
				       "Server: %.*s\r\n%s\r\n", slen,
				       "ssssssssssssssssssssssssssssssssssssssss",
				       lines[i]);
			rc = http_parse_response(head, (uint32_t)len, false,
						 &resp);
			memcpy(buf, head, (size_t)len);
			memcpy(buf + len, "body\nof twenty-four bytes\n", 26);
			http_reader_init(&r, 256);
			if (http_reader_feed_response(&r, buf,
						      (uint32_t)len + 26,
						      &used, false, &fresp,
						      &frc) != HTTP_EV_HEAD)
				frc = -1;
			else if (frc == 0 && used != (uint32_t)len)
				fail_msg("line %zu, Server %d: head of %u",
					 i, slen, used);
			http_reader_fini(&r);
			if (rc != (st == 0 ? 0 : -1) || frc != rc)
				fail_msg("line %zu, Server %d: %d/%d, "
					 "request %d", i, slen, rc, frc, st);
			if (rc != 0)
				continue;
			assert_memory_equal(&fresp, &resp, sizeof(resp));
			/* A body to the end closes; otherwise the same. */
			assert_int_equal(resp.keep_alive,
					 req.keep_alive &&
					 resp.body != HTTP_BODY_TO_EOF);
			if (req.body == HTTP_BODY_LENGTH)
				assert_int_equal(resp.content_length,
						 req.content_length);
			else if (req.body == HTTP_BODY_CHUNKED)
				assert_int_equal(resp.body, HTTP_BODY_CHUNKED);
		}
	}
}

/*
 * A response head's lines at the ends of its bound: a head that stops
 * after a field line's CRLF (no empty line: refused, nothing read past
 * the bound, which the ASan build checks), a body-less head whose last
 * lines start in its last sixteen bytes, an empty line of a bare LF,
 * HTAB, obs-text and DEL in a value (the usual value scan stops at
 * each), a NUL at every place of a value, and a folded line -- each
 * after a Server line of every length from 1 to 40 (every alignment of
 * the sixteen-byte loads and of each line's CR), parsed alone and fed
 * to the reader with a body behind it.
 */
static void
test_response_line_ends(void **state)
{
	static const struct {
		const char *tail;    /* after "Server: sss...\r\n" */
		int rc;
		enum http_body body;
	} cases[] = {
		{ "Content-Length: 3\r\n", -1, HTTP_BODY_NONE },
		{ "ETag: \"x\"\r\n\r\n", 0, HTTP_BODY_NONE },
		{ "A: b\r\n\r\n", 0, HTTP_BODY_NONE },
		{ "\r\n", 0, HTTP_BODY_NONE },
		{ "\n", 0, HTTP_BODY_NONE },
		{ "A: b\r\n\n", 0, HTTP_BODY_NONE },
		{ "A: b\n\r\n", 0, HTTP_BODY_NONE },
		{ "A: b\r\n c\r\n\r\n", -1, HTTP_BODY_NONE },
		{ "A: b\r\r\n\r\n", -1, HTTP_BODY_NONE },
		{ "A: b\r\n\r", -1, HTTP_BODY_NONE },
		{ "Content-Length: 0\r\n\r\n", 0, HTTP_BODY_NONE },
		{ "Content-Length: 12\r\nA: b\r\n\r\n", 0, HTTP_BODY_LENGTH },
		/* HTAB and obs-text: legal in a value, DEL not. */
		{ "A: b\tc\r\n\r\n", 0, HTTP_BODY_NONE },
		{ "A: caf\xc3\xa9\r\n\r\n", 0, HTTP_BODY_NONE },
		{ "Content-Length:\t12 \t\r\n\r\n", 0, HTTP_BODY_LENGTH },
		{ "Content-Length: 1\t2\r\n\r\n", -1, HTTP_BODY_NONE },
		{ "Content-Length: 12\xb0\r\n\r\n", -1, HTTP_BODY_NONE },
		{ "A: b\x7f\r\n\r\n", -1, HTTP_BODY_NONE },
	};
	char head[128], buf[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int slen = 1; slen <= 40; slen++) {
			/* 304: no body, whatever the fields say; 200 for
			 * the one with a body. */
			const char *status = cases[i].body == HTTP_BODY_NONE ?
					     "304 Not Modified" : "200 OK";
			struct http_response resp, fresp;
			struct http_reader r;
			uint32_t used = 0;
			int len, rc, frc = -2;
			enum http_ev ev;

			len = snprintf(head, sizeof(head), "HTTP/1.1 %s\r\n"
				       "Server: %.*s\r\n%s", status, slen,
				       "ssssssssssssssssssssssssssssssssssssssss",
				       cases[i].tail);
			rc = http_parse_response(head, (uint32_t)len, false,
						 &resp);
			if (rc != cases[i].rc ||
			    (rc == 0 && resp.body != cases[i].body))
				fail_msg("case %zu, Server %d: %d", i, slen,
					 rc);
			memcpy(buf, head, (size_t)len);
			memcpy(buf + len, "body\nof twelve\n", 15);
			http_reader_init(&r, 256);
			ev = http_reader_feed_response(&r, buf,
						       (uint32_t)len + 15,
						       &used, false, &fresp,
						       &frc);
			http_reader_fini(&r);
			if (rc == 0 && (ev != HTTP_EV_HEAD || frc != 0 ||
					used != (uint32_t)len ||
					fresp.body != resp.body))
				fail_msg("case %zu, Server %d: fed %d/%d/%u",
					 i, slen, ev, frc, used);
			if (rc != 0 && ev == HTTP_EV_HEAD && frc == 0)
				fail_msg("case %zu, Server %d: fed, taken",
					 i, slen);
		}
	}
	/* A NUL at every place of a value and of a name: refused. */
	for (int slen = 1; slen <= 40; slen++) {
		for (int at = 0; at < slen + 8; at++) {
			struct http_response resp;
			int len;

			len = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
				       "Server: %.*s\r\nContent-Length: 0\r\n"
				       "\r\n", slen,
				       "ssssssssssssssssssssssssssssssssssssssss");
			head[17 + at] = '\0';
			if (http_parse_response(head, (uint32_t)len, false,
						&resp) != -1)
				fail_msg("NUL at %d, Server %d: taken", at,
					 slen);
		}
	}
}

/* Every pre-rendered response parses back with its own body length. */
static void
test_resp_set(void **state)
{
	struct http_resp_set s;
	char date[HTTP_DATE_LEN + 1] = "";

	(void)state;
	http_format_date(date, 784111777);
	assert_string_equal(date, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(http_resp_set_init(&s, "tern-httpd", NULL, 0, "x/y",
					    784111777), 0);
	for (int k = 0; k < HTTP_RESP_MAX; k++) {
		const struct http_resp *r = &s.r[k];
		struct http_response resp;

		if (k == HTTP_RESP_100) {
			assert_int_equal(http_parse_response(r->buf, r->len,
							     false, &resp), 0);
			assert_int_equal(resp.status, 100);
			continue;
		}
		assert_int_equal(http_parse_response(r->buf, r->hdr_len, false,
						     &resp), 0);
		assert_int_equal(resp.body, HTTP_BODY_LENGTH);
		assert_int_equal(resp.content_length, r->len - r->hdr_len);
		assert_int_equal(resp.keep_alive, !r->close);
		assert_memory_equal(r->buf + r->date_off, date, HTTP_DATE_LEN);
	}
	http_resp_set_date(&s, 784111777 + 86400);
	http_format_date(date, 784111777 + 86400);
	assert_memory_equal(s.r[HTTP_RESP_OK].buf + s.r[HTTP_RESP_OK].date_off,
			    date, HTTP_DATE_LEN);
	assert_int_equal(s.r[HTTP_RESP_OK].len - s.r[HTTP_RESP_OK].hdr_len,
			 sizeof(HTTP_DEFAULT_PAGE) - 1);
	http_resp_set_fini(&s);
}

static void
test_hist(void **state)
{
	struct hist *h = malloc(sizeof(*h));

	(void)state;
	assert_non_null(h);
	hist_init(h);
	for (uint64_t v = 1; v <= 100; v++)
		hist_record(h, v);
	assert_int_equal(hist_count(h), 100);
	assert_int_equal(hist_quantile(h, 0.5), 50);
	assert_int_equal(hist_quantile(h, 0.99), 99);
	assert_int_equal(hist_quantile(h, 1.0), 100);
	hist_init(h);
	/* Large values: within one part in 128, never below the truth. */
	for (uint64_t v = 1000; v < 10000000; v = v * 3 / 2) {
		uint64_t q;

		hist_init(h);
		hist_record(h, v);
		hist_record(h, v + 1);
		q = hist_quantile(h, 0.5);
		assert_true(q >= v && q <= v + v / 128 + 1);
		assert_true(hist_bucket_high(hist_index(v)) >= v);
	}
	/* Exact below 2 * HIST_SUB; above, every value in the one bucket
	 * whose range holds it, at each power of two and either side. */
	for (uint64_t v = 0; v < 2 * HIST_SUB; v++)
		assert_int_equal(hist_index(v), v);
	for (uint32_t k = HIST_SUB_BITS + 1; k < HIST_MAX_BITS; k++) {
		for (uint64_t v = (UINT64_C(1) << k) - 2;
		     v <= (UINT64_C(1) << k) + 2; v++) {
			uint32_t i = hist_index(v);

			assert_true(i > 0 && i < HIST_BUCKETS - 1);
			assert_true(hist_bucket_high(i) >= v);
			assert_true(hist_bucket_high(i - 1) < v);
		}
	}
	assert_int_equal(hist_index(UINT64_C(1) << HIST_MAX_BITS),
			 HIST_BUCKETS - 1);
	assert_int_equal(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	assert_int_equal(hist_index((UINT64_C(1) << HIST_MAX_BITS) - 1),
			 HIST_BUCKETS - 1);
	assert_true(hist_index((UINT64_C(1) << HIST_MAX_BITS) - 1 -
			       (UINT64_C(1) << (HIST_MAX_BITS - 1 -
						HIST_SUB_BITS))) <
		    HIST_BUCKETS - 1);
	/* Above the range: counted, in the last bucket, the max exact. */
	hist_init(h);
	hist_record(h, 7);
	hist_record(h, UINT64_MAX / 2);
	assert_int_equal(hist_count(h), 2);
	assert_int_equal(h->b[HIST_BUCKETS - 1], 1);
	assert_int_equal(h->min, 7);
	assert_true(h->max == UINT64_MAX / 2);
	free(h);
}

/*
 * The status of the request head p[0..len) (NULs allowed), parsed alone
 * and fed whole to the reader with the next request after it; the two
 * must agree.
 */
static int
status_of_bytes(const char *p, size_t len)
{
	static const char next[] = "GET / HTTP/1.1\r\n";
	char buf[600];
	struct http_reader r;
	struct http_request req;
	uint32_t used;
	int st, fst = -1;

	assert_true(len + sizeof(next) <= sizeof(buf));
	st = http_parse_request(p, (uint32_t)len, &req);
	if (len <= 512)
		take_agrees(p, len, st, &req);
	memcpy(buf, p, len);
	memcpy(buf + len, next, sizeof(next) - 1);
	http_reader_init(&r, 512);
	if (http_reader_feed_request(&r, buf,
				     (uint32_t)(len + sizeof(next) - 1),
				     &used, &req, &fst) != HTTP_EV_HEAD ||
	    used != len)
		fst = st == 0 ? -1 : fst;
	http_reader_fini(&r);
	if (st == 0 && fst != 0)
		fail_msg("parsed alone 0, fed whole %d", fst);
	return st;
}

/*
 * Line ends and the bytes that end names and values at every offset of
 * heads up to a few hundred bytes: each 16-byte block boundary (CR at
 * 15, 16, 31, 32, 63, 64, ...) and past the 64 bytes of four blocks. A
 * bare LF ends a line, a bare CR, NUL or DEL in a value or a name is
 * refused, whatever block it falls in.
 */
static void
test_line_end_offsets(void **state)
{
	static const char pre[] = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
	static const unsigned char bad[] = { '\r', 0x00, 0x7f, 0x01 };
	char head[600];

	(void)state;
	for (size_t vlen = 0; vlen < 200; vlen++) {
		size_t at = sizeof(pre) - 1, cr = at + vlen, len;

		memcpy(head, pre, at);
		memset(head + at, 'v', vlen);
		/* "X: v..v\r\nY-Name: w\r\n\r\n": CR of X at offset cr. */
		len = cr + (size_t)snprintf(head + cr, sizeof(head) - cr,
					    "\r\nY-Name: w\r\n\r\n");
		if (status_of_bytes(head, len) != 0)
			fail_msg("CR at %zu: refused", cr);
		/* A bare LF: the same line end. */
		memmove(head + cr, head + cr + 1, len - cr - 1);
		if (status_of_bytes(head, len - 1) != 0)
			fail_msg("bare LF at %zu: refused", cr);
		memmove(head + cr + 1, head + cr, len - cr - 1);
		head[cr] = '\r';
		/* A bare CR: the CR at cr followed by no LF. */
		head[cr + 1] = 'Z';
		if (status_of_bytes(head, len) != 400)
			fail_msg("bare CR at %zu: taken", cr);
		head[cr + 1] = '\n';
		/* A stop byte as the value's last byte, then in the name of
		 * the next line at each of its bytes. */
		for (size_t k = 0; k < sizeof(bad) && vlen > 0; k++) {
			head[cr - 1] = (char)bad[k];
			if (status_of_bytes(head, len) != 400)
				fail_msg("value byte %#x at %zu: taken",
					 bad[k], cr - 1);
			head[cr - 1] = 'v';
		}
		for (size_t i = 0; i < 6; i++) {
			for (size_t k = 0; k < sizeof(bad); k++) {
				char was = head[cr + 2 + i];

				head[cr + 2 + i] = (char)bad[k];
				if (status_of_bytes(head, len) != 400)
					fail_msg("name byte %#x at %zu: taken",
						 bad[k], cr + 2 + i);
				head[cr + 2 + i] = was;
			}
		}
		/* An obs-fold: the next line starts with SP or HTAB. */
		head[cr + 2] = ' ';
		if (status_of_bytes(head, len) != 400)
			fail_msg("fold at %zu: taken", cr + 2);
		head[cr + 2] = '\t';
		if (status_of_bytes(head, len) != 400)
			fail_msg("fold at %zu: taken", cr + 2);
	}
}

/*
 * A response head whose Content-Length line starts at every offset up
 * to past four blocks: its value is read wherever it lies, and the
 * reader parses the same head fed whole or split anywhere.
 */
static void
test_response_offsets(void **state)
{
	char head[400], buf[420];

	(void)state;
	for (size_t slen = 1; slen < 160; slen++) {
		struct http_response resp;
		struct http_reader r;
		uint32_t used;
		int len, rc;

		len = snprintf(head, sizeof(head),
			       "HTTP/1.1 200 OK\r\nServer: %.*s\r\n"
			       "Content-Length: 3\r\n\r\n", (int)slen,
			       "ssssssssssssssssssssssssssssssssssssssss"
			       "ssssssssssssssssssssssssssssssssssssssss"
			       "ssssssssssssssssssssssssssssssssssssssss"
			       "ssssssssssssssssssssssssssssssssssssssss");
		assert_int_equal(http_parse_response(head, (uint32_t)len,
						     false, &resp), 0);
		assert_int_equal(resp.body, HTTP_BODY_LENGTH);
		assert_int_equal(resp.content_length, 3);
		for (int split = 0; split < len; split++) {
			memcpy(buf, head, (size_t)len);
			memcpy(buf + len, "abc", 3);
			http_reader_init(&r, 512);
			rc = -2;
			used = 0;
			if (split > 0 &&
			    http_reader_feed_response(&r, buf, (uint32_t)split,
						      &used, false, &resp,
						      &rc) == HTTP_EV_HEAD)
				fail_msg("head before its end at %d", split);
			assert_int_equal(used, (uint32_t)split);
			if (http_reader_feed_response(&r, buf + split,
						      (uint32_t)(len + 3 -
								 split),
						      &used, false, &resp,
						      &rc) != HTTP_EV_HEAD ||
			    rc != 0 || used != (uint32_t)(len - split) ||
			    resp.content_length != 3)
				fail_msg("Server of %zu split at %d", slen,
					 split);
			http_reader_fini(&r);
		}
	}
}

/*
 * The last field line's value in the sixteen bytes ending a head that
 * has nothing after it (the response scan's overlapping tail load):
 * each byte of it replaced by one a value may hold (HTAB, obs-text, a
 * letter) keeps the head and its Content-Length; by one it may not
 * (NUL, DEL, a bare CR or LF) fails it. Heap copies of exactly the
 * head's size: ASan sees any read past it.
 */
static void
test_response_value_tail(void **state)
{
	static const unsigned char ok[] = { '\t', 0x80, 0xff, 'a', ' ' };
	static const unsigned char bad[] = { 0x00, 0x7f, '\r', 0x1f };
	char head[160];

	(void)state;
	for (int pad = 0; pad < 40; pad++) {
		int len = snprintf(head, sizeof(head),
				   "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"
				   "X-Tail: v%.*s\r\n\r\n", pad,
				   "0123456789012345678901234567890123456789");
		size_t vat = (size_t)len - 4 - (size_t)pad;

		for (size_t i = vat; i < (size_t)len - 4; i++) {
			for (size_t k = 0; k < sizeof(ok) + sizeof(bad); k++) {
				bool good = k < sizeof(ok);
				struct http_response resp;
				char *h = malloc((size_t)len);
				int rc;

				assert_non_null(h);
				memcpy(h, head, (size_t)len);
				h[i] = (char)(good ? ok[k] : bad[k - sizeof(ok)]);
				rc = http_parse_response(h, (uint32_t)len, false,
							 &resp);
				if (rc != (good ? 0 : -1) ||
				    (good && resp.content_length != 7))
					fail_msg("pad %d byte %zu = %#x: rc %d",
						 pad, i, (unsigned char)h[i], rc);
				free(h);
			}
		}
	}
}

/*
 * The names acted on are compared a word at a time, folded to lower
 * case: each in any case is that field, and each with any one byte
 * changed (to another letter, or '-' to '_') is some other field.
 */
static void
test_name_words(void **state)
{
	static const struct {
		const char *name;
		const char *value;      /* refused or noticed when matched */
	} names[] = {
		{ "host", "b" },                  /* a second Host: 400 */
		{ "expect", "100-continue" },
		{ "connection", "close" },
		{ "content-length", "x" },        /* not digits: 400 */
		{ "transfer-encoding", "gzip" },  /* not chunked: 400 */
	};
	char head[256], name[32];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].name);

		for (size_t at = 0; at <= n; at++) {
			for (int change = 0; change < 2; change++) {
				struct http_request req;
				bool matched;
				int st;

				memcpy(name, names[i].name, n + 1);
				if (at < n && change == 0)
					name[at] = (char)toupper(name[at]);
				else if (at < n)
					name[at] = name[at] == '-' ? '_' :
						   name[at] == 'z' ? 'a' :
						   (char)(name[at] + 1);
				else if (change == 1)
					continue;
				snprintf(head, sizeof(head),
					 "POST / HTTP/1.1\r\nHost: a\r\n"
					 "Content-Length: 0\r\n%s: %s\r\n\r\n",
					 name, names[i].value);
				st = http_parse_request(head,
							(uint32_t)strlen(head),
							&req);
				if (i == 1)
					matched = st == 0 &&
						  req.expect_continue;
				else if (i == 2)
					matched = st == 0 && !req.keep_alive;
				else
					matched = st == 400;
				if (i == 1 && st == 0 && !matched) {
					/* No body: Expect is moot; ask with
					 * one. */
					snprintf(head, sizeof(head),
						 "POST / HTTP/1.1\r\nHost: a\r\n"
						 "Content-Length: 1\r\n"
						 "%s: %s\r\n\r\n", name,
						 names[i].value);
					st = http_parse_request(head,
						(uint32_t)strlen(head), &req);
					matched = st == 0 &&
						  req.expect_continue;
				}
				if (matched != (change == 0))
					fail_msg("%s: matched %d", name,
						 matched);
			}
		}
	}
}

/*
 * Two responses, the first split anywhere, the second in the same piece
 * as the end of the first; each head's body taken as tern-load takes
 * it (set_body_at_hand(), then feeds while it says the body is not at
 * hand): both complete, whatever the split, with every body byte
 * counted once and nothing of the second taken by the first.
 */
static void
test_body_at_hand(void **state)
{
	static const char two[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
		"HTTP/1.1 204 No Content\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"3\r\nabc\r\n0\r\n\r\n";
	const uint32_t len = sizeof(two) - 1;

	(void)state;
	for (uint32_t split = 0; split <= len; split++) {
		const char *piece[2] = { two, two + split };
		uint32_t plen[2] = { split, len - split };
		uint32_t done = 0, at_hand = 0, body_bytes = 0;
		struct http_reader r;

		http_reader_init(&r, 256);
		for (int k = 0; k < 2; k++) {
			uint32_t off = 0, used;
			bool body = false;

			for (;;) {
				struct http_response resp;
				int rc = -1;
				enum http_ev ev = body ?
					http_reader_feed(&r, piece[k] + off,
							 plen[k] - off,
							 &used) :
					http_reader_feed_response(&r,
						piece[k] + off, plen[k] - off,
						&used, false, &resp, &rc);

				off += used;
				body = false;
				if (ev == HTTP_EV_NEED_MORE)
					break;
				if (ev == HTTP_EV_HEAD) {
					assert_int_equal(rc, 0);
					if (http_reader_set_body_at_hand(&r,
						resp.body, resp.content_length,
						plen[k] - off, &used)) {
						off += used;
						body_bytes += used;
						at_hand++;
						done++;
					} else {
						assert_int_equal(used, 0);
						body = true;
					}
					continue;
				}
				assert_int_equal(ev, HTTP_EV_DONE);
				body_bytes += (uint32_t)r.body_bytes;
				done++;
			}
			assert_int_equal(off, plen[k]);
		}
		if (done != 4 || body_bytes != 5 + 3 || !http_reader_idle(&r))
			fail_msg("split %u: %u done, %u body bytes", split,
				 done, body_bytes);
		/* Whole: the three bodies by length or none are at hand. */
		if (split == 0 && at_hand != 3)
			fail_msg("whole: %u at hand", at_hand);
		http_reader_fini(&r);
	}
}

/* http_reader_take_response(), or with @p memo its memo's variant. */
static uint32_t
take_response(struct http_reader *r, struct http_resp_memo *memo,
	      const char *p, uint32_t len, struct http_response *resp,
	      bool *complete)
{
	if (memo != NULL)
		return http_reader_take_response_memo(r, memo, p, len, false,
						      resp, complete);
	return http_reader_take_response(r, p, len, false, resp, complete);
}

/*
 * tern-load's way: the usual response taken in one step
 * (http_reader_take_response(), or its memo's variant with @p memo),
 * anything else by http_reader_feed() and http_parse_response(). Five
 * responses, an interim one among them, the first split anywhere and
 * the rest in the second piece: each complete once (the interim one
 * never counts), every body byte once, the reader idle at the end;
 * whole, the four without a chunked body are taken in one step each,
 * and a piece cut inside a head is left untaken with the reader
 * unchanged.
 */
static void
take_response_stream(struct http_resp_memo *memo)
{
	static const char all[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
		"HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 204 No Content\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"3\r\nabc\r\n0\r\n\r\n";
	const uint32_t len = sizeof(all) - 1;

	for (uint32_t split = 0; split <= len; split++) {
		const char *piece[2] = { all, all + split };
		uint32_t plen[2] = { split, len - split };
		uint32_t done = 0, taken = 0, interim = 0, body_bytes = 0;
		struct http_reader r;

		http_reader_init(&r, 256);
		for (int k = 0; k < 2; k++) {
			uint32_t off = 0, used;

			for (;;) {
				const char *p = piece[k] + off;
				struct http_response resp;
				uint32_t hlen = 0;
				bool complete = false;
				enum http_ev ev;

				used = take_response(&r, memo, p,
					plen[k] - off, &resp, &complete);
				if (used != 0) {
					off += used;
					taken++;
					if (resp.status < 200) {
						assert_true(complete);
						interim++;
					} else if (complete) {
						body_bytes +=
							(uint32_t)r.body_bytes;
						done++;
					}
					continue;
				}
				ev = http_reader_feed(&r, p, plen[k] - off,
						      &used);
				off += used;
				if (ev == HTTP_EV_NEED_MORE)
					break;
				if (ev == HTTP_EV_DONE) {
					body_bytes += (uint32_t)r.body_bytes;
					done++;
					continue;
				}
				assert_int_equal(ev, HTTP_EV_HEAD);
				p = http_reader_head(&r, &hlen);
				assert_int_equal(http_parse_response(p, hlen,
					false, &resp), 0);
				if (resp.status < 200) {
					http_reader_next_head(&r);
					interim++;
					continue;
				}
				http_reader_set_body(&r, resp.body,
						     resp.content_length);
			}
			assert_int_equal(off, plen[k]);
		}
		if (done != 4 || interim != 1 || body_bytes != 5 + 3 ||
		    !http_reader_idle(&r))
			fail_msg("split %u: %u done, %u interim, %u body bytes",
				 split, done, interim, body_bytes);
		/* Whole: all but the chunked one in one step each. */
		if (split == 0 && taken != 5)
			fail_msg("whole: %u taken", taken);
		http_reader_fini(&r);
	}
}

static void
test_take_response(void **state)
{
	(void)state;
	take_response_stream(NULL);
}

/*
 * tern-load's way with the memo: the same stream split everywhere, one
 * memo kept across all the splits (whatever head it holds, the events
 * are the same), and the repeated head taken by its compare. A head
 * that differs from the memo's in one byte gets its own verdict: another
 * length, or malformed (declined); the memo's bytes at the start of a
 * body, of a piece too short, or of a reader whose bound they exceed,
 * are not taken as the memo's head.
 */
static void
test_take_response_memo(void **state)
{
	static const char ok5[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	static const char ok6[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!";
	static const char bad[] =
		"HTTP/1.1 200 OK\r\nContent-Length  5\r\n\r\nhello";
	static const char close5[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		"Connection: close\r\n\r\nhello";
	const uint32_t head5 = sizeof(ok5) - 1 - 5;
	struct http_resp_memo memo = { 0 };
	struct http_reader r, other;
	struct http_response out;
	char body_head[64];
	bool complete = false;
	uint64_t hits;
	uint32_t used;

	(void)state;
	take_response_stream(&memo);
	assert_true(memo.len > 0);

	memset(&memo, 0, sizeof(memo));
	http_reader_init(&r, 256);
	/* Parsed, then kept; the same head again is compared. */
	assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1, &out,
				       &complete), sizeof(ok5) - 1);
	assert_int_equal(memo.len, head5);
	assert_int_equal(memo.hits, 0);
	for (int i = 0; i < 3; i++) {
		out = (struct http_response){ 0 };
		complete = false;
		assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1,
					       &out, &complete),
				 sizeof(ok5) - 1);
		assert_true(complete);
		assert_int_equal(out.status, 200);
		assert_true(out.keep_alive);
		assert_int_equal(out.content_length, 5);
		assert_int_equal(r.body_bytes, 5);
	}
	assert_int_equal(memo.hits, 3);
	/* One byte else: its own length, and then the memo. */
	assert_int_equal(take_response(&r, &memo, ok6, sizeof(ok6) - 1, &out,
				       &complete), sizeof(ok6) - 1);
	assert_int_equal(out.content_length, 6);
	assert_int_equal(memo.hits, 3);
	assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1, &out,
				       &complete), sizeof(ok5) - 1);
	assert_int_equal(out.content_length, 5);
	assert_int_equal(memo.hits, 3);
	/* The memo's head with a field more: its own verdict. */
	assert_int_equal(take_response(&r, &memo, close5, sizeof(close5) - 1,
				       &out, &complete), sizeof(close5) - 1);
	assert_false(out.keep_alive);
	assert_int_equal(memo.hits, 3);
	/* One byte else, malformed: declined, the memo unchanged. */
	assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1, &out,
				       &complete), sizeof(ok5) - 1);
	hits = memo.hits;
	assert_int_equal(take_response(&r, &memo, bad, sizeof(bad) - 1, &out,
				       &complete), 0);
	assert_int_equal(memo.len, head5);
	assert_int_equal(memo.hits, hits);
	assert_true(http_reader_idle(&r));
	/* Cut inside the head: nothing taken. */
	assert_int_equal(take_response(&r, &memo, ok5, head5 - 1, &out,
				       &complete), 0);
	assert_true(http_reader_idle(&r));
	/* The memo's bytes as the body of another reader (one memo is
	 * shared by a load's readers): a body, not a head. */
	snprintf(body_head, sizeof(body_head),
		 "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", head5);
	http_reader_init(&other, 256);
	assert_int_equal(take_response(&other, &memo, body_head,
				       (uint32_t)strlen(body_head), &out,
				       &complete), strlen(body_head));
	assert_false(complete);
	assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1, &out,
				       &complete), sizeof(ok5) - 1);
	assert_int_equal(memo.len, head5);
	hits = memo.hits;
	assert_int_equal(take_response(&other, &memo, ok5, sizeof(ok5) - 1,
				       &out, &complete), 0);
	assert_int_equal(http_reader_feed(&other, ok5, sizeof(ok5) - 1,
					  &used), HTTP_EV_DONE);
	assert_int_equal(used, head5);
	assert_int_equal(memo.hits, hits);
	http_reader_fini(&other);
	http_reader_fini(&r);
	/* Beyond a reader's bound: not taken. */
	http_reader_init(&r, 16);
	assert_int_equal(take_response(&r, &memo, ok5, sizeof(ok5) - 1, &out,
				       &complete), 0);
	assert_int_equal(memo.hits, hits);
	http_reader_fini(&r);
}

/* Two readers given the same piece, one parsing, one with the memo:
 * the same bytes taken, verdict, completeness and reader state. */
static void
twin_take(struct http_reader *plain, struct http_reader *memod,
	  struct http_resp_memo *memo, const char *p, uint32_t len,
	  bool head_request)
{
	struct http_response a = { 0 }, b = { 0 };
	bool ca = false, cb = false;
	uint32_t na = http_reader_take_response(plain, p, len, head_request,
						&a, &ca);
	uint32_t nb = http_reader_take_response_memo(memod, memo, p, len,
						     head_request, &b, &cb);

	assert_int_equal(na, nb);
	if (na != 0) {
		assert_int_equal(ca, cb);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	assert_int_equal(plain->phase, memod->phase);
	assert_int_equal(plain->body_left, memod->body_left);
	assert_int_equal(plain->body_bytes, memod->body_bytes);
	assert_int_equal(plain->carry_len, memod->carry_len);
}

/*
 * The memo beside the parse on pieces that test its conditions, each
 * given twice (the second time the memo holds the first's head): empty
 * lines before a head, a HEAD request's response after a GET's, a head
 * longer than the memo keeps, a head exactly as long as the reader's
 * bound and one byte longer, a body that is not in the piece, and
 * 1xx, chunked, Connection: close, HTTP/1.0. Every take must agree.
 */
static void
test_take_response_memo_twin(void **state)
{
	char longhead[400];
	const char *const pieces[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello",
		"HTTP/1.1 100 Continue\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		"Connection: close\r\n\r\nhello",
		"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
		longhead,
	};
	const uint32_t ok5_head = 38;   /* the first piece's head */

	(void)state;
	snprintf(longhead, sizeof(longhead),
		 "HTTP/1.1 200 OK\r\nX-Pad: %0300d\r\n"
		 "Content-Length: 0\r\n\r\n", 0);
	for (int bound = 0; bound < 3; bound++) {
		/* The default bound, the first head's length exactly, and
		 * one byte short of it. */
		uint32_t max_head = bound == 0 ? 0 : ok5_head + 1 - (uint32_t)bound;
		struct http_resp_memo memo = { 0 };
		struct http_reader plain, memod;

		for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]);
		     i++) {
			for (int twice = 0; twice < 2; twice++) {
				for (int head = 0; head < 2; head++) {
					http_reader_init(&plain, max_head);
					http_reader_init(&memod, max_head);
					twin_take(&plain, &memod, &memo, pieces[i],
						  (uint32_t)strlen(pieces[i]),
						  head == 1);
					http_reader_fini(&plain);
					http_reader_fini(&memod);
				}
			}
		}
		/* The bound's cases: taken whole with the default bound and
		 * at its length exactly, never above it. */
		http_reader_init(&memod, max_head);
		assert_int_equal(http_reader_take_response_memo(&memod, &memo,
			pieces[0], (uint32_t)strlen(pieces[0]), false,
			&(struct http_response){ 0 }, &(bool){ false }),
			bound < 2 ? strlen(pieces[0]) : 0);
		http_reader_fini(&memod);
	}
}

/* A head cut short, or not collecting a head: nothing taken. */
static void
test_take_response_declines(void **state)
{
	static const char resp[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct http_response out;
	struct http_reader r;
	bool complete = false;
	uint32_t used;

	(void)state;
	http_reader_init(&r, 256);
	/* Cut after the status line: no empty line yet. */
	assert_int_equal(http_reader_take_response(&r, resp, 17, false, &out,
						   &complete), 0);
	assert_true(http_reader_idle(&r));
	/* A body longer than the piece: the head taken, the body to come. */
	assert_int_equal(http_reader_take_response(&r, resp, sizeof(resp) - 3,
						   false, &out, &complete),
			 sizeof(resp) - 1 - 5);
	assert_false(complete);
	assert_false(http_reader_idle(&r));
	/* Collecting a body: not taken as a head. */
	assert_int_equal(http_reader_take_response(&r, "hello", 5, false, &out,
						   &complete), 0);
	assert_int_equal(http_reader_feed(&r, "hello", 5, &used),
			 HTTP_EV_DONE);
	assert_int_equal(used, 5);
	/* Too long for the head bound. */
	http_reader_init(&r, 16);
	assert_int_equal(http_reader_take_response(&r, resp, sizeof(resp) - 1,
						   false, &out, &complete), 0);
	assert_true(http_reader_idle(&r));
	http_reader_fini(&r);
}

/* The names of the fields acted on are recognised by word comparisons
 * before any byte-class scan: a byte that is no tchar (a CR where the
 * '-' is, a space before the colon, a control) anywhere in one still
 * makes the head malformed, with a value that would be taken if the
 * name were. */
static void
test_known_name_bad_bytes(void **state)
{
	static const struct {
		const char *name;
		const char *value;
	} names[] = {
		{ "Host", "a" },
		{ "Expect", "100-continue" },
		{ "Connection", "close" },
		{ "Content-Length", "1" },
		{ "Transfer-Encoding", "chunked" },
	};
	static const char bad[] = { '\r', ' ', '\t', 0x01, 0x7f, '\n' };
	char head[256], name[32];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].name);

		for (size_t at = 0; at < n; at++) {
			for (size_t b = 0; b < sizeof(bad); b++) {
				struct http_request req;
				int len, st;

				memcpy(name, names[i].name, n + 1);
				name[at] = bad[b];
				len = snprintf(head, sizeof(head),
					       "POST / HTTP/1.1\r\n%s: %s\r\n"
					       "%s\r\n\r\n", name,
					       names[i].value,
					       i == 0 ? "X: y"
						      : "Host: b");
				st = http_parse_request(head, (uint32_t)len,
							&req);
				if (st != 400)
					fail_msg("%zu %zu %d: status %d", i,
						 at, bad[b], st);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_whole),
		cmocka_unit_test(test_pipeline_bytewise),
		cmocka_unit_test(test_pipeline_every_split),
		cmocka_unit_test(test_take_request),
		cmocka_unit_test(test_take_edges),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_scan_positions),
		cmocka_unit_test(test_line_end_offsets),
		cmocka_unit_test(test_response_offsets),
		cmocka_unit_test(test_name_words),
		cmocka_unit_test(test_known_name_bad_bytes),
		cmocka_unit_test(test_field_case),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_chunk_errors),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_response_fields_as_requests),
		cmocka_unit_test(test_response_line_ends),
		cmocka_unit_test(test_status_code_bytes),
		cmocka_unit_test(test_body_at_hand),
		cmocka_unit_test(test_take_response),
		cmocka_unit_test(test_take_response_declines),
		cmocka_unit_test(test_take_response_memo),
		cmocka_unit_test(test_take_response_memo_twin),
		cmocka_unit_test(test_response_value_tail),
		cmocka_unit_test(test_resp_set),
		cmocka_unit_test(test_hist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
