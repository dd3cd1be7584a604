#!/usr/bin/env bash
# Telemetry of a busy server: tern-httpd on net_tap under wrk from the
# namespace. Every /tern/... endpoint answers with its documented JSON
# shape (telemetry_check.py shape), dpdk-telemetry.py as shipped with
# DPDK reads them, the counters move under load, /tern/conns lists the
# wrk connections ESTABLISHED, and tern-ss / tern-nstat show the same.
#
#   telemetry.sh TERN_HTTPD
BIN=$1
TERN_LOG_TAG=telemetry
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

HERE=$(dirname "${BASH_SOURCE[0]}")
CHECK=("/usr/bin/python3" "$HERE/telemetry_check.py")
SCRIPTS=$HERE/../../scripts

interop_require_root_netns
interop_require_cmd wrk dpdk-telemetry.py
# The telemetry socket needs no hugepages: none to fight over.
export TERN_NO_HUGE=1
PREFIX=ttel$$
[ -x "$BIN" ] || { tern_log "no tern-httpd at '$BIN'"; exit 1; }

tel_finish() {
	interop_finish
	rm -rf "/var/run/dpdk/$PREFIX"
	rm -f "/tmp/.tern-nstat.u$(id -u).$PREFIX"
}

interop_setup ttel
trap tel_finish EXIT
tern_echo_start "$BIN" "$INTEROP_LOG" "$INTEROP_IFACE" \
	--file-prefix "$PREFIX" -- --ip "$INTEROP_TERN_IP/24" --duration 120
tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
	"$INTEROP_KERNEL_IP/24" || interop_fail "tern-httpd did not come up"

tel_sock_up() {
	test -S "/var/run/dpdk/$PREFIX/dpdk_telemetry.v2"
}
tern_wait_until 30 tel_sock_up || interop_fail "no telemetry socket"

"${CHECK[@]}" "$PREFIX" shape || interop_fail "endpoint shapes (idle)"
"${CHECK[@]}" "$PREFIX" snapshot "$INTEROP_TMP/before.json" ||
	interop_fail "cannot read the counters"
"$SCRIPTS/tern-nstat" --file-prefix "$PREFIX" -n ||
	interop_fail "tern-nstat cannot save its history"

# Load for longer than the checks below take; stopped once they pass.
interop_bg wrk -t1 -c8 -d60s "http://$INTEROP_TERN_IP/" \
	>"$INTEROP_TMP/wrk.out" 2>&1

tel_busy() {
	"${CHECK[@]}" "$PREFIX" established 80 >"$INTEROP_TMP/est.out"
}
tern_wait_until 60 tel_busy ||
	{ cat "$INTEROP_TMP/est.out"; interop_fail "no ESTABLISHED conns"; }
cat "$INTEROP_TMP/est.out"

"${CHECK[@]}" "$PREFIX" shape || interop_fail "endpoint shapes (busy)"

tel_moved() {
	"${CHECK[@]}" "$PREFIX" moved "$INTEROP_TMP/before.json" \
		>"$INTEROP_TMP/moved.out"
}
tern_wait_until 60 tel_moved ||
	{ cat "$INTEROP_TMP/moved.out"; interop_fail "counters did not move"; }
cat "$INTEROP_TMP/moved.out"

# dpdk-telemetry.py, as DPDK ships it, reads every endpoint.
for ep in /tern/info /tern/stats /tern/tcp/stats /tern/conns \
	/tern/conns,ESTABLISHED /tern/fsm /tern/arp; do
	out=$(echo "$ep" | timeout 20 dpdk-telemetry.py -f "$PREFIX" | tail -n1)
	case $out in
	"{\"${ep%%,*}\": "*) tern_log "dpdk-telemetry.py $ep: ${out:0:100}" ;;
	*) interop_fail "dpdk-telemetry.py $ep answered: $out" ;;
	esac
done
echo /tern/fsm | timeout 20 dpdk-telemetry.py -f "$PREFIX" |
	grep -q '"LISTEN/SEG_SYN/SYN_RCVD": [1-9]' ||
	interop_fail "/tern/fsm does not count the SYNs of the load"

# tern-ss: the wrk connections, as ss would show them.
"$SCRIPTS/tern-ss" --file-prefix "$PREFIX" -tin state established \
	>"$INTEROP_TMP/ss.out" || interop_fail "tern-ss failed"
head -n 5 "$INTEROP_TMP/ss.out"
grep -qE "^ESTAB +[0-9]+ +[0-9]+ +$INTEROP_TERN_IP:80 +$INTEROP_KERNEL_IP:[0-9]+" \
	"$INTEROP_TMP/ss.out" || interop_fail "tern-ss shows no ESTAB line"
grep -qE "rtt:[0-9.]+/[0-9.]+ rto:[0-9]+ mss:[0-9]+ cwnd:[0-9]+" \
	"$INTEROP_TMP/ss.out" || interop_fail "tern-ss -i shows no details"
"$SCRIPTS/tern-ss" --file-prefix "$PREFIX" -tln | grep -qE \
	"^LISTEN .* $INTEROP_TERN_IP:80 " || interop_fail "tern-ss -l: no listener"

# tern-nstat: increments since the history saved before the load.
"$SCRIPTS/tern-nstat" --file-prefix "$PREFIX" >"$INTEROP_TMP/nstat.out" ||
	interop_fail "tern-nstat failed"
grep -E '^(TcpInSegs|TcpPassiveOpens) ' "$INTEROP_TMP/nstat.out"
grep -qE '^TcpPassiveOpens +[1-9]' "$INTEROP_TMP/nstat.out" ||
	interop_fail "tern-nstat: no TcpPassiveOpens increment"
"$SCRIPTS/tern-nstat" --file-prefix "$PREFIX" -a TcpInSegs |
	grep -qE '^TcpInSegs +[1-9]' || interop_fail "tern-nstat -a TcpInSegs"

interop_stop
tern_log PASS
