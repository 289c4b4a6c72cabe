/*
 * The sanitizer: html_sanitize() (html.h), and its pass with the text
 * renderer following (html_sanitize_follow(), html_impl.h).
 */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "html_impl.h"
#include "url.h"
#include "xmalloc.h"

/* SVG names in their camel case, which the sanitizer writes them in. */
static const char *const svg_camel[] = {
	"animateColor", "animateMotion", "animateTransform", "attributeName",
	"attributeType", "baseProfile", "calcMode", "foreignObject",
	"gradientUnits", "keyPoints", "keySplines", "keyTimes",
	"linearGradient", "markerHeight", "markerUnits", "markerWidth",
	"pathLength", "preserveAspectRatio", "radialGradient", "refX",
	"refY", "repeatCount", "repeatDur", "requiredExtensions",
	"requiredFeatures", "systemLanguage", "viewBox", "zoomAndPan",
};

#define NS_SVG		"http://www.w3.org/2000/svg"
#define NS_MATHML	"http://www.w3.org/1998/Math/MathML"
#define NS_XLINK	"http://www.w3.org/1999/xlink"

/*
 * The sanitizer can render the text of its output as it writes it (see
 * html_sanitize_text()): each piece it writes is handed to the renderer as
 * the renderer's tokenizer would read it back.  That holds for the plain
 * forms: text without '<' or '&', "&name;", "&#...;", tags of the allowed
 * HTML elements.  Anything else (comments, escaped leftovers, SVG or MathML,
 * a raw-text element) makes the text "unsafe", and the renderer then runs
 * over the finished output instead.
 */
struct san {
	struct buf	 out;
	const struct html_tok_ops *txo;	/* NULL, or the renderer alongside */
	void		*tx;		/* its context */
	int		 unsafe;	/* tx is to be dropped */
	const char	*base;
	int		 unacceptable;	/* may go below 0 */
	int		 mathml;
	int		 svg;
	struct buf	 val;		/* one attribute value */
	struct buf	 val2;
	struct buf	 style;
	struct buf	 prop;
	struct html_attr	*sorted;
	size_t		 sortedcap;
	int		 nul_free;	/* the input has no NUL byte */
};

static const char *
svg_camel_name(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < NELEM(svg_camel); i++) {
		const char *c = svg_camel[i];

		if (strlen(c) != n)
			continue;
		for (k = 0; k < n && lower(c[k]) == s[k]; k++)
			;
		if (k == n)
			return c;
	}
	return NULL;
}

static void
san_text(void *ctx, const char *p, size_t n, int rest)
{
	struct san *z = ctx;
	size_t i, a;

	if (z->unacceptable)
		return;
	if (rest != TEXT_REST) {
		/* a run of the input: no NUL to replace when it has none */
		if (rest == TEXT_PLAIN && z->nul_free)
			buf_append(&z->out, p, n);
		else
			html_put_raw(&z->out, p, n);
		if (z->tx != NULL && !z->unsafe) {
			/* the tokenizer's runs between markup, most of the
			 * text, are known clean: not searched again */
			if (rest != TEXT_PLAIN && (memchr(p, '<', n) != NULL ||
			    memchr(p, '&', n) != NULL))
				z->unsafe = 1;
			else
				z->txo->text(z->tx, p, n, 0);
		}
		return;
	}
	z->unsafe = 1;
	/*
	 * Markup that never closed comes out as text, as in feedparser, but a
	 * start tag in it must not come back to life once the fragment sits
	 * in a page (the page's next '>' would close it).  "<!", "<?" and
	 * "</" open nothing that runs, so they stay as they are.
	 */
	for (i = a = 0; i < n; i++) {
		if (p[i] != '<' || i + 1 >= n || !is_alpha(p[i + 1]))
			continue;
		html_put_raw(&z->out, p + a, i - a);
		buf_puts(&z->out, "&lt;");
		a = i + 1;
	}
	html_put_raw(&z->out, p + a, n - a);
}

