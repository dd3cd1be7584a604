/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Software steering between the workers of one port (tern_steer.h).
 * The classification reads just enough of a frame to name its flow's
 * owner; everything it cannot name (not TCP, a fragment, an IPv6
 * extension header, a runt) stays with the worker that received it,
 * whose lib/net judges it. Neighbour advertisements are shared as ARP
 * is: a worker whose solicitation was answered on another's queue
 * learns the answer.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "tern_net.h"
#include "tern_owner.h"
#include "tern_steer.h"

struct tern_steer {
	uint16_t nb_workers;
	bool port_hash;
	/* ring[from * nb_workers + to]; NULL on the diagonal */
	struct rte_ring *ring[];
};

enum steer_kind {
	STEER_KEEP,     /* this worker's, or for lib/net to judge */
	STEER_TCP,      /* a TCP segment: goes to its owner */
	STEER_ARP_US,   /* ARP for one of our addresses: shared */
	STEER_ND_NA,    /* a neighbour advertisement: shared, each
			   worker resolves by its own solicitations */
	STEER_IP6,      /* IPv6: classified after the chunk's IPv4 */
};

static struct rte_ring *
steer_ring(const struct tern_steer *st, uint16_t from, uint16_t to)
{
	return st->ring[from * st->nb_workers + to];
}

static struct rte_ring *
steer_ring_make(unsigned int size, int socket)
{
	ssize_t bytes = rte_ring_get_memsize(size);
	struct rte_ring *r;

	if (bytes < 0)
		return NULL;
	r = rte_zmalloc_socket("tern_steer", (size_t)bytes,
			       RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL && socket != SOCKET_ID_ANY)
		r = rte_zmalloc_socket("tern_steer", (size_t)bytes,
				       RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
	if (r == NULL)
		return NULL;
	/* Not registered by name: many groups may live in one process
	 * (the simulator), and nobody looks a ring up. */
	if (rte_ring_init(r, "tern_steer", size,
			  RING_F_SP_ENQ | RING_F_SC_DEQ) != 0) {
		rte_free(r);
		return NULL;
	}
	return r;
}

int
tern_steer_create(const struct tern_steer_conf *conf, struct tern_steer **out)
{
	unsigned int size = conf->ring_size != 0 ? conf->ring_size :
			    TERN_STEER_RING_DEFAULT;
	uint16_t n = conf->nb_workers;
	struct tern_steer *st;

	*out = NULL;
	if (n < 2 || n > TERN_STEER_WORKERS_MAX || !rte_is_power_of_2(size))
		return -EINVAL;
	st = rte_zmalloc_socket("tern_steer", sizeof(*st) +
				sizeof(st->ring[0]) * n * n,
				RTE_CACHE_LINE_SIZE, conf->socket_id);
	if (st == NULL)
		st = rte_zmalloc("tern_steer", sizeof(*st) +
				 sizeof(st->ring[0]) * n * n,
				 RTE_CACHE_LINE_SIZE);
	if (st == NULL)
		return -ENOMEM;
	st->nb_workers = n;
	st->port_hash = conf->port_hash;
	for (uint16_t from = 0; from < n; from++)
		for (uint16_t to = 0; to < n; to++) {
			if (from == to)
				continue;
			st->ring[from * n + to] =
				steer_ring_make(size, conf->socket_id);
			if (st->ring[from * n + to] == NULL) {
				tern_steer_free(st);
				return -ENOMEM;
			}
		}
	*out = st;
	return 0;
}

void
tern_steer_free(struct tern_steer *st)
{
	struct rte_mbuf *m;

	if (st == NULL)
		return;
	for (unsigned int i = 0; i < (unsigned int)st->nb_workers *
					 st->nb_workers; i++) {
		if (st->ring[i] == NULL)
			continue;
		while (rte_ring_dequeue(st->ring[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_free(st->ring[i]);
	}
	rte_free(st);
}

unsigned int
tern_steer_pending(const struct tern_steer *st, uint16_t to)
{
	unsigned int sum = 0;

	for (uint16_t from = 0; from < st->nb_workers; from++)
		if (from != to)
			sum += rte_ring_count(steer_ring(st, from, to));
	return sum;
}

/* Ethernet type and the offset of the L3 header (one VLAN tag). */
static uint16_t
steer_l3(const struct rte_mbuf *m, uint32_t *l3_off)
{
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	uint16_t type;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*vh))
		return 0;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = rte_be_to_cpu_16(eh->ether_type);
	*l3_off = sizeof(*eh);
	if (type == RTE_ETHER_TYPE_VLAN) {
		vh = (const struct rte_vlan_hdr *)(eh + 1);
		type = rte_be_to_cpu_16(vh->eth_proto);
		*l3_off += sizeof(*vh);
	}
	return type;
}

static bool
steer_arp_for_us(const struct tern_ctx *ctx, const struct rte_mbuf *m,
		 uint32_t l3_off)
{
	/* lib/net reads ARP after an untagged header only */
	return l3_off == sizeof(struct rte_ether_hdr) &&
	       tern_arp_frame_shareable(ctx, m);
}

#define STEER_IP6_HLEN 40u
#define STEER_ICMP6_NA 136

/* Whether IPv6 frame @p m (fixed header at @p l3_off) is a neighbour
 * advertisement lib/net reads (right after an untagged header). */
static bool
steer_ip6_is_na(const struct rte_mbuf *m, uint32_t l3_off)
{
	const struct rte_ipv6_hdr *ip;
	const uint8_t *l4;

	if (l3_off != sizeof(struct rte_ether_hdr) ||
	    rte_pktmbuf_data_len(m) < l3_off + STEER_IP6_HLEN + 4)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l3_off);
	l4 = (const uint8_t *)(ip + 1);
	return ip->proto == IPPROTO_ICMPV6 && l4[0] == STEER_ICMP6_NA;
}

/*
 * IPv6: TCP right after the fixed header goes to the owner of its flow
 * by the Toeplitz hash of the full addresses, always computed here (a
 * port may hash IPv6 by its addresses only; lib/tcp keys IPv6 flows by
 * its own hash); an ICMPv6 neighbour advertisement is shared; anything
 * else (extension headers first included) stays for lib/net to judge.
 */
static __rte_noinline enum steer_kind
steer_classify6(const struct tern_ctx *ctx, struct rte_mbuf *m,
		uint32_t l3_off)
{
	const struct rte_ipv6_hdr *ip;
	const uint8_t *l4;
	struct tern_ip6 src, dst;
	rte_be16_t ports[2];

	if (rte_pktmbuf_data_len(m) < l3_off + STEER_IP6_HLEN + 4)
		return STEER_KEEP;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l3_off);
	l4 = (const uint8_t *)(ip + 1);
	if (ip->proto == IPPROTO_ICMPV6)
		return steer_ip6_is_na(m, l3_off) ? STEER_ND_NA : STEER_KEEP;
	if (ip->proto != IPPROTO_TCP)
		return STEER_KEEP;
	memcpy(src.b, ip->src_addr, 16);
	memcpy(dst.b, ip->dst_addr, 16);
	memcpy(ports, l4, 4);
	m->hash.rss = tern_flow_toeplitz6(ctx, &src, &dst, ports[0], ports[1]);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	return STEER_TCP;
}

