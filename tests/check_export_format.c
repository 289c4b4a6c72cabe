#include <check.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "cmd.h"
#include "err.h"
#include "export_format.h"
#include "hash.h"
#include "parse.h"
#include "xmalloc.h"

#define REFERENCE	EXAMPLES_DIR "/ukrainian-news-article.txt"
#define REF_TITLE	"Blinken meets Zelensky in Kyiv to demonstrate " \
			"support amid escalation with Russia"
#define NAME_RE		"^[0-9]{8}T[0-9]{6}Z-[a-z0-9]+(-[a-z0-9]+)*-" \
			"[0-9a-f]{12}(\\.r[0-9]+)?\\.(txt|json)$"

static char *
slurp(const char *path, size_t *len)
{
	char ebuf[256], *data;
	size_t n;

	ck_assert_msg(cmd_read_file(path, 1 << 24, &data, &n, ebuf,
	    sizeof(ebuf)) == 0, "%s", ebuf);
	if (len != NULL)
		*len = n;
	return data;
}

/* The body of the reference file: what follows the first empty line after
 * the date line (title, empty, feed, author, date, empty, paragraphs). */
static char *
reference_paragraphs(void)
{
	char *ref = slurp(REFERENCE, NULL), *p = ref, *text;
	int lines = 0;

	while (lines < 6 && (p = strchr(p, '\n')) != NULL) {
		p++;
		lines++;
	}
	ck_assert_int_eq(lines, 6);
	text = xstrdup(p);
	text[strlen(text) - 1] = '\0';	/* the renderer adds the newline */
	free(ref);
	return text;
}

static struct article *
reference_article(void)
{
	struct article *a = article_new();

	a->id = xstrdup("ukranews-793512");
	a->guid = xstrdup("ukranews-793512");
	a->title = xstrdup(REF_TITLE);
	a->link = xstrdup("https://ukranews.example/en/news/"
	    "793512-blinken-meets-zelensky-in-kyiv");
	a->author = xstrdup("Canan Kevser");
	a->has_published = 1;
	a->published.utc = 1620302400;
	a->published.tzoff = 180;
	a->text = reference_paragraphs();
	a->content = xstrdup("<p>U.S. Secretary of State <a href=\"https://"
	    "ukranews.example/tags/antony-blinken\">Antony Blinken</a> "
	    "visited Kyiv</p>");
	article_add_category(a, "Politics");
	article_add_category(a, "Ukraine-USA");
	article_add_enclosure(a, "https://ukranews.example/img/793512.jpg",
	    "image/jpeg", 48213);
	return a;
}

static struct export_item
item_for(const struct article *a)
{
	struct export_item it;

	memset(&it, 0, sizeof(it));
	it.article = a;
	it.feed_title = "Ukrainian News";
	it.feed_url = "https://ukranews.example/en/rss/";
	it.identity = a->id;
	it.revision = 1;
	it.kind = EXPORT_KIND_NEW;
	return it;
}

START_TEST(test_text_reference_by_hand)
{
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	struct buf out = { 0 };
	size_t len;
	char *ref = slurp(REFERENCE, &len);

	ck_assert_int_eq(export_format_render(&it, EXPORT_FMT_TEXT, &out,
	    NULL, 0), 0);
	ck_assert_uint_eq(out.len, len);
	ck_assert_msg(memcmp(out.data, ref, len) == 0,
	    "text export differs from the reference");
	free(ref);
	buf_free(&out);
	article_free(a);
}
END_TEST

struct first_item {
	struct article	*a;
	char		*feed_title;
};

static int
keep_first(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct first_item *f = ctx;

	if (f->a != NULL) {
		article_free(a);
		return 0;
	}
	f->a = a;
	f->feed_title = xstrdup(feed->title);
	return 0;
}

