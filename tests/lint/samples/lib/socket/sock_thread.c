/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: the socket layer's one thread-local is allowed here. */
struct sample_worker;
static __thread struct sample_worker *sample_current;

struct sample_worker *
sample_get(void)
{
	return sample_current;
}
