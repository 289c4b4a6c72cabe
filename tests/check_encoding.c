#include <check.h>
#include <dirent.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "article.h"
#include "encoding.h"
#include "err.h"
#include "parse.h"

#include "testutil.h"

#define CONFORMANCE_DIR TEST_DATADIR "/conformance/feedparser/encoding"
#define DATA_DIR TEST_DATADIR "/encoding"

/* An independent judge of "valid UTF-8": glibc's own decoder. */
static int
valid_utf8(const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	char *ip = (char *)(uintptr_t)s, out[4096], *op;
	size_t il = len, ol, r;
	int ok = 1;

	for (;;) {
		op = out;
		ol = sizeof(out);
		r = iconv(cd, &ip, &il, &op, &ol);
		if (r != (size_t)-1)
			break;
		if (op == out) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok && strlen(s) == len;
}

/* Encodes UTF-8 text into charset `to` with glibc, for building inputs. */
static char *
encode(const char *utf8, const char *to, size_t *lenp)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	size_t il = strlen(utf8), ol = il * 4 + 16;
	char *ip = (char *)(uintptr_t)utf8, *out = malloc(ol), *op = out;

	ck_assert_msg(cd != (iconv_t)-1, "iconv cannot write %s", to);
	ck_assert_msg(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1,
	    "cannot encode into %s", to);
	iconv(cd, NULL, NULL, &op, &ol);
	iconv_close(cd);
	*lenp = (size_t)(op - out);
	return out;
}

static void
decode(const char *in, size_t len, const char *http,
    struct encoding_result *r)
{
	char ebuf[256];

