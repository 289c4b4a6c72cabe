/*
 * What every libFuzzer target here shares: the input as a NUL-terminated
 * copy (the pure modules read C strings), and the entry point's prototype.
 */
#ifndef TIDINGS_FUZZ_UTIL_H
#define TIDINGS_FUZZ_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd copy of data with a NUL after it (embedded NULs stay, so a
 * target that takes a length sees them). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Splits the input at its first NUL (or newline when there is none) into
 * two strings; *b is "" when there is no separator. */
static inline void
fuzz_split(char *s, size_t size, char **a, char **b)
{
	char *p = memchr(s, '\0', size);

	if (p == NULL)
		p = memchr(s, '\n', size);
	*a = s;
	if (p == NULL) {
		*b = s + size;
		return;
	}
	*p = '\0';
	*b = p + 1;
}
#endif
