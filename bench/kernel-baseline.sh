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
failures=0
tmp=

bench_need_root

finish() {
	bench_cleanup
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap finish EXIT
trap 'exit 130' INT TERM

tmp=$(mktemp -d /tmp/tern-kbase.XXXXXX)
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
		failures=$((failures + 1))
		bench_stop "$pid"
		return
	fi
	bench_in_ns timeout 60 "$kload" --connect "$target" --ports 2 \
		--requests "$n" --quiet --json "$tmp/$name.json" "$@" \
		>"$tmp/$name.log" 2>&1 || ok=0
	bench_stop "$pid"
	if [ "$ok" = 1 ] && [ "$(field "$name" responses)" -ge "$n" ] &&
	   [ "$(field "$name" failed)" = 0 ] &&
	   [ "$(field "$name" bad_status)" = 0 ] &&
	   [ "$(field "$name" proto_errors)" = 0 ] &&
	   [ "$(field "$name" target)" = "$target" ]; then
		bench_log "ok: $name: $(field "$name" responses) responses from $target"
	else
		bench_log "FAIL: $name"
		cat "$tmp/$name.log" >&2
		failures=$((failures + 1))
	fi
}

run cps4 127.0.0.1 127.0.0.1:8080 2000 --mode cps --conns 8
run rps4 127.0.0.1 127.0.0.1:8080 5000 --mode rps --conns 8
run cps6 ::1 '[::1]:8080' 2000 --mode cps --conns 8
run rps6 ::1 '[::1]:8080' 5000 --mode rps --conns 8

bench_log "$failures failed"
[ "$failures" = 0 ]
