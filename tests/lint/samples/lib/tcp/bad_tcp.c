/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: state assigned behind tcp_set_state()'s back. */
struct sample_conn {
	int state;
};

void sample_close(struct sample_conn *c, struct sample_conn *all, int n);

void
sample_close(struct sample_conn *c, struct sample_conn *all, int n)
{
	struct sample_conn copy;

	c->state = 10; /* lint-expect: state-assign */
	c -> state=9; /* lint-expect: state-assign */
	copy.state = 1; /* lint-expect: state-assign */
	all[n - 1].state = 0; /* lint-expect: state-assign */
	c->state |= 1; /* lint-expect: state-assign */
	(void)copy;
	/* FIXME: what about the timers? */ /* lint-expect: todo */
}
