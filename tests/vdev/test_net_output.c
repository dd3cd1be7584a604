/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern_ipv4_output(): headers, checksums in software and offloaded,
 * multi-segment segments, next-hop choice, and every refusal counted.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "net_harness.h"
#include "tern_net.h"

/* A second address of ours (ifc.extra_ip). */
#define NH_EXTRA_IP RTE_BE32(NH_IPV4(198, 18, 0, 3))

static int
setup_peer_known(void **state)
{
	nh_setup(NULL);
	nh_learn(NH_PEER_IP, &nh_peer_mac);
	nh_learn(NH_GW_IP, &nh_gw_mac);
	return 0;
}

static void
check_ipv4_header(const uint8_t *ip, rte_be32_t dst, uint8_t proto,
		  size_t l4_len)
{
	rte_be32_t our_ip = NH_OUR_IP;

	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0);
	assert_int_equal(ip[2] << 8 | ip[3], 20 + l4_len);
	assert_int_equal(ip[4] << 8 | ip[5], 0);       /* id */
	assert_int_equal(ip[6] << 8 | ip[7], 0x4000);  /* DF, offset 0 */
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], proto);
	assert_memory_equal(ip + 12, &our_ip, 4);
	assert_memory_equal(ip + 16, &dst, 4);
}

static void
test_tcp_software_checksums(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 63, 64, 999, 1460 };
	struct tern_stats before = nh_env.ctx.stats;
	uint8_t f[NH_FRAME_MAX];

	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		struct rte_mbuf *m = nh_tcp_packet(sizes[i], 1000 + i);

		assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
						  IPPROTO_TCP), 0);
	}
	nh_flush();
	assert_int_equal(nh_env.nsent, RTE_DIM(sizes));
	for (unsigned int i = 0; i < RTE_DIM(sizes); i++) {
		const struct rte_mbuf *m = nh_env.sent[i];
		size_t len = nh_linearize(m, f, sizeof(f));
		const uint8_t *ip = f + RTE_ETHER_HDR_LEN;

		assert_int_equal(len, 14 + 20 + 20 + sizes[i]);
		assert_memory_equal(f, &nh_peer_mac, 6);
		assert_memory_equal(f + 6, &nh_our_mac, 6);
		assert_int_equal(f[12] << 8 | f[13], 0x0800);
		check_ipv4_header(ip, NH_PEER_IP, IPPROTO_TCP, 20 + sizes[i]);
		assert_true(nh_ipv4_cksum_ok(ip));
		assert_true(nh_l4_cksum_ok(ip));
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(ip[40 + j], nh_pattern(j + 1000 + i));
		assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
		assert_int_equal(m->l2_len, 14);
		assert_int_equal(m->l3_len, 20);
	}
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_REQUESTS),
			 RTE_DIM(sizes));
}

static void
test_tcp_multiseg_software_checksum(void **state)
{
	/* Segment lengths with odd sizes and odd offsets in the chain. */
	static const uint16_t cuts[][4] = {
		{ 20, 1, 2, 997 },
		{ 21, 333, 7, 659 },
		{ 25, 500, 494, 1 },
	};
	uint8_t seg[1000 + 20];
	uint8_t f[NH_FRAME_MAX];

	memset(seg, 0, 20);
	seg[12] = 5 << 4;
	seg[13] = RTE_TCP_ACK_FLAG;
	for (size_t i = 0; i < 1000; i++)
		seg[20 + i] = nh_pattern(i);
	for (unsigned int c = 0; c < RTE_DIM(cuts); c++) {
		uint16_t lens[4];
		struct rte_mbuf *m;

		memcpy(lens, cuts[c], sizeof(lens));
		m = nh_mbuf_chain(seg, sizeof(seg), lens, 4);
		assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
						  IPPROTO_TCP), 0);
		nh_flush();
		assert_int_equal(nh_env.nsent, 1);
		assert_int_equal(nh_env.sent[0]->nb_segs, 4);
		nh_linearize(nh_env.sent[0], f, sizeof(f));
		assert_true(nh_ipv4_cksum_ok(f + 14));
		assert_true(nh_l4_cksum_ok(f + 14));
		nh_clear_sent();
	}
}

