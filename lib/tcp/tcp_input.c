/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input: validate a burst of segments once, find each one's owner
 * (connection, TIME_WAIT record, listener, or nobody), and reduce the
 * segment to one event of the state table after the ordered checks of
 * RFC 9293 3.10.7. ESTABLISHED in-order data and pure ACKs take the
 * header-prediction fast path; everything else goes through the table.
 */
#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_priv.h"
#include "tern_net.h"

/* ---- parsing: bytes to struct tcp_seg, once, at the edge ---- */

static bool
tcp_cksum_ok(const struct tern_ctx *ctx, struct rte_mbuf *m,
	     const struct rte_ipv4_hdr *ip)
{
	uint64_t st = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t sum;

	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (ctx->ifc.rx_cksum && st == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	/*
	 * Not rte_ipv4_udptcp_cksum_mbuf_verify(): in DPDK 22.11 it loses
	 * carries on chains with odd-length segments (see tern_net.h).
	 */
	sum = (uint32_t)tern_net_cksum_mbuf(m, 0, m->pkt_len) +
	      rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Validate @p m (data at the TCP header) into @p seg. On failure the
 * reason is returned (the caller counts it and frees the mbuf).
 */
static tern_stat_t
tcp_parse(struct tern_ctx *ctx, struct rte_mbuf *m, struct tcp_seg *seg)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					-(int)m->l3_len);
	const struct rte_tcp_hdr *th;
	unsigned int hdr_len;
	uint8_t f;

	if (m->pkt_len < TCP_HDR_LEN || m->data_len < TCP_HDR_LEN)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	th = rte_pktmbuf_mtod(m, const struct rte_tcp_hdr *);
	hdr_len = (th->data_off >> 4) * 4u;
	/* Options must sit in the first segment of an LRO chain too. */
	if (hdr_len < TCP_HDR_LEN || hdr_len > m->pkt_len ||
	    hdr_len > m->data_len)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	if (th->src_port == 0 || th->dst_port == 0)
		return TERN_STAT_TCP_DROP_BAD_HDR;
	if (!tcp_cksum_ok(ctx, m, ip))
		return TERN_STAT_TCP_IN_CSUM_ERRORS;

	f = th->tcp_flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_ACK |
			     TCP_URG);
	/* Impossible mixes, and the flagless "null" segment. */
	if ((f & (TCP_SYN | TCP_FIN)) == (TCP_SYN | TCP_FIN) ||
	    (f & (TCP_SYN | TCP_RST)) == (TCP_SYN | TCP_RST) ||
	    (f & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == 0)
		return TERN_STAT_TCP_DROP_BAD_FLAGS;
	if (tcp_opts_parse((const uint8_t *)(th + 1), hdr_len - TCP_HDR_LEN,
			   (f & TCP_SYN) != 0, &seg->opts) != TCP_OPTS_OK)
		return TERN_STAT_TCP_DROP_BAD_OPTS;

	seg->m = m;
	seg->flags = f;
	seg->hdr_len = (uint16_t)hdr_len;
	seg->seq = rte_be_to_cpu_32(th->sent_seq);
	seg->ack = rte_be_to_cpu_32(th->recv_ack);
	seg->wnd = rte_be_to_cpu_16(th->rx_win);
	seg->len = m->pkt_len - hdr_len;
	seg->key.laddr = ip->dst_addr;
	seg->key.faddr = ip->src_addr;
	seg->key.lport = th->dst_port;
	seg->key.fport = th->src_port;
	if (ctx->ifc.rx_rss_hash && (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
		seg->hash = m->hash.rss;
	else
		seg->hash = tcp_flow_hash(ctx, &seg->key);
	/* From here on the mbuf holds just the payload. */
	rte_pktmbuf_adj(m, (uint16_t)hdr_len);
	return TERN_STAT_MAX;
}

/* ---- helpers of the synchronized states ---- */

/* RFC 9293 3.10.7.4, first check: is any of the segment in the window? */
static bool
tcp_seq_acceptable(const struct tern_conn *c, const struct tcp_seg *seg)
{
	uint32_t wnd = tcp_rcv_wnd(c);
	uint32_t len = seg->len + !!(seg->flags & TCP_SYN) +
		       !!(seg->flags & TCP_FIN);

	if (len == 0) {
		if (wnd == 0)
			return seg->seq == c->rcv_nxt;
		return seq_in_range(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return seq_in_range(seg->seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
	       seq_in_range(seg->seq + len - 1, c->rcv_nxt,
			    c->rcv_nxt + wnd);
}

/* RFC 7323 5.3 PAWS: a timestamp older than TS.Recent is a duplicate. */
static bool
tcp_paws_reject(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return (c->flags & CF_TS_OK) && seg->opts.ts_ok &&
	       !(seg->flags & TCP_RST) &&
	       seq_lt(seg->opts.tsval, c->ts_recent);
}

static void
tcp_ack_soon(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags |= CF_ACK_NOW;
	tcp_conn_work(ctx, c);
}

/* Drop @p n acknowledged bytes from the head of the send queue. */
static void
tcp_sq_trim(struct tern_conn *c, uint32_t n)
{
	c->sq_bytes -= n;
	while (n > 0) {
		struct rte_mbuf *m = c->sq_head;

		if (n < m->data_len) {
			rte_pktmbuf_adj(m, (uint16_t)n);
			return;
		}
		n -= m->data_len;
		c->sq_head = tcp_mbuf_free_head(m);
	}
	if (c->sq_head == NULL)
		c->sq_tail = NULL;
}

/*
 * The peer's window opened again after we probed it. What was in flight
 * when it shut was likely dropped beyond its edge: go back to SND.UNA
 * now rather than at the next (backed-off) RTO, as Linux does.
 */
static void
tcp_window_reopened(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags &= ~CF_PERSIST;
	c->backoff = 0;
	c->retries = 0;
	if (c->snd_max != c->snd_una) {
		c->snd_nxt = c->snd_una;
		tcp_rtx_arm(ctx, c);
	}
	tcp_conn_work(ctx, c);
}

/* RFC 5681 2: a duplicate ACK acks nothing new, carries nothing, and
 * finds data outstanding and the window unchanged. */
static bool
tcp_is_dup_ack(const struct tern_conn *c, const struct tcp_seg *seg)
{
	/* A zero window is flow control, not a sign of loss. */
	return seg->ack == c->snd_una && seg->len == 0 &&
	       !(seg->flags & (TCP_SYN | TCP_FIN)) &&
	       c->snd_max != c->snd_una && c->snd_wnd != 0 &&
	       (seg->wnd << c->snd_wscale) == c->snd_wnd;
}

/* Merge the peer's SACK blocks into the scoreboard (RFC 2018). */
static void
tcp_take_sack(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_seg *seg)
{
	unsigned int rejected;

	tcp_sb_update(&c->sb, c->snd_una, c->snd_max, seg->opts.sack,
		      seg->opts.nsack, &rejected);
	if (rejected > 0)
		tern_stat_add(&ctx->stats, TERN_STAT_TCP_SACK_DISCARD,
			      rejected);
}

static void
tcp_update_window(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg)
{
	/* RFC 9293 3.10.7.4: only a newer segment may move the window. */
	if (seq_lt(c->snd_wl1, seg->seq) ||
	    (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, seg->ack))) {
		c->snd_wnd = seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		if (c->snd_wnd > c->max_sndwnd)
			c->max_sndwnd = c->snd_wnd;
		if (c->snd_wnd > 0 && (c->flags & CF_PERSIST))
			tcp_window_reopened(ctx, c);
	}
}

static void
tcp_rtt_from_ack(struct tern_ctx *ctx, struct tern_conn *c,
		 const struct tcp_seg *seg)
{
	const struct tern_tcp_conf *conf = &tcp_of(ctx)->conf;

	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok && seg->opts.tsecr != 0) {
		/* RFC 7323 4.1: TSecr echoes our clock (plus offset). */
		uint32_t ms = tcp_now_ms(ctx) + c->ts_offset - seg->opts.tsecr;

		if (ms < 60 * 1000)
			tcp_rtt_sample(c, ms * 1000, conf);
	} else if ((c->flags & CF_RTT_TIMING) && seq_gt(seg->ack, c->rtt_seq)) {
		c->flags &= ~CF_RTT_TIMING;
		tcp_rtt_sample(c,
			       (uint32_t)((ctx->now_ns - c->rtt_start_ns) /
					  NS_PER_US),
			       conf);
	}
}

/*
 * RFC 3522 (Eifel): the first ACK after an RTO echoes a timestamp older
 * than the retransmission, so the original arrived: undo the collapse.
 */
static void
tcp_check_spurious_rto(struct tern_ctx *ctx, struct tern_conn *c,
		       const struct tcp_seg *seg)
{
	if (c->prior_cwnd == 0)
		return;
	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok && seg->opts.tsecr != 0 &&
	    seq_lt(seg->opts.tsecr, c->rto_tsval)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SPURIOUS_RTO);
		c->cc.cwnd = c->prior_cwnd;
		c->cc.ssthresh = c->prior_ssthresh;
	}
	c->prior_cwnd = 0;
}

/*
 * SND.UNA < SEG.ACK <= SND.MAX: free what is acknowledged, sample the
 * RTT, let congestion control and recovery see it, restart or stop the
 * retransmission timer. Returns true when this ACK covers our FIN for
 * the first time.
 */
static bool
tcp_ack_advance(struct tern_ctx *ctx, struct tern_conn *c,
		const struct tcp_seg *seg)
{
	uint32_t acked = seg->ack - c->snd_una;
	bool fin_acked = false;

	if (!tcp_syn_acked(c)) {
		acked--; /* our SYN */
		c->flags |= CF_SYN_ACKED;
	}
	if ((c->flags & CF_FIN_SENT) && acked > c->sq_bytes) {
		acked--; /* our FIN */
		fin_acked = true;
		c->flags |= CF_FIN_ACKED;
	}
	tcp_sq_trim(c, acked);
	c->snd_una = seg->ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (seq_lt(c->rxt_next, c->snd_una))
		c->rxt_next = c->snd_una;
	tcp_sb_advance(&c->sb, c->snd_una);
	tcp_rtt_from_ack(ctx, c, seg);
	tcp_check_spurious_rto(ctx, c, seg);
	tcp_recovery_on_ack(ctx, c, seg, acked, false);
	c->retries = 0;
	c->backoff = 0;
	c->flags &= ~CF_TLP_SENT;
	if (c->snd_una == c->snd_max) {
		c->rtx_deadline_ns = 0;
		c->tlp_deadline_ns = 0;
		tcp_timer_update(ctx, c);
	} else {
		tcp_rtx_arm(ctx, c);
		tcp_tlp_arm(ctx, c);
	}
	if ((c->flags & CF_WANT_WRITABLE) && acked > 0) {
		c->flags &= ~CF_WANT_WRITABLE;
		c->notify |= N_WRITABLE;
	}
	tcp_conn_work(ctx, c);
	return fin_acked;
}

/*
 * Keep bytes [skip, skip + len) of chain @p m: whole leading segments
 * are freed, the rest cut in place. LRO/GRO chains arrive here too.
 */
static struct rte_mbuf *
tcp_mbuf_cut(struct rte_mbuf *m, uint32_t skip, uint32_t len)
{
	struct rte_mbuf *seg, *last;
	uint32_t left;
	uint16_t nb;

	while (m != NULL && skip > 0 && skip >= m->data_len) {
		skip -= m->data_len;
		m = tcp_mbuf_free_head(m);
	}
	if (m == NULL)
		return NULL;
	if (skip > 0) {
		m->data_off = (uint16_t)(m->data_off + skip);
		m->data_len = (uint16_t)(m->data_len - skip);
		m->pkt_len -= skip;
	}
	if (m->pkt_len <= len)
		return m;
	/* Cut the tail: find the segment holding the last byte kept. */
	left = len;
	nb = 1;
	for (seg = m; left > seg->data_len; seg = seg->next) {
		left -= seg->data_len;
		nb++;
	}
	seg->data_len = (uint16_t)left;
	last = seg->next;
	seg->next = NULL;
	rte_pktmbuf_free(last);
	m->pkt_len = len;
	m->nb_segs = nb;
	return m;
}

/*
 * Hold in-order payload for the app until the step is complete. Each
 * segment is settled before the next, so at most one is normally
 * waiting. Returns false when @p m cannot be linked (a chain at the
 * segment limit): the caller then leaves it unacknowledged, to come again.
 */
static bool
tcp_rx_queue(struct tern_conn *c, struct rte_mbuf *m)
{
	if (c->rx_pending == NULL)
		c->rx_pending = m;
	else if (rte_pktmbuf_chain(c->rx_pending, m) != 0)
		return false;
	c->notify |= N_DATA;
	return true;
}

/* Delayed ACK (RFC 9293 3.8.6.3): every second segment, or the timer. */
static void
tcp_schedule_ack(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (++c->segs_unacked >= TCP_DELACK_SEGS) {
		tcp_ack_soon(ctx, c);
		return;
	}
	if (c->delack_deadline_ns == 0) {
		c->delack_deadline_ns = ctx->now_ns +
			(uint64_t)tcp_of(ctx)->conf.delack_ms * NS_PER_MS;
		tcp_timer_update(ctx, c);
	}
}

/* Return the reassembly record once it is empty. */
static void
tcp_reass_release(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->reass != NULL && c->reass->n == 0) {
		rte_mempool_put(tcp_of(ctx)->reass_pool, c->reass);
		c->reass = NULL;
	}
}

