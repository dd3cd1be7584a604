#!/usr/bin/env bash
# Print the EAL memory arguments tern's scripts and tests use on this
# machine: hugepages when there are free ones, --no-huge otherwise.
#   build/app/tern-echo -l 0 $(scripts/eal-mem-args.sh) -- ...
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tern_eal_mem_args
