/* Article writes, retention, reading and search (store.h). */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sqlite3.h>

#include "buf.h"
#include "err.h"
#include "hash.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* ---- article writes ---- */

/* One article's index entry, before (del) or after an update. */
static int
fts_one(struct store *st, enum stmt_id which, int64_t id, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;

	if (id > st->batch_first)
		return ERR_OK;	/* indexed at commit, with its final text */
	if ((s = store_stmt(st, which, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	return store_run(st, s, ebuf, n, "full-text index");
}


char *
store_categories_json(const struct article *a)
{
	json_t *j;
	char *s;
	size_t i;

	if (a->ncategories == 0)
		return NULL;
	j = json_array();
	for (i = 0; i < a->ncategories; i++)
		json_array_append_new(j, json_string(a->categories[i]));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

char *
store_enclosures_json(const struct article *a)
{
	json_t *j, *e;
	char *s;
	size_t i;

	if (a->nenclosures == 0)
		return NULL;
	j = json_array();
	for (i = 0; i < a->nenclosures; i++) {
		e = json_object();
		json_object_set_new(e, "url", json_string(a->enclosures[i].url));
		json_object_set_new(e, "type", a->enclosures[i].type ?
		    json_string(a->enclosures[i].type) : json_null());
		json_object_set_new(e, "length", a->enclosures[i].length >= 0 ?
		    json_integer(a->enclosures[i].length) : json_null());
		json_array_append_new(j, e);
	}
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* Binds the record's fields at positions first.. in the order shared by
 * S_ART_INSERT (from ?2) and S_ART_UPDATE (from ?2): ident .. language. */
static void
bind_record(sqlite3_stmt *s, int first, const struct article *a,
    const char *cats, const char *encs)
{
	int i = first;

	store_bind_text(s, i++, a->id);
	store_bind_text(s, i++, a->guid);
	store_bind_text(s, i++, a->link);
	store_bind_text(s, i++, a->title);
	store_bind_text(s, i++, a->author);
	if (a->has_published) {
		sqlite3_bind_int64(s, i++, a->published.utc);
		sqlite3_bind_int(s, i++, a->published.tzoff);
	} else {
		sqlite3_bind_null(s, i++);
		sqlite3_bind_null(s, i++);
	}
	if (a->has_updated) {
		sqlite3_bind_int64(s, i++, a->updated.utc);
		sqlite3_bind_int(s, i++, a->updated.tzoff);
	} else {
		sqlite3_bind_null(s, i++);
		sqlite3_bind_null(s, i++);
	}
	store_bind_text(s, i++, a->summary);
	store_bind_text(s, i++, a->content);
	store_bind_text(s, i++, a->text);
	store_bind_text(s, i++, cats ? cats : "[]");
	store_bind_text(s, i++, encs ? encs : "[]");
	store_bind_text(s, i++, a->comments);
	store_bind_text(s, i++, a->language);
}

/* Binds image, duration and comment_count at first..first + 2. */
static void
bind_extras(sqlite3_stmt *s, int first, const struct article *a)
{
	store_bind_text(s, first, a->image);
	if (a->has_duration)
		sqlite3_bind_int64(s, first + 1, a->duration);
	else
		sqlite3_bind_null(s, first + 1);
	if (a->has_comment_count)
		sqlite3_bind_int64(s, first + 2, a->comment_count);
	else
		sqlite3_bind_null(s, first + 2);
}

static int
event_put(struct store *st, int64_t article, enum store_event_kind kind,
    int revision, int first, int64_t now, char *ebuf, size_t n)
{
	/* first: the article is new from this feed, which is then its
	 * origin; no need to look that up */
	sqlite3_stmt *s = store_stmt(st, first ? S_EVENT_NEW : S_EVENT_INSERT,
	    ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	if (st->quiet)
		return ERR_OK;
	sqlite3_bind_int64(s, 1, article);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	store_bind_text(s, 3, store_event_kind_name(kind));
	sqlite3_bind_int(s, 4, revision);
	sqlite3_bind_int64(s, 5, now);
	if ((rc = store_run(st, s, ebuf, n, "outbox")) != ERR_OK)
		return rc;
	if (st->batch_ev == 0)
		st->batch_ev = sqlite3_last_insert_rowid(st->db);
	return ERR_OK;
}

/* The batch feed's item of article id: a new one (insert), else the
 * version it now has. */
static int
item_put(struct store *st, int insert, int duplicate, int64_t id,
    const struct article *a, const unsigned char *hash,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, insert ? S_AF_INSERT : S_AF_UPDATE,
	    ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	store_bind_text(s, 3, a->guid);
	sqlite3_bind_blob(s, 4, hash, DEDUP_HASHLEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, raw, DEDUP_HASHLEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, now);
	if (insert)
		sqlite3_bind_int(s, 7, duplicate);
	return store_run(st, s, ebuf, n, duplicate ? "link duplicate" :
	    "link article");
}

int
store_sqlite_article_add(struct store *st, const struct article *a,
    const char *ident, const unsigned char *hash, const unsigned char *raw,
    int64_t now, int64_t *idp, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	int64_t sort, id;
	int rc;

	*idp = 0;
	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_ART_INSERT, ebuf, n)) == NULL)
		return ERR_DB;
	cats = store_categories_json(a);
	encs = store_enclosures_json(a);
	hash_hex(hash, DEDUP_HASHLEN, hexhash);
	sort = now;
	if (a->has_published && a->published.utc < sort)
		sort = a->published.utc;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	bind_record(s, 2, a, cats, encs);
	if (ident != NULL)
		store_bind_text(s, 2, ident);
	sqlite3_bind_int64(s, 18, now);
	sqlite3_bind_int64(s, 19, sort);
	store_bind_text(s, 20, hexhash);
	bind_extras(s, 21, a);
	rc = store_run(st, s, ebuf, n, "add article");
	free(cats);
	free(encs);
	if (rc != ERR_OK)
		return rc;
	id = sqlite3_last_insert_rowid(st->db);
	*idp = id;
	store_seen_add(st, id);
	if ((rc = item_put(st, 1, 0, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, STORE_EV_NEW, 1, 1, now, ebuf, n);
}

int
store_sqlite_article_update(struct store *st, int64_t id,
    const struct article *a,
    const unsigned char *hash, const unsigned char *raw, int64_t now,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	struct article copy;
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	int rc, revision = 0;

	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	store_seen_add(st, id);
	/* the version being replaced is kept in article_revisions */
	if ((s = store_stmt(st, S_REV_SAVE, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = store_run(st, s, ebuf, n, "keep revision")) != ERR_OK)
		return rc;

	if ((rc = fts_one(st, S_FTS_DEL_ONE, id, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_ART_UPDATE, ebuf, n)) == NULL)
		return ERR_DB;
	/* an update without a date of its own is dated by when we saw it */
	copy = *a;
	if (!copy.has_updated) {
		copy.has_updated = 1;
		copy.updated.utc = now;
		copy.updated.tzoff = 0;
	}
	cats = store_categories_json(a);
	encs = store_enclosures_json(a);
	hash_hex(hash, DEDUP_HASHLEN, hexhash);
	sqlite3_bind_int64(s, 1, id);
	bind_record(s, 2, &copy, cats, encs);
	sqlite3_bind_int64(s, 18, now);
	store_bind_text(s, 19, hexhash);
	bind_extras(s, 20, a);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		revision = sqlite3_column_int(s, 0);
		rc = sqlite3_step(s);
	}
	free(cats);
	free(encs);
	if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "update article");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	if ((rc = fts_one(st, S_FTS_ADD_ONE, id, ebuf, n)) != ERR_OK)
		return rc;
	if ((rc = item_put(st, 0, 0, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, STORE_EV_UPDATE, revision, 0, now, ebuf, n);
}

int
store_sqlite_article_link(struct store *st, int64_t id, const struct article *a,
    const unsigned char *hash, const unsigned char *raw,
    enum store_event_kind kind, int64_t now, char *ebuf, size_t n)
{
	int rc;

	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	store_seen_add(st, id);
	if ((rc = item_put(st, 1, 1, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, kind, 1, 0, now, ebuf, n);
}

int
store_sqlite_feed_note_identity(struct store *st, enum dedup_identity mode,
    const char *reason, long churn_delta, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FEED_IDENTITY, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch",
		    st->path);
	sqlite3_bind_int64(s, 1, st->batch_feed);
	store_bind_text(s, 2, dedup_identity_name(mode));
	store_bind_text(s, 3, reason);
	sqlite3_bind_int64(s, 4, churn_delta);
	return store_run(st, s, ebuf, n, "identity");
}

/* ---- retention ---- */

static int
idcmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
in_batch_doc(const struct store *st, int64_t id)
{
	return bsearch(&id, st->seen, st->nseen, sizeof(*st->seen),
	    idcmp) != NULL;
}

/* Collects the article ids s yields (s bound, not stepped). */
static int
collect_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *nids,
    char *ebuf, size_t n)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*nids = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*nids == cap) {
			cap = cap ? 2 * cap : 64;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*nids)++] = sqlite3_column_int64(s, 0);
	}
	rc = rc == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "retention");
	store_reset(s);
	return rc;
}

/* A number for this batch's removals, distinct from every earlier one,
 * taken only when something is removed. */
static int
take_gen(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->batch_gen != 0)
		return ERR_OK;
	if ((s = store_stmt(st, S_FEED_GEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		st->batch_gen = sqlite3_column_int64(s, 0);
		rc = sqlite3_step(s) == SQLITE_DONE ? ERR_OK :
		    store_db_error(st, ebuf, n, "retention");
	} else
		rc = store_db_error(st, ebuf, n, "retention");
	store_reset(s);
	return rc;
}

static int
mark_removed(struct store *st, int64_t id, long *removed, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = take_gen(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_RET_MARK, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	sqlite3_bind_int64(s, 3, st->batch_gen);
	if ((rc = store_run(st, s, ebuf, n, "retention")) == ERR_OK)
		*removed += sqlite3_changes(st->db);
	return rc;
}

int
store_sqlite_retention(struct store *st, int64_t max_age, long max_count,
    int64_t now, long *removed, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int64_t *ids = NULL;
	size_t nids = 0, i, present = 0, slots;
	int rc = ERR_OK;

	*removed = 0;
	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: retention outside a "
		    "batch", st->path);
	qsort(st->seen, st->nseen, sizeof(*st->seen), idcmp);
	/* removed = the batch's generation, so that the deletes below only
	 * look at what this call removed */
	if (max_age > 0) {
		if ((s = store_stmt(st, S_RET_AGE, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, st->batch_feed);
		sqlite3_bind_int64(s, 2, now - max_age);
		if ((rc = collect_ids(st, s, &ids, &nids, ebuf, n)) != ERR_OK)
			goto out;
		for (i = 0; i < nids && rc == ERR_OK; i++)
			if (!in_batch_doc(st, ids[i]))
				rc = mark_removed(st, ids[i], removed, ebuf, n);
		free(ids);
		ids = NULL;
		if (rc != ERR_OK)
			goto out;
	}
	if (max_count > 0) {
		if ((s = store_stmt(st, S_RET_COUNT, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, st->batch_feed);
		if ((rc = collect_ids(st, s, &ids, &nids, ebuf, n)) != ERR_OK)
			goto out;
		/* the latest document's items always stay and take their
		 * places first; the newest others fill what is left */
		for (i = 0; i < nids; i++)
			present += in_batch_doc(st, ids[i]);
		slots = present < (size_t)max_count ? max_count - present : 0;
		for (i = 0; i < nids && rc == ERR_OK; i++) {
			if (in_batch_doc(st, ids[i]))
				continue;
			if (slots > 0) {
				slots--;
				continue;
			}
			rc = mark_removed(st, ids[i], removed, ebuf, n);
		}
		if (rc != ERR_OK)
			goto out;
	}
	if (*removed == 0)
		goto out;
	if ((s = store_stmt(st, S_FTS_DEL_RET, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, st->batch_feed);
	sqlite3_bind_int64(s, 2, st->batch_gen);
	if ((rc = store_run(st, s, ebuf, n, "full-text index")) != ERR_OK)
		goto out;
	if ((s = store_stmt(st, S_RET_DELETE, ebuf, n)) == NULL) {
		rc = ERR_DB;
		goto out;
	}
	sqlite3_bind_int64(s, 1, st->batch_feed);
	sqlite3_bind_int64(s, 2, st->batch_gen);
	rc = store_run(st, s, ebuf, n, "retention");
out:
	free(ids);
	return rc;
}

/* ---- reading ---- */

void
store_article_meta_clear(struct store_article_meta *m)
{
	if (m == NULL)
		return;
	free(m->feed_url);
	free(m->feed_name);
	free(m->feed_title);
	memset(m, 0, sizeof(*m));
}

void
store_json_categories(struct article *a, const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	size_t i;

	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++)
			article_add_category(a,
			    json_string_value(json_array_get(j, i)));
	json_decref(j);
}

void
store_json_enclosures(struct article *a, const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL, *e, *len;
	const char *url;
	size_t i;

	if (json_is_array(j))
		for (i = 0; i < json_array_size(j); i++) {
			e = json_array_get(j, i);
			url = json_string_value(json_object_get(e, "url"));
			if (url == NULL)
				continue;
			len = json_object_get(e, "length");
			article_add_enclosure(a, url, json_string_value(
			    json_object_get(e, "type")),
			    json_is_integer(len) ? json_integer_value(len) : -1);
		}
	json_decref(j);
}

static struct article *
row_article(sqlite3_stmt *s, struct store_article_meta *m)
{
	struct article *a = article_new();
	const char *h;

	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(s, 0);
	m->feed_id = sqlite3_column_int64(s, 1);
	a->id = store_col_text(s, 2);
	a->guid = store_col_text(s, 3);
	a->link = store_col_text(s, 4);
	a->title = store_col_text(s, 5);
	a->author = store_col_text(s, 6);
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		a->has_published = 1;
		a->published.utc = sqlite3_column_int64(s, 7);
		a->published.tzoff = sqlite3_column_int(s, 8);
	}
	if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
		a->has_updated = 1;
		a->updated.utc = sqlite3_column_int64(s, 9);
		a->updated.tzoff = sqlite3_column_int(s, 10);
	}
	a->summary = store_col_text(s, 11);
	a->content = store_col_text(s, 12);
	a->text = store_col_text(s, 13);
	store_json_categories(a, (const char *)sqlite3_column_text(s, 14));
	store_json_enclosures(a, (const char *)sqlite3_column_text(s, 15));
	a->comments = store_col_text(s, 16);
	a->language = store_col_text(s, 17);
	m->first_seen = sqlite3_column_int64(s, 18);
	m->changed = sqlite3_column_int64(s, 19);
	if ((h = (const char *)sqlite3_column_text(s, 20)) != NULL)
		snprintf(m->content_hash, sizeof(m->content_hash), "%s", h);
	m->revision = sqlite3_column_int(s, 21);
	m->feed_url = store_col_text(s, 22);
	m->feed_name = store_col_text(s, 23);
	m->feed_title = store_col_text(s, 24);
	m->last_seen = sqlite3_column_int64(s, 25);
	m->nfeeds = sqlite3_column_int(s, 26);
	a->image = store_col_text(s, 27);
	if (sqlite3_column_type(s, 28) != SQLITE_NULL) {
		a->has_duration = 1;
		a->duration = sqlite3_column_int64(s, 28);
	}
	if (sqlite3_column_type(s, 29) != SQLITE_NULL) {
		a->has_comment_count = 1;
		a->comment_count = sqlite3_column_int64(s, 29);
	}
	return a;
}

int
store_sqlite_article_get(struct store *st, int64_t id, struct article **ap,
    struct store_article_meta *m, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_ART_GET, ebuf, n);
	int rc;

	*ap = NULL;
	memset(m, 0, sizeof(*m));
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*ap = row_article(s, m);
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no article %lld",
		    st->path, (long long)id);
	else
		rc = store_db_error(st, ebuf, n, "article");
	store_reset(s);
	return rc;
}

int
store_sqlite_article_find(struct store *st, const char *ref, size_t max,
    struct store_ref **out, size_t *nout, char *ebuf, size_t n)
{
	/* A store number wins; the text columns are looked at only when
	 * no article has that number. */
	static const char sql[] =
	    "SELECT a.id, coalesce(f.name, f.url), a.title FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?2"
	    " UNION SELECT a.id, coalesce(f.name, f.url), a.title"
	    " FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = ?2)"
	    " AND (a.ident = ?1 OR a.guid = ?1 OR a.link = ?1)"
	    " ORDER BY 1 LIMIT ?3";
	struct store_ref *m;
	sqlite3_stmt *s;
	char *end;
	long long num;
	int rc;

	*out = NULL;
	*nout = 0;
	errno = 0;
	num = strtoll(ref, &end, 10);
	if (errno || end == ref || *end || num <= 0)
		num = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_db_error(st, ebuf, n, "find article");
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, num);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	m = xcalloc(max ? max : 1, sizeof(*m));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *nout < max) {
		const char *t = (const char *)sqlite3_column_text(s, 2);

		m[*nout].id = sqlite3_column_int64(s, 0);
		m[*nout].feed = xstrdup((const char *)sqlite3_column_text(s, 1));
		m[*nout].title = t ? xstrdup(t) : NULL;
		(*nout)++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "find article");
		sqlite3_finalize(s);
		store_refs_free(m, *nout);
		*nout = 0;
		return rc;
	}
	sqlite3_finalize(s);
	*out = m;
	return ERR_OK;
}

