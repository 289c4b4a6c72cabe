/*
 * The SQLite store (store.h): opening and closing the database, every
 * statement it runs (prepared once, kept in struct store), and batches.
 * store_int.h lists the files that hold the rest.
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"


#define EV_COLS \
	"e.seq, e.article_id, e.feed_id, e.kind, e.revision, e.created," \
	" e.feed_url, e.feed_name, e.feed_title, e.origin_url"

#define FEED_COLS \
	"id, url, name, title, site_link, etag, last_modified, http_status," \
	" last_check, last_success, next_check, retry_after, last_error," \
	" error_class, consecutive_failures, total_failures, retired," \
	" moved_to, moved_count, ttl_minutes, update_period_minutes," \
	" skip_hours, skip_days, cache_max_age, identity_policy," \
	" identity_mode, identity_reason, guid_churn," \
	" (SELECT count(*) FROM article_feeds x" \
	"  WHERE x.feed_id = feeds.id AND x.removed = 0)"

static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_FEED_BY_URL] = "SELECT id FROM feeds WHERE url = ?1",
	[S_FEED_BY_NAME] = "SELECT id FROM feeds WHERE name = ?1 ORDER BY id"
	    " LIMIT 1",
	/* another process may add the same feed between our look-up and
	 * this insert: then the look-up is repeated */
	[S_FEED_INSERT] = "INSERT INTO feeds (url, name, created)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (url) DO NOTHING",
	[S_FEED_SET_NAME] = "UPDATE feeds SET name = ?2 WHERE id = ?1"
	    " AND name IS NOT ?2",
	[S_FEED_GET] = "SELECT " FEED_COLS " FROM feeds WHERE id = ?1",
	[S_FEED_LIST] = "SELECT " FEED_COLS " FROM feeds ORDER BY id",
	[S_FEED_PUT] = "UPDATE feeds SET etag = ?2, last_modified = ?3,"
	    " http_status = ?4, last_check = ?5, last_success = ?6,"
	    " next_check = ?7, retry_after = ?8, last_error = ?9,"
	    " error_class = ?10, consecutive_failures = ?11,"
	    " total_failures = ?12, retired = ?13, moved_to = ?14,"
	    " moved_count = ?15, ttl_minutes = ?16,"
	    " update_period_minutes = ?17, skip_hours = ?18, skip_days = ?19,"
	    " cache_max_age = ?20, identity_policy = ?21 WHERE id = ?1",
	[S_FEED_META] = "UPDATE feeds SET title = ?2, site_link = ?3,"
	    " ttl_minutes = ?4, update_period_minutes = ?5, skip_hours = ?6,"
	    " skip_days = ?7 WHERE id = ?1 AND (title IS NOT ?2"
	    " OR site_link IS NOT ?3 OR ttl_minutes != ?4"
	    " OR update_period_minutes != ?5 OR skip_hours != ?6"
	    " OR skip_days != ?7)",
	[S_FEED_URL] = "UPDATE feeds SET url = ?2, moved_to = NULL,"
	    " moved_count = 0 WHERE id = ?1",
	[S_FEED_GEN] = "UPDATE feeds SET batch_gen = batch_gen + 1"
	    " WHERE id = ?1 RETURNING batch_gen",
	[S_FEED_EXISTS] = "SELECT 1 FROM feeds WHERE id = ?1",
	[S_FEED_IDENTITY] = "UPDATE feeds SET identity_mode = ?2,"
	    " identity_reason = ?3, guid_churn = guid_churn + ?4 WHERE id = ?1"
	    " AND (identity_mode IS NOT ?2 OR identity_reason IS NOT ?3"
	    " OR ?4 != 0)",
	[S_KEY_GET] = "SELECT article_id FROM identity_keys"
	    " WHERE scope = ?1 AND key = ?2",
	[S_KEYS_PUT] = "INSERT OR IGNORE INTO identity_keys"
	    " (scope, key, kind, article_id) VALUES (?1, ?2, ?3, ?10),"
	    " (?4, ?5, ?6, ?10), (?7, ?8, ?9, ?10)",
	[S_AF_GET] = "SELECT content_hash, removed, raw_hash, last_seen"
	    " FROM article_feeds"
	    " WHERE article_id = ?1 AND feed_id = ?2",
	[S_AF_SEEN] = "UPDATE article_feeds SET last_seen = ?3, raw_hash = ?4"
	    " WHERE article_id = ?1 AND feed_id = ?2",
	[S_AF_INSERT] = "INSERT INTO article_feeds (article_id, feed_id, guid,"
	    " content_hash, raw_hash, first_seen, last_seen, is_duplicate)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
	[S_AF_UPDATE] = "UPDATE article_feeds SET guid = ?3, content_hash = ?4,"
	    " raw_hash = ?5, last_seen = ?6"
	    " WHERE article_id = ?1 AND feed_id = ?2",
	[S_ART_EXISTS] = "SELECT 1 FROM articles WHERE id = ?1",
	[S_ART_INSERT] = "INSERT INTO articles (feed_id, ident, guid, link,"
	    " title, author, published, published_tz, updated, updated_tz,"
	    " summary, content, text, categories, enclosures, comments,"
	    " language, first_seen, changed, sort_time, content_hash, image,"
	    " duration, comment_count)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18, ?18, ?19, ?20, ?21, ?22, ?23)",
	[S_ART_UPDATE] = "UPDATE articles SET ident = CASE"
	    " WHEN substr(ident, 1, length(?2) + 2) = ?2 || ' #' THEN ident"
	    " ELSE ?2 END, guid = ?3, link = ?4,"
	    " title = ?5, author = ?6, published = ?7, published_tz = ?8,"
	    " updated = ?9, updated_tz = ?10, summary = ?11, content = ?12,"
	    " text = ?13, categories = ?14, enclosures = ?15, comments = ?16,"
	    " language = ?17, changed = ?18, content_hash = ?19, image = ?20,"
	    " duration = ?21, comment_count = ?22,"
	    " revision = revision + 1 WHERE id = ?1 RETURNING revision",
	[S_REV_SAVE] = "INSERT OR REPLACE INTO article_revisions (article_id,"
	    " revision, title, link, author, published, published_tz, updated,"
	    " updated_tz, summary, content, text, content_hash, replaced)"
	    " SELECT id, revision, title, link, author, published,"
	    " published_tz, updated, updated_tz, summary, content, text,"
	    " content_hash, ?2 FROM articles WHERE id = ?1",
	/* the feed as it is now, and the article's first feed: what a
	 * replay renders with (S_EV_FILL redoes it when the feed changes
	 * later in the batch) */
	[S_EVENT_NEW] = "INSERT INTO events (article_id, feed_id, kind,"
	    " revision, created, feed_url, feed_name, feed_title, origin_url)"
	    " SELECT ?1, f.id, ?3, ?4, ?5, f.url, f.name, f.title, f.url"
	    " FROM feeds f WHERE f.id = ?2",
	[S_EVENT_INSERT] = "INSERT INTO events (article_id, feed_id, kind,"
	    " revision, created, feed_url, feed_name, feed_title, origin_url)"
	    " SELECT ?1, f.id, ?3, ?4, ?5, f.url, f.name, f.title,"
	    " (SELECT g.url FROM articles a JOIN feeds g ON g.id = a.feed_id"
	    "  WHERE a.id = ?1) FROM feeds f WHERE f.id = ?2",
	/* retention candidates, filtered in C against the batch's items */
	[S_RET_AGE] = "SELECT x.article_id FROM article_feeds x"
	    " JOIN articles a ON a.id = x.article_id"
	    " WHERE x.feed_id = ?1 AND x.removed = 0 AND a.sort_time < ?2",
	[S_RET_COUNT] = "SELECT x.article_id FROM article_feeds x"
	    " JOIN articles a ON a.id = x.article_id"
	    " WHERE x.feed_id = ?1 AND x.removed = 0"
	    " ORDER BY a.sort_time DESC, a.id DESC",
	[S_RET_MARK] = "UPDATE article_feeds SET removed = ?3"
	    " WHERE article_id = ?1 AND feed_id = ?2 AND removed = 0",
	[S_RET_DELETE] = "DELETE FROM articles WHERE id IN"
	    " (SELECT article_id FROM article_feeds"
	    "  WHERE feed_id = ?1 AND removed = ?2)"
	    " AND NOT EXISTS (SELECT 1 FROM article_feeds x"
	    "  WHERE x.article_id = articles.id AND x.removed = 0)",
	[S_ART_GET] = "SELECT " STORE_ART_COLS " FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
	[S_ART_LIST] = "SELECT " STORE_ART_COLS " FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id"
	    " WHERE (?1 = 0 OR EXISTS (SELECT 1 FROM article_feeds y"
	    "  WHERE y.article_id = a.id AND y.feed_id = ?1 AND y.removed = 0))"
	    " AND a.sort_time >= ?2"
	    " ORDER BY a.sort_time DESC, a.id DESC LIMIT ?3",
	[S_SEARCH] = "WITH m AS (SELECT rowid AS id, rank FROM articles_fts"
	    " WHERE articles_fts MATCH ?1 ORDER BY rank LIMIT ?2)"
	    " SELECT " STORE_ART_COLS " FROM m JOIN articles a ON a.id = m.id"
	    " JOIN feeds f ON f.id = a.feed_id ORDER BY m.rank",
	[S_EV_PENDING] = "SELECT " EV_COLS ", x.fails, x.next_try, x.reason"
	    " FROM events e LEFT JOIN export_aside x"
	    "  ON x.target = ?1 AND x.seq = e.seq"
	    " WHERE e.seq > max(?2, coalesce((SELECT done_below"
	    "  FROM export_targets WHERE name = ?1), 0))"
	    " AND NOT EXISTS (SELECT 1 FROM export_done d"
	    "  WHERE d.target = ?1 AND d.seq = e.seq)"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = e.article_id)"
	    " ORDER BY e.seq LIMIT ?3",
	[S_ASIDE_PUT] = "INSERT INTO export_aside (target, seq, fails,"
	    " next_try, reason, since) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (target, seq) DO UPDATE SET fails = ?3,"
	    " next_try = ?4, reason = ?5",
	[S_ASIDE_DONE] = "DELETE FROM export_aside WHERE target = ?1"
	    " AND seq = ?2",
	[S_ASIDE_BELOW] = "DELETE FROM export_aside WHERE target = ?1"
	    " AND seq <= ?2",
	/* another article this feed brought first under the same parse
	 * identity (see store_ident_taken) */
	[S_IDENT_TAKEN] = "SELECT 1 FROM article_feeds x"
	    " JOIN articles a ON a.id = x.article_id"
	    " WHERE x.feed_id = ?1 AND a.feed_id = ?1 AND a.ident = ?2"
	    " LIMIT 1",
	[S_EV_DONE] = "INSERT OR IGNORE INTO export_done (target, seq, done)"
	    " SELECT ?1, ?2, ?3 WHERE ?2 > (SELECT done_below"
	    "  FROM export_targets WHERE name = ?1)",
	[S_TARGET_ENSURE] = "INSERT OR IGNORE INTO export_targets (name)"
	    " VALUES (?1)",
	[S_TARGET_LOW] = "SELECT done_below FROM export_targets WHERE name = ?1",
	[S_DONE_DELETE] = "DELETE FROM export_done WHERE target = ?1"
	    " AND seq = ?2",
	[S_DONE_EXISTS] = "SELECT 1 FROM export_done WHERE target = ?1"
	    " AND seq = ?2",
	/* an event no exporter will ever see: its article is gone */
	[S_EV_SKIPPABLE] = "SELECT 1 FROM events e WHERE e.seq = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM articles a"
	    "  WHERE a.id = e.article_id)",
	[S_TARGET_SET] = "UPDATE export_targets SET done_below = ?2"
	    " WHERE name = ?1",
	[S_EV_MAX] = "SELECT coalesce(max(seq), 0) FROM events",
	/* at commit, when the feed's title from this document is known */
	[S_EV_FILL] = "UPDATE events SET"
	    " feed_url = (SELECT url FROM feeds WHERE id = events.feed_id),"
	    " feed_name = (SELECT name FROM feeds WHERE id = events.feed_id),"
	    " feed_title = (SELECT title FROM feeds WHERE id = events.feed_id),"
	    " origin_url = (SELECT f.url FROM articles a JOIN feeds f"
	    "  ON f.id = a.feed_id WHERE a.id = events.article_id)"
	    " WHERE seq >= ?1",
	[S_EV_LIST] = "SELECT " EV_COLS " FROM events e"
	    " WHERE e.created >= ?1 AND (?2 = 0 OR e.feed_id = ?2)"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = e.article_id)"
	    " ORDER BY e.seq",
	[S_EVENT_ARTICLE] = "INSERT INTO events (article_id, feed_id, kind,"
	    " revision, created, feed_url, feed_name, feed_title, origin_url)"
	    " SELECT a.id, f.id, 'new', a.revision, ?2, f.url, f.name,"
	    " f.title, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE a.id = ?1",
	[S_DROP_PUT] = "INSERT INTO article_drops (article_id, target, rule,"
	    " dropped) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (article_id, target) DO UPDATE SET rule = ?3,"
	    " dropped = ?4 WHERE rule != ?3",
	[S_DROP_DEL] = "DELETE FROM article_drops WHERE article_id = ?1"
	    " AND target = ?2",
	[S_DROP_LIST] = "SELECT d.article_id, a.feed_id, d.target, d.rule,"
	    " d.dropped, EXISTS (SELECT 1 FROM events e"
	    "  WHERE e.article_id = d.article_id)"
	    " FROM article_drops d JOIN articles a ON a.id = d.article_id"
	    " WHERE (?1 = 0 OR d.article_id = ?1) AND a.first_seen >= ?2"
	    " ORDER BY a.sort_time DESC, d.article_id DESC, d.target",
	[S_TARGET_ERROR] = "UPDATE export_targets SET last_error = ?2,"
	    " last_error_time = ?3 WHERE name = ?1",
	[S_TARGET_LIST] = "SELECT name, done_below, last_error,"
	    " coalesce(last_error_time, 0) FROM export_targets ORDER BY name",
	/* The full-text index is kept in step here rather than by triggers:
	 * FTS5 flushes its pending terms at the end of every statement that
	 * touches it, so a row-by-row trigger writes one index segment per
	 * article; one statement per batch writes one. */
	[S_MAX_ID] = "SELECT coalesce(max(id), 0) FROM articles",
	[S_FTS_BATCH] = "INSERT INTO articles_fts(rowid, title, text)"
	    " SELECT id, title, text FROM articles WHERE id > ?1",
	[S_FTS_DEL_ONE] = "INSERT INTO articles_fts(articles_fts, rowid, title,"
	    " text) SELECT 'delete', id, title, text FROM articles WHERE id = ?1",
	[S_FTS_ADD_ONE] = "INSERT INTO articles_fts(rowid, title, text)"
	    " SELECT id, title, text FROM articles WHERE id = ?1",
	[S_FP_GET] = "SELECT day, fp, article_id FROM fingerprints"
	    " WHERE id = ?1",
	[S_FP_PUT] = "INSERT INTO fingerprints (day, fp, article_id)"
	    " VALUES (?1, ?2, ?3)",
	[S_FP_SINCE] = "SELECT id, fp FROM fingerprints WHERE id > ?1"
	    " ORDER BY id",
	[S_FP_PRUNE] = "DELETE FROM fingerprints WHERE day < ?1",
	[S_FTS_DEL_RET] = "INSERT INTO articles_fts(articles_fts, rowid, title,"
	    " text) SELECT 'delete', id, title, text FROM articles WHERE id IN"
	    " (SELECT article_id FROM article_feeds"
	    "  WHERE feed_id = ?1 AND removed = ?2)"
	    " AND NOT EXISTS (SELECT 1 FROM article_feeds x"
	    "  WHERE x.article_id = articles.id AND x.removed = 0)",
};

