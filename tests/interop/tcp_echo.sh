#!/usr/bin/env bash
# interop: TCP between tern and the Linux kernel over net_tap.
#   tcp_echo.sh server TERN_ECHO_BINARY
#     the kernel (socat) sends random bytes to tern-echo's port 7 and
#     half-closes; every byte must come back, in order, and both ends
#     must close cleanly (tern: no connection left but the listener).
#   tcp_echo.sh slow-reader TERN_ECHO_BINARY
#     the kernel sends without reading its echo until tern's window
#     stops it (backpressure through tern-echo's manual receive flow
#     control, not a reset), then reads and sends on; every byte must
#     come back in order.
#   tcp_echo.sh client TERN_ECHO_BINARY
#     tern-echo --connect sends a pseudo-random stream to a kernel echo
#     server (socat + cat) and checks every byte that comes back.
set -uo pipefail
mode=${1:-}
TERN_LOG_TAG=interop-tcp-$mode
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bytes=${TERN_INTEROP_BYTES:-1000000}

# tern's per-state table at exit: nothing but listeners and, for the
# side that closed first, TIME_WAIT records.
expect_states_at_exit() {
	local allowed=$1 left

	left=$(sed -n '/^tcp connections by state:/,/TIME_WAIT/p' \
		"$INTEROP_LOG" | awk -v ok="$allowed" \
		'NR > 1 && $2 > 0 && index(" " ok " ", " " $1 " ") == 0')
	[ -z "$left" ] || interop_fail "connections left at exit: $left"
}

server_test() {
	interop_start ttcps "$1"
	head -c "$bytes" /dev/urandom >"$INTEROP_TMP/sent"
	# -t: after our FIN, how long to wait for the echo to finish.
	ip netns exec "$TERN_NS" timeout 30 socat -t 20 - \
		"$(interop_socat_tcp "$INTEROP_TERN_IP" 7),connect-timeout=10" \
		<"$INTEROP_TMP/sent" >"$INTEROP_TMP/received" ||
		interop_fail "socat client failed"
	cmp "$INTEROP_TMP/sent" "$INTEROP_TMP/received" ||
		interop_fail "echo differs: sent $bytes bytes, got" \
			"$(stat -c %s "$INTEROP_TMP/received")"
	tern_log "echoed $bytes bytes intact"
	interop_stop
	interop_expect_counter PassiveOpens -eq 1
	tern_log_has "$INTEROP_LOG" \
		"server: accepted 1, closed 1, echoed $bytes bytes" ||
		interop_fail "tern-echo's own account differs"
	# The kernel closed first: tern went through LAST_ACK to CLOSED.
	expect_states_at_exit "LISTEN"
}

slow_reader_test() {
	local total=$((32 << 20))

	interop_start ttcpr "$1"
	ip netns exec "$TERN_NS" timeout 120 /usr/bin/python3 - \
		"$INTEROP_TERN_IP" "$total" <<'PY' || interop_fail "slow reader"
import os, selectors, socket, sys, time

ip, total = sys.argv[1], int(sys.argv[2])
data = os.urandom(total)
s = socket.create_connection((ip, 7), timeout=10)
s.setblocking(False)
sel = selectors.DefaultSelector()

# Phase 1: send, never read, until no byte goes out for 1 s: the kernel's
# buffers, tern's receive window and tern-echo's backlog are then full.
sent, idle_since = 0, time.monotonic()
while sent < total and time.monotonic() - idle_since < 1.0:
    try:
        n = s.send(data[sent:sent + 65536])
        sent += n
        idle_since = time.monotonic()
    except BlockingIOError:
        time.sleep(0.01)
print(f"stalled after {sent} of {total} bytes without reading")
if sent >= total:
    sys.exit("no backpressure: everything was taken without reading")

# Phase 2: read the echo and send the rest; then half-close, read to EOF.
got = bytearray()
sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    for key, ev in sel.select(timeout=1):
        if ev & selectors.EVENT_READ:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got += chunk
        if ev & selectors.EVENT_WRITE and sent < total:
            try:
                sent += s.send(data[sent:sent + 65536])
            except BlockingIOError:
                pass
            if sent == total:
                s.shutdown(socket.SHUT_WR)
                sel.modify(s, selectors.EVENT_READ)
    else:
        continue
    break
print(f"sent {sent}, received {len(got)}")
if bytes(got) != data:
    sys.exit("echo differs")
PY
	interop_stop
	tern_log_has "$INTEROP_LOG" \
		"server: accepted 1, closed 1, echoed $total bytes" ||
		interop_fail "tern-echo's own account differs"
	interop_expect_counter OutRsts -eq 0
	expect_states_at_exit "LISTEN"
}

client_test() {
	local port=7777 rc

	interop_setup ttcpc
	# One connection; cat echoes until tern's FIN, then socat closes.
	interop_bg timeout 60 socat -T 30 \
		"$(interop_socat_listen "$port"),reuseaddr" EXEC:cat
	interop_echo_start "$1" --connect \
		"$(interop_hostport "$INTEROP_KERNEL_IP" "$port")" \
		--send-bytes "$bytes" --seed 7
	# The client stops tern-echo itself once its connection is over.
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	[ "$rc" -eq 0 ] || interop_fail "tern-echo client exited $rc"
	interop_show_counters
	tern_log_has "$INTEROP_LOG" \
		"client: sent $bytes of $bytes bytes, received $bytes, mismatched 0, .*: OK" ||
		interop_fail "client did not get every byte back"
	interop_expect_counter ActiveOpens -eq 1
	# tern closed first: its end may wait in TIME_WAIT.
	expect_states_at_exit "TIME_WAIT"
}

interop_require_root_netns
interop_require_cmd socat
case $mode in
server) server_test "${2:-}" ;;
slow-reader) slow_reader_test "${2:-}" ;;
client) client_test "${2:-}" ;;
*) echo "usage: $0 server|slow-reader|client TERN_ECHO_BINARY" >&2
   exit 2 ;;
esac
tern_log "PASS"
