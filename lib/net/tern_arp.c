/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for IPv4 over Ethernet: the per-lcore neighbour cache,
 * answers for our address, resolution with a bounded queue of parked
 * packets, retries, refresh of stale entries, gratuitous announcements.
 * The life of an entry is described in tern_arp.h.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_common.h>
#include <rte_ether.h>

#include "net_priv.h"
#include "tern_net.h"

/* Knuth's multiplicative hash: neighbours usually differ only in the low
 * bits of their address, which this spreads over the whole bucket index. */
#define ARP_HASH_MULT 2654435761u

static const struct rte_ether_addr arp_zero_mac;
static const struct rte_ether_addr arp_bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};

static uint32_t
arp_bucket(rte_be32_t ip)
{
	return (rte_be_to_cpu_32(ip) * ARP_HASH_MULT) >>
	       (32 - rte_log2_u32(TERN_ARP_ENTRIES));
}

/* The place of @p ip's entry, or TERN_ARP_NIL. */
static uint8_t
arp_find(const struct tern_arp_table *tbl, rte_be32_t ip)
{
	uint8_t i;

	for (i = tbl->bucket[arp_bucket(ip)]; i != TERN_ARP_NIL;
	     i = tbl->e[i].next)
		if (tbl->e[i].ip == ip)
			return i;
	return TERN_ARP_NIL;
}

static struct tern_arp_entry *
arp_lookup(struct tern_arp_table *tbl, rte_be32_t ip)
{
	uint8_t i = arp_find(tbl, ip);

	return i != TERN_ARP_NIL ? &tbl->e[i] : NULL;
}

const struct tern_arp_entry *
net_arp_fresh(const struct tern_ctx *ctx, rte_be32_t nexthop)
{
	const struct tern_arp_table *tbl = ctx->arp;
	uint8_t i = arp_find(tbl, nexthop);

	if (i == TERN_ARP_NIL || tbl->e[i].state != TERN_ARP_RESOLVED ||
	    ctx->now_ns - tbl->e[i].confirmed_ns >= tbl->timeout_ns)
		return NULL;
	return &tbl->e[i];
}

static void
arp_table_reset(struct tern_arp_table *tbl)
{
	unsigned int i;

	memset(tbl->e, 0, sizeof(tbl->e));
	memset(tbl->bucket, TERN_ARP_NIL, sizeof(tbl->bucket));
	for (i = 0; i < TERN_ARP_ENTRIES; i++)
		tbl->e[i].next = (uint8_t)(i + 1 < TERN_ARP_ENTRIES ?
					   i + 1 : TERN_ARP_NIL);
	tbl->free_head = 0;
	tbl->nincomplete = 0;
	tbl->next_retry_ns = UINT64_MAX;
	tbl->gen++;
}

/* Unlink @p e from its hash chain and return it to the free list. Its
 * parked packets must be gone already. */
static void
arp_entry_free(struct tern_arp_table *tbl, struct tern_arp_entry *e)
{
	uint8_t idx = (uint8_t)(e - tbl->e);
	uint8_t *link = &tbl->bucket[arp_bucket(e->ip)];

	while (*link != idx)
		link = &tbl->e[*link].next;
	*link = e->next;
	if (e->state == TERN_ARP_INCOMPLETE)
		tbl->nincomplete--;
	memset(e, 0, sizeof(*e));
	e->next = tbl->free_head;
	tbl->free_head = idx;
	tbl->gen++;             /* e[idx] may hold another address next */
}

/* The resolved entry confirmed longest ago, or NULL when every entry is
 * resolving (those hold packets and are never evicted). */
static struct tern_arp_entry *
arp_oldest_resolved(struct tern_arp_table *tbl)
{
	struct tern_arp_entry *oldest = NULL;
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		struct tern_arp_entry *e = &tbl->e[i];

		if (e->state == TERN_ARP_RESOLVED &&
		    (oldest == NULL || e->confirmed_ns < oldest->confirmed_ns))
			oldest = e;
	}
	return oldest;
}

