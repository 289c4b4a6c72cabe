#include "cycle.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "ingest.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

void
cycle_limits(const struct conf *c, const struct feedlist_feed *fc,
    struct sched_limits *l)
{
	l->interval = fc != NULL && fc->interval > 0 ? fc->interval :
	    c->interval;
	l->min_interval = c->min_interval;
	l->max_interval = c->max_interval;
	l->max_backoff = c->max_backoff;
	l->startup_spread = c->startup_spread;
}

int
cycle_interval_auto(const struct conf *c, const struct feedlist_feed *fc)
{
	return fc != NULL && (fc->interval == FEEDLIST_INTERVAL_AUTO ||
	    (fc->interval == 0 && c->interval_auto));
}

struct learn_ctx {
	struct sched_item items[2 * SCHED_LEARN_ITEMS];
	size_t	 n;
};

static int
learn_one(void *ctx, const struct article *a,
    const struct store_article_meta *m)
{
	struct learn_ctx *lc = ctx;

	if (lc->n < sizeof(lc->items) / sizeof(lc->items[0])) {
		lc->items[lc->n].first_seen = m->first_seen;
		lc->items[lc->n++].published = a->has_published ?
		    a->published.utc : 0;
	}
	return 0;
}

int
cycle_learn(struct store *st, const struct conf *c,
    const struct feedlist_feed *fc, int64_t id, time_t now,
    struct sched_learned *le, char *ebuf, size_t n)
{
	struct learn_ctx lc;
	struct sched_limits l;
	struct store_filter f;
	int rc;

	/* The newest articles, twice the gaps the median is over: a group
	 * found by one check may be cut at the oldest end. */
	memset(&f, 0, sizeof(f));
	f.feed_id = id;
	f.since = (int64_t)now - SCHED_LEARN_WINDOW;
	f.limit = (long)(sizeof(lc.items) / sizeof(lc.items[0]));
	lc.n = 0;
	cycle_limits(c, fc, &l);
	rc = store_articles_list(st, &f, learn_one, &lc, ebuf, n);
	if (rc != ERR_OK)
		lc.n = 0;
	sched_learn(&l, lc.items, lc.n, now, le);
	return rc;
}

int
cycle_feed_id(struct store *st, const struct feedlist_feed *fc, int64_t *id,
    char *ebuf, size_t n)
{
	/* An unnamed feed is named by its configured URL, so that it is still
	 * found after a permanent redirect changed its stored URL. */
	const char *name = fc->name != NULL ? fc->name : fc->url;
	int rc;

	rc = store_feed_find(st, fc->url, id, NULL, 0);
	if (rc == ERR_NOTFOUND)
		rc = store_feed_find(st, name, id, NULL, 0);
	if (rc == ERR_OK)
		return ERR_OK;
	return store_feed_ensure(st, fc->url, name, id, ebuf, n);
}

int
cycle_is_due(const struct store_feed *sf, const struct feedlist_feed *fc,
    time_t now)
{
	if (!fc->enabled || sf->retired)
		return 0;
	/* a last check in the future: the clock was set back since, and
	 * next_check, on the old clock, may be far ahead */
	return sf->last_check == 0 || sf->next_check <= (int64_t)now ||
	    sf->last_check > (int64_t)now;
}

/* Opens a file holding a secret (what names it in messages): a regular
 * file, not open to others, nor to the group of its owner when that is
 * this user.  Returns the descriptor, or -1 with a message in ebuf. */
