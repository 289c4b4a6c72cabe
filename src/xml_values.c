/*
 * Values of feed elements and attributes from their text; the contracts
 * are in xml_values.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "normalize.h"
#include "xml_values.h"

void
xml_value_trim(const char *s, size_t len, const char **outp, size_t *outlen)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	*outp = s;
	*outlen = len;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

char *
xml_value_base64(const char *s, size_t len)
{
	struct buf b = { 0 };
	unsigned acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int v;

		if (s[i] == '=' )
			break;
		if (isspace((unsigned char)s[i]))
			continue;
		if ((v = b64val((unsigned char)s[i])) < 0) {
			buf_free(&b);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(&b, (int)((acc >> bits) & 0xff));
		}
	}
	if (b.len == 0 || !normalize_is_utf8((unsigned char *)b.data, b.len)) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

long long
xml_value_length(const char *s)
{
	char *end;
	long long v;

	if (s == NULL)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && v >= 0 ? v : -1;
}

/* Up to max decimal digits at *s (advanced past them) into *out; the
 * number of digits, -1 if there are more: never a wrapped value. */
static int
take_digits(const char **s, int max, long long *out)
{
	const char *p = *s;
	long long v = 0;
	int n = 0;

	for (; isdigit((unsigned char)*p); p++) {
		if (++n > max)
			return -1;
		v = v * 10 + (*p - '0');
	}
	*s = p;
	*out = v;
	return n;
}

long long
xml_value_duration(const char *s)
{
	long long total = 0, part;
	int parts = 0, n;

	for (;;) {
		if ((n = take_digits(&s, parts == 0 ? 9 : 2, &part)) <= 0)
			return -1;
		if (parts > 0 && part >= 60)
			return -1;
		total = total * 60 + part;
		if (++parts == 3 || *s != ':')
			break;
		s++;
	}
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0' ? total : -1;
}

long long
xml_value_count(const char *s)
{
	long long v;

	if (take_digits(&s, 18, &v) <= 0 || *s != '\0')
		return -1;
	return v;
}

int
xml_value_int(const char *s, int *out)
{
	char *end;
	long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}
