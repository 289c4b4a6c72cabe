#include <stdio.h>

#include "cli.h"

int
cmd_export(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: export is not implemented yet\n");
	return 1;
}

int
cmd_outbox(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tidings: outbox is not implemented yet\n");
	return 1;
}
