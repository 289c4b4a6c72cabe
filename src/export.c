#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "export.h"
#include "filter.h"
#include "export_int.h"
#include "log.h"
#include "mono.h"
#include "xmalloc.h"

extern char **environ;

#define TMP_PREFIX	".tidings."
#define TMP_SUFFIX	".tmp"
#define MAILDIR_SUFFIX	".tidings"

/* What put_file makes durable before it returns. */
#define SYNC_FILE	1	/* the file's bytes, before it gets its name */
#define SYNC_DIR	2	/* the directory entry */

struct export_job {
	struct export_target	*target;
	pid_t			 pid;
	long long		 deadline_ms;	/* CLOCK_MONOTONIC */
	int			 status;	/* -1 while running */
	struct export_req	*req;		/* webhook; NULL: exec */
};

const char *
export_status_name(enum export_status st)
{
	switch (st) {
	case EXPORT_OK: return "ok";
	case EXPORT_ENODIR: return "directory missing";
	case EXPORT_EACCES: return "directory not writable";
	case EXPORT_EFULL: return "file system full";
	case EXPORT_ECOLLISION: return "name collision";
	case EXPORT_EIO: return "i/o error";
	case EXPORT_EEXEC: return "command failed";
	case EXPORT_ETIMEOUT: return "command timed out";
	case EXPORT_EBUSY: return "busy";
	case EXPORT_EINVAL: return "invalid item";
	case EXPORT_EHTTP: return "receiver failed";
	case EXPORT_EREJECTED: return "rejected by the receiver";
	case EXPORT_ESECRET: return "cannot use the secret";
	}
	return "unknown";
}

unsigned
export_backoff(unsigned attempt, unsigned base, unsigned max)
{
	unsigned d = base;

	if (attempt == 0)
		return 0;
	while (--attempt > 0 && d < max)
		d = d > max / 2 ? max : d * 2;
	return d < max ? d : max;
}

struct export_target *
export_target_new(const char *name, enum export_format f, const char *where)
{
	struct export_target *t = xcalloc(1, sizeof(*t));

	t->s.name = xstrdup(name);
	t->s.format = f;
	if (f == EXPORT_FMT_EXEC)
		t->s.command = xstrdup(where);
	else
		t->s.dir = xstrdup(where);
	t->s.fsync = 1;
	t->s.timeout_ms = 30000;
	t->s.concurrency = 4;
	t->s.retries = EXPORT_RETRIES;
	t->s.retry_base = 10;
	t->s.retry_max = 3600;
	return t;
}

