/*
 * tidings check-config: reads the configuration and the feed lists as the
 * daemon would, and says what is wrong with them.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "cycle.h"
#include "err.h"
#include "export.h"
#include "feedlist.h"

int
cmd_check_config(int argc, char **argv)
{
	struct conf c;
	struct feedlist fl = { 0 };
	const char *conf_path = NULL, *feeds = NULL;
	char ebuf[512], *secret;
	size_t i, len;
	int rv;

	if ((rv = cmd_config_opts("check-config", argc, argv, &conf_path, &feeds,
	    NULL)) != 0)
		return rv;
	if (optind != argc)
		return cmd_usage("check-config");
	rv = cmd_load(conf_path, feeds, &c, &fl) != ERR_OK;
	/* The checks that need the file system: a secret the daemon could
	 * not read, or would refuse, fails every fetch of that feed (an
	 * auth_file) or goes without (a cookie_file). */
	for (i = 0; i < fl.n; i++) {
		if (fl.feeds[i].cookie_file != NULL &&
		    cycle_check_cookies(fl.feeds[i].cookie_file, ebuf,
		    sizeof(ebuf)) != 0) {
			fprintf(stderr, "%s:%d: %s\n", fl.feeds[i].file,
			    fl.feeds[i].line, ebuf);
			rv = 1;
		}
		if (fl.feeds[i].ca_file != NULL &&
		    access(fl.feeds[i].ca_file, R_OK) != 0) {
			fprintf(stderr, "%s:%d: ca_file %s: %s\n",
			    fl.feeds[i].file, fl.feeds[i].line,
			    fl.feeds[i].ca_file, strerror(errno));
			rv = 1;
		}
		if (fl.feeds[i].auth_file == NULL)
			continue;
		if ((secret = cycle_read_auth(fl.feeds[i].auth_file, ebuf,
		    sizeof(ebuf))) == NULL) {
			fprintf(stderr, "%s:%d: %s\n", fl.feeds[i].file,
			    fl.feeds[i].line, ebuf);
			rv = 1;
		}
		free(secret);
	}
	/* and a webhook's secret, which signs every request (its bytes are
	 * never printed) */
	for (i = 0; i < c.nexports; i++) {
		if (c.exports[i].format != EXPORT_FMT_WEBHOOK ||
		    c.exports[i].secret_file == NULL)
			continue;
		if (export_secret_read(c.exports[i].secret_file, &secret, &len,
		    ebuf, sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "%s:%d: export \"%s\": %s\n",
			    c.exports[i].file, c.exports[i].line,
			    c.exports[i].name, ebuf);
			rv = 1;
			continue;
		}
		explicit_bzero(secret, len);
		free(secret);
	}
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}
