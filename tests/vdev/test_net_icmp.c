/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP echo: replies of every size up to the MTU, odd lengths,
 * multi-segment requests, padding, checksum offload flags on receive and
 * transmit, and the types we do not answer.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_icmp.h>

#include "net_harness.h"
#include "tern_net.h"

#define ECHO_ID 0x4242

static int
setup_peer_known(void **state)
{
	nh_setup(NULL);
	nh_learn(NH_PEER_IP, &nh_peer_mac);
	return 0;
}

/* The reply to nh_icmp_echo_frame(payload_len, ECHO_ID, seq), checked
 * field by field with checksums recomputed here. */
static void
check_echo_reply(const struct rte_mbuf *m, size_t payload_len, uint16_t seq)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len = nh_linearize(m, f, sizeof(f));
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN;
	const uint8_t *icmp = ip + 20;
	rte_be32_t our_ip = NH_OUR_IP, peer_ip = NH_PEER_IP;

	assert_int_equal(len, 14 + 20 + 8 + payload_len);
	assert_memory_equal(f, &nh_peer_mac, 6);
	assert_memory_equal(f + 6, &nh_our_mac, 6);
	assert_int_equal(f[12] << 8 | f[13], 0x0800);

	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[2] << 8 | ip[3], 20 + 8 + payload_len);
	assert_int_equal(ip[6] << 8 | ip[7], 0x4000);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], IPPROTO_ICMP);
	assert_memory_equal(ip + 12, &our_ip, 4);
	assert_memory_equal(ip + 16, &peer_ip, 4);
	assert_true(nh_ipv4_cksum_ok(ip));

	assert_int_equal(icmp[0], RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(icmp[4] << 8 | icmp[5], ECHO_ID);
	assert_int_equal(icmp[6] << 8 | icmp[7], seq);
	for (size_t i = 0; i < payload_len; i++)
		assert_int_equal(icmp[8 + i], nh_pattern(i));
	assert_int_equal(nh_sum16(icmp, 8 + payload_len, 0), 0xffff);
}

static void
test_echo_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 7, 63, 64, 65, 999, 1471,
					1472 };
	struct tern_stats before = nh_env.ctx.stats;
	uint8_t f[NH_FRAME_MAX];

	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		size_t len = nh_icmp_echo_frame(f, sizes[i], ECHO_ID,
						(uint16_t)i);

		nh_input(nh_mbuf(f, len));
		assert_int_equal(nh_env.nsent, 1);
		check_echo_reply(nh_env.sent[0], sizes[i], (uint16_t)i);
		nh_clear_sent();
	}
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_ECHOS),
			 RTE_DIM(sizes));
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_OUT_ECHO_REPS),
			 RTE_DIM(sizes));
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats), nh_drop_sum(&before));
}

static void
test_echo_multiseg(void **state)
{
	/* 1514-byte frames cut at odd places: right after the ICMP
	 * header, at odd offsets, one-byte segments. */
	static const uint16_t cuts[][4] = {
		{ 42, 1, 999, 472 },
		{ 43, 3, 5, 1463 },
		{ 47, 1000, 466, 1 },
		{ 1000, 1, 1, 512 },
	};
	uint8_t f[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(f, 1472, ECHO_ID, 9);

	assert_int_equal(len, 1514);
	for (unsigned int c = 0; c < RTE_DIM(cuts); c++) {
		nh_input(nh_mbuf_chain(f, len, cuts[c], 4));
		assert_int_equal(nh_env.nsent, 1);
		check_echo_reply(nh_env.sent[0], 1472, 9);
		nh_clear_sent();
	}

	/* Odd payload split in two odd halves. */
	len = nh_icmp_echo_frame(f, 333, ECHO_ID, 10);
	{
		const uint16_t two[] = { 45, (uint16_t)(len - 45) };

		nh_input(nh_mbuf_chain(f, len, two, 2));
	}
	assert_int_equal(nh_env.nsent, 1);
	check_echo_reply(nh_env.sent[0], 333, 10);
}

static void
test_echo_padding_is_not_echoed(void **state)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(f, 3, ECHO_ID, 1);

	/* Ethernet pads short frames; garbage here must not reach the
	 * checksum nor the reply. */
	memset(f + len, 0xab, 60 - len);
	nh_input(nh_mbuf(f, 60));
	assert_int_equal(nh_env.nsent, 1);
	check_echo_reply(nh_env.sent[0], 3, 1);
	nh_clear_sent();

	/* The same with the padding in a segment of its own. */
	{
		const uint16_t two[] = { (uint16_t)len, (uint16_t)(60 - len) };

		nh_input(nh_mbuf_chain(f, 60, two, 2));
	}
	assert_int_equal(nh_env.nsent, 1);
	assert_int_equal(nh_env.sent[0]->nb_segs, 1);
	check_echo_reply(nh_env.sent[0], 3, 1);
}

