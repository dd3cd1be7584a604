/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket scenarios: what Linux returns, step by step; tern must
 * return the same (sock_dual.h). Port numbers are per scenario (1, 2,
 * ... stand for distinct ports), so a TIME_WAIT left by one scenario
 * never meets the next on the kernel's loopback.
 */
#include <errno.h>
#include <poll.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "sock_dual.h"

#define T(op, a, b, x, y, ret, err, ev) \
	{ (op), (a), (b), (x), (y), (ret), (err), (ev), __LINE__ }
#define END T(OP_END, 0, 0, 0, 0, 0, 0, 0)

#define SOCK(s, node) T(OP_SOCKET, s, node, 0, 0, R_FD, 0, 0)
#define SOCK_NB(s, node) T(OP_SOCKET, s, node, SOCK_NONBLOCK, 0, R_FD, 0, 0)
#define SOCKET_E(dom, type, e) T(OP_SOCKET_RAW, 0, 0, dom, type, -1, e, 0)
#define BIND(s, node, p) T(OP_BIND, s, node, p, 0, 0, 0, 0)
#define BIND_E(s, node, p, e) T(OP_BIND, s, node, p, 0, -1, e, 0)
#define BIND_FAM_E(s, p, fam, e) T(OP_BIND, s, SRV, p, fam, -1, e, 0)
#define LISTEN(s, bl) T(OP_LISTEN, s, 0, bl, 0, 0, 0, 0)
#define LISTEN_E(s, bl, e) T(OP_LISTEN, s, 0, bl, 0, -1, e, 0)
#define ACCEPT(l, s) T(OP_ACCEPT, l, s, 0, 0, R_FD, 0, 0)
#define ACCEPT4(l, s, fl) T(OP_ACCEPT, l, s, fl, 0, R_FD, 0, 0)
#define ACCEPT_E(l, e) T(OP_ACCEPT, l, S2, 0, 0, -1, e, 0)
#define ACCEPT4_E(l, fl, e) T(OP_ACCEPT, l, S2, fl, 0, -1, e, 0)
#define CONNECT(s, node, p) T(OP_CONNECT, s, node, p, 0, 0, 0, 0)
#define CONNECT_E(s, node, p, e) T(OP_CONNECT, s, node, p, 0, -1, e, 0)
#define CONNECT_FAM_E(s, p, fam, e) T(OP_CONNECT, s, SRV, p, fam, -1, e, 0)
#define SEND(s, len, ret) T(OP_SEND, s, 0, len, 0, ret, 0, 0)
#define SEND_F(s, len, fl, ret) T(OP_SEND, s, 0, len, fl, ret, 0, 0)
#define SEND_E(s, len, e) T(OP_SEND, s, 0, len, 0, -1, e, 0)
#define WRITEV(s, len, ret) T(OP_WRITEV, s, 0, len, 0, ret, 0, 0)
#define RECV(s, len, ret) T(OP_RECV, s, 0, len, 0, ret, 0, 0)
#define RECV_F(s, len, fl, ret) T(OP_RECV, s, 0, len, fl, ret, 0, 0)
#define RECV_E(s, len, e) T(OP_RECV, s, 0, len, 0, -1, e, 0)
#define RECV_FE(s, len, fl, e) T(OP_RECV, s, 0, len, fl, -1, e, 0)
#define READV(s, len, ret) T(OP_READV, s, 0, len, 0, ret, 0, 0)
#define SHUT(s, how) T(OP_SHUTDOWN, s, 0, how, 0, 0, 0, 0)
#define SHUT_E(s, how, e) T(OP_SHUTDOWN, s, 0, how, 0, -1, e, 0)
#define CLOSE(s) T(OP_CLOSE, s, 0, 0, 0, 0, 0, 0)
#define CLOSE_E(s, e) T(OP_CLOSE, s, 0, 0, 0, -1, e, 0)
#define SETNB(s, on) T(OP_SETNB, s, 0, on, 0, 0, 0, 0)
#define GETNB(s, v) T(OP_GETNB, s, 0, 0, 0, v, 0, 0)
#define FIONBIO_(s, on) T(OP_FIONBIO, s, 0, on, 0, 0, 0, 0)
#define FIONREAD_(s, v) T(OP_FIONREAD, s, 0, 0, 0, v, 0, 0)
#define FIONREAD_E(s, e) T(OP_FIONREAD, s, 0, 0, 0, -1, e, 0)
#define SETINT(s, o, v) T(OP_SETINT, s, 0, o, v, 0, 0, 0)
#define SETINT_E(s, o, v, e) T(OP_SETINT, s, 0, o, v, -1, e, 0)
#define GETINT(s, o, v) T(OP_GETINT, s, 0, o, 0, v, 0, 0)
#define GETINT_E(s, o, e) T(OP_GETINT, s, 0, o, 0, -1, e, 0)
#define SOERR(s, v) GETINT(s, SX_ERROR, v)
#define LINGER(s, on, secs) T(OP_LINGER, s, 0, on, secs, 0, 0, 0)
#define RCVTIMEO(s, ms) T(OP_TIMEO, s, 0, SX_RCVTIMEO, ms, 0, 0, 0)
#define SNDTIMEO(s, ms) T(OP_TIMEO, s, 0, SX_SNDTIMEO, ms, 0, 0, 0)
#define CC(s, which, ret, e) T(OP_CONGESTION, s, 0, which, 0, ret, e, 0)
#define GETCC(s, v) T(OP_GETCC, s, 0, 0, 0, v, 0, 0)
#define TCPINFO(s, state) T(OP_TCPINFO, s, 0, 0, 0, state, 0, 0)
#define EPCREATE(s, node) T(OP_EPCREATE, s, node, 0, 0, R_FD, 0, 0)
#define EPCREATE_E(fl, e) T(OP_EPCREATE, C3, CLI, fl, 0, -1, e, 0)
#define EPCTL(ep, s, op, ev) T(OP_EPCTL, ep, s, op, ev, 0, 0, 0)
#define EPCTL_E(ep, s, op, ev, e) T(OP_EPCTL, ep, s, op, ev, -1, e, 0)
#define EPWAIT(ep, s, ms, n, ev) T(OP_EPWAIT, ep, s, ms, 0, n, 0, ev)
#define EPWAIT_E(ep, e) T(OP_EPWAIT, ep, 0, 0, 0, -1, e, 0)
#define POLL(s, evs, ms, n, rev) T(OP_POLL, s, 0, evs, ms, n, 0, rev)
#define SOCKNAME(s, p) T(OP_SOCKNAME, s, 0, p, 0, 0, 0, 0)
#define PEERNAME(s, p) T(OP_PEERNAME, s, 0, p, 0, 0, 0, 0)
#define PEERNAME_E(s, e) T(OP_PEERNAME, s, 0, -2, 0, -1, e, 0)
#define SLEEP(ms) T(OP_SLEEP, 0, 0, ms, 0, R_ANY, 0, 0)

