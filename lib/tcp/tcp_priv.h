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
#include "tcp_rack.h"
#include "tcp_cc.h"
#include "tcp_syncookie.h"
#include "tcp_peer6.h"
#include "tcp_tmpl.h"

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
/* ... and after them our IPv6 addresses (link-local, global). */
#define TCP_NB_SRC_ALL (TCP_NB_SRC_MAX + 2)
/* ACK at least every second full-sized segment (RFC 9293 3.8.6.3). */
#define TCP_DELACK_SEGS 2

/* ---- the state table ---- */

/* The events, from tcp_events.def. */
enum tcp_event {
#define TCP_EVENT(id, what) TCP_EV_##id,
#include "tcp_events.def"
#undef TCP_EVENT
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
	A_CLOSE_UNREACH = 1u << 19,
	A_RCV_CLOSED = 1u << 20,
};

/* One index per table row, for the hit counters. */
enum tcp_fsm_row {
#define TCP_FSM(from, ev, act, to, rfc) TCP_ROW_##from##__##ev,
#include "tcp_fsm.def"
#undef TCP_FSM
	TCP_FSM_NROWS
};

/* Per-state properties: the PROPS column of tcp_states.def. */
enum tcp_state_prop {
	SP_RECEIVES = 1u << 0,
	SP_SENDS = 1u << 1,
	SP_APP_SENDS = 1u << 2,
	SP_KEEPALIVE = 1u << 3,
	SP_TLP = 1u << 4,
	SP_HALF_OPEN = 1u << 5,
	SP_ENDED = 1u << 6,
	SP_LEAVES = 1u << 7,
};

extern const uint8_t tcp_state_props[TERN_TCP_NSTATES];

static inline bool
tcp_state_has(uint8_t state, enum tcp_state_prop prop)
{
	return (tcp_state_props[state] & prop) != 0;
}

/* ---- a parsed, validated segment (habit 1: parse once) ---- */

struct tcp_seg {
	struct rte_mbuf *m;        /* data at the TCP header */
	union {   /* key from our side; kh: the lookup's (tern_ctable.h) */
		struct tern_flow_kh kh;
		struct { struct tern_flow_key key; uint32_t hash; };
	};
	uint32_t seq, ack;
	uint32_t len;              /* payload bytes */
	uint32_t wnd;              /* raw 16-bit window */
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
	CF_FREE = 1u << 26,       /* A_FREE: release silently after the step */
	/* Owed to the output pass (tcp_flush_work), which builds them: */
	CF_SYN_OWED = 1u << 27,   /* our SYN or SYN+ACK, first or again */
	CF_PROBE_OWED = 1u << 28, /* a zero-window or keepalive probe */
	CF_TLP_OWED = 1u << 29,   /* a tail loss probe */
	CF_TIMER_MOVE = 1u << 30, /* a deadline came before the wheel entry:
				     it moves at the end of the output pass
				     (tcp_timer_deadline_set) */
	CF_CLOSE_ON_FIN = 1u << 31, /* tern_tcp_set_close_on_fin() */
};

/* What the app is told after the state-machine step (habit 9). */
enum tcp_notify {
	N_ESTAB = 1u << 0,
	N_DATA = 1u << 1,
	N_PEER_FIN = 1u << 2,
	N_WRITABLE = 1u << 3,
};

/* The first five cache lines hold every field an established segment's
 * fast path reads or writes, either way (with many connections each line
 * it touches is a miss); the rest serves handshakes, losses and timers
 * (a timer's move, tcp_earliest_deadline(), also reads the cold
 * deadlines: a move is rarer than a segment). */
struct tern_conn {
	struct tern_hnode node;        /* key: 4-tuple; in tcp->conns */
	uint8_t state;                 /* only tcp_fsm.c writes it */
	uint8_t close_reason;          /* enum tern_tcp_close_reason */
	uint8_t notify;                /* enum tcp_notify bits */
	uint8_t busy;                  /* inside a callback of this conn */
	uint32_t flags;                /* enum tcp_conn_flag */
	struct tern_ctx *ctx;
	const struct tern_tcp_ops *ops;
	void *user;
	/* data received in order, handed to the app after the step */
	struct rte_mbuf *rx_pending;