/* What "database is locked" means here: the busy timeout (store_open's
 * OPEN_WAIT_MS) ran out behind another writer. */
#define LOCKED_TEXT	"the database is locked: another process (the " \
	"daemon, tidings run or tidings ingest) held its write lock for " \
	"more than 10 s; nothing of this was stored"

int
store_db_error(struct store *st, char *ebuf, size_t n, const char *what)
{
	if (sqlite3_errcode(st->db) == SQLITE_BUSY)
		return err_set(ebuf, n, ERR_DB, "%s: %s: " LOCKED_TEXT,
		    st->path, what);
	return err_set(ebuf, n, ERR_DB, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

sqlite3_stmt *
store_stmt(struct store *st, enum stmt_id id, char *ebuf, size_t n)
{
	sqlite3_stmt *s = st->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			store_db_error(st, ebuf, n, "prepare");
			return NULL;
		}
		st->stmts[id] = s;
	}
	return s;
}

int
store_run(struct store *st, sqlite3_stmt *s, char *ebuf, size_t n,
    const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, what);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return rc;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ERR_OK;
}

void
store_reset(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

char *
store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
store_exec(struct store *st, const char *sql, char *ebuf, size_t n)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (sqlite3_errcode(st->db) == SQLITE_BUSY)
			err_set(ebuf, n, ERR_DB, "%s: " LOCKED_TEXT, st->path);
		else
			err_set(ebuf, n, ERR_DB, "%s: %s", st->path,
			    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return ERR_DB;
	}
	return ERR_OK;
}

