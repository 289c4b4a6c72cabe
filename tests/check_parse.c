#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article.h"
#include "article_json.h"
#include "buf.h"
#include "err.h"
#include "jsonw.h"
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
	ck_assert_int_eq(a->has_comment_count, 1);
	ck_assert_int_eq(a->comment_count, 12);
	ck_assert_str_eq(a->language, "en-GB");
	/* the media:content is a video: no picture */
	ck_assert_ptr_null(a->image);
	ck_assert_int_eq(a->has_duration, 0);

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

START_TEST(test_declared_location_is_base)
{
	/* No document URL: rel="self" first, else the channel's link;
	 * xml:base still wins inside its element. */
	static const char self[] = "<rss version=\"2.0\" xmlns:atom="
	    "\"http://www.w3.org/2005/Atom\"><channel><link>http://site.example"
	    "/en/</link><atom:link rel=\"self\" href=\"http://feeds.example/a/"
	    "rss\"/><item><link>/p/1</link><description>&lt;a href=\"x/y\"&gt;"
	    "y&lt;/a&gt;</description></item><item xml:base=\"http://b.example/"
	    "\"><link>q</link></item></channel></rss>";
	static const char link[] = "<rss version=\"2.0\"><channel><link>"
	    "http://site.example/en/</link><item><link>p/1</link><description>"
	    "&lt;img src=\"/i.jpg\"&gt;</description></item></channel></rss>";
	struct result r = { 0 };

	parse_mem(&r, self, sizeof(self) - 1, NULL);
	ck_assert_uint_eq(r.nitems, 2);
	ck_assert_str_eq(r.items[0]->link, "http://feeds.example/p/1");
	ck_assert(has_substr(r.items[0]->summary,
	    "href=\"http://feeds.example/a/x/y\""));
	ck_assert_str_eq(r.items[1]->link, "http://b.example/q");
	result_free(&r);

	parse_mem(&r, link, sizeof(link) - 1, NULL);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_str_eq(r.items[0]->link, "http://site.example/en/p/1");
	ck_assert(has_substr(r.items[0]->summary,
	    "src=\"http://site.example/i.jpg\""));
	result_free(&r);

	/* the document's URL, when given, is the base */
	parse_mem(&r, link, sizeof(link) - 1, "http://doc.example/f/rss");
	ck_assert_str_eq(r.items[0]->link, "http://doc.example/f/p/1");
	result_free(&r);
}
END_TEST

START_TEST(test_feed_author_image_fallbacks)
{
	static const char rss[] = "<rss version=\"2.0\" xmlns:media="
	    "\"http://search.yahoo.com/mrss/\"><channel><link>http://s.example/"
	    "</link><webMaster>wm@s.example (Web Master)</webMaster>"
	    "<media:thumbnail url=\"/t.jpg\"/><item><media:thumbnail url="
	    "\"http://s.example/item.jpg\"/></item></channel></rss>";
	static const char better[] = "<rss version=\"2.0\" xmlns:media="
	    "\"http://search.yahoo.com/mrss/\"><channel><media:content "
	    "url=\"http://s.example/m.jpg\" medium=\"image\"/><webMaster>w"
	    "</webMaster><managingEditor>ed</managingEditor><image><url>"
	    "http://s.example/logo.png</url></image></channel></rss>";
	static const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom"
	    "\"><link href=\"http://a.example/\"/><icon>/favicon.ico</icon>"
	    "</feed>";
	struct result r = { 0 };

	parse_mem(&r, rss, sizeof(rss) - 1, NULL);
	ck_assert_str_eq(r.feed.author, "wm@s.example (Web Master)");
	ck_assert_str_eq(r.feed.image, "http://s.example/t.jpg");
	ck_assert_str_eq(r.items[0]->image, "http://s.example/item.jpg");
	result_free(&r);

	parse_mem(&r, better, sizeof(better) - 1, NULL);
	ck_assert_str_eq(r.feed.author, "ed");
	ck_assert_str_eq(r.feed.image, "http://s.example/logo.png");
	result_free(&r);

	parse_mem(&r, atom, sizeof(atom) - 1, NULL);
	ck_assert_str_eq(r.feed.image, "http://a.example/favicon.ico");
	result_free(&r);
}
END_TEST

/*
 * Shopify's product feeds nest <s:variant><title>Default Title</title>...
 * in every item: what an extension element holds is no field of the item
 * or the feed.  Every "wrong" value in the nested-*.xml files sits inside
 * such an element, so no field may hold one.
 */
static int
holds_wrong(const char *s)
{
	const char *p;

	if (s == NULL)
		return 0;
	for (p = s; *p; p++)
		if (strncasecmp(p, "wrong", 5) == 0 ||
		    strncmp(p, "1990", 4) == 0 || strncmp(p, "xx", 2) == 0)
			return 1;
	return 0;
}

