# shellcheck shell=bash
# Common steps of the interop tests: SKIP (exit 77) without root or
# `ip netns`; a namespace of our own, removed on every path; tern-echo on
# net_tap inside it (tern 198.18.0.2/24, kernel 198.18.0.1/24).
# Source after setting TERN_LOG_TAG; $1 of the test is the tern-echo
# binary.

# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

INTEROP_TERN_IP4=198.18.0.2
INTEROP_KERNEL_IP4=198.18.0.1
# TERN_INTEROP_FAMILY=6: the same tests over IPv6 (2001:2::/48, RFC
# 5180's benchmarking range): tern has both families, the tests use
# INTEROP_TERN_IP and INTEROP_KERNEL_IP, which are then IPv6.
INTEROP_FAMILY=${TERN_INTEROP_FAMILY:-4}
INTEROP_TERN_IP6=2001:2::2
INTEROP_KERNEL_IP6=2001:2::1
if [ "$INTEROP_FAMILY" = 6 ]; then
	INTEROP_TERN_IP=$INTEROP_TERN_IP6
	INTEROP_KERNEL_IP=$INTEROP_KERNEL_IP6
	# kernel_peer.py's servers listen on :: then
	export TERN_PEER_FAMILY=6
else
	INTEROP_TERN_IP=$INTEROP_TERN_IP4
	INTEROP_KERNEL_IP=$INTEROP_KERNEL_IP4
fi
INTEROP_KERNEL_MAC=02:00:00:00:00:01
INTEROP_LOG=
INTEROP_TMP=

interop_fail() {
	local i

	tern_log "FAIL: $*"
	# Let a running tern-echo stop on its own: it prints its counters.
	if [ -n "$TERN_ECHO_PID" ] && kill -INT "$TERN_ECHO_PID" 2>/dev/null
	then
		for i in $(seq 50); do
			kill -0 "$TERN_ECHO_PID" 2>/dev/null || break
			sleep 0.1
		done
	fi
	if [ -n "$INTEROP_LOG" ] && [ -f "$INTEROP_LOG" ]; then
		tern_log "tern-echo output:"
		cat "$INTEROP_LOG"
	fi
	exit "${INTEROP_FAIL_RC:-1}"
}

# interop_fail_timing MESSAGE: fail a check that only the kernel peer's
# own timing can break on a lossless tap (its ACKs late on a busy
# machine), not tern's protocol. interop_run_scenario runs such a
# scenario once more, and says so; a second failure is final.
INTEROP_TIMING_RC=3
interop_fail_timing() {
	if [ "${TERN_INTEROP_ATTEMPT:-1}" -lt 2 ]; then
		INTEROP_FAIL_RC=$INTEROP_TIMING_RC
	fi
	interop_fail "$@"
}

# interop_run_scenario FUNCTION ARGS...: run FUNCTION in a subshell (its
# namespace and files are removed when the subshell exits); when it
# failed through interop_fail_timing only, run it once more.
interop_run_scenario() {
	local rc

	( TERN_INTEROP_ATTEMPT=1 "$@" )
	rc=$?
	if [ "$rc" -eq "$INTEROP_TIMING_RC" ]; then
		tern_log "RETRY: the kernel peer's timing failed the first" \
			"attempt (see above); running the scenario once more"
		( TERN_INTEROP_ATTEMPT=2 "$@" )
		rc=$?
	fi
	return "$rc"
}

INTEROP_PIDS=()

interop_finish() {
	local pid

	for pid in "${INTEROP_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	tern_cleanup
	[ -z "$INTEROP_TMP" ] || rm -rf "$INTEROP_TMP"
}

# interop_require_root_netns: exit 77 (SKIP) when the test cannot run.
interop_require_root_netns() {
	if [ "$(id -u)" -ne 0 ]; then
		tern_log "SKIP: needs root"
		exit 77
	fi
	if ! ip netns list >/dev/null 2>&1; then
		tern_log "SKIP: 'ip netns' unavailable"
		exit 77
	fi
}

# interop_require_cmd CMD...: exit 77 when a tool is missing
# (scripts/deps.sh installs them all).
interop_require_cmd() {
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null ||
			{ tern_log "SKIP: $c not installed"; exit 77; }
	done
}

