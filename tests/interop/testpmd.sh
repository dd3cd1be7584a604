#!/usr/bin/env bash
# tern-testpmd driven the way an operator drives it, through --cmdfile
# (a FIFO the test writes commands into, one step at a time) or through
# its interactive prompt under tmux (send-keys, capture-pane).
#
#   testpmd.sh null-cmdfile|null-tmux|tap-cmdfile|tap-tmux|tap-signal|
#              tap-connect6 TERN_TESTPMD
#
# net_null: listen, connect (the SYN goes nowhere), show conns/tcp
# stats/fsm, quit: the open connection is closed by the drain.
# net_tap: `listen 7 echo`, a kernel client in the namespace exchanges
# data and holds the connection; `show conns` lists it ESTABLISHED with
# the kernel's address, `show tcp stats` and `show fsm` count it, and
# `quit` closes it with FIN: the kernel reads EOF (not a reset) and ss
# shows its socket in CLOSE-WAIT; the exit report says the drain ended
# it with FIN, none aborted.
# tap-signal: SIGINT starts the drain; the kernel client reads the FIN
# but never closes, so the drain waits; a second SIGINT aborts at once:
# the report says 1 aborted and the kernel's socket is reset.
# tap-connect6: `connect [2001:2::1]:PORT bytes N mode echo` to a kernel
# echo server over IPv6: the kernel receives exactly N bytes and reads
# tern's FIN (tern closes only once all N came back); the state table
# counts the active open and the close.
MODE=$1
BIN=$2
TERN_LOG_TAG="testpmd-$MODE"
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

case $MODE in
null-cmdfile|null-tmux|tap-cmdfile|tap-tmux|tap-signal|tap-connect6) ;;
*) echo "usage: $0 null-cmdfile|null-tmux|tap-cmdfile|tap-tmux|tap-signal|tap-connect6 BIN" >&2
   exit 2 ;;
