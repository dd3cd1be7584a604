/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4 against the reference vectors of the SipHash paper's
 * reference code (key 00 01 .. 0f, messages of 0..63 bytes 00 01 02 ..),
 * and the RFC 6528 ISN built on it.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include "tcp_isn.h"

/* The key bytes 00..0f read as two little-endian words. */
#define REF_K0 UINT64_C(0x0706050403020100)
#define REF_K1 UINT64_C(0x0f0e0d0c0b0a0908)

/* SipHash-2-4(key 00..0f, message 00 01 .. (n-1)) for n = 0..63. */
static const uint64_t ref_vectors[64] = {
	UINT64_C(0x726fdb47dd0e0e31),
	UINT64_C(0x74f839c593dc67fd),
	UINT64_C(0x0d6c8009d9a94f5a),
	UINT64_C(0x85676696d7fb7e2d),
	UINT64_C(0xcf2794e0277187b7),
	UINT64_C(0x18765564cd99a68d),
	UINT64_C(0xcbc9466e58fee3ce),
	UINT64_C(0xab0200f58b01d137),
	UINT64_C(0x93f5f5799a932462),
	UINT64_C(0x9e0082df0ba9e4b0),
	UINT64_C(0x7a5dbbc594ddb9f3),
	UINT64_C(0xf4b32f46226bada7),
	UINT64_C(0x751e8fbc860ee5fb),
	UINT64_C(0x14ea5627c0843d90),
	UINT64_C(0xf723ca908e7af2ee),
	UINT64_C(0xa129ca6149be45e5),
	UINT64_C(0x3f2acc7f57c29bdb),
	UINT64_C(0x699ae9f52cbe4794),
	UINT64_C(0x4bc1b3f0968dd39c),
	UINT64_C(0xbb6dc91da77961bd),
	UINT64_C(0xbed65cf21aa2ee98),
	UINT64_C(0xd0f2cbb02e3b67c7),
	UINT64_C(0x93536795e3a33e88),
	UINT64_C(0xa80c038ccd5ccec8),
	UINT64_C(0xb8ad50c6f649af94),
	UINT64_C(0xbce192de8a85b8ea),
	UINT64_C(0x17d835b85bbb15f3),
	UINT64_C(0x2f2e6163076bcfad),
	UINT64_C(0xde4daaaca71dc9a5),
	UINT64_C(0xa6a2506687956571),
	UINT64_C(0xad87a3535c49ef28),
	UINT64_C(0x32d892fad841c342),
	UINT64_C(0x7127512f72f27cce),
	UINT64_C(0xa7f32346f95978e3),
	UINT64_C(0x12e0b01abb051238),
	UINT64_C(0x15e034d40fa197ae),
	UINT64_C(0x314dffbe0815a3b4),
	UINT64_C(0x027990f029623981),
	UINT64_C(0xcadcd4e59ef40c4d),
	UINT64_C(0x9abfd8766a33735c),
	UINT64_C(0x0e3ea96b5304a7d0),
	UINT64_C(0xad0c42d6fc585992),
	UINT64_C(0x187306c89bc215a9),
	UINT64_C(0xd4a60abcf3792b95),
	UINT64_C(0xf935451de4f21df2),
	UINT64_C(0xa9538f0419755787),
	UINT64_C(0xdb9acddff56ca510),
	UINT64_C(0xd06c98cd5c0975eb),
	UINT64_C(0xe612a3cb9ecba951),
	UINT64_C(0xc766e62cfcadaf96),
	UINT64_C(0xee64435a9752fe72),
	UINT64_C(0xa192d576b245165a),
	UINT64_C(0x0a8787bf8ecb74b2),
	UINT64_C(0x81b3e73d20b49b6f),
	UINT64_C(0x7fa8220ba3b2ecea),
	UINT64_C(0x245731c13ca42499),
	UINT64_C(0xb78dbfaf3a8d83bd),
	UINT64_C(0xea1ad565322a1a0b),
	UINT64_C(0x60e61c23a3795013),
	UINT64_C(0x6606d7e446282b93),
	UINT64_C(0x6ca4ecb15c5f91e1),
	UINT64_C(0x9f626da15c9625f3),
	UINT64_C(0xe51b38608ef25f57),
	UINT64_C(0x958a324ceb064572),
};

