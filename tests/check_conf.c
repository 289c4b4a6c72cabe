#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "log.h"

static int
parse(struct conf *c, struct conf_diag *d, const char *text)
{
	conf_init(c);
	return conf_parse(c, "/etc/tidings/tidings.conf", text, strlen(text), d);
}

/* keep and drop are lists; a bad rule names its line, an unknown field
 * gets "did you mean". */
START_TEST(test_export_rules)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[export a]\n"
	    "dir = /tmp/a\n"
	    "drop = title:/^(Sponsored|Advertisement)/\n"
	    "drop = author:PR desk\n"
	    "keep = category:Politics\n"
	    "[export b]\n"
	    "dir = /tmp/b\n"
	    "drop = titel:x\n"
	    "keep = \"text:/a(b/\"\n"
	    "drop = link:/(x)\\1/\n"
	    "keep = nonsense\n"), ERR_INVALID);
	ck_assert_uint_eq(c.exports[0].ndrop, 2);
	ck_assert_str_eq(c.exports[0].drop[1], "author:PR desk");
	ck_assert_uint_eq(c.exports[0].nkeep, 1);
	ck_assert_str_eq(c.exports[0].keep[0], "category:Politics");
	ck_assert_uint_eq(c.exports[1].ndrop + c.exports[1].nkeep, 0);
	ck_assert_uint_eq(d.n, 4);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/tidings.conf:8: drop: "
	    "\"titel:x\": unknown field \"titel\" (did you mean \"title\"?)");
	ck_assert_msg(strstr(d.msgs[1], "tidings.conf:9: keep: \"text:/a(b/\": "
	    "bad regular expression at character 2 of the pattern: ") != NULL,
	    "%s", d.msgs[1]);
	ck_assert_msg(strstr(d.msgs[2], "tidings.conf:10: drop: "
	    "\"link:/(x)\\1/\": back-reference at character 4") != NULL, "%s",
	    d.msgs[2]);
	ck_assert(strstr(d.msgs[3], "tidings.conf:11: keep: \"nonsense\": a "
	    "rule is FIELD:PATTERN") != NULL);
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_units)
{
	int v;
	size_t s;

	ck_assert_int_eq(conf_parse_duration("90", &v), 0);
	ck_assert_int_eq(v, 90);
	ck_assert_int_eq(conf_parse_duration("15m", &v), 0);
	ck_assert_int_eq(v, 900);
	ck_assert_int_eq(conf_parse_duration("2h", &v), 0);
	ck_assert_int_eq(v, 7200);
	ck_assert_int_eq(conf_parse_duration("1w", &v), 0);
	ck_assert_int_eq(v, 604800);
	ck_assert_int_eq(conf_parse_duration("1x", &v), -1);
	ck_assert_int_eq(conf_parse_duration("m", &v), -1);
	ck_assert_int_eq(conf_parse_duration("-5", &v), -1);
	ck_assert_int_eq(conf_parse_duration("10mm", &v), -1);
	ck_assert_int_eq(conf_parse_duration("99999999999d", &v), -1);
	ck_assert_int_eq(conf_parse_size("16M", &s), 0);
	ck_assert_uint_eq(s, 16u << 20);
	ck_assert_int_eq(conf_parse_size("512kB", &s), 0);
	ck_assert_uint_eq(s, 512u << 10);
	ck_assert_int_eq(conf_parse_size("1T", &s), -1);
	ck_assert_int_eq(conf_parse_bool("Yes", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(conf_parse_bool("off", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(conf_parse_bool("maybe", &v), -1);
}
END_TEST

/* A database named by a libpq URI stays as written, not a path under
 * the configuration's directory. */
START_TEST(test_db_uri)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d, "[daemon]\n"
	    "db = postgresql://tidings@db.example/news?sslmode=require\n"),
	    ERR_OK);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(c.db_path,
	    "postgresql://tidings@db.example/news?sslmode=require");
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\ndb = postgres:///news\n"),
	    ERR_OK);
	ck_assert_str_eq(c.db_path, "postgres:///news");
	conf_free(&c);
}
END_TEST

