/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_TCP_H
#define TERN_TCP_H

/**
 * @file
 * tern's TCP: a run-to-completion, callback API.
 *
 * Every call and every callback happens on the lcore that owns the
 * struct tern_ctx the connection belongs to. Nothing blocks. Callbacks
 * run after the state-machine step that caused them is complete, so a
 * callback may call send, shutdown, close or abort on its connection
 * (or any other of the same lcore).
 *
 * Lifetime: a struct tern_conn handle is valid from accepted() or
 * tern_tcp_connect() until its closed() callback returns; closed() is
 * called exactly once per handle, whatever ends the connection.
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>

#include "tern_ip6.h"
#include "tern_tcp_stats.h"

struct tern_ctx;
struct tern_conn;
struct tern_listener;

enum tern_tcp_state {
#define TERN_TCP_STATE(id, ...) TERN_TCP_##id,
#include "tcp_states.def"
#undef TERN_TCP_STATE
	TERN_TCP_NSTATES
};

/** Why a connection ended, as given to the closed() callback. */
enum tern_tcp_close_reason {
	TERN_TCP_CLOSE_NORMAL,   /**< both FINs exchanged and acknowledged */
	TERN_TCP_CLOSE_RESET,    /**< the peer reset it */
	TERN_TCP_CLOSE_REFUSED,  /**< connect(): the peer answered RST */
	TERN_TCP_CLOSE_TIMEOUT,  /**< retransmission or attempt limit */
	TERN_TCP_CLOSE_ABORTED,  /**< tern_tcp_abort(), or close() with
				      unread data / data after close (RST) */
	TERN_TCP_CLOSE_UNREACHABLE, /**< connect(): an ICMP error about our
					 SYN (destination unreachable, time
					 exceeded, parameter problem) */
};

struct tern_tcp_ops {
	/**
	 * Listener only: connection @p c reached ESTABLISHED. Return 0 to
	 * keep it (set its user pointer with tern_tcp_set_user(); it starts
	 * as the listener's), or a negative value to reset it.
	 */
	int (*accepted)(struct tern_conn *c, void *listen_user);
	/** tern_tcp_connect() succeeded: @p c is ESTABLISHED. */
	void (*connected)(struct tern_conn *c, void *user);
	/**
	 * In-order bytes arrived, handed over without copying: @p data is
	 * an mbuf (chain) positioned at the payload. The callee owns it
	 * and frees it with rte_pktmbuf_free().
	 */
	void (*recv)(struct tern_conn *c, void *user, struct rte_mbuf *data);
	/** Send space was freed after a send() accepted less than asked. */
	void (*writable)(struct tern_conn *c, void *user);
	/** The peer sent FIN: no more bytes will arrive. */
	void (*peer_closed)(struct tern_conn *c, void *user);
	/** The connection is over; @p c is invalid once this returns. */
	void (*closed)(struct tern_conn *c, void *user,
		       enum tern_tcp_close_reason why);
};

/** Congestion control algorithms (docs/tcp.md, "Congestion control"). */
enum tern_tcp_cc {
	TERN_TCP_CC_NEWRENO,  /**< RFC 5681 + RFC 6582 */
	TERN_TCP_CC_CUBIC,    /**< RFC 9438 */
};

