#!/usr/bin/env bash
# tern-inproc with 2 workers a side (issue 10): each side's workers on
# their own queue pair of the in-memory wire, lockstep (exactly
# repeatable). Two workloads, cps and pipelined keep-alive requests,
#   rss:    the sender puts each frame on the queue the receiver's
#           Toeplitz key and table name, as a NIC's RSS would: nothing
#           is steered;
#   no-rss: every frame lands on queue 0 (a port without RSS): worker 0
#           steers the other worker's flows to it in software.
# Asserted on the run's JSON: every request answered, the server's
# connections spread over both workers (neither below 30 %), the
# steered-frame count (0 / above 0), no steering ring drop, the mbuf
# pools back to where they were before the load; tern-inproc itself
# fails on a failed connection, an error or an mbuf left after teardown.
#   bench/inproc-workers.sh TERN_INPROC rss|no-rss
set -uo pipefail
bin=${1:?tern-inproc binary}
kind=${2:?rss or no-rss}
tmp=$(mktemp -d /tmp/tern-inproc-workers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

flags=(--workers 2)
[ "$kind" = no-rss ] && flags+=(--no-rss)

run() {
	local name=$1
	shift

	"$bin" -l 0 --no-pci --no-huge --no-shconf -m 1024 --log-level=4 -- \
		--lockstep --quiet --max-conns 4096 --max-tw 4096 \
		--mbufs 16384 --ring-size 8192 "${flags[@]}" "$@" \
		>"$tmp/$name.json" ||
		{ echo "inproc-workers: tern-inproc ($name, $kind) failed"; exit 1; }
}

check() {
	/usr/bin/python3 - "$tmp/$1.json" "$2" "$kind" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
asked, kind = int(sys.argv[2]), sys.argv[3]
srv, cli = r["server_workers"], r["client_workers"]
accepted = [w["accepted"] for w in srv]
steered = sum(w["steered_out"] for w in srv + cli)
taken = sum(w["steered_in"] for w in srv + cli)
ring_full = sum(w["steer_ring_full"] for w in srv + cli)
print(f"inproc-workers: {kind} {r['mode']}: {r['responses']} of {asked} "
      f"requests answered, server connections by worker {accepted}, "
      f"frames steered {steered} (taken {taken}), ring drops {ring_full}, "
      f"mbufs after the run less before {r['mbufs_run_growth']}")
h = r["httpd"]
# the window counts the requests asked for; the last of each worker's
# share may be answered after it (the server's counts have them all)
ok = (r["workers"] == 2 and r["responses"] >= asked and
      h["ok"] == h["requests"] and h["ok"] >= asked and
      r["failed"] == 0 and min(accepted) >= 0.3 * sum(accepted) and
      ring_full == 0 and taken == steered and r["mbufs_run_growth"] == 0 and
      r["mbufs_leaked"] == 0)
ok = ok and (steered == 0 if kind == "rss" else steered > 0)
sys.exit(0 if ok else 1)
PY
}

run cps --mode cps --conns 16 --requests 2000
check cps 2000 || exit 1
run rps --mode rps --conns 8 --pipeline 4 --requests 8000
check rps 8000 || exit 1
