#!/usr/bin/python3
"""The kernel's side of the tern-testpmd tests (run in the namespace).

    testpmd_peer.py hold IP PORT BYTES [--timeout S] [--linger]

Connect to IP:PORT, send BYTES, read them back (tern's echo service),
print "echoed bytes=N local=A:P" and keep the connection open until tern
ends it. Then print one line

    end=eof|reset|timeout ss_state=STATE

where STATE is what `ss` says of this socket right after tern's FIN was
read (CLOSE-WAIT on an orderly close), close, and exit 0 only for eof.

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["hold"])
    ap.add_argument("ip")
    ap.add_argument("port", type=int)
    ap.add_argument("bytes", type=int)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--linger", action="store_true")
    args = ap.parse_args()
    sys.exit(hold(args))


if __name__ == "__main__":
    main()