static void
test_siphash_reference_vectors(void **state)
{
	uint8_t msg[64];
	unsigned int n;

	(void)state;
	for (n = 0; n < sizeof(msg); n++)
		msg[n] = (uint8_t)n;
	for (n = 0; n < 64; n++) {
		uint64_t h = tern_siphash24(msg, n, REF_K0, REF_K1);

		if (h != ref_vectors[n])
			fail_msg("length %u: got %016llx want %016llx", n,
				 (unsigned long long)h,
				 (unsigned long long)ref_vectors[n]);
	}
	/* The worked example of the paper's appendix A (15 bytes). */
	assert_int_equal(tern_siphash24(msg, 15, REF_K0, REF_K1),
			 UINT64_C(0xa129ca6149be45e5));
}

/* The hash reads exactly len bytes, from any alignment: the message
 * sits at an odd address at the very end of a heap block (ASan flags a
 * read past it), and the tail of each word is not assumed readable. */
static void
test_siphash_reads_only_len_bytes(void **state)
{
	uint8_t msg[64];
	unsigned int n;

	(void)state;
	for (n = 0; n < sizeof(msg); n++)
		msg[n] = (uint8_t)n;
	for (n = 0; n < sizeof(msg); n++) {
		uint8_t *block = malloc(n + 1);

		assert_non_null(block);
		block[0] = 0xee;
		/* memcpy, not a byte loop: GCC 12 at -O3 vectorises the
		 * loop and then warns (-Wstringop-overflow) about a store
		 * it cannot bound. */
		memcpy(block + 1, msg, n);
		assert_int_equal(tern_siphash24(block + 1, n, REF_K0, REF_K1),
				 ref_vectors[n]);
		free(block);
	}
}

static void
test_siphash_key_matters(void **state)
{
	static const uint8_t msg[12] = { 198, 18, 0, 1, 0, 80, 198, 18, 0, 2 };

	(void)state;
	assert_int_not_equal(tern_siphash24(msg, sizeof(msg), 1, 2),
			     tern_siphash24(msg, sizeof(msg), 1, 3));
	assert_int_not_equal(tern_siphash24(msg, sizeof(msg), 1, 2),
			     tern_siphash24(msg, sizeof(msg), 0, 2));
	/* Trailing zeros change the length, hence the hash. */
	assert_int_not_equal(tern_siphash24(msg, 10, 1, 2),
			     tern_siphash24(msg, 11, 1, 2));
}

/* ---- ISN ---- */

static const struct tcp_isn_secret secret = {
	.k0 = UINT64_C(0x243f6a8885a308d3), /* digits of pi: any key */
	.k1 = UINT64_C(0x13198a2e03707344),
};

static struct tern_flow_key
flow(uint32_t laddr, uint16_t lport, uint32_t faddr, uint16_t fport)
{
	struct tern_flow_key k;

	memset(&k, 0, sizeof(k));
	k.laddr = rte_cpu_to_be_32(laddr);
	k.lport = rte_cpu_to_be_16(lport);
	k.faddr = rte_cpu_to_be_32(faddr);
	k.fport = rte_cpu_to_be_16(fport);
	return k;
}

#define A_198_18_0_1 UINT32_C(0xc6120001)
#define A_198_18_0_2 UINT32_C(0xc6120002)

/*
 * SipHash-1-3 with the all-zero key over 00 01 02 ... (n bytes): the
 * values CPython 3.11 gives (its bytes hash is SipHash-1-3, keyed with
 * zeros under PYTHONHASHSEED=0):
 *   PYTHONHASHSEED=0 python3 -c 'print(hex(hash(bytes(range(n))) % 2**64))'
 */