static int
secret_open(const char *what, const char *path, char *ebuf, size_t n)
{
	struct stat sb;
	int fd;

	/* O_NONBLOCK: a FIFO put in its place must not stop the caller. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		err_set(ebuf, n, ERR_IO, "%s %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		err_set(ebuf, n, ERR_IO, "%s %s: %s", what, path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		err_set(ebuf, n, ERR_INVALID, "%s %s: not a regular file",
		    what, path);
		close(fd);
		return -1;
	}
	/* As ssh does for a private key: a secret others can read is
	 * refused, and so is one owned by this user and shared with its
	 * group.  Owned by another user, group access is how a service
	 * is handed a secret (root:tidings 0640). */
	if ((sb.st_mode & S_IRWXO) != 0 ||
	    ((sb.st_mode & S_IRWXG) != 0 && sb.st_uid == geteuid())) {
		err_set(ebuf, n, ERR_INVALID, "%s %s: permissions %04o are "
		    "too open: %s can read it (chmod 600 it)", what, path,
		    (unsigned)(sb.st_mode & 07777),
		    (sb.st_mode & S_IRWXO) != 0 ? "others" : "its group");
		close(fd);
		return -1;
	}
	return fd;
}

int
cycle_check_cookies(const char *path, char *ebuf, size_t n)
{
	int fd;

	if ((fd = secret_open("cookie_file", path, ebuf, n)) == -1)
		return -1;
	close(fd);
	return 0;
}

