/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_options: parsing per the rules in tcp_options.h and scenarios
 * 33-39 of TCP-SCENARIOS.md, and emission in Linux's layouts. Every
 * option list is copied into a heap buffer of exactly its size, so a
 * read past the end is an ASan error in the sanitizer build.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_options.h"
#include "opts_invariants.h"

static enum tcp_opts_result
parse_exact(const uint8_t *bytes, unsigned int len, bool syn,
	    struct tcp_opts *out)
{
	uint8_t *copy = len > 0 ? malloc(len) : NULL;
	enum tcp_opts_result r;

	if (len > 0) {
		assert_non_null(copy);
		memcpy(copy, bytes, len);
	}
	r = tcp_opts_parse(copy, len, syn, out);
	assert_null(opts_violation(bytes, len, syn, r, out));
	free(copy);
	return r;
}

/* PARSE(syn, &out, byte, byte, ...): the option bytes as on the wire. */
#define PARSE(syn, out, ...)                                            \
	parse_exact((const uint8_t[]){ __VA_ARGS__ },                   \
		    sizeof((const uint8_t[]){ __VA_ARGS__ }), (syn), (out))

#define SYN true
#define NOSYN false

/* Option encodings used below, spelt out byte by byte. */
#define O_MSS(v) TCP_OPT_MSS, 4, (uint8_t)((v) >> 8), (uint8_t)(v)
#define O_WS(s) TCP_OPT_WS, 3, (s)
#define O_SACK_PERM TCP_OPT_SACK_PERM, 2
#define O_TS_1_2 TCP_OPT_TS, 10, 0, 0, 0, 1, 0, 0, 0, 2
#define NOP TCP_OPT_NOP
#define EOL TCP_OPT_EOL

static void
assert_all_zero(const struct tcp_opts *o)
{
	static const struct tcp_opts zero;

	assert_memory_equal(o, &zero, sizeof(zero));
}

static void
assert_ts_1_2(const struct tcp_opts *o)
{
	assert_true(o->ts_ok);
	assert_int_equal(o->tsval, 1);
	assert_int_equal(o->tsecr, 2);
}

/* ---- parsing: the ordinary cases ---- */

static void
test_empty_list(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(tcp_opts_parse(NULL, 0, SYN, &o), TCP_OPTS_OK);
	assert_all_zero(&o);
	assert_int_equal(PARSE(SYN, &o, EOL), TCP_OPTS_OK);
	assert_all_zero(&o);
	assert_int_equal(PARSE(SYN, &o, NOP, NOP, NOP, NOP), TCP_OPTS_OK);
	assert_all_zero(&o);
}

static void
test_linux_syn_parses(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, O_MSS(1460), TCP_OPT_SACK_PERM, 2,
			       O_TS_1_2, NOP, O_WS(7)),
			 TCP_OPTS_OK);
	assert_true(o.mss_ok);
	assert_int_equal(o.mss, 1460);
	assert_true(o.sack_perm);
	assert_ts_1_2(&o);
	assert_true(o.ws_ok);
	assert_int_equal(o.ws, 7);
	assert_int_equal(o.nsack, 0);
}

/*
 * The usual SYN layout is taken in a few comparisons: the same as the
 * option loop makes of it (a trailing NOP sends the same options down
 * the loop), for any MSS, timestamps and shift.
 */
