/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-order queue (lib/tcp/tcp_reass.h) against hand-computed
 * ranges: RFC 9293 3.10.7.4 (segments beyond RCV.NXT are held; the
 * first copy of a byte wins), RFC 2018 4 (SACK blocks, the most recent
 * arrival first), and the caps on ranges and bytes.
 *
 * Every expected seq / len / skip below is worked out by hand in the
 * comment next to it; sequence numbers are small round numbers except
 * in the wrap test, which places the queue across 2^32.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_reass.h"

/* Generous: only the range cap matters unless a test says otherwise. */
#define NO_BYTE_CAP UINT32_MAX

/* A stand-in for an mbuf: a tag to recognise it and a free count. */
struct fake_buf {
	unsigned int tag;
	unsigned int freed;
};

struct insert_result {
	enum tcp_reass_verdict verdict;
	uint32_t keep_skip;
	uint32_t keep_len;
};

static struct insert_result
insert(struct tcp_reass *r, uint32_t seq, uint32_t len, void *data,
       uint32_t max_bytes)
{
	struct insert_result res;

	/* Poison the outputs: a QUEUED verdict must set both. */
	res.keep_skip = 0xdeadbeef;
	res.keep_len = 0xdeadbeef;
	res.verdict = tcp_reass_insert(r, seq, len, data, max_bytes,
				       &res.keep_skip, &res.keep_len);
	return res;
}

static void
assert_queued(struct tcp_reass *r, uint32_t seq, uint32_t len, void *data,
	      uint32_t want_skip, uint32_t want_keep_len)
{
	struct insert_result res = insert(r, seq, len, data, NO_BYTE_CAP);

	if (res.verdict != TCP_REASS_QUEUED)
		fail_msg("insert [%u, %u): verdict %d, want QUEUED", seq,
			 seq + len, res.verdict);
	assert_int_equal(res.keep_skip, want_skip);
	assert_int_equal(res.keep_len, want_keep_len);
}

static void
assert_range(const struct tcp_reass *r, uint32_t i, uint32_t seq,
	     uint32_t len, uint32_t skip, const void *data)
{
	assert_true(i < r->n);
	assert_int_equal(r->s[i].seq, seq);
	assert_int_equal(r->s[i].len, len);
	assert_int_equal(r->s[i].skip, skip);
	assert_ptr_equal(r->s[i].data, data);
}

/* The queue's own bookkeeping: sorted, disjoint, bytes = sum of lens. */
static void
assert_consistent(const struct tcp_reass *r)
{
	uint32_t sum = 0;

	assert_true(r->n <= TCP_REASS_MAX);
	for (uint32_t i = 0; i < r->n; i++) {
		assert_true(r->s[i].len > 0);
		sum += r->s[i].len;
		if (i > 0) {
			uint32_t prev_end = r->s[i - 1].seq + r->s[i - 1].len;

			/* starts at or past the previous end, mod 2^32 */
			assert_true((int32_t)(r->s[i].seq - prev_end) >= 0);
		}
	}
	assert_int_equal(sum, r->bytes);
}

static void
test_in_order_pop(void **state)
{
	struct tcp_reass r;
	struct tcp_reass_seg seg;
	int buf;

	(void)state;
	tcp_reass_init(&r);
	assert_false(tcp_reass_pop(&r, 1000, &seg)); /* empty */

	/* RCV.NXT 1000; [1100, 1200) arrives early: held whole. */
	assert_queued(&r, 1100, 100, &buf, 0, 100);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.bytes, 100);
	/* The hole [1000, 1100) is still open: nothing to take. */
	assert_false(tcp_reass_pop(&r, 1000, &seg));
	assert_false(tcp_reass_pop(&r, 1099, &seg));
	assert_int_equal(r.n, 1);
	/* [1000, 1100) delivered in order by the caller: RCV.NXT 1100. */
	assert_true(tcp_reass_pop(&r, 1100, &seg));
	assert_int_equal(seg.seq, 1100);
	assert_int_equal(seg.len, 100);
	assert_int_equal(seg.skip, 0);
	assert_ptr_equal(seg.data, &buf);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.bytes, 0);
	assert_false(tcp_reass_pop(&r, 1200, &seg));
}

