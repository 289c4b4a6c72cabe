/*
 * filter_bench: the cost of a filter rule (filter.h) over one long field,
 * against the same expression run by regexec unanchored (what a filter
 * that passes the pattern to regcomp as written does).  Prints ms per
 * article for each pattern and text size, and the ratio where both ran.
 *
 *     make bench && bench/filter_bench
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "filter.h"
#include "xmalloc.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(void)
{
	static const char *const pats[] = { "(a|aa)*c", "(a+)+b", "x.*y",
	    "([a-z]+ )+[0-9]", NULL };
	static const size_t sizes[] = { 4096, 16384, 1048576 };
	/* unanchored regexec is quadratic: only the small sizes */
	static const size_t peer_max = 16384;
	struct article a;
	struct filter *f;
	regex_t re;
	char rule[64], why[256], *text;
	double t0, ours, peer;
	size_t i, k;

	memset(&a, 0, sizeof(a));
	printf("%-18s %9s %12s %14s %8s\n", "pattern", "bytes", "filter ms",
	    "unanchored ms", "ratio");
	for (i = 0; pats[i] != NULL; i++) {
		f = filter_new();
		snprintf(rule, sizeof(rule), "text:/%s/", pats[i]);
		if (filter_add(f, 0, rule, NULL, why, sizeof(why)) != 0) {
			fprintf(stderr, "%s\n", why);
			return 1;
		}
		regcomp(&re, pats[i], REG_EXTENDED | REG_ICASE | REG_NOSUB);
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			text = xmalloc(sizes[k] + 1);
			memset(text, 'a', sizes[k]);
			text[sizes[k]] = '\0';
			a.text = text;
			t0 = now_ms();
			(void)filter_drops(f, &a, why, sizeof(why));
			ours = now_ms() - t0;
			if (sizes[k] <= peer_max) {
				t0 = now_ms();
				(void)regexec(&re, text, 0, NULL, 0);
				peer = now_ms() - t0;
				printf("%-18s %9zu %12.2f %14.2f %8.0f\n", pats[i],
				    sizes[k], ours, peer,
				    peer / (ours > 0.001 ? ours : 0.001));
			} else
				printf("%-18s %9zu %12.2f %14s %8s\n", pats[i],
				    sizes[k], ours, "-", "-");
			free(text);
		}
		regfree(&re);
		filter_free(f);
	}
	return 0;
}
