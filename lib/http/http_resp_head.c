/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual response head (RFC 9112 4 and 5), read in registers with
 * sixteen-byte loads: HTTP/1.1, a status line, field lines of names of
 * at most fifteen tchars and values of visible ASCII and SP, each
 * ending in CRLF, Content-Length the one field acted on. Any other head
 * (HTTP/1.0, Connection, Transfer-Encoding, an HTAB or obs-text, a bare
 * LF, a long name, a repeated Content-Length, anything malformed) goes
 * to http_response_head_general() in http.c, which parses it from its
 * start and gives every verdict: this path only ever accepts what that
 * one accepts, with the same result.
 */
#include <string.h>

#include "http.h"
#include "http_class.h"
#include "http_prefix.h"

#ifdef HTTP_SIMD

/* No Content-Length yet: above any of 18 digits. */
#define RESP_NO_LENGTH UINT64_MAX

/* Digits of a Content-Length taken (as http_value.h's parse_length()):
 * 10^18 fits in 63 bits. */
#define RESP_LENGTH_DIGITS_MAX 18

/* "HTTP/1.1", the only version this path takes, as one word. */
#define WORD_HTTP11 UINT64_C(0x312e312f50545448)
/* " 200 OK\r", the commonest rest of a status line but its LF. */
#define WORD_200_OK UINT64_C(0x0d4b4f2030303220)

/* Sixteen bytes of the lower-case @p lit (16 bytes readable). */
static inline __m128i
lit16(const char *lit)
{
	return _mm_loadu_si128((const __m128i *)(const void *)lit);
}

/*
 * Do the first @p n (at most 15) bytes of @p x, a name of n tchars, ORed
 * with 0x20, equal the lower-case @p lit? Only a letter ORed with 0x20
 * gives a letter, and no tchar but '-' gives '-': one comparison tells a
 * name in either case, in the register the name's scan loaded.
 */
static inline bool
name16_is(__m128i x, const char *lit, uint32_t n)
{
	__m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
	uint32_t same = (uint32_t)_mm_movemask_epi8(
		_mm_cmpeq_epi8(folded, lit16(lit)));

	return (~same & ((1u << n) - 1)) == 0;
}

/*
 * The status line at @p p, HTTP/1.1 (the head has 17 bytes or more):
 * "200 OK" by two word comparisons, any other code's SP and three
 * digits checked as one word (every high nibble what it must be, no
 * digit above 9: adding 6 would carry out of its nibble) and its reason
 * phrase by sixteen-byte loads, within @p last16, the last place one
 * may start. @return the status and *after past the line's CRLF, or 0.
 */
static inline uint32_t
usual_status_line(const unsigned char *p, const unsigned char *last16,
		  const unsigned char **after)
{
	uint64_t rest = load_le64(p + 8);
	uint32_t code = (uint32_t)rest, stop;
	const unsigned char *v;

	if (load_le64(p) != WORD_HTTP11)
		return 0;
	if (rest == WORD_200_OK && p[16] == '\n') {
		*after = p + 17;
		return 200;
	}
	/* SP, three digits, SP; then the reason phrase (maybe empty). */
	if ((code & 0xf0f0f0ffu) != 0x30303020u ||
	    ((code + 0x06060600u) & 0xf0f0f000u) != 0x30303000u ||
	    p[12] != ' ' || p + 13 > last16)
		return 0;
	v = p + 13;
	stop = ascii_value_stop_bits(load16(v));
	if (stop == 0)
		return 0;   /* a long reason phrase: the general scan */
	v += __builtin_ctz(stop);
	if (v[0] != '\r' || v[1] != '\n')
		return 0;
	*after = v + 2;
	return (p[9] - '0') * 100u + (p[10] - '0') * 10u + (p[11] - '0');
}

/*
 * A Content-Length value, v[0..vend) (visible ASCII and SP: the line's
 * scan stopped at vend): SPs, 1 to 18 digits, SPs, as parse_length()
 * after trim_ows() takes it. A second Content-Length is the general
 * path's (RFC 9110 8.6: repeats must agree). @return 0 or -1.
 */
static inline int
usual_content_length(uint64_t *length, const unsigned char *v,
		     const unsigned char *vend, const unsigned char *end)
{
	uint64_t n = 0;
	uint32_t digits = 0;

	if (*length != RESP_NO_LENGTH)
		return -1;
	while (*v == ' ')
		v++;
	if (end - v >= 8)
		digits = short_decimal(v, &n);
	if (digits == 0)
		for (; (unsigned int)(v[digits] - '0') <= 9; digits++)
			n = n * 10 + (uint64_t)(v[digits] - '0');
	v += digits;
	while (v != vend && *v == ' ')
		v++;
	if (digits == 0 || digits > RESP_LENGTH_DIGITS_MAX || v != vend)
		return -1;
	*length = n;
	return 0;
}

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

/* What the usual head's status and Content-Length say of its framing
 * (RFC 9112 6.3, in its order; HTTP/1.1 without Connection: it
 * persists unless the body runs to the end). */
static inline void
usual_framing(uint32_t status, uint64_t length, bool head_request,
	      struct http_response *resp)
{
	resp->status = (uint16_t)status;
	resp->version_minor = 1;
	resp->keep_alive = true;
	resp->content_length = 0;
	if (head_request || status < 200 || status == 204 || status == 304) {
		resp->body = HTTP_BODY_NONE;
	} else if (length != RESP_NO_LENGTH) {
		resp->body = HTTP_BODY_LENGTH;
		resp->content_length = length;
	} else {
		resp->body = HTTP_BODY_TO_EOF;
		resp->keep_alive = false;
	}
}
#endif

uint32_t
http_response_prefix(const char *p, uint32_t len, bool head_request,
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
