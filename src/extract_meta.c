/*
 * The page's charset and metadata: extract.h says in what order the
 * evidence counts.  The tag names and their priorities follow Mozilla's
 * Readability (_getArticleMetadata, _getJSONLD, _getArticleTitle), so that
 * a page's title and byline agree with what readers already show.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "encoding.h"
#include "extract_int.h"
#include "url.h"
#include "xmalloc.h"

#define SNIFF_BYTES	4096
#define MAX_HEADINGS	64

/* ---- small helpers shared with extract.c ---- */

const char *
ex_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->name == NULL || strcasecmp((const char *)a->name, name) != 0)
			continue;
		if (a->children != NULL && a->children->content != NULL)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

static int
skipped_text_parent(const xmlNode *n)
{
	return ex_is(n, "script") || ex_is(n, "style") ||
	    ex_is(n, "noscript") || ex_is(n, "template");
}

static void
fold_append(struct buf *b, const char *s)
{
	int space = b->len > 0 && b->data[b->len - 1] == ' ';

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			if (!space && b->len > 0)
				(void)buf_putc(b, ' ');
			space = 1;
		} else if (c == 0xC2 && (unsigned char)s[1] == 0xA0) {
			/* U+00A0 folds like white space */
			if (!space && b->len > 0)
				(void)buf_putc(b, ' ');
			space = 1;
			s++;
		} else {
			(void)buf_putc(b, c);
			space = 0;
		}
	}
}

/* Iterative: a page nested 100,000 deep costs no stack. */
void
ex_text_append(const xmlNode *root, struct buf *b)
{
	const xmlNode *n = root;

	if (root == NULL)
		return;
	if (root->type == XML_TEXT_NODE || root->type == XML_CDATA_SECTION_NODE) {
		if (root->content != NULL)
			fold_append(b, (const char *)root->content);
		return;
	}
	if (skipped_text_parent(root))
		return;
	n = root->children;
	while (n != NULL) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    n->content != NULL)
			fold_append(b, (const char *)n->content);
		if (n->type == XML_ELEMENT_NODE && n->children != NULL &&
		    !skipped_text_parent(n)) {
			n = n->children;
			continue;
		}
		while (n != NULL && n != root && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
}

char *
ex_fold(const char *s)
{
	struct buf b = { 0 };

	if (s == NULL)
		return NULL;
	fold_append(&b, s);
	buf_rtrim(&b);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *
ex_text(const xmlNode *n)
{
	struct buf b = { 0 };

	ex_text_append(n, &b);
	buf_rtrim(&b);
	return buf_detach(&b);
}

/* Words: runs of ASCII alphanumerics or bytes >= 0x80, lower-cased. */
static size_t
words(const char *s, char ***out)
{
	char **v = NULL;
	size_t nv = 0, i, j;

	for (i = 0; s[i] != '\0';) {
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' ||
		    (unsigned char)s[i] >= 0x80)) {
			i++;
			continue;
		}
		for (j = i; isalnum((unsigned char)s[j]) || s[j] == '_' ||
		    (unsigned char)s[j] >= 0x80; j++)
			;
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv] = xstrndup(s + i, j - i);
		for (char *p = v[nv]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		nv++;
		i = j;
	}
	*out = v;
	return nv;
}

double
ex_similarity(const char *a, const char *b)
{
	char **wa, **wb;
	size_t na, nb, i, j, all = 0, uniq = 0;
	double r;

	if (a == NULL || b == NULL)
		return 0;
	na = words(a, &wa);
	nb = words(b, &wb);
	for (i = 0; i < nb; i++) {
		int found = 0;

		for (j = 0; j < na && !found; j++)
			found = strcmp(wa[j], wb[i]) == 0;
		all += strlen(wb[i]) + (i > 0);
		if (!found)
			uniq += strlen(wb[i]) + (uniq > 0);
	}
	r = (na == 0 || nb == 0 || all == 0) ? 0 : 1.0 - (double)uniq / (double)all;
	xfreev(wa, na);
	xfreev(wb, nb);
	return r;
}

/* ---- charset ---- */