static void
assert_nothing_nested(const struct result *r)
{
	const struct article_feed *f = &r->feed;
	size_t i, k;

	ck_assert_msg(!holds_wrong(f->title), "feed title %s", f->title);
	ck_assert_msg(!holds_wrong(f->link), "feed link %s", f->link);
	ck_assert_msg(!holds_wrong(f->description), "feed description %s",
	    f->description);
	ck_assert_msg(!holds_wrong(f->language), "feed language %s",
	    f->language);
	ck_assert_msg(!holds_wrong(f->author), "feed author %s", f->author);
	ck_assert_msg(!holds_wrong(f->image), "feed image %s", f->image);
	ck_assert_msg(!holds_wrong(f->generator), "feed generator %s",
	    f->generator);
	ck_assert_int_eq(f->ttl_minutes, 0);
	for (i = 0; i < r->nitems; i++) {
		const struct article *a = r->items[i];
		char d[40];

		ck_assert_msg(!holds_wrong(a->id), "%zu: id %s", i, a->id);
		ck_assert_msg(!holds_wrong(a->guid), "%zu: guid %s", i, a->guid);
		ck_assert_msg(a->guid == NULL ||
		    strstr(a->guid, "variant") == NULL, "%zu: guid %s", i,
		    a->guid);
		ck_assert_msg(!holds_wrong(a->link), "%zu: link %s", i, a->link);
		ck_assert_msg(a->title != NULL &&
		    strcmp(a->title, "Default Title") != 0, "%zu: title %s", i,
		    a->title);
		ck_assert_msg(!holds_wrong(a->author), "%zu: author %s", i,
		    a->author);
		ck_assert_msg(!holds_wrong(a->summary), "%zu: summary %s", i,
		    a->summary);
		ck_assert_msg(!holds_wrong(a->content), "%zu: content %s", i,
		    a->content);
		ck_assert_msg(!holds_wrong(a->text), "%zu: text %s", i, a->text);
		ck_assert_msg(!holds_wrong(a->comments), "%zu: comments %s", i,
		    a->comments);
		ck_assert_msg(!holds_wrong(a->language), "%zu: language %s", i,
		    a->language);
		ck_assert_msg(!holds_wrong(a->image), "%zu: image %s", i,
		    a->image);
		if (a->has_published) {
			date_format_utc(a->published.utc, d, sizeof(d));
			ck_assert_msg(!holds_wrong(d), "%zu: published %s", i, d);
		}
		if (a->has_updated) {
			date_format_utc(a->updated.utc, d, sizeof(d));
			ck_assert_msg(!holds_wrong(d), "%zu: updated %s", i, d);
		}
		for (k = 0; k < a->ncategories; k++)
			ck_assert_msg(!holds_wrong(a->categories[k]),
			    "%zu: category %s", i, a->categories[k]);
		ck_assert_msg(a->nenclosures == 0, "%zu: enclosure %s", i,
		    a->nenclosures ? a->enclosures[0].url : "");
		ck_assert_int_eq(a->has_duration, 0);
		ck_assert_int_eq(a->has_comment_count, 0);
	}
}

START_TEST(test_nested_extension_rss20)
{
	struct result r = { 0 };
	const struct article *a;

	parse_file(&r, "nested-rss20.xml", "http://shop.example/feed.rss");
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.bozo, 0);
	assert_nothing_nested(&r);
	ck_assert_str_eq(r.feed.title, "Shop");
	ck_assert_str_eq(r.feed.link, "http://shop.example/");
	ck_assert_str_eq(r.feed.description, "Products");
	ck_assert_int_eq(r.feed.has_updated, 0);
	/* an item inside an extension element of the channel still counts,
	 * as feedparser finds it */
	ck_assert_uint_eq(r.nitems, 3);
	a = r.items[0];
	ck_assert_str_eq(a->title, "Blue Shirt");
	ck_assert_str_eq(a->guid, "product-1");
	ck_assert_str_eq(a->id, "product-1");
	ck_assert_str_eq(a->link, "http://shop.example/products/blue-shirt");
	assert_utc(a->has_published, &a->published, "2024-01-02T10:00:00Z");
	ck_assert_int_eq(a->has_updated, 0);
	ck_assert_ptr_null(a->author);
	ck_assert_str_eq(a->summary, "A blue shirt");
	ck_assert_uint_eq(a->ncategories, 0);
	ck_assert_ptr_null(a->image);
	ck_assert_str_eq(r.items[1]->title, "Red Shirt");
	ck_assert_ptr_null(r.items[1]->guid);
	ck_assert_str_eq(r.items[1]->id,
	    "http://shop.example/products/red-shirt");
	ck_assert_str_eq(r.items[2]->title, "Wrapped item");
	result_free(&r);
}
END_TEST

