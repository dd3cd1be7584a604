/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port: find it, decide queues / RSS / offloads / MTU from what it
 * offers and what the profile wants, configure it, and give each worker
 * lcore its queue pair and NUMA-local mempool. Also the TX flush that
 * drains a worker's batch into its queue.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "rt_priv.h"
#include "tern_stack.h"

/*
 * Attempts of rte_eth_tx_burst() per flush before what the ring still
 * refuses is freed and counted: a ring that stays full means the NIC is
 * behind, and spinning on it longer would only delay this lcore's RX.
 */
#define RT_TX_ATTEMPTS 4

/* Room for the largest frame of an MTU: Ethernet header, two VLAN tags
 * (QinQ from a switch we do not control) and the CRC some NICs keep. */
#define RT_FRAME_OVERHEAD \
	(RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN)

void
rt_tx_flush(struct tern_ctx *ctx)
{
	struct tern_tx_batch *b = &ctx->tx;
	struct rt_worker *w = ctx->tx_flush_arg;
	uint16_t sent = 0;

	if (unlikely(w->rt->cfg.fault_tx_drop_ppm != 0))
		rt_fault_tx(w, b);
	for (unsigned int i = 0; i < RT_TX_ATTEMPTS && sent < b->count; i++)
		sent += rte_eth_tx_burst(ctx->port_id, ctx->queue_id,
					 b->pkts + sent, b->count - sent);
	if (unlikely(sent < b->count)) {
		rte_pktmbuf_free_bulk(b->pkts + sent, b->count - sent);
		tern_stat_add(&ctx->stats, TERN_STAT_TX_RING_FULL,
			      b->count - sent);
	}
	tern_stat_add(&ctx->stats, TERN_STAT_TX_PKTS, sent);
	tern_stat_inc(&ctx->stats, TERN_STAT_TX_BATCH_FLUSHES);
	b->count = 0;
}

static void
log_available_ports(struct tern_rt *rt)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t id;

	RTE_ETH_FOREACH_DEV(id) {
		if (rte_eth_dev_get_name_by_port(id, name) == 0)
			RT_LOG(rt, ERR, "  available: port %u %s", id, name);
	}
}

