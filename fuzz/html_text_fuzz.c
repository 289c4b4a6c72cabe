/*
 * libFuzzer target for the text renderer: html_to_text over the bytes,
 * and the unescape, escape and looks-like-HTML helpers the renderer and
 * the text export use.
 *
 *   fuzz/html_text_fuzz -max_total_time=600 fuzz/corpus-html
 */
#include "fuzz_util.h"
#include "html.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *t = html_to_text(s, size);
	char *u = html_unescape(s, size);
	char *e = html_escape(s, size, (size & 1) != 0);

	(void)html_looks_like_html(s, size);
	free(e);
	free(u);
	free(t);
	return 0;
}
