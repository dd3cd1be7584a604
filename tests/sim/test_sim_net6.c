/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 below TCP on the simulated wire: Duplicate Address Detection,
 * Neighbour Discovery both ways (between two stacks, and with a scripted
 * peer whose frames are built byte by byte here), echo, the neighbour
 * states REACHABLE -> STALE -> DELAY -> PROBE, resolution giving up,
 * malformed datagrams and ND messages counted and dropped with no mbuf
 * kept, parameter problems and their rate limit, and a DAD conflict.
 */
#include <string.h>
#include <netinet/in.h>

#include <rte_ip.h>

#include "tern_net.h"
#include "sim.h"
#include "sim_test.h"

#define ECHO_REQUEST 128
#define ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define PARAM_PROB 4
#define NH_FRAGMENT 44
#define NH_DSTOPTS 60
#define ECHO_ID 0x6e64
#define FRAME_MAX 1600
/* lib/net's rate limit (net_priv.h NET_ICMP6_ERR_BURST): Linux's burst */
#define ICMP6_ERR_BURST 50u

/* ff02::1 */
static const struct tern_ip6 all_nodes = {
	.b = { 0xff, 0x02, [15] = 0x01 },
};

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The ICMPv6 checksum of @p len bytes at @p icmp (RFC 8200 8.1). */
static uint16_t
icmp6_sum(const struct tern_ip6 *src, const struct tern_ip6 *dst,
	  const uint8_t *icmp, size_t len)
{
	uint8_t ph[40];

	memset(ph, 0, sizeof(ph));
	memcpy(ph, src->b, 16);
	memcpy(ph + 16, dst->b, 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = IPPROTO_ICMPV6;
	return sum16(icmp, len, sum16(ph, sizeof(ph), 0));
}

/*
 * A frame from script @p p: Ethernet to @p eth_dst, IPv6 from @p src to
 * @p dst with next header @p nh and hop limit @p hop, then @p len bytes
 * of @p payload. With @p icmp_at >= 0 the ICMPv6 checksum of the message
 * starting there in the payload is filled.
 */
static struct rte_mbuf *
frame6(struct sim_node *p, const struct rte_ether_addr *eth_dst,
       const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t nh,
       uint8_t hop, const uint8_t *payload, size_t len, int icmp_at)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(p->pool);
	size_t flen = 14 + 40 + len;
	uint8_t *f;

	SIM_CHECK(m != NULL);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)RTE_MAX(flen,
							       (size_t)60));
	SIM_CHECK(f != NULL);
	memset(f, 0, RTE_MAX(flen, (size_t)60));
	memcpy(f, eth_dst->addr_bytes, 6);
	memcpy(f + 6, p->mac.addr_bytes, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)(len >> 8);
	f[19] = (uint8_t)len;
	f[20] = nh;
	f[21] = hop;
	memcpy(f + 22, src->b, 16);
	memcpy(f + 38, dst->b, 16);
	memcpy(f + 54, payload, len);
	if (icmp_at >= 0) {
		uint8_t *icmp = f + 54 + icmp_at;
		uint16_t s = icmp6_sum(src, dst, icmp, len - (size_t)icmp_at);

		icmp[2] = (uint8_t)(~s >> 8);
		icmp[3] = (uint8_t)~s;
	}
	return m;
}

/* An NS from @p p for @p target, from @p src (:: for DAD: no option)
 * to @p dst, hop limit @p hop. */
static void
send_ns(struct sim_node *p, const struct tern_ip6 *src,
	const struct tern_ip6 *dst, const struct tern_ip6 *target,
	uint8_t hop)
{
	struct rte_ether_addr mac;
	uint8_t ns[32];
	size_t len = tern_ip6_is_unspec(src) ? 24 : 32;

	memset(ns, 0, sizeof(ns));
	ns[0] = ND_NS;
	memcpy(ns + 8, target->b, 16);
	ns[24] = 1;
	ns[25] = 1;
	memcpy(ns + 26, p->mac.addr_bytes, 6);
	if (tern_ip6_is_multicast(dst))
		tern_ip6_mc_mac(dst, &mac);
	else
		mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, dst->b[15] } };
	sim_wire_send(p, frame6(p, &mac, src, dst, IPPROTO_ICMPV6, hop, ns,
				len, 0));
}

