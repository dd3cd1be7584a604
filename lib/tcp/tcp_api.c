/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The public TCP API (tern_tcp.h): per-lcore setup, listen / connect /
 * send / shutdown / close / abort, and read-only views.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "tcp_fsm_row.h"
#include "tcp_input6.h"
#include "tcp_open.h"
#include "tcp_priv.h"
#include "tcp_sq.h"
#include "tern_splitmix.h"
#include "tcp_fsm.h"

void
tern_tcp_conf_defaults(struct tern_tcp_conf *conf)
{
	*conf = (struct tern_tcp_conf){
		.max_conns = 65536,
		.max_tw = 65536,
		.msl_ms = 30000,
		.syn_retries = 7,
		.synack_retries = 5,
		.max_retries = 12,
		.rto_initial_ms = 1000,
		.rto_min_ms = 200,
		.rto_max_ms = 60000,
		.delack_ms = 40,
		.fin_wait2_ms = 60000,
		.rcv_buf = 256 * 1024,
		.snd_buf = 256 * 1024,
		.backlog = 1024,
		.challenge_ack_per_sec = 10,
		.challenge_ack_global_per_sec = 1000,
		.persist_max_ms = 0,
		.keepalive_idle_ms = 0,
		.keepalive_intvl_ms = 75000,
		.keepalive_cnt = 9,
		.reass_max_bytes = 0,
		.reass_conns = 0,
		.cc = TERN_TCP_CC_CUBIC,
		.nagle = false,
		.syn_cookies = true,
		.tlp = true,
		.mss = 0,
		.timestamps = true,
		.window_scale = true,
		.sack = true,
		.port_min = TCP_EPH_PORT_MIN,
		.port_max = TCP_EPH_PORT_MAX,
		.tw_reuse = true,
		.tw_reuse_delay_ms = 1000,
		.tx_zero_copy = true,
	};
}

/*
 * TIME_WAIT records are cold (a lookup for a stray segment, the expiry
 * at the head of the FIFO) and many: packed, neither cache-aligned nor
 * spread over memory channels, an object is 88 bytes instead of 192,
 * so that a million per worker take ~96 MiB with their buckets
 * (tern_tcp_tw_footprint_bytes(), docs/architecture.md).
 */
#define TCP_TW_POOL_FLAGS \
	(RTE_MEMPOOL_F_NO_CACHE_ALIGN | RTE_MEMPOOL_F_NO_SPREAD)

static struct rte_mempool *
tcp_pool_create(const char *what, const struct tern_ctx *ctx, uint32_t n,
		uint32_t size, unsigned int flags, int socket)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "%s%" PRIxPTR, what, (uintptr_t)ctx);
	/* One lcore owns it: single producer, single consumer, no cache. */
	return rte_mempool_create(name, n, size, 0, 0, NULL, NULL, NULL, NULL,
				  socket, flags | RTE_MEMPOOL_F_SP_PUT |
				  RTE_MEMPOOL_F_SC_GET);
}

uint32_t
tern_tcp_conn_record_bytes(void)
{
	return sizeof(struct tern_conn);
}

uint32_t
tern_tcp_conn_tmpl_bytes(void)
{
	return sizeof(struct tcp_tmpl);
}

uint32_t
tern_tcp_tw_footprint_bytes(uint32_t max_tw)
{
	uint64_t buckets;

	if (max_tw == 0)
		return 0;
	buckets = (uint64_t)tern_ctable_buckets_for(max_tw) *
		  sizeof(struct tern_hnode *);
	return rte_mempool_calc_obj_size(sizeof(struct tcp_tw),
					 TCP_TW_POOL_FLAGS, NULL) +
	       (uint32_t)((buckets + max_tw - 1) / max_tw);
}

static bool
tcp_conf_in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi;
}

