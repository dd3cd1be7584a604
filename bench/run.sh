#!/usr/bin/env bash
# The benchmark suite, one command: builds, runs tern, the Linux kernel
# and the wire's ceiling side by side on the same machine, counts
# instructions with callgrind, and writes
#   bench/results/<date>-<host>-<commit>.json   one record for the run
#   docs/bench/*.svg, *.png                     the plots
#   docs/benchmarks.md                          tables and analysis
# Needs root (network namespaces), 2 CPUs; about 10 minutes.
#
#   bench/run.sh                 everything
#   BENCH_QUICK=1 bench/run.sh   shorter windows (a smoke test, ~3 min)
#   BENCH_BUILD=DIR              build directory (default build-bench)
#   BENCH_SKIP="tap memif callgrind hold reflect"   leave parts out
#   BENCH_WAIT_QUIET=SEC         first wait up to SEC seconds for the
#                                1-minute load average to drop below 0.3
#
# Topologies:
#   inproc   tern-httpd's core and tern-load's engine in one process on
#            two lcores, joined by two ring ethdevs (tern-inproc)
#   kernel   kernel-httpd and kernel-load (epoll, same parser, same
#            responses) on CPU 1 and CPU 0, over loopback in a netns
#   reflect  the same ring pair, one lcore swapping addresses and
#            sending every frame back: the wire's ceiling
#   tap      wrk (kernel) -> tern-httpd and tern-load -> kernel-httpd
#            over net_tap in a netns
#   memif    tern-load -> tern-httpd, two processes over net_memif
set -uo pipefail

BENCH_TAG=run
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$BENCH_ROOT
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
QUICK=${BENCH_QUICK:-0}
SKIP=" ${BENCH_SKIP:-} "
stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . &&
	echo true || echo false)
run_id="$stamp-$(hostname -s)-$commit"
RAW="$ROOT/bench/results/$run_id.tmp"

if [ "$QUICK" = 1 ]; then T=2; W=0.5; else T=5; W=1; fi

if [ "$(id -u)" -ne 0 ]; then
	bench_log "run as root: the suite creates network namespaces"
	exit 1
fi
if [ "$(nproc)" -lt 2 ]; then
	bench_log "needs 2 CPUs (server and client each on its own)"
	exit 1
fi

skip() {
	[[ "$SKIP" == *" $1 "* ]]
}

