#ifndef TIDINGS_TESTDB_H
#define TIDINGS_TESTDB_H
/*
 * The tests look at a database file with SQLite directly: the store's
 * interface is SQL-free, the tests need not be.
 */

/* The first column of the first row of sql over the file at path, read
 * only; -1 when there is no row.  A failing open or prepare fails the
 * test. */
long long	testdb_q1(const char *path, const char *sql);

#endif
