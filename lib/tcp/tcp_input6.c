/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP over IPv6 (docs/ipv6.md, "TCP over IPv6"): the same engine, state
 * table and TIME_WAIT records as IPv4. An IPv6 flow keeps the 12-byte
 * key: its local address is 255.255.255.<slot> (our link-local or
 * global address), its foreign address the index of the peer in the
 * intern table tcp->peers6, which every connection and TIME_WAIT record
 * of the peer holds a reference on. What differs from IPv4 lives here:
 * the handles and their references, the flow hash, ISN and cookies over
 * the full addresses, output through tern_ipv6_output() with the
 * connection's flow label, ICMPv6 errors, and the active open.
 */
#include <errno.h>
#include <netinet/in.h>

#include <rte_malloc.h>
#include <rte_thash.h>

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tern_flow_hash.h"
#include "tern_net.h"
#include "tern_owner.h"

/* IPv6 and TCP headers without options. */
#define TCP_IP6_HDRS 60u
/* RFC 8200 5: every IPv6 link carries 1280 bytes. */
#define TCP_IPV6_MIN_MTU 1280u

int
tcp_peers6_setup(struct tern_ctx *ctx, int socket)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	/* Every connection and TIME_WAIT record may have a peer of its
	 * own, and one more is interned while a segment is looked at. */
	uint32_t cap = tcp->conf.max_conns + tcp->conf.max_tw + 1;
	uint32_t nb = tcp_peers6_buckets_for(cap);
	struct tcp_peer6 *e;
	uint32_t *bucket;

	if (tern_ip6_is_unspec(&ctx->ifc.ip6))
		return 0;
	e = rte_zmalloc_socket("tcp_peers6", sizeof(*e) * cap,
			       RTE_CACHE_LINE_SIZE, socket);
	bucket = rte_zmalloc_socket("tcp_peers6b", sizeof(*bucket) * nb,
				    RTE_CACHE_LINE_SIZE, socket);
	if (e == NULL || bucket == NULL) {
		rte_free(e);
		rte_free(bucket);
		return -ENOMEM;
	}
	tcp_peers6_init(&tcp->peers6, e, cap, bucket, ctx->hash_seed);
	tcp->our_mss6 = (uint16_t)RTE_MAX((uint32_t)ctx->ifc.mtu, TCP_IPV6_MIN_MTU) -
			TCP_IP6_HDRS;
	if (tcp->conf.mss != 0 && tcp->conf.mss < tcp->our_mss6)
		tcp->our_mss6 = tcp->conf.mss;
	return 0;
}

void
tcp_peers6_teardown(struct tern_tcp *tcp)
{
	rte_free(tcp->peers6.e);
	rte_free(tcp->peers6.bucket);
	tcp->peers6.e = NULL;
	tcp->peers6.bucket = NULL;
	tcp->peers6.cap = 0;
}

void
tcp_key6_addrs(const struct tern_ctx *ctx, const struct tern_flow_key *key,
	       struct tern_ip6 *laddr, struct tern_ip6 *faddr)
{
	(void)tern_ipv6_addr(ctx, (enum tern_nd_addr_slot)tcp_key6_slot(key),
			     laddr);
	*faddr = *tcp_peers6_addr(&tcp_of(ctx)->peers6, key->faddr);
}

void
tcp_key6_hold(struct tern_tcp *tcp, const struct tern_flow_key *key)
{
	tcp_peers6_hold(&tcp->peers6, key->faddr);
}

void
tcp_key6_put(struct tern_tcp *tcp, const struct tern_flow_key *key)
{
	tcp_peers6_put(&tcp->peers6, key->faddr);
}

uint32_t
tcp_isn_ts_offset_key6(const struct tern_ctx *ctx,
		       const struct tern_flow_key *key, uint32_t *ts_offset)
{
	struct tern_ip6 l, f;

	tcp_key6_addrs(ctx, key, &l, &f);
	return tcp_isn_ts_offset6(&tcp_of(ctx)->isn_secret, &l, &f,
				  key->lport, key->fport, ctx->now_ns,
				  ts_offset);
}

