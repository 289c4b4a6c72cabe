#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare */
#endif
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "conf.h"
#include "dedup.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "outbox.h"
#include "store.h"
#include "xmalloc.h"

static char tmpdir[64];
static char *outdir;		/* tmpdir/out, created by the fixture */

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_export.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	outdir = xasprintf("%s/out", tmpdir);
	ck_assert_int_eq(mkdir(outdir, 0755), 0);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	umount2(outdir, MNT_DETACH);	/* in case a test died mounted */
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	free(outdir);
}

/*
 * Mounts a 64 KB tmpfs on dir, in a mount namespace of this process's own
 * when it can have one: a test that dies half-way then leaves no mount
 * behind.  -1 (errno set) when mounting is not allowed here.
 */
static int
small_tmpfs(const char *dir, unsigned long flags)
{
	if (unshare(CLONE_NEWNS) == 0)
		mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
	return mount("tmpfs", dir, "tmpfs", flags, "size=64k");
}

static struct article *
sample_article(int n)
{
	struct article *a = article_new();
	char *s;

	s = xasprintf("id-%d", n);
	article_set(&a->id, s);
	free(s);
	s = xasprintf("Article number %d", n);
	article_set(&a->title, s);
	free(s);
	article_set(&a->link, "https://example.org/a");
	article_set(&a->author, "Someone");
	a->has_published = 1;
	a->published.utc = 1620302400 + n;
	a->published.tzoff = 180;
	article_set(&a->text, "First paragraph.\n\nSecond paragraph.");
	article_set(&a->content, "<p>First paragraph.</p><p>Second "
	    "paragraph.</p>");
	return a;
}

static struct export_item
item_for(const struct article *a)
{
	struct export_item it;

	memset(&it, 0, sizeof(it));
	it.article = a;
	it.feed_title = "Example Feed";
	it.feed_url = "https://example.org/feed";
	it.feed_name = "example";
	it.identity = a->id;
	it.revision = 1;
	return it;
}

/* Names in dir, sorted, joined by '\n'; caller frees. */
static char *
listing(const char *dir)
{
	struct dirent **v;
	struct buf b = { 0 };
	int n, i;

	n = scandir(dir, &v, NULL, alphasort);
	if (n < 0)
		return xstrdup("(none)");
	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") != 0 &&
		    strcmp(v[i]->d_name, "..") != 0) {
			buf_puts(&b, v[i]->d_name);
			buf_putc(&b, '\n');
		}
		free(v[i]);
	}
	free(v);
	return buf_detach(&b);
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = { 0 };
	char chunk[4096];
	FILE *fp = fopen(path, "rb");
	size_t r;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while ((r = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, r);
	fclose(fp);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

static void
spit(const char *path, const char *s)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	fputs(s, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static char *
expected_name(const struct export_item *it, enum export_format f)
{
	struct buf b = { 0 };

	ck_assert_int_eq(export_format_filename(it, f, &b, NULL, 0), 0);
	return buf_detach(&b);
}

START_TEST(test_write_and_replay)
{
	struct article *a = sample_article(1);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	struct buf want = { 0 };
	char ebuf[256], *name, *path, *got, *ls;
	size_t len;
	int i;

	name = expected_name(&it, EXPORT_FMT_TEXT);
	path = xasprintf("%s/%s", outdir, name);
	export_format_text(&it, &want);
	for (i = 0; i < 3; i++)
		ck_assert_msg(export_deliver(t, &it, ebuf, sizeof(ebuf)) ==
		    EXPORT_OK, "%s", ebuf);
	got = slurp(path, &len);
	ck_assert_uint_eq(len, want.len);
	ck_assert_str_eq(got, want.data);
	ls = listing(outdir);
	ck_assert_int_eq(count_lines(ls), 1);	/* no copy, no temp file */
	free(ls);
	free(got);
	free(path);
	free(name);
	buf_free(&want);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_deferred_dirsync)
{
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	struct article *a;
	struct export_item it;
	char ebuf[256], *ls;
	int i;

	t->defer_dirsync = 1;
	ck_assert_int_eq(export_target_sync(t, NULL, 0), EXPORT_OK);
	for (i = 0; i < 3; i++) {
		a = sample_article(i);
		it = item_for(a);
		ck_assert_int_eq(export_deliver(t, &it, NULL, 0), EXPORT_OK);
		article_free(a);
	}
	ck_assert_int_eq(t->dirty, 1);
	ls = listing(outdir);
	ck_assert_int_eq(count_lines(ls), 3);
	free(ls);
	ck_assert_int_eq(export_target_sync(t, NULL, 0), EXPORT_OK);
	ck_assert_int_eq(t->dirty, 0);
	/* A directory gone before the sync: the batch must stay pending. */
	a = sample_article(9);
	it = item_for(a);
	ck_assert_int_eq(export_deliver(t, &it, NULL, 0), EXPORT_OK);
	ls = xasprintf("rm -rf '%s'", outdir);
	ck_assert_int_eq(system(ls), 0);
	free(ls);
	ck_assert_int_eq(export_target_sync(t, ebuf, sizeof(ebuf)),
	    EXPORT_ENODIR);
	ck_assert_int_eq(t->dirty, 1);
	article_free(a);
	export_target_free(t);
}
END_TEST

START_TEST(test_json_target)
{
	struct article *a = sample_article(2);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("j", EXPORT_FMT_JSON,
	    outdir);
	struct buf want = { 0 };
	char ebuf[256], *name, *path, *got;

	t->s.fsync = 0;
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	name = expected_name(&it, EXPORT_FMT_JSON);
	ck_assert_ptr_nonnull(strstr(name, ".json"));
	path = xasprintf("%s/%s", outdir, name);
	export_format_json(&it, &want);
	got = slurp(path, NULL);
	ck_assert_str_eq(got, want.data);
	free(got);
	free(path);
	free(name);
	buf_free(&want);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_collision_refused)
{
	struct article *a = sample_article(3);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	char ebuf[256], *name, *path, *got, *ls;

	/* A different article already holds the name. */
	name = expected_name(&it, EXPORT_FMT_TEXT);
	path = xasprintf("%s/%s", outdir, name);
	spit(path, "another article\n");
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_ECOLLISION);
	ck_assert_ptr_nonnull(strstr(ebuf, "different content"));
	got = slurp(path, NULL);
	ck_assert_str_eq(got, "another article\n");
	free(got);
	/* Same length, different bytes: still refused. */
	ck_assert_int_eq(export_write_file(outdir, "x.txt", "abc", 3, 1,
	    NULL, 0), EXPORT_OK);
	ck_assert_int_eq(export_write_file(outdir, "x.txt", "abd", 3, 1,
	    ebuf, sizeof(ebuf)), EXPORT_ECOLLISION);
	ck_assert_int_eq(export_write_file(outdir, "x.txt", "abc", 3, 1,
	    NULL, 0), EXPORT_OK);
	/* A symlink under the name is not ours either. */
	free(path);
	path = xasprintf("%s/l.txt", outdir);
	ck_assert_int_eq(symlink("x.txt", path), 0);
	ck_assert_int_eq(export_write_file(outdir, "l.txt", "abc", 3, 1,
	    NULL, 0), EXPORT_ECOLLISION);
	ls = listing(outdir);
	ck_assert_msg(strstr(ls, ".tmp") == NULL, "left: %s", ls);
	ck_assert_int_eq(count_lines(ls), 3);
	free(ls);
	/* Names that could leave the directory are refused outright. */
	ck_assert_int_eq(export_write_file(outdir, "../x", "a", 1, 1, NULL,
	    0), EXPORT_EINVAL);
	ck_assert_int_eq(export_write_file(outdir, ".x", "a", 1, 1, NULL,
	    0), EXPORT_EINVAL);
	ck_assert_int_eq(export_write_file(outdir, "", "a", 1, 1, NULL,
	    0), EXPORT_EINVAL);
	free(path);
	free(name);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_directory_missing_then_back)
{
	struct article *a = sample_article(4);
	struct export_item it = item_for(a);
	struct export_target *t;
	char ebuf[256], *dir = xasprintf("%s/later", tmpdir), *file, *ls;

	t = export_target_new("t", EXPORT_FMT_TEXT, dir);
	ck_assert_int_eq(export_target_open(t, ebuf, sizeof(ebuf)),
	    EXPORT_ENODIR);
	ck_assert_ptr_nonnull(strstr(ebuf, dir));
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_ENODIR);
	ck_assert_int_eq(t->state, EXPORT_ENODIR);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	ck_assert_int_eq(t->state, EXPORT_OK);
	ls = listing(dir);
	ck_assert_int_eq(count_lines(ls), 1);
	free(ls);
	export_target_free(t);

	/* A file where the directory should be. */
	file = xasprintf("%s/file", tmpdir);
	spit(file, "x");
	t = export_target_new("t", EXPORT_FMT_JSON, file);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_ENODIR);
	export_target_free(t);
	free(file);
	free(dir);
	article_free(a);
}
END_TEST

