#ifndef TIDINGS_EXPORT_H
#define TIDINGS_EXPORT_H
/*
 * Export targets and the write path.  The daemon's exporter loop, for each
 * pending outbox event and each target:
 *
 *     if (!export_target_wants(t, &item))      -> mark the event done
 *     st = export_deliver(t, &item, ebuf, n);
 *     EXPORT_OK                                -> mark the event done
 *     anything else                            -> keep it pending; retry
 *                                                 after export_backoff()
 *
 * export_deliver logs once per change of a target's state (a failure, and
 * the recovery after it), not once per article, so the caller need not.
 * A loop that delivers events in batches may set defer_dirsync, deliver the
 * batch, call export_target_sync, and only then mark the delivered events
 * done: one directory fsync per batch instead of one per article.
 *
 * Exactly once: a file target writes a temporary file in the same directory
 * (".tidings.NAME.tmp", O_EXCL, 0644), fsyncs it, link()s it to its final
 * name (which, unlike rename(), never replaces an existing file), unlinks
 * the temporary name and fsyncs the directory.  The name and bytes are a
 * pure function of the item (export_format.h), so replaying an event whose
 * "done" mark was lost in a crash finds the same name with the same bytes
 * and succeeds without a second copy.  A crash before the link leaves only
 * a temporary file, removed when the target is next opened; a consumer never
 * sees a partial file under a final name.  Maildir writes tmp/NAME, links it
 * to new/NAME, and treats NAME (with any ":2,flags") in cur/ as delivered.
 *
 * Exec targets are at least once: a command that finished its work but was
 * killed before exiting runs again on the replay; TIDINGS_ID lets it notice.
 * A command inherits descriptors 0 (the record), 1 and 2 and no other.
 *
 * The daemon should ignore SIGXFSZ, so that a file size limit reaches us as
 * EFBIG (reported as EXPORT_EFULL) instead of killing the process, and must
 * not reap children it did not start (no waitpid(-1) in a SIGCHLD handler):
 * exec jobs wait for their own pid.
 *
 * A replay must render the same bytes: the item's feed title, name and URL
 * should be those recorded with the outbox event, not today's, or a feed
 * renamed between a crash and the restart turns the replay into a
 * collision (text) or a second file under a new slug.
 */
#include <stddef.h>
#include <sys/types.h>

#include "export_format.h"

enum export_status {
	EXPORT_OK = 0,
	EXPORT_ENODIR,		/* the directory is missing or not one */
	EXPORT_EACCES,		/* not writable: permissions, read-only */
	EXPORT_EFULL,		/* ENOSPC, EDQUOT, EFBIG */
	EXPORT_ECOLLISION,	/* the name holds a different file */
	EXPORT_EIO,		/* any other failed system call */
	EXPORT_EEXEC,		/* exec: cannot start, non-zero exit, signal */
	EXPORT_ETIMEOUT,	/* exec: killed after the timeout */
	EXPORT_EBUSY,		/* exec: at the concurrency cap, try later */
	EXPORT_EINVAL,		/* the item cannot be exported (no identity) */
};

/* Failures of one exec event before it is set aside, for targets not
 * from the configuration (`run --export exec:CMD`). */
#define EXPORT_RETRIES	5

struct export_target {
	/* The settings, as the configuration gives them (conf_settings.h);
	 * export_target_new's defaults: fsync 1, timeout_ms 30000,
	 * concurrency 4, retries EXPORT_RETRIES, retry_base 10, retry_max
	 * 3600, the rest 0. */
	struct export_settings	 s;
	/* With s.fsync: leave the directory fsync to export_target_sync, so
	 * that a batch of deliveries pays for it once (default 0). */
	int			 defer_dirsync;
	/* exec: argv is run without a shell (execvp); otherwise s.command
	 * is run by /bin/sh -c (what `--export exec:CMD` gives). */
	char			**argv;		/* NULL-terminated */
	/* Set by `tidings export`, which delivers stored articles again
	 * outside the outbox: nothing stays pending, and the caller reports
	 * a failure itself, so export_note_state logs nothing. */
	int			 replay;	/* default 0 */
	/* The keep and drop rules of s, compiled by export_target_from
	 * (rules conf_parse did not check are left out); NULL: none. */
	struct filter		*filter;
	/* State, owned by export.c. */
	enum export_status	 state;		/* last status, for logging */
	int			 opened;
	int			 running;	/* exec jobs in flight */
	int			 dirty;		/* a dir fsync is owed */
};

