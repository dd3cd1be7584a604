/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP input, the payload (RFC 9293 3.10.7.4, seventh): in-order bytes
 * held for the app until the step is complete, bytes above a hole in
 * the reassembly queue (tcp_reass.c) until it fills, and the ACKs that
 * receiving owes -- delayed (RFC 9293 3.8.6.3) or at once for
 * out-of-order data (RFC 5681 4.2).
 */
#include "tcp_priv.h"
#include "tcp_rx.h"

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
 * RFC 2883: [start, end) arrived a second time; the next ACK reports it
 * in its first SACK block (one block: the latest duplicate), so the
 * sender can tell a needless retransmission (its undo). @p why counts
 * whether it lay below RCV.NXT or in the out-of-order queue.
 */
void
tcp_dsack_note(struct tern_ctx *ctx, struct tern_conn *c, uint32_t start,
	       uint32_t end, tern_stat_t why)
{
	if (!(c->flags & CF_SACK_OK) || !seq_lt(start, end))
		return;
	c->dsack_start = start;
	c->dsack_end = end;
	tern_stat_inc(&ctx->stats, why);
	tcp_ack_soon(ctx, c); /* RFC 5681 4.2: a duplicate is ACKed at once */
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
	if (v == TCP_REASS_DUPLICATE)
		tcp_dsack_note(ctx, c, seg->seq, seg->seq + len,
			       TERN_STAT_TCP_DSACK_OFO_SENT);
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
bool
tcp_take_data(struct tern_ctx *ctx, struct tern_conn *c,
	      struct tcp_seg *seg)
{
	uint32_t skip, len, wnd;
	struct rte_mbuf *m;

	/*
	 * The usual segment -- at RCV.NXT, nothing held above it, all of
	 * it inside the window (the data on the handshake's final ACK, a
	 * FIN's last bytes) -- queued whole, as the fast path queues it:
	 * there is nothing to cut and nothing to drain.
	 */
	if (seg->seq == c->rcv_nxt && c->reass == NULL &&
	    tcp_rcv_wnd_fits(c, seg->len) && tcp_rx_queue(c, seg->m)) {
		seg->m = NULL;
		c->rcv_nxt += seg->len;
		tcp_schedule_ack(ctx, c);
		return true;
	}
	if (seq_gt(seg->seq, c->rcv_nxt))
		return tcp_take_out_of_order(ctx, c, seg);
	skip = c->rcv_nxt - seg->seq;
	if (skip >= seg->len)
		return false;
	if (skip > 0) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OVERLAP_TRIMMED);
		tcp_dsack_note(ctx, c, seg->seq, c->rcv_nxt,
			       TERN_STAT_TCP_DSACK_OLD_SENT);
	}
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

