/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data transfer: TCP-SCENARIOS.md lines 11-17, 40, 42, 43, 47-49, 51,
 * 56, 58, and bulk transfers between two stacks with and without faults
 * (RFC 9293 3.8-3.10, RFC 5681 4.2, RFC 7323 2, RFC 6298, RFC 5961 5).
 */
#include <string.h>
#include <netinet/in.h>

#include "tcp_fixture.h"
#include "tcp_fsm.h"
#include "tern_net.h"

#define MSS fx_mss()
#define MAX_SEGS 512

static void
fill(uint8_t *buf, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 31);
}

/* Line 11: at most one full-sized segment stays unacknowledged; a lone
 * segment is acknowledged within the delayed-ACK time. */
static void
test_s11_ack_every_second_segment(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t buf[MSS];
	struct sim_pkt seg;
	uint32_t acked;
	uint64_t t0;

	fill(buf, sizeof(buf), 1);
	t0 = sim_now(p->sim);
	peer_send_data(p, buf, MSS);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	SIM_ASSERT(p->last_rx_ns - t0 < 500 * SIM_MS, "ACK after %.3f s",
		   (p->last_rx_ns - t0) / 1e9);
	acked = seg.h.ack;
	for (int i = 0; i < 10; i++) {
		peer_send_data(p, buf, MSS);
		while (peer_recv(p, 0, &seg)) {
			PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, SEQ_ANY);
			acked = seg.h.ack;
		}
		SIM_ASSERT(p->snd_nxt - acked < 2 * MSS,
			   "%u bytes (two full segments) left unacknowledged",
			   p->snd_nxt - acked);
	}
	if (acked != p->snd_nxt) {
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	}
	SIM_ASSERT_EQ(r->rx_bytes, 11 * MSS);
	peer_destroy(p);
}

/* Line 12 (the part without reassembly): a segment ahead of a hole gets
 * an immediate duplicate ACK; the app gets the bytes once, in order. */
static void
test_s12_out_of_order_dup_ack(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t a[1000], b[1000];
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt;

	fill(a, sizeof(a), 3);
	fill(b, sizeof(b), 99);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 1000, p->rcv_nxt, b, 1000);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, base);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, a, 1000);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	SIM_ASSERT(seg.h.ack == base + 1000 || seg.h.ack == base + 2000,
		   "ack %u after the hole filled (base %u)", seg.h.ack, base);
	if (seg.h.ack == base + 1000) {
		/* no reassembly: the segment ahead was dropped; resend it */
		peer_send_flags(p, SIM_ACK | SIM_PSH, base + 1000, p->rcv_nxt,
				b, 1000);
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 2000);
	}
	p->snd_nxt = base + 2000;
	SIM_ASSERT_EQ(r->rx_bytes, 2000);
	SIM_CHECK(memcmp(r->rx, a, 1000) == 0);
	SIM_CHECK(memcmp(r->rx + 1000, b, 1000) == 0);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 13: an overlapping retransmission with other bytes: the bytes
 * already received stand; only the new part is taken. */
static void
test_s13_overlap_first_copy_wins(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	uint8_t first[100], second[150];
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt;

	memset(first, 'A', sizeof(first));
	memset(second, 'B', 50);
	memset(second + 50, 'C', 100);
	peer_send_data(p, first, sizeof(first));
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 50, p->rcv_nxt, second,
			sizeof(second));
	p->snd_nxt = base + 200;
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	if (seg.h.ack != base + 200)
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, base + 200);
	SIM_ASSERT_EQ(r->rx_bytes, 200);
	for (int i = 0; i < 200; i++)
		SIM_ASSERT(r->rx[i] == (i < 100 ? 'A' : 'C'),
			   "byte %d is '%c'", i, r->rx[i]);
	peer_destroy(p);
}

