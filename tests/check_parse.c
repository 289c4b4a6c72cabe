#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "err.h"
#include "parse.h"
#include "xmalloc.h"

#include "testutil.h"

#define MAX_ITEMS 16

/* What one parse produced: the feed and up to MAX_ITEMS items. */
struct result {
	int		 rc;
	char		 ebuf[256];
	struct article_feed feed;
	struct article	*items[MAX_ITEMS];
	size_t		 nitems;
	int		 stop_after;	/* callback returns 7 after this many */
};

static int
collect(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct result *r = ctx;

	(void)feed;
	if (r->nitems < MAX_ITEMS)
		r->items[r->nitems++] = a;
	else
		article_free(a);
	if (r->stop_after > 0 && r->nitems == (size_t)r->stop_after)
		return 7;
	return 0;
}

static void
parse_mem(struct result *r, const char *data, size_t len, const char *base)
{
	struct parse_opts o = { 0 };
	int stop = r->stop_after;

	memset(r, 0, sizeof(*r));
	r->stop_after = stop;
	o.base_url = base;
	article_feed_init(&r->feed);
	r->rc = parse_document(data, len, &o, &r->feed, collect, r, r->ebuf,
	    sizeof(r->ebuf));
}

static char *
slurp(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/parse/%s", TEST_DATADIR, name);
	return testutil_slurp(path, len);
}

static void
parse_file(struct result *r, const char *name, const char *base)
{
	size_t len;
	char *data = slurp(name, &len);

	parse_mem(r, data, len, base);
	free(data);
}

static void
result_free(struct result *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++)
		article_free(r->items[i]);
	article_feed_clear(&r->feed);
}

static void
assert_utc(int has, const struct date_time *d, const char *want)
{
	char s[40];

	ck_assert_int_eq(has, 1);
	date_format_utc(d->utc, s, sizeof(s));
	ck_assert_str_eq(s, want);
}

static int
has_substr(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

/* ------------------------------------------------------------ formats */

START_TEST(test_formats)
{
	static const struct {
		const char	*file;
		enum article_format fmt;
		const char	*title;
	} cases[] = {
		{ "rss20.xml", ARTICLE_FMT_RSS20, "Channel & Co" },
		{ "rss091.xml", ARTICLE_FMT_RSS09X, "Old" },
		{ "rss090.xml", ARTICLE_FMT_RSS09X, "Ninety" },
		{ "rss10.xml", ARTICLE_FMT_RSS10, "One-oh" },
		{ "atom03.xml", ARTICLE_FMT_ATOM03, "Oh-three" },
		{ "atom10.xml", ARTICLE_FMT_ATOM10, "Atom <One>" },
	};
	struct result r = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_file(&r, cases[i].file, NULL);
		ck_assert_msg(r.rc == ERR_OK, "%s: %s", cases[i].file, r.ebuf);
		ck_assert_int_eq(r.feed.format, cases[i].fmt);
		ck_assert_str_eq(r.feed.title, cases[i].title);
		ck_assert_msg(!r.feed.bozo, "%s: bozo %s", cases[i].file,
		    r.feed.bozo_message);
		ck_assert_uint_ge(r.nitems, 1);
		result_free(&r);
	}
}
END_TEST

START_TEST(test_bare_rss_is_rss20)
{
	static const char doc[] = "<rss><channel><title>t</title>"
	    "<item><title>i</title></item></channel></rss>";
	struct result r = { 0 };

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.format, ARTICLE_FMT_RSS20);
	ck_assert_uint_eq(r.nitems, 1);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------- RSS 2.0 namespaces */