static void
san_charref_put(struct san *z, const char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (p[0] != 'x' && p[0] != 'X') {
		for (i = 0; i < n && v < 1000; i++)
			v = v * 10 + (unsigned long)(p[i] - '0');
	} else {
		for (i = 1; i < n && v < 1000; i++)
			v = v * 16 + (unsigned long)(is_digit(p[i]) ?
			    p[i] - '0' : lower(p[i]) - 'a' + 10);
	}
	if (v >= 0x80 && v <= 0x9f && html_cp1252[v - 0x80]) {
		buf_printf(&z->out, "&#x%x;", html_cp1252[v - 0x80]);
		return;
	}
	buf_puts(&z->out, "&#");
	for (i = 0; i < n; i++)
		buf_putc(&z->out, lower(p[i]));
	buf_putc(&z->out, ';');
}

static void
san_charref(void *ctx, const char *p, size_t n)
{
	struct san *z = ctx;
	size_t at = z->out.len;

	san_charref_put(z, p, n);
	/* The text as the renderer reads it back: the digits of "&#...;". */
	if (z->tx != NULL && !z->unsafe)
		z->txo->charref(z->tx, z->out.data + at + 2,
		    z->out.len - at - 3);
}

static void
san_entity(void *ctx, const char *p, size_t n, int semi)
{
	struct san *z = ctx;

	(void)semi;
	if (html_entity_lookup(p, n)) {
		buf_putc(&z->out, '&');
		buf_append(&z->out, p, n);
		buf_putc(&z->out, ';');
		if (z->tx != NULL && !z->unsafe)
			z->txo->entity(z->tx, p, n, 1);
	} else {
		/* Unknown: the ampersand is text and the ';' is lost. */
		buf_puts(&z->out, "&amp;");
		if (z->tx != NULL && !z->unsafe)
			z->txo->entity(z->tx, "amp", 3, 1);
		san_text(z, p, n, 0);
	}
}

static void
san_comment(void *ctx, const char *p, size_t n)
{
	struct san *z = ctx;
	size_t i;

	z->unsafe = 1;
	/* A browser would end these comments earlier than we did ("<!-->",
	 * "<!--->", "--!>"), and what follows would be live markup. */
	if ((n && p[0] == '>') || (n > 1 && p[0] == '-' && p[1] == '>'))
		return;
	for (i = 0; i + 2 < n; i++)
		if (p[i] == '-' && p[i + 1] == '-' && p[i + 2] == '!')
			return;
	if (n && p[n - 1] == '-')
		return;
	buf_puts(&z->out, "<!--");
	html_put_raw(&z->out, p, n);
	buf_puts(&z->out, "-->");
}

static int
attr_is(const struct html_attr *a, const char *lname)
{
	size_t i;

	for (i = 0; i < a->namelen; i++)
		if (lname[i] == '\0' || lower(a->name[i]) !=
		    lname[i])
			return 0;
	return lname[i] == '\0';
}

/* ('name', value) in attrs, as feedparser asks it: any occurrence. */
static int
has_attr_value(const struct html_attr *a, size_t na, const char *lname,
    const char *value)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (attr_is(&a[i], lname) &&
		    eq(a[i].value, a[i].valuelen, value))
			return 1;
	return 0;
}

