#!/usr/bin/env bash
# Everything CI checks: install what is missing, build the normal build
# (build/) and the ASan+UBSan build (build-asan/), run every test suite
# in both, build clang's release configuration (build-clang-release/)
# and run its unit suite, build the libFuzzer targets with clang, ASan
# and UBSan (build-fuzz/) and run each for about a minute (suite fuzz,
# tests/fuzz/README.md), all with warnings as errors, and end with
# exactly one line "N passed, N failed" summed over the builds (meson's OK and EXPECTEDFAIL count as passed; FAIL,
# TIMEOUT, ERROR and UNEXPECTEDPASS as failed; SKIP not at all). A build
# that fails counts as one failed test. Exit status 0 iff none failed.
#
#   scripts/test.sh                 (as root: interop tests need netns)
#   TERN_TEST_ARGS="--repeat 3" scripts/test.sh   extra meson test args
set -uo pipefail

TERN_LOG_TAG=test
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

all_suites="unit vdev sim interop lint bench"
passed=0
failed=0

# count_results TESTLOG_JSON: add the file's results to the totals.
count_results() {
	local counts

	counts=$(python3 - "$1" <<'PY'
import json, sys
ok, bad = 0, 0
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result", "")
        if result in ("OK", "EXPECTEDFAIL"):
            ok += 1
        elif result in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS"):
            bad += 1
print(ok, bad)
PY
	) || counts="0 1"
	passed=$((passed + ${counts% *}))
	failed=$((failed + ${counts#* }))
}

# run_build DIR MULTIPLIER "SUITE..." [meson setup options...]: build DIR
# and run the named meson test suites there.
run_build() {
	local dir=$TERN_ROOT/$1 mult=$2 suites=$3 log suite_args=() s
	shift 3

	tern_log "building $dir $*"
	if ! tern_build "$dir" "$@"; then
		tern_log "build of $dir FAILED"
		failed=$((failed + 1))
		return
	fi
	for s in $suites; do
		suite_args+=(--suite "$s")
	done
	log=$dir/meson-logs/testlog.json
	rm -f "$log"
	tern_log "testing $dir"
	# shellcheck disable=SC2086
	meson test -C "$dir" --no-rebuild --print-errorlogs \
		--timeout-multiplier "$mult" "${suite_args[@]}" \
		${TERN_TEST_ARGS:-} </dev/null
	if [ -f "$log" ]; then
		count_results "$log"
	else
		tern_log "no test log in $dir: counting one failure"
		failed=$((failed + 1))
	fi
}

"$TERN_ROOT/scripts/deps.sh" || exit 1
"$TERN_ROOT/scripts/hugepages.sh"
# Warnings are errors here (CI), not in a user's default build.
run_build build 1 "$all_suites" -Dwerror=true
# Sanitizers slow everything down; -Db_lundef=false because the
# sanitizer runtimes resolve symbols at load time.
run_build build-asan 3 "$all_suites" -Dwerror=true \
	-Db_sanitize=address,undefined -Db_lundef=false
# The configuration most users build: clang, release (-O3). Building it
# with warnings as errors is the check; only the cheap unit suite runs.
CC=clang run_build build-clang-release 1 unit -Dwerror=true \
	--buildtype=release
# libFuzzer targets (clang only): the library instrumented for coverage,
# nothing else built; each target replays its seeds, then fuzzes for a
# bounded time (tests/fuzz/meson.build).
CC=clang run_build build-fuzz 1 fuzz -Dwerror=true -Dfuzz=true \
	-Db_sanitize=address,undefined -Db_lundef=false

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
