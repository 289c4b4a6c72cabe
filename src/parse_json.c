/*
 * JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).  jansson loads
 * the whole document (parse_document has already capped its size), then
 * the items go to the callback one by one.  jansson refuses nesting deeper
 * than JSON_PARSER_MAX_DEPTH (2048 in 2.14), so a hostile document cannot
 * exhaust the stack.  Every string is cleaned again on the way out: JSON
 * may carry \u0000 and other controls in escapes.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "encoding.h"
#include "err.h"
#include "html.h"
#include "normalize.h"
#include "parse_json.h"
#include "url.h"
#include "xmalloc.h"

#define VERSION_HTTPS	"https://jsonfeed.org/version/"
#define VERSION_HTTP	"http://jsonfeed.org/version/"

static void
bozo(struct article_feed *feed, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keeps the first problem only: that is the one worth reading. */
static void
bozo(struct article_feed *feed, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	feed->bozo = 1;
	if (feed->bozo_message != NULL)
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	feed->bozo_message = buf_detach(&b);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* A cleaned, trimmed copy of a JSON string; NULL if v is not a string or
 * holds only white space. */
static char *
str_value(json_t *v)
{
	const char *s;
	size_t len;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	len = json_string_length(v);
	while (len > 0 && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return NULL;
	return encoding_clean_utf8(s, len);
}

static char *
get_str(json_t *obj, const char *key)
{
	return str_value(json_object_get(obj, key));
}

/* Replaces *field, which the record owns, with s, which is handed over. */
static void
take(char **field, char *s)
{
	if (s == NULL)
		return;
	free(*field);
	*field = s;
}

static char *
get_url(json_t *obj, const char *key, const char *base)
{
	char *ref = get_str(obj, key), *abs;

	if (ref == NULL)
		return NULL;
	abs = url_resolve(base, ref);
	free(ref);
	return abs;
}

/* A picture URL: resolved, and only http(s) (as parse_xml.c does). */
static char *
get_image(json_t *obj, const char *key, const char *base)
{
	char *url = get_url(obj, key, base);

	if (url != NULL && !url_has_scheme(url, "http,https")) {
		free(url);
		url = NULL;
	}
	return url;
}

/* A non-negative JSON number as whole units (a fraction dropped); -1 when
 * it is none or out of range. */
static long long
get_count(json_t *v)
{
	double d;

	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d >= 0 && d < 9e18)
			return (long long)d;
	}
	return -1;
}

/* JSON Feed 1.1 has an "authors" array; 1.0 had one "author" object. */
static char *
author_name(json_t *obj)
{
	json_t *v, *x;
	size_t i;
	char *s;

	v = json_object_get(obj, "authors");
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_object(x) && (s = get_str(x, "name")) != NULL)
				return s;
		}
	}
	v = json_object_get(obj, "author");
	if (json_is_object(v))
		return get_str(v, "name");
	return str_value(v);
}

/* Ids "should" be strings, but 1.0 feeds in the wild use numbers. */
static char *
id_value(json_t *v)
{
	char tmp[64];
	double d;
	int prec;

	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return xstrdup(tmp);
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!isfinite(d))
			return NULL;
		/* The shortest form that reads back as the same number. */
		for (prec = 1; prec < 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		return xstrdup(tmp);
	}
	return str_value(v);
}

/* Plain text as HTML: blank lines part paragraphs, other breaks stay. */
static char *
text_to_html(const char *t)
{
	struct buf b = { 0 };
	const char *line = t, *end, *p;
	char *esc;
	int in_para = 0;

	for (; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		for (p = line; p < end && is_space((unsigned char)*p); p++)
			;
		if (p == end) {
			if (in_para)
				buf_puts(&b, "</p>\n");
			in_para = 0;
			continue;
		}
		buf_puts(&b, in_para ? "<br>\n" : "<p>");
		in_para = 1;
		esc = html_escape(line, (size_t)(end - line) -
		    (end > line && end[-1] == '\r'), 0);
		buf_puts(&b, esc);
		free(esc);
	}
	if (in_para)
		buf_puts(&b, "</p>");
	buf_rtrim(&b);
	return buf_detach(&b);
}

static void
get_date(json_t *obj, const char *key, int *has, struct date_time *dt)
{
	char *s = get_str(obj, key);

	if (s != NULL && date_parse(s, dt) == 0)
		*has = 1;
	free(s);
}

static void
get_attachments(struct article *a, json_t *obj, const char *base)
{
	json_t *v, *x;
	long long length, secs;
	char *url, *type;
	size_t i;

	v = json_object_get(obj, "attachments");
	if (!json_is_array(v))
		return;
	json_array_foreach(v, i, x) {
		if (!json_is_object(x) ||
		    (url = get_url(x, "url", base)) == NULL)
			continue;
		type = get_str(x, "mime_type");
		length = get_count(json_object_get(x, "size_in_bytes"));
		article_add_enclosure(a, url, type, length);
		/* the item's duration: its first attachment that gives one */
		if (!a->has_duration && (secs = get_count(
		    json_object_get(x, "duration_in_seconds"))) >= 0) {
			a->has_duration = 1;
			a->duration = secs;
		}
		free(url);
		free(type);
	}
}