/* Hand over what the queue holds contiguously from rcv_nxt on. */
static void
tcp_reass_drain(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tcp_reass_seg out;
	bool merged = false;

	while (c->reass != NULL && tcp_reass_pop(c->reass, c->rcv_nxt, &out)) {
		struct rte_mbuf *m = out.len > 0 ?
			tcp_mbuf_cut(out.data, out.skip, out.len) : NULL;

		if (m == NULL) {
			if (out.len == 0)
				rte_pktmbuf_free(out.data);
			continue;
		}
		if (!tcp_rx_queue(c, m)) {
			rte_pktmbuf_free(m);
			break; /* the peer resends it */
		}
		c->rcv_nxt += out.len;
		merged = true;
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OFO_MERGE);
	}
	tcp_reass_release(ctx, c);
	if (merged)
		tcp_ack_soon(ctx, c); /* RFC 5681 4.2: ACK a filled hole now */
}

/* Queue a segment that arrived above rcv_nxt. True: mbuf kept. */
static bool
tcp_take_out_of_order(struct tern_ctx *ctx, struct tern_conn *c,
		      struct tcp_seg *seg)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	uint32_t max = tcp->conf.reass_max_bytes, skip, keep, wnd, len;
	enum tcp_reass_verdict v;
	void *obj;

	wnd = tcp_rcv_wnd(c);
	if (seg->seq - c->rcv_nxt >= wnd) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_OUT_OF_WINDOW);
		tcp_send_ack(ctx, c);
		return false;
	}
	len = RTE_MIN(seg->len, c->rcv_nxt + wnd - seg->seq);
	if (c->reass == NULL) {
		if (rte_mempool_get(tcp->reass_pool, &obj) != 0) {
			tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_OOO);
			tcp_send_ack(ctx, c);
			return false;
		}
		c->reass = obj;
		tcp_reass_init(c->reass);
	}
	v = tcp_reass_insert(c->reass, seg->seq, len, seg->m,
			     max != 0 ? max : tcp->conf.rcv_buf, &skip, &keep);
	if (v != TCP_REASS_QUEUED) {
		tern_stat_inc(&ctx->stats, v == TCP_REASS_FULL ?
					   TERN_STAT_TCP_DROP_OOO :
					   TERN_STAT_TCP_OVERLAP_TRIMMED);
		tcp_reass_release(ctx, c);
		tcp_send_ack(ctx, c);
		return false;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OFO_QUEUE);
	if (skip > 0 || keep < seg->len)
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OVERLAP_TRIMMED);
	if ((seg->flags & TCP_FIN) && keep == seg->len) {
		/* The FIN waits for the hole below it (test_s23_fin_behind_hole). */
		c->flags |= CF_OOO_FIN;
		c->ooo_fin_seq = seg->seq + seg->len;
	}
	/*
	 * RFC 5681 4.2: a duplicate ACK for every out-of-order segment, at
	 * once -- not coalesced with the burst -- so that the sender counts
	 * three; its SACK blocks already include this segment.
	 */
	tcp_send_ack(ctx, c);
	return true;
}

