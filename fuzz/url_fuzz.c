/*
 * libFuzzer target for URL handling: the input is a base and a reference
 * separated by the first NUL (or newline); the reference is resolved
 * against the base, the result canonicalised, its host and user
 * information taken apart, and the same questions asked of the base.
 *
 *   fuzz/url_fuzz -max_total_time=600 fuzz/corpus-url
 */
#include "fuzz_util.h"
#include "html.h"
#include "url.h"

static void
probe(const char *u)
{
	char *userinfo = NULL;
	char *c = url_canonical(u);
	char *h = url_host(u);
	char *s = url_strip_userinfo(u, &userinfo);
	char *up = userinfo != NULL ? url_userinfo_decode(userinfo) : NULL;

	(void)url_has_scheme(u, "http,https,file");
	(void)html_url_allowed(u);
	free(up);
	free(userinfo);
	free(s);
	free(h);
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *base, *ref, *r;

	fuzz_split(s, size, &base, &ref);
	r = url_resolve(base, ref);
	if (r != NULL)
		probe(r);
	probe(base);
	free(r);
	free(s);
	return 0;
}
