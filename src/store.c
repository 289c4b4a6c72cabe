#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "thread.h"
#include "xmalloc.h"

/*
 * Schema history.  migrations[v] takes a database from user_version v to
 * v + 1; store_open runs the missing ones in one transaction, so a failed
 * upgrade leaves the old version intact.  Never edit a released entry:
 * add one.  doc/tidings-db.5 describes the result for consumers.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE feeds ("
	" id INTEGER PRIMARY KEY,"
	" url TEXT NOT NULL UNIQUE,"
	" name TEXT,"
	" title TEXT,"
	" site_link TEXT,"
	" etag TEXT,"
	" last_modified TEXT,"
	" http_status INTEGER NOT NULL DEFAULT 0,"
	" last_check INTEGER NOT NULL DEFAULT 0,"
	" last_success INTEGER NOT NULL DEFAULT 0,"
	" next_check INTEGER NOT NULL DEFAULT 0,"
	" retry_after INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" error_class TEXT,"
	" consecutive_failures INTEGER NOT NULL DEFAULT 0,"
	" total_failures INTEGER NOT NULL DEFAULT 0,"
	" retired INTEGER NOT NULL DEFAULT 0,"
	" moved_to TEXT,"
	" moved_count INTEGER NOT NULL DEFAULT 0,"
	" ttl_minutes INTEGER NOT NULL DEFAULT 0,"
	" update_period_minutes INTEGER NOT NULL DEFAULT 0,"
	" skip_hours INTEGER NOT NULL DEFAULT 0,"
	" skip_days INTEGER NOT NULL DEFAULT 0,"
	" cache_max_age INTEGER NOT NULL DEFAULT 0,"
	" identity_policy TEXT NOT NULL DEFAULT 'auto',"
	" identity_mode TEXT NOT NULL DEFAULT 'guid',"
	" identity_reason TEXT,"
	" guid_churn INTEGER NOT NULL DEFAULT 0,"
	" batch_gen INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL);"
	"CREATE INDEX feeds_name ON feeds(name);"
	/* One row per article, whichever feeds carry it.  sort_time is the
	 * published date, but never later than first_seen (a feed dating
	 * its items in the future does not pin them to the top). */
	"CREATE TABLE articles ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" feed_id INTEGER NOT NULL,"
	" ident TEXT,"
	" guid TEXT,"
	" link TEXT,"
	" title TEXT,"
	" author TEXT,"
	" published INTEGER,"
	" published_tz INTEGER,"
	" updated INTEGER,"
	" updated_tz INTEGER,"
	" summary TEXT,"
	" content TEXT,"
	" text TEXT,"
	" categories TEXT NOT NULL DEFAULT '[]',"
	" enclosures TEXT NOT NULL DEFAULT '[]',"
	" comments TEXT,"
	" language TEXT,"
	" first_seen INTEGER NOT NULL,"
	" changed INTEGER NOT NULL,"
	" sort_time INTEGER NOT NULL,"
	" content_hash TEXT NOT NULL,"
	" revision INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX articles_sort ON articles(sort_time);"
	/* Which feeds carry an article.  Small rows on purpose: seeing an
	 * unchanged item again touches only its row here. */
	"CREATE TABLE article_feeds ("
	" article_id INTEGER NOT NULL,"
	" feed_id INTEGER NOT NULL,"
	" guid TEXT,"
	" content_hash BLOB NOT NULL,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" raw_hash BLOB,"
	" is_duplicate INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (article_id, feed_id)) WITHOUT ROWID;"
	"CREATE INDEX article_feeds_feed ON article_feeds(feed_id, removed);"
	/* Identity keys outlive their articles: they are the tombstones. */
	"CREATE TABLE identity_keys ("
	" scope INTEGER NOT NULL,"
	" key BLOB NOT NULL,"
	" kind INTEGER NOT NULL,"
	" article_id INTEGER NOT NULL,"
	" PRIMARY KEY (scope, key)) WITHOUT ROWID;"
	"CREATE TABLE article_revisions ("
	" article_id INTEGER NOT NULL,"
	" revision INTEGER NOT NULL,"
	" title TEXT, link TEXT, author TEXT,"
	" published INTEGER, published_tz INTEGER,"
	" updated INTEGER, updated_tz INTEGER,"
	" summary TEXT, content TEXT, text TEXT,"
	" content_hash TEXT NOT NULL,"
	" replaced INTEGER NOT NULL,"
	" PRIMARY KEY (article_id, revision));"
	"CREATE VIRTUAL TABLE articles_fts USING fts5(title, text,"
	" content='articles', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN"
	" DELETE FROM article_revisions WHERE article_id = old.id;"
	" END;"
	"CREATE TABLE events ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" article_id INTEGER NOT NULL,"
	" feed_id INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('new', 'update', 'duplicate')),"
	" revision INTEGER NOT NULL,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE export_targets ("
	" name TEXT PRIMARY KEY,"
	" done_below INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE export_done ("
	" target TEXT NOT NULL,"
	" seq INTEGER NOT NULL,"
	" done INTEGER NOT NULL,"
	" PRIMARY KEY (target, seq)) WITHOUT ROWID;"
	"CREATE VIEW articles_v1 AS SELECT"
	" a.id, a.feed_id, f.url AS feed_url, f.name AS feed_name,"
	" f.title AS feed_title, a.ident, a.guid, a.link, a.title, a.author,"
	" a.published, a.published_tz, a.updated, a.updated_tz,"
	" a.summary, a.content, a.text, a.categories, a.enclosures,"
	" a.comments, a.language, a.first_seen,"
	" (SELECT max(x.last_seen) FROM article_feeds x"
	"  WHERE x.article_id = a.id) AS last_seen,"
	" a.changed, a.sort_time, a.content_hash, a.revision"
	" FROM articles a JOIN feeds f ON f.id = a.feed_id;"
	"CREATE VIEW article_feeds_v1 AS SELECT"
	" x.article_id, x.feed_id, f.url AS feed_url, f.name AS feed_name,"
	" x.guid, x.first_seen, x.last_seen, x.is_duplicate,"
	" x.removed != 0 AS removed"
	" FROM article_feeds x JOIN feeds f ON f.id = x.feed_id;"
	"CREATE VIEW feeds_v1 AS SELECT"
	" id, url, name, title, site_link, http_status, last_check,"
	" last_success, next_check, last_error, error_class,"
	" consecutive_failures, total_failures, retired, identity_mode"
	" FROM feeds;"
	"CREATE VIEW events_v1 AS SELECT"
	" seq, article_id, feed_id, kind, revision, created FROM events;",
	/* 1 -> 2: an event keeps the feed as it was when the event was
	 * made (a replay after a crash must render the same bytes), and the
	 * URL of the feed that first brought the article (its identity);
	 * a target keeps its last error for `tidings outbox`. */
	"ALTER TABLE events ADD COLUMN feed_url TEXT;"
	"ALTER TABLE events ADD COLUMN feed_name TEXT;"
	"ALTER TABLE events ADD COLUMN feed_title TEXT;"
	"ALTER TABLE events ADD COLUMN origin_url TEXT;"
	"ALTER TABLE export_targets ADD COLUMN last_error TEXT;"
	"ALTER TABLE export_targets ADD COLUMN last_error_time INTEGER;",
	/* 2 -> 3: the same events table, with the kind checked by
	 * comparisons: SQLite builds a temporary index for an IN list of
	 * three on every insert, three quarters of the cost of an event.  The
	 * sequence carries over, so that no seq is ever handed out twice;
	 * the view goes while the table is swapped under it. */
	"DROP VIEW events_v1;"
	"CREATE TABLE events_new ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" article_id INTEGER NOT NULL,"
	" feed_id INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind = 'new' OR kind = 'update'"
	"  OR kind = 'duplicate'),"
	" revision INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" feed_url TEXT,"
	" feed_name TEXT,"
	" feed_title TEXT,"
	" origin_url TEXT);"
	"INSERT INTO events_new (seq, article_id, feed_id, kind, revision,"
	" created, feed_url, feed_name, feed_title, origin_url)"
	" SELECT seq, article_id, feed_id, kind, revision, created, feed_url,"
	" feed_name, feed_title, origin_url FROM events ORDER BY seq;"
	"INSERT INTO sqlite_sequence (name, seq)"
	" SELECT 'events_new', seq FROM sqlite_sequence"
	" WHERE name = 'events' AND NOT EXISTS (SELECT 1 FROM events_new);"
	"UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq"
	" FROM sqlite_sequence WHERE name = 'events'), 0))"
	" WHERE name = 'events_new';"
	"DROP TABLE events;"
	"ALTER TABLE events_new RENAME TO events;"
	"CREATE VIEW events_v1 AS SELECT"
	" seq, article_id, feed_id, kind, revision, created FROM events;",
	/* 3 -> 4: fingerprint keys leave identity_keys for a table of their
	 * own that is only ever appended to.  A fingerprint is a hash: in a
	 * B-tree keyed by it every new article dirtied a random index page,
	 * which made it 40% of the log written per new article.  The store
	 * looks fingerprints up in memory (built from this table) and reads a
	 * row only to confirm a hit.  Only today's and yesterday's are ever
	 * looked up, so older rows are pruned.  The full-text index merges
	 * sixteen segments at a time rather than four: each posting is
	 * rewritten half as often, for a few more segments per query. */
	"CREATE TABLE fingerprints ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" day INTEGER NOT NULL,"
	" fp BLOB NOT NULL,"
	" article_id INTEGER NOT NULL);"
	"INSERT INTO fingerprints (day, fp, article_id)"
	" SELECT -1 - scope, key, article_id FROM identity_keys"
	" WHERE scope < 0 AND kind = 4 ORDER BY scope DESC, key;"
	"DELETE FROM identity_keys WHERE scope < 0 AND kind = 4;"
	"INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 16);"
	"INSERT INTO articles_fts(articles_fts, rank)"
	" VALUES ('crisismerge', 64);",
	/* 4 -> 5: an article's picture, duration and comment count (NULL
	 * when the feed gives none, and for every article stored before).
	 * Not in article_revisions, which keeps the text of a replaced
	 * version, no more than its categories or enclosures.  articles_v1
	 * stays as it is for the consumers that read it; articles_v2 is its
	 * columns and these three. */
	"ALTER TABLE articles ADD COLUMN image TEXT;"
	"ALTER TABLE articles ADD COLUMN duration INTEGER;"
	"ALTER TABLE articles ADD COLUMN comment_count INTEGER;"
	"CREATE VIEW articles_v2 AS SELECT"
	" a.id, a.feed_id, f.url AS feed_url, f.name AS feed_name,"
	" f.title AS feed_title, a.ident, a.guid, a.link, a.title, a.author,"
	" a.published, a.published_tz, a.updated, a.updated_tz,"
	" a.summary, a.content, a.text, a.categories, a.enclosures,"
	" a.comments, a.language, a.first_seen,"
	" (SELECT max(x.last_seen) FROM article_feeds x"
	"  WHERE x.article_id = a.id) AS last_seen,"
	" a.changed, a.sort_time, a.content_hash, a.revision,"
	" a.image, a.duration, a.comment_count"
	" FROM articles a JOIN feeds f ON f.id = a.feed_id;",
	/* 5 -> 6: an event a target could not take (its file name holds
	 * another file, its command keeps failing) is set aside for the
	 * target with the reason, so that the events after it go out; the
	 * row goes when the event is done. */
	"CREATE TABLE export_aside ("
	" target TEXT NOT NULL,"
	" seq INTEGER NOT NULL,"
	" fails INTEGER NOT NULL,"
	" next_try INTEGER NOT NULL,"
	" reason TEXT NOT NULL,"
	" since INTEGER NOT NULL,"
	" PRIMARY KEY (target, seq)) WITHOUT ROWID;",
	/* 6 -> 7: the cycles of the daemon and of `tidings run`, for
	 * `tidings status`; the last STORE_CYCLES_KEPT are kept. */
	"CREATE TABLE cycles ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" source TEXT NOT NULL,"
	" started INTEGER NOT NULL,"
	" finished INTEGER NOT NULL,"
	" duration_ms INTEGER NOT NULL,"
	" checked INTEGER NOT NULL,"
	" not_modified INTEGER NOT NULL,"
	" failed INTEGER NOT NULL,"
	" new INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" duplicate INTEGER NOT NULL,"
	" exported INTEGER NOT NULL,"
	" bytes INTEGER NOT NULL);"
	"CREATE VIEW cycles_v1 AS SELECT"
	" id, source, started, finished, duration_ms, checked, not_modified,"
	" failed, new, updated, duplicate, exported, bytes FROM cycles;",
};
#define NMIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

