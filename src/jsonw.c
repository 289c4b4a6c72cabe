#include "config.h"

#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>

#include "jsonw.h"

void
jsonw_init(struct jsonw *w, FILE *fp)
{
	w->fp = fp;
	w->err = 0;
	w->depth = 0;
	w->after_key = 0;
	w->len = 0;
	memset(w->used, 0, sizeof(w->used));
}

int
jsonw_flush(struct jsonw *w)
{
	if (w->len > 0 && fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->err = 1;
	w->len = 0;
	return w->err ? -1 : 0;
}

static void
put(struct jsonw *w, const char *p, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(w->buf) - w->len, k;

		if (room == 0) {
			jsonw_flush(w);
			room = sizeof(w->buf);
		}
		k = n < room ? n : room;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
	}
}

static void
putch(struct jsonw *w, char c)
{
	if (w->len == sizeof(w->buf))
		jsonw_flush(w);
	w->buf[w->len++] = c;
}

/* Called before every value and key: the comma between members. */
static void
sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0 && w->depth <= JSONW_DEPTH) {
		if (w->used[w->depth - 1])
			putch(w, ',');
		w->used[w->depth - 1] = 1;
	}
}

static void
open_level(struct jsonw *w, char c)
{
	sep(w);
	putch(w, c);
	w->depth++;
	if (w->depth <= JSONW_DEPTH)
		w->used[w->depth - 1] = 0;
}

static void
close_level(struct jsonw *w, char c)
{
	putch(w, c);
	if (w->depth > 0)
		w->depth--;
}

void
jsonw_object_begin(struct jsonw *w)
{
	open_level(w, '{');
}

void
jsonw_object_end(struct jsonw *w)
{
	close_level(w, '}');
}

void
jsonw_array_begin(struct jsonw *w)
{
	open_level(w, '[');
}

void
jsonw_array_end(struct jsonw *w)
{
	close_level(w, ']');
}

/*
 * The UTF-8 jansson accepts: no overlong forms, no surrogates, nothing
 * past U+10FFFF.  Runs of ASCII are checked sixteen or eight bytes at a
 * time (within n, so nothing past the string is read); feeds are mostly
 * ASCII.
 */
static int
utf8_valid(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;

	while (p < end) {
		unsigned char c;
		unsigned long cp, min;
		int more, i;
		uint64_t v;

#ifdef __SSE2__
		/* Sixteen at a time: the sign bits are the high bits. */
		while (end - p >= 16 && _mm_movemask_epi8(_mm_loadu_si128(
		    (const __m128i *)(const void *)p)) == 0)
			p += 16;
#endif
		while (end - p >= (ptrdiff_t)sizeof(v)) {
			memcpy(&v, p, sizeof(v));
			if (v & 0x8080808080808080ULL)
				break;
			p += sizeof(v);
		}
		if (p == end)
			break;
		c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (end - p <= more)
			return 0;
		for (i = 1; i <= more; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += more + 1;
	}
	return 1;
}

/* Short escapes; 'u' means \u00XX, 0 means verbatim. */
static const char esc[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	['"'] = '"', ['\\'] = '\\',
};

/*
 * Where the next byte to escape is in s[i..n), or n: eight bytes a step,
 * a word needing a look when it has a byte below 0x20 ((v - 0x20..) &
 * ~v & 0x80.., exact for the ASCII bytes, and a high byte never matches),
 * or a '"' or '\\' (v ^ c has a zero byte).
 */
static size_t
plain_len(const char *s, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t v, q, b;

#ifdef __SSE2__
	/* Sixteen at a time where the CPU has it (every x86-64 does): a
	 * byte is below 0x20 when max(byte, 0x1f) is 0x1f. */
	const __m128i c1f = _mm_set1_epi8(0x1f), dq = _mm_set1_epi8('"');
	const __m128i bs = _mm_set1_epi8('\\');

	while (n - i >= 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i));
		__m128i hit = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(_mm_max_epu8(w, c1f), c1f),
		    _mm_cmpeq_epi8(w, dq)), _mm_cmpeq_epi8(w, bs));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (n - i >= sizeof(v)) {
		memcpy(&v, s + i, sizeof(v));
		q = v ^ (ones * '"');
		b = v ^ (ones * '\\');
		if ((((v - ones * 0x20) & ~v) | ((q - ones) & ~q) |
		    ((b - ones) & ~b)) & highs)
			break;
		i += sizeof(v);
	}
	while (i < n && esc[(unsigned char)s[i]] == 0)
		i++;
	return i;
}

