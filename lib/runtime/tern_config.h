/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

/**
 * @file
 * Deployment configuration and driver profiles, read from INI files with
 * DPDK's rte_cfgfile (';' starts a comment; empty values are not
 * allowed, so "unset" is spelled "none" or 0 where a key permits it).
 *
 * A deployment is built in layers, each overriding the one before:
 *   1. built-in defaults -- the embedded default deployment: net_tap,
 *      tern at 198.18.0.2/24, for the demo in a network namespace;
 *   2. the file given by --config;
 *   3. command-line options (--ip, --mtu, ..., --set SECTION.KEY=VALUE).
 * The driver profile (drivers-config/<name>.ini) then supplies what is
 * specific to the NIC: queues, descriptors, RSS, offloads, MTU and the
 * EAL arguments it needs. docs/configuration.md documents every key;
 * tern_config_write() prints the effective configuration.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>

#include <rte_byteorder.h>

#include "tern_ip6.h"
#include "tern_tcp.h"

/** Longest value (rte_cfgfile's CFG_VALUE_LEN). */
#define TERN_CFG_VALUE_LEN 256
/** Longest name of a profile, section or key. */
#define TERN_CFG_NAME_LEN 64
/** [fault] *_drop_ppm: parts per million, so at most every frame. */
#define TERN_FAULT_PPM_MAX 1000000
/** Longest RSS key a port may ask for (i40e/ice use 52 bytes). */
#define TERN_RSS_KEY_MAX 64
/**
 * [tcp] max_tw of a deployment that does not set it: 2^20 TIME_WAIT
 * records per worker (17,476 closes a second held 2 x 30 s), shrunk to
 * what the EAL's memory holds (docs/architecture.md, "Sizing workers,
 * queues and TIME_WAIT").
 */
#define TERN_CFG_MAX_TW_DEFAULT (UINT32_C(1) << 20)
/** The symmetric Toeplitz key pattern (Woo & Park): 0x6d5a repeated. */
#define TERN_RSS_SYMMETRIC_PATTERN 0x6d5a

/** How a profile wants one offload. */
enum tern_offload_mode {
	TERN_OFFLOAD_AUTO = 0,  /**< use it when the port offers it */
	TERN_OFFLOAD_OFF,       /**< always compute in software */
	TERN_OFFLOAD_ON,        /**< required: port setup fails without it */
};

/** A driver profile: drivers-config/<name>.ini. */
struct tern_profile {
	char name[TERN_CFG_NAME_LEN];        /**< file name without .ini */
	char driver[TERN_CFG_NAME_LEN];      /**< [driver] name: the ethdev
						  driver it is written for */
	char dev[TERN_CFG_VALUE_LEN];        /**< [eal] dev: the device used
						  when the deployment names
						  none ("" = must be named) */
	char eal_args[TERN_CFG_VALUE_LEN];   /**< [eal] args: added to EAL's
						  command line */
	uint16_t max_queues;                 /**< [port] queues: most RX/TX
						  queue pairs (= workers) */
	uint16_t rx_desc;                    /**< [port] rx_desc */
	uint16_t tx_desc;                    /**< [port] tx_desc */
	uint16_t mtu;                        /**< [port] mtu: IP MTU */
	uint64_t rss_hf;                     /**< [rss] hash: RTE_ETH_RSS_* */
	uint16_t rss_key_pattern;            /**< [rss] key: 16-bit pattern
						  repeated over the key */
	enum tern_offload_mode rx_cksum;     /**< [offloads] rx_cksum */
	enum tern_offload_mode tx_ip_cksum;  /**< [offloads] tx_ip_cksum */
	enum tern_offload_mode tx_tcp_cksum; /**< [offloads] tx_tcp_cksum */
	enum tern_offload_mode tx_tso;       /**< [offloads] tx_tso: TCP
						  segmentation by the port;
						  needs multi-segment TX and
						  both TX checksum offloads */
};

/** The deployment: one INI file plus command-line overrides. */
/** Extra addresses of [ip] extra (the stack's TERN_IFC_EXTRA_MAX). */
#define TERN_CFG_EXTRA_IP_MAX 15

