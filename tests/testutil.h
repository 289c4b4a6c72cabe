#ifndef TIDINGS_TESTUTIL_H
#define TIDINGS_TESTUTIL_H
/*
 * Helpers several Check suites share.  Each fails the running test on an
 * error instead of returning one.
 */
#include <stddef.h>

/* The first column of the first row of sql over the database file at
 * path, read only; -1 when there is no row.  The tests look at the file
 * with SQLite directly: the store's interface is SQL-free, the tests need
 * not be. */
long long	testutil_q1(const char *path, const char *sql);
/* A whole file, NUL-terminated, for the caller to free; its length in
 * *len unless len is NULL. */
char		*testutil_slurp(const char *path, size_t *len);

#endif
