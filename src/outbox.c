#include "outbox.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "err.h"
#include "export.h"
#include "filter.h"
#include "log.h"
#include "mono.h"
#include "xmalloc.h"

/* Events delivered before one directory fsync and one round of "done"
 * marks: large enough to spread the fsync, small enough that a replay
 * after a crash is short. */
#define BATCH	64
/* How long a drain without a time budget (`tidings run`) waits for
 * another process delivering to the same target. */
#define LOCK_WAIT_MS	(10 * 60 * 1000)

/* A command of an exec target running for one event. */
struct ojob {
	struct export_job *j;
	int64_t		 seq;
	int		 fails;		/* the event's failures before */
	int64_t		 aside_until;	/* and whether it was set aside */
};

/*
 * An event the target cannot take is set aside: the walks pass over it, so
 * that one article does not hold back the ones after it, and try it again
 * once every retry_max.  A name collision (the file name holds another
 * file) is set aside at once; a failing command after 1 + retries failures
 * in a row.  Failures that are the target's, not the article's (a missing
 * or full directory), set nothing aside: the target waits, as everything
 * it holds would fail alike.  The store keeps the count and the reason
 * (store_event_failed), so that they outlive the process and `tidings
 * outbox` shows them; the event stays pending until it is delivered.
 */
struct ofail {
	int64_t		 seq;
	int		 fails;
	int64_t		 until;
	char		*msg;
};

/* An article a target's keep= or drop= rules dropped (filter.h): its event
 * is done without a delivery, and the store marks the article for the
 * target (store_drop_mark). */
struct odrop {
	int64_t		 article_id;
	char		*rule;
};

struct otarget {
	struct export_target *t;
	struct ojob	*jobs;		/* async exec only */
	size_t		 njobs;
	unsigned	 attempts;	/* failures in a row */
	time_t		 next_try;	/* 0: now */
	int		 failing;
	int		 cleared;	/* an old error in the store is gone */
	char		 last[800];	/* the error recorded in the store */
	time_t		 aside_next;	/* the next try of an event set
					 * aside, as the last drain saw */
	struct store	*locked;	/* holds the target's lock in it */
};

struct outbox {
	struct otarget	*v;
	size_t		 n;
	outbox_tags_fn	 tags;		/* of a feed, for tag filters */
	void		*tags_ctx;
	long		 exported;
	int		 async;		/* exec: start commands, don't wait */
	outbox_db_fn	 db_fn;		/* the database's failures */
	void		*db_ctx;
};

void
outbox_set_db_errors(struct outbox *ob, outbox_db_fn fn, void *ctx)
{
	ob->db_fn = fn;
	ob->db_ctx = ctx;
}

/* A failure of the database (a store call) while exporting to target. */
static void
db_warn(struct outbox *ob, const char *target, const char *msg)
{
	if (ob->db_fn != NULL)
		ob->db_fn(ob->db_ctx, target, msg);
	else
		log_warnx("export %s: %s", target, msg);
}

struct outbox *
outbox_new(void)
{
	return xcalloc(1, sizeof(struct outbox));
}

void
outbox_free(struct outbox *ob)
{
	size_t i, j;

	if (ob == NULL)
		return;
	for (i = 0; i < ob->n; i++) {
		/* a command still running is killed: its event stays
		 * pending and runs again (exec is at least once) */
		for (j = 0; j < ob->v[i].njobs; j++)
			export_job_free(ob->v[i].jobs[j].j);
		free(ob->v[i].jobs);
		if (ob->v[i].locked != NULL)
			store_target_unlock(ob->v[i].locked, ob->v[i].t->s.name);
		export_target_free(ob->v[i].t);
	}
	free(ob->v);
	free(ob);
}

void
outbox_add(struct outbox *ob, struct export_target *t)
{
	ob->v = xreallocarray(ob->v, ob->n + 1, sizeof(*ob->v));
	memset(&ob->v[ob->n], 0, sizeof(ob->v[ob->n]));
	/* one directory fsync per batch rather than per article */
	t->defer_dirsync = 1;
	ob->v[ob->n++].t = t;
}

void
outbox_add_targets(struct outbox *ob, const struct export_settings *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		outbox_add(ob, export_target_from(&v[i]));
}

