/*
 * Extraction throughput in one process: every page given is read into
 * memory once, then extract_page() runs over all of them --rounds times;
 * prints pages/s, MB/s, the CPU time, the peak RSS and the largest page.
 * Not a test.  bench/extract_bench.py runs it beside readability-lxml.
 *
 *   make bench && bench/extract_bench [--rounds N] [--url URL] PAGE...
 */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "extract.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	const char *url = "http://fakehost/test/page.html";
	struct buf *pages;
	struct rusage ru;
	size_t npages = 0, total = 0, biggest = 0, i, withtext = 0;
	int rounds = 5, r, a;
	double t0, c0, t, c;
	long rss_before;

	pages = calloc((size_t)argc, sizeof(*pages));
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
			rounds = atoi(argv[++a]);
			continue;
		}
		if (strcmp(argv[a], "--url") == 0 && a + 1 < argc) {
			url = argv[++a];
			continue;
		}
		if (buf_read_file(&pages[npages], argv[a]) != 0) {
			fprintf(stderr, "extract_bench: cannot read %s\n", argv[a]);
			return 1;
		}
		total += pages[npages].len;
		if (pages[npages].len > biggest)
			biggest = pages[npages].len;
		npages++;
	}
	if (npages == 0 || rounds < 1) {
		fprintf(stderr, "usage: extract_bench [--rounds N] [--url URL] PAGE...\n");
		return 2;
	}
	getrusage(RUSAGE_SELF, &ru);
	rss_before = ru.ru_maxrss;
	t0 = now();
	c0 = cpu();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < npages; i++) {
			struct extract_result res;
			char ebuf[256];

			extract_page(pages[i].data, pages[i].len, url, NULL, &res,
			    ebuf, sizeof(ebuf));
			if (r == 0 && res.text != NULL)
				withtext++;
			extract_result_clear(&res);
		}
	t = now() - t0;
	c = cpu() - c0;
	getrusage(RUSAGE_SELF, &ru);
	printf("pages %zu x %d rounds, %.1f MB a round, %zu with an article\n",
	    npages, rounds, (double)total / 1e6, withtext);
	printf("wall %.3f s: %.0f pages/s, %.1f MB/s\n", t,
	    (double)npages * rounds / t, (double)total * rounds / 1e6 / t);
	printf("cpu  %.3f s: %.0f pages/s per CPU second\n", c,
	    (double)npages * rounds / c);
	printf("peak RSS %.1f MB (%.1f MB before extracting; the pages "
	    "themselves %.1f MB), largest page %.2f MB\n",
	    (double)ru.ru_maxrss / 1024, (double)rss_before / 1024,
	    (double)total / 1e6, (double)biggest / 1e6);
	for (i = 0; i < npages; i++)
		buf_free(&pages[i]);
	free(pages);
	return 0;
}
