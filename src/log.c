#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int log_verbosity = LOG_LVL_NOTICE;
static int log_prefix;

void
log_init(int verbosity, int prefix)
{
	log_verbosity = verbosity;
	if (prefix < 0)
		prefix = getenv("JOURNAL_STREAM") != NULL;
	log_prefix = prefix;
}

static void
vlog(int level, const char *errstr, const char *fmt, va_list ap)
{
	char msg[4096];

	if (level > log_verbosity)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One fprintf per line, so concurrent writers do not interleave. */
	if (log_prefix)
		fprintf(stderr, "<%d>%s%s%s\n", level, msg, errstr ? ": " : "",
		    errstr ? errstr : "");
	else
		fprintf(stderr, "tidings: %s%s%s\n", msg, errstr ? ": " : "",
		    errstr ? errstr : "");
}

#define LOG_FN(name, level, witherr)				\
void								\
name(const char *fmt, ...)					\
{								\
	int saved = errno;					\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	vlog(level, witherr ? strerror(saved) : NULL, fmt, ap);	\
	va_end(ap);						\
	errno = saved;						\
}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_notice, LOG_LVL_NOTICE, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