START_TEST(test_log_once_per_state_change)
{
	struct article *a = sample_article(5);
	struct export_item it = item_for(a);
	char *dir = xasprintf("%s/gone", tmpdir), *log = xasprintf("%s/log",
	    tmpdir), *text;
	struct export_target *t = export_target_new("spool",
	    EXPORT_FMT_TEXT, dir);
	int i, fd, saved;

	log_init(LOG_LVL_INFO, 0);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved = dup(2);
	dup2(fd, 2);
	for (i = 0; i < 5; i++)
		export_deliver(t, &it, NULL, 0);
	mkdir(dir, 0755);
	for (i = 0; i < 5; i++)
		export_deliver(t, &it, NULL, 0);
	fflush(stderr);
	dup2(saved, 2);
	close(fd);
	text = slurp(log, NULL);
	ck_assert_msg(count_lines(text) == 2, "log:\n%s", text);
	ck_assert_ptr_nonnull(strstr(text, "export spool: directory missing"));
	ck_assert_ptr_nonnull(strstr(text, "export spool: delivering again"));
	free(text);
	free(log);
	free(dir);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_stale_temp_removed)
{
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	char *p, *ls;

	p = xasprintf("%s/.tidings.20210506T120000Z-x-0123456789ab.txt.tmp",
	    outdir);
	spit(p, "half a fi");
	free(p);
	p = xasprintf("%s/.someone-elses.tmp", outdir);
	spit(p, "not ours");
	free(p);
	p = xasprintf("%s/keep.txt", outdir);
	spit(p, "kept");
	free(p);
	ck_assert_int_eq(export_target_open(t, NULL, 0), EXPORT_OK);
	ls = listing(outdir);
	ck_assert_str_eq(ls, ".someone-elses.tmp\nkeep.txt\n");
	free(ls);
	export_target_free(t);
}
END_TEST

/* Unwritable: root ignores permission bits, so a read-only mount stands in
 * for them when we are root; otherwise a mode 0555 directory does. */
START_TEST(test_unwritable)
{
	struct article *a = sample_article(6);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	char ebuf[256];

	if (geteuid() == 0) {
		if (small_tmpfs(outdir, MS_RDONLY)
		    == -1) {
			fprintf(stderr, "test_unwritable: skipped, mount: "
			    "%s\n", strerror(errno));
			goto out;
		}
	} else
		ck_assert_int_eq(chmod(outdir, 0555), 0);
	ck_assert_int_eq(export_target_open(t, ebuf, sizeof(ebuf)),
	    EXPORT_EACCES);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_EACCES);
	if (geteuid() == 0)
		ck_assert_int_eq(umount(outdir), 0);
	else
		chmod(outdir, 0755);
out:
	export_target_free(t);
	article_free(a);
}
END_TEST

/* Every final-name file holds exactly what its article renders to; no
 * temporary file is left behind. */
static void
assert_no_partial(const char *dir, int nitems, int *nfiles)
{
	struct article *a;
	struct export_item it;
	struct buf want = { 0 };
	char *ls = listing(dir), *name, *path, *got;
	int i;
	size_t len;

	ck_assert_msg(strstr(ls, ".tmp") == NULL, "left: %s", ls);
	*nfiles = 0;
	for (i = 0; i < nitems; i++) {
		a = sample_article(i);
		it = item_for(a);
		name = expected_name(&it, EXPORT_FMT_TEXT);
		path = xasprintf("%s/%s", dir, name);
		if (access(path, F_OK) == 0) {
			buf_reset(&want);
			export_format_text(&it, &want);
			got = slurp(path, &len);
			ck_assert_uint_eq(len, want.len);
			ck_assert(memcmp(got, want.data, len) == 0);
			free(got);
			(*nfiles)++;
		}
		free(path);
		free(name);
		article_free(a);
	}
	ck_assert_int_eq(count_lines(ls), *nfiles);
	buf_free(&want);
	free(ls);
}

