#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "cmd.h"
#include "dedup.h"
#include "err.h"
#include "ingest.h"
#include "store.h"

#include "testutil.h"

static char dir[64];
static char path[128];
static char ebuf[512];
static struct store *st;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_ingest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	ck_assert_int_eq(store_open(path, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
}

static void
teardown(void)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static long long
q1(const char *sql)
{
	return testutil_q1(path, sql);
}

static struct article *
make(const char *guid, const char *link, const char *title, const char *text)
{
	struct article *a = article_new();

	article_set(&a->guid, guid);
	article_set(&a->link, link);
	article_set(&a->title, title);
	article_set(&a->text, text);
	return a;
}

static int64_t
feed(const char *url)
{
	int64_t id;

	ck_assert_int_eq(store_feed_ensure(st, url, NULL, &id, ebuf,
	    sizeof(ebuf)), ERR_OK);
	return id;
}

/* Ingests n articles, frees them, and returns the result. */
static struct ingest_result
run(int64_t fid, struct article **items, size_t n,
    const struct ingest_opts *o)
{
	struct ingest_result r;
	size_t i;

	ck_assert_msg(ingest_articles(st, fid, items, n, NULL, o, &r, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	for (i = 0; i < n; i++)
		article_free(items[i]);
	return r;
}

#define CHECK(r, a, u, d, s) do { \
	ck_assert_int_eq((r).added, (a)); \
	ck_assert_int_eq((r).updated, (u)); \
	ck_assert_int_eq((r).duplicate, (d)); \
	ck_assert_int_eq((r).unchanged, (s)); \
} while (0)

START_TEST(test_same_again_and_back)
{
	int64_t f = feed("f");
	struct article *v[3];
	struct ingest_result r;

	v[0] = make("1", "https://x.org/1", "one", "a");
	v[1] = make("2", "https://x.org/2", "two", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 2, 0, 0, 0);
	ck_assert_int_eq(r.plan.mode, DEDUP_GUID);
	/* item 1 leaves the feed ... */
	v[0] = make("2", "https://x.org/2", "two", "b");
	v[1] = make("3", "https://x.org/3", "three", "c");
	r = run(f, v, 2, NULL);
	CHECK(r, 1, 0, 0, 1);
	/* ... and comes back: not new; tracking junk and spacing changed */
	v[0] = make("1", "https://x.org/1?utm_source=rss", " one ", "a\n");
	v[1] = make("2", "https://x.org/2", "two", "b");
	v[2] = make("3", "https://x.org/3", "three", "c");
	r = run(f, v, 3, NULL);
	CHECK(r, 0, 0, 0, 3);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 3);
}
END_TEST

START_TEST(test_update)
{
	int64_t f = feed("f");
	struct article *v[1];
	struct ingest_result r;

	v[0] = make("1", "https://x.org/1", "one", "first text");
	r = run(f, v, 1, NULL);
	v[0] = make("1", "https://x.org/1", "one (corrected)", "first text");
	r = run(f, v, 1, NULL);
	CHECK(r, 0, 1, 0, 0);
	v[0] = make("1", "https://x.org/1", "one (corrected)", "second text");
	r = run(f, v, 1, NULL);
	CHECK(r, 0, 1, 0, 0);
	ck_assert_int_eq(q1("SELECT revision FROM articles"), 3);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_revisions"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM events WHERE kind = "
	    "'update'"), 2);
}
END_TEST

START_TEST(test_guid_changes_link_stays)
{
	int64_t f = feed("f");
	struct article *v[2];
	struct ingest_result r;
	struct store_feed sf;

	v[0] = make("http://x.org/?p=1", "https://x.org/a", "A", "a");
	v[1] = make("http://x.org/?p=2", "https://x.org/b", "B", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 2, 0, 0, 0);
	/* the site moved to https and its guids with it */
	v[0] = make("https://x.org/?p=1", "https://x.org/a", "A", "a");
	v[1] = make("https://x.org/?p=2", "https://x.org/b", "B", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 0, 0, 0, 2);
	ck_assert_int_eq(r.guid_changes, 2);
	/* a third guid scheme: detected, links are the identity now */
	v[0] = make("a-slug-headline", "https://x.org/a", "A", "a");
	v[1] = make("b-slug-headline", "https://x.org/b", "B", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 0, 0, 0, 2);
	ck_assert_int_eq(r.plan.mode, DEDUP_LINK);
	ck_assert_int_eq(store_feed_get(st, f, &sf, ebuf, sizeof(ebuf)), 0);
	ck_assert_int_eq(sf.identity_mode, DEDUP_LINK);
	ck_assert_ptr_nonnull(strstr(sf.identity_reason, "guids changed"));
	store_feed_clear(&sf);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 2);
}
END_TEST

