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

/*
 * A response head that ends @p n bytes into a piece of @p len, parsed
 * into @p resp: a body by length that the piece holds whole, or none,
 * ends the message there (*complete, the reader collects the next head,
 * @return n and the body); any other body is set up for the next feeds
 * (@return n).
 */
static inline __attribute__((always_inline)) uint32_t
http_reader_took_head(struct http_reader *r, uint32_t n, uint32_t len,
		      const struct http_response *resp, bool *complete)
{
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
	return http_reader_took_head(r, n + i, len, resp, complete);
}

/* The longest head a memo keeps; a longer one is parsed each time. */
#define HTTP_RESP_MEMO_MAX 256

/**
 * The last response head that http_reader_take_response_memo() took by
 * parsing it: its bytes and what they parsed to. A load generator gets
 * the same head, byte for byte, response after response; the parse is a
 * function of the head's bytes (and of head_request), so an equal head
 * has the same verdict, and a compare of its bytes replaces the parse.
 * One serves all the readers of a thread (tern-load's: one per load,
 * for all its connections); it is not shared between threads.
 */
struct http_resp_memo {
	uint32_t len;                /**< the head's bytes; 0: none yet */
	bool head_request;           /**< the parse's head_request */
	uint64_t hits;               /**< heads taken by the compare */
	struct http_response resp;   /**< what the head parsed to */
	char head[HTTP_RESP_MEMO_MAX];
};

/*
 * Make the head that http_reader_take_response() took from @p p (@p n
 * bytes: the head, and its body when @p complete) @p memo's, when it
 * starts at the piece's first byte (no empty line skipped before it) and
 * fits. Out of line: once per head that the compare did not take (each
 * time for a head longer than HTTP_RESP_MEMO_MAX, which is not kept).
 */
static __attribute__((noinline, cold, unused)) void
http_resp_memo_keep(struct http_resp_memo *memo, const char *p, uint32_t n,
		    bool head_request, const struct http_response *resp,
		    bool complete)
{
	uint64_t body = complete && resp->body == HTTP_BODY_LENGTH ?
			resp->content_length : 0;
	uint32_t head_len = n - (uint32_t)body;

	if (p[0] == '\r' || p[0] == '\n' || head_len > HTTP_RESP_MEMO_MAX)
		return;
	memcpy(memo->head, p, head_len);
	memo->len = head_len;
	memo->head_request = head_request;
	memo->resp = *resp;
}

/**
 * http_reader_take_response() with @p memo: a piece that starts with the
 * memo's head (the reader collecting a head, none of it held, the head
 * within the reader's bound) is taken with the memo's verdict, unparsed
 * (memo->hits counts these); any other is parsed, and a head so taken
 * from the piece's first byte becomes the memo. @return and *resp,
 * *complete as http_reader_take_response().
 */
static inline __attribute__((always_inline)) uint32_t
http_reader_take_response_memo(struct http_reader *r,
			       struct http_resp_memo *memo, const char *p,
			       uint32_t len, bool head_request,
			       struct http_response *resp, bool *complete)
{
	uint32_t n;

	if (memo->len != 0 && len >= memo->len && r->phase == PH_HEAD &&
	    r->carry_len == 0 && memo->len <= r->max_head &&
	    memo->head_request == head_request &&
	    memcmp(p, memo->head, memo->len) == 0) {
		memo->hits++;
		*resp = memo->resp;
		return http_reader_took_head(r, memo->len, len, resp,
					     complete);
	}
	n = http_reader_take_response(r, p, len, head_request, resp,
				      complete);
	if (n != 0)
		http_resp_memo_keep(memo, p, n, head_request, resp,
				    *complete);
	return n;
}

#endif /* TERN_HTTP_TAKE_H */
