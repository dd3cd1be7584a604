/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 head parsing (RFC 9112): request and status lines, the
 * fields tern acts on. See http.h; message framing is http_reader.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "http_class.h"
#include "http_prefix.h"
#include "http_req_head.h"
#include "http_value.h"

static __attribute__((noinline)) int
parse_fields(struct scan *s, struct fields *f)
{
	return fields_parse(s, f, false);
}

int
http_request_head(const char *p, uint32_t len, struct http_request *req,
		  uint32_t *head_len)
{
	return request_head(p, len, req, head_len);
}

uint32_t
http_reader_take_request(struct http_reader *r, const char *p, uint32_t len,
			 struct http_request *req)
{
	return http_take_request(r, p, len, req);
}

int
http_parse_request(const char *p, uint32_t len, struct http_request *req)
{
	uint32_t head_len;

	return http_request_head(p, len, req, &head_len);
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] */
static int
parse_status_line(struct scan *s, struct http_response *resp)
{
	const unsigned char *p = s->p;
	uint32_t code;
	int minor;

	if (s->end - p < 12)
		return -1;
	/* The usual version in one word comparison, the parse otherwise. */
	minor = load_le64(p) == load_le64((const unsigned char *)"HTTP/1.1") ?
		1 : parse_version(p, s->end);
	/* SP and three digits: every high nibble what it must be, and no
	 * digit above 9 (adding 6 to it would carry out of its nibble). */
	code = (uint32_t)(load_le64(p + 4) >> 32);   /* bytes 8 to 11 */
	if (minor < 0 || (code & 0xf0f0f0ffu) != 0x30303020u ||
	    ((code + 0x06060600u) & 0xf0f0f000u) != 0x30303000u)
		return -1;
	resp->status = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 +
				  (p[11] - '0'));
	resp->version_minor = minor > 0 ? 1 : 0;
	s->p += 12;
	/* The commonest reason phrase and its line end in one comparison,
	 * as the request line's "GET / ": a scan costs more. */
	if (s->end - s->p >= 5) {
		uint32_t got, ok;

		memcpy(&got, s->p + 1, sizeof(got));
		memcpy(&ok, "OK\r\n", sizeof(ok));
		if (got == ok && s->p[0] == ' ') {
			s->p += 5;
			return 0;
		}
	}
	if (*s->p == ' ') {
		s->p++;
		skip_field_value(s);   /* reason-phrase */
	}
	return eol(s) ? 0 : -1;
}

/* What a response's status and fields say of its framing and
 * persistence (RFC 9112 6.3, 9.3): @return 0 or -1 malformed. */
static inline int
response_framing(const struct fields *f, bool head_request,
		 struct http_response *resp)
{
	if (f->has_te && f->has_length)
		return -1;
	resp->keep_alive = resp->version_minor == 1 ? !f->conn_close
						    : f->conn_keep_alive &&
						      !f->conn_close;
	/* RFC 9112 6.3, in its order. */
	if (head_request || resp->status < 200 || resp->status == 204 ||
	    resp->status == 304) {
		resp->body = HTTP_BODY_NONE;
	} else if (f->has_te) {
		if (!f->te_chunked) {
			resp->body = HTTP_BODY_TO_EOF;
			resp->keep_alive = false;
		} else {
			resp->body = HTTP_BODY_CHUNKED;
		}
	} else if (f->has_length) {
		resp->body = HTTP_BODY_LENGTH;
		resp->content_length = f->length;
	} else {
		resp->body = HTTP_BODY_TO_EOF;
		resp->keep_alive = false;
	}
	return 0;
}

/* The response head at @p p by the general scans, every verdict given:
 * what http_response_prefix() (http_resp_head.c) hands over. */
uint32_t
http_response_head_general(const char *p, uint32_t len, bool head_request,
			   struct http_response *resp)
{
	struct fields f;
	struct scan s;

	memset(resp, 0, sizeof(*resp));
	if (!scan_init(&s, p, len) || parse_status_line(&s, resp) != 0 ||
	    parse_fields(&s, &f) != 0 ||
	    response_framing(&f, head_request, resp) != 0)
		return 0;
	return (uint32_t)(s.p - s.begin);
}

/* A well-formed head has a status line, so its length is never 0: the
 * prefix's verdict, the one parse of a response head. */
int
http_parse_response(const char *p, uint32_t len, bool head_request,
		    struct http_response *resp)
{
	return http_response_prefix(p, len, head_request, resp) != 0 ? 0 : -1;
}
