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
 * first advance with now_ns >= D rounded up to a whole tick, that is
 * with now_ns >= ceil(D / tick_ns) * tick_ns.
 *
 * Layout: TERN_WHEEL_LEVELS levels of TERN_WHEEL_SLOTS slots; a slot of
 * level L spans 64^L ticks. A timer sits at the level of the highest
 * 6-bit digit in which its expiry tick differs from the wheel's current
 * tick, in the slot named by its own digit there, so every level holds
 * only timers later than all those of the levels below it. A bitmap of
 * occupied slots per level lets advance() jump straight to the next
 * occupied slot and next_deadline() answer without walking any list:
 * advancing across hours of idle time costs a handful of steps.
 *
 * Range: 64^6 - 1 ticks from the current tick (about 2.2 years with
 * 1 ms ticks). A deadline further out is clamped to that end.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERN_WHEEL_LEVELS 6
#define TERN_WHEEL_SLOT_BITS 6
#define TERN_WHEEL_SLOTS (1u << TERN_WHEEL_SLOT_BITS)
/** Ticks the wheel spans: 64^6 = 2^36. */
#define TERN_WHEEL_SPAN_TICKS \
	(UINT64_C(1) << (TERN_WHEEL_LEVELS * TERN_WHEEL_SLOT_BITS))

/**
 * A timer node, embedded in its owner (container_of to get back).
 * Lists are doubly linked through pprev (the address of the pointer
 * that points at this node) so that unlinking needs no list head.
 */
struct tern_timer {
	struct tern_timer *next;
	struct tern_timer **pprev; /**< NULL while not armed */
	uint64_t expire_tick;      /**< tick it fires at (after clamping) */
};

/**
 * The wheel. Its lists point back into it: initialise it where it lives
 * and never copy an initialised wheel.
 */
struct tern_wheel {
	uint64_t tick_ns;      /**< length of one tick */
	uint64_t now_tick;     /**< last tick processed by advance */
	/** Latest tick arm places a timer at: now_tick + span - 1 (at most
	 *  UINT64_MAX), moved with now_tick rather than summed per arm. */
	uint64_t last_tick;
	uint32_t count;        /**< timers armed (incl. expired, not popped) */
	struct tern_timer *expired;        /**< due, waiting to be popped */
	struct tern_timer **expired_tail;
	/** Armed with a deadline already past: join expired at next advance. */
	struct tern_timer *overdue;
	struct tern_timer **overdue_tail;
	/** Bit s of occupied[L] set iff slots[L][s] is not empty. */
	uint64_t occupied[TERN_WHEEL_LEVELS];
	struct tern_timer *slots[TERN_WHEEL_LEVELS][TERN_WHEEL_SLOTS];
};

/**
 * Initialise @p w (no timers) at time @p now_ns with ticks of @p tick_ns.
 * @return 0; -EINVAL when @p tick_ns is 0 (the wheel is then unusable).
 */
int tern_wheel_init(struct tern_wheel *w, uint64_t now_ns, uint64_t tick_ns);

/** Mark @p t as not armed. Call once before first use. */
static inline void
tern_timer_init(struct tern_timer *t)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire_tick = 0;
}

/** True from arm until cancel or until it is popped as expired. */
static inline bool
tern_timer_armed(const struct tern_timer *t)
{
	return t->pprev != NULL;
}

/**
 * True when @p t is armed to fire no later than @p deadline_ns would
 * (its expiry tick at or before the deadline's, rounded up as arm
 * rounds it): a caller that re-checks its deadlines on expiry may leave
 * such a timer where it is instead of moving it (lazy re-arming).
 */
static inline bool
tern_timer_due_by(const struct tern_wheel *w, const struct tern_timer *t,
		  uint64_t deadline_ns)
{
	return tern_timer_armed(t) &&
	       t->expire_tick <= deadline_ns / w->tick_ns +
				 (deadline_ns % w->tick_ns != 0);
}

/**
 * Arm (or re-arm) @p t to expire at @p deadline_ns. A deadline at or
 * before the wheel's current tick expires on the next advance (not
 * before: a handler that re-arms in the past cannot loop within one
 * round of pops). Deadlines beyond the wheel's range are clamped to its
 * end and re-inserted on expiry by the caller's own check (the TCP layer
 * keeps exact deadlines). A deadline whose tick lies past UINT64_MAX ns
 * never comes.
 */