static int
attr_cmp(const void *va, const void *vb)
{
	const struct html_attr *a = va, *b = vb;
	size_t i, n = a->namelen < b->namelen ? a->namelen : b->namelen;

	for (i = 0; i < n; i++) {
		int x = lower(a->name[i]);
		int y = lower(b->name[i]);

		if (x != y)
			return x - y;
	}
	if (a->namelen != b->namelen)
		return a->namelen < b->namelen ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A value as the SGML parser hands it over: decimal references gain their
 * ';', and feedparser's early rewrite of &#39; and &#34; applies. */
static void
attr_value_prep(struct buf *b, const char *p, size_t n)
{
	size_t i, k;

	buf_reset(b);
	for (i = 0; i < n; ) {
		const char *amp = memchr(p + i, '&', n - i);

		/* Up to the next '&' the value is copied as it is. */
		k = amp != NULL ? (size_t)(amp - p) : n;
		if (k > i) {
			buf_append(b, p + i, k - i);
			i = k;
			continue;
		}
		if (n - i >= 5 && (memcmp(p + i, "&#39;", 5) == 0 ||
		    memcmp(p + i, "&#34;", 5) == 0)) {
			buf_putc(b, p[i + 3] == '9' ? '\'' : '"');
			i += 5;
		} else if (p[i] == '&' && i + 2 < n && p[i + 1] == '#' &&
		    is_digit(p[i + 2])) {
			for (k = i + 2; k < n && is_digit(p[k]); k++)
				;
			buf_append(b, p + i, k - i);
			buf_putc(b, ';');
			i = k < n && p[k] == ';' ? k + 1 : k;
		} else
			buf_putc(b, p[i++]);
	}
}

/* Where the next '<', '>', '"' or '&' is in p[i..n), or n: values are
 * mostly URLs with none of them. */
static size_t
next_attr_special(const char *p, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');
	const __m128i dq = _mm_set1_epi8('"'), amp = _mm_set1_epi8('&');

	while (n - i >= 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(w, lt), _mm_cmpeq_epi8(w, gt)),
		    _mm_or_si128(_mm_cmpeq_epi8(w, dq),
		    _mm_cmpeq_epi8(w, amp))));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
#endif
	while (i < n && p[i] != '<' && p[i] != '>' && p[i] != '"' &&
	    p[i] != '&')
		i++;
	return i;
}

/* Writes a value between double quotes: <, > and " escaped, and any '&'
 * that does not start a reference. */
static void
attr_value_put(struct buf *out, const char *p, size_t n)
{
	size_t i, k, a = 0;

	for (i = 0; (i = next_attr_special(p, i, n)) < n; i++) {
		const char *rep = NULL;

		if (p[i] == '<')
			rep = "&lt;";
		else if (p[i] == '>')
			rep = "&gt;";
		else if (p[i] == '"')
			rep = "&quot;";
		else if (p[i] == '&') {
			k = i + 1;
			if (k < n && p[k] == '#') {
				k++;
				if (k < n && p[k] == 'x' && k + 1 < n &&
				    is_hex(p[k + 1]))
					for (k++; k < n && is_hex(p[k]);
					    k++)
						;
				else
					for (; k < n && is_digit(p[k]);
					    k++)
						;
				if (k == i + 2 || k >= n || p[k] != ';')
					rep = "&amp;";
			} else {
				while (k < n && is_word(p[k]))
					k++;
				if (k == i + 1 || k >= n || p[k] != ';')
					rep = "&amp;";
			}
		}
		if (rep == NULL)
			continue;
		html_put_raw(out, p + a, i - a);
		buf_puts(out, rep);
		a = i + 1;
	}
	html_put_raw(out, p + a, n - a);
}

/* 1 when a URL (references already decoded) has no scheme or one of the
 * harmless ones.  Leading controls and embedded tabs and newlines are
 * skipped, as browsers skip them. */
static int
scheme_ok(const char *u)
{
	char sch[16];
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)u;

	while (*p && *p <= ' ')
		p++;
	for (; *p; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == ':')
			break;
		if (n == 0 ? !is_alpha(*p) : !(is_alnum(*p) ||
		    *p == '+' || *p == '-' || *p == '.'))
			return 1;
		if (n < sizeof(sch))
			sch[n] = (char)lower(*p);
		n++;
	}
	if (*p != ':' || n == 0)
		return 1;
	/* No scheme we allow is as long as sch. */
	return n < sizeof(sch) && IN(uri_schemes, sch, n);
}

