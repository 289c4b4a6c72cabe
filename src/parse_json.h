#ifndef TIDINGS_PARSE_JSON_H
#define TIDINGS_PARSE_JSON_H
/*
 * JSON Feed 1.0 and 1.1 (jansson).  The input is already UTF-8.  See parse.h
 * for the contract.
 */
#include "parse_opts.h"

int	parse_json(const char *utf8, size_t len, const struct parse_opts *o,
	    struct article_feed *feed, parse_item_fn cb, void *ctx,
	    char *ebuf, size_t n);

#endif