/* A real full file system: a 64 KB tmpfs (needs root or CAP_SYS_ADMIN;
 * skipped with a note when mounting is not allowed).  It fills up, every
 * article stays out or arrives whole, and room made frees the target. */
START_TEST(test_full_tmpfs)
{
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	struct article *a;
	struct export_item it;
	char ebuf[256], *big, *name, *path;
	int i, st, okcount = 0, first_full = -1;

	if (small_tmpfs(outdir, 0) == -1) {
		fprintf(stderr, "test_full_tmpfs: skipped, mount: %s\n",
		    strerror(errno));
		export_target_free(t);
		return;
	}
	/* Articles of ~3 KB (4 KB pages on tmpfs): full after about 16. */
	big = xmalloc(3001);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	for (i = 0; i < 40; i++) {
		a = sample_article(i);
		article_set(&a->text, big);
		it = item_for(a);
		st = export_deliver(t, &it, ebuf, sizeof(ebuf));
		if (st == EXPORT_OK)
			okcount++;
		else {
			ck_assert_msg(st == EXPORT_EFULL, "%d: %s", st, ebuf);
			if (first_full < 0)
				first_full = i;
		}
		article_free(a);
	}
	ck_assert_int_ge(first_full, 1);
	ck_assert_int_eq(t->state, EXPORT_EFULL);
	/* Full files only: 3 KB text plus the header, every one. */
	{
		char *ls = listing(outdir);

		ck_assert_msg(strstr(ls, ".tmp") == NULL, "left: %s", ls);
		ck_assert_int_eq(count_lines(ls), okcount);
		free(ls);
	}
	/* Make room: the next attempt of a pending article succeeds. */
	a = sample_article(0);
	article_set(&a->text, big);
	it = item_for(a);
	name = expected_name(&it, EXPORT_FMT_TEXT);
	path = xasprintf("%s/%s", outdir, name);
	ck_assert_int_eq(unlink(path), 0);
	article_free(a);
	a = sample_article(first_full);
	article_set(&a->text, big);
	it = item_for(a);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	ck_assert_int_eq(t->state, EXPORT_OK);
	article_free(a);
	free(path);
	free(name);
	ck_assert_int_eq(umount(outdir), 0);
	free(big);
	export_target_free(t);
}
END_TEST

START_TEST(test_full_tmpfs_no_partial)
{
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	struct article *a;
	struct export_item it;
	char ebuf[256];
	int i, st, okcount = 0, nfiles;

	if (small_tmpfs(outdir, 0) == -1) {
		fprintf(stderr, "test_full_tmpfs_no_partial: skipped, mount: "
		    "%s\n", strerror(errno));
		export_target_free(t);
		return;
	}
	for (i = 0; i < 400; i++) {
		a = sample_article(i);
		it = item_for(a);
		st = export_deliver(t, &it, ebuf, sizeof(ebuf));
		ck_assert_msg(st == EXPORT_OK || st == EXPORT_EFULL, "%s",
		    ebuf);
		okcount += st == EXPORT_OK;
		article_free(a);
	}
	ck_assert_int_lt(okcount, 400);
	assert_no_partial(outdir, 400, &nfiles);
	ck_assert_int_eq(nfiles, okcount);
	ck_assert_int_eq(umount(outdir), 0);
	export_target_free(t);
}
END_TEST

/* The stand-in that works anywhere: a file size limit makes write() fail
 * with EFBIG part-way through, as a full disk would.  The limit is set in a
 * child of its own, since Check's result file must stay writable. */
static int
limited_deliver(struct export_target *t, const struct export_item *it)
{
	struct rlimit rl = { 1000, 1000 };
	char ebuf[256];
	int st, ws;
	pid_t pid;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(99);
		st = export_deliver(t, it, ebuf, sizeof(ebuf));
		/* The message must say why, for the log. */
		if (st != EXPORT_OK && strstr(ebuf, "File too large") == NULL)
			_exit(98);
		_exit(st);
	}
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws));
	return WEXITSTATUS(ws);
}

START_TEST(test_file_size_limit)
{
	struct article *a = sample_article(7);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    outdir);
	char *big, *ls;
	int nfiles;

	big = xmalloc(5001);
	memset(big, 'y', 5000);
	big[5000] = '\0';
	article_set(&a->text, big);
	ck_assert_int_eq(limited_deliver(t, &it), EXPORT_EFULL);
	ls = listing(outdir);
	ck_assert_str_eq(ls, "");
	free(ls);
	/* A small one still goes through under the same limit. */
	article_free(a);
	a = sample_article(8);
	it = item_for(a);
	ck_assert_int_eq(limited_deliver(t, &it), EXPORT_OK);
	assert_no_partial(outdir, 10, &nfiles);
	ck_assert_int_eq(nfiles, 1);
	free(big);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_maildir)
{
	struct article *a = sample_article(9);
	struct export_item it = item_for(a);
	struct export_target *t;
	char ebuf[256], *md = xasprintf("%s/Mail", outdir), *name, *p, *q;
	char *ls;

	t = export_target_new("m", EXPORT_FMT_MAILDIR, md);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_ENODIR);
	ck_assert_int_eq(mkdir(md, 0700), 0);
	ck_assert_msg(export_deliver(t, &it, ebuf, sizeof(ebuf)) ==
	    EXPORT_OK, "%s", ebuf);
	name = expected_name(&it, EXPORT_FMT_MAILDIR);
	p = xasprintf("%s/new", md);
	ls = listing(p);
	q = xasprintf("%s\n", name);
	ck_assert_str_eq(ls, q);
	free(ls);
	free(q);
	ls = listing(md);
	ck_assert_str_eq(ls, "cur\nnew\ntmp\n");
	free(ls);
	/* A maildir reader (python's mailbox) sees one message, ours. */
	q = xasprintf("python3 -c 'import mailbox, sys; "
	    "m = list(mailbox.Maildir(sys.argv[1], create=False)); "
	    "sys.exit(0 if len(m) == 1 and m[0][\"subject\"] == "
	    "\"Article number 9\" and m[0].get_subdir() == \"new\" "
	    "else 1)' '%s'", md);
	ck_assert_int_eq(system(q), 0);
	free(q);
	/* Replay: no second message. */
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	ls = listing(p);
	ck_assert_int_eq(count_lines(ls), 1);
	free(ls);
	/* A reader moved it to cur/ and flagged it seen: still delivered. */
	{
		char *from = xasprintf("%s/new/%s", md, name);
		char *to = xasprintf("%s/cur/%s:2,S", md, name);

		ck_assert_int_eq(rename(from, to), 0);
		free(from);
		free(to);
	}
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	ls = listing(p);
	ck_assert_str_eq(ls, "");
	free(ls);
	free(p);
	/* A crash left a temporary message in tmp/: removed on open. */
	p = xasprintf("%s/tmp/%s", md, name);
	spit(p, "partial");
	export_target_free(t);
	t = export_target_new("m", EXPORT_FMT_MAILDIR, md);
	ck_assert_int_eq(export_target_open(t, NULL, 0), EXPORT_OK);
	ck_assert_int_eq(access(p, F_OK), -1);
	free(p);
	free(name);
	free(md);
	export_target_free(t);
	article_free(a);
}
END_TEST

