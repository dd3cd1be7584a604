/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tern_socket.h on the simulator, where Linux gives no figure to compare
 * with (sock_dual.h covers those): a reader that falls behind closes
 * tern's window instead of queueing without bound, the zero-copy calls,
 * and what TCP_INFO reports after a transfer and after an RTO.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "tern_socket.h"
#include "sim.h"

struct pair {
	struct sim *sim;
	struct tern_sock_worker *w[2];
	int l, c, s;
};

static int
drive(void *arg, uint64_t deadline_ns)
{
	struct sim *sim = arg;

	if (deadline_ns == UINT64_MAX)
		return sim_step(sim, sim_now(sim) + 3600 * SIM_S) ? 0 : -EDEADLK;
	sim_step(sim, deadline_ns);
	return 0;
}

/* Two stacks, a listener on the second and a connection to it. */
static void
pair_open(struct pair *p)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(80) };
	int one = 1;

	p->sim = sim_create(sim_test_seed());
	for (unsigned int n = 0; n < 2; n++) {
		struct sim_node *node = sim_add_stack(p->sim, n ? "srv" : "cli",
						      NULL);
		struct tern_sock_worker_conf wc = {
			.ctx = node->ctx, .id = n, .max_fds = 16,
			.drive = drive, .drive_arg = p->sim,
		};

		SIM_ASSERT_EQ(tern_sock_worker_create(&wc, &p->w[n]), 0);
	}
	p->l = tern_socket(AF_INET, SOCK_STREAM, 0);
	SIM_CHECK(p->l >= 0);
	SIM_ASSERT_EQ(tern_bind(p->l, (struct sockaddr *)&sin, sizeof(sin)),
		      0);
	SIM_ASSERT_EQ(tern_listen(p->l, 4), 0);
	tern_sock_worker_enter(p->w[0]);
	p->c = tern_socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = sim_node(p->sim, 1)->ip;
	SIM_ASSERT_EQ(tern_connect(p->c, (struct sockaddr *)&sin,
				   sizeof(sin)), 0);
	SIM_ASSERT_EQ(tern_setsockopt(p->c, IPPROTO_TCP, TCP_NODELAY, &one,
				      sizeof(one)), 0);
	p->s = tern_accept(p->l, NULL, NULL);
	SIM_CHECK(p->s >= 0);
}

static void
pair_close(struct pair *p)
{
	for (unsigned int n = 0; n < 2; n++)
		tern_sock_worker_destroy(p->w[n]);
	sim_run_for(p->sim, 300 * SIM_S);
	SIM_ASSERT_EQ(sim_conn_count(sim_node(p->sim, 0)), 0);
	SIM_ASSERT_EQ(sim_conn_count(sim_node(p->sim, 1)), 0);
	sim_destroy(p->sim);
}

static void
fill(uint8_t *buf, uint64_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((off + i) * 7 + 3);
}

static struct tcp_info
info_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0xff, sizeof(ti));
	SIM_ASSERT_EQ(tern_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len),
		      0);
	SIM_ASSERT_EQ(len, sizeof(ti));
	return ti;
}

/*
 * A server that does not read: the client's writes stop (EAGAIN) once
 * SO_RCVBUF, tern's window and the client's send buffer are full; the
 * server's advertised window is then 0. Reading everything then lets
 * the rest through, every byte in order.
 */
static void
test_slow_reader_closes_window(void)
{
	static uint8_t buf[65536];
	struct pair p;
	uint64_t sent = 0, got = 0;
	const uint64_t total = 4u << 20;

	pair_open(&p);
	for (;;) {
		ssize_t n;

		fill(buf, sent, sizeof(buf));
		n = tern_send(p.c, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			SIM_ASSERT_EQ(errno, EAGAIN);
			sim_run_for(p.sim, 2 * SIM_S);
			n = tern_send(p.c, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0)
				break;
		}
		sent += (uint64_t)n;
		sim_settle(p.sim);
		SIM_ASSERT(sent < total, "no back-pressure after %llu bytes",
			   (unsigned long long)sent);
	}
	/* Bounded by SO_RCVBUF (128 KiB) + tern's 256 KiB window + the
	 * client's 256 KiB send buffer, with slack for the last writes. */
	SIM_ASSERT(sent < (768u << 10), "%llu bytes taken without reading",
		   (unsigned long long)sent);
	SIM_ASSERT_EQ(info_of(p.s).tcpi_rcv_space, 0);
	while (got < total) {
		ssize_t n;

		if (sent < total) {
			uint32_t len = (uint32_t)RTE_MIN((uint64_t)sizeof(buf),
							 total - sent);

			fill(buf, sent, len);
			n = tern_send(p.c, buf, len, MSG_DONTWAIT);
			if (n > 0)
				sent += (uint64_t)n;
		}
		n = tern_recv(p.s, buf, sizeof(buf), 0);
		SIM_CHECK(n > 0);
		for (ssize_t i = 0; i < n; i++)
			SIM_ASSERT(buf[i] == (uint8_t)((got + i) * 7 + 3),
				   "byte %llu differs",
				   (unsigned long long)(got + i));
		got += (uint64_t)n;
	}
	SIM_ASSERT_EQ(info_of(p.s).tcpi_rcv_space > 0, 1);
	SIM_ASSERT_EQ(info_of(p.s).tcpi_state, TCP_ESTABLISHED);
	pair_close(&p);
}

