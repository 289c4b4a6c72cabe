/*
 * bench_store: how fast the store takes new articles, and how much cheaper
 * an unchanged re-fetch is.  Generates N articles over F feeds, one batch
 * (one ingest_articles call, one transaction) per feed document, through
 * the same path the daemon uses: dedup keys, the identity plan, the
 * identity decision and the store's writes, outbox, FTS.  Only the ingest calls are timed, not the generation.
 *
 *   bench_store [-n ARTICLES] [-f FEEDS] [-d DIR] [-c PAGES] [-s]
 *
 * -s runs with synchronous=FULL instead of NORMAL; -c checkpoints every
 * PAGES pages of log instead of the store's default.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "err.h"
#include "ingest.h"
#include "store.h"
#include "xmalloc.h"

static const char *const words[] = {
	"the", "government", "minister", "said", "on", "Tuesday", "that",
	"talks", "would", "continue", "after", "a", "week", "of", "tension",
	"between", "the", "two", "countries", "over", "trade", "energy",
	"prices", "rose", "sharply", "in", "the", "capital", "where",
	"officials", "announced", "new", "measures", "to", "support",
	"households", "and", "businesses", "affected", "by", "the", "storm",
	"parliament", "voted", "budget", "reform", "election", "court",
	"ruling", "company", "shares", "fell", "market", "investors",
	"analysts", "expect", "growth", "inflation", "central", "bank",
	"interest", "rates", "city", "council", "residents", "protest",
	"school", "hospital", "doctors", "patients", "research", "study",
	"scientists", "found", "climate", "summer", "record", "temperature",
	"football", "match", "season", "coach", "players", "victory",
	"festival", "music", "film", "award", "museum", "exhibition",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static uint64_t rng = 88172645463325252ULL;

static unsigned
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

static void
sentence(struct buf *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const char *w = words[next() % NWORDS];

		if (i == 0)
			buf_putc(b, (char)(w[0] >= 'a' ? w[0] - 32 : w[0])),
			buf_puts(b, w + 1);
		else
			buf_printf(b, " %s", w);
	}
	buf_puts(b, ".");
}

/* One article of realistic size: a 60-byte title, a 3-paragraph text of
 * about 600 bytes, its HTML, a summary, an author, a category, a date. */
