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


/* The state of one extraction, shared by extract.c (scoring) and
 * extract_clean.c (cleaning the chosen body). */
enum {
	F_STRIP_UNLIKELY = 1,
	F_WEIGHT_CLASSES = 2,
	F_CLEAN_COND = 4,
};

/* What is known of one element; hangs off node->_private. */
struct info {
	double	 score;
	int	 scored;	/* initialised as a candidate */
	unsigned flags;
	size_t	 text;		/* characters of text, white space folded */
	double	 link;		/* characters of text inside links */
	size_t	 commas;
	size_t	 heading;	/* characters of text inside h1-h6 */
	size_t	 listed;	/* characters of text inside ul/ol */
	unsigned np, nimg, nli, ninput, nembed, nblock, ntr, ntd, nth,
		 nfigure, ntable;
};
#define I_IN_TABLE	1u
#define I_IN_CODE	2u
#define I_DATA_TABLE	4u
#define I_IN_DATA_TABLE	8u
#define I_IN_FIGURE	16u

struct chunk {
	struct chunk	*next;
	size_t		 used;
	struct info	 v[1024];
};

struct ex {
	xmlDoc		*doc;
	const char	*base;
	const char	*title;
	unsigned	 flags;
	struct chunk	*chunks;
	char		*byline;	/* a byline found in the page */
	int		 title_removed;
	int		 seen_prose;	/* a scored block of 80+ characters */
	xmlNode		**list;		/* elements to score */
	size_t		 nlist, caplist;
};

typedef int (*leave_fn)(struct ex *x, xmlNode *n, struct info *i);

/* extract.c's helpers that the cleaning uses. */
extern const char *const ex_maybe_words[];
int	ex_class_weight(struct ex *x, const xmlNode *n);
int	ex_elem_children(const xmlNode *n);
int	ex_has_any(const char *s, const char *const *words);
int	ex_is_elem(const xmlNode *n);
double	ex_link_density(const struct info *i);
const char *ex_match_string(const xmlNode *n, char *s, size_t len);
void	ex_measure(struct ex *x, xmlNode *root, leave_fn leave);
xmlNode *ex_next_in(xmlNode *n, xmlNode *root, int skip);
/* Readability's prepArticle over the chosen body (extract_clean.c). */
void	ex_prep_article(struct ex *x, xmlNode *art);

#endif