static void
test_echo_to_unresolved_peer_waits_for_arp(void **state)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len;

	nh_teardown();
	nh_setup(NULL);
	len = nh_icmp_echo_frame(f, 20, ECHO_ID, 3);
	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_env.nsent, 1);   /* the ARP request */
	assert_int_equal(rte_pktmbuf_mtod(nh_env.sent[0], uint8_t *)[13],
			 0x06);
	nh_clear_sent();
	len = nh_arp_frame(f, RTE_ARP_OP_REPLY, &nh_our_mac, &nh_peer_mac,
			   NH_PEER_IP, &nh_our_mac, NH_OUR_IP);
	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_env.nsent, 1);
	check_echo_reply(nh_env.sent[0], 20, 3);
}

static void
feed_with_flags(const uint8_t *f, size_t len, uint64_t ol_flags)
{
	struct rte_mbuf *m = nh_mbuf(f, len);

	m->ol_flags = ol_flags;
	nh_input(m);
}

static void
test_rx_checksum_offload(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;
	uint8_t good[NH_FRAME_MAX], bad[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(good, 10, ECHO_ID, 1);

	memcpy(bad, good, len);
	bad[14 + 10] ^= 0x5a;   /* IP checksum */

	/* Port off: flags are meaningless and ignored. */
	feed_with_flags(bad, len, RTE_MBUF_F_RX_IP_CKSUM_GOOD);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_IN_CSUM_ERRORS), 1);

	nh_env.ctx.ifc.rx_cksum = true;
	/* The port vouches for the header: not checked again. */
	feed_with_flags(bad, len, RTE_MBUF_F_RX_IP_CKSUM_GOOD);
	assert_int_equal(nh_env.nsent, 1);
	nh_clear_sent();
	/* The port says bad: dropped even though it is right. */
	feed_with_flags(good, len, RTE_MBUF_F_RX_IP_CKSUM_BAD);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_IN_CSUM_ERRORS), 2);
	/* The port does not know: checked in software. */
	feed_with_flags(bad, len, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_IN_CSUM_ERRORS), 3);
	feed_with_flags(good, len, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN);
	assert_int_equal(nh_env.nsent, 1);
	/* The reply carries none of the receive flags. */
	assert_int_equal(nh_env.sent[0]->ol_flags, 0);
	check_echo_reply(nh_env.sent[0], 10, 1);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 3);
}

static void
test_tx_ip_offload_for_reply(void **state)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(f, 10, ECHO_ID, 1);
	const struct rte_mbuf *m;
	const uint8_t *ip;

	nh_env.ctx.ifc.tx_ip_cksum = true;
	nh_env.ctx.ifc.tx_tcp_cksum = true;
	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_env.nsent, 1);
	m = nh_env.sent[0];
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);
	assert_int_equal(ip[10] << 8 | ip[11], 0);
	assert_int_equal(nh_sum16(ip + 20, 18, 0), 0xffff);
}

/* Memory outside every mempool, as some PMDs deliver frames in. */
static uint8_t ext_mem[2048] __rte_aligned(RTE_CACHE_LINE_SIZE);
static unsigned int ext_frees;

static void
ext_free_cb(void *addr, void *opaque)
{
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);
	ext_frees++;
}

/* A request in an external buffer: the reply keeps RTE_MBUF_F_EXTERNAL,
 * so freeing it after TX hands the buffer back to its owner (once) and
 * the mbuf to the pool. */
static void
test_echo_in_external_buffer(void **state)
{
	uint8_t f[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(f, 32, ECHO_ID, 9);
	unsigned int in_use = nh_in_use();
	uint16_t buf_len = sizeof(ext_mem);
	struct rte_mbuf_ext_shared_info *shinfo;
	struct rte_mbuf *m = rte_pktmbuf_alloc(nh_env.pool);
	void *p;

	assert_non_null(m);
	shinfo = rte_pktmbuf_ext_shinfo_init_helper(ext_mem, &buf_len,
						    ext_free_cb, NULL);
	assert_non_null(shinfo);
	rte_pktmbuf_attach_extbuf(m, ext_mem, rte_mem_virt2iova(ext_mem),
				  buf_len, shinfo);
	rte_pktmbuf_reset_headroom(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(p);
	memcpy(p, f, len);
	ext_frees = 0;

	nh_input(m);
	assert_int_equal(nh_env.nsent, 1);
	check_echo_reply(nh_env.sent[0], 32, 9);
	assert_true(RTE_MBUF_HAS_EXTBUF(nh_env.sent[0]));
	nh_clear_sent();
	assert_int_equal(ext_frees, 1);
	assert_int_equal(nh_in_use(), in_use);
}

static void
test_other_types_are_dropped(void **state)
{
	static const uint8_t types[] = { RTE_IP_ICMP_ECHO_REPLY, 3, 5, 11,
					 13, 255 };
	struct tern_stats before = nh_env.ctx.stats;
	uint8_t f[NH_FRAME_MAX];

	for (unsigned int i = 0; i < RTE_DIM(types); i++) {
		size_t len = nh_icmp_echo_frame(f, 12, ECHO_ID, 1);

		f[14 + 20] = types[i];
		nh_icmp_fix_cksum(f);
		nh_input(nh_mbuf(f, len));
	}
	assert_int_equal(nh_env.nsent, 0);
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_MSGS),
			 RTE_DIM(types));
	/* 3 and 11 are errors whose 12 bytes cannot hold a quoted
	 * datagram; the others are types nobody takes */
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_UNHANDLED),
			 RTE_DIM(types) - 2);
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_BAD_QUOTE), 2);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 RTE_DIM(types));
}

