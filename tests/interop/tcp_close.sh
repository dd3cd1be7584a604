#!/usr/bin/env bash
# interop: connection endings between tern and the Linux kernel, each
# order of closing, read from both sides: tern's state-table rows taken
# and states at exit, the kernel's socket state (ss -tan).
#   tcp_close.sh CASE TERN_ECHO_BINARY
# CASE:
#   kernel-first         kernel client -> tern-echo (echo): the kernel
#                        half-closes after its bytes; tern goes
#                        CLOSE_WAIT -> LAST_ACK -> CLOSED, the kernel's
#                        socket ends in TIME-WAIT
#   tern-first           the same with tern-echo --close-after: tern sends
#                        FIN first and still holds TIME_WAIT when it is
#                        stopped (2 MSL = 2 min); the kernel keeps none
#   client-tern-first    tern-echo --connect -> kernel echo server: tern
#                        half-closes after its bytes and ends in TIME_WAIT
#   client-kernel-first  the same with --close-last: the kernel server
#                        closes once it echoed everything; tern goes
#                        CLOSE_WAIT -> LAST_ACK, the kernel to TIME-WAIT
#   refused-by-kernel    tern-echo --connect to a kernel port nobody
#                        listens on: RST, tern-echo exits 2 ("refused"),
#                        AttemptFails 1
#   refused-by-tern      the kernel connects to a tern port nobody
#                        listens on: ECONNREFUSED, tern's OutRsts >= 1
set -uo pipefail
case_name=${1:-}
TERN_LOG_TAG=interop-close-$case_name
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bytes=${TERN_INTEROP_BYTES:-4000000}
# TIME_WAIT must outlive the test: 2 MSL = 2 minutes.
long_msl=(--set tcp.msl_ms=60000)
echo_port=7
kernel_port=7777

# The tern-side rows of a passive close (peer's FIN first).
expect_tern_passive_close() {
	interop_expect_transition "ESTABLISHED --SEG_FIN--> CLOSE_WAIT" -eq 1
	interop_expect_transition "CLOSE_WAIT --USER_CLOSE--> LAST_ACK" -eq 1
	interop_expect_transition "LAST_ACK --SEG_ACK_OF_FIN--> CLOSED" -eq 1
	interop_expect_transition "ESTABLISHED --USER_CLOSE--> FIN_WAIT_1" -eq 0
	interop_expect_only_states LISTEN
}

# The tern-side rows of an active close (our FIN first), which ends in
# TIME_WAIT, directly from FIN_WAIT_1 or through FIN_WAIT_2.
expect_tern_active_close() {
	local to_tw

	interop_expect_transition "ESTABLISHED --USER_CLOSE--> FIN_WAIT_1" -eq 1
	interop_expect_transition "ESTABLISHED --SEG_FIN--> CLOSE_WAIT" -eq 0
	to_tw=$(( $(interop_transition_count \
			"FIN_WAIT_2 --SEG_FIN--> TIME_WAIT") +
		  $(interop_transition_count \
			"FIN_WAIT_1 --SEG_FIN_ACK_OF_FIN--> TIME_WAIT") ))
	[ "$to_tw" -eq 1 ] ||
		interop_fail "tern entered TIME_WAIT $to_tw times, expected 1"
	tern_log "tern entered TIME_WAIT once"
	interop_expect_state TIME_WAIT -eq 1
	interop_expect_counter TWExpired -eq 0
	interop_expect_only_states LISTEN TIME_WAIT
}

kernel_socket_gone() {
	[ -z "$(interop_kernel_tcp_state "$1" "$2")" ]
}

# The kernel's socket LOCAL PEER is in STATE (TIME-WAIT), or gone ("").
expect_kernel_state() {
	local want=$3 got

	if [ -z "$want" ]; then
		# LAST-ACK lasts until tern's ACK of the kernel's FIN is in
		# (30 s: a bound for a descheduled machine, not a timing).
		tern_wait_until 30 kernel_socket_gone "$1" "$2"
	fi
	got=$(interop_kernel_tcp_state "$1" "$2")
	[ "$got" = "$want" ] || interop_fail "the kernel's socket $1 -> $2" \
		"is '${got:-gone}', expected '${want:-gone}'"
	tern_log "the kernel's socket $1 -> $2: ${got:-gone}"
}

expect_echo_intact() {
	[ "$(interop_field "$1" ok)" = yes ] ||
		interop_fail "the kernel's transfer failed"
	[ "$(interop_field "$1" bytes_received)" -eq "$bytes" ] ||
		interop_fail "echo incomplete"
	tern_log "echoed $bytes bytes, sha256 $(interop_field "$1" \
		sha256_received) both ways"
}

kernel_first_test() {
	local out

	interop_start tclk "$1"
	out=$INTEROP_TMP/peer.out
	interop_peer "$out" echo-client "$INTEROP_TERN_IP" "$echo_port" \
		"$bytes" || interop_fail "kernel echo client"
	expect_echo_intact "$out"
	expect_kernel_state "$(interop_field "$out" local)" \
		"$(interop_hostport "$INTEROP_TERN_IP" "$echo_port")" TIME-WAIT
	interop_stop
	expect_tern_passive_close
	interop_expect_counter OutRsts -eq 0
}

