/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local addresses and ports for active opens: the source addresses take
 * turns, each with a rotor over the ephemeral range; a 4-tuple still in
 * TIME_WAIT may be taken over (tcp_tw_reusable()); a destination whose
 * tuples are all taken is remembered until one is freed
 * (tcp_port_freed(), called whenever a record lets its 4-tuple go).
 */
#include <errno.h>

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tern_flow_hash.h"
#include "tern_owner.h"

/*
 * With several workers, the replies to an active open belong to the
 * worker tern_flow_owner() names (the port's RSS queue, or the software
 * table of a port that does not steer by our key): only a port owned by
 * this worker will do (habit 11: no flow changes lcore, and no reply
 * has to be steered). About one port in nb_workers qualifies. With
 * workers, the flow hash is the Toeplitz hash (ifc.rx_rss_hash).
 */
static bool
tcp_port_comes_back(const struct tern_ctx *ctx, uint32_t hash)
{
	if (ctx->ifc.reta_size == 0 || !ctx->ifc.rx_rss_hash)
		return true;
	return tern_flow_owner(&ctx->ifc, hash) == ctx->worker_id;
}

static bool
tcp_port_memo_matches(const struct tcp_port_memo *m,
		      const struct tern_flow_key *key)
{
	return m->valid && m->laddr == key->laddr && m->faddr == key->faddr &&
	       m->fport == key->fport;
}

_Static_assert(TCP_NB_SRC_ALL <= 32, "no_port_valid is a 32-bit mask");

void
tcp_port_freed(struct tern_tcp *tcp, const struct tern_flow_key *key)
{
	/* Every record's release comes here: mostly nothing is remembered. */
	for (uint32_t set = tcp->no_port_valid; set != 0; set &= set - 1) {
		unsigned int i = rte_bsf32(set);

		if (tcp_port_memo_matches(&tcp->no_port[i], key)) {
			tcp->no_port[i].valid = false;
			tcp->no_port_valid &= ~(1u << i);
		}
	}
}

static void
tcp_port_memo_set(struct tern_tcp *tcp, unsigned int src,
		  const struct tern_flow_key *key, uint32_t retry_ms)
{
	tcp->no_port[src] = (struct tcp_port_memo){
		.laddr = key->laddr,
		.faddr = key->faddr,
		.fport = key->fport,
		.valid = true,
		.retry_ms = retry_ms,
	};
	tcp->no_port_valid |= 1u << src;
}

static uint16_t
tcp_port_rotor_next(struct tern_tcp *tcp, unsigned int src)
{
	uint16_t port = tcp->next_eph_port[src];

	tcp->next_eph_port[src] = port >= tcp->conf.port_max
					  ? tcp->conf.port_min
					  : (uint16_t)(port + 1);
	return port;
}

/*
 * An ephemeral port for (our address number @p src, daddr, dport), each
 * address with its own rotor and memory: free, or held by a
 * TIME_WAIT record an active open may take (tcp_tw_reusable()).
 *
 * The rotor hands ports out in order, so TIME_WAIT records come back
 * under it oldest first: the next port is usually free or reusable, O(1).
 * Only when a whole turn finds nothing does the scan cost the range; it
 * then remembers that this destination is full (tcp->no_port), and until
 * a 4-tuple is freed or the soonest record becomes reusable, connects to
 * it fail at once. After such a turn, nothing is free until
 * tcp_port_freed() forgets it, so the search ends after TCP_PORT_YOUNG_MAX records not yet
 * reusable: those beyond are younger, as far as the rotor's order goes
 * (a connection that lived longer than its neighbours, a retransmitted
 * FIN, makes a record younger than the next few: they are taken first).
 * A TIME_WAIT record taken sets *iss_floor, the lowest ISS the new
 * connection may take; it stays 0 for a fresh 4-tuple.
 */
#define TCP_PORT_YOUNG_MAX 64

/* Inlined in both families' callers with @p v6 a constant: IPv4 keeps
 * the code it had. */
static __rte_always_inline int
tcp_pick_port(struct tern_ctx *ctx, unsigned int src,
	      struct tern_flow_key *key, uint32_t *hash, uint32_t *iss_floor,
	      bool v6)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	const uint32_t range = (uint32_t)tcp->conf.port_max -
			       tcp->conf.port_min + 1;
	bool known_full = tcp_port_memo_matches(&tcp->no_port[src], key);
	uint32_t now_ms = tcp_now_ms(ctx);
	uint32_t soonest_ms = now_ms + INT32_MAX;
	uint32_t young = 0;
	uint16_t first_young = 0;

	if (known_full &&
	    (int32_t)(now_ms - tcp->no_port[src].retry_ms) < 0)
		return -EADDRNOTAVAIL;
	for (uint32_t tries = 0; tries < range; tries++) {
		uint16_t port = tcp_port_rotor_next(tcp, src);
		struct tcp_tw *tw;
		uint32_t at_ms;

		key->lport = rte_cpu_to_be_16(port);
		if (v6) {
			*hash = tcp_flow_hash_key6(ctx, key);
			if (!tcp_key6_comes_back(ctx, key))
				continue;
		} else {
			*hash = tcp_flow_hash(ctx, key);
			if (!tcp_port_comes_back(ctx, *hash))
				continue;
		}
		if (tern_ctable_lookup(&tcp->conns, key, *hash) != NULL)
			continue;
		tw = tcp_tw_lookup(tcp, key, *hash);
		if (tw == NULL)
			return 0;
		switch (tcp_tw_reusable(ctx, tw, &at_ms)) {
		case TCP_TW_REUSE_NOW:
			/* A taken record frees nothing: no_port stands. */
			if (tcp_tw_take(ctx, tw, iss_floor) == 0)
				return 0;
			break;
		case TCP_TW_REUSE_LATER:
			if ((int32_t)(at_ms - soonest_ms) < 0)
				soonest_ms = at_ms;
			if (young++ == 0)
				first_young = port;
			if (known_full && young >= TCP_PORT_YOUNG_MAX)
				goto remember;
			break;
		case TCP_TW_REUSE_NEVER:
			break;
		}
	}