/* The whole pure chain: each example format, parsed, then exported. */
START_TEST(test_text_reference_parsed)
{
	static const char *files[] = { "ukrainian-news.rss",
	    "ukrainian-news.atom", "ukrainian-news.json" };
	struct parse_opts o = { 0 };
	struct article_feed feed;
	struct first_item f = { 0 };
	struct export_item it;
	struct buf out = { 0 };
	char ebuf[256], *path, *data, *ref;
	size_t len, rlen;

	path = xasprintf("%s/%s", EXAMPLES_DIR, files[_i]);
	data = slurp(path, &len);
	ref = slurp(REFERENCE, &rlen);
	article_feed_init(&feed);
	ck_assert_msg(parse_document(data, len, &o, &feed, keep_first, &f,
	    ebuf, sizeof(ebuf)) == 0, "%s: %s", path, ebuf);
	ck_assert_ptr_nonnull(f.a);
	it = item_for(f.a);
	it.feed_title = f.feed_title;
	it.identity = f.a->id;
	ck_assert_int_eq(export_format_render(&it, EXPORT_FMT_TEXT, &out,
	    NULL, 0), 0);
	ck_assert_msg(out.len == rlen && memcmp(out.data, ref, rlen) == 0,
	    "%s exports to\n%s", files[_i], buf_str(&out));
	buf_free(&out);
	article_free(f.a);
	free(f.feed_title);
	article_feed_clear(&feed);
	free(ref);
	free(data);
	free(path);
}
END_TEST

static void
name_of(const struct export_item *it, enum export_format f, char *out,
    size_t n)
{
	struct buf b = { 0 };

	ck_assert_int_eq(export_format_filename(it, f, &b, NULL, 0), 0);
	snprintf(out, n, "%s", buf_str(&b));
	buf_free(&b);
}

START_TEST(test_filename_exact)
{
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	char name[512], want[512], hex[65];

	hash_sha256_hex("ukranews-793512", 15, hex);
	hex[12] = '\0';
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	snprintf(want, sizeof(want), "20210506T120000Z-ukrainian-news-%s.txt",
	    hex);
	ck_assert_str_eq(name, want);
	name_of(&it, EXPORT_FMT_JSON, name, sizeof(name));
	snprintf(want, sizeof(want), "20210506T120000Z-ukrainian-news-%s.json",
	    hex);
	ck_assert_str_eq(name, want);
	name_of(&it, EXPORT_FMT_MAILDIR, name, sizeof(name));
	snprintf(want, sizeof(want), "1620302400.%s.tidings", hex);
	ck_assert_str_eq(name, want);

	/* An update says so; the date stays, so versions sort together. */
	it.kind = EXPORT_KIND_UPDATE;
	it.revision = 3;
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	snprintf(want, sizeof(want),
	    "20210506T120000Z-ukrainian-news-%s.r3.txt", hex);
	ck_assert_str_eq(name, want);
	name_of(&it, EXPORT_FMT_MAILDIR, name, sizeof(name));
	snprintf(want, sizeof(want), "1620302400.%s.r3.tidings", hex);
	ck_assert_str_eq(name, want);

	/* The configured feed name wins over the title. */
	it.revision = 1;
	it.feed_name = "UkrNews";
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	snprintf(want, sizeof(want), "20210506T120000Z-ukrnews-%s.txt", hex);
	ck_assert_str_eq(name, want);

	/* Undated: first seen; neither: the epoch, never garbage. */
	a->has_published = 0;
	it.first_seen = 1700000000;	/* 2023-11-14T22:13:20Z */
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	ck_assert_int_eq(strncmp(name, "20231114T221320Z-", 17), 0);
	it.first_seen = 0;
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	ck_assert_int_eq(strncmp(name, "19700101T000000Z-", 17), 0);
	a->has_published = 1;
	a->published.utc = (int64_t)1 << 60;	/* clamped to year 9999 */
	name_of(&it, EXPORT_FMT_TEXT, name, sizeof(name));
	ck_assert_int_eq(strncmp(name, "99991231T235959Z-", 17), 0);
	article_free(a);
}
END_TEST

START_TEST(test_filename_stable_and_identity_only)
{
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	struct buf b = { 0 };
	char n1[512], n2[512], n3[512];

	name_of(&it, EXPORT_FMT_TEXT, n1, sizeof(n1));
	article_set(&a->title, "A completely different title");
	name_of(&it, EXPORT_FMT_TEXT, n2, sizeof(n2));
	ck_assert_str_eq(n1, n2);
	it.identity = "ukranews-793513";
	name_of(&it, EXPORT_FMT_TEXT, n3, sizeof(n3));
	ck_assert_str_ne(n1, n3);

	/* A duplicate through another feed gets a name of its own, and the
	 * same one every time; the same feed title does not matter. */
	it.identity = "ukranews-793512";
	it.kind = EXPORT_KIND_DUPLICATE;
	it.feed_url = "https://mirror.example/rss";
	name_of(&it, EXPORT_FMT_TEXT, n2, sizeof(n2));
	ck_assert_str_ne(n1, n2);
	ck_assert_int_eq(strncmp(n1, n2, 32), 0);	/* date and slug */
	name_of(&it, EXPORT_FMT_TEXT, n3, sizeof(n3));
	ck_assert_str_eq(n2, n3);
	it.feed_url = "https://other-mirror.example/rss";
	name_of(&it, EXPORT_FMT_TEXT, n3, sizeof(n3));
	ck_assert_str_ne(n2, n3);
	it.kind = EXPORT_KIND_NEW;

	it.identity = NULL;
	ck_assert_int_eq(export_format_filename(&it, EXPORT_FMT_TEXT, &b,
	    NULL, 0), ERR_INVALID);
	it.identity = "";
	ck_assert_int_eq(export_format_render(&it, EXPORT_FMT_TEXT, &b,
	    NULL, 0), ERR_INVALID);
	it.identity = "x";
	ck_assert_int_eq(export_format_filename(&it, EXPORT_FMT_EXEC, &b,
	    NULL, 0), ERR_INVALID);
	buf_free(&b);
	article_free(a);
}
END_TEST

