#ifndef TIDINGS_XMALLOC_H
#define TIDINGS_XMALLOC_H
/*
 * Allocation that cannot fail: out of memory is the one condition tidings
 * does not try to survive, and it is handled here, in one place, by
 * logging and aborting.  Everything else may assume a non-NULL result.
 */
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes; checks for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);		/* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Frees the n strings of v, then v itself; v may be NULL when n is 0. */
void  xfreev(char **v, size_t n);

#endif