static void
test_siphash13_reference_vectors(void **state)
{
	static const struct {
		unsigned int len;
		uint64_t h;
	} ref[] = {
		{ 1, UINT64_C(0x68a914128e01e473) },
		{ 2, UINT64_C(0x010bac45c41e3669) },
		{ 3, UINT64_C(0x4d4c9a4a8ef6e0ad) },
		{ 4, UINT64_C(0x7cc43f98813e4dbd) },
		{ 7, UINT64_C(0x2f098ab0c751325a) },
		{ 8, UINT64_C(0xead411e67ebe2eea) },
		{ 9, UINT64_C(0x75927f9d95124362) },
		{ 12, UINT64_C(0xa6baf4fb0f9fe1c2) },
		{ 15, UINT64_C(0xf30eb725bb91c9ea) },
		{ 16, UINT64_C(0x8972188433a5c5b7) },
		{ 36, UINT64_C(0xac77921fcc642bd3) },
	};
	uint8_t msg[36];

	(void)state;
	for (unsigned int i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (unsigned int i = 0; i < RTE_DIM(ref); i++)
		assert_int_equal(tern_siphash13(msg, ref[i].len, 0, 0),
				 ref[i].h);
	/* not SipHash-2-4 */
	assert_int_not_equal(tern_siphash13(msg, 12, REF_K0, REF_K1),
			     tern_siphash24(msg, 12, REF_K0, REF_K1));
}

/* Scenario 5: every field of the 4-tuple feeds F. */
static void
test_isn_differs_per_tuple(void **state)
{
	const struct tern_flow_key base =
		flow(A_198_18_0_1, 80, A_198_18_0_2, 40000);
	const struct tern_flow_key other[] = {
		flow(A_198_18_0_2, 80, A_198_18_0_2, 40000),
		flow(A_198_18_0_1, 81, A_198_18_0_2, 40000),
		flow(A_198_18_0_1, 80, A_198_18_0_1, 40000),
		flow(A_198_18_0_1, 80, A_198_18_0_2, 40001),
		/* the same endpoints seen from the other side */
		flow(A_198_18_0_2, 40000, A_198_18_0_1, 80),
		/* ports swapped */
		flow(A_198_18_0_1, 40000, A_198_18_0_2, 80),
	};
	const uint64_t now_ns = UINT64_C(123456789000);
	uint32_t isn = tcp_isn(&secret, &base, now_ns);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		assert_int_not_equal(tcp_isn(&secret, &other[i], now_ns), isn);
}

/* RFC 9293 MUST-9: without the key, one connection's ISN says nothing
 * about another's. Here: the distance between two tuples' ISNs is not
 * a constant an observer could learn; it moves with the key. */
static void
test_isn_offset_between_tuples_depends_on_key(void **state)
{
	const struct tern_flow_key a = flow(A_198_18_0_1, 80, A_198_18_0_2, 1);
	const struct tern_flow_key b = flow(A_198_18_0_1, 80, A_198_18_0_2, 2);
	const struct tcp_isn_secret other = { .k0 = secret.k0 + 1,
					      .k1 = secret.k1 };

	(void)state;
	assert_int_not_equal(tcp_isn(&secret, &a, 0), tcp_isn(&other, &a, 0));
	assert_int_not_equal(
		(uint32_t)(tcp_isn(&secret, &a, 0) - tcp_isn(&secret, &b, 0)),
		(uint32_t)(tcp_isn(&other, &a, 0) - tcp_isn(&other, &b, 0)));
}

/* RFC 9293 MUST-8: the ISN of one tuple follows a 4 us clock. */
static void
test_isn_follows_4us_clock(void **state)
{
	const struct tern_flow_key k = flow(A_198_18_0_1, 80, A_198_18_0_2, 9);
	const uint64_t t0 = UINT64_C(1000000000) * 3600; /* an hour in */
	const uint32_t isn0 = tcp_isn(&secret, &k, t0);

	(void)state;
	assert_int_equal(TCP_ISN_TICK_NS, 4000);
	/* Within one 4 us tick the ISN stands still ... */
	assert_int_equal(tcp_isn(&secret, &k, t0 + 3999), isn0);
	/* ... and each tick adds one. */
	assert_int_equal(tcp_isn(&secret, &k, t0 + 4000), isn0 + 1);
	assert_int_equal(tcp_isn(&secret, &k, t0 + 7999), isn0 + 1);
	assert_int_equal(tcp_isn(&secret, &k, t0 + 8000), isn0 + 2);
	/* One second is 250,000 ticks; one MSL (30 s) 7,500,000. */
	assert_int_equal(tcp_isn(&secret, &k, t0 + UINT64_C(1000000000)),
			 isn0 + 250000);
	assert_int_equal(tcp_isn(&secret, &k, t0 + UINT64_C(30000000000)),
			 isn0 + 7500000);
	/* At time 0, M is 0 and the ISN is F alone. */
	assert_int_equal(tcp_isn(&secret, &k, t0) - tcp_isn(&secret, &k, 0),
			 (uint32_t)(t0 / 4000));
}

/* Scenario 5: the same tuple's ISN increases with time, modulo 2^32,
 * including across the wrap of the 32-bit clock (about 4.77 hours). */
static void
test_isn_increases_with_time(void **state)
{
	const struct tern_flow_key k = flow(A_198_18_0_1, 80, A_198_18_0_2, 7);
	const uint64_t wrap_ns = (UINT64_C(1) << 32) * 4000;
	uint64_t t;
	uint32_t prev = tcp_isn(&secret, &k, wrap_ns - UINT64_C(1000000));

	(void)state;
	for (t = wrap_ns - UINT64_C(1000000) + 4000;
	     t < wrap_ns + UINT64_C(1000000); t += 4000) {
		uint32_t isn = tcp_isn(&secret, &k, t);

		assert_true((int32_t)(isn - prev) > 0);
		prev = isn;
	}
	/* After exactly one wrap period the ISN repeats. */
	assert_int_equal(tcp_isn(&secret, &k, 12345 * 4000),
			 tcp_isn(&secret, &k, wrap_ns + 12345 * 4000));
}

/*
 * F is SipHash-1-3 of the tuple's 12 wire bytes, laddr | lport | faddr
 * | fport (the header's promise), its low half the ISN's share and its
 * high half the timestamp offset: whatever way tcp_isn.c builds the
 * message, the values are those of tern_siphash13() over these bytes.
 */
static void
test_isn_is_siphash_of_wire_tuple(void **state)
{
	static const uint16_t ports[][2] = {
		{ 80, 40000 }, { 40000, 80 }, { 1, 65535 }, { 0x1234, 0xabcd },
	};
	const uint64_t now_ns = UINT64_C(987654321000);

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(ports); i++) {
		const struct tern_flow_key k = flow(A_198_18_0_1 + i, ports[i][0],
						    A_198_18_0_2 << i,
						    ports[i][1]);
		uint8_t msg[12];
		uint32_t off;
		uint64_t h;

		memcpy(msg, &k.laddr, 4);
		memcpy(msg + 4, &k.lport, 2);
		memcpy(msg + 6, &k.faddr, 4);
		memcpy(msg + 10, &k.fport, 2);
		h = tern_siphash13(msg, sizeof(msg), secret.k0, secret.k1);
		assert_int_equal(tcp_isn_ts_offset(&secret, &k, now_ns, &off),
				 (uint32_t)(now_ns / TCP_ISN_TICK_NS) +
				 (uint32_t)h);
		assert_int_equal(off, (uint32_t)(h >> 32));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vectors),
		cmocka_unit_test(test_siphash_reads_only_len_bytes),
		cmocka_unit_test(test_siphash_key_matters),
		cmocka_unit_test(test_siphash13_reference_vectors),
		cmocka_unit_test(test_isn_differs_per_tuple),
		cmocka_unit_test(test_isn_offset_between_tuples_depends_on_key),
		cmocka_unit_test(test_isn_follows_4us_clock),
		cmocka_unit_test(test_isn_increases_with_time),
		cmocka_unit_test(test_isn_is_siphash_of_wire_tuple),
	};

	return cmocka_run_group_tests_name("tcp_isn", tests, NULL, NULL);
}
