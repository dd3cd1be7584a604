/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the runtime's configuration (lib/runtime/tern_config.c):
 * every key type, range and error path of the INI loader and of --set,
 * cross-field checks, the driver profiles shipped in drivers-config/,
 * and the effective-configuration writer read back by the loader.
 * Pure C: rte_cfgfile and rte_log work without EAL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "tern_build_config.h"
#include "tern_config.h"

/* rte_log's default type for applications: messages go to stderr. */
#define LOGTYPE RTE_LOGTYPE_USER1

static rte_be32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Write @p text to a fresh temporary file; returns its path (static
 * storage of the caller). */
static void
write_file(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "/tmp/tern-cfg-test.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
load_text(struct tern_config *cfg, const char *text)
{
	char path[64];
	int rc;

	write_file(path, sizeof(path), text);
	rc = tern_config_load(cfg, path);
	unlink(path);
	return rc;
}

/* ---- defaults and single keys ------------------------------------------ */

static void
test_defaults_are_the_demo_deployment(void **state)
{
	struct tern_config cfg;
	struct tern_tcp_conf tcp;

	tern_config_defaults(&cfg, LOGTYPE);
	tern_tcp_conf_defaults(&tcp);
	assert_int_equal(cfg.ip, ip("198.18.0.2"));
	assert_int_equal(cfg.prefix_len, 24);
	assert_int_equal(cfg.gateway, 0);
	assert_int_equal(cfg.mtu, 0);
	assert_string_equal(cfg.dev, "");
	assert_string_equal(cfg.profile_name, "");
	assert_string_equal(cfg.profile_dir, TERN_PROFILE_DIR);
	assert_int_equal(cfg.mbufs, 8191);
	assert_int_equal(cfg.duration_ms, 0);
	/* lib/tcp's defaults, but a server's TIME_WAIT capacity: at least
	 * a million records per worker (shrunk to memory at start-up) */
	assert_true(cfg.tcp.max_tw >= (1u << 20));
	tcp.max_tw = TERN_CFG_MAX_TW_DEFAULT;
	assert_memory_equal(&cfg.tcp, &tcp, sizeof(tcp));
	assert_int_equal(tern_config_check(&cfg), 0);
}

static void
test_set_every_type(void **state)
{
	struct tern_config cfg;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(tern_config_set(&cfg, "port", "dev",
					 "net_null0"), 0);
	assert_string_equal(cfg.dev, "net_null0");
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "198.19.2.3/15"), 0);
	assert_int_equal(cfg.ip, ip("198.19.2.3"));
	assert_int_equal(cfg.prefix_len, 15);
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway", "198.18.0.1"),
			 0);
	assert_int_equal(cfg.gateway, ip("198.18.0.1"));
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway", "none"), 0);
	assert_int_equal(cfg.gateway, 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "9000"), 0);
	assert_int_equal(cfg.mtu, 9000);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "0"), 0);
	assert_int_equal(cfg.mtu, 0);
	assert_int_equal(tern_config_set(&cfg, "lcores", "workers", "3"), 0);
	assert_int_equal(cfg.workers, 3);
	assert_int_equal(tern_config_set(&cfg, "run", "duration", "2.5"), 0);
	assert_int_equal(cfg.duration_ms, 2500);
	assert_int_equal(tern_config_set(&cfg, "tcp", "msl_ms", "1000"), 0);
	assert_int_equal(cfg.tcp.msl_ms, 1000);
	assert_int_equal(tern_config_set(&cfg, "tcp", "mss", "1200"), 0);
	assert_int_equal(cfg.tcp.mss, 1200);
	assert_int_equal(tern_config_set(&cfg, "tcp", "sack", "off"), 0);
	assert_false(cfg.tcp.sack);
	assert_int_equal(tern_config_set(&cfg, "tcp", "sack", "Yes"), 0);
	assert_true(cfg.tcp.sack);
	assert_int_equal(tern_config_set(&cfg, "tcp", "cc", "newreno"), 0);
	assert_int_equal(cfg.tcp.cc, TERN_TCP_CC_NEWRENO);
	assert_int_equal(tern_config_set(&cfg, "tcp", "cc", "reno"), -EINVAL);
}

