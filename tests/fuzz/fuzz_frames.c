/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the frame input path of a whole stack (Ethernet ->
 * ARP / IPv4 / ICMP / IPv6 / ND / ICMPv6 / TCP over either) with a
 * listener and live connections.
 *
 * An input is a program of operations (fuzz_frames.md has the byte
 * encoding): mostly well-formed segments from a scripted peer whose
 * sequence and acknowledgement numbers follow what the stack sent (so
 * that deep states are reached: checksums are always fixed up unless an
 * operation asks for a broken one), raw IPv4 / ARP / ICMP / Ethernet
 * frames, ICMP errors quoting a live connection, clock advances, and the
 * application's calls (send, close, abort, shutdown, listen, unlisten,
 * connect, keepalive).
 *
 * After every input the application aborts what it holds, the clock
 * runs until every connection (orphans, half-open, TIME_WAIT) is gone,
 * and the mbuf pool must be back to its baseline: a leak aborts, and
 * libFuzzer reports it as a crash with the input that caused it. Every
 * IPv6 datagram or ND message the input builds (not TCP) must leave a
 * mark in a counter other than the mere arrival counters: a frame
 * dropped without a named reason aborts.
 *
 * Coverage of the state machine is counted: the TCP states and the rows
 * of the state table (lib/tcp/tcp_fsm.def) executed so far. At exit the
 * target prints them; with TERN_FUZZ_REQUIRE_STATES=N it exits non-zero
 * when fewer than N states were reached (CI asks for all 11).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <netinet/in.h>

#include "sim_frame.h"
#include "tcp_fsm.h"
#include "tern_stack.h"
#include "tern_stack_stats.h"
#include "tern_tcp.h"
#include "tern_tcp_view.h"
#include "tern_test_eal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL_MBUFS 4096
#define NFLOWS 8
#define NHANDLES 16
#define NLISTEN 2
#define RX_MAX 64
/* Operations per input: more adds nothing a longer input would not. */
#define OPS_MAX 256
/* Timer steps one clock advance may take before it gives up (a stack
 * asking to run again at the same instant forever is a defect). */
#define STEPS_MAX 4096
/* Duplicate Address Detection of tern's IPv6 addresses: one probe and
 * 1 s of silence (lib/net/tern_nd.c), with a margin. */
#define DAD_NS 1100000000ull

#define TERN_PORT 80
#define PEER_PORT0 40000  /* flows 0..3: the peer's active opens */
#define PEER_LISTEN 5000  /* the peer's listening ports (tern connects) */

/* 198.18.0.@p host in network order (tern is .10, the peer .1). */
static rte_be32_t
fz_ip(uint8_t host)
{
	return rte_cpu_to_be_32(UINT32_C(0xc6120000) | host);
}

/* 2001:2::@p host (tern is ::a, the peer ::1). */
static struct tern_ip6
fz_ip6(uint8_t host)
{
	return (struct tern_ip6){ .b = { 0x20, 0x01, 0x00, 0x02,
					 [15] = host } };
}

static const struct rte_ether_addr tern_mac = {{ 0x02, 0, 0, 0, 0, 0x0a }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};

/* One TCP conversation as the peer sees it. */
struct flow {
	bool used;
	uint16_t tport, pport;   /* tern's port, the peer's port */
	uint32_t peer_nxt;       /* the peer's next sequence number */
	uint32_t tern_nxt;       /* highest seq + len tern sent, + SYN/FIN */
	uint32_t tern_tsval;     /* tern's last timestamp value */
	uint32_t peer_tsval;
	bool ts;                 /* tern sends timestamps on this flow */
	bool tern_seen;          /* tern_nxt holds something */
	bool v6;                 /* over IPv6 */
};

/* Everything of one run; file scope because libFuzzer calls us with
 * nothing but the bytes (tests are not bound by lib/'s rule). */
static struct {
	struct rte_mempool *pool;
	struct tern_ctx *ctx;
	unsigned int pool_base;   /* in use before tern_stack_init */
	unsigned int pool_idle;   /* ...and right after it */
	struct flow flows[NFLOWS];
	struct tern_conn *handles[NHANDLES];
	struct tern_listener *listeners[NLISTEN];
	struct rte_mbuf *rx[RX_MAX];
	unsigned int nrx;
	/* coverage, over the whole process */
	uint64_t states_seen;     /* bit per enum tern_tcp_state */
	uint8_t *rows_seen;
	unsigned int nrows;
	uint64_t inputs;
} fz;

/* --- reading the input --- */

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint8_t
get8(struct cursor *c)
{
	uint8_t v;

	if (c->n == 0)
		return 0;
	v = *c->p++;
	c->n--;
	return v;
}

static uint16_t
get16(struct cursor *c)
{
	return (uint16_t)(get8(c) << 8 | get8(c));
}

static uint32_t
get32(struct cursor *c)
{
	return (uint32_t)get16(c) << 16 | get16(c);
}

static __rte_noreturn void
fuzz_fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "fuzz_frames: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	abort();
}

/* --- the peer's side of the wire --- */

static void
rx_push(struct rte_mbuf *m)
{
	if (m == NULL)
		return;
	if (fz.nrx == RX_MAX) {
		rte_pktmbuf_free(m);
		return;
	}
	fz.rx[fz.nrx++] = m;
}

static struct flow *
flow_find(uint16_t tport, uint16_t pport)
{
	for (unsigned int i = 0; i < NFLOWS; i++)
		if (fz.flows[i].used && fz.flows[i].tport == tport &&
		    fz.flows[i].pport == pport)
			return &fz.flows[i];
	return NULL;
}

/* A flow tern opened: the first free slot from the back (the front
 * four are the peer's own). */
static struct flow *
flow_learn(uint16_t tport, uint16_t pport)
{
	for (unsigned int i = NFLOWS; i-- > 0;) {
		struct flow *f = &fz.flows[i];

		if (!f->used) {
			memset(f, 0, sizeof(*f));
			f->used = true;
			f->tport = tport;
			f->pport = pport;
			f->peer_nxt = 0x50000000u + pport;
			return f;
		}
	}
	return NULL;
}