/* P tells T its MAC the way a host does: an NS for T's address. T
 * answers; the answer is checked and consumed. */
static void
script_meets(struct sim_node *p, struct sim_node *t)
{
	struct tern_ip6 group;
	struct rte_mbuf *m;
	const uint8_t *f;

	tern_ip6_solicited_node(&t->ip6, &group);
	send_ns(p, &p->ip6, &group, &t->ip6, 255);
	sim_settle(p->sim);
	m = sim_inbox_pop(p);
	SIM_ASSERT(m != NULL, "no neighbour advertisement");
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	SIM_ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14 + 40 + 32);
	SIM_CHECK(memcmp(f, p->mac.addr_bytes, 6) == 0);
	SIM_CHECK(memcmp(f + 6, t->mac.addr_bytes, 6) == 0);
	SIM_ASSERT_EQ(f[20], IPPROTO_ICMPV6);
	SIM_ASSERT_EQ(f[21], 255);
	SIM_CHECK(memcmp(f + 22, t->ip6.b, 16) == 0);
	SIM_CHECK(memcmp(f + 38, p->ip6.b, 16) == 0);
	SIM_ASSERT_EQ(f[54], ND_NA);
	SIM_ASSERT_EQ(f[58], 0x60);                     /* S, O */
	SIM_CHECK(memcmp(f + 62, t->ip6.b, 16) == 0);   /* target */
	SIM_ASSERT_EQ(f[78], 2);                        /* TLLA option */
	SIM_ASSERT_EQ(f[79], 1);
	SIM_CHECK(memcmp(f + 80, t->mac.addr_bytes, 6) == 0);
	SIM_ASSERT_EQ(icmp6_sum(&t->ip6, &p->ip6, f + 54, 32), 0xffff);
	rte_pktmbuf_free(m);
}

/* An ICMPv6 echo request from stack @p a to @p dst, as an application
 * on tern would send it. */
static int
ping6(struct sim_node *a, const struct tern_ip6 *dst, uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(a->pool);
	uint8_t *p;

	SIM_CHECK(m != NULL);
	p = (uint8_t *)rte_pktmbuf_append(m, 8 + 32);
	SIM_CHECK(p != NULL);
	memset(p, 0, 8 + 32);
	p[0] = ECHO_REQUEST;
	p[4] = ECHO_ID >> 8;
	p[5] = ECHO_ID & 0xff;
	p[6] = (uint8_t)(seq >> 8);
	p[7] = (uint8_t)seq;
	for (unsigned int i = 0; i < 32; i++)
		p[8 + i] = (uint8_t)(seq + i);
	return tern_ipv6_output(a->ctx, m, NULL, dst, IPPROTO_ICMPV6, 0);
}

static enum tern_nd_addr_state
addr_state(const struct sim_node *n, enum tern_nd_addr_slot slot)
{
	struct tern_ip6 a;

	return tern_ipv6_addr(n->ctx, slot, &a);
}

/* A's echo to B: DAD first (nothing usable before it ends), then
 * resolution (NS multicast, NA), the echo and its reply; B learned A
 * from the NS (STALE), so its reply goes at once and B's entry walks
 * DELAY -> PROBE: a unicast NS that A answers. */
