/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The send queue's bytes into the segments that carry them: the output
 * layer (tcp_output.c) appends @p len bytes from an offset of the queue
 * to a segment's mbuf. The app appends to the queue (tern_tcp_send(),
 * tcp_api.c, which puts the usual send into an empty queue itself, else
 * tcp_sq_append() here) and ACKs trim it (tcp_input_ack.c). A head lent
 * to a frame (tcp_sq_lend(), tcp_emit_tmpl.h) comes back here
 * (tcp_sq_unlend()) before its bytes are read or the queue grows.
 */
#include <string.h>

#include "tcp_sq.h"

/*
 * Take c's lent send-queue head back (tcp_sq_lend()): its bytes are to
 * be read (a retransmission) or the queue is to grow behind them. When
 * the frame is gone (its holder let its reference go: ours is the
 * only one), the mbuf is the queue's again where it lies, its fields
 * set back. While the frame is still held (a PMD frees what it sent
 * when its ring needs room; the other end of a software wire when it
 * is done reading), the bytes are copied into a fresh mbuf and our
 * reference let go: nothing writes into a frame another still holds.
 * Returns -ENOBUFS (counted) when that mbuf could not be had: the head
 * stays lent, and the caller's work waits as for any missing mbuf.
 */
int
tcp_sq_unlend(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct rte_mbuf *m = c->sq_head, *own;
	uint32_t len = c->sq_bytes;

	RTE_ASSERT(c->sq_lent_at != 0 && m == c->sq_tail);
	if (rte_mbuf_refcnt_read(m) == 1) {
		/* The holder's decrement released its writes to the
		 * fields: ours come after them. */
		rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
		m->data_off = c->sq_lent_at;
		m->next = NULL;
		m->nb_segs = 1;
		own = m;
	} else {
		own = tern_mbuf_alloc(ctx);
		if (own == NULL)
			return -ENOBUFS;
		memcpy(rte_pktmbuf_mtod(own, uint8_t *),
		       (const uint8_t *)m->buf_addr + c->sq_lent_at, len);
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TX_ZC_COPIES);
		rte_pktmbuf_free_seg(m);
		c->sq_head = own;
		c->sq_tail = own;
	}
	own->data_len = (uint16_t)len;
	own->pkt_len = len;
	c->sq_lent_at = 0;
	return 0;
}

/* Copy @p len bytes starting @p off bytes into c's send queue to @p dst. */
static void
tcp_sq_copy(const struct tern_conn *c, uint32_t off, uint32_t len,
	    uint8_t *dst)
{
	const struct rte_mbuf *m = c->sq_head;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0 && m != NULL) {
		uint32_t n = RTE_MIN(len, (uint32_t)(m->data_len - off));

		memcpy(dst, rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
		       n);
		dst += n;
		len -= n;
		off = 0;
		m = m->next;
	}
}

/*
 * Append @p len bytes of the send queue from @p off to @p m, chaining
 * fresh mbufs when the first is full (TSO segments span several).
 * Returns -ENOBUFS when an mbuf could not be had.
 */
int
tcp_fill_payload(struct tern_ctx *ctx, const struct tern_conn *c,
		 struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct rte_mbuf *q = c->sq_head;
	struct rte_mbuf *last = m;

	RTE_ASSERT(c->sq_lent_at == 0);  /* tcp_xmit_data() took it back */
	/* Usually the bytes lie in the queue's first mbuf and fit behind
	 * the header of @p m, still one segment: one copy. */
	if (likely(m->next == NULL && off + len <= q->data_len &&
		   len <= rte_pktmbuf_tailroom(m))) {
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
		       rte_pktmbuf_mtod_offset(q, const uint8_t *, off), len);
		m->data_len = (uint16_t)(m->data_len + len);
		m->pkt_len += len;
		return 0;
	}
	while (len > 0) {
		uint32_t room = rte_pktmbuf_tailroom(last);
		uint32_t n;

		if (room == 0) {
			struct rte_mbuf *next = tern_mbuf_alloc(ctx);

			if (next == NULL)
				return -ENOBUFS;
			if (rte_pktmbuf_chain(m, next) != 0) {
				rte_pktmbuf_free(next);
				return -ENOBUFS;
			}
			last = next;
			room = rte_pktmbuf_tailroom(last);
		}
		n = RTE_MIN(room, len);
		tcp_sq_copy(c, off, n, (uint8_t *)rte_pktmbuf_append(last,
								      (uint16_t)n));
		/* rte_pktmbuf_append() on a chained tail updates only it. */
		if (last != m)
			m->pkt_len += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * A fresh mbuf at the tail of the send queue, or NULL when none can be
 * had or the chain is at its segment limit (nb_segs is 16 bits).
 */
static struct rte_mbuf *
tcp_sq_grow(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct rte_mbuf *m;

	if (c->sq_head != NULL && c->sq_head->nb_segs == RTE_MBUF_MAX_NB_SEGS)
		return NULL;
	m = tern_mbuf_alloc(ctx);
	if (m == NULL)
		return NULL;
	if (c->sq_head == NULL) {
		c->sq_head = m;
	} else {
		c->sq_tail->next = m;
		c->sq_head->nb_segs++;
	}
	c->sq_tail = m;
	return m;
}

/*
 * Append @p len bytes to the send queue; returns how many fitted. The
 * head's pkt_len counts the whole chain, each segment's data_len its
 * own (rte_mbuf_check() holds).
 */
uint32_t
tcp_sq_append(struct tern_ctx *ctx, struct tern_conn *c, const uint8_t *buf,
	      uint32_t len)
{
	struct rte_mbuf *m;
	uint32_t done = 0;

	if (len == 0)
		return 0;
	/* Nothing is linked behind a lent head (the frame's link). */
	if (unlikely(c->sq_lent_at != 0) && tcp_sq_unlend(ctx, c) != 0)
		return 0;
	m = c->sq_tail;
	while (done < len) {
		uint32_t room = m != NULL ? rte_pktmbuf_tailroom(m) : 0;
		uint32_t n;

		if (room == 0) {
			m = tcp_sq_grow(ctx, c);
			if (m == NULL)
				break;
			room = rte_pktmbuf_tailroom(m);
		}
		n = RTE_MIN(room, len - done);
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
		       buf + done, n);
		m->data_len = (uint16_t)(m->data_len + n);
		done += n;
	}
	if (done > 0)
		c->sq_head->pkt_len += done;
	c->sq_bytes += done;
	return done;
}

/* rte_mbuf_check() of the send queue, plus its length against sq_bytes. */
int
tcp_sq_check(const struct tern_conn *c, const char **reason)
{
	if (c->sq_head == NULL) {
		if (c->sq_bytes == 0 && c->sq_tail == NULL)
			return 0;
		*reason = "send queue: no mbuf but bytes or a tail";
		return -EINVAL;
	}
	if (c->sq_lent_at != 0) {
		/* The head's fields are the frame's (tcp_sq_lend()). */
		if (c->sq_tail != c->sq_head || c->sq_bytes == 0 ||
		    c->sq_lent_at + c->sq_bytes > c->sq_head->buf_len) {
			*reason = "send queue: a lent head that is not one "
				  "mbuf holding the queue";
			return -EINVAL;
		}
		return 0;
	}
	if (rte_mbuf_check(c->sq_head, 1, reason) != 0)
		return -EINVAL;
	if (c->sq_head->pkt_len != c->sq_bytes ||
	    rte_pktmbuf_lastseg(c->sq_head) != c->sq_tail) {
		*reason = "send queue: pkt_len or tail disagrees with the record";
		return -EINVAL;
	}
	return 0;
}
