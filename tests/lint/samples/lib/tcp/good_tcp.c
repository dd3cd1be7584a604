/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: reading the state and designated initializers are fine. */
struct sample_conn {
	int state;
	int next_state;
};

struct sample_row {
	int state;
	int action;
};

static const struct sample_row sample_rows[] = {
	{ .state = 1, .action = 2 },
	{
		.state = 3,
		.action = 4,
	},
};

int sample_check(const struct sample_conn *c);

int
sample_check(const struct sample_conn *c)
{
	struct sample_row r = { .state = c->state };
	int stated = 0;

	if (c->state == 4 || c->state != 5 || c->state <= 6 ||
	    c->state >= 7)
		stated = c->state;
	stated += c->next_state;
	return stated + r.state + sample_rows[0].state; /* todo: lowercase */
}
