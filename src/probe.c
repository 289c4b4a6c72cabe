/*
 * `tidings add`'s look at a URL (probe.h): fetch it, read it as a feed or
 * find the feeds a page names, and read each of those.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "discover.h"
#include "err.h"
#include "fetch.h"
#include "parse.h"
#include "probe.h"
#include "url.h"
#include "xmalloc.h"

struct count {
	size_t	 n;
	int64_t	 last;
};

static int
on_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct count *k = ctx;
	int64_t t = a->has_published ? a->published.utc :
	    a->has_updated ? a->updated.utc : 0;

	(void)feed;
	k->n++;
	if (t > k->last)
		k->last = t;
	article_free(a);
	return 0;
}

/* Reads r's body as a feed into c.  1 when it is one. */
static int
read_feed(const struct fetch_result *r, struct probe_candidate *c)
{
	struct parse_opts po = { 0 };
	struct article_feed feed;
	struct count k = { 0, 0 };
	char ebuf[200];
	int rc;

	po.base_url = r->final_url;
	po.charset = r->charset;
	article_feed_init(&feed);
	rc = parse_document(r->body, r->body_len, &po, &feed, on_item, &k,
	    ebuf, sizeof(ebuf));
	if (rc != ERR_OK || feed.format == ARTICLE_FMT_UNKNOWN) {
		snprintf(c->error, sizeof(c->error), "not a feed%s%s",
		    rc != ERR_OK ? ": " : "", rc != ERR_OK ? ebuf : "");
		article_feed_clear(&feed);
		return 0;
	}
	c->ok = 1;
	c->title = xstrdup(feed.title);
	c->format = article_format_name(feed.format);
	c->nitems = k.n;
	c->last = k.last;
	article_feed_clear(&feed);
	return 1;
}

static void
take_result(struct probe_candidate *c, struct fetch_result *r)
{
	if (r->final_url != NULL && strcmp(r->final_url, r->url) != 0)
		c->final_url = xstrdup(r->final_url);
	if (r->error != FETCH_OK)
		snprintf(c->error, sizeof(c->error), "%s", r->errmsg);
	else if (r->not_modified)
		snprintf(c->error, sizeof(c->error), "HTTP 304 to an "
		    "unconditional request");
	else
		(void)read_feed(r, c);
}

/* Runs f until every transfer is done, handing each result to its
 * candidate (the request's ctx). */
static void
drain(struct fetch *f)
{
	struct fetch_result *r;

	while (fetch_pending(f) > 0) {
		fetch_poll(f, 1000);
		while ((r = fetch_next(f)) != NULL) {
			take_result(r->ctx, r);
			fetch_result_free(r);
		}
	}
}

static struct probe_candidate *
add_candidate(struct probe_result *out, const char *url, const char *source)
{
	struct probe_candidate *c;

	out->c = xreallocarray(out->c, out->n + 1, sizeof(*out->c));
	c = &out->c[out->n++];
	memset(c, 0, sizeof(*c));
	c->url = xstrdup(url);
	c->source = source;
	c->same_as = -1;
	return c;
}

/* A candidate that leads where an earlier one did is the same feed. */
static void
mark_same(struct probe_result *out)
{
	size_t i, j;
	const char *a, *b;

	for (i = 1; i < out->n; i++) {
		if (!out->c[i].ok)
			continue;
		a = out->c[i].final_url ? out->c[i].final_url : out->c[i].url;
		for (j = 0; j < i; j++) {
			if (!out->c[j].ok || out->c[j].same_as >= 0)
				continue;
			b = out->c[j].final_url ? out->c[j].final_url :
			    out->c[j].url;
			if (strcmp(a, b) == 0) {
				out->c[i].same_as = (int)j;
				break;
			}
		}
	}
}

int
probe_url(const struct probe_opts *o, const char *url,
    struct probe_result *out, char *ebuf, size_t n)
{
	struct fetch_opts fo = *o->fetch;
	struct fetch_request req = { 0 };
	struct discover_list dl = { 0 };
	struct fetch_result *page = NULL;
	struct probe_candidate *c;
	struct fetch *f;
	size_t i;
	int rv = ERR_OK;

	if (!url_has_scheme(url, "http,https"))
		return err_set(ebuf, n, ERR_INVALID, "%s: not an http or "
		    "https URL", url);
	if (o->timeout > 0 && fo.timeout > o->timeout)
		fo.timeout = o->timeout;
	if (o->timeout > 0 && fo.connect_timeout > o->timeout)
		fo.connect_timeout = o->timeout;
	if ((f = fetch_new(&fo, ebuf, n)) == NULL)
		return ERR_IO;

	req.url = url;
	req.allow_private = o->allow_private;
	if ((rv = fetch_add(f, &req, ebuf, n)) != ERR_OK)
		goto out;
	while (page == NULL && fetch_pending(f) > 0) {
		fetch_poll(f, 1000);
		page = fetch_next(f);
	}
	if (page == NULL || page->error != FETCH_OK || page->not_modified) {
		rv = err_set(ebuf, n, ERR_IO, "%s: %s", url, page == NULL ?
		    "no answer" : page->error != FETCH_OK ? page->errmsg :
		    "HTTP 304 to an unconditional request");
		goto out;
	}
	out->page_private = page->origin_private;
	c = add_candidate(out, url, "given");
	if (strcmp(page->final_url, url) != 0)
		c->final_url = xstrdup(page->final_url);
	if (read_feed(page, c)) {
		out->given_is_feed = 1;
		goto out;
	}
	probe_result_free(out);
	(void)discover_page(page->body, page->body_len, page->charset,
	    page->final_url, o->max_candidates, &dl, NULL, 0);
	for (i = 0; i < dl.n; i++) {
		c = add_candidate(out, dl.c[i].url,
		    discover_source_name(dl.c[i].source));
		c->link_title = xstrdup(dl.c[i].title);
	}
	/* the array is complete: the contexts below stay valid */
	for (i = 0; i < out->n; i++) {
		memset(&req, 0, sizeof(req));
		req.url = out->c[i].url;
		req.allow_private = o->allow_private;
		req.guard_all = !out->page_private;
		req.ctx = &out->c[i];
		if (fetch_add(f, &req, out->c[i].error,
		    sizeof(out->c[i].error)) != ERR_OK)
			continue;
	}
	drain(f);
	mark_same(out);
out:
	discover_list_free(&dl);
	fetch_result_free(page);
	fetch_free(f);
	return rv;
}

void
probe_result_free(struct probe_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->c[i].url);
		free(r->c[i].final_url);
		free(r->c[i].link_title);
		free(r->c[i].title);
	}
	free(r->c);
	r->c = NULL;
	r->n = 0;
}
