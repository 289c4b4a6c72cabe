/* Writes a database with the store of whatever version it is linked
 * against (v3.db, v4.db): see tests/data/store/README. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "article.h"
#include "err.h"
#include "ingest.h"
#include "store.h"
#include "xmalloc.h"

static struct article *
mk(const char *guid, const char *link, const char *title, const char *text)
{
	struct article *a = article_new();
	article_set(&a->guid, guid);
	article_set(&a->link, link);
	article_set(&a->title, title);
	article_set(&a->text, text);
	return a;
}

static void
go(struct store *st, int64_t f, struct article **v, size_t n, int64_t now, long max_count)
{
	struct ingest_opts o;
	struct ingest_result r;
	char ebuf[512];
	size_t i;

	memset(&o, 0, sizeof(o));
	o.now = now;
	o.max_count = max_count;
	if (ingest_articles(st, f, v, n, NULL, &o, &r, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "%s\n", ebuf);
		exit(1);
	}
	printf("new %ld upd %ld dup %ld unch %ld removed %ld\n", r.added, r.updated, r.duplicate, r.unchanged, r.removed);
	for (i = 0; i < n; i++)
		article_free(v[i]);
}

int
main(int argc, char **argv)
{
	struct store *st;
	char ebuf[512], wire[400], other[400];
	int64_t fa, fb, fc;
	struct article *v[4];
	const int64_t day = 1800000000;	/* 2027-01-15 08:00 UTC */

	if (store_open(argv[1], 0, &st, ebuf, sizeof(ebuf)) != ERR_OK)
		return fprintf(stderr, "%s\n", ebuf), 1;
	store_feed_ensure(st, "https://alpha.example/feed", "alpha", &fa, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "https://beta.example/feed", "beta", &fb, ebuf, sizeof(ebuf));
	store_feed_ensure(st, "https://gamma.example/feed", NULL, &fc, ebuf, sizeof(ebuf));
	snprintf(wire, sizeof(wire), "Wire story: the harbour bridge reopened on "
	    "Monday after three years of repairs, and commuters crossed it in a "
	    "steady stream from six in the morning while the mayor cut a ribbon "
	    "at the northern end and promised that the tolls would stay where "
	    "they are until the end of the decade.");
	snprintf(other, sizeof(other), "Orchestra news: the philharmonic announced "
	    "a season of forty concerts, with a cycle of symphonies in the "
	    "autumn, a festival of new music in the spring and free open air "
	    "performances in the park during the summer months, tickets on sale "
	    "from Friday at the box office.");
	v[0] = mk("alpha-1", "https://alpha.example/news/bridge", "Harbour bridge reopens", wire);
	v[1] = mk("alpha-2", "https://alpha.example/news/orchestra", "Philharmonic season", other);
	v[2] = mk("alpha-3", "https://alpha.example/news/short", "Short note", "Brief: the library opens late on Thursdays.");
	go(st, fa, v, 3, day, 0);
	/* the same wire story through another feed under another link: by fingerprint */
	v[0] = mk("beta-77", "https://beta.example/copy/77", "Harbour bridge reopens", wire);
	go(st, fb, v, 1, day + 3600, 0);
	/* an update of alpha-2 */
	v[0] = mk("alpha-1", "https://alpha.example/news/bridge", "Harbour bridge reopens", wire);
	v[1] = mk("alpha-2", "https://alpha.example/news/orchestra", "Philharmonic season announced", other);
	v[2] = mk("alpha-3", "https://alpha.example/news/short", "Short note", "Brief: the library opens late on Thursdays.");
	go(st, fa, v, 3, day + 7200, 0);
	/* gamma: two items, retention keeps one: the other is a tombstone */
	v[0] = mk("g-1", "https://gamma.example/1", "Gamma first", "Volcano erupts in the north, ash cloud over the valley.");
	v[1] = mk("g-2", "https://gamma.example/2", "Gamma second", "Election results are due on Sunday evening.");
	go(st, fc, v, 2, day + 7300, 0);
	v[0] = mk("g-2", "https://gamma.example/2", "Gamma second", "Election results are due on Sunday evening.");
	go(st, fc, v, 1, day + 7400, 1);
	store_close(st);
	return 0;
}
