/*
 * The parts of fetch.c a daemon loop relies on and tests/e2e_fetch.py does
 * not reach: interrupting a blocked poll (wakeup from another thread, a
 * signal), abandoning transfers on shutdown, refusing bad URLs.  The
 * "server" is a listening socket on 127.0.0.1 that never answers.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fetch.h"

static int lsock = -1;
static char silent_url[64];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Connections complete in the kernel's backlog; nobody ever reads. */
static void
silent_server(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	lsock = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(lsock, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lsock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lsock, 16), 0);
	ck_assert_int_eq(getsockname(lsock, (struct sockaddr *)&sa, &len), 0);
	snprintf(silent_url, sizeof(silent_url), "http://127.0.0.1:%d/feed",
	    ntohs(sa.sin_port));
}

static void
setup(void)
{
	silent_server();
}

static void
teardown(void)
{
	if (lsock != -1)
		close(lsock);
	lsock = -1;
}

static struct fetch *
new_fetch(void)
{
	struct fetch_opts o;
	struct fetch *f;
	char ebuf[128];

	fetch_opts_init(&o);
	o.host_rate = 0;
	/* No low-speed check: its one-second timer would end every poll. */
	o.low_speed_limit = 0;
	o.timeout = 60;
	f = fetch_new(&o, ebuf, sizeof(ebuf));
	ck_assert_msg(f != NULL, "%s", ebuf);
	return f;
}

static void
add(struct fetch *f, const char *url)
{
	struct fetch_request r;
	char ebuf[128];

	memset(&r, 0, sizeof(r));
	r.url = url;
	ck_assert_int_eq(fetch_add(f, &r, ebuf, sizeof(ebuf)), ERR_OK);
}

START_TEST(test_refuses_bad_urls)
{
	struct fetch *f = new_fetch();
	struct fetch_request r;
	char ebuf[128];

	memset(&r, 0, sizeof(r));
	r.url = "ftp://example.org/feed";
	ck_assert_int_eq(fetch_add(f, &r, ebuf, sizeof(ebuf)), ERR_INVALID);
	ck_assert(strstr(ebuf, "ftp://example.org/feed") != NULL);
	r.url = "not a url";
	ck_assert_int_eq(fetch_add(f, &r, ebuf, sizeof(ebuf)), ERR_INVALID);
	ck_assert_uint_eq(fetch_pending(f), 0);
	fetch_free(f);
}
END_TEST

static volatile int woken;

static void *
wake_later(void *arg)
{
	usleep(200 * 1000);
	woken = 1;
	fetch_wakeup(arg);
	return NULL;
}

START_TEST(test_idle_poll_sleeps)
{
	struct fetch *f = new_fetch();
	pthread_t th;
	double t0 = now_s(), dt;

	/* Nothing to do: the daemon sleeps here, for the whole timeout... */
	ck_assert_uint_eq(fetch_poll(f, 300), 0);
	dt = now_s() - t0;
	ck_assert_msg(dt >= 0.25 && dt < 2.0, "idle poll took %.2fs", dt);
	/* ... unless woken. */
	woken = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, wake_later, f), 0);
	t0 = now_s();
	while (!woken && now_s() - t0 < 20)
		fetch_poll(f, 10000);
	fetch_poll(f, 0);
	pthread_join(th, NULL);
	ck_assert_msg(now_s() - t0 < 3.0, "idle poll slept %.1fs", now_s() - t0);
	fetch_free(f);
}
END_TEST

START_TEST(test_wakeup_interrupts_poll)
{
	struct fetch *f = new_fetch();
	pthread_t th;
	double t0;

	woken = 0;
	add(f, silent_url);
	fetch_poll(f, 0);	/* starts it */
	ck_assert_uint_eq(fetch_running(f), 1);
	ck_assert_int_eq(pthread_create(&th, NULL, wake_later, f), 0);
	t0 = now_s();
	/* curl's own timers may end a poll early; the wakeup must end the
	 * one that is blocked when it comes. */
	while (!woken && now_s() - t0 < 20)
		ck_assert_uint_eq(fetch_poll(f, 10000), 0);
	ck_assert_uint_eq(fetch_poll(f, 0), 0);
	ck_assert_msg(now_s() - t0 < 3.0, "poll slept %.1fs", now_s() - t0);
	pthread_join(th, NULL);
	/* Shutdown with a transfer in flight and one queued: no leak, no
	 * crash (ASan builds check). */
	add(f, silent_url);
	fetch_free(f);
}
END_TEST

static volatile sig_atomic_t got_alarm;

static void
on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

START_TEST(test_signal_interrupts_poll)
{
	struct fetch *f = new_fetch();
	struct sigaction sa;
	double t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* poll(2) returns EINTR regardless */
	sigaction(SIGALRM, &sa, NULL);
	add(f, silent_url);
	fetch_poll(f, 0);
	alarm(1);
	t0 = now_s();
	while (!got_alarm && now_s() - t0 < 20)
		fetch_poll(f, 10000);
	ck_assert(got_alarm);
	ck_assert_msg(now_s() - t0 < 4.0, "poll slept %.1fs", now_s() - t0);
	fetch_free(f);
}
END_TEST

START_TEST(test_timeout_result)
{
	struct fetch_opts o;
	struct fetch_result *r;
	struct fetch *f;
	char ebuf[128];
	double t0 = now_s();

	fetch_opts_init(&o);
	o.timeout = 1;
	f = fetch_new(&o, ebuf, sizeof(ebuf));
	ck_assert_ptr_nonnull(f);
	add(f, silent_url);
	/* fetch_pending counts uncollected results too. */
	while (fetch_poll(f, 500) == 0 && now_s() - t0 < 10)
		;
	ck_assert_uint_eq(fetch_pending(f), 1);
	r = fetch_next(f);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(fetch_pending(f), 0);
	ck_assert(now_s() - t0 < 5);
	ck_assert_int_eq(r->error, FETCH_ERR_TIMEOUT);
	ck_assert_str_eq(fetch_error_name(r->error), "timeout");
	ck_assert_ptr_null(r->body);
	ck_assert_ptr_null(fetch_result_moved_to(r));
	fetch_result_free(r);
	ck_assert_ptr_null(fetch_next(f));
	fetch_free(f);
}
END_TEST

static Suite *
fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_refuses_bad_urls);
	tcase_add_test(tc, test_idle_poll_sleeps);
	tcase_add_test(tc, test_wakeup_interrupts_poll);
	tcase_add_test(tc, test_signal_interrupts_poll);
	tcase_add_test(tc, test_timeout_result);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(fetch_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
