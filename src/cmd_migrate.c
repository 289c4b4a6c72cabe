/* tidings migrate-db: an SQLite database copied whole into PostgreSQL. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "store.h"

int
cmd_migrate_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct store *src = NULL, *dst = NULL;
	const char *from = NULL, *to = NULL;
	char ebuf[1024];
	int c, rv = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		default:
			return cmd_usage("migrate-db");
		}
	}
	if (optind != argc || from == NULL || to == NULL)
		return cmd_usage("migrate-db");
	/* store_open would create a missing file */
	if (access(from, R_OK) != 0) {
		fprintf(stderr, "tidings: %s: %s\n", from, strerror(errno));
		return 1;
	}
	/* brings the file to this tidings' schema (its own migrations),
	 * then lets go of it: the copy reads it alone */
	if (store_open(from, 0, &src, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	store_close(src);
	if (store_open(to, 0, &dst, ebuf, sizeof(ebuf)) != ERR_OK ||
	    store_import(dst, from, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto out;
	}
	fprintf(stderr, "tidings: %s copied\n", from);
	rv = 0;
out:
	store_close(dst);
	return rv;
}
