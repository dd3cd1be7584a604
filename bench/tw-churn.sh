#!/usr/bin/env bash
# TIME_WAIT under churn (issue 10): tern-inproc --lockstep, cps with the
# server closing first (server-side TIME_WAIT), run past 2 MSL with a
# shortened MSL (1 ms: 2 MSL is then 2 ms of virtual time, the run lasts
# about 20). Twice:
#   under the cap: the population plateaus (rate x 2 MSL), records live
#     out 2 MSL (TWExpired), none recycled, the heap does not move;
#   at the cap (max_tw 4096): the population stops at the cap and the
#     oldest records are recycled (TWRecycled), the heap does not move.
# Every run also passes tern-inproc's own checks (counts, no failure, no
# mbuf left).
#   bench/tw-churn.sh TERN_INPROC
set -uo pipefail
bin=${1:?tern-inproc binary}
tmp=$(mktemp -d /tmp/tern-tw-churn.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run() {
	local name=$1 max_tw=$2

	"$bin" -l 0 --no-pci --no-huge --no-shconf -m 1024 --log-level=4 -- \
		--lockstep --quiet --max-conns 4096 --max-tw "$max_tw" \
		--mbufs 16384 --ring-size 8192 --mode cps --server-closes \
		--conns 16 --requests 100000 --msl-ms 1 >"$tmp/$name.json" ||
		{ echo "tw-churn: tern-inproc ($name) failed"; exit 1; }
}

check() {
	/usr/bin/python3 - "$tmp/$1.json" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
max_tw, at_cap = int(sys.argv[2]), sys.argv[3] == "cap"
t = r["server_tcp"]
expired, recycled = t.get("TWExpired", 0), t.get("TWRecycled", 0)
print(f"tw-churn: max_tw {max_tw}: {r['completed']} connections in "
      f"{r['elapsed_s'] * 1000:.1f} ms (2 MSL = 2 ms), server TIME_WAIT "
      f"peak {r['server_tw_peak']} ({r['server_tw_peak'] * r['tw_object_bytes']} "
      f"bytes at {r['tw_object_bytes']} per record object), at end "
      f"{r['server_tw_end']}, expired {expired}, recycled {recycled}, heap "
      f"growth during the run {r['heap_run_growth']} bytes")
ok = (r["completed"] >= 100000 and r["elapsed_s"] > 0.002 and
      r["heap_run_growth"] == 0 and r["server_tw_peak"] <= max_tw and
      r["server_tw_peak"] > 0)
if at_cap:
    ok = ok and recycled > 0 and r["server_tw_peak"] == max_tw
else:
    ok = ok and expired > 0 and recycled == 0
sys.exit(0 if ok else 1)
PY
}

run plateau 65536
check plateau 65536 plateau || { echo "tw-churn: FAIL (plateau)"; exit 1; }
run cap 4096
check cap 4096 cap || { echo "tw-churn: FAIL (cap)"; exit 1; }
echo "tw-churn: PASS"
