/*
 * dedup_item_store: what an item is, decided from the store's lookups by
 * key (see dedup.h for the keys and the plan, store.h for the lookups).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "err.h"
#include "hash.h"
#include "store.h"
#include "xmalloc.h"

/* Keys fast_path already looked up in vain. */
#define MISSED_GUID	1
#define MISSED_LINK	2

/*
 * Fingerprints are kept per day of first sight.  A lookup tries today and
 * yesterday, which catches syndicated copies; older ones are still found by
 * their link.
 */
static int64_t
fp_day(int64_t now)
{
	return now > 0 ? now / 86400 : 0;
}

/* Records every key the plan trusts, so that whichever one a later
 * document offers finds this article (and, once it is removed, its
 * tombstone). */
static int
keys_put(struct store *st, const struct dedup_item *u, int64_t id,
    char *ebuf, size_t n)
{
	const struct dedup_keys *k = u->keys;
	const struct dedup_plan *p = u->plan;
	struct store_key sk[3];
	size_t nk = 0;
	int rc;

	if (k->has_guid && p->use_guid) {
		sk[nk].key = k->guid;
		sk[nk].kind = STORE_KEY_GUID;
		sk[nk++].global = 0;
	}
	if (k->has_link && p->use_link) {
		sk[nk].key = k->link;
		sk[nk].kind = STORE_KEY_LINK;
		sk[nk++].global = 1;
	}
	sk[nk].key = k->content;
	sk[nk].kind = STORE_KEY_CONTENT;
	sk[nk++].global = 0;
	rc = store_keys_put(st, id, sk, nk, ebuf, n);
	if (rc == ERR_OK && k->has_fp && p->use_fp)
		rc = store_fp_put(st, fp_day(u->now), k->fp, id, ebuf, n);
	return rc;
}

/*
 * The parse identity (a->id) names an article in exported files, after
 * the feed that first brought it.  Two items of one feed can carry one
 * identity (a guid or a link shared by different items) that the plan
 * did not trust to tell them apart: they are two articles, and each
 * needs a name of its own.  The first keeps the identity; a later one
 * gets it followed by " #" and 16 hex digits of the key that told them
 * apart (the link key, else the content key): *own, a new string, or
 * NULL when a->id is fine as it is.
 */
static int
ident_unique(struct store *st, const struct article *a,
    const struct dedup_item *u, char **own, char *ebuf, size_t n)
{
	const struct dedup_keys *k = u->keys;
	const struct dedup_plan *p = u->plan;
	char h[2 * 8 + 1];
	int rc, taken;

	*own = NULL;
	/* the key the identity comes from told the items apart */
	if (a->id == NULL || (k->has_guid ? p->use_guid :
	    !k->has_link || p->use_link))
		return ERR_OK;
	if ((rc = store_ident_taken(st, a->id, &taken, ebuf, n)) != ERR_OK ||
	    !taken)
		return rc;
	hash_hex(p->use_link && k->has_link ? k->link : k->content, 8, h);
	*own = xasprintf("%s #%s", a->id, h);
	return ERR_OK;
}

static int
add_new(struct store *st, const struct article *a, struct dedup_item *u,
    char *ebuf, size_t n)
{
	char *ident;
	int rc;

	u->outcome = DEDUP_NEW;
	if ((rc = ident_unique(st, a, u, &ident, ebuf, n)) != ERR_OK)
		return rc;
	rc = store_article_add(st, a, ident, u->keys->hash, u->keys->raw,
	    u->now, &u->article_id, ebuf, n);
	free(ident);
	if (rc != ERR_OK)
		return rc;
	return keys_put(st, u, u->article_id, ebuf, n);
}

static int
find_article(struct store *st, struct dedup_item *u, int missed, char *ebuf,
    size_t n)
{
	const struct dedup_keys *k = u->keys;
	const struct dedup_plan *p = u->plan;
	int64_t id = 0;
	int rc = ERR_OK, by_guid, by_link;

	u->matched_by = DEDUP_MATCH_NONE;
	by_guid = k->has_guid && p->use_guid;
	by_link = k->has_link && p->use_link;
	if (by_guid && !(missed & MISSED_GUID)) {
		if ((rc = store_key_get(st, k->guid, 0, &id, ebuf,
		    n)) != ERR_OK)
			return rc;
		if (id)
			u->matched_by = DEDUP_MATCH_GUID;
	}
	if (!id && by_link && !(missed & MISSED_LINK)) {
		if ((rc = store_key_get(st, k->link, 1, &id, ebuf,
		    n)) != ERR_OK)
			return rc;
		if (id)
			u->matched_by = DEDUP_MATCH_LINK;
	}
	if (!id && (p->mode == DEDUP_CONTENT || (!by_guid && !by_link))) {
		if ((rc = store_key_get(st, k->content, 0, &id, ebuf,
		    n)) != ERR_OK)
			return rc;
		if (id)
			u->matched_by = DEDUP_MATCH_CONTENT;
	}
	if (!id && k->has_fp && p->use_fp) {
		int64_t day = fp_day(u->now);

		if ((rc = store_fp_get(st, day, k->fp, &id, ebuf, n)) != ERR_OK)
			return rc;
		if (!id && (rc = store_fp_get(st, day - 1, k->fp, &id, ebuf,
		    n)) != ERR_OK)
			return rc;
		if (id)
			u->matched_by = DEDUP_MATCH_FP;
	}
	u->article_id = id;
	return ERR_OK;
}

