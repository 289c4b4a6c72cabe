#include <string.h>

#include "encoding.h"
#include "err.h"
#include "xmalloc.h"

/* Placeholder: passes bytes through as UTF-8. */
int
encoding_to_utf8(const char *in, size_t len, const char *http_charset,
    size_t max_out, struct encoding_result *out, char *ebuf, size_t n)
{
	(void)http_charset;
	(void)max_out;
	(void)ebuf;
	(void)n;
	memset(out, 0, sizeof(*out));
	out->data = xstrndup(in, len);
	out->len = len;
	strcpy(out->charset, "UTF-8");
	return ERR_OK;
}

const char *
encoding_canonical(const char *name)
{
	(void)name;
	return NULL;
}

char *
encoding_clean_utf8(const char *s, size_t len)
{
	return xstrndup(s, len);
}
