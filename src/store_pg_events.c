/*
 * The PostgreSQL store's outbox: events, targets, set-aside events, and
 * the delivery locks (store.h, store_pg_int.h).
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpq-fe.h>

#include "err.h"
#include "store.h"
#include "store_pg_int.h"
#include "xmalloc.h"

#define EV_COLS \
	"e.seq, e.article_id, e.feed_id, e.kind, e.revision, e.created," \
	" e.feed_url, e.feed_name, e.feed_title, e.origin_url"

static enum store_event_kind
event_kind(const char *s)
{
	if (s != NULL && strcmp(s, "update") == 0)
		return STORE_EV_UPDATE;
	if (s != NULL && strcmp(s, "duplicate") == 0)
		return STORE_EV_DUPLICATE;
	return STORE_EV_NEW;
}

/* Calls cb for each event row of r until it returns non-zero; clears r.
 * The rows are all in memory: the callback may run statements (mark an
 * event done, read its article) on the same connection. */
static int
walk_events(PGresult *r, store_event_fn cb, void *ctx)
{
	struct store_event e;
	int i, rc = 0;

	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		memset(&e, 0, sizeof(e));
		e.seq = pg_int(r, i, 0);
		e.article_id = pg_int(r, i, 1);
		e.feed_id = pg_int(r, i, 2);
		e.kind = event_kind(pg_cstr(r, i, 3));
		e.revision = (int)pg_int(r, i, 4);
		e.created = pg_int(r, i, 5);
		e.feed_url = pg_cstr(r, i, 6);
		e.feed_name = pg_cstr(r, i, 7);
		e.feed_title = pg_cstr(r, i, 8);
		e.origin_url = pg_cstr(r, i, 9);
		if (PQnfields(r) > 12 && !pg_null(r, i, 10)) {
			e.fails = (int)pg_int(r, i, 10);
			e.aside_until = pg_int(r, i, 11);
			e.fail_reason = pg_cstr(r, i, 12);
		}
		rc = cb(ctx, &e);
	}
	PQclear(r);
	return rc;
}

int
store_pg_events_pending(struct store *sst, const char *target, int64_t after,
    long limit, store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	pg_p_text(&p, target);
	pg_p_int(&p, after);
	if (limit > 0)
		pg_p_int(&p, limit);
	else
		pg_p_null(&p);
	if ((r = pg_run(PG(sst), P_EV_PENDING, "SELECT " EV_COLS ", x.fails,"
	    " x.next_try, x.reason FROM events e LEFT JOIN export_aside x"
	    "  ON x.target = $1 AND x.seq = e.seq"
	    " WHERE e.seq > greatest($2, coalesce((SELECT done_below"
	    "  FROM export_targets WHERE name = $1), 0))"
	    " AND NOT EXISTS (SELECT 1 FROM export_done d"
	    "  WHERE d.target = $1 AND d.seq = e.seq)"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = e.article_id)"
	    " ORDER BY e.seq LIMIT $3", &p, ebuf, n, "outbox")) == NULL)
		return ERR_DB;
	return walk_events(r, cb, ctx);
}

int
store_pg_event_done(struct store *sst, const char *target, int64_t seq,
    int64_t now, char *ebuf, size_t n)
{
	return store_pg_events_done(sst, target, &seq, 1, now, ebuf, n);
}

/*
 * Marks the events done, then moves the target's low-water mark up to
 * the first event still to deliver (one not done whose article exists),
 * dropping the done rows it passes.  Events are committed in the order
 * of their numbers (batches follow each other, store_pg_int.h), so every
 * event below the mark is committed and decided.
 */
