/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_arp.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "tern_splitmix.h"
#include "tern_net.h"
#include "tern_stack.h"
#include "tcp_fsm.h"
#include "tern_test_eal.h"

#include "sim.h"
#include "tern_owner.h"

/* Per pool: frames of MTU 1500 with the default 2 KiB data room; 8192
 * of them (about 19 MiB) hold every send buffer of a soak's connections
 * plus what is in flight, within the 256 MiB the test EAL gets. */
#define SIM_POOL_MBUFS 8192
#define SIM_TRACE_RING 512
#define SIM_MAX_TAMPERS 16
/* Steps at one virtual instant before we call it a livelock: a zero-
 * latency exchange settles in a few dozen. */
#define SIM_SAME_TIME_STEPS_MAX 100000
#define SIM_START_NS (1 * SIM_S)
#define SIM_NO_NODE 0xff

enum sim_trace_what {
	SIM_TR_FAULT_DROP = 1 << 0,
	SIM_TR_TAMPER_DROP = 1 << 1,
	SIM_TR_DUP = 1 << 2,
	SIM_TR_REORDER = 1 << 3,
	SIM_TR_CORRUPT = 1 << 4,
	SIM_TR_NO_RECEIVER = 1 << 5,
	SIM_TR_TAMPERED = 1 << 6,
	SIM_TR_RX_NOMBUF = 1 << 7,
};

struct sim_trace_rec {
	uint64_t t_ns;
	uint64_t due_ns;
	uint8_t from, to;
	uint16_t what;
	struct sim_hdr h;
};

struct sim_flight {
	uint64_t due_ns;
	uint64_t order;        /**< FIFO among frames due at one instant */
	struct rte_mbuf *m;
	uint8_t to;
};

struct sim_tamper_slot {
	bool used;
	uint32_t matches;
	struct sim_tamper t;
};

struct sim_block {
	struct sim_block *next;
	void (*dtor)(void *);
	/* the caller's memory follows, aligned for anything */
	max_align_t mem[];
};

struct sim {
	uint64_t now_ns;
	uint64_t seed;
	unsigned int nnodes;
	struct sim_node nodes[SIM_MAX_NODES];
	struct sim_faults faults[SIM_MAX_NODES][SIM_MAX_NODES];
	/* latest due time per direction: jitter must not reorder */
	uint64_t last_due[SIM_MAX_NODES][SIM_MAX_NODES];
	struct sim_rng rng;
	struct sim_flight *heap;
	unsigned int nheap, heap_cap;
	uint64_t order;
	struct sim_tamper_slot tamper[SIM_MAX_TAMPERS];
	struct sim_wire_stats stats;
	bool trace_live;
	struct sim_trace_rec *ring;
	uint64_t nrec;
	sim_step_hook_fn hook;
	void *hook_arg;
	bool has_error;
	char error[512];
	uint64_t same_time_steps;
	bool released;          /**< stacks finished */
	bool driver_flushing;   /**< in flush_all or a stack's teardown */
	int stepping;           /**< node in tern_stack_step(), or -1 */
	/* Frames due at a node in this step, handed to its tern_stack_step */
	struct sim_rxq {
		struct rte_mbuf **m;
		unsigned int n, cap;
	} rxq[SIM_MAX_NODES];
	struct sim_block *blocks;
	struct sim_recorder *rec;
	bool ipv6;              /**< sim_use_ipv6() */
	uint8_t family;         /**< of the scenario (sim_family()) */
	/* sim_set_tx_hold(): frames sent, each freed txh_cap sends later */
	struct sim_txh {
		struct rte_mbuf *m;
		uint16_t off, len;      /* its first segment's bytes, */
		uint64_t sum;           /* which must not change */
	} *txh;
	unsigned int txh_cap, txh_head, txh_n;
	bool by_ref;            /**< sim_set_wire_by_reference() */
};

/*
 * Process-wide state of the test binary (tests/ are not bound by the
 * "no file-scope state" rule of lib/): the EAL exists once per process,
 * pools are reused by node index across simulations (creating 8192-mbuf
 * pools per soak seed would dominate its run time), and FSM hits are
 * tallied across every stack the process ran.
 */
static bool eal_up;
static struct rte_mempool *node_pools[SIM_MAX_NODES];
static uint64_t *fsm_tally;
static unsigned int fsm_tally_n;

/* --- PRNG --- */

uint64_t
sim_splitmix64(uint64_t *state)
{
	return tern_splitmix64(state);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = sim_splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
sim_rng_below(struct sim_rng *r, uint64_t n)
{
	if (n == 0)
		return 0;
	return (uint64_t)(((unsigned __int128)sim_rng_next(r) * n) >> 64);
}

bool
sim_rng_ppm(struct sim_rng *r, uint32_t ppm)
{
	/* no draw when off: enabling one fault must not shift the others */
	if (ppm == 0)
		return false;
	return sim_rng_below(r, 1000000) < ppm;
}

/* --- process-wide helpers --- */

void
sim_eal_init(const char *prog)
{
	if (eal_up)
		return;
	if (tern_test_eal_init(prog, NULL) != 0) {
		fprintf(stderr, "sim: EAL init failed\n");
		exit(1);
	}
	eal_up = true;
}

static struct rte_mempool *
pool_for(unsigned int idx)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	if (node_pools[idx] != NULL)
		return node_pools[idx];
	snprintf(name, sizeof(name), "sim_pool_%u", idx);
	node_pools[idx] = rte_pktmbuf_pool_create(name, SIM_POOL_MBUFS, 0, 0,
						  RTE_MBUF_DEFAULT_BUF_SIZE,
						  (int)rte_socket_id());
	return node_pools[idx];
}

static void
fsm_tally_add(const struct tern_ctx *ctx)
{
	unsigned int n = tern_tcp_fsm_entries();

	if (fsm_tally == NULL) {
		fsm_tally = calloc(n == 0 ? 1 : n, sizeof(*fsm_tally));
		if (fsm_tally == NULL)
			return;
		fsm_tally_n = n;
	}
	for (unsigned int i = 0; i < n && i < fsm_tally_n; i++)
		fsm_tally[i] += tern_tcp_fsm_hits(ctx, i);
}

uint64_t
sim_fsm_tally(unsigned int i)
{
	return fsm_tally != NULL && i < fsm_tally_n ? fsm_tally[i] : 0;
}

/* --- trace --- */

