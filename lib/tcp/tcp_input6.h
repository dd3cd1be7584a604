/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP over IPv6 (tcp_input6.c): the flow key's IPv6 handles, the keyed
 * hashes over the full addresses, the IPv6 output and checks. The rest
 * of the engine is shared with IPv4 (tcp_priv.h).
 */
#ifndef TCP_INPUT6_H
#define TCP_INPUT6_H

#include "tcp_priv.h"

int tcp_peers6_setup(struct tern_ctx *ctx, int socket);
void tcp_peers6_teardown(struct tern_tcp *tcp);
void tcp_key6_addrs(const struct tern_ctx *ctx,
		    const struct tern_flow_key *key, struct tern_ip6 *laddr,
		    struct tern_ip6 *faddr);
void tcp_key6_hold(struct tern_tcp *tcp, const struct tern_flow_key *key);
void tcp_key6_put(struct tern_tcp *tcp, const struct tern_flow_key *key);
uint32_t tcp_isn_ts_offset_key6(const struct tern_ctx *ctx,
				const struct tern_flow_key *key,
				uint32_t *ts_offset);
uint32_t tcp_cookie_make_key6(const struct tern_ctx *ctx,
			      const struct tern_flow_key *key,
			      uint32_t peer_isn, uint16_t peer_mss);
uint16_t tcp_cookie_check_key6(const struct tern_ctx *ctx,
			       const struct tern_flow_key *key,
			       uint32_t peer_isn, uint32_t cookie);
/* @p flow_label 0: derived from the tuple (segments of no record) */
void tcp_output6(struct tern_ctx *ctx, struct rte_mbuf *m,
		 const struct tern_flow_key *key, uint32_t flow_label);
uint32_t tcp_flow_label_key6(const struct tern_ctx *ctx,
			     const struct tern_flow_key *key);
uint32_t tcp_flow_hash_key6(const struct tern_ctx *ctx,
			    const struct tern_flow_key *key);
bool tcp_key6_comes_back(const struct tern_ctx *ctx,
			 const struct tern_flow_key *key);
bool tcp_cksum6_ok(const struct tern_ctx *ctx, const struct rte_mbuf *m);
tern_stat_t tcp_key6_from_ip(struct tern_ctx *ctx, const struct rte_mbuf *m,
			     struct tcp_seg *seg);
void tcp_pmtu6_input(struct tern_ctx *ctx, struct tern_conn *c,
		     uint32_t mtu);
struct tern_icmp_err;
struct tern_conn *tcp_icmp6_lookup(struct tern_ctx *ctx,
				   const struct tern_icmp_err *e);
int tcp_pick_port6(struct tern_ctx *ctx, struct tern_flow_key *key,
		   uint32_t *hash, uint32_t *iss_floor);

#endif /* TCP_INPUT6_H */
