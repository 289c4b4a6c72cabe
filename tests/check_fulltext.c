/* Issue 12: when an item's page is fetched for its whole body. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fulltext.h"

/* A body of n characters of prose, then tail: the caller frees it. */
static char *
body(size_t n, const char *tail)
{
	static const char word[] = "tidings ";
	size_t i, t = strlen(tail);
	char *s = malloc(n + t + 1);

	for (i = 0; i < n; i++)
		s[i] = word[i % (sizeof(word) - 1)];
	memcpy(s + n, tail, t + 1);
	return s;
}

START_TEST(test_modes)
{
	enum fulltext_mode m;

	ck_assert_int_eq(fulltext_mode_parse("auto", &m), 0);
	ck_assert_int_eq(m, FULLTEXT_AUTO);
	ck_assert_int_eq(fulltext_mode_parse("always", &m), 0);
	ck_assert_int_eq(m, FULLTEXT_ALWAYS);
	ck_assert_int_eq(fulltext_mode_parse("never", &m), 0);
	ck_assert_int_eq(m, FULLTEXT_NEVER);
	ck_assert_int_eq(fulltext_mode_parse("Auto", &m), -1);
	ck_assert_int_eq(fulltext_mode_parse("", &m), -1);
	ck_assert_str_eq(fulltext_mode_name(FULLTEXT_NEVER), "never");
}
END_TEST

START_TEST(test_truncated)
{
	static const char *const cut[] = {
		"... and so on. Read more\xe2\x80\xa6",
		"... and so on. Read more",
		"... and so on. read more \xc2\xbb",
		"... and so on. Continue reading \xe2\x86\x92",
		"... and so on. Continue reading...",
		"... and so on [\xe2\x80\xa6]",
		"... and so on\xe2\x80\xa6",
		"... and so on...",
		"... and so on. [Read More]",
		"... and so on. \xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd0\xb8 "
		    "\xd0\xb4\xd0\xb0\xd0\xbb\xd1\x96",
	};
	static const char *const whole[] = {
		"... and so on.",
		"... and then we read more.\n\nThe end.",
		"... and they were spreading more",	/* "more" in a word */
		"... and so on. Thanks for reading",
	};
	char *s;
	size_t i;

	ck_assert(fulltext_truncated(NULL));
	ck_assert(fulltext_truncated(""));
	ck_assert(fulltext_truncated("  \n"));
	/* short: a teaser, however it ends */
	s = body(FULLTEXT_SHORT - 2, ".");
	ck_assert(fulltext_truncated(s));
	free(s);
	/* characters, not bytes: 200 Cyrillic letters are 400 bytes */
	s = malloc(401);
	for (i = 0; i < 200; i++)
		memcpy(s + 2 * i, "\xd1\x96", 2);
	s[400] = '\0';
	ck_assert(fulltext_truncated(s));
	free(s);
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		s = body(FULLTEXT_SHORT + 100, cut[i]);
		ck_assert_msg(fulltext_truncated(s), "cut: %s", cut[i]);
		free(s);
	}
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		s = body(FULLTEXT_SHORT + 100, whole[i]);
		ck_assert_msg(!fulltext_truncated(s), "whole: %s", whole[i]);
		free(s);
	}
}
END_TEST

START_TEST(test_wanted)
{
	struct fulltext_item it;
	char *full = body(FULLTEXT_SHORT + 100, "The end.");

	memset(&it, 0, sizeof(it));
	it.link = "https://example.org/a";
	it.text = "A teaser. Read more\xe2\x80\xa6";
	it.is_new = 1;
	ck_assert(fulltext_wanted(FULLTEXT_AUTO, &it));
	ck_assert(fulltext_wanted(FULLTEXT_ALWAYS, &it));
	ck_assert(!fulltext_wanted(FULLTEXT_NEVER, &it));
	/* a whole body: only always */
	it.text = full;
	ck_assert(!fulltext_wanted(FULLTEXT_AUTO, &it));
	ck_assert(fulltext_wanted(FULLTEXT_ALWAYS, &it));
	/* no link, or one that is no page */
	it.text = NULL;
	it.link = NULL;
	ck_assert(!fulltext_wanted(FULLTEXT_ALWAYS, &it));
	it.link = "mailto:editor@example.org";
	ck_assert(!fulltext_wanted(FULLTEXT_ALWAYS, &it));
	it.link = "file:///srv/pages/a.html";
	ck_assert(fulltext_wanted(FULLTEXT_AUTO, &it));
	/* an update: not again for the same link, again for a new one */
	it.link = "https://example.org/a";
	it.is_new = 0;
	it.page_done = 1;
	it.page_link = "https://example.org/a";
	ck_assert(!fulltext_wanted(FULLTEXT_ALWAYS, &it));
	ck_assert(!fulltext_wanted(FULLTEXT_AUTO, &it));
	it.page_link = "https://example.org/old-a";
	ck_assert(fulltext_wanted(FULLTEXT_ALWAYS, &it));
	ck_assert(fulltext_wanted(FULLTEXT_AUTO, &it));
	/* an update of an article whose page was never fetched */
	it.page_done = 0;
	it.page_link = NULL;
	ck_assert(fulltext_wanted(FULLTEXT_AUTO, &it));
	it.text = full;
	ck_assert(!fulltext_wanted(FULLTEXT_AUTO, &it));
	free(full);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fulltext");
	TCase *tc = tcase_create("decide");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_wanted);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
