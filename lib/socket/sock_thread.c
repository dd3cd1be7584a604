/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * This thread's socket workers: the one piece of per-thread state in
 * lib/ (the lint's file-state rule names this file as its exception).
 * POSIX calls carry no context argument -- socket() creates "here",
 * read(fd) finds the socket by number -- so, like errno itself, the
 * worker a call belongs to has to be found from the calling thread.
 * Everything else of a worker lives in its struct tern_sock_worker.
 */
#include <stddef.h>

#include "sock_priv.h"

struct sock_thread {
	struct tern_sock_worker *by_id[TERN_SOCK_MAX_WORKERS];
	struct tern_sock_worker *current;
};

static __thread struct sock_thread sock_this_thread;

void
sock_thread_set(unsigned int id, struct tern_sock_worker *w)
{
	sock_this_thread.by_id[id] = w;
	if (w == NULL && sock_this_thread.current != NULL &&
	    sock_this_thread.current->id == id)
		sock_this_thread.current = NULL;
}

struct tern_sock_worker *
sock_thread_get(unsigned int id)
{
	if (id >= TERN_SOCK_MAX_WORKERS)
		return NULL;
	return sock_this_thread.by_id[id];
}

void
sock_thread_set_current(struct tern_sock_worker *w)
{
	sock_this_thread.current = w;
}

struct tern_sock_worker *
sock_thread_current(void)
{
	return sock_this_thread.current;
}
