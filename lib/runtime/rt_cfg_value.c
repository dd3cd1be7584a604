/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration values as text: the parsers and formatters behind every
 * key type of the configuration table (numbers, booleans, IPv4
 * addresses, prefixes and lists, durations, offload modes, RSS hash
 * fields and keys, congestion control names). tern_config.c keeps the
 * table and what it does with a key; this file knows only how one value
 * is written.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_string_fns.h>

#include "tern_config.h"
#include "rt_cfg_value.h"

static const char *const tcp_cc_names[] = {
	[TERN_TCP_CC_NEWRENO] = "newreno",
	[TERN_TCP_CC_CUBIC] = "cubic",
};

static const char *const offload_names[] = {
	[TERN_OFFLOAD_AUTO] = "auto",
	[TERN_OFFLOAD_OFF] = "off",
	[TERN_OFFLOAD_ON] = "on",
};

const char *
tern_offload_mode_name(enum tern_offload_mode m)
{
	return (unsigned int)m < RTE_DIM(offload_names) ?
		offload_names[m] : "?";
}

const char *
rt_cfg_tcp_cc_name(enum tern_tcp_cc cc)
{
	return (unsigned int)cc < RTE_DIM(tcp_cc_names) &&
		tcp_cc_names[cc] != NULL ? tcp_cc_names[cc] : "?";
}

struct rss_hf_name {
	const char *name;
	uint64_t bits;
};

static const struct rss_hf_name rss_hf_names[] = {
	{ "ipv4", RTE_ETH_RSS_IPV4 },
	{ "frag-ipv4", RTE_ETH_RSS_FRAG_IPV4 },
	{ "ipv4-tcp", RTE_ETH_RSS_NONFRAG_IPV4_TCP },
	{ "ipv4-udp", RTE_ETH_RSS_NONFRAG_IPV4_UDP },
	{ "ipv4-other", RTE_ETH_RSS_NONFRAG_IPV4_OTHER },
	{ "ipv6", RTE_ETH_RSS_IPV6 },
	{ "ipv6-tcp", RTE_ETH_RSS_NONFRAG_IPV6_TCP },
	{ "ipv6-udp", RTE_ETH_RSS_NONFRAG_IPV6_UDP },
};

/* strtoull that accepts only a whole, unsigned decimal number. */
int
rt_cfg_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int
tern_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static const char *const bool_true_words[] = { "true", "yes", "on", "1" };
static const char *const bool_false_words[] = { "false", "no", "off", "0" };

