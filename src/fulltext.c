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
