#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "article_json.h"
#include "buf.h"
#include "jsonw.h"
#include "xmalloc.h"

/* Output of the writer so far, as a string the caller frees. */
struct sink {
	char	*data;
	size_t	 len;
	FILE	*fp;
	struct jsonw w;
};

static struct sink *
sink_new(void)
{
	struct sink *k = xcalloc(1, sizeof(*k));

	k->fp = open_memstream(&k->data, &k->len);
	ck_assert_ptr_nonnull(k->fp);
	jsonw_init(&k->w, k->fp);
	return k;
}

static char *
sink_done(struct sink *k)
{
	char *s;

	ck_assert_int_eq(jsonw_flush(&k->w), 0);
	fclose(k->fp);
	s = k->data;
	free(k);
	return s;
}

/* What jansson writes for the string s (null when it refuses s). */
static char *
jansson_string(const char *s)
{
	json_t *j = json_string(s);
	char *out;

	if (j == NULL)
		return xstrdup("null");
	out = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return out;
}

static void
same_as_jansson(const char *s)
{
	struct sink *k = sink_new();
	char *got, *want;

	jsonw_string(&k->w, s);
	got = sink_done(k);
	want = jansson_string(s);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}

START_TEST(test_structure)
{
	struct sink *k = sink_new();
	char *s;

	jsonw_object_begin(&k->w);
	jsonw_key(&k->w, "a");
	jsonw_array_begin(&k->w);
	jsonw_integer(&k->w, -12);
	jsonw_null(&k->w);
	jsonw_bool(&k->w, 1);
	jsonw_bool(&k->w, 0);
	jsonw_object_begin(&k->w);
	jsonw_object_end(&k->w);
	jsonw_array_begin(&k->w);
	jsonw_array_end(&k->w);
	jsonw_string(&k->w, NULL);
	jsonw_array_end(&k->w);
	jsonw_key(&k->w, "k\"2");
	jsonw_string(&k->w, "v");
	jsonw_object_end(&k->w);
	jsonw_raw(&k->w, "\n", 1);
	s = sink_done(k);
	ck_assert_str_eq(s,
	    "{\"a\":[-12,null,true,false,{},[],null],\"k\\\"2\":\"v\"}\n");
	free(s);
}
END_TEST

/* The hand-made digits against printf's, at the edges. */
START_TEST(test_integers_like_printf)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 100,
	    1234567890123LL, -987654321LL, LLONG_MAX, LLONG_MIN,
	    LLONG_MIN + 1 };
	struct sink *k = sink_new();
	struct buf want = { 0 };
	size_t i;
	char *got;

	jsonw_array_begin(&k->w);
	buf_putc(&want, '[');
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		jsonw_integer(&k->w, v[i]);
		buf_printf(&want, "%s%lld", i ? "," : "", v[i]);
	}
	jsonw_array_end(&k->w);
	buf_putc(&want, ']');
	got = sink_done(k);
	ck_assert_str_eq(got, buf_str(&want));
	free(got);
	buf_free(&want);
}
END_TEST

/* Keys take a shortcut when they need no escape and fit the buffer:
 * thousands of them, some escaped, across many buffer flushes. */
START_TEST(test_many_keys)
{
	struct sink *k = sink_new();
	struct buf want = { 0 };
	char key[32];
	int i;
	char *got;

	jsonw_object_begin(&k->w);
	buf_putc(&want, '{');
	for (i = 0; i < 20000; i++) {
		if (i % 7 == 0) {
			snprintf(key, sizeof(key), "k\"%d\t", i);
			buf_printf(&want, "%s\"k\\\"%d\\t\":%d", i ? "," : "",
			    i, i);
		} else if (i % 7 == 1) {
			/* the literal path, wherever the buffer stands */
			JSONW_KEY(&k->w, "a_literal_key");
			jsonw_integer(&k->w, i);
			buf_printf(&want, ",\"a_literal_key\":%d", i);
			continue;
		} else {
			snprintf(key, sizeof(key), "key%d", i);
			buf_printf(&want, "%s\"key%d\":%d", i ? "," : "", i,
			    i);
		}
		jsonw_key(&k->w, key);
		jsonw_integer(&k->w, i);
	}
	jsonw_object_end(&k->w);
	buf_putc(&want, '}');
	got = sink_done(k);
	ck_assert_str_eq(got, buf_str(&want));
	free(got);
	buf_free(&want);
}
END_TEST

START_TEST(test_escapes_like_jansson)
{
	char s[4];
	int c;

	/* Every single byte, alone and after ASCII. */
	for (c = 1; c < 256; c++) {
		s[0] = (char)c;
		s[1] = '\0';
		same_as_jansson(s);
	}
	same_as_jansson("");
	same_as_jansson("a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f");
	same_as_jansson("\xd1\x96 \xe2\x82\xac \xf0\x9f\x98\x80");
	same_as_jansson("\xc0\xaf");		/* overlong */
	same_as_jansson("\xe0\x80\xaf");	/* overlong */
	same_as_jansson("\xed\xa0\x80");	/* surrogate */
	same_as_jansson("\xf4\x90\x80\x80");	/* past U+10FFFF */
	same_as_jansson("abcdefgh\xe2\x82");	/* truncated at the end */
	same_as_jansson("abcdefghijklmnop\x80");
}
END_TEST

