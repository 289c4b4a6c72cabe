/*
 * The PostgreSQL store's identity lookups, article writes, retention,
 * reading and search (store.h, store_pg_int.h).
 */

#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "buf.h"
#include "err.h"
#include "hash.h"
#include "store.h"
#include "store_pg_int.h"
#include "xmalloc.h"

/* ---- identity: lookups by key ---- */

int
store_pg_key_get(struct store *sst, const unsigned char *key, int global,
    int64_t *id, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	*id = 0;
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, global ? 0 : st->batch_feed);
	pg_p_bytes(&p, key, DEDUP_KEYLEN);
	if ((r = pg_run(st, P_KEY_GET, "SELECT article_id FROM identity_keys"
	    " WHERE scope = $1 AND key = $2", &p, ebuf, n,
	    "identity lookup")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		*id = pg_int(r, 0, 0);
	PQclear(r);
	return ERR_OK;
}

/* Up to three keys a statement (a round trip each): fewer keys repeat the
 * last one, which the second time is ignored like any known key. */
int
store_pg_keys_put(struct store *sst, int64_t id, const struct store_key *k,
    size_t nkeys, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	size_t i, j, at;
	int rc;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	for (at = 0; at < nkeys; at += 3) {
		for (i = 0; i < 3; i++) {
			j = at + i < nkeys ? at + i : nkeys - 1;
			pg_p_int(&p, k[j].global ? 0 : st->batch_feed);
			pg_p_bytes(&p, k[j].key, DEDUP_KEYLEN);
			pg_p_int(&p, k[j].kind);
		}
		pg_p_int(&p, id);
		/* a key already known keeps the article it names */
		if ((rc = pg_do(st, P_KEYS_PUT, "INSERT INTO identity_keys"
		    " (scope, key, kind, article_id) VALUES ($1, $2, $3, $10),"
		    " ($4, $5, $6, $10), ($7, $8, $9, $10)"
		    " ON CONFLICT (scope, key) DO NOTHING", &p, ebuf, n,
		    "identity key")) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

int
store_pg_fp_get(struct store *sst, int64_t day, const unsigned char *fp,
    int64_t *id, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	*id = 0;
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if (st->fp_day == 0 || day > st->fp_day) {
		pg_p_int(&p, day - 1);
		if ((rc = pg_do(st, P_FP_PRUNE, "DELETE FROM fingerprints"
		    " WHERE day < $1", &p, ebuf, n, "fingerprints")) != ERR_OK)
			return rc;
		st->fp_day = day;
	}
	pg_p_int(&p, day);
	pg_p_bytes(&p, fp, DEDUP_KEYLEN);
	if ((r = pg_run(st, P_FP_GET, "SELECT article_id FROM fingerprints"
	    " WHERE day = $1 AND fp = $2", &p, ebuf, n,
	    "fingerprint lookup")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		*id = pg_int(r, 0, 0);
	PQclear(r);
	return ERR_OK;
}

int
store_pg_fp_put(struct store *sst, int64_t day, const unsigned char *fp,
    int64_t id, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, day);
	pg_p_bytes(&p, fp, DEDUP_KEYLEN);
	pg_p_int(&p, id);
	return pg_do(st, P_FP_PUT, "INSERT INTO fingerprints (day, fp,"
	    " article_id) VALUES ($1, $2, $3) ON CONFLICT (day, fp) DO NOTHING",
	    &p, ebuf, n, "fingerprint");
}

int
store_pg_item_get(struct store *sst, int64_t id, struct store_item *it,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	memset(it, 0, sizeof(*it));
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, id);
	pg_p_int(&p, st->batch_feed);
	if ((r = pg_run(st, P_AF_GET, "SELECT content_hash, removed, raw_hash,"
	    " last_seen FROM article_feeds WHERE article_id = $1"
	    " AND feed_id = $2", &p, ebuf, n, "article link")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0) {
		pg_bytes(r, 0, 0, it->hash, DEDUP_HASHLEN);
		it->removed = pg_int(r, 0, 1) != 0;
		pg_bytes(r, 0, 2, it->raw, DEDUP_HASHLEN);
		it->last_seen = pg_int(r, 0, 3);
		it->have = 1;
	}
	PQclear(r);
	return ERR_OK;
}

int
store_pg_item_seen(struct store *sst, int64_t id, const struct store_item *it,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_seen_add(st, id);
	if (it->last_seen + STORE_SEEN_RESOLUTION > now &&
	    memcmp(it->raw, raw, DEDUP_HASHLEN) == 0)
		return ERR_OK;
	pg_p_int(&p, id);
	pg_p_int(&p, st->batch_feed);
	pg_p_int(&p, now);
	pg_p_bytes(&p, raw, DEDUP_HASHLEN);
	return pg_do(st, P_AF_SEEN, "UPDATE article_feeds SET last_seen = $3,"
	    " raw_hash = $4 WHERE article_id = $1 AND feed_id = $2", &p, ebuf,
	    n, "seen");
}

static int
exists(struct store_pg *st, int id, const char *sql, struct pg_params *p,
    int *yes, char *ebuf, size_t n, const char *what)
{
	PGresult *r;

	*yes = 0;
	if ((r = pg_run(st, id, sql, p, ebuf, n, what)) == NULL)
		return ERR_DB;
	*yes = PQntuples(r) > 0;
	PQclear(r);
	return ERR_OK;
}

int
store_pg_article_exists(struct store *sst, int64_t id, int *yes, char *ebuf,
    size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, id);
	return exists(PG(sst), P_ART_EXISTS, "SELECT 1 FROM articles"
	    " WHERE id = $1", &p, yes, ebuf, n, "article");
}

int
store_pg_ident_taken(struct store *sst, const char *ident, int *yes,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	int rc;

	*yes = 0;
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, st->batch_feed);
	pg_p_text(&p, ident);
	return exists(st, P_IDENT_TAKEN, "SELECT 1 FROM article_feeds x"
	    " JOIN articles a ON a.id = x.article_id"
	    " WHERE x.feed_id = $1 AND a.feed_id = $1 AND a.ident = $2"
	    " LIMIT 1", &p, yes, ebuf, n, "identity");
}

/* ---- article writes ---- */

/* The record's fields in the order of the inserts and updates below:
 * ident .. language (16 values). */
static void
p_record(struct pg_params *p, const struct article *a, const char *ident,
    const char *cats, const char *encs)
{
	pg_p_text(p, ident);
	pg_p_text(p, a->guid);
	pg_p_text(p, a->link);
	pg_p_text(p, a->title);
	pg_p_text(p, a->author);
	if (a->has_published) {
		pg_p_int(p, a->published.utc);
		pg_p_int(p, a->published.tzoff);
	} else {
		pg_p_null(p);
		pg_p_null(p);
	}
	if (a->has_updated) {
		pg_p_int(p, a->updated.utc);
		pg_p_int(p, a->updated.tzoff);
	} else {
		pg_p_null(p);
		pg_p_null(p);
	}
	pg_p_text(p, a->summary);
	pg_p_text(p, a->content);
	pg_p_text(p, a->text);
	pg_p_text(p, cats ? cats : "[]");
	pg_p_text(p, encs ? encs : "[]");
	pg_p_text(p, a->comments);
	pg_p_text(p, a->language);
}

/* image, duration, comment_count */
static void
p_extras(struct pg_params *p, const struct article *a)
{
	pg_p_text(p, a->image);
	if (a->has_duration)
		pg_p_int(p, a->duration);
	else
		pg_p_null(p);
	if (a->has_comment_count)
		pg_p_int(p, a->comment_count);
	else
		pg_p_null(p);
}

/* The event of an article the batch's feed updated or brought again:
 * the feed as it is now, and the article's first feed (what a replay
 * renders with). */
static int
event_put(struct store_pg *st, int64_t article, enum store_event_kind kind,
    int revision, int64_t now, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	if (st->quiet)
		return ERR_OK;
	pg_p_int(&p, article);
	pg_p_int(&p, st->batch_feed);
	pg_p_text(&p, store_event_kind_name(kind));
	pg_p_int(&p, revision);
	pg_p_int(&p, now);
	if ((r = pg_run(st, P_EVENT_INSERT, "INSERT INTO events (article_id,"
	    " feed_id, kind, revision, created, feed_url, feed_name,"
	    " feed_title, origin_url)"
	    " SELECT $1, f.id, $3, $4, $5, f.url, f.name, f.title,"
	    " (SELECT g.url FROM articles a JOIN feeds g"
	    "  ON g.id = a.feed_id WHERE a.id = $1)"
	    " FROM feeds f WHERE f.id = $2 RETURNING seq", &p, ebuf, n,
	    "outbox")) == NULL)
		return ERR_DB;
	if (st->batch_ev == 0 && PQntuples(r) > 0)
		st->batch_ev = pg_int(r, 0, 0);
	PQclear(r);
	return ERR_OK;
}

static int
item_put(struct store_pg *st, int insert, int duplicate, int64_t id,
    const struct article *a, const unsigned char *hash,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, id);
	pg_p_int(&p, st->batch_feed);
	pg_p_text(&p, a->guid);
	pg_p_bytes(&p, hash, DEDUP_HASHLEN);
	pg_p_bytes(&p, raw, DEDUP_HASHLEN);
	pg_p_int(&p, now);
	if (insert) {
		pg_p_int(&p, duplicate);
		return pg_do(st, P_AF_INSERT, "INSERT INTO article_feeds"
		    " (article_id, feed_id, guid, content_hash, raw_hash,"
		    " first_seen, last_seen, is_duplicate)"
		    " VALUES ($1, $2, $3, $4, $5, $6, $6, $7)", &p, ebuf, n,
		    duplicate ? "link duplicate" : "link article");
	}
	return pg_do(st, P_AF_UPDATE, "UPDATE article_feeds SET guid = $3,"
	    " content_hash = $4, raw_hash = $5, last_seen = $6"
	    " WHERE article_id = $1 AND feed_id = $2", &p, ebuf, n,
	    "link article");
}

int
store_pg_article_add(struct store *sst, const struct article *a,
    const char *ident, const unsigned char *hash, const unsigned char *raw,
    int64_t now, int64_t *idp, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	PGresult *r;
	int64_t sort, id;
	int rc;

	*idp = 0;
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	cats = store_categories_json(a);
	encs = store_enclosures_json(a);
	hash_hex(hash, DEDUP_HASHLEN, hexhash);
	sort = now;
	if (a->has_published && a->published.utc < sort)
		sort = a->published.utc;
	pg_p_int(&p, st->batch_feed);
	p_record(&p, a, ident != NULL ? ident : a->id, cats, encs);
	pg_p_int(&p, now);
	pg_p_int(&p, sort);
	pg_p_text(&p, hexhash);
	p_extras(&p, a);
	pg_p_bytes(&p, hash, DEDUP_HASHLEN);
	pg_p_bytes(&p, raw, DEDUP_HASHLEN);
	pg_p_int(&p, st->quiet);
	/* the article, the feed's item and the "new" event (the feed as it
	 * is now, and this feed as the article's origin) in one statement:
	 * one round trip rather than three */
	r = pg_run(st, P_ART_INSERT, "WITH a AS (INSERT INTO articles (feed_id,"
	    " ident, guid, link, title, author, published, published_tz,"
	    " updated, updated_tz, summary, content, text, categories,"
	    " enclosures, comments, language, first_seen, changed, sort_time,"
	    " content_hash, image, duration, comment_count)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
	    " $14, $15, $16, $17, $18, $18, $19, $20, $21, $22, $23)"
	    " RETURNING id),"
	    " x AS (INSERT INTO article_feeds (article_id, feed_id, guid,"
	    " content_hash, raw_hash, first_seen, last_seen, is_duplicate)"
	    " SELECT id, $1, $3, $24, $25, $18, $18, 0 FROM a),"
	    " e AS (INSERT INTO events (article_id, feed_id, kind, revision,"
	    " created, feed_url, feed_name, feed_title, origin_url)"
	    " SELECT a.id, f.id, 'new', 1, $18, f.url, f.name, f.title, f.url"
	    " FROM a, feeds f WHERE f.id = $1 AND $26 = 0 RETURNING seq)"
	    " SELECT (SELECT id FROM a), (SELECT seq FROM e)", &p, ebuf, n,
	    "add article");
	free(cats);
	free(encs);
	if (r == NULL)
		return ERR_DB;
	id = pg_int(r, 0, 0);
	if (st->batch_ev == 0)
		st->batch_ev = pg_int(r, 0, 1);
	PQclear(r);
	*idp = id;
	pg_seen_add(st, id);
	return ERR_OK;
}

int
store_pg_article_update(struct store *sst, int64_t id, const struct article *a,
    const unsigned char *hash, const unsigned char *raw, int64_t now,
    char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct article copy;
	char *cats, *encs, hexhash[2 * DEDUP_HASHLEN + 1];
	PGresult *r;
	int rc, revision = 0;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_seen_add(st, id);
	/* the version being replaced is kept in article_revisions */
	pg_p_int(&p, id);
	pg_p_int(&p, now);
	if ((rc = pg_do(st, P_REV_SAVE, "INSERT INTO article_revisions"
	    " (article_id, revision, title, link, author, published,"
	    " published_tz, updated, updated_tz, summary, content, text,"
	    " content_hash, replaced)"
	    " SELECT id, revision, title, link, author, published,"
	    " published_tz, updated, updated_tz, summary, content, text,"
	    " content_hash, $2 FROM articles WHERE id = $1"
	    " ON CONFLICT (article_id, revision) DO UPDATE SET"
	    " title = excluded.title, link = excluded.link,"
	    " author = excluded.author, published = excluded.published,"
	    " published_tz = excluded.published_tz,"
	    " updated = excluded.updated, updated_tz = excluded.updated_tz,"
	    " summary = excluded.summary, content = excluded.content,"
	    " text = excluded.text, content_hash = excluded.content_hash,"
	    " replaced = excluded.replaced", &p, ebuf, n,
	    "keep revision")) != ERR_OK)
		return rc;
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
	pg_p_int(&p, id);
	p_record(&p, &copy, a->id, cats, encs);
	pg_p_int(&p, now);
	pg_p_text(&p, hexhash);
	p_extras(&p, a);
	r = pg_run(st, P_ART_UPDATE, "UPDATE articles SET ident = CASE"
	    " WHEN substr(ident, 1, length($2::text) + 2) = $2::text || ' #'"
	    " THEN ident ELSE $2::text END, guid = $3, link = $4,"
	    " title = $5, author = $6, published = $7, published_tz = $8,"
	    " updated = $9, updated_tz = $10, summary = $11, content = $12,"
	    " text = $13, categories = $14, enclosures = $15, comments = $16,"
	    " language = $17, changed = $18, content_hash = $19, image = $20,"
	    " duration = $21, comment_count = $22,"
	    " revision = revision + 1 WHERE id = $1 RETURNING revision", &p,
	    ebuf, n, "update article");
	free(cats);
	free(encs);
	if (r == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		revision = (int)pg_int(r, 0, 0);
	PQclear(r);
	if ((rc = item_put(st, 0, 0, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, STORE_EV_UPDATE, revision, now, ebuf, n);
}

int
store_pg_article_link(struct store *sst, int64_t id, const struct article *a,
    const unsigned char *hash, const unsigned char *raw,
    enum store_event_kind kind, int64_t now, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	int rc;

	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_seen_add(st, id);
	if ((rc = item_put(st, 1, 1, id, a, hash, raw, now, ebuf, n)) != ERR_OK)
		return rc;
	return event_put(st, id, kind, 1, now, ebuf, n);
}

int
store_pg_feed_note_identity(struct store *sst, enum dedup_identity mode,
    const char *reason, long churn_delta, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };

	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch",
		    st->path);
	pg_p_int(&p, st->batch_feed);
	pg_p_text(&p, dedup_identity_name(mode));
	pg_p_text(&p, reason);
	pg_p_int(&p, churn_delta);
	return pg_do(st, P_FEED_IDENTITY, "UPDATE feeds SET identity_mode = $2,"
	    " identity_reason = $3, guid_churn = guid_churn + $4 WHERE id = $1"
	    " AND (identity_mode IS DISTINCT FROM $2"
	    " OR identity_reason IS DISTINCT FROM $3 OR $4 != 0)", &p, ebuf, n,
	    "identity");
}

/* ---- retention ---- */

static int
idcmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
in_batch_doc(const struct store_pg *st, int64_t id)
{
	return bsearch(&id, st->seen, st->nseen, sizeof(*st->seen),
	    idcmp) != NULL;
}

/* A number for this batch's removals, distinct from every earlier one. */
static int
take_gen(struct store_pg *st, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	if (st->batch_gen != 0)
		return ERR_OK;
	pg_p_int(&p, st->batch_feed);
	if ((r = pg_run(st, P_FEED_GEN, "UPDATE feeds SET batch_gen ="
	    " batch_gen + 1 WHERE id = $1 RETURNING batch_gen", &p, ebuf, n,
	    "retention")) == NULL)
		return ERR_DB;
	st->batch_gen = PQntuples(r) > 0 ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return ERR_OK;
}

static int
mark_removed(struct store_pg *st, int64_t id, long *removed, char *ebuf,
    size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;
	int rc;

	if ((rc = take_gen(st, ebuf, n)) != ERR_OK)
		return rc;
	pg_p_int(&p, id);
	pg_p_int(&p, st->batch_feed);
	pg_p_int(&p, st->batch_gen);
	if ((r = pg_run(st, P_RET_MARK, "UPDATE article_feeds SET removed = $3"
	    " WHERE article_id = $1 AND feed_id = $2 AND removed = 0", &p,
	    ebuf, n, "retention")) == NULL)
		return ERR_DB;
	*removed += pg_changes(r);
	PQclear(r);
	return ERR_OK;
}

int
store_pg_retention(struct store *sst, int64_t max_age, long max_count,
    int64_t now, long *removed, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	size_t present = 0, slots;
	int i, rc = ERR_OK;

	*removed = 0;
	if (!st->in_batch)
		return err_set(ebuf, n, ERR_INVALID, "%s: retention outside a "
		    "batch", st->path);
	qsort(st->seen, st->nseen, sizeof(*st->seen), idcmp);
	if (max_age > 0) {
		pg_p_int(&p, st->batch_feed);
		pg_p_int(&p, now - max_age);
		if ((r = pg_run(st, P_RET_AGE, "SELECT x.article_id"
		    " FROM article_feeds x JOIN articles a"
		    " ON a.id = x.article_id WHERE x.feed_id = $1"
		    " AND x.removed = 0 AND a.sort_time < $2", &p, ebuf, n,
		    "retention")) == NULL)
			return ERR_DB;
		for (i = 0; i < PQntuples(r) && rc == ERR_OK; i++)
			if (!in_batch_doc(st, pg_int(r, i, 0)))
				rc = mark_removed(st, pg_int(r, i, 0), removed,
				    ebuf, n);
		PQclear(r);
		if (rc != ERR_OK)
			return rc;
	}
	if (max_count > 0) {
		pg_p_int(&p, st->batch_feed);
		if ((r = pg_run(st, P_RET_COUNT, "SELECT x.article_id"
		    " FROM article_feeds x JOIN articles a"
		    " ON a.id = x.article_id WHERE x.feed_id = $1"
		    " AND x.removed = 0 ORDER BY a.sort_time DESC, a.id DESC",
		    &p, ebuf, n, "retention")) == NULL)
			return ERR_DB;
		/* the latest document's items always stay and take their
		 * places first; the newest others fill what is left */
		for (i = 0; i < PQntuples(r); i++)
			present += in_batch_doc(st, pg_int(r, i, 0));
		slots = present < (size_t)max_count ? max_count - present : 0;
		for (i = 0; i < PQntuples(r) && rc == ERR_OK; i++) {
			if (in_batch_doc(st, pg_int(r, i, 0)))
				continue;
			if (slots > 0) {
				slots--;
				continue;
			}
			rc = mark_removed(st, pg_int(r, i, 0), removed, ebuf,
			    n);
		}
		PQclear(r);
		if (rc != ERR_OK)
			return rc;
	}
	if (*removed == 0)
		return ERR_OK;
	/* revisions go with their article (ON DELETE CASCADE); the
	 * full-text entry is a column of the row */
	pg_p_int(&p, st->batch_feed);
	pg_p_int(&p, st->batch_gen);
	return pg_do(st, P_RET_DELETE, "DELETE FROM articles WHERE id IN"
	    " (SELECT article_id FROM article_feeds"
	    "  WHERE feed_id = $1 AND removed = $2)"
	    " AND NOT EXISTS (SELECT 1 FROM article_feeds x"
	    "  WHERE x.article_id = articles.id AND x.removed = 0)", &p, ebuf, n,
	    "retention");
}

/* ---- reading ---- */


static struct article *
row_article(PGresult *r, int i, struct store_article_meta *m)
{
	struct article *a = article_new();
	const char *h;

	memset(m, 0, sizeof(*m));
	m->id = pg_int(r, i, 0);
	m->feed_id = pg_int(r, i, 1);
	a->id = pg_str(r, i, 2);
	a->guid = pg_str(r, i, 3);
	a->link = pg_str(r, i, 4);
	a->title = pg_str(r, i, 5);
	a->author = pg_str(r, i, 6);
	if (!pg_null(r, i, 7)) {
		a->has_published = 1;
		a->published.utc = pg_int(r, i, 7);
		a->published.tzoff = (int)pg_int(r, i, 8);
	}
	if (!pg_null(r, i, 9)) {
		a->has_updated = 1;
		a->updated.utc = pg_int(r, i, 9);
		a->updated.tzoff = (int)pg_int(r, i, 10);
	}
	a->summary = pg_str(r, i, 11);
	a->content = pg_str(r, i, 12);
	a->text = pg_str(r, i, 13);
	store_json_categories(a, pg_cstr(r, i, 14));
	store_json_enclosures(a, pg_cstr(r, i, 15));
	a->comments = pg_str(r, i, 16);
	a->language = pg_str(r, i, 17);
	m->first_seen = pg_int(r, i, 18);
	m->changed = pg_int(r, i, 19);
	if ((h = pg_cstr(r, i, 20)) != NULL)
		snprintf(m->content_hash, sizeof(m->content_hash), "%s", h);
	m->revision = (int)pg_int(r, i, 21);
	m->feed_url = pg_str(r, i, 22);
	m->feed_name = pg_str(r, i, 23);
	m->feed_title = pg_str(r, i, 24);
	m->last_seen = pg_int(r, i, 25);
	m->nfeeds = (int)pg_int(r, i, 26);
	a->image = pg_str(r, i, 27);
	if (!pg_null(r, i, 28)) {
		a->has_duration = 1;
		a->duration = pg_int(r, i, 28);
	}
	if (!pg_null(r, i, 29)) {
		a->has_comment_count = 1;
		a->comment_count = pg_int(r, i, 29);
	}
	return a;
}

int
store_pg_article_get(struct store *sst, int64_t id, struct article **ap,
    struct store_article_meta *m, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	PGresult *r;
	int rc = ERR_OK;

	*ap = NULL;
	memset(m, 0, sizeof(*m));
	pg_p_int(&p, id);
	if ((r = pg_run(st, P_ART_GET, "SELECT " STORE_ART_COLS " FROM articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.id = $1", &p, ebuf, n,
	    "article")) == NULL)
		return ERR_DB;
	if (PQntuples(r) > 0)
		*ap = row_article(r, 0, m);
	else
		rc = err_set(ebuf, n, ERR_NOTFOUND, "%s: no article %lld",
		    st->path, (long long)id);
	PQclear(r);
	return rc;
}

int
store_pg_article_find(struct store *sst, const char *ref, size_t max,
    struct store_ref **out, size_t *nout, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct store_ref *m;
	PGresult *r;
	char *end;
	long long num;
	int i;

	*out = NULL;
	*nout = 0;
	errno = 0;
	num = strtoll(ref, &end, 10);
	if (errno || end == ref || *end || num <= 0)
		num = -1;
	pg_p_text(&p, ref);
	pg_p_int(&p, num);
	pg_p_int(&p, (int64_t)max);
	/* a store number wins; the text columns are looked at only when
	 * no article has that number */
	if ((r = pg_run(st, P_ART_FIND, "SELECT a.id, coalesce(f.name, f.url),"
	    " a.title FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE a.id = $2"
	    " UNION SELECT a.id, coalesce(f.name, f.url), a.title"
	    " FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = $2)"
	    " AND (a.ident = $1 OR a.guid = $1 OR a.link = $1)"
	    " ORDER BY 1 LIMIT $3", &p, ebuf, n, "find article")) == NULL)
		return ERR_DB;
	m = xcalloc(max ? max : 1, sizeof(*m));
	for (i = 0; i < PQntuples(r) && *nout < max; i++) {
		m[*nout].id = pg_int(r, i, 0);
		m[*nout].feed = xstrdup(pg_cstr(r, i, 1) ? pg_cstr(r, i, 1) : "");
		m[*nout].title = pg_str(r, i, 2);
		(*nout)++;
	}
	PQclear(r);
	*out = m;
	return ERR_OK;
}

/* Calls cb for each article row of r, until it returns non-zero; clears
 * r. */
static int
walk(PGresult *r, store_article_fn cb, void *ctx)
{
	struct store_article_meta m;
	struct article *a;
	int i, rc = 0;

	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		a = row_article(r, i, &m);
		rc = cb(ctx, a, &m);
		article_free(a);
		store_article_meta_clear(&m);
	}
	PQclear(r);
	return rc;
}

int
store_pg_articles_list(struct store *sst, const struct store_filter *f,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	pg_p_int(&p, f ? f->feed_id : 0);
	pg_p_int(&p, f ? f->since : 0);
	if (f && f->limit > 0)
		pg_p_int(&p, f->limit);
	else
		pg_p_null(&p);
	if ((r = pg_run(PG(sst), P_ART_LIST, "SELECT " STORE_ART_COLS
	    " FROM articles a JOIN feeds f ON f.id = a.feed_id"
	    " WHERE ($1 = 0 OR EXISTS (SELECT 1 FROM article_feeds y"
	    "  WHERE y.article_id = a.id AND y.feed_id = $1 AND y.removed = 0))"
	    " AND a.sort_time >= $2"
	    " ORDER BY a.sort_time DESC, a.id DESC LIMIT $3", &p, ebuf, n,
	    "articles")) == NULL)
		return ERR_DB;
	return walk(r, cb, ctx);
}

/*
 * `tidings search` takes FTS5 syntax (store.h); here it becomes a tsquery
 * expression in SQL over the 'simple' configuration:
 *
 *   word, "a phrase"   phraseto_tsquery (a phrase: its words in order)
 *   pre*               to_tsquery('pre':*)
 *   a b, a AND b       &&          a OR b   ||
 *   a NOT b            a && !!b    ( ... )  grouping
 *
 * with FTS5's precedence (NOT, then AND, then OR).  Each word or phrase
 * is a parameter.  A query that is not valid syntax is searched as plain
 * words (plainto_tsquery), as on SQLite.
 */
struct fts {
	const char	*s;
	struct buf	 sql;
	struct pg_params *p;
	char		*terms[PG_MAXP];
	int		 nterms;
	int		 bad;
};

enum { T_END, T_LP, T_RP, T_AND, T_OR, T_NOT, T_TERM, T_PHRASE };

/* The next token; a term's text (unquoted) in *text, the caller's. */
static int
fts_next(struct fts *q, char **text, int peek)
{
	const char *s = q->s, *start;
	struct buf b = { 0 };
	int t;

	*text = NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '\0')
		t = T_END;
	else if (*s == '(') {
		t = T_LP;
		s++;
	} else if (*s == ')') {
		t = T_RP;
		s++;
	} else if (*s == '"') {
		for (s++;; s++) {
			if (*s == '\0') {
				q->bad = 1;
				break;
			}
			if (*s == '"' && s[1] == '"') {
				buf_putc(&b, '"');
				s++;
			} else if (*s == '"') {
				s++;
				break;
			} else
				buf_putc(&b, *s);
		}
		t = T_PHRASE;
		if (*s == '*')
			s++;	/* a phrase's last word as a prefix: the
				 * phrase as it is */
		*text = buf_detach(&b);
	} else {
		start = s;
		s += strcspn(s, " \t\n\r()\"");
		if ((size_t)(s - start) == 3 && strncmp(start, "AND", 3) == 0)
			t = T_AND;
		else if ((size_t)(s - start) == 2 &&
		    strncmp(start, "OR", 2) == 0)
			t = T_OR;
		else if ((size_t)(s - start) == 3 &&
		    strncmp(start, "NOT", 3) == 0)
			t = T_NOT;
		else {
			t = T_TERM;
			*text = xstrndup(start, (size_t)(s - start));
		}
	}
	if (peek) {
		free(*text);
		*text = NULL;
	} else
		q->s = s;
	return t;
}

static void fts_or(struct fts *q);

static void
fts_term(struct fts *q, int t, char *text)
{
	size_t len = strlen(text);
	int prefix = t == T_TERM && len > 1 && text[len - 1] == '*';

	if (q->nterms >= PG_MAXP - 1) {
		q->bad = 1;
		free(text);
		return;
	}
	if (prefix)
		text[len - 1] = '\0';
	q->terms[q->nterms++] = text;
	pg_p_text(q->p, text);
	if (prefix)
		buf_printf(&q->sql, "to_tsquery('simple', quote_literal($%d)"
		    " || ':*')", q->p->n);
	else
		buf_printf(&q->sql, "phraseto_tsquery('simple', $%d)",
		    q->p->n);
}

static void
fts_primary(struct fts *q)
{
	char *text;
	int t = fts_next(q, &text, 0);

	if (t == T_LP) {
		buf_putc(&q->sql, '(');
		fts_or(q);
		buf_putc(&q->sql, ')');
		if (fts_next(q, &text, 0) != T_RP)
			q->bad = 1;
		free(text);
	} else if (t == T_TERM || t == T_PHRASE)
		fts_term(q, t, text);
	else {
		free(text);
		q->bad = 1;
	}
}

static void
fts_not(struct fts *q)
{
	char *text;

	buf_putc(&q->sql, '(');
	fts_primary(q);
	while (!q->bad && fts_next(q, &text, 1) == T_NOT) {
		fts_next(q, &text, 0);
		buf_puts(&q->sql, " && !!");
		fts_primary(q);
	}
	buf_putc(&q->sql, ')');
}

static void
fts_and(struct fts *q)
{
	char *text;
	int t;

	fts_not(q);
	while (!q->bad) {
		t = fts_next(q, &text, 1);
		if (t == T_AND)
			fts_next(q, &text, 0);
		else if (t != T_TERM && t != T_PHRASE && t != T_LP)
			break;
		buf_puts(&q->sql, " && ");
		fts_not(q);
	}
}

static void
fts_or(struct fts *q)
{
	char *text;

	fts_and(q);
	while (!q->bad && fts_next(q, &text, 1) == T_OR) {
		fts_next(q, &text, 0);
		buf_puts(&q->sql, " || ");
		fts_and(q);
	}
}

int
store_pg_search(struct store *sst, const char *query, long limit,
    store_article_fn cb, void *ctx, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct fts q;
	struct buf sql = { 0 };
	PGresult *r;
	char *text;
	int i;

	memset(&q, 0, sizeof(q));
	q.s = query;
	q.p = &p;
	if (fts_next(&q, &text, 1) == T_END)
		return ERR_OK;
	fts_or(&q);
	if (!q.bad && fts_next(&q, &text, 0) != T_END) {
		free(text);
		q.bad = 1;
	}
	buf_puts(&sql, "WITH q AS (SELECT ");
	if (q.bad) {
		/* not FTS5 syntax (a stray quote, a lone AND): the words */
		pg_p_free(&p);
		pg_p_text(&p, query);
		buf_puts(&sql, "plainto_tsquery('simple', $1)");
	} else
		buf_puts(&sql, buf_str(&q.sql));
	pg_p_int(&p, limit > 0 ? limit : 0);
	buf_printf(&sql, " AS q) SELECT " STORE_ART_COLS " FROM q, articles a"
	    " JOIN feeds f ON f.id = a.feed_id WHERE a.fts @@ q.q"
	    " ORDER BY ts_rank(a.fts, q.q) DESC, a.id"
	    " LIMIT nullif($%d::bigint, 0)", p.n);
	r = pg_run(st, -1, buf_str(&sql), &p, ebuf, n, "search");
	for (i = 0; i < q.nterms; i++)
		free(q.terms[i]);
	buf_free(&q.sql);
	buf_free(&sql);
	if (r == NULL)
		return ERR_DB;
	return walk(r, cb, ctx);
}
