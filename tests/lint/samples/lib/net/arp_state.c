/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: the state-assignment rule is about TCP connections only. */
struct sample_arp_entry {
	int state;
};

void sample_arp_resolve(struct sample_arp_entry *e);

void
sample_arp_resolve(struct sample_arp_entry *e)
{
	e->state = 2;
}
