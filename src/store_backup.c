/*
 * Backups and checks of the database (store.h): a consistent copy taken
 * while writers go on, and SQLite's integrity check plus the store's own
 * invariants.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* The directory part of path, for its fsync ("." when none). */
static int
sync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc = 0;

	if (slash == dir)
		dir[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) == -1 || fsync(fd) != 0)
		rc = -1;
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

/*
 * One step of sqlite3_backup copies every page inside one read
 * transaction of st's connection: in WAL mode that is a snapshot, which
 * writers do not disturb and which does not block them.  The copy is
 * written beside dest, synced, switched out of WAL mode (one file, no
 * -wal or -shm to carry along) and renamed into place.
 */
int
store_sqlite_backup(struct store *st, const char *dest, char *ebuf, size_t n)
{
	sqlite3 *out = NULL;
	sqlite3_backup *b;
	char *tmp;
	size_t len;
	int rc;

	if (access(dest, F_OK) == 0)
		return err_set(ebuf, n, ERR_INVALID, "%s: exists; a backup "
		    "never overwrites a file", dest);
	len = strlen(dest) + 32;
	tmp = xmalloc(len);
	snprintf(tmp, len, "%s.tmp-%ld", dest, (long)getpid());
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = err_set(ebuf, n, ERR_IO, "%s: %s", tmp,
		    out ? sqlite3_errmsg(out) : "cannot open");
		goto fail;
	}
	if ((b = sqlite3_backup_init(out, "main", st->db, "main")) == NULL) {
		rc = err_set(ebuf, n, ERR_DB, "%s: backup: %s", tmp,
		    sqlite3_errmsg(out));
		goto fail;
	}
	/* the busy timeout does not cover a backup step: retry it */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		rc = err_set(ebuf, n, rc == SQLITE_FULL ? ERR_IO : ERR_DB,
		    "%s: backup of %s: %s", tmp, st->path, sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite3_exec(out, "PRAGMA journal_mode = DELETE;"
	    "PRAGMA synchronous = FULL; PRAGMA user_version", NULL, NULL,
	    NULL) != SQLITE_OK) {
		rc = err_set(ebuf, n, ERR_DB, "%s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		rc = err_set(ebuf, n, ERR_DB, "%s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	out = NULL;
	/* link, not rename: a file that appeared at dest meanwhile stays */
	if (link(tmp, dest) != 0) {
		rc = err_set(ebuf, n, ERR_IO, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	unlink(tmp);
	if (sync_dir(dest) != 0) {
		rc = err_set(ebuf, n, ERR_IO, "%s: sync of its directory: %s",
		    dest, strerror(errno));
		free(tmp);
		return rc;
	}
	free(tmp);
	return ERR_OK;
fail:
	if (out != NULL)
		sqlite3_close(out);
	unlink(tmp);
	free(tmp);
	return rc;
}

/* Each invariant: a query that returns one row per violation, its first
 * column naming the row, and what it means. */
static const struct {
	const char	*sql;
	const char	*what;
} invariants[] = {
	{ "SELECT id FROM articles WHERE id NOT IN"
	  " (SELECT article_id FROM identity_keys)",
	  "article %s has no identity key" },
	{ "SELECT id FROM articles WHERE feed_id NOT IN (SELECT id FROM feeds)",
	  "article %s names a feed that does not exist" },
	{ "SELECT id FROM articles WHERE id NOT IN"
	  " (SELECT article_id FROM article_feeds WHERE removed = 0)",
	  "article %s is carried by no feed" },
	{ "SELECT article_id || ' in feed ' || feed_id FROM article_feeds"
	  " WHERE feed_id NOT IN (SELECT id FROM feeds)",
	  "article_feeds row %s names a feed that does not exist" },
	/* an event whose article retention removed is skipped, but the
	 * article's identity keys (its tombstone) stay */
	{ "SELECT seq FROM events WHERE article_id NOT IN"
	  " (SELECT id FROM articles) AND article_id NOT IN"
	  " (SELECT article_id FROM identity_keys)",
	  "event %s names an article that never existed" },
	{ "SELECT seq FROM events WHERE feed_id NOT IN (SELECT id FROM feeds)",
	  "event %s names a feed that does not exist" },
	{ "SELECT id FROM articles WHERE id NOT IN"
	  " (SELECT id FROM articles_fts_docsize)",
	  "article %s is missing from the full-text index" },
	{ "SELECT id FROM articles_fts_docsize WHERE id NOT IN"
	  " (SELECT id FROM articles)",
	  "the full-text index holds article %s, which does not exist" },
};
/* FTS5's own 'integrity-check' is a write (a read-only handle cannot run
 * it) and, in the SQLite versions tidings supports, does not compare an
 * external-content index with its rows: the two checks above, on the
 * index's row list, are what is checked of it. */

#define CHECK_MAX_REPORTED	20	/* per check, then a count */

static int
report(struct store *st, const char *sql, const char *what,
    store_problem_fn cb, void *ctx, long *nproblems, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	char msg[512];
	long count = 0;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "check");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++count <= CHECK_MAX_REPORTED) {
			snprintf(msg, sizeof(msg), what,
			    (const char *)sqlite3_column_text(s, 0));
			cb(ctx, msg);
		}
	}
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "check");
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	if (count > CHECK_MAX_REPORTED) {
		snprintf(msg, sizeof(msg), "... %ld more like it",
		    count - CHECK_MAX_REPORTED);
		cb(ctx, msg);
	}
	*nproblems += count;
	return ERR_OK;
}

int
store_sqlite_check(struct store *st, store_problem_fn cb, void *ctx,
    long *nproblems, char *ebuf, size_t n)
{
	size_t i;
	int rc;

	*nproblems = 0;
	/* one snapshot for every check: a writer's batch in between would
	 * show as a violation */
	if (store_exec(st, "BEGIN", ebuf, n) != ERR_OK)
		return ERR_DB;
	rc = report(st, "SELECT * FROM pragma_integrity_check"
	    " WHERE integrity_check != 'ok'", "%s", cb, ctx, nproblems, ebuf,
	    n);
	for (i = 0; rc == ERR_OK && i < sizeof(invariants) /
	    sizeof(invariants[0]); i++)
		rc = report(st, invariants[i].sql, invariants[i].what, cb, ctx,
		    nproblems, ebuf, n);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