/* [fault]: off by default; parts per million up to every frame. */
static void
test_fault_keys(void **state)
{
	struct tern_config cfg;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(cfg.fault_rx_drop_ppm, 0);
	assert_int_equal(cfg.fault_tx_drop_ppm, 0);
	assert_int_equal(tern_config_set(&cfg, "fault", "rx_drop_ppm",
					 "10000"), 0);
	assert_int_equal(cfg.fault_rx_drop_ppm, 10000);
	assert_int_equal(tern_config_set(&cfg, "fault", "tx_drop_ppm",
					 "1000000"), 0);
	assert_int_equal(cfg.fault_tx_drop_ppm, TERN_FAULT_PPM_MAX);
	assert_int_equal(tern_config_set(&cfg, "fault", "tx_drop_ppm",
					 "1000001"), -ERANGE);
	assert_int_equal(cfg.fault_tx_drop_ppm, TERN_FAULT_PPM_MAX);
	assert_int_equal(tern_config_set(&cfg, "fault", "rx_drop_ppm", "1%"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "fault", "seed",
					 "4294967295"), 0);
	assert_int_equal(cfg.fault_seed, UINT32_MAX);
	assert_int_equal(tern_config_set(&cfg, "fault", "seed",
					 "4294967296"), -ERANGE);
}

static void
test_set_rejects_bad_values(void **state)
{
	struct tern_config cfg, before;

	tern_config_defaults(&cfg, LOGTYPE);
	before = cfg;
	assert_int_equal(tern_config_set(&cfg, "ip", "adress", "1.2.3.4/8"),
			 -ENOENT);
	assert_int_equal(tern_config_set(&cfg, "nosuch", "dev", "x"),
			 -ENOENT);
	assert_int_equal(tern_config_set(&cfg, "ip", "address", "1.2.3.4"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip", "address", "1.2.3/8"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "1.2.3.4/33"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip", "address", "1.2.3.4/0"),
			 -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway", "gw"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "67"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "9217"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "-1"), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip", "mtu", "15oo"), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "mempool", "mbufs", "100"),
			 -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "mempool", "cache", "513"),
			 -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "tcp", "sack", "maybe"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "tcp", "mss", "87"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "run", "duration", "-3"),
			 -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "run", "duration",
					 "99999999"), -ERANGE);
	/* A value longer than the field is refused, not truncated. */
	char longdir[PATH_MAX + 8];

	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	assert_int_equal(tern_config_set(&cfg, "port", "profile_dir",
					 longdir), -ERANGE);
	/* Nothing above changed anything. */
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void
test_check_cross_fields(void **state)
{
	struct tern_config cfg;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway",
					 "198.18.1.1"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);   /* off-link */
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway",
					 "198.18.0.1"), 0);
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "198.18.0.0/24"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);   /* network */
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "198.18.0.255/24"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);   /* broadcast */
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway", "none"), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "198.18.0.0/31"), 0);
	assert_int_equal(tern_config_check(&cfg), 0);         /* RFC 3021 */
	/* rte_mempool_create() wants n >= 1.5 x cache: refused up front. */
	assert_int_equal(tern_config_set(&cfg, "mempool", "mbufs", "512"), 0);
	assert_int_equal(tern_config_set(&cfg, "mempool", "cache", "512"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "mempool", "cache", "341"), 0);
	assert_int_equal(tern_config_check(&cfg), 0);
	/* The RTO bounds must not cross. */
	assert_int_equal(tern_config_set(&cfg, "tcp", "rto_max_ms", "100"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "tcp", "rto_min_ms", "100"), 0);
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_equal(tern_prefix_netmask(24), ip("255.255.255.0"));
	assert_int_equal(tern_prefix_netmask(32), ip("255.255.255.255"));
	assert_int_equal(tern_prefix_netmask(1), ip("128.0.0.0"));
}

