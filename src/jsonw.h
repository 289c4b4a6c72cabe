#ifndef TIDINGS_JSONW_H
#define TIDINGS_JSONW_H
/*
 * A streaming JSON writer: values are escaped straight into a buffer that
 * is handed to a stdio stream when full, so that writing a document costs
 * no tree and no allocation.  The output is the same, byte for byte, as
 * jansson's json_dumpf(..., JSON_COMPACT) of the same values in the same
 * order: '"', '\\' and C0 controls escaped ("\n" style where JSON has a
 * short form, else "\u001F" with upper-case hex), everything else
 * verbatim, and a string that is not valid UTF-8 written as null (jansson
 * refuses to make such a string; callers here used null for that).
 *
 * Commas are the writer's business: begin/end pairs nest (up to
 * JSONW_DEPTH levels) and a key is followed by exactly one value.  The
 * caller checks jsonw_flush once at the end: a failed write is remembered,
 * not reported per call.
 */
#include <stdio.h>

#define JSONW_DEPTH	16
#define JSONW_BUFSZ	65536

struct jsonw {
	FILE		*fp;
	int		 err;		/* a write to fp failed */
	int		 depth;
	int		 after_key;	/* the next value follows a key */
	unsigned char	 used[JSONW_DEPTH]; /* level has a member already */
	size_t		 len;
	char		 buf[JSONW_BUFSZ];
};

void	jsonw_init(struct jsonw *w, FILE *fp);
void	jsonw_object_begin(struct jsonw *w);
void	jsonw_object_end(struct jsonw *w);
void	jsonw_array_begin(struct jsonw *w);
void	jsonw_array_end(struct jsonw *w);
/* key must be valid UTF-8; it is escaped like a string. */
void	jsonw_key(struct jsonw *w, const char *key);
/* A key of n bytes known to need no escape, such as a literal: no strlen
 * and no escape test (JSONW_KEY writes literals). */
void	jsonw_key_plain(struct jsonw *w, const char *key, size_t n);
#define JSONW_KEY(w, lit)	jsonw_key_plain((w), "" lit, sizeof(lit) - 1)
/* NULL, or invalid UTF-8, is written as null. */
void	jsonw_string(struct jsonw *w, const char *s);
void	jsonw_integer(struct jsonw *w, long long v);
void	jsonw_bool(struct jsonw *w, int v);
void	jsonw_null(struct jsonw *w);
/* Bytes outside the JSON structure (a trailing newline). */
void	jsonw_raw(struct jsonw *w, const char *p, size_t n);
/* Hands the buffer to fp (no fflush); returns 0, or -1 if any write
 * since jsonw_init failed. */
int	jsonw_flush(struct jsonw *w);

#endif
