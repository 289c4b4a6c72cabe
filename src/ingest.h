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
	struct dedup_plan plan;
	int		 bozo;
	char		 bozo_message[256];
};

/* Parses data (a feed document fetched for feed_id) and stores its items.
 * Returns 0, ERR_PARSE when data is not a feed, or the store's error (the
 * batch is then rolled back and nothing of the document is stored). */
int	ingest_document(struct store *st, int64_t feed_id, const char *data,
	    size_t len, const struct ingest_opts *o, struct ingest_result *r,
	    char *ebuf, size_t n);
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
