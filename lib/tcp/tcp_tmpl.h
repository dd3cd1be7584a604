/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_TMPL_H
#define TCP_TMPL_H

#include <stdint.h>

#include <rte_tcp.h>

#include "tcp_options.h"
#include "tern_net.h"

/*
 * A connection's Ethernet, IP and TCP headers (NOP NOP TS included when
 * agreed) prebuilt for its usual segment (tcp_tmpl.c): the record is
 * full, so the template sits right behind it in the record pool's
 * element (tcp_tmpl_of()). tcp_conn_alloc() marks it unbuilt, so a
 * template is always the current connection's; it is used only while
 * lib/net's part holds (tern_ip_tmpl_mac()).
 */
struct tcp_tmpl {
	uint8_t frame[TERN_IP_TMPL_HDR_MAX + sizeof(struct rte_tcp_hdr) +
		      TCP_OPTS_TS_LEN];
	uint8_t tcp_hdr_len;           /* TCP header and options; 0: none */
	uint16_t max_len;              /* payload within the interface MTU */
	struct tern_ip_tmpl ip;
};

/* tcp_tmpl_copy_headers() copies at most 96 bytes in two moves. */
_Static_assert(sizeof(((struct tcp_tmpl *)0)->frame) <= 96,
	       "a template's headers outgrew tcp_tmpl_copy_headers()");

#endif /* TCP_TMPL_H */
