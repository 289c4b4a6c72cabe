#ifndef TIDINGS_EXTRACT_INT_H
#define TIDINGS_EXTRACT_INT_H
/*
 * What extract.c (the body) and extract_meta.c (charset, metadata) share;
 * not for other modules.
 */
#include <stddef.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "date.h"

/* The page's metadata, before the body is known. */
struct ex_meta {
	char	*title;		/* JSON-LD, meta tags, else <title> cut */
	char	*author;	/* JSON-LD, meta tags; NULL when none */
	char	*excerpt;
	char	*site_name;
	char	*image;		/* absolute */
	char	*url;		/* canonical, absolute; NULL when none */
	char	*language;
	char	*doc_title;	/* the <title> text, folded */
	int	 has_published;
	struct date_time published;
};

/* 1 if n is an element named name (lower case). */
static inline int
ex_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    __builtin_strcmp((const char *)n->name, name) == 0;
}

/* The value of attribute name, borrowed from the tree ("" when it has no
 * value), or NULL when absent.  No allocation. */
const char *ex_attr(const xmlNode *n, const char *name);
/* Appends the text under n (script/style/noscript/template skipped),
 * white space folded to one space; the caller trims. */
void	ex_text_append(const xmlNode *n, struct buf *b);
/* The folded, trimmed text under n; caller frees. */
char	*ex_text(const xmlNode *n);
/* s with white space folded and trimmed; NULL for NULL or blank. */
char	*ex_fold(const char *s);
/* Similarity of two titles as Readability computes it: 1 - the share of
 * b's words (by length) that are not in a.  0..1. */
double	 ex_similarity(const char *a, const char *b);

/* The page without comments and the bodies of <script> and <style> (but
 * JSON-LD), into out (which may be in itself); returns the new length.
 * With out NULL: 1 if anything would go, else 0. */
size_t	 ex_strip_raw(const char *in, size_t len, char *out);
/* Appends root's children as HTML to b; figcaptions left out when nocap;
 * *has_cap (unless NULL) set when there were any. */
void	 ex_serialize(xmlNode *root, struct buf *b, int nocap, int *has_cap);

/* The charset to decode with: declared (when known), else <meta> in the
 * first 4 KiB, else NULL for encoding.h's own choice, except that
 * non-UTF-8 bytes that read as Cyrillic give WINDOWS-1251 or KOI8-U. */
const char *ex_charset(const char *data, size_t len, const char *declared);
/* Reads the metadata of doc (before the body is touched). */
void	ex_meta_read(xmlDoc *doc, const char *base, struct ex_meta *m);
void	ex_meta_clear(struct ex_meta *m);

#endif
