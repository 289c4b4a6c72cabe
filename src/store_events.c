/* The outbox: events, targets, set-aside events, delivery locks (store.h). */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* ---- the outbox ---- */

const char *
store_event_kind_name(enum store_event_kind k)
{
	switch (k) {
	case STORE_EV_NEW:
		return "new";
	case STORE_EV_UPDATE:
		return "update";
	case STORE_EV_DUPLICATE:
		return "duplicate";
	}
	return "new";
}

static enum store_event_kind
event_kind(const char *s)
{
	if (s != NULL && strcmp(s, "update") == 0)
		return STORE_EV_UPDATE;
	if (s != NULL && strcmp(s, "duplicate") == 0)
		return STORE_EV_DUPLICATE;
	return STORE_EV_NEW;
}

static void
row_event(sqlite3_stmt *s, struct store_event *e)
{
	e->seq = sqlite3_column_int64(s, 0);
	e->article_id = sqlite3_column_int64(s, 1);
	e->feed_id = sqlite3_column_int64(s, 2);
	e->kind = event_kind((const char *)sqlite3_column_text(s, 3));
	e->revision = sqlite3_column_int(s, 4);
	e->created = sqlite3_column_int64(s, 5);
	e->feed_url = (const char *)sqlite3_column_text(s, 6);
	e->feed_name = (const char *)sqlite3_column_text(s, 7);
	e->feed_title = (const char *)sqlite3_column_text(s, 8);
	e->origin_url = (const char *)sqlite3_column_text(s, 9);
	e->fails = 0;
	e->aside_until = 0;
	e->fail_reason = NULL;
	if (sqlite3_column_count(s) > 12 &&
	    sqlite3_column_type(s, 10) != SQLITE_NULL) {
		e->fails = sqlite3_column_int(s, 10);
		e->aside_until = sqlite3_column_int64(s, 11);
		e->fail_reason = (const char *)sqlite3_column_text(s, 12);
	}
}

/* Calls cb for each event s returns, until it returns non-zero; s is done
 * after. */