/* A listener on port 1 of the server and a client connected to it. */
#define LISTENING SOCK(L, SRV), BIND(L, SRV, 1), LISTEN(L, 8)
#define ESTABLISH LISTENING, SOCK(C, CLI), CONNECT(C, SRV, 1), ACCEPT(L, S)

/* Linux's tcpi_state values. */
#define ST_ESTABLISHED 1
#define ST_CLOSE 7
#define ST_CLOSE_WAIT 8
#define ST_LISTEN 10

#define EV_RST (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP | EPOLLERR)

#define SC(name, ...) \
	static const struct sx_step name[] = { __VA_ARGS__, END }

/* ---- socket, fcntl, ioctl ---- */

SC(socket_bad_domain, SOCKET_E(12345, SOCK_STREAM, EAFNOSUPPORT));
SC(socket_bad_type, SOCKET_E(AF_INET, 99, EINVAL));
SC(socket_nonblock_flags,
   SOCK_NB(C, CLI), GETNB(C, 1), SETNB(C, 0), GETNB(C, 0),
   FIONBIO_(C, 1), GETNB(C, 1), FIONBIO_(C, 0), GETNB(C, 0));
SC(bad_descriptor,
   CLOSE_E(BADFD, EBADF), RECV_E(BADFD, 10, EBADF),
   SEND_E(BADFD, 10, EBADF), SHUT_E(BADFD, SHUT_RDWR, EBADF),
   GETINT_E(BADFD, SX_TYPE, EBADF), LISTEN_E(BADFD, 1, EBADF));
SC(double_close, SOCK(C, CLI), CLOSE(C), CLOSE_E(C, EBADF));

/* ---- bind, listen ---- */

SC(bind_twice, SOCK(L, SRV), BIND(L, SRV, 1), BIND_E(L, SRV, 2, EINVAL));
SC(bind_in_use, SOCK(L, SRV), BIND(L, SRV, 1), SOCK(S2, SRV),
   BIND_E(S2, SRV, 1, EADDRINUSE));
SC(bind_reuseaddr_then_listen,
   SOCK(L, SRV), SETINT(L, SX_REUSEADDR, 1), BIND(L, ANY, 1),
   SOCK(S2, SRV), SETINT(S2, SX_REUSEADDR, 1), BIND(S2, ANY, 1),
   LISTEN(L, 8), LISTEN_E(S2, 8, EADDRINUSE));
SC(bind_foreign_address, SOCK(L, SRV), BIND_E(L, NOBODY, 1, EADDRNOTAVAIL));
SC(bind_bad_family, SOCK(L, SRV), BIND_FAM_E(L, 1, AF_INET6, EAFNOSUPPORT));
SC(bind_port_zero, SOCK(L, SRV), BIND(L, SRV, 0), SOCKNAME(L, -2),
   LISTEN(L, 4), GETINT(L, SX_ACCEPTCONN, 1));
SC(listen_unbound, SOCK(L, SRV), LISTEN(L, 4), SOCKNAME(L, -2),
   TCPINFO(L, ST_LISTEN));
SC(listen_twice, LISTENING, LISTEN(L, 2), LISTEN(L, -1));
SC(listen_on_connected, ESTABLISH, LISTEN_E(C, 4, EINVAL));
SC(getsockname_fresh, SOCK(C, CLI), SOCKNAME(C, -1),
   PEERNAME_E(C, ENOTCONN), TCPINFO(C, ST_CLOSE));

/* ---- accept ---- */

SC(accept_not_listening, SOCK(L, SRV), ACCEPT_E(L, EINVAL));
SC(accept_nonblock_empty, SOCK_NB(L, SRV), BIND(L, SRV, 1), LISTEN(L, 4),
   ACCEPT_E(L, EAGAIN));
SC(accept4_bad_flags, LISTENING, ACCEPT4_E(L, 0x1, EINVAL));
SC(accept4_nonblock, LISTENING, SOCK(C, CLI), CONNECT(C, SRV, 1),
   ACCEPT4(L, S, SOCK_NONBLOCK), GETNB(S, 1), PEERNAME(S, -2),
   SOCKNAME(S, 1), PEERNAME(C, 1), RECV_E(S, 10, EAGAIN));