static void
test_usual_syn_layout_as_the_loop(void **state)
{
	static const uint8_t shifts[] = { 0, 7, 14, 15, 255 };
	struct tcp_opts fast, loop;

	(void)state;
	for (unsigned int i = 0; i < sizeof(shifts); i++) {
		uint8_t s = shifts[i];

		assert_int_equal(PARSE(SYN, &fast, O_MSS(536 + i),
				       O_SACK_PERM, TCP_OPT_TS, 10, 0xde, 0xad,
				       0xbe, 0xef, 0, 0, 0, i, NOP, O_WS(s)),
				 TCP_OPTS_OK);
		assert_int_equal(PARSE(SYN, &loop, O_MSS(536 + i),
				       O_SACK_PERM, TCP_OPT_TS, 10, 0xde, 0xad,
				       0xbe, 0xef, 0, 0, 0, i, NOP, O_WS(s),
				       NOP),
				 TCP_OPTS_OK);
		assert_memory_equal(&fast, &loop, sizeof(fast));
		assert_int_equal(fast.mss, 536 + i);
		assert_int_equal(fast.tsval, 0xdeadbeef);
		assert_int_equal(fast.tsecr, i);
		assert_int_equal(fast.ws, s > 14 ? 14 : s);
	}
	/* Without SYN the layout is an ordinary list: MSS, WS ignored. */
	assert_int_equal(PARSE(NOSYN, &fast, O_MSS(1460), O_SACK_PERM,
			       O_TS_1_2, NOP, O_WS(7)),
			 TCP_OPTS_OK);
	assert_false(fast.mss_ok || fast.ws_ok || fast.sack_perm);
	assert_ts_1_2(&fast);
}

/* MSS, WS and SACK-permitted mean something only on a SYN. */
static void
test_syn_only_options_ignored_without_syn(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(NOSYN, &o, O_MSS(1460), O_SACK_PERM, O_TS_1_2,
			       NOP, O_WS(7)),
			 TCP_OPTS_OK);
	assert_false(o.mss_ok);
	assert_false(o.sack_perm);
	assert_false(o.ws_ok);
	assert_ts_1_2(&o);
}

/* ---- scenario 33: unknown kinds are skipped by their length ---- */

static void
test_unknown_kinds_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* MPTCP (30), experimental (254), and unassigned kinds on a SYN. */
	assert_int_equal(PARSE(SYN, &o, 30, 6, 0xde, 0xad, 0xbe, 0xef,
			       254, 4, 0xf9, 0x89, O_MSS(1400), 99, 2),
			 TCP_OPTS_OK);
	assert_true(o.mss_ok);
	assert_int_equal(o.mss, 1400);
	/* ... and on a data segment, in front of the timestamps. */
	assert_int_equal(PARSE(NOSYN, &o, 253, 8, 1, 2, 3, 4, 5, 6, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_ts_1_2(&o);
	/* An unknown kind may take the whole 40 bytes. */
	assert_int_equal(PARSE(NOSYN, &o, 77, 40, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
			 TCP_OPTS_OK);
	assert_all_zero(&o);
}

/* ---- scenario 34: lengths 0, 1, or past the header ---- */

static void
test_length_zero_is_malformed(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* Fields parsed before the bad option are not kept. */
	assert_int_equal(PARSE(SYN, &o, O_MSS(1460), 99, 0, 0, 0),
			 TCP_OPTS_MALFORMED);
	assert_all_zero(&o);
	assert_int_equal(PARSE(NOSYN, &o, TCP_OPT_TS, 0, 0, 0),
			 TCP_OPTS_MALFORMED);
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_MSS, 0, 5, 0xb4),
			 TCP_OPTS_MALFORMED);
}

static void
test_length_one_is_malformed(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, 99, 1, NOP, NOP), TCP_OPTS_MALFORMED);
	assert_int_equal(PARSE(SYN, &o, NOP, TCP_OPT_WS, 1, 7),
			 TCP_OPTS_MALFORMED);
	assert_int_equal(PARSE(NOSYN, &o, O_TS_1_2, TCP_OPT_SACK, 1),
			 TCP_OPTS_MALFORMED);
	assert_all_zero(&o);
}

