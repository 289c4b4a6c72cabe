/*
 * The database's upkeep: `tidings backup` and `tidings check-db`.  Both
 * open the database read-only, so they run beside the daemon.
 */

#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "err.h"
#include "store.h"

/* Parses [-c FILE] [--db PATH] plus nargs operands; the database path in
 * *db (the caller's) or NULL after printing why. */
static int
db_args(const char *name, int argc, char **argv, int nargs, char **db)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *given = NULL;
	int ch;

	*db = NULL;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': given = optarg; break;
		default: return cmd_usage(name);
		}
	}
	if (argc - optind != nargs)
		return cmd_usage(name);
	if ((*db = cmd_db_path(given, conf_path)) == NULL)
		return 1;
	return 0;
}

int
cmd_backup(int argc, char **argv)
{
	struct store *st = NULL;
	char *db, ebuf[1024];
	int rv;

	if ((rv = db_args("backup", argc, argv, 1, &db)) != 0)
		return rv;
	rv = 1;
	if (store_open(db, STORE_RDONLY, &st, ebuf, sizeof(ebuf)) != ERR_OK ||
	    store_backup(st, argv[optind], ebuf, sizeof(ebuf)) != ERR_OK)
		fprintf(stderr, "tidings: %s\n", ebuf);
	else {
		printf("%s: backup of %s\n", argv[optind], db);
		rv = 0;
	}
	store_close(st);
	free(db);
	return rv;
}

static void
problem(void *ctx, const char *msg)
{
	printf("%s: %s\n", (const char *)ctx, msg);
}

int
cmd_check_db(int argc, char **argv)
{
	struct store *st = NULL;
	char *db, ebuf[1024];
	long nproblems = 0;
	int rv;

	if ((rv = db_args("check-db", argc, argv, 0, &db)) != 0)
		return rv;
	rv = 1;
	if (store_open(db, STORE_RDONLY, &st, ebuf, sizeof(ebuf)) != ERR_OK ||
	    store_check(st, problem, db, &nproblems, ebuf,
	    sizeof(ebuf)) != ERR_OK)
		fprintf(stderr, "tidings: %s\n", ebuf);
	else if (nproblems > 0)
		printf("%s: %ld problem%s\n", db, nproblems,
		    nproblems == 1 ? "" : "s");
	else {
		printf("%s: ok\n", db);
		rv = 0;
	}
	store_close(st);
	free(db);
	return rv;
}
