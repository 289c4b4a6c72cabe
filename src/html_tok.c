/*
 * The tokenizer of HTML fragments, and the small helpers of html.h.
 *
 * The tokenizer follows the rules of the SGML-style parser that Python
 * feedparser sanitizes with, because the public conformance corpus checks
 * the sanitizer's output byte for byte, and its quirks (how a tag ends, when
 * "&name" is a reference, what an unterminated construct does) decide that
 * output.  It never fails: anything it cannot read as markup becomes text.
 * It runs in linear time over the input, keeps no stack, reads nothing past
 * len and treats NUL as an ordinary byte.  Its two consumers, the
 * sanitizer (html_sanitize.c) and the text renderer (html_text.c), write
 * straight into one output buffer each; neither recurses, so nesting depth
 * costs nothing.
 */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "html_impl.h"
#include "xmalloc.h"

/* Appends bytes, with NUL (which would end a C string early) as U+FFFD. */
void
html_put_raw(struct buf *b, const char *p, size_t n)
{
	const char *z;

	while (n && (z = memchr(p, '\0', n)) != NULL) {
		buf_append(b, p, (size_t)(z - p));
		buf_puts(b, "\xef\xbf\xbd");
		n -= (size_t)(z - p) + 1;
		p = z + 1;
	}
	buf_append(b, p, n);
}

static int
starts(const struct html_tok *t, size_t i, const char *lit)
{
	size_t l = strlen(lit);

	return t->n - i >= l && memcmp(t->s + i, lit, l) == 0;
}

static void
set_name(struct html_tok *t, const char *p, size_t n)
{
	size_t i;

	buf_reset(&t->name);
	buf_append(&t->name, p, n);
	for (i = 0; i < n; i++)
		t->name.data[i] = (char)lower(t->name.data[i]);
}

void
html_set_lower(struct buf *b, const char *p, size_t n)
{
	size_t i;

	buf_reset(b);
	buf_append(b, p, n);
	for (i = 0; i < n; i++)
		b->data[i] = (char)lower(b->data[i]);
}

/*
 * Where a tag that starts before `from` ends: the position of the '<' or
 * '>' that closes it.  Quoted values may hide brackets when the quote is
 * followed by what can follow a value; otherwise the first bracket on the
 * same line wins.  NPOS when there is none.
 */
static size_t
end_bracket(const struct html_tok *t, size_t from)
{
	const char *s = t->s;
	size_t n = t->n, p = from, a, b;
	const char *q;

	while (p < n) {
		unsigned char c = (unsigned char)s[p];

		if (c == '<' || c == '>')
			return p;
		if (c != '"' && c != '\'') {
			p++;
			continue;
		}
		if ((q = memchr(s + p + 1, c, n - p - 1)) == NULL)
			break;
		a = (size_t)(q - s) + 1;
		if (a >= n)
			break;
		c = (unsigned char)s[a];
		if (!(c == '>' || c == '/' || is_space(c))) {
			for (b = a; b < n && is_word(s[b]); b++)
				;
			if (b == a || b >= n || s[b] != '=')
				break;
		}
		p = a;
	}
	for (p = from; p < n && s[p] != '\n'; p++)
		if (s[p] == '<' || s[p] == '>')
			return p;
	return NPOS;
}

static int
unquoted_char(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("[]-./,:;+*%?!&$()_#=~'\"@",
	    c) != NULL);
}

