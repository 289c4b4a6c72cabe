/*
 * Feed discovery in a web page (discover.h): one walk over the tree
 * libxml2's HTML parser builds, collecting <base>, the alternate links
 * and YouTube's channel id, then the candidates in the header's order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "discover.h"
#include "encoding.h"
#include "err.h"
#include "extract.h"
#include "url.h"
#include "xmalloc.h"

static const char *const feed_types[] = {
	"application/rss+xml", "application/atom+xml",
	"application/feed+json", "application/json", NULL
};

static const char *const usual_paths[] = {
	"/feed", "/rss", "/atom.xml", "/index.xml", "/feed.xml", "/rss.xml",
	"/feed.json", NULL
};

#define YT_FEED "https://www.youtube.com/feeds/videos.xml?channel_id="

struct raw_link {
	char	*href, *type, *title;
};

struct walk {
	char		*base;		/* the first <base href> */
	char		*channel_id;	/* <meta itemprop="channelId"> */
	char		*canonical;	/* <link rel="canonical"> */
	struct raw_link	*links;
	size_t		 nlinks;
};

const char *
discover_source_name(enum discover_source s)
{
	switch (s) {
	case DISCOVER_LINK: return "link";
	case DISCOVER_YOUTUBE: return "youtube";
	case DISCOVER_PATH: return "path";
	}
	return "?";
}

static char *
attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* 1 when the white-space separated list s holds word (any case). */
static int
has_token(const char *s, const char *word)
{
	size_t wl = strlen(word), l;

	while (s != NULL && *s != '\0') {
		s += strspn(s, " \t\r\n\f");
		l = strcspn(s, " \t\r\n\f");
		if (l == wl && strncasecmp(s, word, wl) == 0)
			return 1;
		s += l;
	}
	return 0;
}

/* 1 when the link's type (parameters after ';' ignored) names a feed. */
static int
feed_type(const char *type)
{
	size_t i, l;

	if (type == NULL)
		return 0;
	type += strspn(type, " \t");
	l = strcspn(type, "; \t");
	for (i = 0; feed_types[i] != NULL; i++)
		if (strlen(feed_types[i]) == l &&
		    strncasecmp(type, feed_types[i], l) == 0)
			return 1;
	return 0;
}

static void
element(struct walk *w, xmlNode *n)
{
	const char *name = (const char *)n->name;
	char *rel, *v;

	if (strcasecmp(name, "base") == 0) {
		if (w->base == NULL)
			w->base = attr(n, "href");
	} else if (strcasecmp(name, "meta") == 0) {
		if (w->channel_id == NULL && (v = attr(n, "itemprop")) != NULL) {
			if (strcasecmp(v, "channelId") == 0)
				w->channel_id = attr(n, "content");
			free(v);
		}
	} else if (strcasecmp(name, "link") == 0) {
		rel = attr(n, "rel");
		if (has_token(rel, "alternate")) {
			v = attr(n, "type");
			if (feed_type(v)) {
				w->links = xreallocarray(w->links,
				    w->nlinks + 1, sizeof(*w->links));
				w->links[w->nlinks].href = attr(n, "href");
				w->links[w->nlinks].type = v;
				w->links[w->nlinks++].title = attr(n,
				    "title");
				v = NULL;
			}
			free(v);
		} else if (has_token(rel, "canonical") && w->canonical == NULL)
			w->canonical = attr(n, "href");
		free(rel);
	}
}

/* Every element, in document order, without recursion (a page of deeply
 * nested elements costs no stack). */
static void
walk_tree(struct walk *w, xmlNode *root)
{
	xmlNode *n = root;

	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE && n->name != NULL)
			element(w, n);
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
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

/* A copy of url when it is an absolute http(s) URL with a host, else
 * NULL. */
static char *
web_url(const char *url)
{
	char *h;

	if (url == NULL || !url_has_scheme(url, "http,https"))
		return NULL;
	if ((h = url_host(url)) == NULL)
		return NULL;
	free(h);
	return xstrdup(url);
}

static void
add(struct discover_list *out, size_t max, char *url, const char *type,
    const char *title, enum discover_source src)
{
	struct discover_candidate *c;
	size_t i;

	if (url == NULL)
		return;
	for (i = 0; i < out->n; i++)
		if (strcmp(out->c[i].url, url) == 0)
			break;
	if (i < out->n || out->n >= max || strpbrk(url, " \t\r\n") != NULL) {
		free(url);
		return;
	}
	out->c = xreallocarray(out->c, out->n + 1, sizeof(*out->c));
	c = &out->c[out->n++];
	c->url = url;
	c->type = type != NULL ? xstrdup(type) : NULL;
	c->title = title != NULL && *title != '\0' ? xstrdup(title) : NULL;
	c->source = src;
}