struct tern_config {
	int logtype;                         /**< rte_log type for errors */
	/* [port] */
	char dev[TERN_CFG_VALUE_LEN];        /**< PCI address or vdev string;
						  "" = from EAL or profile */
	char profile_name[TERN_CFG_NAME_LEN];/**< "" = from the driver */
	char profile_dir[PATH_MAX];          /**< where profiles are read */
	/* [ip] */
	rte_be32_t ip;                       /**< our address */
	uint8_t prefix_len;                  /**< netmask length, 1..32 */
	rte_be32_t gateway;                  /**< 0 = none */
	rte_be32_t extra_ip[TERN_CFG_EXTRA_IP_MAX]; /**< more addresses of
						      ours, same prefix:
						      sources of active
						      opens (docs/tcp.md) */
	uint8_t nb_extra_ip;
	uint16_t mtu;                        /**< 0 = the profile's */
	/* [ip6] */
	struct tern_ip6 ip6;                 /**< our global address;
						  :: = IPv6 off */
	uint8_t ip6_prefix_len;              /**< on-link prefix, 1..128 */
	struct tern_ip6 gw6;                 /**< default router; :: none */
	/* [lcores] */
	char lcores[TERN_CFG_NAME_LEN];      /**< EAL -l list, used when the
						  command line gives none */
	uint16_t workers;                    /**< 0 = one per lcore/queue */
	uint32_t steer_ring;                 /**< frames a steering ring
						  between two workers holds
						  (a power of two) */
	/* [mempool] */
	uint32_t mbufs;                      /**< mbufs per worker pool */
	uint32_t mbuf_cache;                 /**< per-lcore cache of a pool */
	/* [run] */
	uint32_t duration_ms;                /**< stop after; 0 = run until
						  signalled or asked */
	uint32_t drain_ms;                   /**< graceful stop: time given
						  to closing connections
						  before they are aborted;
						  0 = abort at once */
	bool hold_port;                      /**< once stopped, keep the
						  port open, unpolled, until
						  the next signal (at most
						  TERN_RT_HOLD_PORT_MAX_S) */
	/* [fault] */
	uint32_t fault_rx_drop_ppm;          /**< received frames dropped
						  on purpose, per million;
						  0 = none */
	uint32_t fault_tx_drop_ppm;          /**< frames to send dropped on
						  purpose, per million;
						  0 = none */
	uint32_t fault_seed;                 /**< seed of the drop decisions
						  (worker i uses seed + i) */
	/* [tcp] */
	struct tern_tcp_conf tcp;            /**< tern_tcp_conf_defaults()
						  first, then overrides */
	/** Filled by tern_profile_load(); not part of the INI file. */
	struct tern_profile profile;
};

/**
 * Parse a list of IPv4 addresses: "A.B.C.D", ranges "A.B.C.D-A.B.C.E",
 * separated by commas ("198.18.0.10-198.18.0.12,198.18.0.20"), or
 * "none" (no address).
 * @return how many addresses were written to @p out (at most @p max);
 *   -EINVAL bad syntax or a range going down; -ERANGE more than @p max.
 */
int tern_parse_ipv4_list(const char *s, rte_be32_t *out, unsigned int max);

/** Fill @p cfg with the embedded default deployment. */
/**
 * Parse an application option's number: a whole unsigned number,
 * decimal, 0x-hex or 0-octal (strtoull base 0), within [min, max].
 * @return 0, or -EINVAL (empty, sign, trailing text, out of range).
 */
int tern_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

void tern_config_defaults(struct tern_config *cfg, int logtype);

/**
 * Set one key, as the INI file or the command line gives it.
 * @return 0; -ENOENT unknown section or key; -EINVAL bad value;
 *   -ERANGE value out of range. Each error is logged with the key.
 */
int tern_config_set(struct tern_config *cfg, const char *section,
		    const char *key, const char *value);

/**
 * Apply an INI deployment file on top of @p cfg.
 * @return 0; -ENOENT file unreadable; -EINVAL a duplicate section, an
 *   unknown section or key, or a bad value (logged with the key).
 */
int tern_config_load(struct tern_config *cfg, const char *path);

/**
 * Cross-field checks once all layers are applied: an address is set and
 * is not its prefix's network or broadcast address; the gateway, if
 * any, is on-link; the mempool cache fits the pool; the [tcp] section
 * passes tern_tcp_conf_check(). @return 0; -EINVAL (logged, naming the
 * key and what is valid).
 */
int tern_config_check(const struct tern_config *cfg);

/** The netmask of a prefix length (network order): 24 -> 255.255.255.0. */
rte_be32_t tern_prefix_netmask(uint8_t prefix_len);

/**
 * The profile a device string implies: "net_tap0,iface=x" -> "net_tap"
 * (its driver name without the instance number). Writes "" for a PCI
 * address, whose driver is only known once EAL probes it.
 * @return 0; -ENAMETOOLONG @p out too small.
 */
int tern_profile_name_of_dev(const char *dev, char *out, size_t out_len);

/** True when @p dev is a PCI address (DDDD:BB:DD.F or BB:DD.F). */
bool tern_dev_is_pci(const char *dev);

/** The longest [run] hold_port waits for its signal, in seconds. */
#define TERN_RT_HOLD_PORT_MAX_S 60

/**
 * Load profile @p name from @p dir into @p p (defaults first).
 * @return 0; -ENOENT no such profile; -EINVAL bad content (logged).
 */
int tern_profile_load(struct tern_profile *p, const char *dir,
		      const char *name, int logtype);

/** A numeric key (integer, "0 = automatic" allowed when zero_ok). */
struct tern_config_num_key {
	const char *section;
	const char *name;
	uint32_t min;
	uint32_t max;
	bool zero_ok;
	bool profile;   /**< a driver profile key, not a deployment key */
};

/**
 * The @p i-th numeric key: the deployment's keys first, then the
 * profile's, in table order. Tests walk every key with it, so a new key
 * cannot be added untested.
 * @return 0; -ENOENT past the last one.
 */
int tern_config_num_key(unsigned int i, struct tern_config_num_key *out);

/** Print @p cfg (and its profile) as an INI file. @return 0; -EIO. */
int tern_config_write(const struct tern_config *cfg, FILE *f);

/** "auto", "off" or "on". */
const char *tern_offload_mode_name(enum tern_offload_mode m);

/** Fill @p key with @p len bytes of the 16-bit @p pattern, repeated. */
void tern_rss_key_fill(uint8_t *key, unsigned int len, uint16_t pattern);

/** Write the names of the RTE_ETH_RSS_* bits in @p hf, space separated. */
void tern_rss_hf_format(uint64_t hf, char *out, size_t out_len);

#endif /* TERN_CONFIG_H */