int
store_pg_events_done(struct store *sst, const char *target,
    const int64_t *seqs, size_t nseqs, int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int own = !st->in_batch, rc;
	size_t i;

	if (own && (rc = pg_exec(st, "BEGIN", ebuf, n)) != ERR_OK)
		return rc;
	pg_p_text(&p, target);
	if ((rc = pg_do(st, P_TARGET_ENSURE, "INSERT INTO export_targets (name)"
	    " VALUES ($1) ON CONFLICT (name) DO NOTHING", &p, ebuf, n,
	    "outbox")) != ERR_OK)
		goto out;
	for (i = 0; i < nseqs; i++) {
		pg_p_text(&p, target);
		pg_p_int(&p, seqs[i]);
		pg_p_int(&p, now);
		if ((rc = pg_do(st, P_EV_DONE, "INSERT INTO export_done (target,"
		    " seq, done) SELECT $1, $2, $3 WHERE $2 > (SELECT done_below"
		    "  FROM export_targets WHERE name = $1)"
		    " ON CONFLICT (target, seq) DO NOTHING", &p, ebuf, n,
		    "outbox")) != ERR_OK)
			goto out;
		pg_p_text(&p, target);
		pg_p_int(&p, seqs[i]);
		if ((rc = pg_do(st, P_ASIDE_DONE, "DELETE FROM export_aside"
		    " WHERE target = $1 AND seq = $2", &p, ebuf, n,
		    "outbox")) != ERR_OK)
			goto out;
	}
	pg_p_text(&p, target);
	rc = pg_do(st, P_ADVANCE, "WITH t AS (SELECT done_below FROM"
	    "  export_targets WHERE name = $1),"
	    " m AS (SELECT coalesce((SELECT min(e.seq) - 1 FROM events e, t"
	    "  WHERE e.seq > t.done_below"
	    "  AND NOT EXISTS (SELECT 1 FROM export_done d"
	    "   WHERE d.target = $1 AND d.seq = e.seq)"
	    "  AND EXISTS (SELECT 1 FROM articles a WHERE a.id = e.article_id)),"
	    "  (SELECT max(seq) FROM events), 0) AS below),"
	    " u AS (UPDATE export_targets SET done_below = m.below FROM m, t"
	    "  WHERE name = $1 AND m.below > t.done_below RETURNING m.below),"
	    " d AS (DELETE FROM export_done WHERE target = $1"
	    "  AND seq <= (SELECT below FROM u))"
	    " DELETE FROM export_aside WHERE target = $1"
	    "  AND seq <= (SELECT below FROM u)", &p, ebuf, n, "outbox");
out:
	if (own) {
		if (rc == ERR_OK)
			rc = pg_exec(st, "COMMIT", ebuf, n);
		if (rc != ERR_OK &&
		    PQtransactionStatus(st->conn) != PQTRANS_IDLE)
			PQclear(PQexec(st->conn, "ROLLBACK"));
	}
	return rc;
}

int
store_pg_events_list(struct store *sst, int64_t since, int64_t feed_id,
    store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	pg_p_int(&p, since);
	pg_p_int(&p, feed_id);
	if ((r = pg_run(PG(sst), P_EV_LIST, "SELECT " EV_COLS " FROM events e"
	    " WHERE e.created >= $1 AND ($2 = 0 OR e.feed_id = $2)"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = e.article_id)"
	    " ORDER BY e.seq", &p, ebuf, n, "outbox")) == NULL)
		return ERR_DB;
	return walk_events(r, cb, ctx);
}

int
store_pg_event_failed(struct store *sst, const char *target, int64_t seq,
    int fails, int64_t until, const char *reason, int64_t now, char *ebuf,
    size_t n)
{
	struct pg_params p = { 0 };

	pg_p_text(&p, target);
	pg_p_int(&p, seq);
	pg_p_int(&p, fails);
	pg_p_int(&p, until);
	pg_p_text(&p, reason != NULL ? reason : "");
	pg_p_int(&p, now);
	return pg_do(PG(sst), P_ASIDE_PUT, "INSERT INTO export_aside (target,"
	    " seq, fails, next_try, reason, since) VALUES ($1, $2, $3, $4, $5,"
	    " $6) ON CONFLICT (target, seq) DO UPDATE SET fails = $3,"
	    " next_try = $4, reason = $5", &p, ebuf, n, "outbox");
}

int
store_pg_target_set_error(struct store *sst, const char *target,
    const char *msg, int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	pg_p_text(&p, target);
	if ((rc = pg_do(st, P_TARGET_ENSURE, "INSERT INTO export_targets (name)"
	    " VALUES ($1) ON CONFLICT (name) DO NOTHING", &p, ebuf, n,
	    "outbox")) != ERR_OK)
		return rc;
	pg_p_text(&p, target);
	pg_p_text(&p, msg);
	pg_p_int(&p, msg != NULL ? now : 0);
	return pg_do(st, P_TARGET_ERROR, "UPDATE export_targets SET"
	    " last_error = $2, last_error_time = $3 WHERE name = $1", &p, ebuf,
	    n, "outbox");
}

int
store_pg_targets_list(struct store *sst, store_target_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_target t;
	PGresult *r;
	int i, rc = 0;

	if ((r = pg_run(PG(sst), P_TARGET_LIST, "SELECT name, done_below,"
	    " last_error, coalesce(last_error_time, 0) FROM export_targets"
	    " ORDER BY name", NULL, ebuf, n, "outbox")) == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		t.name = pg_cstr(r, i, 0);
		t.done_below = pg_int(r, i, 1);
		t.last_error = pg_cstr(r, i, 2);
		t.last_error_time = pg_int(r, i, 3);
		rc = cb(ctx, &t);
	}
	PQclear(r);
	return rc;
}

/* ---- one deliverer per target ---- */

/*
 * A target's lock is a session advisory lock on the connection, keyed by
 * a hash of its name (two names sharing a key only take turns): whoever
 * drains a target, on any machine, holds it, and a daemon that dies or
 * loses its connection lets go of it at once.
 */
#define LOCK_POLL_MS	20

static int32_t
lock_key(const char *target)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *target != '\0'; target++)
		h = (h ^ (unsigned char)*target) * 16777619u;
	return (int32_t)(h & 0x7fffffff);
}

static struct pg_tlock *
lock_find(struct store_pg *st, int32_t key)
{
	size_t i;

	for (i = 0; i < st->nlocks; i++)
		if (st->locks[i].key == key)
			return &st->locks[i];
	return NULL;
}

