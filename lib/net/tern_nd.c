/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 Neighbour Discovery (RFC 4861) and Duplicate Address Detection
 * (RFC 4862) for one lcore: the neighbour cache (states and timers in
 * tern_nd.h), answers to solicitations for our addresses, resolution
 * with parked packets, and DAD of the link-local and global address
 * before either is used. Router and redirect messages are not acted on:
 * the default router is configured (--gw6).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "net_priv.h"
#include "tern_net.h"

#define ND_HASH_MULT 2654435761u   /* Knuth's, as the ARP cache */
#define ND_TYPE_NS 135
#define ND_TYPE_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_NA_FLAG_S 0x40
#define ND_NA_FLAG_O 0x20
/* RFC 4862 5.1 DupAddrDetectTransmits: one solicitation, then
 * RetransTimer (the cache's retry_ns) of silence. */
#define ND_DAD_TRANSMITS 1

/* ff02::1, all nodes (RFC 4291 2.7.1) */
static const struct tern_ip6 nd_all_nodes = {
	.b = { 0xff, 0x02, [15] = 0x01 },
};

static const struct tern_ip6 nd_unspec;

/* RFC 4861's names, indexed by enum tern_nd_state */
static const char *const nd_state_names[] = {
	[TERN_ND_FREE] = "FREE",
	[TERN_ND_INCOMPLETE] = "INCOMPLETE",
	[TERN_ND_REACHABLE] = "REACHABLE",
	[TERN_ND_STALE] = "STALE",
	[TERN_ND_DELAY] = "DELAY",
	[TERN_ND_PROBE] = "PROBE",
};

const char *
tern_nd_state_name(unsigned int state)
{
	return state < RTE_DIM(nd_state_names) ? nd_state_names[state] : "?";
}

static uint32_t
nd_bucket(const struct tern_ip6 *ip)
{
	uint32_t low = rte_be_to_cpu_32(ip->w32[3]) ^
		       rte_be_to_cpu_32(ip->w32[2]);

	return (low * ND_HASH_MULT) >> (32 - rte_log2_u32(TERN_ND_ENTRIES));
}

/* The place of @p ip's entry, or TERN_ND_NIL. */
static uint8_t
nd_find(const struct tern_nd_table *tbl, const struct tern_ip6 *ip)
{
	uint8_t i;

	for (i = tbl->bucket[nd_bucket(ip)]; i != TERN_ND_NIL;
	     i = tbl->e[i].next)
		if (tern_ip6_eq(&tbl->e[i].ip, ip))
			return i;
	return TERN_ND_NIL;
}

static struct tern_nd_entry *
nd_lookup(struct tern_nd_table *tbl, const struct tern_ip6 *ip)
{
	uint8_t i = nd_find(tbl, ip);

	return i != TERN_ND_NIL ? &tbl->e[i] : NULL;
}

const struct tern_nd_entry *
net_nd_sendable(const struct tern_ctx *ctx, const struct tern_ip6 *nexthop)
{
	const struct tern_nd_table *tbl = ctx->nd;
	uint8_t i = nd_find(tbl, nexthop);

	if (i == TERN_ND_NIL || !tern_nd_entry_sendable(ctx, &tbl->e[i]))
		return NULL;
	return &tbl->e[i];
}

static bool
nd_state_is_timed(uint8_t state)
{
	return state == TERN_ND_INCOMPLETE || state == TERN_ND_DELAY ||
	       state == TERN_ND_PROBE;
}

/* Bring ARP's next housekeeping forward to ND's next timer: that is
 * when tern_net_poll() looks at ND (tern_arp.c). */
static void
nd_wake_poll(struct tern_ctx *ctx)
{
	if (ctx->nd->next_due_ns < ctx->arp->next_sweep_ns)
		ctx->arp->next_sweep_ns = ctx->nd->next_due_ns;
}

/* (Re)arm the timer of @p e, which is in a timed state. */
static void
nd_arm(struct tern_nd_table *tbl, struct tern_nd_entry *e, uint64_t due_ns)
{
	e->due_ns = due_ns;
	if (due_ns < tbl->next_due_ns)
		tbl->next_due_ns = due_ns;
}

/* Move @p e to @p state (probes restart); a timed state fires at
 * @p due_ns. */