	/* send sequence space (RFC 9293 3.3.1; iss below) */
	uint32_t snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_sndwnd;
	uint16_t mss;                  /* payload per segment we send */
	/* RFC 7323 shifts (<= 14): nibbles, room for sq_lent_at */
	uint8_t snd_wscale : 4, rcv_wscale : 4;
	uint8_t dupacks;               /* duplicate ACKs in a row */
	uint8_t icmp_type, icmp_code;  /* last soft ICMP error (tcp_icmp.c) */
	uint16_t sq_lent_at;           /* 0, or the send queue's head is lent:
					  its bytes start this far into its
					  buffer (see below) */
	uint32_t rxt_next;             /* SACK recovery: holes resent below */
	/* receive sequence space (irs below) */
	uint32_t rcv_nxt, rcv_adv;     /* rcv_adv: right edge advertised */
	uint32_t last_ack_sent;        /* RFC 7323 Last.ACK.sent */
	uint32_t ts_recent, ts_offset;
	uint32_t segs_in;              /* segments received (TCP_INFO) */
	struct tcp_reass *reass;       /* out-of-order queue, when used */

	/* the send queue: bytes from snd_una on, in one mbuf chain whose
	 * head keeps nb_segs and pkt_len (rte_mbuf_check() holds). Segments
	 * copy from it but one: the output pass's usual segment sends a
	 * queue of one mbuf as that mbuf, a second reference taken
	 * (tcp_sq_lend()). Until the ACK frees our reference the head is
	 * lent (sq_lent_at): its fields are the frame's holder's, its bytes
	 * ours, read only; tcp_sq_unlend() takes it back (tcp_sq.h). */
	struct rte_mbuf *sq_head, *sq_tail;
	uint32_t sq_bytes;             /* bytes in the queue (= pkt_len) */
	uint32_t rcv_held;             /* delivered, held (CF_RCV_MANUAL) */
	uint32_t dsack_start, dsack_end; /* D-SACK block owed; equal: none */
	uint8_t segs_unacked;          /* full-sized segments not yet ACKed */
	uint8_t backoff;               /* RTO doublings in a row */
	uint8_t retries;               /* retransmissions of the same data */
	uint8_t chal_count;            /* challenge ACKs in this second */
	/* round-trip time (RFC 6298): every RTT sample updates all three */
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint32_t segs_out;             /* segments sent (TCP_INFO; TSO: each) */
	uint8_t ka_cnt, ka_probes;
	uint16_t pmtu;                 /* RFC 1191 path MTU; 0: none learned */

	/* one wheel timer at the earliest deadline set (0: unset; more below) */
	struct tern_timer timer;
	uint64_t rtx_deadline_ns;      /* SYN, SYN+ACK, data, FIN, probe */
	uint64_t delack_deadline_ns;
	uint64_t tlp_deadline_ns;      /* tail loss probe (RFC 8985 7); in
					  SACK recovery RACK's reordering
					  timer (RFC 8985 6.2): one slot, as
					  Linux's loss-probe/REO timer */
	uint64_t last_rx_ns;           /* for keepalive idleness */
	union {
		/* Without timestamps: when rtt_seq left (CF_RTT_TIMING). */
		uint64_t rtt_start_ns;
		/* With them: the TSecr and our TS clock of the last RTT
		 * sample; the same pair again is the same sample. */
		struct {
			uint32_t rtt_tsecr;
			uint32_t rtt_ts_now;
		};
	};

