/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP scenario tests in one executable, so that the hits of the
 * state-transition table accumulate over all of them; the last test
 * checks that every row of the table was taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fsm.h"
#include "tcp_fixture.h"

/* Every row of lib/tcp/tcp_fsm.def taken at least once by the tests. */
static void
test_fsm_coverage(void)
{
	unsigned int n = tern_tcp_fsm_entries(), untaken = 0;

	SIM_ASSERT(n > 0, "the table has no entries");
	for (unsigned int i = 0; i < n; i++) {
		if (sim_fsm_tally(i) > 0)
			continue;
		if (untaken++ == 0)
			fprintf(stderr, "FSM entries no test took:\n");
		fprintf(stderr, "  %s\n", tern_tcp_fsm_entry_name(i));
	}
	SIM_ASSERT(untaken == 0, "%u of %u FSM entries never taken", untaken,
		   n);
}

int
main(int argc, char **argv)
{
	static const struct {
		const struct sim_test *t;
		const unsigned int *n;
	} groups[] = {
		{ tcp_tests_handshake, &tcp_tests_handshake_n },
		{ tcp_tests_data, &tcp_tests_data_n },
		{ tcp_tests_close, &tcp_tests_close_n },
		{ tcp_tests_rst, &tcp_tests_rst_n },
		{ tcp_tests_options, &tcp_tests_options_n },
		{ tcp_tests_matrix, &tcp_tests_matrix_n },
		{ tcp_tests_recovery, &tcp_tests_recovery_n },
		{ tcp_tests_catalogue_must, &tcp_tests_catalogue_must_n },
		{ tcp_tests_catalogue_ip, &tcp_tests_catalogue_ip_n },
		{ tcp_tests_catalogue_close, &tcp_tests_catalogue_close_n },
		{ tcp_tests_catalogue_seqwrap, &tcp_tests_catalogue_seqwrap_n },
		{ tcp_tests_catalogue_sack, &tcp_tests_catalogue_sack_n },
		{ tcp_tests_catalogue_flood, &tcp_tests_catalogue_flood_n },
	};
	const struct sim_test coverage = {
		"test_fsm_coverage", test_fsm_coverage, SIM_TEST_AFTER_ALL,
	};
	struct sim_test *all;
	unsigned int n = 0;
	int rc;

	for (unsigned int g = 0; g < RTE_DIM(groups); g++)
		n += *groups[g].n;
	all = calloc(n + 1, sizeof(*all));
	if (all == NULL)
		return 1;
	n = 0;
	for (unsigned int g = 0; g < RTE_DIM(groups); g++) {
		memcpy(all + n, groups[g].t, *groups[g].n * sizeof(*all));
		n += *groups[g].n;
	}
	all[n++] = coverage;
	rc = sim_test_main(argc, argv, all, n, 1);
	free(all);
	return rc;
}
