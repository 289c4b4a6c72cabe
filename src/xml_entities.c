/*
 * Entities and the '&' repair, before and while libxml2 reads a feed; the
 * contracts are in xml_entities.h.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "buf.h"
#include "xml_entities.h"
#include "xml_scan.h"
#include "xmalloc.h"

static const char *
html_entity(const xmlChar *name, char *out)
{
	const htmlEntityDesc *d = htmlEntityLookup(name);
	struct buf b = { 0 };

	if (d == NULL)
		return NULL;
	buf_put_utf8(&b, d->value);
	memcpy(out, buf_str(&b), b.len + 1);
	buf_free(&b);
	return out;
}

void
xml_entities_init(struct xml_entities *e)
{
	memset(e, 0, sizeof(*e));
	e->budget = XML_ENT_BUDGET;
}

void
xml_entities_clear(struct xml_entities *e)
{
	int i;

	xml_entities_drop_queued(e);
	for (i = 0; i < e->ndecl; i++) {
		free(e->decl[i].name);
		free(e->decl[i].text);
	}
	e->ndecl = 0;
}

/* feedparser keeps only a character reference; anything that could nest
 * or grow is never kept, so never expanded. */
void
xml_entities_declare(struct xml_entities *e, const xmlChar *name, int type,
    const xmlChar *content)
{
	if (type != XML_INTERNAL_GENERAL_ENTITY || content == NULL ||
	    e->ndecl >= XML_ENT_DECL_MAX ||
	    strlen((const char *)content) > XML_ENT_DECL_TEXT_MAX ||
	    strpbrk((const char *)content, "&<%") != NULL)
		return;
	e->decl[e->ndecl].name = xstrdup((const char *)name);
	e->decl[e->ndecl].text = xstrdup((const char *)content);
	e->ndecl++;
}

xmlEntityPtr
xml_entities_resolve(struct xml_entities *e, const xmlChar *name,
    const char **why)
{
	char tmp[8], *text = NULL;
	const char *h;
	int i;

	*why = NULL;
	for (i = 0; i < e->ndecl; i++)
		if (strcmp(e->decl[i].name, (const char *)name) == 0) {
			size_t n = strlen(e->decl[i].text);

			if (n <= e->budget) {
				e->budget -= n;
				text = xstrdup(e->decl[i].text);
			} else
				*why = "entity &%s; expands too much";
			break;
		}
	if (text == NULL && (h = html_entity(name, tmp)) != NULL) {
		/* understood, but XML without a DTD knows only five names */
		text = xstrdup(h);
		if (*why == NULL)
			*why = "entity &%s; is HTML, not XML";
	}
	if (text == NULL) {
		/* Undeclared (or too big): kept as the literal reference,
		 * as feedparser's loose parser does. */
		if (i == e->ndecl)
			*why = "undefined entity &%s;";
		text = xasprintf("&%s;", (const char *)name);
	}
	if (e->nq < XML_ENT_QUEUE)
		e->q[e->nq++] = text;
	else
		free(text);
	memset(&e->mark, 0, sizeof(e->mark));
	e->mark.type = XML_ENTITY_DECL;
	e->mark.name = name;
	e->mark.content = BAD_CAST "\001";
	e->mark.length = 1;
	e->mark.etype = XML_INTERNAL_PREDEFINED_ENTITY;
	return &e->mark;
}

const char *
xml_entities_queued(const struct xml_entities *e, int i)
{
	return i < e->nq ? e->q[i] : NULL;
}

char *
xml_entities_take_last(struct xml_entities *e)
{
	char *t;

	if (e->nq == 0)
		return NULL;
	t = e->q[--e->nq];
	xml_entities_drop_queued(e);
	return t;
}

void
xml_entities_drop_queued(struct xml_entities *e)
{
	int i;

	for (i = 0; i < e->nq; i++)
		free(e->q[i]);
	e->nq = 0;
}

xmlParserInputPtr
xml_entities_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url; (void)id; (void)ctxt;
	return NULL;
}

size_t
xml_entities_repair_amps(const char *p, size_t len, struct buf *out,
    size_t *first_off)
{
	const char *s = p, *end = p + len, *done = p;
	size_t fixes = 0;

	while (s < end) {
		const char *close;
		size_t n;
		int upper_x;

		s = xml_scan_markup(s, end);
		if (s >= end)
			break;
		if (*s == '<') {
			close = NULL;
			if (end - s >= 9 && memcmp(s, "<![CDATA[", 9) == 0)
				close = "]]>";
			else if (end - s >= 4 && memcmp(s, "<!--", 4) == 0)
				close = "-->";
			else if (end - s >= 2 && s[1] == '?')
				close = "?>";
			if (close == NULL) {
				s++;
				continue;
			}
			s = xml_scan_find(s + 2, end, close);
			if (s == NULL)
				break;
			s += strlen(close);
			continue;
		}
		n = xml_scan_ref(s, end, &upper_x);
		if (n > 0 && !upper_x) {
			s += n;
			continue;
		}
		if (n == 0)
			upper_x = 0;	/* "&#X" with nothing after it is a bare & */
		if (fixes++ == 0)
			*first_off = (size_t)(s - p);
		buf_append(out, done, (size_t)(s - done));
		if (upper_x) {
			buf_puts(out, "&#x");
			done = s + 3;
			s += n;
		} else {
			buf_puts(out, "&amp;");
			done = ++s;
		}
	}
	if (fixes > 0)
		buf_append(out, done, (size_t)(end - done));
	return fixes;
}
