#ifndef TIDINGS_STORE_H
#define TIDINGS_STORE_H
/*
 * The article store.  It owns the database handle, every SQL statement
 * (prepared once, cached in struct store) and the schema migrations
 * (PRAGMA user_version).  Nothing outside store.c knows it is SQLite: the
 * interface below speaks of feeds, articles, batches and events, so that a
 * PostgreSQL backend can implement the same header later.
 *
 * Concurrency: any number of readers, and writers (the daemon, `tidings
 * run`, `tidings ingest`) that may overlap: each write transaction waits
 * for the one before it.  The database is in WAL mode: readers never block
 * a writer and see only whole batches.  Writes happen inside a batch
 * (store_batch_begin .. commit), one per feed document; a failure anywhere
 * in a batch (a full disk included) rolls the whole batch back.
 *
 * Ownership: struct store_feed and struct store_article_meta own their
 * strings (free with store_feed_clear / store_article_meta_clear); articles
 * returned by store_article_get are the caller's (article_free).  Records
 * handed to callbacks are borrowed for the duration of the call.
 * Callbacks return 0 to go on; anything else stops the walk and is
 * returned.
 */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "dedup.h"

#define STORE_SCHEMA_VERSION 7

struct store;

enum store_flags {
	STORE_RDONLY	= 1 << 0,	/* readers: never creates or migrates */
	STORE_SYNC_FULL	= 1 << 1,	/* fsync every commit (default NORMAL) */
};

/* Opens (creating and migrating when writable) the database at path.
 * Any number of processes may open, create and migrate one file at once:
 * each waits (up to 10 s) for the lock the others hold, then goes on.
 * Errors name the file. */
int	store_open(const char *path, int flags, struct store **stp,
	    char *ebuf, size_t n);
/* Finishes any open batch by rolling it back; accepts NULL. */
void	store_close(struct store *st);
/* The schema version of the open database. */
int	store_schema_version(struct store *st);
/* Caps the database file at max_bytes (0 = no cap): writes beyond it fail
 * as a full disk would.  For tests and for operators who want a quota. */
int	store_set_size_limit(struct store *st, int64_t max_bytes,
	    char *ebuf, size_t n);

/* The log is copied into the database (checkpointed) each time it holds
 * this many pages (0: the default, 16384 pages, 64 MB), on a thread of the
 * store's own while the writer goes on. */
int	store_set_checkpoint(struct store *st, int pages);

/* ---- cycles ---- */

/* One cycle of the daemon or of `tidings run`, as `tidings status` shows
 * the last one (tally.h counts them). */
struct store_cycle {
	const char	*source;	/* "daemon" or "run" */
	int64_t		 started;	/* epoch seconds */
	int64_t		 finished;
	long		 duration_ms;
	long		 checked;	/* feeds checked */
	long		 not_modified;
	long		 failed;
	long		 added;		/* articles: new */
	long		 updated;
	long		 duplicate;
	long		 exported;	/* outbox events targets finished */
	int64_t		 bytes;
	char		 source_buf[16];	/* store_cycle_last's source */
};
/* The store keeps this many cycles, the newest. */
#define STORE_CYCLES_KEPT	1000
/* Records c (its own transaction outside a batch) and drops the cycles
 * beyond STORE_CYCLES_KEPT. */
int	store_cycle_put(struct store *st, const struct store_cycle *c,
	    char *ebuf, size_t n);
/* The newest cycle; ERR_NOTFOUND when none was recorded. */
int	store_cycle_last(struct store *st, struct store_cycle *c,
	    char *ebuf, size_t n);

/* ---- feeds ---- */

struct store_feed {
	int64_t		 id;
	char		*url;		/* the configured (or moved-to) URL */
	char		*name;		/* the operator's name; may be NULL */
	char		*title;		/* from the document */
	char		*site_link;	/* from the document */
	/* fetch state, written by the fetcher */
	char		*etag;
	char		*last_modified;
	int		 http_status;	/* last status, 0 = never fetched */
	int64_t		 last_check;	/* epoch seconds; 0 = never */
	int64_t		 last_success;
	int64_t		 next_check;
	int64_t		 retry_after;	/* don't ask before this time */
	char		*last_error;
	char		*error_class;	/* "dns", "connect", "tls", "http", ... */
	int		 consecutive_failures;
	int64_t		 total_failures;
	int		 retired;	/* 410 Gone: not polled any more */
	char		*moved_to;	/* last permanent redirect target */
	int		 moved_count;	/* times in a row it was seen */
	/* scheduler hints from the document (0 = none) */
	int		 ttl_minutes;
	int		 update_period_minutes;
	unsigned	 skip_hours;
	unsigned	 skip_days;
	int64_t		 cache_max_age;	/* seconds, from HTTP */
	/* identity, see dedup.h */
	enum dedup_identity identity_policy;	/* configured */
	enum dedup_identity identity_mode;	/* detected, never AUTO */
	char		*identity_reason;
	long		 guid_churn;
	/* read-only, filled by store_feed_get and store_feeds_list */
	int64_t		 narticles;
};

