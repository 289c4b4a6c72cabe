#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "date.h"
#include "err.h"
#include "html.h"
#include "parse.h"
#include "parse_json.h"
#include "url.h"

#include "testutil.h"

#define JSON_DIR	TEST_DATADIR "/json"
#define CONFORMANCE_DIR	TEST_DATADIR "/conformance/feedparser/json"
#define MAX_ITEMS	16

struct items {
	struct article	*a[MAX_ITEMS];
	size_t		 n;
	int		 stop_after;	/* return 7 after this many; 0 = never */
};

static struct article_feed feed;
static struct items got;
static char ebuf[256];

static void
setup(void)
{
	article_feed_init(&feed);
	memset(&got, 0, sizeof(got));
	ebuf[0] = '\0';
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < got.n; i++)
		article_free(got.a[i]);
	article_feed_clear(&feed);
}

static int
collect(void *ctx, const struct article_feed *f, struct article *a)
{
	struct items *it = ctx;

	ck_assert_ptr_eq(f, &feed);
	ck_assert_uint_lt(it->n, MAX_ITEMS);
	it->a[it->n++] = a;
	ck_assert_ptr_nonnull(a->id);	/* parse_finish_item ran */
	if (it->stop_after && it->n == (size_t)it->stop_after)
		return 7;
	return 0;
}

static int
parse_str(const char *s, const char *base)
{
	struct parse_opts o = { 0 };

	o.base_url = base;
	return parse_json(s, strlen(s), &o, &feed, collect, &got, ebuf,
	    sizeof(ebuf));
}

static int
parse_file(const char *path, const char *base)
{
	struct parse_opts o = { 0 };
	size_t len;
	char *s = testutil_slurp(path, &len);
	int rc;

	o.base_url = base;
	rc = parse_document(s, len, &o, &feed, collect, &got, ebuf,
	    sizeof(ebuf));
	free(s);
	return rc;
}

/* The paragraphs of the reference article: ukrainian-news-article.txt
 * after its header (title, feed title, author, date), without the final
 * newline. */
static char *
article_body(void)
{
	size_t len, i, blanks = 0;
	char *s = testutil_slurp(EXAMPLES_DIR "/ukrainian-news-article.txt", &len);
	char *body;

	for (i = 0; i + 1 < len && blanks < 2; i++)
		if (s[i] == '\n' && s[i + 1] == '\n')
			blanks++;
	ck_assert_uint_eq(blanks, 2);
	while (len > i && s[len - 1] == '\n')
		len--;
	body = strndup(s + i + 1, len - i - 1);
	free(s);
	return body;
}

START_TEST(test_ukrainian_example)
{
	struct article *a;
	char date[32], *body;

	ck_assert_int_eq(parse_file(EXAMPLES_DIR "/ukrainian-news.json",
	    NULL), ERR_OK);
	ck_assert_int_eq(feed.format, ARTICLE_FMT_JSONFEED);
	ck_assert_int_eq(feed.bozo, 0);
	ck_assert_str_eq(feed.title, "Ukrainian News");
	ck_assert_str_eq(feed.link, "https://ukranews.example/en/");
	ck_assert_str_eq(feed.language, "en");
	ck_assert_uint_eq(got.n, 1);
	a = got.a[0];
	ck_assert_str_eq(a->guid, "793512");
	ck_assert_str_eq(a->id, "793512");
	ck_assert_str_eq(a->title, "Blinken meets Zelensky in Kyiv to "
	    "demonstrate support amid escalation with Russia");
	ck_assert_str_eq(a->link, "https://ukranews.example/en/news/"
	    "793512-blinken-meets-zelensky-in-kyiv");
	ck_assert_str_eq(a->author, "Canan Kevser");
	ck_assert_int_eq(a->has_published, 1);
	date_format_utc(a->published.utc, date, sizeof(date));
	ck_assert_str_eq(date, "2021-05-06T12:00:00Z");
	ck_assert_int_eq(a->published.tzoff, 180);
	ck_assert_int_eq(a->has_updated, 0);
	ck_assert_uint_eq(a->ncategories, 2);
	ck_assert_str_eq(a->categories[0], "Politics");
	ck_assert_str_eq(a->categories[1], "Ukraine-USA");
	ck_assert_uint_eq(a->nenclosures, 1);
	ck_assert_str_eq(a->enclosures[0].url,
	    "https://ukranews.example/img/793512.jpg");
	ck_assert_str_eq(a->enclosures[0].type, "image/jpeg");
	ck_assert_int_eq(a->enclosures[0].length, 48213);
	ck_assert_str_eq(a->language, "en");
	ck_assert_ptr_nonnull(a->content);
	ck_assert_ptr_nonnull(strstr(a->content, "Antony Blinken"));
	ck_assert_ptr_nonnull(a->summary);
	ck_assert_ptr_null(strstr(a->content, "<script"));
	body = article_body();
	ck_assert_str_eq(a->text, body);
	free(body);
	/* The summary is plain text, escaped into HTML. */
	ck_assert_str_eq(a->summary, "U.S. Secretary of State Antony Blinken "
	    "visited Kyiv on Thursday, May 6, to demonstrate his country's "
	    "unwavering support for Ukraine amid tensions with Russia.");
}
END_TEST

