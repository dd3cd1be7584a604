/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_OPTIONS_H
#define TCP_OPTIONS_H

/**
 * @file
 * TCP option parsing and emission (RFC 9293 3.2, RFC 7323, RFC 2018).
 *
 * The parser reads only within [opts, opts + len) and reduces the
 * options to a small validated struct. Rules (docs/conformance.md):
 *  - EOL ends the list; NOP is skipped; bytes after EOL are ignored.
 *  - A length byte missing, < 2, or running past the header makes the
 *    whole option list malformed: TCP_OPTS_MALFORMED, segment dropped
 *    and counted (RFC 9293 3.1: "must be prepared to handle an illegal
 *    option length ... by resetting or dropping"; we drop).
 *  - Known kinds with a wrong length (MSS != 4, WS != 3, SACK-permitted
 *    != 2, TS != 10, SACK not 2 + 8n with n in 1..4) are ignored.
 *  - MSS / WS / SACK-permitted are recorded only when @p syn is true.
 *  - Unknown kinds are skipped by their length.
 *  - Window scale above 14 is recorded as 14 (RFC 7323 2.3).
 *  - TS and SACK blocks are recorded in any segment; whether they were
 *    agreed, and whether SACK blocks make sense (start < end, inside
 *    SND.UNA..SND.NXT), is for the engine to judge. MSS values are
 *    recorded as sent (0 and 1 included): the engine clamps.
 *  - A kind that appears twice: the last well-formed copy wins.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Host to network order and back (its own involution). This file and
 * tcp_options.c build without DPDK (the fuzz target links them alone). */
static inline uint32_t
tcp_opts_be32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACK_PERM 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8

#define TCP_MAX_SACK_BLOCKS 4  /**< 2 + 8 * 4 = 34 bytes; 5 would not fit */
#define TCP_MAX_OPT_LEN 40      /**< data offset 15 words - 5 */
#define TCP_MAX_WSCALE 14       /**< RFC 7323 2.3 */

enum tcp_opts_result {
	TCP_OPTS_OK = 0,
	TCP_OPTS_MALFORMED = -1,
};

struct tcp_sack_block {
	uint32_t start;   /**< first sequence number of the block */
	uint32_t end;     /**< one past the last */
};

struct tcp_opts {
	bool mss_ok, ws_ok, sack_perm, ts_ok;
	uint8_t ws;                   /**< 0..14 */
	uint8_t nsack;                /**< valid blocks in sack[] */
	uint16_t mss;
	uint32_t tsval, tsecr;
	struct tcp_sack_block sack[TCP_MAX_SACK_BLOCKS];
};

/** Bytes of NOP NOP TS, what a connection with timestamps sends. */
#define TCP_OPTS_TS_LEN 12

/* The general case of tcp_opts_parse() below. */
enum tcp_opts_result tcp_opts_parse_any(const uint8_t *opts,
					unsigned int len, bool syn,
					struct tcp_opts *out);

/**
 * Parse @p len option bytes at @p opts into @p out (zeroed first).
 * Reads only opts[0 .. len-1]; @p opts may be NULL when @p len is 0.
 * @return TCP_OPTS_OK; TCP_OPTS_MALFORMED (then @p out is all zero).
 */
static inline enum tcp_opts_result
tcp_opts_parse(const uint8_t *opts, unsigned int len, bool syn,
	       struct tcp_opts *out)
{
	uint32_t w[3];

	/* Most segments of a connection with timestamps carry exactly
	 * NOP NOP TS: taken in one comparison, here in the caller (as
	 * Linux's tcp_parse_aligned_timestamp does). */
	if (len != TCP_OPTS_TS_LEN)
		return tcp_opts_parse_any(opts, len, syn, out);
	memcpy(w, opts, sizeof(w));
	if (w[0] != tcp_opts_be32(0x0101080a))
		return tcp_opts_parse_any(opts, len, syn, out);
	memset(out, 0, sizeof(*out));
	out->ts_ok = true;
	out->tsval = tcp_opts_be32(w[1]);
	out->tsecr = tcp_opts_be32(w[2]);
	return TCP_OPTS_OK;
}

/** What to put in an outgoing segment's options. */
struct tcp_opts_out {
	bool mss_ok, ws_ok, sack_perm, ts_ok;
	uint8_t ws;
	uint8_t nsack;
	uint16_t mss;
	uint32_t tsval, tsecr;
	struct tcp_sack_block sack[TCP_MAX_SACK_BLOCKS];
};

/* The general cases of tcp_opts_len() and tcp_opts_write() below. */
unsigned int tcp_opts_len_any(const struct tcp_opts_out *o);
unsigned int tcp_opts_write_any(uint8_t *buf, const struct tcp_opts_out *o);

