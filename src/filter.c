#include "filter.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "xmalloc.h"

enum field {
	F_TITLE, F_AUTHOR, F_TEXT, F_LINK, F_CATEGORY, F_LANGUAGE, F_ANY
};

const char *const filter_fields[] = {
	"title", "author", "text", "link", "category", "categories",
	"language", "any", NULL
};
/* the field of each name above */
static const enum field field_of[] = {
	F_TITLE, F_AUTHOR, F_TEXT, F_LINK, F_CATEGORY, F_CATEGORY,
	F_LANGUAGE, F_ANY
};

struct rule {
	char		*text;		/* as written */
	int		 keep;
	enum field	 field;
	int		 is_re;
	regex_t		 re;
	char		*words;		/* plain words, lower-cased ASCII */
	size_t		 nwords;
};

struct filter {
	struct rule	*v;
	size_t		 n;
	size_t		 nkeep;
};

struct filter *
filter_new(void)
{
	return xcalloc(1, sizeof(struct filter));
}

void
filter_free(struct filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->v[i].text);
		if (f->v[i].is_re)
			regfree(&f->v[i].re);
		free(f->v[i].words);
	}
	free(f->v);
	free(f);
}

size_t
filter_count(const struct filter *f)
{
	return f != NULL ? f->n : 0;
}

