/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_TIMER_H
#define TERN_TIMER_H

/**
 * @file
 * Hierarchical timing wheel (Varghese & Lauck), one per lcore.
 *
 * A pure data structure: it never reads a clock. The owner advances it
 * with the current time and then pops the expired timers one at a time,
 * so that running one timer may safely cancel or re-arm any other
 * (including one that is already expired and waiting to be popped).
 *
 * Timer nodes are intrusive (embedded in the connection record), and
 * arm / cancel / expire are O(1) (amortised O(levels) for cascading).
 * A timer never fires early: one armed for deadline D is popped by the
 * first advance with now_ns >= D (rounded up to the tick).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_WHEEL_LEVELS 6
#define TERN_WHEEL_SLOT_BITS 6
#define TERN_WHEEL_SLOTS (1u << TERN_WHEEL_SLOT_BITS)

struct tern_timer {
	struct tern_timer *next;
	struct tern_timer **pprev; /**< NULL while not armed */
	uint64_t expire_tick;
};

struct tern_wheel {
	uint64_t tick_ns;      /**< length of one tick */
	uint64_t now_tick;     /**< last tick processed by advance */
	uint32_t count;        /**< timers armed (incl. expired, not popped) */
	struct tern_timer *expired;        /**< due, waiting to be popped */
	struct tern_timer **expired_tail;
	struct tern_timer *slots[TERN_WHEEL_LEVELS][TERN_WHEEL_SLOTS];
};

/** Initialise @p w at time @p now_ns with ticks of @p tick_ns (> 0). */
void tern_wheel_init(struct tern_wheel *w, uint64_t now_ns,
		     uint64_t tick_ns);

/** Mark @p t as not armed. Call once before first use. */
static inline void
tern_timer_init(struct tern_timer *t)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire_tick = 0;
}

static inline bool
tern_timer_armed(const struct tern_timer *t)
{
	return t->pprev != NULL;
}

/**
 * Arm (or re-arm) @p t to expire at @p deadline_ns. A deadline at or
 * before the wheel's current time expires on the next advance. Deadlines
 * beyond the wheel's range are clamped to its end and re-inserted on
 * expiry by the caller's own check (the TCP layer keeps exact deadlines).
 */
void tern_timer_arm(struct tern_wheel *w, struct tern_timer *t,
		    uint64_t deadline_ns);

/** Cancel @p t wherever it is (a slot or the expired list); no-op if idle. */
void tern_timer_cancel(struct tern_wheel *w, struct tern_timer *t);

/** Move every timer due at @p now_ns to the expired list. */
void tern_wheel_advance(struct tern_wheel *w, uint64_t now_ns);

/** Pop one expired timer (now idle), or NULL when none is left. */
struct tern_timer *tern_wheel_pop_expired(struct tern_wheel *w);

/**
 * Earliest time at which an armed timer may be due: never later than
 * the real earliest deadline (it may be earlier, at slot granularity of
 * the higher levels). 0 when timers are already expired; UINT64_MAX when
 * nothing is armed. Lets a simulator jump its virtual clock.
 */
uint64_t tern_wheel_next_deadline_ns(const struct tern_wheel *w);

/** Number of armed timers. */
static inline uint32_t
tern_wheel_count(const struct tern_wheel *w)
{
	return w->count;
}

#endif /* TERN_TIMER_H */