/*
 * The Toeplitz hash of a TCP segment's flow, into m->hash.rss (flagged,
 * so that lib/tcp takes it as the flow hash rather than hash again).
 */
static enum steer_kind
steer_classify(const struct tern_steer *st, const struct tern_ctx *ctx,
	       struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t l3_off = 0, l4_off;
	uint16_t type = steer_l3(m, &l3_off);

	/* IPv4 first; IPv6 is looked at after the chunk, out of this
	 * loop (steer_rx_ip6()). */
	if (unlikely(type != RTE_ETHER_TYPE_IPV4)) {
		if (type == RTE_ETHER_TYPE_ARP)
			return steer_arp_for_us(ctx, m, l3_off) ?
			       STEER_ARP_US : STEER_KEEP;
		return type == RTE_ETHER_TYPE_IPV6 ? STEER_IP6 : STEER_KEEP;
	}
	if (rte_pktmbuf_data_len(m) < l3_off + sizeof(*ip))
		return STEER_KEEP;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3_off);
	if (ip->next_proto_id != IPPROTO_TCP ||
	    (ip->fragment_offset &
	     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
			      RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return STEER_KEEP;
	l4_off = l3_off + rte_ipv4_hdr_len(ip);
	if (rte_pktmbuf_data_len(m) < l4_off + 4)
		return STEER_KEEP;
	if (!st->port_hash || !(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)) {
		th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
					     l4_off);
		m->hash.rss = tern_flow_toeplitz(ctx, ip->src_addr,
						 ip->dst_addr, th->src_port,
						 th->dst_port);
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	}
	return STEER_TCP;
}

/* @return how many of @p pkts the ring took; the rest is dropped. */
static unsigned int
steer_send(struct tern_ctx *ctx, uint16_t to, struct rte_mbuf **pkts,
	   uint16_t n)
{
	struct rte_ring *r = steer_ring(ctx->steer, ctx->worker_id, to);
	unsigned int done;

	done = rte_ring_sp_enqueue_burst(r, (void **)pkts, n, NULL);
	for (unsigned int i = done; i < n; i++)
		tern_drop(ctx, pkts[i], TERN_STAT_STEER_RING_FULL);
	return done;
}

/* Every other worker gets a copy of @p m, counted under @p stat: ARP
 * and ND are rare, copies cheap. */
