#!/usr/bin/env bash
# vdev: two tern processes of 2 workers each over net_memif with 2 queue
# pairs, an in-memory port (issue 10). A tern worker sends each flow on
# its own queue, i.e. by the Toeplitz table both sides share (same
# profile key, same table over 2 workers): every frame reaches its owner
# and nothing is steered (SteeredOut 0 on both sides).
#   multiworker_memif.sh echo TERN_ECHO TERN_LOAD
#     tern-load --proto echo: 1,000 connections, 16 KiB each way, every
#     echoed byte compared; both server workers own >= 30 %.
#   multiworker_memif.sh httpd TERN_HTTPD TERN_LOAD
#     tern-load cps: 10,000 connections to tern-httpd, none failed.
set -uo pipefail
case_name=${1:-}
server_bin=${2:-}
load_bin=${3:-}
TERN_LOG_TAG=vdev-multiworker-memif-$case_name
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

# Two processes of 2 workers: ordinary memory, not hugepages the other
# users of a shared machine may hold (memif shares its own regions).
export TERN_NO_HUGE=1
tern_scratch tern-mwmemif
fail() { tern_scratch_fail "$@"; }

expect_counter() {
	local v

	v=$(tern_counter "$1" "$2")
	test "$v" "$3" "$4" || fail "$(basename "$1"): $2 = $v, expected $3 $4"
	tern_log "$(basename "$1"): $2 = $v ($3 $4)"
}

# "  worker N lcore L queue Q: conns C ..." -> C of worker N in LOG
worker_conns() {
	sed -nE "s/^  worker $2 lcore [0-9]+ queue [0-9]+: conns ([0-9]+) .*/\1/p" \
		"$1" | head -n1
}

# The shipped memif profile has one queue pair.
mkdir -p "$tmp/profiles"
sed 's/^queues = 1$/queues = 2/' \
	"$(dirname "${BASH_SOURCE[0]}")/../../drivers-config/net_memif.ini" \
	>"$tmp/profiles/net_memif.ini"

load_over() {
	tern_log_has "$tmp/load.log" ': holding the port' || ! kill -0 "$1" \
		2>/dev/null
}

# run_pair SERVER_ARGS -- LOAD_ARGS: the server on lcores 0,1, the load
# on the same two (4 pollers on 2 CPUs: slow, bounded by counts), both
# stopping their loops before either closes its port (--hold-port, see
# vdev_runtime.sh case_memif: DPDK 22.11's memif PMD and a closing peer).
run_pair() {
	local sock=tern-mwmemif-$$ spid cpid sargs=() largs=()

	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	largs=("$@")
	# shellcheck disable=SC2046
	"$server_bin" -l 0,1 $(tern_eal_mem_args) \
		--vdev="net_memif0,role=server,socket=$sock" -- \
		--profile-dir "$tmp/profiles" --ip 198.18.0.2/24 \
		--workers 2 --duration 280 --hold-port on "${sargs[@]}" \
		>"$tmp/server.log" 2>&1 &
	spid=$!
	pids+=("$spid")
	tern_wait_until 30 tern_log_has "$tmp/server.log" ': running' ||
		fail "memif server did not start"
	tern_log_has "$tmp/server.log" "workers 2:" ||
		fail "the server did not start 2 workers"
	# shellcheck disable=SC2046
	"$load_bin" -l 0,1 $(tern_eal_mem_args) \
		--vdev="net_memif0,role=client,socket=$sock" -- \
		--profile-dir "$tmp/profiles" --ip 198.18.0.3/24 \
		--workers 2 --duration 240 --hold-port on --quiet \
		--json "$tmp/load.json" "${largs[@]}" >"$tmp/load.log" 2>&1 &
	cpid=$!
	pids+=("$cpid")
	# done, or gone (its log says why)
	tern_wait_until 250 load_over "$cpid" ||
		fail "tern-load did not finish"
	tern_log_has "$tmp/load.log" ': holding the port' ||
		fail "tern-load exited early"
	kill -INT "$spid"
	tern_wait_until 30 tern_log_has "$tmp/server.log" ': holding the port' ||
		fail "memif server did not stop"
	kill -INT "$cpid"
	wait "$cpid" || fail "tern-load exited $?"
	kill -INT "$spid"
	wait "$spid" || fail "memif server exited $?"
	sed -n '/^workers (/,$p' "$tmp/server.log" "$tmp/load.log"
}

# load_clean N: tern-load's record says N or more completed, nothing
# failed or mismatched (an echoed byte that differs is a proto error).
load_clean() {
	/usr/bin/python3 - "$tmp/load.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"completed {r['completed']} failed {r['failed']} "
      f"bad_status {r['bad_status']} proto_errors {r['proto_errors']} "
      f"rx_bytes {r['rx_bytes']}")
sys.exit(0 if r["completed"] >= int(sys.argv[2]) and r["failed"] == 0 and
         r["bad_status"] == 0 and r["proto_errors"] == 0 else 1)
PY
}

# Nothing steered on either side, nothing lost between workers.
expect_no_steering() {
	expect_counter "$tmp/server.log" SteeredOut -eq 0
	expect_counter "$tmp/load.log" SteeredOut -eq 0
	expect_counter "$tmp/server.log" DropListen -eq 0
	expect_counter "$tmp/load.log" AttemptFails -eq 0
}

case_echo() {
	local conns=1000 size=16384 c0 c1 total

	run_pair -- --connect 198.18.0.2:7 --proto echo --mode cps \
		--conns 16 --requests "$conns" --req-size "$size"
	load_clean "$conns" || fail "tern-load: not every echo came back"
	c0=$(worker_conns "$tmp/server.log" 0)
	c1=$(worker_conns "$tmp/server.log" 1)
	total=$((${c0:-0} + ${c1:-0}))
	tern_log "server worker 0 owned ${c0:-0}, worker 1 ${c1:-0}"
	# tern-load opens a few more than it needs to complete N and aborts
	# those at the end: every connection closed, every byte received
	# echoed (tern-load compared the echoes of the completed ones).
	grep -qE "server: accepted $total, closed $total, echoed ([0-9]+) bytes; received \1, sent \1," \
		"$tmp/server.log" || fail "tern-echo's own account differs"
	if [ $((${c0:-0} * 100)) -lt $((total * 30)) ] ||
	   [ $((${c1:-0} * 100)) -lt $((total * 30)) ]; then
		fail "a server worker owns less than 30 % of the connections"
	fi
	expect_no_steering
}

case_httpd() {
	local conns=10000

	run_pair -- --connect 198.18.0.2:80 --mode cps --conns 32 \
		--requests "$conns"
	load_clean "$conns" || fail "tern-load: not every connection completed"
	expect_counter "$tmp/server.log" PassiveOpens -ge "$conns"
	expect_no_steering
}

case $case_name in
echo | httpd) "case_$case_name" ;;
*) echo "usage: $0 echo|httpd SERVER_BINARY TERN_LOAD" >&2; exit 2 ;;
esac
tern_log "PASS"
