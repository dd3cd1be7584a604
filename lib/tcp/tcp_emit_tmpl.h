/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual segment of an open connection from its header template,
 * inline, shared by tcp_emit_plain() (tcp_tmpl.c, out of line, for every
 * caller) and the output pass's usual segment (tcp_output_usual() in
 * tcp_output.c, inline in the pass's loop: no call and no register save
 * per request or response).
 */
#ifndef TCP_EMIT_TMPL_H
#define TCP_EMIT_TMPL_H

#include <string.h>

#include <rte_tcp.h>

#include "tcp_emit.h"
#include "tcp_priv.h"
#include "tcp_sq.h"
#include "tern_net.h"

/*
 * Does the usual segment's payload, @p len bytes of the send queue from
 * @p off, lie in the queue's first mbuf, and fit behind the @p hdr_bytes
 * of headers in a fresh mbuf with @p room bytes of tailroom? Then one
 * copy takes it (tcp_emit_tmpl()); anything else takes
 * tcp_fill_payload().
 */
static __rte_always_inline bool
tcp_tmpl_payload_simple(const struct tern_conn *c, uint32_t hdr_bytes,
			uint32_t room, uint32_t off, uint32_t len)
{
	return len == 0 ||
	       (off + len <= c->sq_head->data_len && hdr_bytes + len <= room);
}

/*
 * May the segment of @p len bytes go as the send queue's own mbuf
 * (tcp_sq_lend())? When it is the output pass's usual segment, @p whole
 * (a constant: the whole queue with nothing in flight, so nothing lent
 * either), carries data, the queue is one mbuf whose headroom takes the
 * @p hdr_bytes of headers, and the stack lends (tx_zero_copy). Other
 * segments -- retransmissions, a queue's parts -- are copies. The bytes
 * must start 4-byte aligned, as a fresh mbuf's do (the default headroom;
 * a partial ACK moves them by any count): every template is an even
 * number of bytes with 14 of Ethernet, so the frame then starts 2-byte
 * aligned (the MAC addresses' alignment) and its IP header 4-byte
 * aligned, and a NIC gets no odd DMA address.
 */
static __rte_always_inline bool
tcp_tmpl_lendable(const struct tern_ctx *ctx, const struct tern_conn *c,
		  bool whole, uint32_t hdr_bytes, uint32_t len)
{
	RTE_ASSERT(!whole || (len == c->sq_bytes && c->sq_lent_at == 0 &&
			      c->snd_nxt == c->snd_una));
	return whole && len > 0 && c->sq_head == c->sq_tail &&
	       (c->sq_head->data_off & 3) == 0 &&
	       rte_pktmbuf_headroom(c->sq_head) >= hdr_bytes &&
	       tcp_of(ctx)->conf.tx_zero_copy;
}

/*
 * Lend c's send-queue head to the segment of @p hdr_bytes of headers
 * that carries all of it (tcp_tmpl_lendable()): its bytes stay where
 * they are, the headers go into the headroom in front of them, and the
 * frame takes a second reference. Whoever sends the frame frees it
 * once (the PMD, the wire's other end); the ACK of its bytes frees the
 * queue's reference (tcp_sq_trim()); what comes first does not matter.
 * No alloc and no copy of the bytes: what a response or a request
 * costs the most after its headers. The fields tern_mbuf_get_for()
 * resets for a frame are reset too: a kept mbuf's are stale
 * (tern_mbuf_get_kept()). Returns the frame, its data at the headers.
 */
static __rte_always_inline struct rte_mbuf *
tcp_sq_lend(struct tern_ctx *ctx, struct tern_conn *c, uint32_t hdr_bytes)
{
	struct rte_mbuf *m = c->sq_head;

	c->sq_lent_at = m->data_off;  /* not 0: the headers precede it */
	m->data_off = (uint16_t)(m->data_off - hdr_bytes);
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
	m->port = RTE_MBUF_PORT_INVALID;
	m->ol_flags &= RTE_MBUF_F_EXTERNAL;
	m->packet_type = 0;
	/* Ours alone until now: no atomic update. */
	rte_mbuf_refcnt_set(m, 2);
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TX_ZC);
	return m;
}

