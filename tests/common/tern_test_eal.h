/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_TEST_EAL_H
#define TERN_TEST_EAL_H

/**
 * Start DPDK's EAL for an in-process test: one lcore, no PCI, nothing
 * shared with other processes (--in-memory), hugepages when the machine
 * has free ones and --no-huge otherwise, so tests pass anywhere.
 * @p extra_vdev may name one --vdev argument (or NULL). Environment:
 * TERN_TEST_NO_HUGE=1 forces --no-huge; TERN_TEST_MEM_MB=N asks for N
 * MiB instead of 256, with --no-huge (more than the hugepages a shared
 * machine has free).
 * @return 0, or -1 with a message on stderr.
 */
int tern_test_eal_init(const char *prog, const char *extra_vdev);

/** True when free 2 MiB hugepages exist and hugetlbfs is mounted. */
int tern_test_have_hugepages(void);

#endif