# interop_setup NAME: a temporary directory and namespace NAME-<pid>,
# both removed on exit, whatever the path.
interop_setup() {
	INTEROP_NAME=$1
	INTEROP_TMP=$(mktemp -d "/tmp/tern-$INTEROP_NAME.XXXXXX")
	INTEROP_LOG=$INTEROP_TMP/tern-echo.log
	INTEROP_IFACE=${INTEROP_NAME}0
	trap interop_finish EXIT
	trap 'exit 130' INT TERM
	tern_netns_create "$INTEROP_NAME" ||
		interop_fail "cannot create a namespace"
}

# interop_bg COMMAND...: run COMMAND in the namespace, in the background;
# it is killed (by PID) on exit.
interop_bg() {
	ip netns exec "$TERN_NS" "$@" &
	INTEROP_PIDS+=("$!")
}

# interop_hostport IP PORT: IP:PORT, or [IP]:PORT for IPv6 (as ss and
# the apps' --connect write it).
interop_hostport() {
	case $1 in
	*:*) echo "[$1]:$2" ;;
	*) echo "$1:$2" ;;
	esac
}

# interop_socat_tcp IP PORT: socat's address of a TCP client to IP.
interop_socat_tcp() {
	case $1 in
	*:*) echo "TCP6:[$1]:$2" ;;
	*) echo "TCP:$1:$2" ;;
	esac
}

# interop_socat_listen PORT: socat's address of a TCP listener on the
# kernel side in the run's family (TERN_INTEROP_FAMILY).
interop_socat_listen() {
	if [ "$INTEROP_FAMILY" = 6 ]; then
		echo "TCP6-LISTEN:$1,ipv6only=1"
	else
		echo "TCP-LISTEN:$1"
	fi
}

# interop_kernel_ip6_up: the kernel side of the tap gets its IPv6
# address, and a link-local address of its own MAC (it made one from
# tern's MAC at first, which tern defends: tests/interop/ping6.sh);
# returns once tern, past DAD, answers a ping.
interop_kernel_ip6_up() {
	ip -n "$TERN_NS" addr add "$INTEROP_KERNEL_IP6/64" \
		dev "$INTEROP_IFACE" nodad ||
		interop_fail "cannot give the kernel side $INTEROP_KERNEL_IP6"
	if ! ip -n "$TERN_NS" -6 addr flush dev "$INTEROP_IFACE" scope link ||
		! ip -n "$TERN_NS" addr add fe80::ff:fe00:1/64 \
			dev "$INTEROP_IFACE" nodad; then
		interop_fail "cannot give the kernel a link-local address"
	fi
	for _ in $(seq 20); do
		ip netns exec "$TERN_NS" ping -6 -n -c 1 -W 1 \
			"$INTEROP_TERN_IP6" >/dev/null 2>&1 && return 0
	done
	interop_fail "tern never answered a ping over IPv6"
}

# interop_echo_start BINARY [app options...]: tern-echo running on tap
# NAME0 and the kernel side of the tap configured (IPv6 too with
# TERN_INTEROP_FAMILY=6).
interop_echo_start() {
	local bin=$1 ip6=()
	shift

	[ -x "$bin" ] || interop_fail "no tern-echo binary at '$bin'"
	[ "$INTEROP_FAMILY" = 6 ] && ip6=(--ip6 "$INTEROP_TERN_IP6/64")
	# --duration bounds tern-echo even if this script is killed.
	tern_echo_start "$bin" "$INTEROP_LOG" "$INTEROP_IFACE" -- \
		--ip "$INTEROP_TERN_IP4/24" "${ip6[@]}" --duration 60 "$@"
	tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
		"$INTEROP_KERNEL_IP4/24" ||
		interop_fail "tern-echo or its tap $INTEROP_IFACE did not" \
			"come up"
	if [ "$INTEROP_FAMILY" = 6 ]; then
		interop_kernel_ip6_up
	fi
}

# interop_start NAME BINARY [app options...]: both of the above.
interop_start() {
	local name=$1
	shift

	interop_setup "$name"
	interop_echo_start "$@"
}

# interop_stop: SIGINT tern-echo and require a clean exit (status 0:
# stopped, counters printed, no mbuf leaked).
interop_stop() {
	local rc

	kill -INT "$TERN_ECHO_PID" 2>/dev/null
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	[ "$rc" -eq 0 ] || interop_fail "the tern app exited with status $rc"
	tern_log_has "$INTEROP_LOG" '^counters ' ||
		interop_fail "the tern app printed no counters"
	interop_show_counters
}

