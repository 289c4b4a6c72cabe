/*
 * RSS 0.90-2.0, RSS 1.0 and Atom 0.3/1.0 over libxml2's SAX2 interface.
 *
 * Memory stays bounded whatever the document size: libxml2's push parser
 * reads the buffer in slices (no copy of the document), only the current
 * item's fields are held, each capped, and an item goes to the callback
 * as soon as its end tag is seen.
 *
 * Security: no DTD loading, no entity substitution from the document's
 * DTD and a refusing external entity loader (xml_entities.h), so billion
 * laughs, quadratic blowup and XXE come out as harmless literal "&name;"
 * text.
 *
 * Elements are named as feedparser names them (xml_names.h); which one
 * fills which field is the table below (rules).
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "err.h"
#include "normalize.h"
#include "parse_pipe.h"
#include "parse_xml.h"
#include "parse_xml_impl.h"
#include "url.h"
#include "xml_cdata.h"
#include "xml_entities.h"
#include "xml_names.h"
#include "xml_scan.h"
#include "xml_values.h"
#include "xmalloc.h"

static void
set_bozo(struct state *st, const char *fmt, const char *arg, int line)
{
	if (st->bozo_message == NULL) {
		char msg[300];

		snprintf(msg, sizeof(msg), fmt, arg);
		st->bozo_message = line > 0 ?
		    xasprintf("line %d: %s", line, msg) : xstrdup(msg);
	}
	st->bozo = 1;
}

/* ------------------------------------------------------------ entities */

static xmlEntityPtr
sax_get_entity(void *ctx, const xmlChar *name)
{
	struct state *st = ctx;
	xmlEntityPtr mark;
	const char *why;

	/* In the DTD libxml2 asks while declaring (to attach the raw value
	 * to what it finds): there is nothing to find. */
	if (st->ctxt->inSubset != 0)
		return NULL;
	mark = xml_entities_resolve(&st->ent, name, &why);
	if (why != NULL)
		set_bozo(st, why, (const char *)name,
		    xmlSAX2GetLineNumber(st->ctxt));
	st->ctxt->wellFormed = 1;	/* see sax_start */
	return mark;
}

static void
sax_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	struct state *st = ctx;

	(void)publicId; (void)systemId;
	xml_entities_declare(&st->ent, name, type, content);
}

/* ------------------------------------------------------------- errors */

static void
sax_serror(void *ctx, xmlErrorPtr err)
{
	struct state *st = ctx;
	char *msg, *p;

	if (err == NULL || err->level < XML_ERR_ERROR ||
	    err->code == XML_WAR_UNDECLARED_ENTITY)
		return;
	if (err->code == XML_ERR_TAG_NAME_MISMATCH && err->str2 != NULL) {
		free(st->pending_close);
		st->pending_close = xstrdup(err->str2);
	}
	/* a parameter entity in the DTD that we do not load on purpose */
	if (err->code == XML_ERR_UNDECLARED_ENTITY && err->message != NULL &&
	    strncmp(err->message, "PEReference", 11) == 0)
		return;
	if (st->first_error != NULL)
		return;
	msg = xstrdup(err->message ? err->message : "error");
	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	while (p > msg && p[-1] == ' ')
		*--p = '\0';
	st->first_error = msg;
	st->first_error_line = err->line;
}

static void
sax_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx; (void)msg;
}

/* ----------------------------------------------------------- helpers */

/* Elements whose text may hold markup (feedparser's push_content). */
static int
el_is_content(enum xml_el e)
{
	switch (e) {
	case E_TITLE: case E_DC_TITLE: case E_MEDIA_TITLE:
	case E_DESCRIPTION: case E_SUMMARY: case E_ITUNES_SUMMARY:
	case E_MEDIA_DESCRIPTION: case E_DC_DESCRIPTION: case E_SUBTITLE:
	case E_ITUNES_SUBTITLE: case E_CONTENT_ENCODED: case E_CONTENT:
	case E_BODY: case E_FULLITEM:
		return 1;
	default:
		return 0;
	}
}

/* May an element inside one with nesting n fill a field? */
static int
nest_allows(unsigned n, enum xml_el e)
{
	if (n == N_ITUNES_CATEGORY)
		return e == E_ITUNES_CATEGORY;
	return e == E_MEDIA_GROUP || e == E_MEDIA_CONTENT ||
	    e == E_MEDIA_TITLE || e == E_MEDIA_DESCRIPTION ||
	    e == E_MEDIA_THUMBNAIL || e == E_MEDIA_CATEGORY;
}

/* The current start tag's attribute values.  libxml2 leaves "&#38;" for
 * a literal ampersand, and our entity marks stand for entities; only
 * values holding either are decoded (into a new string). */