/* 0: not UTF-8; 1: ASCII only; 2: UTF-8 with multi-byte sequences. */
static int
valid_utf8(const unsigned char *p, size_t len)
{
	size_t i = 0;
	int multi = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3;
		else
			return 0;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= len || (p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
		multi = 1;
	}
	return 1 + multi;
}

static const char *
meta_charset(const char *data, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, i, j, end;
	char name[40];
	const char *cs;

	for (i = 0; i + 5 < n; i++) {
		if (data[i] != '<' || strncasecmp(data + i + 1, "meta", 4) != 0)
			continue;
		for (end = i; end < n && data[end] != '>'; end++)
			;
		for (j = i + 5; j + 7 < end; j++) {
			size_t k, m = 0;

			if (strncasecmp(data + j, "charset", 7) != 0)
				continue;
			k = j + 7;
			while (k < end && isspace((unsigned char)data[k]))
				k++;
			if (k >= end || data[k] != '=')
				continue;
			k++;
			while (k < end && (isspace((unsigned char)data[k]) ||
			    data[k] == '"' || data[k] == '\''))
				k++;
			while (k < end && m + 1 < sizeof(name) &&
			    (isalnum((unsigned char)data[k]) || data[k] == '-' ||
			    data[k] == '_' || data[k] == '.' || data[k] == ':'))
				name[m++] = data[k++];
			name[m] = '\0';
			/* HTML: a page that calls itself UTF-16 in ASCII is
			 * not UTF-16. */
			if (strncasecmp(name, "utf-16", 6) == 0)
				return "UTF-8";
			if (m > 0 && (cs = encoding_canonical(name)) != NULL)
				return cs;
		}
		i = end;
	}
	return NULL;
}

static const char *
guess_cyrillic(const unsigned char *p, size_t len)
{
	size_t hi = 0, pairs = 0, upper = 0, lower = 0, i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x80)
			continue;
		hi++;
		if (i > 0 && p[i - 1] >= 0x80)
			pairs++;
		if (p[i] >= 0xC0 && p[i] <= 0xDF)
			upper++;
		else if (p[i] >= 0xE0)
			lower++;
	}
	/* Cyrillic words are runs of high bytes; Latin accents stand alone
	 * between ASCII letters. */
	if (hi < 8 || pairs * 2 < hi || (upper + lower) * 10 < hi * 7)
		return NULL;
	/* windows-1251 has its lower case at E0-FF, KOI8 at C0-DF. */
	return lower >= upper ? "WINDOWS-1251" : "KOI8-U";
}

const char *
ex_charset(const char *data, size_t len, const char *declared)
{
	const unsigned char *p = (const unsigned char *)data;
	const char *cs;

	if (len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) ||
	    (p[0] == 0xFF && p[1] == 0xFE)))
		return NULL;		/* the BOM wins in encoding.h */
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return NULL;
	if (declared != NULL && (cs = encoding_canonical(declared)) != NULL)
		return cs;
	/* Non-ASCII text that is valid UTF-8 is UTF-8 whatever a <meta>
	 * says: legacy multi-byte text almost never passes as UTF-8, while
	 * pages re-encoded to UTF-8 often keep their old <meta>. */
	if (valid_utf8(p, len) == 2)
		return "UTF-8";
	if ((cs = meta_charset(data, len)) != NULL)
		return cs;
	if (valid_utf8(p, len))
		return "UTF-8";
	return guess_cyrillic(p, len);
}

/* ---- metadata ---- */

/* The meta names read, each normalised (lower case, no white space,
 * '.' as ':'); the last one in the page wins, as in Readability. */
