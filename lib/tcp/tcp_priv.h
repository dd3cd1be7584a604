/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TCP_PRIV_H
#define TCP_PRIV_H

/**
 * @file
 * Internals of lib/tcp shared between its files. Not installed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "tern_ctx.h"
#include "tern_ctable.h"
#include "tern_timer.h"
#include "tern_tcp.h"
#include "tcp_options.h"
#include "tcp_isn.h"
#include "tcp_seq.h"
#include "tcp_reass.h"
#include "tcp_sack.h"
#include "tcp_cc.h"
#include "tcp_syncookie.h"

#define NS_PER_MS 1000000ull
#define NS_PER_US 1000ull

/* TCP header flags (RFC 9293 3.1). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_HDR_LEN 20
/* The peer's MSS when it sends none (RFC 9293 3.7.1, MUST-15). */
#define TCP_DEFAULT_MSS 536
/*
 * Floor for the peer's MSS: an MSS of 0, 1 or 40 must not turn every
 * byte into a segment (or divide by zero). Linux's tcp_min_snd_mss is 48;
 * we take 64 so that a segment always carries more than its headers.
 */
#define TCP_MIN_MSS 64
/* Ephemeral ports, as Linux's ip_local_port_range default
 * (conf.port_min, conf.port_max). */
#define TCP_EPH_PORT_MIN 32768
#define TCP_EPH_PORT_MAX 60999
/* Source addresses of active opens: ifc.ip and ifc.extra_ip[]. */
#define TCP_NB_SRC_MAX (1 + TERN_IFC_EXTRA_MAX)
/* ACK at least every second full-sized segment (RFC 9293 3.8.6.3). */
#define TCP_DELACK_SEGS 2

/* ---- the state table ---- */

enum tcp_event {
	TCP_EV_SEG_ANY,              /* any non-RST segment, no connection */
	TCP_EV_SEG_SYN,              /* SYN without ACK */
	TCP_EV_SEG_SYN_DUP,          /* retransmission of the peer's SYN */
	TCP_EV_SEG_SYN_ACK,          /* SYN+ACK acking our SYN */
	TCP_EV_SEG_BAD_ACK,          /* ACK of something we never sent */
	TCP_EV_SEG_ACK,              /* acceptable segment, no FIN */
	TCP_EV_SEG_ACK_OF_FIN,       /* ... that acks our FIN */
	TCP_EV_SEG_ACK_OF_SYN,       /* first ACK of our SYN after an early
					close (CF_OPEN_PENDING) */
	TCP_EV_SEG_FIN,              /* in-order FIN */
	TCP_EV_SEG_FIN_ACK_OF_FIN,   /* in-order FIN that also acks ours */
	TCP_EV_SEG_RST,              /* acceptable RST */
	TCP_EV_SEG_RST_REFUSED,      /* acceptable RST to our active open */
	TCP_EV_SEG_DATA_AFTER_CLOSE, /* data after the app closed */
	TCP_EV_SEG_SYN_OVERFLOW,     /* SYN to a listener whose backlog is full */
	TCP_EV_SEG_COOKIE_ACK,       /* final ACK carrying a valid SYN cookie */
	TCP_EV_USER_LISTEN,
	TCP_EV_USER_CONNECT,
	TCP_EV_USER_CLOSE,           /* close() or shutdown() */
	TCP_EV_USER_ABORT,
	TCP_EV_TIMER_LIMIT,          /* retransmission limit reached */
	TCP_EV_TIMER_FW2,            /* orphaned FIN_WAIT_2 reaper */
	TCP_EV_TIMER_2MSL,
	TCP_EV_TIMER_KEEPALIVE,      /* keepalive probes unanswered */
	TCP_EV_MAX
};

