#ifndef TIDINGS_CLI_H
#define TIDINGS_CLI_H
/*
 * The command line: a table of git-style subcommands.  Each command lives
 * in a cmd_<area>.c file and has the signature of cli_fn; it returns the
 * process exit status (0 ok, 1 failure, 2 usage error).
 */
#include <stddef.h>
#include <stdint.h>

typedef int (*cli_fn)(int argc, char **argv);

struct cli_command {
	const char	*name;
	cli_fn		 fn;
	const char	*synopsis;	/* arguments, after the name */
	const char	*summary;	/* one line */
	const char	*help;		/* the full text for `tidings help NAME` */
};

int	cli_main(int argc, char **argv);
/* Prints "usage: tidings NAME SYNOPSIS" to stderr and returns 2. */
int	cli_usage(const char *name);
/* Reads a whole file ("-" = stdin) into memory, capped at max bytes.
 * Returns 0 or an err code with a message naming the file. */
int	cli_read_file(const char *path, size_t max, char **data, size_t *len,
	    char *ebuf, size_t n);
/* A --since value: a date as feeds write them, or an age before now
 * ("90s", "30m", "12h", "7d", "2w").  Returns 0 or -1. */
int	cli_parse_since(const char *s, int64_t *out);
/* The database path: given when not NULL, else the one the configuration
 * (conf_path, NULL = the default file) names, which defaults to
 * $STATE_DIRECTORY/tidings.db.  A new string, or NULL after printing why. */
char	*cli_db_path(const char *given, const char *conf_path);

/* The commands. */
int	cmd_parse(int, char **);
int	cmd_ingest(int, char **);
int	cmd_articles(int, char **);
int	cmd_show(int, char **);
int	cmd_search(int, char **);
int	cmd_run(int, char **);
int	cmd_daemon(int, char **);
int	cmd_check_config(int, char **);
int	cmd_feeds(int, char **);
int	cmd_import_opml(int, char **);
int	cmd_export_opml(int, char **);
int	cmd_export(int, char **);
int	cmd_outbox(int, char **);
int	cmd_status(int, char **);
int	cmd_migrate_db(int, char **);

#endif