START_TEST(test_defaults_and_values)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "# comment\n"
	    "[daemon]\n"
	    "db = state/t.db   # relative to the file\n"
	    "log_level = debug\n"
	    "\n"
	    "[fetch]\r\n"
	    "max_transfers = 64\n"
	    "host_rate = 0.5\n"
	    "timeout = 2m\n"
	    "max_body = 8M\n"
	    "user_agent = \"my agent #1 \\\"quoted\\\"\"\n"
	    "[store]\n"
	    "keep_days = 30\n"), ERR_OK);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(c.db_path, "/etc/tidings/state/t.db");
	ck_assert_str_eq(c.feeds_glob, "/etc/tidings/feeds.d/*.conf");
	ck_assert_int_eq(c.log_level, LOG_LVL_DEBUG);
	ck_assert_int_eq(c.fetch.max_transfers, 64);
	ck_assert(c.fetch.host_rate == 0.5);
	ck_assert_int_eq(c.fetch.timeout, 120);
	ck_assert_uint_eq(c.fetch.max_body, 8u << 20);
	ck_assert_str_eq(c.fetch.user_agent, "my agent #1 \"quoted\"");
	ck_assert_int_eq(c.keep_days, 30);
	ck_assert_int_eq(c.interval, 3600);	/* untouched default */
	ck_assert_str_eq(c.add_file, "/etc/tidings/feeds.d/added.conf");
	conf_free(&c);

	/* tidings add's list, relative to the file */
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nadd_file = mine/new.conf\n"),
	    ERR_OK);
	ck_assert_str_eq(c.add_file, "/etc/tidings/mine/new.conf");
	conf_free(&c);
}
END_TEST

