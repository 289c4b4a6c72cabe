#include <string.h>

#include "article_text.h"

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

void
article_text_render(const struct article *a, const char *feed_title,
    struct buf *out)
{
	const char *date = NULL;
	char when[64];
	const struct date_time *d = NULL;

	put_line(out, a->title ? a->title : "");
	buf_putc(out, '\n');
	put_line(out, feed_title ? feed_title : "");
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