enum tcp_action {
	A_SEND_SYN = 1u << 0,
	A_SEND_SYNACK = 1u << 1,
	A_RST_REPLY = 1u << 2,
	A_SEND_RST = 1u << 3,
	A_CHALLENGE_ACK = 1u << 4,
	A_SEND_ACK = 1u << 5,
	A_SEND_FIN = 1u << 6,
	A_NOTIFY_ESTAB = 1u << 7,
	A_NOTIFY_FIN = 1u << 8,
	A_ARM_FW2 = 1u << 9,
	A_RESTART_2MSL = 1u << 10,
	A_TW_REUSE = 1u << 11,
	A_CLOSE_NORMAL = 1u << 12,
	A_CLOSE_RESET = 1u << 13,
	A_CLOSE_REFUSED = 1u << 14,
	A_CLOSE_TIMEOUT = 1u << 15,
	A_CLOSE_ABORTED = 1u << 16,
	A_FREE = 1u << 17,
	A_SEND_COOKIE = 1u << 18,
};

/* One index per table row, for the hit counters. */
enum tcp_fsm_row {
#define TCP_FSM(from, ev, act, to, rfc) TCP_ROW_##from##__##ev,
#include "tcp_fsm.def"
#undef TCP_FSM
	TCP_FSM_NROWS
};

struct tcp_fsm_cell {
	uint32_t actions;   /* enum tcp_action bits */
	uint8_t next;       /* enum tern_tcp_state */
	uint8_t valid;
	uint16_t row;       /* enum tcp_fsm_row */
};

/* ---- a parsed, validated segment (habit 1: parse once) ---- */

struct tcp_seg {
	struct rte_mbuf *m;        /* data at the TCP header */
	struct tern_flow_key key;  /* from our side */
	uint32_t hash;
	uint32_t seq, ack;
	uint32_t len;              /* payload bytes */
	uint32_t wnd;              /* raw 16-bit window */
	uint16_t hdr_len;
	uint8_t flags;
	struct tcp_opts opts;
};

/* ---- connection records ---- */

enum tcp_conn_flag {
	CF_PASSIVE = 1u << 0,     /* spawned by a listener */
	CF_APP_OWNED = 1u << 1,   /* the app holds the handle */
	CF_CLOSED_CB = 1u << 2,   /* closed() was called */
	CF_TS_OK = 1u << 3,       /* timestamps agreed */
	CF_SACK_OK = 1u << 4,
	CF_WS_OK = 1u << 5,
	CF_FIN_QUEUED = 1u << 6,  /* app shut down its sending side */
	CF_FIN_SENT = 1u << 7,    /* our FIN is at snd_max - 1 */
	CF_RCV_CLOSED = 1u << 8,  /* close(): more data means RST */
	CF_ON_WORK = 1u << 9,
	CF_WANT_WRITABLE = 1u << 10,
	CF_ACK_NOW = 1u << 11,    /* send an ACK at the end of the burst */
	CF_RTT_TIMING = 1u << 12, /* timing rtt_seq (no timestamps) */
	CF_PEER_FIN = 1u << 13,   /* peer's FIN received */
	CF_IN_TABLE = 1u << 14,
	CF_FIN_ACKED = 1u << 15,  /* our FIN is acknowledged */
	CF_RECOVERY = 1u << 16,   /* in fast recovery (NewReno or SACK) */
	CF_NAGLE = 1u << 17,      /* Nagle's algorithm on (RFC 1122 4.2.3.4) */
	CF_RCV_MANUAL = 1u << 18, /* app releases window: tern_tcp_recv_done */
	CF_OOO_FIN = 1u << 19,    /* a FIN waits in the reassembly queue */
	CF_PERSIST = 1u << 20,    /* the rtx timer is probing a zero window */
	CF_ZERO_WND = 1u << 21,   /* the last window we sent was 0 */
	CF_AFTER_RTO = 1u << 22,  /* go-back-N after an RTO until SND.UNA
				     passes recover (RFC 6582 3.2 step 1) */
	CF_TLP_SENT = 1u << 23,   /* a tail loss probe awaits its ACK */
	CF_OPEN_PENDING = 1u << 24, /* shut down in SYN_RCVD: our SYN is not
				       acknowledged yet, the app was not told
				       connected() */
	CF_SYN_ACKED = 1u << 25,  /* our SYN is acknowledged. Not SND.UNA ==
				     ISS: that is true again after every
				     2^32 bytes sent */
};

