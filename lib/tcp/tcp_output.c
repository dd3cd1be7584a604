/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The output layer: every segment the stack sends is built here --
 * control segments, data from the send queue within the peer's window
 * and cwnd, retransmissions and probes (the replies sent outside a
 * connection's output -- RSTs, cookie SYN+ACKs, TIME_WAIT's ACKs -- are
 * in tcp_reply.c). Segments go to tern_ipv4_output(), which adds
 * the IPv4 and Ethernet headers and the checksums, and appends the frame
 * to this lcore's TX batch; only the driver flushes the batch, between
 * steps.
 *
 * Two disciplines, both into the batch. What a segment of input must
 * answer at once -- a RST, a challenge or duplicate ACK, the resent
 * head of a fast retransmit -- is built during its step: at most a few
 * per segment, which the batch's reserve holds. Everything else is owed
 * (the work list, CF_*_OWED, CF_ACK_NOW) and built by the output pass,
 * tcp_flush_work(), once per step after the app's poll and the timers
 * (tern_tcp_poll(); tern_tcp_output() outside a step): data, FINs,
 * SYNs (connect()'s first one leaves from the call, tcp_syn_out.c),
 * delayed ACKs, timer-driven retransmissions and probes. The pass
 * stops TCP_TX_RESERVE frames short of a full batch; the connections left
 * wait on the work list for the next pass, after the driver's flush.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "tcp_arm.h"
#include "tcp_emit.h"
#include "tcp_emit_tmpl.h"
#include "tcp_input6.h"
#include "tcp_open.h"
#include "tcp_priv.h"
#include "tcp_sq.h"
#include "tern_net.h"

/* IPv4 total length limit less the largest IPv4 and TCP headers. */
#define TCP_TSO_MAX_PAYLOAD (UINT16_MAX - 20 - 60)

/* Segments @p e becomes on the wire: a TSO frame is cut into several,
 * and Linux's tcpi_segs_out counts each. */
static uint32_t
tcp_emit_segs(const struct tcp_emit *e)
{
	if (e->tso_segsz == 0 || e->len <= e->tso_segsz)
		return 1;
	return (e->len + e->tso_segsz - 1) / e->tso_segsz;
}

int
tcp_emit(struct tern_ctx *ctx, const struct tcp_emit *e)
{
	unsigned int opt_len = tcp_opts_len(&e->opts);
	unsigned int hdr_len = TCP_HDR_LEN + opt_len;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *p;

	m = tern_mbuf_alloc(ctx);
	if (m == NULL)
		return -ENOBUFS;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)hdr_len);
	if (p == NULL) {
		/* A data room smaller than a TCP header: too small to use. */
		rte_pktmbuf_free(m);
		tern_stat_inc(&ctx->stats, TERN_STAT_MBUF_ALLOC_FAIL);
		return -ENOBUFS;
	}
	th = (struct rte_tcp_hdr *)p;
	tcp_hdr_write(th, e->key, e->seq, e->ack, hdr_len, e->flags, e->wnd);
	tcp_opts_write(p + TCP_HDR_LEN, &e->opts);
	if (e->len > 0 &&
	    tcp_fill_payload(ctx, e->src, m, e->off, e->len) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	if (e->tso_segsz != 0 && e->len > e->tso_segsz) {
		/* The port cuts it into tso_segsz-byte segments (TSO). */
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = e->tso_segsz;
		m->l4_len = hdr_len;
	}

	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OUT_SEGS);
	if (e->owner != NULL)
		e->owner->segs_out += tcp_emit_segs(e);
	if (e->flags & TCP_RST)
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_OUT_RSTS);
	/*
	 * A frame lost below us (no route, ARP queue full) is counted
	 * there; to TCP it is a segment lost on the wire, which the
	 * retransmission timer repairs.
	 */
	if (unlikely(tcp_key_is6(e->key)))
		tcp_output6(ctx, m, e->key, e->owner != NULL ?
			    tcp_conn_flow_label(tcp_of(ctx), e->owner) : 0);
	else
		tern_ipv4_output_from(ctx, m, e->key->laddr, e->key->faddr,
				      IPPROTO_TCP);
	return 0;
}

/* The SACK option of an ACK from @p c: a D-SACK block first when one
 * is owed, then the out-of-order ranges (room for 3 beside timestamps). */