START_TEST(test_rss20_fields)
{
	struct result r = { 0 };
	struct article *a;

	parse_file(&r, "rss20.xml", "http://example.com/feed.xml");
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_str_eq(r.feed.link, "http://example.com/");
	ck_assert_str_eq(r.feed.description, "About things");
	ck_assert_str_eq(r.feed.language, "en-GB");
	ck_assert_str_eq(r.feed.generator, "gen 1.0");
	ck_assert_str_eq(r.feed.image, "http://example.com/cover.jpg");
	ck_assert_str_eq(r.feed.author, "editor@example.com (The Editor)");
	assert_utc(r.feed.has_updated, &r.feed.updated, "2021-05-06T12:05:12Z");
	/* scheduler hints */
	ck_assert_int_eq(r.feed.ttl_minutes, 30);
	ck_assert_int_eq(r.feed.update_period_minutes, 1440 / 4);
	ck_assert_uint_eq(r.feed.skip_hours, (1u << 0) | (1u << 5));
	ck_assert_uint_eq(r.feed.skip_days, (1u << 6) | (1u << 0));

	ck_assert_uint_eq(r.nitems, 2);
	a = r.items[0];
	/* title beats media:title whatever the order */
	ck_assert_str_eq(a->title, "Item one");
	/* content:encoded is the content, description the summary */
	ck_assert_ptr_nonnull(strstr(a->content, "<em>content</em>"));
	ck_assert_ptr_nonnull(strstr(a->summary, "summary"));
	ck_assert_ptr_null(strstr(a->summary, "&lt;"));
	ck_assert_str_eq(a->text, "Full content");
	/* tracking parameters go, the rest stays */
	ck_assert_str_eq(a->link, "http://example.com/1?id=1");
	ck_assert_str_eq(a->guid, "item-1");
	ck_assert_str_eq(a->id, "item-1");
	/* dc:creator (3) beats itunes:author (2) */
	ck_assert_str_eq(a->author, "Ann Author");
	assert_utc(a->has_published, &a->published, "2021-05-06T12:00:00Z");
	ck_assert_int_eq(a->published.tzoff, 180);
	/* dc:date is the updated date, as in feedparser */
	assert_utc(a->has_updated, &a->updated, "2021-05-07T10:00:00Z");
	ck_assert_uint_eq(a->ncategories, 3);
	ck_assert_str_eq(a->categories[0], "One");
	ck_assert_str_eq(a->categories[2], "Three");
	/* enclosure resolved against the document URL, then media:content */
	ck_assert_uint_eq(a->nenclosures, 2);
	ck_assert_str_eq(a->enclosures[0].url, "http://example.com/audio/1.mp3");
	ck_assert_str_eq(a->enclosures[0].type, "audio/mpeg");
	ck_assert_int_eq(a->enclosures[0].length, 12345);
	ck_assert_str_eq(a->enclosures[1].url, "http://example.com/v.mp4");
	ck_assert_int_eq(a->enclosures[1].length, 99);
	/* <comments> is the URL; slash:comments (a count) is not */
	ck_assert_str_eq(a->comments, "http://example.com/1#comments");
	ck_assert_str_eq(a->language, "en-GB");

	a = r.items[1];
	/* a permalink guid is the link when there is no <link> */
	ck_assert_str_eq(a->link, "http://example.com/2");
	/* itunes:summary (2) beats media:description (1) */
	ck_assert_str_eq(a->summary, "Podcast summary");
	result_free(&r);
}
END_TEST

START_TEST(test_priority_ignores_order)
{
	static const char doc[] =
	    "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\""
	    " xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\""
	    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
	    "<channel><item>"
	    "<guid>http://example.com/guid</guid>"
	    "<content:encoded>&lt;p&gt;first&lt;/p&gt;</content:encoded>"
	    "<itunes:author>Low</itunes:author>"
	    "<media:description>media</media:description>"
	    "<itunes:summary>itunes</itunes:summary>"
	    "<link>http://example.com/link</link>"
	    "<author>High</author>"
	    "<content:encoded>&lt;p&gt;second&lt;/p&gt;</content:encoded>"
	    "</item></channel></rss>";
	struct result r = { 0 };
	struct article *a;

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	a = r.items[0];
	ck_assert_str_eq(a->link, "http://example.com/link");
	ck_assert_str_eq(a->author, "High");
	ck_assert_str_eq(a->summary, "itunes");
	/* equal rank: the first content wins (feedparser's content[0]) */
	ck_assert_ptr_nonnull(strstr(a->content, "first"));
	result_free(&r);
}
END_TEST

START_TEST(test_description_then_summary)
{
	/* feedparser: a second summary-like element before any content is
	 * the content; the first stays the summary */
	static const char doc[] = "<rss version=\"2.0\"><channel><item>"
	    "<description>Example description</description>"
	    "<summary>Example summary</summary></item></channel></rss>";
	struct result r = { 0 };

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->summary, "Example description");
	ck_assert_str_eq(r.items[0]->content, "Example summary");
	result_free(&r);
}
END_TEST

START_TEST(test_feed_level_category)
{
	/* found by fuzzing: a channel category with xml:lang was freed twice */
	static const char doc[] = "<rss version=\"2.0\"><channel>"
	    "<category xml:lang=\"en\">feed</category><item>"
	    "<category xml:lang=\"fr\">item</category></item></channel></rss>";
	struct result r = { 0 };

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_uint_eq(r.items[0]->ncategories, 1);
	ck_assert_str_eq(r.items[0]->categories[0], "item");
	result_free(&r);
}
END_TEST

