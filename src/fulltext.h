#ifndef TIDINGS_FULLTEXT_H
#define TIDINGS_FULLTEXT_H
/*
 * Whole articles from teaser feeds (pure): the vocabulary of the feed-list
 * option and [fetch] key `fulltext`, and the decision whether an item's
 * web page is fetched for its body.  No I/O, no logging.
 */

/* fulltext=: auto fetches the page of an item whose body is missing or
 * looks truncated, always the page of every new item, never none. */
enum fulltext_mode {
	FULLTEXT_AUTO = 0,
	FULLTEXT_ALWAYS,
	FULLTEXT_NEVER,
};

/* "auto", "always" or "never" into *m; -1 for anything else. */
int		 fulltext_mode_parse(const char *s, enum fulltext_mode *m);
const char	*fulltext_mode_name(enum fulltext_mode m);

/* Text shorter than this many characters looks like a teaser. */
#define FULLTEXT_SHORT	300

/* What the decision looks at for one item the feed brought. */
struct fulltext_item {
	const char	*link;		/* the item's link; NULL: none */
	const char	*text;		/* its plain text body; NULL: none */
	int		 is_new;	/* a new article; else an update */
	/* For an update: whether a page was fetched (or given up on) for
	 * the article before, and for which link. */
	int		 page_done;
	const char	*page_link;
};

/* 1 when the body looks cut short: missing, under FULLTEXT_SHORT
 * characters, or ending in an ellipsis ("\u2026", "...", "[...]") or in a
 * "read more" / "continue reading" phrase (a link's text ends the text
 * as it is rendered), whatever punctuation or arrows follow it. */
int	fulltext_truncated(const char *text);

/* 1 when the item's page is to be fetched: never with FULLTEXT_NEVER or
 * without an http, https or file link; never for an update of an
 * article whose page was already fetched for the same link; else always
 * with FULLTEXT_ALWAYS, and with FULLTEXT_AUTO when the body looks
 * truncated (fulltext_truncated). */
int	fulltext_wanted(enum fulltext_mode m, const struct fulltext_item *it);

#endif
