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
 *
 * None of these fail: any byte string is accepted (NUL included; it comes
 * out as U+FFFD), nothing past len is read, time is linear in len and
 * nesting depth costs no memory.  Out of memory aborts (xmalloc).
 */
#include <stddef.h>

/*
 * Returns clean HTML (caller frees).  base may be NULL; when set, relative
 * URLs in the attributes feedparser resolves (a href, img src, q cite, ...)
 * are resolved with url_resolve().  Output matches feedparser 6's
 * resolve-then-sanitize output byte for byte (attributes sorted and
 * double-quoted, "<br />", unknown "&name;" as "&amp;name", C1 character
 * references as their Windows-1252 characters, comments kept, outer white
 * space stripped, CRLF as LF) except where feedparser lets script through:
 * every URL attribute (not only href) whose scheme, after references are
 * decoded and tabs/newlines dropped, is not an allowed one (http, https,
 * ftp, mailto, ...) is emptied; SVG animations of a link attribute lose
 * their values; comments a browser would end early ("<!-->", "--!>") are
 * dropped; and a start tag left unclosed at the end of the input comes out
 * escaped instead of raw.
 */
char	*html_sanitize(const char *html, size_t len, const char *base);
/*
 * Returns the plain text (caller frees), no trailing newline, "" for no
 * text.  Paragraphs (p, div, h1-h6, blockquote, table, hr, ...) are
 * separated by one empty line; one <br> is a line break, two or more in a
 * row a paragraph break; list items are lines "- item" (or "1. item" in an
 * <ol>), nested lists indented by two spaces a level; table rows are lines with cells separated by a space; <pre> keeps
 * its line breaks.  White space, U+00A0 included, folds to one space, so a
 * paragraph of only white space vanishes.  The content of script, style,
 * title, head, template, noscript, iframe, object, applet, svg, math,
 * select, textarea, audio, video and canvas is dropped.
 */
char	*html_to_text(const char *html, size_t len);
/*
 * html_sanitize(), and in *text (caller frees) what html_to_text() gives
 * for its output, byte for byte, mostly from the same pass.
 */
char	*html_sanitize_text(const char *html, size_t len, const char *base,
	    char **text);
/* Decodes character references (decimal, hex, ';' optional) and the HTML 4
 * entities plus &apos; (';' optional when the name ends there); invalid
 * code points become U+FFFD and &#128;..&#159; read as Windows-1252.
 * Unknown names stay as written.  Caller frees. */
char	*html_unescape(const char *s, size_t len);
/* Escapes &, <, > (and " when quote is set); caller frees. */
char	*html_escape(const char *s, size_t len, int quote);
/* 1 when url (references already decoded) may go out as a link: it has no
 * scheme (relative) or one of the harmless ones the sanitizer allows in
 * content (http, https, ftp, mailto, magnet, ...), after leading controls
 * and embedded tabs and newlines are skipped as browsers skip them; 0 for
 * javascript:, vbscript:, data: and every scheme not listed.  1 for NULL. */
int	 html_url_allowed(const char *url);
/* 1 if s looks like HTML by feedparser's rule for RSS text of unknown type:
 * it has an end tag or a reference, every tag is one the sanitizer allows
 * and every named reference is an HTML 4 entity. */
int	 html_looks_like_html(const char *s, size_t len);

#endif