/*
 * MSG_WAITALL for more than SO_RCVBUF: the reader takes the bytes as
 * they arrive, so tern's window stays open and the call completes
 * (waiting for all of them to be queued first closed the window and
 * stalled until SO_RCVTIMEO, with a short count).
 */
static void
test_waitall_beyond_rcvbuf(void)
{
	static uint8_t buf[512u << 10];
	const struct timeval tv = { .tv_sec = 10 };
	struct pair p;
	uint32_t sent = 0;
	ssize_t n;

	pair_open(&p);
	while (sent < sizeof(buf)) {
		fill(buf, sent, sizeof(buf) - sent);
		n = tern_send(p.c, buf, sizeof(buf) - sent, MSG_DONTWAIT);
		if (n > 0)
			sent += (uint32_t)n;
		sim_run_for(p.sim, SIM_MS);
	}
	SIM_ASSERT_EQ(tern_setsockopt(p.s, SOL_SOCKET, SO_RCVTIMEO, &tv,
				      sizeof(tv)), 0);
	memset(buf, 0, sizeof(buf));
	n = tern_recv(p.s, buf, sizeof(buf), MSG_WAITALL);
	SIM_ASSERT_EQ(n, (ssize_t)sizeof(buf));
	for (uint32_t i = 0; i < sizeof(buf); i++)
		SIM_ASSERT(buf[i] == (uint8_t)(i * 7 + 3), "byte %u differs", i);
	pair_close(&p);
}

/* Connect a socket of @p domain on worker 0 to port @p port of node 1
 * (its IPv4 or IPv6 address); @return the descriptor, connected. */
static int
family_connect_rc(struct pair *p, int domain, uint16_t port, int *fd_out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = sim_node(p->sim, 1)->ip };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };
	int fd;

	memcpy(&sin6.sin6_addr, sim_node(p->sim, 1)->ip6.b, 16);
	tern_sock_worker_enter(p->w[0]);
	fd = tern_socket(domain, SOCK_STREAM, 0);
	SIM_CHECK(fd >= 0);
	*fd_out = fd;
	return domain == AF_INET ?
	       tern_connect(fd, (struct sockaddr *)&sin, sizeof(sin)) :
	       tern_connect(fd, (struct sockaddr *)&sin6, sizeof(sin6));
}

/* A connected client of @p domain on node 0 to node 1's @p port. */
static int
family_connect(struct pair *p, int domain, uint16_t port)
{
	int fd;

	SIM_ASSERT_EQ(family_connect_rc(p, domain, port, &fd), 0);
	return fd;
}

/* A listening socket of @p domain (IPV6_V6ONLY @p v6only) on node 1. */
static int
family_listen(struct pair *p, int domain, bool v6only, uint16_t port)
{
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int one = 1, fd;

	tern_sock_worker_enter(p->w[1]);
	fd = tern_socket(domain, SOCK_STREAM | SOCK_NONBLOCK, 0);
	SIM_CHECK(fd >= 0);
	if (v6only)
		SIM_ASSERT_EQ(tern_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
					      &one, sizeof(one)), 0);
	SIM_ASSERT_EQ(domain == AF_INET ?
		      tern_bind(fd, (struct sockaddr *)&any, sizeof(any)) :
		      tern_bind(fd, (struct sockaddr *)&any6, sizeof(any6)),
		      0);
	SIM_ASSERT_EQ(tern_listen(fd, 8), 0);
	return fd;
}

