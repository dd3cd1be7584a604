/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "peer.h"
#include "tcp_seq.h"

#define PEER_PORT 40000
#define PEER_ISS 1000000u
#define PEER_TSVAL0 1000u

struct peer *
peer_create(uint64_t seed, const struct tern_tcp_conf *conf)
{
	struct sim *sim = sim_create(seed);
	struct peer *p = sim_alloc(sim, sizeof(*p), NULL);

	p->sim = sim;
	p->t = sim_add_stack(sim, "T", conf);
	p->p = sim_add_script(sim, "P");
	p->port = PEER_PORT;
	p->iss = PEER_ISS;
	p->snd_nxt = PEER_ISS;
	p->win = 65535;
	p->syn_opts.mss_ok = true;
	p->syn_opts.mss = 1460;
	p->tsval = PEER_TSVAL0;
	return p;
}

static void
describe(const struct sim_pkt *pkt, char *buf, size_t size)
{
	sim_hdr_format(&pkt->h, buf, size);
}

void
peer_destroy(struct peer *p)
{
	struct sim_pkt *pkt = sim_alloc(p->sim, sizeof(*pkt), NULL);
	struct rte_mbuf *m;
	unsigned int left = sim_inbox_count(p->p);
	char line[320];

	if (left > 0) {
		fprintf(stderr, "unread frames T sent to P:\n");
		while ((m = sim_inbox_pop(p->p)) != NULL) {
			sim_pkt_parse(m, pkt, false);
			rte_pktmbuf_free(m);
			describe(pkt, line, sizeof(line));
			fprintf(stderr, "  %s\n", line);
		}
		SIM_ASSERT(left == 0, "%u frames from T were not expected",
			   left);
	}
	sim_destroy(p->sim);
}

struct sim_tcp_spec
peer_seg(struct peer *p, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct sim_tcp_spec s;

	memset(&s, 0, sizeof(s));
	sim_tcp_spec_route(&s, p->p, p->t);
	s.sport = p->port;
	s.dport = p->tport;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = p->win;
	if (flags & SIM_SYN) {
		s.opts = p->syn_opts;
		if (s.opts.ts_ok) {
			s.opts.tsval = p->tsval++;
			s.opts.tsecr = (flags & SIM_ACK) ? p->ts_recent : 0;
		}
	} else if (p->ts) {
		s.opts.ts_ok = true;
		s.opts.tsval = p->tsval++;
		s.opts.tsecr = p->ts_recent;
	}
	return s;
}

void
peer_send(struct peer *p, const struct sim_tcp_spec *s)
{
	struct rte_mbuf *m = sim_build_tcp(p->p->pool, s);
	uint32_t span = s->len + ((s->flags & SIM_SYN) ? 1 : 0) +
			((s->flags & SIM_FIN) ? 1 : 0);

	SIM_ASSERT(m != NULL, "cannot build a frame (pool of P empty?)");
	if (s->seq == p->snd_nxt || (s->flags & SIM_SYN))
		p->snd_nxt = s->seq + span;
	p->last = *s;
	sim_wire_send(p->p, m);
	sim_settle(p->sim);
}

void
peer_send_flags(struct peer *p, uint8_t flags, uint32_t seq, uint32_t ack,
		const void *data, uint32_t len)
{
	struct sim_tcp_spec s = peer_seg(p, flags, seq, ack);

	s.data = data;
	s.len = len;
	peer_send(p, &s);
}

void
peer_send_data(struct peer *p, const void *data, uint32_t len)
{
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->snd_nxt, p->rcv_nxt, data,
			len);
}

