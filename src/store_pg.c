/*
 * The PostgreSQL store (store_backend.h): connecting, running statements,
 * batches, feeds and cycles.  store_pg_int.h lists the files that hold
 * the rest.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>

#include "err.h"
#include "hash.h"
#include "store.h"
#include "store_backend.h"
#include "store_pg_int.h"
#include "xmalloc.h"

/* ---- parameters and results ---- */

static const char *
slot(struct pg_params *p)
{
	if (p->n >= PG_MAXP)
		abort();	/* a statement with more: a bug here */
	p->own[p->n] = NULL;
	return NULL;
}

void
pg_p_int(struct pg_params *p, int64_t v)
{
	slot(p);
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", (long long)v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

void
pg_p_text(struct pg_params *p, const char *s)
{
	slot(p);
	p->v[p->n++] = s;
}

void
pg_p_null(struct pg_params *p)
{
	pg_p_text(p, NULL);
}

void
pg_p_bytes(struct pg_params *p, const unsigned char *b, size_t len)
{
	char *s = xmalloc(2 * len + 3);

	slot(p);
	s[0] = '\\';
	s[1] = 'x';
	hash_hex(b, len, s + 2);
	p->own[p->n] = s;
	p->v[p->n++] = s;
}

void
pg_p_free(struct pg_params *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->own[i]);
		p->own[i] = NULL;
	}
	p->n = 0;
}

/* libpq's message on one line (it may hold several, indented: a log
 * line must stay one), without its trailing newline. */
