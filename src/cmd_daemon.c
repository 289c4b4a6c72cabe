#include "config.h"

#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"

int
cmd_daemon(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "feeds", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts o;
	int ch;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.conf_path = optarg; break;
		case 'd': o.db = optarg; break;
		case 'f': o.feeds = optarg; break;
		default: return cmd_usage("daemon");
		}
	}
	if (optind != argc)
		return cmd_usage("daemon");
	return daemon_run(&o);
}
