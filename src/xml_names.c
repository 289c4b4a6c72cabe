/*
 * Element names of feeds to enum xml_el; the contract is in xml_names.h.
 */
#include <stdint.h>
#include <string.h>

#include "xml_names.h"

static const struct {
	const char	*uri;	/* compared without case */
	enum xml_ns	 ns;
} ns_uris[] = {
	{ "", NS_NONE },
	{ "http://backend.userland.com/rss", NS_NONE },
	{ "http://blogs.law.harvard.edu/tech/rss", NS_NONE },
	{ "http://purl.org/rss/1.0/", NS_NONE },
	{ "http://my.netscape.com/rdf/simple/0.9/", NS_NONE },
	{ "http://example.com/newformat#", NS_NONE },
	{ "http://example.com/necho", NS_NONE },
	{ "http://purl.org/echo/", NS_NONE },
	{ "uri/of/echo/namespace#", NS_NONE },
	{ "http://purl.org/pie/", NS_NONE },
	{ "http://purl.org/atom/ns#", NS_NONE },
	{ "http://www.w3.org/2005/atom", NS_NONE },
	{ "http://purl.org/rss/1.0/modules/rss091#", NS_NONE },
	{ "http://purl.org/rss/1.0/modules/content/", NS_CONTENT },
	{ "http://purl.org/dc/elements/1.1/", NS_DC },
	{ "http://purl.org/dc/terms/", NS_DCTERMS },
	{ "http://search.yahoo.com/mrss", NS_MEDIA },
	{ "http://search.yahoo.com/mrss/", NS_MEDIA },
	{ "http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "http://example.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "http://purl.org/rss/1.0/modules/slash/", NS_SLASH },
	{ "http://purl.org/rss/1.0/modules/syndication/", NS_SY },
	{ "http://www.w3.org/1999/xhtml", NS_XHTML },
	{ "http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF },
	{ "http://webns.net/mvcb/", NS_ADMIN },
	{ "http://www.w3.org/xml/1998/namespace", NS_XML },
	{ "http://purl.org/syndication/thread/1.0", NS_THR },
};

/* A namespace URI nobody knows: the prefix the document gave decides. */
static const struct {
	const char	*prefix;
	enum xml_ns	 ns;
} ns_prefixes[] = {
	{ "content", NS_CONTENT }, { "dc", NS_DC }, { "dcterms", NS_DCTERMS },
	{ "media", NS_MEDIA }, { "itunes", NS_ITUNES }, { "slash", NS_SLASH },
	{ "sy", NS_SY }, { "xhtml", NS_XHTML }, { "rdf", NS_RDF },
	{ "admin", NS_ADMIN }, { "thr", NS_THR },
};


static const struct {
	enum xml_ns	 ns;
	const char	*name;	/* lower case */
	enum xml_el	 el;
} elements[] = {
	{ NS_NONE, "rss", E_RSS },
	{ NS_RDF, "rdf", E_RDF },
	{ NS_NONE, "feed", E_FEED },
	{ NS_NONE, "channel", E_CHANNEL },
	{ NS_NONE, "item", E_ITEM },
	{ NS_NONE, "entry", E_ITEM },
	{ NS_NONE, "image", E_IMAGE },
	{ NS_NONE, "textinput", E_TEXTINPUT },
	{ NS_NONE, "source", E_SOURCE },
	{ NS_NONE, "author", E_AUTHOR },
	{ NS_NONE, "contributor", E_CONTRIBUTOR },
	{ NS_NONE, "skiphours", E_SKIPHOURS },
	{ NS_NONE, "skipdays", E_SKIPDAYS },
	{ NS_ITUNES, "owner", E_ITUNES_OWNER },
	{ NS_MEDIA, "group", E_MEDIA_GROUP },
	{ NS_NONE, "title", E_TITLE },
	{ NS_DC, "title", E_DC_TITLE },
	{ NS_MEDIA, "title", E_MEDIA_TITLE },
	{ NS_NONE, "link", E_LINK },
	{ NS_NONE, "guid", E_GUID },
	{ NS_NONE, "id", E_GUID },
	{ NS_NONE, "managingeditor", E_MANAGINGEDITOR },
	{ NS_DC, "creator", E_DC_CREATOR },
	{ NS_DC, "author", E_DC_CREATOR },
	{ NS_ITUNES, "author", E_ITUNES_AUTHOR },
	{ NS_NONE, "name", E_NAME },
	{ NS_ITUNES, "name", E_NAME },
	{ NS_NONE, "email", E_EMAIL },
	{ NS_ITUNES, "email", E_EMAIL },
	{ NS_NONE, "pubdate", E_PUBLISHED },
	{ NS_NONE, "published", E_PUBLISHED },
	{ NS_NONE, "issued", E_PUBLISHED },
	{ NS_DCTERMS, "issued", E_PUBLISHED },
	{ NS_NONE, "updated", E_UPDATED },
	{ NS_NONE, "modified", E_UPDATED },
	{ NS_NONE, "lastbuilddate", E_UPDATED },
	{ NS_DC, "date", E_UPDATED },
	{ NS_DCTERMS, "modified", E_UPDATED },
	{ NS_NONE, "description", E_DESCRIPTION },
	{ NS_NONE, "summary", E_SUMMARY },
	{ NS_ITUNES, "summary", E_ITUNES_SUMMARY },
	{ NS_MEDIA, "description", E_MEDIA_DESCRIPTION },
	{ NS_DC, "description", E_DC_DESCRIPTION },
	{ NS_NONE, "subtitle", E_SUBTITLE },
	{ NS_NONE, "tagline", E_SUBTITLE },
	{ NS_ITUNES, "subtitle", E_ITUNES_SUBTITLE },
	{ NS_CONTENT, "encoded", E_CONTENT_ENCODED },
	{ NS_NONE, "content", E_CONTENT },
	{ NS_XHTML, "body", E_BODY },
	{ NS_NONE, "body", E_BODY },
	{ NS_NONE, "fullitem", E_FULLITEM },
	{ NS_NONE, "category", E_CATEGORY },
	{ NS_DC, "subject", E_CATEGORY },
	{ NS_MEDIA, "category", E_MEDIA_CATEGORY },
	{ NS_ITUNES, "category", E_ITUNES_CATEGORY },
	{ NS_ITUNES, "keywords", E_ITUNES_KEYWORDS },
	{ NS_NONE, "tags", E_ITUNES_KEYWORDS },
	{ NS_NONE, "keywords", E_CATEGORY },
	{ NS_ITUNES, "link", E_ITUNES_IMAGE },
	{ NS_NONE, "enclosure", E_ENCLOSURE },
	{ NS_MEDIA, "content", E_MEDIA_CONTENT },
	{ NS_NONE, "comments", E_COMMENTS },
	{ NS_NONE, "language", E_LANGUAGE },
	{ NS_DC, "language", E_LANGUAGE },
	{ NS_NONE, "generator", E_GENERATOR },
	{ NS_ADMIN, "generatoragent", E_GENERATOR_AGENT },
	{ NS_NONE, "url", E_URL },
	{ NS_NONE, "logo", E_LOGO },
	{ NS_NONE, "icon", E_ICON },
	{ NS_NONE, "webmaster", E_WEBMASTER },
	{ NS_ITUNES, "image", E_ITUNES_IMAGE },
	{ NS_NONE, "ttl", E_TTL },
	{ NS_SY, "updateperiod", E_SY_PERIOD },
	{ NS_SY, "updatefrequency", E_SY_FREQUENCY },
	{ NS_NONE, "hour", E_HOUR },
	{ NS_NONE, "day", E_DAY },
	{ NS_MEDIA, "thumbnail", E_MEDIA_THUMBNAIL },
	{ NS_ITUNES, "duration", E_ITUNES_DURATION },
	{ NS_SLASH, "comments", E_SLASH_COMMENTS },
	{ NS_THR, "total", E_THR_TOTAL },
};

static enum xml_ns
ns_of(const xmlChar *uri, const xmlChar *prefix)
{
	size_t i;
	const char *u = uri ? (const char *)uri : "";

	if (strstr(u, "backend.userland.com/rss") != NULL)
		return NS_NONE;
	for (i = 0; i < sizeof(ns_uris) / sizeof(ns_uris[0]); i++)
		if (xml_casecmp(u, ns_uris[i].uri) == 0)
			return ns_uris[i].ns;
	if (prefix != NULL)
		for (i = 0; i < sizeof(ns_prefixes) / sizeof(ns_prefixes[0]);
		    i++)
			if (xml_casecmp((const char *)prefix,
			    ns_prefixes[i].prefix) == 0)
				return ns_prefixes[i].ns;
	return NS_OTHER;
}

enum xml_el
xml_names_lookup(struct xml_names *c, const xmlChar *local,
    const xmlChar *prefix, const xmlChar *uri)
{
	uint64_t k = (uint64_t)(uintptr_t)local * 0x9E3779B97F4A7C15ULL ^
	    (uint64_t)(uintptr_t)uri * 0xC2B2AE3D27D4EB4FULL ^
	    (uint64_t)(uintptr_t)prefix;
	size_t h = (size_t)(k >> 56), i, slot, probe;
	enum xml_ns ns;
	enum xml_el el = E_UNKNOWN;

	/* Open addressing over a few slots, so that two of a feed's usual
	 * elements whose hashes collide are both kept (bench/README). */
	slot = h;
	for (probe = 0; probe < 8 && local != NULL; probe++) {
		i = (h + probe) & 255;
		if (c->cache[i].local == NULL) {
			slot = i;
			break;
		}
		if (c->cache[i].local == local && c->cache[i].uri == uri &&
		    c->cache[i].prefix == prefix)
			return c->cache[i].el;
	}
	ns = ns_of(uri, prefix);
	if (ns != NS_OTHER)
		for (i = 0; i < sizeof(elements) / sizeof(elements[0]); i++)
			if (elements[i].ns == ns && xml_casecmp(
			    (const char *)local, elements[i].name) == 0) {
				el = elements[i].el;
				break;
			}
	c->cache[slot].local = local;
	c->cache[slot].prefix = prefix;
	c->cache[slot].uri = uri;
	c->cache[slot].el = el;
	return el;
}