enum mkey {
	M_DC_TITLE, M_DCTERM_TITLE, M_OG_TITLE, M_WEIBO_A_TITLE,
	M_WEIBO_W_TITLE, M_TITLE, M_TWITTER_TITLE, M_PARSELY_TITLE,
	M_DC_CREATOR, M_DCTERM_CREATOR, M_AUTHOR, M_PARSELY_AUTHOR,
	M_ARTICLE_AUTHOR,
	M_DC_DESC, M_DCTERM_DESC, M_OG_DESC, M_WEIBO_A_DESC, M_WEIBO_W_DESC,
	M_DESC, M_TWITTER_DESC,
	M_OG_SITE_NAME, M_APP_NAME,
	M_PUBLISHED_TIME, M_PARSELY_PUB_DATE, M_IP_DATE_PUBLISHED, M_DC_DATE,
	M_DCTERM_CREATED, M_OG_PUBLISHED_TIME,
	M_OG_IMAGE, M_OG_IMAGE_URL, M_TWITTER_IMAGE, M_TWITTER_IMAGE_SRC,
	M_OG_URL, M_OG_LOCALE, M_CONTENT_LANGUAGE,
	M_COUNT
};

static const char *const mnames[M_COUNT] = {
	"dc:title", "dcterm:title", "og:title", "weibo:article:title",
	"weibo:webpage:title", "title", "twitter:title", "parsely-title",
	"dc:creator", "dcterm:creator", "author", "parsely-author",
	"article:author",
	"dc:description", "dcterm:description", "og:description",
	"weibo:article:description", "weibo:webpage:description",
	"description", "twitter:description",
	"og:site_name", "application-name",
	"article:published_time", "parsely-pub-date", "datepublished",
	"dc:date", "dcterms:created", "og:published_time",
	"og:image", "og:image:url", "twitter:image", "twitter:image:src",
	"og:url", "og:locale", "content-language",
};

struct scan {
	const char	*mval[M_COUNT];	/* borrowed from the tree */
	const xmlNode	*title_el;
	const xmlNode	*html_el;
	const char	*canonical;
	const char	*time_dt;	/* first <time datetime> */
	const char	*itemprop_date;	/* itemprop=datePublished, any element */
	const xmlNode	*headings[MAX_HEADINGS];	/* h1 and h2 */
	size_t		 nheadings;
	size_t		 nh1;
	const xmlNode	*h1;
	json_t		*ld;		/* the Article object's document */
	json_t		*ld_art;	/* borrowed from ld */
};

static int
mkey_store(struct scan *s, const char *raw, const char *val)
{
	char key[64];
	size_t m = 0;
	int i;

	for (; *raw != '\0' && m + 1 < sizeof(key); raw++) {
		if (isspace((unsigned char)*raw))
			continue;
		key[m++] = *raw == '.' ? ':' : (char)tolower((unsigned char)*raw);
	}
	key[m] = '\0';
	/* "dcterms" reads as Readability's "dcterm" */
	if (strncmp(key, "dcterms:", 8) == 0 && strcmp(key, "dcterms:created") != 0)
		memmove(key + 6, key + 7, strlen(key + 7) + 1);
	for (i = 0; i < M_COUNT; i++)
		if (strcmp(key, mnames[i]) == 0) {
			s->mval[i] = val;
			return 1;
		}
	return 0;
}

static void
scan_meta(struct scan *s, const xmlNode *n)
{
	const char *content = ex_attr(n, "content"), *prop, *name;
	char tok[64];
	int matched = 0;

	if (content == NULL)
		return;
	if ((prop = ex_attr(n, "property")) != NULL) {
		/* space-separated properties: each one counts */
		while (*prop != '\0') {
			size_t m = 0;

			while (isspace((unsigned char)*prop))
				prop++;
			while (*prop != '\0' && !isspace((unsigned char)*prop)) {
				if (m + 1 < sizeof(tok))
					tok[m++] = *prop;
				prop++;
			}
			tok[m] = '\0';
			if (m > 0 && mkey_store(s, tok, content))
				matched = 1;
			else if (m > 0) {
				/* "og:article:author" holds "article:author",
				 * as Readability's unanchored pattern finds */
				const char *c = strchr(tok, ':');

				if (c != NULL && strchr(c + 1, ':') != NULL &&
				    mkey_store(s, c + 1, content))
					matched = 1;
			}
		}
	}
	/* article:author counts as a property only (Readability) */
	if ((name = ex_attr(n, "name")) != NULL && !matched &&
	    strcasecmp(name, "article:author") != 0)
		mkey_store(s, name, content);
	if ((name = ex_attr(n, "http-equiv")) != NULL &&
	    strcasecmp(name, "content-language") == 0)
		s->mval[M_CONTENT_LANGUAGE] = content;
	if ((name = ex_attr(n, "itemprop")) != NULL &&
	    strcasecmp(name, "datePublished") == 0)
		s->mval[M_IP_DATE_PUBLISHED] = content;
}

