#!/usr/bin/env bash
# interop: the socket examples (app/tern-sock-*) against the kernel,
# each source built twice -- on tern_socket.h over net_tap, and on the
# kernel's sockets (-kernel) inside the same kind of namespace -- and
# held to the same checks (docs/sockets.md):
#   sock_apps.sh echo BINARY: socat echoes 64 MiB of random bytes
#     through the server, byte-exact, and the server's account agrees.
#   sock_apps.sh httpd BINARY: wrk, 64 connections for 3 s, no error
#     of any kind, and the server counted no bad request.
# A BINARY whose name ends in -kernel runs on Linux sockets at
# 127.0.0.1; otherwise on tern at 198.18.0.2.
set -uo pipefail
app=${1:-}
bin=${2:-}
case "$bin" in
*-kernel) stack=kernel ;;
*) stack=tern ;;
esac
TERN_LOG_TAG=interop-sock-$app-$stack
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

bytes=${TERN_INTEROP_BYTES:-$((64 << 20))}
KERNEL_APP_PID=

# start_server PORT: the app listening on PORT; sets $server_ip.
start_server() {
	local port=$1

	if [ "$stack" = tern ]; then
		interop_start "tsk${app:0:1}" "$bin" --port "$port"
		server_ip=$INTEROP_TERN_IP
		return
	fi
	interop_setup "ksk${app:0:1}"
	ip netns exec "$TERN_NS" "$bin" --port "$port" --duration 60 \
		>"$INTEROP_LOG" 2>&1 &
	KERNEL_APP_PID=$!
	INTEROP_PIDS+=("$KERNEL_APP_PID")
	tern_wait_until 10 tern_log_has "$INTEROP_LOG" 'listening on port' ||
		interop_fail "the kernel build did not start"
	server_ip=127.0.0.1
}

stop_server() {
	local rc

	if [ "$stack" = tern ]; then
		interop_stop
		return
	fi
	kill -INT "$KERNEL_APP_PID"
	wait "$KERNEL_APP_PID"
	rc=$?
	[ "$rc" -eq 0 ] || interop_fail "the kernel build exited with $rc"
	cat "$INTEROP_LOG"
}

echo_test() {
	start_server 7
	head -c "$bytes" /dev/urandom >"$INTEROP_TMP/sent"
	ip netns exec "$TERN_NS" timeout 120 socat -t 30 - \
		"TCP:$server_ip:7,connect-timeout=10" \
		<"$INTEROP_TMP/sent" >"$INTEROP_TMP/received" ||
		interop_fail "socat failed"
	cmp "$INTEROP_TMP/sent" "$INTEROP_TMP/received" ||
		interop_fail "echo differs: sent $bytes bytes, got" \
			"$(stat -c %s "$INTEROP_TMP/received")"
	tern_log "echoed $bytes bytes intact ($stack)"
	stop_server
	tern_log_has "$INTEROP_LOG" \
		"server: accepted 1, closed 1, echoed $bytes bytes" ||
		interop_fail "the server's own account differs"
}

httpd_test() {
	local out=$INTEROP_TMP/wrk.out requests

	start_server 80
	ip netns exec "$TERN_NS" timeout 30 wrk -t 2 -c 64 -d 3s \
		--timeout 2s "http://$server_ip:80/" >"$out" 2>&1 ||
		interop_fail "wrk failed: $(cat "$out")"
	cat "$out"
	requests=$(awk '/requests in/ { print $1 }' "$out")
	[ "${requests:-0}" -gt 0 ] || interop_fail "wrk made no request"
	! grep -qE 'Socket errors|Non-2xx' "$out" ||
		interop_fail "wrk saw errors"
	stop_server
	tern_log_has "$INTEROP_LOG" "httpd: accepted [0-9]+, closed [0-9]+, requests [0-9]+, errors 0$" ||
		interop_fail "the server counted errors"
}

interop_require_root_netns
interop_require_cmd socat wrk
case "$app" in
echo) interop_run_scenario echo_test ;;
httpd) interop_run_scenario httpd_test ;;
*) echo "usage: $0 echo|httpd BINARY" >&2; exit 2 ;;
esac
