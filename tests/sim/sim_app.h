/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SIM_APP_H
#define SIM_APP_H

/**
 * @file
 * An application for the simulated stacks: tern callbacks that record
 * everything they see in a struct sim_conn per handle (kept after the
 * handle dies, so a test can assert "closed exactly once, reason R"),
 * plus helpers to connect, listen and send a verifiable byte stream.
 *
 * Stream bytes are a pure function of (key, offset) (sim_pattern_byte),
 * so a receiver checks each byte it gets against the offset it lands at:
 * a duplicate, a gap or a corrupted byte shows at once.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tern_tcp.h"
#include "sim.h"

struct sim_listener;

struct sim_conn {
	struct sim_node *node;
	struct tern_conn *c;          /**< NULL once closed() returned */
	struct sim_listener *listener;/**< passive side: who accepted it */
	struct sim_conn *next;        /**< all records of a sim */
	struct tern_tcp_info info;    /**< snapshot at connected/accepted */
	bool active;                  /**< opened by tern_tcp_connect() */
	unsigned int connected, accepted, peer_closed, closed, writable;
	enum tern_tcp_close_reason why;
	enum tern_tcp_state state_before_close;
	uint64_t closed_at_ns, established_at_ns;
	/* what this end sent with sim_conn_send_pattern() */
	uint64_t tx_key;
	uint64_t tx_bytes;            /**< accepted by tern_tcp_send() */
	/* what it received */
	uint64_t rx_key;              /**< expected stream; 0: do not check */
	uint8_t *rx;                  /**< every byte, when keep_rx */
	uint64_t rx_bytes;
	uint64_t rx_calls;
	uint64_t rx_bad_at;           /**< first offset that differed + 1 */
	bool keep_rx;
	/* behaviour */
	bool close_on_peer_closed;    /**< tern_tcp_close() from the callback */
	int accept_ret;               /**< returned by accepted() */
	void *user;                   /**< for the test */
};

struct sim_listener {
	struct sim_node *node;
	struct tern_listener *l;
	uint16_t port;
	unsigned int naccepted;
	struct sim_conn *last;        /**< most recently accepted */
	/* copied into each accepted record */
	bool close_on_peer_closed;
	bool keep_rx;
	int accept_ret;
	uint64_t rx_key;
	/* called after a record is set up in accepted() */
	void (*on_accept)(struct sim_conn *rec, void *arg);
	void *on_accept_arg;
};

/** The callbacks (user pointer: struct sim_conn / struct sim_listener). */
extern const struct tern_tcp_ops sim_app_ops;

/** Listen on @p port of @p n; fails the test on error. */
struct sim_listener *sim_listen(struct sim_node *n, uint16_t port);

/** Connect from @p n to @p to : @p port; fails the test on error. */
struct sim_conn *sim_connect(struct sim_node *n, rte_be32_t daddr,
			     uint16_t port);

/** Current state; CLOSED once the handle is gone. */
/** sim_connect() to an IPv6 address (tern_tcp_connect6()). */
struct sim_conn *sim_connect6(struct sim_node *n,
			      const struct tern_ip6 *daddr, uint16_t port);

enum tern_tcp_state sim_conn_state(const struct sim_conn *r);

/** Byte @p off of the stream with key @p key. */
uint8_t sim_pattern_byte(uint64_t key, uint64_t off);

/** Fill @p buf with @p len bytes of stream @p key from @p off. */
void sim_pattern_fill(uint64_t key, uint64_t off, uint8_t *buf,
		      uint32_t len);

/**
 * Send @p len more bytes of this record's stream (tx_key, from
 * tx_bytes on). @return what tern_tcp_send() returned.
 */
int32_t sim_conn_send_pattern(struct sim_conn *r, uint32_t len);

/** Send arbitrary bytes; @return tern_tcp_send()'s value. */
int32_t sim_conn_send(struct sim_conn *r, const void *buf, uint32_t len);

/** Every record of node @p n (list through ->next), newest first. */
struct sim_conn *sim_app_conns(const struct sim_node *n);

#endif /* SIM_APP_H */
