/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket addresses of both families. An AF_INET socket speaks
 * sockaddr_in; an AF_INET6 socket speaks sockaddr_in6 and, unless
 * IPV6_V6ONLY, also takes and reports IPv4 as v4-mapped addresses
 * (::ffff:a.b.c.d), as Linux's dual-stack sockets do. The checks and
 * their order are those of Linux's inet_bind()/inet6_bind() and
 * tcp_v4_connect()/tcp_v6_connect().
 */
#include <string.h>
#include <netinet/in.h>

#include "sock_priv.h"
#include "tern_net.h"

/* sockaddr_in6 without sin6_scope_id (RFC 2133): the shortest Linux
 * takes (SIN6_LEN_RFC2133). */
#define SOCK_SIN6_LEN_RFC2133 24

static bool
sock_ip6_is_mapped(const struct tern_ip6 *a)
{
	return a->w64[0] == 0 && a->w32[2] == RTE_BE32(0x0000ffff);
}

static void
sock_ip6_map(struct tern_ip6 *a, rte_be32_t v4)
{
	memset(a, 0, sizeof(*a));
	if (v4 == 0)
		return;         /* any: :: as Linux shows it */
	a->w32[2] = RTE_BE32(0x0000ffff);
	a->w32[3] = v4;
}

int
sock_name_parse(const struct sock_file *f, const struct sockaddr *addr,
		socklen_t len, struct sock_name *n)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;

	memset(n, 0, sizeof(*n));
	if (f->u.tcp.domain == AF_INET) {
		if (addr == NULL || len < sizeof(*sin))
			return -EINVAL;
		if (sin->sin_family != AF_INET)
			return -EAFNOSUPPORT;
		n->v4 = sin->sin_addr.s_addr;
		n->port = rte_be_to_cpu_16(sin->sin_port);
		return 0;
	}
	if (addr == NULL || len < SOCK_SIN6_LEN_RFC2133)
		return -EINVAL;
	if (sin6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(n->ip6.b, &sin6->sin6_addr, sizeof(n->ip6.b));
	n->port = rte_be_to_cpu_16(sin6->sin6_port);
	if (len >= sizeof(*sin6))
		n->scope_id = sin6->sin6_scope_id;
	if (sock_ip6_is_mapped(&n->ip6)) {
		n->mapped = true;
		n->v4 = n->ip6.w32[3];
	} else {
		n->is6 = true;
	}
	return 0;
}

bool
sock_name_is_local(const struct sock_file *f, const struct sock_name *n)
{
	const struct tern_ctx *ctx = f->w->ctx;
	struct tern_ip6 ours;

	if (!n->is6)
		return n->v4 == INADDR_ANY || tern_ifc_is_ours(&ctx->ifc, n->v4);
	if (tern_ip6_is_unspec(&n->ip6))
		return true;
	/* A tentative address (DAD running) is not ours yet (Linux). */
	for (unsigned int s = TERN_ND_ADDR_LL; s < TERN_ND_ADDR_MAX; s++)
		if (tern_ipv6_addr(ctx, s, &ours) == TERN_ND_ADDR_PREFERRED &&
		    tern_ip6_eq(&ours, &n->ip6))
			return true;
	return false;
}

bool
sock_listener_takes(const struct sock_file *l, uint8_t family)
{
	const struct sock_tcp *t = &l->u.tcp;

	if (family == AF_INET6)
		/* An AF_INET6 listener bound to a v4-mapped address (laddr
		 * set, not laddr_is6) takes IPv4 only. */
		return t->domain == AF_INET6 && (t->laddr_is6 || t->laddr == 0);
	if (t->domain == AF_INET)
		return true;
	return !t->v6only && !t->laddr_is6;
}

void
sock_name_set_conn(struct sock_file *f, const struct tern_tcp_info *info)
{
	struct sock_tcp *t = &f->u.tcp;

	t->laddr_is6 = t->faddr_is6 = info->family == AF_INET6;
	t->laddr = info->laddr;
	t->faddr = info->faddr;
	t->laddr6 = info->laddr6;
	t->faddr6 = info->faddr6;
	t->lport = info->lport;
	t->fport = info->fport;
}

void
sock_name_fill(const struct sock_file *f, bool peer, struct sockaddr *addr,
	       socklen_t *len)
{
	const struct sock_tcp *t = &f->u.tcp;
	union {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} u;
	socklen_t full;

	if (addr == NULL || len == NULL)
		return;
	memset(&u, 0, sizeof(u));
	if (t->domain == AF_INET) {
		u.sin.sin_family = AF_INET;
		u.sin.sin_port = rte_cpu_to_be_16(peer ? t->fport : t->lport);
		u.sin.sin_addr.s_addr = peer ? t->faddr : t->laddr;
		full = sizeof(u.sin);
	} else {
		struct tern_ip6 a;

		if (peer ? t->faddr_is6 : t->laddr_is6)
			a = peer ? t->faddr6 : t->laddr6;
		else
			sock_ip6_map(&a, peer ? t->faddr : t->laddr);
		u.sin6.sin6_family = AF_INET6;
		u.sin6.sin6_port = rte_cpu_to_be_16(peer ? t->fport :
						    t->lport);
		memcpy(&u.sin6.sin6_addr, a.b, sizeof(a.b));
		full = sizeof(u.sin6);
	}
	memcpy(addr, &u, RTE_MIN(*len, full));
	*len = full;
}