static void
trace_format(const struct sim *sim, const struct sim_trace_rec *r,
	     char *buf, size_t size)
{
	char summary[320];
	const char *from = r->from == SIM_NO_NODE ? "?" :
			   sim->nodes[r->from].name;
	const char *to = r->to == SIM_NO_NODE ? "?" : sim->nodes[r->to].name;

	sim_hdr_format(&r->h, summary, sizeof(summary));
	snprintf(buf, size, "%14.6f %s>%s %s%s%s%s%s%s%s%s%s", r->t_ns / 1e9,
		 from, to, summary,
		 r->what & SIM_TR_RX_NOMBUF ? " [LOST: no RX mbuf]" : "",
		 r->what & SIM_TR_FAULT_DROP ? " [LOST]" : "",
		 r->what & SIM_TR_TAMPER_DROP ? " [DROPPED by tamper]" : "",
		 r->what & SIM_TR_TAMPERED ? " [tampered]" : "",
		 r->what & SIM_TR_DUP ? " [DUP]" : "",
		 r->what & SIM_TR_REORDER ? " [REORDERED]" : "",
		 r->what & SIM_TR_CORRUPT ? " [CORRUPTED]" : "",
		 r->what & SIM_TR_NO_RECEIVER ? " [no receiver]" : "");
}

static void
record_add(struct sim *sim, uint8_t from, uint8_t to, bool lost,
	   const struct sim_hdr *h)
{
	struct sim_recorder *r = sim->rec;

	if (r->n == r->cap) {
		unsigned int cap = r->cap == 0 ? 256 : r->cap * 2;
		struct sim_rec_entry *e = realloc(r->e, cap * sizeof(*e));

		if (e == NULL) {
			sim_note_error(sim, "out of memory for the recorder");
			return;
		}
		r->e = e;
		r->cap = cap;
	}
	r->e[r->n++] = (struct sim_rec_entry){ sim->now_ns, from, to, lost,
					       *h };
}

