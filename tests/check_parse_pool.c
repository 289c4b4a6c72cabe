/*
 * The parse pool (parse_pool.h) with jobs made up here: the order the
 * owner takes them in, the bounds, stopping with jobs in flight, jobs
 * that fail.  No test depends on timing: the jobs' sleeps only shuffle
 * the order in which the workers finish.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse_pool.h"
#include "xmalloc.h"

struct tjob {
	struct parse_pool_job link;	/* first */
	int		 seq;
	int		 sleep_us;
	int		 fail;		/* run "fails": result -1 */
	int		 gated;		/* run waits for the gate */
	int		 started, finished;
	long		 result;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int gate_open, nstarted, nran, ndropped, nwakes;

static void
reset(void)
{
	gate_open = nstarted = nran = ndropped = nwakes = 0;
}

static void
run(void *ctx, struct parse_pool_job *pj)
{
	struct tjob *j = (struct tjob *)pj;
	struct timespec ts;

	ck_assert_ptr_eq(ctx, &mu);
	pthread_mutex_lock(&mu);
	j->started = 1;
	nstarted++;
	pthread_cond_broadcast(&cv);
	while (j->gated && !gate_open)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (j->sleep_us > 0) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)j->sleep_us * 1000;
		nanosleep(&ts, NULL);
	}
	j->result = j->fail ? -1 : (long)j->seq * j->seq;
	pthread_mutex_lock(&mu);
	j->finished = 1;
	nran++;
	pthread_mutex_unlock(&mu);
}

static void
wake(void *ctx)
{
	ck_assert_ptr_eq(ctx, &mu);
	pthread_mutex_lock(&mu);
	nwakes++;
	pthread_mutex_unlock(&mu);
}

static void
drop(struct parse_pool_job *pj)
{
	struct tjob *j = (struct tjob *)pj;

	/* a job is dropped whole: run never stopped half way */
	ck_assert_int_eq(j->started, j->finished);
	pthread_mutex_lock(&mu);
	ndropped++;
	pthread_mutex_unlock(&mu);
	free(j);
}

static struct tjob *
job(int seq, int sleep_us, size_t cost)
{
	struct tjob *j = xcalloc(1, sizeof(*j));

	j->seq = seq;
	j->sleep_us = sleep_us;
	j->link.cost = cost;
	return j;
}

/* Jobs come back in the order they were put, whichever worker finished
 * first, and each one's wake is over when it is taken. */
START_TEST(test_order)
{
	struct parse_pool *p;
	struct parse_pool_job *pj;
	struct tjob *j;
	int next = 0, put = 0, n = 300;

	reset();
	p = parse_pool_new(3, 8, 1 << 20, run, wake, &mu);
	ck_assert_ptr_nonnull(p);
	while (next < n) {
		/* earlier jobs sleep longer: later ones finish first */
		while (put < n && !parse_pool_full(p, 100)) {
			parse_pool_put(p, &job(put, (put % 4 == 0) ? 2000 :
			    (put % 7), 100)->link);
			put++;
		}
		ck_assert_uint_le(parse_pool_pending(p), 8);
		pj = parse_pool_take(p, (next + put) % 2);
		if (pj == NULL)
			continue;
		j = (struct tjob *)pj;
		ck_assert_int_eq(j->seq, next);
		ck_assert_int_eq(j->finished, 1);
		ck_assert_int_eq(j->result, (long)next * next);
		next++;
		pthread_mutex_lock(&mu);
		ck_assert_int_ge(nwakes, next);
		pthread_mutex_unlock(&mu);
		free(j);
	}
	ck_assert_uint_eq(parse_pool_pending(p), 0);
	ck_assert_ptr_null(parse_pool_take(p, 0));
	ck_assert_ptr_null(parse_pool_take(p, 1));	/* empty: no wait */
	parse_pool_free(p, drop);
	ck_assert_int_eq(nran, n);
	ck_assert_int_eq(nwakes, n);
	ck_assert_int_eq(ndropped, 0);
}
END_TEST