int
store_pg_target_lock(struct store *sst, const char *target, int wait_ms,
    int *got, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct pg_tlock *l;
	PGresult *r;
	int32_t key = lock_key(target);
	int waited = 0, have;

	*got = 0;
	if ((l = lock_find(st, key)) != NULL) {
		l->count++;
		*got = 1;
		return ERR_OK;
	}
	for (;;) {
		pg_p_int(&p, key);
		if ((r = pg_run(st, P_TLOCK, "SELECT pg_try_advisory_lock("
		    PG_STR(PG_LOCK_TARGET) ", $1::int)", &p, ebuf, n,
		    "target lock")) == NULL)
			return ERR_DB;
		have = PQntuples(r) > 0 && pg_cstr(r, 0, 0) != NULL &&
		    pg_cstr(r, 0, 0)[0] == 't';
		PQclear(r);
		if (have)
			break;
		if (waited >= wait_ms)
			return ERR_OK;
		usleep(LOCK_POLL_MS * 1000);
		waited += LOCK_POLL_MS;
	}
	st->locks = xreallocarray(st->locks, st->nlocks + 1,
	    sizeof(*st->locks));
	st->locks[st->nlocks].key = key;
	st->locks[st->nlocks++].count = 1;
	*got = 1;
	return ERR_OK;
}

void
store_pg_target_unlock(struct store *sst, const char *target)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct pg_tlock *l;
	char ebuf[256];

	if ((l = lock_find(st, lock_key(target))) == NULL || --l->count > 0)
		return;
	pg_p_int(&p, l->key);
	pg_do(st, P_TUNLOCK, "SELECT pg_advisory_unlock("
	    PG_STR(PG_LOCK_TARGET) ", $1::int)", &p, ebuf, sizeof(ebuf),
	    "target unlock");
	*l = st->locks[--st->nlocks];
}

/* ---- filter rules' marks ---- */

void
store_pg_batch_quiet(struct store *sst, int on)
{
	PG(sst)->quiet = on;
}

int
store_pg_drop_mark(struct store *sst, int64_t id, const char *target,
    const char *rule, int64_t now, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, id);
	pg_p_text(&p, target != NULL ? target : "");
	if (rule == NULL)
		return pg_do(PG(sst), P_DROP_DEL, "DELETE FROM article_drops"
		    " WHERE article_id = $1 AND target = $2", &p, ebuf, n,
		    "drop mark");
	pg_p_text(&p, rule);
	pg_p_int(&p, now);
	return pg_do(PG(sst), P_DROP_PUT, "INSERT INTO article_drops"
	    " (article_id, target, rule, dropped) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (article_id, target) DO UPDATE SET rule = $3,"
	    " dropped = $4 WHERE article_drops.rule <> $3", &p, ebuf, n,
	    "drop mark");
}

int
store_pg_drops_list(struct store *sst, int64_t id, int64_t since,
    store_drop_fn cb, void *ctx, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	struct store_drop d;
	PGresult *r;
	int i, rc = 0;

	pg_p_int(&p, id);
	pg_p_int(&p, since);
	if ((r = pg_run(PG(sst), P_DROP_LIST, "SELECT d.article_id, a.feed_id,"
	    " d.target, d.rule, d.dropped, EXISTS (SELECT 1 FROM events e"
	    "  WHERE e.article_id = d.article_id)::int"
	    " FROM article_drops d JOIN articles a ON a.id = d.article_id"
	    " WHERE ($1 = 0 OR d.article_id = $1) AND a.first_seen >= $2"
	    " ORDER BY a.sort_time DESC, d.article_id DESC, d.target", &p,
	    ebuf, n, "drop marks")) == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		d.article_id = pg_int(r, i, 0);
		d.feed_id = pg_int(r, i, 1);
		d.target = pg_cstr(r, i, 2);
		if (d.target != NULL && *d.target == '\0')
			d.target = NULL;
		d.rule = pg_cstr(r, i, 3);
		d.dropped = pg_int(r, i, 4);
		d.has_events = pg_int(r, i, 5) != 0;
		rc = cb(ctx, &d);
	}
	PQclear(r);
	return rc;
}

int
store_pg_article_event(struct store *sst, int64_t id, int64_t now,
    int64_t *seq, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;

	*seq = 0;
	pg_p_int(&p, id);
	pg_p_int(&p, now);
	if ((r = pg_run(st, P_EVENT_ARTICLE, "INSERT INTO events (article_id,"
	    " feed_id, kind, revision, created, feed_url, feed_name,"
	    " feed_title, origin_url)"
	    " SELECT a.id, f.id, 'new', a.revision, $2, f.url, f.name,"
	    " f.title, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE a.id = $1 RETURNING seq", &p, ebuf, n, "outbox")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		*seq = pg_int(r, 0, 0);
	PQclear(r);
	if (*seq == 0)
		return err_set(ebuf, n, ERR_NOTFOUND, "%s: no article %lld",
		    st->path, (long long)id);
	return ERR_OK;
}
