#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article_json.h"
#include "article_text.h"
#include "err.h"
#include "export_format.h"
#include "hash.h"
#include "html.h"
#include "xmalloc.h"

/* 9999-12-31T23:59:59Z: file names have room for four year digits. */
#define DATE_MAX	253402300799LL
/* Header lines should stay within 78 characters (RFC 5322 2.1.1); a
 * value we cannot fold that short is encoded instead. */
#define HDR_LINE	78
/* Bytes of UTF-8 per encoded word: 39 bytes are 52 base64 characters,
 * which with "=?UTF-8?B?" and "?=" keeps each line under 78. */
#define EW_BYTES	39

const char *
export_format_name(enum export_format f)
{
	switch (f) {
	case EXPORT_FMT_TEXT: return "text";
	case EXPORT_FMT_JSON: return "json";
	case EXPORT_FMT_MAILDIR: return "maildir";
	case EXPORT_FMT_EXEC: return "exec";
	case EXPORT_FMT_WEBHOOK: return "webhook";
	}
	return "unknown";
}

int
export_format_from_name(const char *s, enum export_format *out)
{
	static const enum export_format all[] = { EXPORT_FMT_TEXT,
	    EXPORT_FMT_JSON, EXPORT_FMT_MAILDIR, EXPORT_FMT_EXEC,
	    EXPORT_FMT_WEBHOOK };
	size_t i;

	for (i = 0; s != NULL && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, export_format_name(all[i])) == 0) {
			*out = all[i];
			return ERR_OK;
		}
	}
	return ERR_INVALID;
}

const char *
export_kind_name(enum export_kind k)
{
	switch (k) {
	case EXPORT_KIND_NEW: return "new";
	case EXPORT_KIND_UPDATE: return "update";
	case EXPORT_KIND_DUPLICATE: return "duplicate";
	}
	return "unknown";
}

/* Keeps ASCII letters and digits (lower-cased); every other run of bytes,
 * which includes all of UTF-8 beyond ASCII, becomes one '-' between them. */
static void
slugify(const char *s, char *out, size_t n)
{
	size_t o = 0, max = n - 1;
	int dash = 0;

	if (max > EXPORT_SLUG_MAX)
		max = EXPORT_SLUG_MAX;
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			dash = o > 0;
			continue;
		}
		if (o + (dash ? 2 : 1) > max)
			break;
		if (dash)
			out[o++] = '-';
		out[o++] = (char)c;
		dash = 0;
	}
	out[o] = '\0';
}

