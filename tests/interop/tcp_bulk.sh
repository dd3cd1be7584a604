#!/usr/bin/env bash
# interop: bulk transfers between tern and the Linux kernel, byte-exact
# (SHA-256 of what one side sent against what the other received, each
# computed on its own side), with the throughput in the log.
#   tcp_bulk.sh CASE TERN_ECHO_BINARY
# CASE:
#   to-tern          kernel -> tern-echo --discard, 256 MiB
#   from-tern        tern-echo --source -> kernel, 256 MiB; one frame on
#                    the wire per frame tern hands the port (no TSO: the
#                    net_tap profile keeps it off)
#   both             kernel <-> tern-echo (echo), 256 MiB each way at once
#   from-tern-tso    from-tern with TSO on (a profile of the test's own and
#                    [tcp] mss 1446, see drivers-config/net_tap.ini): the
#                    port puts out several frames per frame tern hands it
#   loss-to-tern     to-tern, 64 MiB, with 1 % of the frames tern receives
#                    and 1 % of those it sends dropped ([fault]): the
#                    kernel recovers with SACK (ss -ti), tern reassembles
#   loss-from-tern   from-tern under the same loss: tern recovers (fast
#                    retransmit, SACK recovery) and the kernel uses SACK
# TERN_INTEROP_BULK_BYTES and TERN_INTEROP_LOSS_BYTES override the sizes.
set -uo pipefail
case_name=${1:-}
TERN_LOG_TAG=interop-bulk-$case_name
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bulk_bytes=${TERN_INTEROP_BULK_BYTES:-$((256 << 20))}
peer_opts=()
loss_bytes=${TERN_INTEROP_LOSS_BYTES:-$((64 << 20))}
port=7
seed=11
# 1 % of the frames, each way, from a fixed seed. Recovery makes these
# runs slower and less regular (25 s here): more time for both ends.
loss=(--set fault.rx_drop_ppm=10000 --set fault.tx_drop_ppm=10000
      --set fault.seed=4242 --duration 110)
loss_timeout=(--timeout 100)

# tern_conn_field received|rx_sha|sent|tx_sha|rate: from the line
# tern-echo printed for its connection (--discard and --source).
tern_conn_field() {
	local line pattern

	line=$(interop_tern_line '^tern-echo: connection [0-9]+\.[0-9]+: ')
	[ -n "$line" ] || interop_fail "tern-echo printed no connection line"
	case $1 in
	received) pattern='received ([0-9]+) bytes' ;;
	rx_sha) pattern='received [0-9]+ bytes \(sha256 ([0-9a-f-]+)\)' ;;
	sent) pattern='sent ([0-9]+) bytes' ;;
	tx_sha) pattern='sent [0-9]+ bytes \(sha256 ([0-9a-f-]+)\)' ;;
	rate) pattern=', ([0-9.]+ s, [0-9.]+ MiB/s), ' ;;
	*) interop_fail "tern_conn_field: no field $1" ;;
	esac
	sed -nE "s|.*${pattern}.*|\\1|p" <<<"$line"
}

# throughput WHAT BYTES PEER_OUT: one line for the issue notes, as the
# kernel measured it (connect to EOF) and as tern did (accept to close).
throughput() {
	local kernel_rate tern_rate

	kernel_rate="$(interop_field "$3" seconds) s,"
	kernel_rate+=" $(interop_field "$3" mib_per_s) MiB/s"
	tern_rate=
	if interop_tern_line '^tern-echo: connection ' >/dev/null; then
		tern_rate=$(tern_conn_field rate)
	fi
	tern_log "throughput: $1, $(($2 >> 20)) MiB: kernel $kernel_rate;" \
		"tern ${tern_rate:-not measured}"
}

# expect_lossless_sender: tern sent over a lossless tap. Nothing was
# lost, so there is no retransmission timeout and no fast retransmit;
# the one retransmission allowed is a tail loss probe (RFC 8985 7),
# which fires when the kernel's ACK is late, as it is on a busy
# machine: every retransmitted segment must be such a probe. A late
# ACK is the kernel's timing, so those checks may retry the scenario
# once (interop_fail_timing).
expect_lossless_sender() {
	local retrans probes

	retrans=$(tern_counter "$INTEROP_LOG" RetransSegs)
	probes=$(tern_counter "$INTEROP_LOG" TCPLossProbes)
	for c in TCPTimeouts TCPFastRetrans TCPSackRecovery \
		 TCPRenoRecovery; do
		[ "$(tern_counter "$INTEROP_LOG" "$c")" -eq 0 ] ||
			interop_fail_timing "counter $c =" \
				"$(tern_counter "$INTEROP_LOG" "$c") on a" \
				"lossless wire, expected 0"
		tern_log "counter $c = 0 (-eq 0)"
	done
	[ "$retrans" -le "$probes" ] ||
		interop_fail_timing "RetransSegs $retrans > TCPLossProbes" \
			"$probes: a retransmission that was no loss probe"
	tern_log "RetransSegs $retrans, all of them loss probes ($probes)"
}

