/*
 * The steps every format parser applies to what it read: identity, safe
 * and canonical links, text derived from the body, and feedparser's
 * repairs of mis-decoded text.  The contracts are in normalize.h.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "hash.h"
#include "html.h"
#include "normalize.h"
#include "url.h"
#include "xmalloc.h"

#define ID_MAX 2048

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

static const char *
trimmed(const char *s, size_t *lenp)
{
	size_t len;

	if (s == NULL)
		return NULL;
	while (is_space((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	*lenp = len;
	return len ? s : NULL;
}

void
normalize_assign_id(struct article *a)
{
	struct hash_sha256 c;
	char hex[65], date[32] = "";
	const char *s;
	size_t len;

	free(a->id);
	a->id = NULL;
	if ((s = trimmed(a->guid, &len)) != NULL && len <= ID_MAX) {
		a->id = xstrndup(s, len);
		return;
	}
	if ((s = trimmed(a->link, &len)) != NULL) {
		a->id = xstrndup(s, len);
		return;
	}
	if (a->has_published)
		date_format_utc(a->published.utc, date, sizeof(date));
	hash_sha256_init(&c);
	s = a->title ? a->title : "";
	hash_sha256_update(&c, s, strlen(s) + 1);
	hash_sha256_update(&c, date, strlen(date) + 1);
	s = a->text ? a->text : "";
	hash_sha256_update(&c, s, strlen(s));
	hash_sha256_final_hex(&c, hex);
	a->id = xasprintf("sha256:%s", hex);
}

/* Drops *u when its scheme is not one links in content may have. */
static void
keep_safe_url(char **u)
{
	if (*u != NULL && !html_url_allowed(*u)) {
		free(*u);
		*u = NULL;
	}
}

void
normalize_item_links(struct article *a)
{
	size_t i, o;

	keep_safe_url(&a->link);
	keep_safe_url(&a->comments);
	keep_safe_url(&a->image);
	for (i = o = 0; i < a->nenclosures; i++) {
		if (html_url_allowed(a->enclosures[i].url))
			a->enclosures[o++] = a->enclosures[i];
		else {
			free(a->enclosures[i].url);
			free(a->enclosures[i].type);
		}
	}
	a->nenclosures = o;
	if (a->link != NULL) {
		char *canon = url_canonical(a->link);

		free(a->link);
		a->link = canon;
	}
}

void
normalize_item(struct article *a)
{
	normalize_item_links(a);
	normalize_item_body(a);
}

void
normalize_item_body(struct article *a)
{
	const char *body;

	body = a->content ? a->content : a->summary;
	if (a->text == NULL && body != NULL)
		a->text = html_to_text(body, strlen(body));
	normalize_assign_id(a);
}

int
normalize_is_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, j, k;

	while (i < n) {
		unsigned c = s[i];

		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (j = 1; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* feedparser maps the C1 controls to what windows-1252 has there, and
 * undoes UTF-8 that was read as ISO-8859-1 and encoded again. */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
};

/* 1 if s has no byte >= 0x80; eight bytes at a time after strlen. */
static int
ascii_only(const char *s)
{
	size_t n = strlen(s), i = 0;
	uint64_t v, acc = 0;

	for (; n - i >= sizeof(v); i += sizeof(v)) {
		memcpy(&v, s + i, sizeof(v));
		acc |= v;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

char *
normalize_text(char *s)
{
	const unsigned char *p;
	int latin1_only = 1, high = 0, c1 = 0;
	struct buf b = { 0 };

	if (ascii_only(s))
		return s;	/* the common case */
	p = (const unsigned char *)s;
	for (; *p; p++) {
		if (*p >= 0x80) {
			high = 1;
			if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
				c1 = 1;
			if (*p != 0xc2 && *p != 0xc3 && (*p & 0xc0) != 0x80)
				latin1_only = 0;
		}
	}
	if (!high)
		return s;
	if (latin1_only) {
		/* every code point < 256: as bytes, is it UTF-8? */
		for (p = (const unsigned char *)s; *p; p++) {
			if (*p < 0x80)
				buf_putc(&b, *p);
			else if (*p == 0xc2 || *p == 0xc3) {
				buf_putc(&b, ((*p & 0x03) << 6) | (p[1] & 0x3f));
				p++;
			}
		}
		if (b.len > 0 && normalize_is_utf8((unsigned char *)b.data, b.len)) {
			free(s);
			return buf_detach(&b);
		}
		buf_free(&b);
	}
	if (!c1)
		return s;
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_put_utf8(&b, cp1252_c1[p[1] - 0x80]);
			p++;
		} else
			buf_putc(&b, *p);
	}
	free(s);
	return buf_detach(&b);
}

char *
normalize_link_amps(const char *s)
{
	struct buf b = { 0 };
	const char *amp;

	while (*s) {
		/* up to the next '&' the link is copied as it is */
		if ((amp = strchr(s, '&')) == NULL) {
			buf_puts(&b, s);
			break;
		}
		buf_append(&b, s, (size_t)(amp - s));
		s = amp;
		if (strncmp(s, "&amp;", 5) == 0) {
			buf_putc(&b, '&');
			s += 5;
			continue;
		}
		if (*s == '&') {
			const char *q = s + 1;

			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			if (q > s + 1 && *q == ';') {
				buf_append(&b, s, (size_t)(q - s));
				s = q + 1;
				continue;
			}
		}
		buf_putc(&b, *s++);
	}
	return buf_detach(&b);
}
