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

/* initial-exec: the libraries are linked into the program, never
 * dlopen()ed, so the variable sits at a fixed offset from the thread
 * pointer; without it -fPIC code saves registers around what the
 * linker turns into that same load, in every socket call. */
static __thread struct sock_thread sock_this_thread
	__attribute__((tls_model("initial-exec")));

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

/* Here rather than in sock_core.c: every call starts with it, and this
 * file reaches the thread's table without a call. */
struct sock_file *
sock_lookup(int fd, int *err)
{
	struct tern_sock_worker *w;
	uint32_t rel = (uint32_t)fd - TERN_SOCK_FD_BASE;
	uint32_t id = rel / TERN_SOCK_FD_SPAN;
	uint32_t i = rel % TERN_SOCK_FD_SPAN;

	*err = EBADF;
	/* Below the base, rel wraps to a huge id. */
	if (unlikely(fd < TERN_SOCK_FD_BASE || id >= TERN_SOCK_MAX_WORKERS))
		return NULL;
	w = sock_this_thread.by_id[id];
	if (unlikely(w == NULL || i >= w->max_fds))
		return NULL;
	return w->files[i];
}
