/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the hierarchical timing wheel (lib/core/tern_timer.c):
 * exact firing ticks, level boundaries, cancel and re-arm from handlers,
 * huge time values, and a seeded random comparison against a naive
 * model. Set TERN_TEST_SEED to replay a failing random run.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tern_splitmix.h"
#include "tern_timer.h"

#define MS UINT64_C(1000000)

/* ---- helpers ---------------------------------------------------------- */

/* Pop everything that is expired; returns how many. */
static unsigned int
pop_all(struct tern_wheel *w)
{
	unsigned int n = 0;

	while (tern_wheel_pop_expired(w) != NULL)
		n++;
	return n;
}

static unsigned int
wheel_level_of(uint64_t expire, uint64_t now)
{
	uint64_t diff = expire ^ now;

	if (diff >= TERN_WHEEL_SPAN_TICKS)
		return TERN_WHEEL_LEVELS - 1;
	return (unsigned int)(63 - __builtin_clzll(diff)) /
	       TERN_WHEEL_SLOT_BITS;
}

/*
 * White-box check of the layout the implementation documents: bitmaps
 * mirror the slots, every slotted timer expires after now at the level
 * and slot its expiry tick names, back-links are consistent, lists end
 * at their tail pointers, and the count adds up.
 */
static void
check_wheel_invariants(const struct tern_wheel *w)
{
	uint32_t seen = 0;
	const struct tern_timer *t;
	struct tern_timer *const *link;

	for (unsigned int l = 0; l < TERN_WHEEL_LEVELS; l++) {
		for (unsigned int s = 0; s < TERN_WHEEL_SLOTS; s++) {
			bool bit = (w->occupied[l] >> s) & 1;

			assert_int_equal(bit, w->slots[l][s] != NULL);
			link = &w->slots[l][s];
			for (t = *link; t != NULL; t = t->next) {
				assert_ptr_equal(t->pprev, link);
				assert_true(t->expire_tick > w->now_tick);
				assert_true(t->expire_tick - w->now_tick <
					    TERN_WHEEL_SPAN_TICKS);
				assert_int_equal(wheel_level_of(t->expire_tick,
								w->now_tick),
						 l);
				assert_int_equal((t->expire_tick >>
						  (6 * l)) & 63, s);
				link = &t->next;
				seen++;
			}
		}
	}
	link = &w->expired;
	for (t = *link; t != NULL; t = t->next) {
		assert_ptr_equal(t->pprev, link);
		assert_true(t->expire_tick <= w->now_tick);
		link = &t->next;
		seen++;
	}
	assert_ptr_equal(w->expired_tail, link);
	link = &w->overdue;
	for (t = *link; t != NULL; t = t->next) {
		assert_ptr_equal(t->pprev, link);
		assert_true(t->expire_tick <= w->now_tick);
		link = &t->next;
		seen++;
	}
	assert_ptr_equal(w->overdue_tail, link);
	assert_int_equal(seen, w->count);
}

/* ---- basic behaviour -------------------------------------------------- */

static void
test_init(void **state)
{
	struct tern_wheel w;

	(void)state;
	assert_int_equal(tern_wheel_init(&w, 0, 0), -EINVAL);
	assert_int_equal(tern_wheel_init(&w, 5 * MS + 7, MS), 0);
	assert_int_equal(w.now_tick, 5);
	assert_int_equal(tern_wheel_count(&w), 0);
	assert_true(tern_wheel_next_deadline_ns(&w) == UINT64_MAX);
	assert_null(tern_wheel_pop_expired(&w));
	check_wheel_invariants(&w);
}

static void
test_fires_at_deadline_not_before(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_init(&t);
	tern_timer_arm(&w, &t, 10 * MS);
	assert_true(tern_timer_armed(&t));
	assert_int_equal(tern_wheel_count(&w), 1);
	assert_true(tern_wheel_next_deadline_ns(&w) == 10 * MS);

	tern_wheel_advance(&w, 10 * MS - 1);
	assert_null(tern_wheel_pop_expired(&w));
	tern_wheel_advance(&w, 10 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);
	assert_false(tern_timer_armed(&t));
	assert_int_equal(tern_wheel_count(&w), 0);
	assert_null(tern_wheel_pop_expired(&w));
	check_wheel_invariants(&w);
}

/* A deadline between two ticks waits for the next whole tick. */
static void
test_deadline_rounds_up_to_tick(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_init(&t);
	tern_timer_arm(&w, &t, 5 * MS + 1);
	assert_int_equal(t.expire_tick, 6);
	assert_true(tern_wheel_next_deadline_ns(&w) == 6 * MS);
	tern_wheel_advance(&w, 5 * MS + 1);
	tern_wheel_advance(&w, 6 * MS - 1);
	assert_null(tern_wheel_pop_expired(&w));
	tern_wheel_advance(&w, 6 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);
}

