#ifndef TIDINGS_THREAD_H
#define TIDINGS_THREAD_H
/*
 * Worker threads (the parse pipeline, the store's checkpointer) start with
 * every signal blocked: the process's handlers and waits belong to the
 * thread that started them, and a handler run on a worker would only cut
 * its system calls short.
 */
#include <pthread.h>
#include <signal.h>

static inline int
thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

#endif
