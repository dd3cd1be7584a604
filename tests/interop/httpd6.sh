#!/usr/bin/env bash
# interop: wrk against tern-httpd over IPv6 on net_tap (2001:2::/48):
# 64 connections for 3 s, no error of any kind, and the server counted
# none. tern-httpd's listener is dual-stack: --ip6 is all it takes.
#   httpd6.sh TERN_HTTPD_BINARY
set -uo pipefail
TERN_LOG_TAG=interop-httpd6
export TERN_INTEROP_FAMILY=6
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

httpd_test() {
	local out=$INTEROP_TMP/wrk.out requests

	interop_start th6 "$1"
	ip netns exec "$TERN_NS" timeout 30 wrk -t 2 -c 64 -d 3s \
		--timeout 2s "http://[$INTEROP_TERN_IP]:80/" >"$out" 2>&1 ||
		interop_fail "wrk failed: $(cat "$out")"
	cat "$out"
	requests=$(awk '/requests in/ { print $1 }' "$out")
	[ "${requests:-0}" -gt 0 ] || interop_fail "wrk made no request"
	! grep -qE 'Socket errors|Non-2xx' "$out" ||
		interop_fail "wrk saw errors"
	interop_stop
	tern_log_has "$INTEROP_LOG" "tern-httpd: accepted [0-9]+, .*errors 0," ||
		interop_fail "the server counted errors"
	interop_expect_counter PassiveOpens -ge 64
	interop_expect_counter InCsumErrors -eq 0
	interop_expect_counter TCP6PeersFull -eq 0
}

interop_require_root_netns
interop_require_cmd wrk ping
interop_run_scenario httpd_test "${1:-}"