/*
 * Crash and replay at the level of the write path: a child delivers items
 * in order and records each one done (as the outbox would, after the
 * delivery), and is killed with SIGKILL at random moments, again and again;
 * each restart replays from the first item not recorded done.  At the end
 * every item is there exactly once, whole, and no temporary file survives
 * the next open.  (The daemon-level crash test needs the store.)
 */
#define CRASH_ITEMS	4000
#define CRASH_KILLS	200

static void
crash_child(enum export_format f, const char *dir, const char *donefile)
{
	struct export_target *t = export_target_new("c", f, dir);
	struct export_item it;
	struct article *a;
	int fd, done = 0;

	t->s.fsync = 0;	/* SIGKILL, not power loss: the page cache stays */
	fd = open(donefile, O_RDWR | O_CREAT, 0644);
	if (fd == -1 || pread(fd, &done, sizeof(done), 0) < 0)
		_exit(90);
	for (; done < CRASH_ITEMS; done++) {
		a = sample_article(done);
		it = item_for(a);
		if (export_deliver(t, &it, NULL, 0) != EXPORT_OK)
			_exit(91);
		article_free(a);
		/* One write(2) of 4 bytes: a kill cannot tear it. */
		if (pwrite(fd, &(int){ done + 1 }, sizeof(int), 0) !=
		    sizeof(int))
			_exit(92);
	}
	_exit(0);
}

START_TEST(test_crash_replay)
{
	enum export_format f = _i == 0 ? EXPORT_FMT_TEXT : EXPORT_FMT_MAILDIR;
	char *donefile = xasprintf("%s/done", tmpdir), *dir, *ls, *name, *p;
	struct export_target *t;
	struct export_item it;
	struct article *a;
	struct buf want = { 0 };
	int kills = 0, ws, i, rounds = 0, done = 0, fd, replays = 0, temps = 0;
	unsigned seed = (unsigned)getpid();
	pid_t pid;
	size_t len;

	dir = f == EXPORT_FMT_MAILDIR ? xasprintf("%s/new", outdir) :
	    xstrdup(outdir);
	for (;;) {
		/* What the last kill left: a half-made temporary file, or
		 * a delivered item not yet recorded done (a replay). */
		if ((fd = open(donefile, O_RDONLY)) != -1) {
			if (pread(fd, &done, sizeof(done), 0) != sizeof(done))
				done = 0;
			close(fd);
			a = sample_article(done);
			it = item_for(a);
			name = expected_name(&it, f);
			p = xasprintf("%s/%s", dir, name);
			replays += access(p, F_OK) == 0;
			free(p);
			free(name);
			article_free(a);
			p = f == EXPORT_FMT_MAILDIR ? xasprintf("%s/tmp",
			    outdir) : xstrdup(outdir);
			ls = listing(p);
			temps += strstr(ls, f == EXPORT_FMT_MAILDIR ?
			    ".tidings\n" : ".tmp\n") != NULL;
			free(ls);
			free(p);
		}
		pid = fork();
		ck_assert_int_ne(pid, -1);
		if (pid == 0)
			crash_child(f, outdir, donefile);
		if (kills < CRASH_KILLS) {
			struct timespec ts = { 0, 1000L *
			    (long)(rand_r(&seed) % 1000) };

			nanosleep(&ts, NULL);
			if (kill(pid, SIGKILL) == 0)
				kills++;
		}
		ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
		rounds++;
		if (WIFEXITED(ws)) {
			ck_assert_int_eq(WEXITSTATUS(ws), 0);
			break;
		}
	}
	ck_assert_int_ge(kills, CRASH_KILLS);
	fd = open(donefile, O_RDONLY);
	ck_assert_int_eq(pread(fd, &done, sizeof(done), 0), sizeof(done));
	close(fd);
	ck_assert_int_eq(done, CRASH_ITEMS);
	/* A last open removes what the last kill may have left. */
	t = export_target_new("c", f, outdir);
	ck_assert_int_eq(export_target_open(t, NULL, 0), EXPORT_OK);
	export_target_free(t);
	ls = listing(dir);
	ck_assert_int_eq(count_lines(ls), CRASH_ITEMS);
	ck_assert(strstr(ls, ".tmp") == NULL);
	free(ls);
	if (f == EXPORT_FMT_MAILDIR) {
		p = xasprintf("%s/tmp", outdir);
		ls = listing(p);
		ck_assert_str_eq(ls, "");
		free(ls);
		free(p);
	}
	for (i = 0; i < CRASH_ITEMS; i++) {
		char *got;

		a = sample_article(i);
		it = item_for(a);
		name = expected_name(&it, f);
		p = xasprintf("%s/%s", dir, name);
		buf_reset(&want);
		export_format_render(&it, f, &want, NULL, 0);
		got = slurp(p, &len);
		ck_assert_msg(len == want.len && memcmp(got, want.data,
		    len) == 0, "item %d is not whole", i);
		free(got);
		free(p);
		free(name);
		article_free(a);
	}
	fprintf(stderr, "test_crash_replay(%s): %d kills in %d runs; %d "
	    "restarts replayed a delivered item, %d found a temporary file\n",
	    export_format_name(f), kills, rounds, replays, temps);
	buf_free(&want);
	free(dir);
	free(donefile);
}
END_TEST

static struct export_target *
exec_target(const char *cmd)
{
	struct export_target *t = export_target_new("x", EXPORT_FMT_EXEC,
	    cmd);

	t->s.timeout_ms = 5000;
	return t;
}

