/*
 * Bytes in, valid UTF-8 out.  The common case, a document that already is
 * UTF-8, costs one pass that validates and copies at once; everything else
 * goes through glibc iconv (or, for windows-1252, a table of our own, since
 * glibc refuses the five bytes that windows-1252 leaves undefined while
 * browsers map them to C1 controls).
 */
#include <errno.h>
#include <stdint.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "encoding.h"
#include "err.h"
#include "xmalloc.h"

#define DECL_MAX	1024	/* how far an XML declaration may reach */
#define NAME_MAX_LEN	64	/* longer charset names are unknown anyway */
#define CHUNK		16384
#define ONES		0x0101010101010101ULL

struct alias {
	const char	*key;	/* lower case, letters and digits only */
	const char	*name;	/* what iconv is given */
};

/*
 * Keys are compared after normalisation (see normalise()), so "UTF_8",
 * "utf-8" and "'utf8'" all meet "utf8".  Where the web platform decodes a
 * label with a superset (latin1 and us-ascii as windows-1252, gb2312 as
 * GB18030, euc-kr as windows-949, shift_jis as windows-31j, big5 as
 * Big5-HKSCS), so do we: feeds are written for browsers.
 */
static const struct alias aliases[] = {
	{ "utf8", "UTF-8" },
	{ "unicode11utf8", "UTF-8" },
	{ "unicode20utf8", "UTF-8" },
	{ "xunicode20utf8", "UTF-8" },
	{ "u8", "UTF-8" },
	{ "cp65001", "UTF-8" },
	{ "utf16", "UTF-16" },
	{ "u16", "UTF-16" },
	{ "ucs2", "UTF-16" },
	{ "unicode", "UTF-16" },
	{ "csunicode", "UTF-16" },
	{ "iso10646ucs2", "UTF-16" },
	{ "utf16le", "UTF-16LE" },
	{ "ucs2le", "UTF-16LE" },
	{ "utf16be", "UTF-16BE" },
	{ "ucs2be", "UTF-16BE" },
	{ "unicodefffe", "UTF-16BE" },
	{ "utf32", "UTF-32" },
	{ "u32", "UTF-32" },
	{ "ucs4", "UTF-32" },
	{ "iso10646ucs4", "UTF-32" },
	{ "utf32le", "UTF-32LE" },
	{ "utf32be", "UTF-32BE" },
	{ "windows1252", "WINDOWS-1252" },
	{ "cp1252", "WINDOWS-1252" },
	{ "xcp1252", "WINDOWS-1252" },
	{ "win1252", "WINDOWS-1252" },
	{ "latin1", "WINDOWS-1252" },
	{ "l1", "WINDOWS-1252" },
	{ "iso88591", "WINDOWS-1252" },
	{ "iso885911987", "WINDOWS-1252" },
	{ "isoir100", "WINDOWS-1252" },
	{ "ibm819", "WINDOWS-1252" },
	{ "cp819", "WINDOWS-1252" },
	{ "csisolatin1", "WINDOWS-1252" },
	{ "8859", "WINDOWS-1252" },
	{ "usascii", "WINDOWS-1252" },
	{ "ascii", "WINDOWS-1252" },
	{ "ansix341968", "WINDOWS-1252" },
	{ "iso646us", "WINDOWS-1252" },
	{ "iso646irv1991", "WINDOWS-1252" },
	{ "isoir6", "WINDOWS-1252" },
	{ "us", "WINDOWS-1252" },
	{ "cp367", "WINDOWS-1252" },
	{ "ibm367", "WINDOWS-1252" },
	{ "csascii", "WINDOWS-1252" },
	{ "windows1250", "WINDOWS-1250" },
	{ "cp1250", "WINDOWS-1250" },
	{ "xcp1250", "WINDOWS-1250" },
	{ "win1250", "WINDOWS-1250" },
	{ "windows1251", "WINDOWS-1251" },
	{ "cp1251", "WINDOWS-1251" },
	{ "xcp1251", "WINDOWS-1251" },
	{ "win1251", "WINDOWS-1251" },
	{ "windows1253", "WINDOWS-1253" },
	{ "cp1253", "WINDOWS-1253" },
	{ "xcp1253", "WINDOWS-1253" },
	{ "win1253", "WINDOWS-1253" },
	{ "windows1254", "WINDOWS-1254" },
	{ "cp1254", "WINDOWS-1254" },
	{ "xcp1254", "WINDOWS-1254" },
	{ "win1254", "WINDOWS-1254" },
	{ "iso88599", "WINDOWS-1254" },
	{ "latin5", "WINDOWS-1254" },
	{ "l5", "WINDOWS-1254" },
	{ "windows1255", "WINDOWS-1255" },
	{ "cp1255", "WINDOWS-1255" },
	{ "xcp1255", "WINDOWS-1255" },
	{ "win1255", "WINDOWS-1255" },
	{ "windows1256", "WINDOWS-1256" },
	{ "cp1256", "WINDOWS-1256" },
	{ "xcp1256", "WINDOWS-1256" },
	{ "win1256", "WINDOWS-1256" },
	{ "windows1257", "WINDOWS-1257" },
	{ "cp1257", "WINDOWS-1257" },
	{ "xcp1257", "WINDOWS-1257" },
	{ "win1257", "WINDOWS-1257" },
	{ "windows1258", "WINDOWS-1258" },
	{ "cp1258", "WINDOWS-1258" },
	{ "xcp1258", "WINDOWS-1258" },
	{ "win1258", "WINDOWS-1258" },
	{ "iso88592", "ISO-8859-2" },
	{ "latin2", "ISO-8859-2" },
	{ "l2", "ISO-8859-2" },
	{ "csisolatin2", "ISO-8859-2" },
	{ "isoir101", "ISO-8859-2" },
	{ "iso88593", "ISO-8859-3" },
	{ "latin3", "ISO-8859-3" },
	{ "l3", "ISO-8859-3" },
	{ "iso88594", "ISO-8859-4" },
	{ "latin4", "ISO-8859-4" },
	{ "l4", "ISO-8859-4" },
	{ "iso88595", "ISO-8859-5" },
	{ "cyrillic", "ISO-8859-5" },
	{ "csisolatincyrillic", "ISO-8859-5" },
	{ "isoir144", "ISO-8859-5" },
	{ "iso88596", "ISO-8859-6" },
	{ "arabic", "ISO-8859-6" },
	{ "iso88597", "ISO-8859-7" },
	{ "greek", "ISO-8859-7" },
	{ "greek8", "ISO-8859-7" },
	{ "iso88598", "ISO-8859-8" },
	{ "iso88598i", "ISO-8859-8" },
	{ "hebrew", "ISO-8859-8" },
	{ "iso885910", "ISO-8859-10" },
	{ "latin6", "ISO-8859-10" },
	{ "iso885911", "WINDOWS-874" },
	{ "tis620", "WINDOWS-874" },
	{ "windows874", "WINDOWS-874" },
	{ "cp874", "WINDOWS-874" },
	{ "dos874", "WINDOWS-874" },
	{ "iso885913", "ISO-8859-13" },
	{ "iso885914", "ISO-8859-14" },
	{ "iso885915", "ISO-8859-15" },
	{ "latin9", "ISO-8859-15" },
	{ "l9", "ISO-8859-15" },
	{ "iso885916", "ISO-8859-16" },
	{ "latin10", "ISO-8859-16" },
	{ "koi8r", "KOI8-R" },
	{ "koi8", "KOI8-R" },
	{ "cskoi8r", "KOI8-R" },
	{ "koi8u", "KOI8-U" },
	{ "koi8ru", "KOI8-RU" },
	{ "ibm866", "CP866" },
	{ "cp866", "CP866" },
	{ "866", "CP866" },
	{ "csibm866", "CP866" },
	{ "macintosh", "MACINTOSH" },
	{ "mac", "MACINTOSH" },
	{ "macroman", "MACINTOSH" },
	{ "xmacroman", "MACINTOSH" },
	{ "csmacintosh", "MACINTOSH" },
	{ "xmaccyrillic", "MAC-CYRILLIC" },
	{ "maccyrillic", "MAC-CYRILLIC" },
	{ "xmacukrainian", "MAC-CYRILLIC" },
	{ "shiftjis", "CP932" },
	{ "sjis", "CP932" },
	{ "xsjis", "CP932" },
	{ "mskanji", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "windows31j", "CP932" },
	{ "cp932", "CP932" },
	{ "eucjp", "EUC-JP" },
	{ "xeucjp", "EUC-JP" },
	{ "cseucpkdfmtjapanese", "EUC-JP" },
	{ "ujis", "EUC-JP" },
	{ "iso2022jp", "ISO-2022-JP" },
	{ "csiso2022jp", "ISO-2022-JP" },
	{ "gb18030", "GB18030" },
	{ "gb2312", "GB18030" },
	{ "gbk", "GB18030" },
	{ "cp936", "GB18030" },
	{ "windows936", "GB18030" },
	{ "xgbk", "GB18030" },
	{ "csgb2312", "GB18030" },
	{ "gb231280", "GB18030" },
	{ "csiso58gb231280", "GB18030" },
	{ "isoir58", "GB18030" },
	{ "chinese", "GB18030" },
	{ "euccn", "GB18030" },
	{ "xeuccn", "GB18030" },
	{ "big5", "BIG5-HKSCS" },
	{ "big5hkscs", "BIG5-HKSCS" },
	{ "csbig5", "BIG5-HKSCS" },
	{ "xxbig5", "BIG5-HKSCS" },
	{ "cnbig5", "BIG5-HKSCS" },
	{ "cp950", "BIG5-HKSCS" },
	{ "euckr", "CP949" },
	{ "cseuckr", "CP949" },
	{ "ksc5601", "CP949" },
	{ "ksc56011987", "CP949" },
	{ "ksc56011989", "CP949" },
	{ "csksc56011987", "CP949" },
	{ "isoir149", "CP949" },
	{ "korean", "CP949" },
	{ "windows949", "CP949" },
	{ "cp949", "CP949" },
	{ "uhc", "CP949" },
	{ "iso2022kr", "ISO-2022-KR" },
};

