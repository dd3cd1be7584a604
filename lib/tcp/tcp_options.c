/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP option parsing and emission. The rules are stated once, in
 * tcp_options.h; this file follows them. Wire values are big-endian and
 * options may start on any byte (RFC 9293 MUST-64), so multi-byte fields
 * are read and written a byte at a time rather than through casts.
 */

#include <string.h>

#include "tcp_options.h"

/* Lengths of the option kinds we understand, kind and length bytes
 * included (RFC 9293 3.2, RFC 7323 2.2 and 3.2, RFC 2018 2 and 3). */
#define TCP_OLEN_MSS 4
#define TCP_OLEN_WS 3
#define TCP_OLEN_SACK_PERM 2
#define TCP_OLEN_TS 10
#define TCP_OLEN_SACK_BASE 2
#define TCP_OLEN_SACK_BLOCK 8

/* Emitted sizes, padding included, in the layouts Linux uses so that
 * middleboxes tuned to Linux traffic see familiar headers. */
#define TCP_EMIT_MSS 4           /* MSS */
#define TCP_EMIT_TS 12           /* SACK_PERM TS, or NOP NOP TS */
#define TCP_EMIT_SACK_PERM 4     /* NOP NOP SACK_PERM (no TS) */
#define TCP_EMIT_WS 4            /* NOP WS */
#define TCP_EMIT_SACK_BASE 4     /* NOP NOP SACK kind, length */

/* The first word of NOP NOP TS, the usual data-segment options. */
#define TCP_TS_ALIGNED_WORD \
	((TCP_OPT_NOP << 24) | (TCP_OPT_NOP << 16) | (TCP_OPT_TS << 8) | \
	 TCP_OLEN_TS)

_Static_assert(TCP_TS_ALIGNED_WORD == 0x0101080a &&
	       TCP_EMIT_TS == TCP_OPTS_TS_LEN,
	       "tcp_opts_write() in tcp_options.h writes NOP NOP TS");

/* The SYN options Linux and tern send with everything on, 20 bytes:
 * MSS, SACK-permitted + TS, NOP WS (the layouts of tcp_options.h). */
#define TCP_SYN_LAYOUT_LEN 20
#define TCP_SYN_MSS_HALF ((TCP_OPT_MSS << 8) | TCP_OLEN_MSS)
#define TCP_SYN_SACK_TS_WORD \
	((TCP_OPT_SACK_PERM << 24) | (TCP_OLEN_SACK_PERM << 16) | \
	 (TCP_OPT_TS << 8) | TCP_OLEN_TS)
#define TCP_SYN_WS_3BYTES ((TCP_OPT_NOP << 16) | (TCP_OPT_WS << 8) | TCP_OLEN_WS)

static inline uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* memcpy: any alignment, one load and a byte swap. */
static inline uint32_t
get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return tcp_opts_be32(v);
}

static inline uint8_t *
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *
put_be32(uint8_t *p, uint32_t v)
{
	uint32_t w = tcp_opts_be32(v);

	memcpy(p, &w, sizeof(w));
	return p + 4;
}

/* Two option bytes: kind and length, or two single-byte kinds. */
static inline uint8_t *
put_2(uint8_t *p, uint8_t a, uint8_t b)
{
	p[0] = a;
	p[1] = b;
	return p + 2;
}

/*
 * Record one option whose kind and length bytes are valid and whose
 * @p dlen data bytes at @p data lie inside the header. Known kinds with
 * a wrong length are ignored rather than fatal: the option boundary is
 * still known, so the rest of the list parses safely.
 */
static void
opt_record(uint8_t kind, const uint8_t *data, unsigned int dlen, bool syn,
	   struct tcp_opts *out)
{
	unsigned int nblocks, i;