/*
 * A socket that does not take a family (AF_INET, or IPV6_V6ONLY) has
 * the stack refuse its SYNs as Linux does: RST to the SYN, the client's
 * connect ends in ECONNREFUSED, the server had no connection of it and
 * nothing reaches the accept queue; a connection of the right family
 * gets through.
 */
static void
test_listener_family_refused(void)
{
	struct pair p = { 0 };
	struct sim_node *srv;
	uint64_t rsts, no_conn;
	int l4, l6, c, s;

	p.sim = sim_create(sim_test_seed());
	sim_use_ipv6(p.sim, true);
	for (unsigned int n = 0; n < 2; n++) {
		struct sim_node *node = sim_add_stack(p.sim, n ? "srv" : "cli",
						      NULL);
		struct tern_sock_worker_conf wc = {
			.ctx = node->ctx, .id = n, .max_fds = 16,
			.drive = drive, .drive_arg = p.sim,
		};

		SIM_ASSERT_EQ(tern_sock_worker_create(&wc, &p.w[n]), 0);
	}
	sim_run_for(p.sim, 2 * SIM_S);  /* DAD */
	srv = sim_node(p.sim, 1);
	l4 = family_listen(&p, AF_INET, false, 80);
	l6 = family_listen(&p, AF_INET6, true, 81);
	for (int i = 0; i < 2; i++) {
		int l = i == 0 ? l4 : l6;

		rsts = sim_stat(srv, TERN_STAT_TCP_OUT_RSTS);
		no_conn = sim_stat(srv, TERN_STAT_TCP_DROP_NO_CONN);
		SIM_ASSERT_EQ(family_connect_rc(&p, i == 0 ? AF_INET6 :
						AF_INET, i == 0 ? 80 : 81, &c),
			      -1);
		SIM_ASSERT_EQ(errno, ECONNREFUSED);
		/* the SYN met a closed port: one RST, no connection */
		SIM_ASSERT_EQ(sim_stat(srv, TERN_STAT_TCP_OUT_RSTS), rsts + 1);
		SIM_ASSERT_EQ(sim_stat(srv, TERN_STAT_TCP_DROP_NO_CONN),
			      no_conn + 1);
		SIM_ASSERT_EQ(sim_state_count(srv, TERN_TCP_SYN_RCVD), 0);
		SIM_ASSERT_EQ(sim_state_count(srv, TERN_TCP_ESTABLISHED), 0);
		SIM_ASSERT_EQ(tern_accept(l, NULL, NULL), -1);
		SIM_ASSERT_EQ(errno, EAGAIN);
		SIM_ASSERT_EQ(tern_close(c), 0);
		/* The family it takes still gets through. */
		c = family_connect(&p, i == 0 ? AF_INET : AF_INET6,
				   i == 0 ? 80 : 81);
		sim_settle(p.sim);
		s = tern_accept(l, NULL, NULL);
		SIM_CHECK(s >= 0);
		SIM_ASSERT_EQ(tern_close(s), 0);
		SIM_ASSERT_EQ(tern_close(c), 0);
	}
	SIM_ASSERT_EQ(tern_close(l4), 0);
	SIM_ASSERT_EQ(tern_close(l6), 0);
	pair_close(&p);
}

/* tern_send_mbuf sends a chain and frees it; tern_recv_mbuf hands over
 * what arrived without copying; the pools come back (sim_destroy). */
static void
test_mbuf_calls(void)
{
	struct pair p;
	struct rte_mbuf *m, *seg;
	uint64_t got = 0;
	uint32_t sent = 0;

	pair_open(&p);
	m = rte_pktmbuf_alloc(sim_node(p.sim, 0)->pool);
	SIM_CHECK(m != NULL);
	for (unsigned int k = 0; k < 3; k++) {
		struct rte_mbuf *s = k == 0 ? m :
			rte_pktmbuf_alloc(sim_node(p.sim, 0)->pool);
		uint8_t *d;

		SIM_CHECK(s != NULL);
		d = (uint8_t *)rte_pktmbuf_append(s, 1000);
		SIM_CHECK(d != NULL);
		fill(d, sent, 1000);
		sent += 1000;
		if (k > 0)
			SIM_ASSERT_EQ(rte_pktmbuf_chain(m, s), 0);
	}
	SIM_ASSERT_EQ(tern_send_mbuf(p.c, m, 0), 3000);
	while (got < 3000) {
		ssize_t n = tern_recv_mbuf(p.s, &m, 0, 0);

		SIM_CHECK(n > 0);
		SIM_ASSERT_EQ(rte_pktmbuf_pkt_len(m), (uint64_t)n);
		for (seg = m; seg != NULL; seg = seg->next)
			for (uint16_t i = 0; i < seg->data_len; i++, got++)
				SIM_ASSERT_EQ(rte_pktmbuf_mtod(seg,
							       uint8_t *)[i],
					      (uint8_t)(got * 7 + 3));
		rte_pktmbuf_free(m);
	}
	SIM_ASSERT_EQ(got, 3000);
	pair_close(&p);
}