static void
attrs_load(struct state *st, int nb, const xmlChar **attrs)
{
	int i, q = 0;

	st->nattr = nb < ATTR_MAX ? nb : ATTR_MAX;
	st->attrs = attrs;
	for (i = 0; i < st->nattr; i++) {
		const char *v = (const char *)attrs[i * 5 + 3];
		const char *end = (const char *)attrs[i * 5 + 4];
		size_t n = (size_t)(end - v);
		struct buf b = { 0 };

		st->attrv[i] = NULL;
		if (memchr(v, '&', n) == NULL && memchr(v, XML_ENT_MARK, n) == NULL)
			continue;
		buf_append(&b, "", 0);
		while (v < end) {
			if (*v == '&' && end - v >= 5 &&
			    memcmp(v, "&#38;", 5) == 0) {
				buf_putc(&b, '&');
				v += 5;
			} else if (*v == XML_ENT_MARK) {
				const char *t = xml_entities_queued(&st->ent, q);

				if (t != NULL) {
					buf_puts(&b, t);
					q++;
				}
				v++;
			} else
				buf_putc(&b, *v++);
		}
		st->attrv[i] = buf_detach(&b);
	}
}

static void
attrs_clear(struct state *st)
{
	int i;

	for (i = 0; i < st->nattr; i++)
		free(st->attrv[i]);
	st->nattr = 0;
}

/* Value i as a string and its length (borrowed). */
static const char *
attr_value(struct state *st, int i, size_t *n)
{
	const xmlChar **a = &st->attrs[i * 5];

	if (st->attrv[i] != NULL) {
		*n = strlen(st->attrv[i]);
		return st->attrv[i];
	}
	*n = (size_t)(a[4] - a[3]);
	return (const char *)a[3];
}

char *
parse_xml_attr_get(struct state *st, const char *name, int xml_ns)
{
	int i;

	for (i = 0; i < st->nattr; i++) {
		const xmlChar **a = &st->attrs[i * 5];
		const char *v;
		size_t n;

		if (xml_ns != (a[2] != NULL &&
		    strcmp((const char *)a[2],
		    (const char *)XML_XML_NAMESPACE) == 0))
			continue;
		if (xml_casecmp((const char *)a[0], name) == 0) {
			v = attr_value(st, i, &n);
			return xstrndup(v, n);
		}
	}
	return NULL;
}

static enum ctype
map_type(const char *t, enum ctype def, int *other_base64)
{
	*other_base64 = 0;
	if (t == NULL)
		return def;
	if (xml_casecmp(t, "text") == 0 || xml_casecmp(t, "text/plain") == 0)
		return T_TEXT;
	if (xml_casecmp(t, "html") == 0 || xml_casecmp(t, "text/html") == 0)
		return T_HTML;
	if (xml_casecmp(t, "xhtml") == 0 ||
	    xml_casecmp(t, "application/xhtml+xml") == 0)
		return T_XHTML;
	/* feedparser: anything neither text/ nor XML is base64 */
	if (strncasecmp(t, "text/", 5) != 0) {
		size_t n = strlen(t);

		if (!(n >= 4 && (strcasecmp(t + n - 4, "+xml") == 0 ||
		    strcasecmp(t + n - 4, "/xml") == 0)))
			*other_base64 = 1;
	}
	return T_OTHER;
}

/* ------------------------------------------------------- SAX2 */

static int
is_void_el(const char *n)
{
	static const char *v[] = { "area", "base", "basefont", "br", "col",
	    "frame", "hr", "img", "input", "isindex", "link", "meta",
	    "param", "source", "track", "wbr", "embed", "keygen" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (xml_casecmp(n, v[i]) == 0)
			return 1;
	return 0;
}

static int
put_escaped(struct cbuf *b, const char *s, size_t n, int quote)
{
	size_t i, start = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = quote ? "&quot;" : NULL; break;
		default: rep = NULL; break;
		}
		if (rep == NULL)
			continue;
		r |= cbuf_append(b, s + start, i - start);
		r |= cbuf_puts(b, rep);
		start = i + 1;
	}
	r |= cbuf_append(b, s + start, n - start);
	return r;
}

static void
cap_overflow(struct state *st)
{
	set_bozo(st, "%s", "a field is longer than 4 MB; truncated",
	    xmlSAX2GetLineNumber(st->ctxt));
}

