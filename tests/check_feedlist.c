#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "feedlist.h"

static int
parse(struct feedlist *fl, struct conf_diag *d, const char *text)
{
	return feedlist_parse(fl, "/etc/tidings/feeds.d/x.conf", text,
	    strlen(text), d);
}

START_TEST(test_simple_list)
{
	struct feedlist fl = { 0 };
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&fl, &d,
	    "# my feeds\n"
	    "\n"
	    "https://example.org/feed.xml\n"
	    "   http://example.com/rss#frag   # trailing comment\r\n"
	    "/srv/feeds/local.xml\n"
	    "file:///srv/feeds/other.xml"), ERR_OK);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(fl.n, 4);
	ck_assert_str_eq(fl.feeds[0].url, "https://example.org/feed.xml");
	ck_assert_int_eq(fl.feeds[0].line, 3);
	ck_assert_int_eq(fl.feeds[0].enabled, 1);
	ck_assert_ptr_null(fl.feeds[0].name);
	ck_assert_str_eq(fl.feeds[1].url, "http://example.com/rss#frag");
	ck_assert_str_eq(fl.feeds[2].url, "file:///srv/feeds/local.xml");
	ck_assert_int_eq(fl.feeds[3].line, 6);
	feedlist_free(&fl);
}
END_TEST

START_TEST(test_options)
{
	struct feedlist fl = { 0 };
	struct conf_diag d = { 0 };
	const struct feedlist_feed *f;

	ck_assert_int_eq(parse(&fl, &d,
	    "https://example.org/a name=\"Example \\\"News\\\"\" interval=30m "
	    "tags=news,world user_agent=\"Mozilla/5.0 (X11)\" "
	    "auth_file=secrets/a charset=windows-1251 identity=link "
	    "enabled=no fulltext=always\n"
	    "https://example.org/b fulltext=never\n"
	    "https://example.org/c\n"), ERR_OK);
	ck_assert_uint_eq(fl.n, 3);
	ck_assert_int_eq(fl.feeds[0].fulltext, FULLTEXT_ALWAYS);
	ck_assert_int_eq(fl.feeds[1].fulltext, FULLTEXT_NEVER);
	ck_assert_int_eq(fl.feeds[2].fulltext, -1);	/* as [fetch] */
	f = &fl.feeds[0];
	ck_assert_str_eq(f->name, "Example \"News\"");
	ck_assert_int_eq(f->interval, 1800);
	ck_assert_uint_eq(f->ntags, 2);
	ck_assert_str_eq(f->tags[1], "world");
	ck_assert_str_eq(f->user_agent, "Mozilla/5.0 (X11)");
	ck_assert_str_eq(f->auth_file, "/etc/tidings/feeds.d/secrets/a");
	ck_assert_str_eq(f->charset, "windows-1251");
	ck_assert_int_eq(f->identity, DEDUP_LINK);
	ck_assert_int_eq(f->enabled, 0);
	ck_assert_ptr_eq(feedlist_find(&fl, "Example \"News\""), f);
	ck_assert_ptr_eq(feedlist_find(&fl, "https://example.org/a"), f);
	ck_assert_ptr_null(feedlist_find(&fl, "nope"));
	feedlist_free(&fl);
}
END_TEST

