/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern_raw_cksum() against the RFC 1071 definition (16-bit words in
 * memory order, an odd byte padded with zero) for every length up to
 * 2 KiB at every alignment, on seeded random bytes, and on the patterns
 * that stress carries (all 0xff).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tern_net.h"

static uint16_t
reference_cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint16_t w;

		memcpy(&w, p + i, 2);
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		uint16_t w = 0;

		memcpy(&w, p + len - 1, 1);
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

static void
check_all(const uint8_t *buf, size_t max)
{
	for (size_t align = 0; align < 8; align++)
		for (size_t len = 0; len + align <= max; len++)
			assert_int_equal(tern_raw_cksum(buf + align, len),
					 reference_cksum(buf + align, len));
}

static void
test_random_bytes(void **state)
{
	uint8_t *buf = malloc(2056);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < 2056; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	check_all(buf, 2056);
	free(buf);
}

static void
test_all_ones_carries(void **state)
{
	uint8_t *buf = malloc(2056);

	(void)state;
	assert_non_null(buf);
	memset(buf, 0xff, 2056);
	check_all(buf, 2056);
	/* A known value: the RFC 1071 example 00 01 f2 03 f4 f5 f6 f7. */
	{
		static const uint8_t ex[] = {
			0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7,
		};
		uint16_t s = tern_raw_cksum(ex, sizeof(ex));

		/* RFC 1071 1.2: the sum is ddf2 in network order. */
		assert_int_equal(((s & 0xff) << 8) | (s >> 8), 0xddf2);
	}
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_all_ones_carries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