/* Timestamps and nothing else: every segment of a connection that
 * negotiated them, outside SYNs and SACK blocks. One test of the OR
 * rather than a branch per field. */
static inline bool
tcp_opts_ts_only(const struct tcp_opts_out *o)
{
	return o->ts_ok &&
	       (o->mss_ok | o->ws_ok | o->sack_perm | o->nsack) == 0;
}

/** Bytes tcp_opts_write() will write for @p o (a multiple of 4, <= 40). */
static inline unsigned int
tcp_opts_len(const struct tcp_opts_out *o)
{
	return tcp_opts_ts_only(o) ? TCP_OPTS_TS_LEN : tcp_opts_len_any(o);
}

/**
 * Write @p o at @p buf (tcp_opts_len(o) bytes), padded with NOPs to a
 * multiple of 4, in the order Linux uses (MSS, SACK-perm+TS, WS, SACK),
 * dropping SACK blocks that do not fit (the last ones: the first block
 * is the most recent, RFC 2018 4). Layouts:
 *   MSS                 02 04 mm mm                          4 bytes
 *   SACK-perm + TS      04 02 08 0a tsval tsecr              12
 *   TS alone            01 01 08 0a tsval tsecr              12
 *   SACK-perm alone     01 01 04 02                          4
 *   WS                  01 03 03 ws (ws above 14 sent as 14) 4
 *   SACK, n blocks      01 01 05 2+8n blocks                 4 + 8n
 * so a SYN with everything is 20 bytes and a TS data segment 12.
 * Blocks beyond TCP_MAX_SACK_BLOCKS in @p o->nsack are ignored.
 * @return bytes written (== tcp_opts_len(o)).
 */
/* NOP NOP TS in three words, where the emit inlines it. */
static inline void
tcp_opts_write_ts(uint8_t *buf, uint32_t tsval, uint32_t tsecr)
{
	uint32_t w[3] = {
		tcp_opts_be32(0x0101080a), tcp_opts_be32(tsval),
		tcp_opts_be32(tsecr),
	};

	memcpy(buf, w, sizeof(w));
}

/** Bytes of the usual SYN's options (tcp_opts_write_syn_usual()). */
#define TCP_OPTS_SYN_USUAL_LEN 20

/* The usual SYN and SYN+ACK: MSS, SACK-permitted, timestamps and window
 * scale, no SACK block. */
static inline bool
tcp_opts_syn_usual(const struct tcp_opts_out *o)
{
	return o->mss_ok && o->ts_ok && o->sack_perm && o->ws_ok &&
	       o->nsack == 0;
}

/* One 32-bit word of options, @p v in host order, at @p buf. */
static inline void
tcp_opts_put32(uint8_t *buf, uint32_t v)
{
	uint32_t be = tcp_opts_be32(v);

	memcpy(buf, &be, sizeof(be));
}

/* Its 20 bytes (MSS, SACK-permitted + TS, NOP WS: the layout of
 * tcp_opts_write()) as five words, where a SYN's emit inlines it, from
 * the values themselves (no struct tcp_opts_out to fill first): each
 * stored straight into the header (an array of the five would be built
 * on the stack and copied from there). */
static inline void
tcp_opts_write_syn_words(uint8_t *buf, uint16_t mss, uint8_t wscale,
			 uint32_t tsval, uint32_t tsecr)
{
	uint32_t ws = wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : wscale;

	tcp_opts_put32(buf, (uint32_t)TCP_OPT_MSS << 24 | 4u << 16 | mss);
	tcp_opts_put32(buf + 4, (uint32_t)TCP_OPT_SACK_PERM << 24 |
		       2u << 16 | (uint32_t)TCP_OPT_TS << 8 | 10u);
	tcp_opts_put32(buf + 8, tsval);
	tcp_opts_put32(buf + 12, tsecr);
	tcp_opts_put32(buf + 16, (uint32_t)TCP_OPT_NOP << 24 |
		       (uint32_t)TCP_OPT_WS << 16 | 3u << 8 | ws);
}

static inline void
tcp_opts_write_syn_usual(uint8_t *buf, const struct tcp_opts_out *o)
{
	tcp_opts_write_syn_words(buf, o->mss, o->ws, o->tsval, o->tsecr);
}

static inline unsigned int
tcp_opts_write(uint8_t *buf, const struct tcp_opts_out *o)
{
	if (!tcp_opts_ts_only(o))
		return tcp_opts_write_any(buf, o);
	tcp_opts_write_ts(buf, o->tsval, o->tsecr);
	return TCP_OPTS_TS_LEN;
}

#endif /* TCP_OPTIONS_H */
