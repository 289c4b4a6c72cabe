#ifndef TIDINGS_EXTRACT_H
#define TIDINGS_EXTRACT_H
/*
 * The article in a web page (pure): bytes, the page's URL and the charset
 * its server declared in, the article's body and metadata out.  No I/O, no
 * logging, no network (libxml2's HTML parser with HTML_PARSE_NONET).
 *
 * Charset, in this order of evidence: a byte order mark, the declared
 * charset (HTTP Content-Type or --charset), then non-ASCII text that is
 * valid UTF-8 (pages converted to UTF-8 often keep their old <meta>, and
 * legacy multi-byte text practically never passes as UTF-8), <meta charset>
 * or <meta http-equiv="Content-Type"> in the first 4 KiB, then the bytes
 * themselves: clean UTF-8 is UTF-8; Cyrillic letters in windows-1251 or
 * KOI8-U are told apart by the case their high bytes take (lower case
 * dominates running text); anything else is windows-1252 (encoding.h).
 *
 * Metadata comes from structured data first, then visible text: JSON-LD
 * (schema.org Article and its kinds, also inside @graph), the meta tags
 * Readability reads (dc:, og:, twitter:, article:, parsely-, author,
 * description), then <link rel=canonical>, <time datetime>, rel=author,
 * and bylines in the page ("By ..." blocks whose class or id says byline or
 * author).  The byline and a date line shown in the page are metadata, not
 * body text: they are taken out of the body.
 *
 * The body is found in the manner of Mozilla's Readability: paragraphs are
 * scored by length and commas, their scores flow to their ancestors, the
 * class/id hints and link density weigh the candidates, the best one is
 * promoted to a common ancestor when the top candidates share one, and
 * siblings that score well or read as prose are merged.  The body is then
 * cleaned of what the stronger extractors remove: share, related,
 * "read also" and comment blocks, lists of links, forms, asides and short
 * blocks that are mostly links or images.  If the body comes out shorter
 * than 500 characters the page is tried again with fewer rules, and the
 * longest result wins.
 *
 * content is the body through html_sanitize() (links and images absolute);
 * text is html_to_text() of the same body without figure captions: the
 * rules of the text export.
 *
 * Before libxml2 reads the page, comments and the bodies of <script> and
 * <style> (but JSON-LD) are cut, as an HTML parser would end them.  The
 * parse has no depth limit and no cap on a text node (XML_PARSE_HUGE): a
 * page of unclosed <div>s keeps its text.
 *
 * Cost: linear in the page's size for parsing, scoring and cleaning (every
 * aggregate is computed bottom-up once per pass; no walk recurses, so
 * nesting depth costs no stack); at most four parses when the body is
 * short.  Memory is a few times the page's size (libxml2's tree): 3-5x
 * for real pages, about 19x for a page that is one giant table of short
 * cells (a tree node per cell outweighs its bytes).
 */
#include <stddef.h>

#include "date.h"

/* The largest page extract_page() accepts: libxml2 takes an int length. */
#define EXTRACT_MAX_PAGE	(256u * 1024 * 1024)

struct extract_result {
	char	*url;		/* canonical URL if declared, else the given one */
	char	*title;
	char	*author;
	int	 has_published;
	struct date_time published;
	char	*site_name;
	char	*language;
	char	*image;		/* absolute: og:image and the like, JSON-LD,
				 * else the body's first picture */
	char	*excerpt;
	char	*content;	/* sanitised HTML; NULL when no article */
	char	*text;		/* plain text; NULL when no article */
	char	 charset[40];	/* the charset the page was read in */
};

/*
 * Fills out (every field NULL or set; caller clears with
 * extract_result_clear).  url (the page's address, for relative links and
 * as the default url) and charset may be NULL.  Returns 0, or ERR_LIMIT
 * for a page longer than EXTRACT_MAX_PAGE; a page that holds no article is
 * not an error: content and text are NULL then.
 */
int	extract_page(const char *data, size_t len, const char *url,
	    const char *charset, struct extract_result *out, char *ebuf,
	    size_t n);
void	extract_result_clear(struct extract_result *r);

/* libxml2's HTML parser as the extractor reads a page (UTF-8 data, no
 * network, errors recovered, no depth limit: the tree's walkers do not
 * recurse); base is the document's URL or NULL.  Free with xmlFreeDoc. */
struct _xmlDoc *extract_html_read(const char *data, size_t len,
	    const char *base);

#endif