static void
serialize_start(struct state *st, struct frame *fr, const xmlChar *local,
    const xmlChar *uri, int nb_attributes, const xmlChar **attrs)
{
	struct capture *c = &st->cap;
	struct cbuf *b = &c->text;
	const char *v;
	size_t n;
	int i, top = (st->depth - 1 == c->depth + 1);

	/* feedparser: markup inside a nominally escaped element means the
	 * element is really XHTML, but a <div> wrapper there is dropped
	 * (TypePad wraps escaped HTML in one). */
	if (c->type != T_XHTML && c->type != T_OTHER) {
		if (xml_casecmp((const char *)local, "div") == 0) {
			fr->skip = 1;
			return;
		}
		c->type = T_XHTML;
	}
	if (top) {
		c->top_elems++;
		if (c->top_elems == 1 &&
		    xml_casecmp((const char *)local, "div") == 0)
			c->first_is_div = 1;
	}
	fr->is_void = is_void_el((const char *)local);
	if (cbuf_putc(b, '<') < 0 || cbuf_puts(b, (const char *)local) < 0)
		cap_overflow(st);
	/* SVG and MathML need their namespace to mean anything in HTML */
	if (uri != NULL && (strcmp((const char *)uri,
	    "http://www.w3.org/2000/svg") == 0 || strcmp((const char *)uri,
	    "http://www.w3.org/1998/Math/MathML") == 0) &&
	    (xml_casecmp((const char *)local, "svg") == 0 ||
	    xml_casecmp((const char *)local, "math") == 0)) {
		cut_silently(cbuf_puts(b, " xmlns=\""));
		cut_silently(cbuf_puts(b, (const char *)uri));
		cut_silently(cbuf_putc(b, '"'));
	}
	for (i = 0; i < nb_attributes && i < st->nattr; i++) {
		const xmlChar **a = &attrs[i * 5];

		cut_silently(cbuf_putc(b, ' '));
		if (a[1] != NULL) {
			cut_silently(cbuf_puts(b, (const char *)a[1]));
			cut_silently(cbuf_putc(b, ':'));
		}
		cut_silently(cbuf_puts(b, (const char *)a[0]));
		cut_silently(cbuf_puts(b, "=\""));
		v = attr_value(st, i, &n);
		cut_silently(put_escaped(b, v, n, 1));
		cut_silently(cbuf_putc(b, '"'));
	}
	if (fr->is_void)
		cut_silently(cbuf_puts(b, " />"));
	else
		cut_silently(cbuf_putc(b, '>'));
	if (top && c->first_is_div && c->top_elems == 1)
		c->div_inner_start = b->b.len;
}

static void
serialize_end(struct state *st, struct frame *fr, int i)
{
	struct capture *c = &st->cap;
	int top = (i == c->depth + 1);

	if (fr->is_void || fr->skip)
		return;
	if (top && c->first_is_div && c->top_elems == 1)
		c->div_inner_end = c->text.b.len;
	cut_silently(cbuf_puts(&c->text, "</"));
	cut_silently(cbuf_puts(&c->text, (const char *)fr->local));
	cut_silently(cbuf_putc(&c->text, '>'));
}

static void
begin_capture(struct state *st, enum fld f, int prio, int is_item,
    enum ctype type)
{
	struct capture *c = &st->cap;

	c->depth = st->depth - 1;
	c->fld = f;
	c->prio = prio;
	c->is_item = is_item;
	c->type = type;
	c->base64 = 0;
	c->permalink = 0;
	c->link_done = 0;
	c->top_elems = c->top_text = c->first_is_div = 0;
	c->div_inner_start = c->div_inner_end = 0;
	buf_reset(&c->text.b);
	st->frames[st->depth - 1].capture = 1;
}

static void
root_element(struct state *st, enum xml_el el, const xmlChar *local,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb, const xmlChar **attrs)
{
	const char *u = uri ? (const char *)uri : "";
	char *ver;
	int i;

	st->root_seen = 1;
	snprintf(st->root_name, sizeof(st->root_name), "%s",
	    (const char *)local);
	switch (el) {
	case E_RSS:
		ver = parse_xml_attr_get(st, "version", 0);
		if (ver != NULL && (strcmp(ver, "0.91") == 0 ||
		    strcmp(ver, "0.92") == 0 || strcmp(ver, "0.93") == 0 ||
		    strcmp(ver, "0.94") == 0 || strcmp(ver, "0.90") == 0))
			st->format = ARTICLE_FMT_RSS09X;
		else
			st->format = ARTICLE_FMT_RSS20;
		free(ver);
		break;
	case E_RDF:
		st->format = ARTICLE_FMT_RSS10;
		for (i = 0; i < nb_namespaces; i++) {
			const char *nu = (const char *)namespaces[i * 2 + 1];

			if (nu != NULL && xml_casecmp(nu,
			    "http://my.netscape.com/rdf/simple/0.9/") == 0)
				st->format = ARTICLE_FMT_RSS09X;
		}
		break;
	case E_FEED:
		ver = parse_xml_attr_get(st, "version", 0);
		if (xml_casecmp(u, "http://www.w3.org/2005/Atom") == 0)
			st->format = ARTICLE_FMT_ATOM10;
		else
			st->format = ARTICLE_FMT_ATOM03;
		free(ver);
		break;
	case E_CHANNEL:
		st->format = ARTICLE_FMT_RSS20;
		break;
	default:
		if (!st->in_page && xml_casecmp((const char *)local,
		    "html") == 0 && (*u == '\0' ||
		    xml_casecmp(u, "http://www.w3.org/1999/xhtml") == 0)) {
			/* a page that may wrap a feed: look further */
			st->in_page = 1;
			st->root_seen = 0;
			return;
		}
		st->not_feed = 1;
		xmlStopParser(st->ctxt);
		return;
	}
	st->feed->format = st->format;
}