START_TEST(test_exec_ok)
{
	struct article *a = sample_article(10);
	struct export_item it = item_for(a);
	struct export_target *t;
	struct buf want = { 0 };
	char ebuf[256], *cmd, *p, *got, *big;
	size_t len;
	int i;

	article_set(&a->title, "Line\nbreak $(touch /tmp/pwned) `id`");
	setenv("TIDINGS_TITLE", "stale from our own environment", 1);
	cmd = xasprintf("cat >'%s/stdin'; env | grep ^TIDINGS_ | sort "
	    ">'%s/env'", outdir, outdir);
	t = exec_target(cmd);
	ck_assert_msg(export_deliver(t, &it, ebuf, sizeof(ebuf)) == EXPORT_OK,
	    "%s", ebuf);
	unsetenv("TIDINGS_TITLE");
	export_format_json(&it, &want);
	p = xasprintf("%s/stdin", outdir);
	got = slurp(p, NULL);
	ck_assert_str_eq(got, want.data);
	free(got);
	free(p);
	p = xasprintf("%s/env", outdir);
	got = slurp(p, NULL);
	ck_assert_str_eq(got,
	    "TIDINGS_FEED=example\n"
	    "TIDINGS_FEED_TITLE=Example Feed\n"
	    "TIDINGS_FEED_URL=https://example.org/feed\n"
	    "TIDINGS_ID=id-10\n"
	    "TIDINGS_KIND=new\n"
	    "TIDINGS_LINK=https://example.org/a\n"
	    "TIDINGS_REVISION=1\n"
	    "TIDINGS_TARGET=x\n"
	    "TIDINGS_TITLE=Line break $(touch /tmp/pwned) `id`\n");
	ck_assert_int_eq(t->running, 0);
	free(got);
	free(p);
	free(cmd);
	export_target_free(t);

	/* A 1 MB title would not fit the environment: cut, still runs, and
	 * the cut keeps whole characters. */
	big = xmalloc(1000001);
	for (i = 0; i < 1000000; i++)
		big[i] = "\xd1\x97"[i % 2];
	big[1000000] = '\0';
	article_set(&a->title, big);
	free(big);
	cmd = xasprintf("printf %%s \"$TIDINGS_TITLE\" >'%s/title'", outdir);
	t = exec_target(cmd);
	ck_assert_msg(export_deliver(t, &it, ebuf, sizeof(ebuf)) == EXPORT_OK,
	    "%s", ebuf);
	p = xasprintf("%s/title", outdir);
	got = slurp(p, &len);
	ck_assert_uint_eq(len, 4096);
	ck_assert(memcmp(got, a->title, len) == 0);
	free(got);
	free(p);
	free(cmd);
	buf_free(&want);
	export_target_free(t);
	article_free(a);
}
END_TEST

/* The command gets stdin, stdout and stderr and nothing else: no socket of
 * a feed transfer, no pipe, no file tidings happens to hold open.  The
 * shell's own descriptors are listed (ls -l /proc/SHELL/fd); /bin/sh may
 * keep copies of 0-2 of its own up there, so the test looks for what we
 * opened rather than for exactly three entries. */
START_TEST(test_exec_inherits_no_descriptor)
{
	struct article *a = sample_article(14);
	struct export_item it = item_for(a);
	struct export_target *t;
	char ebuf[256], *cmd, *p, *got, *held, *line;
	int sv[2], pp[2], fd;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(pp), 0);
	held = xasprintf("%s/held", tmpdir);
	fd = open(held, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	/* One far up too, where a loop up to a guessed limit would stop. */
	ck_assert_int_eq(dup2(fd, 900), 900);
	cmd = xasprintf("exec >'%s/fds'; ls -l /proc/$$/fd", outdir);
	t = exec_target(cmd);
	ck_assert_msg(export_deliver(t, &it, ebuf, sizeof(ebuf)) == EXPORT_OK,
	    "%s", ebuf);
	p = xasprintf("%s/fds", outdir);
	got = slurp(p, NULL);
	ck_assert_msg(strstr(got, " 0 -> ") != NULL, "%s", got);
	ck_assert_msg(strstr(got, " 900 -> ") == NULL && strstr(got, held) ==
	    NULL, "the command inherited:\n%s", got);
	/* Above 2, nothing but the shell's copies of its own 0-2 (which
	 * here are a deleted temporary file, a regular file and /dev/null
	 * at most; our stderr may be a pipe, theirs never a socket). */
	for (line = got; (line = strstr(line, " -> ")) != NULL; line += 4) {
		const char *num = line;

		while (num > got && num[-1] != ' ')
			num--;
		if (atoi(num) <= 2)
			continue;
		ck_assert_msg(strncmp(line + 4, "socket:", 7) != 0 &&
		    strncmp(line + 4, "pipe:", 5) != 0,
		    "the command inherited:\n%s", got);
	}
	close(sv[0]);
	close(sv[1]);
	close(pp[0]);
	close(pp[1]);
	close(fd);
	close(900);
	free(got);
	free(p);
	free(held);
	free(cmd);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_exec_failure_and_argv)
{
	struct article *a = sample_article(11);
	struct export_item it = item_for(a);
	struct export_target *t = exec_target("exit 3");
	char ebuf[256];
	static char *ok_argv[] = { "true", NULL };
	static char *bad_argv[] = { "/nonexistent/hook", NULL };

	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_EEXEC);
	ck_assert_ptr_nonnull(strstr(ebuf, "status 3"));
	ck_assert_int_eq(t->state, EXPORT_EEXEC);
	export_target_free(t);
	t = exec_target("kill -TERM $$");
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_EEXEC);
	ck_assert_ptr_nonnull(strstr(ebuf, "signal 15"));
	/* argv: run without a shell. */
	free(t->s.command);
	t->s.command = NULL;
	t->argv = xcalloc(2, sizeof(char *));
	t->argv[0] = xstrdup(ok_argv[0]);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_OK);
	free(t->argv[0]);
	t->argv[0] = xstrdup(bad_argv[0]);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_EEXEC);
	ck_assert_int_eq(t->running, 0);
	export_target_free(t);
	article_free(a);
}
END_TEST

static int
process_gone(pid_t pid)
{
	char path[64], buf[256];
	FILE *fp;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 1;
	p = fgets(buf, sizeof(buf), fp);
	fclose(fp);
	/* A zombie waiting for a reaper is dead too. */
	return p != NULL && (p = strrchr(buf, ')')) != NULL && p[2] == 'Z';
}

