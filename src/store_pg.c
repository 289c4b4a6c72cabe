/*
 * The PostgreSQL store (store_backend.h): a libpq connection URI instead
 * of a file.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <libpq-fe.h>

#include "err.h"
#include "store.h"
#include "store_backend.h"

int
store_pg_open(const char *uri, int flags, struct store **stp, char *ebuf,
    size_t n)
{
	PGconn *conn;
	char *msg;
	size_t len;
	int rc;

	(void)flags;
	*stp = NULL;
	conn = PQconnectdb(uri);
	if (conn == NULL)
		return err_set(ebuf, n, ERR_DB, "PostgreSQL: out of memory");
	if (PQstatus(conn) != CONNECTION_OK) {
		msg = PQerrorMessage(conn);
		len = strlen(msg);
		while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			len--;
		rc = err_set(ebuf, n, ERR_DB, "PostgreSQL: %.*s", (int)len,
		    msg);
	} else
		rc = err_set(ebuf, n, ERR_DB, "PostgreSQL: the backend is "
		    "not implemented yet");
	PQfinish(conn);
	return rc;
}
