/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The usual segment of an open connection (tcp_plain_ok(): an ACK, NOP
 * NOP TS or no option, at most one MSS of data) from the connection's
 * header template: its Ethernet, IP and TCP headers built once (after
 * the SYN+ACK, or after the first such segment went through the IP
 * output), then per segment one copy and the fields that change --
 * sequence numbers, flags, window, timestamps, lengths, checksums.
 * lib/net builds and checks the Ethernet and IP part (struct
 * tern_ip_tmpl): it is used only while the neighbour entry it goes
 * through is the same and fresh, and the MAC is read from the entry;
 * otherwise the segment takes the IP output, which runs ARP's or ND's
 * state machine, and the template is built again after.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_emit.h"
#include "tcp_emit_tmpl.h"
#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tcp_sq.h"
#include "tern_net.h"

/*
 * tcp_fill_payload() for one segment of at most an MSS: usually its
 * bytes lie in the send queue's first mbuf and fit behind the header of
 * @p m, one copy without a call; anything else takes the general way.
 */
static inline int
tcp_copy_payload(struct tern_ctx *ctx, const struct tern_conn *c,
		 struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct rte_mbuf *q = c->sq_head;

	if (unlikely(off + len > q->data_len ||
		     len > rte_pktmbuf_tailroom(m)))
		return tcp_fill_payload(ctx, c, m, off, len);
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
	       rte_pktmbuf_mtod_offset(q, const uint8_t *, off), len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len += len;
	return 0;
}

/*
 * The part of the usual segment both builders share: the timestamp
 * option at @p opts (when the header has room for one), @p len bytes of
 * the send queue from @p seq, the counters. Returns -ENOBUFS (and frees
 * @p m) when the payload could not be had.
 */
static __rte_always_inline int
tcp_plain_fill(struct tern_ctx *ctx, struct tern_conn *c, struct rte_mbuf *m,
	       uint8_t *opts, bool ts, uint32_t seq, uint32_t len)
{
	if (ts)
		tcp_opts_write_ts(opts, tcp_now_ms(ctx) + c->ts_offset,
				  c->ts_recent);
	if (len > 0 &&
	    tcp_copy_payload(ctx, c, m, seq - c->snd_una, len) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OUT_SEGS);
	c->segs_out++;
	return 0;
}

/*
 * The usual segment of a synchronized connection (tcp_plain_ok()): an
 * ACK, with @p len bytes of the send queue from @p seq, written straight
 * into the mbuf -- what tcp_emit_from_conn(), tcp_emit() and
 * tcp_emit_conn() do for it, without struct tcp_emit -- and sent through
 * the IP output. Returns -ENOBUFS when no mbuf could be had (the ACK
 * stays owed).
 */
static int
tcp_emit_plain_full(struct tern_ctx *ctx, struct tern_conn *c, uint8_t flags,
		    uint32_t seq, uint32_t len)
{
	bool ts = (c->flags & CF_TS_OK) != 0;
	unsigned int hdr_len = TCP_HDR_LEN + (ts ? TCP_OPTS_TS_LEN : 0);
	uint32_t wnd = tcp_rcv_wnd(c);
	uint16_t field = tcp_wnd_field(ctx, c, wnd);
	uint32_t ack = c->rcv_nxt;
	struct rte_mbuf *m;
	uint8_t *p;

	m = tern_mbuf_alloc(ctx);
	if (m == NULL)
		goto nobufs;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)hdr_len);
	if (p == NULL) {
		/* A data room smaller than a TCP header: too small to use. */
		rte_pktmbuf_free(m);
		tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
		goto nobufs;
	}
	tcp_hdr_write((struct rte_tcp_hdr *)p, &c->node.key, seq, ack,
		      hdr_len, flags, field);
	if (tcp_plain_fill(ctx, c, m, p + TCP_HDR_LEN, ts, seq, len) != 0)
		goto nobufs;
	/* A frame lost below us is a segment lost on the wire (tcp_emit). */
	if (unlikely(tcp_key_is6(&c->node.key)))
		tcp_output6(ctx, m, &c->node.key,
			    tcp_conn_flow_label(tcp_of(ctx), c));
	else
		tern_ipv4_output_from(ctx, m, c->node.key.laddr,
				      c->node.key.faddr, IPPROTO_TCP);
	tcp_ack_sent(c, ack, wnd);
	return 0;