/*
 * due_by: an armed timer fires no later than a deadline that rounds up
 * to its tick or beyond (lazy re-arming leaves it there); an idle one
 * is due by nothing.
 */
static void
test_due_by(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_init(&t);
	assert_false(tern_timer_due_by(&w, &t, UINT64_MAX));
	tern_timer_arm(&w, &t, 5 * MS + 1);
	assert_true(tern_timer_due_by(&w, &t, 5 * MS + 1));
	assert_true(tern_timer_due_by(&w, &t, 6 * MS));
	assert_true(tern_timer_due_by(&w, &t, UINT64_MAX));
	assert_false(tern_timer_due_by(&w, &t, 5 * MS));
	tern_timer_cancel(&w, &t);
	assert_false(tern_timer_due_by(&w, &t, 6 * MS));
}

static void
test_arm_cancel_same_tick(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;

	(void)state;
	tern_wheel_init(&w, 100 * MS, MS);
	tern_timer_init(&t);
	tern_timer_cancel(&w, &t); /* idle: no-op */
	assert_int_equal(tern_wheel_count(&w), 0);

	tern_timer_arm(&w, &t, 103 * MS);
	tern_timer_cancel(&w, &t);
	assert_false(tern_timer_armed(&t));
	assert_int_equal(tern_wheel_count(&w), 0);
	assert_int_equal(w.occupied[0], 0);
	assert_true(tern_wheel_next_deadline_ns(&w) == UINT64_MAX);
	tern_timer_cancel(&w, &t); /* twice: still a no-op */
	assert_int_equal(tern_wheel_count(&w), 0);
	tern_wheel_advance(&w, 200 * MS);
	assert_null(tern_wheel_pop_expired(&w));

	/* Arm, cancel, arm again within one tick: fires once. */
	tern_timer_arm(&w, &t, 205 * MS);
	tern_timer_cancel(&w, &t);
	tern_timer_arm(&w, &t, 205 * MS);
	assert_int_equal(tern_wheel_count(&w), 1);
	tern_wheel_advance(&w, 205 * MS);
	assert_int_equal(pop_all(&w), 1);
	check_wheel_invariants(&w);
}

static void
test_arm_in_past_fires_on_next_advance(void **state)
{
	struct tern_wheel w;
	struct tern_timer past, now, soon;

	(void)state;
	tern_wheel_init(&w, 1000 * MS, MS);
	tern_timer_init(&past);
	tern_timer_init(&now);
	tern_timer_init(&soon);
	tern_timer_arm(&w, &past, 500 * MS);
	tern_timer_arm(&w, &now, 1000 * MS);
	tern_timer_arm(&w, &soon, 1000 * MS + 1);
	assert_int_equal(tern_wheel_count(&w), 3);
	assert_true(tern_wheel_next_deadline_ns(&w) == 0);
	check_wheel_invariants(&w);

	/* Not popped before an advance... */
	assert_null(tern_wheel_pop_expired(&w));
	/* ...but by the next one, even at the same time. */
	tern_wheel_advance(&w, 1000 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &past);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &now);
	assert_null(tern_wheel_pop_expired(&w));
	assert_true(tern_timer_armed(&soon));
	assert_true(tern_wheel_next_deadline_ns(&w) == 1001 * MS);

	/* An advance back in time only releases the overdue. */
	tern_timer_arm(&w, &past, 0);
	tern_wheel_advance(&w, 3 * MS);
	assert_int_equal(w.now_tick, 1000);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &past);
	assert_null(tern_wheel_pop_expired(&w));
	check_wheel_invariants(&w);
}

static void
test_rearm_earlier_and_later(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_init(&t);

	/* Later: from level 0 to level 2. */
	tern_timer_arm(&w, &t, 10 * MS);
	tern_timer_arm(&w, &t, 5000 * MS);
	assert_int_equal(tern_wheel_count(&w), 1);
	assert_int_equal(w.occupied[0], 0);
	check_wheel_invariants(&w);
	tern_wheel_advance(&w, 4999 * MS);
	assert_null(tern_wheel_pop_expired(&w));
	/* Earlier: back to the lowest level, then into the past. */
	tern_timer_arm(&w, &t, 5001 * MS);
	tern_timer_arm(&w, &t, 4999 * MS + 1);
	assert_int_equal(tern_wheel_count(&w), 1);
	check_wheel_invariants(&w);
	tern_wheel_advance(&w, 4999 * MS + 999999);
	assert_null(tern_wheel_pop_expired(&w));
	tern_wheel_advance(&w, 5000 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);

	/* Re-arm of a timer that is expired but not yet popped. */
	tern_timer_arm(&w, &t, 5001 * MS);
	tern_wheel_advance(&w, 5001 * MS);
	tern_timer_arm(&w, &t, 5100 * MS);
	assert_null(tern_wheel_pop_expired(&w));
	assert_int_equal(tern_wheel_count(&w), 1);
	tern_wheel_advance(&w, 5100 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);
	check_wheel_invariants(&w);
}