START_TEST(test_exec_timeout_kills_group)
{
	struct article *a = sample_article(12);
	struct export_item it = item_for(a);
	struct export_target *t;
	struct timespec t0, t1, ts = { 0, 20000000 };
	char ebuf[256], *cmd, *p, *got;
	double secs;
	pid_t bg;
	int i;

	cmd = xasprintf("sleep 30 & echo $! >'%s/bg'; wait", outdir);
	t = exec_target(cmd);
	t->s.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(export_deliver(t, &it, ebuf, sizeof(ebuf)),
	    EXPORT_ETIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs >= 0.29 && secs < 3, "took %.2f s", secs);
	p = xasprintf("%s/bg", outdir);
	got = slurp(p, NULL);
	bg = (pid_t)atol(got);
	ck_assert_int_gt(bg, 0);
	for (i = 0; i < 100 && !process_gone(bg); i++)
		nanosleep(&ts, NULL);
	ck_assert_msg(process_gone(bg), "the shell's child %ld lives on",
	    (long)bg);
	free(got);
	free(p);
	free(cmd);
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_exec_concurrency_cap)
{
	struct article *a = sample_article(13);
	struct export_item it = item_for(a);
	struct export_target *t = exec_target("sleep 0.2");
	struct export_job *j[3];
	struct timespec ts = { 0, 10000000 };
	int i, done;

	t->s.concurrency = 2;
	ck_assert_int_eq(export_exec_start(t, &it, &j[0], NULL, 0), EXPORT_OK);
	ck_assert_int_eq(export_exec_start(t, &it, &j[1], NULL, 0), EXPORT_OK);
	ck_assert_int_eq(export_exec_start(t, &it, &j[2], NULL, 0),
	    EXPORT_EBUSY);
	ck_assert_ptr_null(j[2]);
	ck_assert_int_gt(export_job_pid(j[0]), 0);
	ck_assert_int_eq(t->running, 2);
	for (done = 0; done < 2; ) {
		for (done = 0, i = 0; i < 2; i++)
			done += export_job_poll(j[i], NULL, 0) == EXPORT_OK;
		nanosleep(&ts, NULL);
	}
	ck_assert_int_eq(t->running, 0);
	ck_assert_int_eq(export_exec_start(t, &it, &j[2], NULL, 0), EXPORT_OK);
	/* Freeing a running job kills it. */
	export_job_free(j[2]);
	ck_assert_int_eq(t->running, 0);
	export_job_free(j[0]);
	export_job_free(j[1]);
	export_target_free(t);
	article_free(a);
}
END_TEST

/* ---- the outbox: an exec article its command keeps refusing ---- */

