# shellcheck shell=bash
# Shared by bench/run.sh and bench/interop-*.sh: source it, do not run it.
# Network namespaces (addresses from 198.18.0.0/15 only), net_tap ports
# for tern, processes started in the background and stopped by PID, and
# everything undone by bench_cleanup (call it from an EXIT trap).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_NS=
BENCH_PIDS=()

bench_log() {
	printf '%s: %s\n' "${BENCH_TAG:-bench}" "$*" >&2
}

# bench_build DIR: configure once, then ninja (quietly unless it fails).
bench_build() {
	local dir=$1

	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$BENCH_ROOT" >/dev/null ||
			meson setup --wipe "$dir" "$BENCH_ROOT" || return 1
	fi
	ninja -C "$dir" >/dev/null 2>&1 || ninja -C "$dir"
}

# EAL memory arguments for a process that needs MB megabytes. Without
# free hugepages (the default here) --no-huge; --no-shconf keeps
# concurrent processes from sharing /var/run/dpdk.
bench_eal_mem() {
	echo "--no-huge -m ${1:-1024} --no-shconf --no-pci --log-level=4"
}

# bench_wait SECONDS COMMAND...: poll COMMAND every 0.1 s until it
# succeeds; 1 when SECONDS pass first. For processes outside our control
# (the kernel creating an interface), never for protocol timing.
bench_wait() {
	local deadline=$((SECONDS + $1))
	shift

	until "$@" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# bench_netns PREFIX: a fresh namespace PREFIX-<pid> with lo up.
bench_netns() {
	BENCH_NS="$1-$$"
	ip netns add "$BENCH_NS" || return 1
	ip -n "$BENCH_NS" link set lo up
}

bench_in_ns() {
	ip netns exec "$BENCH_NS" "$@"
}

# bench_bg LOG COMMAND...: start COMMAND in the background, output to
# LOG; its PID is remembered for bench_stop / bench_cleanup.
bench_bg() {
	local log=$1
	shift

	"$@" >"$log" 2>&1 &
	BENCH_PIDS+=("$!")
	BENCH_LAST_PID=$!
}

# bench_bg_ns LOG COMMAND...: bench_bg inside the namespace. ip netns
# exec replaces itself with COMMAND, so the PID is COMMAND's own (a shell
# function in between would leave COMMAND out of reach of bench_stop).
bench_bg_ns() {
	local log=$1
	shift

	bench_bg "$log" ip netns exec "$BENCH_NS" "$@"
}

# bench_stop PID: SIGINT, then SIGKILL after 5 s; returns its status.
bench_stop() {
	local pid=$1 i rc

	kill -INT "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	BENCH_PIDS=("${BENCH_PIDS[@]/$pid}")
	return "$rc"
}

# Stop what we started (by PID), then remove the namespace. Twice is safe.
bench_cleanup() {
	local pid

	for pid in "${BENCH_PIDS[@]}"; do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && bench_stop "$pid"
	done
	BENCH_PIDS=()
	if [ -n "$BENCH_NS" ]; then
		ip netns del "$BENCH_NS" 2>/dev/null
		BENCH_NS=
	fi
}

# bench_tap_up LOG IFACE MAC ADDR/LEN: once the tern process logging to
# LOG runs (its port started: net_tap sets the kernel side's MAC to the
# port's own when the port starts, so any earlier change is undone),
# give the kernel side its own MAC and an address.
bench_tap_up() {
	local log=$1 iface=$2 mac=$3 addr=$4

	bench_wait 30 grep -q ': running' "$log" || return 1
	ip -n "$BENCH_NS" link set "$iface" address "$mac" &&
		ip -n "$BENCH_NS" addr add "$addr" dev "$iface" &&
		ip -n "$BENCH_NS" link set "$iface" up
}

# bench_scratch PREFIX: a scratch directory, $tmp; at exit (or on a
# signal) bench_cleanup runs and the directory is removed.
bench_scratch() {
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	trap bench_scratch_end EXIT
	trap 'exit 130' INT TERM
}

bench_scratch_end() {
	bench_cleanup
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
}

# bench_check WHAT COMMAND...: run COMMAND, log "ok: WHAT" or
# "FAIL: WHAT"; failures count in BENCH_FAILURES.
BENCH_FAILURES=0
bench_check() {
	local what=$1
	shift
	if "$@"; then
		bench_log "ok: $what"
	else
		bench_log "FAIL: $what"
		BENCH_FAILURES=$((BENCH_FAILURES + 1))
	fi
}

# bench_need_root: exit 77 (meson: skipped) unless root with ip netns.
bench_need_root() {
	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null ||
	   ! ip netns list >/dev/null 2>&1; then
		bench_log "SKIP: needs root and ip netns"
		exit 77
	fi
}

# bench_json_get FILE KEY: a top-level value of a one-line JSON record.
bench_json_get() {
	/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
v = d
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2"
}
