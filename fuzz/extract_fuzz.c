/*
 * libFuzzer target for the extract step: page bytes in, the article out.
 * The last byte picks a declared charset (none, or one of a few the web
 * uses), so that the charset paths are fuzzed as well as the HTML ones.
 *
 *   ./configure CC=clang --enable-fuzz --enable-sanitizers && make fuzz/extract_fuzz
 *   fuzz/extract_fuzz -max_total_time=1800 fuzz/extract-corpus \
 *       tests/data/extraction/readability/<page> examples
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, NULL, NULL, NULL,
		"utf-8", "windows-1251", "koi8-u", "utf-16", "shift_jis",
		"iso-8859-1", "gb18030", "bogus" };
	struct extract_result r;
	const char *cs = NULL;
	char ebuf[256];

	if (size > 0)
		cs = charsets[data[size - 1] % (sizeof(charsets) / sizeof(charsets[0]))];
	extract_page((const char *)data, size, "http://example.org/a/b.html",
	    cs, &r, ebuf, sizeof(ebuf));
	extract_result_clear(&r);
	return 0;
}
