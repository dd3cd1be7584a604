#!/usr/bin/env bash
# vdev: the runtime and tern-echo on virtual devices, no kernel involved.
#   vdev_runtime.sh CASE TERN_ECHO_BINARY
# CASE:
#   null      two workers on net_null (RSS over two queues), counters
#             summed over both, clean exit, no mbuf leaked
#   ring      net_ring loopback: our own gratuitous ARP comes back
#   memif     two tern-echo processes over net_memif: a client sends
#             1 MB through a tern echo server and checks every byte
#   options   the command line: --help, --print-config read back with
#             --config, and refusals (unknown option, bad value, missing
#             profile), each with its exit status
#   keys      every numeric key of the deployment and of the profiles
#             (listed by LIST_NUM_KEYS from the parser's table) at 0, 1,
#             its minimum and maximum, on net_ring: tern-echo either runs,
#             sends and exits cleanly, or refuses to start naming the key
#             ([tcp] keys carrying traffic: tests/sim sim-config)
set -uo pipefail
case_name=${1:-}
bin=${2:-}
list_keys=${3:-}
TERN_LOG_TAG=vdev-runtime-$case_name
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

tern_scratch tern-vdev
fail() { tern_scratch_fail "$@"; }

expect_counter() {
	local v

	v=$(tern_counter "$1" "$2")
	[ "$v" "$3" "$4" ] || fail "$(basename "$1"): $2 = $v, expected $3 $4"
	tern_log "$(basename "$1"): $2 = $v ($3 $4)"
}

# run LOG EAL/app arguments...: tern-echo in the foreground; its status.
run() {
	local log=$1
	shift
	# shellcheck disable=SC2046
	timeout 60 "$bin" $(tern_eal_mem_args) "$@" >"$log" 2>&1
}

case_null() {
	local log=$tmp/null.log lcores=0 drops

	[ "$(nproc)" -gt 1 ] && lcores=0-1
	run "$log" -l "$lcores" --vdev=net_null0 -- --duration 0.5 ||
		fail "tern-echo on net_null exited $?"
	tern_log_has "$log" 'driver net_null, profile net_null' ||
		fail "banner does not show the net_null port"
	if [ "$lcores" = 0-1 ]; then
		tern_log_has "$log" 'workers 2: lcore 0->queue 0 .* lcore 1->queue 1' ||
			fail "not one queue per worker"
		tern_log_has "$log" '^  rss      ipv4 ipv4-tcp' ||
			fail "RSS not configured over two queues"
		tern_log_has "$log" 'counters \(sum of 2 workers\)' ||
			fail "counters not summed over the workers"
	fi
	expect_counter "$log" RxPkts -gt 0
	# net_null's frames are not for us: every one is dropped under a
	# named counter (the *Drop* ones), none silently.
	drops=$(sed -n '/^counters/,/^port /p' "$log" |
		awk '$1 ~ /Drop/ { s += $2 } END { print s + 0 }')
	[ "$drops" -eq "$(tern_counter "$log" RxPkts)" ] ||
		fail "RxPkts $(tern_counter "$log" RxPkts) but $drops drops"
	expect_counter "$log" LISTEN -eq "$(tern_log_has "$log" 'workers 2' &&
		echo 2 || echo 1)"
}

case_ring() {
	local log=$tmp/ring.log

	run "$log" -l 0 --vdev=net_ring0 -- --duration 0.3 ||
		fail "tern-echo on net_ring exited $?"
	expect_counter "$log" ArpAnnouncesSent -eq 1
	expect_counter "$log" TxPkts -eq 1
	# The loop brings the announcement back; a sender claiming our own
	# MAC is refused by ARP.
	expect_counter "$log" RxPkts -eq 1
	expect_counter "$log" ArpDropBadSender -eq 1
}

case_memif() {
	local sock=tern-memif-$$ slog=$tmp/server.log clog=$tmp/client.log
	local bytes=1000000 client_lcore=0 spid cpid

	[ "$(nproc)" -gt 1 ] && client_lcore=1
	# --hold-port: each stops polling before either closes its port.
	# DPDK 22.11's memif PMD unmaps the rings when the peer disconnects,
	# unsynchronised with an rx_burst in progress (docs/drivers.md).
	# No `timeout` wrapper: it forwards a signal twice (to the process
	# and to its group), and the two SIGINTs below must stay apart.
	# --duration and the hold's own limit (60 s) bound both processes;
	# tern_scratch_end kills them on any failure.
	# shellcheck disable=SC2046
	"$bin" -l 0 $(tern_eal_mem_args) \
		--vdev="net_memif0,role=server,socket=$sock" -- \
		--ip 198.18.0.2/24 --duration 50 --hold-port on >"$slog" 2>&1 &
	spid=$!
	pids+=("$spid")
	tern_wait_until 30 tern_log_has "$slog" ': running' ||
		fail "memif server did not start"
	# shellcheck disable=SC2046
	"$bin" -l "$client_lcore" $(tern_eal_mem_args) \
		--vdev="net_memif0,role=client,socket=$sock" -- \
		--ip 198.18.0.3/24 --connect 198.18.0.2:7 \
		--send-bytes "$bytes" --seed 3 --duration 40 \
		--hold-port on >"$clog" 2>&1 &
	cpid=$!
	pids+=("$cpid")
	# The client stops polling once its connection is over, then the
	# server; only then do they close their ports, client first.
	tern_wait_until 60 tern_log_has "$clog" ': holding the port' ||
		fail "memif client did not finish"
	kill -INT "$spid"
	tern_wait_until 30 tern_log_has "$slog" ': holding the port' ||
		fail "memif server did not stop"
	kill -INT "$cpid"
	wait "$cpid" || fail "memif client exited $?"
	kill -INT "$spid"
	wait "$spid" || fail "memif server exited $?"
	tern_log_has "$clog" "client: sent $bytes of $bytes bytes, received $bytes, mismatched 0, .*: OK" ||
		fail "client did not get its bytes back"
	tern_log_has "$slog" "server: accepted 1, closed 1, echoed $bytes bytes" ||
		fail "server's account differs"
	expect_counter "$clog" ActiveOpens -eq 1
	expect_counter "$slog" PassiveOpens -eq 1
	grep 'client:' "$clog"
}

