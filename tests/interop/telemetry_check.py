#!/usr/bin/python3
"""Checks of tern's telemetry endpoints (run next to a live tern).

    telemetry_check.py PREFIX shape
        every /tern/... endpoint answers, with the documented JSON shape
    telemetry_check.py PREFIX snapshot FILE
        save /tern/stats and /tern/tcp/stats into FILE
    telemetry_check.py PREFIX moved FILE
        the counters of a busy server moved since FILE was saved
    telemetry_check.py PREFIX established PORT
        /tern/conns,ESTABLISHED lists a connection to local port PORT

Exit 0 when the check holds; otherwise print why and exit 1.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)),
                                "..", "..", "scripts"))
from tern_telemetry import Telemetry  # noqa: E402

CONN_KEYS = {"id": int, "worker": int, "state": str, "local": str,
             "peer": str, "recv_q": int, "send_q": int, "rtt_us": int,
             "rttvar_us": int, "rto_ms": int, "cwnd": int, "ssthresh": int,
             "mss": int, "retrans": int, "timer": str, "timer_ms": int,
             "snd_una": int, "snd_nxt": int, "rcv_nxt": int,
             "snd_wnd": int, "rcv_wnd": int}
INFO_KEYS = {"app": str, "version": str, "dpdk": str, "pid": int,
             "port": str, "driver": str, "ip": str, "prefix_len": int,
             "mtu": int, "workers": int, "draining": int, "drain_ms": int}
ARP_KEYS = {"ip": str, "mac": str, "state": str, "age_ms": int,
            "pending": int, "worker": int}
TCP_MIB = ["CurrEstab", "ActiveOpens", "PassiveOpens", "AttemptFails",
           "EstabResets", "InSegs", "OutSegs", "RetransSegs", "InErrs",
           "OutRsts"]
STATES = ["CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
          "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
          "TIME_WAIT"]


class Bad(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Bad(what)


def check_dict(d, keys, where):
    need(isinstance(d, dict), "%s: not an object: %r" % (where, d))
    for k, t in keys.items():
        need(k in d, "%s: no key %s" % (where, k))
        need(isinstance(d[k], t), "%s.%s: not %s: %r" %
             (where, k, t.__name__, d[k]))


def check_counters(d, where):
    need(isinstance(d, dict) and d, "%s: no counters" % where)
    for k, v in d.items():
        need(isinstance(v, int) and v >= 0, "%s.%s = %r" % (where, k, v))


def listing(d, where):
    """/tern/conns and /tern/arp: objects keyed "0", "1", ... in order."""
    need(isinstance(d, dict), "%s: not an object" % where)
    need(list(d) == [str(i) for i in range(len(d))],
         "%s: keys not 0..n-1: %r" % (where, list(d)))
    return list(d.values())


def shape(tel):
    info = tel.query("/tern/info")
    check_dict(info, INFO_KEYS, "/tern/info")
    need(info["workers"] >= 1, "/tern/info: no workers")

    stats = tel.query("/tern/stats")
    check_counters(stats.get("sum"), "/tern/stats.sum")
    for w in range(info["workers"]):
        wd = stats.get("worker%d" % w)
        check_dict(wd, {"lcore": int, "queue": int, "loops": int,
                        "idle_loops": int}, "/tern/stats.worker%d" % w)
    need("RxPkts" in stats["sum"] and "InSegs" in stats["sum"],
         "/tern/stats.sum lacks RxPkts/InSegs")

    tcp = tel.query("/tern/tcp/stats")
    for k in TCP_MIB:
        need(isinstance(tcp.get(k), int), "/tern/tcp/stats: no %s" % k)
    check_dict(tcp.get("states"), {s: int for s in STATES},
               "/tern/tcp/stats.states")

    conns = listing(tel.query("/tern/conns"), "/tern/conns")
    for i, c in enumerate(conns):
        check_dict(c, CONN_KEYS, "/tern/conns[%d]" % i)
        need(c["state"] in STATES, "/tern/conns[%d].state" % i)
    listen = listing(tel.query("/tern/conns", "LISTEN"), "/tern/conns")
    need(all(c["state"] == "LISTEN" for c in listen),
         "/tern/conns,LISTEN: other states listed")
    one = listing(tel.query("/tern/conns", "limit=1"), "/tern/conns")
    need(len(one) <= 1, "/tern/conns,limit=1: %d entries" % len(one))

    fsm = tel.query("/tern/fsm")
    need(isinstance(fsm, dict), "/tern/fsm: not an object")
    for row, hits in fsm.items():
        need(isinstance(hits, int) and hits > 0,
             "/tern/fsm: %r = %r (rows not taken are left out)" %
             (row, hits))
        need(len(row.split("/")) == 3 and
             row.split("/")[0] in STATES and row.split("/")[2] in STATES,
             "/tern/fsm: row %r is not FROM/EVENT/TO" % row)

    arp = listing(tel.query("/tern/arp"), "/tern/arp")
    for i, a in enumerate(arp):
        check_dict(a, ARP_KEYS, "/tern/arp[%d]" % i)
    print("shape: 6 endpoints ok (%d conns, %d fsm rows, %d arp)" %
          (len(conns), len(fsm), len(arp)))


def snapshot(tel):
    return {"stats": tel.query("/tern/stats")["sum"],
            "tcp": {k: v for k, v in tel.query("/tern/tcp/stats").items()
                    if isinstance(v, int)}}


def moved(tel, path):
    with open(path) as f:
        before = json.load(f)
    after = snapshot(tel)
    for group, name in (("stats", "RxPkts"), ("stats", "TxPkts"),
                        ("tcp", "InSegs"), ("tcp", "OutSegs"),
                        ("tcp", "PassiveOpens")):
        b, a = before[group][name], after[group][name]
        need(a > b, "%s did not move: %d -> %d" % (name, b, a))
        print("moved: %s %d -> %d" % (name, b, a))


def established(tel, port):
    conns = listing(tel.query("/tern/conns", "ESTABLISHED"), "/tern/conns")
    mine = [c for c in conns if c["local"].endswith(":%d" % port)]
    need(mine, "/tern/conns,ESTABLISHED: none on port %d: %r" %
         (port, conns))
    print("established: %d on port %d, e.g. %s <- %s rtt %d us cwnd %d" %
          (len(mine), port, mine[0]["local"], mine[0]["peer"],
           mine[0]["rtt_us"], mine[0]["cwnd"]))


def main():
    prefix, cmd = sys.argv[1], sys.argv[2]
    tel = Telemetry(prefix)
    try:
        if cmd == "shape":
            shape(tel)
        elif cmd == "snapshot":
            with open(sys.argv[3], "w") as f:
                json.dump(snapshot(tel), f)
        elif cmd == "moved":
            moved(tel, sys.argv[3])
        elif cmd == "established":
            established(tel, int(sys.argv[3]))
        else:
            sys.exit("unknown check %s" % cmd)
    except Bad as e:
        print("telemetry check failed: %s" % e)
        sys.exit(1)


if __name__ == "__main__":
    main()