/* What tern sent: follow its sequence space; answer its ARP requests
 * and its Neighbour Solicitations for the peer's address. */
static void
peer_observe(struct rte_mbuf *m)
{
	struct tern_ip6 peer6 = fz_ip6(1);
	struct sim_hdr h;
	struct flow *f;
	uint32_t end;

	sim_hdr_parse(m, &h);
	if (h.kind == SIM_PKT_ARP && h.arp_op == RTE_ARP_OP_REQUEST &&
	    h.arp_tpa == fz_ip(1)) {
		rx_push(sim_build_arp(fz.pool, RTE_ARP_OP_REPLY, &tern_mac,
				      &peer_mac, fz_ip(1), &tern_mac,
				      h.arp_spa));
		return;
	}
	if (h.kind == SIM_PKT_ICMP6 && h.icmp_type == SIM_ND_NS &&
	    tern_ip6_eq(&h.nd_target, &peer6) &&
	    !tern_ip6_is_unspec(&h.ip6_src)) {
		rx_push(sim_build_na(fz.pool, &peer_mac, &tern_mac, &peer6,
				     &h.ip6_src, &peer6, 0x60));
		return;
	}
	if (h.kind != SIM_PKT_TCP)
		return;
	f = flow_find(h.sport, h.dport);
	if (f == NULL && (h.flags & SIM_SYN) && !(h.flags & SIM_ACK)) {
		f = flow_learn(h.sport, h.dport);
		if (f != NULL)
			f->v6 = h.family == 6;
	}
	if (f == NULL)
		return;
	end = h.seq + h.payload_len + !!(h.flags & SIM_SYN) +
	      !!(h.flags & SIM_FIN);
	if (!f->tern_seen || (int32_t)(end - f->tern_nxt) > 0 ||
	    (h.flags & SIM_SYN)) {
		f->tern_nxt = end;
		f->tern_seen = true;
	}
	if (h.opts.ts_ok) {
		f->ts = true;
		f->tern_tsval = h.opts.tsval;
	}
}

static void
fuzz_tx_flush(struct tern_ctx *ctx)
{
	uint16_t count = ctx->tx.count;

	ctx->tx.count = 0;
	for (uint16_t i = 0; i < count; i++) {
		peer_observe(ctx->tx.pkts[i]);
		rte_pktmbuf_free(ctx->tx.pkts[i]);
	}
}

/* Deliver what is queued, run the timers due now, flush; the ARP
 * replies that produced are delivered in the next round. */
static void
stack_step(void)
{
	for (int round = 0; round < 4; round++) {
		unsigned int n = fz.nrx;

		fz.nrx = 0;
		if (n > 0)
			tern_stack_input(fz.ctx, fz.rx, (uint16_t)n);
		tern_stack_poll(fz.ctx);
		if (fz.ctx->tx.count > 0)
			fz.ctx->tx_flush(fz.ctx);
		if (fz.nrx == 0)
			break;
	}
}

/* Move the clock to @p until_ns, running every timer on the way. */
static void
clock_advance_to(uint64_t until_ns)
{
	for (unsigned int steps = 0; steps < STEPS_MAX; steps++) {
		uint64_t next = tern_stack_next_deadline_ns(fz.ctx);

		if (next > until_ns)
			break;
		if (next > fz.ctx->now_ns)
			tern_ctx_set_now(fz.ctx, next);
		stack_step();
	}
	if (until_ns > fz.ctx->now_ns)
		tern_ctx_set_now(fz.ctx, until_ns);
	stack_step();
}

/* --- the application --- */

static void
handle_add(struct tern_conn *c)
{
	for (unsigned int i = 0; i < NHANDLES; i++)
		if (fz.handles[i] == NULL) {
			fz.handles[i] = c;
			return;
		}
	tern_tcp_abort(c);	/* the app has no room: it refuses it */
}

static int
app_accepted(struct tern_conn *c, void *listen_user)
{
	for (unsigned int i = 0; i < NHANDLES; i++)
		if (fz.handles[i] == NULL) {
			fz.handles[i] = c;
			return 0;
		}
	return -1;
}

static void
app_connected(struct tern_conn *c, void *user)
{
}

static void
app_recv(struct tern_conn *c, void *user, struct rte_mbuf *data)
{
	rte_pktmbuf_free(data);
}

static void
app_closed(struct tern_conn *c, void *user, enum tern_tcp_close_reason why)
{
	for (unsigned int i = 0; i < NHANDLES; i++)
		if (fz.handles[i] == c)
			fz.handles[i] = NULL;
}

static const struct tern_tcp_ops app_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.recv = app_recv,
	.closed = app_closed,
};

static const uint8_t app_bytes[4096];

/* An active open to the peer's listening port 5000 + (arg & 1), to its
 * IPv6 address when arg has bit 0x80. */
static int
app_connect(uint8_t arg, struct tern_conn **nc)
{
	struct tern_ip6 peer6 = fz_ip6(1);
	uint16_t port = (uint16_t)(PEER_LISTEN + arg % 2);

	if (arg & 0x80)
		return tern_tcp_connect6(fz.ctx, &peer6, port, &app_ops, NULL,
					 nc);
	return tern_tcp_connect(fz.ctx, fz_ip(1), port, &app_ops, NULL, nc);
}

static void
op_app(struct cursor *in)
{
	uint8_t what = get8(in), arg = get8(in);
	struct tern_conn *c = fz.handles[arg % NHANDLES];
	struct tern_conn *nc = NULL;
	unsigned int li = arg % NLISTEN;

	switch (what % 9) {
	case 0:
		if (c != NULL)
			(void)tern_tcp_send(c, app_bytes,
					    (uint32_t)get8(in) * 16);
		break;
	case 1:
		if (c != NULL)
			(void)tern_tcp_close(c);
		break;
	case 2:
		if (c != NULL)
			tern_tcp_abort(c);
		break;
	case 3:
		if (c != NULL)
			(void)tern_tcp_shutdown(c);
		break;
	case 4:
		if (fz.listeners[li] == NULL)
			(void)tern_tcp_listen(fz.ctx,
					      (uint16_t)(TERN_PORT + li),
					      &app_ops, NULL,
					      &fz.listeners[li]);
		break;
	case 5:
		if (fz.listeners[li] != NULL) {
			tern_tcp_unlisten(fz.listeners[li]);
			fz.listeners[li] = NULL;
		}
		break;
	case 6:
		/* arg 0x80: to the peer's IPv6 address */
		if (app_connect(arg, &nc) == 0)
			handle_add(nc);
		break;
	case 7:
		if (c != NULL)
			(void)tern_tcp_set_keepalive(c, 1000u + arg, 500, 2);
		break;
	default:
		if (c != NULL)
			(void)tern_tcp_set_nagle(c, arg & 1);
		break;
	}
	stack_step();
}

