/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP over IPv6 (docs/ipv6.md, "TCP over IPv6") between two tern stacks
 * on the simulated wire: the handshake, data both ways checked byte by
 * byte, the close orders and TIME_WAIT, a reset, SYN cookies, a
 * dual-stack listener, Packet Too Big lowering the MSS, and two workers
 * steering IPv6 flows. Every test ends with the intern table of IPv6
 * peers empty and the pools at their baseline (sim_destroy()).
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "tern_net.h"
#include "tern_owner.h"
#include "sim.h"
#include "sim_app.h"
#include "sim_test.h"

#define P6_PORT 7000
#define P6_BYTES 100000u

/* Two IPv6 stacks past DAD. */
static void
two_stacks(struct sim *sim, const struct tern_tcp_conf *conf,
	   struct sim_node **a, struct sim_node **b)
{
	struct sim_faults f = { .latency_ns = SIM_MS };

	sim_use_ipv6(sim, true);
	*a = sim_add_stack(sim, "A", conf);
	*b = sim_add_stack(sim, "B", conf);
	sim_set_faults_all(sim, &f);
	sim_run_for(sim, 1100 * SIM_MS);
}

/* A's connection to B's listener, both ESTABLISHED. */
static struct sim_conn *
open6(struct sim *sim, struct sim_node *a, struct sim_node *b,
      struct sim_listener *l, struct sim_conn **server)
{
	unsigned int before = l->naccepted;
	struct sim_conn *c = sim_connect6(a, &b->ip6, l->port);

	SIM_WAIT(sim, c->connected == 1 && l->naccepted == before + 1,
		 5 * SIM_S);
	*server = l->last;
	return c;
}

static void
exchange(struct sim *sim, struct sim_conn *c, struct sim_conn *s,
	 uint32_t bytes)
{
	c->tx_key = sim_seed(sim) * 4 + 1;
	s->tx_key = sim_seed(sim) * 4 + 3;
	s->rx_key = c->tx_key;
	c->rx_key = s->tx_key;
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, bytes), (int32_t)bytes);
	SIM_ASSERT_EQ(sim_conn_send_pattern(s, bytes), (int32_t)bytes);
	SIM_WAIT(sim, c->rx_bytes == bytes && s->rx_bytes == bytes,
		 20 * SIM_S);
	SIM_ASSERT_EQ(c->rx_bad_at, 0);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
}

static void
assert_no_peers(struct sim *sim)
{
	for (unsigned int i = 0; i < sim_node_count(sim); i++) {
		struct sim_node *n = sim_node(sim, i);

		if (n->kind == SIM_NODE_STACK)
			SIM_ASSERT_EQ(tern_tcp_peers6_count(n->ctx), 0);
	}
}

/* Handshake, info of both ends, 100 kB each way, the client closes
 * first: TIME_WAIT on its side holds the peer until it expires. */
static void
test_tcp6_handshake_data_close(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a, *b;
	struct sim_listener *l;
	struct sim_conn *c, *s;
	struct tern_tcp_info ci, si;

	two_stacks(sim, NULL, &a, &b);
	l = sim_listen(b, P6_PORT);
	l->close_on_peer_closed = true;
	c = open6(sim, a, b, l, &s);
	tern_tcp_get_info(c->c, &ci);
	tern_tcp_get_info(s->c, &si);
	SIM_ASSERT_EQ(ci.family, AF_INET6);
	SIM_ASSERT_EQ(si.family, AF_INET6);
	SIM_ASSERT(tern_ip6_eq(&ci.faddr6, &b->ip6), "client's peer");
	SIM_ASSERT(tern_ip6_eq(&ci.laddr6, &a->ip6), "client's address");
	SIM_ASSERT(tern_ip6_eq(&si.faddr6, &a->ip6), "server's peer");
	SIM_ASSERT_EQ(si.fport, ci.lport);
	SIM_ASSERT_EQ(ci.laddr, 0);
	/* MTU 1500 less 60 bytes of headers, both ways */
	SIM_ASSERT_EQ(ci.mss, 1440 - 12);
	SIM_ASSERT_EQ(si.mss, 1440 - 12);
	SIM_ASSERT(ci.ts_ok && ci.sack_ok, "options agreed");
	SIM_ASSERT_EQ(tern_tcp_peers6_count(a->ctx), 1);
	SIM_ASSERT_EQ(tern_tcp_peers6_count(b->ctx), 1);
	exchange(sim, c, s, P6_BYTES);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_IN_CSUM_ERRORS) +
		      sim_stat(b, TERN_STAT_TCP_IN_CSUM_ERRORS), 0);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_IP_OUT_REQUESTS) +
		      sim_stat(b, TERN_STAT_IP_OUT_REQUESTS), 0);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_WAIT(sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(a, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_state_count(b, TERN_TCP_TIME_WAIT), 0);
	/* the record keeps A's reference, B's is gone */
	SIM_ASSERT_EQ(tern_tcp_peers6_count(a->ctx), 1);
	SIM_ASSERT_EQ(tern_tcp_peers6_count(b->ctx), 0);
	sim_run_for(sim, 61 * SIM_S);
	SIM_ASSERT_EQ(sim_state_count(a, TERN_TCP_TIME_WAIT), 0);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	sim_destroy(sim);
}

