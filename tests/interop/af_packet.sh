#!/usr/bin/env bash
# interop: tern on net_af_packet (the drivers-config/net_af_packet.ini
# profile) over a veth pair inside a namespace; the kernel on the peer
# end pings tern and runs a TCP echo round trip through tern-echo.
#   af_packet.sh TERN_ECHO_BINARY
set -uo pipefail
TERN_LOG_TAG=interop-af-packet
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bin=${1:-}
count=3

interop_require_root_netns
interop_require_cmd ping socat ethtool
[ -x "$bin" ] || interop_fail "no tern-echo binary at '$bin'"
interop_setup tafp
ip -n "$TERN_NS" link add tafp-tern type veth peer name tafp-kern &&
	ip -n "$TERN_NS" link set tafp-tern up &&
	ip -n "$TERN_NS" link set tafp-kern address "$INTEROP_KERNEL_MAC" up &&
	ip -n "$TERN_NS" addr add "$INTEROP_KERNEL_IP/24" dev tafp-kern ||
	interop_fail "cannot set up the veth pair"
# A veth leaves TCP checksums to "hardware" that never comes: AF_PACKET
# then hands tern segments with partial checksums (the PMD ignores
# TP_STATUS_CSUMNOTREADY). Make the kernel finish them.
ip netns exec "$TERN_NS" ethtool -K tafp-kern tx off >/dev/null ||
	interop_fail "cannot turn off tx checksumming on the veth"
# shellcheck disable=SC2046
ip netns exec "$TERN_NS" "$bin" -l 0 $(tern_eal_mem_args) -- \
	--port-dev net_af_packet0,iface=tafp-tern,qpairs=1 \
	--ip "$INTEROP_TERN_IP/24" --duration 60 >"$INTEROP_LOG" 2>&1 &
TERN_ECHO_PID=$!
tern_wait_until 30 tern_log_has "$INTEROP_LOG" ': running' ||
	interop_fail "tern-echo did not start"
tern_log_has "$INTEROP_LOG" 'driver net_af_packet, profile net_af_packet' ||
	interop_fail "not on the net_af_packet profile"

out=$(ip netns exec "$TERN_NS" ping -n -c "$count" -i 0.2 -W 2 \
	"$INTEROP_TERN_IP" 2>&1)
echo "$out"
echo "$out" | grep -q "$count packets transmitted, $count received" ||
	interop_fail "not every ping was answered"

head -c 200000 /dev/urandom >"$INTEROP_TMP/sent"
ip netns exec "$TERN_NS" timeout 30 socat -t 20 - \
	"TCP:$INTEROP_TERN_IP:7,connect-timeout=10" \
	<"$INTEROP_TMP/sent" >"$INTEROP_TMP/received" ||
	interop_fail "socat client failed"
cmp "$INTEROP_TMP/sent" "$INTEROP_TMP/received" ||
	interop_fail "echo over af_packet differs"

interop_stop
interop_expect_counter IcmpOutEchoReps -ge "$count"
interop_expect_counter PassiveOpens -eq 1
tern_log "PASS"