/* --- frames from the peer --- */

/* A small change to a sequence number, mostly none. */
static uint32_t
seq_delta(uint8_t b, struct cursor *in)
{
	static const int32_t deltas[] = {
		-1, 1, -2, 1000, -1000, 65535, -65536, INT32_MAX,
	};

	if (b < 192)
		return 0;
	if (b < 248)
		return (uint32_t)deltas[b % RTE_DIM(deltas)];
	return get32(in);
}

static const uint8_t flag_mix[] = {
	SIM_ACK, SIM_ACK | SIM_PSH, SIM_ACK | SIM_FIN, SIM_SYN,
	SIM_SYN | SIM_ACK, SIM_RST, SIM_RST | SIM_ACK, SIM_ACK,
	SIM_ACK | SIM_URG, SIM_FIN, SIM_SYN | SIM_FIN, SIM_ACK | SIM_PSH,
	SIM_ACK | SIM_FIN | SIM_PSH, SIM_ACK, SIM_ACK, 0,
};

/* The peer's flow of slot @p i (the first four are the peer's active
 * opens to tern's listener ports). */
static struct flow *
flow_slot(unsigned int i)
{
	struct flow *f = &fz.flows[i % NFLOWS];

	if (!f->used && i % NFLOWS < 4) {
		memset(f, 0, sizeof(*f));
		f->used = true;
		f->tport = (uint16_t)(TERN_PORT + (i / NFLOWS) % NLISTEN);
		f->pport = (uint16_t)(PEER_PORT0 + i % NFLOWS);
		f->peer_nxt = 0x10000000u * (i % NFLOWS + 1);
	}
	return f->used ? f : NULL;
}

/*
 * A segment of flow @p f: seq and ack follow the conversation unless
 * the input bends them; timestamps when tern uses them; payload, SACK
 * blocks, window, checksum as the input says.
 */
static void
peer_segment(struct flow *f, uint8_t flags, struct cursor *in)
{
	uint8_t ctl = get8(in), b_seq = get8(in), b_ack = get8(in);
	uint32_t len = (uint32_t)get8(in) * ((ctl & 0x80) ? 8 : 1);
	struct sim_tcp_spec s;

	memset(&s, 0, sizeof(s));
	s.eth_src = peer_mac;
	s.eth_dst = tern_mac;
	s.family = f->v6 ? 6 : 4;
	s.ip_src = fz_ip(1);
	s.ip_dst = fz_ip(10);
	s.ip6_src = fz_ip6(1);
	s.ip6_dst = fz_ip6(10);
	s.sport = f->pport;
	s.dport = f->tport;
	s.flags = flags;
	s.seq = f->peer_nxt + seq_delta(b_seq, in);
	s.ack = f->tern_nxt + seq_delta(b_ack, in);
	s.win = (ctl & 0x40) ? get16(in) : 65535;
	s.data = app_bytes;
	s.len = RTE_MIN(len, 1460u);
	if (flags & SIM_SYN) {
		s.opts.mss_ok = true;
		s.opts.mss = (ctl & 0x20) ? get16(in) : 1460;
		s.opts.sack_perm = ctl & 0x01;
		s.opts.ws_ok = ctl & 0x02;
		s.opts.ws = (uint8_t)(ctl >> 2 & 0x0f);
	}
	if ((f->ts || (flags & SIM_SYN)) && !(ctl & 0x10)) {
		s.opts.ts_ok = true;
		s.opts.tsval = ++f->peer_tsval;
		s.opts.tsecr = f->tern_tsval;
	}
	if ((ctl & 0x08) && !(flags & SIM_SYN)) {
		/* a SACK block somewhere around what tern sent */
		s.opts.nsack = 1;
		s.opts.sack[0].start = f->tern_nxt - get16(in);
		s.opts.sack[0].end = s.opts.sack[0].start + get16(in);
	}
	if ((ctl & 0x04) && b_seq == 255)
		s.csum = SIM_CSUM_BAD;
	rx_push(sim_build_tcp(fz.pool, &s));
	if (s.seq == f->peer_nxt)
		f->peer_nxt += s.len + !!(flags & SIM_SYN) +
			       !!(flags & SIM_FIN);
	stack_step();
}

static void
op_segment(struct cursor *in)
{
	uint8_t slot = get8(in), fl = get8(in);
	struct flow *f = flow_slot(slot);

	if (f == NULL)
		return;
	peer_segment(f, fl < 240 ? flag_mix[fl % RTE_DIM(flag_mix)] :
				   (uint8_t)get8(in), in);
}

/* A new connection attempt from flow slot @p slot (a fresh ISN), to
 * the listener the argument's bit 0 picks, over IPv6 when its bit 1 is
 * set. */
static void
op_syn(struct cursor *in)
{
	uint8_t slot = get8(in) % 4, how = get8(in);
	struct flow *f;

	fz.flows[slot].used = false;
	f = flow_slot(slot + NFLOWS * (how & 1));
	f->v6 = (how & 2) != 0;
	f->peer_nxt = get32(in);
	peer_segment(f, SIM_SYN, in);
}

static struct rte_mbuf *
frame_alloc(uint32_t len, uint8_t **data)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fz.pool);

	if (m == NULL)
		return NULL;
	*data = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (*data == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(*data, 0, len);
	return m;
}

static uint16_t
csum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	return sim_csum_fold(sim_csum_add(sum, p, len));
}

/*
 * An IPv4 datagram whose header fields and payload the input chooses;
 * checksums fixed unless it says not to. Reaches every IPv4 check, the
 * TCP header checks (doff, flags) and ICMP.
 */