int
store_pragma_int(struct store *st, const char *sql, int *out, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, sql);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, sql);
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	return ERR_OK;
}

/* How long store_open waits for other processes (SQLite's busy timeout,
 * and the switch to WAL mode below). */
#define OPEN_WAIT_MS	10000

/*
 * Switches a new database to WAL mode; mode gets what it is after.  The
 * switch needs the file to itself, and SQLite does not wait for that: a
 * second process that opens the fresh file at the same moment (reading
 * its schema, or creating it) makes it fail at once with "database is
 * locked".  Wait for the other one then, as the busy timeout would.
 */
static int
wal_mode(struct store *st, char *mode, size_t len, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int waited = 0, rc;

	for (;;) {
		if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
		    &s, NULL) != SQLITE_OK) {
			rc = sqlite3_errcode(st->db);
			if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
			    waited < OPEN_WAIT_MS)
				goto again;
			return store_db_error(st, ebuf, n, "journal_mode");
		}
		mode[0] = '\0';
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(mode, len, "%s",
			    (const char *)sqlite3_column_text(s, 0));
		rc = sqlite3_finalize(s);
		if (rc == SQLITE_OK)
			rc = sqlite3_errcode(st->db);
		/* the caller reports any other outcome */
		if (strcmp(mode, "wal") == 0 || waited >= OPEN_WAIT_MS ||
		    (rc != SQLITE_BUSY && rc != SQLITE_LOCKED))
			return ERR_OK;
