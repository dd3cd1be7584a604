/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors about our segments, which lib/net reduced to struct
 * tern_icmp_err and lib/stack hands over after the burst's segments.
 *
 * - RFC 5927 4.1: a report counts only when the sequence number it
 *   quotes lies in SND.UNA =< SEG.SEQ < SND.NXT (the highest sent) of a
 *   connection of ours; anything else is an attacker's guess or stale,
 *   ignored and counted (OutOfWindowIcmps).
 * - RFC 1122 4.2.3.9: in the synchronized states every error is soft:
 *   recorded for the app (tern_tcp_info.icmp_type/icmp_code), never
 *   fatal -- the retransmission timer decides. In SYN_SENT an error
 *   quoting our SYN ends the attempt (TERN_TCP_CLOSE_UNREACHABLE), as
 *   Linux's tcp_v4_err() does: a connect() learns at once that the
 *   peer cannot be reached rather than after a minute of SYNs.
 * - RFC 1191: Fragmentation Needed (type 3 code 4) about a datagram we
 *   sent with DF lowers the connection's MSS to the next-hop MTU less
 *   the headers (never below TCP_PMTU_MIN, never raised), and what is
 *   in flight goes again in segments that fit.
 */
#include <netinet/in.h>

#include "tcp_input6.h"
#include "tcp_priv.h"
#include "tern_net.h"

/* IPv4 and TCP headers without options. */
#define TCP_IP_HDRS 40u

/*
 * The lowest path MTU an ICMP message may impose: Linux's default
 * min_pmtu (552). RFC 1191 allows 68, but a forged report of 68 would
 * turn a transfer into 28-byte segments; a real path below 552 is
 * vanishingly rare (RFC 5927 7.2 discusses the attack).
 */
#define TCP_PMTU_MIN 552u

/* RFC 1191 7.1: common MTUs, for routers that leave the field 0. */
static const uint16_t tcp_mtu_plateaus[] = {
	32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
};

static struct tern_conn *
tcp_icmp_lookup(struct tern_ctx *ctx, const struct tern_icmp_err *e)
{
	struct tern_flow_key key = {
		.laddr = e->src,
		.faddr = e->dst,
		.lport = e->sport,
		.fport = e->dport,
	};

	return (struct tern_conn *)tern_ctable_lookup(
		&tcp_of(ctx)->conns, &key, tcp_flow_hash(ctx, &key));
}

/* RFC 5927 4.1: SND.UNA =< SEG.SEQ < SND.NXT. Nothing in flight, nothing
 * that could have been reported. */
static bool
tcp_icmp_seq_ok(const struct tern_conn *c, uint32_t seq)
{
	return seq_geq(seq, c->snd_una) && seq_lt(seq, c->snd_max);
}

/* The path MTU the report gives, or (RFC 1191 5) the plateau below the
 * length of the datagram it quotes. */
static uint32_t
tcp_icmp_mtu(const struct tern_icmp_err *e)
{
	if (e->next_hop_mtu != 0)
		return e->next_hop_mtu;
	for (unsigned int i = 0; i < RTE_DIM(tcp_mtu_plateaus); i++)
		if (tcp_mtu_plateaus[i] < e->quoted_len)
			return tcp_mtu_plateaus[i];
	return TCP_PMTU_MIN;
}

/*
 * RFC 1191 Fragmentation Needed: lower the MSS, resend what no longer
 * fits. A report without DF in its quote is about a datagram we did not
 * send (ours all carry DF); one that would not lower the MSS changes
 * nothing (the MSS is never raised by ICMP).
 */
static void
tcp_pmtu_input(struct tern_ctx *ctx, struct tern_conn *c,
	       const struct tern_icmp_err *e)
{
	uint32_t mtu = RTE_MAX(tcp_icmp_mtu(e), TCP_PMTU_MIN);
	uint32_t opts = (c->flags & CF_TS_OK) ? 12u : 0u;
	uint32_t mss = mtu - TCP_IP_HDRS - opts;

	if (!e->quoted_df || mss >= c->mss) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PMTU_IGNORED);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_PMTU_LOWERED);
	c->pmtu = (uint16_t)mtu;
	c->mss = (uint16_t)mss;
	tcp_cc_set_mss(&c->cc, c->mss);
	tcp_recovery_on_pmtu(ctx, c);
}

/* ICMPv6 Packet Too Big, or Destination Unreachable code 4 for IPv4:
 * the path MTU report, which never ends a connection. */
static bool
tcp_icmp_is_pmtu(const struct tern_icmp_err *e)
{
	if (e->family == AF_INET6)
		return e->type == TERN_ICMP6_PKT_TOO_BIG;
	return e->type == TERN_ICMP_DEST_UNREACH &&
	       e->code == TERN_ICMP_FRAG_NEEDED;
}

static void
tcp_icmp_one(struct tern_ctx *ctx, const struct tern_icmp_err *e)
{
	struct tern_conn *c = e->family == AF_INET6 ?
		tcp_icmp6_lookup(ctx, e) : tcp_icmp_lookup(ctx, e);

	if (c == NULL) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ICMP_NO_CONN);
		return;
	}
	if (!tcp_icmp_seq_ok(c, e->seq)) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ICMP_OUT_OF_WINDOW);
		return;
	}
	if (tcp_icmp_is_pmtu(e)) {
		if (e->family == AF_INET6)
			tcp_pmtu6_input(ctx, c, e->next_hop_mtu);
		else
			tcp_pmtu_input(ctx, c, e);
		return;
	}
	/* recorded first: the closed() callback of a SYN_SENT attempt ended
	 * here reads it (the socket layer's errno, as Linux's) */
	c->icmp_type = e->type;
	c->icmp_code = e->code;
	if (c->state == TERN_TCP_SYN_SENT) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ICMP_HARD_ERRORS);
		tcp_fsm_step(ctx, c, TCP_EV_ICMP_UNREACH, NULL);
		tcp_conn_settle(ctx, c);
		return;
	}
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_ICMP_SOFT_ERRORS);
}

void
tern_tcp_icmp_input(struct tern_ctx *ctx, const struct tern_icmp_err *errs,
		    uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		tcp_icmp_one(ctx, &errs[i]);
	/* Segments resent at a lower MSS leave with the caller's output
	 * pass. */
}
