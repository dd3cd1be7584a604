/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_opts_parse() on 1,000,000 seeded random option lists of 0..40
 * bytes, each copied into a heap buffer of exactly its length so that
 * ASan (in the sanitizer build) flags any read past the end. Three
 * kinds of input, a third each:
 *  - uniform noise, mostly rejected early;
 *  - well-formed lists built from a grammar of good and bad options,
 *    whose expected parse is known by construction and checked exactly;
 *  - those lists mutated (bytes overwritten, truncated, extended),
 *    checked against the invariants of opts_invariants.h.
 * Replay a failure with TERN_TEST_SEED=<seed printed at start>.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tcp_options.h"
#include "opts_invariants.h"
#include "unit_rng.h"

#define ITERATIONS 1000000u

/* A list under construction and the parse it must give. */
struct gen_list {
	uint8_t buf[TCP_MAX_OPT_LEN];
	unsigned int len;
	bool syn;
	struct tcp_opts want;
};

/* What the run exercised: asserted at the end so that a generator
 * that silently stopped producing a case fails the test. */
struct coverage {
	uint64_t ok, malformed, mss, ws, ws_clamped, sack_perm, ts;
	uint64_t sack[TCP_MAX_SACK_BLOCKS + 1];
	uint64_t exact_checks;
};

static bool
gen_room(const struct gen_list *g, unsigned int n)
{
	return g->len + n <= TCP_MAX_OPT_LEN;
}

static void
gen_put(struct gen_list *g, uint8_t b)
{
	g->buf[g->len++] = b;
}

static void
gen_put_be32(struct gen_list *g, uint32_t v)
{
	opts_be32(g->buf + g->len, v);
	g->len += 4;
}

/* An option of @p kind and @p optlen with random data; false when it
 * does not fit. */
static bool
gen_raw(struct gen_list *g, struct unit_rng *r, uint8_t kind,
	uint8_t optlen)
{
	unsigned int i;

	if (!gen_room(g, optlen))
		return false;
	gen_put(g, kind);
	gen_put(g, optlen);
	for (i = 2; i < optlen; i++)
		gen_put(g, (uint8_t)unit_rng_next(r));
	return true;
}

static bool
gen_mss(struct gen_list *g, struct unit_rng *r)
{
	uint16_t mss = (uint16_t)unit_rng_next(r);

	if (!gen_room(g, 4))
		return false;
	gen_put(g, TCP_OPT_MSS);
	gen_put(g, 4);
	gen_put(g, (uint8_t)(mss >> 8));
	gen_put(g, (uint8_t)mss);
	if (g->syn) {
		g->want.mss_ok = true;
		g->want.mss = mss;
	}
	return true;
}

static bool
gen_ws(struct gen_list *g, struct unit_rng *r)
{
	/* Half the shifts in range, half anywhere up to 255. */
	uint8_t shift = (uint8_t)(unit_rng_below(r, 2) ?
				  unit_rng_below(r, TCP_MAX_WSCALE + 1) :
				  unit_rng_next(r));

	if (!gen_room(g, 3))
		return false;
	gen_put(g, TCP_OPT_WS);
	gen_put(g, 3);
	gen_put(g, shift);
	if (g->syn) {
		g->want.ws_ok = true;
		g->want.ws = shift > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : shift;
	}
	return true;
}

static bool
gen_sack_perm(struct gen_list *g)
{
	if (!gen_room(g, 2))
		return false;
	gen_put(g, TCP_OPT_SACK_PERM);
	gen_put(g, 2);
	if (g->syn)
		g->want.sack_perm = true;
	return true;
}

static bool
gen_ts(struct gen_list *g, struct unit_rng *r)
{
	uint32_t tsval = (uint32_t)unit_rng_next(r);
	uint32_t tsecr = (uint32_t)unit_rng_next(r);

	if (!gen_room(g, 10))
		return false;
	gen_put(g, TCP_OPT_TS);
	gen_put(g, 10);
	gen_put_be32(g, tsval);
	gen_put_be32(g, tsecr);
	g->want.ts_ok = true;
	g->want.tsval = tsval;
	g->want.tsecr = tsecr;
	return true;
}

