/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pre-rendered HTTP responses. See http_resp.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_resp.h"

/* Longest header block we render: status line and six short fields. */
#define HTTP_HDR_MAX 512

struct resp_spec {
	const char *status;      /* "200 OK" */
	const char *connection;  /* Connection value, or NULL for none */
	const char *error_body;  /* NULL: the page */
};

static const struct resp_spec resp_specs[HTTP_RESP_MAX] = {
	[HTTP_RESP_OK] = { "200 OK", NULL, NULL },
	[HTTP_RESP_OK_KEEP_10] = { "200 OK", "keep-alive", NULL },
	[HTTP_RESP_OK_CLOSE] = { "200 OK", "close", NULL },
	[HTTP_RESP_400] = { "400 Bad Request", "close", "bad request\n" },
	[HTTP_RESP_413] = { "413 Content Too Large", "close",
			    "content too large\n" },
	[HTTP_RESP_414] = { "414 URI Too Long", "close", "uri too long\n" },
	[HTTP_RESP_431] = { "431 Request Header Fields Too Large", "close",
			    "request header fields too large\n" },
	[HTTP_RESP_500] = { "500 Internal Server Error", "close",
			    "internal server error\n" },
	[HTTP_RESP_505] = { "505 HTTP Version Not Supported", "close",
			    "http version not supported\n" },
	[HTTP_RESP_100] = { "100 Continue", NULL, NULL },
};

/* Two decimal digits of @p v (0..99) at @p out. */
static void
put2(char *out, unsigned int v)
{
	out[0] = (char)('0' + v / 10 % 10);
	out[1] = (char)('0' + v % 10);
}

void
http_format_date(char out[HTTP_DATE_LEN], int64_t unix_sec)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)unix_sec;
	unsigned int year;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	year = (unsigned int)(tm.tm_year + 1900) % 10000;
	/* By hand: strftime's %a and %b follow the locale. */
	memcpy(out, "Sun, 00 Jan 0000 00:00:00 GMT", HTTP_DATE_LEN);
	memcpy(out, days[(unsigned int)tm.tm_wday % 7], 3);
	put2(out + 5, (unsigned int)tm.tm_mday);
	memcpy(out + 8, months[(unsigned int)tm.tm_mon % 12], 3);
	put2(out + 12, year / 100);
	put2(out + 14, year % 100);
	put2(out + 17, (unsigned int)tm.tm_hour);
	put2(out + 20, (unsigned int)tm.tm_min);
	put2(out + 23, (unsigned int)tm.tm_sec);
}

static int
resp_render(struct http_resp *r, const struct resp_spec *spec,
	    const char *server, const char *body, uint32_t body_len,
	    const char *content_type, int64_t unix_sec)
{
	char date[HTTP_DATE_LEN + 1];
	char *hdr = malloc(HTTP_HDR_MAX + (size_t)body_len);
	char conn[64] = "";
	const char *date_at;
	int n;

	if (hdr == NULL)
		return -ENOMEM;
	http_format_date(date, unix_sec);
	date[HTTP_DATE_LEN] = '\0';
	if (spec->connection != NULL)
		snprintf(conn, sizeof(conn), "Connection: %s\r\n",
			 spec->connection);
	n = snprintf(hdr, HTTP_HDR_MAX,
		     "HTTP/1.1 %s\r\nServer: %s\r\nDate: %s\r\n"
		     "Content-Type: %s\r\nContent-Length: %" PRIu32 "\r\n"
		     "%s\r\n", spec->status, server, date,
		     spec->error_body != NULL ? "text/plain" : content_type,
		     body_len, conn);
	if (n < 0 || n >= HTTP_HDR_MAX) {
		free(hdr);
		return -ENOMEM;
	}
	date_at = strstr(hdr, "Date: ");
	memcpy(hdr + n, body, body_len);
	r->buf = hdr;
	r->hdr_len = (uint32_t)n;
	r->len = (uint32_t)n + body_len;
	r->date_off = (uint32_t)(date_at - hdr) + 6;
	r->close = spec->connection != NULL &&
		   strcmp(spec->connection, "close") == 0;
	return 0;
}

