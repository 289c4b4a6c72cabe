#ifndef TIDINGS_INGEST_H
#define TIDINGS_INGEST_H
/*
 * Ingest: the one place that knows the order bytes -> parse -> dedup ->
 * store.  One document of one feed is one store batch: either every item
 * of it is stored, with its outbox events, or none is.
 */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "dedup.h"
#include "filter.h"
#include "fulltext.h"
#include "parse.h"
#include "store.h"

struct ingest_opts {
	/* DEDUP_AUTO: the policy stored for the feed (store_feed_put_state),
	 * itself "auto" unless set. */
	enum dedup_identity identity;
	int		 dup_as_new;	/* cross-feed duplicates export as new */
	int64_t		 max_age;	/* retention, seconds; 0 = keep */
	long		 max_count;	/* retention per feed; 0 = keep */
	int64_t		 now;		/* 0 = the clock */
	/* The feed's keep= and drop= rules (filter.h), or NULL.  A new or
	 * updated article they drop is stored with its feed's drop mark
	 * and no outbox event; one they let through loses the mark.  A
	 * cross-feed duplicate they drop is marked too. */
	const struct filter *filter;
	/* for parse_document */
	const char	*base_url;	/* the document's URL; may be NULL */
	const char	*charset;	/* HTTP charset; may be NULL */
	size_t		 max_bytes;
	/* Whole articles (fulltext.h): with pages set, the page of each new
	 * or updated item that fulltext_wanted picks under mode fulltext is
	 * made due (store_page_hold) until page_wait seconds from now, and
	 * its event held until the page is settled.  0 (`tidings ingest`,
	 * the tests): no pages. */
	int		 pages;
	enum fulltext_mode fulltext;
	int64_t		 page_wait;
};

struct ingest_result {
	long		 items;
	long		 added;		/* new */
	long		 updated;
	long		 duplicate;
	long		 unchanged;
	long		 removed;	/* by retention */
	long		 guid_changes;
	long		 dropped;	/* by the feed's rules */
	long		 pages;		/* pages made due */
	struct dedup_plan plan;
	int		 bozo;
	char		 bozo_message[256];
};

/* Parses data (a feed document fetched for feed_id) and stores its items.
 * Returns 0, ERR_PARSE when data is not a feed, or the store's error (the
 * batch is then rolled back and nothing of the document is stored).
 * Exactly ingest_parse_doc then ingest_store_doc. */
int	ingest_document(struct store *st, int64_t feed_id, const char *data,
	    size_t len, const struct ingest_opts *o, struct ingest_result *r,
	    char *ebuf, size_t n);

/* A parsed document: what ingest_document's parse step gives its store
 * step.  The two halves let the parse run on another thread (the daemon's
 * parse pool, parse_pool.h) while the store's writer stays on one. */
struct ingest_doc {
	int		  rc;		/* parse_document's */
	char		  ebuf[512];	/* its message, when rc is not 0 */
	struct article_feed meta;
	struct article	**items;	/* owned */
	size_t		  nitems, cap;
	/* NULL, or each item's keys computed ahead (ingest_doc_keys): the
	 * quick ones, and the complete ones */
	struct dedup_keys *keys;
	struct dedup_keys *whole;
};

/* The parse step of ingest_document, with o's base_url, charset and
 * max_bytes: pure (no I/O, no logging, no store), so it may run on any
 * thread.  d is filled in (ingest_doc_clear frees it); returns d->rc. */
int	ingest_parse_doc(const char *data, size_t len,
	    const struct ingest_opts *o, struct ingest_doc *d);
/* The store step: stores d's items for feed_id as ingest_document does,
 * or returns d->rc (with its message in ebuf) when the parse failed; r
 * gets the document's bozo flag and message either way. */
int	ingest_store_doc(struct store *st, int64_t feed_id,
	    const struct ingest_doc *d, const struct ingest_opts *o,
	    struct ingest_result *r, char *ebuf, size_t n);
/* Computes the items' dedup keys ahead, off the store's thread (pure,
 * like the parse): the quick ones, and with complete the normalised ones
 * too, which pays when most items are new (a feed's first document) and
 * is wasted on items the store finds unchanged.  Does nothing when the
 * document names no link of its own (the quick keys then need the one
 * the store keeps) or failed to parse. */
void	ingest_doc_keys(struct ingest_doc *d, int complete);
/* Frees what d holds; d may be cleared twice, or never filled. */
void	ingest_doc_clear(struct ingest_doc *d);
/* The same for items already parsed (borrowed); meta may be NULL. */
int	ingest_articles(struct store *st, int64_t feed_id,
	    struct article *const *items, size_t nitems,
	    const struct article_feed *meta, const struct ingest_opts *o,
	    struct ingest_result *r, char *ebuf, size_t n);

/* The parse step alone, for `tidings parse` (nothing is stored): exactly
 * parse_document (parse.h), whose contract it has.  The command layer
 * reaches parsing through here, as it reaches storing through
 * ingest_document. */
int	ingest_parse(const char *data, size_t len, const struct parse_opts *o,
	    struct article_feed *feed, parse_item_fn cb, void *ctx,
	    char *ebuf, size_t n);

#endif
