#!/usr/bin/env bash
# interop: two workers on one net_tap port with two queues (issue 10).
#   multiworker.sh echo TERN_ECHO_BINARY (tern-echo, or tern-sock-echo: each
#     prints the total over its workers in the same line)
#     the kernel opens CONNS connections to tern-echo (2 workers), each
#     sends BYTES random bytes and reads them back, every byte checked.
#     The kernel's tap picks a queue per flow by its own hash, not by
#     tern's Toeplitz table: frames reaching the wrong worker are
#     steered over the rings (SteeredOut > 0, nothing dropped), and each
#     worker owns at least 30 % of the connections.
#   multiworker.sh load TERN_LOAD KERNEL_HTTPD
#     tern-load with 2 workers opens LOAD_CONNS connections (cps, one
#     request each) to the kernel's kernel-httpd: each worker picks
#     source ports whose replies it owns, so none is lost to a reply
#     reaching the other worker; both workers open connections.
set -uo pipefail
mode=${1:-}
TERN_LOG_TAG=interop-multiworker-$mode
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

conns=${TERN_INTEROP_CONNS:-1000}
bytes=${TERN_INTEROP_BYTES:-16384}

load_conns=${TERN_INTEROP_LOAD_CONNS:-10000}

# A tern app on lcores 0 and 1, one worker each, the tap with 2 queues.
multi_echo_start() {
	local bin=$1
	shift

	[ -x "$bin" ] || interop_fail "no tern binary at '$bin'"
	# The shipped net_tap profile caps the port at one queue.
	mkdir -p "$INTEROP_TMP/profiles"
	sed 's/^queues = 1$/queues = 2/' \
		"$(dirname "${BASH_SOURCE[0]}")/../../drivers-config/net_tap.ini" \
		>"$INTEROP_TMP/profiles/net_tap.ini"
	# shellcheck disable=SC2046 # the EAL memory options are words
	ip netns exec "$TERN_NS" "$bin" -l 0,1 $(tern_eal_mem_args) \
		--vdev="net_tap0,iface=$INTEROP_IFACE" -- \
		--ip "$INTEROP_TERN_IP/24" --duration 240 \
		--profile-dir "$INTEROP_TMP/profiles" --workers 2 "$@" \
		>"$INTEROP_LOG" 2>&1 &
	TERN_ECHO_PID=$!
	tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
		"$INTEROP_KERNEL_IP/24" ||
		interop_fail "tern-echo or its tap $INTEROP_IFACE did not" \
			"come up"
}

# "  worker N lcore L queue Q: conns C (passive ..." -> C of worker N
worker_conns() {
	sed -nE "s/^  worker $1 lcore [0-9]+ queue [0-9]+: conns ([0-9]+) .*/\1/p" \
		"$INTEROP_LOG" | head -n1
}

echo_test() {
	local c0 c1 total

	interop_setup tmw
	multi_echo_start "$1"
	tern_log_has "$INTEROP_LOG" "workers 2:" ||
		interop_fail "tern-echo did not start 2 workers"
	ip netns exec "$TERN_NS" timeout 300 /usr/bin/python3 - \
		"$INTEROP_TERN_IP" "$conns" "$bytes" <<'PY' ||
import os, socket, sys
from concurrent.futures import ThreadPoolExecutor

ip, conns, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def one(i):
    data = os.urandom(size)
    with socket.create_connection((ip, 7), timeout=30) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    return bytes(got) == data

# A bounded number at a time: the load is the count, not the rate.
with ThreadPoolExecutor(max_workers=16) as pool:
    ok = sum(pool.map(one, range(conns)))
print(f"{ok} of {conns} connections echoed {size} bytes intact")
sys.exit(0 if ok == conns else 1)
PY
		interop_fail "not every connection came back intact"
	interop_stop
	c0=$(worker_conns 0)
	c1=$(worker_conns 1)
	total=$((${c0:-0} + ${c1:-0}))
	tern_log "worker 0 owned ${c0:-0}, worker 1 ${c1:-0} of $total"
	[ "$total" -eq "$conns" ] ||
		interop_fail "the workers opened $total connections, not $conns"
	if [ $((c0 * 100)) -lt $((conns * 30)) ] ||
	   [ $((c1 * 100)) -lt $((conns * 30)) ]; then
		interop_fail "a worker owns less than 30 % of the connections"
	fi
	interop_expect_counter SteeredOut -gt 0
	interop_expect_counter SteeredIn -gt 0
	interop_expect_counter SteerRingFull -eq 0
	tern_log_has "$INTEROP_LOG" \
		"server: accepted $conns, closed $conns, echoed $((conns * bytes)) bytes" ||
		interop_fail "tern-echo's own account differs"
	interop_expect_only_states LISTEN
}

# "  worker N lcore ...: conns C (passive P active A) ..." -> A
worker_active() {
	sed -nE "s/^  worker $1 lcore .* active ([0-9]+)\).*/\1/p" \
		"$INTEROP_LOG" | head -n1
}

load_test() {
	local tload=$1 khttpd=$2 rc a0 a1

	interop_setup tmwl
	[ -x "$khttpd" ] || interop_fail "no kernel-httpd at '$khttpd'"
	interop_bg "$khttpd" --ip 0.0.0.0 --port 8080
	INTEROP_LOG=$INTEROP_TMP/tern-load.log
	multi_echo_start "$tload" --connect "$INTEROP_KERNEL_IP:8080" \
		--mode cps --conns 16 --requests "$load_conns" --quiet \
		--json "$INTEROP_TMP/load.json"
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	interop_show_counters
	[ "$rc" -eq 0 ] || interop_fail "tern-load exited $rc"
	/usr/bin/python3 - "$INTEROP_TMP/load.json" "$load_conns" <<'PY' ||
import json, sys
r = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
print(f"completed {r['completed']} failed {r['failed']} "
      f"bad_status {r['bad_status']} proto_errors {r['proto_errors']}")
sys.exit(0 if r["completed"] >= want and r["failed"] == 0 and
         r["bad_status"] == 0 and r["proto_errors"] == 0 else 1)
PY
		interop_fail "not every connection completed cleanly"
	a0=$(worker_active 0)
	a1=$(worker_active 1)
	tern_log "worker 0 opened ${a0:-0}, worker 1 ${a1:-0}"
	if [ "${a0:-0}" -eq 0 ] || [ "${a1:-0}" -eq 0 ]; then
		interop_fail "a worker opened no connection"
	fi
	interop_expect_counter ActiveOpens -ge "$load_conns"
	interop_expect_counter SteerRingFull -eq 0
	# A reply for a port the opener does not own would be reset by the
	# other worker (no connection there) or steered: neither happened.
	interop_expect_counter DropListen -eq 0
	interop_expect_counter AttemptFails -eq 0
}

interop_require_root_netns
case $mode in
echo) echo_test "${2:-}" ;;
load) load_test "${2:-}" "${3:-}" ;;
*) echo "usage: $0 echo TERN_ECHO_BINARY | load TERN_LOAD KERNEL_HTTPD" >&2
   exit 2 ;;
esac
tern_log "PASS"