/** Per-lcore TCP settings. tern_tcp_conf_defaults() fills the defaults. */
struct tern_tcp_conf {
	uint32_t max_conns;       /**< full records (not TIME_WAIT); 65536 */
	uint32_t max_tw;          /**< TIME_WAIT records, recycled oldest
				       first beyond; 65536 */
	uint32_t msl_ms;          /**< TIME_WAIT lasts 2*msl_ms; 30000 */
	uint32_t syn_retries;     /**< SYN retransmissions; 7 (with
				       rto_max 60 s it gives up after 183 s:
				       RFC 9293 MUST-23 asks for at least 3
				       minutes) */
	uint32_t synack_retries;  /**< SYN+ACK retransmissions; 5 */
	uint32_t max_retries;     /**< data/FIN retransmissions; 12 */
	uint32_t rto_initial_ms;  /**< RFC 6298 initial RTO; 1000 */
	uint32_t rto_min_ms;      /**< lower bound; 200 (as Linux) */
	uint32_t rto_max_ms;      /**< upper bound; 60000 */
	uint32_t delack_ms;       /**< delayed ACK timer; 40 */
	uint32_t fin_wait2_ms;    /**< orphaned FIN_WAIT_2 lifetime; 60000 */
	uint32_t rcv_buf;         /**< receive window in bytes; 262144 */
	uint32_t snd_buf;         /**< send buffer in bytes; 262144 */
	uint32_t backlog;         /**< default listen backlog
				       (half-open per listener); 1024 */
	uint32_t challenge_ack_per_sec; /**< per connection; 10 */
	uint32_t challenge_ack_global_per_sec; /**< all connections of the
					     lcore together, about: each
					     second's budget is drawn from
					     [n/2, 3n/2) so it cannot serve
					     as a side channel
					     (CVE-2016-5696); 1000 */
	uint32_t persist_max_ms;  /**< abort a connection whose peer keeps
				       its window shut this long; 0 = never
				       (orphans: fin_wait2_ms); 0 */
	uint32_t keepalive_idle_ms;  /**< idle time before probing;
					  0 = keepalive off (default) */
	uint32_t keepalive_intvl_ms; /**< between probes; 75000 */
	uint32_t keepalive_cnt;      /**< unanswered probes before the
					  connection is aborted; 9 */
	uint32_t reass_max_bytes; /**< out-of-order bytes held per
				       connection; 0 = rcv_buf */
	uint32_t reass_conns;     /**< connections that may hold out-of-
				       order data at once; 0 = max_conns/16 */
	enum tern_tcp_cc cc;      /**< default congestion control; CUBIC */
	bool nagle;               /**< Nagle on for new connections; false */
	bool syn_cookies;         /**< answer SYNs beyond the backlog with
				       SYN cookies (RFC 4987); true */
	bool tlp;                 /**< tail loss probes (RFC 8985 7); true */
	uint16_t mss;             /**< 0 = derived from the MTU; else
				       TERN_TCP_MSS_MIN..TERN_TCP_MSS_MAX,
				       capped at the MTU less 40 */
	bool timestamps;          /**< offer RFC 7323 timestamps; true */
	bool window_scale;        /**< offer window scaling; true */
	bool sack;                /**< offer SACK-permitted; true */
	uint16_t port_min;        /**< ephemeral ports of active opens:
				       port_min..port_max; 32768 */
	uint16_t port_max;        /**< 60999 (Linux's ip_local_port_range) */
	bool tw_reuse;            /**< an active open may take a 4-tuple
				       held in TIME_WAIT when the old
				       connection used timestamps and
				       tw_reuse_delay_ms passed (RFC 6191
				       conditions; docs/tcp.md); true */
	uint32_t tw_reuse_delay_ms; /**< TIME_WAIT age before such reuse;
					 the peer's timestamp clock must
					 tick in between; 1000 */
	bool tx_zero_copy;        /**< a send queue of one mbuf that leaves
				       whole in one segment goes as that
				       mbuf, a second reference taken,
				       instead of a copy (docs/tcp.md);
				       true */
};

/** Fill @p conf with the defaults documented above. */
void tern_tcp_conf_defaults(struct tern_tcp_conf *conf);

/**
 * Memory one TIME_WAIT record costs when a stack holds @p max_tw of them:
 * the 64-byte record's pool object and its share of the hash buckets.
 * Sizing: max_tw = closes per second x 2 MSL; memory = max_tw x this.
 * @return bytes per record (0 for max_tw 0).
 */
uint32_t tern_tcp_tw_footprint_bytes(uint32_t max_tw);

/** Bytes of one connection record (struct tern_conn), buffers aside. */
uint32_t tern_tcp_conn_record_bytes(void);

/**
 * Bytes of the per-connection Ethernet+IP+TCP header template that sits
 * behind each connection record in its pool element (lib/tcp/tcp_tmpl.h):
 * a record pool's element is the record plus this, rounded up to 8.
 */
uint32_t tern_tcp_conn_tmpl_bytes(void);

/*
 * Upper bounds of the sizing fields: each is one mempool object (and a
 * hash bucket) per lcore, created at start-up, so a value must fit
 * memory: 2^21 full records take ~1.1 GiB (bench/run.sh holds a million
 * connections on one lcore), 2^21 TIME_WAIT records 128 MiB, 2^17
 * reassembly records ~400 MiB.
 */
#define TERN_TCP_MAX_CONNS (UINT32_C(1) << 21)
#define TERN_TCP_MAX_TW (UINT32_C(1) << 21)
#define TERN_TCP_MAX_REASS_CONNS (UINT32_C(1) << 17)
/** The MSS of the largest IP MTU tern accepts (9216) less 40 bytes. */
#define TERN_TCP_MSS_MAX 9176
/** The smallest settable MSS: a 128-byte IP MTU less 40. */
#define TERN_TCP_MSS_MIN 88

