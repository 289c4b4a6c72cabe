#ifndef TIDINGS_ARTICLE_TEXT_H
#define TIDINGS_ARTICLE_TEXT_H
/*
 * The plain-text layout of an article, shared by `tidings show --text` and
 * the text exporter (examples/README.md):
 *
 *     title, empty line, feed title, author (if any), date as
 *     "DD Mon YYYY, HH:MM" in the item's own offset (if dated), empty line,
 *     the paragraphs of the text separated by empty lines, one final newline.
 */
#include "article.h"
#include "buf.h"

/* Appends the layout to out.  feed_title may be NULL. */
void	article_text_render(const struct article *a, const char *feed_title,
	    struct buf *out);

#endif