/* One attribute at k; returns where it ends, NPOS when there is none. */
static size_t
parse_attr(struct html_tok *t, size_t k)
{
	const char *s = t->s;
	size_t n = t->n, p = k, q, r;
	struct html_attr a;
	const char *close;

	while (p < n && is_space(s[p]))
		p++;
	if (p >= n || !(is_alpha(s[p]) || s[p] == '_'))
		return NPOS;
	a.name = s + p;
	for (p++; p < n && (is_alnum(s[p]) ||
	    strchr("-:._", s[p]) != NULL) && s[p] != '\0'; p++)
		;
	a.namelen = (size_t)(s + p - a.name);
	a.value = a.name;
	a.valuelen = a.namelen;
	if (p < n && s[p] == '$')
		p++;
	q = p;
	while (q < n && is_space(s[q]))
		q++;
	if (q < n && s[q] == '=') {
		for (q++; q < n && is_space(s[q]); q++)
			;
		if (q < n && (s[q] == '"' || s[q] == '\'') &&
		    (close = memchr(s + q + 1, s[q], n - q - 1)) != NULL)
			r = (size_t)(close - s) + 1;
		else
			for (r = q; r < n && unquoted_char(s[r]);
			    r++)
				;
		a.value = s + q;
		a.valuelen = r - q;
		if (a.valuelen && (a.value[0] == '"' || a.value[0] == '\'') &&
		    a.value[a.valuelen - 1] == a.value[0]) {
			if (a.valuelen == 1)
				a.valuelen = 0;
			else {
				a.value++;
				a.valuelen -= 2;
			}
		}
		p = r;
	}
	if (t->nattrs == t->attrcap) {
		t->attrcap = t->attrcap ? t->attrcap * 2 : 16;
		t->attrs = xreallocarray(t->attrs, t->attrcap,
		    sizeof(*t->attrs));
	}
	a.seq = t->nattrs;
	t->attrs[t->nattrs++] = a;
	return p;
}

/* Finds "</name" (any case) at or after p; n when absent. */
static size_t
find_end_tag(const struct html_tok *t, size_t p, const char *name, size_t len)
{
	const char *s = t->s;
	size_t n = t->n, i;
	const char *lt;

	while (p < n && (lt = memchr(s + p, '<', n - p)) != NULL) {
		p = (size_t)(lt - s);
		if (p + 2 + len <= n && s[p + 1] == '/') {
			for (i = 0; i < len; i++)
				if (lower(s[p + 2 + i]) !=
				    name[i])
					break;
			if (i == len && (p + 2 + len == n ||
			    !is_alnum(s[p + 2 + len])))
				return p;
		}
		p++;
	}
	return n;
}

static size_t
parse_starttag(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, j, k, p, q, e;
	int selfclose, raw = 0;

	/* "<name/data/" is an SGML short tag (not to HTML5). */
	if (!t->textmode && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && (is_alnum(s[p]) ||
		    s[p] == '-' || s[p] == '.'); p++)
			;
		if (p < n && s[p] == '/') {
			for (q = p + 1; q < n && s[q] != '/'; q++)
				;
			if (q >= n)
				return NPOS;
			set_name(t, s + i + 1, p - i - 1);
			t->ops->start(t->ctx, t->name.data, t->name.len,
			    NULL, 0, 0);
			set_name(t, s + i + 1, p - i - 1);
			if (q > p + 1)
				t->ops->text(t->ctx, s + p + 1, q - p - 1, 1);
			t->ops->end(t->ctx, t->name.data, t->name.len);
			return q + 1;
		}
	}
	if ((j = end_bracket(t, i + 1)) == NPOS)
		return NPOS;
	if (s[i + 1] == '>') {
		k = j;
		buf_reset(&t->name);
		buf_append(&t->name, buf_str(&t->last), t->last.len);
	} else {
		for (k = i + 1; k < n && (is_alnum(s[k]) ||
		    (s[k] != '\0' && strchr("-_.:", s[k]) != NULL)); k++)
			;
		set_name(t, s + i + 1, k - i - 1);
		buf_reset(&t->last);
		buf_append(&t->last, t->name.data, t->name.len);
		t->have_last = 1;
	}
	t->nattrs = 0;
	while (k < j) {
		if ((p = parse_attr(t, k)) == NPOS)
			break;
		k = p;
	}
	e = j;
	if (s[e] == '>')
		e++;
	selfclose = e - i > 2 && s[e - 2] == '/' && s[e - 1] == '>';
	if (s[i + 1] != '>' || t->have_last)
		raw = t->ops->start(t->ctx, t->name.data, t->name.len, t->attrs,
		    t->nattrs, selfclose);
	if (raw && !selfclose)
		e = find_end_tag(t, e, t->name.data, t->name.len);
	return e;
}