static void
nd_set_state(struct tern_nd_table *tbl, struct tern_nd_entry *e,
	     uint8_t state, uint64_t due_ns)
{
	bool was_timed = nd_state_is_timed(e->state);
	bool timed = nd_state_is_timed(state);

	tbl->ntimed = tbl->ntimed + (uint32_t)timed - (uint32_t)was_timed;
	e->state = state;
	e->probes = 0;
	if (timed)
		nd_arm(tbl, e, due_ns);
}

static void
nd_table_reset(struct tern_nd_table *tbl)
{
	unsigned int i;

	memset(tbl->e, 0, sizeof(tbl->e));
	memset(tbl->bucket, TERN_ND_NIL, sizeof(tbl->bucket));
	for (i = 0; i < TERN_ND_ENTRIES; i++)
		tbl->e[i].next = (uint8_t)(i + 1 < TERN_ND_ENTRIES ?
					   i + 1 : TERN_ND_NIL);
	tbl->free_head = 0;
	tbl->ntimed = 0;
	tbl->next_due_ns = UINT64_MAX;
	tbl->gen++;
}

/* Unlink @p e and return it to the free list; its packets are gone. */
static void
nd_entry_free(struct tern_nd_table *tbl, struct tern_nd_entry *e)
{
	uint8_t idx = (uint8_t)(e - tbl->e);
	uint8_t *link = &tbl->bucket[nd_bucket(&e->ip)];

	while (*link != idx)
		link = &tbl->e[*link].next;
	*link = e->next;
	if (nd_state_is_timed(e->state))
		tbl->ntimed--;
	memset(e, 0, sizeof(*e));
	e->next = tbl->free_head;
	tbl->free_head = idx;
	tbl->gen++;             /* e[idx] may hold another address next */
}

/* The entry confirmed longest ago among those holding no packets. */
static struct tern_nd_entry *
nd_oldest_resolved(struct tern_nd_table *tbl)
{
	struct tern_nd_entry *oldest = NULL;
	unsigned int i;

	for (i = 0; i < TERN_ND_ENTRIES; i++) {
		struct tern_nd_entry *e = &tbl->e[i];

		if (e->state != TERN_ND_FREE &&
		    e->state != TERN_ND_INCOMPLETE &&
		    (oldest == NULL || e->confirmed_ns < oldest->confirmed_ns))
			oldest = e;
	}
	return oldest;
}

/* A fresh FREE entry for @p ip linked into its chain; NULL when every
 * entry is resolving. */
static struct tern_nd_entry *
nd_entry_alloc(struct tern_ctx *ctx, const struct tern_ip6 *ip)
{
	struct tern_nd_table *tbl = ctx->nd;
	struct tern_nd_entry *e;
	uint32_t b;
	uint8_t idx;

	if (tbl->free_head == TERN_ND_NIL) {
		e = nd_oldest_resolved(tbl);
		if (e == NULL)
			return NULL;
		tern_stat_inc(&ctx->stats, TERN_STAT_ND_EVICTIONS);
		nd_entry_free(tbl, e);
	}
	idx = tbl->free_head;
	e = &tbl->e[idx];
	tbl->free_head = e->next;
	b = nd_bucket(ip);
	e->ip = *ip;
	e->next = tbl->bucket[b];
	tbl->bucket[b] = idx;
	return e;
}

/*
 * An NS or NA of @p body_len bytes (24, plus 8 with a link-layer address
 * option of type @p opt) in a frame to @p eth_dst, hop limit 255.
 */