/* Line 14: the peer's sequence numbers wrap past 2^32 mid-stream. */
static void
test_s14_sequence_wrap(void)
{
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	uint8_t buf[1000], back[1000];
	struct sim_pkt seg;
	uint32_t got = 0;

	p = fx_peer(NULL, &l);
	p->iss = 0xffffff00u;
	r = peer_open_passive(p, l);
	fill(buf, sizeof(buf), 7);
	for (int i = 0; i < 4; i++)
		peer_send_data(p, buf + 250 * i, 250);
	SIM_ASSERT(seq_lt(p->snd_nxt, 0x1000) && p->snd_nxt > 0,
		   "the stream did not cross 2^32 (snd_nxt %u)", p->snd_nxt);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	while (seg.h.ack != p->snd_nxt)
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
	SIM_ASSERT_EQ(r->rx_bytes, 1000);
	SIM_CHECK(memcmp(r->rx, buf, 1000) == 0);
	SIM_ASSERT_EQ(sim_conn_send(r, buf, 1000), 1000);
	while (got < 1000) {
		PEER_EXPECT(p, SIM_S, &seg);
		SIM_ASSERT_EQ(seg.h.ack, p->snd_nxt);
		memcpy(back + got, seg.payload, seg.h.payload_len);
		got += seg.h.payload_len;
	}
	SIM_CHECK(memcmp(back, buf, 1000) == 0);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 15: never more in flight than the scaled window; scale > 14 is
 * taken as 14. */
static void
window_scale_run(uint8_t ws)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct sim_conn *r;
	struct sim_pkt seg;
	const uint32_t total = 100000, window = 1u << 14;
	uint32_t una, received = 0, max_flight = 0;

	p->syn_opts.ws_ok = true;
	p->syn_opts.ws = ws;
	p->tport = FX_PORT;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	p->win = 1;  /* scaled: 16384 bytes */
	peer_send_ack(p);
	r = l->last;
	SIM_CHECK(r != NULL);
	SIM_ASSERT_EQ(r->info.snd_wscale, 14);
	una = p->rcv_nxt;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, total), total);
	for (int round = 0; round < 100 && received < total; round++) {
		unsigned int n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);

		for (unsigned int i = 0; i < n; i++) {
			uint32_t end = segs[i].h.seq + segs[i].h.payload_len;

			SIM_ASSERT(seq_leq(end, una + window),
				   "sent up to %u, window ends at %u", end,
				   una + window);
			max_flight = RTE_MAX(max_flight, end - una);
			for (uint32_t k = 0; k < segs[i].h.payload_len; k++)
				SIM_ASSERT_EQ(segs[i].payload[k],
					      sim_pattern_byte(r->tx_key,
							       received + k));
			received += segs[i].h.payload_len;
		}
		una = p->rcv_nxt;
		peer_send_ack(p);
	}
	SIM_ASSERT_EQ(received, total);
	SIM_ASSERT(max_flight > window / 2, "only %u bytes ever in flight",
		   max_flight);
	peer_destroy(p);
}

static void
test_s15_window_scale_14(void)
{
	window_scale_run(14);
}

static void
test_s15_window_scale_above_14(void)
{
	window_scale_run(15);
}

/* Line 17: the peer's MSS bounds every segment; MSS only on SYNs. */
static void
test_s17_peer_mss_1000(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r;
	struct sim_pkt seg;
	uint32_t got = 0;

	p->syn_opts.mss = 1000;
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 5000), 5000);
	while (got < 5000) {
		PEER_EXPECT(p, SIM_S, &seg);
		SIM_ASSERT(seg.h.payload_len <= 1000, "%u-byte segment",
			   seg.h.payload_len);
		SIM_CHECK(!seg.h.opts.mss_ok);
		got += seg.h.payload_len;
		peer_send_ack(p);
	}
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 40: a zero window is probed with backoff for as long as the
 * probes are answered; data resumes intact when it opens. */