START_TEST(test_shared_guid)
{
	int64_t f = feed("f");
	struct article *v[3];
	struct ingest_result r;

	v[0] = make("feed-guid", "https://x.org/1", "one", "a");
	v[1] = make("feed-guid", "https://x.org/2", "two", "b");
	v[2] = make("feed-guid", "https://x.org/3", "three", "c");
	r = run(f, v, 3, NULL);
	CHECK(r, 3, 0, 0, 0);
	ck_assert_int_eq(r.plan.mode, DEDUP_LINK);
	v[0] = make("feed-guid", "https://x.org/2", "two", "b");
	v[1] = make("feed-guid", "https://x.org/3", "three", "c");
	v[2] = make("feed-guid", "https://x.org/4", "four", "d");
	r = run(f, v, 3, NULL);
	CHECK(r, 1, 0, 0, 2);
}
END_TEST

START_TEST(test_no_guid_no_link)
{
	int64_t f = feed("f");
	struct article *v[2];
	struct ingest_result r;

	v[0] = make(NULL, NULL, "one", "a");
	v[1] = make(NULL, NULL, "two", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 2, 0, 0, 0);
	ck_assert_int_eq(r.plan.mode, DEDUP_CONTENT);
	v[0] = make(NULL, NULL, "two", "b ");
	v[1] = make(NULL, NULL, "one", " a");
	r = run(f, v, 2, NULL);
	CHECK(r, 0, 0, 0, 2);
}
END_TEST

START_TEST(test_all_items_link_home)
{
	int64_t f = feed("f");
	struct article *v[2];
	struct ingest_result r;

	v[0] = make(NULL, "https://x.org/", "one", "a");
	v[1] = make(NULL, "https://x.org/", "two", "b");
	r = run(f, v, 2, NULL);
	CHECK(r, 2, 0, 0, 0);
	/* another feed linking every item to the same home page is not
	 * a duplicate of these */
	f = feed("g");
	v[0] = make(NULL, "https://x.org/", "three", "c");
	v[1] = make(NULL, "https://x.org/", "four", "d");
	r = run(f, v, 2, NULL);
	CHECK(r, 2, 0, 0, 0);
}
END_TEST

START_TEST(test_configured_guid_is_strict)
{
	int64_t f = feed("f");
	struct article *v[1];
	struct ingest_result r;
	struct ingest_opts o;

	memset(&o, 0, sizeof(o));
	o.identity = DEDUP_GUID;
	v[0] = make("1", "https://x.org/live", "Live", "x");
	r = run(f, v, 1, &o);
	v[0] = make("2", "https://x.org/live", "Live", "x");
	r = run(f, v, 1, &o);
	CHECK(r, 1, 0, 0, 0);
	/* the same in auto mode is one article */
	f = feed("g");
	v[0] = make("1", "https://y.org/live", "Live", "x");
	r = run(f, v, 1, NULL);
	v[0] = make("2", "https://y.org/live", "Live", "x");
	r = run(f, v, 1, NULL);
	CHECK(r, 0, 0, 0, 1);
}
END_TEST