/* The other close orders: the server first, both at once, and a
 * reset; then a new connection of the same peer after TIME_WAIT. */
static void
test_tcp6_close_orders(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a, *b;
	struct sim_listener *l;
	struct sim_conn *c, *s;

	two_stacks(sim, NULL, &a, &b);
	l = sim_listen(b, P6_PORT);
	/* server first: B holds TIME_WAIT */
	c = open6(sim, a, b, l, &s);
	c->close_on_peer_closed = true;
	exchange(sim, c, s, 5000);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(sim_state_count(b, TERN_TCP_TIME_WAIT), 1);
	SIM_ASSERT_EQ(sim_state_count(a, TERN_TCP_TIME_WAIT), 0);
	SIM_ASSERT_EQ(tern_tcp_peers6_count(b->ctx), 1);
	/* simultaneous: both in TIME_WAIT */
	c = open6(sim, a, b, l, &s);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(b, TERN_TCP_TIME_WAIT), 2);
	SIM_ASSERT_EQ(sim_state_count(a, TERN_TCP_TIME_WAIT), 1);
	/* one peer each, however many records hold it */
	SIM_ASSERT_EQ(tern_tcp_peers6_count(a->ctx), 1);
	SIM_ASSERT_EQ(tern_tcp_peers6_count(b->ctx), 1);
	/* a reset */
	c = open6(sim, a, b, l, &s);
	tern_tcp_abort(c->c);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_ABORTED);
	SIM_WAIT(sim, s->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_RESET);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_TCP_ESTAB_RESETS), 1);
	sim_run_for(sim, 61 * SIM_S);
	assert_no_peers(sim);
	/* a segment for nothing: RST over IPv6, nothing kept */
	c = sim_connect6(a, &b->ip6, P6_PORT + 1);
	SIM_WAIT(sim, c->closed == 1, 5 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_REFUSED);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_TCP_OUT_RSTS), 1);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	sim_destroy(sim);
}

/* A backlog of 1: SYNs past it are answered with cookies, whose ACKs
 * (checked over the full addresses) make connections. */
static void
test_tcp6_syn_cookies(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct tern_tcp_conf conf;
	struct sim_node *a, *b;
	struct sim_listener *l;
	struct sim_conn *c[4];

	sim_tcp_conf_defaults(&conf);
	conf.backlog = 1;
	two_stacks(sim, &conf, &a, &b);
	l = sim_listen(b, P6_PORT);
	l->close_on_peer_closed = true;
	for (unsigned int i = 0; i < RTE_DIM(c); i++)
		c[i] = sim_connect6(a, &b->ip6, P6_PORT);
	SIM_WAIT(sim, l->naccepted == RTE_DIM(c), 5 * SIM_S);
	SIM_ASSERT(sim_stat(b, TERN_STAT_TCP_SYNCOOKIES_SENT) >= 1,
		   "no cookie sent");
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_TCP_SYNCOOKIES_RECV),
		      sim_stat(b, TERN_STAT_TCP_SYNCOOKIES_SENT));
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_TCP_SYNCOOKIES_FAILED), 0);
	for (unsigned int i = 0; i < RTE_DIM(c); i++) {
		SIM_ASSERT_STATE(sim_conn_state(c[i]), TERN_TCP_ESTABLISHED);
		SIM_ASSERT_EQ(tern_tcp_close(c[i]->c), 0);
	}
	SIM_WAIT(sim, sim_conn_count(b) == 0, 5 * SIM_S);
	sim_run_for(sim, 61 * SIM_S);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	sim_destroy(sim);
}

