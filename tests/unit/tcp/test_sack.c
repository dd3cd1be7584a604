/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's SACK scoreboard (lib/tcp/tcp_sack.h) against
 * hand-computed ranges: RFC 2018 (blocks, merging), RFC 6675 (holes
 * below the highest SACKed byte, the bytes SACKed in a range) and the
 * module's bounds (TCP_SB_MAX ranges, at most TCP_MAX_SACK_BLOCKS per
 * option, blocks outside [SND.UNA, SND.MAX) refused).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_sack.h"

#define UNA 1000u
#define MAX 20000u

static uint32_t
sack1(struct tcp_scoreboard *sb, uint32_t snd_una, uint32_t snd_max,
      uint32_t start, uint32_t end, unsigned int *rejected)
{
	const struct tcp_sack_block b = { .start = start, .end = end };

	return tcp_sb_update(sb, snd_una, snd_max, &b, 1, rejected);
}

/* One block accepted (nothing rejected); @return bytes newly SACKed. */
static uint32_t
sack_ok(struct tcp_scoreboard *sb, uint32_t start, uint32_t end)
{
	unsigned int rejected = 99;
	uint32_t added = sack1(sb, UNA, MAX, start, end, &rejected);

	assert_int_equal(rejected, 0);
	return added;
}

static void
assert_sb_range(const struct tcp_scoreboard *sb, unsigned int i,
		uint32_t start, uint32_t end)
{
	assert_true(i < sb->n);
	assert_int_equal(sb->r[i].start, start);
	assert_int_equal(sb->r[i].end, end);
}

/* sorted, disjoint, not touching, and sacked = sum of the ranges */
static void
assert_sb_consistent(const struct tcp_scoreboard *sb)
{
	uint32_t sum = 0;

	assert_true(sb->n <= TCP_SB_MAX);
	for (unsigned int i = 0; i < sb->n; i++) {
		assert_true((int32_t)(sb->r[i].end - sb->r[i].start) > 0);
		sum += sb->r[i].end - sb->r[i].start;
		if (i > 0)
			assert_true((int32_t)(sb->r[i].start -
					      sb->r[i - 1].end) > 0);
	}
	assert_int_equal(sum, sb->sacked);
}

static void
test_single_block(void **state)
{
	struct tcp_scoreboard sb;

	(void)state;
	tcp_sb_clear(&sb);
	assert_int_equal(tcp_sb_high(&sb, UNA), UNA);
	assert_int_equal(sack_ok(&sb, 2000, 3000), 1000);
	assert_int_equal(sb.n, 1);
	assert_int_equal(sb.sacked, 1000);
	assert_sb_range(&sb, 0, 2000, 3000);
	assert_int_equal(tcp_sb_high(&sb, UNA), 3000);
	/* The same block again (every ACK repeats it): nothing new. */
	assert_int_equal(sack_ok(&sb, 2000, 3000), 0);
	assert_int_equal(sb.sacked, 1000);
}

/*
 * Merging: [2000, 3000) then
 *   [2500, 3500): overlaps, +500 -> [2000, 3500)
 *   [3500, 4000): touches,  +500 -> [2000, 4000)
 *   [5000, 6000): disjoint, +1000 -> two ranges
 *   [3900, 5100): bridges,  +1000 (4000..5000) -> [2000, 6000)
 *   [1500, 6500): covers,   +500 + 500 -> [1500, 6500)
 */
static void
test_merge(void **state)
{
	struct tcp_scoreboard sb;

	(void)state;
	tcp_sb_clear(&sb);
	assert_int_equal(sack_ok(&sb, 2000, 3000), 1000);
	assert_int_equal(sack_ok(&sb, 2500, 3500), 500);
	assert_int_equal(sb.n, 1);
	assert_sb_range(&sb, 0, 2000, 3500);
	assert_int_equal(sack_ok(&sb, 3500, 4000), 500);
	assert_int_equal(sb.n, 1);
	assert_sb_range(&sb, 0, 2000, 4000);
	assert_int_equal(sack_ok(&sb, 5000, 6000), 1000);
	assert_int_equal(sb.n, 2);
	assert_int_equal(sack_ok(&sb, 3900, 5100), 1000);
	assert_int_equal(sb.n, 1);
	assert_sb_range(&sb, 0, 2000, 6000);
	assert_int_equal(sack_ok(&sb, 1500, 6500), 1000);
	assert_sb_range(&sb, 0, 1500, 6500);
	assert_int_equal(sb.sacked, 5000);
	assert_sb_consistent(&sb);
}

