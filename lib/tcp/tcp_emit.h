/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the output layer's two emits share (tcp_output.c: the general
 * one and its callers; tcp_tmpl.c: the usual segment of an open
 * connection, from its header template).
 */
#ifndef TCP_EMIT_H
#define TCP_EMIT_H

#include <string.h>

#include <rte_tcp.h>

#include "tcp_priv.h"

/*
 * Room the output pass leaves in the TX batch for what the steps of the
 * next RX burst answer at once (a RST or an ACK, and a resent segment,
 * per segment).
 */
#define TCP_TX_RESERVE (2 * TERN_RX_BURST)

/* The fixed TCP header (the checksum is the port's or IPv4 output's). */
static inline void
tcp_hdr_write(struct rte_tcp_hdr *th, const struct tern_flow_key *key,
	      uint32_t seq, uint32_t ack, unsigned int hdr_len, uint8_t flags,
	      uint16_t wnd)
{
	th->src_port = key->lport;
	th->dst_port = key->fport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((hdr_len / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
}

/* The window field of a segment of @p c offering @p wnd bytes; a
 * zero window is counted once per closing (ZeroWindowAdv). */
static inline uint16_t
tcp_wnd_field(struct tern_ctx *ctx, struct tern_conn *c, uint32_t wnd)
{
	uint16_t field = (uint16_t)(wnd >> c->rcv_wscale);

	if (field == 0 && !(c->flags & CF_ZERO_WND)) {
		c->flags |= CF_ZERO_WND;
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ZERO_WINDOW_ADV);
	} else if (field != 0) {
		c->flags &= ~CF_ZERO_WND;
	}
	return field;
}

/* A segment of @p c went out acknowledging @p ack and offering
 * @p rcv_wnd bytes: nothing is owed now. */
static inline void
tcp_ack_sent(struct tern_conn *c, uint32_t ack, uint32_t rcv_wnd)
{
	c->rcv_adv = ack + rcv_wnd;
	c->last_ack_sent = ack;
	/* A D-SACK is reported once (RFC 2883 4: in the next ACK). */
	c->dsack_end = c->dsack_start;
	c->flags &= ~CF_ACK_NOW;
	c->segs_unacked = 0;
	c->delack_deadline_ns = 0;
}

/* No SACK or D-SACK block for a segment of @p c to report: its options
 * are NOP NOP TS or none, and tcp_mss_now() is c->mss. */
static inline bool
tcp_plain_opts_ok(const struct tern_conn *c)
{
	return !(c->flags & CF_SACK_OK) ||
	       ((c->reass == NULL || c->reass->n == 0) &&
		c->dsack_start == c->dsack_end);
}

/*
 * Can a segment of @p c with the ACK and @p len bytes take
 * tcp_emit_plain()? No SACK or D-SACK block to report (so NOP NOP TS or
 * no option at all) and at most one MSS (no TSO frame).
 */
static inline bool
tcp_plain_ok(const struct tern_conn *c, uint32_t len)
{
	return len <= c->mss && tcp_plain_opts_ok(c);
}

/*
 * No mbuf for a segment of @p c that carried an ACK we owe: the ACK
 * stays owed (the delayed-ACK timer sends it).
 */
void tcp_ack_deferred(struct tern_ctx *ctx, struct tern_conn *c);

/* Everything one outgoing segment needs; payload comes from c's queue. */
struct tcp_emit {
	const struct tern_flow_key *key;
	uint32_t seq, ack;
	uint16_t wnd;
	uint8_t flags;
	struct tcp_opts_out opts;
	const struct tern_conn *src;   /* send queue to copy from, or NULL */
	struct tern_conn *owner;       /* counts the segments, or NULL */
	uint32_t off, len;             /* payload: bytes from snd_una + off */
	uint16_t tso_segsz;            /* > 0: the port may segment (TSO) */
	uint32_t rcv_wnd;              /* bytes the window field offers */
};

/*
 * Build and send the segment @p e describes, through the IP output
 * (tcp_output.c). Returns -ENOBUFS when no mbuf could be had.
 */
int tcp_emit(struct tern_ctx *ctx, const struct tcp_emit *e);

/*
 * The usual segment of a synchronized connection (tcp_plain_ok()): an
 * ACK with @p len bytes of the send queue from @p seq and @p flags.
 * Returns -ENOBUFS when no mbuf could be had (the ACK stays owed).
 */
int tcp_emit_plain(struct tern_ctx *ctx, struct tern_conn *c, uint8_t flags,
		   uint32_t seq, uint32_t len);
/* tcp_emit_plain() when c's header template does not hold. */
int tcp_emit_plain_slow(struct tern_ctx *ctx, struct tern_conn *c,
			uint8_t flags, uint32_t seq, uint32_t len);

/*
 * Build c's header template for segments with a @p hdr_len-byte TCP
 * header, right after a segment of c went through the IP output (or
 * before its SYN or SYN+ACK). Returns the MAC a segment from it goes
 * to now, NULL when it could not be built.
 */
const struct rte_ether_addr *tcp_tmpl_build(struct tern_ctx *ctx,
					    struct tern_conn *c,
					    struct tcp_tmpl *t,
					    unsigned int hdr_len);

/*
 * Does our SYN (SYN+ACK if @p synack) carry timestamps? A SYN offers
 * what we are configured for; a SYN+ACK echoes what the SYN offered
 * of it (RFC 7323, RFC 2018: tcp_conn_learn_opts()).
 */
static inline bool
tcp_syn_ts(const struct tern_tcp *tcp, const struct tern_conn *c,
	   bool synack)
{
	return synack ? (c->flags & CF_TS_OK) != 0 : tcp->conf.timestamps;
}

/* Does it carry the usual four options (tcp_opts_syn_usual())? */
static inline bool
tcp_syn_usual(const struct tern_tcp *tcp, const struct tern_conn *c,
	      bool synack)
{
	const uint32_t all = CF_TS_OK | CF_SACK_OK | CF_WS_OK;

	if (synack)
		return (c->flags & all) == all;
	return tcp->conf.timestamps && tcp->conf.sack &&
	       tcp->conf.window_scale;
}

/* The options of our SYN (SYN+ACK if @p synack) into @p o. */
static inline void
tcp_syn_opts(const struct tern_ctx *ctx, const struct tern_conn *c,
	     bool synack, struct tcp_opts_out *o)
{
	const struct tern_tcp *tcp = tcp_of(ctx);

	memset(o, 0, sizeof(*o));
	o->mss_ok = true;
	o->mss = tcp_our_mss(tcp, &c->node.key);
	o->ws = c->rcv_wscale;
	o->tsval = tcp_now_ms(ctx) + c->ts_offset;
	if (synack) {
		o->ws_ok = (c->flags & CF_WS_OK) != 0;
		o->sack_perm = (c->flags & CF_SACK_OK) != 0;
		o->ts_ok = (c->flags & CF_TS_OK) != 0;
		o->tsecr = c->ts_recent;
	} else {
		o->ws_ok = tcp->conf.window_scale;
		o->sack_perm = tcp->conf.sack;
		o->ts_ok = tcp->conf.timestamps;
	}
}

/*
 * Our SYN (SYN_SENT) or SYN+ACK, first time or again, from c's header
 * template, or through the IP output when none holds (tcp_tmpl.c).
 */
void tcp_emit_syn(struct tern_ctx *ctx, struct tern_conn *c);

#endif /* TCP_EMIT_H */
