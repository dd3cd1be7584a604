#!/usr/bin/env bash
# interop: the Linux kernel pings tern over net_tap. Asserts every echo
# is answered, the kernel's neighbour entry holds tern's MAC (so tern
# answered ARP correctly), and tern's own counters agree.
#   ping.sh TERN_ECHO_BINARY
set -uo pipefail
TERN_LOG_TAG=interop-ping
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

count=5

interop_require_root_netns
interop_require_cmd ping
interop_start tping "${1:-}"

out=$(ip netns exec "$TERN_NS" ping -n -c "$count" -i 0.2 -W 2 \
	"$INTEROP_TERN_IP" 2>&1)
echo "$out"
echo "$out" | grep -q "$count packets transmitted, $count received" ||
	interop_fail "not every ping was answered"

mac=$(tern_port_mac "$INTEROP_LOG")
[ -n "$mac" ] || interop_fail "no MAC in tern-echo's banner"
neigh=$(ip -n "$TERN_NS" neigh show "$INTEROP_TERN_IP" dev "$INTEROP_IFACE")
tern_log "kernel neighbour entry: $neigh"
echo "$neigh" | grep -qi "lladdr $mac " ||
	interop_fail "kernel did not learn tern's MAC $mac"
echo "$neigh" | grep -qE 'REACHABLE|STALE|DELAY' ||
	interop_fail "kernel neighbour entry not valid"

interop_stop
interop_expect_counter IcmpInEchos -ge "$count"
interop_expect_counter IcmpOutEchoReps -ge "$count"
interop_expect_counter ArpRepliesSent -ge 1
interop_expect_counter IcmpInCsumErrors -eq 0
interop_expect_counter TxRingFull -eq 0
tern_log "PASS"
