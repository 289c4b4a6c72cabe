#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "metrics.h"

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p++;
	}
	return 0;
}

static int
count(const char *text, const char *s)
{
	int n = 0;

	while ((text = strstr(text, s)) != NULL) {
		n++;
		text++;
	}
	return n;
}

START_TEST(test_format_full)
{
	struct tally t;
	struct metrics_target tg[2] = {
		{ "spool", 3, 1000 },
		{ "odd \"name\"\\\n", 0, 0 },
	};
	struct metrics m;
	struct buf b = { 0 };
	const char *s;

	memset(&t, 0, sizeof(t));
	t.results[TALLY_OK] = 5;
	t.results[TALLY_NOT_MODIFIED] = 7;
	t.results[TALLY_HTTP] = 2;
	t.results[TALLY_TOO_LARGE] = 1;
	t.bytes = 123456;
	t.added = 10;
	t.updated = 2;
	t.duplicate = 1;
	t.exported = 9;
	t.last_success = 1700000000;
	memset(&m, 0, sizeof(m));
	m.total = &t;
	m.cycles = 4;
	m.feeds[METRICS_FEED_OK] = 6;
	m.feeds[METRICS_FEED_FAILING] = 2;
	m.feeds[METRICS_FEED_RETIRED] = 1;
	m.targets = tg;
	m.ntargets = 2;
	m.cycle_ms = 1234;
	m.cycle_end = 1700000100;
	m.started = 1690000000;
	m.now = 1000 + 42;
	metrics_format(&m, &b);
	s = buf_str(&b);
	ck_assert(has_line(s, "# TYPE tidings_feeds gauge"));
	ck_assert(has_line(s, "tidings_feeds{state=\"ok\"} 6"));
	ck_assert(has_line(s, "tidings_feeds{state=\"failing\"} 2"));
	ck_assert(has_line(s, "tidings_feeds{state=\"retired\"} 1"));
	ck_assert(has_line(s, "tidings_feeds{state=\"disabled\"} 0"));
	ck_assert(has_line(s, "# TYPE tidings_fetches_total counter"));
	ck_assert(has_line(s, "tidings_fetches_total{result=\"ok\"} 5"));
	ck_assert(has_line(s,
	    "tidings_fetches_total{result=\"not_modified\"} 7"));
	ck_assert(has_line(s, "tidings_fetches_total{result=\"http\"} 2"));
	ck_assert(has_line(s,
	    "tidings_fetches_total{result=\"too-large\"} 1"));
	/* every class is there, also at 0, so that rates have a series */
	ck_assert(has_line(s, "tidings_fetches_total{result=\"dns\"} 0"));
	ck_assert(has_line(s, "tidings_fetches_total{result=\"store\"} 0"));
	ck_assert(has_line(s, "tidings_fetch_bytes_total 123456"));
	ck_assert(has_line(s, "tidings_articles_total{outcome=\"new\"} 10"));
	ck_assert(has_line(s,
	    "tidings_articles_total{outcome=\"updated\"} 2"));
	ck_assert(has_line(s,
	    "tidings_articles_total{outcome=\"duplicate\"} 1"));
	ck_assert(has_line(s, "tidings_exported_total 9"));
	ck_assert(has_line(s, "tidings_cycles_total 4"));
	ck_assert(has_line(s, "tidings_export_pending{target=\"spool\"} 3"));
	ck_assert(has_line(s, "tidings_export_pending{target=\"odd "
	    "\\\"name\\\"\\\\\\n\"} 0"));
	ck_assert(has_line(s, "tidings_export_oldest_pending_age_seconds"
	    "{target=\"spool\"} 42"));
	ck_assert(has_line(s, "tidings_export_oldest_pending_age_seconds"
	    "{target=\"odd \\\"name\\\"\\\\\\n\"} 0"));
	ck_assert(has_line(s, "tidings_cycle_duration_seconds 1.234"));
	ck_assert(has_line(s,
	    "tidings_last_cycle_timestamp_seconds 1700000100"));
	ck_assert(has_line(s,
	    "tidings_last_success_timestamp_seconds 1700000000"));
	ck_assert(has_line(s, "tidings_start_time_seconds 1690000000"));
	/* one HELP and one TYPE per family, the text ends in a newline */
	ck_assert_int_eq(count(s, "# TYPE tidings_export_pending "), 1);
	ck_assert_int_eq(count(s, "# HELP tidings_export_pending "), 1);
	ck_assert_int_eq(count(s, "# TYPE "), 12);
	ck_assert_int_eq(s[b.len - 1], '\n');
	buf_free(&b);
}
END_TEST

START_TEST(test_format_unknowns_absent)
{
	struct metrics m;
	struct buf b = { 0 };
	const char *s;

	memset(&m, 0, sizeof(m));
	m.started = 5;
	metrics_format(&m, &b);
	s = buf_str(&b);
	/* no cycle and no success yet: no made-up zero times */
	ck_assert_ptr_null(strstr(s, "tidings_cycle_duration_seconds"));
	ck_assert_ptr_null(strstr(s, "tidings_last_cycle_timestamp"));
	ck_assert_ptr_null(strstr(s, "tidings_last_success"));
	/* no target, no target family */
	ck_assert_ptr_null(strstr(s, "tidings_export_pending"));
	ck_assert(has_line(s, "tidings_fetches_total{result=\"ok\"} 0"));
	ck_assert(has_line(s, "tidings_cycles_total 0"));
	ck_assert(has_line(s, "tidings_start_time_seconds 5"));
	buf_free(&b);
}
END_TEST

START_TEST(test_write_atomic)
{
	char dir[] = "/tmp/check_metrics.XXXXXX", path[256], got[64];
	struct stat sb;
	struct dirent *de;
	char ebuf[256];
	FILE *fp;
	DIR *dp;
	int files = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tidings.prom", dir);
	ck_assert_int_eq(metrics_write(path, "a 1\n", 4, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(metrics_write(path, "b 2\n", 4, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_uint_eq(fread(got, 1, sizeof(got), fp), 4);
	fclose(fp);
	ck_assert_int_eq(memcmp(got, "b 2\n", 4), 0);
	/* readable by the collector, whatever the umask */
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0644);
	/* no temporary file is left behind */
	ck_assert_ptr_nonnull(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.')
			files++;
	closedir(dp);
	ck_assert_int_eq(files, 1);
	unlink(path);
	rmdir(dir);

	/* a missing directory: an error naming the file */
	ck_assert_int_eq(metrics_write("/nonexistent/dir/t.prom", "x 1\n", 4,
	    ebuf, sizeof(ebuf)), ERR_IO);
	ck_assert_ptr_nonnull(strstr(ebuf, "/nonexistent/dir/t.prom"));
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_format_full);
	tcase_add_test(tc, test_format_unknowns_absent);
	tcase_add_test(tc, test_write_atomic);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