static int
article_type(const char *t)
{
	static const char *const types[] = {
		"Article", "AdvertiserContentArticle", "NewsArticle",
		"AnalysisNewsArticle", "AskPublicNewsArticle",
		"BackgroundNewsArticle", "BlogPosting",
		"DiscussionForumPosting", "LiveBlogPosting",
		"OpinionNewsArticle", "ReportageNewsArticle",
		"ReviewNewsArticle", "Report", "SatiricalArticle",
		"ScholarlyArticle", "MedicalScholarlyArticle",
		"SocialMediaPosting", "TechArticle",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i]) == 0)
			return 1;
	return 0;
}

static json_t *
ld_find(json_t *v, int depth)
{
	json_t *t, *e, *r;
	size_t i;

	if (depth > 4 || v == NULL)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((r = ld_find(e, depth + 1)) != NULL)
				return r;
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	t = json_object_get(v, "@type");
	if (json_is_string(t) && article_type(json_string_value(t)))
		return v;
	if (json_is_array(t))
		json_array_foreach(t, i, e)
			if (json_is_string(e) && article_type(json_string_value(e)))
				return v;
	return ld_find(json_object_get(v, "@graph"), depth + 1);
}

static void
scan_ld(struct scan *s, const xmlNode *n)
{
	struct buf b = { 0 };
	const xmlNode *c;
	json_t *j, *art;
	const char *p;
	size_t len;

	if (s->ld_art != NULL)
		return;
	for (c = n->children; c != NULL; c = c->next)
		if (c->content != NULL)
			(void)buf_puts(&b, (const char *)c->content);
	p = buf_str(&b);
	len = b.len;
	while (len > 0 && isspace((unsigned char)*p))
		p++, len--;
	if (len >= 9 && strncmp(p, "<![CDATA[", 9) == 0)
		p += 9, len -= 9;
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len >= 3 && strncmp(p + len - 3, "]]>", 3) == 0)
		len -= 3;
	j = json_loadb(p, len, JSON_DISABLE_EOF_CHECK, NULL);
	buf_free(&b);
	if (j == NULL)
		return;
	if ((art = ld_find(j, 0)) == NULL) {
		json_decref(j);
		return;
	}
	s->ld = j;
	s->ld_art = art;
}

/* One walk over the whole page, iterative. */
static void
scan_doc(xmlDoc *doc, struct scan *s)
{
	xmlNode *root = xmlDocGetRootElement(doc), *n = root;
	const char *v;

	s->html_el = root;
	while (n != NULL) {
		int descend = 1;

		if (n->type == XML_ELEMENT_NODE) {
			const char *nm = (const char *)n->name;

			if (strcmp(nm, "meta") == 0)
				scan_meta(s, n);
			else if (strcmp(nm, "title") == 0) {
				if (s->title_el == NULL)
					s->title_el = n;
			} else if (strcmp(nm, "link") == 0) {
				v = ex_attr(n, "rel");
				if (v != NULL && strcasecmp(v, "canonical") == 0 &&
				    s->canonical == NULL)
					s->canonical = ex_attr(n, "href");
			} else if (strcmp(nm, "script") == 0) {
				v = ex_attr(n, "type");
				if (v != NULL &&
				    strcasecmp(v, "application/ld+json") == 0)
					scan_ld(s, n);
				descend = 0;
			} else if (strcmp(nm, "style") == 0) {
				descend = 0;
			} else if (strcmp(nm, "time") == 0) {
				if (s->time_dt == NULL)
					s->time_dt = ex_attr(n, "datetime");
			} else if (nm[0] == 'h' && (nm[1] == '1' || nm[1] == '2') &&
			    nm[2] == '\0') {
				if (nm[1] == '1' && s->nh1++ == 0)
					s->h1 = n;
				if (s->nheadings < MAX_HEADINGS)
					s->headings[s->nheadings++] = n;
			}
			if (s->itemprop_date == NULL &&
			    (v = ex_attr(n, "itemprop")) != NULL &&
			    strcasecmp(v, "datePublished") == 0) {
				s->itemprop_date = ex_attr(n, "datetime");
				if (s->itemprop_date == NULL)
					s->itemprop_date = ex_attr(n, "content");
			}
		}
		if (descend && n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == root)
			break;
		n = n->next;
	}
}