static void
op_ipv4(struct cursor *in)
{
	uint8_t ctl = get8(in), proto_b = get8(in), plen = get8(in);
	uint8_t ihl = (ctl & 0x01) ? (uint8_t)(get8(in) & 0x0f) : 5;
	uint32_t hlen = ihl < 5 ? 20 : (uint32_t)ihl * 4, tot;
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_ICMP,
					  IPPROTO_UDP, 2 };
	uint8_t *f, *ip, *l4;
	struct rte_mbuf *m;

	tot = hlen + plen;
	m = frame_alloc(14 + tot, &f);
	if (m == NULL)
		return;
	memcpy(f, &tern_mac, 6);
	memcpy(f + 6, &peer_mac, 6);
	f[12] = 0x08;
	ip = f + 14;
	ip[0] = (uint8_t)((ctl & 0x02) ? get8(in) : 0x40 | ihl);
	ip[1] = get8(in);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	if (ctl & 0x04) {	/* a lying total length */
		ip[2] = get8(in);
		ip[3] = get8(in);
	}
	if (ctl & 0x08) {	/* fragments */
		ip[6] = get8(in);
		ip[7] = get8(in);
	} else {
		ip[6] = 0x40;
	}
	ip[8] = (ctl & 0x10) ? get8(in) : 64;
	ip[9] = proto_b < 224 ? protos[proto_b % RTE_DIM(protos)] : proto_b;
	memcpy(ip + 12, &(rte_be32_t){ fz_ip(1) }, 4);
	memcpy(ip + 16, &(rte_be32_t){ fz_ip(10) }, 4);
	if (ctl & 0x20) {	/* addresses from the input */
		for (int i = 12; i < 20; i++)
			ip[i] = get8(in);
	}
	for (uint32_t i = 20; i < hlen; i++)
		ip[i] = get8(in);
	l4 = ip + hlen;
	for (uint32_t i = 0; i < plen; i++)
		l4[i] = get8(in);
	if (!(ctl & 0x40)) {
		uint16_t c;

		if (ip[9] == IPPROTO_TCP && plen >= 18) {
			uint32_t sum = sim_csum_add(0, ip + 12, 8);

			sum += IPPROTO_TCP + plen;
			l4[16] = l4[17] = 0;
			c = csum16(l4, plen, sum);
			l4[16] = (uint8_t)(c >> 8);
			l4[17] = (uint8_t)c;
		} else if (ip[9] == IPPROTO_ICMP && plen >= 4) {
			l4[2] = l4[3] = 0;
			c = csum16(l4, plen, 0);
			l4[2] = (uint8_t)(c >> 8);
			l4[3] = (uint8_t)c;
		}
	}
	if (!(ctl & 0x80)) {
		uint16_t c;

		ip[10] = ip[11] = 0;
		c = csum16(ip, hlen, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	rx_push(m);
	stack_step();
}

/* An ICMP error quoting a segment tern sent on a live flow. */
static void
op_icmp_error(struct cursor *in)
{
	uint8_t slot = get8(in), type = get8(in), code = get8(in);
	uint8_t b_seq = get8(in);
	struct flow *f = flow_slot(slot);
	uint8_t msg[8 + 20 + 8], *q;
	struct rte_mbuf *m;
	uint32_t seq;
	uint16_t c;

	if (f == NULL)
		return;
	memset(msg, 0, sizeof(msg));
	msg[0] = type < 200 ? (uint8_t)(type % 2 ? 3 : 11) : type;
	msg[1] = (uint8_t)(code % 16);
	msg[6] = get8(in);	/* next-hop MTU for "fragmentation needed" */
	msg[7] = get8(in);
	q = msg + 8;
	q[0] = 0x45;
	q[3] = 40;
	q[8] = 64;
	q[9] = IPPROTO_TCP;
	memcpy(q + 12, &(rte_be32_t){ fz_ip(10) }, 4);
	memcpy(q + 16, &(rte_be32_t){ fz_ip(1) }, 4);
	c = csum16(q, 20, 0);
	q[10] = (uint8_t)(c >> 8);
	q[11] = (uint8_t)c;
	q += 20;
	seq = f->tern_nxt - 1 + seq_delta(b_seq, in);
	q[0] = (uint8_t)(f->tport >> 8);
	q[1] = (uint8_t)f->tport;
	q[2] = (uint8_t)(f->pport >> 8);
	q[3] = (uint8_t)f->pport;
	q[4] = (uint8_t)(seq >> 24);
	q[5] = (uint8_t)(seq >> 16);
	q[6] = (uint8_t)(seq >> 8);
	q[7] = (uint8_t)seq;
	c = csum16(msg, sizeof(msg), 0);
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	m = sim_build_ipv4(fz.pool, &peer_mac, &tern_mac, fz_ip(1),
			   fz_ip(10), IPPROTO_ICMP, msg, sizeof(msg));
	rx_push(m);
	stack_step();
}

/* An ARP request or reply, addresses picked from a few that matter. */
static void
op_arp(struct cursor *in)
{
	uint8_t ctl = get8(in);
	static const uint8_t hosts[] = { 1, 10, 2, 255, 0, 10, 1, 77 };
	struct rte_ether_addr sha = peer_mac;
	rte_be32_t spa = fz_ip(hosts[ctl & 7]);
	rte_be32_t tpa = fz_ip(hosts[(ctl >> 3) & 7]);
	const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff }};

	if (ctl & 0x40)
		sha.addr_bytes[5] = get8(in);
	rx_push(sim_build_arp(fz.pool, (ctl & 0x80) ? RTE_ARP_OP_REPLY :
				       RTE_ARP_OP_REQUEST,
			      (ctl & 0x40) ? &bcast : &tern_mac, &sha, spa,
			      &tern_mac, tpa));
	stack_step();
}