/* Several blocks in one option: the sum of what each adds. */
static void
test_update_many_blocks(void **state)
{
	struct tcp_scoreboard sb;
	const struct tcp_sack_block b[] = {
		{ 6000, 7000 }, { 2000, 3000 }, { 4000, 5000 }, { 2500, 4000 },
	};
	unsigned int rejected = 99;

	(void)state;
	tcp_sb_clear(&sb);
	/* 1000 + 1000 + 1000 + (3000..4000) 1000 */
	assert_int_equal(tcp_sb_update(&sb, UNA, MAX, b, 4, &rejected), 4000);
	assert_int_equal(rejected, 0);
	assert_int_equal(sb.n, 2);
	assert_sb_range(&sb, 0, 2000, 5000);
	assert_sb_range(&sb, 1, 6000, 7000);
	assert_sb_consistent(&sb);
}

/*
 * Refused: start == end, start > end, start below SND.UNA (a D-SACK of
 * RFC 2883, or a stale block), end above SND.MAX. The good blocks of
 * the same option are still taken.
 */
static void
test_reject_malformed_blocks(void **state)
{
	struct tcp_scoreboard sb;
	unsigned int rejected = 99;
	const struct tcp_sack_block mix[] = {
		{ 3000, 3000 },          /* empty */
		{ 5000, 4000 },          /* reversed */
		{ 6000, 7000 },          /* good */
		{ UNA - 500, UNA },      /* D-SACK, below SND.UNA */
	};
	const struct tcp_sack_block mix2[] = {
		{ UNA - 1, UNA + 100 },  /* straddles SND.UNA */
		{ MAX - 100, MAX + 1 },  /* one byte past SND.MAX */
		{ MAX - 100, MAX },      /* good: up to SND.MAX exactly */
	};

	(void)state;
	tcp_sb_clear(&sb);
	assert_int_equal(tcp_sb_update(&sb, UNA, MAX, mix, 4, &rejected),
			 1000);
	assert_int_equal(rejected, 3);
	assert_int_equal(sb.n, 1);
	assert_sb_range(&sb, 0, 6000, 7000);

	assert_int_equal(tcp_sb_update(&sb, UNA, MAX, mix2, 3, &rejected),
			 100);
	assert_int_equal(rejected, 2);
	assert_int_equal(sb.n, 2);
	assert_sb_range(&sb, 1, MAX - 100, MAX);
	/* A block starting exactly at SND.UNA is fine. */
	assert_int_equal(sack1(&sb, UNA, MAX, UNA, UNA + 10, &rejected), 10);
	assert_int_equal(rejected, 0);
	assert_sb_consistent(&sb);
}

/* More than TCP_MAX_SACK_BLOCKS blocks: the whole option is refused. */
static void
test_reject_too_many_blocks(void **state)
{
	struct tcp_scoreboard sb;
	unsigned int rejected = 99;
	const struct tcp_sack_block five[] = {
		{ 2000, 2100 }, { 3000, 3100 }, { 4000, 4100 },
		{ 5000, 5100 }, { 6000, 6100 },
	};

	(void)state;
	assert_int_equal(TCP_MAX_SACK_BLOCKS, 4);
	tcp_sb_clear(&sb);
	assert_int_equal(tcp_sb_update(&sb, UNA, MAX, five, 5, &rejected), 0);
	assert_int_equal(rejected, 5);
	assert_int_equal(sb.n, 0);
	assert_int_equal(sb.sacked, 0);
	/* Four of them are fine. */
	assert_int_equal(tcp_sb_update(&sb, UNA, MAX, five, 4, &rejected),
			 400);
	assert_int_equal(rejected, 0);
	assert_int_equal(sb.n, 4);
}