/*
 * Some sites serve their Atom feed inside an XHTML page
 * (<html><body><feed xmlns="http://www.w3.org/2005/Atom">), which
 * feedparser reads.  Below an <html> root the first <feed> in an Atom
 * namespace becomes the root and the result is bozo; nothing else in
 * the page counts, so a page without one (whatever other markup it
 * holds, an <rss> or a <feed> in no namespace included) stays no feed.
 */
static int
wrapped_feed(enum xml_el el, const xmlChar *uri)
{
	const char *u = uri ? (const char *)uri : "";

	return el == E_FEED &&
	    (xml_casecmp(u, "http://www.w3.org/2005/Atom") == 0 ||
	    xml_casecmp(u, "http://purl.org/atom/ns#") == 0);
}

/*
 * A start tag: a frame with its xml:base and xml:lang, its context from
 * the parent's, its attribute-borne fields, and what it opens (an item,
 * an author, a capture).  Long: the steps share the frame being built and
 * run in the order feedparser takes them.
 */
static void
start_element(struct state *st, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, const xmlChar **attrs)
{
	struct frame *fr, *parent;
	enum xml_el el;
	enum ctx pctx;
	char *v;
	int is_item, i;

	if (st->depth >= MAX_DEPTH) {
		if (st->overflow++ == 0)
			set_bozo(st, "%s", "elements nested too deeply",
			    xmlSAX2GetLineNumber(st->ctxt));
		return;
	}
	el = xml_names_lookup(&st->names, local, prefix, uri);
	if (!st->root_seen) {
		if (st->in_page && !wrapped_feed(el, uri))
			return;		/* the page around a feed */
		root_element(st, el, local, uri, nb_namespaces, namespaces,
		    nb_attributes, attrs);
		if (st->not_feed)
			return;
	}
	for (i = st->depth - 1; i >= 0 && st->frames[i].closed; i--)
		;
	parent = i >= 0 ? &st->frames[i] : NULL;
	fr = &st->frames[st->depth++];
	memset(fr, 0, sizeof(*fr));
	fr->el = el;
	fr->local = local;
	fr->base = parent ? parent->base : st->o->base_url;
	fr->lang = parent ? parent->lang : NULL;
	if ((v = parse_xml_attr_get(st, "base", 1)) != NULL) {
		fr->own_base = url_resolve(parse_xml_base(st, fr), v);
		fr->base = fr->own_base;
		free(v);
	}
	if ((v = parse_xml_attr_get(st, "lang", 1)) != NULL) {
		if (*v == '\0') {
			fr->lang = NULL;
			free(v);
		} else {
			char *q;

			for (q = v; *q; q++)
				if (*q == '_')
					*q = '-';
			fr->own_lang = v;
			fr->lang = v;
		}
		if (parent == NULL && fr->lang != NULL)
			parse_xml_store(st, 0, F_LANGUAGE, 1, xstrdup(fr->lang), 0);
	}

	/* inside a field being collected: markup or plain text only */
	if (st->cap.depth >= 0) {
		fr->ctx = C_IGNORE;
		fr->markup = 1;
		if (el_is_content(st->frames[st->cap.depth].el))
			serialize_start(st, fr, local, uri, nb_attributes, attrs);
		return;
	}

	pctx = parent ? parent->ctx : C_NONE;
	if (parent != NULL && parent->nest != N_NONE &&
	    !nest_allows(parent->nest, el)) {
		fr->ctx = C_IGNORE;
		return;
	}
	switch (el) {
	case E_RSS: case E_RDF: case E_FEED:
		fr->ctx = parent == NULL ? C_FEED : C_IGNORE;
		return;
	case E_CHANNEL:
		fr->ctx = pctx == C_FEED || parent == NULL ? C_FEED : C_IGNORE;
		return;
	case E_ITEM:
		if ((pctx == C_FEED || pctx == C_FEED_DEEP) &&
		    st->item == NULL) {
			fr->ctx = C_ITEM;
			parse_xml_item_begin(st);
			v = parse_xml_attr_get(st, "about", 0);
			if (v != NULL)
				parse_xml_store(st, 1, F_GUID, 2, v, 0);
		} else
			fr->ctx = C_IGNORE;
		return;
	case E_IMAGE:
		fr->ctx = pctx == C_FEED ? C_IMAGE : C_IGNORE;
		return;
	case E_TEXTINPUT: case E_SOURCE: case E_CONTRIBUTOR:
	case E_ITUNES_OWNER:
		fr->ctx = C_IGNORE;
		return;
	case E_MEDIA_GROUP:
		fr->ctx = pctx;
		fr->nest = N_MEDIA;
		return;
	case E_SKIPHOURS:
		fr->ctx = pctx == C_FEED ? C_SKIPHOURS : C_IGNORE;
		return;
	case E_SKIPDAYS:
		fr->ctx = pctx == C_FEED ? C_SKIPDAYS : C_IGNORE;
		return;
	default:
		break;
	}
	/* a field element's children are none of the container's fields */
	fr->ctx = pctx == C_FEED || pctx == C_FEED_DEEP ? C_FEED_DEEP :
	    C_IGNORE;
	if (el == E_MEDIA_CONTENT || el == E_ITUNES_CATEGORY) {
		fr->ctx = pctx;
		fr->nest = el == E_MEDIA_CONTENT ? N_MEDIA : N_ITUNES_CATEGORY;
	}
	if (pctx != C_FEED && pctx != C_ITEM && pctx != C_IMAGE &&
	    pctx != C_AUTHOR && pctx != C_SKIPHOURS && pctx != C_SKIPDAYS)
		return;
	is_item = (pctx == C_ITEM) || (pctx == C_AUTHOR && st->auth.is_item);

	switch (pctx) {
	case C_IMAGE:
		if (el == E_URL)
			begin_capture(st, F_IMAGE, 3, 0, T_TEXT);
		return;
	case C_AUTHOR:
		if (el == E_NAME || el == E_EMAIL)
			begin_capture(st, F_NONE, 0, is_item, T_TEXT);
		return;
	case C_SKIPHOURS:
		if (el == E_HOUR)
			begin_capture(st, F_NONE, 0, 0, T_TEXT);
		return;
	case C_SKIPDAYS:
		if (el == E_DAY)
			begin_capture(st, F_NONE, 0, 0, T_TEXT);
		return;
	default:
		break;
	}

	parse_xml_handle_attrs(st, fr, is_item, nb_attributes, attrs);
	switch (el) {
	case E_AUTHOR: case E_MANAGINGEDITOR: case E_WEBMASTER:
	case E_DC_CREATOR: case E_ITUNES_AUTHOR: {
		const struct rule *r = parse_xml_rule(el);
		int prio = is_item ? r->iprio : r->fprio;

		if (prio == 0)
			return;
		/* an author's own text, or its name/email children */
		fr->ctx = C_AUTHOR;
		st->in_author = 1;
		st->auth.is_item = is_item;
		st->auth.prio = prio;
		st->auth.depth = st->depth - 1;
		buf_reset(&st->auth.name.b);
		buf_reset(&st->auth.email.b);
		buf_reset(&st->auth.text.b);
		return;
	}
	case E_CATEGORY: case E_MEDIA_CATEGORY: case E_ITUNES_KEYWORDS:
		/* a category's text counts when it has no term attribute */
		if (!is_item)
			return;
		v = el != E_ITUNES_KEYWORDS ? parse_xml_attr_get(st, "term", 0) :
		    NULL;
		if (v == NULL)
			begin_capture(st, F_NONE, 0, 1, T_TEXT);
		free(v);
		return;
	case E_TTL: case E_SY_PERIOD: case E_SY_FREQUENCY:
		if (!is_item)
			begin_capture(st, F_NONE, 0, 0, T_TEXT);
		return;
	case E_MEDIA_THUMBNAIL: case E_MEDIA_CONTENT: case E_ITUNES_IMAGE:
		return;		/* attributes only: handle_attrs */
	default:
		break;
	}
	{
		const struct rule *r = parse_xml_rule(el);
		enum fld f;
		int prio, b64 = 0;
		enum ctype type;
		int href = st->cap.link_done;

		if (r == NULL)
			return;
		f = is_item ? r->item : r->feed;
		prio = is_item ? r->iprio : r->fprio;
		if (f == F_NONE)
			return;
		/* feedparser: a second description or summary, before any
		 * content, is the content (lowest rank: real content wins) */
		if (is_item && f == F_SUMMARY && prio == 3 &&
		    st->iprio[F_SUMMARY] == 3 && !st->item_has_content) {
			f = F_CONTENT;
			prio = 1;
		}
		if (is_item && f == F_CONTENT && el != E_BODY)
			st->item_has_content = 1;
		if (el == E_LINK && href) {
			st->cap.link_done = 0;
			return;	/* handled from attributes */
		}
		type = r->type;
		if (el_is_content(el)) {
			v = parse_xml_attr_get(st, "type", 0);
			type = map_type(v, r->type, &b64);
			free(v);
			v = parse_xml_attr_get(st, "mode", 0);
			if (v != NULL && xml_casecmp(v, "base64") == 0)
				b64 = 1;
			free(v);
		}
		begin_capture(st, f, prio, is_item, type);
		st->cap.base64 = b64;
		if (el == E_GUID) {
			v = parse_xml_attr_get(st, "isPermaLink", 0);
			st->cap.permalink = v == NULL ||
			    xml_casecmp(v, "true") == 0;
			free(v);
		}
	}
}