/* [ip] extra: lists and ranges of addresses, inside the prefix. */
static void
test_ip_extra(void **state)
{
	struct tern_config cfg;
	rte_be32_t a[TERN_CFG_EXTRA_IP_MAX + 1];

	assert_int_equal(tern_parse_ipv4_list("198.18.0.10-198.18.0.12,"
					      "198.18.0.20", a, 15), 4);
	assert_int_equal(a[0], ip("198.18.0.10"));
	assert_int_equal(a[2], ip("198.18.0.12"));
	assert_int_equal(a[3], ip("198.18.0.20"));
	assert_int_equal(tern_parse_ipv4_list("none", a, 15), 0);
	assert_int_equal(tern_parse_ipv4_list("198.18.0.12-198.18.0.10", a,
					      15), -EINVAL);
	assert_int_equal(tern_parse_ipv4_list("198.18.0.1,", a, 15), -EINVAL);
	assert_int_equal(tern_parse_ipv4_list("198.18.0.300", a, 15),
			 -EINVAL);
	assert_int_equal(tern_parse_ipv4_list("198.18.0.1-198.18.0.16", a,
					      15), -ERANGE);

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(cfg.nb_extra_ip, 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "extra",
					 "198.18.0.10-198.18.0.13"), 0);
	assert_int_equal(cfg.nb_extra_ip, 4);
	assert_int_equal(cfg.extra_ip[3], ip("198.18.0.13"));
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_not_equal(tern_config_set(&cfg, "ip", "extra",
					     "198.18.0.1-198.18.0.16"), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "extra",
					 "198.18.1.10"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL); /* off-prefix */
	assert_int_equal(tern_config_set(&cfg, "ip", "extra", "none"), 0);
	assert_int_equal(cfg.nb_extra_ip, 0);
	assert_int_equal(tern_config_check(&cfg), 0);
}

/* ---- INI files ------------------------------------------------------------ */

static void
test_load_file_overrides_defaults(void **state)
{
	struct tern_config cfg;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(load_text(&cfg,
		"; a deployment\n"
		"[port]\n"
		"dev = 0000:03:00.0,mprq_en=1 ; devargs keep their '='\n"
		"profile = mlx5\n"
		"[ip]\n"
		"address = 192.0.2.10/24\n"
		"gateway = 192.0.2.1\n"
		"[lcores]\n"
		"list = 0-3\n"
		"workers = 4\n"
		"[mempool]\n"
		"mbufs = 16383\n"
		"[tcp]\n"
		"max_conns = 1000\n"
		"timestamps = false\n"), 0);
	assert_string_equal(cfg.dev, "0000:03:00.0,mprq_en=1");
	assert_string_equal(cfg.profile_name, "mlx5");
	assert_int_equal(cfg.ip, ip("192.0.2.10"));
	assert_int_equal(cfg.gateway, ip("192.0.2.1"));
	assert_string_equal(cfg.lcores, "0-3");
	assert_int_equal(cfg.workers, 4);
	assert_int_equal(cfg.mbufs, 16383);
	assert_int_equal(cfg.mbuf_cache, 256);    /* untouched default */
	assert_int_equal(cfg.tcp.max_conns, 1000);
	assert_false(cfg.tcp.timestamps);
	assert_int_equal(tern_config_check(&cfg), 0);
}

static void
test_load_file_errors(void **state)
{
	struct tern_config cfg;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(tern_config_load(&cfg, "/nonexistent/tern.ini"),
			 -ENOENT);
	assert_int_equal(load_text(&cfg, "[prot]\ndev = x\n"), -EINVAL);
	assert_int_equal(load_text(&cfg, "[port]\ndevice = x\n"), -EINVAL);
	assert_int_equal(load_text(&cfg, "[ip]\naddress = 1.2.3.4\n"),
			 -EINVAL);
	assert_int_equal(load_text(&cfg,
		"[ip]\nmtu = 1500\n[port]\ndev = x\n[ip]\nmtu = 9000\n"),
		-EINVAL);
	/* Profile keys do not belong in a deployment. */
	assert_int_equal(load_text(&cfg, "[rss]\nkey = symmetric\n"),
			 -EINVAL);
}

/* What tern_config_write() prints, tern_config_load() reads back. */
static void
test_write_then_load_round_trip(void **state)
{
	struct tern_config cfg, back;
	char path[64];
	FILE *f;
	int fd;

	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(tern_config_set(&cfg, "port", "dev",
					 "net_tap3,iface=x"), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "address",
					 "203.0.113.7/28"), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "gateway",
					 "203.0.113.1"), 0);
	assert_int_equal(tern_config_set(&cfg, "ip", "extra",
					 "203.0.113.8-203.0.113.10"), 0);
	assert_int_equal(tern_config_set(&cfg, "run", "duration", "0.25"),
			 0);
	assert_int_equal(tern_config_set(&cfg, "tcp", "window_scale", "no"),
			 0);
	assert_int_equal(tern_profile_load(&cfg.profile, TERN_PROFILE_DIR,
					   "net_tap", LOGTYPE), 0);

	snprintf(path, sizeof(path), "/tmp/tern-cfg-rt.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(tern_config_write(&cfg, f), 0);
	fclose(f);

	tern_config_defaults(&back, LOGTYPE);
	assert_int_equal(tern_config_load(&back, path), 0);
	unlink(path);
	/* The profile is written as a comment, for reference only. */
	memset(&cfg.profile, 0, sizeof(cfg.profile));
	assert_memory_equal(&back, &cfg, sizeof(cfg));
}