static void
trace_add(struct sim *sim, uint8_t from, uint8_t to, uint16_t what,
	  uint64_t due_ns, const struct sim_hdr *h)
{
	if (sim->rec != NULL)
		record_add(sim, from, to,
			   (what & (SIM_TR_FAULT_DROP | SIM_TR_TAMPER_DROP |
				    SIM_TR_NO_RECEIVER | SIM_TR_RX_NOMBUF)) != 0,
			   h);
	struct sim_trace_rec *r = &sim->ring[sim->nrec % SIM_TRACE_RING];

	r->t_ns = sim->now_ns;
	r->due_ns = due_ns;
	r->from = from;
	r->to = to;
	r->what = what;
	r->h = *h;
	sim->nrec++;
	if (sim->trace_live) {
		char line[512];

		trace_format(sim, r, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
}

void
sim_trace_dump(const struct sim *sim, unsigned int n)
{
	uint64_t first = sim->nrec > n ? sim->nrec - n : 0;
	char line[512];

	if (n > SIM_TRACE_RING && sim->nrec > SIM_TRACE_RING)
		first = sim->nrec - SIM_TRACE_RING;
	fprintf(stderr, "--- wire trace (seed %" PRIu64 ", last %" PRIu64
		" of %" PRIu64 " frames; now %.6f) ---\n", sim->seed,
		sim->nrec - first, sim->nrec, sim->now_ns / 1e9);
	for (uint64_t i = first; i < sim->nrec; i++) {
		trace_format(sim, &sim->ring[i % SIM_TRACE_RING], line,
			     sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "--- end of trace ---\n");
}

void
sim_stats_dump(const struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct sim_node *n = &sim->nodes[i];

		if (n->ctx == NULL || sim->released)
			continue;
		fprintf(stderr, "--- counters of %s ---\n", n->name);
		tern_stats_print(stderr, &n->ctx->stats);
	}
}

/* --- the heap of frames in flight, ordered by (due_ns, order) --- */

static bool
flight_before(const struct sim_flight *a, const struct sim_flight *b)
{
	if (a->due_ns != b->due_ns)
		return a->due_ns < b->due_ns;
	return a->order < b->order;
}

static void
heap_push(struct sim *sim, uint64_t due_ns, struct rte_mbuf *m, uint8_t to)
{
	unsigned int i;

	if (sim->nheap == sim->heap_cap) {
		unsigned int cap = sim->heap_cap == 0 ? 256 : sim->heap_cap * 2;
		struct sim_flight *h = realloc(sim->heap, cap * sizeof(*h));

		if (h == NULL) {
			rte_pktmbuf_free(m);
			sim_note_error(sim, "out of memory for the wire");
			return;
		}
		sim->heap = h;
		sim->heap_cap = cap;
	}
	i = sim->nheap++;
	sim->heap[i] = (struct sim_flight){ due_ns, sim->order++, m, to };
	while (i > 0) {
		unsigned int parent = (i - 1) / 2;
		struct sim_flight tmp;

		if (!flight_before(&sim->heap[i], &sim->heap[parent]))
			break;
		tmp = sim->heap[i];
		sim->heap[i] = sim->heap[parent];
		sim->heap[parent] = tmp;
		i = parent;
	}
}

static struct sim_flight
heap_pop(struct sim *sim)
{
	struct sim_flight top = sim->heap[0];
	unsigned int i = 0;

	sim->heap[0] = sim->heap[--sim->nheap];
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;
		struct sim_flight tmp;

		if (l < sim->nheap && flight_before(&sim->heap[l], &sim->heap[m]))
			m = l;
		if (r < sim->nheap && flight_before(&sim->heap[r], &sim->heap[m]))
			m = r;
		if (m == i)
			break;
		tmp = sim->heap[i];
		sim->heap[i] = sim->heap[m];
		sim->heap[m] = tmp;
		i = m;
	}
	return top;
}

/* --- inboxes of script nodes --- */

static void
inbox_push(struct sim_node *n, struct rte_mbuf *m)
{
	struct sim_inbox *b = &n->inbox;

	if (b->count == b->cap) {
		unsigned int cap = b->cap == 0 ? 64 : b->cap * 2;
		struct rte_mbuf **q = malloc(cap * sizeof(*q));

		if (q == NULL) {
			rte_pktmbuf_free(m);
			sim_note_error(n->sim, "out of memory for an inbox");
			return;
		}
		for (unsigned int i = 0; i < b->count; i++)
			q[i] = b->q[(b->head + i) % b->cap];
		free(b->q);
		b->q = q;
		b->head = 0;
		b->cap = cap;
	}
	b->q[(b->head + b->count) % b->cap] = m;
	b->count++;
}

struct rte_mbuf *
sim_inbox_pop(struct sim_node *n)
{
	struct sim_inbox *b = &n->inbox;
	struct rte_mbuf *m;

	if (b->count == 0)
		return NULL;
	m = b->q[b->head];
	b->head = (b->head + 1) % b->cap;
	b->count--;
	return m;
}

unsigned int
sim_inbox_count(const struct sim_node *n)
{
	return n->inbox.count;
}

/* --- the wire --- */

static bool
tamper_matches(const struct sim_tamper *t, const struct sim_node *from,
	       const struct sim_node *to, const struct sim_hdr *h)
{
	if (t->from != NULL && t->from != from)
		return false;
	if (t->to != NULL && t->to != to)
		return false;
	if (t->tcp_only || t->tcp_flags != 0) {
		if (h->kind != SIM_PKT_TCP)
			return false;
		if ((h->flags & t->tcp_flags) != t->tcp_flags)
			return false;
	}
	return true;
}

/* Run the tamper hooks on @p m; true when one of them dropped it. */
static bool
tamper_run(struct sim *sim, const struct sim_node *from,
	   const struct sim_node *to, const struct sim_hdr *h,
	   struct rte_mbuf *m, uint16_t *what)
{
	for (unsigned int i = 0; i < SIM_MAX_TAMPERS; i++) {
		struct sim_tamper_slot *s = &sim->tamper[i];
		struct sim_frame_ctx fc;

		if (!s->used || !tamper_matches(&s->t, from, to, h))
			continue;
		s->matches++;
		if (s->t.nth != 0 && s->matches != s->t.nth)
			continue;
		if (s->t.fn == NULL)
			return true;
		fc = (struct sim_frame_ctx){ sim, from, to, h, sim->now_ns,
					     s->matches };
		if (s->t.fn(&fc, m, s->t.arg) == SIM_DROP)
			return true;
		*what |= SIM_TR_TAMPERED;
	}
	return false;
}

/* Flip one byte of the IPv4 packet (never of ARP: it has no checksum to
 * catch it, and a poisoned ARP cache is not what we test). */
static bool
corrupt_frame(struct sim *sim, struct rte_mbuf *m, const struct sim_hdr *h)
{
	uint32_t span;
	uint8_t *p;
	uint64_t off;

	if (h->kind != SIM_PKT_TCP && h->kind != SIM_PKT_ICMP)
		return false;
	if (rte_pktmbuf_linearize(m) != 0)
		return false;
	span = RTE_MIN((uint32_t)h->ip_len, rte_pktmbuf_pkt_len(m) - 14u);
	off = 14 + sim_rng_below(&sim->rng, span);
	p = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	*p ^= (uint8_t)(1 + sim_rng_below(&sim->rng, 255));
	return true;
}

/*
 * The queue (worker) of host @p host a frame arrives at, as its NIC
 * picks it; @p rss gets the hash a NIC in SIM_NIC_RSS mode reports.
 */
static struct sim_node *
nic_queue(struct sim *sim, struct sim_node *host, const struct sim_hdr *h,
	  bool *has_rss, uint32_t *rss)
{
	uint32_t hash, q = 0;

	*has_rss = false;
	if (host->nb_workers < 2 || h->kind != SIM_PKT_TCP ||
	    host->nic == SIM_NIC_QUEUE0)
		return host;
	hash = h->family == 6 ?
	       tern_flow_toeplitz6(host->ctx, &h->ip6_src, &h->ip6_dst,
				   rte_cpu_to_be_16(h->sport),
				   rte_cpu_to_be_16(h->dport)) :
	       tern_flow_toeplitz(host->ctx, h->ip_src, h->ip_dst,
				  rte_cpu_to_be_16(h->sport),
				  rte_cpu_to_be_16(h->dport));
	if (host->nic == SIM_NIC_RSS) {
		*has_rss = true;
		*rss = hash;
		q = tern_flow_owner(&host->ctx->ifc, hash);
	} else {
		/* not our key, not our table: the sum of the ports */
		q = (uint32_t)(h->sport + h->dport) % host->nb_workers;
	}
	return &sim->nodes[host->idx + q];
}

/* FNV-1a of @p len bytes at @p p. */
static uint64_t
txh_sum(const uint8_t *p, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Free a frame the NIC held, failing the test if its bytes changed
 * meanwhile: nobody may write into a frame another holds. */
static void
tx_free_held(struct sim *sim, const struct sim_txh *e)
{
	const uint8_t *p = (const uint8_t *)e->m->buf_addr + e->off;

	if (txh_sum(p, e->len) != e->sum)
		sim_note_error(sim, "the bytes of a sent frame changed while "
			       "the sender's NIC held it");
	rte_pktmbuf_free(e->m);
}

/*
 * A sent frame's end on the sending side: freed now (the frames on the
 * wire are copies), or, under sim_set_tx_hold(), when the oldest of the
 * held once their number is full -- a PMD that frees what it sent only
 * when its ring needs room. A held frame's bytes are summed, and,
 * unless the wire passes frames by reference (whose receivers still
 * read them), its fields changed as a receiver's RX path changes its
 * own (the Ethernet header stripped, RX flags set): the sender must
 * trust neither while it holds the frame too (a zero-copy send).
 */
static void
tx_complete_later(struct sim *sim, struct rte_mbuf *m)
{
	struct sim_txh e = { .m = m, .off = m->data_off, .len = m->data_len };
	unsigned int tail;

	if (sim->txh_cap == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	e.sum = txh_sum(rte_pktmbuf_mtod(m, const uint8_t *), e.len);
	if (!sim->by_ref && m->data_len > RTE_ETHER_HDR_LEN) {
		rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD |
			       RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4;
	}
	if (sim->txh_n == sim->txh_cap) {
		tx_free_held(sim, &sim->txh[sim->txh_head]);
		sim->txh[sim->txh_head] = e;
		sim->txh_head = (sim->txh_head + 1) % sim->txh_cap;
		return;
	}
	tail = (sim->txh_head + sim->txh_n) % sim->txh_cap;
	sim->txh[tail] = e;
	sim->txh_n++;
}

/* Any tamper hook set (it may write into the frame it sees)? */
static bool
tamper_any(const struct sim *sim)
{
	for (unsigned int i = 0; i < SIM_MAX_TAMPERS; i++)
		if (sim->tamper[i].used)
			return true;
	return false;
}

static void
wire_to(struct sim *sim, struct sim_node *from, struct sim_node *to,
	struct rte_mbuf *m, const struct sim_hdr *h)
{
	/* faults and ordering per pair of hosts: one link each way */
	const struct sim_faults *f =
		&sim->faults[from->host->idx][to->host->idx];
	uint64_t *last = &sim->last_due[from->host->idx][to->host->idx];
	bool has_rss;
	uint32_t rss = 0;
	struct rte_mbuf *copy, *dup;
	uint16_t what = 0;
	uint64_t due;

	sim->stats.sent++;
	to = nic_queue(sim, to, h, &has_rss, &rss);
	if (sim->by_ref && f->corrupt_ppm == 0 && !tamper_any(sim)) {
		/* The sender's own mbuf, a reference more: net_ring. */
		rte_mbuf_refcnt_update(m, 1);
		copy = m;
	} else {
		copy = rte_pktmbuf_copy(m, to->pool, 0, UINT32_MAX);
	}
	if (copy == NULL && to->pool_held.n > 0) {
		/* A NIC with no mbuf to refill its RX ring drops the frame. */
		sim->stats.rx_nombuf++;
		trace_add(sim, (uint8_t)from->idx, (uint8_t)to->idx,
			  SIM_TR_RX_NOMBUF, 0, h);
		return;
	}
	if (copy == NULL) {
		sim_note_error(sim, "pool of %s exhausted (in use %u)",
			       to->name, rte_mempool_in_use_count(to->pool));
		return;
	}
	/* arrives as a received frame: no TX offload requests, no hash */
	copy->ol_flags = 0;
	copy->packet_type = 0;
	copy->hash.rss = 0;
	if (has_rss) {
		copy->hash.rss = rss;
		copy->ol_flags = RTE_MBUF_F_RX_RSS_HASH;
	}
	copy->port = (uint16_t)to->idx;
	if (tamper_run(sim, from, to, h, copy, &what)) {
		sim->stats.tamper_drops++;
		trace_add(sim, (uint8_t)from->idx, (uint8_t)to->idx,
			  what | SIM_TR_TAMPER_DROP, 0, h);
		rte_pktmbuf_free(copy);
		return;
	}
	if (sim_rng_ppm(&sim->rng, f->drop_ppm)) {
		sim->stats.fault_drops++;
		trace_add(sim, (uint8_t)from->idx, (uint8_t)to->idx,
			  what | SIM_TR_FAULT_DROP, 0, h);
		rte_pktmbuf_free(copy);
		return;
	}
	if (sim_rng_ppm(&sim->rng, f->corrupt_ppm) &&
	    corrupt_frame(sim, copy, h)) {
		sim->stats.corrupted++;
		what |= SIM_TR_CORRUPT;
	}
	due = sim->now_ns + f->latency_ns +
	      sim_rng_below(&sim->rng, f->jitter_ns);
	if (sim_rng_ppm(&sim->rng, f->reorder_ppm)) {
		sim->stats.reordered++;
		what |= SIM_TR_REORDER;
		due += f->reorder_ns;
	} else {
		due = RTE_MAX(due, *last);
		*last = due;
	}
	heap_push(sim, due, copy, (uint8_t)to->idx);
	if (sim_rng_ppm(&sim->rng, f->dup_ppm)) {
		dup = rte_pktmbuf_copy(copy, to->pool, 0, UINT32_MAX);
		if (dup != NULL) {
			sim->stats.duplicated++;
			what |= SIM_TR_DUP;
			heap_push(sim, due, dup, (uint8_t)to->idx);
		}
	}
	trace_add(sim, (uint8_t)from->idx, (uint8_t)to->idx, what, due, h);
}

void
sim_wire_send(struct sim_node *from, struct rte_mbuf *m)
{
	struct sim *sim = from->sim;
	struct sim_hdr h;
	bool group;
	bool found = false;

	sim_hdr_parse(m, &h);
	from->frames_out++;
	if (h.kind == SIM_PKT_TCP)
		from->tcp_frames_out++;
	group = rte_is_multicast_ether_addr(&h.eth_dst);
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		struct sim_node *to = &sim->nodes[i];

		/* a host's frames reach its NIC once, at its first worker's
		 * node; wire_to() picks the queue */
		if (to->host == from->host || to->worker != 0)
			continue;
		if (!group && !rte_is_same_ether_addr(&to->mac, &h.eth_dst))
			continue;
		found = true;
		wire_to(sim, from, to, m, &h);
	}
	if (!found) {
		sim->stats.no_receiver++;
		trace_add(sim, (uint8_t)from->idx, SIM_NO_NODE,
			  SIM_TR_NO_RECEIVER, 0, &h);
	}
	tx_complete_later(sim, m);
}

void
sim_set_tx_hold(struct sim *sim, unsigned int frames)
{
	sim_tx_complete(sim);
	sim->txh_cap = 0;
	if (frames == 0)
		return;
	sim->txh = sim_alloc(sim, frames * sizeof(*sim->txh), NULL);
	sim->txh_cap = frames;
}

void
sim_set_wire_by_reference(struct sim *sim, bool on)
{
	sim->by_ref = on;
}

void
sim_tx_complete(struct sim *sim)
{
	while (sim->txh_n > 0) {
		tx_free_held(sim, &sim->txh[sim->txh_head]);
		sim->txh_head = (sim->txh_head + 1) % sim->txh_cap;
		sim->txh_n--;
	}
	sim->txh_head = 0;
}

/* A frame tern hands to the port must be a valid chain (a PMD trusts
 * nb_segs and pkt_len); DPDK's own check says what is wrong. */
static void
check_tx_frame(struct sim_node *n, const struct rte_mbuf *m)
{
	const char *reason = NULL;
	char summary[320];
	struct sim_hdr h;

	if (rte_mbuf_check(m, 1, &reason) == 0)
		return;
	sim_hdr_parse(m, &h);
	sim_hdr_format(&h, summary, sizeof(summary));
	sim_note_error(n->sim, "%s sent a frame that fails rte_mbuf_check(): "
		       "%s (nb_segs %u, pkt_len %u): %s", n->name, reason,
		       m->nb_segs, m->pkt_len, summary);
}

static void
sim_tx_flush(struct tern_ctx *ctx)
{
	struct sim_node *n = ctx->tx_flush_arg;
	uint16_t count = ctx->tx.count;

	/* Only the driver flushes: between steps, or at the end of the
	 * step once the stack is done (lib/stack/tern_stack.h). */
	if (!n->sim->driver_flushing &&
	    (n->sim->stepping != (int)n->idx || ctx->in_step))
		n->flushes_in_step++;
	/* emptied first: sending may not re-enter, but keep it obvious */
	ctx->tx.count = 0;
	for (uint16_t i = 0; i < count; i++) {
		check_tx_frame(n, ctx->tx.pkts[i]);
		sim_wire_send(n, ctx->tx.pkts[i]);
	}
	tern_stat_add(&ctx->stats, TERN_STAT_TX_PKTS, count);
	tern_stat_inc(&ctx->stats, TERN_STAT_TX_BATCH_FLUSHES);
}

/* A Neighbour Solicitation a host would take: hop limit 255, the
 * checksum right (RFC 4861 7.1.1). */
static bool
script_ns_valid(const struct sim_hdr *h)
{
	return h->kind == SIM_PKT_ICMP6 && h->icmp_type == SIM_ND_NS &&
	       h->icmp_code == 0 && h->ip_ttl == 255 && h->icmp_csum_ok;
}

/* Answer an NS for @p n's address as a host does: a solicited NA to
 * the asker (RFC 4861 7.2.4); DAD probes (from ::) go unanswered, since
 * the script holds no tentative address. */
static void
script_answer_ns(struct sim_node *n, const struct sim_hdr *h)
{
	struct rte_mbuf *reply;

	if (!tern_ip6_eq(&h->nd_target, &n->ip6) ||
	    tern_ip6_is_unspec(&h->ip6_src))
		return;
	reply = sim_build_na(n->pool, &n->mac, &h->eth_src, &n->ip6,
			     &h->ip6_src, &n->ip6, 0x40 | 0x20);
	if (reply != NULL)
		sim_wire_send(n, reply);
}

/* A script node answers ARP and Neighbour Solicitations for its
 * addresses and swallows the rest of both (other hosts' resolutions,
 * DAD probes); everything else goes to its inbox. */
static void
script_receive(struct sim_node *n, struct rte_mbuf *m)
{
	struct sim_hdr h;
	struct rte_mbuf *reply;

	sim_hdr_parse(m, &h);
	if (n->answer_arp && script_ns_valid(&h)) {
		script_answer_ns(n, &h);
		rte_pktmbuf_free(m);
		return;
	}
	if (!n->answer_arp || h.kind != SIM_PKT_ARP) {
		inbox_push(n, m);
		return;
	}
	if (h.arp_op == RTE_ARP_OP_REQUEST && h.arp_tpa == n->ip) {
		reply = sim_build_arp(n->pool, RTE_ARP_OP_REPLY, &h.arp_sha,
				      &n->mac, n->ip, &h.arp_sha, h.arp_spa);
		if (reply != NULL)
			sim_wire_send(n, reply);
	}
	rte_pktmbuf_free(m);
}

/* --- nodes --- */

void
sim_tcp_conf_defaults(struct tern_tcp_conf *conf)
{
	tern_tcp_conf_defaults(conf);
	/* tables sized for a test, not a server: cheap to set up */
	conf->max_conns = 256;
	conf->max_tw = 256;
}

/* Every stack's IPv6 addresses usable (or given up as duplicates). */
static bool
dad_done(struct sim *sim, void *arg __rte_unused)
{
	struct tern_ip6 a;

	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct tern_ctx *ctx = sim->nodes[i].ctx;

		if (ctx == NULL)
			continue;
		for (int slot = 0; slot < TERN_ND_ADDR_MAX; slot++)
			if (tern_ipv6_addr(ctx, slot, &a) ==
			    TERN_ND_ADDR_TENTATIVE)
				return false;
	}
	return true;
}

/*
 * A scenario over IPv6 starts where the IPv4 one does: with addresses
 * to send from. So in a sim of family 6 each new stack's Duplicate
 * Address Detection runs to its end (1 s of virtual time) before the
 * test goes on; sim_use_ipv6() alone leaves that to the test.
 */
static void
dad_wait(struct sim *sim)
{
	if (sim->family != 6)
		return;
	SIM_ASSERT(sim_run_until(sim, dad_done, NULL, 3 * SIM_S),
		   "DAD of the stacks' IPv6 addresses did not end");
}

static struct sim_node *
node_new(struct sim *sim, const char *name, enum sim_node_kind kind)
{
	struct sim_node *n;
	unsigned int idx = sim->nnodes;
	uint8_t host = (uint8_t)(10 + idx);

	if (idx >= SIM_MAX_NODES)
		sim_test_fail(__FILE__, __LINE__, "nnodes < SIM_MAX_NODES",
			      "too many nodes");
	n = &sim->nodes[idx];
	memset(n, 0, sizeof(*n));
	n->sim = sim;
	n->idx = idx;
	n->kind = kind;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, host } };
	n->ip = sim_ip(host);
	n->ip6 = sim_ip6(host);
	n->pool = pool_for(idx);
	if (n->pool == NULL)
		sim_test_fail(__FILE__, __LINE__, "pool != NULL",
			      "cannot create the pool of node %u: %s", idx,
			      rte_strerror(rte_errno));
	n->pool_in_use_base = rte_mempool_in_use_count(n->pool);
	n->host = n;
	n->nb_workers = 1;
	sim->nnodes++;
	return n;
}