remember:
	if (young > 0)
		tcp->next_eph_port[src] = first_young;
	tcp_port_memo_set(tcp, src, key, soonest_ms);
	return -EADDRNOTAVAIL;
}

static rte_be32_t
tcp_src_addr(const struct tern_ctx *ctx, unsigned int src)
{
	return src == 0 ? ctx->ifc.ip : ctx->ifc.extra_ip[src - 1];
}

/*
 * The usual active open: the rotor of source @p src is on a port whose
 * 4-tuple is free (no record, no TIME_WAIT), and nothing about this
 * source is remembered full. Takes that port, as tcp_pick_port()'s
 * first turn would, and returns true; anything else (a port taken, a
 * TIME_WAIT to judge, a memory of no port, a flow hash that decides
 * which worker the replies reach) returns false with the rotor
 * unmoved: tcp_pick_port() then starts again from the same port.
 */
static __rte_always_inline bool
tcp_pick_port_free(struct tern_ctx *ctx, unsigned int src,
		   struct tern_flow_key *key, uint32_t *hash, bool v6)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	if ((tcp->no_port_valid & (1u << src)) != 0)
		return false;
	key->lport = rte_cpu_to_be_16(tcp->next_eph_port[src]);
	if (v6) {
		*hash = tcp_flow_hash_key6(ctx, key);
		if (!tcp_key6_comes_back(ctx, key))
			return false;
	} else {
		/* With the NIC's Toeplitz hash (workers), about one port
		 * in nb_workers comes back to us: the general way. */
		if (ctx->ifc.rx_rss_hash)
			return false;
		*hash = tern_flow_hash_sw_inline(key, ctx->hash_seed);
	}
	/* tcp_tw_lookup() inline: a call here costs its registers' saves. */
	if (tern_ctable_lookup(&tcp->conns, key, *hash) != NULL ||
	    (tcp->tws.count != 0 &&
	     tern_ctable_lookup(&tcp->tws, key, *hash) != NULL))
		return false;
	tcp_port_rotor_next(tcp, src);
	return true;
}

/* Each source address in turn from tcp->src_next, the general way. */
static int __rte_noinline
tcp_pick_src_turns(struct tern_ctx *ctx, struct tern_flow_key *key,
		   uint32_t *hash, uint32_t *iss_floor, unsigned int nb_src)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	for (unsigned int k = 0; k < nb_src; k++) {
		unsigned int src = (tcp->src_next + k) % nb_src;

		key->laddr = tcp_src_addr(ctx, src);
		if (tcp_pick_port(ctx, src, key, hash, iss_floor,
				  false) == 0) {
			tcp->src_next = (uint8_t)((src + 1) % nb_src);
			return 0;
		}
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_CONNECT_NO_PORT);
	return -EADDRNOTAVAIL;
}

/*
 * A local address and port for an active open to key->faddr:fport: the
 * source addresses take turns (ifc.ip, then each of ifc.extra_ip), and
 * one whose tuples to this destination are all taken passes its turn.
 * The source whose turn it is, its rotor on a free port, is tried
 * first without the turns' loop.
 */
int
tcp_pick_src(struct tern_ctx *ctx, struct tern_flow_key *key,
	     uint32_t *hash, uint32_t *iss_floor)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	unsigned int nb_src = 1u + RTE_MIN(ctx->ifc.nb_extra_ip,
					   TERN_IFC_EXTRA_MAX);
	unsigned int src = tcp->src_next;

	if (likely(src < nb_src)) {
		key->laddr = tcp_src_addr(ctx, src);
		if (tcp_pick_port_free(ctx, src, key, hash, false)) {
			tcp->src_next = (uint8_t)(src + 1 < nb_src ? src + 1
								   : 0);
			return 0;
		}
	}
	return tcp_pick_src_turns(ctx, key, hash, iss_floor, nb_src);
}

/* The IPv6 active open: key->laddr names our address; its rotor and
 * memory follow the IPv4 sources'. */
int
tcp_pick_port6(struct tern_ctx *ctx, struct tern_flow_key *key,
	       uint32_t *hash, uint32_t *iss_floor)
{
	unsigned int src = TCP_NB_SRC_MAX + tcp_key6_slot(key);
	int rc;

	if (tcp_pick_port_free(ctx, src, key, hash, true))
		return 0;
	rc = tcp_pick_port(ctx, src, key, hash, iss_floor, true);
	if (rc != 0)
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_CONNECT_NO_PORT);
	return rc;
}
