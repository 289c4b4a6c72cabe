/* Cycles, as `tidings status` shows the last one (store.h). */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"

int
store_sqlite_cycle_put(struct store *st, const struct store_cycle *c,
    char *ebuf,
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
		return store_db_error(st, ebuf, n, "cycles");
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
	if (!st->in_batch && store_exec(st, "BEGIN IMMEDIATE", ebuf, n) !=
	    ERR_OK) {
		sqlite3_finalize(s);
		return ERR_DB;
	}
	rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "cycles");
	sqlite3_finalize(s);
	snprintf(prune, sizeof(prune), "DELETE FROM cycles WHERE id <= "
	    "(SELECT max(id) FROM cycles) - %d", STORE_CYCLES_KEPT);
	if (rc == ERR_OK)
		rc = store_exec(st, prune, ebuf, n);
	if (!st->in_batch) {
		if (rc == ERR_OK)
			rc = store_exec(st, "COMMIT", ebuf, n);
		if (rc != ERR_OK && !sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int
store_sqlite_cycle_last(struct store *st, struct store_cycle *c, char *ebuf,
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
		return store_db_error(st, ebuf, n, "cycles");
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
		rc = store_db_error(st, ebuf, n, "cycles");
	sqlite3_finalize(s);
	return rc;
}