cleanup() {
	bench_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_log "building in $BUILD"
bench_build "$BUILD" || exit 1

# Both stacks want their two CPUs to themselves (tern polls): on a shared
# machine, optionally wait for the others to finish. The load average at
# the start of every workload goes into the results either way.
if [ -n "${BENCH_WAIT_QUIET:-}" ]; then
	bench_log "waiting up to ${BENCH_WAIT_QUIET}s for a quiet machine"
	deadline=$((SECONDS + BENCH_WAIT_QUIET))
	while [ "$SECONDS" -lt "$deadline" ] &&
	      awk '{ exit !($1 >= 0.3) }' /proc/loadavg; do
		sleep 5
	done
fi
INPROC="$BUILD/bench/tern-inproc"
KHTTPD="$BUILD/bench/kernel-httpd"
KLOAD="$BUILD/bench/kernel-load"
HTTPD="$BUILD/app/tern-httpd"
TLOAD="$BUILD/bench/tern-load"
VPROBE="$BUILD/bench/vcpu-probe"
mkdir -p "$RAW"
ulimit -n "$(ulimit -Hn)" 2>/dev/null

# ---- machine -----------------------------------------------------------

machine_json() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, os, platform, subprocess, sys
def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()
def meminfo(key):
    for line in open("/proc/meminfo"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0
def cmd(*a):
    try:
        return subprocess.run(a, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
virt = cmd("systemd-detect-virt") or "unknown"
print(json.dumps({
    "cpu": cpu_model(), "cpus": os.cpu_count(), "mem_bytes": meminfo("MemTotal"),
    "kernel": platform.release(), "virtualization": virt,
    "loadavg_at_start": os.getloadavg()[0],
    "dpdk": cmd("pkg-config", "--modversion", "libdpdk"),
    "compiler": cmd("cc", "--version").splitlines()[0],
    "hugepages_free": int(open("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages").read())
        if os.path.exists("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") else 0,
}))
EOF
}
machine_json >"$RAW/machine.json"

# ---- the runs ------------------------------------------------------------

INPROC_EAL="-l 0,1 $(bench_eal_mem 2560)"
INPROC_WIRE="--ring-size 32768 --mbufs 98303"

# note_load WHO: the load average now, before WHO runs.
note_load() {
	echo "$1 $(cut -d' ' -f1 /proc/loadavg)" >>"$RAW/loadavg.txt"
}

# inproc NAME ARGS...: tern against tern over the ring pair.
inproc() {
	local name=$1
	shift
	bench_log "tern    $name"
	note_load "tern-$name"
	# shellcheck disable=SC2086
	"$INPROC" $INPROC_EAL -- $INPROC_WIRE --quiet \
		--json "$RAW/tern-$name.json" "$@" \
		>"$RAW/tern-$name.log" 2>&1 ||
		bench_log "tern $name FAILED (see $RAW/tern-$name.log)"
}

KPORT=8080
KIP=127.0.0.1
# kernel NAME SERVER_ARGS -- LOAD_ARGS...: the same over loopback
# (over ::1 with KIP=::1).
kernel() {
	local name=$1 sargs=() pid target
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	bench_log "linux   $name"
	note_load "linux-$name"
	bench_bg_ns "$RAW/linux-$name.server.log" "$KHTTPD" \
		--ip "$KIP" --port "$KPORT" --cpu 1 "${sargs[@]}"
	pid=$BENCH_LAST_PID
	if ! bench_wait 10 grep -q serving "$RAW/linux-$name.server.log"; then
		bench_log "kernel-httpd did not start"
		bench_stop "$pid"
		return
	fi
	case $KIP in
	*:*) target="[$KIP]:$KPORT" ;;
	*) target="$KIP:$KPORT" ;;
	esac
	bench_in_ns "$KLOAD" --cpu 0 --connect "$target" --quiet \
		--json "$RAW/linux-$name.json" "$@" \
		>"$RAW/linux-$name.log" 2>&1 ||
		bench_log "linux $name FAILED (see $RAW/linux-$name.log)"
	bench_stop "$pid"
}

both() {
	local name=$1 sargs=$2
	shift 2
	# shellcheck disable=SC2086
	inproc "$name" $sargs "$@"
	# shellcheck disable=SC2086
	kernel "$name" $sargs -- "$@"
}

bench_netns tern-bench || exit 1
# The same wire for both stacks: loopback with tern's MTU (1500, not
# 65536) and no segmentation offload (tern has no TSO), so that the
# kernel, like tern, handles every 1448-byte segment. (One extra run
# below shows bulk transfer on loopback as Linux sets it up.)
bench_in_ns ip link set lo mtu 1500
if command -v ethtool >/dev/null; then
	bench_in_ns ethtool -K lo tso off gso off >/dev/null 2>&1
fi
# A wide port range and 8 server ports: cps leaves TIME_WAITs behind.
bench_in_ns sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
bench_in_ns sysctl -qw net.core.somaxconn=65535
bench_in_ns sysctl -qw net.ipv4.tcp_max_syn_backlog=65535

# reflect NAME: the wire's ceiling, the reflector's frames/s (report.py
# takes the median of the three runs, one before each share run below).
reflect() {
	skip reflect && return 0
	bench_log "reflect ceiling ($1)"
	# shellcheck disable=SC2086
	"$INPROC" $INPROC_EAL -- --ring-size 4096 --reflect --time "$T" \
		--quiet --json "$RAW/$1.json" >"$RAW/$1.log" 2>&1 ||
		bench_log "$1 FAILED"
}

LOADW="--warmup $W --time $T"
both cps "--ports 8" --mode cps --conns 64 --ports 8 $LOADW
both cps-server-closes "--ports 8" --mode cps --server-closes --conns 64 \
	--ports 8 $LOADW
