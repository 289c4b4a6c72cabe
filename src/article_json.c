#include <jansson.h>

#include "article_json.h"
#include "jsonw.h"

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

static json_t *
date_or_null(int has, const struct date_time *d, int local)
{
	char s[40];

	if (!has)
		return json_null();
	if (local)
		date_format_local(d, s, sizeof(s));
	else
		date_format_utc(d->utc, s, sizeof(s));
	return json_string(s);
}

json_t *
article_json_item(const struct article *a)
{
	json_t *o = json_object(), *cats = json_array(), *encs = json_array();
	size_t i;

	json_object_set_new(o, "id", article_json_str(a->id));
	json_object_set_new(o, "guid", article_json_str(a->guid));
	json_object_set_new(o, "link", article_json_str(a->link));
	json_object_set_new(o, "title", article_json_str(a->title));
	json_object_set_new(o, "author", article_json_str(a->author));
	json_object_set_new(o, "published",
	    date_or_null(a->has_published, &a->published, 0));
	json_object_set_new(o, "updated",
	    date_or_null(a->has_updated, &a->updated, 0));
	json_object_set_new(o, "published_local",
	    date_or_null(a->has_published, &a->published, 1));
	json_object_set_new(o, "updated_local",
	    date_or_null(a->has_updated, &a->updated, 1));
	json_object_set_new(o, "summary", article_json_str(a->summary));
	json_object_set_new(o, "content", article_json_str(a->content));
	json_object_set_new(o, "text", article_json_str(a->text));
	for (i = 0; i < a->ncategories; i++)
		json_array_append_new(cats, article_json_str(a->categories[i]));
	json_object_set_new(o, "categories", cats);
	for (i = 0; i < a->nenclosures; i++) {
		const struct article_enclosure *e = &a->enclosures[i];
		json_t *je = json_object();

		json_object_set_new(je, "url", article_json_str(e->url));
		json_object_set_new(je, "type", article_json_str(e->type));
		json_object_set_new(je, "length", e->length >= 0 ?
		    json_integer(e->length) : json_null());
		json_array_append_new(encs, je);
	}
	json_object_set_new(o, "enclosures", encs);
	json_object_set_new(o, "comments", article_json_str(a->comments));
	json_object_set_new(o, "language", article_json_str(a->language));
	json_object_set_new(o, "image", article_json_str(a->image));
	json_object_set_new(o, "duration", a->has_duration ?
	    json_integer(a->duration) : json_null());
	json_object_set_new(o, "comment_count", a->has_comment_count ?
	    json_integer(a->comment_count) : json_null());
	return o;
}

json_t *
article_json_feed(const struct article_feed *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "format",
	    article_json_str(article_format_name(f->format)));
	json_object_set_new(o, "title", article_json_str(f->title));
	json_object_set_new(o, "link", article_json_str(f->link));
	json_object_set_new(o, "description", article_json_str(f->description));
	json_object_set_new(o, "language", article_json_str(f->language));
	json_object_set_new(o, "author", article_json_str(f->author));
	json_object_set_new(o, "image", article_json_str(f->image));
	json_object_set_new(o, "generator", article_json_str(f->generator));
	json_object_set_new(o, "updated",
	    date_or_null(f->has_updated, &f->updated, 0));
	if (f->bozo) {
		json_object_set_new(o, "bozo", json_true());
		json_object_set_new(o, "bozo_message",
		    article_json_str(f->bozo_message));
	}
	return o;
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

/* Keep in step with article_json_item: tests/check_jsonw.c compares the
 * two. */
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
