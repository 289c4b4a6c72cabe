#ifndef TIDINGS_FILTER_H
#define TIDINGS_FILTER_H
/*
 * Filter rules (pure: no I/O, no logging): keep= and drop= rules of a
 * feed (feedlist.h) or an export target (conf.h), compiled once and
 * evaluated per article.
 *
 * A rule is FIELD:PATTERN.  FIELD is title, author, text, link, category
 * (or categories: any one of them), language, or any (each of those).
 * PATTERN is /ERE/, a POSIX extended regular expression compiled by
 * regcomp with REG_EXTENDED | REG_ICASE | REG_NOSUB, or plain words,
 * matched as a case-insensitive substring (ASCII letters fold; other bytes
 * compare as they are).
 *
 * Combination: an article is dropped when any drop rule matches; when
 * there are keep rules, it is dropped unless at least one keep rule
 * matches.  A caller with two lists (a feed's, then a target's) asks each
 * in turn.
 *
 * Cost: glibc's regexec runs an ERE without back-references as an
 * automaton (no backtracking), so its time grows with the text, not
 * exponentially with the pattern; back-references (\1 to \9), the one
 * construct that needs backtracking, are refused.  Only the first
 * FILTER_MAX_TEXT bytes of a field are matched.
 */
#include <stddef.h>

#include "article.h"

/* Bytes of one field a rule looks at. */
#define FILTER_MAX_TEXT	(1024 * 1024)

struct filter;

/* The field names a rule may start with, NULL-terminated (for "did you
 * mean"). */
extern const char *const filter_fields[];

/* An empty list; filter_free accepts NULL. */
struct filter	*filter_new(void);
void		 filter_free(struct filter *f);

/* Compiles rule (FIELD:PATTERN) as a keep rule (keep 1) or a drop rule
 * and appends it.  Returns ERR_OK; ERR_NOTFOUND when FIELD is not one of
 * filter_fields (then *field_end, if not NULL, is the length of the
 * field as written); ERR_INVALID for anything else.  ebuf gets a message
 * that names the rule, and for a bad expression regerror's text and,
 * when it can be told, the character of the pattern at fault. */
int		 filter_add(struct filter *f, int keep, const char *rule,
		    size_t *field_len, char *ebuf, size_t n);

/* How many rules f holds (0 for NULL), and rule i as written, with *keep
 * saying which kind it is. */
size_t		 filter_count(const struct filter *f);
const char	*filter_rule(const struct filter *f, size_t i, int *keep);

/* 1 when the rules of f drop a, with why filled ("drop=RULE", or
 * "keep: none matched (keep=RULE ...)"); 0 when they let it through (a
 * NULL or empty f always does). */
int		 filter_drops(const struct filter *f, const struct article *a,
		    char *why, size_t n);

#endif