/* The host of a URL, without user info, port or a leading "www.". */
static void
url_host(const char *url, char *out, size_t n)
{
	const char *p, *end, *at;
	size_t len;

	out[0] = '\0';
	if (url == NULL)
		return;
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	if (end - p > 4 && strncasecmp(p, "www.", 4) == 0)
		p += 4;
	len = (size_t)(end - p);
	if (memchr(p, ':', len) != NULL)
		len = (size_t)((const char *)memchr(p, ':', len) - p);
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

void
export_format_slug(const struct export_item *it, char *out, size_t n)
{
	char host[256];

	if (n == 0)
		return;
	slugify(it->feed_name, out, n);
	if (out[0] == '\0')
		slugify(it->feed_title, out, n);
	if (out[0] == '\0') {
		url_host(it->feed_url, host, sizeof(host));
		slugify(host, out, n);
	}
	if (out[0] == '\0')
		slugify("feed", out, n);
}

int64_t
export_format_date(const struct export_item *it)
{
	const struct article *a = it->article;
	int64_t t = 0;

	if (a != NULL && a->has_published)
		t = a->published.utc;
	else if (it->first_seen > 0)
		t = it->first_seen;
	else if (a != NULL && a->has_updated)
		t = a->updated.utc;
	if (t < 0)
		t = 0;
	if (t > DATE_MAX)
		t = DATE_MAX;
	return t;
}

/* SHA-256 of the identity; a cross-feed duplicate is the same article
 * seen through another feed, so its feed joins the hash: it must not take
 * the original's name (and would render differently, with its own feed). */
static void
id_hash(const struct export_item *it, char out[65])
{
	struct hash_sha256 c;
	const char *via;

	hash_sha256_init(&c);
	hash_sha256_update(&c, it->identity, strlen(it->identity));
	if (it->kind == EXPORT_KIND_DUPLICATE) {
		via = it->feed_url ? it->feed_url : it->feed_name ?
		    it->feed_name : it->feed_title ? it->feed_title : "";
		hash_sha256_update(&c, "\n", 1);
		hash_sha256_update(&c, via, strlen(via));
	}
	hash_sha256_final_hex(&c, out);
}

int
export_format_filename(const struct export_item *it, enum export_format f,
    struct buf *out, char *ebuf, size_t n)
{
	char slug[EXPORT_SLUG_MAX + 1], hex[65], rev[24] = "";
	time_t t = (time_t)export_format_date(it);
	struct tm tm;

	if (it->identity == NULL || it->identity[0] == '\0')
		return err_set(ebuf, n, ERR_INVALID, "article has no identity");
	id_hash(it, hex);
	hex[EXPORT_HASH_HEX] = '\0';
	if (it->revision > 1)
		snprintf(rev, sizeof(rev), ".r%d", it->revision);
	switch (f) {
	case EXPORT_FMT_TEXT:
	case EXPORT_FMT_JSON:
		export_format_slug(it, slug, sizeof(slug));
		gmtime_r(&t, &tm);
		buf_printf(out, "%04d%02d%02dT%02d%02d%02dZ-%s-%s%s.%s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, slug, hex, rev,
		    f == EXPORT_FMT_TEXT ? "txt" : "json");
		return ERR_OK;
	case EXPORT_FMT_MAILDIR:
		buf_printf(out, "%lld.%s%s.tidings", (long long)t, hex, rev);
		return ERR_OK;
	case EXPORT_FMT_EXEC:
	case EXPORT_FMT_WEBHOOK:
		break;
	}
	return err_set(ebuf, n, ERR_INVALID, "format %s writes no file",
	    export_format_name(f));
}

int
export_format_key(const struct export_item *it, char *out, size_t n,
    char *ebuf, size_t en)
{
	char hex[65];

	if (it->identity == NULL || it->identity[0] == '\0')
		return err_set(ebuf, en, ERR_INVALID, "article has no identity");
	id_hash(it, hex);
	if (it->revision > 1)
		snprintf(out, n, "%s.r%d", hex, it->revision);
	else
		snprintf(out, n, "%s", hex);
	return ERR_OK;
}

void
export_format_text(const struct export_item *it, struct buf *out)
{
	article_text_render(it->article, it->feed_title, out);
}

void
export_format_json(const struct export_item *it, struct buf *out)
{
	json_t *o = json_object(), *feed = json_object(), *tags = json_array();
	char slug[EXPORT_SLUG_MAX + 1], when[40];
	char *s;
	size_t i;

	export_format_slug(it, slug, sizeof(slug));
	json_object_set_new(o, "export_version",
	    json_integer(EXPORT_JSON_VERSION));
	json_object_set_new(o, "kind",
	    json_string(export_kind_name(it->kind)));
	json_object_set_new(o, "identity", article_json_str(it->identity));
	json_object_set_new(o, "revision", json_integer(it->revision));
	if (it->first_seen > 0) {
		date_format_utc(it->first_seen, when, sizeof(when));
		json_object_set_new(o, "first_seen", json_string(when));
	} else
		json_object_set_new(o, "first_seen", json_null());
	json_object_set_new(feed, "name", article_json_str(it->feed_name));
	json_object_set_new(feed, "title", article_json_str(it->feed_title));
	json_object_set_new(feed, "url", article_json_str(it->feed_url));
	json_object_set_new(feed, "slug", json_string(slug));
	for (i = 0; i < it->ntags; i++)
		json_array_append_new(tags, article_json_str(it->tags[i]));
	json_object_set_new(feed, "tags", tags);
	json_object_set_new(o, "feed", feed);
	json_object_set_new(o, "article", article_json_item(it->article));
	/* Indented: these files are read by people as often as by programs,
	 * and the few extra bytes cost nothing next to an fsync. */
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s != NULL) {
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
	}
}

/* A header value on one line: control characters and runs of white space
 * become single spaces, ends trimmed.  Caller frees. */
static char *
one_line(const char *s)
{
	struct buf b = { 0 };
	int space = 0;

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = 0;
		buf_putc(&b, (char)c);
	}
	return buf_detach(&b);
}

static int
is_plain_ascii(const char *s, size_t maxword)
{
	size_t word = 0;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e)
			return 0;
		word = c == ' ' ? 0 : word + 1;
		if (word > maxword)
			return 0;
	}
	return 1;
}