/*
 * RFC 9293 3.10.7.4, seventh: take the payload. In-order bytes (less
 * any already received: the first copy wins) go to the app; bytes above
 * a hole wait in the reassembly queue. True when seg->m was kept.
 */
static bool
tcp_take_data(struct tern_ctx *ctx, struct tern_conn *c,
	      struct tcp_seg *seg)
{
	uint32_t skip, len, wnd;
	struct rte_mbuf *m;

	if (seq_gt(seg->seq, c->rcv_nxt))
		return tcp_take_out_of_order(ctx, c, seg);
	skip = c->rcv_nxt - seg->seq;
	if (skip >= seg->len)
		return false;
	if (skip > 0)
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OVERLAP_TRIMMED);
	len = seg->len - skip;
	wnd = tcp_rcv_wnd(c);
	if (len > wnd) {
		/* Beyond our window: keep what fits; the FIN is beyond it. */
		len = wnd;
		seg->flags &= ~TCP_FIN;
	}
	if (len == 0) {
		tcp_ack_soon(ctx, c);
		return false;
	}
	m = tcp_mbuf_cut(seg->m, skip, len);
	seg->m = NULL; /* cut consumed it */
	if (m == NULL)
		return true;
	if (!tcp_rx_queue(c, m)) {
		rte_pktmbuf_free(m);
		seg->flags &= ~TCP_FIN;
		tcp_ack_soon(ctx, c);
		return true;
	}
	c->rcv_nxt += len;
	tcp_schedule_ack(ctx, c);
	if (c->reass != NULL)
		tcp_reass_drain(ctx, c);
	return true;
}

