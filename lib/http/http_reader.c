/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 message framing (RFC 9112 6): where each message of a byte
 * stream ends -- the head, then a body by Content-Length, chunked or to
 * the end of the connection. See http.h; the heads themselves are
 * parsed in http.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "http_prefix.h"
#include "http_take.h"

/* A chunk larger than this is an attack, not a benchmark (2^60). */
#define HTTP_CHUNK_SIZE_MAX (UINT64_C(1) << 60)

/* http_reader_init() (http.h) zeroes the phase. */
_Static_assert(PH_HEAD == 0, "a zeroed reader collects a head");

void
http_reader_free_carry(struct http_reader *r)
{
	free(r->carry);
	r->carry = NULL;
	r->carry_len = 0;
}

bool
http_reader_idle(const struct http_reader *r)
{
	return r->phase == PH_HEAD && r->carry_len == 0;
}

bool
http_reader_to_eof(const struct http_reader *r)
{
	return r->phase == PH_BODY_EOF;
}

/*
 * Offset just past the empty line ending a head in p[0..len), searching
 * for line feeds from @p from; 0 when the head is not complete yet. A
 * bare LF ends a line as well as CRLF does (RFC 9112 2.2 allows it).
 */
static uint32_t
head_end(const char *p, uint32_t from, uint32_t len)
{
	uint32_t i = from;

	while (i < len) {
		const char *lf = memchr(p + i, '\n', len - i);
		uint32_t k;

		if (lf == NULL)
			return 0;
		k = (uint32_t)(lf - p);
		if (k + 1 < len && p[k + 1] == '\n')
			return k + 2;
		if (k + 2 < len && p[k + 1] == '\r' && p[k + 2] == '\n')
			return k + 3;
		i = k + 1;
	}
	return 0;
}

static enum http_ev
head_overflow(const char *p, uint32_t len)
{
	/* Not even the first line fits: the request target is too long. */
	return memchr(p, '\n', len) == NULL ? HTTP_EV_BAD_LINE
					    : HTTP_EV_TOO_LONG;
}

static enum http_ev
head_found(struct http_reader *r, const char *head, uint32_t len,
	   bool in_carry)
{
	r->head = head;
	r->head_len = len;
	r->carry_is_head = in_carry;
	r->phase = PH_HEAD_TAKEN;
	return HTTP_EV_HEAD;
}

/* The head continues a partial one held in carry. */
static enum http_ev
feed_head_carry(struct http_reader *r, const char *p, uint32_t len,
		uint32_t *used)
{
	uint32_t old = r->carry_len;
	uint32_t n = len < r->max_head - old ? len : r->max_head - old;
	uint32_t end;

	memcpy(r->carry + old, p, n);
	r->carry_len += n;
	/* A terminator may start up to two bytes before the new ones. */
	end = head_end(r->carry, old >= 2 ? old - 2 : 0, r->carry_len);
	if (end != 0) {
		*used = end - old;
		return head_found(r, r->carry, end, true);
	}
	*used = n;
	if (r->carry_len == r->max_head) {
		r->phase = PH_ERROR;
		return head_overflow(r->carry, r->carry_len);
	}
	return HTTP_EV_NEED_MORE;
}

static enum http_ev
feed_head(struct http_reader *r, const char *p, uint32_t len, uint32_t *used)
{
	uint32_t i = 0, end;

	if (r->carry_len > 0)
		return feed_head_carry(r, p, len, used);
	i = http_skip_empty_lines(p, len);
	if (i == len) {
		*used = len;
		return HTTP_EV_NEED_MORE;
	}
	end = head_end(p + i, 0, len - i);
	if (end != 0 && end <= r->max_head) {
		*used = i + end;
		return head_found(r, p + i, end, false);
	}
	if (end != 0 || len - i >= r->max_head) {
		*used = i;
		r->phase = PH_ERROR;
		return head_overflow(p + i, len - i < r->max_head ? len - i
							    : r->max_head);
	}
	/* Only a split head is copied: the common case never is. */
	if (r->carry == NULL) {
		r->carry = malloc(r->max_head);
		if (r->carry == NULL) {
			*used = i;
			r->phase = PH_ERROR;
			return HTTP_EV_NOMEM;
		}
	}
	memcpy(r->carry, p + i, len - i);
	r->carry_len = len - i;
	*used = len;
	return HTTP_EV_NEED_MORE;
}