START_TEST(test_cross_feed_by_fingerprint)
{
	char text[512];
	int64_t fa = feed("a"), fb = feed("b");
	struct article *v[1];
	struct ingest_result r;

	memset(text, 0, sizeof(text));
	memset(text, 'z', 300);
	memcpy(text, "Syndicated story: ", 18);
	v[0] = make("a-1", "https://a.org/1", "Wire story", text);
	r = run(fa, v, 1, NULL);
	CHECK(r, 1, 0, 0, 0);
	v[0] = make("b-9", "https://b.org/copy-of-1", "Wire story", text);
	r = run(fb, v, 1, NULL);
	CHECK(r, 0, 0, 1, 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_feeds"), 2);
}
END_TEST

/* Item i of a test document: long enough to have a fingerprint; rev
 * changes its text. */
static struct article *
item(const char *feedname, int i, int rev)
{
	char guid[64], link[96], title[64], text[400];

	snprintf(guid, sizeof(guid), "%s-%d", feedname, i);
	snprintf(link, sizeof(link), "https://%s.example/%d", feedname, i);
	snprintf(title, sizeof(title), "Story number %d", i);
	snprintf(text, sizeof(text), "Revision %d of story %d: the council "
	    "met on Monday to discuss the budget, the harbour, the schools "
	    "and the new tram line, and agreed to meet again in a fortnight "
	    "when the figures for story %d are in; residents were invited "
	    "to send their views by letter or in person.", rev, i, i);
	return make(guid, link, title, text);
}

/*
 * Documents longer than the key thread's lead, with new, unchanged and
 * changed items mixed: every item gets its own keys, whichever thread
 * completed them.
 */
START_TEST(test_long_documents_mixed)
{
	int64_t fa = feed("a"), fb = feed("b");
	struct article *v[80];
	struct ingest_result r;
	int i;

	for (i = 0; i < 60; i++)
		v[i] = item("a", i, 1);
	r = run(fa, v, 60, NULL);
	CHECK(r, 60, 0, 0, 0);
	/* five new at the top, every seventh changed, the rest the same */
	for (i = 0; i < 65; i++)
		v[i] = i < 5 ? item("a", 100 + i, 1) :
		    item("a", i - 5, (i - 5) % 7 == 0 ? 2 : 1);
	r = run(fa, v, 65, NULL);
	CHECK(r, 5, 9, 0, 51);
	/* new and unchanged alternating */
	for (i = 0; i < 80; i++)
		v[i] = i % 2 ? item("a", 200 + i, 1) :
		    item("a", 100 + (i / 2) % 5, 1);
	r = run(fa, v, 80, NULL);
	CHECK(r, 40, 0, 0, 40);
	/* another feed with the same texts under its own guids and links:
	 * each found by its own fingerprint */
	for (i = 0; i < 60; i++)
		v[i] = item("b", i, (i % 7 == 0) ? 2 : 1);
	r = run(fb, v, 60, NULL);
	CHECK(r, 0, 0, 60, 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 105);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_feeds x JOIN"
	    " articles a ON a.id = x.article_id WHERE x.feed_id = 2 AND"
	    " substr(x.guid, 3) != substr(a.guid, 3)"), 0);
}
END_TEST

START_TEST(test_retention_via_ingest)
{
	int64_t f = feed("f");
	struct article *v[3];
	struct ingest_result r;
	struct ingest_opts o;

	memset(&o, 0, sizeof(o));
	o.max_count = 1;
	v[0] = make("1", NULL, "one", "a");
	v[1] = make("2", NULL, "two", "b");
	v[2] = make("3", NULL, "three", "c");
	r = run(f, v, 3, &o);
	CHECK(r, 3, 0, 0, 0);
	ck_assert_int_eq(r.removed, 0);		/* all in the document */
	v[0] = make("3", NULL, "three", "c");
	r = run(f, v, 1, &o);
	ck_assert_int_eq(r.removed, 2);
	v[0] = make("1", NULL, "one", "a");
	v[1] = make("2", NULL, "two", "b");
	r = run(f, v, 2, &o);
	CHECK(r, 0, 0, 0, 2);		/* removed ones never come back */
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 1);
}
END_TEST