static void
test_net6_dad_and_ping_two_stacks(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *a, *b;
	struct tern_ip6 ll;

	sim_use_ipv6(sim, true);
	a = sim_add_stack(sim, "A", NULL);
	b = sim_add_stack(sim, "B", NULL);
	sim_run_for(sim, 10 * SIM_MS);
	/* one DAD probe per address, nothing usable yet */
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_OUT_SOLICITS), 2);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_OUT_SOLICITS), 2);
	SIM_ASSERT_EQ(addr_state(a, TERN_ND_ADDR_GLOBAL),
		      TERN_ND_ADDR_TENTATIVE);
	SIM_ASSERT_EQ(ping6(a, &b->ip6, 1), -EHOSTUNREACH);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_IP6_OUT_NO_ROUTE), 1);
	sim_run_for(sim, 1100 * SIM_MS);
	SIM_ASSERT_EQ(addr_state(a, TERN_ND_ADDR_GLOBAL),
		      TERN_ND_ADDR_PREFERRED);
	SIM_ASSERT_EQ(tern_ipv6_addr(a->ctx, TERN_ND_ADDR_LL, &ll),
		      TERN_ND_ADDR_PREFERRED);
	SIM_CHECK(tern_ip6_is_linklocal(&ll));
	SIM_ASSERT_EQ(ll.b[8], 0x02 ^ a->mac.addr_bytes[0]);
	SIM_ASSERT_EQ(ll.b[15], a->mac.addr_bytes[5]);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_DAD_DUPLICATE), 0);

	SIM_ASSERT_EQ(ping6(a, &b->ip6, 2), 0);
	sim_run_for(sim, 10 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_OUT_SOLICITS), 3);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_IN_SOLICITS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_OUT_ADVERTS), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_IN_ADVERTS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP6_IN_ECHOS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP6_OUT_ECHO_REPS), 1);
	/* the reply reached A (which does not act on it) */
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP6_IN_UNHANDLED), 1);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ICMP6_IN_CSUM_ERRORS) +
		      sim_stat(b, TERN_STAT_ICMP6_IN_CSUM_ERRORS), 0);
	/* B's entry for A: DELAY for 1 s, then PROBE, answered by A */
	sim_run_for(sim, 1500 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_OUT_SOLICITS), 3);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_OUT_ADVERTS), 1);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_IN_ADVERTS), 1);
	/* nothing more to confirm: no further solicitation */
	sim_run_for(sim, 10 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ND_OUT_SOLICITS), 3);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_OUT_SOLICITS), 3);
	/* a second echo uses the cache: no new solicitation from A */
	SIM_ASSERT_EQ(ping6(a, &b->ip6, 3), 0);
	sim_run_for(sim, 10 * SIM_MS);
	SIM_ASSERT_EQ(sim_stat(b, TERN_STAT_ICMP6_OUT_ECHO_REPS), 2);
	SIM_ASSERT_EQ(sim_stat(a, TERN_STAT_ND_OUT_SOLICITS), 3);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* A scripted host resolves T and pings it: the NA and the echo reply
 * byte by byte. */
static void
test_net6_ping_from_script(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t, *p;
	uint8_t echo[8 + 21];
	struct rte_mbuf *m;
	const uint8_t *f;

	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	p = sim_add_script(sim, "P");
	sim_run_for(sim, 1100 * SIM_MS);
	while ((m = sim_inbox_pop(p)) != NULL)   /* T's DAD probes */
		rte_pktmbuf_free(m);
	script_meets(p, t);
	memset(echo, 0, sizeof(echo));
	echo[0] = ECHO_REQUEST;
	echo[7] = 9;
	for (unsigned int i = 8; i < sizeof(echo); i++)
		echo[i] = (uint8_t)(i * 7);
	sim_wire_send(p, frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_ICMPV6,
				64, echo, sizeof(echo), 0));
	sim_settle(sim);
	m = sim_inbox_pop(p);
	SIM_ASSERT(m != NULL, "no echo reply");
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	SIM_ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14 + 40 + sizeof(echo));
	SIM_CHECK(memcmp(f, p->mac.addr_bytes, 6) == 0);
	SIM_ASSERT_EQ(f[14] >> 4, 6);
	SIM_ASSERT_EQ(f[21], 64);
	SIM_CHECK(memcmp(f + 22, t->ip6.b, 16) == 0);
	SIM_CHECK(memcmp(f + 38, p->ip6.b, 16) == 0);
	SIM_ASSERT_EQ(f[54], ECHO_REPLY);
	SIM_CHECK(memcmp(f + 58, echo + 4, sizeof(echo) - 4) == 0);
	SIM_ASSERT_EQ(icmp6_sum(&t->ip6, &p->ip6, f + 54, sizeof(echo)),
		      0xffff);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	/* an echo to all-nodes is answered from T's link-local address */
	sim_wire_send(p, frame6(p, &(struct rte_ether_addr){
				{ 0x33, 0x33, 0, 0, 0, 1 } }, &p->ip6,
				&all_nodes, IPPROTO_ICMPV6, 64, echo,
				sizeof(echo), 0));
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP6_IN_ECHOS), 2);
	/* P (global) is off the link-local's way: its reply goes via ND */
	while ((m = sim_inbox_pop(p)) != NULL)
		rte_pktmbuf_free(m);
	sim_run_for(sim, 10 * SIM_S);
	while ((m = sim_inbox_pop(p)) != NULL)
		rte_pktmbuf_free(m);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* Send @p m from P and require that T counts @p id once more and sends
 * nothing back. */
