#!/usr/bin/env bash
# Instruction counts of tern per connection lifecycle and per keep-alive
# request, server side and client side, with valgrind's callgrind.
#
# tern-inproc --lockstep runs both stacks on one lcore on a virtual
# clock, each stepping only when it has input or a timer due, so a run
# with a fixed number of connections or requests executes exactly the
# same instructions every time (fixed secret seed, --no-huge, one
# process). Callgrind collects only inside srv_step (or cli_step):
# --toggle-collect on the step and on the side's TX flush leaves the
# ring PMD out (the flush is entered from inside the step, turning
# collection off for its duration). Two runs of N1 and N2 connections
# (requests) give the cost of one as (I(N2) - I(N1)) / (N2 - N1), which
# cancels set-up and teardown.
#
# Many workers (issue 10): the same cps runs with 2 workers a side
# (tern-inproc --workers 2: the sender picks the receiver's queue by its
# Toeplitz table, as a NIC's RSS would, so nothing is steered; the
# collection covers the steps of both workers), and again with --no-rss
# (every frame on queue 0, worker 0 steers the other's flows in
# software). Per connection with 2 workers against 1 is what ownership
# costs with a NIC doing RSS; per steered frame is what the no-RSS run
# costs over the RSS one, between N1 and N2, divided by the frames the
# side steered between N1 and N2 -- the software Toeplitz hash of every
# frame (a port without RSS gives none) and the hand-over.
#
# IPv6 (issue 16): cps6 and rps6 are cps and rps with tern-inproc
# --ip6 (the same load between 2001:2::1 and 2001:2::2; DAD runs before
# the load, outside the collection); ip6_vs_ip4 gives IPv6's cost per
# unit over IPv4's, per side.
#
#   bench/callgrind.sh BUILD_DIR OUT.json [WORK_DIR]
#
# CG_KINDS="cps rps" (any of cps rps cps6 rps6) runs only those pairs,
# about a minute each, for measuring one change: OUT.json then holds
# just their srv_per_unit and cli_per_unit, and WORK_DIR keeps the
# callgrind files (callgrind_annotate KIND-N2.SIDE.cg for the functions).
set -uo pipefail

build=${1:?build dir}
out=${2:?output json}
work=${3:-$(mktemp -d /tmp/tern-cg.XXXXXX)}
inproc="$build/bench/tern-inproc"
eal="-l 0 --no-pci --no-huge --no-shconf -m 512 --log-level=1"
common="--lockstep --quiet --max-conns 8192 --max-tw 8192 --mbufs 16384 \
	--ring-size 16384 --seed 1"

mkdir -p "$work"

# cg_run NAME SIDE ARGS...: one callgrind run; prints its total Ir.
cg_run() {
	local name=$1 side=$2
	shift 2
	local file="$work/$name.$side.cg"

	# shellcheck disable=SC2086
	valgrind --tool=callgrind --callgrind-out-file="$file" \
		--toggle-collect="${side}_step" \
		--toggle-collect="${side}_tx_flush" \
		"$inproc" $eal -- $common "$@" \
		>"$work/$name.$side.json" 2>"$work/$name.$side.log" || {
		echo "callgrind: $name $side failed:" >&2
		tail -5 "$work/$name.$side.log" >&2
		return 1
	}
	awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

# ir_of NAME SIDE: the total Ir of a finished run.
ir_of() {
	awk '/^(summary|totals):/ { print $2; exit }' "$work/$1.$2.cg"
}

# steered_of NAME SIDE: the frames that side's workers handed over.
steered_of() {
	/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
side = {"srv": "server", "cli": "client"}[sys.argv[2]]
print(sum(w["steered_out"] for w in r[side + "_workers"]))
' "$work/$1.$2.json" "$2"
}

# cg_steer RSS NORSS N1 N2: per steered frame, both sides, as JSON
# (after cg_pair RSS and cg_pair NORSS with the same N1 and N2).
cg_steer() {
	local rss=$1 norss=$2 n1=$3 n2=$4 side extra frames

	printf '"steer":{"n1":%s,"n2":%s' "$n1" "$n2"
	for side in srv cli; do
		extra=$(( $(ir_of "$norss-$n2" "$side") -
			  $(ir_of "$norss-$n1" "$side") -
			  $(ir_of "$rss-$n2" "$side") +
			  $(ir_of "$rss-$n1" "$side") ))
		frames=$(( $(steered_of "$norss-$n2" "$side") -
			   $(steered_of "$norss-$n1" "$side") ))
		[ "$frames" -gt 0 ] || {
			echo "callgrind: $norss: nothing steered" >&2
			return 1
		}
		printf ',"%s_extra_ir":%s,"%s_steered":%s,"%s_per_steered":%s' \
			"$side" "$extra" "$side" "$frames" "$side" \
			"$(( extra / frames ))"
	done
	printf '}'
}

# cg_pair KIND N1 N2 ARGS...: per-unit cost for both sides, as JSON.
cg_pair() {
	local kind=$1 n1=$2 n2=$3 side i1 i2
	shift 3

	printf '"%s":{"n1":%s,"n2":%s' "$kind" "$n1" "$n2"
	for side in srv cli; do
		i1=$(cg_run "$kind-$n1" "$side" --requests "$n1" "$@") || return 1
		i2=$(cg_run "$kind-$n2" "$side" --requests "$n2" "$@") || return 1
		printf ',"%s_ir_n1":%s,"%s_ir_n2":%s,"%s_per_unit":%s' \
			"$side" "$i1" "$side" "$i2" "$side" \
			"$(( (i2 - i1) / (n2 - n1) ))"
	done
	printf '}'
}

# per_unit KIND N1 N2 SIDE: the cost of one unit of a finished cg_pair.
per_unit() {
	echo $(( ($(ir_of "$1-$3" "$4") - $(ir_of "$1-$2" "$4")) / ($3 - $2) ))
}

# cg_ratio NAME KIND6 KIND4 N1 N2: IPv6 per unit over IPv4, both sides,
# as JSON (after cg_pair of both kinds with the same N1 and N2).
cg_ratio() {
	local name=$1 k6=$2 k4=$3 n1=$4 n2=$5 side sep=''

	printf '"%s":{' "$name"
	for side in srv cli; do
		printf '%s"%s":%s' "$sep" "$side" "$(awk -v a="$(per_unit \
			"$k6" "$n1" "$n2" "$side")" -v b="$(per_unit "$k4" \
			"$n1" "$n2" "$side")" 'BEGIN { printf "%.4f", a / b }')"
		sep=','
	done
	printf '}'
}

# top_functions FILE N: the server's most expensive functions (self
# cost) per unit, as a JSON list.
top_functions() {
	callgrind_annotate --inclusive=no --threshold=100 "$1" 2>/dev/null |
	/usr/bin/python3 -c '
import json, re, sys
n = int(sys.argv[1])
rows = []
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+):(\S+)", line)
    if not m or "PROGRAM TOTALS" in line:
        continue
    ir = int(m.group(1).replace(",", ""))
    path, fn = m.group(2), m.group(3)
    fn = fn.split(" ")[0]
    rows.append({"function": fn, "file": re.sub(r".*/(lib|bench)/", r"\1/", path),
                 "ir_per_unit": round(ir / n, 1)})
print(json.dumps(rows[:15]))
' "$2"
}