static size_t
word_count(const char *s)
{
	size_t n = 1;

	/* JavaScript's str.split(/\s+/).length */
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s)) {
			n++;
			while (isspace((unsigned char)s[1]))
				s++;
		}
	return n;
}

/* The length of the separator character at p ("|-\\/>", "»", en or
 * em dash), or 0. */
static size_t
sep_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == '|' || *p == '-' || *p == '\\' || *p == '/' || *p == '>')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xBB)
		return 2;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94))
		return 3;
	return 0;
}

/* " | ", " - ", " \ ", " / ", " > ", " » ": the offset of the separator's
 * leading space, or -1. */
static long
sep_at(const char *s, size_t i, int hierarchical_only)
{
	if (s[i] != ' ')
		return -1;
	if (!hierarchical_only && (s[i + 1] == '|' || s[i + 1] == '-') && s[i + 2] == ' ')
		return (long)i;
	if ((s[i + 1] == '\\' || s[i + 1] == '/' || s[i + 1] == '>') && s[i + 2] == ' ')
		return (long)i;
	if ((unsigned char)s[i + 1] == 0xC2 && (unsigned char)s[i + 2] == 0xBB &&
	    s[i + 3] == ' ')
		return (long)i;
	/* en and em dashes read as "-" */
	if (!hierarchical_only && (unsigned char)s[i + 1] == 0xE2 &&
	    (unsigned char)s[i + 2] == 0x80 && ((unsigned char)s[i + 3] == 0x93 ||
	    (unsigned char)s[i + 3] == 0x94) && s[i + 4] == ' ')
		return (long)i;
	return -1;
}

