#ifndef TIDINGS_STORE_PG_INT_H
#define TIDINGS_STORE_PG_INT_H
/*
 * What the files of the PostgreSQL store share, and nothing outside them
 * includes.  The store's files:
 *
 *   store_pg.c           connecting, statements, batches, feeds, cycles
 *   store_pg_schema.c    the schema history and its migration
 *   store_pg_articles.c  identity, article writes, retention, reading,
 *                        search
 *   store_pg_events.c    the outbox, targets, their locks
 *   store_pg_ahead.c     a batch's lookups answered ahead
 *   store_pg_claims.c    nodes, claims of feeds, host leases
 *
 * Every value goes to the server as text and comes back as text (bytea
 * in hex); statements are prepared on the connection on first use.
 *
 * Round trips: inside a batch, the writes whose results nobody waits for
 * are queued in libpq's pipeline mode (pg_defer) and their results read
 * when the batch next needs an answer (pg_drain); dedup's lookups of a
 * document are asked in two statements (store_keys_ahead).  A document
 * of new articles costs a handful of round trips, not a dozen an item.
 *
 * Writers: a batch takes a transaction-wide advisory lock (PG_LOCK_BATCH)
 * before it reads anything, so that batches of all the daemons and
 * commands on one database follow each other as they do on SQLite: what
 * dedup looks up inside a batch is what the batch writes against, and
 * the outbox's sequence numbers are committed in order.  Readers never
 * wait for it.
 */
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "store.h"
#include "store_backend.h"

/* Advisory lock classes (the first of the two int4 keys; "tid" and a
 * number), in decimal for the SQL texts that name them. */
#define PG_LOCK_BATCH	1953063937	/* one writing batch at a time */
#define PG_LOCK_TARGET	1953063938	/* a target's deliverer */
#define PG_LOCK_SCHEMA	1953063939	/* one migration at a time */
#define PG_STR(x)	PG_STR2(x)
#define PG_STR2(x)	#x

struct pg_tlock {
	int32_t		 key;
	int		 count;
};

struct store_pg {
	const struct store_ops *ops;	/* store_pg_ops: first */
	PGconn		*conn;
	char		*path;		/* the URI without its password, for
					 * messages */
	int		 flags;
	unsigned char	*prepared;	/* per statement id: 1 when prepared */
	int		 in_batch;
	int64_t		 batch_feed;
	int64_t		 batch_gen;
	int64_t		 batch_ev;	/* the batch's first event, or 0 */
	int		 quiet;		/* store_batch_quiet */
	int		 feed_changed;
	int64_t		*seen;		/* articles of this batch's document */
	size_t		 nseen, seencap;
	int64_t		 fp_day;	/* fingerprints pruned below this
					 * day - 1; 0 = not yet */
	struct pg_tlock	*locks;
	size_t		 nlocks;
	/* writes of the batch sent in pipeline mode (pg_defer) whose
	 * results are not read yet */
	struct pg_pending *pend;
	size_t		 npend, pendcap;
	/* article numbers the batch hands out itself (article_add): the
	 * next one, and the last one handed out; 0 before the first */
	int64_t		 next_id, last_id;
	struct pg_ahead	*ahead;		/* store_pg_ahead.c */
};

struct pg_pending {
	int		 id;		/* enum pg_stmt */
	int		 prepare;	/* the statement's preparation */
	int		 seq;		/* the result's first column is an
					 * event's seq (batch_ev) */
	const char	*what;
};

#define PG(st) ((struct store_pg *)(void *)(st))

/* Parameters of one statement, as text. */
#define PG_MAXP	32
struct pg_params {
	int		 n;
	const char	*v[PG_MAXP];
	char		*own[PG_MAXP];
	char		 num[PG_MAXP][24];
};
void	pg_p_int(struct pg_params *p, int64_t v);
void	pg_p_text(struct pg_params *p, const char *s);	/* NULL: SQL NULL */
void	pg_p_null(struct pg_params *p);
void	pg_p_bytes(struct pg_params *p, const unsigned char *b, size_t len);
void	pg_p_free(struct pg_params *p);

/*
 * Runs statement sql with p (may be NULL) and frees p's strings.  sql
 * is prepared once on the connection as statement id (enum pg_stmt: one
 * text per id), or run unprepared when id is -1.  The
 * result (tuples or command) or NULL with the error in ebuf ("URI: what:
 * message").  The caller PQclear()s it.
 */
PGresult *pg_run(struct store_pg *st, int id, const char *sql,
	    struct pg_params *p, char *ebuf, size_t n, const char *what);
/* The same, for a statement that returns nothing wanted. */
int	pg_do(struct store_pg *st, int id, const char *sql,
	    struct pg_params *p, char *ebuf, size_t n, const char *what);
/*
 * A write inside a batch whose result the caller does not need: sent in
 * libpq's pipeline mode without waiting for the server, so that the
 * writes of a document cost no round trip each.  Its error, if any,
 * comes back from the next pg_run, pg_do or pg_exec of the batch (which
 * first reads every queued result: pg_drain), at the latest the
 * commit's, and the batch is rolled back; seq: the result's first
 * column is an event's seq, kept as batch_ev when it is the batch's
 * first.  Outside a batch it is pg_do.  Frees p's strings.
 */