/* Any bytes as a frame (to tern's MAC unless the input says). */
static void
op_raw(struct cursor *in)
{
	uint8_t len = get8(in), ctl = get8(in);
	struct rte_mbuf *m;
	uint8_t *f;

	m = frame_alloc(len, &f);
	if (m == NULL)
		return;
	for (unsigned int i = 0; i < len; i++)
		f[i] = get8(in);
	if (!(ctl & 1) && len >= 14) {
		memcpy(f, &tern_mac, 6);
		f[12] = 0x08;
		f[13] = (ctl & 2) ? 0x06 : 0x00;
	}
	rx_push(m);
	stack_step();
}

/* --- IPv6 --- */

/* Counters that only say a frame arrived (not what became of it). */
static bool
arrival_counter(unsigned int id)
{
	return id == TERN_STAT_RX_PKTS || id == TERN_STAT_IP6_IN_RECEIVES ||
	       id == TERN_STAT_ICMP6_IN_MSGS;
}

/* The frame injected since @p before was snapshotted must have been
 * counted under what became of it: delivered, answered or a named drop
 * (docs/ipv6.md: bad input is counted and dropped). */
static void
expect_counted(const uint64_t *before, const char *what)
{
	for (unsigned int i = 0; i < TERN_STAT_MAX; i++)
		if (!arrival_counter(i) && fz.ctx->stats.c[i] != before[i])
			return;
	fuzz_fail("%s: dropped without a counter", what);
}

/* Put @p len bytes of IPv6 datagram @p ip on the wire to tern (group
 * MAC for a multicast destination), cut by @p cut bytes; unless the
 * datagram is TCP, require that tern counted what it did with it. */