static void
test_cancel_while_expired(void **state)
{
	struct tern_wheel w;
	struct tern_timer t[4];

	(void)state;
	tern_wheel_init(&w, 0, MS);
	for (int i = 0; i < 4; i++) {
		tern_timer_init(&t[i]);
		tern_timer_arm(&w, &t[i], (uint64_t)(i + 1) * MS);
	}
	tern_wheel_advance(&w, 10 * MS);
	assert_int_equal(tern_wheel_count(&w), 4);
	/* Head, tail and middle of the expired list. */
	tern_timer_cancel(&w, &t[0]);
	tern_timer_cancel(&w, &t[3]);
	tern_timer_cancel(&w, &t[1]);
	assert_int_equal(tern_wheel_count(&w), 1);
	check_wheel_invariants(&w);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t[2]);
	assert_null(tern_wheel_pop_expired(&w));
	/* The tail pointer survived: new expiries are still found. */
	tern_timer_arm(&w, &t[3], 11 * MS);
	tern_wheel_advance(&w, 11 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t[3]);
	check_wheel_invariants(&w);
}

/*
 * A handler run for the first expired timer cancels a second expired
 * one, re-arms a third into the future and re-arms itself in the past:
 * the second never pops, the third waits for its new deadline, the
 * first comes back on the next advance, not in this round.
 */
static void
test_handler_cancels_other_expired(void **state)
{
	struct tern_wheel w;
	struct tern_timer a, b, c, d;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_init(&a);
	tern_timer_init(&b);
	tern_timer_init(&c);
	tern_timer_init(&d);
	tern_timer_arm(&w, &a, 1 * MS);
	tern_timer_arm(&w, &b, 2 * MS);
	tern_timer_arm(&w, &c, 3 * MS);
	tern_timer_arm(&w, &d, 4 * MS);
	tern_wheel_advance(&w, 100 * MS);

	assert_ptr_equal(tern_wheel_pop_expired(&w), &a);
	tern_timer_cancel(&w, &b);
	tern_timer_arm(&w, &c, 150 * MS);
	tern_timer_arm(&w, &a, 50 * MS);
	check_wheel_invariants(&w);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &d);
	assert_null(tern_wheel_pop_expired(&w));
	assert_false(tern_timer_armed(&b));
	assert_int_equal(tern_wheel_count(&w), 2);

	tern_wheel_advance(&w, 100 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &a);
	assert_null(tern_wheel_pop_expired(&w));
	tern_wheel_advance(&w, 150 * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &c);
	assert_int_equal(tern_wheel_count(&w), 0);
	check_wheel_invariants(&w);
}

/* Expired timers pop in expiry order, across levels and cascades. */
static void
test_pop_order_follows_expiry(void **state)
{
	static const uint64_t ticks[] = { 70000, 3, 4097, 64, 262145, 65,
					  4095, 1 };
	enum { NT = sizeof(ticks) / sizeof(ticks[0]) };
	struct tern_wheel w;
	struct tern_timer t[NT];
	uint64_t last = 0;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	for (unsigned int i = 0; i < NT; i++) {
		tern_timer_init(&t[i]);
		tern_timer_arm(&w, &t[i], ticks[i] * MS);
	}
	tern_wheel_advance(&w, UINT64_C(300000) * MS);
	for (unsigned int i = 0; i < NT; i++) {
		struct tern_timer *p = tern_wheel_pop_expired(&w);

		assert_non_null(p);
		assert_true(p->expire_tick >= last);
		last = p->expire_tick;
	}
	assert_null(tern_wheel_pop_expired(&w));
}

/* ---- level boundaries ------------------------------------------------- */

/*
 * Arm @p delta ticks after @p start_tick, then walk time forward one tick
 * at a time (when @p stepwise) or in two jumps, checking that the timer
 * is not due one tick (and one ns) before and is due exactly at its tick.
 */
