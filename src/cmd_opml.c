/*
 * tidings import-opml and export-opml: feed lists to and from OPML.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "err.h"
#include "feedlist.h"
#include "opml.h"

#define OPML_MAX_FILE	(64u * 1024 * 1024)

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

	if ((rv = cmd_config_opts("import-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (argc - optind != 1)
		return cmd_usage("import-opml");
	if (cmd_read_file(argv[optind], OPML_MAX_FILE, &data, &len, ebuf,
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
	    "# One feed per line: URL [key=value ...]; see "
	    "feeds.d/example.conf.\n",
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

	if ((rv = cmd_config_opts("export-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (optind != argc)
		return cmd_usage("export-opml");
	if (cmd_load(conf_path, feeds, &c, &fl) != ERR_OK) {
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
