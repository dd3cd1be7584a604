/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_mempool.h>

#include "tern_bench.h"

void
bench_states_format(const uint32_t counts[TERN_TCP_NSTATES], char *buf,
		    size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int s = 0; s < TERN_TCP_NSTATES && off < size; s++) {
		int n;

		if (counts[s] == 0 || s == TERN_TCP_LISTEN)
			continue;
		n = snprintf(buf + off, size - off, "%s%s %" PRIu32,
			     off > 0 ? " " : "",
			     tern_tcp_state_name((enum tern_tcp_state)s),
			     counts[s]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, size, "no connections");
}

/* tern's TCP pools are named "tcpc<ctx>" (records), "tcpw<ctx>"
 * (TIME_WAIT) and "tcpr<ctx>" (reassembly); see lib/tcp/tcp_api.c. */
static void
mem_walk(struct rte_mempool *mp, void *arg)
{
	struct bench_tern_mem *m = arg;
	uint32_t obj = mp->header_size + mp->elt_size + mp->trailer_size;
	uint64_t bytes = (uint64_t)obj * mp->size;

	if (strncmp(mp->name, "tcpc", 4) == 0) {
		/* The element is the record, then its header template. */
		m->conn_record = tern_tcp_conn_record_bytes();
		m->conn_tmpl = tern_tcp_conn_tmpl_bytes();
		m->conn_object = obj;
		m->conn_pool_bytes += bytes;
	} else if (strncmp(mp->name, "tcpw", 4) == 0) {
		m->tw_record = mp->elt_size;
		m->tw_object = obj;
		m->tw_pool_bytes += bytes;
	} else if (strncmp(mp->name, "tcpr", 4) == 0) {
		m->reass_pool_bytes += bytes;
	}
}

void
bench_tern_mem_read(struct bench_tern_mem *m)
{
	struct rte_malloc_socket_stats st;

	memset(m, 0, sizeof(*m));
	rte_mempool_walk(mem_walk, m);
	for (int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			m->heap_bytes += st.heap_allocsz_bytes;
}

/* Counters every report carries, zero or not. */
static const char *const always[] = {
	"ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets",
	"InSegs", "OutSegs", "RetransSegs", "OutRsts", "TWRecycled",
	"TWReused", "TWReusedActive", "ConnectNoPort", "RxPkts", "TxPkts",
};

static bool
is_always(const char *name)
{
	for (size_t i = 0; i < RTE_DIM(always); i++)
		if (strcmp(always[i], name) == 0)
			return true;
	return false;
}

void
bench_stats_json(FILE *f, const struct tern_stats *s)
{
	bool first = true;

	for (int i = 0; i < TERN_STAT_MAX; i++) {
		const char *name = tern_stat_name((tern_stat_t)i);

		if (s->c[i] == 0 && !is_always(name))
			continue;
		fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", name,
			s->c[i]);
		first = false;
	}
}

int64_t
bench_unix_now(void)
{
	return (int64_t)time(NULL);
}