START_TEST(test_nested_extension_rss10)
{
	struct result r = { 0 };
	const struct article *a;

	parse_file(&r, "nested-rss10.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.format, ARTICLE_FMT_RSS10);
	assert_nothing_nested(&r);
	ck_assert_str_eq(r.feed.title, "Shop");
	ck_assert_uint_eq(r.nitems, 2);
	a = r.items[0];
	ck_assert_str_eq(a->title, "Blue Shirt");
	ck_assert_str_eq(a->link, "http://shop.example/products/blue-shirt");
	assert_utc(a->has_updated, &a->updated, "2024-01-02T10:00:00Z");
	ck_assert_ptr_null(a->author);
	ck_assert_uint_eq(a->ncategories, 0);
	ck_assert_str_eq(a->summary, "A blue shirt");
	ck_assert_str_eq(r.items[1]->title, "Red Shirt");
	result_free(&r);
}
END_TEST

START_TEST(test_nested_extension_atom)
{
	struct result r = { 0 };
	const struct article *a;

	parse_file(&r, "nested-atom.xml", NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_int_eq(r.feed.format, ARTICLE_FMT_ATOM10);
	assert_nothing_nested(&r);
	ck_assert_str_eq(r.feed.title, "Shop");
	ck_assert_str_eq(r.feed.link, "https://shop.example/");
	ck_assert_ptr_null(r.feed.description);
	assert_utc(r.feed.has_updated, &r.feed.updated, "2024-01-02T10:00:00Z");
	ck_assert_uint_eq(r.nitems, 2);
	a = r.items[0];
	ck_assert_str_eq(a->title, "Blue Shirt");
	ck_assert_str_eq(a->guid, "https://shop.example/products/blue-shirt");
	ck_assert_str_eq(a->link, "https://shop.example/products/blue-shirt");
	assert_utc(a->has_published, &a->published, "2024-01-02T10:00:00Z");
	assert_utc(a->has_updated, &a->updated, "2024-01-03T10:00:00Z");
	ck_assert_str_eq(a->summary, "A blue shirt");
	ck_assert_ptr_null(a->author);
	ck_assert_uint_eq(a->ncategories, 0);
	ck_assert_str_eq(r.items[1]->title, "Red Shirt");
	ck_assert_str_eq(r.items[1]->guid,
	    "https://shop.example/products/red-shirt");
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

/* An Atom feed inside an XHTML page is found, and the result is bozo; an
 * HTML page with no Atom feed in it stays no feed, whatever it holds. */
START_TEST(test_feed_in_xhtml)
{
	static const char *pages[] = {
		/* a <feed> outside the Atom namespace: an HTML element */
		"<html><body><feed><entry><title>x</title></entry></feed>"
		"</body></html>",
		"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
		"<rss version=\"2.0\"><channel><item><title>x</title></item>"
		"</channel></rss></body></html>",
		"<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
		"<title>t</title></head><body><p>a<br>b &nbsp; c</body></html>",
		/* not a wrapper: the feed must sit inside <html> */
		"<div><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
		"<title>x</title></entry></feed></div>",
	};
	struct result r = { 0 };
	size_t i;

	parse_file(&r, "atom-in-xhtml.html", NULL);
	ck_assert_msg(r.rc == ERR_OK, "%s", r.ebuf);
	ck_assert_int_eq(r.feed.format, ARTICLE_FMT_ATOM10);
	ck_assert_str_eq(r.feed.title, "Wrapped blog");
	ck_assert_str_eq(r.feed.link, "http://blog.example/");
	ck_assert_int_eq(r.feed.bozo, 1);
	ck_assert_msg(has_substr(r.feed.bozo_message, "inside <html>"), "%s",
	    r.feed.bozo_message);
	ck_assert_uint_eq(r.nitems, 2);
	ck_assert_str_eq(r.items[0]->title, "First post");
	ck_assert_str_eq(r.items[0]->link, "http://blog.example/posts/1");
	ck_assert_str_eq(r.items[1]->title, "Second post");
	ck_assert_str_eq(r.items[1]->guid, "tag:blog.example,2024:2");
	result_free(&r);

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		parse_mem(&r, pages[i], strlen(pages[i]), NULL);
		ck_assert_msg(r.rc == ERR_PARSE, "page %zu parsed", i);
		ck_assert_msg(strncmp(r.ebuf, "not a feed: root element <", 26)
		    == 0, "page %zu: %s", i, r.ebuf);
		ck_assert_uint_eq(r.nitems, 0);
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

/* ------------------------------------------- media, itunes and slash */

START_TEST(test_media_image_sources)
{
	static const char *want[] = {
		"http://example.com/t/large.jpg",	/* widest thumbnail */
		"http://cdn.example.net/img/a.jpg",	/* first, xml:base */
		"http://example.com/p.png",		/* image/png content */
		"http://example.com/itunes.jpg",	/* over media:group */
		"http://example.com/group-thumb.jpg",	/* group: thumbnail */
		"https://example.com/safe.jpg",		/* javascript: gone */
		NULL,					/* nothing usable */
		"http://example.com/video-thumb.jpg",	/* order does not count */
	};
	struct result r = { 0 };
	size_t i;

	parse_file(&r, "media.xml", "http://example.com/feed.xml");
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_msg(!r.feed.bozo, "bozo: %s", r.feed.bozo_message);
	/* the channel's own picture is still the feed image */
	ck_assert_str_eq(r.feed.image, "http://example.com/cover.jpg");
	ck_assert_uint_eq(r.nitems, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < r.nitems; i++) {
		if (want[i] == NULL)
			ck_assert_msg(r.items[i]->image == NULL,
			    "item %zu: image %s", i, r.items[i]->image);
		else
			ck_assert_msg(r.items[i]->image != NULL &&
			    strcmp(r.items[i]->image, want[i]) == 0,
			    "item %zu: image %s, want %s", i,
			    r.items[i]->image ? r.items[i]->image : "(null)",
			    want[i]);
	}
	/* a picture is still an enclosure, as before */
	ck_assert_uint_eq(r.items[0]->nenclosures, 1);
	ck_assert_str_eq(r.items[0]->enclosures[0].url,
	    "http://example.com/photo.jpg");
	ck_assert_int_eq(r.items[0]->has_duration, 1);
	ck_assert_int_eq(r.items[0]->duration, 3723);
	ck_assert_int_eq(r.items[0]->has_comment_count, 1);
	ck_assert_int_eq(r.items[0]->comment_count, 42);
	/* channel-level values are not an item's */
	ck_assert_int_eq(r.items[1]->has_duration, 0);
	ck_assert_int_eq(r.items[1]->has_comment_count, 0);
	/* "1:60" and "many" are no numbers */
	ck_assert_int_eq(r.items[6]->has_duration, 0);
	ck_assert_int_eq(r.items[6]->has_comment_count, 0);
	result_free(&r);
}
END_TEST

/* One item with the given elements inside; its image, or NULL. */
static void
parse_item_with(struct result *r, const char *inner, const char *base)
{
	struct buf b = { 0 };

	buf_printf(&b, "<rss version=\"2.0\" "
	    "xmlns:media=\"http://search.yahoo.com/mrss/\" "
	    "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
	    "xmlns:slash=\"http://purl.org/rss/1.0/modules/slash/\">"
	    "<channel><title>t</title><item><title>i</title>%s</item>"
	    "</channel></rss>", inner);
	parse_mem(r, b.data, b.len, base);
	buf_free(&b);
	ck_assert_int_eq(r->rc, ERR_OK);
	ck_assert_uint_eq(r->nitems, 1);
}

/* Every URL field passes the scheme allowlist that links in content pass:
 * a javascript: (data:, vbscript:) link, comments page or enclosure is
 * dropped, a relative or http one stays. */
START_TEST(test_url_fields_allowlist)
{
	static const char *const bad[] = { "javascript:alert(1)",
	    " JaVa&#9;Script:alert(1)", "data:text/html,x", "vbscript:x" };
	struct result r = { 0 };
	struct buf b = { 0 };
	size_t i, k, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		buf_printf(&b, "<guid>g</guid><link>%s</link>"
		    "<comments>%s</comments>"
		    "<enclosure url=\"%s\" type=\"audio/mpeg\" length=\"1\"/>"
		    "<enclosure url=\"/ok.mp3\" type=\"audio/mpeg\"/>",
		    bad[i], bad[i], bad[i]);
		parse_item_with(&r, buf_str(&b), "http://e.example/feed");
		/* (a tab makes " JaVa\tScript:" no scheme: it resolves as a
		 * relative path, to an http URL, which is harmless) */
		ck_assert_msg(r.items[0]->link == NULL ||
		    strncmp(r.items[0]->link, "http://e.example/", 17) == 0,
		    "link %s kept: %s", bad[i], r.items[0]->link);
		ck_assert_msg(r.items[0]->comments == NULL ||
		    strncmp(r.items[0]->comments, "http://e.example/", 17) == 0,
		    "comments %s kept: %s", bad[i], r.items[0]->comments);
		n = r.items[0]->nenclosures;
		ck_assert_uint_ge(n, 1);
		for (k = 0; k < n; k++)
			ck_assert_msg(strncmp(r.items[0]->enclosures[k].url,
			    "http://e.example/", 17) == 0, "enclosure %s",
			    r.items[0]->enclosures[k].url);
		ck_assert_str_eq(r.items[0]->enclosures[n - 1].url,
		    "http://e.example/ok.mp3");
		result_free(&r);
	}
	/* Without a base nothing resolves: the raw values are checked. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		buf_printf(&b, "<guid>g</guid><link>%s</link>"
		    "<comments>%s</comments>", bad[i], bad[i]);
		parse_item_with(&r, buf_str(&b), NULL);
		ck_assert_msg(r.items[0]->link == NULL, "link %s kept: %s",
		    bad[i], r.items[0]->link);
		ck_assert_ptr_null(r.items[0]->comments);
		result_free(&r);
	}
	/* JSON Feed too. */
	buf_reset(&b);
	buf_puts(&b, "{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"title\": \"j\", \"items\": [{\"id\": \"1\", \"url\": "
	    "\"javascript:alert(1)\", \"external_url\": \"javascript:x\", "
	    "\"attachments\": [{\"url\": \"javascript:y\", \"mime_type\": "
	    "\"audio/mpeg\"}]}]}");
	parse_mem(&r, b.data, b.len, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 1);
	ck_assert_ptr_null(r.items[0]->link);
	ck_assert_uint_eq(r.items[0]->nenclosures, 0);
	result_free(&r);
	/* Relative, http and other harmless schemes stay. */
	parse_item_with(&r, "<link>/a</link><comments>https://c.example/"
	    "</comments><enclosure url=\"magnet:?xt=1\" type=\"a/b\"/>",
	    "http://e.example/feed");
	ck_assert_str_eq(r.items[0]->link, "http://e.example/a");
	ck_assert_str_eq(r.items[0]->comments, "https://c.example/");
	ck_assert_uint_eq(r.items[0]->nenclosures, 1);
	result_free(&r);
	buf_free(&b);
}
END_TEST

/* Each source against the next one down, in both document orders. */
START_TEST(test_media_image_priority)
{
	static const char *rank[] = {
		"<media:thumbnail url=\"http://e.com/1\"/>",
		"<media:content url=\"http://e.com/2\" medium=\"image\"/>",
		"<itunes:image href=\"http://e.com/3\"/>",
		"<media:group><media:thumbnail url=\"http://e.com/4\"/>"
		    "</media:group>",
		"<media:group><media:content url=\"http://e.com/5\" "
		    "type=\"image/jpeg\"/></media:group>",
	};
	struct result r = { 0 };
	char want[32], both[512];
	size_t i, j, n = sizeof(rank) / sizeof(rank[0]);

	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "http://e.com/%zu", i + 1);
		parse_item_with(&r, rank[i], NULL);
		ck_assert_msg(r.items[0]->image != NULL &&
		    strcmp(r.items[0]->image, want) == 0, "alone: %zu", i);
		result_free(&r);
		for (j = i + 1; j < n; j++) {
			snprintf(both, sizeof(both), "%s%s", rank[j], rank[i]);
			parse_item_with(&r, both, NULL);
			ck_assert_msg(r.items[0]->image != NULL &&
			    strcmp(r.items[0]->image, want) == 0,
			    "%zu after %zu: %s", i, j, r.items[0]->image);
			result_free(&r);
			snprintf(both, sizeof(both), "%s%s", rank[i], rank[j]);
			parse_item_with(&r, both, NULL);
			ck_assert_msg(r.items[0]->image != NULL &&
			    strcmp(r.items[0]->image, want) == 0,
			    "%zu before %zu: %s", i, j, r.items[0]->image);
			result_free(&r);
		}
	}
}
END_TEST

/* A relative picture is resolved against the document's URL; without
 * one it has no scheme, so it is no picture; only http(s) ones are. */
START_TEST(test_media_image_urls)
{
	struct result r = { 0 };

	parse_item_with(&r, "<media:thumbnail url=\" ../img/x.jpg \"/>",
	    "https://example.com/a/feed.xml");
	ck_assert_str_eq(r.items[0]->image, "https://example.com/img/x.jpg");
	result_free(&r);

	parse_item_with(&r, "<media:thumbnail url=\"../img/x.jpg\"/>", NULL);
	ck_assert_ptr_null(r.items[0]->image);
	result_free(&r);

	parse_item_with(&r, "<media:thumbnail url=\"javascript:alert(1)\"/>",
	    "https://example.com/");
	ck_assert_ptr_null(r.items[0]->image);
	result_free(&r);

	parse_item_with(&r, "<media:thumbnail url=\"ftp://e.com/x.jpg\"/>"
	    "<itunes:image href=\"/i.jpg\"/>", "http://example.com/f");
	ck_assert_str_eq(r.items[0]->image, "http://example.com/i.jpg");
	result_free(&r);

	/* itunes:link rel="image" is itunes:image; another rel is not */
	parse_item_with(&r, "<itunes:link rel=\"video\" "
	    "href=\"http://e.com/v\"/><itunes:link rel=\"image\" "
	    "href=\"http://e.com/i\"/>", NULL);
	ck_assert_str_eq(r.items[0]->image, "http://e.com/i");
	result_free(&r);

	/* an enclosure that is a picture stays an enclosure only */
	parse_item_with(&r, "<enclosure url=\"http://e.com/p.jpg\" "
	    "type=\"image/jpeg\"/>", NULL);
	ck_assert_ptr_null(r.items[0]->image);
	result_free(&r);
}
END_TEST

START_TEST(test_itunes_duration)
{
	static const struct {
		const char	*text;
		long long	 secs;	/* -1: none */
	} cases[] = {
		{ "45", 45 },
		{ "0", 0 },
		{ "3600", 3600 },
		{ "05:30", 330 },
		{ "5:30", 330 },
		{ "90:00", 5400 },
		{ "1:02:03", 3723 },
		{ "01:02:03", 3723 },
		{ "1:2:3", 3723 },
		{ "01:02:03.75", 3723 },
		{ "59.999", 59 },
		{ "1:05.5", 65 },
		{ " \n 12:00 \t", 720 },
		{ "123456789", 123456789 },
		{ "", -1 },
		{ "1:60", -1 },
		{ "1:60:00", -1 },
		{ "1:02:03:04", -1 },
		{ "1:002", -1 },
		{ ":30", -1 },
		{ "1:", -1 },
		{ "1::2", -1 },
		{ "12.", -1 },
		{ ".5", -1 },
		{ "1.5:00", -1 },
		{ "1:02.5.3", -1 },
		{ "-5", -1 },
		{ "+5", -1 },
		{ "PT1H", -1 },
		{ "1 h", -1 },
		{ "1 : 30", -1 },
		{ "1,5", -1 },
		{ "1234567890", -1 },	/* more digits than we trust */
		{ "99999999999999999999", -1 },
		{ "0x10", -1 },
	};
	struct result r = { 0 };
	char inner[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(inner, sizeof(inner),
		    "<itunes:duration>%s</itunes:duration>", cases[i].text);
		parse_item_with(&r, inner, NULL);
		if (cases[i].secs < 0)
			ck_assert_msg(!r.items[0]->has_duration,
			    "\"%s\" gave %lld", cases[i].text,
			    r.items[0]->duration);
		else {
			ck_assert_msg(r.items[0]->has_duration,
			    "\"%s\" gave none", cases[i].text);
			ck_assert_msg(r.items[0]->duration == cases[i].secs,
			    "\"%s\" gave %lld", cases[i].text,
			    r.items[0]->duration);
		}
		result_free(&r);
	}
	/* a bad one does not hide a good one */
	parse_item_with(&r, "<itunes:duration>1:30</itunes:duration>"
	    "<itunes:duration>soon</itunes:duration>", NULL);
	ck_assert_int_eq(r.items[0]->has_duration, 1);
	ck_assert_int_eq(r.items[0]->duration, 90);
	result_free(&r);
}
END_TEST

START_TEST(test_comment_count)
{
	static const char atom[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xmlns:thr=\"http://purl.org/syndication/thread/1.0\">"
	    "<title>a</title><entry><title>e</title><thr:total>7</thr:total>"
	    "</entry><entry><title>f</title><thr:total>x</thr:total></entry>"
	    "</feed>";
	struct result r = { 0 };

	parse_item_with(&r, "<slash:comments>0</slash:comments>", NULL);
	ck_assert_int_eq(r.items[0]->has_comment_count, 1);
	ck_assert_int_eq(r.items[0]->comment_count, 0);
	result_free(&r);

	parse_item_with(&r, "<slash:comments>-3</slash:comments>", NULL);
	ck_assert_int_eq(r.items[0]->has_comment_count, 0);
	result_free(&r);

	parse_item_with(&r, "<slash:comments>12 comments</slash:comments>",
	    NULL);
	ck_assert_int_eq(r.items[0]->has_comment_count, 0);
	result_free(&r);

	parse_item_with(&r, "<slash:comments>1234567890123456789"
	    "</slash:comments>", NULL);
	ck_assert_int_eq(r.items[0]->has_comment_count, 0);
	result_free(&r);

	/* slash:comments (2) beats thr:total (1) in either order */
	parse_item_with(&r, "<thr:total xmlns:thr=\"http://purl.org/"
	    "syndication/thread/1.0\">9</thr:total><slash:comments>3"
	    "</slash:comments><thr:total xmlns:thr=\"http://purl.org/"
	    "syndication/thread/1.0\">8</thr:total>", NULL);
	ck_assert_int_eq(r.items[0]->has_comment_count, 1);
	ck_assert_int_eq(r.items[0]->comment_count, 3);
	result_free(&r);

	parse_mem(&r, atom, sizeof(atom) - 1, NULL);
	ck_assert_int_eq(r.rc, ERR_OK);
	ck_assert_uint_eq(r.nitems, 2);
	ck_assert_int_eq(r.items[0]->has_comment_count, 1);
	ck_assert_int_eq(r.items[0]->comment_count, 7);
	ck_assert_int_eq(r.items[1]->has_comment_count, 0);
	result_free(&r);
}
END_TEST

/* The new keys come after the old ones, null when absent, the same from
 * the streaming writer and from jansson. */
static char *
item_json_both_ways(const struct article *a)
{
	char *bytes = NULL, *want;
	size_t len = 0;
	FILE *fp = open_memstream(&bytes, &len);
	struct jsonw *w = xmalloc(sizeof(*w));
	json_t *j;

	ck_assert_ptr_nonnull(fp);
	jsonw_init(w, fp);
	article_json_write_item(w, a);
	ck_assert_int_eq(jsonw_flush(w), 0);
	fclose(fp);
	free(w);
	j = article_json_item(a);
	want = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	ck_assert_str_eq(bytes, want);
	free(want);
	return bytes;
}

START_TEST(test_media_json)
{
	struct article *a = article_new();
	char *s;

	a->language = xstrdup("en");
	s = item_json_both_ways(a);
	ck_assert_ptr_nonnull(strstr(s, "\"language\":\"en\",\"image\":null,"
	    "\"duration\":null,\"comment_count\":null}"));
	free(s);
	a->image = xstrdup("https://e.com/\"p\".jpg");
	a->has_duration = 1;
	a->duration = 3723;
	a->has_comment_count = 1;
	a->comment_count = 0;
	s = item_json_both_ways(a);
	ck_assert_ptr_nonnull(strstr(s, "\"language\":\"en\","
	    "\"image\":\"https://e.com/\\\"p\\\".jpg\",\"duration\":3723,"
	    "\"comment_count\":0}"));
	free(s);
	article_free(a);
}
END_TEST

/*
 * The pipelined parse (o.pipeline) against the sequential one: the items
 * that reach the callback, as JSON bytes, their order, the return code,
 * the error message and the feed must be the same.
 */
struct written {
	FILE		*fp;
	char		*bytes;
	size_t		 len;
	struct jsonw	 w;
	size_t		 nitems;
	size_t		 stop_after;	/* return 9 after this many */
	long		 last;		/* the number in the last title */
	int		 out_of_order;
	int		 null_feed;
	int		 other_thread;	/* called off the parsing thread */
	int		 signals_open;	/* ... by a thread taking SIGTERM */
	pthread_t	 caller;
	int		 rc;
	char		 ebuf[256];
	struct article_feed feed;
};

static int
write_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct written *wr = ctx;
	long k = -1;

	if (feed == NULL)
		wr->null_feed = 1;
	if (!pthread_equal(pthread_self(), wr->caller)) {
		sigset_t cur;

		wr->other_thread = 1;
		pthread_sigmask(SIG_BLOCK, NULL, &cur);
		if (!sigismember(&cur, SIGTERM) || !sigismember(&cur, SIGHUP))
			wr->signals_open = 1;
	}
	if (a->title != NULL && sscanf(a->title, "item %ld", &k) == 1) {
		if (k <= wr->last)
			wr->out_of_order = 1;
		wr->last = k;
	}
	article_json_write_item(&wr->w, a);
	article_free(a);
	wr->nitems++;
	return wr->stop_after > 0 && wr->nitems == wr->stop_after ? 9 : 0;
}

static void
parse_written(struct written *wr, const char *doc, size_t len,
    int pipeline, size_t stop_after)
{
	struct parse_opts o = { 0 };

	memset(wr, 0, sizeof(*wr));
	wr->fp = open_memstream(&wr->bytes, &wr->len);
	ck_assert_ptr_nonnull(wr->fp);
	wr->stop_after = stop_after;
	wr->last = -1;
	wr->caller = pthread_self();
	o.base_url = "http://example.org/feeds/";
	o.pipeline = pipeline;
	article_feed_init(&wr->feed);
	jsonw_init(&wr->w, wr->fp);
	jsonw_array_begin(&wr->w);
	wr->rc = parse_document(doc, len, &o, &wr->feed, write_item, wr,
	    wr->ebuf, sizeof(wr->ebuf));
	jsonw_array_end(&wr->w);
	if (wr->rc == ERR_OK)
		article_json_write_feed(&wr->w, &wr->feed);
	ck_assert_int_eq(jsonw_flush(&wr->w), 0);
	fclose(wr->fp);
	article_feed_clear(&wr->feed);
}

/* Runs both ways and compares; returns the sequential item count. */
static size_t
same_both_ways(const char *doc, size_t len, size_t stop_after, int *rc)
{
	struct written seq, pipe;
	size_t n;

	parse_written(&seq, doc, len, 0, stop_after);
	parse_written(&pipe, doc, len, PARSE_PIPE_ALWAYS, stop_after);
	ck_assert_int_eq(pipe.rc, seq.rc);
	ck_assert_str_eq(pipe.ebuf, seq.ebuf);
	ck_assert_uint_eq(pipe.nitems, seq.nitems);
	ck_assert_uint_eq(pipe.len, seq.len);
	ck_assert_msg(memcmp(pipe.bytes, seq.bytes, seq.len) == 0,
	    "pipelined output differs from the sequential one");
	ck_assert_int_eq(seq.out_of_order, 0);
	ck_assert_int_eq(pipe.out_of_order, 0);
	ck_assert_int_eq(seq.null_feed, 0);
	ck_assert_int_eq(seq.other_thread, 0);
	if (pipe.nitems > 0) {
		/* or the test would not be testing the pipeline */
		ck_assert_int_eq(pipe.null_feed, 1);
		ck_assert_int_eq(pipe.other_thread, 1);
		/* signals stay with the caller (thread.h) */
		ck_assert_int_eq(pipe.signals_open, 0);
	}
	*rc = seq.rc;
	n = seq.nitems;
	free(seq.bytes);
	free(pipe.bytes);
	return n;
}

/* An RSS feed of n varied items: HTML and plain content, summaries only,
 * a content that is empty, entities, mojibake fix_text repairs, links to
 * resolve and clean, no guid (the id is then hashed). */
static char *
many_items(size_t n, size_t *len)
{
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\" "
	    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	    "xmlns:media=\"http://search.yahoo.com/mrss/\" "
	    "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
	    "xmlns:slash=\"http://purl.org/rss/1.0/modules/slash/\"><channel>"
	    "<title>Many</title><link>http://example.org/</link>"
	    "<language>uk</language>\n");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "<item><title>item %zu &amp; more</title>", i);
		if (i % 7 != 3)
			buf_printf(&b, "<link>/story/%zu?utm_source=rss&amp;"
			    "x=%zu</link>", i, i);
		if (i % 5 == 0)
			buf_printf(&b, "<guid>g-%zu</guid>", i);
		buf_printf(&b, "<pubDate>Thu, %02zu May 2021 10:00:00 +0300"
		    "</pubDate>", 1 + i % 28);
		if (i % 4 == 1)
			buf_printf(&b, "<media:thumbnail url=\"/th/%zu.jpg\" "
			    "width=\"%zu\"/><itunes:duration>%zu:%02zu"
			    "</itunes:duration><slash:comments>%zu"
			    "</slash:comments>", i, i, i / 60, i % 60, i);
		switch (i % 6) {
		case 0:
			buf_printf(&b, "<description>&lt;p&gt;Summary %zu "
			    "&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;"
			    "</description><content:encoded><![CDATA[<p>Body "
			    "<a href=\"/t/%zu?utm_medium=x\" onclick=\"y\">"
			    "tag</a> caf\xc3\x83\xc2\xa9</p><img src=\"i.jpg\">"
			    "]]></content:encoded>", i, i);
			break;
		case 1:
			buf_printf(&b, "<description>Plain summary %zu, "
			    "\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2</description>", i);
			break;
		case 2:
			buf_printf(&b, "<description><![CDATA[<b>bold</b> "
			    "%zu <style>p{}</style>]]></description>", i);
			break;
		case 3:
			buf_printf(&b, "<content:encoded><![CDATA[<div><p>"
			    "only content %zu</p>\xc2\x93q\xc2\x94</div>]]>"
			    "</content:encoded>", i);
			break;
		case 4:
			buf_printf(&b, "<content:encoded></content:encoded>"
			    "<description>&lt;i&gt;after empty %zu&lt;/i&gt;"
			    "</description>", i);
			break;
		default:
			buf_printf(&b, "<description>first %zu</description>"
			    "<description>&lt;em&gt;second&lt;/em&gt;"
			    "</description><dc:creator>A. N. Author"
			    "</dc:creator>", i);
			break;
		}
		buf_puts(&b, "</item>\n");
	}
	buf_puts(&b, "<ttl>60</ttl></channel></rss>\n");
	*len = b.len;
	return buf_detach(&b);
}

