/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What TCP sees of the IP layer (RFC 9293 3.9.2): IP options it does not
 * understand are ignored (MUST-50); ICMP Source Quench is discarded
 * (MUST-55); soft ICMP errors -- destination unreachable codes 0, 1 and
 * 5, time exceeded, parameter problem -- never abort a connection
 * (MUST-56). Soft errors are recorded on the connection (MUST-54,
 * tcp_icmp.c) and must otherwise leave it exactly as it was. Over IPv6
 * the ICMPv6 soft errors (RFC 4443: unreachable, hop limit exceeded,
 * parameter problem) do the same; IPv6 has no Source Quench, and its
 * counterpart of IPv4 options is extension headers (MUST-50).
 */
#include <string.h>
#include <netinet/in.h>

#include "tcp_fixture.h"

#define ETH_HLEN 14
#define IP_HLEN 20
/* A parameter problem's pointer at the quoted TCP header (IPv4's 20
 * bytes in; ICMPv6's is a 32-bit field, 40 bytes in) */
#define PARAM_PTR_TCP (sim_family(p->sim) == 6 ? 40u : 20u << 24)

/*
 * Send @p s (over IPv6) from P with the extension headers @p ext
 * (@p ext_len bytes, the first naming TCP... as the caller chains them)
 * between the IPv6 header and TCP; P's sequence tracking follows.
 */
static void
send_with_ext_headers(struct peer *p, const struct sim_tcp_spec *s,
		      const uint8_t *ext, uint8_t ext_len, uint8_t first_nh)
{
	struct rte_mbuf *m = sim_build_tcp(p->p->pool, s);
	uint8_t frame[ETH_HLEN + 40 + 255 + 1600];
	uint8_t *ip = frame + ETH_HLEN;
	const uint8_t *src;
	uint16_t plen;
	uint32_t len;

	SIM_ASSERT(m != NULL && m->nb_segs == 1, "cannot build the segment");
	len = rte_pktmbuf_pkt_len(m);
	SIM_ASSERT(len + ext_len <= sizeof(frame), "frame too long");
	src = rte_pktmbuf_mtod(m, const uint8_t *);
	memcpy(frame, src, ETH_HLEN + 40);
	memcpy(ip + 40, ext, ext_len);
	memcpy(ip + 40 + ext_len, src + ETH_HLEN + 40, len - ETH_HLEN - 40);
	rte_pktmbuf_free(m);
	/* the payload length grows and the chain starts with the first
	 * extension header; the TCP checksum is unchanged (its
	 * pseudo-header has the upper-layer length and next header) */
	plen = (uint16_t)(((ip[4] << 8) | ip[5]) + ext_len);
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = first_nh;
	peer_send_frame(p, frame, len + ext_len);
	if (s->seq == p->snd_nxt || (s->flags & SIM_SYN))
		p->snd_nxt = s->seq + s->len + !!(s->flags & SIM_SYN) +
			     !!(s->flags & SIM_FIN);
}

/*
 * Send @p s from P as a frame whose IPv4 header carries the @p opt_len
 * (a multiple of 4) option bytes @p opts; P's sequence tracking follows.
 * Over IPv6 the counterpart: a hop-by-hop header with a Router Alert
 * and a PadN, and a destination options header with an option of an
 * unknown type that says "skip" (RFC 8200 4.2).
 */