int
outbox_add_spec(struct outbox *ob, const char *spec, char *ebuf, size_t n)
{
	struct export_target *t;
	int rc;

	if ((rc = export_target_parse_spec(spec, &t, ebuf, n)) != ERR_OK)
		return rc;
	if (outbox_find(ob, t->s.name) != NULL) {
		export_target_free(t);
		return ERR_OK;
	}
	outbox_add(ob, t);
	return ERR_OK;
}

void
outbox_set_async(struct outbox *ob, int on)
{
	ob->async = on;
}

int
outbox_busy(const struct outbox *ob)
{
	size_t i;

	for (i = 0; i < ob->n; i++)
		if (ob->v[i].njobs > 0)
			return 1;
	return 0;
}

size_t
outbox_count(const struct outbox *ob)
{
	return ob->n;
}

struct export_target *
outbox_target(struct outbox *ob, size_t i)
{
	return i < ob->n ? ob->v[i].t : NULL;
}

struct export_target *
outbox_find(struct outbox *ob, const char *name)
{
	size_t i;

	for (i = 0; i < ob->n; i++)
		if (strcmp(ob->v[i].t->s.name, name) == 0)
			return ob->v[i].t;
	return NULL;
}

void
outbox_carry(struct outbox *to, const struct outbox *from)
{
	size_t i, j;

	for (i = 0; i < to->n; i++)
		for (j = 0; j < from->n; j++) {
			if (strcmp(to->v[i].t->s.name, from->v[j].t->s.name) != 0)
				continue;
			to->v[i].t->state = from->v[j].t->state;
			to->v[i].failing = from->v[j].failing;
			to->v[i].attempts = from->v[j].attempts;
			memcpy(to->v[i].last, from->v[j].last,
			    sizeof(to->v[i].last));
			to->v[i].next_try = 0;
		}
	to->exported = from->exported;
}

void
outbox_set_tags(struct outbox *ob, outbox_tags_fn fn, void *ctx)
{
	ob->tags = fn;
	ob->tags_ctx = ctx;
}

time_t
outbox_next_retry(const struct outbox *ob)
{
	const struct otarget *o;
	time_t best = 0;
	size_t i;

	for (i = 0; i < ob->n; i++) {
		o = &ob->v[i];
		if (o->failing && (best == 0 || o->next_try < best))
			best = o->next_try;
		if (o->aside_next != 0 &&
		    (best == 0 || o->aside_next < best))
			best = o->aside_next;
	}
	return best;
}

size_t
outbox_failing(const struct outbox *ob)
{
	size_t i, k = 0;

	for (i = 0; i < ob->n; i++)
		k += ob->v[i].failing != 0;
	return k;
}

long
outbox_exported(const struct outbox *ob)
{
	return ob->exported;
}

/* ---- one event as an export item ---- */

static enum export_kind
item_kind(enum store_event_kind k)
{
	switch (k) {
	case STORE_EV_UPDATE:
		return EXPORT_KIND_UPDATE;
	case STORE_EV_DUPLICATE:
		return EXPORT_KIND_DUPLICATE;
	case STORE_EV_NEW:
		break;
	}
	return EXPORT_KIND_NEW;
}

/* An unnamed feed is stored with its URL as name (cycle.h); that is no
 * name to make a slug of. */
static const char *
real_name(const char *name)
{
	if (name == NULL || *name == '\0' || strstr(name, "://") != NULL)
		return NULL;
	return name;
}

int
outbox_item_load(struct store *st, const struct store_event *e,
    outbox_tags_fn tags, void *ctx, struct export_item *it,
    struct article **ap, struct outbox_scratch *sc, char *ebuf, size_t n)
{
	const struct article *a;
	const char *origin, *key;
	int rc;

