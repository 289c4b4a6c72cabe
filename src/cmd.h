#ifndef TIDINGS_CMD_H
#define TIDINGS_CMD_H
/*
 * The commands (cmd_*.c), each in the file named after it (cmd_run.c,
 * cmd_feeds.c; articles, show and search in cmd_articles.c, import-opml
 * and export-opml in cmd_opml.c, check-config in cmd_config.c): each
 * parses its arguments and calls one entry point of the layer below
 * (daemon.h for run and daemon, the store's and the outbox's queries for
 * the rest).  A command has the signature of cmd_fn and returns the
 * process exit status (0 ok, 1 failure, 2 usage error).
 *
 * Below the table, what several commands share: the options that name
 * the configuration, loading it, and opening the database.  Every
 * function prints its errors to stderr, as a command does.
 */
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "feedlist.h"
#include "outbox.h"
#include "store.h"

typedef int (*cmd_fn)(int argc, char **argv);

struct cmd_command {
	const char	*name;
	cmd_fn		 fn;
	const char	*synopsis;	/* arguments, after the name */
	const char	*summary;	/* one line */
	const char	*help;		/* the full text for `tidings help NAME` */
};

/* Prints "usage: tidings NAME SYNOPSIS" to stderr and returns 2. */
int	cmd_usage(const char *name);
/* Reads a whole file ("-" = stdin) into memory, capped at max bytes.
 * Returns 0 or an err code with a message naming the file. */
int	cmd_read_file(const char *path, size_t max, char **data, size_t *len,
	    char *ebuf, size_t n);
/* A --since value: a date as feeds write them, or an age before now
 * ("90s", "30m", "12h", "7d", "2w").  Returns 0 or -1. */
int	cmd_parse_since(const char *s, int64_t *out);
/* The database path: given when not NULL, else the one the configuration
 * (conf_path, NULL = the default file) names, which defaults to
 * $STATE_DIRECTORY/tidings.db.  A new string, or NULL after printing why. */
char	*cmd_db_path(const char *given, const char *conf_path);

/* The table of commands (cmd_table.c), in the order --help lists them. */
extern const struct cmd_command cmd_commands[];
extern const size_t cmd_ncommands;
/* NULL when there is no such command. */
const struct cmd_command *cmd_find(const char *name);

/* The commands. */
int	cmd_parse(int, char **);
int	cmd_extract(int, char **);
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
int	cmd_backup(int, char **);
int	cmd_check_db(int, char **);
int	cmd_migrate_db(int, char **);
int	cmd_add(int, char **);

/* A time as RFC 3339 UTC for --json output, or null when t <= 0 (never).
 * A new reference. */
struct json_t;
struct json_t	*cmd_json_time(int64_t t);
/* Prints each "FILE:LINE: message" line of d. */
void	cmd_print_diag(const struct conf_diag *d);
/* Parses -c FILE and --feeds FILE (the options every config reader
 * takes), and -o FILE when out is not NULL; returns 0, or the usage
 * status. */
int	cmd_config_opts(const char *cmd, int argc, char **argv,
	    const char **conf, const char **feeds, const char **out);
/* Loads the configuration and the feed lists; prints every error.
 * Returns ERR_OK or the first error. */
int	cmd_load(const char *conf_path, const char *feeds, struct conf *c,
	    struct feedlist *fl);
/* Opens the database at path (NULL: the configured one); returns 0, or 1
 * after printing why. */
int	cmd_open_db(const char *path, int flags, struct store **st);

/* What export and outbox need: the configuration, its feed lists (for
 * tag filters), the configured targets and the database. */
struct cmd_env {
	struct conf	 c;
	struct feedlist	 fl;
	struct outbox	*ob;
	struct store	*st;
};

/* Returns 0, or 1 after printing why (then cmd_env_close it still). */
int	cmd_env_open(struct cmd_env *v, const char *conf_path,
	    const char *db, int flags);
void	cmd_env_close(struct cmd_env *v);

#endif
