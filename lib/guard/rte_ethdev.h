/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shadows DPDK's rte_ethdev.h on the include path of lib/core, lib/net,
 * lib/tcp and lib/stack (lib/meson.build): those layers do not drive
 * ports. Frames reach them through tern_stack_input() and leave through
 * ctx->tx_flush, which lib/runtime (or the simulator) supplies.
 */
#error "rte_ethdev.h below lib/runtime: only lib/runtime drives ports"
