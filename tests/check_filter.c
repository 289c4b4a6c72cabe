#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "err.h"
#include "filter.h"
#include "xmalloc.h"

static struct article *
art(const char *title, const char *author, const char *text,
    const char *link, const char *cat, const char *lang)
{
	struct article *a = xcalloc(1, sizeof(*a));

	a->title = xstrdup(title);
	a->author = xstrdup(author);
	a->text = xstrdup(text);
	a->link = xstrdup(link);
	a->language = xstrdup(lang);
	if (cat != NULL)
		article_add_category(a, cat);
	return a;
}

static struct filter *
rules(const char *const *keep, const char *const *drop)
{
	struct filter *f = filter_new();
	char ebuf[256];

	for (; keep != NULL && *keep != NULL; keep++)
		ck_assert_msg(filter_add(f, 1, *keep, NULL, ebuf,
		    sizeof(ebuf)) == ERR_OK, "%s: %s", *keep, ebuf);
	for (; drop != NULL && *drop != NULL; drop++)
		ck_assert_msg(filter_add(f, 0, *drop, NULL, ebuf,
		    sizeof(ebuf)) == ERR_OK, "%s: %s", *drop, ebuf);
	return f;
}

START_TEST(test_parse)
{
	struct filter *f = filter_new();
	char ebuf[256];
	size_t flen = 0;
	int keep = -1;

	ck_assert_int_eq(filter_add(f, 0, "title:/^(Sponsored|Ad)/", NULL,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(filter_add(f, 1, "categories:Politics", NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(filter_add(f, 1, "any:two words", NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(filter_count(f), 3);
	ck_assert_str_eq(filter_rule(f, 0, &keep), "title:/^(Sponsored|Ad)/");
	ck_assert_int_eq(keep, 0);
	ck_assert_str_eq(filter_rule(f, 1, &keep), "categories:Politics");
	ck_assert_int_eq(keep, 1);
	ck_assert_ptr_null(filter_rule(f, 3, NULL));
	/* an unknown field says how long it is, for "did you mean" */
	ck_assert_int_eq(filter_add(f, 0, "titel:x", &flen, ebuf,
	    sizeof(ebuf)), ERR_NOTFOUND);
	ck_assert_uint_eq(flen, 5);
	ck_assert_ptr_nonnull(strstr(ebuf, "unknown field \"titel\""));
	ck_assert_int_eq(filter_add(f, 0, "nocolon", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_int_eq(filter_add(f, 0, ":x", NULL, ebuf, sizeof(ebuf)),
	    ERR_INVALID);
	ck_assert_int_eq(filter_add(f, 0, "title:", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_uint_eq(filter_count(f), 3);
	filter_free(f);
	filter_free(NULL);
	ck_assert_uint_eq(filter_count(NULL), 0);
}
END_TEST

START_TEST(test_errors)
{
	struct filter *f = filter_new();
	char ebuf[256];

	/* regerror's message, and the position of the unmatched ( */
	ck_assert_int_eq(filter_add(f, 0, "title:/a(b/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "\"title:/a(b/\": bad regular expression "
	    "at character 2 of the pattern: ") != NULL, "%s", ebuf);
	ck_assert_int_eq(filter_add(f, 0, "title:/x[ab/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "at character 2 of the pattern") != NULL,
	    "%s", ebuf);
	ck_assert_int_eq(filter_add(f, 0, "title:/a|*b/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "at character 3 of the pattern") != NULL,
	    "%s", ebuf);
	/* the pattern is checked alone: no parenthesis around it pairs
	 * with one in it */
	ck_assert_int_eq(filter_add(f, 0, "title:/a)(b/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "at character 2 of the pattern") != NULL,
	    "%s", ebuf);
	ck_assert_int_eq(filter_add(f, 0, "title:/a{2,1}/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "bad regular expression") != NULL, "%s",
	    ebuf);
	/* back-references need backtracking: refused, with the position */
	ck_assert_int_eq(filter_add(f, 0, "text:/(a+)b\\1/", NULL, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_msg(strstr(ebuf, "back-reference at character 6 of the "
	    "pattern") != NULL, "%s", ebuf);
	/* in brackets a backslash is a backslash */
	ck_assert_int_eq(filter_add(f, 0, "text:/[\\1]/", NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	/* a lone slash is plain words */
	ck_assert_int_eq(filter_add(f, 0, "link:/", NULL, ebuf,
	    sizeof(ebuf)), ERR_OK);
	filter_free(f);
}
END_TEST

START_TEST(test_match_fields)
{
	static const char *const d_title[] = { "title:/^(sponsored|ad):/",
	    NULL };
	static const char *const d_author[] = { "author:PR Desk", NULL };
	static const char *const d_text[] = { "text:/buy +now/", NULL };
	static const char *const d_link[] = { "link:utm_", NULL };
	static const char *const d_cat[] = { "category:/^promo$/", NULL };
	static const char *const d_lang[] = { "language:/^de/", NULL };
	static const char *const d_any[] = { "any:ÉTÉ deal", NULL };
	struct article *a = art("Sponsored: a new phone", "The PR desk",
	    "Buy   now and save", "https://x.test/p?utm_source=y", "Promo",
	    "de-CH");
	struct article *b = art("Ordinary news", "Reporter", "Text",
	    "https://x.test/n", "Politics", "en");
	struct article *c = art("ÉTÉ DEAL today", NULL, NULL, NULL, NULL,
	    NULL);
	const char *const *all[] = { d_title, d_author, d_text, d_link, d_cat,
	    d_lang, NULL };
	struct filter *f;
	char why[256];
	size_t i;

	for (i = 0; all[i] != NULL; i++) {
		f = rules(NULL, all[i]);
		ck_assert_msg(filter_drops(f, a, why, sizeof(why)) == 1, "%s",
		    all[i][0]);
		ck_assert_msg(strncmp(why, "drop=", 5) == 0 &&
		    strcmp(why + 5, all[i][0]) == 0, "%s", why);
		ck_assert_msg(filter_drops(f, b, why, sizeof(why)) == 0, "%s",
		    all[i][0]);
		filter_free(f);
	}
	/* plain words: ASCII letters fold, other bytes match as they are;
	 * absent fields never match */
	f = rules(NULL, d_any);
	ck_assert_int_eq(filter_drops(f, a, why, sizeof(why)), 0);
	ck_assert_int_eq(filter_drops(f, c, why, sizeof(why)), 1);
	filter_free(f);
	ck_assert_int_eq(filter_drops(NULL, a, why, sizeof(why)), 0);
	article_free(a);
	article_free(b);
	article_free(c);
}
END_TEST

START_TEST(test_combination)
{
	static const char *const keep[] = { "category:Politics",
	    "title:/election/", NULL };
	static const char *const drop[] = { "title:/^Sponsored/", NULL };
	struct article *pol = art("Budget vote", NULL, NULL, NULL, "Politics",
	    NULL);
	struct article *ele = art("Election night", NULL, NULL, NULL, "Misc",
	    NULL);
	struct article *sp = art("Sponsored election ad", NULL, NULL, NULL,
	    "Politics", NULL);
	struct article *other = art("Weather", NULL, NULL, NULL, "Misc", NULL);
	struct filter *f = rules(keep, drop), *k = rules(keep, NULL),
	    *d = rules(NULL, drop);
	char why[256];

	/* keep rules: one of them must match */
	ck_assert_int_eq(filter_drops(f, pol, why, sizeof(why)), 0);
	ck_assert_int_eq(filter_drops(f, ele, why, sizeof(why)), 0);
	ck_assert_int_eq(filter_drops(f, other, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "keep: none matched (keep=category:Politics "
	    "keep=title:/election/)");
	/* a drop rule wins over a keep rule that matches */
	ck_assert_int_eq(filter_drops(f, sp, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drop=title:/^Sponsored/");
	ck_assert_int_eq(filter_drops(k, sp, why, sizeof(why)), 0);
	/* drop rules alone let everything else through */
	ck_assert_int_eq(filter_drops(d, other, why, sizeof(why)), 0);
	/* a short buffer is cut, never overrun */
	ck_assert_int_eq(filter_drops(f, other, why, 8), 1);
	ck_assert_uint_eq(strlen(why), 7);
	filter_free(f);
	filter_free(k);
	filter_free(d);
	article_free(pol);
	article_free(ele);
	article_free(sp);
	article_free(other);
}
END_TEST

/* A pattern that backtracking engines take exponential time over runs
 * through a text of 1 MB (and one of 3 MB, of which only the first
 * FILTER_MAX_TEXT bytes are read); the test asserts nothing about time,
 * only that it finishes. */
START_TEST(test_big_text)
{
	static const char *const drop[] = { "text:/(a+)+$b/",
	    "text:/(a|aa)*c/", "text:/((a*)*|b)+x$/",
	    "any:aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", NULL };
	struct article *a;
	struct filter *f = rules(NULL, drop);
	char why[256], *big;
	size_t len = 3 * 1024 * 1024;

	big = xmalloc(len + 1);
	memset(big, 'a', len);
	big[len] = '\0';
	/* past the bound: never seen */
	big[FILTER_MAX_TEXT + 10] = 'c';
	a = art(NULL, NULL, NULL, NULL, NULL, NULL);
	a->text = big;
	ck_assert_int_eq(filter_drops(f, a, why, sizeof(why)), 0);
	/* within it: seen */
	big[1000 * 1000] = 'c';
	ck_assert_int_eq(filter_drops(f, a, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drop=text:/(a|aa)*c/");
	article_free(a);
	filter_free(f);
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_match_fields);
	tcase_add_test(tc, test_combination);
	tcase_add_test(tc, test_big_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(filter_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