static void
test_length_past_header_is_malformed(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* Length 4 with three bytes left. */
	assert_int_equal(PARSE(SYN, &o, NOP, O_MSS(1460)), TCP_OPTS_OK);
	assert_int_equal(PARSE(SYN, &o, NOP, TCP_OPT_MSS, 4, 5),
			 TCP_OPTS_MALFORMED);
	/* A TS one byte short of its length. */
	assert_int_equal(PARSE(NOSYN, &o, NOP, NOP, TCP_OPT_TS, 10, 0, 0, 0,
			       1, 0, 0, 0),
			 TCP_OPTS_MALFORMED);
	/* Length 255 in a 4-byte list. */
	assert_int_equal(PARSE(NOSYN, &o, 99, 255, 0, 0), TCP_OPTS_MALFORMED);
	assert_all_zero(&o);
}

static void
test_kind_without_length_byte_is_malformed(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, NOP, NOP, NOP, TCP_OPT_MSS),
			 TCP_OPTS_MALFORMED);
	assert_int_equal(PARSE(NOSYN, &o, 99), TCP_OPTS_MALFORMED);
	assert_all_zero(&o);
}

/* ---- scenario 35: alignment, and bytes after EOL ---- */

static void
test_options_not_word_aligned(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* MSS at offset 1, WS at 5, TS at 8, nothing padded. */
	assert_int_equal(PARSE(SYN, &o, NOP, O_MSS(1000), O_WS(3), O_TS_1_2),
			 TCP_OPTS_OK);
	assert_true(o.mss_ok);
	assert_int_equal(o.mss, 1000);
	assert_true(o.ws_ok);
	assert_int_equal(o.ws, 3);
	assert_ts_1_2(&o);
	/* A SACK block at offset 3. */
	assert_int_equal(PARSE(NOSYN, &o, NOP, NOP, NOP, TCP_OPT_SACK, 10,
			       0, 0, 0x10, 0, 0, 0, 0x20, 0),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 1);
	assert_int_equal(o.sack[0].start, 0x1000);
	assert_int_equal(o.sack[0].end, 0x2000);
}

static void
test_bytes_after_eol_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* After EOL even an illegal length is padding, not an error. */
	assert_int_equal(PARSE(SYN, &o, O_MSS(1460), EOL, 99, 0, 7, 1),
			 TCP_OPTS_OK);
	assert_true(o.mss_ok);
	assert_int_equal(o.mss, 1460);
	/* Options after EOL are not options. */
	assert_int_equal(PARSE(SYN, &o, EOL, O_MSS(1460), O_WS(2), NOP),
			 TCP_OPTS_OK);
	assert_all_zero(&o);
}

/* ---- scenario 36: known kinds with wrong lengths ---- */

/* Each is skipped by its own length: the TS after it still parses. */
static void
test_mss_wrong_length_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_MSS, 3, 5, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_false(o.mss_ok);
	assert_int_equal(o.mss, 0);
	assert_ts_1_2(&o);
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_MSS, 5, 5, 0xb4, 0, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_false(o.mss_ok);
	assert_ts_1_2(&o);
}

static void
test_ws_wrong_length_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_WS, 2, O_TS_1_2), TCP_OPTS_OK);
	assert_false(o.ws_ok);
	assert_ts_1_2(&o);
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_WS, 4, 7, 0, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_false(o.ws_ok);
	assert_int_equal(o.ws, 0);
	assert_ts_1_2(&o);
}

static void
test_ts_wrong_length_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_TS, 9, 0, 0, 0, 1, 0, 0, 0,
			       O_MSS(1460)),
			 TCP_OPTS_OK);
	assert_false(o.ts_ok);
	assert_int_equal(o.tsval, 0);
	assert_true(o.mss_ok);
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_TS, 11, 0, 0, 0, 1, 0, 0, 0,
			       2, 0, O_MSS(1460)),
			 TCP_OPTS_OK);
	assert_false(o.ts_ok);
	assert_true(o.mss_ok); /* proof the parser resumed after it */
}

