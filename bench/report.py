#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn one bench/run.sh run into its results record, plots and docs.

    report.py --raw bench/results/ID.tmp --id ID --commit C --dirty B --root R
    report.py --from bench/results/ID.json --root R   (redo plots and docs)

Reads the raw records of the run (one JSON per workload and stack, the
machine, callgrind's counts, wrk's output), writes
    bench/results/ID.json     the run: machine, commit, topologies,
                              workloads, figures, ratios, targets
    docs/bench/*.svg, *.png   plots (matplotlib, Agg)
    docs/benchmarks.md        from bench/benchmarks.md.in: every {{key}}
                              is replaced by a figure of this run
"""

import argparse
import glob
import json
import os
import re
import sys

WORKLOADS = [
    # name, label, what the figure is
    ("cps", "cps, client closes (C=64)", "conn/s"),
    ("cps-server-closes", "cps, server closes (C=64)", "conn/s"),
    ("rps-c64-p1", "rps C=64 P=1", "req/s"),
    ("rps-c64-p16", "rps C=64 P=16", "req/s"),
    ("rps-c1000-p1", "rps C=1000 P=1", "req/s"),
    # tern-inproc --ip6 against kernel-load over ::1
    ("cps-ip6", "cps over IPv6 (C=64)", "conn/s"),
    ("rps-c64-p1-ip6", "rps C=64 P=1 over IPv6", "req/s"),
    ("bulk-down", "bulk down (1 MiB GETs, C=4)", "bit/s"),
    ("bulk-up", "bulk up (16 MiB POSTs, C=4)", "bit/s"),
]
LATENCY_RATES = [10000, 50000, 100000, 200000]

TARGETS = {
    # Issue 11's "done when": cps against the kernel, rps with C=64
    # and P=1, the server core's share of the ceiling, callgrind counts
    # of both sides.
    "cps_ratio": 15.0,
    "rps_ratio": 10.0,
    "pps_share": 0.06,
    "ir_per_conn": 4000,
    "ir_per_req": 1200,
    "ir_per_conn_cli": 4500,
    "ir_per_req_cli": 1500,
    "conn_record": 512,
    "tw_record": 64,
    "hold": 1000000,
}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def parse_wrk(path):
    """Requests/s, latency and errors from wrk's text output."""
    try:
        text = open(path).read()
    except OSError:
        return None
    out = {"raw": text}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rate"] = float(m.group(1))
    m = re.search(r"(\d+) requests in ([\d.]+)s", text)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Socket errors: (.*)", text)
    out["socket_errors"] = m.group(1).strip() if m else ""
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    for q in ("50%", "99%"):
        m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % re.escape(q), text)
        if m:
            mult = {"us": 1e3, "ms": 1e6, "s": 1e9}[m.group(2)]
            out["p" + q[:-1]] = float(m.group(1)) * mult
    return out


def summary(rec):
    """The figures of one load record that the docs show."""
    if rec is None:
        return None
    lat = rec.get("latency_ns") or {}
    s = {k: rec.get(k) for k in (
        "rate", "rate_unit", "elapsed_s", "conns", "pipeline", "connects",
        "completed", "failed", "requests", "responses", "bad_status",
        "proto_errors", "retransmits", "rx_bytes", "tx_bytes",
        "server_pps", "server_busy_pct", "client_busy_pct", "peak_conns",
        "all_open_s", "conn_record_bytes", "conn_tmpl_bytes",
        "tw_record_bytes",
        "conn_object_bytes", "server_app_conn_bytes",
        "client_app_conn_bytes", "kernel_slab_per_socket",
        "server_heap_per_conn", "client_heap_per_conn", "max_conns",
        "mbufs_leaked", "offered_rate", "server_stalled_pct",
        "client_stalled_pct")}
    s["errors"] = sum(rec.get(k, 0) or 0 for k in
                      ("failed", "bad_status", "proto_errors"))
    for q in ("p50", "p90", "p99", "p999", "max", "mean"):
        s[q] = lat.get(q)
    for side in ("server_tcp", "client_tcp", "tcp"):
        if side in rec:
            s[side] = rec[side]
    return s


# The tern rps C=1000 runs of bench/run.sh whose median is the server
# core's share of the ceiling; the first is also the Linux ratio's.
SHARE_REPS = ("", "-r2", "-r3")


def share_runs(raw):
    """Each share run's figures, with the vCPU probes taken around it and
    the frames/s of the reflector run made right before it (None in a
    record made before session 28, which has one reflector run, at the
    start)."""
    out = []
    # reflect.json came right before the first share run only where
    # the others have theirs.
    paired = load(os.path.join(raw, "reflect-r2.json")) is not None
    for rep in SHARE_REPS:
        name = "rps-c1000-p1" + rep
        t = load(os.path.join(raw, "tern-%s.json" % name))
        if not t:
            continue
        probes = {}
        for when in ("before", "after"):
            p = load(os.path.join(raw, "vcpu-%s.%s.json" % (name, when)))
            probes[when] = p.get("round_trip_ns") if p else None
        before = load(os.path.join(raw, "reflect%s.json" % rep)) or {}
        out.append({"name": name, "rate": t.get("rate"),
                    "server_pps": t.get("server_pps"),
                    "server_busy_pct": t.get("server_busy_pct"),
                    "client_busy_pct": t.get("client_busy_pct"),
                    "reflect_pps_before": (before.get("pps") if paired
                                           else None),
                    "vcpu_round_trip_ns_before": probes["before"],
                    "vcpu_round_trip_ns_after": probes["after"]})
    return out


def reflect_runs(raw):
    """The reflector runs: reflect.json, and reflect-r2.json and
    reflect-r3.json where bench/run.sh made one before each share run."""
    out = []
    for rep in SHARE_REPS:
        r = load(os.path.join(raw, "reflect%s.json" % rep))
        if r and r.get("pps"):
            r["name"] = "reflect" + rep
            out.append(r)
    return out


def median_of(runs, key):
    """The run at the median of @key (the lower middle of an even
    count), or None."""
    runs = sorted((r for r in runs if r.get(key)), key=lambda r: r[key])
    return runs[(len(runs) - 1) // 2] if runs else None


def share_run(run):
    """The run the server core's share is taken from: the median of the
    share runs by server frames/s (the lower middle of an even count),
    or, in a record made before there were three, the one C=1000 run."""
    median = median_of(run.get("share_runs") or [], "server_pps")
    return median or run["workloads"]["rps-c1000-p1"]["tern"]


def collect(raw):
    run = {"workloads": {}, "latency": {}}
    run["machine"] = load(os.path.join(raw, "machine.json")) or {}
    for name, label, unit in WORKLOADS:
        t = summary(load(os.path.join(raw, "tern-%s.json" % name)))
        k = summary(load(os.path.join(raw, "linux-%s.json" % name)))
        w = {"label": label, "unit": unit, "tern": t, "linux": k}
        if t and k and k.get("rate"):
            w["ratio"] = t["rate"] / k["rate"]
        run["workloads"][name] = w
    for rate in LATENCY_RATES:
        name = "latency-%d" % rate
        run["latency"][str(rate)] = {
            "tern": summary(load(os.path.join(raw, "tern-%s.json" % name))),
            "linux": summary(load(os.path.join(raw, "linux-%s.json" % name))),
        }
    lo64 = summary(load(os.path.join(raw, "linux-bulk-down-lo64k.json")))
    tb = run["workloads"]["bulk-down"]["tern"]
    run["workloads"]["bulk-down-lo64k"] = {
        "label": "bulk down, Linux loopback as shipped (64 KiB MTU, TSO)",
        "unit": "bit/s", "tern": tb, "linux": lo64,
        "ratio": tb["rate"] / lo64["rate"] if tb and lo64 and lo64.get("rate")
        else None}
    run["loadavg_per_run"] = {}
    try:
        for line in open(os.path.join(raw, "loadavg.txt")):
            who, v = line.split()
            run["loadavg_per_run"][who] = float(v)
    except OSError:
        pass
    # The ceiling: the median reflector run (older records have one).
    run["reflect_runs"] = reflect_runs(raw)
    run["reflect"] = median_of(run["reflect_runs"], "pps")
    run["share_runs"] = share_runs(raw)
    run["hold"] = {
        "tern": summary(load(os.path.join(raw, "tern-hold.json"))),
        "linux": summary(load(os.path.join(raw, "linux-hold.json"))),
    }
    run["tap"] = {
        "wrk_to_tern_httpd": parse_wrk(os.path.join(raw, "tap-wrk.txt")),
        "tern_load_to_kernel_httpd":
            summary(load(os.path.join(raw, "tap-load.json"))),
    }
    if run["tap"]["wrk_to_tern_httpd"]:
        run["tap"]["wrk_to_tern_httpd"].pop("raw", None)
    run["memif"] = {"tern_load_to_tern_httpd":
                    summary(load(os.path.join(raw, "memif-load.json")))}
    run["callgrind"] = load(os.path.join(raw, "callgrind.json"))
    run["raw"] = {os.path.basename(p)[:-5]: load(p)
                  for p in sorted(glob.glob(os.path.join(raw, "*.json")))
                  if not p.endswith("machine.json")}
    return run


def targets(run):
    """Each target of the issue: measured value, goal, met or by how much."""
    out = []
    w = run["workloads"]

    def add(key, what, value, goal, better, unit=""):
        if value is None:
            out.append({"key": key, "what": what, "goal": goal,
                        "value": None, "met": None})
            return
        met = value >= goal if better == "higher" else value <= goal
        out.append({"key": key, "what": what, "goal": goal, "unit": unit,
                    "value": value, "met": met,
                    "factor": (goal / value if better == "higher" else
                               value / goal) if value else None})

    add("cps_ratio", "cps: tern / Linux", w["cps"].get("ratio"),
        TARGETS["cps_ratio"], "higher", "x")
    add("rps_ratio", "rps C=64 P=1: tern / Linux",
        w["rps-c64-p1"].get("ratio"), TARGETS["rps_ratio"], "higher", "x")
    t1000 = share_run(run)
    refl = run.get("reflect") or {}
    share = None
    if t1000 and t1000.get("server_pps") and refl.get("pps"):
        share = t1000["server_pps"] / refl["pps"]
    add("pps_share", "server core frames/s at 1,000 connections / "
        "reflector ceiling", share, TARGETS["pps_share"], "higher")
    cg = run.get("callgrind") or {}
    add("ir_per_conn", "instructions per connection lifecycle, server",
        (cg.get("cps") or {}).get("srv_per_unit"), TARGETS["ir_per_conn"],
        "lower")
    add("ir_per_req", "instructions per keep-alive request, server",
        (cg.get("rps") or {}).get("srv_per_unit"), TARGETS["ir_per_req"],
        "lower")
    add("ir_per_conn_cli", "instructions per connection lifecycle, client",
        (cg.get("cps") or {}).get("cli_per_unit"),
        TARGETS["ir_per_conn_cli"], "lower")
    add("ir_per_req_cli", "instructions per keep-alive request, client",
        (cg.get("rps") or {}).get("cli_per_unit"),
        TARGETS["ir_per_req_cli"], "lower")
    rec = next((x for x in (w["cps"]["tern"], t1000) if x and
                x.get("conn_record_bytes")), None)
    add("conn_record", "connection record (bytes)",
        rec.get("conn_record_bytes") if rec else None,
        TARGETS["conn_record"], "lower")
    add("tw_record", "TIME_WAIT record (bytes)",
        rec.get("tw_record_bytes") if rec else None, TARGETS["tw_record"],
        "lower")
    hold = run["hold"]["tern"]
    add("hold", "concurrent connections held on one lcore",
        hold.get("peak_conns") if hold and not hold.get("errors") else
        (hold.get("peak_conns") if hold else None), TARGETS["hold"],
        "higher")
    return out


# ---- formatting ----------------------------------------------------------

def si(v, unit=""):
    if v is None:
        return "n/a"
    for div, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return "%.2f %s%s" % (v / div, p, unit)
    return "%.0f %s" % (v, unit) if unit else "%.0f" % v


def us(ns):
    return "n/a" if ns is None else ("%.1f us" % (ns / 1e3) if ns < 1e7
                                     else "%.1f ms" % (ns / 1e6))


def ratio(v):
    return "n/a" if v is None else "%.2fx" % v


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def probe_ns(samples):
    """A vCPU probe's samples, in order, rounded to the nanosecond."""
    if not samples:
        return "n/a"
    return ", ".join("%.0f" % v for v in samples)


def stalls(s):
    """Share of the window each tern lcore was descheduled."""
    if not s or s.get("server_stalled_pct") is None:
        return "n/a"
    return "%.1f%% / %.1f%%" % (s["server_stalled_pct"],
                                s["client_stalled_pct"])


def fmt_rate(s, unit):
    if s is None:
        return "n/a"
    return si(s["rate"], " " + unit)


def keys_for(run, tgt):
    """Every {{key}} the template may use."""
    k = {}
    m = run["machine"]
    k["run_id"] = run["id"]
    k["commit"] = run["commit"] + (" (uncommitted changes)"
                                   if run.get("dirty") else "")
    k["date"] = run["date"]
    # A record whose callgrind counts were taken again on a later commit
    # (bench/callgrind.sh alone; they are exact) names that commit.
    k["callgrind_commit"] = run.get("callgrind_commit", run["commit"])
    k["machine"] = "%s, %s CPUs, %.1f GiB, Linux %s, %s; DPDK %s; %s" % (
        m.get("cpu", "?"), m.get("cpus", "?"),
        (m.get("mem_bytes") or 0) / 2**30, m.get("kernel", "?"),
        m.get("virtualization", "?"), m.get("dpdk", "?"),
        m.get("compiler", "?"))
    k["loadavg"] = "%.2f" % m.get("loadavg_at_start", 0)
    k["warmup"] = "%g" % (run.get("warmup_s") or 1)
    k["window"] = "%g" % (run.get("window_s") or 5)
    lcps = (run["workloads"]["cps"]["linux"] or {}).get("rate")
    k["linux_cps_us"] = "%.0f" % (2e6 / lcps) if lcps else "n/a"
    k["tern_cps_budget_ns"] = ("%.0f" % (1e9 / (TARGETS["cps_ratio"] *
                                                lcps)) if lcps else "n/a")
    # How fast a core runs tern's code here, from the busier side's
    # instructions per connection and the cps rate: the budget in
    # instructions.
    tcps = (run["workloads"]["cps"]["tern"] or {}).get("rate")
    cgc = (run.get("callgrind") or {}).get("cps")
    if lcps and tcps and cgc:
        ipns = max(cgc["srv_per_unit"], cgc["cli_per_unit"]) * tcps / 1e9
        k["tern_ir_per_ns"] = "%.1f" % ipns
        k["tern_cps_budget_ir"] = "{:,}".format(
            int(round(ipns * 1e9 / (TARGETS["cps_ratio"] * lcps), -2)))
    rows = []
    la = run.get("loadavg_per_run") or {}
    for name, label, unit in WORKLOADS + [("bulk-down-lo64k", None, "bit/s")]:
        w = run["workloads"].get(name)
        if w is None:
            continue
        label = w["label"]
        t, l = w["tern"], w["linux"]
        rows.append([label, fmt_rate(t, unit), fmt_rate(l, unit),
                     ratio(w.get("ratio")),
                     "%s / %s" % (us(t and t["p50"]), us(t and t["p99"])),
                     "%s / %s" % (us(l and l["p50"]), us(l and l["p99"])),
                     "%s / %s" % (t["errors"] if t else "n/a",
                                  l["errors"] if l else "n/a"),
                     "%s / %s" % (t["retransmits"] if t else "n/a",
                                  l["retransmits"] if l else "n/a"),
                     stalls(t), "%s / %s" % (
                         la.get("tern-" + name.replace("-lo64k", ""), "n/a"),
                         la.get("linux-" + name, "n/a"))])
        k[name.replace("-", "_") + "_ratio"] = ratio(w.get("ratio"))
        k[name.replace("-", "_") + "_tern"] = fmt_rate(t, unit)
        k[name.replace("-", "_") + "_linux"] = fmt_rate(l, unit)
        for side, s in (("tern", t), ("linux", l)):
            for f in ("server_busy_pct", "client_busy_pct"):
                if s and s.get(f) is not None:
                    k["%s_%s_%s" % (name.replace("-", "_"), side, f)] = \
                        "%.0f%%" % s[f]
    k["summary_table"] = table(
        ["workload", "tern", "Linux", "tern/Linux", "tern p50 / p99",
         "Linux p50 / p99", "errors tern / Linux",
         "retransmits tern / Linux", "tern lcores descheduled (server / "
         "client)", "load avg before tern / Linux"], rows)
    lrows = []
    for rate in LATENCY_RATES:
        r = run["latency"][str(rate)]
        for stack in ("tern", "linux"):
            s = r[stack]
            lrows.append([si(rate, " req/s"), stack,
                          si(s["rate"], " req/s") if s else "n/a",
                          us(s and s["p50"]), us(s and s["p90"]),
                          us(s and s["p99"]), us(s and s["p999"]),
                          us(s and s["max"]),
                          stalls(s) if stack == "tern" else ""])
    k["latency_table"] = table(["offered", "stack", "achieved", "p50",
                                "p90", "p99", "p99.9", "max",
                                "tern lcores descheduled"], lrows)
    refl = run.get("reflect") or {}
    k["reflect_pps"] = si(refl.get("pps"), " frames/s")
    t1000 = share_run(run)
    k["server_pps_1000"] = si(t1000 and t1000.get("server_pps"),
                              " frames/s")
    # Each share run's reflector run: saved with it, or (a record of
    # session 28's first run) found by its suffix, -r2 with -r2.
    refl_by_rep = {r["name"][len("reflect"):]: r.get("pps")
                   for r in run.get("reflect_runs") or []}
    srows = []
    for r in run.get("share_runs") or []:
        before = r.get("reflect_pps_before") or refl_by_rep.get(
            r["name"][len("rps-c1000-p1"):])
        pps = r.get("server_pps")
        srows.append(["**%s**" % r["name"] if r is t1000 else r["name"],
                      si(r.get("rate"), " req/s"),
                      si(pps, " frames/s"),
                      "%.3f" % (pps / refl["pps"])
                      if pps and refl.get("pps") else "n/a",
                      "%s / %s" % tuple(
                          "n/a" if r.get(k) is None else "%.0f%%" % r[k]
                          for k in ("server_busy_pct", "client_busy_pct")),
                      si(before, " frames/s") if before else "n/a",
                      "%.3f" % (pps / before) if pps and before else "n/a",
                      probe_ns(r.get("vcpu_round_trip_ns_before")),
                      probe_ns(r.get("vcpu_round_trip_ns_after"))])
    k["share_runs_phrase"] = (
        "the median of %d runs (below)" % len(srows) if len(srows) > 1
        else "one run")
    nrefl = len(run.get("reflect_runs") or [])
    if nrefl > 1:
        k["reflect_runs_phrase"] = "the median of %d reflector runs" % nrefl
    else:
        k["reflect_runs_phrase"] = ("one reflector run" if refl.get("pps")
                                    else "no reflector run")
    k["share_runs_table"] = table(
        ["run", "requests/s", "server frames/s",
         "share (of the median ceiling)", "busy server / client",
         "reflector right before", "share of that run",
         "vCPU round trip before (ns)", "after (ns)"], srows) if srows else (
        "(this record has one C=1000 run and no vCPU probes)")
    busy = (t1000 or {}).get("server_busy_pct") or 0
    cap = t1000["server_pps"] * 100.0 / busy if t1000 and busy else None
    k["server_busy_1000"] = "%.0f%%" % busy if busy else "n/a"
    cbusy = (t1000 or {}).get("client_busy_pct") or 0
    if busy >= 90 and busy >= cbusy:
        k["server_limit_phrase"] = ("its core was saturated, so this is "
                                    "its capacity at 1,000 connections")
    elif busy >= 90:
        k["server_limit_phrase"] = (
            "near saturation, with the client busier still (%.0f%%): "
            "either core may have limited the run" % cbusy)
    else:
        k["server_limit_phrase"] = (
            "the client (busy %.0f%%) is what limited the run" % cbusy)
    k["server_pps_1000_capacity"] = si(cap, " frames/s")
    k["server_pps_1000_capacity_share"] = (
        "%.3f" % (cap / refl["pps"]) if cap and refl.get("pps") else "n/a")
    trows = []
    for t in tgt:
        if t["value"] is None:
            val, verdict = "not measured", "n/a"
        else:
            v = t["value"]
            if isinstance(v, float) and v < 1:
                val = "%.3f" % v
            elif isinstance(v, float) and v < 100:
                val = "%.2f" % v
            elif v >= 10000:
                val = si(v)
            else:
                val = "{:,}".format(int(v))
            val += t.get("unit") or ""
            verdict = "met" if t["met"] else "missed (%.1fx off)" % \
                t["factor"]
        goal = t["goal"]
        goal_s = "{:,}".format(goal) if goal >= 1000 else "%g" % goal
        trows.append([t["what"], goal_s + (t.get("unit") or ""),
                      val, verdict])
        k["target_" + t["key"]] = val
        k["verdict_" + t["key"]] = "n/a" if t["met"] is None else (
            "met" if t["met"] else "missed")
        k["factor_" + t["key"]] = "n/a" if not t.get("factor") else \
            "%.1fx" % t["factor"]
    k["targets_table"] = table(["target", "goal", "measured", "verdict"],
                               trows)
    cg = run.get("callgrind") or {}
    crow = []
    for kind, label in (("cps", "connection lifecycle"),
                        ("rps", "keep-alive request"),
                        ("cps6", "connection lifecycle, IPv6"),
                        ("rps6", "keep-alive request, IPv6")):
        c = cg.get(kind)
        if c:
            crow.append([label, "{:,}".format(c["srv_per_unit"]),
                         "{:,}".format(c["cli_per_unit"]),
                         "%d / %d" % (c["n1"], c["n2"])])
            k["ir_%s_srv" % kind] = "{:,}".format(c["srv_per_unit"])
            k["ir_%s_cli" % kind] = "{:,}".format(c["cli_per_unit"])
    # IPv6 over IPv4 per unit (issue 16: at most 1.10 per request)
    for kind, r in (cg.get("ip6_vs_ip4") or {}).items():
        crow.append(["IPv6 / IPv4, %s" % ("connection" if kind == "cps"
                                          else "request"),
                     "%.3f" % r["srv"], "%.3f" % r["cli"], ""])
    k["callgrind_table"] = table(["per", "server", "client (tern-load)",
                                  "runs N1 / N2"], crow) if crow else \
        "callgrind was not run."
    for kind in ("cps", "rps"):
        top = cg.get("top_%s_server" % kind) or []
        k["top_%s" % kind] = table(
            ["function", "file", "instructions per unit"],
            [[r["function"], r["file"], r["ir_per_unit"]] for r in top[:12]]
        ) if top else "n/a"
    ht, hl = run["hold"]["tern"], run["hold"]["linux"]
    mrows = []
    if ht:
        per = (ht.get("conn_object_bytes") or 0) + 8 + \
            (ht.get("server_app_conn_bytes") or 0)
        mrows.append(["tern (server side)", si(ht.get("peak_conns")),
                      "%.2f s" % (ht.get("all_open_s") or 0),
                      "%d B record and header template + 8 B hash bucket"
                      " + %d B httpd state = "
                      "%d B" % (ht.get("conn_object_bytes") or 0,
                                ht.get("server_app_conn_bytes") or 0, per),
                      "%.0f B" % (ht.get("server_heap_per_conn") or 0),
                      ht.get("errors")])
        k["hold_tern"] = si(ht.get("peak_conns"))
        k["hold_tern_bytes"] = "%d B" % per
        k["conn_tmpl_bytes"] = "%d" % (ht.get("conn_tmpl_bytes") or 0)
        k["conn_object_bytes"] = "%d" % (ht.get("conn_object_bytes") or 0)
    if hl:
        mrows.append(["Linux (one socket)", si(hl.get("peak_conns")),
                      "%.2f s" % (hl.get("all_open_s") or 0),
                      "%.0f B of slab per socket" %
                      (hl.get("kernel_slab_per_socket") or 0), "n/a",
                      hl.get("errors")])
        k["hold_linux"] = si(hl.get("peak_conns"))
        k["hold_linux_bytes"] = "%.0f B" % (hl.get("kernel_slab_per_socket")
                                            or 0)
    k["hold_table"] = table(["stack", "connections held", "time to open",
                             "memory per connection (in use)",
                             "reserved per slot", "errors"], mrows)
    tap = run["tap"]
    wrk = tap.get("wrk_to_tern_httpd") or {}
    tl = tap.get("tern_load_to_kernel_httpd")
    mem = run["memif"].get("tern_load_to_tern_httpd")
    xrows = [
        ["net_tap", "wrk (kernel, 1 thread, 64 conns) -> tern-httpd",
         si(wrk.get("rate"), " req/s"),
         "p50 %s, p99 %s" % (us(wrk.get("p50")), us(wrk.get("p99"))),
         "socket errors: %s; non-2xx: %s" % (
             wrk.get("socket_errors") or "none", wrk.get("non_2xx", "n/a"))],
        ["net_tap", "tern-load (64 conns) -> kernel-httpd",
         fmt_rate(tl, "req/s"),
         "p50 %s, p99 %s" % (us(tl and tl["p50"]), us(tl and tl["p99"])),
         "errors %s" % (tl["errors"] if tl else "n/a")],
        ["net_memif", "tern-load (64 conns) -> tern-httpd, 2 processes",
         fmt_rate(mem, "req/s"),
         "p50 %s, p99 %s" % (us(mem and mem["p50"]), us(mem and mem["p99"])),
         "errors %s" % (mem["errors"] if mem else "n/a")],
    ]
    k["topologies_table"] = table(["port", "run", "rate", "latency",
                                   "errors"], xrows)
    return k


# ---- plots ----------------------------------------------------------------

def plots(run, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib missing: no plots", file=sys.stderr)
        return []
    os.makedirs(outdir, exist_ok=True)
    made = []

    def save(fig, name):
        for ext in ("svg", "png"):
            fig.savefig(os.path.join(outdir, "%s.%s" % (name, ext)),
                        dpi=110, bbox_inches="tight")
        plt.close(fig)
        made.append(name)

    colors = {"tern": "#1f77b4", "linux": "#ff7f0e", "ceiling": "#7f7f7f"}
    groups = [("connections/s", ["cps", "cps-server-closes"], 1),
              ("requests/s", ["rps-c64-p1", "rps-c64-p16", "rps-c1000-p1"], 1),
              ("Gbit/s", ["bulk-down", "bulk-up"], 1e9)]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (unit, names, div) in zip(axes, groups):
        x = range(len(names))
        for i, stack in enumerate(("tern", "linux")):
            vals = [((run["workloads"][n][stack] or {}).get("rate") or 0) / div
                    for n in names]
            ax.bar([p + (i - 0.5) * 0.38 for p in x], vals, 0.38,
                   label="tern" if stack == "tern" else "Linux kernel",
                   color=colors[stack])
        for p, n in zip(x, names):
            r = run["workloads"][n].get("ratio")
            if r:
                ax.annotate("%.1fx" % r, (p, 0), xytext=(0, 2),
                            textcoords="offset points", ha="center",
                            fontsize=8, color="white")
        ax.set_xticks(list(x))
        ax.set_xticklabels([n.replace("-", "\n", 1) for n in names],
                           fontsize=8)
        ax.set_ylabel(unit)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("tern vs the Linux kernel, one core each for server and "
                 "client (%s)" % run["id"], fontsize=10)
    save(fig, "throughput")

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for stack in ("tern", "linux"):
        for q, style in (("p50", "-"), ("p99", "--"), ("p999", ":")):
            xs, ys = [], []
            for rate in LATENCY_RATES:
                s = run["latency"][str(rate)][stack]
                if s and s.get(q):
                    xs.append(rate)
                    ys.append(s[q] / 1e3)
            if xs:
                ax.plot(xs, ys, style, marker="o", color=colors[stack],
                        label="%s %s" % ("tern" if stack == "tern"
                                         else "Linux", q))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offered requests/s (32 connections, <= 4 in flight)")
    ax.set_ylabel("latency (us)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2)
    save(fig, "latency")

    refl = run.get("reflect") or {}
    t1000 = share_run(run) or {}
    if refl.get("pps"):
        fig, ax = plt.subplots(figsize=(5.5, 3))
        names = ["reflector\n(ceiling)", "tern server\nrps C=1000"]
        vals = [refl["pps"] / 1e6, (t1000.get("server_pps") or 0) / 1e6]
        ax.barh(names, vals, color=[colors["ceiling"], colors["tern"]])
        ax.set_xlabel("Mframes/s in+out, one core")
        ax.grid(axis="x", alpha=0.3)
        save(fig, "pps")

    cg = run.get("callgrind") or {}
    if cg.get("top_rps_server"):
        fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
        for ax, kind, goal in ((axes[0], "cps", TARGETS["ir_per_conn"]),
                               (axes[1], "rps", TARGETS["ir_per_req"])):
            top = cg.get("top_%s_server" % kind) or []
            ax.barh([r["function"] for r in top][::-1],
                    [r["ir_per_unit"] for r in top][::-1],
                    color=colors["tern"])
            ax.set_title("server: %s instructions per %s (target %d)" % (
                "{:,}".format(cg[kind]["srv_per_unit"]),
                "connection" if kind == "cps" else "request", goal),
                fontsize=9)
            ax.tick_params(axis="y", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
        save(fig, "instructions")
    return made


# ---- main ----------------------------------------------------------------

def render(template, keys):
    def sub(m):
        key = m.group(1).strip()
        return str(keys.get(key, "(not measured in this run)"))
    return re.sub(r"\{\{([^}]+)\}\}", sub, template)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw")
    ap.add_argument("--from", dest="from_json")
    ap.add_argument("--id")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--dirty", default="false")
    ap.add_argument("--warmup", type=float, default=None)
    ap.add_argument("--window", type=float, default=None)
    ap.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    a = ap.parse_args()
    root = a.root
    if a.from_json:
        run = load(a.from_json)
        if run is None:
            sys.exit("report: cannot read %s" % a.from_json)
    else:
        run = collect(a.raw)
        run["id"] = a.id
        run["commit"] = a.commit
        run["dirty"] = a.dirty == "true"
        run["date"] = a.id.split("-")[0]
        run["command"] = "bench/run.sh"
        run["warmup_s"] = a.warmup
        run["window_s"] = a.window
        run["topologies"] = {
            "inproc": "tern-inproc: tern-httpd core (lcore 1) and tern-load "
                      "engine (lcore 0), two ring ethdevs crosswise",
            "kernel": "kernel-httpd (CPU 1) and kernel-load (CPU 0), epoll, "
                      "loopback in a network namespace",
            "reflect": "the ring pair, lcore 1 swapping L2-L4 addresses",
            "tap": "net_tap in a network namespace",
            "memif": "net_memif, two processes",
        }
        run["targets"] = targets(run)
        out = os.path.join(root, "bench", "results", run["id"] + ".json")
        with open(out, "w") as f:
            json.dump(run, f, indent=1, sort_keys=True)
            f.write("\n")
        print("report: wrote %s" % out)
    run.setdefault("targets", targets(run))
    made = plots(run, os.path.join(root, "docs", "bench"))
    keys = keys_for(run, run["targets"])
    keys["plots"] = ", ".join(made)
    with open(os.path.join(root, "bench", "benchmarks.md.in")) as f:
        md = render(f.read(), keys)
    with open(os.path.join(root, "docs", "benchmarks.md"), "w") as f:
        f.write(md)
    print("report: wrote docs/benchmarks.md and %d plots" % len(made))


if __name__ == "__main__":
    main()
