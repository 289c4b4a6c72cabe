#ifndef TIDINGS_PARSE_XML_IMPL_H
#define TIDINGS_PARSE_XML_IMPL_H
/*
 * What parse_xml.c (the SAX handlers and the driver) and parse_xml_fields.c
 * (the field table and the filling of fields and items) share; nothing
 * else includes it.  The contract of the XML parser is parse_xml.h.
 */
#include <stddef.h>

#include <libxml/parser.h>

#include "article.h"
#include "buf.h"
#include "date.h"
#include "parse_opts.h"
#include "parse_pipe.h"
#include "xml_cdata.h"
#include "xml_entities.h"
#include "xml_names.h"

#define MAX_DEPTH	256		/* deeper elements are ignored */
#define FIELD_MAX	(4u * 1024 * 1024)	/* bytes of text per field */
#define ATTR_MAX	64

/*
 * Wraps an append to a FIELD_MAX buffer whose cut is silent: past the cap
 * the piece is left out and the next ones are still tried (a shorter one
 * may fit).  That is how a capture's markup (its start tag's name and its
 * text report the cut: cap_overflow) and an author's text and parts are
 * cut.
 */
static inline void
cut_silently(int r)
{
	(void)r;
}

/*
 * Where an element sits: its parent decides what a field element means.
 * Fields come only from a container's own children (a <title> inside an
 * item's <image> is not the item's title, whatever the order), and from
 * the extensions' own nesting: Media RSS elements inside media:group or
 * media:content, an itunes:category inside another (enum nest).
 * Whatever another element holds is no field (Shopify's
 * <s:variant><title>Default Title</title> inside each item): its
 * children get C_IGNORE, or C_FEED_DEEP below the feed, where items
 * still count (feedparser finds an item wrapped in an unknown element)
 * but feed fields do not.
 */
enum ctx {
	C_NONE = 0, C_FEED, C_ITEM, C_IMAGE, C_AUTHOR, C_SKIPHOURS,
	C_SKIPDAYS, C_IGNORE, C_FEED_DEEP,
};

/* Target fields. */
enum fld {
	F_NONE = 0, F_TITLE, F_LINK, F_GUID, F_AUTHOR, F_PUBLISHED,
	F_UPDATED, F_SUMMARY, F_CONTENT, F_COMMENTS, F_LANGUAGE,
	F_GENERATOR, F_IMAGE, F_DURATION, F_COMMENT_COUNT, F_NFIELDS
};

/* Content types, as feedparser maps the type attribute. */
enum ctype { T_TEXT = 0, T_HTML, T_XHTML, T_OTHER };

/* What an element fills (the table rules in parse_xml_fields.c). */
struct rule {
	enum fld	 item;
	int		 iprio;
	enum fld	 feed;
	int		 fprio;
	enum ctype	 type;
};

/* Extension elements whose children count as their parent's would. */
enum nest { N_NONE = 0, N_MEDIA, N_ITUNES_CATEGORY };

struct frame {
	enum xml_el		 el;
	enum ctx	 ctx;
	const char	*base;	/* effective xml:base */
	char		*own_base;	/* set when this element changed it */
	const char	*lang;
	char		*own_lang;
	unsigned	 capture:1;	/* this element's text is collected */
	unsigned	 markup:1;	/* serialised into an ancestor's capture */
	unsigned	 is_void:1;
	unsigned	 skip:1;	/* not serialised */
	unsigned	 closed:1;	/* ended by close_pending */
	unsigned	 nest:2;	/* enum nest: the children that count */
	const xmlChar	*local;		/* libxml2's dictionary string */
};

/* The text field being collected (at most one at a time; an element
 * nested in it is serialised into it or ignored). */
struct capture {
	int		 depth;		/* frame index of the owner, -1 = none */
	enum fld	 fld;
	int		 prio;
	int		 is_item;
	enum ctype	 type;
	int		 base64;
	int		 permalink;	/* guid isPermaLink */
	int		 link_done;	/* a link element's href was used, or it
					 * is not the alternate: no text */
	/* xhtml: is the whole value one <div>, to unwrap? */
	int		 top_elems;
	int		 top_text;
	int		 first_is_div;
	size_t		 div_inner_start;
	size_t		 div_inner_end;
	struct cbuf	 text;		/* FIELD_MAX */
};

/* How an item's content or summary is still to be rendered: its HTML
 * is captured raw and sanitised when the item is finished (job_run), on
 * the second thread when there is one. */
enum render { R_DONE = 0, R_SANITIZE, R_SANITIZE_TEXT };