/* One listener takes IPv4 and IPv6 connections alike. */
static void
test_tcp6_dual_stack_listener(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a, *b;
	struct sim_listener *l;
	struct sim_conn *c4, *c6, *s4, *s6;

	two_stacks(sim, NULL, &a, &b);
	l = sim_listen(b, P6_PORT);
	l->close_on_peer_closed = true;
	c6 = open6(sim, a, b, l, &s6);
	c4 = sim_connect(a, b->ip, P6_PORT);
	SIM_WAIT(sim, c4->connected == 1 && l->naccepted == 2, 5 * SIM_S);
	s4 = l->last;
	SIM_ASSERT_EQ(s4->info.family, AF_INET);
	SIM_ASSERT_EQ(s6->info.family, AF_INET6);
	SIM_ASSERT_EQ(s4->info.faddr, a->ip);
	exchange(sim, c4, s4, 20000);
	exchange(sim, c6, s6, 20000);
	SIM_ASSERT_EQ(tern_tcp_close(c4->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(c6->c), 0);
	SIM_WAIT(sim, s4->closed == 1 && s6->closed == 1, 5 * SIM_S);
	sim_run_for(sim, 61 * SIM_S);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	sim_destroy(sim);
}

/* ---- Packet Too Big (RFC 8201) ---- */

#define PTB_QUOTE 120u

struct ptb_capture {
	const struct sim_node *a;
	bool done;
	bool hold;                  /* drop A's data segments meanwhile */
	uint8_t quote[PTB_QUOTE];   /* IPv6 and TCP header, some data */
};

/* Drop the first IPv6 TCP segment with data that A sends, keeping its
 * first bytes for the quote, and the ones after it while cap->hold:
 * nothing is acknowledged, its sequence stays in flight. */
static enum sim_verdict
ptb_grab(const struct sim_frame_ctx *fc, struct rte_mbuf *m, void *arg)
{
	struct ptb_capture *cap = arg;
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	if (fc->from != cap->a ||
	    rte_pktmbuf_data_len(m) < 14 + PTB_QUOTE || f[12] != 0x86 ||
	    f[13] != 0xdd || f[20] != IPPROTO_TCP ||
	    ((uint32_t)f[18] << 8 | f[19]) < 32u + 100u)
		return SIM_PASS;
	if (cap->done)
		return cap->hold ? SIM_DROP : SIM_PASS;
	memcpy(cap->quote, f + 14, PTB_QUOTE);
	cap->done = true;
	return SIM_DROP;
}

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* An ICMPv6 Packet Too Big (MTU @p mtu) from router @p r to @p to,
 * quoting @p quote. */
static void
send_ptb(struct sim_node *r, const struct sim_node *to, uint32_t mtu,
	 const uint8_t *quote)
{
	size_t len = 8 + PTB_QUOTE;
	struct rte_mbuf *m = rte_pktmbuf_alloc(r->pool);
	uint8_t ph[40] = { 0 };
	uint8_t *f, *icmp;
	uint16_t sum;

	SIM_CHECK(m != NULL);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + 40 + len));
	SIM_CHECK(f != NULL);
	memset(f, 0, 14 + 40 + len);
	memcpy(f, to->mac.addr_bytes, 6);
	memcpy(f + 6, r->mac.addr_bytes, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)(len >> 8);
	f[19] = (uint8_t)len;
	f[20] = IPPROTO_ICMPV6;
	f[21] = 64;
	memcpy(f + 22, r->ip6.b, 16);
	memcpy(f + 38, to->ip6.b, 16);
	icmp = f + 54;
	icmp[0] = 2;                        /* Packet Too Big */
	icmp[4] = (uint8_t)(mtu >> 24);
	icmp[5] = (uint8_t)(mtu >> 16);
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + 8, quote, PTB_QUOTE);
	memcpy(ph, r->ip6.b, 16);
	memcpy(ph + 16, to->ip6.b, 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = IPPROTO_ICMPV6;
	sum = sum16(icmp, len, sum16(ph, sizeof(ph), 0));
	icmp[2] = (uint8_t)(~sum >> 8);
	icmp[3] = (uint8_t)~sum;
	sim_wire_send(r, m);
}

