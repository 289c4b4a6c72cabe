/*
 * A main for the fuzz targets without libFuzzer: runs the target once on
 * each file named, so that `make check` (any compiler, with the
 * sanitizers when configured so) replays the inputs that once crashed,
 * kept under tests/data/fuzz/TARGET/ (tests/e2e_fuzz_replay.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_util.h"

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		char *data = NULL;
		size_t len = 0, cap = 0, got;

		if (fp == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap) {
				cap = cap ? cap * 2 : 65536;
				if ((data = realloc(data, cap)) == NULL)
					abort();
			}
			got = fread(data + len, 1, cap - len, fp);
			len += got;
		} while (got > 0);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		printf("ok: %s\n", argv[i]);
	}
	return 0;
}
