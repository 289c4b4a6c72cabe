#ifndef TIDINGS_PARSE_H
#define TIDINGS_PARSE_H
/*
 * Parsing is a pure step from bytes to article records: it never touches
 * the network or the file system (no external entities, no DTD loading).
 * parse_document decodes the bytes to UTF-8 (encoding.h), tells JSON Feed
 * from XML, and hands each finished, normalised item to the callback in
 * document order, so that a large feed is parsed in bounded memory.
 *
 * Identity (the `id` field, the key dedup starts from), in this order:
 *  1. the guid / atom:id / JSON Feed id, when usable: non-empty after
 *     trimming, at most 2048 bytes;
 *  2. else the canonical link (resolved, tracking parameters removed);
 *  3. else "sha256:" + SHA-256 of title, NUL, published date (RFC 3339 UTC
 *     or empty), NUL, text.
 */
#include <stddef.h>

#include "article.h"

struct parse_opts {
	const char	*base_url;	/* the document's URL; may be NULL */
	const char	*charset;	/* HTTP or operator charset; may be NULL */
	size_t		 max_bytes;	/* cap on decoded size, 0 = none */
	/*
	 * Set: an RSS or Atom document is parsed on two threads, libxml2 and
	 * the capture of fields on the calling one, the rest of each item
	 * (sanitising, parse_finish_body) and the callback on a second one,
	 * through a queue bounded in items and bytes.  Items still reach the
	 * callback one at a time, in document order, each with the bytes the
	 * sequential parse gives, but the callback gets feed == NULL (the
	 * calling thread is still filling it: read it once parse_document
	 * returns) and must not share unlocked state with the caller.  After
	 * a non-zero return no further item reaches the callback, as before,
	 * though more of the document may have been read into feed.
	 * PARSE_PIPE_AUTO does so for documents of PARSE_PIPE_MIN bytes or
	 * more only: below, the thread cost more than it saved (a 52 KB feed
	 * took 10% longer, a 256 KB one as long; 1 MB 20% less, 2 MB 25%).
	 */
	int		 pipeline;	/* PARSE_PIPE_*, 0 = off */
};

#define PARSE_PIPE_AUTO		1
#define PARSE_PIPE_ALWAYS	2
#define PARSE_PIPE_MIN		(256u * 1024)

/* Takes ownership of a.  feed holds what the document said so far (in
 * Atom and RSS the channel metadata normally precedes the items); NULL
 * with o->pipeline.  A non-zero return stops parsing; parse_document then
 * returns it. */
typedef int (*parse_item_fn)(void *ctx, const struct article_feed *feed,
    struct article *a);

/* Returns 0 (also for a feed recovered from errors: then feed->bozo is set
 * and feed->bozo_message says why), or ERR_PARSE with a message in ebuf
 * when the input is not a feed at all.  feed must be initialised by the
 * caller and is filled in. */
int	parse_document(const char *data, size_t len, const struct parse_opts *o,
	    struct article_feed *feed, parse_item_fn cb, void *ctx,
	    char *ebuf, size_t n);

/* Applies the identity rule above to a finished item (sets a->id). */
void	parse_assign_id(struct article *a);
/* The steps every format shares once an item is complete: the URL fields
 * (link, comments, image, each enclosure) are dropped when their scheme is
 * not one a link in content may have (html_url_allowed: no javascript:,
 * vbscript:, data:), the link becomes canonical (url_canonical), text is
 * derived from content, else summary (html_to_text) unless the parser set
 * it, and the id is assigned.  Call it just before handing the item to the
 * callback. */
void	parse_finish_item(struct article *a);
/* parse_finish_item in its two independent halves, the link and then the
 * rest (text, id), which a pipelined parse runs on its two threads. */
void	parse_finish_link(struct article *a);
void	parse_finish_body(struct article *a);

#endif