static void
expect_drop(struct sim_node *p, struct sim_node *t, struct rte_mbuf *m,
	    tern_stat_t id, const char *what)
{
	uint64_t before = sim_stat(t, id);

	sim_wire_send(p, m);
	sim_settle(p->sim);
	SIM_ASSERT(sim_stat(t, id) == before + 1, "%s: counter %u %lu -> %lu",
		   what, id, (unsigned long)before,
		   (unsigned long)sim_stat(t, id));
	SIM_ASSERT(sim_inbox_count(p) == 0, "%s: T answered", what);
}

static void
test_net6_malformed_dropped(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t, *p;
	struct tern_ip6 group, other = sim_ip6(99);
	uint8_t buf[FRAME_MAX];
	struct rte_mbuf *m;
	uint8_t ns[32];

	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	p = sim_add_script(sim, "P");
	sim_run_for(sim, 1100 * SIM_MS);
	while ((m = sim_inbox_pop(p)) != NULL)
		rte_pktmbuf_free(m);
	script_meets(p, t);
	tern_ip6_solicited_node(&t->ip6, &group);

	/* ND from off the link (hop limit 64) */
	send_ns(p, &p->ip6, &group, &t->ip6, 64);
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ND_DROP_HOP_LIMIT), 1);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	/* NS for an address that is not T's */
	tern_ip6_solicited_node(&other, &group);
	send_ns(p, &p->ip6, &group, &other, 255);
	sim_settle(sim);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	/* (sent to a group T has not joined: refused by IPv6 already) */
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_IP6_IN_ADDR_ERRORS), 1);
	/* ... and to T's own address, where ND refuses it */
	memset(ns, 0, sizeof(ns));
	ns[0] = ND_NS;
	memcpy(ns + 8, other.b, 16);
	expect_drop(p, t, frame6(p, &t->mac, &p->ip6, &t->ip6,
				 IPPROTO_ICMPV6, 255, ns, 24, 0),
		    TERN_STAT_ND_DROP_NOT_OURS, "NS not ours");
	/* an option of length 0 */
	memcpy(ns + 8, t->ip6.b, 16);
	ns[24] = 1;
	expect_drop(p, t, frame6(p, &t->mac, &p->ip6, &t->ip6,
				 IPPROTO_ICMPV6, 255, ns, 32, 0),
		    TERN_STAT_ND_DROP_BAD_OPTION, "ND option length 0");
	/* payload length past the frame */
	memset(buf, 0, sizeof(buf));
	buf[0] = ECHO_REQUEST;
	m = frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_ICMPV6, 64, buf, 8,
		   0);
	rte_pktmbuf_mtod(m, uint8_t *)[19] = 200;
	expect_drop(p, t, m, TERN_STAT_IP6_IN_TRUNCATED, "payload length");
	/* a header cut short: 20 bytes of IPv6 in a padded frame */
	m = frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_ICMPV6, 64, buf, 8,
		   0);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - 34));
	expect_drop(p, t, m, TERN_STAT_IP6_IN_HDR_ERRORS, "short header");
	/* nine destination options headers */
	memset(buf, 0, sizeof(buf));
	for (unsigned int i = 0; i < 9; i++) {
		buf[i * 8] = i + 1 < 9 ? NH_DSTOPTS : IPPROTO_ICMPV6;
		buf[i * 8 + 2] = 1;
		buf[i * 8 + 3] = 4;
	}
	buf[72] = ECHO_REQUEST;
	expect_drop(p, t, frame6(p, &t->mac, &p->ip6, &t->ip6, NH_DSTOPTS,
				 64, buf, 80, 72),
		    TERN_STAT_IP6_IN_EXT_LIMIT, "9 extension headers");
	/* a first fragment */
	memset(buf, 0, sizeof(buf));
	buf[0] = IPPROTO_ICMPV6;
	buf[3] = 1;
	buf[8] = ECHO_REQUEST;
	expect_drop(p, t, frame6(p, &t->mac, &p->ip6, &t->ip6, NH_FRAGMENT,
				 64, buf, 16, 8),
		    TERN_STAT_IP6_IN_FRAGMENTS, "fragment");
	/* a bad ICMPv6 checksum */
	m = frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_ICMPV6, 64, buf + 8,
		   8, 0);
	rte_pktmbuf_mtod(m, uint8_t *)[56] ^= 1;
	expect_drop(p, t, m, TERN_STAT_ICMP6_IN_CSUM_ERRORS, "checksum");
	/* TCP over IPv6 reaches TCP (docs/ipv6.md): ports 0 are refused
	 * there, with no RST and no ICMPv6 error */
	memset(buf, 0, 20);
	buf[12] = 0x50;
	expect_drop(p, t, frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_TCP,
				 64, buf, 20, -1),
		    TERN_STAT_TCP_DROP_BAD_HDR, "TCP with ports 0");
	/* an echo from the unspecified address */
	memset(buf, 0, 8);
	buf[0] = ECHO_REQUEST;
	expect_drop(p, t, frame6(p, &t->mac, &(struct tern_ip6){ .b = { 0 } },
				 &t->ip6, IPPROTO_ICMPV6, 64, buf, 8, 0),
		    TERN_STAT_IP6_IN_BAD_SRC, "echo from ::");
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP6_OUT_ECHO_REPS), 0);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* UDP (not handled): a parameter problem, code 1, pointing at the next
 * header field; 60 at one instant: the burst of 50 goes, 10 are
 * counted as rate-limited; 5 ms later 5 more may go. */
