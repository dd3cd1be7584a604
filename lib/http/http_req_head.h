/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_REQ_HEAD_H
#define TERN_HTTP_REQ_HEAD_H

/*
 * Inside lib/http: the request head's one-pass parse (RFC 9112), inline
 * so that httpd's receive path takes the usual request without a call
 * (the take's call, prologue and epilogue cost some 20 instructions a
 * request); http.c builds the library's entry points and the response's
 * general parse from the same pieces.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "http_class.h"
#include "http_prefix.h"
#include "http_value.h"

/* ---- heads ----
 *
 * One pass over the head, byte classes from a table: a request head of
 * a few dozen bytes costs a few instructions per byte, with no second
 * scan for line ends, carriage returns or colons.
 */

/*
 * A cursor over the head. Every head ends with a line feed (the reader
 * cut it there; the parsers check it first), a byte no class contains:
 * it stops every scan, so the scans need no bounds checks.
 */
struct scan {
	const unsigned char *p;
	const unsigned char *begin;
	const unsigned char *end;
};

static inline bool
scan_init(struct scan *s, const char *p, uint32_t len)
{
	s->p = (const unsigned char *)p;
	s->begin = s->p;
	s->end = s->p + len;
	return len > 0 && s->end[-1] == '\n';
}

/* The first byte at or after @p p not of class @p k (the final LF
 * stops every class). */
static inline const unsigned char *
skip_class(const unsigned char *p, enum char_class k)
{
	while (is(p[0], k) && is(p[1], k))
		p += 2;
	return p + is(p[0], k);
}

/*
 * skip(s, C_FIELD) eight bytes at a time while eight are left: a field
 * value is mostly visible ASCII, and the bytes that end it are those
 * below 0x20 (HTAB excepted) and 0x7f. With the high bit of each byte
 * cleared first, adding 0x60 sets it exactly in the bytes from 0x20 up
 * and adding 0x01 exactly in 0x7f: no sum carries into the next byte,
 * so every byte's flag is its own and the first stop byte is at the
 * lowest flag (obs-text, high bit set, never stops). Only an HTAB there
 * goes on scanning.
 */
static inline const unsigned char *
field_value_end(const unsigned char *p, const unsigned char *end)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t highs = ones * 0x80;

	while (end - p >= 8) {
		uint64_t x = load_le64(p);
		uint64_t low7 = x & ~highs;
		uint64_t stop = (~(low7 + ones * 0x60) | (low7 + ones)) & ~x &
				highs;

		if (stop == 0) {
			p += 8;
			continue;
		}
		p += (uint32_t)__builtin_ctzll(stop) / 8;
		if (*p != '\t')
			return p;
		p++;
	}
	return skip_class(p, C_FIELD);
}

/*
 * The first byte at or after @p p not of class @p k, sixteen at a time:
 * the last (fewer than sixteen) from the sixteen ending the head, so
 * that no load leaves it; the final LF stops every class, so a stop is
 * always found. Heads under sixteen bytes go byte by byte.
 */
static inline const unsigned char *
class_end(const struct scan *s, const unsigned char *p, enum char_class k)
{
#ifdef HTTP_SIMD
	uint32_t stop;

	while (s->end - p >= 16) {
		stop = stop_bits(load16(p), k);
		if (stop != 0)
			return p + __builtin_ctz(stop);
		p += 16;
	}
	if (s->end - s->begin >= 16) {
		stop = stop_bits(load16(s->end - 16), k) >>
		       (16 - (s->end - p));
		return p + __builtin_ctz(stop);
	}
#endif
	if (k == C_FIELD)
		return field_value_end(p, s->end);
	return skip_class(p, k);
}

/* Skip bytes of class @p k; @return how many. */
static inline uint32_t
skip(struct scan *s, enum char_class k)
{
	const unsigned char *start = s->p;

	s->p = class_end(s, start, k);
	return (uint32_t)(s->p - start);
}

static inline void
skip_field_value(struct scan *s)
{
	s->p = class_end(s, s->p, C_FIELD);
}

/* A line ending at @p p: CRLF (in one comparison), or a bare LF (RFC
 * 9112 2.2). A CR not followed by LF is a bare CR, rejected. (A CR is
 * never the last byte, so reading the one after it stays inside the
 * head.) @return the byte after it, or NULL when no line ends here. */
static inline const unsigned char *
line_end(const unsigned char *p)
{
	uint16_t got, crlf;

	if (*p == '\r') {
		memcpy(&got, p, sizeof(got));
		memcpy(&crlf, "\r\n", sizeof(crlf));
		return got == crlf ? p + 2 : NULL;
	}
	return *p == '\n' ? p + 1 : NULL;
}

