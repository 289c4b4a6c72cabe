#ifndef TIDINGS_STORE_H
#define TIDINGS_STORE_H
/*
 * The article store, and the seam between tidings and its database: the
 * functions declared here are the whole store interface.  src/store*.c
 * implement it on SQLite, src/store_pg*.c on PostgreSQL (when built with
 * libpq); store_open picks one by the path (store_backend.h), and no
 * caller includes sqlite3.h or libpq-fe.h or names a table.  The
 * interface, by section below:
 *
 *   opening      store_open, store_close, store_schema_version,
 *                store_set_size_limit, store_set_checkpoint,
 *                store_import
 *   cycles       store_cycle_put, store_cycle_last
 *   feeds        store_feed_ensure, _find, _get, _put_state, _set_meta,
 *                _set_url, store_feeds_list (store_feed_clear is shared)
 *   batches      store_batch_begin, _commit, _rollback
 *   identity     lookups: store_key_get, store_fp_get, store_item_get,
 *                store_article_exists, store_ident_taken;
 *                writes: store_keys_put, store_fp_put, store_item_seen,
 *                store_article_add, _update, _link,
 *                store_feed_note_identity, store_retention
 *   reading      store_article_get, store_article_find, store_articles_list,
 *                store_search (store_article_meta_clear, store_refs_free
 *                are shared)
 *   the outbox   store_events_pending, store_event_done, store_events_done,
 *                store_event_failed, store_events_list,
 *                store_target_lock, _unlock, _set_error, store_targets_list
 *                (store_event_kind_name is shared)
 *   pages        store_page_hold, _get, _put, store_pages_due
 *                (store_page_state_name is shared)
 *   nodes        store_node_register, _leave, store_nodes_list,
 *                store_feeds_claim, store_claims_renew,
 *                store_feed_release, store_size
 *   upkeep       store_backup, store_check
 *
 * The store decides nothing about identity: dedup does (dedup.h), from the
 * store's lookups by key, and calls the writes; a backend only looks up
 * and writes.  The data it keeps, and the guarantees below, are the
 * contract; doc/tidings-db.5 describes the SQLite layout.
 *
 * Concurrency: any number of readers, and writers (the daemon, `tidings
 * run`, `tidings ingest`) that may overlap: each write transaction waits
 * for the one before it.  The database is in WAL mode: readers never block
 * a writer and see only whole batches.  Writes happen inside a batch
 * (store_batch_begin .. commit), one per feed document; a failure anywhere
 * in a batch (a full disk included) rolls the whole batch back.  On
 * PostgreSQL the same holds across processes and machines: batches take
 * an advisory lock in turn, readers never wait (doc/tidings-db.5).
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
#include "ident.h"

#define STORE_SCHEMA_VERSION 10

struct store;

enum store_flags {
	STORE_RDONLY	= 1 << 0,	/* readers: never creates or migrates */
	STORE_SYNC_FULL	= 1 << 1,	/* fsync every commit (default NORMAL) */
};

/* Opens (creating and migrating when writable) the database at path.
 * Any number of processes may open, create and migrate one file at once:
 * each waits (up to 10 s) for the lock the others hold, then goes on.
 * Errors name the file.  A damaged file, or one that is not a database,
 * is refused with a message that says what to do; it is never written. */
int	store_open(const char *path, int flags, struct store **stp,
	    char *ebuf, size_t n);
/* path as messages and `tidings status` show it: a URI without its
 * password (in its user part or its parameters).  A new string. */
char	*store_path_display(const char *path);
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

/* Copies the SQLite database at path whole into st (PostgreSQL), which
 * must hold no feeds, articles or events yet: feeds with their fetch
 * state, articles, revisions, identity keys and tombstones, fingerprints,
 * events, each target's export state, cycles; numbers (article ids, event
 * sequence numbers) stay as they were, and new ones continue above them.
 * path must be at the schema version of this tidings (store_open it
 * first).  One transaction: on failure st holds nothing of it.
 * ERR_INVALID on an SQLite st. */
int	store_import(struct store *st, const char *path, char *ebuf,
	    size_t n);

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
	/* identity, see ident.h and dedup.h */
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

