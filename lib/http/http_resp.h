/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_RESP_H
#define TERN_HTTP_RESP_H

/**
 * @file
 * The responses an HTTP benchmark server sends, rendered once: a fixed
 * header block per kind (status, Server, Date, Content-Type,
 * Content-Length, Connection) followed by the in-memory body. Only the
 * Date field changes, once a second, patched in place (it has a fixed
 * width). tern-httpd and the kernel baseline share this, so both send
 * byte-identical responses apart from the Server name (same length).
 */

#include <stdbool.h>
#include <stdint.h>

#include "http.h"

/** The page served when no body is configured. */
#define HTTP_DEFAULT_PAGE \
	"<!DOCTYPE html>\n<html><head><title>tern</title></head>\n" \
	"<body><p>hello from tern-httpd</p></body></html>\n"

/** Bytes of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
#define HTTP_DATE_LEN 29

enum http_resp_kind {
	HTTP_RESP_OK,          /**< 200, persistent HTTP/1.1 */
	HTTP_RESP_OK_KEEP_10,  /**< 200, HTTP/1.0 asking for keep-alive */
	HTTP_RESP_OK_CLOSE,    /**< 200, then the server closes */
	HTTP_RESP_400,         /**< malformed request; closes */
	HTTP_RESP_413,         /**< body above the bound; closes */
	HTTP_RESP_414,         /**< request line above the bound; closes */
	HTTP_RESP_431,         /**< head above the bound; closes */
	HTTP_RESP_500,         /**< out of memory; closes */
	HTTP_RESP_505,         /**< not HTTP/1.x; closes */
	HTTP_RESP_100,         /**< interim "100 Continue" (no Date, no body) */
	HTTP_RESP_MAX
};

/** One response, header block and body contiguous: one send. */
struct http_resp {
	char *buf;             /**< header block, then the body */
	uint32_t hdr_len;      /**< status line and fields, empty line
				    included (all a HEAD gets) */
	uint32_t len;          /**< header block plus body */
	uint32_t date_off;     /**< where the Date value sits in buf;
				    UINT32_MAX: no Date field */
	bool close;            /**< the server closes after sending it */
};

struct http_resp_set {
	struct http_resp r[HTTP_RESP_MAX];
	char *page;            /**< the 200 body (owned) */
	uint32_t page_len;
	int64_t date_sec;      /**< the second the Date fields show */
};

/**
 * Render every response. @p page (NULL: HTTP_DEFAULT_PAGE) is copied.
 * @p server names the Server field. @return 0 or -ENOMEM.
 */
int http_resp_set_init(struct http_resp_set *s, const char *server,
		       const char *page, uint32_t page_len,
		       const char *content_type, int64_t unix_sec);

void http_resp_set_fini(struct http_resp_set *s);

/** Show @p unix_sec in every Date field (cheap when unchanged). */
void http_resp_set_date(struct http_resp_set *s, int64_t unix_sec);

/** The response to a parsed request (keep-alive rules applied); inline,
 * as it runs once per request. */
static inline enum http_resp_kind
http_resp_for_request(const struct http_request *req)
{
	if (!req->keep_alive)
		return HTTP_RESP_OK_CLOSE;
	return req->version_minor == 0 ? HTTP_RESP_OK_KEEP_10 : HTTP_RESP_OK;
}

/** The error response for a parse status (400, 505...) or reader event. */
enum http_resp_kind http_resp_for_status(int status);

/** Largest page served (one contiguous buffer per response kind). */
#define HTTP_PAGE_MAX (256u << 20)

/**
 * A page of exactly @p size bytes of printable text (lines of 64),
 * malloc'd into *out. @return 0; -EINVAL above HTTP_PAGE_MAX; -ENOMEM.
 */
int http_page_of_size(uint32_t size, char **out);

/**
 * The contents of @p path, malloc'd into *out, length in *len.
 * @return 0; -errno of open/read; -EFBIG above HTTP_PAGE_MAX; -ENOMEM.
 */
int http_page_from_file(const char *path, char **out, uint32_t *len);

/** Write @p unix_sec as an IMF-fixdate (HTTP_DATE_LEN bytes, no NUL). */
void http_format_date(char out[HTTP_DATE_LEN], int64_t unix_sec);

#endif /* TERN_HTTP_RESP_H */
