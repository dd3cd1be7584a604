/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 5961 challenge ACKs and their budgets: what a segment that might
 * be a blind attack (an in-window RST or SYN, an ACK outside what was
 * sent) gets back, at most challenge_ack_per_sec per connection and
 * about challenge_ack_global_per_sec per lcore and second. The ACK
 * itself is the output layer's (tcp_send_ack()).
 */
#include "tcp_priv.h"
#include "tern_splitmix.h"

/*
 * May one more challenge ACK go out this second on the whole lcore? A
 * flood of forged segments over many connections must not turn into
 * as many ACKs (RFC 5961 7: the budget bounds the reflection). A fixed
 * shared budget is an off-path side channel (CVE-2016-5696: exhaust it,
 * then see whether the victim's challenge came), so, as Linux since
 * 4.7, each second's budget is drawn from [n/2, 3n/2) with the secret.
 */
static bool
tcp_challenge_global_ok(struct tern_tcp *tcp, uint32_t second)
{
	uint32_t n = tcp->conf.challenge_ack_global_per_sec;

	if (tcp->chal_second != second || tcp->chal_budget == 0) {
		uint64_t h = tcp->isn_secret.k1 ^ second;

		tcp->chal_second = second;
		tcp->chal_count = 0;
		tcp->chal_budget = n / 2 + (uint32_t)(tern_splitmix64(&h) %
						      (n == 0 ? 1 : n));
		if (tcp->chal_budget == 0)
			tcp->chal_budget = 1;
	}
	if (tcp->chal_count >= tcp->chal_budget)
		return false;
	tcp->chal_count++;
	return true;
}

/*
 * RFC 5961 challenge ACK, at most challenge_ack_per_sec per connection
 * and second (so one attacked connection cannot silence the others'
 * challenges), and about challenge_ack_global_per_sec on the lcore.
 */
void
tcp_send_challenge_ack(struct tern_ctx *ctx, struct tern_conn *c)
{
	uint32_t second = (uint32_t)(ctx->now_ns / (1000 * NS_PER_MS));

	if (c->chal_second != second) {
		c->chal_second = second;
		c->chal_count = 0;
	}
	if (c->chal_count >= tcp_of(ctx)->conf.challenge_ack_per_sec) {
		tern_stat_inc(&ctx->stats, TERN_STAT_TCP_CHALLENGE_LIMITED);
		return;
	}
	if (!tcp_challenge_global_ok(tcp_of(ctx), second)) {
		tern_stat_inc(&ctx->stats,
			      TERN_STAT_TCP_CHALLENGE_GLOBAL_LIMITED);
		return;
	}
	c->chal_count++;
	tern_stat_inc(&ctx->stats, TERN_STAT_TCP_CHALLENGE_ACKS);
	tcp_send_ack(ctx, c);
}
