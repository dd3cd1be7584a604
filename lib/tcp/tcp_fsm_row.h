/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_FSM_ROW_H
#define TCP_FSM_ROW_H

/*
 * State-table steps whose row is known where they are taken (tcp_fsm.c):
 * the usual connection's handshake and close. Each reads its cell from
 * the one table, as tcp_fsm_step() does, but the cell is a constant
 * there, so its tests fold away. A state or event other than the usual
 * one takes tcp_fsm_step(). Private to lib/tcp.
 */

#include "tcp_priv.h"

/* The SYN's step on a listener's child, LISTEN --SEG_SYN--> SYN_RCVD. */
int tcp_fsm_step_listen_syn(struct tern_ctx *ctx, struct tern_conn *c,
			    const struct tcp_seg *seg);
/* The handshake's last ACK, SYN_RCVD --SEG_ACK--> ESTABLISHED. */
int tcp_fsm_step_synrcvd_ack(struct tern_ctx *ctx, struct tern_conn *c,
			     const struct tcp_seg *seg);
/* close()'s step (tcp_fsm_step_user() of USER_CLOSE). */
int tcp_fsm_step_user_close(struct tern_ctx *ctx, struct tern_conn *c);
/* The step of a segment of the close (tcp_input_fin.h), event @p ev. */
int tcp_fsm_step_close_seg(struct tern_ctx *ctx, struct tern_conn *c,
			   enum tcp_event ev, const struct tcp_seg *seg);

#endif /* TCP_FSM_ROW_H */