static inline bool
eol(struct scan *s)
{
	const unsigned char *next = line_end(s->p);

	if (next == NULL)
		return false;
	s->p = next;
	return true;
}

/* "HTTP/1.x": @return the minor version, -1 malformed, -2 not HTTP/1.
 * "HTTP" in one 4-byte comparison: a memcmp() call cost more than the
 * rest of the version. Inline: a call cost a third of it. */
static inline int
parse_version(const unsigned char *p, const unsigned char *end)
{
	uint32_t got, want;

	if (end - p < 8)
		return -1;
	memcpy(&got, p, sizeof(got));
	memcpy(&want, "HTTP", sizeof(want));
	if (got != want || p[4] != '/' ||
	    p[6] != '.' || !is(p[5], C_DIGIT) || !is(p[7], C_DIGIT))
		return -1;
	if (p[5] != '1')
		return -2;
	return p[7] - '0';
}

/* Eight name bytes from @p p, letters folded to lower case (a tchar
 * ORed with 0x20 is a lower-case letter only when it was that letter in
 * either case, and '-' stays '-'), against the first eight of @p lit. */
static inline bool
word_is(const unsigned char *p, const char *lit)
{
	return (load_le64(p) | UINT64_C(0x2020202020202020)) ==
	       load_le64((const unsigned char *)lit);
}

/*
 * Is the name p[0..n) (tchars) the lower-case @p lit of the same length
 * (4, 6, or 8 to 16)? Two word comparisons at most, overlapping where
 * the length is no multiple of the word, none reading outside either.
 */
static inline bool
name_is(const unsigned char *p, uint32_t n, const char *lit)
{
	uint32_t a, b;

	switch (n) {
	case 4:
		memcpy(&a, p, sizeof(a));
		memcpy(&b, lit, sizeof(b));
		return (a | 0x20202020u) == b;
	case 6:
		/* The first four and the last four. */
		memcpy(&a, p, sizeof(a));
		memcpy(&b, lit, sizeof(b));
		if ((a | 0x20202020u) != b)
			return false;
		memcpy(&a, p + 2, sizeof(a));
		memcpy(&b, lit + 2, sizeof(b));
		return (a | 0x20202020u) == b;
	default:
		/* 8 to 16 bytes: the first and the last eight. */
		return word_is(p, lit) && word_is(p + n - 8, lit + n - 8);
	}
}

/* What the fields of a head say about framing and persistence. */
struct fields {
	uint32_t hosts;
	union {
		struct {
			bool has_length;
			bool has_te;
			bool te_chunked;
			bool conn_close;
			bool conn_keep_alive;
			bool expect_continue;
		};
		uint64_t acted;   /* any of them set: one test */
	};
	uint64_t length;
};

/* Is @p p the lower-case @p lit (@p n bytes) and a colon, within the
 * @p left bytes to the head's end? The bytes are no known tchars: ORed
 * with 0x20 a letter matches only itself, but a '-' matches a CR too,
 * so the '-' at @p dash (0: none) is compared exactly. */
static inline bool
known_name_at(const unsigned char *p, size_t left, const char *lit,
	      uint32_t n, uint32_t dash)
{
	return left > n && p[n] == ':' && (dash == 0 || p[dash] == '-') &&
	       name_is(p, n, lit);
}

/* The length of the name at @p p when it is one tern acts on, followed
 * at once by its colon: told by its first letter and word comparisons,
 * no byte-class scan. @return 0 when not: the caller scans the name. */
static inline __attribute__((always_inline)) uint32_t
known_name_len(const unsigned char *p, const unsigned char *end)
{
	size_t left = (size_t)(end - p);

	switch (*p | 0x20) {
	case 'h':
		return known_name_at(p, left, "host", 4, 0) ? 4 : 0;
	case 'c':
		return known_name_at(p, left, "connection", 10, 0) ? 10 :
		       known_name_at(p, left, "content-length", 14, 7) ? 14 : 0;
	case 'e':
		return known_name_at(p, left, "expect", 6, 0) ? 6 : 0;
	case 't':
		return left > 17 && p[17] == ':' && p[8] == '-' &&
		       word_is(p, "transfer") &&
		       name_is(p + 8, 9, "-encoding") ? 17 : 0;
	default:
		return 0;
	}
}

/*
 * Act on one field line: name, and the raw value from after the colon
 * up to the line end (@p vend). Names are told apart by length first
 * (and compared, unless @p named: known_name_len() did); only a field
 * tern acts on has its value trimmed and read.
 */
