/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_FSM_H
#define TCP_FSM_H

/**
 * @file
 * Introspection of the one TCP state-transition table, for the coverage
 * test and the diagram generator. Entry i is one (state, event) cell.
 */

#include <stdint.h>

struct tern_ctx;

/** Number of (state, event) cells that have a transition. */
unsigned int tern_tcp_fsm_entries(void);

/** "FROM --EVENT--> TO" for entry @p i (static storage). */
const char *tern_tcp_fsm_entry_name(unsigned int i);

/** How often entry @p i was taken on @p ctx since start. */
uint64_t tern_tcp_fsm_hits(const struct tern_ctx *ctx, unsigned int i);

#endif /* TCP_FSM_H */
