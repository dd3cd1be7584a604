#!/usr/bin/python3
"""The kernel's side of the tern-testpmd tests (run in the namespace).

    testpmd_peer.py hold IP PORT BYTES [--timeout S] [--linger]
    testpmd_peer.py serve IP PORT BYTES [--timeout S]

Connect to IP:PORT, send BYTES, read them back (tern's echo service),
print "echoed bytes=N local=A:P" and keep the connection open until tern
ends it. Then print one line

    end=eof|reset|timeout ss_state=STATE

where STATE is what `ss` says of this socket right after tern's FIN was
read (CLOSE-WAIT on an orderly close), close, and exit 0 only for eof.

serve: listen on IP:PORT (IPv4 or IPv6), print "listening", take one
connection, echo what it sends until its FIN, then close. Print one line

    served bytes=N peer=ADDR end=eof|reset|timeout

and exit 0 only when tern sent exactly BYTES and ended with a FIN.

--linger: after tern's FIN, do not close: keep the socket until it is
gone (tern reset it) and print "gone=yes|no" (no: --timeout passed).
"""
import argparse
import socket
import subprocess
import sys
import time


def ss_state(port):
    out = subprocess.run(["ss", "-Htan", "sport", "=", ":%d" % port],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        return line.split()[0]
    return "none"


def hold(args):
    deadline = time.monotonic() + args.timeout
    s = socket.create_connection((args.ip, args.port), timeout=args.timeout)
    local = s.getsockname()
    data = bytes(i % 251 for i in range(args.bytes))
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    if got != data:
        print("end=short echoed=%d" % len(got), flush=True)
        return 1
    print("echoed bytes=%d local=%s:%d" % (len(got), local[0], local[1]),
          flush=True)
    end = "timeout"
    try:
        s.settimeout(max(1.0, deadline - time.monotonic()))
        if s.recv(1) == b"":
            end = "eof"
        else:
            end = "data"
    except ConnectionResetError:
        end = "reset"
    except socket.timeout:
        end = "timeout"
    print("end=%s ss_state=%s" % (end, ss_state(local[1])), flush=True)
    if args.linger and end == "eof":
        gone = "no"
        while time.monotonic() < deadline:
            if ss_state(local[1]) == "none":
                gone = "yes"
                break
            time.sleep(0.1)
        print("gone=%s" % gone, flush=True)
    s.close()
    return 0 if end == "eof" else 1


def serve(args):
    family = socket.AF_INET6 if ":" in args.ip else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.ip, args.port))
    ls.listen(1)
    ls.settimeout(args.timeout)
    print("listening", flush=True)
    s, peer = ls.accept()
    s.settimeout(args.timeout)
    total, end = 0, "timeout"
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                end = "eof"
                break
            total += len(chunk)
            s.sendall(chunk)
    except ConnectionResetError:
        end = "reset"
    except socket.timeout:
        end = "timeout"
    print("served bytes=%d peer=%s end=%s" % (total, peer[0], end),
          flush=True)
    s.close()
    ls.close()
    return 0 if end == "eof" and total == args.bytes else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["hold", "serve"])
    ap.add_argument("ip")
    ap.add_argument("port", type=int)
    ap.add_argument("bytes", type=int)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--linger", action="store_true")
    args = ap.parse_args()
    sys.exit(hold(args) if args.cmd == "hold" else serve(args))


if __name__ == "__main__":
    main()