/* What the app is told after the state-machine step (habit 9). */
enum tcp_notify {
	N_ESTAB = 1u << 0,
	N_DATA = 1u << 1,
	N_PEER_FIN = 1u << 2,
	N_WRITABLE = 1u << 3,
};

struct tern_conn {
	struct tern_hnode node;        /* key: 4-tuple; in tcp->conns */
	uint8_t state;                 /* only tcp_set_state() writes it */
	uint8_t close_reason;          /* enum tern_tcp_close_reason */
	uint8_t notify;                /* enum tcp_notify bits */
	uint8_t busy;                  /* inside a callback of this conn */
	uint32_t flags;                /* enum tcp_conn_flag */
	uint32_t id;                   /* per lcore, from 1, for shells */
	struct tern_ctx *ctx;
	const struct tern_tcp_ops *ops;
	void *user;
	struct tern_listener *listener; /* until accepted */

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint16_t mss;                  /* payload per segment we send */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;               /* duplicate ACKs in a row */
	uint32_t recover;              /* RFC 6582: snd_max at loss */
	uint32_t rxt_next;             /* SACK recovery: holes resent below */
	struct tcp_cc cc;
	struct tcp_scoreboard sb;      /* what the peer SACKed */
	uint32_t prior_cwnd, prior_ssthresh; /* undone by a spurious RTO */
	uint32_t rto_tsval;            /* our TSval when the RTO fired */

	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised */
	uint32_t rcv_held;             /* delivered, not yet released
					  (CF_RCV_MANUAL) */
	uint32_t ooo_fin_seq;          /* sequence of a queued FIN */
	struct tcp_reass *reass;       /* out-of-order queue, when used */
	uint32_t last_ack_sent;        /* RFC 7323 Last.ACK.sent */
	uint32_t ts_recent, ts_offset;
	uint8_t segs_unacked;          /* full-sized segments not yet ACKed */
	uint8_t backoff;               /* RTO doublings in a row */
	uint8_t retries;               /* retransmissions of the same data */
	uint8_t chal_count;            /* challenge ACKs in this second */
	uint32_t chal_second;          /* now in s when chal_count started */

	/* round-trip time (RFC 6298) */
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint32_t rtt_seq;              /* timed segment (no timestamps) */
	uint64_t rtt_start_ns;

	/* the send queue: bytes from snd_una on, in one mbuf chain whose
	 * head keeps nb_segs and pkt_len (rte_mbuf_check() holds) */
	struct rte_mbuf *sq_head, *sq_tail;
	uint32_t sq_bytes;             /* bytes in the queue (= pkt_len) */
	uint32_t retrans_total;

	/* data received in order, handed to the app after the step */
	struct rte_mbuf *rx_pending;

	/* one wheel timer at the earliest of these deadlines (0: unset) */
	struct tern_timer timer;
	uint64_t rtx_deadline_ns;      /* SYN, SYN+ACK, data, FIN, probe */
	uint64_t delack_deadline_ns;
	uint64_t fw2_deadline_ns;
	uint64_t ka_deadline_ns;       /* next keepalive check */
	uint64_t tlp_deadline_ns;      /* tail loss probe (RFC 8985 7) */
	uint64_t last_rx_ns;           /* for keepalive idleness */
	uint64_t persist_start_ns;     /* first zero-window probe */
	uint32_t ka_idle_ms, ka_intvl_ms;
	uint8_t ka_cnt, ka_probes;

	TAILQ_ENTRY(tern_conn) work;   /* output / ACK / writable pending */
	TAILQ_ENTRY(tern_conn) sibling;/* listener's half-open children */
};

TAILQ_HEAD(tcp_conn_list, tern_conn);

struct tern_listener {
	struct tern_listener *next;
	struct tern_ctx *ctx;
	uint16_t port;               /* host order */
	uint32_t backlog;
	uint32_t n_synrcvd;
	const struct tern_tcp_ops *ops;
	void *user;
	struct tcp_conn_list children; /* not yet accepted */
};

