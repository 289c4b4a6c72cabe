#ifndef TIDINGS_XML_ENTITIES_H
#define TIDINGS_XML_ENTITIES_H
/*
 * Entities in a feed, without ever expanding the document's DTD: no DTD
 * loading, no external entity (xml_entities_loader refuses every one),
 * and of the internal entities only short, flat ones are kept, so billion
 * laughs, quadratic blowup and XXE come out as harmless literal "&name;"
 * text.  Feeds do use HTML named entities without declaring them
 * (&eacute; in a title): those are understood, and make the feed bozo.
 *
 * libxml2 copies only the first byte of an entity's text into an
 * attribute value, so every entity handed to libxml2 is the one byte
 * XML_ENT_MARK (a C0 control: never in decoded input) and its real text
 * waits in a queue: the characters handler swaps it in for content
 * (xml_entities_take_last), the start-element handler for attribute
 * values (xml_entities_queued).
 *
 * Also here: the repair of bare '&' before libxml2 reads the document.
 */
#include <stddef.h>

#include <libxml/parser.h>

#include "buf.h"

#define XML_ENT_MARK		'\001'
#define XML_ENT_QUEUE		256
#define XML_ENT_DECL_MAX	64		/* DTD-declared entities kept */
#define XML_ENT_DECL_TEXT_MAX	256		/* bytes of replacement text each */
#define XML_ENT_BUDGET		(1024u * 1024)	/* bytes of expansion per document */

/* One document's entities; zeroed, then xml_entities_init. */
struct xml_entities {
	xmlEntity	 mark;
	char		*q[XML_ENT_QUEUE];
	int		 nq;
	/* internal entities declared in the DTD, replacement text capped */
	struct {
		char	*name;
		char	*text;
	} decl[XML_ENT_DECL_MAX];
	int		 ndecl;
	size_t		 budget;
};

void	xml_entities_init(struct xml_entities *e);
/* Frees what e holds; e can be initialised again. */
void	xml_entities_clear(struct xml_entities *e);

/* An entityDecl from the DTD: kept when it is internal, general, at most
 * XML_ENT_DECL_TEXT_MAX bytes and flat (no '&', '<' or '%': it cannot
 * nest or grow); XML_ENT_DECL_MAX are kept. */
void	xml_entities_declare(struct xml_entities *e, const xmlChar *name,
	    int type, const xmlChar *content);
/* The entity to hand libxml2 for a reference to name: always the mark,
 * with the text queued: a declared entity's text while the document's
 * budget of XML_ENT_BUDGET bytes lasts, else an HTML entity's character,
 * else the literal reference.  *why is set to a bozo message (a format
 * with one %s for the name) when the reference is not plain XML, else to
 * NULL.  The mark is valid until the next call. */
xmlEntityPtr xml_entities_resolve(struct xml_entities *e, const xmlChar *name,
	    const char **why);
/* The i-th queued text (in the order the references came), NULL past
 * the end. */
const char *xml_entities_queued(const struct xml_entities *e, int i);
/* The last queued text (the caller owns it; NULL if none), emptying the
 * queue. */
char	*xml_entities_take_last(struct xml_entities *e);
/* Empties the queue. */
void	xml_entities_drop_queued(struct xml_entities *e);

/* The external entity loader to install (xmlSetExternalEntityLoader): it
 * loads nothing. */
xmlParserInputPtr xml_entities_loader(const char *url, const char *id,
	    xmlParserCtxtPtr ctxt);

/*
 * Feeds often carry a bare "&" (in a query string most of all), which
 * libxml2 drops together with the text after it.  Like feedparser's
 * loose parser, such ampersands are taken literally: they become "&amp;"
 * (and "&#X" becomes "&#x"), outside comments, CDATA and processing
 * instructions.  Returns the number of fixes; out is only filled (a copy
 * of the whole document) when there is one, and *first_off is then the
 * offset of the first.
 */
size_t	xml_entities_repair_amps(const char *p, size_t len, struct buf *out,
	    size_t *first_off);

#endif