int
html_url_allowed(const char *url)
{
	return url == NULL || scheme_ok(url);
}

static void
uri_fix(struct san *z, const char *tag, size_t tlen, const char *name,
    struct buf *val)
{
	char pair[64];
	char *dec, *res;
	size_t a, b;

	if (tlen + strlen(name) + 2 <= sizeof(pair)) {
		memcpy(pair, tag, tlen);
		pair[tlen] = '/';
		strcpy(pair + tlen + 1, name);
		if (IN(relative_uris, pair, strlen(pair))) {
			for (a = 0; a < val->len &&
			    is_space(val->data[a]); a++)
				;
			for (b = val->len; b > a &&
			    is_space(val->data[b - 1]); b--)
				;
			if (b > a) {
				memmove(val->data, val->data + a, b - a);
				val->len = b - a;
				val->data[val->len] = '\0';
				if (z->base && *z->base && (res =
				    url_resolve(z->base, val->data)) != NULL) {
					buf_reset(val);
					buf_puts(val, res);
					free(res);
				}
			}
		}
	}
	if (val->len == 0 || memchr(val->data, '&', val->len) == NULL) {
		if (!scheme_ok(buf_str(val)))
			buf_reset(val);
		return;
	}
	dec = html_unescape(val->data, val->len);
	if (!scheme_ok(dec))
		buf_reset(val);
	free(dec);
}

/* A start tag, written cleaned or dropped.  Long: one pass over the
 * attributes with feedparser's rules in feedparser's order, which the
 * conformance corpus checks byte for byte. */