static int
walk_events(struct store *st, sqlite3_stmt *s, store_event_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_event e;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_event(s, &e);
		if ((rc = cb(ctx, &e)) != 0) {
			store_reset(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : store_db_error(st, ebuf, n, "outbox");
	store_reset(s);
	return rc;
}

int
store_sqlite_events_pending(struct store *st, const char *target, int64_t after,
    long limit, store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_EV_PENDING, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int64(s, 3, limit > 0 ? limit : -1);
	return walk_events(st, s, cb, ctx, ebuf, n);
}

static int
step_exists(struct store *st, sqlite3_stmt *s, int *yes, char *ebuf, size_t n)
{
	int rc = sqlite3_step(s);

	*yes = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "outbox");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	return ERR_OK;
}

/* Moves the target's low-water mark over every event that is done (or
 * whose article is gone), dropping the done rows it passes, so that
 * export_done holds only the events done out of order. */
static int
advance(struct store *st, const char *target, int64_t now, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int64_t low = 0, max = 0, next;
	int rc, yes;

	if ((s = store_stmt(st, S_TARGET_LOW, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	if (sqlite3_step(s) == SQLITE_ROW)
		low = sqlite3_column_int64(s, 0);
	store_reset(s);
	if ((s = store_stmt(st, S_EV_MAX, ebuf, n)) == NULL)
		return ERR_DB;
	if (sqlite3_step(s) == SQLITE_ROW)
		max = sqlite3_column_int64(s, 0);
	store_reset(s);
	for (next = low + 1; next <= max; next++) {
		if ((s = store_stmt(st, S_DONE_EXISTS, ebuf, n)) == NULL)
			return ERR_DB;
		store_bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, next);
		if ((rc = step_exists(st, s, &yes, ebuf, n)) != ERR_OK)
			return rc;
		if (yes) {
			if ((s = store_stmt(st, S_DONE_DELETE, ebuf,
			    n)) == NULL)
				return ERR_DB;
			store_bind_text(s, 1, target);
			sqlite3_bind_int64(s, 2, next);
			if ((rc = store_run(st, s, ebuf, n, "outbox")) !=
			    ERR_OK)
				return rc;
			continue;
		}
		if ((s = store_stmt(st, S_EV_SKIPPABLE, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, next);
		if ((rc = step_exists(st, s, &yes, ebuf, n)) != ERR_OK)
			return rc;
		if (!yes)
			break;
	}
	if (next - 1 == low)
		return ERR_OK;
	if ((s = store_stmt(st, S_TARGET_SET, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, next - 1);
	(void)now;
	if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	/* events set aside whose article is gone */
	if ((s = store_stmt(st, S_ASIDE_BELOW, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, next - 1);
	return store_run(st, s, ebuf, n, "outbox");
}

int
store_sqlite_event_done(struct store *st, const char *target, int64_t seq,
    int64_t now, char *ebuf, size_t n)
{
	return store_events_done(st, target, &seq, 1, now, ebuf, n);
}

int
store_sqlite_events_done(struct store *st, const char *target,
    const int64_t *seqs,
    size_t nseqs, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int own = !st->in_batch, rc;
	size_t i;

	if (own) {
		if ((s = store_stmt(st, S_BEGIN, ebuf, n)) == NULL)
			return ERR_DB;
		if ((rc = store_run(st, s, ebuf, n, "begin")) != ERR_OK)
			return rc;
	}
	if ((s = store_stmt(st, S_TARGET_ENSURE, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	store_bind_text(s, 1, target);
	if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
		goto out;
	for (i = 0; i < nseqs; i++) {
		if ((s = store_stmt(st, S_EV_DONE, ebuf, n)) == NULL) {
			rc = ERR_DB;
			goto out;
		}
		store_bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, seqs[i]);
		sqlite3_bind_int64(s, 3, now);
		if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
			goto out;
		if ((s = store_stmt(st, S_ASIDE_DONE, ebuf, n)) == NULL) {
			rc = ERR_DB;
			goto out;
		}
		store_bind_text(s, 1, target);
		sqlite3_bind_int64(s, 2, seqs[i]);
		if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
			goto out;
	}
	rc = advance(st, target, now, ebuf, n);
out:
	if (own) {
		if (rc == ERR_OK &&
		    (s = store_stmt(st, S_COMMIT, ebuf, n)) != NULL)
			rc = store_run(st, s, ebuf, n, "commit");
		else if (rc == ERR_OK)
			rc = ERR_DB;
		if (rc != ERR_OK && !sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int
store_sqlite_events_list(struct store *st, int64_t since, int64_t feed_id,
    store_event_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_EV_LIST, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, feed_id);
	return walk_events(st, s, cb, ctx, ebuf, n);
}

int
store_sqlite_event_failed(struct store *st, const char *target, int64_t seq,
    int fails, int64_t until, const char *reason, int64_t now, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, S_ASIDE_PUT, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_int(s, 3, fails);
	sqlite3_bind_int64(s, 4, until);
	store_bind_text(s, 5, reason != NULL ? reason : "");
	sqlite3_bind_int64(s, 6, now);
	return store_run(st, s, ebuf, n, "outbox");
}

int
store_sqlite_target_set_error(struct store *st, const char *target,
    const char *msg, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = store_stmt(st, S_TARGET_ENSURE, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_TARGET_ERROR, ebuf, n)) == NULL)
		return ERR_DB;
	store_bind_text(s, 1, target);
	store_bind_text(s, 2, msg);
	sqlite3_bind_int64(s, 3, msg != NULL ? now : 0);
	return store_run(st, s, ebuf, n, "outbox");
}

int
store_sqlite_targets_list(struct store *st, store_target_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_TARGET_LIST, ebuf, n);
	struct store_target t;
	int rc;

	if (s == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t.name = (const char *)sqlite3_column_text(s, 0);
		t.done_below = sqlite3_column_int64(s, 1);
		t.last_error = (const char *)sqlite3_column_text(s, 2);
		t.last_error_time = sqlite3_column_int64(s, 3);
		if ((rc = cb(ctx, &t)) != 0) {
			store_reset(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : store_db_error(st, ebuf, n, "outbox");
	store_reset(s);
	return rc;
}

/* ---- one deliverer per target ---- */

/*
 * Target locks are byte-range locks on "PATH-lock", one byte per target at
 * an offset hashed from its name (two names sharing a byte only take turns).
 * Open file description locks belong to this handle's descriptor, not to
 * the process, so that they are released with it (store_close, a crash, a
 * kill) and a child between fork and exec never keeps one past the exec
 * (close-on-exec).
 */
#ifdef F_OFD_SETLK
#define LOCK_CMD	F_OFD_SETLK
#else
#define LOCK_CMD	F_SETLK
#endif
#define LOCK_POLL_MS	20

static off_t
lock_offset(const char *target)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *target != '\0'; target++)
		h = (h ^ (unsigned char)*target) * 1099511628211ULL;
	return (off_t)(h >> 2);
}

static struct tlock *
lock_find(struct store *st, off_t off)
{
	size_t i;

	for (i = 0; i < st->nlocks; i++)
		if (st->locks[i].off == off)
			return &st->locks[i];
	return NULL;
}

static int
lock_byte(int fd, off_t off, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = off;
	fl.l_len = 1;
	return fcntl(fd, LOCK_CMD, &fl);
}

int
store_sqlite_target_lock(struct store *st, const char *target, int wait_ms,
    int *got, char *ebuf, size_t n)
{
	struct tlock *l;
	off_t off = lock_offset(target);
	char *lpath;
	int waited = 0;

	*got = 0;
	if ((l = lock_find(st, off)) != NULL) {
		l->count++;
		*got = 1;
		return ERR_OK;
	}
	if (st->lockfd == -1) {
		lpath = xasprintf("%s-lock", st->path);
		st->lockfd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (st->lockfd == -1) {
			err_set(ebuf, n, ERR_IO, "%s: %s", lpath,
			    strerror(errno));
			free(lpath);
			return ERR_IO;
		}
		free(lpath);
	}
	while (lock_byte(st->lockfd, off, F_WRLCK) == -1) {
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EACCES)
			return err_set(ebuf, n, ERR_IO, "%s-lock: %s",
			    st->path, strerror(errno));
		if (waited >= wait_ms)
			return ERR_OK;
		usleep(LOCK_POLL_MS * 1000);
		waited += LOCK_POLL_MS;
	}
	st->locks = xreallocarray(st->locks, st->nlocks + 1,
	    sizeof(*st->locks));
	st->locks[st->nlocks].off = off;
	st->locks[st->nlocks++].count = 1;
	*got = 1;
	return ERR_OK;
}

void
store_sqlite_target_unlock(struct store *st, const char *target)
{
	struct tlock *l;

	if ((l = lock_find(st, lock_offset(target))) == NULL ||
	    --l->count > 0)
		return;
	lock_byte(st->lockfd, l->off, F_UNLCK);
	*l = st->locks[--st->nlocks];
}

/* ---- filter rules' marks ---- */

void
store_sqlite_batch_quiet(struct store *st, int on)
{
	st->quiet = on;
}

int
store_sqlite_drop_mark(struct store *st, int64_t id, const char *target,
    const char *rule, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;

	if ((s = store_stmt(st, rule != NULL ? S_DROP_PUT : S_DROP_DEL, ebuf,
	    n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, target != NULL ? target : "");
	if (rule != NULL) {
		store_bind_text(s, 3, rule);
		sqlite3_bind_int64(s, 4, now);
	}
	return store_run(st, s, ebuf, n, "drop mark");
}

int
store_sqlite_drops_list(struct store *st, int64_t id, int64_t since,
    store_drop_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_DROP_LIST, ebuf, n);
	struct store_drop d;
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d.article_id = sqlite3_column_int64(s, 0);
		d.feed_id = sqlite3_column_int64(s, 1);
		d.target = (const char *)sqlite3_column_text(s, 2);
		if (d.target != NULL && *d.target == '\0')
			d.target = NULL;
		d.rule = (const char *)sqlite3_column_text(s, 3);
		d.dropped = sqlite3_column_int64(s, 4);
		d.has_events = sqlite3_column_int(s, 5) != 0;
		if ((rc = cb(ctx, &d)) != 0) {
			store_reset(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : store_db_error(st, ebuf, n,
	    "drop marks");
	store_reset(s);
	return rc;
}

int
store_sqlite_article_event(struct store *st, int64_t id, int64_t now,
    int64_t *seq, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_EVENT_ARTICLE, ebuf, n);
	int rc;

	*seq = 0;
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return err_set(ebuf, n, ERR_NOTFOUND, "%s: no article %lld",
		    st->path, (long long)id);
	*seq = sqlite3_last_insert_rowid(st->db);
	return ERR_OK;
}