START_TEST(test_pipeline_same_bytes)
{
	struct written pipe;
	size_t len;
	char *doc = many_items(3000, &len);
	int rc;

	ck_assert_uint_eq(same_both_ways(doc, len, 0, &rc), 3000);
	ck_assert_int_eq(rc, ERR_OK);
	/* the media fields made it through the second thread */
	parse_written(&pipe, doc, len, PARSE_PIPE_ALWAYS, 0);
	ck_assert_ptr_nonnull(strstr(pipe.bytes, "\"language\":\"uk\","
	    "\"image\":\"http://example.org/th/2997.jpg\",\"duration\":2997,"
	    "\"comment_count\":2997}"));
	free(pipe.bytes);
	free(doc);
}
END_TEST

/* PARSE_PIPE_AUTO leaves a small document on the calling thread and
 * hands a big one's items to the second, with the same bytes. */
START_TEST(test_pipeline_auto_by_size)
{
	struct written seq, pipe;
	size_t len, n;
	char *doc;

	for (n = 50; n <= 5000; n *= 100) {
		doc = many_items(n, &len);
		parse_written(&seq, doc, len, 0, 0);
		parse_written(&pipe, doc, len, PARSE_PIPE_AUTO, 0);
		ck_assert_uint_eq(pipe.nitems, n);
		ck_assert_uint_eq(pipe.len, seq.len);
		ck_assert(memcmp(pipe.bytes, seq.bytes, seq.len) == 0);
		ck_assert_int_eq(pipe.other_thread, len >= PARSE_PIPE_MIN);
		ck_assert_int_eq(pipe.null_feed, len >= PARSE_PIPE_MIN);
		free(seq.bytes);
		free(pipe.bytes);
		free(doc);
	}
}
END_TEST