void
peer_send_ack(struct peer *p)
{
	peer_send_flags(p, SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
}

void
peer_send_fin(struct peer *p)
{
	peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
}

void
peer_send_frame(struct peer *p, const void *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(p->p->pool);
	char *d;

	SIM_ASSERT(m != NULL, "pool of P empty");
	d = rte_pktmbuf_append(m, (uint16_t)len);
	SIM_ASSERT(d != NULL, "frame of %u bytes too long", len);
	memcpy(d, frame, len);
	sim_wire_send(p->p, m);
	sim_settle(p->sim);
}

void
peer_send_icmp_error(struct peer *p, uint8_t type, uint8_t code,
		     uint32_t word, uint32_t seq)
{
	bool v6 = sim_family(p->sim) == 6;
	uint32_t iphl = v6 ? 40 : 20;
	uint8_t msg[8 + 40 + 8] = { type, code };
	uint8_t *ip = msg + 8, *th = msg + 8 + iphl;
	uint32_t len = 8 + iphl + 8;
	struct rte_mbuf *m;
	uint16_t csum;

	msg[4] = (uint8_t)(word >> 24);
	msg[5] = (uint8_t)(word >> 16);
	msg[6] = (uint8_t)(word >> 8);
	msg[7] = (uint8_t)word;
	if (v6) {
		ip[0] = 0x60;
		ip[5] = 20;             /* the quoted TCP header */
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, p->t->ip6.b, 16);
		memcpy(ip + 24, p->p->ip6.b, 16);
	} else {
		ip[0] = 0x45;
		ip[3] = 20 + 20;
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, &p->t->ip, 4);
		memcpy(ip + 16, &p->p->ip, 4);
		csum = sim_csum_fold(sim_csum_add(0, ip, 20));
		ip[10] = (uint8_t)(csum >> 8);
		ip[11] = (uint8_t)csum;
	}
	th[0] = (uint8_t)(p->tport >> 8);
	th[1] = (uint8_t)p->tport;
	th[2] = (uint8_t)(p->port >> 8);
	th[3] = (uint8_t)p->port;
	th[4] = (uint8_t)(seq >> 24);
	th[5] = (uint8_t)(seq >> 16);
	th[6] = (uint8_t)(seq >> 8);
	th[7] = (uint8_t)seq;
	if (v6) {
		m = sim_build_ipv6(p->p->pool, &p->p->mac, &p->t->mac,
				   &p->p->ip6, &p->t->ip6, IPPROTO_ICMPV6, 64,
				   msg, len);
	} else {
		csum = sim_csum_fold(sim_csum_add(0, msg, len));
		msg[2] = (uint8_t)(csum >> 8);
		msg[3] = (uint8_t)csum;
		m = sim_build_ipv4(p->p->pool, &p->p->mac, &p->t->mac,
				   p->p->ip, p->t->ip, IPPROTO_ICMP, msg, len);
	}
	SIM_ASSERT(m != NULL, "cannot build the ICMP message");
	sim_wire_send(p->p, m);
	sim_settle(p->sim);
}

/* P's view of T's sequence space follows what T sends in order. */
static void
track(struct peer *p, const struct sim_pkt *pkt)
{
	const struct sim_hdr *h = &pkt->h;
	uint32_t span = h->payload_len + ((h->flags & SIM_FIN) ? 1 : 0);

	if (h->kind != SIM_PKT_TCP || (h->flags & SIM_RST))
		return;
	if (h->flags & SIM_SYN) {
		p->irs = h->seq;
		p->rcv_nxt = h->seq + 1 + span;
		p->ts = p->syn_opts.ts_ok && h->opts.ts_ok;
		if (p->tport == 0)
			p->tport = h->sport;
	} else if (h->seq == p->rcv_nxt) {
		p->rcv_nxt += span;
	} else if (seq_lt(h->seq, p->rcv_nxt) &&
		   seq_gt(h->seq + span, p->rcv_nxt)) {
		p->rcv_nxt = h->seq + span;
	}
	if (h->opts.ts_ok)
		p->ts_recent = h->opts.tsval;
}