static void
test_offloads_set_flags_and_pseudo_header(void **state)
{
	uint8_t *ip;
	struct rte_mbuf *m;
	uint16_t th_cksum;

	nh_env.ctx.ifc.tx_ip_cksum = true;
	nh_env.ctx.ifc.tx_tcp_cksum = true;
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(100, 1),
					  NH_PEER_IP, IPPROTO_TCP), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	m = nh_env.sent[0];
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			 RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	/* The port fills the IP checksum from zero. */
	assert_int_equal(ip[10] << 8 | ip[11], 0);
	/* The TCP field holds the pseudo-header sum, uncomplemented. */
	th_cksum = (uint16_t)(ip[20 + 16] << 8 | ip[20 + 17]);
	assert_int_equal(th_cksum, nh_pseudo_sum(ip));
	nh_clear_sent();

	/* IP offload alone: TCP summed in software, IP left to the port. */
	nh_env.ctx.ifc.tx_tcp_cksum = false;
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(33, 1),
					  NH_PEER_IP, IPPROTO_TCP), 0);
	nh_flush();
	m = nh_env.sent[0];
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	assert_true(nh_l4_cksum_ok(ip));
	nh_clear_sent();

	/* TCP offload alone: IP checksum in software. */
	nh_env.ctx.ifc.tx_ip_cksum = false;
	nh_env.ctx.ifc.tx_tcp_cksum = true;
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(33, 1),
					  NH_PEER_IP, IPPROTO_TCP), 0);
	nh_flush();
	m = nh_env.sent[0];
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM);
	assert_true(nh_ipv4_cksum_ok(ip));
	th_cksum = (uint16_t)(ip[20 + 16] << 8 | ip[20 + 17]);
	assert_int_equal(th_cksum, nh_pseudo_sum(ip));
}

/* TSO: the port adds each segment's length, so the pseudo-header sum it
 * starts from leaves the length out (as rte_ipv4_phdr_cksum() does). */
static void
test_tso_pseudo_header_without_length(void **state)
{
	struct rte_ipv4_hdr *ih;
	struct rte_mbuf *m = nh_tcp_packet(1200, 1);
	uint16_t th_cksum;

	(void)state;
	nh_env.ctx.ifc.tx_tso = true;
	nh_env.ctx.ifc.mtu = 576;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = 536;
	m->l4_len = 20;
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
					  IPPROTO_TCP), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	m = nh_env.sent[0];
	ih = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	th_cksum = ((const struct rte_tcp_hdr *)(ih + 1))->cksum;
	assert_int_equal(th_cksum,
			 rte_ipv4_phdr_cksum(ih, RTE_MBUF_F_TX_TCP_SEG));
	assert_int_not_equal(th_cksum, rte_ipv4_phdr_cksum(ih, 0));
}

static void
test_off_link_goes_to_gateway(void **state)
{
	uint8_t *f;

	assert_int_equal(tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(5, 1),
					  NH_FAR_IP, IPPROTO_TCP), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
	f = rte_pktmbuf_mtod(nh_env.sent[0], uint8_t *);
	assert_memory_equal(f, &nh_gw_mac, 6);
	check_ipv4_header(f + 14, NH_FAR_IP, IPPROTO_TCP, 25);
}

static void
test_no_route(void **state)
{
	struct tern_if_conf ifc;
	struct tern_stats before;
	static const rte_be32_t martians[] = {
		RTE_BE32(NH_IPV4(0, 0, 0, 0)),
		RTE_BE32(NH_IPV4(255, 255, 255, 255)),
		RTE_BE32(NH_IPV4(198, 18, 0, 255)),   /* subnet broadcast */
		RTE_BE32(NH_IPV4(224, 0, 0, 1)),
		RTE_BE32(NH_IPV4(127, 0, 0, 1)),
		NH_OUR_IP,
	};

	nh_teardown();
	nh_default_ifc(&ifc);
	ifc.gateway = 0;
	nh_setup(&ifc);
	before = nh_env.ctx.stats;
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, nh_tcp_packet(5, 1),
					  NH_FAR_IP, IPPROTO_TCP),
			 -EHOSTUNREACH);
	for (unsigned int i = 0; i < RTE_DIM(martians); i++)
		assert_int_equal(tern_ipv4_output(&nh_env.ctx,
						  nh_tcp_packet(5, 1),
						  martians[i], IPPROTO_TCP),
				 -EHOSTUNREACH);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_NO_ROUTE),
			 1 + RTE_DIM(martians));
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 1 + RTE_DIM(martians));
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_REQUESTS), 0);
	nh_flush();
	assert_int_equal(nh_env.nsent, 0);
}