static char **
copyv(char *const *v, size_t n)
{
	char **c;
	size_t i;

	if (n == 0)
		return NULL;
	c = xreallocarray(NULL, n, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

static char *
copys(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct export_target *
export_target_from(const struct export_settings *s)
{
	struct export_target *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->s = *s;
	t->s.name = copys(s->name);
	t->s.file = copys(s->file);
	t->s.dir = copys(s->dir);
	t->s.feeds = copyv(s->feeds, s->nfeeds);
	t->s.tags = copyv(s->tags, s->ntags);
	t->s.keep = copyv(s->keep, s->nkeep);
	t->s.drop = copyv(s->drop, s->ndrop);
	for (i = 0; i < s->nkeep + s->ndrop; i++) {
		if (t->filter == NULL)
			t->filter = filter_new();
		(void)filter_add(t->filter, i < s->nkeep, i < s->nkeep ?
		    s->keep[i] : s->drop[i - s->nkeep], NULL, NULL, 0);
	}
	t->s.command = copys(s->command);
	t->s.node = NULL;	/* which daemon drains it: the daemon's business */
	t->s.url = copys(s->url);
	t->s.secret_file = copys(s->secret_file);
	/* exec runs its command, a webhook posts to url, the others write
	 * into dir */
	if (t->s.format == EXPORT_FMT_WEBHOOK) {
		free(t->s.dir);
		free(t->s.command);
		t->s.dir = t->s.command = NULL;
	} else if (t->s.format == EXPORT_FMT_EXEC) {
		free(t->s.dir);
		t->s.dir = NULL;
	} else {
		free(t->s.command);
		t->s.command = NULL;
	}
	return t;
}

void
export_target_free(struct export_target *t)
{
	size_t n = 0;

	if (t == NULL)
		return;
	free(t->s.name);
	free(t->s.file);
	free(t->s.dir);
	xfreev(t->s.feeds, t->s.nfeeds);
	xfreev(t->s.tags, t->s.ntags);
	xfreev(t->s.keep, t->s.nkeep);
	xfreev(t->s.drop, t->s.ndrop);
	filter_free(t->filter);
	while (t->argv != NULL && t->argv[n] != NULL)
		n++;
	xfreev(t->argv, n);
	free(t->s.command);
	free(t->s.url);
	free(t->s.secret_file);
	export_hook_free(t->hook);
	free(t);
}

static void
list_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
}

void
export_target_add_feed(struct export_target *t, const char *s)
{
	list_add(&t->s.feeds, &t->s.nfeeds, s);
}

void
export_target_add_tag(struct export_target *t, const char *s)
{
	list_add(&t->s.tags, &t->s.ntags, s);
}

int
export_target_parse_spec(const char *spec, struct export_target **out,
    char *ebuf, size_t n)
{
	const char *colon;
	char *fmt, *dir, *name, cwd[4096];
	const char *home;
	enum export_format f;
	int bad;

	*out = NULL;
	if (spec == NULL || (colon = strchr(spec, ':')) == NULL)
		return err_set(ebuf, n, ERR_INVALID, "export target \"%s\": "
		    "expected FORMAT:DIR (text, json, maildir, exec)",
		    spec ? spec : "");
	fmt = xstrndup(spec, (size_t)(colon - spec));
	bad = export_format_from_name(fmt, &f);
	free(fmt);
	if (!bad && f == EXPORT_FMT_WEBHOOK)
		return err_set(ebuf, n, ERR_INVALID, "export target \"%s\": "
		    "a webhook needs a secret_file: configure it in an "
		    "[export NAME] section", spec);
	if (bad)
		return err_set(ebuf, n, ERR_INVALID, "export target \"%s\": "
		    "unknown format \"%.*s\" (text, json, maildir, exec)",
		    spec, (int)(colon - spec), spec);
	if (colon[1] == '\0')
		return err_set(ebuf, n, ERR_INVALID, "export target \"%s\": "
		    "empty %s", spec, f == EXPORT_FMT_EXEC ? "command" :
		    "directory");
	/* The shell leaves "text:~/x" alone (a tilde is expanded only at
	 * the start of a word), so we do it. */
	if (f != EXPORT_FMT_EXEC && strncmp(colon + 1, "~/", 2) == 0 &&
	    (home = getenv("HOME")) != NULL && *home == '/') {
		dir = xasprintf("%s%s", home, colon + 2);
		name = xasprintf("%s:%s", export_format_name(f), dir);
		*out = export_target_new(name, f, dir);
		free(name);
		free(dir);
		return ERR_OK;
	}
	if (f == EXPORT_FMT_EXEC || colon[1] == '/' ||
	    getcwd(cwd, sizeof(cwd)) == NULL) {
		*out = export_target_new(spec, f, colon + 1);
		return ERR_OK;
	}
	/* Absolute now: the daemon may change directory, and the name keys
	 * the outbox, so "text:OUT" from two directories must differ. */
	dir = xasprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, colon + 1);
	name = xasprintf("%s:%s", export_format_name(f), dir);
	*out = export_target_new(name, f, dir);
	free(name);
	free(dir);
	return ERR_OK;
}

static int
in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

int
export_target_wants(const struct export_target *t,
    const struct export_item *it)
{
	size_t i;
	int any;

	if (it->kind == EXPORT_KIND_UPDATE && !t->s.updates)
		return 0;
	if (it->kind == EXPORT_KIND_DUPLICATE && !t->s.duplicates)
		return 0;
	if (t->s.nfeeds > 0 && !in_list(t->s.feeds, t->s.nfeeds, it->feed_name) &&
	    !in_list(t->s.feeds, t->s.nfeeds, it->feed_url))
		return 0;
	if (t->s.ntags > 0) {
		for (any = 0, i = 0; !any && i < it->ntags; i++)
			any = in_list(t->s.tags, t->s.ntags, it->tags[i]);
		if (!any)
			return 0;
	}
	return 1;
}

static enum export_status
errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return EXPORT_ENODIR;
	case EACCES:
	case EPERM:
	case EROFS:
		return EXPORT_EACCES;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return EXPORT_EFULL;
	}
	return EXPORT_EIO;
}

