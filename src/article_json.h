#ifndef TIDINGS_ARTICLE_JSON_H
#define TIDINGS_ARTICLE_JSON_H
/*
 * The article record as JSON, in the contract of the conformance harness
 * (shared/conformance/README.md): null for absent values, dates as RFC 3339
 * UTC, plus our own fields (published_local/updated_local keep the item's
 * UTC offset).  Returned objects are new references the caller decrefs.
 */
#include <jansson.h>

#include "article.h"

json_t	*article_json_item(const struct article *a);
/* The feed's fields, without "items". */
json_t	*article_json_feed(const struct article_feed *f);

#endif