/* TCP_INFO after 100 KB each way, as Linux fills it. */
static void
test_tcp_info_after_transfer(void)
{
	static uint8_t buf[100000];
	struct pair p;
	struct tcp_info ti;
	ssize_t n;

	pair_open(&p);
	fill(buf, 0, sizeof(buf));
	SIM_ASSERT_EQ(tern_send(p.c, buf, sizeof(buf), 0), sizeof(buf));
	n = tern_recv(p.s, buf, sizeof(buf), MSG_WAITALL);
	SIM_ASSERT_EQ(n, sizeof(buf));
	sim_run_for(p.sim, 1 * SIM_S);
	ti = info_of(p.c);
	SIM_ASSERT_EQ(ti.tcpi_state, TCP_ESTABLISHED);
	SIM_ASSERT_EQ(ti.tcpi_unacked, 0);
	SIM_CHECK(ti.tcpi_snd_mss >= 536 && ti.tcpi_snd_mss <= 1460);
	SIM_CHECK(ti.tcpi_rto >= 200000);
	SIM_CHECK(ti.tcpi_snd_cwnd > 0);
	SIM_CHECK(ti.tcpi_options & TCPI_OPT_SACK);
	SIM_ASSERT_EQ(ti.tcpi_total_retrans, 0);
	ti = info_of(p.s);
	SIM_ASSERT_EQ(ti.tcpi_state, TCP_ESTABLISHED);
	pair_close(&p);
}

/* bytes_acked / bytes_received lie past glibc's struct: read them at
 * Linux's offsets (tcpi_total_retrans + 4 + two u64 pacing rates). */
static void
test_tcp_info_byte_counts(void)
{
	static uint8_t buf[30000];
	uint8_t raw[sizeof(struct tcp_info) + 40];
	socklen_t len = sizeof(raw);
	size_t base = sizeof(struct tcp_info) + 16;
	uint64_t acked, received;
	struct pair p;

	pair_open(&p);
	fill(buf, 0, sizeof(buf));
	SIM_ASSERT_EQ(tern_send(p.c, buf, sizeof(buf), 0), sizeof(buf));
	SIM_ASSERT_EQ(tern_recv(p.s, buf, sizeof(buf), MSG_WAITALL),
		      sizeof(buf));
	sim_run_for(p.sim, 1 * SIM_S);
	SIM_ASSERT_EQ(tern_getsockopt(p.c, IPPROTO_TCP, TCP_INFO, raw, &len),
		      0);
	SIM_ASSERT_EQ(len, sizeof(struct tcp_info) + 40);
	memcpy(&acked, raw + base, sizeof(acked));
	SIM_ASSERT_EQ(acked, sizeof(buf));
	len = sizeof(raw);
	SIM_ASSERT_EQ(tern_getsockopt(p.s, IPPROTO_TCP, TCP_INFO, raw, &len),
		      0);
	memcpy(&received, raw + base + 8, sizeof(received));
	SIM_ASSERT_EQ(received, sizeof(buf));
	pair_close(&p);
}

/* Linux's struct tcp_info past glibc's: bytes_acked, bytes_received,
 * segs_out, segs_in (after tcpi_total_retrans + 4 + two u64 pacing
 * rates). */
struct info_tail {
	uint64_t bytes_acked, bytes_received;
	uint32_t segs_out, segs_in;
};

static struct info_tail
info_tail_of(int fd)
{
	uint8_t raw[sizeof(struct tcp_info) + 40];
	socklen_t len = sizeof(raw);
	struct info_tail t;

	memset(raw, 0xff, sizeof(raw));
	SIM_ASSERT_EQ(tern_getsockopt(fd, IPPROTO_TCP, TCP_INFO, raw, &len),
		      0);
	SIM_ASSERT_EQ(len, sizeof(raw));
	memcpy(&t, raw + sizeof(struct tcp_info) + 16, sizeof(t));
	return t;
}

