#include "opml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "err.h"
#include "xmalloc.h"

/* Outlines nested deeper than this are not a feed list. */
#define OPML_MAX_DEPTH	32

struct import {
	struct feedlist	*fl;
	size_t		*skipped;
	char		*path[OPML_MAX_DEPTH];	/* titles of the parents */
};

static char *
prop(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s, *a, *e;

	if (v == NULL)
		return NULL;
	for (a = (char *)v; *a == ' ' || *a == '\t' || *a == '\n' ||
	    *a == '\r'; a++)
		;
	for (e = a + strlen(a); e > a && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\n' || e[-1] == '\r'); e--)
		;
	s = e > a ? xstrndup(a, e - a) : NULL;
	xmlFree(v);
	return s;
}

static int
has_name(const struct feedlist *fl, const char *name)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		if (fl->feeds[i].name != NULL &&
		    strcmp(fl->feeds[i].name, name) == 0)
			return 1;
	return 0;
}

static void
add_tag(struct feedlist_feed *f, const char *t)
{
	size_t i;

	while (*t == '/')
		t++;
	if (*t == '\0')
		return;
	for (i = 0; i < f->ntags; i++)
		if (strcmp(f->tags[i], t) == 0)
			return;
	f->tags = xreallocarray(f->tags, f->ntags + 1, sizeof(*f->tags));
	f->tags[f->ntags++] = xstrdup(t);
}

static int
usable_url(const char *u)
{
	const char *p;

	/* Not file: an OPML file from elsewhere must not make the daemon
	 * read (and export) local files. */
	if (strncasecmp(u, "http://", 7) != 0 &&
	    strncasecmp(u, "https://", 8) != 0)
		return 0;
	for (p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"')
			return 0;
	return 1;
}

static void
add_feed(struct import *im, xmlNode *n, char *url, int depth)
{
	struct feedlist_feed *f;
	char *name, *cat, *uniq, *tok, *save;
	int i;

	if (!usable_url(url) || feedlist_find(im->fl, url) != NULL) {
		(*im->skipped)++;
		return;
	}
	f = feedlist_add(im->fl, url);
	name = prop(n, "text");
	if (name == NULL)
		name = prop(n, "title");
	if (name != NULL && strcmp(name, url) == 0) {
		free(name);
		name = NULL;
	}
	if (name != NULL) {
		/* The feed list has no line breaks in values. */
		for (tok = name; *tok != '\0'; tok++)
			if ((unsigned char)*tok < ' ' || *tok == 0x7f)
				*tok = ' ';
		uniq = xstrdup(name);
		for (i = 2; has_name(im->fl, uniq); i++) {
			free(uniq);
			uniq = xasprintf("%s (%d)", name, i);
		}
		f->name = uniq;
		free(name);
	}
	for (i = 0; i < depth; i++)
		if (im->path[i] != NULL)
			add_tag(f, im->path[i]);
	cat = prop(n, "category");
	if (cat != NULL) {
		for (tok = strtok_r(cat, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			add_tag(f, tok);
		free(cat);
	}
}

static void
walk(struct import *im, xmlNode *n, int depth)
{
	char *url;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "outline") != 0)
			continue;
		url = prop(n, "xmlUrl");
		if (url == NULL)
			url = prop(n, "xmlurl");
		if (url != NULL) {
			add_feed(im, n, url, depth);
			free(url);
		} else if (depth < OPML_MAX_DEPTH) {
			im->path[depth] = prop(n, "text");
			if (im->path[depth] == NULL)
				im->path[depth] = prop(n, "title");
			walk(im, n->children, depth + 1);
			free(im->path[depth]);
			im->path[depth] = NULL;
		}
	}
}

int
opml_import(const char *data, size_t len, struct feedlist *fl,
    size_t *skipped, char *ebuf, size_t n)
{
	struct import im;
	xmlDoc *doc;
	xmlNode *root, *c;
	size_t dummy = 0;

	if (len > (size_t)INT32_MAX)
		return err_set(ebuf, n, ERR_LIMIT, "OPML document too large");
	doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		size_t ml = e && e->message ? strlen(e->message) : 0;

		/* libxml2's messages end with a newline. */
		while (ml > 0 && e->message[ml - 1] == '\n')
			ml--;
		return err_set(ebuf, n, ERR_PARSE, "not XML%s%.*s (line %d)",
		    ml ? ": " : "", (int)ml, ml ? e->message : "",
		    e ? e->line : 0);
	}
	if (doc->intSubset != NULL && doc->intSubset->entities != NULL) {
		xmlFreeDoc(doc);
		return err_set(ebuf, n, ERR_PARSE,
		    "OPML that declares entities is refused");
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "opml") != 0) {
		xmlFreeDoc(doc);
		return err_set(ebuf, n, ERR_PARSE, "not OPML (no <opml> root)");
	}
	memset(&im, 0, sizeof(im));
	im.fl = fl;
	im.skipped = skipped ? skipped : &dummy;
	for (c = root->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, "body") == 0)
			walk(&im, c->children, 0);
	xmlFreeDoc(doc);
	return ERR_OK;
}

int
opml_export(const struct feedlist *fl, const char *title, struct buf *b,
    char *ebuf, size_t n)
{
	const struct feedlist_feed *f;
	xmlDoc *doc;
	xmlNode *root, *head, *body, *o;
	xmlChar *out = NULL;
	struct buf t = { 0 };
	size_t i, j;
	int len = 0;

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"opml");
	xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"2.0");
	xmlDocSetRootElement(doc, root);
	head = xmlNewChild(root, NULL, (const xmlChar *)"head", NULL);
	/* xmlNewTextChild escapes; xmlNewChild would not. */
	xmlNewTextChild(head, NULL, (const xmlChar *)"title",
	    (const xmlChar *)(title ? title : "tidings feeds"));
	body = xmlNewChild(root, NULL, (const xmlChar *)"body", NULL);
	for (i = 0; i < fl->n; i++) {
		f = &fl->feeds[i];
		o = xmlNewChild(body, NULL, (const xmlChar *)"outline", NULL);
		xmlNewProp(o, (const xmlChar *)"type", (const xmlChar *)"rss");
		xmlNewProp(o, (const xmlChar *)"text",
		    (const xmlChar *)(f->name ? f->name : f->url));
		if (f->name != NULL)
			xmlNewProp(o, (const xmlChar *)"title",
			    (const xmlChar *)f->name);
		xmlNewProp(o, (const xmlChar *)"xmlUrl",
		    (const xmlChar *)f->url);
		if (f->ntags > 0) {
			buf_reset(&t);
			for (j = 0; j < f->ntags; j++)
				buf_printf(&t, "%s%s", j ? "," : "",
				    f->tags[j]);
			xmlNewProp(o, (const xmlChar *)"category",
			    (const xmlChar *)buf_str(&t));
		}
	}
	buf_free(&t);
	xmlDocDumpFormatMemoryEnc(doc, &out, &len, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (out == NULL)
		return err_set(ebuf, n, ERR_INVALID, "cannot serialise OPML");
	buf_append(b, out, (size_t)len);
	xmlFree(out);
	return ERR_OK;
}