static int
san_start(void *ctx, const char *tag, size_t tlen, struct html_attr *attrs,
    size_t na, int selfclose)
{
	static const struct html_attr added[] = {
		{ "xmlns", 5, NS_SVG, sizeof(NS_SVG) - 1, 0 },
		{ "xmlns", 5, NS_MATHML, sizeof(NS_MATHML) - 1, 0 },
		{ "xmlns:xlink", 11, NS_XLINK, sizeof(NS_XLINK) - 1, 0 },
	};
	struct san *z = ctx;
	uint32_t aset = SET_ok_attributes;
	size_t i, m, m2, total, at;
	const char *outtag = tag, *camel, *outname;
	const struct html_attr *xmlns = NULL;
	int ok_el, svgattrs = 0, animates_link, add[3] = { 0, 0, 0 }, isvoid;
	struct html_attr *a;

	(void)selfclose;
	ok_el = IN(ok_elements, tag, tlen);
	if (!ok_el || z->svg) {
		if (IN(unacceptable_elements, tag, tlen))
			z->unacceptable++;
		for (i = 0; i < na; i++)
			if (attr_is(&attrs[i], "xmlns"))
				xmlns = &attrs[i];
		if (xmlns == NULL || xmlns->valuelen == 0) {
			add[0] = eq(tag, tlen, "svg");
			add[1] = eq(tag, tlen, "math");
		}
		if (eq(tag, tlen, "math") && (add[1] ||
		    has_attr_value(attrs, na, "xmlns", NS_MATHML)))
			z->mathml++;
		if (eq(tag, tlen, "svg") && (add[0] ||
		    has_attr_value(attrs, na, "xmlns", NS_SVG)))
			z->svg++;
		if (z->mathml && IN(mathml_elements, tag, tlen)) {
			aset = SET_mathml_attributes;
		} else if (z->svg && IN(svg_elements, tag, tlen)) {
			aset = SET_svg_attributes;
			svgattrs = 1;
			if ((camel = svg_camel_name(tag, tlen)) != NULL)
				outtag = camel;
		} else if (!ok_el)
			return 0;
	}
	if (z->mathml || z->svg) {
		z->unsafe = 1;
		for (i = 0; i < na; i++)
			if (attrs[i].namelen > 6 &&
			    strncasecmp(attrs[i].name, "xlink:", 6) == 0)
				break;
		if (i < na &&
		    !has_attr_value(attrs, na, "xmlns:xlink", NS_XLINK))
			add[2] = 1;
	}

	/*
	 * <animate attributeName="href" values="javascript:..."> would turn
	 * an SVG link into script (feedparser lets it through).  Such
	 * elements are dropped (svg_elements); should any element left name
	 * a link attribute to animate, it keeps no values.
	 */
	animates_link = 0;
	if (svgattrs)
		for (i = 0; i < na; i++)
			if (attr_is(&attrs[i], "attributename") &&
			    attrs[i].valuelen >= 4 &&
			    strncasecmp(attrs[i].value + attrs[i].valuelen - 4,
			    "href", 4) == 0)
				animates_link = 1;

	/* As a dictionary would: names folded, the last value wins, sorted. */
	total = na + 3;
	if (total > z->sortedcap) {
		z->sortedcap = total;
		z->sorted = xreallocarray(z->sorted, total, sizeof(*z->sorted));
	}
	if (na)
		memcpy(z->sorted, attrs, na * sizeof(*attrs));
	for (m = na, i = 0; i < 3; i++)
		if (add[i]) {
			z->sorted[m] = added[i];
			z->sorted[m].seq = m;
			m++;
		}
	if (m > 1)	/* most tags have one attribute or none */
		qsort(z->sorted, m, sizeof(*z->sorted), attr_cmp);

	at = z->out.len;
	buf_putc(&z->out, '<');
	buf_append(&z->out, outtag, strlen(outtag) < tlen ? strlen(outtag) :
	    tlen);
	for (i = 0; i < m; i++) {
		a = &z->sorted[i];
		if (i + 1 < m && attr_cmp(a, &z->sorted[i + 1]) != 0 &&
		    a->namelen == z->sorted[i + 1].namelen &&
		    strncasecmp(a->name, z->sorted[i + 1].name,
		    a->namelen) == 0)
			continue;	/* a later duplicate wins */
		html_set_lower(&z->prop, a->name, a->namelen);
		attr_value_prep(&z->val, a->value, a->valuelen);
		if (eq(z->prop.data, z->prop.len, "rel") ||
		    eq(z->prop.data, z->prop.len, "type"))
			for (m2 = 0; m2 < z->val.len; m2++)
				z->val.data[m2] = (char)lower(
				    (unsigned char)z->val.data[m2]);
		if (eq(z->prop.data, z->prop.len, "style")) {
			if (aset != SET_ok_attributes)
				continue;
			buf_reset(&z->style);
			html_css_clean(&z->style, buf_str(&z->val), z->val.len,
			    z->svg, &z->val2, &z->prop);
			if (z->style.len == 0)
				continue;
			buf_puts(&z->out, " style=\"");
			attr_value_put(&z->out, z->style.data, z->style.len);
			buf_putc(&z->out, '"');
			continue;
		}
		if (!(classify(z->prop.data, z->prop.len) & aset))
			continue;
		outname = z->prop.data;
		if (svgattrs && (camel = svg_camel_name(z->prop.data,
		    z->prop.len)) != NULL)
			outname = camel;
		if (IN(uri_attributes, z->prop.data, z->prop.len))
			uri_fix(z, tag, tlen, z->prop.data, &z->val);
		else if (animates_link && IN(animation_values, z->prop.data,
		    z->prop.len))
			buf_reset(&z->val);
		buf_putc(&z->out, ' ');
		buf_puts(&z->out, outname);
		buf_puts(&z->out, "=\"");
		attr_value_put(&z->out, buf_str(&z->val), z->val.len);
		buf_putc(&z->out, '"');
	}
	isvoid = IN(void_elements, outtag, strlen(outtag));
	buf_puts(&z->out, isvoid ? " />" : ">");
	if (z->tx != NULL && !z->unsafe) {
		/* Read back, the tag ends at its first bracket. */
		if (memchr(z->out.data + at + 1, '<', z->out.len - at - 1) !=
		    NULL || memchr(z->out.data + at, '>', z->out.len - at - 1) !=
		    NULL || z->txo->start(z->tx, tag, tlen, NULL, 0, isvoid))
			z->unsafe = 1;
	}
	return 0;
}