/**
 * The numeric fields of struct tern_tcp_conf and their valid ranges:
 * X(field, min, max). tern_tcp_conf_check() and the [tcp] section of
 * the configuration file (lib/runtime) both follow this list.
 */
#define TERN_TCP_CONF_U32_FIELDS(X) \
	X(max_conns, 1, TERN_TCP_MAX_CONNS) \
	X(max_tw, 0, TERN_TCP_MAX_TW) \
	X(msl_ms, 1, 600000) \
	X(syn_retries, 0, 127) \
	X(synack_retries, 0, 127) \
	X(max_retries, 1, 127) \
	X(rto_initial_ms, 1, 600000) \
	X(rto_min_ms, 1, 600000) \
	X(rto_max_ms, 1, 3600000) \
	X(delack_ms, 0, 500) \
	X(fin_wait2_ms, 1, 3600000) \
	X(rcv_buf, 1024, UINT32_C(1) << 30) \
	X(snd_buf, 64, UINT32_C(1) << 30) \
	X(backlog, 1, UINT32_C(1) << 24) \
	X(challenge_ack_per_sec, 0, 1000000) \
	X(challenge_ack_global_per_sec, 1, 1000000) \
	X(persist_max_ms, 0, UINT32_MAX) \
	X(keepalive_idle_ms, 0, UINT32_MAX) \
	X(keepalive_intvl_ms, 1, UINT32_MAX) \
	X(keepalive_cnt, 1, 1000) \
	X(reass_max_bytes, 0, UINT32_C(1) << 30) \
	X(reass_conns, 0, TERN_TCP_MAX_REASS_CONNS) \
	X(tw_reuse_delay_ms, 0, 3600000)

/**
 * Check @p conf: every field in its range, and rto_min_ms <= rto_max_ms.
 * On failure, when @p err is not NULL, it receives a message naming the
 * field and what is valid ("max_conns = 0: expected [1, 524288]").
 * @return 0; -EINVAL.
 */
int tern_tcp_conf_check(const struct tern_tcp_conf *conf, char *err,
			size_t err_len);

/** Name of a state ("ESTABLISHED"). */
const char *tern_tcp_state_name(enum tern_tcp_state s);

/**
 * Listen on our address, TCP port @p port (host order). When IPv6 is
 * configured the listener is dual-stack: it takes SYNs to our IPv4
 * address and to our IPv6 addresses alike (tern_tcp_listen_families()
 * narrows it to one).
 * @return 0; -EADDRINUSE; -ENOMEM; -EINVAL (port 0 or ops->accepted NULL).
 */
int tern_tcp_listen(struct tern_ctx *ctx, uint16_t port,
		    const struct tern_tcp_ops *ops, void *user,
		    struct tern_listener **out);

/**
 * Pause (@p paused true) or resume taking SYNs on @p l. While paused,
 * SYNs are dropped (counted: ListenDrops) without a SYN cookie, as
 * Linux does when a listener's accept queue is full; connections
 * already half-open still complete. For lib/socket's listen backlog.
 */
void tern_tcp_listen_pause(struct tern_listener *l, bool paused);

/**
 * Which families @p l takes SYNs of: IPv4 (@p v4), IPv6 (@p v6); both
 * after tern_tcp_listen(). A SYN of a family not taken is answered as
 * on a closed port (RST, counted TcpDropNoConn and OutRsts), as Linux
 * refuses an IPv6 SYN on an AF_INET listener or an IPv4 one on an
 * IPV6_V6ONLY listener. For lib/socket.
 */
void tern_tcp_listen_families(struct tern_listener *l, bool v4, bool v6);

/** Stop listening; half-open connections are reset. @return 0. */
int tern_tcp_unlisten(struct tern_listener *l);

/**
 * Open a connection to @p daddr : @p dport (host order) from an
 * ephemeral port. Its outcome arrives as connected() or closed().
 * The port comes from conf.port_min..port_max, free or held by a
 * TIME_WAIT record that may be reused (conf.tw_reuse), found in O(1)
 * amortised; when none is left for this destination the call fails at
 * once (counted: ConnectNoPort) until a port frees up.
 * @return 0; -EINVAL; -EADDRNOTAVAIL (no free or reusable port to this
 *   destination); -ENOMEM (table or pool full).
 */
int tern_tcp_connect(struct tern_ctx *ctx, rte_be32_t daddr, uint16_t dport,
		     const struct tern_tcp_ops *ops, void *user,
		     struct tern_conn **out);

/**
 * tern_tcp_connect() to the IPv6 address @p daddr, from the source
 * address the destination calls for (link-local for a link-local
 * destination, the configured global one otherwise). Same semantics and
 * errors as tern_tcp_connect(), plus:
 * @return -EAFNOSUPPORT when IPv6 is not configured; -ENETUNREACH when
 *   there is no route to @p daddr (outside the prefix, no --gw6).
 */
