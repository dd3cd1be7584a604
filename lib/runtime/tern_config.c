/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Deployment configuration and driver profiles.
 *
 * Every key lives in one table (section, key, type, where it is stored,
 * range): the INI loader, the command line (--set and the named
 * options), the writer of the effective configuration and the docs all
 * follow that table, so a key cannot be parsed in one place and
 * forgotten in another. How one value is parsed and printed is
 * rt_cfg_value.c's.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_pci.h>
#include <rte_string_fns.h>

#include "tern_build_config.h"
#include "tern_config.h"
#include "rt_cfg_value.h"

#define CFG_LOG(logtype, level, fmt, ...) \
	rte_log(RTE_LOG_##level, (logtype), "tern.config: " fmt "\n", \
		##__VA_ARGS__)

enum cfg_type {
	CFG_STR,          /**< char[size] */
	CFG_TEXT,         /**< accepted and ignored (descriptions) */
	CFG_U16,          /**< uint16_t in [min, max], or 0 if zero_ok */
	CFG_U32,          /**< uint32_t in [min, max], or 0 if zero_ok */
	CFG_BOOL,         /**< bool: true/false, yes/no, on/off, 1/0 */
	CFG_IPV4_PREFIX,  /**< "A.B.C.D/len": rte_be32_t + uint8_t at aux */
	CFG_IPV4_OR_NONE, /**< "A.B.C.D" or "none" (0) */
	CFG_IPV4_LIST,    /**< tern_parse_ipv4_list(); count (uint8_t) at
			       aux, max entries in max */
	CFG_IPV6_PREFIX,  /**< "ADDR/len" or "none" (::): struct tern_ip6
			       + uint8_t at aux */
	CFG_IPV6_OR_NONE, /**< "ADDR" or "none" (::) */
	CFG_SECONDS_MS,   /**< decimal seconds stored as uint32_t ms */
	CFG_OFFLOAD,      /**< enum tern_offload_mode */
	CFG_RSS_HF,       /**< uint64_t RTE_ETH_RSS_* from names */
	CFG_RSS_KEY,      /**< uint16_t pattern from "symmetric" or hex */
	CFG_TCP_CC,       /**< enum tern_tcp_cc by name */
};

struct cfg_key {
	const char *section;
	const char *name;
	enum cfg_type type;
	size_t offset;     /**< into the struct the table describes */
	size_t aux;        /**< CFG_STR: size; CFG_IPV4_PREFIX: length field */
	uint32_t min;
	uint32_t max;
	bool zero_ok;      /**< 0 means "automatic" besides [min, max] */
};

#define STR_KEY(sec, key, type_, field) \
	{ sec, key, CFG_STR, offsetof(type_, field), \
	  sizeof(((type_ *)0)->field), 0, 0, false }
#define NUM_KEY(sec, key, kind, type_, field, lo, hi, zero) \
	{ sec, key, kind, offsetof(type_, field), 0, lo, hi, zero }
#define TYPED_KEY(sec, key, kind, type_, field) \
	{ sec, key, kind, offsetof(type_, field), 0, 0, 0, false }
/* The [tcp] ranges are lib/tcp's (TERN_TCP_CONF_U32_FIELDS). */
#define TCP_U32(key, lo, hi) \
	NUM_KEY("tcp", #key, CFG_U32, struct tern_config, tcp.key, lo, hi, \
		false),
#define TCP_BOOL(key) \
	TYPED_KEY("tcp", #key, CFG_BOOL, struct tern_config, tcp.key)

/* Bounds: IPv4 needs 68 bytes of MTU (RFC 791); 9216 covers every jumbo
 * frame our target NICs take. Descriptor counts are what the ethdev
 * layer accepts before rte_eth_dev_adjust_nb_rx_tx_desc() rounds them. */
#define MTU_MIN 68
#define MTU_MAX 9216

static const struct cfg_key config_keys[] = {
	STR_KEY("port", "dev", struct tern_config, dev),
	STR_KEY("port", "profile", struct tern_config, profile_name),
	STR_KEY("port", "profile_dir", struct tern_config, profile_dir),
	{ "ip", "address", CFG_IPV4_PREFIX, offsetof(struct tern_config, ip),
	  offsetof(struct tern_config, prefix_len), 1, 32, false },
	TYPED_KEY("ip", "gateway", CFG_IPV4_OR_NONE, struct tern_config,
		  gateway),
	{ "ip", "extra", CFG_IPV4_LIST, offsetof(struct tern_config, extra_ip),
	  offsetof(struct tern_config, nb_extra_ip), 0,
	  TERN_CFG_EXTRA_IP_MAX, false },
	NUM_KEY("ip", "mtu", CFG_U16, struct tern_config, mtu, MTU_MIN,
		MTU_MAX, true),
	{ "ip6", "address", CFG_IPV6_PREFIX, offsetof(struct tern_config, ip6),
	  offsetof(struct tern_config, ip6_prefix_len), 1, 128, false },
	TYPED_KEY("ip6", "gateway", CFG_IPV6_OR_NONE, struct tern_config,
		  gw6),
	STR_KEY("lcores", "list", struct tern_config, lcores),
	NUM_KEY("lcores", "workers", CFG_U16, struct tern_config, workers, 1,
		RTE_MAX_LCORE, true),
	NUM_KEY("lcores", "steer_ring", CFG_U32, struct tern_config,
		steer_ring, 64, 65536, false),
	/* 2^18 mbufs of ~2.2 KiB: ~600 MiB per worker, made at start. */
	NUM_KEY("mempool", "mbufs", CFG_U32, struct tern_config, mbufs, 512,
		1u << 18, false),
	NUM_KEY("mempool", "cache", CFG_U32, struct tern_config, mbuf_cache,
		0, RTE_MEMPOOL_CACHE_MAX_SIZE, false),
	TYPED_KEY("run", "duration", CFG_SECONDS_MS, struct tern_config,
		  duration_ms),
	NUM_KEY("run", "drain_ms", CFG_U32, struct tern_config, drain_ms, 0,
		3600000, false),
	TYPED_KEY("run", "hold_port", CFG_BOOL, struct tern_config,
		  hold_port),
	NUM_KEY("fault", "rx_drop_ppm", CFG_U32, struct tern_config,
		fault_rx_drop_ppm, 0, TERN_FAULT_PPM_MAX, false),
	NUM_KEY("fault", "tx_drop_ppm", CFG_U32, struct tern_config,
		fault_tx_drop_ppm, 0, TERN_FAULT_PPM_MAX, false),
	NUM_KEY("fault", "seed", CFG_U32, struct tern_config, fault_seed, 0,
		UINT32_MAX, false),
	TERN_TCP_CONF_U32_FIELDS(TCP_U32)
	TYPED_KEY("tcp", "cc", CFG_TCP_CC, struct tern_config, tcp.cc),
	TCP_BOOL(nagle),
	TCP_BOOL(syn_cookies),
	TCP_BOOL(tlp),
	NUM_KEY("tcp", "mss", CFG_U16, struct tern_config, tcp.mss,
		TERN_TCP_MSS_MIN, TERN_TCP_MSS_MAX, true),
	TCP_BOOL(timestamps),
	TCP_BOOL(window_scale),
	TCP_BOOL(sack),
	NUM_KEY("tcp", "port_min", CFG_U16, struct tern_config, tcp.port_min,
		1, UINT16_MAX, false),
	NUM_KEY("tcp", "port_max", CFG_U16, struct tern_config, tcp.port_max,
		1, UINT16_MAX, false),
	TCP_BOOL(tw_reuse),
	TCP_BOOL(tx_zero_copy),
};

static const struct cfg_key profile_keys[] = {
	STR_KEY("driver", "name", struct tern_profile, driver),
	{ "driver", "description", CFG_TEXT, 0, 0, 0, 0, false },
	STR_KEY("eal", "dev", struct tern_profile, dev),
	STR_KEY("eal", "args", struct tern_profile, eal_args),
	NUM_KEY("port", "queues", CFG_U16, struct tern_profile, max_queues,
		1, RTE_MAX_QUEUES_PER_PORT, false),
	NUM_KEY("port", "rx_desc", CFG_U16, struct tern_profile, rx_desc,
		32, 32768, false),
	NUM_KEY("port", "tx_desc", CFG_U16, struct tern_profile, tx_desc,
		32, 32768, false),
	NUM_KEY("port", "mtu", CFG_U16, struct tern_profile, mtu, MTU_MIN,
		MTU_MAX, false),
	TYPED_KEY("rss", "hash", CFG_RSS_HF, struct tern_profile, rss_hf),
	TYPED_KEY("rss", "key", CFG_RSS_KEY, struct tern_profile,
		  rss_key_pattern),
	TYPED_KEY("offloads", "rx_cksum", CFG_OFFLOAD, struct tern_profile,
		  rx_cksum),
	TYPED_KEY("offloads", "tx_ip_cksum", CFG_OFFLOAD, struct tern_profile,
		  tx_ip_cksum),
	TYPED_KEY("offloads", "tx_tcp_cksum", CFG_OFFLOAD,
		  struct tern_profile, tx_tcp_cksum),
	TYPED_KEY("offloads", "tx_tso", CFG_OFFLOAD, struct tern_profile,
		  tx_tso),
};

struct cfg_schema {
	const char *what;          /**< "config" or "profile", for messages */
	const struct cfg_key *keys;
	unsigned int nb_keys;
};

static const struct cfg_schema config_schema = {
	"config", config_keys, RTE_DIM(config_keys)
};
static const struct cfg_schema profile_schema = {
	"profile", profile_keys, RTE_DIM(profile_keys)
};

static const struct cfg_key *
schema_find(const struct cfg_schema *s, const char *section, const char *key)
{
	for (unsigned int i = 0; i < s->nb_keys; i++)
		if (strcmp(s->keys[i].section, section) == 0 &&
		    strcmp(s->keys[i].name, key) == 0)
			return &s->keys[i];
	return NULL;
}

static bool
schema_has_section(const struct cfg_schema *s, const char *section)
{
	for (unsigned int i = 0; i < s->nb_keys; i++)
		if (strcmp(s->keys[i].section, section) == 0)
			return true;
	return false;
}

static int
check_range(const struct cfg_key *k, uint64_t v)
{
	if (v == 0 && k->zero_ok)
		return 0;
	if (v < k->min || v > k->max)
		return -ERANGE;
	return 0;
}

/* Parse @p value per @p k into the struct at @p base. */
static int
key_parse(const struct cfg_key *k, void *base, const char *value)
{
	char *field = (char *)base + k->offset;
	uint64_t v;
	int rc;

	switch (k->type) {
	case CFG_STR:
		/* Refuse rather than truncate, and leave the field as it was. */
		if (strlen(value) >= k->aux)
			return -ERANGE;
		strlcpy(field, value, k->aux);
		return 0;
	case CFG_TEXT:
		return 0;
	case CFG_U16:
	case CFG_U32:
		rc = rt_cfg_parse_u64(value, &v);
		if (rc == 0)
			rc = check_range(k, v);
		if (rc != 0)
			return rc;
		if (k->type == CFG_U16)
			*(uint16_t *)field = (uint16_t)v;
		else
			*(uint32_t *)field = (uint32_t)v;
		return 0;
	case CFG_BOOL:
		return rt_cfg_parse_bool(value, (bool *)field);
	case CFG_IPV4_PREFIX:
		return rt_cfg_parse_ipv4_prefix(value, (rte_be32_t *)field,
					 (uint8_t *)base + k->aux);
	case CFG_IPV4_OR_NONE:
		if (strcmp(value, "none") == 0) {
			*(rte_be32_t *)field = 0;
			return 0;
		}
		return rt_cfg_parse_ipv4(value, (rte_be32_t *)field);
	case CFG_IPV4_LIST: {
		int n = tern_parse_ipv4_list(value, (rte_be32_t *)field,
					     k->max);

		if (n < 0)
			return n;
		*((uint8_t *)base + k->aux) = (uint8_t)n;
		return 0;
	}
	case CFG_IPV6_PREFIX:
		return rt_cfg_parse_ipv6_prefix(value, (struct tern_ip6 *)field,
					 (uint8_t *)base + k->aux);
	case CFG_IPV6_OR_NONE:
		return rt_cfg_parse_ipv6(value, (struct tern_ip6 *)field);
	case CFG_SECONDS_MS:
		return rt_cfg_parse_seconds_ms(value, (uint32_t *)field);
	case CFG_OFFLOAD:
		return rt_cfg_parse_offload(value,
					    (enum tern_offload_mode *)field);
	case CFG_RSS_HF:
		return rt_cfg_parse_rss_hf(value, (uint64_t *)field);
	case CFG_RSS_KEY:
		return rt_cfg_parse_rss_key(value, (uint16_t *)field);
	case CFG_TCP_CC:
		return rt_cfg_parse_tcp_cc(value, (enum tern_tcp_cc *)field);
	}
	return -EINVAL;
}

/* Format the value of @p k in the struct at @p base; "" = not written. */
static void
key_format(const struct cfg_key *k, const void *base, char *out, size_t len)
{
	const char *field = (const char *)base + k->offset;

	out[0] = '\0';
	switch (k->type) {
	case CFG_STR:
		strlcpy(out, field, len);
		break;
	case CFG_TEXT:
		break;
	case CFG_U16:
		snprintf(out, len, "%u", *(const uint16_t *)field);
		break;
	case CFG_U32:
		snprintf(out, len, "%u", *(const uint32_t *)field);
		break;
	case CFG_BOOL:
		strlcpy(out, *(const bool *)field ? "true" : "false", len);
		break;
	case CFG_IPV4_PREFIX: {
		char a[INET_ADDRSTRLEN];

		rt_cfg_format_ipv4(*(const rte_be32_t *)field, a, sizeof(a));
		snprintf(out, len, "%s/%u", a,
			 *((const uint8_t *)base + k->aux));
		break;
	}
	case CFG_IPV4_OR_NONE:
		if (*(const rte_be32_t *)field == 0)
			strlcpy(out, "none", len);
		else
			rt_cfg_format_ipv4(*(const rte_be32_t *)field, out, len);
		break;
	case CFG_IPV4_LIST: {
		uint8_t n = *((const uint8_t *)base + k->aux);
		size_t used = 0;

		strlcpy(out, "none", len);
		for (uint8_t i = 0; i < n && used + 1 < len; i++) {
			char a[INET_ADDRSTRLEN];

			rt_cfg_format_ipv4(((const rte_be32_t *)field)[i], a,
				    sizeof(a));
			used += (size_t)snprintf(out + used, len - used,
						 "%s%s", i > 0 ? "," : "", a);
		}
		break;
	}
	case CFG_IPV6_PREFIX:
		rt_cfg_format_ipv6((const struct tern_ip6 *)field, out, len);
		if (!tern_ip6_is_unspec((const struct tern_ip6 *)field)) {
			size_t used = strlen(out);

			snprintf(out + used, len - used, "/%u",
				 *((const uint8_t *)base + k->aux));
		}
		break;
	case CFG_IPV6_OR_NONE:
		rt_cfg_format_ipv6((const struct tern_ip6 *)field, out, len);
		break;
	case CFG_SECONDS_MS: {
		uint32_t ms = *(const uint32_t *)field;

		snprintf(out, len, "%u.%03u", ms / 1000, ms % 1000);
		break;
	}
	case CFG_OFFLOAD:
		strlcpy(out, tern_offload_mode_name(
			*(const enum tern_offload_mode *)field), len);
		break;
	case CFG_RSS_HF:
		tern_rss_hf_format(*(const uint64_t *)field, out, len);
		break;
	case CFG_RSS_KEY:
		snprintf(out, len, "%04x", *(const uint16_t *)field);
		break;
	case CFG_TCP_CC:
		strlcpy(out, rt_cfg_tcp_cc_name(
			*(const enum tern_tcp_cc *)field), len);
		break;
	}
}

/* What a key of type @p k expects, for error messages. */
static void
key_expects(const struct cfg_key *k, char *out, size_t len)
{
	switch (k->type) {
	case CFG_U16:
	case CFG_U32:
		snprintf(out, len, "an integer in [%u, %u]%s", k->min, k->max,
			 k->zero_ok ? " or 0 (automatic)" : "");
		break;
	case CFG_STR:
		snprintf(out, len, "at most %zu characters", k->aux - 1);
		break;
	case CFG_BOOL:
		snprintf(out, len, "true/false, yes/no, on/off or 1/0");
		break;
	case CFG_IPV4_PREFIX:
		snprintf(out, len, "A.B.C.D/LEN with LEN in [1, 32]");
		break;
	case CFG_IPV4_OR_NONE:
		snprintf(out, len, "A.B.C.D or none");
		break;
	case CFG_IPV4_LIST:
		snprintf(out, len, "A.B.C.D[-A.B.C.D][,...] or none, at most "
			 "%u addresses", k->max);
		break;
	case CFG_IPV6_PREFIX:
		snprintf(out, len, "an IPv6 address/LEN with LEN in [1, 128], "
			 "or none");
		break;
	case CFG_IPV6_OR_NONE:
		snprintf(out, len, "an IPv6 address or none");
		break;
	case CFG_SECONDS_MS:
		snprintf(out, len, "seconds (decimals allowed), at most %u",
			 DURATION_MAX_MS / 1000);
		break;
	case CFG_OFFLOAD:
		snprintf(out, len, "auto, off or on");
		break;
	case CFG_RSS_HF:
		snprintf(out, len, "none, or names among ipv4 frag-ipv4 "
			 "ipv4-tcp ipv4-udp ipv4-other ipv6 ipv6-tcp ipv6-udp");
		break;
	case CFG_RSS_KEY:
		snprintf(out, len, "symmetric, or a hex key repeating one "
			 "16-bit pattern (the symmetric keys)");
		break;
	case CFG_TCP_CC:
		snprintf(out, len, "newreno or cubic");
		break;
	case CFG_TEXT:
		snprintf(out, len, "text");
		break;
	}
}

static int
schema_set(const struct cfg_schema *s, void *base, int logtype,
	   const char *section, const char *key, const char *value)
{
	const struct cfg_key *k = schema_find(s, section, key);
	int rc;

	if (k == NULL) {
		CFG_LOG(logtype, ERR, "%s: unknown key [%s] %s", s->what,
			section, key);
		return -ENOENT;
	}
	rc = key_parse(k, base, value);
	if (rc != 0) {
		char expects[160];

		key_expects(k, expects, sizeof(expects));
		CFG_LOG(logtype, ERR, "%s: [%s] %s = %s: expected %s",
			s->what, section, key, value, expects);
		return rc == -ERANGE ? -ERANGE : -EINVAL;
	}
	return 0;
}

static int
section_check_unique(struct rte_cfgfile *f, int index, const char *name,
		     const char *path, int logtype)
{
	int n = rte_cfgfile_num_sections(f, NULL, 0);
	char other[CFG_NAME_LEN];

	for (int j = 0; j < index && j < n; j++) {
		if (rte_cfgfile_section_entries_by_index(f, j, other, NULL,
							 0) < 0)
			continue;
		if (strcmp(other, name) == 0) {
			CFG_LOG(logtype, ERR, "%s: section [%s] given twice",
				path, name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Apply every entry of one section of @p f to @p base. */
static int
section_apply(const struct cfg_schema *s, void *base, int logtype,
	      struct rte_cfgfile *f, int index, const char *path)
{
	char name[CFG_NAME_LEN];
	struct rte_cfgfile_entry *entries;
	int n, rc = 0;

	n = rte_cfgfile_section_num_entries_by_index(f, name, index);
	if (n < 0)
		return -EINVAL;
	if (!schema_has_section(s, name)) {
		CFG_LOG(logtype, ERR, "%s: unknown section [%s]", path, name);
		return -EINVAL;
	}
	rc = section_check_unique(f, index, name, path, logtype);
	if (rc != 0 || n == 0)
		return rc;
	entries = calloc((size_t)n, sizeof(*entries));
	if (entries == NULL)
		return -ENOMEM;
	n = rte_cfgfile_section_entries_by_index(f, index, name, entries, n);
	for (int i = 0; i < n && rc == 0; i++)
		rc = schema_set(s, base, logtype, name, entries[i].name,
				entries[i].value);
	free(entries);
	return rc == -ENOMEM ? rc : (rc != 0 ? -EINVAL : 0);
}

static int
file_apply(const struct cfg_schema *s, void *base, int logtype,
	   const char *path)
{
	struct rte_cfgfile *f = rte_cfgfile_load(path, 0);
	int rc = 0, n;

	if (f == NULL) {
		CFG_LOG(logtype, ERR, "%s: cannot read %s file", path,
			s->what);
		return -ENOENT;
	}
	n = rte_cfgfile_num_sections(f, NULL, 0);
	for (int i = 0; i < n && rc == 0; i++)
		rc = section_apply(s, base, logtype, f, i, path);
	rte_cfgfile_close(f);
	return rc;
}

void
tern_config_defaults(struct tern_config *cfg, int logtype)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->logtype = logtype;
	/* The embedded default deployment: the demo's net_tap port in a
	 * namespace, the kernel side at 198.18.0.1 (RFC 2544 test range). */
	strlcpy(cfg->profile_dir, TERN_PROFILE_DIR, sizeof(cfg->profile_dir));
	rt_cfg_parse_ipv4("198.18.0.2", &cfg->ip);
	cfg->prefix_len = 24;
	/* 8191 = 2^13 - 1, the mempool's most efficient size; enough for
	 * 1024 RX + 1024 TX descriptors, bursts, the cache and a few
	 * thousand segments held in TCP queues. */
	cfg->mbufs = 8191;
	cfg->mbuf_cache = 256;
	cfg->steer_ring = 1024;
	/* Long enough for peers on a LAN to answer our FIN and close their
	 * side; short enough that an operator's Ctrl-C still feels prompt. */
	cfg->drain_ms = 3000;
	tern_tcp_conf_defaults(&cfg->tcp);
	/* A server: a million TIME_WAIT records per worker, or what memory
	 * allows (rt_tw_fit()); lib/tcp's own default is for tests. */
	cfg->tcp.max_tw = TERN_CFG_MAX_TW_DEFAULT;
}

int
tern_config_set(struct tern_config *cfg, const char *section,
		const char *key, const char *value)
{
	return schema_set(&config_schema, cfg, cfg->logtype, section, key,
			  value);
}

int
tern_config_load(struct tern_config *cfg, const char *path)
{
	return file_apply(&config_schema, cfg, cfg->logtype, path);
}

rte_be32_t
tern_prefix_netmask(uint8_t prefix_len)
{
	if (prefix_len == 0)
		return 0;
	return rte_cpu_to_be_32(UINT32_MAX << (32 - prefix_len));
}

/* [ip6]: a unicast address of ours; the router on-link (link-local or
 * inside the prefix), and only with an address. */
static int
config_check_ip6(const struct tern_config *cfg)
{
	const struct tern_ip6 *a = &cfg->ip6, *gw = &cfg->gw6;

	if (tern_ip6_is_unspec(a)) {
		if (tern_ip6_is_unspec(gw))
			return 0;
		CFG_LOG(cfg->logtype, ERR, "[ip6] gateway without [ip6] "
			"address");
		return -EINVAL;
	}
	if (tern_ip6_is_multicast(a) || tern_ip6_is_loopback(a)) {
		CFG_LOG(cfg->logtype, ERR, "[ip6] address is multicast or "
			"loopback");
		return -EINVAL;
	}
	if (!tern_ip6_is_unspec(gw) &&
	    (tern_ip6_is_multicast(gw) || tern_ip6_eq(gw, a) ||
	     !(tern_ip6_is_linklocal(gw) ||
	       tern_ip6_prefix_eq(gw, a, cfg->ip6_prefix_len)))) {
		CFG_LOG(cfg->logtype, ERR, "[ip6] gateway is not an on-link "
			"unicast neighbour (link-local, or inside the "
			"address's prefix)");
		return -EINVAL;
	}
	return 0;
}

int
tern_config_check(const struct tern_config *cfg)
{
	rte_be32_t mask = tern_prefix_netmask(cfg->prefix_len);
	rte_be32_t net = cfg->ip & mask;
	char err[160];

	if (cfg->ip == 0 || cfg->prefix_len == 0) {
		CFG_LOG(cfg->logtype, ERR, "[ip] address is not set");
		return -EINVAL;
	}
	if (!rte_is_power_of_2(cfg->steer_ring)) {
		CFG_LOG(cfg->logtype, ERR, "[lcores] steer_ring = %u is not a "
			"power of two", cfg->steer_ring);
		return -EINVAL;
	}
	/* /31 and /32 have no network and broadcast addresses (RFC 3021). */
	if (cfg->prefix_len <= 30 &&
	    (cfg->ip == net || cfg->ip == (net | ~mask))) {
		CFG_LOG(cfg->logtype, ERR, "[ip] address is the network or "
			"broadcast address of its prefix");
		return -EINVAL;
	}
	if (cfg->gateway != 0 && (cfg->gateway & mask) != net) {
		CFG_LOG(cfg->logtype, ERR, "[ip] gateway is not on-link "
			"(outside the address's prefix)");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->nb_extra_ip; i++) {
		rte_be32_t a = cfg->extra_ip[i];

		if ((a & mask) != net || a == cfg->ip ||
		    (cfg->prefix_len <= 30 && (a == net || a == (net | ~mask)))) {
			CFG_LOG(cfg->logtype, ERR, "[ip] extra: an address "
				"outside the prefix, its network or broadcast "
				"address, or the address itself");
			return -EINVAL;
		}
	}
	if (config_check_ip6(cfg) != 0)
		return -EINVAL;
	/* rte_mempool_create() refuses a cache above n / 1.5. */
	if ((uint64_t)cfg->mbuf_cache * 3 > (uint64_t)cfg->mbufs * 2) {
		CFG_LOG(cfg->logtype, ERR, "[mempool] cache = %u: expected at "
			"most 2/3 of [mempool] mbufs = %u, i.e. [0, %u]",
			cfg->mbuf_cache, cfg->mbufs,
			(uint32_t)((uint64_t)cfg->mbufs * 2 / 3));
		return -EINVAL;
	}
	if (tern_tcp_conf_check(&cfg->tcp, err, sizeof(err)) != 0) {
		CFG_LOG(cfg->logtype, ERR, "[tcp] %s", err);
		return -EINVAL;
	}
	return 0;
}

static int
schema_num_key(const struct cfg_schema *s, unsigned int *i,
	       struct tern_config_num_key *out)
{
	for (unsigned int k = 0; k < s->nb_keys; k++) {
		const struct cfg_key *key = &s->keys[k];

		if (key->type != CFG_U16 && key->type != CFG_U32)
			continue;
		if ((*i)-- > 0)
			continue;
		*out = (struct tern_config_num_key){
			.section = key->section, .name = key->name,
			.min = key->min, .max = key->max,
			.zero_ok = key->zero_ok,
			.profile = s == &profile_schema,
		};
		return 0;
	}
	return -ENOENT;
}

int
tern_config_num_key(unsigned int i, struct tern_config_num_key *out)
{
	if (schema_num_key(&config_schema, &i, out) == 0)
		return 0;
	return schema_num_key(&profile_schema, &i, out);
}

bool
tern_dev_is_pci(const char *dev)
{
	char name[TERN_CFG_VALUE_LEN];
	struct rte_pci_addr addr;

	strlcpy(name, dev, sizeof(name));
	name[strcspn(name, ",")] = '\0';
	return rte_pci_addr_parse(name, &addr) == 0;
}

int
tern_profile_name_of_dev(const char *dev, char *out, size_t out_len)
{
	size_t len = strcspn(dev, ",");

	if (tern_dev_is_pci(dev))
		len = 0;
	/* Drop the instance number: net_tap0 -> net_tap. */
	while (len > 0 && isdigit((unsigned char)dev[len - 1]))
		len--;
	if (len >= out_len)
		return -ENAMETOOLONG;
	memcpy(out, dev, len);
	out[len] = '\0';
	return 0;
}

static void
profile_defaults(struct tern_profile *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	strlcpy(p->name, name, sizeof(p->name));
	p->max_queues = 1;
	p->rx_desc = 1024;
	p->tx_desc = 1024;
	p->mtu = RTE_ETHER_MTU;
	p->rss_hf = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP;
	p->rss_key_pattern = TERN_RSS_SYMMETRIC_PATTERN;
}

int
tern_profile_load(struct tern_profile *p, const char *dir, const char *name,
		  int logtype)
{
	char path[PATH_MAX];
	int n;

	if (name[0] == '\0' || strchr(name, '/') != NULL) {
		CFG_LOG(logtype, ERR, "invalid profile name '%s'", name);
		return -EINVAL;
	}
	n = snprintf(path, sizeof(path), "%s/%s.ini", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	profile_defaults(p, name);
	return file_apply(&profile_schema, p, logtype, path);
}

static int
schema_write(const struct cfg_schema *s, const void *base, FILE *f,
	     const char *prefix)
{
	const char *section = "";
	char value[TERN_CFG_VALUE_LEN];

	for (unsigned int i = 0; i < s->nb_keys; i++) {
		const struct cfg_key *k = &s->keys[i];

		if (strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(f, "%s%s[%s]\n", i == 0 ? "" : "\n", prefix,
				section);
		}
		key_format(k, base, value, sizeof(value));
		/* Empty values cannot be read back: comment them out (and
		 * leave them out of what is already a comment). */
		if (value[0] == '\0' && prefix[0] == '\0')
			fprintf(f, "; %s =\n", k->name);
		else if (value[0] == '\0')
			continue;
		else
			fprintf(f, "%s%s = %s\n", prefix, k->name, value);
	}
	return ferror(f) ? -EIO : 0;
}

int
tern_config_write(const struct tern_config *cfg, FILE *f)
{
	int rc;

	fprintf(f, "; tern deployment (effective values)\n");
	rc = schema_write(&config_schema, cfg, f, "");
	if (rc != 0 || cfg->profile.name[0] == '\0')
		return rc;
	fprintf(f, "\n; profile %s (from %s), for reference\n",
		cfg->profile.name, cfg->profile_dir);
	return schema_write(&profile_schema, &cfg->profile, f, "; ");
}
