#include "metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "xmalloc.h"

static const char *const feed_states[METRICS_NSTATES] = {
	[METRICS_FEED_OK] = "ok",
	[METRICS_FEED_FAILING] = "failing",
	[METRICS_FEED_RETIRED] = "retired",
	[METRICS_FEED_DISABLED] = "disabled",
};

static void
head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline are escaped. */
static void
label(struct buf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			buf_puts(b, "\\\\");
		else if (*v == '"')
			buf_puts(b, "\\\"");
		else if (*v == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *v);
	}
}

static void
target_line(struct buf *b, const char *metric, const char *target,
    long long v)
{
	buf_printf(b, "%s{target=\"", metric);
	label(b, target);
	buf_printf(b, "\"} %lld\n", v);
}

void
metrics_format(const struct metrics *m, struct buf *b)
{
	static const struct tally zero;
	const struct tally *t = m->total != NULL ? m->total : &zero;
	size_t i;
	int r;

	head(b, "tidings_feeds", "gauge", "Configured feeds by state.");
	for (r = 0; r < METRICS_NSTATES; r++)
		buf_printf(b, "tidings_feeds{state=\"%s\"} %ld\n",
		    feed_states[r], m->feeds[r]);
	head(b, "tidings_fetches_total", "counter",
	    "Checks of feeds by result class.");
	for (r = 0; r < TALLY_NRESULTS; r++)
		buf_printf(b, "tidings_fetches_total{result=\"%s\"} %ld\n",
		    tally_result_name((enum tally_result)r), t->results[r]);
	head(b, "tidings_fetch_bytes_total", "counter",
	    "Bytes of feed documents received, after decompression.");
	buf_printf(b, "tidings_fetch_bytes_total %llu\n", t->bytes);
	head(b, "tidings_articles_total", "counter",
	    "Articles stored, by outcome.");
	buf_printf(b, "tidings_articles_total{outcome=\"new\"} %ld\n"
	    "tidings_articles_total{outcome=\"updated\"} %ld\n"
	    "tidings_articles_total{outcome=\"duplicate\"} %ld\n",
	    t->added, t->updated, t->duplicate);
	head(b, "tidings_exported_total", "counter",
	    "Outbox events export targets delivered or filtered out.");
	buf_printf(b, "tidings_exported_total %ld\n", t->exported);
	head(b, "tidings_cycles_total", "counter", "Cycles completed.");
	buf_printf(b, "tidings_cycles_total %ld\n", m->cycles);
	if (m->ntargets > 0) {
		head(b, "tidings_export_pending", "gauge",
		    "Articles waiting to be exported, by target.");
		for (i = 0; i < m->ntargets; i++)
			target_line(b, "tidings_export_pending",
			    m->targets[i].name, m->targets[i].pending);
		head(b, "tidings_export_oldest_pending_age_seconds", "gauge",
		    "Age of the oldest article waiting, by target.");
		for (i = 0; i < m->ntargets; i++) {
			int64_t o = m->targets[i].oldest;

			target_line(b,
			    "tidings_export_oldest_pending_age_seconds",
			    m->targets[i].name, o > 0 && m->now > o ?
			    (long long)(m->now - o) : 0);
		}
	}
	if (m->cycle_end > 0) {
		head(b, "tidings_cycle_duration_seconds", "gauge",
		    "Duration of the last cycle.");
		buf_printf(b, "tidings_cycle_duration_seconds %ld.%03ld\n",
		    m->cycle_ms / 1000, m->cycle_ms % 1000);
		head(b, "tidings_last_cycle_timestamp_seconds", "gauge",
		    "When the last cycle ended.");
		buf_printf(b, "tidings_last_cycle_timestamp_seconds %lld\n",
		    (long long)m->cycle_end);
	}
	if (t->last_success > 0) {
		head(b, "tidings_last_success_timestamp_seconds", "gauge",
		    "When a check of a feed last succeeded.");
		buf_printf(b, "tidings_last_success_timestamp_seconds %lld\n",
		    (long long)t->last_success);
	}
	head(b, "tidings_start_time_seconds", "gauge",
	    "When the daemon started.");
	buf_printf(b, "tidings_start_time_seconds %lld\n",
	    (long long)m->started);
	if (m->node != NULL) {
		head(b, "tidings_node_info", "gauge",
		    "This daemon's node name (always 1).");
		buf_puts(b, "tidings_node_info{node=\"");
		label(b, m->node);
		buf_puts(b, "\"} 1\n");
		head(b, "tidings_node_claims", "gauge",
		    "Feeds this daemon held claims on at its last heartbeat.");
		buf_printf(b, "tidings_node_claims %ld\n", m->claims);
		head(b, "tidings_node_heartbeat_timestamp_seconds", "gauge",
		    "This daemon's last heartbeat in the database.");
		buf_printf(b, "tidings_node_heartbeat_timestamp_seconds %lld\n",
		    (long long)m->heartbeat);
	}
}

int
metrics_write(const char *path, const char *text, size_t len, char *ebuf,
    size_t n)
{
	char *tmp;
	size_t off = 0;
	ssize_t w;
	int fd, e;

	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		e = errno;
		free(tmp);
		return err_set(ebuf, n, ERR_IO, "metrics_file %s: %s", path,
		    strerror(e));
	}
	/* mkstemp makes it 0600: the collector runs as another user */
	if (fchmod(fd, 0644) == -1)
		goto fail;
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return ERR_OK;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err_set(ebuf, n, ERR_IO, "metrics_file %s: %s", path,
	    strerror(e));
}