static bool
tcp_state_receives(uint8_t state)
{
	return state == TERN_TCP_ESTABLISHED || state == TERN_TCP_FIN_WAIT_1 ||
	       state == TERN_TCP_FIN_WAIT_2 || state == TERN_TCP_SYN_RCVD;
}

static enum tcp_event
tcp_rst_event(const struct tern_conn *c)
{
	if (c->state == TERN_TCP_SYN_RCVD && !(c->flags & CF_PASSIVE))
		return TCP_EV_SEG_RST_REFUSED;
	return TCP_EV_SEG_RST;
}

/*
 * SYN_RCVD from an active open (simultaneous open, RFC 9293 figure 7):
 * the peer's SYN+ACK repeats its SYN, so it fails the window check,
 * yet it completes our handshake. Linux accepts it the same way.
 */
static bool
tcp_is_crossed_synack(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return c->state == TERN_TCP_SYN_RCVD && !(c->flags & CF_PASSIVE) &&
	       (seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
	       seg->seq + 1 == c->rcv_nxt && seg->ack == c->snd_max;
}

/*
 * RFC 9293 3.10.7.4, SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT. Also
 * asked in FIN_WAIT_1 while the SYN is unacknowledged (the app shut
 * down in SYN_RCVD): the open is not complete, so the same rule holds.
 */
static bool
tcp_ack_completes_open(const struct tern_conn *c, const struct tcp_seg *seg)
{
	return seq_lt(c->snd_una, seg->ack) && seq_leq(seg->ack, c->snd_max);
}

/* The handshake's final ACK: the SYN is acknowledged. */
static void
tcp_synrcvd_acked(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg)
{
	tcp_ack_advance(ctx, c, seg);
	c->snd_wnd = seg->wnd << c->snd_wscale;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
}

/*
 * RFC 9293 3.10.7.4, SYN_RCVD through TIME_WAIT (the last held by the
 * compact record instead). Returns true when seg->m was consumed.
 */
static bool
tcp_input_synchronized(struct tern_ctx *ctx, struct tern_conn *c,
		       struct tcp_seg *seg)
{
	uint8_t f = seg->flags;
	bool synrcvd_ok = false, fin_acked = false, taken = false;
	bool fin;
	enum tcp_event ev;

	/* First: PAWS, then the sequence number. */
	if (tcp_paws_reject(c, seg)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PAWS_DROPS);
		tcp_ack_soon(ctx, c);
		return false;
	}
	if (!tcp_seq_acceptable(c, seg)) {
		if (c->state == TERN_TCP_SYN_RCVD &&
		    (f & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
		    seg->seq == c->irs) {
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN_DUP, seg);
			return false;
		}
		if (tcp_is_crossed_synack(c, seg)) {
			tcp_synrcvd_acked(ctx, c, seg);
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN_ACK, seg);
			return false;
		}
		if (f & TCP_SYN) {
			/* RFC 5961 4.2: whatever its sequence number. */
			tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
			return false;
		}
		if (f & TCP_RST) {
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_RST_IGNORED);
			return false;
		}
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_OUT_OF_WINDOW);
		tcp_ack_soon(ctx, c);
		return false;
	}
	/* Second: the RST bit (RFC 5961 3.2). */
	if (f & TCP_RST) {
		if (seg->seq == c->rcv_nxt)
			tcp_fsm_step(ctx, c, tcp_rst_event(c), seg);
		else
			tcp_send_challenge_ack(ctx, c);
		return false;
	}
	/* Fourth: the SYN bit (RFC 5961 4.2: challenge, never reset). */
	if (f & TCP_SYN) {
		tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
		return false;
	}
	/* Fifth: the ACK field. */
	if (!(f & TCP_ACK)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_BAD_FLAGS);
		return false;
	}
	if ((c->state == TERN_TCP_SYN_RCVD || (c->flags & CF_OPEN_PENDING)) &&
	    !tcp_ack_completes_open(c, seg)) {
		/* Nothing of it reaches the app before connected(). */
		tcp_fsm_step(ctx, c, TCP_EV_SEG_BAD_ACK, seg);
		return false;
	}
	if (c->state == TERN_TCP_SYN_RCVD) {
		tcp_synrcvd_acked(ctx, c, seg);
		synrcvd_ok = true;
	} else {
		if (seq_gt(seg->ack, c->snd_max) ||
		    seq_lt(seg->ack, c->snd_una - c->max_sndwnd)) {
			/* RFC 9293 / RFC 5961 5.2: ACK it, drop it. */
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_ACK_UNSENT);
			tcp_ack_soon(ctx, c);
			return false;
		}
		if ((c->flags & CF_SACK_OK) && seg->opts.nsack > 0)
			tcp_take_sack(ctx, c, seg);
		if (seq_gt(seg->ack, c->snd_una))
			fin_acked = tcp_ack_advance(ctx, c, seg);
		else if (tcp_is_dup_ack(c, seg))
			tcp_recovery_on_ack(ctx, c, seg, 0, true);
		tcp_update_window(ctx, c, seg);
		if (c->snd_wnd > 0 && c->sq_bytes > 0)
			tcp_conn_work(ctx, c);
	}
	if (c->flags & CF_OPEN_PENDING) {
		/* connected() now, before the data and the FIN below. */
		c->flags &= ~CF_OPEN_PENDING;
		tcp_fsm_step(ctx, c, TCP_EV_SEG_ACK_OF_SYN, seg);
	}
	/* RFC 7323 4.3: remember the newest in-sequence timestamp. */
	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok &&
	    seq_leq(seg->seq, c->last_ack_sent) &&
	    seq_geq(seg->opts.tsval, c->ts_recent))
		c->ts_recent = seg->opts.tsval;

	/* Seventh: the payload. */
	if (seg->len > 0 && tcp_state_receives(c->state) &&
	    !(c->flags & CF_PEER_FIN)) {
		if (c->flags & CF_RCV_CLOSED) {
			/* RFC 1122 4.2.2.13: nobody will read it. */
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_RESET_ON_CLOSE);
			tcp_fsm_step(ctx, c, TCP_EV_SEG_DATA_AFTER_CLOSE, seg);
			return false;
		}
		taken = tcp_take_data(ctx, c, seg);
	} else if (seg->len == 0 && (f & TCP_FIN) &&
		   seq_gt(seg->seq, c->rcv_nxt) && !(c->flags & CF_PEER_FIN)) {
		/* A bare FIN above a hole: remember it, ask for the hole. */
		c->flags |= CF_OOO_FIN;
		c->ooo_fin_seq = seg->seq;
		tcp_send_ack(ctx, c);
	}
	/* Eighth: the FIN bit, acted on only in sequence. */
	fin = !(c->flags & CF_PEER_FIN) &&
	      (((seg->flags & TCP_FIN) && seg->seq + seg->len == c->rcv_nxt) ||
	       ((c->flags & CF_OOO_FIN) && c->ooo_fin_seq == c->rcv_nxt));
	if (fin) {
		c->rcv_nxt++;
		c->flags |= CF_PEER_FIN;
		tcp_ack_soon(ctx, c);
	}
	if (fin)
		ev = fin_acked ? TCP_EV_SEG_FIN_ACK_OF_FIN : TCP_EV_SEG_FIN;
	else
		ev = fin_acked ? TCP_EV_SEG_ACK_OF_FIN : TCP_EV_SEG_ACK;
	(void)synrcvd_ok;
	tcp_fsm_step(ctx, c, ev, seg);
	return taken;
}

