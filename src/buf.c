#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/*
 * Makes room for extra more bytes and the NUL, within max (0 = no cap).
 * -1 past max, or past what a size_t can count.
 */
static int
grow(struct buf *b, size_t extra, size_t max)
{
	size_t need, cap;

	if (extra > (size_t)-1 - b->len - 1)
		return -1;
	need = b->len + extra + 1;
	if (max && need > max + 1)
		return -1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

/* grow() with no cap: it fails only when len + extra + 1 passes what a
 * size_t counts, more than memory holds, and that is out of memory:
 * xreallocarray's overflow check aborts. */
static void
grow_any(struct buf *b, size_t extra)
{
	if (grow(b, extra, 0) < 0)
		xreallocarray(b->data, SIZE_MAX, 2);
}

static int
reserve(struct buf *b, size_t n, size_t max)
{
	if (grow(b, n, max) < 0)
		return -1;
	if (b->data != NULL)
		b->data[b->len] = '\0';
	return 0;
}

void
buf_reserve(struct buf *b, size_t n)
{
	grow_any(b, n);
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

int
cbuf_reserve(struct cbuf *c, size_t n)
{
	return reserve(&c->b, n, c->max);
}

static int
append(struct buf *b, const void *p, size_t n, size_t max)
{
	if (grow(b, n, max) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* buf_append when the bytes do not fit as they are (buf.h). */
void
buf_append_slow(struct buf *b, const void *p, size_t n)
{
	grow_any(b, n);
	append(b, p, n, 0);
}

int
cbuf_append_slow(struct cbuf *c, const void *p, size_t n)
{
	return append(&c->b, p, n, c->max);
}

void
buf_putc_slow(struct buf *b, int c)
{
	char ch = (char)c;

	buf_append(b, &ch, 1);
}

int
cbuf_putc_slow(struct cbuf *c, int ch)
{
	char b = (char)ch;

	return cbuf_append(c, &b, 1);
}

static int
vprintf_max(struct buf *b, size_t max, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || grow(b, (size_t)n, max) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/* vsnprintf fails only on a format it cannot do (an invalid wide
 * character): nothing is appended then. */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	vprintf_max(b, 0, fmt, ap);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

int
cbuf_vprintf(struct cbuf *c, const char *fmt, va_list ap)
{
	return vprintf_max(&c->b, c->max, fmt, ap);
}

int
cbuf_printf(struct cbuf *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cbuf_vprintf(c, fmt, ap);
	va_end(ap);
	return r;
}

/* The UTF-8 encoding of cp (U+FFFD for an invalid one) in s; its length. */
static size_t
utf8(unsigned long cp, unsigned char s[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | (cp >> 6));
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		s[0] = (unsigned char)(0xE0 | (cp >> 12));
		s[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	s[0] = (unsigned char)(0xF0 | (cp >> 18));
	s[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	s[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	s[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

void
buf_put_utf8(struct buf *b, unsigned long cp)
{
	unsigned char s[4];
	size_t n = utf8(cp, s);

	buf_append(b, s, n);
}

int
cbuf_put_utf8(struct cbuf *c, unsigned long cp)
{
	unsigned char s[4];
	size_t n = utf8(cp, s);

	return cbuf_append(c, s, n);
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b)
{
	char *s = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_rtrim(struct buf *b)
{
	while (b->len > 0 && strchr(" \t\r\n\f\v", b->data[b->len - 1]) != NULL)
		b->data[--b->len] = '\0';
}

static int
read_file(struct buf *b, size_t max, const char *path)
{
	struct stat st;
	char chunk[65536];
	FILE *fp;
	size_t got;
	int rc = 0;

	if (path == NULL)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL)
		return errno;
	/* A regular file is read straight into one buffer of its size:
	 * growing a buffer chunk by chunk copied a 50 MB feed about twice
	 * and left a quarter of the capacity unused.  The loop below still
	 * reads what a growing file adds, and pipes. */
	if (b->data == NULL && fstat(fileno(fp), &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX &&
	    (max == 0 || (uintmax_t)st.st_size <= max)) {
		b->cap = (size_t)st.st_size + 1;
		b->data = xmalloc(b->cap);
		b->len = fread(b->data, 1, b->cap - 1, fp);
		b->data[b->len] = '\0';
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (max == 0)
			buf_append(b, chunk, got);
		else if (append(b, chunk, got, max) < 0) {
			rc = EFBIG;
			break;
		}
	}
	if (rc == 0 && ferror(fp))
		rc = errno ? errno : EIO;
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int
buf_read_file(struct buf *b, const char *path)
{
	return read_file(b, 0, path);
}

int
cbuf_read_file(struct cbuf *c, const char *path)
{
	return read_file(&c->b, c->max, path);
}