/* [ip6]: off by default; an address with its prefix, a router on-link;
 * what the check refuses; the file written and read back. */
static void
test_ip6_keys(void **state)
{
	struct tern_config cfg, back;
	struct tern_ip6 a;
	char path[64];
	FILE *f;
	int fd;

	(void)state;
	tern_config_defaults(&cfg, LOGTYPE);
	assert_true(tern_ip6_is_unspec(&cfg.ip6));
	assert_true(tern_ip6_is_unspec(&cfg.gw6));
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address",
					 "2001:2::2/64"), 0);
	assert_int_equal(inet_pton(AF_INET6, "2001:2::2", a.b), 1);
	assert_true(tern_ip6_eq(&cfg.ip6, &a));
	assert_int_equal(cfg.ip6_prefix_len, 64);
	assert_int_equal(tern_config_check(&cfg), 0);
	/* bad values leave the key as it was */
	assert_int_equal(tern_config_set(&cfg, "ip6", "address",
					 "2001:2::2/129"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address",
					 "2001:2::2/0"), -ERANGE);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address",
					 "2001:2::2"), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address",
					 "198.18.0.2/24"), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "fe80::"
					 "1:2:3:4:5:6:7"), -EINVAL);
	assert_true(tern_ip6_eq(&cfg.ip6, &a));
	/* the router: link-local or inside the prefix */
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "fe80::1"),
			 0);
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "2001:2::1"),
			 0);
	assert_int_equal(tern_config_check(&cfg), 0);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway",
					 "2001:2:0:1::1"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "ff02::1"),
			 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "fe80::1"),
			 0);
	/* no multicast or loopback address; no router without address */
	assert_int_equal(tern_config_set(&cfg, "ip6", "address", "::1/128"),
			 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address", "ff02::5/64"),
			 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "address", "none"), 0);
	assert_int_equal(tern_config_check(&cfg), -EINVAL);
	assert_int_equal(tern_config_set(&cfg, "ip6", "gateway", "none"), 0);
	assert_int_equal(tern_config_check(&cfg), 0);

	/* written and read back, from a file with the section */
	assert_int_equal(load_text(&cfg, "[ip6]\naddress = 2001:2:0:1::10/48"
				   "\ngateway = fe80::1\n"), 0);
	assert_int_equal(cfg.ip6_prefix_len, 48);
	assert_int_equal(tern_config_check(&cfg), 0);
	snprintf(path, sizeof(path), "/tmp/tern-cfg-ip6.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(tern_config_write(&cfg, f), 0);
	fclose(f);
	tern_config_defaults(&back, LOGTYPE);
	assert_int_equal(tern_config_load(&back, path), 0);
	unlink(path);
	assert_true(tern_ip6_eq(&back.ip6, &cfg.ip6));
	assert_true(tern_ip6_eq(&back.gw6, &cfg.gw6));
	assert_int_equal(back.ip6_prefix_len, 48);
}

/* ---- profiles ------------------------------------------------------------- */

struct shipped_profile {
	const char *name;
	const char *driver;
	bool virtual_dev;       /* names its own device */
};

static const struct shipped_profile shipped[] = {
	{ "net_tap", "net_tap", true },
	{ "net_null", "net_null", true },
	{ "net_ring", "net_ring", true },
	{ "net_memif", "net_memif", true },
	{ "net_af_packet", "net_af_packet", true },
	{ "net_virtio", "net_virtio", false },
	{ "mlx5", "mlx5_pci", false },
	{ "i40e", "net_i40e", false },
	{ "ice", "net_ice", false },
	{ "ixgbe", "net_ixgbe", false },
};

