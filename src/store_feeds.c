/* Feeds and their fetch state (store.h). */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* ---- feeds ---- */

/* After a statement that may have changed a feed's URL, name or title:
 * the batch's events made so far must be given the new values at
 * commit. */
static void
note_feed_change(struct store *st)
{
	if (st->in_batch && st->batch_ev != 0 && sqlite3_changes(st->db) > 0)
		st->feed_changed = 1;
}

void
store_feed_clear(struct store_feed *f)
{
	if (f == NULL)
		return;
	free(f->url);
	free(f->name);
	free(f->title);
	free(f->site_link);
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	free(f->error_class);
	free(f->moved_to);
	free(f->identity_reason);
	memset(f, 0, sizeof(*f));
}

/* Statements outside a batch are their own transaction (autocommit). */
static int
lookup_id(struct store *st, enum stmt_id id, const char *v, int64_t *out,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, id, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	store_bind_text(s, 1, v);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		store_reset(s);
		return ERR_OK;
	}
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "feed lookup");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	return ERR_NOTFOUND;
}

int
store_sqlite_feed_ensure(struct store *st, const char *url, const char *name,
    int64_t *id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (url == NULL || *url == '\0')
		return err_set(ebuf, n, ERR_INVALID, "a feed needs a URL");
	rc = lookup_id(st, S_FEED_BY_URL, url, id, ebuf, n);
	if (rc == ERR_NOTFOUND) {
		if ((s = store_stmt(st, S_FEED_INSERT, ebuf, n)) == NULL)
			return ERR_DB;
		store_bind_text(s, 1, url);
		store_bind_text(s, 2, name);
		sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
		if ((rc = store_run(st, s, ebuf, n, "add feed")) != ERR_OK)
			return rc;
		if (sqlite3_changes(st->db) == 1) {
			*id = sqlite3_last_insert_rowid(st->db);
			return ERR_OK;
		}
		rc = lookup_id(st, S_FEED_BY_URL, url, id, ebuf, n);
	}
	if (rc != ERR_OK || name == NULL)
		return rc;
	if ((s = store_stmt(st, S_FEED_SET_NAME, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, *id);
	store_bind_text(s, 2, name);
	if ((rc = store_run(st, s, ebuf, n, "rename feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}

int
store_sqlite_feed_find(struct store *st, const char *url_or_name, int64_t *id,
    char *ebuf, size_t n)
{
	int rc;

	rc = lookup_id(st, S_FEED_BY_URL, url_or_name, id, ebuf, n);
	if (rc == ERR_NOTFOUND)
		rc = lookup_id(st, S_FEED_BY_NAME, url_or_name, id, ebuf, n);
	if (rc == ERR_NOTFOUND)
		err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed with URL or name "
		    "\"%s\"", st->path, url_or_name);
	return rc;
}

static enum dedup_identity
identity_col(sqlite3_stmt *s, int i)
{
	enum dedup_identity m = DEDUP_AUTO;

	dedup_identity_parse((const char *)sqlite3_column_text(s, i), &m);
	return m;
}

static void
row_feed(sqlite3_stmt *s, struct store_feed *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(s, 0);
	f->url = store_col_text(s, 1);
	f->name = store_col_text(s, 2);
	f->title = store_col_text(s, 3);
	f->site_link = store_col_text(s, 4);
	f->etag = store_col_text(s, 5);
	f->last_modified = store_col_text(s, 6);
	f->http_status = sqlite3_column_int(s, 7);
	f->last_check = sqlite3_column_int64(s, 8);
	f->last_success = sqlite3_column_int64(s, 9);
	f->next_check = sqlite3_column_int64(s, 10);
	f->retry_after = sqlite3_column_int64(s, 11);
	f->last_error = store_col_text(s, 12);
	f->error_class = store_col_text(s, 13);
	f->consecutive_failures = sqlite3_column_int(s, 14);
	f->total_failures = sqlite3_column_int64(s, 15);
	f->retired = sqlite3_column_int(s, 16);
	f->moved_to = store_col_text(s, 17);
	f->moved_count = sqlite3_column_int(s, 18);
	f->ttl_minutes = sqlite3_column_int(s, 19);
	f->update_period_minutes = sqlite3_column_int(s, 20);
	f->skip_hours = (unsigned)sqlite3_column_int64(s, 21);
	f->skip_days = (unsigned)sqlite3_column_int64(s, 22);
	f->cache_max_age = sqlite3_column_int64(s, 23);
	f->identity_policy = identity_col(s, 24);
	f->identity_mode = identity_col(s, 25);
	f->identity_reason = store_col_text(s, 26);
	f->guid_churn = (long)sqlite3_column_int64(s, 27);
	f->narticles = sqlite3_column_int64(s, 28);
}

int
store_sqlite_feed_get(struct store *st, int64_t id, struct store_feed *f,
    char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_GET, ebuf, n);
	int rc;

	memset(f, 0, sizeof(*f));
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row_feed(s, f);
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no feed %lld",
		    st->path, (long long)id);
	else
		rc = store_db_error(st, ebuf, n, "feed");
	store_reset(s);
	return rc;
}

int
store_sqlite_feeds_list(struct store *st, store_feed_fn cb, void *ctx,
    char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_LIST, ebuf, n);
	struct store_feed f;
	int rc;

	if (s == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_feed(s, &f);
		rc = cb(ctx, &f);
		store_feed_clear(&f);
		if (rc != 0) {
			store_reset(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : store_db_error(st, ebuf, n, "feeds");
	store_reset(s);
	return rc;
}

int
store_sqlite_feed_put_state(struct store *st, const struct store_feed *f,
    char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_PUT, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, f->id);
	store_bind_text(s, 2, f->etag);
	store_bind_text(s, 3, f->last_modified);
	sqlite3_bind_int(s, 4, f->http_status);
	sqlite3_bind_int64(s, 5, f->last_check);
	sqlite3_bind_int64(s, 6, f->last_success);
	sqlite3_bind_int64(s, 7, f->next_check);
	sqlite3_bind_int64(s, 8, f->retry_after);
	store_bind_text(s, 9, f->last_error);
	store_bind_text(s, 10, f->error_class);
	sqlite3_bind_int(s, 11, f->consecutive_failures);
	sqlite3_bind_int64(s, 12, f->total_failures);
	sqlite3_bind_int(s, 13, f->retired);
	store_bind_text(s, 14, f->moved_to);
	sqlite3_bind_int(s, 15, f->moved_count);
	sqlite3_bind_int(s, 16, f->ttl_minutes);
	sqlite3_bind_int(s, 17, f->update_period_minutes);
	sqlite3_bind_int64(s, 18, f->skip_hours);
	sqlite3_bind_int64(s, 19, f->skip_days);
	sqlite3_bind_int64(s, 20, f->cache_max_age);
	store_bind_text(s, 21, dedup_identity_name(f->identity_policy));
	return store_run(st, s, ebuf, n, "save feed state");
}

int
store_sqlite_feed_set_meta(struct store *st, int64_t id,
    const struct article_feed *meta, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_META, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, meta->title);
	store_bind_text(s, 3, meta->link);
	sqlite3_bind_int(s, 4, meta->ttl_minutes);
	sqlite3_bind_int(s, 5, meta->update_period_minutes);
	sqlite3_bind_int64(s, 6, meta->skip_hours);
	sqlite3_bind_int64(s, 7, meta->skip_days);
	if ((rc = store_run(st, s, ebuf, n, "save feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}

int
store_sqlite_feed_set_url(struct store *st, int64_t id, const char *url,
    char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_URL, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, url);
	if ((rc = store_run(st, s, ebuf, n, "move feed")) == ERR_OK)
		note_feed_change(st);
	return rc;
}
