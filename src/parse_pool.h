#ifndef TIDINGS_PARSE_POOL_H
#define TIDINGS_PARSE_POOL_H
/*
 * Worker threads that run jobs (the parsing of fetched documents) while
 * the thread that owns the pool goes on with other work (fetching,
 * storing, exporting), and hand the jobs back in the order they were put:
 * the owner takes a job only when every job put before it was taken, so
 * what it does with the results (the store's batches) happens in the
 * order it would without the pool.
 *
 * Bounded: at most max_jobs jobs and max_bytes of their cost are in the
 * pool at once, queued, running or done and not yet taken (a single job
 * may cost more than max_bytes: it is let in alone).  The owner asks
 * parse_pool_full before each put and, while it is full, takes the oldest
 * job, waiting for it.
 *
 * run is called on a worker and must touch nothing the owner uses
 * unlocked (the parse step is pure: no I/O, no logging).  After each job
 * is done, wake(ctx) is called from the worker with the pool's lock held
 * (e.g. fetch_wakeup, so that an owner waiting for its transfers looks at
 * the pool again): it must not call into the pool, and it is over for a
 * job once the owner has taken that job.
 *
 * Usage, all from the owner's thread:
 *	p = parse_pool_new(threads, jobs, bytes, run, wake, ctx);
 *		NULL: threads was 0, or no thread could be had: run inline
 *	while (parse_pool_full(p, cost))
 *		use(parse_pool_take(p, 1));
 *	parse_pool_put(p, &job->link);		takes the job until taken back
 *	while ((j = parse_pool_take(p, 0)) != NULL)
 *		use(j);				the owner's again
 *	parse_pool_free(p, drop);		jobs not taken go to drop
 */
#include <stddef.h>

/* The head of a job: embed it in the caller's job structure. */
struct parse_pool_job {
	struct parse_pool_job	*next;	/* the pool's */
	size_t			 cost;	/* bytes, for the pool's budget */
	int			 state;	/* the pool's */
};

/* Runs j on a worker; j stays the pool's until the owner takes it. */
typedef void	(*parse_pool_run_fn)(void *ctx, struct parse_pool_job *j);
/* Called from a worker after a job is done, the lock held; may be NULL. */
typedef void	(*parse_pool_wake_fn)(void *ctx);
/* Frees a job the owner did not take back (run or not). */
typedef void	(*parse_pool_drop_fn)(struct parse_pool_job *j);

struct parse_pool;

/* The number of workers "auto" means: one for each online processor but
 * the one the owner runs on, at least one. */
int		 parse_pool_auto(void);
/* Starts up to threads workers (fewer when some cannot be started);
 * NULL when threads is 0 or none could be started.  max_jobs of 0 is
 * taken as 1. */
struct parse_pool *parse_pool_new(int threads, size_t max_jobs,
		    size_t max_bytes, parse_pool_run_fn run,
		    parse_pool_wake_fn wake, void *ctx);
/* Whether a job of this cost must wait: the pool holds max_jobs, or holds
 * some and the cost would take it past max_bytes. */
int		 parse_pool_full(const struct parse_pool *p, size_t cost);
/* Queues j (taken until parse_pool_take gives it back); never blocks,
 * whether full or not. */
void		 parse_pool_put(struct parse_pool *p, struct parse_pool_job *j);
/* The oldest job once it is done (wait: waits until it is), or NULL when
 * the pool is empty (or, without wait, when the oldest is not done). */
struct parse_pool_job *parse_pool_take(struct parse_pool *p, int wait);
/* Jobs in the pool: queued, running or done and not taken. */
size_t		 parse_pool_pending(const struct parse_pool *p);
/* Stops the workers: jobs running finish, jobs not started do not run;
 * every job not taken goes to drop (may be NULL when none can be left).
 * NULL is fine. */
void		 parse_pool_free(struct parse_pool *p, parse_pool_drop_fn drop);

#endif
