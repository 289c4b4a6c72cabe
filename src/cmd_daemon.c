#include <stdio.h>

#include "cli.h"

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

int
cmd_check_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: check-config is not implemented yet\n");
	return 1;
}

int
cmd_feeds(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: feeds is not implemented yet\n");
	return 1;
}

int
cmd_import_opml(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: import-opml is not implemented yet\n");
	return 1;
}

int
cmd_export_opml(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: export-opml is not implemented yet\n");
	return 1;
}