/*
 * Overflow: TCP_SB_MAX disjoint ranges [2000 + 1000 k, 2100 + 1000 k),
 * k = 0..7. A ninth above them makes the scoreboard forget the lowest,
 * [2000, 2100): the ranges become [3000, 3100) .. [10000, 10100). The
 * ninth block's 100 bytes are newly reported (the header's contract).
 */
static void
test_overflow_forgets_lowest(void **state)
{
	struct tcp_scoreboard sb;
	unsigned int k;

	(void)state;
	assert_int_equal(TCP_SB_MAX, 8);
	tcp_sb_clear(&sb);
	for (k = 0; k < TCP_SB_MAX; k++)
		assert_int_equal(sack_ok(&sb, 2000 + 1000 * k,
					 2100 + 1000 * k), 100);
	assert_int_equal(sb.n, TCP_SB_MAX);
	assert_int_equal(sb.sacked, 800);

	assert_int_equal(sack_ok(&sb, 10000, 10100), 100);
	assert_int_equal(sb.n, TCP_SB_MAX);
	assert_sb_range(&sb, 0, 3000, 3100);
	assert_sb_range(&sb, TCP_SB_MAX - 1, 10000, 10100);
	assert_int_equal(sb.sacked, 800);
	assert_int_equal(tcp_sb_high(&sb, UNA), 10100);
	assert_sb_consistent(&sb);
}

/*
 * Overflow with the new block the lowest: it is the one forgotten, the
 * scoreboard is unchanged and nothing is recorded as new.
 */
static void
test_overflow_new_lowest_forgotten(void **state)
{
	struct tcp_scoreboard sb, before;
	unsigned int k;

	(void)state;
	tcp_sb_clear(&sb);
	for (k = 0; k < TCP_SB_MAX; k++)
		sack_ok(&sb, 3000 + 1000 * k, 3100 + 1000 * k);
	memcpy(&before, &sb, sizeof(sb));
	assert_int_equal(sack_ok(&sb, 2000, 2100), 0);
	assert_int_equal(sb.n, before.n);
	assert_int_equal(sb.sacked, before.sacked);
	assert_memory_equal(sb.r, before.r, sizeof(sb.r));
	/* Merging into a full scoreboard needs no eviction. */
	assert_int_equal(sack_ok(&sb, 3100, 3200), 100);
	assert_int_equal(sb.n, TCP_SB_MAX);
	assert_sb_range(&sb, 0, 3000, 3200);
	/* A bridge between two ranges frees a slot. */
	assert_int_equal(sack_ok(&sb, 4100, 5000), 900);
	assert_int_equal(sb.n, TCP_SB_MAX - 1);
	assert_sb_range(&sb, 1, 4000, 5100);
	assert_sb_consistent(&sb);
}

/*
 * Advance: [2000, 3000) and [4000, 5000).
 *   SND.UNA 2500 -> [2500, 3000) [4000, 5000), 1500 SACKed
 *   SND.UNA 3500 -> [4000, 5000), 1000
 *   SND.UNA 5000 -> empty
 */
static void
test_advance(void **state)
{
	struct tcp_scoreboard sb;

	(void)state;
	tcp_sb_clear(&sb);
	sack_ok(&sb, 2000, 3000);
	sack_ok(&sb, 4000, 5000);
	tcp_sb_advance(&sb, 1500);  /* below every range: no change */
	assert_int_equal(sb.n, 2);
	assert_int_equal(sb.sacked, 2000);
	tcp_sb_advance(&sb, 2500);
	assert_int_equal(sb.n, 2);
	assert_sb_range(&sb, 0, 2500, 3000);
	assert_int_equal(sb.sacked, 1500);
	tcp_sb_advance(&sb, 3500);
	assert_int_equal(sb.n, 1);
	assert_sb_range(&sb, 0, 4000, 5000);
	assert_int_equal(sb.sacked, 1000);
	tcp_sb_advance(&sb, 5000);
	assert_int_equal(sb.n, 0);
	assert_int_equal(sb.sacked, 0);
	assert_int_equal(tcp_sb_high(&sb, 5000), 5000);
}