static void
sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
	struct state *st = ctx;

	(void)nb_defaulted;
	/* libxml2 2.9 drops every entity reference (&amp; too) once
	 * wellFormed is 0; errors are ours to record (sax_serror), so the
	 * rest of a recovered document keeps its text. */
	st->ctxt->wellFormed = 1;
	if (!st->not_feed && !st->cbrc) {
		attrs_load(st, nb_attributes, attrs);
		start_element(st, local, prefix, uri, nb_namespaces,
		    namespaces, nb_attributes, attrs);
		attrs_clear(st);
	}
	xml_entities_drop_queued(&st->ent);
}

static void
author_end(struct state *st)
{
	struct author *au = &st->auth;
	const char *t;
	size_t n;
	char *v = NULL;

	st->in_author = 0;
	if (au->name.b.len && au->email.b.len)
		v = xasprintf("%s (%s)", buf_str(&au->name.b),
		    buf_str(&au->email.b));
	else if (au->name.b.len)
		v = xstrdup(buf_str(&au->name.b));
	else if (au->email.b.len)
		v = xstrdup(buf_str(&au->email.b));
	else {
		xml_value_trim(buf_str(&au->text.b), au->text.b.len, &t, &n);
		if (n)
			v = xstrndup(t, n);
	}
	if (v != NULL) {
		v = normalize_text(v);
		parse_xml_store(st, au->is_item, F_AUTHOR, au->prio, v, 0);
	}
}