/* What windows-1252 makes of 0x80-0x9F; 0 where it leaves a byte undefined. */
static const unsigned short cp1252_c1[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Printable ASCII and the three controls XML allows copy as they are. */
static int
is_plain(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x60 || c == '\n' || c == '\t' ||
	    c == '\r';
}

static void
normalise(const char *name, char *out, size_t n)
{
	size_t j = 0;
	unsigned char c;

	for (; (c = (unsigned char)*name) != '\0'; name++) {
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (j + 1 >= n) {
			j = 0;	/* too long to be a name we know */
			break;
		}
		out[j++] = (char)c;
	}
	out[j] = '\0';
}

const char *
encoding_canonical(const char *name)
{
	char key[NAME_MAX_LEN];
	size_t i;

	if (name == NULL)
		return NULL;
	normalise(name, key, sizeof(key));
	if (key[0] == '\0')
		return NULL;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].key, key) == 0)
			return aliases[i].name;
	return NULL;
}

/*
 * Length of the well-formed UTF-8 sequence at p (Unicode table 3-7), or,
 * negated, the length of its maximal ill-formed subpart: that subpart
 * becomes one U+FFFD, as Unicode and WHATWG recommend.  *cut is set when
 * the sequence was well-formed so far but the input ended.
 */
static int
utf8_seq(const unsigned char *p, size_t avail, int *cut)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	int need, i;

	*cut = 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* past U+10FFFF */
	} else
		return -1;
	for (i = 1; i <= need; i++) {
		if ((size_t)i >= avail) {
			*cut = 1;
			return -i;
		}
		if (p[i] < lo || p[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

/* Called where the output is about to differ from the input; with no
 * buffer (a check only) that is the answer: 2. */
#define FLUSH() do {							\
	if (b == NULL)							\
		return 2;						\
	if (i > run && cbuf_append(b, p + run, i - run) < 0)		\
		return -1;						\
} while (0)

/*
 * Appends p to b, cleaned: ill-formed sequences and the non-characters
 * U+FFFE/U+FFFF (which XML forbids) become U+FFFD, C0 controls other than
 * tab, LF and CR are dropped, and C1 controls that windows-1252 gives a
 * meaning become that character (they are what a windows-1252 text looks
 * like after being taken for latin-1; feedparser repairs them too, and
 * that is a repair, not a loss).  Clean runs are copied whole.
 * Returns -1 when b's cap is reached.  With strict set it gives up at the
 * first ill-formed sequence instead and returns 1, unless the sequence is
 * merely cut short by the end of the input (a truncated transfer).
 * With b NULL it only checks: 0 if the output would be p itself, else 2
 * (or 1, strict).
 */
static int
clean_utf8(struct cbuf *b, const unsigned char *p, size_t len, int strict,
    int *lossy)
{
	size_t i = 0, run = 0;
	unsigned char c;
	int k, cut;

	while (i < len) {
		/* Eight bytes at a time while they are all printable ASCII:
		 * no high bit set, and no byte below 0x20. */
		while (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (((w | ((w - ONES * 0x20) & ~w)) & ONES * 0x80) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = p[i];
		if (is_plain(c)) {
			i++;
			continue;
		}
		if (c < 0x80) {
			FLUSH();
			*lossy = 1;
			run = ++i;
			continue;
		}
		k = utf8_seq(p + i, len - i, &cut);
		if (k < 0) {
			if (strict && !cut)
				return 1;
			FLUSH();
			if (cbuf_put_utf8(b, 0xFFFD) < 0)
				return -1;
			*lossy = 1;
			i += (size_t)-k;
			run = i;
		} else if (c == 0xC2 && p[i + 1] < 0xA0) {
			FLUSH();
			if (cbuf_put_utf8(b, cp1252_c1[p[i + 1] - 0x80] ?
			    cp1252_c1[p[i + 1] - 0x80] : p[i + 1]) < 0)
				return -1;
			i += 2;
			run = i;
		} else if (c == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE) {
			FLUSH();
			if (cbuf_put_utf8(b, 0xFFFD) < 0)
				return -1;
			*lossy = 1;
			i += 3;
			run = i;
		} else
			i += (size_t)k;
	}
	if (b == NULL)
		return 0;
	FLUSH();
	return 0;
}

static int
decode_cp1252(struct cbuf *b, const unsigned char *p, size_t len, int *lossy)
{
	size_t i, run = 0;
	unsigned long cp;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = p[i];
		if (is_plain(c))
			continue;
		FLUSH();
		run = i + 1;
		if (c < 0x80) {
			*lossy = 1;
			continue;
		}
		cp = c;
		if (c < 0xA0 && cp1252_c1[c - 0x80] != 0)
			cp = cp1252_c1[c - 0x80];
		if (cbuf_put_utf8(b, cp) < 0)
			return -1;
	}
	FLUSH();
	return 0;
}

#undef FLUSH

/*
 * Decodes with iconv.  glibc stops at an invalid sequence (EILSEQ): we
 * emit U+FFFD, step over one code unit and go on.  iconv writes whole
 * characters only, so each chunk of its output can be cleaned on its own.
 * Returns -1 at the cap, -2 when iconv does not know the charset.
 */
static int
decode_iconv(struct cbuf *b, const char *from, const unsigned char *p,
    size_t len, size_t unit, int *lossy)
{
	char tmp[CHUNK], *ip = (char *)(uintptr_t)p, *op;
	size_t il = len, ol, r, step;
	iconv_t cd;
	int rc = 0, e;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -2;
	for (;;) {
		op = tmp;
		ol = sizeof(tmp);
		r = iconv(cd, &ip, &il, &op, &ol);
		e = errno;
		if (clean_utf8(b, (unsigned char *)tmp, (size_t)(op - tmp), 0,
		    lossy) < 0) {
			rc = -1;
			break;
		}
		if (r != (size_t)-1) {
			/* A stateful charset may still owe a reset sequence. */
			op = tmp;
			ol = sizeof(tmp);
			iconv(cd, NULL, NULL, &op, &ol);
			if (clean_utf8(b, (unsigned char *)tmp,
			    (size_t)(op - tmp), 0, lossy) < 0)
				rc = -1;
			break;
		}
		if (e == E2BIG)
			continue;
		*lossy = 1;
		if (cbuf_put_utf8(b, 0xFFFD) < 0) {
			rc = -1;
			break;
		}
		if (e != EILSEQ)
			break;	/* EINVAL: cut short at the end */
		step = unit < il ? unit : il;
		ip += step;
		il -= step;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return rc;
}

static const char *
sniff_bom(const unsigned char *p, size_t len, size_t *skip)
{
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*skip = 3;
		return "UTF-8";
	}
	if (len >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) {
		*skip = 4;
		return "UTF-32LE";
	}
	if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) {
		*skip = 4;
		return "UTF-32BE";
	}
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*skip = 2;
		return "UTF-16LE";
	}
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*skip = 2;
		return "UTF-16BE";
	}
	*skip = 0;
	return NULL;
}