static void
test_every_shipped_profile_loads(void **state)
{
	for (unsigned int i = 0; i < RTE_DIM(shipped); i++) {
		struct tern_profile p;
		char derived[TERN_CFG_NAME_LEN];

		print_message("profile %s\n", shipped[i].name);
		assert_int_equal(tern_profile_load(&p, TERN_PROFILE_DIR,
						   shipped[i].name, LOGTYPE),
				 0);
		assert_string_equal(p.name, shipped[i].name);
		assert_string_equal(p.driver, shipped[i].driver);
		assert_true(p.max_queues >= 1);
		assert_true(p.rx_desc >= 32 && p.tx_desc >= 32);
		assert_true(p.mtu >= 68);
		assert_int_equal(p.rss_key_pattern,
				 TERN_RSS_SYMMETRIC_PATTERN);
		if (p.max_queues > 1)
			assert_true(p.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_TCP);
		assert_int_equal(p.dev[0] != '\0', shipped[i].virtual_dev);
		/* net_tap's TSO drops full-MSS frames (net_tap.ini says why):
		 * off there, the port's offer decides elsewhere. */
		assert_int_equal(p.tx_tso,
				 strcmp(p.name, "net_tap") == 0 ?
				 TERN_OFFLOAD_OFF : TERN_OFFLOAD_AUTO);
		/* A virtual profile's own device leads back to it. */
		if (shipped[i].virtual_dev) {
			assert_int_equal(tern_profile_name_of_dev(p.dev,
				derived, sizeof(derived)), 0);
			assert_string_equal(derived, shipped[i].name);
		}
	}
}

static void
test_profile_keys_and_errors(void **state)
{
	char dir[] = "/tmp/tern-prof.XXXXXX";
	char path[PATH_MAX];
	struct tern_profile p;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.ini", dir);

	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[driver]\nname = net_x\ndescription = test\n"
		"[eal]\ndev = net_x0\nargs = --iova-mode=va -n 4\n"
		"[port]\nqueues = 2\nrx_desc = 512\ntx_desc = 256\nmtu = 9000\n"
		"[rss]\nhash = ipv4,ipv4-tcp ipv6\nkey = 6d5a6d5a6d5a6d5a\n"
		"[offloads]\nrx_cksum = off\ntx_ip_cksum = on\n"
		"tx_tso = off\n");
	fclose(f);
	assert_int_equal(tern_profile_load(&p, dir, "t", LOGTYPE), 0);
	assert_string_equal(p.eal_args, "--iova-mode=va -n 4");
	assert_int_equal(p.max_queues, 2);
	assert_int_equal(p.rx_desc, 512);
	assert_int_equal(p.tx_desc, 256);
	assert_int_equal(p.mtu, 9000);
	assert_int_equal(p.rss_hf, RTE_ETH_RSS_IPV4 |
			 RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_IPV6);
	assert_int_equal(p.rss_key_pattern, 0x6d5a);
	assert_int_equal(p.rx_cksum, TERN_OFFLOAD_OFF);
	assert_int_equal(p.tx_ip_cksum, TERN_OFFLOAD_ON);
	assert_int_equal(p.tx_tcp_cksum, TERN_OFFLOAD_AUTO);
	assert_int_equal(p.tx_tso, TERN_OFFLOAD_OFF);

	/* A key that is not a repeated 16-bit pattern is not symmetric. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[rss]\nkey = 6d5a6d5b\n");
	fclose(f);
	assert_int_equal(tern_profile_load(&p, dir, "t", LOGTYPE), -EINVAL);

	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[rss]\nhash = ipv4-sctp-typo\n");
	fclose(f);
	assert_int_equal(tern_profile_load(&p, dir, "t", LOGTYPE), -EINVAL);

	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[offloads]\nrx_cksum = maybe\n");
	fclose(f);
	assert_int_equal(tern_profile_load(&p, dir, "t", LOGTYPE), -EINVAL);

	/* Deployment keys do not belong in a profile. */
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[ip]\naddress = 1.2.3.4/8\n");
	fclose(f);
	assert_int_equal(tern_profile_load(&p, dir, "t", LOGTYPE), -EINVAL);

	assert_int_equal(tern_profile_load(&p, dir, "absent", LOGTYPE),
			 -ENOENT);
	assert_int_equal(tern_profile_load(&p, dir, "../t", LOGTYPE),
			 -EINVAL);
	unlink(path);
	rmdir(dir);
}

