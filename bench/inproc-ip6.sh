#!/usr/bin/env bash
# tern-inproc over IPv6 (issue 16): the same lockstep loads over IPv4
# and over --ip6 (2001:2::1 and ::2, DAD done before the load), and
# each IPv6 run held to what its IPv4 twin does.
# Asserted on the runs' JSON: family 6; every request answered
# (client and server counts); no failed connection, no retransmission;
# the load's virtual time within half a second of IPv4's (a load
# started during DAD waits the second DAD takes for its first neighbour
# resolution: no NS from a tentative address); the same requests,
# responses and bytes received as over IPv4 (the same response), and
# one byte more sent per request (the request's Host: [2001:2::1] is a
# byte longer than 198.18.0.1); the mbuf pools back to where they were before the load;
# in rps, every response head after the first compared, not parsed.
# tern-inproc itself fails on an error, an mbuf left after teardown, or
# a datagram of the other family delivered.
#   bench/inproc-ip6.sh TERN_INPROC
set -uo pipefail
bin=${1:?tern-inproc binary}
tmp=$(mktemp -d /tmp/tern-inproc-ip6.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run() {
	local name=$1
	shift

	"$bin" -l 0 --no-pci --no-huge --no-shconf -m 1024 --log-level=4 -- \
		--lockstep --quiet --max-conns 4096 --max-tw 4096 \
		--mbufs 16384 --ring-size 8192 "$@" >"$tmp/$name.json" ||
		{ echo "inproc-ip6: tern-inproc $name failed"; exit 1; }
}

# check NAME ASKED: NAME.6.json against NAME.4.json.
check() {
	/usr/bin/python3 - "$tmp/$1.4.json" "$tmp/$1.6.json" "$2" "$1" <<'PY'
import json, sys
r4, r6 = (json.load(open(f)) for f in sys.argv[1:3])
asked, name = int(sys.argv[3]), sys.argv[4]
h = r6["httpd"]
same = ("connects", "requests", "responses", "rx_bytes")
host_extra = len("[2001:2::1]") - len("198.18.0.1")
print(f"inproc-ip6: {name}: family {r6['family']}, {r6['responses']} of "
      f"{asked} requests answered (server ok {h['ok']}), failed "
      f"{r6['failed']}, retransmits {r6['retransmits']}, virtual time "
      f"{r6['elapsed_s']:.6f} s (IPv4 {r4['elapsed_s']:.6f} s), "
      + ", ".join(f"{k} {r6[k]} (IPv4 {r4[k]})" for k in same + ("tx_bytes",))
      + f", mbufs after the run less before {r6['mbufs_run_growth']}")
ok = (r4["family"] == 4 and r6["family"] == 6 and
      r6["responses"] >= asked and h["ok"] == h["requests"] and
      h["ok"] >= asked and h["errors"] == 0 and r6["failed"] == 0 and
      r6["retransmits"] == 0 and
      r6["elapsed_s"] < r4["elapsed_s"] + 0.5 and
      r6["mbufs_run_growth"] == 0 and
      r6["mbufs_leaked"] == 0 and all(r6[k] == r4[k] for k in same) and
      r6["tx_bytes"] == r4["tx_bytes"] + host_extra * r6["requests"])
# One response per segment (rps, P=1): tern-load parsed the first head
# and compared every later one with it. The same bytes each time: the
# run's virtual time stays within one second of tern-httpd's Date (a
# longer run would parse once more per second, at each new Date).
if name == "rps":
    print(f"inproc-ip6: rps: heads compared {r6['heads_compared']} "
          f"(IPv4 {r4['heads_compared']})")
    ok = ok and all(r["heads_compared"] == r["responses"] - 1
                    for r in (r4, r6))
sys.exit(0 if ok else 1)
PY
}

# pair NAME ASKED ARGS...: the load over IPv4, then over IPv6.
pair() {
	local name=$1 asked=$2
	shift 2

	run "$name.4" "$@"
	run "$name.6" "$@" --ip6
	check "$name" "$asked" || exit 1
}

pair cps 500 --mode cps --conns 16 --requests 500
pair rps 4000 --mode rps --conns 16 --pipeline 1 --requests 4000
pair rps-pipelined 5000 --mode rps --conns 8 --pipeline 16 --requests 5000
# software checksums over the IPv6 pseudo-header, both ways
pair no-offload 500 --mode rps --conns 4 --requests 500 --no-offload \
	--body-size 3001
# 2 workers a side: IPv6 flows spread by the Toeplitz table
pair workers 2000 --mode cps --conns 16 --requests 2000 --workers 2