START_TEST(test_slug)
{
	static const struct {
		const char *name, *title, *url, *want;
	} cases[] = {
		{ NULL, "Ukrainian News", NULL, "ukrainian-news" },
		{ "  My__Feed!! ", "x", NULL, "my-feed" },
		{ "../../etc/passwd", NULL, NULL, "etc-passwd" },
		{ ".hidden", NULL, NULL, "hidden" },
		{ "...", "?!*/\\", "https://www.Example.ORG:8080/feed",
		    "example-org" },
		{ NULL, "\xd0\xa3\xd0\xba\xd1\x80\xd0\xb0\xd1\x97"
		    "\xd0\xbd\xd0\xb0", "https://user@news.example.ua/rss",
		    "news-example-ua" },
		{ NULL, "\xe2\x80\xae" "txt.exe", NULL, "txt-exe" },
		{ NULL, "Caf\xc3\xa9 Society", NULL, "caf-society" },
		{ NULL, NULL, NULL, "feed" },
		{ "", "", "file:///", "feed" },
		{ NULL, "\xe6\x97\xa5\xe6\x9c\xac", "not a url", "not-a-url" },
	};
	struct export_item it;
	char slug[EXPORT_SLUG_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&it, 0, sizeof(it));
		it.feed_name = cases[i].name;
		it.feed_title = cases[i].title;
		it.feed_url = cases[i].url;
		export_format_slug(&it, slug, sizeof(slug));
		ck_assert_msg(strcmp(slug, cases[i].want) == 0,
		    "case %zu: got \"%s\", wanted \"%s\"", i, slug,
		    cases[i].want);
	}
	/* Cut at 40 bytes, and never on a trailing dash. */
	memset(&it, 0, sizeof(it));
	it.feed_title = "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddd eeeeeeeeee";
	export_format_slug(&it, slug, sizeof(slug));
	ck_assert_str_eq(slug, "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-ddddddd");
	it.feed_title = "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddd eeeeeeeeee";
	export_format_slug(&it, slug, sizeof(slug));
	ck_assert_str_eq(slug, "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddd");
}
END_TEST

START_TEST(test_filename_hostile)
{
	static const char *hostile[] = {
		"../../etc/passwd", "/etc/passwd", "..", ".", ".hidden",
		"a/b\\c", "line\nbreak\r\ttab\x01\x1b[31mred", "\xe2\x80\xae"
		"gpj.exe", "!!!???...", "---", "\xd0\x9d\xd0\xbe\xd0\xb2\xd0"
		"\xb8\xd0\xbd\xd0\xb8", "\xef\xbb\xbf" "bom", "CON", "a:b*c?d",
		"",
	};
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	char name[512], *big;
	regex_t re;
	size_t i, j, k;

	ck_assert_int_eq(regcomp(&re, NAME_RE, REG_EXTENDED | REG_NOSUB), 0);
	big = xmalloc(10241);
	for (k = 0; k < 10240; k++)
		big[k] = "../\n\xe2\x80\xae"[k % 8];
	big[10240] = '\0';
	for (i = 0; i <= sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *h = i < sizeof(hostile) / sizeof(hostile[0]) ?
		    hostile[i] : big;

		for (j = 0; j < 3; j++) {
			it.feed_name = j == 0 ? h : NULL;
			it.feed_title = j == 1 ? h : NULL;
			it.feed_url = j == 2 ? h : NULL;
			article_set(&a->title, h);
			it.identity = h[0] ? h : "x";
			it.revision = (int)j + 1;
			name_of(&it, j == 1 ? EXPORT_FMT_JSON : EXPORT_FMT_TEXT,
			    name, sizeof(name));
			ck_assert_msg(regexec(&re, name, 0, NULL, 0) == 0,
			    "hostile %zu/%zu gave \"%s\"", i, j, name);
			ck_assert_uint_le(strlen(name), 100);
			name_of(&it, EXPORT_FMT_MAILDIR, name, sizeof(name));
			ck_assert(strchr(name, '/') == NULL && name[0] != '.');
		}
	}
	regfree(&re);
	free(big);
	article_free(a);
}
END_TEST