/* Readability's _getArticleTitle: the <title> without the site's name. */
static char *
doc_title_cut(const struct scan *s, const char *orig)
{
	char *cur, *t;
	size_t i, len = strlen(orig), nw;
	long last = -1;
	int hier = 0;

	for (i = 0; i < len; i++) {
		if (sep_at(orig, i, 0) >= 0)
			last = (long)i;
		if (sep_at(orig, i, 1) >= 0)
			hier = 1;
	}
	if (last >= 0) {
		cur = xstrndup(orig, (size_t)last);
		if (word_count(cur) < 3) {
			/* too short: drop the first part instead */
			free(cur);
			for (i = 0; i < len && sep_len(orig + i) == 0; i++)
				;
			cur = xstrdup(i < len ? orig + i + sep_len(orig + i) : orig);
		}
	} else if (strstr(orig, ": ") != NULL) {
		int match = 0;

		for (i = 0; i < s->nheadings && !match; i++) {
			t = ex_text(s->headings[i]);
			match = strcmp(t, orig) == 0;
			free(t);
		}
		if (match)
			cur = xstrdup(orig);
		else {
			const char *lc = strrchr(orig, ':'), *fc = strchr(orig, ':');

			cur = xstrdup(lc + 1);
			if (word_count(cur) < 3) {
				free(cur);
				cur = xstrdup(fc + 1);
			} else {
				char *before = xstrndup(orig, (size_t)(fc - orig));

				if (word_count(before) > 5) {
					free(cur);
					cur = xstrdup(orig);
				}
				free(before);
			}
		}
	} else if ((len > 150 || len < 15) && s->nh1 == 1) {
		cur = ex_text(s->h1);
	} else
		cur = xstrdup(orig);
	t = ex_fold(cur);
	free(cur);
	cur = t != NULL ? t : xstrdup("");
	nw = word_count(cur);
	if (nw <= 4) {
		/* the original, unless the cut was a clean one-part cut of
		 * a hierarchical title */
		struct buf b = { 0 };
		size_t nw2;

		for (i = 0; i < len; i++)
			if (sep_len(orig + i) == 0)
				(void)buf_putc(&b, orig[i]);
			else
				i += sep_len(orig + i) - 1;
		nw2 = word_count(buf_str(&b));
		buf_free(&b);
		if (!hier || nw != nw2 - 1) {
			free(cur);
			cur = xstrdup(orig);
		}
	}
	return cur;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *
ld_author(json_t *art)
{
	json_t *a = json_object_get(art, "author"), *e;
	struct buf b = { 0 };
	const char *nm;
	size_t i;

	if (json_is_string(a))
		return ex_fold(json_string_value(a));
	if (json_is_object(a))
		return ex_fold(jstr(a, "name"));
	if (!json_is_array(a))
		return NULL;
	json_array_foreach(a, i, e) {
		char *f;

		nm = json_is_object(e) ? jstr(e, "name") :
		    json_is_string(e) ? json_string_value(e) : NULL;
		if ((f = ex_fold(nm)) == NULL)
			continue;
		if (b.len > 0)
			(void)buf_puts(&b, ", ");
		(void)buf_puts(&b, f);
		free(f);
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static const char *
ld_image(json_t *art)
{
	json_t *v = json_object_get(art, "image");

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v))
		return jstr(v, "url");
	return NULL;
}

static const char *
first(const struct scan *s, const enum mkey *keys, size_t n)
{
	const char *v;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((v = s->mval[keys[i]]) == NULL)
			continue;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '\0')
			return v;
	}
	return NULL;
}
#define FIRST(s, ...) first((s), (const enum mkey[]){ __VA_ARGS__ }, \
	sizeof((const enum mkey[]){ __VA_ARGS__ }) / sizeof(enum mkey))

static int
is_url(const char *s)
{
	return s != NULL && (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0 || s[0] == '/');
}

static void
try_date(struct ex_meta *m, const char *s)
{
	char *f;

	if (m->has_published || s == NULL || (f = ex_fold(s)) == NULL)
		return;
	if (date_parse(f, &m->published) == 0)
		m->has_published = 1;
	free(f);
}

/* Long: one walk over <head> and the page reads every source of
 * metadata in its order of trust (JSON-LD, OpenGraph, article:*, meta
 * names, <time>, rel=author); splitting it would walk the page again. */