	ck_assert_int_eq(encoding_to_utf8(in, len, http, 0, r, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(r->data);
	ck_assert_msg(valid_utf8(r->data, r->len), "output is not UTF-8");
	ck_assert_msg(r->len < 3 || memcmp(r->data, "\xef\xbb\xbf", 3) != 0,
	    "output starts with a BOM");
}

START_TEST(test_aliases)
{
	static const struct {
		const char *label, *name;
	} t[] = {
		{ "utf8", "UTF-8" }, { "UTF8", "UTF-8" }, { "utf-8", "UTF-8" },
		{ "UTF_8", "UTF-8" }, { " 'utf-8' ", "UTF-8" },
		{ "cp1251", "WINDOWS-1251" }, { "windows-1251", "WINDOWS-1251" },
		{ "win-1251", "WINDOWS-1251" }, { "x-cp1251", "WINDOWS-1251" },
		{ "koi8-u", "KOI8-U" }, { "koi8-r", "KOI8-R" },
		{ "KOI8R", "KOI8-R" },
		{ "x-sjis", "CP932" }, { "shift_jis", "CP932" },
		{ "Shift-JIS", "CP932" }, { "sjis", "CP932" },
		{ "latin1", "WINDOWS-1252" }, { "iso-8859-1", "WINDOWS-1252" },
		{ "ISO_8859-1:1987", "WINDOWS-1252" },
		{ "us-ascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
		{ "gb2312", "GB18030" }, { "GBK", "GB18030" },
		{ "gb18030", "GB18030" },
		{ "big5", "BIG5-HKSCS" }, { "euc-kr", "CP949" },
		{ "euc-jp", "EUC-JP" }, { "iso-2022-jp", "ISO-2022-JP" },
		{ "x-mac-roman", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
		{ "iso-8859-2", "ISO-8859-2" }, { "iso-8859-5", "ISO-8859-5" },
		{ "iso-8859-15", "ISO-8859-15" }, { "iso-8859-9", "WINDOWS-1254" },
		{ "u16", "UTF-16" }, { "utf_16", "UTF-16" },
		{ "utf-16le", "UTF-16LE" }, { "UTF-16BE", "UTF-16BE" },
		{ "utf_32", "UTF-32" }, { "utf-32le", "UTF-32LE" },
		{ "ibm866", "CP866" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = encoding_canonical(t[i].label);

		ck_assert_msg(got != NULL && strcmp(got, t[i].name) == 0,
		    "%s -> %s, want %s", t[i].label, got ? got : "NULL",
		    t[i].name);
	}
	ck_assert_ptr_null(encoding_canonical("bogus"));
	ck_assert_ptr_null(encoding_canonical(""));
	ck_assert_ptr_null(encoding_canonical(NULL));
	ck_assert_ptr_null(encoding_canonical(
	    "utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8utf8"
	    "utf8"));
}
END_TEST

/* Each label, declared in the document and given by the caller, decodes
 * text that glibc encoded with the charset the label stands for. */
START_TEST(test_labels_decode)
{
	static const struct {
		const char *label, *writer, *text;
	} t[] = {
		{ "cp1251", "CP1251", "Ґрунтовна розмова, їхні позиції" },
		{ "win-1251", "CP1251", "Києві" },
		{ "koi8-u", "KOI8-U", "Ґанок і їжак" },
		{ "koi8-r", "KOI8-R", "Привет, мир" },
		{ "x-sjis", "SHIFT_JIS", "日本語のテキスト" },
		{ "shift_jis", "SHIFT_JIS", "カタカナ" },
		{ "euc-jp", "EUC-JP", "日本語" },
		{ "iso-2022-jp", "ISO-2022-JP", "こんにちは世界" },
		{ "gb2312", "GB2312", "中文新闻" },
		{ "big5", "BIG5", "繁體中文" },
		{ "euc-kr", "EUC-KR", "년 한국어" },
		{ "x-mac-roman", "MACINTOSH", "café – “quoted”" },
		{ "latin1", "ISO-8859-1", "café crème" },
		{ "iso-8859-1", "CP1252", "don’t – “smart” €" },
		{ "iso-8859-2", "ISO-8859-2", "Łódź, Žluťoučký" },
		{ "windows-1253", "CP1253", "Ελληνικά" },
		{ "utf-8", "UTF-8", "Київ ✓ 😀" },
	};
	struct encoding_result r;
	char doc[512], *body;
	size_t i, len, hlen;
	int pass;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (pass = 0; pass < 2; pass++) {
			body = encode(t[i].text, t[i].writer, &len);
			if (pass == 0)
				hlen = (size_t)snprintf(doc, sizeof(doc),
				    "<?xml version=\"1.0\" encoding=\"%s\"?><t>",
				    t[i].label);
			else
				hlen = (size_t)snprintf(doc, sizeof(doc), "<t>");
			memcpy(doc + hlen, body, len);
			memcpy(doc + hlen + len, "</t>", 4);
			free(body);
			decode(doc, hlen + len + 4, pass ? t[i].label : NULL, &r);
			ck_assert_msg(strstr(r.data, t[i].text) != NULL,
			    "%s (%s): got %s", t[i].label,
			    pass ? "http" : "declared", r.data);
			ck_assert_str_eq(r.charset,
			    encoding_canonical(t[i].label));
			ck_assert_int_eq(r.lossy, 0);
			ck_assert_int_eq(r.declared_mismatch, 0);
			if (pass == 0)
				ck_assert_msg(strncasecmp(r.data,
				    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
				    38) == 0, "declaration not rewritten: %s",
				    r.data);
			free(r.data);
		}
	}
}
END_TEST

START_TEST(test_boms)
{
	static const char *forms[] = { "UTF-16LE", "UTF-16BE", "UTF-32LE",
	    "UTF-32BE" };
	struct encoding_result r;
	char text[128], *body, *doc;
	const char *s;
	size_t i, len;

	/* UTF-8 BOM, even against what the caller and declaration say. */
	s = "\xef\xbb\xbf<?xml version='1.0' encoding='iso-8859-1'?>"
	    "<t>\xd0\x9a</t>";
	decode(s, strlen(s), "koi8-r", &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_str_eq(r.data, "<?xml version='1.0' encoding='UTF-8'?>"
	    "<t>\xd0\x9a</t>");
	free(r.data);

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "<?xml version=\"1.0\" "
		    "encoding=\"%s\"?><t>Київ 😀</t>", i < 2 ? "utf-16" :
		    "utf-32");
		body = encode(text, forms[i], &len);
		doc = malloc(len + 4);
		memcpy(doc + (i < 2 ? 2 : 4), body, len);
		switch (i) {
		case 0: memcpy(doc, "\xff\xfe", 2); break;
		case 1: memcpy(doc, "\xfe\xff", 2); break;
		case 2: memcpy(doc, "\xff\xfe\0\0", 4); break;
		case 3: memcpy(doc, "\0\0\xfe\xff", 4); break;
		}
		decode(doc, len + (i < 2 ? 2 : 4), "windows-1251", &r);
		ck_assert_str_eq(r.charset, forms[i]);
		ck_assert_str_eq(r.data, "<?xml version=\"1.0\" "
		    "encoding=\"UTF-8\"?><t>Київ 😀</t>");
		ck_assert_int_eq(r.lossy, 0);
		free(r.data);

		/* Without a BOM, the "<\0?\0" pattern tells. */
		decode(body, len, NULL, &r);
		ck_assert_str_eq(r.charset, forms[i]);
		ck_assert_str_eq(r.data, "<?xml version=\"1.0\" "
		    "encoding=\"UTF-8\"?><t>Київ 😀</t>");
		ck_assert_int_eq(r.declared_mismatch, 0);
		free(r.data);
		free(body);
		free(doc);
	}
}
END_TEST

START_TEST(test_utf16_no_declaration)
{
	struct encoding_result r;
	char *body;
	size_t len;

	/* The caller says UTF-16 with no byte order; the zeros tell LE. */
	body = encode("<rss>Ї</rss>", "UTF-16LE", &len);
	decode(body, len, "utf-16", &r);
	ck_assert_str_eq(r.charset, "UTF-16LE");
	ck_assert_str_eq(r.data, "<rss>Ї</rss>");
	free(r.data);
	/* A lone surrogate becomes U+FFFD and decoding goes on in step. */
	body = realloc(body, len + 4);
	memmove(body + 14, body + 12, len - 12);
	memcpy(body + 12, "\x00\xd8", 2);
	body[len + 2] = 'x';
	decode(body, len + 2, NULL, &r);
	ck_assert_str_eq(r.data, "<rss>Ї\xef\xbf\xbd</rss>");
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	/* A server that calls UTF-16 bytes UTF-8 is overruled, flagged. */
	decode(body, len + 2, "utf-8", &r);
	ck_assert_str_eq(r.charset, "UTF-16LE");
	ck_assert_int_eq(r.declared_mismatch, 1);
	ck_assert_str_eq(r.data, "<rss>Ї\xef\xbf\xbd</rss>");
	free(r.data);
	/* An odd byte at the end. */
	decode(body, len + 3, NULL, &r);
	ck_assert_int_eq(r.lossy, 1);
	ck_assert_ptr_nonnull(strstr(r.data, "\xef\xbf\xbd"));
	free(r.data);
	free(body);
}
END_TEST

START_TEST(test_precedence)
{
	const char *doc = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    "<t>\xe9</t>";
	struct encoding_result r;

	/* The caller's charset beats the declaration. */
	decode(doc, strlen(doc), "windows-1251", &r);
	ck_assert_str_eq(r.charset, "WINDOWS-1251");
	ck_assert_ptr_nonnull(strstr(r.data, "<t>й</t>"));
	ck_assert_ptr_nonnull(strstr(r.data, "encoding=\"UTF-8\""));
	ck_assert_int_eq(r.declared_mismatch, 0);
	free(r.data);
	/* Then the declaration. */
	decode(doc, strlen(doc), NULL, &r);
	ck_assert_str_eq(r.charset, "WINDOWS-1252");
	ck_assert_ptr_nonnull(strstr(r.data, "<t>é</t>"));
	free(r.data);
	/* An unknown caller charset falls through to the declaration. */
	decode(doc, strlen(doc), "x-bogus", &r);
	ck_assert_str_eq(r.charset, "WINDOWS-1252");
	ck_assert_ptr_nonnull(strstr(r.data, "<t>é</t>"));
	ck_assert_int_eq(r.declared_mismatch, 1);
	free(r.data);
	/* Empty caller charset means none. */
	decode(doc, strlen(doc), "", &r);
	ck_assert_int_eq(r.declared_mismatch, 0);
	free(r.data);
}
END_TEST

START_TEST(test_detection)
{
	struct encoding_result r;
	const char *s;

	/* Valid UTF-8 without any label is UTF-8 and copied as it is. */
	s = "<rss>Київ — “ok”</rss>";
	decode(s, strlen(s), NULL, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_str_eq(r.data, s);
	ck_assert_uint_eq(r.len, strlen(s));
	ck_assert_int_eq(r.lossy, 0);
	free(r.data);
	/* Otherwise windows-1252. */
	s = "<rss>caf\xe9 \x93quoted\x94 \x81</rss>";
	decode(s, strlen(s), NULL, &r);
	ck_assert_str_eq(r.charset, "WINDOWS-1252");
	ck_assert_str_eq(r.data, "<rss>café “quoted” \xc2\x81</rss>");
	ck_assert_int_eq(r.lossy, 0);
	free(r.data);
	/* A bogus declaration: detection decides, and it is flagged. */
	s = "<?xml version=\"1.0\" encoding=\"bogus\"?><rss>Ї</rss>";
	decode(s, strlen(s), NULL, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_int_eq(r.declared_mismatch, 1);
	ck_assert_ptr_nonnull(strstr(r.data, "encoding=\"UTF-8\""));
	free(r.data);
	/* A declaration of UTF-16 on single-byte text is ignored, flagged. */
	s = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>a</rss>";
	decode(s, strlen(s), NULL, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_int_eq(r.declared_mismatch, 1);
	ck_assert_str_eq(r.data,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>a</rss>");
	free(r.data);
	/* Empty input. */
	decode("", 0, NULL, &r);
	ck_assert_str_eq(r.data, "");
	ck_assert_uint_eq(r.len, 0);
	free(r.data);
}
END_TEST

/*
 * A caller charset of 16 or 32 bits on bytes that cannot be in it (no BOM,
 * and the first code unit is no ASCII character, which every feed starts
 * with) is ignored and flagged: the bytes decide, as with no charset.
 */
START_TEST(test_wide_label_on_narrow_bytes)
{
	static const char *labels[] = { "utf-16", "UTF-16LE", "utf-16be",
	    "utf-32", "ucs-2" };
	const char *doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss><channel><title>Київ</title></channel></rss>";
	const char *bare = "\n  <rss>caf\xc3\xa9</rss>";
	const char *json = "{\"title\": \"Київ\"}";
	struct encoding_result r;
	char *body;
	size_t i, len;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		decode(doc, strlen(doc), labels[i], &r);
		ck_assert_msg(strcmp(r.charset, "UTF-8") == 0, "%s: %s",
		    labels[i], r.charset);
		ck_assert_str_eq(r.data, doc);
		ck_assert_int_eq(r.declared_mismatch, 1);
		free(r.data);
	}
	decode(bare, strlen(bare), "utf-16", &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_str_eq(r.data, bare);
	free(r.data);
	decode(json, strlen(json), "utf-16", &r);
	ck_assert_str_eq(r.data, json);
	ck_assert_int_eq(r.declared_mismatch, 1);
	free(r.data);
	/* Real UTF-16 under the same label still decodes, unflagged. */
	body = encode("<rss>Ї</rss>", "UTF-16BE", &len);
	decode(body, len, "utf-16", &r);
	ck_assert_str_eq(r.data, "<rss>Ї</rss>");
	ck_assert_int_eq(r.declared_mismatch, 0);
	free(r.data);
	free(body);
	body = encode("\n<rss>Ї</rss>", "UTF-16LE", &len);
	decode(body, len, "utf-16le", &r);
	ck_assert_str_eq(r.data, "\n<rss>Ї</rss>");
	ck_assert_int_eq(r.declared_mismatch, 0);
	free(r.data);
	free(body);
}
END_TEST

START_TEST(test_invalid_bytes)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		{ "a\xc0\xaf" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b" },
		{ "a\xe0\x80\x80" "b",
		  "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b" },	/* overlong */
		{ "a\xed\xa0\x80" "b",
		  "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b" },	/* surrogate */
		{ "a\xf4\x90\x80\x80" "b", "a\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd" "b" },		/* > U+10FFFF */
		{ "a\xe2\x82" "b", "a\xef\xbf\xbd" "b" },	/* maximal subpart */
		{ "a\xef\xbf\xbe" "b", "a\xef\xbf\xbd" "b" },	/* U+FFFE */
		{ "a\xe2\x82", "a\xef\xbf\xbd" },		/* cut at the end */
		{ "a\xf0\x9f\x98", "a\xef\xbf\xbd" },
	};
	struct encoding_result r;
	const char *s;
	char *c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		decode(t[i].in, strlen(t[i].in), "utf-8", &r);
		ck_assert_msg(strcmp(r.data, t[i].out) == 0, "case %zu", i);
		ck_assert_int_eq(r.lossy, 1);
		free(r.data);
		c = encoding_clean_utf8(t[i].in, strlen(t[i].in));
		ck_assert_str_eq(c, t[i].out);
		free(c);
	}
	/* Declared UTF-8 but not: still UTF-8, repaired and flagged. */
	s = "<?xml version=\"1.0\" encoding=\"utf-8\"?><t>Espa\xf1" "a</t>";
	decode(s, strlen(s), NULL, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_ptr_nonnull(strstr(r.data, "Espa\xef\xbf\xbd" "a"));
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	/* Unlabelled and cut short at the very end: a truncated transfer of
	 * UTF-8, not windows-1252. */
	decode("<t>Київ\xd0", 12, NULL, &r);
	ck_assert_str_eq(r.charset, "UTF-8");
	ck_assert_str_eq(r.data, "<t>Київ\xef\xbf\xbd");
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	/* Invalid in a multi-byte legacy charset. */
	decode("<t>\xa4\xa4\xff\xff\xa4\xa4</t>", 13, "euc-jp", &r);
	ck_assert_ptr_nonnull(strstr(r.data, "\xef\xbf\xbd"));
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
}
END_TEST

START_TEST(test_controls)
{
	struct encoding_result r;
	char *c;

	decode("a\x01\tb\nc\r\x1b" "d\x7f" "e\x00" "f", 13, NULL, &r);
	ck_assert_str_eq(r.data, "a\tb\nc\rd\x7f" "ef");
	ck_assert_uint_eq(r.len, 10);
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	/* Also in windows-1252 and iconv paths. */
	decode("a\x02\xe9", 3, "latin1", &r);
	ck_assert_str_eq(r.data, "aé");
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	decode("a\x02\xe9", 3, "koi8-r", &r);
	ck_assert_str_eq(r.data, "aИ");	/* KOI8 is not in alphabetical order */
	ck_assert_int_eq(r.lossy, 1);
	free(r.data);
	/* C1 controls that windows-1252 gives a meaning are repaired. */
	decode("don\xc2\x92t", 6, NULL, &r);
	ck_assert_str_eq(r.data, "don’t");
	ck_assert_int_eq(r.lossy, 0);
	free(r.data);
	c = encoding_clean_utf8("x\x0c\xc2\x85y\xc2\x81", 7);
	ck_assert_str_eq(c, "x…y\xc2\x81");
	free(c);
	ck_assert_ptr_null(encoding_clean_utf8(NULL, 0));
}
END_TEST

START_TEST(test_declaration_rewrite)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "<?xml version='1.0' encoding='utf8'?><a/>",
		  "<?xml version='1.0' encoding='UTF-8'?><a/>" },
		{ "<?xml version=\"1.0\" encoding = \"windows-1251\" "
		  "standalone=\"yes\"?><a/>",
		  "<?xml version=\"1.0\" encoding = \"UTF-8\" "
		  "standalone=\"yes\"?><a/>" },
		{ "\n  <?xml version=\"1.0\" encoding=\"u8\"?><a/>",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>" },
		{ "<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>",
		  "<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>" },
		{ "<?xml version=\"1.0\"?><a encoding=\"x\"/>",
		  "<?xml version=\"1.0\"?><a encoding=\"x\"/>" },
		{ "<?xml version=\"1.0\" encoding=\"iso-8859-1",
		  "<?xml version=\"1.0\" encoding=\"iso-8859-1" },
	};
	struct encoding_result r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		decode(t[i].in, strlen(t[i].in), NULL, &r);
		ck_assert_str_eq(r.data, t[i].out);
		ck_assert_uint_eq(r.len, strlen(t[i].out));
		free(r.data);
	}
}
END_TEST

START_TEST(test_limit)
{
	struct encoding_result r;
	char ebuf[128] = "";

	ck_assert_int_eq(encoding_to_utf8("abcdef", 6, NULL, 5, &r, ebuf,
	    sizeof(ebuf)), ERR_LIMIT);
	ck_assert_ptr_null(r.data);
	ck_assert_ptr_nonnull(strstr(ebuf, "5 bytes"));
	/* The cap is on the output: windows-1252 grows in UTF-8. */
	ck_assert_int_eq(encoding_to_utf8("\xe9\xe9\xe9", 3, "latin1", 5, &r,
	    ebuf, sizeof(ebuf)), ERR_LIMIT);
	ck_assert_int_eq(encoding_to_utf8("\xe9\xe9\xe9", 3, "latin1", 6, &r,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(r.data, "ééé");
	free(r.data);
	ck_assert_int_eq(encoding_to_utf8("\xe9\xe9\xe9", 3, "cp1251", 5, &r,
	    ebuf, sizeof(ebuf)), ERR_LIMIT);
	ck_assert_int_eq(encoding_to_utf8("abcdef", 6, NULL, 6, &r, ebuf,
	    sizeof(ebuf)), ERR_OK);
	free(r.data);
}
END_TEST

START_TEST(test_ukrainian_cp1251)
{
	static const char *words[] = { "Українські Новини", "Ґрунтовна",
	    "їхні позиції", "Києві", "Блінкен", "Джан Кевсер" };
	struct encoding_result r;
	size_t len, i;
	char *in = testutil_slurp(EXAMPLES_DIR "/ukrainian-news-uk-cp1251.rss", &len);

	decode(in, len, NULL, &r);
	ck_assert_str_eq(r.charset, "WINDOWS-1251");
	ck_assert_int_eq(r.lossy, 0);
	ck_assert_int_eq(r.declared_mismatch, 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_msg(strstr(r.data, words[i]) != NULL, "no %s",
		    words[i]);
	ck_assert(strncmp(r.data,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) == 0);
	free(r.data);
	free(in);
}
END_TEST

/* The charset parameter of the file's "Header: Content-type:" line. */
static int
header_charset(const char *doc, char *out, size_t n)
{
	const char *h = strstr(doc, "Header:"), *p, *e;
	size_t len;

	if (h == NULL)
		return 0;
	e = strchr(h, '\n');
	p = strstr(h, "charset");
	if (p == NULL || p > e)
		return 0;
	p += 7;
	while (*p == ' ')
		p++;
	if (*p != '=')
		return 0;
	p++;
	len = (size_t)(e - p);
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 1;
}

/*
 * Every file of feedparser's encoding corpus decodes to valid UTF-8, with
 * the charset and the bozo flag its Expect line wants.  Not judged here:
 * RFC 3023's us-ascii default for text types without a charset (the caller's
 * business, and browsers ignore it), and the expectations that belong to
 * the HTML and XML layers.
 */
START_TEST(test_conformance)
{
	static const char *not_ours[] = { "http_text_plain", "http_i18n",
	    "double-encoded", "encoding_attribute", "mismatch_crash" };
	struct encoding_result r;
	struct dirent *de;
	DIR *d = opendir(CONFORMANCE_DIR);
	char path[1024], http[128], want[64], *doc, *ex;
	const char *canon;
	size_t len, i, nfiles = 0, ncharsets = 0;
	int has_http, judged;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".xml") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", CONFORMANCE_DIR,
		    de->d_name);
		doc = testutil_slurp(path, &len);
		has_http = header_charset(doc, http, sizeof(http));
		decode(doc, len, has_http ? http : NULL, &r);
		nfiles++;
		judged = 1;
		for (i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++)
			if (strstr(de->d_name, not_ours[i]) != NULL)
				judged = 0;
		if (strstr(de->d_name, "http_text_") != NULL && !has_http)
			judged = 0;
		ex = strstr(r.data, "Expect:");
		ck_assert_msg(ex != NULL, "%s: no Expect line in %s",
		    de->d_name, r.data);
		if (judged && strstr(ex, "encoding == '") != NULL) {
			sscanf(strstr(ex, "encoding == '") + 13, "%63[^']",
			    want);
			ncharsets++;
			canon = encoding_canonical(want);
			ck_assert_msg(canon != NULL && (strcmp(canon,
			    r.charset) == 0 || (strncmp(canon, "UTF-16", 6) == 0
			    && strcmp(r.charset, want[6] == 'l' ? "UTF-16LE" :
			    "UTF-16BE") == 0)), "%s: %s, want %s", de->d_name,
			    r.charset, want);
		}
		if (judged && strncmp(ex + 7 + strspn(ex + 7, " "), "bozo", 4)
		    == 0)
			ck_assert_msg(r.lossy || r.declared_mismatch,
			    "%s: want bozo", de->d_name);
		if (judged && strstr(ex, "not bozo") != NULL)
			ck_assert_msg(!r.lossy && !r.declared_mismatch,
			    "%s: want not bozo", de->d_name);
		if (strcmp(de->d_name, "euc-kr.xml") == 0)
			ck_assert_ptr_nonnull(strstr(r.data, "<title>년"));
		if (strcmp(de->d_name, "http_text_xml_charset_2.xml") == 0 ||
		    strcmp(de->d_name,
		    "http_text_xml_charset_overrides_encoding_2.xml") == 0)
			ck_assert_ptr_nonnull(strstr(r.data,
			    "This is a £“test.”"));
		/* demoronize-2 and -3 use character references: XML's job. */
		if (strcmp(de->d_name, "demoronize-1.xml") == 0)
			ck_assert_ptr_nonnull(strstr(r.data, "don’t"));
		free(r.data);
		free(doc);
	}
	closedir(d);
	ck_assert_uint_ge(nfiles, 80);
	ck_assert_uint_ge(ncharsets, 40);
}
END_TEST

static int
keep_title(void *ctx, const struct article_feed *f, struct article *a)
{
	char **title = ctx;

	(void)f;
	free(*title);
	*title = a->title ? strdup(a->title) : NULL;
	article_free(a);
	return 0;
}

/*
 * Through the whole parse step: libxml2 must read the decoded text as
 * UTF-8, which only holds if the declaration was rewritten (or ignored).
 */
START_TEST(test_through_parser)
{
	static const struct {
		const char *file, *http, *feed_title, *item_title;
		int bozo;
	} t[] = {
		{ "koi8-u.rss", NULL, "Новини", "Ґанок, їжак і є", 0 },
		{ "x-sjis.rss", NULL, "日本のニュース", "東京で会議", 0 },
		{ "utf16le-nobom.rss", NULL, "Заголовок", "Київ 😀", 0 },
		{ "gb2312-http.rss", "gb2312", "中文新闻", "北京", 0 },
		{ "gb2312-http.rss", "x-unknown", NULL, NULL, 1 },
		{ "latin1-undeclared.rss", NULL, "Café", "don’t “quote”", 0 },
		{ EXAMPLES_DIR "/ukrainian-news-uk-cp1251.rss", NULL,
		  "Українські Новини", "Блінкен зустрівся із Зеленським у "
		  "Києві, щоб продемонструвати підтримку", 0 },
	};
	struct parse_opts o = { 0 };
	struct article_feed feed;
	char path[1024], ebuf[256], *doc, *title;
	size_t i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].file[0] == '/')
			snprintf(path, sizeof(path), "%s", t[i].file);
		else
			snprintf(path, sizeof(path), "%s/%s", DATA_DIR,
			    t[i].file);
		doc = testutil_slurp(path, &len);
		o.charset = t[i].http;
		title = NULL;
		article_feed_init(&feed);
		ck_assert_int_eq(parse_document(doc, len, &o, &feed,
		    keep_title, &title, ebuf, sizeof(ebuf)), ERR_OK);
		ck_assert_msg(feed.bozo == t[i].bozo, "%s: bozo %d (%s)",
		    t[i].file, feed.bozo, feed.bozo_message ?
		    feed.bozo_message : "");
		if (t[i].feed_title != NULL) {
			ck_assert_str_eq(feed.title, t[i].feed_title);
			ck_assert_ptr_nonnull(title);
			ck_assert_str_eq(title, t[i].item_title);
		}
		free(title);
		article_feed_clear(&feed);
		free(doc);
	}
}
END_TEST

