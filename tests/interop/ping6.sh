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
# The kernel side of the tap made its link-local address from the MAC it
# shared with tern at first, i.e. tern's own: tern, there first, defends
# it and the kernel's copy fails DAD. Give the kernel the one of its
# current MAC (02:00:00:00:00:01).
if ! ip -n "$TERN_NS" -6 addr flush dev "$INTEROP_IFACE" scope link ||
	! ip -n "$TERN_NS" addr add fe80::ff:fe00:1/64 dev "$INTEROP_IFACE" \
		nodad; then
	interop_fail "cannot give the kernel side a link-local address"
fi

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
if [ -z "$received" ] || [ "$received" -lt $((count - 1)) ]; then
	interop_fail "only ${received:-0} of $count pings answered"
fi

mac=$(tern_port_mac "$INTEROP_LOG")
[ -n "$mac" ] || interop_fail "no MAC in tern-echo's banner"
neigh=$(ip -n "$TERN_NS" -6 neigh show "$TERN_IP6" dev "$INTEROP_IFACE")
tern_log "kernel neighbour entry: $neigh"
echo "$neigh" | grep -qi "lladdr $mac " ||
	interop_fail "kernel did not learn tern's MAC $mac by ND"
echo "$neigh" | grep -qE 'REACHABLE|STALE|DELAY|PROBE' ||
	interop_fail "kernel neighbour entry not valid"

# tern's link-local address, fe80:: with the modified EUI-64 of its MAC
# (RFC 4291 2.5.1), answers too (from itself: link-local to link-local).
IFS=: read -r m0 m1 m2 m3 m4 m5 <<<"$mac"
ll=$(printf 'fe80::%x:%x:%x:%x' $(((0x$m0 ^ 2) << 8 | 0x$m1)) \
	$((0x$m2 << 8 | 0xff)) $((0xfe << 8 | 0x$m3)) $((0x$m4 << 8 | 0x$m5)))
out=$(ip netns exec "$TERN_NS" ping -6 -n -c 3 -i 0.2 -W 2 \
	"$ll%$INTEROP_IFACE" 2>&1)
echo "$out"
echo "$out" | grep -q "3 received" ||
	interop_fail "tern's link-local address $ll did not answer"

interop_stop
interop_expect_counter Icmp6InEchos -ge $((count + 3))
interop_expect_counter Icmp6OutEchoReplies -ge $((count + 3))
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