void
store_refs_free(struct store_ref *m, size_t n)
{
	size_t i;

	for (i = 0; m && i < n; i++) {
		free(m[i].feed);
		free(m[i].title);
	}
	free(m);
}

/* Walks the rows of s (bound, not yet stepped) through cb.  Statements
 * that read run in one implicit read transaction: the walk sees one
 * snapshot, whatever the writer does meanwhile. */
static int
walk(struct store *st, sqlite3_stmt *s, store_article_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_article_meta m;
	struct article *a;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		a = row_article(s, &m);
		rc = cb(ctx, a, &m);
		article_free(a);
		store_article_meta_clear(&m);
		if (rc != 0) {
			store_reset(s);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "articles");
	store_reset(s);
	return rc;
}

int
store_sqlite_articles_list(struct store *st, const struct store_filter *f,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_ART_LIST, ebuf, n);

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, f ? f->feed_id : 0);
	sqlite3_bind_int64(s, 2, f ? f->since : 0);
	sqlite3_bind_int64(s, 3, f && f->limit > 0 ? f->limit : -1);
	return walk(st, s, cb, ctx, ebuf, n);
}

/* Each word of q as an FTS5 string ("a" "b"): plain terms, no syntax. */
static char *
quote_terms(const char *q)
{
	struct buf b = { 0 };
	const char *p = q;
	size_t len;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t\n");
		if (b.len)
			buf_putc(&b, ' ');
		buf_putc(&b, '"');
		for (; len > 0; len--, p++) {
			if (*p == '"')
				buf_putc(&b, '"');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	return buf_detach(&b);
}

int
store_sqlite_search(struct store *st, const char *query, long limit,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_SEARCH, ebuf, n);
	char *quoted;
	int rc;

	if (s == NULL)
		return ERR_DB;
	store_bind_text(s, 1, query);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return walk(st, s, cb, ctx, ebuf, n);
	}
	store_reset(s);
	/* not FTS5 syntax (a stray quote, a lone AND): search the words */
	quoted = quote_terms(query);
	if (*quoted == '\0') {
		free(quoted);
		return ERR_OK;
	}
	store_bind_text(s, 1, quoted);
	sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1);
	rc = walk(st, s, cb, ctx, ebuf, n);
	free(quoted);
	return rc;
}