/*
 * Holes (RFC 6675 NextSeg rule 1: unSACKed bytes below the highest
 * SACKed byte). SND.UNA 1000, SACKed [2000, 3000) and [4000, 5000):
 * holes [1000, 2000) and [3000, 4000); nothing above 5000 is a hole.
 */
static void
test_next_hole(void **state)
{
	struct tcp_scoreboard sb;
	uint32_t start = 0, len = 0;

	(void)state;
	tcp_sb_clear(&sb);
	assert_false(tcp_sb_next_hole(&sb, UNA, 1460, &start, &len));
	sack_ok(&sb, 2000, 3000);
	sack_ok(&sb, 4000, 5000);

	assert_true(tcp_sb_next_hole(&sb, UNA, 5000, &start, &len));
	assert_int_equal(start, 1000);
	assert_int_equal(len, 1000);
	/* capped at max_len */
	assert_true(tcp_sb_next_hole(&sb, 1500, 200, &start, &len));
	assert_int_equal(start, 1500);
	assert_int_equal(len, 200);
	/* from inside a SACKed range: the next hole after it */
	assert_true(tcp_sb_next_hole(&sb, 2500, 5000, &start, &len));
	assert_int_equal(start, 3000);
	assert_int_equal(len, 1000);
	/* from the end of a range */
	assert_true(tcp_sb_next_hole(&sb, 3000, 5000, &start, &len));
	assert_int_equal(start, 3000);
	/* inside the last range and past it: no hole */
	assert_false(tcp_sb_next_hole(&sb, 4500, 5000, &start, &len));
	assert_false(tcp_sb_next_hole(&sb, 5000, 5000, &start, &len));
	assert_false(tcp_sb_next_hole(&sb, 9000, 5000, &start, &len));
}

/* Iterating the holes in MSS-sized pieces, as the retransmitter does. */
static void
test_next_hole_iteration(void **state)
{
	struct tcp_scoreboard sb;
	const uint32_t want[][2] = {
		{ 1000, 600 }, { 1600, 400 }, { 3000, 600 }, { 3600, 400 },
	};
	uint32_t from = UNA, start, len;
	unsigned int n = 0;

	(void)state;
	tcp_sb_clear(&sb);
	sack_ok(&sb, 2000, 3000);
	sack_ok(&sb, 4000, 5000);
	while (tcp_sb_next_hole(&sb, from, 600, &start, &len)) {
		assert_true(n < 4);
		assert_int_equal(start, want[n][0]);
		assert_int_equal(len, want[n][1]);
		n++;
		from = start + len;
	}
	assert_int_equal(n, 4);
}

/* Bytes SACKed within [a, b): 2000 .. 3000 and 4000 .. 5000 SACKed. */
static void
test_sacked_in(void **state)
{
	struct tcp_scoreboard sb;

	(void)state;
	tcp_sb_clear(&sb);
	assert_int_equal(tcp_sb_sacked_in(&sb, UNA, MAX), 0);
	sack_ok(&sb, 2000, 3000);
	sack_ok(&sb, 4000, 5000);
	assert_int_equal(tcp_sb_sacked_in(&sb, UNA, MAX), 2000);
	assert_int_equal(tcp_sb_sacked_in(&sb, 2500, 4500), 1000);
	assert_int_equal(tcp_sb_sacked_in(&sb, 3000, 4000), 0);
	assert_int_equal(tcp_sb_sacked_in(&sb, 2999, 4001), 2);
	assert_int_equal(tcp_sb_sacked_in(&sb, 2000, 2000), 0);
	assert_int_equal(tcp_sb_sacked_in(&sb, 4100, 4200), 100);
	/* RFC 6675 IsLost: SACKed bytes above a sequence number. */
	assert_int_equal(tcp_sb_sacked_in(&sb, 1000, tcp_sb_high(&sb, UNA)),
			 2000);
}