bool
peer_recv(struct peer *p, uint64_t max_ns, struct sim_pkt *out)
{
	uint64_t end = sim_now(p->sim) + max_ns;
	struct rte_mbuf *m;

	for (;;) {
		m = sim_inbox_pop(p->p);
		if (m != NULL)
			break;
		if (!sim_step(p->sim, end)) {
			m = sim_inbox_pop(p->p);
			if (m == NULL)
				return false;
			break;
		}
	}
	sim_pkt_parse(m, out, true);
	rte_pktmbuf_free(m);
	p->last_rx_ns = sim_now(p->sim);
	track(p, out);
	return true;
}

void
peer_unexpected(struct peer *p, const char *file, int line,
		const struct sim_pkt *pkt)
{
	char buf[320];

	describe(pkt, buf, sizeof(buf));
	sim_test_fail(file, line, "a TCP segment from T", "got: %s", buf);
}

void
peer_expect_none(struct peer *p, uint64_t ns, const char *file, int line)
{
	struct sim_pkt *pkt;
	char buf[320];

	sim_run_for(p->sim, ns);
	if (sim_inbox_count(p->p) == 0)
		return;
	pkt = sim_alloc(p->sim, sizeof(*pkt), NULL);
	peer_recv(p, 0, pkt);
	describe(pkt, buf, sizeof(buf));
	sim_test_fail(file, line, "nothing from T",
		      "within %.3f s T sent: %s", ns / 1e9, buf);
}

void
peer_assert_seg(const struct sim_pkt *seg, uint8_t flags, uint64_t seq,
		uint64_t ack, const char *file, int line)
{
	char got[320], want[16];
	bool ok = seg->h.kind == SIM_PKT_TCP &&
		  (seg->h.flags & ~SIM_PSH) == (flags & ~SIM_PSH);

	if (seq != SEQ_ANY && seg->h.seq != (uint32_t)seq)
		ok = false;
	if (ack != SEQ_ANY && seg->h.ack != (uint32_t)ack)
		ok = false;
	if (!seg->h.ip_csum_ok || !seg->h.tcp_csum_ok)
		ok = false;
	if (ok)
		return;
	describe(seg, got, sizeof(got));
	sim_flags_format(flags, want, sizeof(want));
	sim_test_fail(file, line, "segment as expected",
		      "want %s seq=%s%" PRIu64 " ack=%s%" PRIu64 "\n    got  %s",
		      want, seq == SEQ_ANY ? "any/" : "",
		      seq == SEQ_ANY ? 0 : seq, ack == SEQ_ANY ? "any/" : "",
		      ack == SEQ_ANY ? 0 : ack, got);
}

struct sim_conn *
peer_open_passive(struct peer *p, struct sim_listener *l)
{
	struct sim_pkt *seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	unsigned int before = l->naccepted;

	p->tport = l->port;
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, seg);
	PEER_ASSERT_SEG(seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_ack(p);
	SIM_ASSERT(l->naccepted == before + 1,
		   "listener accepted %u, expected %u", l->naccepted,
		   before + 1);
	SIM_ASSERT_EQ(l->last->info.fport, p->port);
	SIM_ASSERT_STATE(sim_conn_state(l->last), TERN_TCP_ESTABLISHED);
	return l->last;
}

struct sim_conn *
peer_connect_syn(struct peer *p, struct sim_pkt *seg)
{
	struct sim_conn *r = sim_connect_to(p->t, p->p, p->port);

	PEER_EXPECT(p, 0, seg);
	PEER_ASSERT_SEG(seg, SIM_SYN, SEQ_ANY, SEQ_ANY);
	return r;
}

struct sim_conn *
peer_open_active(struct peer *p)
{
	struct sim_pkt *seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	struct sim_conn *r;

	p->tport = 0;
	r = peer_connect_syn(p, seg);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_SENT);
	p->tport = seg->h.sport;
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN | SIM_ACK, p->iss, p->rcv_nxt, NULL, 0);
	PEER_EXPECT(p, 0, seg);
	PEER_ASSERT_SEG(seg, SIM_ACK, p->irs + 1, p->iss + 1);
	SIM_ASSERT_EQ(r->connected, 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	return r;
}
