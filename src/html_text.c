/*
 * The text renderer: html_to_text() and html_sanitize_text() (html.h).
 */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "html_impl.h"
#include "xmalloc.h"

#define TXT_LISTS	32

enum { NEED_NONE, NEED_SPACE, NEED_LINE, NEED_PARA };

struct txt {
	struct buf	 out;
	int		 need;
	int		 brs;		/* <br>s since the last text */
	int		 hidden;	/* depth in hidden_elements */
	int		 pre;
	char		 prefix[32];	/* list marker, until text */
	int		 lists[TXT_LISTS]; /* next number, 0: <ul> */
	size_t		 nlists;
};

static void
txt_need(struct txt *x, int need)
{
	if (need > x->need)
		x->need = need;
}

/*
 * Words parted by one plain space come out as written, so the renderer
 * copies them as one run: returns where the run that starts at u[i] (not
 * white space) ends.  Eight bytes are taken at once when none is a
 * control or non-ASCII byte (all of Python's white space is one of those
 * but ' ') and no ' ' in them is doubled or last; y flags exactly the
 * bytes that are ' '.
 */
static size_t
txt_run_end(const unsigned char *u, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t v, x, y;
#ifdef __SSE2__
	const __m128i c1f = _mm_set1_epi8(0x1f), sp = _mm_set1_epi8(' ');
#endif

	for (;;) {
#ifdef __SSE2__
		/* The same test sixteen bytes at a time: bad are the bytes
		 * below 0x20 (max(byte, 0x1f) is 0x1f) or above 0x7f. */
		while (n - i >= 16) {
			__m128i w = _mm_loadu_si128((const __m128i *)(const void *)
			    (u + i));
			unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(_mm_max_epu8(w, c1f), c1f), w));
			unsigned s = (unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(w, sp));

			if (bad != 0 || (s & (s << 1)) != 0 || (s >> 15) != 0)
				break;
			i += 16;
		}
#endif
		while (n - i >= sizeof(v)) {
			memcpy(&v, u + i, sizeof(v));
			if ((((v - ones * 0x20) & ~v) | v) & highs)
				break;
			x = v ^ (ones * ' ');
			y = ~(((x & low7) + low7) | x | low7);
			if ((y & (y << 8)) != 0 || (y >> 63) != 0)
				break;
			i += sizeof(v);
		}
		while (i < n && py_space_at(u, n, i) == 0)
			i++;
		if (i + 1 < n && u[i] == ' ' && py_space_at(u, n, i + 1) == 0) {
			i++;
			continue;
		}
		return i;
	}
}

static void
txt_put(struct txt *x, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, a, k;

	while (i < n) {
		/* Any white space, no-break and other Unicode spaces too. */
		if ((k = py_space_at(u, n, i)) != 0) {
			txt_need(x, x->pre && u[i] == '\n' ? NEED_LINE :
			    NEED_SPACE);
			i += k;
			continue;
		}
		a = i;
		i = txt_run_end(u, i, n);
		if (x->out.len)
			buf_puts(&x->out, x->need == NEED_PARA ? "\n\n" :
			    x->need == NEED_LINE ? "\n" :
			    x->need == NEED_SPACE ? " " : "");
		x->need = NEED_NONE;
		x->brs = 0;
		if (x->prefix[0]) {
			buf_puts(&x->out, x->prefix);
			x->prefix[0] = '\0';
		}
		html_put_raw(&x->out, p + a, i - a);
	}
}

static void
txt_cp(struct txt *x, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == CP_NONE)
		return;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	txt_put(x, u, n);
}

static void
txt_text(void *ctx, const char *p, size_t n, int rest)
{
	struct txt *x = ctx;

	(void)rest;
	if (!x->hidden)
		txt_put(x, p, n);
}

static void
txt_charref(void *ctx, const char *p, size_t n)
{
	struct txt *x = ctx;

	if (!x->hidden)
		txt_cp(x, html_charref_value(p, n));
}

static void
txt_entity(void *ctx, const char *p, size_t n, int semi)
{
	struct txt *x = ctx;
	unsigned long cp;

	size_t used;

	if (x->hidden)
		return;
	if (semi && (cp = html_entity_lookup(p, n)) != 0) {
		txt_cp(x, cp);
		return;
	}
	if ((cp = html_legacy_prefix(p, n, &used)) != 0) {
		txt_cp(x, cp);
		txt_put(x, p + used, n - used);
		if (semi)
			txt_put(x, ";", 1);
		return;
	}
	txt_put(x, "&", 1);
	txt_put(x, p, n);
	if (semi)
		txt_put(x, ";", 1);
}

