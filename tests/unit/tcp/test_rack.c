/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RACK's rule for retransmissions (lib/tcp/tcp_rack.h, RFC 8985 6.2)
 * against hand-built scoreboards: lost only with evidence (a SACKed
 * byte first sent after the latest retransmission), a resent byte
 * still missing, and the wait over; the time left otherwise; clock
 * wrap of the microsecond stamps.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_rack.h"

#define UNA 1000u
#define MSS 100u

static void
sb_with(struct tcp_scoreboard *sb, uint32_t start, uint32_t end)
{
	const struct tcp_sack_block b = { .start = start, .end = end };
	unsigned int rejected;

	tcp_sb_clear(sb);
	assert_int_equal(tcp_sb_update(sb, UNA, UNA + 100 * MSS, &b, 1,
				       &rejected), end - start);
}

/* Segment 0 resent when SND.MAX was UNA + 10 MSS, at t = 5000 us;
 * wait 1000 us. */
static void
test_rack_rule(void **state)
{
	struct tcp_scoreboard sb;
	uint32_t left = 99;

	/* SACKed up to SND.MAX at the resend only: no evidence */
	sb_with(&sb, UNA + MSS, UNA + 10 * MSS);
	assert_false(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS, 5000,
				   9000, 1000, &left));
	assert_int_equal(left, 0);
	/* one byte sent after it SACKed: lost once the wait is over */
	sb_with(&sb, UNA + MSS, UNA + 10 * MSS + 1);
	assert_false(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS, 5000,
				   5400, 1000, &left));
	assert_int_equal(left, 600);
	assert_true(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS, 5000,
				  6000, 1000, &left));
	/* nothing resent outstanding */
	assert_false(tcp_rack_lost(&sb, UNA, UNA, UNA + 10 * MSS, 5000,
				   9000, 1000, &left));
	assert_int_equal(left, 0);
	/* the resent range SACKed meanwhile: delivered, not lost */
	sb_with(&sb, UNA, UNA + 12 * MSS);
	assert_false(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS, 5000,
				   9000, 1000, &left));
	assert_int_equal(left, 0);
}

/* The microsecond stamps wrap every 71 minutes: differences still hold. */
static void
test_rack_clock_wrap(void **state)
{
	struct tcp_scoreboard sb;
	uint32_t left = 0;

	sb_with(&sb, UNA + MSS, UNA + 20 * MSS);
	assert_false(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS,
				   UINT32_MAX - 100, 200, 1000, &left));
	assert_int_equal(left, 699);
	assert_true(tcp_rack_lost(&sb, UNA, UNA + MSS, UNA + 10 * MSS,
				  UINT32_MAX - 100, 900, 1000, &left));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rack_rule),
		cmocka_unit_test(test_rack_clock_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