START_TEST(test_rfc5322_date)
{
	struct buf b = { 0 };

	export_format_rfc5322_date(1620302400, 180, &b);
	ck_assert_str_eq(buf_str(&b), "Thu, 06 May 2021 15:00:00 +0300");
	buf_reset(&b);
	export_format_rfc5322_date(1620302400, -270, &b);
	ck_assert_str_eq(buf_str(&b), "Thu, 06 May 2021 07:30:00 -0430");
	buf_reset(&b);
	export_format_rfc5322_date(0, 0, &b);
	ck_assert_str_eq(buf_str(&b), "Thu, 01 Jan 1970 00:00:00 +0000");
	buf_free(&b);
}
END_TEST

START_TEST(test_rfc2047)
{
	struct buf b = { 0 };
	const char *p, *nl;
	size_t room;
	int lines = 0;

	export_format_rfc2047("Plain  ASCII\ttitle\n", 69, &b);
	ck_assert_str_eq(buf_str(&b), "Plain ASCII title");
	buf_reset(&b);
	/* Looks like an encoded word: must be encoded to stay literal. */
	export_format_rfc2047("=?UTF-8?B?eA==?=", 69, &b);
	ck_assert_str_eq(buf_str(&b), "=?UTF-8?B?PT9VVEYtOD9CP2VBPT0/PQ==?=");
	buf_reset(&b);
	export_format_rfc2047("\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2", 69, &b);
	ck_assert_str_eq(buf_str(&b), "=?UTF-8?B?0JrQuNGX0LI=?=");
	buf_reset(&b);
	/* Long values fold into lines of at most 78 characters. */
	export_format_rfc2047(REF_TITLE " " REF_TITLE " " REF_TITLE, 69, &b);
	for (p = buf_str(&b), room = 78 - 9; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		ck_assert_uint_le(nl ? (size_t)(nl - p) : strlen(p), room);
		if (nl)
			ck_assert_int_eq(nl[1], ' ');
		room = 78;
		lines++;
	}
	ck_assert_int_ge(lines, 4);
	buf_free(&b);
}
END_TEST

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Runs a checker from tests/data/export on data, with want as the
 * expectations, and fails the test with its output if it objects. */
static void
python_check(const char *script, const struct buf *data, json_t *want)
{
	char dir[] = "/tmp/check_export_format.XXXXXX", *p1, *p2, *cmd;
	char *w = json_dumps(want, 0);
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	p1 = xasprintf("%s/data", dir);
	p2 = xasprintf("%s/want.json", dir);
	write_file(p1, data->data, data->len);
	write_file(p2, w, strlen(w));
	cmd = xasprintf("python3 %s/export/%s %s %s >%s/out 2>&1",
	    TEST_DATADIR, script, p1, p2, dir);
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		char *out, *op = xasprintf("%s/out", dir);

		out = slurp(op, NULL);
		ck_abort_msg("%s: %s", script, out);
	}
	cmd = xasprintf("rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(p1);
	free(p2);
	free(w);
}