uint32_t
tcp_cookie_make_key6(const struct tern_ctx *ctx,
		     const struct tern_flow_key *key, uint32_t peer_isn,
		     uint16_t peer_mss)
{
	struct tern_ip6 l, f;

	tcp_key6_addrs(ctx, key, &l, &f);
	return tcp_cookie_make6(&tcp_of(ctx)->isn_secret, &l, &f, key->lport,
				key->fport, peer_isn, peer_mss, ctx->now_ns);
}

uint16_t
tcp_cookie_check_key6(const struct tern_ctx *ctx,
		      const struct tern_flow_key *key, uint32_t peer_isn,
		      uint32_t cookie)
{
	struct tern_ip6 l, f;

	tcp_key6_addrs(ctx, key, &l, &f);
	return tcp_cookie_check6(&tcp_of(ctx)->isn_secret, &l, &f,
				 key->lport, key->fport, peer_isn, cookie,
				 ctx->now_ns);
}

/* The table hash of an IPv6 flow: CRC32-C over the full addresses and
 * the ports, seeded. Never the NIC's: a port may hash IPv6 by its
 * addresses only (docs/ipv6.md). */
static __rte_always_inline uint32_t
tcp_flow_hash6(const struct tern_ctx *ctx, const struct tern_ip6 *laddr,
	       const struct tern_ip6 *faddr, rte_be16_t lport,
	       rte_be16_t fport)
{
	uint32_t h = ctx->hash_seed;

	h = tern_crc32c_8byte(laddr->w64[0], h);
	h = tern_crc32c_8byte(laddr->w64[1], h);
	h = tern_crc32c_8byte(faddr->w64[0], h);
	h = tern_crc32c_8byte(faddr->w64[1], h);
	return tern_crc32c_4byte((uint32_t)lport << 16 | fport, h);
}

uint32_t
tcp_flow_hash_key6(const struct tern_ctx *ctx, const struct tern_flow_key *key)
{
	struct tern_ip6 l, f;

	tcp_key6_addrs(ctx, key, &l, &f);
	return tcp_flow_hash6(ctx, &l, &f, key->lport, key->fport);
}

/* Does the worker that owns this IPv6 flow (tern_owner.h) sit here? */
bool
tcp_key6_comes_back(const struct tern_ctx *ctx,
		    const struct tern_flow_key *key)
{
	struct tern_ip6 l, f;

	if (ctx->ifc.reta_size == 0)
		return true;
	tcp_key6_addrs(ctx, key, &l, &f);
	return tern_flow_owner(&ctx->ifc,
			       tern_flow_toeplitz6(ctx, &f, &l, key->fport,
						   key->lport)) ==
	       ctx->worker_id;
}

/* RFC 6437 3: a label per flow from a keyed hash of the tuple, never
 * 0 (which says "no label"). */
uint32_t
tcp_flow_label_key6(const struct tern_ctx *ctx,
		    const struct tern_flow_key *key)
{
	struct tern_ip6 l, f;
	uint32_t off, label;

	tcp_key6_addrs(ctx, key, &l, &f);
	/* The ISN function with the secret's halves swapped: a domain of
	 * its own, and nothing of the ISN or timestamp offset shows. */
	struct tcp_isn_secret s = {
		.k0 = tcp_of(ctx)->isn_secret.k1,
		.k1 = tcp_of(ctx)->isn_secret.k0,
	};
	(void)tcp_isn_ts_offset6(&s, &l, &f, key->lport, key->fport, 0, &off);
	label = off & 0xfffffu;
	return label != 0 ? label : 1;
}