# cg_kind KIND: the cg_pair of one of the four usual loads.
cg_kind() {
	case $1 in
	cps) cg_pair cps 1000 3000 --mode cps --conns 16 ;;
	rps) cg_pair rps 4000 12000 --mode rps --conns 16 --pipeline 1 ;;
	cps6) cg_pair cps6 1000 3000 --mode cps --conns 16 --ip6 ;;
	rps6) cg_pair rps6 4000 12000 --mode rps --conns 16 --pipeline 1 \
		--ip6 ;;
	*) echo "callgrind: CG_KINDS: no load $1" >&2; return 1 ;;
	esac
}

if [ -n "${CG_KINDS:-}" ]; then
	{
		sep='{'
		for kind in $CG_KINDS; do
			printf '%s' "$sep"
			cg_kind "$kind" || exit 1
			sep=','
		done
		printf '}\n'
	} >"$out"
	exit 0
fi

{
	printf '{'
	cg_pair cps 1000 3000 --mode cps --conns 16 || exit 1
	printf ','
	cg_pair rps 4000 12000 --mode rps --conns 16 --pipeline 1 || exit 1
	printf ','
	cg_pair cps6 1000 3000 --mode cps --conns 16 --ip6 || exit 1
	printf ','
	cg_pair rps6 4000 12000 --mode rps --conns 16 --pipeline 1 --ip6 ||
		exit 1
	printf ',"ip6_vs_ip4":{'
	cg_ratio cps cps6 cps 1000 3000 || exit 1
	printf ','
	cg_ratio rps rps6 rps 4000 12000 || exit 1
	printf '}'
	# The same requests served by tern-sock-httpd's epoll loop on
	# tern_socket.h (docs/sockets.md): the socket layer's price.
	printf ','
	cg_pair rps_sock 4000 12000 --mode rps --conns 16 --pipeline 1 \
		--sock-server || exit 1
	printf ','
	cg_pair cps_w2 1000 3000 --mode cps --conns 16 --workers 2 || exit 1
	printf ','
	cg_pair cps_w2_norss 1000 3000 --mode cps --conns 16 --workers 2 \
		--no-rss || exit 1
	printf ','
	cg_steer cps_w2 cps_w2_norss 1000 3000 || exit 1
	printf ',"top_cps_server":%s' \
		"$(top_functions "$work/cps-3000.srv.cg" 3000)"
	printf ',"top_rps_server":%s' \
		"$(top_functions "$work/rps-12000.srv.cg" 12000)"
	printf ',"top_rps6_server":%s' \
		"$(top_functions "$work/rps6-12000.srv.cg" 12000)"
	printf ',"valgrind":"%s"}\n' "$(valgrind --version)"
} >"$out"
