/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_ECHO_SHA256_H
#define TERN_ECHO_SHA256_H

/*
 * SHA-256 (FIPS 180-4) for tern-echo's --discard and --source modes: the
 * interop tests compare the digest of what one side sent with the
 * digest of what the other received, computed independently (Python's
 * hashlib or sha256sum on the kernel side). Incremental, so a stream is
 * hashed as its segments come and go; no library dependency for one
 * test application.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ECHO_SHA256_LEN 32
#define ECHO_SHA256_HEX_LEN (2 * ECHO_SHA256_LEN + 1)

struct echo_sha256 {
	uint32_t h[8];
	uint64_t len_bytes;          /* hashed so far */
	uint8_t block[64];
	uint32_t fill;               /* bytes waiting in block */
};

/* First 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (FIPS 180-4 4.2.2). */
static const uint32_t echo_sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t
echo_sha256_ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

/* One 64-byte block into the state (FIPS 180-4 6.2.2). */
static inline void
echo_sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (unsigned int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (unsigned int t = 16; t < 64; t++) {
		uint32_t s0 = echo_sha256_ror(w[t - 15], 7) ^
			      echo_sha256_ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = echo_sha256_ror(w[t - 2], 17) ^
			      echo_sha256_ror(w[t - 2], 19) ^ (w[t - 2] >> 10);

		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	hh = h[7];
	for (unsigned int t = 0; t < 64; t++) {
		uint32_t s1 = echo_sha256_ror(e, 6) ^ echo_sha256_ror(e, 11) ^
			      echo_sha256_ror(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + s1 + ch + echo_sha256_k[t] + w[t];
		uint32_t s0 = echo_sha256_ror(a, 2) ^ echo_sha256_ror(a, 13) ^
			      echo_sha256_ror(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);

		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + s0 + maj;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

static inline void
echo_sha256_init(struct echo_sha256 *s)
{
	/* First 32 bits of the fractional parts of the square roots of the
	 * first 8 primes (FIPS 180-4 5.3.3). */
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->len_bytes = 0;
	s->fill = 0;
}

static inline void
echo_sha256_update(struct echo_sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->len_bytes += len;
	if (s->fill > 0) {
		size_t n = sizeof(s->block) - s->fill;

		if (n > len)
			n = len;
		memcpy(s->block + s->fill, p, n);
		s->fill += (uint32_t)n;
		p += n;
		len -= n;
		if (s->fill < sizeof(s->block))
			return;
		echo_sha256_block(s->h, s->block);
		s->fill = 0;
	}
	for (; len >= sizeof(s->block); p += 64, len -= 64)
		echo_sha256_block(s->h, p);
	memcpy(s->block, p, len);
	s->fill = (uint32_t)len;
}

/* Pad (FIPS 180-4 5.1.1) and write the digest as lower-case hex. */
static inline void
echo_sha256_hex(const struct echo_sha256 *in, char out[ECHO_SHA256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";
	struct echo_sha256 s = *in;
	uint64_t bits = s.len_bytes * 8;
	uint8_t pad[72];
	size_t pad_len = (s.fill < 56 ? 56 : 120) - s.fill;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (unsigned int i = 0; i < 8; i++)
		pad[pad_len + i] = (uint8_t)(bits >> (56 - 8 * i));
	echo_sha256_update(&s, pad, pad_len + 8);
	for (unsigned int i = 0; i < ECHO_SHA256_LEN; i++) {
		uint8_t b = (uint8_t)(s.h[i / 4] >> (24 - 8 * (i % 4)));

		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 15];
	}
	out[2 * ECHO_SHA256_LEN] = '\0';
}

#endif /* TERN_ECHO_SHA256_H */