static void
test_s40_zero_window_probes(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint64_t t[16];
	uint32_t una, got = 0;

	una = p->rcv_nxt;
	p->win = 0;
	peer_send_ack(p);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 1000), 1000);
	PEER_EXPECT_NONE(p, 100 * SIM_MS);
	for (unsigned int i = 0; i < RTE_DIM(t); i++) {
		PEER_EXPECT(p, 120 * SIM_S, &seg);
		SIM_ASSERT(seq_leq(seg.h.seq + seg.h.payload_len, una + 1),
			   "probe %u: %u bytes at %u into a zero window at %u",
			   i, seg.h.payload_len, seg.h.seq, una);
		t[i] = p->last_rx_ns;
		if (i >= 2)
			SIM_ASSERT(t[i] - t[i - 1] >= t[i - 1] - t[i - 2],
				   "probe interval shrank: %.3f s after "
				   "%.3f s", (t[i] - t[i - 1]) / 1e9,
				   (t[i - 1] - t[i - 2]) / 1e9);
		/* the window stays shut: nothing of the probe is taken */
		p->rcv_nxt = una;
		peer_send_ack(p);
	}
	SIM_ASSERT(t[1] - t[0] >= 150 * SIM_MS, "probes %.3f s apart",
		   (t[1] - t[0]) / 1e9);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	p->win = 65535;
	peer_send_ack(p);
	while (got < 1000) {
		PEER_EXPECT(p, 2 * SIM_S, &seg);
		SIM_ASSERT_EQ(seg.h.seq, una + got);
		for (uint32_t k = 0; k < seg.h.payload_len; k++)
			SIM_ASSERT_EQ(seg.payload[k],
				      sim_pattern_byte(r->tx_key, got + k));
		got += seg.h.payload_len;
	}
	SIM_ASSERT_EQ(got, 1000);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 42: a window shrunk below SND.NXT stops new data; an old ACK with
 * a larger window does not reopen it. */
static void
test_s42_window_shrink_and_old_ack(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	struct sim_conn *r = peer_open_passive(p, l);
	uint32_t una = p->rcv_nxt, sent = 0;
	unsigned int n;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10000), 10000);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	for (unsigned int i = 0; i < n; i++)
		sent += segs[i].h.payload_len;
	SIM_ASSERT_EQ(sent, 10000);
	/* ack 2000 bytes, window 1000: the right edge falls to una+3000 */
	p->win = 1000;
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 2000, NULL, 0);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 5000), 5000);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 0);
	/* an older ACK with a large window: ignored */
	p->win = 65535;
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 1000, NULL, 0);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, 0);
	/* everything acked, window open: the rest follows */
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + 10000, NULL, 0);
	n = fx_collect(p, 10 * SIM_MS, segs, MAX_SEGS);
	sent = 0;
	for (unsigned int i = 0; i < n; i++) {
		SIM_ASSERT_EQ(segs[i].h.seq, una + 10000 + sent);
		sent += segs[i].h.payload_len;
	}
	SIM_ASSERT_EQ(sent, 5000);
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

/* Line 43: unacknowledged data is retransmitted with doubling RTOs;
 * the connection ends with closed(TIMEOUT) after the limit. */
static void
test_s43_rto_backoff_and_timeout(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct peer *p;
	struct sim_conn *r;
	struct sim_pkt seg;
	uint64_t t[16];
	unsigned int n = 0;
	uint32_t seq = 0;

	sim_tcp_conf_defaults(&conf);
	conf.max_retries = 5;
	p = fx_peer(&conf, &l);
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 1000), 1000);
	while (r->closed == 0 && peer_recv(p, 600 * SIM_S, &seg)) {
		PEER_ASSERT_SEG(&seg, SIM_ACK, n == 0 ? SEQ_ANY : seq, SEQ_ANY);
		SIM_ASSERT_EQ(seg.h.payload_len, 1000);
		seq = seg.h.seq;
		SIM_CHECK(n < RTE_DIM(t));
		t[n++] = p->last_rx_ns;
	}
	SIM_ASSERT_EQ(n, 1 + conf.max_retries);
	SIM_ASSERT(t[1] - t[0] >= (uint64_t)conf.rto_min_ms * SIM_MS,
		   "first retransmission after %.3f s", (t[1] - t[0]) / 1e9);
	for (unsigned int i = 2; i < n; i++) {
		uint64_t prev = t[i - 1] - t[i - 2], got = t[i] - t[i - 1];
		uint64_t want = RTE_MIN(2 * prev,
					(uint64_t)conf.rto_max_ms * SIM_MS);

		SIM_ASSERT(got + 2 * SIM_MS >= want && got <= want + 2 * SIM_MS,
			   "retransmission %u after %.3f s, want %.3f s", i,
			   got / 1e9, want / 1e9);
	}
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_TIMEOUT);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS),
		      conf.max_retries);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_TIMEOUTS), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* Line 47: an ACK of data never sent is answered with an ACK and the
 * segment (with its data) dropped. */
