#ifndef TIDINGS_STORE_BACKEND_H
#define TIDINGS_STORE_BACKEND_H
/*
 * The store's backends, behind the interface of store.h.  store_open
 * picks one by the path it is given: a libpq connection URI
 * ("postgresql://..." or "postgres://...") opens the PostgreSQL backend
 * (store_pg.c), anything else is an SQLite file (store_sqlite.c).  Each backend's
 * handle starts with a pointer to its table of operations, and the public
 * store_* functions (store_backend.c) call through it: no caller knows
 * which database it talks to.
 *
 * STORE_OPS lists every operation a backend implements, with its
 * parameters and the names they are passed on with; VOID_OPS those that
 * return nothing.  The functions of store.h not listed here
 * (store_feed_clear, store_article_meta_clear, store_refs_free,
 * store_event_kind_name, store_page_state_name) work on plain records
 * and are shared.
 */
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The page state a name of store_page_state_name stands for (NULL and
 * unknown names: STORE_PAGE_NONE). */
enum store_page_state store_page_state_from_name(const char *s);

#define STORE_OPS(X) \
	X(schema_version, (struct store *st), (st)) \
	X(set_size_limit, (struct store *st, int64_t max_bytes, char *ebuf, \
	    size_t n), (st, max_bytes, ebuf, n)) \
	X(set_checkpoint, (struct store *st, int pages), (st, pages)) \
	X(import, (struct store *st, const char *path, char *ebuf, size_t n), \
	    (st, path, ebuf, n)) \
	X(cycle_put, (struct store *st, const struct store_cycle *c, \
	    char *ebuf, size_t n), (st, c, ebuf, n)) \
	X(cycle_last, (struct store *st, struct store_cycle *c, char *ebuf, \
	    size_t n), (st, c, ebuf, n)) \
	X(feed_ensure, (struct store *st, const char *url, const char *name, \
	    int64_t *id, char *ebuf, size_t n), (st, url, name, id, ebuf, n)) \
	X(feed_find, (struct store *st, const char *url_or_name, int64_t *id, \
	    char *ebuf, size_t n), (st, url_or_name, id, ebuf, n)) \
	X(feed_get, (struct store *st, int64_t id, struct store_feed *f, \
	    char *ebuf, size_t n), (st, id, f, ebuf, n)) \
	X(feed_put_state, (struct store *st, const struct store_feed *f, \
	    char *ebuf, size_t n), (st, f, ebuf, n)) \
	X(feed_set_meta, (struct store *st, int64_t id, \
	    const struct article_feed *meta, char *ebuf, size_t n), \
	    (st, id, meta, ebuf, n)) \
	X(feed_set_url, (struct store *st, int64_t id, const char *url, \
	    char *ebuf, size_t n), (st, id, url, ebuf, n)) \
	X(feeds_list, (struct store *st, store_feed_fn cb, void *ctx, \
	    char *ebuf, size_t n), (st, cb, ctx, ebuf, n)) \
	X(batch_begin, (struct store *st, int64_t feed_id, char *ebuf, \
	    size_t n), (st, feed_id, ebuf, n)) \
	X(batch_commit, (struct store *st, char *ebuf, size_t n), \
	    (st, ebuf, n)) \
	X(key_get, (struct store *st, const unsigned char *key, int global, \
	    int64_t *id, char *ebuf, size_t n), (st, key, global, id, ebuf, n)) \
	X(keys_put, (struct store *st, int64_t id, const struct store_key *k, \
	    size_t nkeys, char *ebuf, size_t n), (st, id, k, nkeys, ebuf, n)) \
	X(fp_get, (struct store *st, int64_t day, const unsigned char *fp, \
	    int64_t *id, char *ebuf, size_t n), (st, day, fp, id, ebuf, n)) \
	X(fp_put, (struct store *st, int64_t day, const unsigned char *fp, \
	    int64_t id, char *ebuf, size_t n), (st, day, fp, id, ebuf, n)) \
	X(keys_ahead, (struct store *st, const struct store_key *k, \
	    size_t nkeys, int64_t day, const unsigned char *const *fps, \
	    size_t nfps, int *kept, char *ebuf, size_t n), \
	    (st, k, nkeys, day, fps, nfps, kept, ebuf, n)) \
	X(item_get, (struct store *st, int64_t id, struct store_item *it, \
	    char *ebuf, size_t n), (st, id, it, ebuf, n)) \
	X(article_exists, (struct store *st, int64_t id, int *yes, \
	    char *ebuf, size_t n), (st, id, yes, ebuf, n)) \
	X(ident_taken, (struct store *st, const char *ident, int *yes, \
	    char *ebuf, size_t n), (st, ident, yes, ebuf, n)) \
	X(item_seen, (struct store *st, int64_t id, \
	    const struct store_item *it, const unsigned char *raw, \
	    int64_t now, char *ebuf, size_t n), (st, id, it, raw, now, ebuf, n)) \
	X(article_add, (struct store *st, const struct article *a, \
	    const char *ident, const unsigned char *hash, \
	    const unsigned char *raw, int64_t now, int64_t *id, char *ebuf, \
	    size_t n), (st, a, ident, hash, raw, now, id, ebuf, n)) \
	X(article_update, (struct store *st, int64_t id, \
	    const struct article *a, const unsigned char *hash, \
	    const unsigned char *raw, int64_t now, char *ebuf, size_t n), \
	    (st, id, a, hash, raw, now, ebuf, n)) \
	X(article_link, (struct store *st, int64_t id, \
	    const struct article *a, const unsigned char *hash, \
	    const unsigned char *raw, enum store_event_kind kind, int64_t now, \
	    char *ebuf, size_t n), (st, id, a, hash, raw, kind, now, ebuf, n)) \
	X(feed_note_identity, (struct store *st, enum dedup_identity mode, \
	    const char *reason, long churn_delta, char *ebuf, size_t n), \
	    (st, mode, reason, churn_delta, ebuf, n)) \
	X(retention, (struct store *st, int64_t max_age, long max_count, \
	    int64_t now, long *removed, char *ebuf, size_t n), \
	    (st, max_age, max_count, now, removed, ebuf, n)) \
	X(article_get, (struct store *st, int64_t id, struct article **ap, \
	    struct store_article_meta *m, char *ebuf, size_t n), \
	    (st, id, ap, m, ebuf, n)) \
	X(article_find, (struct store *st, const char *ref, size_t max, \
	    struct store_ref **out, size_t *nout, char *ebuf, size_t n), \
	    (st, ref, max, out, nout, ebuf, n)) \
	X(articles_list, (struct store *st, const struct store_filter *f, \
	    store_article_fn cb, void *ctx, char *ebuf, size_t n), \
	    (st, f, cb, ctx, ebuf, n)) \
	X(search, (struct store *st, const char *query, long limit, \
	    store_article_fn cb, void *ctx, char *ebuf, size_t n), \
	    (st, query, limit, cb, ctx, ebuf, n)) \
	X(events_pending, (struct store *st, const char *target, \
	    int64_t after, long limit, store_event_fn cb, void *ctx, \
	    char *ebuf, size_t n), (st, target, after, limit, cb, ctx, ebuf, n)) \
	X(event_done, (struct store *st, const char *target, int64_t seq, \
	    int64_t now, char *ebuf, size_t n), (st, target, seq, now, ebuf, n)) \
	X(events_done, (struct store *st, const char *target, \
	    const int64_t *seqs, size_t nseqs, int64_t now, char *ebuf, \
	    size_t n), (st, target, seqs, nseqs, now, ebuf, n)) \
	X(event_failed, (struct store *st, const char *target, int64_t seq, \
	    int fails, int64_t until, const char *reason, int64_t now, \
	    char *ebuf, size_t n), \
	    (st, target, seq, fails, until, reason, now, ebuf, n)) \
	X(events_list, (struct store *st, int64_t since, int64_t feed_id, \
	    store_event_fn cb, void *ctx, char *ebuf, size_t n), \
	    (st, since, feed_id, cb, ctx, ebuf, n)) \
	X(drop_mark, (struct store *st, int64_t id, const char *target, \
	    const char *rule, int64_t now, char *ebuf, size_t n), \
	    (st, id, target, rule, now, ebuf, n)) \
	X(drops_list, (struct store *st, int64_t id, int64_t since, \
	    store_drop_fn cb, void *ctx, char *ebuf, size_t n), \
	    (st, id, since, cb, ctx, ebuf, n)) \
	X(article_event, (struct store *st, int64_t id, int64_t now, \
	    int64_t *seq, char *ebuf, size_t n), (st, id, now, seq, ebuf, n)) \
	X(target_lock, (struct store *st, const char *target, int wait_ms, \
	    int *got, char *ebuf, size_t n), (st, target, wait_ms, got, ebuf, n)) \
	X(target_set_error, (struct store *st, const char *target, \
	    const char *msg, int64_t now, char *ebuf, size_t n), \
	    (st, target, msg, now, ebuf, n)) \
	X(targets_list, (struct store *st, store_target_fn cb, void *ctx, \
	    char *ebuf, size_t n), (st, cb, ctx, ebuf, n)) \
	X(page_hold, (struct store *st, int64_t id, const char *link, \
	    int64_t deadline, int64_t now, char *ebuf, size_t n), \
	    (st, id, link, deadline, now, ebuf, n)) \
	X(page_get, (struct store *st, int64_t id, \
	    enum store_page_state *state, char **link, char *ebuf, size_t n), \
	    (st, id, state, link, ebuf, n)) \
	X(pages_due, (struct store *st, store_page_fn cb, void *ctx, \
	    char *ebuf, size_t n), (st, cb, ctx, ebuf, n)) \
	X(page_put, (struct store *st, const struct store_page_result *r, \
	    int64_t now, char *ebuf, size_t n), (st, r, now, ebuf, n)) \
	X(backup, (struct store *st, const char *dest, char *ebuf, size_t n), \
	    (st, dest, ebuf, n)) \
	X(check, (struct store *st, store_problem_fn cb, void *ctx, \
	    long *nproblems, char *ebuf, size_t n), \
	    (st, cb, ctx, nproblems, ebuf, n)) \
	X(node_register, (struct store *st, const struct store_node *nd, \
	    int64_t *id, char *ebuf, size_t n), (st, nd, id, ebuf, n)) \
	X(node_leave, (struct store *st, int64_t id, char *ebuf, size_t n), \
	    (st, id, ebuf, n)) \
	X(nodes_list, (struct store *st, store_node_fn cb, void *ctx, \
	    char *ebuf, size_t n), (st, cb, ctx, ebuf, n)) \
	X(feeds_claim, (struct store *st, int64_t id, struct store_claim *c, \
	    size_t nc, int64_t now, int lease, char *ebuf, size_t n), \
	    (st, id, c, nc, now, lease, ebuf, n)) \
	X(claims_renew, (struct store *st, int64_t id, const int64_t *ids, \
	    size_t nids, int64_t now, int lease, char *ebuf, size_t n), \
	    (st, id, ids, nids, now, lease, ebuf, n)) \
	X(feed_release, (struct store *st, int64_t id, int64_t fid, \
	    char *ebuf, size_t n), (st, id, fid, ebuf, n)) \
	X(size, (struct store *st, int64_t *bytes, char *ebuf, size_t n), \
	    (st, bytes, ebuf, n)) \
	X(reachable, (struct store *st), (st))