nobufs:
	tcp_ack_deferred(ctx, c);
	return -ENOBUFS;
}


/*
 * Copy to @p t the IPv4 template built last (tcp->tmpl_last) if it is
 * one between c's addresses, with @p hdr_len, and still holds; only the
 * ports differ. Returns the MAC it goes to (tern_ip_tmpl_mac()), NULL
 * when there is none such.
 */
static const struct rte_ether_addr *
tcp_tmpl_copy_last(struct tern_ctx *ctx, const struct tern_conn *c,
		   struct tcp_tmpl *t, unsigned int hdr_len)
{
	const struct tcp_tmpl *last = &tcp_of(ctx)->tmpl_last;
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)
		(last->frame + RTE_ETHER_HDR_LEN);
	const struct rte_ether_addr *mac;
	struct rte_tcp_hdr *th;

	if (last->tcp_hdr_len != hdr_len ||
	    ih->src_addr != c->node.key.laddr ||
	    ih->dst_addr != c->node.key.faddr ||
	    (mac = tern_ip_tmpl_mac(ctx, &last->ip)) == NULL)
		return NULL;
	*t = *last;
	th = (struct rte_tcp_hdr *)(t->frame + TERN_L2L3_HDR_LEN);
	th->src_port = c->node.key.lport;
	th->dst_port = c->node.key.fport;
	return mac;
}

/* tcp_tmpl_build() without a last template to copy: from lib/net's
 * part, built for c's addresses. */
static __rte_noinline const struct rte_ether_addr *
tcp_tmpl_build_new(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_tmpl *t, unsigned int hdr_len)
{
	const struct tern_flow_key *key = &c->node.key;
	bool is6 = tcp_key_is6(key);
	int rc;

	memset(t->frame, 0, sizeof(t->frame));
	if (unlikely(is6)) {
		struct tern_ip6 l, f;

		tcp_key6_addrs(ctx, key, &l, &f);
		rc = tern_ipv6_tmpl_build(ctx, &l, &f, IPPROTO_TCP,
					  tcp_conn_flow_label(tcp_of(ctx), c),
					  t->frame, &t->ip);
	} else {
		rc = tern_ipv4_tmpl_build(ctx, key->laddr, key->faddr,
					  IPPROTO_TCP, t->frame, &t->ip);
	}
	if (rc != 0) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_TMPL_NO_NEIGH);
		t->tcp_hdr_len = 0;
		return NULL;
	}
	tcp_hdr_write((struct rte_tcp_hdr *)(t->frame + t->ip.hdr_len), key,
		      0, 0, hdr_len, 0, 0);
	if (hdr_len > TCP_HDR_LEN)
		tcp_opts_write_ts(t->frame + t->ip.hdr_len + TCP_HDR_LEN, 0, 0);
	t->tcp_hdr_len = (uint8_t)hdr_len;
	t->max_len = (uint16_t)RTE_MAX((int)ctx->ifc.mtu -
				       (t->ip.hdr_len - RTE_ETHER_HDR_LEN) -
				       (int)hdr_len, 0);
	if (!is6)
		tcp_of(ctx)->tmpl_last = *t;
	return tern_ip_tmpl_mac(ctx, &t->ip);
}

/* A copy of the last template if it serves, else one built anew. */
static __rte_always_inline const struct rte_ether_addr *
tcp_tmpl_copy_or_build(struct tern_ctx *ctx, struct tern_conn *c,
		       struct tcp_tmpl *t, unsigned int hdr_len)
{
	const struct rte_ether_addr *mac;

