#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "date.h"
#include "err.h"
#include "extract.h"
#include "jsonw.h"

static void
w_date(struct jsonw *w, const struct extract_result *r, int local)
{
	char s[40];

	if (!r->has_published) {
		jsonw_null(w);
		return;
	}
	if (local)
		date_format_local(&r->published, s, sizeof(s));
	else
		date_format_utc(r->published.utc, s, sizeof(s));
	jsonw_string(w, s);
}

/* One page in, one JSON object out: extract.h has the rules. */
int
cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "charset", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct extract_result r;
	const char *url = NULL, *charset = NULL;
	struct jsonw w;
	char ebuf[512], *data = NULL;
	size_t len = 0;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			url = optarg;
			break;
		case 'c':
			charset = optarg;
			break;
		default:
			return cmd_usage("extract");
		}
	}
	if (argc - optind != 1)
		return cmd_usage("extract");
	if (cmd_read_file(argv[optind], EXTRACT_MAX_PAGE, &data, &len, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	rc = extract_page(data, len, url, charset, &r, ebuf, sizeof(ebuf));
	free(data);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s: %s\n", argv[optind], ebuf);
		return 1;
	}
	jsonw_init(&w, stdout);
	jsonw_object_begin(&w);
	JSONW_KEY(&w, "url");
	jsonw_string(&w, r.url);
	JSONW_KEY(&w, "title");
	jsonw_string(&w, r.title);
	JSONW_KEY(&w, "author");
	jsonw_string(&w, r.author);
	JSONW_KEY(&w, "published");
	w_date(&w, &r, 0);
	JSONW_KEY(&w, "published_local");
	w_date(&w, &r, 1);
	JSONW_KEY(&w, "site_name");
	jsonw_string(&w, r.site_name);
	JSONW_KEY(&w, "language");
	jsonw_string(&w, r.language);
	JSONW_KEY(&w, "image");
	jsonw_string(&w, r.image);
	JSONW_KEY(&w, "excerpt");
	jsonw_string(&w, r.excerpt);
	JSONW_KEY(&w, "content");
	jsonw_string(&w, r.content);
	JSONW_KEY(&w, "text");
	jsonw_string(&w, r.text);
	jsonw_object_end(&w);
	jsonw_raw(&w, "\n", 1);
	extract_result_clear(&r);
	if (jsonw_flush(&w) != 0)
		return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}