/* 100 Continue: a status line and nothing else (RFC 9110 15.2.1). */
static int
resp_render_interim(struct http_resp *r)
{
	static const char text[] = "HTTP/1.1 100 Continue\r\n\r\n";

	r->buf = malloc(sizeof(text));
	if (r->buf == NULL)
		return -ENOMEM;
	memcpy(r->buf, text, sizeof(text));
	r->hdr_len = sizeof(text) - 1;
	r->len = r->hdr_len;
	r->date_off = UINT32_MAX;
	r->close = false;
	return 0;
}

int
http_resp_set_init(struct http_resp_set *s, const char *server,
		   const char *page, uint32_t page_len,
		   const char *content_type, int64_t unix_sec)
{
	memset(s, 0, sizeof(*s));
	if (page == NULL) {
		page = HTTP_DEFAULT_PAGE;
		page_len = sizeof(HTTP_DEFAULT_PAGE) - 1;
	}
	s->page = malloc(page_len > 0 ? page_len : 1);
	if (s->page == NULL)
		return -ENOMEM;
	memcpy(s->page, page, page_len);
	s->page_len = page_len;
	s->date_sec = unix_sec;
	for (int k = 0; k < HTTP_RESP_MAX; k++) {
		const struct resp_spec *spec = &resp_specs[k];
		const char *body = spec->error_body != NULL ? spec->error_body
							    : s->page;
		uint32_t len = spec->error_body != NULL
				       ? (uint32_t)strlen(spec->error_body)
				       : page_len;

		if (k == HTTP_RESP_100) {
			if (resp_render_interim(&s->r[k]) != 0) {
				http_resp_set_fini(s);
				return -ENOMEM;
			}
			continue;
		}
		if (resp_render(&s->r[k], spec, server, body, len,
				content_type, unix_sec) != 0) {
			http_resp_set_fini(s);
			return -ENOMEM;
		}
	}
	return 0;
}

void
http_resp_set_fini(struct http_resp_set *s)
{
	for (int k = 0; k < HTTP_RESP_MAX; k++) {
		free(s->r[k].buf);
		s->r[k].buf = NULL;
	}
	free(s->page);
	s->page = NULL;
}

void
http_resp_set_date(struct http_resp_set *s, int64_t unix_sec)
{
	char date[HTTP_DATE_LEN];

	if (unix_sec == s->date_sec)
		return;
	s->date_sec = unix_sec;
	http_format_date(date, unix_sec);
	for (int k = 0; k < HTTP_RESP_MAX; k++)
		if (s->r[k].date_off != UINT32_MAX)
			memcpy(s->r[k].buf + s->r[k].date_off, date,
			       HTTP_DATE_LEN);
}

int
http_page_of_size(uint32_t size, char **out)
{
	static const char alphabet[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *p;

	*out = NULL;
	if (size > HTTP_PAGE_MAX)
		return -EINVAL;
	p = malloc(size > 0 ? size : 1);
	if (p == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < size; i++)
		p[i] = (i % 64 == 63) ? '\n' : alphabet[(i / 64 + i) % 62];
	*out = p;
	return 0;
}

int
http_page_from_file(const char *path, char **out, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long size;
	int rc = 0;

	*out = NULL;
	if (f == NULL)
		return -errno;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		rc = -errno;
		goto out;
	}
	if ((uint64_t)size > HTTP_PAGE_MAX) {
		rc = -EFBIG;
		goto out;
	}
	p = malloc(size > 0 ? (size_t)size : 1);
	if (p == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (fread(p, 1, (size_t)size, f) != (size_t)size) {
		rc = ferror(f) ? -EIO : -EINVAL;
		free(p);
		goto out;
	}
	*out = p;
	*len = (uint32_t)size;
out:
	fclose(f);
	return rc;
}

enum http_resp_kind
http_resp_for_status(int status)
{
	switch (status) {
	case 413:
		return HTTP_RESP_413;
	case 414:
		return HTTP_RESP_414;
	case 431:
		return HTTP_RESP_431;
	case 500:
		return HTTP_RESP_500;
	case 505:
		return HTTP_RESP_505;
	default:
		return HTTP_RESP_400;
	}
}