int
tern_tcp_conf_check(const struct tern_tcp_conf *c, char *err, size_t err_len)
{
	char scratch[1];

	if (err == NULL) {
		err = scratch;
		err_len = sizeof(scratch);
	}
#define TCP_CONF_CHECK_U32(field, lo, hi) \
	if (!tcp_conf_in_range(c->field, lo, hi)) { \
		snprintf(err, err_len, "%s = %u: expected [%u, %u]", #field, \
			 c->field, (uint32_t)(lo), (uint32_t)(hi)); \
		return -EINVAL; \
	}
	TERN_TCP_CONF_U32_FIELDS(TCP_CONF_CHECK_U32)
#undef TCP_CONF_CHECK_U32
	if (c->mss != 0 &&
	    (c->mss < TERN_TCP_MSS_MIN || c->mss > TERN_TCP_MSS_MAX)) {
		snprintf(err, err_len, "mss = %u: expected [%u, %u] or 0",
			 c->mss, TERN_TCP_MSS_MIN, TERN_TCP_MSS_MAX);
		return -EINVAL;
	}
	if (c->rto_min_ms > c->rto_max_ms) {
		snprintf(err, err_len, "rto_min_ms = %u is above rto_max_ms = "
			 "%u", c->rto_min_ms, c->rto_max_ms);
		return -EINVAL;
	}
	if ((unsigned int)c->cc >= TCP_CC_NALGOS) {
		snprintf(err, err_len, "cc = %u: no such algorithm", c->cc);
		return -EINVAL;
	}
	if (c->port_min == 0 || c->port_min > c->port_max) {
		snprintf(err, err_len, "port_min = %u, port_max = %u: expected "
			 "1 <= port_min <= port_max <= 65535", c->port_min,
			 c->port_max);
		return -EINVAL;
	}
	return 0;
}

int
tern_tcp_init(struct tern_ctx *ctx, const struct tern_tcp_conf *conf,
	      const struct tern_tcp_secret *secret)
{
	int socket = rte_socket_id() == (unsigned int)SOCKET_ID_ANY ?
			     0 : (int)rte_socket_id();
	struct tern_tcp *tcp;
	uint64_t x = secret->port_seed;
	int rc;

	if (tern_tcp_conf_check(conf, NULL, 0) != 0)
		return -EINVAL;
	tcp = rte_zmalloc_socket("tern_tcp", sizeof(*tcp), RTE_CACHE_LINE_SIZE,
				 socket);
	if (tcp == NULL)
		return -ENOMEM;
	tcp->conf = *conf;
	ctx->tcp = tcp;
	tcp_fsm_log_refresh(ctx);
	TAILQ_INIT(&tcp->tw_fifo);
	TAILQ_INIT(&tcp->work);
	tern_timer_init(&tcp->tw_timer);
	tern_timer_queue_init(&tcp->syn_rtx);
	tern_wheel_init(&tcp->wheel, ctx->now_ns, NS_PER_MS);
	tcp->isn_secret.k0 = secret->isn_k0;
	tcp->isn_secret.k1 = secret->isn_k1;
	for (unsigned int i = 0; i < TCP_NB_SRC_ALL; i++)
		tcp->next_eph_port[i] = (uint16_t)(conf->port_min +
			tern_splitmix64(&x) %
			((uint32_t)conf->port_max - conf->port_min + 1));
	/* A configured MSS is a ceiling: never more than the MTU carries. */
	tcp->our_mss = (uint16_t)(ctx->ifc.mtu - 40);
	if (conf->mss != 0 && conf->mss < tcp->our_mss)
		tcp->our_mss = conf->mss;
	tcp->rcv_wnd_step = RTE_MIN(conf->rcv_buf / 2, (uint32_t)tcp->our_mss);
	/* The least shift that lets rcv_buf fit the 16-bit window field. */
	while (conf->window_scale && tcp->rcv_wscale < TCP_MAX_WSCALE &&
	       (conf->rcv_buf >> tcp->rcv_wscale) > UINT16_MAX)
		tcp->rcv_wscale++;

	rc = tern_ctable_init(&tcp->conns, conf->max_conns, socket);
	if (rc == 0 && conf->max_tw > 0)
		rc = tern_ctable_init(&tcp->tws, conf->max_tw, socket);
	if (rc != 0)
		goto fail;
	tcp->conn_pool = tcp_pool_create("tcpc", ctx, conf->max_conns,
					 TCP_CONN_ELT_SIZE, 0, socket);
	if (tcp->conn_pool == NULL)
		goto nomem;
	tcp->reass_pool = tcp_pool_create("tcpr", ctx,
		conf->reass_conns != 0 ? conf->reass_conns
				       : RTE_MAX(conf->max_conns / 16, 64u),
		sizeof(struct tcp_reass), 0, socket);
	if (tcp->reass_pool == NULL)
		goto nomem;
	if (conf->max_tw > 0) {
		tcp->tw_pool = tcp_pool_create("tcpw", ctx, conf->max_tw,
					       sizeof(struct tcp_tw),
					       TCP_TW_POOL_FLAGS, socket);
		if (tcp->tw_pool == NULL)
			goto nomem;
	}
	rc = tcp_peers6_setup(ctx, socket);
	if (rc != 0)
		goto fail;
	return 0;
nomem:
	rc = -ENOMEM;
fail:
	tern_tcp_fini(ctx);
	return rc;
}

