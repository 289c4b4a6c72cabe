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

/* A title (item or feed) as plain text on one line, for the places that
 * show text, not HTML: the text layout, a mail's Subject and List-Id, a
 * terminal.  The parser keeps a title as HTML when it looks like HTML
 * (feedparser's rule, html_looks_like_html), so such a title, and one with
 * anything like a tag in it ("<x", "</", "<!"), becomes its text
 * (html_to_text: "<b>bold</b> &amp; more" is "bold & more"), white space
 * folded to single spaces; any other title comes back as it is ("I <3 cats
 * & dogs").  A new string; NULL for NULL. */
char	*article_text_title(const char *title);

/* Appends the layout to out, the titles as article_text_title gives them.
 * feed_title may be NULL. */
void	article_text_render(const struct article *a, const char *feed_title,
	    struct buf *out);

#endif