static void
test_sack_wrong_length_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	/* 7: not 2 + 8n. */
	assert_int_equal(PARSE(NOSYN, &o, TCP_OPT_SACK, 7, 0, 0, 0, 1, 0,
			       O_TS_1_2),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 0);
	assert_ts_1_2(&o);
	/* 11: one block and one stray byte. */
	assert_int_equal(PARSE(NOSYN, &o, TCP_OPT_SACK, 11, 0, 0, 0, 1, 0, 0,
			       0, 2, 9, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 0);
	assert_ts_1_2(&o);
	/* 2: no blocks at all. */
	assert_int_equal(PARSE(NOSYN, &o, TCP_OPT_SACK, 2, O_TS_1_2),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 0);
	assert_ts_1_2(&o);
}

/* Five blocks (42 bytes) cannot come from a real header, but the parser
 * takes any length; it must not write a fifth block. */
static void
test_sack_five_blocks_ignored(void **state)
{
	uint8_t buf[44];
	struct tcp_opts o;

	(void)state;
	memset(buf, 0x11, sizeof(buf));
	buf[0] = TCP_OPT_SACK;
	buf[1] = 42;
	buf[42] = NOP;
	buf[43] = NOP;
	assert_int_equal(parse_exact(buf, sizeof(buf), NOSYN, &o),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 0);
	assert_all_zero(&o);
}

static void
test_sack_perm_wrong_length_ignored(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, TCP_OPT_SACK_PERM, 3, 0, O_MSS(536)),
			 TCP_OPTS_OK);
	assert_false(o.sack_perm);
	assert_true(o.mss_ok);
}

/* ---- values recorded as given, except WS > 14 ---- */

static void
test_ws_above_14_is_14(void **state)
{
	static const uint8_t shifts[][2] = {
		{ 0, 0 }, { 1, 1 }, { 14, 14 }, { 15, 14 }, { 200, 14 },
		{ 255, 14 },
	};
	struct tcp_opts o;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		assert_int_equal(PARSE(SYN, &o, NOP, O_WS(shifts[i][0])),
				 TCP_OPTS_OK);
		assert_true(o.ws_ok);
		assert_int_equal(o.ws, shifts[i][1]);
	}
}

/* Scenario 39: MSS 0, 1 or 40 reach the engine as sent; it clamps. */
static void
test_mss_values_recorded_as_given(void **state)
{
	static const uint16_t values[] = { 0, 1, 40, 536, 65535 };
	struct tcp_opts o;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(PARSE(SYN, &o, O_MSS(values[i])),
				 TCP_OPTS_OK);
		assert_true(o.mss_ok);
		assert_int_equal(o.mss, values[i]);
	}
}

/* Scenario 38: blocks are recorded verbatim, start >= end included;
 * judging them against SND.UNA / SND.NXT is the engine's job. */
static void
test_sack_blocks_recorded_verbatim(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(NOSYN, &o, NOP, NOP, TCP_OPT_SACK, 34,
			       0, 0, 0, 9, 0, 0, 0, 5,           /* 9..5 */
			       0, 0, 0, 7, 0, 0, 0, 7,           /* empty */
			       255, 255, 255, 240, 0, 0, 0, 16,  /* wraps */
			       0, 0, 1, 0, 0, 0, 2, 0),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 4);
	assert_int_equal(o.sack[0].start, 9);
	assert_int_equal(o.sack[0].end, 5);
	assert_int_equal(o.sack[1].start, 7);
	assert_int_equal(o.sack[1].end, 7);
	assert_int_equal(o.sack[2].start, 0xfffffff0u);
	assert_int_equal(o.sack[2].end, 0x10);
	assert_int_equal(o.sack[3].start, 0x100);
	assert_int_equal(o.sack[3].end, 0x200);
}