START_TEST(test_json_roundtrip)
{
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	static const char *tags[] = { "news", "\xd0\xa3\xd0\xba\xd1\x80" };
	struct buf out = { 0 }, again = { 0 };
	json_t *want;
	json_error_t jerr;
	json_t *doc;

	it.feed_name = "ukrnews";
	it.tags = tags;
	it.ntags = 2;
	it.revision = 2;
	it.kind = EXPORT_KIND_UPDATE;
	it.first_seen = 1620302500;
	article_set(&a->title, "\xd0\x91\xd0\xbb\xd1\x96\xd0\xbd\xd0\xba\xd0"
	    "\xb5\xd0\xbd \"quoted\" \\ \xe2\x80\xae");
	ck_assert_int_eq(export_format_render(&it, EXPORT_FMT_JSON, &out,
	    NULL, 0), 0);
	/* Same item, same bytes: what replays depend on. */
	ck_assert_int_eq(export_format_render(&it, EXPORT_FMT_JSON, &again,
	    NULL, 0), 0);
	ck_assert_str_eq(buf_str(&out), buf_str(&again));
	doc = json_loads(buf_str(&out), 0, &jerr);
	ck_assert_msg(doc != NULL, "%s", jerr.text);
	json_decref(doc);
	want = json_pack("{s:i, s:s, s:s, s:i, s:s, "
	    "s:{s:s, s:s, s:s, s:s, s:[s,s]}, "
	    "s:{s:s, s:s, s:s, s:s, s:s, s:[s,s], s:[{s:s,s:s,s:i}]}}",
	    "export_version", EXPORT_JSON_VERSION, "kind", "update",
	    "identity", "ukranews-793512", "revision", 2,
	    "first_seen", "2021-05-06T12:01:40Z",
	    "feed", "name", "ukrnews", "title", "Ukrainian News",
	    "url", "https://ukranews.example/en/rss/", "slug", "ukrnews",
	    "tags", "news", tags[1],
	    "article", "id", "ukranews-793512", "title", a->title,
	    "author", "Canan Kevser", "published", "2021-05-06T12:00:00Z",
	    "published_local", "2021-05-06T15:00:00+03:00",
	    "categories", "Politics", "Ukraine-USA",
	    "enclosures", "url", "https://ukranews.example/img/793512.jpg",
	    "type", "image/jpeg", "length", 48213);
	ck_assert_ptr_nonnull(want);
	json_object_set_new(json_object_get(want, "article"), "text",
	    json_string(a->text));
	python_check("check_json.py", &out, want);
	json_decref(want);
	buf_free(&out);
	buf_free(&again);
	article_free(a);
}
END_TEST

static void
mail_case(struct article *a, struct export_item *it, const char *from_name,
    const char *from_addr, const char *msgid, const char *date,
    const char *list_id)
{
	struct buf out = { 0 }, text = { 0 };
	json_t *want;

	ck_assert_int_eq(export_format_render(it, EXPORT_FMT_MAILDIR, &out,
	    NULL, 0), 0);
	export_format_text(it, &text);
	want = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}",
	    "subject", a->title ? a->title : "", "from_name", from_name,
	    "from_addr", from_addr, "message_id", msgid, "date", date,
	    "list_id", list_id, "text", buf_str(&text),
	    "html_contains", a->content ? a->content : "<body>");
	ck_assert_ptr_nonnull(want);
	if (a->link != NULL)
		json_object_set_new(want, "link", json_string(a->link));
	python_check("check_mail.py", &out, want);
	json_decref(want);
	buf_free(&text);
	buf_free(&out);
}

