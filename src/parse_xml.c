#include "err.h"
#include "parse_xml.h"

/* Placeholder: the SAX2 parser lands next. */
int
parse_xml(const char *utf8, size_t len, const struct parse_opts *o,
    struct article_feed *feed, parse_item_fn cb, void *ctx, char *ebuf,
    size_t n)
{
	(void)utf8; (void)len; (void)o; (void)feed; (void)cb; (void)ctx;
	return err_set(ebuf, n, ERR_PARSE, "XML feeds are not supported yet");
}
