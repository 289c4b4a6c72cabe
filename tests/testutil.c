#include <check.h>

#include <sqlite3.h>

#include "buf.h"
#include "testutil.h"

long long
testutil_q1(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

char *
testutil_slurp(const char *path, size_t *len)
{
	struct buf b = { 0 };

	ck_assert_msg(buf_read_file(&b, path) == 0, "cannot open %s", path);
	if (len != NULL)
		*len = b.len;
	return buf_detach(&b);
}