static void
test_duplicate_option_last_wins(void **state)
{
	struct tcp_opts o;

	(void)state;
	assert_int_equal(PARSE(SYN, &o, O_MSS(1460), O_MSS(1200)),
			 TCP_OPTS_OK);
	assert_int_equal(o.mss, 1200);
	/* A later, shorter SACK option replaces the earlier one whole. */
	assert_int_equal(PARSE(NOSYN, &o, TCP_OPT_SACK, 18,
			       0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
			       TCP_OPT_SACK, 10, 0, 0, 0, 5, 0, 0, 0, 6),
			 TCP_OPTS_OK);
	assert_int_equal(o.nsack, 1);
	assert_int_equal(o.sack[0].start, 5);
	assert_int_equal(o.sack[0].end, 6);
	assert_int_equal(o.sack[1].start, 0);
	assert_int_equal(o.sack[1].end, 0);
	/* A malformed copy after a good one still condemns the list. */
	assert_int_equal(PARSE(NOSYN, &o, O_TS_1_2, TCP_OPT_TS, 0),
			 TCP_OPTS_MALFORMED);
}

/* ---- emission ---- */

/* Write @p o into a buffer with guard bytes after it; check the length
 * agrees with tcp_opts_len() and nothing beyond it was touched. */
static unsigned int
write_checked(const struct tcp_opts_out *o, uint8_t *buf)
{
	uint8_t guarded[TCP_MAX_OPT_LEN + 8];
	unsigned int len, i;

	memset(guarded, 0xa5, sizeof(guarded));
	len = tcp_opts_write(guarded, o);
	assert_int_equal(len, tcp_opts_len(o));
	assert_true(len <= TCP_MAX_OPT_LEN);
	assert_int_equal(len % 4, 0);
	for (i = len; i < sizeof(guarded); i++)
		assert_int_equal(guarded[i], 0xa5);
	memcpy(buf, guarded, len);
	return len;
}