again:
		usleep(20 * 1000);
		waited += 20;
	}
}

/*
 * A file SQLite finds damaged or not a database at all (truncated,
 * overwritten, another program's file) is never written to, repaired or
 * replaced: the message says what to do instead.
 */
static int
damaged(struct store *st, char *ebuf, size_t n)
{
	return err_set(ebuf, n, ERR_DB, "%s: damaged or not a database (%s); "
	    "tidings leaves it as it is: restore a copy made by `tidings "
	    "backup`, or move it (with its -wal and -shm files) aside to "
	    "start an empty database; `tidings check-db` says what is wrong",
	    st->path, sqlite3_errmsg(st->db));
}

/* The identity of PATH-suffix, or 0 when it cannot be read. */
static int
side_file(const struct store *st, const char *suffix, struct stat *sb)
{
	char p[4096];

	if (snprintf(p, sizeof(p), "%s%s", st->path, suffix) >= (int)sizeof(p))
		return 0;
	return stat(p, sb) == 0;
}

/* Notes which files the connection's -wal and -shm are. */
static void
side_files_note(struct store *st)
{
	struct stat w, m;

	st->side_known = side_file(st, "-wal", &w) && side_file(st, "-shm", &m);
	if (st->side_known) {
		st->wal_id[0] = (uint64_t)w.st_dev;
		st->wal_id[1] = (uint64_t)w.st_ino;
		st->shm_id[0] = (uint64_t)m.st_dev;
		st->shm_id[1] = (uint64_t)m.st_ino;
	}
}