void
ex_meta_read(xmlDoc *doc, const char *base, struct ex_meta *m)
{
	struct scan s;
	const char *v, *lname, *lhead;
	char *ldtitle = NULL, *t;

	memset(m, 0, sizeof(*m));
	memset(&s, 0, sizeof(s));
	if (xmlDocGetRootElement(doc) == NULL)
		return;
	scan_doc(doc, &s);

	if (s.title_el != NULL)
		m->doc_title = ex_text(s.title_el);

	/* title: JSON-LD, then the meta tags, then <title> */
	if (s.ld_art != NULL) {
		lname = jstr(s.ld_art, "name");
		lhead = jstr(s.ld_art, "headline");
		if (lname != NULL && lhead != NULL && strcmp(lname, lhead) != 0) {
			char *cut = doc_title_cut(&s, m->doc_title ? m->doc_title : "");
			int nm = ex_similarity(lname, cut) > 0.75;
			int hm = ex_similarity(lhead, cut) > 0.75;

			ldtitle = ex_fold(hm && !nm ? lhead : lname);
			free(cut);
		} else
			ldtitle = ex_fold(lname != NULL ? lname : lhead);
	}
	if (ldtitle != NULL)
		m->title = ldtitle;
	else if ((v = FIRST(&s, M_DC_TITLE, M_DCTERM_TITLE, M_OG_TITLE,
	    M_WEIBO_A_TITLE, M_WEIBO_W_TITLE, M_TITLE, M_TWITTER_TITLE,
	    M_PARSELY_TITLE)) != NULL)
		m->title = ex_fold(v);
	else if (m->doc_title != NULL && *m->doc_title != '\0')
		m->title = doc_title_cut(&s, m->doc_title);

	/* author */
	if (s.ld_art != NULL)
		m->author = ld_author(s.ld_art);
	if (m->author == NULL && (v = FIRST(&s, M_DC_CREATOR, M_DCTERM_CREATOR,
	    M_AUTHOR, M_PARSELY_AUTHOR)) != NULL)
		m->author = ex_fold(v);
	if (m->author == NULL && (v = s.mval[M_ARTICLE_AUTHOR]) != NULL &&
	    !is_url(v))
		m->author = ex_fold(v);

	/* excerpt */
	if (s.ld_art != NULL)
		m->excerpt = ex_fold(jstr(s.ld_art, "description"));
	if (m->excerpt == NULL && (v = FIRST(&s, M_DC_DESC, M_DCTERM_DESC,
	    M_OG_DESC, M_WEIBO_A_DESC, M_WEIBO_W_DESC, M_DESC,
	    M_TWITTER_DESC)) != NULL)
		m->excerpt = ex_fold(v);

	/* site name: the page's own statement first */
	if ((v = FIRST(&s, M_OG_SITE_NAME)) != NULL)
		m->site_name = ex_fold(v);
	if (m->site_name == NULL && s.ld_art != NULL) {
		json_t *p = json_object_get(s.ld_art, "publisher");

		if (json_is_object(p))
			m->site_name = ex_fold(jstr(p, "name"));
	}
	if (m->site_name == NULL && (v = FIRST(&s, M_APP_NAME)) != NULL)
		m->site_name = ex_fold(v);

	/* image */
	v = FIRST(&s, M_OG_IMAGE, M_OG_IMAGE_URL, M_TWITTER_IMAGE,
	    M_TWITTER_IMAGE_SRC);
	if (v == NULL && s.ld_art != NULL)
		v = ld_image(s.ld_art);
	if (v != NULL && (t = ex_fold(v)) != NULL) {
		m->image = url_resolve(base, t);
		free(t);
	}

	/* canonical URL */
	v = s.canonical != NULL ? s.canonical : FIRST(&s, M_OG_URL);
	if (v != NULL && (t = ex_fold(v)) != NULL) {
		char *u = url_resolve(base, t);

		if (url_has_scheme(u, "http,https"))
			m->url = u;
		else
			free(u);
		free(t);
	}

	/* language */
	v = ex_attr(s.html_el, "lang");
	if (v == NULL || *v == '\0')
		v = ex_attr(s.html_el, "xml:lang");
	if (v == NULL || *v == '\0')
		v = s.mval[M_CONTENT_LANGUAGE];
	if (v != NULL && (t = ex_fold(v)) != NULL)
		m->language = t;
	else if ((v = s.mval[M_OG_LOCALE]) != NULL && (t = ex_fold(v)) != NULL) {
		for (char *p = t; *p; p++)
			if (*p == '_')
				*p = '-';
		m->language = t;
	}

	/* published */
	if (s.ld_art != NULL)
		try_date(m, jstr(s.ld_art, "datePublished"));
	try_date(m, s.mval[M_PUBLISHED_TIME]);
	try_date(m, s.mval[M_PARSELY_PUB_DATE]);
	try_date(m, s.mval[M_IP_DATE_PUBLISHED]);
	try_date(m, s.itemprop_date);
	try_date(m, s.mval[M_OG_PUBLISHED_TIME]);
	try_date(m, s.mval[M_DC_DATE]);
	try_date(m, s.mval[M_DCTERM_CREATED]);
	if (s.ld_art != NULL)
		try_date(m, jstr(s.ld_art, "dateCreated"));
	try_date(m, s.time_dt);

	if (s.ld != NULL)
		json_decref(s.ld);
}

void
ex_meta_clear(struct ex_meta *m)
{
	free(m->title);
	free(m->author);
	free(m->excerpt);
	free(m->site_name);
	free(m->image);
	free(m->url);
	free(m->language);
	free(m->doc_title);
	memset(m, 0, sizeof(*m));
}
