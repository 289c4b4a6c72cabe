/*
 * tidings run: the daemon's loop, turned once (daemon.h).
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"
#include "xmalloc.h"

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "feeds", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "feed", required_argument, NULL, 'F' },
		{ "export", required_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts o;
	char **only = NULL, **specs = NULL;
	int ch, rv;

	memset(&o, 0, sizeof(o));
	o.once = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.conf_path = optarg; break;
		case 'd': o.db = optarg; break;
		case 'f': o.feeds = optarg; break;
		case 'a': o.all = 1; break;
		case 'q': o.quiet = 1; break;
		case 'F':
			only = xreallocarray(only, o.nonly + 1, sizeof(*only));
			only[o.nonly++] = optarg;
			break;
		case 'e':
			specs = xreallocarray(specs, o.nexports + 1,
			    sizeof(*specs));
			specs[o.nexports++] = optarg;
			break;
		default:
			free(only);
			free(specs);
			return cmd_usage("run");
		}
	}
	if (optind != argc) {
		free(only);
		free(specs);
		return cmd_usage("run");
	}
	o.only = only;
	o.exports = specs;
	/* --feeds alone needs no configuration file: a missing default one
	 * means the built-in defaults. */
	rv = daemon_run(&o);
	free(only);
	free(specs);
	return rv;
}