static void
tcp_emit_sack_blocks(const struct tern_conn *c, struct tcp_emit *e)
{
	unsigned int max = (c->flags & CF_TS_OK) ? 3 : TCP_MAX_SACK_BLOCKS;
	unsigned int n = 0;

	if (c->dsack_start != c->dsack_end) {
		e->opts.sack[0].start = c->dsack_start;
		e->opts.sack[0].end = c->dsack_end;
		n = 1;
	}
	if (c->reass != NULL && c->reass->n > 0)
		n += tcp_reass_sack_blocks(c->reass, e->opts.sack + n, max - n);
	e->opts.nsack = (uint8_t)n;
}

/*
 * Fill seq/ack/window/timestamps for a segment of synchronized @p c.
 * What the segment tells the peer (ACK, window) is recorded by
 * tcp_emit_conn() once it is on its way.
 */
static void
tcp_emit_from_conn(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_emit *e, uint8_t flags, uint32_t seq)
{
	uint32_t wnd = tcp_rcv_wnd(c);

	memset(e, 0, sizeof(*e));
	e->key = &c->node.key;
	e->owner = c;
	e->seq = seq;
	e->flags = flags;
	if (flags & TCP_ACK)
		e->ack = c->rcv_nxt;
	e->rcv_wnd = wnd;
	e->wnd = tcp_wnd_field(ctx, c, wnd);
	if (c->flags & CF_TS_OK) {
		e->opts.ts_ok = true;
		e->opts.tsval = tcp_now_ms(ctx) + c->ts_offset;
		e->opts.tsecr = c->ts_recent;
	}
	/* RFC 2018: report what waits above the hole, newest first;
	 * RFC 2883: a duplicate just received, in the first block. */
	if ((c->flags & CF_SACK_OK) && (flags & TCP_ACK) &&
	    ((c->reass != NULL && c->reass->n > 0) ||
	     c->dsack_start != c->dsack_end))
		tcp_emit_sack_blocks(c, e);
}

/*
 * No mbuf for a segment of @p c that carried an ACK we owe: the ACK
 * stays owed and the delayed-ACK timer sends it later, as Linux's
 * tcp_send_ack() does, unless an earlier output opportunity does.
 */
void
tcp_ack_deferred(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (!(c->flags & CF_ACK_NOW) && c->last_ack_sent == c->rcv_nxt)
		return;
	if (c->delack_deadline_ns != 0)
		return;
	c->delack_deadline_ns = ctx->now_ns +
		(uint64_t)tcp_of(ctx)->conf.delack_ms * NS_PER_MS;
	tcp_timer_update(ctx, c);
}

/* Emit @p e, a segment of synchronized @p c, and record its ACK. */
static int
tcp_emit_conn(struct tern_ctx *ctx, struct tern_conn *c,
	      const struct tcp_emit *e)
{
	int rc = tcp_emit(ctx, e);

	if (!(e->flags & TCP_ACK))
		return rc;
	if (rc == 0)
		tcp_ack_sent(c, e->ack, e->rcv_wnd);
	else
		tcp_ack_deferred(ctx, c);
	return rc;
}

void
tcp_send_ack(struct tern_ctx *ctx, struct tern_conn *c)
{
	struct tcp_emit e;

	/* The template emit inline: the ACK of a FIN in TIME_WAIT, a
	 * delayed ACK, an ACK owed after a pass that sent nothing. */
	if (tcp_plain_ok(c, 0)) {
		tcp_emit_plain_inline(ctx, c, TCP_ACK, c->snd_nxt, 0, false);
		return;
	}
	tcp_emit_from_conn(ctx, c, &e, TCP_ACK, c->snd_nxt);
	tcp_emit_conn(ctx, c, &e);
}

/* tcp_mss_now() while out-of-order data waits: less the SACK blocks. */
static uint32_t
tcp_mss_sack(const struct tern_conn *c)
{
	struct tcp_sack_block blocks[TCP_MAX_SACK_BLOCKS];
	unsigned int n;

	n = tcp_reass_sack_blocks(c->reass, blocks,
				  (c->flags & CF_TS_OK) ? 3 : TCP_MAX_SACK_BLOCKS);
	return c->mss - (n > 0 ? 4 + 8 * n : 0);
}

