/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTP_CLASS_H
#define TERN_HTTP_CLASS_H

/*
 * Inside lib/http: the byte classes of HTTP/1.1 heads (RFC 9110 5.6.2,
 * RFC 9112 5) from a table, and where SSSE3 is there the stop bytes of
 * a class among sixteen at once, and the word reads (a short decimal in
 * one load), for the head parsers of http.c.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Sixteen bytes at a time where SSSE3 is there (every x86-64 CPU DPDK
 * runs on); TERN_HTTP_SCALAR builds the byte-table scans alone, which
 * the unit suite runs too (bench-http-scalar). */
#if defined(__SSSE3__) && !defined(TERN_HTTP_SCALAR)
#include <tmmintrin.h>
#define HTTP_SIMD 1
#endif

enum char_class {
	C_TCHAR = 1u << 0,   /* token character (RFC 9110 5.6.2) */
	C_FIELD = 1u << 1,   /* field-value byte: VCHAR, obs-text, SP, HTAB */
	C_TARGET = 1u << 2,  /* request-target byte: visible, not SP */
	C_DIGIT = 1u << 3,
};

#define TCHAR_VIS (C_TCHAR | C_FIELD | C_TARGET)
#define VIS (C_FIELD | C_TARGET)

static const uint8_t char_class[256] = {
	['\t'] = C_FIELD,
	[' '] = C_FIELD,
	['!'] = TCHAR_VIS, ['"'] = VIS, ['#'] = TCHAR_VIS, ['$'] = TCHAR_VIS,
	['%'] = TCHAR_VIS, ['&'] = TCHAR_VIS, ['\''] = TCHAR_VIS,
	['('] = VIS, [')'] = VIS, ['*'] = TCHAR_VIS, ['+'] = TCHAR_VIS,
	[','] = VIS, ['-'] = TCHAR_VIS, ['.'] = TCHAR_VIS, ['/'] = VIS,
	['0' ... '9'] = TCHAR_VIS | C_DIGIT,
	[':'] = VIS, [';'] = VIS, ['<'] = VIS, ['='] = VIS, ['>'] = VIS,
	['?'] = VIS, ['@'] = VIS,
	['A' ... 'Z'] = TCHAR_VIS,
	['['] = VIS, ['\\'] = VIS, [']'] = VIS, ['^'] = TCHAR_VIS,
	['_'] = TCHAR_VIS, ['`'] = TCHAR_VIS,
	['a' ... 'z'] = TCHAR_VIS,
	['{'] = VIS, ['|'] = TCHAR_VIS, ['}'] = VIS, ['~'] = TCHAR_VIS,
	[0x80 ... 0xff] = VIS,   /* obs-text */
};

static inline bool
is(unsigned char c, enum char_class k)
{
	return (char_class[c] & k) != 0;
}

/* Eight bytes from @p p, the first in the least significant byte. */
static inline uint64_t
load_le64(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Four bytes from @p p, the first in the least significant byte. */
static inline uint32_t
load_le32(const unsigned char *p)
{
	uint32_t x;

	memcpy(&x, p, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap32(x);
#endif
	return x;
}

/*
 * The digits at @p v when fewer than eight of them are followed by a
 * non-digit within the eight bytes from @p v (which the caller has),
 * read as one word: each byte XOR '0' is its digit, 0 to 9, only for a
 * digit (a byte of 10 or more gets its high bit set by adding 0x76 to
 * its low seven bits, with no carry out of the byte), and the digits
 * moved to the top of the word, behind zeros, are summed pairwise
 * (10, then 100, then 10^4 at a time). @return how many digits, 0 when
 * eight or more (the caller reads them a byte at a time), with their
 * value in @p out.
 */
static inline uint32_t
short_decimal(const unsigned char *v, uint64_t *out)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t d = load_le64(v) ^ (ones * '0');
	uint64_t not_digit = (((d & ~(ones * 0x80)) + ones * 0x76) | d) &
			     (ones * 0x80);
	uint32_t n;

	if (not_digit == 0)
		return 0;
	n = (uint32_t)__builtin_ctzll(not_digit) / 8;
	if (n == 0)
		return 0;
	d <<= 64 - 8 * n;   /* the first digit lands in byte 8 - n */
	d = (d * 10 + (d >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	d = (d * 100 + (d >> 16)) & UINT64_C(0x0000ffff0000ffff);
	*out = (uint32_t)(d * 10000 + (d >> 32));
	return n;
}

#ifdef HTTP_SIMD
/*
 * The stop bytes of class @p k among sixteen: bit i set when byte i is
 * not of the class. Field values and targets by comparison (a byte
 * below 0x20 or 0x21 is one its unsigned minimum with that bound leaves
 * unchanged); tokens by two nibble lookups: byte h:l is a tchar when
 * the bit for its high nibble h is set in the low nibble's entry
 * (obs-text, h >= 8, has none).
 */
static inline uint32_t
stop_bits(__m128i x, enum char_class k)
{
	const __m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
	__m128i stop;

	if (k == C_TCHAR) {
		/* tchar_of_low[l]: bit h set when h:l is a tchar. */
		const __m128i tchar_of_low = _mm_setr_epi8(
			(char)0xe8, (char)0xfc, (char)0xf8, (char)0xfc,
			(char)0xfc, (char)0xfc, (char)0xfc, (char)0xfc,
			(char)0xf8, (char)0xf8, (char)0xf4, 0x54,
			(char)0xd0, 0x54, (char)0xf4, 0x70);
		const __m128i bit_of_high = _mm_setr_epi8(
			1, 2, 4, 8, 16, 32, 64, (char)0x80, 0, 0, 0, 0, 0, 0,
			0, 0);
		const __m128i nib = _mm_set1_epi8(0x0f);
		/* x itself the index: a byte with its high bit set
		 * (obs-text) looks up 0, no tchar. */
		__m128i lo = _mm_shuffle_epi8(tchar_of_low, x);
		__m128i hi = _mm_shuffle_epi8(bit_of_high,
			_mm_and_si128(_mm_srli_epi16(x, 4), nib));

		stop = _mm_cmpeq_epi8(_mm_and_si128(lo, hi),
				      _mm_setzero_si128());
	} else if (k == C_FIELD) {
		__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x,
					     _mm_set1_epi8(0x1f)), x);

		stop = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x,
				    _mm_set1_epi8('\t')), ctl), del);
	} else {
		stop = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x,
				    _mm_set1_epi8(0x20)), x), del);
	}
	return (uint32_t)_mm_movemask_epi8(stop);
}

static inline __m128i
load16(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/*
 * The stop bytes of a field value of visible ASCII and SP among
 * sixteen: bit i set when byte i is a CTL (HTAB too), DEL or obs-text.
 * The sign of a signed subtraction that saturates: x + 1 is 33 or more
 * exactly for 0x20 to 0x7e (DEL becomes -128, obs-text -127 to 0), and
 * less than 33 less 33 is negative, -128 at least. HTAB and obs-text,
 * legal but rare in a value, stop a caller that then hands the line to
 * the full class scans.
 */
static inline uint32_t
ascii_value_stop_bits(__m128i x)
{
	return (uint32_t)_mm_movemask_epi8(_mm_subs_epi8(
		_mm_add_epi8(x, _mm_set1_epi8(1)), _mm_set1_epi8(33)));
}
#endif

#endif /* TERN_HTTP_CLASS_H */