/* One running exec command; see export_exec_start. */
struct export_job;

/* A target with the defaults above; where is the directory, or for exec
 * the shell command.  Free with export_target_free. */
struct export_target *export_target_new(const char *name,
	    enum export_format f, const char *where);
/* A target with a copy of the settings s. */
struct export_target *export_target_from(const struct export_settings *s);
void	 export_target_free(struct export_target *t);
/* Copies s onto the feeds or tags filter list. */
void	 export_target_add_feed(struct export_target *t, const char *s);
void	 export_target_add_tag(struct export_target *t, const char *s);
/* "FORMAT:DIR" (or "exec:COMMAND"), as given to `tidings run --export`.
 * A leading "~/" is $HOME (the shell does not expand it after "FORMAT:");
 * a relative DIR is made absolute against the current directory, and the
 * target is named "FORMAT:/ABSOLUTE/DIR" (exec: the spec itself); the name
 * is what the outbox records deliveries under.  ERR_INVALID with a message. */
int	 export_target_parse_spec(const char *spec,
	    struct export_target **out, char *ebuf, size_t n);
/* 1 when the target's filter lets the item through (pure). */
int	 export_target_wants(const struct export_target *t,
	    const struct export_item *it);
/*
 * Checks the directory, creates a maildir's tmp/new/cur, and removes
 * temporary files a crash left behind.  export_deliver calls it until it
 * succeeds once, so calling it is optional (at startup it surfaces a bad
 * configuration early).  Returns a status; fills ebuf.
 */
enum export_status export_target_open(struct export_target *t,
	    char *ebuf, size_t n);

/* Exports one item; for exec, runs the command and waits for it. */
enum export_status export_deliver(struct export_target *t,
	    const struct export_item *it, char *ebuf, size_t n);

/*
 * With t->defer_dirsync: fsyncs the directory that deliveries since the
 * last call wrote into.  The caller marks those events done only after this
 * returns EXPORT_OK; until then a power loss may forget the new names (but
 * never shows a partial file: each file was fsynced before it was named).
 */
enum export_status export_target_sync(struct export_target *t,
	    char *ebuf, size_t n);

/* The write primitive of file targets: data under dir/name, exactly as
 * described at the top.  name must be a plain file name. */
enum export_status export_write_file(const char *dir, const char *name,
	    const void *data, size_t len, int dofsync, char *ebuf, size_t n);

/*
 * Exec without waiting, for a loop that runs up to t->s.concurrency commands at
 * once: start returns EXPORT_EBUSY at the cap, else starts the command
 * (its own process group, the JSON on stdin, TIDINGS_* in the environment)
 * and gives a job.  poll returns -1 while the job runs, else its status;
 * past the timeout it kills the job's process group first.  Free the job
 * (killing it if it still runs) with export_job_free.
 */
enum export_status export_exec_start(struct export_target *t,
	    const struct export_item *it, struct export_job **out,
	    char *ebuf, size_t n);
int	 export_job_poll(struct export_job *j, char *ebuf, size_t n);
pid_t	 export_job_pid(const struct export_job *j);
void	 export_job_free(struct export_job *j);

const char *export_status_name(enum export_status st);
/* Records st as the target's state and logs a change of it: the first
 * failure of a kind and the recovery, so that a full disk gives two lines,
 * not one per article.  EXPORT_EBUSY is no change.  For whoever delivers
 * without export_deliver (the daemon's commands it does not wait for). */
void	 export_note_state(struct export_target *t, enum export_status st,
	    const char *msg);
/* Seconds to wait before attempt number `attempt` (1 = the first retry):
 * base doubled each time, capped at max (pure). */
unsigned export_backoff(unsigned attempt, unsigned base, unsigned max);

#endif