/* A large valid document comes through byte for byte (its speed is
 * bench/parse_bench.py's business, not a test's). */
START_TEST(test_large_utf8_unchanged)
{
	struct encoding_result r;
	size_t len = 32u << 20, i;
	char *doc = malloc(len);

	for (i = 0; i + 8 <= len; i += 8)
		memcpy(doc + i, i % 64 ? "Їab cd " : "<p>abc>\n", 8);
	decode(doc, len, NULL, &r);
	ck_assert_uint_eq(r.len, len);
	ck_assert_int_eq(memcmp(r.data, doc, len), 0);
	free(r.data);
	free(doc);
}
END_TEST

static Suite *
encoding_suite(void)
{
	Suite *s = suite_create("encoding");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_labels_decode);
	tcase_add_test(tc, test_boms);
	tcase_add_test(tc, test_utf16_no_declaration);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_detection);
	tcase_add_test(tc, test_wide_label_on_narrow_bytes);
	tcase_add_test(tc, test_invalid_bytes);
	tcase_add_test(tc, test_controls);
	tcase_add_test(tc, test_declaration_rewrite);
	tcase_add_test(tc, test_limit);
	tcase_add_test(tc, test_ukrainian_cp1251);
	tcase_add_test(tc, test_conformance);
	tcase_add_test(tc, test_through_parser);
	tcase_add_test(tc, test_large_utf8_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(encoding_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
