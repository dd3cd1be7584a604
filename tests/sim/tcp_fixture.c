/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_arp.h>

#include "tcp_fixture.h"

/* Longest a test waits for every timer to run out: 2MSL (60 s), the
 * orphaned FIN_WAIT_2 reaper (60 s) and a retransmission series with
 * its 60 s cap, with room to spare. */
#define FX_RUN_OUT_MAX (20 * 60 * SIM_S)

const enum tern_tcp_state fx_sync_states[] = {
	TERN_TCP_ESTABLISHED, TERN_TCP_FIN_WAIT_1, TERN_TCP_FIN_WAIT_2,
	TERN_TCP_CLOSING, TERN_TCP_CLOSE_WAIT, TERN_TCP_LAST_ACK,
};
const unsigned int fx_sync_states_n = RTE_DIM(fx_sync_states);

struct peer *
fx_peer(const struct tern_tcp_conf *conf, struct sim_listener **l)
{
	struct peer *p = peer_create(sim_test_seed(), conf);

	*l = sim_listen(p->t, FX_PORT);
	(*l)->keep_rx = true;
	return p;
}

struct rte_ether_addr
fx_peer_moves_mac(struct peer *p)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr none;
	struct rte_ether_addr moved = p->p->mac;
	struct rte_mbuf *m;

	moved.addr_bytes[5] ^= 0x5a;
	p->p->mac = moved;
	m = sim_build_arp(p->p->pool, RTE_ARP_OP_REQUEST, &bcast, &moved,
			  p->p->ip, &none, p->t->ip);
	SIM_CHECK(m != NULL);
	sim_wire_send(p->p, m);
	sim_settle(p->sim);
	return moved;
}

static void
app_end(struct sim_conn *r, enum fx_end how)
{
	int rc = how == FX_CLOSE ? tern_tcp_close(r->c) :
				   tern_tcp_shutdown(r->c);

	SIM_ASSERT(rc == 0, "%s() = %d", how == FX_CLOSE ? "close" :
		   "shutdown", rc);
}

/* T's app ends its side: its FIN comes at once. @return the FIN's seq. */
static uint32_t
expect_our_fin(struct peer *p, struct sim_conn *r, enum fx_end how)
{
	struct sim_pkt seg;
	uint32_t fin = p->rcv_nxt;

	app_end(r, how);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, p->snd_nxt);
	return fin;
}

struct sim_conn *
fx_to_state(struct peer *p, struct sim_listener *l, enum tern_tcp_state state,
	    enum fx_end how)
{
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint32_t fin;

	switch (state) {
	case TERN_TCP_ESTABLISHED:
		return r;
	case TERN_TCP_FIN_WAIT_1:
	case TERN_TCP_FIN_WAIT_2:
	case TERN_TCP_CLOSING:
	case TERN_TCP_TIME_WAIT:
		fin = expect_our_fin(p, r, how);
		SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
		if (state == TERN_TCP_FIN_WAIT_1)
			return r;
		if (state == TERN_TCP_CLOSING) {
			/* P's FIN crosses ours: it does not ack our FIN */
			peer_send_flags(p, SIM_FIN | SIM_ACK, p->snd_nxt, fin,
					NULL, 0);
			PEER_EXPECT(p, 0, &seg);
			PEER_ASSERT_SEG(&seg, SIM_ACK, fin + 1, p->snd_nxt);
			SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSING);
			return r;
		}
		peer_send_ack(p);
		PEER_EXPECT_NONE(p, 0);
		SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_2);
		if (state == TERN_TCP_FIN_WAIT_2)
			return r;
		peer_send_fin(p);
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, fin + 1, p->snd_nxt);
		SIM_ASSERT_EQ(r->closed, 1);
		SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
		SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
		return r;
	case TERN_TCP_CLOSE_WAIT:
	case TERN_TCP_LAST_ACK:
		peer_send_fin(p);
		PEER_EXPECT(p, 0, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
		SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_CLOSE_WAIT);
		SIM_ASSERT_EQ(r->peer_closed, 1);
		if (state == TERN_TCP_CLOSE_WAIT)
			return r;
		expect_our_fin(p, r, FX_CLOSE);
		SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_LAST_ACK);
		return r;
	default:
		sim_test_fail(__FILE__, __LINE__, "a reachable state",
			      "fx_to_state(%s)", tern_tcp_state_name(state));
	}
}