static size_t
parse_endtag(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t j, a, b;

	if ((j = end_bracket(t, i + 1)) == NPOS)
		return NPOS;
	for (a = i + 2; a < j && is_space(s[a]); a++)
		;
	for (b = j; b > a && is_space(s[b - 1]); b--)
		;
	set_name(t, s + a, b - a);
	t->ops->end(t->ctx, t->name.data, t->name.len);
	return s[j] == '>' ? j + 1 : j;
}

static size_t
parse_comment(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, r;
	const char *gt;

	for (p = i + 4; p + 1 < n; p++) {
		if (s[p] != '-' || s[p + 1] != '-')
			continue;
		for (r = p + 2; r < n && is_space(s[r]); r++)
			;
		if (r < n && s[r] == '>') {
			t->ops->comment(t->ctx, s + i + 4, p - i - 4);
			return r + 1;
		}
	}
	/* Unclosed: a page-wrecking (or sanitizer-dodging) comment; skip to
	 * the first "--...>" or drop the rest. */
	for (p = i + 4; p + 1 < n; p++)
		if (s[p] == '-' && s[p + 1] == '-') {
			gt = memchr(s + p + 2, '>', n - p - 2);
			return gt ? (size_t)(gt - s) + 1 : n;
		}
	return n;
}

/* "<![name ...]]>" marked sections and "<!DOCTYPE ...>": dropped. */
static size_t
parse_decl(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, a;
	const char *q;
	int two;

	if (i + 2 < n && s[i + 2] == '[') {
		for (a = p = i + 3; p < n && (is_alnum(s[p]) ||
		    (s[p] != '\0' && strchr("-_.:", s[p]) != NULL)); p++)
			;
		if (p == a || !is_alpha(s[a]))
			return 0;
		set_name(t, s + a, p - a);
		if (eq(t->name.data, t->name.len, "temp") ||
		    eq(t->name.data, t->name.len, "cdata") ||
		    eq(t->name.data, t->name.len, "ignore") ||
		    eq(t->name.data, t->name.len, "include") ||
		    eq(t->name.data, t->name.len, "rcdata"))
			two = 1;
		else if (eq(t->name.data, t->name.len, "if") ||
		    eq(t->name.data, t->name.len, "else") ||
		    eq(t->name.data, t->name.len, "endif"))
			two = 0;
		else
			return 0;
		/* "]\s*]\s*>" or "]\s*>" */
		for (; p < n; p++) {
			size_t r = p;

			if (s[r] != ']')
				continue;
			if (two) {
				for (r++; r < n && is_space(s[r]);
				    r++)
					;
				if (r >= n || s[r] != ']')
					continue;
			}
			for (r++; r < n && is_space(s[r]); r++)
				;
			if (r < n && s[r] == '>')
				return r + 1;
		}
		return NPOS;
	}
	/* A DOCTYPE: names and quoted strings up to '>'.  Anything else in
	 * it is an error, and the '<' becomes text. */
	for (p = i + 2; p < n; ) {
		unsigned char c = (unsigned char)s[p];

		if (c == '>')
			return p + 1;
		if (c == '"' || c == '\'') {
			if ((q = memchr(s + p + 1, c, n - p - 1)) == NULL)
				return NPOS;
			p = (size_t)(q - s) + 1;
		} else if (is_alpha(c)) {
			while (p < n && (is_alnum(s[p]) ||
			    (s[p] != '\0' && strchr("-_.:", s[p]) != NULL)))
				p++;
		} else if (c == '[') {
			if ((q = memchr(s + p + 1, ']', n - p - 1)) == NULL)
				return NPOS;
			p = (size_t)(q - s) + 1;
			continue;
		} else if (!is_space(c))
			return 0;
		else {
			p++;
			continue;
		}
		while (p < n && is_space(s[p]))
			p++;
	}
	return NPOS;
}

/*
 * Where the next '<' or '&' is in s[i..n), or n.  Text between tags is
 * most of a fragment, so it is skipped eight bytes at a time: a word has
 * one of the two when (v ^ c) has a zero byte, the classic test.
 */