/*
 * A router's Packet Too Big of 1280 about a segment in flight lowers
 * A's MSS to 1280 - 60 - 12 (timestamps) and what is in flight goes
 * again in segments that fit; one below 1280 counts as 1280 (RFC 8201
 * 4); one quoting a sequence number outside SND.UNA..SND.NXT is
 * ignored (RFC 5927), before and after; the data arrives intact.
 */
static void
test_tcp6_packet_too_big(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct ptb_capture cap = { 0 };
	struct sim_node *a, *b, *r;
	struct sim_listener *l;
	struct sim_conn *c, *s;
	struct tern_tcp_info info;
	uint8_t stale[PTB_QUOTE];
	int id;

	two_stacks(sim, NULL, &a, &b);
	r = sim_add_script(sim, "R");
	l = sim_listen(b, P6_PORT);
	c = open6(sim, a, b, l, &s);
	SIM_ASSERT_EQ(c->info.mss, 1440 - 12);
	cap.a = a;
	cap.hold = true;
	id = sim_tamper_add(sim, &(struct sim_tamper){ .from = a,
						      .fn = ptb_grab,
						      .arg = &cap });
	c->tx_key = 0x6e6;
	s->rx_key = c->tx_key;
	SIM_ASSERT_EQ(sim_conn_send_pattern(c, P6_BYTES), (int32_t)P6_BYTES);
	SIM_WAIT(sim, cap.done, 5 * SIM_S);
	/* a quote whose sequence number is far from the window */
	memcpy(stale, cap.quote, sizeof(stale));
	stale[44] ^= 0x80;
	send_ptb(r, a, 1280, stale);
	sim_run_for(sim, 5 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_ICMP_OUT_OF_WINDOW), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_PMTU_LOWERED), 0);
	/* the real one, with an MTU below IPv6's minimum */
	send_ptb(r, a, 1000, cap.quote);
	sim_run_for(sim, 5 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP6_IN_PKT_TOO_BIGS), 2);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_PMTU_LOWERED), 1);
	tern_tcp_get_info(c->c, &info);
	SIM_ASSERT_EQ(info.pmtu, 1280);
	SIM_ASSERT_EQ(info.mss, 1280 - 60 - 12);
	cap.hold = false;
	sim_tamper_del(sim, id);
	SIM_WAIT(sim, s->rx_bytes == P6_BYTES, 20 * SIM_S);
	SIM_ASSERT_EQ(s->rx_bad_at, 0);
	/* once acknowledged, the quote is stale */
	send_ptb(r, a, 1400, cap.quote);
	sim_run_for(sim, 5 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_ICMP_OUT_OF_WINDOW), 2);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_PMTU_LOWERED), 1);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(sim, c->closed == 1 && s->closed == 1, 5 * SIM_S);
	sim_run_for(sim, 61 * SIM_S);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(l->l), 0);
	while (sim_inbox_count(r) > 0)
		rte_pktmbuf_free(sim_inbox_pop(r));
	sim_destroy(sim);
}

/* The worker of host @p h that owns IPv6 record @p r's flow. */
static unsigned int
owner6_of(const struct sim_node *h, const struct sim_conn *r)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(r->c, &info);
	return tern_flow_owner(&h->ctx->ifc,
			       tern_flow_toeplitz6(h->ctx, &info.faddr6,
						   &info.laddr6,
						   rte_cpu_to_be_16(info.fport),
						   rte_cpu_to_be_16(info.lport)));
}

/*
 * Two workers behind a NIC that puts everything on queue 0: IPv6 flows
 * are steered to the worker their Toeplitz hash names, which answers
 * after learning the peer's MAC from the advertisement worker 0 shares;
 * the other way, B's workers open IPv6 connections from ports that come
 * back to them.
 */