struct sim_conn *
fx_simultaneous_syn_rcvd(struct peer *p, uint32_t *iss)
{
	struct sim_conn *r;
	struct sim_pkt seg;

	p->tport = 0;
	r = peer_connect_syn(p, &seg);
	*iss = seg.h.seq;
	/* a bare SYN crosses T's: T answers SYN+ACK with its own ISS */
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, *iss, p->iss + 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_SYN_RCVD);
	SIM_ASSERT_EQ(r->connected, 0);
	return r;
}

uint64_t
fx_tcp_drops(const struct sim_node *n)
{
	static const tern_stat_t drops[] = {
		TERN_STAT_TCP_IN_CSUM_ERRORS, TERN_STAT_TCP_LISTEN_OVERFLOWS,
		TERN_STAT_TCP_PAWS_DROPS, TERN_STAT_TCP_DROP_NO_CONN,
		TERN_STAT_TCP_DROP_BAD_HDR, TERN_STAT_TCP_DROP_BAD_FLAGS,
		TERN_STAT_TCP_DROP_BAD_OPTS, TERN_STAT_TCP_DROP_BAD_ADDR,
		TERN_STAT_TCP_DROP_OUT_OF_WINDOW, TERN_STAT_TCP_DROP_OOO,
		TERN_STAT_TCP_DROP_RST_IGNORED, TERN_STAT_TCP_DROP_TABLE_FULL,
		TERN_STAT_TCP_DROP_ACK_UNSENT, TERN_STAT_TCP_DROP_LISTEN,
		TERN_STAT_TCP_DROP_STATE,
	};
	uint64_t sum = 0;

	for (unsigned int i = 0; i < RTE_DIM(drops); i++)
		sum += sim_stat(n, drops[i]);
	return sum;
}

unsigned int
fx_collect(struct peer *p, uint64_t ns, struct sim_pkt *out, unsigned int max)
{
	uint64_t end = sim_now(p->sim) + ns;
	unsigned int n = 0;

	for (;;) {
		uint64_t left = end - sim_now(p->sim);

		if (n == max || !peer_recv(p, left, &out[n]))
			break;
		if (out[n].h.kind != SIM_PKT_TCP)
			peer_unexpected(p, __FILE__, __LINE__, &out[n]);
		n++;
	}
	SIM_ASSERT(n < max, "more than %u segments", max);
	return n;
}

uint32_t
fx_take_data(const struct peer *p, const struct sim_conn *r,
	     const struct sim_pkt *seg)
{
	uint32_t off = seg->h.seq - (p->irs + 1);

	for (uint32_t i = 0; i < seg->h.payload_len; i++)
		SIM_ASSERT(seg->payload[i] == sim_pattern_byte(r->tx_key,
							       off + i),
			   "byte %u of the stream differs", off + i);
	return seg->h.payload_len;
}

void
fx_assert_chains_valid(const struct sim_node *n)
{
	const char *reason = NULL;
	uint16_t lport = 0;

	SIM_ASSERT(tern_tcp_mbuf_audit(n->ctx, &lport, &reason) == 0,
		   "%s port %u: %s", n->name, lport, reason);
}

unsigned int
fx_drain(struct peer *p)
{
	struct sim_pkt *pkt = sim_alloc(p->sim, sizeof(*pkt), NULL);
	unsigned int n = 0;

	while (peer_recv(p, 0, pkt))
		n++;
	return n;
}

static bool
no_connections(struct sim *sim, void *arg)
{
	for (unsigned int i = 0; i < sim_node_count(sim); i++) {
		struct sim_node *n = sim_node(sim, i);

		if (n->ctx != NULL && sim_conn_count(n) > 0)
			return false;
	}
	return true;
}

