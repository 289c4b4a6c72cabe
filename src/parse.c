#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "err.h"
#include "parse.h"
#include "parse_json.h"
#include "parse_xml.h"
#include "xmalloc.h"

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

