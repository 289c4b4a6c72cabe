/* The store's checkpoint thread (store_int.h, store_set_checkpoint). */

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>

#include "err.h"
#include "store.h"
#include "store_int.h"
#include "thread.h"

static void *
ckpt_main(void *arg)
{
	struct ckpt *ck = arg;

	pthread_mutex_lock(&ck->mu);
	for (;;) {
		while (!ck->want && !ck->stop)
			pthread_cond_wait(&ck->cv, &ck->mu);
		if (ck->stop)
			break;
		ck->want = 0;
		ck->busy = 1;
		pthread_mutex_unlock(&ck->mu);
		/* as SQLite's own automatic checkpoints: a failure (a
		 * reader in the way, a full disk) only leaves the log
		 * longer, and the next pass tries again */
		sqlite3_wal_checkpoint_v2(ck->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&ck->mu);
		ck->busy = 0;
		ck->passes++;
		pthread_cond_broadcast(&ck->cv);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

/* After each commit that wrote to the log (the writer's thread). */
static int
ckpt_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
	struct ckpt *ck = ctx;

	(void)db;
	(void)name;
	ck->frames = frames;
	if (frames >= ck->pages) {
		pthread_mutex_lock(&ck->mu);
		if (!ck->busy && !ck->want) {
			ck->want = 1;
			pthread_cond_signal(&ck->cv);
		}
		pthread_mutex_unlock(&ck->mu);
	}
	return SQLITE_OK;
}

/* Without the thread (it could not start) SQLite's automatic checkpoints
 * stay in charge. */
void
store_ckpt_start(struct store *st)
{
	struct ckpt *ck = &st->ck;

	/* a first read makes the connection see that the file is in WAL
	 * mode; until then it would not checkpoint at all */
	if (sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA user_version", NULL, NULL,
	    NULL) != SQLITE_OK) {
		sqlite3_close(ck->db);
		ck->db = NULL;
		return;
	}
	ck->want = ck->busy = ck->stop = 0;
	ck->frames = 0;
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	if (thread_start(&ck->thread, ckpt_main, ck) != 0) {
		pthread_mutex_destroy(&ck->mu);
		pthread_cond_destroy(&ck->cv);
		sqlite3_close(ck->db);
		ck->db = NULL;
		return;
	}
	ck->running = 1;
	ck->pages = CKPT_PAGES;
	sqlite3_wal_hook(st->db, ckpt_hook, ck);
}

void
store_ckpt_stop(struct store *st)
{
	struct ckpt *ck = &st->ck;

	if (!ck->running)
		return;
	sqlite3_wal_hook(st->db, NULL, NULL);
	pthread_mutex_lock(&ck->mu);
	ck->stop = 1;
	pthread_cond_signal(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	pthread_join(ck->thread, NULL);
	pthread_mutex_destroy(&ck->mu);
	pthread_cond_destroy(&ck->cv);
	sqlite3_close(ck->db);
	ck->db = NULL;
	ck->running = 0;
}

/*
 * Between two batches, when the log is long: once the thread has finished
 * a pass, copy what was committed during it (a few batches' pages, and the
 * fsyncs find little left to write), so that the whole log is in the
 * database and the next batch starts it afresh.  When the thread falls
 * far behind, wait for it rather than let the log grow without bound.
 */
void
store_ckpt_between(struct store *st)
{
	struct ckpt *ck = &st->ck;
	int go;

	if (!ck->running || ck->frames < ck->pages)
		return;
	pthread_mutex_lock(&ck->mu);
	if (ck->frames >= CKPT_HARD * ck->pages)
		while (ck->want || ck->busy)
			pthread_cond_wait(&ck->cv, &ck->mu);
	go = !ck->want && !ck->busy && (ck->passes != ck->used ||
	    ck->frames >= CKPT_HARD * ck->pages);
	if (go)
		ck->used = ck->passes;
	pthread_mutex_unlock(&ck->mu);
	if (go && sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
		ck->frames = 0;
}

int
store_sqlite_set_checkpoint(struct store *st, int pages)
{
	if (pages <= 0)
		pages = CKPT_PAGES;
	st->ck.pages = pages;
	if (!st->ck.running)
		sqlite3_wal_autocheckpoint(st->db, pages);
	return ERR_OK;
}