	switch (kind) {
	case TCP_OPT_MSS:
		if (!syn || dlen != TCP_OLEN_MSS - 2)
			return;
		out->mss_ok = true;
		out->mss = get_be16(data);
		return;
	case TCP_OPT_WS:
		if (!syn || dlen != TCP_OLEN_WS - 2)
			return;
		out->ws_ok = true;
		/* RFC 7323 2.3: a larger shift is used as 14, which keeps
		 * the window (2^14 * 65535) below 2^30, half the sequence
		 * space. */
		out->ws = data[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : data[0];
		return;
	case TCP_OPT_SACK_PERM:
		if (!syn || dlen != TCP_OLEN_SACK_PERM - 2)
			return;
		out->sack_perm = true;
		return;
	case TCP_OPT_TS:
		if (dlen != TCP_OLEN_TS - 2)
			return;
		out->ts_ok = true;
		out->tsval = get_be32(data);
		out->tsecr = get_be32(data + 4);
		return;
	case TCP_OPT_SACK:
		if (dlen == 0 || dlen % TCP_OLEN_SACK_BLOCK != 0)
			return;
		nblocks = dlen / TCP_OLEN_SACK_BLOCK;
		if (nblocks > TCP_MAX_SACK_BLOCKS)
			return;
		/* A later SACK option replaces an earlier one whole. */
		memset(out->sack, 0, sizeof(out->sack));
		for (i = 0; i < nblocks; i++) {
			const uint8_t *b = data + i * TCP_OLEN_SACK_BLOCK;

			out->sack[i].start = get_be32(b);
			out->sack[i].end = get_be32(b + 4);
		}
		out->nsack = (uint8_t)nblocks;
		return;
	default:
		/* RFC 9293 MUST-6: unknown kinds are skipped silently. */
		return;
	}
}

/*
 * The usual SYN in three comparisons: what the general loop makes of
 * these 20 bytes, without walking them. @return false for any other.
 */
static bool
tcp_opts_parse_usual_syn(const uint8_t *opts, unsigned int len,
			 struct tcp_opts *out)
{
	if (len != TCP_SYN_LAYOUT_LEN ||
	    get_be16(opts) != TCP_SYN_MSS_HALF ||
	    get_be32(opts + 4) != TCP_SYN_SACK_TS_WORD ||
	    get_be32(opts + 16) >> 8 != TCP_SYN_WS_3BYTES)
		return false;
	out->mss_ok = true;
	out->mss = get_be16(opts + 2);
	out->sack_perm = true;
	out->ts_ok = true;
	out->tsval = get_be32(opts + 8);
	out->tsecr = get_be32(opts + 12);
	out->ws_ok = true;
	out->ws = opts[19] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : opts[19];
	return true;
}

enum tcp_opts_result
tcp_opts_parse_any(const uint8_t *opts, unsigned int len, bool syn,
		   struct tcp_opts *out)
{
	unsigned int off = 0;

	memset(out, 0, sizeof(*out));
	/* (NOP NOP TS alone is taken in tcp_opts_parse(), inline.) */
	if (len == TCP_EMIT_TS && get_be32(opts) == TCP_TS_ALIGNED_WORD) {
		out->ts_ok = true;
		out->tsval = get_be32(opts + 4);
		out->tsecr = get_be32(opts + 8);
		return TCP_OPTS_OK;
	}
	if (syn && tcp_opts_parse_usual_syn(opts, len, out))
		return TCP_OPTS_OK;
	while (off < len) {
		uint8_t kind = opts[off];
		unsigned int optlen;

		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			off++;
			continue;
		}
		/* Every other kind has a length byte (RFC 9293 MUST-68);
		 * a missing, too short or overlong one leaves no safe place
		 * to resume, so the whole list is rejected (MUST-7). */
		if (len - off < 2)
			goto malformed;
		optlen = opts[off + 1];
		if (optlen < 2 || optlen > len - off)
			goto malformed;
		opt_record(kind, opts + off + 2, optlen - 2, syn, out);
		off += optlen;
	}
	return TCP_OPTS_OK;

malformed:
	/* Leave nothing half-parsed for a caller that ignores the
	 * result. */
	memset(out, 0, sizeof(*out));
	return TCP_OPTS_MALFORMED;
}

