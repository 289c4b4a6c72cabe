/*
 * tidings ingest: stores feed documents read from files.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "ident.h"
#include "ingest.h"
#include "store.h"
#include "xmalloc.h"

/* the same cap as `tidings parse`: a bigger file is not a feed */
#define INGEST_MAX_FILE	(512u * 1024 * 1024)

/* "file:///abs/path" for a file ingested without --feed-url, so that the
 * same file ingested twice is the same feed. */
static char *
file_url(const char *path)
{
	char *abs, *url;

	if (strcmp(path, "-") == 0)
		return xstrdup("file:///dev/stdin");
	if ((abs = realpath(path, NULL)) == NULL)
		return xasprintf("file://%s", path);
	url = xasprintf("file://%s", abs);
	free(abs);
	return url;
}

int
cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "feed-url", required_argument, NULL, 'u' },
		{ "feed-name", required_argument, NULL, 'n' },
		{ "identity", required_argument, NULL, 'i' },
		{ "duplicates-as-new", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *feed_url = NULL, *feed_name = NULL;
	struct ingest_opts o;
	struct ingest_result r;
	struct store *st;
	char ebuf[512], *data, *url;
	size_t len;
	int64_t feed_id;
	int ch, i, status = 0;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'u':
			feed_url = optarg;
			break;
		case 'n':
			feed_name = optarg;
			break;
		case 'i':
			if (dedup_identity_parse(optarg,
			    &o.identity) != ERR_OK) {
				fprintf(stderr, "tidings: --identity: expected "
				    "auto, guid, link or content, not %s\n",
				    optarg);
				return 2;
			}
			break;
		case 'D':
			o.dup_as_new = 1;
			break;
		default:
			return cmd_usage("ingest");
		}
	}
	if (optind >= argc)
		return cmd_usage("ingest");
	if (cmd_open_db(db, 0, &st) != 0)
		return 1;
	for (i = optind; i < argc; i++) {
		const char *file = argv[i];

		if (cmd_read_file(file, INGEST_MAX_FILE, &data, &len, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: %s\n", ebuf);
			status = 1;
			continue;
		}
		url = feed_url ? xstrdup(feed_url) : file_url(file);
		o.base_url = feed_url;
		if (store_feed_ensure(st, url, feed_name, &feed_id, ebuf,
		    sizeof(ebuf)) != ERR_OK ||
		    ingest_document(st, feed_id, data, len, &o, &r, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: %s: %s\n", file, ebuf);
			status = 1;
		} else {
			printf("%s: %ld new, %ld updated, %ld duplicate, "
			    "%ld unchanged\n", file, r.added, r.updated,
			    r.duplicate, r.unchanged);
			if (r.bozo)
				fprintf(stderr, "tidings: %s: warning: %s\n",
				    file, r.bozo_message);
		}
		free(url);
		free(data);
	}
	store_close(st);
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}
