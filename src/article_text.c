#include <stdlib.h>
#include <string.h>

#include "article_text.h"
#include "html.h"
#include "xmalloc.h"

/* Title, feed and author are single lines: any line break or run of white
 * space inside them would break the layout a reader parses, so it folds. */
static void
put_line(struct buf *out, const char *s)
{
	int space = 0, any = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '\f' || c == '\v') {
			space = any;
			continue;
		}
		if (space)
			buf_putc(out, ' ');
		space = 0;
		any = 1;
		buf_putc(out, (char)c);
	}
	buf_putc(out, '\n');
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

static int
has_tag(const char *s)
{
	for (; (s = strchr(s, '<')) != NULL; s++) {
		unsigned char c = (unsigned char)s[1];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '/' || c == '!' || c == '?')
			return 1;
	}
	return 0;
}

char *
article_text_title(const char *title)
{
	char *text, *p, *o;
	size_t len;
	int space = 0;

	if (title == NULL)
		return NULL;
	len = strlen(title);
	if (!has_tag(title) && !html_looks_like_html(title, len))
		return xstrdup(title);
	text = html_to_text(title, len);
	for (p = o = text; *p != '\0'; p++) {
		if (is_space((unsigned char)*p)) {
			space = o > text;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *p;
	}
	*o = '\0';
	return text;
}

void
article_text_render(const struct article *a, const char *feed_title,
    struct buf *out)
{
	const char *date = NULL;
	char when[64];
	const struct date_time *d = NULL;
	char *t;

	t = article_text_title(a->title);
	put_line(out, t ? t : "");
	free(t);
	buf_putc(out, '\n');
	t = article_text_title(feed_title);
	put_line(out, t ? t : "");
	free(t);
	if (a->author && *a->author)
		put_line(out, a->author);
	if (a->has_published)
		d = &a->published;
	else if (a->has_updated)
		d = &a->updated;
	if (d != NULL) {
		date_strftime_local(d, "%d %b %Y, %H:%M", when, sizeof(when));
		date = when;
		put_line(out, date);
	}
	if (a->text && *a->text) {
		size_t len = strlen(a->text);

		buf_putc(out, '\n');
		buf_append(out, a->text, len);
		if (a->text[len - 1] != '\n')
			buf_putc(out, '\n');
	}
}
