#!/usr/bin/python3
"""The Linux kernel's side of the interop tests, on ordinary sockets.

Run inside the test's network namespace. Every command is bounded by
--timeout, prints what it did as one line

    result op=OP bytes_sent=N sha256_sent=H bytes_received=M
           sha256_received=H2 seconds=T mib_per_s=R local=A:P peer=B:Q ...

(key=value without spaces, one line) that the shell tests parse, and
exits 0 when the transfer completed as the command expects, 1
otherwise.

Commands (IP PORT is tern's side):
  echo-client IP PORT BYTES   send BYTES random bytes while reading the
                              echo; half-close after the last one; read to
                              EOF (the kernel closes first); ok when the
                              echo hashes the same as what was sent
  echo-exact IP PORT BYTES    send BYTES without half-closing, read them
                              back and then EOF: the peer must close first;
                              then close
  send IP PORT BYTES          send BYTES random bytes, half-close, read to
                              EOF (nothing may come back)
  recv IP PORT                read to EOF, send nothing, then close
  echo-server PORT            accept one connection and echo it; with
                              --close-after N close once N bytes were
                              echoed (the kernel closes first), otherwise
                              close at EOF
  refused IP PORT             connect must fail with ECONNREFUSED

--ss (send, recv, echo-client): the kernel's view of the connection.
Once a quarter of the bytes moved, what `ss -tin` says about it (on a
line of its own, "ss -tin: ...", and ss_sack=yes|no: whether ss printed
"sack"); the options
in use from the socket's own tcp_info, the struct ss reads (sack=yes|no,
timestamps=yes|no); the kernel's retransmissions of this connection
(kernel_retrans=N) and the change of its TcpExt counters over the
transfer (kernel_TCPSackRecovery=N, ...).
"""
import argparse
import errno
import hashlib
import os
import re
import selectors
import socket
import subprocess
import sys
import time

CHUNK = 1 << 16


class Source:
    """BYTES random bytes, hashed as the socket takes them."""

    def __init__(self, total):
        self.total = total
        self.left = total
        self.view = memoryview(b"")
        self.sha = hashlib.sha256()
        self.sent = 0

    def pending(self):
        if not self.view and self.left > 0:
            n = min(CHUNK, self.left)
            self.view = memoryview(os.urandom(n))
            self.left -= n
        return self.view

    def taken(self, n):
        self.sha.update(self.view[:n])
        self.view = self.view[n:]
        self.sent += n

    def done(self):
        return self.left == 0 and not self.view


