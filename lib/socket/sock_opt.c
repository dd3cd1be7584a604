/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * getsockopt/setsockopt: the values Linux reports and the ranges it
 * refuses (sock_setsockopt(), do_tcp_setsockopt()), and TCP_INFO as
 * Linux's struct tcp_info. Options reach the connection
 * (tern_tcp_set_nagle/keepalive/cc) when it exists: at connect, at
 * accept (inherited from the listener) and when set.
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sock_priv.h"

/* Linux's TCP_CA_NAME_MAX (<linux/tcp.h>, not in glibc's header). */
#define SOCK_CA_NAME_MAX 16

/*
 * Linux's struct tcp_info up to tcpi_segs_in: glibc's <netinet/tcp.h>
 * stops at tcpi_total_retrans, and <linux/tcp.h> cannot be included
 * next to it. The prefix is glibc's struct, so the layout is the
 * kernel's.
 */
struct sock_linux_tcp_info {
	struct tcp_info base;
	uint64_t tcpi_pacing_rate;
	uint64_t tcpi_max_pacing_rate;
	uint64_t tcpi_bytes_acked;
	uint64_t tcpi_bytes_received;
	uint32_t tcpi_segs_out;
	uint32_t tcpi_segs_in;
};

void
sock_opt_defaults(struct sock_tcp *t)
{
	t->rcvbuf = SOCK_DEFAULT_RCVBUF;
	t->sndbuf = SOCK_DEFAULT_SNDBUF;
	t->rcvlowat = 1;
	t->keepidle_s = SOCK_KEEPIDLE_DEFAULT;
	t->keepintvl_s = SOCK_KEEPINTVL_DEFAULT;
	t->keepcnt = SOCK_KEEPCNT_DEFAULT;
	t->cc = TERN_TCP_CC_CUBIC;
}

void
sock_opt_apply(struct sock_file *f)
{
	struct sock_tcp *t = &f->u.tcp;

	if (t->conn == NULL)
		return;
	tern_tcp_set_nagle(t->conn, !t->nodelay);
	tern_tcp_set_cc(t->conn, t->cc);
	tern_tcp_set_keepalive(t->conn,
			       t->keepalive ? (uint32_t)t->keepidle_s * 1000 : 0,
			       (uint32_t)t->keepintvl_s * 1000,
			       (uint32_t)t->keepcnt);
}

/* Linux's tcpi_state numbering (include/net/tcp_states.h). */
static uint8_t
sock_linux_state(enum tern_tcp_state s)
{
	switch (s) {
	case TERN_TCP_ESTABLISHED: return TCP_ESTABLISHED;
	case TERN_TCP_SYN_SENT: return TCP_SYN_SENT;
	case TERN_TCP_SYN_RCVD: return TCP_SYN_RECV;
	case TERN_TCP_FIN_WAIT_1: return TCP_FIN_WAIT1;
	case TERN_TCP_FIN_WAIT_2: return TCP_FIN_WAIT2;
	case TERN_TCP_TIME_WAIT: return TCP_TIME_WAIT;
	case TERN_TCP_CLOSE_WAIT: return TCP_CLOSE_WAIT;
	case TERN_TCP_LAST_ACK: return TCP_LAST_ACK;
	case TERN_TCP_LISTEN: return TCP_LISTEN;
	case TERN_TCP_CLOSING: return TCP_CLOSING;
	default: return TCP_CLOSE;
	}
}

