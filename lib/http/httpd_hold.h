/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_HTTPD_HOLD_H
#define TERN_HTTPD_HOLD_H

/*
 * Inside lib/http: what a tern-httpd connection holds (httpd_core.c) --
 * input not parsed yet, its place on the retry and linger lists -- and
 * the promise to close on the peer's FIN that follows from it.
 */

#include <rte_mbuf.h>

#include "tern_tcp.h"
#include "httpd_priv.h"

/*
 * The promise to close on the peer's bare FIN (tern_tcp_set_close_on_fin()),
 * so that the stack takes that FIN and the close in one step. It stands
 * exactly while on_peer_closed() would close at once: no flag (closing,
 * lingering, on the retry list, the peer's FIN seen), no response waiting
 * for send space, no input held. A partial request the reader holds does
 * not keep the connection open either (it can no longer complete).
 * Given by the listener (httpd_create()) from the connection's birth;
 * withdrawn where a response or input is kept, renewed where the last of
 * it goes -- never on the usual request's path, which keeps nothing.
 */
static inline void
close_on_fin_withdraw(struct httpd_conn *hc)
{
	tern_tcp_set_close_on_fin(hc->c, false);
}

static inline void
close_on_fin_renew(struct httpd_conn *hc)
{
	if (hc->flags == 0 && hc->out == NULL && hc->in == NULL)
		tern_tcp_set_close_on_fin(hc->c, true);
}

/* ---- the retry list (a send refused for want of mbufs) ---- */

static inline void
retry_add(struct httpd_conn *hc)
{
	if (hc->flags & HC_ON_RETRY)
		return;
	hc->flags |= HC_ON_RETRY;
	TAILQ_INSERT_TAIL(&hc->h->retry, hc, retry_link);
	hc->h->nb_retry++;
	hc->h->st.send_retries++;
}

static inline void
retry_del(struct httpd_conn *hc)
{
	if (!(hc->flags & HC_ON_RETRY))
		return;
	hc->flags &= ~HC_ON_RETRY;
	TAILQ_REMOVE(&hc->h->retry, hc, retry_link);
	hc->h->nb_retry--;
	close_on_fin_renew(hc);
}

/* ---- input held while a response waits ---- */

/* At the close: the promise is moot (the connection is no longer
 * ESTABLISHED), so not renewed. */
static inline void
input_free(struct httpd_conn *hc)
{
	/* The usual connection holds nothing when it closes: no call. */
	if (hc->in == NULL)
		return;
	rte_pktmbuf_free(hc->in);
	hc->in = NULL;
	hc->in_tail = NULL;
	hc->in_off = 0;
	hc->in_bytes = 0;
}

static inline void
input_append(struct httpd_conn *hc, struct rte_mbuf *m)
{
	hc->in_bytes += rte_pktmbuf_pkt_len(m);
	if (hc->in == NULL)
		hc->in = m;
	else
		hc->in_tail->next = m;
	hc->in_tail = rte_pktmbuf_lastseg(m);
	close_on_fin_withdraw(hc);
}

/* Unlink and free the first held segment, fully consumed. */
static inline void
input_pop(struct httpd_conn *hc)
{
	struct rte_mbuf *seg = hc->in;

	hc->in = seg->next;
	seg->next = NULL;
	seg->nb_segs = 1;
	rte_pktmbuf_free_seg(seg);
	hc->in_off = 0;
	if (hc->in == NULL) {
		hc->in_tail = NULL;
		close_on_fin_renew(hc);
	}
}

/* ---- the linger list (half-closed, discarding input) ---- */

static inline void
linger_del(struct httpd_conn *hc)
{
	if (!(hc->flags & HC_LINGER))
		return;
	hc->flags &= ~HC_LINGER;
	TAILQ_REMOVE(&hc->h->linger, hc, retry_link);
}

#endif /* TERN_HTTPD_HOLD_H */
