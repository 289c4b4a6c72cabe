#include "config.h"

#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#ifdef HAVE_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "article.h"
#include "buf.h"
#include "dedup.h"
#include "err.h"
#include "store.h"
#include "xmalloc.h"

#include "testutil.h"

/*
 * The suite runs against SQLite, and against PostgreSQL when
 * TIDINGS_TEST_DB_URI names a database (tests/e2e_pg.py starts a server
 * and runs it so): then each test starts from an empty database, db is
 * the URI, and q1 and exec_raw run their SQL there.  The tests that are
 * about SQLite itself (its file, its locks, its migrations) run only on
 * SQLite.
 */
static char dir[64];
static char path[128];
static const char *db;		/* what store_open gets: path, or the URI */
static const char *pg_uri;
static char ebuf[512];

/* SQL the two databases say differently: SQLite's, else PostgreSQL's. */
#define SQ(sqlite, pg) (pg_uri == NULL ? (sqlite) : (pg))
/* The number of articles whose title or text has word. */
#define FTS_COUNT(word) SQ("SELECT count(*) FROM articles_fts WHERE " \
	"articles_fts MATCH '" word "'", "SELECT count(*) FROM articles " \
	"WHERE fts @@ plainto_tsquery('simple', '" word "')")

#ifdef HAVE_POSTGRESQL
static PGresult *
pg_q(const char *sql, ExecStatusType want)
{
	PGconn *c = PQconnectdb(pg_uri);
	PGresult *r;

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s",
	    PQerrorMessage(c));
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == want, "%s: %s", sql,
	    PQresultErrorMessage(r));
	PQfinish(c);
	return r;
}
#endif

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	db = path;
	if (pg_uri != NULL) {
#ifdef HAVE_POSTGRESQL
		PQclear(pg_q("SET client_min_messages = warning;"
		    "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
		    PGRES_COMMAND_OK));
		db = pg_uri;
#endif
	}
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static long long
q1(const char *sql)
{
#ifdef HAVE_POSTGRESQL
	if (pg_uri != NULL) {
		PGresult *r = pg_q(sql, PGRES_TUPLES_OK);
		long long v = -1;

		if (PQntuples(r) > 0)
			v = PQgetvalue(r, 0, 0)[0] == 't' ? 1 :
			    PQgetvalue(r, 0, 0)[0] == 'f' ? 0 :
			    atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		return v;
	}
#endif
	return testutil_q1(path, sql);
}