int tern_tcp_connect6(struct tern_ctx *ctx, const struct tern_ip6 *daddr,
		      uint16_t dport, const struct tern_tcp_ops *ops,
		      void *user, struct tern_conn **out);

/**
 * Queue up to @p len bytes of @p buf for sending (copied into mbufs).
 * @return bytes accepted (0..len; less than len when the send buffer is
 *   full: writable() follows); -ENOTCONN before ESTABLISHED-like states
 *   allow data (SYN_SENT queues data too); -EPIPE after shutdown/close;
 *   -ENOBUFS when no mbuf could be had and nothing was queued.
 */
int32_t tern_tcp_send(struct tern_conn *c, const void *buf, uint32_t len);

/** Half-close: FIN after the queued data. @return 0; -ENOTCONN. */
int tern_tcp_shutdown(struct tern_conn *c);

/**
 * Close: shutdown plus "no more receiving". Data arriving afterwards
 * resets the connection (RFC 9293 3.10.4 / RFC 1122 4.2.2.13).
 * The handle stays valid until closed(). @return 0; -ENOTCONN.
 */
int tern_tcp_close(struct tern_conn *c);

/** Reset the connection; closed(ABORTED) is called before this returns. */
void tern_tcp_abort(struct tern_conn *c);

/**
 * Promise to call tern_tcp_close() as soon as the peer's FIN arrives
 * (@p on true), or withdraw the promise (false; the default). While it
 * stands and the connection is ESTABLISHED, a FIN without data in
 * sequence is taken with the close in one step: ESTABLISHED -> LAST_ACK,
 * our FIN queued behind the data queued (it goes with the ACK of the
 * peer's FIN when nothing else waits), and receiving ended as close()
 * ends it. peer_closed() is still called, in LAST_ACK: tern_tcp_close()
 * there is a no-op that returns 0, tern_tcp_send() returns -EPIPE. A FIN
 * that carries data, or that the stack does not take in its prediction
 * (out of order, with SACK blocks), goes as without the promise: recv(),
 * then peer_closed() in CLOSE_WAIT, and the app closes (or answers
 * first). An app that may still have to send after the peer's FIN (a
 * partial request, a response not yet queued) withdraws the promise
 * until it has not. @return 0.
 */
int tern_tcp_set_close_on_fin(struct tern_conn *c, bool on);

/**
 * The promise of tern_tcp_set_close_on_fin() for every connection
 * @p l accepts from now on, from its birth (off after
 * tern_tcp_listen()); each may withdraw or renew its own.
 */
void tern_tcp_listen_close_on_fin(struct tern_listener *l, bool on);

/** Turn Nagle's algorithm (RFC 1122 4.2.3.4) on or off. @return 0. */
int tern_tcp_set_nagle(struct tern_conn *c, bool on);

/**
 * Keepalive for this connection: probe after @p idle_ms without input,
 * every @p intvl_ms, abort (closed(TIMEOUT)) after @p cnt unanswered.
 * @p idle_ms 0 turns it off. @return 0; -EINVAL (intvl or cnt 0).
 */
int tern_tcp_set_keepalive(struct tern_conn *c, uint32_t idle_ms,
			   uint32_t intvl_ms, uint32_t cnt);

/** Congestion control of this connection. @return 0; -EINVAL. */
int tern_tcp_set_cc(struct tern_conn *c, enum tern_tcp_cc cc);

/**
 * Receive flow control. By default bytes handed to recv() leave tern's
 * receive window at once. With @p manual true they count against it
 * until the app calls tern_tcp_recv_done(): a slow reader makes the
 * window close (down to 0) and the peer wait. @return 0.
 */
int tern_tcp_set_recv_manual(struct tern_conn *c, bool manual);

/** The app consumed @p bytes delivered earlier (manual mode). */
void tern_tcp_recv_done(struct tern_conn *c, uint32_t bytes);

enum tern_tcp_state tern_tcp_state(const struct tern_conn *c);
void tern_tcp_set_user(struct tern_conn *c, void *user);
void *tern_tcp_get_user(const struct tern_conn *c);
struct tern_ctx *tern_tcp_ctx(const struct tern_conn *c);
/** Bytes tern_tcp_send() would accept now. */
uint32_t tern_tcp_send_space(const struct tern_conn *c);

