/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP-SCENARIOS.md line 14 on both sides: the peer's sequence numbers
 * and tern's own cross 2^32 within one connection.
 *
 * tern's ISS cannot be chosen, but it is M + F(4-tuple) (RFC 6528) with
 * M the 4 us clock of the virtual time. A test therefore learns the ISS
 * of one 4-tuple (a SYN, then an exact RST so nothing stays behind),
 * lets the virtual clock run until M puts the ISS of that 4-tuple just
 * below 2^32 -- at most 4.8 hours, which costs nothing here -- and opens
 * the connection with the same 4-tuple. No test hook in lib/tcp needed.
 */
#include <string.h>

#include "tcp_fixture.h"
#include "tcp_isn.h"

#define MSS fx_mss()
#define NSEGS 10
#define MAX_SEGS 64

/* P's ISN: its first 255 bytes come before 2^32. */
#define PEER_ISS_NEAR_WRAP 0xffffff00u
/* T's ISS: its bytes from offset 4095 on come after 2^32, so segment 2
 * ([2920, 4380)) straddles the wrap. */
#define OUR_ISS_NEAR_WRAP 0xfffff000u

/* Run the clock until a SYN from P's current 4-tuple gets ISS @p want. */
static void
wait_for_our_iss(struct peer *p, uint32_t want)
{
	struct sim_pkt seg;
	uint32_t ticks;

	p->tport = FX_PORT;
	p->snd_nxt = p->iss;
	peer_send_flags(p, SIM_SYN, p->iss, 0, NULL, 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_flags(p, SIM_RST, p->iss + 1, 0, NULL, 0);
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	ticks = want - seg.h.seq;
	sim_run_for(p->sim, (uint64_t)ticks * TCP_ISN_TICK_NS);
}

/* Check @p seg's payload against T's stream, @p off bytes in. */
static void
check_payload(const struct sim_conn *r, const struct sim_pkt *seg,
	      uint32_t off)
{
	for (uint32_t k = 0; k < seg->h.payload_len; k++)
		SIM_ASSERT(seg->payload[k] ==
			   sim_pattern_byte(r->tx_key, off + k),
			   "byte %u of the stream differs", off + k);
}

/* A dup ACK of @p ack with SACK blocks [s, e) given in @p blocks. */
static void
send_sack(struct peer *p, uint32_t ack, const uint32_t (*blocks)[2],
	  unsigned int n)
{
	struct sim_tcp_spec s = peer_seg(p, SIM_ACK, p->snd_nxt, ack);

	for (unsigned int i = 0; i < n; i++) {
		s.opts.sack[i].start = blocks[i][0];
		s.opts.sack[i].end = blocks[i][1];
	}
	s.opts.nsack = (uint8_t)n;
	peer_send(p, &s);
}

/*
 * Both sequence spaces wrap: P sends 1000 bytes across its wrap, T
 * sends ten segments across its own. P loses segment 1 (below 2^32)
 * and segment 3 (above it) and SACKs segment 2, which straddles 2^32,
 * and segments 4-9: exactly segments 1 and 3 are resent, intact, with
 * no RTO; the stream ends with FINs on both wrapped spaces.
 */
static void
test_s14_both_sequence_spaces_wrap(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_pkt *segs = sim_alloc(p->sim, MAX_SEGS * sizeof(*segs),
					 NULL);
	uint32_t una, blocks[2][2];
	bool resent[NSEGS] = { false };
	uint8_t buf[1000];
	struct sim_conn *r;
	struct sim_pkt seg;
	unsigned int n;

	p->syn_opts.sack_perm = true;
	wait_for_our_iss(p, OUR_ISS_NEAR_WRAP);
	p->iss = PEER_ISS_NEAR_WRAP;
	r = peer_open_passive(p, l);
	SIM_ASSERT_EQ(r->info.iss, OUR_ISS_NEAR_WRAP);
	SIM_ASSERT_EQ(r->info.irs, PEER_ISS_NEAR_WRAP);
	SIM_CHECK(r->info.sack_ok);

	/* P -> T across P's wrap */
	sim_pattern_fill(14, 0, buf, sizeof(buf));
	for (int i = 0; i < 4; i++)
		peer_send_data(p, buf + 250 * i, 250);
	SIM_ASSERT(p->snd_nxt > 0 && p->snd_nxt < 0x1000,
		   "P's stream did not cross 2^32 (snd_nxt %u)", p->snd_nxt);
	SIM_ASSERT_EQ(r->rx_bytes, 1000);
	SIM_CHECK(memcmp(r->rx, buf, 1000) == 0);
	fx_drain(p);

	/* T -> P across T's wrap */
	una = p->rcv_nxt;
	SIM_ASSERT_EQ(una, OUR_ISS_NEAR_WRAP + 1);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, NSEGS * MSS), NSEGS * MSS);
	n = fx_collect(p, 0, segs, MAX_SEGS);
	SIM_ASSERT_EQ(n, NSEGS);
	for (unsigned int i = 0; i < n; i++) {
		SIM_ASSERT_EQ(segs[i].h.seq, una + i * MSS);
		SIM_ASSERT_EQ(segs[i].h.ack, p->snd_nxt);
		check_payload(r, &segs[i], i * MSS);
	}
	SIM_ASSERT((uint32_t)(segs[2].h.seq + MSS) < segs[2].h.seq,
		   "segment 2 [%u, %u) does not straddle 2^32", segs[2].h.seq,
		   segs[2].h.seq + MSS);
	/* segments 0, 2, 4-9 arrived: ACK of 0, SACK of 2 and of 4-9 */
	blocks[0][0] = una + 4 * MSS;
	blocks[0][1] = una + NSEGS * MSS;
	blocks[1][0] = una + 2 * MSS;
	blocks[1][1] = una + 3 * MSS;
	send_sack(p, una + MSS, blocks, 2);
	for (int dup = 0; dup < 3; dup++) {
		while (peer_recv(p, 0, &seg)) {
			uint32_t off = seg.h.seq - una;
			unsigned int k = off / MSS;

			SIM_ASSERT(seg.h.payload_len == MSS && off % MSS == 0 &&
				   (k == 1 || k == 3) && !resent[k],
				   "resent %u bytes at offset %u",
				   seg.h.payload_len, off);
			check_payload(r, &seg, off);
			resent[k] = true;
		}
		if (resent[1] && resent[3])
			break;
		send_sack(p, una + MSS, blocks, 2);
	}
	SIM_CHECK(resent[1] && resent[3]);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 2);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RTO_EXPIRED), 0);
	peer_send_flags(p, SIM_ACK, p->snd_nxt, una + NSEGS * MSS, NULL, 0);
	PEER_EXPECT_NONE(p, 5 * SIM_S);

	/* both close; the FINs sit in wrapped space too */
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, una + NSEGS * MSS, p->snd_nxt);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, una + NSEGS * MSS + 1, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_state_count(p->t, TERN_TCP_TIME_WAIT), 1);
	peer_destroy(p);
}

const struct sim_test tcp_tests_catalogue_seqwrap[] = {
	SIM_TEST(test_s14_both_sequence_spaces_wrap),
};
const unsigned int tcp_tests_catalogue_seqwrap_n =
	RTE_DIM(tcp_tests_catalogue_seqwrap);