/*
 * A document without a BOM that starts with ASCII in 16- or 32-bit code
 * units ("<\0?\0", "\0<\0?", ...).  No text in an 8-bit charset starts
 * with NUL bytes, so the pattern is safe to trust.
 */
static const char *
sniff_wide(const unsigned char *p, size_t len)
{
	if (len < 4)
		return NULL;
	if (!p[0] && !p[1] && !p[2] && p[3] && p[3] < 0x80)
		return "UTF-32BE";
	if (p[0] && p[0] < 0x80 && !p[1] && !p[2] && !p[3])
		return "UTF-32LE";
	if (!p[0] && p[1] && p[1] < 0x80 && !p[2] && p[3] && p[3] < 0x80)
		return "UTF-16BE";
	if (p[0] && p[0] < 0x80 && !p[1] && p[2] && p[2] < 0x80 && !p[3])
		return "UTF-16LE";
	return NULL;
}

static size_t
unit_size(const char *cs)
{
	if (strncmp(cs, "UTF-16", 6) == 0)
		return 2;
	if (strncmp(cs, "UTF-32", 6) == 0)
		return 4;
	return 1;
}

/*
 * Can text without a BOM be in code units of `unit` bytes?  Every feed
 * starts with an ASCII character ("<", "{" or white space), whose unit
 * holds unit - 1 zero bytes in either byte order; a first unit with
 * fewer is no such character.  Always 1 for 8-bit text.
 */
