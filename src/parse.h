#ifndef TIDINGS_PARSE_H
#define TIDINGS_PARSE_H
/*
 * Parsing is a pure step from bytes to article records: it never touches
 * the network or the file system (no external entities, no DTD loading).
 * parse_document decodes the bytes to UTF-8 (encoding.h), tells JSON Feed
 * from XML, and hands each finished, normalised item to the callback in
 * document order, so that a large feed is parsed in bounded memory.
 *
 * Each item's `id` follows the identity rule in normalize.h.
 */
#include <stddef.h>

#include "article.h"
#include "parse_opts.h"

/* Returns 0 (also for a feed recovered from errors: then feed->bozo is set
 * and feed->bozo_message says why), or ERR_PARSE with a message in ebuf
 * when the input is not a feed at all.  feed must be initialised by the
 * caller and is filled in. */
int	parse_document(const char *data, size_t len, const struct parse_opts *o,
	    struct article_feed *feed, parse_item_fn cb, void *ctx,
	    char *ebuf, size_t n);

#endif