/*
 * The template's first @p n header bytes to @p p, 32 <= n <= 96 (54 to
 * 86: IPv4 without options to IPv6 with timestamps): two fixed-size
 * copies that overlap, not a call. A lent frame's bytes follow its
 * headers at once (tcp_sq_lend()): nothing past @p n may be written.
 */
static __rte_always_inline void
tcp_tmpl_copy_headers(uint8_t *p, const uint8_t *frame, uint32_t n)
{
	RTE_ASSERT(n >= 32 && n <= 96);
	if (n > 64) {
		memcpy(p, frame, 64);
		memcpy(p + n - 32, frame + n - 32, 32);
	} else {
		memcpy(p, frame, 32);
		memcpy(p + n - 32, frame + n - 32, 32);
	}
}

/*
 * The timestamp option's values, @p tsval and @p tsecr, into the NOP NOP
 * TS option at @p opt that the template's copy put there with its kind
 * and length (tcp_tmpl_build()): two stores, not the whole option.
 */
static __rte_always_inline void
tcp_tmpl_write_ts(uint8_t *opt, uint32_t tsval, uint32_t tsecr)
{
	rte_be32_t val_be = rte_cpu_to_be_32(tsval);
	rte_be32_t ecr_be = rte_cpu_to_be_32(tsecr);

	memcpy(opt + 4, &val_be, sizeof(val_be));
	memcpy(opt + 8, &ecr_be, sizeof(ecr_be));
}

/*
 * The segment's @p len payload bytes from @p off in the send queue
 * into @p m behind its @p hdr_bytes of headers, when
 * tcp_tmpl_payload_simple() does not hold: tcp_fill_payload(). Returns
 * -ENOBUFS when an mbuf it needed could not be had.
 */
static __rte_always_inline int
tcp_tmpl_payload_fill(struct tern_ctx *ctx, const struct tern_conn *c,
		      struct rte_mbuf *m, uint32_t hdr_bytes, uint32_t off,
		      uint32_t len)
{
	m->data_len = (uint16_t)hdr_bytes;
	m->pkt_len = hdr_bytes;
	return tcp_fill_payload(ctx, c, m, off, len);
}

/*
 * tcp_emit_plain() from c's template @p t to @p mac: one copy of the
 * headers, then the fields that change (sequence numbers, flags,
 * window, timestamps), tern_ip_tmpl_head()'s lengths and checksums, and
 * the payload. A segment of the whole queue in one mbuf is that mbuf,
 * lent (tcp_sq_lend()): the headers go in front of its bytes. Else the
 * usual payload (tcp_tmpl_payload_simple()) is copied last, after the
 * connection's books are written: across memcpy() the compiler then
 * keeps only the mbuf and the context, not the window, the MAC and the
 * lengths it would save and load again.
 */
