#ifndef TIDINGS_HTML_IMPL_H
#define TIDINGS_HTML_IMPL_H
/*
 * What the html_*.c files share, and nothing outside them includes (the
 * module's API is html.h): the character classes, the one table that
 * classifies every allowlisted name (html_names.c), the tokenizer with its
 * consumers' interface (html_tok.c), the CSS filter (html_css.c) and the
 * sanitizer's entry for the text renderer (html_sanitize.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

#define NPOS	((size_t)-1)
#define CP_NONE	0x110000UL	/* a reference to nothing */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Character classes, ASCII only and locale-free.  They take a char or an
 * unsigned char alike: only the low eight bits count. */
static inline int
is_alpha(int c)
{
	c &= 0xff;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_digit(int c)
{
	c &= 0xff;
	return c >= '0' && c <= '9';
}

static inline int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static inline int
is_hex(int c)
{
	c &= 0xff;
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Python's \s for the ASCII range: tab to CR, 0x1c to 0x1f and space.
 * A table, since it is asked of nearly every byte of text. */
extern const unsigned char html_space_tab[256];

static inline int
is_space(int c)
{
	return html_space_tab[c & 0xff];
}

/* Python's \w, approximated: any byte of a non-ASCII character counts. */
static inline int
is_word(int c)
{
	c &= 0xff;
	return is_alnum(c) || c == '_' || (c & 0x80);
}

static inline int
lower(int c)
{
	c &= 0xff;
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Compares a counted string with a NUL-terminated one, as bytes.  Inline:
 * the allowlist searches make a million calls on a 3 MB feed. */
static inline int
cmp_counted(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i];
		unsigned char b = (unsigned char)name[i];

		if (b == '\0' || a != b)
			return b == '\0' ? 1 : (a < b ? -1 : 1);
	}
	return name[n] == '\0' ? 0 : -1;
}

static inline int
eq(const char *s, size_t n, const char *lit)
{
	return cmp_counted(s, n, lit) == 0;
}

/*
 * The allowlists are looked up through one hash table of every name they
 * hold, each with the sets it belongs to as bits: a tag or attribute name
 * is hashed once and then tested against any set for free.  The table is
 * filled before main() from the sorted lists in html_names.c (cls_build),
 * so the lists stay the one statement of which names are allowed.
 */
enum {
	SET_ok_elements		= 1u << 0,
	SET_ok_attributes	= 1u << 1,
	SET_css_properties	= 1u << 2,
	SET_css_keywords	= 1u << 3,
	SET_mathml_elements	= 1u << 4,
	SET_mathml_attributes	= 1u << 5,
	SET_svg_elements	= 1u << 6,
	SET_svg_attributes	= 1u << 7,
	SET_svg_properties	= 1u << 8,
	SET_void_elements	= 1u << 9,
	SET_uri_schemes		= 1u << 10,
	SET_unacceptable_elements = 1u << 11,
	SET_uri_attributes	= 1u << 12,
	SET_animation_values	= 1u << 13,
	SET_relative_uris	= 1u << 14,
	SET_css_shorthands	= 1u << 15,
	SET_block_elements	= 1u << 16,
	SET_rawtext_elements	= 1u << 17,
	SET_hidden_elements	= 1u << 18,
};

#define CLS_SIZE	2048	/* a power of two, over twice the names */

struct cls_slot {
	const char	*name;
	uint32_t	 len;
	uint32_t	 sets;
};

extern struct cls_slot html_cls_table[CLS_SIZE];

static inline uint32_t
cls_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The sets the name s (n bytes, compared exactly) belongs to; 0 for none. */
static inline uint32_t
classify(const char *s, size_t n)
{
	uint32_t h = cls_hash(s, n) & (CLS_SIZE - 1);

	while (html_cls_table[h].name != NULL) {
		if (html_cls_table[h].len == n &&
		    memcmp(html_cls_table[h].name, s, n) == 0)
			return html_cls_table[h].sets;
		h = (h + 1) & (CLS_SIZE - 1);
	}
	return 0;
}

#define IN(set, s, n)	((classify(s, n) & SET_##set) != 0)

/* The output of the sanitizer and renderer is about as long as their
 * input: one allocation beats a dozen doublings. */
static inline void
presize(struct buf *b, size_t n)
{
	buf_reserve(b, n);
}

/* Length of the Python-whitespace character at s[i] (UTF-8), or 0.  The
 * renderer asks this of every byte of text: ASCII and the lead bytes that
 * start no space are answered before the call. */
size_t	html_py_space_multi(const unsigned char *, size_t, size_t);

static inline size_t
py_space_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];

	if (c < 0x80)
		return (size_t)is_space(c);
	if (c != 0xc2 && c != 0xe1 && c != 0xe2 && c != 0xe3)
		return 0;
	return html_py_space_multi(s, n, i);
}