both rps-c64-p1 "" --mode rps --conns 64 --pipeline 1 $LOADW
both rps-c64-p16 "" --mode rps --conns 64 --pipeline 16 $LOADW
# The server core's share of the ceiling at 1,000 connections: three
# tern runs (report.py takes the median; the first is also the ratio's),
# each after a reflector run (the ceiling, its median likewise) and
# between two probes of how far apart the host has placed the two
# vCPUs right then (bench/vcpu-probe.c): every frame of these runs, the
# reflector's too, crosses from one to the other, and on a VM that
# distance changes from one second to the next (docs/benchmarks.md).
probe() {
	"$VPROBE" --cpus 0,1 --samples 5 --json "$RAW/vcpu-$1.json" \
		>"$RAW/vcpu-$1.log" 2>&1 ||
		bench_log "vcpu-probe $1 FAILED (see $RAW/vcpu-$1.log)"
}
for rep in "" -r2 -r3; do
	reflect "reflect$rep"
	probe "rps-c1000-p1$rep.before"
	inproc "rps-c1000-p1$rep" --mode rps --conns 1000 --pipeline 1 $LOADW
	probe "rps-c1000-p1$rep.after"
done
kernel rps-c1000-p1 -- --mode rps --conns 1000 --pipeline 1 $LOADW
# The same cps and rps over IPv6: tern-inproc --ip6 (2001:2::/48; DAD
# adds a second before each) and the kernel over ::1.
inproc cps-ip6 --mode cps --conns 64 --ports 8 --ip6 $LOADW
KIP=::1 kernel cps-ip6 --ports 8 -- --mode cps --conns 64 --ports 8 $LOADW
inproc rps-c64-p1-ip6 --mode rps --conns 64 --pipeline 1 --ip6 $LOADW
KIP=::1 kernel rps-c64-p1-ip6 -- --mode rps --conns 64 --pipeline 1 $LOADW
both bulk-down "--body-size 1048576" --mode bulk --conns 4 $LOADW
both bulk-up "" --mode bulk --direction up --conns 4 \
	--bulk-bytes 16777216 $LOADW
# Bulk on loopback as Linux sets it up (64 KiB MTU, TSO): not the same
# wire as tern's, shown for reference.
bench_netns_lo64() {
	local ns=$BENCH_NS
	BENCH_NS="tern-bench-lo64-$$"
	ip netns add "$BENCH_NS" && ip -n "$BENCH_NS" link set lo up &&
		kernel bulk-down-lo64k --body-size 1048576 -- --mode bulk \
			--conns 4 $LOADW
	ip netns del "$BENCH_NS" 2>/dev/null
	BENCH_NS=$ns
}
bench_netns_lo64

for rate in 10000 50000 100000 200000; do
	both "latency-$rate" "" --mode latency --conns 32 --pipeline 4 \
		--rate "$rate" $LOADW
done

if ! skip hold; then
	HOLD_TERN=${BENCH_HOLD_TERN:-1000000}
	HOLD_LINUX=${BENCH_HOLD_LINUX:-100000}
	if [ "$QUICK" = 1 ]; then
		HOLD_TERN=100000
		HOLD_LINUX=10000
	fi
	# Each kernel process needs a descriptor per connection.
	fd_max=$(ulimit -Hn)
	[ "$fd_max" = unlimited ] || [ "$HOLD_LINUX" -le $((fd_max - 1000)) ] ||
		HOLD_LINUX=$((fd_max - 1000))
	bench_log "tern    hold $HOLD_TERN"
	note_load tern-hold
	"$INPROC" -l 0,1 $(bench_eal_mem 4096) -- --quiet --mode hold \
		--conns "$HOLD_TERN" --ports 64 --time 2 \
		--max-conns $((HOLD_TERN + 65536)) --max-tw 4096 \
		--reass-conns 1024 --mbufs 32767 --ring-size 16384 \
		--max-opening 512 --json "$RAW/tern-hold.json" \
		>"$RAW/tern-hold.log" 2>&1 || bench_log "tern hold FAILED"
	kernel hold --ports 64 -- --mode hold --conns "$HOLD_LINUX" \
		--ports 64 --time 2 --max-opening 512
fi

# ---- tap: the kernel's wrk against tern-httpd, tern-load against the
# kernel's HTTP server, both over net_tap in the namespace.

