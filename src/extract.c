/*
 * The article body of a web page: extract.h has the contract.  The steps
 * and weights are Mozilla Readability's (grabArticle, prepArticle,
 * cleanConditionally), done over libxml2's tree with every per-element
 * aggregate (text length, link text, commas, counts of paragraphs, images,
 * list items...) computed bottom-up in one iterative pass, where
 * Readability asks the DOM again for each element: that keeps the cost
 * linear and the stack flat on pages nested 100,000 deep.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "encoding.h"
#include "err.h"
#include "extract.h"
#include "extract_int.h"
#include "html.h"
#include "url.h"
#include "xmalloc.h"

#define CHAR_THRESHOLD	500	/* a body shorter than this is retried */
#define N_TOP		5
#define MIN_TOP_SHARED	3	/* top candidates sharing an ancestor */


/* ---- per-node information ---- */

static struct info *
info(struct ex *x, xmlNode *n)
{
	struct chunk *c;

	if (n->_private != NULL)
		return n->_private;
	c = x->chunks;
	if (c == NULL || c->used == sizeof(c->v) / sizeof(c->v[0])) {
		c = xmalloc(sizeof(*c));
		c->next = x->chunks;
		c->used = 0;
		x->chunks = c;
	}
	n->_private = memset(&c->v[c->used++], 0, sizeof(struct info));
	return n->_private;
}