static void
check_fires_exactly(uint64_t start_tick, uint64_t delta, bool stepwise)
{
	const uint64_t tick_ns = 1000;
	struct tern_wheel w;
	struct tern_timer t;
	uint64_t due = start_tick + delta;

	tern_wheel_init(&w, start_tick * tick_ns, tick_ns);
	tern_timer_init(&t);
	tern_timer_arm(&w, &t, due * tick_ns);
	assert_true(tern_wheel_next_deadline_ns(&w) <= due * tick_ns);
	check_wheel_invariants(&w);
	if (stepwise) {
		for (uint64_t k = start_tick + 1; k < due; k++) {
			tern_wheel_advance(&w, k * tick_ns + tick_ns - 1);
			if (tern_wheel_pop_expired(&w) != NULL)
				fail_msg("start %" PRIu64 " delta %" PRIu64
					 ": fired at tick %" PRIu64,
					 start_tick, delta, k);
			assert_true(tern_wheel_next_deadline_ns(&w) <=
				    due * tick_ns);
		}
	} else {
		tern_wheel_advance(&w, (start_tick + delta / 2) * tick_ns);
		assert_null(tern_wheel_pop_expired(&w));
		assert_true(tern_wheel_next_deadline_ns(&w) <= due * tick_ns);
	}
	tern_wheel_advance(&w, due * tick_ns - 1);
	assert_null(tern_wheel_pop_expired(&w));
	check_wheel_invariants(&w);
	tern_wheel_advance(&w, due * tick_ns);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);
	assert_int_equal(tern_wheel_count(&w), 0);
	check_wheel_invariants(&w);
}

static void
test_level_boundaries(void **state)
{
	static const uint64_t bounds[] = { 64, 4096, 262144,
					   UINT64_C(16777216),
					   UINT64_C(1073741824) };
	/* Aligned, unaligned, and just before a level-1 and level-5 edge. */
	static const uint64_t starts[] = { 0, 37, 63, 4095,
					   (UINT64_C(1) << 36) - 1,
					   (UINT64_C(1) << 36) - 100000 };

	(void)state;
	for (unsigned int s = 0; s < sizeof(starts) / sizeof(starts[0]);
	     s++) {
		for (unsigned int b = 0; b < sizeof(bounds) / sizeof(bounds[0]);
		     b++) {
			for (int off = -1; off <= 1; off++) {
				uint64_t delta = bounds[b] + (uint64_t)off;

				check_fires_exactly(starts[s], delta,
						    bounds[b] <= 4096);
				check_fires_exactly(starts[s], delta, false);
			}
		}
		check_fires_exactly(starts[s], 1, true);
		check_fires_exactly(starts[s], TERN_WHEEL_SPAN_TICKS - 1,
				    false);
	}
	/* One tick-by-tick walk through a level-2 cascade. */
	check_fires_exactly(5, 262144 + 1, true);
}

/* ---- range, huge values, long gaps ------------------------------------ */

static void
test_far_deadline_is_clamped(void **state)
{
	struct tern_wheel w;
	struct tern_timer t;
	const uint64_t start = 123456789;
	uint64_t end_tick = start + TERN_WHEEL_SPAN_TICKS - 1;

	(void)state;
	tern_wheel_init(&w, start * MS, MS);
	tern_timer_init(&t);
	tern_timer_arm(&w, &t, UINT64_MAX);
	assert_true(t.expire_tick == end_tick);
	check_wheel_invariants(&w);
	tern_wheel_advance(&w, end_tick * MS - 1);
	assert_null(tern_wheel_pop_expired(&w));
	tern_wheel_advance(&w, end_tick * MS);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t);
}

/* Time values with 2^40 ns and more of history, tick of 1 ms. */
static void
test_large_now_values(void **state)
{
	static const uint64_t starts_ns[] = {
		UINT64_C(1) << 40, (UINT64_C(1) << 40) + 999999,
		UINT64_C(1) << 50, (UINT64_C(1) << 62) + 12345,
	};
	struct tern_wheel w;
	struct tern_timer a, b;

	(void)state;
	for (unsigned int i = 0; i < sizeof(starts_ns) / sizeof(starts_ns[0]);
	     i++) {
		uint64_t now = starts_ns[i];

		/* Deadlines rounded up to the tick: the firing times. */
		uint64_t due_a = (now + 200 * MS + MS - 1) / MS * MS;
		uint64_t due_b = (now + 3600000 * MS + MS - 1) / MS * MS;

		tern_wheel_init(&w, now, MS);
		tern_timer_init(&a);
		tern_timer_init(&b);
		tern_timer_arm(&w, &a, now + 200 * MS);
		tern_timer_arm(&w, &b, now + 3600000 * MS);
		tern_wheel_advance(&w, due_a - 1);
		assert_null(tern_wheel_pop_expired(&w));
		tern_wheel_advance(&w, due_a);
		assert_ptr_equal(tern_wheel_pop_expired(&w), &a);
		assert_true(tern_wheel_next_deadline_ns(&w) <= due_b);
		tern_wheel_advance(&w, due_b - 1);
		assert_null(tern_wheel_pop_expired(&w));
		tern_wheel_advance(&w, due_b);
		assert_ptr_equal(tern_wheel_pop_expired(&w), &b);
		check_wheel_invariants(&w);
	}
}

