#!/usr/bin/env bash
# Interop: tern-load on net_tap against servers of the Linux kernel's
# stack inside a network namespace of its own (198.18.6.0/24): our epoll
# server (kernel-httpd), Python's http.server (HTTP/1.0, one response
# per connection) and an echo server (socat). Every run must do exactly
# what it was asked: N responses or connections, no errors. Exits 77
# (skipped) without root or ip netns.
#
#   bench/interop-load.sh BUILD_DIR
set -uo pipefail

BENCH_TAG=interop-load
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:?build dir}
tload="$build/bench/tern-load"
khttpd="$build/bench/kernel-httpd"
iface=til0
kern=198.18.6.1
tmp=

bench_need_root

# load NAME ARGS...: one tern-load process on a fresh tap; its JSON
# record goes to $tmp/NAME.json. @return its exit status.
load() {
	local name=$1 pid rc
	shift
	bench_bg_ns "$tmp/$name.log" "$tload" -l 0 $(bench_eal_mem 512) \
		--vdev="net_tap0,iface=$iface" -- --ip 198.18.6.2/24 \
		--duration 60 --quiet --json "$tmp/$name.json" "$@"
	pid=$BENCH_LAST_PID
	if ! bench_tap_up "$tmp/$name.log" "$iface" 02:00:00:00:06:01 \
	     "$kern/24"; then
		bench_log "tern-load did not come up:"
		cat "$tmp/$name.log" >&2
		bench_stop "$pid"
		return 1
	fi
	wait "$pid"
	rc=$?
	BENCH_PIDS=("${BENCH_PIDS[@]/$pid}")
	[ "$rc" = 0 ] || tail -20 "$tmp/$name.log" >&2
	return "$rc"
}

# field NAME KEY: a value of run NAME's JSON record.
field() {
	bench_json_get "$tmp/$1.json" "$2" 2>/dev/null || echo missing
}

clean() {
	[ "$(field "$1" failed)" = 0 ] && [ "$(field "$1" bad_status)" = 0 ] &&
		[ "$(field "$1" proto_errors)" = 0 ]
}

bench_scratch tern-interop-load
bench_netns tern-il || exit 1
bench_bg_ns "$tmp/khttpd.log" "$khttpd" --ip 0.0.0.0 --port 8080
bench_bg_ns "$tmp/khttpd-big.log" "$khttpd" --ip 0.0.0.0 --port 8081 \
	--body-size 1048576
mkdir -p "$tmp/www"
head -c 5000 /dev/urandom >"$tmp/www/index.html"
bench_bg_ns "$tmp/pyhttp.log" /usr/bin/python3 -m http.server --bind 0.0.0.0 \
	--directory "$tmp/www" 8082
if command -v socat >/dev/null; then
	bench_bg_ns "$tmp/echo.log" socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat
fi
bench_wait 30 grep -q serving "$tmp/khttpd.log" || exit 1

bench_check "rps: 2000 keep-alive requests, 8 connections x 4 in flight" \
	load rps --connect "$kern:8080" --mode rps --conns 8 --pipeline 4 \
	--requests 2000
bench_check "rps: 2000 responses, no errors" \
	bash -c '[ "$1" -ge 2000 ] && [ "$2" = 8 ]' _ \
	"$(field rps responses)" "$(field rps established)"
bench_check "rps: clean" clean rps

bench_check "cps: 500 connections, client closes first" \
	load cps --connect "$kern:8080" --mode cps --conns 8 --requests 500
bench_check "cps: 500 completed, no errors" \
	bash -c '[ "$1" -ge 500 ]' _ "$(field cps completed)"
bench_check "cps: clean" clean cps

bench_check "cps: 200 connections, server closes (Connection: close)" \
	load cps-sc --connect "$kern:8080" --mode cps --conns 8 --requests 200 \
	--server-closes
bench_check "cps --server-closes: 200 completed" \
	bash -c '[ "$1" -ge 200 ]' _ "$(field cps-sc completed)"
bench_check "cps --server-closes: clean" clean cps-sc

# Counts, not seconds: a busy machine moves fewer bytes in 2 s, and the
# test is about every page arriving, not how fast.
bench_check "bulk down: 8 pages of 1 MiB on 2 connections" \
	load bulk --connect "$kern:8081" --mode bulk --conns 2 --requests 8
bench_check "bulk down: 8 MiB received, no errors" \
	bash -c '[ "$1" -ge $((8 << 20)) ] && [ "$2" -ge 8 ]' _ \
	"$(field bulk rx_bytes)" "$(field bulk responses)"
bench_check "bulk: clean" clean bulk

bench_check "latency: 2000 requests offered at 1000 req/s" \
	load lat --connect "$kern:8080" --mode latency --conns 4 --rate 1000 \
	--requests 2000
bench_check "latency: 2000 responses with a p99" \
	bash -c '[ "$1" -ge 2000 ] && [ "$2" -gt 0 ]' _ \
	"$(field lat responses)" "$(field lat latency_ns.p99)"
bench_check "latency: clean" clean lat

bench_check "Python http.server (HTTP/1.0): 50 connections" \
	load py --connect "$kern:8082" --mode cps --conns 2 --requests 50 \
	--path /index.html
bench_check "Python http.server: 50 completed, 5000-byte bodies" \
	bash -c '[ "$1" -ge 50 ] && [ "$2" -ge $((50 * 5000)) ]' _ \
	"$(field py completed)" "$(field py rx_bytes)"
bench_check "Python http.server: clean" clean py

if command -v socat >/dev/null; then
	bench_check "echo (socat): 300 echoes of 100 bytes, 2 connections" \
		load echo --connect "$kern:7" --proto echo --mode rps \
		--conns 2 --requests 300 --req-size 100
	bench_check "echo: 300 echoes checked byte for byte" \
		bash -c '[ "$1" -ge 300 ]' _ "$(field echo responses)"
	bench_check "echo: clean" clean echo
fi

if [ "$BENCH_FAILURES" -ne 0 ]; then
	bench_log "$BENCH_FAILURES check(s) failed"
	exit 1
fi
bench_log "all checks passed"