/*
 * The common case first: the item's primary key finds an article this feed
 * already carries, with the very bytes it had last time.  No
 * normalisation, no SHA-256 over the text, at most one small row write.
 * Returns 1 when that settled it.
 */
static int
fast_path(struct store *st, struct dedup_item *u, int *rcp, int *missed,
    char *ebuf, size_t n)
{
	const struct dedup_keys *k = u->keys;
	const struct dedup_plan *p = u->plan;
	struct store_item it;
	int64_t id = 0;

	*rcp = ERR_OK;
	if (p->use_guid && k->has_guid) {
		if ((*rcp = store_key_get(st, k->guid, 0, &id, ebuf, n)))
			return 1;
		u->matched_by = DEDUP_MATCH_GUID;
		*missed = id ? 0 : MISSED_GUID;
	} else if (p->use_link && k->has_link) {
		if ((*rcp = store_key_get(st, k->link, 1, &id, ebuf, n)))
			return 1;
		u->matched_by = DEDUP_MATCH_LINK;
		*missed = id ? 0 : MISSED_LINK;
	}
	if (id == 0)
		return 0;
	if ((*rcp = store_item_get(st, id, &it, ebuf, n)) != ERR_OK)
		return 1;
	if (!it.have || (!it.removed &&
	    memcmp(it.raw, k->raw, DEDUP_HASHLEN) != 0))
		return 0;
	u->article_id = id;
	u->outcome = DEDUP_UNCHANGED;
	if (it.removed)
		return 1;	/* retention removed it: it stays so */
	*rcp = store_item_seen(st, id, &it, k->raw, u->now, ebuf, n);
	return 1;
}

/* The article the batch's feed carries already (it): unchanged, a new
 * version, or (guids forced) another article after all. */
static int
same_feed(struct store *st, const struct article *a, struct dedup_item *u,
    struct store_item *it, char *ebuf, size_t n)
{
	int rc;

	/* The operator said guids are the identity: another guid is
	 * another article, whatever its link. */
	if (!u->plan->same_feed_fallback && u->keys->has_guid &&
	    u->matched_by != DEDUP_MATCH_GUID) {
		u->matched_by = DEDUP_MATCH_NONE;
		return add_new(st, a, u, ebuf, n);
	}
	if (it->removed)
		return ERR_OK;	/* retention removed it: stays so */
	if (u->matched_by != DEDUP_MATCH_GUID && u->keys->has_guid &&
	    u->plan->use_guid)
		u->guid_changed = 1;
	if (memcmp(it->hash, u->keys->hash, DEDUP_HASHLEN) != 0) {
		u->outcome = DEDUP_UPDATED;
		if ((rc = store_article_update(st, u->article_id, a,
		    u->keys->hash, u->keys->raw, u->now, ebuf, n)) != ERR_OK)
			return rc;
		return keys_put(st, u, u->article_id, ebuf, n);
	}
	/* the same article in other bytes (spacing, tracking parameters, a
	 * new guid): remember these bytes */
	it->last_seen = 0;
	if ((rc = store_item_seen(st, u->article_id, it, u->keys->raw, u->now,
	    ebuf, n)) != ERR_OK)
		return rc;
	if (u->matched_by != DEDUP_MATCH_GUID)
		return keys_put(st, u, u->article_id, ebuf, n);
	return ERR_OK;
}

int
dedup_item_store(struct store *st, const struct article *a,
    struct dedup_item *u, char *ebuf, size_t n)
{
	struct store_item it;
	int rc, exists, missed = 0;

	u->outcome = DEDUP_UNCHANGED;
	u->guid_changed = 0;
	u->article_id = 0;
	if (!u->keys->full) {
		if (fast_path(st, u, &rc, &missed, ebuf, n))
			return rc;
		if (u->ahead != NULL && u->ahead->full) {
			memcpy(u->keys->content, u->ahead->content,
			    sizeof(u->keys->content));
			memcpy(u->keys->fp, u->ahead->fp, sizeof(u->keys->fp));
			memcpy(u->keys->hash, u->ahead->hash,
			    sizeof(u->keys->hash));
			u->keys->has_fp = u->ahead->has_fp;
			u->keys->full = 1;
		} else
			dedup_keys_complete(a, u->keys);
	}
	if ((rc = find_article(st, u, missed, ebuf, n)) != ERR_OK)
		return rc;
	if (u->article_id == 0)
		return add_new(st, a, u, ebuf, n);
	if ((rc = store_item_get(st, u->article_id, &it, ebuf, n)) != ERR_OK)
		return rc;
	if (it.have)
		return same_feed(st, a, u, &it, ebuf, n);