struct pending {
	enum render	 how;
	char		*base;		/* the xml:base it was captured under */
};

/* A captured item on its way to the callback; its cost is the bytes it
 * holds. */
struct job {
	struct parse_pipe_job link;	/* first: a job is its link */
	struct article	*a;
	struct pending	 content;
	struct pending	 summary;
	int		 content_plain;
	int		 summary_plain;
};

/* Each capped at FIELD_MAX. */
struct author {
	struct cbuf	 name;
	struct cbuf	 email;
	struct cbuf	 text;
	int		 is_item;
	int		 prio;
	int		 depth;
};

struct state {
	xmlParserCtxtPtr ctxt;
	const struct parse_opts *o;
	struct article_feed *feed;
	char		*self_url;	/* the feed's rel="self" link */
	parse_item_fn	 cb;
	void		*cbctx;
	int		 cbrc;

	enum article_format format;
	int		 root_seen;
	int		 not_feed;
	int		 in_page;	/* the root is <html>: wrapped_feed */
	char		 root_name[64];

	struct frame	 frames[MAX_DEPTH];
	int		 depth;		/* frames in use */
	int		 overflow;	/* elements below MAX_DEPTH */

	struct capture	 cap;
	struct author	 auth;
	int		 in_author;

	struct article	*item;
	int		 item_depth;
	int		 iprio[F_NFIELDS];
	int		 fprio[F_NFIELDS];
	int		 item_content_plain;
	int		 item_summary_plain;
	int		 item_has_content;
	long long	 item_image_width;	/* of a->image, 0 if not given */
	struct pending	 pend_content;	/* how a->content is to be rendered */
	struct pending	 pend_summary;
	struct parse_pipe *pipe;	/* NULL: items are finished inline */
	/* CDATA contents libxml2 was given a stand-in for, in order */
	struct xml_cdata_span *cdata;
	size_t		 ncdata;
	size_t		 cdata_next;
	int		 feed_has_published;
	struct date_time feed_published;
	int		 sy_period;
	int		 sy_freq;

	int		 bozo;
	char		*bozo_message;
	char		*first_error;
	int		 first_error_line;
	char		*pending_close;	/* a mismatched end tag's name */

	struct xml_entities ent;	/* references, and the DTD's entities */

	/* the current start tag's attribute values, decoded */
	int		 nattr;
	const xmlChar	**attrs;
	char		*attrv[ATTR_MAX];

	struct xml_names names;	/* element names met so far */
};


/* parse_xml.c */
/* Attribute value of the current start tag by local name (any namespace
 * but xml:, no case), as a new string, or NULL. */
char	*parse_xml_attr_get(struct state *st, const char *name, int xml_ns);

/* parse_xml_fields.c */
/* The rule for an element, NULL if it fills no field. */
const struct rule *parse_xml_rule(enum xml_el e);
/* Sets how a captured content or summary is still to be rendered, under
 * base (copied); R_DONE clears it. */
void	parse_xml_pending_set(struct pending *p, enum render how,
	    const char *base);
/* Hands v (owned) to a field of the item or the feed; 1 if it was taken
 * (an item's content or summary is then final unless the caller says how
 * to render it with parse_xml_pending_set). */
int	parse_xml_store(struct state *st, int is_item, enum fld f, int prio,
	    char *v, int plain);
/* The base URL of relative references inside fr: its xml:base or the
 * document's URL; when neither is known, the feed's declared location
 * (its rel="self" link, else its own link), as far as the document has
 * told it so far. */
const char *parse_xml_base(const struct state *st, const struct frame *fr);
/* The collected text of a finished field element goes to its field. */
void	parse_xml_finish_capture(struct state *st);
/* An item starts; an item ends and goes to the callback, inline or
 * through st->pipe. */
void	parse_xml_item_begin(struct state *st);
void	parse_xml_item_end(struct state *st);
/* The feed's fields that come from several elements, once they are in. */
void	parse_xml_feed_finish(struct state *st);
/* The pipe's run and drop functions (parse_pipe.h); ctx is the state,
 * whose callback and context are set before the pipe starts and never
 * change. */
int	parse_xml_pipe_run(void *ctx, struct parse_pipe_job *link);
void	parse_xml_pipe_drop(struct parse_pipe_job *link);
/* Element-specific attributes: links with href, enclosures, images. */
void	parse_xml_handle_attrs(struct state *st, struct frame *fr,
	    int is_item, int nb, const xmlChar **attrs);

#endif