void
tcp_output6(struct tern_ctx *ctx, struct rte_mbuf *m,
	    const struct tern_flow_key *key, uint32_t flow_label)
{
	struct tern_ip6 l, f;

	tcp_key6_addrs(ctx, key, &l, &f);
	if (flow_label == 0)
		flow_label = tcp_flow_label_key6(ctx, key);
	(void)tern_ipv6_output(ctx, m, &l, &f, IPPROTO_TCP, flow_label);
}

/* ---- input ---- */

bool
tcp_cksum6_ok(const struct tern_ctx *ctx, const struct rte_mbuf *m)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
					-(int)m->l3_len);
	uint64_t st = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	struct rte_ipv6_hdr ph;
	uint32_t sum;

	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	/* The pseudo-header carries TCP's length and next header, not the
	 * fixed header's: extension headers may sit between (RFC 8200
	 * 8.1). */
	ph = *ip;
	ph.payload_len = rte_cpu_to_be_16((uint16_t)m->pkt_len);
	ph.proto = IPPROTO_TCP;
	sum = (uint32_t)tern_net_cksum_mbuf(m, 0, m->pkt_len) +
	      rte_ipv6_phdr_cksum(&ph, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Which of our addresses @p dst is: its slot, or -1 (a group). The
 * global address first: a server's connections are addressed to it,
 * and the link-local one would be tested in vain for each segment. */
static int
tcp_dst_slot(const struct tern_ctx *ctx, const struct tern_ip6 *dst)
{
	struct tern_ip6 a;

	for (int s = TERN_ND_ADDR_MAX - 1; s >= 0; s--)
		if (tern_ipv6_addr(ctx, (enum tern_nd_addr_slot)s, &a) ==
			    TERN_ND_ADDR_PREFERRED &&
		    tern_ip6_eq(&a, dst))
			return s;
	return -1;
}

/*
 * The addresses of the key of IPv6 segment @p m (the ports are in
 * @p seg already) and its hash: the source interned, without a
 * reference (the caller holds one while the segment is processed).
 */
tern_stat_t
tcp_key6_from_ip(struct tern_ctx *ctx, const struct rte_mbuf *m,
		 struct tcp_seg *seg)
{
	/* Back from the TCP header by the unsigned l3_len, not by
	 * mtod_offset()'s negated int (callgrind). */
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)
		(rte_pktmbuf_mtod(m, const uint8_t *) - m->l3_len);
	struct tern_ip6 src, dst;
	uint32_t peer;
	int slot;

	memcpy(src.b, ip->src_addr, 16);
	memcpy(dst.b, ip->dst_addr, 16);
	slot = tcp_dst_slot(ctx, &dst);
	if (slot < 0)
		return TERN_STAT_TCP_IN6_NOT_UNICAST;
	peer = tcp_peers6_intern(&tcp_of(ctx)->peers6, &src);
	if (peer == TCP_PEER6_NONE)
		return TERN_STAT_TCP_IN6_PEERS_FULL;
	seg->key.laddr = tcp_key6_laddr((unsigned int)slot);
	seg->key.faddr = peer;
	seg->hash = tcp_flow_hash6(ctx, &dst, &src, seg->key.lport,
				   seg->key.fport);
	return TERN_STAT_MAX;
}

/* ---- ICMPv6 errors (RFC 4443) about our segments ---- */

/*
 * RFC 8201 4: a Packet Too Big below 1280 is not acted on below 1280
 * (no fragment headers are sent instead). The MSS follows the MTU less
 * the IPv6 and TCP headers and the timestamp option.
 */
void
tcp_pmtu6_input(struct tern_ctx *ctx, struct tern_conn *c, uint32_t mtu)
{
	uint32_t opts = (c->flags & CF_TS_OK) ? 12u : 0u;
	uint32_t mss;

	mtu = RTE_MAX(mtu, TCP_IPV6_MIN_MTU);
	mss = mtu - TCP_IP6_HDRS - opts;
	if (mss >= c->mss) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PMTU_IGNORED);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PMTU_LOWERED);
	c->pmtu = (uint16_t)RTE_MIN(mtu, (uint32_t)UINT16_MAX);
	c->mss = (uint16_t)mss;
	tcp_cc_set_mss(&c->cc, c->mss);
	tcp_recovery_on_pmtu(ctx, c);
}