/*
 * Payload bytes a segment may carry now: c->mss leaves room for the
 * timestamp option, and while we hold out-of-order data our segments
 * carry SACK blocks too (RFC 2018: in every ACK), which take room from
 * the payload as in Linux's tcp_current_mss().
 */
static inline uint32_t
tcp_mss_now(const struct tern_conn *c)
{
	if (likely(!(c->flags & CF_SACK_OK) || c->reass == NULL ||
		   c->reass->n == 0))
		return c->mss;
	return tcp_mss_sack(c);
}

/*
 * Bytes one segment we build may carry, @p mss being tcp_mss_now(): one
 * MSS, or with TSO a whole number of MSS up to what one IPv4 datagram
 * can hold; the port cuts it.
 */
static inline uint32_t
tcp_segment_max(const struct tern_ctx *ctx, const struct tern_conn *c,
		uint32_t mss)
{
	/* IPv6: no TSO (tern_ipv6_output() sends one MTU at most; DPDK
	 * 22.11's software GSO, net_tap's TSO, cuts IPv4 TCP only). */
	if (!ctx->ifc.tx_tso || tcp_key_is6(&c->node.key))
		return mss;
	return TCP_TSO_MAX_PAYLOAD / mss * mss;
}

/*
 * Safety net behind tcp_mss_now(): drop SACK blocks (the oldest first)
 * until payload and options fit the path MTU.
 */
static void
tcp_fit_options(const struct tern_conn *c, struct tcp_emit *e)
{
	unsigned int budget = c->mss + ((c->flags & CF_TS_OK) ? 12u : 0u);

	while (e->opts.nsack > 0 && e->len + tcp_opts_len(&e->opts) > budget)
		e->opts.nsack--;
}

/*
 * Emit @p len queued bytes starting at @p seq (and a FIN after them).
 * Returns -ENOBUFS (counted as MbufAllocFail) when no mbuf could be had:
 * nothing went out and nothing was recorded as sent. @p usual (a
 * constant): the output pass's usual segment, with the template emit
 * inline (tcp_output_usual()).
 */
static __rte_always_inline int
tcp_xmit_data(struct tern_ctx *ctx, struct tern_conn *c, uint32_t seq,
	      uint32_t len, bool fin, bool usual)
{
	uint8_t flags = TCP_ACK | (fin ? TCP_FIN : 0) | (len > 0 ? TCP_PSH : 0);
	struct tcp_emit e;

	/* Every segment of data leaves through here: a lent head comes
	 * back before its bytes are read (tcp_sq_unlend()). */
	if (unlikely(c->sq_lent_at != 0) && len > 0 &&
	    tcp_sq_unlend(ctx, c) != 0) {
		tcp_ack_deferred(ctx, c);
		return -ENOBUFS;
	}
	/* tcp_output_usual_ok() tested tcp_plain_ok() for its segment. */
	if ((usual && !fin) || tcp_plain_ok(c, len)) {
		if ((usual ? tcp_emit_plain_inline(ctx, c, flags, seq, len,
						   true) :
			     tcp_emit_plain(ctx, c, flags, seq, len)) != 0)
			return -ENOBUFS;
	} else {
		tcp_emit_from_conn(ctx, c, &e, flags, seq);
		e.src = c;
		e.off = seq - c->snd_una;
		e.len = len;
		tcp_fit_options(c, &e);
		if (ctx->ifc.tx_tso)
			e.tso_segsz = (uint16_t)tcp_mss_now(c);
		if (tcp_emit_conn(ctx, c, &e) != 0)
			return -ENOBUFS;
	}
	/* A whole queue's pass (@p usual) starts with nothing in flight
	 * (snd_max is snd_una): its segment is never a retransmission. */
	if (!usual && seq_lt(seq, c->snd_max)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_RETRANS_SEGS);
		c->retrans_total++;
		tcp_recovery_on_retransmit(ctx, c, seq, len);
	} else if (!(c->flags & (CF_TS_OK | CF_RTT_TIMING)) && len > 0) {
		/* Karn: time only segments sent for the first time. */
		c->flags |= CF_RTT_TIMING;
		c->rtt_seq = seq;
		c->rtt_start_ns = ctx->now_ns;
	}
	return 0;
}

/*
 * Resend @p len bytes at @p seq (a hole) without moving snd_nxt.
 * Returns -ENOBUFS when no mbuf could be had; the retransmission timer
 * (armed here) or the next ACK tries again.
 */