START_TEST(test_tracking_removed)
{
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"x\","
	    " \"url\": \"https://e.example/a?utm_source=rss&id=3\"}]}", NULL),
	    ERR_OK);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_str_eq(got.a[0]->link, "https://e.example/a?id=3");
}
END_TEST

/* JSON Feed 1.0: one "author" object, on the feed and on an item. */
START_TEST(test_conformance_example)
{
	struct article *a;

	ck_assert_int_eq(parse_file(CONFORMANCE_DIR "/example.json", NULL),
	    ERR_OK);
	ck_assert_int_eq(feed.bozo, 0);
	ck_assert_str_eq(feed.title, "My Example Feed");
	ck_assert_str_eq(feed.link, "https://example.org/");
	ck_assert_str_eq(feed.author, "me");
	ck_assert_str_eq(feed.image, "https://example.org/feed.png");
	ck_assert_uint_eq(got.n, 2);

	a = got.a[0];
	ck_assert_str_eq(a->id, "2");
	ck_assert_str_eq(a->title, "post 2");
	ck_assert_str_eq(a->author, "me");	/* the feed's */
	ck_assert_str_eq(a->text, "This is a second item.");
	ck_assert_str_eq(a->content, "<p>This is a second item.</p>");
	ck_assert_str_eq(a->link, "https://example.org/second-item");
	ck_assert_uint_eq(a->ncategories, 2);
	ck_assert_str_eq(a->categories[1], "JSON");
	ck_assert_uint_eq(a->nenclosures, 1);
	ck_assert_str_eq(a->enclosures[0].type, "video/mp4");
	ck_assert_int_eq(a->enclosures[0].length, 12000000);

	a = got.a[1];
	ck_assert_str_eq(a->id, "1");
	ck_assert_str_eq(a->author, "you");
	ck_assert_ptr_nonnull(strstr(a->content, "Hello, world!"));
	ck_assert_ptr_null(a->title);
}
END_TEST

START_TEST(test_authors_11)
{
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"authors\": [{\"url\": "
	    "\"https://x\"}, {\"name\": \" Feed Person \"}], \"items\": ["
	    "{\"id\": \"a\", \"authors\": [{\"name\": \"Item Person\"}, "
	    "{\"name\": \"Second\"}]}, {\"id\": \"b\", \"authors\": []}, "
	    "{\"id\": \"c\", \"author\": {\"name\": \"Old Style\"}}]}", NULL),
	    ERR_OK);
	ck_assert_str_eq(feed.author, "Feed Person");
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.a[0]->author, "Item Person");
	ck_assert_str_eq(got.a[1]->author, "Feed Person");
	ck_assert_str_eq(got.a[2]->author, "Old Style");
}
END_TEST

START_TEST(test_numeric_ids)
{
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1\", \"items\": [{\"id\": 42}, "
	    "{\"id\": 12345678901234567}, {\"id\": 1.5}, {\"id\": -0.1}, "
	    "{\"id\": true, \"url\": \"https://e.example/t\"}, "
	    "{\"id\": \"  \", \"url\": \"https://e.example/blank\"}]}", NULL),
	    ERR_OK);
	ck_assert_uint_eq(got.n, 6);
	ck_assert_str_eq(got.a[0]->guid, "42");
	ck_assert_str_eq(got.a[0]->id, "42");
	ck_assert_str_eq(got.a[1]->id, "12345678901234567");
	ck_assert_str_eq(got.a[2]->id, "1.5");
	ck_assert_str_eq(got.a[3]->id, "-0.1");
	/* Not an id: identity falls back to the link. */
	ck_assert_ptr_null(got.a[4]->guid);
	ck_assert_str_eq(got.a[4]->id, "https://e.example/t");
	ck_assert_ptr_null(got.a[5]->guid);
	ck_assert_str_eq(got.a[5]->id, "https://e.example/blank");
}
END_TEST

