/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_H
#define TERN_HTTP_H

/**
 * @file
 * HTTP/1.1 message framing and head parsing (RFC 9112), shared by
 * tern-httpd, tern-load and the kernel baselines so that every side of a
 * comparison pays for the same parser.
 *
 * Bytes arrive in pieces of any size (mbuf segments, read() buffers).
 * struct http_reader finds message boundaries incrementally: it hands the
 * caller each complete head as one contiguous block -- straight from the
 * caller's buffer when the head lies within one piece (the common case:
 * no copy), from its own bounded carry buffer when the head spans pieces
 * -- and then skips the body as the caller's framing decision says
 * (Content-Length, chunked, or until the connection ends).
 *
 * The caller's loop, for each piece p[0..len):
 *
 *   for (;;) {
 *           ev = http_reader_feed(r, p + off, len - off, &used);
 *           off += used;
 *           if (ev == HTTP_EV_NEED_MORE) break;
 *           if (ev == HTTP_EV_HEAD) parse http_reader_head(), then
 *                   http_reader_set_body(r, ...);
 *           if (ev == HTTP_EV_DONE) the message is complete;
 *           else an error: stop reading this connection.
 *   }
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Default bound of a message head (request line or status line plus
 * fields), as nginx's large_client_header_buffers (8 KiB). */
#define HTTP_DEFAULT_MAX_HEAD 8192

enum http_ev {
	HTTP_EV_NEED_MORE,  /**< everything given was consumed */
	HTTP_EV_HEAD,       /**< a complete head: http_reader_head() */
	HTTP_EV_DONE,       /**< the message (head and body) is complete */
	HTTP_EV_TOO_LONG,   /**< a head (or chunk trailer) above the bound */
	HTTP_EV_BAD_LINE,   /**< no line end within the bound (URI too long) */
	HTTP_EV_BAD_CHUNK,  /**< malformed chunked framing */
	HTTP_EV_NOMEM,      /**< the carry buffer could not be allocated */
};

/** How the body after a head is delimited (RFC 9112 6.3). */
enum http_body {
	HTTP_BODY_NONE,     /**< no body */
	HTTP_BODY_LENGTH,   /**< Content-Length bytes */
	HTTP_BODY_CHUNKED,  /**< chunked transfer coding */
	HTTP_BODY_TO_EOF,   /**< until the connection closes (responses) */
};

struct http_reader {
	char *carry;          /**< head bytes spanning pieces (lazy) */
	uint32_t carry_len;
	uint32_t max_head;    /**< bound of a head; also of a chunk trailer */
	uint8_t phase;        /**< enum http_phase (http_prefix.h) */
	bool carry_is_head;   /**< the last HEAD event pointed into carry */
	uint32_t trailer_bytes;
	uint64_t body_left;   /**< LENGTH / chunk data bytes still to skip */
	uint64_t body_bytes;  /**< body bytes of the current message so far */
	const char *head;     /**< valid from HTTP_EV_HEAD to set_body() */
	uint32_t head_len;
};

/** Prepare @p r; @p max_head bounds a head (0: HTTP_DEFAULT_MAX_HEAD).
 * Inline, as once per connection: zeroed, the reader collects a head. */
static inline void
http_reader_init(struct http_reader *r, uint32_t max_head)
{
	*r = (struct http_reader){
		.max_head = max_head != 0 ? max_head : HTTP_DEFAULT_MAX_HEAD,
	};
}

/** Free the carry buffer (http_reader_fini() when there is one). */
void http_reader_free_carry(struct http_reader *r);

/** Free the carry buffer, if any. Inline: most readers never held a
 * split head, and need no call. */
static inline void
http_reader_fini(struct http_reader *r)
{
	if (r->carry != NULL)
		http_reader_free_carry(r);
}

/**
 * Consume bytes from @p p (@p len may be 0: reports a completed
 * zero-length body). @p used is set to the bytes consumed.
 * @return the event that stopped consumption (see enum http_ev). After
 *   HTTP_EV_HEAD the reader waits for http_reader_set_body(); after an
 *   error it stays in error.
 */
enum http_ev http_reader_feed(struct http_reader *r, const char *p,
			      uint32_t len, uint32_t *used);

/** The head of the last HTTP_EV_HEAD, up to and including its empty line. */
static inline const char *
http_reader_head(const struct http_reader *r, uint32_t *len)
{
	*len = r->head_len;
	return r->head;
}