static void
chunks_free(struct ex *x)
{
	struct chunk *c, *next;

	for (c = x->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	x->chunks = NULL;
}

int
ex_is_elem(const xmlNode *n)
{
	return n != NULL && n->type == XML_ELEMENT_NODE;
}

static int
name_in(const xmlNode *n, const char *const *names)
{
	if (!ex_is_elem(n))
		return 0;
	for (; *names != NULL; names++)
		if (strcmp((const char *)n->name, *names) == 0)
			return 1;
	return 0;
}

static int
is_heading(const xmlNode *n)
{
	const char *s = (const char *)n->name;

	return ex_is_elem(n) && s[0] == 'h' && s[1] >= '1' && s[1] <= '6' &&
	    s[2] == '\0';
}

/* The next node in document order within root; skip: not into n. */
xmlNode *
ex_next_in(xmlNode *n, xmlNode *root, int skip)
{
	if (!skip && ex_is_elem(n) && n->children != NULL)
		return n->children;
	while (n != NULL && n != root) {
		if (n->next != NULL)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

static void
drop(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* ---- text measures ---- */

static const char *const no_text[] = { "script", "style", "noscript",
	"template", NULL };

/* Folded length in characters, and commas, of a text node. */
static void
text_measure(const char *s, size_t *chars, size_t *commas)
{
	int space = 1;
	size_t c = 0, k = 0;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f') {
			if (!space)
				c++;
			space = 1;
			continue;
		}
		space = 0;
		if ((*p & 0xC0) != 0x80)
			c++;
		if (*p == ',')
			k++;
		/* U+060C U+FF0C U+3001 and the like */
		else if ((p[0] == 0xD8 && p[1] == 0x8C) ||
		    (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C) ||
		    (p[0] == 0xEF && p[1] == 0xB9 && p[2] == 0x90) ||
		    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x81))
			k++;
	}
	*chars += c;
	*commas += k;
}

/*
 * A text node's measures, kept in its _private (unused by libxml2) as
 * chars << 24 | commas << 1 | 1, since every pass over the tree needs them
 * again.  A text node whose content changes (merged by xmlAddChild) has
 * its _private cleared.
 */
static void
text_measure_cached(xmlNode *t, size_t *chars, size_t *commas)
{
	uintptr_t v = (uintptr_t)t->_private;
	size_t c = 0, k = 0;

	if (sizeof(uintptr_t) >= 8 && (v & 1)) {
		*chars += (size_t)(v >> 24);
		*commas += (size_t)((v >> 1) & 0x7FFFFF);
		return;
	}
	text_measure((const char *)t->content, &c, &k);
	if (sizeof(uintptr_t) >= 8 && c < ((size_t)1 << 39)) {
		if (k > 0x7FFFFF)
			k = 0x7FFFFF;
		t->_private = (void *)(((uintptr_t)c << 24) | ((uintptr_t)k << 1) | 1);
	}
	*chars += c;
	*commas += k;
}

static const char *const block_tags[] = { "blockquote", "dl", "div", "img",
	"ol", "p", "pre", "table", "ul", "section", "article", "header",
	"footer", "aside", "nav", "figure", "form", "h1", "h2", "h3", "h4",
	"h5", "h6", "hr", "li", "main", "address", "fieldset", NULL };
static const char *const embed_tags[] = { "object", "embed", "iframe",
	NULL };

/* Adds what child c holds to its parent p. */
static void
add_up(struct info *p, const struct info *c)
{
	p->text += c->text;
	p->link += c->link;
	p->commas += c->commas;
	p->heading += c->heading;
	p->listed += c->listed;
	p->np += c->np;
	p->nimg += c->nimg;
	p->nli += c->nli;
	p->ninput += c->ninput;
	p->nembed += c->nembed;
	p->nblock += c->nblock;
	p->ntr += c->ntr;
	p->ntd += c->ntd;
	p->nth += c->nth;
	p->nfigure += c->nfigure;
	p->ntable += c->ntable;
}

/* What an element adds over its children's sums, when it is left. */
static void
finish(xmlNode *n, struct info *i)
{
	const char *nm = (const char *)n->name;

	if (strcmp(nm, "a") == 0) {
		const char *href = ex_attr(n, "href");

		i->link = (double)i->text *
		    (href != NULL && href[0] == '#' ? 0.3 : 1.0);
	} else if (strcmp(nm, "p") == 0)
		i->np++;
	else if (strcmp(nm, "img") == 0)
		i->nimg++;
	else if (strcmp(nm, "li") == 0)
		i->nli++;
	else if (strcmp(nm, "input") == 0)
		i->ninput++;
	else if (strcmp(nm, "tr") == 0)
		i->ntr++;
	else if (strcmp(nm, "td") == 0)
		i->ntd++;
	else if (strcmp(nm, "th") == 0 || strcmp(nm, "thead") == 0 ||
	    strcmp(nm, "tfoot") == 0 || strcmp(nm, "caption") == 0 ||
	    strcmp(nm, "colgroup") == 0)
		i->nth++;
	else if (strcmp(nm, "figure") == 0)
		i->nfigure++;
	else if (strcmp(nm, "table") == 0)
		i->ntable++;
	if (is_heading(n))
		i->heading = i->text;
	if (strcmp(nm, "ul") == 0 || strcmp(nm, "ol") == 0)
		i->listed = i->text;
	if (name_in(n, embed_tags))
		i->nembed++;
}

static unsigned
flags_in(const xmlNode *n)
{
	const struct info *pi;
	unsigned f;

	if (!ex_is_elem(n->parent) || n->parent->_private == NULL)
		return 0;
	pi = n->parent->_private;
	f = pi->flags & (I_IN_TABLE | I_IN_CODE | I_IN_DATA_TABLE | I_IN_FIGURE);
	if (ex_is(n->parent, "table")) {
		f |= I_IN_TABLE;
		if (pi->flags & I_DATA_TABLE)
			f |= I_IN_DATA_TABLE;
	}
	if (ex_is(n->parent, "code") || ex_is(n->parent, "pre"))
		f |= I_IN_CODE;
	if (ex_is(n->parent, "figure"))
		f |= I_IN_FIGURE;
	return f;
}

/*
 * One post-order pass over root: every element's info gets the sums of
 * its subtree, and `leave` (when set) decides, with the element's sums
 * complete, whether it goes; a removed element adds nothing to its parent.
 */

void
ex_measure(struct ex *x, xmlNode *root, leave_fn leave)
{
	xmlNode *n = root, *parent, *next;
	struct info *i;
	size_t chars, commas;

	i = info(x, root);
	memset(&i->text, 0, sizeof(*i) - offsetof(struct info, text));
	if (!ex_is_elem(root) || root->children == NULL)
		return;
	n = root->children;
	for (;;) {
		if (ex_is_elem(n)) {
			i = info(x, n);
			memset(&i->text, 0, sizeof(*i) - offsetof(struct info, text));
			i->flags = (i->flags & I_DATA_TABLE) | flags_in(n);
			if (n->children != NULL && !name_in(n, no_text)) {
				n = n->children;
				continue;
			}
		}
		/* leave n, and every ancestor whose last child it is */
		for (;;) {
			parent = n->parent;
			next = n->next;
			if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
				if (n->content != NULL && parent != NULL &&
				    parent->_private != NULL) {
					chars = commas = 0;
					text_measure_cached(n, &chars, &commas);
					i = parent->_private;
					i->text += chars;
					i->commas += commas;
				}
			} else if (ex_is_elem(n)) {
				i = n->_private;
				finish(n, i);
				if (name_in(n, block_tags))
					i->nblock++;
				if (n != root && leave != NULL && leave(x, n, i)) {
					drop(n);
				} else if (n != root && parent != NULL &&
				    parent->_private != NULL)
					add_up(parent->_private, i);
			}
			if (n == root)
				return;
			if (next != NULL) {
				n = next;
				break;
			}
			n = parent;
			if (n == root) {
				i = n->_private;
				finish(n, i);
				return;
			}
		}
	}
}

double
ex_link_density(const struct info *i)
{
	return i->text == 0 ? 0 : i->link / (double)i->text;
}

/* ---- class and id hints ---- */

int
ex_has_any(const char *s, const char *const *words)
{
	char low[512];
	size_t k;

	/* lower case once, then plain strstr: strcasestr costs a setup per
	 * call, and this runs for every element */
	for (k = 0; s[k] != '\0' && k + 1 < sizeof(low); k++)
		low[k] = (char)tolower((unsigned char)s[k]);
	low[k] = '\0';
	if (k == 0 || (k == 1 && low[0] == ' '))
		return 0;
	for (; *words != NULL; words++)
		if (strstr(low, *words) != NULL)
			return 1;
	return 0;
}

