#ifndef TIDINGS_XML_VALUES_H
#define TIDINGS_XML_VALUES_H
/*
 * Values of feed elements and attributes from their text.  Pure; each
 * returns -1 (or NULL) for text that is not the value, so that a field
 * gets no value rather than a wrong one.
 */
#include <stddef.h>

/* s[0..len) without leading and trailing white space: *outp, *outlen. */
void	xml_value_trim(const char *s, size_t len, const char **outp,
	    size_t *outlen);
/* Base64 text to a new UTF-8 string, or NULL when it is not base64 of
 * UTF-8 (then the text is kept as it is, as feedparser does). */
char	*xml_value_base64(const char *s, size_t len);
/* An enclosure's length: a decimal number >= 0, white space around it
 * allowed; -1 for NULL or anything else. */
long long xml_value_length(const char *s);
/* itunes:duration (already trimmed) in seconds: "SS", "MM:SS" or
 * "HH:MM:SS"; the first part may be long ("90:00", "5400"), the others
 * are one or two digits below 60; a fraction after the seconds is
 * dropped.  Anything else ("1:60", "PT1H", "-5", "1 h") is -1. */
long long xml_value_duration(const char *s);
/* slash:comments, thr:total (trimmed): a decimal count, else -1. */
long long xml_value_count(const char *s);
/* A decimal from 0 to 1000000, white space around it allowed, into *out:
 * 0, or -1 (*out untouched). */
int	xml_value_int(const char *s, int *out);

#endif
