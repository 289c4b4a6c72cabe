#include <check.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "extract.h"

#include "testutil.h"

static char *
article_body(void)
{
	char *s = testutil_slurp(EXAMPLES_DIR "/ukrainian-news-article.txt", NULL);
	char *p = s, *body;
	size_t n;
	int line;

	for (line = 0; line < 6; line++) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	body = strdup(p);
	n = strlen(body);
	while (n > 0 && body[n - 1] == '\n')
		body[--n] = '\0';
	free(s);
	return body;
}

static void
run(const char *page, size_t len, const char *url, const char *cs,
    struct extract_result *r)
{
	char ebuf[256];

	ck_assert_int_eq(extract_page(page, len, url, cs, r, ebuf,
	    sizeof(ebuf)), 0);
}

static void
run_s(const char *page, struct extract_result *r)
{
	run(page, strlen(page), "http://example.org/a/page.html", NULL, r);
}

/* UTF-8 to cs through iconv, for pages in legacy charsets. */
static char *
to_charset(const char *s, const char *cs, size_t *outlen)
{
	iconv_t cd = iconv_open(cs, "UTF-8");
	size_t inleft = strlen(s), outleft = 4 * inleft + 16;
	char *out = calloc(1, outleft + 1), *in = (char *)(uintptr_t)s, *o = out;

	ck_assert(cd != (iconv_t)-1);
	ck_assert(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	return out;
}

static const char prose[] =
    "<p>Кабінет міністрів України продовжив адаптивний карантин до "
    "тридцятого червня, повідомила пресслужба уряду. Рішення ухвалили "
    "на засіданні в середу, зважаючи на ситуацію з поширенням "
    "коронавірусу в регіонах, де кількість госпіталізацій зростає.</p>"
    "<p>Міністр охорони здоров'я сказав, що послаблення обмежень "
    "можливе лише тоді, коли ґрунтовно знизиться навантаження на "
    "лікарні, а вакцинація охопить щонайменше половину дорослих. "
    "Їхні аргументи підтримали в Офісі президента та в Києві.</p>"
    "<p>Є також рішення щодо шкіл: навчання в класах відновлять з "
    "першого вересня, якщо епідемічна ситуація дозволить, а батьки "
    "отримають право обирати дистанційну форму для своїх дітей.</p>";

START_TEST(test_example_page)
{
	struct extract_result r;
	size_t len;
	char *page = testutil_slurp(EXAMPLES_DIR "/ukrainian-news-page.html", &len);
	char *want = article_body();

	run(page, len, "https://ukranews.example/en/news/793512", NULL, &r);
	ck_assert_str_eq(r.text, want);
	ck_assert_str_eq(r.title, "Blinken meets Zelensky in Kyiv to "
	    "demonstrate support amid escalation with Russia");
	ck_assert_str_eq(r.author, "Canan Kevser");
	ck_assert(r.has_published);
	ck_assert(r.published.utc == 1620302400);
	ck_assert_int_eq(r.published.tzoff, 180);
	ck_assert_str_eq(r.site_name, "Ukrainian News");
	ck_assert_str_eq(r.image, "https://ukranews.example/img/793512.jpg");
	ck_assert_str_eq(r.url, "https://ukranews.example/en/news/"
	    "793512-blinken-meets-zelensky-in-kyiv");
	ck_assert_str_eq(r.language, "en");
	/* the caption stays in content, the photo with an absolute URL */
	ck_assert_ptr_nonnull(strstr(r.content, "<figcaption>Photo: press"));
	ck_assert_ptr_nonnull(strstr(r.content,
	    "src=\"https://ukranews.example/img/793512-2.jpg\""));
	ck_assert_ptr_null(strstr(r.content, "Read also"));
	ck_assert_ptr_null(strstr(r.content, "Ctrl+Enter"));
	extract_result_clear(&r);
	free(page);
	free(want);
}
END_TEST

static void
check_ukrainian(const char *page, size_t len, const char *cs, const char *want_cs)
{
	struct extract_result r;

	run(page, len, NULL, cs, &r);
	ck_assert_msg(strcmp(r.charset, want_cs) == 0, "charset %s, want %s",
	    r.charset, want_cs);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_msg(strstr(r.text, "ґрунтовно знизиться") != NULL &&
	    strstr(r.text, "Їхні аргументи") != NULL &&
	    strstr(r.text, "Є також") != NULL, "text: %s", r.text);
	ck_assert_str_eq(r.title, "Карантин продовжено");
	extract_result_clear(&r);
}

START_TEST(test_charsets)
{
	struct buf b = { 0 };
	char *page;
	size_t len;

	/* declared in <meta charset> */
	buf_printf(&b, "<html><head><meta charset=\"windows-1251\"><title>"
	    "Карантин продовжено</title></head><body><article>%s</article>"
	    "</body></html>", prose);
	page = to_charset(b.data, "WINDOWS-1251", &len);
	check_ukrainian(page, len, NULL, "WINDOWS-1251");
	free(page);
	buf_reset(&b);

	/* declared in http-equiv */
	buf_printf(&b, "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=koi8-u\"><title>Карантин продовжено"
	    "</title></head><body><div>%s</div></body></html>", prose);
	page = to_charset(b.data, "KOI8-U", &len);
	check_ukrainian(page, len, NULL, "KOI8-U");
	/* the HTTP charset wins over a wrong meta */
	free(page);
	buf_reset(&b);
	buf_printf(&b, "<html><head><meta charset=\"iso-8859-1\"><title>"
	    "Карантин продовжено</title></head><body><div>%s</div></body></html>",
	    prose);
	page = to_charset(b.data, "KOI8-U", &len);
	check_ukrainian(page, len, "koi8-u", "KOI8-U");
	free(page);
	buf_reset(&b);

	/* undeclared: detected */
	buf_printf(&b, "<html><head><title>Карантин продовжено</title></head>"
	    "<body><div>%s</div></body></html>", prose);
	page = to_charset(b.data, "WINDOWS-1251", &len);
	check_ukrainian(page, len, NULL, "WINDOWS-1251");
	free(page);
	page = to_charset(b.data, "KOI8-U", &len);
	check_ukrainian(page, len, NULL, "KOI8-U");
	free(page);
	/* UTF-8 with a BOM, and plain */
	page = malloc(b.len + 4);
	memcpy(page, "\xEF\xBB\xBF", 3);
	memcpy(page + 3, b.data, b.len + 1);
	check_ukrainian(page, b.len + 3, "windows-1251", "UTF-8");
	check_ukrainian(b.data, b.len, NULL, "UTF-8");
	free(page);
	buf_free(&b);
}
END_TEST

START_TEST(test_metadata_order)
{
	struct extract_result r;
	struct buf b = { 0 };

	/* JSON-LD inside @graph, authors as an array; og:title loses to it */
	buf_printf(&b, "<html lang=\"uk\"><head><title>Site | Thing</title>"
	    "<meta property=\"og:title\" content=\"OG title\">"
	    "<meta name=\"author\" content=\"Meta Author\">"
	    "<script type=\"application/ld+json\">{\"@context\":"
	    "\"https://schema.org\",\"@graph\":[{\"@type\":\"WebSite\","
	    "\"name\":\"x\"},{\"@type\":\"NewsArticle\",\"headline\":"
	    "\"LD headline\",\"author\":[{\"name\":\"Ann One\"},{\"name\":"
	    "\"Bob Two\"}],\"datePublished\":\"2021-05-06T15:00:00+03:00\","
	    "\"publisher\":{\"name\":\"LD Site\"},\"image\":{\"url\":"
	    "\"/i.jpg\"}}]}</script></head><body><article>%s</article>"
	    "</body></html>", prose);
	run_s(b.data, &r);
	ck_assert_str_eq(r.title, "LD headline");
	ck_assert_str_eq(r.author, "Ann One, Bob Two");
	ck_assert_str_eq(r.site_name, "LD Site");
	ck_assert_str_eq(r.image, "http://example.org/i.jpg");
	ck_assert_str_eq(r.language, "uk");
	ck_assert(r.has_published && r.published.utc == 1620302400);
	ck_assert_str_eq(r.url, "http://example.org/a/page.html");
	extract_result_clear(&r);
	buf_reset(&b);

	/* no structured data: a visible byline, the <title> cut, <time> */
	buf_printf(&b, "<html><head><title>A long enough headline here - "
	    "Example Site</title></head><body><div class=\"post\">"
	    "<h1>A long enough headline here</h1>"
	    "<div class=\"byline\">By Jane Roe</div>"
	    "<time datetime=\"2020-01-02T03:04:05Z\">2 January 2020</time>"
	    "<figure><img src=\"photo.jpg\"></figure>%s<blockquote><p>We will open the schools in September, as "
	    "planned, if the numbers allow it.</p><cite class=\"quote-author\">"
	    "Olena Quoted, minister</cite></blockquote></div></body></html>",
	    prose);
	run_s(b.data, &r);
	ck_assert_str_eq(r.title, "A long enough headline here");
	ck_assert_str_eq(r.author, "By Jane Roe");
	/* no og:image: the body's first picture */
	ck_assert_str_eq(r.image, "http://example.org/a/photo.jpg");
	/* a quote's attribution is text, not a second byline */
	ck_assert_ptr_nonnull(strstr(r.text, "Olena Quoted, minister"));
	ck_assert(r.has_published);
	ck_assert_ptr_null(strstr(r.text, "Jane"));
	ck_assert_ptr_null(strstr(r.text, "January"));
	ck_assert_ptr_null(strstr(r.text, "headline"));
	ck_assert_ptr_nonnull(r.excerpt);
	ck_assert(strncmp(r.excerpt, "Кабінет", strlen("Кабінет")) == 0);
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_metadata_fallbacks)
{
	struct extract_result r;
	struct buf b = { 0 };

	/* UTF-8 bytes under a stale <meta charset>; an en dash before the
	 * site's name; a rel=author byline in a header that goes as
	 * boilerplate, with "By" from its byline block; og:article:author
	 * reads as article:author */
	buf_printf(&b, "<html><head><meta charset=\"gb2312\"><title>Lorem "
	    "ipsum dolor sit amet \xE2\x80\x93 My website</title></head>"
	    "<body><header class=\"entry-header\"><h1>Lorem ipsum dolor sit "
	    "amet</h1><div class=\"byline\">By <a rel=\"author\" href=\"/a\">"
	    "Ann Writer</a></div></header><div class=\"post\">%s</div>"
	    "</body></html>", prose);
	run_s(b.data, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_str_eq(r.title, "Lorem ipsum dolor sit amet");
	ck_assert_str_eq(r.author, "By Ann Writer");
	ck_assert_ptr_nonnull(strstr(r.text, "ґрунтовно"));
	extract_result_clear(&r);
	buf_reset(&b);
	buf_printf(&b, "<html><head><meta property=\"og:article:author\" "
	    "content=\"Desk Name\"><meta name=\"article:author\" content=\"Not "
	    "This\"><title>x</title></head><body><div class=\"byline\">By Ann "
	    "Writer, 12 May 2020</div><div>%s</div></body></html>", prose);
	run_s(b.data, &r);
	ck_assert_str_eq(r.author, "Desk Name");
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_boilerplate)
{
	struct extract_result r;
	struct buf b = { 0 };

	buf_printf(&b, "<html><body><nav><ul><li><a href=\"/\">Home</a></li>"
	    "<li><a href=\"/n\">News</a></li></ul></nav><main><article>"
	    "<div class=\"share\"><a href=\"/s\">Share</a></div>%s"
	    "<p><strong>ЧИТАЙТЕ ТАКОЖ:</strong> <a href=\"/x\">Кабмін "
	    "продовжив карантин</a></p><p>Read also: <a href=\"/y\">Metro "
	    "extends its service</a></p><p>Якщо ви помітили помилку, виділіть "
	    "її та натисніть Ctrl+Enter.</p>"
	    "<blockquote class=\"pull-quote\"><p>Said twice for the eye of a "
	    "reader who skims the page.</p></blockquote>"
	    "<div class=\"related\"><h3>Related</h3><ul><li><a href=\"/1\">One "
	    "story</a></li><li><a href=\"/2\">Two story</a></li><li><a href="
	    "\"/3\">Three story</a></li></ul></div></article>"
	    "<section id=\"comments\"><p>Comment one that is long enough to "
	    "be a paragraph, with commas, and words, and more words.</p>"
	    "</section></main><footer><p>Copyright 2021, all rights reserved."
	    "</p></footer></body></html>", prose);
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_null(strstr(r.text, "Share"));
	ck_assert_ptr_null(strstr(r.text, "story"));
	ck_assert_ptr_null(strstr(r.text, "Comment one"));
	ck_assert_ptr_null(strstr(r.text, "Copyright"));
	ck_assert_ptr_null(strstr(r.text, "Home"));
	ck_assert_ptr_null(strstr(r.text, "Кабмін"));
	ck_assert_ptr_null(strstr(r.text, "Metro"));
	ck_assert_ptr_null(strstr(r.text, "Ctrl"));
	ck_assert_ptr_null(strstr(r.text, "Said twice"));
	ck_assert(strncmp(r.text, "Кабінет", strlen("Кабінет")) == 0);
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_lists_and_dialogs)
{
	struct extract_result r;
	struct buf b = { 0 };

	/* a list of links inside the body is text (a changelog, sources);
	 * a dialog beside the body is not */
	buf_printf(&b, "<html><body><div class=\"main\"><div class=\"post\">%s"
	    "<ul><li><a href=\"/b/1\">Bug 1 - fullscreen window follows the "
	    "source</a></li><li><a href=\"/b/2\">Bug 2 - telemetry for several "
	    "windows</a></li><li><a href=\"/b/3\">Bug 3 - windows no longer open "
	    "on top of one another</a></li></ul>%s</div>"
	    "<div class=\"three\"><div id=\"homepage-dialog\"><h2>Make us your "
	    "homepage</h2><ul><li><p>On the toolbar, click the menu, then "
	    "click Preferences, and choose the page you want to see first.</p>"
	    "</li><li><p>In the window, select General, then type our address"
	    " in the box next to Home page, and close the window.</p></li></ul>"
	    "</div></div></div></body></html>", prose, prose);
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, "Bug 2 - telemetry"));
	ck_assert_ptr_null(strstr(r.text, "toolbar"));
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_toc_and_link_boxes)
{
	struct extract_result r;
	struct buf b = { 0 };

	/* a table of contents (links within the page) inside the body
	 * stays; a box that is all links off the page goes */
	buf_printf(&b, "<html><body><div class=\"post\"><div id=\"toc\">"
	    "<h2>Contents</h2><ul><li><a href=\"#a\">1 Quarantine rules</a>"
	    "</li><li><a href=\"#b\">2 Schools in September</a></li><li><a "
	    "href=\"#c\">3 Hospitals and vaccination</a></li><li><a href=\"#d\">"
	    "4 What the ministry said</a></li><li><a href=\"#e\">5 What comes "
	    "next for the regions</a></li></ul></div>%s"
	    "<div class=\"box\"><ul><li><a href=\"/n/1\">Cabinet extends the "
	    "adaptive quarantine</a></li><li><a href=\"/n/2\">Metro extends "
	    "evening service</a></li><li><a href=\"/n/3\">Rain expected over "
	    "the weekend</a></li></ul></div>%s</div></body></html>", prose, prose);
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, "Schools in September"));
	ck_assert_ptr_null(strstr(r.text, "Metro extends"));
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_no_article)
{
	struct extract_result r;

	run_s("", &r);
	ck_assert_ptr_null(r.content);
	ck_assert_ptr_null(r.text);
	ck_assert_ptr_null(r.title);
	extract_result_clear(&r);
	run_s("<html><head><title>Nothing here</title></head><body>"
	    "<div> </div></body></html>", &r);
	ck_assert_ptr_null(r.content);
	ck_assert_ptr_null(r.text);
	ck_assert_str_eq(r.title, "Nothing here");
	extract_result_clear(&r);
}
END_TEST