static void
test_net6_param_problem_rate_limit(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t, *p;
	uint8_t udp[16] = { 0 };
	struct rte_mbuf *m;
	const uint8_t *f;
	unsigned int n = 0;

	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	p = sim_add_script(sim, "P");
	sim_run_for(sim, 1100 * SIM_MS);
	while ((m = sim_inbox_pop(p)) != NULL)
		rte_pktmbuf_free(m);
	script_meets(p, t);
	sim_wire_send(p, frame6(p, &t->mac, &p->ip6, &t->ip6, IPPROTO_UDP,
				64, udp, sizeof(udp), -1));
	sim_settle(sim);
	m = sim_inbox_pop(p);
	SIM_ASSERT(m != NULL, "no parameter problem");
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	SIM_ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14 + 40 + 8 + 40 + sizeof(udp));
	SIM_CHECK(memcmp(f + 38, p->ip6.b, 16) == 0);
	SIM_ASSERT_EQ(f[54], PARAM_PROB);
	SIM_ASSERT_EQ(f[55], 1);
	SIM_ASSERT_EQ(f[61], 6);                         /* pointer */
	SIM_ASSERT_EQ(f[62 + 6], IPPROTO_UDP);           /* the datagram */
	SIM_ASSERT_EQ(icmp6_sum(&t->ip6, &p->ip6, f + 54, 8 + 40 + 16),
		      0xffff);
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_IP6_IN_UNKNOWN_PROTO), 1);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP6_OUT_PARM_PROBS), 1);

	sim_run_for(sim, 100 * SIM_MS);          /* bucket full again */
	for (unsigned int i = 0; i < 60; i++)
		sim_wire_send(p, frame6(p, &t->mac, &p->ip6, &t->ip6,
					IPPROTO_UDP, 64, udp, sizeof(udp),
					-1));
	sim_settle(sim);
	while ((m = sim_inbox_pop(p)) != NULL) {
		n++;
		rte_pktmbuf_free(m);
	}
	SIM_ASSERT_EQ(n, ICMP6_ERR_BURST);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ICMP6_OUT_RATELIMIT),
		      60 - ICMP6_ERR_BURST);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_IP6_IN_UNKNOWN_PROTO), 61);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* Another node holds T's addresses: an NA for the global one and a DAD
 * probe for the link-local one while both are tentative. Neither is
 * used; T answers nothing for them. A DAD probe for a usable address
 * of T's is answered to all-nodes (the address is defended). */