/* Fills ebuf with "what path: strerror" and returns the status of errno. */
static enum export_status
sys_fail(char *ebuf, size_t n, const char *what, const char *dir,
    const char *name)
{
	int e = errno;

	err_set(ebuf, n, ERR_IO, "%s %s%s%s: %s", what, dir, name ? "/" : "",
	    name ? name : "", strerror(e));
	return errno_status(e);
}

static int
open_dir(const char *dir, const char *sub)
{
	char *p = sub ? xasprintf("%s/%s", dir, sub) : xstrdup(dir);
	int fd;

	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	return fd;
}

/* Removes the temporary files of ours that a crash left in dfd: names
 * starting with prefix and ending with suffix (either may be ""). */
static void
remove_stale(int dfd, const char *prefix, const char *suffix, const char *dir)
{
	int fd = dup(dfd);
	DIR *d;
	struct dirent *de;
	size_t pl = strlen(prefix), sl = strlen(suffix), l;

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l <= pl + sl || strncmp(de->d_name, prefix, pl) != 0 ||
		    strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			log_info("export: removed stale %s/%s", dir,
			    de->d_name);
	}
	closedir(d);
}

enum export_status
export_target_open(struct export_target *t, char *ebuf, size_t n)
{
	static const char *sub[] = { "tmp", "new", "cur" };
	enum export_status st = EXPORT_OK;
	struct stat sb;
	int dfd, tfd;
	size_t i;

	if (t->s.format == EXPORT_FMT_EXEC) {
		t->opened = 1;
		return EXPORT_OK;
	}
	if (t->s.format == EXPORT_FMT_WEBHOOK) {
		if ((st = export_hook_open(t, ebuf, n)) == EXPORT_OK)
			t->opened = 1;
		return st;
	}
	if ((dfd = open_dir(t->s.dir, NULL)) == -1)
		return sys_fail(ebuf, n, "cannot open directory", t->s.dir, NULL);
	if (t->s.format == EXPORT_FMT_MAILDIR) {
		for (i = 0; i < 3; i++) {
			if (mkdirat(dfd, sub[i], 0755) == -1 &&
			    errno != EEXIST) {
				st = sys_fail(ebuf, n, "cannot create",
				    t->s.dir, sub[i]);
				goto out;
			}
			if (fstatat(dfd, sub[i], &sb, 0) == -1 ||
			    !S_ISDIR(sb.st_mode)) {
				errno = ENOTDIR;
				st = sys_fail(ebuf, n, "not a maildir:",
				    t->s.dir, sub[i]);
				goto out;
			}
		}
		if ((tfd = openat(dfd, "tmp", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) != -1) {
			remove_stale(tfd, "", MAILDIR_SUFFIX, t->s.dir);
			close(tfd);
		}
	} else
		remove_stale(dfd, TMP_PREFIX, TMP_SUFFIX, t->s.dir);
	if (faccessat(dfd, ".", W_OK, AT_EACCESS) == -1) {
		st = sys_fail(ebuf, n, "cannot write to", t->s.dir, NULL);
		goto out;
	}
	t->opened = 1;
out:
	close(dfd);
	return st;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* 1 when dfd/name is a regular file holding exactly data, 0 when it holds
 * something else, -1 (errno set) when it cannot be read. */
static int
same_content(int dfd, const char *name, const char *data, size_t len)
{
	char chunk[8192];
	struct stat sb;
	size_t off = 0;
	ssize_t r;
	int fd, same = 1;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ELOOP ? 0 : -1;
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || (size_t)sb.st_size != len) {
		close(fd);
		return 0;
	}
	while (same && (r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			return -1;
		}
		if (off + (size_t)r > len ||
		    memcmp(chunk, data + off, (size_t)r) != 0)
			same = 0;
		off += (size_t)r;
	}
	close(fd);
	return same && off == len;
}

/*
 * Writes data to tdfd/tname (created, never reused), then gives it the name
 * fdfd/fname without ever replacing a file already there.  The temporary
 * name is gone on return, whatever happened.
 */
static enum export_status
put_file(int tdfd, const char *tname, int fdfd, const char *fname,
    const char *dir, const char *data, size_t len, int sync,
    char *ebuf, size_t n)
{
	enum export_status st = EXPORT_OK;
	int fd, same, tries = 0;

again:
	fd = openat(tdfd, tname, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (fd == -1 && errno == EEXIST && tries++ == 0) {
		/* Our own leftover from a crash (the name is ours alone). */
		unlinkat(tdfd, tname, 0);
		goto again;
	}
	if (fd == -1)
		return sys_fail(ebuf, n, "cannot create", dir, tname);
	if (write_all(fd, data, len) == -1) {
		st = sys_fail(ebuf, n, "cannot write", dir, tname);
		close(fd);
		goto out;
	}
	if ((sync & SYNC_FILE) && fsync(fd) == -1) {
		st = sys_fail(ebuf, n, "cannot fsync", dir, tname);
		close(fd);
		goto out;
	}
	/* close() can report a deferred write error (NFS, quotas). */
	if (close(fd) == -1) {
		st = sys_fail(ebuf, n, "cannot close", dir, tname);
		goto out;
	}
	if (linkat(tdfd, tname, fdfd, fname, 0) == -1) {
		if (errno == EPERM || errno == ENOTSUP || errno == EMLINK ||
		    errno == ENOSYS) {
			/* No hard links here (FAT, some FUSE): the final name
			 * is checked first, then renamed over; we are the
			 * only writer of our names, so the window is ours. */
			if (faccessat(fdfd, fname, F_OK,
			    AT_SYMLINK_NOFOLLOW) == 0)
				errno = EEXIST;
			else if (renameat(tdfd, tname, fdfd, fname) == 0)
				goto synced;
		}
		if (errno != EEXIST) {
			st = sys_fail(ebuf, n, "cannot link", dir, fname);
			goto out;
		}
		same = same_content(fdfd, fname, data, len);
		if (same == -1) {
			st = sys_fail(ebuf, n, "cannot read", dir, fname);
			goto out;
		}
		if (same == 0) {
			err_set(ebuf, n, ERR_IO, "%s/%s exists with different "
			    "content; not overwritten", dir, fname);
			st = EXPORT_ECOLLISION;
			goto out;
		}
		/* A replay: the file is already there, byte for byte.  It
		 * may not have reached the disk before the crash. */
		if ((sync & SYNC_FILE) && (fd = openat(fdfd, fname, O_RDONLY |
		    O_CLOEXEC)) != -1) {
			fsync(fd);
			close(fd);
		}
	}
synced:
	unlinkat(tdfd, tname, 0);
	/* EINVAL: a file system that cannot sync a directory (some FUSE);
	 * there is nothing more we can do there, and refusing would keep
	 * every article pending forever. */
	if ((sync & SYNC_DIR) && fsync(fdfd) == -1 && errno != EINVAL)
		return sys_fail(ebuf, n, "cannot fsync directory", dir, NULL);
	return EXPORT_OK;
out:
	unlinkat(tdfd, tname, 0);
	return st;
}

static int
plain_name(const char *name)
{
	return name != NULL && name[0] != '\0' && name[0] != '.' &&
	    strchr(name, '/') == NULL;
}

static enum export_status
write_file(const char *dir, const char *name, const void *data, size_t len,
    int sync, char *ebuf, size_t n)
{
	enum export_status st;
	char *tname;
	int dfd;

	if (!plain_name(name)) {
		err_set(ebuf, n, ERR_INVALID, "bad export file name \"%s\"",
		    name ? name : "");
		return EXPORT_EINVAL;
	}
	if ((dfd = open_dir(dir, NULL)) == -1)
		return sys_fail(ebuf, n, "cannot open directory", dir, NULL);
	tname = xasprintf("%s%s%s", TMP_PREFIX, name, TMP_SUFFIX);
	st = put_file(dfd, tname, dfd, name, dir, data, len, sync, ebuf, n);
	free(tname);
	close(dfd);
	return st;
}

enum export_status
export_write_file(const char *dir, const char *name, const void *data,
    size_t len, int dofsync, char *ebuf, size_t n)
{
	return write_file(dir, name, data, len, dofsync ? SYNC_FILE | SYNC_DIR :
	    0, ebuf, n);
}

/* 1 when cur/ holds name, bare or with the ":2,FLAGS" a client adds. */
static int
in_cur(int mdfd, const char *name)
{
	int fd = openat(mdfd, "cur", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t l = strlen(name);
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	while (!found && (de = readdir(d)) != NULL)
		found = strncmp(de->d_name, name, l) == 0 &&
		    (de->d_name[l] == '\0' || de->d_name[l] == ':');
	closedir(d);
	return found;
}

static enum export_status
deliver_maildir(struct export_target *t, const char *name, const char *data,
    size_t len, int sync, char *ebuf, size_t n)
{
	enum export_status st;
	int mdfd, tdfd = -1, ndfd = -1;

	if ((mdfd = open_dir(t->s.dir, NULL)) == -1)
		return sys_fail(ebuf, n, "cannot open maildir", t->s.dir, NULL);
	if (in_cur(mdfd, name)) {
		close(mdfd);
		return EXPORT_OK;	/* delivered, and seen by a reader */
	}
	tdfd = openat(mdfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tdfd == -1) {
		st = sys_fail(ebuf, n, "cannot open", t->s.dir, "tmp");
		goto out;
	}
	ndfd = openat(mdfd, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ndfd == -1) {
		st = sys_fail(ebuf, n, "cannot open", t->s.dir, "new");
		goto out;
	}
	st = put_file(tdfd, name, ndfd, name, t->s.dir, data, len, sync, ebuf,
	    n);
out:
	if (tdfd != -1)
		close(tdfd);
	if (ndfd != -1)
		close(ndfd);
	close(mdfd);
	return st;
}

/* An environment value on one line (a title may hold line breaks), cut
 * to ENV_MAX bytes on a character boundary: the kernel refuses a single
 * string over 128 KB (E2BIG), and the whole record is on stdin anyway. */
#define ENV_MAX	4096

static char *
env_entry(const char *key, const char *val)
{
	size_t len = val ? strlen(val) : 0;
	char *e, *p;

	if (len > ENV_MAX) {
		len = ENV_MAX;
		while (len > 0 && ((unsigned char)val[len] & 0xc0) == 0x80)
			len--;
	}
	e = xasprintf("%s=%.*s", key, (int)len, val ? val : "");
	for (p = e; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return e;
}

static char **
exec_env(const struct export_target *t, const struct export_item *it)
{
	const struct article *a = it->article;
	char slug[EXPORT_SLUG_MAX + 1], rev[24];
	char **env;
	size_t i, n = 0, o = 0;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = xcalloc(n + 12, sizeof(char *));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "TIDINGS_", 8) != 0)
			env[o++] = xstrdup(environ[i]);
	export_format_slug(it, slug, sizeof(slug));
	snprintf(rev, sizeof(rev), "%d", it->revision);
	env[o++] = env_entry("TIDINGS_TARGET", t->s.name);
	env[o++] = env_entry("TIDINGS_ID", it->identity);
	env[o++] = env_entry("TIDINGS_KIND", export_kind_name(it->kind));
	env[o++] = env_entry("TIDINGS_REVISION", rev);
	env[o++] = env_entry("TIDINGS_TITLE", a->title);
	env[o++] = env_entry("TIDINGS_LINK", a->link);
	env[o++] = env_entry("TIDINGS_FEED", it->feed_name ? it->feed_name :
	    slug);
	env[o++] = env_entry("TIDINGS_FEED_TITLE", it->feed_title);
	env[o++] = env_entry("TIDINGS_FEED_URL", it->feed_url);
	env[o] = NULL;
	return env;
}

#ifndef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
/* Marks every open descriptor from low up close-on-exec (harmless to us:
 * tidings runs no program that should inherit one). */
static void
cloexec_from(int low)
{
	DIR *d;
	struct dirent *e;
	int fd, dfd, fl;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (fd < low || fd == dfd || e->d_name[0] < '0' ||
		    e->d_name[0] > '9')
			continue;
		if ((fl = fcntl(fd, F_GETFD)) != -1 && !(fl & FD_CLOEXEC))
			fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	closedir(d);
}
#endif

enum export_status
export_exec_start(struct export_target *t, const struct export_item *it,
    struct export_job **out, char *ebuf, size_t n)
{
	static char *sh_argv[] = { "/bin/sh", "-c", NULL, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	struct buf json = { 0 };
	struct export_job *j;
	char **env, **argv;
	FILE *in;
	pid_t pid;
	int rc, fd;
	size_t i;

	*out = NULL;
	if (t->running >= t->s.concurrency && t->s.concurrency > 0)
		return EXPORT_EBUSY;
	if (t->argv == NULL && t->s.command == NULL) {
		err_set(ebuf, n, ERR_INVALID, "target %s has no command",
		    t->s.name);
		return EXPORT_EINVAL;
	}
	if (export_format_render(it, EXPORT_FMT_EXEC, &json, ebuf, n) != 0)
		return EXPORT_EINVAL;
	/* The record goes through an unlinked file, not a pipe: a command
	 * that never reads its input cannot block us or get SIGPIPE. */
	if ((in = tmpfile()) == NULL) {
		buf_free(&json);
		return sys_fail(ebuf, n, "cannot create", "stdin file", NULL);
	}
	if (fwrite(json.data, 1, json.len, in) != json.len ||
	    fflush(in) != 0 || fseek(in, 0, SEEK_SET) != 0) {
		buf_free(&json);
		fclose(in);
		return sys_fail(ebuf, n, "cannot write", "stdin file", NULL);
	}
	buf_free(&json);
	fd = fileno(in);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 0);
	if (fd != 0)
		posix_spawn_file_actions_addclose(&fa, fd);
	/* The command gets 0-2 only: not libcurl's sockets (a feed server's
	 * open connection), nor the database, nor any other descriptor
	 * someone opened without O_CLOEXEC. */
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#else
	cloexec_from(3);
#endif
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	env = exec_env(t, it);
	if (t->argv != NULL) {
		argv = t->argv;
		rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env);
	} else {
		argv = sh_argv;
		argv[2] = t->s.command;
		rc = posix_spawn(&pid, argv[0], &fa, &attr, argv, env);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
	fclose(in);
	if (rc != 0) {
		err_set(ebuf, n, ERR_IO, "cannot run %s: %s", argv[0],
		    strerror(rc));
		return EXPORT_EEXEC;
	}
	j = xcalloc(1, sizeof(*j));
	j->target = t;
	j->pid = pid;
	j->deadline_ms = mono_ms() + (t->s.timeout_ms > 0 ? t->s.timeout_ms :
	    30000);
	j->status = -1;
	t->running++;
	*out = j;
	return EXPORT_OK;
}

int
export_is_job(enum export_format f)
{
	return f == EXPORT_FMT_EXEC || f == EXPORT_FMT_WEBHOOK;
}

enum export_status
export_job_start(struct export_target *t, const struct export_item *it,
    struct export_job **out, char *ebuf, size_t n)
{
	struct export_req *r;
	struct export_job *j;
	enum export_status st;

	if (t->s.format != EXPORT_FMT_WEBHOOK)
		return export_exec_start(t, it, out, ebuf, n);
	*out = NULL;
	if (t->running >= t->s.concurrency && t->s.concurrency > 0)
		return EXPORT_EBUSY;
	if ((st = export_req_start(t, it, &r, ebuf, n)) != EXPORT_OK)
		return st;
	j = xcalloc(1, sizeof(*j));
	j->target = t;
	j->pid = -1;
	j->status = -1;
	j->req = r;
	t->running++;
	*out = j;
	return EXPORT_OK;
}

static void
job_finished(struct export_job *j, int status)
{
	j->status = status;
	j->pid = -1;
	j->target->running--;
}

int
export_job_poll(struct export_job *j, char *ebuf, size_t n)
{
	int ws;
	pid_t r;

	if (j->status != -1)
		return j->status;
	if (j->req != NULL) {
		if ((ws = export_req_poll(j->req, ebuf, n)) != -1)
			job_finished(j, ws);
		return j->status;
	}
	r = waitpid(j->pid, &ws, WNOHANG);
	if (r == -1 && errno == EINTR)
		return -1;
	if (r == -1) {
		err_set(ebuf, n, ERR_IO, "waitpid %ld: %s", (long)j->pid,
		    strerror(errno));
		job_finished(j, EXPORT_EEXEC);
		return j->status;
	}
	if (r == 0) {
		if (mono_ms() < j->deadline_ms)
			return -1;
		/* The whole group: a shell's children go too. */
		kill(-j->pid, SIGKILL);
		while (waitpid(j->pid, &ws, 0) == -1 && errno == EINTR)
			;
		err_set(ebuf, n, ERR_IO, "%s: killed after %d ms",
		    j->target->s.name, j->target->s.timeout_ms);
		job_finished(j, EXPORT_ETIMEOUT);
		return j->status;
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
		job_finished(j, EXPORT_OK);
		return EXPORT_OK;
	}
	if (WIFEXITED(ws))
		err_set(ebuf, n, ERR_IO, "%s: command exited with status %d",
		    j->target->s.name, WEXITSTATUS(ws));
	else
		err_set(ebuf, n, ERR_IO, "%s: command killed by signal %d",
		    j->target->s.name, WTERMSIG(ws));
	job_finished(j, EXPORT_EEXEC);
	return j->status;
}

pid_t
export_job_pid(const struct export_job *j)
{
	return j->pid;
}

void
export_job_free(struct export_job *j)
{
	if (j == NULL)
		return;
	if (j->req != NULL) {
		/* an abandoned request stays pending: sent again, with the
		 * same key */
		if (j->status == -1)
			job_finished(j, EXPORT_EHTTP);
		export_req_free(j->req);
		free(j);
		return;
	}
	if (j->status == -1) {
		kill(-j->pid, SIGKILL);
		while (waitpid(j->pid, NULL, 0) == -1 && errno == EINTR)
			;
		job_finished(j, EXPORT_ETIMEOUT);
	}
	free(j);
}

/* Runs a job (a command, a request) and waits for it. */
static enum export_status
deliver_job(struct export_target *t, const struct export_item *it,
    char *ebuf, size_t n)
{
	struct export_job *j;
	struct timespec ts = { 0, 0 };
	long wait_ns = 1000000;
	int st;

	st = export_job_start(t, it, &j, ebuf, n);
	if (st != EXPORT_OK)
		return st;
	while ((st = export_job_poll(j, ebuf, n)) == -1) {
		if (j->req != NULL) {
			export_hook_wait(t, 100);
			continue;
		}
		/* Short sleeps first: most hooks finish in milliseconds. */
		ts.tv_nsec = wait_ns;
		nanosleep(&ts, NULL);
		if (wait_ns < 50000000)
			wait_ns *= 2;
	}
	export_job_free(j);
	return st;
}

void
export_note_state(struct export_target *t, enum export_status st,
    const char *msg)
{
	/* a rejected article is its own fault, not the target's (the
	 * outbox sets it aside and says so) */
	if (st == t->state || st == EXPORT_EBUSY || st == EXPORT_EREJECTED)
		return;
	if (t->replay) {
		t->state = st;
		return;
	}
	if (st == EXPORT_OK)
		log_notice("export %s: delivering again (was: %s)", t->s.name,
		    export_status_name(t->state));
	else
		log_warnx("export %s: %s: %s; articles stay pending", t->s.name,
		    export_status_name(st), msg);
	t->state = st;
}

enum export_status
export_deliver(struct export_target *t, const struct export_item *it,
    char *ebuf, size_t n)
{
	char msg[512] = "";
	struct buf name = { 0 }, data = { 0 };
	enum export_status st;
	int sync;

	if (!t->opened && (st = export_target_open(t, msg,
	    sizeof(msg))) != EXPORT_OK)
		goto out;
	if (export_is_job(t->s.format)) {
		st = deliver_job(t, it, msg, sizeof(msg));
		goto out;
	}
	if (export_format_filename(it, t->s.format, &name, msg,
	    sizeof(msg)) != 0 || export_format_render(it, t->s.format, &data,
	    msg, sizeof(msg)) != 0) {
		st = EXPORT_EINVAL;
		goto out;
	}
	sync = t->s.fsync ? SYNC_FILE | (t->defer_dirsync ? 0 : SYNC_DIR) : 0;
	if (t->s.format == EXPORT_FMT_MAILDIR)
		st = deliver_maildir(t, name.data, data.data, data.len, sync,
		    msg, sizeof(msg));
	else
		st = write_file(t->s.dir, name.data, data.data, data.len, sync,
		    msg, sizeof(msg));
	if (st == EXPORT_OK && t->s.fsync && t->defer_dirsync)
		t->dirty = 1;
	/* A vanished directory must be checked again, and a maildir's
	 * subdirectories recreated, once it is back. */
	if (st == EXPORT_ENODIR)
		t->opened = 0;
out:
	export_note_state(t, st, msg);
	if (ebuf != NULL && n > 0)
		snprintf(ebuf, n, "%s", msg);
	buf_free(&name);
	buf_free(&data);
	return st;
}

enum export_status
export_target_sync(struct export_target *t, char *ebuf, size_t n)
{
	char msg[512] = "";
	enum export_status st = EXPORT_OK;
	int dfd;

	if (!t->dirty)
		return EXPORT_OK;
	dfd = open_dir(t->s.dir, t->s.format == EXPORT_FMT_MAILDIR ? "new" :
	    NULL);
	if (dfd == -1)
		st = sys_fail(msg, sizeof(msg), "cannot open directory", t->s.dir,
		    NULL);
	else {
		if (fsync(dfd) == -1 && errno != EINVAL)
			st = sys_fail(msg, sizeof(msg),
			    "cannot fsync directory", t->s.dir, NULL);
		close(dfd);
	}
	if (st == EXPORT_OK)
		t->dirty = 0;
	export_note_state(t, st, msg);
	if (ebuf != NULL && n > 0)
		snprintf(ebuf, n, "%s", msg);
	return st;
}
