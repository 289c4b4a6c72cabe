/*
 * libFuzzer target for feed lists: feedlist_parse over the bytes, then
 * every feed parsed is formatted back as a line and parsed again (the
 * round trip `tidings feeds` and OPML export rely on).
 *
 *   fuzz/feedlist_fuzz -max_total_time=600 fuzz/corpus-feedlist etc/feeds.d
 */
#include "buf.h"
#include "conf.h"
#include "feedlist.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feedlist fl = { 0 }, again = { 0 };
	struct conf_diag d = { 0 };
	struct buf b = { 0 };
	char *s = fuzz_cstr(data, size);
	size_t i;

	feedlist_parse(&fl, "/fuzz/feeds.conf", s, size, &d);
	for (i = 0; i < fl.n; i++)
		feedlist_format(&fl.feeds[i], &b);
	if (b.len > 0)
		feedlist_parse(&again, "/fuzz/again.conf", b.data, b.len, &d);
	buf_free(&b);
	feedlist_free(&again);
	feedlist_free(&fl);
	conf_diag_free(&d);
	free(s);
	return 0;
}