# interop_show_counters: what tern-echo printed at exit, for the log.
interop_show_counters() {
	sed -n '/: stopped$/,$p' "$INTEROP_LOG"
}

# interop_expect_counter NAME OP VALUE: e.g. IcmpOutEchoReps -ge 5
interop_expect_counter() {
	local v

	v=$(tern_counter "$INTEROP_LOG" "$1")
	test "$v" "$2" "$3" ||
		interop_fail "counter $1 = $v, expected $2 $3"
	tern_log "counter $1 = $v ($2 $3)"
}

# ---- the kernel's side (kernel_peer.py) and what tern printed at exit ----

INTEROP_PEER=$(dirname "${BASH_SOURCE[0]}")/kernel_peer.py

# interop_peer OUT COMMAND ARGS...: kernel_peer.py in the namespace (its
# own --timeout bounds it; `timeout` backs that up), output to OUT and
# the log. Status: the script's.
interop_peer() {
	local out=$1 rc
	shift

	ip netns exec "$TERN_NS" timeout 120 /usr/bin/python3 "$INTEROP_PEER" \
		"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	return "$rc"
}

# interop_peer_bg OUT COMMAND ARGS...: the same in the background (a
# server); killed by PID on exit.
interop_peer_bg() {
	local out=$1
	shift

	interop_bg timeout 120 /usr/bin/python3 "$INTEROP_PEER" "$@" \
		>"$out" 2>&1
}

# interop_field FILE KEY: KEY's value on the "result" line of FILE.
interop_field() {
	sed -n 's/^result .*/&/p' "$1" | tr ' ' '\n' |
		sed -n "s/^$2=//p" | head -n1
}

# interop_tern_line PATTERN: the first line of tern's output matching
# the extended regular expression PATTERN.
interop_tern_line() {
	grep -E -m1 "$1" "$INTEROP_LOG"
}

# interop_state_count STATE: tern's connections in STATE at exit.
interop_state_count() {
	sed -n '/^tcp connections by state:/,/^tcp transitions taken:/p' \
		"$INTEROP_LOG" | awk -v s="$1" '$1 == s { print $2; exit }'
}

# interop_expect_state STATE OP VALUE: e.g. TIME_WAIT -ge 1
interop_expect_state() {
	local v

	v=$(interop_state_count "$1")
	v=${v:-0}
	test "$v" "$2" "$3" ||
		interop_fail "tern's $1 connections at exit: $v, expected $2 $3"
	tern_log "tern's $1 connections at exit: $v ($2 $3)"
}

# interop_expect_only_states STATE...: no connection at exit in any
# state but these.
interop_expect_only_states() {
	local left

	left=$(sed -n \
		'/^tcp connections by state:/,/^tcp transitions taken:/p' \
		"$INTEROP_LOG" | awk -v ok=" $* " \
		'NR > 1 && $2 ~ /^[0-9]+$/ && $2 > 0 &&
		 index(ok, " " $1 " ") == 0')
	[ -z "$left" ] || interop_fail "tern's connections left at exit: $left"
}

# interop_transition_count "FROM --EVENT--> TO": how often tern took
# that row of its state table (0 when not printed).
interop_transition_count() {
	sed -n '/^tcp transitions taken:/,$p' "$INTEROP_LOG" |
		awk -v row="$1" 'index($0, "  " row " ") == 1 { v = $NF }
			END { print v + 0 }'
}

# interop_expect_transition "FROM --EVENT--> TO" OP VALUE
interop_expect_transition() {
	local v

	v=$(interop_transition_count "$1")
	test "$v" "$2" "$3" ||
		interop_fail "tern took '$1' $v times, expected $2 $3"
	tern_log "tern took '$1' $v times ($2 $3)"
}

# interop_kernel_tcp_state LOCAL PEER: the kernel's state of that socket
# (ss -tan, e.g. TIME-WAIT), empty when it has none.
interop_kernel_tcp_state() {
	ip netns exec "$TERN_NS" ss -tanH | awk -v l="$1" -v p="$2" \
		'$4 == l && $5 == p { print $1; exit }'
}