SC(accept_rcvtimeo, LISTENING, RCVTIMEO(L, 100), ACCEPT_E(L, EAGAIN));
SC(accept_after_peer_reset,
   LISTENING, SOCK(C, CLI), CONNECT(C, SRV, 1), LINGER(C, 1, 0),
   CLOSE(C), ACCEPT(L, S), RECV_E(S, 10, ECONNRESET), RECV(S, 10, 0));

/* ---- connect ---- */

SC(connect_refused,
   SOCK(C, CLI), CONNECT_E(C, SRV, 1, ECONNREFUSED), SOERR(C, 0),
   TCPINFO(C, ST_CLOSE));
SC(connect_refused_nonblock_epoll,
   SOCK_NB(C, CLI), EPCREATE(E, CLI),
   CONNECT_E(C, SRV, 1, EINPROGRESS), EPCTL(E, C, EPOLL_CTL_ADD, EPOLLOUT),
   EPWAIT(E, C, 1000, 1, EPOLLOUT | EPOLLERR | EPOLLHUP),
   SOERR(C, ECONNREFUSED), SOERR(C, 0),
   CONNECT_E(C, SRV, 1, ECONNABORTED));
SC(connect_refused_then_again,
   SOCK_NB(C, CLI), CONNECT_E(C, SRV, 1, EINPROGRESS),
   POLL(C, POLLOUT, 1000, 1, POLLOUT | POLLERR | POLLHUP),
   CONNECT_E(C, SRV, 1, ECONNREFUSED), SOERR(C, 0),
   LISTENING, CONNECT_E(C, SRV, 1, EINPROGRESS),
   POLL(C, POLLOUT, 1000, 1, POLLOUT), CONNECT(C, SRV, 1),
   CONNECT_E(C, SRV, 1, EISCONN));
SC(connect_nonblock_epoll,
   LISTENING, SOCK_NB(C, CLI), EPCREATE(E, CLI),
   CONNECT_E(C, SRV, 1, EINPROGRESS),
   EPCTL(E, C, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN),
   EPWAIT(E, C, 1000, 1, EPOLLOUT), SOERR(C, 0), CONNECT(C, SRV, 1),
   CONNECT_E(C, SRV, 1, EISCONN), ACCEPT(L, S), TCPINFO(C, ST_ESTABLISHED));
SC(connect_already,
   SOCK_NB(C, CLI), CONNECT_E(C, NOBODY, 1, EINPROGRESS),
   CONNECT_E(C, NOBODY, 1, EALREADY), POLL(C, POLLOUT, 100, 0, 0),
   SEND_E(C, 10, EAGAIN), RECV_E(C, 10, EAGAIN), PEERNAME_E(C, ENOTCONN));
SC(connect_timed_out,
   SOCK(C, CLI), SNDTIMEO(C, 300), CONNECT_E(C, NOBODY, 1, EINPROGRESS),
   POLL(C, POLLOUT | POLLIN, 0, 0, 0), CONNECT_E(C, NOBODY, 1, EALREADY));
SC(connect_bad_family, SOCK(C, CLI),
   CONNECT_FAM_E(C, 1, AF_INET6, EAFNOSUPPORT));
SC(connect_on_listener, LISTENING, CONNECT_E(L, SRV, 1, EISCONN));
SC(connect_established_again, ESTABLISH, CONNECT_E(C, SRV, 1, EISCONN),
   TCPINFO(C, ST_ESTABLISHED), TCPINFO(S, ST_ESTABLISHED));

/* ---- data ---- */

SC(send_unconnected, SOCK(C, CLI), SEND_E(C, 10, EPIPE));
SC(recv_unconnected, SOCK(C, CLI), RECV_E(C, 10, ENOTCONN));
SC(recv_on_listener, LISTENING, RECV_E(L, 10, ENOTCONN),
   SEND_E(L, 10, EPIPE), FIONREAD_E(L, EINVAL));
SC(recv_nonblock_empty, ESTABLISH, SETNB(C, 1), RECV_E(C, 10, EAGAIN));
SC(recv_dontwait, ESTABLISH, RECV_FE(C, 10, MSG_DONTWAIT, EAGAIN),
   SEND_F(C, 10, MSG_DONTWAIT, 10), RECV_F(S, 10, MSG_DONTWAIT, 10));
SC(recv_rcvtimeo, ESTABLISH, RCVTIMEO(C, 100), RECV_E(C, 10, EAGAIN),
   GETINT(C, SX_RCVTIMEO, 100));
SC(send_recv_fionread,
   ESTABLISH, SEND(C, 1000, 1000), FIONREAD_(S, 1000), RECV(S, 400, 400),
   FIONREAD_(S, 600), RECV(S, 1000, 600), FIONREAD_(S, 0),
   SEND(S, 70000, 70000), RECV_F(C, 70000, MSG_WAITALL, 70000));
SC(msg_peek,
   ESTABLISH, SEND(C, 100, 100), RECV_F(S, 50, MSG_PEEK, 50),
   RECV_F(S, 200, MSG_PEEK, 100), FIONREAD_(S, 100), RECV(S, 200, 100),
   FIONREAD_(S, 0));
SC(msg_waitall_timeout,
   ESTABLISH, RCVTIMEO(S, 100), SEND(C, 100, 100),
   RECV_F(S, 300, MSG_WAITALL, 100), SEND(C, 300, 300),
   RECV_F(S, 300, MSG_WAITALL, 300));
SC(readv_writev, ESTABLISH, WRITEV(C, 999, 999), READV(S, 999, 999),
   WRITEV(S, 3000, 3000), READV(C, 3000, 3000));
