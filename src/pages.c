/* Whole articles from teaser feeds, in the daemon's loop (pages.h). */

#include "pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "extract.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

/* A page in flight; its address is the fetch request's ctx. */
struct pjob {
	int64_t		 article_id;
	char		*feed;		/* the feed's name for messages */
	char		*link;
	int		 tries;
	int64_t		 deadline;
	struct pjob	*next;
};

struct pages {
	pages_feed_fn	 feed;
	void		*ctx;
	struct pjob	*jobs;
	int		 kicked;
	time_t		 next_at;	/* read the store again then */
	time_t		 recheck_at;	/* ... and at least then (deadlines of
					   pages of feeds no longer held) */
};

/* One pass over the due pages (store_pages_due's callback). */
struct pass {
	struct pages	*p;
	struct store	*st;
	struct fetch	*f;
	const struct conf *c;
	time_t		 now;
	time_t		 next;
	size_t		 waiting;
	long		 settled;
	/* settled after the walk: no write while its read is open */
	struct store_page_result *done;
	char		**done_msg;
	size_t		 ndone;
};

struct pages *
pages_new(pages_feed_fn feed, void *ctx)
{
	struct pages *p = xcalloc(1, sizeof(*p));

	p->feed = feed;
	p->ctx = ctx;
	p->kicked = 1;
	return p;
}

static void
job_free(struct pjob *j)
{
	free(j->feed);
	free(j->link);
	free(j);
}

void
pages_free(struct pages *p)
{
	struct pjob *j, *nj;

	if (p == NULL)
		return;
	for (j = p->jobs; j != NULL; j = nj) {
		nj = j->next;
		job_free(j);
	}
	free(p);
}

void
pages_kick(struct pages *p)
{
	p->kicked = 1;
}

static struct pjob *
find_job(const struct pages *p, int64_t article_id)
{
	struct pjob *j;

	for (j = p->jobs; j != NULL; j = j->next)
		if (j->article_id == article_id)
			return j;
	return NULL;
}

static const char *
label(const struct feedlist_feed *fc, const struct store_page *pg)
{
	return fc != NULL && fc->name != NULL ? fc->name : pg->feed_url;
}

/* Notes a page to settle after the walk, with the message to log. */
static void
settle_later(struct pass *ps, const struct store_page *pg,
    enum store_page_state state, const char *error, const char *msg)
{
	struct store_page_result *r;

	ps->done = xreallocarray(ps->done, ps->ndone + 1, sizeof(*ps->done));
	ps->done_msg = xreallocarray(ps->done_msg, ps->ndone + 1,
	    sizeof(*ps->done_msg));
	r = &ps->done[ps->ndone];
	memset(r, 0, sizeof(*r));
	r->article_id = pg->article_id;
	r->state = state;
	r->tries = pg->tries;
	r->error = xstrdup(error);
	ps->done_msg[ps->ndone++] = xstrdup(msg);
}

/* Whether the page at link is on the host of the feed at feed_url. */
static int
same_host(const char *feed_url, const char *link)
{
	char *a = url_host(feed_url), *b = url_host(link);
	int same = a != NULL && b != NULL && strcmp(a, b) == 0;

	free(a);
	free(b);
	return same;
}