#define VOID_OPS(X) \
	X(close, (struct store *st), (st)) \
	X(batch_rollback, (struct store *st), (st)) \
	X(batch_quiet, (struct store *st, int on), (st, on)) \
	X(target_unlock, (struct store *st, const char *target), (st, target))

struct store_ops {
	const char	*name;		/* "sqlite", "postgresql" */
#define STORE_OP_MEMBER(name, params, args) int (*name) params;
#define STORE_VOP_MEMBER(name, params, args) void (*name) params;
	STORE_OPS(STORE_OP_MEMBER)
	VOID_OPS(STORE_VOP_MEMBER)
};

/* Every backend's handle starts with this. */
struct store_head {
	const struct store_ops *ops;
};

/* The backends: each one's store_open and its operations (named
 * store_sqlite_NAME and store_pg_NAME). */
#define STORE_DECLARE_OPS(prefix) \
	STORE_OPS(STORE_DECL_##prefix) VOID_OPS(STORE_VDECL_##prefix)
#define STORE_DECL_sqlite(name, params, args) int store_sqlite_##name params;
#define STORE_VDECL_sqlite(name, params, args) void store_sqlite_##name params;
#define STORE_DECL_pg(name, params, args) int store_pg_##name params;
#define STORE_VDECL_pg(name, params, args) void store_pg_##name params;

int	store_sqlite_open(const char *path, int flags, struct store **stp,
	    char *ebuf, size_t n);
STORE_DECLARE_OPS(sqlite)
extern const struct store_ops store_sqlite_ops;

#ifdef HAVE_POSTGRESQL
int	store_pg_open(const char *uri, int flags, struct store **stp,
	    char *ebuf, size_t n);
STORE_DECLARE_OPS(pg)
extern const struct store_ops store_pg_ops;
#endif

/* Shared by the backends (store_articles.c): an article's categories
 * and enclosures as the JSON text the databases keep (NULL when it has
 * none; the caller frees it), and back into an article. */
char	*store_categories_json(const struct article *a);
char	*store_enclosures_json(const struct article *a);
void	 store_json_categories(struct article *a, const char *s);
void	 store_json_enclosures(struct article *a, const char *s);

/* The columns of an article record as both backends read them (FROM
 * articles a JOIN feeds f), in the order of their row readers. */
#define STORE_ART_COLS \
	"a.id, a.feed_id, a.ident, a.guid, a.link, a.title, a.author," \
	" a.published, a.published_tz, a.updated, a.updated_tz, a.summary," \
	" a.content, a.text, a.categories, a.enclosures, a.comments," \
	" a.language, a.first_seen, a.changed, a.content_hash, a.revision," \
	" f.url, f.name, f.title," \
	" (SELECT max(x.last_seen) FROM article_feeds x" \
	"  WHERE x.article_id = a.id)," \
	" (SELECT count(*) FROM article_feeds x" \
	"  WHERE x.article_id = a.id AND x.removed = 0)," \
	" a.image, a.duration, a.comment_count, a.body_source, a.page_url," \
	" (SELECT p.state FROM pages p WHERE p.article_id = a.id)," \
	" (SELECT p.error FROM pages p WHERE p.article_id = a.id)"

/* 1 when path names a PostgreSQL database (a libpq URI). */
int	store_path_is_pg(const char *path);

#endif