static void
nd_send(struct tern_ctx *ctx, uint8_t type, uint8_t flags,
	const struct tern_ip6 *src, const struct tern_ip6 *dst,
	const struct rte_ether_addr *eth_dst, const struct tern_ip6 *target,
	uint8_t opt)
{
	uint16_t body_len = (uint16_t)(NET_ND_NS_LEN + (opt != 0 ? 8 : 0));
	struct rte_mbuf *m = tern_mbuf_alloc(ctx);
	struct rte_ether_hdr *eh;
	uint8_t *p;

	if (m == NULL)
		return;
	p = (uint8_t *)rte_pktmbuf_append(m, body_len);
	if (p == NULL) {
		tern_drop(ctx, m, TERN_STAT_MBUF_ALLOC_FAIL);
		return;
	}
	memset(p, 0, body_len);
	p[0] = type;
	p[4] = flags;
	memcpy(p + 8, target->b, 16);
	if (opt != 0) {
		p[24] = opt;
		p[25] = 1;
		memcpy(p + 26, ctx->ifc.mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	}
	if (net_ipv6_prepend(ctx, m, src, dst, IPPROTO_ICMPV6,
			     NET_ND_HOP_LIMIT, 0) != 0)
		return;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(eth_dst, &eh->dst_addr);
	tern_stat_inc(&ctx->stats, type == ND_TYPE_NS ?
		      TERN_STAT_ND_OUT_SOLICITS : TERN_STAT_ND_OUT_ADVERTS);
	tern_ctx_tx(ctx, m);
}

/* Solicit e->ip: to its solicited-node group while INCOMPLETE, unicast
 * to the known MAC in PROBE (RFC 4861 7.2.2, 7.3.3). The attempt counts
 * even when it could not be sent, so the retries stay bounded. */
static void
nd_solicit(struct tern_ctx *ctx, struct tern_nd_entry *e)
{
	const struct tern_ip6 *src = net_ip6_source_for(ctx, &e->ip);
	struct rte_ether_addr mac = e->mac;
	struct tern_ip6 dst = e->ip;

	e->probes++;
	nd_arm(ctx->nd, e, ctx->now_ns + ctx->arp->retry_ns);
	if (src == NULL)
		return;
	if (e->state == TERN_ND_INCOMPLETE) {
		tern_ip6_solicited_node(&e->ip, &dst);
		tern_ip6_mc_mac(&dst, &mac);
	}
	nd_send(ctx, ND_TYPE_NS, 0, src, &dst, &mac, &e->ip, ND_OPT_SLLA);
}

static void
nd_xmit(struct tern_ctx *ctx, const struct tern_nd_entry *e,
	struct rte_mbuf *m)
{
	net_nd_xmit(ctx, e, m);
}

/* INCOMPLETE @p e learned @p mac: send what waited, oldest first. */
static void
nd_resolved(struct tern_ctx *ctx, struct tern_nd_entry *e,
	    const struct rte_ether_addr *mac, uint8_t state)
{
	uint16_t i;

	rte_ether_addr_copy(mac, &e->mac);
	e->confirmed_ns = ctx->now_ns;
	nd_set_state(ctx->nd, e, state, 0);
	for (i = 0; i < e->npending; i++) {
		nd_xmit(ctx, e, e->pending[i]);
		e->pending[i] = NULL;
	}
	e->npending = 0;
}

static void
nd_entry_drop(struct tern_ctx *ctx, struct tern_nd_entry *e,
	      tern_stat_t reason)
{
	uint16_t i;

	for (i = 0; i < e->npending; i++)
		tern_drop(ctx, e->pending[i], reason);
	e->npending = 0;
	nd_entry_free(ctx->nd, e);
}

static int
nd_resolve_new(struct tern_ctx *ctx, struct rte_mbuf *m,
	       const struct tern_ip6 *nexthop)
{
	struct tern_nd_entry *e = nd_entry_alloc(ctx, nexthop);

	if (e == NULL) {
		tern_drop(ctx, m, TERN_STAT_ND_TABLE_FULL);
		return -ENOBUFS;
	}
	nd_set_state(ctx->nd, e, TERN_ND_INCOMPLETE, ctx->now_ns);
	e->pending[e->npending++] = m;
	nd_solicit(ctx, e);
	return 0;
}

/* Output to @p dst goes through resolved @p e until gen changes. */
static void
nd_remember(struct tern_nd_table *tbl, const struct tern_nd_entry *e,
	    const struct tern_ip6 *dst)
{
	tbl->last.dst = *dst;
	tbl->last.gen = tbl->gen;
	tbl->last.idx = (uint8_t)(e - tbl->e);
}

/* Frame @p m out through resolved (not INCOMPLETE) @p e. */
static void
nd_output_resolved(struct tern_ctx *ctx, struct rte_mbuf *m,
		   struct tern_nd_entry *e)
{
	/* RFC 4861 7.3.3: the first packet to a stale neighbour (a
	 * reachable one past timeout_ns is stale) starts the wait for a
	 * confirmation. DELAY and PROBE run on their timers. */
	if (e->state == TERN_ND_STALE ||
	    (e->state == TERN_ND_REACHABLE &&
	     ctx->now_ns - e->confirmed_ns >= ctx->arp->timeout_ns))
		nd_set_state(ctx->nd, e, TERN_ND_DELAY,
			     ctx->now_ns + ctx->arp->retry_ns);
	nd_xmit(ctx, e, m);
}

static int
nd_output(struct tern_ctx *ctx, struct rte_mbuf *m,
	  const struct tern_ip6 *nexthop, const struct tern_ip6 *dst)
{
	struct tern_nd_table *tbl = ctx->nd;
	struct tern_nd_entry *e = nd_lookup(tbl, nexthop);

	if (e == NULL)
		return nd_resolve_new(ctx, m, nexthop);
	if (e->state == TERN_ND_INCOMPLETE) {
		if (e->npending == TERN_ND_PENDING_MAX) {
			tern_drop(ctx, m, TERN_STAT_ND_PENDING_OVERFLOW);
			return -ENOBUFS;
		}
		e->pending[e->npending++] = m;
		return 0;
	}
	nd_remember(tbl, e, dst);
	nd_output_resolved(ctx, m, e);
	return 0;
}

int
net_nd_output(struct tern_ctx *ctx, struct rte_mbuf *m,
	      const struct tern_ip6 *nexthop, const struct tern_ip6 *dst)
{
	int rc = nd_output(ctx, m, nexthop, dst);

	nd_wake_poll(ctx);
	return rc;
}

void
net_nd_output_entry(struct tern_ctx *ctx, struct rte_mbuf *m,
		    struct tern_nd_entry *e)
{
	nd_output_resolved(ctx, m, e);
	nd_wake_poll(ctx);
}

/* Timers of INCOMPLETE, DELAY and PROBE entries that are due. */
static void
nd_timers_due(struct tern_ctx *ctx)
{
	struct tern_nd_table *tbl = ctx->nd;
	uint32_t retries_max = ctx->arp->retries_max;
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < TERN_ND_ENTRIES; i++) {
		struct tern_nd_entry *e = &tbl->e[i];

		if (!nd_state_is_timed(e->state))
			continue;
		if (ctx->now_ns >= e->due_ns) {
			if (e->state == TERN_ND_DELAY) {
				nd_set_state(tbl, e, TERN_ND_PROBE, 0);
			} else if (e->probes > retries_max) {
				if (e->npending != 0) {
					char a[INET6_ADDRSTRLEN];

					inet_ntop(AF_INET6, e->ip.b, a,
						  sizeof(a));
					TERN_DP_LOG(ctx, tern_logtype_nd,
						NOTICE, "tern.nd: %s does not "
						"answer: %u packets dropped",
						a, e->npending);
				}
				nd_entry_drop(ctx, e,
					      TERN_STAT_ND_RESOLVE_FAILED);
				continue;
			}
			nd_solicit(ctx, e);
		}
		next = RTE_MIN(next, e->due_ns);
	}
	tbl->next_due_ns = RTE_MIN(next, tbl->dad_due_ns);
}

