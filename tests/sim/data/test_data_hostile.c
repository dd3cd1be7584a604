/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A scripted peer P against a tern stack T, doing what a hostile or
 * broken peer does to the data path:
 *  - SACK blocks that are reversed, out of window, below SND.UNA, too
 *    many, malformed: ignored and counted (TCPSACKDiscard), the
 *    scoreboard keeps only what is valid, the connection lives;
 *  - a flood of tiny out-of-order segments that never fills the hole:
 *    reassembly stops at its cap (TCPOFODrop), T's mbufs stay bounded,
 *    the connection lives and delivers the stream once the hole fills;
 *  - the byte cap of reassembly (reass_max_bytes) with larger segments;
 *  - reordered data across the 2^32 sequence wrap, with T's SACK
 *    blocks (RFC 2018: the newest arrival first) spanning the wrap.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "peer.h"
#include "tcp_seq.h"
#include "data_util.h"
#include "tcp_reass.h"

#define T_PORT 80
#define STREAM_KEY 0x5eedull

/* Every frame T sent so far, read and dropped (they are not checked). */
static unsigned int
drain(struct peer *p)
{
	struct sim_pkt *seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	unsigned int n = 0;

	while (peer_recv(p, 0, seg))
		n++;
	return n;
}

/* P with SACK-permitted (and no timestamps) opens a connection to T. */
static struct sim_conn *
open_with_sack(struct peer *p, struct sim_listener *l, uint32_t iss)
{
	struct sim_conn *r;

	p->syn_opts.sack_perm = true;
	p->iss = iss;
	r = peer_open_passive(p, l);
	SIM_ASSERT(r->info.sack_ok, "T did not agree to SACK");
	SIM_ASSERT(!r->info.ts_ok, "timestamps agreed though P sent none");
	return r;
}

/* Reset T's end and check nothing is left behind. */
static void
end_and_destroy(struct peer *p, struct sim_conn *r)
{
	if (r->c != NULL)
		tern_tcp_abort(r->c);
	SIM_ASSERT_EQ(r->closed, 1);
	sim_run_for(p->sim, SIM_S);
	drain(p);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	peer_destroy(p);
}

/* An ACK from P of @p ack carrying @p n SACK blocks. */
static void
send_sack(struct peer *p, uint32_t ack, const uint32_t (*blocks)[2],
	  unsigned int n)
{
	struct sim_tcp_spec s = peer_seg(p, SIM_ACK, p->snd_nxt, ack);

	s.opts.nsack = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++) {
		s.opts.sack[i].start = blocks[i][0];
		s.opts.sack[i].end = blocks[i][1];
	}
	peer_send(p, &s);
}

static uint32_t
t_sacked(const struct sim_conn *r)
{
	struct tern_tcp_info info;

	tern_tcp_get_info(r->c, &info);
	return info.sacked_bytes;
}

/*
 * T has 10 segments of 1460 bytes out: [una, una + 14600). P's ACKs
 * carry bad blocks mixed with good ones; each bad block is counted
 * once and the scoreboard holds exactly the good bytes.
 */
static void
test_sack_blocks_out_of_window_ignored(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct peer *p;
	uint32_t una, max, mss = 1460;
	uint64_t discard0, badopts0;

	data_conf(&conf);
	p = peer_create(sim_test_seed(), &conf);
	l = sim_listen(p->t, T_PORT);
	r = open_with_sack(p, l, 1000000);
	r->tx_key = STREAM_KEY;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 10 * mss), 10 * mss);
	SIM_ASSERT_EQ(drain(p), 10);
	una = p->irs + 1;
	max = una + 10 * mss;
	SIM_ASSERT_EQ(p->rcv_nxt, max);
	discard0 = sim_stat(p->t, TERN_STAT_TCP_SACK_DISCARD);

	{
		/* reversed, above SND.MAX, below SND.UNA (a D-SACK), good */
		const uint32_t b[][2] = {
			{ una + 2 * mss, una + mss },
			{ max, max + mss },
			{ una - 1000, una },
			{ una + mss, una + 2 * mss },
		};

		send_sack(p, una, b, RTE_DIM(b));
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SACK_DISCARD) - discard0, 3);
	SIM_ASSERT_EQ(t_sacked(r), mss);
	{
		/* straddling SND.UNA, straddling SND.MAX, empty */
		const uint32_t b[][2] = {
			{ una - 1, una + mss },
			{ max - mss, max + 1 },
			{ una + 3 * mss, una + 3 * mss },
		};

		send_sack(p, una, b, RTE_DIM(b));
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SACK_DISCARD) - discard0, 6);
	SIM_ASSERT_EQ(t_sacked(r), mss);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);

	/*
	 * A SACK option whose length is not 2 + 8n is ignored by the
	 * parser (the segment is otherwise fine); one running past the
	 * header makes the option list malformed: dropped and counted.
	 */
	badopts0 = sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_OPTS);
	{
		static const uint8_t odd_len[12] = { 5, 6, 0, 0, 0, 0, 1, 1 };
		struct sim_tcp_spec s = peer_seg(p, SIM_ACK, p->snd_nxt, una);

		s.raw_opts = odd_len;
		s.raw_opts_len = sizeof(odd_len);
		peer_send(p, &s);
	}
	{
		static const uint8_t past_end[4] = { 1, 5, 10, 0 };
		struct sim_tcp_spec s = peer_seg(p, SIM_ACK, p->snd_nxt, una);

		s.raw_opts = past_end;
		s.raw_opts_len = sizeof(past_end);
		peer_send(p, &s);
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_BAD_OPTS) - badopts0,
		      1);
	SIM_ASSERT_EQ(t_sacked(r), mss);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	drain(p);

	/* Everything acknowledged: the scoreboard empties, T goes on. */
	p->rcv_nxt = max;
	peer_send_ack(p);
	SIM_ASSERT_EQ(t_sacked(r), 0);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, mss), mss);
	drain(p);
	SIM_ASSERT_EQ(p->rcv_nxt, max + mss);
	end_and_destroy(p, r);
}