/** A read-only view of one connection, for shells and tests. */
struct tern_tcp_info {
	enum tern_tcp_state state;
	uint8_t family;             /**< AF_INET or AF_INET6 */
	rte_be32_t laddr, faddr;    /**< AF_INET */
	struct tern_ip6 laddr6, faddr6; /**< AF_INET6 */
	uint16_t lport, fport;      /**< host order */
	uint32_t snd_una, snd_nxt, snd_wnd, iss;
	uint32_t rcv_nxt, rcv_wnd, irs;
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint16_t mss;
	uint8_t snd_wscale, rcv_wscale;
	bool ts_ok, sack_ok;
	uint32_t unacked_bytes, queued_bytes;
	uint32_t retransmits;
	uint32_t cwnd, ssthresh;    /**< bytes; ssthresh UINT32_MAX: none */
	uint32_t sacked_bytes;      /**< on the SACK scoreboard */
	uint32_t ooo_bytes;         /**< held for reassembly */
	uint32_t lost_bytes;        /**< deemed lost (tcp_lost_bytes()) */
	uint32_t segs_in, segs_out; /**< segments received, sent (a TSO
					 frame's segments each) */
	bool in_recovery;
	enum tern_tcp_cc cc;
	uint8_t icmp_type, icmp_code; /**< the last ICMP error about
					   the connection (RFC 1122 4.2.3.9;
					   a SYN_SENT attempt ended by one
					   keeps it for closed());
					   type 0: none */
	uint16_t pmtu;              /**< path MTU learned from ICMP
					 (RFC 1191); 0: none, the MTU */
};

void tern_tcp_get_info(const struct tern_conn *c, struct tern_tcp_info *info);

/** Connections per state on this lcore (TIME_WAIT records included). */
void tern_tcp_state_counts(const struct tern_ctx *ctx,
			   uint32_t counts[TERN_TCP_NSTATES]);

/**
 * IPv6 peers this lcore's intern table holds (docs/ipv6.md): one per
 * distinct peer address of its connections and TIME_WAIT records; 0
 * when it has none (tests check nothing leaks).
 */
uint32_t tern_tcp_peers6_count(const struct tern_ctx *ctx);

/**
 * One lcore's secrets, drawn by the caller (lib/stack): lib/tcp reads no
 * random source, so a test's seed reproduces every ISN and port.
 */
struct tern_tcp_secret {
	uint64_t isn_k0;      /**< ISN and SYN cookie key (RFC 6528) */
	uint64_t isn_k1;
	uint64_t port_seed;   /**< picks the first ephemeral port */
};

/**
 * Check every mbuf chain the connections of this lcore hold -- send
 * queues, in-order data not yet handed to the app, out-of-order data --
 * with rte_mbuf_check(), and each send queue's length against the
 * record. For tests and debugging: it walks every connection.
 *
 * @return 0 when every chain is valid; -EINVAL for the first bad one,
 *   with its local port (host order) in *lport and the reason in
 *   *reason.
 */
int tern_tcp_mbuf_audit(const struct tern_ctx *ctx, uint16_t *lport,
			const char **reason);

/* Used by the stack layer (lib/stack/tern_stack.c). */
int tern_tcp_init(struct tern_ctx *ctx, const struct tern_tcp_conf *conf,
		  const struct tern_tcp_secret *secret);
void tern_tcp_fini(struct tern_ctx *ctx);
/** Input @p n segments. What they owe (data, ACKs, FINs: the work
 *  list) is built by the next output pass, tern_tcp_output() or
 *  tern_tcp_poll(): in a step, once, after the app's poll, so an answer
 *  the app writes between input and timers leaves with the ACK it owes
 *  rather than in a pass of its own. */
void tern_tcp_input_burst(struct tern_ctx *ctx, struct rte_mbuf **segs,
			  uint16_t n);
/** tern_tcp_input_burst() of TCP segments carried by IPv6 (data at the
 *  TCP header, the IPv6 header m->l3_len bytes before, as lib/net
 *  hands them over). */
void tern_tcp_input_burst6(struct tern_ctx *ctx, struct rte_mbuf **segs,
			   uint16_t n);
struct tern_icmp_err;
/** ICMP errors about our segments (tern_net_input_burst()); docs/tcp.md
 *  "ICMP errors". */
void tern_tcp_icmp_input(struct tern_ctx *ctx,
			 const struct tern_icmp_err *errs, uint16_t n);
/** The output pass: build what the connections on the work list owe. */
void tern_tcp_output(struct tern_ctx *ctx);
/** Run the timers due at ctx->now_ns, then the output pass. */
void tern_tcp_poll(struct tern_ctx *ctx);
uint64_t tern_tcp_next_deadline_ns(const struct tern_ctx *ctx);

#endif /* TERN_TCP_H */