/* The end of frame i: finishes what it was collecting. */
static void
end_frame(struct state *st, int i)
{
	struct frame *fr = &st->frames[i];

	if (fr->markup) {
		if (st->cap.depth >= 0 && st->cap.depth < i &&
		    el_is_content(st->frames[st->cap.depth].el))
			serialize_end(st, fr, i);
	} else if (fr->capture) {
		if (st->cap.depth == i) {
			parse_xml_finish_capture(st);
			st->cap.depth = -1;
		}
	} else if (fr->ctx == C_AUTHOR && st->in_author &&
	    st->auth.depth == i)
		author_end(st);
	else if (fr->ctx == C_ITEM && fr->el == E_ITEM && st->item != NULL &&
	    st->item_depth == i)
		parse_xml_item_end(st);
	fr->closed = 1;
}

/*
 * libxml2 meets "<title>a <b>b</title>" by closing only <b>: <title>
 * would then swallow the rest of the item.  When an end tag names an
 * element further up, we end everything up to it as the author meant;
 * the frames stay (closed) until libxml2 ends them too.
 */
static void
close_pending(struct state *st)
{
	int i, k;

	for (k = st->depth - 1; k >= 0; k--)
		if (!st->frames[k].closed && st->frames[k].local != NULL &&
		    strcmp((const char *)st->frames[k].local,
		    st->pending_close) == 0)
			break;
	free(st->pending_close);
	st->pending_close = NULL;
	for (i = st->depth - 1; k >= 0 && i >= k; i--)
		if (!st->frames[i].closed)
			end_frame(st, i);
}

static void
sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct state *st = ctx;
	struct frame *fr;

	(void)local; (void)prefix; (void)uri;
	st->ctxt->wellFormed = 1;	/* see sax_start */
	if (st->not_feed || st->cbrc)
		return;
	if (st->overflow > 0) {
		st->overflow--;
		return;
	}
	if (st->depth == 0)
		return;
	fr = &st->frames[st->depth - 1];
	if (!fr->closed)
		end_frame(st, st->depth - 1);
	free(fr->own_base);
	free(fr->own_lang);
	st->depth--;
	if (st->pending_close != NULL)
		close_pending(st);
}