SC(send_zero_bytes, ESTABLISH, SEND(C, 0, 0),
   RECV_FE(S, 0, MSG_DONTWAIT, EAGAIN), SEND(C, 5, 5), RECV(S, 0, 0),
   FIONREAD_(S, 5), RECV(S, 5, 5));
SC(rcvlowat_poll,
   ESTABLISH, SETINT(S, SX_RCVLOWAT, 100), SEND(C, 50, 50),
   POLL(S, POLLIN, 0, 0, 0), SEND(C, 50, 50),
   POLL(S, POLLIN, 1000, 1, POLLIN), RECV(S, 100, 100));

/* ---- half-close, shutdown ---- */

SC(half_close,
   ESTABLISH, SHUT(C, SHUT_WR), RECV(S, 100, 0), SEND(S, 100, 100),
   RECV(C, 100, 100), SEND_E(C, 10, EPIPE), CLOSE(S), RECV(C, 10, 0));
SC(half_close_rdhup,
   ESTABLISH, EPCREATE(F, SRV),
   EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN | EPOLLRDHUP), EPWAIT(F, S, 0, 0, 0),
   SHUT(C, SHUT_WR), EPWAIT(F, S, 1000, 1, EPOLLIN | EPOLLRDHUP),
   RECV(S, 10, 0), TCPINFO(S, ST_CLOSE_WAIT));
SC(peer_close_then_shutdown_hup,
   ESTABLISH, EPCREATE(E, CLI),
   EPCTL(E, C, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT | EPOLLRDHUP),
   EPWAIT(E, C, 0, 1, EPOLLOUT), CLOSE(S),
   EPWAIT(E, C, 1000, 1, EPOLLIN | EPOLLOUT | EPOLLRDHUP),
   SHUT(C, SHUT_WR),
   EPWAIT(E, C, 0, 1, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP));
SC(shutdown_bad_how, SOCK(C, CLI), SHUT_E(C, 5, EINVAL),
   SHUT_E(C, -1, EINVAL));
SC(shutdown_unconnected, SOCK(C, CLI), SHUT_E(C, SHUT_RDWR, ENOTCONN),
   POLL(C, POLLIN | POLLOUT, 0, 1, POLLIN | POLLOUT | POLLHUP));
SC(shutdown_fresh_poll, SOCK(C, CLI),
   POLL(C, POLLIN | POLLOUT, 0, 1, POLLOUT | POLLHUP));
SC(shutdown_listener_wr, LISTENING, SHUT(L, SHUT_WR), SOCK(C, CLI),
   CONNECT(C, SRV, 1), ACCEPT(L, S));
SC(shutdown_listener_rd, LISTENING, SHUT(L, SHUT_RD), SOCK(C, CLI),
   CONNECT_E(C, SRV, 1, ECONNREFUSED), ACCEPT_E(L, EINVAL),
   GETINT(L, SX_ACCEPTCONN, 0));
SC(shutdown_syn_sent,
   SOCK_NB(C, CLI), CONNECT_E(C, NOBODY, 1, EINPROGRESS),
   SHUT(C, SHUT_RDWR), SOERR(C, ECONNRESET), TCPINFO(C, ST_CLOSE));
SC(shutdown_twice, ESTABLISH, SHUT(C, SHUT_WR), SHUT(C, SHUT_WR),
   SHUT(C, SHUT_RD), SHUT(C, SHUT_RDWR), RECV(C, 10, 0));
SC(shutdown_rd_then_read, ESTABLISH, SHUT(C, SHUT_RD), RECV(C, 10, 0),
   POLL(C, POLLIN | POLLRDHUP, 0, 1, POLLIN | POLLRDHUP));
SC(shutdown_close_wait,
   ESTABLISH, CLOSE(S), RECV(C, 10, 0), TCPINFO(C, ST_CLOSE_WAIT),
   SEND(C, 10, 10), SLEEP(50), SEND_E(C, 10, EPIPE), SOERR(C, 0),
   SHUT_E(C, SHUT_WR, ENOTCONN));
SC(shutdown_after_rst, ESTABLISH, LINGER(S, 1, 0), CLOSE(S),
   SHUT_E(C, SHUT_RDWR, ENOTCONN), SOERR(C, ECONNRESET));
SC(shutdown_after_full_close,
   ESTABLISH, SHUT(C, SHUT_WR), RECV(S, 10, 0), CLOSE(S), RECV(C, 10, 0),
   TCPINFO(C, ST_CLOSE), SHUT_E(C, SHUT_RDWR, ENOTCONN),
   PEERNAME_E(C, ENOTCONN));

/* ---- resets ---- */

SC(rst_on_read, ESTABLISH, LINGER(S, 1, 0), CLOSE(S),
   RECV_E(C, 100, ECONNRESET), RECV(C, 100, 0), TCPINFO(C, ST_CLOSE));
SC(rst_on_write, ESTABLISH, LINGER(S, 1, 0), CLOSE(S),
   SEND_E(C, 100, ECONNRESET), SEND_E(C, 100, EPIPE), SOERR(C, 0));
SC(rst_epoll_events,
   ESTABLISH, EPCREATE(E, CLI),
   EPCTL(E, C, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT | EPOLLRDHUP),
   LINGER(S, 1, 0), CLOSE(S), EPWAIT(E, C, 1000, 1, EV_RST),
   SOERR(C, ECONNRESET),
   EPWAIT(E, C, 0, 1, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP));
SC(rst_after_fin_is_epipe,
   ESTABLISH, CLOSE(S), RECV(C, 10, 0), SEND(C, 100, 100),
   SLEEP(50), SOERR(C, EPIPE), RECV(C, 10, 0));