static void
ob_put(struct store *st, int64_t feed, const char *title, int64_t now)
{
	struct article *a = article_new();
	struct dedup_keys k;
	struct dedup_plan p;
	struct dedup_item u;
	char ebuf[256], *link;

	link = xasprintf("https://example.org/%s", title);
	article_set(&a->guid, link);
	article_set(&a->id, link);
	article_set(&a->link, link);
	article_set(&a->title, title);
	article_set(&a->text, title);
	dedup_keys_compute(a, NULL, &k);
	dedup_plan_make(DEDUP_AUTO, &k, 1, 0, &p);
	memset(&u, 0, sizeof(u));
	u.plan = &p;
	u.keys = &k;
	u.now = now;
	ck_assert_int_eq(store_batch_begin(st, feed, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_msg(dedup_item_store(st, a, &u, ebuf, sizeof(ebuf)) ==
	    ERR_OK, "%s", ebuf);
	ck_assert_int_eq(store_batch_commit(st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(u.outcome, DEDUP_NEW);
	free(link);
	article_free(a);
}

static long
ob_pending(struct store *st)
{
	char ebuf[256];
	long n;

	ck_assert_int_eq(outbox_pending(st, "hook", &n, ebuf, sizeof(ebuf)),
	    ERR_OK);
	return n;
}

/* The jobs the command kept (it removes what it refuses). */
static int
ob_jobs(void)
{
	DIR *d = opendir(outdir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "job.", 4) == 0;
	closedir(d);
	return n;
}

struct ob_err {
	char	 msg[512];
	int64_t	 time;
};

static int
ob_err_cb(void *ctx, const struct store_target *t)
{
	struct ob_err *e = ctx;

	if (strcmp(t->name, "hook") == 0) {
		snprintf(e->msg, sizeof(e->msg), "%s",
		    t->last_error != NULL ? t->last_error : "");
		e->time = t->last_error_time;
	}
	return 0;
}

/* What `tidings outbox` would print as the target's last error. */
static const char *
ob_error(struct store *st, struct ob_err *e)
{
	char ebuf[256];

	memset(e, 0, sizeof(*e));
	ck_assert_int_eq(store_targets_list(st, ob_err_cb, e, ebuf,
	    sizeof(ebuf)), ERR_OK);
	return e->msg;
}

/* One round of the exporter at now; the daemon's way (async) collects
 * the commands it started until none runs. */
static void
ob_drain(struct outbox *ob, struct store *st, time_t now)
{
	int i;

	for (i = 0; i < 1000; i++) {
		outbox_drain(ob, st, now, 0);
		if (!outbox_busy(ob))
			return;
		usleep(5000);
	}
	ck_abort_msg("export commands still running");
}

START_TEST(test_outbox_sets_aside)
{
	struct conf c;
	struct conf_diag d = { 0 };
	struct outbox *ob;
	struct store *st;
	struct ob_err e;
	struct export_target *t;
	char ebuf[256], *text, *db, *fixed;
	int64_t feed;
	int fd;

	/* refuses the article titled Poison until the file "fixed" exists */
	fixed = xasprintf("%s/fixed", tmpdir);
	text = xasprintf("[export hook]\n"
	    "format = exec\n"
	    "retries = 1\n"
	    "retry_base = 10s\n"
	    "retry_max = 100s\n"
	    "command = \"f=$(mktemp %s/job.XXXXXX); cat >$f; "
	    "if [ ! -e %s ] && grep -q Poison $f; then rm $f; exit 3; fi\"\n",
	    outdir, fixed);
	conf_init(&c);
	ck_assert_int_eq(conf_parse(&c, "t.conf", text, strlen(text), &d),
	    ERR_OK);
	ob = outbox_new();
	outbox_add_targets(ob, c.exports, c.nexports);
	conf_free(&c);
	outbox_set_async(ob, _i);
	t = outbox_find(ob, "hook");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->s.retry_base, 10);
	ck_assert_uint_eq(t->s.retry_max, 100);

	db = xasprintf("%s/db", tmpdir);
	ck_assert_int_eq(store_open(db, 0, &st, ebuf, sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(store_feed_ensure(st, "https://example.org/feed",
	    "f", &feed, ebuf, sizeof(ebuf)), ERR_OK);
	ob_put(st, feed, "A", 900);
	ob_put(st, feed, "Poison", 900);
	ob_put(st, feed, "C", 900);

	/* the first failure holds the target back for retry_base */
	ob_drain(ob, st, 1000);
	ck_assert_int_eq(ob_jobs(), 1);
	ck_assert_int_eq(ob_pending(st), 2);
	ck_assert_uint_eq(outbox_failing(ob), 1);
	ck_assert_int_eq(outbox_next_retry(ob), 1010);
	ck_assert_ptr_nonnull(strstr(ob_error(st, &e), "command failed"));
	ck_assert_ptr_null(strstr(e.msg, "set aside"));
	ob_drain(ob, st, 1009);
	ck_assert_int_eq(ob_jobs(), 1);

	/* 1 + retries failures: set aside, the others go ahead, and the
	 * store says why it is still pending */
	ob_drain(ob, st, 1010);
	ck_assert_int_eq(ob_jobs(), 2);
	ck_assert_int_eq(ob_pending(st), 1);
	ck_assert_uint_eq(outbox_failing(ob), 0);
	ck_assert_int_eq(outbox_next_retry(ob), 1110);
	ck_assert_msg(strstr(ob_error(st, &e), "1 event set aside after 2 "
	    "failed attempts, tried again every 100s; event 2: command "
	    "failed") != NULL, "%s", e.msg);
	ck_assert_int_eq(e.time, 1010);

	/* new articles pass it too */
	ob_put(st, feed, "D", 1050);
	ob_drain(ob, st, 1050);
	ck_assert_int_eq(ob_jobs(), 3);
	ck_assert_int_eq(ob_pending(st), 1);

	/* fixed, but set aside until retry_max has gone by */
	fd = open(fixed, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ob_drain(ob, st, 1109);
	ck_assert_int_eq(ob_jobs(), 3);
	ck_assert_int_eq(ob_pending(st), 1);
	ob_drain(ob, st, 1110);
	ck_assert_int_eq(ob_jobs(), 4);
	ck_assert_int_eq(ob_pending(st), 0);
	ck_assert_str_eq(ob_error(st, &e), "");
	ck_assert_int_eq(outbox_next_retry(ob), 0);

	store_close(st);
	outbox_free(ob);
	free(db);
	free(text);
	free(fixed);
}
END_TEST

START_TEST(test_parse_spec)
{
	struct export_target *t;
	char ebuf[256], cwd[4096];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir("/tmp"), 0);
	ck_assert_int_eq(export_target_parse_spec("text:OUT", &t, ebuf,
	    sizeof(ebuf)), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_int_eq(t->s.format, EXPORT_FMT_TEXT);
	ck_assert_str_eq(t->s.dir, "/tmp/OUT");
	ck_assert_str_eq(t->s.name, "text:/tmp/OUT");
	ck_assert_int_eq(t->s.fsync, 1);
	ck_assert_int_eq(t->s.updates, 0);
	export_target_free(t);
	ck_assert_int_eq(export_target_parse_spec("json:/a:b", &t, NULL, 0),
	    0);
	ck_assert_int_eq(t->s.format, EXPORT_FMT_JSON);
	ck_assert_str_eq(t->s.dir, "/a:b");
	export_target_free(t);
	setenv("HOME", "/home/reader", 1);
	ck_assert_int_eq(export_target_parse_spec("maildir:~/Mail", &t, NULL,
	    0), 0);
	ck_assert_int_eq(t->s.format, EXPORT_FMT_MAILDIR);
	ck_assert_str_eq(t->s.dir, "/home/reader/Mail");
	ck_assert_str_eq(t->s.name, "maildir:/home/reader/Mail");
	export_target_free(t);
	ck_assert_int_eq(export_target_parse_spec("exec:cat >x", &t, NULL,
	    0), 0);
	ck_assert_int_eq(t->s.format, EXPORT_FMT_EXEC);
	ck_assert_str_eq(t->s.name, "exec:cat >x");
	ck_assert_str_eq(t->s.command, "cat >x");
	ck_assert_ptr_null(t->s.dir);
	export_target_free(t);

	ck_assert_int_eq(export_target_parse_spec("OUT", &t, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(ebuf, "FORMAT:DIR"));
	ck_assert_int_eq(export_target_parse_spec("html:OUT", &t, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(ebuf, "unknown format \"html\""));
	ck_assert_int_eq(export_target_parse_spec("text:", &t, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(ebuf, "empty directory"));
	ck_assert_int_eq(export_target_parse_spec(":OUT", &t, ebuf,
	    sizeof(ebuf)), ERR_INVALID);
}
END_TEST

START_TEST(test_filter)
{
	struct article *a = sample_article(14);
	struct export_item it = item_for(a);
	struct export_target *t = export_target_new("t", EXPORT_FMT_TEXT,
	    "d");
	static const char *tags[] = { "tech", "news" };

	ck_assert(export_target_wants(t, &it));
	it.kind = EXPORT_KIND_UPDATE;
	ck_assert(!export_target_wants(t, &it));
	t->s.updates = 1;
	ck_assert(export_target_wants(t, &it));
	it.kind = EXPORT_KIND_DUPLICATE;
	ck_assert(!export_target_wants(t, &it));
	t->s.duplicates = 1;
	ck_assert(export_target_wants(t, &it));
	it.kind = EXPORT_KIND_NEW;

	export_target_add_feed(t, "other");
	ck_assert(!export_target_wants(t, &it));
	export_target_add_feed(t, "https://example.org/feed");
	ck_assert(export_target_wants(t, &it));

	export_target_add_tag(t, "news");
	ck_assert(!export_target_wants(t, &it));	/* item has no tags */
	it.tags = tags;
	it.ntags = 2;
	ck_assert(export_target_wants(t, &it));
	it.ntags = 1;
	ck_assert(!export_target_wants(t, &it));
	export_target_free(t);
	article_free(a);
}
END_TEST

START_TEST(test_backoff)
{
	ck_assert_uint_eq(export_backoff(0, 10, 3600), 0);
	ck_assert_uint_eq(export_backoff(1, 10, 3600), 10);
	ck_assert_uint_eq(export_backoff(2, 10, 3600), 20);
	ck_assert_uint_eq(export_backoff(3, 10, 3600), 40);
	ck_assert_uint_eq(export_backoff(9, 10, 3600), 2560);
	ck_assert_uint_eq(export_backoff(10, 10, 3600), 3600);
	ck_assert_uint_eq(export_backoff(4000000000u, 10, 3600), 3600);
	ck_assert_uint_eq(export_backoff(64, 3000000000u, 4000000000u),
	    4000000000u);
	ck_assert_uint_eq(export_backoff(1, 100, 50), 50);
	ck_assert_str_eq(export_status_name(EXPORT_EFULL), "file system full");
}
END_TEST

/* Retry-After: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
START_TEST(test_retry_after)
{
	/* Sun, 06 Nov 1994 08:49:37 GMT */
	time_t now = 784111777;

	ck_assert_int_eq(export_retry_after("120", now), 120);
	ck_assert_int_eq(export_retry_after(" 0 ", now), 0);
	ck_assert_int_eq(export_retry_after("99999999999999", now), 100000000);
	ck_assert_int_eq(export_retry_after("Sun, 06 Nov 1994 08:50:07 GMT",
	    now), 30);
	ck_assert_int_eq(export_retry_after("Sunday, 06-Nov-94 08:51:37 GMT",
	    now), 120);
	ck_assert_int_eq(export_retry_after("Sun Nov  6 08:49:47 1994", now),
	    10);
	/* in the past: now */
	ck_assert_int_eq(export_retry_after("Sat, 05 Nov 1994 08:49:37 GMT",
	    now), 0);
	ck_assert_int_eq(export_retry_after("", now), -1);
	ck_assert_int_eq(export_retry_after("soon", now), -1);
	ck_assert_int_eq(export_retry_after("-5", now), -1);
	ck_assert_int_eq(export_retry_after("12abc", now), -1);
}
END_TEST

static void
put_secret(const char *path, const char *s, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(s, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_secret_read)
{
	char path[128], ebuf[512], *sec;
	size_t len;

	snprintf(path, sizeof(path), "%s/secret", tmpdir);
	put_secret(path, "k3y with spaces\n", 0600);
	ck_assert_int_eq(export_secret_read(path, &sec, &len, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(len, 15);
	ck_assert_mem_eq(sec, "k3y with spaces", 15);
	free(sec);
	/* others may read it: refused, the message names file and mode,
	 * never the content */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_ne(export_secret_read(path, &sec, &len, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_null(sec);
	ck_assert_ptr_nonnull(strstr(ebuf, path));
	ck_assert_ptr_nonnull(strstr(ebuf, "0644"));
	ck_assert_ptr_null(strstr(ebuf, "k3y"));
	/* its own group, owned by us: refused too */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_ne(export_secret_read(path, &sec, &len, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(strstr(ebuf, "0640"));
	put_secret(path, "\n", 0600);
	ck_assert_int_ne(export_secret_read(path, &sec, &len, ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_ptr_nonnull(strstr(ebuf, "empty"));
	ck_assert_int_ne(export_secret_read(tmpdir, &sec, &len, ebuf,
	    sizeof(ebuf)), ERR_OK);
}
END_TEST

/* The Idempotency-Key: the same for the same delivery, new for a new
 * revision or another article. */
START_TEST(test_webhook_key)
{
	struct article a = { 0 };
	struct export_item it = { 0 };
	char k1[80], k2[80], k3[80], k4[80], ebuf[128];

	it.article = &a;
	it.identity = "http://example.org/feed\nid-1";
	it.revision = 1;
	ck_assert_int_eq(export_format_key(&it, k1, sizeof(k1), ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_uint_eq(strlen(k1), 64);
	ck_assert_int_eq(export_format_key(&it, k2, sizeof(k2), ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_eq(k1, k2);
	it.revision = 3;
	ck_assert_int_eq(export_format_key(&it, k3, sizeof(k3), ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_int_eq(strncmp(k1, k3, 64), 0);
	ck_assert_str_eq(k3 + 64, ".r3");
	it.revision = 1;
	it.identity = "http://example.org/feed\nid-2";
	ck_assert_int_eq(export_format_key(&it, k4, sizeof(k4), ebuf,
	    sizeof(ebuf)), ERR_OK);
	ck_assert_str_ne(k1, k4);
	it.identity = "";
	ck_assert_int_eq(export_format_key(&it, k4, sizeof(k4), ebuf,
	    sizeof(ebuf)), ERR_INVALID);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *files = tcase_create("files");
	TCase *mail = tcase_create("maildir");
	TCase *exec = tcase_create("exec");
	TCase *pure = tcase_create("pure");
	TCase *hook = tcase_create("webhook");

	tcase_add_checked_fixture(files, setup, teardown);
	tcase_set_timeout(files, 180);
	tcase_add_test(files, test_write_and_replay);
	tcase_add_test(files, test_json_target);
	tcase_add_test(files, test_deferred_dirsync);
	tcase_add_test(files, test_collision_refused);
	tcase_add_test(files, test_directory_missing_then_back);
	tcase_add_test(files, test_log_once_per_state_change);
	tcase_add_test(files, test_stale_temp_removed);
	tcase_add_test(files, test_unwritable);
	tcase_add_test(files, test_full_tmpfs);
	tcase_add_test(files, test_full_tmpfs_no_partial);
	tcase_add_test(files, test_file_size_limit);
	tcase_add_loop_test(files, test_crash_replay, 0, 2);
	suite_add_tcase(s, files);

	tcase_add_checked_fixture(mail, setup, teardown);
	tcase_add_test(mail, test_maildir);
	suite_add_tcase(s, mail);

	tcase_add_checked_fixture(hook, setup, teardown);
	tcase_add_test(hook, test_secret_read);
	suite_add_tcase(s, hook);

	tcase_add_checked_fixture(exec, setup, teardown);
	tcase_set_timeout(exec, 30);
	tcase_add_test(exec, test_exec_ok);
	tcase_add_test(exec, test_exec_failure_and_argv);
	tcase_add_test(exec, test_exec_inherits_no_descriptor);
	tcase_add_test(exec, test_exec_timeout_kills_group);
	tcase_add_test(exec, test_exec_concurrency_cap);
	tcase_add_loop_test(exec, test_outbox_sets_aside, 0, 2);
	suite_add_tcase(s, exec);

	tcase_add_test(pure, test_parse_spec);
	tcase_add_test(pure, test_filter);
	tcase_add_test(pure, test_backoff);
	tcase_add_test(pure, test_retry_after);
	tcase_add_test(pure, test_webhook_key);
	suite_add_tcase(s, pure);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(export_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
