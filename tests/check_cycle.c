/*
 * One check of one feed (cycle.h) against a fetch result made up here:
 * no server, no fetcher.  The store is a real one in a temporary
 * directory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "cycle.h"
#include "err.h"
#include "feedlist.h"
#include "fetch.h"
#include "store.h"
#include "xmalloc.h"

#define FEED_URL	"https://example.org/feed.xml"
#define NOW		((time_t)1700000000)

static const char rss[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
    "<title>Example</title><link>https://example.org/</link>"
    "<item><guid>a</guid><title>A</title><link>https://example.org/a</link>"
    "<description>first</description></item>"
    "<item><guid>b</guid><title>B</title><link>https://example.org/b</link>"
    "<description>second</description></item>"
    "</channel></rss>";

static char tmpdir[64];
static struct store *st;
static struct conf c;
static struct feedlist fl;
static const struct feedlist_feed *fc;
static int64_t id;
static struct store_feed state;

static void
setup(void)
{
	char ebuf[256], *db;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_cycle.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	db = xasprintf("%s/db", tmpdir);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	free(db);
	conf_init(&c);
	memset(&fl, 0, sizeof(fl));
	fc = feedlist_add(&fl, FEED_URL);
	ck_assert_int_eq(cycle_feed_id(st, fc, &id, ebuf, sizeof(ebuf)),
	    ERR_OK);
	memset(&state, 0, sizeof(state));
	ck_assert_int_eq(store_feed_get(st, id, &state, ebuf, sizeof(ebuf)),
	    ERR_OK);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	store_feed_clear(&state);
	store_close(st);
	feedlist_free(&fl);
	conf_free(&c);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

/* A 200 with body (NULL: a 304 when status is 304, else no body). */
static void
result(struct fetch_result *r, long status, const char *body,
    const char *etag)
{
	memset(r, 0, sizeof(*r));
	r->url = (char *)state.url;
	r->final_url = (char *)state.url;
	r->status = status;
	r->not_modified = status == 304;
	r->error = status < 400 ? FETCH_OK : FETCH_ERR_HTTP;
	if (r->error != FETCH_OK)
		snprintf(r->errmsg, sizeof(r->errmsg), "HTTP %ld", status);
	r->etag = (char *)etag;
	r->max_age = -1;
	r->body = (char *)body;
	r->body_len = body != NULL ? strlen(body) : 0;
}

static int
apply(struct fetch_result *r, time_t now, struct cycle_outcome *out)
{
	char ebuf[256];

	return cycle_apply(st, &c, fc, id, r, now, &state, out, ebuf,
	    sizeof(ebuf));
}

START_TEST(test_request_from_state)
{
	struct fetch_request req;
	int ctx;

	cycle_request(&state, fc, "u:p", &ctx, &req);
	ck_assert_str_eq(req.url, FEED_URL);
	ck_assert_ptr_null(req.etag);
	ck_assert_ptr_null(req.last_modified);
	ck_assert_str_eq(req.userpwd, "u:p");
	ck_assert_ptr_eq(req.ctx, &ctx);
}
END_TEST