	memset(it, 0, sizeof(*it));
	memset(sc, 0, sizeof(*sc));
	*ap = NULL;
	if ((rc = store_article_get(st, e->article_id, ap, &sc->meta, ebuf,
	    n)) != ERR_OK)
		return rc;
	a = *ap;
	if (e->feed_url != NULL) {
		it->feed_url = e->feed_url;
		it->feed_name = e->feed_name;
		it->feed_title = e->feed_title;
	} else if (e->feed_id == sc->meta.feed_id) {
		/* an event older than schema 2: today's feed is all we have */
		it->feed_url = sc->meta.feed_url;
		it->feed_name = sc->meta.feed_name;
		it->feed_title = sc->meta.feed_title;
	} else {
		if ((rc = store_feed_get(st, e->feed_id, &sc->feed, ebuf,
		    n)) != ERR_OK)
			return rc;
		sc->have_feed = 1;
		it->feed_url = sc->feed.url;
		it->feed_name = sc->feed.name;
		it->feed_title = sc->feed.title;
	}
	it->feed_name = real_name(it->feed_name);
	if (tags != NULL)
		it->tags = tags(ctx, it->feed_url, it->feed_name, &it->ntags);
	/* Unique across feeds and the same in a rebuilt database: the feed
	 * that first brought the article and its parse identity. */
	origin = e->origin_url != NULL ? e->origin_url : sc->meta.feed_url;
	key = a->id != NULL && *a->id != '\0' ? a->id :
	    a->guid != NULL && *a->guid != '\0' ? a->guid :
	    a->link != NULL && *a->link != '\0' ? a->link :
	    sc->meta.content_hash;
	sc->identity = xasprintf("%s\n%s", origin ? origin : "", key);
	it->article = a;
	it->identity = sc->identity;
	it->revision = e->revision > 0 ? e->revision : 1;
	it->kind = item_kind(e->kind);
	it->first_seen = sc->meta.first_seen;
	return ERR_OK;
}

void
outbox_item_clear(struct outbox_scratch *sc)
{
	store_article_meta_clear(&sc->meta);
	if (sc->have_feed)
		store_feed_clear(&sc->feed);
	free(sc->identity);
	memset(sc, 0, sizeof(*sc));
}

/* ---- the loop ---- */

/* What walk_one returns to stop the walk (never an err_code). */
#define WALK_FAIL	(-1)
#define WALK_PAUSE	(-2)

struct walk {
	struct outbox	*ob;
	struct otarget	*o;
	struct store	*st;
	int64_t		 seqs[BATCH];
	size_t		 nseq;
	long		 seen;
	long long	 deadline;	/* 0: none */
	time_t		 now;
	int		 failed;	/* stop: o is failing */
	int		 timeout;	/* stop: the budget is spent */
	int		 again;		/* paused: walk again after flush */
	int64_t		 last;		/* the last event the walk saw */
	char		 msg[800];
	/* failures to record once the walk is over (store_event_failed) */
	struct ofail	*fails;
	size_t		 nfails;
	/* articles the target's rules dropped: marked with the batch */
	struct odrop	*drops;
	size_t		 ndrops;
	/* events set aside, for the target's error in the store */
	size_t		 naside;
	int64_t		 aside_seq;	/* the first of them */
	int		 aside_fails;
	char		 aside_msg[800];
};

/* ---- articles the target's rules drop (struct odrop) ---- */

/* 1 when the target's rules drop the article of event e (noted for
 * drops_flush). */
static int
drop_check(struct walk *w, const struct store_event *e,
    const struct article *a)
{
	struct export_target *t = w->o->t;
	char why[512];

	if (t->filter == NULL || !filter_drops(t->filter, a, why, sizeof(why)))
		return 0;
	log_debug("export %s: event %lld: article %lld dropped by %s",
	    t->s.name, (long long)e->seq, (long long)e->article_id, why);
	w->drops = xreallocarray(w->drops, w->ndrops + 1, sizeof(*w->drops));
	w->drops[w->ndrops].article_id = e->article_id;
	w->drops[w->ndrops++].rule = xstrdup(why);
	return 1;
}

/* Marks the articles dropped since the last call, before their events
 * are marked done (a crash between repeats the marks, never loses
 * them).  Returns the store's error. */
static int
drops_flush(struct walk *w, char *ebuf, size_t n)
{
	size_t i;
	int rc = ERR_OK;

	for (i = 0; i < w->ndrops; i++) {
		if (rc == ERR_OK)
			rc = store_drop_mark(w->st, w->drops[i].article_id,
			    w->o->t->s.name, w->drops[i].rule,
			    (int64_t)w->now, ebuf, n);
		free(w->drops[i].rule);
	}
	w->ndrops = 0;
	return rc;
}

