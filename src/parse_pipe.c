/*
 * A bounded, ordered job queue with one consumer thread; the contract is
 * in parse_pipe.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "parse_pipe.h"
#include "thread.h"
#include "xmalloc.h"

struct parse_pipe {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 more;	/* jobs were queued, or done set */
	pthread_cond_t		 room;	/* jobs were taken or finished */
	struct parse_pipe_job	*head;
	struct parse_pipe_job	*tail;
	size_t			 njobs;
	size_t			 bytes;
	int			 busy;		/* a batch is being run */
	int			 done;		/* no more jobs will come */
	int			 a_waits;	/* the parsing thread waits on room */
	int			 b_waits;	/* the second thread waits on more */
	int			 rc;	/* the first non-zero return of run */
	parse_pipe_run_fn	 run;
	parse_pipe_drop_fn	 drop;
	void			*ctx;
};

static void *
pipe_main(void *arg)
{
	struct parse_pipe *p = arg;
	struct parse_pipe_job *batch, *j;
	int rc;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->head == NULL && !p->done) {
			p->b_waits = 1;
			pthread_cond_wait(&p->more, &p->mu);
			p->b_waits = 0;
		}
		if ((batch = p->head) == NULL)
			break;
		p->head = p->tail = NULL;
		p->njobs = p->bytes = 0;
		p->busy = 1;
		rc = p->rc;
		if (p->a_waits)
			pthread_cond_signal(&p->room);
		pthread_mutex_unlock(&p->mu);
		while ((j = batch) != NULL) {
			batch = j->next;
			/* after run said stop, no job runs */
			if (rc != 0)
				p->drop(j);
			else
				rc = p->run(p->ctx, j);
		}
		pthread_mutex_lock(&p->mu);
		p->busy = 0;
		if (rc != 0 && p->rc == 0)
			p->rc = rc;
		if (p->a_waits)
			pthread_cond_signal(&p->room);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct parse_pipe *
parse_pipe_start(parse_pipe_run_fn run, parse_pipe_drop_fn drop, void *ctx)
{
	struct parse_pipe *p = xcalloc(1, sizeof(*p));

	p->run = run;
	p->drop = drop;
	p->ctx = ctx;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&p->more, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&p->room, NULL) != 0)
		goto fail_more;
	if (thread_start(&p->thread, pipe_main, p) != 0)
		goto fail_room;
	return p;
fail_room:
	pthread_cond_destroy(&p->room);
fail_more:
	pthread_cond_destroy(&p->more);
fail_mu:
	pthread_mutex_destroy(&p->mu);
fail:
	free(p);
	return NULL;
}

int
parse_pipe_put(struct parse_pipe *p, struct parse_pipe_job *j)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	while (p->rc == 0 && p->njobs > 0 && (p->njobs >= PARSE_PIPE_JOBS ||
	    p->bytes + j->cost > PARSE_PIPE_BYTES)) {
		if (p->b_waits)
			pthread_cond_signal(&p->more);
		p->a_waits = 1;
		pthread_cond_wait(&p->room, &p->mu);
		p->a_waits = 0;
	}
	if ((rc = p->rc) == 0) {
		j->next = NULL;
		if (p->tail != NULL)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		p->njobs++;
		p->bytes += j->cost;
		if (p->b_waits && p->njobs >= PARSE_PIPE_BATCH)
			pthread_cond_signal(&p->more);
	}
	pthread_mutex_unlock(&p->mu);
	if (rc != 0)
		p->drop(j);
	return rc;
}

int
parse_pipe_drain(struct parse_pipe *p)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	while (p->head != NULL || p->busy) {
		if (p->b_waits)
			pthread_cond_signal(&p->more);
		p->a_waits = 1;
		pthread_cond_wait(&p->room, &p->mu);
		p->a_waits = 0;
	}
	rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
parse_pipe_end(struct parse_pipe *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
