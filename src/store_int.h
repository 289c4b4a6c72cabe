#ifndef TIDINGS_STORE_INT_H
#define TIDINGS_STORE_INT_H
/*
 * What the files of the SQLite store share, and nothing outside them
 * includes: the handle, the statement cache and the helpers that run
 * statements.  The functions below are the store's own, not part of its
 * interface (store.h), though they carry its prefix.  The store's files,
 * by the sections of store.h:
 *
 *   store_sqlite.c      open and close, the statements, batches
 *   store_schema.c      the schema history and its migration
 *   store_checkpoint.c  the checkpoint thread
 *   store_cycles.c      cycles
 *   store_feeds.c       feeds
 *   store_ident.c       identity lookups by key, fingerprints, items
 *   store_articles.c    article writes, retention, reading, search
 *   store_events.c      the outbox, targets, their locks
 *   store_backup.c      backups and checks
 *   store_claims.c      nodes, and claims (trivial: one daemon a file)
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "store_backend.h"

/* Every statement the store runs, prepared on first use and kept. */
enum stmt_id {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_FEED_BY_URL, S_FEED_BY_NAME, S_FEED_INSERT, S_FEED_SET_NAME,
	S_FEED_GET, S_FEED_LIST, S_FEED_PUT, S_FEED_META, S_FEED_URL,
	S_FEED_GEN, S_FEED_EXISTS, S_FEED_IDENTITY,
	S_KEY_GET, S_KEYS_PUT, S_EVENT_NEW,
	S_AF_GET, S_AF_SEEN, S_AF_INSERT, S_AF_UPDATE,
	S_ART_EXISTS, S_ART_INSERT, S_ART_UPDATE, S_REV_SAVE,
	S_EVENT_INSERT,
	S_RET_AGE, S_RET_COUNT, S_RET_MARK, S_RET_DELETE,
	S_ART_GET, S_ART_LIST, S_SEARCH,
	S_EV_PENDING, S_EV_DONE, S_TARGET_ENSURE, S_TARGET_LOW,
	S_MAX_ID, S_FTS_BATCH, S_FTS_DEL_ONE, S_FTS_ADD_ONE, S_FTS_DEL_RET,
	S_DONE_DELETE, S_DONE_EXISTS, S_EV_SKIPPABLE, S_TARGET_SET, S_EV_MAX,
	S_EV_FILL, S_EV_LIST, S_TARGET_ERROR, S_TARGET_LIST,
	S_FP_GET, S_FP_PUT, S_FP_SINCE, S_FP_PRUNE,
	S_ASIDE_PUT, S_ASIDE_DONE, S_ASIDE_BELOW, S_IDENT_TAKEN,
	S_DROP_PUT, S_DROP_DEL, S_DROP_LIST, S_EVENT_ARTICLE,
	S_COUNT
};

/*
 * The fingerprints of today and yesterday, in memory: an open-addressing
 * table from the first 8 bytes of a fingerprint to the row that holds it
 * (0 = empty slot).  Prefixes may repeat (the same fingerprint on two days,
 * or two fingerprints that share 8 bytes): every candidate row is read and
 * compared in full, so a collision costs a row read, never an article.
 */
struct fp_slot {
	uint64_t	 prefix;
	int64_t		 row;
};

struct fp_index {
	struct fp_slot	*slot;
	size_t		 cap, n;	/* cap: a power of two, or 0 */
	int64_t		 last;		/* the highest row loaded */
	int64_t		 day;		/* pruned below day - 1; 0 = not
					 * loaded */
	int		 synced;	/* caught up in this batch */
};

/*
 * Checkpoints run on a thread of their own, with their own connection, so
 * that copying the log into the database and its two fsyncs overlap the
 * writer's next documents instead of stalling them (a third of the wall
 * time of storing new articles went there).  A pass there copies what was
 * committed before the writer's current transaction; the writer, between
 * two batches, then copies the little that came since (see
 * store_ckpt_between), which lets its next write start the log afresh.
 */
#define CKPT_PAGES	16384		/* a pass per 64 MB of log */
#define CKPT_HARD	8		/* times pages: the writer waits */

struct ckpt {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	sqlite3		*db;
	int		 running;
	int		 pages;		/* a pass per this many in the log */
	int		 want, busy, stop;
	unsigned long	 passes;	/* completed */
	unsigned long	 used;		/* passes the writer followed up */
	int		 frames;	/* in the log after the last commit */
};

/* A target's delivery lock this handle holds, and how many times. */
struct tlock {
	off_t		 off;
	int		 count;
};

struct store {
	const struct store_ops *ops;	/* store_sqlite_ops: first, see
					 * store_backend.h */
	sqlite3		*db;
	char		*path;
	int		 flags;
	sqlite3_stmt	*stmts[S_COUNT];
	int		 in_batch;
	int64_t		 batch_feed;
	int64_t		 batch_gen;
	int64_t		 batch_first;	/* articles above this id are new in
					 * the batch, not yet in articles_fts */
	int64_t		*seen;		/* articles of this batch's document */
	size_t		 nseen, seencap;
	int64_t		 batch_ev;	/* the batch's first event, or 0 */
	int		 quiet;		/* store_batch_quiet */
	int		 feed_changed;	/* a feed's URL, name or title
					 * changed in this batch */
	struct fp_index	 fps;
	struct ckpt	 ck;
	/* the -wal and -shm files the connection uses (device, inode) */
	int		 side_known;
	uint64_t	 wal_id[2], shm_id[2];
	/* store_target_lock: the lock file, and the locks held through it */
	int		 lockfd;	/* -1: not open yet */
	struct tlock	*locks;
	size_t		 nlocks;
};

/* The error of the last SQLite call on st->db, as "PATH: what: message". */
int	store_db_error(struct store *st, char *ebuf, size_t n,
	    const char *what);
/* The statement, reset and with its bindings cleared, or NULL (with the
 * error in ebuf) when it cannot be prepared. */
sqlite3_stmt *store_stmt(struct store *st, enum stmt_id id, char *ebuf,
	    size_t n);
/* Steps a statement that returns no rows (or whose rows we ignore) and
 * resets it. */
int	store_run(struct store *st, sqlite3_stmt *s, char *ebuf, size_t n,
	    const char *what);
/* Resets s and clears its bindings. */
void	store_reset(sqlite3_stmt *s);
/* Binds v (NULL: SQL NULL); v must outlive the statement's step. */
void	store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column i as a new string, or NULL. */
char	*store_col_text(sqlite3_stmt *s, int i);
/* Runs SQL text (one or more statements, not cached). */
int	store_exec(struct store *st, const char *sql, char *ebuf, size_t n);
/* The integer a pragma (or any one-value query) returns. */
int	store_pragma_int(struct store *st, const char *sql, int *out,
	    char *ebuf, size_t n);
/* ERR_INVALID unless a batch is open. */
int	store_need_batch(struct store *st, char *ebuf, size_t n);
/* Notes article id as carried by the batch's document (retention spares
 * it). */
void	store_seen_add(struct store *st, int64_t id);

/* store_schema.c: brings the database to the newest schema. */
int	store_migrate(struct store *st, char *ebuf, size_t n);

/* store_checkpoint.c */
void	store_ckpt_start(struct store *st);
void	store_ckpt_stop(struct store *st);
void	store_ckpt_between(struct store *st);

#endif