static void
send_with_ip_options(struct peer *p, const struct sim_tcp_spec *s,
		     const uint8_t *opts, uint8_t opt_len)
{
	struct rte_mbuf *m = sim_build_tcp(p->p->pool, s);
	uint8_t frame[ETH_HLEN + 60 + 1600];
	uint8_t *ip = frame + ETH_HLEN;
	const uint8_t *src;
	uint16_t total, csum;
	uint32_t len;

	if (sim_family(p->sim) == 6) {
		static const uint8_t ext[] = {
			/* hop-by-hop: next dst options; RA(0), PadN */
			60, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
			/* dst options: next TCP; unknown type 0x1e (skip),
			 * 4 bytes, then PadN of 0 */
			IPPROTO_TCP, 0, 0x1e, 0x04, 0xde, 0xad, 0x01, 0x00,
		};

		rte_pktmbuf_free(m);
		send_with_ext_headers(p, s, ext, sizeof(ext), 0);
		return;
	}
	SIM_ASSERT(m != NULL && m->nb_segs == 1, "cannot build the segment");
	len = rte_pktmbuf_pkt_len(m);
	SIM_ASSERT(len + opt_len <= sizeof(frame), "frame too long");
	src = rte_pktmbuf_mtod(m, const uint8_t *);
	memcpy(frame, src, ETH_HLEN + IP_HLEN);
	memcpy(ip + IP_HLEN, opts, opt_len);
	memcpy(ip + IP_HLEN + opt_len, src + ETH_HLEN + IP_HLEN,
	       len - ETH_HLEN - IP_HLEN);
	rte_pktmbuf_free(m);
	/* IHL and total length grow; the TCP checksum is unchanged (its
	 * pseudo-header counts only the TCP length) */
	ip[0] = (uint8_t)(0x40 | (IP_HLEN + opt_len) / 4);
	total = (uint16_t)(((ip[2] << 8) | ip[3]) + opt_len);
	ip[2] = (uint8_t)(total >> 8);
	ip[3] = (uint8_t)total;
	ip[10] = 0;
	ip[11] = 0;
	csum = sim_csum_fold(sim_csum_add(0, ip, IP_HLEN + opt_len));
	ip[10] = (uint8_t)(csum >> 8);
	ip[11] = (uint8_t)csum;
	peer_send_frame(p, frame, len + opt_len);
	if (s->seq == p->snd_nxt || (s->flags & SIM_SYN))
		p->snd_nxt = s->seq + s->len + !!(s->flags & SIM_SYN) +
			     !!(s->flags & SIM_FIN);
}

/*
 * MUST-50: a SYN and a data segment whose IPv4 headers carry options
 * TCP does not understand (NOPs, Router Alert, an unassigned kind,
 * EOL) are processed as if the options were absent; over IPv6, with
 * hop-by-hop and destination options headers before TCP.
 */
static void
test_must50_ip_options_ignored(void)
{
	static const uint8_t opts[] = {
		0x01, 0x01, 0x94, 0x04, 0x00, 0x00,   /* NOP NOP RA(0) */
		0x9e, 0x06, 0xde, 0xad, 0xbe, 0xef,   /* unassigned kind 30 */
		0x00, 0x00, 0x00, 0x00,               /* EOL, padding */
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_tcp_spec s;
	struct sim_pkt seg;
	struct sim_conn *r;

	p->tport = FX_PORT;
	p->snd_nxt = p->iss;
	s = peer_seg(p, SIM_SYN, p->iss, 0);
	send_with_ip_options(p, &s, opts, sizeof(opts));
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_SYN | SIM_ACK, SEQ_ANY, p->iss + 1);
	peer_send_ack(p);
	SIM_ASSERT_EQ(l->naccepted, 1);
	r = l->last;
	s = peer_seg(p, SIM_ACK | SIM_PSH, p->snd_nxt, p->rcv_nxt);
	s.data = "options";
	s.len = 7;
	send_with_ip_options(p, &s, opts, sizeof(opts));
	SIM_ASSERT_EQ(r->rx_bytes, 7);
	SIM_CHECK(memcmp(r->rx, "options", 7) == 0);
	PEER_EXPECT(p, SIM_S, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, p->rcv_nxt, p->snd_nxt);
	/* T's own datagrams carry no option (no extension header) */
	SIM_ASSERT_EQ(seg.h.ip_len, (sim_family(p->sim) == 6 ? 40 : IP_HLEN) +
		      seg.h.doff_bytes);
	SIM_ASSERT_EQ(fx_tcp_drops(p->t), 0);
	peer_destroy(p);
}

/*
 * MUST-55, MUST-56: Source Quench and every soft error, each quoting
 * the segment T has in flight: nothing is sent, nothing is aborted, the
 * data in flight is neither resent early nor lost, and the connection
 * goes on carrying data both ways.
 */