class Sink:
    """What arrived: counted and hashed."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.received = 0

    def add(self, data):
        self.sha.update(data)
        self.received += len(data)


# struct tcp_info (linux/tcp.h): tcpi_options at byte 5, tcpi_total_retrans
# at byte 100; TCPI_OPT_* bits of tcpi_options.
TCPI_OPTIONS = 5
TCPI_TOTAL_RETRANS = 100
TCPI_OPT_TIMESTAMPS = 1
TCPI_OPT_SACK = 2
# The kernel's own counters (this namespace's /proc/net/netstat) whose
# change over the transfer shows how it recovered from loss.
NETSTAT_KEYS = ("TCPSackRecovery", "TCPFastRetrans", "TCPLostRetransmit",
                "TCPOFOQueue", "TCPSACKReorder")


def netstat():
    values = {}
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for names, nums in zip(lines[::2], lines[1::2]):
        prefix, keys = names.split(":", 1)
        for k, v in zip(keys.split(), nums.split(":", 1)[1].split()):
            values[prefix + k] = int(v)
    return values


class KernelView:
    """The kernel's view of the connection: `ss -tin` once the transfer
    is under way (the connection must still be open for ss to show it),
    its own tcp_info flags through getsockopt(TCP_INFO) -- the same
    struct ss reads -- and its TcpExt counters over the transfer."""

    def __init__(self, sock, after_bytes):
        self.sock = sock
        self.after_bytes = after_bytes
        self.filter = ["src", hostport(sock.getsockname()),
                       "dst", hostport(sock.getpeername())]
        self.ss_info = None
        self.options = 0
        self.total_retrans = 0
        self.netstat_start = netstat()
        self.netstat_delta = {}

    def probe(self, moved):
        if self.ss_info is not None or moved < self.after_bytes:
            return
        out = subprocess.run(["ss", "-tinH"] + self.filter,
                             capture_output=True, text=True, timeout=10)
        self.ss_info = " ".join(out.stdout.split())
        self.read_tcp_info()

    def read_tcp_info(self):
        info = self.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        self.options |= info[TCPI_OPTIONS]
        self.total_retrans = int.from_bytes(
            info[TCPI_TOTAL_RETRANS:TCPI_TOTAL_RETRANS + 4], sys.byteorder)

    def finish(self):
        """At EOF, before the socket is closed."""
        self.read_tcp_info()
        end = netstat()
        self.netstat_delta = {k: end.get("TcpExt" + k, 0) -
                              self.netstat_start.get("TcpExt" + k, 0)
                              for k in NETSTAT_KEYS}

    def print_ss(self):
        print(f"ss -tin: {self.ss_info or '(transfer too short to look)'}",
              flush=True)

    def fields(self):
        info = self.ss_info or ""
        out = {"ss_sack": "yes" if re.search(r"\bsack\b", info) else "no",
               "sack": "yes" if self.options & TCPI_OPT_SACK else "no",
               "timestamps":
               "yes" if self.options & TCPI_OPT_TIMESTAMPS else "no",
               "kernel_retrans": self.total_retrans}
        out.update({"kernel_" + k: v for k, v in self.netstat_delta.items()})
        return out


def pump(sock, source, sink, deadline, half_close, view=None):
    """Move bytes both ways until EOF from the peer."""
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    events = selectors.EVENT_READ
    if source is not None:
        events |= selectors.EVENT_WRITE
    sel.register(sock, events)
    shut = False
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("no EOF before the deadline")
        for _, ev in sel.select(timeout=0.5):
            if ev & selectors.EVENT_READ:
                try:
                    data = sock.recv(1 << 20)
                except BlockingIOError:
                    data = None
                if data == b"":
                    sel.unregister(sock)
                    return
                if data:
                    sink.add(data)
            if ev & selectors.EVENT_WRITE and not shut:
                buf = source.pending()
                if buf:
                    try:
                        source.taken(sock.send(buf))
                    except BlockingIOError:
                        pass
                if source.done():
                    if half_close:
                        sock.shutdown(socket.SHUT_WR)
                    shut = True
                    sel.modify(sock, selectors.EVENT_READ)
        if view is not None:
            view.probe(sink.received + (source.sent if source else 0))


def report(op, sock_names, source, sink, seconds, ok, extra=None):
    fields = {"op": op, "ok": "yes" if ok else "no"}
    fields.update(sock_names)
    if source is not None:
        fields["bytes_sent"] = source.sent
        fields["sha256_sent"] = source.sha.hexdigest()
    if sink is not None:
        fields["bytes_received"] = sink.received
        fields["sha256_received"] = sink.sha.hexdigest()
    moved = max(source.sent if source else 0, sink.received if sink else 0)
    fields["seconds"] = f"{seconds:.3f}"
    fields["mib_per_s"] = f"{moved / (1 << 20) / seconds:.1f}" \
        if seconds > 0 else "0"
    fields.update(extra or {})
    print("result " + " ".join(f"{k}={v}" for k, v in fields.items()),
          flush=True)
    return 0 if ok else 1


def hostport(name):
    """A:P, or [A6]:P as ss prints an IPv6 socket."""
    ip, port = name[0], name[1]
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def names(sock):
    return {"local": hostport(sock.getsockname()),
            "peer": hostport(sock.getpeername())}


def connect(args):
    return socket.create_connection((args.ip, args.port),
                                    timeout=min(args.timeout, 10))


def cmd_transfer(args, send_bytes, expect_echo, half_close):
    deadline = time.monotonic() + args.timeout
    source = Source(send_bytes) if send_bytes is not None else None
    sink = Sink()
    start = time.monotonic()
    sock = connect(args)
    ids = names(sock)
    view = None
    if args.ss:
        view = KernelView(sock, (send_bytes or args.expect or 4 << 20) // 4)
    pump(sock, source, sink, deadline, half_close, view)
    seconds = time.monotonic() - start
    if view is not None:
        view.finish()
        view.print_ss()
    sock.close()
    if expect_echo:
        ok = (sink.received == source.sent == send_bytes and
              sink.sha.digest() == source.sha.digest())
    elif source is not None:
        ok = source.sent == send_bytes and sink.received == 0
    else:
        ok = args.expect is None or sink.received == args.expect
    return report(args.cmd, ids, source, sink, seconds, ok,
                  view.fields() if view else None)


def cmd_echo_server(args):
    deadline = time.monotonic() + args.timeout
    # TERN_PEER_FAMILY=6: the IPv6 interop tests (IPv6 only, so that an
    # IPv4 peer's name never turns into ::ffff:A.B.C.D)
    v6 = os.environ.get("TERN_PEER_FAMILY") == "6"
    lsock = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
                          socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("::" if v6 else "0.0.0.0", args.port))
    lsock.listen(1)
    lsock.settimeout(args.timeout)
    print(f"listening on port {args.port}", flush=True)
    sock, _ = lsock.accept()
    lsock.close()
    ids = names(sock)
    sink = Sink()
    start = time.monotonic()
    eof = False
    while not eof:
        if args.close_after is not None and sink.received >= args.close_after:
            break
        sock.settimeout(max(deadline - time.monotonic(), 0.1))
        want = 1 << 20
        if args.close_after is not None:
            want = min(want, args.close_after - sink.received)
        data = sock.recv(want)
        eof = not data
        sink.add(data)
        sock.sendall(data)
    seconds = time.monotonic() - start
    sock.close()
    ok = args.close_after is None or sink.received == args.close_after
    return report("echo-server", ids, None, sink, seconds, ok,
                  {"closed_first": "no" if eof else "yes"})


def cmd_refused(args):
    start = time.monotonic()
    try:
        sock = connect(args)
    except ConnectionRefusedError:
        return report("refused", {"peer": f"{args.ip}:{args.port}"}, None,
                      None, time.monotonic() - start, True,
                      {"errno": "ECONNREFUSED"})
    except OSError as e:
        return report("refused", {"peer": f"{args.ip}:{args.port}"}, None,
                      None, time.monotonic() - start, False,
                      {"errno": errno.errorcode.get(e.errno, e.errno)})
    sock.close()
    return report("refused", {"peer": f"{args.ip}:{args.port}"}, None, None,
                  time.monotonic() - start, False, {"errno": "connected"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=50.0,
                    help="seconds the whole command may take")
    ap.add_argument("--ss", action="store_true",
                    help="record the kernel's view of the connection")
    ap.add_argument("--expect", type=int,
                    help="recv: bytes that must arrive")
    ap.add_argument("--close-after", type=int,
                    help="echo-server: close after echoing this many")
    ap.add_argument("cmd", choices=["echo-client", "echo-exact", "send",
                                    "recv", "echo-server", "refused"])
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()
    try:
        if args.cmd == "echo-server":
            (port,) = args.args
            args.port = int(port)
            return cmd_echo_server(args)
        args.ip, port = args.args[0], args.args[1]
        args.port = int(port)
        if args.cmd == "refused":
            return cmd_refused(args)
        if args.cmd == "recv":
            return cmd_transfer(args, None, False, False)
        nbytes = int(args.args[2])
        if args.cmd == "echo-client":
            return cmd_transfer(args, nbytes, True, True)
        if args.cmd == "echo-exact":
            return cmd_transfer(args, nbytes, True, False)
        return cmd_transfer(args, nbytes, False, True)
    except (OSError, TimeoutError, ValueError) as e:
        print(f"result op={args.cmd} ok=no error='{e}'", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