/* A fresh entry for @p ip, linked into its chain, state FREE for the
 * caller to set; NULL when the table is full of INCOMPLETE entries. */
static struct tern_arp_entry *
arp_entry_alloc(struct tern_ctx *ctx, rte_be32_t ip)
{
	struct tern_arp_table *tbl = ctx->arp;
	struct tern_arp_entry *e;
	uint32_t b;
	uint8_t idx;

	if (tbl->free_head == TERN_ARP_NIL) {
		e = arp_oldest_resolved(tbl);
		if (e == NULL)
			return NULL;
		tern_stat_inc(&ctx->stats, TERN_STAT_ARP_EVICTIONS);
		arp_entry_free(tbl, e);
	}
	idx = tbl->free_head;
	e = &tbl->e[idx];
	tbl->free_head = e->next;
	b = arp_bucket(ip);
	e->ip = ip;
	e->next = tbl->bucket[b];
	tbl->bucket[b] = idx;
	return e;
}

/* An ARP frame from our address @p sip, zero-padded to the minimum
 * Ethernet size. */
static struct rte_mbuf *
arp_build(struct tern_ctx *ctx, uint16_t op,
	  const struct rte_ether_addr *eth_dst,
	  const struct rte_ether_addr *tha, rte_be32_t sip, rte_be32_t tip)
{
	struct rte_mbuf *m = tern_mbuf_alloc(ctx);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;

	if (m == NULL)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, NET_ETH_FRAME_MIN);
	if (eh == NULL) {
		/* A pool whose buffers cannot hold 60 bytes. */
		tern_drop(ctx, m, TERN_STAT_MBUF_ALLOC_FAIL);
		return NULL;
	}
	memset(eh, 0, NET_ETH_FRAME_MIN);
	rte_ether_addr_copy(eth_dst, &eh->dst_addr);
	rte_ether_addr_copy(&ctx->ifc.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);

	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(rte_be32_t);
	ah->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&ctx->ifc.mac, &ah->arp_data.arp_sha);
	ah->arp_data.arp_sip = sip;
	rte_ether_addr_copy(tha, &ah->arp_data.arp_tha);
	ah->arp_data.arp_tip = tip;
	return m;
}

/* Ask for e->ip: broadcast while INCOMPLETE, unicast to the known MAC
 * when refreshing a stale entry (as Linux's unicast probes). The attempt
 * counts even when no mbuf could be had, so retries stay bounded. */
static void
arp_request(struct tern_ctx *ctx, struct tern_arp_entry *e)
{
	const struct rte_ether_addr *eth_dst = &e->mac;
	const struct rte_ether_addr *tha = &e->mac;
	struct rte_mbuf *m;

	if (e->state == TERN_ARP_INCOMPLETE) {
		eth_dst = &arp_bcast_mac;
		tha = &arp_zero_mac;
	}
	e->requests++;
	e->request_ns = ctx->now_ns;
	m = arp_build(ctx, RTE_ARP_OP_REQUEST, eth_dst, tha, ctx->ifc.ip,
		      e->ip);
	if (m == NULL)
		return;
	tern_stat_inc(&ctx->stats, TERN_STAT_ARP_REQUESTS_SENT);
	tern_ctx_tx(ctx, m);
}

static void
arp_xmit(struct tern_ctx *ctx, const struct tern_arp_entry *e,
	 struct rte_mbuf *m)
{
	net_arp_xmit(ctx, e, m);
}

/* @p mac answered for e->ip: (re)validate the entry and send what waited
 * for it, oldest first. */
static void
arp_confirm(struct tern_ctx *ctx, struct tern_arp_entry *e,
	    const struct rte_ether_addr *mac)
{
	uint16_t i;

	if (e->state == TERN_ARP_INCOMPLETE)
		ctx->arp->nincomplete--;
	rte_ether_addr_copy(mac, &e->mac);
	e->state = TERN_ARP_RESOLVED;
	e->confirmed_ns = ctx->now_ns;
	e->requests = 0;
	for (i = 0; i < e->npending; i++) {
		arp_xmit(ctx, e, e->pending[i]);
		e->pending[i] = NULL;
	}
	e->npending = 0;
}