/* ---- events set aside (struct ofail) ---- */

/* Notes an event that is set aside until `until`, for set_state and
 * outbox_next_retry. */
static void
aside_note(struct walk *w, int64_t seq, int fails, int64_t until,
    const char *msg)
{
	struct otarget *o = w->o;

	if (w->naside++ == 0 || seq < w->aside_seq) {
		w->aside_seq = seq;
		w->aside_fails = fails;
		snprintf(w->aside_msg, sizeof(w->aside_msg), "%s",
		    msg != NULL ? msg : "");
	}
	if (o->aside_next == 0 || (time_t)until < o->aside_next)
		o->aside_next = (time_t)until;
}

/* 1 when the walk passes over e for now. */
static int
aside_skip(struct walk *w, const struct store_event *e)
{
	if (e->aside_until <= (int64_t)w->now)
		return 0;
	aside_note(w, e->seq, e->fails, e->aside_until, e->fail_reason);
	return 1;
}

static void
delivered_after(struct walk *w, int64_t seq, int fails, int64_t until)
{
	if (until != 0)
		log_notice("export %s: event %lld delivered after %d failed "
		    "attempts", w->o->t->s.name, (long long)seq, fails);
}

/*
 * Counts a failure (status es, message msg) of event seq, which had
 * failed `fails` times in a row before and was set aside (until != 0) or
 * not.  Returns 1 when the event is (now, or still) set aside: the walk
 * goes on without it, and the target is not failing because of it.
 */
static int
aside_fail(struct walk *w, int64_t seq, int fails, int64_t until,
    enum export_status es, const char *msg)
{
	struct otarget *o = w->o;
	struct ofail *f;
	int aside;

	/* A webhook's retryable failure (5xx, 408, 429, no answer) is the
	 * receiver's: the target waits, which keeps the order. */
	if (es != EXPORT_ECOLLISION && es != EXPORT_EREJECTED &&
	    o->t->s.format != EXPORT_FMT_EXEC)
		return 0;
	fails++;
	aside = es == EXPORT_ECOLLISION || es == EXPORT_EREJECTED ||
	    (o->t->s.retries >= 0 && fails > o->t->s.retries);
	w->fails = xreallocarray(w->fails, w->nfails + 1, sizeof(*w->fails));
	f = &w->fails[w->nfails++];
	f->seq = seq;
	f->fails = fails;
	f->until = aside ? (int64_t)w->now + o->t->s.retry_max : 0;
	f->msg = xstrdup(msg);
	if (!aside)
		return 0;
	if (until == 0)
		log_warnx("export %s: event %lld failed %d time%s; set aside "
		    "(tried again every %ds), the others go ahead: %s",
		    o->t->s.name, (long long)seq, fails, fails == 1 ? "" : "s",
		    o->t->s.retry_max, msg);
	aside_note(w, seq, fails, f->until, msg);
	return 1;
}

/* Records the failures of the walk in the store. */
static void
aside_flush(struct walk *w)
{
	struct export_target *t = w->o->t;
	char ebuf[512];
	size_t i;
	int rc = ERR_OK;

	for (i = 0; i < w->nfails; i++) {
		if (rc == ERR_OK)
			rc = store_event_failed(w->st, t->s.name, w->fails[i].seq,
			    w->fails[i].fails, w->fails[i].until,
			    w->fails[i].msg, (int64_t)w->now, ebuf,
			    sizeof(ebuf));
		free(w->fails[i].msg);
	}
	w->nfails = 0;
	if (rc != ERR_OK) {
		/* the counts start again; nothing is lost */
		db_warn(w->ob, t->s.name, ebuf);
	}
}

/* What `tidings outbox` should say while events are set aside, or NULL. */
static const char *
aside_summary(const struct walk *w, char *buf, size_t len)
{
	if (w->naside == 0)
		return NULL;
	snprintf(buf, len, "%zu event%s set aside after %d failed attempt%s, "
	    "tried again every %ds; event %lld: %.600s", w->naside,
	    w->naside == 1 ? "" : "s", w->aside_fails,
	    w->aside_fails == 1 ? "" : "s", w->o->t->s.retry_max,
	    (long long)w->aside_seq, w->aside_msg);
	return buf;
}

