/* Article pages on PostgreSQL: held events, due pages, settled pages
 * (store.h, "article pages"; the same as store_pages.c on SQLite). */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "err.h"
#include "store.h"
#include "store_backend.h"
#include "store_pg_int.h"

int
store_pg_page_hold(struct store *sst, int64_t id, const char *link,
    int64_t deadline, int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, id);
	pg_p_int(&p, st->batch_feed);
	pg_p_text(&p, link);
	pg_p_int(&p, now);
	pg_p_int(&p, deadline);
	if ((rc = pg_do(st, -1, "INSERT INTO pages (article_id, feed_id, link,"
	    " state, tries, next_try, deadline, changed)"
	    " VALUES ($1, $2, $3, 'due', 0, $4, $5, $4)"
	    " ON CONFLICT (article_id) DO UPDATE SET feed_id = $2, link = $3,"
	    " tries = CASE WHEN pages.state = 'due' THEN pages.tries ELSE 0 END,"
	    " deadline = CASE WHEN pages.state = 'due' THEN pages.deadline"
	    "  ELSE $5 END,"
	    " next_try = $4, state = 'due', page_url = NULL, error = NULL,"
	    " changed = $4", &p, ebuf, n, "pages")) != ERR_OK)
		return rc;
	pg_p_int(&p, id);
	return pg_do(st, -1, "UPDATE events SET held = 1 WHERE seq ="
	    " (SELECT max(seq) FROM events WHERE article_id = $1)", &p, ebuf,
	    n, "pages");
}

int
store_pg_page_get(struct store *sst, int64_t id, enum store_page_state *state,
    char **link, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	*state = STORE_PAGE_NONE;
	*link = NULL;
	pg_p_int(&p, id);
	if ((r = pg_run(PG(sst), -1, "SELECT state, link FROM pages"
	    " WHERE article_id = $1", &p, ebuf, n, "pages")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0) {
		*state = store_page_state_from_name(pg_cstr(r, 0, 0));
		*link = pg_str(r, 0, 1);
	}
	PQclear(r);
	return ERR_OK;
}

int
store_pg_pages_due(struct store *sst, store_page_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	struct store_page pg;
	PGresult *r;
	int i, rc = 0;

	if ((r = pg_run(PG(sst), -1, "SELECT p.article_id, p.feed_id, f.url,"
	    " p.link, p.tries, p.next_try, p.deadline, p.error FROM pages p"
	    " JOIN feeds f ON f.id = p.feed_id WHERE p.state = 'due'"
	    " ORDER BY p.next_try, p.article_id", NULL, ebuf, n,
	    "pages")) == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		memset(&pg, 0, sizeof(pg));
		pg.article_id = pg_int(r, i, 0);
		pg.feed_id = pg_int(r, i, 1);
		pg.feed_url = pg_cstr(r, i, 2);
		pg.link = pg_cstr(r, i, 3);
		pg.tries = (int)pg_int(r, i, 4);
		pg.next_try = pg_int(r, i, 5);
		pg.deadline = pg_int(r, i, 6);
		pg.error = pg_cstr(r, i, 7);
		rc = cb(ctx, &pg);
	}
	PQclear(r);
	return rc;
}

int
store_pg_page_put(struct store *sst, const struct store_page_result *r,
    int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *res;
	long changed;
	int rc;

	if (st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: a batch is open",
		    st->path);
	if ((rc = pg_exec(st, "BEGIN", ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, r->article_id);
	pg_p_text(&p, store_page_state_name(r->state));
	pg_p_int(&p, r->tries);
	pg_p_int(&p, r->next_try);
	pg_p_text(&p, r->page_url);
	pg_p_text(&p, r->error);
	pg_p_int(&p, now);
	if ((res = pg_run(st, -1, "UPDATE pages SET state = $2, tries = $3,"
	    " next_try = $4, page_url = $5, error = $6, changed = $7"
	    " WHERE article_id = $1 AND state = 'due'"
	    " AND EXISTS (SELECT 1 FROM articles a WHERE a.id = $1)", &p,
	    ebuf, n, "pages")) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	changed = pg_changes(res);
	PQclear(res);
	if (changed == 0) {
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no page due for "
		    "article %lld", st->path, (long long)r->article_id);
		goto out;
	}
	if (r->state == STORE_PAGE_DUE)
		goto out;
	if (r->state == STORE_PAGE_DONE && r->content != NULL &&
	    r->text != NULL) {
		pg_p_int(&p, r->article_id);
		pg_p_text(&p, r->content);
		pg_p_text(&p, r->text);
		pg_p_text(&p, r->page_url);
		pg_p_text(&p, r->title);
		pg_p_text(&p, r->author);
		if (r->has_published) {
			pg_p_int(&p, r->published.utc);
			pg_p_int(&p, r->published.tzoff);
		} else {
			pg_p_null(&p);
			pg_p_null(&p);
		}
		if ((rc = pg_do(st, -1, "UPDATE articles SET content = $2,"
		    " text = $3, body_source = 'page', page_url = $4,"
		    " title = coalesce(title, $5), author = coalesce(author, $6),"
		    " published_tz = CASE WHEN published IS NULL"
		    "  THEN $8::bigint ELSE published_tz END,"
		    " published = coalesce(published, $7::bigint)"
		    " WHERE id = $1", &p, ebuf, n, "pages")) != ERR_OK)
			goto out;
	}
	pg_p_int(&p, r->article_id);
	rc = pg_do(st, -1, "UPDATE events SET held = 0 WHERE article_id = $1"
	    " AND held = 1", &p, ebuf, n, "pages");
out:
	if (rc == ERR_OK)
		rc = pg_exec(st, "COMMIT", ebuf, n);
	if (rc != ERR_OK && PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		PQclear(PQexec(st->conn, "ROLLBACK"));
	return rc;
}
