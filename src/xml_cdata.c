/*
 * The CDATA prescan and the push of a document to libxml2 with stand-ins;
 * the contracts are in xml_cdata.h.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "buf.h"
#include "xml_cdata.h"
#include "xml_scan.h"
#include "xmalloc.h"

int
xml_cdata_scan(const char *s, size_t len, struct xml_cdata_span **out,
    size_t *nout)
{
	const char *end = s + len, *close, *q;
	struct xml_cdata_span *v = NULL;
	size_t n = 0, cap = 0;
	char quote;

	while (s < end && (s = memchr(s, '<', (size_t)(end - s))) != NULL) {
		if (end - s >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
			if ((close = xml_scan_find(s + 9, end, "]]>")) == NULL)
				goto no;
			for (q = s + 9; q < close && (q = memchr(q, 0xef,
			    (size_t)(close - q))) != NULL; q++)
				if (close - q >= 3 &&
				    (unsigned char)q[1] == 0xbf &&
				    ((unsigned char)q[2] == 0xbe ||
				    (unsigned char)q[2] == 0xbf))
					goto no;
			if (close > s + 9) {
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[n].p = s + 9;
				v[n].len = (size_t)(close - (s + 9));
				n++;
			}
			s = close + 3;
		} else if (end - s >= 4 && memcmp(s, "<!--", 4) == 0) {
			if ((close = xml_scan_find(s + 4, end, "-->")) == NULL)
				goto no;
			s = close + 3;
		} else if (end - s >= 2 && s[1] == '?') {
			if ((close = xml_scan_find(s + 2, end, "?>")) == NULL)
				goto no;
			s = close + 2;
		} else if (end - s >= 2 && s[1] == '!')
			goto no;
		else {
			for (q = s + 1, quote = 0; q < end; q++) {
				if (*q == '<')
					goto no;
				if (quote) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '"' || *q == '\'')
					quote = *q;
				else if (*q == '>')
					break;
			}
			if (q >= end)
				goto no;
			s = q + 1;
		}
	}
	*out = v;
	*nout = n;
	return 1;
no:
	free(v);
	return 0;
}

/* Hands libxml2 n bytes through the slice buffer; -1 once it stopped. */
static int
feed(xmlParserCtxtPtr ctxt, struct buf *slice, const char *p, size_t n)
{
	size_t k;

	while (n > 0) {
		k = XML_PUSH_SLICE - slice->len;
		if (k > n)
			k = n;
		buf_append(slice, p, k);
		p += k;
		n -= k;
		if (slice->len == XML_PUSH_SLICE) {
			xmlParseChunk(ctxt, slice->data, (int)slice->len, 0);
			buf_reset(slice);
			if (ctxt->instate == XML_PARSER_EOF)
				return -1;
		}
	}
	return 0;
}

/* The document with a stand-in for each span's content. */
static void
push_standins(xmlParserCtxtPtr ctxt, const char *utf8, size_t len,
    const struct xml_cdata_span *v, size_t n)
{
	static const char nl[] = "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
	    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n"
	    "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";
	struct buf slice = { 0 };
	const char *pos = utf8, *q, *e;
	size_t i, lines, k;

	buf_reserve(&slice, XML_PUSH_SLICE);
	for (i = 0; i < n; i++) {
		if (feed(ctxt, &slice, pos, (size_t)(v[i].p - pos)) < 0 ||
		    feed(ctxt, &slice, "x", 1) < 0)
			goto done;
		e = v[i].p + v[i].len;
		for (lines = 0, q = v[i].p; q < e &&
		    (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++)
			lines++;
		for (; lines > 0; lines -= k) {
			k = lines < sizeof(nl) - 1 ? lines : sizeof(nl) - 1;
			if (feed(ctxt, &slice, nl, k) < 0)
				goto done;
		}
		pos = e;
	}
	if (feed(ctxt, &slice, pos, (size_t)(utf8 + len - pos)) < 0)
		goto done;
	if (slice.len > 0)
		xmlParseChunk(ctxt, slice.data, (int)slice.len, 0);
done:
	buf_free(&slice);
}

void
xml_cdata_push(xmlParserCtxtPtr ctxt, const char *utf8, size_t len,
    const struct xml_cdata_span *v, size_t n)
{
	size_t off, k;

	if (n > 0) {
		push_standins(ctxt, utf8, len, v, n);
		return;
	}
	for (off = 0; off < len; off += XML_PUSH_SLICE) {
		k = len - off < XML_PUSH_SLICE ? len - off : XML_PUSH_SLICE;
		xmlParseChunk(ctxt, utf8 + off, (int)k, 0);
		if (ctxt->instate == XML_PARSER_EOF)
			break;
	}
}
