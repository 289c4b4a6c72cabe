/*
 * Feed discovery in a page (discover.h): the alternate links, their
 * resolution against the page and <base href>, the usual paths, the
 * YouTube channel mapping, and what a hostile page cannot make of it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "err.h"

static struct discover_list
page(const char *html, const char *url, size_t max)
{
	struct discover_list l = { 0 };
	char ebuf[256];

	ck_assert_int_eq(discover_page(html, strlen(html), NULL, url, max, &l,
	    ebuf, sizeof(ebuf)), ERR_OK);
	return l;
}

START_TEST(test_links_relative)
{
	struct discover_list l = page("<html><head><title>x</title>"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\"News RSS\" href=\"feed/rss.xml\">"
	    "<LINK REL=\"Alternate stylesheet\" TYPE=\"application/atom+xml; "
	    "charset=utf-8\" href=\"/atom.xml\">"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"/fr/\">"
	    "<link rel=\"stylesheet\" type=\"application/rss+xml\" "
	    "href=\"/not.xml\">"
	    "<link rel=\"alternate\" type=\"application/feed+json\" "
	    "href=\"https://cdn.example.net/feed.json\">"
	    "</head><body></body></html>",
	    "https://example.org/blog/index.html", 10);

	ck_assert_uint_eq(l.n, 9);
	ck_assert_str_eq(l.c[0].url, "https://example.org/blog/feed/rss.xml");
	ck_assert_str_eq(l.c[0].title, "News RSS");
	ck_assert_str_eq(l.c[0].type, "application/rss+xml");
	ck_assert_int_eq(l.c[0].source, DISCOVER_LINK);
	ck_assert_str_eq(l.c[1].url, "https://example.org/atom.xml");
	ck_assert_ptr_null(l.c[1].title);
	ck_assert_str_eq(l.c[2].url, "https://cdn.example.net/feed.json");
	/* then the usual paths, /atom.xml once only */
	ck_assert_str_eq(l.c[3].url, "https://example.org/feed");
	ck_assert_int_eq(l.c[3].source, DISCOVER_PATH);
	ck_assert_str_eq(l.c[4].url, "https://example.org/rss");
	ck_assert_str_eq(l.c[5].url, "https://example.org/index.xml");
	ck_assert_str_eq(l.c[8].url, "https://example.org/feed.json");
	discover_list_free(&l);
}
END_TEST

START_TEST(test_base_href)
{
	struct discover_list l = page("<html><head>"
	    "<base href=\"/sub/dir/\">"
	    "<link rel=alternate type=application/atom+xml href=atom>"
	    "</head></html>", "http://h.example:8080/a/b?q#f", 2);

	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.c[0].url, "http://h.example:8080/sub/dir/atom");
	/* the usual paths go on the page's origin, not the base */
	ck_assert_str_eq(l.c[1].url, "http://h.example:8080/feed");
	discover_list_free(&l);

	/* a <base> that is no web URL is ignored */
	l = page("<base href=\"javascript:alert(1)\">"
	    "<link rel=alternate type=application/rss+xml href=r.xml>",
	    "https://u:p@example.org/x/", 1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.c[0].url, "https://example.org/x/r.xml");
	discover_list_free(&l);
}
END_TEST

START_TEST(test_hostile_links)
{
	struct discover_list l = page("<link rel=alternate "
	    "type=application/rss+xml href=\"file:///etc/passwd\">"
	    "<link rel=alternate type=application/rss+xml "
	    "href=\"data:text/xml,<rss/>\">"
	    "<link rel=alternate type=application/rss+xml href=\"\">"
	    "<link rel=alternate type=application/rss+xml>"
	    "<link rel=alternate type=application/json "
	    "href=\"gopher://x/\">", "https://example.org/", 1);

	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.c[0].url, "https://example.org/feed");
	discover_list_free(&l);
}
END_TEST

