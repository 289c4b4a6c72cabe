/*
 * The PostgreSQL store's lookups answered ahead (store_keys_ahead in
 * store.h, pg_ahead_* in store_pg_int.h): the keys a document's items
 * will be looked up by, fetched in one statement with the articles they
 * name and the batch feed's link rows, kept in two hash tables until the
 * batch ends.  The batch holds the batch lock (store_pg_int.h), so no
 * other process writes under it: what was fetched stays true but for the
 * batch's own writes, which store_pg_articles.c reports here.
 */

#include "config.h"

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

struct ahead_key {
	int		 used;
	int		 t;		/* PG_AHEAD_KEY or PG_AHEAD_FP */
	int64_t		 scope;
	unsigned char	 key[DEDUP_KEYLEN];
	int64_t		 id;		/* 0: no such key */
};

struct ahead_item {
	int		 used;
	int		 known;		/* it holds the link row */
	int		 exists;	/* -1: not known */
	int64_t		 id;
	struct store_item it;
};

/* Open addressing, linear probing, at most half full; sizes are powers
 * of two. */
struct pg_ahead {
	struct ahead_key *keys;
	size_t		 nkeys, keycap;
	struct ahead_item *items;
	size_t		 nitems, itemcap;
};

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
key_hash(int t, int64_t scope, const unsigned char *key)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return mix(h ^ (uint64_t)scope * 0x9e3779b97f4a7c15ULL ^ (uint64_t)t);
}

static struct pg_ahead *
ahead(struct store_pg *st)
{
	if (st->ahead == NULL)
		st->ahead = xcalloc(1, sizeof(*st->ahead));
	return st->ahead;
}

