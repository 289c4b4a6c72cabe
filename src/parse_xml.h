#ifndef TIDINGS_PARSE_XML_H
#define TIDINGS_PARSE_XML_H
/*
 * RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 over a libxml2 SAX2 parser.  The input
 * is already UTF-8 (parse.c decoded it).  See parse.h for the contract.
 */
#include "parse_opts.h"

int	parse_xml(const char *utf8, size_t len, const struct parse_opts *o,
	    struct article_feed *feed, parse_item_fn cb, void *ctx,
	    char *ebuf, size_t n);

#endif
