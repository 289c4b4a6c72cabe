#ifndef TIDINGS_CLI_H
#define TIDINGS_CLI_H
/*
 * The command line: `tidings [--version] [--help] COMMAND [ARGS]` and
 * `tidings help COMMAND`.  cli_main finds COMMAND in the commands' table
 * (cmd.h) and calls its one entry point with the remaining arguments; it
 * returns the process exit status (0 ok, 1 failure, 2 usage error).
 */

int	cli_main(int argc, char **argv);

#endif
