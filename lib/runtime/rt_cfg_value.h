/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One configuration value as text, both ways (rt_cfg_value.c): what the
 * configuration table's key types parse and print. Internal to
 * lib/runtime; the public parsers are in tern_config.h.
 */
#ifndef RT_CFG_VALUE_H
#define RT_CFG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>

#include "tern_config.h"

/* The longest duration a [section] key in seconds may hold, in ms. */
#define DURATION_MAX_MS (UINT32_MAX - 1)

int rt_cfg_parse_u64(const char *s, uint64_t *out);
int rt_cfg_parse_bool(const char *s, bool *out);
int rt_cfg_parse_ipv4(const char *s, rte_be32_t *out);
int rt_cfg_parse_ipv4_prefix(const char *s, rte_be32_t *addr, uint8_t *len);
int rt_cfg_parse_seconds_ms(const char *s, uint32_t *out);
int rt_cfg_parse_tcp_cc(const char *s, enum tern_tcp_cc *out);
int rt_cfg_parse_offload(const char *s, enum tern_offload_mode *out);
int rt_cfg_parse_rss_hf(const char *s, uint64_t *out);
int rt_cfg_parse_rss_key(const char *s, uint16_t *out);
void rt_cfg_format_ipv4(rte_be32_t a, char *out, size_t len);
int rt_cfg_parse_ipv6(const char *s, struct tern_ip6 *out);
int rt_cfg_parse_ipv6_prefix(const char *s, struct tern_ip6 *addr,
			     uint8_t *len);
void rt_cfg_format_ipv6(const struct tern_ip6 *a, char *out, size_t len);
const char *rt_cfg_tcp_cc_name(enum tern_tcp_cc cc);

#endif /* RT_CFG_VALUE_H */
