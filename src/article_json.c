#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "article_json.h"
#include "jsonw.h"
#include "xmalloc.h"

json_t *
article_json_str(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	/* Strings reaching here are valid UTF-8 (encoding.c sees to it); a
	 * failure would be our bug, and null beats aborting the whole feed. */
	j = json_string(s);
	return j ? j : json_null();
}

/*
 * The tree is read back from what the streaming writer prints, so that one
 * function decides every field: show --json and the JSON export cost an
 * extra parse of a few KB, nothing next to their I/O.
 */
json_t *
article_json_item(const struct article *a)
{
	struct jsonw *w = xmalloc(sizeof(*w));
	json_error_t jerr;
	json_t *j = NULL;
	char *s = NULL;
	size_t n = 0;
	FILE *fp;

	if ((fp = open_memstream(&s, &n)) != NULL) {
		int ok;

		jsonw_init(w, fp);
		article_json_write_item(w, a);
		ok = jsonw_flush(w) == 0;
		if (fclose(fp) == 0 && ok)
			j = json_loadb(s, n, 0, &jerr);
	}
	free(s);
	free(w);
	if (j == NULL) {
		/* only memory runs out here: the writer prints valid JSON */
		fprintf(stderr, "tidings: out of memory writing an article "
		    "as JSON\n");
		abort();
	}
	return j;
}

static void
w_date(struct jsonw *w, int has, const struct date_time *d, int local)
{
	char s[40];

	if (!has) {
		jsonw_null(w);
		return;
	}
	if (local)
		date_format_local(d, s, sizeof(s));
	else
		date_format_utc(d->utc, s, sizeof(s));
	jsonw_string(w, s);
}

void
article_json_write_item(struct jsonw *w, const struct article *a)
{
	size_t i;

	jsonw_object_begin(w);
	JSONW_KEY(w, "id");
	jsonw_string(w, a->id);
	JSONW_KEY(w, "guid");
	jsonw_string(w, a->guid);
	JSONW_KEY(w, "link");
	jsonw_string(w, a->link);
	JSONW_KEY(w, "title");
	jsonw_string(w, a->title);
	JSONW_KEY(w, "author");
	jsonw_string(w, a->author);
	JSONW_KEY(w, "published");
	w_date(w, a->has_published, &a->published, 0);
	JSONW_KEY(w, "updated");
	w_date(w, a->has_updated, &a->updated, 0);
	JSONW_KEY(w, "published_local");
	w_date(w, a->has_published, &a->published, 1);
	JSONW_KEY(w, "updated_local");
	w_date(w, a->has_updated, &a->updated, 1);
	JSONW_KEY(w, "summary");
	jsonw_string(w, a->summary);
	JSONW_KEY(w, "content");
	jsonw_string(w, a->content);
	JSONW_KEY(w, "text");
	jsonw_string(w, a->text);
	JSONW_KEY(w, "categories");
	jsonw_array_begin(w);
	for (i = 0; i < a->ncategories; i++)
		jsonw_string(w, a->categories[i]);
	jsonw_array_end(w);
	JSONW_KEY(w, "enclosures");
	jsonw_array_begin(w);
	for (i = 0; i < a->nenclosures; i++) {
		const struct article_enclosure *e = &a->enclosures[i];

		jsonw_object_begin(w);
		JSONW_KEY(w, "url");
		jsonw_string(w, e->url);
		JSONW_KEY(w, "type");
		jsonw_string(w, e->type);
		JSONW_KEY(w, "length");
		if (e->length >= 0)
			jsonw_integer(w, e->length);
		else
			jsonw_null(w);
		jsonw_object_end(w);
	}
	jsonw_array_end(w);
	JSONW_KEY(w, "comments");
	jsonw_string(w, a->comments);
	JSONW_KEY(w, "language");
	jsonw_string(w, a->language);
	JSONW_KEY(w, "image");
	jsonw_string(w, a->image);
	JSONW_KEY(w, "duration");
	if (a->has_duration)
		jsonw_integer(w, a->duration);
	else
		jsonw_null(w);
	JSONW_KEY(w, "comment_count");
	if (a->has_comment_count)
		jsonw_integer(w, a->comment_count);
	else
		jsonw_null(w);
	jsonw_object_end(w);
}

void
article_json_write_feed(struct jsonw *w, const struct article_feed *f)
{
	jsonw_key(w, "format");
	jsonw_string(w, article_format_name(f->format));
	jsonw_key(w, "title");
	jsonw_string(w, f->title);
	jsonw_key(w, "link");
	jsonw_string(w, f->link);
	jsonw_key(w, "description");
	jsonw_string(w, f->description);
	jsonw_key(w, "language");
	jsonw_string(w, f->language);
	jsonw_key(w, "author");
	jsonw_string(w, f->author);
	jsonw_key(w, "image");
	jsonw_string(w, f->image);
	jsonw_key(w, "generator");
	jsonw_string(w, f->generator);
	jsonw_key(w, "updated");
	w_date(w, f->has_updated, &f->updated, 0);
	if (f->bozo) {
		jsonw_key(w, "bozo");
		jsonw_bool(w, 1);
		jsonw_key(w, "bozo_message");
		jsonw_string(w, f->bozo_message);
	}
}
