/*
 * OPML import and export (opml.h): names, tags from folders and
 * categories, what is skipped, what is refused, and a round trip.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "feedlist.h"
#include "opml.h"

static const char doc[] =
    "<?xml version=\"1.0\"?>\n"
    "<opml version=\"2.0\"><head><title>mine</title></head><body>\n"
    "<outline text=\"News\">\n"
    "  <outline text=\"Daily\" xmlUrl=\"https://a.example/feed\""
    " category=\"world,/politics\"/>\n"
    "  <outline title=\"Daily\" xmlUrl=\"https://b.example/feed\"/>\n"
    "</outline>\n"
    "<outline text=\"https://c.example/rss\" xmlUrl=\"https://c.example/rss\"/>\n"
    "<outline text=\"again\" xmlUrl=\"https://a.example/feed\"/>\n"
    "<outline text=\"local\" xmlUrl=\"file:///etc/passwd\"/>\n"
    "<outline text=\"ftp\" xmlUrl=\"ftp://d.example/feed\"/>\n"
    "</body></opml>\n";

static int
has_tag(const struct feedlist_feed *f, const char *t)
{
	size_t i;

	for (i = 0; i < f->ntags; i++)
		if (strcmp(f->tags[i], t) == 0)
			return 1;
	return 0;
}

START_TEST(test_import)
{
	struct feedlist fl = { 0 };
	const struct feedlist_feed *f;
	char ebuf[256];
	size_t skipped = 0;

	ck_assert_int_eq(opml_import(doc, strlen(doc), &fl, &skipped, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(fl.n, 3);
	/* a duplicate URL, file: and a scheme that is not http(s) */
	ck_assert_uint_eq(skipped, 3);
	f = feedlist_find(&fl, "https://a.example/feed");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "Daily");
	ck_assert_uint_eq(f->ntags, 3);
	ck_assert(has_tag(f, "News"));
	ck_assert(has_tag(f, "world"));
	ck_assert(has_tag(f, "politics"));
	/* names are made unique; title stands in for text */
	f = feedlist_find(&fl, "https://b.example/feed");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "Daily (2)");
	ck_assert(has_tag(f, "News"));
	/* a name that only repeats the URL is no name */
	f = feedlist_find(&fl, "https://c.example/rss");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(f->name);
	ck_assert_uint_eq(f->ntags, 0);
	feedlist_free(&fl);
}
END_TEST

START_TEST(test_refused)
{
	static const char entities[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE opml [<!ENTITY x \"y\">]>"
	    "<opml version=\"2.0\"><body><outline text=\"&x;\" "
	    "xmlUrl=\"https://a.example/\"/></body></opml>";
	static const char notopml[] = "<rss version=\"2.0\"/>";
	static const char notxml[] = "<opml";
	struct feedlist fl = { 0 };
	char ebuf[256];

	ck_assert_int_eq(opml_import(entities, strlen(entities), &fl, NULL,
	    ebuf, sizeof(ebuf)), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(ebuf, "entities"));
	ck_assert_int_eq(opml_import(notopml, strlen(notopml), &fl, NULL,
	    ebuf, sizeof(ebuf)), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(ebuf, "not OPML"));
	ck_assert_int_eq(opml_import(notxml, strlen(notxml), &fl, NULL,
	    ebuf, sizeof(ebuf)), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(ebuf, "not XML"));
	ck_assert_uint_eq(fl.n, 0);
	feedlist_free(&fl);
}
END_TEST

START_TEST(test_round_trip)
{
	struct feedlist fl = { 0 }, back = { 0 };
	const struct feedlist_feed *f;
	struct buf b = { 0 };
	char ebuf[256];
	size_t i;

	ck_assert_int_eq(opml_import(doc, strlen(doc), &fl, NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(opml_export(&fl, "a <title> & more", &b, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "a &lt;title&gt; &amp; "
	    "more"));
	ck_assert_int_eq(opml_import(b.data, b.len, &back, NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(back.n, fl.n);
	for (i = 0; i < fl.n; i++) {
		f = feedlist_find(&back, fl.feeds[i].url);
		ck_assert_ptr_nonnull(f);
		if (fl.feeds[i].name == NULL)
			ck_assert_ptr_null(f->name);
		else
			ck_assert_str_eq(f->name, fl.feeds[i].name);
		ck_assert_uint_eq(f->ntags, fl.feeds[i].ntags);
	}
	buf_free(&b);
	feedlist_free(&back);
	feedlist_free(&fl);
}
END_TEST

static Suite *
opml_suite(void)
{
	Suite *s = suite_create("opml");
	TCase *tc = tcase_create("opml");

	tcase_add_test(tc, test_import);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(opml_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