/*
 * Hundreds of ACKs, each with four valid but scattered 1-byte SACK
 * blocks: T's scoreboard stays bounded, no block is discarded, no
 * segment of the flight is resent twice (the storm cannot amplify),
 * the connection lives, and one cumulative ACK clears it all.
 */
static void
test_sack_block_storm_bounded(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct peer *p;
	uint32_t una, mss = 1460, flight = 10 * 1460;
	struct sim_rng rng;

	data_conf(&conf);
	p = peer_create(sim_test_seed(), &conf);
	l = sim_listen(p->t, T_PORT);
	r = open_with_sack(p, l, 1000000);
	r->tx_key = STREAM_KEY;
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, flight), flight);
	drain(p);
	una = p->irs + 1;
	sim_rng_seed(&rng, sim_test_seed());
	for (int i = 0; i < 500; i++) {
		uint32_t b[4][2];

		for (int k = 0; k < 4; k++) {
			uint32_t off = 1 + (uint32_t)sim_rng_below(&rng,
							flight - 1);

			b[k][0] = una + off;
			b[k][1] = una + off + 1;
		}
		send_sack(p, una, (const uint32_t (*)[2])b, 4);
		drain(p);
		SIM_ASSERT(t_sacked(r) < flight, "%u bytes SACKed of %u",
			   t_sacked(r), flight);
	}
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_SACK_DISCARD), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	/* one recovery: no byte of the flight is resent twice */
	SIM_ASSERT(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS) <= flight / mss,
		   "%" PRIu64 " retransmissions for a flight of %u segments",
		   sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), flight / mss);
	p->rcv_nxt = una + flight;
	peer_send_ack(p);
	SIM_ASSERT_EQ(t_sacked(r), 0);
	SIM_ASSERT_EQ(sim_conn_send_pattern(r, mss), mss);
	drain(p);
	SIM_ASSERT_EQ(p->rcv_nxt, una + flight + mss);
	end_and_destroy(p, r);
}

/* Send @p len pattern bytes of stream offset @p off from P. */
static void
send_stream(struct peer *p, uint32_t base, uint32_t off, uint32_t len)
{
	uint8_t buf[1460];

	SIM_ASSERT(len <= sizeof(buf), "segment of %u bytes", len);
	sim_pattern_fill(STREAM_KEY, off, buf, len);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + off, p->rcv_nxt, buf,
			len);
}

/* Fill [0, len) of the stream in MSS-sized segments. */
static void
fill_stream(struct peer *p, uint32_t base, uint32_t len)
{
	for (uint32_t off = 0; off < len; off += 1460)
		send_stream(p, base, off, RTE_MIN(1460u, len - off));
}

/*
 * 1000 one-byte segments at stream offsets 1, 3, 5, ...: the hole at
 * offset 0 never fills. Each arrival gets an immediate duplicate ACK
 * (RFC 5681 4.2) whose first SACK block is the byte that just came, as
 * long as it was queued (RFC 2018 4). Reassembly holds at most its
 * TCP_REASS_MAX segments; the rest is dropped and counted; T's mbufs stay bounded.
 * Then the hole fills and the stream arrives intact.
 */
static void
test_tiny_ooo_flood_capped(void)
{
	const unsigned int flood = 1000, held_max = TCP_REASS_MAX;
	struct sim_pkt *seg;
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct peer *p;
	struct tern_tcp_info info;
	uint32_t base;
	unsigned int idle, queued = 0;

	data_conf(&conf);
	p = peer_create(sim_test_seed(), &conf);
	seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	l = sim_listen(p->t, T_PORT);
	l->rx_key = STREAM_KEY;
	r = open_with_sack(p, l, 1000000);
	base = p->snd_nxt;
	idle = rte_mempool_in_use_count(p->t->pool);
	for (unsigned int i = 0; i < flood; i++) {
		uint32_t off = 1 + 2 * i;

		send_stream(p, base, off, 1);
		PEER_EXPECT(p, 0, seg);
		PEER_ASSERT_SEG(seg, SIM_ACK, SEQ_ANY, base);
		SIM_ASSERT(seg->h.opts.nsack >= 1, "dup ACK %u without SACK",
			   i);
		if (seg->h.opts.sack[0].start == base + off) {
			SIM_ASSERT_EQ(seg->h.opts.sack[0].end, base + off + 1);
			queued++;
		}
		SIM_ASSERT(rte_mempool_in_use_count(p->t->pool) <=
			   idle + held_max + 8,
			   "T holds %u mbufs (idle %u) after %u segments",
			   rte_mempool_in_use_count(p->t->pool), idle, i + 1);
	}
	SIM_ASSERT_EQ(queued, held_max);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OFO_QUEUE), held_max);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_OOO),
		      flood - held_max);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, held_max);
	SIM_ASSERT_EQ(info.rcv_nxt, base);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);

	/* The hole fills: 4000 bytes, the held ones included, once each. */
	fill_stream(p, base, 4000);
	SIM_WAIT(p->sim, r->rx_bytes == 4000, SIM_S);
	SIM_ASSERT_EQ(r->rx_bad_at, 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, 0);
	SIM_ASSERT_EQ(info.rcv_nxt, base + 4000);
	drain(p);
	end_and_destroy(p, r);
}

