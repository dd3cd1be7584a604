/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for tcp_opts_parse(). Input: one byte whose low bit
 * says "SYN", then the option bytes (any length: the parser must not
 * assume the 40-byte cap). Checks, aborting on failure:
 *  - the invariants of opts_invariants.h (limits, witnesses);
 *  - what was parsed, written back with tcp_opts_write() and parsed
 *    again, gives the same fields (SACK blocks that no longer fit
 *    after the other options are dropped from the end).
 * libFuzzer hands us a heap copy of exactly the input size, so ASan
 * reports any over-read.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_options.h"
#include "opts_invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_options: %s\n", why);
	abort();
}

static struct tcp_opts_out
opts_to_out(const struct tcp_opts *in)
{
	struct tcp_opts_out o;

	memset(&o, 0, sizeof(o));
	o.mss_ok = in->mss_ok;
	o.mss = in->mss;
	o.ws_ok = in->ws_ok;
	o.ws = in->ws;
	o.sack_perm = in->sack_perm;
	o.ts_ok = in->ts_ok;
	o.tsval = in->tsval;
	o.tsecr = in->tsecr;
	o.nsack = in->nsack;
	memcpy(o.sack, in->sack, sizeof(o.sack));
	return o;
}

static void
check_round_trip(const struct tcp_opts *first, bool syn)
{
	struct tcp_opts_out out = opts_to_out(first);
	uint8_t buf[TCP_MAX_OPT_LEN];
	struct tcp_opts again;
	unsigned int len = tcp_opts_len(&out), i;

	if (len > TCP_MAX_OPT_LEN || len % 4 != 0)
		fuzz_fail("tcp_opts_len out of range");
	if (tcp_opts_write(buf, &out) != len)
		fuzz_fail("tcp_opts_write disagrees with tcp_opts_len");
	if (tcp_opts_parse(buf, len, syn, &again) != TCP_OPTS_OK)
		fuzz_fail("own output does not parse");
	if (again.mss_ok != first->mss_ok || again.mss != first->mss ||
	    again.ws_ok != first->ws_ok || again.ws != first->ws ||
	    again.sack_perm != first->sack_perm ||
	    again.ts_ok != first->ts_ok || again.tsval != first->tsval ||
	    again.tsecr != first->tsecr || again.nsack > first->nsack)
		fuzz_fail("round trip changed a field");
	for (i = 0; i < again.nsack; i++)
		if (again.sack[i].start != first->sack[i].start ||
		    again.sack[i].end != first->sack[i].end)
			fuzz_fail("round trip changed a SACK block");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_opts o;
	enum tcp_opts_result r;
	const char *why;
	bool syn;

	if (size < 1 || size - 1 > UINT16_MAX)
		return 0;
	syn = data[0] & 1;
	r = tcp_opts_parse(data + 1, (unsigned int)(size - 1), syn, &o);
	why = opts_violation(data + 1, (unsigned int)(size - 1), syn, r, &o);
	if (why != NULL)
		fuzz_fail(why);
	if (r == TCP_OPTS_OK)
		check_round_trip(&o, syn);
	return 0;
}