static bool
gen_sack(struct gen_list *g, struct unit_rng *r)
{
	unsigned int n = 1 + unit_rng_below(r, TCP_MAX_SACK_BLOCKS);
	unsigned int i;

	if (!gen_room(g, 2 + 8 * n))
		return false;
	gen_put(g, TCP_OPT_SACK);
	gen_put(g, (uint8_t)(2 + 8 * n));
	memset(g->want.sack, 0, sizeof(g->want.sack));
	for (i = 0; i < n; i++) {
		g->want.sack[i].start = (uint32_t)unit_rng_next(r);
		g->want.sack[i].end = (uint32_t)unit_rng_next(r);
		gen_put_be32(g, g->want.sack[i].start);
		gen_put_be32(g, g->want.sack[i].end);
	}
	g->want.nsack = (uint8_t)n;
	return true;
}

/* A known kind with a length the parser must skip without recording. */
static bool
gen_known_wrong_length(struct gen_list *g, struct unit_rng *r)
{
	static const uint8_t bad[][2] = {
		{ TCP_OPT_MSS, 2 }, { TCP_OPT_MSS, 3 }, { TCP_OPT_MSS, 5 },
		{ TCP_OPT_WS, 2 }, { TCP_OPT_WS, 4 },
		{ TCP_OPT_SACK_PERM, 3 }, { TCP_OPT_SACK_PERM, 6 },
		{ TCP_OPT_TS, 2 }, { TCP_OPT_TS, 9 }, { TCP_OPT_TS, 11 },
		{ TCP_OPT_SACK, 2 }, { TCP_OPT_SACK, 7 }, { TCP_OPT_SACK, 11 },
		{ TCP_OPT_SACK, 17 }, { TCP_OPT_SACK, 40 },
	};
	const uint8_t *b = bad[unit_rng_below(r, sizeof(bad) / sizeof(bad[0]))];

	return gen_raw(g, r, b[0], b[1]);
}

static bool
gen_unknown(struct gen_list *g, struct unit_rng *r)
{
	uint8_t kind;

	do
		kind = (uint8_t)unit_rng_next(r);
	while (kind <= TCP_OPT_SACK || kind == TCP_OPT_TS);
	return gen_raw(g, r, kind, (uint8_t)(2 + unit_rng_below(r, 11)));
}

/* Build a well-formed list; EOL, when drawn, ends it and random bytes
 * (which the parser must ignore) fill some of the rest. */
static void
gen_list_build(struct gen_list *g, struct unit_rng *r)
{
	unsigned int items = unit_rng_below(r, 10);

	memset(g, 0, sizeof(*g));
	g->syn = unit_rng_below(r, 2);
	while (items-- > 0 && g->len < TCP_MAX_OPT_LEN) {
		switch (unit_rng_below(r, 10)) {
		case 0:
			gen_put(g, TCP_OPT_NOP);
			break;
		case 1:
			gen_mss(g, r);
			break;
		case 2:
			gen_ws(g, r);
			break;
		case 3:
			gen_sack_perm(g);
			break;
		case 4:
			gen_ts(g, r);
			break;
		case 5:
			gen_sack(g, r);
			break;
		case 6:
			gen_known_wrong_length(g, r);
			break;
		case 7:
			gen_unknown(g, r);
			break;
		default:
			gen_put(g, TCP_OPT_EOL);
			while (g->len < TCP_MAX_OPT_LEN &&
			       unit_rng_below(r, 4) != 0)
				gen_put(g, (uint8_t)unit_rng_next(r));
			return;
		}
	}
}