static size_t
next_lt_amp(const char *s, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t v, a, b;

#ifdef __SSE2__
	/* Sixteen at a time where the CPU has it (every x86-64 does). */
	const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&');

	while (n - i >= 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(w, lt), _mm_cmpeq_epi8(w, amp)));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (n - i >= sizeof(v)) {
		memcpy(&v, s + i, sizeof(v));
		a = v ^ (ones * '<');
		b = v ^ (ones * '&');
		if ((((a - ones) & ~a) | ((b - ones) & ~b)) & highs)
			break;
		i += sizeof(v);
	}
	while (i < n && s[i] != '<' && s[i] != '&')
		i++;
	return i;
}

/*
 * feedparser rewrites the whole fragment with regular expressions before it
 * parses it, and those rewrites reach into attribute values and comments,
 * so they are done the same way here, in one pass into a copy (NULL when
 * nothing changes, as in most feeds):
 * "<br/>" and "<p />" become "<br />" and "<p></p>"; "&#39;" and "&#34;"
 * become quotes; and (its first four: two in each of its two passes) "<!"
 * not opening a comment, DOCTYPE or marked section becomes text.
 */
char *
html_sgml_prepass(const char *s, size_t n, size_t *outlen)
{
	struct buf b = { 0 };
	size_t i, a = 0, p, q, g, end;
	int bangs = 0;

	for (i = 0; (i = next_lt_amp(s, i, n)) < n; i++) {
		if (s[i] == '&' && n - i >= 5 &&
		    (memcmp(s + i, "&#39;", 5) == 0 ||
		    memcmp(s + i, "&#34;", 5) == 0)) {
			if (b.data == NULL)
				presize(&b, n);
			buf_append(&b, s + a, i - a);
			buf_putc(&b, s[i + 3] == '9' ? '\'' : '"');
			a = i + 5;
			i += 4;
			continue;
		}
		if (s[i] != '<')
			continue;
		if (i + 1 < n && s[i + 1] == '!' && bangs < 4 &&
		    !(n - i >= 9 && memcmp(s + i, "<!DOCTYPE", 9) == 0) &&
		    !(n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) &&
		    !(n - i >= 3 && s[i + 2] == '[')) {
			bangs++;
			if (b.data == NULL)
				presize(&b, n);
			buf_append(&b, s + a, i - a);
			buf_puts(&b, "&lt;");
			a = i + 1;
			continue;
		}
		/* <([^<>\s]+?)\s*\/> */
		for (p = i + 1; p < n && s[p] != '<' && s[p] != '>' &&
		    !is_space(s[p]); p++)
			;
		if (p == i + 1)
			continue;
		if (s[p - 1] == '/' && p < n && s[p] == '>' && p - 1 > i + 1) {
			g = p - 1;
			end = p + 1;
		} else {
			for (q = p; q < n && is_space(s[q]); q++)
				;
			if (q + 1 >= n || s[q] != '/' || s[q + 1] != '>')
				continue;
			g = p;
			end = q + 2;
		}
		if (b.data == NULL)
			presize(&b, n);
		buf_append(&b, s + a, i + 1 - a);
		buf_append(&b, s + i + 1, g - i - 1);
		if (IN(void_elements, s + i + 1, g - i - 1))
			buf_puts(&b, " />");
		else {
			buf_puts(&b, "></");
			buf_append(&b, s + i + 1, g - i - 1);
			buf_putc(&b, '>');
		}
		a = end;
		i = end - 1;
	}
	if (b.data == NULL)
		return NULL;
	buf_append(&b, s + a, n - a);
	*outlen = b.len;
	return buf_detach(&b);
}

/* At a '<': returns where to go on, NPOS when the rest is text. */
static size_t
tok_lt(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, k;
	const char *gt;
	unsigned char c;

	if (i + 1 >= n)
		return NPOS;
	c = (unsigned char)s[i + 1];
	if (c == '!' && t->textmode && !starts(t, i, "<!--")) {
		/* Doctypes, CDATA and the like: bogus comments to HTML5. */
		gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : n;
	}
	if (c == '!' && !starts(t, i, "<!--") && !starts(t, i, "<!DOCTYPE") &&
	    !starts(t, i, "<![")) {
		/* One the pre-pass left: a declaration, dropped. */
		if (i + 2 < n && is_alpha(s[i + 2])) {
			gt = memchr(s + i, '>', n - i);
			return gt ? (size_t)(gt - s) + 1 : NPOS;
		}
		t->ops->entity(t->ctx, "lt", 2, 1);
		return i + 1;
	}
	if (c == '>' || is_alpha(c))
		return parse_starttag(t, i);
	if (c == '/')
		return parse_endtag(t, i);
	if (starts(t, i, "<!--"))
		return parse_comment(t, i);
	if (c == '?') {
		gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : NPOS;
	}
	if (c == '!') {
		k = parse_decl(t, i);
		/* An unclosed CDATA section turns into text and is read on. */
		if (k == NPOS && starts(t, i, "<![CDATA["))
			k = 0;
		if (k != 0)
			return k;
		t->ops->entity(t->ctx, "lt", 2, 1);
		return i + 1;
	}
	t->ops->text(t->ctx, s + i, 1, 0);
	return i + 1;
}

