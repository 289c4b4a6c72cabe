#ifndef TIDINGS_LOG_H
#define TIDINGS_LOG_H
/*
 * Logging for the effectful modules (pure modules return errors instead).
 * log_warn appends strerror(errno); log_warnx does not.  fatal/fatalx log
 * and exit(1).  Under systemd (JOURNAL_STREAM set, or log_init asked for it)
 * each line starts with a <N> syslog priority that journald understands.
 * A message about a feed starts with the feed's name.
 */
enum log_level { LOG_LVL_ERR = 3, LOG_LVL_WARN = 4, LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6, LOG_LVL_DEBUG = 7 };

/* verbosity: messages above this level are dropped (default LOG_LVL_NOTICE);
 * prefix: 1 = <N> prefixes, 0 = plain, -1 = decide from JOURNAL_STREAM. */
void log_init(int verbosity, int prefix);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