/*
 * Across 2^32: SND.UNA 0xfffff000, SND.MAX 0x3000. SACKed
 * [0xffffff00, 0x100) (straddles the wrap) and [0x1000, 0x1100).
 */
static void
test_wrap_near_2_32(void **state)
{
	const uint32_t una = 0xfffff000u, max = 0x3000;
	struct tcp_scoreboard sb;
	unsigned int rejected = 99;
	uint32_t start, len;

	(void)state;
	tcp_sb_clear(&sb);
	assert_int_equal(sack1(&sb, una, max, 0x1000, 0x1100, &rejected),
			 0x100);
	assert_int_equal(sack1(&sb, una, max, 0xffffff00u, 0x100, &rejected),
			 0x200);
	assert_int_equal(rejected, 0);
	assert_int_equal(sb.n, 2);
	assert_sb_range(&sb, 0, 0xffffff00u, 0x100);
	assert_sb_range(&sb, 1, 0x1000, 0x1100);
	assert_int_equal(tcp_sb_high(&sb, una), 0x1100);
	assert_int_equal(tcp_sb_sacked_in(&sb, una, max), 0x300);
	assert_int_equal(tcp_sb_sacked_in(&sb, 0xffffff80u, 0x80), 0x100);

	assert_true(tcp_sb_next_hole(&sb, una, 0x10000, &start, &len));
	assert_int_equal(start, una);
	assert_int_equal(len, 0xf00);
	assert_true(tcp_sb_next_hole(&sb, 0xffffff80u, 0x10000, &start, &len));
	assert_int_equal(start, 0x100);
	assert_int_equal(len, 0xf00);

	/* beyond SND.MAX / below SND.UNA, across the wrap */
	assert_int_equal(sack1(&sb, una, max, 0x2f00, 0x3001, &rejected), 0);
	assert_int_equal(rejected, 1);
	assert_int_equal(sack1(&sb, una, max, 0xffffef00u, 0xfffff100u,
			       &rejected), 0);
	assert_int_equal(rejected, 1);

	/* merge across the wrap */
	assert_int_equal(sack1(&sb, una, max, 0xfffffe00u, 0xffffff00u,
			       &rejected), 0x100);
	assert_sb_range(&sb, 0, 0xfffffe00u, 0x100);

	tcp_sb_advance(&sb, 0x80);
	assert_sb_range(&sb, 0, 0x80, 0x100);
	assert_int_equal(sb.sacked, 0x80 + 0x100);
	assert_sb_consistent(&sb);
}

/*
 * The hostile peer: thousands of valid but scattered blocks. The
 * scoreboard stays at TCP_SB_MAX ranges and keeps the highest ones.
 */
static void
test_block_flood_bounded(void **state)
{
	struct tcp_scoreboard sb;
	unsigned int rejected;

	(void)state;
	tcp_sb_clear(&sb);
	for (uint32_t i = 0; i < 5000; i++) {
		struct tcp_sack_block b = { .start = 2000 + 4 * i,
					    .end = 2002 + 4 * i };

		tcp_sb_update(&sb, UNA, 100000, &b, 1, &rejected);
		assert_int_equal(rejected, 0);
		assert_true(sb.n <= TCP_SB_MAX);
	}
	assert_int_equal(sb.n, TCP_SB_MAX);
	assert_int_equal(sb.sacked, 2 * TCP_SB_MAX);
	assert_sb_range(&sb, TCP_SB_MAX - 1, 2000 + 4 * 4999, 2002 + 4 * 4999);
	assert_sb_consistent(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_block),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_update_many_blocks),
		cmocka_unit_test(test_reject_malformed_blocks),
		cmocka_unit_test(test_reject_too_many_blocks),
		cmocka_unit_test(test_overflow_forgets_lowest),
		cmocka_unit_test(test_overflow_new_lowest_forgotten),
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_next_hole),
		cmocka_unit_test(test_next_hole_iteration),
		cmocka_unit_test(test_sacked_in),
		cmocka_unit_test(test_wrap_near_2_32),
		cmocka_unit_test(test_block_flood_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