	if (likely(!tcp_key_is6(&c->node.key))) {
		mac = tcp_tmpl_copy_last(ctx, c, t, hdr_len);
		if (mac != NULL)
			return mac;
	}
	return tcp_tmpl_build_new(ctx, c, t, hdr_len);
}

/*
 * Build c's header template (struct tcp_tmpl) for segments with a
 * @p hdr_len-byte TCP header, after a segment went to the peer through
 * the IP output: lib/net's part needs the neighbour entry that output
 * remembered. Without one (not resolved, or not fresh: the output
 * refreshes it) the template stays unbuilt and the next segment takes
 * the IP output again. Returns the MAC a segment from it goes to now
 * (tern_ip_tmpl_mac()), NULL when it is unbuilt or does not hold.
 */
const struct rte_ether_addr *
tcp_tmpl_build(struct tern_ctx *ctx, struct tern_conn *c,
	       struct tcp_tmpl *t, unsigned int hdr_len)
{
	return tcp_tmpl_copy_or_build(ctx, c, t, hdr_len);
}

/*
 * c's template for a @p hdr_len-byte TCP header, ready for a SYN or
 * SYN+ACK: the one it has if it holds, else tcp_tmpl_build()'s, inline
 * (a new record's SYN+ACK copies the last template). Returns the MAC a
 * segment from it goes to, NULL when there is no such template.
 */
static __rte_always_inline const struct rte_ether_addr *
tcp_tmpl_ready(struct tern_ctx *ctx, struct tern_conn *c, struct tcp_tmpl *t,
	       unsigned int hdr_len)
{
	if (t->tcp_hdr_len == hdr_len)
		return tern_ip_tmpl_mac(ctx, &t->ip);
	return tcp_tmpl_copy_or_build(ctx, c, t, hdr_len);
}

/*
 * tcp_emit_plain() when the template does not hold: through the IP
 * output, after which the template is built again.
 */
int
tcp_emit_plain_slow(struct tern_ctx *ctx, struct tern_conn *c, uint8_t flags,
		    uint32_t seq, uint32_t len)
{
	unsigned int hdr_len = TCP_HDR_LEN +
			       ((c->flags & CF_TS_OK) ? TCP_OPTS_TS_LEN : 0);
	int rc;

	rc = tcp_emit_plain_full(ctx, c, flags, seq, len);
	if (rc == 0)
		tcp_tmpl_build(ctx, c, tcp_tmpl_of(c), hdr_len);
	return rc;
}

/*
 * Our SYN (or SYN+ACK if @p synack) from c's template @p t, ready for
 * it (tcp_tmpl_ready()), to @p mac: the template's Ethernet, IP and
 * fixed TCP headers, then the fields of the SYN and its options (the
 * usual four in five stores, straight from the record), which make its
 * header longer than the template's; tern_ip_tmpl_send() adds the
 * lengths and checksums. Without an mbuf nothing is sent.
 */
static __rte_always_inline void
tcp_emit_syn_tmpl(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_tmpl *t, const struct rte_ether_addr *mac,
		  bool synack, uint16_t wnd)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	unsigned int hdr_len = TCP_HDR_LEN;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *p;

	m = tern_mbuf_alloc(ctx);
	if (m == NULL)
		return;
	if (unlikely(rte_pktmbuf_tailroom(m) <
		     sizeof(t->frame) + TCP_MAX_OPT_LEN)) {
		/* A data room smaller than the headers: too small to use. */
		rte_pktmbuf_free(m);
		tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
		return;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p, t->frame, sizeof(t->frame));
	th = (struct rte_tcp_hdr *)(p + t->ip.hdr_len);
	if (likely(tcp_syn_usual(tcp, c, synack))) {
		tcp_opts_write_syn_words((uint8_t *)(th + 1),
					 tcp_our_mss(tcp, &c->node.key),
					 c->rcv_wscale,
					 tcp_now_ms(ctx) + c->ts_offset,
					 synack ? c->ts_recent : 0);
		hdr_len += TCP_OPTS_SYN_USUAL_LEN;
	} else {
		struct tcp_opts_out o;

		tcp_syn_opts(ctx, c, synack, &o);
		hdr_len += tcp_opts_write((uint8_t *)(th + 1), &o);
	}
	th->sent_seq = rte_cpu_to_be_32(c->iss);
	th->recv_ack = synack ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)((hdr_len / 4) << 4);
	th->tcp_flags = synack ? TCP_SYN | TCP_ACK : TCP_SYN;
	th->rx_win = rte_cpu_to_be_16(wnd);
	m->data_len = (uint16_t)(t->ip.hdr_len + hdr_len);
	m->pkt_len = m->data_len;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OUT_SEGS);
	c->segs_out++;
	tern_ip_tmpl_send(ctx, m, &t->ip, mac, hdr_len);
}