START_TEST(test_random_strings_like_jansson)
{
	static const char pool[] = "ab\"\\\n\x01\xd1\x96\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\x80\xc3";
	unsigned seed = 7;
	char s[64];
	int i, j, n;

	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245 + 12345;
		n = (int)((seed >> 16) % (sizeof(s) - 1));
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245 + 12345;
			s[j] = pool[(seed >> 16) % (sizeof(pool) - 1)];
		}
		s[n] = '\0';
		same_as_jansson(s);
	}
}
END_TEST

START_TEST(test_longer_than_buffer)
{
	size_t n = JSONW_BUFSZ * 3 + 5, i;
	char *s = xmalloc(n + 1);

	for (i = 0; i < n; i++)
		s[i] = "x\"\x02\xd1\x96y"[i % 6];
	/* Do not end inside a character. */
	if ((unsigned char)s[n - 1] == 0xd1)
		s[n - 1] = 'z';
	s[n] = '\0';
	same_as_jansson(s);
	free(s);
}
END_TEST

/* The item and feed writers, byte for byte; article_json_item (the tree
 * that show --json and the JSON export embed) holds the same. */
START_TEST(test_article_json)
{
	static const char want_item[] = "{\"id\":\"id\\\"1\",\"guid\":null,"
	    "\"link\":\"https://example.org/a\",\"title\":\"T\xd1\x96tle\","
	    "\"author\":null,\"published\":\"2021-05-06T12:05:12Z\","
	    "\"updated\":null,"
	    "\"published_local\":\"2021-05-06T15:05:12+03:00\","
	    "\"updated_local\":null,\"summary\":null,"
	    "\"content\":\"<p>x</p>\\n\",\"text\":null,"
	    "\"categories\":[\"c1\",\"c2\"],\"enclosures\":["
	    "{\"url\":\"https://e/1.mp3\",\"type\":\"audio/mpeg\","
	    "\"length\":123},"
	    "{\"url\":\"https://e/2.mp3\",\"type\":null,\"length\":null}],"
	    "\"comments\":null,\"language\":null,\"image\":null,"
	    "\"duration\":null,\"comment_count\":null}";
	static const char want_feed[] = "{\"format\":\"atom1.0\","
	    "\"title\":\"Feed\",\"link\":null,\"description\":null,"
	    "\"language\":null,\"author\":null,\"image\":null,"
	    "\"generator\":null,\"updated\":\"1970-01-01T00:00:00Z\","
	    "\"bozo\":true,\"bozo_message\":\"line 3: oops\"}";
	struct article *a = article_new();
	struct article_feed f;
	struct sink *k;
	json_t *j;
	char *got;

	a->id = xstrdup("id\"1");
	a->link = xstrdup("https://example.org/a");
	a->title = xstrdup("T\xd1\x96tle");
	a->has_published = 1;
	a->published.utc = 1620302712;
	a->published.tzoff = 180;
	a->content = xstrdup("<p>x</p>\n");
	a->text = xstrdup("bad \xff utf-8");
	article_add_category(a, "c1");
	article_add_category(a, "c2");
	article_add_enclosure(a, "https://e/1.mp3", "audio/mpeg", 123);
	article_add_enclosure(a, "https://e/2.mp3", NULL, -1);
	k = sink_new();
	article_json_write_item(&k->w, a);
	got = sink_done(k);
	ck_assert_str_eq(got, want_item);
	free(got);
	j = article_json_item(a);
	got = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	ck_assert_str_eq(got, want_item);
	free(got);
	article_free(a);

	article_feed_init(&f);
	f.format = ARTICLE_FMT_ATOM10;
	f.title = xstrdup("Feed");
	f.has_updated = 1;
	f.updated.utc = 0;
	f.bozo = 1;
	f.bozo_message = xstrdup("line 3: oops");
	k = sink_new();
	jsonw_object_begin(&k->w);
	article_json_write_feed(&k->w, &f);
	jsonw_object_end(&k->w);
	got = sink_done(k);
	ck_assert_str_eq(got, want_feed);
	free(got);
	article_feed_clear(&f);
}
END_TEST

START_TEST(test_write_error_is_reported)
{
	FILE *fp = fopen("/dev/null", "r");
	struct jsonw *w = xmalloc(sizeof(*w));

	ck_assert_ptr_nonnull(fp);
	jsonw_init(w, fp);
	jsonw_string(w, "x");
	ck_assert_int_eq(jsonw_flush(w), -1);
	fclose(fp);
	free(w);
}
END_TEST

static Suite *
jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_escapes_like_jansson);
	tcase_add_test(tc, test_integers_like_printf);
	tcase_add_test(tc, test_many_keys);
	tcase_add_test(tc, test_random_strings_like_jansson);
	tcase_add_test(tc, test_longer_than_buffer);
	tcase_add_test(tc, test_article_json);
	tcase_add_test(tc, test_write_error_is_reported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(jsonw_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