static void
base64(const unsigned char *p, size_t n, struct buf *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(out, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_putc(out, tab[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[(p[i] & 3) << 4]);
		buf_puts(out, "==");
	} else if (n - i == 2) {
		buf_putc(out, tab[p[i] >> 2]);
		buf_putc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_putc(out, tab[(p[i + 1] & 15) << 2]);
		buf_putc(out, '=');
	}
}

/* B-encoded words, each whole UTF-8 characters only (RFC 2047 6.3 lets no
 * word split a character), separated by folding white space. */
static void
encoded_words(const char *s, struct buf *out)
{
	size_t len = strlen(s), i = 0, k;

	while (i < len) {
		k = len - i < EW_BYTES ? len - i : EW_BYTES;
		while (k > 1 && i + k < len &&
		    ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		if (i > 0)
			buf_puts(out, "\n ");
		buf_puts(out, "=?UTF-8?B?");
		base64((const unsigned char *)s + i, k, out);
		buf_puts(out, "?=");
		i += k;
	}
}

void
export_format_rfc2047(const char *s, size_t first_room, struct buf *out)
{
	char *v = one_line(s), *p, *sp;
	size_t col = HDR_LINE - (first_room < HDR_LINE ? first_room : 0);

	if (!is_plain_ascii(v, 900)) {
		encoded_words(v, out);
		free(v);
		return;
	}
	/* Plain text folds at spaces, before a word that would pass 78. */
	for (p = v; *p != '\0'; p = sp) {
		size_t w;

		sp = strchr(p, ' ');
		w = sp ? (size_t)(sp - p) : strlen(p);
		if (p != v && col + 1 + w > HDR_LINE) {
			buf_puts(out, "\n");
			col = 0;
		}
		if (p != v) {
			buf_putc(out, ' ');
			col++;
		}
		buf_append(out, p, w);
		col += w;
		sp = sp ? sp + 1 : p + w;
	}
	free(v);
}

/* A display name: a quoted string when it is short plain ASCII, else
 * encoded words (which RFC 2047 5(3) allows in a phrase). */
static void
put_phrase(const char *s, struct buf *out)
{
	char *v = one_line(s);
	const char *p;

	if (strlen(v) <= 60 && is_plain_ascii(v, 60)) {
		buf_putc(out, '"');
		for (p = v; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(out, '\\');
			buf_putc(out, *p);
		}
		buf_putc(out, '"');
	} else
		encoded_words(v, out);
	free(v);
}

void
export_format_rfc5322_date(int64_t utc, int tzoff, struct buf *out)
{
	static const char *day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t;
	struct tm tm;
	int off;

	if (tzoff > 99 * 60 + 59 || tzoff < -(99 * 60 + 59))
		tzoff = 0;
	if (utc < 0)
		utc = 0;
	if (utc > DATE_MAX - 86400)
		utc = DATE_MAX - 86400;
	t = (time_t)(utc + (int64_t)tzoff * 60);
	gmtime_r(&t, &tm);
	off = tzoff < 0 ? -tzoff : tzoff;
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
	    day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    tzoff < 0 ? '-' : '+', off / 60, off % 60);
}

/* Quoted-printable (RFC 2045 6.7) with LF line ends: lines of at most 76
 * characters, trailing white space and '=' encoded, and "From " at a line
 * start encoded so that a later conversion to mbox cannot mangle it.  The
 * output never contains "=_", which is what makes our boundary safe. */
static void
quoted_printable(const char *s, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[4];
		size_t w;
		int last = i + 1 == len || s[i + 1] == '\n', from;

		if (c == '\n') {
			buf_putc(out, '\n');
			col = 0;
			continue;
		}
		from = c == 'F' && col == 0 && strncmp(s + i, "From ", 5) == 0;
		if ((c >= 33 && c <= 126 && c != '=' && !from) ||
		    ((c == ' ' || c == '\t') && !last)) {
			enc[0] = (char)c;
			w = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			w = 3;
		}
		/* Room for a soft break '=' unless this ends the line. */
		if (col + w > (last ? 76 : 75)) {
			buf_puts(out, "=\n");
			col = 0;
		}
		buf_append(out, enc, w);
		col += w;
	}
}

/* Only header values that need no encoding at all: a URL with a space or a
 * control character, or longer than a line may be, is left out. */
static void
put_url_header(struct buf *out, const char *name, const char *url)
{
	const char *p;

	/* nor one a link in content could not have (javascript:, data:) */
	if (url == NULL || *url == '\0' || strlen(url) > 900 ||
	    !html_url_allowed(url))
		return;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return;
	buf_printf(out, "%s: %s\n", name, url);
}