static struct article *
generate(long feed, long item)
{
	struct article *a = article_new();
	struct buf t = { 0 }, html = { 0 }, text = { 0 };
	int p;

	a->guid = xasprintf("https://feed%ld.example/item/%ld", feed, item);
	a->link = xasprintf("https://feed%ld.example/news/%ld-story", feed,
	    item);
	a->id = xstrdup(a->guid);
	sentence(&t, 8);
	a->title = buf_detach(&t);
	for (p = 0; p < 3; p++) {
		struct buf para = { 0 };

		sentence(&para, 16);
		buf_putc(&para, ' ');
		sentence(&para, 14);
		buf_printf(&html, "<p>%s</p>\n", buf_str(&para));
		if (p)
			buf_puts(&text, "\n\n");
		buf_puts(&text, buf_str(&para));
		if (p == 0)
			a->summary = xstrdup(buf_str(&para));
		buf_free(&para);
	}
	a->content = buf_detach(&html);
	a->text = buf_detach(&text);
	a->author = xasprintf("Reporter %ld", item % 17);
	article_add_category(a, words[item % NWORDS]);
	a->has_published = 1;
	/* feeds are fetched one after another and their new items are
	 * recent: dates grow with the order of arrival, as in real life */
	a->published.utc = 1700000000 + feed * 120 + item;
	a->published.tzoff = 120;
	return a;
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

int
main(int argc, char **argv)
{
	struct article **batch;
	struct ingest_opts o;
	struct ingest_result r;
	struct rusage ru;
	struct store *st;
	const char *dir = "/tmp", *uri = NULL;
	char path[512], wal[520], ebuf[512], url[64];
	long n = 1000000, feeds = 10000, per, f, i, total;
	int64_t *ids;
	int ch, flags = 0, pass, ckpt = 0;
	double t, c, w, spent[3] = { 0, 0, 0 }, cpu[3] = { 0, 0, 0 };
	double wcpu[3] = { 0, 0, 0 }, worst[3] = { 0, 0, 0 };
	long counted[3][4] = { { 0 } };
	static const char *const passname[3] = {
		"new               ", "unchanged, 1 h on", "unchanged, 1 min ",
	};
	static const int64_t when[3] = { 0, 3600, 3660 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt(argc, argv, "n:f:d:D:c:s")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'f':
			feeds = strtol(optarg, NULL, 10);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'D':
			uri = optarg;	/* an empty PostgreSQL database */
			break;
		case 'c':
			ckpt = (int)strtol(optarg, NULL, 10);
			break;
		case 's':
			flags |= STORE_SYNC_FULL;
			break;
		default:
			fprintf(stderr, "usage: bench_store [-n ARTICLES] "
			    "[-f FEEDS] [-d DIR | -D URI] [-c PAGES] [-s]\n");
			return 2;
		}
	}
	if (n <= 0 || feeds <= 0 || n < feeds) {
		fprintf(stderr, "bench_store: need ARTICLES >= FEEDS > 0\n");
		return 2;
	}
	per = n / feeds;
	total = per * feeds;
	snprintf(path, sizeof(path), "%s/bench_store.%ld.db", dir, (long)getpid());
	if (uri != NULL)
		snprintf(path, sizeof(path), "%s", uri);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (store_open(path, flags, &st, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "bench_store: %s\n", ebuf);
		return 1;
	}
	store_set_checkpoint(st, ckpt);
	ids = xreallocarray(NULL, feeds, sizeof(*ids));
	for (f = 0; f < feeds; f++) {
		snprintf(url, sizeof(url), "https://feed%ld.example/rss", f);
		if (store_feed_ensure(st, url, NULL, &ids[f], ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "bench_store: %s\n", ebuf);
			return 1;
		}
	}
	memset(&o, 0, sizeof(o));
	batch = xreallocarray(NULL, per, sizeof(*batch));
	printf("bench_store: %ld articles, %ld feeds, %ld per batch, "
	    "synchronous=%s, %s\n", total, feeds, per,
	    flags & STORE_SYNC_FULL ? "FULL" : "NORMAL", path);
	/* pass 0: every article new; pass 1: the same documents an hour
	 * later (last_seen is rewritten); pass 2: a minute after that
	 * (nothing is written at all) */
	for (pass = 0; pass < 3; pass++) {
		rng = 88172645463325252ULL;	/* the same articles again */
		o.now = 1800000000 + when[pass];
		for (f = 0; f < feeds; f++) {
			for (i = 0; i < per; i++)
				batch[i] = generate(f, i);
			t = clock_s(CLOCK_MONOTONIC);
			c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
			w = clock_s(CLOCK_THREAD_CPUTIME_ID);
			if (ingest_articles(st, ids[f], batch, per, NULL, &o,
			    &r, ebuf, sizeof(ebuf)) != ERR_OK) {
				fprintf(stderr, "bench_store: %s\n", ebuf);
				return 1;
			}
			t = clock_s(CLOCK_MONOTONIC) - t;
			spent[pass] += t;
			if (t > worst[pass])
				worst[pass] = t;
			cpu[pass] += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c;
			wcpu[pass] += clock_s(CLOCK_THREAD_CPUTIME_ID) - w;
			counted[pass][0] += r.added;
			counted[pass][1] += r.updated;
			counted[pass][2] += r.duplicate;
			counted[pass][3] += r.unchanged;
			for (i = 0; i < per; i++)
				article_free(batch[i]);
		}
		/* CPU time too: on a loaded machine wall time measures
		 * the neighbours as much as the store.  The process's CPU
		 * time counts the store's checkpoint thread as well; the
		 * writer's own is the part that cannot overlap. */
		printf("%s: %.2f s wall, %.0f articles/s; %.2f s CPU, %.0f "
		    "articles/CPU-s (writer thread %.2f s); slowest batch "
		    "%.0f ms (%ld new, %ld updated, %ld duplicate, "
		    "%ld unchanged)\n",
		    passname[pass], spent[pass],
		    total / spent[pass], cpu[pass], total / cpu[pass],
		    wcpu[pass], worst[pass] * 1000,
		    counted[pass][0], counted[pass][1],
		    counted[pass][2], counted[pass][3]);
	}
	store_close(st);	/* checkpoints the WAL into the database */
	getrusage(RUSAGE_SELF, &ru);
	if (uri == NULL)
		printf("database: %lld bytes (wal %lld), %.0f bytes/article\n",
		    file_size(path), file_size(wal),
		    (double)(file_size(path) + file_size(wal)) / total);
	printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
	printf("ratio unchanged/new: %.1fx\n", spent[0] / spent[1]);
	free(batch);
	free(ids);
	if (uri == NULL) {
		unlink(path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	return counted[0][0] == total && counted[1][3] == total &&
	    counted[2][3] == total ? 0 : 1;
}
