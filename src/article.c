#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "xmalloc.h"

struct article *
article_new(void)
{
	return xcalloc(1, sizeof(struct article));
}

void
article_free(struct article *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->id);
	free(a->guid);
	free(a->link);
	free(a->title);
	free(a->author);
	free(a->summary);
	free(a->content);
	free(a->text);
	free(a->comments);
	free(a->language);
	free(a->image);
	xfreev(a->categories, a->ncategories);
	for (i = 0; i < a->nenclosures; i++) {
		free(a->enclosures[i].url);
		free(a->enclosures[i].type);
	}
	free(a->enclosures);
	free(a);
}

void
article_add_category(struct article *a, const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return;
	for (i = 0; i < a->ncategories; i++)
		if (strcmp(a->categories[i], s) == 0)
			return;
	a->categories = xreallocarray(a->categories, a->ncategories + 1,
	    sizeof(char *));
	a->categories[a->ncategories++] = xstrdup(s);
}

void
article_add_enclosure(struct article *a, const char *url, const char *type,
    long long length)
{
	struct article_enclosure *e;

	a->enclosures = xreallocarray(a->enclosures, a->nenclosures + 1,
	    sizeof(*a->enclosures));
	e = &a->enclosures[a->nenclosures++];
	e->url = xstrdup(url);
	e->type = xstrdup(type);
	e->length = length;
}

void
article_set(char **field, const char *s)
{
	char *copy = xstrdup(s);

	free(*field);
	*field = copy;
}

void
article_feed_init(struct article_feed *f)
{
	memset(f, 0, sizeof(*f));
}

void
article_feed_clear(struct article_feed *f)
{
	free(f->title);
	free(f->link);
	free(f->description);
	free(f->language);
	free(f->author);
	free(f->image);
	free(f->generator);
	free(f->bozo_message);
	article_feed_init(f);
}

const char *
article_format_name(enum article_format f)
{
	switch (f) {
	case ARTICLE_FMT_RSS20: return "rss2.0";
	case ARTICLE_FMT_RSS10: return "rss1.0";
	case ARTICLE_FMT_RSS09X: return "rss0.9x";
	case ARTICLE_FMT_ATOM10: return "atom1.0";
	case ARTICLE_FMT_ATOM03: return "atom0.3";
	case ARTICLE_FMT_JSONFEED: return "jsonfeed";
	case ARTICLE_FMT_UNKNOWN: break;
	}
	return NULL;
}
