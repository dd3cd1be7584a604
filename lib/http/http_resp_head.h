/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_RESP_HEAD_H
#define TERN_HTTP_RESP_HEAD_H

/*
 * Inside lib/http: the parts of the usual response head's path that its
 * two scans of the field lines share (http_resp_head.c, sixteen bytes a
 * step with SSSE3; http_resp_head_avx2.c, 32 with AVX2): the status
 * line, the Content-Length value, the framing, a name's compare, and
 * the choice of the scan.
 */

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "http_class.h"

#ifdef HTTP_SIMD

/* The AVX2 scan where the compiler can build it for a CPU that has it
 * (a function attribute: the library stays SSSE3 otherwise). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HTTP_AVX2 1
#define HTTP_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2")))

/* Does this CPU run the AVX2 scan? Three bits of the CPU model the
 * compiler's runtime reads once at start-up: a load and a test. */
static inline bool
http_cpu_has_avx2(void)
{
	return __builtin_cpu_supports("avx2") &&
	       __builtin_cpu_supports("bmi") &&
	       __builtin_cpu_supports("bmi2");
}
#endif

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
#endif /* HTTP_SIMD */

#endif /* TERN_HTTP_RESP_HEAD_H */
