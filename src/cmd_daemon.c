#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "err.h"
#include "feedlist.h"
#include "opml.h"
#include "xmalloc.h"

#define OPML_MAX_FILE	(64u * 1024 * 1024)

int
cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: run is not implemented yet\n");
	return 1;
}

int
cmd_daemon(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: daemon is not implemented yet\n");
	return 1;
}

static void
print_diag(const struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
}

/* Parses -c FILE and --feeds FILE (the options every config reader takes);
 * returns 0, or the usage status. */
static int
config_opts(const char *cmd, int argc, char **argv, const char **conf,
    const char **feeds, const char **out)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, out ? "c:o:" : "c:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			*conf = optarg;
			break;
		case 'f':
			*feeds = optarg;
			break;
		case 'o':
			if (out == NULL)
				return cli_usage(cmd);
			*out = optarg;
			break;
		default:
			return cli_usage(cmd);
		}
	}
	return 0;
}

/* Loads the configuration and the feed lists; prints every error. */
static int
load_all(const char *conf_path, const char *feeds, struct conf *c,
    struct feedlist *fl)
{
	struct conf_diag d = { 0 };
	int rv;

	rv = conf_load(c, conf_path, &d);
	if (rv != ERR_IO && rv != ERR_LIMIT) {
		if (feedlist_load(fl, c, feeds, &d) != ERR_OK && rv == ERR_OK)
			rv = ERR_INVALID;
	}
	print_diag(&d);
	conf_diag_free(&d);
	return rv;
}

int
cmd_check_config(int argc, char **argv)
{
	struct conf c;
	struct feedlist fl = { 0 };
	const char *conf_path = NULL, *feeds = NULL;
	size_t i;
	int rv;

	if ((rv = config_opts("check-config", argc, argv, &conf_path, &feeds,
	    NULL)) != 0)
		return rv;
	if (optind != argc)
		return cli_usage("check-config");
	rv = load_all(conf_path, feeds, &c, &fl) != ERR_OK;
	/* The one check that needs the file system: a secret the daemon
	 * could not read would fail every fetch of that feed. */
	for (i = 0; i < fl.n; i++)
		if (fl.feeds[i].auth_file != NULL &&
		    access(fl.feeds[i].auth_file, R_OK) == -1) {
			fprintf(stderr, "%s:%d: auth_file %s: %s\n",
			    fl.feeds[i].file, fl.feeds[i].line,
			    fl.feeds[i].auth_file, strerror(errno));
			rv = 1;
		}
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}

int
cmd_feeds(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: feeds is not implemented yet\n");
	return 1;
}

static int
write_out(const char *path, const struct buf *b)
{
	FILE *fp = stdout;

	if (path != NULL && strcmp(path, "-") != 0) {
		fp = fopen(path, "w");
		if (fp == NULL) {
			fprintf(stderr, "tidings: %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
	}
	fwrite(b->data ? b->data : "", 1, b->len, fp);
	if ((fp != stdout ? fclose(fp) : fflush(fp)) == EOF) {
		fprintf(stderr, "tidings: %s: %s\n", path ? path : "stdout",
		    strerror(errno));
		return 1;
	}
	return 0;
}

int
cmd_import_opml(int argc, char **argv)
{
	struct feedlist fl = { 0 };
	struct buf b = { 0 };
	const char *conf_path = NULL, *feeds = NULL, *out = NULL;
	char ebuf[512], *data = NULL;
	size_t len = 0, skipped = 0, i;
	int rv;

	if ((rv = config_opts("import-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (argc - optind != 1)
		return cli_usage("import-opml");
	if (cli_read_file(argv[optind], OPML_MAX_FILE, &data, &len, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	if (opml_import(data, len, &fl, &skipped, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		fprintf(stderr, "tidings: %s: %s\n", argv[optind], ebuf);
		free(data);
		return 1;
	}
	free(data);
	buf_printf(&b, "# Imported from %s by tidings import-opml.\n"
	    "# One feed per line: URL [key=value ...]; see feeds.d/example.conf.\n",
	    argv[optind]);
	for (i = 0; i < fl.n; i++)
		feedlist_format(&fl.feeds[i], &b);
	rv = write_out(out, &b);
	if (skipped > 0)
		fprintf(stderr, "tidings: %s: skipped %zu outline(s) with a "
		    "duplicate or unusable URL\n", argv[optind], skipped);
	buf_free(&b);
	feedlist_free(&fl);
	return rv;
}

int
cmd_export_opml(int argc, char **argv)
{
	struct conf c;
	struct feedlist fl = { 0 };
	struct buf b = { 0 };
	const char *conf_path = NULL, *feeds = NULL, *out = NULL;
	char ebuf[512];
	int rv;

	if ((rv = config_opts("export-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (optind != argc)
		return cli_usage("export-opml");
	if (load_all(conf_path, feeds, &c, &fl) != ERR_OK) {
		rv = 1;
	} else if (opml_export(&fl, "tidings feeds", &b, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		rv = 1;
	} else
		rv = write_out(out, &b);
	buf_free(&b);
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}