/* Issue 12: the page keys of teaser feeds, their defaults and errors. */
START_TEST(test_fulltext_keys)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d, "[fetch]\n"), ERR_OK);
	ck_assert_int_eq(c.fulltext, FULLTEXT_AUTO);
	ck_assert_uint_eq(c.max_page, 5u << 20);
	ck_assert_int_eq(c.fulltext_wait, 600);
	ck_assert_int_eq(c.allow_private_pages, 0);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[fetch]\nfulltext = always\n"
	    "max_page = 2M\nfulltext_wait = 90s\nallow_private_pages = yes\n"),
	    ERR_OK);
	ck_assert_int_eq(c.fulltext, FULLTEXT_ALWAYS);
	ck_assert_uint_eq(c.max_page, 2u << 20);
	ck_assert_int_eq(c.fulltext_wait, 90);
	ck_assert_int_eq(c.allow_private_pages, 1);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[fetch]\nfulltext = sometimes\n"
	    "max_page = 1Q\nfulltext_wait = soon\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/tidings.conf:2: fulltext: "
	    "\"sometimes\" is not one of auto, always, never");
	ck_assert_str_eq(d.msgs[1], "/etc/tidings/tidings.conf:3: max_page: "
	    "\"1Q\" is not a size (like 512k, 16M)");
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_errors_name_lines)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[fetch]\n"
	    "timout = 10\n"		/* 2: typo */
	    "max_transfers = 0\n"	/* 3: below minimum */
	    "[demon]\n"			/* 4: unknown section */
	    "x = 1\n"			/* 5: skipped quietly */
	    "[store]\n"
	    "keep_days\n"		/* 7: no '=' */
	    "zzzzzz = 1\n"), ERR_INVALID);	/* 8: no suggestion */
	ck_assert_uint_eq(d.n, 5);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/tidings.conf:2: unknown key "
	    "\"timout\" in [fetch] (did you mean \"timeout\"?)");
	ck_assert_str_eq(d.msgs[1], "/etc/tidings/tidings.conf:3: "
	    "max_transfers: must be at least 1");
	ck_assert_str_eq(d.msgs[2], "/etc/tidings/tidings.conf:4: unknown "
	    "section [demon] (did you mean [daemon]?)");
	ck_assert_str_eq(d.msgs[3], "/etc/tidings/tidings.conf:7: expected "
	    "\"key = value\"");
	ck_assert_str_eq(d.msgs[4], "/etc/tidings/tidings.conf:8: unknown key "
	    "\"zzzzzz\" in [store]");
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_exports_and_feeds)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[export spool]\n"
	    "dir = /var/spool/tidings\n"
	    "format = json\n"
	    "feeds = a, b ,,c\n"
	    "updates = yes\n"
	    "[export hook]\n"
	    "format = exec\n"
	    "command = /usr/local/bin/notify --flag\n"
	    "retries = 0\n"
	    "retry_base = 30s\n"
	    "retry_max = 2h\n"
	    "[feeds]\n"
	    "# a comment\n"
	    "https://example.org/a.xml name=\"A # not a comment\"\n"
	    "\n"
	    "https://example.org/b.xml\n"), ERR_OK);
	ck_assert_uint_eq(c.nexports, 2);
	ck_assert_str_eq(c.exports[0].name, "spool");
	ck_assert_int_eq(c.exports[0].format, EXPORT_FMT_JSON);
	ck_assert_uint_eq(c.exports[0].nfeeds, 3);
	ck_assert_str_eq(c.exports[0].feeds[1], "b");
	ck_assert_int_eq(c.exports[0].updates, 1);
	ck_assert_int_eq(c.exports[0].fsync, 1);
	ck_assert_int_eq(c.exports[1].format, EXPORT_FMT_EXEC);
	ck_assert_str_eq(c.exports[1].command, "/usr/local/bin/notify --flag");
	ck_assert_int_eq(c.exports[1].retries, 0);
	ck_assert_int_eq(c.exports[1].retry_base, 30);
	ck_assert_int_eq(c.exports[1].retry_max, 7200);
	/* the defaults: 10 s doubling to an hour, 5 retries */
	ck_assert_int_eq(c.exports[0].retries, 5);
	ck_assert_int_eq(c.exports[0].retry_base, 10);
	ck_assert_int_eq(c.exports[0].retry_max, 3600);
	ck_assert_uint_eq(c.nfeed_lines, 2);
	ck_assert_int_eq(c.feed_lines[0].line, 14);
	ck_assert_str_eq(c.feed_lines[0].text,
	    "https://example.org/a.xml name=\"A # not a comment\"");
	ck_assert_int_eq(c.feed_lines[1].line, 16);
	conf_free(&c);
}
END_TEST

START_TEST(test_export_checks)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[export a]\n"
	    "format = mbox\n"
	    "[export a]\n"
	    "[export]\n"
	    "[export b/c]\n"
	    "[export e]\n"
	    "format = exec\n"
	    "retry_base = 0\n"
	    "[export r]\n"
	    "dir = /tmp\n"
	    "retries = -1\n"
	    "retry_base = 2h\n"
	    "retry_max = 1h\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 9);
	ck_assert(strstr(d.msgs[0], ":2: format: \"mbox\"") != NULL);
	ck_assert(strstr(d.msgs[1], ":3: export \"a\" already defined at "
	    "line 1") != NULL);
	ck_assert(strstr(d.msgs[2], ":4: [export] needs a name") != NULL);
	ck_assert(strstr(d.msgs[3], ":5: export name \"b/c\"") != NULL);
	ck_assert(strstr(d.msgs[4], ":8: retry_base: must be at least 1 "
	    "second") != NULL);
	ck_assert(strstr(d.msgs[5], ":11: retries: must be at least 0") !=
	    NULL);
	/* the checks of whole sections come after the lines */
	ck_assert(strstr(d.msgs[6], ":1: export \"a\": no dir") != NULL);
	ck_assert(strstr(d.msgs[7], ":6: export \"e\": format exec needs a "
	    "command") != NULL);
	ck_assert(strstr(d.msgs[8], ":9: export \"r\": retry_base (7200s) "
	    "is above retry_max (3600s)") != NULL);
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

