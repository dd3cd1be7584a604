# SPDX-License-Identifier: BSD-3-Clause
"""Query a running tern over DPDK's telemetry socket (what
dpdk-telemetry.py reads): /var/run/dpdk/<file-prefix>/dpdk_telemetry.v2,
one JSON reply per command. Shared by tern-ss and tern-nstat; Python 3
standard library only."""

import json
import os
import socket

RUN_DIR = "/var/run/dpdk"
# The primary's reply buffer is 16 KiB (rte_telemetry); room to spare.
MAX_REPLY = 1 << 17


class TelemetryError(Exception):
    pass


def socket_path(prefix):
    base = os.environ.get("RUNTIME_DIRECTORY") or RUN_DIR
    if os.getuid() != 0 and "XDG_RUNTIME_DIR" in os.environ:
        base = os.path.join(os.environ["XDG_RUNTIME_DIR"], "dpdk")
    return os.path.join(base, prefix, "dpdk_telemetry.v2")


class Telemetry:
    """One connection to the telemetry socket of --file-prefix PREFIX."""

    def __init__(self, prefix="rte"):
        path = socket_path(prefix)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.sock.connect(path)
        except OSError as e:
            raise TelemetryError("%s: %s (is a tern with --file-prefix %s "
                                 "running?)" % (path, e.strerror, prefix))
        # The first message says who we talk to.
        self.info = json.loads(self.sock.recv(MAX_REPLY).decode())

    def query(self, cmd, params=None):
        text = cmd if params is None else "%s,%s" % (cmd, params)
        self.sock.send(text.encode())
        reply = json.loads(self.sock.recv(MAX_REPLY).decode())
        if cmd not in reply or reply[cmd] is None:
            raise TelemetryError("%s: no answer (not a tern process, or "
                                 "bad parameters)" % text)
        return reply[cmd]

    def close(self):
        self.sock.close()