expect_same() {
	if [ -z "$2" ] || [ "$2" != "$3" ]; then
		interop_fail "$1: '$2' (sender) != '$3' (receiver)"
	fi
	tern_log "$1: $2 on both sides"
}

# The port's frame counters against tern's: "opackets" as the PMD
# counts them after any TSO cut.
port_opackets() {
	sed -nE 's/^port .* opackets ([0-9]+) .*/\1/p' "$INTEROP_LOG"
}

# to_tern BINARY BYTES [tern-echo options]: in the namespace of
# interop_setup; sets $peer_out.
to_tern() {
	local bin=$1 bytes=$2 out
	shift 2

	interop_echo_start "$bin" --discard "$@"
	out=$INTEROP_TMP/peer.out
	interop_peer "$out" --ss "${peer_opts[@]}" send "$INTEROP_TERN_IP" \
		"$port" "$bytes" ||
		interop_fail "the kernel's send failed"
	interop_stop
	[ "$(tern_conn_field received)" = "$bytes" ] ||
		interop_fail "tern received $(tern_conn_field received) bytes"
	expect_same "sha256 kernel -> tern" "$(interop_field "$out" \
		sha256_sent)" "$(tern_conn_field rx_sha)"
	throughput "kernel -> tern${loss_label:-}" "$bytes" "$out"
	peer_out=$out
}

# from_tern BINARY BYTES [tern-echo options]: the same, the other way.
from_tern() {
	local bin=$1 bytes=$2 out
	shift 2

	interop_echo_start "$bin" --source "$bytes" --seed "$seed" "$@"
	out=$INTEROP_TMP/peer.out
	interop_peer "$out" --ss "${peer_opts[@]}" --expect "$bytes" recv \
		"$INTEROP_TERN_IP" "$port" ||
		interop_fail "the kernel's receive failed"
	interop_stop
	[ "$(tern_conn_field sent)" = "$bytes" ] ||
		interop_fail "tern sent $(tern_conn_field sent) bytes"
	expect_same "sha256 tern -> kernel" "$(tern_conn_field tx_sha)" \
		"$(interop_field "$out" sha256_received)"
	throughput "tern -> kernel${loss_label:-}" "$bytes" "$out"
	peer_out=$out
}

both_test() {
	local out

	interop_setup tbkb
	interop_echo_start "$1"
	out=$INTEROP_TMP/peer.out
	interop_peer "$out" echo-client "$INTEROP_TERN_IP" "$port" \
		"$bulk_bytes" || interop_fail "the kernel's echo client failed"
	interop_stop
	expect_same "sha256 kernel -> tern -> kernel" "$(interop_field \
		"$out" sha256_sent)" "$(interop_field "$out" sha256_received)"
	tern_log_has "$INTEROP_LOG" \
		"server: accepted 1, closed 1, echoed $bulk_bytes bytes" ||
		interop_fail "tern-echo's own account differs"
	throughput "kernel <-> tern, each way at once" "$bulk_bytes" "$out"
	interop_expect_counter OutRsts -eq 0
}

to_tern_test() {
	interop_setup tbkt
	to_tern "$1" "$bulk_bytes"
	interop_expect_counter OutRsts -eq 0
}

from_tern_test() {
	local frames

	interop_setup tbkf
	from_tern "$1" "$bulk_bytes"
	interop_tern_line 'tx-tso off' >/dev/null ||
		interop_fail "TSO is on, the net_tap profile keeps it off"
	frames=$(tern_counter "$INTEROP_LOG" TxPkts)
	[ "$(port_opackets)" -eq "$frames" ] ||
		interop_fail "port opackets $(port_opackets) != TxPkts $frames"
	tern_log "one frame on the wire per frame handed over: $frames"
	expect_lossless_sender
}

from_tern_tso_test() {
	local prof frames opackets

	interop_setup tbko
	prof=$INTEROP_TMP/profiles
	mkdir "$prof"
	sed 's/^tx_tso = off$/tx_tso = on/' \
		"$TERN_ROOT/drivers-config/net_tap.ini" >"$prof/net_tap.ini"
	# MSS 1446 + 54 bytes of headers = 1500: what net_tap lets through.
	from_tern "$1" "$bulk_bytes" --profile-dir "$prof" \
		--set tcp.mss=1446
	interop_tern_line 'tx-tso on' >/dev/null ||
		interop_fail "TSO did not come on"
	frames=$(tern_counter "$INTEROP_LOG" TxPkts)
	opackets=$(port_opackets)
	# Each full TSO frame is cut into up to 45 segments; ACK clocking
	# leaves many smaller, so only ask for a clear majority.
	[ "$opackets" -gt $((2 * frames)) ] ||
		interop_fail "port opackets $opackets for $frames frames:" \
			"no TSO frames went out"
	tern_log "TSO: $frames frames handed to the port, $opackets on the wire"
	interop_expect_counter TxRingFull -eq 0
	expect_lossless_sender
}