/* Before a target's walks. */
static void
aside_start(struct walk *w)
{
	w->naside = 0;
	w->nfails = 0;
	w->o->aside_next = 0;
}

static int
walk_one(void *ctx, const struct store_event *e)
{
	struct walk *w = ctx;
	struct export_target *t = w->o->t;
	struct export_item it;
	struct outbox_scratch sc;
	struct article *a;
	enum export_status es, was;
	char ebuf[512];
	int rc, superseded;

	w->last = e->seq;
	if (aside_skip(w, e))
		return 0;
	w->seen++;
	if ((rc = outbox_item_load(w->st, e, w->ob->tags, w->ob->tags_ctx,
	    &it, &a, &sc, ebuf, sizeof(ebuf))) != ERR_OK) {
		article_free(a);
		outbox_item_clear(&sc);
		if (rc == ERR_NOTFOUND)	/* removed meanwhile */
			goto skip;
		snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
		db_warn(w->ob, t->s.name, ebuf);
		w->failed = 1;
		return WALK_FAIL;
	}
	if (!export_target_wants(t, &it) || drop_check(w, e, a)) {
		article_free(a);
		outbox_item_clear(&sc);
		goto skip;
	}
	superseded = sc.meta.revision > it.revision;
	was = t->state;
	es = export_deliver(t, &it, ebuf, sizeof(ebuf));
	article_free(a);
	outbox_item_clear(&sc);
	if (es == EXPORT_ECOLLISION && superseded) {
		/* A replay after a crash, but the article changed since: the
		 * file there is this event's earlier rendering (the name says
		 * which article and revision), so the event is delivered. */
		t->state = was;
		log_info("export %s: event %lld: the article changed since it "
		    "was delivered; keeping the file", t->s.name,
		    (long long)e->seq);
		w->seqs[w->nseq++] = e->seq;
		goto next;
	}
	if (es == EXPORT_EINVAL) {
		/* nothing will ever make it exportable */
		log_warnx("export %s: event %lld skipped: %s", t->s.name,
		    (long long)e->seq, ebuf);
		goto skip;
	}
	if (es != EXPORT_OK) {
		snprintf(w->msg, sizeof(w->msg), "%s: %s",
		    export_status_name(es), ebuf);
		if (aside_fail(w, e->seq, e->fails, e->aside_until, es,
		    w->msg)) {
			/* not the target's failure: its state stays */
			t->state = was;
			goto next;
		}
		w->failed = 1;
		return WALK_FAIL;
	}
	delivered_after(w, e->seq, e->fails, e->aside_until);
	w->seqs[w->nseq++] = e->seq;
	/* A command (a request) leaves no file to fsync: its event is
	 * marked done before the next one runs, so that a crash or a kill
	 * repeats at most the one that was running, not a batch. */
	if (export_is_job(t->s.format)) {
		w->again = 1;
		return WALK_PAUSE;
	}
	goto next;
skip:
	/* Marked done with the batch, after the walk: a write while the
	 * walk's read is open fails at once (not after the busy timeout)
	 * when another process wrote since the read began. */
	w->seqs[w->nseq++] = e->seq;
next:
	if (w->nseq == BATCH) {
		w->again = 1;
		return WALK_PAUSE;
	}
	if (w->deadline != 0 && mono_ms() >= w->deadline) {
		w->timeout = 1;
		return WALK_PAUSE;
	}
	return 0;
}