	/* Known, but not from this feed: a cross-feed duplicate, unless the
	 * article is a tombstone. */
	if ((rc = store_article_exists(st, u->article_id, &exists, ebuf,
	    n)) != ERR_OK || !exists)
		return rc;
	u->outcome = DEDUP_DUPLICATE;
	if ((rc = store_article_link(st, u->article_id, a, u->keys->hash,
	    u->keys->raw, u->dup_as_new ? STORE_EV_NEW : STORE_EV_DUPLICATE,
	    u->now, ebuf, n)) != ERR_OK)
		return rc;
	return keys_put(st, u, u->article_id, ebuf, n);
}

/* The key fast_path looks up first, into *sk; 0 when it has none. */
static int
first_key(const struct dedup_plan *p, const struct dedup_keys *k,
    struct store_key *sk)
{
	if (p->use_guid && k->has_guid) {
		sk->key = k->guid;
		sk->kind = STORE_KEY_GUID;
		sk->global = 0;
		return 1;
	}
	if (p->use_link && k->has_link) {
		sk->key = k->link;
		sk->kind = STORE_KEY_LINK;
		sk->global = 1;
		return 1;
	}
	return 0;
}

/* 1 in *yes when fast_path would settle the item from what the batch
 * holds now (no writes). */
static int
plainly_unchanged(struct store *st, const struct dedup_plan *p,
    const struct dedup_keys *k, int *yes, char *ebuf, size_t n)
{
	struct store_key sk;
	struct store_item it;
	int64_t id = 0;
	int rc;

	*yes = 0;
	if (!first_key(p, k, &sk))
		return ERR_OK;
	if ((rc = store_key_get(st, sk.key, sk.global, &id, ebuf, n)) !=
	    ERR_OK || id == 0)
		return rc;
	if ((rc = store_item_get(st, id, &it, ebuf, n)) != ERR_OK)
		return rc;
	*yes = it.have && (it.removed ||
	    memcmp(it.raw, k->raw, DEDUP_HASHLEN) == 0);
	return ERR_OK;
}

int
dedup_items_ahead(struct store *st, struct article *const *items,
    struct dedup_keys *keys, size_t nitems, const struct dedup_plan *p,
    int64_t now, char *ebuf, size_t n)
{
	struct store_key *sk;
	const unsigned char **fps;
	struct dedup_keys *k;
	size_t i, nk = 0, nfp = 0;
	int rc = ERR_OK, kept = 0, yes, by_guid, by_link;

	if (nitems == 0)
		return ERR_OK;
	sk = xreallocarray(NULL, 3 * nitems, sizeof(*sk));
	fps = xreallocarray(NULL, nitems, sizeof(*fps));
	for (i = 0; i < nitems; i++)
		if (!keys[i].full)
			nk += first_key(p, &keys[i], &sk[nk]);
	if ((rc = store_keys_ahead(st, sk, nk, 0, NULL, 0, &kept, ebuf,
	    n)) != ERR_OK || !kept)
		goto out;
	/* the keys find_article looks up, for the items fast_path will not
	 * settle */
	nk = 0;
	for (i = 0; i < nitems; i++) {
		k = &keys[i];
		if (!k->full) {
			if ((rc = plainly_unchanged(st, p, k, &yes, ebuf,
			    n)) != ERR_OK)
				goto out;
			if (yes)
				continue;
			dedup_keys_complete(items[i], k);
		}
		by_guid = k->has_guid && p->use_guid;
		by_link = k->has_link && p->use_link;
		if (by_guid) {
			sk[nk].key = k->guid;
			sk[nk].kind = STORE_KEY_GUID;
			sk[nk++].global = 0;
		}
		if (by_link) {
			sk[nk].key = k->link;
			sk[nk].kind = STORE_KEY_LINK;
			sk[nk++].global = 1;
		}
		if (p->mode == DEDUP_CONTENT || (!by_guid && !by_link)) {
			sk[nk].key = k->content;
			sk[nk].kind = STORE_KEY_CONTENT;
			sk[nk++].global = 0;
		}
		if (k->has_fp && p->use_fp)
			fps[nfp++] = k->fp;
	}
	if (nk > 0 || nfp > 0)
		rc = store_keys_ahead(st, sk, nk, fp_day(now), fps, nfp, &kept,
		    ebuf, n);
out:
	free(sk);
	free(fps);
	return rc;
}