# The kernel's view of the connection (kernel_peer.py --ss): SACK in
# use. This ss (iproute2 6.1) prints no "ts sack" flags on this kernel
# even for a kernel-to-kernel connection, so the flag is read from the
# same tcp_info through the kernel socket itself; ss's line is logged.
expect_kernel_sack() {
	tern_log "kernel's $(grep -m1 '^ss -tin: ' "$peer_out")"
	tern_log "kernel's tcp_info: sack $(interop_field "$peer_out" sack)," \
		"timestamps $(interop_field "$peer_out" timestamps)," \
		"retransmissions $(interop_field "$peer_out" kernel_retrans)"
	[ "$(interop_field "$peer_out" sack)" = yes ] ||
		interop_fail "the kernel does not use SACK on the connection"
}

# expect_kernel_counter NAME OP VALUE: the change of the kernel's TcpExt
# counter NAME over the transfer.
expect_kernel_counter() {
	local v

	v=$(interop_field "$peer_out" "kernel_$1")
	test "${v:-0}" "$2" "$3" ||
		interop_fail "the kernel's $1 rose by ${v:-0}, expected $2 $3"
	tern_log "the kernel's $1 rose by $v ($2 $3)"
}

# expect_drop_share DROPS_COUNTER PASSED_COUNTER: the share of frames
# dropped is the 1 % asked for, give or take sampling noise (thousands
# of frames each way: 0.5 % to 1.5 % is more than 4 standard deviations).
expect_drop_share() {
	local drops passed ppm

	drops=$(tern_counter "$INTEROP_LOG" "$1")
	passed=$(tern_counter "$INTEROP_LOG" "$2")
	ppm=$((drops * 1000000 / (drops + passed + 1)))
	if [ "$ppm" -lt 5000 ] || [ "$ppm" -gt 15000 ]; then
		interop_fail "$1 $drops of $((drops + passed)) frames:" \
			"$ppm ppm, asked 10000"
	fi
	tern_log "$1: $drops of $((drops + passed)) frames ($ppm ppm)"
}

expect_faults_injected() {
	interop_tern_line 'fault    rx drop 10000 ppm' >/dev/null ||
		interop_fail "banner shows no fault injection"
	expect_drop_share FaultRxDrops RxPkts
	expect_drop_share FaultTxDrops TxPkts
}

loss_to_tern_test() {
	loss_label=" with 1 % loss each way"
	peer_opts=("${loss_timeout[@]}")
	interop_setup tblt
	to_tern "$1" "$loss_bytes" "${loss[@]}"
	expect_faults_injected
	expect_kernel_sack
	# The kernel's segments that tern lost: the kernel recovered them
	# with SACK; tern held what came after each hole until it filled.
	expect_kernel_counter TCPSackRecovery -gt 0
	interop_expect_counter TCPOFOQueue -gt 0
	interop_expect_counter TCPOFOMerge -gt 0
	interop_expect_counter OutRsts -eq 0
}

loss_from_tern_test() {
	loss_label=" with 1 % loss each way"
	peer_opts=("${loss_timeout[@]}")
	interop_setup tblf
	from_tern "$1" "$loss_bytes" "${loss[@]}"
	expect_faults_injected
	expect_kernel_sack
	# tern's segments that never left: tern recovered them, mostly by
	# SACK-driven fast retransmit; the kernel held what came after.
	interop_expect_counter RetransSegs -gt 0
	interop_expect_counter TCPFastRetrans -gt 0
	interop_expect_counter TCPSackRecovery -gt 0
	expect_kernel_counter TCPOFOQueue -gt 0
	interop_expect_counter OutRsts -eq 0
}

interop_require_root_netns
interop_require_cmd ss
[ -x /usr/bin/python3 ] || { tern_log "SKIP: no /usr/bin/python3"; exit 77; }
case $case_name in
to-tern) interop_run_scenario to_tern_test "${2:-}" ;;
from-tern) interop_run_scenario from_tern_test "${2:-}" ;;
both) interop_run_scenario both_test "${2:-}" ;;
from-tern-tso) interop_run_scenario from_tern_tso_test "${2:-}" ;;
loss-to-tern) interop_run_scenario loss_to_tern_test "${2:-}" ;;
loss-from-tern) interop_run_scenario loss_from_tern_test "${2:-}" ;;
*) echo "usage: $0 to-tern|from-tern|both|from-tern-tso|loss-to-tern|" \
	"loss-from-tern TERN_ECHO_BINARY" >&2
   exit 2 ;;
esac || exit 1
tern_log "PASS"
