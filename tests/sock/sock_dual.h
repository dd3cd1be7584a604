/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SOCK_DUAL_H
#define SOCK_DUAL_H

/**
 * @file
 * Socket scenarios that run unchanged on two stacks (docs/sockets.md,
 * "Same test, two stacks"): Linux's sockets over loopback inside a
 * network namespace, and tern_socket.h over the simulator (two tern
 * stacks on a virtual wire and clock). Each scenario is a table of
 * steps; a step makes one call and states the return value, errno and,
 * for epoll and poll, the events Linux gives. The same table is the
 * expectation for both stacks.
 *
 * Between steps the network settles: on loopback the kernel processes
 * what a call sent before the call returns; the simulator runs every
 * frame due at the current instant (sim_settle). Waiting for something
 * later (a retransmission, a timeout) is a step with a timeout:
 * epoll_wait, poll, or SLEEP.
 */

#include <stdint.h>

/* Descriptor slots of a scenario. */
enum sx_slot {
	L,      /* listener (server node) */
	C,      /* client (client node) */
	S,      /* accepted (server node) */
	E,      /* epoll instance (client node) */
	F,      /* epoll instance (server node) */
	C2,
	S2,
	C3,
	SX_NSLOTS,
	BADFD = 15, /* a descriptor number that is not open */
};

/* Nodes (tern: stack; Linux: one address each on lo). The IPv6 ones
 * name their address as an AF_INET6 socket gives it (sockaddr_in6);
 * scenarios named inet6_* run with IPv6 on both stacks. */
enum sx_node {
	CLI,    /* 198.18.0.10 */
	SRV,    /* 198.18.0.11 */
	ANY,    /* INADDR_ANY (bind only) */
	NOBODY, /* 198.18.0.99: nobody answers */
	CLI6,   /* 2001:2::a */
	SRV6,   /* 2001:2::b */
	ANY6,   /* :: (bind only) */
	NOBODY6, /* 2001:2::63: not ours */
	CLI_MAP, /* ::ffff:198.18.0.10 */
	SRV_MAP, /* ::ffff:198.18.0.11 */
	NOBODY_MAP, /* ::ffff:198.18.0.99 */
};

enum sx_op {
	OP_END,
	OP_SOCKET,      /* a=slot b=node x=type flags (SOCK_NONBLOCK...)
			   y=domain (0: AF_INET) */
	OP_SOCKET_RAW,  /* x=domain y=type: expect an error */
	OP_BIND,        /* a b=node x=port# (0: any port) y=family (0 INET) */
	OP_LISTEN,      /* a x=backlog */
	OP_ACCEPT,      /* a=listener b=new slot x=accept4 flags */
	OP_CONNECT,     /* a b=node x=port# y=family (0 INET) */
	OP_SEND,        /* a x=len y=flags: the slot's pattern stream */
	OP_WRITEV,      /* a x=len (three iovecs) */
	OP_RECV,        /* a x=len y=flags: checks the pattern */
	OP_READV,       /* a x=len (three iovecs) */
	OP_SHUTDOWN,    /* a x=how */
	OP_CLOSE,       /* a */
	OP_SETNB,       /* a x=on (fcntl F_SETFL) */
	OP_GETNB,       /* a: ret = O_NONBLOCK set (0/1) */
	OP_FIONBIO,     /* a x=on */
	OP_FIONREAD,    /* a: ret = bytes */
	OP_SETINT,      /* a x=enum sx_opt y=value */
	OP_GETINT,      /* a x=enum sx_opt: ret = value */
	OP_LINGER,      /* a x=onoff y=seconds */
	OP_TIMEO,       /* a x=SX_RCVTIMEO/SX_SNDTIMEO y=ms */
	OP_CONGESTION,  /* a x=0 "cubic", 1 "reno", 2 "nonesuch" */
	OP_GETCC,       /* a: ret = 0 cubic, 1 reno */
	OP_TCPINFO,     /* a: ret = tcpi_state (Linux numbering) */
	OP_EPCREATE,    /* a b=node x=flags */
	OP_EPCTL,       /* a=epoll b=slot x=EPOLL_CTL_* y=events */
	OP_EPWAIT,      /* a=epoll b=slot expected x=timeout ms: ret = n,
			   ev = events of b (when ret == 1) */
	OP_POLL,        /* a x=events y=timeout ms: ret = n, ev = revents */
	OP_SOCKNAME,    /* a: ret = 0 and x = port# (-1: 0, -2: don't care) */
	OP_PEERNAME,    /* a: ret = 0, or -1 and errno */
	OP_SLEEP,       /* x=ms of time passing */
	OP_NAME6,       /* a b=node x=port# (-2: don't care) y=1 peer, 0
			   local: ret = 0 and an AF_INET6 address of b */
};

enum sx_opt {
	SX_REUSEADDR,
	SX_REUSEPORT,
	SX_KEEPALIVE,
	SX_RCVBUF,
	SX_SNDBUF,
	SX_RCVLOWAT,
	SX_ERROR,
	SX_TYPE,
	SX_ACCEPTCONN,
	SX_NODELAY,
	SX_MAXSEG,
	SX_KEEPIDLE,
	SX_KEEPINTVL,
	SX_KEEPCNT,
	SX_USER_TIMEOUT,
	SX_RCVTIMEO,
	SX_SNDTIMEO,
	SX_BADOPT,
	SX_V6ONLY,
	SX_NOPTS,
};

/* Expected return: a value, or one of these. */
#define R_FD (-1000)    /* a descriptor (>= 0) */
#define R_ANY (-1001)   /* not checked */
#define R_POS (-1002)   /* > 0 */

struct sx_step {
	uint8_t op;
	int8_t a, b;
	int32_t x, y;
	int32_t ret;
	int32_t err;            /* errno when ret == -1 */
	uint32_t ev;
	int line;
};

struct sx_scenario {
	const char *name;
	const struct sx_step *steps;
};

extern const struct sx_scenario sx_scenarios[];
extern const unsigned int sx_nscenarios;

#endif /* SOCK_DUAL_H */