static void
exec_raw(const char *sql)
{
	sqlite3 *sdb;

#ifdef HAVE_POSTGRESQL
	if (pg_uri != NULL) {
		PQclear(pg_q(sql, PGRES_COMMAND_OK));
		return;
	}
#endif
	ck_assert_int_eq(sqlite3_open(path, &sdb), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(sdb, sql, NULL, NULL, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(sdb));
	sqlite3_close(sdb);
}

static struct article *
make(const char *guid, const char *link, const char *title, const char *text)
{
	struct article *a = article_new();

	article_set(&a->guid, guid);
	article_set(&a->link, link);
	article_set(&a->title, title);
	article_set(&a->text, text);
	article_set(&a->id, guid ? guid : link);
	return a;
}

/* Stores a in its own batch for feed; returns the outcome. */
static enum dedup_outcome
put(struct store *st, int64_t feed, const struct article *a, int64_t now,
    int dup_as_new, int64_t *id)
{
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;

	dedup_keys_compute(a, NULL, &k);
	dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.keys = &k;
	u.now = now;
	u.dup_as_new = dup_as_new;
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	if (id)
		*id = u.article_id;
	return u.outcome;
}

START_TEST(test_open_creates_and_migrates)
{
	struct store *st;
	FILE *fp;

	/* v0 is an empty file */
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	store_close(st);
	ck_assert_int_eq(q1("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(q1("SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('feeds','articles','article_feeds','identity_keys','events',"
	    "'articles_fts','articles_v1','export_done')"), 8);
	/* reopening an up-to-date file changes nothing */
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_close(st);
	ck_assert_int_eq(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	store_close(st);
	/* a missing file is created */
	unlink(path);
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_close(st);
	ck_assert_int_eq(q1("SELECT journal_mode = 'wal' FROM "
	    "pragma_journal_mode"), 1);
}
END_TEST

/* Another process holds the fresh database's lock a moment (it is
 * creating it, or switching it to WAL): store_open waits, then goes on. */
struct locker {
	const char	*path;
	const char	*sql;
	int		 ready[2];
};

static void *
hold_lock(void *arg)
{
	struct locker *l = arg;
	sqlite3 *sdb;
	char c = 1;

	if (sqlite3_open(l->path, &sdb) != SQLITE_OK ||
	    sqlite3_exec(sdb, l->sql, NULL, NULL, NULL) != SQLITE_OK)
		c = 0;
	if (write(l->ready[1], &c, 1) != 1)
		c = 0;
	usleep(700 * 1000);
	sqlite3_exec(sdb, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(sdb);
	return NULL;
}

START_TEST(test_open_waits_for_lock)
{
	/* a writer creating it; a reader looking at it; both */
	static const char *const sqls[] = {
		"BEGIN EXCLUSIVE",
		"BEGIN IMMEDIATE",
		"BEGIN; SELECT count(*) FROM sqlite_master",
	};
	struct store *st;
	struct locker l;
	pthread_t th;
	FILE *fp;
	size_t i;
	char c;

	for (i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		unlink(path);
		fp = fopen(path, "w");	/* a fresh, empty database */
		ck_assert_ptr_nonnull(fp);
		fclose(fp);
		l.path = path;
		l.sql = sqls[i];
		c = 0;
		ck_assert_int_eq(pipe(l.ready), 0);
		ck_assert_int_eq(pthread_create(&th, NULL, hold_lock, &l), 0);
		ck_assert_int_eq(read(l.ready[0], &c, 1), 1);
		ck_assert_int_eq(c, 1);
		ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) ==
		    ERR_OK, "%s: %s", sqls[i], ebuf);
		ck_assert_int_eq(store_schema_version(st),
		    STORE_SCHEMA_VERSION);
		store_close(st);
		pthread_join(th, NULL);
		close(l.ready[0]);
		close(l.ready[1]);
	}
}
END_TEST

START_TEST(test_target_lock)
{
	struct store *a, *b;
	int got;

	ck_assert_int_eq(store_open(db, 0, &a, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_open(db, 0, &b, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_target_lock(a, "t", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 1);
	/* taking it again only counts */
	ck_assert_int_eq(store_target_lock(a, "t", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 1);
	/* another handle (as another process) does not get it, not even
	 * after waiting a little; another target is free */
	ck_assert_int_eq(store_target_lock(b, "t", 100, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_target_lock(b, "u", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 1);
	store_target_unlock(a, "t");
	ck_assert_int_eq(store_target_lock(b, "t", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 0);
	store_target_unlock(a, "t");
	ck_assert_int_eq(store_target_lock(b, "t", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 1);
	/* closing a handle lets go of its locks */
	store_close(b);
	ck_assert_int_eq(store_target_lock(a, "u", 0, &got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(got, 1);
	store_close(a);
}
END_TEST

START_TEST(test_open_errors)
{
	struct store *st = NULL;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/none.db", dir);
	ck_assert_int_ne(store_open(missing, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(ebuf, missing));
	ck_assert_int_ne(access(missing, F_OK), 0);	/* readers never create */

	/* a newer schema is refused, not downgraded */
	exec_raw("PRAGMA user_version = 99");
	ck_assert_int_ne(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(strstr(ebuf, "99"));
	ck_assert_int_ne(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("PRAGMA user_version"), 99);
}
END_TEST

START_TEST(test_failed_migration_rolls_back)
{
	struct store *st = NULL;

	/* a v0 file with a table in the way: the migration fails half way
	 * and must leave nothing of itself behind */
	exec_raw("CREATE TABLE articles (x)");
	ck_assert_int_ne(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(ebuf, path));
	ck_assert_int_eq(q1("PRAGMA user_version"), 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM sqlite_master WHERE "
	    "name = 'feeds'"), 0);
	/* and a reader calls it what it is */
	ck_assert_int_ne(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(strstr(ebuf, "not a tidings database"));
}
END_TEST

START_TEST(test_feed_state)
{
	struct store *st;
	struct store_feed f;
	int64_t id, id2;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "https://a.org/rss", "a", &id,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "https://a.org/rss", NULL, &id2,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(id, id2);
	ck_assert_int_eq(store_feed_find(st, "a", &id2, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(id, id2);
	ck_assert_int_eq(store_feed_find(st, "nope", &id2, ebuf, sizeof(ebuf)),
	    ERR_NOTFOUND);

	ck_assert_int_eq(store_feed_get(st, id, &f, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(f.name, "a");
	ck_assert_int_eq(f.identity_policy, DEDUP_AUTO);
	ck_assert_int_eq(f.identity_mode, DEDUP_GUID);
	f.etag = xstrdup("\"abc\"");
	f.last_modified = xstrdup("Thu, 06 May 2021 12:00:00 GMT");
	f.http_status = 304;
	f.last_check = 100;
	f.next_check = 200;
	f.consecutive_failures = 3;
	f.total_failures = 7;
	f.last_error = xstrdup("connect: refused");
	f.error_class = xstrdup("connect");
	f.retry_after = 150;
	f.identity_policy = DEDUP_LINK;
	ck_assert_int_eq(store_feed_put_state(st, &f, ebuf, sizeof(ebuf)),
	    ERR_OK);
	store_feed_clear(&f);
	ck_assert_int_eq(store_feed_set_url(st, id, "https://b.org/rss", ebuf,
	    sizeof(ebuf)), ERR_OK);
	store_close(st);

	ck_assert_int_eq(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_get(st, id, &f, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(f.url, "https://b.org/rss");
	ck_assert_str_eq(f.etag, "\"abc\"");
	ck_assert_int_eq(f.http_status, 304);
	ck_assert_int_eq(f.next_check, 200);
	ck_assert_int_eq(f.consecutive_failures, 3);
	ck_assert_int_eq(f.total_failures, 7);
	ck_assert_int_eq(f.retry_after, 150);
	ck_assert_str_eq(f.error_class, "connect");
	ck_assert_int_eq(f.identity_policy, DEDUP_LINK);
	store_feed_clear(&f);
	store_close(st);
}
END_TEST

/* The lookups and writes dedup decides with (the store interface a second
 * backend implements): keys by scope, more than one statement's worth at
 * once; fingerprints by day; the feed's item; the parse identity. */
START_TEST(test_identity_seam)
{
	static const unsigned char k1[DEDUP_KEYLEN] = "guid-key-000001";
	static const unsigned char k2[DEDUP_KEYLEN] = "link-key-000002";
	static const unsigned char k3[DEDUP_KEYLEN] = "cont-key-000003";
	static const unsigned char k4[DEDUP_KEYLEN] = "cont-key-000004";
	static const unsigned char h[DEDUP_HASHLEN] = "hash-0000000001";
	static const unsigned char raw[DEDUP_HASHLEN] = "raw-00000000001";
	struct store_key keys[4] = {
		{ k1, STORE_KEY_GUID, 0 }, { k2, STORE_KEY_LINK, 1 },
		{ k3, STORE_KEY_CONTENT, 0 }, { k4, STORE_KEY_CONTENT, 0 },
	};
	struct store *st;
	struct store_item it;
	struct article *a;
	int64_t fa, fb, id, got;
	int yes;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "a", NULL, &fa, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "b", NULL, &fb, ebuf,
	    sizeof(ebuf)), ERR_OK);
	/* there is no batch feed to look up for */
	ck_assert_int_eq(store_key_get(st, k1, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_INVALID);

	a = make("g1", "https://x.org/1", "One", "Text.");
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_article_add(st, a, NULL, h, raw, 1000, &id, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_keys_put(st, id, keys, 4, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_fp_put(st, 20, k4, id, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_key_get(st, k4, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, id);
	ck_assert_int_eq(store_ident_taken(st, "g1", &yes, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(yes, 1);
	ck_assert_int_eq(store_item_get(st, id, &it, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert(it.have && !it.removed && it.last_seen == 1000);
	ck_assert_mem_eq(it.hash, h, DEDUP_HASHLEN);
	ck_assert_mem_eq(it.raw, raw, DEDUP_HASHLEN);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM identity_keys"), 4);

	/* from another feed only the global key and the fingerprint find it */
	ck_assert_int_eq(store_batch_begin(st, fb, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_key_get(st, k1, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_key_get(st, k2, 1, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, id);
	ck_assert_int_eq(store_fp_get(st, 20, k4, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, id);
	ck_assert_int_eq(store_fp_get(st, 19, k4, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_item_get(st, id, &it, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(it.have, 0);
	ck_assert_int_eq(store_article_exists(st, id, &yes, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(yes, 1);
	ck_assert_int_eq(store_ident_taken(st, "g1", &yes, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(yes, 0);
	ck_assert_int_eq(store_article_link(st, id, a, h, raw,
	    STORE_EV_DUPLICATE, 1100, ebuf, sizeof(ebuf)), ERR_OK);
	/* a day two days on drops the fingerprints before the day before */
	ck_assert_int_eq(store_fp_get(st, 22, k4, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM fingerprints"), 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"
	    " WHERE kind = 'duplicate'"), 1);
	article_free(a);
	store_close(st);
}
END_TEST

/*
 * store_keys_ahead: the lookups after it answer as without it, and follow
 * the batch's own writes (PostgreSQL answers them from what it fetched,
 * SQLite looks each up); a batch numbers its new articles one after the
 * other and the next batch goes on after them, also after a batch rolled
 * back; a write that fails (with PostgreSQL: queued without waiting)
 * fails the batch and nothing of it is kept.
 */
START_TEST(test_lookups_ahead)
{
	static const unsigned char k1[DEDUP_KEYLEN] = "guid-key-000001";
	static const unsigned char k2[DEDUP_KEYLEN] = "link-key-000002";
	static const unsigned char k3[DEDUP_KEYLEN] = "cont-key-000003";
	static const unsigned char k4[DEDUP_KEYLEN] = "fing-key-000004";
	static const unsigned char k5[DEDUP_KEYLEN] = "fing-key-000005";
	static const unsigned char h[DEDUP_HASHLEN] = "hash-0000000001";
	static const unsigned char raw[DEDUP_HASHLEN] = "raw-00000000001";
	static const unsigned char raw2[DEDUP_HASHLEN] = "raw-00000000002";
	struct store_key first[2] = {
		{ k1, STORE_KEY_GUID, 0 }, { k2, STORE_KEY_LINK, 1 },
	};
	struct store_key ask[3] = {
		{ k1, STORE_KEY_GUID, 0 }, { k2, STORE_KEY_LINK, 1 },
		{ k3, STORE_KEY_CONTENT, 0 },
	};
	struct store_key later[2] = {
		{ k1, STORE_KEY_GUID, 0 }, { k3, STORE_KEY_CONTENT, 0 },
	};
	const unsigned char *fps[1] = { k4 };
	struct store *st;
	struct store_item it;
	struct article *a, *b;
	int64_t fa, fb, ida, idb, id[3], got;
	int yes, kept = -1, rc;
	long long events;
	size_t i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "a", NULL, &fa, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "b", NULL, &fb, ebuf,
	    sizeof(ebuf)), ERR_OK);
	a = make("g1", "https://x.org/1", "One", "Text.");
	b = make("g2", "https://x.org/2", "Two", "More text.");
	/* outside a batch there is nothing to look up for */
	ck_assert_int_eq(store_keys_ahead(st, ask, 3, 20, fps, 1, &kept, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_article_add(st, a, NULL, h, raw, 1000, &ida,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_keys_put(st, ida, first, 2, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_fp_put(st, 20, k4, ida, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);

	/* from feed b: the link key and the fingerprint name a, the rest
	 * nothing */
	ck_assert_int_eq(store_batch_begin(st, fb, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(store_keys_ahead(st, ask, 3, 20, fps, 1, &kept, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert_int_eq(kept, pg_uri != NULL);
	ck_assert_int_eq(store_key_get(st, k2, 1, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, ida);
	ck_assert_int_eq(store_key_get(st, k1, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_key_get(st, k3, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_fp_get(st, 20, k4, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, ida);
	ck_assert_int_eq(store_fp_get(st, 19, k4, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(store_item_get(st, ida, &it, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(it.have, 0);
	ck_assert_int_eq(store_article_exists(st, ida, &yes, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(yes, 1);
	/* the batch's writes: what it looks up next follows them */
	ck_assert_int_eq(store_article_link(st, ida, a, h, raw,
	    STORE_EV_DUPLICATE, 1100, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_keys_put(st, ida, later, 2, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_item_get(st, ida, &it, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert(it.have && !it.removed && it.last_seen == 1100);
	ck_assert_mem_eq(it.raw, raw, DEDUP_HASHLEN);
	ck_assert_int_eq(store_key_get(st, k1, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, ida);
	ck_assert_int_eq(store_key_get(st, k3, 0, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, ida);
	it.last_seen = 0;
	ck_assert_int_eq(store_item_seen(st, ida, &it, raw2, 1200, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_item_get(st, ida, &it, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert(it.have && it.last_seen == 1200);
	ck_assert_mem_eq(it.raw, raw2, DEDUP_HASHLEN);
	ck_assert_int_eq(store_article_add(st, b, NULL, h, raw, 1200, &idb,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(idb, ida + 1);
	/* a key known already keeps its article */
	ck_assert_int_eq(store_keys_put(st, idb, ask, 3, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_key_get(st, k2, 1, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, ida);
	/* one not asked about ahead is looked up after the writes before */
	ck_assert_int_eq(store_fp_put(st, 20, k5, idb, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_fp_get(st, 20, k5, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(got, idb);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM identity_keys"), 4);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_feeds"), 3);
	ck_assert_int_eq(q1("SELECT last_seen FROM article_feeds"
	    " WHERE feed_id = 2 AND article_id = 1"), 1200);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 3);

	/* numbers: one after the other, on across batches, and past a
	 * batch rolled back */
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(store_article_add(st, b, NULL, h, raw, 1300,
		    &id[i], ebuf, sizeof(ebuf)), ERR_OK);
		ck_assert_int_eq(id[i], idb + 1 + (int64_t)i);
	}
	store_batch_rollback(st);
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(store_article_add(st, b, NULL, h, raw, 1300,
		    &id[i], ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_gt(id[0], idb);
	ck_assert_int_eq(id[1], id[0] + 1);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_article_add(st, b, NULL, h, raw, 1300, &id[2],
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(id[2], id[1] + 1);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 5);

	/* a write that fails fails the batch, now or at the commit */
	events = q1("SELECT count(*) FROM events");
	ck_assert_int_eq(store_batch_begin(st, fb, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_article_add(st, b, NULL, h, raw, 1400, &got,
	    ebuf, sizeof(ebuf)), ERR_OK);
	rc = store_article_link(st, ida, a, h, raw, STORE_EV_DUPLICATE, 1400,
	    ebuf, sizeof(ebuf));
	if (rc == ERR_OK)
		rc = store_batch_commit(st, ebuf, sizeof(ebuf));
	else
		store_batch_rollback(st);
	ck_assert_int_eq(rc, ERR_DB);
	ck_assert_msg(strstr(ebuf, "link duplicate") != NULL, "%s", ebuf);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), events);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 5);
	/* and the store goes on */
	ck_assert_int_eq(store_batch_begin(st, fb, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(store_article_add(st, b, NULL, h, raw, 1500, &got, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert_msg(store_batch_commit(st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 6);
	article_free(a);
	article_free(b);
	store_close(st);
}
END_TEST

START_TEST(test_new_unchanged_updated)
{
	struct store *st;
	struct article *a, *got;
	struct store_article_meta m;
	int64_t feed, id, id2;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "f", NULL, &feed, ebuf,
	    sizeof(ebuf)), ERR_OK);
	a = make("g1", "https://x.org/1", "First", "Body one.");
	article_add_category(a, "Politics");
	article_add_enclosure(a, "https://x.org/1.jpg", "image/jpeg", 4821);
	a->has_published = 1;
	a->published.utc = 1620302400;
	a->published.tzoff = 180;
	ck_assert_int_eq(put(st, feed, a, 1000, 0, &id), DEDUP_NEW);
	ck_assert_int_eq(put(st, feed, a, 2000, 0, &id2), DEDUP_UNCHANGED);
	ck_assert_int_eq(id, id2);
	/* whitespace is no edit */
	article_set(&a->text, "  Body\n one. ");
	ck_assert_int_eq(put(st, feed, a, 2500, 0, NULL), DEDUP_UNCHANGED);
	article_set(&a->text, "Body two.");
	ck_assert_int_eq(put(st, feed, a, 3000, 0, &id2), DEDUP_UPDATED);
	ck_assert_int_eq(id, id2);

	ck_assert_int_eq(store_article_get(st, id, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(got->text, "Body two.");
	ck_assert_str_eq(got->title, "First");
	ck_assert_int_eq(m.revision, 2);
	ck_assert_int_eq(m.first_seen, 1000);
	ck_assert_int_eq(m.last_seen, 3000);
	ck_assert_int_eq(got->has_updated, 1);	/* an update is dated */
	ck_assert_int_eq(got->published.utc, 1620302400);
	ck_assert_int_eq(got->published.tzoff, 180);
	ck_assert_uint_eq(got->ncategories, 1);
	ck_assert_str_eq(got->categories[0], "Politics");
	ck_assert_uint_eq(got->nenclosures, 1);
	ck_assert_int_eq(got->enclosures[0].length, 4821);
	ck_assert_str_eq(got->enclosures[0].type, "image/jpeg");
	ck_assert_str_eq(m.feed_url, "f");
	article_free(got);
	store_article_meta_clear(&m);
	ck_assert_int_eq(store_article_get(st, 999, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_NOTFOUND);
	store_close(st);
	article_free(a);

	/* the old version is kept */
	ck_assert_int_eq(q1("SELECT count(*) FROM article_revisions WHERE "
	    "revision = 1 AND text = 'Body one.'"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 2);
	ck_assert_int_eq(q1("SELECT revision FROM events WHERE kind = 'update'"),
	    2);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v1"), 1);
}
END_TEST

START_TEST(test_cross_feed_duplicate)
{
	struct store *st;
	struct article *a, *b;
	struct store_article_meta m;
	struct article *got;
	int64_t fa, fb, fc, id, id2, id3;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "a", NULL, &fa, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "b", NULL, &fb, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "c", NULL, &fc, ebuf, sizeof(ebuf));
	a = make("a-1", "https://news.org/story?utm_source=a", "Story", "Text");
	b = make("b-77", "http://www.news.org/story/", "Story", "Text");
	ck_assert_int_eq(put(st, fa, a, 10, 0, &id), DEDUP_NEW);
	ck_assert_int_eq(put(st, fb, b, 11, 0, &id2), DEDUP_DUPLICATE);
	ck_assert_int_eq(id, id2);
	ck_assert_int_eq(put(st, fb, b, 12, 0, NULL), DEDUP_UNCHANGED);
	ck_assert_int_eq(put(st, fc, b, 13, 1, &id3), DEDUP_DUPLICATE);
	ck_assert_int_eq(id, id3);
	ck_assert_int_eq(store_article_get(st, id, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(m.nfeeds, 3);
	ck_assert_int_eq(m.feed_id, fa);
	article_free(got);
	store_article_meta_clear(&m);
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events WHERE kind = "
	    "'duplicate'"), 1);
	/* feed c asked for duplicates to count as new */
	ck_assert_int_eq(q1("SELECT count(*) FROM events WHERE kind = 'new'"),
	    2);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_feeds WHERE "
	    "is_duplicate = 1"), 2);
	article_free(a);
	article_free(b);
}
END_TEST

struct seqs {
	int64_t	 seq[16];
	int	 n;
};

static int
collect_ev(void *ctx, const struct store_event *e)
{
	struct seqs *s = ctx;

	if (s->n < 16)
		s->seq[s->n++] = e->seq;
	return 0;
}

struct marker {
	struct store	*st;
	int		 n;
};

/* An exporter marks each event done as it goes, inside the walk. */
static int
mark_cb(void *ctx, const struct store_event *e)
{
	struct marker *m = ctx;

	ck_assert_msg(store_event_done(m->st, "inline", e->seq, 1, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	m->n++;
	return 0;
}

static int
pending(struct store *st, const char *target, struct seqs *s)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(store_events_pending(st, target, 0, 0, collect_ev, s,
	    ebuf, sizeof(ebuf)), ERR_OK);
	return s->n;
}

START_TEST(test_outbox)
{
	struct store *st;
	struct seqs s;
	struct article *a;
	int64_t feed;
	char title[32];
	int i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	for (i = 0; i < 5; i++) {
		snprintf(title, sizeof(title), "t%d", i);
		a = make(title, NULL, title, "x");
		ck_assert_int_eq(put(st, feed, a, 100 + i, 0, NULL), DEDUP_NEW);
		article_free(a);
	}
	ck_assert_int_eq(pending(st, "text", &s), 5);
	ck_assert_int_eq(s.seq[0], 1);
	/* out of order, and twice: idempotent */
	ck_assert_int_eq(store_event_done(st, "text", 2, 1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(store_event_done(st, "text", 2, 1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 4);
	ck_assert_int_eq(s.seq[0], 1);
	ck_assert_int_eq(s.seq[1], 3);
	ck_assert_int_eq(store_event_done(st, "text", 1, 1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 3);
	ck_assert_int_eq(s.seq[0], 3);
	/* another target is independent */
	ck_assert_int_eq(pending(st, "json", &s), 5);
	/* after and limit */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(store_events_pending(st, "json", 3, 1, collect_ev, &s,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(s.seq[0], 4);
	{
		struct marker m = { st, 0 };

		ck_assert_int_eq(store_events_pending(st, "inline", 0, 0,
		    mark_cb, &m, ebuf, sizeof(ebuf)), ERR_OK);
		ck_assert_int_eq(m.n, 5);
		ck_assert_int_eq(pending(st, "inline", &s), 0);
	}
	store_close(st);
	/* the done rows below the low-water mark are gone */
	ck_assert_int_eq(q1("SELECT done_below FROM export_targets WHERE "
	    "name = 'text'"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM export_done"), 0);
}
END_TEST

/* ---- the store functions of the outbox ---- */

struct evlist {
	int64_t	 seq[16];
	int64_t	 feed[16];
	char	 feed_url[16][32];
	char	 feed_name[16][32];
	char	 origin[16][32];
	char	 feed_title[16][32];
	int	 n;
	int	 stop_at;	/* return 7 after this many; 0: never */
};

static void
copy_or_null(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "(null)");
}

static int
list_cb(void *ctx, const struct store_event *e)
{
	struct evlist *l = ctx;

	ck_assert_int_lt(l->n, 16);
	l->seq[l->n] = e->seq;
	l->feed[l->n] = e->feed_id;
	copy_or_null(l->feed_url[l->n], sizeof(l->feed_url[0]), e->feed_url);
	copy_or_null(l->feed_name[l->n], sizeof(l->feed_name[0]),
	    e->feed_name);
	copy_or_null(l->origin[l->n], sizeof(l->origin[0]), e->origin_url);
	copy_or_null(l->feed_title[l->n], sizeof(l->feed_title[0]),
	    e->feed_title);
	l->n++;
	if (l->stop_at != 0 && l->n == l->stop_at)
		return 7;
	return 0;
}

static int
list_events(struct store *st, int64_t since, int64_t feed, struct evlist *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_msg(store_events_list(st, since, feed, list_cb, l, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	return l->n;
}

/* Two items of one document with one guid are two articles, each with an
 * identity of its own; the second keeps its qualified one when it
 * changes. */
START_TEST(test_shared_guid_idents)
{
	struct store *st;
	struct article *v[3];
	struct dedup_keys k[3];
	struct dedup_plan p;
	struct dedup_item u;
	int64_t feed, ids[3];
	char *sql;
	int pass, i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	v[0] = make("same", "https://e.org/1", "One", "first");
	v[1] = make("same", "https://e.org/2", "Two", "second");
	v[2] = make("other", "https://e.org/3", "Three", "third");
	for (pass = 0; pass < 3; pass++) {
		if (pass == 2)	/* the second one changes */
			article_set(&v[1]->text, "second, revised");
		for (i = 0; i < 3; i++)
			dedup_keys_compute(v[i], NULL, &k[i]);
		dedup_plan_make(DEDUP_AUTO, k, 3, 0, &p);
		ck_assert_int_eq(p.use_guid, 0);
		ck_assert_int_eq(store_batch_begin(st, feed, ebuf,
		    sizeof(ebuf)), ERR_OK);
		for (i = 0; i < 3; i++) {
			memset(&u, 0, sizeof(u));
			u.plan = &p;
			u.keys = &k[i];
			u.now = 100 + pass;
			ck_assert_msg(dedup_item_store(st, v[i], &u, ebuf,
			    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
			ck_assert_int_eq(u.outcome, pass == 0 ? DEDUP_NEW :
			    pass == 2 && i == 1 ? DEDUP_UPDATED :
			    DEDUP_UNCHANGED);
			if (pass == 0)
				ids[i] = u.article_id;
			else
				ck_assert_int_eq(u.article_id, ids[i]);
		}
		ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)),
		    ERR_OK);
	}
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(DISTINCT ident) FROM articles"), 3);
	sql = xasprintf("SELECT ident = 'same' FROM articles WHERE id = %lld",
	    (long long)ids[0]);
	ck_assert_int_eq(q1(sql), 1);
	free(sql);
	sql = xasprintf("SELECT ident LIKE 'same #________________'"
	    " FROM articles WHERE id = %lld AND revision = 2",
	    (long long)ids[1]);
	ck_assert_int_eq(q1(sql), 1);
	free(sql);
	for (i = 0; i < 3; i++)
		article_free(v[i]);
}
END_TEST

/* A delivery that failed is counted, with its reason, until it is done. */
static int
first_ev(void *ctx, const struct store_event *e)
{
	struct store_event *out = ctx;

	*out = *e;
	out->fail_reason = NULL;
	out->feed_url = out->feed_name = out->feed_title = NULL;
	out->origin_url = NULL;
	if (e->fail_reason != NULL)
		ck_assert_str_eq(e->fail_reason, "name collision");
	return 1;
}

START_TEST(test_event_failed)
{
	struct store *st;
	struct store_event e;
	struct seqs s;
	struct article *a;
	int64_t feed;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a = make("g1", NULL, "t1", "x");
	ck_assert_int_eq(put(st, feed, a, 100, 0, NULL), DEDUP_NEW);
	article_free(a);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(store_events_pending(st, "t", 0, 0, first_ev, &e,
	    ebuf, sizeof(ebuf)), 1);
	ck_assert_int_eq(e.fails, 0);
	ck_assert_int_eq(e.aside_until, 0);
	ck_assert_int_eq(store_event_failed(st, "t", 1, 1, 0, "name collision",
	    200, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_event_failed(st, "t", 1, 2, 500,
	    "name collision", 300, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_events_pending(st, "t", 0, 0, first_ev, &e,
	    ebuf, sizeof(ebuf)), 1);
	ck_assert_int_eq(e.fails, 2);
	ck_assert_int_eq(e.aside_until, 500);
	/* another target knows nothing of it */
	ck_assert_int_eq(store_events_pending(st, "u", 0, 0, first_ev, &e,
	    ebuf, sizeof(ebuf)), 1);
	ck_assert_int_eq(e.fails, 0);
	ck_assert_int_eq(store_event_done(st, "t", 1, 600, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(pending(st, "t", &s), 0);
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(*) FROM export_aside"), 0);
}
END_TEST

START_TEST(test_events_list)
{
	struct store *st;
	struct evlist l;
	struct article *a;
	int64_t fa, fb;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "http://a/feed", "alpha", &fa, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "http://b/feed", "beta", &fb, ebuf, sizeof(ebuf));
	a = make("a1", "http://x/1", "one", "x");
	ck_assert_int_eq(put(st, fa, a, 100, 0, NULL), DEDUP_NEW);
	article_free(a);
	a = make("b1", "http://x/2", "two", "y");
	ck_assert_int_eq(put(st, fb, a, 200, 0, NULL), DEDUP_NEW);
	article_free(a);
	/* the same article through b: a duplicate event of feed b, whose
	 * origin stays a */
	a = make("b2", "http://x/1", "one", "x");
	ck_assert_int_eq(put(st, fb, a, 300, 0, NULL), DEDUP_DUPLICATE);
	article_free(a);

	ck_assert_int_eq(list_events(st, 0, 0, &l), 3);
	ck_assert_int_eq(l.seq[0], 1);
	ck_assert_int_eq(l.seq[2], 3);
	ck_assert_str_eq(l.feed_url[0], "http://a/feed");
	ck_assert_str_eq(l.feed_name[0], "alpha");
	ck_assert_str_eq(l.origin[0], "http://a/feed");
	ck_assert_int_eq(l.feed[2], fb);
	ck_assert_str_eq(l.feed_url[2], "http://b/feed");
	ck_assert_str_eq(l.feed_name[2], "beta");
	ck_assert_str_eq(l.origin[2], "http://a/feed");
	/* since is inclusive; feed filters by the feed the item came
	 * through */
	ck_assert_int_eq(list_events(st, 200, 0, &l), 2);
	ck_assert_int_eq(l.seq[0], 2);
	ck_assert_int_eq(list_events(st, 201, 0, &l), 1);
	ck_assert_int_eq(list_events(st, 0, fa, &l), 1);
	ck_assert_int_eq(l.seq[0], 1);
	ck_assert_int_eq(list_events(st, 0, fb, &l), 2);
	ck_assert_int_eq(list_events(st, 301, 0, &l), 0);
	/* done events are listed too: this is for re-exports */
	ck_assert_int_eq(store_event_done(st, "t", 1, 1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(list_events(st, 0, 0, &l), 3);
	/* the callback stops the walk with its value */
	memset(&l, 0, sizeof(l));
	l.stop_at = 2;
	ck_assert_int_eq(store_events_list(st, 0, 0, list_cb, &l, ebuf,
	    sizeof(ebuf)), 7);
	ck_assert_int_eq(l.n, 2);
	/* the statement was reset: a new walk works */
	ck_assert_int_eq(list_events(st, 0, 0, &l), 3);
	/* a renamed feed does not change what its events recorded */
	exec_raw("UPDATE feeds SET name = 'renamed' WHERE name = 'alpha'");
	ck_assert_int_eq(list_events(st, 0, fa, &l), 1);
	ck_assert_str_eq(l.feed_name[0], "alpha");
	/* an event whose article is gone is not listed */
	exec_raw("DELETE FROM articles WHERE link = 'http://x/2'");
	ck_assert_int_eq(list_events(st, 0, 0, &l), 2);
	ck_assert_int_eq(l.seq[1], 3);
	store_close(st);
}
END_TEST

/* An event records the feed as the batch leaves it: a title, name or URL
 * set after the item in the same batch is what the event gets; one set
 * in a later batch is not. */
START_TEST(test_event_feed_changed_in_batch)
{
	struct store *st;
	struct evlist l;
	struct article *a;
	struct article_feed meta;
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;
	int64_t fa, id;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "http://a/feed", "alpha", &fa, ebuf, sizeof(ebuf));
	article_feed_init(&meta);
	article_set(&meta.title, "First title");
	ck_assert_int_eq(store_feed_set_meta(st, fa, &meta, ebuf,
	    sizeof(ebuf)), ERR_OK);
	a = make("a1", "http://x/1", "one", "x");
	ck_assert_int_eq(put(st, fa, a, 100, 0, NULL), DEDUP_NEW);
	article_free(a);

	a = make("a2", "http://x/2", "two", "y");
	dedup_keys_compute(a, NULL, &k);
	dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.keys = &k;
	u.now = 200;
	ck_assert_int_eq(store_batch_begin(st, fa, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)),
	    ERR_OK);
	article_set(&meta.title, "Second title");
	ck_assert_int_eq(store_feed_set_meta(st, fa, &meta, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "http://a/feed", "renamed",
	    &id, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	article_free(a);

	article_set(&meta.title, "Third title");
	ck_assert_int_eq(store_feed_set_meta(st, fa, &meta, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(list_events(st, 0, 0, &l), 2);
	ck_assert_str_eq(l.feed_title[0], "First title");
	ck_assert_str_eq(l.feed_name[0], "alpha");
	ck_assert_str_eq(l.feed_title[1], "Second title");
	ck_assert_str_eq(l.feed_name[1], "renamed");
	ck_assert_str_eq(l.origin[1], "http://a/feed");
	store_close(st);
	article_feed_clear(&meta);
}
END_TEST

struct tgtlist {
	char	 name[4][16];
	int64_t	 done_below[4];
	char	 err[4][32];
	int64_t	 err_time[4];
	int	 n;
};

static int
tgt_cb(void *ctx, const struct store_target *t)
{
	struct tgtlist *l = ctx;

	ck_assert_int_lt(l->n, 4);
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", t->name);
	l->done_below[l->n] = t->done_below;
	copy_or_null(l->err[l->n], sizeof(l->err[0]), t->last_error);
	l->err_time[l->n] = t->last_error_time;
	l->n++;
	return 0;
}

static int
list_targets(struct store *st, struct tgtlist *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_msg(store_targets_list(st, tgt_cb, l, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	return l->n;
}

START_TEST(test_targets_and_errors)
{
	struct store *st;
	struct tgtlist l;
	struct article *a;
	int64_t feed;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(list_targets(st, &l), 0);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a = make("g1", NULL, "t", "x");
	ck_assert_int_eq(put(st, feed, a, 100, 0, NULL), DEDUP_NEW);
	article_free(a);

	/* an error makes a target known, before it ever delivered */
	ck_assert_int_eq(store_target_set_error(st, "spool", "ENOSPC: full",
	    500, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_event_done(st, "mail", 1, 1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(list_targets(st, &l), 2);
	ck_assert_str_eq(l.name[0], "mail");		/* by name */
	ck_assert_int_eq(l.done_below[0], 1);
	ck_assert_str_eq(l.err[0], "(null)");
	ck_assert_int_eq(l.err_time[0], 0);
	ck_assert_str_eq(l.name[1], "spool");
	ck_assert_int_eq(l.done_below[1], 0);
	ck_assert_str_eq(l.err[1], "ENOSPC: full");
	ck_assert_int_eq(l.err_time[1], 500);
	/* the error does not mark anything done */
	{
		struct seqs s;

		ck_assert_int_eq(pending(st, "spool", &s), 1);
	}
	/* a newer error replaces it; success clears it and its time */
	ck_assert_int_eq(store_target_set_error(st, "spool", "EACCES: no",
	    600, ebuf, sizeof(ebuf)), ERR_OK);
	list_targets(st, &l);
	ck_assert_str_eq(l.err[1], "EACCES: no");
	ck_assert_int_eq(l.err_time[1], 600);
	ck_assert_int_eq(store_target_set_error(st, "spool", NULL, 700, ebuf,
	    sizeof(ebuf)), ERR_OK);
	list_targets(st, &l);
	ck_assert_str_eq(l.err[1], "(null)");
	ck_assert_int_eq(l.err_time[1], 0);
	/* setting an error keeps what the target delivered */
	ck_assert_int_eq(store_target_set_error(st, "mail", "EEXEC: exit 1",
	    800, ebuf, sizeof(ebuf)), ERR_OK);
	list_targets(st, &l);
	ck_assert_int_eq(l.done_below[0], 1);
	store_close(st);
	/* and it is in the file, for another process's `tidings outbox` */
	ck_assert_int_eq(q1("SELECT last_error_time FROM export_targets "
	    "WHERE name = 'mail'"), 800);
}
END_TEST

START_TEST(test_events_done_batch)
{
	struct store *st;
	struct seqs s;
	struct article *a;
	int64_t feed, seqs[3];
	char title[32];
	int i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	for (i = 0; i < 6; i++) {
		snprintf(title, sizeof(title), "t%d", i);
		a = make(title, NULL, title, "x");
		ck_assert_int_eq(put(st, feed, a, 100 + i, 0, NULL), DEDUP_NEW);
		article_free(a);
	}
	/* any order, with a gap: 1 and 2 pass under the low-water mark,
	 * 4 waits for 3 */
	seqs[0] = 2;
	seqs[1] = 4;
	seqs[2] = 1;
	ck_assert_msg(store_events_done(st, "text", seqs, 3, 9, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert_int_eq(pending(st, "text", &s), 3);
	ck_assert_int_eq(s.seq[0], 3);
	ck_assert_int_eq(s.seq[1], 5);
	ck_assert_int_eq(s.seq[2], 6);
	ck_assert_int_eq(q1("SELECT done_below FROM export_targets WHERE "
	    "name = 'text'"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM export_done WHERE "
	    "target = 'text' AND seq = 4 AND done = 9"), 1);
	/* an empty batch is a no-op; a repeated one is idempotent */
	ck_assert_int_eq(store_events_done(st, "text", seqs, 0, 9, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_events_done(st, "text", seqs, 3, 9, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 3);

	/* One transaction: a batch that fails at its last event marks none
	 * of them.  A trigger refuses seq 6 behind the store's back. */
	exec_raw(SQ("CREATE TRIGGER refuse6 BEFORE INSERT ON export_done"
	    " WHEN new.seq = 6 BEGIN SELECT RAISE(ABORT, 'refused'); END",
	    "CREATE FUNCTION refuse6() RETURNS trigger LANGUAGE plpgsql AS"
	    " 'BEGIN IF new.seq = 6 THEN RAISE EXCEPTION ''refused''; END IF;"
	    " RETURN new; END'; CREATE TRIGGER refuse6 BEFORE INSERT ON"
	    " export_done FOR EACH ROW EXECUTE FUNCTION refuse6()"));
	seqs[0] = 3;
	seqs[1] = 5;
	seqs[2] = 6;
	ck_assert_int_ne(store_events_done(st, "text", seqs, 3, 9, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 3);
	ck_assert_int_eq(s.seq[0], 3);
	ck_assert_int_eq(q1("SELECT done_below FROM export_targets WHERE "
	    "name = 'text'"), 2);
	/* the connection is usable after the rollback */
	exec_raw(SQ("DROP TRIGGER refuse6",
	    "DROP TRIGGER refuse6 ON export_done"));
	ck_assert_msg(store_events_done(st, "text", seqs, 3, 9, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert_int_eq(pending(st, "text", &s), 0);
	store_close(st);
	ck_assert_int_eq(q1("SELECT done_below FROM export_targets WHERE "
	    "name = 'text'"), 6);
	ck_assert_int_eq(q1("SELECT count(*) FROM export_done"), 0);
}
END_TEST

/* Schema version 1 as released, to test the step to 2 from a real v1
 * file (store_schema.c's copy must not change; this one may not either). */
static const char v1_ddl[] =
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
	" seq, article_id, feed_id, kind, revision, created FROM events;";

START_TEST(test_migrate_v1_to_v2)
{
	struct store *st;
	struct evlist l;
	struct seqs s;
	struct tgtlist tl;

	exec_raw(v1_ddl);
	exec_raw("PRAGMA user_version = 1;"
	    "INSERT INTO feeds (id, url, name, title, created)"
	    " VALUES (1, 'http://a/feed', 'alpha', 'Alpha', 10);"
	    "INSERT INTO articles (id, feed_id, ident, guid, link, title, text,"
	    " first_seen, changed, sort_time, content_hash)"
	    " VALUES (1, 1, 'g1', 'g1', 'http://x/1', 'One', 'text', 10, 10,"
	    " 10, 'h1'), (2, 1, 'g2', 'g2', 'http://x/2', 'Two', 'text', 20,"
	    " 20, 20, 'h2');"
	    "INSERT INTO events (article_id, feed_id, kind, revision, created)"
	    " VALUES (1, 1, 'new', 1, 10), (2, 1, 'new', 1, 20);"
	    "INSERT INTO export_targets (name, done_below) VALUES ('text', 1);");
	ck_assert_int_eq(q1("PRAGMA user_version"), 1);

	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	/* the rows are kept; the new columns are there, NULL for old events */
	ck_assert_int_eq(list_events(st, 0, 0, &l), 2);
	ck_assert_int_eq(l.seq[0], 1);
	ck_assert_int_eq(l.seq[1], 2);
	ck_assert_str_eq(l.feed_url[0], "(null)");
	ck_assert_str_eq(l.origin[1], "(null)");
	/* what the v1 exporter had done stays done */
	ck_assert_int_eq(pending(st, "text", &s), 1);
	ck_assert_int_eq(s.seq[0], 2);
	ck_assert_int_eq(list_targets(st, &tl), 1);
	ck_assert_str_eq(tl.err[0], "(null)");
	ck_assert_int_eq(store_target_set_error(st, "text", "x", 5, ebuf,
	    sizeof(ebuf)), ERR_OK);
	store_close(st);
	ck_assert_int_eq(q1("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_table_info('events')"
	    " WHERE name IN ('feed_url', 'feed_name', 'feed_title',"
	    " 'origin_url')"), 4);
	ck_assert_int_eq(q1("SELECT count(*) FROM events WHERE feed_url IS "
	    "NULL"), 2);
	ck_assert_int_eq(q1("SELECT last_error_time FROM export_targets"), 5);
	/* events stored from now on carry them */
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	{
		struct article *a = make("g3", "http://x/3", "Three", "z");

		ck_assert_int_eq(put(st, 1, a, 30, 0, NULL), DEDUP_NEW);
		article_free(a);
	}
	ck_assert_int_eq(list_events(st, 30, 0, &l), 1);
	ck_assert_str_eq(l.feed_url[0], "http://a/feed");
	ck_assert_str_eq(l.feed_name[0], "alpha");
	ck_assert_str_eq(l.origin[0], "http://a/feed");
	store_close(st);
}
END_TEST

static int
count_cb(void *ctx, const struct article *a, const struct store_article_meta *m)
{
	(*(int *)ctx)++;
	(void)a;
	(void)m;
	return 0;
}

START_TEST(test_retention_and_tombstones)
{
	struct store *st;
	struct article *items[6];
	struct dedup_keys k[6];
	struct dedup_plan p;
	struct dedup_item u;
	struct store_filter f;
	long removed;
	int64_t feed;
	char g[16];
	int i, n;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	for (i = 0; i < 6; i++) {
		snprintf(g, sizeof(g), "g%d", i);
		items[i] = make(g, NULL, g, "text");
		items[i]->has_published = 1;
		items[i]->published.utc = 1000 + i * 100;	/* g5 newest */
		dedup_keys_compute(items[i], NULL, &k[i]);
	}
	dedup_plan_make(DEDUP_AUTO, k, 6, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.now = 5000;
	/* document 1: all six */
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	for (i = 0; i < 6; i++) {
		u.keys = &k[i];
		ck_assert_int_eq(dedup_item_store(st, items[i], &u, ebuf,
		    sizeof(ebuf)), 0);
	}
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), 0);
	/* document 2: only the two oldest; keep at most 2 */
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	for (i = 0; i < 2; i++) {
		u.keys = &k[i];
		ck_assert_int_eq(dedup_item_store(st, items[i], &u, ebuf,
		    sizeof(ebuf)), 0);
		ck_assert_int_eq(u.outcome, DEDUP_UNCHANGED);
	}
	ck_assert_int_eq(store_retention(st, 0, 2, 5000, &removed, ebuf,
	    sizeof(ebuf)), 0);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), 0);
	/* the newest two of the feed would be g5, g4; but g0 and g1 are in
	 * the latest document and stay; g2..g5 go */
	ck_assert_int_eq(removed, 4);
	n = 0;
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(store_articles_list(st, &f, count_cb, &n, ebuf,
	    sizeof(ebuf)), 0);
	ck_assert_int_eq(n, 2);
	/* document 3: everything again; the removed ones do not return */
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	for (i = 0; i < 6; i++) {
		u.keys = &k[i];
		ck_assert_int_eq(dedup_item_store(st, items[i], &u, ebuf,
		    sizeof(ebuf)), 0);
		ck_assert_int_eq(u.outcome, DEDUP_UNCHANGED);
	}
	/* by age: everything published before 1050 that is not in this
	 * document -- nothing, all are in it */
	ck_assert_int_eq(store_retention(st, 5000 - 1050, 0, 5000, &removed,
	    ebuf, sizeof(ebuf)), 0);
	ck_assert_int_eq(removed, 0);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), 0);
	/* document 4: empty; the age limit removes g0 (published 1000) */
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	ck_assert_int_eq(store_retention(st, 5000 - 1050, 0, 5000, &removed,
	    ebuf, sizeof(ebuf)), 0);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), 0);
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 6);
	ck_assert_int_eq(q1(FTS_COUNT("g3")), 0);
	for (i = 0; i < 6; i++)
		article_free(items[i]);
}
END_TEST

struct titles {
	char	 first[64];
	int	 n;
};

static int
title_cb(void *ctx, const struct article *a, const struct store_article_meta *m)
{
	struct titles *t = ctx;

	(void)m;
	if (t->n++ == 0)
		snprintf(t->first, sizeof(t->first), "%s", a->title);
	return 0;
}

static int
search(struct store *st, const char *q, struct titles *t)
{
	memset(t, 0, sizeof(*t));
	ck_assert_msg(store_search(st, q, 10, title_cb, t, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	return t->n;
}

/* t->first: the first article's title and extras */
static int
extras_cb(void *ctx, const struct article *a,
    const struct store_article_meta *m)
{
	struct titles *t = ctx;

	(void)m;
	if (t->n++ == 0)
		snprintf(t->first, sizeof(t->first), "%s: %s %lld %lld",
		    a->title, a->image ? a->image : "-",
		    a->has_duration ? a->duration : -1,
		    a->has_comment_count ? a->comment_count : -1);
	return 0;
}

START_TEST(test_search)
{
	struct store *st;
	struct titles t;
	struct article *a, *b;
	int64_t feed;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a = make("1", NULL, "Blinken meets Zelensky", "Talks in Kyiv.");
	b = make("2", NULL, "Kyiv metro", "Evening service on weekends.");
	put(st, feed, a, 1, 0, NULL);
	put(st, feed, b, 1, 0, NULL);
	ck_assert_int_eq(search(st, "zelensky", &t), 1);
	ck_assert_str_eq(t.first, "Blinken meets Zelensky");
	ck_assert_int_eq(search(st, "kyiv", &t), 2);
	ck_assert_int_eq(search(st, "weekends", &t), 1);
	ck_assert_int_eq(search(st, "metro AND", &t), 0);	/* AND of nothing */
	/* not FTS5 syntax: searched as words */
	ck_assert_int_eq(search(st, "\"metro", &t), 1);
	/* an update re-indexes */
	article_set(&b->text, "Night trains.");
	ck_assert_int_eq(put(st, feed, b, 2, 0, NULL), DEDUP_UPDATED);
	ck_assert_int_eq(search(st, "weekends", &t), 0);
	ck_assert_int_eq(search(st, "night", &t), 1);
	store_close(st);
	ck_assert_int_eq(q1(FTS_COUNT("trains")), 1);
	article_free(a);
	article_free(b);
}
END_TEST

/* The query syntax of store.h (FTS5's) means the same on both backends,
 * for Ukrainian as for English. */
START_TEST(test_search_syntax)
{
	static const struct {
		const char	*q;
		int		 n;
	} cases[] = {
		{ "\"kyiv metro\"", 1 },
		{ "\"metro kyiv\"", 0 },
		{ "zelensky OR weekends", 2 },
		{ "kyiv NOT metro", 1 },
		{ "kyi*", 2 },
		{ "(zelensky OR metro) AND talks", 1 },
		{ "zelensky metro", 0 },
		{ "зеленський", 1 },
		{ "КИЄВІ", 1 },
		{ "блінк*", 1 },
		{ "\"у києві\"", 1 },
		{ "(kyiv", 2 },		/* not the syntax: the words */
	};
	struct store *st;
	struct titles t;
	struct article *a[3];
	int64_t feed;
	size_t i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a[0] = make("1", NULL, "Blinken meets Zelensky", "Talks in Kyiv.");
	a[1] = make("2", NULL, "Kyiv metro", "Evening service on weekends.");
	a[2] = make("3", NULL, "Новини з Києва",
	    "Зеленський зустрівся з Блінкеном у Києві.");
	for (i = 0; i < 3; i++)
		put(st, feed, a[i], 1, 0, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(search(st, cases[i].q, &t) == cases[i].n,
		    "%s: %d, not %d", cases[i].q, search(st, cases[i].q, &t),
		    cases[i].n);
	store_close(st);
	for (i = 0; i < 3; i++)
		article_free(a[i]);
}
END_TEST

START_TEST(test_full_disk_rolls_back)
{
	struct store *st;
	struct article *a;
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;
	char *big, g[32];
	int64_t feed;
	int i, rc = ERR_OK;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a = make("keep", NULL, "kept", "kept");
	put(st, feed, a, 1, 0, NULL);
	article_free(a);
	ck_assert_int_eq(store_set_size_limit(st, 1024 * 1024, ebuf,
	    sizeof(ebuf)), ERR_OK);
	big = xmalloc(64 * 1024);
	memset(big, 'x', 64 * 1024 - 1);
	big[64 * 1024 - 1] = '\0';
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	for (i = 0; i < 100 && rc == ERR_OK; i++) {
		snprintf(g, sizeof(g), "big%d", i);
		big[0] = 'a' + i % 26;
		big[1] = 'a' + i / 26;
		a = make(g, NULL, g, big);
		dedup_keys_compute(a, NULL, &k);
		dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
		memset(&u, 0, sizeof(u));
		u.plan = &p;
		u.keys = &k;
		u.now = 2;
		rc = dedup_item_store(st, a, &u, ebuf, sizeof(ebuf));
		article_free(a);
	}
	ck_assert_int_eq(rc, ERR_DB);
	ck_assert_ptr_nonnull(strstr(ebuf, "full"));
	ck_assert_ptr_nonnull(strstr(ebuf, path));
	store_batch_rollback(st);
	/* still usable, and nothing of the failed batch is there */
	ck_assert_int_eq(store_set_size_limit(st, 0, ebuf, sizeof(ebuf)),
	    ERR_OK);
	a = make("after", NULL, "after", "after");
	ck_assert_int_eq(put(st, feed, a, 3, 0, NULL), DEDUP_NEW);
	article_free(a);
	store_close(st);
	free(big);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 2);
	ck_assert_int_eq(q1("SELECT count(*) FROM identity_keys WHERE "
	    "article_id > 2"), 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}
END_TEST

START_TEST(test_list_filters)
{
	struct store *st;
	struct store_filter f;
	struct titles t;
	struct article *a;
	int64_t fa, fb;
	char g[16];
	int i;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "https://a.org/", "alpha", &fa, ebuf,
	    sizeof(ebuf));
	store_feed_ensure(st, "https://b.org/", "beta", &fb, ebuf, sizeof(ebuf));
	for (i = 0; i < 4; i++) {
		snprintf(g, sizeof(g), "item %d", i);
		a = make(g, NULL, g, g);
		a->has_published = 1;
		a->published.utc = 100 * (i + 1);
		put(st, i % 2 ? fb : fa, a, 1000, 0, NULL);
		article_free(a);
	}
	memset(&f, 0, sizeof(f));
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(store_articles_list(st, &f, title_cb, &t, ebuf,
	    sizeof(ebuf)), 0);
	ck_assert_int_eq(t.n, 4);
	ck_assert_str_eq(t.first, "item 3");	/* newest first */
	f.feed_id = fa;
	memset(&t, 0, sizeof(t));
	store_articles_list(st, &f, title_cb, &t, ebuf, sizeof(ebuf));
	ck_assert_int_eq(t.n, 2);
	ck_assert_str_eq(t.first, "item 2");
	f.feed_id = 0;
	f.since = 250;
	f.limit = 1;
	memset(&t, 0, sizeof(t));
	store_articles_list(st, &f, title_cb, &t, ebuf, sizeof(ebuf));
	ck_assert_int_eq(t.n, 1);
	f.limit = 0;
	memset(&t, 0, sizeof(t));
	store_articles_list(st, &f, title_cb, &t, ebuf, sizeof(ebuf));
	ck_assert_int_eq(t.n, 2);
	store_close(st);
}
END_TEST

START_TEST(test_batch_misuse)
{
	struct store *st;
	struct article *a = make("x", NULL, "x", "x");
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;
	int64_t feed;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	dedup_keys_compute(a, NULL, &k);
	dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.keys = &k;
	ck_assert_int_eq(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)),
	    ERR_INVALID);
	ck_assert_int_eq(store_batch_begin(st, 4242, ebuf, sizeof(ebuf)),
	    ERR_NOTFOUND);
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), 0);
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)),
	    ERR_INVALID);
	ck_assert_int_eq(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)), 0);
	/* closing with an open batch rolls it back */
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles"), 0);
	article_free(a);
}
END_TEST

/* A real v2 file: v1 and the step to 2 as released. */
START_TEST(test_migrate_v2_to_v3)
{
	struct store *st;
	struct evlist l;
	sqlite3 *sdb;

	exec_raw(v1_ddl);
	exec_raw("ALTER TABLE events ADD COLUMN feed_url TEXT;"
	    "ALTER TABLE events ADD COLUMN feed_name TEXT;"
	    "ALTER TABLE events ADD COLUMN feed_title TEXT;"
	    "ALTER TABLE events ADD COLUMN origin_url TEXT;"
	    "ALTER TABLE export_targets ADD COLUMN last_error TEXT;"
	    "ALTER TABLE export_targets ADD COLUMN last_error_time INTEGER;"
	    "PRAGMA user_version = 2;"
	    "INSERT INTO feeds (id, url, name, title, created)"
	    " VALUES (1, 'http://a/feed', 'alpha', 'Alpha', 10);"
	    "INSERT INTO articles (id, feed_id, ident, guid, link, title, text,"
	    " first_seen, changed, sort_time, content_hash)"
	    " VALUES (1, 1, 'g1', 'g1', 'http://x/1', 'One', 'text', 10, 10,"
	    " 10, 'h1'), (2, 1, 'g2', 'g2', 'http://x/2', 'Two', 'text', 20,"
	    " 20, 20, 'h2');"
	    "INSERT INTO events (seq, article_id, feed_id, kind, revision,"
	    " created, feed_url, origin_url) VALUES"
	    " (1, 1, 1, 'new', 1, 10, 'http://a/feed', 'http://a/feed'),"
	    " (2, 2, 1, 'update', 2, 20, NULL, NULL),"
	    " (5, 2, 1, 'duplicate', 2, 30, NULL, NULL);"
	    /* seq 5 was handed out, then its event went */
	    "DELETE FROM events WHERE seq = 5;");
	ck_assert_int_eq(q1("SELECT seq FROM sqlite_sequence"
	    " WHERE name = 'events'"), 5);

	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(list_events(st, 0, 0, &l), 2);
	ck_assert_int_eq(l.seq[0], 1);
	ck_assert_int_eq(l.seq[1], 2);
	ck_assert_str_eq(l.feed_url[0], "http://a/feed");
	ck_assert_str_eq(l.origin[0], "http://a/feed");
	ck_assert_str_eq(l.feed_url[1], "(null)");
	{
		struct article *a = make("g3", "http://x/3", "Three", "z");

		ck_assert_int_eq(put(st, 1, a, 40, 0, NULL), DEDUP_NEW);
		article_free(a);
	}
	store_close(st);
	ck_assert_int_eq(q1("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* no seq is handed out twice */
	ck_assert_int_eq(q1("SELECT max(seq) FROM events"), 6);
	ck_assert_int_eq(q1("SELECT count(*) FROM sqlite_sequence"
	    " WHERE name NOT IN ('articles', 'fingerprints')"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'events_new'"), 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM events_v1"), 3);
	ck_assert_int_eq(q1("SELECT count(*) FROM events WHERE seq = 2"
	    " AND kind = 'update' AND revision = 2 AND created = 20"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_table_info("
	    "'events_v1')"), 6);
	/* the kind is still checked */
	ck_assert_int_eq(sqlite3_open(path, &sdb), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sdb, "INSERT INTO events (article_id,"
	    " feed_id, kind, revision, created) VALUES (1, 1, 'bogus', 1, 50)",
	    NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(sdb);
}
END_TEST

/* Copies a database file from tests/data/store to path. */
static void
install(const char *name)
{
	char src[512];
	size_t len;
	char *data;
	FILE *fp;

	snprintf(src, sizeof(src), "%s/store/%s", TEST_DATADIR, name);
	data = testutil_slurp(src, &len);
	ck_assert_ptr_nonnull(data);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
	free(data);
}

/* The texts tests/data/store/make-db.c stored */
#define V3_DAY		1800000000
#define V3_WIRE		"Wire story: the harbour bridge reopened on " \
	"Monday after three years of repairs, and commuters crossed it in a " \
	"steady stream from six in the morning while the mayor cut a ribbon " \
	"at the northern end and promised that the tolls would stay where " \
	"they are until the end of the decade."
#define V3_OTHER	"Orchestra news: the philharmonic announced " \
	"a season of forty concerts, with a cycle of symphonies in the " \
	"autumn, a festival of new music in the spring and free open air " \
	"performances in the park during the summer months, tickets on sale " \
	"from Friday at the box office."

/*
 * A database written by schema version 3 (tests/data/store/v3.db, made by
 * make-db.c with the version 3 code): its fingerprints move to their own
 * table and still find the articles, full-text search still finds the old
 * rows, tombstones stay, and the full-text index passes its own check.
 */
START_TEST(test_migrate_v3_to_v4)
{
	struct store *st;
	struct titles t;
	struct article *a;
	int64_t fd, fe, id;

	install("v3.db");
	ck_assert_int_eq(q1("PRAGMA user_version"), 3);
	ck_assert_int_eq(q1("SELECT count(*) FROM identity_keys"
	    " WHERE kind = 4"), 3);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(search(st, "harbour", &t), 1);
	ck_assert_str_eq(t.first, "Harbour bridge reopens");
	ck_assert_int_eq(search(st, "philharmonic", &t), 1);
	ck_assert_str_eq(t.first, "Philharmonic season announced");
	ck_assert_int_eq(search(st, "election", &t), 1);
	ck_assert_int_eq(search(st, "volcano", &t), 0);	/* removed */
	ck_assert_int_eq(search(st, "\"ash cloud\"", &t), 0);
	ck_assert_int_eq(search(st, "\"harbour bridge\"", &t), 1);

	/* the same bytes again: unchanged; the removed one stays removed */
	a = make("alpha-1", "https://alpha.example/news/bridge",
	    "Harbour bridge reopens", V3_WIRE);
	ck_assert_int_eq(put(st, 1, a, V3_DAY + 9000, 0, &id), DEDUP_UNCHANGED);
	ck_assert_int_eq(id, 1);
	article_free(a);
	a = make("g-1", "https://gamma.example/1", "Gamma first",
	    "Volcano erupts in the north, ash cloud over the valley.");
	ck_assert_int_eq(put(st, 3, a, V3_DAY + 9000, 0, NULL),
	    DEDUP_UNCHANGED);
	article_free(a);
	/* a new feed with the wire story under its own guid and link: found
	 * by the fingerprint stored by version 3 */
	ck_assert_int_eq(store_feed_ensure(st, "https://delta.example/feed",
	    NULL, &fd, ebuf, sizeof(ebuf)), ERR_OK);
	a = make("delta-5", "https://delta.example/wire/5",
	    "Harbour bridge reopens", V3_WIRE);
	ck_assert_int_eq(put(st, fd, a, V3_DAY + 9000, 0, &id),
	    DEDUP_DUPLICATE);
	ck_assert_int_eq(id, 1);
	article_free(a);
	/* and the updated orchestra article by its newer fingerprint */
	a = make("delta-6", "https://delta.example/wire/6",
	    "Philharmonic season announced", V3_OTHER);
	ck_assert_int_eq(put(st, fd, a, V3_DAY + 9000, 0, &id),
	    DEDUP_DUPLICATE);
	ck_assert_int_eq(id, 2);
	article_free(a);
	/* a new article is still new, and searchable with the old ones */
	a = make("delta-7", "https://delta.example/7", "Harbour ferry",
	    "The ferry to the islands runs again.");
	ck_assert_int_eq(put(st, fd, a, V3_DAY + 9000, 0, NULL), DEDUP_NEW);
	article_free(a);
	ck_assert_int_eq(search(st, "harbour", &t), 2);

	/* three days on, fingerprints older than yesterday are pruned: a
	 * copy under a new link is then a new article, as it was when
	 * version 3 looked up only today's and yesterday's keys */
	ck_assert_int_eq(store_feed_ensure(st, "https://epsilon.example/feed",
	    NULL, &fe, ebuf, sizeof(ebuf)), ERR_OK);
	a = make("eps-1", "https://epsilon.example/1",
	    "Harbour bridge reopens", V3_WIRE);
	ck_assert_int_eq(put(st, fe, a, V3_DAY + 3 * 86400, 0, NULL),
	    DEDUP_NEW);
	article_free(a);
	store_close(st);

	ck_assert_int_eq(q1("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(q1("SELECT count(*) FROM identity_keys"
	    " WHERE kind = 4 OR scope < 0"), 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM fingerprints"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM fingerprints WHERE day = "
	    "(1800000000 + 3 * 86400) / 86400"), 1);
	ck_assert_int_eq(q1("SELECT v FROM articles_fts_config"
	    " WHERE k = 'automerge'"), 16);
	exec_raw("INSERT INTO articles_fts(articles_fts) VALUES"
	    " ('integrity-check')");
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v1"), 6);
}
END_TEST

/*
 * Every row of sql (ordered by the caller), column names first, values
 * quoted: two dumps are equal when the rows are.  Only the first ncols
 * columns (all when ncols < 0).  The caller frees.
 */
static char *
dump(const char *sql, int ncols)
{
	sqlite3 *sdb;
	sqlite3_stmt *s;
	struct buf b = { 0 };
	int i, n;

	ck_assert_int_eq(sqlite3_open_v2(path, &sdb, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(sdb, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(sdb));
	n = sqlite3_column_count(s);
	if (ncols >= 0 && ncols < n)
		n = ncols;
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s|", sqlite3_column_name(s, i));
	buf_putc(&b, '\n');
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				buf_puts(&b, "NULL|");
				break;
			case SQLITE_INTEGER:
				buf_printf(&b, "i%lld|", (long long)
				    sqlite3_column_int64(s, i));
				break;
			default:
				buf_printf(&b, "'%s'|", (const char *)
				    sqlite3_column_text(s, i));
				break;
			}
		}
		buf_putc(&b, '\n');
	}
	sqlite3_finalize(s);
	sqlite3_close(sdb);
	return buf_detach(&b);
}

/*
 * A database written by schema version 4 (tests/data/store/v4.db, made by
 * make-db.c with the version 4 code): articles_v1 keeps its columns and
 * every value, articles_v2 is the same plus image, duration and
 * comment_count (NULL for the old rows), search still finds the old rows,
 * and the new columns are written from then on.
 */
START_TEST(test_migrate_v4_to_v5)
{
	struct store *st;
	struct store_article_meta m;
	struct titles t;
	struct article *a, *b;
	char *v1_before, *v1_after, *v2_head;
	int64_t id;

	install("v4.db");
	ck_assert_int_eq(q1("PRAGMA user_version"), 4);
	ck_assert_int_eq(q1("SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'articles_v2'"), 0);
	v1_before = dump("SELECT * FROM articles_v1 ORDER BY id", -1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v1"), 4);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st),
	    STORE_SCHEMA_VERSION);
	ck_assert_int_eq(q1("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* and on to the current version: the outbox's events set aside (6),
	 * none yet */
	ck_assert_int_eq(q1("SELECT count(*) FROM export_aside"), 0);

	v1_after = dump("SELECT * FROM articles_v1 ORDER BY id", -1);
	ck_assert_str_eq(v1_after, v1_before);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_table_info("
	    "'articles_v1')"), 27);
	/* articles_v2: v1's columns, in v1's order, with v1's values ... */
	v2_head = dump("SELECT * FROM articles_v2 ORDER BY id", 27);
	ck_assert_str_eq(v2_head, v1_before);
	/* ... and three more, NULL for every row stored before */
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_table_info("
	    "'articles_v2')"), 30);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_table_info("
	    "'articles_v2') WHERE (cid = 27 AND name = 'image') OR"
	    " (cid = 28 AND name = 'duration') OR"
	    " (cid = 29 AND name = 'comment_count')"), 3);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE"
	    " image IS NULL AND duration IS NULL AND comment_count IS NULL"),
	    4);
	free(v1_before);
	free(v1_after);
	free(v2_head);

	ck_assert_int_eq(search(st, "harbour", &t), 1);
	ck_assert_str_eq(t.first, "Harbour bridge reopens");
	ck_assert_int_eq(search(st, "philharmonic", &t), 1);
	ck_assert_str_eq(t.first, "Philharmonic season announced");
	ck_assert_int_eq(search(st, "volcano", &t), 0);	/* removed */
	/* an old row reads back with nothing set */
	ck_assert_int_eq(store_article_get(st, 1, &b, &m, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_str_eq(b->title, "Harbour bridge reopens");
	ck_assert_ptr_null(b->image);
	ck_assert_int_eq(b->has_duration, 0);
	ck_assert_int_eq(b->has_comment_count, 0);
	article_free(b);
	store_article_meta_clear(&m);

	/* the same bytes with extras: unchanged, nothing written */
	a = make("alpha-1", "https://alpha.example/news/bridge",
	    "Harbour bridge reopens", V3_WIRE);
	article_set(&a->image, "https://alpha.example/bridge.jpg");
	a->has_comment_count = 1;
	a->comment_count = 12;
	ck_assert_int_eq(put(st, 1, a, V3_DAY + 9000, 0, &id), DEDUP_UNCHANGED);
	ck_assert_int_eq(id, 1);
	article_free(a);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles WHERE id = 1 AND"
	    " image IS NULL AND comment_count IS NULL AND revision = 1"), 1);
	/* an update of the old row writes them */
	a = make("alpha-3", "https://alpha.example/news/short", "Short note",
	    "Brief: the library opens late on Thursdays and Fridays.");
	article_set(&a->image, "https://alpha.example/library.png");
	a->has_duration = 1;
	a->duration = 95;
	ck_assert_int_eq(put(st, 1, a, V3_DAY + 9000, 0, &id), DEDUP_UPDATED);
	article_free(a);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE id = 3 AND"
	    " image = 'https://alpha.example/library.png' AND duration = 95"
	    " AND comment_count IS NULL AND revision = 2"), 1);
	ck_assert_int_eq(search(st, "fridays", &t), 1);
	store_close(st);
	exec_raw("INSERT INTO articles_fts(articles_fts) VALUES"
	    " ('integrity-check')");
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}
END_TEST

/*
 * Version 7 records cycles: a v4 file migrates to it with an empty
 * cycles_v1; the newest cycle comes back as recorded, and only the last
 * STORE_CYCLES_KEPT are kept.
 */
START_TEST(test_cycles)
{
	struct store *st;
	struct store_cycle c, got;
	int i;

	install("v4.db");
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(q1("SELECT count(*) FROM cycles_v1"), 0);
	ck_assert_int_eq(q1(SQ("SELECT count(*) FROM pragma_table_info("
	    "'cycles_v1')", "SELECT count(*) FROM information_schema.columns"
	    " WHERE table_name = 'cycles_v1'")), 13);
	ck_assert_int_eq(store_cycle_last(st, &got, ebuf, sizeof(ebuf)),
	    ERR_NOTFOUND);

	memset(&c, 0, sizeof(c));
	c.source = "daemon";
	c.started = 1000;
	c.finished = 1002;
	c.duration_ms = 2345;
	c.checked = 7;
	c.not_modified = 3;
	c.failed = 1;
	c.added = 10;
	c.updated = 2;
	c.duplicate = 1;
	c.exported = 9;
	c.bytes = 5000000000LL;
	ck_assert_msg(store_cycle_put(st, &c, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	c.source = "run";
	c.started = 2000;
	ck_assert_int_eq(store_cycle_put(st, &c, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_cycle_last(st, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_str_eq(got.source, "run");
	ck_assert_int_eq(got.started, 2000);
	ck_assert_int_eq(got.finished, 1002);
	ck_assert_int_eq(got.duration_ms, 2345);
	ck_assert_int_eq(got.checked, 7);
	ck_assert_int_eq(got.not_modified, 3);
	ck_assert_int_eq(got.failed, 1);
	ck_assert_int_eq(got.added, 10);
	ck_assert_int_eq(got.updated, 2);
	ck_assert_int_eq(got.duplicate, 1);
	ck_assert_int_eq(got.exported, 9);
	ck_assert_int_eq(got.bytes, 5000000000LL);
	ck_assert_int_eq(q1("SELECT new FROM cycles_v1 WHERE source = "
	    "'daemon'"), 10);

	for (i = 0; i < STORE_CYCLES_KEPT + 5; i++)
		ck_assert_int_eq(store_cycle_put(st, &c, ebuf, sizeof(ebuf)),
		    ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM cycles"), STORE_CYCLES_KEPT);
	store_close(st);

	/* readers see it */
	ck_assert_int_eq(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_cycle_last(st, &got, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_str_eq(got.source, "run");
	store_close(st);
}
END_TEST

/*
 * An article's image, duration and comment count are stored with it and
 * read back; absent ones are NULL and read back absent (0 is a value).
 * They are not content: a change in them alone is no update and leaves
 * the stored values; an update for another reason replaces them.
 */
START_TEST(test_media_extras)
{
	struct store *st;
	struct store_article_meta m;
	struct store_filter f;
	struct titles t;
	struct article *a, *b;
	int64_t feed, id1, id2, id;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "https://pod.example/feed", NULL, &feed, ebuf,
	    sizeof(ebuf));
	a = make("ep-1", "https://pod.example/1", "Episode one",
	    "We talk about bridges.");
	article_set(&a->image, "https://pod.example/1.jpg");
	a->has_duration = 1;
	a->duration = 3723;
	a->has_comment_count = 1;
	a->comment_count = 0;
	ck_assert_int_eq(put(st, feed, a, 1000, 0, &id1), DEDUP_NEW);
	b = make("ep-2", "https://pod.example/2", "Episode two",
	    "We talk about tunnels.");
	ck_assert_int_eq(put(st, feed, b, 1000, 0, &id2), DEDUP_NEW);
	article_free(b);

	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE"
	    " image = 'https://pod.example/1.jpg' AND duration = 3723"
	    " AND comment_count = 0"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE"
	    " image IS NULL AND duration IS NULL AND comment_count IS NULL"),
	    1);
	ck_assert_int_eq(store_article_get(st, id1, &b, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(b->image, "https://pod.example/1.jpg");
	ck_assert_int_eq(b->has_duration, 1);
	ck_assert_int_eq(b->duration, 3723);
	ck_assert_int_eq(b->has_comment_count, 1);
	ck_assert_int_eq(b->comment_count, 0);
	article_free(b);
	store_article_meta_clear(&m);
	ck_assert_int_eq(store_article_get(st, id2, &b, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_null(b->image);
	ck_assert_int_eq(b->has_duration, 0);
	ck_assert_int_eq(b->has_comment_count, 0);
	article_free(b);
	store_article_meta_clear(&m);
	/* lists and search read the same columns (the list newest first) */
	memset(&f, 0, sizeof(f));
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(store_articles_list(st, &f, extras_cb, &t, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(t.n, 2);
	ck_assert_str_eq(t.first, "Episode two: - -1 -1");	/* newest */
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(store_search(st, "bridges", 10, extras_cb, &t, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(t.n, 1);
	ck_assert_str_eq(t.first, "Episode one: https://pod.example/1.jpg"
	    " 3723 0");

	/* only the extras changed: no update, no new revision, old values */
	article_set(&a->image, "https://pod.example/1-big.jpg");
	a->comment_count = 40;
	ck_assert_int_eq(put(st, feed, a, 1100, 0, &id), DEDUP_UNCHANGED);
	ck_assert_int_eq(id, id1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE"
	    " image = 'https://pod.example/1.jpg' AND comment_count = 0"
	    " AND revision = 1"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 2);
	/* the text changed too: an update, and the extras come with it;
	 * one the item no longer gives becomes NULL */
	article_set(&a->text, "We talk about bridges and ferries.");
	a->has_duration = 0;
	ck_assert_int_eq(put(st, feed, a, 1200, 0, &id), DEDUP_UPDATED);
	ck_assert_int_eq(id, id1);
	article_free(a);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v2 WHERE"
	    " image = 'https://pod.example/1-big.jpg' AND duration IS NULL"
	    " AND comment_count = 40 AND revision = 2"), 1);
	ck_assert_int_eq(store_article_get(st, id1, &b, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(b->image, "https://pod.example/1-big.jpg");
	ck_assert_int_eq(b->has_duration, 0);
	ck_assert_int_eq(b->comment_count, 40);
	article_free(b);
	store_article_meta_clear(&m);
	store_close(st);
}
END_TEST

/*
 * Fingerprints are looked up in memory by their first 8 bytes: a row that
 * shares them but differs after must not merge two articles, a row gone
 * under us is skipped, and rows another writer added between our batches
 * are found.
 */
START_TEST(test_fingerprint_prefix_and_other_writer)
{
	struct store *st;
	struct article *a;
	int64_t fa, fb, fc, x, id;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "a", NULL, &fa, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "b", NULL, &fb, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "c", NULL, &fc, ebuf, sizeof(ebuf));
	a = make("a-1", "https://a.example/1", "Harbour bridge reopens",
	    V3_WIRE);
	ck_assert_int_eq(put(st, fa, a, V3_DAY, 0, &x), DEDUP_NEW);
	article_free(a);
	ck_assert_int_eq(q1("SELECT count(*) FROM fingerprints"), 1);
	/* another connection, while the store is open between batches:
	 * a row with the same first 8 bytes for another article, then the
	 * real row moved after it (the store's memory still names the old
	 * row, which is gone) */
	exec_raw(SQ("INSERT INTO fingerprints (day, fp, article_id)"
	    " SELECT day, substr(fp, 1, 8) || zeroblob(8), 999"
	    " FROM fingerprints;"
	    "INSERT INTO fingerprints (day, fp, article_id)"
	    " SELECT day, fp, article_id FROM fingerprints WHERE id = 1;"
	    "DELETE FROM fingerprints WHERE id = 1;",
	    /* (day, fp) is unique there: the row goes before it comes back */
	    "INSERT INTO fingerprints (day, fp, article_id)"
	    " SELECT day, substr(fp, 1, 8) || '\\x0000000000000000'::bytea,"
	    " 999 FROM fingerprints;"
	    "CREATE TEMP TABLE f1 AS SELECT day, fp, article_id"
	    " FROM fingerprints WHERE id = 1;"
	    "DELETE FROM fingerprints WHERE id = 1;"
	    "INSERT INTO fingerprints (day, fp, article_id)"
	    " SELECT day, fp, article_id FROM f1;"));
	a = make("b-1", "https://b.example/copy", "Harbour bridge reopens",
	    V3_WIRE);
	ck_assert_int_eq(put(st, fb, a, V3_DAY + 60, 0, &id), DEDUP_DUPLICATE);
	ck_assert_int_eq(id, x);
	article_free(a);
	store_close(st);
	/* the same from an index built afresh */
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	a = make("c-1", "https://c.example/copy", "Harbour bridge reopens",
	    V3_WIRE);
	ck_assert_int_eq(put(st, fc, a, V3_DAY + 120, 0, &id), DEDUP_DUPLICATE);
	ck_assert_int_eq(id, x);
	article_free(a);
	/* a text whose fingerprint shares no row stays new */
	a = make("c-2", "https://c.example/2", "Philharmonic season", V3_OTHER);
	ck_assert_int_eq(put(st, fc, a, V3_DAY + 120, 0, &id), DEDUP_NEW);
	ck_assert_int_ne(id, x);
	article_free(a);
	store_close(st);
	ck_assert_int_eq(q1("SELECT count(*) FROM fingerprints"
	    " WHERE article_id = 999"), 1);
}
END_TEST

static long long
file_size(const char *p)
{
	FILE *fp = fopen(p, "rb");
	long long sz;

	if (fp == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	fclose(fp);
	return sz;
}

/*
 * The log is checkpointed while the writer goes on: with a pass every 32
 * pages the log stays a fraction of what was written, everything is in
 * the database for a reader, and closing removes the log.
 */
START_TEST(test_checkpoints_bound_the_log)
{
	struct store *st;
	struct article *a;
	char wal[160], g[32], text[2100];
	int64_t feed;
	long long most = 0, sz;
	int b, i;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	memset(text, 0, sizeof(text));
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_set_checkpoint(st, 32), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	for (b = 0; b < 100; b++) {
		struct dedup_keys k[20];
		struct dedup_plan p;
		struct dedup_item u;
		struct article *v[20];

		for (i = 0; i < 20; i++) {
			size_t j;

			for (j = 0; j + 1 < sizeof(text); j++)
				text[j] = "abcdefgh ijklmnop qrstuv"[(j * 7 +
				    (size_t)b * 13 + (size_t)i * 5) % 24];
			snprintf(g, sizeof(g), "g%d-%d", b, i);
			v[i] = make(g, NULL, g, text);
			dedup_keys_compute(v[i], NULL, &k[i]);
		}
		dedup_plan_make(DEDUP_AUTO, k, 20, 0, &p);
		ck_assert_int_eq(store_batch_begin(st, feed, ebuf,
		    sizeof(ebuf)), ERR_OK);
		for (i = 0; i < 20; i++) {
			memset(&u, 0, sizeof(u));
			u.plan = &p;
			u.keys = &k[i];
			u.now = 1000 + b;
			ck_assert_msg(dedup_item_store(st, v[i], &u, ebuf,
			    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
			ck_assert_int_eq(u.outcome, DEDUP_NEW);
			article_free(v[i]);
		}
		ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)),
		    ERR_OK);
		if ((sz = file_size(wal)) > most)
			most = sz;
	}
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v1"), 2000);
	/* every batch is in the log once (about 14 MB in all); without
	 * checkpoints the log would be larger than the database.  How far
	 * it grows depends on how long the fsyncs take, hence the margin. */
	ck_assert_int_gt(file_size(path), 8000000);
	ck_assert_msg(most < 4000000, "log grew to %lld bytes", most);
	a = make("g99-19", NULL, "g99-19", text);
	ck_assert_int_eq(put(st, feed, a, 2000, 0, NULL), DEDUP_UNCHANGED);
	article_free(a);
	store_close(st);
	ck_assert_int_eq(file_size(wal), -1);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_fts WHERE "
	    "articles_fts MATCH 'g0'"), 20);
	ck_assert_int_eq(q1("SELECT count(*) FROM pragma_integrity_check "
	    "WHERE integrity_check = 'ok'"), 1);
}
END_TEST

/* A thread's blocked signals, once it has started: pthread_create
 * blocks everything until the new thread sets the mask it inherits, so
 * wait for the thread to sleep (in its condition wait) first. */
static unsigned long long
thread_sigblk(const char *tid)
{
	char p[300], line[128];
	unsigned long long blk = 0;
	int tries, sleeping = 0;
	FILE *fp;

	snprintf(p, sizeof(p), "/proc/self/task/%s/status", tid);
	for (tries = 0; tries < 200 && !sleeping; tries++) {
		ck_assert_ptr_nonnull(fp = fopen(p, "r"));
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (strncmp(line, "State:\tS", 8) == 0)
				sleeping = 1;
			sscanf(line, "SigBlk: %llx", &blk);
		}
		fclose(fp);
		if (!sleeping)
			usleep(10000);
	}
	ck_assert_msg(sleeping, "thread %s never slept", tid);
	return blk;
}

/* The checkpoint thread leaves SIGTERM and SIGHUP to the daemon's loop. */
START_TEST(test_checkpoint_thread_blocks_signals)
{
	struct store *st;
	struct dirent *de;
	DIR *d;
	int others = 0;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(d = opendir("/proc/self/task"));
	while ((de = readdir(d)) != NULL) {
		unsigned long long blk;

		if (de->d_name[0] == '.' || atoi(de->d_name) == (int)getpid())
			continue;
		blk = thread_sigblk(de->d_name);
		ck_assert_msg(blk & (1ULL << (SIGTERM - 1)), "thread %s: "
		    "SIGTERM not blocked (%llx)", de->d_name, blk);
		ck_assert(blk & (1ULL << (SIGHUP - 1)));
		others++;
	}
	closedir(d);
	ck_assert_int_ge(others, 1);
	store_close(st);
}
END_TEST

/* A libpq URI opens the PostgreSQL backend, never a file of that name:
 * here one with nothing listening, which fails saying so. */
START_TEST(test_open_routes_uri)
{
	static const char *const uris[] = {
		"postgresql:///tidings?host=/nonexistent-tidings-dir",
		"postgres:///tidings?host=/nonexistent-tidings-dir",
	};
	struct store *st;
	char cwd[256];
	size_t i;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		ebuf[0] = '\0';
		ck_assert_int_ne(store_open(uris[i], 0, &st, ebuf,
		    sizeof(ebuf)), ERR_OK);
		ck_assert_ptr_null(st);
#ifdef HAVE_POSTGRESQL
		/* libpq's own words: it looked for the server's socket */
		ck_assert_msg(strstr(ebuf, "/nonexistent-tidings-dir/"
		    ".s.PGSQL.5432") != NULL, "%s", ebuf);
#else
		ck_assert_msg(strstr(ebuf, "built without PostgreSQL") !=
		    NULL, "%s", ebuf);
#endif
		ck_assert_ptr_null(strstr(ebuf, "not a tidings database"));
	}
	/* nothing was created under the URI's name */
	ck_assert_int_ne(access("postgresql:", F_OK), 0);
	ck_assert_int_ne(access("postgres:", F_OK), 0);
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

static int
node_cb(void *ctx, const struct store_node *nd)
{
	struct store_node *v = ctx;
	size_t i;

	for (i = 0; v[i].node != NULL; i++)
		;
	if (i >= 3)
		return 1;
	v[i] = *nd;
	v[i].node = xstrdup(nd->node);
	v[i].version = nd->version != NULL ? xstrdup(nd->version) : NULL;
	return 0;
}

/* Claims of two handles (two daemons) on one database: on PostgreSQL a
 * feed is claimed by one of them at a time, its host goes with it, a
 * feed checked meanwhile is not due, and a lease that runs out lets the
 * other take it over; on SQLite everything asked for is claimed.  Both
 * record the daemons, their heartbeats and claims. */
START_TEST(test_claims)
{
	struct store *a, *b;
	struct store_node nd, got[4];
	struct store_claim c[3];
	struct store_feed f;
	int64_t f1, f2, f3, ida, idb, size;
	size_t i;

	ck_assert_msg(store_open(db, 0, &a, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_open(db, 0, &b, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(a, "http://a.example/1", NULL, &f1,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(a, "http://U@A.example/2", NULL,
	    &f2, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(a, "http://b.example:8080/3", NULL,
	    &f3, ebuf, sizeof(ebuf)), ERR_OK);
	memset(&nd, 0, sizeof(nd));
	nd.node = "alpha";
	nd.pid = 11;
	nd.version = "0.test";
	nd.started = 1000;
	nd.lease = 60;
	ck_assert_msg(store_node_register(a, &nd, &ida, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	nd.node = "beta";
	ck_assert_int_eq(store_node_register(b, &nd, &idb, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_ne(ida, idb);

	/* alpha claims 1 and 3 (never checked: due) */
	memset(c, 0, sizeof(c));
	c[0].id = f1;
	c[1].id = f3;
	ck_assert_msg(store_feeds_claim(a, ida, c, 2, 1000, 60, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert(c[0].got && c[1].got);
	if (pg_uri != NULL) {
		ck_assert_int_eq(c[0].last_check, 0);
		/* beta gets none: 1 and 3 are alpha's, 2 is on alpha's
		 * host (a.example, whatever the case and user) */
		memset(c, 0, sizeof(c));
		c[0].id = f1;
		c[1].id = f2;
		c[2].id = f3;
		ck_assert_int_eq(store_feeds_claim(b, idb, c, 3, 1000, 60,
		    ebuf, sizeof(ebuf)), ERR_OK);
		for (i = 0; i < 3; i++) {
			ck_assert(!c[i].got);
			ck_assert(c[i].retry > 1000 && c[i].retry <= 1005);
		}
		ck_assert_int_eq(q1("SELECT count(*) FROM host_leases"), 2);
	}

	/* alpha checks 1, stores it and lets it go: its host is free */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(store_feed_get(a, f1, &f, ebuf, sizeof(ebuf)),
	    ERR_OK);
	f.last_check = 1000;
	f.next_check = 4600;
	ck_assert_int_eq(store_feed_put_state(a, &f, ebuf, sizeof(ebuf)),
	    ERR_OK);
	store_feed_clear(&f);
	ck_assert_int_eq(store_feed_release(a, ida, f1, ebuf, sizeof(ebuf)),
	    ERR_OK);
	if (pg_uri != NULL) {
		ck_assert_int_eq(q1("SELECT count(*) FROM host_leases"), 1);
		memset(c, 0, sizeof(c));
		c[0].id = f1;
		c[1].id = f2;
		ck_assert_int_eq(store_feeds_claim(b, idb, c, 2, 1001, 60,
		    ebuf, sizeof(ebuf)), ERR_OK);
		/* 1 was checked meanwhile: due at its next check */
		ck_assert(!c[0].got);
		ck_assert_int_eq(c[0].retry, 4600);
		ck_assert(c[1].got);
		ck_assert_int_eq(store_feed_release(b, idb, f2, ebuf,
		    sizeof(ebuf)), ERR_OK);
	}

	/* alpha's heartbeat renews 3 to 1090; then alpha is silent */
	ck_assert_msg(store_claims_renew(a, ida, &f3, 1, 1030, 60, ebuf,
	    sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	if (pg_uri != NULL) {
		memset(c, 0, sizeof(c));
		c[0].id = f3;
		ck_assert_int_eq(store_feeds_claim(b, idb, c, 1, 1080, 60,
		    ebuf, sizeof(ebuf)), ERR_OK);
		ck_assert(!c[0].got);
		ck_assert_int_eq(store_feeds_claim(b, idb, c, 1, 1091, 60,
		    ebuf, sizeof(ebuf)), ERR_OK);
		ck_assert(c[0].got);
		ck_assert_int_eq(q1("SELECT count(*) FROM host_leases h"
		    " JOIN daemons d ON d.id = h.owner"
		    " WHERE d.node = 'beta'"), 1);
	}

	memset(got, 0, sizeof(got));
	ck_assert_int_eq(store_nodes_list(b, node_cb, got, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(got[0].node, "alpha");
	ck_assert_str_eq(got[1].node, "beta");
	ck_assert_ptr_null(got[2].node);
	ck_assert_int_eq(got[0].heartbeat, 1030);
	ck_assert_int_eq(got[0].claims, 1);
	ck_assert_int_eq(got[0].pid, 11);
	ck_assert_int_eq(got[0].lease, 60);
	ck_assert_str_eq(got[0].version, "0.test");
	ck_assert_int_eq(got[1].heartbeat, 1000);
	for (i = 0; i < 2; i++) {
		free((char *)got[i].node);
		free((char *)got[i].version);
	}
	ck_assert_int_eq(q1("SELECT count(*) FROM daemons_v1"), 2);

	/* beta stops: its row and claims go */
	ck_assert_int_eq(store_node_leave(b, idb, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM daemons_v1"), 1);
	if (pg_uri != NULL) {
		ck_assert_int_eq(q1("SELECT count(*) FROM feeds"
		    " WHERE claim_owner IS NOT NULL AND claim_owner <> 0"
		    " AND claim_owner NOT IN (SELECT id FROM daemons)"), 0);
		ck_assert_int_eq(q1("SELECT count(*) FROM host_leases"
		    " WHERE owner NOT IN (SELECT id FROM daemons)"), 0);
	}
	ck_assert_int_eq(store_size(a, &size, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert(size > 4096);
	store_close(b);
	store_close(a);
}
END_TEST

/* PostgreSQL's schema version: an empty database is no tidings database
 * to a reader and gets the schema from a writer; a newer version than
 * this tidings knows is refused, and left as it is. */
START_TEST(test_pg_schema_version)
{
	struct store *st;

	if (pg_uri == NULL)
		return;
	ck_assert_int_ne(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_msg(strstr(ebuf, "not a tidings database") != NULL, "%s",
	    ebuf);
	ck_assert_msg(store_open(db, 0, &st, ebuf, sizeof(ebuf)) == ERR_OK,
	    "%s", ebuf);
	ck_assert_int_eq(store_schema_version(st), STORE_SCHEMA_VERSION);
	store_close(st);
	ck_assert_int_eq(q1("SELECT version FROM tidings_schema"),
	    STORE_SCHEMA_VERSION);
	exec_raw("UPDATE tidings_schema SET version = 99");
	ck_assert_int_ne(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(strstr(ebuf, "newer than this tidings knows") != NULL,
	    "%s", ebuf);
	ck_assert_int_ne(store_open(db, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT version FROM tidings_schema"), 99);
}
END_TEST

/* ---- filter rules' marks ---- */

struct droplist {
	int64_t	 id[8];
	char	 target[8][16];
	char	 rule[8][32];
	int64_t	 when[8];
	int	 events[8];
	int	 n;
};

static int
drop_cb(void *ctx, const struct store_drop *d)
{
	struct droplist *l = ctx;

	ck_assert_int_lt(l->n, 8);
	l->id[l->n] = d->article_id;
	copy_or_null(l->target[l->n], sizeof(l->target[0]), d->target);
	copy_or_null(l->rule[l->n], sizeof(l->rule[0]), d->rule);
	l->when[l->n] = d->dropped;
	l->events[l->n++] = d->has_events;
	return 0;
}

/*
 * A quiet batch stores an article without its event; marks are set,
 * renewed (keeping their time under the same rule), listed and taken
 * away, and go with their article; store_article_event gives a dropped
 * article its event later.
 */
START_TEST(test_drop_marks)
{
	struct store *st;
	struct droplist l;
	struct seqs s;
	struct article *a, *b;
	int64_t feed, ida, idb, seq;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", "news", &feed, ebuf, sizeof(ebuf));
	a = make("a", "http://x/a", "Sponsored", "x");
	b = make("b", "http://x/b", "News", "y");
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)),
	    ERR_OK);
	store_batch_quiet(st, 1);
	ck_assert_int_eq(store_article_add(st, a, NULL, (const unsigned char *)
	    "0123456789abcdef0123456789abcdef", (const unsigned char *)
	    "0123456789abcdef0123456789abcdef", 100, &ida, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_drop_mark(st, ida, NULL, "drop=title:x", 100,
	    ebuf, sizeof(ebuf)), ERR_OK);
	store_batch_quiet(st, 0);
	ck_assert_int_eq(store_article_add(st, b, NULL, (const unsigned char *)
	    "1123456789abcdef0123456789abcdef", (const unsigned char *)
	    "1123456789abcdef0123456789abcdef", 100, &idb, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(pending(st, "t", &s), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM events"), 1);
	/* a target's mark, outside a batch; the same rule keeps its time */
	ck_assert_int_eq(store_drop_mark(st, idb, "t", "keep: none", 200,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_drop_mark(st, idb, "t", "keep: none", 300,
	    ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_drop_mark(st, idb, NULL, NULL, 300, ebuf,
	    sizeof(ebuf)), ERR_OK);	/* no such mark: nothing */
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_drops_list(st, 0, 0, drop_cb, &l, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(l.id[0] + l.id[1], ida + idb);
	ck_assert_int_eq(l.id[0] == ida ? l.events[0] : l.events[1], 0);
	ck_assert_int_eq(l.id[0] == idb ? l.events[0] : l.events[1], 1);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_drops_list(st, idb, 0, drop_cb, &l, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.target[0], "t");
	ck_assert_str_eq(l.rule[0], "keep: none");
	ck_assert_int_eq(l.when[0], 200);
	/* a new rule renews the time; since filters on first seen */
	ck_assert_int_eq(store_drop_mark(st, ida, NULL, "drop=any:y", 400,
	    ebuf, sizeof(ebuf)), ERR_OK);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_drops_list(st, ida, 0, drop_cb, &l, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(l.target[0], "(null)");
	ck_assert_str_eq(l.rule[0], "drop=any:y");
	ck_assert_int_eq(l.when[0], 400);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_drops_list(st, 0, 101, drop_cb, &l, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(l.n, 0);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_drops_v1"
	    " WHERE target IS NULL"), 1);
	/* the dropped article gets its event: the feed as it is now */
	ck_assert_int_eq(store_article_event(st, ida, 500, &seq, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_gt(seq, 1);
	ck_assert_int_eq(pending(st, "t", &s), 2);
	ck_assert_int_eq(s.seq[1], seq);
	ck_assert_int_eq(store_article_event(st, 999, 500, &seq, ebuf,
	    sizeof(ebuf)), ERR_NOTFOUND);
	/* taken away */
	ck_assert_int_eq(store_drop_mark(st, idb, "t", NULL, 0, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT count(*) FROM article_drops"), 1);
	store_close(st);
	/* the marks go with their article */
	exec_raw("DELETE FROM articles");
	ck_assert_int_eq(q1("SELECT count(*) FROM article_drops"), 0);
	article_free(a);
	article_free(b);
}
END_TEST

/* ---- article pages (issue 12) ---- */

struct duelist {
	int64_t	 id[8];
	char	 link[8][64];
	int64_t	 deadline[8];
	int	 tries[8];
	int	 n;
};

static int
due_cb(void *ctx, const struct store_page *p)
{
	struct duelist *l = ctx;

	ck_assert_int_lt(l->n, 8);
	l->id[l->n] = p->article_id;
	snprintf(l->link[l->n], sizeof(l->link[0]), "%s", p->link);
	l->deadline[l->n] = p->deadline;
	l->tries[l->n] = p->tries;
	ck_assert_str_eq(p->feed_url, "f");
	l->n++;
	return 0;
}

static int
due(struct store *st, struct duelist *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_msg(store_pages_due(st, due_cb, l, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	return l->n;
}

/* Stores a as new and holds its page in the same batch, as ingest does. */
static int64_t
put_held(struct store *st, int64_t feed, const struct article *a,
    int64_t now)
{
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;

	dedup_keys_compute(a, NULL, &k);
	dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.keys = &k;
	u.now = now;
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	ck_assert_msg(store_page_hold(st, u.article_id, a->link, now + 600, now,
	    ebuf, sizeof(ebuf)) == ERR_OK, "%s", ebuf);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	return u.article_id;
}

/* An article whose page is due is not in the outbox until the page is
 * settled; the page's body replaces the teaser's, the feed's title and
 * author win; a failed page releases the teaser; retries keep it held. */
START_TEST(test_pages)
{
	struct store *st;
	struct seqs s;
	struct evlist l;
	struct duelist d;
	struct article *a, *got;
	struct store_article_meta m;
	struct store_page_result r;
	enum store_page_state state;
	char *link;
	int64_t feed, id1, id2;

	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	store_feed_ensure(st, "f", NULL, &feed, ebuf, sizeof(ebuf));
	a = make("g1", "https://example.org/1", "Feed title", "teaser one");
	id1 = put_held(st, feed, a, 100);
	article_free(a);
	a = make("g2", "https://example.org/2", NULL, "teaser two");
	id2 = put_held(st, feed, a, 101);
	article_free(a);
	a = make("g3", "https://example.org/3", "plain", "whole");
	ck_assert_int_eq(put(st, feed, a, 102, 0, NULL), DEDUP_NEW);
	article_free(a);
	/* only the article without a page due goes out */
	ck_assert_int_eq(pending(st, "text", &s), 1);
	ck_assert_int_eq(s.seq[0], 3);
	ck_assert_int_eq(list_events(st, 0, 0, &l), 1);
	ck_assert_int_eq(due(st, &d), 2);
	ck_assert_int_eq(d.id[0], id1);
	ck_assert_str_eq(d.link[0], "https://example.org/1");
	ck_assert_int_eq(d.deadline[0], 700);
	ck_assert_int_eq(store_page_get(st, id1, &state, &link, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(state, STORE_PAGE_DUE);
	ck_assert_str_eq(link, "https://example.org/1");
	free(link);
	/* the target's mark stops below the held events */
	ck_assert_int_eq(store_event_done(st, "text", 3, 1, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(q1("SELECT done_below FROM export_targets WHERE "
	    "name = 'text'"), 0);

	/* a failed try: still due, still held */
	memset(&r, 0, sizeof(r));
	r.article_id = id1;
	r.state = STORE_PAGE_DUE;
	r.tries = 1;
	r.next_try = 110;
	r.error = "http: HTTP 500";
	ck_assert_int_eq(store_page_put(st, &r, 105, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 0);
	ck_assert_int_eq(due(st, &d), 2);
	ck_assert_int_eq(d.id[1], id1);	/* by next_try */
	ck_assert_int_eq(d.tries[1], 1);

	/* extracted: the page's body, the feed's title, the page's author */
	memset(&r, 0, sizeof(r));
	r.article_id = id1;
	r.state = STORE_PAGE_DONE;
	r.tries = 1;
	r.page_url = "https://example.org/1?final";
	r.content = "<p>The whole zanzibar article.</p>";
	r.text = "The whole zanzibar article.";
	r.title = "Page title";
	r.author = "Page Author";
	r.has_published = 1;
	r.published.utc = 50;
	r.published.tzoff = 120;
	ck_assert_msg(store_page_put(st, &r, 111, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	ck_assert_int_eq(pending(st, "text", &s), 1);
	ck_assert_int_eq(s.seq[0], 1);
	ck_assert_int_eq(store_article_get(st, id1, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(got->text, "The whole zanzibar article.");
	ck_assert_str_eq(got->content, "<p>The whole zanzibar article.</p>");
	ck_assert_str_eq(got->title, "Feed title");
	ck_assert_str_eq(got->author, "Page Author");
	ck_assert_int_eq(got->has_published, 1);
	ck_assert_int_eq(got->published.utc, 50);
	ck_assert_int_eq(got->published.tzoff, 120);
	ck_assert_str_eq(m.body_source, "page");
	ck_assert_str_eq(m.page_url, "https://example.org/1?final");
	ck_assert_str_eq(m.page_state, "page");
	ck_assert_ptr_null(m.page_error);
	article_free(got);
	store_article_meta_clear(&m);
	ck_assert_int_eq(q1(FTS_COUNT("zanzibar")), 1);
	ck_assert_int_eq(q1(FTS_COUNT("one")), 0);
	/* settled once: not again */
	ck_assert_int_eq(store_page_put(st, &r, 112, ebuf, sizeof(ebuf)),
	    ERR_NOTFOUND);
	/* an update from the feed keeps the page's body */
	a = make("g1", "https://example.org/1", "Feed title, fixed",
	    "teaser one");
	ck_assert_int_eq(put(st, feed, a, 113, 0, NULL), DEDUP_UPDATED);
	article_free(a);
	ck_assert_int_eq(store_article_get(st, id1, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(got->title, "Feed title, fixed");
	ck_assert_str_eq(got->text, "The whole zanzibar article.");
	article_free(got);
	store_article_meta_clear(&m);
	ck_assert_int_eq(pending(st, "text", &s), 2);	/* new, update */
	ck_assert_int_eq(q1(FTS_COUNT("zanzibar")), 1);

	/* gave up: the teaser goes out, with the reason */
	memset(&r, 0, sizeof(r));
	r.article_id = id2;
	r.state = STORE_PAGE_FAILED;
	r.tries = 5;
	r.error = "connect: refused";
	ck_assert_int_eq(store_page_put(st, &r, 120, ebuf, sizeof(ebuf)),
	    ERR_OK);
	ck_assert_int_eq(pending(st, "text", &s), 3);
	ck_assert_int_eq(due(st, &d), 0);
	ck_assert_int_eq(store_article_get(st, id2, &got, &m, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(got->text, "teaser two");
	ck_assert_str_eq(m.body_source, "feed");
	ck_assert_str_eq(m.page_state, "failed");
	ck_assert_str_eq(m.page_error, "connect: refused");
	article_free(got);
	store_article_meta_clear(&m);
	ck_assert_int_eq(q1("SELECT count(*) FROM articles_v3 WHERE "
	    "body_source = 'page' AND page_url IS NOT NULL"), 1);
	ck_assert_int_eq(q1("SELECT count(*) FROM pages_v1 WHERE "
	    "state = 'failed'"), 1);
	store_close(st);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	TCase *tq;

	pg_uri = getenv("TIDINGS_TEST_DB_URI");
	if (pg_uri != NULL && *pg_uri == '\0')
		pg_uri = NULL;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	/* on either backend */
	tcase_add_test(tc, test_target_lock);
	tcase_add_test(tc, test_feed_state);
	tcase_add_test(tc, test_identity_seam);
	tcase_add_test(tc, test_lookups_ahead);
	tcase_add_test(tc, test_new_unchanged_updated);
	tcase_add_test(tc, test_cross_feed_duplicate);
	tcase_add_test(tc, test_outbox);
	tcase_add_test(tc, test_shared_guid_idents);
	tcase_add_test(tc, test_event_failed);
	tcase_add_test(tc, test_retention_and_tombstones);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_search_syntax);
	tcase_add_test(tc, test_fingerprint_prefix_and_other_writer);
	tcase_add_test(tc, test_list_filters);
	tcase_add_test(tc, test_batch_misuse);
	tcase_add_test(tc, test_events_list);
	tcase_add_test(tc, test_event_feed_changed_in_batch);
	tcase_add_test(tc, test_targets_and_errors);
	tcase_add_test(tc, test_events_done_batch);
	tcase_add_test(tc, test_cycles);
	tcase_add_test(tc, test_media_extras);
	tcase_add_test(tc, test_drop_marks);
	tcase_add_test(tc, test_pages);
	tcase_add_test(tc, test_claims);
	if (pg_uri != NULL) {
		tcase_add_test(tc, test_pg_schema_version);
		return s;
	}
	/* about SQLite itself */
	tq = tcase_create("sqlite");
	tcase_add_checked_fixture(tq, setup, teardown);
	tcase_set_timeout(tq, 60);
	suite_add_tcase(s, tq);
	tcase_add_test(tq, test_open_creates_and_migrates);
	tcase_add_test(tq, test_open_errors);
	tcase_add_test(tq, test_open_routes_uri);
	tcase_add_test(tq, test_open_waits_for_lock);
	tcase_add_test(tq, test_failed_migration_rolls_back);
	tcase_add_test(tq, test_full_disk_rolls_back);
	tcase_add_test(tq, test_migrate_v1_to_v2);
	tcase_add_test(tq, test_migrate_v2_to_v3);
	tcase_add_test(tq, test_migrate_v3_to_v4);
	tcase_add_test(tq, test_migrate_v4_to_v5);
	tcase_add_test(tq, test_checkpoints_bound_the_log);
	tcase_add_test(tq, test_checkpoint_thread_blocks_signals);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
