#!/usr/bin/env bash
# interop: the Linux kernel pings tern over IPv6 on net_tap. The kernel
# resolves tern's address by Neighbour Discovery (its neighbour entry
# must hold tern's MAC), at least 19 of 20 echoes are answered, and
# tern's counters agree: DAD ran and found no duplicate, solicitations
# were answered, nothing was dropped as malformed.
#   ping6.sh TERN_ECHO_BINARY
set -uo pipefail
TERN_LOG_TAG=interop-ping6
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

# RFC 5180's benchmarking range, as 198.18.0.0/15 for IPv4.
TERN_IP6=2001:2::2
KERNEL_IP6=2001:2::1
count=20

interop_require_root_netns
interop_require_cmd ping
interop_start tping6 "${1:-}" --ip6 "$TERN_IP6/64"
# nodad: the kernel's own address is usable at once.
ip -n "$TERN_NS" addr add "$KERNEL_IP6/64" dev "$INTEROP_IFACE" nodad ||
	interop_fail "cannot give the kernel side $KERNEL_IP6"

# tern's addresses are tentative for one second (DAD): wait for the
# first answer before counting.
ok=
for _ in $(seq 20); do
	if ip netns exec "$TERN_NS" ping -6 -n -c 1 -W 1 "$TERN_IP6" \
		>/dev/null 2>&1; then
		ok=1
		break
	fi
done
[ -n "$ok" ] || interop_fail "tern never answered a ping over IPv6"

out=$(ip netns exec "$TERN_NS" ping -6 -n -c "$count" -i 0.2 -W 2 \
	"$TERN_IP6" 2>&1)
echo "$out"
received=$(echo "$out" | sed -nE 's/.* ([0-9]+) received.*/\1/p')
[ -n "$received" ] && [ "$received" -ge $((count - 1)) ] ||
	interop_fail "only ${received:-0} of $count pings answered"

mac=$(tern_port_mac "$INTEROP_LOG")
[ -n "$mac" ] || interop_fail "no MAC in tern-echo's banner"
neigh=$(ip -n "$TERN_NS" -6 neigh show "$TERN_IP6" dev "$INTEROP_IFACE")
tern_log "kernel neighbour entry: $neigh"
echo "$neigh" | grep -qi "lladdr $mac " ||
	interop_fail "kernel did not learn tern's MAC $mac by ND"
echo "$neigh" | grep -qE 'REACHABLE|STALE|DELAY|PROBE' ||
	interop_fail "kernel neighbour entry not valid"

interop_stop
interop_expect_counter Icmp6InEchos -ge "$count"
interop_expect_counter Icmp6OutEchoReplies -ge "$count"
interop_expect_counter Icmp6InNeighborSolicits -ge 1
interop_expect_counter Icmp6OutNeighborAdvertisements -ge 1
interop_expect_counter Icmp6OutNeighborSolicits -ge 2
interop_expect_counter NdDadDuplicate -eq 0
interop_expect_counter NdDropMalformed -eq 0
interop_expect_counter NdDropBadOption -eq 0
interop_expect_counter NdDropHopLimit -eq 0
interop_expect_counter Icmp6InCsumErrors -eq 0
interop_expect_counter Ip6InHdrErrors -eq 0
interop_expect_counter TxRingFull -eq 0
tern_log "PASS"
