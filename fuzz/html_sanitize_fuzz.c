/*
 * libFuzzer target for the HTML sanitizer: html_sanitize over the bytes
 * against a fixed base, then the sanitized output sanitized again (it must
 * stay as it is: the store re-reads what it wrote) and compared with what
 * html_sanitize_text's one pass gives.
 *
 *   fuzz/html_sanitize_fuzz -max_total_time=600 fuzz/corpus-html
 */
#include "fuzz_util.h"
#include "html.h"

#define BASE "http://example.org/feed/"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	char *once = html_sanitize((const char *)data, size, BASE);
	char *both = html_sanitize_text((const char *)data, size, BASE, &text);

	if (once != NULL && both != NULL && strcmp(once, both) != 0)
		abort();	/* the one-pass form must agree */
	free(text);
	free(both);
	free(once);
	return 0;
}
