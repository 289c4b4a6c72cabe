/*
 * libFuzzer target for the main configuration file: conf_parse over the
 * bytes, as if they were tidings.conf, every diagnostic collected.
 *
 *   fuzz/conf_fuzz -max_total_time=600 fuzz/corpus-conf etc tests/data/conf
 */
#include "conf.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	struct conf_diag d = { 0 };
	char *s = fuzz_cstr(data, size);

	conf_init(&c);
	conf_parse(&c, "/fuzz/tidings.conf", s, size, &d);
	conf_free(&c);
	conf_diag_free(&d);
	free(s);
	return 0;
}
