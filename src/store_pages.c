/* Article pages on SQLite: held events, due pages, settled pages
 * (store.h, "article pages"). */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_backend.h"
#include "store_int.h"

static const char *const state_names[] = {
	"none", "due", "page", "failed", "refused"
};

const char *
store_page_state_name(enum store_page_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ?
	    state_names[s] : "none";
}

enum store_page_state
store_page_state_from_name(const char *s)
{
	size_t i;

	for (i = 1; s != NULL && i < sizeof(state_names) /
	    sizeof(state_names[0]); i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum store_page_state)i;
	return STORE_PAGE_NONE;
}

/* Pages are few (one per teaser, settled within fulltext_wait): their
 * statements are prepared for each call rather than kept. */
static sqlite3_stmt *
prep(struct store *st, const char *sql, char *ebuf, size_t n)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_db_error(st, ebuf, n, "pages");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

/* Steps s to its end and finalizes it. */
static int
run(struct store *st, sqlite3_stmt *s, char *ebuf, size_t n)
{
	int rc = sqlite3_step(s);

	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? ERR_OK :
	    store_db_error(st, ebuf, n, "pages");
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_page_hold(struct store *st, int64_t id, const char *link,
    int64_t deadline, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = prep(st, "INSERT INTO pages (article_id, feed_id, link,"
	    " state, tries, next_try, deadline, changed)"
	    " VALUES (?1, ?2, ?3, 'due', 0, ?4, ?5, ?4)"
	    " ON CONFLICT (article_id) DO UPDATE SET feed_id = ?2, link = ?3,"
	    " tries = CASE WHEN state = 'due' THEN tries ELSE 0 END,"
	    " deadline = CASE WHEN state = 'due' THEN deadline ELSE ?5 END,"
	    " next_try = ?4, state = 'due', page_url = NULL, error = NULL,"
	    " changed = ?4", ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	store_bind_text(s, 3, link);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, deadline);
	if ((rc = run(st, s, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = prep(st, "UPDATE events SET held = 1 WHERE seq ="
	    " (SELECT max(seq) FROM events WHERE article_id = ?1)", ebuf,
	    n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	return run(st, s, ebuf, n);
}

int
store_sqlite_page_get(struct store *st, int64_t id,
    enum store_page_state *state, char **link, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	*state = STORE_PAGE_NONE;
	*link = NULL;
	if ((s = prep(st, "SELECT state, link FROM pages WHERE article_id = ?1",
	    ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*state = store_page_state_from_name(
		    (const char *)sqlite3_column_text(s, 0));
		*link = store_col_text(s, 1);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "pages");
	sqlite3_finalize(s);
	return rc;
}

int
store_sqlite_pages_due(struct store *st, store_page_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_page p;
	sqlite3_stmt *s;
	int rc;

	if ((s = prep(st, "SELECT p.article_id, p.feed_id, f.url, p.link,"
	    " p.tries, p.next_try, p.deadline, p.error FROM pages p"
	    " JOIN feeds f ON f.id = p.feed_id WHERE p.state = 'due'"
	    " ORDER BY p.next_try, p.article_id", ebuf, n)) == NULL)
		return ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.article_id = sqlite3_column_int64(s, 0);
		p.feed_id = sqlite3_column_int64(s, 1);
		p.feed_url = (const char *)sqlite3_column_text(s, 2);
		p.link = (const char *)sqlite3_column_text(s, 3);
		p.tries = sqlite3_column_int(s, 4);
		p.next_try = sqlite3_column_int64(s, 5);
		p.deadline = sqlite3_column_int64(s, 6);
		p.error = (const char *)sqlite3_column_text(s, 7);
		if ((rc = cb(ctx, &p)) != 0) {
			sqlite3_finalize(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK : store_db_error(st, ebuf, n, "pages");
	sqlite3_finalize(s);
	return rc;
}

/* The page's body into article id, and its full-text entry with it. */
static int
put_body(struct store *st, const struct store_page_result *r, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((s = prep(st, "INSERT INTO articles_fts(articles_fts, rowid, title,"
	    " text) SELECT 'delete', id, title, text FROM articles"
	    " WHERE id = ?1", ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, r->article_id);
	if ((rc = run(st, s, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = prep(st, "UPDATE articles SET content = ?2, text = ?3,"
	    " body_source = 'page', page_url = ?4,"
	    " title = coalesce(title, ?5), author = coalesce(author, ?6),"
	    " published_tz = CASE WHEN published IS NULL THEN ?8"
	    "  ELSE published_tz END,"
	    " published = coalesce(published, ?7)"
	    " WHERE id = ?1", ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, r->article_id);
	store_bind_text(s, 2, r->content);
	store_bind_text(s, 3, r->text);
	store_bind_text(s, 4, r->page_url);
	store_bind_text(s, 5, r->title);
	store_bind_text(s, 6, r->author);
	if (r->has_published) {
		sqlite3_bind_int64(s, 7, r->published.utc);
		sqlite3_bind_int(s, 8, r->published.tzoff);
	}
	if ((rc = run(st, s, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = prep(st, "INSERT INTO articles_fts(rowid, title, text)"
	    " SELECT id, title, text FROM articles WHERE id = ?1", ebuf,
	    n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, r->article_id);
	return run(st, s, ebuf, n);
}

int
store_sqlite_page_put(struct store *st, const struct store_page_result *r,
    int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is open",
		    st->path);
	if ((rc = store_exec(st, "BEGIN IMMEDIATE", ebuf, n)) != ERR_OK)
		return rc;
	if ((s = prep(st, "UPDATE pages SET state = ?2, tries = ?3,"
	    " next_try = ?4, page_url = ?5, error = ?6, changed = ?7"
	    " WHERE article_id = ?1 AND state = 'due'"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = ?1)", ebuf,
	    n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, r->article_id);
	store_bind_text(s, 2, store_page_state_name(r->state));
	sqlite3_bind_int(s, 3, r->tries);
	sqlite3_bind_int64(s, 4, r->next_try);
	store_bind_text(s, 5, r->page_url);
	store_bind_text(s, 6, r->error);
	sqlite3_bind_int64(s, 7, now);
	if ((rc = run(st, s, ebuf, n)) != ERR_OK)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no page due for "
		    "article %lld", st->path, (long long)r->article_id);
		goto out;
	}
	if (r->state == STORE_PAGE_DUE)
		goto out;
	if (r->state == STORE_PAGE_DONE && r->content != NULL &&
	    r->text != NULL && (rc = put_body(st, r, ebuf, n)) != ERR_OK)
		goto out;
	if ((s = prep(st, "UPDATE events SET held = 0 WHERE article_id = ?1"
	    " AND held = 1", ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, r->article_id);
	rc = run(st, s, ebuf, n);
out:
	if (rc == ERR_OK)
		rc = store_exec(st, "COMMIT", ebuf, n);
	if (rc != ERR_OK && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
