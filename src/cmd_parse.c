#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "article_json.h"
#include "cli.h"
#include "err.h"
#include "parse.h"

/* A feed bigger than this is not a feed; it is an attack or an accident. */
#define PARSE_MAX_FILE (512u * 1024 * 1024)

struct emit {
	FILE	*out;
	size_t	 count;
};

/* Items are written as they come, before the feed's own fields, so that a
 * 50 MB feed never sits in memory as a JSON tree; the order of keys in a
 * JSON object carries no meaning. */
static int
emit_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct emit *e = ctx;
	json_t *j = article_json_item(a);

	(void)feed;
	if (e->count++ > 0)
		fputc(',', e->out);
	json_dumpf(j, e->out, JSON_COMPACT);
	json_decref(j);
	article_free(a);
	return 0;
}

int
cmd_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "base-url", required_argument, NULL, 'b' },
		{ "charset", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct parse_opts o = { 0 };
	struct article_feed feed;
	struct emit e = { stdout, 0 };
	char ebuf[512], *data = NULL, *tail;
	size_t len = 0;
	json_t *jf;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o.base_url = optarg;
			break;
		case 'c':
			o.charset = optarg;
			break;
		default:
			return cli_usage("parse");
		}
	}
	if (argc - optind != 1)
		return cli_usage("parse");
	if (cli_read_file(argv[optind], PARSE_MAX_FILE, &data, &len, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	article_feed_init(&feed);
	fputs("{\"items\":[", stdout);
	rc = parse_document(data, len, &o, &feed, emit_item, &e, ebuf,
	    sizeof(ebuf));
	free(data);
	if (rc != ERR_OK) {
		/* stdout holds a partial document; the exit status says so. */
		fputs("]}\n", stdout);
		fprintf(stderr, "tidings: %s: %s\n", argv[optind], ebuf);
		article_feed_clear(&feed);
		return 1;
	}
	jf = article_json_feed(&feed);
	tail = json_dumps(jf, JSON_COMPACT);
	json_decref(jf);
	fputc(']', stdout);
	if (tail != NULL && strcmp(tail, "{}") != 0)
		printf(",%s", tail + 1);
	else
		fputc('}', stdout);
	fputc('\n', stdout);
	free(tail);
	article_feed_clear(&feed);
	return fflush(stdout) == 0 ? 0 : 1;
}