esac
DEV=${MODE%%-*}
DRIVE=${MODE#*-}
[ "$DRIVE" = signal ] && DRIVE=cmdfile SIGNAL=1
[ "$DRIVE" = connect6 ] && DRIVE=cmdfile CONNECT6=1

interop_require_root_netns
# No hugepages needed (the socket of telemetry lives in the runtime
# directory of --file-prefix with --no-shconf too): none to fight over.
export TERN_NO_HUGE=1
[ "$DRIVE" = tmux ] && interop_require_cmd tmux
[ -x "$BIN" ] || { tern_log "no tern-testpmd at '$BIN'"; exit 1; }

TP_PREFIX=tp$$
TP_TMUX=(tmux -L "tern-testpmd-$$" -f /dev/null)

tp_finish() {
	[ "$DRIVE" = tmux ] && "${TP_TMUX[@]}" kill-server 2>/dev/null
	interop_finish
	rm -rf "/var/run/dpdk/$TP_PREFIX"
}

interop_setup "tp$DEV"
trap tp_finish EXIT

# tp_out: everything tern-testpmd printed so far, as a user sees it.
tp_out() {
	if [ "$DRIVE" = tmux ]; then
		"${TP_TMUX[@]}" capture-pane -p -J -S -20000 -t tp
	else
		cat "$INTEROP_LOG"
	fi
}

tp_has() {
	tp_out | grep -qE "$1"
}

# tp_expect PATTERN: wait (bounded) until the output shows PATTERN.
tp_expect() {
	tern_wait_until 60 tp_has "$1" ||
		interop_fail "tern-testpmd never printed /$1/"
	tern_log "seen: /$1/"
}

tp_cmd() {
	tern_log "command: $*"
	if [ "$DRIVE" = tmux ]; then
		"${TP_TMUX[@]}" send-keys -t tp -l "$*"
		"${TP_TMUX[@]}" send-keys -t tp Enter
	else
		echo "$*" >&3
	fi
}

tp_start() {
	local vdev=$1 args
	shift

	# Not --in-memory: the telemetry socket and dpdk-dumpcap want the
	# runtime directory of our own --file-prefix.
	# shellcheck disable=SC2207
	args=(-l 0 $(tern_eal_mem_args) --file-prefix "$TP_PREFIX"
	      --vdev="$vdev" -- --ip "$INTEROP_TERN_IP/24" --duration 120
	      --drain-ms 20000 "$@")
	if [ "$DRIVE" = cmdfile ]; then
		mkfifo "$INTEROP_TMP/cmds"
		# Read-write: opening does not wait for the reader, and the
		# reader sees EOF only once we close it.
		exec 3<>"$INTEROP_TMP/cmds"
		ip netns exec "$TERN_NS" "$BIN" "${args[@]}" 3>&- \
			--cmdfile "$INTEROP_TMP/cmds" >"$INTEROP_LOG" 2>&1 &
		TERN_ECHO_PID=$!
		return
	fi
	# The pane runs a script that waits until its output is piped to
	# the log, then becomes tern-testpmd (exec keeps the PID).
	cat >"$INTEROP_TMP/run.sh" <<-RUN
	while [ ! -e "$INTEROP_TMP/go" ]; do sleep 0.1; done
	bash -c 'echo \$\$ >"$INTEROP_TMP/pid"; exec ip netns exec "$TERN_NS" "$BIN" ${args[*]} -i'
	echo "tern-testpmd exit status \$?"
	sleep 600
	RUN
	"${TP_TMUX[@]}" new-session -d -s tp -x 250 -y 50 \
		"bash $INTEROP_TMP/run.sh" ||
		interop_fail "tmux would not start"
	"${TP_TMUX[@]}" set-option -t tp history-limit 20000 >/dev/null
	"${TP_TMUX[@]}" pipe-pane -t tp -o "cat >>$INTEROP_LOG"
	touch "$INTEROP_TMP/go"
	tern_wait_until 30 test -s "$INTEROP_TMP/pid" ||
		interop_fail "tern-testpmd did not start in tmux"
	TERN_ECHO_PID=$(cat "$INTEROP_TMP/pid")
}

tp_gone() {
	! kill -0 "$TERN_ECHO_PID" 2>/dev/null
}

# tp_quit: `quit`, then the process ends by itself with status 0.
tp_quit() {
	local rc=0

	tp_cmd quit
	[ "$DRIVE" = cmdfile ] && exec 3>&-
	tern_wait_until 60 tp_gone ||
		interop_fail "tern-testpmd did not exit after quit"
	if [ "$DRIVE" = cmdfile ]; then
		wait "$TERN_ECHO_PID"
		rc=$?
	else
		tp_expect "tern-testpmd exit status [0-9]+"
		rc=$(tp_out | sed -nE 's/.*exit status ([0-9]+).*/\1/p' |
			tail -n1)
	fi
	TERN_ECHO_PID=
	[ "$rc" -eq 0 ] || interop_fail "tern-testpmd exit status $rc"
}

tp_start_null() {
	tp_start net_null0 --stats-period 1
	tp_expect ': running'
	tp_expect "^stats: rx [0-9]+ pps, tx [0-9]+ pps, new [0-9]+ conn/s, established 0, time_wait 0, drops [0-9]+, retrans 0$"
	tp_cmd "listen 7 echo"
	tp_expect "listening on port 7 \(echo\) on 1 workers"
	tp_cmd "connect 198.18.0.1:9 bytes 10"
	tp_expect "connection 1: connecting to 198.18.0.1:9"
	tp_cmd "show conns"
	tp_expect "^- +LISTEN +0 +1024 +198\.18\.0\.2:7 "
	tp_expect "^1 +SYN_SENT +0 +0 +198\.18\.0\.2:[0-9]+ +198\.18\.0\.1:9 .*timer:\(on,"
	tp_expect "^2 connections"
	tp_cmd "show tcp stats"
	tp_expect "^ActiveOpens +1$"
	tp_cmd "show fsm"
	tp_expect "CLOSED --USER_CONNECT--> SYN_SENT +1$"
	tp_expect "CLOSED --USER_LISTEN--> LISTEN +1$"
	tp_cmd "show workers"
	tp_expect "conns LISTEN 1 SYN_SENT 1"
	tp_cmd "connect 198.18.0.1:10"
	tp_expect "connection 2: connecting to 198.18.0.1:10"
	tp_cmd "abort 2"
	tp_expect "connection 2: aborted \(RST\)"
	tp_cmd "abort 2"
	tp_expect "error: 2: No such file or directory"
	tp_cmd "unlisten 7"
	tp_expect "port 7: no longer listening"
	tp_cmd "show net stats"
	tp_expect "^RxPkts +[1-9][0-9]*$"
	tp_cmd "clear stats"
	tp_expect "counters of 1 workers cleared"
	tp_cmd "show port xstats"
	tp_expect "^port 0 xstats \(non-zero\):"
	tp_cmd "clear port stats"
	tp_expect "port 0: statistics cleared"
	tp_cmd "show config"
	tp_expect "^address *= *198\.18\.0\.2"
	tp_cmd "set log tern.tcp.fsm debug"
	tp_expect "log tern.tcp.fsm: debug"
	tp_cmd "nonsense"
	# The prompt's parser refuses it before the command table sees it.
	if [ "$DRIVE" = tmux ]; then
		tp_expect "^Command not found"
	else
		tp_expect "unknown command 'nonsense'"
	fi
	tp_quit
	tp_expect "drain: 1 connections open, 1 closed with FIN; 1 finished, 0 aborted"
	tp_expect "^ +SYN_SENT --USER_CLOSE--> CLOSED +1$"
}

tp_start_tap() {
	local peer_out=$INTEROP_TMP/peer.out kport

	tp_start "net_tap0,iface=$INTEROP_IFACE"
	tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
		"$INTEROP_KERNEL_IP/24" ||
		interop_fail "tern-testpmd or its tap did not come up"
	tp_cmd "listen 7 echo"
	tp_expect "listening on port 7 \(echo\) on 1 workers"
	interop_bg timeout 120 /usr/bin/python3 \
		"$(dirname "${BASH_SOURCE[0]}")/testpmd_peer.py" hold \
		"$INTEROP_TERN_IP" 7 20000 --timeout 90 >"$peer_out" 2>&1
	tern_wait_until 60 grep -q '^echoed bytes=20000' "$peer_out" ||
		{ cat "$peer_out"; interop_fail "the kernel's echo failed"; }
	kport=$(sed -nE 's/^echoed .*local=[0-9.]+:([0-9]+)$/\1/p' "$peer_out")
	tern_log "kernel client port $kport"
	tp_cmd "show conns state ESTABLISHED"
	tp_expect "^1 +ESTABLISHED +0 +0 +198\.18\.0\.2:7 +198\.18\.0\.1:$kport .*rtt:.* cwnd:[0-9]+ .* worker:0$"
	tp_cmd "show conn 1"
	tp_expect "peer +198\.18\.0\.1:$kport$"
	tp_cmd "show tcp stats"
	tp_expect "^CurrEstab +1$"
	tp_expect "^PassiveOpens +1$"
	tp_cmd "show fsm"
	tp_expect "LISTEN --SEG_SYN--> SYN_RCVD +1$"
	tp_expect "SYN_RCVD --SEG_ACK--> ESTABLISHED +1$"
	tp_cmd "show arp"
	tp_expect "^Address +HWaddress +State"
	# The kernel may not be in the cache (we answered its request from
	# the frame itself); when it is, with its own MAC.
	if tp_has "^198\.18\.0\.1 " && ! tp_has "^198\.18\.0\.1 +$INTEROP_KERNEL_MAC "
	then
		interop_fail "show arp: 198.18.0.1 with a MAC not the kernel's"
	fi
	tp_quit
	tern_wait_until 60 grep -q '^end=' "$peer_out" ||
		interop_fail "the kernel client never saw the connection end"
	cat "$peer_out"
	# EOF alone is not enough: a FIN followed by a RST also reads as
	# EOF first. The socket must still be there, in CLOSE-WAIT.
	grep -qE '^end=eof ss_state=CLOSE-WAIT$' "$peer_out" ||
		interop_fail "the kernel did not see an orderly close"
	tp_expect "drain: 1 connections open, 1 closed with FIN; 1 finished, 0 aborted"
	tp_expect "ESTABLISHED --USER_CLOSE--> FIN_WAIT_1 +1$"
}

tp_second_signal() {
	local peer_out=$INTEROP_TMP/peer.out rc

	tp_start "net_tap0,iface=$INTEROP_IFACE" --drain-ms 60000
	tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
		"$INTEROP_KERNEL_IP/24" ||
		interop_fail "tern-testpmd or its tap did not come up"
	tp_cmd "listen 7 echo"
	tp_expect "listening on port 7 \(echo\) on 1 workers"
	interop_bg timeout 120 /usr/bin/python3 \
		"$(dirname "${BASH_SOURCE[0]}")/testpmd_peer.py" hold \
		"$INTEROP_TERN_IP" 7 1000 --linger --timeout 90 >"$peer_out" 2>&1
	tern_wait_until 60 grep -q '^echoed bytes=1000' "$peer_out" ||
		{ cat "$peer_out"; interop_fail "the kernel's echo failed"; }
	kill -INT "$TERN_ECHO_PID"
	tp_expect "draining: 1 connections, 1 closed with FIN, up to 60000 ms"
	# The kernel reads the FIN and keeps its side open: the drain waits
	# (for up to 60 s), the process is still there.
	tern_wait_until 60 grep -q '^end=eof ss_state=CLOSE-WAIT$' \
		"$peer_out" || interop_fail "the kernel did not read the FIN"
	kill -0 "$TERN_ECHO_PID" 2>/dev/null ||
		interop_fail "tern-testpmd ended before the drain time"
	kill -INT "$TERN_ECHO_PID"
	tp_expect "second stop request: aborting"
	exec 3>&-
	tern_wait_until 60 tp_gone ||
		interop_fail "tern-testpmd did not exit after the second signal"
	wait "$TERN_ECHO_PID"
	rc=$?
	TERN_ECHO_PID=
	[ "$rc" -eq 0 ] || interop_fail "tern-testpmd exit status $rc"
	tp_expect "drain: 1 connections open, 1 closed with FIN; 0 finished, 1 aborted"
	tern_wait_until 60 grep -q '^gone=' "$peer_out" ||
		interop_fail "the kernel client did not finish"
	cat "$peer_out"
	grep -q '^gone=yes$' "$peer_out" ||
		interop_fail "the kernel's socket was not reset"
}

tp_connect6() {
	local peer_out=$INTEROP_TMP/peer.out port=7007 bytes=20000

	tp_start "net_tap0,iface=$INTEROP_IFACE" --ip6 "$INTEROP_TERN_IP6/64"
	tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
		"$INTEROP_KERNEL_IP4/24" ||
		interop_fail "tern-testpmd or its tap did not come up"
	interop_kernel_ip6_up
	interop_bg timeout 120 /usr/bin/python3 \
		"$(dirname "${BASH_SOURCE[0]}")/testpmd_peer.py" serve \
		"$INTEROP_KERNEL_IP6" "$port" "$bytes" --timeout 90 \
		>"$peer_out" 2>&1
	tern_wait_until 30 grep -q '^listening' "$peer_out" ||
		{ cat "$peer_out"; interop_fail "the kernel server did not start"; }
	tp_cmd "connect [$INTEROP_KERNEL_IP6]:$port bytes $bytes mode echo"
	tp_expect "connection 1: connecting to \[$INTEROP_KERNEL_IP6\]:$port"
	tern_wait_until 60 grep -q '^served ' "$peer_out" ||
		{ cat "$peer_out"; interop_fail "the kernel server never ended"; }
	cat "$peer_out"
	grep -qx "served bytes=$bytes peer=$INTEROP_TERN_IP6 end=eof" \
		"$peer_out" || interop_fail "the kernel did not get $bytes bytes and a FIN from $INTEROP_TERN_IP6"
	tp_cmd "show tcp stats"
	tp_expect "^ActiveOpens +1$"
	tp_cmd "show fsm"
	tp_expect "SYN_SENT --SEG_SYN_ACK--> ESTABLISHED +1$"
	tp_expect "ESTABLISHED --USER_CLOSE--> FIN_WAIT_1 +1$"
	tp_cmd "connect [2001:2::zz]:$port"
	tp_expect "error: connect IP:PORT\|\[IPV6\]:PORT"
	tp_quit
}

if [ "$DEV" = null ]; then
	tp_start_null
elif [ -n "${CONNECT6:-}" ]; then
	tp_connect6
elif [ -n "${SIGNAL:-}" ]; then
	tp_second_signal
else
	tp_start_tap
fi
tern_log "PASS"
