/*
 * Byte-level scanning of an XML document before libxml2 reads it; the
 * contracts are in xml_scan.h.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xml_scan.h"

static int
name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || isdigit(c) || c == '.' || c == '-';
}

/* Eight bytes at a time: this pass runs over every document. */
const char *
xml_scan_markup(const char *s, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;

	while (end - s >= 8) {
		uint64_t v, a, l;

		memcpy(&v, s, 8);
		a = v ^ (ones * '&');
		l = v ^ (ones * '<');
		if ((((a - ones) & ~a) | ((l - ones) & ~l)) & highs)
			break;
		s += 8;
	}
	while (s < end && *s != '&' && *s != '<')
		s++;
	return s;
}

size_t
xml_scan_ref(const char *p, const char *end, int *upper_x)
{
	const char *q = p + 1;

	*upper_x = 0;
	if (q < end && *q == '#') {
		q++;
		if (q < end && (*q == 'x' || *q == 'X')) {
			*upper_x = *q == 'X';
			q++;
			while (q < end && isxdigit((unsigned char)*q))
				q++;
			if (q == p + 3)
				return 0;
		} else {
			while (q < end && isdigit((unsigned char)*q))
				q++;
			if (q == p + 2)
				return 0;
		}
	} else {
		if (q >= end || !name_start((unsigned char)*q))
			return 0;
		while (q < end && q - p < 80 && name_char((unsigned char)*q))
			q++;
	}
	return q < end && *q == ';' ? (size_t)(q - p + 1) : 0;
}

/* memchr for the first byte, then memcmp: for terminators of two or
 * three bytes this beats glibc's memmem (bench/README). */
const char *
xml_scan_find(const char *s, const char *end, const char *close)
{
	size_t k = strlen(close);

	while (end - s >= (ptrdiff_t)k) {
		s = memchr(s, close[0], (size_t)(end - s) - k + 1);
		if (s == NULL)
			return NULL;
		if (memcmp(s, close, k) == 0)
			return s;
		s++;
	}
	return NULL;
}

int
xml_scan_line(const char *p, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (p[i] == '\n')
			line++;
	return line;
}