static void
test_s47_ack_above_snd_nxt(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint32_t rcv_nxt = p->snd_nxt;

	peer_send_flags(p, SIM_ACK | SIM_PSH, p->snd_nxt, p->rcv_nxt + 1000,
			"zz", 2);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_ACK_UNSENT), 1);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	p->snd_nxt = rcv_nxt;
	peer_send_data(p, "ok", 2);
	SIM_ASSERT_EQ(r->rx_bytes, 2);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt + 2);
	peer_destroy(p);
}

/* Line 48: keepalive is off by default: hours of silence, no probe. */
static void
test_s48_keepalive_off_by_default(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);

	PEER_EXPECT_NONE(p, 3 * 3600 * SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* Line 49: an ICMP unreachable about the connection does not abort it
 * (host unreachable; over IPv6 destination unreachable, address
 * unreachable). */
static void
test_s49_icmp_unreachable_no_abort(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	bool v6 = sim_family(p->sim) == 6;
	tern_stat_t in_msgs = v6 ? TERN_STAT_ICMP6_IN_MSGS :
				   TERN_STAT_ICMP_IN_MSGS;
	uint64_t before = sim_stat(p->t, in_msgs);
	struct sim_pkt seg;

	peer_send_icmp_error(p, v6 ? 1 : 3, v6 ? 3 : 1, 0, p->rcv_nxt);
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	SIM_ASSERT_EQ(sim_stat(p->t, in_msgs), before + 1);
	SIM_ASSERT_EQ(sim_conn_send(r, "alive", 5), 5);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT_EQ(seg.h.payload_len, 5);
	peer_send_ack(p);
	peer_destroy(p);
}

/* Line 51: in-window data whose ACK lies far below SND.UNA is not
 * delivered; an ACK goes back (RFC 5961 5.2). */
static void
test_s51_ack_far_below_snd_una(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_pkt seg;
	uint32_t rcv_nxt;
	uint32_t got = 0;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 5000), 5000);
	while (got < 5000) {
		PEER_EXPECT(p, SIM_S, &seg);
		got += seg.h.payload_len;
	}
	peer_send_ack(p);
	PEER_EXPECT_NONE(p, SIM_S);
	rcv_nxt = p->snd_nxt;
	peer_send_flags(p, SIM_ACK | SIM_PSH, p->snd_nxt,
			p->rcv_nxt - 0x40000000u, "bad", 3);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, rcv_nxt);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* Line 56: a bad or zero checksum: dropped silently and counted. */
static void
test_s56_bad_checksum(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct sim_tcp_spec s;
	struct sim_pkt seg;

	s = peer_seg(p, SIM_ACK | SIM_PSH, p->snd_nxt, p->rcv_nxt);
	s.data = "corrupt";
	s.len = 7;
	s.csum = SIM_CSUM_BAD;
	peer_send(p, &s);
	s.csum = SIM_CSUM_ZERO;
	peer_send(p, &s);
	p->snd_nxt = s.seq;
	PEER_EXPECT_NONE(p, SIM_S);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_IN_CSUM_ERRORS), 2);
	s.csum = SIM_CSUM_OK;
	peer_send(p, &s);
	SIM_ASSERT_EQ(r->rx_bytes, 7);
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, s.seq + 7);
	peer_destroy(p);
}

/* Line 58: urgent pointers of every kind; bytes delivered once, in
 * order, inline. */
static void
test_s58_urgent_pointer(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	static const uint16_t urps[] = { 0, 1, 10, 1000, 0xffff };
	uint8_t buf[10];
	struct sim_tcp_spec s;
	struct sim_pkt seg;

	for (unsigned int i = 0; i < RTE_DIM(urps); i++) {
		memset(buf, '0' + (int)i, sizeof(buf));
		s = peer_seg(p, SIM_ACK | SIM_PSH | SIM_URG, p->snd_nxt,
			     p->rcv_nxt);
		s.urp = urps[i];
		s.data = buf;
		s.len = sizeof(buf);
		peer_send(p, &s);
	}
	sim_run_for(p->sim, SIM_S);
	while (peer_recv(p, 0, &seg))
		PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, SEQ_ANY);
	SIM_ASSERT_EQ(r->rx_bytes, 10 * RTE_DIM(urps));
	for (unsigned int i = 0; i < r->rx_bytes; i++)
		SIM_ASSERT_EQ(r->rx[i], '0' + i / 10);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	/* a SYN with URG and a wild pointer: no crash, handshake works */
	p->port = 40100;
	p->tport = FX_PORT;
	s = peer_seg(p, SIM_SYN | SIM_URG, p->iss, 0);
	s.urp = 0xffff;
	peer_send(p, &s);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 2);
	peer_destroy(p);
}

