#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* A feed list and how many hold it: the daemon while it is the current
 * list, and each feed of the table or in flight after a reload (orphan)
 * that points into it.  The last holder to let go frees it, so a list a
 * reload replaced lives only as long as a transfer still refers to it. */
struct dlist {
	struct feedlist	 fl;
	size_t		 refs;
};

/* One configured feed as the loop sees it. */
struct dfeed {
	const struct feedlist_feed *fc;	/* in the current (or an old) list */
	struct dlist	*list;		/* holds the list fc points into */
	int64_t		 id;
	char		*url;		/* stored URL: moved feeds differ */
	time_t		 next;		/* -1: not scheduled */
	int		 busy;		/* a transfer is in flight */
	int		 failures;
	char		*auth;
};

struct dstate {
	const struct daemon_opts *opts;
	struct conf	 conf;
	struct dlist	*cur;		/* the current list (one reference) */
	struct dfeed	*feeds;
	size_t		 n;
	struct dfeed	*orphans;	/* removed by a reload while busy */
	size_t		 norphans;
	struct store	*st;
	struct fetch	*f;
	struct outbox	*ob;
	int		 fetch_stale;	/* [fetch] changed: rebuild when idle */
	time_t		 soonest;	/* earliest next of an idle feed */
	size_t		 failing;
	/* The cycle: from the first transfer it starts until min_interval
	 * has passed and the transfers and exports it caused are done (at
	 * most twice that long): a feed on its schedule comes at most once
	 * in one (retries after a failure may come sooner). */
	int		 cyc_open;
	struct tally	 cyc;
	long long	 cyc_start_ms;
	time_t		 cyc_started;
	long		 cyc_exported;	/* outbox_exported at its start */
	/* for the metrics file */
	struct tally	 total;		/* closed cycles since the start */
	long		 ncycles;
	long		 last_cycle_ms;
	time_t		 last_cycle_end;
	time_t		 started;
	int		 metrics_failing;	/* the last write failed */
};

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