START_TEST(test_unchanged_costs_no_write)
{
	int64_t f = feed("f");
	struct article *v[1];
	struct ingest_result r;
	struct ingest_opts o;
	struct stat before, after;
	char wal[160];

	memset(&o, 0, sizeof(o));
	o.now = 1000;
	v[0] = make("1", "https://x.org/1", "one", "text");
	r = run(f, v, 1, &o);
	/* the same bytes soon after: nothing is written, not even a log
	 * frame */
	o.now = 1000 + STORE_SEEN_RESOLUTION - 1;
	v[0] = make("1", "https://x.org/1", "one", "text");
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ck_assert_int_eq(stat(wal, &before), 0);
	r = run(f, v, 1, &o);
	CHECK(r, 0, 0, 0, 1);
	ck_assert_int_eq(stat(wal, &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	ck_assert_int_eq(q1("SELECT last_seen FROM article_feeds"), 1000);
	/* later, last_seen moves */
	o.now = 1000 + STORE_SEEN_RESOLUTION;
	v[0] = make("1", "https://x.org/1", "one", "text");
	r = run(f, v, 1, &o);
	ck_assert_int_eq(q1("SELECT last_seen FROM article_feeds"),
	    1000 + STORE_SEEN_RESOLUTION);
	/* other bytes, same article: unchanged, and the new bytes are
	 * remembered at once, so the next fetch takes the fast path */
	o.now += 1;
	v[0] = make("1", "https://x.org/1?utm_source=x", " one", "text ");
	r = run(f, v, 1, &o);
	CHECK(r, 0, 0, 0, 1);
	ck_assert_int_eq(q1("SELECT last_seen FROM article_feeds"),
	    1000 + STORE_SEEN_RESOLUTION + 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 1);
}
END_TEST

static int
ingest_file(int64_t f, const char *name, struct ingest_result *r)
{
	char file[512], *data;
	size_t len;
	int rc;

	snprintf(file, sizeof(file), "%s/%s", EXAMPLES_DIR, name);
	ck_assert_msg(cmd_read_file(file, 1 << 24, &data, &len, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	rc = ingest_document(st, f, data, len, NULL, r, ebuf, sizeof(ebuf));
	free(data);
	return rc;
}

START_TEST(test_example_feeds_are_one_article)
{
	int64_t f = feed("https://ukranews.example/en/rss/");
	struct ingest_result r;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		ck_assert_msg(ingest_file(f, "ukrainian-news.rss", &r) == 0,
		    "%s", ebuf);
		if (pass == 0)
			CHECK(r, 2, 0, 0, 0);
		else
			CHECK(r, 0, 0, 0, 2);
		ck_assert_msg(ingest_file(f, "ukrainian-news.atom", &r) == 0,
		    "%s", ebuf);
		ck_assert_int_eq(r.added, 0);
		ck_assert_int_eq(r.updated, 0);
		ck_assert_msg(ingest_file(f, "ukrainian-news.json", &r) == 0,
		    "%s", ebuf);
		CHECK(r, 0, 0, 0, 1);
	}
	ck_assert_int_eq(q1("SELECT count(*) FROM articles WHERE link = "
	    "'https://ukranews.example/en/news/"
	    "793512-blinken-meets-zelensky-in-kyiv'"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM feeds WHERE title = "
	    "'Ukrainian News'"), 1);
}
END_TEST

START_TEST(test_not_a_feed_stores_nothing)
{
	int64_t f = feed("f");
	struct ingest_result r;

	ck_assert_int_eq(ingest_document(st, f, "<html><body>no</body></html>",
	    28, NULL, &r, ebuf, sizeof(ebuf)), ERR_PARSE);
	ck_assert_int_eq(r.items, 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 0);
}
END_TEST

static Suite *
ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_again_and_back);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_guid_changes_link_stays);
	tcase_add_test(tc, test_shared_guid);
	tcase_add_test(tc, test_no_guid_no_link);
	tcase_add_test(tc, test_all_items_link_home);
	tcase_add_test(tc, test_configured_guid_is_strict);
	tcase_add_test(tc, test_cross_feed_by_fingerprint);
	tcase_add_test(tc, test_retention_via_ingest);
	tcase_add_test(tc, test_unchanged_costs_no_write);
	tcase_add_test(tc, test_example_feeds_are_one_article);
	tcase_add_test(tc, test_not_a_feed_stores_nothing);
	tcase_add_test(tc, test_long_documents_mixed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ingest_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