static void
stack_conf_fill(struct sim_node *n, const struct tern_tcp_conf *tcp,
		struct tern_stack_conf *sc, uint64_t *secret)
{
	memset(sc, 0, sizeof(*sc));
	sc->ifc.mac = n->mac;
	sc->ifc.ip = n->ip;
	sc->ifc.netmask = rte_cpu_to_be_32(0xffffff00);
	sc->ifc.mtu = 1500;
	if (n->sim->ipv6) {
		sc->ifc.ip6 = n->ip6;
		sc->ifc.ip6_prefix_len = 64;
	}
	if (tcp != NULL)
		sc->tcp = *tcp;
	else
		sim_tcp_conf_defaults(&sc->tcp);
	sc->pool = n->pool;
	sc->tx_flush = sim_tx_flush;
	sc->tx_flush_arg = n;
	sc->lcore_id = rte_lcore_id();
	sc->port_id = (uint16_t)n->host->idx;
	sc->queue_id = (uint16_t)n->worker;
	sc->worker_id = (uint16_t)n->worker;
	sc->steer = n->host->steer;
	sc->now_ns = n->sim->now_ns;
	/* never 0, which would mean "draw one from rte_rand()" */
	sc->secret_seed = sim_splitmix64(secret) | 1;
}

static void
stack_start(struct sim_node *n, const struct tern_stack_conf *sc)
{
	struct sim *sim = n->sim;
	int rc;

	n->ctx = rte_zmalloc("sim_ctx", sizeof(*n->ctx), RTE_CACHE_LINE_SIZE);
	if (n->ctx == NULL)
		sim_test_fail(__FILE__, __LINE__, "ctx != NULL",
			      "rte_zmalloc of a tern_ctx failed");
	rc = tern_stack_init(n->ctx, sc);
	if (rc != 0) {
		rte_free(n->ctx);
		n->ctx = NULL;
		sim->nnodes--;
		sim_test_fail(__FILE__, __LINE__, "tern_stack_init() == 0",
			      "rc %d (%s)", rc, strerror(-rc));
	}
	n->pool_in_use_idle = rte_mempool_in_use_count(n->pool);
}