static void
sock_fill_tcp_info(const struct sock_file *f, struct sock_linux_tcp_info *li)
{
	const struct sock_tcp *t = &f->u.tcp;
	struct tcp_info *ti = &li->base;
	struct tern_tcp_info info;
	uint32_t mss;

	memset(li, 0, sizeof(*li));
	ti->tcpi_state = sock_linux_state(sock_tcp_state(f));
	li->tcpi_bytes_received = t->bytes_received;
	if (t->conn == NULL)
		return;
	tern_tcp_get_info(t->conn, &info);
	mss = info.mss != 0 ? info.mss : SOCK_MSS_DEFAULT;
	if (info.ts_ok)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (info.sack_ok)
		ti->tcpi_options |= TCPI_OPT_SACK;
	if (info.snd_wscale != 0 || info.rcv_wscale != 0) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = info.snd_wscale & 0xf;
		ti->tcpi_rcv_wscale = info.rcv_wscale & 0xf;
	}
	ti->tcpi_ca_state = info.in_recovery ? 3 /* TCP_CA_Recovery */ : 0;
	ti->tcpi_rto = info.rto_ms * 1000;
	ti->tcpi_snd_mss = mss;
	ti->tcpi_rcv_mss = mss;
	ti->tcpi_advmss = mss;
	ti->tcpi_pmtu = f->w->ctx->ifc.mtu;
	/* Linux counts these in segments; tern keeps bytes. */
	ti->tcpi_unacked = (info.unacked_bytes + mss - 1) / mss;
	ti->tcpi_sacked = (info.sacked_bytes + mss - 1) / mss;
	ti->tcpi_lost = (info.lost_bytes + mss - 1) / mss;
	ti->tcpi_retrans = info.in_recovery ? 1 : 0;
	ti->tcpi_total_retrans = info.retransmits;
	ti->tcpi_rtt = info.srtt_us;
	ti->tcpi_rttvar = info.rttvar_us;
	ti->tcpi_snd_cwnd = info.cwnd / mss;
	ti->tcpi_snd_ssthresh = info.ssthresh == UINT32_MAX ?
		0x7fffffff /* TCP_INFINITE_SSTHRESH */ : info.ssthresh / mss;
	ti->tcpi_rcv_space = info.rcv_wnd;
	/* snd_una - iss - 1: exact below 4 GiB sent. */
	li->tcpi_bytes_acked = info.snd_una - info.iss -
		(info.state != TERN_TCP_SYN_SENT ? 1 : 0);
	li->tcpi_segs_in = info.segs_in;
	li->tcpi_segs_out = info.segs_out;
}

/* ---- getsockopt ---- */

static int
sock_put_int(void *val, socklen_t *len, int v)
{
	if (val == NULL || len == NULL)
		return -EFAULT;
	if ((int)*len < 0)
		return -EINVAL;
	/* Linux copies min(len, sizeof(int)) bytes. */
	*len = (socklen_t)RTE_MIN((size_t)*len, sizeof(int));
	memcpy(val, &v, *len);
	return 0;
}