START_TEST(test_mail_parses)
{
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	char hex[65], msgid[128];
	char *long_title;
	size_t k;

	hash_sha256_hex("ukranews-793512", 15, hex);
	hex[32] = '\0';
	snprintf(msgid, sizeof(msgid), "<%s@tidings.invalid>", hex);
	mail_case(a, &it, "Canan Kevser", "ukrainian-news@tidings.invalid",
	    msgid, "Thu, 06 May 2021 15:00:00 +0300",
	    "\"Ukrainian News\" <ukrainian-news.tidings.invalid>");

	/* Non-ASCII everywhere, quotes in the name, an RTL override, a body
	 * line starting "From ", trailing blanks and '=' signs. */
	article_set(&a->title, "\xd0\x91\xd0\xbb\xd1\x96\xd0\xbd\xd0\xba\xd0"
	    "\xb5\xd0\xbd \xd1\x83 \xd0\x9a\xd0\xb8\xd1\x94\xd0\xb2\xd1\x96: "
	    "\xe2\x80\xae \"=?x?=\" \xf0\x9f\x98\x80");
	article_set(&a->author, "\xd0\x9a\xd0\xb0\xd0\xbd\xd0\xb0\xd0\xbd "
	    "\"K\"");
	article_set(&a->text, "From here on.  \n\nx = y =\t\n\n" "a\xc3\xa9"
	    "\xe2\x80\xae");
	it.revision = 2;
	it.kind = EXPORT_KIND_UPDATE;
	snprintf(msgid, sizeof(msgid), "<%s.r2@tidings.invalid>", hex);
	mail_case(a, &it, a->author, "ukrainian-news@tidings.invalid", msgid,
	    "Thu, 06 May 2021 15:00:00 +0300",
	    "\"Ukrainian News\" <ukrainian-news.tidings.invalid>");

	/* 10 KB of title, no author (the feed is the sender), no link, no
	 * content (the HTML part is the escaped text), no date. */
	long_title = xmalloc(10241);
	for (k = 0; k < 10240; k++)
		long_title[k] = "word \xd1\x97"[k % 7];
	long_title[10240 - (10240 % 7)] = '\0';
	article_set(&a->title, long_title);
	article_set(&a->author, NULL);
	article_set(&a->link, NULL);
	article_set(&a->content, NULL);
	a->has_published = 0;
	it.first_seen = 1620302400;
	it.feed_title = "\xd0\xa3\xd0\xba\xd1\x80\xd0\xb0\xd1\x97\xd0\xbd"
	    "\xd1\x81\xd1\x8c\xd0\xba\xd1\x96 \xd0\xbd\xd0\xbe\xd0\xb2\xd0"
	    "\xb8\xd0\xbd\xd0\xb8";
	it.revision = 1;
	snprintf(msgid, sizeof(msgid), "<%s@tidings.invalid>", hex);
	mail_case(a, &it, it.feed_title, "ukranews-example@tidings.invalid",
	    msgid, "Thu, 06 May 2021 12:00:00 +0000",
	    "\xd0\xa3\xd0\xba\xd1\x80\xd0\xb0\xd1\x97\xd0\xbd\xd1\x81\xd1\x8c"
	    "\xd0\xba\xd1\x96 \xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb8\xd0\xbd\xd0\xb8"
	    " <ukranews-example.tidings.invalid>");
	free(long_title);
	article_free(a);
}
END_TEST

/* Plain-text places get a plain-text title, and a link that is no safe
 * URL (javascript:, data:, vbscript:) goes into no header. */
START_TEST(test_mail_plain_title_and_safe_links)
{
	static const char *const bad[] = { "javascript:alert(1)",
	    " JaVa\tScript:alert(1)", "data:text/html,<script>x</script>",
	    "vbscript:msgbox" };
	struct article *a = reference_article();
	struct export_item it = item_for(a);
	struct buf out = { 0 };
	size_t i;

	article_set(&a->title, "<img src=\"x\" />Title <b>bold</b>");
	it.feed_title = "F <i>x</i>";
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		article_set(&a->link, bad[i]);
		buf_reset(&out);
		export_format_mail(&it, &out);
		ck_assert_msg(strstr(buf_str(&out), "\nSubject: Title bold\n") !=
		    NULL, "%s", buf_str(&out));
		ck_assert_msg(strstr(buf_str(&out), "Content-Base") == NULL &&
		    strstr(buf_str(&out), "X-Tidings-Link") == NULL,
		    "link %s in a header", bad[i]);
		ck_assert_msg(strstr(buf_str(&out), "\nList-Id: \"F x\" <") !=
		    NULL, "%s", buf_str(&out));
		/* quoted-printable: "=3D" is '=' */
		ck_assert_msg(strstr(buf_str(&out), "<title>Title bold</title>") !=
		    NULL, "%s", buf_str(&out));
	}
	buf_reset(&out);
	export_format_text(&it, &out);
	ck_assert_msg(strncmp(buf_str(&out), "Title bold\n\nF x\n", 16) == 0,
	    "%s", buf_str(&out));
	article_set(&a->link, "https://ukranews.example/x");
	buf_reset(&out);
	export_format_mail(&it, &out);
	ck_assert(strstr(buf_str(&out),
	    "\nContent-Base: https://ukranews.example/x\n") != NULL);
	buf_free(&out);
	article_free(a);
}
END_TEST

static Suite *
export_format_suite(void)
{
	Suite *s = suite_create("export_format");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_text_reference_by_hand);
	tcase_add_loop_test(tc, test_text_reference_parsed, 0, 3);
	tcase_add_test(tc, test_filename_exact);
	tcase_add_test(tc, test_filename_stable_and_identity_only);
	tcase_add_test(tc, test_slug);
	tcase_add_test(tc, test_filename_hostile);
	tcase_add_test(tc, test_rfc5322_date);
	tcase_add_test(tc, test_rfc2047);
	tcase_add_test(tc, test_json_roundtrip);
	tcase_add_test(tc, test_mail_parses);
	tcase_add_test(tc, test_mail_plain_title_and_safe_links);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(export_format_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
