#ifndef TIDINGS_NORMALIZE_H
#define TIDINGS_NORMALIZE_H
/*
 * Normalising what a format parser read into the article record every
 * format shares.  Pure: no I/O, no logging.  The format parsers
 * (parse_xml.c, parse_json.c) call these; parse.c, above them, does not.
 *
 * Identity (the `id` field, the key dedup starts from), in this order:
 *  1. the guid / atom:id / JSON Feed id, when usable: non-empty after
 *     trimming, at most 2048 bytes;
 *  2. else the canonical link (resolved, tracking parameters removed);
 *  3. else "sha256:" + SHA-256 of title, NUL, published date (RFC 3339 UTC
 *     or empty), NUL, text.
 */
#include <stddef.h>

#include "article.h"

/* Applies the identity rule above to a finished item (sets a->id). */
void	normalize_assign_id(struct article *a);
/* The steps every format shares once an item is complete: the URL fields
 * (link, comments, image, each enclosure) are dropped when their scheme is
 * not one a link in content may have (html_url_allowed: no javascript:,
 * vbscript:, data:), the link becomes canonical (url_canonical), text is
 * derived from content, else summary (html_to_text) unless the parser set
 * it, and the id is assigned.  Call it just before handing the item to the
 * callback. */
void	normalize_item(struct article *a);
/* normalize_item in its two independent halves, the links and then the
 * rest (text, id), which a pipelined parse runs on its two threads. */
void	normalize_item_links(struct article *a);
void	normalize_item_body(struct article *a);

/* Takes s (malloc'd) and returns it, or a new string that replaces it,
 * repaired as feedparser does: UTF-8 that was read as ISO-8859-1 and
 * encoded again is undone, and C1 controls become what windows-1252 has
 * at their place.  Pure ASCII returns at once. */
char	*normalize_text(char *s);
/* A new copy of link s with each "&amp;" made "&" (feedparser: it was an
 * unescaped "&" in a query); other references are kept. */
char	*normalize_link_amps(const char *s);
/* 1 if the n bytes at s are valid UTF-8 without a NUL. */
int	normalize_is_utf8(const unsigned char *s, size_t n);

#endif
