#ifndef TIDINGS_XML_CDATA_H
#define TIDINGS_XML_CDATA_H
/*
 * CDATA stand-ins, and handing a document to libxml2's push parser.
 *
 * libxml2's push parser spends most of its time on CDATA content: it
 * looks for "]]>", checks the UTF-8 and counts lines a byte at a time.
 * The content needs none of it (encoding.c made it valid, and
 * xml_cdata_scan finds the end at memchr speed), so libxml2 can be given
 * "x" and as many newlines as the content has (its line numbers stay
 * right) in its place, and the cdataBlock handler hands over the real
 * content: the block that starts with the stand-in's 'x' gets the next
 * span, the rest of a stand-in is newlines to drop.  An empty section is
 * fed as it is and has no span.  Figures: bench/README.
 */
#include <stddef.h>

#include <libxml/parser.h>

/* Documents worth the scan; the fuzz build sets 0 so that the stand-in
 * path sees the fuzzer's small inputs too. */
#ifndef CDATA_MIN
#define CDATA_MIN	(64u * 1024)
#endif
#define XML_PUSH_SLICE	(64u * 1024)	/* bytes handed to libxml2 at a time */

/* A CDATA section's content in the document. */
struct xml_cdata_span {
	const char	*p;
	size_t		 len;
};

/*
 * Finds the content of every non-empty CDATA section of s, in order:
 * *out (malloc'd, the caller frees it; NULL when there is none) and
 * *nout.  Stand-ins need a document this scan reads exactly as libxml2
 * does, so anything less plain keeps the plain way: returns 0 (and sets
 * nothing) for a DOCTYPE, a comment, processing instruction, CDATA
 * section or tag left open, a '<' inside a tag (a broken attribute
 * value), or U+FFFE or U+FFFF in CDATA (libxml2 stops there); else 1.
 */
int	xml_cdata_scan(const char *s, size_t len, struct xml_cdata_span **out,
	    size_t *nout);

/* Hands the len bytes at utf8 to the push parser ctxt in slices of
 * XML_PUSH_SLICE bytes, with a stand-in for the content of each of the
 * n spans (n = 0: the bytes as they are, without a copy); stops when
 * libxml2 stops.  The final, terminating chunk is the caller's. */
void	xml_cdata_push(xmlParserCtxtPtr ctxt, const char *utf8, size_t len,
	    const struct xml_cdata_span *v, size_t n);

#endif
