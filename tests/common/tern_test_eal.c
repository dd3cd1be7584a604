/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mntent.h>

#include <rte_eal.h>

#include "tern_test_eal.h"

static long
free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/"
			"free_hugepages", "r");
	long n = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

static int
hugetlbfs_mounted(void)
{
	FILE *f = setmntent("/proc/mounts", "r");
	struct mntent *m;
	int found = 0;

	if (f == NULL)
		return 0;
	while ((m = getmntent(f)) != NULL)
		if (strcmp(m->mnt_type, "hugetlbfs") == 0)
			found = 1;
	endmntent(f);
	return found;
}

int
tern_test_have_hugepages(void)
{
	/* 128 pages = 256 MiB: enough for a test's pools. */
	return free_hugepages() >= 128 && hugetlbfs_mounted();
}

int
tern_test_eal_init(const char *prog, const char *extra_vdev)
{
	char *argv[16];
	int argc = 0;
	const char *force = getenv("TERN_TEST_NO_HUGE");
	const char *mem_mb = getenv("TERN_TEST_MEM_MB");
	int huge = tern_test_have_hugepages() &&
		   (force == NULL || strcmp(force, "1") != 0) &&
		   mem_mb == NULL;

	argv[argc++] = (char *)prog;
	argv[argc++] = (char *)"-l";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--no-pci";
	/*
	 * Nothing shared with other processes, so tests run in parallel:
	 * --in-memory with hugepages; --no-huge implies legacy memory,
	 * which --in-memory refuses, so there --no-shconf does the job.
	 */
	argv[argc++] = (char *)(huge ? "--in-memory" : "--no-shconf");
	argv[argc++] = (char *)"--log-level=lib.eal:error";
	argv[argc++] = (char *)"-m";
	argv[argc++] = (char *)(mem_mb != NULL ? mem_mb : "256");
	if (!huge)
		argv[argc++] = (char *)"--no-huge";
	if (extra_vdev != NULL) {
		argv[argc++] = (char *)"--vdev";
		argv[argc++] = (char *)extra_vdev;
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", prog);
		return -1;
	}
	return 0;
}
