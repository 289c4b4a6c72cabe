/*
 * tidings add: finds the feeds of a site (probe.h) and appends one to a
 * feed list, the [daemon] add_file (default feeds.d/added.conf).
 *
 * The file is rewritten whole: the new contents go to a temporary file
 * in the same directory, which is fsync'ed and renamed over the list,
 * then the directory is fsync'ed, all under an flock(2) of the directory
 * so that two `tidings add` at once both land.  A daemon reloading at
 * any moment reads the old list or the new one, never half a line, and
 * a crash leaves one of the two.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "date.h"
#include "err.h"
#include "feedlist.h"
#include "probe.h"
#include "url.h"
#include "xmalloc.h"

#define ADD_MAX_CANDIDATES	10
#define ADD_TIMEOUT		15	/* seconds per transfer at most */
#define ADD_MAX_LIST		(16u * 1024 * 1024)

#define ADD_HEADER \
	"# Feeds added by `tidings add` (tidings(1)): one feed per line, as\n" \
	"# in any feed list (tidings.conf(5)).  Edit freely.\n"

/* The form two URLs are compared in: user information and fragment
 * dropped, scheme and host in lower case, http and https alike, the
 * default port dropped, an empty path as "/".  A new string. */
static char *
norm_url(const char *url)
{
	char *s = url_strip_userinfo(url, NULL), *p, *auth, *out;
	size_t alen, i;
	struct buf b = { 0 };

	if ((p = strstr(s, "://")) == NULL)
		return s;
	for (i = 0; s + i < p; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	auth = p + 3;
	alen = strcspn(auth, "/?#");
	for (i = 0; i < alen; i++)
		auth[i] = (char)tolower((unsigned char)auth[i]);
	*p = '\0';
	buf_puts(&b, strcmp(s, "https") == 0 ? "http" : s);
	buf_puts(&b, "://");
	if (alen > 3 && strncmp(auth + alen - 3, ":80", 3) == 0 &&
	    (strcmp(s, "http") == 0))
		buf_append(&b, auth, alen - 3);
	else if (alen > 4 && strncmp(auth + alen - 4, ":443", 4) == 0 &&
	    strcmp(s, "https") == 0)
		buf_append(&b, auth, alen - 4);
	else
		buf_append(&b, auth, alen);
	auth += alen;
	auth[strcspn(auth, "#")] = '\0';
	if (*auth != '/')
		buf_puts(&b, "/");
	buf_puts(&b, auth);
	out = buf_detach(&b);
	free(s);
	return out;
}

/* The listed feed whose URL is url's, compared as norm_url says. */
static const struct feedlist_feed *
listed(const struct feedlist *fl, const char *url)
{
	char *a, *b;
	size_t i;
	const struct feedlist_feed *f = NULL;

	if (url == NULL)
		return NULL;
	a = norm_url(url);
	for (i = 0; i < fl->n && f == NULL; i++) {
		b = norm_url(fl->feeds[i].url);
		if (strcmp(a, b) == 0)
			f = &fl->feeds[i];
		free(b);
	}
	free(a);
	return f;
}

static const struct feedlist_feed *
cand_listed(const struct feedlist *fl, const struct probe_candidate *c)
{
	const struct feedlist_feed *f = listed(fl, c->url);

	return f != NULL ? f : listed(fl, c->final_url);
}

/* " key=value" for one argument, the value quoted when the feed-list
 * syntax needs it.  -1 for an argument that is no key=value or holds a
 * control character. */
static int
add_option(struct buf *b, const char *arg)
{
	const char *eq = strchr(arg, '='), *v, *p;

	if (eq == NULL || eq == arg)
		return -1;
	for (p = arg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
	buf_putc(b, ' ');
	buf_append(b, arg, (size_t)(eq - arg) + 1);
	v = eq + 1;
	if (*v != '\0' && strpbrk(v, " \t#\"\\") == NULL) {
		buf_puts(b, v);
		return 0;
	}
	buf_putc(b, '"');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
	return 0;
}

/* Checks "url opts" as the feed-list parser will read it from file.
 * Prints why not and returns -1. */
static int
check_line(const char *file, const char *line)
{
	struct feedlist one = { 0 };
	struct conf_diag d = { 0 };
	int rv = 0;

	if (feedlist_parse_line(&one, file, 1, line, &d) != ERR_OK ||
	    d.n > 0) {
		cmd_print_diag(&d);
		rv = -1;
	}
	conf_diag_free(&d);
	feedlist_free(&one);
	return rv;
}

static void
print_candidate(const struct probe_candidate *c, size_t num,
    const struct feedlist *fl)
{
	const struct feedlist_feed *f = cand_listed(fl, c);
	char when[32] = "none dated", *a, *b;

	if (c->last > 0)
		date_format_utc(c->last, when, sizeof(when));
	printf("[%zu] %s\n", num, c->url);
	if (c->final_url != NULL) {
		a = norm_url(c->url);
		b = norm_url(c->final_url);
		if (strcmp(a, b) != 0)
			printf("    redirects to %s\n", c->final_url);
		free(a);
		free(b);
	}
	printf("    title: %s\n    format: %s, %zu item%s, last item: %s\n",
	    c->title != NULL ? c->title : "(none)", c->format, c->nitems,
	    c->nitems == 1 ? "" : "s", when);
	printf("    found: %s%s%s%s\n", strcmp(c->source, "given") == 0 ?
	    "the URL itself" : strcmp(c->source, "link") == 0 ?
	    "<link rel=\"alternate\">" : strcmp(c->source, "youtube") == 0 ?
	    "the YouTube channel's feed" : "a usual path",
	    c->link_title != NULL ? " \"" : "",
	    c->link_title != NULL ? c->link_title : "",
	    c->link_title != NULL ? "\"" : "");
	if (f != NULL)
		printf("    already listed at %s:%d\n", f->file, f->line);
}

/* Asks which candidate to add (1..n).  0 for none. */
static size_t
ask(size_t n)
{
	char line[64];
	char *end;
	unsigned long v;

	for (;;) {
		printf("Add which feed? [1-%zu, Enter: 1, q: none] ", n);
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return 0;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			return 1;
		if (line[0] == 'q' || line[0] == 'Q' || line[0] == 'n')
			return 0;
		errno = 0;
		v = strtoul(line, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 1 && v <= n)
			return v;
	}
}

/* The number of the line that starts at offset off of s. */
static int
line_at(const char *s, size_t off)
{
	int n = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (s[i] == '\n')
			n++;
	return n;
}

static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (sl == NULL)
		return xstrdup(".");
	if (sl == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(sl - path));
}

/* Appends line to the list at path (see the top of the file); *lineno
 * gets its line number.  Returns 0, or -1 after printing why. */
static int
append_line(const char *path, const char *line, int *lineno)
{
	struct buf b = { 0 };
	struct stat st;
	char *dir = dir_of(path), *tmp = NULL, *old = NULL, ebuf[512];
	size_t oldlen = 0, off;
	mode_t mode = 0644;
	int dfd = -1, fd = -1, rv = -1;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "tidings add: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(dfd, LOCK_EX) == -1) {
		fprintf(stderr, "tidings add: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
		if (cmd_read_file(path, ADD_MAX_LIST, &old, &oldlen, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings add: %s\n", ebuf);
			goto out;
		}
		buf_append(&b, old, oldlen);
		if (oldlen > 0 && old[oldlen - 1] != '\n')
			buf_putc(&b, '\n');
	} else if (errno == ENOENT) {
		buf_puts(&b, ADD_HEADER);
	} else {
		fprintf(stderr, "tidings add: %s: %s\n", path, strerror(errno));
		goto out;
	}
	off = b.len;
	buf_puts(&b, line);
	buf_putc(&b, '\n');
	*lineno = line_at(b.data, off);

	tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		fprintf(stderr, "tidings add: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	(void)fchmod(fd, mode);
	off = 0;
	while (off < b.len) {
		ssize_t w = write(fd, b.data + off, b.len - off);

		if (w <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < b.len || fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		fprintf(stderr, "tidings add: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		fprintf(stderr, "tidings add: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	(void)fsync(dfd);
	rv = 0;
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	free(tmp);
	free(old);
	free(dir);
	buf_free(&b);
	return rv;
}

static void
say_reload(void)
{
	printf("The daemon was not reloaded: tidings keeps no pid file, so "
	    "`tidings add` does\nnot look for one.  To fetch the new feed "
	    "now, reload it:\n    systemctl reload tidings     (the "
	    "service)\n    kill -HUP PID                (a `tidings daemon` "
	    "started by hand)\nOtherwise it is read at the next start or "
	    "reload.\n");
}

struct add_args {
	const char	*conf, *feeds, *file, *url;
	int		 dry_run, yes;
	long		 pick;
	struct buf	 opts;	/* " key=value..." as the list holds them */
};

static int
parse_args(int argc, char **argv, struct add_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds", required_argument, NULL, 'f' },
		{ "file", required_argument, NULL, 'F' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "pick", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch, i;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:ny", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->conf = optarg; break;
		case 'f': a->feeds = optarg; break;
		case 'F': a->file = optarg; break;
		case 'n': a->dry_run = 1; break;
		case 'y': a->yes = 1; break;
		case 'p':
			errno = 0;
			a->pick = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || a->pick < 1)
				return cmd_usage("add");
			break;
		default:
			return cmd_usage("add");
		}
	}
	if (optind >= argc)
		return cmd_usage("add");
	a->url = argv[optind];
	if (strpbrk(a->url, " \t\r\n\"") != NULL) {
		fprintf(stderr, "tidings add: %s: white space or a quote in "
		    "a URL\n", a->url);
		return 2;
	}
	for (i = optind + 1; i < argc; i++)
		if (add_option(&a->opts, argv[i]) != 0) {
			fprintf(stderr, "tidings add: \"%s\": not a key=value "
			    "feed-list option\n", argv[i]);
			return cmd_usage("add");
		}
	return 0;
}

/* Writes (or with --dry-run shows) the line for candidate c. */
static int
write_feed(const struct add_args *a, const struct conf *cf,
    const struct feedlist *fl, const char *file,
    const struct probe_candidate *c)
{
	const struct feedlist_feed *f = cand_listed(fl, c);
	char *line;
	int lineno = 0, rv = 1;

	if (f != NULL) {
		printf("%s is already listed at %s:%d: nothing written\n",
		    c->url, f->file, f->line);
		return 0;
	}
	line = xasprintf("%s%s", c->url, a->opts.data != NULL ?
	    a->opts.data : "");
	if (check_line(file, line) != 0) {
		rv = 2;
		goto out;
	}
	if (a->dry_run) {
		printf("would append to %s:\n%s\n", file, line);
		rv = 0;
		goto out;
	}
	if (append_line(file, line, &lineno) != 0)
		goto out;
	printf("added %s:%d: %s\n", file, lineno, line);
	if (a->feeds == NULL && fnmatch(cf->feeds_glob, file, FNM_PATHNAME) != 0)
		printf("note: %s is not among the feed lists the configuration "
		    "reads ([daemon] feeds = %s)\n", file, cf->feeds_glob);
	say_reload();
	rv = 0;
out:
	free(line);
	return rv;
}

int
cmd_add(int argc, char **argv)
{
	struct add_args a = { 0 };
	struct conf cf;
	struct feedlist fl = { 0 };
	struct probe_opts po = { 0 };
	struct probe_result pr = { 0 };
	const struct feedlist_feed *f;
	const char *file;
	char ebuf[512], *line;
	size_t i, nfound = 0, *found = NULL, choice = 0;
	int rv;

	if ((rv = parse_args(argc, argv, &a)) != 0)
		goto done;
	if (cmd_load(a.conf, a.feeds, &cf, &fl) != ERR_OK) {
		fprintf(stderr, "tidings add: the configuration has errors "
		    "(see tidings check-config): nothing added\n");
		rv = 1;
		goto out;
	}
	file = a.file != NULL ? a.file : cf.add_file;
	/* the options first, before anything goes out */
	line = xasprintf("%s%s", a.url, a.opts.data ? a.opts.data : "");
	rv = check_line(file, line) != 0 ? 2 : 0;
	free(line);
	if (rv != 0)
		goto out;
	if ((f = listed(&fl, a.url)) != NULL) {
		printf("%s is already listed at %s:%d: nothing written\n",
		    a.url, f->file, f->line);
		goto out;
	}

	po.fetch = &cf.fetch;
	po.allow_private = cf.allow_private;
	po.max_candidates = ADD_MAX_CANDIDATES;
	po.timeout = ADD_TIMEOUT;
	if ((rv = probe_url(&po, a.url, &pr, ebuf, sizeof(ebuf))) != ERR_OK) {
		fprintf(stderr, "tidings add: %s\n", ebuf);
		rv = rv == ERR_INVALID ? 2 : 1;
		goto out;
	}
	found = xreallocarray(NULL, pr.n + 1, sizeof(*found));
	for (i = 0; i < pr.n; i++)
		if (pr.c[i].ok && pr.c[i].same_as < 0) {
			found[nfound++] = i;
			print_candidate(&pr.c[i], nfound, &fl);
		}
	for (i = 0; i < pr.n; i++)
		if (!pr.c[i].ok && strcmp(pr.c[i].source, "path") != 0)
			printf("not a feed: %s (%s): %s\n", pr.c[i].url,
			    pr.c[i].source, pr.c[i].error);
	if (nfound == 0) {
		fprintf(stderr, "tidings add: no feed found at %s (looked "
		    "at %zu candidate%s: the page's feed links, the usual "
		    "paths)\n", a.url, pr.n, pr.n == 1 ? "" : "s");
		rv = 1;
		goto out;
	}
	if (a.pick > 0) {
		if ((size_t)a.pick > nfound) {
			fprintf(stderr, "tidings add: --pick %ld: there %s "
			    "%zu feed%s\n", a.pick, nfound == 1 ? "is" : "are",
			    nfound, nfound == 1 ? "" : "s");
			rv = 2;
			goto out;
		}
		choice = (size_t)a.pick;
	} else if (a.yes)
		choice = 1;
	else if (isatty(STDIN_FILENO))
		choice = ask(nfound);
	else {
		printf("nothing written: add the %s with --yes%s\n",
		    nfound == 1 ? "feed" : "first", nfound == 1 ? "" :
		    ", another with --pick N");
		goto out;
	}
	if (choice == 0) {
		printf("nothing written\n");
		goto out;
	}
	rv = write_feed(&a, &cf, &fl, file, &pr.c[found[choice - 1]]);
out:
	free(found);
	probe_result_free(&pr);
	feedlist_free(&fl);
	conf_free(&cf);
done:
	buf_free(&a.opts);
	return rv;
}