/*
 * Our SYN or SYN+ACK with the unscaled window @p wnd through the IP
 * output (ARP's or ND's state machine: no template holds), after which
 * c's template for a @p plain_len-byte header is built.
 */
static __rte_noinline void
tcp_emit_syn_full(struct tern_ctx *ctx, struct tern_conn *c, bool synack,
		  uint16_t wnd, unsigned int plain_len)
{
	struct tcp_emit e;

	memset(&e, 0, sizeof(e));
	e.key = &c->node.key;
	e.owner = c;
	e.seq = c->iss;
	e.flags = synack ? TCP_SYN | TCP_ACK : TCP_SYN;
	e.ack = synack ? c->rcv_nxt : 0;
	e.wnd = wnd;
	tcp_syn_opts(ctx, c, synack, &e.opts);
	if (tcp_emit(ctx, &e) == 0)
		tcp_tmpl_build(ctx, c, tcp_tmpl_of(c), plain_len);
}

/*
 * Our SYN (SYN_SENT) or SYN+ACK: from c's header template, made ready
 * now for the segments to come (with timestamps if this SYN offers or
 * agrees them: a SYN+ACK without them makes the first segment build it
 * again), while lib/net's part holds; otherwise through the IP output.
 * Without an mbuf the SYN is as good as lost: the RTO resends it.
 */
void
tcp_emit_syn(struct tern_ctx *ctx, struct tern_conn *c)
{
	const struct tern_tcp *tcp = tcp_of(ctx);
	/* Past SYN_SENT we know the peer's ISN: SYN+ACK (also after close()
	 * moved a SYN_RCVD connection to FIN_WAIT_1). */
	bool synack = c->state != TERN_TCP_SYN_SENT;
	/* RFC 7323 2.2: the window of a SYN is never scaled. */
	uint16_t wnd = (uint16_t)RTE_MIN(tcp->conf.rcv_buf,
					 (uint32_t)UINT16_MAX);
	unsigned int plain_len = TCP_HDR_LEN +
		(tcp_syn_ts(tcp, c, synack) ? TCP_OPTS_TS_LEN : 0);
	struct tcp_tmpl *t = tcp_tmpl_of(c);
	const struct rte_ether_addr *mac;

	if (synack)
		c->last_ack_sent = c->rcv_nxt;
	c->rcv_adv = c->rcv_nxt + wnd;
	c->flags &= ~CF_SYN_OWED;
	mac = tcp_tmpl_ready(ctx, c, t, plain_len);
	if (likely(mac != NULL))
		tcp_emit_syn_tmpl(ctx, c, t, mac, synack, wnd);
	else
		tcp_emit_syn_full(ctx, c, synack, wnd, plain_len);
}

/*
 * The usual segment of a synchronized connection (tcp_plain_ok()): from
 * the connection's header template while it holds (tcp_emit_tmpl.h),
 * else through the IP output, after which the template is built again.
 * Returns -ENOBUFS when no mbuf could be had (the ACK stays owed).
 */
int
tcp_emit_plain(struct tern_ctx *ctx, struct tern_conn *c, uint8_t flags,
	       uint32_t seq, uint32_t len)
{
	return tcp_emit_plain_inline(ctx, c, flags, seq, len, false);
}
