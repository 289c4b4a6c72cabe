/*
 * Nodes and claims on SQLite (store.h): one daemon per file, so every
 * feed asked for is claimed and no lease is kept; the daemons are
 * recorded for `tidings status` as on PostgreSQL.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

/* A statement of its own (not kept: these run once per heartbeat at
 * most), with up to four integers bound after an optional text. */
static int
run_ints(struct store *st, const char *sql, const char *text, int nints,
    const int64_t *v, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int i, k = 1, rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "daemons");
	if (text != NULL)
		sqlite3_bind_text(s, k++, text, -1, SQLITE_STATIC);
	for (i = 0; i < nints; i++)
		sqlite3_bind_int64(s, k++, v[i]);
	rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "daemons");
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_node_register(struct store *st, const struct store_node *nd,
    int64_t *id, char *ebuf, size_t n)
{
	static const char sql[] = "INSERT INTO daemons (node, pid, version,"
	    " started, heartbeat, lease) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *s;
	int64_t old = nd->started - 86400;
	int rc;

	*id = 0;
	if ((rc = run_ints(st, "DELETE FROM daemons WHERE heartbeat < ?",
	    NULL, 1, &old, ebuf, n)) != ERR_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "daemons");
	sqlite3_bind_text(s, 1, nd->node, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, nd->pid);
	sqlite3_bind_text(s, 3, nd->version, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, nd->started);
	sqlite3_bind_int64(s, 5, nd->started);
	sqlite3_bind_int64(s, 6, nd->lease);
	rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "daemons");
	sqlite3_finalize(s);
	if (rc == ERR_OK)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
store_sqlite_node_leave(struct store *st, int64_t id, char *ebuf, size_t n)
{
	return run_ints(st, "DELETE FROM daemons WHERE id = ?", NULL, 1, &id,
	    ebuf, n);
}

int
store_sqlite_nodes_list(struct store *st, store_node_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_node nd;
	sqlite3_stmt *s;
	int rc = ERR_OK, step;

	if (sqlite3_prepare_v2(st->db, "SELECT id, node, pid, version,"
	    " started, heartbeat, claims, lease FROM daemons"
	    " ORDER BY node, id", -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "daemons");
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&nd, 0, sizeof(nd));
		nd.id = sqlite3_column_int64(s, 0);
		nd.node = (const char *)sqlite3_column_text(s, 1);
		nd.pid = sqlite3_column_int64(s, 2);
		nd.version = (const char *)sqlite3_column_text(s, 3);
		nd.started = sqlite3_column_int64(s, 4);
		nd.heartbeat = sqlite3_column_int64(s, 5);
		nd.claims = (long)sqlite3_column_int64(s, 6);
		nd.lease = (int)sqlite3_column_int64(s, 7);
		if ((rc = cb(ctx, &nd)) != 0)
			break;
	}
	if (rc == ERR_OK && step != SQLITE_DONE)
		rc = store_db_error(st, ebuf, n, "daemons");
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_feeds_claim(struct store *st, int64_t id, struct store_claim *c,
    size_t nc, int64_t now, int lease, char *ebuf, size_t n)
{
	size_t i;

	(void)st;
	(void)id;
	(void)now;
	(void)lease;
	(void)ebuf;
	(void)n;
	for (i = 0; i < nc; i++) {
		c[i].got = 1;
		c[i].retry = 0;
		c[i].last_check = -1;
	}
	return ERR_OK;
}

int
store_sqlite_claims_renew(struct store *st, int64_t id, const int64_t *ids,
    size_t nids, int64_t now, int lease, char *ebuf, size_t n)
{
	int64_t v[3] = { now, (int64_t)nids, id };

	(void)ids;
	(void)lease;
	if (st->in_batch)
		return ERR_OK;
	return run_ints(st, "UPDATE daemons SET heartbeat = ?, claims = ?"
	    " WHERE id = ?", NULL, 3, v, ebuf, n);
}

int
store_sqlite_feed_release(struct store *st, int64_t id, int64_t fid,
    char *ebuf, size_t n)
{
	(void)st;
	(void)id;
	(void)fid;
	(void)ebuf;
	(void)n;
	return ERR_OK;
}

int
store_sqlite_reachable(struct store *st)
{
	(void)st;
	return 1;
}

/* The file and its write-ahead log, as they take room on disk. */
int
store_sqlite_size(struct store *st, int64_t *bytes, char *ebuf, size_t n)
{
	struct stat sb;
	char wal[4096];

	*bytes = 0;
	if (stat(st->path, &sb) != 0)
		return err_set(ebuf, n, ERR_IO, "%s: %s", st->path,
		    strerror(errno));
	*bytes = (int64_t)sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", st->path);
	if (stat(wal, &sb) == 0)
		*bytes += (int64_t)sb.st_size;
	return ERR_OK;
}