START_TEST(test_missing_items)
{
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"title\": \"Empty\"}",
	    NULL), ERR_OK);
	ck_assert_uint_eq(got.n, 0);
	ck_assert_str_eq(feed.title, "Empty");
	ck_assert_int_eq(feed.format, ARTICLE_FMT_JSONFEED);
	ck_assert_int_eq(feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(feed.bozo_message, "items"));
}
END_TEST

START_TEST(test_not_a_feed)
{
	ck_assert_int_eq(parse_str("{\"name\": \"package.json\", "
	    "\"version\": \"1.0.0\"}", NULL), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(ebuf, "not a JSON Feed"));
	ck_assert_uint_eq(got.n, 0);
	ck_assert_int_eq(parse_str("[1, 2, 3]", NULL), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(ebuf, "not a JSON Feed"));
	/* No version, but items: read, flagged. */
	ck_assert_int_eq(parse_str("{\"items\": [{\"id\": \"1\"}]}", NULL),
	    ERR_OK);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(feed.bozo_message, "version"));
}
END_TEST

START_TEST(test_invalid_json)
{
	ck_assert_int_eq(parse_str("{\n  \"version\": \"https://jsonfeed.org/"
	    "version/1.1\",\n  \"items\": [,]\n}", NULL), ERR_PARSE);
	ck_assert_msg(strstr(ebuf, "line 3") != NULL &&
	    strstr(ebuf, "column") != NULL, "message: %s", ebuf);
	ck_assert_int_eq(parse_str("", NULL), ERR_PARSE);
	ck_assert_int_eq(parse_str("{\"version\": \"https://jsonfeed.org/"
	    "version/1.1\", \"items\": [] } trailing", NULL), ERR_PARSE);
	ck_assert_uint_eq(got.n, 0);
}
END_TEST

/*
 * A lone UTF-16 surrogate escape (\ud800 with no low half, or a low half
 * alone) is no character: jansson refuses the whole document for it.  It
 * becomes U+FFFD and the feed is bozo; a proper pair and an escaped
 * backslash before "ud800" stay what they are.
 */
START_TEST(test_lone_surrogate)
{
	const char *doc = "{\"version\": \"https://jsonfeed.org/version/1.1\","
	    " \"title\": \"J\\ud800son\", \"items\": ["
	    "{\"id\": \"1\", \"title\": \"a\\uDC00b\\ud83d\", "
	    "\"content_text\": \"pair \\ud83d\\ude00 \\\\ud800 \\ud800\\ud800\"},"
	    "{\"id\": \"2\", \"title\": \"fine\"}]}";

	ck_assert_msg(parse_str(doc, NULL) == ERR_OK, "%s", ebuf);
	ck_assert_str_eq(feed.title, "J\xef\xbf\xbdson");
	ck_assert_int_eq(feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(feed.bozo_message, "surrogate"));
	ck_assert_uint_eq(got.n, 2);
	ck_assert_str_eq(got.a[0]->title, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	ck_assert_str_eq(got.a[0]->text, "pair \xf0\x9f\x98\x80 \\ud800 "
	    "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(got.a[1]->title, "fine");
}
END_TEST

START_TEST(test_relative_urls)
{
	struct article *a;
	const char *doc = "{\"version\": \"https://jsonfeed.org/version/1.1\","
	    " \"home_page_url\": \"/blog/\", \"feed_url\": "
	    "\"https://feed.example/blog/feed.json\", \"icon\": \"icon.png\","
	    " \"items\": [{\"id\": \"1\", \"url\": \"posts/1\", "
	    "\"attachments\": [{\"url\": \"../a.mp3\", \"size_in_bytes\": "
	    "-5}, {\"mime_type\": \"x/no-url\"}, {\"url\": \"b.ogg\", "
	    "\"size_in_bytes\": 1e3}]}, {\"id\": \"2\", \"external_url\": "
	    "\"https://other.example/x\"}]}";

	/* The feed's own feed_url is the base when the caller gives none. */
	ck_assert_int_eq(parse_str(doc, NULL), ERR_OK);
	ck_assert_str_eq(feed.link, "https://feed.example/blog/");
	ck_assert_str_eq(feed.image, "https://feed.example/blog/icon.png");
	ck_assert_uint_eq(got.n, 2);
	a = got.a[0];
	ck_assert_str_eq(a->link, "https://feed.example/blog/posts/1");
	ck_assert_uint_eq(a->nenclosures, 2);
	ck_assert_str_eq(a->enclosures[0].url, "https://feed.example/a.mp3");
	ck_assert_int_eq(a->enclosures[0].length, -1);
	ck_assert_ptr_null(a->enclosures[0].type);
	ck_assert_str_eq(a->enclosures[1].url,
	    "https://feed.example/blog/b.ogg");
	ck_assert_int_eq(a->enclosures[1].length, 1000);
	ck_assert_str_eq(got.a[1]->link, "https://other.example/x");
	teardown();
	setup();
	/* The caller's document URL wins. */
	ck_assert_int_eq(parse_str(doc, "https://mirror.example/f/j.json"),
	    ERR_OK);
	ck_assert_str_eq(got.a[0]->link, "https://mirror.example/f/posts/1");
	ck_assert_str_eq(feed.link, "https://mirror.example/blog/");
}
END_TEST

START_TEST(test_content_text_and_summary)
{
	struct article *a;

	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"language\": \"uk\", "
	    "\"items\": [{\"id\": \"1\", \"content_text\": \"First <b> & "
	    "line\\nsecond line\\n\\n\\nNext paragraph\\r\\n\", "
	    "\"summary\": \"a < b\", \"date_modified\": "
	    "\"2021-05-07T10:00:00Z\", \"date_published\": \"yesterday\"}, "
	    "{\"id\": \"2\", \"summary\": \"Only a summary\", "
	    "\"language\": \"en\"}]}", NULL), ERR_OK);
	ck_assert_uint_eq(got.n, 2);
	a = got.a[0];
	ck_assert_str_eq(a->text, "First <b> & line\nsecond line\n\n\n"
	    "Next paragraph");
	ck_assert_int_eq(a->has_updated, 1);
	ck_assert_int_eq(a->has_published, 0);	/* no guessing */
	ck_assert_str_eq(a->language, "uk");
	ck_assert_str_eq(a->content, "<p>First &lt;b&gt; &amp; line"
	    "<br>\nsecond line</p>\n<p>Next paragraph</p>");
	ck_assert_str_eq(a->summary, "a &lt; b");
	a = got.a[1];
	ck_assert_str_eq(a->language, "en");
	ck_assert_ptr_null(a->content);
	ck_assert_str_eq(a->summary, "Only a summary");
	ck_assert_str_eq(a->text, "Only a summary");	/* from the summary */
}
END_TEST

