#ifndef TIDINGS_MONO_H
#define TIDINGS_MONO_H
/*
 * Milliseconds on the monotonic clock, for deadlines and intervals that a
 * change of the wall clock (NTP, an operator's date) must not stretch or
 * cut short.
 */
#include <time.h>

static inline long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