/* "scheme://host[:port]" of an absolute URL, without user information. */
static char *
origin_of(const char *url)
{
	char *s = url_strip_userinfo(url, NULL), *p;

	p = strstr(s, "://");
	if (p == NULL) {
		free(s);
		return NULL;
	}
	p += 3;
	p[strcspn(p, "/?#")] = '\0';
	return s;
}

/* The channel id in a youtube.com URL's path /channel/ID, copied. */
static char *
yt_path_id(const char *url)
{
	const char *p = strstr(url, "://");
	size_t l;

	if (p == NULL)
		return NULL;
	p += 3;
	p += strcspn(p, "/?#");
	if (strncmp(p, "/channel/", 9) != 0)
		return NULL;
	p += 9;
	l = strcspn(p, "/?#");
	return xstrndup(p, l);
}

static int
yt_id_ok(const char *id)
{
	size_t i;

	if (id == NULL || strlen(id) != 24 || strncmp(id, "UC", 2) != 0)
		return 0;
	for (i = 2; i < 24; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
		    id[i] == '_'))
			return 0;
	return 1;
}

static int
yt_host(const char *url)
{
	char *h = url != NULL && url_has_scheme(url, "http,https") ?
	    url_host(url) : NULL;
	int ok = h != NULL && (strcmp(h, "youtube.com") == 0 ||
	    strcmp(h, "www.youtube.com") == 0 ||
	    strcmp(h, "m.youtube.com") == 0);

	free(h);
	return ok;
}

char *
discover_youtube_feed(const char *page_url, const char *channel_id)
{
	char *id, *out = NULL;

	if (!yt_host(page_url))
		return NULL;
	id = yt_path_id(page_url);
	if (!yt_id_ok(id)) {
		free(id);
		id = channel_id != NULL ? xstrdup(channel_id) : NULL;
	}
	if (yt_id_ok(id)) {
		out = xmalloc(sizeof(YT_FEED) + strlen(id));
		memcpy(out, YT_FEED, sizeof(YT_FEED) - 1);
		strcpy(out + sizeof(YT_FEED) - 1, id);
	}
	free(id);
	return out;
}


int
discover_page(const char *html, size_t len, const char *charset,
    const char *page_url, size_t max, struct discover_list *out,
    char *ebuf, size_t n)
{
	struct walk w = { 0 };
	struct encoding_result er;
	char *base, *origin, *yt_id = NULL, *u;
	xmlDoc *doc = NULL;
	size_t i;

	if ((u = web_url(page_url)) == NULL)
		return err_set(ebuf, n, ERR_INVALID, "%s: not an http or "
		    "https URL", page_url != NULL ? page_url : "(null)");
	free(u);
	memset(&er, 0, sizeof(er));
	if (encoding_to_utf8(html, len, charset, 0, &er, NULL, 0) == 0 &&
	    er.data != NULL)
		doc = extract_html_read(er.data, er.len, NULL);
	if (doc != NULL)
		walk_tree(&w, xmlDocGetRootElement(doc));

	/* <base href> counts only when it is itself a web URL. */
	base = NULL;
	if (w.base != NULL) {
		u = url_resolve(page_url, w.base);
		base = web_url(u);
		free(u);
	}
	for (i = 0; i < w.nlinks; i++) {
		if (w.links[i].href != NULL && *w.links[i].href != '\0') {
			u = url_resolve(base != NULL ? base : page_url,
			    w.links[i].href);
			add(out, max, web_url(u), w.links[i].type,
			    w.links[i].title, DISCOVER_LINK);
			free(u);
		}
		free(w.links[i].href);
		free(w.links[i].type);
		free(w.links[i].title);
	}
	if (yt_host(page_url)) {
		if (w.canonical != NULL && yt_host(w.canonical))
			yt_id = yt_path_id(w.canonical);
		add(out, max, discover_youtube_feed(page_url,
		    yt_id_ok(w.channel_id) ? w.channel_id : yt_id), NULL,
		    NULL, DISCOVER_YOUTUBE);
	}
	if ((origin = origin_of(page_url)) != NULL) {
		for (i = 0; usual_paths[i] != NULL; i++) {
			u = xmalloc(strlen(origin) + strlen(usual_paths[i]) + 1);
			strcpy(u, origin);
			strcat(u, usual_paths[i]);
			add(out, max, u, NULL, NULL, DISCOVER_PATH);
		}
	}
	free(origin);
	free(yt_id);
	free(base);
	free(w.links);
	free(w.base);
	free(w.channel_id);
	free(w.canonical);
	if (doc != NULL)
		xmlFreeDoc(doc);
	encoding_result_clear(&er);
	return ERR_OK;
}

void
discover_list_free(struct discover_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->c[i].url);
		free(l->c[i].type);
		free(l->c[i].title);
	}
	free(l->c);
	l->c = NULL;
	l->n = 0;
}