/* [export NAME] format = webhook: its keys, its defaults (timeout 30 s,
 * 4 requests at once; exec keeps 60 s and 1), and its checks. */
START_TEST(test_webhook)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[export hook]\n"
	    "format = webhook\n"
	    "url = https://example.org/in\n"
	    "secret_file = /etc/tidings/hook.secret\n"
	    "[export run]\n"
	    "format = exec\n"
	    "command = true\n"), ERR_OK);
	ck_assert_int_eq(c.exports[0].format, EXPORT_FMT_WEBHOOK);
	ck_assert_str_eq(c.exports[0].url, "https://example.org/in");
	ck_assert_str_eq(c.exports[0].secret_file, "/etc/tidings/hook.secret");
	ck_assert_int_eq(c.exports[0].timeout_ms, 30000);
	ck_assert_int_eq(c.exports[0].concurrency, 4);
	ck_assert_int_eq(c.exports[1].timeout_ms, 60000);
	ck_assert_int_eq(c.exports[1].concurrency, 1);
	conf_free(&c);

	ck_assert_int_eq(parse(&c, &d,
	    "[export a]\n"
	    "format = webhook\n"
	    "url = ftp://example.org/in\n"
	    "secret_file = s\n"
	    "timeout = 5s\n"
	    "[export b]\n"
	    "format = webhook\n"
	    "[export c]\n"
	    "dir = /tmp\n"
	    "url = http://example.org/\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 4);
	ck_assert(strstr(d.msgs[0], ":3: url: \"ftp://example.org/in\" is "
	    "not an http:// or https:// URL") != NULL);
	ck_assert(strstr(d.msgs[1], ":6: export \"b\": format webhook needs "
	    "a url") != NULL);
	ck_assert(strstr(d.msgs[2], ":6: export \"b\": format webhook needs "
	    "a secret_file") != NULL);
	ck_assert(strstr(d.msgs[3], ":8: export \"c\": url and secret_file "
	    "are only for format webhook") != NULL);
	ck_assert_int_eq(c.exports[0].timeout_ms, 5000);
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

/* A key set twice is an error at the second line, which is ignored; the
 * same key in another section, or in another export, is not a repeat. */
START_TEST(test_repeated_keys)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[daemon]\n"
	    "log_level = info\n"
	    "[fetch]\n"
	    "timeout = 30s\n"
	    "[export a]\n"
	    "dir = /tmp/a\n"
	    "timeout = 10s\n"
	    "[export b]\n"
	    "dir = /tmp/b\n"
	    "dir = /tmp/c\n"
	    "[daemon]\n"
	    "log_level = debug\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 2);
	ck_assert(strstr(d.msgs[0], ":10: dir: already set at line 9") !=
	    NULL);
	ck_assert(strstr(d.msgs[1], ":12: log_level: already set at line 2") !=
	    NULL);
	ck_assert_int_eq(c.log_level, LOG_LVL_INFO);
	ck_assert_str_eq(c.exports[1].dir, "/tmp/b");
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_min_max)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d,
	    "[fetch]\nmin_interval = 2h\nmax_interval = 1h\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 1);
	ck_assert(strstr(d.msgs[0], ":3: min_interval (7200s) is above "
	    "max_interval (3600s)") != NULL);
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_load_missing)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(conf_load(&c, "/nonexistent/tidings.conf", &d), ERR_IO);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msgs[0], "/nonexistent/tidings.conf: No such file "
	    "or directory");
	conf_diag_free(&d);
	conf_free(&c);
}
END_TEST

START_TEST(test_suggest)
{
	static const char *const names[] = { "interval", "min_interval",
	    "max_interval", NULL };

	ck_assert_str_eq(conf_suggest("intervall", names), "interval");
	ck_assert_str_eq(conf_suggest("max_intreval", names), "max_interval");
	ck_assert_ptr_null(conf_suggest("colour", names));
}
END_TEST