/* last_seen is rewritten at most this often for an unchanged item, so that
 * re-fetching an unchanged feed mostly reads and does not write. */
#define STORE_SEEN_RESOLUTION 600

/*
 * Identity.  The store does not decide what an item is: dedup does
 * (dedup.h), from the lookups below, and then calls one of the writes.
 * All of them work on the batch's feed and must be inside a batch.
 *
 * Identity keys are DEDUP_KEYLEN bytes.  A key is either the batch feed's
 * own or global (held across feeds); it is recorded with its kind.  A key
 * outlives its article: when retention removes the article, the key still
 * names it (a tombstone), so that it never comes back as new.
 */
enum store_key_kind {
	STORE_KEY_GUID = 1,
	STORE_KEY_LINK,
	STORE_KEY_CONTENT,
};

struct store_key {
	const unsigned char *key;	/* DEDUP_KEYLEN bytes */
	enum store_key_kind kind;
	int		 global;	/* 0: the batch feed's own */
};

/* The article the key names, or *id = 0. */
int	store_key_get(struct store *st, const unsigned char *key, int global,
	    int64_t *id, char *ebuf, size_t n);
/* Records nkeys keys for article id; a key already known keeps the
 * article it names. */
int	store_keys_put(struct store *st, int64_t id, const struct store_key *k,
	    size_t nkeys, char *ebuf, size_t n);

/* Fingerprints (DEDUP_KEYLEN bytes, global) are kept per day of first
 * sight, an epoch day (seconds / 86400).  Asking about a day newer than
 * any asked about before drops those older than the day before it. */
int	store_fp_get(struct store *st, int64_t day, const unsigned char *fp,
	    int64_t *id, char *ebuf, size_t n);
/* Records fp for day unless the day has it already. */
int	store_fp_put(struct store *st, int64_t day, const unsigned char *fp,
	    int64_t id, char *ebuf, size_t n);

/*
 * A hint before lookups: the keys (and the fingerprints fps, of day and
 * of the day before) that the batch is about to ask about.  A backend
 * whose every lookup is a round trip to a server (PostgreSQL) looks them
 * all up now in one statement, with the article each names and the
 * batch feed's link row to it, and answers the batch's store_key_get,
 * store_fp_get, store_item_get and store_article_exists from what it
 * fetched, kept up to date by the batch's own writes (the batch lock
 * keeps every other writer out), until the batch ends; *kept is then 1.
 * A backend whose lookups cost little (SQLite) does nothing: *kept = 0.
 * Keys it was not told about are looked up as usual.
 */
int	store_keys_ahead(struct store *st, const struct store_key *k,
	    size_t nkeys, int64_t day, const unsigned char *const *fps,
	    size_t nfps, int *kept, char *ebuf, size_t n);

/* What the batch's feed holds about one article it carries (or carried:
 * removed by retention). */
struct store_item {
	int		 have;		/* 0: the feed never brought it */
	int		 removed;
	int64_t		 last_seen;
	unsigned char	 hash[DEDUP_HASHLEN];	/* content hash */
	unsigned char	 raw[DEDUP_HASHLEN];	/* raw hash, see dedup.h */
};
int	store_item_get(struct store *st, int64_t id, struct store_item *it,
	    char *ebuf, size_t n);
/* 1 in *yes when article id exists (0: removed, only its keys are left). */
int	store_article_exists(struct store *st, int64_t id, int *yes,
	    char *ebuf, size_t n);
/* 1 in *yes when the batch's feed carries an article it brought first
 * under the parse identity ident (struct article's id). */
int	store_ident_taken(struct store *st, const char *ident, int *yes,
	    char *ebuf, size_t n);

/* What an outbox event says happened to an article (see the outbox). */
enum store_event_kind {
	STORE_EV_NEW = 0,
	STORE_EV_UPDATE,
	STORE_EV_DUPLICATE,
};

/*
 * The writes.  Each one notes the article as seen in this batch, which
 * retention spares.  hash and raw are the item's content and raw hashes
 * (DEDUP_HASHLEN bytes); now is the time of the batch.  The image,
 * duration and comment count are written with a new article and replaced
 * when it is updated.
 */
