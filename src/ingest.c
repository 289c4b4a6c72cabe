#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "ingest.h"
#include "parse.h"
#include "xmalloc.h"

struct collect {
	struct article	**items;
	size_t		  n, cap;
};

static int
collect_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct collect *c = ctx;

	(void)feed;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->items = xreallocarray(c->items, c->cap, sizeof(*c->items));
	}
	c->items[c->n++] = a;
	return 0;
}

/* The feed's drop mark of the article u stored: set when why is not NULL,
 * else taken away.  An article seen again unchanged keeps what it has; a
 * duplicate of another feed's article is only ever marked. */
static int
mark(struct store *st, const struct dedup_item *u, const char *why,
    int64_t now, char *ebuf, size_t n)
{
	if (u->outcome == DEDUP_UNCHANGED || u->article_id == 0 ||
	    (u->outcome == DEDUP_DUPLICATE && why == NULL))
		return ERR_OK;
	return store_drop_mark(st, u->article_id, NULL, why, now, ebuf, n);
}

int
ingest_articles(struct store *st, int64_t feed_id, struct article *const *items,
    size_t nitems, const struct article_feed *meta,
    const struct ingest_opts *o, struct ingest_result *r, char *ebuf, size_t n)
{
	static const struct ingest_opts def;
	struct dedup_keys *keys;
	struct store_feed f;
	struct dedup_item u;
	enum dedup_identity policy;
	int64_t now;
	size_t i;
	int rc, dropped;
	char why[512];

	if (o == NULL)
		o = &def;
	memset(r, 0, sizeof(*r));
	now = o->now ? o->now : (int64_t)time(NULL);
	if ((rc = store_batch_begin(st, feed_id, ebuf, n)) != ERR_OK)
		return rc;
	/* read inside the batch: the policy and churn cannot change under
	 * us */
	if ((rc = store_feed_get(st, feed_id, &f, ebuf, n)) != ERR_OK) {
		store_batch_rollback(st);
		return rc;
	}
	policy = o->identity != DEDUP_AUTO ? o->identity : f.identity_policy;

	/* Keys for the whole document first: the plan depends on all of
	 * them (a guid every item shares is only visible across items). */
	keys = xreallocarray(NULL, nitems ? nitems : 1, sizeof(*keys));
	for (i = 0; i < nitems; i++)
		dedup_keys_quick(items[i], meta && meta->link ? meta->link :
		    f.site_link, &keys[i]);
	dedup_plan_make(policy, keys, nitems, f.guid_churn, &r->plan);
	store_feed_clear(&f);

	/* before the items: their outbox events record the feed's title
	 * from this document, and need not be rewritten at commit */
	if (meta != NULL &&
	    (rc = store_feed_set_meta(st, feed_id, meta, ebuf, n)) != ERR_OK)
		goto fail;
	memset(&u, 0, sizeof(u));
	u.plan = &r->plan;
	u.dup_as_new = o->dup_as_new;
	u.now = now;
	for (i = 0; i < nitems; i++) {
		u.keys = &keys[i];
		dropped = o->filter != NULL && filter_drops(o->filter, items[i],
		    why, sizeof(why));
		store_batch_quiet(st, dropped);
		rc = dedup_item_store(st, items[i], &u, ebuf, n);
		store_batch_quiet(st, 0);
		if (rc != ERR_OK)
			goto fail;
		if (o->filter != NULL && (rc = mark(st, &u, dropped ? why :
		    NULL, now, ebuf, n)) != ERR_OK)
			goto fail;
		r->dropped += dropped && u.outcome != DEDUP_UNCHANGED;
		r->items++;
		r->guid_changes += u.guid_changed;
		switch (u.outcome) {
		case DEDUP_NEW:
			r->added++;
			break;
		case DEDUP_UPDATED:
			r->updated++;
			break;
		case DEDUP_DUPLICATE:
			r->duplicate++;
			break;
		case DEDUP_UNCHANGED:
			r->unchanged++;
			break;
		}
	}
	if ((rc = store_feed_note_identity(st, r->plan.mode,
	    r->plan.reason, r->guid_changes, ebuf, n)) != ERR_OK)
		goto fail;
	if ((o->max_age > 0 || o->max_count > 0) &&
	    (rc = store_retention(st, o->max_age, o->max_count, now,
	    &r->removed, ebuf, n)) != ERR_OK)
		goto fail;
	free(keys);
	return store_batch_commit(st, ebuf, n);
fail:
	free(keys);
	store_batch_rollback(st);
	return rc;
}

int
ingest_document(struct store *st, int64_t feed_id, const char *data,
    size_t len, const struct ingest_opts *o, struct ingest_result *r,
    char *ebuf, size_t n)
{
	static const struct ingest_opts def;
	struct parse_opts po;
	struct article_feed meta;
	struct collect c = { NULL, 0, 0 };
	size_t i;
	int rc, bozo;
	char bozo_message[sizeof(r->bozo_message)] = "";

	if (o == NULL)
		o = &def;
	memset(&po, 0, sizeof(po));
	po.base_url = o->base_url;
	po.charset = o->charset;
	po.max_bytes = o->max_bytes;
	article_feed_init(&meta);
	rc = parse_document(data, len, &po, &meta, collect_item, &c, ebuf, n);
	bozo = meta.bozo;
	if (meta.bozo_message != NULL)
		snprintf(bozo_message, sizeof(bozo_message), "%s",
		    meta.bozo_message);
	if (rc == ERR_OK)
		rc = ingest_articles(st, feed_id, c.items, c.n, &meta, o, r,
		    ebuf, n);
	else
		memset(r, 0, sizeof(*r));
	r->bozo = bozo;
	memcpy(r->bozo_message, bozo_message, sizeof(bozo_message));
	for (i = 0; i < c.n; i++)
		article_free(c.items[i]);
	free(c.items);
	article_feed_clear(&meta);
	return rc;
}

int
ingest_parse(const char *data, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	return parse_document(data, len, o, feed, cb, ctx, ebuf, n);
}