tern_first_test() {
	local out

	interop_start tclt "$1" --close-after "$bytes" "${long_msl[@]}"
	out=$INTEROP_TMP/peer.out
	# The kernel sends its bytes and reads them back without
	# half-closing: the EOF it then sees is tern's FIN.
	interop_peer "$out" echo-exact "$INTEROP_TERN_IP" "$echo_port" \
		"$bytes" || interop_fail "kernel echo-exact client"
	expect_echo_intact "$out"
	expect_kernel_state "$(interop_field "$out" local)" \
		"$(interop_hostport "$INTEROP_TERN_IP" "$echo_port")" ""
	interop_stop
	expect_tern_active_close
	interop_expect_counter OutRsts -eq 0
}

# client_run BINARY SERVER_OPTIONS TERN_ECHO_OPTIONS: tern-echo --connect
# to a kernel_peer.py echo server; sets $server_out.
client_run() {
	local bin=$1 server_args=$2 tern_args=$3 rc

	interop_setup tclc
	server_out=$INTEROP_TMP/server.out
	# shellcheck disable=SC2086
	interop_peer_bg "$server_out" $server_args echo-server "$kernel_port"
	tern_wait_until 30 grep -q '^listening' "$server_out" || {
		cat "$server_out"
		interop_fail "kernel echo server did not start"
	}
	# shellcheck disable=SC2086
	interop_echo_start "$bin" --connect \
		"$(interop_hostport "$INTEROP_KERNEL_IP" "$kernel_port")" \
		--send-bytes "$bytes" --seed 7 $tern_args "${long_msl[@]}"
	# The client stops tern-echo itself once its connection is over.
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	[ "$rc" -eq 0 ] || interop_fail "tern-echo client exited $rc"
	interop_show_counters
	tern_log_has "$INTEROP_LOG" \
		"client: sent $bytes of $bytes bytes, received $bytes, mismatched 0, .*: OK" ||
		interop_fail "client did not get every byte back"
	tern_wait_until 30 grep -q '^result' "$server_out" ||
		interop_fail "kernel echo server did not finish"
	cat "$server_out"
	[ "$(interop_field "$server_out" ok)" = yes ] ||
		interop_fail "kernel echo server failed"
	interop_expect_counter ActiveOpens -eq 1
}

client_tern_first_test() {
	client_run "$1" "" ""
	[ "$(interop_field "$server_out" closed_first)" = no ] ||
		interop_fail "the kernel server closed before tern's FIN"
	expect_tern_active_close
	expect_kernel_state \
		"$(interop_hostport "$INTEROP_KERNEL_IP" "$kernel_port")" \
		"$(interop_field "$server_out" peer)" ""
}

client_kernel_first_test() {
	client_run "$1" "--close-after $bytes" --close-last
	[ "$(interop_field "$server_out" closed_first)" = yes ] ||
		interop_fail "the kernel server did not close first"
	expect_tern_passive_close
	expect_kernel_state \
		"$(interop_hostport "$INTEROP_KERNEL_IP" "$kernel_port")" \
		"$(interop_field "$server_out" peer)" TIME-WAIT
}

refused_by_kernel_test() {
	local rc

	interop_setup tclr
	# Nothing listens on the kernel's port 9 in a fresh namespace.
	interop_echo_start "$1" \
		--connect "$(interop_hostport "$INTEROP_KERNEL_IP" 9)" \
		--send-bytes 1000
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	interop_show_counters
	[ "$rc" -eq 2 ] ||
		interop_fail "tern-echo exited $rc, expected 2 (refused)"
	interop_tern_line 'client: .*connection refused: FAILED' ||
		interop_fail "tern-echo does not say the connection was refused"
	interop_expect_counter AttemptFails -eq 1
	interop_expect_transition "SYN_SENT --SEG_RST_REFUSED--> CLOSED" -eq 1
	interop_expect_only_states
}

refused_by_tern_test() {
	local out

	interop_start tclf "$1"
	out=$INTEROP_TMP/peer.out
	# tern-echo listens on port 7 only.
	interop_peer "$out" refused "$INTEROP_TERN_IP" 9 ||
		interop_fail "the kernel's connect was not refused"
	interop_stop
	interop_expect_counter OutRsts -ge 1
	interop_expect_counter DropNoConn -ge 1
	interop_expect_counter PassiveOpens -eq 0
	interop_expect_only_states LISTEN
}

interop_require_root_netns
interop_require_cmd ss
[ -x /usr/bin/python3 ] || { tern_log "SKIP: no /usr/bin/python3"; exit 77; }
case $case_name in
kernel-first) kernel_first_test "${2:-}" ;;
tern-first) tern_first_test "${2:-}" ;;
client-tern-first) client_tern_first_test "${2:-}" ;;
client-kernel-first) client_kernel_first_test "${2:-}" ;;
refused-by-kernel) refused_by_kernel_test "${2:-}" ;;
refused-by-tern) refused_by_tern_test "${2:-}" ;;
*) echo "usage: $0 kernel-first|tern-first|client-tern-first|" \
	"client-kernel-first|refused-by-kernel|refused-by-tern" \
	"TERN_ECHO_BINARY" >&2
   exit 2 ;;
esac
tern_log "PASS"