tap_httpd_wrk() {
	local log="$RAW/tap-httpd.log" pid
	bench_log "tap     wrk -> tern-httpd"
	bench_bg_ns "$log" "$HTTPD" -l 1 $(bench_eal_mem 512) \
		--vdev=net_tap0,iface=tbench0 -- --ip 198.18.0.2/24 \
		--duration 60
	pid=$BENCH_LAST_PID
	if ! bench_tap_up "$log" tbench0 02:00:00:00:00:01 198.18.0.1/24; then
		bench_log "tern-httpd on net_tap did not come up"
		bench_stop "$pid"
		return
	fi
	bench_in_ns taskset -c 0 wrk -t1 -c64 -d"${T}s" --latency \
		http://198.18.0.2/ >"$RAW/tap-wrk.txt" 2>&1
	bench_stop "$pid"
}

tap_load_kernel() {
	local log="$RAW/tap-load.log" spid lpid
	bench_log "tap     tern-load -> kernel-httpd"
	bench_bg_ns "$RAW/tap-khttpd.log" "$KHTTPD" --ip 0.0.0.0 \
		--port 8081 --cpu 0
	spid=$BENCH_LAST_PID
	bench_bg_ns "$log" "$TLOAD" -l 1 $(bench_eal_mem 512) \
		--vdev=net_tap1,iface=tbench1 -- --ip 198.18.1.2/24 \
		--duration 60 --connect 198.18.1.1:8081 --mode rps --conns 64 \
		--warmup 1 --time "$T" --quiet --json "$RAW/tap-load.json"
	lpid=$BENCH_LAST_PID
	bench_tap_up "$log" tbench1 02:00:00:00:01:01 198.18.1.1/24 ||
		bench_log "tern-load on net_tap did not come up"
	wait "$lpid"
	BENCH_PIDS=("${BENCH_PIDS[@]/$lpid}")
	bench_stop "$spid"
}

if ! skip tap; then
	tap_httpd_wrk
	tap_load_kernel
fi

# ---- memif: two tern processes, server and client, over shared memory.

memif_pair() {
	local sock="/run/tern-bench-memif-$$.sock" spid lpid
	bench_log "memif   tern-load -> tern-httpd"
	bench_bg "$RAW/memif-httpd.log" "$HTTPD" -l 1 \
		$(bench_eal_mem 1024) --file-prefix tb-srv-$$ \
		--vdev="net_memif0,role=server,socket=$sock,id=0" -- \
		--ip 198.18.2.1/24 --duration 60
	spid=$BENCH_LAST_PID
	if ! bench_wait 20 grep -q ': running' "$RAW/memif-httpd.log"; then
		bench_log "tern-httpd on net_memif did not come up"
		bench_stop "$spid"
		return
	fi
	"$TLOAD" -l 0 $(bench_eal_mem 1024) --file-prefix tb-cli-$$ \
		--vdev="net_memif0,role=client,socket=$sock,id=0" -- \
		--ip 198.18.2.2/24 --duration 60 --connect 198.18.2.1:80 \
		--mode rps --conns 64 --warmup 1 --time "$T" --quiet \
		--json "$RAW/memif-load.json" >"$RAW/memif-load.log" 2>&1 ||
		bench_log "memif run FAILED (see $RAW/memif-load.log)"
	bench_stop "$spid"
	rm -f "$sock"
}

if ! skip memif; then
	memif_pair
fi

# ---- instruction counts ---------------------------------------------------

if ! skip callgrind; then
	bench_log "callgrind (instructions per connection and per request)"
	"$ROOT/bench/callgrind.sh" "$BUILD" "$RAW/callgrind.json" \
		"$RAW/callgrind" || bench_log "callgrind FAILED"
fi

bench_cleanup

# ---- results, plots, docs ---------------------------------------------

/usr/bin/python3 "$ROOT/bench/report.py" --raw "$RAW" --id "$run_id" \
	--commit "$commit" --dirty "$dirty" --root "$ROOT" --warmup "$W" \
	--window "$T" || exit 1
bench_log "done: bench/results/$run_id.json, docs/benchmarks.md, docs/bench/"