/*
 * The compact TIME_WAIT record (docs/tcp.md, "TIME_WAIT"): 64 bytes. The full
 * record and its buffers are gone; this answers retransmitted FINs and
 * decides on SYN reuse. Records sit in a FIFO ordered by expiry (all
 * live 2*MSL; a restart moves one to the tail), so expiry and oldest-
 * first recycling are both O(1) at the head and one wheel timer serves
 * them all.
 */
struct tcp_tw {
	struct tern_hnode node;        /* 24 bytes */
	TAILQ_ENTRY(tcp_tw) fifo;      /* 16 */
	uint32_t snd_nxt, rcv_nxt;
	uint32_t ts_recent, ts_offset;
	uint32_t expire_ms;            /* ctx time in ms, truncated */
	uint8_t ts_ok;
	uint8_t rcv_wscale;
	uint16_t pad;
};

TAILQ_HEAD(tcp_tw_list, tcp_tw);

/* May an active open take a TIME_WAIT record's 4-tuple? */
enum tcp_tw_reuse {
	TCP_TW_REUSE_NEVER,  /* unsafe (no timestamps) or reuse off */
	TCP_TW_REUSE_LATER,  /* once the record is old enough */
	TCP_TW_REUSE_NOW,
};

/*
 * The last destination (laddr, faddr, fport) for which every ephemeral
 * port was taken (tcp_pick_port): until one of its 4-tuples is freed
 * (tcp_port_freed() clears valid) or a TIME_WAIT becomes reusable
 * (retry_ms), connects to it fail at once instead of scanning the whole
 * range again.
 */
struct tcp_port_memo {
	rte_be32_t laddr, faddr;
	rte_be16_t fport;
	bool valid;
	uint32_t retry_ms;
};

/* Per-lcore TCP state, hung off ctx->tcp. */
struct tern_tcp {
	struct tern_tcp_conf conf;
	struct tern_ctable conns;      /* full connection records */
	struct tern_ctable tws;        /* TIME_WAIT records */
	struct rte_mempool *conn_pool;
	struct rte_mempool *tw_pool;
	struct rte_mempool *reass_pool;
	struct tern_wheel wheel;
	struct tern_timer tw_timer;    /* head of tw_fifo */
	struct tcp_tw_list tw_fifo;
	struct tcp_conn_list work;     /* conns with output pending */
	struct tern_listener *listeners;
	struct tcp_isn_secret isn_secret;
	/* Per source address (0: ifc.ip, i: ifc.extra_ip[i - 1]): the
	 * rotor of tcp_pick_port() and its memory of a full destination. */
	uint16_t next_eph_port[TCP_NB_SRC_MAX];
	struct tcp_port_memo no_port[TCP_NB_SRC_MAX];
	uint8_t src_next;              /* source address of the next connect */
	uint16_t our_mss;              /* from the MTU, or conf.mss */
	uint32_t state_count[TERN_TCP_NSTATES];
	uint64_t fsm_hits[TCP_FSM_NROWS];
	uint32_t tw_iss_hint;          /* ISS floor for a SYN reusing a TIME_WAIT */
	uint32_t next_conn_id;         /* last struct tern_conn id given */
	bool stop_accepting;           /* tern_tcp_stop_accepting() */
};

/* Has the peer acknowledged our SYN? */
static inline bool
tcp_syn_acked(const struct tern_conn *c)
{
	return (c->flags & CF_SYN_ACKED) != 0;
}

static inline struct tern_tcp *
tcp_of(const struct tern_ctx *ctx)
{
	return ctx->tcp;
}

/*
 * Free the first segment of chain @p m and return the rest as a chain
 * of its own, its new head carrying the chain's nb_segs and pkt_len.
 */
static inline struct rte_mbuf *
tcp_mbuf_free_head(struct rte_mbuf *m)
{
	struct rte_mbuf *next = m->next;

	if (next != NULL) {
		next->pkt_len = m->pkt_len - m->data_len;
		next->nb_segs = (uint16_t)(m->nb_segs - 1);
	}
	m->next = NULL;
	m->nb_segs = 1;
	m->pkt_len = m->data_len;
	rte_pktmbuf_free(m);
	return next;
}