/* Every statement the store runs, prepared on first use and kept. */
enum stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_FEED_BY_URL, S_FEED_BY_NAME, S_FEED_INSERT, S_FEED_SET_NAME,
	S_FEED_GET, S_FEED_LIST, S_FEED_PUT, S_FEED_META, S_FEED_URL,
	S_FEED_GEN, S_FEED_EXISTS, S_FEED_IDENTITY,
	S_KEY_GET, S_KEYS_PUT, S_EVENT_NEW,
	S_AF_GET, S_AF_SEEN, S_AF_INSERT, S_AF_UPDATE,
	S_ART_EXISTS, S_ART_INSERT, S_ART_UPDATE, S_REV_SAVE,
	S_EVENT_INSERT,
	S_RET_AGE, S_RET_COUNT, S_RET_MARK, S_RET_DELETE,
	S_ART_GET, S_ART_LIST, S_SEARCH,
	S_EV_PENDING, S_EV_DONE, S_TARGET_ENSURE, S_TARGET_LOW,
	S_MAX_ID, S_FTS_BATCH, S_FTS_DEL_ONE, S_FTS_ADD_ONE, S_FTS_DEL_RET,
	S_DONE_DELETE, S_DONE_EXISTS, S_EV_SKIPPABLE, S_TARGET_SET, S_EV_MAX,
	S_EV_FILL, S_EV_LIST, S_TARGET_ERROR, S_TARGET_LIST,
	S_FP_GET, S_FP_PUT, S_FP_SINCE, S_FP_PRUNE,
	S_ASIDE_PUT, S_ASIDE_DONE, S_ASIDE_BELOW, S_IDENT_TAKEN,
	S_COUNT
};

/* The columns row_article reads, in its order. */
#define ART_COLS \
	"a.id, a.feed_id, a.ident, a.guid, a.link, a.title, a.author," \
	" a.published, a.published_tz, a.updated, a.updated_tz, a.summary," \
	" a.content, a.text, a.categories, a.enclosures, a.comments," \
	" a.language, a.first_seen, a.changed, a.content_hash, a.revision," \
	" f.url, f.name, f.title," \
	" (SELECT max(x.last_seen) FROM article_feeds x" \
	"  WHERE x.article_id = a.id)," \
	" (SELECT count(*) FROM article_feeds x" \
	"  WHERE x.article_id = a.id AND x.removed = 0)," \
	" a.image, a.duration, a.comment_count"

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
	[S_ART_GET] = "SELECT " ART_COLS " FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
	[S_ART_LIST] = "SELECT " ART_COLS " FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id"
	    " WHERE (?1 = 0 OR EXISTS (SELECT 1 FROM article_feeds y"
	    "  WHERE y.article_id = a.id AND y.feed_id = ?1 AND y.removed = 0))"
	    " AND a.sort_time >= ?2"
	    " ORDER BY a.sort_time DESC, a.id DESC LIMIT ?3",
	[S_SEARCH] = "WITH m AS (SELECT rowid AS id, rank FROM articles_fts"
	    " WHERE articles_fts MATCH ?1 ORDER BY rank LIMIT ?2)"
	    " SELECT " ART_COLS " FROM m JOIN articles a ON a.id = m.id"
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

/*
 * The fingerprints of today and yesterday, in memory: an open-addressing
 * table from the first 8 bytes of a fingerprint to the row that holds it
 * (0 = empty slot).  Prefixes may repeat (the same fingerprint on two days,
 * or two fingerprints that share 8 bytes): every candidate row is read and
 * compared in full, so a collision costs a row read, never an article.
 */
struct fp_slot {
	uint64_t	 prefix;
	int64_t		 row;
};

struct fp_index {
	struct fp_slot	*slot;
	size_t		 cap, n;	/* cap: a power of two, or 0 */
	int64_t		 last;		/* the highest row loaded */
	int64_t		 day;		/* pruned below day - 1; 0 = not
					 * loaded */
	int		 synced;	/* caught up in this batch */
};

/*
 * Checkpoints run on a thread of their own, with their own connection, so
 * that copying the log into the database and its two fsyncs overlap the
 * writer's next documents instead of stalling them (a third of the wall
 * time of storing new articles went there).  A pass there copies what was
 * committed before the writer's current transaction; the writer, between
 * two batches, then copies the little that came since (see ckpt_between),
 * which lets its next write start the log afresh.
 */
#define CKPT_PAGES	16384		/* a pass per 64 MB of log */
#define CKPT_HARD	8		/* times pages: the writer waits */

struct ckpt {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	sqlite3		*db;
	int		 running;
	int		 pages;		/* a pass per this many in the log */
	int		 want, busy, stop;
	unsigned long	 passes;	/* completed */
	unsigned long	 used;		/* passes the writer followed up */
	int		 frames;	/* in the log after the last commit */
};

/* A target's delivery lock this handle holds, and how many times. */
struct tlock {
	off_t		 off;
	int		 count;
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 flags;
	sqlite3_stmt	*stmts[S_COUNT];
	int		 in_batch;
	int64_t		 batch_feed;
	int64_t		 batch_gen;
	int64_t		 batch_first;	/* articles above this id are new in
					 * the batch, not yet in articles_fts */
	int64_t		*seen;		/* articles of this batch's document */
	size_t		 nseen, seencap;
	int64_t		 batch_ev;	/* the batch's first event, or 0 */
	int		 feed_changed;	/* a feed's URL, name or title
					 * changed in this batch */
	struct fp_index	 fps;
	struct ckpt	 ck;
	/* store_target_lock: the lock file, and the locks held through it */
	int		 lockfd;	/* -1: not open yet */
	struct tlock	*locks;
	size_t		 nlocks;
};

static int
db_error(struct store *st, char *ebuf, size_t n, const char *what)
{
	return err_set(ebuf, n, ERR_DB, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

/* The statement, reset and with its bindings cleared, or NULL (with the
 * error in ebuf) when it cannot be prepared. */
static sqlite3_stmt *
stmt(struct store *st, enum stmt_id id, char *ebuf, size_t n)
{
	sqlite3_stmt *s = st->stmts[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			db_error(st, ebuf, n, "prepare");
			return NULL;
		}
		st->stmts[id] = s;
	}
	return s;
}

/* Steps a statement that returns no rows (or whose rows we ignore) and
 * resets it. */
static int
run(struct store *st, sqlite3_stmt *s, char *ebuf, size_t n, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, what);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return rc;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ERR_OK;
}

static void
done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static int
exec_sql(struct store *st, const char *sql, char *ebuf, size_t n)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(ebuf, n, ERR_DB, "%s: %s", st->path,
		    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return ERR_DB;
	}
	return ERR_OK;
}

static int
pragma_int(struct store *st, const char *sql, int *out, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return db_error(st, ebuf, n, sql);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, sql);
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	return ERR_OK;
}