static int
wide_start(const unsigned char *p, size_t len, size_t unit)
{
	size_t i, zeros = 0;

	if (unit == 1 || len < unit)
		return 1;
	for (i = 0; i < unit; i++)
		zeros += p[i] == 0;
	return zeros >= unit - 1;
}

/* The ASCII prefix of a UTF-16/32 text, enough to read its declaration. */
static size_t
narrow(const unsigned char *p, size_t len, const char *cs, char *out,
    size_t n)
{
	size_t unit = unit_size(cs), off, i, j = 0, k;
	int be = strcmp(cs + 6, "BE") == 0;

	off = be ? unit - 1 : 0;
	for (i = 0; i + unit <= len && j + 1 < n; i += unit) {
		for (k = 0; k < unit; k++)
			if (k != off && p[i + k] != 0)
				goto done;
		if (p[i + off] == 0 || p[i + off] >= 0x80)
			break;
		out[j++] = (char)p[i + off];
	}
done:
	out[j] = '\0';
	return j;
}

/*
 * Finds the value of the encoding pseudo-attribute of an XML declaration
 * at the start of s (white space before it is tolerated): [*vs, *ve).
 */
static int
decl_encoding(const char *s, size_t len, size_t *vs, size_t *ve)
{
	size_t i = 0, end, j;
	char q;

	if (len > DECL_MAX)
		len = DECL_MAX;
	while (i < len && is_ws((unsigned char)s[i]))
		i++;
	if (len - i < 6 || memcmp(s + i, "<?xml", 5) != 0 ||
	    !is_ws((unsigned char)s[i + 5]))
		return 0;
	i += 5;
	for (end = i; end + 1 < len; end++)
		if (s[end] == '?' && s[end + 1] == '>')
			break;
	if (end + 1 >= len)
		return 0;
	for (; i + 8 < end; i++) {
		if (!is_ws((unsigned char)s[i - 1]) ||
		    memcmp(s + i, "encoding", 8) != 0)
			continue;
		j = i + 8;
		while (j < end && is_ws((unsigned char)s[j]))
			j++;
		if (j >= end || s[j++] != '=')
			return 0;
		while (j < end && is_ws((unsigned char)s[j]))
			j++;
		if (j >= end || (s[j] != '"' && s[j] != '\''))
			return 0;
		q = s[j++];
		*vs = j;
		while (j < end && s[j] != q)
			j++;
		if (j >= end)
			return 0;
		*ve = j;
		return 1;
	}
	return 0;
}