/* The slot of our address @p a in any state but NONE; -1 if none. */
static int
nd_addr_slot(const struct tern_nd_table *tbl, const struct tern_ip6 *a)
{
	for (int i = 0; i < TERN_ND_ADDR_MAX; i++)
		if (tbl->addr_state[i] != TERN_ND_ADDR_NONE &&
		    tern_ip6_eq(a, &tbl->addr[i]))
			return i;
	return -1;
}

bool
net_nd_is_our_group(const struct tern_ctx *ctx, const struct tern_ip6 *dst)
{
	const struct tern_nd_table *tbl = ctx->nd;
	struct tern_ip6 group;

	for (int i = 0; i < TERN_ND_ADDR_MAX; i++) {
		if (tbl->addr_state[i] == TERN_ND_ADDR_NONE)
			continue;
		if (tern_ip6_eq(dst, &nd_all_nodes))
			return true;
		tern_ip6_solicited_node(&tbl->addr[i], &group);
		if (tern_ip6_eq(dst, &group))
			return true;
	}
	return false;
}

/* Another node holds our tentative address (RFC 4862 5.4.5): it is
 * never used; the operator is told. */
static void
nd_dad_failed(struct tern_ctx *ctx, int slot)
{
	char a[INET6_ADDRSTRLEN];

	ctx->nd->addr_state[slot] = TERN_ND_ADDR_DUPLICATE;
	tern_stat_inc(&ctx->stats, TERN_STAT_ND_DAD_DUPLICATE);
	inet_ntop(AF_INET6, ctx->nd->addr[slot].b, a, sizeof(a));
	rte_log(RTE_LOG_ERR, (uint32_t)tern_logtype_nd,
		"tern.nd: lcore %u: %s is in use by another node "
		"(duplicate address detection): not used\n", ctx->lcore_id,
		a);
}

/* @p e has the unconfirmed MAC @p mac (learned from a message, not a
 * solicited answer): STALE; its age counts from now. */