/* 0 when the -wal or -shm path no longer names the file the connection
 * uses (deleted or replaced behind its back). */
static int
side_files_ok(struct store *st)
{
	struct stat w, m;

	if (!st->side_known) {
		side_files_note(st);
		return 1;
	}
	return side_file(st, "-wal", &w) && side_file(st, "-shm", &m) &&
	    (uint64_t)w.st_dev == st->wal_id[0] &&
	    (uint64_t)w.st_ino == st->wal_id[1] &&
	    (uint64_t)m.st_dev == st->shm_id[0] &&
	    (uint64_t)m.st_ino == st->shm_id[1];
}

/* Opens st->db (and, for a writer, WAL mode, the pragmas, migrations and
 * the checkpoint thread). */
static int
store_connect(struct store *st, char *ebuf, size_t n)
{
	const char *path = st->path;
	int flags = st->flags, oflags, v = 0, rc;
	char mode[16] = "";

	if (flags & STORE_RDONLY) {
		/* SQLite would report a missing file as "unable to open";
		 * say what it is */
		if (access(path, F_OK) != 0)
			return err_set(ebuf, n, ERR_IO, "%s: %s", path,
			    strerror(errno));
		oflags = SQLITE_OPEN_READONLY;
	} else
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK)
		return err_set(ebuf, n, ERR_DB, "%s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
	sqlite3_extended_result_codes(st->db, 0);
	/* The daemon and a consumer's writes (none) or a second ingest can
	 * meet; waiting a few seconds beats failing a batch. */
	sqlite3_busy_timeout(st->db, OPEN_WAIT_MS);
	if (!(flags & STORE_RDONLY)) {
		if ((rc = wal_mode(st, mode, sizeof(mode), ebuf, n)) != ERR_OK)
			return rc;
		if (strcmp(mode, "wal") != 0)
			return err_set(ebuf, n, ERR_DB, "%s: cannot switch to "
			    "WAL mode: %s", path, sqlite3_errmsg(st->db));
		/* In WAL mode NORMAL never corrupts the database, a crash of
		 * the process loses nothing committed, and only a power cut
		 * may lose the last transactions (which the next fetch
		 * brings back).  FULL also survives that, at an fsync per
		 * batch. */
		if ((rc = store_exec(st, flags & STORE_SYNC_FULL ?
		    "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
		    ebuf, n)) != ERR_OK)
			return rc;
		/* Checkpoints (each with two fsyncs) every 64 MB of log
		 * rather than SQLite's 4 MB: pages written by many batches
		 * (index interiors, the full-text structure) are copied back
		 * once, and a busy disk sees far fewer syncs (figures in
		 * bench/README.store).  They run on the
		 * store's checkpoint thread (store_ckpt_start); the pragma
		 * is for when it cannot start.  A batch that merges
		 * full-text segments can make the log large once; do not
		 * keep that much disk afterwards. */
		if ((rc = store_exec(st, "PRAGMA cache_size = -8192;"
		    "PRAGMA temp_store = MEMORY;"
		    "PRAGMA secure_delete = OFF;"
		    "PRAGMA journal_size_limit = 67108864;"
		    "PRAGMA wal_autocheckpoint = 16384", ebuf, n)) != ERR_OK)
			return rc;
		if ((rc = store_migrate(st, ebuf, n)) != ERR_OK)
			return rc;
		store_ckpt_start(st);
		side_files_note(st);
	}
	if ((rc = store_pragma_int(st, "PRAGMA user_version", &v, ebuf,
	    n)) != ERR_OK)
		return rc;
	if (v == 0)
		return err_set(ebuf, n, ERR_DB, "%s: not a tidings database "
		    "(no schema)", path);
	if (v != STORE_SCHEMA_VERSION)
		return err_set(ebuf, n, ERR_DB, "%s: schema version %d, this "
		    "tidings reads version %d%s", path, v, STORE_SCHEMA_VERSION,
		    v < STORE_SCHEMA_VERSION ?
		    " (open it once with tidings ingest or the daemon)" : "");
	return ERR_OK;
}

