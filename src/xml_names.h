#ifndef TIDINGS_XML_NAMES_H
#define TIDINGS_XML_NAMES_H
/*
 * The elements of RSS, Atom and their extensions, by name.  Names are
 * matched as Python feedparser matches them, which is what the
 * conformance corpus encodes: namespace URIs are compared without case
 * against a list of known ones (with the usual wrong spellings), a
 * namespace nobody knows falls back to the prefix the document used, and
 * local names are compared without case.  Pure.
 */
#include <ctype.h>

#include <libxml/parser.h>

/* Namespaces, after feedparser's mapping to canonical prefixes.  NS_NONE
 * covers the RSS and Atom namespaces, whose elements are unprefixed. */
enum xml_ns {
	NS_OTHER = 0, NS_NONE, NS_CONTENT, NS_DC, NS_DCTERMS, NS_MEDIA,
	NS_ITUNES, NS_SLASH, NS_SY, NS_XHTML, NS_RDF, NS_ADMIN, NS_XML, NS_THR,
};

enum xml_el {
	E_UNKNOWN = 0,
	/* containers */
	E_RSS, E_RDF, E_FEED, E_CHANNEL, E_ITEM, E_IMAGE, E_TEXTINPUT,
	E_SOURCE, E_AUTHOR, E_CONTRIBUTOR, E_SKIPHOURS, E_SKIPDAYS,
	E_ITUNES_OWNER, E_MEDIA_GROUP,
	/* fields */
	E_TITLE, E_DC_TITLE, E_MEDIA_TITLE, E_LINK, E_GUID, E_MANAGINGEDITOR,
	E_DC_CREATOR, E_ITUNES_AUTHOR, E_NAME, E_EMAIL, E_PUBLISHED,
	E_UPDATED, E_DESCRIPTION, E_SUMMARY, E_ITUNES_SUMMARY,
	E_MEDIA_DESCRIPTION, E_DC_DESCRIPTION, E_SUBTITLE, E_ITUNES_SUBTITLE,
	E_CONTENT_ENCODED, E_CONTENT, E_BODY, E_FULLITEM, E_CATEGORY,
	E_MEDIA_CATEGORY,
	E_ITUNES_CATEGORY, E_ITUNES_KEYWORDS, E_ENCLOSURE, E_MEDIA_CONTENT,
	E_COMMENTS, E_LANGUAGE, E_GENERATOR, E_GENERATOR_AGENT, E_URL,
	E_LOGO, E_ITUNES_IMAGE, E_TTL, E_SY_PERIOD, E_SY_FREQUENCY, E_HOUR,
	E_DAY, E_MEDIA_THUMBNAIL, E_ITUNES_DURATION, E_SLASH_COMMENTS,
	E_THR_TOTAL, E_WEBMASTER, E_ICON,
	E_COUNT
};

/* A cache of the names a document used, keyed by libxml2's dictionary
 * pointers: zeroed before the first lookup. */
struct xml_names {
	struct {
		const xmlChar	*local, *prefix, *uri;
		enum xml_el	 el;
	} cache[256];
};

/* The element (local, prefix, uri: libxml2's dictionary strings, prefix
 * and uri may be NULL) is; E_UNKNOWN for one no field or container
 * knows. */
enum xml_el xml_names_lookup(struct xml_names *c, const xmlChar *local,
	    const xmlChar *prefix, const xmlChar *uri);

/* strcasecmp in ASCII, whatever the locale. */
static inline int
xml_casecmp(const char *a, const char *b)
{
	unsigned char x, y;

	do {
		x = (unsigned char)tolower((unsigned char)*a++);
		y = (unsigned char)tolower((unsigned char)*b++);
	} while (x != 0 && x == y);
	return x - y;
}

#endif