static int
migrate(struct store *st, char *ebuf, size_t n)
{
	char sql[64];
	int v = 0, rc;

	if (exec_sql(st, "BEGIN IMMEDIATE", ebuf, n) != ERR_OK)
		return ERR_DB;
	/* read inside the transaction: another process may have migrated
	 * between our open and our lock */
	if ((rc = pragma_int(st, "PRAGMA user_version", &v, ebuf, n)) != ERR_OK)
		goto fail;
	if (v > NMIGRATIONS) {
		rc = err_set(ebuf, n, ERR_DB, "%s: schema version %d is newer "
		    "than this tidings knows (%d)", st->path, v, NMIGRATIONS);
		goto fail;
	}
	for (; v < NMIGRATIONS; v++) {
		if ((rc = exec_sql(st, migrations[v], ebuf, n)) != ERR_OK)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = exec_sql(st, sql, ebuf, n)) != ERR_OK)
			goto fail;
	}
	if ((rc = exec_sql(st, "COMMIT", ebuf, n)) != ERR_OK)
		goto fail;
	return ERR_OK;
fail:
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void *
ckpt_main(void *arg)
{
	struct ckpt *ck = arg;

	pthread_mutex_lock(&ck->mu);
	for (;;) {
		while (!ck->want && !ck->stop)
			pthread_cond_wait(&ck->cv, &ck->mu);
		if (ck->stop)
			break;
		ck->want = 0;
		ck->busy = 1;
		pthread_mutex_unlock(&ck->mu);
		/* as SQLite's own automatic checkpoints: a failure (a
		 * reader in the way, a full disk) only leaves the log
		 * longer, and the next pass tries again */
		sqlite3_wal_checkpoint_v2(ck->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&ck->mu);
		ck->busy = 0;
		ck->passes++;
		pthread_cond_broadcast(&ck->cv);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

/* After each commit that wrote to the log (the writer's thread). */
static int
ckpt_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
	struct ckpt *ck = ctx;

	(void)db;
	(void)name;
	ck->frames = frames;
	if (frames >= ck->pages) {
		pthread_mutex_lock(&ck->mu);
		if (!ck->busy && !ck->want) {
			ck->want = 1;
			pthread_cond_signal(&ck->cv);
		}
		pthread_mutex_unlock(&ck->mu);
	}
	return SQLITE_OK;
}

/* Without the thread (it could not start) SQLite's automatic checkpoints
 * stay in charge. */
static void
ckpt_start(struct store *st)
{
	struct ckpt *ck = &st->ck;

	/* a first read makes the connection see that the file is in WAL
	 * mode; until then it would not checkpoint at all */
	if (sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA user_version", NULL, NULL,
	    NULL) != SQLITE_OK) {
		sqlite3_close(ck->db);
		ck->db = NULL;
		return;
	}
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	if (thread_start(&ck->thread, ckpt_main, ck) != 0) {
		pthread_mutex_destroy(&ck->mu);
		pthread_cond_destroy(&ck->cv);
		sqlite3_close(ck->db);
		ck->db = NULL;
		return;
	}
	ck->running = 1;
	ck->pages = CKPT_PAGES;
	sqlite3_wal_hook(st->db, ckpt_hook, ck);
}