/* Send until @p total bytes went through both ways, then close both. */
static void
bulk_both_ways(struct duo *d, uint32_t total, uint64_t max_ns)
{
	struct sim_conn *s, *c = duo_connect(d, &s);
	uint64_t end = sim_now(d->sim) + max_ns;

	while (sim_now(d->sim) < end &&
	       (c->tx_bytes < total || s->tx_bytes < total ||
		c->rx_bytes < total || s->rx_bytes < total)) {
		if (c->tx_bytes < total)
			sim_conn_send_pattern(c, total - (uint32_t)c->tx_bytes);
		if (s->tx_bytes < total)
			sim_conn_send_pattern(s, total - (uint32_t)s->tx_bytes);
		sim_run_for(d->sim, 10 * SIM_MS);
	}
	SIM_ASSERT_EQ(c->rx_bytes, total);
	SIM_ASSERT_EQ(s->rx_bytes, total);
	SIM_ASSERT(c->writable > 0 && s->writable > 0,
		   "a send buffer never filled? writable %u/%u", c->writable,
		   s->writable);
	SIM_ASSERT_EQ(tern_tcp_close(c->c), 0);
	SIM_ASSERT_EQ(tern_tcp_close(s->c), 0);
	SIM_WAIT(d->sim, c->closed == 1 && s->closed == 1, 600 * SIM_S);
	SIM_ASSERT_EQ(c->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(s->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(c->peer_closed, 1);
	SIM_ASSERT_EQ(s->peer_closed, 1);
}

static void
test_data_bulk_two_stacks(void)
{
	struct duo d;

	duo_create(&d, NULL);
	bulk_both_ways(&d, 2 * 1024 * 1024, 60 * SIM_S);
	duo_finish(&d);
}

static void
test_data_bulk_lossy_wire(void)
{
	struct sim_faults f = {
		.latency_ns = DUO_LATENCY, .jitter_ns = 200 * SIM_US,
		.drop_ppm = 20000, .dup_ppm = 10000, .reorder_ppm = 10000,
		.reorder_ns = 3 * SIM_MS, .corrupt_ppm = 10000,
	};
	struct duo d;

	duo_create(&d, NULL);
	sim_set_faults_all(d.sim, &f);
	bulk_both_ways(&d, 512 * 1024, 30 * 60 * SIM_S);
	SIM_ASSERT(sim_wire_stats(d.sim)->fault_drops > 0, "no loss?");
	SIM_ASSERT(sim_stat(d.a, TERN_STAT_TCP_RETRANS_SEGS) +
		   sim_stat(d.b, TERN_STAT_TCP_RETRANS_SEGS) > 0,
		   "losses but no retransmission");
	SIM_ASSERT_EQ(sim_stat(d.a, TERN_STAT_IP_OUT_TOO_BIG) +
		      sim_stat(d.b, TERN_STAT_IP_OUT_TOO_BIG), 0);
	duo_finish(&d);
}

/*
 * T's segments of an open connection go from its header template
 * (tcp_output.c) to the peer's MAC as the ARP entry has it now, and only
 * while the entry is fresh: after P moved to another MAC (an ARP request
 * from the new one updates T's entry in place) the next segment goes to
 * the new one; once the entry is older than the ARP timeout the segment
 * takes the IP output, which sends the unicast refresh. IPv4 only (an
 * ARP exchange).
 */
static void
tmpl_send_expect(struct peer *p, struct sim_conn *r,
		 const struct rte_ether_addr *to)
{
	struct sim_pkt seg;
	uint8_t buf[100];

	fill(buf, sizeof(buf), 3);
	SIM_ASSERT_EQ(sim_conn_send(r, buf, sizeof(buf)), sizeof(buf));
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, sizeof(buf));
	SIM_CHECK(memcmp(seg.payload, buf, sizeof(buf)) == 0);
	SIM_CHECK(seg.h.ip_csum_ok && seg.h.tcp_csum_ok);
	SIM_CHECK(rte_is_same_ether_addr(&seg.h.eth_dst, to));
	peer_send_ack(p);
}

static void
test_data_template_follows_neighbour(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct rte_ether_addr moved;
	uint64_t requests;

	tmpl_send_expect(p, r, &p->p->mac);
	tmpl_send_expect(p, r, &p->p->mac);
	moved = fx_peer_moves_mac(p);
	tmpl_send_expect(p, r, &moved);
	requests = sim_stat(p->t, TERN_STAT_ARP_REQUESTS_SENT);
	sim_run_for(p->sim, p->t->ctx->arp->timeout_ns + SIM_S);
	tmpl_send_expect(p, r, &moved);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ARP_REQUESTS_SENT),
		      requests + 1);
	tmpl_send_expect(p, r, &moved);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ARP_REQUESTS_SENT),
		      requests + 1);
	SIM_ASSERT_EQ(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

/* The index of the state table's row called @p name. */
static unsigned int
fsm_row(const char *name)
{
	unsigned int n = tern_tcp_fsm_entries();

	for (unsigned int i = 0; i < n; i++)
		if (strcmp(tern_tcp_fsm_entry_name(i), name) == 0)
			return i;
	SIM_ASSERT(false, "no row %s", name);
	return n;
}

/* In-order data on the header-prediction fast path is counted under
 * its row once per RX burst (tcp_fsm_count_fast()): still one hit per
 * segment, bursts of one and of several alike. */
static void
test_fast_path_counts_its_row(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	unsigned int row = fsm_row("ESTABLISHED --SEG_ACK--> ESTABLISHED");
	uint64_t before = tern_tcp_fsm_hits(p->t->ctx, row);
	uint8_t buf[100];
	struct sim_pkt seg;

	fill(buf, sizeof(buf), 7);
	/* One segment in a step of its own ... */
	peer_send_data(p, buf, sizeof(buf));
	PEER_EXPECT(p, 500 * SIM_MS, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, p->snd_nxt);
	SIM_ASSERT_EQ(tern_tcp_fsm_hits(p->t->ctx, row) - before, 1);
	/* ... then nine in one burst. */
	for (int i = 0; i < 9; i++)
		peer_send_data(p, buf, sizeof(buf));
	do {
		PEER_EXPECT(p, 500 * SIM_MS, &seg);
		PEER_ASSERT_SEG(&seg, SIM_ACK, SEQ_ANY, SEQ_ANY);
	} while (seg.h.ack != p->snd_nxt);
	SIM_ASSERT_EQ(tern_tcp_fsm_hits(p->t->ctx, row) - before, 10);
	SIM_ASSERT_EQ(r->rx_bytes, 10 * sizeof(buf));
	SIM_ASSERT_EQ(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

const struct sim_test tcp_tests_data[] = {
	SIM_TEST(test_s11_ack_every_second_segment),
	SIM_TEST(test_s12_out_of_order_dup_ack),
	SIM_TEST(test_s13_overlap_first_copy_wins),
	SIM_TEST(test_s14_sequence_wrap),
	SIM_TEST(test_s15_window_scale_14),
	SIM_TEST(test_s15_window_scale_above_14),
	SIM_TEST(test_s17_peer_mss_1000),
	SIM_TEST(test_s40_zero_window_probes),
	SIM_TEST(test_s42_window_shrink_and_old_ack),
	SIM_TEST(test_s43_rto_backoff_and_timeout),
	SIM_TEST(test_s47_ack_above_snd_nxt),
	SIM_TEST(test_s48_keepalive_off_by_default),
	SIM_TEST(test_s49_icmp_unreachable_no_abort),
	SIM_TEST(test_s51_ack_far_below_snd_una),
	SIM_TEST(test_s56_bad_checksum),
	SIM_TEST(test_s58_urgent_pointer),
	SIM_TEST(test_data_bulk_two_stacks),
	SIM_TEST(test_data_bulk_lossy_wire),
	SIM_TEST_V4(test_data_template_follows_neighbour),
	SIM_TEST(test_fast_path_counts_its_row),
};
const unsigned int tcp_tests_data_n = RTE_DIM(tcp_tests_data);
