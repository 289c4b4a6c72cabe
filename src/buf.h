#ifndef TIDINGS_BUF_H
#define TIDINGS_BUF_H
/*
 * Growable byte buffers, always NUL-terminated, of two types:
 *
 *   struct buf    no cap: an append cannot fail (out of memory aborts, in
 *                 xmalloc), so the appends return nothing.
 *   struct cbuf   a capped buf: `max` bounds what a hostile input can make
 *                 us allocate.  An append that would pass it fails with -1
 *                 and leaves the buffer as it was.  The appends are
 *                 warn_unused_result: the caller decides, at each one,
 *                 whether the text is cut there or the whole job fails.
 *
 * The rule: a buffer that has a cap is a cbuf, and only the cbuf_*
 * appends write to it (never buf_* on its `b`), so no append to a capped
 * buffer can ignore its result and compile under -Werror.  Reading,
 * resetting, freeing and detaching go through `b` with the buf_*
 * functions.  A zeroed struct buf is a valid empty buffer; so is a zeroed
 * struct cbuf, with no cap until max is set (0 = none, for a limit that
 * a configuration may turn off).
 */
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
};

struct cbuf {
	struct buf b;
	size_t	 max;	/* at most this many bytes in b.len; 0 = no cap */
};

#define BUF_MUST_CHECK __attribute__((warn_unused_result))

void	 buf_append_slow(struct buf *b, const void *p, size_t n);
int	 cbuf_append_slow(struct cbuf *c, const void *p, size_t n)
	    BUF_MUST_CHECK;
/*
 * Appends are inline when they fit (most do): the HTML and JSON writers
 * append short pieces, constant ones often, whose strlen and memcpy the
 * compiler then does in place.  A fitting append needs room for the
 * bytes and the NUL (and, capped, len + n within max: grow()'s test).
 */
static inline void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len) {
		if (n)
			__builtin_memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	buf_append_slow(b, p, n);
}

static inline BUF_MUST_CHECK int
cbuf_append(struct cbuf *c, const void *p, size_t n)
{
	struct buf *b = &c->b;

	if (n < b->cap - b->len && (c->max == 0 || b->len + n <= c->max)) {
		if (n)
			__builtin_memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return cbuf_append_slow(c, p, n);
}

static inline void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, __builtin_strlen(s));
}

static inline BUF_MUST_CHECK int
cbuf_puts(struct cbuf *c, const char *s)
{
	return cbuf_append(c, s, __builtin_strlen(s));
}

/* Makes room for n more bytes without appending (capped: -1 past max). */
void	 buf_reserve(struct buf *b, size_t n);
int	 cbuf_reserve(struct cbuf *c, size_t n) BUF_MUST_CHECK;
void	 buf_putc_slow(struct buf *b, int c);
/* A format vsnprintf cannot do (an invalid wide character) appends
 * nothing; a capped buffer's printf returns -1 then too. */
int	 cbuf_putc_slow(struct cbuf *c, int ch) BUF_MUST_CHECK;
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *b, const char *fmt, va_list ap);
int	 cbuf_printf(struct cbuf *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3))) BUF_MUST_CHECK;
int	 cbuf_vprintf(struct cbuf *c, const char *fmt, va_list ap)
	    BUF_MUST_CHECK;
/*
 * One byte: inline when it fits, since the HTML and JSON writers append
 * byte by byte.  The test is grow()'s: room for the byte and the NUL
 * (and, capped, len + 1 within max).
 */
static inline void
buf_putc(struct buf *b, int c)
{
	if (b->len + 2 <= b->cap) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return;
	}
	buf_putc_slow(b, c);
}

static inline BUF_MUST_CHECK int
cbuf_putc(struct cbuf *c, int ch)
{
	struct buf *b = &c->b;

	if (b->len + 2 <= b->cap && (c->max == 0 || b->len < c->max)) {
		b->data[b->len++] = (char)ch;
		b->data[b->len] = '\0';
		return 0;
	}
	return cbuf_putc_slow(c, ch);
}
/* Appends the UTF-8 encoding of code point cp (invalid ones become U+FFFD). */
void	 buf_put_utf8(struct buf *b, unsigned long cp);
int	 cbuf_put_utf8(struct cbuf *c, unsigned long cp) BUF_MUST_CHECK;
/* Returns "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
void	 buf_reset(struct buf *b);	/* len = 0, keeps memory */
void	 buf_free(struct buf *b);	/* frees memory (a cbuf keeps max) */
/* Hands the string to the caller (who frees it); the buffer becomes empty. */
char	*buf_detach(struct buf *b);
/* Removes trailing ASCII white space. */
void	 buf_rtrim(struct buf *b);
/*
 * Appends a whole file (path NULL = stdin) to b.  Returns 0 or the errno
 * of the failed open or read; b keeps what was read either way, for the
 * caller to free.
 */
int	 buf_read_file(struct buf *b, const char *path);
/* The same within c->max: EFBIG when the file passes the cap. */
int	 cbuf_read_file(struct cbuf *c, const char *path) BUF_MUST_CHECK;

#endif
