/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_icmp.h>
#include <rte_lcore.h>
#include <rte_tcp.h>

#include "net_harness.h"
#include "tern_net.h"
#include "tern_test_eal.h"

const struct rte_ether_addr nh_our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
const struct rte_ether_addr nh_peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
const struct rte_ether_addr nh_gw_mac = {{ 0x02, 0, 0, 0, 0, 0xfe }};
const struct rte_ether_addr nh_bcast_mac = {{ 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff }};
const struct rte_ether_addr nh_zero_mac;

struct nh nh_env;

const tern_stat_t nh_drop_stats[] = {
	TERN_STAT_ETH_DROP_RUNT,
	TERN_STAT_ETH_DROP_OVERSIZE,
	TERN_STAT_ETH_DROP_FOREIGN,
	TERN_STAT_ETH_DROP_MULTICAST,
	TERN_STAT_ETH_DROP_VLAN,
	TERN_STAT_ETH_DROP_ETHERTYPE,
	TERN_STAT_NET_DROP_HDR_SPLIT,
	TERN_STAT_ARP_DROP_MALFORMED,
	TERN_STAT_ARP_DROP_OPCODE,
	TERN_STAT_ARP_DROP_BAD_SENDER,
	TERN_STAT_ARP_DROP_CONFLICT,
	TERN_STAT_ARP_DROP_NOT_FOR_US,
	TERN_STAT_ARP_PENDING_OVERFLOW,
	TERN_STAT_ARP_RESOLVE_FAILED,
	TERN_STAT_ARP_TABLE_FULL,
	TERN_STAT_ARP_PENDING_FLUSHED,
	TERN_STAT_IP_IN_HDR_ERRORS,
	TERN_STAT_IP_IN_CSUM_ERRORS,
	TERN_STAT_IP_IN_TRUNCATED,
	TERN_STAT_IP_IN_FRAGMENTS,
	TERN_STAT_IP_IN_ADDR_ERRORS,
	TERN_STAT_IP_IN_LINK_BCAST,
	TERN_STAT_IP_IN_BAD_SRC,
	TERN_STAT_IP_IN_UNKNOWN_PROTO,
	TERN_STAT_IP_OUT_NO_ROUTE,
	TERN_STAT_IP_OUT_NO_HEADROOM,
	TERN_STAT_IP_OUT_TOO_BIG,
	TERN_STAT_IP_OUT_BAD_L4,
	TERN_STAT_ICMP_IN_ERRORS,
	TERN_STAT_ICMP_IN_CSUM_ERRORS,
	TERN_STAT_ICMP_IN_UNHANDLED,
	TERN_STAT_ICMP_IN_BAD_QUOTE,
};
const unsigned int nh_ndrop_stats = RTE_DIM(nh_drop_stats);

bool
nh_is_drop_stat(tern_stat_t id)
{
	for (unsigned int i = 0; i < nh_ndrop_stats; i++)
		if (nh_drop_stats[i] == id)
			return true;
	return false;
}

uint64_t
nh_drop_sum(const struct tern_stats *s)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < nh_ndrop_stats; i++)
		sum += s->c[nh_drop_stats[i]];
	return sum;
}