/* "UTF-16" without a byte order: the bytes tell, else big-endian (RFC 2781). */
static const char *
pick_byte_order(const char *cs, const unsigned char *p, size_t len)
{
	const char *w;
	size_t i, even = 0, odd = 0;

	if (strcmp(cs, "UTF-16") != 0 && strcmp(cs, "UTF-32") != 0)
		return cs;
	w = sniff_wide(p, len);
	if (w != NULL && strncmp(w, cs, 6) == 0)
		return w;
	if (cs[4] == '3')
		return "UTF-32BE";
	/* Mostly-ASCII text has its zero bytes on the high-order side. */
	for (i = 0; i < len && i < 1024; i++) {
		if (p[i] == 0) {
			if (i & 1)
				odd++;
			else
				even++;
		}
	}
	return odd > even ? "UTF-16LE" : "UTF-16BE";
}

/* A declared charset that the bytes contradict is ignored, and flagged. */
static int
family_agrees(const char *declared, const char *wide)
{
	int dw = unit_size(declared) > 1;

	if (wide == NULL)
		return !dw;
	if (!dw || strncmp(declared, wide, 6) != 0)
		return 0;
	return declared[6] == '\0' || strcmp(declared, wide) == 0;
}

/*
 * The text is UTF-8 now, so the declaration must say so or libxml2 would
 * decode it a second time.  Also drops a second BOM and white space before
 * the declaration, which libxml2 rejects.
 */