/* The very end of the tick space: 1 ns ticks up to UINT64_MAX. */
static void
test_end_of_tick_space(void **state)
{
	const uint64_t start = UINT64_MAX - (UINT64_C(3) << 34);
	struct tern_wheel w;
	struct tern_timer t[3];

	(void)state;
	tern_wheel_init(&w, start, 1);
	for (int i = 0; i < 3; i++)
		tern_timer_init(&t[i]);
	tern_timer_arm(&w, &t[0], UINT64_MAX);
	tern_timer_arm(&w, &t[1], UINT64_MAX - 1);
	tern_timer_arm(&w, &t[2], start + (UINT64_C(1) << 35));
	check_wheel_invariants(&w);
	assert_true(t[0].expire_tick == UINT64_MAX);
	tern_wheel_advance(&w, UINT64_MAX - 2);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t[2]);
	assert_null(tern_wheel_pop_expired(&w));
	assert_true(tern_wheel_next_deadline_ns(&w) <= UINT64_MAX - 1);
	tern_wheel_advance(&w, UINT64_MAX - 1);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t[1]);
	tern_wheel_advance(&w, UINT64_MAX);
	assert_ptr_equal(tern_wheel_pop_expired(&w), &t[0]);
	assert_int_equal(tern_wheel_count(&w), 0);

	/* A deadline whose tick is past UINT64_MAX ns never comes. */
	tern_wheel_init(&w, UINT64_MAX - 5000, 1000);
	tern_timer_init(&t[0]);
	tern_timer_arm(&w, &t[0], UINT64_MAX);
	assert_true(tern_wheel_next_deadline_ns(&w) == UINT64_MAX);
	tern_wheel_advance(&w, UINT64_MAX);
	assert_null(tern_wheel_pop_expired(&w));
	assert_true(tern_timer_armed(&t[0]));
}

/*
 * Crossing a 2^36-tick boundary (the top level's ring wraps) with
 * timers on both sides, jumping from one to the next with
 * next_deadline like a simulator would.
 */
static void
test_top_level_wrap(void **state)
{
	const uint64_t span = TERN_WHEEL_SPAN_TICKS;
	const uint64_t start = 3 * span - (span >> 2) - 17;
	const uint64_t deltas[] = { 1, span >> 3, (span >> 2) + 16,
				    (span >> 2) + 17, (span >> 2) + 18,
				    span / 2, span - (span >> 6), span - 1 };
	const unsigned int n = sizeof(deltas) / sizeof(deltas[0]);
	struct tern_wheel w;
	struct tern_timer t[8];
	unsigned int fired = 0;
	unsigned int jumps = 0;

	(void)state;
	tern_wheel_init(&w, start, 1);
	for (unsigned int i = 0; i < n; i++) {
		tern_timer_init(&t[i]);
		tern_timer_arm(&w, &t[i], start + deltas[i]);
	}
	check_wheel_invariants(&w);
	while (fired < n) {
		uint64_t next = tern_wheel_next_deadline_ns(&w);
		struct tern_timer *p;

		assert_true(next > w.now_tick && next != UINT64_MAX);
		assert_true(next <= start + deltas[fired]);
		tern_wheel_advance(&w, next);
		check_wheel_invariants(&w);
		while ((p = tern_wheel_pop_expired(&w)) != NULL) {
			assert_ptr_equal(p, &t[fired]);
			assert_true(next == start + deltas[fired]);
			fired++;
		}
		jumps++;
	}
	/* Each jump lands on a slot edge or a deadline: few of them. */
	assert_true(jumps <= n * TERN_WHEEL_LEVELS);
	assert_true(tern_wheel_next_deadline_ns(&w) == UINT64_MAX);
}

/*
 * Two years of 1 ms ticks in one advance: iterating over every tick
 * would take minutes and trip the test timeout; skipping empty slots
 * takes microseconds.
 */