/**
 * Say how the body after the current head is delimited; @p length is
 * used for HTTP_BODY_LENGTH. The next feed reports HTTP_EV_DONE once the
 * body has been consumed (at once for no body).
 */
void http_reader_set_body(struct http_reader *r, enum http_body kind,
			  uint64_t length);

/**
 * http_reader_set_body(), and when the body lies whole in the @p avail
 * bytes that follow the head (no body, or a Content-Length of at most
 * @p avail), its end too, as the feed that would follow reports
 * HTTP_EV_DONE: then true, @p used the body bytes taken, and the reader
 * goes on to the next head. False otherwise (the body is fed as after
 * set_body()). The usual response, head and body in one piece, so
 * completes without a second feed.
 */
bool http_reader_set_body_at_hand(struct http_reader *r, enum http_body kind,
				  uint64_t length, uint32_t avail,
				  uint32_t *used);

/**
 * The message is complete once set_body() said there is no body: true
 * then, and the reader goes on to the next head, as a feed would after
 * reporting HTTP_EV_DONE -- without the feed. False otherwise.
 */
bool http_reader_take_done(struct http_reader *r);

/** Drop the current head (an interim 1xx response) and collect the next. */
void http_reader_next_head(struct http_reader *r);

/** True while a head is being collected and no byte of it arrived yet. */
bool http_reader_idle(const struct http_reader *r);

/** True while the body runs to the end of the connection. */
bool http_reader_to_eof(const struct http_reader *r);

/* ---- heads ---- */

/** A parsed request head. */
struct http_request {
	bool is_head;             /**< method HEAD: no body in the response */
	uint8_t version_minor;    /**< HTTP/1.0 or HTTP/1.1 */
	bool keep_alive;          /**< after version and Connection rules */
	bool expect_continue;     /**< "Expect: 100-continue" (HTTP/1.1) */
	enum http_body body;      /**< NONE, LENGTH or CHUNKED */
	uint64_t content_length;
};

/** A parsed response head. */
struct http_response {
	uint16_t status;
	uint8_t version_minor;
	bool keep_alive;
	enum http_body body;
	uint64_t content_length;
};

/**
 * Parse a request head (what HTTP_EV_HEAD gave).
 * @return 0, or the status the request deserves: 400 malformed (bad
 *   request line, field syntax, bare CR, obs-fold, missing or repeated
 *   Host in HTTP/1.1, bad or conflicting Content-Length, Transfer-Encoding
 *   with Content-Length or in HTTP/1.0 or not ending in chunked);
 *   505 an HTTP major version other than 1.
 */
int http_parse_request(const char *p, uint32_t len, struct http_request *req);

/**
 * Parse a response head to a request whose method was HEAD when
 * @p head_request. @return 0 or -1 when malformed.
 */
int http_parse_response(const char *p, uint32_t len, bool head_request,
			struct http_response *resp);

/**
 * http_reader_feed() and, on HTTP_EV_HEAD, http_parse_request() of the
 * head: @p req and @p status are what it gives. A head that arrives
 * whole in one piece is parsed in the same pass that finds its end (no
 * second scan); any other (split, malformed, too long) goes the two
 * steps, with the same events and statuses.
 */
enum http_ev http_reader_feed_request(struct http_reader *r, const char *p,
				      uint32_t len, uint32_t *used,
				      struct http_request *req, int *status);

/**
 * The usual request in one step: when @p r is collecting a head, none
 * of it held, and p[0..len) starts with a whole valid request head and
 * ends with a line feed (within the head bound), parse the head into
 * @p req and go on as http_reader_set_body() would for @p req's body: a
 * message without one is complete (no event reports it), one with a
 * body has it skipped by the next feeds, which report HTTP_EV_DONE.
 * @return the head's length; 0 when not so (a split, malformed or
 *   oversized head, or leading empty lines): nothing consumed, @p r
 *   unchanged, and http_reader_feed_request() handles the piece.
 */
uint32_t http_reader_take_request(struct http_reader *r, const char *p,
				  uint32_t len, struct http_request *req);

/**
 * The same for responses: on HTTP_EV_HEAD, @p resp and @p rc are what
 * http_parse_response() gives for the head.
 */
enum http_ev http_reader_feed_response(struct http_reader *r, const char *p,
				       uint32_t len, uint32_t *used,
				       bool head_request,
				       struct http_response *resp, int *rc);

#endif /* TERN_HTTP_H */