static const char *const unlikely_words[] = { "-ad-", "ai2html", "banner",
	"breadcrumbs", "combx", "comment", "community", "cover-wrap", "disqus",
	"extra", "footer", "gdpr", "header", "legends", "menu", "related",
	"remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper",
	"social", "sponsor", "supplemental", "ad-break", "agegate",
	"pagination", "pager", "popup", "yom-remote", "cookie", "newsletter",
	"subscribe", "advert", "read-also", "readalso", "see-also", "modal",
	"dialog", "pullquote", "pull-quote", NULL };
const char *const ex_maybe_words[] = { "and", "article", "body",
	"column", "content", "main", "mathjax", "shadow", NULL };
static const char *const negative_words[] = { "-ad-", "hidden", "banner",
	"combx", "comment", "com-", "contact", "footer", "gdpr", "masthead",
	"media", "meta", "outbrain", "promo", "related", "scroll", "share",
	"shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags",
	"widget", "notice", "advert", "cookie", "newsletter", "subscribe",
	"read-also", "readalso", "see-also", "recommend", NULL };
static const char *const positive_words[] = { "article", "body", "content",
	"entry", "hentry", "h-entry", "main", "page", "pagination", "post",
	"text", "blog", "story", NULL };
static const char *const byline_words[] = { "byline", "author", "dateline",
	"writtenby", "p-author", NULL };

/* "hid" as a whole class word: Readability's ^hid$| hid$| hid |^hid . */
static int
word_hid(const char *s)
{
	const char *p = s;

	while ((p = strcasestr(p, "hid")) != NULL) {
		if ((p == s || p[-1] == ' ') && (p[3] == '\0' || p[3] == ' '))
			return 1;
		p += 3;
	}
	return 0;
}

static int
weight_of(const char *s)
{
	int w = 0;

	if (s == NULL || *s == '\0')
		return 0;
	if (ex_has_any(s, negative_words) || word_hid(s))
		w -= 25;
	if (ex_has_any(s, positive_words))
		w += 25;
	return w;
}

int
ex_class_weight(struct ex *x, const xmlNode *n)
{
	if (!(x->flags & F_WEIGHT_CLASSES))
		return 0;
	return weight_of(ex_attr(n, "class")) + weight_of(ex_attr(n, "id"));
}

/* class and id, for the pattern tests; s must hold 512 bytes */
const char *
ex_match_string(const xmlNode *n, char *s, size_t len)
{
	const char *c = ex_attr(n, "class"), *id = ex_attr(n, "id");
	size_t k = 0;

	/* lower case, "class id" */
	for (; c != NULL && *c != '\0' && k + 2 < len; c++)
		s[k++] = (char)tolower((unsigned char)*c);
	s[k++] = ' ';
	for (; id != NULL && *id != '\0' && k + 1 < len; id++)
		s[k++] = (char)tolower((unsigned char)*id);
	s[k] = '\0';
	return s;
}

/* ---- the walk that prepares and collects (Readability's grabArticle) ---- */

static const char *const phrasing[] = { "abbr", "audio", "b", "bdo", "br",
	"button", "cite", "code", "data", "datalist", "dfn", "em", "embed",
	"i", "img", "input", "kbd", "label", "mark", "math", "meter",
	"noscript", "object", "output", "progress", "q", "ruby", "samp",
	"script", "select", "small", "span", "strong", "sub", "sup",
	"textarea", "time", "var", "wbr", "a", "del", "ins", "font", "u", "s",
	"strike", "tt", "big", "abbr", "acronym", "nobr", NULL };
static const char *const score_tags[] = { "section", "h2", "h3", "h4", "h5",
	"h6", "p", "td", "pre", NULL };
static const char *const unlikely_roles[] = { "menu", "menubar",
	"complementary", "navigation", "alert", "alertdialog", "dialog", NULL };

static int
is_phrasing(const xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		return 1;
	return name_in(n, phrasing);
}

