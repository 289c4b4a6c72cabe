#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "ingest.h"
#include "parse.h"
#include "xmalloc.h"

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

/* Makes the page of item a (stored as u's article) due when the mode
 * wants it (fulltext.h): inside the batch. */
static int
maybe_page(struct store *st, const struct article *a,
    const struct dedup_item *u, const struct ingest_opts *o, int64_t now,
    struct ingest_result *r, char *ebuf, size_t n)
{
	struct fulltext_item it;
	enum store_page_state state = STORE_PAGE_NONE;
	char *link = NULL;
	int rc;

	if (!o->pages || (u->outcome != DEDUP_NEW &&
	    u->outcome != DEDUP_UPDATED))
		return ERR_OK;
	memset(&it, 0, sizeof(it));
	it.link = a->link;
	it.text = a->text;
	it.is_new = u->outcome == DEDUP_NEW;
	if (!it.is_new && (rc = store_page_get(st, u->article_id, &state,
	    &link, ebuf, n)) != ERR_OK)
		return rc;
	it.page_done = state != STORE_PAGE_NONE && state != STORE_PAGE_DUE;
	it.page_link = link;
	rc = ERR_OK;
	if (fulltext_wanted(o->fulltext, &it)) {
		rc = store_page_hold(st, u->article_id, a->link,
		    now + o->page_wait, now, ebuf, n);
		r->pages++;
	}
	free(link);
	return rc;
}

/* ingest_articles, with the items' keys computed ahead: quick ones
 * (pre, may be NULL; computed with meta->link as the site link) and
 * complete ones (whole, may be NULL). */
static int
store_items(struct store *st, int64_t feed_id, struct article *const *items,
    size_t nitems, const struct article_feed *meta,
    const struct dedup_keys *pre, const struct dedup_keys *whole,
    const struct ingest_opts *o, struct ingest_result *r, char *ebuf,
    size_t n)
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
		if (pre != NULL)
			keys[i] = pre[i];
		else
			dedup_keys_quick(items[i], meta && meta->link ?
			    meta->link : f.site_link, &keys[i]);
	dedup_plan_make(policy, keys, nitems, f.guid_churn, &r->plan);
	store_feed_clear(&f);

	/* before the items: their outbox events record the feed's title
	 * from this document, and need not be rewritten at commit */
	if (meta != NULL &&
	    (rc = store_feed_set_meta(st, feed_id, meta, ebuf, n)) != ERR_OK)
		goto fail;
	/* every lookup of the document asked at once, where that saves
	 * round trips */
	if ((rc = dedup_items_ahead(st, items, keys, nitems, &r->plan, now,
	    ebuf, n)) != ERR_OK)
		goto fail;
	memset(&u, 0, sizeof(u));
	u.plan = &r->plan;
	u.dup_as_new = o->dup_as_new;
	u.now = now;
	for (i = 0; i < nitems; i++) {
		u.keys = &keys[i];
		u.ahead = whole != NULL ? &whole[i] : NULL;
		dropped = o->filter != NULL && filter_drops(o->filter, items[i],
		    why, sizeof(why));
		store_batch_quiet(st, dropped);
		rc = dedup_item_store(st, items[i], &u, ebuf, n);
		store_batch_quiet(st, 0);
		/* a dropped article has no event to hold for its page */
		if (rc != ERR_OK || (!dropped && (rc = maybe_page(st, items[i],
		    &u, o, now, r, ebuf, n)) != ERR_OK))
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
ingest_articles(struct store *st, int64_t feed_id, struct article *const *items,
    size_t nitems, const struct article_feed *meta,
    const struct ingest_opts *o, struct ingest_result *r, char *ebuf, size_t n)
{
	return store_items(st, feed_id, items, nitems, meta, NULL, NULL, o,
	    r, ebuf, n);
}

static int
collect_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct ingest_doc *d = ctx;

	(void)feed;
	if (d->nitems == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 32;
		d->items = xreallocarray(d->items, d->cap, sizeof(*d->items));
	}
	d->items[d->nitems++] = a;
	return 0;
}

int
ingest_parse_doc(const char *data, size_t len, const struct ingest_opts *o,
    struct ingest_doc *d)
{
	static const struct ingest_opts def;
	struct parse_opts po;

	if (o == NULL)
		o = &def;
	memset(d, 0, sizeof(*d));
	memset(&po, 0, sizeof(po));
	po.base_url = o->base_url;
	po.charset = o->charset;
	po.max_bytes = o->max_bytes;
	article_feed_init(&d->meta);
	d->rc = parse_document(data, len, &po, &d->meta, collect_item, d,
	    d->ebuf, sizeof(d->ebuf));
	return d->rc;
}

int
ingest_store_doc(struct store *st, int64_t feed_id, const struct ingest_doc *d,
    const struct ingest_opts *o, struct ingest_result *r, char *ebuf, size_t n)
{
	int rc;

	if (d->rc == ERR_OK)
		rc = store_items(st, feed_id, d->items, d->nitems, &d->meta,
		    d->meta.link != NULL ? d->keys : NULL, d->whole, o, r,
		    ebuf, n);
	else {
		memset(r, 0, sizeof(*r));
		rc = err_set(ebuf, n, d->rc, "%s", d->ebuf);
	}
	r->bozo = d->meta.bozo;
	if (d->meta.bozo_message != NULL)
		snprintf(r->bozo_message, sizeof(r->bozo_message), "%s",
		    d->meta.bozo_message);
	else
		r->bozo_message[0] = '\0';
	return rc;
}

void
ingest_doc_keys(struct ingest_doc *d, int complete)
{
	size_t i;

	if (d->rc != ERR_OK || d->meta.link == NULL || d->nitems == 0 ||
	    d->keys != NULL)
		return;
	d->keys = xreallocarray(NULL, d->nitems, sizeof(*d->keys));
	if (complete)
		d->whole = xreallocarray(NULL, d->nitems, sizeof(*d->whole));
	for (i = 0; i < d->nitems; i++) {
		dedup_keys_quick(d->items[i], d->meta.link, &d->keys[i]);
		if (complete) {
			d->whole[i] = d->keys[i];
			dedup_keys_complete(d->items[i], &d->whole[i]);
		}
	}
}

void
ingest_doc_clear(struct ingest_doc *d)
{
	size_t i;

	for (i = 0; i < d->nitems; i++)
		article_free(d->items[i]);
	free(d->items);
	free(d->keys);
	free(d->whole);
	d->keys = d->whole = NULL;
	d->items = NULL;
	d->nitems = d->cap = 0;
	article_feed_clear(&d->meta);
}

int
ingest_document(struct store *st, int64_t feed_id, const char *data,
    size_t len, const struct ingest_opts *o, struct ingest_result *r,
    char *ebuf, size_t n)
{
	struct ingest_doc d;
	int rc;

	ingest_parse_doc(data, len, o, &d);
	rc = ingest_store_doc(st, feed_id, &d, o, r, ebuf, n);
	ingest_doc_clear(&d);
	return rc;
}

int
ingest_parse(const char *data, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	return parse_document(data, len, o, feed, cb, ctx, ebuf, n);
}