static inline uint32_t
tcp_now_ms(const struct tern_ctx *ctx)
{
	return (uint32_t)(ctx->now_ns / NS_PER_MS);
}

/* tcp_api.c */
/* @p key left both tables: a port scan to its destination may find it. */
void tcp_port_freed(struct tern_tcp *tcp, const struct tern_flow_key *key);

/* tcp_fsm.c */
const struct tcp_fsm_cell *tcp_fsm_cell(struct tern_ctx *ctx, uint8_t state,
					enum tcp_event ev);
void tcp_set_state(struct tern_ctx *ctx, struct tern_conn *c, uint8_t next);
int tcp_fsm_step(struct tern_ctx *ctx, struct tern_conn *c,
		 enum tcp_event ev, const struct tcp_seg *seg);
const char *tcp_event_name(enum tcp_event ev);

/* tcp_conn.c */
struct tern_conn *tcp_conn_alloc(struct tern_ctx *ctx,
				 const struct tern_flow_key *key,
				 uint32_t hash);
void tcp_conn_settle(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_conn_init_seq(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_conn_work(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_conn_learn_opts(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg);
uint32_t tcp_flow_hash(const struct tern_ctx *ctx,
		       const struct tern_flow_key *key);
void tcp_sq_free(struct tern_conn *c);
void tcp_rx_free(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_notify_closed(struct tern_conn *c);
void tcp_conn_destroy(struct tern_ctx *ctx, struct tern_conn *c);

/* tcp_output.c */
void tcp_send_syn(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_send_ack(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_send_rst(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_reply_rst(struct tern_ctx *ctx, const struct tcp_seg *seg);
void tcp_send_challenge_ack(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_output(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_retransmit(struct tern_ctx *ctx, struct tern_conn *c);
int tcp_send_at(struct tern_ctx *ctx, struct tern_conn *c, uint32_t seq,
		uint32_t len);
void tcp_send_probe(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_emit_tw_ack(struct tern_ctx *ctx, const struct tcp_tw *tw);
void tcp_send_cookie_synack(struct tern_ctx *ctx, const struct tcp_seg *seg,
			    uint32_t iss, uint16_t mss);
uint32_t tcp_rcv_wnd(const struct tern_conn *c);

/* tcp_timers.c */
void tcp_timer_update(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_rtx_arm(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_rtt_sample(struct tern_conn *c, uint32_t rtt_us,
		    const struct tern_tcp_conf *conf);
void tcp_timers_run(struct tern_ctx *ctx);
void tcp_tlp_arm(struct tern_ctx *ctx, struct tern_conn *c);

/* tcp_timewait.c */
int tcp_tw_enter(struct tern_ctx *ctx, struct tern_conn *c);
/* The TIME_WAIT record of this 4-tuple, or NULL (also when max_tw 0). */
struct tcp_tw *tcp_tw_lookup(const struct tern_tcp *tcp,
			     const struct tern_flow_key *key, uint32_t hash);
void tcp_tw_input(struct tern_ctx *ctx, struct tcp_tw *tw,
		  struct tcp_seg *seg);
void tcp_tw_expire(struct tern_ctx *ctx);
void tcp_tw_free_all(struct tern_ctx *ctx);
void tcp_tw_rearm(struct tern_ctx *ctx);
enum tcp_tw_reuse tcp_tw_reusable(const struct tern_ctx *ctx,
				  const struct tcp_tw *tw, uint32_t *at_ms);
int tcp_tw_take(struct tern_ctx *ctx, struct tcp_tw *tw);

/* tcp_recovery.c */
void tcp_recovery_on_ack(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg, uint32_t acked,
			 bool dup);
void tcp_recovery_on_rto(struct tern_ctx *ctx, struct tern_conn *c);
uint32_t tcp_pipe(const struct tern_conn *c);
void tcp_sack_retransmit(struct tern_ctx *ctx, struct tern_conn *c);

/* tcp_input.c */
void tcp_flush_work(struct tern_ctx *ctx);
void tcp_input_listen(struct tern_ctx *ctx, struct tern_listener *l,
		      struct tcp_seg *seg);

#endif /* TCP_PRIV_H */