/* Three holes filled in a scrambled order; pops follow RCV.NXT. */
static void
test_holes_sorted_and_popped_in_sequence(void **state)
{
	struct tcp_reass r;
	struct tcp_reass_seg seg;
	int a, b, c;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1400, 100, &c, 0, 100);
	assert_queued(&r, 1100, 100, &a, 0, 100);
	assert_queued(&r, 1200, 100, &b, 0, 100);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.bytes, 300);
	assert_range(&r, 0, 1100, 100, 0, &a);
	assert_range(&r, 1, 1200, 100, 0, &b);
	assert_range(&r, 2, 1400, 100, 0, &c);
	assert_consistent(&r);

	assert_true(tcp_reass_pop(&r, 1100, &seg));
	assert_ptr_equal(seg.data, &a);
	assert_true(tcp_reass_pop(&r, 1200, &seg));
	assert_ptr_equal(seg.data, &b);
	assert_int_equal(seg.seq, 1200);
	/* RCV.NXT 1300: the hole [1300, 1400) remains. */
	assert_false(tcp_reass_pop(&r, 1300, &seg));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.bytes, 100);
	assert_true(tcp_reass_pop(&r, 1400, &seg));
	assert_ptr_equal(seg.data, &c);
	assert_int_equal(r.bytes, 0);
}

/*
 * Head overlap: [1000, 1100) queued; [1050, 1150) arrives. The first
 * copy of [1050, 1100) wins, so only [1100, 1150) is kept: skip the
 * head 50 bytes, keep up to offset 100 of the new buffer.
 */
static void
test_overlap_head_trimmed(void **state)
{
	struct tcp_reass r;
	int old, new;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1000, 100, &old, 0, 100);
	assert_queued(&r, 1050, 100, &new, 50, 100);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.bytes, 150);
	assert_range(&r, 0, 1000, 100, 0, &old);
	assert_range(&r, 1, 1100, 50, 50, &new);
	assert_consistent(&r);
}

/*
 * Tail overlap: [1100, 1200) queued; [1050, 1150) arrives. Only
 * [1050, 1100) is new: no head skip, keep the first 50 bytes.
 */
static void
test_overlap_tail_trimmed(void **state)
{
	struct tcp_reass r;
	int old, new;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1100, 100, &old, 0, 100);
	assert_queued(&r, 1050, 100, &new, 0, 50);
	assert_int_equal(r.bytes, 150);
	assert_range(&r, 0, 1050, 50, 0, &new);
	assert_range(&r, 1, 1100, 100, 0, &old);
	assert_consistent(&r);
}

/*
 * Spanning: [1100, 1200) queued; [1000, 1300) arrives. The queued copy
 * of [1100, 1200) wins and only the first gap it covers, [1000, 1100),
 * is kept. The same retransmission again then fills the next gap,
 * [1200, 1300): skip 200, keep up to 300. Progress on every copy.
 */
static void
test_overlap_spanning_fills_lowest_gap(void **state)
{
	struct tcp_reass r;
	int mid, first, second;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1100, 100, &mid, 0, 100);
	assert_queued(&r, 1000, 300, &first, 0, 100);
	assert_range(&r, 0, 1000, 100, 0, &first);
	assert_range(&r, 1, 1100, 100, 0, &mid);
	assert_int_equal(r.bytes, 200);

	assert_queued(&r, 1000, 300, &second, 200, 300);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.bytes, 300);
	assert_range(&r, 2, 1200, 100, 200, &second);
	assert_consistent(&r);
}

/*
 * A new range whose head lies in two touching queued ranges: [1000,
 * 1100) and [1100, 1200) queued, [1050, 1250) arrives: skip 150 (up to
 * 1200), keep to 200 (1250).
 */
static void
test_overlap_head_across_touching_ranges(void **state)
{
	struct tcp_reass r;
	int a, b, c;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1000, 100, &a, 0, 100);
	assert_queued(&r, 1100, 100, &b, 0, 100);
	assert_queued(&r, 1050, 200, &c, 150, 200);
	assert_range(&r, 2, 1200, 50, 150, &c);
	assert_int_equal(r.bytes, 250);
	assert_consistent(&r);
}