struct sim_node *
sim_add_stack(struct sim *sim, const char *name,
	      const struct tern_tcp_conf *tcp)
{
	struct sim_node *n = node_new(sim, name, SIM_NODE_STACK);
	struct tern_stack_conf sc;
	uint64_t secret = sim->seed * 0x100 + n->idx + 1;

	stack_conf_fill(n, tcp, &sc, &secret);
	stack_start(n, &sc);
	dad_wait(sim);
	return n;
}

/* The symmetric key of Microsoft's RSS examples' shape (0x6d5a...):
 * the default pattern of the driver profiles. */
static void
sim_rss_key(uint8_t *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		key[i] = i % 2 == 0 ? 0x6d : 0x5a;
}

struct sim_node *
sim_add_host(struct sim *sim, const char *name,
	     const struct tern_tcp_conf *tcp, unsigned int nb_workers,
	     enum sim_nic_mode nic)
{
	struct tern_steer_conf stc = {
		.nb_workers = (uint16_t)nb_workers,
		.socket_id = SOCKET_ID_ANY,
		.port_hash = nic == SIM_NIC_RSS,
	};
	struct sim_node *host = NULL;
	char wname[sizeof(host->name)];

	if (nb_workers < 2 || sim->nnodes + nb_workers > SIM_MAX_NODES)
		sim_test_fail(__FILE__, __LINE__, "2 <= workers, nodes fit",
			      "%u workers, %u nodes already", nb_workers,
			      sim->nnodes);
	for (unsigned int w = 0; w < nb_workers; w++) {
		struct sim_node *n;
		struct tern_stack_conf sc;
		uint64_t secret;

		snprintf(wname, sizeof(wname), "%s%u", name, w);
		n = node_new(sim, wname, SIM_NODE_STACK);
		secret = sim->seed * 0x100 + n->idx + 1;
		if (host == NULL) {
			host = n;
			host->nic = nic;
			if (tern_steer_create(&stc, &host->steer) != 0)
				sim_test_fail(__FILE__, __LINE__,
					      "tern_steer_create() == 0",
					      "%u workers", nb_workers);
		}
		n->host = host;
		n->worker = w;
		n->nb_workers = nb_workers;
		n->mac = host->mac;
		n->ip = host->ip;
		n->ip6 = host->ip6;
		stack_conf_fill(n, tcp, &sc, &secret);
		/* ownership: our key, a table over the workers -- which the
		 * NIC uses too in SIM_NIC_RSS */
		sim_rss_key(sc.ifc.rss_key, sizeof(sc.ifc.rss_key));
		sc.ifc.rx_rss_hash = true;
		sc.ifc.nb_queues = (uint16_t)nb_workers;
		sc.ifc.reta_size = 128;
		for (uint16_t i = 0; i < sc.ifc.reta_size; i++)
			sc.ifc.reta[i] = (uint16_t)(i % nb_workers);
		stack_start(n, &sc);
	}
	dad_wait(sim);
	return host;
}

