/* SPDX-License-Identifier: BSD-3-Clause */
/* Lint sample: elsewhere in lib/socket a thread-local is state. */
struct sample_worker;
static __thread struct sample_worker *sample_other; /* lint-expect: file-state */