char *
cycle_read_auth(const char *path, char *ebuf, size_t n)
{
	char line[4096];
	size_t len;
	FILE *fp;
	int fd;

	if ((fd = secret_open("auth_file", path, ebuf, n)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL) {
		err_set(ebuf, n, ERR_IO, "auth_file %s: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		err_set(ebuf, n, ERR_INVALID, "auth_file %s: empty", path);
		return NULL;
	}
	fclose(fp);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (strchr(line, ':') == NULL) {
		err_set(ebuf, n, ERR_INVALID, "auth_file %s: not user:password",
		    path);
		return NULL;
	}
	return xstrdup(line);
}

char *
cycle_auth(const struct feedlist_feed *fc, char *ebuf, size_t n)
{
	if (n > 0)
		ebuf[0] = '\0';
	if (fc->auth_file != NULL)
		return cycle_read_auth(fc->auth_file, ebuf, n);
	if (fc->userinfo != NULL)
		return url_userinfo_decode(fc->userinfo);
	return NULL;
}

static void
set_str(char **field, const char *s)
{
	free(*field);
	*field = s != NULL ? xstrdup(s) : NULL;
}

static const char *
label(const struct feedlist_feed *fc, const struct store_feed *sf)
{
	return fc->name != NULL ? fc->name : sf->url;
}

void
cycle_request(const struct store_feed *sf, const struct feedlist_feed *fc,
    const char *userpwd, void *ctx, struct fetch_request *req)
{
	memset(req, 0, sizeof(*req));
	req->url = sf->url;
	req->etag = sf->etag;
	req->last_modified = sf->last_modified;
	req->user_agent = fc->user_agent;
	req->userpwd = userpwd;
	req->ctx = ctx;
	req->proxy = fc->proxy;
	req->headers = (const char *const *)fc->headers;
	req->nheaders = fc->nheaders;
	req->cookie_file = fc->cookie_file;
	req->http_version = fc->http_version;
	req->ca_file = fc->ca_file;
}

/* Ingests a 200's body; returns 0, or sets *eclass ("parse" or "store")
 * with the reason in ibuf. */
static int
ingest_body(struct store *st, const struct conf *c,
    const struct feedlist_feed *fc, int64_t id, const struct fetch_result *r,
    time_t now, struct cycle_outcome *out, const char **eclass, char *ibuf,
    size_t ilen)
{
	struct ingest_opts io;
	struct ingest_result ir;
	int rc;

	memset(&io, 0, sizeof(io));
	memset(&ir, 0, sizeof(ir));
	io.identity = fc->identity;
	io.filter = fc->filter;
	io.max_age = (int64_t)c->keep_days * 86400;
	io.max_count = c->max_articles;
	io.now = now;
	io.base_url = r->final_url;
	io.charset = fc->charset != NULL ? fc->charset : r->charset;
	io.max_bytes = c->fetch.max_body * 4;
	rc = ingest_document(st, id, r->body ? r->body : "", r->body_len, &io,
	    &ir, ibuf, ilen);
	if (rc != ERR_OK) {
		*eclass = rc == ERR_PARSE ? "parse" : "store";
		return -1;
	}
	out->added = ir.added;
	out->updated = ir.updated;
	out->duplicate = ir.duplicate;
	return 0;
}

/* What the answer says about the feed: validators and success, or the
 * failure (and a 410's retirement). */
static void
note_answer(struct store_feed *sf, const struct feedlist_feed *fc,
    const struct fetch_result *r, int ok, const char *eclass,
    const char *ibuf, time_t now, struct cycle_outcome *out)
{
	sf->last_check = now;
	sf->http_status = (int)r->status;
	sf->identity_policy = fc->identity;
	sf->retry_after = r->retry_after;
	sf->cache_max_age = r->max_age > 0 ? r->max_age : 0;
	if (ok) {
		/* A 304 may carry fresh validators; a 200 replaces them, also
		 * with nothing when the server stopped sending them. */
		if (!r->not_modified || r->etag != NULL)
			set_str(&sf->etag, r->etag);
		if (!r->not_modified || r->last_modified != NULL)
			set_str(&sf->last_modified, r->last_modified);
		sf->last_success = now;
		sf->consecutive_failures = 0;
		set_str(&sf->last_error, NULL);
		set_str(&sf->error_class, NULL);
		out->not_modified = r->not_modified;
		if (r->not_modified)
			snprintf(out->msg, sizeof(out->msg), "not modified");
		else
			snprintf(out->msg, sizeof(out->msg), "%ld new, %ld "
			    "updated", out->added, out->updated);
		return;
	}
	sf->consecutive_failures++;
	sf->total_failures++;
	if (eclass == NULL)
		eclass = fetch_error_name(r->error);
	set_str(&sf->error_class, eclass);
	set_str(&sf->last_error, ibuf[0] ? ibuf : r->errmsg);
	out->failed = 1;
	out->eclass = eclass;
	snprintf(out->msg, sizeof(out->msg), "%s: %s", eclass, sf->last_error);
	if (r->status == 410) {
		sf->retired = 1;
		out->retired = 1;
		log_warnx("%s: 410 Gone: feed retired, it will not be checked "
		    "again (remove it from the feed list, or run `tidings run "
		    "--feed` to try it)", label(fc, sf));
	}
}

/* Counts permanent redirects to one URL: a feed moves only when every
 * redirect was permanent, several times in a row, so that one
 * misconfigured answer does not lose it. */
static void
note_redirects(struct store_feed *sf, const struct fetch_result *r, int ok)
{
	const char *moved = ok ? fetch_result_moved_to(r) : NULL;

	if (moved != NULL && strcmp(moved, sf->url) != 0) {
		if (sf->moved_to != NULL && strcmp(sf->moved_to, moved) == 0)
			sf->moved_count++;
		else {
			set_str(&sf->moved_to, moved);
			sf->moved_count = 1;
		}
	} else if (ok) {
		set_str(&sf->moved_to, NULL);
		sf->moved_count = 0;
	}
}

/* The next check, from the scheduler.  A learned interval is the feed's
 * own, below the document's and the server's hints as any interval. */
static void
schedule(struct store *st, struct store_feed *sf, const struct conf *c,
    const struct feedlist_feed *fc, int64_t id,
    const struct fetch_result *r, time_t now)
{
	struct sched_limits lim;
	struct sched_hints h;
	struct sched_learned le;
	char ebuf[256];

	cycle_limits(c, fc, &lim);
	memset(&h, 0, sizeof(h));
	h.interval = fc->interval > 0 ? fc->interval : 0;
	if (cycle_interval_auto(c, fc)) {
		if (cycle_learn(st, c, fc, id, now, &le, ebuf,
		    sizeof(ebuf)) != ERR_OK)
			log_warnx("%s: learning its interval: %s",
			    label(fc, sf), ebuf);
		h.interval = le.interval;
	}
	h.failures = sf->consecutive_failures;
	h.ttl_minutes = sf->ttl_minutes;
	h.update_period_minutes = sf->update_period_minutes;
	h.skip_hours = sf->skip_hours;
	h.skip_days = sf->skip_days;
	if (r->max_age >= 0)
		h.fresh_until = now + r->max_age;
	else if (r->expires > now)
		h.fresh_until = r->expires;
	h.retry_after = r->retry_after;
	sf->next_check = sched_next(&lim, sf->url, &h, now);
}

/* Writes the state, and moves the feed once the same permanent redirect
 * was seen permanent_redirects times in a row. */
static int
store_state(struct store *st, const struct conf *c,
    const struct feedlist_feed *fc, int64_t id, struct store_feed *sf,
    struct cycle_outcome *out, char *ebuf, size_t n)
{
	int64_t other;
	int rc;

	rc = store_feed_put_state(st, sf, ebuf, n);
	if (rc != ERR_OK || sf->moved_to == NULL ||
	    sf->moved_count < c->permanent_redirects)
		return rc;
	if (store_feed_find(st, sf->moved_to, &other, NULL, 0) == ERR_OK &&
	    other != id) {
		/* The new URL is another feed of the list: two feeds cannot
		 * have one URL, and merging them would mix two histories the
		 * operator kept apart.  The feed keeps its old URL (its
		 * fetches follow the redirect) and moved_to says where it
		 * went; the warning comes when the count first gets here,
		 * the count going on past it silences later runs. */
		if (sf->moved_count == c->permanent_redirects)
			log_warnx("%s: moved permanently to %s, which is already "
			    "in the feed list; keeping the old URL (remove one "
			    "of the two from the list)", label(fc, sf),
			    sf->moved_to);
		return rc;
	}
	rc = store_feed_set_url(st, id, sf->moved_to, ebuf, n);
	if (rc == ERR_OK) {
		log_notice("%s: moved permanently from %s to %s (the feed list "
		    "still names the old URL)", label(fc, sf), sf->url,
		    sf->moved_to);
		out->moved = 1;
		set_str(&sf->url, sf->moved_to);
		set_str(&sf->moved_to, NULL);
		sf->moved_count = 0;
		rc = store_feed_put_state(st, sf, ebuf, n);
	}
	return rc;
}

int
cycle_apply(struct store *st, const struct conf *c,
    const struct feedlist_feed *fc, int64_t id, const struct fetch_result *r,
    time_t now, struct store_feed *state, struct cycle_outcome *out,
    char *ebuf, size_t n)
{
	struct store_feed sf;
	const char *eclass = NULL;
	char ibuf[256];
	int rc, ok = r->error == FETCH_OK;

	memset(out, 0, sizeof(*out));
	ibuf[0] = '\0';
	if (ok && !r->not_modified && ingest_body(st, c, fc, id, r, now, out,
	    &eclass, ibuf, sizeof(ibuf)) != 0)
		ok = 0;

	/* Read the state after ingest: it may have stored new hints. */
	memset(&sf, 0, sizeof(sf));
	if ((rc = store_feed_get(st, id, &sf, ebuf, n)) != ERR_OK) {
		out->failed = 1;
		out->eclass = "store";
		snprintf(out->msg, sizeof(out->msg), "%s", ebuf);
		return rc;
	}
	note_answer(&sf, fc, r, ok, eclass, ibuf, now, out);
	note_redirects(&sf, r, ok);
	schedule(st, &sf, c, fc, id, r, now);
	out->failures = sf.consecutive_failures;
	out->next_check = (time_t)sf.next_check;
	rc = store_state(st, c, fc, id, &sf, out, ebuf, n);
	if (state != NULL) {
		store_feed_clear(state);
		*state = sf;
	} else
		store_feed_clear(&sf);
	if (rc != ERR_OK && !out->failed) {
		out->failed = 1;
		out->eclass = "store";
		snprintf(out->msg, sizeof(out->msg), "store: %s", ebuf);
	}
	return rc;
}

int
cycle_allow_private(const struct conf *c, const struct feedlist_feed *fc)
{
	return fc != NULL && fc->allow_private >= 0 ? fc->allow_private :
	    c->allow_private;
}