int	pg_defer(struct store_pg *st, int id, const char *sql,
	    struct pg_params *p, int seq, char *ebuf, size_t n,
	    const char *what);
/* Reads the results of the queued writes and leaves pipeline mode; the
 * first failure's message in ebuf. */
int	pg_drain(struct store_pg *st, char *ebuf, size_t n);
/* Runs SQL text (one or more statements, not prepared). */
int	pg_exec(struct store_pg *st, const char *sql, char *ebuf, size_t n);
/* Rows the command changed. */
long	pg_changes(PGresult *r);

int64_t	pg_int(PGresult *r, int row, int col);
char	*pg_str(PGresult *r, int row, int col);	/* new string or NULL */
const char *pg_cstr(PGresult *r, int row, int col);	/* borrowed or NULL */
int	pg_null(PGresult *r, int row, int col);
/* A bytea column decoded into out (len bytes); zeros when it is NULL or
 * of another length. */
void	pg_bytes(PGresult *r, int row, int col, unsigned char *out,
	    size_t len);

int	pg_need_batch(struct store_pg *st, char *ebuf, size_t n);
void	pg_seen_add(struct store_pg *st, int64_t id);

/* store_pg_articles.c: drops fingerprints older than the day before
 * day, once a day newer than any before is asked about. */
int	pg_fp_prune(struct store_pg *st, int64_t day, char *ebuf, size_t n);

/*
 * store_pg_ahead.c: the batch's lookups answered ahead (store_keys_ahead).
 * Kinds of key: an identity key (scope: 0 or the feed) or a fingerprint
 * (scope: its day).  pg_ahead_key and pg_ahead_item return 1 when the
 * answer is known (an id of 0: no such key); what the batch writes is
 * told with pg_ahead_wrote (a key recorded for id, unless it was known)
 * and pg_ahead_item_set.  pg_ahead_clear forgets everything (a batch's
 * end, retention).
 */
enum { PG_AHEAD_KEY = 0, PG_AHEAD_FP = 1 };
int	pg_ahead_key(struct store_pg *st, int t, int64_t scope,
	    const unsigned char *key, int64_t *id);
void	pg_ahead_key_set(struct store_pg *st, int t, int64_t scope,
	    const unsigned char *key, int64_t id);
void	pg_ahead_wrote(struct store_pg *st, int t, int64_t scope,
	    const unsigned char *key, int64_t id);
/* The batch feed's link row to article id (it) and whether the article
 * exists (*exists); either may be NULL: 1 when all that is asked is
 * known. */
int	pg_ahead_item(struct store_pg *st, int64_t id, struct store_item *it,
	    int *exists);
/* it: the link row as it is now (NULL: unchanged); exists: 1, 0, or -1
 * to keep what is known. */
void	pg_ahead_item_set(struct store_pg *st, int64_t id,
	    const struct store_item *it, int exists);
void	pg_ahead_clear(struct store_pg *st);
void	pg_ahead_free(struct store_pg *st);

/* store_pg_schema.c: brings the database to the newest schema. */
int	pg_migrate(struct store_pg *st, char *ebuf, size_t n);
int	pg_version(struct store_pg *st, int *v, char *ebuf, size_t n);

/* Statement ids: one per statement text, for pg_run's cache. */
enum pg_stmt {
	P_FEED_BY_URL, P_FEED_BY_NAME, P_FEED_INSERT, P_FEED_SET_NAME,
	P_FEED_GET, P_FEED_LIST, P_FEED_PUT, P_FEED_META, P_FEED_URL,
	P_FEED_GEN, P_FEED_EXISTS, P_FEED_IDENTITY, P_BATCH_LOCK,
	P_KEY_GET, P_KEYS_PUT, P_FP_GET, P_FP_PUT, P_FP_PRUNE,
	P_AF_GET, P_AF_SEEN, P_AF_INSERT, P_AF_UPDATE, P_ART_EXISTS,
	P_IDENT_TAKEN, P_ART_INSERT, P_ART_UPDATE, P_REV_SAVE,
	P_EVENT_INSERT, P_EV_FILL,
	P_RET_AGE, P_RET_COUNT, P_RET_MARK, P_RET_DELETE,
	P_ART_GET, P_ART_LIST, P_ART_FIND,
	P_EV_PENDING, P_EV_LIST, P_TARGET_ENSURE, P_EV_DONE, P_ASIDE_DONE,
	P_ADVANCE, P_ASIDE_PUT, P_TARGET_ERROR, P_TARGET_LIST,
	P_TLOCK, P_TUNLOCK, P_CYCLE_PUT, P_CYCLE_PRUNE, P_CYCLE_LAST,
	P_DROP_PUT, P_DROP_DEL, P_DROP_LIST, P_EVENT_ARTICLE,
	P_ART_NEXT_ID, P_ART_SET_ID, P_AHEAD,
	P_COUNT
};

#endif
