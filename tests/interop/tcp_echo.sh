#!/usr/bin/env bash
# interop: TCP between tern and the Linux kernel over net_tap.
#   tcp_echo.sh server TERN_ECHO_BINARY
#     the kernel (socat) sends random bytes to tern-echo's port 7 and
#     half-closes; every byte must come back, in order, and both ends
#     must close cleanly (tern: no connection left but the listener).
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
		"TCP:$INTEROP_TERN_IP:7,connect-timeout=10" \
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

client_test() {
	local port=7777 rc

	interop_setup ttcpc
	# One connection; cat echoes until tern's FIN, then socat closes.
	interop_bg timeout 60 socat -T 30 "TCP-LISTEN:$port,reuseaddr" \
		EXEC:cat
	interop_echo_start "$1" --connect "$INTEROP_KERNEL_IP:$port" \
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
client) client_test "${2:-}" ;;
*) echo "usage: $0 server|client TERN_ECHO_BINARY" >&2; exit 2 ;;
esac
tern_log "PASS"