const char *
filter_rule(const struct filter *f, size_t i, int *keep)
{
	if (f == NULL || i >= f->n)
		return NULL;
	if (keep != NULL)
		*keep = f->v[i].keep;
	return f->v[i].text;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * The position (0-based) in pat of what makes regcomp fail with code, or
 * -1 when it cannot be told: the unmatched bracket, parenthesis or brace,
 * a repetition with nothing before it.  Brackets hold no escapes in POSIX.
 */
static long
error_pos(const char *pat, int code)
{
	long paren[64], np = 0, i, brack = -1, brace = -1;

	for (i = 0; pat[i] != '\0'; i++) {
		if (brack >= 0) {
			if (pat[i] == ']' && i > brack + 1 &&
			    !(i == brack + 2 && pat[brack + 1] == '^'))
				brack = -1;
			continue;
		}
		switch (pat[i]) {
		case '\\':
			if (pat[i + 1] != '\0')
				i++;
			break;
		case '[':
			brack = i;
			break;
		case '(':
			if (np < 64)
				paren[np++] = i;
			break;
		case ')':
			if (np == 0 && code == REG_EPAREN)
				return i;
			if (np > 0)
				np--;
			break;
		case '{':
			brace = i;
			break;
		case '}':
			brace = -1;
			break;
		case '*': case '+': case '?':
			if (code == REG_BADRPT && (i == 0 || pat[i - 1] == '(' ||
			    pat[i - 1] == '|'))
				return i;
			break;
		}
	}
	if (code == REG_EBRACK)
		return brack;
	if (code == REG_EPAREN)
		return np > 0 ? paren[np - 1] : -1;
	if (code == REG_EBRACE || code == REG_BADBR)
		return brace;
	return -1;
}

/* The position of a back-reference (\1 to \9) outside brackets, or -1. */
static long
backref_pos(const char *pat)
{
	long i, brack = -1;

	for (i = 0; pat[i] != '\0'; i++) {
		if (brack >= 0) {
			if (pat[i] == ']' && i > brack + 1 &&
			    !(i == brack + 2 && pat[brack + 1] == '^'))
				brack = -1;
		} else if (pat[i] == '[')
			brack = i;
		else if (pat[i] == '\\') {
			if (pat[i + 1] >= '1' && pat[i + 1] <= '9')
				return i;
			if (pat[i + 1] != '\0')
				i++;
		}
	}
	return -1;
}

int
filter_add(struct filter *f, int keep, const char *rule, size_t *field_len,
    char *ebuf, size_t n)
{
	struct rule r;
	const char *colon, *pat;
	char *re, *wrapped, msg[256];
	size_t len, i, k;
	long pos;
	int rc;

	memset(&r, 0, sizeof(r));
	colon = strchr(rule, ':');
	if (colon == NULL || colon == rule)
		return err_set(ebuf, n, ERR_INVALID, "\"%s\": a rule is "
		    "FIELD:PATTERN (title, author, text, link, category, "
		    "language or any)", rule);
	len = (size_t)(colon - rule);
	for (k = 0; filter_fields[k] != NULL; k++)
		if (strlen(filter_fields[k]) == len &&
		    strncmp(filter_fields[k], rule, len) == 0)
			break;
	if (filter_fields[k] == NULL) {
		if (field_len != NULL)
			*field_len = len;
		return err_set(ebuf, n, ERR_NOTFOUND, "\"%s\": unknown field "
		    "\"%.*s\"", rule, (int)len, rule);
	}
	r.field = field_of[k];
	pat = colon + 1;
	len = strlen(pat);
	if (len == 0)
		return err_set(ebuf, n, ERR_INVALID, "\"%s\": empty pattern",
		    rule);
	if (len >= 2 && pat[0] == '/' && pat[len - 1] == '/') {
		re = xstrndup(pat + 1, len - 2);
		if ((pos = backref_pos(re)) >= 0) {
			err_set(ebuf, n, ERR_INVALID, "\"%s\": back-reference "
			    "at character %ld of the pattern: not allowed "
			    "(it would need backtracking)", rule, pos + 1);
			free(re);
			return ERR_INVALID;
		}
		if ((rc = regcomp(&r.re, re, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB)) != 0) {
			regerror(rc, &r.re, msg, sizeof(msg));
			pos = error_pos(re, rc);
			if (pos >= 0)
				err_set(ebuf, n, ERR_INVALID, "\"%s\": bad "
				    "regular expression at character %ld of "
				    "the pattern: %s", rule, pos + 1, msg);
			else
				err_set(ebuf, n, ERR_INVALID, "\"%s\": bad "
				    "regular expression: %s", rule, msg);
			free(re);
			return ERR_INVALID;
		}
		/* Matched as one pass from the start of the text: unanchored,
		 * regexec tries every start position in turn, quadratic in
		 * the text for patterns such as (a|aa)*c.  The pattern alone
		 * compiled, so the parentheses around it are balanced. */
		regfree(&r.re);
		wrapped = xasprintf("^.*(%s)", re);
		rc = regcomp(&r.re, wrapped, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB);
		free(wrapped);
		free(re);
		if (rc != 0)
			return err_set(ebuf, n, ERR_INVALID, "\"%s\": bad "
			    "regular expression", rule);
		r.is_re = 1;
	} else {
		r.words = xstrdup(pat);
		r.nwords = len;
		for (i = 0; i < len; i++)
			r.words[i] = (char)lower((unsigned char)r.words[i]);
	}
	r.text = xstrdup(rule);
	r.keep = keep != 0;
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = r;
	f->nkeep += r.keep;
	return ERR_OK;
}

/* Case-insensitive (ASCII) search for the rule's words in s[0..len). */
static int
words_in(const struct rule *r, const char *s, size_t len)
{
	size_t i, j;

	if (r->nwords > len)
		return 0;
	for (i = 0; i + r->nwords <= len; i++) {
		for (j = 0; j < r->nwords; j++)
			if (lower((unsigned char)s[i + j]) !=
			    (unsigned char)r->words[j])
				break;
		if (j == r->nwords)
			return 1;
	}
	return 0;
}

static int
match_one(const struct rule *r, const char *s)
{
	size_t len;
	char *copy;
	int hit;

	if (s == NULL)
		return 0;
	len = strnlen(s, FILTER_MAX_TEXT + 1);
	if (len > FILTER_MAX_TEXT) {
		/* the first FILTER_MAX_TEXT bytes, cut before a UTF-8
		 * continuation byte */
		len = FILTER_MAX_TEXT;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	if (!r->is_re)
		return words_in(r, s, len);
	if (s[len] == '\0')
		return regexec(&r->re, s, 0, NULL, 0) == 0;
	copy = xstrndup(s, len);
	hit = regexec(&r->re, copy, 0, NULL, 0) == 0;
	free(copy);
	return hit;
}

static int
matches(const struct rule *r, const struct article *a)
{
	enum field fl = r->field;
	size_t i;

	if ((fl == F_TITLE || fl == F_ANY) && match_one(r, a->title))
		return 1;
	if ((fl == F_AUTHOR || fl == F_ANY) && match_one(r, a->author))
		return 1;
	if ((fl == F_TEXT || fl == F_ANY) && match_one(r, a->text))
		return 1;
	if ((fl == F_LINK || fl == F_ANY) && match_one(r, a->link))
		return 1;
	if (fl == F_CATEGORY || fl == F_ANY)
		for (i = 0; i < a->ncategories; i++)
			if (match_one(r, a->categories[i]))
				return 1;
	if ((fl == F_LANGUAGE || fl == F_ANY) && match_one(r, a->language))
		return 1;
	return 0;
}

int
filter_drops(const struct filter *f, const struct article *a, char *why,
    size_t n)
{
	size_t i, used;
	int w;

	if (f == NULL || f->n == 0)
		return 0;
	for (i = 0; i < f->n; i++)
		if (!f->v[i].keep && matches(&f->v[i], a)) {
			snprintf(why, n, "drop=%s", f->v[i].text);
			return 1;
		}
	if (f->nkeep == 0)
		return 0;
	for (i = 0; i < f->n; i++)
		if (f->v[i].keep && matches(&f->v[i], a))
			return 0;
	w = snprintf(why, n, "keep: none matched (");
	used = w > 0 ? (size_t)w : 0;
	for (i = 0; i < f->n && used < n; i++) {
		if (!f->v[i].keep)
			continue;
		w = snprintf(why + used, n - used, "%skeep=%s",
		    why[used - 1] == '(' ? "" : " ", f->v[i].text);
		used += w > 0 ? (size_t)w : 0;
	}
	if (used < n)
		snprintf(why + used, n - used, ")");
	return 1;
}