static void
test_tcp6_two_workers(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_faults f = { .latency_ns = SIM_MS };
	struct sim_listener *l[2], *la;
	struct sim_conn *c[8], *back[2];
	unsigned int accepted[2] = { 0, 0 };
	struct sim_node *a, *b, *b1;

	sim_use_ipv6(sim, true);
	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_host(sim, "B", NULL, 2, SIM_NIC_QUEUE0);
	b1 = sim_node(sim, b->idx + 1);
	sim_set_faults_all(sim, &f);
	sim_run_for(sim, 1100 * SIM_MS);
	for (unsigned int w = 0; w < 2; w++) {
		l[w] = sim_listen(sim_node(sim, b->idx + w), P6_PORT);
		l[w]->close_on_peer_closed = true;
	}
	for (unsigned int i = 0; i < RTE_DIM(c); i++)
		c[i] = sim_connect6(a, &b->ip6, P6_PORT);
	SIM_WAIT(sim, l[0]->naccepted + l[1]->naccepted == RTE_DIM(c),
		 5 * SIM_S);
	for (struct sim_conn *r = sim_app_conns(b); r != NULL; r = r->next)
		if (r->node == b && r->c != NULL)
			SIM_ASSERT_EQ(owner6_of(b, r), 0);
	for (struct sim_conn *r = sim_app_conns(b1); r != NULL; r = r->next)
		if (r->node == b1 && r->c != NULL) {
			SIM_ASSERT_EQ(owner6_of(b, r), 1);
			accepted[1]++;
		}
	accepted[0] = l[0]->naccepted;
	SIM_ASSERT(accepted[1] > 0 && accepted[0] > 0,
		   "flows on one worker only: %u, %u", accepted[0],
		   accepted[1]);
	SIM_ASSERT_EQ(b1->frames_in, 0);
	SIM_ASSERT(sim_stat(b1, TERN_STAT_STEERED_IN) > 0, "nothing steered");
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_TCP_OUT_RSTS) +
		      sim_stat(b, TERN_STAT_TCP_OUT_RSTS) +
		      sim_stat(b1, TERN_STAT_TCP_OUT_RSTS), 0);
	/* data both ways on a flow worker 1 took */
	for (unsigned int i = 0; i < RTE_DIM(c); i++)
		if (c[i]->info.lport == l[1]->last->info.fport)
			exchange(sim, c[i], l[1]->last, 20000);
	SIM_ASSERT_EQ(l[1]->last->rx_bytes, 20000);
	for (unsigned int i = 0; i < RTE_DIM(c); i++)
		SIM_ASSERT_EQ(tern_tcp_close(c[i]->c), 0);
	/* active opens from both workers, answered on queue 0 */
	la = sim_listen(a, P6_PORT + 1);
	la->close_on_peer_closed = true;
	for (unsigned int w = 0; w < 2; w++) {
		back[w] = sim_connect6(sim_node(sim, b->idx + w), &a->ip6,
				       P6_PORT + 1);
		SIM_WAIT(sim, back[w]->connected == 1, 5 * SIM_S);
		SIM_ASSERT_EQ(owner6_of(b, back[w]), w);
		SIM_ASSERT_EQ(tern_tcp_close(back[w]->c), 0);
	}
	sim_run_for(sim, 5 * SIM_S);
	/* all closed: what is left is listeners and TIME_WAIT records */
	SIM_ASSERT_EQ(sim_state_count(a, TERN_TCP_TIME_WAIT), RTE_DIM(c));
	for (unsigned int st = 0; st < TERN_TCP_NSTATES; st++) {
		if (st == TERN_TCP_LISTEN || st == TERN_TCP_TIME_WAIT)
			continue;
		SIM_ASSERT_EQ(sim_state_count(a, st) + sim_state_count(b, st) +
			      sim_state_count(b1, st), 0);
	}
	sim_run_for(sim, 61 * SIM_S);
	assert_no_peers(sim);
	SIM_ASSERT_EQ(tern_tcp_unlisten(la->l), 0);
	for (unsigned int w = 0; w < 2; w++)
		SIM_ASSERT_EQ(tern_tcp_unlisten(l[w]->l), 0);
	sim_destroy(sim);
}

static const struct sim_test tests[] = {
	SIM_TEST(test_tcp6_handshake_data_close),
	SIM_TEST(test_tcp6_close_orders),
	SIM_TEST(test_tcp6_syn_cookies),
	SIM_TEST(test_tcp6_dual_stack_listener),
	SIM_TEST(test_tcp6_two_workers),
	SIM_TEST(test_tcp6_packet_too_big),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