void
http_reader_set_body(struct http_reader *r, enum http_body kind,
		     uint64_t length)
{
	if (r->carry_is_head) {
		r->carry_len = 0;
		r->carry_is_head = false;
	}
	r->head = NULL;
	r->head_len = 0;
	r->body_bytes = 0;
	r->trailer_bytes = 0;
	switch (kind) {
	case HTTP_BODY_LENGTH:
		r->body_left = length;
		r->phase = length > 0 ? PH_BODY_LENGTH : PH_DONE_PENDING;
		break;
	case HTTP_BODY_CHUNKED:
		r->body_left = 0;
		r->phase = PH_CHUNK_SIZE_FIRST;
		break;
	case HTTP_BODY_TO_EOF:
		r->phase = PH_BODY_EOF;
		break;
	case HTTP_BODY_NONE:
	default:
		r->phase = PH_DONE_PENDING;
		break;
	}
}

bool
http_reader_set_body_at_hand(struct http_reader *r, enum http_body kind,
			     uint64_t length, uint32_t avail, uint32_t *used)
{
	if (kind != HTTP_BODY_NONE &&
	    (kind != HTTP_BODY_LENGTH || length > avail)) {
		*used = 0;
		http_reader_set_body(r, kind, length);
		return false;
	}
	/* The message ends here: set_body() and the feed reporting
	 * HTTP_EV_DONE in one step. */
	if (kind == HTTP_BODY_NONE)
		length = 0;
	if (r->carry_is_head) {
		r->carry_len = 0;
		r->carry_is_head = false;
	}
	r->head = NULL;
	r->head_len = 0;
	r->body_bytes = length;
	r->trailer_bytes = 0;
	r->phase = PH_HEAD;
	*used = (uint32_t)length;
	return true;
}

bool
http_reader_take_done(struct http_reader *r)
{
	if (r->phase != PH_DONE_PENDING)
		return false;
	r->phase = PH_HEAD;
	return true;
}

