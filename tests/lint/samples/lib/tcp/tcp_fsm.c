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

struct sample_tcp {
	unsigned int state_count[11];
	unsigned long fsm_hits[8];
};

void sample_step(struct sample_tcp *tcp, struct sample_conn *c, int next,
		 int row);

/* The step's file may count what it executes. */
void
sample_step(struct sample_tcp *tcp, struct sample_conn *c, int next, int row)
{
	tcp->state_count[c->state]--;
	tcp->state_count[next]++;
	c->state = next;
	tcp->fsm_hits[row]++;
}