static void
push_ipv6(const uint8_t *ip, uint32_t len, uint32_t cut, bool check,
	  const char *what)
{
	uint64_t before[TERN_STAT_MAX];
	struct rte_mbuf *m;
	uint8_t *f;

	cut = RTE_MIN(cut, len);
	m = frame_alloc(14 + len - cut, &f);
	if (m == NULL)
		return;
	memcpy(f, &tern_mac, 6);
	if (len >= 40 && ip[24] == 0xff) {
		f[0] = 0x33;
		f[1] = 0x33;
		memcpy(f + 2, ip + 36, 4);
	}
	memcpy(f + 6, &peer_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memcpy(f + 14, ip, len - cut);
	memcpy(before, fz.ctx->stats.c, sizeof(before));
	rx_push(m);
	stack_step();
	if (check)
		expect_counted(before, what);
}

/* tern's link-local address (from its MAC: fe80::ff:fe00:a). */
static struct tern_ip6
fz_ll6(const struct rte_ether_addr *mac)
{
	struct tern_ip6 a = { .b = { 0xfe, 0x80 } };

	a.b[8] = mac->addr_bytes[0] ^ 0x02;
	a.b[9] = mac->addr_bytes[1];
	a.b[10] = mac->addr_bytes[2];
	a.b[11] = 0xff;
	a.b[12] = 0xfe;
	a.b[13] = mac->addr_bytes[3];
	a.b[14] = mac->addr_bytes[4];
	a.b[15] = mac->addr_bytes[5];
	return a;
}

/* Addresses that matter to IPv6's checks, picked by the input. */
static struct tern_ip6
pick_addr6(uint8_t b, bool as_dst)
{
	static const struct tern_ip6 fixed[] = {
		{ .b = { 0 } },                                   /* :: */
		{ .b = { [15] = 1 } },                            /* ::1 */
		{ .b = { 0xff, 0x02, [15] = 1 } },                /* all nodes */
		{ .b = { 0xff, 0x01, [15] = 1 } },                /* scope 1 */
		{ .b = { 0x20, 0x01, 0, 2, 0, 1, [15] = 5 } },    /* off-link */
		{ .b = { 0x20, 0x01, 0, 2, [15] = 0x77 } },       /* a stranger */
	};
	struct tern_ip6 a;

	switch (b % 10) {
	case 0:
		return fz_ip6(as_dst ? 10 : 1);
	case 1:
		return fz_ip6(as_dst ? 1 : 10);
	case 2:
		return fz_ll6(as_dst ? &tern_mac : &peer_mac);
	case 3:
		a = fz_ip6(10);
		tern_ip6_solicited_node(&a, &a);
		return a;
	default:
		return fixed[(b % 10) - 4];
	}
}

/* Fill the upper-layer checksum of the datagram @p ip whose upper layer
 * @p nh starts at @p off (TCP and ICMPv6). */
static void
fix_l4_csum6(uint8_t *ip, uint32_t ip_len, uint32_t off, uint8_t nh)
{
	struct tern_ip6 src, dst;
	uint32_t len = ip_len - off, at;
	uint16_t c;

	if (nh == IPPROTO_TCP && len >= 18)
		at = 16;
	else if (nh == IPPROTO_ICMPV6 && len >= 4)
		at = 2;
	else
		return;
	memcpy(src.b, ip + 8, 16);
	memcpy(dst.b, ip + 24, 16);
	ip[off + at] = 0;
	ip[off + at + 1] = 0;
	c = csum16(ip + off, len, sim_csum_pseudo6(&src, &dst, nh, len));
	ip[off + at] = (uint8_t)(c >> 8);
	ip[off + at + 1] = (uint8_t)c;
}

#define EXT6_MAX 12     /* past tern's limit of 8 */
#define IP6_BUF (40 + EXT6_MAX * 16 + 256)

/* One extension header of the input's choice at @p h (8 or 16 bytes,
 * next header @p nh): hop-by-hop, destination options (PadN, or option
 * bytes from the input), routing (segments left from the input), a
 * fragment (offset and M flag from the input), or any type. */
static uint32_t
ext_header6(struct cursor *in, uint8_t *h, uint8_t *type, uint8_t nh)
{
	static const uint8_t types[] = { 0, 60, 43, 44, 60, 0, 43, 60 };
	uint8_t b = get8(in), shape = get8(in);
	uint32_t len = (shape & 1) ? 16 : 8;

	*type = b < 248 ? types[b % RTE_DIM(types)] : get8(in);
	memset(h, 0, 16);
	h[0] = nh;
	if (*type == 44) {
		len = 8;
		h[2] = (shape & 2) ? get8(in) : 0;
		h[3] = (shape & 4) ? get8(in) : 0;
		return len;
	}
	h[1] = (uint8_t)(len / 8 - 1);
	if (*type == 43) {
		h[2] = get8(in);        /* routing type: 0 is RH0 */
		h[3] = (shape & 2) ? get8(in) : 0;
	} else if (shape & 2) {
		for (uint32_t i = 2; i < len; i++)
			h[i] = get8(in);
	} else {
		h[2] = 1;               /* PadN over the rest */
		h[3] = (uint8_t)(len - 4);
	}
	return len;
}

/*
 * An IPv6 datagram whose fields the input chooses: version, hop limit,
 * addresses, a payload length that may lie, a chain of up to 12
 * extension headers (past tern's 8; loops of one type included), the
 * upper layer (ICMPv6 echo, TCP to a listener, UDP, no next header, any
 * value) and its bytes, checksums fixed unless asked, and a frame cut
 * short. Reaches every check of IPv6 input and its counters.
 */
static void
op_ipv6(struct cursor *in)
{
	static const uint8_t uppers[] = { IPPROTO_ICMPV6, IPPROTO_TCP,
					  IPPROTO_UDP, 59, IPPROTO_ICMPV6 };
	uint8_t ctl = get8(in), up_b = get8(in), plen = get8(in);
	unsigned int next = get8(in) % (EXT6_MAX + 1);
	uint8_t ip[IP6_BUF], types[EXT6_MAX], hdrs[EXT6_MAX][16];
	uint32_t hlens[EXT6_MAX], off = 40, payload;
	struct tern_ip6 src = fz_ip6(1), dst = fz_ip6(10);
	uint8_t upper, nh;

	upper = up_b < 240 ? uppers[up_b % RTE_DIM(uppers)] : get8(in);
	memset(ip, 0, sizeof(ip));
	ip[0] = (ctl & 0x02) ? get8(in) : 0x60;
	ip[7] = (ctl & 0x10) ? get8(in) : 64;
	if (ctl & 0x20) {
		src = pick_addr6(get8(in), false);
		dst = pick_addr6(get8(in), true);
	}
	memcpy(ip + 8, src.b, 16);
	memcpy(ip + 24, dst.b, 16);
	/* built back to front: each header names the one after it */
	nh = upper;
	for (unsigned int i = next; i-- > 0;) {
		hlens[i] = ext_header6(in, hdrs[i], &types[i], nh);
		nh = types[i];
	}
	ip[6] = nh;
	for (unsigned int i = 0; i < next; i++) {
		memcpy(ip + off, hdrs[i], hlens[i]);
		off += hlens[i];
	}
	for (uint32_t i = 0; i < plen; i++)
		ip[off + i] = get8(in);
	if (upper == IPPROTO_ICMPV6 && plen >= 8 && !(ctl & 0x08)) {
		ip[off] = 128;          /* echo request */
		ip[off + 1] = 0;
	} else if (upper == IPPROTO_TCP && plen >= 20 && !(ctl & 0x08)) {
		ip[off + 2] = 0;        /* to the listener, doff 5 */
		ip[off + 3] = TERN_PORT;
		ip[off + 12] = 0x50;
	}
	payload = off - 40 + plen;
	ip[4] = (uint8_t)(payload >> 8);
	ip[5] = (uint8_t)payload;
	if (!(ctl & 0x40))
		fix_l4_csum6(ip, off + plen, off, upper);
	if (ctl & 0x04) {           /* a lying payload length */
		ip[4] = get8(in);
		ip[5] = get8(in);
	}
	push_ipv6(ip, off + plen, (ctl & 0x80) ? get8(in) : 0,
		  upper != IPPROTO_TCP, "an IPv6 datagram");
}

/*
 * A Neighbour Solicitation or Advertisement with what RFC 4861 7.1
 * checks chosen by the input: hop limit, code, target (ours, our
 * link-local, a stranger's, a group), source (the peer, ::, ours),
 * destination (tern, the target's solicited-node group, all nodes),
 * flags, and options (link-layer address options of any length, zero
 * length, past the message, unknown types).
 */
static void
op_nd(struct cursor *in)
{
	uint8_t ctl = get8(in), sel = get8(in), nopts = get8(in) % 4;
	uint8_t ip[IP6_BUF], *nd = ip + 40;
	struct tern_ip6 target, src, dst;
	uint32_t len = 24;

	memset(ip, 0, sizeof(ip));
	switch (sel & 3) {
	case 0:
		target = fz_ip6(10);
		break;
	case 1:
		target = fz_ll6(&tern_mac);
		break;
	case 2:
		target = fz_ip6(0x77);  /* not ours */
		break;
	default:
		target = pick_addr6(6, true);   /* all nodes: a group */
		break;
	}
	src = ((sel >> 2) & 3) == 1 ? pick_addr6(4, false) :   /* :: */
	      ((sel >> 2) & 3) == 2 ? fz_ip6(10) : fz_ip6(1);
	switch ((sel >> 4) & 3) {
	case 0:
		dst = fz_ip6(10);
		break;
	case 1:
		tern_ip6_solicited_node(&target, &dst);
		break;
	case 2:
		dst = pick_addr6(6, true);      /* all nodes */
		break;
	default:
		dst = fz_ll6(&tern_mac);
		break;
	}
	ip[0] = 0x60;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = (ctl & 0x02) ? get8(in) : 255;
	memcpy(ip + 8, src.b, 16);
	memcpy(ip + 24, dst.b, 16);
	nd[0] = (ctl & 0x01) ? SIM_ND_NA : SIM_ND_NS;
	nd[1] = (ctl & 0x04) ? get8(in) : 0;
	nd[4] = (ctl & 0x01) ? get8(in) : 0;        /* R S O */
	memcpy(nd + 8, target.b, 16);
	for (unsigned int i = 0; i < nopts; i++) {
		uint8_t type = get8(in), units = get8(in);
		uint32_t olen = (uint32_t)(units % 4) * 8;

		nd[len] = type < 128 ? (uint8_t)(type % 2 + 1) : type;
		nd[len + 1] = units < 192 ? units % 4 : units;
		if (olen == 0)
			olen = 8;       /* a zero-length option's bytes */
		if (units % 4 == 1 && (ctl & 0x08) == 0)
			memcpy(nd + len + 2, &peer_mac, 6);
		else
			for (uint32_t k = 2; k < olen; k++)
				nd[len + k] = get8(in);
		len += olen;
	}
	ip[4] = (uint8_t)(len >> 8);
	ip[5] = (uint8_t)len;
	if (!(ctl & 0x40))
		fix_l4_csum6(ip, 40 + len, 40, IPPROTO_ICMPV6);
	push_ipv6(ip, 40 + len, (ctl & 0x80) ? get8(in) : 0, true,
		  "an ND message");
}

/* An ICMPv6 error (unreachable, packet too big, time exceeded,
 * parameter problem, or any type) quoting a segment tern sent on a
 * live IPv6 flow, as a router or the peer reports it. */
static void
op_icmp6_error(struct cursor *in)
{
	uint8_t slot = get8(in), type = get8(in), code = get8(in);
	uint8_t b_seq = get8(in), mtu_hi = get8(in), mtu_lo = get8(in);
	struct tern_ip6 peer6 = fz_ip6(1), tern6 = fz_ip6(10);
	struct flow *f = flow_slot(slot);
	uint8_t ip[40 + 8 + 40 + 8], *msg = ip + 40, *q = msg + 8;
	uint32_t seq;

	if (f == NULL || !f->v6)
		return;
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x60;
	ip[5] = 8 + 40 + 8;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 64;
	memcpy(ip + 8, peer6.b, 16);
	memcpy(ip + 24, tern6.b, 16);
	msg[0] = type < 200 ? (uint8_t)(1 + type % 4) : type;
	msg[1] = (uint8_t)(code % 8);
	msg[6] = mtu_hi;                /* MTU (2) or pointer (4) */
	msg[7] = mtu_lo;
	q[0] = 0x60;
	q[5] = 20;
	q[6] = IPPROTO_TCP;
	q[7] = 64;
	memcpy(q + 8, tern6.b, 16);
	memcpy(q + 24, peer6.b, 16);
	seq = f->tern_nxt - 1 + seq_delta(b_seq, in);
	q[40] = (uint8_t)(f->tport >> 8);
	q[41] = (uint8_t)f->tport;
	q[42] = (uint8_t)(f->pport >> 8);
	q[43] = (uint8_t)f->pport;
	q[44] = (uint8_t)(seq >> 24);
	q[45] = (uint8_t)(seq >> 16);
	q[46] = (uint8_t)(seq >> 8);
	q[47] = (uint8_t)seq;
	fix_l4_csum6(ip, sizeof(ip), 40, IPPROTO_ICMPV6);
	push_ipv6(ip, sizeof(ip), 0, true, "an ICMPv6 error");
}

/* Opcode 15: its high bits pick IPv6 operations; 15 itself (and what
 * is not assigned) is a step with no input. */
static void
op_ext(uint8_t op, struct cursor *in)
{
	switch (op >> 4) {
	case 1:
		op_ipv6(in);
		break;
	case 2:
		op_nd(in);
		break;
	case 3:
		op_icmp6_error(in);
		break;
	default:
		stack_step();
		break;
	}
}

static void
op_clock(struct cursor *in)
{
	uint8_t b = get8(in);
	uint64_t ns;

	if (b < 128)
		ns = (uint64_t)b * 1000000ull;             /* ms */
	else if (b < 224)
		ns = (uint64_t)(b - 127) * 100000000ull;   /* 100 ms */
	else
		ns = (uint64_t)(b - 223) * 5000000000ull;  /* 5 s */
	clock_advance_to(fz.ctx->now_ns + ns);
}

/* --- one input --- */

static void
stack_conf(struct tern_stack_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->ifc.mac = tern_mac;
	sc->ifc.ip = fz_ip(10);
	sc->ifc.netmask = rte_cpu_to_be_32(0xffffff00);
	sc->ifc.mtu = 1500;
	sc->ifc.ip6 = fz_ip6(10);
	sc->ifc.ip6_prefix_len = 64;
	tern_tcp_conf_defaults(&sc->tcp);
	/* small tables and short timers: every input ends quickly */
	sc->tcp.max_conns = 32;
	sc->tcp.max_tw = 4;
	sc->tcp.backlog = 3;	/* the four peer flows can overflow it */
	sc->tcp.msl_ms = 1000;
	sc->tcp.fin_wait2_ms = 3000;
	sc->tcp.syn_retries = 2;
	sc->tcp.synack_retries = 2;
	sc->tcp.max_retries = 3;
	sc->tcp.rto_max_ms = 4000;
	sc->tcp.persist_max_ms = 10000;
	sc->tcp.snd_buf = 16384;
	sc->tcp.rcv_buf = 16384;
	sc->tcp.reass_max_bytes = 8192;
	sc->tcp.port_min = 33000;
	sc->tcp.port_max = 33003;
	sc->pool = fz.pool;
	sc->tx_flush = fuzz_tx_flush;
	sc->lcore_id = rte_lcore_id();
	sc->now_ns = 1000000000ull;
	sc->secret_seed = 0x5eed;
}

static uint32_t
conns_left(void)
{
	uint32_t counts[TERN_TCP_NSTATES], sum = 0;

	tern_tcp_state_counts(fz.ctx, counts);
	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		if (s != TERN_TCP_LISTEN)
			sum += counts[s];
	return sum;
}

static void
note_states(void)
{
	uint32_t counts[TERN_TCP_NSTATES];

	tern_tcp_state_counts(fz.ctx, counts);
	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		if (counts[s] > 0)
			fz.states_seen |= UINT64_C(1) << s;
}

/* "FROM --EVENT--> TO": both states of every row executed count. */
static void
note_rows(void)
{
	for (unsigned int i = 0; i < fz.nrows; i++) {
		const char *name, *to;

		if (fz.rows_seen[i] || tern_tcp_fsm_hits(fz.ctx, i) == 0)
			continue;
		fz.rows_seen[i] = 1;
		name = tern_tcp_fsm_entry_name(i);
		to = strstr(name, "> ");
		for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++) {
			const char *sn = tern_tcp_state_name(s);
			size_t len = strlen(sn);

			if (strncmp(name, sn, len) == 0 && name[len] == ' ')
				fz.states_seen |= UINT64_C(1) << s;
			if (to != NULL && strcmp(to + 2, sn) == 0)
				fz.states_seen |= UINT64_C(1) << s;
		}
	}
}