static void
sax_characters(void *ctx, const xmlChar *ch, int len)
{
	struct state *st = ctx;
	struct capture *c = &st->cap;

	st->ctxt->wellFormed = 1;	/* see sax_start */
	if (len == 1 && ch[0] == XML_ENT_MARK) {
		/* an entity reference: its text is waiting in the queue (the
		 * recursion ends: queued text is never the mark alone) */
		char *t;

		if ((t = xml_entities_take_last(&st->ent)) == NULL)
			return;
		if (*t != XML_ENT_MARK)
			sax_characters(ctx, (const xmlChar *)t, (int)strlen(t));
		free(t);
		return;
	}
	if (c->depth >= 0 && !st->cbrc) {
		int r;

		if (st->depth - 1 == c->depth) {
			size_t i;

			for (i = 0; i < (size_t)len && !c->top_text; i++)
				if (!isspace(ch[i]))
					c->top_text = 1;
		}
		if (c->type == T_XHTML)
			r = put_escaped(&c->text, (const char *)ch, (size_t)len,
			    0);
		else
			r = cbuf_append(&c->text, ch, (size_t)len);
		if (r < 0) {
			/* keep what fits, cut at a character boundary */
			size_t room = c->text.max > c->text.b.len ?
			    c->text.max - c->text.b.len : 0;

			if (room > (size_t)len)
				room = (size_t)len;
			while (room > 0 && room < (size_t)len &&
			    (ch[room] & 0xc0) == 0x80)
				room--;
			/* room fits: this append cannot fail */
			if (c->type != T_XHTML)
				cut_silently(cbuf_append(&c->text, ch, room));
			cap_overflow(st);
		}
		return;
	}
	if (st->in_author && st->depth - 1 == st->auth.depth)
		cut_silently(cbuf_append(&st->auth.text, ch, (size_t)len));
}

/* CDATA when libxml2 was given stand-ins (xml_cdata.h): the block that
 * starts with the stand-in's 'x' gets the real content, the rest of a
 * stand-in is its newlines, dropped; an empty section's (empty) block
 * passes through. */
static void
sax_cdata(void *ctx, const xmlChar *ch, int len)
{
	struct state *st = ctx;
	const struct xml_cdata_span *sp;

	if (len > 0 && ch[0] == 'x' && st->cdata_next < st->ncdata) {
		sp = &st->cdata[st->cdata_next++];
		sax_characters(ctx, (const xmlChar *)sp->p, (int)sp->len);
	} else if (len == 0)
		sax_characters(ctx, ch, len);
	else
		st->ctxt->wellFormed = 1;	/* as sax_characters would */
}

/* ------------------------------------------------------- driver */

/* After the last chunk: ends what a truncated document left open, and
 * returns what parse_xml returns, with the feed's bozo verdict set. */
static int
document_end(struct state *st, char *ebuf, size_t n)
{
	int rc = ERR_OK, i;

	if (st->cbrc != 0)
		rc = st->cbrc;
	else if (st->not_feed || (st->in_page && !st->root_seen))
		rc = err_set(ebuf, n, ERR_PARSE, "not a feed: root element <%s>",
		    st->root_name);
	else if (!st->root_seen)
		rc = err_set(ebuf, n, ERR_PARSE, "not XML: %s%s line %d",
		    st->first_error ? st->first_error : "no root element",
		    st->first_error ? "," : "",
		    st->first_error ? st->first_error_line : 1);
	else {
		/* a truncated document: end what is open, keeping the text
		 * collected so far and handing over the last item */
		for (i = st->depth - 1; i >= 0 && st->cbrc == 0; i--)
			if (!st->frames[i].closed)
				end_frame(st, i);
		if (st->pipe != NULL && (rc = parse_pipe_drain(st->pipe)) != 0 &&
		    st->cbrc == 0)
			st->cbrc = rc;
		rc = ERR_OK;
		if (st->cbrc != 0)
			rc = st->cbrc;
		/* not ctxt->wellFormed: it also counts errors we forgive */
		if (!st->ctxt->nsWellFormed || st->first_error != NULL) {
			if (st->first_error != NULL) {
				free(st->bozo_message);
				st->bozo_message = xasprintf("line %d: %s",
				    st->first_error_line, st->first_error);
			} else if (st->bozo_message == NULL)
				st->bozo_message = xstrdup(
				    "the document is not well-formed XML");
			st->bozo = 1;
		}
		if (st->in_page) {
			/* the reason that matters most, whatever else the
			 * page held (HTML entities, say) */
			free(st->bozo_message);
			st->bozo_message = xstrdup("an Atom feed inside <html>,"
			    " not a feed document");
			st->bozo = 1;
		}
		parse_xml_feed_finish(st);
		if (st->bozo && !st->feed->bozo) {
			st->feed->bozo = 1;
			free(st->feed->bozo_message);
			st->feed->bozo_message = st->bozo_message;
			st->bozo_message = NULL;
		}
	}
	return rc;
}