/* Every connection record in the table (for shutdown and views). */
static unsigned int
tcp_collect_conns(const struct tern_tcp *tcp, struct tern_conn **out,
		  unsigned int max)
{
	unsigned int n = 0;

	if (tcp->conns.buckets == NULL)
		return 0;
	for (uint32_t b = 0; b <= tcp->conns.mask && n < max; b++)
		for (struct tern_hnode *h = tcp->conns.buckets[b];
		     h != NULL && n < max; h = h->next)
			out[n++] = (struct tern_conn *)h;
	return n;
}

void
tern_tcp_fini(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *batch[64];
	unsigned int n;

	if (tcp == NULL)
		return;
	/* Reset what is still open, telling the app (closed(ABORTED)). */
	while ((n = tcp_collect_conns(tcp, batch, RTE_DIM(batch))) > 0)
		for (unsigned int i = 0; i < n; i++)
			tcp_conn_abort(ctx, batch[i]);
	while (tcp->listeners != NULL)
		tern_tcp_unlisten(tcp->listeners);
	tern_timer_cancel(&tcp->wheel, &tcp->syn_rtx.watch);
	if (tcp->tw_pool != NULL) {
		tcp_tw_free_all(ctx);
		tcp_tw_stash_drain(tcp);
	}
	rte_mempool_free(tcp->tw_pool);
	rte_mempool_free(tcp->reass_pool);
	if (tcp->conn_pool != NULL)
		tcp_conn_stash_drain(tcp);
	rte_mempool_free(tcp->conn_pool);
	tern_ctable_fini(&tcp->tws);
	tern_ctable_fini(&tcp->conns);
	tcp_peers6_teardown(tcp);
	rte_free(tcp);
	ctx->tcp = NULL;
}

void
tern_tcp_output(struct tern_ctx *ctx)
{
	tcp_flush_work(ctx);
}

void
tern_tcp_poll(struct tern_ctx *ctx)
{
	tcp_fsm_log_refresh(ctx);
	tcp_timers_run(ctx);
	tcp_flush_work(ctx);
}

uint64_t
tern_tcp_next_deadline_ns(const struct tern_ctx *ctx)
{
	const struct tern_tcp *tcp = tcp_of(ctx);

	if (!TAILQ_EMPTY(&tcp->work))
		return ctx->now_ns;
	return tern_wheel_next_deadline_ns(&tcp->wheel);
}

/* ---- listeners ---- */

