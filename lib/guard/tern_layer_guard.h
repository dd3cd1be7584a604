/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_LAYER_GUARD_H
#define TERN_LAYER_GUARD_H

/**
 * @file
 * Force-included (-include, lib/meson.build) ahead of every source of
 * lib/core, lib/net and lib/tcp: the layers that take time from
 * ctx->now_ns, secrets from lib/stack and frames from whoever drives the
 * context (lib/runtime, tests/sim). Reading a clock or a random source,
 * or touching a port, is a build error there, not a review comment.
 *
 * DPDK installs all of its headers in one directory, so the lower
 * libraries cannot be given a DPDK without ethdev. Two locks instead:
 *  - lib/guard/rte_ethdev.h shadows DPDK's (lib/guard comes first on
 *    these libraries' include path) and stops with #error;
 *  - the ethdev, clock and random entry points are poisoned below, so
 *    that reaching them some other way fails too.
 * The headers that declare them, and the DPDK headers these layers use
 * whose inline functions read the TSC (spinlocks, trace points), are
 * included first: their text is already read, and poisoning only
 * forbids the uses that follow, i.e. ours. A DPDK header needed below
 * that reads a clock inline belongs in this list.
 */

#include <stdlib.h>
#include <time.h>
#include <sys/time.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_random.h>
#include <rte_arp.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

/* Clocks: time comes from ctx->now_ns. */
#pragma GCC poison time clock clock_gettime gettimeofday timespec_get
#pragma GCC poison rte_rdtsc rte_rdtsc_precise rte_get_tsc_cycles
#pragma GCC poison rte_get_timer_cycles rte_get_tsc_hz rte_get_timer_hz
/* Randomness: secrets come from lib/stack (struct tern_tcp_secret). */
#pragma GCC poison rand random rand_r getrandom getentropy
#pragma GCC poison rte_rand rte_rand_max rte_srand
/* Ports: frames come in through tern_stack_input() and go out through
 * ctx->tx_flush. */
#pragma GCC poison rte_eth_rx_burst rte_eth_tx_burst rte_eth_tx_prepare
#pragma GCC poison rte_eth_dev_configure rte_eth_dev_start rte_eth_dev_stop

#endif /* TERN_LAYER_GUARD_H */
