#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "encoding.h"
#include "err.h"
#include "hash.h"
#include "html.h"
#include "parse.h"
#include "parse_json.h"
#include "parse_xml.h"
#include "url.h"
#include "xmalloc.h"

#define ID_MAX 2048

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* JSON Feed is told from XML by its first significant byte. */
static int
looks_like_json(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && is_space((unsigned char)p[i]))
		i++;
	return i < len && p[i] == '{';
}

int
parse_document(const char *data, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	struct encoding_result enc;
	struct parse_opts def = { 0 };
	int rc;

	if (o == NULL)
		o = &def;
	memset(&enc, 0, sizeof(enc));
	rc = encoding_to_utf8_view(data, len, o->charset, o->max_bytes, &enc,
	    ebuf, n);
	if (rc != ERR_OK)
		return rc;
	if (looks_like_json(enc.data, enc.len))
		rc = parse_json(enc.data, enc.len, o, feed, cb, ctx, ebuf, n);
	else
		rc = parse_xml(enc.data, enc.len, o, feed, cb, ctx, ebuf, n);
	if (rc == ERR_OK && (enc.lossy || enc.declared_mismatch) && !feed->bozo) {
		feed->bozo = 1;
		free(feed->bozo_message);
		feed->bozo_message = xasprintf("%s",
		    enc.declared_mismatch ?
		    "the declared character encoding does not match the bytes" :
		    "invalid bytes for the document's character encoding were replaced");
	}
	encoding_result_clear(&enc);
	return rc;
}

static const char *
trimmed(const char *s, size_t *lenp)
{
	size_t len;

	if (s == NULL)
		return NULL;
	while (is_space((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	*lenp = len;
	return len ? s : NULL;
}

void
parse_assign_id(struct article *a)
{
	struct hash_sha256 c;
	char hex[65], date[32] = "";
	const char *s;
	size_t len;

	free(a->id);
	a->id = NULL;
	if ((s = trimmed(a->guid, &len)) != NULL && len <= ID_MAX) {
		a->id = xstrndup(s, len);
		return;
	}
	if ((s = trimmed(a->link, &len)) != NULL) {
		a->id = xstrndup(s, len);
		return;
	}
	if (a->has_published)
		date_format_utc(a->published.utc, date, sizeof(date));
	hash_sha256_init(&c);
	s = a->title ? a->title : "";
	hash_sha256_update(&c, s, strlen(s) + 1);
	hash_sha256_update(&c, date, strlen(date) + 1);
	s = a->text ? a->text : "";
	hash_sha256_update(&c, s, strlen(s));
	hash_sha256_final_hex(&c, hex);
	a->id = xasprintf("sha256:%s", hex);
}

/* Drops *u when its scheme is not one links in content may have. */
static void
keep_safe_url(char **u)
{
	if (*u != NULL && !html_url_allowed(*u)) {
		free(*u);
		*u = NULL;
	}
}

void
parse_finish_link(struct article *a)
{
	size_t i, o;

	keep_safe_url(&a->link);
	keep_safe_url(&a->comments);
	keep_safe_url(&a->image);
	for (i = o = 0; i < a->nenclosures; i++) {
		if (html_url_allowed(a->enclosures[i].url))
			a->enclosures[o++] = a->enclosures[i];
		else {
			free(a->enclosures[i].url);
			free(a->enclosures[i].type);
		}
	}
	a->nenclosures = o;
	if (a->link != NULL) {
		char *canon = url_canonical(a->link);

		free(a->link);
		a->link = canon;
	}
}

void
parse_finish_item(struct article *a)
{
	parse_finish_link(a);
	parse_finish_body(a);
}

void
parse_finish_body(struct article *a)
{
	const char *body;

	body = a->content ? a->content : a->summary;
	if (a->text == NULL && body != NULL)
		a->text = html_to_text(body, strlen(body));
	parse_assign_id(a);
}