static int
start_one(void *ctx, const struct store_page *pg)
{
	struct pass *ps = ctx;
	const struct feedlist_feed *fc;
	struct fetch_request req;
	const char *userpwd = NULL;
	struct pjob *j;
	char ebuf[256], msg[512];
	int own;

	if (find_job(ps->p, pg->article_id) != NULL) {
		ps->waiting++;
		return 0;
	}
	fc = ps->p->feed(ps->p->ctx, pg->feed_id, &userpwd);
	if ((int64_t)ps->now >= pg->deadline) {
		snprintf(msg, sizeof(msg), "%s: page %s: gave up after "
		    "fulltext_wait%s%s; exported with the feed's text",
		    label(fc, pg), pg->link, pg->error ? ": " : "",
		    pg->error ? pg->error : "");
		snprintf(ebuf, sizeof(ebuf), "fulltext_wait passed%s%s",
		    pg->error ? ": " : "", pg->error ? pg->error : "");
		settle_later(ps, pg, STORE_PAGE_FAILED, ebuf, msg);
		return 0;
	}
	if (fc == NULL)
		return 0;	/* not ours to fetch: it waits, or runs out */
	ps->waiting++;
	if (pg->next_try > (int64_t)ps->now) {
		if (ps->next == 0 || pg->next_try < (int64_t)ps->next)
			ps->next = (time_t)pg->next_try;
		if (pg->deadline < (int64_t)ps->next)
			ps->next = (time_t)pg->deadline;
		return 0;
	}
	if (url_has_scheme(pg->link, "file") &&
	    !url_has_scheme(pg->feed_url, "file")) {
		snprintf(msg, sizeof(msg), "%s: page %s: refused: a file: link "
		    "in a feed that is not a local file", label(fc, pg),
		    pg->link);
		settle_later(ps, pg, STORE_PAGE_REFUSED, "a file: link in a "
		    "feed that is not a local file", msg);
		ps->waiting--;
		return 0;
	}
	own = same_host(pg->feed_url, pg->link) ||
	    url_has_scheme(pg->link, "file");
	memset(&req, 0, sizeof(req));
	req.url = pg->link;
	req.user_agent = fc->user_agent;
	/* the feed's credentials go to the feed's host only */
	req.userpwd = own ? userpwd : NULL;
	req.timeout = PAGES_TIMEOUT;
	req.max_body = ps->c->max_page;
	req.guard_all = !own;
	/* on the feed's host, the feed's allow_private for redirects */
	req.allow_private = !own ? ps->c->allow_private_pages :
	    fc->allow_private >= 0 ? fc->allow_private : ps->c->allow_private;
	j = xcalloc(1, sizeof(*j));
	j->article_id = pg->article_id;
	j->feed = xstrdup(label(fc, pg));
	j->link = xstrdup(pg->link);
	j->tries = pg->tries;
	j->deadline = pg->deadline;
	req.ctx = j;
	if (fetch_add(ps->f, &req, ebuf, sizeof(ebuf)) != ERR_OK) {
		snprintf(msg, sizeof(msg), "%s: page %s: %s", j->feed,
		    pg->link, ebuf);
		settle_later(ps, pg, STORE_PAGE_FAILED, ebuf, msg);
		job_free(j);
		ps->waiting--;
		return 0;
	}
	j->next = ps->p->jobs;
	ps->p->jobs = j;
	return 0;
}

size_t
pages_start(struct pages *p, struct store *st, struct fetch *f,
    const struct conf *c, time_t now, time_t *next, long *settled)
{
	struct pass ps;
	char ebuf[512];
	size_t i;
	struct pjob *j;

	*next = 0;
	if (!p->kicked && now < p->recheck_at &&
	    (p->next_at == 0 || now < p->next_at)) {
		/* nothing new: what is in flight, and the next time */
		for (i = 0, j = p->jobs; j != NULL; j = j->next)
			i++;
		*next = p->next_at;
		return i + (p->next_at != 0);
	}
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.st = st;
	ps.f = f;
	ps.c = c;
	ps.now = now;
	if (store_pages_due(st, start_one, &ps, ebuf, sizeof(ebuf)) != ERR_OK)
		log_warnx("pages: %s", ebuf);
	for (i = 0; i < ps.ndone; i++) {
		if (store_page_put(st, &ps.done[i], now, ebuf,
		    sizeof(ebuf)) == ERR_OK) {
			log_warnx("%s", ps.done_msg[i]);
			ps.settled++;
		} else
			log_warnx("pages: %s", ebuf);
		free((char *)ps.done[i].error);
		free(ps.done_msg[i]);
	}
	free(ps.done);
	free(ps.done_msg);
	p->kicked = 0;
	p->next_at = ps.next;
	p->recheck_at = now + 60;
	*next = ps.next;
	*settled += ps.settled;
	return ps.waiting;
}

int
pages_owns(const struct pages *p, const struct fetch_result *r)
{
	const struct pjob *j;

	for (j = p->jobs; j != NULL; j = j->next)
		if ((const void *)j == r->ctx)
			return 1;
	return 0;
}

/* Whether a failed page may answer otherwise later. */
static int
transient(const struct fetch_result *r)
{
	switch (r->error) {
	case FETCH_ERR_HTTP:
		return r->status == 408 || r->status == 429 ||
		    r->status >= 500 || r->status < 400;
	case FETCH_ERR_DNS:	/* a publisher's name that does not resolve */
	case FETCH_ERR_TOO_LARGE:
	case FETCH_ERR_REDIRECT:
	case FETCH_ERR_REFUSED:
	case FETCH_ERR_FILE:
		return 0;
	default:
		return 1;
	}
}

