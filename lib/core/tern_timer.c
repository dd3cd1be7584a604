/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hierarchical timing wheel with occupancy bitmaps.
 *
 * Placement rule (the invariant everything below relies on): with N the
 * wheel's current tick and E > N a timer's expiry tick, the timer sits
 * at level L = the 6-bit digit of highest weight in which E and N
 * differ (capped at the top level), in slot digit_L(E). Hence:
 *  - below the top level, every timer of level L shares with N all
 *    digits above L, and its digit L is greater than N's: level L only
 *    holds ticks of N's current level-(L+1) block, after N's slot, and
 *    all of them come before any timer of a higher level;
 *  - the top level is a ring: E < N + span, so a slot at or before N's
 *    top digit stands for the next 2^36-tick block;
 *  - the level of an armed timer is a function of (E, N) that does not
 *    change while N moves up to the start of the timer's slot, so the
 *    node need not store it; cancel needs it only when the slot empties,
 *    and then the timer was the slot's head, whose address names it;
 *  - E > N holds exactly for timers in slots; E <= N for timers on the
 *    expired or overdue list.
 * Advance repeatedly takes the first occupied slot of the lowest
 * non-empty level (the earliest timers), moves N to that slot's first
 * tick and redistributes the slot (cascade): timers due at N go to the
 * expired list, the others to lower levels. Empty slots and levels are
 * never visited, so a long gap costs O(timers x levels), not O(ticks).
 */
#include <errno.h>
#include <string.h>

#include "tern_timer.h"

#define WHEEL_TOP_LEVEL (TERN_WHEEL_LEVELS - 1)
#define WHEEL_SLOT_MASK ((uint64_t)TERN_WHEEL_SLOTS - 1)

/* Ticks spanned by one slot of @p level. */
static inline uint64_t
level_slot_ticks(unsigned int level)
{
	return UINT64_C(1) << (level * TERN_WHEEL_SLOT_BITS);
}

static inline unsigned int
tick_digit(uint64_t tick, unsigned int level)
{
	return (unsigned int)((tick >> (level * TERN_WHEEL_SLOT_BITS)) &
			      WHEEL_SLOT_MASK);
}

/* Level of a timer expiring at @p expire > @p now (see the invariant). */
static inline unsigned int
wheel_level(uint64_t expire, uint64_t now)
{
	uint64_t diff = expire ^ now;

	if (diff >= TERN_WHEEL_SPAN_TICKS)
		return WHEEL_TOP_LEVEL;
	return (unsigned int)(63 - __builtin_clzll(diff)) /
	       TERN_WHEEL_SLOT_BITS;
}

