#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "dedup.h"
#include "err.h"

static void
link_key_is(const char *url, const char *want)
{
	char *k = dedup_link_key(url);

	if (want == NULL)
		ck_assert_ptr_null(k);
	else {
		ck_assert_ptr_nonnull(k);
		ck_assert_str_eq(k, want);
	}
	free(k);
}

START_TEST(test_link_key)
{
	link_key_is("https://Example.COM/a/b", "//example.com/a/b");
	link_key_is("http://www.example.com/a/b/", "//example.com/a/b");
	link_key_is("https://example.com:443/a?utm_source=rss&utm_medium=feed",
	    "//example.com/a");
	link_key_is("http://example.com:80", "//example.com/");
	link_key_is("https://example.com/a?id=7&fbclid=xyz#xtor=RSS-3",
	    "//example.com/a?id=7");
	link_key_is("https://example.com/page#item-3", "//example.com/page#item-3");
	link_key_is("https://example.com/page#", "//example.com/page");
	link_key_is("  https://user@example.com/x  ", "//example.com/x");
	link_key_is("tag:example.com,2021:793512", "tag:example.com,2021:793512");
	link_key_is("   ", NULL);
	link_key_is(NULL, NULL);
}
END_TEST

START_TEST(test_strip_tracking)
{
	char *s;

	s = dedup_strip_tracking("https://x.org/a?utm_source=a&id=3&gclid=q");
	ck_assert_str_eq(s, "https://x.org/a?id=3");
	free(s);
	s = dedup_strip_tracking("https://x.org/a?UTM_Campaign=z#top");
	ck_assert_str_eq(s, "https://x.org/a#top");
	free(s);
	s = dedup_strip_tracking("https://x.org/a?utm=keep");
	ck_assert_str_eq(s, "https://x.org/a?utm=keep");
	free(s);
	ck_assert_ptr_null(dedup_strip_tracking(NULL));
	ck_assert_int_eq(dedup_is_tracking_param("utm_source", 10), 1);
	ck_assert_int_eq(dedup_is_tracking_param("utm_", 4), 0);
	ck_assert_int_eq(dedup_is_tracking_param("id", 2), 0);
}
END_TEST

START_TEST(test_normalize)
{
	struct buf b = { 0 };

	dedup_normalize("  a\n\n b\t\xc2\xa0 c\xe2\x80\x8b" "d  ", &b);
	ck_assert_str_eq(buf_str(&b), "a b cd");
	buf_reset(&b);
	dedup_normalize("see https://x.org/p?utm_source=tw&q=1 now", &b);
	ck_assert_str_eq(buf_str(&b), "see https://x.org/p?q=1 now");
	buf_reset(&b);
	dedup_normalize(NULL, &b);
	ck_assert_str_eq(buf_str(&b), "");
	buf_free(&b);
}
END_TEST

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

START_TEST(test_keys_insensitive)
{
	struct article *a = make(" g1 ", "https://x.org/1?utm_source=rss",
	    "Title", "Some text.\n\nMore text.");
	struct article *b = make("g1", "http://www.x.org/1/", "  Title ",
	    "Some  text. More\ttext.");
	struct dedup_keys ka, kb;

	dedup_keys_compute(a, NULL, &ka);
	dedup_keys_compute(b, NULL, &kb);
	ck_assert(ka.has_guid && ka.has_link && !ka.has_fp);
	ck_assert_mem_eq(ka.guid, kb.guid, DEDUP_KEYLEN);
	ck_assert_mem_eq(ka.link, kb.link, DEDUP_KEYLEN);
	ck_assert_mem_eq(ka.content, kb.content, DEDUP_KEYLEN);
	ck_assert_mem_eq(ka.hash, kb.hash, DEDUP_HASHLEN);

	/* a real edit changes the hash but not the identity */
	article_set(&b->text, "Some text. Different text.");
	dedup_keys_compute(b, NULL, &kb);
	ck_assert_mem_eq(ka.guid, kb.guid, DEDUP_KEYLEN);
	ck_assert(memcmp(ka.hash, kb.hash, DEDUP_HASHLEN) != 0);
	ck_assert(memcmp(ka.content, kb.content, DEDUP_KEYLEN) != 0);

	/* so does a new title, or a date */
	dedup_keys_compute(a, NULL, &kb);
	a->has_published = 1;
	a->published.utc = 1620302400;
	dedup_keys_compute(a, NULL, &ka);
	ck_assert(memcmp(ka.hash, kb.hash, DEDUP_HASHLEN) != 0);
	article_free(a);
	article_free(b);
}
END_TEST

