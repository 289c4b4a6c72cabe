/* Whole articles from teaser feeds: the decision (fulltext.h). */

#include <string.h>

#include "fulltext.h"

static const char *const mode_names[] = { "auto", "always", "never" };

int
fulltext_mode_parse(const char *s, enum fulltext_mode *m)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*m = (enum fulltext_mode)i;
			return 0;
		}
	return -1;
}

const char *
fulltext_mode_name(enum fulltext_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ?
	    mode_names[m] : "auto";
}

/* Phrases that end a teaser, lower case, without their punctuation. */
static const char *const more_phrases[] = {
	"read more", "continue reading", "read the rest", "read full article",
	"read the full article", "read full story", "read the full story",
	"weiterlesen", "lire la suite", "leer m\xc3\xa1s",
	/* читати далі, Читати далі, читать далее, Читать далее */
	"\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd0\xb8 \xd0\xb4\xd0\xb0\xd0\xbb\xd1\x96",
	"\xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd0\xb8 \xd0\xb4\xd0\xb0\xd0\xbb\xd1\x96",
	"\xd1\x87\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c \xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb5\xd0\xb5",
	"\xd0\xa7\xd0\xb8\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c \xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb5\xd0\xb5",
};

/* UTF-8 characters in s[0..len). */
static size_t
u8len(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Whether the byte, or the UTF-8 sequence, ending at s[len - 1] is trailing
 * decoration: space, punctuation, brackets, arrows and guillemets.  Returns
 * its length in bytes, 0 when it is not. */
static size_t
trail_len(const char *s, size_t len)
{
	static const char *const seq[] = {
		"\xc2\xbb", "\xc2\xa0", "\xe2\x86\x92", "\xe2\x80\xba",
		"\xe2\x96\xba", "\xe2\x96\xb6",	/* » nbsp → › ► ▶ */
	};
	unsigned char c = (unsigned char)s[len - 1];
	size_t i, k;

	if (c < 0x80)
		return c != '\0' && strchr(" \t\r\n.:!>)]-=|/", c) != NULL;
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		k = strlen(seq[i]);
		if (len >= k && memcmp(s + len - k, seq[i], k) == 0)
			return k;
	}
	return 0;
}

/* s[0..len) ends in the word or phrase suffix, ASCII letters in any
 * case (the others as listed). */
static int
ends_with_ci(const char *s, size_t len, const char *suffix)
{
	size_t k = strlen(suffix), i;
	unsigned char a;

	if (len < k)
		return 0;
	for (i = 0; i < k; i++) {
		a = (unsigned char)s[len - k + i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != (unsigned char)suffix[i])
			return 0;
	}
	/* a whole word: nothing but a space or the start before it */
	return len == k || strchr(" \t\n([\"'", s[len - k - 1]) != NULL;
}

int
fulltext_truncated(const char *text)
{
	size_t len, k, i;

	if (text == NULL)
		return 1;
	len = strlen(text);
	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	if (len == 0 || u8len(text, len) < FULLTEXT_SHORT)
		return 1;
	/* an ellipsis, as a character or three dots, maybe in brackets */
	k = len;
	while (k > 0 && (text[k - 1] == ']' || text[k - 1] == ')' ||
	    text[k - 1] == ' '))
		k--;
	if ((k >= 3 && memcmp(text + k - 3, "\xe2\x80\xa6", 3) == 0) ||
	    (k >= 3 && memcmp(text + k - 3, "...", 3) == 0))
		return 1;
	/* a "read more" phrase, whatever decoration follows it */
	while (len > 0 && (k = trail_len(text, len)) > 0)
		len -= k;
	if (len >= 3 && memcmp(text + len - 3, "\xe2\x80\xa6", 3) == 0)
		len -= 3;
	for (i = 0; i < sizeof(more_phrases) / sizeof(more_phrases[0]); i++)
		if (ends_with_ci(text, len, more_phrases[i]))
			return 1;
	return 0;
}

static int
page_link(const char *link)
{
	return link != NULL && (strncmp(link, "http://", 7) == 0 ||
	    strncmp(link, "https://", 8) == 0 ||
	    strncmp(link, "file:", 5) == 0);
}

int
fulltext_wanted(enum fulltext_mode m, const struct fulltext_item *it)
{
	if (m == FULLTEXT_NEVER || !page_link(it->link))
		return 0;
	if (!it->is_new && it->page_done && it->page_link != NULL &&
	    strcmp(it->page_link, it->link) == 0)
		return 0;
	if (m == FULLTEXT_ALWAYS)
		return 1;
	return fulltext_truncated(it->text);
}