/*
 * segs_in / segs_out count every segment of the connection, the
 * handshake's and the pure ACKs included: with one connection per stack
 * and a clean wire they are what each stack put on the wire, and what
 * one end sent the other received.
 */
static void
test_tcp_info_segment_counts(void)
{
	static uint8_t buf[20000];
	struct info_tail c, s;
	struct pair p;

	pair_open(&p);
	fill(buf, 0, sizeof(buf));
	SIM_ASSERT_EQ(tern_send(p.c, buf, sizeof(buf), 0), sizeof(buf));
	SIM_ASSERT_EQ(tern_recv(p.s, buf, sizeof(buf), MSG_WAITALL),
		      sizeof(buf));
	SIM_ASSERT_EQ(tern_send(p.s, buf, 100, 0), 100);
	SIM_ASSERT_EQ(tern_recv(p.c, buf, 100, MSG_WAITALL), 100);
	sim_run_for(p.sim, 1 * SIM_S);
	c = info_tail_of(p.c);
	s = info_tail_of(p.s);
	/* SYN and at least 14 full segments of 1460 bytes or less. */
	SIM_CHECK(c.segs_out >= 1 + sizeof(buf) / 1460);
	SIM_ASSERT_EQ(c.segs_out, sim_node(p.sim, 0)->tcp_frames_out);
	SIM_ASSERT_EQ(s.segs_out, sim_node(p.sim, 1)->tcp_frames_out);
	SIM_ASSERT_EQ(c.segs_in, s.segs_out);
	SIM_ASSERT_EQ(s.segs_in, c.segs_out);
	SIM_ASSERT_EQ(info_of(p.c).tcpi_lost, 0);
	pair_close(&p);
}

/*
 * tcpi_lost: nothing while data is merely in flight; after an RTO every
 * segment outstanding (Linux's tcp_enter_loss()); nothing once the
 * retransmissions are acknowledged.
 */
static void
test_tcp_info_lost_after_rto(void)
{
	static uint8_t buf[4 * 1000];
	struct tcp_info ti;
	struct pair p;
	uint32_t segs;
	int drop;

	pair_open(&p);
	drop = sim_drop_all(p.sim, sim_node(p.sim, 0), sim_node(p.sim, 1),
			    SIM_ACK);
	fill(buf, 0, sizeof(buf));
	SIM_ASSERT_EQ(tern_send(p.c, buf, sizeof(buf), MSG_DONTWAIT),
		      sizeof(buf));
	/* In flight, before any timer: the handshake's sub-ms round trip
	 * is an SRTT of one tick, so the loss probe is due at its 10 ms
	 * floor. */
	sim_run_for(p.sim, 1 * SIM_MS);
	ti = info_of(p.c);
	SIM_CHECK(ti.tcpi_unacked >= 1);
	SIM_ASSERT_EQ(ti.tcpi_lost, 0);
	SIM_ASSERT_EQ(ti.tcpi_total_retrans, 0);
	segs = ti.tcpi_unacked;
	/* Past the first RTO (its floor is 200 ms), the wire still dead. */
	sim_run_for(p.sim, 300 * SIM_MS);
	ti = info_of(p.c);
	SIM_CHECK(ti.tcpi_total_retrans >= 1);
	SIM_ASSERT_EQ(ti.tcpi_lost, segs);
	SIM_ASSERT_EQ(info_tail_of(p.c).segs_out,
		      sim_node(p.sim, 0)->tcp_frames_out);
	sim_tamper_del(p.sim, drop);
	SIM_ASSERT_EQ(tern_recv(p.s, buf, sizeof(buf), MSG_WAITALL),
		      sizeof(buf));
	sim_run_for(p.sim, 1 * SIM_S);
	ti = info_of(p.c);
	SIM_ASSERT_EQ(ti.tcpi_unacked, 0);
	SIM_ASSERT_EQ(ti.tcpi_lost, 0);
	pair_close(&p);
}

int
main(int argc, char **argv)
{
	static const struct sim_test tests[] = {
		SIM_TEST(test_slow_reader_closes_window),
		SIM_TEST(test_waitall_beyond_rcvbuf),
		SIM_TEST(test_listener_family_refused),
		SIM_TEST(test_mbuf_calls),
		SIM_TEST(test_tcp_info_after_transfer),
		SIM_TEST(test_tcp_info_byte_counts),
		SIM_TEST(test_tcp_info_segment_counts),
		SIM_TEST(test_tcp_info_lost_after_rto),
	};

	sim_eal_init(argv[0]);
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 13);
}