START_TEST(test_keys_site_link_and_fp)
{
	char longtext[400];
	struct article *a = make(NULL, "https://x.org/", "T", "short");
	struct dedup_keys k;

	dedup_keys_compute(a, "https://www.x.org", &k);
	ck_assert_int_eq(k.has_link, 0);	/* the home page is no identity */
	ck_assert_int_eq(k.has_guid, 0);
	ck_assert_int_eq(k.has_fp, 0);		/* too short to be global */
	dedup_keys_compute(a, NULL, &k);
	ck_assert_int_eq(k.has_link, 1);
	memset(longtext, 'w', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	article_set(&a->text, longtext);
	dedup_keys_compute(a, NULL, &k);
	ck_assert_int_eq(k.has_fp, 1);
	article_free(a);
}
END_TEST

/* n items whose guids/links follow the given patterns ("%d" or fixed). */
static void
plan_for(const char *guidfmt, const char *linkfmt, long churn,
    enum dedup_identity conf, struct dedup_plan *p)
{
	struct dedup_keys k[4];
	char g[64], l[64], t[16];
	int i;

	for (i = 0; i < 4; i++) {
		struct article *a;

		snprintf(g, sizeof(g), guidfmt ? guidfmt : "", i);
		snprintf(l, sizeof(l), linkfmt ? linkfmt : "", i);
		snprintf(t, sizeof(t), "title %d", i);
		a = make(guidfmt ? g : NULL, linkfmt ? l : NULL, t, "x");
		dedup_keys_compute(a, NULL, &k[i]);
		article_free(a);
	}
	dedup_plan_make(conf, k, 4, churn, p);
}

START_TEST(test_plan)
{
	struct dedup_plan p;

	plan_for("g%d", "https://x.org/%d", 0, DEDUP_AUTO, &p);
	ck_assert_int_eq(p.mode, DEDUP_GUID);
	ck_assert(p.use_guid && p.use_link && p.same_feed_fallback);

	/* one guid for every item */
	plan_for("same", "https://x.org/%d", 0, DEDUP_AUTO, &p);
	ck_assert_int_eq(p.mode, DEDUP_LINK);
	ck_assert_int_eq(p.use_guid, 0);

	/* no guids */
	plan_for(NULL, "https://x.org/%d", 0, DEDUP_AUTO, &p);
	ck_assert_int_eq(p.mode, DEDUP_LINK);

	/* guids that keep changing while links stay */
	plan_for("g%d", "https://x.org/%d", DEDUP_CHURN_LIMIT, DEDUP_AUTO, &p);
	ck_assert_int_eq(p.mode, DEDUP_LINK);
	ck_assert_int_eq(p.use_guid, 0);

	/* neither: every item links to the same page and has no guid */
	plan_for(NULL, "https://x.org/", 0, DEDUP_AUTO, &p);
	ck_assert_int_eq(p.mode, DEDUP_CONTENT);
	ck_assert_int_eq(p.use_link, 0);

	/* the operator's word wins */
	plan_for("same", "https://x.org/%d", 0, DEDUP_GUID, &p);
	ck_assert_int_eq(p.mode, DEDUP_GUID);
	ck_assert_int_eq(p.use_guid, 1);
	ck_assert_int_eq(p.same_feed_fallback, 0);
	plan_for("g%d", "https://x.org/%d", 0, DEDUP_CONTENT, &p);
	ck_assert_int_eq(p.mode, DEDUP_CONTENT);
	ck_assert(!p.use_guid && !p.use_link);
	plan_for("g%d", "https://x.org/%d", 0, DEDUP_LINK, &p);
	ck_assert_int_eq(p.mode, DEDUP_LINK);
	ck_assert(!p.use_guid && p.use_link);

	dedup_plan_make(DEDUP_AUTO, NULL, 0, 0, &p);
	ck_assert_int_eq(p.mode, DEDUP_GUID);
}
END_TEST

START_TEST(test_identity_names)
{
	enum dedup_identity m = DEDUP_GUID;

	ck_assert_int_eq(dedup_identity_parse("content", &m), ERR_OK);
	ck_assert_int_eq(m, DEDUP_CONTENT);
	ck_assert_int_eq(dedup_identity_parse("bogus", &m), ERR_INVALID);
	ck_assert_int_eq(dedup_identity_parse(NULL, &m), ERR_INVALID);
	ck_assert_str_eq(dedup_identity_name(DEDUP_LINK), "link");
	ck_assert_str_eq(dedup_identity_name(DEDUP_AUTO), "auto");
}
END_TEST

static Suite *
dedup_suite(void)
{
	Suite *s = suite_create("dedup");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_link_key);
	tcase_add_test(tc, test_strip_tracking);
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_keys_insensitive);
	tcase_add_test(tc, test_keys_site_link_and_fp);
	tcase_add_test(tc, test_plan);
	tcase_add_test(tc, test_identity_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dedup_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
