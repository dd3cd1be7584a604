/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "flood.h"
#include "tern_splitmix.h"

/* 198.19.0.0/16 (RFC 2544): off-link for the server's /24. */
#define FLOOD_SRC_NET ((198u << 24) | (19u << 16))
#define FLOOD_FRAME_LEN (RTE_ETHER_HDR_LEN + 20 + 20)

int
bench_flood_parse(const char *s, enum bench_flood_kind *kind)
{
	if (strcmp(s, "syn") == 0)
		*kind = BENCH_FLOOD_SYN;
	else if (strcmp(s, "ack") == 0)
		*kind = BENCH_FLOOD_ACK;
	else if (strcmp(s, "rst") == 0)
		*kind = BENCH_FLOOD_RST;
	else
		return -EINVAL;
	return 0;
}

const char *
bench_flood_name(enum bench_flood_kind kind)
{
	switch (kind) {
	case BENCH_FLOOD_SYN: return "syn";
	case BENCH_FLOOD_ACK: return "ack";
	case BENCH_FLOOD_RST: return "rst";
	default: return "none";
	}
}

/* One forged segment at @p frame (FLOOD_FRAME_LEN bytes). */
static void
flood_frame(struct bench_flood *f, uint8_t *frame)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ih + 1);
	uint64_t r = tern_splitmix64(&f->rng);
	uint32_t src;
	uint16_t sport;

	if (f->kind == BENCH_FLOOD_SYN) {
		/* never .0.0 nor .255.255 */
		src = FLOOD_SRC_NET | (1 + (uint32_t)(r % 0xfffe));
		sport = (uint16_t)(1024 + (r >> 16) % 64000);
	} else {
		src = f->client_ip;
		sport = (uint16_t)(f->sport_min + (r >> 16) %
				   ((uint32_t)f->sport_max - f->sport_min + 1));
	}
	eh->dst_addr = f->dst_mac;
	eh->src_addr = f->src_mac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ih, 0, sizeof(*ih));
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->total_length = rte_cpu_to_be_16(40);
	ih->time_to_live = 64;
	ih->next_proto_id = IPPROTO_TCP;
	ih->src_addr = rte_cpu_to_be_32(src);
	ih->dst_addr = rte_cpu_to_be_32(f->dst_ip);
	ih->hdr_checksum = rte_ipv4_cksum(ih);
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16((uint16_t)(f->dport +
				(r >> 40) % (f->nb_dports ? f->nb_dports : 1)));
	r = tern_splitmix64(&f->rng);
	th->sent_seq = rte_cpu_to_be_32((uint32_t)r);
	th->data_off = 5 << 4;
	th->rx_win = rte_cpu_to_be_16(65535);
	switch (f->kind) {
	case BENCH_FLOOD_SYN:
		th->tcp_flags = RTE_TCP_SYN_FLAG;
		break;
	case BENCH_FLOOD_ACK:
		th->tcp_flags = RTE_TCP_ACK_FLAG;
		th->recv_ack = rte_cpu_to_be_32((uint32_t)(r >> 32));
		break;
	default:
		th->tcp_flags = RTE_TCP_RST_FLAG;
		break;
	}
	th->cksum = rte_ipv4_udptcp_cksum(ih, th);
}

uint16_t
bench_flood_fill(struct bench_flood *f, struct rte_mempool *mp,
		 struct rte_mbuf **pkts)
{
	uint16_t n = f->burst;

	if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *frame = (uint8_t *)rte_pktmbuf_append(pkts[i],
							       FLOOD_FRAME_LEN);

		flood_frame(f, frame);
		pkts[i]->l2_len = RTE_ETHER_HDR_LEN;
		pkts[i]->l3_len = 20;
	}
	return n;
}