static const char *
fname(const struct dfeed *d)
{
	return d->fc->name != NULL ? d->fc->name : d->url;
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

static void
dfeed_clear(struct dfeed *d)
{
	free(d->url);
	free(d->auth);
	d->url = d->auth = NULL;
	dlist_release(d->list);
	d->list = NULL;
	d->fc = NULL;
}

static void
load_auth(struct dfeed *d)
{
	char ebuf[256];

	free(d->auth);
	d->auth = NULL;
	if ((d->auth = cycle_auth(d->fc, ebuf, sizeof(ebuf))) == NULL &&
	    ebuf[0] != '\0')
		log_warnx("%s: %s", fname(d), ebuf);
}

/* Loads configuration and feed lists; logs every problem. */
static int
load(const struct daemon_opts *o, struct conf *c, struct feedlist *fl)
{
	struct conf_diag d = { 0 };
	size_t i;
	int rc;

	rc = conf_load(c, o->conf_path, &d);
	if (rc == ERR_OK || rc == ERR_INVALID)
		if (feedlist_load(fl, c, o->feeds, &d) != ERR_OK &&
		    rc == ERR_OK)
			rc = ERR_INVALID;
	for (i = 0; i < d.n; i++)
		log_warnx("%s", d.msgs[i]);
	conf_diag_free(&d);
	return rc;
}

/* Schedules feed d (already holding fc, id) from its stored state. */
static int
dfeed_init(struct dstate *s, struct dfeed *d, time_t now)
{
	struct store_feed sf;
	struct sched_limits lim;
	char ebuf[512];

	memset(&sf, 0, sizeof(sf));
	if (store_feed_get(s->st, d->id, &sf, ebuf, sizeof(ebuf)) != ERR_OK) {
		log_warnx("%s", ebuf);
		return -1;
	}
	free(d->url);
	d->url = xstrdup(sf.url);
	d->failures = sf.consecutive_failures;
	if (sf.last_success > s->total.last_success)
		s->total.last_success = sf.last_success;
	if (!d->fc->enabled || sf.retired)
		d->next = -1;
	else {
		cycle_limits(&s->conf, d->fc, &lim);
		d->next = sched_initial(&lim, sf.url, lim.interval,
		    sf.last_check == 0 ? 0 : (time_t)sf.next_check, now);
	}
	store_feed_clear(&sf);
	load_auth(d);
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
	size_t i, nold = s->n;
	char ebuf[512], *taken;

	old = s->feeds;
	if (nold > 0)
		qsort(old, nold, sizeof(*old), cmp_id);
	taken = xcalloc(nold ? nold : 1, 1);
	nf = xcalloc(fl->n ? fl->n : 1, sizeof(*nf));
	for (i = 0; i < fl->n; i++) {
		nf[i].fc = &fl->feeds[i];
		nf[i].list = dlist_hold(l);
		if (cycle_feed_id(s->st, nf[i].fc, &nf[i].id, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			log_warnx("%s", ebuf);
			goto fail;
		}
		key.id = nf[i].id;
		hit = nold ? bsearch(&key, old, nold, sizeof(*old), cmp_id) :
		    NULL;
		if (hit != NULL) {
			taken[hit - old] = 1;
			nf[i].busy = hit->busy;
		}
		if (hit != NULL && hit->fc->enabled == nf[i].fc->enabled &&
		    hit->fc->interval == nf[i].fc->interval) {
			nf[i].url = xstrdup(hit->url);
			nf[i].next = hit->next;
			nf[i].failures = hit->failures;
			load_auth(&nf[i]);
		} else if (dfeed_init(s, &nf[i], now) == -1)
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
	free(old);
	s->feeds = nf;
	s->n = fl->n;
	s->soonest = now;
	return 0;
fail:
	for (i = 0; i < fl->n; i++)
		dfeed_clear(&nf[i]);
	free(nf);
	free(taken);
	return -1;
}

static struct dfeed *
find_busy(struct dstate *s, int64_t id, int *orphan)
{
	size_t i;

	*orphan = 0;
	for (i = 0; i < s->n; i++)
		if (s->feeds[i].id == id && s->feeds[i].busy)
			return &s->feeds[i];
	for (i = 0; i < s->norphans; i++)
		if (s->orphans[i].id == id) {
			*orphan = 1;
			return &s->orphans[i];
		}
	return NULL;
}

static void
collect(struct dstate *s)
{
	struct cycle_outcome out;
	struct fetch_result *r;
	struct dfeed *d;
	char ebuf[512];
	time_t now;
	int orphan;
	size_t k;

	while ((r = fetch_next(s->f)) != NULL) {
		d = find_busy(s, (int64_t)(intptr_t)r->ctx, &orphan);
		if (d == NULL) {
			fetch_result_free(r);
			continue;
		}
		now = time(NULL);
		cycle_apply(s->st, &s->conf, d->fc, d->id, r, now, &out, ebuf,
		    sizeof(ebuf));
		tally_add(&s->cyc, &out, r->body_len, now);
		if (out.failed && out.failures <= 1)
			log_warnx("%s: %s", fname(d), out.msg);
		else if (out.failed)
			log_warnx("%s: %s (%d failures in a row)", fname(d),
			    out.msg, out.failures);
		else if (d->failures > 0)
			log_notice("%s: recovered after %d failure(s): %s",
			    fname(d), d->failures, out.msg);
		else
			log_debug("%s: %s", fname(d), out.msg);
		if (out.failed && d->failures == 0)
			s->failing++;
		else if (!out.failed && d->failures > 0 && s->failing > 0)
			s->failing--;
		d->failures = out.failed ? out.failures : 0;
		d->busy = 0;
		if (out.moved) {
			free(d->url);
			d->url = xstrdup(fetch_result_moved_to(r));
		}
		if (out.retired)
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
}

/* Starts every due feed; returns how many are due (started or not). */
static size_t
start_due(struct dstate *s, time_t now)
{
	struct fetch_request req;
	struct store_feed sf;
	struct dfeed *d;
	char ebuf[512];
	size_t i, due = 0;
	time_t soonest = 0;

	if (now < s->soonest)
		return 0;
	for (i = 0; i < s->n; i++) {
		d = &s->feeds[i];
		if (d->busy || d->next == -1)
			continue;
		if (d->next > now) {
			if (soonest == 0 || d->next < soonest)
				soonest = d->next;
			continue;
		}
		due++;
		memset(&sf, 0, sizeof(sf));
		if (store_feed_get(s->st, d->id, &sf, ebuf, sizeof(ebuf)) !=
		    ERR_OK) {
			log_warnx("%s: %s", fname(d), ebuf);
			d->next = now + s->conf.min_interval;
			continue;
		}
		memset(&req, 0, sizeof(req));
		req.url = sf.url;
		req.etag = sf.etag;
		req.last_modified = sf.last_modified;
		req.user_agent = d->fc->user_agent;
		req.userpwd = d->auth;
		req.allow_private = cycle_allow_private(&s->conf, d->fc);
		req.ctx = (void *)(intptr_t)d->id;
		if (fetch_add(s->f, &req, ebuf, sizeof(ebuf)) != ERR_OK) {
			log_warnx("%s: %s", fname(d), ebuf);
			d->next = now + s->conf.max_interval;
		} else
			d->busy = 1;
		store_feed_clear(&sf);
	}
	/* Busy feeds lower `soonest` again when their results come in. */
	s->soonest = soonest ? soonest : now + MAX_SLEEP_MS / 1000;
	return due;
}

static struct fetch *
new_fetch(const struct conf *c)
{
	struct fetch_opts fo;
	char ebuf[256];
	struct fetch *f;

	cycle_fetch_opts(c, &fo);
	if ((f = fetch_new(&fo, ebuf, sizeof(ebuf))) == NULL)
		log_warnx("%s", ebuf);
	return f;
}

static int
fetch_conf_differs(const struct conf *a, const struct conf *b)
{
	return a->max_transfers != b->max_transfers ||
	    a->host_connections != b->host_connections ||
	    a->host_rate != b->host_rate ||
	    a->connect_timeout != b->connect_timeout ||
	    a->timeout != b->timeout ||
	    a->low_speed_limit != b->low_speed_limit ||
	    a->low_speed_time != b->low_speed_time ||
	    a->max_body != b->max_body ||
	    a->max_redirects != b->max_redirects ||
	    (a->user_agent == NULL) != (b->user_agent == NULL) ||
	    (a->user_agent != NULL && strcmp(a->user_agent, b->user_agent));
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
	if (load(s->opts, &nc, &nfl->fl) != ERR_OK) {
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
	if (fetch_conf_differs(&nc, &s->conf))
		s->fetch_stale = 1;
	/* build() reads limits from s->conf: switch first, keep the old
	 * one's strings alive only as long as build needs the old list. */
	conf_free(&s->conf);
	s->conf = nc;
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
	outbox_add_conf(nob, &s->conf);
	outbox_carry(nob, s->ob);
	outbox_free(s->ob);
	s->ob = nob;
	outbox_set_feeds(s->ob, &s->cur->fl);
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
		tg[i].name = t->name;
		rc = backlog_get(s->st, t->name, &tg[i].pending,
		    &tg[i].oldest, ebuf, sizeof(ebuf));
	}
	m.targets = tg;
	m.cycle_ms = s->last_cycle_ms;
	m.cycle_end = s->last_cycle_end;
	m.started = s->started;
	m.now = time(NULL);
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

/* Ends the open cycle with its summary line, its record in the database
 * (for `tidings status`) and the metrics file. */
static void
cycle_close(struct dstate *s)
{
	struct store_cycle sc;
	char line[256], ebuf[512];
	long ms = (long)(mono_ms() - s->cyc_start_ms);

	s->cyc_open = 0;
	s->cyc.exported = outbox_exported(s->ob) - s->cyc_exported;
	tally_summary(&s->cyc, ms, line, sizeof(line));
	log_notice("%s", line);
	memset(&sc, 0, sizeof(sc));
	tally_to_cycle(&s->cyc, &sc);
	sc.source = "daemon";
	sc.started = s->cyc_started;
	sc.finished = time(NULL);
	sc.duration_ms = ms;
	if (store_cycle_put(s->st, &sc, ebuf, sizeof(ebuf)) != ERR_OK)
		log_warnx("%s", ebuf);
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

int
daemon_run(const struct daemon_opts *o)
{
	struct dstate s;
	struct sigaction sa;
	struct fetch *nf;
	char ebuf[512];
	long wd, wait;
	time_t retry;
	int export_more;
	long long last_ping = 0, deadline, last_status = 0;
	size_t i, due = 0;
	time_t now;
	int rv = 1;

	memset(&s, 0, sizeof(s));
	s.opts = o;
	log_init(LOG_LVL_NOTICE, -1);
	notify_init();
	s.cur = dlist_new();
	if (load(o, &s.conf, &s.cur->fl) != ERR_OK) {
		log_warnx("refusing to start with an invalid configuration");
		goto out;
	}
	log_init(s.conf.log_level, -1);
	if (store_open(o->db != NULL ? o->db : s.conf.db_path, 0, &s.st, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		log_warnx("%s", ebuf);
		goto out;
	}
	if ((s.f = new_fetch(&s.conf)) == NULL)
		goto out;
	if (build(&s, s.cur, time(NULL)) == -1)
		goto out;
	s.ob = outbox_new();
	outbox_set_async(s.ob, 1);
	outbox_add_conf(s.ob, &s.conf);
	outbox_set_feeds(s.ob, &s.cur->fl);

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

	wd = watchdog_ms();
	log_notice("started: %zu feed(s)", s.n);
	s.started = time(NULL);
	write_metrics(&s);
	say_if_idle(&s);
	notify("READY=1");
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			reload(&s);
		}
		if (s.fetch_stale && fetch_pending(s.f) == 0 &&
		    (nf = new_fetch(&s.conf)) != NULL) {
			wake_fetch = nf;
			fetch_free(s.f);
			s.f = nf;
			s.fetch_stale = 0;
		}
		now = time(NULL);
		due = start_due(&s, now);
		if (!s.cyc_open && fetch_pending(s.f) > 0)
			cycle_open(&s);
		/* after start_due: transfers run while we export */
		export_more = outbox_drain(s.ob, s.st, now, EXPORT_SLICE_MS);
		cycle_check(&s, export_more);
		now = time(NULL);
		wait = MAX_SLEEP_MS;
		if (cycle_left_ms(&s) > 0 && cycle_left_ms(&s) < wait)
			wait = cycle_left_ms(&s);
		if (s.soonest > now && (s.soonest - now) * 1000 < wait)
			wait = (long)(s.soonest - now) * 1000;
		if ((retry = outbox_next_retry(s.ob)) != 0) {
			if (retry <= now)
				wait = 0;
			else if ((retry - now) * 1000 < wait)
				wait = (long)(retry - now) * 1000;
		}
		if (export_more)
			wait = 0;
		else if (outbox_busy(s.ob) && wait > EXEC_POLL_MS)
			wait = EXEC_POLL_MS;
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
			status(&s, due);
			last_status = mono_ms();
		}
		if (got_term || got_hup)
			continue;
		fetch_poll(s.f, (int)wait);
		collect(&s);
	}

	notify("STOPPING=1");
	log_notice("stopping: %zu transfer(s) running", fetch_running(s.f));
	deadline = mono_ms() + (o->grace_ms > 0 ? o->grace_ms :
	    GRACE_MS_DEFAULT);
	while (fetch_pending(s.f) > 0 && mono_ms() < deadline) {
		fetch_poll(s.f, (int)(deadline - mono_ms()));
		collect(&s);
	}
	if (fetch_running(s.f) > 0)
		log_notice("abandoned %zu transfer(s); they run again next "
		    "time", fetch_running(s.f));
	/* what the last transfers brought; the rest waits for next time */
	outbox_drain(s.ob, s.st, time(NULL), 1000);
	if (s.cyc_open)
		cycle_close(&s);
	rv = 0;
out:
	wake_fetch = NULL;
	fetch_free(s.f);
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
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
	return rv;
}
