/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual response head's field lines with AVX2 (http_resp_head.c has
 * the rest of the path and chooses this scan when the CPU has AVX2,
 * BMI1 and BMI2): one 32-byte load at each line's start gives the stop
 * bytes of both of its parts, no tchar (where the name ends, which must
 * be its colon) and no visible ASCII or SP (where the value ends, which
 * must be the CR of its CRLF), so that a line of up to 31 bytes is one
 * load, two counts of zeros and its CRLF's compare; a longer value takes
 * one more load per 32 bytes. The sixteen-byte scan needs a load for the
 * name and one or more from the colon, each with its classes computed
 * in SSE's two-operand forms. Names of up to 31 bytes are taken (longer
 * ones go to the general parse); Content-Length, Connection and
 * Transfer-Encoding are told by their lengths and names.
 *
 * Built with the target attribute only: the rest of the library stays
 * SSSE3, and nothing here runs on a CPU without AVX2.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "http_class.h"
#include "http_prefix.h"
#include "http_resp_head.h"

#ifdef HTTP_AVX2
#include <immintrin.h>

/* Bytes one load covers: a bit each in a 32-bit word. */
#define BLOCK 32

/* The tables and constants of the scans, each one 32-byte load (or
 * operand). */
static const uint8_t block_tables[5][BLOCK] __attribute__((aligned(32))) = {
	/* tchar_of_low[l]: bit h set when h:l is a tchar (twice) */
	{ 0xe8, 0xfc, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
	  0xf8, 0xf8, 0xf4, 0x54, 0xd0, 0x54, 0xf4, 0x70,
	  0xe8, 0xfc, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
	  0xf8, 0xf8, 0xf4, 0x54, 0xd0, 0x54, 0xf4, 0x70 },
	/* bit_of_high[h]: 1 << h for h below 8 (twice) */
	{ 1, 2, 4, 8, 16, 32, 64, 0x80, 0, 0, 0, 0, 0, 0, 0, 0,
	  1, 2, 4, 8, 16, 32, 64, 0x80, 0, 0, 0, 0, 0, 0, 0, 0 },
	/* the low nibble */
	{ [0 ... 31] = 0x0f },
	/* one */
	{ [0 ... 31] = 1 },
	/* 33: x + 1 below it stops a value */
	{ [0 ... 31] = 33 },
};

enum block_table {
	TCHAR_OF_LOW,
	BIT_OF_HIGH,
	LOW_NIBBLE,
	ONE,
	VALUE_LOW,
};

/* The scans' constants, in registers for the whole head. */
struct block_consts {
	__m256i tchar_of_low;
	__m256i bit_of_high;
	__m256i low_nibble;
	__m256i one;
	__m256i value_low;
};

/* The constants loaded from the tables: the tables hidden from the
 * compiler (else it builds the uniform ones in registers, three
 * instructions each where a load is one), and each constant once loaded
 * (else it loads the others again per line). */
HTTP_AVX2_TARGET static inline void
block_consts_load(struct block_consts *k)
{
	const uint8_t (*t)[BLOCK] = block_tables;

	__asm__("" : "+r"(t));
	k->tchar_of_low = _mm256_load_si256((const __m256i *)(const void *)
					    t[TCHAR_OF_LOW]);
	k->bit_of_high = _mm256_load_si256((const __m256i *)(const void *)
					   t[BIT_OF_HIGH]);
	k->low_nibble = _mm256_load_si256((const __m256i *)(const void *)
					  t[LOW_NIBBLE]);
	k->one = _mm256_load_si256((const __m256i *)(const void *)t[ONE]);
	k->value_low = _mm256_load_si256((const __m256i *)(const void *)
					 t[VALUE_LOW]);
	__asm__("" : "+x"(k->tchar_of_low), "+x"(k->bit_of_high),
		"+x"(k->low_nibble), "+x"(k->one), "+x"(k->value_low));
}

HTTP_AVX2_TARGET static inline __m256i
load32(const unsigned char *p)
{
	return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* The no-tchar bytes among 32, by the two nibble lookups of
 * http_class.h's stop_bits() (obs-text indexes 0: no tchar). */
HTTP_AVX2_TARGET static inline uint32_t
name_stop32(const struct block_consts *k, __m256i x)
{
	__m256i lo = _mm256_shuffle_epi8(k->tchar_of_low, x);
	__m256i hi = _mm256_shuffle_epi8(k->bit_of_high,
		_mm256_and_si256(_mm256_srli_epi16(x, 4), k->low_nibble));

	return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		_mm256_and_si256(lo, hi), _mm256_setzero_si256()));
}