START_TEST(test_no_html)
{
	struct discover_list l = { 0 };
	char ebuf[256];

	l = page("", "https://example.org", 20);
	ck_assert_uint_eq(l.n, 7);
	ck_assert_str_eq(l.c[0].url, "https://example.org/feed");
	discover_list_free(&l);
	l = page("\xff\xfe<\0l\0i\0n\0k", "https://example.org", 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(discover_page("x", 1, NULL, "file:///tmp/x", 5, &l,
	    ebuf, sizeof(ebuf)), ERR_INVALID);
	ck_assert_int_eq(discover_page("x", 1, NULL, "/feed", 5, &l,
	    ebuf, sizeof(ebuf)), ERR_INVALID);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

#define ID "UCabcdefghijklmnopqrstuv"
#define FEED "https://www.youtube.com/feeds/videos.xml?channel_id=" ID

START_TEST(test_youtube_mapping)
{
	static const struct {
		const char *url, *id, *want;
	} c[] = {
		{ "https://www.youtube.com/channel/" ID, NULL, FEED },
		{ "https://youtube.com/channel/" ID "/videos?x=1", NULL, FEED },
		{ "http://m.youtube.com/channel/" ID, NULL, FEED },
		{ "https://WWW.YouTube.com/@someone", ID, FEED },
		{ "https://www.youtube.com/@someone", NULL, NULL },
		{ "https://www.youtube.com/@someone", "UCshort", NULL },
		{ "https://www.youtube.com/@someone", ID "x", NULL },
		{ "https://www.youtube.com/@someone",
		    "UCabcdefghijklmnopqrst&v", NULL },
		{ "https://www.youtube.com/channel/XYZ", NULL, NULL },
		{ "https://evil.example/channel/" ID, NULL, NULL },
		{ "https://youtube.com.evil.example/channel/" ID, NULL, NULL },
		{ "https://evil.example/", ID, NULL },
		{ "file:///channel/" ID, ID, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = discover_youtube_feed(c[i].url, c[i].id);

		ck_assert_msg((got == NULL && c[i].want == NULL) ||
		    (got != NULL && c[i].want != NULL &&
		    strcmp(got, c[i].want) == 0), "%s, %s: got %s", c[i].url,
		    c[i].id ? c[i].id : "NULL", got ? got : "NULL");
		free(got);
	}
}
END_TEST

START_TEST(test_youtube_page)
{
	struct discover_list l = page("<html><head>"
	    "<meta itemprop=\"channelId\" content=\"" ID "\">"
	    "</head></html>", "https://www.youtube.com/@someone", 2);

	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.c[0].url, FEED);
	ck_assert_int_eq(l.c[0].source, DISCOVER_YOUTUBE);
	ck_assert_str_eq(l.c[1].url, "https://www.youtube.com/feed");
	discover_list_free(&l);

	l = page("<link rel=canonical href=\"https://www.youtube.com/channel/"
	    ID "\">", "https://www.youtube.com/c/name", 1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.c[0].url, FEED);
	discover_list_free(&l);

	/* the page's own alternate link to the same feed comes first, once */
	l = page("<link rel=alternate type=application/rss+xml title=RSS "
	    "href=\"" FEED "\"><meta itemprop=channelId content=" ID ">",
	    "https://www.youtube.com/@someone", 3);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.c[0].url, FEED);
	ck_assert_int_eq(l.c[0].source, DISCOVER_LINK);
	ck_assert_str_eq(l.c[1].url, "https://www.youtube.com/feed");
	discover_list_free(&l);

	/* a channel id elsewhere is not YouTube's */
	l = page("<meta itemprop=channelId content=" ID ">",
	    "https://example.org/", 1);
	ck_assert_str_eq(l.c[0].url, "https://example.org/feed");
	discover_list_free(&l);
}
END_TEST

START_TEST(test_deep_page)
{
	size_t depth = 100000, i;
	char *s = malloc(depth * 5 + 200), *p = s;
	struct discover_list l;

	for (i = 0; i < depth; i++, p += 5)
		memcpy(p, "<div>", 5);
	strcpy(p, "<link rel=alternate type=application/rss+xml href=/d.xml>");
	l = page(s, "https://example.org/", 1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.c[0].url, "https://example.org/d.xml");
	discover_list_free(&l);
	free(s);
}
END_TEST

static Suite *
discover_suite(void)
{
	Suite *s = suite_create("discover");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_links_relative);
	tcase_add_test(tc, test_base_href);
	tcase_add_test(tc, test_hostile_links);
	tcase_add_test(tc, test_no_html);
	tcase_add_test(tc, test_youtube_mapping);
	tcase_add_test(tc, test_youtube_page);
	tcase_add_test(tc, test_deep_page);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(discover_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