/*
 * The byte cap: reass_max_bytes 8000 and 1000-byte segments with gaps
 * between them hold 8 of them (8000 bytes); the ninth is dropped and
 * counted, whatever room the range cap still has.
 */
static void
test_ooo_byte_cap(void)
{
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct peer *p;
	struct tern_tcp_info info;
	uint32_t base;

	data_conf(&conf);
	conf.reass_max_bytes = 8000;
	p = peer_create(sim_test_seed(), &conf);
	l = sim_listen(p->t, T_PORT);
	l->rx_key = STREAM_KEY;
	r = open_with_sack(p, l, 1000000);
	base = p->snd_nxt;
	for (uint32_t i = 0; i < 9; i++)
		send_stream(p, base, 1000 + 2000 * i, 1000);
	drain(p);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OFO_QUEUE), 8);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_DROP_OOO), 1);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, 8000);
	/* Fill everything up to 20000: delivered once, intact. */
	fill_stream(p, base, 20000);
	SIM_WAIT(p->sim, r->rx_bytes == 20000, SIM_S);
	SIM_ASSERT_EQ(r->rx_bad_at, 0);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, 0);
	drain(p);
	end_and_destroy(p, r);
}

/*
 * P's ISS is 2^32 - 3001: its data crosses the sequence wrap after
 * 3000 bytes. Eight 1000-byte segments sent pairwise swapped (1, 0, 3,
 * 2, ...): each early one is SACKed with its own block, also the one
 * that straddles 2^32; each late one fills its hole; the stream comes
 * out intact and in order.
 */
static void
test_reorder_across_seq_wrap(void)
{
	static const unsigned int order[] = { 1, 0, 3, 2, 5, 4, 7, 6 };
	struct sim_pkt *seg;
	struct tern_tcp_conf conf;
	struct sim_listener *l;
	struct sim_conn *r;
	struct peer *p;
	uint32_t base;

	data_conf(&conf);
	p = peer_create(sim_test_seed(), &conf);
	seg = sim_alloc(p->sim, sizeof(*seg), NULL);
	l = sim_listen(p->t, T_PORT);
	l->rx_key = STREAM_KEY;
	r = open_with_sack(p, l, UINT32_MAX - 3000);
	base = p->snd_nxt;
	SIM_ASSERT_EQ(base, UINT32_MAX - 2999);
	for (unsigned int i = 0; i < RTE_DIM(order); i++) {
		uint32_t off = order[i] * 1000;

		send_stream(p, base, off, 1000);
		if (i % 2 == 0) {
			/* early: a duplicate ACK SACKing exactly it */
			PEER_EXPECT(p, 0, seg);
			PEER_ASSERT_SEG(seg, SIM_ACK, SEQ_ANY, base + off - 1000);
			SIM_ASSERT_EQ(seg->h.opts.nsack, 1);
			SIM_ASSERT_EQ(seg->h.opts.sack[0].start, base + off);
			SIM_ASSERT_EQ(seg->h.opts.sack[0].end, base + off + 1000);
		} else {
			/* late: fills the hole, the ACK covers both at once */
			PEER_EXPECT(p, 0, seg);
			PEER_ASSERT_SEG(seg, SIM_ACK, SEQ_ANY, base + off + 2000);
			SIM_ASSERT_EQ(seg->h.opts.nsack, 0);
		}
	}
	SIM_ASSERT_EQ(r->rx_bytes, 8000);
	SIM_ASSERT_EQ(r->rx_bad_at, 0);
	SIM_ASSERT(seq_lt(base, base + 8000) && base + 8000 < base,
		   "the data did not cross the wrap");
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OFO_QUEUE), 4);
	drain(p);
	end_and_destroy(p, r);
}

int
main(int argc, char **argv)
{
	static const struct sim_test tests[] = {
		SIM_TEST(test_sack_blocks_out_of_window_ignored),
		SIM_TEST(test_sack_block_storm_bounded),
		SIM_TEST(test_tiny_ooo_flood_capped),
		SIM_TEST(test_ooo_byte_cap),
		SIM_TEST(test_reorder_across_seq_wrap),
	};

	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