SC(linger_abort, ESTABLISH, LINGER(C, 1, 0), CLOSE(C),
   RECV_E(S, 10, ECONNRESET), SOERR(S, 0), PEERNAME_E(S, ENOTCONN));
SC(close_unread_resets, ESTABLISH, SEND(C, 100, 100), FIONREAD_(S, 100),
   CLOSE(S), RECV_E(C, 10, ECONNRESET));
SC(close_graceful, ESTABLISH, SEND(C, 100, 100), CLOSE(C),
   RECV(S, 1000, 100), RECV(S, 1000, 0), SOERR(S, 0));

/* ---- options ---- */

SC(opt_nodelay_keepalive,
   SOCK(C, CLI), GETINT(C, SX_NODELAY, 0), SETINT(C, SX_NODELAY, 1),
   GETINT(C, SX_NODELAY, 1), GETINT(C, SX_KEEPALIVE, 0),
   SETINT(C, SX_KEEPALIVE, 1), GETINT(C, SX_KEEPALIVE, 1),
   GETINT(C, SX_TYPE, SOCK_STREAM), GETINT(C, SX_ACCEPTCONN, 0));
SC(opt_keepalive_ranges,
   SOCK(C, CLI), SETINT(C, SX_KEEPIDLE, 30), GETINT(C, SX_KEEPIDLE, 30),
   SETINT_E(C, SX_KEEPIDLE, 0, EINVAL),
   SETINT_E(C, SX_KEEPIDLE, 40000, EINVAL),
   SETINT(C, SX_KEEPINTVL, 5), GETINT(C, SX_KEEPINTVL, 5),
   SETINT_E(C, SX_KEEPINTVL, 0, EINVAL), SETINT(C, SX_KEEPCNT, 3),
   GETINT(C, SX_KEEPCNT, 3), SETINT_E(C, SX_KEEPCNT, 200, EINVAL));
SC(opt_user_timeout, SOCK(C, CLI), SETINT(C, SX_USER_TIMEOUT, 5000),
   GETINT(C, SX_USER_TIMEOUT, 5000),
   SETINT_E(C, SX_USER_TIMEOUT, -1, EINVAL));
SC(opt_buffers, SOCK(C, CLI), SETINT(C, SX_RCVBUF, 10000),
   GETINT(C, SX_RCVBUF, 20000), SETINT(C, SX_SNDBUF, 10000),
   GETINT(C, SX_SNDBUF, 20000), SETINT(C, SX_RCVLOWAT, 10),
   GETINT(C, SX_RCVLOWAT, 10));
SC(opt_reuse, SOCK(C, CLI), GETINT(C, SX_REUSEADDR, 0),
   SETINT(C, SX_REUSEADDR, 1), GETINT(C, SX_REUSEADDR, 1),
   SETINT(C, SX_REUSEPORT, 1), GETINT(C, SX_REUSEPORT, 1));
SC(opt_unknown, SOCK(C, CLI), GETINT_E(C, SX_BADOPT, ENOPROTOOPT),
   SETINT_E(C, SX_BADOPT, 1, ENOPROTOOPT));
SC(opt_maxseg, SOCK(C, CLI), GETINT(C, SX_MAXSEG, 536),
   SETINT_E(C, SX_MAXSEG, 10, EINVAL));
SC(opt_congestion, SOCK(C, CLI), CC(C, 1, 0, 0), GETCC(C, 1),
   CC(C, 0, 0, 0), GETCC(C, 0), CC(C, 2, -1, ENOENT), GETCC(C, 0));
SC(opt_timeo, SOCK(C, CLI), GETINT(C, SX_SNDTIMEO, 0), SNDTIMEO(C, 1500),
   GETINT(C, SX_SNDTIMEO, 1500), RCVTIMEO(C, 200),
   GETINT(C, SX_RCVTIMEO, 200));
SC(tcp_info_states,
   ESTABLISH, TCPINFO(L, ST_LISTEN), TCPINFO(C, ST_ESTABLISHED),
   SHUT(S, SHUT_WR), RECV(C, 10, 0), TCPINFO(C, ST_CLOSE_WAIT));
SC(opt_inherited_by_accept, LISTENING, SETINT(L, SX_NODELAY, 1),
   SETINT(L, SX_KEEPALIVE, 1), SOCK(C, CLI), CONNECT(C, SRV, 1),
   ACCEPT(L, S), GETINT(S, SX_NODELAY, 1), GETINT(S, SX_KEEPALIVE, 1),
   GETINT(S, SX_ACCEPTCONN, 0));

/* ---- epoll, poll ---- */

SC(epoll_create_bad_flags, EPCREATE_E(1, EINVAL));
SC(epoll_ctl_errors,
   ESTABLISH, EPCREATE(E, CLI), EPCTL(E, C, EPOLL_CTL_ADD, EPOLLIN),
   EPCTL_E(E, C, EPOLL_CTL_ADD, EPOLLIN, EEXIST),
   EPCTL_E(E, C2, EPOLL_CTL_ADD, EPOLLIN, EBADF),
   EPCTL_E(E, BADFD, EPOLL_CTL_ADD, EPOLLIN, EBADF),
   EPCTL_E(C, S, EPOLL_CTL_ADD, EPOLLIN, EINVAL),
   EPCTL_E(E, E, EPOLL_CTL_ADD, EPOLLIN, EINVAL),
   EPCTL(E, C, EPOLL_CTL_DEL, 0),
   EPCTL_E(E, C, EPOLL_CTL_DEL, 0, ENOENT),
   EPCTL_E(E, C, EPOLL_CTL_MOD, EPOLLIN, ENOENT),
   EPCTL_E(E, C, 99, EPOLLIN, EINVAL));