/* RFC 9293 3.10.7.3: SYN_SENT. */
static void
tcp_input_syn_sent(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_seg *seg)
{
	uint8_t f = seg->flags;
	bool ack_ok = false;

	if (f & TCP_ACK) {
		ack_ok = seq_gt(seg->ack, c->iss) &&
			 seq_leq(seg->ack, c->snd_max);
		if (!ack_ok) {
			if (!(f & TCP_RST))
				tcp_fsm_step(ctx, c, TCP_EV_SEG_BAD_ACK, seg);
			else
				tern_stat_inc(&ctx->stats,
					      TERN_STAT_TCP_DROP_RST_IGNORED);
			return;
		}
	}
	if (f & TCP_RST) {
		if (ack_ok)
			tcp_fsm_step(ctx, c, TCP_EV_SEG_RST_REFUSED, seg);
		else
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_DROP_RST_IGNORED);
		return;
	}
	if (!(f & TCP_SYN)) {
		tcp_fsm_cell(ctx, c->state, TCP_EV_SEG_ACK); /* counted */
		return;
	}
	/* Data on a SYN is neither acknowledged nor delivered: resent. */
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_conn_learn_opts(ctx, c, seg);
	/* RFC 7323 2.2: the window of a SYN is not scaled. */
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	if (!ack_ok) {
		/* Simultaneous open (RFC 9293 3.5 figure 7). */
		tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
		return;
	}
	c->snd_una = seg->ack;
	c->flags |= CF_SYN_ACKED;
	tcp_rtt_from_ack(ctx, c, seg);
	c->retries = 0;
	c->backoff = 0;
	c->rtx_deadline_ns = 0;
	tcp_timer_update(ctx, c);
	tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN_ACK, seg);
	if (c->sq_bytes > 0)
		tcp_conn_work(ctx, c);
}

