#!/usr/bin/env bash
# interop: the socket examples (app/tern-sock-*) against the kernel,
# each source built twice -- on tern_socket.h over net_tap, and on the
# kernel's sockets (-kernel) inside the same kind of namespace -- and
# held to the same checks (docs/sockets.md):
#   sock_apps.sh echo BINARY: socat echoes 64 MiB of random bytes
#     through the server, byte-exact, and the server's account agrees.
#   sock_apps.sh httpd BINARY: wrk, 64 connections for 3 s, no error
#     of any kind, and the server counted no bad request.
#   sock_apps.sh echo6 BINARY: the echo over IPv6 (the example's
#     dual-stack AF_INET6 listener), then one more over IPv4 to the
#     same listener (v4-mapped).
#   sock_apps.sh httpd6 BINARY: the wrk check over IPv6.
# A BINARY whose name ends in -kernel runs on Linux sockets at
# 127.0.0.1 and ::1; otherwise on tern at 198.18.0.2 and 2001:2::2.
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

TERN_IP6=2001:2::2
KERNEL_IP6=2001:2::1

# The kernel side of the tap on IPv6, as tests/interop/ping6.sh sets it
# up, until tern answers a ping (its DAD takes a second).
kernel_ipv6_up() {
	ip -n "$TERN_NS" addr add "$KERNEL_IP6/64" dev "$INTEROP_IFACE" nodad ||
		interop_fail "cannot give the kernel side $KERNEL_IP6"
	if ! ip -n "$TERN_NS" -6 addr flush dev "$INTEROP_IFACE" scope link ||
	   ! ip -n "$TERN_NS" addr add fe80::ff:fe00:1/64 \
		dev "$INTEROP_IFACE" nodad; then
		interop_fail "cannot give the kernel side a link-local address"
	fi
	tern_wait_until 20 ip netns exec "$TERN_NS" ping -6 -n -c 1 -W 1 \
		"$TERN_IP6" ||
		interop_fail "tern never answered a ping over IPv6"
}

# start_server PORT [ipv6]: the app listening on PORT; sets $server_ip
# (and $server_ip6 with ipv6).
start_server() {
	local port=$1 v6=${2:-}

	if [ "$stack" = tern ]; then
		if [ -n "$v6" ]; then
			interop_start "tsk${app:0:1}" "$bin" --port "$port" \
				--ip6 "$TERN_IP6/64"
			kernel_ipv6_up
		else
			interop_start "tsk${app:0:1}" "$bin" --port "$port"
		fi
		server_ip=$INTEROP_TERN_IP
		server_ip6=$TERN_IP6
		return
	fi
	server_ip6=::1
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

# echo_through TARGET BYTES: socat sends BYTES random bytes to TARGET
# and they must come back intact.
echo_through() {
	local target=$1 n=$2

	head -c "$n" /dev/urandom >"$INTEROP_TMP/sent"
	ip netns exec "$TERN_NS" timeout 120 socat -t 30 - \
		"$target,connect-timeout=10" \
		<"$INTEROP_TMP/sent" >"$INTEROP_TMP/received" ||
		interop_fail "socat to $target failed"
	cmp "$INTEROP_TMP/sent" "$INTEROP_TMP/received" ||
		interop_fail "echo through $target differs: sent $n bytes," \
			"got $(stat -c %s "$INTEROP_TMP/received")"
	tern_log "echoed $n bytes intact through $target ($stack)"
}

echo6_test() {
	local v4=$((1 << 20))

	start_server 7 ipv6
	echo_through "TCP6:[$server_ip6]:7" "$bytes"
	echo_through "TCP4:$server_ip:7" "$v4"
	stop_server
	tern_log_has "$INTEROP_LOG" \
		"server: accepted 2, closed 2, echoed $((bytes + v4)) bytes" ||
		interop_fail "the server's own account differs"
}

# httpd_test [ipv6]: wrk against the server, over IPv6 with ipv6.
httpd_test() {
	local out=$INTEROP_TMP/wrk.out requests v6=${1:-} host

	start_server 80 "$v6"
	host=$server_ip
	[ -n "$v6" ] && host="[$server_ip6]"
	ip netns exec "$TERN_NS" timeout 30 wrk -t 2 -c 64 -d 3s \
		--timeout 2s "http://$host:80/" >"$out" 2>&1 ||
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
echo6) interop_run_scenario echo6_test ;;
httpd6) interop_run_scenario httpd_test ipv6 ;;
httpd) interop_run_scenario httpd_test ;;
*) echo "usage: $0 echo|echo6|httpd|httpd6 BINARY" >&2; exit 2 ;;
esac