static int
pg_error(struct store_pg *st, char *ebuf, size_t n, const char *what,
    const char *msg)
{
	char line[512];
	size_t i, k = 0;

	for (i = 0; msg[i] != '\0' && k + 1 < sizeof(line); i++) {
		if (msg[i] == '\n' || msg[i] == '\t') {
			if (k > 0 && line[k - 1] != ' ')
				line[k++] = ' ';
		} else
			line[k++] = msg[i];
	}
	while (k > 0 && line[k - 1] == ' ')
		k--;
	line[k] = '\0';
	return err_set(ebuf, n, ERR_DB, "%s: %s: %s", st->path, what, line);
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* What every session of the store sets first. */
static int
session(struct store_pg *st, char *ebuf, size_t n)
{
	int rc;

	/* notices of the server are not the user's business */
	if ((rc = pg_exec(st, "SET client_min_messages = warning;"
	    "SET TIME ZONE 'UTC'", ebuf, n)) != ERR_OK)
		return rc;
	if (st->flags & STORE_RDONLY)
		rc = pg_exec(st, "SET default_transaction_read_only = on",
		    ebuf, n);
	return rc;
}

/*
 * The server went away (a restart, a failover, the network): a call
 * outside a batch connects again and goes on, so that a daemon outlives
 * the outage; the call that met it failed, and so does a batch open at
 * the time (the server rolled it back).  The statements are prepared
 * afresh, and the target locks this handle held are taken again: when
 * another process took one meanwhile, the call fails saying so (and the
 * handle still counts it, so that store_target_unlock stays paired).
 */
static int
alive(struct store_pg *st, char *ebuf, size_t n)
{
	char sql[96];
	PGresult *r;
	size_t i;
	int rc, lost = 0;

	if (PQstatus(st->conn) == CONNECTION_OK)
		return ERR_OK;
	if (st->in_batch)
		return err_set(ebuf, n, ERR_DB, "%s: the connection to the "
		    "server was lost", st->path);
	PQreset(st->conn);
	if (PQstatus(st->conn) != CONNECTION_OK)
		return pg_error(st, ebuf, n, "connect",
		    PQerrorMessage(st->conn));
	memset(st->prepared, 0, P_COUNT);
	if ((rc = session(st, ebuf, n)) != ERR_OK)
		return rc;
	for (i = 0; i < st->nlocks; i++) {
		snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock("
		    PG_STR(PG_LOCK_TARGET) ", %ld)", (long)st->locks[i].key);
		r = PQexec(st->conn, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK ||
		    PQgetvalue(r, 0, 0)[0] != 't')
			lost = 1;
		PQclear(r);
	}
	if (lost)
		return err_set(ebuf, n, ERR_DB, "%s: reconnected, but another "
		    "process took an export target's lock meanwhile",
		    st->path);
	return ERR_OK;
}

/* 1 when the call that just failed met a connection the server had
 * dropped, and was a statement of its own (idle: no transaction was open
 * before it): then it is worth one more try, connected afresh (see
 * alive).  A statement inside a transaction is not tried again: the rest
 * of its transaction is gone. */
static int
retry(struct store_pg *st, int *tries, int idle)
{
	return (*tries)++ == 0 && idle && !st->in_batch &&
	    PQstatus(st->conn) == CONNECTION_BAD;
}

/* One try of pg_run; p stays the caller's. */
static PGresult *
run_once(struct store_pg *st, int id, const char *sql, struct pg_params *p)
{
	PGresult *r;
	char name[16];

	if (id < 0)	/* a statement made for this one call */
		return PQexecParams(st->conn, sql, p ? p->n : 0, NULL,
		    p ? p->v : NULL, NULL, NULL, 0);
	snprintf(name, sizeof(name), "t%d", id);
	if (!st->prepared[id]) {
		r = PQprepare(st->conn, name, sql, 0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return r;
		PQclear(r);
		st->prepared[id] = 1;
	}
	return PQexecPrepared(st->conn, name, p ? p->n : 0, p ? p->v : NULL,
	    NULL, NULL, 0);
}

/* Enough queued writes that their results (some 40 bytes each) never
 * fill the socket's buffer while the server waits for us to read them. */
#define PG_MAXPEND	256

static void
pending_add(struct store_pg *st, int id, int prepare, int seq,
    const char *what)
{
	struct pg_pending *e;

	if (st->npend == st->pendcap) {
		st->pendcap = st->pendcap ? 2 * st->pendcap : 64;
		st->pend = xreallocarray(st->pend, st->pendcap,
		    sizeof(*st->pend));
	}
	e = &st->pend[st->npend++];
	e->id = id;
	e->prepare = prepare;
	e->seq = seq;
	e->what = what;
}

int
pg_defer(struct store_pg *st, int id, const char *sql, struct pg_params *p,
    int seq, char *ebuf, size_t n, const char *what)
{
	PGresult *r;
	char name[16];
	int rc = ERR_OK;

	if (!st->in_batch || id < 0 || PQstatus(st->conn) != CONNECTION_OK) {
		if ((r = pg_run(st, id, sql, p, ebuf, n, what)) == NULL)
			return ERR_DB;
		if (seq && st->in_batch && st->batch_ev == 0 &&
		    PQntuples(r) > 0)
			st->batch_ev = pg_int(r, 0, 0);
		PQclear(r);
		return ERR_OK;
	}
	if (PQpipelineStatus(st->conn) == PQ_PIPELINE_OFF &&
	    !PQenterPipelineMode(st->conn)) {
		rc = pg_error(st, ebuf, n, what, PQerrorMessage(st->conn));
		goto out;
	}
	snprintf(name, sizeof(name), "t%d", id);
	if (!st->prepared[id]) {
		if (!PQsendPrepare(st->conn, name, sql, 0, NULL)) {
			rc = pg_error(st, ebuf, n, what,
			    PQerrorMessage(st->conn));
			goto out;
		}
		st->prepared[id] = 1;
		pending_add(st, id, 1, 0, what);
	}
	if (!PQsendQueryPrepared(st->conn, name, p ? p->n : 0,
	    p ? p->v : NULL, NULL, NULL, 0)) {
		rc = pg_error(st, ebuf, n, what, PQerrorMessage(st->conn));
		goto out;
	}
	pending_add(st, id, 0, seq, what);
	if (st->npend >= PG_MAXPEND)
		rc = pg_drain(st, ebuf, n);
out:
	pg_p_free(p);
	return rc;
}

int
pg_drain(struct store_pg *st, char *ebuf, size_t n)
{
	struct pg_pending *e;
	ExecStatusType t;
	PGresult *r;
	size_t i = 0;
	int rc = ERR_OK, nulls = 0;

	if (PQpipelineStatus(st->conn) == PQ_PIPELINE_OFF)
		return ERR_OK;
	if (!PQpipelineSync(st->conn)) {
		rc = pg_error(st, ebuf, n, "write", PQerrorMessage(st->conn));
		nulls = 1;
	}
	/* each statement's result and a NULL after it, then the sync's
	 * (two NULLs in a row: nothing more will come) */
	for (;;) {
		if ((r = PQgetResult(st->conn)) == NULL) {
			if (nulls++ > 0 || PQstatus(st->conn) != CONNECTION_OK)
				break;
			continue;
		}
		nulls = 0;
		t = PQresultStatus(r);
		if (t == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		e = i < st->npend ? &st->pend[i++] : NULL;
		if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
			/* an aborted statement follows the failed one */
			if (rc == ERR_OK && t != PGRES_PIPELINE_ABORTED)
				rc = pg_error(st, ebuf, n, e ? e->what :
				    "write", PQresultErrorMessage(r));
			if (e != NULL && e->prepare)
				st->prepared[e->id] = 0;
		} else if (e != NULL && e->seq && st->batch_ev == 0 &&
		    PQntuples(r) > 0)
			st->batch_ev = pg_int(r, 0, 0);
		PQclear(r);
	}
	/* statements whose results never came were not prepared either */
	for (; i < st->npend; i++)
		if (st->pend[i].prepare)
			st->prepared[st->pend[i].id] = 0;
	st->npend = 0;
	if (!PQexitPipelineMode(st->conn) && rc == ERR_OK)
		rc = pg_error(st, ebuf, n, "write", PQerrorMessage(st->conn));
	if (rc == ERR_OK && PQstatus(st->conn) != CONNECTION_OK)
		rc = pg_error(st, ebuf, n, "write", PQerrorMessage(st->conn));
	return rc;
}

PGresult *
pg_run(struct store_pg *st, int id, const char *sql, struct pg_params *p,
    char *ebuf, size_t n, const char *what)
{
	ExecStatusType t;
	PGresult *r = NULL;
	int tries = 0, idle;

	if (pg_drain(st, ebuf, n) != ERR_OK) {
		pg_p_free(p);
		return NULL;
	}
	for (;;) {
		if (alive(st, ebuf, n) != ERR_OK)
			break;
		idle = PQtransactionStatus(st->conn) == PQTRANS_IDLE;
		r = run_once(st, id, sql, p);
		t = PQresultStatus(r);
		if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
			break;
		pg_error(st, ebuf, n, what, r ? PQresultErrorMessage(r) :
		    PQerrorMessage(st->conn));
		PQclear(r);
		r = NULL;
		if (!retry(st, &tries, idle))
			break;
	}
	pg_p_free(p);
	return r;
}

int
pg_do(struct store_pg *st, int id, const char *sql, struct pg_params *p,
    char *ebuf, size_t n, const char *what)
{
	PGresult *r = pg_run(st, id, sql, p, ebuf, n, what);

	if (r == NULL)
		return ERR_DB;
	PQclear(r);
	return ERR_OK;
}

int
pg_exec(struct store_pg *st, const char *sql, char *ebuf, size_t n)
{
	PGresult *r;
	ExecStatusType t;
	int rc;

	int tries = 0, idle;

	if ((rc = pg_drain(st, ebuf, n)) != ERR_OK)
		return rc;
	do {
		if ((rc = alive(st, ebuf, n)) != ERR_OK)
			return rc;
		idle = PQtransactionStatus(st->conn) == PQTRANS_IDLE;
		r = PQexec(st->conn, sql);
		t = PQresultStatus(r);
		rc = ERR_OK;
		if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
			rc = pg_error(st, ebuf, n, "query", r ?
			    PQresultErrorMessage(r) : PQerrorMessage(st->conn));
		PQclear(r);
	} while (rc != ERR_OK && retry(st, &tries, idle));
	return rc;
}

long
pg_changes(PGresult *r)
{
	const char *s = PQcmdTuples(r);

	return s && *s ? atol(s) : 0;
}

int64_t
pg_int(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 :
	    (int64_t)strtoll(PQgetvalue(r, row, col), NULL, 10);
}

const char *
pg_cstr(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

char *
pg_str(PGresult *r, int row, int col)
{
	const char *s = pg_cstr(r, row, col);

	return s ? xstrdup(s) : NULL;
}

int
pg_null(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
pg_bytes(PGresult *r, int row, int col, unsigned char *out, size_t len)
{
	const char *s = pg_cstr(r, row, col);
	size_t i;
	int hi, lo;

	memset(out, 0, len);
	if (s == NULL || s[0] != '\\' || s[1] != 'x' ||
	    strlen(s + 2) != 2 * len)
		return;
	for (i = 0; i < len; i++) {
		hi = hexval(s[2 + 2 * i]);
		lo = hexval(s[3 + 2 * i]);
		if (hi < 0 || lo < 0) {
			memset(out, 0, len);
			return;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

int
pg_need_batch(struct store_pg *st, char *ebuf, size_t n)
{
	if (st->in_batch)
		return ERR_OK;
	return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch", st->path);
}

void
pg_seen_add(struct store_pg *st, int64_t id)
{
	if (st->nseen == st->seencap) {
		st->seencap = st->seencap ? 2 * st->seencap : 128;
		st->seen = xreallocarray(st->seen, st->seencap,
		    sizeof(*st->seen));
	}
	st->seen[st->nseen++] = id;
}

/* ---- opening ---- */

int
store_pg_open(const char *uri, int flags, struct store **stp, char *ebuf,
    size_t n)
{
	struct store_pg *st;
	int v = 0, rc;

	*stp = NULL;
	st = xcalloc(1, sizeof(*st));
	st->ops = &store_pg_ops;
	st->path = store_path_display(uri);
	st->flags = flags;
	st->prepared = xcalloc(P_COUNT + 64, 1);
	/* PGPASSFILE, PGSERVICE and the other PG* variables apply as libpq
	 * reads them */
	st->conn = PQconnectdb(uri);
	if (st->conn == NULL) {
		rc = err_set(ebuf, n, ERR_DB, "%s: out of memory", st->path);
		goto fail;
	}
	if (PQstatus(st->conn) != CONNECTION_OK) {
		rc = pg_error(st, ebuf, n, "connect",
		    PQerrorMessage(st->conn));
		goto fail;
	}
	/* libpq prints the server's notices and warnings on stderr; what
	 * matters reaches the caller as an error */
	PQsetNoticeProcessor(st->conn, quiet, NULL);
	if ((rc = session(st, ebuf, n)) != ERR_OK)
		goto fail;
	if (!(flags & STORE_RDONLY) && (rc = pg_migrate(st, ebuf, n)) != ERR_OK)
		goto fail;
	if ((rc = pg_version(st, &v, ebuf, n)) != ERR_OK)
		goto fail;
	if (v == 0) {
		rc = err_set(ebuf, n, ERR_DB, "%s: not a tidings database "
		    "(no schema)", st->path);
		goto fail;
	}
	if (v != STORE_SCHEMA_VERSION) {
		rc = err_set(ebuf, n, ERR_DB, "%s: schema version %d, this "
		    "tidings reads version %d%s", st->path, v,
		    STORE_SCHEMA_VERSION, v < STORE_SCHEMA_VERSION ?
		    " (open it once with tidings ingest or the daemon)" : "");
		goto fail;
	}
	*stp = (struct store *)(void *)st;
	return ERR_OK;
fail:
	store_pg_close((struct store *)(void *)st);
	return rc;
}

void
store_pg_close(struct store *sst)
{
	struct store_pg *st = PG(sst);

	if (st == NULL)
		return;
	if (st->in_batch)
		store_pg_batch_rollback(sst);
	/* Closing the connection lets go of every target lock, but the
	 * server notices it a moment later: let go of them first, so that
	 * whoever waits has them when this returns. */
	if (st->conn != NULL && st->nlocks > 0 &&
	    PQstatus(st->conn) == CONNECTION_OK)
		PQclear(PQexec(st->conn, "SELECT pg_advisory_unlock_all()"));
	if (st->conn != NULL)
		PQfinish(st->conn);
	pg_ahead_free(st);
	free(st->pend);
	free(st->locks);
	free(st->seen);
	free(st->prepared);
	free(st->path);
	free(st);
}

int
store_pg_schema_version(struct store *sst)
{
	int v = 0;

	pg_version(PG(sst), &v, NULL, 0);
	return v;
}

int
store_pg_set_size_limit(struct store *sst, int64_t max_bytes, char *ebuf,
    size_t n)
{
	if (max_bytes <= 0)
		return ERR_OK;
	return err_set(ebuf, n, ERR_INVALID, "%s: a size limit is for SQLite "
	    "files; on PostgreSQL set a quota on the server", PG(sst)->path);
}

int
store_pg_set_checkpoint(struct store *sst, int pages)
{
	(void)sst;
	(void)pages;
	return ERR_OK;	/* the server checkpoints by its own settings */
}

/* ---- batches ---- */

int
store_pg_batch_begin(struct store *sst, int64_t feed_id, char *ebuf,
    size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is already "
		    "open", st->path);
	if ((rc = pg_exec(st, "BEGIN", ebuf, n)) != ERR_OK)
		return rc;
	st->in_batch = 1;
	st->quiet = 0;
	/* one writing batch at a time, across every process (see
	 * store_pg_int.h) */
	if ((rc = pg_do(st, P_BATCH_LOCK, "SELECT pg_advisory_xact_lock("
	    PG_STR(PG_LOCK_BATCH) ", 0)", NULL, ebuf, n, "begin")) != ERR_OK) {
		store_pg_batch_rollback(sst);
		return rc;
	}
	pg_p_int(&p, feed_id);
	if ((r = pg_run(st, P_FEED_EXISTS, "SELECT 1 FROM feeds WHERE id = $1",
	    &p, ebuf, n, "begin")) == NULL) {
		store_pg_batch_rollback(sst);
		return ERR_DB;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		store_pg_batch_rollback(sst);
		return err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)feed_id);
	}
	PQclear(r);
	st->batch_feed = feed_id;
	st->batch_gen = 0;
	st->batch_ev = 0;
	st->feed_changed = 0;
	st->nseen = 0;
	st->next_id = st->last_id = 0;
	pg_ahead_clear(st);
	return ERR_OK;
}

int
store_pg_batch_commit(struct store *sst, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: no batch to commit",
		    st->path);
	if (st->batch_ev != 0 && st->feed_changed) {
		pg_p_int(&p, st->batch_ev);
		if ((rc = pg_do(st, P_EV_FILL, "UPDATE events SET"
		    " feed_url = f.url, feed_name = f.name,"
		    " feed_title = f.title,"
		    " origin_url = (SELECT g.url FROM articles a JOIN feeds g"
		    "  ON g.id = a.feed_id WHERE a.id = events.article_id)"
		    " FROM feeds f WHERE f.id = events.feed_id AND seq >= $1",
		    &p, ebuf, n, "outbox")) != ERR_OK) {
			store_pg_batch_rollback(sst);
			return rc;
		}
	}
	/* the numbers the batch handed out after the sequence's own (see
	 * store_pg_article_add), before the batch lock is let go */
	if (st->last_id > 0) {
		pg_p_int(&p, st->last_id);
		if ((rc = pg_defer(st, P_ART_SET_ID, "SELECT setval("
		    "pg_get_serial_sequence('articles', 'id'), $1)", &p, 0,
		    ebuf, n, "article numbers")) != ERR_OK) {
			store_pg_batch_rollback(sst);
			return rc;
		}
	}
	if ((rc = pg_exec(st, "COMMIT", ebuf, n)) != ERR_OK) {
		store_pg_batch_rollback(sst);
		return rc;
	}
	st->in_batch = 0;
	pg_ahead_clear(st);
	return ERR_OK;
}

void
store_pg_batch_rollback(struct store *sst)
{
	struct store_pg *st = PG(sst);

	pg_drain(st, NULL, 0);
	pg_ahead_clear(st);
	if (PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		PQclear(PQexec(st->conn, "ROLLBACK"));
	st->in_batch = 0;
}

/* ---- feeds ---- */

#define FEED_COLS \
	"id, url, name, title, site_link, etag, last_modified, http_status," \
	" last_check, last_success, next_check, retry_after, last_error," \
	" error_class, consecutive_failures, total_failures, retired," \
	" moved_to, moved_count, ttl_minutes, update_period_minutes," \
	" skip_hours, skip_days, cache_max_age, identity_policy," \
	" identity_mode, identity_reason, guid_churn," \
	" (SELECT count(*) FROM article_feeds x" \
	"  WHERE x.feed_id = feeds.id AND x.removed = 0)"

/* After a statement that may have changed a feed's URL, name or title:
 * the batch's events made so far get the new values at commit. */
static void
note_feed_change(struct store_pg *st, PGresult *r)
{
	if (st->in_batch && st->batch_ev != 0 && pg_changes(r) > 0)
		st->feed_changed = 1;
}

static int
lookup_id(struct store_pg *st, int id, const char *sql, const char *v,
    int64_t *out, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;
	int rc = ERR_NOTFOUND;

	pg_p_text(&p, v);
	if ((r = pg_run(st, id, sql, &p, ebuf, n, "feed lookup")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0) {
		*out = pg_int(r, 0, 0);
		rc = ERR_OK;
	}
	PQclear(r);
	return rc;
}

#define SQL_FEED_BY_URL "SELECT id FROM feeds WHERE url = $1"
#define SQL_FEED_BY_NAME \
	"SELECT id FROM feeds WHERE name = $1 ORDER BY id LIMIT 1"

int
store_pg_feed_ensure(struct store *sst, const char *url, const char *name,
    int64_t *id, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	if (url == NULL || *url == '\0')
		return err_set(ebuf, n, ERR_INVALID, "a feed needs a URL");
	rc = lookup_id(st, P_FEED_BY_URL, SQL_FEED_BY_URL, url, id, ebuf, n);
	if (rc == ERR_NOTFOUND) {
		/* another process may add the same URL meanwhile: then its
		 * feed is the one */
		pg_p_text(&p, url);
		pg_p_text(&p, name);
		pg_p_int(&p, (int64_t)time(NULL));
		if ((r = pg_run(st, P_FEED_INSERT, "INSERT INTO feeds (url,"
		    " name, created) VALUES ($1, $2, $3)"
		    " ON CONFLICT (url) DO NOTHING RETURNING id", &p, ebuf, n,
		    "add feed")) == NULL)
			return ERR_DB;
		if (PQntuples(r) == 1) {
			*id = pg_int(r, 0, 0);
			PQclear(r);
			return ERR_OK;
		}
		PQclear(r);
		rc = lookup_id(st, P_FEED_BY_URL, SQL_FEED_BY_URL, url, id,
		    ebuf, n);
	}
	if (rc != ERR_OK || name == NULL)
		return rc;
	pg_p_int(&p, *id);
	pg_p_text(&p, name);
	if ((r = pg_run(st, P_FEED_SET_NAME, "UPDATE feeds SET name = $2"
	    " WHERE id = $1 AND name IS DISTINCT FROM $2", &p, ebuf, n,
	    "rename feed")) == NULL)
		return ERR_DB;
	note_feed_change(st, r);
	PQclear(r);
	return ERR_OK;
}

int
store_pg_feed_find(struct store *sst, const char *url_or_name, int64_t *id,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	int rc;

	rc = lookup_id(st, P_FEED_BY_URL, SQL_FEED_BY_URL, url_or_name, id,
	    ebuf, n);
	if (rc == ERR_NOTFOUND)
		rc = lookup_id(st, P_FEED_BY_NAME, SQL_FEED_BY_NAME,
		    url_or_name, id, ebuf, n);
	if (rc == ERR_NOTFOUND)
		err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed with URL or name "
		    "\"%s\"", st->path, url_or_name);
	return rc;
}

static enum dedup_identity
identity_col(PGresult *r, int row, int col)
{
	enum dedup_identity m = DEDUP_AUTO;

	dedup_identity_parse(pg_cstr(r, row, col), &m);
	return m;
}

static void
row_feed(PGresult *r, int i, struct store_feed *f)
{
	memset(f, 0, sizeof(*f));
	f->id = pg_int(r, i, 0);
	f->url = pg_str(r, i, 1);
	f->name = pg_str(r, i, 2);
	f->title = pg_str(r, i, 3);
	f->site_link = pg_str(r, i, 4);
	f->etag = pg_str(r, i, 5);
	f->last_modified = pg_str(r, i, 6);
	f->http_status = (int)pg_int(r, i, 7);
	f->last_check = pg_int(r, i, 8);
	f->last_success = pg_int(r, i, 9);
	f->next_check = pg_int(r, i, 10);
	f->retry_after = pg_int(r, i, 11);
	f->last_error = pg_str(r, i, 12);
	f->error_class = pg_str(r, i, 13);
	f->consecutive_failures = (int)pg_int(r, i, 14);
	f->total_failures = pg_int(r, i, 15);
	f->retired = (int)pg_int(r, i, 16);
	f->moved_to = pg_str(r, i, 17);
	f->moved_count = (int)pg_int(r, i, 18);
	f->ttl_minutes = (int)pg_int(r, i, 19);
	f->update_period_minutes = (int)pg_int(r, i, 20);
	f->skip_hours = (unsigned)pg_int(r, i, 21);
	f->skip_days = (unsigned)pg_int(r, i, 22);
	f->cache_max_age = pg_int(r, i, 23);
	f->identity_policy = identity_col(r, i, 24);
	f->identity_mode = identity_col(r, i, 25);
	f->identity_reason = pg_str(r, i, 26);
	f->guid_churn = (long)pg_int(r, i, 27);
	f->narticles = pg_int(r, i, 28);
}

int
store_pg_feed_get(struct store *sst, int64_t id, struct store_feed *f,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc = ERR_OK;

	memset(f, 0, sizeof(*f));
	pg_p_int(&p, id);
	if ((r = pg_run(st, P_FEED_GET, "SELECT " FEED_COLS " FROM feeds"
	    " WHERE id = $1", &p, ebuf, n, "feed")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		row_feed(r, 0, f);
	else
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)id);
	PQclear(r);
	return rc;
}

int
store_pg_feeds_list(struct store *sst, store_feed_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct store_feed f;
	PGresult *r;
	int i, rc = ERR_OK;

	if ((r = pg_run(st, P_FEED_LIST, "SELECT " FEED_COLS " FROM feeds"
	    " ORDER BY id", NULL, ebuf, n, "feeds")) == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		row_feed(r, i, &f);
		rc = cb(ctx, &f);
		store_feed_clear(&f);
	}
	PQclear(r);
	return rc;
}

int
store_pg_feed_put_state(struct store *sst, const struct store_feed *f,
    char *ebuf, size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, f->id);
	pg_p_text(&p, f->etag);
	pg_p_text(&p, f->last_modified);
	pg_p_int(&p, f->http_status);
	pg_p_int(&p, f->last_check);
	pg_p_int(&p, f->last_success);
	pg_p_int(&p, f->next_check);
	pg_p_int(&p, f->retry_after);
	pg_p_text(&p, f->last_error);
	pg_p_text(&p, f->error_class);
	pg_p_int(&p, f->consecutive_failures);
	pg_p_int(&p, f->total_failures);
	pg_p_int(&p, f->retired);
	pg_p_text(&p, f->moved_to);
	pg_p_int(&p, f->moved_count);
	pg_p_int(&p, f->ttl_minutes);
	pg_p_int(&p, f->update_period_minutes);
	pg_p_int(&p, f->skip_hours);
	pg_p_int(&p, f->skip_days);
	pg_p_int(&p, f->cache_max_age);
	pg_p_text(&p, dedup_identity_name(f->identity_policy));
	return pg_do(PG(sst), P_FEED_PUT, "UPDATE feeds SET etag = $2,"
	    " last_modified = $3, http_status = $4, last_check = $5,"
	    " last_success = $6, next_check = $7, retry_after = $8,"
	    " last_error = $9, error_class = $10, consecutive_failures = $11,"
	    " total_failures = $12, retired = $13, moved_to = $14,"
	    " moved_count = $15, ttl_minutes = $16,"
	    " update_period_minutes = $17, skip_hours = $18, skip_days = $19,"
	    " cache_max_age = $20, identity_policy = $21 WHERE id = $1", &p,
	    ebuf, n, "save feed state");
}

int
store_pg_feed_set_meta(struct store *sst, int64_t id,
    const struct article_feed *meta, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;

	pg_p_int(&p, id);
	pg_p_text(&p, meta->title);
	pg_p_text(&p, meta->link);
	pg_p_int(&p, meta->ttl_minutes);
	pg_p_int(&p, meta->update_period_minutes);
	pg_p_int(&p, meta->skip_hours);
	pg_p_int(&p, meta->skip_days);
	if ((r = pg_run(st, P_FEED_META, "UPDATE feeds SET title = $2,"
	    " site_link = $3, ttl_minutes = $4, update_period_minutes = $5,"
	    " skip_hours = $6, skip_days = $7 WHERE id = $1"
	    " AND (title IS DISTINCT FROM $2 OR site_link IS DISTINCT FROM $3"
	    " OR ttl_minutes != $4 OR update_period_minutes != $5"
	    " OR skip_hours != $6 OR skip_days != $7)", &p, ebuf, n,
	    "save feed")) == NULL)
		return ERR_DB;
	note_feed_change(st, r);
	PQclear(r);
	return ERR_OK;
}

int
store_pg_feed_set_url(struct store *sst, int64_t id, const char *url,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;

	pg_p_int(&p, id);
	pg_p_text(&p, url);
	if ((r = pg_run(st, P_FEED_URL, "UPDATE feeds SET url = $2,"
	    " moved_to = NULL, moved_count = 0 WHERE id = $1", &p, ebuf, n,
	    "move feed")) == NULL)
		return ERR_DB;
	note_feed_change(st, r);
	PQclear(r);
	return ERR_OK;
}

/* ---- cycles ---- */

int
store_pg_cycle_put(struct store *sst, const struct store_cycle *c,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 }, q = { 0 };
	int rc;

	pg_p_text(&p, c->source);
	pg_p_int(&p, c->started);
	pg_p_int(&p, c->finished);
	pg_p_int(&p, c->duration_ms);
	pg_p_int(&p, c->checked);
	pg_p_int(&p, c->not_modified);
	pg_p_int(&p, c->failed);
	pg_p_int(&p, c->added);
	pg_p_int(&p, c->updated);
	pg_p_int(&p, c->duplicate);
	pg_p_int(&p, c->exported);
	pg_p_int(&p, c->bytes);
	if (!st->in_batch && (rc = pg_exec(st, "BEGIN", ebuf, n)) != ERR_OK)
		return rc;
	rc = pg_do(st, P_CYCLE_PUT, "INSERT INTO cycles (source, started,"
	    " finished, duration_ms, checked, not_modified, failed, new,"
	    " updated, duplicate, exported, bytes) VALUES ($1, $2, $3, $4, $5,"
	    " $6, $7, $8, $9, $10, $11, $12)", &p, ebuf, n, "cycles");
	if (rc == ERR_OK) {
		pg_p_int(&q, STORE_CYCLES_KEPT);
		rc = pg_do(st, P_CYCLE_PRUNE, "DELETE FROM cycles WHERE id <="
		    " (SELECT max(id) FROM cycles) - $1", &q, ebuf, n,
		    "cycles");
	}
	if (!st->in_batch) {
		if (rc == ERR_OK)
			rc = pg_exec(st, "COMMIT", ebuf, n);
		if (rc != ERR_OK)
			store_pg_batch_rollback(sst);
	}
	return rc;
}

int
store_pg_cycle_last(struct store *sst, struct store_cycle *c, char *ebuf,
    size_t n)
{
	struct store_pg *st = PG(sst);
	PGresult *r;
	int rc = ERR_OK;

	memset(c, 0, sizeof(*c));
	if ((r = pg_run(st, P_CYCLE_LAST, "SELECT source, started, finished,"
	    " duration_ms, checked, not_modified, failed, new, updated,"
	    " duplicate, exported, bytes FROM cycles ORDER BY id DESC LIMIT 1",
	    NULL, ebuf, n, "cycles")) == NULL)
		return ERR_DB;
	if (PQntuples(r) == 0)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no cycle recorded",
		    st->path);
	else {
		snprintf(c->source_buf, sizeof(c->source_buf), "%s",
		    pg_cstr(r, 0, 0) ? pg_cstr(r, 0, 0) : "");
		c->source = c->source_buf;
		c->started = pg_int(r, 0, 1);
		c->finished = pg_int(r, 0, 2);
		c->duration_ms = (long)pg_int(r, 0, 3);
		c->checked = (long)pg_int(r, 0, 4);
		c->not_modified = (long)pg_int(r, 0, 5);
		c->failed = (long)pg_int(r, 0, 6);
		c->added = (long)pg_int(r, 0, 7);
		c->updated = (long)pg_int(r, 0, 8);
		c->duplicate = (long)pg_int(r, 0, 9);
		c->exported = (long)pg_int(r, 0, 10);
		c->bytes = pg_int(r, 0, 11);
	}
	PQclear(r);
	return rc;
}

/* A copy of a PostgreSQL database is pg_dump's (or the server's own
 * backups'), not a file tidings writes. */
int
store_pg_backup(struct store *sst, const char *dest, char *ebuf, size_t n)
{
	(void)sst;
	(void)dest;
	return err_set(ebuf, n, ERR_INVALID, "backup: a PostgreSQL database "
	    "is copied with pg_dump (or the server's own backups), not with "
	    "tidings backup");
}

/* The server keeps its own integrity; the store's invariants are held by
 * its constraints (unique identity keys, the events' references). */
int
store_pg_check(struct store *sst, store_problem_fn cb, void *ctx,
    long *nproblems, char *ebuf, size_t n)
{
	(void)sst;
	(void)cb;
	(void)ctx;
	*nproblems = 0;
	return err_set(ebuf, n, ERR_INVALID, "check-db: not available on "
	    "PostgreSQL: its constraints hold the store's invariants; use the "
	    "server's own tools (amcheck) for its files");
}

/* The PostgreSQL backend's operations (store_backend.h). */
const struct store_ops store_pg_ops = {
	.name = "postgresql",
#define STORE_OP_PG(name, params, args) .name = store_pg_##name,
	STORE_OPS(STORE_OP_PG)
	VOID_OPS(STORE_OP_PG)
};
