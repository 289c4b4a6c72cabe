#ifndef TIDINGS_XML_SCAN_H
#define TIDINGS_XML_SCAN_H
/*
 * Byte-level scanning of an XML document, for the passes that run over it
 * before libxml2 does (xml_entities.h, the '&' repair; xml_cdata.h, the
 * CDATA prescan).  Pure; [s, end) ranges, no NUL needed.
 */
#include <stddef.h>

/* The first '&' or '<' at or after s; end if none. */
const char	*xml_scan_markup(const char *s, const char *end);
/* Length of a well-formed reference at p ("&amp;", "&#38;", "&#x26;"),
 * 0 if there is none; *upper_x is set for "&#X26;", which feeds use and
 * XML does not allow. */
size_t		 xml_scan_ref(const char *p, const char *end, int *upper_x);
/* The first occurrence of the short string close in [s, end); NULL if
 * none.  Meant for terminators such as "]]>", "-->" and "?>". */
const char	*xml_scan_find(const char *s, const char *end,
		    const char *close);
/* The line number (from 1) of byte off of p. */
int		 xml_scan_line(const char *p, size_t off);

#endif