/* The batch's feed still carries article id (it: its item as
 * store_item_get read it): last_seen and the raw hash are rewritten
 * when it->last_seen is more than STORE_SEEN_RESOLUTION old (0 forces
 * it) or it->raw differs from raw. */
int	store_item_seen(struct store *st, int64_t id,
	    const struct store_item *it, const unsigned char *raw, int64_t now,
	    char *ebuf, size_t n);
/* A new article from the batch's feed, its item and its "new" event; ident
 * replaces a->id as its identity when not NULL.  Its id in *id. */
int	store_article_add(struct store *st, const struct article *a,
	    const char *ident, const unsigned char *hash,
	    const unsigned char *raw, int64_t now, int64_t *id, char *ebuf,
	    size_t n);
/* A new version of article id from the batch's feed: the version it
 * replaces is kept as a revision; its "update" event. */
int	store_article_update(struct store *st, int64_t id,
	    const struct article *a, const unsigned char *hash,
	    const unsigned char *raw, int64_t now, char *ebuf, size_t n);
/* Article id, known from another feed, now carried by the batch's feed
 * too, with an event of kind (STORE_EV_DUPLICATE, or STORE_EV_NEW when
 * such duplicates export as new). */
int	store_article_link(struct store *st, int64_t id,
	    const struct article *a, const unsigned char *hash,
	    const unsigned char *raw, enum store_event_kind kind, int64_t now, char *ebuf,
	    size_t n);
/* Records the identity mode dedup chose for the batch's feed and why, and
 * adds churn_delta to its guid churn counter. */
int	store_feed_note_identity(struct store *st, enum dedup_identity mode,
	    const char *reason, long churn_delta, char *ebuf, size_t n);
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
	/* Whole articles (issue 12): where the body came from ("feed" or
	 * "page"), the page's URL after redirects, and the page's state
	 * ("due", "page", "failed", "refused"; NULL: never asked for) and
	 * why it failed. */
	char		*body_source;
	char		*page_url;
	char		*page_state;
	char		*page_error;
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

/* ---- filter rules' marks (filter.h; article_drops_v1) ---- */

/* An article a keep= or drop= rule dropped. */
struct store_drop {
	int64_t		 article_id;
	int64_t		 feed_id;	/* the feed that brought it first */
	const char	*target;	/* NULL: the feed's rules, which drop
					 * it for every target */
	const char	*rule;		/* what filter_drops said */
	int64_t		 dropped;	/* when, first under this rule */
	int		 has_events;	/* the outbox holds an event of it */
};
typedef int (*store_drop_fn)(void *ctx, const struct store_drop *d);
/* Marks article id as dropped by rule for target (NULL: by its feed's
 * rules), at now; the time stays when the rule is the one already
 * there.  rule NULL takes the mark away.  In the batch when one is open,
 * else its own statement. */
int	store_drop_mark(struct store *st, int64_t id, const char *target,
	    const char *rule, int64_t now, char *ebuf, size_t n);
/* The marks of article id, or with id 0 of every article first seen at
 * or after since: newest article first, its feed's mark before its
 * targets'.  cb returning non-zero stops the walk and is returned. */
int	store_drops_list(struct store *st, int64_t id, int64_t since,
	    store_drop_fn cb, void *ctx, char *ebuf, size_t n);
/* A "new" event for article id from the feed that first brought it, as
 * that feed is now: for an article its feed's rules dropped (it has no
 * event) and rules changed since let through.  Its seq in *seq.  Its own
 * statement. */
int	store_article_event(struct store *st, int64_t id, int64_t now,
	    int64_t *seq, char *ebuf, size_t n);
/* With on, the batch's article writes make no outbox events (an article
 * its feed's rules drop), until called with 0 or the batch ends. */
void	store_batch_quiet(struct store *st, int on);