/* Drop what @p e holds under @p reason and free the entry. */
static void
arp_entry_drop(struct tern_ctx *ctx, struct tern_arp_entry *e,
	       tern_stat_t reason)
{
	uint16_t i;

	for (i = 0; i < e->npending; i++)
		tern_drop(ctx, e->pending[i], reason);
	e->npending = 0;
	arp_entry_free(ctx->arp, e);
}

/*
 * RFC 826 "merge": a sender we know is refreshed whatever the target.
 * A new entry is made only for a sender that asks for us, since we are
 * about to talk to it; an unsolicited reply creates nothing (as Linux
 * with arp_accept=0), so nobody fills the cache by spraying replies.
 */
static void
arp_learn(struct tern_ctx *ctx, const struct net_arp_repr *r, bool for_us)
{
	struct tern_arp_entry *e;

	if (r->sip == 0)
		return;
	e = arp_lookup(ctx->arp, r->sip);
	if (e == NULL) {
		if (!for_us || r->op != RTE_ARP_OP_REQUEST)
			return;
		e = arp_entry_alloc(ctx, r->sip);
		if (e == NULL) {
			tern_stat_inc(&ctx->stats, TERN_STAT_ARP_LEARN_SKIPPED);
			return;
		}
	}
	arp_confirm(ctx, e, &r->sha);
}

void
net_arp_input(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *,
						 NET_ETH_HLEN);
	struct net_arp_repr r;
	tern_stat_t verdict;
	struct rte_mbuf *reply;
	bool for_us;

	verdict = net_arp_parse(l3, rte_pktmbuf_data_len(m) - NET_ETH_HLEN,
				rte_pktmbuf_pkt_len(m) - NET_ETH_HLEN,
				&ctx->ifc, &r);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_ARP_IN);
	for_us = tern_ifc_is_ours(&ctx->ifc, r.tip);
	arp_learn(ctx, &r, for_us);
	if (!for_us) {
		tern_drop(ctx, m, TERN_STAT_ARP_DROP_NOT_FOR_US);
		return;
	}
	rte_pktmbuf_free(m);
	if (r.op != RTE_ARP_OP_REQUEST)
		return;
	/* From the address asked for: one of ours, maybe an extra one. */
	reply = arp_build(ctx, RTE_ARP_OP_REPLY, &r.sha, &r.sha, r.tip, r.sip);
	if (reply == NULL)
		return;
	tern_stat_inc(&ctx->stats, TERN_STAT_ARP_REPLIES_SENT);
	tern_ctx_tx(ctx, reply);
}

bool
tern_arp_frame_shareable(const struct tern_ctx *ctx, const struct rte_mbuf *m)
{
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *,
						 NET_ETH_HLEN);
	struct net_arp_repr r;

	if (rte_pktmbuf_data_len(m) < NET_ETH_HLEN)
		return false;
	return net_arp_parse(l3, rte_pktmbuf_data_len(m) - NET_ETH_HLEN,
			     rte_pktmbuf_pkt_len(m) - NET_ETH_HLEN, &ctx->ifc,
			     &r) == NET_ACCEPT &&
	       tern_ifc_is_ours(&ctx->ifc, r.tip);
}

/*
 * An ARP frame for us that another worker of the port received (and
 * answered if it asked): learn from it by the same rule, answer
 * nothing. A resolution is then usable by every worker, and frames one
 * worker parked for it leave when the reply reaches another.
 */