static inline void
timer_unlink(struct tern_timer *t)
{
	*t->pprev = t->next;
	if (t->next != NULL)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

/* Append @p t to the list whose last next-pointer is *@p tail. */
static inline void
list_append(struct tern_timer ***tail, struct tern_timer *t)
{
	t->next = NULL;
	t->pprev = *tail;
	**tail = t;
	*tail = &t->next;
}

/* Put @p t (expire_tick > now_tick) in its slot. */
static void
wheel_place(struct tern_wheel *w, struct tern_timer *t)
{
	unsigned int level = wheel_level(t->expire_tick, w->now_tick);
	unsigned int slot = tick_digit(t->expire_tick, level);
	struct tern_timer **head = &w->slots[level][slot];

	t->next = *head;
	if (t->next != NULL)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
	w->occupied[level] |= UINT64_C(1) << slot;
}

/* Take armed @p t out of whichever slot or list holds it (a timer
 * queue's ring too: its next is never NULL, its pprev not a slot's).
 * Inline in its three callers (gcc made it a call): every connection's
 * teardown cancels its timer, and a move re-arms one. This file is
 * pure C, without rte_common.h's __rte_always_inline. */
static inline __attribute__((always_inline)) void
wheel_remove(struct tern_wheel *w, struct tern_timer *t)
{
	struct tern_timer **pprev = t->pprev;
	bool last = t->next == NULL;
	/* How far into the slot heads pprev points, if it does. */
	uintptr_t off = (uintptr_t)pprev - (uintptr_t)&w->slots[0][0];

	if (t->expire_tick > w->now_tick) {
		timer_unlink(t);
		/* The slot is empty when @p t was its only timer: the head
		 * pointed at it and nothing came after (the slot's index
		 * comes from the head's address; no level to work out). */
		if (last && off < sizeof(w->slots)) {
			unsigned int i = (unsigned int)(off / sizeof(*pprev));

			w->occupied[i / TERN_WHEEL_SLOTS] &=
				~(UINT64_C(1) << (i % TERN_WHEEL_SLOTS));
		}
		return;
	}
	/* On a list: its tail pointer must not be left dangling. */
	if (w->expired_tail == &t->next)
		w->expired_tail = t->pprev;
	else if (w->overdue_tail == &t->next)
		w->overdue_tail = t->pprev;
	timer_unlink(t);
}

/*
 * Find the first occupied slot of the lowest non-empty level: the one
 * holding the earliest timers. Stores its level, slot and first tick.
 * @return false when no slot is occupied.
 */
static bool
wheel_earliest_slot(const struct tern_wheel *w, unsigned int *level_out,
		    unsigned int *slot_out, uint64_t *start_out)
{
	for (unsigned int level = 0; level < TERN_WHEEL_LEVELS; level++) {
		uint64_t occ = w->occupied[level];
		unsigned int digit = tick_digit(w->now_tick, level);
		uint64_t block = level_slot_ticks(level) * TERN_WHEEL_SLOTS;
		uint64_t base = w->now_tick & ~(block - 1);
		uint64_t after;
		unsigned int slot;

		if (occ == 0)
			continue;
		after = digit == WHEEL_SLOT_MASK ? 0 :
			occ & (~UINT64_C(0) << (digit + 1));
		if (after != 0) {
			slot = (unsigned int)__builtin_ctzll(after);
		} else {
			/* Only the top level wraps into the next block. */
			slot = (unsigned int)__builtin_ctzll(occ);
			base += block;
		}
		*level_out = level;
		*slot_out = slot;
		*start_out = base + slot * level_slot_ticks(level);
		return true;
	}
	return false;
}

/* With now_tick at the slot's first tick: expire or cascade its timers. */
static void
wheel_run_slot(struct tern_wheel *w, unsigned int level, unsigned int slot)
{
	struct tern_timer *t = w->slots[level][slot];

	w->slots[level][slot] = NULL;
	w->occupied[level] &= ~(UINT64_C(1) << slot);
	while (t != NULL) {
		struct tern_timer *next = t->next;

		if (t->expire_tick == w->now_tick)
			list_append(&w->expired_tail, t);
		else
			wheel_place(w, t);
		t = next;
	}
}

static void
wheel_splice_overdue(struct tern_wheel *w)
{
	if (w->overdue == NULL)
		return;
	*w->expired_tail = w->overdue;
	w->overdue->pprev = w->expired_tail;
	w->expired_tail = w->overdue_tail;
	w->overdue = NULL;
	w->overdue_tail = &w->overdue;
}

/* Move the wheel's time to @p tick, with the horizon arm clamps to. */
static void
wheel_set_now_tick(struct tern_wheel *w, uint64_t tick)
{
	w->now_tick = tick;
	w->last_tick = tick > UINT64_MAX - (TERN_WHEEL_SPAN_TICKS - 1) ?
		       UINT64_MAX : tick + (TERN_WHEEL_SPAN_TICKS - 1);
}

int
tern_wheel_init(struct tern_wheel *w, uint64_t now_ns, uint64_t tick_ns)
{
	memset(w, 0, sizeof(*w));
	w->expired_tail = &w->expired;
	w->overdue_tail = &w->overdue;
	if (tick_ns == 0)
		return -EINVAL;
	w->tick_ns = tick_ns;
	wheel_set_now_tick(w, now_ns / tick_ns);
	return 0;
}

void
tern_timer_arm(struct tern_wheel *w, struct tern_timer *t,
	       uint64_t deadline_ns)
{
	/* Round up: a timer must never fire before its deadline. */
	uint64_t expire = deadline_ns / w->tick_ns +
			  (deadline_ns % w->tick_ns != 0);

	if (tern_timer_armed(t))
		wheel_remove(w, t);
	else
		w->count++;
	if (expire <= w->now_tick) {
		t->expire_tick = expire;
		list_append(&w->overdue_tail, t);
		return;
	}
	t->expire_tick = expire < w->last_tick ? expire : w->last_tick;
	wheel_place(w, t);
}

void
tern_timer_cancel(struct tern_wheel *w, struct tern_timer *t)
{
	if (!tern_timer_armed(t))
		return;
	wheel_remove(w, t);
	w->count--;
}

void
tern_wheel_advance(struct tern_wheel *w, uint64_t now_ns)
{
	uint64_t target = now_ns / w->tick_ns;
	unsigned int level, slot;
	uint64_t start;

	/* Overdue timers were due at or before now_tick: first in line. */
	wheel_splice_overdue(w);
	while (wheel_earliest_slot(w, &level, &slot, &start) &&
	       start <= target) {
		wheel_set_now_tick(w, start);
		wheel_run_slot(w, level, slot);
	}
	if (target > w->now_tick)
		wheel_set_now_tick(w, target);
}

struct tern_timer *
tern_wheel_pop_expired(struct tern_wheel *w)
{
	struct tern_timer *t = w->expired;

	if (t == NULL)
		return NULL;
	wheel_remove(w, t);
	w->count--;
	return t;
}

uint64_t
tern_wheel_next_deadline_ns(const struct tern_wheel *w)
{
	unsigned int level, slot;
	uint64_t start;

	if (w->expired != NULL || w->overdue != NULL)
		return 0;
	if (!wheel_earliest_slot(w, &level, &slot, &start))
		return UINT64_MAX;
	if (start > UINT64_MAX / w->tick_ns)
		return UINT64_MAX;
	return start * w->tick_ns;
}

/* ---- timer queues (tern_timer.h) ---- */

void
tern_timer_queue_init(struct tern_timer_queue *q)
{
	tern_timer_init(&q->watch);
	q->end.next = &q->end;
	q->end.pprev = &q->end.next;
	q->end.expire_tick = 0;
}

void
tern_timer_queue_watch(struct tern_wheel *w, struct tern_timer_queue *q,
		       uint64_t expire_tick)
{
	tern_timer_arm(w, &q->watch, expire_tick * w->tick_ns);
}

void
tern_timer_queue_expired(struct tern_wheel *w, struct tern_timer_queue *q)
{
	struct tern_timer *t;

	while ((t = q->end.next) != &q->end && t->expire_tick <= w->now_tick) {
		timer_unlink(t);
		list_append(&w->expired_tail, t);
	}
	if (t != &q->end)
		tern_timer_arm(w, &q->watch, t->expire_tick * w->tick_ns);
}