static struct article *
item_new(json_t *it, const struct article_feed *feed, const char *base)
{
	struct article *a = article_new();
	json_t *v, *x;
	char *s;
	size_t i;

	a->guid = id_value(json_object_get(it, "id"));
	a->link = get_url(it, "url", base);
	if (a->link == NULL)
		a->link = get_url(it, "external_url", base);
	a->title = get_str(it, "title");

	if ((s = get_str(it, "content_html")) != NULL) {
		a->content = html_sanitize(s, strlen(s), base);
		free(s);
	}
	if ((s = get_str(it, "content_text")) != NULL) {
		if (a->content == NULL)
			a->content = text_to_html(s);
		a->text = s;
	}
	if ((s = get_str(it, "summary")) != NULL) {
		a->summary = html_escape(s, strlen(s), 0);
		free(s);
	}

	get_date(it, "date_published", &a->has_published, &a->published);
	get_date(it, "date_modified", &a->has_updated, &a->updated);

	a->author = author_name(it);
	if (a->author == NULL && feed->author != NULL)
		a->author = xstrdup(feed->author);

	v = json_object_get(it, "tags");
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if ((s = str_value(x)) != NULL) {
				article_add_category(a, s);
				free(s);
			}
		}
	}
	get_attachments(a, it, base);
	a->image = get_image(it, "image", base);
	if (a->image == NULL)
		a->image = get_image(it, "banner_image", base);

	a->language = get_str(it, "language");
	if (a->language == NULL && feed->language != NULL)
		a->language = xstrdup(feed->language);
	return a;
}

static int
has_version_prefix(const char *v)
{
	return v != NULL && (strncmp(v, VERSION_HTTPS,
	    sizeof(VERSION_HTTPS) - 1) == 0 || strncmp(v, VERSION_HTTP,
	    sizeof(VERSION_HTTP) - 1) == 0);
}

/* The value of the \\uXXXX escape at s (s[0] is the backslash), or -1. */
static long
escape_at(const char *s, size_t avail)
{
	long v = 0;
	size_t i;

	if (avail < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		int c = (unsigned char)s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * jansson refuses a whole document for one lone surrogate escape (a
 * \uD800 with no low half after it, or a low half alone), which is what
 * a careless JSON writer makes of a cut string.  Browsers and feedparser
 * read U+FFFD there; so do we, by rewriting each such escape in a copy
 * as \uFFFD (as long: jansson's line and column stay right).  NULL when
 * there is none.  Outside strings a backslash is an error either way,
 * so escapes are found without tracking strings.
 */
static char *
fix_lone_surrogates(const char *s, size_t len)
{
	char *copy = NULL;
	long v, w;
	size_t i = 0;

	while (i < len) {
		if (s[i] != '\\') {
			i++;
			continue;
		}
		if ((v = escape_at(s + i, len - i)) < 0xD800 || v > 0xDFFF) {
			i += 2;		/* another escape, or \\ */
			continue;
		}
		if (v <= 0xDBFF && (w = escape_at(s + i + 6, len - i - 6)) >=
		    0xDC00 && w <= 0xDFFF) {
			i += 12;	/* a proper pair */
			continue;
		}
		if (copy == NULL) {
			copy = xmalloc(len + 1);
			memcpy(copy, s, len);
			copy[len] = '\0';
		}
		memcpy(copy + i, "\\uFFFD", 6);
		i += 6;
	}
	return copy;
}

int
parse_json(const char *utf8, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	json_error_t jerr;
	json_t *root, *items, *it;
	struct article *a;
	const char *version;
	char *base, *feed_url;
	size_t i;
	int rc = ERR_OK;
	char *fixed = fix_lone_surrogates(utf8, len);
	int lone = fixed != NULL;

	root = json_loadb(fixed ? fixed : utf8, len, JSON_ALLOW_NUL, &jerr);
	free(fixed);
	if (root == NULL)
		return err_set(ebuf, n, ERR_PARSE,
		    "invalid JSON at line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(ebuf, n, ERR_PARSE,
		    "not a JSON Feed: the top level is not an object");
	}
	version = json_string_value(json_object_get(root, "version"));
	items = json_object_get(root, "items");
	if (!has_version_prefix(version) && !json_is_array(items)) {
		json_decref(root);
		return err_set(ebuf, n, ERR_PARSE, "not a JSON Feed: no "
		    "\"version\" of " VERSION_HTTPS "... and no \"items\" array");
	}

	feed->format = ARTICLE_FMT_JSONFEED;
	if (lone)
		bozo(feed, "a lone UTF-16 surrogate escape became U+FFFD");
	if (!has_version_prefix(version))
		bozo(feed, "no JSON Feed \"version\"; read as 1.1");
	if (!json_is_array(items))
		bozo(feed, "JSON Feed without an \"items\" array");

	/* The document's own URL is the base when the caller knows it;
	 * failing that, what the feed says about itself. */
	feed_url = get_str(root, "feed_url");
	if (o != NULL && o->base_url != NULL && *o->base_url != '\0')
		base = xstrdup(o->base_url);
	else if (feed_url != NULL)
		base = xstrdup(feed_url);
	else
		base = get_str(root, "home_page_url");
	free(feed_url);

	take(&feed->title, get_str(root, "title"));
	take(&feed->link, get_url(root, "home_page_url", base));
	take(&feed->description, get_str(root, "description"));
	take(&feed->language, get_str(root, "language"));
	take(&feed->author, author_name(root));
	take(&feed->image, get_url(root, "icon", base));
	if (feed->image == NULL)
		take(&feed->image, get_url(root, "favicon", base));

	if (json_is_array(items)) {
		json_array_foreach(items, i, it) {
			if (!json_is_object(it)) {
				bozo(feed, "item %zu is not an object", i + 1);
				continue;
			}
			a = item_new(it, feed, base);
			normalize_item(a);
			if ((rc = cb(ctx, feed, a)) != 0)
				break;
		}
	}
	free(base);
	json_decref(root);
	return rc;
}