void
tern_arp_learn_frame(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *,
						 NET_ETH_HLEN);
	struct net_arp_repr r;
	tern_stat_t verdict;

	verdict = net_arp_parse(l3, rte_pktmbuf_data_len(m) - NET_ETH_HLEN,
				rte_pktmbuf_pkt_len(m) - NET_ETH_HLEN,
				&ctx->ifc, &r);
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_ARP_LEARNED_SHARED);
	arp_learn(ctx, &r, tern_ifc_is_ours(&ctx->ifc, r.tip));
	rte_pktmbuf_free(m);
}

static void
arp_schedule_retry(struct tern_arp_table *tbl, uint64_t deadline_ns)
{
	if (tbl->nincomplete == 1 || deadline_ns < tbl->next_retry_ns)
		tbl->next_retry_ns = deadline_ns;
}

static int
arp_park(struct tern_ctx *ctx, struct tern_arp_entry *e, struct rte_mbuf *m)
{
	if (e->npending == TERN_ARP_PENDING_MAX) {
		tern_drop(ctx, m, TERN_STAT_ARP_PENDING_OVERFLOW);
		return -ENOBUFS;
	}
	e->pending[e->npending++] = m;
	return 0;
}

/* A stale entry is used while being re-confirmed; false once the
 * neighbour has let every refresh request go unanswered. */
static bool
arp_refresh(struct tern_ctx *ctx, struct tern_arp_entry *e)
{
	const struct tern_arp_table *tbl = ctx->arp;

	if (e->requests != 0 && ctx->now_ns - e->request_ns < tbl->retry_ns)
		return true;
	if (e->requests > tbl->retries_max)
		return false;
	arp_request(ctx, e);
	return true;
}

static int
arp_resolve_new(struct tern_ctx *ctx, struct rte_mbuf *m, rte_be32_t nexthop)
{
	struct tern_arp_entry *e = arp_entry_alloc(ctx, nexthop);

	if (e == NULL) {
		tern_drop(ctx, m, TERN_STAT_ARP_TABLE_FULL);
		return -ENOBUFS;
	}
	e->state = TERN_ARP_INCOMPLETE;
	ctx->arp->nincomplete++;
	e->pending[e->npending++] = m;
	arp_request(ctx, e);
	arp_schedule_retry(ctx->arp, e->request_ns + ctx->arp->retry_ns);
	return 0;
}

/* Output to @p dst goes through fresh entry @p e until gen changes. */
static void
arp_remember(struct tern_arp_table *tbl, const struct tern_arp_entry *e,
	     rte_be32_t dst)
{
	tbl->last.dst = dst;
	tbl->last.gen = tbl->gen;
	tbl->last.idx = (uint8_t)(e - tbl->e);
}

int
net_neigh_output(struct tern_ctx *ctx, struct rte_mbuf *m,
		 rte_be32_t nexthop, rte_be32_t dst)
{
	struct tern_arp_table *tbl = ctx->arp;
	struct tern_arp_entry *e = arp_lookup(tbl, nexthop);

	if (e == NULL)
		return arp_resolve_new(ctx, m, nexthop);
	if (e->state == TERN_ARP_INCOMPLETE)
		return arp_park(ctx, e, m);
	if (ctx->now_ns - e->confirmed_ns < tbl->timeout_ns) {
		arp_remember(tbl, e, dst);
	} else if (!arp_refresh(ctx, e)) {
		arp_entry_free(tbl, e);
		return arp_resolve_new(ctx, m, nexthop);
	}
	arp_xmit(ctx, e, m);
	return 0;
}

/* Repeat the requests that are due; give up on entries whose last
 * request went unanswered for retry_ns. */