static int
sock_get_socket_opt(struct sock_file *f, int name, void *val, socklen_t *len)
{
	struct sock_tcp *t = &f->u.tcp;

	switch (name) {
	case SO_REUSEADDR: return sock_put_int(val, len, t->reuseaddr);
	case SO_REUSEPORT: return sock_put_int(val, len, t->reuseport);
	case SO_KEEPALIVE: return sock_put_int(val, len, t->keepalive);
	case SO_RCVBUF: return sock_put_int(val, len, t->rcvbuf);
	case SO_SNDBUF: return sock_put_int(val, len, t->sndbuf);
	case SO_RCVLOWAT: return sock_put_int(val, len, t->rcvlowat);
	case SO_TYPE: return sock_put_int(val, len, SOCK_STREAM);
	case SO_DOMAIN: return sock_put_int(val, len, t->domain);
	case SO_PROTOCOL: return sock_put_int(val, len, IPPROTO_TCP);
	case SO_ACCEPTCONN: return sock_put_int(val, len, t->listening);
	case SO_ERROR: return sock_put_int(val, len, sock_take_error(f));
	case SO_LINGER: {
		struct linger lg = { .l_onoff = t->linger_on,
				     .l_linger = t->linger_s };

		if (val == NULL || len == NULL)
			return -EFAULT;
		if ((int)*len < 0)
			return -EINVAL;
		*len = (socklen_t)RTE_MIN((size_t)*len, sizeof(lg));
		memcpy(val, &lg, *len);
		return 0;
	}
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? t->rcvtimeo_ns :
			t->sndtimeo_ns;
		struct timeval tv = { .tv_sec = (time_t)(ns / 1000000000u),
				      .tv_usec = (suseconds_t)(ns % 1000000000u /
							       1000u) };

		if (val == NULL || len == NULL)
			return -EFAULT;
		*len = (socklen_t)RTE_MIN((size_t)*len, sizeof(tv));
		memcpy(val, &tv, *len);
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

static int
sock_get_tcp_opt(struct sock_file *f, int name, void *val, socklen_t *len)
{
	struct sock_tcp *t = &f->u.tcp;

	switch (name) {
	case TCP_NODELAY: return sock_put_int(val, len, t->nodelay);
	case TCP_KEEPIDLE: return sock_put_int(val, len, t->keepidle_s);
	case TCP_KEEPINTVL: return sock_put_int(val, len, t->keepintvl_s);
	case TCP_KEEPCNT: return sock_put_int(val, len, t->keepcnt);
	case TCP_USER_TIMEOUT:
		return sock_put_int(val, len, t->user_timeout_ms);
	case TCP_MAXSEG: {
		struct tern_tcp_info info;
		int mss = t->maxseg != 0 ? t->maxseg : SOCK_MSS_DEFAULT;

		if (t->conn != NULL) {
			tern_tcp_get_info(t->conn, &info);
			if (info.mss != 0)
				mss = info.mss;
		}
		return sock_put_int(val, len, mss);
	}
	case TCP_CONGESTION: {
		const char *name_cc = t->cc == TERN_TCP_CC_CUBIC ? "cubic" :
			"reno";
		char buf[SOCK_CA_NAME_MAX] = { 0 };

		if (val == NULL || len == NULL)
			return -EFAULT;
		if ((int)*len < 0)
			return -EINVAL;
		strcpy(buf, name_cc);
		*len = (socklen_t)RTE_MIN((size_t)*len, sizeof(buf));
		memcpy(val, buf, *len);
		return 0;
	}
	case TCP_INFO: {
		struct sock_linux_tcp_info li;

		if (val == NULL || len == NULL)
			return -EFAULT;
		if ((int)*len < 0)
			return -EINVAL;
		sock_fill_tcp_info(f, &li);
		*len = (socklen_t)RTE_MIN((size_t)*len, sizeof(li));
		memcpy(val, &li, *len);
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

int
tern_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct sock_file *f;
	int err, rc;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if (level == SOL_SOCKET)
		rc = sock_get_socket_opt(f, name, val, len);
	else if (level == IPPROTO_TCP)
		rc = sock_get_tcp_opt(f, name, val, len);
	else if (level == IPPROTO_IPV6 && f->u.tcp.domain == AF_INET6 &&
		 name == IPV6_V6ONLY)
		rc = sock_put_int(val, len, f->u.tcp.v6only);
	/* do_ip_getsockopt(): a level other than IP's is EOPNOTSUPP on an
	 * AF_INET socket (setsockopt says ENOPROTOOPT). */
	else if (level != IPPROTO_IP && f->u.tcp.domain == AF_INET)
		rc = -EOPNOTSUPP;
	else
		rc = -ENOPROTOOPT;
	return rc < 0 ? sock_fail(-rc) : 0;
}

/* ---- setsockopt ---- */

static int
sock_get_int_arg(const void *val, socklen_t len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	if (val == NULL)
		return -EFAULT;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int
sock_set_timeo(uint64_t *ns, const void *val, socklen_t len)
{
	struct timeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	if (val == NULL)
		return -EFAULT;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	/* Negative means "no timeout" to Linux. */
	if (tv.tv_sec < 0) {
		*ns = 0;
		return 0;
	}
	*ns = (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
	return 0;
}

/* SO_RCVBUF/SO_SNDBUF: doubled, with Linux's floor. */
static int
sock_buf_value(int v, int floor)
{
	int64_t d = (int64_t)RTE_MAX(v, 0) * 2;

	if (d > INT32_MAX)
		d = INT32_MAX;
	return (int)RTE_MAX(d, (int64_t)floor);
}

static int
sock_set_linger(struct sock_tcp *t, const void *val, socklen_t len)
{
	struct linger lg;

	if (len < sizeof(lg))
		return -EINVAL;
	if (val == NULL)
		return -EFAULT;
	memcpy(&lg, val, sizeof(lg));
	t->linger_on = lg.l_onoff != 0;
	t->linger_s = lg.l_linger;
	return 0;
}

static int
sock_set_socket_opt(struct sock_file *f, int name, const void *val,
		    socklen_t len)
{
	struct sock_tcp *t = &f->u.tcp;
	int v, rc;

	if (name == SO_LINGER)
		return sock_set_linger(t, val, len);
	if (name == SO_RCVTIMEO)
		return sock_set_timeo(&t->rcvtimeo_ns, val, len);
	if (name == SO_SNDTIMEO)
		return sock_set_timeo(&t->sndtimeo_ns, val, len);
	rc = sock_get_int_arg(val, len, &v);
	if (rc < 0)
		return rc;
	switch (name) {
	case SO_REUSEADDR: t->reuseaddr = v != 0; return 0;
	case SO_REUSEPORT: t->reuseport = v != 0; return 0;
	case SO_KEEPALIVE: t->keepalive = v != 0; break;
	case SO_RCVBUF: t->rcvbuf = sock_buf_value(v, SOCK_MIN_RCVBUF);
		return 0;
	case SO_SNDBUF: t->sndbuf = sock_buf_value(v, SOCK_MIN_SNDBUF);
		return 0;
	case SO_RCVLOWAT: t->rcvlowat = v < 0 ? INT32_MAX : RTE_MAX(v, 1);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
	sock_opt_apply(f);
	return 0;
}

static int
sock_set_congestion(struct sock_tcp *t, const void *val, socklen_t len)
{
	char name[SOCK_CA_NAME_MAX] = { 0 };

	if (len < 1)
		return -EINVAL;
	if (val == NULL)
		return -EFAULT;
	memcpy(name, val, RTE_MIN((size_t)len, sizeof(name) - 1));
	if (strcmp(name, "cubic") == 0)
		t->cc = TERN_TCP_CC_CUBIC;
	else if (strcmp(name, "reno") == 0)
		t->cc = TERN_TCP_CC_NEWRENO;
	else
		return -ENOENT;
	return 0;
}

static int
sock_set_tcp_opt(struct sock_file *f, int name, const void *val,
		 socklen_t len)
{
	struct sock_tcp *t = &f->u.tcp;
	int v, rc;

	if (name == TCP_CONGESTION)
		rc = sock_set_congestion(t, val, len);
	else
		rc = sock_get_int_arg(val, len, &v);
	if (rc < 0 || name == TCP_CONGESTION)
		goto apply;
	switch (name) {
	case TCP_NODELAY:
		t->nodelay = v != 0;
		break;
	case TCP_MAXSEG:
		if (v != 0 && (v < TERN_TCP_MSS_MIN || v > 32767))
			return -EINVAL;
		t->maxseg = v;
		break;
	case TCP_KEEPIDLE:
		if (v < 1 || v > SOCK_MAX_KEEPIDLE)
			return -EINVAL;
		t->keepidle_s = v;
		break;
	case TCP_KEEPINTVL:
		if (v < 1 || v > SOCK_MAX_KEEPIDLE)
			return -EINVAL;
		t->keepintvl_s = v;
		break;
	case TCP_KEEPCNT:
		if (v < 1 || v > SOCK_MAX_KEEPCNT)
			return -EINVAL;
		t->keepcnt = v;
		break;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		t->user_timeout_ms = v;
		break;
	default:
		return -ENOPROTOOPT;
	}
apply:
	if (rc == 0)
		sock_opt_apply(f);
	return rc;
}

/* do_ipv6_setsockopt(): only before the socket has a port. */
static int
sock_set_v6only(struct sock_file *f, const void *val, socklen_t len)
{
	int v, rc;

	rc = sock_get_int_arg(val, len, &v);
	if (rc < 0)
		return rc;
	if (f->u.tcp.bound)
		return -EINVAL;
	f->u.tcp.v6only = v != 0;
	return 0;
}

int
tern_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct sock_file *f;
	int err, rc;

	f = sock_lookup_tcp(fd, &err);
	if (f == NULL)
		return sock_fail(err);
	if ((int)len < 0)
		return sock_fail(EINVAL);
	if (level == SOL_SOCKET)
		rc = sock_set_socket_opt(f, name, val, len);
	else if (level == IPPROTO_TCP)
		rc = sock_set_tcp_opt(f, name, val, len);
	else if (level == IPPROTO_IPV6 && f->u.tcp.domain == AF_INET6 &&
		 name == IPV6_V6ONLY)
		rc = sock_set_v6only(f, val, len);
	else
		rc = -ENOPROTOOPT;
	return rc < 0 ? sock_fail(-rc) : 0;
}