START_TEST(test_nested_title_is_not_the_items)
{
	static const char doc[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<entry><image><title>Wrong</title></image><title>Right</title>"
	    "<source><title>Also wrong</title></source></entry></feed>";
	struct result r = { 0 };

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->title, "Right");
	result_free(&r);
}
END_TEST

/* --------------------------------------------------------------- Atom */

START_TEST(test_atom10_base_lang_types)
{
	struct result r = { 0 };
	struct article *a;

	parse_file(&r, "atom10.xml", "http://ignored.example/");
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_str_eq(r.feed.link, "http://example.com/blog/");
	ck_assert_str_eq(r.feed.image, "http://example.com/blog/logo.png");
	ck_assert_str_eq(r.feed.language, "en-US");
	ck_assert_str_eq(r.feed.author, "Feed Owner");
	ck_assert_ptr_nonnull(strstr(r.feed.description, "<i>title</i>"));
	ck_assert_uint_eq(r.nitems, 3);

	a = r.items[0];
	/* xml:base "posts/" resolved against the feed's base */
	ck_assert_str_eq(a->link, "http://example.com/blog/posts/first");
	ck_assert_uint_eq(a->nenclosures, 1);
	ck_assert_str_eq(a->enclosures[0].url,
	    "http://example.com/blog/posts/a.mp3");
	ck_assert_int_eq(a->enclosures[0].length, 10);
	ck_assert_str_eq(a->language, "fr");
	ck_assert_str_eq(a->author, "Jane (jane@example.com)");
	ck_assert_str_eq(a->guid, "tag:example.com,2021:1");
	assert_utc(a->has_published, &a->published, "2021-05-06T12:00:00Z");
	assert_utc(a->has_updated, &a->updated, "2021-05-06T13:00:00Z");
	/* type="html" title: HTML, kept escaped */
	ck_assert_str_eq(a->title, "A &amp; B");
	/* type="text" summary: as is */
	ck_assert_str_eq(a->summary, "Plain <not a tag>");
	/* type="xhtml": the div unwrapped, links resolved */
	ck_assert_ptr_eq(strstr(a->content, "<div"), NULL);
	ck_assert_ptr_nonnull(strstr(a->content,
	    "href=\"http://example.com/blog/posts/other\""));
	ck_assert_str_eq(a->text, "Hello world");
	ck_assert_uint_eq(a->ncategories, 1);
	ck_assert_str_eq(a->categories[0], "cat-a");

	a = r.items[1];
	/* an absolute xml:base replaces the inherited one */
	ck_assert_str_eq(a->link, "http://other.example/abs");
	ck_assert_ptr_nonnull(strstr(a->content, "<b>html</b>"));
	/* xml:lang inherited from the feed */
	ck_assert_str_eq(a->language, "en-US");

	a = r.items[2];
	/* type="text" content is plain text, and so is its text */
	ck_assert_str_eq(a->content, "a < b");
	ck_assert_str_eq(a->text, "a < b");
	/* a tag: id is no link */
	ck_assert_ptr_null(a->link);
	ck_assert_str_eq(a->id, "tag:example.com,2021:3");
	result_free(&r);
}
END_TEST

START_TEST(test_atom03_base64)
{
	struct result r = { 0 };

	parse_file(&r, "atom03.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_ptr_nonnull(strstr(r.items[0]->content,
	    "Base64 <b>bold</b>"));
	assert_utc(r.feed.has_updated, &r.feed.updated, "2021-05-06T12:00:00Z");
	result_free(&r);
}
END_TEST

START_TEST(test_rss10_rdf)
{
	struct result r = { 0 };

	parse_file(&r, "rss10.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_str_eq(r.feed.image, "http://example.com/logo.png");
	ck_assert_str_eq(r.feed.language, "uk");
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->guid, "http://example.com/10");
	ck_assert_str_eq(r.items[0]->categories[0], "Subj");
	ck_assert_str_eq(r.items[0]->language, "uk");
	result_free(&r);
}
END_TEST

/* ----------------------------------------------------------- entities */

START_TEST(test_html_entities)
{
	struct result r = { 0 };

	parse_file(&r, "entities.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_str_eq(r.feed.title,
	    "Caf\xc3\xa9 \xe2\x80\x94 \xe2\x98\xba &");
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->title, "na\xc3\xafve");
	/* in attributes too, where libxml2 copies one byte of an entity */
	ck_assert_uint_eq(r.items[0]->nenclosures, 1);
	ck_assert_str_eq(r.items[0]->enclosures[0].url,
	    "http://example.com/caf\xc3\xa9.mp3?a=1&b=2");
	/* understood, but not XML */
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(r.feed.bozo_message, "eacute"));
	result_free(&r);
}
END_TEST

