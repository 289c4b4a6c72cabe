#ifndef TIDINGS_ENCODING_H
#define TIDINGS_ENCODING_H
/*
 * Turns the raw bytes of a document into valid UTF-8 (pure).
 * The order of evidence: a byte order mark, then the charset given by the
 * caller (the HTTP Content-Type, or --charset), then the XML declaration,
 * then whether the bytes really are UTF-8, then windows-1252.  A charset,
 * given or declared, that the bytes cannot be in (ASCII in 16-bit units
 * called UTF-8; 8-bit text called UTF-16 or UTF-32) is passed over and
 * flagged in declared_mismatch.  Aliases
 * (utf8, cp1251, koi8-u, x-sjis, ...) are normalised before iconv sees them.
 * Invalid byte sequences become U+FFFD; C0 controls other than tab, LF and
 * CR are dropped, since XML 1.0 forbids them.
 */
#include <stddef.h>

struct encoding_result {
	char	*data;		/* UTF-8, NUL-terminated; caller frees */
	size_t	 len;
	char	 charset[40];	/* the charset that was used, canonical name */
	int	 lossy;		/* 1 if bytes were replaced or dropped */
	int	 declared_mismatch; /* the declaration disagreed with the bytes */
	int	 borrowed;	/* data points into the input (see _view) */
};

/* http_charset may be NULL.  Returns 0, or ERR_LIMIT if the output would
 * exceed max_out bytes (0 = no limit). */
int	encoding_to_utf8(const char *in, size_t len, const char *http_charset,
	    size_t max_out, struct encoding_result *out, char *ebuf, size_t n);
/* The same, but a document that is clean UTF-8 already (nothing to
 * replace or drop, no declaration to rewrite) is not copied: out->data
 * then points into in, which must outlive it, is not NUL-terminated past
 * out->len unless in was, and out->borrowed is set.  Release the result
 * with encoding_result_clear.  Parsing a 50 MB feed no longer holds two
 * copies of it. */
int	encoding_to_utf8_view(const char *in, size_t len,
	    const char *http_charset, size_t max_out,
	    struct encoding_result *out, char *ebuf, size_t n);
/* Frees out->data unless it is borrowed. */
void	encoding_result_clear(struct encoding_result *r);
/* Canonical iconv name for an alias ("utf8" -> "UTF-8"); NULL if unknown. */
const char *encoding_canonical(const char *name);
/* Copies s, replacing invalid UTF-8 with U+FFFD and dropping C0 controls
 * (but tab, LF, CR).  For strings from JSON and other already-decoded
 * sources. Caller frees. */
char	*encoding_clean_utf8(const char *s, size_t len);

#endif
