/* SPDX-License-Identifier: BSD-3-Clause */
/* Flow ownership of IPv6 flows (tern_owner.h). */
#include "tern_owner.h"

uint32_t
tern_flow_toeplitz6(const struct tern_ctx *ctx, const struct tern_ip6 *faddr,
		    const struct tern_ip6 *laddr, rte_be16_t fport,
		    rte_be16_t lport)
{
	uint32_t tuple[9];

	for (unsigned int i = 0; i < 4; i++) {
		tuple[i] = rte_be_to_cpu_32(faddr->w32[i]);
		tuple[4 + i] = rte_be_to_cpu_32(laddr->w32[i]);
	}
	tuple[8] = ((uint32_t)rte_be_to_cpu_16(fport) << 16) |
		   rte_be_to_cpu_16(lport);
	return rte_softrss_be(tuple, 9, (const uint8_t *)ctx->rss_key_be);
}
