#!/usr/bin/env bash
# cps against ONE server address and port, with the real 60 s TIME_WAIT
# (issue 17): the client closes first and keeps every TIME_WAIT, so its
# 28,232 ports to that port are all taken within a second; active opens
# then live on TIME_WAIT reuse (tcp.tw_reuse, docs/tcp.md). Prints the
# per-second rates and the reuse counters of:
#   1. tern-inproc: tern-load's engine against tern-httpd's core
#      (in-memory ring pair), one server port;
#   2. tern-load on net_tap against kernel-httpd (the Linux kernel's
#      stack) inside a namespace of its own (198.18.7.0/24), as root.
# A figure for docs/benchmarks.md, never a test: nothing is asserted.
#
#   bench/cps-one-port.sh BUILD_DIR [SECONDS] [tern-load options...]
set -uo pipefail

BENCH_TAG=cps-one-port
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:?build dir}
secs=${2:-20}
shift $(($# < 2 ? $# : 2))
iface=tcp1p0
kern=198.18.7.1
bench_scratch tern-cps-one-port

# summary JSON: the rate, and what the client's stack says about ports.
summary() {
	/usr/bin/python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
tcp = d.get("client_tcp", d.get("tcp", {}))
print("  rate %.0f conn/s over %.1f s, completed %d, failed %d, no_port %d,"
      " TWReusedActive %d, ConnectNoPort %d, TWRecycled %d"
      % (d["rate"], d["elapsed_s"], d["completed"], d["failed"],
         d["no_port"], tcp.get("TWReusedActive", 0),
         tcp.get("ConnectNoPort", 0), tcp.get("TWRecycled", 0)))
EOF
}

bench_log "tern-inproc: cps, 64 connections, one server port, ${secs} s"
read -ra eal_mem <<<"$(bench_eal_mem 2560)"
"$build/bench/tern-inproc" -l 0,1 "${eal_mem[@]}" -- --mode cps \
	--conns 64 --time "$secs" --json "$tmp/inproc.json" "$@" \
	2>"$tmp/inproc.log"
grep '^t=' "$tmp/inproc.log"
summary "$tmp/inproc.json"

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	bench_log "SKIP net_tap against the kernel: needs root and ip netns"
	exit 0
fi
bench_netns tern-c1p || exit 1
bench_bg_ns "$tmp/khttpd.log" "$build/bench/kernel-httpd" --ip 0.0.0.0 \
	--port 8080
bench_wait 10 grep -q serving "$tmp/khttpd.log" || exit 1
bench_log "tern-load on net_tap against kernel-httpd: cps, 64" \
	"connections, one server port, ${secs} s"
read -ra eal_mem <<<"$(bench_eal_mem 1024)"
bench_bg_ns "$tmp/load.log" "$build/bench/tern-load" -l 0 \
	"${eal_mem[@]}" --vdev="net_tap0,iface=$iface" -- \
	--ip 198.18.7.2/24 --duration $((secs + 30)) \
	--connect "$kern:8080" --mode cps --conns 64 --time "$secs" \
	--json "$tmp/load.json" "$@"
pid=$BENCH_LAST_PID
if ! bench_tap_up "$tmp/load.log" "$iface" 02:00:00:00:07:01 "$kern/24"; then
	bench_log "tern-load did not come up:"
	cat "$tmp/load.log" >&2
	exit 1
fi
wait "$pid"
BENCH_PIDS=("${BENCH_PIDS[@]/$pid}")
grep '^t=' "$tmp/load.log"
summary "$tmp/load.json"