START_TEST(test_declared_entity)
{
	struct result r = { 0 };

	parse_file(&r, "declared-entity.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 0);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->guid, "tag:example.com,2006:/blog/");
	result_free(&r);
}
END_TEST

START_TEST(test_bare_ampersand)
{
	static const char doc[] = "<rss version=\"2.0\"><channel><item>"
	    "<link>http://example.com/?a=1&b=2&c</link>"
	    "<guid isPermaLink=\"false\">a&#X41;b&#X;c&#X</guid>"
	    "<title>Q&A <![CDATA[x && y]]></title></item></channel></rss>";
	struct result r = { 0 };

	parse_mem(&r, doc, sizeof(doc) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->link, "http://example.com/?a=1&b=2&c");
	ck_assert_ptr_nonnull(strstr(r.items[0]->title, "x && y"));
	/* "&#X41;" is read as "&#x41;"; "&#X" alone is text */
	ck_assert_str_eq(r.items[0]->guid, "aAb&#X;c&#X");
	ck_assert_int_eq(r.feed.bozo, 1);
	result_free(&r);
}
END_TEST

/* ------------------------------------------------- broken documents */

START_TEST(test_truncated_is_bozo)
{
	static const char cut[] = "<rss><channel><item><title>T</title>"
	    "<description>partial text of a cut";
	struct result r = { 0 };

	parse_file(&r, "truncated.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(r.feed.bozo_message, "line "));
	ck_assert_str_eq(r.feed.title, "Cut");
	ck_assert_uint_eq(r.nitems, 2);
	ck_assert_str_eq(r.items[0]->title, "Complete");
	ck_assert_str_eq(r.items[1]->title, "Cut off");
	result_free(&r);

	/* cut inside a field: what was collected is kept */
	parse_mem(&r, cut, sizeof(cut) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->summary, "partial text of a cut");
	result_free(&r);
}
END_TEST

START_TEST(test_illformed_is_bozo)
{
	struct result r = { 0 };

	parse_file(&r, "illformed.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_ptr_nonnull(strstr(r.feed.bozo_message, "line 3"));
	/* "</title>" with <b> open ends the title, not just the <b> */
	ck_assert_uint_eq(r.nitems, 2);
	ck_assert_str_eq(r.items[0]->title, "First <b>bold</b>");
	ck_assert_str_eq(r.items[0]->link, "http://example.com/a?x=1&y=2");
	ck_assert_str_eq(r.items[1]->title, "Second");
	result_free(&r);
}
END_TEST

START_TEST(test_not_a_feed)
{
	static const char *empties[] = { "", "   \n", "<?xml version=\"1.0\"?>",
	    "just some text" };
	struct result r = { 0 };
	size_t i;

	parse_file(&r, "html-page.html", NULL);
	ck_assert_int_eq(r.rc, ERR_PARSE);
	ck_assert_str_eq(r.ebuf, "not a feed: root element <html>");
	ck_assert_uint_eq(r.nitems, 0);
	result_free(&r);
	for (i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		parse_mem(&r, empties[i], strlen(empties[i]), NULL);
		ck_assert_int_eq(r.rc, ERR_PARSE);
		ck_assert_msg(strncmp(r.ebuf, "not XML: ", 9) == 0, "%s", r.ebuf);
		ck_assert_ptr_null(strchr(r.ebuf, '\n'));
		result_free(&r);
	}
}
END_TEST

START_TEST(test_callback_stops)
{
	struct result r = { 0 };
	size_t len;
	char *data = slurp("rss20.xml", &len);

	r.stop_after = 1;
	parse_mem(&r, data, len, NULL);
	ck_assert_int_eq(r.rc, 7);
	ck_assert_uint_eq(r.nitems, 1);
	result_free(&r);
	free(data);
}
END_TEST

/* -------------------------------------------------------- hostile */

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
total_len(const struct result *r)
{
	size_t i, n = 0;

	if (r->feed.title)
		n += strlen(r->feed.title);
	for (i = 0; i < r->nitems; i++) {
		const struct article *a = r->items[i];

		n += a->title ? strlen(a->title) : 0;
		n += a->summary ? strlen(a->summary) : 0;
		n += a->content ? strlen(a->content) : 0;
	}
	return n;
}

START_TEST(test_billion_laughs)
{
	struct result r = { 0 };
	double t0 = seconds();

	parse_file(&r, "billion-laughs.xml", NULL);
	ck_assert_double_lt(seconds() - t0, 2.0);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_uint_lt(total_len(&r), 1000);
	ck_assert_str_eq(r.feed.title, "&lol9;");
	result_free(&r);
}
END_TEST

START_TEST(test_quadratic_blowup)
{
	struct buf_like { char *p; size_t n; } d;
	struct result r = { 0 };
	size_t i, big = 100000, refs = 50000;
	double t0;
	char *p;

	/* one 100 kB entity referenced 50000 times: 5 GB if expanded */
	d.n = big + refs * 3 + 512;
	d.p = p = xmalloc(d.n);
	p += sprintf(p, "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n"
	    "<!ENTITY a \"");
	memset(p, 'a', big);
	p += big;
	p += sprintf(p, "\">\n]>\n<rss version=\"2.0\"><channel><item><title>");
	for (i = 0; i < refs; i++, p += 3)
		memcpy(p, "&a;", 3);
	p += sprintf(p, "</title></item></channel></rss>\n");
	t0 = seconds();
	parse_mem(&r, d.p, (size_t)(p - d.p), NULL);
	ck_assert_double_lt(seconds() - t0, 5.0);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	/* never expanded: the field holds at most the literal references */
	ck_assert_uint_le(strlen(r.items[0]->title), refs * 3);
	free(d.p);
	result_free(&r);
}
END_TEST

START_TEST(test_xxe_reads_nothing)
{
	struct result r = { 0 };
	size_t i;

	parse_file(&r, "xxe.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert(!has_substr(r.feed.title, "root:"));
	ck_assert_uint_eq(r.nitems, 1);
	for (i = 0; i < r.nitems; i++) {
		ck_assert(!has_substr(r.items[i]->title, "root:"));
		ck_assert(!has_substr(r.items[i]->summary, "root:"));
		ck_assert(!has_substr(r.items[i]->text, "root:"));
	}
	ck_assert_str_eq(r.items[0]->title, "&xxe;");
	result_free(&r);
}
END_TEST

START_TEST(test_deep_nesting)
{
	size_t depth = 10000, i;
	char *doc, *p;
	struct result r = { 0 };

	doc = p = xmalloc(depth * 11 + 256);
	p += sprintf(p, "<rss version=\"2.0\"><channel><item><title>deep"
	    "</title><description>");
	for (i = 0; i < depth; i++, p += 5)
		memcpy(p, "<div>", 5);
	*p++ = 'x';
	for (i = 0; i < depth; i++, p += 6)
		memcpy(p, "</div>", 6);
	p += sprintf(p, "</description></item></channel></rss>");
	parse_mem(&r, doc, (size_t)(p - doc), NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->title, "deep");
	free(doc);
	result_free(&r);
}
END_TEST

START_TEST(test_field_cap)
{
	size_t n = 5u * 1024 * 1024, i;
	char *doc, *p;
	struct result r = { 0 };

	doc = p = xmalloc(n + 256);
	p += sprintf(p, "<rss version=\"2.0\"><channel><item><title>");
	for (i = 0; i < n; i++)
		*p++ = 'a' + (i % 26);
	p += sprintf(p, "</title></item></channel></rss>");
	parse_mem(&r, doc, (size_t)(p - doc), NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_uint_le(strlen(r.items[0]->title), 4u * 1024 * 1024);
	free(doc);
	result_free(&r);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("formats");
	TCase *th = tcase_create("hostile");

	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_bare_rss_is_rss20);
	tcase_add_test(tc, test_rss20_fields);
	tcase_add_test(tc, test_priority_ignores_order);
	tcase_add_test(tc, test_description_then_summary);
	tcase_add_test(tc, test_feed_level_category);
	tcase_add_test(tc, test_nested_title_is_not_the_items);
	tcase_add_test(tc, test_atom10_base_lang_types);
	tcase_add_test(tc, test_atom03_base64);
	tcase_add_test(tc, test_rss10_rdf);
	tcase_add_test(tc, test_html_entities);
	tcase_add_test(tc, test_declared_entity);
	tcase_add_test(tc, test_bare_ampersand);
	tcase_add_test(tc, test_truncated_is_bozo);
	tcase_add_test(tc, test_illformed_is_bozo);
	tcase_add_test(tc, test_not_a_feed);
	tcase_add_test(tc, test_callback_stops);
	suite_add_tcase(s, tc);

	tcase_add_test(th, test_billion_laughs);
	tcase_add_test(th, test_quadratic_blowup);
	tcase_add_test(th, test_xxe_reads_nothing);
	tcase_add_test(th, test_deep_nesting);
	tcase_add_test(th, test_field_cap);
	tcase_set_timeout(th, 60);
	suite_add_tcase(s, th);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
