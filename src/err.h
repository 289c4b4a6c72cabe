#ifndef TIDINGS_ERR_H
#define TIDINGS_ERR_H
/*
 * Error codes shared by every module.  A failing function returns one of
 * these (ERR_OK is 0) and, when the caller passes a buffer, writes a one-line
 * human message into it.  Out-of-memory never gets here: xmalloc aborts.
 */
#include <stddef.h>

enum err_code {
	ERR_OK = 0,
	ERR_INVALID,	/* bad argument or bad input the caller gave */
	ERR_PARSE,	/* a document that is not a feed at all */
	ERR_IO,		/* a system call failed; the message has strerror */
	ERR_DB,		/* SQLite said no */
	ERR_LIMIT,	/* a configured size, depth or count was exceeded */
	ERR_NOTFOUND,
	ERR_NET,	/* transfer-level failure */
};

/* Fills ebuf (if not NULL) with the formatted message; returns code so that
 * callers can write `return err_set(ebuf, n, ERR_IO, "...")`. */
int err_set(char *ebuf, size_t n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
const char *err_name(int code);

#endif
