/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The send queue's functions (tcp_sq.c): its bytes into the segments
 * that carry them, appends, a head lent to its frame taken back
 * (zero-copy send, tcp_emit_tmpl.h), its audit. The queue itself is
 * struct tern_conn's sq_head, sq_tail, sq_bytes and sq_lent_at
 * (tcp_priv.h).
 */
#ifndef TCP_SQ_H
#define TCP_SQ_H

#include "tcp_priv.h"

/* c's lent send-queue head back in the queue (or a copy of its bytes);
 * -ENOBUFS without an mbuf for the copy. */
int tcp_sq_unlend(struct tern_ctx *ctx, struct tern_conn *c);

/* The send queue's bytes from @p off, @p len of them, appended to
 * segment @p m (chained as needed); -ENOBUFS without an mbuf. */
int tcp_fill_payload(struct tern_ctx *ctx, const struct tern_conn *c,
		     struct rte_mbuf *m, uint32_t off, uint32_t len);

/* Append @p len bytes from @p buf to c's send queue, chaining fresh
 * mbufs; returns how many fitted. */
uint32_t tcp_sq_append(struct tern_ctx *ctx, struct tern_conn *c,
		       const uint8_t *buf, uint32_t len);

/* rte_mbuf_check() of c's send queue (a lent head: its one mbuf's
 * bounds), its length against sq_bytes; 0, or -EINVAL and *reason. */
int tcp_sq_check(const struct tern_conn *c, const char **reason);

#endif /* TCP_SQ_H */