SC(epoll_wait_errors, SOCK(C, CLI), EPWAIT_E(C, EINVAL),
   EPWAIT_E(BADFD, EBADF));
SC(epoll_level_triggered,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN),
   EPWAIT(F, S, 0, 0, 0), SEND(C, 100, 100),
   EPWAIT(F, S, 0, 1, EPOLLIN), EPWAIT(F, S, 0, 1, EPOLLIN),
   RECV(S, 50, 50), EPWAIT(F, S, 0, 1, EPOLLIN), RECV(S, 50, 50),
   EPWAIT(F, S, 0, 0, 0));
SC(epoll_edge_triggered,
   ESTABLISH, EPCREATE(F, SRV),
   EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN | EPOLLET), EPWAIT(F, S, 0, 0, 0),
   SEND(C, 100, 100), EPWAIT(F, S, 0, 1, EPOLLIN), EPWAIT(F, S, 0, 0, 0),
   RECV(S, 50, 50), EPWAIT(F, S, 0, 0, 0), SEND(C, 100, 100),
   /* A timeout: Nagle holds the second write for the first one's ACK,
    * which tern delays (docs/sockets.md, difference 5). */
   EPWAIT(F, S, 1000, 1, EPOLLIN), RECV(S, 200, 150),
   EPWAIT(F, S, 0, 0, 0));
SC(epoll_edge_out_and_in,
   ESTABLISH, EPCREATE(F, SRV),
   EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT | EPOLLET),
   EPWAIT(F, S, 0, 1, EPOLLOUT), EPWAIT(F, S, 0, 0, 0),
   SEND(C, 10, 10), EPWAIT(F, S, 0, 1, EPOLLIN | EPOLLOUT),
   EPWAIT(F, S, 0, 0, 0));
SC(epoll_oneshot,
   ESTABLISH, EPCREATE(F, SRV),
   EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN | EPOLLONESHOT), SEND(C, 10, 10),
   EPWAIT(F, S, 0, 1, EPOLLIN), EPWAIT(F, S, 0, 0, 0), SEND(C, 10, 10),
   EPWAIT(F, S, 0, 0, 0), LINGER(C, 1, 0), CLOSE(C),
   EPWAIT(F, S, 0, 0, 0),
   EPCTL(F, S, EPOLL_CTL_MOD, EPOLLIN | EPOLLONESHOT),
   EPWAIT(F, S, 0, 1, EPOLLIN | EPOLLHUP | EPOLLERR));
SC(epoll_fresh_socket, SOCK(C, CLI), EPCREATE(E, CLI),
   EPCTL(E, C, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT),
   EPWAIT(E, C, 0, 1, EPOLLOUT | EPOLLHUP));
SC(epoll_listener,
   LISTENING, EPCREATE(F, SRV), EPCTL(F, L, EPOLL_CTL_ADD, EPOLLIN),
   EPWAIT(F, L, 0, 0, 0), SOCK_NB(C, CLI),
   CONNECT_E(C, SRV, 1, EINPROGRESS), EPWAIT(F, L, 1000, 1, EPOLLIN),
   ACCEPT(L, S), EPWAIT(F, L, 0, 0, 0));
SC(epoll_close_forgets,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN),
   SEND(C, 10, 10), CLOSE(S), EPWAIT(F, S, 0, 0, 0));
SC(epoll_del_stops,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN),
   EPCTL(F, S, EPOLL_CTL_DEL, 0), SEND(C, 10, 10), EPWAIT(F, S, 0, 0, 0),
   EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN), EPWAIT(F, S, 0, 1, EPOLLIN));
SC(epoll_mod_changes_interest,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN),
   EPWAIT(F, S, 0, 0, 0), EPCTL(F, S, EPOLL_CTL_MOD, EPOLLOUT),
   EPWAIT(F, S, 0, 1, EPOLLOUT));
SC(epoll_rdhup_only,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLRDHUP),
   SEND(C, 10, 10), EPWAIT(F, S, 0, 0, 0), SHUT(C, SHUT_WR),
   EPWAIT(F, S, 1000, 1, EPOLLRDHUP));
SC(epoll_timeout_nothing,
   ESTABLISH, EPCREATE(F, SRV), EPCTL(F, S, EPOLL_CTL_ADD, EPOLLIN),
   EPWAIT(F, S, 100, 0, 0));
SC(poll_basic,
   ESTABLISH, POLL(C, POLLIN, 0, 0, 0), SEND(S, 10, 10),
   POLL(C, POLLIN, 1000, 1, POLLIN), POLL(C, POLLIN | POLLOUT, 0, 1,
					   POLLIN | POLLOUT),
   POLL(BADFD, POLLIN, 0, 1, POLLNVAL));
SC(poll_listener, LISTENING, POLL(L, POLLIN | POLLOUT, 0, 0, 0),
   SOCK(C, CLI), CONNECT(C, SRV, 1), POLL(L, POLLIN, 1000, 1, POLLIN));

/* ---- backlog ---- */

SC(listen_backlog_full,
   SOCK(L, SRV), BIND(L, SRV, 1), LISTEN(L, 0), SOCK(C, CLI),
   CONNECT(C, SRV, 1), SOCK_NB(C2, CLI), EPCREATE(E, CLI),
   CONNECT_E(C2, SRV, 1, EINPROGRESS),
   EPCTL(E, C2, EPOLL_CTL_ADD, EPOLLOUT), EPWAIT(E, C2, 300, 0, 0),
   ACCEPT(L, S), EPWAIT(E, C2, 5000, 1, EPOLLOUT), SOERR(C2, 0),
   ACCEPT(L, S2));

