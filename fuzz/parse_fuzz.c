/*
 * libFuzzer target for the whole parse step: bytes in, records out.  Every
 * record is also rendered as JSON and as text, so that the fuzzer exercises
 * what downstream code reads, not only the parser's internals.
 *
 *   ./configure CC=clang --enable-fuzz --enable-sanitizers && make fuzz/parse_fuzz
 *   fuzz/parse_fuzz -max_total_time=600 fuzz/corpus tests/data examples
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "article.h"
#include "article_json.h"
#include "article_text.h"
#include "buf.h"
#include "parse.h"

static int
sink(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct buf out = { 0 };
	json_t *j = article_json_item(a);
	char *s = json_dumps(j, JSON_COMPACT);

	(void)ctx;
	free(s);
	json_decref(j);
	/* pipelined, the feed is still being read: parse.h */
	article_text_render(a, feed != NULL ? feed->title : NULL, &out);
	buf_free(&out);
	article_free(a);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts o = { .base_url = "http://example.org/feed/" };
	struct article_feed feed;
	char ebuf[256];

	/* Half the inputs go through the two-thread pipeline. */
	if (size > 0 && (data[size - 1] & 1))
		o.pipeline = PARSE_PIPE_ALWAYS;
	article_feed_init(&feed);
	parse_document((const char *)data, size, &o, &feed, sink, NULL, ebuf,
	    sizeof(ebuf));
	article_feed_clear(&feed);
	return 0;
}