static inline __attribute__((always_inline)) int
field(struct fields *f, const unsigned char *name, uint32_t name_len,
      const unsigned char *v, const unsigned char *vend, bool named)
{
	uint64_t length;
	uint32_t vlen;

	/* Host, in every request: one compare, no switch. */
	if (named && name_len == 4) {
		f->hosts++;
		return 0;
	}
	switch (name_len) {
	case 4:
		if (named || name_is(name, 4, "host"))
			f->hosts++;
		break;
	case 6:
		if (!named && !name_is(name, 6, "expect"))
			break;
		vlen = trim_ows(&v, vend);
		if (vlen == 12 && name_eq(v, "100-continue", 12))
			f->expect_continue = true;
		break;
	case 10:
		if (!named && !name_is(name, 10, "connection"))
			break;
		vlen = trim_ows(&v, vend);
		f->conn_close |= list_has(v, vlen, "close");
		f->conn_keep_alive |= list_has(v, vlen, "keep-alive");
		break;
	case 14:
		if (!named && !name_is(name, 14, "content-length"))
			break;
		vlen = trim_ows(&v, vend);
		if (parse_length(v, vlen, &length) != 0)
			return -1;
		/* Repeats must agree (RFC 9110 8.6). */
		if (f->has_length && f->length != length)
			return -1;
		f->has_length = true;
		f->length = length;
		break;
	case 17:
		if (!named && !(word_is(name, "transfer") &&
				name_is(name + 8, 9, "-encoding")))
			break;
		vlen = trim_ows(&v, vend);
		f->has_te = true;
		f->te_chunked = list_ends_chunked(v, vlen);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Field lines up to the empty line: name ":" OWS value OWS (RFC 9112 5).
 * No whitespace between name and colon; a line starting with whitespace
 * is obsolete line folding: both rejected (RFC 9112 5.1, 5.2). With
 * @p known_first, the names acted on are tried whole first. A value is
 * checked (field bytes up to its line end) in one scan from the colon:
 * OWS are field bytes too, and only the fields acted on need them cut.
 * @return 0 or -1 malformed.
 */
static inline __attribute__((always_inline)) int
fields_parse(struct scan *s, struct fields *f, bool known_first)
{
	/* Cursors in locals: a byte load may alias s->p, which would keep
	 * the compiler storing and reloading it every step. */
	const unsigned char *p = s->p, *end = s->end, *next;

	memset(f, 0, sizeof(*f));
	for (;;) {
		const unsigned char *name = p, *v;
		uint32_t name_len;
		bool known;

		if (p == end)
			return -1;      /* no empty line */
		/* A byte up to CR: the empty line (CRLF or LF), or a line
		 * refused either way (no name starts with a control). */
		if (*p <= '\r') {
			next = line_end(p);
			if (next == NULL)
				return -1;
			s->p = next;
			return 0;
		}
		name_len = known_first ? known_name_len(p, end) : 0;
		known = name_len != 0;
		if (known) {
			p += name_len;
		} else {
			p = class_end(s, p, C_TCHAR);
			name_len = (uint32_t)(p - name);
			if (name_len == 0 || *p != ':')
				return -1;
		}
		v = p + 1;
		p = class_end(s, v, C_FIELD);
		/* Tried first, a name not known is none acted on: the scan
		 * found the same bytes known_name_len() compared. */
		if ((!known_first || known) &&
		    field(f, name, name_len, v, p, known_first) != 0)
			return -1;
		/* The last line's CRLF and the empty line in one compare:
		 * every head that uses CRLF ends so. */
		if (end - p >= 4 && load_le32(p) ==
				    load_le32((const unsigned char *)"\r\n\r\n")) {
			s->p = p + 4;
			return 0;
		}
		p = line_end(p);
		if (p == NULL)
			return -1;   /* a CTL, a bare CR, or no line end */
	}
}

/* A request's fields: Host is in every HTTP/1.1 request, and the others
 * acted on are common, so their names are tried first. A response's are
 * mostly ones tern does not act on (Server, Date, Content-Type): there
 * trying them first cost more than it saved. Each its own copy; the
 * request's inlined into its one caller, the head parser (a call, and
 * the fields in memory, cost some 20 instructions a request). */
static inline __attribute__((always_inline)) int
parse_request_fields(struct scan *s, struct fields *f)
{
	return fields_parse(s, f, true);
}

/* request-line = method SP request-target SP HTTP-version */
static inline __attribute__((always_inline)) int
parse_request_line(struct scan *s, struct http_request *req)
{
	const unsigned char *method = s->p;
	uint32_t got, get;
	int minor;

	/* The commonest method and target ("GET / ") compared whole: a
	 * scan costs more than the few bytes it would cover. */
	got = 0;
	if (s->end - method >= 8)
		memcpy(&got, method, sizeof(got));
	memcpy(&get, "GET ", sizeof(get));
	if (got == get) {
		s->p += 4;       /* not HEAD: *req is zeroed */
	} else {
		uint32_t mlen = skip(s, C_TCHAR);

		if (mlen == 0 || *s->p++ != ' ')
			return 400;
		req->is_head = mlen == 4 && memcmp(method, "HEAD", 4) == 0;
	}
	if (s->p[0] == '/' && s->p[1] == ' ')
		s->p += 2;
	else if (skip(s, C_TARGET) == 0 || *s->p++ != ' ')
		return 400;
	/* The usual version and line end in one word and one half. */
	if (s->end - s->p >= 10 &&
	    load_le64(s->p) == load_le64((const unsigned char *)"HTTP/1.1") &&
	    line_end(s->p + 8) == s->p + 10) {
		minor = 1;
		s->p += 10;
	} else {
		minor = parse_version(s->p, s->end);
		if (minor < 0)
			return minor == -2 ? 505 : 400;
		s->p += 8;
		if (!eol(s))
			return 400;
	}
	req->version_minor = minor > 0 ? 1 : 0;
	return 0;
}

/* The request head at s; @return 0 or the status it deserves. */
static inline __attribute__((always_inline)) int
parse_request(struct scan *s, struct http_request *req)
{
	struct fields f;
	int rc;

	rc = parse_request_line(s, req);
	if (rc != 0)
		return rc;
	if (parse_request_fields(s, &f) != 0)
		return 400;
	/* The usual request: HTTP/1.1, one Host, no other field acted on
	 * (*req is zeroed: no body, no Expect). */
	if (__builtin_expect(f.hosts == 1 && f.acted == 0 &&
			     req->version_minor == 1, 1)) {
		req->keep_alive = true;
		return 0;
	}
	/* RFC 9112 3.2: exactly one Host in HTTP/1.1; at most one in 1.0. */
	if ((req->version_minor == 1 && f.hosts != 1) || f.hosts > 1)
		return 400;
	/* RFC 9112 6.1 and 6.3: refuse ambiguous framing outright. */
	if (f.has_te && (f.has_length || req->version_minor == 0 ||
			 !f.te_chunked))
		return 400;
	if (f.has_te) {
		req->body = HTTP_BODY_CHUNKED;
	} else if (f.has_length && f.length > 0) {
		req->body = HTTP_BODY_LENGTH;
		req->content_length = f.length;
	} else {
		req->body = HTTP_BODY_NONE;
	}
	req->keep_alive = req->version_minor == 1 ? !f.conn_close
						  : f.conn_keep_alive &&
						    !f.conn_close;
	/* RFC 9110 10.1.1: ignored in HTTP/1.0, and moot without a body. */
	req->expect_continue = f.expect_continue && req->version_minor == 1 &&
			       req->body != HTTP_BODY_NONE;
	return 0;
}

/* The request head at @p p, as http_request_head() gives it: inlined
 * into it and into the usual request's take (one call fewer a request
 * than the reader calling the parser). */
static inline __attribute__((always_inline)) int
request_head(const char *p, uint32_t len, struct http_request *req,
	     uint32_t *head_len)
{
	struct scan s;
	int status;

	memset(req, 0, sizeof(*req));
	if (!scan_init(&s, p, len))
		return 400;
	status = parse_request(&s, req);
	*head_len = (uint32_t)(s.p - (const unsigned char *)p);
	return status;
}

/*
 * http_reader_take_request() (http.h), inline: its one caller on the
 * usual path (httpd's on_recv()) spares the call.
 */
static inline __attribute__((always_inline)) uint32_t
http_take_request(struct http_reader *r, const char *p, uint32_t len,
		  struct http_request *req)
{
	uint32_t n;

	/* A piece holding more than a head's bound (or none) is left to
	 * the general feed, and so is one the prefix parser declines: one
	 * not ending with a line feed, or starting with an empty line (no
	 * request line starts with CR or LF). */
	if (r->phase != PH_HEAD || r->carry_len != 0 || len - 1 >= r->max_head)
		return 0;
	if (request_head(p, len, req, &n) != 0)
		return 0;
	if (req->body != HTTP_BODY_NONE)
		http_reader_set_body(r, req->body, req->content_length);
	return n;
}

#endif /* TERN_HTTP_REQ_HEAD_H */