static bool
wire_idle(struct sim *sim, void *arg)
{
	return sim_in_flight(sim) == 0;
}

void
fx_run_out(struct sim *sim)
{
	bool idle = sim_run_until(sim, no_connections, NULL, FX_RUN_OUT_MAX);

	for (unsigned int i = 0; i < sim_node_count(sim) && !idle; i++) {
		struct sim_node *n = sim_node(sim, i);
		uint32_t counts[TERN_TCP_NSTATES];

		if (n->ctx == NULL)
			continue;
		tern_tcp_state_counts(n->ctx, counts);
		for (int s = 0; s < TERN_TCP_NSTATES; s++)
			if (s != TERN_TCP_LISTEN && counts[s] > 0)
				fprintf(stderr, "%s: %u in %s\n", n->name,
					counts[s], tern_tcp_state_name(s));
	}
	SIM_ASSERT(idle, "connections left after %.0f s of virtual time",
		   FX_RUN_OUT_MAX / 1e9);
	/* what the last state changes sent is delivered and handled, and
	 * the neighbour probes they set off (IPv6's DELAY -> PROBE, RFC
	 * 4861 7.3.3) are answered */
	sim_run_for(sim, SIM_S);
	SIM_ASSERT(sim_run_until(sim, wire_idle, NULL, 10 * SIM_S),
		   "frames still in flight after 10 s more");
	sim_assert_quiescent(sim);
}

void
duo_create(struct duo *d, const struct tern_tcp_conf *conf)
{
	struct sim_faults f = { .latency_ns = DUO_LATENCY };

	memset(d, 0, sizeof(*d));
	d->sim = sim_create(sim_test_seed());
	d->a = sim_add_stack(d->sim, "A", conf);
	d->b = sim_add_stack(d->sim, "B", conf);
	d->latency_ns = DUO_LATENCY;
	sim_set_faults_all(d->sim, &f);
	d->l = sim_listen(d->b, DUO_PORT);
}

struct sim_conn *
duo_connect(struct duo *d, struct sim_conn **server)
{
	unsigned int before = d->l->naccepted;
	struct sim_conn *c = sim_connect_to(d->a, d->b, DUO_PORT);
	struct sim_conn *s;

	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_SYN_SENT);
	SIM_WAIT(d->sim, c->connected == 1 && d->l->naccepted == before + 1,
		 5 * SIM_S);
	s = d->l->last;
	SIM_ASSERT_STATE(sim_conn_state(c), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_STATE(sim_conn_state(s), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(s->info.fport, c->info.lport);
	SIM_ASSERT_EQ(c->info.fport, DUO_PORT);
	c->tx_key = sim_seed(d->sim) * 2 + 1 + before * 4;
	s->tx_key = sim_seed(d->sim) * 2 + 3 + before * 4;
	s->rx_key = c->tx_key;
	c->rx_key = s->tx_key;
	*server = s;
	return c;
}

void
duo_finish(struct duo *d)
{
	SIM_ASSERT_EQ(tern_tcp_unlisten(d->l->l), 0);
	fx_run_out(d->sim);
	sim_destroy(d->sim);
}

/* A segment from P's address, port @p sport, to T's listening port. */
void
fx_wire_segment(struct peer *p, uint16_t sport, uint8_t flags, uint32_t seq,
	     uint32_t ack)
{
	struct sim_tcp_spec s;
	struct rte_mbuf *m;

	memset(&s, 0, sizeof(s));
	sim_tcp_spec_route(&s, p->p, p->t);
	s.sport = sport;
	s.dport = FX_PORT;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	if (flags & SIM_SYN) {
		s.opts.mss_ok = true;
		s.opts.mss = 1460;
	}
	m = sim_build_tcp(p->p->pool, &s);
	SIM_ASSERT(m != NULL, "cannot build a segment (pool of P empty?)");
	sim_wire_send(p->p, m);
}