START_TEST(test_pipeline_atom_same_bytes)
{
	size_t len;
	char *doc = slurp("atom10.xml", &len);
	int rc;

	ck_assert_uint_gt(same_both_ways(doc, len, 0, &rc), 0);
	ck_assert_int_eq(rc, ERR_OK);
	free(doc);
}
END_TEST

/* Cut at many points, mid-item included: the same partial items, the
 * same bozo feed. */
START_TEST(test_pipeline_truncated)
{
	size_t len, cut, n, last = 0;
	char *doc = many_items(200, &len);
	int rc;

	for (cut = 200; cut < len; cut += len / 37) {
		n = same_both_ways(doc, cut, 0, &rc);
		ck_assert_uint_ge(n, last);
		last = n;
	}
	ck_assert_uint_gt(last, 100);
	free(doc);
}
END_TEST

/* Garbage in the middle: the parse recovers or stops the same way. */
START_TEST(test_pipeline_error_mid_document)
{
	static const char junk[] = "<<&\x01</channel>]]>";
	size_t len;
	char *doc = many_items(300, &len);
	int rc;

	memcpy(doc + len / 2, junk, sizeof(junk) - 1);
	ck_assert_uint_gt(same_both_ways(doc, len, 0, &rc), 100);
	free(doc);
}
END_TEST