/*
 * Header prediction (Van Jacobson; RFC 9293 leaves it to us): an
 * ESTABLISHED segment with just ACK (and PSH), in sequence, same window,
 * acceptable timestamp, and either a pure ACK of new data or in-order
 * data that acks nothing new. Returns false to take the full path.
 */
static bool
tcp_fast_path(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_seg *seg,
	      bool *taken)
{
	if (c->state != TERN_TCP_ESTABLISHED ||
	    (seg->flags & ~TCP_PSH) != TCP_ACK || seg->seq != c->rcv_nxt ||
	    (seg->wnd << c->snd_wscale) != c->snd_wnd ||
	    (c->flags & (CF_RCV_CLOSED | CF_PEER_FIN | CF_RECOVERY)) != 0 ||
	    seg->opts.nsack > 0 || c->reass != NULL ||
	    tcp_paws_reject(c, seg))
		return false;
	if (seg->len == 0) {
		if (!seq_gt(seg->ack, c->snd_una) ||
		    seq_gt(seg->ack, c->snd_max))
			return false;
		tcp_ack_advance(ctx, c, seg);
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
	} else {
		if (seg->ack != c->snd_una || seg->len > tcp_rcv_wnd(c))
			return false;
		if (!tcp_rx_queue(c, seg->m))
			return false;
		c->rcv_nxt += seg->len;
		*taken = true;
		tcp_schedule_ack(ctx, c);
	}
	if ((c->flags & CF_TS_OK) && seg->opts.ts_ok &&
	    seq_leq(seg->seq, c->last_ack_sent) &&
	    seq_geq(seg->opts.tsval, c->ts_recent))
		c->ts_recent = seg->opts.tsval;
	tcp_of(ctx)->fsm_hits[TCP_ROW_ESTABLISHED__SEG_ACK]++;
	return true;
}