int
tern_tcp_listen(struct tern_ctx *ctx, uint16_t port,
		const struct tern_tcp_ops *ops, void *user,
		struct tern_listener **out)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_listener *l;

	if (port == 0 || ops == NULL || ops->accepted == NULL || out == NULL)
		return -EINVAL;
	for (l = tcp->listeners; l != NULL; l = l->next)
		if (l->port == port)
			return -EADDRINUSE;
	l = rte_zmalloc("tern_listener", sizeof(*l), 0);
	if (l == NULL)
		return -ENOMEM;
	l->ctx = ctx;
	l->port = port;
	l->backlog = tcp->conf.backlog;
	l->ops = ops;
	l->user = user;
	TAILQ_INIT(&l->children);
	l->next = tcp->listeners;
	tcp->listeners = l;
	tcp_fsm_step_listener(ctx, l, TCP_EV_USER_LISTEN, NULL);
	*out = l;
	return 0;
}

void
tern_tcp_listen_pause(struct tern_listener *l, bool paused)
{
	l->syn_paused = paused;
}

void
tern_tcp_listen_families(struct tern_listener *l, bool v4, bool v6)
{
	l->no_v4 = !v4;
	l->no_v6 = !v6;
}

int
tern_tcp_unlisten(struct tern_listener *l)
{
	struct tern_ctx *ctx = l->ctx;
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_listener **pp;
	struct tern_conn *c;

	while ((c = TAILQ_FIRST(&l->children)) != NULL)
		tcp_conn_abort(ctx, c);
	for (pp = &tcp->listeners; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	tcp_fsm_step_listener(ctx, l, TCP_EV_USER_CLOSE, NULL);
	rte_free(l);
	return 0;
}

/* ---- active open ---- */

/*
 * RFC 9293 MUST-46: an OPEN to a broadcast or multicast address (or to
 * 0.0.0.0, loopback, or ourselves) is an error, not a SYN on the wire.
 */
static bool
tcp_unicast_peer(const struct tern_ctx *ctx, rte_be32_t daddr)
{
	uint32_t a = rte_be_to_cpu_32(daddr);
	uint32_t mask = rte_be_to_cpu_32(ctx->ifc.netmask);
	uint32_t ours = rte_be_to_cpu_32(ctx->ifc.ip);

	if (a == 0 || a == UINT32_MAX || (a >> 28) == 0xe ||
	    (a >> 24) == 127 || tern_ifc_is_ours(&ctx->ifc, daddr))
		return false;
	/* The directed broadcast of our subnet (not for /31, /32). */
	if (mask != 0 && mask < 0xfffffffeu && (a & mask) == (ours & mask) &&
	    (a | mask) == UINT32_MAX)
		return false;
	return true;
}

/* tcp_connect_start(), inline in the IPv4 open (no call of its own). */
static __rte_always_inline void
tcp_connect_begin(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tern_tcp_ops *ops, void *user,
		  uint32_t iss_floor, struct tern_conn **out)
{
	c->ops = ops;
	c->user = user;
	c->flags |= CF_APP_OWNED;
	tcp_conn_init_seq(ctx, c, iss_floor);
	/* Until the SYN+ACK says otherwise (RFC 9293 3.7.1). */
	c->mss = TCP_DEFAULT_MSS;
	*out = c;
	tcp_fsm_step_connect(ctx, c);
}

int
tern_tcp_connect(struct tern_ctx *ctx, rte_be32_t daddr, uint16_t dport,
		 const struct tern_tcp_ops *ops, void *user,
		 struct tern_conn **out)
{
	struct tern_flow_key key = {
		.laddr = ctx->ifc.ip,
		.faddr = daddr,
		.fport = rte_cpu_to_be_16(dport),
	};
	struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t hash, iss_floor = 0;
	struct tern_conn *c;
	int rc;

	if (dport == 0 || ops == NULL || out == NULL ||
	    !tcp_unicast_peer(ctx, daddr))
		return -EINVAL;
	rc = tcp_pick_src(ctx, &key, &hash, &iss_floor);
	if (rc != 0)
		return rc;
	c = tcp_conn_alloc(ctx, &key, hash, TERN_TCP_CLOSED);
	if (c == NULL) {
		if (iss_floor != 0)
			tcp_port_freed(tcp, &key); /* a taken TIME_WAIT */
		return -ENOMEM;
	}
	tcp_connect_begin(ctx, c, ops, user, iss_floor, out);
	return 0;
}

void
tcp_connect_start(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tern_tcp_ops *ops, void *user,
		  uint32_t iss_floor, struct tern_conn **out)
{
	tcp_connect_begin(ctx, c, ops, user, iss_floor, out);
}

/* ---- data and closing ---- */

uint32_t
tern_tcp_send_space(const struct tern_conn *c)
{
	uint32_t max = tcp_of(c->ctx)->conf.snd_buf;

	return c->sq_bytes >= max ? 0 : max - c->sq_bytes;
}

/*
 * tern_tcp_send() of @p len bytes the send buffer takes whole and that
 * fit in the queue's first mbuf, the usual case of a request or a
 * response (every ACK that empties the queue frees its mbufs): one
 * copy into a fresh mbuf, the connection queued for output. False when
 * the general way must go on. The copy comes last, so that only the
 * length is kept across its call.
 */
static __rte_always_inline bool
tcp_sq_put_first(struct tern_ctx *ctx, struct tern_conn *c, const void *buf,
		 uint32_t len)
{
	struct rte_mbuf *m;

	if (c->sq_head != NULL || len - 1 >= tcp_of(ctx)->conf.snd_buf)
		return false;
	m = tern_mbuf_get_kept(ctx);
	if (unlikely(m == NULL))
		return false; /* tcp_sq_append() refills, and counts */
	c->sq_head = m;
	c->sq_tail = m;
	/* More than one mbuf holds: tcp_sq_append() fills this one on. */
	if (unlikely(len > rte_pktmbuf_tailroom(m)))
		return false;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	c->sq_bytes = len;
	tcp_conn_work(ctx, c);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), buf, len);
	return true;
}

