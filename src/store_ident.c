/*
 * The identity lookups by key and the fingerprint index that dedup decides
 * with, and the batch feed's items (store.h, "Identity").
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* ---- identity: lookups by key ---- */

/* Lookups and writes of the batch's feed: outside a batch there is none. */
int
store_need_batch(struct store *st, char *ebuf, size_t n)
{
	if (st->in_batch)
		return ERR_OK;
	return err_set(ebuf, n, ERR_INVALID, "%s: outside a batch", st->path);
}

int
store_sqlite_key_get(struct store *st, const unsigned char *key, int global,
    int64_t *id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	*id = 0;
	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_KEY_GET, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, global ? 0 : st->batch_feed);
	sqlite3_bind_blob(s, 2, key, DEDUP_KEYLEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "identity lookup");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	return ERR_OK;
}

/* SQLite's lookups are cheap: each is made when it is asked. */
int
store_sqlite_keys_ahead(struct store *st, const struct store_key *k,
    size_t nkeys, int64_t day, const unsigned char *const *fps, size_t nfps,
    int *kept, char *ebuf, size_t n)
{
	(void)k;
	(void)nkeys;
	(void)day;
	(void)fps;
	(void)nfps;
	*kept = 0;
	return store_need_batch(st, ebuf, n);
}

/* Up to three keys a statement: fewer keys repeat the last one, which the
 * second time is ignored like any known key. */
int
store_sqlite_keys_put(struct store *st, int64_t id, const struct store_key *k,
    size_t nkeys, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	size_t i, j, at;
	int rc;

	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	for (at = 0; at < nkeys; at += 3) {
		if ((s = store_stmt(st, S_KEYS_PUT, ebuf, n)) == NULL)
			return ERR_DB;
		for (i = 0; i < 3; i++) {
			j = at + i < nkeys ? at + i : nkeys - 1;
			sqlite3_bind_int64(s, 3 * i + 1, k[j].global ? 0 :
			    st->batch_feed);
			sqlite3_bind_blob(s, 3 * i + 2, k[j].key, DEDUP_KEYLEN,
			    SQLITE_STATIC);
			sqlite3_bind_int(s, 3 * i + 3, k[j].kind);
		}
		sqlite3_bind_int64(s, 10, id);
		if ((rc = store_run(st, s, ebuf, n, "identity key")) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static uint64_t
fp_prefix(const unsigned char *fp)
{
	uint64_t v;

	memcpy(&v, fp, sizeof(v));
	return v;
}

static void
fp_add(struct fp_index *x, uint64_t prefix, int64_t row)
{
	size_t i, mask;

	if (2 * (x->n + 1) > x->cap) {
		struct fp_slot *old = x->slot;
		size_t oldcap = x->cap;

		x->cap = x->cap ? 2 * x->cap : 1024;
		x->slot = xcalloc(x->cap, sizeof(*x->slot));
		x->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].row != 0)
				fp_add(x, old[i].prefix, old[i].row);
		free(old);
	}
	mask = x->cap - 1;
	for (i = prefix & mask; x->slot[i].row != 0; i = (i + 1) & mask)
		;
	x->slot[i].prefix = prefix;
	x->slot[i].row = row;
	x->n++;
	if (row > x->last)
		x->last = row;
}

/* Adds the rows above x->last: those of other writers since our last
 * batch, or all of them after a reset. */
static int
fp_catch_up(struct store *st, char *ebuf, size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_FP_SINCE, ebuf, n);
	int rc;

	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->fps.last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) >= 8)
			fp_add(&st->fps, fp_prefix(sqlite3_column_blob(s, 1)),
			    sqlite3_column_int64(s, 0));
	}
	rc = rc == SQLITE_DONE ? ERR_OK :
	    store_db_error(st, ebuf, n, "fingerprints");
	store_reset(s);
	return rc;
}

/* The index, current for day: on the first use of a newer day the rows
 * older than the day before it are pruned and it is built afresh. */
static int
fp_ready(struct store *st, int64_t day, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->fps.day != 0 && day <= st->fps.day) {
		/* another writer may have added some since our last batch */
		if (!st->fps.synced &&
		    (rc = fp_catch_up(st, ebuf, n)) != ERR_OK)
			return rc;
		st->fps.synced = 1;
		return ERR_OK;
	}
	if ((s = store_stmt(st, S_FP_PRUNE, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, day - 1);
	if ((rc = store_run(st, s, ebuf, n, "fingerprints")) != ERR_OK)
		return rc;
	free(st->fps.slot);
	memset(&st->fps, 0, sizeof(st->fps));
	if ((rc = fp_catch_up(st, ebuf, n)) != ERR_OK)
		return rc;
	st->fps.day = day;
	st->fps.synced = 1;
	return ERR_OK;
}

/* The article whose fingerprint fp was first seen on day, or 0, from the
 * index (which must be ready). */
static int
fp_find(struct store *st, int64_t day, const unsigned char *fp, int64_t *id,
    char *ebuf, size_t n)
{
	struct fp_index *x = &st->fps;
	sqlite3_stmt *s;
	uint64_t prefix = fp_prefix(fp);
	size_t i, mask;
	int rc;

	*id = 0;
	if (x->cap == 0)
		return ERR_OK;
	mask = x->cap - 1;
	for (i = prefix & mask; x->slot[i].row != 0; i = (i + 1) & mask) {
		if (x->slot[i].prefix != prefix)
			continue;
		if ((s = store_stmt(st, S_FP_GET, ebuf, n)) == NULL)
			return ERR_DB;
		sqlite3_bind_int64(s, 1, x->slot[i].row);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			if (sqlite3_column_int64(s, 0) == day &&
			    sqlite3_column_bytes(s, 1) == DEDUP_KEYLEN &&
			    memcmp(sqlite3_column_blob(s, 1), fp,
			    DEDUP_KEYLEN) == 0)
				*id = sqlite3_column_int64(s, 2);
		} else if (rc != SQLITE_DONE) {
			rc = store_db_error(st, ebuf, n, "fingerprint lookup");
			store_reset(s);
			return rc;
		}
		/* SQLITE_DONE: pruned by another writer */
		store_reset(s);
		if (*id != 0)
			break;
	}
	return ERR_OK;
}