static int
fix_declaration(struct cbuf *c)
{
	struct buf *b = &c->b;
	size_t ws = 0, vs, ve, old;

	if (b->len >= 3 && memcmp(b->data, "\xef\xbb\xbf", 3) == 0) {
		memmove(b->data, b->data + 3, b->len - 2);
		b->len -= 3;
	}
	while (ws < b->len && is_ws((unsigned char)b->data[ws]))
		ws++;
	if (ws > 0 && b->len - ws >= 5 && memcmp(b->data + ws, "<?xml", 5) == 0) {
		memmove(b->data, b->data + ws, b->len - ws + 1);
		b->len -= ws;
	}
	if (!decl_encoding(b->data, b->len, &vs, &ve))
		return 0;
	old = ve - vs;
	if (old == 5 && strncasecmp(b->data + vs, "UTF-8", 5) == 0)
		return 0;
	if (old < 5) {
		size_t tail = b->len - ve;

		if (cbuf_append(c, "\0\0\0\0\0", 5 - old) < 0)
			return -1;
		memmove(b->data + vs + 5, b->data + ve, tail);
	} else {
		memmove(b->data + vs + 5, b->data + ve, b->len - ve + 1);
		b->len -= old - 5;
	}
	memcpy(b->data + vs, "UTF-8", 5);
	return 0;
}

/* 1 if fix_declaration would leave s as it is. */
static int
declaration_ok(const char *s, size_t len)
{
	size_t ws = 0, vs, ve;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return 0;
	while (ws < len && is_ws((unsigned char)s[ws]))
		ws++;
	if (ws > 0 && len - ws >= 5 && memcmp(s + ws, "<?xml", 5) == 0)
		return 0;
	if (!decl_encoding(s, len, &vs, &ve))
		return 1;
	return ve - vs == 5 && strncasecmp(s + vs, "UTF-8", 5) == 0;
}

/* One allocation for the common case where the output is as long as the input. */
static void
reserve(struct cbuf *c, size_t n)
{
	struct buf *b = &c->b;

	if (c->max && n > c->max)
		n = c->max;
	if (b->data == NULL) {
		b->data = xmalloc(n + 1);
		b->cap = n + 1;
		b->data[0] = '\0';
	}
}

