/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lint sample: a broken table. The input path "takes" a row by bumping
 * its count without the step executing it, and edits state counts
 * behind the step's back -- so a coverage test could pass on counts
 * alone. Only lib/tcp/tcp_fsm.c may write these.
 */
struct sample_tcp {
	unsigned long fsm_hits[8];
	unsigned int state_count[11];
};

enum { SAMPLE_ROW_EST_ACK = 3, SAMPLE_LISTEN = 1 };

void sample_fast_path(struct sample_tcp *tcp);

void
sample_fast_path(struct sample_tcp *tcp)
{
	tcp->fsm_hits[SAMPLE_ROW_EST_ACK]++; /* lint-expect: fsm-count */
	++tcp->fsm_hits[SAMPLE_ROW_EST_ACK]; /* lint-expect: fsm-count */
	tcp->state_count[SAMPLE_LISTEN]--; /* lint-expect: fsm-count */
	tcp->state_count[SAMPLE_LISTEN] += 1; /* lint-expect: fsm-count */
	tcp -> state_count [0] = 0; /* lint-expect: fsm-count */
}

unsigned long sample_read(const struct sample_tcp *tcp);

/* Reading the counts is fine anywhere. */
unsigned long
sample_read(const struct sample_tcp *tcp)
{
	unsigned long n = tcp->fsm_hits[SAMPLE_ROW_EST_ACK];

	if (tcp->state_count[SAMPLE_LISTEN] == 0 ||
	    tcp->state_count[0] >= 2)
		n += tcp->state_count[SAMPLE_LISTEN];
	return n;
}