static void
steer_share(struct tern_ctx *ctx, const struct rte_mbuf *m,
	    tern_stat_t stat)
{
	const struct tern_steer *st = ctx->steer;
	struct rte_mbuf *copy;

	for (uint16_t to = 0; to < st->nb_workers; to++) {
		if (to == ctx->worker_id)
			continue;
		copy = rte_pktmbuf_copy(m, ctx->pool, 0, UINT32_MAX);
		if (copy == NULL) {
			tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
			continue;
		}
		tern_stat_add(&ctx->stats, stat, steer_send(ctx, to, &copy, 1));
	}
}

/* The IPv6 frames among the @p n kept ones: TCP to its owner (into
 * @p out), advertisements shared; the rest stays, in order. */
static __rte_noinline uint16_t
steer_rx_ip6(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
	     struct rte_mbuf *out[][TERN_RX_BURST], uint16_t *nout)
{
	const struct tern_steer *st = ctx->steer;
	uint16_t kept = 0, owner;
	uint32_t l3_off = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (steer_l3(m, &l3_off) == RTE_ETHER_TYPE_IPV6) {
			switch (steer_classify6(ctx, m, l3_off)) {
			case STEER_TCP:
				owner = tern_flow_owner(&ctx->ifc,
							m->hash.rss);
				if (owner != ctx->worker_id &&
				    owner < st->nb_workers) {
					out[owner][nout[owner]++] = m;
					continue;
				}
				break;
			case STEER_ND_NA:
				steer_share(ctx, m, TERN_STAT_ND_SHARED);
				break;
			default:
				break;
			}
		}
		pkts[kept++] = m;
	}
	return kept;
}

static uint16_t
steer_rx_chunk(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	const struct tern_steer *st = ctx->steer;
	struct rte_mbuf *out[TERN_STEER_WORKERS_MAX][TERN_RX_BURST];
	uint16_t nout[TERN_STEER_WORKERS_MAX] = { 0 };
	uint16_t kept = 0, n6 = 0, owner;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		switch (steer_classify(st, ctx, m)) {
		case STEER_TCP:
			owner = tern_flow_owner(&ctx->ifc, m->hash.rss);
			if (owner != ctx->worker_id && owner < st->nb_workers) {
				out[owner][nout[owner]++] = m;
				continue;
			}
			break;
		case STEER_ARP_US:
			steer_share(ctx, m, TERN_STAT_ARP_SHARED);
			break;
		case STEER_IP6:
			n6++;
			break;
		default:
			break;
		}
		pkts[kept++] = m;
	}
	if (unlikely(n6 > 0))
		kept = steer_rx_ip6(ctx, pkts, kept, out, nout);
	for (uint16_t to = 0; to < st->nb_workers; to++)
		if (nout[to] > 0)
			tern_stat_add(&ctx->stats, TERN_STAT_STEERED_OUT,
				      steer_send(ctx, to, out[to], nout[to]));
	return kept;
}

uint16_t
tern_steer_rx(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t done = 0; done < n;) {
		uint16_t chunk = RTE_MIN((uint16_t)(n - done),
					 (uint16_t)TERN_RX_BURST);
		uint16_t k = steer_rx_chunk(ctx, pkts + done, chunk);

		/* compact: the kept frames of this chunk follow the others */
		memmove(pkts + kept, pkts + done, k * sizeof(*pkts));
		kept = (uint16_t)(kept + k);
		done = (uint16_t)(done + chunk);
	}
	return kept;
}

uint16_t
tern_steer_take(struct tern_ctx *ctx, struct rte_mbuf **pkts, uint16_t max)
{
	const struct tern_steer *st = ctx->steer;
	uint16_t n = 0, kept = 0, steered = 0;

	for (uint16_t from = 0; from < st->nb_workers && n < max; from++) {
		if (from == ctx->worker_id)
			continue;
		n = (uint16_t)(n + rte_ring_sc_dequeue_burst(
				steer_ring(st, from, ctx->worker_id),
				(void **)pkts + n, max - n, NULL));
	}
	for (uint16_t i = 0; i < n; i++) {
		uint32_t l3_off = 0;
		uint16_t type = steer_l3(pkts[i], &l3_off);

		/* Nothing but TCP is steered: ARP and neighbour
		 * advertisements here are shared copies (counted by their
		 * sender as ArpShared and NdShared, not SteeredOut); an
		 * advertisement is input as received. */
		if (type == RTE_ETHER_TYPE_ARP) {
			tern_arp_learn_frame(ctx, pkts[i]);
			continue;
		}
		if (type != RTE_ETHER_TYPE_IPV6 ||
		    !steer_ip6_is_na(pkts[i], l3_off))
			steered++;
		pkts[kept++] = pkts[i];
	}
	tern_stat_add(&ctx->stats, TERN_STAT_STEERED_IN, steered);
	return kept;
}