/* ---- every numeric key at its edges ------------------------------------ */

/* rte_log's output while a check runs, to see what it said. */
struct log_capture {
	FILE *f;
	char *text;
	size_t len;
};

static void
capture_start(struct log_capture *c)
{
	c->text = NULL;
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	assert_int_equal(rte_openlog_stream(c->f), 0);
}

static void
capture_end(struct log_capture *c)
{
	rte_openlog_stream(NULL);
	fclose(c->f);
}

static bool
num_key_accepts(const struct tern_config_num_key *k, uint64_t v)
{
	return (v == 0 && k->zero_ok) || (v >= k->min && v <= k->max);
}

/* Apply "[section] key = v" to a deployment or a profile. */
static int
num_key_apply(const struct tern_config_num_key *k, uint64_t v,
	      struct tern_config *cfg)
{
	char dir[] = "/tmp/tern-prof.XXXXXX";
	char path[PATH_MAX], text[24];
	struct tern_profile p;
	int rc;
	FILE *f;

	snprintf(text, sizeof(text), "%" PRIu64, v);
	tern_config_defaults(cfg, LOGTYPE);
	if (!k->profile)
		return tern_config_set(cfg, k->section, k->name, text);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[%s]\n%s = %s\n", k->section, k->name, text);
	fclose(f);
	rc = tern_profile_load(&p, dir, "t", LOGTYPE);
	unlink(path);
	rmdir(dir);
	return rc;
}

/*
 * Every numeric key of the deployment and of the profiles, walked from
 * the parser's table: at 0, 1, its minimum and maximum, and just
 * outside. The parser accepts exactly its range; a refusal, by the
 * parser or by the start-up check, names the key and what is valid.
 * (That accepted [tcp] values carry traffic is tests/sim's sim-config.)
 */
static void
test_every_numeric_key_at_its_edges(void **state)
{
	struct tern_config_num_key k;
	unsigned int nkeys = 0;

	for (unsigned int i = 0; tern_config_num_key(i, &k) == 0; i++) {
		const uint64_t values[] = { 0, 1, k.min, k.max,
			(uint64_t)k.max + 1, k.min > 1 ? k.min - 1 : 0 };
		char key[64], range[64];

		snprintf(key, sizeof(key), "[%s] %s", k.section, k.name);
		snprintf(range, sizeof(range), "[%u, %u]", k.min, k.max);
		nkeys++;
		for (unsigned int j = 0; j < RTE_DIM(values); j++) {
			struct tern_config cfg;
			struct log_capture log;
			int rc;

			capture_start(&log);
			rc = num_key_apply(&k, values[j], &cfg);
			if (rc == 0 && !k.profile)
				rc = tern_config_check(&cfg);
			capture_end(&log);
			if (num_key_accepts(&k, values[j]) && rc == 0) {
				free(log.text);
				continue;
			}
			if (rc == 0)
				fail_msg("%s = %" PRIu64 " accepted outside %s",
					 key, values[j], range);
			/* Refused: by the parser (the key and its range), or
			 * by the start-up check (at least the key). */
			if (strstr(log.text, key) == NULL &&
			    strstr(log.text, k.name) == NULL)
				fail_msg("%s = %" PRIu64 " refused without "
					 "naming the key: %s", key, values[j],
					 log.text);
			if (!num_key_accepts(&k, values[j]) &&
			    strstr(log.text, range) == NULL)
				fail_msg("%s = %" PRIu64 " refused without "
					 "the range %s: %s", key, values[j],
					 range, log.text);
			free(log.text);
		}
	}
	assert_true(nkeys >= 30);
}