START_TEST(test_metrics_file)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d, "[daemon]\n"), ERR_OK);
	ck_assert_ptr_null(c.metrics_file);	/* none unless asked */
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d,
	    "[daemon]\nmetrics_file = prom/tidings.prom\n"), ERR_OK);
	ck_assert_str_eq(c.metrics_file, "/etc/tidings/prom/tidings.prom");
	conf_free(&c);
}
END_TEST

/* Issue 15: [fetch] interval = auto, proxy and insecure_tls. */
START_TEST(test_auto_proxy_tls)
{
	struct conf c;
	struct conf_diag d = { 0 };
	const char *why;

	ck_assert_int_eq(parse(&c, &d, "[fetch]\ninterval = auto\n"
	    "proxy = socks5h://127.0.0.1:1080\ninsecure_tls = no\n"), ERR_OK);
	ck_assert_int_eq(c.interval_auto, 1);
	ck_assert_int_eq(c.interval, 3600);
	ck_assert_str_eq(c.fetch.proxy, "socks5h://127.0.0.1:1080");
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[fetch]\ninterval = often\n"
	    "proxy = socks4://p:1\ninsecure_tls = yes\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "tidings.conf:2: interval"));
	ck_assert_ptr_nonnull(strstr(d.msgs[1], ":3: proxy: only http://"));
	ck_assert_ptr_nonnull(strstr(d.msgs[2], ":4: insecure_tls:"));
	ck_assert_ptr_nonnull(strstr(d.msgs[2], "ca_file"));
	conf_diag_free(&d);
	conf_free(&c);
	ck_assert_int_eq(conf_proxy_ok("HTTP://proxy.example:3128", &why), 1);
	ck_assert_int_eq(conf_proxy_ok("https://proxy.example/", &why), 1);
	ck_assert_int_eq(conf_proxy_ok("socks5://proxy.example", &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "socks5h"));
	ck_assert_int_eq(conf_proxy_ok("http://u:p@proxy.example", &why), 0);
	ck_assert_int_eq(conf_proxy_ok("http://", &why), 0);
	ck_assert_int_eq(conf_proxy_ok("http://a b", &why), 0);
}
END_TEST

/* parse_threads: auto (-1) unless set; a number from 0, or "auto". */
START_TEST(test_parse_threads)
{
	struct conf c;
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&c, &d, "[daemon]\n"), ERR_OK);
	ck_assert_int_eq(c.parse_threads, -1);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nparse_threads = 0\n"),
	    ERR_OK);
	ck_assert_int_eq(c.parse_threads, 0);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nparse_threads = 3\n"),
	    ERR_OK);
	ck_assert_int_eq(c.parse_threads, 3);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nparse_threads = auto\n"),
	    ERR_OK);
	ck_assert_int_eq(c.parse_threads, -1);
	conf_free(&c);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nparse_threads = -1\n"),
	    ERR_INVALID);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/tidings.conf:2: "
	    "parse_threads: must be at least 0");
	conf_free(&c);
	conf_diag_free(&d);
	ck_assert_int_eq(parse(&c, &d, "[daemon]\nparse_threads = many\n"),
	    ERR_INVALID);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/tidings.conf:2: "
	    "parse_threads: \"many\" is not a number (or auto)");
	conf_free(&c);
	conf_diag_free(&d);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_units);
	tcase_add_test(tc, test_defaults_and_values);
	tcase_add_test(tc, test_db_uri);
	tcase_add_test(tc, test_errors_name_lines);
	tcase_add_test(tc, test_fulltext_keys);
	tcase_add_test(tc, test_exports_and_feeds);
	tcase_add_test(tc, test_export_checks);
	tcase_add_test(tc, test_webhook);
	tcase_add_test(tc, test_repeated_keys);
	tcase_add_test(tc, test_min_max);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_metrics_file);
	tcase_add_test(tc, test_auto_proxy_tls);
	tcase_add_test(tc, test_export_rules);
	tcase_add_test(tc, test_parse_threads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
