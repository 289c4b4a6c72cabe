/*
 * libFuzzer target for feed discovery in a web page (discover.h): the
 * input is the page's URL and its HTML, separated by the first NUL (or
 * newline).  The page is read as the server's UTF-8, then with no
 * charset, at most 16 candidates each; the YouTube mapping is asked of
 * the URL with the page's first line as a channel id.
 *
 *   fuzz/discover_fuzz -max_total_time=600 fuzz/corpus-discover
 */
#include "fuzz_util.h"
#include "discover.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *url, *html, *yt, ebuf[256];
	struct discover_list l = { 0 };

	fuzz_split(s, size, &url, &html);
	(void)discover_page(html, strlen(html), "utf-8", url, 16, &l, ebuf,
	    sizeof(ebuf));
	discover_list_free(&l);
	(void)discover_page(html, size - (size_t)(html - s), NULL, url, 16, &l,
	    ebuf, sizeof(ebuf));
	discover_list_free(&l);
	yt = discover_youtube_feed(url, html);
	free(yt);
	free(s);
	return 0;
}