static void
put_html_part(const struct export_item *it, struct buf *html)
{
	const struct article *a = it->article;
	char *e;

	buf_puts(html, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>");
	if (a->title != NULL) {
		char *t = article_text_title(a->title);

		e = html_escape(t, strlen(t), 0);
		buf_puts(html, e);
		free(e);
		free(t);
	}
	buf_puts(html, "</title></head><body>\n");
	if (a->content != NULL && *a->content != '\0')
		buf_puts(html, a->content);
	else if (a->summary != NULL && *a->summary != '\0')
		buf_puts(html, a->summary);
	else if (a->text != NULL) {
		e = html_escape(a->text, strlen(a->text), 0);
		buf_puts(html, "<pre>");
		buf_puts(html, e);
		buf_puts(html, "</pre>");
		free(e);
	}
	buf_puts(html, "\n</body></html>\n");
}

void
export_format_mail(const struct export_item *it, struct buf *out)
{
	const struct article *a = it->article;
	const struct date_time *d = NULL;
	char hex[65], slug[EXPORT_SLUG_MAX + 1], rev[24] = "";
	const char *from;
	char *title, *feed_title;
	struct buf part = { 0 };

	id_hash(it, hex);
	hex[32] = '\0';
	export_format_slug(it, slug, sizeof(slug));
	if (it->revision > 1)
		snprintf(rev, sizeof(rev), ".r%d", it->revision);

	buf_puts(out, "Date: ");
	if (a->has_published)
		d = &a->published;
	else if (a->has_updated)
		d = &a->updated;
	if (d != NULL)
		export_format_rfc5322_date(d->utc, d->tzoff, out);
	else
		export_format_rfc5322_date(export_format_date(it), 0, out);
	/* Headers are plain text: titles lose their markup. */
	title = article_text_title(a->title);
	feed_title = article_text_title(it->feed_title);
	buf_puts(out, "\nFrom: ");
	from = a->author && *a->author ? a->author : feed_title;
	if (from == NULL || *from == '\0')
		from = slug;
	put_phrase(from, out);
	buf_printf(out, " <%s@tidings.invalid>\n", slug);
	buf_puts(out, "Subject: ");
	export_format_rfc2047(title ? title : "", HDR_LINE - 9, out);
	buf_printf(out, "\nMessage-ID: <%s%s@tidings.invalid>\n", hex, rev);
	/* A later revision threads under the first one in a mail client. */
	if (it->revision > 1)
		buf_printf(out, "In-Reply-To: <%s@tidings.invalid>\n"
		    "References: <%s@tidings.invalid>\n", hex, hex);
	buf_puts(out, "List-Id: ");
	put_phrase(feed_title && *feed_title ? feed_title : slug, out);
	buf_printf(out, " <%s.tidings.invalid>\n", slug);
	put_url_header(out, "Content-Base", a->link);
	put_url_header(out, "X-Tidings-Link", a->link);
	put_url_header(out, "X-Tidings-Feed", it->feed_url);
	buf_printf(out, "X-Tidings-Kind: %s\nX-Tidings-Revision: %d\n",
	    export_kind_name(it->kind), it->revision);
	buf_printf(out, "MIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"=_tidings_%s\"\n"
	    "\nThis is a message in MIME format.\n", hex);

	buf_printf(out, "\n--=_tidings_%s\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", hex);
	export_format_text(it, &part);
	quoted_printable(part.data ? part.data : "", part.len, out);
	buf_reset(&part);
	buf_printf(out, "\n--=_tidings_%s\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n", hex);
	put_html_part(it, &part);
	quoted_printable(part.data ? part.data : "", part.len, out);
	buf_printf(out, "\n--=_tidings_%s--\n", hex);
	buf_free(&part);
	free(title);
	free(feed_title);
}

int
export_format_render(const struct export_item *it, enum export_format f,
    struct buf *out, char *ebuf, size_t n)
{
	if (it->article == NULL)
		return err_set(ebuf, n, ERR_INVALID, "item has no article");
	if (it->identity == NULL || it->identity[0] == '\0')
		return err_set(ebuf, n, ERR_INVALID, "article has no identity");
	switch (f) {
	case EXPORT_FMT_TEXT:
		export_format_text(it, out);
		break;
	case EXPORT_FMT_JSON:
	case EXPORT_FMT_EXEC:
	case EXPORT_FMT_WEBHOOK:
		export_format_json(it, out);
		break;
	case EXPORT_FMT_MAILDIR:
		export_format_mail(it, out);
		break;
	}
	return ERR_OK;
}