static void
test_net6_dad_conflict(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t, *p, *u;
	struct tern_ip6 ll, group, unspec = { .b = { 0 } };
	struct rte_ether_addr mac;
	uint8_t na[32];
	struct rte_mbuf *m;
	const uint8_t *f;

	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	p = sim_add_script(sim, "P");
	sim_run_for(sim, 10 * SIM_MS);
	while ((m = sim_inbox_pop(p)) != NULL)
		rte_pktmbuf_free(m);
	memset(na, 0, sizeof(na));
	na[0] = ND_NA;
	na[4] = 0x20;                                   /* O */
	memcpy(na + 8, t->ip6.b, 16);
	na[24] = 2;
	na[25] = 1;
	memcpy(na + 26, p->mac.addr_bytes, 6);
	tern_ip6_mc_mac(&all_nodes, &mac);
	sim_wire_send(p, frame6(p, &mac, &p->ip6, &all_nodes, IPPROTO_ICMPV6,
				255, na, sizeof(na), 0));
	tern_ipv6_addr(t->ctx, TERN_ND_ADDR_LL, &ll);
	tern_ip6_solicited_node(&ll, &group);
	send_ns(p, &unspec, &group, &ll, 255);
	sim_run_for(sim, 2 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ND_DAD_DUPLICATE), 2);
	SIM_ASSERT_EQ(addr_state(t, TERN_ND_ADDR_GLOBAL),
		      TERN_ND_ADDR_DUPLICATE);
	SIM_ASSERT_EQ(addr_state(t, TERN_ND_ADDR_LL), TERN_ND_ADDR_DUPLICATE);
	SIM_ASSERT_EQ(sim_inbox_count(p), 0);
	SIM_ASSERT_EQ(ping6(t, &p->ip6, 1), -EHOSTUNREACH);
	sim_assert_quiescent(sim);
	sim_destroy(sim);

	/* a usable address is defended */
	sim = sim_create(sim_test_seed());
	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	u = sim_add_script(sim, "U");
	sim_run_for(sim, 1100 * SIM_MS);
	while ((m = sim_inbox_pop(u)) != NULL)
		rte_pktmbuf_free(m);
	tern_ip6_solicited_node(&t->ip6, &group);
	send_ns(u, &unspec, &group, &t->ip6, 255);
	sim_settle(sim);
	m = sim_inbox_pop(u);
	SIM_ASSERT(m != NULL, "the address was not defended");
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	SIM_ASSERT_EQ(f[0], 0x33);
	SIM_CHECK(memcmp(f + 38, all_nodes.b, 16) == 0);
	SIM_ASSERT_EQ(f[54], ND_NA);
	SIM_ASSERT_EQ(f[58], 0x20);                     /* O, not S */
	rte_pktmbuf_free(m);
	SIM_ASSERT_EQ(addr_state(t, TERN_ND_ADDR_GLOBAL),
		      TERN_ND_ADDR_PREFERRED);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

/* Nobody has the address: NS every second, retries_max + 1 of them,
 * then the parked packets are dropped and counted; no mbuf is kept. */
static void
test_net6_unresolved(void)
{
	struct sim *sim = sim_create(sim_test_seed());
	struct sim_node *t;
	struct tern_ip6 nobody = sim_ip6(77);

	sim_use_ipv6(sim, true);
	t = sim_add_stack(sim, "T", NULL);
	sim_run_for(sim, 1100 * SIM_MS);
	SIM_ASSERT_EQ(ping6(t, &nobody, 1), 0);
	SIM_ASSERT_EQ(ping6(t, &nobody, 2), 0);
	sim_run_for(sim, 10 * SIM_S);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ND_OUT_SOLICITS), 2 + 4);
	SIM_ASSERT_EQ(sim_stat(t, TERN_STAT_ND_RESOLVE_FAILED), 2);
	/* off-link without a router: no route */
	nobody.b[0] = 0x30;
	SIM_ASSERT_EQ(ping6(t, &nobody, 3), -EHOSTUNREACH);
	sim_assert_quiescent(sim);
	sim_destroy(sim);
}

static const struct sim_test tests[] = {
	SIM_TEST(test_net6_dad_and_ping_two_stacks),
	SIM_TEST(test_net6_ping_from_script),
	SIM_TEST(test_net6_malformed_dropped),
	SIM_TEST(test_net6_param_problem_rate_limit),
	SIM_TEST(test_net6_dad_conflict),
	SIM_TEST(test_net6_unresolved),
};

int
main(int argc, char **argv)
{
	return sim_test_main(argc, argv, tests, RTE_DIM(tests), 1);
}
