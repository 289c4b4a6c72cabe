#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

START_TEST(test_append_and_printf)
{
	struct buf b = { 0 };

	ck_assert_str_eq(buf_str(&b), "");
	buf_puts(&b, "abc");
	buf_printf(&b, "-%d-", 42);
	buf_putc(&b, 'z');
	ck_assert_str_eq(buf_str(&b), "abc-42-z");
	ck_assert_uint_eq(b.len, 8);
	buf_free(&b);
}
END_TEST

START_TEST(test_cap_refuses_and_keeps)
{
	struct cbuf b = { 0 };

	b.max = 5;
	ck_assert_int_eq(cbuf_puts(&b, "hello"), 0);
	ck_assert_int_eq(cbuf_putc(&b, '!'), -1);
	ck_assert_str_eq(buf_str(&b.b), "hello");
	buf_free(&b.b);
}
END_TEST

START_TEST(test_utf8)
{
	struct buf b = { 0 };

	buf_put_utf8(&b, 0x456);	/* Cyrillic ї */
	buf_put_utf8(&b, 0x1F600);
	buf_put_utf8(&b, 0xD800);	/* a lone surrogate is not a character */
	ck_assert_str_eq(buf_str(&b), "\xd1\x96\xf0\x9f\x98\x80\xef\xbf\xbd");
	buf_free(&b);
}
END_TEST

START_TEST(test_detach_and_rtrim)
{
	struct buf b = { 0 };
	char *s;

	buf_puts(&b, "text \n\t");
	buf_rtrim(&b);
	s = buf_detach(&b);
	ck_assert_str_eq(s, "text");
	ck_assert_ptr_null(b.data);
	free(s);
	s = buf_detach(&b);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_append_and_printf);
	tcase_add_test(tc, test_cap_refuses_and_keeps);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_detach_and_rtrim);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(buf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
