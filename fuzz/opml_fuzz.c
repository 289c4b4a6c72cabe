/*
 * libFuzzer target for OPML import: opml_import over the bytes, then the
 * feeds imported exported again as OPML.
 *
 *   fuzz/opml_fuzz -max_total_time=600 fuzz/corpus-opml tests/data/opml
 */
#include "buf.h"
#include "feedlist.h"
#include "fuzz_util.h"
#include "opml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feedlist fl = { 0 };
	struct buf b = { 0 };
	size_t skipped = 0;
	char ebuf[256];

	if (opml_import((const char *)data, size, &fl, &skipped, ebuf,
	    sizeof(ebuf)) == 0)
		opml_export(&fl, "fuzz", &b, ebuf, sizeof(ebuf));
	buf_free(&b);
	feedlist_free(&fl);
	return 0;
}