int
nh_eal_init(const char *prog)
{
	if (tern_test_eal_init(prog, NULL) != 0)
		return -1;
	nh_env.pool = rte_pktmbuf_pool_create("nh_pool", 2047, 0, 0,
					      RTE_MBUF_DEFAULT_BUF_SIZE,
					      SOCKET_ID_ANY);
	if (nh_env.pool == NULL) {
		fprintf(stderr, "%s: mempool: %s\n", prog,
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
nh_default_ifc(struct tern_if_conf *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	rte_ether_addr_copy(&nh_our_mac, &ifc->mac);
	ifc->ip = NH_OUR_IP;
	ifc->netmask = NH_NETMASK;
	ifc->gateway = NH_GW_IP;
	ifc->mtu = RTE_ETHER_MTU;
}

static void
nh_tx_flush(struct tern_ctx *ctx)
{
	struct nh *h = ctx->tx_flush_arg;

	for (uint16_t i = 0; i < ctx->tx.count; i++) {
		if (h->nsent < NH_SENT_MAX) {
			h->sent[h->nsent++] = ctx->tx.pkts[i];
		} else {
			tern_stat_inc(&ctx->stats, TERN_STAT_TX_RING_FULL);
			rte_pktmbuf_free(ctx->tx.pkts[i]);
		}
	}
	tern_stat_add(&ctx->stats, TERN_STAT_TX_PKTS, ctx->tx.count);
	ctx->tx.count = 0;
}

void
nh_setup(const struct tern_if_conf *ifc)
{
	struct tern_stack_conf conf;
	struct rte_mempool *pool = nh_env.pool;

	memset(&conf, 0, sizeof(conf));
	if (ifc != NULL)
		conf.ifc = *ifc;
	else
		nh_default_ifc(&conf.ifc);
	tern_tcp_conf_defaults(&conf.tcp);
	conf.pool = pool;
	conf.tx_flush = nh_tx_flush;
	conf.tx_flush_arg = &nh_env;
	conf.lcore_id = rte_lcore_id();
	conf.now_ns = NH_T0_NS;
	conf.secret_seed = 42;
	nh_env.nsent = 0;
	nh_env.in_use_baseline = rte_mempool_in_use_count(pool);
	assert_int_equal(tern_stack_init(&nh_env.ctx, &conf), 0);
	/* The stack took the pool with its data offset
	 * (tern_ctx_set_pool(): the allocations' prefetch). */
	assert_int_equal(nh_env.ctx.mbuf_data_at,
			 sizeof(struct rte_mbuf) +
			 rte_pktmbuf_priv_size(pool) + RTE_PKTMBUF_HEADROOM);
	nh_env.pool = pool;
}

void
nh_teardown(void)
{
	tern_stack_fini(&nh_env.ctx);
	nh_clear_sent();
	assert_int_equal(nh_in_use(), nh_env.in_use_baseline);
}

int
nh_cm_setup(void **state)
{
	nh_setup(NULL);
	return 0;
}

int
nh_cm_teardown(void **state)
{
	nh_teardown();
	return 0;
}

void
nh_flush(void)
{
	if (nh_env.ctx.tx.count > 0)
		nh_env.ctx.tx_flush(&nh_env.ctx);
}

void
nh_input(struct rte_mbuf *m)
{
	assert_non_null(m);
	tern_stack_input(&nh_env.ctx, &m, 1);
	nh_flush();
}

void
nh_input_burst(struct rte_mbuf **pkts, uint16_t n)
{
	tern_stack_input(&nh_env.ctx, pkts, n);
	nh_flush();
}

void
nh_poll_at(uint64_t now_ns)
{
	tern_ctx_set_now(&nh_env.ctx, now_ns);
	tern_stack_poll(&nh_env.ctx);
	nh_flush();
}

void
nh_clear_sent(void)
{
	for (uint32_t i = 0; i < nh_env.nsent; i++)
		rte_pktmbuf_free(nh_env.sent[i]);
	nh_env.nsent = 0;
}

unsigned int
nh_in_use(void)
{
	return rte_mempool_in_use_count(nh_env.pool);
}

struct rte_mbuf *
nh_mbuf(const void *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(nh_env.pool);
	void *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(p);
	memcpy(p, frame, len);
	/* Whatever a parser finds past data_len is junk, never a stale
	 * copy of the frame an earlier test put in this buffer. */
	memset((uint8_t *)p + len, 0xa5, rte_pktmbuf_tailroom(m));
	return m;
}

struct rte_mbuf *
nh_mbuf_with_tail(const void *frame, size_t len, const void *tail,
		  size_t tail_len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(nh_env.pool);
	uint8_t *p;

	assert_non_null(m);
	assert_true(len + tail_len + 1 <= m->buf_len);
	/* Frames start 2-byte aligned, as every PMD delivers them
	 * (struct rte_ether_hdr is __rte_aligned(2)). */
	m->data_off = (uint16_t)((m->buf_len - len - tail_len) & ~1u);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p, frame, len);
	memcpy(p + len, tail, tail_len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return m;
}

struct rte_mbuf *
nh_mbuf_chain(const void *frame, size_t len, const uint16_t *seg_lens,
	      unsigned int nsegs)
{
	const uint8_t *src = frame;
	struct rte_mbuf *head = NULL;
	size_t done = 0;

	for (unsigned int i = 0; i < nsegs; i++) {
		struct rte_mbuf *seg = nh_mbuf(src + done, seg_lens[i]);

		done += seg_lens[i];
		if (head == NULL)
			head = seg;
		else
			assert_int_equal(rte_pktmbuf_chain(head, seg), 0);
	}
	assert_int_equal(done, len);
	return head;
}

size_t
nh_linearize(const struct rte_mbuf *m, uint8_t *buf, size_t cap)
{
	size_t len = rte_pktmbuf_pkt_len(m);
	size_t done = 0;

	assert_true(len <= cap);
	for (const struct rte_mbuf *seg = m; seg != NULL; seg = seg->next) {
		memcpy(buf + done, rte_pktmbuf_mtod(seg, const void *),
		       seg->data_len);
		done += seg->data_len;
	}
	assert_int_equal(done, len);
	return len;
}

uint16_t
nh_sum16(const void *buf, size_t len, uint32_t initial)
{
	const uint8_t *p = buf;
	uint64_t sum = initial;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static size_t
ip_hlen(const uint8_t *ip)
{
	return (size_t)(ip[0] & 0xf) * 4;
}

static size_t
ip_total(const uint8_t *ip)
{
	return (size_t)(ip[2] << 8 | ip[3]);
}

bool
nh_ipv4_cksum_ok(const uint8_t *ip)
{
	return nh_sum16(ip, ip_hlen(ip), 0) == 0xffff;
}

uint16_t
nh_pseudo_sum(const uint8_t *ip)
{
	uint8_t ph[12];
	size_t l4_len = ip_total(ip) - ip_hlen(ip);

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	ph[10] = (uint8_t)(l4_len >> 8);
	ph[11] = (uint8_t)l4_len;
	return nh_sum16(ph, sizeof(ph), 0);
}

bool
nh_l4_cksum_ok(const uint8_t *ip)
{
	size_t hlen = ip_hlen(ip);

	return nh_sum16(ip + hlen, ip_total(ip) - hlen, nh_pseudo_sum(ip)) ==
	       0xffff;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
nh_ipv4_fix_cksum(uint8_t *frame)
{
	uint8_t *ip = frame + RTE_ETHER_HDR_LEN;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~nh_sum16(ip, ip_hlen(ip), 0));
}

void
nh_icmp_fix_cksum(uint8_t *frame)
{
	uint8_t *ip = frame + RTE_ETHER_HDR_LEN;
	uint8_t *icmp = ip + ip_hlen(ip);

	put16(icmp + 2, 0);
	put16(icmp + 2, (uint16_t)~nh_sum16(icmp, ip_total(ip) - ip_hlen(ip),
					     0));
}

static void
put_eth(uint8_t *buf, const struct rte_ether_addr *dst,
	const struct rte_ether_addr *src, uint16_t type)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	put16(buf + 12, type);
}

size_t
nh_arp_frame(uint8_t *buf, uint16_t op, const struct rte_ether_addr *eth_dst,
	     const struct rte_ether_addr *sha, rte_be32_t sip,
	     const struct rte_ether_addr *tha, rte_be32_t tip)
{
	uint8_t *a = buf + RTE_ETHER_HDR_LEN;

	put_eth(buf, eth_dst, sha, RTE_ETHER_TYPE_ARP);
	put16(a, 1);
	put16(a + 2, RTE_ETHER_TYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &sip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tip, 4);
	return RTE_ETHER_HDR_LEN + 28;
}

size_t
nh_ipv4_frame(uint8_t *buf, rte_be32_t src, rte_be32_t dst, uint8_t proto,
	      const void *l4, size_t l4_len)
{
	uint8_t *ip = buf + RTE_ETHER_HDR_LEN;

	put_eth(buf, &nh_our_mac, &nh_peer_mac, RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4_len));
	put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	memcpy(ip + 20, l4, l4_len);
	nh_ipv4_fix_cksum(buf);
	return RTE_ETHER_HDR_LEN + 20 + l4_len;
}

uint8_t
nh_pattern(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

size_t
nh_icmp_echo_frame(uint8_t *buf, size_t payload_len, uint16_t id,
		   uint16_t seq)
{
	uint8_t icmp[NH_FRAME_MAX];
	size_t len;

	icmp[0] = RTE_IP_ICMP_ECHO_REQUEST;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (size_t i = 0; i < payload_len; i++)
		icmp[8 + i] = nh_pattern(i);
	len = nh_ipv4_frame(buf, NH_PEER_IP, NH_OUR_IP, IPPROTO_ICMP, icmp,
			    8 + payload_len);
	nh_icmp_fix_cksum(buf);
	return len;
}

static void
put_tcp_header(uint8_t *t, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint32_t ack, uint8_t flags)
{
	memset(t, 0, 20);
	put16(t, sport);
	put16(t + 2, dport);
	put16(t + 4, (uint16_t)(seq >> 16));
	put16(t + 6, (uint16_t)seq);
	put16(t + 8, (uint16_t)(ack >> 16));
	put16(t + 10, (uint16_t)ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
}

size_t
nh_tcp_frame(uint8_t *buf, uint8_t flags, const void *payload,
	     size_t payload_len)
{
	uint8_t seg[NH_FRAME_MAX];
	uint8_t *ip = buf + RTE_ETHER_HDR_LEN;
	size_t len;

	put_tcp_header(seg, 40000, 80, 1000, 0, flags);
	if (payload_len > 0)
		memcpy(seg + 20, payload, payload_len);
	len = nh_ipv4_frame(buf, NH_PEER_IP, NH_OUR_IP, IPPROTO_TCP, seg,
			    20 + payload_len);
	put16(ip + 20 + 16, (uint16_t)~nh_sum16(ip + 20, 20 + payload_len,
						 nh_pseudo_sum(ip)));
	return len;
}

struct rte_mbuf *
nh_tcp_packet(size_t payload_len, uint32_t seq)
{
	uint8_t seg[NH_FRAME_MAX];

	put_tcp_header(seg, 80, 40000, seq, 1, RTE_TCP_ACK_FLAG);
	for (size_t i = 0; i < payload_len; i++)
		seg[20 + i] = nh_pattern(i + seq);
	return nh_mbuf(seg, 20 + payload_len);
}

void
nh_learn(rte_be32_t ip, const struct rte_ether_addr *mac)
{
	uint8_t f[64];
	size_t len = nh_arp_frame(f, RTE_ARP_OP_REQUEST, &nh_bcast_mac, mac,
				  ip, &nh_zero_mac, NH_OUR_IP);
	uint32_t before = nh_env.nsent;

	nh_input(nh_mbuf(f, len));
	assert_int_equal(nh_env.nsent, before + 1);
	rte_pktmbuf_free(nh_env.sent[--nh_env.nsent]);
}