/* An ICMP error quoting @p src -> peer, protocol @p proto, TCP ports
 * 80 -> 40000: a 28-byte quote (IPv4 header, 8 bytes of TCP). */
static size_t
icmp_error_frame(uint8_t *f, uint8_t type, uint8_t code, rte_be32_t src,
		 uint8_t proto, size_t quote_len)
{
	size_t len = nh_icmp_echo_frame(f, quote_len, ECHO_ID, 1);
	uint8_t *q = f + 14 + 20 + 8;
	rte_be32_t dst = NH_PEER_IP;

	f[14 + 20] = type;
	f[14 + 20 + 1] = code;
	memset(f + 14 + 20 + 4, 0, 4);
	memset(q, 0, quote_len);
	q[0] = 0x45;
	q[3] = 40;
	q[6] = 0x40;
	q[8] = 64;
	q[9] = proto;
	memcpy(q + 12, &src, 4);
	memcpy(q + 16, &dst, 4);
	q[20] = 0;
	q[21] = 80;
	q[22] = 0x9c;
	q[23] = 0x40;
	nh_icmp_fix_cksum(f);
	return len;
}

/*
 * Errors about a TCP segment from our address go up to TCP (which finds
 * no connection here: TCPIcmpNoConn); a quote from another source, a
 * truncated one, or one about another protocol stops in lib/net,
 * counted.
 */
static void
test_errors_about_tcp_go_to_tcp(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;
	uint8_t f[NH_FRAME_MAX];
	size_t len;

	len = icmp_error_frame(f, 3, 4, NH_OUR_IP, IPPROTO_TCP, 28);
	nh_input(nh_mbuf(f, len));
	len = icmp_error_frame(f, 11, 0, NH_OUR_IP, IPPROTO_TCP, 28);
	nh_input(nh_mbuf(f, len));
	len = icmp_error_frame(f, 12, 0, NH_OUR_IP, IPPROTO_TCP, 48);
	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_DEST_UNREACHS), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_TIME_EXCDS), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_PARM_PROBS), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_TCP_ICMP_NO_CONN), 3);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats), nh_drop_sum(&before));

	len = icmp_error_frame(f, 3, 1, NH_PEER_IP, IPPROTO_TCP, 28);
	nh_input(nh_mbuf(f, len));
	len = icmp_error_frame(f, 3, 1, NH_OUR_IP, IPPROTO_TCP, 27);
	nh_input(nh_mbuf(f, len));
	len = icmp_error_frame(f, 3, 3, NH_OUR_IP, IPPROTO_UDP, 28);
	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_BAD_QUOTE), 2);
	assert_int_equal(nh_delta(&before, TERN_STAT_ICMP_IN_UNHANDLED), 1);
	assert_int_equal(nh_delta(&before, TERN_STAT_TCP_ICMP_NO_CONN), 3);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 3);
	assert_int_equal(nh_env.nsent, 0);
}

static void
test_ip_options_accepted_not_echoed(void **state)
{
	uint8_t f[NH_FRAME_MAX], g[NH_FRAME_MAX];
	size_t len = nh_icmp_echo_frame(f, 16, ECHO_ID, 5);

	/* Insert 4 bytes of NOP options: IHL 6. */
	memcpy(g, f, 14 + 20);
	memset(g + 34, 1, 4);
	memcpy(g + 38, f + 34, len - 34);
	g[14] = 0x46;
	g[14 + 2] = (uint8_t)((len - 14 + 4) >> 8);
	g[14 + 3] = (uint8_t)(len - 14 + 4);
	nh_ipv4_fix_cksum(g);
	nh_input(nh_mbuf(g, len + 4));
	assert_int_equal(nh_env.nsent, 1);
	check_echo_reply(nh_env.sent[0], 16, 5);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_peer_known, \
					     nh_cm_teardown)
		T(test_echo_sizes),
		T(test_echo_multiseg),
		T(test_echo_padding_is_not_echoed),
		T(test_echo_to_unresolved_peer_waits_for_arp),
		T(test_rx_checksum_offload),
		T(test_tx_ip_offload_for_reply),
		T(test_echo_in_external_buffer),
		T(test_other_types_are_dropped),
		T(test_errors_about_tcp_go_to_tcp),
		T(test_ip_options_accepted_not_echoed),
#undef T
	};
	int rc;

	if (nh_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