static int
decode(const char *in, size_t len, const char *http_charset,
    size_t max_out, int may_borrow, struct encoding_result *out, char *ebuf,
    size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	const char *cs, *wide, *declared, *src;
	char decl[DECL_MAX + 1], name[NAME_MAX_LEN];
	struct cbuf b = { 0 };
	size_t skip, vs, ve, dlen;
	int rc;

	memset(out, 0, sizeof(*out));
	b.max = max_out;
	if (p == NULL)
		len = 0;

	cs = sniff_bom(p, len, &skip);
	p += skip;
	len -= skip;

	if (cs == NULL && http_charset != NULL && *http_charset != '\0' &&
	    (cs = encoding_canonical(http_charset)) == NULL)
		out->declared_mismatch = 1;
	/* ASCII in 16- or 32-bit units is as plain as a BOM: a server that
	 * calls such bytes UTF-8 or latin1 is wrong, whatever it says. */
	if (cs != NULL && skip == 0 && unit_size(cs) == 1 &&
	    sniff_wide(p, len) != NULL) {
		out->declared_mismatch = 1;
		cs = NULL;
	}
	/* And the other way round: a server that calls UTF-8 (or any 8-bit)
	 * bytes UTF-16 is wrong when they cannot be 16- or 32-bit text. */
	if (cs != NULL && skip == 0 && !wide_start(p, len, unit_size(cs))) {
		out->declared_mismatch = 1;
		cs = NULL;
	}

	if (cs == NULL) {
		wide = sniff_wide(p, len);
		if (wide != NULL) {
			dlen = narrow(p, len, wide, decl, sizeof(decl));
			src = decl;
		} else {
			dlen = len;
			src = (const char *)p;
		}
		if (decl_encoding(src, dlen, &vs, &ve)) {
			if (ve - vs >= sizeof(name))
				ve = vs;	/* no charset name is that long */
			memcpy(name, src + vs, ve - vs);
			name[ve - vs] = '\0';
			declared = encoding_canonical(name);
			if (declared == NULL || !family_agrees(declared, wide))
				out->declared_mismatch = 1;
			else
				cs = declared;
		}
		if (wide != NULL)
			cs = wide;
	}
	if (cs != NULL)
		cs = pick_byte_order(cs, p, len);

	/* Clean UTF-8 that no step below would change: no copy. */
	if (may_borrow && (cs == NULL || strcmp(cs, "UTF-8") == 0) &&
	    (max_out == 0 || len <= max_out) &&
	    clean_utf8(NULL, p, len, 0, &out->lossy) == 0 &&
	    declaration_ok((const char *)p, len)) {
		out->data = (char *)(uintptr_t)p;
		out->len = len;
		out->borrowed = 1;
		strncpy(out->charset, "UTF-8", sizeof(out->charset) - 1);
		return ERR_OK;
	}

	if (cs == NULL) {
		reserve(&b, len);
		rc = clean_utf8(&b, p, len, 1, &out->lossy);
		if (rc == 0)
			cs = "UTF-8";
		else if (rc > 0) {
			buf_reset(&b.b);
			out->lossy = 0;
			cs = "WINDOWS-1252";
			rc = decode_cp1252(&b, p, len, &out->lossy);
		}
	} else if (strcmp(cs, "UTF-8") == 0) {
		reserve(&b, len);
		rc = clean_utf8(&b, p, len, 0, &out->lossy);
	} else if (strcmp(cs, "WINDOWS-1252") == 0) {
		reserve(&b, len);
		rc = decode_cp1252(&b, p, len, &out->lossy);
	} else {
		reserve(&b, len);
		rc = decode_iconv(&b, cs, p, len, unit_size(cs), &out->lossy);
		if (rc == -2) {
			/* Only if this libc lacks a converter we list. */
			out->declared_mismatch = 1;
			cs = "WINDOWS-1252";
			rc = decode_cp1252(&b, p, len, &out->lossy);
		}
	}
	if (rc == 0)
		rc = fix_declaration(&b);
	if (rc < 0) {
		buf_free(&b.b);
		return err_set(ebuf, n, ERR_LIMIT,
		    "the decoded document is larger than %zu bytes", max_out);
	}
	out->len = b.b.len;
	out->data = buf_detach(&b.b);
	strncpy(out->charset, cs, sizeof(out->charset) - 1);
	return ERR_OK;
}

int
encoding_to_utf8(const char *in, size_t len, const char *http_charset,
    size_t max_out, struct encoding_result *out, char *ebuf, size_t n)
{
	return decode(in, len, http_charset, max_out, 0, out, ebuf, n);
}

int
encoding_to_utf8_view(const char *in, size_t len, const char *http_charset,
    size_t max_out, struct encoding_result *out, char *ebuf, size_t n)
{
	return decode(in, len, http_charset, max_out, 1, out, ebuf, n);
}

void
encoding_result_clear(struct encoding_result *r)
{
	if (!r->borrowed)
		free(r->data);
	r->data = NULL;
	r->len = 0;
}

char *
encoding_clean_utf8(const char *s, size_t len)
{
	struct cbuf b = { 0 };	/* no cap: clean_utf8 cannot fail */
	int lossy = 0;

	if (s == NULL)
		return NULL;
	reserve(&b, len);
	clean_utf8(&b, (const unsigned char *)s, len, 0, &lossy);
	return buf_detach(&b.b);
}