static void
tcp_input_conn(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_seg *seg)
{
	bool taken = false;

	c->last_rx_ns = ctx->now_ns;
	c->ka_probes = 0;
	if (!tcp_fast_path(ctx, c, seg, &taken)) {
		if (c->state == TERN_TCP_SYN_SENT)
			tcp_input_syn_sent(ctx, c, seg);
		else
			taken = tcp_input_synchronized(ctx, c, seg);
	}
	if (!taken)
		rte_pktmbuf_free(seg->m);
	tcp_conn_settle(ctx, c);
}

/* A new record for a handshake on @p l, in LISTEN until its first step. */
static struct tern_conn *
tcp_spawn(struct tern_ctx *ctx, struct tern_listener *l,
	  const struct tcp_seg *seg)
{
	struct tern_conn *c = tcp_conn_alloc(ctx, &seg->key, seg->hash);

	if (c == NULL)
		return NULL;
	c->ops = l->ops;
	c->user = l->user;
	c->listener = l;
	c->flags |= CF_PASSIVE;
	TAILQ_INSERT_TAIL(&l->children, c, sibling);
	l->n_synrcvd++;
	tcp_set_state(ctx, c, TERN_TCP_LISTEN);
	tcp_conn_init_seq(ctx, c);
	return c;
}

/*
 * The final ACK of a cookie handshake (RFC 4987 3.6): the connection is
 * made ESTABLISHED from what the cookie proves, then the segment is
 * processed as any other (it may carry data). False: not a cookie.
 */
static bool
tcp_listen_cookie_ack(struct tern_ctx *ctx, struct tern_listener *l,
		      struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *c;
	uint16_t mss;

	if (!tcp->conf.syn_cookies ||
	    (seg->flags & (TCP_SYN | TCP_RST | TCP_FIN)))
		return false;
	mss = tcp_cookie_check(&tcp->isn_secret, &seg->key, seg->seq - 1,
			       seg->ack - 1, ctx->now_ns);
	if (mss == 0) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYNCOOKIES_FAILED);
		return false;
	}
	c = tcp_spawn(ctx, l, seg);
	if (c == NULL)
		return false;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_SYNCOOKIES_RECV);
	c->iss = seg->ack - 1;
	c->snd_una = seg->ack;
	c->flags |= CF_SYN_ACKED;	/* the cookie's ACK acknowledged it */
	c->snd_nxt = seg->ack;
	c->snd_max = seg->ack;
	c->rxt_next = seg->ack;
	c->irs = seg->seq - 1;
	c->rcv_nxt = seg->seq;
	c->rcv_adv = seg->seq;
	c->rcv_wscale = 0;
	c->snd_wscale = 0;
	if (mss > tcp->our_mss)
		mss = tcp->our_mss;
	c->mss = RTE_MAX(mss, (uint16_t)TCP_MIN_MSS);
	tcp_cc_init(&c->cc, (enum tcp_cc_algo)c->cc.algo, c->mss);
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	tcp_fsm_step(ctx, c, TCP_EV_SEG_COOKIE_ACK, seg);
	/* The rest of the segment (data, FIN) as in ESTABLISHED. */
	tcp_input_conn(ctx, c, seg);
	return true;
}