static int
is_blank_text(const xmlNode *n)
{
	const char *s = (const char *)n->content;

	if (n->type != XML_TEXT_NODE || s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int
is_hidden(const xmlNode *n)
{
	const char *st = ex_attr(n, "style"), *a;

	if (ex_attr(n, "hidden") != NULL)
		return 1;
	if ((a = ex_attr(n, "aria-hidden")) != NULL && strcmp(a, "true") == 0) {
		const char *c = ex_attr(n, "class");

		if (c == NULL || strstr(c, "fallback-image") == NULL)
			return 1;
	}
	if (st != NULL) {
		char s[256];
		size_t k = 0;

		for (; *st != '\0' && k + 1 < sizeof(s); st++)
			if (!isspace((unsigned char)*st))
				s[k++] = (char)tolower((unsigned char)*st);
		s[k] = '\0';
		if (strstr(s, "display:none") != NULL ||
		    strstr(s, "visibility:hidden") != NULL)
			return 1;
	}
	return 0;
}

static void
push(struct ex *x, xmlNode *n)
{
	if (x->nlist == x->caplist) {
		x->caplist = x->caplist ? 2 * x->caplist : 256;
		x->list = xreallocarray(x->list, x->caplist, sizeof(*x->list));
	}
	x->list[x->nlist++] = n;
}

static int
looks_byline(xmlNode *n, const char *ms)
{
	const char *rel = ex_attr(n, "rel"), *ip = ex_attr(n, "itemprop");
	const struct info *i = n->_private;

	if (i == NULL || i->text == 0 || i->text >= 100)
		return 0;
	return (rel != NULL && strcmp(rel, "author") == 0) ||
	    (ip != NULL && strstr(ip, "author") != NULL) ||
	    ex_has_any(ms, byline_words);
}

/* Inside prose an element is part of a sentence (a date in the text, a
 * quote's attribution), unless the block holds nothing else. */
static int
in_prose(const xmlNode *n)
{
	static const char *const prose[] = { "p", "li", "td", "dd",
		"blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
		"pre", "q", "cite", NULL };
	const struct info *i = n->_private;
	const xmlNode *a = n->parent;
	int k;

	for (k = 0; k < 4 && ex_is_elem(a); k++, a = a->parent)
		if (name_in(a, prose) && (a->_private == NULL ||
		    ((struct info *)a->_private)->text > i->text + 3))
			return 1;
	return 0;
}

/* A block that shows the article's date: a <time>, or a short element
 * whose class says date, not inside a paragraph. */
static int
looks_dateline(xmlNode *n, const char *ms)
{
	const struct info *i = n->_private;

	if (i == NULL || i->text == 0 || i->text > 60 || in_prose(n))
		return 0;
	if (ex_is(n, "time"))
		return 1;
	return ex_is(n, "div") || ex_is(n, "span") || ex_is(n, "p") ?
	    (strstr(ms, "date") != NULL || strstr(ms, "timestamp") != NULL ||
	    strstr(ms, "posted-on") != NULL || strstr(ms, "published") != NULL) :
	    0;
}

static int
has_digit(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= '0' && *s <= '9')
			return 1;
	return 0;
}

static char *
byline_text(xmlNode *n)
{
	xmlNode *c = n;
	char *t, ms[512];

	/* a child marked itemprop=name holds the name alone */
	for (c = ex_next_in(n, n, 0); c != NULL; c = ex_next_in(c, n, 0)) {
		const char *ip = ex_attr(c, "itemprop");

		if (ip != NULL && strstr(ip, "name") != NULL)
			return ex_text(c);
	}
	t = ex_text(n);
	if (!has_digit(t))
		return t;
	/* digits: a date shares the block; a byline inside without them
	 * is the name alone */
	for (c = ex_next_in(n, n, 0); c != NULL; c = ex_next_in(c, n, 0)) {
		char *ct;

		if (!ex_is_elem(c) || !looks_byline(c,
		    ex_match_string(c, ms, sizeof(ms))))
			continue;
		ct = ex_text(c);
		if (*ct != '\0' && !has_digit(ct)) {
			free(t);
			return ct;
		}
		free(ct);
	}
	return t;
}

/* A byline inside a block that goes as boilerplate (a header above the
 * text, say), while no prose has been seen yet. */
static void
byline_scan(struct ex *x, xmlNode *root)
{
	xmlNode *c;
	char ms[512];

	if (x->byline != NULL || x->seen_prose)
		return;
	/* only what marks an author outright: rel or itemprop */
	for (c = ex_next_in(root, root, 0); c != NULL; c = ex_next_in(c, root, 0)) {
		const char *rel = ex_attr(c, "rel"), *ip = ex_attr(c, "itemprop");

		if (ex_is_elem(c) && c->_private != NULL &&
		    ((rel != NULL && strcmp(rel, "author") == 0) ||
		    (ip != NULL && strstr(ip, "author") != NULL)) &&
		    looks_byline(c, ex_match_string(c, ms, sizeof(ms)))) {
			/* the enclosing byline block holds "By" and the like */
			while (c->parent != root && ex_is_elem(c->parent) &&
			    c->parent->_private != NULL &&
			    ex_has_any(ex_match_string(c->parent, ms, sizeof(ms)),
			    byline_words) && looks_byline(c->parent, ms)) {
				char *t = ex_text(c->parent);
				int digits = has_digit(t);

				free(t);
				if (digits)
					break;
				c = c->parent;
			}
			x->byline = byline_text(c);
			return;
		}
	}
}

/* The measures of a new element from its children's, which are known. */
static void
measure_shallow(struct ex *x, xmlNode *p)
{
	struct info *i = info(x, p);
	xmlNode *c;
	size_t chars = 0, commas = 0;

	i->flags = flags_in(p);
	for (c = p->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			text_measure_cached(c, &chars, &commas);
		else if (ex_is_elem(c))
			add_up(i, info(x, c));
	}
	i->text += chars;
	i->commas += commas;
	finish(p, i);
	i->nblock++;
}

static void
wrap_close(struct ex *x, xmlNode *p)
{
	while (p->last != NULL && (is_blank_text(p->last) ||
	    ex_is(p->last, "br")))
		drop(p->last);
	if (p->children == NULL)
		drop(p);
	else
		measure_shallow(x, p);
}

/* Wraps runs of phrasing content among div's children in <p>. */
static void
wrap_phrasing(struct ex *x, xmlNode *div)
{
	xmlNode *c = div->children, *next, *p = NULL, *m;

	while (c != NULL) {
		next = c->next;
		if (is_phrasing(c)) {
			if (p == NULL) {
				if (is_blank_text(c)) {
					c = next;
					continue;
				}
				p = xmlNewDocNode(x->doc, NULL, BAD_CAST "p", NULL);
				xmlAddPrevSibling(c, p);
			}
			xmlUnlinkNode(c);
			if ((m = xmlAddChild(p, c)) == NULL)
				xmlFreeNode(c);
			else if (m != c)
				m->_private = NULL;	/* merged text */
		} else if (p != NULL) {
			/* trailing white space and <br> go */
			wrap_close(x, p);
			p = NULL;
		}
		c = next;
	}
	if (p != NULL)
		wrap_close(x, p);
}

static int
single_p_child(xmlNode *n)
{
	xmlNode *c, *only = NULL;

	for (c = n->children; c != NULL; c = c->next) {
		if (ex_is_elem(c)) {
			if (only != NULL)
				return 0;
			only = c;
		} else if (c->type == XML_TEXT_NODE && !is_blank_text(c))
			return 0;
	}
	return only != NULL && ex_is(only, "p");
}

static int
without_content(xmlNode *n)
{
	const struct info *i = n->_private;
	xmlNode *c;

	if (i->text > 0 || i->nimg > 0 || i->nembed > 0)
		return 0;
	for (c = n->children; c != NULL; c = c->next)
		if (ex_is_elem(c) && !ex_is(c, "br") && !ex_is(c, "hr"))
			return 0;
	return 1;
}

/* Readability's grabArticle walk: one pass in document order that drops
 * unlikely and hidden elements, turns bylines into metadata, wraps
 * loose phrasing in paragraphs and lists the elements to score.  Long:
 * every step decides whether the walk descends, so they share its
 * cursor. */
static void
grab_walk(struct ex *x, xmlNode *body)
{
	xmlNode *n = body, *next;
	char ms[512];

	x->nlist = 0;
	ex_measure(x, body, NULL);
	while (n != NULL) {
		if (!ex_is_elem(n)) {
			if (n->type == XML_COMMENT_NODE) {
				next = ex_next_in(n, body, 1);
				drop(n);
				n = next;
				continue;
			}
			n = ex_next_in(n, body, 0);
			continue;
		}
		if (n != body) {
			const char *role = ex_attr(n, "role");
			const char *am = ex_attr(n, "aria-modal");

			ex_match_string(n, ms, sizeof(ms));
			if (name_in(n, no_text) || is_hidden(n) ||
			    (am != NULL && strcmp(am, "true") == 0 &&
			    role != NULL && strcmp(role, "dialog") == 0)) {
				next = ex_next_in(n, body, 1);
				drop(n);
				n = next;
				continue;
			}
			/* the first byline goes wherever it is; later ones
			 * not from inside prose (a quote's attribution) */
			if (looks_byline(n, ms) &&
			    (x->byline == NULL || !in_prose(n))) {
				if (x->byline == NULL)
					x->byline = byline_text(n);
				next = ex_next_in(n, body, 1);
				drop(n);
				n = next;
				continue;
			}
			if (looks_dateline(n, ms)) {
				next = ex_next_in(n, body, 1);
				drop(n);
				n = next;
				continue;
			}
			if (!x->title_removed && (ex_is(n, "h1") || ex_is(n, "h2")) &&
			    x->title != NULL) {
				char *t = ex_text(n);
				double sim = ex_similarity(x->title, t);

				free(t);
				if (sim > 0.75) {
					x->title_removed = 1;
					next = ex_next_in(n, body, 1);
					drop(n);
					n = next;
					continue;
				}
			}
			if ((x->flags & F_STRIP_UNLIKELY) && !ex_is(n, "a")) {
				const struct info *i = n->_private;

				if (ex_has_any(ms, unlikely_words) &&
				    !ex_has_any(ms, ex_maybe_words) &&
				    !(i->flags & (I_IN_TABLE | I_IN_CODE))) {
					byline_scan(x, n);
					next = ex_next_in(n, body, 1);
					drop(n);
					n = next;
					continue;
				}
				if (role != NULL) {
					const char *const *r;
					int hit = 0;

					for (r = unlikely_roles; *r && !hit; r++)
						hit = strcmp(role, *r) == 0;
					if (hit) {
						next = ex_next_in(n, body, 1);
						drop(n);
						n = next;
						continue;
					}
				}
			}
			if ((ex_is(n, "div") || ex_is(n, "section") ||
			    ex_is(n, "header") || is_heading(n)) &&
			    without_content(n)) {
				next = ex_next_in(n, body, 1);
				drop(n);
				n = next;
				continue;
			}
			if (name_in(n, score_tags)) {
				push(x, n);
				if (((struct info *)n->_private)->text > 80)
					x->seen_prose = 1;
			}
			if (ex_is(n, "div")) {
				struct info *i = n->_private;

				wrap_phrasing(x, n);
				if (single_p_child(n) && ex_link_density(i) < 0.25) {
					xmlNode *p = n->children;

					while (!ex_is_elem(p))
						p = p->next;
					xmlUnlinkNode(p);
					xmlReplaceNode(n, p);
					xmlFreeNode(n);
					/* the p keeps its own measures */
					n = p;
					push(x, n);
				} else if (i->nblock == 1) {
					/* no block inside but itself */
					xmlNodeSetName(n, BAD_CAST "p");
					push(x, n);
				}
			}
		}
		n = ex_next_in(n, body, 0);
	}
}

/* ---- scoring ---- */

static void
init_candidate(struct ex *x, xmlNode *n, struct info *i)
{
	const char *nm = (const char *)n->name;

	i->scored = 1;
	i->score = 0;
	if (strcmp(nm, "div") == 0)
		i->score += 5;
	else if (strcmp(nm, "pre") == 0 || strcmp(nm, "td") == 0 ||
	    strcmp(nm, "blockquote") == 0)
		i->score += 3;
	else if (strcmp(nm, "address") == 0 || strcmp(nm, "ol") == 0 ||
	    strcmp(nm, "ul") == 0 || strcmp(nm, "dl") == 0 ||
	    strcmp(nm, "dd") == 0 || strcmp(nm, "dt") == 0 ||
	    strcmp(nm, "li") == 0 || strcmp(nm, "form") == 0)
		i->score -= 3;
	else if (is_heading(n) || strcmp(nm, "th") == 0)
		i->score -= 5;
	i->score += ex_class_weight(x, n);
}

static xmlNode *
score_and_pick(struct ex *x, xmlNode *body, xmlNode **cands_out)
{
	xmlNode **cands = NULL, *top[N_TOP] = { 0 }, *a;
	size_t nc = 0, capc = 0, k, j;
	int level;

	ex_measure(x, body, NULL);
	for (k = 0; k < x->nlist; k++) {
		xmlNode *n = x->list[k];
		struct info *i = n->_private;
		double cs;

		if (!ex_is_elem(n->parent) || i == NULL || i->text < 25)
			continue;
		cs = 1 + (double)(i->commas + 1) +
		    (double)(i->text / 100 < 3 ? i->text / 100 : 3);
		for (a = n->parent, level = 0; ex_is_elem(a) && level < 5;
		    a = a->parent, level++) {
			struct info *ai = info(x, a);

			if (!ai->scored) {
				init_candidate(x, a, ai);
				if (nc == capc) {
					capc = capc ? capc * 2 : 64;
					cands = xreallocarray(cands, capc, sizeof(*cands));
				}
				cands[nc++] = a;
			}
			ai->score += cs / (level == 0 ? 1 : level == 1 ? 2 : level * 3);
			if (a == body)
				break;	/* what is above is not ours to move */
		}
	}
	for (k = 0; k < nc; k++) {
		struct info *ci = cands[k]->_private;

		ci->score *= 1 - ex_link_density(ci);
		for (j = 0; j < N_TOP; j++) {
			if (top[j] == NULL || ci->score >
			    ((struct info *)top[j]->_private)->score) {
				memmove(top + j + 1, top + j,
				    (N_TOP - j - 1) * sizeof(*top));
				top[j] = cands[k];
				break;
			}
		}
	}
	free(cands);
	for (j = 0; j < N_TOP; j++)
		cands_out[j] = top[j];
	return top[0];
}

int
ex_elem_children(const xmlNode *n)
{
	int c = 0;

	for (n = n->children; n != NULL; n = n->next)
		c += ex_is_elem(n);
	return c;
}

/* Readability's choice of the top candidate's container. */
static xmlNode *
promote(struct ex *x, xmlNode *body, xmlNode **top)
{
	xmlNode *t = top[0], *p, *a;
	struct info *ti;
	double last, thresh;
	size_t j;

	if (t == NULL || t == body)
		return NULL;
	ti = t->_private;
	/* an ancestor shared by three of the top candidates */
	{
		xmlNode *alts[N_TOP];
		size_t nalt = 0;

		for (j = 1; j < N_TOP && top[j] != NULL; j++)
			if (((struct info *)top[j]->_private)->score /
			    ti->score >= 0.75)
				alts[nalt++] = top[j];
		if (nalt >= MIN_TOP_SHARED) {
			for (p = t->parent; ex_is_elem(p) && p != body; p = p->parent) {
				size_t hits = 0;

				for (j = 0; j < nalt; j++)
					for (a = alts[j]->parent; ex_is_elem(a);
					    a = a->parent)
						if (a == p) {
							hits++;
							break;
						}
				if (hits >= MIN_TOP_SHARED) {
					t = p;
					break;
				}
			}
		}
	}
	if (!((struct info *)info(x, t))->scored)
		init_candidate(x, t, info(x, t));
	ti = t->_private;
	/* climb while the parents score better */
	last = ti->score;
	thresh = last / 3;
	for (p = t->parent; ex_is_elem(p) && p != body; p = p->parent) {
		struct info *pi = p->_private;

		if (pi == NULL || !pi->scored)
			continue;
		if (pi->score < thresh)
			break;
		if (pi->score > last) {
			t = p;
			break;
		}
		last = pi->score;
	}
	/* an only child stands for its parent */
	for (p = t->parent; ex_is_elem(p) && p != body && ex_elem_children(p) == 1;
	    p = p->parent)
		t = p;
	if (!((struct info *)info(x, t))->scored)
		init_candidate(x, t, info(x, t));
	return t;
}

static int
ends_sentence(const xmlNode *n)
{
	char *t = ex_text(n), *p;
	int r = 0;

	/* /\.( |$)/ */
	for (p = t; *p != '\0'; p++)
		if (*p == '.' && (p[1] == ' ' || p[1] == '\0')) {
			r = 1;
			break;
		}
	free(t);
	return r;
}

/* The top candidate and the siblings that belong with it, moved into a
 * new <div>. */
static xmlNode *
gather(struct ex *x, xmlNode *t)
{
	xmlNode *art = xmlNewDocNode(x->doc, NULL, BAD_CAST "div", NULL);
	xmlNode *s, *next;
	struct info *ti = t->_private;
	double thresh = ti->score * 0.2 > 10 ? ti->score * 0.2 : 10;
	const char *tclass = ex_attr(t, "class");
	char ms[512];

	for (s = t->parent->children; s != NULL; s = next) {
		int append = 0;

		next = s->next;
		if (!ex_is_elem(s))
			continue;
		if (s == t)
			append = 1;
		else {
			struct info *si = info(x, s);
			const char *sc = ex_attr(s, "class");
			double bonus = 0;

			if (tclass != NULL && *tclass != '\0' && sc != NULL &&
			    strcmp(sc, tclass) == 0)
				bonus = ti->score * 0.2;
			if (si->scored && si->score + bonus >= thresh)
				append = 1;
			else if (ex_is(s, "p") && !((x->flags & F_WEIGHT_CLASSES) &&
			    ex_has_any(ex_match_string(s, ms, sizeof(ms)),
			    negative_words))) {
				/* prose, unless its class says otherwise */
				double ld = ex_link_density(si);

				if (si->text > 80 && ld < 0.25)
					append = 1;
				else if (si->text < 80 && si->text > 0 &&
				    ld == 0 && ends_sentence(s))
					append = 1;
			}
		}
		if (append) {
			if (!ex_is(s, "div") && !ex_is(s, "article") &&
			    !ex_is(s, "section") && !ex_is(s, "p"))
				xmlNodeSetName(s, BAD_CAST "div");
			xmlUnlinkNode(s);
			xmlAddChild(art, s);
		}
	}
	return art;
}

/* ---- one attempt and the whole ---- */

xmlDoc *
extract_html_read(const char *data, size_t len, const char *base)
{
	int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER | HTML_PARSE_COMPACT;

#ifdef HTML_PARSE_IGNORE_ENC
	opts |= HTML_PARSE_IGNORE_ENC;
#endif
	/* no depth limit of 256 (pages of unclosed <div>s go past it and
	 * would lose the rest), no 10 MB cap on a text node: nothing that
	 * walks the tree recurses, and the page's size is capped by the
	 * caller */
	opts |= XML_PARSE_HUGE;
	if (len > (size_t)0x7fffffff)
		len = 0x7fffffff;
	return htmlReadMemory(data, (int)len, base, "UTF-8", opts);
}

static xmlNode *
find_body(xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n;

	if (root == NULL)
		return NULL;
	for (n = root->children; n != NULL; n = n->next)
		if (ex_is(n, "body"))
			return n;
	/* a frameset, or a page without <body>: the root is what there is */
	return root;
}

struct attempt {
	char	*html;		/* with captions */
	char	*html_nocap;	/* without; NULL when there are none */
	char	*excerpt;	/* the first paragraph's text */
	char	*image;		/* the first image's URL, absolute */
	size_t	 textlen;
};

static void
attempt_free(struct attempt *a)
{
	free(a->html);
	free(a->html_nocap);
	free(a->excerpt);
	free(a->image);
	memset(a, 0, sizeof(*a));
}

static void
attempt(xmlDoc *doc, const char *data, size_t len, const char *base,
    const char *title, unsigned flags, struct attempt *out, char **byline)
{
	struct ex x;
	xmlNode *body, *top[N_TOP], *t, *art;
	struct buf b = { 0 };
	int has_cap = 0;

	memset(&x, 0, sizeof(x));
	memset(out, 0, sizeof(*out));
	x.base = base;
	x.title = title;
	x.flags = flags;
	/* the first attempt works on the tree the metadata came from */
	if ((x.doc = doc) == NULL &&
	    (x.doc = extract_html_read(data, len, base)) == NULL)
		return;
	if ((body = find_body(x.doc)) == NULL)
		goto done;
	grab_walk(&x, body);
	t = score_and_pick(&x, body, top);
	t = promote(&x, body, top);
	if (t == NULL) {
		/* nothing scored: the whole body is the article */
		xmlNode *c, *next, *m;

		t = xmlNewDocNode(x.doc, NULL, BAD_CAST "div", NULL);
		for (c = body->children; c != NULL; c = next) {
			next = c->next;
			xmlUnlinkNode(c);
			if ((m = xmlAddChild(t, c)) == NULL)
				xmlFreeNode(c);
			else if (m != c)
				m->_private = NULL;	/* merged text */
		}
		xmlAddChild(body, t);
		(void)info(&x, t);
		init_candidate(&x, t, t->_private);
	}
	art = gather(&x, t);
	xmlAddChild(body, art);
	ex_prep_article(&x, art);	/* its last pass leaves art's sums */
	out->textlen = ((struct info *)art->_private)->text;
	ex_serialize(art, &b, 0, &has_cap);
	out->html = buf_detach(&b);
	if (has_cap) {
		ex_serialize(art, &b, 1, NULL);
		out->html_nocap = buf_detach(&b);
	}
	for (t = art; t != NULL; t = ex_next_in(t, art, 0)) {
		const char *src;

		if (out->excerpt == NULL && ex_is(t, "p")) {
			char *e = ex_text(t);

			out->excerpt = ex_fold(e);
			free(e);
		}
		if (out->image == NULL && ex_is(t, "img") &&
		    (src = ex_attr(t, "src")) != NULL && *src != '\0' &&
		    strncmp(src, "data:", 5) != 0) {
			out->image = url_resolve(base, src);
			if (!url_has_scheme(out->image, "http,https")) {
				free(out->image);
				out->image = NULL;
			}
		}
		if (out->excerpt != NULL && out->image != NULL)
			break;
	}
	if (byline != NULL && *byline == NULL) {
		*byline = x.byline;
		x.byline = NULL;
	}
done:
	free(x.byline);
	free(x.list);
	chunks_free(&x);
	xmlFreeDoc(x.doc);
}


int
extract_page(const char *data, size_t len, const char *url,
    const char *charset, struct extract_result *out, char *ebuf, size_t n)
{
	static const unsigned tries[] = {
		F_STRIP_UNLIKELY | F_WEIGHT_CLASSES | F_CLEAN_COND,
		F_WEIGHT_CLASSES | F_CLEAN_COND,
		F_CLEAN_COND,
		0,
	};
	struct encoding_result er;
	char *copy = NULL, *pdata;
	size_t plen;
	struct ex_meta m;
	struct attempt best = { 0 }, cur;
	char *byline = NULL;
	xmlDoc *doc;
	size_t k;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > EXTRACT_MAX_PAGE)
		return err_set(ebuf, n, ERR_LIMIT,
		    "page larger than %u bytes", EXTRACT_MAX_PAGE);
	rc = encoding_to_utf8_view(data, len, ex_charset(data, len, charset),
	    0, &er, ebuf, n);
	if (rc != ERR_OK)
		return rc;
	snprintf(out->charset, sizeof(out->charset), "%s", er.charset);
	if (er.len > INT_MAX) {
		encoding_result_clear(&er);
		return err_set(ebuf, n, ERR_LIMIT, "page too large");
	}

	/* cut in place when the decoded page is ours, else in a copy, and
	 * only when there is something to cut */
	plen = er.len;
	if (!er.borrowed)
		plen = ex_strip_raw(er.data, er.len, er.data);
	else if (ex_strip_raw(er.data, er.len, NULL)) {
		copy = xmalloc(er.len + 1);
		plen = ex_strip_raw(er.data, er.len, copy);
	}
	pdata = copy != NULL ? copy : er.data;
	memset(&m, 0, sizeof(m));
	if ((doc = extract_html_read(pdata, plen, url)) != NULL)
		ex_meta_read(doc, url, &m);
	for (k = 0; k < sizeof(tries) / sizeof(tries[0]); k++) {
		attempt(k == 0 ? doc : NULL, pdata, plen, url,
		    m.title, tries[k], &cur, &byline);
		if (cur.html != NULL && (best.html == NULL ||
		    cur.textlen > best.textlen)) {
			attempt_free(&best);
			best = cur;
		} else
			attempt_free(&cur);
		if (best.textlen >= CHAR_THRESHOLD)
			break;
	}
	free(copy);
	encoding_result_clear(&er);

	if (best.html != NULL && best.textlen > 0) {
		char *text = NULL, *clean;

		if (best.html_nocap == NULL)
			out->content = html_sanitize_text(best.html,
			    strlen(best.html), url, &text);
		else {
			out->content = html_sanitize(best.html,
			    strlen(best.html), url);
			clean = html_sanitize_text(best.html_nocap,
			    strlen(best.html_nocap), url, &text);
			free(clean);
		}
		if (text == NULL || *text == '\0') {
			free(text);
			free(out->content);
			out->content = NULL;
		} else
			out->text = text;
	}
	out->url = m.url != NULL ? m.url : (url != NULL ? xstrdup(url) : NULL);
	m.url = NULL;
	out->title = m.title;
	m.title = NULL;
	out->author = m.author != NULL ? m.author : ex_fold(byline);
	m.author = NULL;
	out->has_published = m.has_published;
	out->published = m.published;
	out->site_name = m.site_name;
	m.site_name = NULL;
	out->language = m.language;
	m.language = NULL;
	out->image = m.image;
	m.image = NULL;
	out->excerpt = m.excerpt;
	m.excerpt = NULL;
	if (out->excerpt == NULL && out->content != NULL) {
		out->excerpt = best.excerpt;
		best.excerpt = NULL;
	}
	/* no image in the metadata: the body's first */
	if (out->image == NULL && out->content != NULL) {
		out->image = best.image;
		best.image = NULL;
	}
	free(byline);
	attempt_free(&best);
	ex_meta_clear(&m);
	return ERR_OK;
}

void
extract_result_clear(struct extract_result *r)
{
	if (r == NULL)
		return;
	free(r->url);
	free(r->title);
	free(r->author);
	free(r->site_name);
	free(r->language);
	free(r->image);
	free(r->excerpt);
	free(r->content);
	free(r->text);
	memset(r, 0, sizeof(*r));
}