static void
nd_learned(struct tern_ctx *ctx, struct tern_nd_entry *e,
	   const struct rte_ether_addr *mac)
{
	rte_ether_addr_copy(mac, &e->mac);
	e->confirmed_ns = ctx->now_ns;
	nd_set_state(ctx->nd, e, TERN_ND_STALE, 0);
}

/* RFC 4861 7.2.3: learn the solicitor (if it said its MAC), answer. */
static void
nd_input_ns(struct tern_ctx *ctx, const struct rte_ether_addr *eth_src,
	    const struct net_ipv6_repr *ip, const struct net_nd_repr *nd,
	    int slot)
{
	struct tern_nd_table *tbl = ctx->nd;
	const struct rte_ether_addr *to = nd->has_lla ? &nd->lla : eth_src;
	struct rte_ether_addr mcast;
	struct tern_nd_entry *e;

	if (tbl->addr_state[slot] == TERN_ND_ADDR_TENTATIVE) {
		/* Someone else probing the same address (5.4.3). */
		if (tern_ip6_is_unspec(&ip->src))
			nd_dad_failed(ctx, slot);
		return;
	}
	if (tbl->addr_state[slot] != TERN_ND_ADDR_PREFERRED)
		return;
	if (tern_ip6_is_unspec(&ip->src)) {
		/* A DAD probe for an address we hold: defend it to all. */
		tern_ip6_mc_mac(&nd_all_nodes, &mcast);
		nd_send(ctx, ND_TYPE_NA, ND_NA_FLAG_O, &nd->target,
			&nd_all_nodes, &mcast, &nd->target, ND_OPT_TLLA);
		return;
	}
	if (nd->has_lla) {
		e = nd_lookup(tbl, &ip->src);
		if (e == NULL) {
			e = nd_entry_alloc(ctx, &ip->src);
			if (e != NULL)
				nd_learned(ctx, e, &nd->lla);
		} else if (e->state == TERN_ND_INCOMPLETE) {
			nd_resolved(ctx, e, &nd->lla, TERN_ND_STALE);
		} else if (!rte_is_same_ether_addr(&e->mac, &nd->lla)) {
			nd_learned(ctx, e, &nd->lla);
		}
	}
	nd_send(ctx, ND_TYPE_NA, ND_NA_FLAG_S | ND_NA_FLAG_O, &nd->target,
		&ip->src, to, &nd->target, ND_OPT_TLLA);
}

/* RFC 4861 7.2.5: an advertisement updates only an entry we have. */
static void
nd_input_na(struct tern_ctx *ctx, const struct net_nd_repr *nd)
{
	struct tern_nd_table *tbl = ctx->nd;
	struct tern_nd_entry *e = nd_lookup(tbl, &nd->target);
	bool new_mac;

	if (e == NULL)
		return;
	if (e->state == TERN_ND_INCOMPLETE) {
		if (nd->has_lla)
			nd_resolved(ctx, e, &nd->lla, nd->solicited ?
				    TERN_ND_REACHABLE : TERN_ND_STALE);
		return;
	}
	new_mac = nd->has_lla && !rte_is_same_ether_addr(&e->mac, &nd->lla);
	if (new_mac && !nd->override) {
		/* Not allowed to replace what we know: only doubt it. */
		if (e->state == TERN_ND_REACHABLE)
			nd_set_state(tbl, e, TERN_ND_STALE, 0);
		return;
	}
	if (nd->solicited) {
		if (new_mac)
			rte_ether_addr_copy(&nd->lla, &e->mac);
		e->confirmed_ns = ctx->now_ns;
		nd_set_state(tbl, e, TERN_ND_REACHABLE, 0);
	} else if (new_mac) {
		nd_learned(ctx, e, &nd->lla);
	}
}