static struct ahead_key *
key_slot(struct ahead_key *tab, size_t cap, int t, int64_t scope,
    const unsigned char *key)
{
	size_t i = key_hash(t, scope, key) & (cap - 1);

	while (tab[i].used && !(tab[i].t == t && tab[i].scope == scope &&
	    memcmp(tab[i].key, key, DEDUP_KEYLEN) == 0))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static struct ahead_item *
item_slot(struct ahead_item *tab, size_t cap, int64_t id)
{
	size_t i = mix((uint64_t)id) & (cap - 1);

	while (tab[i].used && tab[i].id != id)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void
keys_grow(struct pg_ahead *a)
{
	struct ahead_key *old = a->keys, *s;
	size_t i, oldcap = a->keycap;

	a->keycap = oldcap ? 2 * oldcap : 256;
	a->keys = xcalloc(a->keycap, sizeof(*a->keys));
	for (i = 0; i < oldcap; i++)
		if (old[i].used) {
			s = key_slot(a->keys, a->keycap, old[i].t,
			    old[i].scope, old[i].key);
			*s = old[i];
		}
	free(old);
}

static void
items_grow(struct pg_ahead *a)
{
	struct ahead_item *old = a->items, *s;
	size_t i, oldcap = a->itemcap;

	a->itemcap = oldcap ? 2 * oldcap : 256;
	a->items = xcalloc(a->itemcap, sizeof(*a->items));
	for (i = 0; i < oldcap; i++)
		if (old[i].used) {
			s = item_slot(a->items, a->itemcap, old[i].id);
			*s = old[i];
		}
	free(old);
}

int
pg_ahead_key(struct store_pg *st, int t, int64_t scope,
    const unsigned char *key, int64_t *id)
{
	struct pg_ahead *a = st->ahead;
	struct ahead_key *s;

	if (a == NULL || a->nkeys == 0)
		return 0;
	s = key_slot(a->keys, a->keycap, t, scope, key);
	if (!s->used)
		return 0;
	*id = s->id;
	return 1;
}

void
pg_ahead_key_set(struct store_pg *st, int t, int64_t scope,
    const unsigned char *key, int64_t id)
{
	struct pg_ahead *a = ahead(st);
	struct ahead_key *s;

	if (2 * (a->nkeys + 1) > a->keycap)
		keys_grow(a);
	s = key_slot(a->keys, a->keycap, t, scope, key);
	if (!s->used) {
		s->used = 1;
		s->t = t;
		s->scope = scope;
		memcpy(s->key, key, DEDUP_KEYLEN);
		a->nkeys++;
	}
	s->id = id;
}

/* A key that was known to be missing names id now; one that named an
 * article keeps it (ON CONFLICT DO NOTHING); one not known stays so. */
void
pg_ahead_wrote(struct store_pg *st, int t, int64_t scope,
    const unsigned char *key, int64_t id)
{
	int64_t had;

	if (pg_ahead_key(st, t, scope, key, &had) && had == 0)
		pg_ahead_key_set(st, t, scope, key, id);
}

int
pg_ahead_item(struct store_pg *st, int64_t id, struct store_item *it,
    int *exists)
{
	struct pg_ahead *a = st->ahead;
	struct ahead_item *s;

	if (a == NULL || a->nitems == 0)
		return 0;
	s = item_slot(a->items, a->itemcap, id);
	if (!s->used || (it != NULL && !s->known) ||
	    (exists != NULL && s->exists < 0))
		return 0;
	if (it != NULL)
		*it = s->it;
	if (exists != NULL)
		*exists = s->exists;
	return 1;
}

void
pg_ahead_item_set(struct store_pg *st, int64_t id, const struct store_item *it,
    int exists)
{
	struct pg_ahead *a = ahead(st);
	struct ahead_item *s;

	if (2 * (a->nitems + 1) > a->itemcap)
		items_grow(a);
	s = item_slot(a->items, a->itemcap, id);
	if (!s->used) {
		s->used = 1;
		s->id = id;
		s->exists = -1;
		a->nitems++;
	}
	if (it != NULL) {
		s->it = *it;
		s->known = 1;
	}
	if (exists >= 0)
		s->exists = exists;
}

void
pg_ahead_clear(struct store_pg *st)
{
	struct pg_ahead *a = st->ahead;

	if (a == NULL)
		return;
	if (a->nkeys > 0)
		memset(a->keys, 0, a->keycap * sizeof(*a->keys));
	if (a->nitems > 0)
		memset(a->items, 0, a->itemcap * sizeof(*a->items));
	a->nkeys = a->nitems = 0;
}

void
pg_ahead_free(struct store_pg *st)
{
	if (st->ahead == NULL)
		return;
	free(st->ahead->keys);
	free(st->ahead->items);
	free(st->ahead);
	st->ahead = NULL;
}

/* One element of a bytea[] array literal: "\\x...". */
static void
put_bytes(struct buf *b, const unsigned char *key)
{
	char hex[2 * DEDUP_KEYLEN + 1];

	hash_hex(key, DEDUP_KEYLEN, hex);
	buf_printf(b, "%s\"\\\\x%s\"", b->len > 1 ? "," : "", hex);
}

static void
put_int(struct buf *b, int64_t v)
{
	buf_printf(b, "%s%lld", b->len > 1 ? "," : "", (long long)v);
}

static void
ask(struct buf *t, struct buf *s, struct buf *k, int kind, int64_t scope,
    const unsigned char *key)
{
	put_int(t, kind);
	put_int(s, scope);
	put_bytes(k, key);
}

int
store_pg_keys_ahead(struct store *sst, const struct store_key *k,
    size_t nkeys, int64_t day, const unsigned char *const *fps, size_t nfps,
    int *kept, char *ebuf, size_t n)
{
	struct store_pg *st = PG(sst);
	struct pg_params p = { 0 };
	struct buf t = { 0 }, s = { 0 }, key = { 0 };
	struct store_item it;
	unsigned char kb[DEDUP_KEYLEN];
	PGresult *r;
	size_t i, asked = 0;
	int64_t scope, id;
	int row, kind, rc;

	*kept = 1;
	if ((rc = pg_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if (nfps > 0 && (rc = pg_fp_prune(st, day, ebuf, n)) != ERR_OK)
		return rc;
	buf_putc(&t, '{');
	buf_putc(&s, '{');
	buf_putc(&key, '{');
	for (i = 0; i < nkeys; i++) {
		scope = k[i].global ? 0 : st->batch_feed;
		if (pg_ahead_key(st, PG_AHEAD_KEY, scope, k[i].key, &id))
			continue;
		ask(&t, &s, &key, PG_AHEAD_KEY, scope, k[i].key);
		asked++;
	}
	for (i = 0; i < 2 * nfps; i++) {
		scope = day - (int64_t)(i % 2);
		if (pg_ahead_key(st, PG_AHEAD_FP, scope, fps[i / 2], &id))
			continue;
		ask(&t, &s, &key, PG_AHEAD_FP, scope, fps[i / 2]);
		asked++;
	}
	buf_putc(&t, '}');
	buf_putc(&s, '}');
	buf_putc(&key, '}');
	if (asked == 0) {
		rc = ERR_OK;
		goto out;
	}
	pg_p_text(&p, buf_str(&t));
	pg_p_text(&p, buf_str(&s));
	pg_p_text(&p, buf_str(&key));
	pg_p_int(&p, st->batch_feed);
	/* every key with the article it names (0: none), whether that
	 * article exists, and the batch feed's link row to it */
	r = pg_run(st, P_AHEAD, "WITH q AS (SELECT q.t, q.s, q.k,"
	    " CASE WHEN q.t = 0 THEN (SELECT i.article_id FROM identity_keys i"
	    "  WHERE i.scope = q.s AND i.key = q.k)"
	    " ELSE (SELECT f.article_id FROM fingerprints f"
	    "  WHERE f.day = q.s AND f.fp = q.k) END AS id"
	    " FROM unnest($1::int[], $2::bigint[], $3::bytea[]) AS q(t, s, k))"
	    " SELECT q.t, q.s, q.k, coalesce(q.id, 0),"
	    " EXISTS (SELECT 1 FROM articles a WHERE a.id = q.id),"
	    " x.content_hash, x.removed, x.raw_hash, x.last_seen, x.article_id"
	    " FROM q LEFT JOIN article_feeds x ON x.article_id = q.id"
	    " AND x.feed_id = $4", &p, ebuf, n, "identity lookup");
	if (r == NULL) {
		rc = ERR_DB;
		goto out;
	}
	for (row = 0; row < PQntuples(r); row++) {
		kind = (int)pg_int(r, row, 0);
		scope = pg_int(r, row, 1);
		pg_bytes(r, row, 2, kb, DEDUP_KEYLEN);
		id = pg_int(r, row, 3);
		pg_ahead_key_set(st, kind, scope, kb, id);
		if (id == 0)
			continue;
		memset(&it, 0, sizeof(it));
		if (!pg_null(r, row, 9)) {
			pg_bytes(r, row, 5, it.hash, DEDUP_HASHLEN);
			it.removed = pg_int(r, row, 6) != 0;
			pg_bytes(r, row, 7, it.raw, DEDUP_HASHLEN);
			it.last_seen = pg_int(r, row, 8);
			it.have = 1;
		}
		pg_ahead_item_set(st, id, &it, pg_cstr(r, row, 4) != NULL &&
		    pg_cstr(r, row, 4)[0] == 't');
	}
	PQclear(r);
	rc = ERR_OK;
out:
	buf_free(&t);
	buf_free(&s);
	buf_free(&key);
	return rc;
}