/* Closes the connection (and the checkpoint thread's), keeping st. */
static void
store_disconnect(struct store *st)
{
	int i;

	if (st->in_batch)
		store_batch_rollback(st);
	store_ckpt_stop(st);
	for (i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(st->stmts[i]);
		st->stmts[i] = NULL;
	}
	if (st->db != NULL)
		sqlite3_close(st->db);
	st->db = NULL;
	st->fps.day = 0;
}

/*
 * The -wal or -shm file was deleted or replaced while the connection had
 * it open: the connection goes on with the old (unlinked) files, where
 * the only copy of recent commits may be, while any other process would
 * start new ones and neither would see the other's writes.  Copy
 * everything from the old log into the database file, then reopen, which
 * makes new files that every process shares again.
 */
static int
store_reconnect(struct store *st, char *ebuf, size_t n)
{
	int pages = st->ck.pages, rc;

	store_ckpt_stop(st);
	if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "checkpoint");
	store_disconnect(st);
	if ((rc = store_connect(st, ebuf, n)) != ERR_OK)
		return rc;
	if (pages > 0)
		store_set_checkpoint(st, pages);
	return err_set(ebuf, n, ERR_DB, "%s: its -wal or -shm file was deleted "
	    "or replaced while open (never do that while tidings runs): "
	    "everything committed is copied into %s and the database is "
	    "reopened; the batch is tried again", st->path, st->path);
}

