#ifndef TIDINGS_OPML_H
#define TIDINGS_OPML_H
/*
 * OPML import and export (pure: bytes in, bytes out).  libxml2 runs with
 * no network, no DTD loading and no entity substitution; a document that
 * declares entities is refused outright rather than expanded.
 */
#include <stddef.h>

#include "buf.h"
#include "feedlist.h"

/* Appends a feed to fl for every <outline xmlUrl=...>: text (or title)
 * becomes the name, made unique with " (2)", " (3)"...; the text of the
 * enclosing outlines and the category attribute become tags.  URLs already
 * in fl and URLs that are not http or https (file: is never taken from
 * an OPML document) are skipped and counted
 * in *skipped.  Returns ERR_OK or ERR_PARSE with a message in ebuf. */
int	opml_import(const char *data, size_t len, struct feedlist *fl,
	    size_t *skipped, char *ebuf, size_t n);

/* Writes fl as an OPML 2.0 document (UTF-8) into b: one flat outline per
 * feed, tags in the category attribute. */
int	opml_export(const struct feedlist *fl, const char *title, struct buf *b,
	    char *ebuf, size_t n);

#endif