int
rt_port_find(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	int rc;

	rt_dev_name_of(rt->cfg.dev, p->name, sizeof(p->name));
	if (rte_eth_dev_get_port_by_name(p->name, &p->id) != 0) {
		RT_LOG(rt, ERR, "no port named %s (from '%s')", p->name,
		       rt->cfg.dev);
		log_available_ports(rt);
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(p->id, &p->info);
	if (rc != 0) {
		RT_LOG(rt, ERR, "port %s: cannot read device info: %s",
		       p->name, rte_strerror(-rc));
		return rc;
	}
	if (rt->cfg.profile.driver[0] != '\0' &&
	    strcmp(rt->cfg.profile.driver, p->info.driver_name) != 0)
		RT_LOG(rt, WARNING, "port %s uses driver %s but profile %s "
		       "is written for %s", p->name, p->info.driver_name,
		       rt->cfg.profile.name, rt->cfg.profile.driver);
	return 0;
}

/* One worker per queue pair: as many as lcores, capped by the
 * configuration, the profile and the port. */
static uint16_t
queues_choose(struct tern_rt *rt)
{
	const struct rte_eth_dev_info *info = &rt->port.info;
	const struct tern_profile *prof = &rt->cfg.profile;
	unsigned int lcores = rte_lcore_count();
	unsigned int n = lcores;

	if (rt->cfg.workers != 0)
		n = RTE_MIN(n, rt->cfg.workers);
	n = RTE_MIN(n, prof->max_queues);
	n = RTE_MIN(n, info->max_rx_queues);
	n = RTE_MIN(n, info->max_tx_queues);
	if (n > 1 && (info->flow_type_rss_offloads & prof->rss_hf) == 0)
		RT_LOG(rt, NOTICE, "port %s has no RSS for the profile's hash "
		       "types: flows reach their workers by software "
		       "steering", rt->port.name);
	if (n < lcores)
		RT_LOG(rt, NOTICE, "%u lcores, %u worker(s) (one per queue "
		       "pair): the other lcores stay idle", lcores, n);
	return (uint16_t)RTE_MAX(n, 1u);
}

/*
 * Symmetric RSS over the queues, when more than one. The key is chosen
 * whatever the port offers: with several workers it is also the key of
 * flow ownership when the port cannot steer by it (tern_owner.h).
 */
static void
rss_choose(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	uint8_t key_len = p->info.hash_key_size;

	p->rss_hf = 0;
	p->rx_rss_hash = false;
	/* Drivers that do not say take the 40-byte key of the Toeplitz
	 * definition (Microsoft RSS). */
	if (key_len == 0)
		key_len = sizeof(((struct tern_if_conf *)0)->rss_key);
	if (key_len > TERN_RSS_KEY_MAX) {
		RT_LOG(rt, WARNING, "port %s wants a %u-byte RSS key: RSS "
		       "left to the driver's defaults", p->name, key_len);
		key_len = sizeof(((struct tern_if_conf *)0)->rss_key);
		tern_rss_key_fill(p->rss_key, key_len,
				  rt->cfg.profile.rss_key_pattern);
		p->rss_key_len = key_len;
		return;
	}
	p->rss_key_len = key_len;
	tern_rss_key_fill(p->rss_key, key_len,
			  rt->cfg.profile.rss_key_pattern);
	if (p->nb_queues < 2)
		return;
	p->rss_hf = p->info.flow_type_rss_offloads & rt->cfg.profile.rss_hf;
	/* Only a TCP 4-tuple hash lets the stack reuse hash.rss as its
	 * flow hash; IPv4-only hashing spreads flows but is not that. */
	p->rx_rss_hash = (p->rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0;
	if (p->info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH)
		p->rx_offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
}

/* Decide one offload: @return whether to use it, or -ENOTSUP. */
static int
offload_choose(struct tern_rt *rt, const char *what,
	       enum tern_offload_mode mode, bool offered)
{
	if (mode == TERN_OFFLOAD_OFF)
		return 0;
	if (!offered && mode == TERN_OFFLOAD_ON) {
		RT_LOG(rt, ERR, "port %s does not offer %s, which profile %s "
		       "requires", rt->port.name, what, rt->cfg.profile.name);
		return -ENOTSUP;
	}
	return offered ? 1 : 0;
}

/*
 * TSO: TCP hands the port segments of many MSS and the port cuts them.
 * It needs the header of each cut segment summed by the port (both TX
 * checksum offloads, in use) and payload chained behind a separate
 * header mbuf (multi-segment TX).
 */
static int
tso_choose(struct tern_rt *rt)
{
	const struct rt_port *p = &rt->port;
	const uint64_t needs = RTE_ETH_TX_OFFLOAD_TCP_TSO |
			       RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	bool offered = (p->info.tx_offload_capa & needs) == needs &&
		       p->tx_ip_cksum && p->tx_tcp_cksum;

	return offload_choose(rt, "tcp tso (with multi-segment tx and both "
			      "tx checksum offloads in use)",
			      rt->cfg.profile.tx_tso, offered);
}

static int
offloads_choose(struct tern_rt *rt)
{
	const struct tern_profile *prof = &rt->cfg.profile;
	struct rt_port *p = &rt->port;
	const uint64_t rx_ck = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
			       RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	int rx, tx_ip, tx_tcp, tso;

	rx = offload_choose(rt, "rx checksum", prof->rx_cksum,
			    (p->info.rx_offload_capa & rx_ck) == rx_ck);
	tx_ip = offload_choose(rt, "tx ipv4 checksum", prof->tx_ip_cksum,
			       p->info.tx_offload_capa &
			       RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	tx_tcp = offload_choose(rt, "tx tcp checksum", prof->tx_tcp_cksum,
				p->info.tx_offload_capa &
				RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	if (rx < 0 || tx_ip < 0 || tx_tcp < 0)
		return -ENOTSUP;
	p->rx_cksum = rx == 1;
	p->tx_ip_cksum = tx_ip == 1;
	p->tx_tcp_cksum = tx_tcp == 1;
	tso = tso_choose(rt);
	if (tso < 0)
		return -ENOTSUP;
	p->tx_tso = tso == 1;
	if (p->rx_cksum)
		p->rx_offloads |= rx_ck;
	if (p->tx_ip_cksum)
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (p->tx_tcp_cksum)
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (p->tx_tso)
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	/* Retransmissions may chain a fresh header to held payload. */
	if (p->info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		p->tx_offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	return 0;
}

static int
mtu_choose(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	uint32_t frame;

	p->mtu = rt->cfg.mtu != 0 ? rt->cfg.mtu : rt->cfg.profile.mtu;
	if (p->mtu < p->info.min_mtu || p->mtu > p->info.max_mtu) {
		RT_LOG(rt, ERR, "port %s: MTU %u outside [%u, %u]", p->name,
		       p->mtu, p->info.min_mtu, p->info.max_mtu);
		return -EINVAL;
	}
	/* One mbuf holds a whole frame: no scattered RX to handle. */
	frame = (uint32_t)p->mtu + RT_FRAME_OVERHEAD;
	p->mbuf_data_room = RTE_PKTMBUF_HEADROOM +
			    RTE_MAX(frame, (uint32_t)RTE_MBUF_DEFAULT_DATAROOM);
	if (p->mbuf_data_room < p->info.min_rx_bufsize)
		p->mbuf_data_room = p->info.min_rx_bufsize;
	return 0;
}

static int
port_apply(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = p->mtu;
	conf.rxmode.offloads = p->rx_offloads;
	conf.txmode.offloads = p->tx_offloads;
	if (p->rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = p->rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = p->rss_key_len;
		conf.rx_adv_conf.rss_conf.rss_hf = p->rss_hf;
	}
	rc = rte_eth_dev_configure(p->id, p->nb_queues, p->nb_queues, &conf);
	if (rc != 0) {
		RT_LOG(rt, ERR, "port %s: configure (%u queues): %s", p->name,
		       p->nb_queues, rte_strerror(-rc));
		return rc;
	}
	p->configured = true;
	rc = rte_eth_dev_set_mtu(p->id, p->mtu);
	if (rc != 0 && rc != -ENOTSUP) {
		RT_LOG(rt, ERR, "port %s: MTU %u: %s", p->name, p->mtu,
		       rte_strerror(-rc));
		return rc;
	}
	p->rx_desc = rt->cfg.profile.rx_desc;
	p->tx_desc = rt->cfg.profile.tx_desc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &p->rx_desc,
					      &p->tx_desc);
	if (rc == 0)
		rc = rte_eth_macaddr_get(p->id, &p->mac);
	if (rc != 0)
		RT_LOG(rt, ERR, "port %s: descriptors or MAC: %s", p->name,
		       rte_strerror(-rc));
	return rc;
}

int
rt_port_configure(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	int rc;

	p->nb_queues = queues_choose(rt);
	rss_choose(rt);
	rc = offloads_choose(rt);
	if (rc == 0)
		rc = mtu_choose(rt);
	if (rc == 0)
		rc = port_apply(rt);
	return rc;
}

/*
 * Allocate on the worker's NUMA node; with --no-huge (or a node without
 * memory) EAL may have nothing there, so fall back to any node rather
 * than refuse to run, and say so.
 */
static struct rte_mempool *
pool_create(struct tern_rt *rt, const struct rt_worker *w)
{
	const struct rt_port *p = &rt->port;
	struct rte_mempool *mp;
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "tern_p%u_q%u", p->id, w->queue_id);
	mp = rte_pktmbuf_pool_create(name, rt->cfg.mbufs, rt->cfg.mbuf_cache,
				     0, (uint16_t)p->mbuf_data_room,
				     w->socket_id);
	if (mp == NULL && rte_errno == ENOMEM) {
		RT_LOG(rt, WARNING, "pool %s: no memory on socket %d, using "
		       "any socket", name, w->socket_id);
		mp = rte_pktmbuf_pool_create(name, rt->cfg.mbufs,
					     rt->cfg.mbuf_cache, 0,
					     (uint16_t)p->mbuf_data_room,
					     SOCKET_ID_ANY);
	}
	if (mp == NULL)
		RT_LOG(rt, ERR, "pool %s ([mempool] mbufs = %u of %u bytes, "
		       "cache = %u): %s", name, rt->cfg.mbufs,
		       p->mbuf_data_room, rt->cfg.mbuf_cache,
		       rte_strerror(rte_errno));
	return mp;
}

static int
pool_size_check(struct tern_rt *rt)
{
	const struct rt_port *p = &rt->port;
	/* Each ring full, one RX burst, one TX batch, and the caches of up
	 * to two lcores (owner and whoever frees at teardown). */
	uint32_t need = p->rx_desc + p->tx_desc + TERN_RX_BURST +
			TERN_TX_BATCH_MAX + 2 * rt->cfg.mbuf_cache;

	/* Frames handed to the other workers hold mbufs of the sender's
	 * pool until taken: a warning, since rings fill only behind a
	 * stalled owner (then SteerRingFull or MbufAllocFail counts it). */
	if (p->nb_queues > 1 && rt->cfg.mbufs <
	    need + (uint32_t)(p->nb_queues - 1) * rt->cfg.steer_ring)
		RT_LOG(rt, WARNING, "[mempool] mbufs = %u: full steering rings "
		       "([lcores] steer_ring = %u, to %u other workers) would "
		       "take %u of them", rt->cfg.mbufs, rt->cfg.steer_ring,
		       p->nb_queues - 1,
		       (uint32_t)(p->nb_queues - 1) * rt->cfg.steer_ring);
	if (rt->cfg.mbufs >= need)
		return 0;
	RT_LOG(rt, ERR, "[mempool] mbufs = %u is less than the %u the "
	       "queues need ([port] rx_desc %u + tx_desc %u of the profile, "
	       "bursts, [mempool] cache %u twice)",
	       rt->cfg.mbufs, need, p->rx_desc, p->tx_desc,
	       rt->cfg.mbuf_cache);
	return -EINVAL;
}

static int
queues_setup(struct tern_rt *rt, struct rt_worker *w)
{
	const struct rt_port *p = &rt->port;
	struct rte_eth_rxconf rxconf = p->info.default_rxconf;
	struct rte_eth_txconf txconf = p->info.default_txconf;
	int rc;

	rxconf.offloads = p->rx_offloads;
	txconf.offloads = p->tx_offloads;
	rc = rte_eth_rx_queue_setup(p->id, w->queue_id, p->rx_desc,
				    w->socket_id, &rxconf, w->pool);
	if (rc == -ENOMEM)
		rc = rte_eth_rx_queue_setup(p->id, w->queue_id, p->rx_desc,
					    SOCKET_ID_ANY, &rxconf, w->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(p->id, w->queue_id, p->tx_desc,
					    w->socket_id, &txconf);
	if (rc == -ENOMEM)
		rc = rte_eth_tx_queue_setup(p->id, w->queue_id, p->tx_desc,
					    SOCKET_ID_ANY, &txconf);
	if (rc != 0)
		RT_LOG(rt, ERR, "port %s queue %u: setup: %s", p->name,
		       w->queue_id, rte_strerror(-rc));
	return rc;
}

static struct rt_worker *
worker_alloc(struct tern_rt *rt, unsigned int lcore, uint16_t queue)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct rt_worker *w;

	w = rte_zmalloc_socket("tern_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       socket);
	if (w == NULL)
		w = rte_zmalloc_socket("tern_worker", sizeof(*w),
				       RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
	if (w == NULL)
		return NULL;
	w->rt = rt;
	w->lcore_id = lcore;
	w->queue_id = queue;
	w->socket_id = socket;
	return w;
}

int
rt_workers_setup(struct tern_rt *rt)
{
	unsigned int lcore;
	int rc = pool_size_check(rt);

	if (rc != 0)
		return rc;
	RTE_LCORE_FOREACH(lcore) {
		struct rt_worker *w;

		if (rt->nb_workers == rt->port.nb_queues)
			break;
		w = worker_alloc(rt, lcore, (uint16_t)rt->nb_workers);
		if (w == NULL)
			return -ENOMEM;
		rt->workers[rt->nb_workers++] = w;
		if (rte_eth_dev_socket_id(rt->port.id) >= 0 &&
		    rte_eth_dev_socket_id(rt->port.id) != w->socket_id)
			RT_LOG(rt, WARNING, "lcore %u is on socket %d, port "
			       "%s on socket %d: traffic crosses NUMA nodes",
			       lcore, w->socket_id, rt->port.name,
			       rte_eth_dev_socket_id(rt->port.id));
		w->pool = pool_create(rt, w);
		if (w->pool == NULL)
			return -ENOMEM;
		rc = queues_setup(rt, w);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * The key the port hashes TCP with, read back: a PMD may have kept its
 * own. @return whether the port hashes the IPv4 TCP 4-tuple with it.
 */
static bool
rt_rss_key_read(struct rt_port *p)
{
	struct rte_eth_rss_conf conf;
	uint8_t key[TERN_RSS_KEY_MAX];

	memset(&conf, 0, sizeof(conf));
	conf.rss_key = key;
	conf.rss_key_len = sizeof(key);
	if (rte_eth_dev_rss_hash_conf_get(p->id, &conf) != 0)
		return true;    /* cannot ask: trust what we configured */
	if ((conf.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP) == 0)
		return false;
	if (conf.rss_key_len >= sizeof(((struct tern_if_conf *)0)->rss_key) &&
	    conf.rss_key_len <= sizeof(key))
		memcpy(p->rss_key, key, conf.rss_key_len);
	return true;
}

/* The port's redirection table, when it has one we can read. */
static bool
rt_reta_read(const struct rt_port *p, struct tern_if_conf *ifc)
{
	struct rte_eth_rss_reta_entry64 conf[TERN_RETA_MAX /
					     RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_dev_info info;
	uint16_t size;

	if (rte_eth_dev_info_get(p->id, &info) != 0 || info.reta_size == 0 ||
	    info.reta_size > TERN_RETA_MAX)
		return false;
	size = info.reta_size;
	memset(conf, 0, sizeof(conf));
	for (uint16_t i = 0; i < RTE_ALIGN_CEIL(size, RTE_ETH_RETA_GROUP_SIZE) /
				 RTE_ETH_RETA_GROUP_SIZE; i++)
		conf[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(p->id, conf, size) != 0)
		return false;
	for (uint16_t i = 0; i < size; i++) {
		ifc->reta[i] = conf[i / RTE_ETH_RETA_GROUP_SIZE]
				       .reta[i % RTE_ETH_RETA_GROUP_SIZE];
		if (ifc->reta[i] >= p->nb_queues)
			return false;
	}
	ifc->reta_size = size;
	return true;
}

/*
 * Flow ownership (lib/core/tern_owner.h) for several workers: the
 * port's own redirection table and key when it hashes TCP with our
 * symmetric key (flows then arrive at their owner and steering finds
 * nothing to do); else a table of our own over the workers, with the
 * frames software steering hands over (net_tap: the kernel spreads
 * flows over the queues by its own hash). Decided once per port.
 */
void
rt_ownership_choose(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	struct tern_if_conf *own = &rt->owner;

	memset(own, 0, sizeof(*own));
	p->port_steers = false;
	if (rt->nb_workers < 2)
		return;
	if (p->rx_rss_hash && rt_rss_key_read(p) && rt_reta_read(p, own))
		p->port_steers = true;
	else {
		own->reta_size = RT_SOFT_RETA_SIZE;
		for (uint16_t i = 0; i < own->reta_size; i++)
			own->reta[i] = i % rt->nb_workers;
	}
	memcpy(own->rss_key, p->rss_key,
	       RTE_MIN(sizeof(own->rss_key), (size_t)p->rss_key_len));
}

/*
 * [tcp] max_tw left at its default follows memory: the TIME_WAIT
 * records of all workers may take half of what the EAL's heap has free
 * once the mbuf pools exist (the rest: connections, reassembly, the
 * application). A value set in the configuration is taken as is.
 */
void
rt_tw_fit(struct tern_rt *rt)
{
	struct rte_malloc_socket_stats st;
	uint32_t per = tern_tcp_tw_footprint_bytes(rt->cfg.tcp.max_tw);
	uint64_t free_bytes = 0, fit;

	if (rt->cfg.tcp.max_tw != TERN_CFG_MAX_TW_DEFAULT || per == 0 ||
	    rt->nb_workers == 0)
		return;
	for (unsigned int s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s),
						&st) == 0)
			free_bytes += st.heap_freesz_bytes;
	fit = free_bytes / 2 / rt->nb_workers / per;
	if (fit < rt->cfg.tcp.max_tw) {
		rt->cfg.tcp.max_tw = (uint32_t)RTE_MAX(fit, 1024u);
		RT_LOG(rt, NOTICE, "[tcp] max_tw: %u TIME_WAIT records per "
		       "worker (%u bytes each) fit half of the %" PRIu64
		       " MiB free; set it to hold more", rt->cfg.tcp.max_tw,
		       per, free_bytes >> 20);
	}
}

int
rt_steer_setup(struct tern_rt *rt)
{
	struct tern_steer_conf conf = {
		.nb_workers = (uint16_t)rt->nb_workers,
		.ring_size = rt->cfg.steer_ring,
		.socket_id = rte_eth_dev_socket_id(rt->port.id),
		.port_hash = rt->port.port_steers,
	};
	int rc;

	rt_ownership_choose(rt);
	if (rt->nb_workers < 2)
		return 0;
	if (rt->nb_workers > TERN_STEER_WORKERS_MAX) {
		RT_LOG(rt, ERR, "%u workers: at most %u share a port",
		       rt->nb_workers, TERN_STEER_WORKERS_MAX);
		return -EINVAL;
	}
	rc = tern_steer_create(&conf, &rt->steer);
	if (rc != 0)
		RT_LOG(rt, ERR, "steering rings (%u workers, [lcores] "
		       "steer_ring = %u): %s", rt->nb_workers, rt->cfg.steer_ring,
		       rte_strerror(-rc));
	return rc;
}

void
rt_steer_free(struct tern_rt *rt)
{
	tern_steer_free(rt->steer);
	rt->steer = NULL;
}

void
rt_stack_conf_fill(const struct tern_rt *rt, const struct rt_worker *w,
		   struct tern_stack_conf *conf)
{
	const struct rt_port *p = &rt->port;
	struct tern_if_conf *ifc = &conf->ifc;

	memset(conf, 0, sizeof(*conf));
	rte_ether_addr_copy(&p->mac, &ifc->mac);
	ifc->ip = rt->cfg.ip;
	ifc->netmask = tern_prefix_netmask(rt->cfg.prefix_len);
	ifc->gateway = rt->cfg.gateway;
	RTE_BUILD_BUG_ON(TERN_CFG_EXTRA_IP_MAX > TERN_IFC_EXTRA_MAX);
	memcpy(ifc->extra_ip, rt->cfg.extra_ip, sizeof(rt->cfg.extra_ip));
	ifc->nb_extra_ip = rt->cfg.nb_extra_ip;
	ifc->mtu = p->mtu;
	ifc->ip6 = rt->cfg.ip6;
	ifc->ip6_prefix_len = rt->cfg.ip6_prefix_len;
	ifc->gw6 = rt->cfg.gw6;
	ifc->tx_ip_cksum = p->tx_ip_cksum;
	ifc->tx_tcp_cksum = p->tx_tcp_cksum;
	ifc->tx_tso = p->tx_tso;
	ifc->rx_cksum = p->rx_cksum;
	ifc->rx_rss_hash = p->rx_rss_hash;
	if (p->rx_rss_hash)
		memcpy(ifc->rss_key, p->rss_key,
		       RTE_MIN(sizeof(ifc->rss_key), (size_t)p->rss_key_len));
	ifc->nb_queues = p->nb_queues;
	if (rt->nb_workers > 1) {
		/* The flow hash is the Toeplitz hash of ownership: the
		 * port's, or the one tern_steer_rx() puts in hash.rss. */
		ifc->rx_rss_hash = true;
		memcpy(ifc->rss_key, rt->owner.rss_key, sizeof(ifc->rss_key));
		ifc->reta_size = rt->owner.reta_size;
		memcpy(ifc->reta, rt->owner.reta, sizeof(ifc->reta));
	}
	conf->worker_id = w->queue_id;
	conf->steer = rt->steer;
	conf->tcp = rt->cfg.tcp;
	conf->pool = w->pool;
	conf->tx_flush = rt_tx_flush;
	conf->tx_flush_arg = (void *)(uintptr_t)w;
	conf->lcore_id = w->lcore_id;
	conf->port_id = p->id;
	conf->queue_id = w->queue_id;
	conf->now_ns = tern_clock_now_ns(&rt->clock);
}

/*
 * IPv6 needs the frames of its groups (RFC 4861 7.2.1): all-nodes and
 * the solicited-node group of each of our addresses. The port's
 * multicast filter takes exactly those; a port without one receives
 * all multicast, or everything (lib/net drops what is not ours).
 */
static int
port_join_ip6_groups(struct tern_rt *rt)
{
	static const struct tern_ip6 all_nodes = {
		.b = { 0xff, 0x02, [15] = 0x01 },
	};
	struct rt_port *p = &rt->port;
	struct rte_ether_addr macs[3];
	struct tern_ip6 ll, group;
	int rc;

	if (tern_ip6_is_unspec(&rt->cfg.ip6))
		return 0;
	tern_ip6_mc_mac(&all_nodes, &macs[0]);
	tern_ip6_linklocal_from_mac(&p->mac, &ll);
	tern_ip6_solicited_node(&ll, &group);
	tern_ip6_mc_mac(&group, &macs[1]);
	tern_ip6_solicited_node(&rt->cfg.ip6, &group);
	tern_ip6_mc_mac(&group, &macs[2]);
	rc = rte_eth_dev_set_mc_addr_list(p->id, macs, RTE_DIM(macs));
	if (rc == 0)
		return 0;
	RT_LOG(rt, INFO, "port %s: no multicast filter (%s): receiving all "
	       "multicast for IPv6", p->name, rte_strerror(-rc));
	rc = rte_eth_allmulticast_enable(p->id);
	if (rc == 0)
		return 0;
	RT_LOG(rt, INFO, "port %s: no all-multicast mode (%s): promiscuous "
	       "for IPv6", p->name, rte_strerror(-rc));
	rc = rte_eth_promiscuous_enable(p->id);
	if (rc != 0)
		RT_LOG(rt, ERR, "port %s: cannot receive IPv6 multicast "
		       "(Neighbour Discovery): %s", p->name, rte_strerror(-rc));
	return rc;
}

int
rt_port_start(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	int rc = rte_eth_dev_start(p->id);

	if (rc != 0) {
		RT_LOG(rt, ERR, "port %s: start: %s", p->name,
		       rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	return port_join_ip6_groups(rt);
}

void
rt_port_close(struct tern_rt *rt)
{
	struct rt_port *p = &rt->port;
	int rc;

	if (p->started) {
		rc = rte_eth_dev_stop(p->id);
		if (rc != 0)
			RT_LOG(rt, WARNING, "port %s: stop: %s", p->name,
			       rte_strerror(-rc));
		p->started = false;
	}
	/* No loop runs and the port is stopped: no rx_burst can be inside
	 * a fault callback any more, so they can be freed. */
	rt_fault_remove(rt);
	if (p->configured) {
		/* Releasing the queues returns the mbufs the rings hold. */
		rc = rte_eth_dev_close(p->id);
		if (rc != 0)
			RT_LOG(rt, WARNING, "port %s: close: %s", p->name,
			       rte_strerror(-rc));
		p->configured = false;
	}
}

int
rt_pools_free(struct tern_rt *rt)
{
	int rc = 0;

	for (unsigned int i = 0; i < rt->nb_workers; i++) {
		struct rt_worker *w = rt->workers[i];
		unsigned int in_use;

		if (w->pool != NULL) {
			in_use = rte_mempool_in_use_count(w->pool);
			if (in_use != 0) {
				RT_LOG(rt, ERR, "pool %s: %u mbufs leaked",
				       w->pool->name, in_use);
				rc = -EBUSY;
			}
			rte_mempool_free(w->pool);
		}
		rte_free(w);
		rt->workers[i] = NULL;
	}
	rt->nb_workers = 0;
	return rc;
}