void
sim_use_ipv6(struct sim *sim, bool on)
{
	sim->ipv6 = on;
}

uint8_t
sim_family(const struct sim *sim)
{
	return sim->family;
}

void
sim_tcp_spec_route(struct sim_tcp_spec *s, const struct sim_node *from,
		   const struct sim_node *to)
{
	s->eth_src = from->mac;
	s->eth_dst = to->mac;
	s->family = from->sim->family;
	s->ip_src = from->ip;
	s->ip_dst = to->ip;
	s->ip6_src = from->ip6;
	s->ip6_dst = to->ip6;
}

bool
sim_info_faddr_is(const struct tern_tcp_info *info, const struct sim_node *n)
{
	if (info->family == AF_INET6)
		return tern_ip6_eq(&info->faddr6, &n->ip6);
	return info->faddr == n->ip;
}

uint32_t
sim_flow_hash(const struct tern_ctx *ctx, const struct tern_tcp_info *info)
{
	if (info->family == AF_INET6)
		return tern_flow_toeplitz6(ctx, &info->faddr6, &info->laddr6,
					   rte_cpu_to_be_16(info->fport),
					   rte_cpu_to_be_16(info->lport));
	return tern_flow_toeplitz(ctx, info->faddr, info->laddr,
				  rte_cpu_to_be_16(info->fport),
				  rte_cpu_to_be_16(info->lport));
}

struct sim_node *
sim_add_script(struct sim *sim, const char *name)
{
	struct sim_node *n = node_new(sim, name, SIM_NODE_SCRIPT);

	n->answer_arp = true;
	n->pool_in_use_idle = n->pool_in_use_base;
	return n;
}

struct sim_node *
sim_node(struct sim *sim, unsigned int idx)
{
	return idx < sim->nnodes ? &sim->nodes[idx] : NULL;
}

unsigned int
sim_node_count(const struct sim *sim)
{
	return sim->nnodes;
}

uint64_t
sim_now(const struct sim *sim)
{
	return sim->now_ns;
}

uint64_t
sim_seed(const struct sim *sim)
{
	return sim->seed;
}

const struct sim_wire_stats *
sim_wire_stats(const struct sim *sim)
{
	return &sim->stats;
}

void
sim_set_faults(struct sim *sim, const struct sim_node *from,
	       const struct sim_node *to, const struct sim_faults *f)
{
	sim->faults[from->idx][to->idx] = *f;
}

void
sim_set_faults_all(struct sim *sim, const struct sim_faults *f)
{
	for (unsigned int i = 0; i < SIM_MAX_NODES; i++)
		for (unsigned int j = 0; j < SIM_MAX_NODES; j++)
			sim->faults[i][j] = *f;
}

int
sim_tamper_add(struct sim *sim, const struct sim_tamper *t)
{
	for (int i = 0; i < SIM_MAX_TAMPERS; i++) {
		if (sim->tamper[i].used)
			continue;
		sim->tamper[i] = (struct sim_tamper_slot){ true, 0, *t };
		return i;
	}
	sim_test_fail(__FILE__, __LINE__, "free tamper slot", "all %d used",
		      SIM_MAX_TAMPERS);
}

void
sim_tamper_del(struct sim *sim, int id)
{
	if (id >= 0 && id < SIM_MAX_TAMPERS)
		sim->tamper[id].used = false;
}

void
sim_tamper_clear(struct sim *sim)
{
	for (int i = 0; i < SIM_MAX_TAMPERS; i++)
		sim->tamper[i].used = false;
}

int
sim_drop_nth(struct sim *sim, const struct sim_node *from,
	     const struct sim_node *to, uint8_t flags, uint32_t nth)
{
	struct sim_tamper t = {
		.from = from, .to = to, .tcp_only = true, .tcp_flags = flags,
		.nth = nth,
	};

	return sim_tamper_add(sim, &t);
}

int
sim_drop_all(struct sim *sim, const struct sim_node *from,
	     const struct sim_node *to, uint8_t flags)
{
	return sim_drop_nth(sim, from, to, flags, 0);
}

static void
recorder_dtor(void *p)
{
	struct sim_recorder *r = p;

	free(r->e);
}

struct sim_recorder *
sim_record(struct sim *sim)
{
	if (sim->rec == NULL)
		sim->rec = sim_alloc(sim, sizeof(*sim->rec), recorder_dtor);
	sim->rec->n = 0;
	return sim->rec;
}

void
sim_record_stop(struct sim *sim)
{
	/* the recorder stays allocated (sim_alloc): the test may read it */
	sim->rec = NULL;
}

unsigned int
sim_rec_count_tcp(const struct sim_recorder *r, const struct sim_node *from,
		  const struct sim_node *to, uint8_t flags, uint8_t not_flags)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct sim_rec_entry *e = &r->e[i];

		if (e->h.kind != SIM_PKT_TCP)
			continue;
		if (from != NULL && e->from != from->idx)
			continue;
		if (to != NULL && e->to != to->idx)
			continue;
		if ((e->h.flags & flags) != flags || (e->h.flags & not_flags))
			continue;
		n++;
	}
	return n;
}

/* --- lifecycle --- */

struct sim *
sim_create(uint64_t seed)
{
	struct sim *sim;
	const char *trace = getenv("TERN_SIM_TRACE");

	sim_eal_init("tern-sim");
	sim = calloc(1, sizeof(*sim));
	if (sim == NULL)
		sim_test_fail(__FILE__, __LINE__, "sim != NULL", "calloc");
	sim->ring = calloc(SIM_TRACE_RING, sizeof(*sim->ring));
	if (sim->ring == NULL) {
		free(sim);
		sim_test_fail(__FILE__, __LINE__, "ring != NULL", "calloc");
	}
	sim->seed = seed;
	sim->now_ns = SIM_START_NS;
	sim->stepping = -1;
	sim_rng_seed(&sim->rng, seed ^ 0x5157e11a5eedull);
	sim->trace_live = trace != NULL && strcmp(trace, "0") != 0;
	sim->family = sim_test_family();
	sim->ipv6 = sim->family == 6;
	sim_test_register(sim);
	return sim;
}

