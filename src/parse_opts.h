#ifndef TIDINGS_PARSE_OPTS_H
#define TIDINGS_PARSE_OPTS_H
/*
 * What parse_document (parse.h) and the format parsers below it
 * (parse_xml.h, parse_json.h) share: the options and the item callback.
 * A header of its own so that the format parsers do not include parse.h.
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
	 * (sanitising, normalize_item_body) and the callback on a second one,
	 * through a queue bounded in items and bytes.  Items still reach
	 * the callback one at a time, in document order, each with the
	 * bytes the sequential parse gives, but the callback gets feed ==
	 * NULL (the calling thread is still filling it: read it once
	 * parse_document returns) and must not share unlocked state with
	 * the caller.  After a non-zero return no further item reaches the
	 * callback, as before, though more of the document may have been
	 * read into feed.  PARSE_PIPE_AUTO does so for documents of
	 * PARSE_PIPE_MIN bytes or more only: below, the second thread costs
	 * more than it saves (bench/README, parse pipeline).
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

#endif
