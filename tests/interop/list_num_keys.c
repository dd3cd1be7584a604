/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Print every numeric configuration key from the parser's own table,
 * one a line: "deploy|profile SECTION KEY MIN MAX ZERO_OK". The vdev
 * test runtime_vdev_keys walks this list, so a key added to
 * lib/runtime/tern_config.c is tested without being listed anywhere.
 */
#include <stdio.h>

#include "tern_config.h"

int
main(void)
{
	struct tern_config_num_key k;

	for (unsigned int i = 0; tern_config_num_key(i, &k) == 0; i++)
		printf("%s %s %s %u %u %d\n", k.profile ? "profile" : "deploy",
		       k.section, k.name, k.min, k.max, k.zero_ok ? 1 : 0);
	return 0;
}