static void
drain(struct sim *sim)
{
	sim_tx_complete(sim);
	while (sim->nheap > 0)
		rte_pktmbuf_free(heap_pop(sim).m);
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		struct sim_node *n = &sim->nodes[i];
		struct rte_mbuf *m;

		while ((m = sim_inbox_pop(n)) != NULL)
			rte_pktmbuf_free(m);
	}
}

static void
release(struct sim *sim)
{
	if (sim->released)
		return;
	sim->released = true;
	for (unsigned int i = 0; i < sim->nnodes; i++)
		sim_pool_release(&sim->nodes[i]);
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		struct sim_node *n = &sim->nodes[i];

		if (n->ctx == NULL)
			continue;
		fsm_tally_add(n->ctx);
		tern_ctx_set_now(n->ctx, sim->now_ns);
		sim->driver_flushing = true;
		tern_stack_fini(n->ctx);
		sim->driver_flushing = false;
	}
	/* every worker is done: what is left on the rings goes back */
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		tern_steer_free(sim->nodes[i].steer);
		sim->nodes[i].steer = NULL;
	}
	drain(sim);
}

void *
sim_alloc(struct sim *sim, size_t size, void (*dtor)(void *))
{
	struct sim_block *b = calloc(1, sizeof(*b) + size);

	if (b == NULL)
		sim_test_fail(__FILE__, __LINE__, "calloc", "%zu bytes", size);
	b->dtor = dtor;
	b->next = sim->blocks;
	sim->blocks = b;
	return b->mem;
}

static void
free_sim(struct sim *sim)
{
	while (sim->blocks != NULL) {
		struct sim_block *b = sim->blocks;

		sim->blocks = b->next;
		if (b->dtor != NULL)
			b->dtor(b->mem);
		free(b);
	}
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		rte_free(sim->nodes[i].ctx);
		free(sim->nodes[i].inbox.q);
		free(sim->nodes[i].pool_held.m);
	}
	for (unsigned int i = 0; i < SIM_MAX_NODES; i++) {
		for (unsigned int k = 0; k < sim->rxq[i].n; k++)
			rte_pktmbuf_free(sim->rxq[i].m[k]);
		free(sim->rxq[i].m);
	}
	free(sim->heap);
	free(sim->ring);
	free(sim);
}

void
sim_destroy(struct sim *sim)
{
	char leaks[512];
	int len = 0;

	release(sim);
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct sim_node *n = &sim->nodes[i];
		unsigned int used = rte_mempool_in_use_count(n->pool);

		if (used != n->pool_in_use_base && len < (int)sizeof(leaks))
			len += snprintf(leaks + len, sizeof(leaks) - len,
					" %s: %u mbufs in use, baseline %u;",
					n->name, used, n->pool_in_use_base);
	}
	if (len > 0) {
		/* leave the sim registered: the runner dumps and frees it */
		sim_test_fail(__FILE__, __LINE__, "pools back to baseline",
			      "after tern_stack_fini:%s", leaks);
	}
	sim_test_unregister(sim);
	free_sim(sim);
}

void
sim_destroy_quiet(struct sim *sim)
{
	sim_test_unregister(sim);
	release(sim);
	free_sim(sim);
}

/* --- running --- */

static void
flush_all(struct sim *sim)
{
	sim->driver_flushing = true;
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		struct tern_ctx *ctx = sim->nodes[i].ctx;

		if (ctx != NULL && ctx->tx.count > 0)
			ctx->tx_flush(ctx);
	}
	sim->driver_flushing = false;
}

static void
set_clock(struct sim *sim, uint64_t now_ns)
{
	if (now_ns > sim->now_ns) {
		sim->now_ns = now_ns;
		sim->same_time_steps = 0;
	}
	for (unsigned int i = 0; i < sim->nnodes; i++)
		if (sim->nodes[i].ctx != NULL)
			tern_ctx_set_now(sim->nodes[i].ctx, sim->now_ns);
}

static uint64_t
next_event_ns(const struct sim *sim)
{
	uint64_t t = sim->nheap > 0 ? sim->heap[0].due_ns : UINT64_MAX;

	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct tern_ctx *ctx = sim->nodes[i].ctx;

		if (ctx != NULL)
			t = RTE_MIN(t, tern_stack_next_deadline_ns(ctx));
		/* frames a later worker handed to an earlier one */
		if (sim->nodes[i].host->steer != NULL &&
		    tern_steer_pending(sim->nodes[i].host->steer,
				       (uint16_t)sim->nodes[i].worker) > 0)
			t = RTE_MIN(t, sim->now_ns);
	}
	return t;
}

static void
rxq_push(struct sim *sim, unsigned int node, struct rte_mbuf *m)
{
	struct sim_rxq *q = &sim->rxq[node];

	if (q->n == q->cap) {
		unsigned int cap = q->cap == 0 ? 64 : 2 * q->cap;
		struct rte_mbuf **grown = realloc(q->m, cap * sizeof(*grown));

		if (grown == NULL)
			sim_test_fail(__FILE__, __LINE__, "realloc() != NULL",
				      "no memory for %u frames due", cap);
		q->m = grown;
		q->cap = cap;
	}
	q->m[q->n++] = m;
}

/* Script nodes take their frames as they come off the wire; a stack's
 * wait in its queue for its step. */
static void
deliver_due(struct sim *sim)
{
	while (sim->nheap > 0 && sim->heap[0].due_ns <= sim->now_ns) {
		struct sim_flight f = heap_pop(sim);
		struct sim_node *to = &sim->nodes[f.to];

		sim->stats.delivered++;
		to->frames_in++;
		if (to->kind == SIM_NODE_SCRIPT) {
			script_receive(to, f.m);
			continue;
		}
		rxq_push(sim, f.to, f.m);
	}
}

/* One loop iteration of every stack, in node order: the driver loop of
 * lib/stack (tern_stack_step), as the runtime and the benchmark run it. */
static void
step_stacks(struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		struct sim_node *n = &sim->nodes[i];
		struct sim_rxq *q = &sim->rxq[i];

		if (n->ctx == NULL)
			continue;
		if (q->n > UINT16_MAX)
			sim_test_fail(__FILE__, __LINE__, "frames due <= 65535",
				      "%u frames due at %s in one step", q->n,
				      n->name);
		sim->stepping = (int)i;
		/* tern_stack_input takes any count, a burst at a time */
		tern_stack_step(n->ctx, sim->now_ns, q->m,
				(uint16_t)q->n, NULL, NULL);
		sim->stepping = -1;
		q->n = 0;
	}
}