/* At a '&': returns where to go on, NPOS when the rest is text. */
static size_t
tok_amp(struct html_tok *t, size_t i)
{
	const char *s = t->s;
	size_t n = t->n, p, a;

	if (i + 1 < n && s[i + 1] == '#') {
		a = i + 2;
		if (a < n && is_digit(s[a]))
			for (p = a; p < n && is_digit(s[p]); p++)
				;
		else if (a + 1 < n && (s[a] == 'x' || s[a] == 'X') &&
		    is_hex(s[a + 1]))
			for (p = a + 1; p < n && is_hex(s[p]); p++)
				;
		else
			p = a;
		if (p > a && p < n && s[p] == ';') {
			t->ops->charref(t->ctx, s + a, p - a);
			return p + 1;
		}
		if (t->textmode && p > a) {
			/* HTML5 takes them without the ';' too. */
			t->ops->charref(t->ctx, s + a, p - a);
			return p;
		}
		/* Not a reference: "&#" and digits as text. */
		for (p = a; p < n && is_digit(s[p]); p++)
			;
		if (p >= n)
			return NPOS;
		t->ops->text(t->ctx, s + i, p - i, 0);
		return p;
	}
	if (t->textmode && i + 1 < n && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && is_alnum(s[p]); p++)
			;
		t->ops->entity(t->ctx, s + i + 1, p - i - 1,
		    p < n && s[p] == ';');
		return p < n && s[p] == ';' ? p + 1 : p;
	}
	if (i + 1 < n && is_alpha(s[i + 1])) {
		for (p = i + 2; p < n && (is_alnum(s[p]) ||
		    s[p] == '-' || s[p] == '.'); p++)
			;
		if (p < n) {
			t->ops->entity(t->ctx, s + i + 1, p - i - 1,
			    s[p] == ';');
			return s[p] == ';' ? p + 1 : p;
		}
		/* At the very end a trailing '-' or '.' can end the name. */
		if (p - i > 2 && (s[p - 1] == '-' || s[p - 1] == '.')) {
			t->ops->entity(t->ctx, s + i + 1, p - i - 2, 0);
			return p - 1;
		}
		return NPOS;
	}
	if (i + 1 >= n)
		return NPOS;
	t->ops->text(t->ctx, s + i, 1, 0);
	return i + 1;
}

void
html_tok_run(struct html_tok *t)
{
	const char *s = t->s;
	size_t n = t->n, i = 0, j, k;

	while (i < n) {
		j = next_lt_amp(s, i, n);
		if (j > i)
			t->ops->text(t->ctx, s + i, j - i, TEXT_PLAIN);
		if ((i = j) >= n)
			break;
		k = s[i] == '<' ? tok_lt(t, i) : tok_amp(t, i);
		if (k == NPOS) {
			t->ops->text(t->ctx, s + i, n - i, 1);
			break;
		}
		i = k;
	}
}

void
html_tok_init(struct html_tok *t, const char *s, size_t n,
    const struct html_tok_ops *ops, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->s = s ? s : "";
	t->n = s ? n : 0;
	t->ops = ops;
	t->ctx = ctx;
	buf_puts(&t->last, "???");
}

void
html_tok_free(struct html_tok *t)
{
	free(t->attrs);
	buf_free(&t->name);
	buf_free(&t->last);
}