	TAILQ_ENTRY(tern_conn) work;   /* output / ACK / writable pending */
	struct tcp_cc cc;
	struct tcp_scoreboard sb;      /* what the peer SACKed: n per ACK */
	/* cold from sb.r on */
	struct tern_listener *listener; /* until accepted */
	uint64_t fw2_deadline_ns;
	uint64_t ka_deadline_ns;       /* next keepalive check */
	uint64_t persist_start_ns;     /* first zero-window probe */
	TAILQ_ENTRY(tern_conn) sibling;/* listener's half-open children */
	uint32_t id;                   /* per lcore, from 1, for shells */
	uint32_t rack_xmit_us;         /* RACK: the latest retransmission
					  left (tcp_rack.h) ... */
	uint32_t rack_snd_max;         /* ... with SND.MAX at this */
	uint32_t iss, irs, recover;    /* recover: RFC 6582 snd_max at loss */
	uint32_t ooo_fin_seq;          /* sequence of a queued FIN */
	uint32_t prior_cwnd;           /* undone by a spurious RTO */
	uint32_t rtt_seq;              /* timed segment (no timestamps) */
	uint32_t prior_ssthresh;
	uint32_t rto_tsval;            /* our TSval when the RTO fired */
	/* Undo of a loss episode proved needless by D-SACK (RFC 2883,
	 * RFC 3708): the window before it (undo_cwnd 0: none to undo),
	 * the bytes it resent that no D-SACK reported duplicate yet, and
	 * the range they lie in. */
	uint32_t undo_cwnd, undo_ssthresh, undo_bytes, undo_marker, undo_high;
	uint32_t chal_second;          /* now in s when chal_count started */
	uint32_t retrans_total;
	uint32_t ka_idle_ms, ka_intvl_ms;
};

/* Eight cache lines: the record pool's element (tcp_api.c); a field
 * more goes into a hole (pahole, gdb's ptype /o) or costs a line. */
_Static_assert(sizeof(struct tern_conn) <= 512,
	       "struct tern_conn outgrew its 512 bytes");
#define TCP_CONN_HOT_LINES 5      /* the fast path's part of the record */
_Static_assert(offsetof(struct tern_conn, sb.r) <= TCP_CONN_HOT_LINES * 64,
	       "a fast-path field of struct tern_conn left its first lines");

/* The record pool's element: a record and its template. */
#define TCP_CONN_ELT_SIZE (sizeof(struct tern_conn) + sizeof(struct tcp_tmpl))

static inline struct tcp_tmpl *
tcp_tmpl_of(struct tern_conn *c)
{
	return (struct tcp_tmpl *)(void *)(c + 1);
}

TAILQ_HEAD(tcp_conn_list, tern_conn);

