#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"

static void
overview(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: tidings [--version] [--help] COMMAND [ARGS]\n\n"
	    "commands:\n");
	for (i = 0; i < cmd_ncommands; i++)
		fprintf(fp, "  %-13s %s\n", cmd_commands[i].name, cmd_commands[i].summary);
	fprintf(fp, "\n'tidings help COMMAND' describes one command.\n");
}

static int
help(const char *name)
{
	const struct cmd_command *c = cmd_find(name);

	if (c == NULL) {
		fprintf(stderr, "tidings: no such command: %s\n", name);
		return 2;
	}
	printf("usage: tidings %s %s\n\n%s\n", c->name, c->synopsis, c->summary);
	if (c->help)
		printf("\n%s", c->help);
	return 0;
}

int
cli_main(int argc, char **argv)
{
	const struct cmd_command *c;

	if (argc < 2) {
		overview(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("tidings %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			overview(stdout);
			return 0;
		}
		return help(argv[2]);
	}
	if ((c = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "tidings: no such command: %s (see tidings --help)\n",
		    argv[1]);
		return 2;
	}
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
		return help(c->name);
	return c->fn(argc - 1, argv + 1);
}
