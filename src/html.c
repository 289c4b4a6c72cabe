#include "html.h"
#include "xmalloc.h"

/* Placeholder: the real tokenizer, sanitizer and renderer land next. */
char *
html_sanitize(const char *html, size_t len, const char *base)
{
	(void)base;
	return xstrndup(html, len);
}

char *
html_to_text(const char *html, size_t len)
{
	return xstrndup(html, len);
}

char *
html_unescape(const char *s, size_t len)
{
	return xstrndup(s, len);
}

char *
html_escape(const char *s, size_t len, int quote)
{
	(void)quote;
	return xstrndup(s, len);
}

int
html_looks_like_html(const char *s, size_t len)
{
	(void)s;
	(void)len;
	return 0;
}