void	store_feed_clear(struct store_feed *f);
/* Finds the feed with this URL or creates it; a non-NULL name is stored
 * (a feed renamed in the configuration keeps its articles).  Another
 * process adding the same URL at the same time gets the same feed. */
int	store_feed_ensure(struct store *st, const char *url, const char *name,
	    int64_t *id, char *ebuf, size_t n);
/* By URL, else by name; ERR_NOTFOUND when neither matches. */
int	store_feed_find(struct store *st, const char *url_or_name, int64_t *id,
	    char *ebuf, size_t n);
int	store_feed_get(struct store *st, int64_t id, struct store_feed *f,
	    char *ebuf, size_t n);
/* Writes the fetch state and scheduler hints of f (all fields from etag
 * to cache_max_age, plus identity_policy).  Outside a batch it is its own
 * transaction. */
int	store_feed_put_state(struct store *st, const struct store_feed *f,
	    char *ebuf, size_t n);
/* What the document says about itself (title, home page, hints). */
int	store_feed_set_meta(struct store *st, int64_t id,
	    const struct article_feed *meta, char *ebuf, size_t n);
/* Moves the feed to a new URL (a permanent redirect seen repeatedly). */
int	store_feed_set_url(struct store *st, int64_t id, const char *url,
	    char *ebuf, size_t n);
typedef int (*store_feed_fn)(void *ctx, const struct store_feed *f);
int	store_feeds_list(struct store *st, store_feed_fn cb, void *ctx,
	    char *ebuf, size_t n);

/* ---- batches ---- */

/* Starts the write transaction for one document of feed_id.  Everything
 * until commit is one atomic unit. */
int	store_batch_begin(struct store *st, int64_t feed_id, char *ebuf,
	    size_t n);
int	store_batch_commit(struct store *st, char *ebuf, size_t n);
void	store_batch_rollback(struct store *st);

/* ---- articles ---- */

enum store_outcome {
	STORE_NEW = 0,
	STORE_UPDATED,
	STORE_DUPLICATE,	/* known from another feed; now linked */
	STORE_UNCHANGED,	/* seen before (also: removed by retention) */
};

enum store_match {
	STORE_MATCH_NONE = 0,
	STORE_MATCH_GUID,
	STORE_MATCH_LINK,
	STORE_MATCH_CONTENT,
	STORE_MATCH_FP,
};

/* last_seen is rewritten at most this often for an unchanged item, so that
 * re-fetching an unchanged feed mostly reads and does not write. */
#define STORE_SEEN_RESOLUTION 600

struct store_upsert {
	/* in */
	const struct dedup_plan *plan;
	/* Quick keys are enough: the store completes them
	 * (dedup_keys_complete) only when the item is not plainly the same
	 * bytes as last time. */
	struct dedup_keys *keys;
	int		 dup_as_new;	/* a cross-feed duplicate is exported
					 * as new (else event "duplicate") */
	int64_t		 now;
	/* out */
	enum store_outcome outcome;
	enum store_match matched_by;
	int		 guid_changed;	/* same feed, new guid, known link */
	int64_t		 article_id;
};

/* Stores one item of the current batch's feed.  Must be inside a batch.
 * The image, duration and comment count are written with a new article
 * and replaced when it is updated; they are not part of its content hash,
 * so a change in them alone leaves the stored article as it was. */
int	store_article_upsert(struct store *st, const struct article *a,
	    struct store_upsert *u, char *ebuf, size_t n);
/* Records what dedup decided for the batch's feed and adds to its guid
 * churn counter. */
int	store_feed_note_identity(struct store *st, const struct dedup_plan *p,
	    long churn_delta, char *ebuf, size_t n);
/* Inside a batch: removes the feed's articles older than max_age seconds
 * (0 = no limit) and beyond the newest max_count (0 = no limit), except
 * those seen in this batch.  An article other feeds still carry only loses
 * its link to this feed.  Identity keys stay, so nothing removed comes
 * back as new. */
int	store_retention(struct store *st, int64_t max_age, long max_count,
	    int64_t now, long *removed, char *ebuf, size_t n);

struct store_article_meta {
	int64_t		 id;
	int64_t		 feed_id;	/* the feed that brought it first */
	char		*feed_url;
	char		*feed_name;
	char		*feed_title;
	int64_t		 first_seen;
	int64_t		 last_seen;
	int64_t		 changed;	/* time of the last update */
	int		 revision;	/* 1 for a never updated article */
	int		 nfeeds;	/* feeds carrying it */
	char		 content_hash[2 * DEDUP_HASHLEN + 1];
};
void	store_article_meta_clear(struct store_article_meta *m);

/* ERR_NOTFOUND when there is no such article.  *ap is the caller's. */
int	store_article_get(struct store *st, int64_t id, struct article **ap,
	    struct store_article_meta *m, char *ebuf, size_t n);

/* The articles a user's reference names: its store number, else its id
 * (ident), guid or link.  Up to max matches, lowest store number first, in
 * *out (the caller's: store_refs_free); *nout = 0 when none. */
struct store_ref {
	int64_t		 id;		/* store number */
	char		*feed;		/* the first feed's name, else its URL */
	char		*title;		/* or NULL */
};
int	store_article_find(struct store *st, const char *ref, size_t max,
	    struct store_ref **out, size_t *nout, char *ebuf, size_t n);