static void
raise_noted_error(struct sim *sim)
{
	if (!sim->has_error)
		return;
	sim->has_error = false;
	sim_test_fail(__FILE__, __LINE__, "no error noted during the step",
		      "%s", sim->error);
}

static void pool_rebalance(struct sim_node *n);

/* Nodes under sim_pool_keep_free() start every step that many short. */
static void
squeeze_pools(struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nnodes; i++)
		if (sim->nodes[i].pool_held.keep_free)
			pool_rebalance(&sim->nodes[i]);
}

/* Every chain a stack holds stays valid (rte_mbuf_check), after every
 * step, so a malformed chain is caught where it is made rather than
 * when (and if) a DPDK debug build trips over it. */
static void
audit_mbufs(struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct sim_node *n = &sim->nodes[i];
		const char *reason = NULL;
		uint16_t lport = 0;

		if (n->ctx == NULL ||
		    tern_tcp_mbuf_audit(n->ctx, &lport, &reason) == 0)
			continue;
		sim_note_error(sim, "%s port %u holds an mbuf chain that fails "
			       "rte_mbuf_check(): %s", n->name, lport, reason);
	}
}

bool
sim_step(struct sim *sim, uint64_t until_ns)
{
	uint64_t t;

	flush_all(sim);
	t = next_event_ns(sim);
	if (t > until_ns) {
		if (until_ns != UINT64_MAX)
			set_clock(sim, until_ns);
		raise_noted_error(sim);
		return false;
	}
	if (t <= sim->now_ns &&
	    ++sim->same_time_steps > SIM_SAME_TIME_STEPS_MAX)
		sim_test_fail(__FILE__, __LINE__, "virtual time advances",
			      "livelock: %d steps at %.6f s (a stack keeps "
			      "reporting a deadline that is due?)",
			      SIM_SAME_TIME_STEPS_MAX, sim->now_ns / 1e9);
	set_clock(sim, t);
	squeeze_pools(sim);
	deliver_due(sim);
	step_stacks(sim);
	audit_mbufs(sim);
	raise_noted_error(sim);
	if (sim->hook != NULL)
		sim->hook(sim, sim->hook_arg);
	return true;
}

bool
sim_run_until(struct sim *sim, bool (*pred)(struct sim *, void *), void *arg,
	      uint64_t max_ns)
{
	uint64_t end = sim->now_ns + max_ns;

	while (!pred(sim, arg))
		if (!sim_step(sim, end))
			return pred(sim, arg);
	return true;
}

void
sim_run_for(struct sim *sim, uint64_t ns)
{
	uint64_t end = sim->now_ns + ns;

	while (sim_step(sim, end))
		;
}

void
sim_settle(struct sim *sim)
{
	while (sim_step(sim, sim->now_ns))
		;
}

void
sim_set_step_hook(struct sim *sim, sim_step_hook_fn fn, void *arg)
{
	sim->hook = fn;
	sim->hook_arg = arg;
}

void
sim_note_error(struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	if (sim->has_error)
		return;
	sim->has_error = true;
	va_start(ap, fmt);
	vsnprintf(sim->error, sizeof(sim->error), fmt, ap);
	va_end(ap);
}

/* --- checks --- */

uint32_t
sim_state_count(const struct sim_node *n, enum tern_tcp_state s)
{
	uint32_t counts[TERN_TCP_NSTATES];

	tern_tcp_state_counts(n->ctx, counts);
	return counts[s];
}

unsigned int
sim_in_flight(const struct sim *sim)
{
	return sim->nheap;
}

uint32_t
sim_conn_count(const struct sim_node *n)
{
	uint32_t counts[TERN_TCP_NSTATES];
	uint32_t sum = 0;

	tern_tcp_state_counts(n->ctx, counts);
	for (int s = 0; s < TERN_TCP_NSTATES; s++)
		if (s != TERN_TCP_LISTEN)
			sum += counts[s];
	return sum;
}

uint64_t
sim_stat(const struct sim_node *n, tern_stat_t id)
{
	return n->ctx->stats.c[id];
}

void
sim_assert_quiescent(struct sim *sim)
{
	/* An idle NIC has freed everything it sent. */
	sim_tx_complete(sim);
	SIM_ASSERT(sim->nheap == 0, "%u frames still in flight", sim->nheap);
	for (unsigned int i = 0; i < sim->nnodes; i++) {
		const struct sim_node *n = &sim->nodes[i];
		unsigned int used = rte_mempool_in_use_count(n->pool);

		SIM_ASSERT(n->inbox.count == 0,
			   "%s: %u unread frames in the inbox", n->name,
			   n->inbox.count);
		if (n->ctx != NULL)
			SIM_ASSERT(sim_conn_count(n) == 0,
				   "%s: %u connections left", n->name,
				   sim_conn_count(n));
		SIM_ASSERT(used == n->pool_in_use_idle,
			   "%s: %u mbufs in use, %u when idle", n->name, used,
			   n->pool_in_use_idle);
	}
}

/* --- memory pressure --- */

unsigned int
sim_pool_free_count(const struct sim_node *n)
{
	return rte_mempool_avail_count(n->pool);
}

void
sim_pool_hold(struct sim_node *n, unsigned int free_left)
{
	struct sim_pool_hold *h = &n->pool_held;
	unsigned int avail = rte_mempool_avail_count(n->pool);
	unsigned int take = avail > free_left ? avail - free_left : 0;

	if (h->n + take > h->cap) {
		struct rte_mbuf **m = realloc(h->m, (h->n + take) * sizeof(*m));

		SIM_ASSERT(m != NULL, "out of memory holding %u mbufs", take);
		h->m = m;
		h->cap = h->n + take;
	}
	/* The node pools have no per-lcore cache: what we take is gone. */
	SIM_ASSERT(rte_pktmbuf_alloc_bulk(n->pool, h->m + h->n, take) == 0,
		   "%s: cannot take %u of %u free mbufs", n->name, take,
		   avail);
	h->n += take;
}

void
sim_pool_keep_free(struct sim_node *n, unsigned int free_left)
{
	n->pool_held.keep_free = true;
	n->pool_held.free_left = free_left;
	pool_rebalance(n);
}

/* Hold or give back so that free_left mbufs are free (as far as the
 * held ones allow). */
static void
pool_rebalance(struct sim_node *n)
{
	unsigned int avail = rte_mempool_avail_count(n->pool);
	unsigned int want = n->pool_held.free_left;

	if (avail > want)
		sim_pool_hold(n, want);
	else if (avail < want)
		sim_pool_give(n, want - avail);
}

void
sim_pool_give(struct sim_node *n, unsigned int count)
{
	struct sim_pool_hold *h = &n->pool_held;

	count = RTE_MIN(count, h->n);
	h->n -= count;
	rte_pktmbuf_free_bulk(h->m + h->n, count);
}

void
sim_pool_release(struct sim_node *n)
{
	n->pool_held.keep_free = false;
	sim_pool_give(n, n->pool_held.n);
}
