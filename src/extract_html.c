/*
 * The page as bytes and the body as HTML: what extract.c does before
 * libxml2 reads the page (ex_strip_raw) and after the body is found
 * (ex_serialize).  Both iterative, both linear.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "extract_int.h"

static int
raw_start(const char *p, const char *end, const char *name, size_t n)
{
	return (size_t)(end - p) > n + 1 && strncasecmp(p + 1, name, n) == 0 &&
	    (p[n + 1] == '>' || p[n + 1] == '/' || isspace((unsigned char)p[n + 1]));
}

static const char *
find_ci(const char *p, const char *end, const char *s, size_t n)
{
	for (; (size_t)(end - p) >= n; p++)
		if (*p == '<' && strncasecmp(p, s, n) == 0)
			return p;
	return NULL;
}

/*
 * The page without what the body never needs: comments and the bodies of
 * <script> and <style> (but JSON-LD, which the metadata reads).  Nearly
 * half the bytes of a news page are scripts, and libxml2 reads them
 * character by character; cutting them first makes the parse about a
 * third cheaper.  The ends are found as an HTML parser finds them: the
 * first "</script" ends a script, "-->" a comment; an unclosed one runs to
 * the end of the page.  Writes to out, which may be in itself (the result
 * is never longer), and returns the new length; with out NULL, only says
 * whether anything would go (0 or 1).
 */
size_t
ex_strip_raw(const char *in, size_t len, char *out)
{
	const char *p = in, *end = in + len, *lt, *q, *close;
	size_t o = 0;
	int keep;

#define EMIT(from, n) do {						\
		if (out != NULL)					\
			memmove(out + o, (from), (n));			\
		o += (n);						\
	} while (0)
	while (p < end && (lt = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *name = NULL;

		if ((size_t)(end - lt) >= 4 && memcmp(lt, "<!--", 4) == 0) {
			if (out == NULL)
				return 1;
			EMIT(p, (size_t)(lt - p));
			for (q = lt + 4; q + 3 <= end && memcmp(q, "-->", 3) != 0; q++)
				;
			p = q + 3 <= end ? q + 3 : end;
			continue;
		}
		if (raw_start(lt, end, "script", 6))
			name = "</script";
		else if (raw_start(lt, end, "style", 5))
			name = "</style";
		if (name == NULL) {
			EMIT(p, (size_t)(lt + 1 - p));
			p = lt + 1;
			continue;
		}
		/* the start tag, quotes honoured */
		for (q = lt + 1; q < end && *q != '>'; q++)
			if (*q == '"' || *q == '\'') {
				const char *cq = memchr(q + 1, *q, (size_t)(end - q - 1));

				if (cq == NULL)
					break;
				q = cq;
			}
		if (q >= end || *q != '>')
			break;
		q++;
		keep = 0;
		for (const char *t = lt; t + 7 <= q && !keep; t++)
			keep = strncasecmp(t, "ld+json", 7) == 0;
		close = find_ci(q, end, name, strlen(name));
		if (!keep && out == NULL && (close == NULL || close > q))
			return 1;
		EMIT(p, (size_t)(q - p));
		if (close == NULL) {
			if (keep)
				EMIT(q, (size_t)(end - q));
			p = end;
			break;
		}
		if (keep)
			EMIT(q, (size_t)(close - q));
		p = close;
		EMIT(p, 1);
		p++;
	}
	if (p < end)
		EMIT(p, (size_t)(end - p));
#undef EMIT
	return out == NULL ? 0 : o;
}

/* Appends s with &, <, > (and " when quote) escaped. */
static void
put_escaped(struct buf *b, const char *s, int quote)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *e;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = quote ? "&quot;" : NULL; break;
		default: e = NULL; break;
		}
		if (e == NULL)
			continue;
		(void)buf_append(b, run, (size_t)(s - run));
		(void)buf_puts(b, e);
		run = s + 1;
	}
	(void)buf_append(b, run, (size_t)(s - run));
}

static void
put_end_tag(struct buf *b, const xmlNode *n)
{
	(void)buf_append(b, "</", 2);
	(void)buf_puts(b, (const char *)n->name);
	(void)buf_putc(b, '>');
}

/* Serialises n's children as HTML; captions left out when nocap;
 * *has_cap (when not NULL) says whether there were any. */
void
ex_serialize(xmlNode *root, struct buf *b, int nocap, int *has_cap)
{
	static const char *const voids[] = { "area", "base", "br", "col",
		"embed", "hr", "img", "input", "link", "meta", "param",
		"source", "track", "wbr", NULL };
	xmlNode *n = root->children;
	xmlAttr *a;

	while (n != NULL) {
		int skip = 0;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				put_escaped(b, (const char *)n->content, 0);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (has_cap != NULL && ex_is(n, "figcaption"))
				*has_cap = 1;
			if (nocap && ex_is(n, "figcaption"))
				skip = 1;
			else {
				(void)buf_putc(b, '<');
				(void)buf_puts(b, (const char *)n->name);
				for (a = n->properties; a != NULL; a = a->next) {
					const char *v = a->children && a->children->content ?
					    (const char *)a->children->content : "";

					(void)buf_putc(b, ' ');
					(void)buf_puts(b, (const char *)a->name);
					(void)buf_append(b, "=\"", 2);
					put_escaped(b, v, 1);
					(void)buf_putc(b, '"');
				}
				(void)buf_putc(b, '>');
				for (const char *const *v = voids; *v != NULL; v++)
					if (strcmp((const char *)n->name, *v) == 0)
						skip = 1;
			}
		}
		if (!skip && n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		if (n->type == XML_ELEMENT_NODE && !skip)
			put_end_tag(b, n);
		while (n != NULL && n != root && n->next == NULL) {
			n = n->parent;
			if (n != root)
				put_end_tag(b, n);
		}
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
}