/* Exact, inner and multi-range duplicates change nothing. */
static void
test_duplicates_refused_unchanged(void **state)
{
	struct tcp_reass r, before;
	struct insert_result res;
	int a, b, dup;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1000, 100, &a, 0, 100);
	assert_queued(&r, 1100, 100, &b, 0, 100);
	memcpy(&before, &r, sizeof(r));

	res = insert(&r, 1000, 100, &dup, NO_BYTE_CAP);  /* exact */
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);
	res = insert(&r, 1020, 30, &dup, NO_BYTE_CAP);   /* inside */
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);
	res = insert(&r, 1050, 100, &dup, NO_BYTE_CAP);  /* across both */
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);
	res = insert(&r, 1000, 200, &dup, NO_BYTE_CAP);  /* both, exactly */
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);
	res = insert(&r, 1100, 0, &dup, NO_BYTE_CAP);    /* empty */
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);

	/* Only the recency stamps move (RFC 2018 4: the next ACK's first
	 * SACK block is the one holding the duplicate). */
	assert_int_equal(r.n, before.n);
	assert_int_equal(r.bytes, before.bytes);
	for (uint32_t i = 0; i < r.n; i++) {
		assert_int_equal(r.s[i].seq, before.s[i].seq);
		assert_int_equal(r.s[i].len, before.s[i].len);
		assert_int_equal(r.s[i].skip, before.s[i].skip);
		assert_ptr_equal(r.s[i].data, before.s[i].data);
	}
}

/*
 * The range cap: TCP_REASS_MAX disjoint 10-byte ranges fill the queue;
 * one more is refused, even when it touches a queued range (ranges
 * hold separate buffers and are never coalesced), while a duplicate
 * is still reported as a duplicate.
 */
static void
test_range_cap(void **state)
{
	struct tcp_reass r;
	struct insert_result res;
	int bufs[TCP_REASS_MAX + 1];
	uint32_t i;

	(void)state;
	tcp_reass_init(&r);
	/* [1000 + 20 i, 1010 + 20 i) for every i: gaps of 10 between. */
	for (i = 0; i < TCP_REASS_MAX; i++)
		assert_queued(&r, 1000 + 20 * i, 10, &bufs[i], 0, 10);
	assert_int_equal(r.n, TCP_REASS_MAX);
	assert_int_equal(r.bytes, TCP_REASS_MAX * 10);

	res = insert(&r, 5000, 10, &bufs[TCP_REASS_MAX], NO_BYTE_CAP);
	assert_int_equal(res.verdict, TCP_REASS_FULL);
	res = insert(&r, 1010, 10, &bufs[TCP_REASS_MAX], NO_BYTE_CAP);
	assert_int_equal(res.verdict, TCP_REASS_FULL);
	res = insert(&r, 1020, 10, &bufs[TCP_REASS_MAX], NO_BYTE_CAP);
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);
	assert_int_equal(r.n, TCP_REASS_MAX);
	assert_int_equal(r.bytes, TCP_REASS_MAX * 10);
	assert_consistent(&r);
}

/*
 * The byte cap counts the bytes kept, after trimming: with a cap of
 * 250 and [1000, 1200) queued, [1150, 1250) keeps 50 bytes (total 250,
 * allowed: the cap is inclusive); then a single byte more is refused.
 */
static void
test_byte_cap_counts_kept_bytes(void **state)
{
	struct tcp_reass r;
	struct insert_result res;
	int a, b, c;

	(void)state;
	tcp_reass_init(&r);
	res = insert(&r, 1000, 200, &a, 250);
	assert_int_equal(res.verdict, TCP_REASS_QUEUED);
	res = insert(&r, 1150, 100, &b, 250);
	assert_int_equal(res.verdict, TCP_REASS_QUEUED);
	assert_int_equal(res.keep_skip, 50);
	assert_int_equal(res.keep_len, 100);
	assert_int_equal(r.bytes, 250);
	res = insert(&r, 1300, 1, &c, 250);
	assert_int_equal(res.verdict, TCP_REASS_FULL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.bytes, 250);
	/* A range that would exceed the cap by one byte is refused whole. */
	tcp_reass_init(&r);
	res = insert(&r, 1000, 251, &a, 250);
	assert_int_equal(res.verdict, TCP_REASS_FULL);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.bytes, 0);
}

