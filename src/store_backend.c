/*
 * The public store functions (store.h): each one calls the operation of
 * the backend that opened the handle (store_backend.h).
 */

#include "config.h"

#include <string.h>

#include "err.h"
#include "store.h"
#include "store_backend.h"
#include "xmalloc.h"

#define OPS(st) (((const struct store_head *)(const void *)(st))->ops)

int
store_path_is_pg(const char *path)
{
	return path != NULL && (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0);
}

char *
store_path_display(const char *path)
{
	char *s = xstrdup(path), *at, *colon, *p, *end;
	const char *scheme_end;

	if (!store_path_is_pg(path))
		return s;
	if ((scheme_end = strstr(s, "://")) != NULL) {
		p = s + (scheme_end - s) + 3;
		at = strchr(p, '@');
		end = p + strcspn(p, "/?");
		if (at != NULL && at < end && (colon = memchr(p, ':',
		    (size_t)(at - p))) != NULL)
			memmove(colon, at, strlen(at) + 1);
	}
	if ((p = strstr(s, "password=")) != NULL) {
		end = p + 9 + strcspn(p + 9, "&");
		memmove(p + 9, end, strlen(end) + 1);
	}
	return s;
}

int
store_open(const char *path, int flags, struct store **stp, char *ebuf,
    size_t n)
{
	*stp = NULL;
	if (store_path_is_pg(path)) {
#ifdef HAVE_POSTGRESQL
		return store_pg_open(path, flags, stp, ebuf, n);
#else
		return err_set(ebuf, n, ERR_INVALID, "%.*s...: this tidings "
		    "is built without PostgreSQL (configure "
		    "--with-postgresql, with libpq-dev installed)",
		    (int)strcspn(path, ":"), path);
#endif
	}
	return store_sqlite_open(path, flags, stp, ebuf, n);
}

#define STORE_OP_WRAP(name, params, args) \
	int store_##name params { return OPS(st)->name args; }
STORE_OPS(STORE_OP_WRAP)

void
store_close(struct store *st)
{
	if (st != NULL)
		OPS(st)->close(st);
}

void
store_batch_rollback(struct store *st)
{
	OPS(st)->batch_rollback(st);
}

void
store_batch_quiet(struct store *st, int on)
{
	OPS(st)->batch_quiet(st, on);
}

void
store_target_unlock(struct store *st, const char *target)
{
	OPS(st)->target_unlock(st, target);
}
