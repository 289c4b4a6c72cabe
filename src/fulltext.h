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

#endif
