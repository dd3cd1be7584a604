/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_VALUE_H
#define TERN_HTTP_VALUE_H

/*
 * Inside lib/http: the values of the fields the head parsers of http.c
 * act on (Content-Length, Connection and Transfer-Encoding lists,
 * Expect), read once the field is told by its name; the name compare
 * that ignores case. Included through http_req_head.h by http.c and
 * httpd_core.c: the readers are plain static (static inline changed
 * gcc's inlining in http.c, +17 instructions per request on the
 * server), so each includer that parses a request head has its copy.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http_class.h"

/* Digits of a Content-Length we accept: 10^18 fits in 63 bits. */
#define HTTP_CONTENT_LENGTH_DIGITS_MAX 18

/* Case-insensitive equality with a lower-case literal of @p n bytes:
 * each byte ORed with 0x20, four at a time while four are left. */
static bool
name_eq(const unsigned char *p, const char *lit, uint32_t n)
{
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		uint32_t a, b;

		memcpy(&a, p + i, sizeof(a));
		memcpy(&b, lit + i, sizeof(b));
		if ((a | 0x20202020u) != b)
			return false;
	}
	for (; i < n; i++)
		if ((p[i] | 0x20) != (unsigned char)lit[i])
			return false;
	return true;
}

/* Does the comma-separated token list @p v contain @p tok (any case)? */
static bool
list_has(const unsigned char *v, uint32_t len, const char *tok)
{
	uint32_t tlen = (uint32_t)strlen(tok);
	uint32_t i = 0;

	while (i < len) {
		uint32_t start, stop;

		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < len && v[i] != ',')
			i++;
		stop = i;
		while (stop > start && (v[stop - 1] == ' ' ||
					v[stop - 1] == '\t'))
			stop--;
		if (stop - start == tlen && name_eq(v + start, tok, tlen))
			return true;
	}
	return false;
}

/* Is the last coding of a Transfer-Encoding list "chunked"? */
static bool
list_ends_chunked(const unsigned char *v, uint32_t len)
{
	uint32_t start = len;

	while (start > 0 && v[start - 1] != ',')
		start--;
	while (start < len && (v[start] == ' ' || v[start] == '\t'))
		start++;
	return len - start == 7 && name_eq(v + start, "chunked", 7);
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6). @return 0 or -1. */
static int
parse_length(const unsigned char *v, uint32_t len, uint64_t *out)
{
	uint64_t n = 0;

	if (len == 0 || len > HTTP_CONTENT_LENGTH_DIGITS_MAX)
		return -1;
	for (uint32_t i = 0; i < len; i++) {
		if (!is(v[i], C_DIGIT))
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*out = n;
	return 0;
}

/* The value of a field line, @p v up to @p vend (the line end), without
 * the optional whitespace around it. @return its length. */
static inline uint32_t
trim_ows(const unsigned char **v, const unsigned char *vend)
{
	const unsigned char *p = *v;

	while (p < vend && (*p == ' ' || *p == '\t'))
		p++;
	while (vend > p && (vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	*v = p;
	return (uint32_t)(vend - p);
}

#endif /* TERN_HTTP_VALUE_H */
