#!/usr/bin/env bash
# interop: path MTU discovery (RFC 1191) with the Linux kernel as the
# router that sends Fragmentation Needed.
#   pmtu.sh TERN_ECHO_BINARY
#
#   tern 198.18.0.2 --tap, MTU 1500-- [router ns] 198.18.0.1
#                                      198.18.1.1 --veth, MTU 1200-- 198.18.1.2 [host ns]
#
# The host's end of the veth keeps MTU 1500, so its SYN offers MSS 1460
# and tern starts with full-sized segments; the router cannot forward
# them onto the 1200-byte link (tern sets DF) and answers Fragmentation
# Needed with next-hop MTU 1200. tern must lower its MSS (TCPPmtuLowered)
# and the transfer from tern to the host must complete byte-exact
# (SHA-256 on both ends). Both namespaces are removed on every path.
# TERN_INTEROP_PMTU_BYTES overrides the size (32 MiB).
set -uo pipefail
TERN_LOG_TAG=interop-pmtu
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bytes=${TERN_INTEROP_PMTU_BYTES:-$((32 << 20))}
link_mtu=1200
router_link_ip=198.18.1.1
host_ip=198.18.1.2
port=7
HOST_NS=

pmtu_finish() {
	[ -z "$HOST_NS" ] || ip netns del "$HOST_NS" 2>/dev/null
	HOST_NS=
	interop_finish
}

# The host namespace and the 1200-byte link to it from the router (the
# test's namespace, where the kernel side of the tap is).
pmtu_topology() {
	HOST_NS=tern-pmtuh-$$
	ip netns add "$HOST_NS" || { HOST_NS=; return 1; }
	ip -n "$HOST_NS" link set lo up &&
		ip -n "$TERN_NS" link add pmtur0 type veth peer name pmtuh0 \
			netns "$HOST_NS" &&
		ip -n "$TERN_NS" link set pmtur0 mtu "$link_mtu" up &&
		ip -n "$TERN_NS" addr add "$router_link_ip/24" dev pmtur0 &&
		ip -n "$HOST_NS" link set pmtuh0 up &&
		ip -n "$HOST_NS" addr add "$host_ip/24" dev pmtuh0 &&
		ip -n "$HOST_NS" route add default via "$router_link_ip" &&
		ip netns exec "$TERN_NS" sysctl -qw net.ipv4.ip_forward=1
}

# icmp_out_dest_unreachs: the router's IcmpOutDestUnreachs.
icmp_out_dest_unreachs() {
	# shellcheck disable=SC2016 # awk's own $1, $i
	ip netns exec "$TERN_NS" awk '$1 == "Icmp:" {
		if (!c) { for (i = 2; i <= NF; i++)
				if ($i == "OutDestUnreachs") c = i
			  next }
		print $c; exit }' /proc/net/snmp
}

interop_require_root_netns
interop_setup pmtu
trap pmtu_finish EXIT
pmtu_topology || interop_fail "cannot build the router topology"
interop_echo_start "$1" --gw "$INTEROP_KERNEL_IP" --source "$bytes" \
	--seed 11
out=$INTEROP_TMP/peer.out
ip netns exec "$HOST_NS" timeout 120 /usr/bin/python3 "$INTEROP_PEER" \
	--timeout 100 --expect "$bytes" recv "$INTEROP_TERN_IP" "$port" \
	>"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" -eq 0 ] || interop_fail "the host's receive failed"
router_icmps=$(icmp_out_dest_unreachs)
tern_log "router: IcmpOutDestUnreachs ${router_icmps:-?}"
[ "${router_icmps:-0}" -ge 1 ] ||
	interop_fail "the router sent no Fragmentation Needed"
interop_stop
line=$(interop_tern_line '^tern-echo: connection [0-9]+\.[0-9]+: ')
sent=$(sed -nE 's/.*sent ([0-9]+) bytes.*/\1/p' <<<"$line")
tx_sha=$(sed -nE 's/.*sent [0-9]+ bytes \(sha256 ([0-9a-f-]+)\).*/\1/p' \
	<<<"$line")
[ "$sent" = "$bytes" ] || interop_fail "tern sent ${sent:-?} bytes"
rx_sha=$(interop_field "$out" sha256_received)
if [ -z "$tx_sha" ] || [ "$tx_sha" != "$rx_sha" ]; then
	interop_fail "sha256 tern '$tx_sha' != host '$rx_sha'"
fi
tern_log "sha256 tern -> host: $tx_sha on both sides"
interop_expect_counter IcmpInDestUnreachs -ge 1
interop_expect_counter TCPPmtuLowered -ge 1
interop_expect_counter OutOfWindowIcmps -eq 0
tern_log "TCPPmtuIgnored $(tern_counter "$INTEROP_LOG" TCPPmtuIgnored)," \
	"TCPTimeouts $(tern_counter "$INTEROP_LOG" TCPTimeouts)," \
	"RetransSegs $(tern_counter "$INTEROP_LOG" RetransSegs)"
tern_log "throughput: tern -> host over a 1200-byte link," \
	"$((bytes >> 20)) MiB: $(interop_field "$out" seconds) s," \
	"$(interop_field "$out" mib_per_s) MiB/s"
tern_log "PASS"