/*
 * tern_tcp_send() past the usual case: as much as the send buffer takes
 * appended to the queue. Out of line, so that the usual case keeps a
 * small frame.
 */
static __rte_noinline int32_t
tcp_send_append(struct tern_ctx *ctx, struct tern_conn *c, const void *buf,
		uint32_t len)
{
	uint32_t max = tcp_of(ctx)->conf.snd_buf;
	uint32_t space = c->sq_bytes >= max ? 0 : max - c->sq_bytes;
	uint32_t want = RTE_MIN(len, space);
	/* snd_buf is at most 2^30 (tern_tcp.h): done fits the int32_t. */
	uint32_t done = tcp_sq_append(ctx, c, buf, want);

	if (done < len)
		c->flags |= CF_WANT_WRITABLE;
	if (done == 0 && want > 0)
		return -ENOBUFS;
	if (done > 0)
		tcp_conn_work(ctx, c);
	return (int32_t)done;
}

int32_t
tern_tcp_send(struct tern_conn *c, const void *buf, uint32_t len)
{
	struct tern_ctx *ctx = c->ctx;

	if (c->flags & (CF_FIN_QUEUED | CF_CLOSED_CB))
		return -EPIPE;
	if (!tcp_state_has(c->state, SP_APP_SENDS))
		return -ENOTCONN;
	if (likely(tcp_sq_put_first(ctx, c, buf, len)))
		return (int32_t)len;
	return tcp_send_append(ctx, c, buf, len);
}

/* USER_CLOSE: FIN after the queued data, where the state allows it. */
static int
tcp_user_close(struct tern_conn *c)
{
	struct tern_ctx *ctx = c->ctx;

	if (c->flags & CF_CLOSED_CB)
		return -ENOTCONN;
	/* FIN_WAIT_1 before the open completes (simultaneous open):
	 * connected() comes with the ACK of our SYN, if ever. */
	if (c->state == TERN_TCP_SYN_RCVD)
		c->flags |= CF_OPEN_PENDING;
	/* Without a row our FIN is already on its way. Inside a callback
	 * of c (the usual close(): on a response, on the peer's FIN) the
	 * outermost settle comes after, and a nested one only tells
	 * closed() of an end: no call for the rows that do not end it. */
	if (tcp_fsm_step_user_close(ctx, c) == 0 &&
	    (!c->busy || c->state == TERN_TCP_CLOSED))
		tcp_conn_settle(ctx, c);
	return 0;
}