START_TEST(test_new_articles_then_not_modified)
{
	struct fetch_result r;
	struct cycle_outcome out;
	struct fetch_request req;
	struct store_feed sf;
	char ebuf[256];

	result(&r, 200, rss, "\"v1\"");
	ck_assert_int_eq(apply(&r, NOW, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_int_eq(out.added, 2);
	ck_assert_int_eq(out.updated, 0);
	ck_assert_str_eq(out.msg, "2 new, 0 updated");
	ck_assert(out.next_check > NOW);
	/* the state handed back is the one written ... */
	ck_assert_str_eq(state.etag, "\"v1\"");
	ck_assert_int_eq(state.last_check, NOW);
	ck_assert_int_eq(state.next_check, out.next_check);
	memset(&sf, 0, sizeof(sf));
	ck_assert_int_eq(store_feed_get(st, id, &sf, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_str_eq(sf.etag, "\"v1\"");
	ck_assert_int_eq(sf.next_check, state.next_check);
	ck_assert_int_eq(sf.narticles, 2);
	store_feed_clear(&sf);
	/* ... and the next request asks with its validator */
	cycle_request(&state, fc, NULL, NULL, &req);
	ck_assert_str_eq(req.etag, "\"v1\"");

	/* a 304 without validators keeps the old ones */
	result(&r, 304, NULL, NULL);
	ck_assert_int_eq(apply(&r, NOW + 3600, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_int_eq(out.not_modified, 1);
	ck_assert_int_eq(out.added, 0);
	ck_assert_str_eq(out.msg, "not modified");
	ck_assert_str_eq(state.etag, "\"v1\"");
	ck_assert_int_eq(state.last_success, NOW + 3600);
}
END_TEST

START_TEST(test_failures_count_and_recover)
{
	struct fetch_result r;
	struct cycle_outcome out;

	result(&r, 500, NULL, NULL);
	ck_assert_int_eq(apply(&r, NOW, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 1);
	ck_assert_str_eq(out.eclass, "http");
	ck_assert_int_eq(out.failures, 1);
	ck_assert_str_eq(out.msg, "http: HTTP 500");
	ck_assert_str_eq(state.error_class, "http");
	ck_assert(out.next_check > NOW);
	ck_assert_int_eq(apply(&r, NOW + 60, &out), ERR_OK);
	ck_assert_int_eq(out.failures, 2);
	ck_assert_int_eq(state.total_failures, 2);

	/* a body that is no feed is a parse failure */
	result(&r, 200, "this is not a feed", NULL);
	ck_assert_int_eq(apply(&r, NOW + 120, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 1);
	ck_assert_str_eq(out.eclass, "parse");
	ck_assert_int_eq(out.failures, 3);

	result(&r, 200, rss, NULL);
	ck_assert_int_eq(apply(&r, NOW + 180, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_int_eq(out.failures, 0);
	ck_assert_int_eq(state.consecutive_failures, 0);
	ck_assert_ptr_null(state.error_class);
	ck_assert_ptr_null(state.last_error);
}
END_TEST

START_TEST(test_gone_retires)
{
	struct fetch_result r;
	struct cycle_outcome out;

	result(&r, 410, NULL, NULL);
	ck_assert_int_eq(apply(&r, NOW, &out), ERR_OK);
	ck_assert_int_eq(out.failed, 1);
	ck_assert_int_eq(out.retired, 1);
	ck_assert_int_eq(state.retired, 1);
	ck_assert_int_eq(cycle_is_due(&state, fc, NOW + 86400 * 365), 0);
}
END_TEST

START_TEST(test_permanent_redirect_moves)
{
	struct fetch_redirect red = { 301, (char *)"https://example.net/feed" };
	struct fetch_result r;
	struct cycle_outcome out;
	struct fetch_request req;
	int i;

	/* moved only after permanent_redirects answers in a row */
	for (i = 1; i <= c.permanent_redirects; i++) {
		result(&r, 200, rss, NULL);
		r.redirects = &red;
		r.nredirects = 1;
		r.final_url = red.to;
		ck_assert_int_eq(apply(&r, NOW + i, &out), ERR_OK);
		ck_assert_int_eq(out.moved, i == c.permanent_redirects);
	}
	/* the next request goes to the new URL, and the configured one
	 * still finds the feed */
	ck_assert_str_eq(state.url, "https://example.net/feed");
	ck_assert_ptr_null(state.moved_to);
	cycle_request(&state, fc, NULL, NULL, &req);
	ck_assert_str_eq(req.url, "https://example.net/feed");
}
END_TEST

static Suite *
cycle_suite(void)
{
	Suite *s = suite_create("cycle");
	TCase *tc = tcase_create("check");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_request_from_state);
	tcase_add_test(tc, test_new_articles_then_not_modified);
	tcase_add_test(tc, test_failures_count_and_recover);
	tcase_add_test(tc, test_gone_retires);
	tcase_add_test(tc, test_permanent_redirect_moves);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cycle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