static void
arp_retry_due(struct tern_ctx *ctx)
{
	struct tern_arp_table *tbl = ctx->arp;
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		struct tern_arp_entry *e = &tbl->e[i];

		if (e->state != TERN_ARP_INCOMPLETE)
			continue;
		if (ctx->now_ns - e->request_ns >= tbl->retry_ns) {
			if (e->requests > tbl->retries_max) {
				const uint8_t *a = (const uint8_t *)&e->ip;

				TERN_DP_LOG(ctx, tern_logtype_arp, NOTICE,
					    "tern.arp: %u.%u.%u.%u does not "
					    "answer: %u packets dropped", a[0],
					    a[1], a[2], a[3], e->npending);
				arp_entry_drop(ctx, e,
					       TERN_STAT_ARP_RESOLVE_FAILED);
				continue;
			}
			arp_request(ctx, e);
		}
		next = RTE_MIN(next, e->request_ns + tbl->retry_ns);
	}
	tbl->next_retry_ns = next;
}

/* Reclaim resolved entries nobody has used (or could re-confirm) for a
 * whole refresh cycle past their timeout. */
static void
arp_sweep(struct tern_ctx *ctx)
{
	struct tern_arp_table *tbl = ctx->arp;
	uint64_t max_age_ns = tbl->timeout_ns +
			      (tbl->retries_max + 2ull) * tbl->retry_ns;
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		struct tern_arp_entry *e = &tbl->e[i];

		if (e->state == TERN_ARP_RESOLVED &&
		    ctx->now_ns - e->confirmed_ns >= max_age_ns)
			arp_entry_free(tbl, e);
	}
	tbl->next_sweep_ns = ctx->now_ns + tbl->timeout_ns;
}

void
net_arp_init(struct tern_ctx *ctx)
{
	struct tern_arp_table *tbl = ctx->arp;

	arp_table_reset(tbl);
	tbl->retry_ns = TERN_ARP_RETRY_NS_DEFAULT;
	tbl->retries_max = TERN_ARP_RETRIES_DEFAULT;
	tbl->timeout_ns = TERN_ARP_TIMEOUT_NS_DEFAULT;
	tbl->next_sweep_ns = ctx->now_ns + tbl->timeout_ns;
}

void
net_arp_fini(struct tern_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < TERN_ARP_ENTRIES; i++) {
		struct tern_arp_entry *e = &ctx->arp->e[i];
		uint16_t j;

		for (j = 0; j < e->npending; j++)
			tern_drop(ctx, e->pending[j],
				  TERN_STAT_ARP_PENDING_FLUSHED);
		e->npending = 0;
	}
	arp_table_reset(ctx->arp);
}

void
tern_net_poll(struct tern_ctx *ctx)
{
	struct tern_arp_table *tbl = ctx->arp;

	if (tbl->nincomplete != 0 && ctx->now_ns >= tbl->next_retry_ns)
		arp_retry_due(ctx);
	if (ctx->now_ns >= tbl->next_sweep_ns) {
		arp_sweep(ctx);
		/* ND's timers (IPv6) wake this loop through next_sweep_ns
		 * too, so a loop with nothing due pays no ND test; a sweep
		 * made early reclaims nothing it should not. */
		if (ctx->now_ns >= ctx->nd->next_due_ns)
			net_nd_poll(ctx);
		tbl->next_sweep_ns = RTE_MIN(tbl->next_sweep_ns,
					     ctx->nd->next_due_ns);
	}
}

uint64_t
tern_net_next_deadline_ns(const struct tern_ctx *ctx)
{
	uint64_t arp = ctx->arp->nincomplete == 0 ? UINT64_MAX :
		       ctx->arp->next_retry_ns;

	return RTE_MIN(arp, ctx->nd->next_due_ns);
}

void
tern_arp_announce(struct tern_ctx *ctx)
{
	struct rte_mbuf *m;

	if (ctx->ifc.ip == 0)
		return;
	/* RFC 5227 2.3: a request with sender and target both our address. */
	m = arp_build(ctx, RTE_ARP_OP_REQUEST, &arp_bcast_mac, &arp_zero_mac,
		      ctx->ifc.ip, ctx->ifc.ip);
	if (m == NULL)
		return;
	tern_stat_inc(&ctx->stats, TERN_STAT_ARP_ANNOUNCES_SENT);
	tern_ctx_tx(ctx, m);
}
