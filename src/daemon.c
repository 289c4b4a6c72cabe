#include "config.h"

#include "daemon.h"
#include "daemon_int.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "cycle.h"
#include "err.h"
#include "feedlist.h"
#include "fetch.h"
#include "backlog.h"
#include "log.h"
#include "metrics.h"
#include "mono.h"
#include "outbox.h"
#include "parse_pool.h"
#include "pages.h"
#include "scheduler.h"
#include "store.h"
#include "tally.h"
#include "xmalloc.h"

#define GRACE_MS_DEFAULT	5000
/* The longest the loop sleeps without a reason: keeps STATUS= fresh and
 * bounds the damage of a clock jump. */
#define MAX_SLEEP_MS		60000
/* The longest one turn of the loop spends exporting before it looks at
 * the transfers again: exporting never holds up polling for long. */
#define EXPORT_SLICE_MS		200
/* How often running export commands are looked at. */
#define EXEC_POLL_MS		20
/* The parse pool's bounds (parse_pool.h): documents fetched and not yet
 * stored, per worker and in bytes of their bodies. */
#define POOL_JOBS_PER_THREAD	4
#define POOL_BYTES		(32u * 1024 * 1024)

static volatile sig_atomic_t got_hup, got_term;
static struct fetch *volatile wake_fetch;

static int notify_fd = -1;
static struct sockaddr_un notify_sa;
static socklen_t notify_len;

static void
notify_init(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	size_t len;

	if (p == NULL || (p[0] != '/' && p[0] != '@'))
		return;
	len = strlen(p);
	if (len >= sizeof(notify_sa.sun_path))
		return;
	memset(&notify_sa, 0, sizeof(notify_sa));
	notify_sa.sun_family = AF_UNIX;
	memcpy(notify_sa.sun_path, p, len);
	if (p[0] == '@')
		notify_sa.sun_path[0] = '\0';	/* abstract namespace */
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

static void
notify(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int len;

	if (notify_fd == -1)
		return;
	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(msg))
		len = sizeof(msg) - 1;
	/* Never block on a listener that stopped reading: a full socket
	 * costs a lost status line, not a stuck daemon. */
	(void)sendto(notify_fd, msg, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&notify_sa, notify_len);
}

/* Half the watchdog interval, in milliseconds; 0 when there is none. */
static long
watchdog_ms(void)
{
	const char *u = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	long long usec;

	if (u == NULL || notify_fd == -1)
		return 0;
	if (pid != NULL && atol(pid) != (long)getpid())
		return 0;
	usec = atoll(u);
	return usec > 0 ? (long)(usec / 2000) : 0;
}

static void
on_signal(int sig)
{
	struct fetch *f = wake_fetch;
	int saved = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	if (f != NULL)
		fetch_wakeup(f);
	errno = saved;
}

/* A feed's name in messages: its name, else its URL, the stored one in
 * the daemon's log, the configured one in `run`'s output. */
const char *
daemon_fname(const struct dstate *s, const struct dfeed *d)
{
	if (d->fc->name != NULL)
		return d->fc->name;
	return s->once || d->sf.url == NULL ? d->fc->url : d->sf.url;
}

/* A message `run` prints as it is and the daemon logs. */
static void
say(const struct dstate *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(const struct dstate *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->once)
		fprintf(stderr, "tidings: %s\n", msg);
	else
		log_warnx("%s", msg);
}

static struct dlist *
dlist_new(void)
{
	struct dlist *l = xcalloc(1, sizeof(*l));

	l->refs = 1;
	return l;
}

static struct dlist *
dlist_hold(struct dlist *l)
{
	l->refs++;
	return l;
}

static void
dlist_release(struct dlist *l)
{
	if (l == NULL || --l->refs > 0)
		return;
	feedlist_free(&l->fl);
	free(l);
}

/* Keeps of a feed's state what the next request needs (its URL and
 * validators) and whether it ever stored a document (the parse pool
 * computes a first document's keys whole): a feed table of many feeds
 * holds no titles or errors. */
static void
keep_request(struct store_feed *sf)
{
	struct store_feed k;

	memset(&k, 0, sizeof(k));
	k.url = sf->url;
	k.etag = sf->etag;
	k.last_modified = sf->last_modified;
	k.last_success = sf->last_success;
	sf->url = sf->etag = sf->last_modified = NULL;
	store_feed_clear(sf);
	*sf = k;
}

static void
dfeed_clear(struct dfeed *d)
{
	store_feed_clear(&d->sf);
	free(d->auth);
	d->auth = NULL;
	dlist_release(d->list);
	d->list = NULL;
	d->fc = NULL;
}

static void
load_auth(const struct dstate *s, struct dfeed *d)
{
	char ebuf[256];

	free(d->auth);
	d->auth = NULL;
	if ((d->auth = cycle_auth(d->fc, ebuf, sizeof(ebuf))) == NULL &&
	    ebuf[0] != '\0')
		log_warnx("%s: %s", daemon_fname(s, d), ebuf);
	/* The same rules for cookies; refused, the feed goes without. */
	d->no_cookies = d->fc->cookie_file != NULL &&
	    cycle_check_cookies(d->fc->cookie_file, ebuf, sizeof(ebuf)) != 0;
	if (d->no_cookies)
		log_warnx("%s: %s", daemon_fname(s, d), ebuf);
}

/* Loads configuration and feed lists; every problem is one line, logged
 * by the daemon and printed as it is by `run`. */
static int
load(const struct dstate *s, struct conf *c, struct feedlist *fl)
{
	struct conf_diag d = { 0 };
	size_t i;
	int rc;

	rc = conf_load(c, s->opts->conf_path, &d);
	if (rc == ERR_OK || rc == ERR_INVALID)
		if (feedlist_load(fl, c, s->opts->feeds, &d) != ERR_OK &&
		    rc == ERR_OK)
			rc = ERR_INVALID;
	for (i = 0; i < d.n; i++) {
		if (s->once)
			fprintf(stderr, "%s\n", d.msgs[i]);
		else
			log_warnx("%s", d.msgs[i]);
	}
	conf_diag_free(&d);
	return rc;
}