int
store_sqlite_fp_get(struct store *st, int64_t day, const unsigned char *fp,
    int64_t *id, char *ebuf, size_t n)
{
	int rc;

	*id = 0;
	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK ||
	    (rc = fp_ready(st, day, ebuf, n)) != ERR_OK)
		return rc;
	return fp_find(st, day, fp, id, ebuf, n);
}

int
store_sqlite_fp_put(struct store *st, int64_t day, const unsigned char *fp,
    int64_t id, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int64_t have;
	int rc;

	if ((rc = store_fp_get(st, day, fp, &have, ebuf, n)) != ERR_OK || have)
		return rc;
	if ((s = store_stmt(st, S_FP_PUT, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, day);
	sqlite3_bind_blob(s, 2, fp, DEDUP_KEYLEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	if ((rc = store_run(st, s, ebuf, n, "fingerprint")) != ERR_OK)
		return rc;
	fp_add(&st->fps, fp_prefix(fp), sqlite3_last_insert_rowid(st->db));
	return ERR_OK;
}

void
store_seen_add(struct store *st, int64_t id)
{
	if (st->nseen == st->seencap) {
		st->seencap = st->seencap ? 2 * st->seencap : 128;
		st->seen = xreallocarray(st->seen, st->seencap, sizeof(*st->seen));
	}
	st->seen[st->nseen++] = id;
}

static void
blob16(sqlite3_stmt *s, int i, unsigned char *out)
{
	const void *h = sqlite3_column_blob(s, i);

	memset(out, 0, DEDUP_HASHLEN);
	if (h != NULL && sqlite3_column_bytes(s, i) == DEDUP_HASHLEN)
		memcpy(out, h, DEDUP_HASHLEN);
}

int
store_sqlite_item_get(struct store *st, int64_t id, struct store_item *it,
    char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	memset(it, 0, sizeof(*it));
	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_AF_GET, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		blob16(s, 0, it->hash);
		it->removed = sqlite3_column_int64(s, 1) != 0;
		blob16(s, 2, it->raw);
		it->last_seen = sqlite3_column_int64(s, 3);
		it->have = 1;
		rc = ERR_OK;
	} else if (rc == SQLITE_DONE)
		rc = ERR_OK;
	else
		rc = store_db_error(st, ebuf, n, "article link");
	store_reset(s);
	return rc;
}

int
store_sqlite_item_seen(struct store *st, int64_t id,
    const struct store_item *it,
    const unsigned char *raw, int64_t now, char *ebuf, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	store_seen_add(st, id);
	if (it->last_seen + STORE_SEEN_RESOLUTION > now &&
	    memcmp(it->raw, raw, DEDUP_HASHLEN) == 0)
		return ERR_OK;
	if ((s = store_stmt(st, S_AF_SEEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, st->batch_feed);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_blob(s, 4, raw, DEDUP_HASHLEN, SQLITE_STATIC);
	return store_run(st, s, ebuf, n, "seen");
}

int
store_sqlite_article_exists(struct store *st, int64_t id, int *yes, char *ebuf,
    size_t n)
{
	sqlite3_stmt *s = store_stmt(st, S_ART_EXISTS, ebuf, n);
	int rc;

	*yes = 0;
	if (s == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	*yes = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "article");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	return ERR_OK;
}

int
store_sqlite_ident_taken(struct store *st, const char *ident, int *yes,
    char *ebuf,
    size_t n)
{
	sqlite3_stmt *s;
	int rc;

	*yes = 0;
	if ((rc = store_need_batch(st, ebuf, n)) != ERR_OK)
		return rc;
	if ((s = store_stmt(st, S_IDENT_TAKEN, ebuf, n)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(s, 1, st->batch_feed);
	store_bind_text(s, 2, ident);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = store_db_error(st, ebuf, n, "identity");
		store_reset(s);
		return rc;
	}
	store_reset(s);
	*yes = rc == SQLITE_ROW;
	return ERR_OK;
}
