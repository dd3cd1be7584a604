# shellcheck shell=bash
# Shared by scripts/demo.sh, scripts/test.sh and tests/interop/*.sh:
# source it, do not run it. One place decides the EAL memory arguments
# (hugepages or --no-huge), builds, and runs tern-echo on net_tap inside
# a network namespace that is always removed again.

TERN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

tern_log() {
	printf '%s: %s\n' "${TERN_LOG_TAG:-tern}" "$*"
}

# tern_scratch PREFIX: a scratch directory, $tmp, for the logs of the
# processes a test starts (their PIDs go in the array pids); at exit
# every one of them is killed and the directory removed.
# tern_scratch_fail MSG: report MSG and every log in $tmp, then exit 1.
tern_scratch() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	pids=()
	trap tern_scratch_end EXIT
}

tern_scratch_end() {
	local p

	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}

tern_scratch_fail() {
	local f

	tern_log "FAIL: $*"
	for f in "$tmp"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $f"
		cat "$f"
	done
	exit 1
}

# Free 2 MiB hugepages (0 when the kernel has none).
tern_free_hugepages() {
	local f=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages

	if [ -r "$f" ]; then cat "$f"; else echo 0; fi
}

# EAL memory arguments, on one line. With free hugepages (256 MiB worth)
# and hugetlbfs mounted: --in-memory (nothing left in /dev/hugepages or
# /var/run/dpdk). Without: --no-huge, which DPDK 22.11 refuses together
# with --in-memory, so --no-shconf keeps processes from sharing (and
# fighting over) /var/run/dpdk/rte instead.
tern_eal_mem_args() {
	if [ "${TERN_NO_HUGE:-0}" != 1 ] &&
	   [ "$(tern_free_hugepages)" -ge 128 ] &&
	   grep -q hugetlbfs /proc/mounts; then
		echo "--in-memory -m 256"
	else
		echo "--no-huge -m 512 --no-shconf"
	fi
}

# tern_build DIR [meson setup options...]: configure (once; an existing
# DIR gets the options again, so that -Dwerror=true holds there too),
# then ninja. Environment such as CC applies only when DIR is new.
tern_build() {
	local dir=$1
	shift

	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$TERN_ROOT" "$@" >/dev/null ||
			meson setup --wipe "$dir" "$TERN_ROOT" "$@" || return 1
	elif [ $# -gt 0 ]; then
		meson configure "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

# tern_wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s until it
# succeeds; 1 when SECONDS pass first. For processes outside our control
# (the kernel creating an interface), never for protocol timing.
tern_wait_until() {
	local deadline=$((SECONDS + $1))
	shift

	until "$@" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# Namespace and process bookkeeping, undone by tern_cleanup.
TERN_NS=
TERN_ECHO_PID=

# tern_netns_create PREFIX: a fresh namespace named PREFIX-<pid>.
tern_netns_create() {
	TERN_NS="$1-$$"
	ip netns add "$TERN_NS" || return 1
	ip -n "$TERN_NS" link set lo up
}

# Stop what we started (by PID), then remove the namespace; taps die
# with the process that holds them. Safe to call twice.
tern_cleanup() {
	local i

	if [ -n "$TERN_ECHO_PID" ] && kill -0 "$TERN_ECHO_PID" 2>/dev/null; then
		kill -TERM "$TERN_ECHO_PID" 2>/dev/null
		for i in $(seq 50); do
			kill -0 "$TERN_ECHO_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$TERN_ECHO_PID" 2>/dev/null
		wait "$TERN_ECHO_PID" 2>/dev/null
	fi
	TERN_ECHO_PID=
	if [ -n "$TERN_NS" ]; then
		ip netns del "$TERN_NS" 2>/dev/null
		TERN_NS=
	fi
}

# tern_echo_start BINARY LOG IFACE [-- app options...]: run tern-echo on
# a net_tap port named IFACE inside $TERN_NS, in the background.
tern_echo_start() {
	local bin=$1 log=$2 iface=$3
	shift 3
	# shellcheck disable=SC2046
	ip netns exec "$TERN_NS" "$bin" -l 0 $(tern_eal_mem_args) \
		--vdev="net_tap0,iface=$iface" "$@" >"$log" 2>&1 &
	TERN_ECHO_PID=$!
}

# tern_tap_up LOG IFACE MAC ADDR/LEN: wait until tern-echo (writing LOG)
# has started its port, then give the kernel side of the tap its own MAC
# and an address. Not earlier: rte_eth_dev_start() restores the port's
# MAC, and net_tap applies it to the kernel side too.
tern_tap_up() {
	local log=$1 iface=$2 mac=$3 addr=$4

	tern_wait_until 30 tern_log_has "$log" ': running' || return 1
	ip -n "$TERN_NS" link show "$iface" >/dev/null &&
		ip -n "$TERN_NS" link set "$iface" address "$mac" &&
		ip -n "$TERN_NS" addr add "$addr" dev "$iface" &&
		ip -n "$TERN_NS" link set "$iface" up
}

# tern_log_has LOG PATTERN: grep -E quietly.
tern_log_has() {
	grep -qE "$2" "$1"
}

# tern_counter LOG NAME: the value tern printed for counter NAME (0 when
# not printed: only non-zero counters are).
tern_counter() {
	awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"
}

# tern_port_mac LOG: the MAC tern's banner shows, lower case.
tern_port_mac() {
	sed -nE 's/.* mac ([0-9A-Fa-f:]{17}).*/\1/p' "$1" | head -n1 |
		tr 'A-F' 'a-f'
}