/*
 * Pop when RCV.NXT moved into a queued range (an in-order segment
 * longer than the hole was delivered): the delivered bytes are added
 * to the head skip. [1100, 1200) queued with skip 50 (it came as
 * [1050, 1200) over a queued [1000, 1100)); RCV.NXT jumps to 1150:
 * seq 1150, len 50, skip 50 + 50 = 100.
 */
static void
test_pop_partial_below_rcv_nxt(void **state)
{
	struct tcp_reass r;
	struct tcp_reass_seg seg;
	int a, b;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1000, 100, &a, 0, 100);
	assert_queued(&r, 1050, 150, &b, 50, 150);
	assert_true(tcp_reass_pop(&r, 1000, &seg));
	assert_ptr_equal(seg.data, &a);
	assert_int_equal(seg.len, 100);

	assert_true(tcp_reass_pop(&r, 1150, &seg));
	assert_ptr_equal(seg.data, &b);
	assert_int_equal(seg.seq, 1150);
	assert_int_equal(seg.len, 50);
	assert_int_equal(seg.skip, 100);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.bytes, 0);
}

/* A range wholly below RCV.NXT comes back empty, to be freed. */
static void
test_pop_wholly_below_rcv_nxt(void **state)
{
	struct tcp_reass r;
	struct tcp_reass_seg seg;
	int a, b;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 1100, 100, &a, 0, 100);
	assert_queued(&r, 1300, 100, &b, 0, 100);
	/* RCV.NXT 1250: [1100, 1200) was covered by in-order data. */
	assert_true(tcp_reass_pop(&r, 1250, &seg));
	assert_ptr_equal(seg.data, &a);
	assert_int_equal(seg.len, 0);
	assert_int_equal(seg.skip, 100);
	assert_int_equal(r.bytes, 100);
	/* [1300, 1400) is still beyond the hole [1250, 1300). */
	assert_false(tcp_reass_pop(&r, 1250, &seg));
	/* Exactly at the end of a range is also wholly below. */
	assert_true(tcp_reass_pop(&r, 1400, &seg));
	assert_ptr_equal(seg.data, &b);
	assert_int_equal(seg.len, 0);
	assert_int_equal(seg.skip, 100);
	assert_int_equal(r.bytes, 0);
}

/*
 * RFC 2018 4: the first block holds the most recent arrival, the rest
 * follow by recency; touching ranges are reported as one block whose
 * recency is that of its newest part.
 */
static void
test_sack_blocks_most_recent_first(void **state)
{
	struct tcp_reass r;
	struct tcp_sack_block b[TCP_MAX_SACK_BLOCKS];
	int x;

	(void)state;
	tcp_reass_init(&r);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 0);

	assert_queued(&r, 2000, 100, &x, 0, 100);  /* A */
	assert_queued(&r, 3000, 100, &x, 0, 100);  /* B */
	assert_queued(&r, 4000, 100, &x, 0, 100);  /* C */
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 3);
	assert_int_equal(b[0].start, 4000);
	assert_int_equal(b[0].end, 4100);
	assert_int_equal(b[1].start, 3000);
	assert_int_equal(b[1].end, 3100);
	assert_int_equal(b[2].start, 2000);
	assert_int_equal(b[2].end, 2100);

	/* [2100, 2200) extends A: the block [2000, 2200) is now newest. */
	assert_queued(&r, 2100, 100, &x, 0, 100);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 3);
	assert_int_equal(b[0].start, 2000);
	assert_int_equal(b[0].end, 2200);
	assert_int_equal(b[1].start, 4000);
	assert_int_equal(b[2].start, 3000);

	/* [1900, 2000) extends it below: still one block, still first. */
	assert_queued(&r, 1900, 100, &x, 0, 100);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 3);
	assert_int_equal(b[0].start, 1900);
	assert_int_equal(b[0].end, 2200);

	/* Five blocks, room for four: the oldest (B, 3000) is left out. */
	assert_queued(&r, 5000, 100, &x, 0, 100);
	assert_queued(&r, 6000, 100, &x, 0, 100);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 4);
	assert_int_equal(b[0].start, 6000);
	assert_int_equal(b[1].start, 5000);
	assert_int_equal(b[2].start, 1900);
	assert_int_equal(b[3].start, 4000);
	/* Room for fewer (timestamps take option space): the newest ones. */
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 3), 3);
	assert_int_equal(b[0].start, 6000);
	assert_int_equal(b[2].start, 1900);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 0), 0);
}

