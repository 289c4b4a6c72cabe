#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

struct pair {
	const char	*in;
	const char	*want;
};

static void
check_resolve(const char *base, const struct pair *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *got = url_resolve(base, c[i].in);

		ck_assert_msg(got != NULL && strcmp(got, c[i].want) == 0,
		    "resolve(\"%s\", \"%s\"): got \"%s\", want \"%s\"",
		    base ? base : "(null)", c[i].in, got ? got : "(null)",
		    c[i].want);
		free(got);
	}
}

static void
check_canonical(const struct pair *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *got = url_canonical(c[i].in);

		ck_assert_msg(got != NULL && strcmp(got, c[i].want) == 0,
		    "canonical(\"%s\"): got \"%s\", want \"%s\"", c[i].in,
		    got ? got : "(null)", c[i].want);
		free(got);
	}
}

/* RFC 3986 section 5.4.1 */
START_TEST(test_rfc3986_normal)
{
	static const struct pair c[] = {
		{ "g:h", "g:h" },
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		{ "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../", "http://a/" },
		{ "../../g", "http://a/g" },
	};

	check_resolve("http://a/b/c/d;p?q", c, N(c));
}
END_TEST

/* RFC 3986 section 5.4.2 (with the strict reading of "http:g") */
START_TEST(test_rfc3986_abnormal)
{
	static const struct pair c[] = {
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
		{ "http:g", "http:g" },
	};

	check_resolve("http://a/b/c/d;p?q", c, N(c));
}
END_TEST

START_TEST(test_resolve_more)
{
	static const struct pair frag[] = {
		{ "", "http://a/b/c/d;p?q" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "?", "http://a/b/c/d;p?" },
		{ "#", "http://a/b/c/d;p?q#" },
		{ " \t\r\n", "http://a/b/c/d;p?q" },
		{ "g", "http://a/b/c/g" },
	};
	static const struct pair nopath[] = {
		{ "g", "http://a/g" },
		{ "?y", "http://a?y" },
		{ "", "http://a" },
		{ "./g/../h", "http://a/h" },
	};
	static const struct pair feed[] = {
		{ "/en/news/1", "https://ukranews.example/en/news/1" },
		{ "news/2?x=1", "https://ukranews.example/en/news/2?x=1" },
		{ "  ../img/a.jpg\n", "https://ukranews.example/img/a.jpg" },
		{ "\t//cdn.example/x.png ", "https://cdn.example/x.png" },
		{ "//cdn.example/a/../x.png", "https://cdn.example/x.png" },
		{ "mailto:news@ukranews.example", "mailto:news@ukranews.example" },
		{ "javascript:alert(1)", "javascript:alert(1)" },
		{ "HTTPS://Other.example/./a", "HTTPS://Other.example/./a" },
		{ "  https://other.example/ ", "https://other.example/" },
		{ "%2e%2e/x", "https://ukranews.example/en/%2e%2e/x" },
		{ "a/b/c/../../../../../d", "https://ukranews.example/d" },
		{ "./", "https://ukranews.example/en/" },
	};
	/* the port stays, the base's credentials do not (test_userinfo) */
	static const struct pair auth[] = {
		{ "../c", "http://h:8080/c" },
		{ "/x?y#z", "http://h:8080/x?y#z" },
	};
	static const struct pair unresolved[] = {
		{ "g", "g" },
		{ " ../g ", "../g" },
		{ "#s", "#s" },
	};

	check_resolve("http://a/b/c/d;p?q#f", frag, N(frag));
	check_resolve("http://a", nopath, N(nopath));
	check_resolve(" https://ukranews.example/en/feed.xml ", feed, N(feed));
	check_resolve("http://u:p@h:8080/a/b", auth, N(auth));
	check_resolve(NULL, unresolved, N(unresolved));
	check_resolve("relative/base", unresolved, N(unresolved));
	check_resolve("", unresolved, N(unresolved));
	check_resolve("mailto:a@b.example", unresolved, N(unresolved));
	check_resolve("urn:isbn:0451450523", unresolved, N(unresolved));
	ck_assert_ptr_null(url_resolve("http://a/", NULL));
	ck_assert_ptr_null(url_resolve(NULL, NULL));
}
END_TEST