struct tern_listener {
	struct tern_listener *next;
	struct tern_ctx *ctx;
	uint8_t state;               /* CLOSED or LISTEN; tcp_fsm.c writes it */
	uint16_t port;               /* host order */
	uint32_t backlog;
	uint32_t n_synrcvd;
	bool syn_paused;             /* tern_tcp_listen_pause(): drop SYNs */
	bool no_v4, no_v6;           /* tern_tcp_listen_families(): refused */
	uint32_t child_flags;        /* CF_CLOSE_ON_FIN: a child's promise */
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

/* Free connection records an lcore keeps out of its pool. */
#define TCP_CONN_STASH 16
/* Free TIME_WAIT records kept out of their pool (tcp_timewait.c). */
#define TCP_TW_STASH 32

/* Per-lcore TCP state, hung off ctx->tcp. */
struct tern_tcp {
	struct tern_tcp_conf conf;
	struct tern_ctable conns;      /* full connection records */
	struct tern_ctable tws;        /* TIME_WAIT records */
	struct rte_mempool *conn_pool;
	struct rte_mempool *tw_pool;
	struct rte_mempool *reass_pool;
	/* Connection records freed last, taken first (tcp_conn.c): a get
	 * or put through the pool's ring ops costs some 50 instructions. */
	uint32_t conn_stash_n;
	struct tern_conn *conn_stash[TCP_CONN_STASH];
	uint32_t tw_stash_n;
	struct tcp_tw *tw_stash[TCP_TW_STASH];
	struct tern_wheel wheel;
	struct tern_timer tw_timer;    /* head of tw_fifo */
	struct tern_timer_queue syn_rtx; /* first SYNs' RTOs (tcp_timers.c) */
	struct tcp_tw_list tw_fifo;
	struct tcp_conn_list work;     /* conns with output pending */
	/* the conn tcp_output() serves; NULL outside tcp_flush_work() */
	struct tern_conn *in_output;
	struct tern_listener *listeners;
	struct tcp_isn_secret isn_secret;
	/* Per source address (0: ifc.ip, i: ifc.extra_ip[i - 1]): the
	 * rotor of tcp_pick_port() and its memory of a full destination. */
	uint16_t next_eph_port[TCP_NB_SRC_ALL];
	struct tcp_port_memo no_port[TCP_NB_SRC_ALL];
	uint32_t no_port_valid;        /* bit i: no_port[i].valid */
	uint8_t src_next;              /* source address of the next connect */
	uint16_t our_mss;              /* from the MTU, or conf.mss */
	uint32_t state_count[TERN_TCP_NSTATES];
	uint64_t fsm_hits[TCP_FSM_NROWS];
	/* tern.tcp.fsm at DEBUG, as of this lcore's last output pass
	 * (tcp_fsm_log_refresh): one rte_log_can_log() call per step
	 * instead of one per state change. */
	bool log_fsm;
	/* receiver SWS avoidance: min(rcv_buf / 2, our MSS), set once */
	uint32_t rcv_wnd_step;
	/* the window scale we offer (0 without window_scale), set once */
	uint8_t rcv_wscale;
	uint32_t next_conn_id;         /* last struct tern_conn id given */
	/* RFC 5961 challenge ACKs of all connections in chal_second, and
	 * that second's budget (tcp_send_challenge_ack) */
	uint32_t chal_second, chal_count, chal_budget;
	bool stop_accepting;           /* tern_tcp_stop_accepting() */
	/* IPv6 peers of the flows (tcp_input6.c); cap 0: IPv6 off */
	struct tcp_peers6 peers6;
	uint16_t our_mss6;             /* the IPv6 MTU less 60, >= 1220 */
	uint32_t next_flow_label;      /* RFC 6437 labels of active opens */
	/* The IPv4 header template built last (tcp_tmpl.c): the next
	 * connection between the same addresses starts from a copy. */
	struct tcp_tmpl tmpl_last;
};

/*
 * IPv6 flows in the IPv4 key (docs/ipv6.md, "TCP over IPv6"): laddr is
 * 255.255.255.<slot of our address>, which no IPv4 flow can have (a
 * broadcast source), faddr the peer's index in tcp->peers6.
 */
#define TCP_KEY6_LADDR_BASE 0xffffff00u

static inline bool
tcp_key_is6(const struct tern_flow_key *key)
{
	return (key->laddr & RTE_BE32(TCP_KEY6_LADDR_BASE)) ==
	       RTE_BE32(TCP_KEY6_LADDR_BASE);
}

static inline rte_be32_t
tcp_key6_laddr(unsigned int slot)
{
	return rte_cpu_to_be_32(TCP_KEY6_LADDR_BASE | slot);
}

static inline unsigned int
tcp_key6_slot(const struct tern_flow_key *key)
{
	return rte_be_to_cpu_32(key->laddr) & 0xffu;
}

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

/* Queue @p c for the output pass at the end of this burst or timer run
 * (hot: every step that owes output calls it). */
static inline void
tcp_conn_work(struct tern_ctx *ctx, struct tern_conn *c)
{
	if (c->flags & CF_ON_WORK)
		return;
	c->flags |= CF_ON_WORK;
	TAILQ_INSERT_TAIL(&tcp_of(ctx)->work, c, work);
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

/* The step's time in ms (the timestamp clock's tick), converted once per
 * step by tern_ctx_set_now(). */
static inline uint32_t
tcp_now_ms(const struct tern_ctx *ctx)
{
	return ctx->now_ms;
}

/* ---- the receive window (used by input and output alike) ---- */

/*
 * Receive buffer space: rcv_buf less what waits for reassembly and, in
 * manual mode, what the app holds.
 */
static inline uint32_t
tcp_rcv_space(const struct tern_conn *c)
{
	uint32_t buf = tcp_of(c->ctx)->conf.rcv_buf;
	uint32_t used = c->rcv_held + (c->reass != NULL ? c->reass->bytes : 0);

	return used >= buf ? 0 : buf - used;
}

/*
 * The window we advertise, in bytes. Its right edge never moves left
 * (RFC 9293 3.8.6.2.2), and it moves right only by a worthwhile step --
 * min(rcv_buf / 2, one MSS) -- so a slow reader does not invite silly
 * small segments (receiver SWS avoidance).
 */
static inline uint32_t
tcp_rcv_wnd(const struct tern_conn *c)
{
	uint32_t max = (uint32_t)UINT16_MAX << c->rcv_wscale;
	uint32_t space = RTE_MIN(tcp_rcv_space(c), max);
	uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt
						       : 0;
	uint32_t step = tcp_of(c->ctx)->rcv_wnd_step;

	if (space <= cur || space - cur < step)
		return cur;
	return space;
}

/*
 * The IPv6 flow label of @p c (RFC 6437 3): a keyed mix of its ISS,
 * which is itself a keyed hash of the tuple (RFC 6528): the same for
 * every segment of the connection, different across connections, and
 * no room in the 512-byte record.
 */
static inline uint32_t
tcp_conn_flow_label(const struct tern_tcp *tcp, const struct tern_conn *c)
{
	uint32_t label = ((c->iss ^ (uint32_t)tcp->isn_secret.k1) *
			  UINT32_C(0x9e3779b1)) >> 12;

	return label != 0 ? label : 1;
}

/* Our MSS for the family of @p key (the SYN's option, the ceiling). */
static inline uint16_t
tcp_our_mss(const struct tern_tcp *tcp, const struct tern_flow_key *key)
{
	return unlikely(tcp_key_is6(key)) ? tcp->our_mss6 : tcp->our_mss;
}

/*
 * Do @p len bytes from RCV.NXT fit the receive window? Within what we
 * advertised they do (its right edge never moves left, so
 * tcp_rcv_wnd() is at least that): only data beyond it needs the window
 * worked out.
 */
static inline bool
tcp_rcv_wnd_fits(const struct tern_conn *c, uint32_t len)
{
	return seq_leq(c->rcv_nxt + len, c->rcv_adv) || len <= tcp_rcv_wnd(c);
}

/* tcp_api.c: an active open's connection, just allocated, handed to the
 * app (*out) and its SYN on its way; both families' connect calls. */
void tcp_connect_start(struct tern_ctx *ctx, struct tern_conn *c,
		       const struct tern_tcp_ops *ops, void *user,
		       uint32_t iss_floor, struct tern_conn **out);

/* tcp_ports.c: local addresses and ports of active opens */
/* @p key left both tables: a port scan to its destination may find it. */
void tcp_port_freed(struct tern_tcp *tcp, const struct tern_flow_key *key);
int tcp_pick_src(struct tern_ctx *ctx, struct tern_flow_key *key,
		 uint32_t *hash, uint32_t *iss_floor);

/* tcp_fsm.c: the only writer of states, state counts and row counts */
int tcp_fsm_step(struct tern_ctx *ctx, struct tern_conn *c,
		 enum tcp_event ev, const struct tcp_seg *seg);
int tcp_fsm_step_user(struct tern_ctx *ctx, struct tern_conn *c,
		      enum tcp_event ev);
/* @p n segments took the fast path: its row counted once per burst. */
void tcp_fsm_count_fast(struct tern_ctx *ctx, uint32_t n);
int tcp_fsm_step_listener(struct tern_ctx *ctx, struct tern_listener *l,
			  enum tcp_event ev, const struct tcp_seg *seg);
int tcp_fsm_step_tw(struct tern_ctx *ctx, struct tcp_tw *tw,
		    enum tcp_event ev, const struct tcp_seg *seg);
int tcp_fsm_step_closed(struct tern_ctx *ctx, enum tcp_event ev,
			const struct tcp_seg *seg);
void tcp_fsm_log_refresh(struct tern_ctx *ctx);
void tcp_fsm_conn_born(struct tern_ctx *ctx, struct tern_conn *c,
		       uint8_t state);
void tcp_fsm_conn_gone(struct tern_ctx *ctx, const struct tern_conn *c);
void tcp_fsm_tw_gone(struct tern_ctx *ctx);
const char *tcp_event_name(enum tcp_event ev);

/* tcp_conn.c */
void tcp_conn_stash_drain(struct tern_tcp *tcp);
struct tern_conn *tcp_conn_alloc(struct tern_ctx *ctx,
				 const struct tern_flow_key *key,
				 uint32_t hash, uint8_t state);
void tcp_conn_settle(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_conn_abort(struct tern_ctx *ctx, struct tern_conn *c);
uint32_t tcp_flow_hash(const struct tern_ctx *ctx,
		       const struct tern_flow_key *key);
void tcp_sq_free(struct tern_conn *c);
void tcp_rx_free(struct tern_ctx *ctx, struct tern_conn *c);

/* tcp_sq.c: tcp_sq.h */

/* tcp_output.c */
void tcp_owe_syn(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_send_ack(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_send_rst(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_reply_rst(struct tern_ctx *ctx, const struct tcp_seg *seg);
void tcp_send_challenge_ack(struct tern_ctx *ctx, struct tern_conn *c);
int tcp_send_at(struct tern_ctx *ctx, struct tern_conn *c, uint32_t seq,
		uint32_t len);
void tcp_owe_probe(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_owe_tlp(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_flush_work(struct tern_ctx *ctx);
void tcp_emit_tw_ack(struct tern_ctx *ctx, const struct tcp_tw *tw);
void tcp_send_cookie_synack(struct tern_ctx *ctx, const struct tcp_seg *seg);

/* tcp_timers.c */
void tcp_timer_update(struct tern_ctx *ctx, struct tern_conn *c);

/*
 * One deadline of @p c was just set to @p deadline_ns. The wheel entry
 * is never later than the earliest deadline (tcp_timer_update()), so
 * an entry due by this one is due by the new earliest too: nothing to
 * recompute in the common case (a later RTO, a delayed ACK). An entry
 * due after it moves, but once per output pass, to the earliest
 * deadline left then (tcp_flush_work()): a segment that sets the
 * delayed ACK and the reply that sets the RTO and the probe timeout --
 * each earlier than the last -- move it once, not three times, and a
 * delayed ACK the reply carried does not move it at all. Until then
 * the work list is not empty, so the lcore runs again at once
 * (tern_tcp_next_deadline_ns()): the entry is never late.
 */
static inline void
tcp_timer_deadline_set(struct tern_ctx *ctx, struct tern_conn *c,
		       uint64_t deadline_ns)
{
	struct tern_tcp *tcp = tcp_of(ctx);

	if (tern_timer_due_by(&tcp->wheel, &c->timer, deadline_ns))
		return;
	c->flags |= CF_TIMER_MOVE;
	/* The connection being served is seen to right after. */
	if (c != tcp->in_output)
		tcp_conn_work(ctx, c);
}
void tcp_rtx_arm(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_syn_rtx_arm(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_retransmit(struct tern_ctx *ctx, struct tern_conn *c);
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
void tcp_tw_stash_drain(struct tern_tcp *tcp);
void tcp_tw_rearm(struct tern_ctx *ctx);
void tcp_tw_release(struct tern_ctx *ctx, struct tcp_tw *tw);
void tcp_tw_restart(struct tern_ctx *ctx, struct tcp_tw *tw);
enum tcp_tw_reuse tcp_tw_reusable(const struct tern_ctx *ctx,
				  const struct tcp_tw *tw, uint32_t *at_ms);
int tcp_tw_take(struct tern_ctx *ctx, struct tcp_tw *tw, uint32_t *iss_floor);

/* tcp_recovery.c */
void tcp_recovery_on_ack(struct tern_ctx *ctx, struct tern_conn *c,
			 const struct tcp_seg *seg, uint32_t acked,
			 bool dup);
void tcp_recovery_on_rto(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_recovery_on_pmtu(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_recovery_on_retransmit(struct tern_ctx *ctx, struct tern_conn *c,
				uint32_t seq, uint32_t len);
void tcp_recovery_on_dsack(struct tern_ctx *ctx, struct tern_conn *c,
			   uint32_t start, uint32_t end);
void tcp_rack_timer(struct tern_ctx *ctx, struct tern_conn *c);
void tcp_dsack_note(struct tern_ctx *ctx, struct tern_conn *c,
		    uint32_t start, uint32_t end, tern_stat_t why);
uint32_t tcp_pipe_sack_recovery(const struct tern_conn *c);

/*
 * RFC 6675 "pipe": bytes believed in the network. Outside SACK recovery
 * (every segment of the fast path) that is everything sent and not
 * acknowledged; the rest is tcp_recovery.c's.
 */
static inline uint32_t
tcp_pipe(const struct tern_conn *c)
{
	if (likely(!(c->flags & CF_RECOVERY) || !(c->flags & CF_SACK_OK) ||
		   c->sb.n == 0))
		return c->snd_nxt - c->snd_una;
	return tcp_pipe_sack_recovery(c);
}

/*
 * An ACK of @p acked new bytes (tcp_ack_advance()). Outside recovery
 * and after an RTO's aftermath it only grows cwnd: that case skips the
 * call into tcp_recovery.c.
 */
static inline void
tcp_recovery_on_new_ack(struct tern_ctx *ctx, struct tern_conn *c,
			const struct tcp_seg *seg, uint32_t acked)
{
	if (likely(!(c->flags & (CF_RECOVERY | CF_AFTER_RTO)))) {
		c->dupacks = 0;
		tcp_cc_on_ack(&c->cc, acked, ctx->now_ns, c->srtt_us);
		return;
	}
	tcp_recovery_on_ack(ctx, c, seg, acked, false);
}
uint32_t tcp_lost_bytes(const struct tern_conn *c);
void tcp_sack_retransmit(struct tern_ctx *ctx, struct tern_conn *c);

/* tcp_input.c: parse, demultiplex, the ordered checks per state */
/* True when @p seg took the header-prediction fast path: its caller
 * counts the row (tcp_fsm_count_fast()). */
bool tcp_input_conn(struct tern_ctx *ctx, struct tern_conn *c,
		    struct tcp_seg *seg);

/* tcp_input_listen.c: listeners and half-open records */
void tcp_input_listen(struct tern_ctx *ctx, struct tern_listener *l,
		      struct tcp_seg *seg, uint32_t iss_floor);

/* The listener on local port @p port (network order), or NULL. */
static inline struct tern_listener *
tcp_find_listener(const struct tern_tcp *tcp, rte_be16_t port)
{
	struct tern_listener *l;

	/* A graceful stop: listeners answer as if closed (RST). */
	if (unlikely(tcp->stop_accepting))
		return NULL;
	for (l = tcp->listeners; l != NULL; l = l->next)
		if (rte_cpu_to_be_16(l->port) == port)
			return l;
	return NULL;
}

/* Whether @p l takes a SYN of @p key's family (tern_tcp_listen_families);
 * one it does not is answered as on a closed port. */
static inline bool
tcp_listener_takes(const struct tern_listener *l,
		   const struct tern_flow_key *key)
{
	return tcp_key_is6(key) ? !l->no_v6 : !l->no_v4;
}

/* tcp_input_ack.c: the ACK field, RTT samples, the send window */
bool tcp_ack_input(struct tern_ctx *ctx, struct tern_conn *c,
		   const struct tcp_seg *seg);
bool tcp_ack_advance(struct tern_ctx *ctx, struct tern_conn *c,
		     const struct tcp_seg *seg);
void tcp_ack_fast(struct tern_ctx *ctx, struct tern_conn *c,
		  const struct tcp_seg *seg);
void tcp_ack_of_syn(struct tern_ctx *ctx, struct tern_conn *c,
		    const struct tcp_seg *seg);

/* tcp_input_data.c: the payload, reassembly, the ACKs receiving owes */
bool tcp_take_data(struct tern_ctx *ctx, struct tern_conn *c,
		   struct tcp_seg *seg);

/* An ACK at the end of the burst (coalesced, maybe piggybacked). */
static inline void
tcp_ack_soon(struct tern_ctx *ctx, struct tern_conn *c)
{
	c->flags |= CF_ACK_NOW;
	tcp_conn_work(ctx, c);
}

#endif /* TCP_PRIV_H */