void	store_refs_free(struct store_ref *m, size_t n);

struct store_filter {
	int64_t		 feed_id;	/* 0 = every feed */
	int64_t		 since;		/* first seen at or after; 0 = all */
	long		 limit;		/* 0 = no limit */
};
typedef int (*store_article_fn)(void *ctx, const struct article *a,
    const struct store_article_meta *m);
/* Newest first (by published date, else first seen). */
int	store_articles_list(struct store *st, const struct store_filter *f,
	    store_article_fn cb, void *ctx, char *ebuf, size_t n);
/* Full-text search over title and text, best match first.  query is FTS5
 * syntax; when it is not valid syntax its words are searched as plain
 * terms. */
int	store_search(struct store *st, const char *query, long limit,
	    store_article_fn cb, void *ctx, char *ebuf, size_t n);

/* ---- the outbox (for exporters) ---- */

enum store_event_kind {
	STORE_EV_NEW = 0,
	STORE_EV_UPDATE,
	STORE_EV_DUPLICATE,
};

struct store_event {
	int64_t		 seq;		/* increasing, never reused */
	int64_t		 article_id;
	int64_t		 feed_id;	/* the feed the item came through */
	enum store_event_kind kind;
	int		 revision;
	int64_t		 created;
	/* The feed the item came through as it was when the event was made,
	 * and the URL of the feed that first brought the article: what a
	 * replay must render with.  NULL for events older than schema 2. */
	const char	*feed_url;
	const char	*feed_name;
	const char	*feed_title;
	const char	*origin_url;
	/* From store_events_pending: the target's failed attempts at this
	 * event in a row (0 = none), until when it is set aside (0 = it is
	 * not; it still counts), and the last failure.  See
	 * store_event_failed. */
	int		 fails;
	int64_t		 aside_until;
	const char	*fail_reason;
};

const char *store_event_kind_name(enum store_event_kind k);
typedef int (*store_event_fn)(void *ctx, const struct store_event *e);
/* Events target has not marked done, oldest first, at most limit (0 = no
 * limit), with seq > after (0 = from the start).  An event whose article
 * was removed since is skipped.  A target never seen before starts from
 * the first event the database holds.  The callback may call
 * store_event_done (and store_article_get) as it goes. */
int	store_events_pending(struct store *st, const char *target,
	    int64_t after, long limit, store_event_fn cb, void *ctx,
	    char *ebuf, size_t n);
/* Marks one event done for target (idempotent); its own transaction when
 * outside a batch. */
int	store_event_done(struct store *st, const char *target, int64_t seq,
	    int64_t now, char *ebuf, size_t n);
/* The same for nseqs events at once, in one transaction. */
int	store_events_done(struct store *st, const char *target,
	    const int64_t *seqs, size_t nseqs, int64_t now, char *ebuf,
	    size_t n);

/* Records a failed delivery of event seq to target: fails in a row so
 * far, the reason, and until when the target passes it over (0: not set
 * aside, it only counts).  Marking the event done forgets it.  Its own
 * statement: call it outside a walk of store_events_pending. */
int	store_event_failed(struct store *st, const char *target, int64_t seq,
	    int fails, int64_t until, const char *reason, int64_t now,
	    char *ebuf, size_t n);

/* Every event (done or not) created at or after since, of feed_id (0 =
 * every feed), whose article still exists, oldest first: for re-exports. */
int	store_events_list(struct store *st, int64_t since, int64_t feed_id,
	    store_event_fn cb, void *ctx, char *ebuf, size_t n);

/*
 * One deliverer per target: whoever delivers a target's events holds its
 * lock from reading them as pending until they are marked done, so that
 * overlapping runs, or a run beside the daemon, never hand one event to a
 * target twice.  The lock is the operating system's, on the file
 * "PATH-lock" beside the database: a process that dies or is killed lets
 * go of it at once.  wait_ms: how long to wait for another process that
 * holds it (0: not at all).  *got is 1 when this handle holds it (taking
 * it again only counts; each store_target_lock that got it needs one
 * store_target_unlock), 0 when another process kept it.  ERR_IO when the
 * lock file cannot be opened.  store_close releases every lock.
 */
int	store_target_lock(struct store *st, const char *target, int wait_ms,
	    int *got, char *ebuf, size_t n);
void	store_target_unlock(struct store *st, const char *target);

/* What an exporter last reported for a target (msg NULL: all is well), so
 * that `tidings outbox` can say why events wait.  Its own statement; may be
 * called inside a walk. */
int	store_target_set_error(struct store *st, const char *target,
	    const char *msg, int64_t now, char *ebuf, size_t n);
struct store_target {
	const char	*name;
	int64_t		 done_below;
	const char	*last_error;	/* NULL when none */
	int64_t		 last_error_time;
};
typedef int (*store_target_fn)(void *ctx, const struct store_target *t);
/* The targets that ever marked an event done or reported an error. */
int	store_targets_list(struct store *st, store_target_fn cb, void *ctx,
	    char *ebuf, size_t n);

#endif