int
tcp_send_at(struct tern_ctx *ctx, struct tern_conn *c, uint32_t seq,
	    uint32_t len)
{
	int rc = tcp_xmit_data(ctx, c, seq, len, false, false);

	if (c->rtx_deadline_ns == 0)
		tcp_rtx_arm(ctx, c);
	return rc;
}

/* Owe a zero-window or keepalive probe (tcp_emit_probe). */
void
tcp_owe_probe(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags |= CF_PROBE_OWED;
	tcp_conn_work(ctx, c);
}

/*
 * A segment the peer must answer without it carrying new data (RFC
 * 9293 3.8.6.1, RFC 1122 4.2.3.6): with data in flight (the peer shrank
 * its window over it) the first unacknowledged segment; otherwise an
 * ACK of an old sequence number (SND.UNA - 1), as keepalives are.
 */
static void
tcp_emit_probe(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t len = RTE_MIN(c->snd_max - c->snd_una, c->sq_bytes);
	struct tcp_emit e;

	c->flags &= ~CF_PROBE_OWED;
	if (len > 0) {
		tcp_send_at(ctx, c, c->snd_una,
			    RTE_MIN(len, (uint32_t)c->mss));
		return;
	}
	tcp_emit_from_conn(ctx, c, &e, TCP_ACK, c->snd_una - 1);
	/* A probe lost for want of an mbuf is retried by its own timer. */
	tcp_emit_conn(ctx, c, &e);
}

/* Owe a tail loss probe (RFC 8985 7.3; tcp_emit_tlp). */
void
tcp_owe_tlp(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags |= CF_TLP_OWED;
	tcp_conn_work(ctx, c);
}

/*
 * RFC 8985 7.3, after the pass tried new data: if none could go
 * (@p sent_new false), the last data segment again; its ACK (or SACK)
 * restarts the ACK clock.
 */
static void
tcp_emit_tlp(struct tern_ctx *ctx, struct tern_conn *c, bool sent_new)
{
	uint32_t data_end, len;

	c->flags &= ~CF_TLP_OWED;
	if (sent_new)
		return;
	data_end = c->snd_una + RTE_MIN(c->sq_bytes, c->snd_max - c->snd_una);
	len = RTE_MIN(data_end - c->snd_una, (uint32_t)c->mss);
	/* Never past the peer's window, even one it shrank (RFC 9293). */
	if (len > 0 && seq_leq(data_end, c->snd_una + c->snd_wnd))
		tcp_send_at(ctx, c, data_end - len, len);
}

/*
 * Send one segment of @p len queued bytes at snd_nxt, maybe with FIN.
 * Returns -ENOBUFS when no mbuf could be had: snd_nxt stays, and the
 * segment waits for the next ACK or the retransmission timer (armed
 * here), which finds nothing in flight and simply tries again.
 * @p usual without @p fin: tcp_output_usual()'s segment, whose timers
 * tcp_flight_arm_usual() arms.
 */
