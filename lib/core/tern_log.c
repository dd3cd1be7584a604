/* SPDX-License-Identifier: BSD-3-Clause */
/* Log types of the stack's components and the data-path budget. */
#include "tern_log.h"

/* Registered before main(), so that EAL's --log-level applies. */
RTE_LOG_REGISTER(tern_logtype_net, tern.net, NOTICE);
RTE_LOG_REGISTER(tern_logtype_arp, tern.arp, NOTICE);
RTE_LOG_REGISTER(tern_logtype_nd, tern.nd, NOTICE);
RTE_LOG_REGISTER(tern_logtype_tcp, tern.tcp, NOTICE);
RTE_LOG_REGISTER(tern_logtype_tcp_fsm, tern.tcp.fsm, NOTICE);

/* The budget renews every second. */
#define LOG_WINDOW_NS UINT64_C(1000000000)

bool
tern_log_budget_take(struct tern_log_budget *b, uint64_t now_ns,
		     unsigned int lcore)
{
	if (now_ns - b->window_ns >= LOG_WINDOW_NS) {
		if (b->suppressed != 0)
			rte_log(RTE_LOG_NOTICE, (uint32_t)tern_logtype_net,
				"tern: lcore %u: %u log messages suppressed "
				"(more than %u per second)\n", lcore,
				b->suppressed, TERN_LOG_BURST);
		b->window_ns = now_ns;
		b->used = 0;
		b->suppressed = 0;
	}
	if (b->used < TERN_LOG_BURST) {
		b->used++;
		return true;
	}
	b->suppressed++;
	return false;
}