/*
 * A trimmed arrival still counts as the most recent: [3050, 3150) over
 * a queued [3000, 3100) keeps [3100, 3150), and the block holding it,
 * [3000, 3150), comes first.
 */
static void
test_sack_block_of_trimmed_arrival_first(void **state)
{
	struct tcp_reass r;
	struct tcp_sack_block b[TCP_MAX_SACK_BLOCKS];
	int x;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 3000, 100, &x, 0, 100);
	assert_queued(&r, 5000, 100, &x, 0, 100);
	assert_queued(&r, 3050, 100, &x, 50, 100);
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 2);
	assert_int_equal(b[0].start, 3000);
	assert_int_equal(b[0].end, 3150);
	assert_int_equal(b[1].start, 5000);
	assert_int_equal(b[1].end, 5100);
}

/*
 * Sequence numbers across 2^32. RCV.NXT = 2^32 - 256 (0xffffff00).
 * Queued: [0xffffff80, 0xffffff90), [0xfffffff0, 0x10) (straddles the
 * wrap), [0x20, 0x30). They sort in sequence-space order, not as
 * integers. [0x0, 0x28) overlaps the wrap range at its head and
 * [0x20, 0x30) at its tail: only [0x10, 0x20) is new (skip 0x10, keep
 * to 0x20).
 */
static void
test_wrap_near_2_32(void **state)
{
	struct tcp_reass r;
	struct tcp_reass_seg seg;
	struct tcp_sack_block b[TCP_MAX_SACK_BLOCKS];
	int a, w, c, fill;

	(void)state;
	tcp_reass_init(&r);
	assert_queued(&r, 0x20, 0x10, &c, 0, 0x10);
	assert_queued(&r, 0xfffffff0u, 0x20, &w, 0, 0x20);
	assert_queued(&r, 0xffffff80u, 0x10, &a, 0, 0x10);
	assert_range(&r, 0, 0xffffff80u, 0x10, 0, &a);
	assert_range(&r, 1, 0xfffffff0u, 0x20, 0, &w);
	assert_range(&r, 2, 0x20, 0x10, 0, &c);
	assert_int_equal(r.bytes, 0x40);

	assert_queued(&r, 0x0, 0x28, &fill, 0x10, 0x20);
	assert_range(&r, 2, 0x10, 0x10, 0x10, &fill);
	assert_int_equal(r.bytes, 0x50);
	assert_consistent(&r);

	/* Blocks: [0xfffffff0, 0x30) (three touching ranges), newest. */
	assert_int_equal(tcp_reass_sack_blocks(&r, b, 4), 2);
	assert_int_equal(b[0].start, 0xfffffff0u);
	assert_int_equal(b[0].end, 0x30);
	assert_int_equal(b[1].start, 0xffffff80u);
	assert_int_equal(b[1].end, 0xffffff90u);

	/* A duplicate across the wrap. */
	assert_int_equal(insert(&r, 0xfffffff8u, 0x10, &fill,
				NO_BYTE_CAP).verdict, TCP_REASS_DUPLICATE);

	/* RCV.NXT reaches 0xffffff80; later 0xfffffff8 (8 bytes into w). */
	assert_false(tcp_reass_pop(&r, 0xffffff00u, &seg));
	assert_true(tcp_reass_pop(&r, 0xffffff80u, &seg));
	assert_ptr_equal(seg.data, &a);
	assert_false(tcp_reass_pop(&r, 0xffffff90u, &seg));
	assert_true(tcp_reass_pop(&r, 0xfffffff8u, &seg));
	assert_ptr_equal(seg.data, &w);
	assert_int_equal(seg.seq, 0xfffffff8u);
	assert_int_equal(seg.len, 0x18);
	assert_int_equal(seg.skip, 8);
	assert_true(tcp_reass_pop(&r, 0x10, &seg));
	assert_ptr_equal(seg.data, &fill);
	assert_true(tcp_reass_pop(&r, 0x20, &seg));
	assert_ptr_equal(seg.data, &c);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.bytes, 0);
}