/* Makes the batch durable, then marks it done. */
static int
flush(struct walk *w)
{
	struct export_target *t = w->o->t;
	enum export_status es, was;
	char ebuf[512];

	if (w->nseq == 0)
		return 0;
	/* After a failed delivery the sync of what went before succeeds,
	 * but the target has not recovered: keep its state, or export.c
	 * would log a recovery. */
	was = t->state;
	if (w->failed)
		t->state = EXPORT_OK;
	es = export_target_sync(t, ebuf, sizeof(ebuf));
	if (w->failed && es == EXPORT_OK)
		t->state = was;
	if (es != EXPORT_OK) {
		snprintf(w->msg, sizeof(w->msg), "%s: %s",
		    export_status_name(es), ebuf);
		w->failed = 1;
		w->nseq = 0;
		return -1;
	}
	if (drops_flush(w, ebuf, sizeof(ebuf)) != ERR_OK ||
	    store_events_done(w->st, t->s.name, w->seqs, w->nseq,
	    (int64_t)time(NULL), ebuf, sizeof(ebuf)) != ERR_OK) {
		/* delivered but not marked: replayed later, which finds
		 * the same bytes */
		snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
		db_warn(w->ob, t->s.name, ebuf);
		w->failed = 1;
		w->nseq = 0;
		return -1;
	}
	w->ob->exported += (long)w->nseq;
	w->nseq = 0;
	return 0;
}

static void
set_state(struct walk *w, time_t now)
{
	struct otarget *o = w->o;
	struct export_target *t = o->t;
	const char *summary;
	char ebuf[512], sbuf[sizeof(o->last)];

	if (w->failed) {
		o->attempts++;
		/* a receiver's Retry-After, within retry_max, instead */
		o->next_try = now + (time_t)(t->retry_after > 0 ?
		    (t->retry_after < t->s.retry_max ? (unsigned)t->retry_after :
		    (unsigned)t->s.retry_max) : export_backoff(o->attempts,
		    t->s.retry_base, t->s.retry_max));
		t->retry_after = 0;
		o->failing = 1;
		if (strcmp(o->last, w->msg) != 0) {
			snprintf(o->last, sizeof(o->last), "%s", w->msg);
			if (store_target_set_error(w->st, t->s.name, w->msg,
			    (int64_t)now, ebuf, sizeof(ebuf)) != ERR_OK)
				log_debug("export %s: %s", t->s.name, ebuf);
		}
		return;
	}
	/* An error an earlier process recorded goes with the first success;
	 * while events are set aside, the store says so instead. */
	summary = aside_summary(w, sbuf, sizeof(sbuf));
	if (o->failing) {
		o->failing = 0;
		o->attempts = 0;
		o->next_try = 0;
	}
	if ((!o->cleared && w->seen > 0) ||
	    strcmp(o->last, summary != NULL ? summary : "") != 0) {
		o->cleared = 1;
		snprintf(o->last, sizeof(o->last), "%s",
		    summary != NULL ? summary : "");
		if (store_target_set_error(w->st, t->s.name, summary,
		    (int64_t)now, ebuf, sizeof(ebuf)) != ERR_OK)
			log_debug("export %s: %s", t->s.name, ebuf);
	}
}

/* ---- one deliverer per target (store_target_lock) ---- */

/*
 * Takes the target's lock unless o holds it.  Returns 1 when o holds it,
 * 0 when another process delivers the target now (it delivers what is
 * pending, this process's new events included), -1 on an error (in
 * w->msg, w->failed set).
 */