void tern_timer_arm(struct tern_wheel *w, struct tern_timer *t,
		    uint64_t deadline_ns);

/** Cancel @p t wherever it is (a slot or the expired list); no-op if idle. */
void tern_timer_cancel(struct tern_wheel *w, struct tern_timer *t);

/**
 * Move every timer due at @p now_ns to the expired list: first those
 * armed overdue (in arming order), then the others in order of expiry
 * tick -- except a queue's (struct tern_timer_queue): those due follow
 * what is on the expired list when the queue's watch fires. A @p now_ns
 * earlier than the wheel's time moves only the overdue timers (time
 * never goes backwards in the wheel).
 */
void tern_wheel_advance(struct tern_wheel *w, uint64_t now_ns);

/** Pop one expired timer (now idle), or NULL when none is left. */
struct tern_timer *tern_wheel_pop_expired(struct tern_wheel *w);

/**
 * Earliest time at which an armed timer may be due: never later than
 * the real earliest one (its deadline rounded up to the tick), possibly
 * earlier at the slot granularity of the higher levels; advancing to it
 * always makes progress. 0 when timers are already expired or overdue;
 * UINT64_MAX when nothing is armed (or nothing can come before the end
 * of time). Lets a simulator jump its virtual clock.
 */
uint64_t tern_wheel_next_deadline_ns(const struct tern_wheel *w);

/**
 * A queue of timers armed in the order of their deadlines (each no
 * earlier than the one armed before it: say, every first SYN's
 * retransmission timer, now plus the same initial RTO), watched by one
 * wheel timer of its own that is never later than the queue's head.
 * Arming one is a few stores at the queue's tail instead of the wheel's
 * placement. Its timers are armed timers like the wheel's
 * (tern_timer_armed(), tern_timer_due_by(), tern_timer_cancel(), and
 * tern_timer_arm() moves one to the wheel); each one expires, through
 * tern_wheel_pop_expired(), at its own tick, behind the timers already
 * on the expired list when the watch pops. The queue is a ring
 * through @p end, whose expire_tick stays 0, so that the wheel's unlink
 * of any of its timers keeps the ring whole.
 */
struct tern_timer_queue {
	struct tern_timer watch; /**< on the wheel, due by the head */
	struct tern_timer end;   /**< next: the head; pprev: &last->next */
};

/** Initialise @p q empty; its watch timer not armed. */
void tern_timer_queue_init(struct tern_timer_queue *q);

/** Arm @p q's watch for @p expire_tick (tern_timer_queue_arm()). */
void tern_timer_queue_watch(struct tern_wheel *w, struct tern_timer_queue *q,
			    uint64_t expire_tick);

/**
 * Arm idle @p t for @p deadline_ns at the tail of @p q. @return false,
 * with nothing done, when @p t is armed or the deadline is due now, lies
 * before the tail's or beyond the wheel's range: arm it on the wheel.
 */
static inline bool
tern_timer_queue_arm(struct tern_wheel *w, struct tern_timer_queue *q,
		     struct tern_timer *t, uint64_t deadline_ns)
{
	uint64_t expire = deadline_ns / w->tick_ns +
			  (deadline_ns % w->tick_ns != 0);
	/* The last timer (next is the node's first field), or the end. */
	const struct tern_timer *last =
		(const struct tern_timer *)(const void *)q->end.pprev;

	if (tern_timer_armed(t) || expire <= w->now_tick ||
	    expire >= w->last_tick || expire < last->expire_tick)
		return false;
	t->expire_tick = expire;
	/* At the tail, before the end. */
	t->next = &q->end;
	t->pprev = q->end.pprev;
	*q->end.pprev = t;
	q->end.pprev = &t->next;
	w->count++;
	/* The watch may be earlier (a head that went): it then fires
	 * early and is armed again for the head of that time. */
	if (!tern_timer_armed(&q->watch) || q->watch.expire_tick > expire)
		tern_timer_queue_watch(w, q, expire);
	return true;
}

/**
 * @p q's watch timer was popped: move the queue's timers due by the
 * wheel's time to the expired list (popped next, in their order) and
 * arm the watch for the new head, if any.
 */
void tern_timer_queue_expired(struct tern_wheel *w,
			      struct tern_timer_queue *q);

/** Number of armed timers. */
static inline uint32_t
tern_wheel_count(const struct tern_wheel *w)
{
	return w->count;
}

#endif /* TERN_TIMER_H */
