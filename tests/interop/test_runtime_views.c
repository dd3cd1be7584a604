/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the connection views' addresses (lib/runtime/rt_snap.c):
 * tern-testpmd's `show conns`/`show conn` and telemetry's /tern/conns
 * print a connection's addresses through tern_rt_format_conn_addrs(),
 * in its own family. Pure C: no EAL.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tern_rt_snap.h"

static struct tern_rt_conn
conn4(enum tern_tcp_state state)
{
	struct tern_rt_conn c = { .id = 1 };

	c.v.info.family = AF_INET;
	c.v.info.state = state;
	assert_int_equal(inet_pton(AF_INET, "198.18.0.2", &c.v.info.laddr),
			 1);
	assert_int_equal(inet_pton(AF_INET, "198.18.0.1", &c.v.info.faddr),
			 1);
	c.v.info.lport = 80;
	c.v.info.fport = 40000;
	return c;
}

static struct tern_rt_conn
conn6(enum tern_tcp_state state)
{
	struct tern_rt_conn c = { .id = 2 };

	c.v.info.family = AF_INET6;
	c.v.info.state = state;
	assert_int_equal(inet_pton(AF_INET6, "2001:2::b",
				   c.v.info.laddr6.b), 1);
	assert_int_equal(inet_pton(AF_INET6,
				   "2001:2:0:ffff:ffff:ffff:ffff:fffa",
				   c.v.info.faddr6.b), 1);
	c.v.info.lport = 80;
	c.v.info.fport = 65535;
	/* an IPv4 address left over must not be shown */
	c.v.info.laddr = htonl(0xc6120002);
	return c;
}

static void
test_addrs_ipv4(void **state)
{
	struct tern_rt_conn c = conn4(TERN_TCP_ESTABLISHED);
	char local[TERN_RT_ADDR_STRLEN], peer[TERN_RT_ADDR_STRLEN];

	(void)state;
	tern_rt_format_conn_addrs(&c.v.info, local, peer);
	assert_string_equal(local, "198.18.0.2:80");
	assert_string_equal(peer, "198.18.0.1:40000");
	c = conn4(TERN_TCP_LISTEN);
	tern_rt_format_conn_addrs(&c.v.info, local, peer);
	assert_string_equal(peer, "0.0.0.0:*");
}

/* The longest IPv6 address and port fit (no truncation). */
static void
test_addrs_ipv6(void **state)
{
	struct tern_rt_conn c = conn6(TERN_TCP_ESTABLISHED);
	char local[TERN_RT_ADDR_STRLEN], peer[TERN_RT_ADDR_STRLEN];
	char line[512];

	(void)state;
	tern_rt_format_conn_addrs(&c.v.info, local, peer);
	assert_string_equal(local, "[2001:2::b]:80");
	assert_string_equal(peer, "[2001:2:0:ffff:ffff:ffff:ffff:fffa]:65535");
	c = conn6(TERN_TCP_LISTEN);
	tern_rt_format_conn_addrs(&c.v.info, local, peer);
	assert_string_equal(local, "[2001:2::b]:80");
	assert_string_equal(peer, "[::]:*");
	/* show conns' line carries them */
	c = conn6(TERN_TCP_ESTABLISHED);
	tern_rt_format_conn(&c, line, sizeof(line));
	assert_non_null(strstr(line, "[2001:2::b]:80"));
	assert_non_null(
		strstr(line, "[2001:2:0:ffff:ffff:ffff:ffff:fffa]:65535"));
	assert_null(strstr(line, "198.18.0.2"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrs_ipv4),
		cmocka_unit_test(test_addrs_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