#define SCN(name) { #name, name }

/* ---- AF_INET6 (scenarios named inet6_* run with IPv6 on) ---- */

#define SOCK6(s, node) T(OP_SOCKET, s, node, 0, AF_INET6, R_FD, 0, 0)
#define SOCK6_NB(s, node) \
	T(OP_SOCKET, s, node, SOCK_NONBLOCK, AF_INET6, R_FD, 0, 0)
/* getsockname (NAME6) / getpeername (PEER6): an AF_INET6 address equal
 * to node's, port p (0: port 0; -2: any). */
#define NAME6(s, node, p) T(OP_NAME6, s, node, p, 0, 0, 0, 0)
#define PEER6(s, node, p) T(OP_NAME6, s, node, p, 1, 0, 0, 0)
#define PEER6_E(s, e) T(OP_NAME6, s, ANY6, -2, 1, -1, e, 0)
/* An address of node's length (IPv6: sockaddr_in6) with family fam. */
#define BIND_AT_FAM_E(s, node, p, fam, e) T(OP_BIND, s, node, p, fam, -1, e, 0)
#define CONNECT_AT_FAM_E(s, node, p, fam, e) \
	T(OP_CONNECT, s, node, p, fam, -1, e, 0)
#define LISTENING6 SOCK6(L, SRV6), BIND(L, SRV6, 1), LISTEN(L, 8)

SC(inet6_socket_options,
   SOCK6(C, CLI6), GETINT(C, SX_V6ONLY, 0), SETINT(C, SX_V6ONLY, 1),
   GETINT(C, SX_V6ONLY, 1), SETINT(C, SX_V6ONLY, 0),
   GETINT(C, SX_V6ONLY, 0), NAME6(C, ANY6, 0), PEER6_E(C, ENOTCONN),
   SOCK(C2, CLI), SETINT_E(C2, SX_V6ONLY, 1, ENOPROTOOPT),
   GETINT_E(C2, SX_V6ONLY, EOPNOTSUPP));
SC(inet6_establish,
   LISTENING6, NAME6(L, SRV6, 1), SOCK6(C, CLI6), BIND(C, CLI6, 0),
   CONNECT(C, SRV6, 1), ACCEPT(L, S),
   NAME6(C, CLI6, -2), PEER6(C, SRV6, 1), NAME6(S, SRV6, 1),
   PEER6(S, CLI6, -2), SEND(C, 3000, 3000), RECV(S, 3000, 3000),
   SEND(S, 100, 100), RECV(C, 100, 100), TCPINFO(S, ST_ESTABLISHED),
   CLOSE(C), RECV(S, 10, 0), TCPINFO(S, ST_CLOSE_WAIT));
SC(inet6_dual_stack_listener,
   SOCK6(L, SRV6), BIND(L, ANY6, 1), LISTEN(L, 8), NAME6(L, ANY6, 1),
   SOCK(C, CLI), BIND(C, CLI, 0), CONNECT(C, SRV, 1), ACCEPT(L, S),
   PEER6(S, CLI_MAP, -2), NAME6(S, SRV_MAP, 1),
   SEND(C, 100, 100), RECV(S, 100, 100),
   SOCK6(C2, CLI6), BIND(C2, CLI6, 0), CONNECT(C2, SRV6, 1),
   ACCEPT(L, S2), PEER6(S2, CLI6, -2), NAME6(S2, SRV6, 1),
   SEND(S2, 10, 10), RECV(C2, 10, 10));
SC(inet6_connect_v4_mapped,
   LISTENING, SOCK6(C, CLI6), BIND(C, CLI_MAP, 0), CONNECT(C, SRV_MAP, 1),
   ACCEPT(L, S), NAME6(C, CLI_MAP, -2), PEER6(C, SRV_MAP, 1),
   SOCKNAME(S, 1), SEND(C, 100, 100), RECV(S, 100, 100),
   SOCK6(C2, CLI6), SETINT(C2, SX_V6ONLY, 1),
   CONNECT_E(C2, SRV_MAP, 1, ENETUNREACH));
SC(inet6_bind_errors,
   SOCK6(C, CLI6),
   BIND_AT_FAM_E(C, SRV, 1, AF_INET, EINVAL),       /* 16 bytes */
   BIND_AT_FAM_E(C, SRV6, 1, AF_INET, EAFNOSUPPORT),
   BIND_E(C, NOBODY6, 1, EADDRNOTAVAIL),
   BIND_E(C, NOBODY_MAP, 1, EADDRNOTAVAIL),
   SETINT(C, SX_V6ONLY, 1), BIND_E(C, CLI_MAP, 1, EINVAL),
   BIND(C, CLI6, 1), NAME6(C, CLI6, 1),
   SETINT_E(C, SX_V6ONLY, 0, EINVAL), BIND_E(C, CLI6, 2, EINVAL),
   BIND_E(C, NOBODY6, 2, EINVAL),                   /* bound: first */
   SOCK(C2, CLI), BIND_E(C2, CLI6, 1, EAFNOSUPPORT));
SC(inet6_connect_errors,
   SOCK6(C, CLI6),
   CONNECT_AT_FAM_E(C, SRV, 1, AF_INET, EINVAL),    /* 16 bytes */
   CONNECT_AT_FAM_E(C, SRV6, 1, AF_INET, EAFNOSUPPORT),
   CONNECT_E(C, SRV6, 1, ECONNREFUSED), SOERR(C, 0),
   LISTENING6, CONNECT(C, SRV6, 1), CONNECT_E(C, SRV6, 1, EISCONN),
   SOCK(C2, CLI), CONNECT_E(C2, SRV6, 1, EAFNOSUPPORT));
