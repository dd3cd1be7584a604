#!/usr/bin/env python3
"""Write the committed seed corpora of the fuzz targets (corpus/*/).

The frame target's seeds are small programs in its operation encoding
(fuzz_frames.c, README.md): together they walk tern through all 11 TCP
states, so the bounded CI run starts from full state coverage and spends
its time on variations. Run it after changing the encoding:

    tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# operation codes (the input byte modulo 16)
SYN, SEG, CLOCK, APP, IPV4, ICMPERR, ARP, RAW, STEP = 0, 2, 7, 9, 11, 12, 13, 14, 15
# opcode 15 with high bits: the IPv6 operations
IPV6, ND, ICMP6ERR = 0x1f, 0x2f, 0x3f
# op_ipv6 upper layers (index into uppers[]) and extension header types
# (index into types[] of ext_header6)
UP_ICMP6, UP_TCP, UP_UDP, UP_NONE = 0, 1, 2, 3
EXT_HOP, EXT_DST, EXT_RT, EXT_FRAG = 0, 1, 2, 3
# flag_mix indices
ACK, ACK_PSH, ACK_FIN, F_SYN, SYN_ACK, RST, RST_ACK = 0, 1, 2, 3, 4, 5, 6
# application calls
SEND, CLOSE, ABORT, SHUTDOWN, LISTEN, UNLISTEN, CONNECT = 0, 1, 2, 3, 4, 5, 6
SEQ_MINUS_1 = 192  # seq_delta(): deltas[192 % 8] == -1


def syn(slot, isn, ctl=0x03, v6=False):
    return bytes([SYN, slot, 2 if v6 else 0]) + struct.pack(">I", isn) + \
        bytes([ctl, 0, 0, 0])


def seg(slot, flags, length=0, ack_delta=0, ctl=0):
    return bytes([SEG, slot, flags, ctl, 0, ack_delta, length])


def app(call, arg=0, extra=b""):
    return bytes([APP, call, arg]) + extra


def clock(b):
    return bytes([CLOCK, b])


def handshake(slot=0, isn=0x01020304, v6=False):
    return syn(slot, isn, v6=v6) + seg(slot, ACK)


def ipv6(ctl=0, upper=UP_ICMP6, payload=bytes(8), exts=(), pre=b"",
         post=b""):
    """op_ipv6: @p exts are (type index, shape, extra bytes), first
    header first (the operation reads them last to first)."""
    ext = b"".join(bytes([t, shape]) + extra for t, shape, extra in
                   reversed(exts))
    return bytes([IPV6, ctl, upper, len(payload), len(exts)]) + pre + \
        ext + payload + post


def nd(ctl=0, sel=0x10, opts=(), pre=b""):
    """op_nd: sel picks target (bits 0-1), source (2-3), destination
    (4-5); @p opts are (type byte, units byte, bytes)."""
    return bytes([ND, ctl, sel, len(opts)]) + pre + \
        b"".join(bytes([t, u]) + b for t, u, b in opts)


SEEDS = {
    # passive open, data both ways, the peer closes first:
    # SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED
    "passive-peer-closes": handshake() + seg(0, ACK_PSH, 100) +
    app(SEND, 0, bytes([10])) + seg(0, ACK) + seg(0, ACK_FIN) +
    app(CLOSE, 0) + seg(0, ACK) + clock(200),
    # tern closes first: FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT
    "passive-tern-closes": handshake() + app(CLOSE, 0) + seg(0, ACK) +
    seg(0, ACK_FIN) + clock(250),
    # simultaneous close: the peer's FIN does not ack tern's: CLOSING
    "simultaneous-close": handshake() + app(CLOSE, 0) +
    seg(0, ACK_FIN, ack_delta=SEQ_MINUS_1) + seg(0, ACK) + clock(250),
    # active open (ARP first): SYN_SENT ESTABLISHED, then data, shutdown
    "active-open": app(CONNECT, 0) + seg(7, SYN_ACK, ctl=0x03) +
    app(SEND, 0, bytes([4])) + seg(7, ACK) + app(SHUTDOWN, 0) +
    seg(7, ACK) + seg(7, ACK_FIN) + clock(230),
    # a second listener, a reset, an abort, timers
    "listen-reset-abort": app(LISTEN, 1) + syn(1, 7, 0x00) +
    syn(2, 99) + seg(2, ACK) + seg(1, RST) + app(ABORT, 0) +
    app(UNLISTEN, 1) + clock(100) + clock(240),
    # data the peer never acknowledges: retransmissions, then timeout
    "retransmit-timeout": handshake() + app(SEND, 0, bytes([200])) +
    clock(150) + clock(230) + clock(250),
    # an acceptable RST in each closing state: FIN_WAIT_1, CLOSE_WAIT,
    # LAST_ACK, CLOSING
    "rst-closing-states": handshake(0, 11) + app(CLOSE, 0) + seg(0, RST) +
    handshake(1, 22) + seg(1, ACK_FIN) + seg(1, RST) +
    handshake(2, 33) + seg(2, ACK_FIN) + app(CLOSE, 0) + seg(2, RST) +
    handshake(3, 44) + app(CLOSE, 0) +
    seg(3, ACK_FIN, ack_delta=SEQ_MINUS_1) + seg(3, RST),
    # four SYNs against a backlog of three: the fourth gets a cookie,
    # its ACK makes the connection
    "syn-cookie": syn(0, 1) + syn(1, 2) + syn(2, 3) + syn(3, 4) +
    seg(3, ACK) + seg(3, ACK_PSH, 10),
    # odd frames between the handshake's segments
    # IPv6 refused as RFC 8200 says, each counted: a header cut short,
    # a payload length past the frame, nine destination options headers
    # (tern walks 8), twelve of 16 bytes, a routing header with segments
    # left, a fragment
    "ipv6-malformed": ipv6(0x80, post=bytes([30])) +
    ipv6(0x04, post=bytes([1, 0])) +
    ipv6(exts=[(EXT_DST, 0, b"")] * 9) +
    ipv6(exts=[(EXT_HOP, 1, b"")] + [(EXT_DST, 1, b"")] * 11) +
    ipv6(exts=[(EXT_RT, 2, bytes([0, 1]))]) +
    ipv6(exts=[(EXT_FRAG, 6, bytes([0, 1]))]) +
    ipv6(upper=UP_UDP) + ipv6(upper=UP_NONE) + ipv6(),
    # Neighbour Discovery refused, each counted: an option of length 0,
    # an NS for an address not ours, hop limit 64, a DAD probe carrying
    # a source link-layer address; then a valid NS (answered)
    "nd-malformed": nd(opts=[(0, 0, bytes(6))]) + nd(sel=0x02) +
    nd(ctl=0x02, pre=bytes([64])) + nd(sel=0x14, opts=[(0, 1, b"")]) +
    nd(opts=[(0, 1, b"")]),
    # TCP over IPv6: passive open, data both ways, the peer closes
    "tcp6-passive": handshake(v6=True) + seg(0, ACK_PSH, 100) +
    app(SEND, 0, bytes([10])) + seg(0, ACK) + seg(0, ACK_FIN) +
    app(CLOSE, 0) + seg(0, ACK) + clock(200),
    # TCP over IPv6: tern connects (ND first), then a Packet Too Big
    # about its data and a close
    "tcp6-active": app(CONNECT, 0x80) + seg(7, SYN_ACK, ctl=0x03) +
    app(SEND, 0, bytes([100])) +
    bytes([ICMP6ERR, 7, 1, 0, 0, 0x05, 0x00]) + seg(7, ACK) +
    app(CLOSE, 0) + seg(7, ACK_FIN) + clock(230),
    "frames-mixed": syn(0, 5) + bytes([ARP, 0x08]) +
    bytes([IPV4, 0x00, 1, 8]) + bytes(8) + seg(0, ACK) +
    bytes([ICMPERR, 0, 1, 4, 0, 0x02, 0x40]) + bytes([RAW, 14, 0]) +
    bytes(14) + bytes([STEP]),
}


def eth(dst, src, etype):
    return dst + src + struct.pack(">H", etype)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4(proto, payload, src=b"\xc6\x12\x00\x01", dst=b"\xc6\x12\x00\x0a"):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000,
                    64, proto, 0, src, dst)
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


TERN = bytes([2, 0, 0, 0, 0, 0x0a])
PEER = bytes([2, 0, 0, 0, 0, 0x01])


TERN6 = bytes([0x20, 1, 0, 2] + [0] * 11 + [0x0a])
PEER6 = bytes([0x20, 1, 0, 2] + [0] * 11 + [0x01])
SNODE6 = bytes([0xff, 2] + [0] * 9 + [1, 0xff, 0, 0, 0x0a])


def ipv6_pkt(nh, payload, hop=64, src=PEER6, dst=TERN6, plen=None):
    """An IPv6 datagram; an ICMPv6 message (nh 58) gets its checksum."""
    if nh == 58:
        ph = src + dst + struct.pack(">IxxxB", len(payload), 58)
        payload = payload[:2] + b"\0\0" + payload[4:]
        payload = payload[:2] + struct.pack(">H", csum(ph + payload)) + \
            payload[4:]
    return struct.pack(">IHBB", 0x60000000,
                       len(payload) if plen is None else plen, nh, hop) + \
        src + dst + payload


def net6_seeds():
    echo6 = bytes([128, 0, 0, 0, 0, 1, 0, 1]) + b"ping"
    ns = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + TERN6 + bytes([1, 1]) + PEER
    mc = bytes([0x33, 0x33, 0xff, 0, 0, 0x0a])
    dstopts = b"".join(bytes([60 if i < 8 else 58, 0, 1, 4, 0, 0, 0, 0])
                       for i in range(9))
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 65535, 0,
                      0)
    return {
        "ipv6-echo": b"\0" + eth(TERN, PEER, 0x86dd) + ipv6_pkt(58, echo6),
        "ipv6-payload-length": b"\0" + eth(TERN, PEER, 0x86dd) +
        ipv6_pkt(58, echo6, plen=200),
        "ipv6-ext-limit": b"\0" + eth(TERN, PEER, 0x86dd) +
        ipv6_pkt(60, dstopts + echo6),
        "ipv6-split-header": bytes([0x80 | 30]) + eth(TERN, PEER, 0x86dd) +
        ipv6_pkt(58, echo6),
        "nd-ns": b"\0" + eth(mc, PEER, 0x86dd) +
        ipv6_pkt(58, ns, hop=255, dst=SNODE6),
        "nd-hop-limit": b"\0" + eth(mc, PEER, 0x86dd) +
        ipv6_pkt(58, ns, hop=64, dst=SNODE6),
        "nd-zero-option": b"\0" + eth(mc, PEER, 0x86dd) +
        ipv6_pkt(58, ns[:25] + b"\0" + ns[26:], hop=255, dst=SNODE6),
        "tcp6-syn": b"\0" + eth(TERN, PEER, 0x86dd) + ipv6_pkt(6, tcp),
    }


def net_seeds():
    arp = struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, PEER,
                      b"\xc6\x12\x00\x01", bytes(6), b"\xc6\x12\x00\x0a")
    echo = bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"ping"
    echo = echo[:2] + struct.pack(">H", csum(echo)) + echo[4:]
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 65535, 0,
                      0)
    return {
        "arp-request": b"\0" + eth(TERN, PEER, 0x0806) + arp,
        "icmp-echo": b"\0" + eth(TERN, PEER, 0x0800) + ipv4(1, echo),
        "tcp-syn": b"\0" + eth(TERN, PEER, 0x0800) + ipv4(6, tcp),
        "split-header": bytes([0x80 | 20]) + eth(TERN, PEER, 0x0800) +
        ipv4(1, echo),
    }


def option_seeds():
    return {
        "syn-linux": b"\x01" + bytes([2, 4, 5, 0xb4, 4, 2, 8, 10]) +
        bytes(8) + bytes([1, 3, 3, 7]),
        "ack-ts-sack": b"\x00" + bytes([1, 1, 8, 10]) + bytes(8) +
        bytes([1, 1, 5, 10]) + bytes(8),
        "eol-nop": b"\x00" + bytes([1, 1, 0, 0]),
    }


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


write("frames", SEEDS)
write("net", {**net_seeds(), **net6_seeds()})
write("options", option_seeds())