static void
san_end(void *ctx, const char *tag, size_t tlen)
{
	struct san *z = ctx;
	const char *outtag = tag, *camel;
	size_t outlen = tlen;

	if (z->mathml || z->svg)
		z->unsafe = 1;
	if (!IN(ok_elements, tag, tlen)) {
		if (IN(unacceptable_elements, tag, tlen))
			z->unacceptable--;
		if (z->mathml && IN(mathml_elements, tag, tlen)) {
			if (eq(tag, tlen, "math"))
				z->mathml--;
		} else if (z->svg && IN(svg_elements, tag, tlen)) {
			if ((camel = svg_camel_name(tag, tlen)) != NULL) {
				outtag = camel;
				outlen = strlen(camel);
			}
			if (eq(tag, tlen, "svg"))
				z->svg--;
		} else
			return;
	}
	if (IN(void_elements, outtag, outlen))
		return;
	buf_puts(&z->out, "</");
	buf_append(&z->out, outtag, outlen);
	buf_putc(&z->out, '>');
	if (z->tx != NULL && !z->unsafe)
		z->txo->end(z->tx, outtag, outlen);
}

static const struct html_tok_ops san_ops = {
	san_text, san_charref, san_entity, san_start, san_end, san_comment,
};

/* Python's str.strip() and then CRLF to LF, in place. */
static void
py_finish(struct buf *b)
{
	unsigned char *s = (unsigned char *)b->data;
	size_t n = b->len, a = 0, e, i, o, k;

	if (s == NULL)
		return;
	while (a < n && (k = py_space_at(s, n, a)) != 0)
		a += k;
	e = n;
	while (e > a) {
		/* Step back to the start of the last character. */
		for (i = e - 1; i > a && (s[i] & 0xc0) == 0x80 && e - i < 4;
		    i--)
			;
		if ((k = py_space_at(s, e, i)) == 0 || i + k != e)
			break;
		e = i;
	}
	if (memchr(s + a, '\r', e - a) == NULL) {
		/* The usual case: nothing to drop but the outer space. */
		if (a > 0)
			memmove(s, s + a, e - a);
		o = e - a;
	} else {
		for (i = a, o = 0; i < e; i++) {
			if (s[i] == '\r' && i + 1 < e && s[i + 1] == '\n')
				continue;
			s[o++] = s[i];
		}
	}
	b->len = o;
	s[o] = '\0';
}

char *
html_sanitize_follow(const char *html, size_t len, const char *base,
    const struct html_tok_ops *follow, void *ctx, int *unsafe)
{
	struct san z;
	struct html_tok t;
	char *copy;
	size_t clen;

	memset(&z, 0, sizeof(z));
	z.base = base;
	z.txo = follow;
	z.tx = ctx;
	if (html == NULL) {
		html = "";
		len = 0;
	}
	if ((copy = html_sgml_prepass(html, len, &clen)) == NULL)
		clen = len;
	presize(&z.out, clen);
	z.nul_free = memchr(copy ? copy : html, '\0', clen) == NULL;
	html_tok_init(&t, copy ? copy : html, clen, &san_ops, &z);
	html_tok_run(&t);
	html_tok_free(&t);
	free(copy);
	py_finish(&z.out);
	buf_free(&z.val);
	buf_free(&z.val2);
	buf_free(&z.prop);
	buf_free(&z.style);
	free(z.sorted);
	*unsafe = z.unsafe;
	return buf_detach(&z.out);
}

char *
html_sanitize(const char *html, size_t len, const char *base)
{
	int unsafe;

	return html_sanitize_follow(html, len, base, NULL, NULL, &unsafe);
}