int
rt_cfg_parse_bool(const char *s, bool *out)
{
	for (unsigned int i = 0; i < RTE_DIM(bool_true_words); i++) {
		if (strcasecmp(s, bool_true_words[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, bool_false_words[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
rt_cfg_parse_ipv4(const char *s, rte_be32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = a.s_addr;
	return 0;
}

/* "A.B.C.D" or "A.B.C.D-A.B.C.E" into @p first and @p last. */
static int
parse_ipv4_range(const char *s, size_t n, uint32_t *first, uint32_t *last)
{
	char buf[2 * INET_ADDRSTRLEN];
	rte_be32_t a, b;
	char *dash;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash = '\0';
	if (rt_cfg_parse_ipv4(buf, &a) != 0)
		return -EINVAL;
	b = a;
	if (dash != NULL && rt_cfg_parse_ipv4(dash + 1, &b) != 0)
		return -EINVAL;
	*first = rte_be_to_cpu_32(a);
	*last = rte_be_to_cpu_32(b);
	return *first <= *last ? 0 : -EINVAL;
}

int
tern_parse_ipv4_list(const char *s, rte_be32_t *out, unsigned int max)
{
	unsigned int n = 0;

	if (strcmp(s, "none") == 0)
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		uint32_t first, last;
		int rc = parse_ipv4_range(s, len, &first, &last);

		if (rc != 0)
			return rc;
		for (uint64_t a = first; a <= last; a++) {
			if (n == max)
				return -ERANGE;
			out[n++] = rte_cpu_to_be_32((uint32_t)a);
		}
		if (s[len] == '\0')
			return (int)n;
		s += len + 1;
	}
}

int
rt_cfg_parse_ipv4_prefix(const char *s, rte_be32_t *addr, uint8_t *len)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	rte_be32_t a;
	uint64_t bits;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (rt_cfg_parse_ipv4(buf, &a) != 0 || rt_cfg_parse_u64(slash + 1, &bits) != 0)
		return -EINVAL;
	if (bits < 1 || bits > 32)
		return -ERANGE;
	*addr = a;
	*len = (uint8_t)bits;
	return 0;
}

/* Decimal seconds ("5", "0.25") to milliseconds, without libm. */
int
rt_cfg_parse_seconds_ms(const char *s, uint32_t *out)
{
	char *end;
	double sec;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	sec = strtod(s, &end);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	if (sec * 1000.0 > (double)DURATION_MAX_MS)
		return -ERANGE;
	*out = (uint32_t)(sec * 1000.0 + 0.5);
	return 0;
}

int
rt_cfg_parse_tcp_cc(const char *s, enum tern_tcp_cc *out)
{
	for (unsigned int i = 0; i < RTE_DIM(tcp_cc_names); i++) {
		if (tcp_cc_names[i] != NULL && strcmp(s, tcp_cc_names[i]) == 0) {
			*out = (enum tern_tcp_cc)i;
			return 0;
		}
	}
	return -EINVAL;
}

int
rt_cfg_parse_offload(const char *s, enum tern_offload_mode *out)
{
	for (unsigned int i = 0; i < RTE_DIM(offload_names); i++) {
		if (strcmp(s, offload_names[i]) == 0) {
			*out = (enum tern_offload_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "ipv4 ipv4-tcp" or "ipv4,ipv4-tcp"; "none" is no hashing at all. */
int
rt_cfg_parse_rss_hf(const char *s, uint64_t *out)
{
	char buf[TERN_CFG_VALUE_LEN];
	char *save = NULL;
	uint64_t hf = 0;

	if (strcmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -EINVAL;
	for (char *tok = strtok_r(buf, " ,\t", &save); tok != NULL;
	     tok = strtok_r(NULL, " ,\t", &save)) {
		unsigned int i;

		for (i = 0; i < RTE_DIM(rss_hf_names); i++)
			if (strcmp(tok, rss_hf_names[i].name) == 0)
				break;
		if (i == RTE_DIM(rss_hf_names))
			return -EINVAL;
		hf |= rss_hf_names[i].bits;
	}
	*out = hf;
	return 0;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A Toeplitz key gives the same hash for (src, dst) and (dst, src)
 * exactly when it repeats with a 16-bit period (Woo & Park, "Scalable
 * TCP Session Monitoring with Symmetric Receive-side Scaling"): tern
 * relies on that, so only such keys are accepted and the pattern is
 * all that is stored. "symmetric" names the usual 0x6d5a.
 */
int
rt_cfg_parse_rss_key(const char *s, uint16_t *out)
{
	size_t len = strlen(s);
	uint8_t first[2];

	if (strcmp(s, "symmetric") == 0) {
		*out = TERN_RSS_SYMMETRIC_PATTERN;
		return 0;
	}
	if (len < 4 || len % 4 != 0 || len > 2 * TERN_RSS_KEY_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_nibble(s[i]), lo = hex_nibble(s[i + 1]);
		uint8_t byte;

		if (hi < 0 || lo < 0)
			return -EINVAL;
		byte = (uint8_t)(hi << 4 | lo);
		if (i < 4)
			first[i / 2] = byte;
		else if (byte != first[(i / 2) % 2])
			return -ERANGE;
	}
	*out = (uint16_t)(first[0] << 8 | first[1]);
	return 0;
}

void
rt_cfg_format_ipv4(rte_be32_t a, char *out, size_t len)
{
	struct in_addr ia = { .s_addr = a };

	if (inet_ntop(AF_INET, &ia, out, (socklen_t)len) == NULL)
		strlcpy(out, "?", len);
}

void
tern_rss_hf_format(uint64_t hf, char *out, size_t out_len)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned int i = 0; i < RTE_DIM(rss_hf_names); i++) {
		int n;

		if ((hf & rss_hf_names[i].bits) == 0)
			continue;
		n = snprintf(out + used, out_len - used, "%s%s",
			     used > 0 ? " " : "", rss_hf_names[i].name);
		if (n < 0 || (size_t)n >= out_len - used)
			break;
		used += (size_t)n;
	}
	if (used == 0)
		strlcpy(out, "none", out_len);
}

void
tern_rss_key_fill(uint8_t *key, unsigned int len, uint16_t pattern)
{
	for (unsigned int i = 0; i < len; i++)
		key[i] = (uint8_t)(i % 2 == 0 ? pattern >> 8 : pattern);
}

int
rt_cfg_parse_ipv6(const char *s, struct tern_ip6 *out)
{
	struct tern_ip6 a;

	if (strcmp(s, "none") == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (inet_pton(AF_INET6, s, a.b) != 1)
		return -EINVAL;
	*out = a;
	return 0;
}

/* "ADDR/LEN", or "none" (IPv6 off). */
int
rt_cfg_parse_ipv6_prefix(const char *s, struct tern_ip6 *addr, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct tern_ip6 a;
	uint64_t bits;

	if (strcmp(s, "none") == 0) {
		memset(addr, 0, sizeof(*addr));
		*len = 0;
		return 0;
	}
	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, a.b) != 1 ||
	    rt_cfg_parse_u64(slash + 1, &bits) != 0)
		return -EINVAL;
	if (bits < 1 || bits > 128)
		return -ERANGE;
	*addr = a;
	*len = (uint8_t)bits;
	return 0;
}

void
rt_cfg_format_ipv6(const struct tern_ip6 *a, char *out, size_t len)
{
	if (tern_ip6_is_unspec(a))
		strlcpy(out, "none", len);
	else if (inet_ntop(AF_INET6, a->b, out, (socklen_t)len) == NULL)
		strlcpy(out, "?", len);
}
