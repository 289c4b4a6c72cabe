/*
 * The style attribute's filter, after feedparser's sanitizer: no url(),
 * only allowlisted properties with plain values.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html_impl.h"
#include "xmalloc.h"

/* valid_css_values: "#hex", "rgb(...)" or a short number with a unit. */
static int
css_value_ok(const char *s, size_t n)
{
	static const char *const units[] = {
		"cm", "em", "ex", "in", "mm", "pc", "pt", "px", "%", ",", ")",
	};
	size_t i, a, b, d, p, u;

	if (n && s[0] == '#') {
		for (i = 1; i < n; i++)
			if (!(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
				break;
		if (n > 1 && i == n)
			return 1;
	}
	if (n >= 4 && memcmp(s, "rgb(", 4) == 0) {
		p = 4;
		for (a = p; p < n && is_digit(s[p]); p++)
			;
		if (p > a) {
			if (p < n && s[p] == '%')
				p++;
			if (p < n && s[p] == ',') {
				p++;
				while (p < n && is_digit(s[p]))
					p++;
				if (p < n && s[p] == '%')
					p++;
				if (p < n && s[p] == ',')
					p++;
				while (p < n && is_digit(s[p]))
					p++;
				if (p < n && s[p] == '%')
					p++;
				if (p < n && s[p] == ')')
					p++;
				if (p == n)
					return 1;
			}
		}
	}
	/* \d{0,2}\.?\d{0,2}(unit)? */
	for (a = 0; a <= 2; a++)
		for (d = 0; d <= 1; d++)
			for (b = 0; b <= 2; b++) {
				p = 0;
				for (i = 0; i < a; i++, p++)
					if (p >= n || !is_digit(s[p]))
						goto next;
				if (d) {
					if (p >= n || s[p] != '.')
						goto next;
					p++;
				}
				for (i = 0; i < b; i++, p++)
					if (p >= n || !is_digit(s[p]))
						goto next;
				if (p == n)
					return 1;
				for (u = 0; u < NELEM(units); u++)
					if (eq(s + p, n - p, units[u]))
						return 1;
next:
				;
			}
	return 0;
}

/* Length of a \w character at p (a whole UTF-8 sequence), 0 if none. */
static size_t
word_len(const char *s, size_t n, size_t p)
{
	unsigned char c = (unsigned char)s[p];
	size_t l = 1;

	if (c < 0x80)
		return is_alnum(c) || c == '_';
	if (c >= 0xf0)
		l = 4;
	else if (c >= 0xe0)
		l = 3;
	else if (c >= 0xc0)
		l = 2;
	return p + l <= n ? l : n - p;
}

/* The gauntlet: only these pieces may make up a style attribute. */
static int
css_gauntlet(const char *s, size_t n)
{
	char *reach;
	size_t p, q, w, w2;
	int ok;

	reach = xcalloc(n + 1, 1);
	reach[0] = 1;
	for (p = 0; p < n; p++) {
		unsigned char c = (unsigned char)s[p];

		if (!reach[p])
			continue;
		if (is_alnum(c) || is_space(c) || strchr(":,;#%.!", c) != NULL)
			reach[p + 1] = 1;
		if ((w = word_len(s, n, p)) && p + w < n && s[p + w] == '-' &&
		    p + w + 1 < n && (w2 = word_len(s, n, p + w + 1)))
			reach[p + w + 1 + w2] = 1;
		if (c == '\'' || c == '"') {
			for (q = p + 1; q < n && (is_space(s[q]) ||
			    is_word(s[q])); q++)
				;
			if (q > p + 1 && q < n && s[q] == (char)c)
				reach[q + 1] = 1;
		}
		if (c == '(') {
			for (q = p + 1; q < n && (is_digit(s[q]) ||
			    s[q] == ',' || is_space(s[q])); q++)
				;
			if (q > p + 1 && q < n && s[q] == ')')
				reach[q + 1] = 1;
		}
	}
	ok = reach[n];
	free(reach);
	return ok;
}

static int
css_name_char(const char *s, size_t p)
{
	return s[p] == '-' || is_word(s[p]);
}

/* Matches "\s*[-\w]+\s*:\s*[^:;]*;?" at p; returns its end or NPOS. */
static size_t
css_decl(const char *s, size_t n, size_t p)
{
	size_t a;

	while (p < n && is_space(s[p]))
		p++;
	for (a = p; p < n && css_name_char(s, p); p++)
		;
	if (p == a)
		return NPOS;
	while (p < n && is_space(s[p]))
		p++;
	if (p >= n || s[p] != ':')
		return NPOS;
	for (p++; p < n && s[p] != ':' && s[p] != ';'; p++)
		;
	if (p < n && s[p] == ';')
		p++;
	return p;
}

void
html_css_clean(struct buf *dst, const char *in, size_t inlen, int svg,
    struct buf *tmp, struct buf *prop)
{
	struct buf *t = tmp;
	const char *s;
	size_t n, p, q, a, b, v, e;

	/* No url(...) at all. */
	buf_reset(t);
	for (p = 0; p < inlen; ) {
		if (inlen - p >= 3 && memcmp(in + p, "url", 3) == 0) {
			for (q = p + 3; q < inlen && is_space(in[q]);
			    q++)
				;
			if (q < inlen && in[q] == '(') {
				for (q++; q < inlen && is_space(in[q]);
				    q++)
					;
				for (a = q; q < inlen && in[q] != ')' &&
				    !is_space(in[q]); q++)
					;
				b = q;
				while (q < inlen && is_space(in[q]))
					q++;
				if (b > a && q < inlen && in[q] == ')') {
					for (q++; q < inlen &&
					    is_space(in[q]); q++)
						;
					buf_putc(t, ' ');
					p = q;
					continue;
				}
			}
		}
		buf_putc(t, in[p++]);
	}
	s = buf_str(t);
	n = t->len;
	if (!css_gauntlet(s, n))
		return;
	for (p = 0; p < n; ) {
		if ((q = css_decl(s, n, p)) != NPOS)
			p = q;
		else if (is_space(s[p]))
			p++;
		else
			return;
	}
	for (p = 0; p < n; ) {
		if (!css_name_char(s, p)) {
			p++;
			continue;
		}
		for (a = p; p < n && css_name_char(s, p); p++)
			;
		b = p;
		for (q = p; q < n && is_space(s[q]); q++)
			;
		if (q >= n || s[q] != ':') {
			p = a + 1;
			continue;
		}
		for (q++; q < n && is_space(s[q]); q++)
			;
		for (v = q; q < n && s[q] != ':' && s[q] != ';'; q++)
			;
		p = q;
		if (q == v)
			continue;
		html_set_lower(prop, s + a, b - a);
		if (!IN(css_properties, prop->data, prop->len)) {
			size_t dash;

			for (dash = 0; dash < prop->len &&
			    prop->data[dash] != '-'; dash++)
				;
			if (IN(css_shorthands, prop->data, dash)) {
				/* Each keyword known, or a plain value. */
				for (e = v; e < q; ) {
					size_t k;

					while (e < q && is_space(s[e]))
						e++;
					for (k = e; k < q &&
					    !is_space(s[k]); k++)
						;
					if (k > e &&
					    !IN(css_keywords, s + e, k - e) &&
					    !css_value_ok(s + e, k - e))
						break;
					e = k;
				}
				if (e < q)
					continue;
			} else if (!(svg &&
			    IN(svg_properties, prop->data, prop->len)))
				continue;
		}
		if (dst->len)
			buf_putc(dst, ' ');
		buf_append(dst, s + a, b - a);
		buf_puts(dst, ": ");
		buf_append(dst, s + v, q - v);
		buf_putc(dst, ';');
	}
}