static void
test_long_gap_single_advance(void **state)
{
	enum { NT = 1000 };
	struct tern_timer t[NT];
	struct tern_wheel w;
	uint64_t last = 0;

	(void)state;
	tern_wheel_init(&w, 7 * MS, MS);
	for (unsigned int i = 0; i < NT; i++) {
		tern_timer_init(&t[i]);
		tern_timer_arm(&w, &t[i],
			       7 * MS + (uint64_t)i * 68718 * 1000 * MS);
	}
	tern_wheel_advance(&w, 7 * MS + (TERN_WHEEL_SPAN_TICKS - 1) * MS);
	for (unsigned int i = 0; i < NT; i++) {
		struct tern_timer *p = tern_wheel_pop_expired(&w);

		assert_non_null(p);
		assert_true(p->expire_tick >= last);
		last = p->expire_tick;
	}
	assert_null(tern_wheel_pop_expired(&w));
	assert_int_equal(tern_wheel_count(&w), 0);
}

/* ---- random operations against a naive model -------------------------- */

enum model_state { M_IDLE, M_ARMED, M_EXPIRED };

struct model_timer {
	struct tern_timer node;
	enum model_state state;
	uint64_t expire_tick;   /* the model's own computation */
};

struct rng {
	uint64_t s;
};

/* splitmix64: small, good enough, and reproducible from the seed. */
static uint64_t
rng_next(struct rng *r)
{
	return tern_splitmix64(&r->s);
}

static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return n == 0 ? 0 : rng_next(r) % n;
}

#define NTIMERS 512
#define NOPS 100000

struct model {
	struct tern_wheel w;
	struct model_timer t[NTIMERS];
	uint64_t now_ns;
	uint64_t tick_ns;
	uint64_t seed;
	unsigned int op;
};

#define model_assert(m, cond)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fail_msg("seed %" PRIu64 " op %u: %s (replay with "    \
				 "TERN_TEST_SEED=%" PRIu64 ")",                \
				 (m)->seed, (m)->op, #cond, (m)->seed);        \
	} while (0)

/* A deadline in ns: past, near, mid, far or at the edge of the range. */
static uint64_t
model_pick_deadline(struct model *m, struct rng *r)
{
	uint64_t now = m->now_ns;
	uint64_t span_ns = (TERN_WHEEL_SPAN_TICKS - 2) * m->tick_ns;

	uint64_t back;

	switch (rng_below(r, 8)) {
	case 0:
		back = rng_below(r, 100 * m->tick_ns);
		return back < now ? now - back : 0;
	case 1:
	case 2:
		return now + rng_below(r, 100 * m->tick_ns);
	case 3:
	case 4:
		return now + rng_below(r, 10000 * m->tick_ns);
	case 5:
		return now + rng_below(r, 5000000 * m->tick_ns);
	case 6:
		return now + rng_below(r, span_ns);
	default:
		return now + span_ns - rng_below(r, 1000 * m->tick_ns);
	}
}

static void
model_arm(struct model *m, struct model_timer *mt, uint64_t deadline_ns)
{
	tern_timer_arm(&m->w, &mt->node, deadline_ns);
	mt->state = M_ARMED;
	mt->expire_tick = deadline_ns / m->tick_ns +
			  (deadline_ns % m->tick_ns != 0);
}

static void
model_cancel(struct model *m, struct model_timer *mt)
{
	tern_timer_cancel(&m->w, &mt->node);
	mt->state = M_IDLE;
}

/* The model's truth: the earliest firing time of an armed timer. */
static uint64_t
model_earliest_ns(const struct model *m, bool *any_expired)
{
	uint64_t earliest = UINT64_MAX;
	uint64_t now_tick = m->w.now_tick;

	*any_expired = false;
	for (unsigned int i = 0; i < NTIMERS; i++) {
		const struct model_timer *mt = &m->t[i];

		if (mt->state == M_EXPIRED ||
		    (mt->state == M_ARMED && mt->expire_tick <= now_tick))
			*any_expired = true;
		else if (mt->state == M_ARMED &&
			 mt->expire_tick * m->tick_ns < earliest)
			earliest = mt->expire_tick * m->tick_ns;
	}
	return earliest;
}

static void
model_check(struct model *m)
{
	unsigned int live = 0;
	bool any_expired;
	uint64_t earliest = model_earliest_ns(m, &any_expired);
	uint64_t next = tern_wheel_next_deadline_ns(&m->w);

	for (unsigned int i = 0; i < NTIMERS; i++) {
		struct model_timer *mt = &m->t[i];

		model_assert(m, tern_timer_armed(&mt->node) ==
					(mt->state != M_IDLE));
		live += mt->state != M_IDLE;
	}
	model_assert(m, tern_wheel_count(&m->w) == live);
	if (any_expired) {
		model_assert(m, next == 0);
	} else {
		model_assert(m, next <= earliest);
		/* Advancing to it must make progress. */
		model_assert(m, next == UINT64_MAX ||
					next / m->tick_ns > m->w.now_tick);
		model_assert(m, (next == UINT64_MAX) == (live == 0));
	}
}

