#!/usr/bin/env bash
# The Linux baseline of bench/run.sh over both families: kernel-httpd
# and kernel-load over loopback in a namespace of their own, on
# 127.0.0.1 and on ::1, a fixed number of connections (cps) and of
# keep-alive requests (rps) each. Every run must do exactly what it was
# asked: all responses, no failed connection, no error. Exits 77
# (skipped) without root or ip netns.
#
#   bench/kernel-baseline.sh BUILD_DIR
set -uo pipefail

BENCH_TAG=kernel-baseline
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:?build dir}
khttpd="$build/bench/kernel-httpd"
kload="$build/bench/kernel-load"

bench_need_root
bench_scratch tern-kbase
bench_netns tern-kbase || exit 1

# field NAME KEY: a value of run NAME's JSON record.
field() {
	bench_json_get "$tmp/$1.json" "$2"
}

# run NAME IP TARGET N ARGS...: kernel-load against kernel-httpd on IP;
# the run must end with N responses, no failure, no error.
run() {
	local name=$1 ip=$2 target=$3 n=$4 pid ok=1
	shift 4
	bench_bg_ns "$tmp/$name.server.log" "$khttpd" --ip "$ip" --port 8080 \
		--ports 2
	pid=$BENCH_LAST_PID
	if ! bench_wait 10 grep -q serving "$tmp/$name.server.log"; then
		bench_log "FAIL: $name: kernel-httpd did not start"
		cat "$tmp/$name.server.log" >&2
		BENCH_FAILURES=$((BENCH_FAILURES + 1))
		bench_stop "$pid"
		return
	fi
	bench_in_ns timeout 60 "$kload" --connect "$target" --ports 2 \
		--requests "$n" --quiet --json "$tmp/$name.json" "$@" \
		>"$tmp/$name.log" 2>&1 || ok=0
	bench_stop "$pid"
	if [ "$ok" = 0 ] || ! run_clean "$name" "$n" "$target"; then
		cat "$tmp/$name.log" >&2
		ok=0
	fi
	bench_check "$name: $n responses from $target, none failed" \
		[ "$ok" = 1 ]
}

# run_clean NAME N TARGET: run NAME's record has N responses, no
# failure, no error, from TARGET.
run_clean() {
	[ "$(field "$1" responses)" -ge "$2" ] &&
		[ "$(field "$1" failed)" = 0 ] &&
		[ "$(field "$1" bad_status)" = 0 ] &&
		[ "$(field "$1" proto_errors)" = 0 ] &&
		[ "$(field "$1" target)" = "$3" ]
}

run cps4 127.0.0.1 127.0.0.1:8080 2000 --mode cps --conns 8
run rps4 127.0.0.1 127.0.0.1:8080 5000 --mode rps --conns 8
run cps6 ::1 '[::1]:8080' 2000 --mode cps --conns 8
run rps6 ::1 '[::1]:8080' 5000 --mode rps --conns 8

bench_log "$BENCH_FAILURES failed"
[ "$BENCH_FAILURES" = 0 ]