/* An item's image, else its banner_image, resolved, http(s) only; the
 * first attachment's duration_in_seconds. */
START_TEST(test_image_and_duration)
{
	struct article *a;

	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"items\": ["
	    "{\"id\": \"1\", \"image\": \"img/1.png\", \"banner_image\": "
	    "\"https://e.com/banner.png\", \"attachments\": [{\"url\": "
	    "\"a.mp3\"}, {\"url\": \"b.mp3\", \"duration_in_seconds\": "
	    "1800.9}, {\"url\": \"c.mp3\", \"duration_in_seconds\": 60}]},"
	    "{\"id\": \"2\", \"banner_image\": \"https://e.com/b2.png\", "
	    "\"attachments\": [{\"url\": \"a.mp3\", "
	    "\"duration_in_seconds\": -1}, {\"url\": \"b.mp3\", "
	    "\"duration_in_seconds\": \"60\"}]},"
	    "{\"id\": \"3\", \"image\": \"javascript:alert(1)\", "
	    "\"banner_image\": \"/b3.png\", \"attachments\": [{\"url\": "
	    "\"a.mp3\", \"duration_in_seconds\": 0}]},"
	    "{\"id\": \"4\", \"image\": \"data:image/png;base64,AA\", "
	    "\"banner_image\": 7},"
	    "{\"id\": \"5\"}]}", "https://feed.example/f/feed.json"),
	    ERR_OK);
	ck_assert_uint_eq(got.n, 5);
	a = got.a[0];
	ck_assert_str_eq(a->image, "https://feed.example/f/img/1.png");
	ck_assert_int_eq(a->has_duration, 1);
	ck_assert_int_eq(a->duration, 1800);
	a = got.a[1];
	ck_assert_str_eq(a->image, "https://e.com/b2.png");
	ck_assert_int_eq(a->has_duration, 0);	/* -1 and "60" are none */
	a = got.a[2];
	ck_assert_str_eq(a->image, "https://feed.example/b3.png");
	ck_assert_int_eq(a->has_duration, 1);
	ck_assert_int_eq(a->duration, 0);
	a = got.a[3];
	ck_assert_ptr_null(a->image);
	a = got.a[4];
	ck_assert_ptr_null(a->image);
	ck_assert_int_eq(a->has_duration, 0);
	ck_assert_int_eq(a->has_comment_count, 0);
}
END_TEST

