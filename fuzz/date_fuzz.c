/*
 * libFuzzer target for dates: date_parse over the bytes, and every date it
 * accepts formatted back in UTC, in its own offset and through strftime
 * (what the exports do with it).
 *
 *   fuzz/date_fuzz -max_total_time=600 fuzz/corpus-date
 */
#include "date.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct date_time t;
	char out[64];
	char *s = fuzz_cstr(data, size);

	if (date_parse(s, &t) == 0) {
		date_format_utc(t.utc, out, sizeof(out));
		date_format_local(&t, out, sizeof(out));
		date_strftime_local(&t, "%a, %d %b %Y %H:%M:%S %z", out,
		    sizeof(out));
	}
	free(s);
	return 0;
}