int
store_sqlite_open(const char *path, int flags, struct store **stp, char *ebuf,
    size_t n)
{
	struct store *st;
	int rc;

	*stp = NULL;
	st = xcalloc(1, sizeof(*st));
	st->ops = &store_sqlite_ops;
	st->lockfd = -1;
	st->path = xstrdup(path);
	st->flags = flags;
	if ((rc = store_connect(st, ebuf, n)) != ERR_OK)
		goto fail;
	*stp = st;
	return ERR_OK;
fail:
	if (st->db != NULL && (sqlite3_errcode(st->db) == SQLITE_CORRUPT ||
	    sqlite3_errcode(st->db) == SQLITE_NOTADB))
		rc = damaged(st, ebuf, n);
	store_sqlite_close(st);
	return rc;
}

void
store_sqlite_close(struct store *st)
{
	if (st == NULL)
		return;
	store_disconnect(st);
	if (st->lockfd != -1)
		close(st->lockfd);	/* releases every target lock */
	free(st->locks);
	free(st->fps.slot);
	free(st->seen);
	free(st->path);
	free(st);
}

int
store_sqlite_schema_version(struct store *st)
{
	int v = 0;

	store_pragma_int(st, "PRAGMA user_version", &v, NULL, 0);
	return v;
}

int
store_sqlite_set_size_limit(struct store *st, int64_t max_bytes, char *ebuf,
    size_t n)
{
	char sql[80];
	int page = 4096, cur = 0;

	if (store_pragma_int(st, "PRAGMA page_size", &page, ebuf,
	    n) != ERR_OK || store_pragma_int(st, "PRAGMA page_count", &cur,
	    ebuf, n) != ERR_OK)
		return ERR_DB;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    max_bytes > 0 ? (long long)(max_bytes / page) : 4294967294LL);
	if (max_bytes > 0 && max_bytes / page < cur)
		return err_set(ebuf, n, ERR_INVALID, "%s: already larger than "
		    "%lld bytes", st->path, (long long)max_bytes);
	return store_exec(st, sql, ebuf, n);
}

