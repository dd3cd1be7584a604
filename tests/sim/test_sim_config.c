/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every numeric [tcp] key of the configuration at 0, 1, its minimum and
 * its maximum, walked from the parser's own key table
 * (tern_config_num_key()), so a key added later is tested without
 * anyone listing it here. A value the parser and tern_config_check()
 * accept must work: a stack built with it, as client and then as
 * server of a plain one, opens a connection, passes bytes both ways
 * (each checked where it lands), closes, lets TIME_WAIT and every timer
 * run out, and leaves its pools at baseline. A value they refuse is the
 * unit test's business (tests/interop/test_runtime_config.c checks the
 * message names the key and its range).
 *
 * The sizing keys at their maximum create pools of up to ~1.7 GiB (a
 * connection record and its header template, 704 bytes with the pool's
 * header, times 2^21): meson runs this with TERN_TEST_MEM_MB (EAL memory
 * without hugepages; about 2.2 GiB resident at the peak, 9 s).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "tcp_fixture.h"
#include "tern_config.h"

#define LOGTYPE RTE_LOGTYPE_USER1
/* Enough to need several windows at rcv_buf/snd_buf 1024, MSS 88. */
#define XFER_BYTES 20000

/* The values every numeric key is tried at: 0, 1, its least, its most. */
#define NB_VALUES 4

static uint32_t
value_at(const struct tern_config_num_key *k, unsigned int which)
{
	const uint32_t v[NB_VALUES] = { 0, 1, k->min, k->max };

	return v[which];
}

/* Send @p n bytes of @p from's stream; wait until @p to has them all. */
static void
pass_bytes(struct duo *d, struct sim_conn *from, struct sim_conn *to,
	   uint32_t n)
{
	while (from->tx_bytes < n) {
		int32_t k = sim_conn_send_pattern(from,
				(uint32_t)(n - from->tx_bytes));

		SIM_ASSERT(k >= 0, "send() = %d", k);
		if (k == 0)
			sim_run_for(d->sim, 10 * SIM_MS);
		SIM_WAIT(d->sim, to->rx_bytes == from->tx_bytes, 120 * SIM_S);
	}
	SIM_ASSERT_EQ(to->rx_bad_at, 0);
}

/*
 * Stack "A" with @p conf_a connects to "B" with @p conf_b (1 ms apart):
 * bytes both ways, close, TIME_WAIT and every timer run out, pools back
 * at baseline.
 */
static void
traffic_between(const struct tern_tcp_conf *conf_a,
		const struct tern_tcp_conf *conf_b)
{
	struct sim_faults f = { .latency_ns = DUO_LATENCY };
	struct sim_conn *c, *s;
	struct duo d;

	memset(&d, 0, sizeof(d));
	d.sim = sim_create(sim_test_seed());
	d.a = sim_add_stack(d.sim, "A", conf_a);
	d.b = sim_add_stack(d.sim, "B", conf_b);
	d.latency_ns = DUO_LATENCY;
	sim_set_faults_all(d.sim, &f);
	d.l = sim_listen(d.b, DUO_PORT);
	d.l->close_on_peer_closed = true;
	c = duo_connect(&d, &s);
	pass_bytes(&d, c, s, XFER_BYTES);
	pass_bytes(&d, s, c, XFER_BYTES);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(d.sim, c->closed == 1 && s->closed == 1, 120 * SIM_S);
	SIM_ASSERT_EQ(c->rx_bytes, XFER_BYTES);
	SIM_ASSERT_EQ(s->rx_bytes, XFER_BYTES);
	duo_finish(&d);
}

/* @p conf on the client, then on the server; the other end is plain.
 * One configured stack at a time: the sizing keys at their maximum
 * take more than a GiB each. */
static void
traffic_with(const struct tern_tcp_conf *conf)
{
	struct tern_tcp_conf plain;

	sim_tcp_conf_defaults(&plain);
	traffic_between(conf, &plain);
	traffic_between(&plain, conf);
}

static void
test_every_tcp_key_at_0_1_min_max(void)
{
	struct tern_config_num_key k;
	unsigned int keys = 0, ran = 0;

	for (unsigned int i = 0; tern_config_num_key(i, &k) == 0; i++) {
		if (k.profile || strcmp(k.section, "tcp") != 0)
			continue;
		keys++;
		for (unsigned int which = 0; which < NB_VALUES; which++) {
			uint32_t v = value_at(&k, which);
			struct tern_config cfg;
			char text[16];

			if ((which == 2 && k.min <= 1) ||
			    (which == 3 && k.max <= 1))
				continue; /* tried already */

			tern_config_defaults(&cfg, LOGTYPE);
			/* Small tables for the other keys: two stacks here. */
			sim_tcp_conf_defaults(&cfg.tcp);
			snprintf(text, sizeof(text), "%" PRIu32, v);
			if (tern_config_set(&cfg, k.section, k.name, text) != 0 ||
			    tern_config_check(&cfg) != 0)
				continue;
			printf("  [tcp] %s = %s\n", k.name, text);
			traffic_with(&cfg.tcp);
			ran++;
		}
	}
	/* Every [tcp] key has at least its maximum accepted. */
	SIM_ASSERT(keys >= 20, "only %u [tcp] keys", keys);
	SIM_ASSERT(ran >= keys, "%u runs for %u keys", ran, keys);
}

static const struct sim_test tests[] = {
	SIM_TEST(test_every_tcp_key_at_0_1_min_max),
};

int
main(int argc, char **argv)
{
	/* The refusals are expected; their messages are tested elsewhere. */
	rte_log_set_level(LOGTYPE, RTE_LOG_CRIT);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
