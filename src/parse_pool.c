/*
 * Worker threads that run jobs and hand them back in the order they were
 * put; the contract is in parse_pool.h.
 *
 * The jobs form one list in the order they were put: the owner takes from
 * its head, the workers start the first job not yet started (`next`).  The
 * list, `next`, each job's state and `stop` are under the mutex; njobs
 * and bytes change only on the owner's thread (put and take), which is
 * also the only one to read them.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "parse_pool.h"
#include "thread.h"
#include "xmalloc.h"

#define POOL_MAX_THREADS	64

enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct parse_pool {
	pthread_t		*threads;
	int			 nthreads;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;	/* a job was queued, or stop set */
	pthread_cond_t		 done;	/* the oldest job is done */
	struct parse_pool_job	*head;	/* oldest */
	struct parse_pool_job	*tail;
	struct parse_pool_job	*next;	/* the first not started */
	size_t			 njobs;
	size_t			 bytes;
	size_t			 max_jobs;
	size_t			 max_bytes;
	int			 owner_waits;
	int			 stop;
	parse_pool_run_fn	 run;
	parse_pool_wake_fn	 wake;
	void			*ctx;
};

static void *
pool_main(void *arg)
{
	struct parse_pool *p = arg;
	struct parse_pool_job *j;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next == NULL)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		j = p->next;
		p->next = j->next;
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->mu);
		p->run(p->ctx, j);
		pthread_mutex_lock(&p->mu);
		j->state = JOB_DONE;
		if (p->owner_waits && j == p->head)
			pthread_cond_signal(&p->done);
		/* under the lock: once the owner took j, its wake is over */
		if (p->wake != NULL)
			p->wake(p->ctx);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
parse_pool_auto(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2)
		return 1;
	return n - 1 > POOL_MAX_THREADS ? POOL_MAX_THREADS : (int)(n - 1);
}

struct parse_pool *
parse_pool_new(int threads, size_t max_jobs, size_t max_bytes,
    parse_pool_run_fn run, parse_pool_wake_fn wake, void *ctx)
{
	struct parse_pool *p;
	int i;

	if (threads <= 0)
		return NULL;
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	p = xcalloc(1, sizeof(*p));
	p->max_jobs = max_jobs > 0 ? max_jobs : 1;
	p->max_bytes = max_bytes;
	p->run = run;
	p->wake = wake;
	p->ctx = ctx;
	p->threads = xcalloc((size_t)threads, sizeof(*p->threads));
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&p->work, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&p->done, NULL) != 0)
		goto fail_work;
	for (i = 0; i < threads; i++) {
		if (thread_start(&p->threads[i], pool_main, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads > 0)
		return p;
	pthread_cond_destroy(&p->done);
fail_work:
	pthread_cond_destroy(&p->work);
fail_mu:
	pthread_mutex_destroy(&p->mu);
fail:
	free(p->threads);
	free(p);
	return NULL;
}

int
parse_pool_full(const struct parse_pool *p, size_t cost)
{
	return p->njobs >= p->max_jobs ||
	    (p->njobs > 0 && p->bytes + cost > p->max_bytes);
}

void
parse_pool_put(struct parse_pool *p, struct parse_pool_job *j)
{
	j->next = NULL;
	j->state = JOB_QUEUED;
	p->njobs++;
	p->bytes += j->cost;
	pthread_mutex_lock(&p->mu);
	if (p->tail != NULL)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	if (p->next == NULL)
		p->next = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

struct parse_pool_job *
parse_pool_take(struct parse_pool *p, int wait)
{
	struct parse_pool_job *j;

	pthread_mutex_lock(&p->mu);
	while (wait && p->head != NULL && p->head->state != JOB_DONE) {
		p->owner_waits = 1;
		pthread_cond_wait(&p->done, &p->mu);
		p->owner_waits = 0;
	}
	if ((j = p->head) != NULL && j->state == JOB_DONE) {
		if ((p->head = j->next) == NULL)
			p->tail = NULL;
		j->next = NULL;
	} else
		j = NULL;
	pthread_mutex_unlock(&p->mu);
	if (j != NULL) {
		p->njobs--;
		p->bytes -= j->cost;
	}
	return j;
}

size_t
parse_pool_pending(const struct parse_pool *p)
{
	return p != NULL ? p->njobs : 0;
}

void
parse_pool_free(struct parse_pool *p, parse_pool_drop_fn drop)
{
	struct parse_pool_job *j;
	int i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	while ((j = p->head) != NULL) {
		p->head = j->next;
		if (drop != NULL)
			drop(j);
	}
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}