/* The connection an ICMPv6 error quotes, or NULL. */
struct tern_conn *
tcp_icmp6_lookup(struct tern_ctx *ctx, const struct tern_icmp_err *e)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_flow_key key;
	uint32_t peer = tcp_peers6_find(&tcp->peers6, &e->dst6);
	int slot = tcp_dst_slot(ctx, &e->src6);

	if (peer == TCP_PEER6_NONE || slot < 0)
		return NULL;
	key = (struct tern_flow_key){
		.laddr = tcp_key6_laddr((unsigned int)slot),
		.faddr = peer,
		.lport = e->sport,
		.fport = e->dport,
	};
	return (struct tern_conn *)tern_ctable_lookup(&tcp->conns, &key,
		tcp_flow_hash6(ctx, &e->src6, &e->dst6, e->sport, e->dport));
}

/* ---- the active open ---- */

int
tern_tcp_connect6(struct tern_ctx *ctx, const struct tern_ip6 *daddr,
		  uint16_t dport, const struct tern_tcp_ops *ops, void *user,
		  struct tern_conn **out)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_flow_key key = { .fport = rte_cpu_to_be_16(dport) };
	enum tern_nd_addr_slot slot = TERN_ND_ADDR_GLOBAL;
	uint32_t hash, iss_floor = 0, peer;
	struct tern_ip6 src;
	struct tern_conn *c;
	int rc;

	if (tcp->peers6.cap == 0)
		return -EAFNOSUPPORT;
	/* RFC 9293 MUST-46: no SYN to a group, ::, loopback or ourselves. */
	if (dport == 0 || ops == NULL || out == NULL ||
	    tern_ip6_is_unspec(daddr) || tern_ip6_is_multicast(daddr) ||
	    tern_ip6_is_loopback(daddr) || tcp_dst_slot(ctx, daddr) >= 0)
		return -EINVAL;
	if (tern_ip6_is_linklocal(daddr))
		slot = TERN_ND_ADDR_LL;
	else if (!tern_ip6_prefix_eq(daddr, &ctx->ifc.ip6,
				     ctx->ifc.ip6_prefix_len) &&
		 tern_ip6_is_unspec(&ctx->ifc.gw6))
		return -ENETUNREACH;
	/* A tentative source will do (the SYN is dropped as Ip6OutNoRoutes
	 * until DAD ends, and resent after the RTO); a duplicate will not. */
	switch (tern_ipv6_addr(ctx, slot, &src)) {
	case TERN_ND_ADDR_PREFERRED:
	case TERN_ND_ADDR_TENTATIVE:
		break;
	default:
		return -EADDRNOTAVAIL;
	}
	peer = tcp_peers6_intern(&tcp->peers6, daddr);
	if (peer == TCP_PEER6_NONE)
		return -ENOMEM;
	key.laddr = tcp_key6_laddr(slot);
	key.faddr = peer;
	/* Held while the port is picked: a TIME_WAIT record taken over
	 * lets its reference go. */
	tcp_peers6_hold(&tcp->peers6, peer);
	rc = tcp_pick_port6(ctx, &key, &hash, &iss_floor);
	c = rc == 0 ? tcp_conn_alloc(ctx, &key, hash, TERN_TCP_CLOSED) :
		      NULL;
	if (rc == 0 && c == NULL) {
		if (iss_floor != 0)
			tcp_port_freed(tcp, &key);
		rc = -ENOMEM;
	}
	tcp_peers6_put(&tcp->peers6, peer);
	if (c == NULL)
		return rc;
	tcp_connect_start(ctx, c, ops, user, iss_floor, out);
	return 0;
}