static void
test_profile_name_of_dev(void **state)
{
	char out[TERN_CFG_NAME_LEN];
	char tiny[4];

	assert_int_equal(tern_profile_name_of_dev("net_tap0,iface=x", out,
						  sizeof(out)), 0);
	assert_string_equal(out, "net_tap");
	assert_int_equal(tern_profile_name_of_dev("net_af_packet12", out,
						  sizeof(out)), 0);
	assert_string_equal(out, "net_af_packet");
	assert_int_equal(tern_profile_name_of_dev("net_memif", out,
						  sizeof(out)), 0);
	assert_string_equal(out, "net_memif");
	assert_int_equal(tern_profile_name_of_dev("0000:03:00.0,x=1", out,
						  sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(tern_profile_name_of_dev("net_tap0", tiny,
						  sizeof(tiny)),
			 -ENAMETOOLONG);
	assert_true(tern_dev_is_pci("0000:03:00.0"));
	assert_true(tern_dev_is_pci("03:00.0,mprq_en=1"));
	assert_false(tern_dev_is_pci("net_ring0"));
}

/* Names of the [tcp] keys in what tern_config_write() prints. */
static unsigned int
written_tcp_keys(char names[][TERN_CFG_NAME_LEN], unsigned int max)
{
	struct tern_config cfg;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	bool in_tcp = false;
	unsigned int n = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	tern_config_defaults(&cfg, LOGTYPE);
	assert_int_equal(tern_config_write(&cfg, f), 0);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '[')
			in_tcp = strcmp(line, "[tcp]") == 0;
		else if (in_tcp && line[0] != ';' && n < max)
			sscanf(line, "%63s", names[n++]);
	}
	free(text);
	return n;
}

/* Names in the tunables table of docs/tcp.md ("| `name` | ..."). */
static unsigned int
documented_tcp_keys(char names[][TERN_CFG_NAME_LEN], unsigned int max)
{
	char path[PATH_MAX], line[512];
	bool in_table = false;
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../docs/tcp.md", TERN_PROFILE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "## ", 3) == 0)
			in_table = strncmp(line, "## Tunables", 11) == 0;
		else if (in_table && n < max &&
			 sscanf(line, "| `%63[a-z0-9_]` |", names[n]) == 1)
			n++;
	}
	fclose(f);
	return n;
}

static bool
name_in(const char *name, char names[][TERN_CFG_NAME_LEN], unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Every field of struct tern_tcp_conf that docs/tcp.md documents is a
 * [tcp] key, and every [tcp] key is documented there: a field added to
 * the engine without a key (or the reverse) fails here. */
static void
test_tcp_keys_match_docs(void **state)
{
	char written[64][TERN_CFG_NAME_LEN], documented[64][TERN_CFG_NAME_LEN];
	unsigned int nw = written_tcp_keys(written, RTE_DIM(written));
	unsigned int nd = documented_tcp_keys(documented, RTE_DIM(documented));

	assert_true(nd > 10);
	for (unsigned int i = 0; i < nd; i++) {
		print_message("documented [tcp] %s\n", documented[i]);
		assert_true(name_in(documented[i], written, nw));
	}
	for (unsigned int i = 0; i < nw; i++) {
		print_message("settable [tcp] %s\n", written[i]);
		assert_true(name_in(written[i], documented, nd));
	}
}

static void
test_rss_helpers(void **state)
{
	uint8_t key[52];
	char hf[64];

	tern_rss_key_fill(key, sizeof(key), TERN_RSS_SYMMETRIC_PATTERN);
	for (unsigned int i = 0; i < sizeof(key); i++)
		assert_int_equal(key[i], i % 2 == 0 ? 0x6d : 0x5a);
	tern_rss_hf_format(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP,
			   hf, sizeof(hf));
	assert_string_equal(hf, "ipv4 ipv4-tcp");
	tern_rss_hf_format(0, hf, sizeof(hf));
	assert_string_equal(hf, "none");
	assert_string_equal(tern_offload_mode_name(TERN_OFFLOAD_ON), "on");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_demo_deployment),
		cmocka_unit_test(test_set_every_type),
		cmocka_unit_test(test_fault_keys),
		cmocka_unit_test(test_set_rejects_bad_values),
		cmocka_unit_test(test_check_cross_fields),
		cmocka_unit_test(test_ip_extra),
		cmocka_unit_test(test_ip6_keys),
		cmocka_unit_test(test_load_file_overrides_defaults),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_write_then_load_round_trip),
		cmocka_unit_test(test_every_shipped_profile_loads),
		cmocka_unit_test(test_profile_keys_and_errors),
		cmocka_unit_test(test_every_numeric_key_at_its_edges),
		cmocka_unit_test(test_profile_name_of_dev),
		cmocka_unit_test(test_rss_helpers),
		cmocka_unit_test(test_tcp_keys_match_docs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
