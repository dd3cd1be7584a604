#!/usr/bin/env bash
# run-fuzz.sh BINARY SEEDS WORKDIR SECONDS [libFuzzer options...]
#
# One bounded libFuzzer campaign: replay the committed seed corpus SEEDS,
# then fuzz for SECONDS, writing new inputs to WORKDIR (emptied first,
# so a run depends only on the committed seeds) and never into the
# source tree. A crash is saved as WORKDIR/crash-* and fails the run.
set -euo pipefail

bin=$(realpath "$1") seeds=$(realpath "$2") work=$3 secs=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
cd "$work"
exec "$bin" -max_total_time="$secs" -seed=1 -timeout=20 \
	-print_final_stats=1 -artifact_prefix="$work/" "$@" "$work" "$seeds"