START_TEST(test_resolve_long)
{
	size_t n = 200000, i;
	char *ref = malloc(3 * n + 2), *got, *deep;

	ck_assert_ptr_nonnull(ref);
	for (i = 0; i < n; i++)
		memcpy(ref + 3 * i, "../", 3);
	strcpy(ref + 3 * n, "g");
	got = url_resolve("http://a/b/c/d", ref);
	ck_assert_str_eq(got, "http://a/g");
	free(got);

	/* a deep path climbs back out, one segment per ".." */
	deep = malloc(5 * n + 2);
	ck_assert_ptr_nonnull(deep);
	for (i = 0; i < n; i++)
		memcpy(deep + 2 * i, "x/", 2);
	for (i = 0; i < n; i++)
		memcpy(deep + 2 * n + 3 * i, "../", 3);
	strcpy(deep + 5 * n, "g");
	got = url_resolve("http://a/", deep);
	ck_assert_str_eq(got, "http://a/g");
	free(got);
	free(deep);
	free(ref);
}
END_TEST

/* Random references from URL-ish bytes: no crash (run under ASan), result
 * absolute, and no "." or ".." segment left in the path. */
START_TEST(test_resolve_random)
{
	static const char alpha[] = "/./..?#:@ab%&=";
	unsigned int seed = 12345;
	char ref[40];
	int i, k, len;

	for (i = 0; i < 20000; i++) {
		char *got, *end, *p;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % (sizeof(ref) - 1);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			ref[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		ref[len] = '\0';
		got = url_resolve("http://h/b/c/d?q#f", ref);
		ck_assert_ptr_nonnull(got);
		if (strchr(ref, ':') != NULL) {
			free(got);
			continue;
		}
		ck_assert_msg(strncmp(got, "http:", 5) == 0, "%s -> %s", ref,
		    got);
		p = got + 5;
		if (p[0] == '/' && p[1] == '/')
			p += 2 + strcspn(p + 2, "/?#");
		end = p + strcspn(p, "?#");
		while (p < end) {
			const char *seg = *p == '/' ? p + 1 : p;
			size_t l = strcspn(seg, "/?#");

			ck_assert_msg(!(l == 1 && seg[0] == '.') &&
			    !(l == 2 && seg[0] == '.' && seg[1] == '.'),
			    "%s -> %s", ref, got);
			p = (char *)seg + l;
		}
		free(got);
		got = url_canonical(ref);
		ck_assert_ptr_nonnull(got);
		free(got);
		free(url_host(ref));
	}
}
END_TEST

START_TEST(test_canonical)
{
	static const struct pair c[] = {
		{ "https://ukranews.example/en/news/793512-blinken-meets-zelensky-in-kyiv?utm_source=rss&utm_medium=feed",
		    "https://ukranews.example/en/news/793512-blinken-meets-zelensky-in-kyiv" },
		{ "https://x.example/?a=1&utm_source=rss&b=2#frag",
		    "https://x.example/?a=1&b=2#frag" },
		{ "https://x.example/p?utm_source=a&utm_medium=b&utm_campaign=c&utm_term=d&utm_content=e&utm_id=f",
		    "https://x.example/p" },
		{ "https://x.example/?UTM_Source=a&q=1", "https://x.example/?q=1" },
		{ "https://x.example/?fbclid=abc", "https://x.example/" },
		{ "https://x.example/?gclid=1#top", "https://x.example/#top" },
		{ "https://x.example/a?q=1&fbclid=IwAR&gclid=x&gclsrc=aw.ds&dclid=d&gbraid=g&wbraid=w&msclkid=m&mc_cid=c&mc_eid=e&yclid=y&_hsenc=h&_hsmi=i&igshid=j&mkt_tok=k&ref_src=twsrc",
		    "https://x.example/a?q=1" },
		{ "https://x.example/?fbclid", "https://x.example/" },
		{ "https://x.example/?a&&fbclid=1&b", "https://x.example/?a&b" },
		/* nothing to remove: the query stays byte for byte */
		{ "https://x.example/?a&&b", "https://x.example/?a&&b" },
		{ "https://x.example/?", "https://x.example/?" },
		{ "https://x.example/?a=1&b=2", "https://x.example/?a=1&b=2" },
		/* near misses are not tracking parameters */
		{ "https://x.example/?utm=1&utm_=2&ref=rss&a=utm_source&source=rss",
		    "https://x.example/?utm=1&utm_=2&ref=rss&a=utm_source&source=rss" },
		{ "https://x.example/?xfbclid=1&fbclid2=2",
		    "https://x.example/?xfbclid=1&fbclid2=2" },
		/* the fragment is not a query */
		{ "https://x.example/#utm_source=a", "https://x.example/#utm_source=a" },
		{ "https://x.example/?a=1#b?utm_source=x",
		    "https://x.example/?a=1#b?utm_source=x" },
		/* case: scheme and host only */
		{ "HTTPS://Example.COM/Path?Q=1#F", "https://Example.COM/Path?Q=1#F" },
		{ "http://User:Pass@Example.COM:8080/", "http://User:Pass@Example.COM:8080/" },
		{ "HTTP://[FE80::1]/", "http://[FE80::1]/" },
		{ "  https://x.example/a \n", "https://x.example/a" },
		{ "/relative?utm_source=x&a=1", "/relative?a=1" },
		{ "", "" },
		{ "mailto:Someone@Example.com", "mailto:Someone@Example.com" },
	};

	check_canonical(c, N(c));
	ck_assert_ptr_null(url_canonical(NULL));
}
END_TEST

START_TEST(test_has_scheme)
{
	static const struct {
		const char	*url, *schemes;
		int		 want;
	} c[] = {
		{ "http://x", "http,https", 1 },
		{ "https://x", "http,https", 1 },
		{ "HTTPS://x", "http,https", 1 },
		{ "https://x", "HTTP,HTTPS", 1 },
		{ "  http://x", "http", 1 },
		{ "http://x", "https, http", 1 },
		{ "mailto:a@b", "mailto", 1 },
		{ "ftp://x", "http,https", 0 },
		{ "httpx://x", "http", 0 },
		{ "http://x", "https", 0 },
		{ "https://x", "http", 0 },
		{ "http", "http", 0 },
		{ "/x", "http", 0 },
		{ "//x/y", "http", 0 },
		{ "h:x", "http", 0 },
		{ "javascript:alert(1)", "http,https", 0 },
		{ "1http://x", "http", 0 },
		{ "http://x", "", 0 },
		{ "http://x", ",,", 0 },
		{ "", "http", 0 },
	};
	size_t i;

	for (i = 0; i < N(c); i++)
		ck_assert_msg(url_has_scheme(c[i].url, c[i].schemes) ==
		    c[i].want, "%s in %s", c[i].url, c[i].schemes);
	ck_assert_int_eq(url_has_scheme(NULL, "http"), 0);
	ck_assert_int_eq(url_has_scheme("http://x", NULL), 0);
}
END_TEST

START_TEST(test_host)
{
	static const struct pair c[] = {
		{ "https://Example.COM:8080/x", "example.com" },
		{ "http://user:pw@h.example/x", "h.example" },
		{ "http://a@b@c.example/", "c.example" },
		{ "http://[::1]:80/", "[::1]" },
		{ "http://h.example?q", "h.example" },
		{ "http://h.example#f", "h.example" },
		{ " http://h.example ", "h.example" },
	};
	static const char *const none[] = {
		"mailto:a@b.example", "/x", "//h.example/x", "http:///x",
		"http://u@/x", "http://[::1", "http://:80/", "", "h.example",
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		char *got = url_host(c[i].in);

		ck_assert_msg(got != NULL && strcmp(got, c[i].want) == 0,
		    "host(\"%s\"): got \"%s\"", c[i].in, got ? got : "(null)");
		free(got);
	}
	for (i = 0; i < N(none); i++) {
		char *got = url_host(none[i]);

		ck_assert_msg(got == NULL, "host(\"%s\"): got \"%s\"", none[i],
		    got);
	}
	ck_assert_ptr_null(url_host(NULL));
}
END_TEST

/* Credentials in a feed URL are for fetching it: links resolved against
 * it never carry them, and the URL tidings keeps has none. */
START_TEST(test_userinfo)
{
	static const struct pair res[] = {
		{ "img.png", "http://h.example/d/img.png" },
		{ "/a", "http://h.example/a" },
		{ "?q", "http://h.example/d/feed?q" },
		{ "", "http://h.example/d/feed" },
		{ "#f", "http://h.example/d/feed#f" },
		{ "//bob@o.example/x", "http://bob@o.example/x" },
		{ "http://carol:pw@o.example/", "http://carol:pw@o.example/" },
	};
	static const struct pair strip[] = {
		{ "http://alice:s3cretpw@h.example:8080/f?a=b@c#@",
		    "http://h.example:8080/f?a=b@c#@" },
		{ "https://a@b@h.example/", "https://h.example/" },
		{ "http://@h.example/", "http://h.example/" },
		{ "http://h.example/a@b", "http://h.example/a@b" },
		{ "file:///x/y@z.xml", "file:///x/y@z.xml" },
		{ "mailto:a@b.example", "mailto:a@b.example" },
	};
	char *got, *ui;
	size_t i;

	for (i = 0; i < N(res); i++) {
		got = url_resolve("http://alice:s3cretpw@h.example/d/feed",
		    res[i].in);
		ck_assert_msg(strcmp(got, res[i].want) == 0,
		    "resolve(\"%s\"): got \"%s\"", res[i].in, got);
		free(got);
	}
	for (i = 0; i < N(strip); i++) {
		got = url_strip_userinfo(strip[i].in, NULL);
		ck_assert_msg(strcmp(got, strip[i].want) == 0,
		    "strip(\"%s\"): got \"%s\"", strip[i].in, got);
		free(got);
	}
	got = url_strip_userinfo("http://al%69ce:p%40ss%3Aw%00rd@h/", &ui);
	ck_assert_str_eq(got, "http://h/");
	ck_assert_str_eq(ui, "al%69ce:p%40ss%3Aw%00rd");
	free(got);
	got = url_userinfo_decode(ui);
	ck_assert_str_eq(got, "alice:p@ss:w%00rd");
	free(got);
	free(ui);
	got = url_strip_userinfo("http://h/x", &ui);
	ck_assert_ptr_null(ui);
	free(got);
	got = url_userinfo_decode("%4%zz%");
	ck_assert_str_eq(got, "%4%zz%");
	free(got);
	ck_assert_ptr_null(url_strip_userinfo(NULL, &ui));
	ck_assert_ptr_null(ui);
}
END_TEST

/* Prefixes in buffers of their exact size: ASan catches any read past NUL. */
START_TEST(test_prefixes_in_exact_buffers)
{
	static const char *const full[] = {
		"HTTP://User@Example.com:80/a/./b/../c;p?q=1&utm_source=x#f",
		"//g/../x?fbclid=1",
		"../../g/.",
		"http://[::1]:8080/",
	};
	size_t i, k, len;

	for (i = 0; i < N(full); i++) {
		len = strlen(full[i]);
		for (k = 0; k <= len; k++) {
			char *s = malloc(k + 1);

			ck_assert_ptr_nonnull(s);
			memcpy(s, full[i], k);
			s[k] = '\0';
			free(url_resolve("http://a/b/c/d;p?q", s));
			free(url_resolve(s, "../x"));
			free(url_canonical(s));
			free(url_host(s));
			(void)url_has_scheme(s, "http,https");
			free(s);
		}
	}
}
END_TEST

static Suite *
url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rfc3986_normal);
	tcase_add_test(tc, test_rfc3986_abnormal);
	tcase_add_test(tc, test_resolve_more);
	tcase_add_test(tc, test_resolve_long);
	tcase_add_test(tc, test_resolve_random);
	tcase_add_test(tc, test_canonical);
	tcase_add_test(tc, test_has_scheme);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_userinfo);
	tcase_add_test(tc, test_prefixes_in_exact_buffers);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(url_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
