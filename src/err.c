#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int
err_set(char *ebuf, size_t n, int code, const char *fmt, ...)
{
	va_list ap;

	if (ebuf != NULL && n > 0) {
		va_start(ap, fmt);
		vsnprintf(ebuf, n, fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *
err_name(int code)
{
	switch (code) {
	case ERR_OK: return "ok";
	case ERR_INVALID: return "invalid";
	case ERR_PARSE: return "parse";
	case ERR_IO: return "io";
	case ERR_DB: return "database";
	case ERR_LIMIT: return "limit";
	case ERR_NOTFOUND: return "not found";
	case ERR_NET: return "network";
	}
	return "unknown";
}