START_TEST(test_errors)
{
	struct feedlist fl = { 0 };
	struct conf_diag d = { 0 };

	ck_assert_int_eq(parse(&fl, &d,
	    "ftp://example.org/feed\n"			/* 1 */
	    "https://example.org/a nmae=x\n"		/* 2 */
	    "https://example.org/b interval=soon\n"	/* 3 */
	    "https://example.org/c name=\"open\n"	/* 4 */
	    "https://example.org/d charset=klingon\n"	/* 5 */
	    "https://example.org/e name=a name=b\n"	/* 6 */
	    "name=x https://example.org/f\n"		/* 7 */
	    "https:///nohost\n"				/* 8 */
	    "https://example.org/g bare\n"		/* 9 */
	    "https://example.org/h identity=title\n"	/* 10 */
	    "https://example.org/ok\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 10);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/feeds.d/x.conf:1: "
	    "ftp://example.org/feed: only http://, https:// and file:// URLs "
	    "can be feeds");
	ck_assert_str_eq(d.msgs[1], "/etc/tidings/feeds.d/x.conf:2: unknown "
	    "feed option \"nmae\" (did you mean \"name\"?)");
	ck_assert(strstr(d.msgs[2], "x.conf:3: interval: \"soon\"") != NULL);
	ck_assert(strstr(d.msgs[3], "x.conf:4: unbalanced quotes") != NULL);
	ck_assert(strstr(d.msgs[4], "x.conf:5: charset: unknown") != NULL);
	ck_assert(strstr(d.msgs[5], "x.conf:6: name given twice") != NULL);
	ck_assert(strstr(d.msgs[6], "x.conf:7: a feed line starts with its "
	    "URL") != NULL);
	ck_assert(strstr(d.msgs[7], "x.conf:8: https:///nohost: URL has no "
	    "host") != NULL);
	ck_assert(strstr(d.msgs[8], "x.conf:9: expected key=value, not "
	    "\"bare\"") != NULL);
	ck_assert(strstr(d.msgs[9], "x.conf:10: identity: \"title\"") != NULL);
	/* Broken lines add nothing; the good one is kept. */
	ck_assert_uint_eq(fl.n, 1);
	ck_assert_str_eq(fl.feeds[0].url, "https://example.org/ok");
	conf_diag_free(&d);
	feedlist_free(&fl);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

START_TEST(test_load_dir_and_duplicates)
{
	char dir[] = "/tmp/check_feedlist.XXXXXX", path[256];
	struct conf c;
	struct conf_diag d = { 0 };
	struct feedlist fl = { 0 };
	const char *main_text =
	    "[feeds]\n"
	    "https://example.org/main name=Main\n";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/feeds.d", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/feeds.d/b.conf", dir);
	write_file(path, "https://example.org/b1\nhttps://example.org/main\n");
	snprintf(path, sizeof(path), "%s/feeds.d/a.conf", dir);
	write_file(path, "https://example.org/a1 name=Main\n"
	    "https://example.org/a2\n");
	snprintf(path, sizeof(path), "%s/feeds.d/ignored.txt", dir);
	write_file(path, "https://example.org/never\n");
	snprintf(path, sizeof(path), "%s/tidings.conf", dir);
	write_file(path, main_text);

	ck_assert_int_eq(conf_load(&c, path, &d), ERR_OK);
	ck_assert_int_eq(feedlist_load(&fl, &c, NULL, &d), ERR_INVALID);
	/* Main file first, then feeds.d in name order. */
	ck_assert_uint_eq(fl.n, 5);
	ck_assert_str_eq(fl.feeds[0].url, "https://example.org/main");
	ck_assert_str_eq(fl.feeds[1].url, "https://example.org/a1");
	ck_assert_str_eq(fl.feeds[3].url, "https://example.org/b1");
	ck_assert_ptr_null(feedlist_find(&fl, "https://example.org/never"));
	ck_assert_uint_eq(d.n, 2);
	ck_assert(strstr(d.msgs[0], "a.conf:1: feed name \"Main\" already "
	    "used at ") != NULL);
	ck_assert(strstr(d.msgs[0], "tidings.conf:2") != NULL);
	ck_assert(strstr(d.msgs[1], "b.conf:2: feed https://example.org/main "
	    "already listed at ") != NULL);
	conf_diag_free(&d);
	feedlist_free(&fl);

	/* --feeds replaces everything. */
	snprintf(path, sizeof(path), "%s/feeds.d/a.conf", dir);
	ck_assert_int_eq(feedlist_load(&fl, &c, path, &d), ERR_OK);
	ck_assert_uint_eq(fl.n, 2);
	feedlist_free(&fl);
	ck_assert_int_eq(feedlist_load(&fl, &c, "/nonexistent/list", &d),
	    ERR_IO);
	ck_assert_str_eq(d.msgs[0], "/nonexistent/list: No such file or "
	    "directory");
	conf_diag_free(&d);
	feedlist_free(&fl);
	conf_free(&c);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* A configured feeds pattern must match a file; the default may match
 * nothing; a matched file that lists no feed is an empty list. */
/* Each repeat names the first feed before it that it repeats, by url or
 * by name, whichever comes first; the url when one feed is both. */
START_TEST(test_duplicates_first_match)
{
	char dir[] = "/tmp/check_feedlist.XXXXXX", path[256], list[300];
	struct conf c;
	struct conf_diag d = { 0 };
	struct feedlist fl = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tidings.conf", dir);
	write_file(path, "[daemon]\nfeeds = list.conf\n");
	snprintf(list, sizeof(list), "%s/list.conf", dir);
	write_file(list, "https://e.org/x name=A\n"
	    "https://e.org/y name=B\n"
	    "https://e.org/y name=A\n"	/* name A at 1 before url y at 2 */
	    "https://e.org/x name=B\n"	/* url x at 1 before name B at 2 */
	    "https://e.org/z name=C\n"
	    "https://e.org/y name=C\n"	/* url y at 2 before name C at 5 */
	    "https://e.org/w name=A\n"	/* the first A, not the repeats */
	    "https://e.org/v\n"
	    "https://e.org/v\n");
	ck_assert_int_eq(conf_load(&c, path, &d), ERR_OK);
	ck_assert_int_eq(feedlist_load(&fl, &c, NULL, &d), ERR_INVALID);
	ck_assert_uint_eq(d.n, 5);
	ck_assert(strstr(d.msgs[0], "list.conf:3: feed name \"A\" already "
	    "used at ") != NULL && strstr(d.msgs[0], "list.conf:1") != NULL);
	ck_assert(strstr(d.msgs[1], "list.conf:4: feed https://e.org/x "
	    "already listed at ") != NULL &&
	    strstr(d.msgs[1], "list.conf:1") != NULL);
	ck_assert(strstr(d.msgs[2], "list.conf:6: feed https://e.org/y "
	    "already listed at ") != NULL &&
	    strstr(d.msgs[2], "list.conf:2") != NULL);
	ck_assert(strstr(d.msgs[3], "list.conf:7: feed name \"A\" already "
	    "used at ") != NULL && strstr(d.msgs[3], "list.conf:1") != NULL);
	ck_assert(strstr(d.msgs[4], "list.conf:9: feed https://e.org/v "
	    "already listed at ") != NULL &&
	    strstr(d.msgs[4], "list.conf:8") != NULL);
	conf_diag_free(&d);
	feedlist_free(&fl);
	conf_free(&c);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_load_configured_pattern)
{
	char dir[] = "/tmp/check_feedlist.XXXXXX", path[256], text[512];
	struct conf c;
	struct conf_diag d = { 0 };
	struct feedlist fl = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tidings.conf", dir);
	write_file(path, "[daemon]\n");
	ck_assert_int_eq(conf_load(&c, path, &d), ERR_OK);
	ck_assert_int_eq(feedlist_load(&fl, &c, NULL, &d), ERR_OK);
	ck_assert_uint_eq(fl.n, 0);
	conf_free(&c);

	write_file(path, "[daemon]\n# the list\nfeeds = lists/*.conf\n");
	ck_assert_int_eq(conf_load(&c, path, &d), ERR_OK);
	ck_assert_int_eq(feedlist_load(&fl, &c, NULL, &d), ERR_INVALID);
	ck_assert_uint_eq(d.n, 1);
	snprintf(text, sizeof(text), "%s:3: feeds: \"%s/lists/*.conf\" "
	    "matches no file", path, dir);
	ck_assert_str_eq(d.msgs[0], text);
	conf_diag_free(&d);

	snprintf(text, sizeof(text), "%s/lists", dir);
	ck_assert_int_eq(mkdir(text, 0700), 0);
	snprintf(text, sizeof(text), "%s/lists/empty.conf", dir);
	write_file(text, "# nothing yet\n");
	ck_assert_int_eq(feedlist_load(&fl, &c, NULL, &d), ERR_OK);
	ck_assert_uint_eq(fl.n, 0);
	ck_assert_uint_eq(d.n, 0);
	feedlist_free(&fl);
	conf_free(&c);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_format_round_trip)
{
	struct feedlist fl = { 0 }, back = { 0 };
	struct conf_diag d = { 0 };
	struct buf b = { 0 };
	struct feedlist_feed *f;

	f = feedlist_add(&fl, "https://example.org/a");
	f->name = strdup("Quotes \" and \\ and # and\nnewline");
	f->interval = 5400;
	f->tags = calloc(2, sizeof(char *));
	f->tags[0] = strdup("a b");
	f->tags[1] = strdup("c");
	f->ntags = 2;
	f->identity = DEDUP_CONTENT;
	f->enabled = 0;
	feedlist_format(f, &b);
	ck_assert_str_eq(buf_str(&b), "https://example.org/a name=\"Quotes \\\" "
	    "and \\\\ and # and newline\" interval=90m tags=\"a b,c\" "
	    "identity=content enabled=no\n");
	ck_assert_int_eq(feedlist_parse(&back, "t", b.data, b.len, &d), ERR_OK);
	ck_assert_uint_eq(back.n, 1);
	ck_assert_str_eq(back.feeds[0].name,
	    "Quotes \" and \\ and # and newline");
	ck_assert_int_eq(back.feeds[0].interval, 5400);
	ck_assert_str_eq(back.feeds[0].tags[0], "a b");
	ck_assert_int_eq(back.feeds[0].enabled, 0);
	buf_free(&b);
	feedlist_free(&fl);
	feedlist_free(&back);
}
END_TEST

/* Issue 15's network options: parsed, repeatable header=, secrets told
 * apart, and written back as they were read. */
START_TEST(test_network_options)
{
	struct feedlist fl = { 0 }, back = { 0 };
	struct conf_diag d = { 0 };
	struct buf b = { 0 };
	const struct feedlist_feed *f;

	ck_assert_int_eq(parse(&fl, &d,
	    "https://example.org/a proxy=socks5h://127.0.0.1:1080 "
	    "header=\"X-One: 1\" header=\"Authorization: Bearer t\" "
	    "cookie_file=c.txt http_version=1.1 ca_file=/etc/ca.pem "
	    "insecure_tls=no\n"), ERR_OK);
	ck_assert_uint_eq(d.n, 0);
	f = &fl.feeds[0];
	ck_assert_str_eq(f->proxy, "socks5h://127.0.0.1:1080");
	ck_assert_uint_eq(f->nheaders, 2);
	ck_assert_str_eq(f->headers[1], "Authorization: Bearer t");
	ck_assert_str_eq(f->cookie_file, "/etc/tidings/feeds.d/c.txt");
	ck_assert_int_eq(f->http_version, 11);
	ck_assert_str_eq(f->ca_file, "/etc/ca.pem");
	ck_assert_int_eq(feedlist_header_secret(f->headers[0]), 0);
	ck_assert_int_eq(feedlist_header_secret(f->headers[1]), 1);
	ck_assert_int_eq(feedlist_header_secret("X-Api-Key: k"), 1);
	ck_assert_int_eq(feedlist_header_secret("Cookie: a=b"), 1);
	ck_assert_int_eq(feedlist_header_secret("X-Upstream-Token: k"), 1);
	ck_assert_int_eq(feedlist_header_secret("Accept-Language: uk"), 0);
	feedlist_format(f, &b);
	ck_assert_int_eq(feedlist_parse(&back, "t", b.data, b.len, &d), ERR_OK);
	ck_assert_uint_eq(back.feeds[0].nheaders, 2);
	ck_assert_str_eq(back.feeds[0].headers[0], "X-One: 1");
	ck_assert_int_eq(back.feeds[0].http_version, 11);
	ck_assert_str_eq(back.feeds[0].proxy, "socks5h://127.0.0.1:1080");
	buf_free(&b);
	feedlist_free(&back);

	/* interval=auto: learned (scheduler.h), and written back so. */
	ck_assert_int_eq(parse(&back, &d, "https://example.org/auto "
	    "interval=auto\n"), ERR_OK);
	ck_assert_int_eq(back.feeds[0].interval, FEEDLIST_INTERVAL_AUTO);
	feedlist_format(&back.feeds[0], &b);
	ck_assert_str_eq(buf_str(&b), "https://example.org/auto "
	    "interval=auto\n");
	buf_free(&b);
	feedlist_free(&back);

	/* Refused, and the value of a header never quoted. */
	ck_assert_int_eq(parse(&fl, &d, "https://example.org/b "
	    "header=\"host: x\" header=\"X-Key: SECRET\r\" "
	    "insecure_tls=yes proxy=ftp://p http_version=3\n"), ERR_INVALID);
	ck_assert_uint_eq(d.n, 5);
	ck_assert_ptr_null(strstr(d.msgs[1], "SECRET"));
	ck_assert_ptr_nonnull(strstr(d.msgs[2], "ca_file"));
	ck_assert_uint_eq(fl.n, 1);
	conf_diag_free(&d);
	feedlist_free(&fl);
}
END_TEST

/* Credentials in a URL leave it when the list is read; a line written back
 * (import-opml) keeps them, as the list it came from did. */
START_TEST(test_url_credentials)
{
	struct feedlist fl = { 0 };
	struct conf_diag d = { 0 };
	struct buf b = { 0 };

	ck_assert_int_eq(parse(&fl, &d,
	    "https://alice:s3cret%40pw@example.org/feed.xml name=p\n"
	    "https://example.org/open.xml\n"), ERR_OK);
	ck_assert_uint_eq(fl.n, 2);
	ck_assert_str_eq(fl.feeds[0].url, "https://example.org/feed.xml");
	ck_assert_str_eq(fl.feeds[0].userinfo, "alice:s3cret%40pw");
	ck_assert_ptr_null(fl.feeds[1].userinfo);
	feedlist_format(&fl.feeds[0], &b);
	ck_assert_str_eq(buf_str(&b),
	    "https://alice:s3cret%40pw@example.org/feed.xml name=p\n");
	buf_free(&b);
	feedlist_free(&fl);
}
END_TEST

START_TEST(test_rules)
{
	struct feedlist fl = { 0 };
	struct conf_diag d = { 0 };
	struct buf b = { 0 };
	int keep;

	ck_assert_int_eq(parse(&fl, &d,
	    "https://example.org/a drop=\"title:/^(Sponsored|Ad)/\" "
	    "drop=author:bot keep=\"category:World News\"\n"
	    "https://example.org/b drop=tilte:x\n"
	    "https://example.org/c keep=title:/[a/\n"), ERR_INVALID);
	ck_assert_uint_eq(fl.n, 1);
	ck_assert_uint_eq(filter_count(fl.feeds[0].filter), 3);
	ck_assert_str_eq(filter_rule(fl.feeds[0].filter, 2, &keep),
	    "category:World News");
	ck_assert_int_eq(keep, 1);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.msgs[0], "/etc/tidings/feeds.d/x.conf:2: drop: "
	    "\"tilte:x\": unknown field \"tilte\" (did you mean \"title\"?)");
	ck_assert_msg(strstr(d.msgs[1], "x.conf:3: keep: \"title:/[a/\": bad "
	    "regular expression at character 1 of the pattern: ") != NULL,
	    "%s", d.msgs[1]);
	feedlist_format(&fl.feeds[0], &b);
	ck_assert_str_eq(buf_str(&b), "https://example.org/a "
	    "drop=title:/^(Sponsored|Ad)/ drop=author:bot "
	    "keep=\"category:World News\"\n");
	buf_free(&b);
	conf_diag_free(&d);
	feedlist_free(&fl);
}
END_TEST

static Suite *
feedlist_suite(void)
{
	Suite *s = suite_create("feedlist");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_simple_list);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_load_dir_and_duplicates);
	tcase_add_test(tc, test_duplicates_first_match);
	tcase_add_test(tc, test_load_configured_pattern);
	tcase_add_test(tc, test_format_round_trip);
	tcase_add_test(tc, test_url_credentials);
	tcase_add_test(tc, test_network_options);
	tcase_add_test(tc, test_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(feedlist_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