static void
ckpt_stop(struct store *st)
{
	struct ckpt *ck = &st->ck;

	if (!ck->running)
		return;
	sqlite3_wal_hook(st->db, NULL, NULL);
	pthread_mutex_lock(&ck->mu);
	ck->stop = 1;
	pthread_cond_signal(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	pthread_join(ck->thread, NULL);
	pthread_mutex_destroy(&ck->mu);
	pthread_cond_destroy(&ck->cv);
	sqlite3_close(ck->db);
	ck->db = NULL;
	ck->running = 0;
}

/*
 * Between two batches, when the log is long: once the thread has finished
 * a pass, copy what was committed during it (a few batches' pages, and the
 * fsyncs find little left to write), so that the whole log is in the
 * database and the next batch starts it afresh.  When the thread falls
 * far behind, wait for it rather than let the log grow without bound.
 */
static void
ckpt_between(struct store *st)
{
	struct ckpt *ck = &st->ck;
	int go;

	if (!ck->running || ck->frames < ck->pages)
		return;
	pthread_mutex_lock(&ck->mu);
	if (ck->frames >= CKPT_HARD * ck->pages)
		while (ck->want || ck->busy)
			pthread_cond_wait(&ck->cv, &ck->mu);
	go = !ck->want && !ck->busy && (ck->passes != ck->used ||
	    ck->frames >= CKPT_HARD * ck->pages);
	if (go)
		ck->used = ck->passes;
	pthread_mutex_unlock(&ck->mu);
	if (go && sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
		ck->frames = 0;
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
			return db_error(st, ebuf, n, "journal_mode");
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

int
store_open(const char *path, int flags, struct store **stp, char *ebuf,
    size_t n)
{
	struct store *st;
	int oflags, v = 0, rc;
	char mode[16] = "";

	*stp = NULL;
	st = xcalloc(1, sizeof(*st));
	st->lockfd = -1;
	st->path = xstrdup(path);
	st->flags = flags;
	if (flags & STORE_RDONLY) {
		/* SQLite would report a missing file as "unable to open";
		 * say what it is */
		if (access(path, F_OK) != 0) {
			rc = err_set(ebuf, n, ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		oflags = SQLITE_OPEN_READONLY;
	} else
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		rc = err_set(ebuf, n, ERR_DB, "%s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 0);
	/* The daemon and a consumer's writes (none) or a second ingest can
	 * meet; waiting a few seconds beats failing a batch. */
	sqlite3_busy_timeout(st->db, OPEN_WAIT_MS);
	if (!(flags & STORE_RDONLY)) {
		if ((rc = wal_mode(st, mode, sizeof(mode), ebuf, n)) != ERR_OK)
			goto fail;
		if (strcmp(mode, "wal") != 0) {
			rc = err_set(ebuf, n, ERR_DB, "%s: cannot switch to WAL "
			    "mode: %s", path, sqlite3_errmsg(st->db));
			goto fail;
		}
		/* In WAL mode NORMAL never corrupts the database, a crash of
		 * the process loses nothing committed, and only a power cut
		 * may lose the last transactions (which the next fetch
		 * brings back).  FULL also survives that, at an fsync per
		 * batch. */
		if ((rc = exec_sql(st, flags & STORE_SYNC_FULL ?
		    "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
		    ebuf, n)) != ERR_OK)
			goto fail;
		/* Checkpoints (each with two fsyncs) every 64 MB of log
		 * rather than SQLite's 4 MB: pages written by many batches
		 * (index interiors, the full-text structure) are copied back
		 * once, and a busy disk sees far fewer syncs (at 1M articles,
		 * 64 MB against 32 MB: 15% more new articles a second and
		 * half the checkpoint thread's CPU).  They run on
		 * the store's checkpoint thread (ckpt_start); the pragma is
		 * for when it cannot start.  A batch that merges full-text
		 * segments can make the log large once; do not keep that
		 * much disk afterwards. */
		if ((rc = exec_sql(st, "PRAGMA cache_size = -8192;"
		    "PRAGMA temp_store = MEMORY;"
		    "PRAGMA secure_delete = OFF;"
		    "PRAGMA journal_size_limit = 67108864;"
		    "PRAGMA wal_autocheckpoint = 16384", ebuf, n)) != ERR_OK)
			goto fail;
		if ((rc = migrate(st, ebuf, n)) != ERR_OK)
			goto fail;
		ckpt_start(st);
	}
	if ((rc = pragma_int(st, "PRAGMA user_version", &v, ebuf, n)) != ERR_OK)
		goto fail;
	if (v == 0) {
		rc = err_set(ebuf, n, ERR_DB, "%s: not a tidings database "
		    "(no schema)", path);
		goto fail;
	}
	if (v != STORE_SCHEMA_VERSION) {
		rc = err_set(ebuf, n, ERR_DB, "%s: schema version %d, this "
		    "tidings reads version %d%s", path, v, STORE_SCHEMA_VERSION,
		    v < STORE_SCHEMA_VERSION ?
		    " (open it once with tidings ingest or the daemon)" : "");
		goto fail;
	}
	*stp = st;
	return ERR_OK;
fail:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	if (st->in_batch)
		store_batch_rollback(st);
	ckpt_stop(st);
	if (st->lockfd != -1)
		close(st->lockfd);	/* releases every target lock */
	free(st->locks);
	free(st->fps.slot);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmts[i]);
	if (st->db != NULL)
		sqlite3_close(st->db);
	free(st->seen);
	free(st->path);
	free(st);
}

int
store_schema_version(struct store *st)
{
	int v = 0;

	pragma_int(st, "PRAGMA user_version", &v, NULL, 0);
	return v;
}

int
store_cycle_put(struct store *st, const struct store_cycle *c, char *ebuf,
    size_t n)
{
	static const char sql[] =
	    "INSERT INTO cycles (source, started, finished, duration_ms,"
	    " checked, not_modified, failed, new, updated, duplicate,"
	    " exported, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char prune[128];
	sqlite3_stmt *s;
	int rc;

	/* once per cycle: prepared each time rather than kept */
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return db_error(st, ebuf, n, "cycles");
	sqlite3_bind_text(s, 1, c->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, c->started);
	sqlite3_bind_int64(s, 3, c->finished);
	sqlite3_bind_int64(s, 4, c->duration_ms);
	sqlite3_bind_int64(s, 5, c->checked);
	sqlite3_bind_int64(s, 6, c->not_modified);
	sqlite3_bind_int64(s, 7, c->failed);
	sqlite3_bind_int64(s, 8, c->added);
	sqlite3_bind_int64(s, 9, c->updated);
	sqlite3_bind_int64(s, 10, c->duplicate);
	sqlite3_bind_int64(s, 11, c->exported);
	sqlite3_bind_int64(s, 12, c->bytes);
	if (!st->in_batch && exec_sql(st, "BEGIN IMMEDIATE", ebuf, n) !=
	    ERR_OK) {
		sqlite3_finalize(s);
		return ERR_DB;
	}
	rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
	    db_error(st, ebuf, n, "cycles");
	sqlite3_finalize(s);
	snprintf(prune, sizeof(prune), "DELETE FROM cycles WHERE id <= "
	    "(SELECT max(id) FROM cycles) - %d", STORE_CYCLES_KEPT);
	if (rc == ERR_OK)
		rc = exec_sql(st, prune, ebuf, n);
	if (!st->in_batch) {
		if (rc == ERR_OK)
			rc = exec_sql(st, "COMMIT", ebuf, n);
		if (rc != ERR_OK && !sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int
store_cycle_last(struct store *st, struct store_cycle *c, char *ebuf,
    size_t n)
{
	static const char sql[] =
	    "SELECT source, started, finished, duration_ms, checked,"
	    " not_modified, failed, new, updated, duplicate, exported, bytes"
	    " FROM cycles ORDER BY id DESC LIMIT 1";
	const unsigned char *src;
	sqlite3_stmt *s;
	int rc;

	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return db_error(st, ebuf, n, "cycles");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		src = sqlite3_column_text(s, 0);
		snprintf(c->source_buf, sizeof(c->source_buf), "%s",
		    src ? (const char *)src : "");
		c->source = c->source_buf;
		c->started = sqlite3_column_int64(s, 1);
		c->finished = sqlite3_column_int64(s, 2);
		c->duration_ms = (long)sqlite3_column_int64(s, 3);
		c->checked = (long)sqlite3_column_int64(s, 4);
		c->not_modified = (long)sqlite3_column_int64(s, 5);
		c->failed = (long)sqlite3_column_int64(s, 6);
		c->added = (long)sqlite3_column_int64(s, 7);
		c->updated = (long)sqlite3_column_int64(s, 8);
		c->duplicate = (long)sqlite3_column_int64(s, 9);
		c->exported = (long)sqlite3_column_int64(s, 10);
		c->bytes = sqlite3_column_int64(s, 11);
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no cycle recorded",
		    st->path);
	else
		rc = db_error(st, ebuf, n, "cycles");
	sqlite3_finalize(s);
	return rc;
}

int
store_set_checkpoint(struct store *st, int pages)
{
	if (pages <= 0)
		pages = CKPT_PAGES;
	st->ck.pages = pages;
	if (!st->ck.running)
		sqlite3_wal_autocheckpoint(st->db, pages);
	return ERR_OK;
}

int
store_set_size_limit(struct store *st, int64_t max_bytes, char *ebuf, size_t n)
{
	char sql[80];
	int page = 4096, cur = 0;

	if (pragma_int(st, "PRAGMA page_size", &page, ebuf, n) != ERR_OK ||
	    pragma_int(st, "PRAGMA page_count", &cur, ebuf, n) != ERR_OK)
		return ERR_DB;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
	    max_bytes > 0 ? (long long)(max_bytes / page) : 4294967294LL);
	if (max_bytes > 0 && max_bytes / page < cur)
		return err_set(ebuf, n, ERR_INVALID, "%s: already larger than "
		    "%lld bytes", st->path, (long long)max_bytes);
	return exec_sql(st, sql, ebuf, n);
}

/* ---- feeds ---- */

/* After a statement that may have changed a feed's URL, name or title:
 * the batch's events made so far must be given the new values at
 * commit. */
static void
note_feed_change(struct store *st)
{
	if (st->in_batch && st->batch_ev != 0 && sqlite3_changes(st->db) > 0)
		st->feed_changed = 1;
}

void
store_feed_clear(struct store_feed *f)
{
	if (f == NULL)
		return;
	free(f->url);
	free(f->name);
	free(f->title);
	free(f->site_link);
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	free(f->error_class);
	free(f->moved_to);
	free(f->identity_reason);
	memset(f, 0, sizeof(*f));
}

/* Statements outside a batch are their own transaction (autocommit). */
static int
lookup_id(struct store *st, enum stmt_id id, const char *v, int64_t *out,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, id, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	bind_text(s, 1, v);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		done(s);
		return ERR_OK;
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "feed lookup");
		done(s);
		return rc;
	}
	done(s);
	return ERR_NOTFOUND;
}

int
store_feed_ensure(struct store *st, const char *url, const char *name,
    int64_t *id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (url == NULL || *url == '\0')
		return err_set(ebuf, n, ERR_INVALID, "a feed needs a URL");
	rc = lookup_id(st, S_FEED_BY_URL, url, id, ebuf, n);
	if (rc == ERR_NOTFOUND) {
		if ((s = stmt(st, S_FEED_INSERT, ebuf, n)) == NULL)
			return ERR_DB;
		bind_text(s, 1, url);
		bind_text(s, 2, name);
		sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
		if ((rc = run(st, s, ebuf, n, "add feed")) != ERR_OK)
			return rc;
		if (sqlite3_changes(st->db) == 1) {
			*id = sqlite3_last_insert_rowid(st->db);
			return ERR_OK;
		}
		rc = lookup_id(st, S_FEED_BY_URL, url, id, ebuf, n);
	}
	if (rc != ERR_OK || name == NULL)
		return rc;
	if ((s = stmt(st, S_FEED_SET_NAME, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, *id);
	bind_text(s, 2, name);
	if ((rc = run(st, s, ebuf, n, "rename feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}

int
store_feed_find(struct store *st, const char *url_or_name, int64_t *id,
    char *ebuf, size_t n)
{
	int rc;

	rc = lookup_id(st, S_FEED_BY_URL, url_or_name, id, ebuf, n);
	if (rc == ERR_NOTFOUND)
		rc = lookup_id(st, S_FEED_BY_NAME, url_or_name, id, ebuf, n);
	if (rc == ERR_NOTFOUND)
		err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed with URL or name "
		    "\"%s\"", st->path, url_or_name);
	return rc;
}

static enum dedup_identity
identity_col(sqlite3_stmt *s, int i)
{
	enum dedup_identity m = DEDUP_AUTO;

	dedup_identity_parse((const char *)sqlite3_column_text(s, i), &m);
	return m;
}

static void
row_feed(sqlite3_stmt *s, struct store_feed *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(s, 0);
	f->url = col_text(s, 1);
	f->name = col_text(s, 2);
	f->title = col_text(s, 3);
	f->site_link = col_text(s, 4);
	f->etag = col_text(s, 5);
	f->last_modified = col_text(s, 6);
	f->http_status = sqlite3_column_int(s, 7);
	f->last_check = sqlite3_column_int64(s, 8);
	f->last_success = sqlite3_column_int64(s, 9);
	f->next_check = sqlite3_column_int64(s, 10);
	f->retry_after = sqlite3_column_int64(s, 11);
	f->last_error = col_text(s, 12);
	f->error_class = col_text(s, 13);
	f->consecutive_failures = sqlite3_column_int(s, 14);
	f->total_failures = sqlite3_column_int64(s, 15);
	f->retired = sqlite3_column_int(s, 16);
	f->moved_to = col_text(s, 17);
	f->moved_count = sqlite3_column_int(s, 18);
	f->ttl_minutes = sqlite3_column_int(s, 19);
	f->update_period_minutes = sqlite3_column_int(s, 20);
	f->skip_hours = (unsigned)sqlite3_column_int64(s, 21);
	f->skip_days = (unsigned)sqlite3_column_int64(s, 22);
	f->cache_max_age = sqlite3_column_int64(s, 23);
	f->identity_policy = identity_col(s, 24);
	f->identity_mode = identity_col(s, 25);
	f->identity_reason = col_text(s, 26);
	f->guid_churn = (long)sqlite3_column_int64(s, 27);
	f->narticles = sqlite3_column_int64(s, 28);
}

int
store_feed_get(struct store *st, int64_t id, struct store_feed *f, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_GET, ebuf, n);
	int rc;

	memset(f, 0, sizeof(*f));
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row_feed(s, f);
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)id);
	else
		rc = db_error(st, ebuf, n, "feed");
	done(s);
	return rc;
}

int
store_feeds_list(struct store *st, store_feed_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_LIST, ebuf, n);
	struct store_feed f;
	int rc;

	if (s == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_feed(s, &f);
		rc = cb(ctx, &f);
		store_feed_clear(&f);
		if (rc != 0) {
			done(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "feeds");
	done(s);
	return rc;
}

int
store_feed_put_state(struct store *st, const struct store_feed *f, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_PUT, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, f->id);
	bind_text(s, 2, f->etag);
	bind_text(s, 3, f->last_modified);
	sqlite3_bind_int(s, 4, f->http_status);
	sqlite3_bind_int64(s, 5, f->last_check);
	sqlite3_bind_int64(s, 6, f->last_success);
	sqlite3_bind_int64(s, 7, f->next_check);
	sqlite3_bind_int64(s, 8, f->retry_after);
	bind_text(s, 9, f->last_error);
	bind_text(s, 10, f->error_class);
	sqlite3_bind_int(s, 11, f->consecutive_failures);
	sqlite3_bind_int64(s, 12, f->total_failures);
	sqlite3_bind_int(s, 13, f->retired);
	bind_text(s, 14, f->moved_to);
	sqlite3_bind_int(s, 15, f->moved_count);
	sqlite3_bind_int(s, 16, f->ttl_minutes);
	sqlite3_bind_int(s, 17, f->update_period_minutes);
	sqlite3_bind_int64(s, 18, f->skip_hours);
	sqlite3_bind_int64(s, 19, f->skip_days);
	sqlite3_bind_int64(s, 20, f->cache_max_age);
	bind_text(s, 21, dedup_identity_name(f->identity_policy));
	return run(st, s, ebuf, n, "save feed state");
}

int
store_feed_set_meta(struct store *st, int64_t id,
    const struct article_feed *meta, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_META, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, meta->title);
	bind_text(s, 3, meta->link);
	sqlite3_bind_int(s, 4, meta->ttl_minutes);
	sqlite3_bind_int(s, 5, meta->update_period_minutes);
	sqlite3_bind_int64(s, 6, meta->skip_hours);
	sqlite3_bind_int64(s, 7, meta->skip_days);
	if ((rc = run(st, s, ebuf, n, "save feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}

int
store_feed_set_url(struct store *st, int64_t id, const char *url, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_URL, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, url);
	if ((rc = run(st, s, ebuf, n, "move feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}

/* ---- batches ---- */

static int
max_id(struct store *st, int64_t *out, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_MAX_ID, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	rc = rc == SQLITE_ROW ? ERR_OK : db_error(st, ebuf, n, "begin");
	done(s);
	return rc;
}

/* One article's index entry, before (del) or after an update. */
static int
fts_one(struct store *st, enum stmt_id which, int64_t id, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;

	if (id > st->batch_first)
		return ERR_OK;	/* indexed at commit, with its final text */
	if ((s = stmt(st, which, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	return run(st, s, ebuf, n, "full-text index");
}

int
store_batch_begin(struct store *st, int64_t feed_id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is already "
		    "open", st->path);
	ckpt_between(st);
	if ((s = stmt(st, S_BEGIN, ebuf, n)) == NULL)
		return ERR_DB;
	if ((rc = run(st, s, ebuf, n, "begin")) != ERR_OK)
		return rc;
	st->in_batch = 1;
	/* Nothing is written here: a document with nothing new leaves the
	 * database untouched (no log frames, no sync at commit). */
	if ((s = stmt(st, S_FEED_EXISTS, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, feed_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->batch_gen = 0;
		st->batch_feed = feed_id;
		st->batch_ev = 0;
		st->feed_changed = 0;
		st->fps.synced = 0;
		st->nseen = 0;
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)feed_id);
	else
		rc = db_error(st, ebuf, n, "begin");
	done(s);
	if (rc == ERR_OK)
		rc = max_id(st, &st->batch_first, ebuf, n);
	if (rc != ERR_OK)
		store_batch_rollback(st);
	return rc;
}

int
store_batch_commit(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: no batch to commit",
		    st->path);
	if ((s = stmt(st, S_FTS_BATCH, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	sqlite3_bind_int64(s, 1, st->batch_first);
	if ((rc = run(st, s, ebuf, n, "full-text index")) != ERR_OK) {
		store_batch_rollback(st);
		return rc;
	}
	if (st->batch_ev != 0 && st->feed_changed) {
		if ((s = stmt(st, S_EV_FILL, ebuf, n)) == NULL) {
			store_batch_rollback(st);
			return ERR_DB;
		}
		sqlite3_bind_int64(s, 1, st->batch_ev);
		if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK) {
			store_batch_rollback(st);
			return rc;
		}
	}
	if ((s = stmt(st, S_COMMIT, ebuf, n)) == NULL) {
		store_batch_rollback(st);
		return ERR_DB;
	}
	if ((rc = run(st, s, ebuf, n, "commit")) != ERR_OK) {
		store_batch_rollback(st);
		return rc;
	}
	st->in_batch = 0;
	return ERR_OK;
}

void
store_batch_rollback(struct store *st)
{
	/* After SQLITE_FULL or an I/O error SQLite may have rolled back
	 * already; a second ROLLBACK would only add an error. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_batch = 0;
	/* rows of the batch may be in memory: load afresh */
	st->fps.day = 0;
}

/* ---- articles ---- */

/* Lookups and writes of the batch's feed: outside a batch there is none. */
static int
need_batch(struct store *st, char *ebuf, size_t n)
{
	if (st->in_batch)
		return ERR_OK;
	return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch", st->path);
}

int
store_key_get(struct store *st, const unsigned char *key, int global,
    int64_t *id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	*id = 0;
	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_KEY_GET, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, global ? 0 : st->batch_feed);
	sqlite3_bind_blob(s, 2, key, DEDUP_KEYLEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "identity lookup");
		done(s);
		return rc;
	}
	done(s);
	return ERR_OK;
}

/* Up to three keys a statement: fewer keys repeat the last one, which the
 * second time is ignored like any known key. */
int
store_keys_put(struct store *st, int64_t id, const struct store_key *k,
    size_t nkeys, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	size_t i, j, at;
	int rc;

	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	for (at = 0; at < nkeys; at += 3) {
		if ((s = stmt(st, S_KEYS_PUT, ebuf, n)) == NULL)
			return ERR_DB;
		for (i = 0; i < 3; i++) {
			j = at + i < nkeys ? at + i : nkeys - 1;
			sqlite3_bind_int64(s, 3 * i + 1, k[j].global ? 0 :
			    st->batch_feed);
			sqlite3_bind_blob(s, 3 * i + 2, k[j].key, DEDUP_KEYLEN,
			    SQLITE_STATIC);
			sqlite3_bind_int(s, 3 * i + 3, k[j].kind);
		}
		sqlite3_bind_int64(s, 10, id);
		if ((rc = run(st, s, ebuf, n, "identity key")) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static uint64_t
fp_prefix(const unsigned char *fp)
{
	uint64_t v;

	memcpy(&v, fp, sizeof(v));
	return v;
}

static void
fp_add(struct fp_index *x, uint64_t prefix, int64_t row)
{
	size_t i, mask;

	if (2 * (x->n + 1) > x->cap) {
		struct fp_slot *old = x->slot;
		size_t oldcap = x->cap;

		x->cap = x->cap ? 2 * x->cap : 1024;
		x->slot = xcalloc(x->cap, sizeof(*x->slot));
		x->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].row != 0)
				fp_add(x, old[i].prefix, old[i].row);
		free(old);
	}
	mask = x->cap - 1;
	for (i = prefix & mask; x->slot[i].row != 0; i = (i + 1) & mask)
		;
	x->slot[i].prefix = prefix;
	x->slot[i].row = row;
	x->n++;
	if (row > x->last)
		x->last = row;
}

/* Adds the rows above x->last: those of other writers since our last
 * batch, or all of them after a reset. */
static int
fp_catch_up(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FP_SINCE, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->fps.last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) >= 8)
			fp_add(&st->fps, fp_prefix(sqlite3_column_blob(s, 1)),
			    sqlite3_column_int64(s, 0));
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "fingerprints");
	done(s);
	return rc;
}

/* The index, current for day: on the first use of a newer day the rows
 * older than the day before it are pruned and it is built afresh. */
static int
fp_ready(struct store *st, int64_t day, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->fps.day != 0 && day <= st->fps.day) {
		/* another writer may have added some since our last batch */
		if (!st->fps.synced &&
		    (rc = fp_catch_up(st, ebuf, n)) != ERR_OK)
			return rc;
		st->fps.synced = 1;
		return ERR_OK;
	}
	if ((s = stmt(st, S_FP_PRUNE, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, day - 1);
	if ((rc = run(st, s, ebuf, n, "fingerprints")) != ERR_OK)
		return rc;
	free(st->fps.slot);
	memset(&st->fps, 0, sizeof(st->fps));
	if ((rc = fp_catch_up(st, ebuf, n)) != ERR_OK)
		return rc;
	st->fps.day = day;
	st->fps.synced = 1;
	return ERR_OK;
}

/* The article whose fingerprint fp was first seen on day, or 0, from the
 * index (which must be ready). */
static int
fp_find(struct store *st, int64_t day, const unsigned char *fp, int64_t *id,
    char *ebuf, size_t n)
{
	struct fp_index *x = &st->fps;
	sqlite3_stmt *s;
	uint64_t prefix = fp_prefix(fp);
	size_t i, mask;
	int rc;

	*id = 0;
	if (x->cap == 0)
		return ERR_OK;
	mask = x->cap - 1;
	for (i = prefix & mask; x->slot[i].row != 0; i = (i + 1) & mask) {
		if (x->slot[i].prefix != prefix)
			continue;
		if ((s = stmt(st, S_FP_GET, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, x->slot[i].row);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			if (sqlite3_column_int64(s, 0) == day &&
			    sqlite3_column_bytes(s, 1) == DEDUP_KEYLEN &&
			    memcmp(sqlite3_column_blob(s, 1), fp,
			    DEDUP_KEYLEN) == 0)
				*id = sqlite3_column_int64(s, 2);
		} else if (rc != SQLITE_DONE) {
			rc = db_error(st, ebuf, n, "fingerprint lookup");
			done(s);
			return rc;
		}
		/* SQLITE_DONE: pruned by another writer */
		done(s);
		if (*id != 0)
			break;
	}
	return ERR_OK;
}

int
store_fp_get(struct store *st, int64_t day, const unsigned char *fp,
    int64_t *id, char *ebuf, size_t n)
{
	int rc;

	*id = 0;
	if ((rc = need_batch(st, ebuf, n)) != ERR_OK ||
	    (rc = fp_ready(st, day, ebuf, n)) != ERR_OK)
		return rc;
	return fp_find(st, day, fp, id, ebuf, n);
}

int
store_fp_put(struct store *st, int64_t day, const unsigned char *fp,
    int64_t id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int64_t have;
	int rc;

	if ((rc = store_fp_get(st, day, fp, &have, ebuf, n)) != ERR_OK || have)
		return rc;
	if ((s = stmt(st, S_FP_PUT, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, day);
	sqlite3_bind_blob(s, 2, fp, DEDUP_KEYLEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	if ((rc = run(st, s, ebuf, n, "fingerprint")) != ERR_OK)
		return rc;
	fp_add(&st->fps, fp_prefix(fp), sqlite3_last_insert_rowid(st->db));
	return ERR_OK;
}

static void
seen_add(struct store *st, int64_t id)
{
	if (st->nseen == st->seencap) {
		st->seencap = st->seencap ? 2 * st->seencap : 128;
		st->seen = xreallocarray(st->seen, st->seencap, sizeof(*st->seen));
	}
	st->seen[st->nseen++] = id;
}

static void
blob16(sqlite3_stmt *s, int i, unsigned char *out)
{
	const void *h = sqlite3_column_blob(s, i);

	memset(out, 0, DEDUP_HASHLEN);
	if (h != NULL && sqlite3_column_bytes(s, i) == DEDUP_HASHLEN)
		memcpy(out, h, DEDUP_HASHLEN);
}

int
store_item_get(struct store *st, int64_t id, struct store_item *it,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	memset(it, 0, sizeof(*it));
	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_AF_GET, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		blob16(s, 0, it->hash);
		it->removed = sqlite3_column_int64(s, 1) != 0;
		blob16(s, 2, it->raw);
		it->last_seen = sqlite3_column_int64(s, 3);
		it->have = 1;
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = ERR_OK;
	else
		rc = db_error(st, ebuf, n, "article link");
	done(s);
	return rc;
}

int
store_item_seen(struct store *st, int64_t id, const struct store_item *it,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	seen_add(st, id);
	if (it->last_seen + STORE_SEEN_RESOLUTION > now &&
	    memcmp(it->raw, raw, DEDUP_HASHLEN) == 0)
		return ERR_OK;
	if ((s = stmt(st, S_AF_SEEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_blob(s, 4, raw, DEDUP_HASHLEN, SQLITE_STATIC);
	return run(st, s, ebuf, n, "seen");
}

int
store_article_exists(struct store *st, int64_t id, int *yes, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = stmt(st, S_ART_EXISTS, ebuf, n);
	int rc;

	*yes = 0;
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	*yes = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "article");
		done(s);
		return rc;
	}
	done(s);
	return ERR_OK;
}

int
store_ident_taken(struct store *st, const char *ident, int *yes, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int rc;

	*yes = 0;
	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_IDENT_TAKEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	bind_text(s, 2, ident);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "identity");
		done(s);
		return rc;
	}
	done(s);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}

static char *
categories_json(const struct article *a)
{
	json_t *j;
	char *s;
	size_t i;

	if (a->ncategories == 0)
		return NULL;
	j = json_array();
	for (i = 0; i < a->ncategories; i++)
		json_array_append_new(j, json_string(a->categories[i]));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static char *
enclosures_json(const struct article *a)
{
	json_t *j, *e;
	char *s;
	size_t i;

	if (a->nenclosures == 0)
		return NULL;
	j = json_array();
	for (i = 0; i < a->nenclosures; i++) {
		e = json_object();
		json_object_set_new(e, "url", json_string(a->enclosures[i].url));
		json_object_set_new(e, "type", a->enclosures[i].type ?
		    json_string(a->enclosures[i].type) : json_null());
		json_object_set_new(e, "length", a->enclosures[i].length >= 0 ?
		    json_integer(a->enclosures[i].length) : json_null());
		json_array_append_new(j, e);
	}
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void
hex(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Binds the record's fields at positions first.. in the order shared by
 * S_ART_INSERT (from ?2) and S_ART_UPDATE (from ?2): ident .. language. */
static void
bind_record(sqlite3_stmt *s, int first, const struct article *a,
    const char *cats, const char *encs)
{
	int i = first;

	bind_text(s, i++, a->id);
	bind_text(s, i++, a->guid);
	bind_text(s, i++, a->link);
	bind_text(s, i++, a->title);
	bind_text(s, i++, a->author);
	if (a->has_published) {
		sqlite3_bind_int64(s, i++, a->published.utc);
		sqlite3_bind_int(s, i++, a->published.tzoff);
	} else {
		sqlite3_bind_null(s, i++);
		sqlite3_bind_null(s, i++);
	}
	if (a->has_updated) {
		sqlite3_bind_int64(s, i++, a->updated.utc);
		sqlite3_bind_int(s, i++, a->updated.tzoff);
	} else {
		sqlite3_bind_null(s, i++);
		sqlite3_bind_null(s, i++);
	}
	bind_text(s, i++, a->summary);
	bind_text(s, i++, a->content);
	bind_text(s, i++, a->text);
	bind_text(s, i++, cats ? cats : "[]");
	bind_text(s, i++, encs ? encs : "[]");
	bind_text(s, i++, a->comments);
	bind_text(s, i++, a->language);
}

/* Binds image, duration and comment_count at first..first + 2. */
static void
bind_extras(sqlite3_stmt *s, int first, const struct article *a)
{
	bind_text(s, first, a->image);
	if (a->has_duration)
		sqlite3_bind_int64(s, first + 1, a->duration);
	else
		sqlite3_bind_null(s, first + 1);
	if (a->has_comment_count)
		sqlite3_bind_int64(s, first + 2, a->comment_count);
	else
		sqlite3_bind_null(s, first + 2);
}

static int
event_put(struct store *st, int64_t article, enum store_event_kind kind,
    int revision, int first, int64_t now, char *ebuf, size_t n)
{
	/* first: the article is new from this feed, which is then its
	 * origin; no need to look that up */
	sqlite3_stmt *s = stmt(st, first ? S_EVENT_NEW : S_EVENT_INSERT, ebuf,
	    n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, article);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	bind_text(s, 3, store_event_kind_name(kind));
	sqlite3_bind_int(s, 4, revision);
	sqlite3_bind_int64(s, 5, now);
	if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	if (st->batch_ev == 0)
		st->batch_ev = sqlite3_last_insert_rowid(st->db);
	return ERR_OK;
}

/* The batch feed's item of article id: a new one (insert), else the
 * version it now has. */
static int
item_put(struct store *st, int insert, int duplicate, int64_t id,
    const struct article *a, const unsigned char *hash,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, insert ? S_AF_INSERT : S_AF_UPDATE, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	bind_text(s, 3, a->guid);
	sqlite3_bind_blob(s, 4, hash, DEDUP_HASHLEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, raw, DEDUP_HASHLEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	if (insert)
		sqlite3_bind_int(s, 7, duplicate);
	return run(st, s, ebuf, n, duplicate ? "link duplicate" :
	    "link article");
}

int
store_article_add(struct store *st, const struct article *a,
    const char *ident, const unsigned char *hash, const unsigned char *raw,
    int64_t now, int64_t *idp, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	int64_t sort, id;
	int rc;

	*idp = 0;
	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_ART_INSERT, ebuf, n)) == NULL)
		return ERR_DB;
	cats = categories_json(a);
	encs = enclosures_json(a);
	hex(hash, DEDUP_HASHLEN, hexhash);
	sort = now;
	if (a->has_published && a->published.utc < sort)
		sort = a->published.utc;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	bind_record(s, 2, a, cats, encs);
	if (ident != NULL)
		bind_text(s, 2, ident);
	sqlite3_bind_int64(s, 18, now);
	sqlite3_bind_int64(s, 19, sort);
	bind_text(s, 20, hexhash);
	bind_extras(s, 21, a);
	rc = run(st, s, ebuf, n, "add article");
	free(cats);
	free(encs);
	if (rc != ERR_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);
	*idp = id;
	seen_add(st, id);
	if ((rc = item_put(st, 1, 0, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, STORE_EV_NEW, 1, 1, now, ebuf, n);
}

int
store_article_update(struct store *st, int64_t id, const struct article *a,
    const unsigned char *hash, const unsigned char *raw, int64_t now,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	struct article copy;
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	int rc, revision = 0;

	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	seen_add(st, id);
	/* the version being replaced is kept in article_revisions */
	if ((s = stmt(st, S_REV_SAVE, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = run(st, s, ebuf, n, "keep revision")) != ERR_OK)
		return rc;

	if ((rc = fts_one(st, S_FTS_DEL_ONE, id, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_ART_UPDATE, ebuf, n)) == NULL)
		return ERR_DB;
	/* an update without a date of its own is dated by when we saw it */
	copy = *a;
	if (!copy.has_updated) {
		copy.has_updated = 1;
		copy.updated.utc = now;
		copy.updated.tzoff = 0;
	}
	cats = categories_json(a);
	encs = enclosures_json(a);
	hex(hash, DEDUP_HASHLEN, hexhash);
	sqlite3_bind_int64(s, 1, id);
	bind_record(s, 2, &copy, cats, encs);
	sqlite3_bind_int64(s, 18, now);
	bind_text(s, 19, hexhash);
	bind_extras(s, 20, a);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		revision = sqlite3_column_int(s, 0);
		rc = sqlite3_step(s);
	}
	free(cats);
	free(encs);
	if (rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "update article");
		done(s);
		return rc;
	}
	done(s);
	if ((rc = fts_one(st, S_FTS_ADD_ONE, id, ebuf, n)) != ERR_OK)
		return rc;
	if ((rc = item_put(st, 0, 0, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, STORE_EV_UPDATE, revision, 0, now, ebuf, n);
}

int
store_article_link(struct store *st, int64_t id, const struct article *a,
    const unsigned char *hash, const unsigned char *raw,
    enum store_event_kind kind, int64_t now, char *ebuf, size_t n)
{
	int rc;

	if ((rc = need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	seen_add(st, id);
	if ((rc = item_put(st, 1, 1, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, kind, 1, 0, now, ebuf, n);
}

int
store_feed_note_identity(struct store *st, enum dedup_identity mode,
    const char *reason, long churn_delta, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_FEED_IDENTITY, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch",
		    st->path);
	sqlite3_bind_int64(s, 1, st->batch_feed);
	bind_text(s, 2, dedup_identity_name(mode));
	bind_text(s, 3, reason);
	sqlite3_bind_int64(s, 4, churn_delta);
	return run(st, s, ebuf, n, "identity");
}

static int
idcmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
in_batch_doc(const struct store *st, int64_t id)
{
	return bsearch(&id, st->seen, st->nseen, sizeof(*st->seen),
	    idcmp) != NULL;
}

/* Collects the article ids s yields (s bound, not stepped). */
static int
collect_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *nids,
    char *ebuf, size_t n)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*nids = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*nids == cap) {
			cap = cap ? 2 * cap : 64;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*nids)++] = sqlite3_column_int64(s, 0);
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "retention");
	done(s);
	return rc;
}

/* A number for this batch's removals, distinct from every earlier one,
 * taken only when something is removed. */
static int
take_gen(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->batch_gen != 0)
		return ERR_OK;
	if ((s = stmt(st, S_FEED_GEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->batch_gen = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
		    db_error(st, ebuf, n, "retention");
	} else
		rc = db_error(st, ebuf, n, "retention");
	done(s);
	return rc;
}

static int
mark_removed(struct store *st, int64_t id, long *removed, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = take_gen(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_RET_MARK, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	sqlite3_bind_int64(s, 3, st->batch_gen);
	if ((rc = run(st, s, ebuf, n, "retention")) == ERR_OK)
		*removed += sqlite3_changes(st->db);
	return rc;
}

int
store_retention(struct store *st, int64_t max_age, long max_count,
    int64_t now, long *removed, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int64_t *ids = NULL;
	size_t nids = 0, i, present = 0, slots;
	int rc = ERR_OK;

	*removed = 0;
	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: retention outside a "
		    "batch", st->path);
	qsort(st->seen, st->nseen, sizeof(*st->seen), idcmp);
	/* removed = the batch's generation, so that the deletes below only
	 * look at what this call removed */
	if (max_age > 0) {
		if ((s = stmt(st, S_RET_AGE, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, st->batch_feed);
		sqlite3_bind_int64(s, 2, now - max_age);
		if ((rc = collect_ids(st, s, &ids, &nids, ebuf, n)) != ERR_OK)
			goto out;
		for (i = 0; i < nids && rc == ERR_OK; i++)
			if (!in_batch_doc(st, ids[i]))
				rc = mark_removed(st, ids[i], removed, ebuf, n);
		free(ids);
		ids = NULL;
		if (rc != ERR_OK)
			goto out;
	}
	if (max_count > 0) {
		if ((s = stmt(st, S_RET_COUNT, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, st->batch_feed);
		if ((rc = collect_ids(st, s, &ids, &nids, ebuf, n)) != ERR_OK)
			goto out;
		/* the latest document's items always stay and take their
		 * places first; the newest others fill what is left */
		for (i = 0; i < nids; i++)
			present += in_batch_doc(st, ids[i]);
		slots = present < (size_t)max_count ? max_count - present : 0;
		for (i = 0; i < nids && rc == ERR_OK; i++) {
			if (in_batch_doc(st, ids[i]))
				continue;
			if (slots > 0) {
				slots--;
				continue;
			}
			rc = mark_removed(st, ids[i], removed, ebuf, n);
		}
		if (rc != ERR_OK)
			goto out;
	}
	if (*removed == 0)
		goto out;
	if ((s = stmt(st, S_FTS_DEL_RET, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, st->batch_feed);
	sqlite3_bind_int64(s, 2, st->batch_gen);
	if ((rc = run(st, s, ebuf, n, "full-text index")) != ERR_OK)
		goto out;
	if ((s = stmt(st, S_RET_DELETE, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, st->batch_feed);
	sqlite3_bind_int64(s, 2, st->batch_gen);
	rc = run(st, s, ebuf, n, "retention");
out:
	free(ids);
	return rc;
}

void
store_article_meta_clear(struct store_article_meta *m)
{
	if (m == NULL)
		return;
	free(m->feed_url);
	free(m->feed_name);
	free(m->feed_title);
	memset(m, 0, sizeof(*m));
}

static void
json_categories(struct article *a, const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	size_t i;

	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++)
			article_add_category(a,
			    json_string_value(json_array_get(j, i)));
	json_decref(j);
}

static void
json_enclosures(struct article *a, const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL, *e, *len;
	const char *url;
	size_t i;

	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++) {
			e = json_array_get(j, i);
			url = json_string_value(json_object_get(e, "url"));
			if (url == NULL)
				continue;
			len = json_object_get(e, "length");
			article_add_enclosure(a, url, json_string_value(
			    json_object_get(e, "type")),
			    json_is_integer(len) ? json_integer_value(len) : -1);
		}
	json_decref(j);
}

static struct article *
row_article(sqlite3_stmt *s, struct store_article_meta *m)
{
	struct article *a = article_new();
	const char *h;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	m->feed_id = sqlite3_column_int64(s, 1);
	a->id = col_text(s, 2);
	a->guid = col_text(s, 3);
	a->link = col_text(s, 4);
	a->title = col_text(s, 5);
	a->author = col_text(s, 6);
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		a->has_published = 1;
		a->published.utc = sqlite3_column_int64(s, 7);
		a->published.tzoff = sqlite3_column_int(s, 8);
	}
	if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
		a->has_updated = 1;
		a->updated.utc = sqlite3_column_int64(s, 9);
		a->updated.tzoff = sqlite3_column_int(s, 10);
	}
	a->summary = col_text(s, 11);
	a->content = col_text(s, 12);
	a->text = col_text(s, 13);
	json_categories(a, (const char *)sqlite3_column_text(s, 14));
	json_enclosures(a, (const char *)sqlite3_column_text(s, 15));
	a->comments = col_text(s, 16);
	a->language = col_text(s, 17);
	m->first_seen = sqlite3_column_int64(s, 18);
	m->changed = sqlite3_column_int64(s, 19);
	if ((h = (const char *)sqlite3_column_text(s, 20)) != NULL)
		snprintf(m->content_hash, sizeof(m->content_hash), "%s", h);
	m->revision = sqlite3_column_int(s, 21);
	m->feed_url = col_text(s, 22);
	m->feed_name = col_text(s, 23);
	m->feed_title = col_text(s, 24);
	m->last_seen = sqlite3_column_int64(s, 25);
	m->nfeeds = sqlite3_column_int(s, 26);
	a->image = col_text(s, 27);
	if (sqlite3_column_type(s, 28) != SQLITE_NULL) {
		a->has_duration = 1;
		a->duration = sqlite3_column_int64(s, 28);
	}
	if (sqlite3_column_type(s, 29) != SQLITE_NULL) {
		a->has_comment_count = 1;
		a->comment_count = sqlite3_column_int64(s, 29);
	}
	return a;
}

int
store_article_get(struct store *st, int64_t id, struct article **ap,
    struct store_article_meta *m, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_ART_GET, ebuf, n);
	int rc;

	*ap = NULL;
	memset(m, 0, sizeof(*m));
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ap = row_article(s, m);
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no article %lld",
		    st->path, (long long)id);
	else
		rc = db_error(st, ebuf, n, "article");
	done(s);
	return rc;
}

int
store_article_find(struct store *st, const char *ref, size_t max,
    struct store_ref **out, size_t *nout, char *ebuf, size_t n)
{
	/* A store number wins; the text columns are looked at only when
	 * no article has that number. */
	static const char sql[] =
	    "SELECT a.id, coalesce(f.name, f.url), a.title FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?2"
	    " UNION SELECT a.id, coalesce(f.name, f.url), a.title"
	    " FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = ?2)"
	    " AND (a.ident = ?1 OR a.guid = ?1 OR a.link = ?1)"
	    " ORDER BY 1 LIMIT ?3";
	struct store_ref *m;
	sqlite3_stmt *s;
	char *end;
	long long num;
	int rc;

	*out = NULL;
	*nout = 0;
	errno = 0;
	num = strtoll(ref, &end, 10);
	if (errno || end == ref || *end || num <= 0)
		num = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return db_error(st, ebuf, n, "find article");
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, num);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	m = xcalloc(max ? max : 1, sizeof(*m));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *nout < max) {
		const char *t = (const char *)sqlite3_column_text(s, 2);

		m[*nout].id = sqlite3_column_int64(s, 0);
		m[*nout].feed = xstrdup((const char *)sqlite3_column_text(s, 1));
		m[*nout].title = t ? xstrdup(t) : NULL;
		(*nout)++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "find article");
		sqlite3_finalize(s);
		store_refs_free(m, *nout);
		*nout = 0;
		return rc;
	}
	sqlite3_finalize(s);
	*out = m;
	return ERR_OK;
}

void
store_refs_free(struct store_ref *m, size_t n)
{
	size_t i;

	for (i = 0; m && i < n; i++) {
		free(m[i].feed);
		free(m[i].title);
	}
	free(m);
}

/* Walks the rows of s (bound, not yet stepped) through cb.  Statements
 * that read run in one implicit read transaction: the walk sees one
 * snapshot, whatever the writer does meanwhile. */
static int
walk(struct store *st, sqlite3_stmt *s, store_article_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_article_meta m;
	struct article *a;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a = row_article(s, &m);
		rc = cb(ctx, a, &m);
		article_free(a);
		store_article_meta_clear(&m);
		if (rc != 0) {
			done(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "articles");
	done(s);
	return rc;
}

int
store_articles_list(struct store *st, const struct store_filter *f,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_ART_LIST, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, f ? f->feed_id : 0);
	sqlite3_bind_int64(s, 2, f ? f->since : 0);
	sqlite3_bind_int64(s, 3, f && f->limit > 0 ? f->limit : -1);
	return walk(st, s, cb, ctx, ebuf, n);
}

/* Each word of q as an FTS5 string ("a" "b"): plain terms, no syntax. */
static char *
quote_terms(const char *q)
{
	struct buf b = { 0 };
	const char *p = q;
	size_t len;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t\n");
		if (b.len)
			buf_putc(&b, ' ');
		buf_putc(&b, '"');
		for (; len > 0; len--, p++) {
			if (*p == '"')
				buf_putc(&b, '"');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	return buf_detach(&b);
}

int
store_search(struct store *st, const char *query, long limit,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_SEARCH, ebuf, n);
	char *quoted;
	int rc;

	if (s == NULL)
		return ERR_DB;
	bind_text(s, 1, query);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return walk(st, s, cb, ctx, ebuf, n);
	}
	done(s);
	/* not FTS5 syntax (a stray quote, a lone AND): search the words */
	quoted = quote_terms(query);
	if (*quoted == '\0') {
		free(quoted);
		return ERR_OK;
	}
	bind_text(s, 1, quoted);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	rc = walk(st, s, cb, ctx, ebuf, n);
	free(quoted);
	return rc;
}

/* ---- the outbox ---- */

const char *
store_event_kind_name(enum store_event_kind k)
{
	switch (k) {
	case STORE_EV_NEW:
		return "new";
	case STORE_EV_UPDATE:
		return "update";
	case STORE_EV_DUPLICATE:
		return "duplicate";
	}
	return "new";
}

static enum store_event_kind
event_kind(const char *s)
{
	if (s != NULL && strcmp(s, "update") == 0)
		return STORE_EV_UPDATE;
	if (s != NULL && strcmp(s, "duplicate") == 0)
		return STORE_EV_DUPLICATE;
	return STORE_EV_NEW;
}

static void
row_event(sqlite3_stmt *s, struct store_event *e)
{
	e->seq = sqlite3_column_int64(s, 0);
	e->article_id = sqlite3_column_int64(s, 1);
	e->feed_id = sqlite3_column_int64(s, 2);
	e->kind = event_kind((const char *)sqlite3_column_text(s, 3));
	e->revision = sqlite3_column_int(s, 4);
	e->created = sqlite3_column_int64(s, 5);
	e->feed_url = (const char *)sqlite3_column_text(s, 6);
	e->feed_name = (const char *)sqlite3_column_text(s, 7);
	e->feed_title = (const char *)sqlite3_column_text(s, 8);
	e->origin_url = (const char *)sqlite3_column_text(s, 9);
	e->fails = 0;
	e->aside_until = 0;
	e->fail_reason = NULL;
	if (sqlite3_column_count(s) > 12 &&
	    sqlite3_column_type(s, 10) != SQLITE_NULL) {
		e->fails = sqlite3_column_int(s, 10);
		e->aside_until = sqlite3_column_int64(s, 11);
		e->fail_reason = (const char *)sqlite3_column_text(s, 12);
	}
}

/* Calls cb for each event s returns, until it returns non-zero; s is done
 * after. */
static int
walk_events(struct store *st, sqlite3_stmt *s, store_event_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_event e;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_event(s, &e);
		if ((rc = cb(ctx, &e)) != 0) {
			done(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "outbox");
	done(s);
	return rc;
}

int
store_events_pending(struct store *st, const char *target, int64_t after,
    long limit, store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_EV_PENDING, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	return walk_events(st, s, cb, ctx, ebuf, n);
}

static int
step_exists(struct store *st, sqlite3_stmt *s, int *yes, char *ebuf, size_t n)
{
	int rc = sqlite3_step(s);

	*yes = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = db_error(st, ebuf, n, "outbox");
		done(s);
		return rc;
	}
	done(s);
	return ERR_OK;
}

/* Moves the target's low-water mark over every event that is done (or
 * whose article is gone), dropping the done rows it passes, so that
 * export_done holds only the events done out of order. */
static int
advance(struct store *st, const char *target, int64_t now, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int64_t low = 0, max = 0, next;
	int rc, yes;

	if ((s = stmt(st, S_TARGET_LOW, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	if (sqlite3_step(s) == SQLITE_ROW)
		low = sqlite3_column_int64(s, 0);
	done(s);
	if ((s = stmt(st, S_EV_MAX, ebuf, n)) == NULL)
		return ERR_DB;
	if (sqlite3_step(s) == SQLITE_ROW)
		max = sqlite3_column_int64(s, 0);
	done(s);
	for (next = low + 1; next <= max; next++) {
		if ((s = stmt(st, S_DONE_EXISTS, ebuf, n)) == NULL)
			return ERR_DB;
		bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, next);
		if ((rc = step_exists(st, s, &yes, ebuf, n)) != ERR_OK)
			return rc;
		if (yes) {
			if ((s = stmt(st, S_DONE_DELETE, ebuf, n)) == NULL)
				return ERR_DB;
			bind_text(s, 1, target);
			sqlite3_bind_int64(s, 2, next);
			if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
				return rc;
			continue;
		}
		if ((s = stmt(st, S_EV_SKIPPABLE, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, next);
		if ((rc = step_exists(st, s, &yes, ebuf, n)) != ERR_OK)
			return rc;
		if (!yes)
			break;
	}
	if (next - 1 == low)
		return ERR_OK;
	if ((s = stmt(st, S_TARGET_SET, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, next - 1);
	(void)now;
	if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	/* events set aside whose article is gone */
	if ((s = stmt(st, S_ASIDE_BELOW, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, next - 1);
	return run(st, s, ebuf, n, "outbox");
}

int
store_event_done(struct store *st, const char *target, int64_t seq,
    int64_t now, char *ebuf, size_t n)
{
	return store_events_done(st, target, &seq, 1, now, ebuf, n);
}

int
store_events_done(struct store *st, const char *target, const int64_t *seqs,
    size_t nseqs, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int own = !st->in_batch, rc;
	size_t i;

	if (own) {
		if ((s = stmt(st, S_BEGIN, ebuf, n)) == NULL)
			return ERR_DB;
		if ((rc = run(st, s, ebuf, n, "begin")) != ERR_OK)
			return rc;
	}
	if ((s = stmt(st, S_TARGET_ENSURE, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	bind_text(s, 1, target);
	if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
		goto out;
	for (i = 0; i < nseqs; i++) {
		if ((s = stmt(st, S_EV_DONE, ebuf, n)) == NULL) {
			rc = ERR_DB;
			goto out;
		}
		bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, seqs[i]);
		sqlite3_bind_int64(s, 3, now);
		if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
			goto out;
		if ((s = stmt(st, S_ASIDE_DONE, ebuf, n)) == NULL) {
			rc = ERR_DB;
			goto out;
		}
		bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, seqs[i]);
		if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
			goto out;
	}
	rc = advance(st, target, now, ebuf, n);
out:
	if (own) {
		if (rc == ERR_OK && (s = stmt(st, S_COMMIT, ebuf, n)) != NULL)
			rc = run(st, s, ebuf, n, "commit");
		else if (rc == ERR_OK)
			rc = ERR_DB;
		if (rc != ERR_OK && !sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int
store_events_list(struct store *st, int64_t since, int64_t feed_id,
    store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_EV_LIST, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, feed_id);
	return walk_events(st, s, cb, ctx, ebuf, n);
}

int
store_event_failed(struct store *st, const char *target, int64_t seq,
    int fails, int64_t until, const char *reason, int64_t now, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;

	if ((s = stmt(st, S_ASIDE_PUT, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_int(s, 3, fails);
	sqlite3_bind_int64(s, 4, until);
	bind_text(s, 5, reason != NULL ? reason : "");
	sqlite3_bind_int64(s, 6, now);
	return run(st, s, ebuf, n, "outbox");
}

int
store_target_set_error(struct store *st, const char *target,
    const char *msg, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = stmt(st, S_TARGET_ENSURE, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	if ((rc = run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	if ((s = stmt(st, S_TARGET_ERROR, ebuf, n)) == NULL)
		return ERR_DB;
	bind_text(s, 1, target);
	bind_text(s, 2, msg);
	sqlite3_bind_int64(s, 3, msg != NULL ? now : 0);
	return run(st, s, ebuf, n, "outbox");
}

int
store_targets_list(struct store *st, store_target_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s = stmt(st, S_TARGET_LIST, ebuf, n);
	struct store_target t;
	int rc;

	if (s == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t.name = (const char *)sqlite3_column_text(s, 0);
		t.done_below = sqlite3_column_int64(s, 1);
		t.last_error = (const char *)sqlite3_column_text(s, 2);
		t.last_error_time = sqlite3_column_int64(s, 3);
		if ((rc = cb(ctx, &t)) != 0) {
			done(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : db_error(st, ebuf, n, "outbox");
	done(s);
	return rc;
}

/* ---- one deliverer per target ---- */

/*
 * Target locks are byte-range locks on "PATH-lock", one byte per target at
 * an offset hashed from its name (two names sharing a byte only take turns).
 * Open file description locks belong to this handle's descriptor, not to
 * the process, so that they are released with it (store_close, a crash, a
 * kill) and a child between fork and exec never keeps one past the exec
 * (close-on-exec).
 */
#ifdef F_OFD_SETLK
#define LOCK_CMD	F_OFD_SETLK
#else
#define LOCK_CMD	F_SETLK
#endif
#define LOCK_POLL_MS	20

static off_t
lock_offset(const char *target)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *target != '\0'; target++)
		h = (h ^ (unsigned char)*target) * 1099511628211ULL;
	return (off_t)(h >> 2);
}

static struct tlock *
lock_find(struct store *st, off_t off)
{
	size_t i;

	for (i = 0; i < st->nlocks; i++)
		if (st->locks[i].off == off)
			return &st->locks[i];
	return NULL;
}

static int
lock_byte(int fd, off_t off, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = off;
	fl.l_len = 1;
	return fcntl(fd, LOCK_CMD, &fl);
}

int
store_target_lock(struct store *st, const char *target, int wait_ms,
    int *got, char *ebuf, size_t n)
{
	struct tlock *l;
	off_t off = lock_offset(target);
	char *lpath;
	int waited = 0;

	*got = 0;
	if ((l = lock_find(st, off)) != NULL) {
		l->count++;
		*got = 1;
		return ERR_OK;
	}
	if (st->lockfd == -1) {
		lpath = xasprintf("%s-lock", st->path);
		st->lockfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (st->lockfd == -1) {
			err_set(ebuf, n, ERR_IO, "%s: %s", lpath,
			    strerror(errno));
			free(lpath);
			return ERR_IO;
		}
		free(lpath);
	}
	while (lock_byte(st->lockfd, off, F_WRLCK) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EACCES)
			return err_set(ebuf, n, ERR_IO, "%s-lock: %s",
			    st->path, strerror(errno));
		if (waited >= wait_ms)
			return ERR_OK;
		usleep(LOCK_POLL_MS * 1000);
		waited += LOCK_POLL_MS;
	}
	st->locks = xreallocarray(st->locks, st->nlocks + 1,
	    sizeof(*st->locks));
	st->locks[st->nlocks].off = off;
	st->locks[st->nlocks++].count = 1;
	*got = 1;
	return ERR_OK;
}

void
store_target_unlock(struct store *st, const char *target)
{
	struct tlock *l;

	if ((l = lock_find(st, lock_offset(target))) == NULL ||
	    --l->count > 0)
		return;
	lock_byte(st->lockfd, l->off, F_UNLCK);
	*l = st->locks[--st->nlocks];
}