static void
test_must56_soft_icmp_errors_do_not_abort(void)
{
	/* the last of each list is a parameter problem, pointing into
	 * the TCP header */
	static const struct {
		uint8_t type, code;
	} errs[] = {
		{ 4, 0 },    /* source quench (MUST-55) */
		{ 3, 0 },    /* net unreachable */
		{ 3, 1 },    /* host unreachable */
		{ 3, 5 },    /* source route failed */
		{ 11, 0 },   /* time exceeded in transit */
		{ 11, 1 },   /* reassembly time exceeded */
		{ 12, 0 },   /* parameter problem */
	}, errs6[] = {
		{ 1, 0 },    /* destination unreachable: no route */
		{ 1, 2 },    /* beyond the scope of the source address */
		{ 1, 3 },    /* address unreachable */
		{ 3, 0 },    /* hop limit exceeded in transit */
		{ 3, 1 },    /* reassembly time exceeded */
		{ 4, 0 },    /* parameter problem */
	};
	struct sim_listener *l;
	struct peer *p = fx_peer(NULL, &l);
	struct sim_conn *r = peer_open_passive(p, l);
	bool v6 = sim_family(p->sim) == 6;
	unsigned int nerrs = v6 ? RTE_DIM(errs6) : RTE_DIM(errs);
	tern_stat_t in_msgs = v6 ? TERN_STAT_ICMP6_IN_MSGS :
				   TERN_STAT_ICMP_IN_MSGS;
	uint64_t icmp_in = sim_stat(p->t, in_msgs);
	uint64_t out = sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS);
	struct tern_tcp_info info;
	struct sim_pkt seg;
	uint32_t inflight;

	SIM_ASSERT_EQ(sim_conn_send_pattern(r, 1000), 1000);
	PEER_EXPECT(p, 0, &seg);
	inflight = seg.h.seq;
	out = sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS);
	icmp_in = sim_stat(p->t, in_msgs);
	for (unsigned int i = 0; i < nerrs; i++) {
		uint8_t type = v6 ? errs6[i].type : errs[i].type;
		uint8_t code = v6 ? errs6[i].code : errs[i].code;

		peer_send_icmp_error(p, type, code,
				     i + 1 == nerrs ? PARAM_PTR_TCP : 0,
				     inflight);
		SIM_ASSERT(sim_conn_state(r) == TERN_TCP_ESTABLISHED &&
			   r->closed == 0, "ICMP type %u code %u ended it",
			   type, code);
	}
	PEER_EXPECT_NONE(p, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, in_msgs), icmp_in + nerrs);
	/* Source Quench is discarded below TCP; the soft errors reach the
	 * connection (it quotes the segment in flight) and are recorded,
	 * the last one readable by the app */
	if (!v6)
		SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_ICMP_IN_UNHANDLED), 1);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_ICMP_SOFT_ERRORS),
		      v6 ? nerrs : nerrs - 1);
	tern_tcp_get_info(r->c, &info);
	SIM_ASSERT_EQ(info.icmp_type, v6 ? 4 : 12);
	SIM_ASSERT_EQ(info.icmp_code, 0);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_OUT_SEGS), out);
	/* the segment in flight is acknowledged as usual; data goes on */
	peer_send_ack(p);
	peer_send_data(p, "after", 5);
	SIM_ASSERT_EQ(r->rx_bytes, 5);
	SIM_ASSERT_EQ(sim_conn_send(r, "alive", 5), 5);
	PEER_EXPECT(p, 0, &seg);
	PEER_ASSERT_SEG(&seg, SIM_ACK, inflight + 1000, p->snd_nxt);
	SIM_ASSERT_EQ(seg.h.payload_len, 5);
	peer_send_ack(p);
	SIM_ASSERT_EQ(sim_stat(p->t, TERN_STAT_TCP_RETRANS_SEGS), 0);
	SIM_ASSERT_STATE(sim_conn_state(r), TERN_TCP_ESTABLISHED);
	peer_destroy(p);
}

const struct sim_test tcp_tests_catalogue_ip[] = {
	SIM_TEST(test_must50_ip_options_ignored),
	SIM_TEST(test_must56_soft_icmp_errors_do_not_abort),
};
const unsigned int tcp_tests_catalogue_ip_n = RTE_DIM(tcp_tests_catalogue_ip);
