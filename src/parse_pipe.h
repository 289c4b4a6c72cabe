#ifndef TIDINGS_PARSE_PIPE_H
#define TIDINGS_PARSE_PIPE_H
/*
 * The second thread of a pipelined parse (parse_opts.h, pipeline): the
 * parsing thread queues each captured item as a job, the second thread
 * runs the jobs in the order they were queued.  The queue is bounded in
 * jobs and bytes (PARSE_PIPE_JOBS, PARSE_PIPE_BYTES), so memory stays
 * bounded whatever the document size: at most twice the bounds, the
 * queue and the batch being run.  The second thread takes the whole
 * queue at once and is woken only for a batch of PARSE_PIPE_BATCH jobs,
 * when the parsing thread has to wait, or at the end, so that it does
 * not switch context for every item.
 *
 * Usage, all from the parsing thread:
 *	p = parse_pipe_start(run, drop, ctx);	NULL: run the jobs inline
 *	rc = parse_pipe_put(p, &job->link);	per job, takes it
 *	rc = parse_pipe_drain(p);		every job so far has run
 *	parse_pipe_end(p);
 */
#include <stddef.h>

#define PARSE_PIPE_JOBS		64		/* jobs queued at most */
#define PARSE_PIPE_BYTES	(8u * 1024 * 1024)	/* and their cost */
#define PARSE_PIPE_BATCH	8		/* jobs that wake the thread */

/* The head of a job: embed it in the caller's job structure. */
struct parse_pipe_job {
	struct parse_pipe_job	*next;	/* the pipe's */
	size_t			 cost;	/* bytes, for the queue's budget */
};

/* Runs j on the second thread and frees it; a non-zero return stops the
 * pipe: later jobs are given to the drop function instead. */
typedef int	(*parse_pipe_run_fn)(void *ctx, struct parse_pipe_job *j);
/* Frees j without running it. */
typedef void	(*parse_pipe_drop_fn)(struct parse_pipe_job *j);

struct parse_pipe;

/* Starts the second thread; NULL when it cannot be had (the caller then
 * runs its jobs inline). */
struct parse_pipe *parse_pipe_start(parse_pipe_run_fn run,
		    parse_pipe_drop_fn drop, void *ctx);
/* Queues j (taken) once there is room; returns the first non-zero return
 * of run if there was one, and j is then dropped. */
int		 parse_pipe_put(struct parse_pipe *p, struct parse_pipe_job *j);
/* Waits until every queued job has run; the first non-zero return of
 * run, or 0. */
int		 parse_pipe_drain(struct parse_pipe *p);
/* The thread runs what is still queued and stops; frees p.  NULL is
 * fine. */
void		 parse_pipe_end(struct parse_pipe *p);

#endif
