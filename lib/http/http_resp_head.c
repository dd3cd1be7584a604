/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual response head (RFC 9112 4 and 5), read in registers: HTTP/1.1,
 * a status line, field lines of tchar names and values of visible ASCII
 * and SP, each ending in CRLF, Content-Length the one field acted on.
 * Any other head (HTTP/1.0, Connection, Transfer-Encoding, an HTAB or
 * obs-text, a bare LF, a repeated Content-Length, anything malformed)
 * goes to http_response_head_general() in http.c, which parses it from
 * its start and gives every verdict: this path only ever accepts what
 * that one accepts, with the same result.
 *
 * Two scans of the field lines: sixteen-byte loads per name and value
 * (SSSE3, here; names of at most fifteen tchars), and where the CPU has
 * AVX2 (with BMI1 and BMI2) the stop bytes of 64 at once, the lines
 * walked by counting zeros (http_resp_head_avx2.c).
 */
#include <string.h>

#include "http.h"
#include "http_class.h"
#include "http_prefix.h"
#include "http_resp_head.h"

#ifdef HTTP_SIMD
/*
 * The field lines from @p p up to and past the empty line: per line one
 * load for the name (tchars up to its colon), one per sixteen bytes of
 * value from the colon on (it ends at the first byte not visible ASCII
 * or SP, which must be a CR followed by a LF), and the line's CRLF and
 * the empty line after it in one 32-bit compare. A line starting after
 * @p last16 must be the empty line. @return the head's end, or NULL:
 * the general path's (*length the Content-Length, RESP_NO_LENGTH none).
 */
static inline const unsigned char *
usual_fields(const unsigned char *p, const unsigned char *end,
	     const unsigned char *last16, uint64_t *length)
{
	const unsigned char *v, *last4 = end - 4;
	uint32_t name_len, stop, crlf2;
	__m128i x;

	while (p <= last16) {
		x = load16(p);
		/* A stop at byte 15 at the latest: a name of fifteen
		 * tchars is followed there by its colon, a longer one
		 * fails the colon test (the general path's). */
		name_len = (uint32_t)__builtin_ctz(stop_bits(x, C_TCHAR) |
						   0x8000);
		if (p[name_len] != ':' || name_len == 0)
			break;   /* the empty line, or the general path's */
		v = p + name_len + 1;
		while (v <= last16 &&
		       (stop = ascii_value_stop_bits(load16(v))) == 0)
			v += 16;
		/* Past last16, the sixteen bytes ending the head: its
		 * final LF stops the scan there. */
		if (v > last16)
			stop = ascii_value_stop_bits(load16(end - 16)) >>
			       (16 - (end - v));
		v += __builtin_ctz(stop);
		if (name_len == 14 && name16_is(x, "content-length\0\0", 14)) {
			if (usual_content_length(length, p + 15, v, end) != 0)
				return NULL;
		} else if (name_len == 10 &&
			   name16_is(x, "connection\0\0\0\0\0\0", 10)) {
			return NULL;   /* a list: the general path reads it */
		}
		/* The CRLF, and the empty line after it (a CR is never the
		 * head's last byte: its LF is). */
		if (v <= last4) {
			crlf2 = load_le32(v);
			if (crlf2 == 0x0a0d0a0du)
				return v + 4;
			if ((uint16_t)crlf2 != 0x0a0du)
				return NULL;
		} else if (v[0] != '\r' || v[1] != '\n') {
			return NULL;
		}
		p = v + 2;
	}
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		return p + 2;   /* the empty line */
	return NULL;
}

#endif

uint32_t
http_response_prefix_sse(const char *p, uint32_t len, bool head_request,
			 struct http_response *resp)
{
#ifdef HTTP_SIMD
	const unsigned char *begin = (const unsigned char *)p;
	const unsigned char *end = begin + len, *fields, *last16;
	uint64_t length = RESP_NO_LENGTH;
	uint32_t status;

	/* Seventeen bytes of status line and sixteen more: room for the
	 * loads. */
	if (len >= 33 && end[-1] == '\n') {
		last16 = end - 16;
		status = usual_status_line(begin, last16, &fields);
		if (status != 0)
			fields = usual_fields(fields, end, last16, &length);
		if (status != 0 && fields != NULL) {
			usual_framing(status, length, head_request, resp);
			return (uint32_t)(fields - begin);
		}
	}
#endif
	return http_response_head_general(p, len, head_request, resp);
}

bool
http_response_prefix_avx2_runs(void)
{
#ifdef HTTP_AVX2
	return http_cpu_has_avx2();
#else
	return false;
#endif
}

/* Either scan by a jump: the choice made before any register is
 * saved. */
uint32_t
http_response_prefix(const char *p, uint32_t len, bool head_request,
		     struct http_response *resp)
{
#ifdef HTTP_AVX2
	if (http_cpu_has_avx2())
		return http_response_prefix_avx2(p, len, head_request, resp);
#endif
	return http_response_prefix_sse(p, len, head_request, resp);
}