void
net_nd_input(struct tern_ctx *ctx, struct rte_mbuf *m,
	     const struct net_ipv6_repr *ip)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod_offset(m,
		const struct rte_ether_hdr *, -(int)(m->l3_len + m->l2_len));
	struct net_nd_repr nd;
	tern_stat_t verdict;
	int slot;

	verdict = net_nd_parse(rte_pktmbuf_mtod(m, const void *),
			       rte_pktmbuf_data_len(m), rte_pktmbuf_pkt_len(m),
			       ip, &nd);
	slot = verdict == NET_ACCEPT ? nd_addr_slot(ctx->nd, &nd.target) : -1;
	if (verdict == NET_ACCEPT && nd.type == ND_TYPE_NS && slot < 0)
		verdict = TERN_STAT_ND_DROP_NOT_OURS;
	if (verdict != NET_ACCEPT) {
		tern_drop(ctx, m, verdict);
		return;
	}
	if (nd.type == ND_TYPE_NS) {
		tern_stat_inc(&ctx->stats, TERN_STAT_ND_IN_SOLICITS);
		nd_input_ns(ctx, &eh->src_addr, ip, &nd, slot);
	} else {
		tern_stat_inc(&ctx->stats, TERN_STAT_ND_IN_ADVERTS);
		if (slot >= 0 && ctx->nd->addr_state[slot] ==
				 TERN_ND_ADDR_TENTATIVE)
			nd_dad_failed(ctx, slot);
		else if (slot < 0)
			nd_input_na(ctx, &nd);
	}
	nd_wake_poll(ctx);
	rte_pktmbuf_free(m);
}

/* One step of DAD for each tentative address: a probe from the
 * unspecified address (RFC 4862 5.4.2), or, after retry_ns of silence
 * since the last, the address becomes usable. */
static void
nd_dad_step(struct tern_ctx *ctx)
{
	struct tern_nd_table *tbl = ctx->nd;
	bool pending = false;

	for (int i = 0; i < TERN_ND_ADDR_MAX; i++) {
		struct rte_ether_addr mac;
		struct tern_ip6 group;

		if (tbl->addr_state[i] != TERN_ND_ADDR_TENTATIVE)
			continue;
		if (tbl->dad_probes[i] >= ND_DAD_TRANSMITS) {
			tbl->addr_state[i] = TERN_ND_ADDR_PREFERRED;
			continue;
		}
		tern_ip6_solicited_node(&tbl->addr[i], &group);
		tern_ip6_mc_mac(&group, &mac);
		nd_send(ctx, ND_TYPE_NS, 0, &nd_unspec, &group, &mac,
			&tbl->addr[i], 0);
		tbl->dad_probes[i]++;
		pending = true;
	}
	tbl->dad_due_ns = pending ? ctx->now_ns + ctx->arp->retry_ns :
				    UINT64_MAX;
	if (tbl->dad_due_ns < tbl->next_due_ns)
		tbl->next_due_ns = tbl->dad_due_ns;
}

void
net_nd_init(struct tern_ctx *ctx)
{
	struct tern_nd_table *tbl = ctx->nd;
	const struct tern_if_conf *ifc = &ctx->ifc;

	memset(tbl, 0, sizeof(*tbl));
	nd_table_reset(tbl);
	tbl->dad_due_ns = UINT64_MAX;
	tbl->err_tokens = NET_ICMP6_ERR_BURST;
	tbl->err_refill_ns = ctx->now_ns;
	if (tern_ip6_is_unspec(&ifc->ip6))
		return;
	tern_ip6_linklocal_from_mac(&ifc->mac, &tbl->addr[TERN_ND_ADDR_LL]);
	tbl->addr_state[TERN_ND_ADDR_LL] = TERN_ND_ADDR_TENTATIVE;
	if (!tern_ip6_eq(&ifc->ip6, &tbl->addr[TERN_ND_ADDR_LL])) {
		tbl->addr[TERN_ND_ADDR_GLOBAL] = ifc->ip6;
		tbl->addr_state[TERN_ND_ADDR_GLOBAL] = TERN_ND_ADDR_TENTATIVE;
	}
	/* The first probes go out at the first poll. */
	tbl->dad_due_ns = ctx->now_ns;
	tbl->next_due_ns = ctx->now_ns;
	nd_wake_poll(ctx);
}

void
net_nd_fini(struct tern_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < TERN_ND_ENTRIES; i++) {
		struct tern_nd_entry *e = &ctx->nd->e[i];
		uint16_t j;

		for (j = 0; j < e->npending; j++)
			tern_drop(ctx, e->pending[j],
				  TERN_STAT_ND_PENDING_FLUSHED);
		e->npending = 0;
	}
	nd_table_reset(ctx->nd);
}

void
net_nd_poll(struct tern_ctx *ctx)
{
	struct tern_nd_table *tbl = ctx->nd;

	/* Due now: recomputed below from what is still pending. */
	tbl->next_due_ns = UINT64_MAX;
	if (ctx->now_ns >= tbl->dad_due_ns)
		nd_dad_step(ctx);
	if (tbl->ntimed != 0)
		nd_timers_due(ctx);
	else
		tbl->next_due_ns = tbl->dad_due_ns;
}