START_TEST(test_callback_stops)
{
	got.stop_after = 2;
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"items\": [{\"id\": \"1\"},"
	    " {\"id\": \"2\"}, {\"id\": \"3\"}]}", NULL), 7);
	ck_assert_uint_eq(got.n, 2);
}
END_TEST

START_TEST(test_hostile)
{
	struct buf b = { 0 };
	size_t i;

	/* Items that are not objects are skipped, and flagged. */
	ck_assert_int_eq(parse_str("{\"version\": "
	    "\"https://jsonfeed.org/version/1.1\", \"items\": [1, \"x\", null,"
	    " [], {\"id\": \"ok\", \"title\": \"a\\u0000b\\u0007c\\u0085\","
	    " \"tags\": [\"t\", 5, \"\", \"t\", {}], \"attachments\": {}}]}",
	    NULL), ERR_OK);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(feed.bozo_message, "item 1"));
	/* NUL and C0 controls dropped, C1 repaired as windows-1252. */
	ck_assert_str_eq(got.a[0]->title, "abc…");
	ck_assert_uint_eq(got.a[0]->ncategories, 1);
	ck_assert_uint_eq(got.a[0]->nenclosures, 0);
	teardown();
	setup();

	/* Nesting far past jansson's depth limit is refused, not recursed. */
	buf_puts(&b, "{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"items\": [{\"id\": \"1\", \"x\": ");
	for (i = 0; i < 100000; i++)
		buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		buf_putc(&b, ']');
	buf_puts(&b, "}]}");
	ck_assert_int_eq(parse_str(buf_str(&b), NULL), ERR_PARSE);
	ck_assert_msg(strstr(ebuf, "depth") != NULL, "message: %s", ebuf);
	ck_assert_uint_eq(got.n, 0);
	buf_free(&b);

	/* Deep but within the limit: parsed, the unknown member ignored. */
	buf_puts(&b, "{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"items\": [{\"id\": \"1\", \"x\": ");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "{\"a\":[");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "]}");
	buf_puts(&b, "}]}");
	ck_assert_int_eq(parse_str(buf_str(&b), NULL), ERR_OK);
	ck_assert_uint_eq(got.n, 1);
	buf_free(&b);
	teardown();
	setup();

	/* Wrong types everywhere are ignored, never dereferenced. */
	ck_assert_int_eq(parse_str("{\"version\": 1, \"title\": [], "
	    "\"home_page_url\": {}, \"author\": 3, \"authors\": \"x\", "
	    "\"items\": [{\"id\": {}, \"url\": 5, \"title\": false, "
	    "\"content_html\": [], \"tags\": \"t\", \"authors\": [1, null],"
	    " \"date_published\": 7, \"attachments\": [{\"url\": \"u\", "
	    "\"size_in_bytes\": \"big\"}, 3]}]}", NULL), ERR_OK);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_ptr_null(feed.title);
	ck_assert_ptr_null(got.a[0]->title);
	ck_assert_ptr_null(got.a[0]->author);
	ck_assert_uint_eq(got.a[0]->nenclosures, 1);
	ck_assert_int_eq(got.a[0]->enclosures[0].length, -1);
}
END_TEST

/* Through parse_document: JSON is told from XML, a BOM and UTF-16 are
 * decoded first. */
START_TEST(test_via_parse_document)
{
	ck_assert_int_eq(parse_file(JSON_DIR "/utf16-bom.json", NULL), ERR_OK);
	ck_assert_int_eq(feed.format, ARTICLE_FMT_JSONFEED);
	ck_assert_str_eq(feed.title, "Українські новини");
	ck_assert_uint_eq(got.n, 1);
	ck_assert_str_eq(got.a[0]->title, "Ґрунтовна розмова");
}
END_TEST

static Suite *
parse_json_suite(void)
{
	Suite *s = suite_create("parse_json");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ukrainian_example);
	tcase_add_test(tc, test_tracking_removed);
	tcase_add_test(tc, test_conformance_example);
	tcase_add_test(tc, test_authors_11);
	tcase_add_test(tc, test_numeric_ids);
	tcase_add_test(tc, test_missing_items);
	tcase_add_test(tc, test_not_a_feed);
	tcase_add_test(tc, test_invalid_json);
	tcase_add_test(tc, test_lone_surrogate);
	tcase_add_test(tc, test_relative_urls);
	tcase_add_test(tc, test_content_text_and_summary);
	tcase_add_test(tc, test_image_and_duration);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_via_parse_document);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(parse_json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