/*
 * The tokenizer.
 */
struct html_attr {
	const char	*name;		/* as written, any case */
	size_t		 namelen;
	const char	*value;		/* unquoted, refs as is */
	size_t		 valuelen;
	size_t		 seq;		/* position: sorts stably */
};

/* What the tokenizer knows of a text run (tok_ops.text). */
enum {
	TEXT_ANY = 0,
	TEXT_REST,	/* markup that never closed */
	TEXT_PLAIN,	/* no '<' or '&' in it */
};

struct html_tok_ops {
	/* Text as written; rest (TEXT_REST) is set for input that was meant
	 * as markup but never closed, which a careful consumer escapes. */
	void	(*text)(void *, const char *, size_t, int rest);
	/* A character reference: the digits, "123" or "x7b". */
	void	(*charref)(void *, const char *, size_t);
	/* An entity reference: the name, and whether a ';' ended it. */
	void	(*entity)(void *, const char *, size_t, int semi);
	/* A start tag, name lowercased.  Returns 1 to skip its content as
	 * raw text up to the matching end tag. */
	int	(*start)(void *, const char *, size_t, struct html_attr *, size_t,
		    int selfclose);
	void	(*end)(void *, const char *, size_t);
	void	(*comment)(void *, const char *, size_t);
};

struct html_tok {
	const char		*s;
	size_t			 n;
	const struct html_tok_ops	*ops;
	void			*ctx;
	int			 textmode;	/* HTML5-ish */
	struct html_attr		*attrs;
	size_t			 nattrs;
	size_t			 attrcap;
	struct buf		 name;		/* lower case */
	struct buf		 last;		/* the last start tag */
	int			 have_last;
};

/* html_names.c */
/* Windows-1252 meanings of the C1 range, which HTML gives to &#128;..&#159;. */
extern const unsigned short html_cp1252[32];
unsigned long	html_entity_lookup(const char *s, size_t n);
unsigned long	html_legacy_prefix(const char *s, size_t n, size_t *used);
unsigned long	html_charref_value(const char *p, size_t n);

/* html_tok.c */
void	html_put_raw(struct buf *b, const char *p, size_t n);
void	html_set_lower(struct buf *b, const char *p, size_t n);
char	*html_sgml_prepass(const char *s, size_t n, size_t *outlen);
void	html_tok_init(struct html_tok *t, const char *s, size_t n,
	    const struct html_tok_ops *ops, void *ctx);
void	html_tok_run(struct html_tok *t);
void	html_tok_free(struct html_tok *t);

/* html_css.c: the style attribute's value in, what is left of it
 * appended to dst; svg allows SVG's presentation properties; tmp and prop
 * are scratch buffers. */
void	html_css_clean(struct buf *dst, const char *in, size_t inlen, int svg,
	    struct buf *tmp, struct buf *prop);

/* html_sanitize.c: html_sanitize(), handing what it writes to a second
 * consumer (follow, ctx; NULL for none) as it goes: see html_text.c.
 * *unsafe is set when the output holds something the follower cannot be
 * given, and what it got is then to be dropped. */
char	*html_sanitize_follow(const char *html, size_t len, const char *base,
	    const struct html_tok_ops *follow, void *ctx, int *unsafe);

#endif