/* ---- hostile pages: each must finish without a crash; the case's
 * timeout (forked runs) bounds a page that would not.  Speed is
 * bench/extract_bench's business, not a test's. ---- */

START_TEST(test_hostile_50mb_text)
{
	struct extract_result r;
	size_t n = 50u * 1024 * 1024, i;
	char *page = malloc(n + 1);

	memcpy(page, "<html><body><p>", 15);
	for (i = 15; i < n; i++)
		page[i] = (i % 7 == 0) ? ' ' : (i % 97 == 0 ? ',' : 'a');
	page[n] = '\0';
	run(page, n, NULL, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert(strlen(r.text) >= n / 2);
	extract_result_clear(&r);
	free(page);
}
END_TEST

START_TEST(test_hostile_deep_nesting)
{
	static const char *const tags[] = { "div", "span", "table", "b" };
	struct extract_result r;
	struct buf b = { 0 };
	size_t i, k;

	for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++) {
		buf_reset(&b);
		buf_puts(&b, "<html><body>");
		for (i = 0; i < 100000; i++)
			buf_printf(&b, "<%s>", tags[k]);
		buf_puts(&b, prose);
		run(b.data, b.len, NULL, NULL, &r);
		/* libxml2's default depth limit (256) would lose the text */
		ck_assert_msg(r.text != NULL && strstr(r.text, "Кабінет") != NULL,
		    "%s: the text is lost", tags[k]);
		extract_result_clear(&r);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_hostile_giant_table)
{
	struct extract_result r;
	struct buf b = { 0 };
	size_t i;

	buf_puts(&b, "<html><body><table>");
	for (i = 0; i < 200000; i++)
		buf_printf(&b, "<tr><td>cell %zu, with words and commas, more"
		    " words</td><td><a href=\"/%zu\">link</a></td></tr>", i, i);
	buf_puts(&b, "</table></body></html>");
	run(b.data, b.len, NULL, NULL, &r);
	ck_assert_ptr_nonnull(r.text);
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_hostile_shapes)
{
	struct extract_result r;
	struct buf b = { 0 };

	/* framesets: no article, no crash */
	run_s("<html><head><title>Frames</title></head><frameset cols=\"50%,*\">"
	    "<frame src=\"a.html\"><frame src=\"b.html\"><noframes><p>Your "
	    "browser does not do frames.</p></noframes></frameset></html>", &r);
	extract_result_clear(&r);
	/* no body at all, text straight after head */
	buf_printf(&b, "<html><head><title>t</title></head>%s", prose);
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_nonnull(strstr(r.text, "Кабінет"));
	extract_result_clear(&r);
	/* only text */
	run_s(prose + 3, &r);
	extract_result_clear(&r);
	/* a comment holding "<script" hides nothing after it; a script
	 * body holding "<p>" is no paragraph; a style likewise */
	buf_reset(&b);
	buf_printf(&b, "<html><body><!-- <script> --><div><style>p{}</style>"
	    "<script type=\"text/javascript\">var s = '<p>no</p>';</script>"
	    "%s</div><script src=\"x.js\"></script></body></html>", prose);
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert(strncmp(r.text, "Кабінет", strlen("Кабінет")) == 0);
	ck_assert_ptr_null(strstr(r.text, "no"));
	extract_result_clear(&r);
	/* a script that never closes swallows the rest, and nothing runs */
	buf_reset(&b);
	buf_printf(&b, "<html><body><div>%s</div><script>var x = \"<p>not "
	    "text</p>\";", prose);
	for (int i = 0; i < 10000; i++)
		buf_puts(&b, "document.write('<p>more</p>'); ");
	run_s(b.data, &r);
	ck_assert_ptr_nonnull(r.text);
	ck_assert_ptr_null(strstr(r.text, "not text"));
	ck_assert_ptr_null(strstr(r.text, "document.write"));
	extract_result_clear(&r);
	buf_free(&b);
}
END_TEST

START_TEST(test_hostile_invalid_bytes)
{
	static const char *const cs[] = { NULL, "utf-8", "windows-1251",
		"koi8-u", "koi8-r", "iso-8859-1", "windows-1252", "utf-16",
		"utf-16le", "utf-16be", "utf-32", "shift_jis", "euc-jp",
		"gb2312", "gbk", "gb18030", "big5", "euc-kr", "iso-2022-jp",
		"iso-8859-5", "ibm866", "x-mac-cyrillic", "bogus-charset", NULL };
	struct extract_result r;
	unsigned char page[8192];
	unsigned seed = 12345;
	size_t i, k;
	int round;

	for (k = 0; k == 0 || cs[k] != NULL; k++) {
		for (round = 0; round < 4; round++) {
			memcpy(page, "<html><body><p>", 15);
			for (i = 15; i < sizeof(page); i++) {
				seed = seed * 1103515245 + 12345;
				page[i] = (unsigned char)(seed >> 16);
				if (round == 1 && page[i] < 0x80)
					page[i] |= 0x80;	/* all high */
				if (round == 2 && i % 3 == 0)
					page[i] = 'a';
			}
			if (round == 3)	/* a truncated sequence at the end */
				memcpy(page + sizeof(page) - 3, "\xE2\x82", 2);
			run((const char *)page, sizeof(page) - (round == 3),
			    NULL, cs[k], &r);
			if (r.text != NULL)
				ck_assert_ptr_nonnull(r.content);
			extract_result_clear(&r);
		}
	}
}
END_TEST

static Suite *
extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("core");
	TCase *th = tcase_create("hostile");

	tcase_add_test(tc, test_example_page);
	tcase_add_test(tc, test_charsets);
	tcase_add_test(tc, test_metadata_order);
	tcase_add_test(tc, test_metadata_fallbacks);
	tcase_add_test(tc, test_boilerplate);
	tcase_add_test(tc, test_lists_and_dialogs);
	tcase_add_test(tc, test_toc_and_link_boxes);
	tcase_add_test(tc, test_no_article);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_test(th, test_hostile_50mb_text);
	tcase_add_test(th, test_hostile_deep_nesting);
	tcase_add_test(th, test_hostile_giant_table);
	tcase_add_test(th, test_hostile_shapes);
	tcase_add_test(th, test_hostile_invalid_bytes);
	tcase_set_timeout(th, 300);
	suite_add_tcase(s, th);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(extract_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