int
store_sqlite_import(struct store *st, const char *path, char *ebuf,
    size_t n)
{
	return err_set(ebuf, n, ERR_INVALID, "%s: copying %s into an SQLite "
	    "database: copy the file instead", st->path, path);
}

/* ---- batches ---- */

static int
max_id(struct store *st, int64_t *out, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_MAX_ID, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	rc = rc == SQLITE_ROW ? ERR_OK : store_db_error(st, ebuf, n, "begin");
	store_reset(s);
	return rc;
}

int
store_sqlite_batch_begin(struct store *st, int64_t feed_id, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is already "
		    "open", st->path);
	if (!(st->flags & STORE_RDONLY) && !side_files_ok(st))
		return store_reconnect(st, ebuf, n);
	store_ckpt_between(st);
	if ((s = store_stmt(st, S_BEGIN, ebuf, n)) == NULL)
		return ERR_DB;
	if ((rc = store_run(st, s, ebuf, n, "begin")) != ERR_OK)
		return rc;
	st->in_batch = 1;
	/* Nothing is written here: a document with nothing new leaves the
	 * database untouched (no log frames, no sync at commit). */
	if ((s = store_stmt(st, S_FEED_EXISTS, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, feed_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->batch_gen = 0;
		st->batch_feed = feed_id;
		st->batch_ev = 0;
		st->quiet = 0;
		st->feed_changed = 0;
		st->fps.synced = 0;
		st->nseen = 0;
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)feed_id);
	else
		rc = store_db_error(st, ebuf, n, "begin");
	store_reset(s);
	if (rc == ERR_OK)
		rc = max_id(st, &st->batch_first, ebuf, n);
	if (rc != ERR_OK)
		store_batch_rollback(st);
	return rc;
}

int
store_sqlite_batch_commit(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: no batch to commit",
		    st->path);
	if ((s = store_stmt(st, S_FTS_BATCH, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, st->batch_first);
	if ((rc = store_run(st, s, ebuf, n, "full-text index")) != ERR_OK) {
		store_batch_rollback(st);
		return rc;
	}
	if (st->batch_ev != 0 && st->feed_changed) {
		if ((s = store_stmt(st, S_EV_FILL, ebuf, n)) == NULL) {
			store_batch_rollback(st);
			return ERR_DB;
		}
		sqlite3_bind_int64(s, 1, st->batch_ev);
		if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK) {
			store_batch_rollback(st);
			return rc;
		}
	}
	if ((s = store_stmt(st, S_COMMIT, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	if ((rc = store_run(st, s, ebuf, n, "commit")) != ERR_OK) {
		store_batch_rollback(st);
		return rc;
	}
	st->in_batch = 0;
	return ERR_OK;
}

void
store_sqlite_batch_rollback(struct store *st)
{
	/* After SQLITE_FULL or an I/O error SQLite may have rolled back
	 * already; a second ROLLBACK would only add an error. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_batch = 0;
	/* rows of the batch may be in memory: load afresh */
	st->fps.day = 0;
}

/* The SQLite backend's operations (store_backend.h). */
const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
#define STORE_OP_SQLITE(name, params, args) .name = store_sqlite_##name,
	STORE_OPS(STORE_OP_SQLITE)
	VOID_OPS(STORE_OP_SQLITE)
};