/* A listener refuses the SYN of a family it does not take (an AF_INET
 * socket, an IPV6_V6ONLY one in S2): ECONNREFUSED; its own family gets
 * in. */
SC(inet6_listener_family_refused,
   LISTENING, SOCK6(C, CLI6), CONNECT_E(C, SRV6, 1, ECONNREFUSED),
   SOERR(C, 0), SOCK6(S2, SRV6), SETINT(S2, SX_V6ONLY, 1),
   BIND(S2, ANY6, 2), LISTEN(S2, 8),
   SOCK(C2, CLI), CONNECT_E(C2, SRV, 2, ECONNREFUSED), SOERR(C2, 0),
   SOCK6(C3, CLI6), BIND(C3, CLI6, 0), CONNECT(C3, SRV6, 2), ACCEPT(S2, S),
   PEER6(S, CLI6, -2));
SC(inet6_nonblock_connect_epoll,
   LISTENING6, SOCK6_NB(C, CLI6), EPCREATE(E, CLI),
   CONNECT_E(C, SRV6, 1, EINPROGRESS),
   EPCTL(E, C, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN),
   EPWAIT(E, C, 1000, 1, EPOLLOUT), SOERR(C, 0), CONNECT(C, SRV6, 1),
   CONNECT_E(C, SRV6, 1, EISCONN), ACCEPT(L, S), PEER6(C, SRV6, 1),
   SEND(S, 10, 10), EPWAIT(E, C, 1000, 1, EPOLLOUT | EPOLLIN),
   RECV(C, 10, 10));

const struct sx_scenario sx_scenarios[] = {
	SCN(socket_bad_domain),
	SCN(socket_bad_type),
	SCN(socket_nonblock_flags),
	SCN(bad_descriptor),
	SCN(double_close),
	SCN(bind_twice),
	SCN(bind_in_use),
	SCN(bind_reuseaddr_then_listen),
	SCN(bind_foreign_address),
	SCN(bind_bad_family),
	SCN(bind_port_zero),
	SCN(listen_unbound),
	SCN(listen_twice),
	SCN(listen_on_connected),
	SCN(getsockname_fresh),
	SCN(accept_not_listening),
	SCN(accept_nonblock_empty),
	SCN(accept4_bad_flags),
	SCN(accept4_nonblock),
	SCN(accept_rcvtimeo),
	SCN(accept_after_peer_reset),
	SCN(connect_refused),
	SCN(connect_refused_nonblock_epoll),
	SCN(connect_refused_then_again),
	SCN(connect_nonblock_epoll),
	SCN(connect_already),
	SCN(connect_timed_out),
	SCN(connect_bad_family),
	SCN(connect_on_listener),
	SCN(connect_established_again),
	SCN(send_unconnected),
	SCN(recv_unconnected),
	SCN(recv_on_listener),
	SCN(recv_nonblock_empty),
	SCN(recv_dontwait),
	SCN(recv_rcvtimeo),
	SCN(send_recv_fionread),
	SCN(msg_peek),
	SCN(msg_waitall_timeout),
	SCN(readv_writev),
	SCN(send_zero_bytes),
	SCN(rcvlowat_poll),
	SCN(half_close),
	SCN(half_close_rdhup),
	SCN(peer_close_then_shutdown_hup),
	SCN(shutdown_bad_how),
	SCN(shutdown_unconnected),
	SCN(shutdown_fresh_poll),
	SCN(shutdown_listener_wr),
	SCN(shutdown_listener_rd),
	SCN(shutdown_syn_sent),
	SCN(shutdown_twice),
	SCN(shutdown_rd_then_read),
	SCN(shutdown_close_wait),
	SCN(shutdown_after_rst),
	SCN(shutdown_after_full_close),
	SCN(rst_on_read),
	SCN(rst_on_write),
	SCN(rst_epoll_events),
	SCN(rst_after_fin_is_epipe),
	SCN(linger_abort),
	SCN(close_unread_resets),
	SCN(close_graceful),
	SCN(opt_nodelay_keepalive),
	SCN(opt_keepalive_ranges),
	SCN(opt_user_timeout),
	SCN(opt_buffers),
	SCN(opt_reuse),
	SCN(opt_unknown),
	SCN(opt_maxseg),
	SCN(opt_congestion),
	SCN(opt_timeo),
	SCN(tcp_info_states),
	SCN(opt_inherited_by_accept),
	SCN(epoll_create_bad_flags),
	SCN(epoll_ctl_errors),
	SCN(epoll_wait_errors),
	SCN(epoll_level_triggered),
	SCN(epoll_edge_triggered),
	SCN(epoll_edge_out_and_in),
	SCN(epoll_oneshot),
	SCN(epoll_fresh_socket),
	SCN(epoll_listener),
	SCN(epoll_close_forgets),
	SCN(epoll_del_stops),
	SCN(epoll_mod_changes_interest),
	SCN(epoll_rdhup_only),
	SCN(epoll_timeout_nothing),
	SCN(poll_basic),
	SCN(poll_listener),
	SCN(listen_backlog_full),
	SCN(inet6_socket_options),
	SCN(inet6_establish),
	SCN(inet6_dual_stack_listener),
	SCN(inet6_connect_v4_mapped),
	SCN(inet6_bind_errors),
	SCN(inet6_connect_errors),
	SCN(inet6_nonblock_connect_epoll),
	SCN(inet6_listener_family_refused),
};

const unsigned int sx_nscenarios = sizeof(sx_scenarios) / sizeof(sx_scenarios[0]);
