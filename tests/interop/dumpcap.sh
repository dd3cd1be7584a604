#!/usr/bin/env bash
# Capture the DPDK way: dpdk-dumpcap (a secondary process) records a
# running tern-echo's RX and TX while a kernel client exchanges 1 MiB
# with it, into a pcapng that tshark decodes as that TCP conversation:
# at least 100 frames, both directions, the handshake included.
#
#   dumpcap.sh TERN_ECHO
#
# A secondary needs hugepages and the primary's shared configuration:
# tern-echo runs with hugepages, without --in-memory/--no-shconf, under a
# --file-prefix of its own. Without free hugepages the test is skipped.
BIN=$1
TERN_LOG_TAG=dumpcap
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

interop_require_root_netns
interop_require_cmd dpdk-dumpcap tshark
[ -x "$BIN" ] || { tern_log "no tern-echo at '$BIN'"; exit 1; }
# 64 pages of 2 MiB for tern-echo's -m 128 (the capture's pool comes
# from the same heap).
if [ "$(tern_free_hugepages)" -lt 64 ] || ! grep -q hugetlbfs /proc/mounts
then
	tern_log "SKIP: needs 64 free 2 MiB hugepages (scripts/hugepages.sh)"
	exit 77
fi

PREFIX=dcap$$
DUMPCAP_PID=

dc_finish() {
	if [ -n "$DUMPCAP_PID" ]; then
		kill -INT "$DUMPCAP_PID" 2>/dev/null
		wait "$DUMPCAP_PID" 2>/dev/null
	fi
	interop_finish
	rm -rf "/var/run/dpdk/$PREFIX"
	rm -f /dev/hugepages/"$PREFIX"map_*
}

interop_setup dcap
trap dc_finish EXIT
PCAP=$INTEROP_TMP/tern.pcapng

# --base-virtaddr: the secondary maps the primary's memory at the same
# addresses; left to chance, the primary's choice can collide with what
# the secondary has mapped there already (seen with the ASan build, whose
# shadow memory moves everything). 32 TiB is above ASan's shadow and
# below where either process maps its libraries.
ip netns exec "$TERN_NS" "$BIN" -l 0 -m 128 --file-prefix "$PREFIX" \
	--base-virtaddr=0x200000000000 \
	--vdev="net_tap0,iface=$INTEROP_IFACE" -- \
	--ip "$INTEROP_TERN_IP/24" --duration 120 >"$INTEROP_LOG" 2>&1 &
TERN_ECHO_PID=$!
tern_tap_up "$INTEROP_LOG" "$INTEROP_IFACE" "$INTEROP_KERNEL_MAC" \
	"$INTEROP_KERNEL_IP/24" || interop_fail "tern-echo did not come up"
if ! grep -q "packet capture .* unavailable" "$INTEROP_LOG"; then
	tern_log "tern-echo serves packet capture"
fi

ip netns exec "$TERN_NS" timeout 100 dpdk-dumpcap \
	--file-prefix="$PREFIX" -i net_tap0 -w "$PCAP" -c 300 \
	>"$INTEROP_TMP/dumpcap.out" 2>&1 &
DUMPCAP_PID=$!
tern_wait_until 60 grep -q "^File: " "$INTEROP_TMP/dumpcap.out" ||
	{ cat "$INTEROP_TMP/dumpcap.out"; interop_fail "dumpcap did not start"; }

interop_peer "$INTEROP_TMP/peer.out" echo-client "$INTEROP_TERN_IP" 7 \
	1048576 || interop_fail "the echo exchange failed"
kport=$(sed -nE 's/.* local=[0-9.]+:([0-9]+) .*/\1/p' "$INTEROP_TMP/peer.out")

dc_done() {
	! kill -0 "$DUMPCAP_PID" 2>/dev/null
}
tern_wait_until 60 dc_done ||
	interop_fail "dumpcap did not stop after 300 frames"
wait "$DUMPCAP_PID"
rc=$?
DUMPCAP_PID=
cat "$INTEROP_TMP/dumpcap.out"
[ "$rc" -eq 0 ] || interop_fail "dpdk-dumpcap exit status $rc"

# What tshark makes of it.
conv="tcp.port == 7 && tcp.port == $kport"
frames=$(tshark -r "$PCAP" -Y "$conv" 2>/dev/null | wc -l)
to_tern=$(tshark -r "$PCAP" -Y "$conv && ip.dst == $INTEROP_TERN_IP" \
	2>/dev/null | wc -l)
from_tern=$(tshark -r "$PCAP" -Y "$conv && ip.src == $INTEROP_TERN_IP" \
	2>/dev/null | wc -l)
syns=$(tshark -r "$PCAP" -Y "$conv && tcp.flags.syn == 1" 2>/dev/null |
	wc -l)
tern_log "pcapng: $frames frames of the conversation (to tern $to_tern," \
	"from tern $from_tern, SYN/SYN+ACK $syns)"
tshark -r "$PCAP" -c 4 2>/dev/null
capinfos -t "$PCAP" 2>/dev/null | grep -i "file type" ||
	tshark -r "$PCAP" -q -z io,stat,0 2>/dev/null | head -n 3
[ "$frames" -ge 100 ] || interop_fail "only $frames frames decoded"
if [ "$to_tern" -eq 0 ] || [ "$from_tern" -eq 0 ]; then
	interop_fail "one direction is missing (RX $to_tern, TX $from_tern)"
fi
[ "$syns" -eq 2 ] || interop_fail "handshake not captured ($syns SYNs)"
tshark -r "$PCAP" -q -z conv,tcp 2>/dev/null |
	grep -qE "$INTEROP_KERNEL_IP:$kport +<-> +$INTEROP_TERN_IP:7|$INTEROP_TERN_IP:7 +<-> +$INTEROP_KERNEL_IP:$kport" ||
	interop_fail "tshark does not see the conversation"

interop_stop
tern_log PASS
