/*
 * Exported articles per second through the real write path (render, temp
 * file, optional fsync, link, directory fsync), for the text, json and
 * maildir formats with fsync off, on (the default), and on with the
 * directory fsync batched, into a fresh directory under $TMPDIR (or the
 * directory given).  Built by `make bench`; not part of `make check`.
 *
 * usage: bench_export [-n ARTICLES] [DIR]
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "export.h"
#include "xmalloc.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct article *
make_article(int i)
{
	struct article *a = article_new();
	struct buf text = { 0 }, html = { 0 };
	char *s;
	int p;

	s = xasprintf("bench-%d", i);
	article_set(&a->id, s);
	free(s);
	s = xasprintf("Benchmark article number %d about something", i);
	article_set(&a->title, s);
	free(s);
	article_set(&a->author, "Bench Writer");
	article_set(&a->link, "https://example.org/news/12345-article");
	a->has_published = 1;
	a->published.utc = 1620302400 + i;
	a->published.tzoff = 180;
	/* About 3 KB of text: a typical news item. */
	for (p = 0; p < 8; p++) {
		buf_printf(&text, "%sParagraph %d of article %d. Lorem ipsum "
		    "dolor sit amet, consectetur adipiscing elit, sed do "
		    "eiusmod tempor incididunt ut labore et dolore magna "
		    "aliqua. Ut enim ad minim veniam, quis nostrud "
		    "exercitation ullamco laboris "
		    "nisi ut aliquip ex ea commodo consequat.", p ? "\n\n" : "",
		    p, i);
		buf_printf(&html, "<p>Paragraph %d of article %d. Lorem "
		    "ipsum dolor sit amet.</p>", p, i);
	}
	a->text = buf_detach(&text);
	a->content = buf_detach(&html);
	article_add_category(a, "Bench");
	return a;
}

/* sync: 0 = no fsync, 1 = fsync file and directory per article, 2 = fsync
 * each file, the directory once per BATCH articles (export_target_sync). */
#define BATCH	100

static int
run(const char *base, enum export_format f, int sync, int n,
    struct article **arts)
{
	struct export_target *t;
	struct export_item it;
	char ebuf[512], *dir;
	double t0, secs;
	int i;

	dir = xasprintf("%s/%s-%d", base, export_format_name(f), sync);
	if (mkdir(dir, 0755) == -1) {
		perror(dir);
		return 1;
	}
	t = export_target_new("bench", f, dir);
	t->s.fsync = sync != 0;
	t->defer_dirsync = sync == 2;
	t0 = now();
	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof(it));
		it.article = arts[i];
		it.feed_title = "Bench Feed";
		it.feed_url = "https://example.org/feed";
		it.identity = arts[i]->id;
		it.revision = 1;
		if (export_deliver(t, &it, ebuf, sizeof(ebuf)) != EXPORT_OK ||
		    ((i % BATCH == BATCH - 1 || i == n - 1) &&
		    export_target_sync(t, ebuf, sizeof(ebuf)) != EXPORT_OK)) {
			fprintf(stderr, "bench: %s\n", ebuf);
			return 1;
		}
	}
	secs = now() - t0;
	printf("%-8s fsync=%-5s %6d articles  %8.3f s  %10.0f articles/s\n",
	    export_format_name(f), sync == 0 ? "off" : sync == 1 ? "on" :
	    "batch", n, secs, (double)n / secs);
	export_target_free(t);
	free(dir);
	return 0;
}

int
main(int argc, char **argv)
{
	struct article **arts;
	char base[512], *cmd;
	const char *tmp = getenv("TMPDIR");
	int n = 2000, c, i, rc = 0;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c == 'n')
			n = atoi(optarg);
		else {
			fprintf(stderr, "usage: bench_export [-n N] [DIR]\n");
			return 2;
		}
	}
	snprintf(base, sizeof(base), "%s/bench_export.XXXXXX",
	    optind < argc ? argv[optind] : tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror(base);
		return 1;
	}
	arts = xcalloc((size_t)n, sizeof(*arts));
	for (i = 0; i < n; i++)
		arts[i] = make_article(i);
	printf("into %s\n", base);
	for (c = 0; c <= 2; c++) {
		rc |= run(base, EXPORT_FMT_TEXT, c, n, arts);
		rc |= run(base, EXPORT_FMT_JSON, c, n, arts);
		rc |= run(base, EXPORT_FMT_MAILDIR, c, n, arts);
	}
	for (i = 0; i < n; i++)
		article_free(arts[i]);
	free(arts);
	cmd = xasprintf("rm -rf '%s'", base);
	if (system(cmd) != 0)
		rc = 1;
	free(cmd);
	return rc;
}