void
http_reader_next_head(struct http_reader *r)
{
	http_reader_set_body(r, HTTP_BODY_NONE, 0);
	r->phase = PH_HEAD;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The end of a chunk-size line: data follows, or the trailer. */
static void
chunk_size_done(struct http_reader *r)
{
	r->phase = r->body_left > 0 ? PH_CHUNK_DATA : PH_TRAILER_START;
}

/*
 * One byte of chunked framing outside chunk data.
 * @return the next phase (PH_ERROR on malformed input).
 */
static uint8_t
chunk_byte(struct http_reader *r, char c)
{
	int h;

	switch (r->phase) {
	case PH_CHUNK_SIZE_FIRST:
	case PH_CHUNK_SIZE:
		h = hex_value(c);
		if (h >= 0) {
			if (r->body_left >= HTTP_CHUNK_SIZE_MAX >> 4)
				return PH_ERROR;
			r->body_left = r->body_left << 4 | (uint64_t)h;
			return PH_CHUNK_SIZE;
		}
		if (r->phase == PH_CHUNK_SIZE_FIRST)
			return PH_ERROR;
		if (c == ';' || c == ' ' || c == '\t')
			return PH_CHUNK_EXT;
		if (c == '\r')
			return PH_CHUNK_SIZE_LF;
		if (c == '\n') {
			chunk_size_done(r);
			return r->phase;
		}
		return PH_ERROR;
	case PH_CHUNK_EXT:
		if (c == '\r')
			return PH_CHUNK_SIZE_LF;
		if (c == '\n') {
			chunk_size_done(r);
			return r->phase;
		}
		return PH_CHUNK_EXT;
	case PH_CHUNK_SIZE_LF:
		if (c != '\n')
			return PH_ERROR;
		chunk_size_done(r);
		return r->phase;
	case PH_CHUNK_DATA_CR:
		if (c == '\r')
			return PH_CHUNK_DATA_LF;
		return c == '\n' ? PH_CHUNK_SIZE_FIRST : PH_ERROR;
	case PH_CHUNK_DATA_LF:
		return c == '\n' ? PH_CHUNK_SIZE_FIRST : PH_ERROR;
	case PH_TRAILER_START:
		if (c == '\r')
			return PH_TRAILER_END_LF;
		if (c == '\n')
			return PH_DONE_PENDING;
		return PH_TRAILER_LINE;
	case PH_TRAILER_LINE:
		if (c == '\r')
			return PH_TRAILER_LINE_LF;
		return c == '\n' ? PH_TRAILER_START : PH_TRAILER_LINE;
	case PH_TRAILER_LINE_LF:
		return c == '\n' ? PH_TRAILER_START : PH_ERROR;
	case PH_TRAILER_END_LF:
		return c == '\n' ? PH_DONE_PENDING : PH_ERROR;
	default:
		return PH_ERROR;
	}
}

static enum http_ev
feed_chunked(struct http_reader *r, const char *p, uint32_t len,
	     uint32_t *used)
{
	uint32_t i = 0;

	while (i < len) {
		if (r->phase == PH_CHUNK_DATA) {
			uint64_t n = len - i < r->body_left ? len - i
							    : r->body_left;

			i += (uint32_t)n;
			r->body_left -= n;
			r->body_bytes += n;
			if (r->body_left == 0)
				r->phase = PH_CHUNK_DATA_CR;
			continue;
		}
		/* Size lines, extensions and trailers share the head bound. */
		if (++r->trailer_bytes > r->max_head) {
			*used = i;
			r->phase = PH_ERROR;
			return HTTP_EV_TOO_LONG;
		}
		if (r->phase == PH_CHUNK_SIZE_FIRST)
			r->body_left = 0;
		r->phase = chunk_byte(r, p[i++]);
		if (r->phase == PH_CHUNK_SIZE_FIRST)
			r->trailer_bytes = 0;
		if (r->phase == PH_ERROR) {
			*used = i;
			return HTTP_EV_BAD_CHUNK;
		}
		if (r->phase == PH_DONE_PENDING) {
			*used = i;
			r->phase = PH_HEAD;
			return HTTP_EV_DONE;
		}
	}
	*used = len;
	return HTTP_EV_NEED_MORE;
}

enum http_ev
http_reader_feed(struct http_reader *r, const char *p, uint32_t len,
		 uint32_t *used)
{
	*used = 0;
	switch (r->phase) {
	case PH_HEAD:
		return feed_head(r, p, len, used);
	case PH_HEAD_TAKEN:
		return HTTP_EV_HEAD;
	case PH_DONE_PENDING:
		r->phase = PH_HEAD;
		return HTTP_EV_DONE;
	case PH_BODY_LENGTH: {
		uint64_t n = len < r->body_left ? len : r->body_left;

		*used = (uint32_t)n;
		r->body_left -= n;
		r->body_bytes += n;
		if (r->body_left > 0)
			return HTTP_EV_NEED_MORE;
		r->phase = PH_HEAD;
		return HTTP_EV_DONE;
	}
	case PH_BODY_EOF:
		*used = len;
		r->body_bytes += len;
		return HTTP_EV_NEED_MORE;
	case PH_ERROR:
		return HTTP_EV_BAD_CHUNK;
	default:
		return feed_chunked(r, p, len, used);
	}
}

enum http_ev
http_reader_feed_request(struct http_reader *r, const char *p, uint32_t len,
			 uint32_t *used, struct http_request *req,
			 int *status)
{
	uint32_t i, n, whole = len;
	enum http_ev ev;

	if (http_head_may_be_whole(r, p, &whole, &i)) {
		if (http_request_head(p + i, whole - i, req, &n) == 0 &&
		    n <= r->max_head) {
			*used = i + n;
			*status = 0;
			return head_found(r, p + i, n, false);
		}
	}
	ev = http_reader_feed(r, p, len, used);
	if (ev == HTTP_EV_HEAD)
		*status = http_parse_request(r->head, r->head_len, req);
	return ev;
}

enum http_ev
http_reader_feed_response(struct http_reader *r, const char *p, uint32_t len,
			  uint32_t *used, bool head_request,
			  struct http_response *resp, int *rc)
{
	uint32_t i, n, whole = len;
	enum http_ev ev;

	if (http_head_may_be_whole(r, p, &whole, &i)) {
		n = http_response_prefix(p + i, whole - i, head_request, resp);
		if (n != 0 && n <= r->max_head) {
			*used = i + n;
			*rc = 0;
			return head_found(r, p + i, n, false);
		}
	}
	ev = http_reader_feed(r, p, len, used);
	if (ev == HTTP_EV_HEAD)
		*rc = http_parse_response(r->head, r->head_len, head_request,
					  resp);
	return ev;
}