/* Full at max_jobs, or past max_bytes with a job in; an empty pool lets
 * in a job of any cost. */
START_TEST(test_bounds)
{
	struct parse_pool *p;
	struct parse_pool_job *pj;

	reset();
	p = parse_pool_new(1, 3, 1000, run, NULL, &mu);
	ck_assert_ptr_nonnull(p);
	ck_assert(!parse_pool_full(p, 5000));
	parse_pool_put(p, &job(0, 0, 5000)->link);
	ck_assert(parse_pool_full(p, 1));
	free(parse_pool_take(p, 1));
	ck_assert(!parse_pool_full(p, 600));
	parse_pool_put(p, &job(1, 0, 600)->link);
	ck_assert(parse_pool_full(p, 600));
	ck_assert(!parse_pool_full(p, 400));
	parse_pool_put(p, &job(2, 0, 200)->link);
	parse_pool_put(p, &job(3, 0, 100)->link);
	ck_assert_uint_eq(parse_pool_pending(p), 3);
	ck_assert(parse_pool_full(p, 0));	/* max_jobs */
	pj = parse_pool_take(p, 1);
	ck_assert_int_eq(((struct tjob *)pj)->seq, 1);
	free(pj);
	ck_assert(!parse_pool_full(p, 0));
	parse_pool_free(p, drop);	/* two not taken, run or not */
	ck_assert_int_eq(ndropped, 2);
	ck_assert_int_ge(nran, 2);
}
END_TEST

/* Stopping with jobs running and queued: the running ones finish, every
 * job not taken goes to drop once, nothing waits forever. */
START_TEST(test_stop_in_flight)
{
	struct parse_pool *p;
	struct tjob *j;
	int i, n = 20;

	reset();
	p = parse_pool_new(2, (size_t)n, 1 << 20, run, wake, &mu);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++) {
		j = job(i, 1000, 10);
		j->gated = 1;
		parse_pool_put(p, &j->link);
	}
	/* both workers hold a job, blocked in run */
	pthread_mutex_lock(&mu);
	while (nstarted < 2)
		pthread_cond_wait(&cv, &mu);
	gate_open = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	parse_pool_free(p, drop);
	ck_assert_int_eq(ndropped, n);
	ck_assert_int_ge(nran, 2);
	ck_assert_int_le(nran, n);
	ck_assert_int_eq(nran, nstarted);
}
END_TEST

/* A job that fails is handed back like any other, in its place, and the
 * pool goes on with the next ones. */
START_TEST(test_failing_jobs)
{
	struct parse_pool *p;
	struct parse_pool_job *pj;
	struct tjob *j;
	int i, n = 40;

	reset();
	p = parse_pool_new(2, (size_t)n, 1 << 20, run, wake, &mu);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++) {
		j = job(i, i % 3, 1);
		j->fail = i % 5 == 2;
		parse_pool_put(p, &j->link);
	}
	for (i = 0; i < n; i++) {
		pj = parse_pool_take(p, 1);
		ck_assert_ptr_nonnull(pj);
		j = (struct tjob *)pj;
		ck_assert_int_eq(j->seq, i);
		ck_assert_int_eq(j->result, i % 5 == 2 ? -1 : (long)i * i);
		free(j);
	}
	ck_assert_ptr_null(parse_pool_take(p, 1));
	parse_pool_free(p, drop);
	ck_assert_int_eq(ndropped, 0);
}
END_TEST

/* No workers asked for: no pool, and the caller parses inline; the
 * automatic number is at least one. */
START_TEST(test_no_pool)
{
	ck_assert_ptr_null(parse_pool_new(0, 4, 100, run, wake, &mu));
	ck_assert_uint_eq(parse_pool_pending(NULL), 0);
	parse_pool_free(NULL, drop);
	ck_assert_int_ge(parse_pool_auto(), 1);
}
END_TEST

static Suite *
parse_pool_suite(void)
{
	Suite *s = suite_create("parse_pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_stop_in_flight);
	tcase_add_test(tc, test_failing_jobs);
	tcase_add_test(tc, test_no_pool);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(parse_pool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
