#!/usr/bin/env bash
# The socket layer's price, in one run (docs/sockets.md, "Cost"):
# tern-httpd's callback core against tern-sock-httpd's epoll loop on
# tern_socket.h, both serving bench/tern-inproc's client on the same
# in-memory wire.
#   - requests/s: keep-alive, 64 connections, 3 s, alternating runs
#     (ROUNDS of each; the median is reported);
#   - instructions per keep-alive request on the server (callgrind,
#     lockstep, as bench/callgrind.sh: (I(12000) - I(4000)) / 8000).
#
#   bench/sock-vs-native.sh BUILD_DIR [ROUNDS]
set -uo pipefail

build=${1:?build dir}
rounds=${2:-3}
inproc="$build/bench/tern-inproc"
eal_thr="-l 0,1 --no-pci --no-huge --no-shconf -m 1024 --log-level=1"
eal_cg="-l 0 --no-pci --no-huge --no-shconf -m 512 --log-level=1"
lock="--lockstep --quiet --max-conns 8192 --max-tw 8192 --mbufs 16384 \
	--ring-size 16384 --seed 1"
work=$(mktemp -d /tmp/tern-sockbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# rate SERVER_ARGS...: requests/s of one threaded run.
rate() {
	# shellcheck disable=SC2086
	"$inproc" $eal_thr -- --mode rps --conns 64 --pipeline 1 --time 3 \
		--quiet "$@" 2>/dev/null |
		sed -nE 's/.*"rate":([0-9.]+).*"proto_errors":0.*/\1/p'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }'
}

# ir NAME N SERVER_ARGS...: callgrind instructions of the server's steps.
ir() {
	local name=$1 n=$2
	shift 2

	# shellcheck disable=SC2086
	valgrind --tool=callgrind --callgrind-out-file="$work/$name-$n.cg" \
		--toggle-collect=srv_step --toggle-collect=srv_tx_flush \
		"$inproc" $eal_cg -- $lock --requests "$n" --mode rps \
		--conns 16 --pipeline 1 "$@" >/dev/null 2>&1 || return 1
	awk '/^(summary|totals):/ { print $2; exit }' "$work/$name-$n.cg"
}

for _ in $(seq "$rounds"); do
	rate >>"$work/native.rps"
	rate --sock-server >>"$work/sock.rps"
done
native_rps=$(median <"$work/native.rps")
sock_rps=$(median <"$work/sock.rps")
if ! n1=$(ir native 4000) || ! n2=$(ir native 12000) ||
	! s1=$(ir sock 4000 --sock-server) ||
	! s2=$(ir sock 12000 --sock-server); then
	echo "callgrind failed" >&2
	exit 1
fi
native_ir=$(( (n2 - n1) / 8000 ))
sock_ir=$(( (s2 - s1) / 8000 ))
printf '{"native_rps":%s,"sock_rps":%s,"native_ir_per_request":%s,' \
	"$native_rps" "$sock_rps" "$native_ir"
printf '"sock_ir_per_request":%s,"sock_extra_ir_per_request":%s}\n' \
	"$sock_ir" "$(( sock_ir - native_ir ))"