case_options() {
	local log=$tmp/opt.log cfg=$tmp/effective.ini again=$tmp/again.ini

	run "$log" -- --help || fail "--help exited $?"
	tern_log_has "$log" '^  --connect A.B.C.D:P' ||
		fail "--help does not list the application's options"
	tern_log_has "$log" '^  --config FILE' ||
		fail "--help does not list the runtime's options"

	"$bin" -- --print-config --ip 198.19.8.7/16 --gw 198.19.0.1 --mtu 1400 \
		--set tcp.msl_ms=1234 >"$cfg" 2>"$log" ||
		fail "--print-config exited $?"
	grep -qx 'address = 198.19.8.7/16' "$cfg" || fail "--ip not applied"
	grep -qx 'msl_ms = 1234' "$cfg" || fail "--set not applied"
	"$bin" -- --config "$cfg" --print-config >"$again" 2>"$log" ||
		fail "the printed configuration does not load back"
	cmp "$cfg" "$again" || fail "configuration changed on the round trip"
	# The command line overrides the file wherever it stands.
	"$bin" -- --mtu 9000 --config "$cfg" --print-config >"$again" \
		2>"$log" || fail "--config with an override exited $?"
	grep -qx 'mtu = 9000' "$again" || fail "option did not override file"

	refuse() {
		local why=$1
		shift
		if "$bin" "$@" >"$log" 2>&1; then
			fail "accepted $why: $*"
		fi
		tern_log "refused $why"
	}
	refuse "an unknown option" -- --no-such-option
	refuse "a bad address" -- --ip 198.18.1.3 --print-config
	refuse "an off-link gateway" -- --gw 198.19.0.1 --print-config
	refuse "a missing profile" -- --profile nonexistent --print-config
	refuse "an unknown key" -- --set tcp.no_such_key=1 --print-config
	refuse "a missing value" -- --ip
	refuse "two devices without --port-dev" -l 0 --vdev=net_null0 \
		--vdev=net_null1 -- --print-config
	refuse "a PCI port without a profile" -- --port-dev 0000:00:00.0 \
		--print-config
	refuse "too few mbufs for the queues" -l 0 --no-huge -m 256 \
		--no-shconf --vdev=net_null0 -- --mbufs 600 --duration 0.1
	tern_log_has "$log" 'mbufs = 600 is less than' ||
		fail "no reason given for refusing the pool size"
}

# profile_with DIR SECTION KEY VALUE: DIR/net_ring.ini with KEY set.
profile_with() {
	awk -v sec="[$2]" -v key="$3" -v val="$4" '
		$0 == sec { insec = 1; print; print key " = " val; next }
		/^\[/ { insec = 0 }
		insec && $1 == key { next }
		{ print }' "$TERN_ROOT/drivers-config/net_ring.ini" \
		>"$1/net_ring.ini"
}

# One value of one key: runs cleanly, or refused naming the key.
key_try() {
	local kind=$1 section=$2 key=$3 value=$4 log=$tmp/key.log
	local -a set=()
	local rc sent

	if [ "$kind" = profile ]; then
		profile_with "$tmp" "$section" "$key" "$value"
		set=(--profile-dir "$tmp" --profile net_ring)
	else
		set=(--set "$section.$key=$value")
	fi
	# Room for the largest pools (mbufs at its maximum: ~600 MiB).
	timeout 60 "$bin" -l 0 --no-huge -m 1536 --no-shconf \
		--vdev=net_ring0 -- --duration 0.2 "${set[@]}" >"$log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -q -- "$key" "$log" ||
			fail "[$section] $key = $value: exit $rc without naming the key"
		tern_log "[$section] $key = $value: refused ($(grep -m1 -- "$key" "$log"))"
		return
	fi
	grep -q '^counters' "$log" || fail "[$section] $key = $value: no counters"
	! grep -q 'leaked' "$log" || fail "[$section] $key = $value: leak"
	sent=$(( $(tern_counter "$log" TxPkts) + $(tern_counter "$log" FaultTxDrops) ))
	[ "$sent" -ge 1 ] || fail "[$section] $key = $value: nothing sent"
	tern_log "[$section] $key = $value: ran, TxPkts $(tern_counter "$log" TxPkts)"
}

case_keys() {
	local kind section key min max zero n=0 v last

	[ -x "$list_keys" ] || fail "no key lister at '$list_keys'"
	while read -r kind section key min max zero; do
		[ "$section" = tcp ] && continue
		n=$((n + 1))
		last=
		for v in 0 1 "$min" "$max"; do
			case " $last " in *" $v "*) continue ;; esac
			last="$last $v"
			key_try "$kind" "$section" "$key" "$v"
		done
	done < <("$list_keys")
	[ "$n" -ge 8 ] || fail "only $n keys listed"
}

[ -x "$bin" ] || fail "no tern-echo binary at '$bin'"
case $case_name in
null | ring | memif | options | keys) "case_$case_name" ;;
*) echo "usage: $0 null|ring|memif|options|keys TERN_ECHO_BINARY [LIST_NUM_KEYS]" >&2; exit 2 ;;
esac
tern_log "PASS"
