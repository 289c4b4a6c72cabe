#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article_json.h"
#include "cmd.h"
#include "err.h"
#include "ingest.h"
#include "jsonw.h"

/* A feed bigger than this is not a feed; it is an attack or an accident. */
#define PARSE_MAX_FILE (512u * 1024 * 1024)

/* Items are written as they come, before the feed's own fields, so that a
 * 50 MB feed never sits in memory; the order of keys in a JSON object
 * carries no meaning.  The streaming writer escapes straight into its
 * buffer, without building a jansson tree per item (the cost of a tree
 * is in bench/README). */
static int
emit_item(void *ctx, const struct article_feed *feed, struct article *a)
{
	struct jsonw *w = ctx;

	(void)feed;
	article_json_write_item(w, a);
	article_free(a);
	return 0;
}

/*
 * A regular file is mapped, not read: reading a 50 MB feed into the heap
 * cost a tenth of the command (zeroed pages, then a copy).  Anything else
 * (stdin, a pipe, an empty file) is read.  A size that is a multiple of
 * the page size is read too, so that the bytes always have a NUL after
 * them as a read buffer has.  *mapped says how to release *data.
 */
static int
input_load(const char *path, char **data, size_t *len, int *mapped,
    char *ebuf, size_t n)
{
	struct stat sb;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int fd;

	*mapped = 0;
	if (strcmp(path, "-") != 0 && page > 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
			sb.st_size = 0;		/* read, below */
		if ((uintmax_t)sb.st_size > PARSE_MAX_FILE) {
			/* cmd_read_file's words, without reading the cap's
			 * worth first */
			close(fd);
			return err_set(ebuf, n, ERR_LIMIT,
			    "%s: larger than the limit of %zu bytes", path,
			    (size_t)PARSE_MAX_FILE);
		}
		if (sb.st_size > 0 && sb.st_size % page != 0) {
			p = mmap(NULL, (size_t)sb.st_size, PROT_READ,
			    MAP_PRIVATE | MAP_POPULATE, fd, 0);
			if (p != MAP_FAILED) {
				close(fd);
				*data = p;
				*len = (size_t)sb.st_size;
				*mapped = 1;
				return ERR_OK;
			}
		}
		close(fd);
	}
	return cmd_read_file(path, PARSE_MAX_FILE, data, len, ebuf, n);
}

/*
 * Items of a document of PARSE_PIPE_MIN bytes or more are finished
 * (sanitised, rendered, written) on a second thread while libxml2 reads
 * on, unless --sequential: parse.h, o.pipeline.  The output is the same
 * bytes either way.
 */
int
cmd_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "base-url", required_argument, NULL, 'b' },
		{ "charset", required_argument, NULL, 'c' },
		{ "sequential", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct parse_opts o = { 0 };
	struct article_feed feed;
	struct jsonw w;
	char ebuf[512], *data = NULL;
	size_t len = 0;
	int ch, rc, mapped;

	o.pipeline = PARSE_PIPE_AUTO;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o.base_url = optarg;
			break;
		case 'c':
			o.charset = optarg;
			break;
		case 's':
			o.pipeline = 0;
			break;
		default:
			return cmd_usage("parse");
		}
	}
	if (argc - optind != 1)
		return cmd_usage("parse");
	if (input_load(argv[optind], &data, &len, &mapped, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	article_feed_init(&feed);
	jsonw_init(&w, stdout);
	jsonw_object_begin(&w);
	jsonw_key(&w, "items");
	jsonw_array_begin(&w);
	rc = ingest_parse(data, len, &o, &feed, emit_item, &w, ebuf,
	    sizeof(ebuf));
	if (mapped)
		munmap(data, len);
	else
		free(data);
	jsonw_array_end(&w);
	if (rc != ERR_OK) {
		/* stdout holds a partial document; the exit status says so. */
		jsonw_object_end(&w);
		jsonw_raw(&w, "\n", 1);
		jsonw_flush(&w);
		fprintf(stderr, "tidings: %s: %s\n", argv[optind], ebuf);
		article_feed_clear(&feed);
		return 1;
	}
	article_json_write_feed(&w, &feed);
	jsonw_object_end(&w);
	jsonw_raw(&w, "\n", 1);
	article_feed_clear(&feed);
	if (jsonw_flush(&w) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