static __rte_always_inline int
tcp_send_segment_as(struct tern_ctx *ctx, struct tern_conn *c, uint32_t len,
		    bool fin, bool usual)
{
	if (tcp_xmit_data(ctx, c, c->snd_nxt, len, fin, usual) != 0) {
		if (c->rtx_deadline_ns == 0)
			tcp_rtx_arm(ctx, c);
		return -ENOBUFS;
	}
	c->snd_nxt += len + (fin ? 1 : 0);
	if (fin)
		c->flags |= CF_FIN_SENT;
	/* ... and its segment (data, a FIN) takes snd_nxt past snd_max. */
	if (usual || seq_lt(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
	if (usual && !fin) {
		tcp_flight_arm_usual(ctx, c);
		return 0;
	}
	if (c->rtx_deadline_ns == 0)
		tcp_rtx_arm(ctx, c);
	/* A FIN with nothing queued takes no loss probe (tcp_tlp_allowed()
	 * wants queued bytes): no call to learn it. */
	if (c->tlp_deadline_ns == 0 && (!fin || c->sq_bytes > 0))
		tcp_tlp_arm(ctx, c);
	return 0;
}

static __rte_always_inline int
tcp_send_segment(struct tern_ctx *ctx, struct tern_conn *c, uint32_t len,
		 bool fin)
{
	return tcp_send_segment_as(ctx, c, len, fin, false);
}

/*
 * How many new bytes the windows let us send now: the peer's window
 * from snd_una, and cwnd less what is in the network (pipe).
 */
static uint32_t
tcp_usable_window(const struct tern_conn *c)
{
	uint32_t out = c->snd_nxt - c->snd_una;
	uint32_t pipe = tcp_pipe(c);
	uint32_t by_peer = c->snd_wnd > out ? c->snd_wnd - out : 0;
	uint32_t by_cc = c->cc.cwnd > pipe ? c->cc.cwnd - pipe : 0;

	return RTE_MIN(by_peer, by_cc);
}

/*
 * The usual pass in one test: nothing in flight (so nothing to resend
 * and an empty pipe), no FIN queued, and queued data of at most one MSS
 * that both windows take whole. Then, with room in the batch
 * (tcp_output_one()), the loop of tcp_output_data() would send it as one
 * segment: the windows cut nothing, so sender SWS avoidance and Nagle
 * hold nothing back.
 */
static __rte_always_inline bool
tcp_output_one_fits(const struct tern_conn *c, uint32_t mss)
{
	uint32_t len = c->sq_bytes;

	return !(c->flags & (CF_RECOVERY | CF_FIN_QUEUED)) &&
	       c->snd_nxt == c->snd_una && c->snd_max == c->snd_una &&
	       len - 1 < mss && len <= c->snd_wnd && len <= c->cc.cwnd;
}

static __rte_always_inline bool
tcp_output_one(const struct tern_ctx *ctx, const struct tern_conn *c,
	       uint32_t mss)
{
	return tcp_output_one_fits(c, mss) &&
	       tern_ctx_tx_room(ctx) > TCP_TX_RESERVE;
}

/*
 * The pass of a close() in one test: all queued data is out, our FIN is
 * owed and not yet sent, no recovery, room in the batch. Then the loop
 * of tcp_output_data() would send the FIN alone (it takes no window)
 * and nothing else; the zero-window test after it cannot hold.
 */
static __rte_always_inline bool
tcp_output_fin_alone(const struct tern_ctx *ctx, const struct tern_conn *c)
{
	return (c->flags & (CF_FIN_QUEUED | CF_FIN_ACKED | CF_RECOVERY)) ==
		       CF_FIN_QUEUED &&
	       c->snd_nxt - c->snd_una == c->sq_bytes &&
	       tern_ctx_tx_room(ctx) > TCP_TX_RESERVE;
}

/*
 * The usual pass of an open connection in one test: none of our SYN, a
 * loss probe or a window probe owed, our SYN acknowledged, and
 * tcp_output_one_fits(): the whole queue goes as one segment, with no
 * SACK block to report (tcp_plain_ok(), so tcp_mss_now() is c->mss).
 * The other passes (SYNs, FINs, ACKs with nothing queued) fail the
 * first two tests, the cheapest. The batch's room is tcp_flush_work()'s
 * loop test, the only caller's.
 */
static __rte_always_inline bool
tcp_output_usual_ok(const struct tern_conn *c)
{
	return (c->flags & (CF_SYN_OWED | CF_TLP_OWED | CF_PROBE_OWED |
			    CF_FIN_QUEUED | CF_SYN_ACKED)) == CF_SYN_ACKED &&
	       c->sq_bytes - 1 < c->mss &&
	       tcp_state_has(c->state, SP_SENDS) && tcp_plain_opts_ok(c) &&
	       tcp_output_one_fits(c, c->mss);
}

/*
 * The whole send queue in one segment, @p fin with our FIN, from the
 * header template inline, and the pass's end as tcp_output() ends it.
 * tcp_output_usual() takes it into tcp_flush_work()'s loop,
 * tcp_output_fin() keeps it in a frame of its own.
 */
static __rte_always_inline void
tcp_output_whole_queue(struct tern_ctx *ctx, struct tern_conn *c, bool fin)
{
	/* Without a segment (no mbuf) the RTO armed tries again and the
	 * ACK stays owed: the full pass would send it on its own. */
	if (unlikely(tcp_send_segment_as(ctx, c, c->sq_bytes, fin,
					 true) != 0) &&
	    (c->flags & CF_ACK_NOW))
		tcp_send_ack(ctx, c);
	/* As tcp_output() ends: the wheel entry moved once, if it must. */
	if (c->flags & CF_TIMER_MOVE) {
		c->flags &= ~CF_TIMER_MOVE;
		tcp_timer_update(ctx, c);
	}
}

/*
 * The usual pass (tcp_output_usual_ok()), what tcp_output() does for it,
 * in tcp_flush_work()'s loop: its registers are saved once per pass, not
 * once per request or response.
 */
static __rte_always_inline void
tcp_output_usual(struct tern_ctx *ctx, struct tern_conn *c)
{
	tcp_output_whole_queue(ctx, c, false);
}

/*
 * The pass of a close() in one test: our SYN acknowledged, none of a
 * SYN, a loss probe or a window probe owed, our FIN queued and not sent
 * (nothing in flight: a FIN sent and not acknowledged would be), no
 * recovery, and the whole queue -- empty, or at most one segment the
 * windows take whole -- goes with the FIN. tcp_output_data() would send
 * that one segment: no window cuts it, so SWS avoidance and Nagle hold
 * nothing back, and a window that took all the data leaves no persist
 * timer to start.
 */
static __rte_always_inline bool
tcp_output_fin_ok(const struct tern_ctx *ctx, const struct tern_conn *c)
{
	uint32_t len = c->sq_bytes;

	return (c->flags & (CF_SYN_OWED | CF_TLP_OWED | CF_PROBE_OWED |
			    CF_FIN_QUEUED | CF_FIN_ACKED | CF_RECOVERY |
			    CF_SYN_ACKED)) == (CF_FIN_QUEUED | CF_SYN_ACKED) &&
	       c->snd_nxt == c->snd_una && c->snd_max == c->snd_una &&
	       tcp_state_has(c->state, SP_SENDS) &&
	       (len == 0 || (len <= tcp_mss_now(c) && len <= c->snd_wnd &&
			     len <= c->cc.cwnd)) &&
	       tern_ctx_tx_room(ctx) > TCP_TX_RESERVE;
}

/*
 * The pass of a close() (tcp_output_fin_ok()): our FIN, behind what is
 * queued, from the header template inline, in a frame of its own:
 * once per connection on each side. tcp_flush_work() tests for it
 * after the usual pass (which pays nothing for it) and calls it
 * straight, without tcp_output()'s frame and tests.
 */
static __rte_noinline void
tcp_output_fin(struct tern_ctx *ctx, struct tern_conn *c)
{
	tcp_output_whole_queue(ctx, c, true);
}

/*
 * Send what the windows allow: holes first during SACK recovery, then
 * queued data in MSS-sized segments (each at most @p mss, or a TSO
 * frame of several), then our FIN once all data has gone.
 */
static void
tcp_output_data(struct tern_ctx *ctx, struct tern_conn *c, uint32_t mss)
{
	if ((c->flags & (CF_RECOVERY | CF_SACK_OK)) ==
	    (CF_RECOVERY | CF_SACK_OK))
		tcp_sack_retransmit(ctx, c);
	for (;;) {
		uint32_t off = c->snd_nxt - c->snd_una;
		uint32_t avail, len;
		bool fin;

		if (off > c->sq_bytes)
			break; /* our FIN is out */
		avail = c->sq_bytes - off;
		/* Nothing queued and no FIN owed: spare the windows. */
		if (avail == 0 &&
		    (c->flags & (CF_FIN_QUEUED | CF_FIN_ACKED)) !=
			    CF_FIN_QUEUED)
			break;
		len = RTE_MIN(avail, tcp_usable_window(c));
		len = RTE_MIN(len, tcp_segment_max(ctx, c, mss));
		fin = (c->flags & (CF_FIN_QUEUED | CF_FIN_ACKED)) ==
			      CF_FIN_QUEUED && len == avail;
		if (len == 0 && !fin)
			break;
		/*
		 * Sender SWS avoidance (RFC 9293 3.8.6.2.1): hold a
		 * short segment the window cut short while there is
		 * data in flight to bring the window back.
		 */
		if (len < mss && len < avail &&
		    c->snd_nxt != c->snd_una &&
		    len < c->max_sndwnd / 2)
			break;
		/* Nagle: one small segment in flight at a time. */
		if ((c->flags & CF_NAGLE) && len < mss &&
		    !fin &&
		    c->snd_nxt != c->snd_una)
			break;
		/* The batch is full enough: the next pass goes on. */
		if (tern_ctx_tx_room(ctx) <= TCP_TX_RESERVE) {
			tcp_conn_work(ctx, c);
			break;
		}
		/* Out of mbufs: retrying now would spin forever. */
		if (tcp_send_segment(ctx, c, len, fin) != 0 || fin)
			break;
		/* All of the queue went, and no FIN is owed (it
		 * would have gone with it): nothing left to send. */
		if (len == avail)
			break;
	}
	/* A zero window with data waiting: the persist timer. */
	if (c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
	    c->sq_bytes > 0 && c->rtx_deadline_ns == 0) {
		if (!(c->flags & CF_PERSIST)) {
			c->flags |= CF_PERSIST;
			c->persist_start_ns = ctx->now_ns;
		}
		tcp_rtx_arm(ctx, c);
	}
}

/*
 * The output pass for @p c: our SYN if owed, then data and FIN as the
 * windows allow (tcp_output_data(), or the usual single segment at
 * once); an ACK if one is owed and nothing else carried it.
 * tcp_flush_work() takes the usual pass of an open connection to
 * tcp_output_usual() and the pass of a close() to tcp_output_fin()
 * before it comes here.
 */
static void
tcp_output(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t snd_max = c->snd_max;

	if (c->flags & CF_SYN_OWED)
		tcp_emit_syn(ctx, c);
	/* No data before our SYN is acknowledged. */
	if (tcp_state_has(c->state, SP_SENDS) && tcp_syn_acked(c)) {
		/* The receive side does not change during the pass. */
		uint32_t mss = tcp_mss_now(c);

		/* Without a segment (no mbuf) the RTO armed tries again;
		 * the zero-window test of tcp_output_data() cannot hold,
		 * the window having taken the data. */
		if (tcp_output_one(ctx, c, mss))
			tcp_send_segment(ctx, c, c->sq_bytes, false);
		else if (tcp_output_fin_alone(ctx, c))
			tcp_send_segment(ctx, c, 0, true);
		else
			tcp_output_data(ctx, c, mss);
	}
	/*
	 * RFC 9293 3.10.4: close() in SYN_RCVD with nothing queued sends
	 * the FIN at once, right behind our unacknowledged SYN.
	 */
	if (c->state == TERN_TCP_FIN_WAIT_1 && !tcp_syn_acked(c) &&
	    c->sq_bytes == 0 && c->snd_nxt == c->iss + 1 &&
	    (c->flags & CF_FIN_QUEUED))
		tcp_send_segment(ctx, c, 0, true);
	/* Usually none of these: a segment that went carried the ACK. */
	if (!(c->flags & (CF_TLP_OWED | CF_PROBE_OWED | CF_ACK_NOW |
			  CF_TIMER_MOVE)))
		return;
	if (c->flags & CF_TLP_OWED)
		tcp_emit_tlp(ctx, c, c->snd_max != snd_max);
	if (c->flags & CF_PROBE_OWED)
		tcp_emit_probe(ctx, c);
	if (c->flags & CF_ACK_NOW)
		tcp_send_ack(ctx, c);
	/* Last, once: the wheel entry to the earliest deadline the step
	 * and this pass set (tcp_timer_deadline_set()). */
	if (c->flags & CF_TIMER_MOVE) {
		c->flags &= ~CF_TIMER_MOVE;
		tcp_timer_update(ctx, c);
	}
}

/*
 * The output pass: serve the connections that owe output, in the order
 * they asked, while the TX batch has room beyond its reserve; the rest
 * stay on the work list (tern_tcp_next_deadline_ns() says "now").
 */
void
tcp_flush_work(struct tern_ctx *ctx)
{
	struct tern_tcp *tcp = tcp_of(ctx);
	struct tern_conn *c;

	while (tern_ctx_tx_room(ctx) > TCP_TX_RESERVE &&
	       (c = TAILQ_FIRST(&tcp->work)) != NULL) {
		TAILQ_REMOVE(&tcp->work, c, work);
		c->flags &= ~CF_ON_WORK;
		tcp->in_output = c;
		if (likely(tcp_output_usual_ok(c)))
			tcp_output_usual(ctx, c);
		else if (tcp_output_fin_ok(ctx, c))
			tcp_output_fin(ctx, c);
		else
			tcp_output(ctx, c);
	}
	tcp->in_output = NULL;
}