size_t
html_py_space_multi(const unsigned char *s, size_t n, size_t i)
{
	unsigned long cp;

	if (s[i] == 0xc2 && i + 1 < n && (s[i + 1] == 0x85 || s[i + 1] == 0xa0))
		return 2;
	if (i + 2 < n && (s[i] == 0xe1 || s[i] == 0xe2 || s[i] == 0xe3)) {
		cp = ((unsigned long)(s[i] & 0x0f) << 12) |
		    ((unsigned long)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
		if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
		    cp == 0x205f || cp == 0x3000)
			return 3;
	}
	return 0;
}

/*
 * Small helpers.
 */
char *
html_unescape(const char *s, size_t len)
{
	struct buf b = { 0 };
	size_t i = 0, a = 0, p, q;
	unsigned long cp;

	if (s == NULL)
		return xstrdup("");
	while (i < len) {
		if (s[i] != '&' || i + 1 >= len) {
			i++;
			continue;
		}
		p = i + 1;
		cp = 0;
		if (s[p] == '#') {
			q = ++p;
			if (q < len && (s[q] == 'x' || s[q] == 'X')) {
				for (q++; q < len && is_hex(s[q]); q++)
					;
				if (q > p + 1)
					cp = html_charref_value(s + p, q - p);
			} else {
				for (; q < len && is_digit(s[q]); q++)
					;
				if (q > p)
					cp = html_charref_value(s + p, q - p);
			}
		} else {
			size_t used;

			for (q = p; q < len && is_alnum(s[q]); q++)
				;
			if (q > p && q < len && s[q] == ';')
				cp = html_entity_lookup(s + p, q - p);
			if (cp == 0 && q > p &&
			    (cp = html_legacy_prefix(s + p, q - p, &used)) != 0)
				q = p + used;
		}
		if (cp == 0) {
			i++;
			continue;
		}
		html_put_raw(&b, s + a, i - a);
		if (cp != CP_NONE)
			buf_put_utf8(&b, cp);
		i = q < len && s[q] == ';' ? q + 1 : q;
		a = i;
	}
	html_put_raw(&b, s + a, len - a);
	return buf_detach(&b);
}

char *
html_escape(const char *s, size_t len, int quote)
{
	struct buf b = { 0 };
	size_t i, a = 0;
	const char *rep;

	for (i = 0; s != NULL && i < len; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = quote ? "&quot;" : NULL;
			break;
		default:
			rep = NULL;
		}
		if (rep == NULL)
			continue;
		html_put_raw(&b, s + a, i - a);
		buf_puts(&b, rep);
		a = i + 1;
	}
	if (s != NULL)
		html_put_raw(&b, s + a, len - a);
	return buf_detach(&b);
}

/*
 * feedparser's guess for RSS text that claims to be plain: HTML if it has
 * an end tag or a reference, every tag is one the sanitizer keeps, and
 * every named reference is an HTML 4 entity.
 */
int
html_looks_like_html(const char *s, size_t len)
{
	char name[33];
	size_t i, p, q, k;
	int evidence = 0;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '<') {
			p = i + 1;
			if (p < len && s[p] == '/')
				p++;
			for (q = p; q < len && is_word(s[q]); q++)
				;
			if (q == p)
				continue;
			/* Tag names compare in lower case. */
			if (q - p >= sizeof(name))
				return 0;
			for (k = 0; k < q - p; k++)
				name[k] = (char)lower(s[p + k]);
			if (!IN(ok_elements, name, q - p))
				return 0;
			if (p > i + 1 && q < len && s[q] == '>')
				evidence = 1;
		} else if (s[i] == '&') {
			p = i + 1;
			if (p < len && s[p] == '#') {
				for (q = p + 1; q < len &&
				    is_word(s[q]); q++)
					;
				if (q > p + 1 && q < len && s[q] == ';')
					evidence = 1;
				continue;
			}
			for (q = p; q < len && is_word(s[q]); q++)
				;
			if (q == p || q >= len || s[q] != ';')
				continue;
			evidence = 1;
			/* &apos; is not an HTML 4 entity. */
			if (eq(s + p, q - p, "apos") ||
			    !html_entity_lookup(s + p, q - p))
				return 0;
		}
	}
	return evidence;
}
