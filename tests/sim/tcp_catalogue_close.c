/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP-SCENARIOS.md line 22, "close with unread data -> RST", under the
 * callback API (docs/conformance.md, "Choices"): recv() hands every
 * in-order byte to the app, so no byte the app could read stays inside
 * tern and close() sends FIN. Bytes the app holds in manual receive mode
 * are the app's; bytes waiting above a hole cannot be read yet. Data
 * that arrives after close() -- including the bytes that fill that hole
 * -- is answered with RST (RFC 1122 4.2.2.13), counted as ResetOnClose.
 */
#include <string.h>

#include "tcp_fixture.h"

/* Manual receive mode: 1000 bytes delivered, none released; close()
 * sends FIN and the connection ends normally. */
static void
test_s22_close_with_held_bytes_sends_fin(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct tern_tcp_info info;
	uint8_t buf[1000];
	struct sim_pkt seg;
	uint32_t fin;

	SIM_ASSERT_EQ(tern_tcp_set_recv_manual(r->c, true), 0);
	sim_pattern_fill(22, 0, buf, sizeof(buf));
	peer_send_data(p, buf, sizeof(buf));
	SIM_ASSERT_EQ(r->rx_bytes, sizeof(buf));
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT(info.rcv_wnd < 256 * 1024, "held bytes not counted");
	fx_drain(p);
	fin = p->rcv_nxt;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, p->snd_nxt);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RESET_ON_CLOSE), 0);
	peer_send_fin(p);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, fin + 1, p->snd_nxt);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_NORMAL);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_RSTS), 0);
	peer_destroy(p);
}

/*
 * 500 bytes wait above a 500-byte hole when the app closes: FIN (the
 * held bytes were never readable). P then fills the hole: that is data
 * after close(), so RST, closed(ABORTED), ResetOnClose; the app got
 * nothing and the reassembly memory is released.
 */
static void
test_s22_close_with_bytes_above_a_hole(void)
{
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	struct tern_tcp_info info;
	uint8_t buf[1000];
	struct sim_pkt seg;
	uint32_t base = p->snd_nxt, fin;

	sim_pattern_fill(23, 0, buf, sizeof(buf));
	peer_send_flags(p, SIM_ACK | SIM_PSH, base + 500, p->rcv_nxt,
			buf + 500, 500);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, base);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.ooo_bytes, 500);
	fin = p->rcv_nxt;
	SIM_ASSERT_EQ(tern_tcp_close(r->c), 0);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_FIN | SIM_ACK, fin, base);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RESET_ON_CLOSE), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_FIN_WAIT_1);
	peer_send_flags(p, SIM_ACK | SIM_PSH, base, p->rcv_nxt, buf, 500);
	PEER_EXPECT(p, 0, &seg);
	SIM_ASSERT(seg.h.flags & SIM_RST, "no RST for data after close");
	SIM_ASSERT_EQ(seg.h.seq, fin + 1);
	SIM_ASSERT_EQ(r->closed, 1);
	SIM_ASSERT_EQ(r->why, TERN_TCP_CLOSE_ABORTED);
	SIM_ASSERT_EQ(r->rx_bytes, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RESET_ON_CLOSE), 1);
	SIM_ASSERT_EQ(sim_conn_count(p->t), 0);
	PEER_EXPECT_NONE(p, SIM_S);
	peer_destroy(p);
}

const struct sim_test tcp_tests_catalogue_close[] = {
	SIM_TEST(test_s22_close_with_held_bytes_sends_fin),
	SIM_TEST(test_s22_close_with_bytes_above_a_hole),
};
const unsigned int tcp_tests_catalogue_close_n =
	RTE_DIM(tcp_tests_catalogue_close);