/* A callback that says stop: no item after it reaches the callback, and
 * parse_document returns what the callback returned, both ways. */
START_TEST(test_pipeline_callback_stops)
{
	size_t len, stops[] = { 1, 2, 7, 8, 9, 64, 65, 500, 1999 }, i;
	char *doc = many_items(2000, &len);
	int rc;

	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		ck_assert_uint_eq(same_both_ways(doc, len, stops[i], &rc),
		    stops[i]);
		ck_assert_int_eq(rc, 9);
	}
	free(doc);
}
END_TEST

/*
 * A feed of 64 KB or more whose CDATA sections all read plainly has
 * libxml2 parse stand-ins for their content (parse_xml.c, cdata_scan);
 * a DOCTYPE makes the same document take the plain way.  Both must give
 * the same bytes, bozo line included, whatever the CDATA holds.
 */
static char *
cdata_feed(size_t n, int doctype, size_t *len)
{
	struct buf b = { 0 };
	size_t i;

	buf_printf(&b, "<?xml version=\"1.0\"?>%s\n<rss version=\"2.0\" "
	    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
	    "<channel><title>C</title>\n<!-- <![CDATA[ not one ]]> -->\n",
	    doctype ? "<!DOCTYPE rss>" : "");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "<item><title>item %zu <![CDATA[<b>&amp;"
		    "</b>]]> tail</title>\n<description><![CDATA[]]>"
		    "</description>\n<content:encoded><![CDATA[<p>line one"
		    "\r\nline two ]] ] > %zu</p>\n\n<p>caf\xc3\xa9 "
		    "\xef\xbf\xbd</p>]]><![CDATA[<i>second</i>\n]]>"
		    "</content:encoded></item>\n", i, i);
	}
	buf_puts(&b, "</channel><broken></rss>\n");
	*len = b.len;
	return buf_detach(&b);
}

