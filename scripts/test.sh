#!/usr/bin/env bash
# Everything CI checks: install what is missing, build the normal build
# (build/) and the ASan+UBSan build (build-asan/), run every test suite
# in both, and end with exactly one line "N passed, N failed" summed over
# both builds (meson's OK and EXPECTEDFAIL count as passed; FAIL,
# TIMEOUT, ERROR and UNEXPECTEDPASS as failed; SKIP not at all). A build
# that fails counts as one failed test. Exit status 0 iff none failed.
#
#   scripts/test.sh                 (as root: interop tests need netns)
#   TERN_TEST_ARGS="--repeat 3" scripts/test.sh   extra meson test args
set -uo pipefail

TERN_LOG_TAG=test
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

suites=(unit vdev sim interop lint bench)
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

# run_build DIR MULTIPLIER [meson setup options...]
run_build() {
	local dir=$TERN_ROOT/$1 mult=$2 log suite_args=()
	shift 2

	tern_log "building $dir $*"
	if ! tern_build "$dir" "$@"; then
		tern_log "build of $dir FAILED"
		failed=$((failed + 1))
		return
	fi
	for s in "${suites[@]}"; do
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
run_build build 1
# Sanitizers slow everything down; -Db_lundef=false because the
# sanitizer runtimes resolve symbols at load time.
run_build build-asan 3 -Db_sanitize=address,undefined -Db_lundef=false

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