static int
lock_target(struct walk *w, int wait_ms)
{
	struct otarget *o = w->o;
	char ebuf[512];
	int got;

	if (o->locked != NULL)
		return 1;
	if (store_target_lock(w->st, o->t->s.name, wait_ms, &got, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
		db_warn(w->ob, o->t->s.name, ebuf);
		w->failed = 1;
		return -1;
	}
	if (!got) {
		log_debug("export %s: another tidings process is delivering "
		    "to it", o->t->s.name);
		return 0;
	}
	o->locked = w->st;
	return 1;
}

static void
unlock_target(struct otarget *o)
{
	if (o->locked == NULL)
		return;
	store_target_unlock(o->locked, o->t->s.name);
	o->locked = NULL;
}

/* ---- exec without waiting (the daemon) ---- */

/* Collects the commands that finished. */
static void
exec_reap(struct walk *w)
{
	struct otarget *o = w->o;
	char ebuf[512] = "";
	size_t k = 0;
	struct ojob job;
	int64_t seq;
	int st;

	while (k < o->njobs) {
		if ((st = export_job_poll(o->jobs[k].j, ebuf, sizeof(ebuf))) ==
		    -1) {
			k++;
			continue;
		}
		job = o->jobs[k];
		seq = job.seq;
		export_job_free(job.j);
		o->jobs[k] = o->jobs[--o->njobs];
		export_note_state(o->t, (enum export_status)st, ebuf);
		/* a refusal is set aside below: set_state then records
		 * it for `tidings outbox` */
		if (st == EXPORT_EREJECTED)
			w->seen++;
		if (st != EXPORT_OK) {
			snprintf(w->msg, sizeof(w->msg), "%s: %s",
			    export_status_name((enum export_status)st), ebuf);
			if (!aside_fail(w, seq, job.fails, job.aside_until,
			    (enum export_status)st, w->msg))
				w->failed = 1;
			continue;
		}
		delivered_after(w, seq, job.fails, job.aside_until);
		if (store_event_done(w->st, o->t->s.name, seq,
		    (int64_t)time(NULL), ebuf, sizeof(ebuf)) != ERR_OK) {
			snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
			db_warn(w->ob, o->t->s.name, ebuf);
			w->failed = 1;
			continue;
		}
		w->seen++;
		w->ob->exported++;
	}
}

static int
exec_one(void *ctx, const struct store_event *e)
{
	struct walk *w = ctx;
	struct otarget *o = w->o;
	struct export_target *t = o->t;
	struct export_item it;
	struct outbox_scratch sc;
	struct export_job *j;
	struct article *a;
	enum export_status es;
	char ebuf[512];
	size_t k;
	int rc;

	for (k = 0; k < o->njobs; k++)
		if (o->jobs[k].seq == e->seq)
			return 0;	/* running */
	if (aside_skip(w, e))
		return 0;
	if (t->s.concurrency > 0 && t->running >= t->s.concurrency)
		return WALK_PAUSE;
	w->seen++;
	rc = outbox_item_load(w->st, e, w->ob->tags, w->ob->tags_ctx, &it,
	    &a, &sc, ebuf, sizeof(ebuf));
	if (rc == ERR_OK && (!export_target_wants(t, &it) ||
	    drop_check(w, e, a)))
		rc = ERR_NOTFOUND;	/* not for us: done */
	es = rc == ERR_OK ? export_job_start(t, &it, &j, ebuf, sizeof(ebuf)) :
	    EXPORT_OK;
	article_free(a);
	outbox_item_clear(&sc);
	if (rc != ERR_OK && rc != ERR_NOTFOUND) {
		snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
		db_warn(w->ob, t->s.name, ebuf);
		w->failed = 1;
		return WALK_FAIL;
	}
	if (rc == ERR_NOTFOUND || es == EXPORT_EINVAL) {
		if (es == EXPORT_EINVAL)
			log_warnx("export %s: event %lld skipped: %s",
			    t->s.name, (long long)e->seq, ebuf);
		/* marked done after the walk (see walk_one) */
		w->seqs[w->nseq++] = e->seq;
		return w->nseq == BATCH ? WALK_PAUSE : 0;
	}
	if (es == EXPORT_EBUSY)
		return WALK_PAUSE;
	if (es != EXPORT_OK) {
		export_note_state(t, es, ebuf);
		snprintf(w->msg, sizeof(w->msg), "%s: %s",
		    export_status_name(es), ebuf);
		w->failed = 1;
		return WALK_FAIL;
	}
	o->jobs = xreallocarray(o->jobs, o->njobs + 1, sizeof(*o->jobs));
	o->jobs[o->njobs].j = j;
	o->jobs[o->njobs].fails = e->fails;
	o->jobs[o->njobs].aside_until = e->aside_until;
	o->jobs[o->njobs++].seq = e->seq;
	return 0;
}

/* Reaps what finished and starts what the cap allows; never waits. */
static void
exec_drain(struct walk *w, time_t now)
{
	struct otarget *o = w->o;
	char ebuf[512];
	int rc;

	w->failed = 0;
	w->msg[0] = '\0';
	w->seen = 0;
	/* held while commands run: until their events are marked done */
	switch (lock_target(w, 0)) {
	case 0:
		return;
	case -1:
		set_state(w, now);
		return;
	}
	aside_start(w);
	exec_reap(w);
	if (!w->failed && !(o->failing && now < o->next_try)) {
		/* the running ones come first in the walk, then those set
		 * aside; it stops at the cap */
		w->nseq = 0;
		rc = store_events_pending(w->st, o->t->s.name, 0, 0,
		    exec_one, w, ebuf, sizeof(ebuf));
		if (rc != ERR_OK && rc != WALK_FAIL && rc != WALK_PAUSE &&
		    !w->failed) {
			snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
			db_warn(w->ob, o->t->s.name, ebuf);
			w->failed = 1;
		}
		if (w->nseq > 0 && (drops_flush(w, ebuf, sizeof(ebuf)) !=
		    ERR_OK || store_events_done(w->st, o->t->s.name,
		    w->seqs, w->nseq, (int64_t)time(NULL), ebuf,
		    sizeof(ebuf)) != ERR_OK)) {
			snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
			db_warn(w->ob, o->t->s.name, ebuf);
			w->failed = 1;
		} else
			w->ob->exported += (long)w->nseq;
		w->nseq = 0;
	} else if (!w->failed) {
		aside_flush(w);
		if (o->njobs == 0)
			unlock_target(o);
		return;		/* waiting out a backoff */
	}
	aside_flush(w);
	if (o->njobs == 0)
		unlock_target(o);
	if (w->failed || w->seen > 0)
		set_state(w, now);
}

int
outbox_drain(struct outbox *ob, struct store *st, time_t now,
    long budget_ms)
{
	struct walk *w;
	char ebuf[512];
	size_t i;
	long total;
	int rc, more = 0;

	w = xcalloc(1, sizeof(*w));
	w->ob = ob;
	w->st = st;
	w->now = now;
	w->deadline = budget_ms > 0 ? mono_ms() + budget_ms : 0;
	for (i = 0; i < ob->n; i++) {
		w->o = &ob->v[i];
		if (ob->async && export_is_job(w->o->t->s.format)) {
			exec_drain(w, now);
			continue;
		}
		if (w->o->failing && now < w->o->next_try)
			continue;
		w->failed = 0;
		w->msg[0] = '\0';
		total = 0;
		w->seen = 0;
		/* a run waits for another process to finish its turn, so
		 * that it leaves nothing behind; the daemon never waits */
		switch (lock_target(w, budget_ms > 0 ? 0 : LOCK_WAIT_MS)) {
		case 0:
			continue;
		case -1:
			set_state(w, now);
			continue;
		}
		aside_start(w);
		w->last = 0;
		for (;;) {
			total += w->seen;
			w->nseq = 0;
			w->seen = 0;
			w->timeout = 0;
			w->again = 0;
			/* each pass goes on after the last: what came before
			 * is done or set aside */
			rc = store_events_pending(st, w->o->t->s.name, w->last,
			    0, walk_one, w, ebuf, sizeof(ebuf));
			if (rc != ERR_OK && rc != WALK_FAIL &&
			    rc != WALK_PAUSE && !w->failed) {
				snprintf(w->msg, sizeof(w->msg), "%s", ebuf);
				db_warn(w->ob, w->o->t->s.name, ebuf);
				w->failed = 1;
			}
			/* what was delivered before a failure is kept */
			if (flush(w) == -1 || w->failed)
				break;
			if (w->timeout) {
				more = 1;
				break;
			}
			if (w->seen < BATCH && !w->again)
				break;
		}
		aside_flush(w);
		unlock_target(w->o);
		/* set_state wants the events seen in all passes */
		w->seen += total;
		set_state(w, now);
		if (w->deadline != 0 && mono_ms() >= w->deadline) {
			/* the others' turn comes next call */
			if (i + 1 < ob->n)
				more = 1;
			break;
		}
	}
	free(w->fails);
	for (i = 0; i < w->ndrops; i++)
		free(w->drops[i].rule);
	free(w->drops);
	free(w);
	return more;
}

static int
count_one(void *ctx, const struct store_event *e)
{
	(void)e;
	(*(long *)ctx)++;
	return 0;
}

int
outbox_pending(struct store *st, const char *target, long *count,
    char *ebuf, size_t n)
{
	*count = 0;
	return store_events_pending(st, target, 0, 0, count_one, count, ebuf,
	    n);
}