static void
run_ops(struct cursor *in)
{
	for (unsigned int n = 0; n < OPS_MAX && in->n > 0; n++) {
		uint8_t op = get8(in);

		switch (op % 16) {
		case 0:
		case 1:
			op_syn(in);
			break;
		case 2: case 3: case 4: case 5: case 6:
			op_segment(in);
			break;
		case 7:
		case 8:
			op_clock(in);
			break;
		case 9:
		case 10:
			op_app(in);
			break;
		case 11:
			op_ipv4(in);
			break;
		case 12:
			op_icmp_error(in);
			break;
		case 13:
			op_arp(in);
			break;
		case 14:
			op_raw(in);
			break;
		default:
			op_ext(op, in);
			break;
		}
		note_states();
	}
}

/*
 * The end of every input: the app aborts what it holds and stops
 * listening, then the clock runs until nothing is left (orphans time
 * out, TIME_WAIT ends after 2 MSL); then the pool must be at baseline.
 */
static void
wind_down(void)
{
	unsigned int i;

	tern_tcp_abort_all(fz.ctx);
	for (i = 0; i < NLISTEN; i++)
		if (fz.listeners[i] != NULL) {
			tern_tcp_unlisten(fz.listeners[i]);
			fz.listeners[i] = NULL;
		}
	stack_step();
	for (i = 0; i < 64 && conns_left() > 0; i++)
		clock_advance_to(fz.ctx->now_ns + 10000000000ull);
	if (conns_left() > 0)
		fuzz_fail("%s", "connections left 640 s after the abort");
	/* past 2 MSL and every ARP timer */
	clock_advance_to(fz.ctx->now_ns + 120000000000ull);
	note_rows();
	for (i = 0; i < NHANDLES; i++)
		if (fz.handles[i] != NULL)
			fuzz_fail("%s", "a handle not closed");
	if (rte_mempool_in_use_count(fz.pool) != fz.pool_idle) {
		fprintf(stderr, "fuzz_frames: %u mbufs in use, %u at start\n",
			rte_mempool_in_use_count(fz.pool), fz.pool_idle);
		fuzz_fail("%s", "mbufs leaked");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor in = { data, size };
	struct tern_stack_conf sc;

	memset(fz.flows, 0, sizeof(fz.flows));
	memset(fz.handles, 0, sizeof(fz.handles));
	memset(fz.listeners, 0, sizeof(fz.listeners));
	fz.nrx = 0;
	stack_conf(&sc);
	fz.pool_base = rte_mempool_in_use_count(fz.pool);
	if (tern_stack_init(fz.ctx, &sc) != 0)
		fuzz_fail("%s", "tern_stack_init failed");
	fz.pool_idle = rte_mempool_in_use_count(fz.pool);
	/* IPv6 usable from the first operation: DAD (one probe, 1 s,
	 * unanswered) runs to its end */
	clock_advance_to(fz.ctx->now_ns + DAD_NS);
	if (tern_tcp_listen(fz.ctx, TERN_PORT, &app_ops, NULL,
			    &fz.listeners[0]) != 0)
		fuzz_fail("%s", "listen failed");
	run_ops(&in);
	wind_down();
	/* what each input did, to check that a seed reaches what it is
	 * meant to (e.g. the IPv6 drop counters) */
	if (getenv("TERN_FUZZ_STATS") != NULL)
		tern_stats_print(stderr, &fz.ctx->stats);
	tern_stack_fini(fz.ctx);
	if (rte_mempool_in_use_count(fz.pool) != fz.pool_base)
		fuzz_fail("%s", "mbufs held after tern_stack_fini");
	fz.inputs++;
	return 0;
}

static void
report_coverage(void)
{
	unsigned int nstates = 0, rows = 0;
	const char *want = getenv("TERN_FUZZ_REQUIRE_STATES");

	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		nstates += (fz.states_seen >> s) & 1;
	for (unsigned int i = 0; i < fz.nrows; i++)
		rows += fz.rows_seen[i];
	fprintf(stderr, "fuzz_frames: %" PRIu64 " inputs; TCP states "
		"reached %u/%u; state-table rows executed %u/%u\n",
		fz.inputs, nstates, (unsigned int)TERN_TCP_NSTATES, rows,
		fz.nrows);
	for (unsigned int s = 0; s < TERN_TCP_NSTATES; s++)
		if (!((fz.states_seen >> s) & 1))
			fprintf(stderr, "fuzz_frames: never reached %s\n",
				tern_tcp_state_name(s));
	if (getenv("TERN_FUZZ_ROWS") != NULL)
		for (unsigned int i = 0; i < fz.nrows; i++)
			fprintf(stderr, "fuzz_frames: row %s %s\n",
				fz.rows_seen[i] ? "hit " : "MISS",
				tern_tcp_fsm_entry_name(i));
	if (want != NULL && nstates < (unsigned int)atoi(want)) {
		fprintf(stderr, "fuzz_frames: FAIL: %u states, %s required\n",
			nstates, want);
		_exit(1);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (tern_test_eal_init((*argv)[0], NULL) != 0)
		exit(1);
	rte_log_set_global_level(RTE_LOG_ERR);
	/* no per-lcore cache: the in-use count is exact */
	fz.pool = rte_pktmbuf_pool_create("fuzz_pool", POOL_MBUFS, 0, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	fz.ctx = rte_zmalloc("fuzz_ctx", sizeof(*fz.ctx),
			     RTE_CACHE_LINE_SIZE);
	fz.nrows = tern_tcp_fsm_entries();
	fz.rows_seen = calloc(fz.nrows == 0 ? 1 : fz.nrows, 1);
	if (fz.pool == NULL || fz.ctx == NULL || fz.rows_seen == NULL) {
		fprintf(stderr, "fuzz_frames: setup failed\n");
		exit(1);
	}
	atexit(report_coverage);
	return 0;
}