static int
txt_start(void *ctx, const char *tag, size_t n, struct html_attr *attrs,
    size_t na, int selfclose)
{
	struct txt *x = ctx;
	int num, indent;

	(void)attrs;
	(void)na;
	if (IN(rawtext_elements, tag, n))
		return !selfclose;
	if (IN(hidden_elements, tag, n)) {
		if (!selfclose)
			x->hidden++;
		return 0;
	}
	if (x->hidden)
		return 0;
	if (eq(tag, n, "br")) {
		/* One <br> breaks the line; two in a row, the paragraph. */
		txt_need(x, x->brs ? NEED_PARA : NEED_LINE);
		x->brs++;
	} else if (eq(tag, n, "ul") || eq(tag, n, "ol")) {
		/* A list is a paragraph; one inside an item goes on from the
		 * item's line. */
		txt_need(x, x->nlists ? NEED_LINE : NEED_PARA);
		if (x->nlists < TXT_LISTS)
			x->lists[x->nlists] = eq(tag, n, "ol");
		x->nlists++;
	} else if (eq(tag, n, "li")) {
		txt_need(x, NEED_LINE);
		num = x->nlists && x->nlists <= TXT_LISTS ?
		    x->lists[x->nlists - 1] : 0;
		/* Two spaces of indent per level of nesting, up to eight. */
		indent = x->nlists > 1 ? 2 * (x->nlists - 1) : 0;
		if (indent > 16)
			indent = 16;
		if (num > 0) {
			snprintf(x->prefix, sizeof(x->prefix), "%*s%d. ", indent,
			    "", num);
			if (num < 999999)
				x->lists[x->nlists - 1]++;
		} else
			snprintf(x->prefix, sizeof(x->prefix), "%*s- ", indent, "");
	} else if (eq(tag, n, "tr"))
		txt_need(x, NEED_LINE);
	else if (eq(tag, n, "td") || eq(tag, n, "th"))
		txt_need(x, NEED_SPACE);
	else if (IN(block_elements, tag, n)) {
		txt_need(x, NEED_PARA);
		if (eq(tag, n, "pre") && !selfclose)
			x->pre++;
	}
	return 0;
}

static void
txt_end(void *ctx, const char *tag, size_t n)
{
	struct txt *x = ctx;

	if (IN(hidden_elements, tag, n)) {
		if (x->hidden)
			x->hidden--;
		return;
	}
	if (x->hidden)
		return;
	if (eq(tag, n, "ul") || eq(tag, n, "ol")) {
		if (x->nlists)
			x->nlists--;
		txt_need(x, x->nlists ? NEED_LINE : NEED_PARA);
	} else if (eq(tag, n, "li") || eq(tag, n, "tr"))
		txt_need(x, NEED_LINE);
	else if (IN(block_elements, tag, n)) {
		txt_need(x, NEED_PARA);
		if (eq(tag, n, "pre") && x->pre)
			x->pre--;
	}
}

static void
txt_comment(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

static const struct html_tok_ops txt_ops = {
	txt_text, txt_charref, txt_entity, txt_start, txt_end, txt_comment,
};

char *
html_to_text(const char *html, size_t len)
{
	struct txt x;
	struct html_tok t;

	memset(&x, 0, sizeof(x));
	if (html)
		presize(&x.out, len);
	html_tok_init(&t, html, len, &txt_ops, &x);
	t.textmode = 1;
	html_tok_run(&t);
	html_tok_free(&t);
	return buf_detach(&x.out);
}

char *
html_sanitize_text(const char *html, size_t len, const char *base,
    char **text)
{
	struct txt x;
	char *out;
	int unsafe;

	memset(&x, 0, sizeof(x));
	presize(&x.out, len);
	out = html_sanitize_follow(html, len, base, &txt_ops, &x, &unsafe);
	if (unsafe) {
		buf_free(&x.out);
		*text = html_to_text(out, strlen(out));
	} else
		*text = buf_detach(&x.out);
	return out;
}