/*
 * Advance, then pop everything, asserting the popped set is exactly the
 * model's due set, in expiry order. Handlers sometimes cancel or re-arm
 * a random other timer (possibly one still waiting to be popped).
 */
static void
model_advance_and_pop(struct model *m, struct rng *r, uint64_t now_ns)
{
	uint64_t target_tick = now_ns / m->tick_ns;
	uint64_t old_tick = m->w.now_tick;
	struct tern_timer *p;
	uint64_t last_tick = 0;
	bool popped_slotted = false;

	tern_wheel_advance(&m->w, now_ns);
	if (now_ns > m->now_ns)
		m->now_ns = now_ns;
	for (unsigned int i = 0; i < NTIMERS; i++) {
		struct model_timer *mt = &m->t[i];

		if (mt->state == M_ARMED && mt->expire_tick <= target_tick)
			mt->state = M_EXPIRED;
	}
	while ((p = tern_wheel_pop_expired(&m->w)) != NULL) {
		struct model_timer *mt =
			(struct model_timer *)((char *)p -
					       offsetof(struct model_timer,
							node));
		struct model_timer *other = &m->t[rng_below(r, NTIMERS)];

		model_assert(m, mt->state == M_EXPIRED);
		model_assert(m, mt->expire_tick <= target_tick);
		/* Overdue ones first (in arming order), then by expiry. */
		if (p->expire_tick <= old_tick) {
			model_assert(m, !popped_slotted);
		} else {
			model_assert(m, p->expire_tick >= last_tick);
			last_tick = p->expire_tick;
			popped_slotted = true;
		}
		mt->state = M_IDLE;
		switch (rng_below(r, 8)) {
		case 0:
			model_cancel(m, other);
			break;
		case 1:
			model_arm(m, other, model_pick_deadline(m, r));
			break;
		case 2:
			model_arm(m, mt, model_pick_deadline(m, r));
			break;
		default:
			break;
		}
	}
	for (unsigned int i = 0; i < NTIMERS; i++)
		model_assert(m, m->t[i].state != M_EXPIRED);
}

static uint64_t
model_pick_step(const struct model *m, struct rng *r)
{
	uint64_t tick_ns = m->tick_ns;

	/* Keep now + the wheel's whole range far from UINT64_MAX. */
	if (m->now_ns > (UINT64_C(1) << 62))
		return rng_below(r, 20 * tick_ns);
	switch (rng_below(r, 16)) {
	case 0:
		return 0;
	case 1:
		return rng_below(r, tick_ns);
	case 2:
		return rng_below(r, 100000 * tick_ns);
	case 3:
		return rng_below(r, (UINT64_C(1) << 34) * tick_ns);
	default:
		return rng_below(r, 20 * tick_ns);
	}
}

static void
run_model(uint64_t seed)
{
	static const uint64_t ticks_ns[] = { 1, 1000, MS };
	struct model *m = calloc(1, sizeof(*m));
	struct rng r = { .s = seed };

	assert_non_null(m);
	m->seed = seed;
	m->tick_ns = ticks_ns[rng_below(&r, 3)];
	/* Start anywhere from 0 to 2^52 ns: large values included. */
	m->now_ns = rng_below(&r, 2) ? rng_below(&r, UINT64_C(1) << 52) :
				       rng_below(&r, 1000);
	tern_wheel_init(&m->w, m->now_ns, m->tick_ns);
	for (unsigned int i = 0; i < NTIMERS; i++)
		tern_timer_init(&m->t[i].node);

	for (m->op = 0; m->op < NOPS; m->op++) {
		struct model_timer *mt = &m->t[rng_below(&r, NTIMERS)];
		uint64_t roll = rng_below(&r, 10);

		if (roll < 5)
			model_arm(m, mt, model_pick_deadline(m, &r));
		else if (roll < 7)
			model_cancel(m, mt);
		else
			model_advance_and_pop(m, &r, m->now_ns +
						     model_pick_step(m, &r));
		model_check(m);
		if ((m->op & 1023) == 0)
			check_wheel_invariants(&m->w);
	}
	check_wheel_invariants(&m->w);
	free(m);
}

/* ---- timer queues ----------------------------------------------------- */

/* Pop the next expired timer, running @p q's watch as its owner does. */
static struct tern_timer *
pop_queued(struct tern_wheel *w, struct tern_timer_queue *q)
{
	struct tern_timer *t;

	while ((t = tern_wheel_pop_expired(w)) == &q->watch)
		tern_timer_queue_expired(w, q);
	return t;
}

