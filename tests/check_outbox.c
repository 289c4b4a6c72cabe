/*
 * The exporter loop (outbox.h): targets made from settings, delivery of
 * the store's outbox events, tag filters through the tags function, and
 * a failing target that keeps its events.  Events come from ingesting a
 * document into a real store in a temporary directory.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf_settings.h"
#include "err.h"
#include "export.h"
#include "ingest.h"
#include "outbox.h"
#include "store.h"
#include "xmalloc.h"

#define NOW	((time_t)1700000000)

static char tmpdir[64];
static char *outdir;
static struct store *st;

static void
setup(void)
{
	char ebuf[256], *db;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_outbox.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	outdir = xasprintf("%s/out", tmpdir);
	ck_assert_int_eq(mkdir(outdir, 0755), 0);
	db = xasprintf("%s/db", tmpdir);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	free(db);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	store_close(st);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	free(outdir);
}

/* Ingests a document of n items (titles PREFIX-1...) for the feed at
 * url; returns how many were new. */
static long
feed_items(const char *url, const char *prefix, int n)
{
	struct ingest_opts o;
	struct ingest_result r;
	struct buf b = { 0 };
	char ebuf[256];
	int64_t id;
	int i;

	ck_assert_int_eq(store_feed_ensure(st, url, NULL, &id, ebuf,
	    sizeof(ebuf)), ERR_OK);
	buf_puts(&b, "<rss version=\"2.0\"><channel><title>T</title>");
	for (i = 1; i <= n; i++)
		buf_printf(&b, "<item><guid>%s-%d</guid><title>%s %d</title>"
		    "<description>text %d</description></item>", prefix, i,
		    prefix, i, i);
	buf_puts(&b, "</channel></rss>");
	memset(&o, 0, sizeof(o));
	o.now = NOW;
	o.base_url = url;
	ck_assert_msg(ingest_document(st, id, b.data, b.len, &o, &r, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	buf_free(&b);
	return r.added;
}

/* Files under dir, temporary ones (".tidings.*") left out. */
static int
files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static long
pending(const char *target)
{
	char ebuf[256];
	long n;

	ck_assert_int_eq(outbox_pending(st, target, &n, ebuf, sizeof(ebuf)),
	    ERR_OK);
	return n;
}

/* feeds tagged "news": the one at https://a.example/ only */
static const char *const *
tags_of(void *ctx, const char *url, const char *name, size_t *ntags)
{
	static const char *const news[] = { "news" };

	(void)name;
	ck_assert_ptr_eq(ctx, tmpdir);
	if (url != NULL && strcmp(url, "https://a.example/") == 0) {
		*ntags = 1;
		return news;
	}
	*ntags = 0;
	return NULL;
}

START_TEST(test_targets_from_settings)
{
	struct export_settings es;
	struct export_target *t;
	struct outbox *ob = outbox_new();
	char name[] = "spool", *feeds[] = { (char *)"f1" };
	char ebuf[256];

	memset(&es, 0, sizeof(es));
	es.name = name;
	es.format = EXPORT_FMT_JSON;
	es.dir = outdir;
	es.feeds = feeds;
	es.nfeeds = 1;
	es.updates = 1;
	es.fsync = 1;
	es.timeout_ms = 1234;
	es.concurrency = 2;
	es.retries = 3;
	es.retry_base = 7;
	es.retry_max = 70;
	outbox_add_targets(ob, &es, 1);
	name[0] = 'X';		/* the target has its own copy */
	ck_assert_uint_eq(outbox_count(ob), 1);
	t = outbox_find(ob, "spool");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_ne(t->s.dir, outdir);
	ck_assert_str_eq(t->s.dir, outdir);
	ck_assert_str_eq(t->s.feeds[0], "f1");
	ck_assert_int_eq(t->s.format, EXPORT_FMT_JSON);
	ck_assert_int_eq(t->s.updates, 1);
	ck_assert_int_eq(t->s.timeout_ms, 1234);
	ck_assert_int_eq(t->s.concurrency, 2);
	ck_assert_int_eq(t->s.retries, 3);
	ck_assert_int_eq(t->s.retry_base, 7);
	ck_assert_int_eq(t->s.retry_max, 70);
	ck_assert_int_eq(t->defer_dirsync, 1);

	/* a --export spec names its target; the same one twice is one */
	ck_assert_int_eq(outbox_add_spec(ob, "text:/tmp/x", ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(outbox_add_spec(ob, "text:/tmp/x", ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(outbox_count(ob), 2);
	t = outbox_target(ob, 1);
	ck_assert_str_eq(t->s.name, "text:/tmp/x");
	ck_assert_int_eq(t->s.retries, EXPORT_RETRIES);
	ck_assert_int_eq(outbox_add_spec(ob, "nonsense", ebuf, sizeof(ebuf)),
	    ERR_INVALID);
	outbox_free(ob);
}
END_TEST

START_TEST(test_drain_delivers_once)
{
	struct outbox *ob = outbox_new();

	outbox_add(ob, export_target_new("t", EXPORT_FMT_TEXT, outdir));
	ck_assert_int_eq(feed_items("https://a.example/", "A", 2), 2);
	ck_assert_int_eq(pending("t"), 2);
	ck_assert_int_eq(outbox_drain(ob, st, NOW, 0), 0);
	ck_assert_int_eq(outbox_exported(ob), 2);
	ck_assert_int_eq(pending("t"), 0);
	ck_assert_int_eq(files(outdir), 2);
	ck_assert_uint_eq(outbox_failing(ob), 0);
	ck_assert_int_eq(outbox_next_retry(ob), 0);

	/* the same document again brings nothing to export */
	ck_assert_int_eq(feed_items("https://a.example/", "A", 2), 0);
	outbox_drain(ob, st, NOW, 0);
	ck_assert_int_eq(outbox_exported(ob), 2);
	ck_assert_int_eq(files(outdir), 2);
	outbox_free(ob);
}
END_TEST

START_TEST(test_tag_filter_through_tags_fn)
{
	struct outbox *ob = outbox_new();
	struct export_target *t;

	t = export_target_new("news", EXPORT_FMT_TEXT, outdir);
	export_target_add_tag(t, "news");
	outbox_add(ob, t);
	outbox_set_tags(ob, tags_of, tmpdir);
	ck_assert_int_eq(feed_items("https://a.example/", "A", 2), 2);
	ck_assert_int_eq(feed_items("https://b.example/", "B", 3), 3);
	outbox_drain(ob, st, NOW, 0);
	/* every event is done: two delivered, three passed over */
	ck_assert_int_eq(pending("news"), 0);
	ck_assert_int_eq(outbox_exported(ob), 5);
	ck_assert_int_eq(files(outdir), 2);
	outbox_free(ob);
}
END_TEST

START_TEST(test_failing_target_keeps_events)
{
	struct outbox *ob = outbox_new();
	char *dir = xasprintf("%s/later", tmpdir);
	time_t retry;

	outbox_add(ob, export_target_new("t", EXPORT_FMT_TEXT, dir));
	ck_assert_int_eq(feed_items("https://a.example/", "A", 2), 2);
	outbox_drain(ob, st, NOW, 0);
	ck_assert_uint_eq(outbox_failing(ob), 1);
	ck_assert_int_eq(pending("t"), 2);
	retry = outbox_next_retry(ob);
	ck_assert(retry > NOW);
	/* not before its retry, then it recovers */
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	outbox_drain(ob, st, retry - 1, 0);
	ck_assert_int_eq(pending("t"), 2);
	outbox_drain(ob, st, retry, 0);
	ck_assert_uint_eq(outbox_failing(ob), 0);
	ck_assert_int_eq(pending("t"), 0);
	ck_assert_int_eq(files(dir), 2);
	outbox_free(ob);
	free(dir);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_targets_from_settings);
	tcase_add_test(tc, test_drain_delivers_once);
	tcase_add_test(tc, test_tag_filter_through_tags_fn);
	tcase_add_test(tc, test_failing_target_keeps_events);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(outbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
