/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef OPTS_INVARIANTS_H
#define OPTS_INVARIANTS_H

/*
 * What tcp_opts_parse() must guarantee for ANY input, checked without
 * re-implementing the parser: fields stay within their limits, absent
 * fields are zero, SYN-only options appear only when syn is set, and
 * every recorded value has a witness -- an option in the input bytes,
 * wholly inside them, that carries exactly that value. Shared by the
 * seeded random test (cmocka) and the libFuzzer target.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tcp_options.h"

static inline bool
opts_witness(const uint8_t *buf, unsigned int len, uint8_t kind,
	     uint8_t optlen, const uint8_t *data)
{
	unsigned int i;

	for (i = 0; i + optlen <= len; i++)
		if (buf[i] == kind && buf[i + 1] == optlen &&
		    memcmp(buf + i + 2, data, optlen - 2u) == 0)
			return true;
	return false;
}

static inline bool
opts_ws_witness(const uint8_t *buf, unsigned int len, uint8_t ws)
{
	unsigned int i;

	for (i = 0; i + 3 <= len; i++) {
		uint8_t shift = buf[i + 2];

		if (shift > TCP_MAX_WSCALE)
			shift = TCP_MAX_WSCALE;
		if (buf[i] == TCP_OPT_WS && buf[i + 1] == 3 && shift == ws)
			return true;
	}
	return false;
}

static inline void
opts_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* NULL when @p o is a lawful result of parsing @p buf, else why not. */
static inline const char *
opts_violation(const uint8_t *buf, unsigned int len, bool syn,
	       enum tcp_opts_result r, const struct tcp_opts *o)
{
	static const struct tcp_opts zero;
	uint8_t data[2 + 8 * TCP_MAX_SACK_BLOCKS];
	unsigned int i;

	if (r == TCP_OPTS_MALFORMED)
		return memcmp(o, &zero, sizeof(zero)) == 0 ? NULL :
		       "malformed but fields left set";
	if (r != TCP_OPTS_OK)
		return "result neither OK nor MALFORMED";
	if (o->ws > TCP_MAX_WSCALE)
		return "window scale above 14";
	if (o->nsack > TCP_MAX_SACK_BLOCKS)
		return "more than 4 SACK blocks";
	if (!syn && (o->mss_ok || o->ws_ok || o->sack_perm))
		return "SYN-only option recorded on a non-SYN";
	if ((!o->mss_ok && o->mss != 0) || (!o->ws_ok && o->ws != 0) ||
	    (!o->ts_ok && (o->tsval != 0 || o->tsecr != 0)))
		return "absent option has a non-zero value";
	for (i = o->nsack; i < TCP_MAX_SACK_BLOCKS; i++)
		if (o->sack[i].start != 0 || o->sack[i].end != 0)
			return "SACK block beyond nsack is set";

	if (o->mss_ok) {
		data[0] = (uint8_t)(o->mss >> 8);
		data[1] = (uint8_t)o->mss;
		if (!opts_witness(buf, len, TCP_OPT_MSS, 4, data))
			return "MSS recorded without an MSS option";
	}
	if (o->ws_ok && !opts_ws_witness(buf, len, o->ws))
		return "window scale recorded without a WS option";
	if (o->sack_perm && !opts_witness(buf, len, TCP_OPT_SACK_PERM, 2, data))
		return "SACK-permitted recorded without the option";
	if (o->ts_ok) {
		opts_be32(data, o->tsval);
		opts_be32(data + 4, o->tsecr);
		if (!opts_witness(buf, len, TCP_OPT_TS, 10, data))
			return "timestamps recorded without a TS option";
	}
	if (o->nsack > 0) {
		for (i = 0; i < o->nsack; i++) {
			opts_be32(data + 8 * i, o->sack[i].start);
			opts_be32(data + 8 * i + 4, o->sack[i].end);
		}
		if (!opts_witness(buf, len, TCP_OPT_SACK,
				  (uint8_t)(2 + 8 * o->nsack), data))
			return "SACK blocks recorded without a SACK option";
	}
	return NULL;
}

#endif /* OPTS_INVARIANTS_H */