/* The value's stop bytes among 32, as ascii_value_stop_bits(): the
 * sign of x + 1 - 33, saturating. */
HTTP_AVX2_TARGET static inline uint32_t
value_stop32(const struct block_consts *k, __m256i x)
{
	return (uint32_t)_mm256_movemask_epi8(_mm256_subs_epi8(
		_mm256_add_epi8(x, k->one), k->value_low));
}

/*
 * The end of a value that runs on at @p v (before or at @p end, the
 * piece 32 bytes or more): the first byte not visible ASCII or SP, 32
 * at a time, the last 32 of the piece shifted. @return it, or NULL at
 * the end (no line end).
 */
HTTP_AVX2_TARGET static inline const unsigned char *
value_end(const struct block_consts *k, const unsigned char *v,
	  const unsigned char *end)
{
	const unsigned char *last32 = end - BLOCK;
	uint32_t stop;

	for (; v <= last32; v += BLOCK) {
		stop = value_stop32(k, load32(v));
		if (stop != 0)
			return v + _tzcnt_u32(stop);
	}
	if (v >= end)
		return NULL;
	/* The head's last byte, a LF, stops the scan. */
	stop = value_stop32(k, load32(last32)) >> (v - last32);
	return v + _tzcnt_u32(stop);
}

/* Is the name at @p p, of tchars, "connection" (10 bytes), in any
 * case? A tchar ORed with 0x20 gives a letter only from that letter. */
static inline bool
name_is_connection(const unsigned char *p)
{
	return (load_le64(p) | UINT64_C(0x2020202020202020)) ==
	       load_le64((const unsigned char *)"connecti") &&
	       (p[8] | 0x20) == 'o' && (p[9] | 0x20) == 'n';
}

/* Is the name at @p p, of tchars, "transfer-encoding" (17 bytes)? */
static inline bool
name_is_transfer_encoding(const unsigned char *p)
{
	const uint64_t fold = UINT64_C(0x2020202020202020);

	return (load_le64(p) | fold) ==
	       load_le64((const unsigned char *)"transfer") &&
	       (load_le64(p + 8) | fold) ==
	       load_le64((const unsigned char *)"-encodin") &&
	       (p[16] | 0x20) == 'g';
}

/* The name lengths of the fields the usual path acts on or hands over:
 * Connection (10), Content-Length (14), Transfer-Encoding (17); and an
 * empty name (a line starting with its colon), which it refuses. */
#define NAME_LENGTHS_ACTED_ON \
	(UINT64_C(1) << 0 | UINT64_C(1) << 10 | UINT64_C(1) << 14 | \
	 UINT64_C(1) << 17)

/*
 * A Content-Length value, v[0..vend) (visible ASCII and SP, a CR at
 * vend): SPs, 1 to 18 digits, SPs, as parse_length() after trim_ows()
 * takes it; its end known, the digits a byte at a time (the usual few
 * cost less so than an eight-byte load's mask and sums). A second
 * Content-Length is the general path's (RFC 9110 8.6: repeats must
 * agree). @return 0 or -1.
 */
static inline int
line_content_length(uint64_t *length, const unsigned char *v,
		    const unsigned char *vend)
{
	const unsigned char *digits;
	uint64_t n = 0;

	if (*length != RESP_NO_LENGTH)
		return -1;
	while (*v == ' ')
		v++;
	digits = v;
	/* The CR at vend stops both loops. */
	for (; (unsigned int)(*v - '0') <= 9; v++)
		n = n * 10 + (uint64_t)(*v - '0');
	if (v == digits || v - digits > RESP_LENGTH_DIGITS_MAX)
		return -1;
	while (*v == ' ')
		v++;
	if (v != vend)
		return -1;
	*length = n;
	return 0;
}

/*
 * The field line whose name, of @p name_len tchars (0, 10, 14 or 17),
 * starts at @p name, and whose value ends at @p vend: what the usual
 * path does with it. @return 0, or -1 for the general path's (an empty
 * name is malformed; Connection and Transfer-Encoding are lists it
 * reads; a Content-Length it does not take).
 */
