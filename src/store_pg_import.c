/*
 * store_import on PostgreSQL: an SQLite database copied whole, table by
 * table, row by row, in one transaction (store.h).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <libpq-fe.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "store_pg_int.h"

/* In an order that never names a row before it exists; the columns are
 * the same on both sides (store_schema.c, store_pg_schema.c), and the
 * sequences to carry on above the numbers copied. */
static const struct {
	const char	*table;
	const char	*serial;	/* its generated column, or NULL */
} tables[] = {
	{ "feeds", "id" },
	{ "articles", "id" },
	{ "article_feeds", NULL },
	{ "identity_keys", NULL },
	{ "fingerprints", "id" },
	{ "article_revisions", NULL },
	{ "events", "seq" },
	{ "export_targets", NULL },
	{ "export_done", NULL },
	{ "export_aside", NULL },
	{ "article_drops", NULL },
	{ "cycles", "id" },
};

static int
sq_error(struct store_pg *st, sqlite3 *db, const char *path, char *ebuf,
    size_t n)
{
	return err_set(ebuf, n, ERR_DB, "%s: %s", path, sqlite3_errmsg(db));
}

/* The highest number SQLite ever handed out for table (AUTOINCREMENT
 * never reuses one, even after its row is gone), or 0. */
static int64_t
sq_sequence(sqlite3 *db, const char *table)
{
	sqlite3_stmt *s;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence"
	    " WHERE name = ?1", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
copy_table(struct store_pg *st, sqlite3 *db, const char *path,
    const char *table, int64_t *rows, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	struct buf sql = { 0 }, q = { 0 };
	sqlite3_stmt *s;
	PGresult *r;
	int i, ncols, rc, step = SQLITE_DONE;

	buf_printf(&q, "SELECT * FROM %s", table);
	rc = sqlite3_prepare_v2(db, buf_str(&q), -1, &s, NULL);
	buf_free(&q);
	if (rc != SQLITE_OK)
		return sq_error(st, db, path, ebuf, n);
	ncols = sqlite3_column_count(s);
	if (ncols > PG_MAXP) {
		sqlite3_finalize(s);
		return err_set(ebuf, n, ERR_DB, "%s: %s: too many columns",
		    path, table);
	}
	buf_printf(&sql, "INSERT INTO %s (", table);
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "",
		    sqlite3_column_name(s, i));
	buf_puts(&sql, ") VALUES (");
	for (i = 0; i < ncols; i++)
		buf_printf(&sql, "%s$%d", i ? ", " : "", i + 1);
	buf_puts(&sql, ")");
	r = PQprepare(st->conn, "import", buf_str(&sql), 0, NULL);
	buf_free(&sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = err_set(ebuf, n, ERR_DB, "%s: %s: %s", st->path, table,
		    PQresultErrorMessage(r));
		PQclear(r);
		sqlite3_finalize(s);
		return rc;
	}
	PQclear(r);
	rc = ERR_OK;
	while (rc == ERR_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++) {
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				pg_p_null(&p);
				break;
			case SQLITE_INTEGER:
				pg_p_int(&p, sqlite3_column_int64(s, i));
				break;
			case SQLITE_BLOB:
				pg_p_bytes(&p, sqlite3_column_blob(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
				break;
			default:
				pg_p_text(&p, (const char *)
				    sqlite3_column_text(s, i));
				break;
			}
		}
		r = PQexecPrepared(st->conn, "import", p.n, p.v, NULL, NULL,
		    0);
		pg_p_free(&p);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = err_set(ebuf, n, ERR_DB, "%s: %s: %s", st->path,
			    table, PQresultErrorMessage(r));
		else
			(*rows)++;
		PQclear(r);
	}
	if (rc == ERR_OK && step != SQLITE_DONE)
		rc = sq_error(st, db, path, ebuf, n);
	sqlite3_finalize(s);
	PQclear(PQexec(st->conn, "DEALLOCATE import"));
	return rc;
}

int
store_pg_import(struct store *sst, const char *path, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct buf q = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *s;
	PGresult *r;
	int64_t rows = 0, seq;
	size_t i;
	int v = 0, rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is open",
		    st->path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = sq_error(st, db, path, ebuf, n);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 10000);
	/* one read transaction: the copy is one moment of the file */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK) {
		rc = sq_error(st, db, path, ebuf, n);
		goto out;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v != STORE_SCHEMA_VERSION) {
		rc = err_set(ebuf, n, ERR_DB, "%s: schema version %d, not %d "
		    "(open it once with this tidings first)", path, v,
		    STORE_SCHEMA_VERSION);
		goto out;
	}
	if ((rc = pg_exec(st, "BEGIN; SELECT pg_advisory_xact_lock("
	    PG_STR(PG_LOCK_BATCH) ", 0)", ebuf, n)) != ERR_OK)
		goto out;
	r = PQexec(st->conn, "SELECT (SELECT count(*) FROM feeds)"
	    " + (SELECT count(*) FROM articles) + (SELECT count(*) FROM events)");
	if (PQresultStatus(r) != PGRES_TUPLES_OK ||
	    strcmp(PQgetvalue(r, 0, 0), "0") != 0) {
		rc = PQresultStatus(r) != PGRES_TUPLES_OK ?
		    err_set(ebuf, n, ERR_DB, "%s: %s", st->path,
		    PQresultErrorMessage(r)) :
		    err_set(ebuf, n, ERR_INVALID, "%s: not empty (it holds "
		    "feeds, articles or events already)", st->path);
		PQclear(r);
		goto out;
	}
	PQclear(r);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if ((rc = copy_table(st, db, path, tables[i].table, &rows, ebuf,
		    n)) != ERR_OK)
			goto out;
		if (tables[i].serial == NULL)
			continue;
		/* new numbers start above every one SQLite handed out */
		seq = sq_sequence(db, tables[i].table);
		buf_reset(&q);
		buf_printf(&q, "SELECT setval(pg_get_serial_sequence('%s',"
		    " '%s'), greatest(%lld, (SELECT coalesce(max(%s), 0)"
		    " FROM %s), 1), greatest(%lld, (SELECT coalesce(max(%s), 0)"
		    " FROM %s)) > 0)", tables[i].table, tables[i].serial,
		    (long long)seq, tables[i].serial, tables[i].table,
		    (long long)seq, tables[i].serial, tables[i].table);
		if ((rc = pg_exec(st, buf_str(&q), ebuf, n)) != ERR_OK)
			goto out;
	}
	rc = pg_exec(st, "COMMIT", ebuf, n);
out:
	if (rc != ERR_OK && PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		PQclear(PQexec(st->conn, "ROLLBACK"));
	buf_free(&q);
	sqlite3_close(db);
	return rc;
}
