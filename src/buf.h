#ifndef TIDINGS_BUF_H
#define TIDINGS_BUF_H
/*
 * A growable byte buffer, always NUL-terminated, optionally size-capped.
 * `max` (0 = unlimited) bounds what a hostile input can make us allocate:
 * an append that would pass it fails with -1 and leaves the buffer as it
 * was.  A zeroed struct buf is a valid empty buffer.
 */
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

int	 buf_append_slow(struct buf *b, const void *p, size_t n);
/*
 * Appends are inline when they fit (most do): the HTML and JSON writers
 * append short pieces, constant ones often, whose strlen and memcpy the
 * compiler then does in place.  A fitting append needs room for the
 * bytes and the NUL, and len + n within max: grow()'s test.
 */
static inline int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && (b->max == 0 || b->len + n <= b->max)) {
		if (n)
			__builtin_memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_append_slow(b, p, n);
}

static inline int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, __builtin_strlen(s));
}
/* Makes room for n more bytes without appending (-1 past max). */
int	 buf_reserve(struct buf *b, size_t n);
int	 buf_putc_slow(struct buf *b, int c);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/*
 * One byte: inline when it fits, since the HTML and JSON writers append
 * byte by byte.  The cap test is grow()'s: room for the byte and the NUL,
 * and len + 1 within max.
 */
static inline int
buf_putc(struct buf *b, int c)
{
	if (b->len + 2 <= b->cap && (b->max == 0 || b->len < b->max)) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_putc_slow(b, c);
}
/* Appends the UTF-8 encoding of code point cp (invalid ones become U+FFFD). */
int	 buf_put_utf8(struct buf *b, unsigned long cp);
/* Returns "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
void	 buf_reset(struct buf *b);	/* len = 0, keeps memory */
void	 buf_free(struct buf *b);	/* frees memory, keeps max */
/* Hands the string to the caller (who frees it); the buffer becomes empty. */
char	*buf_detach(struct buf *b);
/* Removes trailing ASCII white space. */
void	 buf_rtrim(struct buf *b);
/*
 * Appends a whole file (path NULL = stdin) to b, within b->max.  Returns 0,
 * EFBIG when the file passes the cap, or the errno of the failed open or
 * read; b keeps what was read either way, for the caller to free.
 */
int	 buf_read_file(struct buf *b, const char *path);

#endif
