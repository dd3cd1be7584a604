/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: the one function allowed to assign the state. */
struct sample_conn {
	int state;
};

void sample_set_state(struct sample_conn *c, int next);

void
sample_set_state(struct sample_conn *c, int next)
{
	/* TODO: trace old => new */ /* lint-expect: todo */
	c->state = next;
}
