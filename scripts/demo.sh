#!/usr/bin/env bash
# The demo, on the embedded default deployment: tern-echo on a net_tap
# port inside a fresh network namespace, tern at 198.18.0.2/24 and the
# kernel at 198.18.0.1/24 on the other end of the tap. The kernel pings
# tern; the demo shows the ping summary, the kernel's neighbour entry for
# tern and tern's counters, then removes the namespace (also on failure
# or Ctrl-C). Installs what is missing and builds first. Run as root.
#
#   scripts/demo.sh            (TERN_PINGS=N to ping N times, default 5)
set -uo pipefail

TERN_LOG_TAG=demo
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pings=${TERN_PINGS:-5}
iface=tern-demo0
log=

if [ "$(id -u)" -ne 0 ]; then
	tern_log "run as root: the demo creates a network namespace and a tap"
	exit 1
fi

finish() {
	tern_cleanup
	[ -z "$log" ] || rm -f "$log"
}
trap finish EXIT
trap 'exit 130' INT TERM

"$TERN_ROOT/scripts/deps.sh" || exit 1
"$TERN_ROOT/scripts/hugepages.sh"
tern_log "building in $TERN_ROOT/build"
tern_build "$TERN_ROOT/build" || exit 1

log=$(mktemp /tmp/tern-demo.XXXXXX)
tern_netns_create tern-demo || exit 1
tern_log "namespace $TERN_NS; starting tern-echo on net_tap ($iface)"
# --duration bounds the run even if this script is killed outright.
tern_echo_start "$TERN_ROOT/build/app/tern-echo" "$log" "$iface" \
	-- --ip 198.18.0.2/24 --duration 60
if ! tern_tap_up "$log" "$iface" 02:00:00:00:00:01 198.18.0.1/24; then
	tern_log "tern-echo did not come up:"
	cat "$log" >&2
	exit 1
fi
sed -n '/: tern /,/: running/p' "$log"

echo
tern_log "the kernel (198.18.0.1) pings tern (198.18.0.2) $pings times"
ping_out=$(ip netns exec "$TERN_NS" ping -n -c "$pings" -i 0.2 -W 2 \
	198.18.0.2 2>&1)
ping_rc=$?
echo "$ping_out"
echo
tern_log "the kernel's neighbour entry for tern:"
ip -n "$TERN_NS" neigh show 198.18.0.2 dev "$iface"

kill -INT "$TERN_ECHO_PID"
wait "$TERN_ECHO_PID"
echo_rc=$?
TERN_ECHO_PID=
echo
tern_log "tern-echo stopped (exit status $echo_rc); what it counted:"
sed -n '/: stopped/,$p' "$log"

ns=$TERN_NS
tern_cleanup
if ip netns list | grep -qw "$ns"; then
	tern_log "namespace $ns still present"
	exit 1
fi
if [ "$ping_rc" -ne 0 ] || [ "$echo_rc" -ne 0 ]; then
	tern_log "FAILED: ping exit $ping_rc, tern-echo exit $echo_rc"
	exit 1
fi
tern_log "OK: $pings pings answered; namespace $ns removed"