static void
state_free(struct state *st)
{
	int i;

	free(st->self_url);
	for (i = 0; i < st->depth; i++) {
		free(st->frames[i].own_base);
		free(st->frames[i].own_lang);
	}
	parse_pipe_end(st->pipe);
	free(st->cdata);
	article_free(st->item);
	parse_xml_pending_set(&st->pend_content, R_DONE, NULL);
	parse_xml_pending_set(&st->pend_summary, R_DONE, NULL);
	buf_free(&st->cap.text.b);
	buf_free(&st->auth.text.b);
	buf_free(&st->auth.name.b);
	buf_free(&st->auth.email.b);
	xml_entities_clear(&st->ent);
	free(st->bozo_message);
	free(st->first_error);
	free(st->pending_close);
	/* libxml2 builds a stand-in document to keep DTD declarations "for
	 * expat compatibility" even in SAX mode; it is ours to free */
	if (st->ctxt->myDoc != NULL)
		xmlFreeDoc(st->ctxt->myDoc);
	xmlFreeParserCtxt(st->ctxt);
	free(st);
}

/* Process-wide, once, whichever thread parses first (the daemon parses
 * on several). */
static void
loader_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(xml_entities_loader);
}

int
parse_xml(const char *utf8, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	static pthread_once_t loader_once = PTHREAD_ONCE_INIT;
	xmlSAXHandler sax;
	struct state *st;
	struct buf fixed = { 0 };
	size_t fixes, off = 0;
	int rc = ERR_OK, i;

	pthread_once(&loader_once, loader_init);
	if (len > (size_t)INT32_MAX)
		return err_set(ebuf, n, ERR_LIMIT, "document too large");
	for (i = 0; (size_t)i < len && i < 4096 &&
	    isspace((unsigned char)utf8[i]); i++)
		;
	if ((size_t)i == len)
		return err_set(ebuf, n, ERR_PARSE, "not XML: empty document");

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = sax_start;
	sax.endElementNs = sax_end;
	sax.characters = sax_characters;
	sax.cdataBlock = sax_cdata;
	sax.getEntity = sax_get_entity;
	sax.entityDecl = sax_entity_decl;
	sax.serror = sax_serror;
	sax.warning = sax_quiet;
	sax.error = sax_quiet;
	sax.fatalError = sax_quiet;

	st = xcalloc(1, sizeof(*st));
	st->o = o;
	st->feed = feed;
	st->cb = cb;
	st->cbctx = ctx;
	st->cap.depth = -1;
	st->cap.text.max = FIELD_MAX;
	st->auth.text.max = FIELD_MAX;
	st->auth.name.max = FIELD_MAX;
	st->auth.email.max = FIELD_MAX;
	xml_entities_init(&st->ent);

	if ((fixes = xml_entities_repair_amps(utf8, len, &fixed, &off)) > 0) {
		set_bozo(st, "%s", "'&' that starts no reference",
		    xml_scan_line(utf8, off));
		utf8 = fixed.data;
		len = fixed.len;
	}
	/* The push parser reads the document in slices and keeps only a
	 * window of it: no copy of the whole document, whatever its size. */
	st->ctxt = xmlCreatePushParserCtxt(&sax, st, NULL, 0, NULL);
	if (st->ctxt == NULL) {
		buf_free(&fixed);
		free(st->bozo_message);
		free(st);
		return err_set(ebuf, n, ERR_PARSE, "cannot create XML parser");
	}
	/*
	 * RECOVER: a broken feed gives what it can (bozo).  NOCDATA: CDATA
	 * is text like any other.  IGNORE_ENC: the input is UTF-8 already
	 * (encoding.c rewrote the declaration).  HUGE lifts libxml2's limits
	 * on text nodes and depth, which we enforce ourselves (FIELD_MAX,
	 * MAX_DEPTH); nothing it guards is expanded here anyway.  Never
	 * NOENT, DTDLOAD or DTDATTR.  With stand-ins for CDATA content
	 * (xml_cdata.h) NOCDATA is off, so that sax_cdata tells their blocks
	 * from text.
	 */
	if (len >= CDATA_MIN &&
	    !xml_cdata_scan(utf8, len, &st->cdata, &st->ncdata))
		st->ncdata = 0;
	xmlCtxtUseOptions(st->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    (st->ncdata > 0 ? 0 : XML_PARSE_NOCDATA) | XML_PARSE_IGNORE_ENC |
	    XML_PARSE_HUGE);
	if (o != NULL && (o->pipeline == PARSE_PIPE_ALWAYS ||
	    (o->pipeline == PARSE_PIPE_AUTO && len >= PARSE_PIPE_MIN)))
		st->pipe = parse_pipe_start(parse_xml_pipe_run,
		    parse_xml_pipe_drop, st);
	xml_cdata_push(st->ctxt, utf8, len, st->cdata, st->ncdata);
	if (st->ctxt->instate != XML_PARSER_EOF)
		xmlParseChunk(st->ctxt, NULL, 0, 1);
	buf_free(&fixed);
	/* the callback's verdict on every item so far decides what follows */
	if (st->pipe != NULL && (rc = parse_pipe_drain(st->pipe)) != 0 &&
	    st->cbrc == 0)
		st->cbrc = rc;
	rc = document_end(st, ebuf, n);
	state_free(st);
	return rc;
}