/* RFC 9293 3.10.7.2: LISTEN. */
void
tcp_input_listen(struct tern_ctx *ctx, struct tern_listener *l,
		 struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	uint8_t f = seg->flags;
	struct tern_conn *c;
	enum tcp_event ev;

	ev = (f & TCP_RST) ? TCP_EV_SEG_RST
	     : (f & TCP_ACK) ? TCP_EV_SEG_ACK
	     : (f & TCP_SYN) ? TCP_EV_SEG_SYN : TCP_EV_SEG_ANY;
	if (ev != TCP_EV_SEG_SYN) {
		if (ev == TCP_EV_SEG_ACK && tcp_listen_cookie_ack(ctx, l, seg))
			return;
		/* Only an ACK has a row (RST reply); RST, FIN and the rest
		 * are dropped, counted once, as DropListen. */
		if (ev == TCP_EV_SEG_ACK) {
			const struct tcp_fsm_cell *cell =
				tcp_fsm_cell(ctx, TERN_TCP_LISTEN, ev);

			if (cell != NULL && (cell->actions & A_RST_REPLY))
				tcp_reply_rst(ctx, seg);
		}
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_LISTEN);
		rte_pktmbuf_free(seg->m);
		return;
	}
	if (l->n_synrcvd >= l->backlog) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_LISTEN_OVERFLOWS);
		if (tcp->conf.syn_cookies &&
		    tcp_fsm_cell(ctx, TERN_TCP_LISTEN,
				 TCP_EV_SEG_SYN_OVERFLOW) != NULL) {
			uint16_t mss = seg->opts.mss_ok ? seg->opts.mss
							: TCP_DEFAULT_MSS;

			tcp_send_cookie_synack(ctx, seg,
				tcp_cookie_make(&tcp->isn_secret, &seg->key,
						seg->seq, mss, ctx->now_ns),
				tcp_cookie_mss[0] > mss ? tcp_cookie_mss[0]
							: mss);
			tern_stat_inc(&ctx->stats,
				      TERN_STAT_TCP_SYNCOOKIES_SENT);
		}
		rte_pktmbuf_free(seg->m);
		return;
	}
	c = tcp_spawn(ctx, l, seg);
	if (c == NULL) {
		/* Counted by tcp_conn_alloc; refuse rather than stay silent. */
		tcp_reply_rst(ctx, seg);
		rte_pktmbuf_free(seg->m);
		return;
	}
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	tcp_conn_learn_opts(ctx, c, seg);
	c->snd_wnd = seg->wnd;
	c->max_sndwnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	tcp_fsm_step(ctx, c, TCP_EV_SEG_SYN, seg);
	rte_pktmbuf_free(seg->m);
	tcp_conn_settle(ctx, c);
}

static struct tern_listener *
tcp_find_listener(const struct tern_tcp *tcp, rte_be16_t port)
{
	struct tern_listener *l;

	/* A graceful stop: listeners answer as if closed (RST). */
	if (unlikely(tcp->stop_accepting))
		return NULL;
	for (l = tcp->listeners; l != NULL; l = l->next)
		if (rte_cpu_to_be_16(l->port) == port)
			return l;
	return NULL;
}

static void
tcp_input_one(struct tern_ctx *ctx, struct tcp_seg *seg)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_hnode *n;
	struct tern_listener *l;
	struct tcp_tw *tw;

	n = tern_ctable_lookup(&tcp->conns, &seg->key, seg->hash);
	if (n != NULL) {
		tcp_input_conn(ctx, (struct tern_conn *)n, seg);
		return;
	}
	tw = tcp_tw_lookup(tcp, &seg->key, seg->hash);
	if (tw != NULL) {
		tcp_tw_input(ctx, tw, seg);
		return;
	}
	l = tcp_find_listener(tcp, seg->key.lport);
	if (l != NULL && seg->key.laddr == ctx->ifc.ip) {
		tcp_input_listen(ctx, l, seg);
		return;
	}
	/* RFC 9293 3.10.7.1: CLOSED. Never answer a RST. */
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_DROP_NO_CONN);
	if (!(seg->flags & TCP_RST)) {
		tcp_fsm_cell(ctx, TERN_TCP_CLOSED, TCP_EV_SEG_ANY);
		tcp_reply_rst(ctx, seg);
	}
	rte_pktmbuf_free(seg->m);
}

/* Send what the burst left owed: data, FINs, and at most one ACK each. */
void
tcp_flush_work(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *c;

	while ((c = TAILQ_FIRST(&tcp->work)) != NULL) {
		TAILQ_REMOVE(&tcp->work, c, work);
		c->flags &= ~CF_ON_WORK;
		tcp_output(ctx, c);
	}
}

void
tern_tcp_input_burst(struct tern_ctx *ctx, struct rte_mbuf **segs, uint16_t n)
{
	struct tcp_seg seg[TERN_RX_BURST];
	struct tern_tcp *tcp = tcp_of(ctx);
	uint16_t done = 0;

	while (done < n) {
		uint16_t chunk = RTE_MIN((uint16_t)(n - done),
					 (uint16_t)TERN_RX_BURST);
		uint16_t nvalid = 0, i;

		for (i = 0; i < chunk; i++) {
			struct rte_mbuf *m = segs[done + i];
			tern_stat_t why;

			tern_stat_inc(&ctx->stats, TERN_STAT_TCP_IN_SEGS);
			why = tcp_parse(ctx, m, &seg[nvalid]);
			if (why != TERN_STAT_MAX) {
				tern_stat_inc(&ctx->stats,
					      TERN_STAT_TCP_IN_ERRS);
				tern_drop(ctx, m, why);
				continue;
			}
			tern_ctable_prefetch(&tcp->conns, seg[nvalid].hash);
			nvalid++;
		}
		/*
		 * Look each segment up only when its turn comes: an earlier
		 * one may have closed or created a connection.
		 */
		for (i = 0; i < nvalid; i++)
			tcp_input_one(ctx, &seg[i]);
		done += chunk;
	}
	tcp_flush_work(ctx);
}
