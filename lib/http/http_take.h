/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_TAKE_H
#define TERN_HTTP_TAKE_H

/*
 * The usual response taken in one step, inline in its reader's receive
 * path (tern-load's), and the tests of a piece it shares with
 * http_reader.c's one-pass feeds: where a head may lie whole.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "http_prefix.h"

/* Empty lines before a message are ignored (RFC 9112 2.2). */
static inline uint32_t
http_skip_empty_lines(const char *p, uint32_t len)
{
	uint32_t i = 0;

	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

/* The end of the last line in p[from .. lim), 0 when there is none:
 * the bound of a one-pass parse when a body follows the head. */
static inline uint32_t
http_last_line_end(const char *p, uint32_t from, uint32_t lim)
{
	const char *lf = memrchr(p + from, '\n', lim - from);

	return lf != NULL ? (uint32_t)(lf - p) + 1 : 0;
}

/*
 * Whether a head may start at p + *start and lie whole in the piece (no
 * part of one is held); *len is cut to the last line feed within a
 * head's bound from there, the bound the prefix parsers need (and a
 * piece of body after a head is not searched beyond it). The usual
 * piece starts with the head and ends with a line feed: two tests.
 */
static inline bool
http_head_may_be_whole(const struct http_reader *r, const char *p,
		       uint32_t *len, uint32_t *start)
{
	uint32_t i = 0, lim;

	if (r->phase != PH_HEAD || r->carry_len != 0 || *len == 0)
		return false;
	/* One compare for the usual first byte (a letter): CR and LF
	 * are both at or below '\r'. */
	if ((unsigned char)p[0] <= '\r') {
		i = http_skip_empty_lines(p, *len);
		if (i == *len)
			return false;
	}
	lim = *len - i < r->max_head ? *len : i + r->max_head;
	if (p[lim - 1] != '\n') {
		lim = http_last_line_end(p, i, lim);
		if (lim == 0)
			return false;
	}
	*start = i;
	*len = lim;
	return true;
}

/**
 * The usual response in one step, as http_reader_take_request() takes
 * the usual request: when @p r is collecting a head, none of it held,
 * and p[0..len) starts with a whole valid response head (within the
 * head bound; a piece not ending with a line feed is cut to its last
 * one), parse the head into @p resp as http_parse_response() would. A
 * message without a body, or with a Content-Length body that lies
 * whole in the piece, is then complete (*complete true, no event
 * reports it, @p r collects the next head); any other body is set up
 * as http_reader_set_body() does (*complete false) for the next feeds,
 * which report HTTP_EV_DONE. An interim (1xx) response is complete.
 * @return the bytes taken (head, and body when complete); 0 when not
 *   so (a split, malformed or oversized head, or @p r not collecting a
 *   head): nothing taken, @p r unchanged, and http_reader_feed() with
 *   http_parse_response() on HTTP_EV_HEAD handles the piece (the whole
 *   head's one-pass parse was already tried).
 */
static inline __attribute__((always_inline)) uint32_t
http_reader_take_response(struct http_reader *r, const char *p, uint32_t len,
			  bool head_request, struct http_response *resp,
			  bool *complete)
{
	uint32_t i, n, whole = len;

	if (!http_head_may_be_whole(r, p, &whole, &i))
		return 0;
	/* Within the head bound: whole - i is at most max_head. */
	n = http_response_prefix(p + i, whole - i, head_request, resp);
	if (n == 0)
		return 0;
	n += i;
	/* A body by length that the piece holds whole, or none: the
	 * message ends here and the reader collects the next head. */
	if (resp->body == HTTP_BODY_LENGTH ? resp->content_length <= len - n
					   : resp->body == HTTP_BODY_NONE) {
		uint32_t body = resp->body == HTTP_BODY_NONE ?
				0 : (uint32_t)resp->content_length;

		r->body_bytes = body;
		*complete = true;
		return n + body;
	}
	http_reader_set_body(r, resp->body, resp->content_length);
	*complete = false;
	return n;
}

#endif /* TERN_HTTP_TAKE_H */
