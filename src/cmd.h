#ifndef TIDINGS_CMD_H
#define TIDINGS_CMD_H
/*
 * What several commands share (cmd_*.c): the options that name the
 * configuration, loading it, and opening the database.  Every function
 * prints its errors to stderr, as a command does.
 */
#include <stddef.h>

#include "conf.h"
#include "feedlist.h"
#include "outbox.h"
#include "store.h"

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