static void
test_refusals_are_counted(void **state)
{
	struct tern_stats before = nh_env.ctx.stats;
	struct rte_mbuf *m;
	uint8_t hdr[10] = { 0 };

	/* No headroom for the 34 bytes of IPv4 + Ethernet. */
	m = nh_tcp_packet(10, 1);
	assert_non_null(rte_pktmbuf_prepend(m, (uint16_t)(m->data_off - 20)));
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
					  IPPROTO_TCP), -ENOBUFS);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_NO_HEADROOM), 1);

	/* Larger than the MTU allows (DF, no fragmentation). */
	m = nh_tcp_packet(1500 - 20 - 20 + 1, 1);
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
					  IPPROTO_TCP), -EMSGSIZE);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_TOO_BIG), 1);
	/* Exactly the MTU is fine. */
	m = nh_tcp_packet(1500 - 20 - 20, 1);
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
					  IPPROTO_TCP), 0);

	/* A "TCP" packet shorter than a TCP header. */
	m = nh_mbuf(hdr, sizeof(hdr));
	assert_int_equal(tern_ipv4_output(&nh_env.ctx, m, NH_PEER_IP,
					  IPPROTO_TCP), -EINVAL);
	assert_int_equal(nh_delta(&before, TERN_STAT_IP_OUT_BAD_L4), 1);
	assert_int_equal(nh_drop_sum(&nh_env.ctx.stats) - nh_drop_sum(&before),
			 3);
	nh_flush();
	assert_int_equal(nh_env.nsent, 1);
}

/*
 * TCP segments to one destination from our two addresses in turn, then
 * to another destination: each frame carries its own source, its own
 * destination and MAC, and checksums right for them (the header IPv4
 * output keeps for the last source and destination is not reused for
 * another pair).
 */
static void
test_kept_header_per_source_and_destination(void **state)
{
	static const struct {
		rte_be32_t src;
		rte_be32_t dst;
	} segs[] = {
		{ NH_OUR_IP, NH_PEER_IP },
		{ NH_OUR_IP, NH_PEER_IP },
		{ NH_EXTRA_IP, NH_PEER_IP },
		{ NH_OUR_IP, NH_PEER_IP },
		{ NH_OUR_IP, NH_FAR_IP },
		{ NH_OUR_IP, NH_PEER_IP },
	};
	uint64_t out0 = nh_env.ctx.stats.c[TERN_STAT_IP_OUT_REQUESTS];
	uint8_t f[NH_FRAME_MAX];

	nh_env.ctx.ifc.extra_ip[0] = NH_EXTRA_IP;
	nh_env.ctx.ifc.nb_extra_ip = 1;
	for (unsigned int i = 0; i < RTE_DIM(segs); i++) {
		const uint8_t *ip = f + 14;
		const struct rte_ether_addr *mac = segs[i].dst == NH_FAR_IP ?
						   &nh_gw_mac : &nh_peer_mac;

		assert_int_equal(tern_ipv4_output_from(&nh_env.ctx,
				 nh_tcp_packet(10 + i, 1), segs[i].src,
				 segs[i].dst, IPPROTO_TCP), 0);
		nh_flush();
		assert_int_equal(nh_env.nsent, 1);
		nh_linearize(nh_env.sent[0], f, sizeof(f));
		assert_memory_equal(f, mac, RTE_ETHER_ADDR_LEN);
		assert_memory_equal(ip + 12, &segs[i].src, 4);
		assert_memory_equal(ip + 16, &segs[i].dst, 4);
		assert_int_equal(ip[2] << 8 | ip[3], 20 + 20 + 10 + i);
		assert_true(nh_ipv4_cksum_ok(ip));
		assert_true(nh_l4_cksum_ok(ip));
		nh_clear_sent();
	}
	assert_int_equal(nh_env.ctx.stats.c[TERN_STAT_IP_OUT_REQUESTS] - out0,
			 RTE_DIM(segs));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_peer_known, \
					     nh_cm_teardown)
		T(test_tcp_software_checksums),
		T(test_tcp_multiseg_software_checksum),
		T(test_offloads_set_flags_and_pseudo_header),
		T(test_tso_pseudo_header_without_length),
		T(test_off_link_goes_to_gateway),
		T(test_no_route),
		T(test_refusals_are_counted),
		T(test_kept_header_per_source_and_destination),
#undef T
	};
	int rc;

	if (nh_eal_init(argv[0]) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