/* Writes the escape of byte c (esc[c] != 0) at o; returns its length. */
static size_t
escape_at(char *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e = esc[c];

	o[0] = '\\';
	if (e != 'u') {
		o[1] = e;
		return 2;
	}
	o[1] = 'u';
	o[2] = '0';
	o[3] = '0';
	o[4] = hex[c >> 4];
	o[5] = hex[c & 15];
	return 6;
}

static void
put_escaped(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run;

	putch(w, '"');
#ifdef __SSE2__
	/*
	 * Sixteen bytes a step, stored into the buffer as they are read and
	 * kept up to the first byte to escape: escapes come every few dozen
	 * bytes in HTML (its attribute quotes), where finding each run and
	 * copying it with memcpy cost more than the bytes.  Needs room for a
	 * whole block and an escape; the end of the string goes below.
	 */
	{
		const __m128i c1f = _mm_set1_epi8(0x1f);
		const __m128i dq = _mm_set1_epi8('"');
		const __m128i bs = _mm_set1_epi8('\\');

		while (n - i >= 16) {
			__m128i v;
			unsigned m;
			char *o;

			if (sizeof(w->buf) - w->len < 16 + 6)
				jsonw_flush(w);
			o = w->buf + w->len;
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			_mm_storeu_si128((__m128i *)(void *)o, v);
			m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f),
			    _mm_cmpeq_epi8(v, dq)), _mm_cmpeq_epi8(v, bs)));
			if (m == 0) {
				w->len += 16;
				i += 16;
				continue;
			}
			run = (size_t)__builtin_ctz(m);
			w->len += run + escape_at(o + run,
			    (unsigned char)s[i + run]);
			i += run + 1;
		}
	}
#endif
	while (i < n) {
		unsigned char c;
		char e;

		run = i;
		i = plain_len(s, i, n);
		if (i > run)
			put(w, s + run, i - run);
		if (i == n)
			break;
		c = (unsigned char)s[i++];
		e = esc[c];
		if (e == 'u') {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
			    hex[c & 15] };

			put(w, u, sizeof(u));
		} else {
			char two[2] = { '\\', e };

			put(w, two, sizeof(two));
		}
	}
	putch(w, '"');
}

void
jsonw_key_plain(struct jsonw *w, const char *key, size_t n)
{
	sep(w);
	if (n + 3 <= sizeof(w->buf) - w->len) {
		char *o = w->buf + w->len;

		o[0] = '"';
		memcpy(o + 1, key, n);
		o[n + 1] = '"';
		o[n + 2] = ':';
		w->len += n + 3;
	} else {
		put_escaped(w, key, n);
		putch(w, ':');
	}
	w->after_key = 1;
}

/* Keys are short constants with nothing to escape: written in one go
 * when there is room (the general path cost a fifth of writing an item). */
void
jsonw_key(struct jsonw *w, const char *key)
{
	size_t n = strlen(key), i;

	for (i = 0; i < n && esc[(unsigned char)key[i]] == 0; i++)
		;
	if (i == n) {
		jsonw_key_plain(w, key, n);
		return;
	}
	sep(w);
	put_escaped(w, key, n);
	putch(w, ':');
	w->after_key = 1;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	n = strlen(s);
	if (!utf8_valid((const unsigned char *)s, n)) {
		jsonw_null(w);
		return;
	}
	sep(w);
	put_escaped(w, s, n);
}

/* Digits by hand: snprintf cost 800 instructions a number. */
void
jsonw_integer(struct jsonw *w, long long v)
{
	char s[24], *p = s + sizeof(s);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	sep(w);
	put(w, p, (size_t)(s + sizeof(s) - p));
}

void
jsonw_bool(struct jsonw *w, int v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void
jsonw_raw(struct jsonw *w, const char *p, size_t n)
{
	put(w, p, n);
}
