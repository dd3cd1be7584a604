#!/usr/bin/env bash
# interop: the docs/api.md example, app/tern-hello, against the kernel:
# what the doc shows ("echo world | socat - TCP:198.18.0.2:8080" answers
# "hello, world") must stay true.
#   hello.sh TERN_HELLO_BINARY
set -uo pipefail
TERN_LOG_TAG=interop-hello
# shellcheck source=tests/interop/interop_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/interop_lib.sh"

interop_require_root_netns
interop_require_cmd socat
interop_start thello "${1:-}" --port 8080

reply=$(echo world | ip netns exec "$TERN_NS" timeout 20 socat -t 10 - \
	"TCP:$INTEROP_TERN_IP:8080,connect-timeout=10") ||
	interop_fail "socat failed"
tern_log "reply: '$reply'"
[ "$reply" = "hello, world" ] || interop_fail "expected 'hello, world'"

interop_stop
interop_expect_counter PassiveOpens -eq 1
interop_expect_counter OutRsts -eq 0
tern_log "PASS"