static void
test_write_syn_linux_layout(void **state)
{
	const struct tcp_opts_out o = {
		.mss_ok = true, .mss = 1460, .sack_perm = true,
		.ts_ok = true, .tsval = 0x01020304, .tsecr = 0,
		.ws_ok = true, .ws = 7,
	};
	static const uint8_t want[] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	uint8_t buf[TCP_MAX_OPT_LEN];

	(void)state;
	assert_int_equal(write_checked(&o, buf), 20);
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_write_syn_partial_offers(void **state)
{
	const struct tcp_opts_out mss_only = { .mss_ok = true, .mss = 536 };
	const struct tcp_opts_out mss_sack = {
		.mss_ok = true, .mss = 536, .sack_perm = true,
	};
	const struct tcp_opts_out mss_ws = {
		.mss_ok = true, .mss = 536, .ws_ok = true, .ws = 20,
	};
	static const uint8_t want_mss[] = { 2, 4, 2, 0x18 };
	static const uint8_t want_sack[] = { 2, 4, 2, 0x18, 1, 1, 4, 2 };
	static const uint8_t want_ws[] = { 2, 4, 2, 0x18, 1, 3, 3, 14 };
	uint8_t buf[TCP_MAX_OPT_LEN];

	(void)state;
	assert_int_equal(write_checked(&mss_only, buf), sizeof(want_mss));
	assert_memory_equal(buf, want_mss, sizeof(want_mss));
	assert_int_equal(write_checked(&mss_sack, buf), sizeof(want_sack));
	assert_memory_equal(buf, want_sack, sizeof(want_sack));
	/* A shift above 14 goes out as 14. */
	assert_int_equal(write_checked(&mss_ws, buf), sizeof(want_ws));
	assert_memory_equal(buf, want_ws, sizeof(want_ws));
}

static void
test_write_data_ts(void **state)
{
	const struct tcp_opts_out o = {
		.ts_ok = true, .tsval = 0xaabbccdd, .tsecr = 0x11223344,
	};
	static const uint8_t want[] = {
		1, 1, 8, 10, 0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44,
	};
	uint8_t buf[TCP_MAX_OPT_LEN];

	(void)state;
	assert_int_equal(write_checked(&o, buf), 12);
	assert_memory_equal(buf, want, sizeof(want));
}

static void
test_write_sack_blocks(void **state)
{
	struct tcp_opts_out o = { .nsack = 2 };
	static const uint8_t want[] = {
		1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
	};
	uint8_t buf[TCP_MAX_OPT_LEN];

	(void)state;
	o.sack[0] = (struct tcp_sack_block){ 1, 2 };
	o.sack[1] = (struct tcp_sack_block){ 3, 4 };
	assert_int_equal(write_checked(&o, buf), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	o.nsack = 4;
	assert_int_equal(write_checked(&o, buf), 4 + 8 * 4);
	assert_int_equal(buf[3], 2 + 8 * 4);
}

/* 40 bytes is the limit: blocks that do not fit are dropped from the
 * end, keeping the first (most recent, RFC 2018 4). */
static void
test_write_drops_sack_blocks_that_do_not_fit(void **state)
{
	struct tcp_opts_out o = { .ts_ok = true, .nsack = 4 };
	struct tcp_opts back;
	uint8_t buf[TCP_MAX_OPT_LEN];
	unsigned int i, len;

	(void)state;
	for (i = 0; i < TCP_MAX_SACK_BLOCKS; i++)
		o.sack[i] = (struct tcp_sack_block){ 100 * i, 100 * i + 50 };
	/* TS (12) + SACK header (4) leaves room for 3 blocks. */
	len = write_checked(&o, buf);
	assert_int_equal(len, 40);
	assert_int_equal(parse_exact(buf, len, NOSYN, &back), TCP_OPTS_OK);
	assert_int_equal(back.nsack, 3);
	assert_int_equal(back.sack[0].start, 0);
	assert_int_equal(back.sack[2].end, 250);
	/* Everything a SYN can carry (20) leaves room for 2. */
	o.mss_ok = o.sack_perm = o.ws_ok = true;
	len = write_checked(&o, buf);
	assert_int_equal(len, 40);
	assert_int_equal(parse_exact(buf, len, SYN, &back), TCP_OPTS_OK);
	assert_int_equal(back.nsack, 2);
	/* An nsack beyond the array is read as 4. */
	o = (struct tcp_opts_out){ .nsack = 200 };
	assert_int_equal(write_checked(&o, buf), 4 + 8 * 4);
}

static void
test_write_nothing(void **state)
{
	const struct tcp_opts_out o = { .mss = 1460, .ws = 3, .tsval = 1 };
	uint8_t buf[TCP_MAX_OPT_LEN];

	(void)state;
	/* Values without their _ok flag are not sent. */
	assert_int_equal(write_checked(&o, buf), 0);
}

/*
 * Every combination of the out struct (16 flag sets x 0..4 blocks x
 * boundary values) survives write -> parse, SYN and non-SYN.
 */
static void
round_trip_one(const struct tcp_opts_out *o)
{
	uint8_t buf[TCP_MAX_OPT_LEN];
	struct tcp_opts back;
	unsigned int len = write_checked(o, buf);
	unsigned int fixed, fit, i;

	fixed = (o->mss_ok ? 4 : 0) + (o->ts_ok ? 12 : o->sack_perm ? 4 : 0) +
		(o->ws_ok ? 4 : 0);
	fit = o->nsack;
	while (fit > 0 && fixed + 4 + 8 * fit > TCP_MAX_OPT_LEN)
		fit--;

	assert_int_equal(parse_exact(buf, len, SYN, &back), TCP_OPTS_OK);
	assert_int_equal(back.mss_ok, o->mss_ok);
	assert_int_equal(back.mss, o->mss_ok ? o->mss : 0);
	assert_int_equal(back.ws_ok, o->ws_ok);
	assert_int_equal(back.ws, o->ws_ok ? o->ws : 0);
	assert_int_equal(back.sack_perm, o->sack_perm);
	assert_int_equal(back.ts_ok, o->ts_ok);
	assert_int_equal(back.tsval, o->ts_ok ? o->tsval : 0);
	assert_int_equal(back.tsecr, o->ts_ok ? o->tsecr : 0);
	assert_int_equal(back.nsack, fit);
	for (i = 0; i < fit; i++) {
		assert_int_equal(back.sack[i].start, o->sack[i].start);
		assert_int_equal(back.sack[i].end, o->sack[i].end);
	}

	assert_int_equal(parse_exact(buf, len, NOSYN, &back), TCP_OPTS_OK);
	assert_false(back.mss_ok || back.ws_ok || back.sack_perm);
	assert_int_equal(back.ts_ok, o->ts_ok);
	assert_int_equal(back.nsack, fit);
}

static void
test_round_trip_all_combinations(void **state)
{
	static const uint32_t seqs[] = { 0, 1, 0x7fffffff, 0xffffffff };
	static const uint16_t msss[] = { 0, 536, 1460, 65535 };
	static const uint8_t wss[] = { 0, 7, 14 };
	struct tcp_opts_out o;
	unsigned int flags, nsack, v, i, n = 0;

	(void)state;
	for (flags = 0; flags < 16; flags++)
		for (nsack = 0; nsack <= TCP_MAX_SACK_BLOCKS; nsack++)
			for (v = 0; v < 4; v++) {
				memset(&o, 0, sizeof(o));
				o.mss_ok = flags & 1;
				o.ws_ok = flags & 2;
				o.sack_perm = flags & 4;
				o.ts_ok = flags & 8;
				o.mss = msss[v];
				o.ws = wss[v % 3];
				o.tsval = seqs[v];
				o.tsecr = seqs[3 - v];
				o.nsack = (uint8_t)nsack;
				for (i = 0; i < nsack; i++) {
					o.sack[i].start = seqs[v] + i * 1000;
					o.sack[i].end = seqs[v] + i * 1000 + 1;
				}
				round_trip_one(&o);
				n++;
			}
	assert_int_equal(n, 16 * 5 * 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_list),
		cmocka_unit_test(test_linux_syn_parses),
		cmocka_unit_test(test_usual_syn_layout_as_the_loop),
		cmocka_unit_test(test_syn_only_options_ignored_without_syn),
		cmocka_unit_test(test_unknown_kinds_ignored),
		cmocka_unit_test(test_length_zero_is_malformed),
		cmocka_unit_test(test_length_one_is_malformed),
		cmocka_unit_test(test_length_past_header_is_malformed),
		cmocka_unit_test(test_kind_without_length_byte_is_malformed),
		cmocka_unit_test(test_options_not_word_aligned),
		cmocka_unit_test(test_bytes_after_eol_ignored),
		cmocka_unit_test(test_mss_wrong_length_ignored),
		cmocka_unit_test(test_ws_wrong_length_ignored),
		cmocka_unit_test(test_ts_wrong_length_ignored),
		cmocka_unit_test(test_sack_wrong_length_ignored),
		cmocka_unit_test(test_sack_five_blocks_ignored),
		cmocka_unit_test(test_sack_perm_wrong_length_ignored),
		cmocka_unit_test(test_ws_above_14_is_14),
		cmocka_unit_test(test_mss_values_recorded_as_given),
		cmocka_unit_test(test_sack_blocks_recorded_verbatim),
		cmocka_unit_test(test_duplicate_option_last_wins),
		cmocka_unit_test(test_write_syn_linux_layout),
		cmocka_unit_test(test_write_syn_partial_offers),
		cmocka_unit_test(test_write_data_ts),
		cmocka_unit_test(test_write_sack_blocks),
		cmocka_unit_test(test_write_drops_sack_blocks_that_do_not_fit),
		cmocka_unit_test(test_write_nothing),
		cmocka_unit_test(test_round_trip_all_combinations),
	};

	return cmocka_run_group_tests_name("tcp_options", tests, NULL, NULL);
}