int
tern_tcp_shutdown(struct tern_conn *c)
{
	if (c->state == TERN_TCP_SYN_SENT)
		return -ENOTCONN;
	return tcp_user_close(c);
}

int
tern_tcp_close(struct tern_conn *c)
{
	struct tern_ctx *ctx = c->ctx;

	if (c->flags & CF_CLOSED_CB)
		return -ENOTCONN;
	/* Closed before (or in the FIN's step, as promised): no more. */
	if (c->flags & CF_RCV_CLOSED)
		return 0;
	c->flags |= CF_RCV_CLOSED;
	if (c->state == TERN_TCP_FIN_WAIT_2 && c->fw2_deadline_ns == 0) {
		/* Now an orphan: reap it if the peer never closes. */
		c->fw2_deadline_ns = ctx->now_ns +
			(uint64_t)tcp_of(ctx)->conf.fin_wait2_ms * NS_PER_MS;
		tcp_timer_update(ctx, c);
	}
	return tcp_user_close(c);
}

void
tern_tcp_abort(struct tern_conn *c)
{
	tcp_conn_abort(c->ctx, c);
}

/* ---- per-connection options ---- */

int
tern_tcp_set_nagle(struct tern_conn *c, bool on)
{
	if (on)
		c->flags |= CF_NAGLE;
	else
		c->flags &= ~CF_NAGLE;
	return 0;
}

int
tern_tcp_set_keepalive(struct tern_conn *c, uint32_t idle_ms,
		       uint32_t intvl_ms, uint32_t cnt)
{
	struct tern_ctx *ctx = c->ctx;

	if (idle_ms != 0 && (intvl_ms == 0 || cnt == 0 || cnt > 255))
		return -EINVAL;
	c->ka_idle_ms = idle_ms;
	c->ka_intvl_ms = intvl_ms;
	c->ka_cnt = (uint8_t)cnt;
	c->ka_probes = 0;
	c->ka_deadline_ns = idle_ms != 0 ?
		c->last_rx_ns + (uint64_t)idle_ms * NS_PER_MS : 0;
	tcp_timer_update(ctx, c);
	return 0;
}

int
tern_tcp_set_cc(struct tern_conn *c, enum tern_tcp_cc cc)
{
	if ((unsigned int)cc >= TCP_CC_NALGOS)
		return -EINVAL;
	/* Same window, new rules: the growth state starts over. */
	c->cc.algo = (uint8_t)cc;
	c->cc.epoch_ns = 0;
	return 0;
}

int
tern_tcp_set_recv_manual(struct tern_conn *c, bool manual)
{
	if (manual) {
		c->flags |= CF_RCV_MANUAL;
	} else {
		c->flags &= ~CF_RCV_MANUAL;
		tern_tcp_recv_done(c, c->rcv_held);
	}
	return 0;
}

void
tern_tcp_recv_done(struct tern_conn *c, uint32_t bytes)
{
	uint32_t before = tcp_rcv_wnd(c);

	c->rcv_held -= RTE_MIN(bytes, c->rcv_held);
	/* A window that opens by a worthwhile step is announced at once. */
	if (tcp_rcv_wnd(c) > before && c->state != TERN_TCP_CLOSED) {
		c->flags |= CF_ACK_NOW;
		tcp_conn_work(c->ctx, c);
	}
}

/* ---- views ---- */

enum tern_tcp_state
tern_tcp_state(const struct tern_conn *c)
{
	return (enum tern_tcp_state)c->state;
}

void
tern_tcp_set_user(struct tern_conn *c, void *user)
{
	c->user = user;
}

void *
tern_tcp_get_user(const struct tern_conn *c)
{
	return c->user;
}

struct tern_ctx *
tern_tcp_ctx(const struct tern_conn *c)
{
	return c->ctx;
}

