#!/usr/bin/env bash
# Interop: tern-httpd on net_tap against the Linux kernel's HTTP clients
# (curl, wrk, raw sockets from socat) inside a network namespace of its
# own, 198.18.5.0/24. Exits 77 (skipped) without root or ip netns, or
# when curl/wrk/socat are missing.
#
#   bench/interop-httpd.sh BUILD_DIR
set -uo pipefail

BENCH_TAG=interop-httpd
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build=${1:?build dir}
httpd="$build/app/tern-httpd"
iface=tih0
srv=198.18.5.2
url="http://$srv"
failures=0
log=

bench_need_root
for tool in curl wrk socat; do
	if ! command -v "$tool" >/dev/null; then
		bench_log "SKIP: $tool missing"
		exit 77
	fi
done

finish() {
	bench_cleanup
	[ -z "$log" ] || rm -f "$log" "$log".*
}
trap finish EXIT
trap 'exit 130' INT TERM

check() {
	local what=$1
	shift
	if "$@"; then
		bench_log "ok: $what"
	else
		bench_log "FAIL: $what"
		failures=$((failures + 1))
	fi
}

# raw REQUEST_BYTES: send them in one write, print all the server says
# until it closes (or 20 s pass: a bound, not a timing).
raw() {
	printf '%b' "$1" | bench_in_ns timeout 30 socat -t 20 - "TCP:$srv:80"
}

log=$(mktemp /tmp/tern-interop-httpd.XXXXXX)
bench_netns tern-ih || exit 1
# --duration bounds the server even if this script is killed outright.
bench_bg_ns "$log" "$httpd" -l 0 $(bench_eal_mem 512) \
	--vdev="net_tap0,iface=$iface" -- --ip "$srv/24" --duration 120
pid=$BENCH_LAST_PID
if ! bench_tap_up "$log" "$iface" 02:00:00:00:05:01 198.18.5.1/24; then
	bench_log "tern-httpd did not come up:"
	cat "$log" >&2
	exit 1
fi

# 1. A page, with the right Content-Length.
out=$(bench_in_ns curl -s --max-time 20 -D "$log.h" -o "$log.body" \
	-w '%{http_code} %{size_download}' "$url/")
len=$(awk 'tolower($1) == "content-length:" { print $2 + 0 }' "$log.h")
check "GET / is 200 with the hello page" \
	test "$out" = "200 $len" -a "$len" -gt 0
check "the page is the hello page" grep -q "hello from tern-httpd" "$log.body"
check "Date and Server fields" grep -qE '^(Date: .* GMT|Server: tern-httpd)' \
	"$log.h"

# 2. Keep-alive: curl reuses the connection for a second URL.
out=$(bench_in_ns curl -s --max-time 20 -o /dev/null -o /dev/null \
	-w '%{num_connects} ' "$url/a" "$url/b")
check "keep-alive: two requests, one connection" test "$out" = "1 0 "

# 3. HEAD: the fields of GET, no body.
out=$(bench_in_ns curl -s --max-time 20 -I -w '%{size_download}' "$url/")
check "HEAD: Content-Length of the page, no body" \
	bash -c "grep -qi 'content-length: $len' <<<\"\$1\" &&
		 [ \"\${1##*$'\n'}\" = 0 ]" _ "$out"

# 4. Connection: close, and HTTP/1.0: answered, then closed by the server.
out=$(raw "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check "Connection: close is answered and closed" \
	bash -c 'grep -q "^Connection: close" <<<"$1" &&
		 [ "$(grep -c "^HTTP/1.1 200" <<<"$1")" = 1 ]' _ "$out"
out=$(raw "GET / HTTP/1.0\r\n\r\n")
check "HTTP/1.0 without keep-alive is answered and closed" \
	bash -c 'grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"
out=$(bench_in_ns curl -s -0 --max-time 20 -o /dev/null -w '%{http_code}' \
	"$url/")
check "curl --http1.0" test "$out" = 200

# 5. Pipelining: three requests in one write, three answers in order.
out=$(raw "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
check "pipelining: three responses, the last closes" \
	bash -c '[ "$(grep -c "^HTTP/1.1 200" <<<"$1")" = 3 ] &&
		 [ "$(grep -c "hello from tern-httpd" <<<"$1")" = 2 ]' _ "$out"

# 6. Malformed and oversized requests: 400 / 431, then closed.
out=$(raw "GARBAGE\r\n\r\n")
check "malformed request: 400" grep -q "^HTTP/1.1 400" <<<"$out"
out=$(raw "GET / HTTP/1.1\r\n\r\n")
check "HTTP/1.1 without Host: 400" grep -q "^HTTP/1.1 400" <<<"$out"
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
out=$(raw "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n")
check "a 9 KB head: 431" grep -q "^HTTP/1.1 431" <<<"$out"

# 7. Request bodies are skipped: Content-Length and chunked.
head -c 200000 /dev/urandom >"$log.post"
out=$(bench_in_ns curl -s --max-time 30 -o /dev/null -o /dev/null \
	-w '%{http_code}' --data-binary @"$log.post" "$url/upload" "$url/after")
check "POST of 200 KB (Content-Length), then GET on the same connection" \
	test "$out" = 200200
out=$(bench_in_ns curl -s --max-time 30 -o /dev/null -w '%{http_code}' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$log.post" "$url/up")
check "chunked POST of 200 KB" test "$out" = 200
out=$(raw "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
check "Expect: 100-continue gets 100, then 200" \
	bash -c 'grep -q "^HTTP/1.1 100 Continue" <<<"$1" &&
		 grep -q "^HTTP/1.1 200" <<<"$1"' _ "$out"

# 8. wrk, bounded to 3 s: load without errors.
bench_in_ns wrk -t1 -c32 -d3s --timeout 20s "$url/" >"$log.wrk" 2>&1
reqs=$(awk '/requests in/ { print $1 }' "$log.wrk")
check "wrk: requests served ($reqs)" test "${reqs:-0}" -gt 100
check "wrk: no socket errors, no non-2xx" \
	bash -c '! grep -qE "Socket errors|Non-2xx" "$1"' _ "$log.wrk"

# 9. tern-httpd stops cleanly, having counted what we did to it.
bench_stop "$pid"
rc=$?
check "tern-httpd exits 0 (no mbuf leaked)" test "$rc" = 0
check "tern-httpd counted 3 error responses" \
	grep -q "errors 3," "$log"
check "tern-httpd: no resets for held input, no allocation failure" \
	grep -q "reset for held input 0, out of memory 0" "$log"
check "tern-httpd: every lingering close ended by the client" \
	grep -q "lingering closes timed out 0, reset while lingering 0" "$log"

if [ "$failures" -ne 0 ]; then
	bench_log "$failures check(s) failed; tern-httpd said:"
	tail -40 "$log" >&2
	exit 1
fi
bench_log "all checks passed"