static __rte_always_inline int
tcp_emit_tmpl(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_tmpl *t, const struct rte_ether_addr *mac,
	      uint8_t flags, uint32_t seq, uint32_t len, bool whole)
{
	unsigned int hdr_len = t->tcp_hdr_len;
	uint32_t hdr_bytes = t->ip.hdr_len + hdr_len;
	uint32_t wnd = tcp_rcv_wnd(c);
	uint16_t field = tcp_wnd_field(ctx, c, wnd);
	uint32_t ack = c->rcv_nxt;
	uint32_t off = seq - c->snd_una;
	const uint8_t *src = NULL;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	bool lent = false;
	uint32_t room;
	uint8_t *p;

	/* tcp_xmit_data() took a lent head back (its fields are its
	 * frame's) before any segment of data got here. */
	RTE_ASSERT(c->sq_lent_at == 0 || len == 0);
	if (tcp_tmpl_lendable(ctx, c, whole, hdr_bytes, len)) {
		lent = true;
		room = 0;  /* not read: the bytes are in place */
		m = tcp_sq_lend(ctx, c, hdr_bytes);
		p = rte_pktmbuf_mtod(m, uint8_t *);
		tcp_tmpl_copy_headers(p, t->frame, hdr_bytes);
	} else {
		/* tern_mbuf_alloc(), which the compiler keeps out of line
		 * here; the mbuf TERN_MBUF_PREFETCH_DEPTH allocations
		 * ahead prefetched for a frame as long as this one. */
		m = tern_mbuf_get_for(ctx, hdr_bytes + len);
		if (unlikely(m == NULL)) {
			tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
			goto nobufs;
		}
		room = rte_pktmbuf_tailroom(m);
		if (unlikely(room < sizeof(t->frame))) {
			/* A data room smaller than the headers: too small
			 * to use. */
			rte_pktmbuf_free(m);
			tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
			goto nobufs;
		}
		p = rte_pktmbuf_mtod(m, uint8_t *);
		memcpy(p, t->frame, sizeof(t->frame));
	}
	th = (struct rte_tcp_hdr *)(p + t->ip.hdr_len);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(field);
	if (hdr_len > TCP_HDR_LEN)
		tcp_tmpl_write_ts((uint8_t *)(th + 1),
				  tcp_now_ms(ctx) + c->ts_offset,
				  c->ts_recent);
	if (lent) {
		m->data_len = (uint16_t)(hdr_bytes + len);
		m->pkt_len = hdr_bytes + len;
	} else if (likely(tcp_tmpl_payload_simple(c, hdr_bytes, room, off,
						  len))) {
		if (len > 0)
			src = rte_pktmbuf_mtod_offset(c->sq_head,
						      const uint8_t *, off);
		m->data_len = (uint16_t)(hdr_bytes + len);
		m->pkt_len = hdr_bytes + len;
	} else if (tcp_tmpl_payload_fill(ctx, c, m, hdr_bytes, off,
					 len) != 0) {
		rte_pktmbuf_free(m);
		goto nobufs;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OUT_SEGS);
	c->segs_out++;
	tern_ip_tmpl_head(ctx, m, p, &t->ip, mac, hdr_len + len);
	tcp_ack_sent(c, ack, wnd);
	if (src != NULL)
		memcpy(p + hdr_bytes, src, len);
	tern_ip_tmpl_queue(ctx, m, &t->ip, hdr_len + len);
	return 0;
nobufs:
	tcp_ack_deferred(ctx, c);
	return -ENOBUFS;
}

/*
 * tcp_emit_plain(), inline: from the connection's header template
 * while it holds (tcp_emit_tmpl()), else tcp_emit_plain_slow(). @p whole
 * (a constant): the output pass's usual segment, the whole queue with
 * nothing in flight, which may go as the queue's own mbuf.
 */
static __rte_always_inline int
tcp_emit_plain_inline(struct tern_ctx *ctx, struct tern_conn *c,
		      uint8_t flags, uint32_t seq, uint32_t len, bool whole)
{
	unsigned int hdr_len = TCP_HDR_LEN +
			       ((c->flags & CF_TS_OK) ? TCP_OPTS_TS_LEN : 0);
	struct tcp_tmpl *t = tcp_tmpl_of(c);
	const struct rte_ether_addr *mac;

	/* Built for this connection (tcp_conn_alloc() clears it) with
	 * its options; a segment past the MTU takes the IP output, which
	 * drops it (IpOutTooBig). */
	if (likely(t->tcp_hdr_len == hdr_len && len <= t->max_len) &&
	    (mac = tern_ip_tmpl_mac(ctx, &t->ip)) != NULL)
		return tcp_emit_tmpl(ctx, c, t, mac, flags, seq, len, whole);
	return tcp_emit_plain_slow(ctx, c, flags, seq, len);
}

#endif /* TCP_EMIT_TMPL_H */