void
tern_tcp_get_info(const struct tern_conn *c, struct tern_tcp_info *info)
{
	*info = (struct tern_tcp_info){
		.state = (enum tern_tcp_state)c->state,
		.family = tcp_key_is6(&c->node.key) ? AF_INET6 : AF_INET,
		.laddr = c->node.key.laddr,
		.faddr = c->node.key.faddr,
		.lport = rte_be_to_cpu_16(c->node.key.lport),
		.fport = rte_be_to_cpu_16(c->node.key.fport),
		.snd_una = c->snd_una,
		.snd_nxt = c->snd_nxt,
		.snd_wnd = c->snd_wnd,
		.iss = c->iss,
		.rcv_nxt = c->rcv_nxt,
		.rcv_wnd = tcp_rcv_wnd(c),
		.irs = c->irs,
		.srtt_us = c->srtt_us,
		.rttvar_us = c->rttvar_us,
		.rto_ms = c->rto_ms,
		.mss = c->mss,
		.snd_wscale = c->snd_wscale,
		.rcv_wscale = c->rcv_wscale,
		.ts_ok = (c->flags & CF_TS_OK) != 0,
		.sack_ok = (c->flags & CF_SACK_OK) != 0,
		.unacked_bytes = c->snd_max - c->snd_una,
		.queued_bytes = c->sq_bytes,
		.retransmits = c->retrans_total,
		.cwnd = c->cc.cwnd,
		.ssthresh = c->cc.ssthresh,
		.sacked_bytes = c->sb.sacked,
		.ooo_bytes = c->reass != NULL ? c->reass->bytes : 0,
		.lost_bytes = tcp_lost_bytes(c),
		.segs_in = c->segs_in,
		.segs_out = c->segs_out,
		.in_recovery = (c->flags & CF_RECOVERY) != 0,
		.cc = (enum tern_tcp_cc)c->cc.algo,
		.icmp_type = c->icmp_type,
		.icmp_code = c->icmp_code,
		.pmtu = c->pmtu,
	};
	if (info->family == AF_INET6) {
		info->laddr = 0;
		info->faddr = 0;
		tcp_key6_addrs(c->ctx, &c->node.key, &info->laddr6,
			       &info->faddr6);
	}
}

void
tern_tcp_state_counts(const struct tern_ctx *ctx,
		      uint32_t counts[TERN_TCP_NSTATES])
{
	memcpy(counts, tcp_of(ctx)->state_count,
	       sizeof(tcp_of(ctx)->state_count));
}

uint32_t
tern_tcp_peers6_count(const struct tern_ctx *ctx)
{
	return tcp_of(ctx)->peers6.used;
}

/* ---- mbuf chain audit (tests, debugging) ---- */

static int
tcp_conn_mbuf_check(const struct tern_conn *c, const char **reason)
{
	if (tcp_sq_check(c, reason) != 0)
		return -EINVAL;
	if (c->rx_pending != NULL && rte_mbuf_check(c->rx_pending, 1, reason))
		return -EINVAL;
	if (c->reass == NULL)
		return 0;
	for (uint32_t i = 0; i < c->reass->n; i++)
		if (rte_mbuf_check(c->reass->s[i].data, 1, reason) != 0)
			return -EINVAL;
	return 0;
}

int
tern_tcp_mbuf_audit(const struct tern_ctx *ctx, uint16_t *lport,
		    const char **reason)
{
	const struct tern_tcp *tcp = tcp_of(ctx);

	if (tcp == NULL || tcp->conns.buckets == NULL)
		return 0;
	for (uint32_t b = 0; b <= tcp->conns.mask; b++) {
		for (const struct tern_hnode *h = tcp->conns.buckets[b];
		     h != NULL; h = h->next) {
			const struct tern_conn *c =
				(const struct tern_conn *)h;

			if (tcp_conn_mbuf_check(c, reason) == 0)
				continue;
			*lport = rte_be_to_cpu_16(c->node.key.lport);
			return -EINVAL;
		}
	}
	return 0;
}