/* The extraction of a page that answered: *res filled (DONE) from ex, or
 * FAILED when the page holds no article. */
static void
extracted(const struct fetch_result *r, struct extract_result *ex,
    struct store_page_result *res, char *ebuf, size_t n)
{
	if (extract_page(r->body ? r->body : "", r->body_len, r->final_url,
	    r->charset, ex, ebuf, n) != ERR_OK) {
		res->state = STORE_PAGE_FAILED;
		res->error = ebuf;
		return;
	}
	if (ex->text == NULL || ex->text[0] == '\0' || ex->content == NULL) {
		res->state = STORE_PAGE_FAILED;
		res->error = "the page holds no article";
		return;
	}
	res->state = STORE_PAGE_DONE;
	res->content = ex->content;
	res->text = ex->text;
	res->title = ex->title;
	res->author = ex->author;
	res->has_published = ex->has_published;
	res->published = ex->published;
}

int
pages_apply(struct pages *p, struct store *st, const struct conf *c,
    const struct fetch_result *r, time_t now)
{
	struct store_page_result res;
	struct extract_result ex;
	struct pjob **jp, *j;
	char ebuf[512], why[320];
	int64_t wait;
	int rc;

	(void)c;
	for (jp = &p->jobs; *jp != NULL && (void *)*jp != r->ctx;
	    jp = &(*jp)->next)
		;
	if ((j = *jp) == NULL)
		return -1;
	*jp = j->next;
	memset(&res, 0, sizeof(res));
	memset(&ex, 0, sizeof(ex));
	res.article_id = j->article_id;
	res.tries = j->tries;
	res.page_url = r->final_url;
	if (r->error == FETCH_OK && !r->not_modified)
		extracted(r, &ex, &res, ebuf, sizeof(ebuf));
	else {
		snprintf(why, sizeof(why), "%s: %s", fetch_error_name(r->error),
		    r->not_modified ? "304 without a request to match" :
		    r->errmsg);
		res.error = r->error == FETCH_ERR_REFUSED ? r->errmsg : why;
		res.tries = j->tries + 1;
		res.page_url = r->error == FETCH_OK ? r->final_url : NULL;
		wait = (int64_t)PAGES_RETRY_BASE << (j->tries < 16 ? j->tries :
		    16);
		if (r->error == FETCH_ERR_REFUSED ||
		    (r->error == FETCH_ERR_REDIRECT &&
		    strstr(r->errmsg, "allow_private") != NULL))
			res.state = STORE_PAGE_REFUSED;
		else if (!transient(r) || res.tries >= PAGES_TRIES ||
		    (int64_t)now >= j->deadline)
			res.state = STORE_PAGE_FAILED;
		else {
			res.state = STORE_PAGE_DUE;
			res.next_try = (int64_t)now + wait;
			if (res.next_try > j->deadline)
				res.next_try = j->deadline;
		}
	}
	rc = store_page_put(st, &res, (int64_t)now, ebuf, sizeof(ebuf));
	if (rc == ERR_NOTFOUND)
		rc = ERR_OK;	/* the article went meanwhile */
	if (rc != ERR_OK)
		log_warnx("%s: page %s: %s", j->feed, j->link, ebuf);
	else if (res.state == STORE_PAGE_REFUSED)
		log_warnx("%s: page %s: refused: %s", j->feed, j->link,
		    res.error);
	else if (res.state == STORE_PAGE_FAILED)
		log_warnx("%s: page %s: gave up after %d tr%s: %s; exported "
		    "with the feed's text", j->feed, j->link, res.tries,
		    res.tries == 1 ? "y" : "ies", res.error);
	else if (res.state == STORE_PAGE_DUE)
		log_info("%s: page %s: %s; trying again in %llds", j->feed,
		    j->link, res.error, (long long)(res.next_try - now));
	else
		log_debug("%s: page %s: extracted", j->feed, j->link);
	if (res.state == STORE_PAGE_DUE && (p->next_at == 0 ||
	    (time_t)res.next_try < p->next_at))
		p->next_at = (time_t)res.next_try;
	extract_result_clear(&ex);
	job_free(j);
	if (rc != ERR_OK)
		return -1;
	return res.state != STORE_PAGE_DUE;
}