HTTP_AVX2_TARGET static inline int
line_field(const unsigned char *name, uint32_t name_len,
	   const unsigned char *vend, uint64_t *length)
{
	/* The value's CRLF follows the name: sixteen bytes readable. */
	if (name_len == 14)
		return name16_is(load16(name), "content-length\0\0", 14) ?
		       line_content_length(length, name + 15, vend) : 0;
	if (name_len == 10)
		return name_is_connection(name) ? -1 : 0;
	if (name_len == 17)
		return name_is_transfer_encoding(name) ? -1 : 0;
	return -1;
}

/*
 * The field lines from @p p (before @p end, the piece 64 bytes or more)
 * up to and past the empty line: per line the stop bytes of the 32 from
 * its start (near the end, of the piece's last 32, shifted), the name's
 * stop its colon, the value's its CR (further loads when the value runs
 * on), the CRLF and the empty line after it in one 32-bit compare.
 * @return the head's end, or NULL: the general path's (*length as
 * usual_fields()).
 */
HTTP_AVX2_TARGET static inline const unsigned char *
block_fields(const unsigned char *p, const unsigned char *end,
	     uint64_t *length)
{
	struct block_consts k;
	const unsigned char *v, *last32 = end - BLOCK, *last4 = end - 4;
	uint32_t name_stop, value_stop, name_len, crlf2, skip;
	__m256i x;

	block_consts_load(&k);
	for (;;) {
		/* A name's stop at byte 31 at the latest: a longer name
		 * fails the colon test, the general path's. */
		if (__builtin_expect(p <= last32, 1)) {
			x = load32(p);
			name_stop = name_stop32(&k, x) | UINT32_C(1) << 31;
			value_stop = value_stop32(&k, x);
		} else {
			/* Bytes past the end give no stops; the head's
			 * last, a LF, stops both scans before them. */
			if (p >= end)
				return NULL;   /* no empty line */
			skip = (uint32_t)(p - last32);
			x = load32(last32);
			name_stop = name_stop32(&k, x) >> skip |
				    UINT32_C(1) << 31;
			value_stop = value_stop32(&k, x) >> skip;
		}
		name_len = _tzcnt_u32(name_stop);
		if (p[name_len] != ':')
			break;   /* the empty line, or the general path's */
		/* The value's stops from the colon on (name_len is 31 at
		 * most: two shifts, each within the word; a colon at byte
		 * 31 leaves no stop, and the value is looked for past the
		 * load); a value running on
		 * past the load started at p (not near the end: there the
		 * head's last LF stops it). */
		value_stop = value_stop >> name_len >> 1;
		v = value_stop != 0 ?
		    p + name_len + 1 + _tzcnt_u32(value_stop) :
		    value_end(&k, p + BLOCK, end);
		if (v == NULL)
			return NULL;
		/* An empty name with the names acted on: one test. */
		if ((UINT64_C(1) << name_len & NAME_LENGTHS_ACTED_ON) != 0 &&
		    line_field(p, name_len, v, length) != 0)
			return NULL;
		/* The CRLF, and the empty line after it; without room for
		 * both no head ends in the piece. */
		if (v > last4)
			return NULL;
		crlf2 = load_le32(v);
		if (crlf2 == 0x0a0d0a0du)
			return v + 4;
		if ((uint16_t)crlf2 != 0x0a0du)
			return NULL;
		p = v + 2;
	}
	/* p[0] is within the head; a CR there is not its last byte. */
	if (p[0] == '\r' && p[1] == '\n')
		return p + 2;
	return NULL;
}

HTTP_AVX2_TARGET uint32_t
http_response_prefix_avx2(const char *p, uint32_t len, bool head_request,
			  struct http_response *resp)
{
	const unsigned char *begin = (const unsigned char *)p;
	const unsigned char *end = begin + len, *fields;
	uint64_t length = RESP_NO_LENGTH;
	uint32_t status;

	/* Room for a 32-byte load anywhere after the status line (which
	 * is 30 bytes at most on this path). */
	if (len < 2 * BLOCK || end[-1] != '\n')
		return http_response_prefix_sse(p, len, head_request, resp);
	status = usual_status_line(begin, end - 16, &fields);
	if (status != 0)
		fields = block_fields(fields, end, &length);
	if (status != 0 && fields != NULL) {
		usual_framing(status, length, head_request, resp);
		return (uint32_t)(fields - begin);
	}
	return http_response_head_general(p, len, head_request, resp);
}

#else

/* No AVX2 scan in this build: the general parse (never chosen). */
uint32_t
http_response_prefix_avx2(const char *p, uint32_t len, bool head_request,
			  struct http_response *resp)
{
	return http_response_head_general(p, len, head_request, resp);
}

#endif /* HTTP_AVX2 */