/* How many of @p o's SACK blocks fit after @p used bytes of options. */
static unsigned int
sack_blocks_that_fit(const struct tcp_opts_out *o, unsigned int used)
{
	unsigned int n = o->nsack;

	if (n > TCP_MAX_SACK_BLOCKS)
		n = TCP_MAX_SACK_BLOCKS;
	while (n > 0 &&
	       used + TCP_EMIT_SACK_BASE + n * TCP_OLEN_SACK_BLOCK >
	       TCP_MAX_OPT_LEN)
		n--;
	return n;
}

/* Bytes of everything but the SACK blocks (at most 20). */
static unsigned int
fixed_opts_len(const struct tcp_opts_out *o)
{
	unsigned int len = 0;

	if (o->mss_ok)
		len += TCP_EMIT_MSS;
	if (o->ts_ok)
		len += TCP_EMIT_TS;
	else if (o->sack_perm)
		len += TCP_EMIT_SACK_PERM;
	if (o->ws_ok)
		len += TCP_EMIT_WS;
	return len;
}

#define TCP_EMIT_SYN_USUAL \
	(TCP_EMIT_MSS + TCP_EMIT_TS + TCP_EMIT_WS)

_Static_assert(TCP_EMIT_SYN_USUAL == TCP_OPTS_SYN_USUAL_LEN &&
	       TCP_OLEN_MSS == 4 && TCP_OLEN_SACK_PERM == 2 &&
	       TCP_OLEN_WS == 3,
	       "tcp_opts_write_syn_usual() in tcp_options.h writes MSS, "
	       "SACK-permitted + TS, NOP WS");

unsigned int
tcp_opts_len_any(const struct tcp_opts_out *o)
{
	unsigned int len;

	if (tcp_opts_syn_usual(o))
		return TCP_EMIT_SYN_USUAL;
	len = fixed_opts_len(o);

	unsigned int nsack = sack_blocks_that_fit(o, len);

	if (nsack > 0)
		len += TCP_EMIT_SACK_BASE + nsack * TCP_OLEN_SACK_BLOCK;
	return len;
}

unsigned int
tcp_opts_write_any(uint8_t *buf, const struct tcp_opts_out *o)
{
	unsigned int nsack, i;
	uint8_t *p = buf;

	if (tcp_opts_syn_usual(o)) {
		tcp_opts_write_syn_usual(buf, o);
		return TCP_EMIT_SYN_USUAL;
	}
	nsack = sack_blocks_that_fit(o, fixed_opts_len(o));
	if (o->mss_ok)
		p = put_be16(put_2(p, TCP_OPT_MSS, TCP_OLEN_MSS), o->mss);
	if (o->ts_ok) {
		/* SACK-permitted takes the two bytes NOPs would pad. */
		if (o->sack_perm)
			p = put_2(p, TCP_OPT_SACK_PERM, TCP_OLEN_SACK_PERM);
		else
			p = put_2(p, TCP_OPT_NOP, TCP_OPT_NOP);
		p = put_2(p, TCP_OPT_TS, TCP_OLEN_TS);
		p = put_be32(p, o->tsval);
		p = put_be32(p, o->tsecr);
	} else if (o->sack_perm) {
		p = put_2(p, TCP_OPT_NOP, TCP_OPT_NOP);
		p = put_2(p, TCP_OPT_SACK_PERM, TCP_OLEN_SACK_PERM);
	}
	if (o->ws_ok) {
		p = put_2(p, TCP_OPT_NOP, TCP_OPT_WS);
		p = put_2(p, TCP_OLEN_WS,
			  o->ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o->ws);
	}
	if (nsack > 0) {
		p = put_2(p, TCP_OPT_NOP, TCP_OPT_NOP);
		p = put_2(p, TCP_OPT_SACK, (uint8_t)(TCP_OLEN_SACK_BASE +
			  nsack * TCP_OLEN_SACK_BLOCK));
		for (i = 0; i < nsack; i++) {
			p = put_be32(p, o->sack[i].start);
			p = put_be32(p, o->sack[i].end);
		}
	}
	return (unsigned int)(p - buf);
}