/* Whether `run` checks feed fc (stored as sf) in its one turn: the ones
 * --feed names, due or not; with --all every enabled feed not retired;
 * else the due ones. */
static int
once_wants(const struct dstate *s, const struct feedlist_feed *fc,
    const struct store_feed *sf, time_t now)
{
	if (s->opts->nonly > 0)
		return 1;
	if (s->opts->all)
		return fc->enabled && !sf->retired;
	return cycle_is_due(sf, fc, now);
}

/* Whether the loop takes feed fc at all: `run --feed` leaves the others
 * out (they are not even added to the database). */
static int
selected(const struct dstate *s, const struct feedlist *fl,
    const struct feedlist_feed *fc)
{
	size_t j;

	if (!s->once || s->opts->nonly == 0)
		return 1;
	for (j = 0; j < s->opts->nonly; j++)
		if (feedlist_find(fl, s->opts->only[j]) == fc)
			return 1;
	return 0;
}

/* Schedules feed d (already holding fc, id) from its stored state. */
int
daemon_dfeed_init(struct dstate *s, struct dfeed *d, time_t now)
{
	struct sched_limits lim;
	char ebuf[512];

	store_feed_clear(&d->sf);
	if (store_feed_get(s->st, d->id, &d->sf, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		say(s, "%s", ebuf);
		return -1;
	}
	d->failures = d->sf.consecutive_failures;
	d->known_check = d->sf.last_check;
	if (d->sf.last_success > s->total.last_success)
		s->total.last_success = d->sf.last_success;
	if (s->once)
		d->next = once_wants(s, d->fc, &d->sf, now) ? now : -1;
	else if (!d->fc->enabled || d->sf.retired)
		d->next = -1;
	else {
		cycle_limits(&s->conf, d->fc, &lim);
		/* A learned interval may be up to max_interval: a next
		 * check that far ahead is kept. */
		d->next = sched_initial(&lim, d->sf.url,
		    cycle_interval_auto(&s->conf, d->fc) ? lim.max_interval :
		    lim.interval,
		    d->sf.last_check == 0 ? 0 : (time_t)d->sf.next_check, now);
	}
	keep_request(&d->sf);
	/* `run` reads a secret only for a feed it checks */
	if (!s->once)
		load_auth(s, d);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct dfeed *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Builds the feed table for list l, carrying over what the old table
 * knew (transfers in flight, schedule) for feeds that stay.  Each feed of
 * the new table holds l; a feed that left the list while busy keeps
 * holding its old one until its transfer lands. */
static int
build(struct dstate *s, struct dlist *l, time_t now)
{
	struct feedlist *fl = &l->fl;
	struct dfeed *nf, *old, key, *hit;
	size_t i, k, nold = s->n, nnew = 0;
	ssize_t *from;
	char ebuf[512], *taken, *moved;

	old = s->feeds;
	if (nold > 0)
		qsort(old, nold, sizeof(*old), cmp_id);
	taken = xcalloc(nold ? nold : 1, 1);
	nf = xcalloc(fl->n ? fl->n : 1, sizeof(*nf));
	from = xcalloc(fl->n ? fl->n : 1, sizeof(*from));
	moved = xcalloc(fl->n ? fl->n : 1, 1);
	/* First every id, so that a store error leaves the old table whole */
	for (k = 0; k < fl->n; k++) {
		if (!selected(s, fl, &fl->feeds[k]))
			continue;
		i = nnew++;
		nf[i].fc = &fl->feeds[k];
		nf[i].list = dlist_hold(l);
		if (cycle_feed_id(s->st, nf[i].fc, &nf[i].id, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			say(s, "%s", ebuf);
			goto fail;
		}
		key.id = nf[i].id;
		hit = nold ? bsearch(&key, old, nold, sizeof(*old), cmp_id) :
		    NULL;
		from[i] = hit != NULL ? hit - old : -1;
	}
	for (i = 0; i < nnew; i++) {
		if (from[i] < 0) {
			if (daemon_dfeed_init(s, &nf[i], now) == -1)
				goto fail;
			continue;
		}
		hit = &old[from[i]];
		taken[from[i]] = 1;
		nf[i].busy = hit->busy;
		if (hit->fc->enabled == nf[i].fc->enabled &&
		    hit->fc->interval == nf[i].fc->interval) {
			nf[i].sf = hit->sf;
			memset(&hit->sf, 0, sizeof(hit->sf));
			moved[i] = 1;
			nf[i].next = hit->next;
			nf[i].failures = hit->failures;
			nf[i].known_check = hit->known_check;
			load_auth(s, &nf[i]);
		} else if (daemon_dfeed_init(s, &nf[i], now) == -1)
			goto fail;
	}
	/* Feeds that left the list: a transfer in flight still lands. */
	for (i = 0; i < nold; i++) {
		if (!taken[i] && old[i].busy) {
			s->orphans = xreallocarray(s->orphans, s->norphans + 1,
			    sizeof(*s->orphans));
			s->orphans[s->norphans++] = old[i];
		} else
			dfeed_clear(&old[i]);
	}
	free(taken);
	free(from);
	free(moved);
	free(old);
	/* in id order: find_busy looks a finished transfer's feed up */
	qsort(nf, nnew, sizeof(*nf), cmp_id);
	s->feeds = nf;
	s->n = nnew;
	s->soonest = now;
	return 0;
fail:
	/* the old table keeps going: what was moved goes back */
	for (i = 0; i < nnew; i++) {
		if (moved[i]) {
			old[from[i]].sf = nf[i].sf;
			memset(&nf[i].sf, 0, sizeof(nf[i].sf));
		}
		dfeed_clear(&nf[i]);
	}
	free(nf);
	free(from);
	free(moved);
	free(taken);
	/* old is still in id order, as find_busy needs */
	return -1;
}

static struct dfeed *
find_busy(struct dstate *s, int64_t id, int *orphan)
{
	struct dfeed key, *d;
	size_t i;

	*orphan = 0;
	key.id = id;
	d = s->n ? bsearch(&key, s->feeds, s->n, sizeof(*d), cmp_id) : NULL;
	if (d != NULL) {	/* equal ids sit side by side */
		while (d > s->feeds && d[-1].id == id)
			d--;
		for (; d < s->feeds + s->n && d->id == id; d++)
			if (d->busy)
				return d;
	}
	for (i = 0; i < s->norphans; i++)
		if (s->orphans[i].id == id) {
			*orphan = 1;
			return &s->orphans[i];
		}
	return NULL;
}

/* `run`'s account of one check: a failure on its own line (unless
 * quiet), and on a terminal a progress line that the next one replaces. */
static void
once_report(struct dstate *s, const struct dfeed *d,
    const struct cycle_outcome *out)
{
	s->done++;
	if (out->failed) {
		s->nfailed++;
		if (s->tty)
			fputs("\r\033[K", stderr);
		if (!s->opts->quiet)
			fprintf(stderr, "tidings: %s: %s\n", daemon_fname(s, d),
			    out->msg);
	}
	if (s->tty)
		fprintf(stderr, "\r\033[K[%zu/%zu] %s: %s", s->done, s->nstarted,
		    daemon_fname(s, d), out->msg);
}

/* A step of the wall clock since the last turn moves every due time by
 * as much (scheduler.h): each feed keeps the wait it had. */
static void
follow_clock(struct dstate *s, time_t now)
{
	struct sched_clock cur = { now, mono_ms() };
	long step;
	size_t i;

	if (s->clk.mono_ms != 0 &&
	    (step = sched_clock_step(&s->clk, &cur, 2)) != 0) {
		for (i = 0; i < s->n; i++)
			s->feeds[i].next = sched_shift(s->feeds[i].next, step);
		for (i = 0; i < s->norphans; i++)
			s->orphans[i].next = sched_shift(s->orphans[i].next,
			    step);
		s->soonest = sched_shift(s->soonest, step);
		/* Articles are as old as the clock that stamped them: a
		 * step forward must not age them, so retention keeps them
		 * that much longer (a step back only keeps them longer). */
		if (step > 0) {
			s->keep_extra += (int)((step + 86399) / 86400);
			if (s->conf.keep_days > 0)
				s->conf.keep_days += (int)((step + 86399) /
				    86400);
		}
		log_notice("the wall clock stepped %s by %ld s; every feed "
		    "keeps the wait it had", step < 0 ? "back" : "forward",
		    step < 0 ? -step : step);
	}
	s->clk = cur;
}

/*
 * A store error (a full disk, a lock held past the busy timeout, an I/O
 * error) is the database's, not the feed's: it is logged once when the
 * database starts failing and once when a batch stores articles again,
 * and the feeds' own lines about it go to the debug level.  Returns 1
 * when out's line is one of those.
 */
static int
db_state(struct dstate *s, const struct cycle_outcome *out)
{
	int store_err = out->failed && out->eclass != NULL &&
	    strcmp(out->eclass, "store") == 0;

	if (store_err && !s->db_failing) {
		log_warnx("database: %s; each feed's batch rolls back whole and "
		    "the feed is tried again", out->msg);
		s->db_failing = 1;
	} else if (!out->failed && s->db_failing &&
	    out->added + out->updated + out->duplicate > 0) {
		log_notice("database: storing again");
		s->db_failing = 0;
	}
	return store_err;
}

/* The daemon's account of one check: a warning per failure, a notice
 * for a recovery; the database's own failures once (db_state). */
static void
daemon_report(struct dstate *s, const struct dfeed *d,
    const struct cycle_outcome *out)
{
	if (db_state(s, out) || (!out->failed && d->store_failed))
		log_debug("%s: %s", daemon_fname(s, d), out->msg);
	else if (out->failed && out->failures <= 1)
		log_warnx("%s: %s", daemon_fname(s, d), out->msg);
	else if (out->failed)
		log_warnx("%s: %s (%d failures in a row)", daemon_fname(s, d),
		    out->msg, out->failures);
	else if (d->failures > 0)
		log_notice("%s: recovered after %d failure(s): %s",
		    daemon_fname(s, d), d->failures, out->msg);
	else
		log_debug("%s: %s", daemon_fname(s, d), out->msg);
}

/* A fetched document on its way through the parse pool: parsed on a
 * worker, applied (stored) here in the order the documents came in. */
struct djob {
	struct parse_pool_job link;	/* first: the pool's head */
	struct fetch_result *r;		/* owned */
	struct ingest_opts io;		/* the parse options; strings in r */
	char		*charset;	/* io.charset's copy */
	int		 cold;		/* the feed never stored a document */
	struct ingest_doc doc;
};

/* On a worker: the parse step alone, pure. */
static void
pool_run(void *ctx, struct parse_pool_job *pj)
{
	struct djob *j = (struct djob *)pj;

	(void)ctx;
	cycle_parse(j->r, &j->io, j->cold, &j->doc);
}

/* On a worker, the pool's lock held: a loop waiting in fetch_poll comes
 * to take what was parsed.  s->f changes only while the pool is empty. */
static void
pool_wake(void *ctx)
{
	struct dstate *s = ctx;

	fetch_wakeup(s->f);
}

static void
djob_free(struct parse_pool_job *pj)
{
	struct djob *j = (struct djob *)pj;

	fetch_result_free(j->r);
	ingest_doc_clear(&j->doc);
	free(j->charset);
	free(j);
}

/* Applies finished transfer r of busy feed d (cycle.h), with its body
 * parsed already (doc) or not, and schedules the feed's next check; `run`
 * exports after each one.  Frees r. */
static void
apply(struct dstate *s, struct dfeed *d, int orphan, struct fetch_result *r,
    const struct ingest_doc *doc)
{
	struct cycle_outcome out;
	char ebuf[512];
	time_t now;
	size_t k;

	now = time(NULL);
	follow_clock(s, now);	/* before retention reads the clock */
	cycle_apply_parsed(s->st, &s->conf, d->fc, d->id, r, doc, now, &d->sf,
	    &out, ebuf, sizeof(ebuf));
	d->known_check = d->sf.last_check;
	keep_request(&d->sf);
	/* stored (or rolled back): another daemon may have it now */
	if (s->node_id != 0 && store_feed_release(s->st, s->node_id, d->id,
	    ebuf, sizeof(ebuf)) != ERR_OK)
		log_debug("%s: %s", daemon_fname(s, d), ebuf);
	if (out.pages > 0)
		pages_kick(s->pg);
	tally_add(&s->cyc, &out, r->body_len, now);
	if (s->once) {
		outbox_drain(s->ob, s->st, time(NULL), 0);
		once_report(s, d, &out);
	} else
		daemon_report(s, d, &out);
	if (out.failed && d->failures == 0)
		s->failing++;
	else if (!out.failed && d->failures > 0 && s->failing > 0)
		s->failing--;
	d->failures = out.failed ? out.failures : 0;
	d->store_failed = out.failed && out.eclass != NULL &&
	    strcmp(out.eclass, "store") == 0;
	d->busy = 0;
	if (out.retired || s->once)
		d->next = -1;
	else if (d->next != -1)
		d->next = out.next_check > now ? out.next_check :
		    now + s->conf.min_interval;
	if (d->next != -1 && d->next < s->soonest)
		s->soonest = d->next;
	fetch_result_free(r);
	if (orphan) {
		k = (size_t)(d - s->orphans);
		dfeed_clear(d);
		s->orphans[k] = s->orphans[--s->norphans];
	}
}

/* Applies a parsed document the pool handed back, and frees it. */
static void
apply_job(struct dstate *s, struct parse_pool_job *pj)
{
	struct djob *j = (struct djob *)pj;
	struct dfeed *d;
	int orphan;

	/* still busy: a feed's next transfer starts after this */
	d = find_busy(s, (int64_t)(intptr_t)j->r->ctx, &orphan);
	if (d != NULL) {
		apply(s, d, orphan, j->r, &j->doc);
		j->r = NULL;
	}
	djob_free(pj);
}

/* Applies the parsed documents the pool hands back, in the order they
 * came in; wait: every one, waiting for the parse of each. */
static void
take_parsed(struct dstate *s, int wait)
{
	struct parse_pool_job *pj;

	if (s->pool == NULL)
		return;
	while ((pj = parse_pool_take(s->pool, wait)) != NULL)
		apply_job(s, pj);
}

/* Hands r's body (of feed d) to the pool, once there is room: while it
 * is full, the oldest document is waited for and applied. */
static void
parse_later(struct dstate *s, const struct dfeed *d, struct fetch_result *r)
{
	struct djob *j = xcalloc(1, sizeof(*j));
	struct parse_pool_job *pj;

	j->r = r;
	j->link.cost = r->body_len;
	/* what the parse reads, copied now: a reload may free d's
	 * configuration before the worker is done */
	cycle_parse_opts(&s->conf, d->fc, r, &j->io);
	if (j->io.charset != NULL)
		j->io.charset = j->charset = xstrdup(j->io.charset);
	j->cold = d->sf.last_success == 0;
	/* d is not used past here: applying may move the orphans */
	while (parse_pool_full(s->pool, j->link.cost) &&
	    (pj = parse_pool_take(s->pool, 1)) != NULL)
		apply_job(s, pj);
	parse_pool_put(s->pool, &j->link);
}

/* The configured feed of stored feed id, for pages.c: a feed of the
 * table (not one a reload removed), with its credentials. */
static const struct feedlist_feed *
page_feed(void *ctx, int64_t id, const char **userpwd)
{
	struct dstate *s = ctx;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->feeds[i].id == id) {
			if (s->once && s->feeds[i].auth == NULL)
				load_auth(s, &s->feeds[i]);
			*userpwd = s->feeds[i].auth;
			return s->feeds[i].fc;
		}
	return NULL;
}

/* Starts the articles' pages that are due; `run` exports what settled. */
static void
pages_turn(struct dstate *s, time_t now)
{
	long settled = 0;

	s->pages_waiting = pages_start(s->pg, s->st, s->f, &s->conf, now,
	    &s->pages_next, &settled);
	if (settled > 0 && s->once)
		outbox_drain(s->ob, s->st, time(NULL), 0);
}

/* Applies every finished transfer: a page's result goes to pages.c, a
 * 200's body through the parse pool when there is one, everything else
 * (304s, errors) at once; then what the pool has parsed. */
static void
collect(struct dstate *s)
{
	struct fetch_result *r;
	struct dfeed *d;
	int orphan;

	while ((r = fetch_next(s->f)) != NULL) {
		if (pages_owns(s->pg, r)) {
			if (pages_apply(s->pg, s->st, &s->conf, r,
			    time(NULL)) == 1 && s->once)
				outbox_drain(s->ob, s->st, time(NULL), 0);
			fetch_result_free(r);
			continue;
		}
		d = find_busy(s, (int64_t)(intptr_t)r->ctx, &orphan);
		if (d == NULL) {
			fetch_result_free(r);
			continue;
		}
		if (s->pool != NULL && cycle_wants_body(r))
			parse_later(s, d, r);
		else
			apply(s, d, orphan, r, NULL);
	}
	take_parsed(s, 0);
}

/* Starts the transfer of feed d; 1 when it was started. */
int
daemon_start_one(struct dstate *s, struct dfeed *d, time_t now)
{
	struct fetch_request req;
	char ebuf[512];

	if (s->once)
		load_auth(s, d);
	cycle_request(&d->sf, d->fc, d->auth, (void *)(intptr_t)d->id, &req);
	req.allow_private = cycle_allow_private(&s->conf, d->fc);
	if (d->no_cookies)
		req.cookie_file = NULL;
	if (fetch_add(s->f, &req, ebuf, sizeof(ebuf)) != ERR_OK) {
		log_warnx("%s: %s", daemon_fname(s, d), ebuf);
		d->next = s->once ? -1 : now + s->conf.max_interval;
		if (s->node_id != 0)
			(void)store_feed_release(s->st, s->node_id, d->id,
			    ebuf, sizeof(ebuf));
		return 0;
	}
	d->busy = 1;
	s->nstarted++;
	return 1;
}

/* Starts every due feed (the daemon: those it claims); returns how many
 * are due (started or not). */
static size_t
start_due(struct dstate *s, time_t now)
{
	struct dfeed *d, **due;
	size_t i, ndue = 0;
	time_t soonest = 0;

	if (now < s->soonest)
		return 0;
	due = xcalloc(s->n ? s->n : 1, sizeof(*due));
	for (i = 0; i < s->n; i++) {
		d = &s->feeds[i];
		if (d->busy || d->next == -1)
			continue;
		if (d->next > now) {
			if (soonest == 0 || d->next < soonest)
				soonest = d->next;
			continue;
		}
		due[ndue++] = d;
	}
	/* Busy feeds lower `soonest` again when their results come in. */
	s->soonest = soonest ? soonest : now + MAX_SLEEP_MS / 1000;
	if (s->node_id == 0) {
		for (i = 0; i < ndue; i++)
			daemon_start_one(s, due[i], now);
	} else if (now < s->db_retry_at) {
		if (ndue > 0 && s->soonest > s->db_retry_at)
			s->soonest = s->db_retry_at;
	} else
		daemon_claim_and_start(s, due, ndue, now);
	free(due);
	return ndue;
}

static struct fetch *
new_fetch(const struct conf *c)
{
	char ebuf[256];
	struct fetch *f;

	if ((f = fetch_new(&c->fetch, ebuf, sizeof(ebuf))) == NULL)
		log_warnx("%s", ebuf);
	return f;
}

/* Reads the webhook targets' secrets now, at start and on a reload, so
 * that a bad secret_file is logged then; a target that cannot read its
 * secret tries again when it delivers. */
static void
open_hooks(struct outbox *ob)
{
	struct export_target *t;
	enum export_status st;
	char ebuf[512];
	size_t i;

	for (i = 0; i < outbox_count(ob); i++) {
		t = outbox_target(ob, i);
		if (t->s.format != EXPORT_FMT_WEBHOOK)
			continue;
		if ((st = export_target_open(t, ebuf, sizeof(ebuf))) !=
		    EXPORT_OK)
			export_note_state(t, st, ebuf);
	}
}

/* An empty feed list (or one whose feeds are all disabled) is no error,
 * but a fresh installation says where its feeds go. */
static void
say_if_idle(const struct dstate *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->feeds[i].fc->enabled)
			return;
	log_notice("nothing to poll, add feeds in %s (see tidings.conf(5)) "
	    "and reload", s->opts->feeds != NULL ? s->opts->feeds :
	    s->conf.feeds_glob);
}

/* The configured targets this daemon drains: those pinned to another
 * node ([export NAME] node) are left to that node's daemon. */
static void
add_targets(struct dstate *s, struct outbox *ob)
{
	const struct export_settings *e;
	size_t i;

	for (i = 0; i < s->conf.nexports; i++) {
		e = &s->conf.exports[i];
		if (e->node != NULL && strcmp(e->node, s->node) != 0)
			continue;
		outbox_add_targets(ob, e, 1);
	}
}

static void
reload(struct dstate *s)
{
	struct conf nc;
	struct dlist *nfl, *old;
	struct outbox *nob;
	time_t now = time(NULL);

	notify("RELOADING=1");
	log_notice("reloading the configuration");
	nfl = dlist_new();
	if (load(s, &nc, &nfl->fl) != ERR_OK) {
		log_warnx("the new configuration is invalid; keeping the "
		    "old one");
		dlist_release(nfl);
		conf_free(&nc);
		notify("READY=1\nSTATUS=reload failed: invalid configuration, "
		    "old one kept");
		return;
	}
	if (s->opts->db == NULL && strcmp(nc.db_path, s->conf.db_path) != 0)
		log_warnx("db: a new database path takes a restart; still "
		    "using %s", s->conf.db_path);
	if (nc.parse_threads != s->conf.parse_threads)
		log_warnx("parse_threads: a new number of threads takes a "
		    "restart");
	if (!fetch_opts_equal(&nc.fetch, &s->conf.fetch))
		s->fetch_stale = 1;
	/* build() reads limits from s->conf: switch first, keep the old
	 * one's strings alive only as long as build needs the old list. */
	conf_free(&s->conf);
	s->conf = nc;
	if (s->conf.keep_days > 0)
		s->conf.keep_days += s->keep_extra;	/* follow_clock */
	log_init(s->conf.log_level, -1);
	if (build(s, nfl, now) == -1) {
		log_warnx("reload: the feed table could not be rebuilt; "
		    "keeping the old feed list");
		dlist_release(nfl);
		notify("READY=1");
		return;
	}
	old = s->cur;
	s->cur = nfl;
	/* targets may have come or gone; a failing one is simply tried
	 * again now */
	nob = outbox_new();
	outbox_set_async(nob, 1);
	outbox_set_db_errors(nob, daemon_db_export_failed, s);
	add_targets(s, nob);
	outbox_carry(nob, s->ob);
	open_hooks(nob);
	outbox_free(s->ob);
	s->ob = nob;
	outbox_set_tags(s->ob, feedlist_tags, &s->cur->fl);
	/* The old outbox read the old list; now only orphans may. */
	dlist_release(old);
	log_notice("reloaded: %zu feed(s)", s->n);
	say_if_idle(s);
	notify("READY=1");
}

static void
cycle_open(struct dstate *s)
{
	memset(&s->cyc, 0, sizeof(s->cyc));
	s->cyc_open = 1;
	s->cyc_start_ms = mono_ms();
	s->cyc_started = time(NULL);
	s->cyc_exported = outbox_exported(s->ob);
}

/* Writes [daemon] metrics_file, when there is one; a failure is logged
 * once, and the recovery. */
static void
write_metrics(struct dstate *s)
{
	struct metrics m;
	struct metrics_target *tg;
	struct export_target *t;
	struct buf b = { 0 };
	const struct dfeed *d;
	char ebuf[512];
	size_t i;
	int rc = ERR_OK;

	if (s->conf.metrics_file == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.total = &s->total;
	m.cycles = s->ncycles;
	for (i = 0; i < s->n; i++) {
		d = &s->feeds[i];
		if (!d->fc->enabled)
			m.feeds[METRICS_FEED_DISABLED]++;
		else if (d->next == -1)
			m.feeds[METRICS_FEED_RETIRED]++;
		else if (d->failures > 0)
			m.feeds[METRICS_FEED_FAILING]++;
		else
			m.feeds[METRICS_FEED_OK]++;
	}
	m.ntargets = outbox_count(s->ob);
	tg = xcalloc(m.ntargets ? m.ntargets : 1, sizeof(*tg));
	for (i = 0; i < m.ntargets && rc == ERR_OK; i++) {
		t = outbox_target(s->ob, i);
		tg[i].name = t->s.name;
		rc = backlog_get(s->st, t->s.name, &tg[i].pending,
		    &tg[i].oldest, ebuf, sizeof(ebuf));
	}
	if (rc != ERR_OK) {
		/* the database's failure (db_down says it once): the file
		 * goes on without the backlog until it answers again */
		daemon_db_note(s, ebuf);
		m.ntargets = 0;
		rc = ERR_OK;
	}
	m.targets = tg;
	m.cycle_ms = s->last_cycle_ms;
	m.cycle_end = s->last_cycle_end;
	m.started = s->started;
	m.now = time(NULL);
	m.node = s->node_id != 0 ? s->node : NULL;
	m.claims = s->nclaims;
	m.heartbeat = s->last_beat;
	if (rc == ERR_OK) {
		metrics_format(&m, &b);
		rc = metrics_write(s->conf.metrics_file, buf_str(&b), b.len,
		    ebuf, sizeof(ebuf));
	}
	if (rc != ERR_OK && !s->metrics_failing)
		log_warnx("%s", ebuf);
	else if (rc == ERR_OK && s->metrics_failing)
		log_notice("metrics_file %s: written again",
		    s->conf.metrics_file);
	s->metrics_failing = rc != ERR_OK;
	buf_free(&b);
	free(tg);
}

/* Ends the open cycle with its record in the database (for `tidings
 * status`); the daemon also logs its summary line and writes the metrics
 * file. */
static void
cycle_close(struct dstate *s)
{
	struct store_cycle sc;
	char line[256], ebuf[512];
	long ms = (long)(mono_ms() - s->cyc_start_ms);

	s->cyc_open = 0;
	s->cyc.exported = outbox_exported(s->ob) - s->cyc_exported;
	if (!s->once) {
		tally_summary(&s->cyc, ms, line, sizeof(line));
		log_notice("%s", line);
	}
	memset(&sc, 0, sizeof(sc));
	tally_to_cycle(&s->cyc, &sc);
	sc.source = s->once ? "run" : "daemon";
	sc.started = s->cyc_started;
	sc.finished = time(NULL);
	sc.duration_ms = ms;
	if (store_cycle_put(s->st, &sc, ebuf, sizeof(ebuf)) != ERR_OK) {
		if (!s->once)
			daemon_db_note(s, ebuf);
		else if (!s->db_failing)
			say(s, "%s", ebuf);
	}
	if (s->once)
		return;
	tally_merge(&s->total, &s->cyc);
	s->ncycles++;
	s->last_cycle_ms = ms;
	s->last_cycle_end = time(NULL);
	write_metrics(s);
}

/* Milliseconds until the open cycle may end; -1 when none is open. */
static long
cycle_left_ms(const struct dstate *s)
{
	long long left;

	if (!s->cyc_open)
		return -1;
	left = s->cyc_start_ms + (long long)s->conf.min_interval * 1000 -
	    mono_ms();
	return left > 0 ? (long)left : 0;
}

/* Ends the cycle once it is old enough and what it started is done. */
static void
cycle_check(struct dstate *s, int export_more)
{
	long long age;

	if (!s->cyc_open || cycle_left_ms(s) > 0)
		return;
	age = mono_ms() - s->cyc_start_ms;
	if (age < 2000LL * s->conf.min_interval && (fetch_pending(s->f) > 0 ||
	    parse_pool_pending(s->pool) > 0 ||
	    export_more || outbox_busy(s->ob)))
		return;
	cycle_close(s);
}

static void
status(struct dstate *s, size_t due)
{
	notify("STATUS=%zu feeds, %zu due, %zu running, %zu failing",
	    s->n, due, fetch_running(s->f), s->failing);
}

/* How long the daemon may wait in fetch_poll: until the open cycle may
 * end, a feed comes due or a failing target is retried; not at all while
 * exports could go on, briefly while commands run. */
static long
next_wait(struct dstate *s, int export_more, time_t now)
{
	long wait = MAX_SLEEP_MS;
	time_t retry;

	if (cycle_left_ms(s) > 0 && cycle_left_ms(s) < wait)
		wait = cycle_left_ms(s);
	if (s->soonest > now && (s->soonest - now) * 1000 < wait)
		wait = (long)(s->soonest - now) * 1000;
	if (s->pages_next != 0) {
		if (s->pages_next <= now)
			wait = 0;
		else if ((s->pages_next - now) * 1000 < wait)
			wait = (long)(s->pages_next - now) * 1000;
	}
	/* due feeds left unclaimed for want of room, and no transfer
	 * whose end would wake the loop: claim the next ones now */
	if (s->soonest <= now && fetch_pending(s->f) == 0)
		wait = 0;
	if ((retry = outbox_next_retry(s->ob)) != 0) {
		if (retry <= now)
			wait = 0;
		else if ((retry - now) * 1000 < wait)
			wait = (long)(retry - now) * 1000;
	}
	if (s->node_id != 0 && s->next_beat_ms - mono_ms() < wait)
		wait = s->next_beat_ms > mono_ms() ?
		    (long)(s->next_beat_ms - mono_ms()) : 0;
	if (export_more)
		wait = 0;
	else if (outbox_busy(s->ob) && wait > EXEC_POLL_MS)
		wait = EXEC_POLL_MS;
	return wait;
}

/*
 * The loop, for the daemon and for `tidings run`.  Each turn starts the
 * due feeds, exports, waits in fetch_poll and applies what came in.  The
 * daemon turns until stopped, reloading on SIGHUP; `run` (once) starts
 * its feeds and exports in the first turn only, then turns until every
 * transfer has landed, exporting after each one.
 */
static void
loop(struct dstate *s)
{
	struct fetch *nf;
	long wd, wait;
	long long last_ping = 0, last_status = 0;
	size_t due = 0;
	time_t now;
	int export_more = 0, first = 1, turned = 0;

	wd = s->once ? 0 : watchdog_ms();
	while (!got_term) {
		if (got_hup && !s->once) {
			got_hup = 0;
			reload(s);
		}
		/* the pool's workers wake s->f: swapped only while empty */
		if (s->fetch_stale && fetch_pending(s->f) == 0 &&
		    parse_pool_pending(s->pool) == 0 &&
		    (nf = new_fetch(&s->conf)) != NULL) {
			wake_fetch = nf;
			fetch_free(s->f);
			s->f = nf;
			s->fetch_stale = 0;
		}
		now = time(NULL);
		follow_clock(s, now);
		daemon_heartbeat(s, now);
		if (first || !s->once) {
			due = start_due(s, now);
			pages_turn(s, now);
			if (!s->cyc_open && fetch_pending(s->f) > 0)
				cycle_open(s);
			/* after start_due: transfers run while we export */
			export_more = outbox_drain(s->ob, s->st, now,
			    s->once ? 0 : EXPORT_SLICE_MS);
			first = 0;
			turned = 1;
		}
		if (s->once) {
			/* `run` waits for what it fetched to be parsed and
			 * for the pages of what it found, up to fulltext_wait */
			if (!turned)
				pages_turn(s, now);
			turned = 0;
			if (fetch_pending(s->f) == 0) {
				if (parse_pool_pending(s->pool) > 0) {
					take_parsed(s, 1);
					continue;
				}
				if (s->pages_waiting == 0)
					break;
			}
			fetch_poll(s->f, 1000);
			collect(s);
			continue;
		}
		cycle_check(s, export_more);
		wait = next_wait(s, export_more, time(NULL));
		if (wd > 0) {
			long left = (long)(last_ping + wd - mono_ms());

			if (left <= 0) {
				notify("WATCHDOG=1");
				last_ping = mono_ms();
				left = wd;
			}
			if (left < wait)
				wait = left;
		}
		if (mono_ms() - last_status >= 1000) {
			status(s, due);
			last_status = mono_ms();
		}
		if (got_term || got_hup)
			continue;
		fetch_poll(s->f, (int)wait);
		collect(s);
	}
}

/* The outbox of the configured targets (and, for `run`, the ones given
 * with --export); 0, or the exit status. */
static int
open_outbox(struct dstate *s)
{
	const struct daemon_opts *o = s->opts;
	struct export_target *t;
	char ebuf[512];
	size_t i;

	s->ob = outbox_new();
	outbox_set_async(s->ob, !s->once);
	if (!s->once)
		outbox_set_db_errors(s->ob, daemon_db_export_failed, s);
	add_targets(s, s->ob);
	open_hooks(s->ob);
	for (i = 0; i < o->nexports; i++)
		if (outbox_add_spec(s->ob, o->exports[i], ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: run: %s\n", ebuf);
			return 2;
		}
	/* A directory named on the command line is made (not its parents:
	 * a typo in them should not grow a tree); a configured one must
	 * exist. */
	for (i = s->conf.nexports; i < outbox_count(s->ob); i++) {
		t = outbox_target(s->ob, i);
		if (t->s.dir != NULL && t->s.format != EXPORT_FMT_EXEC &&
		    mkdir(t->s.dir, 0755) == -1 && errno != EEXIST)
			fprintf(stderr, "tidings: run: %s: %s\n", t->s.dir,
			    strerror(errno));
	}
	outbox_set_tags(s->ob, feedlist_tags, &s->cur->fl);
	return 0;
}

/* The parse pool of [daemon] parse_threads workers (auto: one per
 * processor but this one); NULL for 0, or when no thread can be had, and
 * documents are then parsed on this thread. */
static struct parse_pool *
new_pool(struct dstate *s)
{
	int n = s->conf.parse_threads < 0 ? parse_pool_auto() :
	    s->conf.parse_threads;

	if (n == 0)
		return NULL;
	return parse_pool_new(n, (size_t)n * POOL_JOBS_PER_THREAD, POOL_BYTES,
	    pool_run, pool_wake, s);
}

/* Configuration, outbox, database, fetcher and feed table, in the order
 * each one's errors are reported; 0, or the exit status. */
static int
start(struct dstate *s)
{
	const struct daemon_opts *o = s->opts;
	char ebuf[512];
	size_t i;
	int rv;

	if (!s->once) {
		log_init(LOG_LVL_NOTICE, -1);
		notify_init();
	}
	s->cur = dlist_new();
	if (load(s, &s->conf, &s->cur->fl) != ERR_OK) {
		if (!s->once)
			log_warnx("refusing to start with an invalid "
			    "configuration");
		return 1;
	}
	s->node = daemon_node_name(&s->conf);
	for (i = 0; i < o->nonly; i++)
		if (feedlist_find(&s->cur->fl, o->only[i]) == NULL) {
			fprintf(stderr, "tidings: run: no feed named \"%s\" in "
			    "the feed list\n", o->only[i]);
			return 1;
		}
	if (s->once && (rv = open_outbox(s)) != 0)
		return rv;
	if (!s->once)
		log_init(s->conf.log_level, -1);
	if (store_open(o->db != NULL ? o->db : s->conf.db_path, 0, &s->st,
	    ebuf, sizeof(ebuf)) != ERR_OK) {
		say(s, "%s", ebuf);
		return 1;
	}
	if ((s->f = new_fetch(&s->conf)) == NULL)
		return 1;
	s->pool = new_pool(s);
	if (s->once)
		log_init(s->conf.log_level, -1);
	if (!s->once && daemon_node_register(s) == -1)
		return 1;
	if (build(s, s->cur, time(NULL)) == -1)
		return 1;
	s->pg = pages_new(page_feed, s);
	if (!s->once && (rv = open_outbox(s)) != 0)
		return rv;
	return 0;
}

/* What `run` says at the end: how many feeds failed, and what is left
 * in the outbox of a failing target; its exit status. */
static int
once_finish(struct dstate *s)
{
	struct export_target *t;
	char ebuf[512];
	long left;
	size_t i;
	int rv;

	if (s->tty && s->nstarted > 0)
		fputs("\r\033[K", stderr);
	if (!s->opts->quiet && s->nstarted > 0)
		fprintf(stderr, "tidings: %zu feed(s) checked, %zu failed\n",
		    s->nstarted, s->nfailed);
	rv = s->nfailed > 0;
	cycle_close(s);
	/* a failing target, or articles set aside */
	if (outbox_failing(s->ob) == 0 && outbox_next_retry(s->ob) == 0)
		return rv;
	for (i = 0; i < outbox_count(s->ob); i++) {
		t = outbox_target(s->ob, i);
		if (outbox_pending(s->st, t->s.name, &left, ebuf, sizeof(ebuf)) !=
		    ERR_OK)
			fprintf(stderr, "tidings: %s\n", ebuf);
		else if (left > 0)
			fprintf(stderr, "tidings: export %s: %ld article(s) "
			    "left in the outbox (see tidings outbox)\n",
			    t->s.name, left);
	}
	return 1;
}

/* Stops the daemon: transfers get the grace time, the last exports run,
 * the open cycle ends. */
static void
stop(struct dstate *s)
{
	long long deadline;
	char ebuf[512];

	notify("STOPPING=1");
	log_notice("stopping: %zu transfer(s) running", fetch_running(s->f));
	deadline = mono_ms() + (s->opts->grace_ms > 0 ? s->opts->grace_ms :
	    GRACE_MS_DEFAULT);
	while (fetch_pending(s->f) > 0 && mono_ms() < deadline) {
		fetch_poll(s->f, (int)(deadline - mono_ms()));
		collect(s);
	}
	/* documents fetched are stored, their parse is not abandoned */
	take_parsed(s, 1);
	if (fetch_running(s->f) > 0)
		log_notice("abandoned %zu transfer(s); they run again next "
		    "time", fetch_running(s->f));
	/* what the last transfers brought; the rest waits for next time */
	outbox_drain(s->ob, s->st, time(NULL), 1000);
	if (s->cyc_open)
		cycle_close(s);
	if (s->node_id != 0 && store_node_leave(s->st, s->node_id, ebuf,
	    sizeof(ebuf)) != ERR_OK)
		log_warnx("%s", ebuf);
}

int
daemon_run(const struct daemon_opts *o)
{
	struct dstate s;
	struct sigaction sa;
	size_t i;
	int rv;

	memset(&s, 0, sizeof(s));
	s.opts = o;
	s.once = o->once;
	if ((rv = start(&s)) != 0)
		goto out;
	if (s.once) {
		s.tty = !o->quiet && isatty(STDERR_FILENO);
		/* a run is one cycle, also when nothing was due */
		cycle_open(&s);
		loop(&s);
		rv = once_finish(&s);
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit must reach the exporter as EFBIG (a full
	 * target), not kill the daemon */
	signal(SIGXFSZ, SIG_IGN);
	wake_fetch = s.f;

	log_notice("started: %zu feed(s)", s.n);
	s.started = time(NULL);
	write_metrics(&s);
	say_if_idle(&s);
	notify("READY=1");
	loop(&s);
	stop(&s);
out:
	wake_fetch = NULL;
	/* before the fetcher: its workers wake it */
	parse_pool_free(s.pool, djob_free);
	fetch_free(s.f);
	pages_free(s.pg);
	outbox_free(s.ob);
	store_close(s.st);
	for (i = 0; i < s.n; i++)
		dfeed_clear(&s.feeds[i]);
	free(s.feeds);
	for (i = 0; i < s.norphans; i++)
		dfeed_clear(&s.orphans[i]);
	free(s.orphans);
	dlist_release(s.cur);
	conf_free(&s.conf);
	free(s.node);
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
	return rv;
}
