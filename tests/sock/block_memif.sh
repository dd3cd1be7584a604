#!/usr/bin/env bash
# vdev: blocking sockets under the DPDK runtime (test_sock_block.c).
#   block_memif.sh TEST_SOCK_BLOCK
# Two processes over a net_memif pair, a blocking-socket server and
# client: blocking accept, connect, read and write, and the timeouts of
# SO_RCVTIMEO, SO_SNDTIMEO, epoll_wait, poll and the SYN retries,
# expiring with Linux's errno. The client's gateway is the server, which
# drops what is not for its address: a black hole for connect().
set -uo pipefail
bin=${1:-}
TERN_LOG_TAG="sock-block-memif"
# shellcheck source=scripts/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

[ -x "$bin" ] || { tern_log "no test binary at '$bin'"; exit 1; }
tern_scratch tern-block
fail() { tern_scratch_fail "$@"; }

sock=tern-block-$$
slog=$tmp/server.log
clog=$tmp/client.log
client_lcore=0
[ "$(nproc)" -gt 1 ] && client_lcore=1
# --hold-port: both stop polling before either closes its port (the
# memif PMD of DPDK 22.11, see tests/interop/vdev_runtime.sh).
# shellcheck disable=SC2046 # the EAL memory options are words
"$bin" -l 0 $(tern_eal_mem_args) \
	--vdev="net_memif0,role=server,socket=$sock" -- \
	--ip 198.18.0.2/24 --duration 60 --hold-port on --role server \
	>"$slog" 2>&1 &
spid=$!
pids+=("$spid")
tern_wait_until 40 tern_log_has "$slog" '^server: listening' ||
	fail "the server did not reach its blocking accept"
# shellcheck disable=SC2046
"$bin" -l "$client_lcore" $(tern_eal_mem_args) \
	--vdev="net_memif0,role=client,socket=$sock" -- \
	--ip 198.18.0.3/24 --gw 198.18.0.2 --duration 60 --hold-port on \
	--set tcp.syn_retries=1 --set tcp.rto_initial_ms=300 \
	--role client --peer 198.18.0.2 --black-hole 198.18.7.7 \
	>"$clog" 2>&1 &
cpid=$!
pids+=("$cpid")
tern_wait_until 90 tern_log_has "$clog" ': holding the port' ||
	fail "the client did not finish"
tern_wait_until 30 tern_log_has "$slog" ': holding the port' ||
	fail "the server did not finish"
kill -INT "$cpid"
wait "$cpid"
crc=$?
kill -INT "$spid"
wait "$spid"
src=$?
pids=()
[ "$crc" -eq 0 ] || fail "the client exited $crc"
[ "$src" -eq 0 ] || fail "the server exited $src"
tern_log_has "$clog" '^client: OK' || fail "the client's steps failed"
tern_log_has "$slog" '^server: OK' || fail "the server's steps failed"
tern_log_has "$clog" '^client: 0 descriptors open' ||
	fail "the client left descriptors open"
tern_log_has "$slog" '^server: 0 descriptors open' ||
	fail "the server left descriptors open"
grep -E '^(client|server):' "$clog" "$slog"
tern_log PASS
