#include <stdio.h>

#include "cli.h"

int
cmd_ingest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: ingest is not implemented yet\n");
	return 1;
}

int
cmd_articles(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: articles is not implemented yet\n");
	return 1;
}

int
cmd_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: show is not implemented yet\n");
	return 1;
}

int
cmd_search(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: search is not implemented yet\n");
	return 1;
}
