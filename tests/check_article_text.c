#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "article_text.h"
#include "buf.h"
#include "xmalloc.h"

START_TEST(test_layout_full)
{
	struct article *a = article_new();
	struct buf out = { 0 };

	a->title = xstrdup("A title\nwith a break");
	a->author = xstrdup("Canan Kevser");
	a->has_published = 1;
	a->published.utc = 1620302400;	/* 2021-05-06T12:00:00Z */
	a->published.tzoff = 180;
	a->text = xstrdup("One.\n\nTwo.");
	article_text_render(a, "Ukrainian News", &out);
	ck_assert_str_eq(buf_str(&out),
	    "A title with a break\n\nUkrainian News\nCanan Kevser\n"
	    "06 May 2021, 15:00\n\nOne.\n\nTwo.\n");
	buf_free(&out);
	article_free(a);
}
END_TEST

START_TEST(test_layout_no_author_no_date)
{
	struct article *a = article_new();
	struct buf out = { 0 };

	a->title = xstrdup("T");
	a->text = xstrdup("Body");
	article_text_render(a, "F", &out);
	ck_assert_str_eq(buf_str(&out), "T\n\nF\n\nBody\n");
	buf_free(&out);
	article_free(a);
}
END_TEST

START_TEST(test_negative_offset)
{
	struct article *a = article_new();
	struct buf out = { 0 };

	a->title = xstrdup("T");
	a->has_published = 1;
	a->published.utc = 1620302400;	/* 12:00Z is 07:30 at -04:30 */
	a->published.tzoff = -270;
	article_text_render(a, "F", &out);
	ck_assert_str_eq(buf_str(&out), "T\n\nF\n06 May 2021, 07:30\n");
	buf_free(&out);
	article_free(a);
}
END_TEST

/* Titles are stored as the parser gives them, HTML when they look like
 * HTML (feedparser's rule); the text layout has no markup. */
START_TEST(test_title_plain_text)
{
	static const char *const c[][2] = {
		{ "<img src=\"x\" />Title <b>bold</b>", "Title bold" },
		{ "Tom &amp; Jerry", "Tom & Jerry" },
		{ "<img src=x>Title", "Title" },
		{ "<p>one</p><p>two</p>", "one two" },
		{ "I <3 cats & dogs", "I <3 cats & dogs" },
		{ "a < b", "a < b" },
		{ "AT&T \"=?x?=\"", "AT&T \"=?x?=\"" },
		{ "", "" },
	};
	struct article *a = article_new();
	struct buf out = { 0 }, want = { 0 };
	char *t;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		t = article_text_title(c[i][0]);
		ck_assert_msg(strcmp(t, c[i][1]) == 0,
		    "title(\"%s\"): \"%s\"", c[i][0], t);
		free(t);
	}
	ck_assert_ptr_null(article_text_title(NULL));
	a->title = xstrdup("<img src=\"x\" />Title <b>bold</b>");
	article_text_render(a, "F <i>x</i>", &out);
	ck_assert_str_eq(buf_str(&out), "Title bold\n\nF x\n");
	buf_free(&out);
	buf_free(&want);
	article_free(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("article_text");
	TCase *tc = tcase_create("layout");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_layout_full);
	tcase_add_test(tc, test_layout_no_author_no_date);
	tcase_add_test(tc, test_negative_offset);
	tcase_add_test(tc, test_title_plain_text);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
