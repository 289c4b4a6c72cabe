#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* An uncapped buffer takes whatever is appended, past its first growth
 * and its inline fast path alike. */
START_TEST(test_uncapped_grows)
{
	struct buf b = { 0 };
	char big[1000];
	size_t i;

	memset(big, 'x', sizeof(big));
	for (i = 0; i < 100; i++) {
		buf_append(&b, big, sizeof(big));
		buf_putc(&b, '.');
	}
	ck_assert_uint_eq(b.len, 100 * 1001);
	ck_assert_uint_eq(strlen(buf_str(&b)), 100 * 1001);
	ck_assert_int_eq(b.data[1000], '.');
	buf_reserve(&b, 1 << 20);
	ck_assert_uint_ge(b.cap, b.len + (1 << 20) + 1);
	ck_assert_uint_eq(b.len, 100 * 1001);
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

/* Every capped append refuses what would pass max, whether it would fit
 * the memory already there (the inline path) or need more (the slow
 * one), and leaves the buffer as it was. */
START_TEST(test_capped_appends)
{
	struct cbuf b = { 0 };

	b.max = 8;
	ck_assert_int_eq(cbuf_reserve(&b, 8), 0);
	ck_assert_int_eq(cbuf_reserve(&b, 9), -1);
	ck_assert_int_eq(cbuf_append(&b, "abc", 3), 0);
	ck_assert_int_eq(cbuf_printf(&b, "%d", 12345), 0);	/* 8 bytes */
	ck_assert_int_eq(cbuf_printf(&b, "%d", 6), -1);
	ck_assert_int_eq(cbuf_append(&b, "x", 1), -1);
	ck_assert_int_eq(cbuf_append(&b, "", 0), 0);
	ck_assert_int_eq(cbuf_putc(&b, 'x'), -1);
	ck_assert_int_eq(cbuf_put_utf8(&b, 0xe9), -1);
	ck_assert_str_eq(buf_str(&b.b), "abc12345");
	buf_reset(&b.b);
	ck_assert_int_eq(cbuf_put_utf8(&b, 0x1F600), 0);
	ck_assert_int_eq(cbuf_puts(&b, "abcd"), 0);
	ck_assert_int_eq(cbuf_put_utf8(&b, 0x1F600), -1);	/* 4 more */
	ck_assert_str_eq(buf_str(&b.b), "\xf0\x9f\x98\x80" "abcd");
	buf_free(&b.b);
	ck_assert_uint_eq(b.max, 8);	/* buf_free keeps the cap */
	ck_assert_int_eq(cbuf_puts(&b, "123456789"), -1);
	ck_assert_str_eq(buf_str(&b.b), "");
	buf_free(&b.b);
}
END_TEST

/* max 0: a capped buffer with its cap turned off takes everything. */
START_TEST(test_capped_no_max)
{
	struct cbuf b = { 0 };
	char big[4096];
	int i;

	memset(big, 'y', sizeof(big));
	for (i = 0; i < 64; i++)
		ck_assert_int_eq(cbuf_append(&b, big, sizeof(big)), 0);
	ck_assert_uint_eq(b.b.len, 64 * sizeof(big));
	buf_free(&b.b);
}
END_TEST

/* A file within the cap is read whole; past it, EFBIG; without a cap,
 * a buf reads it whole. */
START_TEST(test_read_file)
{
	char path[] = "/tmp/check_buf.XXXXXX";
	struct cbuf c = { 0 };
	struct buf b = { 0 };
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("0123456789", fp);
	fclose(fp);

	ck_assert_int_eq(buf_read_file(&b, path), 0);
	ck_assert_str_eq(buf_str(&b), "0123456789");
	c.max = 10;
	ck_assert_int_eq(cbuf_read_file(&c, path), 0);
	ck_assert_str_eq(buf_str(&c.b), "0123456789");
	buf_free(&c.b);
	c.max = 9;
	ck_assert_int_eq(cbuf_read_file(&c, path), EFBIG);
	buf_free(&c.b);
	ck_assert_int_eq(cbuf_read_file(&c, "/nonexistent/check_buf"), ENOENT);
	buf_free(&c.b);
	buf_free(&b);
	unlink(path);
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
	tcase_add_test(tc, test_uncapped_grows);
	tcase_add_test(tc, test_cap_refuses_and_keeps);
	tcase_add_test(tc, test_capped_appends);
	tcase_add_test(tc, test_capped_no_max);
	tcase_add_test(tc, test_read_file);
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