START_TEST(test_cdata_standins_same_bytes)
{
	struct written plain, fast;
	size_t len, plen;
	char *doc = cdata_feed(400, 0, &len);
	char *pdoc = cdata_feed(400, 1, &plen);

	ck_assert_uint_ge(len, 64 * 1024);
	parse_written(&fast, doc, len, 0, 0);
	parse_written(&plain, pdoc, plen, 0, 0);
	ck_assert_int_eq(fast.rc, plain.rc);
	ck_assert_uint_eq(fast.nitems, 400);
	ck_assert_uint_eq(fast.len, plain.len);
	ck_assert_msg(memcmp(fast.bytes, plain.bytes, plain.len) == 0,
	    "CDATA stand-ins change the output");
	/* the broken end is reported at its line, counted through CDATA */
	ck_assert_ptr_nonnull(strstr(fast.bytes, "\"line 2804: "));
	free(fast.bytes);
	free(plain.bytes);
	free(doc);
	free(pdoc);
}
END_TEST

static Suite *
parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("formats");
	TCase *th = tcase_create("hostile");
	TCase *tp = tcase_create("pipeline");

	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_bare_rss_is_rss20);
	tcase_add_test(tc, test_rss20_fields);
	tcase_add_test(tc, test_priority_ignores_order);
	tcase_add_test(tc, test_description_then_summary);
	tcase_add_test(tc, test_feed_level_category);
	tcase_add_test(tc, test_nested_title_is_not_the_items);
	tcase_add_test(tc, test_declared_location_is_base);
	tcase_add_test(tc, test_feed_author_image_fallbacks);
	tcase_add_test(tc, test_nested_extension_rss20);
	tcase_add_test(tc, test_nested_extension_rss10);
	tcase_add_test(tc, test_nested_extension_atom);
	tcase_add_test(tc, test_atom10_base_lang_types);
	tcase_add_test(tc, test_atom03_base64);
	tcase_add_test(tc, test_rss10_rdf);
	tcase_add_test(tc, test_html_entities);
	tcase_add_test(tc, test_declared_entity);
	tcase_add_test(tc, test_bare_ampersand);
	tcase_add_test(tc, test_truncated_is_bozo);
	tcase_add_test(tc, test_illformed_is_bozo);
	tcase_add_test(tc, test_not_a_feed);
	tcase_add_test(tc, test_feed_in_xhtml);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_media_image_sources);
	tcase_add_test(tc, test_media_image_priority);
	tcase_add_test(tc, test_url_fields_allowlist);
	tcase_add_test(tc, test_media_image_urls);
	tcase_add_test(tc, test_itunes_duration);
	tcase_add_test(tc, test_comment_count);
	tcase_add_test(tc, test_media_json);
	suite_add_tcase(s, tc);

	tcase_add_test(tp, test_pipeline_same_bytes);
	tcase_add_test(tp, test_pipeline_atom_same_bytes);
	tcase_add_test(tp, test_pipeline_auto_by_size);
	tcase_add_test(tp, test_cdata_standins_same_bytes);
	tcase_add_test(tp, test_pipeline_truncated);
	tcase_add_test(tp, test_pipeline_error_mid_document);
	tcase_add_test(tp, test_pipeline_callback_stops);
	tcase_set_timeout(tp, 120);
	suite_add_tcase(s, tp);

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