static void
gen_list_mutate(struct gen_list *g, struct unit_rng *r)
{
	unsigned int n = 1 + unit_rng_below(r, 3);

	while (n-- > 0) {
		switch (unit_rng_below(r, 3)) {
		case 0: /* overwrite a byte, small kinds/lengths favoured */
			if (g->len > 0)
				g->buf[unit_rng_below(r, g->len)] =
					(uint8_t)(unit_rng_below(r, 2) ?
						  unit_rng_below(r, 12) :
						  unit_rng_next(r));
			break;
		case 1: /* truncate */
			g->len = unit_rng_below(r, g->len + 1);
			break;
		default: /* extend with noise */
			while (g->len < TCP_MAX_OPT_LEN &&
			       unit_rng_below(r, 3) != 0)
				gen_put(g, (uint8_t)unit_rng_next(r));
			break;
		}
	}
}

static void
gen_noise(struct gen_list *g, struct unit_rng *r)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->syn = unit_rng_below(r, 2);
	g->len = unit_rng_below(r, TCP_MAX_OPT_LEN + 1);
	for (i = 0; i < g->len; i++)
		g->buf[i] = (uint8_t)unit_rng_next(r);
}

static void
coverage_count(struct coverage *c, enum tcp_opts_result res,
	       const struct tcp_opts *o)
{
	if (res != TCP_OPTS_OK) {
		c->malformed++;
		return;
	}
	c->ok++;
	c->mss += o->mss_ok;
	c->ws += o->ws_ok;
	c->ws_clamped += o->ws_ok && o->ws == TCP_MAX_WSCALE;
	c->sack_perm += o->sack_perm;
	c->ts += o->ts_ok;
	c->sack[o->nsack]++;
}

static void
parse_and_check(const struct gen_list *g, bool exact, struct coverage *c)
{
	uint8_t *copy = g->len > 0 ? malloc(g->len) : NULL;
	struct tcp_opts got;
	enum tcp_opts_result res;
	const char *why;

	if (g->len > 0) {
		assert_non_null(copy);
		memcpy(copy, g->buf, g->len);
	}
	res = tcp_opts_parse(copy, g->len, g->syn, &got);
	why = opts_violation(g->buf, g->len, g->syn, res, &got);
	if (why != NULL)
		fail_msg("%s (len %u, syn %d)", why, g->len, g->syn);
	if (exact) {
		assert_int_equal(res, TCP_OPTS_OK);
		assert_memory_equal(&got, &g->want, sizeof(got));
		c->exact_checks++;
	}
	coverage_count(c, res, &got);
	free(copy);
}

static void
test_parse_random_lists(void **state)
{
	uint64_t seed = unit_rng_seed_from_env();
	struct unit_rng r = { seed };
	struct coverage c;
	struct gen_list g;
	unsigned int i, n;

	(void)state;
	print_message("seed 0x%016llx (set TERN_TEST_SEED to replay)\n",
		      (unsigned long long)seed);
	memset(&c, 0, sizeof(c));
	for (i = 0; i < ITERATIONS; i++) {
		switch (i % 3) {
		case 0:
			gen_noise(&g, &r);
			parse_and_check(&g, false, &c);
			break;
		case 1:
			gen_list_build(&g, &r);
			parse_and_check(&g, true, &c);
			break;
		default:
			gen_list_build(&g, &r);
			gen_list_mutate(&g, &r);
			parse_and_check(&g, false, &c);
			break;
		}
	}

	assert_int_equal(c.ok + c.malformed, ITERATIONS);
	assert_true(c.exact_checks >= ITERATIONS / 3);
	/* Each outcome must have been reached many times over. */
	assert_true(c.malformed > 10000);
	assert_true(c.mss > 10000);
	assert_true(c.ws > 10000);
	assert_true(c.ws_clamped > 1000);
	assert_true(c.sack_perm > 10000);
	assert_true(c.ts > 10000);
	for (n = 1; n <= TCP_MAX_SACK_BLOCKS; n++)
		assert_true(c.sack[n] > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_random_lists),
	};

	return cmocka_run_group_tests_name("tcp_options_random", tests,
					   NULL, NULL);
}