/* ---- the outbox (for exporters) ---- */

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
 * "PATH-lock" beside the database (on PostgreSQL a session advisory lock
 * on the server): a process that dies or is killed lets go of it at
 * once.  wait_ms: how long to wait for another process that holds it
 * (0: not at all).  *got is 1 when this handle holds it (taking it again
 * only counts; each store_target_lock that got it needs one
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

/* ---- article pages (whole articles from teaser feeds, fulltext.h) ---- */

/*
 * An article whose item looked like a teaser has its web page fetched
 * and extracted (the daemon's pages.c).  Its page is "due" from the batch
 * that stored the item (store_page_hold) until store_page_put settles it
 * ("page": the body came from the page; "failed", "refused": the feed's
 * body stays).  While it is due the article's event is held: it is not
 * in the outbox (store_events_pending, store_events_list) and a target's
 * low-water mark stops below it; settling the page releases it, in the
 * transaction that stores the page's body, so that the article goes out
 * once, whole.  A crash in between leaves the page due.  An update of
 * the article (store_article_update) keeps a body that came from its
 * page: the item's content and text replace only a body of the feed's.
 */
enum store_page_state {
	STORE_PAGE_NONE = 0,	/* never asked for */
	STORE_PAGE_DUE,
	STORE_PAGE_DONE,	/* "page" */
	STORE_PAGE_FAILED,
	STORE_PAGE_REFUSED,
};
/* "none", "due", "page", "failed", "refused". */
const char *store_page_state_name(enum store_page_state s);

struct store_page {
	int64_t		 article_id;
	int64_t		 feed_id;	/* the feed whose item asked for it */
	const char	*feed_url;	/* that feed's stored URL */
	const char	*link;		/* the page asked for */
	int		 tries;		/* failed tries so far */
	int64_t		 next_try;	/* epoch seconds */
	int64_t		 deadline;	/* give up after (fulltext_wait) */
	const char	*error;		/* the last failure, or NULL */
};

/* Inside a batch, after the article's item was stored: its page at link
 * is due, from now until deadline, and its newest event is held.  A page
 * already due keeps its tries and deadline. */
int	store_page_hold(struct store *st, int64_t id, const char *link,
	    int64_t deadline, int64_t now, char *ebuf, size_t n);
/* The state of article id's page and the link it was asked for (a new
 * string in *link, NULL with STORE_PAGE_NONE; the caller's). */
int	store_page_get(struct store *st, int64_t id,
	    enum store_page_state *state, char **link, char *ebuf, size_t n);
typedef int (*store_page_fn)(void *ctx, const struct store_page *p);
/* Every due page, soonest next_try first (records borrowed). */
int	store_pages_due(struct store *st, store_page_fn cb, void *ctx,
	    char *ebuf, size_t n);

/* What became of one page. */
struct store_page_result {
	int64_t		 article_id;
	/* STORE_PAGE_DUE: a failed try, tried again at next_try; any other
	 * state settles the page. */
	enum store_page_state state;
	int		 tries;
	int64_t		 next_try;
	const char	*page_url;	/* after redirects; NULL: none */
	const char	*error;		/* why it failed; NULL: it did not */
	/* STORE_PAGE_DONE: the extraction (content, text not NULL) */
	const char	*content;
	const char	*text;
	const char	*title;
	const char	*author;
	int		 has_published;
	struct date_time published;
};
/* Its own transaction (outside a batch).  With STORE_PAGE_DONE the
 * page's body replaces the article's (content and text; the summary
 * stays the feed's), body_source becomes "page", page_url is kept, and
 * the title, author and published date fill in only what the feed left
 * NULL.  Settling releases the article's held events.  ERR_NOTFOUND
 * when the article is gone (retention) or its page is not due. */
int	store_page_put(struct store *st, const struct store_page_result *r,
	    int64_t now, char *ebuf, size_t n);

/* ---- several daemons: nodes, claims and host leases ----
 *
 * Several daemons may share one PostgreSQL database (doc/tidings-db.5).
 * Each one registers as a node (a row of daemons_v1) and checks a feed
 * only while it holds the feed's claim: a lease until a time, renewed
 * while the check runs and released once the check is stored.  A daemon
 * that dies keeps its claims until their leases run out; then the others
 * take the feeds over.  Along with a feed, a daemon leases the feed's
 * host (the host[:port] of its stored URL): a host is fetched by one
 * daemon at a time, so [fetch]'s per-host caps hold across daemons.
 * Claims are taken in batches (FOR UPDATE SKIP LOCKED: two daemons asking
 * at once split the batch, neither waits).  On SQLite (one daemon per
 * file) every due feed asked for is claimed and no lease is kept; the
 * nodes are recorded all the same.  Times are epoch seconds of the
 * caller's clock: the daemons' clocks must agree to well within a lease.
 */
struct store_node {
	int64_t		 id;		/* its number, from register */
	const char	*node;		/* [daemon] node */
	int64_t		 pid;
	const char	*version;
	int64_t		 started;
	int64_t		 heartbeat;	/* its last renewal */
	long		 claims;	/* feeds it was checking then */
	int		 lease;		/* seconds */
};
/* Records this process as a daemon (nd's node, pid, version, lease,
 * started = heartbeat); its number in *id.  Rows of daemons silent for a
 * day are dropped. */
int	store_node_register(struct store *st, const struct store_node *nd,
	    int64_t *id, char *ebuf, size_t n);
/* A clean stop: releases every claim and host lease of node id and
 * removes its row. */
int	store_node_leave(struct store *st, int64_t id, char *ebuf, size_t n);
typedef int (*store_node_fn)(void *ctx, const struct store_node *nd);
/* The registered daemons, by node name. */
int	store_nodes_list(struct store *st, store_node_fn cb, void *ctx,
	    char *ebuf, size_t n);

/* One feed of a claim: id in, the rest out. */
struct store_claim {
	int64_t		 id;
	int		 got;		/* 1: claimed by this node */
	int64_t		 retry;		/* not got: when to ask again */
	int64_t		 last_check;	/* got: as stored (another daemon
					 * may have checked it); -1: as the
					 * caller last read it */
};
/* Claims for node id those of the nc feeds in c that are due in the
 * database (never checked, next_check <= now, or a last check in the
 * future), not retired, not claimed by another node whose lease runs,
 * and whose host no other node leases; leases their hosts until now +
 * lease.  A feed not got has retry: its stored next_check when another
 * daemon checked it meanwhile, else a few seconds on (another daemon's
 * check of it, or of its host, ends soon). */
int	store_feeds_claim(struct store *st, int64_t id, struct store_claim *c,
	    size_t nc, int64_t now, int lease, char *ebuf, size_t n);
/* The heartbeat of node id: its row's heartbeat = now and claims = nids;
 * its claims on the nids feeds in ids (those it is checking) and the
 * leases of their hosts run until now + lease. */
int	store_claims_renew(struct store *st, int64_t id, const int64_t *ids,
	    size_t nids, int64_t now, int lease, char *ebuf, size_t n);
/* Releases node id's claim on feed fid (its check is stored), and the
 * host's lease when that was the node's last claim on the host. */
int	store_feed_release(struct store *st, int64_t id, int64_t fid,
	    char *ebuf, size_t n);
/* 0 when the last call found the database out of reach (PostgreSQL: the
 * connection is lost; the next call connects again), else 1.  Always 1
 * on SQLite. */
int	store_reachable(struct store *st);
/* The database's size on disk in bytes (the SQLite file and its log;
 * the PostgreSQL database as pg_database_size reports it). */
int	store_size(struct store *st, int64_t *bytes, char *ebuf, size_t n);

/* ---- upkeep ---- */

/* Writes a consistent copy of the database to dest, a new file (ERR_INVALID
 * when it exists: a backup never overwrites), while other processes go on
 * writing: the copy holds every batch committed before it began and none
 * in part.  The copy is one self-contained file (no -wal or -shm). */
int	store_backup(struct store *st, const char *dest, char *ebuf, size_t n);

/* Called once per problem found, with a sentence saying what is wrong. */
typedef void (*store_problem_fn)(void *ctx, const char *msg);
/* Checks the database file (SQLite's integrity check) and the store's own
 * invariants in one snapshot: every article has its identity keys and is
 * carried by a feed, every event names an article (or the tombstone of
 * one) and a feed, the full-text index holds exactly the articles.  The
 * number of problems in *nproblems; an error only when the check could
 * not run.  Works on a read-only handle. */
int	store_check(struct store *st, store_problem_fn cb, void *ctx,
	    long *nproblems, char *ebuf, size_t n);

#endif