/*
 * Timers armed in deadline order on a queue fire each at its own tick,
 * also after the head left (moved to the wheel) or one in the middle
 * was cancelled; a deadline before the tail's, an armed timer or one
 * due now are refused; the ring and the count stay whole throughout.
 */
static void
test_queue_fires_each_at_its_tick(void **state)
{
	struct tern_wheel w;
	struct tern_timer_queue q;
	struct tern_timer a, b, c, d;

	(void)state;
	tern_wheel_init(&w, 0, MS);
	tern_timer_queue_init(&q);
	tern_timer_init(&a);
	tern_timer_init(&b);
	tern_timer_init(&c);
	tern_timer_init(&d);
	assert_true(tern_timer_queue_arm(&w, &q, &a, 10 * MS));
	assert_true(tern_timer_queue_arm(&w, &q, &b, 10 * MS));
	assert_true(tern_timer_queue_arm(&w, &q, &c, 12 * MS + 1));
	assert_false(tern_timer_queue_arm(&w, &q, &d, 5 * MS));
	assert_false(tern_timer_queue_arm(&w, &q, &c, 20 * MS));
	assert_false(tern_timer_queue_arm(&w, &q, &d, 0));
	assert_false(tern_timer_armed(&d));
	assert_true(tern_timer_due_by(&w, &c, 13 * MS));
	assert_false(tern_timer_due_by(&w, &c, 12 * MS));
	/* a, b, c and the watch. */
	assert_int_equal(tern_wheel_count(&w), 4);

	tern_timer_cancel(&w, &b);
	tern_timer_arm(&w, &a, 20 * MS);
	assert_ptr_equal(q.end.next, &c);
	assert_ptr_equal(q.end.pprev, &c.next);
	assert_int_equal(tern_wheel_count(&w), 3);
	assert_int_equal(tern_wheel_next_deadline_ns(&w), 10 * MS);

	/* The watch fires for the head that left, finds c not due and
	 * waits for it. */
	tern_wheel_advance(&w, 10 * MS);
	assert_null(pop_queued(&w, &q));
	assert_int_equal(tern_wheel_next_deadline_ns(&w), 13 * MS);
	tern_wheel_advance(&w, 13 * MS - 1);
	assert_null(pop_queued(&w, &q));
	tern_wheel_advance(&w, 13 * MS);
	assert_ptr_equal(pop_queued(&w, &q), &c);
	assert_null(pop_queued(&w, &q));
	assert_false(tern_timer_armed(&c));
	assert_ptr_equal(q.end.next, &q.end);

	/* Empty again: a later deadline starts it over. Its timers join
	 * the expired list when the watch pops: after a, here. */
	assert_true(tern_timer_queue_arm(&w, &q, &d, 15 * MS));
	tern_wheel_advance(&w, 20 * MS);
	assert_ptr_equal(pop_queued(&w, &q), &a);
	assert_ptr_equal(pop_queued(&w, &q), &d);
	assert_null(pop_queued(&w, &q));
	assert_int_equal(tern_wheel_count(&w), 0);
	check_wheel_invariants(&w);
}

static void
test_random_against_model(void **state)
{
	const char *env = getenv("TERN_TEST_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 0) :
				      UINT64_C(0x7e2e5eed);

	(void)state;
	printf("timer model: seed %" PRIu64 "\n", seed);
	run_model(seed);
	if (env == NULL) {
		/* A few more fixed seeds: other tick sizes and starts. */
		for (uint64_t s = 1; s <= 4; s++)
			run_model(seed + s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_fires_at_deadline_not_before),
		cmocka_unit_test(test_deadline_rounds_up_to_tick),
		cmocka_unit_test(test_due_by),
		cmocka_unit_test(test_arm_cancel_same_tick),
		cmocka_unit_test(test_arm_in_past_fires_on_next_advance),
		cmocka_unit_test(test_rearm_earlier_and_later),
		cmocka_unit_test(test_cancel_while_expired),
		cmocka_unit_test(test_handler_cancels_other_expired),
		cmocka_unit_test(test_pop_order_follows_expiry),
		cmocka_unit_test(test_level_boundaries),
		cmocka_unit_test(test_far_deadline_is_clamped),
		cmocka_unit_test(test_large_now_values),
		cmocka_unit_test(test_end_of_tick_space),
		cmocka_unit_test(test_top_level_wrap),
		cmocka_unit_test(test_long_gap_single_advance),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_queue_fires_each_at_its_tick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
