#!/usr/bin/env bash
# Reserve 2 MiB hugepages (512 by default, TERN_HUGEPAGES=N to change,
# 0 to leave the machine alone) and mount hugetlbfs, when the machine
# lets us. 512: two tests in parallel take 128 pages each, and a
# secondary process or a process still exiting needs headroom. Never fails: without hugepages tern runs with --no-huge
# (scripts/common.sh decides), only slower to start.
set -u

want=${TERN_HUGEPAGES:-512}
dir=/sys/kernel/mm/hugepages/hugepages-2048kB
mnt=/dev/hugepages

say() { printf 'hugepages: %s\n' "$*"; }

if [ "$want" -gt 0 ] && [ -w "$dir/nr_hugepages" ]; then
	have=$(cat "$dir/nr_hugepages")
	if [ "$have" -lt "$want" ]; then
		# The kernel may grant fewer (fragmented memory): take what comes.
		echo "$want" >"$dir/nr_hugepages" 2>/dev/null ||
			say "cannot reserve $want pages (read-only sysfs?)"
	fi
fi
if [ "$want" -gt 0 ] && ! grep -q hugetlbfs /proc/mounts; then
	mkdir -p "$mnt" 2>/dev/null &&
		mount -t hugetlbfs -o pagesize=2M nodev "$mnt" 2>/dev/null ||
		say "cannot mount hugetlbfs on $mnt"
fi
if [ -r "$dir/free_hugepages" ] && grep -q hugetlbfs /proc/mounts; then
	say "$(cat "$dir/free_hugepages") free of $(cat "$dir/nr_hugepages")" \
	    "reserved, hugetlbfs mounted"
else
	say "none available: DPDK will run with --no-huge"
fi
exit 0