static void
count_free(void *data)
{
	struct fake_buf *fb = data;

	fb->freed++;
}

/* Purge frees every held buffer exactly once and empties the queue. */
static void
test_purge_frees_each_buffer_once(void **state)
{
	struct tcp_reass r;
	struct fake_buf bufs[5];
	struct insert_result res;
	unsigned int i;

	(void)state;
	memset(bufs, 0, sizeof(bufs));
	tcp_reass_init(&r);
	for (i = 0; i < 4; i++)
		assert_queued(&r, 1000 + 200 * i, 100, &bufs[i], 0, 100);
	/* A duplicate is the caller's to free, never held. */
	res = insert(&r, 1000, 100, &bufs[4], NO_BYTE_CAP);
	assert_int_equal(res.verdict, TCP_REASS_DUPLICATE);

	tcp_reass_purge(&r, count_free);
	for (i = 0; i < 4; i++)
		assert_int_equal(bufs[i].freed, 1);
	assert_int_equal(bufs[4].freed, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.bytes, 0);
	/* Purging an empty queue frees nothing. */
	tcp_reass_purge(&r, count_free);
	for (i = 0; i < 4; i++)
		assert_int_equal(bufs[i].freed, 1);
}

/*
 * The hostile pattern: a flood of 1-byte segments, every other byte,
 * never filling the hole at RCV.NXT. The queue stops at TCP_REASS_MAX
 * ranges, whatever arrives, and stays consistent.
 */
static void
test_tiny_segment_flood_capped(void **state)
{
	struct tcp_reass r;
	struct insert_result res;
	unsigned int queued = 0, full = 0;
	int x;

	(void)state;
	tcp_reass_init(&r);
	for (uint32_t i = 0; i < 10000; i++) {
		res = insert(&r, 1001 + 2 * i, 1, &x, 64 * 1024);
		if (res.verdict == TCP_REASS_QUEUED)
			queued++;
		else if (res.verdict == TCP_REASS_FULL)
			full++;
	}
	assert_int_equal(queued, TCP_REASS_MAX);
	assert_int_equal(full, 10000 - TCP_REASS_MAX);
	assert_int_equal(r.n, TCP_REASS_MAX);
	assert_int_equal(r.bytes, TCP_REASS_MAX);
	assert_consistent(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_pop),
		cmocka_unit_test(test_holes_sorted_and_popped_in_sequence),
		cmocka_unit_test(test_overlap_head_trimmed),
		cmocka_unit_test(test_overlap_tail_trimmed),
		cmocka_unit_test(test_overlap_spanning_fills_lowest_gap),
		cmocka_unit_test(test_overlap_head_across_touching_ranges),
		cmocka_unit_test(test_duplicates_refused_unchanged),
		cmocka_unit_test(test_range_cap),
		cmocka_unit_test(test_byte_cap_counts_kept_bytes),
		cmocka_unit_test(test_pop_partial_below_rcv_nxt),
		cmocka_unit_test(test_pop_wholly_below_rcv_nxt),
		cmocka_unit_test(test_sack_blocks_most_recent_first),
		cmocka_unit_test(test_sack_block_of_trimmed_arrival_first),
		cmocka_unit_test(test_wrap_near_2_32),
		cmocka_unit_test(test_purge_frees_each_buffer_once),
		cmocka_unit_test(test_tiny_segment_flood_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
