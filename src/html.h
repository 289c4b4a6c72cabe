#ifndef TIDINGS_HTML_H
#define TIDINGS_HTML_H
/*
 * HTML fragments from feeds (pure).  A tolerant tokenizer feeds two
 * consumers: the sanitizer, which keeps only an allowlist of elements,
 * attributes, URL schemes and CSS properties (it follows feedparser's
 * sanitizer, so that the public conformance corpus can judge it) and
 * resolves every href/src against a base URL; and the text renderer, which
 * gives the plain text of a fragment: block elements break paragraphs,
 * paragraphs are separated by one empty line, inline markup is dropped but
 * its text kept, entities decoded, white space folded, script/style and
 * empty paragraphs gone.
 */
#include <stddef.h>

/* Returns clean HTML (caller frees).  base may be NULL. */
char	*html_sanitize(const char *html, size_t len, const char *base);
/* Returns the plain text (caller frees), no trailing newline. */
char	*html_to_text(const char *html, size_t len);
/* Decodes character and entity references in s (HTML5 names); caller frees. */
char	*html_unescape(const char *s, size_t len);
/* Escapes &, <, > (and " when quote is set); caller frees. */
char	*html_escape(const char *s, size_t len, int quote);
/* 1 if s looks like it contains HTML markup or entities. */
int	 html_looks_like_html(const char *s, size_t len);

#endif
