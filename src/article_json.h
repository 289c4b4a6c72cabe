#ifndef TIDINGS_ARTICLE_JSON_H
#define TIDINGS_ARTICLE_JSON_H
/*
 * The article record as JSON, in the contract of `tidings parse`
 * (doc/tidings-parse.md): null for absent values, dates as RFC 3339
 * UTC, plus our own fields (published_local/updated_local keep the item's
 * UTC offset).  Returned objects are new references the caller decrefs.
 */
#include <jansson.h>

#include "article.h"

struct jsonw;

/* A string, or null for NULL (and for invalid UTF-8, which jansson
 * refuses: null beats losing the whole record). */
json_t	*article_json_str(const char *s);
/* The item as a tree, read back from article_json_write_item's output. */
json_t	*article_json_item(const struct article *a);
/* Streamed (jsonw.h): the item as one value, the feed's fields (without
 * "items") as members of the object the caller has open. */
void	 article_json_write_item(struct jsonw *w, const struct article *a);
void	 article_json_write_feed(struct jsonw *w, const struct article_feed *f);

#endif
