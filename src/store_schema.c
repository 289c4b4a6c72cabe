/* The schema history and the migration that applies it (store_int.h). */

#include "config.h"

#include <stdio.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

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
	 * a large share of the log written per new article.  The store
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
	/* 7 -> 8, filter rules: an article a keep= or drop= rule dropped,
	 * by the feed's rules (target '', exported nowhere) or a target's;
	 * the rule and when.  Its marks go with the article. */
	"CREATE TABLE article_drops ("
	" article_id INTEGER NOT NULL,"
	" target TEXT NOT NULL,"
	" rule TEXT NOT NULL,"
	" dropped INTEGER NOT NULL,"
	" PRIMARY KEY (article_id, target)) WITHOUT ROWID;"
	"CREATE TRIGGER article_drops_ad AFTER DELETE ON articles BEGIN"
	" DELETE FROM article_drops WHERE article_id = old.id;"
	" END;"
	"CREATE VIEW article_drops_v1 AS SELECT"
	" article_id, nullif(target, '') AS target, rule, dropped"
	" FROM article_drops;",
	/* 8 -> 9: whole articles from teaser feeds (issue 12).  Where an
	 * article's body came from ('feed' or 'page') and the page's URL
	 * after redirects; pages holds each article whose page was asked
	 * for: the link, the state ('due', 'page': extracted, 'failed',
	 * 'refused'), retries and why it failed.  An event of an article
	 * whose page is due is held (not in the outbox) until the page is
	 * settled, so that the article goes out once, whole.  articles_v3
	 * is articles_v2's columns and body_source, page_url. */
	"ALTER TABLE articles ADD COLUMN body_source TEXT NOT NULL"
	" DEFAULT 'feed';"
	"ALTER TABLE articles ADD COLUMN page_url TEXT;"
	"ALTER TABLE events ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE pages ("
	" article_id INTEGER PRIMARY KEY,"
	" feed_id INTEGER NOT NULL,"
	" link TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL,"
	" deadline INTEGER NOT NULL,"
	" page_url TEXT,"
	" error TEXT,"
	" changed INTEGER NOT NULL);"
	"CREATE INDEX pages_state ON pages(state);"
	"CREATE TRIGGER pages_ad AFTER DELETE ON articles BEGIN"
	" DELETE FROM pages WHERE article_id = old.id;"
	" END;"
	"CREATE VIEW articles_v3 AS SELECT"
	" a.id, a.feed_id, f.url AS feed_url, f.name AS feed_name,"
	" f.title AS feed_title, a.ident, a.guid, a.link, a.title, a.author,"
	" a.published, a.published_tz, a.updated, a.updated_tz,"
	" a.summary, a.content, a.text, a.categories, a.enclosures,"
	" a.comments, a.language, a.first_seen,"
	" (SELECT max(x.last_seen) FROM article_feeds x"
	"  WHERE x.article_id = a.id) AS last_seen,"
	" a.changed, a.sort_time, a.content_hash, a.revision,"
	" a.image, a.duration, a.comment_count, a.body_source, a.page_url"
	" FROM articles a JOIN feeds f ON f.id = a.feed_id;"
	"CREATE VIEW pages_v1 AS SELECT"
	" article_id, feed_id, link, state, tries, next_try, deadline,"
	" page_url, error, changed FROM pages;",
	/* 9 -> 10: several daemons (issue 14): the daemons that use the
	 * database, with their heartbeat, for `tidings status`.  Claims
	 * and host leases are PostgreSQL's alone (store_pg_claims.c). */
	"CREATE TABLE daemons ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" node TEXT NOT NULL,"
	" pid INTEGER NOT NULL,"
	" version TEXT,"
	" started INTEGER NOT NULL,"
	" heartbeat INTEGER NOT NULL,"
	" claims INTEGER NOT NULL DEFAULT 0,"
	" lease INTEGER NOT NULL DEFAULT 0);"
	"CREATE VIEW daemons_v1 AS SELECT"
	" id, node, pid, version, started, heartbeat, claims, lease"
	" FROM daemons;",
};
#define NMIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

int
store_migrate(struct store *st, char *ebuf, size_t n)
{
	char sql[64];
	int v = 0, rc;

	if (store_exec(st, "BEGIN IMMEDIATE", ebuf, n) != ERR_OK)
		return ERR_DB;
	/* read inside the transaction: another process may have migrated
	 * between our open and our lock */
	if ((rc = store_pragma_int(st, "PRAGMA user_version", &v, ebuf,
	    n)) != ERR_OK)
		goto fail;
	if (v > NMIGRATIONS) {
		rc = err_set(ebuf, n, ERR_DB, "%s: schema version %d is newer "
		    "than this tidings knows (%d)", st->path, v, NMIGRATIONS);
		goto fail;
	}
	for (; v < NMIGRATIONS; v++) {
		if ((rc = store_exec(st, migrations[v], ebuf, n)) != ERR_OK)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = store_exec(st, sql, ebuf, n)) != ERR_OK)
			goto fail;
	}
	if ((rc = store_exec(st, "COMMIT", ebuf, n)) != ERR_OK)
		goto fail;
	return ERR_OK;
fail:
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
